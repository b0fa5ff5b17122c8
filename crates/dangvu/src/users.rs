//! Accounts, grants, API tokens and the audit trail from the command line (`dangvu user …`,
//! `dangvu token …`, `dangvu audit …`; the first administrator is `user add --admin`) and the demo
//! accounts. Every write goes through the store, so it lands in the audit trail with the actor
//! `cli:<OS user>`.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use clap::{Args, Subcommand, ValueEnum};
use domain::access::{Grant, Role};
use domain::ids::{MemberId, UnitCode, UnitId};
use domain::unit::UnitKind;
use storage::prelude::*;
use storage::{Account, AccountChange, AuditEntry, AuditQuery, MemberQuery, NewAccount, StoreError, UnitSummary, WriteContext};

/// Accounts beyond this are not listed (a register has a few thousand at most).
const LIST_LIMIT: usize = 100_000;
/// Audit entries read per query by the export (the store's largest page).
const AUDIT_PAGE: usize = 10_000;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account. Without --password-stdin a password is generated, printed once and
    /// must be changed at first login.
    Add(AddArgs),
    /// List the accounts with their grants (`role@UNIT-CODE [grant id]`).
    List,
    /// Reset an account's password (generated and printed once unless --password-stdin); the
    /// user must change it at next login and their sessions end.
    Passwd {
        #[arg(long)]
        username: String,
        /// Read the new password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Grant a role on a unit (admin and member take no --unit).
    Grant {
        #[arg(long)]
        username: String,
        /// admin, org-staff, leader, cell-secretary, member or inspector.
        #[arg(long)]
        role: String,
        /// The unit's code (as shown in the organization tree).
        #[arg(long)]
        unit: Option<String>,
    },
    /// Revoke a grant (its id is shown by `user list`).
    Revoke {
        #[arg(long)]
        username: String,
        #[arg(long = "grant")]
        grant: i64,
    },
    /// Disable an account and end its sessions.
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Enable a disabled account.
    Enable {
        #[arg(long)]
        username: String,
    },
    /// Remove the account's second factor (TOTP), e.g. after a lost phone; its sessions end.
    #[command(name = "reset-2fa")]
    Reset2fa {
        #[arg(long)]
        username: String,
    },
}

#[derive(Args)]
pub struct AddArgs {
    /// 3–64 characters: a–z, 0–9, '.', '_' or '-'.
    #[arg(long)]
    username: String,
    /// The person's full name as displayed.
    #[arg(long)]
    name: String,
    /// Grant the administrator role.
    #[arg(long)]
    admin: bool,
    /// A role to grant (repeatable). Every role except admin and member takes the next --unit, in
    /// order: `--role org-staff --unit T01 --role cell-secretary --unit T01.H01.3`.
    #[arg(long)]
    role: Vec<String>,
    /// The code of the unit of the preceding --role.
    #[arg(long)]
    unit: Vec<String>,
    /// The member record the account belongs to (required by the member role).
    #[arg(long)]
    member: Option<i64>,
    /// Read the password from the first line of standard input instead of generating one.
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token for an account; it is printed once and only its digest is stored.
    Create {
        #[arg(long)]
        username: String,
        /// What the token is for.
        #[arg(long)]
        name: String,
    },
    /// List an account's API tokens.
    List {
        #[arg(long)]
        username: String,
    },
    /// Revoke an API token.
    Revoke {
        #[arg(long)]
        username: String,
        #[arg(long)]
        id: i64,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Recompute the audit trail's hash chain; exits with status 1 when it was tampered with.
    Verify,
    /// Write audit entries, oldest first, as CSV or JSON lines.
    Export(ExportArgs),
}

#[derive(Args)]
pub struct ExportArgs {
    /// First day (Vietnam time), inclusive.
    #[arg(long)]
    from: Option<NaiveDate>,
    /// Last day (Vietnam time), inclusive.
    #[arg(long)]
    to: Option<NaiveDate>,
    /// Only entries by this actor (exact, e.g. `cli:root` or a user name).
    #[arg(long)]
    actor: Option<String>,
    /// Only this action, or every action with this prefix when it ends in '.' (`read.`).
    #[arg(long)]
    action: Option<String>,
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    format: ExportFormat,
    /// Write to this file instead of standard output.
    #[arg(long)]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

/// The author of command-line writes in the audit trail: `cli:<OS user>`, or `cli`.
pub fn cli_actor() -> String {
    match std::env::var("USER").or_else(|_| std::env::var("USERNAME")) {
        Ok(user) if !user.trim().is_empty() => format!("cli:{}", user.trim()),
        _ => "cli".to_owned(),
    }
}

pub(crate) fn context() -> WriteContext {
    WriteContext::new(cli_actor(), Utc::now())
}

fn today() -> NaiveDate {
    storage::vietnam_today(Utc::now())
}

pub async fn run_user(store: &dyn Store, command: UserCommand) -> Result<()> {
    match command {
        UserCommand::Add(args) => add(store, args).await,
        UserCommand::List => list(store).await,
        UserCommand::Passwd { username, password_stdin } => {
            let account = find_account(store, &username).await?;
            let (password, generated) = new_password(password_stdin, &account.username)?;
            let hash = hash_password(password.clone()).await?;
            let change = AccountChange { expected_version: account.version, password: Some((hash, true)), ..AccountChange::default() };
            store.change_account(&context(), account.id, change).await.context("cannot reset the password")?;
            println!("Password of {} reset; their sessions have ended.", account.username);
            if generated {
                print_generated(&account.username, &password);
            } else {
                println!("The user must change it at next login.");
            }
            Ok(())
        }
        UserCommand::Grant { username, role, unit } => {
            let account = find_account(store, &username).await?;
            let role = parse_role(&role)?;
            let unit = match unit {
                Some(code) => Some(unit_by_code(store, &code, today()).await?),
                None => None,
            };
            let grant = Grant { role, unit: unit.as_ref().map(|u| u.id) };
            let id = store.add_grant(&context(), account.id, grant).await.context("cannot add the grant")?;
            println!("Granted {} to {} (grant {id}).", grant_label(role, unit.as_ref().map(|u| u.code.as_str())), account.username);
            Ok(())
        }
        UserCommand::Revoke { username, grant } => {
            let account = find_account(store, &username).await?;
            store.revoke_grant(&context(), account.id, grant).await.map_err(|e| match e {
                StoreError::NotFound => anyhow!("{} has no grant {grant} in force", account.username),
                other => anyhow::Error::from(other).context("cannot revoke the grant"),
            })?;
            println!("Revoked grant {grant} of {}.", account.username);
            Ok(())
        }
        UserCommand::Disable { username } => {
            let account = find_account(store, &username).await?;
            change(store, &account, AccountChange { disabled: Some(true), ..AccountChange::default() }).await?;
            println!("Disabled {}; their sessions have ended.", account.username);
            Ok(())
        }
        UserCommand::Enable { username } => {
            let account = find_account(store, &username).await?;
            change(store, &account, AccountChange { disabled: Some(false), ..AccountChange::default() }).await?;
            println!("Enabled {}.", account.username);
            Ok(())
        }
        UserCommand::Reset2fa { username } => {
            let account = find_account(store, &username).await?;
            change(store, &account, AccountChange { totp_secret: Some(None), ..AccountChange::default() }).await?;
            println!("Removed the second factor of {}; their sessions have ended.", account.username);
            Ok(())
        }
    }
}

async fn change(store: &dyn Store, account: &Account, change: AccountChange) -> Result<()> {
    let change = AccountChange { expected_version: account.version, ..change };
    store.change_account(&context(), account.id, change).await.with_context(|| format!("cannot change the account {}", account.username))
}

async fn add(store: &dyn Store, args: AddArgs) -> Result<()> {
    let today = today();
    let mut grants = Vec::new();
    if args.admin {
        grants.push(Grant { role: Role::Admin, unit: None });
    }
    for (role, code) in pair_roles(&args.role, &args.unit)? {
        let unit = match code {
            Some(code) => Some(unit_by_code(store, &code, today).await?.id),
            None => None,
        };
        let grant = Grant { role, unit };
        if !grants.contains(&grant) {
            grants.push(grant);
        }
    }
    let username = args.username.trim().to_lowercase();
    let (password, generated) = new_password(args.password_stdin, &username)?;
    let new = NewAccount {
        username,
        display_name: args.name,
        password_hash: hash_password(password.clone()).await?,
        member: args.member.map(MemberId),
        must_change_password: generated,
        grants,
    };
    let id = store.create_account(&context(), new.clone()).await.context("cannot create the account")?;
    println!("Created account {} (id {id}).", new.username);
    if generated {
        print_generated(&new.username, &password);
    }
    Ok(())
}

/// Pairs each `--role` with the next `--unit` in order, except admin and member, which take none.
fn pair_roles(roles: &[String], units: &[String]) -> Result<Vec<(Role, Option<String>)>> {
    let mut units = units.iter();
    let mut out = Vec::new();
    for r in roles {
        let role = parse_role(r)?;
        let unit = match role {
            Role::Admin | Role::Member => None,
            _ => Some(units.next().ok_or_else(|| anyhow!("--role {} needs a --unit", role.code()))?.clone()),
        };
        out.push((role, unit));
    }
    if let Some(extra) = units.next() {
        bail!("--unit {extra} follows no role that takes a unit (admin and member take none)");
    }
    Ok(out)
}

fn parse_role(code: &str) -> Result<Role> {
    Role::parse(code.trim()).map_err(|_| {
        let known: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        anyhow!("unknown role “{code}”: expected one of {}", known.join(", "))
    })
}

/// The unit valid today whose code is `code` (any case).
pub async fn unit_by_code(store: &dyn Store, code: &str, today: NaiveDate) -> Result<UnitSummary> {
    let code = UnitCode::parse(code).map_err(|e| anyhow!("invalid unit code “{code}”: {}", e.message))?.to_string();
    let found = store.find_units(&code, today, false, usize::MAX, None).await?;
    found.into_iter().find(|u| u.code.eq_ignore_ascii_case(&code)).ok_or_else(|| anyhow!("no unit with code {code} exists today"))
}

pub(crate) async fn find_account(store: &dyn Store, username: &str) -> Result<Account> {
    store.account_for_login(username).await?.map(|(a, _)| a).ok_or_else(|| anyhow!("no account named “{}”", username.trim()))
}

/// The password to set: the first line of standard input (checked against the policy), or a
/// generated one (`true`).
fn new_password(from_stdin: bool, username: &str) -> Result<(String, bool)> {
    if !from_stdin {
        return Ok((auth::password::generate()?, true));
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    auth::password::check_policy(&password, username).map_err(|e| anyhow!("password refused: {e}"))?;
    Ok((password, false))
}

/// Argon2id is deliberately slow: hash off the async workers.
pub async fn hash_password(password: String) -> Result<String> {
    let hash = tokio::task::spawn_blocking(move || auth::password::hash(&password)).await.context("the password hashing task failed")??;
    Ok(hash)
}

fn print_generated(username: &str, password: &str) {
    println!("Password of {username} (shown only this once; it must be changed at first login):");
    println!("{password}");
}

fn grant_label(role: Role, unit_code: Option<&str>) -> String {
    match unit_code {
        Some(code) => format!("{}@{code}", role.code()),
        None => role.code().to_owned(),
    }
}

async fn list(store: &dyn Store) -> Result<()> {
    let today = today();
    let accounts = store.accounts("", LIST_LIMIT).await?;
    let mut codes: HashMap<UnitId, String> = HashMap::new();
    let mut rows = vec![["id", "username", "name", "disabled", "2FA", "grants"].map(String::from).to_vec()];
    let ids: Vec<i64> = accounts.iter().map(|a| a.id).collect();
    let all_grants = store.grants_of(&ids, today).await?;
    for a in &accounts {
        let mut labels = Vec::new();
        for g in all_grants.iter().filter(|g| g.account_id == a.id) {
            let code = match g.unit {
                Some(u) => Some(match codes.get(&u) {
                    Some(c) => c.clone(),
                    None => {
                        let detail = store.unit(u, today).await?;
                        let c = detail.as_of.unwrap_or(detail.latest).code;
                        codes.insert(u, c.clone());
                        c
                    }
                }),
                None => None,
            };
            let ended = if g.unit_current { "" } else { " (unit ended)" };
            labels.push(format!("{}{ended} [{}]", grant_label(g.role, code.as_deref()), g.id));
        }
        if let Some(m) = a.member {
            labels.push(format!("member record {m}"));
        }
        rows.push(vec![
            a.id.to_string(),
            a.username.clone(),
            a.display_name.clone(),
            yes_no(a.disabled).into(),
            yes_no(a.totp_enrolled).into(),
            labels.join(", "),
        ]);
    }
    print_table(&rows);
    println!("{} account(s).", accounts.len());
    Ok(())
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// Prints rows as left-aligned columns (the first row is the header).
fn print_table(rows: &[Vec<String>]) {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..columns).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0)).collect();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == row.len() {
                line.push_str(cell);
            } else {
                let pad = widths.get(c).copied().unwrap_or(0).saturating_sub(cell.chars().count());
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        println!("{}", line.trim_end());
    }
}

pub async fn run_token(store: &dyn Store, command: TokenCommand) -> Result<()> {
    match command {
        TokenCommand::Create { username, name } => {
            let account = find_account(store, &username).await?;
            let token = auth::token::random_token("dv_")?;
            let id =
                store.create_token(&context(), account.id, &name, &auth::token::digest(&token)).await.context("cannot create the token")?;
            println!("API token {id} for {} (shown only this once; store it now):", account.username);
            println!("{token}");
            Ok(())
        }
        TokenCommand::List { username } => {
            let account = find_account(store, &username).await?;
            let mut rows = vec![["id", "name", "created", "last used", "revoked"].map(String::from).to_vec()];
            let time = |t: Option<DateTime<Utc>>| t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_else(|| "-".into());
            for t in store.tokens_of(account.id).await? {
                rows.push(vec![t.id.to_string(), t.name, time(Some(t.created_at)), time(t.last_used_at), time(t.revoked_at)]);
            }
            print_table(&rows);
            Ok(())
        }
        TokenCommand::Revoke { username, id } => {
            let account = find_account(store, &username).await?;
            store.revoke_token(&context(), account.id, id).await.map_err(|e| match e {
                StoreError::NotFound => anyhow!("{} has no unrevoked token {id}", account.username),
                other => anyhow::Error::from(other).context("cannot revoke the token"),
            })?;
            println!("Revoked token {id} of {}.", account.username);
            Ok(())
        }
    }
}

pub async fn run_audit(store: &dyn Store, command: AuditCommand) -> Result<()> {
    match command {
        AuditCommand::Verify => {
            let report = store.verify_audit().await?;
            if report.problems.is_empty() {
                println!("audit trail intact: {} entries (last #{}, hash {})", report.entries, report.last_seq, report.last_hash);
                println!(
                    "keep this hash outside the database: a later check can then prove the trail up to #{} was not rewritten",
                    report.last_seq
                );
                return Ok(());
            }
            println!("audit trail DAMAGED ({} entries read, last #{}):", report.entries, report.last_seq);
            for p in &report.problems {
                println!("  {p}");
            }
            // Returned as an error: the process exits with status 1.
            bail!("the audit trail fails verification ({} problem(s)): it may have been tampered with", report.problems.len())
        }
        AuditCommand::Export(args) => export(store, args).await,
    }
}

/// Midnight in Vietnam (UTC+7) at the start of `day`, as an instant.
fn vietnam_midnight(day: NaiveDate) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(day.and_time(NaiveTime::MIN) - Duration::hours(7), Utc)
}

async fn export(store: &dyn Store, args: ExportArgs) -> Result<()> {
    let query = AuditQuery {
        actor: args.actor.filter(|a| !a.trim().is_empty()),
        action: args.action.filter(|a| !a.trim().is_empty()),
        from: args.from.map(vietnam_midnight),
        to: args.to.and_then(|d| d.succ_opt()).map(vietnam_midnight),
        limit: AUDIT_PAGE,
        ..AuditQuery::default()
    };
    // The store pages newest first; collect, then write oldest first.
    let mut entries: Vec<AuditEntry> = Vec::new();
    loop {
        let page = store.audit_entries(&AuditQuery { before_seq: entries.last().map(|e| e.seq), ..query.clone() }).await?;
        let full = page.len() >= AUDIT_PAGE;
        entries.extend(page);
        if !full {
            break;
        }
    }
    entries.reverse();
    let (sink, name): (Box<dyn Write>, String) = match &args.output {
        Some(path) => (
            Box::new(std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?),
            path.display().to_string(),
        ),
        None => (Box::new(std::io::stdout().lock()), "standard output".into()),
    };
    let mut out = std::io::BufWriter::new(sink);
    match args.format {
        ExportFormat::Csv => write_csv(&mut out, &entries)?,
        ExportFormat::Json => {
            for e in &entries {
                serde_json::to_writer(&mut out, e)?;
                out.write_all(b"\n")?;
            }
        }
    }
    out.flush().with_context(|| format!("cannot write to {name}"))?;
    eprintln!("exported {} audit entries to {name}", entries.len());
    Ok(())
}

const CSV_HEADER: [&str; 11] =
    ["seq", "at", "actor", "account_id", "client", "request_id", "action", "object_kind", "object_id", "details", "hash"];

fn write_csv(out: &mut impl Write, entries: &[AuditEntry]) -> std::io::Result<()> {
    out.write_all(csv_line(CSV_HEADER.iter().copied()).as_bytes())?;
    for e in entries {
        let fields = [
            e.seq.to_string(),
            e.at.clone(),
            e.actor.clone(),
            e.account_id.map(|a| a.to_string()).unwrap_or_default(),
            e.client.clone().unwrap_or_default(),
            e.request_id.clone().unwrap_or_default(),
            e.action.clone(),
            e.object_kind.clone().unwrap_or_default(),
            e.object_id.clone().unwrap_or_default(),
            e.details.clone(),
            e.hash.clone(),
        ];
        out.write_all(csv_line(fields.iter().map(String::as_str)).as_bytes())?;
    }
    Ok(())
}

/// One RFC 4180 record: fields with a comma, quote, CR or LF are quoted (quotes doubled); CRLF.
fn csv_line<'a>(fields: impl Iterator<Item = &'a str>) -> String {
    let mut line = String::new();
    for (i, f) in fields.enumerate() {
        if i > 0 {
            line.push(',');
        }
        if f.contains([',', '"', '\r', '\n']) {
            line.push('"');
            line.push_str(&f.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(f);
        }
    }
    line.push_str("\r\n");
    line
}

/// The password of every demo account (shown in the README).
pub const DEMO_PASSWORD: &str = "demo-dangvu-2026";

/// One demo account as printed: who it is, its user name and what it covers.
pub struct DemoAccount {
    pub label: &'static str,
    pub username: &'static str,
    pub note: Option<String>,
}

/// The units and member the demo accounts are given, picked from the generated tree.
pub(crate) struct DemoPicks {
    pub(crate) province: UnitSummary,
    pub(crate) commune: UnitSummary,
    pub(crate) cell: UnitSummary,
    member: (MemberId, String),
}

/// The province, the chi bộ with the most open admission cases (else the first commune by code
/// with a chi bộ that has active members, and that chi bộ), its commune, and the chi bộ's first
/// member in register order.
pub(crate) async fn demo_picks(store: &dyn Store, today: NaiveDate) -> Result<Option<DemoPicks>> {
    let roots = store.children(None, today).await?;
    let Some(province) = roots.iter().find(|n| n.unit.kind == UnitKind::Province).or(roots.first()).map(|n| n.unit.clone()) else {
        return Ok(None);
    };
    // The chi bộ with the most open admission cases, so the secretary's board has work on it.
    let mut per_cell: Vec<(domain::ids::UnitId, usize)> = Vec::new();
    for c in store.cases(&storage::CaseQuery::new(today)).await? {
        match per_cell.iter_mut().find(|(u, _)| *u == c.unit) {
            Some(e) => e.1 += 1,
            None => per_cell.push((c.unit, 1)),
        }
    }
    per_cell.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (cell, _) in per_cell.into_iter().take(20) {
        let detail = store.unit(cell, today).await?;
        let (Some(unit), Some(commune)) = (detail.as_of.clone(), detail.path.iter().find(|u| u.kind == UnitKind::Commune).cloned()) else {
            continue;
        };
        let page = store.find_members(&MemberQuery { unit: Some(cell), per_page: 1, ..MemberQuery::new(today) }).await?;
        if let Some(m) = page.items.first() {
            let member = (m.id, m.full_name.clone());
            return Ok(Some(DemoPicks { province, commune, cell: unit, member }));
        }
    }
    let mut communes: Vec<UnitSummary> =
        store.subtree(province.id, today).await?.into_iter().filter(|u| u.kind == UnitKind::Commune).collect();
    communes.sort_by(|a, b| a.code.cmp(&b.code));
    for commune in communes {
        let mut cells: Vec<UnitSummary> = store.subtree(commune.id, today).await?.into_iter().filter(|u| u.kind.holds_members()).collect();
        cells.sort_by(|a, b| a.code.cmp(&b.code));
        for cell in cells {
            let page = store.find_members(&MemberQuery { unit: Some(cell.id), per_page: 1, ..MemberQuery::new(today) }).await?;
            if let Some(m) = page.items.first() {
                let member = (m.id, m.full_name.clone());
                return Ok(Some(DemoPicks { province, commune, cell, member }));
            }
        }
    }
    Ok(None)
}

/// Creates the five demo accounts that do not exist yet (password [`DEMO_PASSWORD`], no change
/// required) and returns all five as they are now, for printing.
pub async fn ensure_demo_accounts(store: &dyn Store, now: DateTime<Utc>) -> Result<Vec<DemoAccount>> {
    let today = storage::vietnam_today(now);
    let ctx = WriteContext::new(cli_actor(), now);
    let specs: [(&'static str, &'static str, &'static str); 5] = [
        ("quản trị hệ thống", "admin-demo", "Quản trị hệ thống (dùng thử)"),
        ("cán bộ tổ chức tỉnh", "tinh.tochuc", "Cán bộ Ban Tổ chức Tỉnh ủy (dùng thử)"),
        ("cán bộ đảng ủy xã/phường", "xa.tochuc", "Cán bộ tổ chức đảng ủy xã (dùng thử)"),
        ("bí thư chi bộ", "bithu", "Bí thư chi bộ (dùng thử)"),
        ("đảng viên", "dangvien", "Đảng viên (dùng thử)"),
    ];
    let mut missing = false;
    for (_, username, _) in specs {
        missing |= store.account_for_login(username).await?.is_none();
    }
    if missing {
        let picks = demo_picks(store, today).await?;
        let hash = hash_password(DEMO_PASSWORD.to_owned()).await?;
        for (i, (_, username, display_name)) in specs.into_iter().enumerate() {
            if store.account_for_login(username).await?.is_some() {
                continue;
            }
            let (grant, member) = match (i, &picks) {
                (0, _) => (Grant { role: Role::Admin, unit: None }, None),
                (1, Some(p)) => (Grant { role: Role::OrgBoardStaff, unit: Some(p.province.id) }, None),
                (2, Some(p)) => (Grant { role: Role::OrgBoardStaff, unit: Some(p.commune.id) }, None),
                (3, Some(p)) => (Grant { role: Role::CellSecretary, unit: Some(p.cell.id) }, None),
                (4, Some(p)) => (Grant { role: Role::Member, unit: None }, Some(p.member.0)),
                // No commune with members in this database: only the administrator.
                _ => continue,
            };
            let new = NewAccount {
                username: username.into(),
                display_name: match (i, &picks) {
                    (4, Some(p)) => p.member.1.clone(),
                    _ => display_name.into(),
                },
                password_hash: hash.clone(),
                member,
                must_change_password: false,
                grants: vec![grant],
            };
            store.create_account(&ctx, new).await.with_context(|| format!("cannot create the demo account {username}"))?;
        }
    }
    let mut out = Vec::new();
    for (label, username, _) in specs {
        let Some((account, _)) = store.account_for_login(username).await? else { continue };
        let note = match username {
            "admin-demo" => None,
            "tinh.tochuc" => Some("Ban Tổ chức, toàn tỉnh".to_owned()),
            "dangvien" => match account.member {
                Some(m) => Some(store.member(m).await?.identity.full_name.to_string()),
                None => None,
            },
            _ => store.grants(account.id, today).await?.into_iter().find_map(|g| g.unit_name),
        };
        out.push(DemoAccount { label, username, note });
    }
    Ok(out)
}

/// The block the demo prints: one line per account.
pub fn demo_accounts_text(accounts: &[DemoAccount]) -> String {
    let mut text = format!("Đăng nhập thử (mật khẩu giống nhau: {DEMO_PASSWORD}):\n");
    let label_width = accounts.iter().map(|a| a.label.chars().count()).max().unwrap_or(0) + 4;
    let user_width = accounts.iter().map(|a| a.username.len()).max().unwrap_or(0) + 4;
    for a in accounts {
        let mut line = format!("  {}{}", a.label, " ".repeat(label_width - a.label.chars().count()));
        match &a.note {
            Some(note) => line.push_str(&format!("{:user_width$}({note})", a.username)),
            None => line.push_str(a.username),
        }
        text.push_str(&line);
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_needs_it() {
        assert_eq!(csv_line(["1", "a,b", "say \"hi\"", "x\ny", ""].into_iter()), "1,\"a,b\",\"say \"\"hi\"\"\",\"x\ny\",\r\n");
    }

    #[test]
    fn roles_pair_with_units_in_order() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let pairs = pair_roles(&s(&["org-staff", "member", "cell-secretary"]), &s(&["T01", "T01.1"])).unwrap();
        assert_eq!(
            pairs,
            vec![(Role::OrgBoardStaff, Some("T01".into())), (Role::Member, None), (Role::CellSecretary, Some("T01.1".into()))]
        );
        assert!(pair_roles(&s(&["leader"]), &[]).is_err());
        assert!(pair_roles(&s(&["admin"]), &s(&["T01"])).is_err());
        assert!(pair_roles(&s(&["boss"]), &[]).is_err());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn demo_accounts_are_made_once_on_generated_data() {
        let t = conformance::fresh(conformance::Engine::Sqlite).await.unwrap();
        let now = Utc::now();
        let today = storage::vietnam_today(now);
        datagen::generate(t.store.as_ref(), &datagen::Options { members: 400, seed: 1, today }).await.unwrap();
        let made = ensure_demo_accounts(t.store.as_ref(), now).await.unwrap();
        let names: Vec<&str> = made.iter().map(|a| a.username).collect();
        assert_eq!(names, ["admin-demo", "tinh.tochuc", "xa.tochuc", "bithu", "dangvien"]);
        assert!(made.iter().skip(1).all(|a| a.note.is_some()));
        for name in names {
            let (account, secrets) = t.store.account_for_login(name).await.unwrap().unwrap();
            assert!(!account.must_change_password && auth::password::verify(DEMO_PASSWORD, &secrets.password_hash));
            let principal = t.store.principal(account.id).await.unwrap().unwrap();
            assert_eq!(principal.grants.len(), 1, "{name}");
        }
        let (commune, _) = t.store.account_for_login("xa.tochuc").await.unwrap().unwrap();
        let unit = t.store.grants(commune.id, today).await.unwrap()[0].unit.unwrap();
        assert_eq!(t.store.unit(unit, today).await.unwrap().latest.kind, UnitKind::Commune);
        let (member, _) = t.store.account_for_login("dangvien").await.unwrap().unwrap();
        assert!(member.member.is_some());
        let again = ensure_demo_accounts(t.store.as_ref(), now).await.unwrap();
        assert_eq!(again.iter().map(|a| a.note.clone()).collect::<Vec<_>>(), made.iter().map(|a| a.note.clone()).collect::<Vec<_>>());
        assert_eq!(t.store.account_count().await.unwrap(), 5);
        let text = demo_accounts_text(&made);
        assert!(text.starts_with("Đăng nhập thử (mật khẩu giống nhau: demo-dangvu-2026):\n  quản trị hệ thống"), "{text}");
    }

    #[test]
    fn vietnam_days_start_at_17h_utc_the_day_before() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        assert_eq!(vietnam_midnight(day).to_rfc3339(), "2026-01-01T17:00:00+00:00");
    }
}
