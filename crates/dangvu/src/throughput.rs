//! The throughput part of `dangvu bench`: the member's handbook home page, logged in and audited,
//! against a bare axum handler compiled into the bench, both served by this process on loopback
//! ports and loaded the same way (wrk when it is installed: 2 threads, 64 connections; then 256
//! connections for the tail latency). The ratio of the two is the figure the handbook is held to.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use domain::access::{Grant, Role};
use storage::prelude::*;
use storage::{MemberQuery, StatusFilter};

/// One load run: requests per second and the latency tail.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub per_second: f64,
    pub p99_ms: f64,
    pub errors: u64,
}

/// The bare handler: what axum serves with nothing behind it.
pub async fn serve_bare() -> Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "Sổ tay đảng viên" }));
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(base)
}

/// A member of the largest chi bộ with a handbook account and a session, for the load (the
/// account is the bench's; its session ends with the bench).
pub async fn member_session(store: &dyn Store, today: chrono::NaiveDate) -> Result<(String, String)> {
    let q = MemberQuery { status: StatusFilter::Only(domain::history::Status::Official), per_page: 1, ..MemberQuery::new(today) };
    let member = store.find_members(&q).await?.items.into_iter().next().context("no official member to log in as")?;
    let now = chrono::Utc::now();
    let ctx = storage::WriteContext::new(crate::users::cli_actor(), now);
    let username = "bench-member";
    let account = match store.account_for_login(username).await? {
        Some((a, _)) => a.id,
        None => {
            let existing = store.roster_username(member.id).await?;
            anyhow::ensure!(existing.is_none(), "the sampled member already has an account; run the bench on a fresh database");
            let new = storage::NewAccount {
                username: username.into(),
                display_name: member.full_name.clone(),
                password_hash: String::new(),
                member: Some(member.id),
                must_change_password: false,
                grants: vec![Grant { role: Role::Member, unit: None }],
            };
            store.create_account(&ctx, new).await.context("cannot create the bench member's account")?
        }
    };
    let session = auth::token::random_token("")?;
    let csrf = auth::token::random_token("")?;
    let digest = auth::token::digest(&session);
    store.create_session(&digest, account, storage::SessionStage::Full, &csrf, None, now).await?;
    Ok((session, digest))
}

/// Loads `url` for `seconds` with `connections` connections: wrk when installed, else this
/// process's own client (slower than wrk: the figures are then lower bounds for both sides).
pub async fn load(url: &str, cookie: Option<&str>, connections: usize, seconds: u64) -> Result<Load> {
    if which_wrk() {
        return wrk(url, cookie, connections, seconds);
    }
    own_load(url, cookie, connections, seconds).await
}

fn which_wrk() -> bool {
    std::process::Command::new("wrk").arg("--version").output().is_ok()
}

fn wrk(url: &str, cookie: Option<&str>, connections: usize, seconds: u64) -> Result<Load> {
    let mut cmd = std::process::Command::new("wrk");
    cmd.args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s"), "--latency"]);
    if let Some(c) = cookie {
        cmd.args(["-H", &format!("Cookie: {c}")]);
    }
    let out = cmd.arg(url).output().context("cannot run wrk")?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    anyhow::ensure!(out.status.success(), "wrk failed: {text}{}", String::from_utf8_lossy(&out.stderr));
    let per_second = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .context("wrk printed no Requests/sec")?;
    let p99_ms = text.lines().find_map(|l| l.trim().strip_prefix("99%")).map(|v| millis(v.trim())).context("wrk printed no 99%")?;
    // "Non-2xx or 3xx responses: N" and "Socket errors: connect A, read B, write C, timeout D".
    let mut errors = 0;
    for l in text.lines().map(str::trim) {
        if let Some(v) = l.strip_prefix("Non-2xx or 3xx responses:") {
            errors += v.trim().parse::<u64>().unwrap_or(0);
        }
        if let Some(v) = l.strip_prefix("Socket errors:") {
            errors += v.split(',').filter_map(|p| p.split_whitespace().last()?.parse::<u64>().ok()).sum::<u64>();
        }
    }
    Ok(Load { per_second, p99_ms, errors })
}

/// `1.23ms`, `850.00us`, `1.02s` in milliseconds.
fn millis(v: &str) -> f64 {
    let (n, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(v.len()));
    let n: f64 = n.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => n / 1000.0,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        _ => n,
    }
}

async fn own_load(url: &str, cookie: Option<&str>, connections: usize, seconds: u64) -> Result<Load> {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).pool_max_idle_per_host(connections).build()?;
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (client, url, cookie) = (client.clone(), url.to_owned(), cookie.map(str::to_owned));
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut errors = 0_u64;
            while Instant::now() < until {
                let t = Instant::now();
                let mut r = client.get(&url);
                if let Some(c) = &cookie {
                    r = r.header(reqwest::header::COOKIE, c);
                }
                match r.send().await {
                    Ok(res) if res.status().is_success() => {
                        let _ = res.bytes().await;
                        times.push(t.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (times, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (times, e) = t.await?;
        all.extend(times);
        errors += e;
    }
    all.sort();
    let p99 = all.get((all.len() * 99 / 100).min(all.len().saturating_sub(1))).map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    Ok(Load { per_second: all.len() as f64 / seconds as f64, p99_ms: p99, errors })
}

/// One round of the comparison: the bare handler, then the handbook home at 64 and at 256
/// connections, one after the other.
#[derive(Debug, Clone, Copy)]
struct Round {
    bare_64: Load,
    home_64: Load,
    home_256: Load,
}

impl Round {
    /// The handbook home's requests per second as a share of the bare handler's, in percent.
    fn ratio(&self) -> f64 {
        100.0 * self.home_64.per_second / self.bare_64.per_second
    }
}

/// The middle value (the upper one of the two middle values when there is an even number).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Measures and prints the handbook home against the bare handler, in `rounds` rounds taken in
/// turn (on a shared machine one run alone can be off by a fifth either way), then the medians.
pub async fn compare(store: &dyn Store, base: &str, seconds: u64, rounds: usize) -> Result<()> {
    let today = storage::vietnam_today(chrono::Utc::now());
    let bare = serve_bare().await?;
    let (session, digest) = member_session(store, today).await?;
    let cookie = format!("{}={session}", web::session::SESSION_COOKIE);
    // The page answers for this member before it is timed.
    let check = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let res = check.get(format!("{base}/handbook")).header(reqwest::header::COOKIE, &cookie).send().await?;
    anyhow::ensure!(res.status().is_success(), "/handbook answered {}", res.status());
    let tool = if which_wrk() { "wrk -t2" } else { "the bench's own client" };
    println!();
    println!("throughput ({tool}, {seconds} s each, {rounds} rounds, loopback; the server and the load share this machine's cores):");
    println!("{:<5} {:<56} {:>10} {:>9} {:>7}", "round", "measurement", "req/s", "p99 ms", "errors");
    let mut done = Vec::new();
    for n in 1..=rounds.max(1) {
        let round = Round {
            bare_64: load(&format!("{bare}/"), None, 64, seconds).await?,
            home_64: load(&format!("{base}/handbook"), Some(&cookie), 64, seconds).await?,
            home_256: load(&format!("{base}/handbook"), Some(&cookie), 256, seconds).await?,
        };
        for (label, l) in [
            ("bare axum handler, 64 connections", round.bare_64),
            ("handbook home (/handbook), member, 64 connections", round.home_64),
            ("handbook home (/handbook), member, 256 connections", round.home_256),
        ] {
            println!("{n:<5} {label:<56} {:>10.0} {:>9.2} {:>7}", l.per_second, l.p99_ms, l.errors);
        }
        println!("{n:<5} handbook home / bare axum: {:.1} %", round.ratio());
        done.push(round);
    }
    let errors: u64 = done.iter().map(|r| r.bare_64.errors + r.home_64.errors + r.home_256.errors).sum();
    println!(
        "medians over {} rounds: bare axum {:.0} req/s, handbook home {:.0} req/s, home / bare {:.1} % (the target is at least 25 %), \
         p99 at 256 connections {:.2} ms (at most 50 ms); {errors} errors",
        done.len(),
        median(done.iter().map(|r| r.bare_64.per_second).collect()),
        median(done.iter().map(|r| r.home_64.per_second).collect()),
        median(done.iter().map(Round::ratio).collect()),
        median(done.iter().map(|r| r.home_256.p99_ms).collect()),
    );
    store.delete_session(&digest).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_takes_the_middle_value() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 3.0, "the upper middle of an even count");
        assert_eq!(median(vec![5.0]), 5.0);
        assert!(median(vec![]).is_nan());
    }

    #[test]
    fn wrk_durations_read_as_milliseconds() {
        assert_eq!(millis("850.00us"), 0.85);
        assert_eq!(millis("1.50ms"), 1.5);
        assert_eq!(millis("1.02s"), 1020.0);
    }
}
