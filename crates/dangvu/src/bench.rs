//! `dangvu bench`: the performance figures of the register, measured the way users meet them —
//! generation time, then name search and the first page of large subtrees over real HTTP against
//! the real server on a loopback port. Run it from a release build:
//!
//! ```text
//! cargo run --release -- bench --members 500000
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use domain::access::{Grant, Role};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use storage::prelude::*;
use storage::{MemberQuery, Period, ReportRequest};

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Members to generate (ignored when --database already holds data).
    #[arg(long, default_value_t = 500_000)]
    members: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Timed requests per measurement.
    #[arg(long, default_value_t = 1_000)]
    requests: usize,
    /// Reuse this database instead of a fresh temporary SQLite file.
    #[arg(long)]
    database: Option<String>,
    /// Seconds of each throughput run (the handbook home against a bare handler).
    #[arg(long, default_value_t = 10)]
    throughput_seconds: u64,
    /// Rounds of the throughput runs (bare handler and handbook home in turn); the figures
    /// reported are the medians over the rounds.
    #[arg(long, default_value_t = 3)]
    throughput_rounds: usize,
    /// Only the throughput runs (skip the latency measurements).
    #[arg(long)]
    throughput_only: bool,
}

pub async fn run(args: BenchArgs) -> Result<()> {
    let dir = tempfile_dir()?;
    let location = args.database.clone().unwrap_or_else(|| format!("{}/bench.sqlite3", dir.display()));
    let today = storage::vietnam_today(chrono::Utc::now());
    let started = Instant::now();
    let store = crate::open_store(&location).await?;
    let existing = store.find_members(&MemberQuery::new(today)).await?.total;
    if existing == 0 {
        let t = Instant::now();
        crate::generate(store.as_ref(), args.members, args.seed).await?;
        println!("generate: {} members in {:.1} s", args.members, t.elapsed().as_secs_f64());
    } else {
        println!("using {location}: {existing} active members (opened and indexed in {:.1} s)", started.elapsed().as_secs_f64());
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let served: Arc<dyn Store> = store.clone();
    tokio::spawn(async move { web::serve(listener, None, served, Arc::new(web::SystemClock), web::AuthConfig::default()).await });
    if args.throughput_only {
        crate::throughput::compare(store.as_ref(), &base, args.throughput_seconds, args.throughput_rounds).await?;
        return Ok(());
    }
    let admin = Grant { role: Role::Admin, unit: None };
    let credentials = Credentials::open(store.as_ref(), "bench", admin).await?;
    // No redirects: a login redirect must fail the measurement, not time the login page.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;

    let queries = sample_queries(store.as_ref(), today, args.seed, 400, None).await?;
    let roots = store.children(None, today).await?;
    let root = roots.iter().max_by_key(|r| r.member_count).context("no unit in the database")?;
    let biggest_child = store.children(Some(root.unit.id), today).await?.into_iter().max_by_key(|c| c.member_count);
    // A commune's organization-board staff: every list and search carries its scope.
    let commune = biggest_child.as_ref().context("the province has no commune")?;
    let staff = Credentials::open(store.as_ref(), "bench-xa", Grant { role: Role::OrgBoardStaff, unit: Some(commune.unit.id) }).await?;
    let commune_queries = sample_queries(store.as_ref(), today, args.seed, 400, Some(commune.unit.id)).await?;

    let mut paths = Vec::new();
    paths
        .push(("search, API (/api/v1/members?q=)", queries.iter().map(|q| format!("/api/v1/members?q={}", encode(q))).collect::<Vec<_>>()));
    paths.push(("search, page (/members?q=)", queries.iter().map(|q| format!("/members?q={}", encode(q))).collect()));
    paths.push(("first page of the whole province, API", vec![format!("/api/v1/members?unit={}", root.unit.id)]));
    paths.push(("first page of the whole province, page", vec![format!("/members?unit={}", root.unit.id)]));
    paths.push(("unit page of the province (/units/{id})", vec![format!("/units/{}", root.unit.id)]));
    if let Some(c) = &biggest_child {
        paths.push(("first page of the largest commune, API", vec![format!("/api/v1/members?unit={}", c.unit.id)]));
    }
    paths.push(("counts report of the whole province, API", vec![format!("/api/v1/reports/counts?unit={}", root.unit.id)]));
    paths.push(("counts report of the whole province, page", vec![format!("/reports/counts?unit={}", root.unit.id)]));
    paths.push(("admission worklist of the province, API", vec![format!("/api/v1/admission/worklist?unit={}", root.unit.id)]));
    paths.push(("admission worklist of the province, page", vec![format!("/admission/worklist?unit={}", root.unit.id)]));
    paths.push(("admission targets of the province, API", vec![format!("/api/v1/admission/targets?unit={}", root.unit.id)]));

    let search = |qs: &[String]| qs.iter().map(|q| format!("/api/v1/members?q={}", encode(q))).collect::<Vec<_>>();
    let mut access_paths = vec![
        ("search in one commune, API, administrator", search(&commune_queries), &credentials),
        ("search in one commune, API, commune staff", search(&commune_queries), &staff),
        ("search across the province, API, commune staff", search(&queries), &staff),
        ("first page of the commune, API, commune staff", vec![format!("/api/v1/members?unit={}", commune.unit.id)], &staff),
        (
            "admission worklist of the commune, API, commune staff",
            vec![format!("/api/v1/admission/worklist?unit={}", commune.unit.id)],
            &staff,
        ),
    ];
    let mut labelled: Vec<(&str, Vec<String>, &Credentials)> = paths.into_iter().map(|(l, u)| (l, u, &credentials)).collect();
    labelled.append(&mut access_paths);

    println!();
    println!("{:<48} {:>7} {:>9} {:>9} {:>9} {:>9}", "measurement", "n", "p50 ms", "p95 ms", "p99 ms", "max ms");
    for (label, urls, who) in labelled {
        for url in urls.iter().take(20) {
            get(&client, who, &base, url).await?;
        }
        let mut times = Vec::with_capacity(args.requests);
        for i in 0..args.requests {
            let url = &urls[i % urls.len()];
            let t = Instant::now();
            get(&client, who, &base, url).await?;
            times.push(t.elapsed());
        }
        report(label, &mut times);
    }
    // The same searches in process, without HTTP and without the audit entry each request writes.
    let scope = storage::ScopeFilter { scope: domain::access::Scope { units: vec![commune.unit.id], ..Default::default() }, today };
    for (label, scoped) in
        [("search in one commune, in process, unscoped", None), ("search in one commune, in process, scoped", Some(scope))]
    {
        let mut times = Vec::with_capacity(args.requests);
        for i in 0..args.requests {
            let q = MemberQuery { q: commune_queries[i % commune_queries.len()].clone(), scope: scoped.clone(), ..MemberQuery::new(today) };
            let t = Instant::now();
            store.find_members(&q).await?;
            times.push(t.elapsed());
        }
        report(label, &mut times);
    }
    // The counts report of the whole province in process (no HTTP): today, and a past date whose
    // snapshot is computed on the first request and then cached.
    let bands = domain::stats::AgeBands::default();
    let past = today - chrono::Duration::days(365);
    for (label, on) in
        [("counts report of the province, in process, today", today), ("counts report of the province, in process, a year ago", past)]
    {
        let mut times = Vec::with_capacity(args.requests);
        for _ in 0..args.requests {
            let t = Instant::now();
            store
                .counts_report(ReportRequest { unit: root.unit.id, when: on, structure: domain::stats::Structure::OfDate, today }, &bands)
                .await?;
            times.push(t.elapsed());
        }
        report(label, &mut times);
    }
    // The movement report of the whole province over a period, in process: this year so far, and
    // the year of the 2025 reorganization (whose tree changes the report follows day by day),
    // by the structure of each day and by today's.
    use chrono::{Datelike, NaiveDate};
    let jan1 = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(today);
    let dec31 = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or(today).min(today);
    for (label, first, last, structure) in [
        ("movement report of the province, this year", jan1(today.year()), today, domain::stats::Structure::OfDate),
        ("movement report of the province, 2025 (reorganization)", jan1(2025), dec31, domain::stats::Structure::OfDate),
        ("movement report of the province, 2025, today's structure", jan1(2025), dec31, domain::stats::Structure::Current),
    ] {
        let mut times = Vec::with_capacity(args.requests);
        for _ in 0..args.requests {
            let t = Instant::now();
            store.movement_report(ReportRequest { unit: root.unit.id, when: Period { first, last }, structure, today }).await?;
            times.push(t.elapsed());
        }
        report(label, &mut times);
    }
    let mut times = Vec::with_capacity(args.requests);
    for _ in 0..args.requests {
        let t = Instant::now();
        store
            .admission_report(ReportRequest {
                unit: root.unit.id,
                when: Period { first: jan1(2025), last: dec31 },
                structure: domain::stats::Structure::OfDate,
                today,
            })
            .await?;
        times.push(t.elapsed());
    }
    report("admission report of the province, 2025", &mut times);
    measure_login(&base, store.as_ref()).await?;
    crate::throughput::compare(store.as_ref(), &base, args.throughput_seconds, args.throughput_rounds).await?;
    println!();
    println!("members in the province subtree: {}; in the commune: {}", root.member_count, commune.member_count);
    let work = store.worklist(&storage::CaseQuery::new(today)).await?;
    println!(
        "open admission cases: {}; worklist items: {} ({} overdue, {} within 7 days)",
        work.open_cases,
        work.items.len(),
        work.overdue,
        work.soon
    );
    credentials.close(store.as_ref()).await?;
    staff.close(store.as_ref()).await?;
    if args.database.is_none() {
        drop(store);
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot remove {}", dir.display()))?;
    }
    Ok(())
}

/// How the benchmark's requests log in: a session (pages) and an API token (API) of the
/// administrator account `bench`, made directly in the store (created once, with a random
/// password never shown, when missing). Both are removed when the benchmark ends.
struct Credentials {
    account: i64,
    session: String,
    token: (i64, String),
}

impl Credentials {
    async fn open(store: &dyn Store, username: &str, grant: Grant) -> Result<Credentials> {
        let now = chrono::Utc::now();
        let ctx = storage::WriteContext::new(crate::users::cli_actor(), now);
        let account = match store.account_for_login(username).await? {
            Some((a, _)) => a.id,
            None => {
                let password = auth::password::generate()?;
                let new = storage::NewAccount {
                    username: username.into(),
                    display_name: "Đo hiệu năng (dangvu bench)".into(),
                    password_hash: crate::users::hash_password(password).await?,
                    member: None,
                    // Its password is never shown, so nobody logs in with it to change it.
                    must_change_password: false,
                    grants: vec![grant],
                };
                store.create_account(&ctx, new).await.context("cannot create the bench account")?
            }
        };
        let session = auth::token::random_token("")?;
        let csrf = auth::token::random_token("")?;
        store.create_session(&auth::token::digest(&session), account, storage::SessionStage::Full, &csrf, None, now).await?;
        let token = auth::token::random_token("dv_")?;
        let token_id = store.create_token(&ctx, account, "dangvu bench", &auth::token::digest(&token)).await?;
        Ok(Credentials { account, session, token: (token_id, token) })
    }

    async fn close(&self, store: &dyn Store) -> Result<()> {
        store.delete_session(&auth::token::digest(&self.session)).await?;
        let ctx = storage::WriteContext::new(crate::users::cli_actor(), chrono::Utc::now());
        store.revoke_token(&ctx, self.account, self.token.0).await?;
        Ok(())
    }
}

async fn get(client: &reqwest::Client, credentials: &Credentials, base: &str, path: &str) -> Result<()> {
    let request = client.get(format!("{base}{path}"));
    let request = if path.starts_with("/api/") {
        request.bearer_auth(&credentials.token.1)
    } else {
        request.header(reqwest::header::COOKIE, format!("{}={}", web::session::SESSION_COOKIE, credentials.session))
    };
    let response = request.send().await?;
    let status = response.status();
    let body = response.bytes().await?;
    anyhow::ensure!(status.is_success(), "{path}: HTTP {status}");
    anyhow::ensure!(!body.is_empty(), "{path}: empty body");
    Ok(())
}

fn report(label: &str, times: &mut [Duration]) {
    times.sort();
    let pick = |p: f64| {
        let i = ((times.len() as f64 * p).ceil() as usize).saturating_sub(1).min(times.len().saturating_sub(1));
        times.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!("{:<48} {:>7} {:>9.2} {:>9.2} {:>9.2} {:>9.2}", label, times.len(), pick(0.50), pick(0.95), pick(0.99), pick(1.0));
}

/// Login as people meet it: the Argon2id check alone, then the whole login form over HTTP (the
/// pre-login page, the throttling lookups, the check, the session and the audit entry).
async fn measure_login(base: &str, store: &dyn Store) -> Result<()> {
    let password = "do-hieu-nang-dang-nhap";
    let hash = crate::users::hash_password(password.to_owned()).await?;
    let mut times = Vec::new();
    for _ in 0..20 {
        let (p, h) = (password.to_owned(), hash.clone());
        let t = Instant::now();
        let ok = tokio::task::spawn_blocking(move || auth::password::verify(&p, &h)).await?;
        times.push(t.elapsed());
        anyhow::ensure!(ok, "password check failed");
    }
    report("login: Argon2id verification alone", &mut times);
    let ctx = storage::WriteContext::new(crate::users::cli_actor(), chrono::Utc::now());
    let username = "bench-login";
    if store.account_for_login(username).await?.is_none() {
        let new = storage::NewAccount {
            username: username.into(),
            display_name: "Đo hiệu năng đăng nhập".into(),
            password_hash: hash,
            member: None,
            must_change_password: false,
            grants: vec![],
        };
        store.create_account(&ctx, new).await?;
    }
    let mut times = Vec::new();
    for _ in 0..20 {
        let jar = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build()?;
        let page = jar.get(format!("{base}/login")).send().await?.text().await?;
        let csrf = page.split(r#"name="_csrf" value=""#).nth(1).and_then(|r| r.split('"').next()).unwrap_or_default().to_owned();
        let t = Instant::now();
        let res = jar
            .post(format!("{base}/login"))
            .form(&[("_csrf", csrf.as_str()), ("username", username), ("password", password)])
            .send()
            .await?;
        times.push(t.elapsed());
        anyhow::ensure!(res.status() == reqwest::StatusCode::SEE_OTHER, "login answered {}", res.status());
    }
    report("login: the whole form over HTTP", &mut times);
    Ok(())
}

/// What people type: full names with and without diacritics, family + given name, a given name,
/// the first letters of a given name, a CCCD — taken from random members (of `unit`'s subtree
/// when given).
async fn sample_queries(
    store: &dyn Store,
    today: chrono::NaiveDate,
    seed: u64,
    n: usize,
    unit: Option<domain::ids::UnitId>,
) -> Result<Vec<String>> {
    let total = store.find_members(&MemberQuery { unit, ..MemberQuery::new(today) }).await?.total;
    anyhow::ensure!(total > 0, "no members to sample");
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut q = MemberQuery { unit, ..MemberQuery::new(today) };
        q.per_page = 1;
        q.page = rng.random_range(1..=total);
        let Some(m) = store.find_members(&q).await?.items.into_iter().next() else { continue };
        let words: Vec<&str> = m.full_name.split(' ').collect();
        let given = words.last().copied().unwrap_or_default();
        let family = words.first().copied().unwrap_or_default();
        out.push(match i % 6 {
            0 => domain::text::fold(&m.full_name),
            1 => m.full_name.clone(),
            2 => domain::text::fold(&format!("{family} {given}")),
            3 => given.to_string(),
            4 => format!("{} {}", domain::text::fold(given).chars().take(3).collect::<String>(), domain::text::fold(family)),
            _ => m.citizen_id.clone(),
        });
    }
    Ok(out)
}

fn encode(q: &str) -> String {
    let mut out = String::new();
    for b in q.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A scratch directory for the benchmark database (removed when the benchmark ends).
fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("dangvu-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
