//! Metrics in the Prometheus text format (version 0.0.4), written by hand: no exporter crate and
//! no TLS stack. Served only on a listen address of their own (`serve --metrics-listen`), never
//! beside the pages, so they are not public by accident.
//!
//! Series (README "Logs and metrics" lists them for operators):
//! - counted here as they happen: requests by route (as declared), method and status, their
//!   latency as a histogram by route, logins by outcome and the locks failures start;
//! - read at each scrape: the database's connection pools, the register index (size, lag behind
//!   the change log, refreshes), the audit trail (`storage::ServiceStats`), the imports running
//!   on this server (`ImportJobs::summary`), the schema's migrations, seconds since start.
//!
//! No label carries a user name, an id from a path or anything a person typed: routes are the
//! declared patterns, reasons and outcomes closed lists.

use std::collections::BTreeMap;
use std::fmt::{Display, Write as _};
use std::sync::{LazyLock, Mutex};
use std::time::Instant;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use domain::access::LoginGate;
use storage::import::ImportPhase;

use crate::AppState;
use crate::import_jobs::{JobsSummary, PhaseRows};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

#[derive(Default, Clone, Copy)]
struct Histogram {
    /// Observations at or below each bound (not cumulative here; summed when written).
    counts: [u64; BUCKETS.len()],
    over: u64,
    sum: f64,
}

/// What happened at a login (the password form, its second factor, a handbook activation),
/// counted by [`login`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LoginEvent {
    /// A session opened (after the second factor where there is one).
    Success,
    Failure(FailureReason),
    /// An attempt turned away before any check: the account is locked, the address blocked, or
    /// the account disabled.
    Refused(Refusal),
    /// A failure that reached a limit: the account is locked, or the address blocked, from now.
    Lockout(LockoutOf),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FailureReason {
    Password,
    UnknownUser,
    SecondFactor,
    ActivationCode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Refusal {
    AccountLocked,
    ClientBlocked,
    Disabled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LockoutOf {
    Account,
    Client,
}

impl LoginEvent {
    /// Every event, so each series is written from the start (at 0).
    const ALL: [LoginEvent; 10] = [
        LoginEvent::Success,
        LoginEvent::Failure(FailureReason::Password),
        LoginEvent::Failure(FailureReason::UnknownUser),
        LoginEvent::Failure(FailureReason::SecondFactor),
        LoginEvent::Failure(FailureReason::ActivationCode),
        LoginEvent::Refused(Refusal::AccountLocked),
        LoginEvent::Refused(Refusal::ClientBlocked),
        LoginEvent::Refused(Refusal::Disabled),
        LoginEvent::Lockout(LockoutOf::Account),
        LoginEvent::Lockout(LockoutOf::Client),
    ];

    /// The refusal a closed gate gives (`None` for an open one).
    pub fn refused(gate: LoginGate) -> Option<LoginEvent> {
        match gate {
            LoginGate::Open => None,
            LoginGate::AccountLocked { .. } => Some(LoginEvent::Refused(Refusal::AccountLocked)),
            LoginGate::ClientBlocked { .. } => Some(LoginEvent::Refused(Refusal::ClientBlocked)),
        }
    }

    /// The lockout a gate closed by a failure is (`None` for an open one).
    pub fn lockout(gate: LoginGate) -> Option<LoginEvent> {
        match gate {
            LoginGate::Open => None,
            LoginGate::AccountLocked { .. } => Some(LoginEvent::Lockout(LockoutOf::Account)),
            LoginGate::ClientBlocked { .. } => Some(LoginEvent::Lockout(LockoutOf::Client)),
        }
    }

    /// The series it is counted in and its label.
    fn series(self) -> (&'static str, Option<(&'static str, &'static str)>) {
        match self {
            LoginEvent::Success => ("dangvu_login_successes_total", None),
            LoginEvent::Failure(r) => (
                "dangvu_login_failures_total",
                Some((
                    "reason",
                    match r {
                        FailureReason::Password => "password",
                        FailureReason::UnknownUser => "unknown_user",
                        FailureReason::SecondFactor => "second_factor",
                        FailureReason::ActivationCode => "activation_code",
                    },
                )),
            ),
            LoginEvent::Refused(r) => (
                "dangvu_login_refusals_total",
                Some((
                    "reason",
                    match r {
                        Refusal::AccountLocked => "account_locked",
                        Refusal::ClientBlocked => "client_blocked",
                        Refusal::Disabled => "disabled",
                    },
                )),
            ),
            LoginEvent::Lockout(of) => {
                ("dangvu_login_lockouts_total", Some(("of", if of == LockoutOf::Account { "account" } else { "client" })))
            }
        }
    }
}

#[derive(Default)]
struct Counters {
    /// (route, method, status) → requests.
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    logins: BTreeMap<LoginEvent, u64>,
}

/// The process's counters.
struct Registry {
    started: Instant,
    counters: Mutex<Counters>,
}

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| Registry { started: Instant::now(), counters: Mutex::new(Counters::default()) });

fn counters() -> std::sync::MutexGuard<'static, Counters> {
    // A poisoned lock only means a holder panicked between two additions.
    REGISTRY.counters.lock().unwrap_or_else(|e| e.into_inner())
}

/// Records one answered request (called by the access log).
pub fn observe(route: &str, method: &str, status: u16, seconds: f64) {
    let mut c = counters();
    *c.requests.entry((route.to_owned(), method.to_owned(), status)).or_default() += 1;
    let h = c.latency.entry(route.to_owned()).or_default();
    match BUCKETS.iter().position(|b| seconds <= *b) {
        Some(i) => h.counts[i] += 1,
        None => h.over += 1,
    }
    h.sum += seconds;
}

/// Records what happened at a login.
pub fn login(event: LoginEvent) {
    *counters().logins.entry(event).or_default() += 1;
}

/// The exposition text being written.
#[derive(Default)]
struct Text(String);

impl Text {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.0, "# HELP {name} {help}\n# TYPE {name} {kind}");
    }

    /// A family of one sample without labels.
    fn one(&mut self, name: &str, kind: &str, help: &str, value: impl Display) {
        self.family(name, kind, help);
        self.sample(name, &[], value);
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl Display) {
        self.0.push_str(name);
        if !labels.is_empty() {
            self.0.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                let sep = if i > 0 { "," } else { "" };
                let _ = write!(self.0, "{sep}{k}=\"{}\"", label(v));
            }
            self.0.push('}');
        }
        let _ = writeln!(self.0, " {value}");
    }
}

/// A label value escaped as the format requires.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// The text of every series.
pub async fn render(state: &AppState) -> String {
    let mut out = Text::default();
    counted(&mut out);
    let _ = store(&mut out, state).await;
    imports(&mut out, &state.imports.summary());
    out.one("dangvu_uptime_seconds", "gauge", "Seconds since the process started serving.", REGISTRY.started.elapsed().as_secs_f64());
    out.0
}

/// Requests and logins, as counted.
fn counted(out: &mut Text) {
    let (requests, latency, logins) = {
        let c = counters();
        (c.requests.clone(), c.latency.clone(), c.logins.clone())
    };
    out.family("dangvu_http_requests_total", "counter", "Requests answered, by route as declared, method and status.");
    for ((route, method, status), n) in &requests {
        out.sample("dangvu_http_requests_total", &[("route", route), ("method", method), ("status", &status.to_string())], n);
    }
    out.family("dangvu_http_request_duration_seconds", "histogram", "Time to answer a request, by route.");
    for (route, h) in &latency {
        let mut cumulative = 0;
        for (b, n) in BUCKETS.iter().zip(h.counts) {
            cumulative += n;
            out.sample("dangvu_http_request_duration_seconds_bucket", &[("route", route), ("le", &b.to_string())], cumulative);
        }
        let total = cumulative + h.over;
        out.sample("dangvu_http_request_duration_seconds_bucket", &[("route", route), ("le", "+Inf")], total);
        out.sample("dangvu_http_request_duration_seconds_sum", &[("route", route)], h.sum);
        out.sample("dangvu_http_request_duration_seconds_count", &[("route", route)], total);
    }
    let mut family = "";
    for event in LoginEvent::ALL {
        let (name, label) = event.series();
        if name != family {
            family = name;
            let help = match name {
                "dangvu_login_successes_total" => "Logins that opened a session.",
                "dangvu_login_failures_total" => {
                    "Failed logins, by reason (a wrong password, an unknown user name, a wrong second-factor or activation code)."
                }
                "dangvu_login_refusals_total" => "Login attempts refused before any check, by reason.",
                _ => "Failures that locked an account or blocked a client address.",
            };
            out.family(name, "counter", help);
        }
        let n = logins.get(&event).copied().unwrap_or(0);
        out.sample(name, label.as_slice(), n);
    }
}

/// The store's figures: pools, index, audit trail, schema. Nothing is written for what the
/// database did not answer (the scrape then shows the series missing, and `/readyz` says why).
async fn store(out: &mut Text, state: &AppState) -> Result<(), String> {
    let stats = state.service_stats().await?;
    out.family("dangvu_db_connections", "gauge", "Database connections open, by pool and state (busy: lent to a request).");
    for p in &stats.pools {
        out.sample("dangvu_db_connections", &[("pool", p.pool), ("state", "busy")], p.open.saturating_sub(p.idle));
        out.sample("dangvu_db_connections", &[("pool", p.pool), ("state", "idle")], p.idle);
    }
    out.family("dangvu_db_connections_max", "gauge", "The most connections each pool opens.");
    for p in &stats.pools {
        out.sample("dangvu_db_connections_max", &[("pool", p.pool)], p.max);
    }
    out.family("dangvu_db_acquires_total", "counter", "Connections handed out by each pool.");
    for p in &stats.pools {
        out.sample("dangvu_db_acquires_total", &[("pool", p.pool)], p.acquired);
    }
    out.family("dangvu_db_acquire_wait_seconds_total", "counter", "Time requests waited for a connection of each pool, in total.");
    for p in &stats.pools {
        out.sample("dangvu_db_acquire_wait_seconds_total", &[("pool", p.pool)], p.waited.as_secs_f64());
    }
    let i = &stats.index;
    out.one("dangvu_register_members", "gauge", "Member records in the register index.", i.members);
    out.one("dangvu_index_units", "gauge", "Units in the register index.", i.units);
    out.one(
        "dangvu_index_changes_behind",
        "gauge",
        "Changes in the database's change log the index has not applied yet (its lag).",
        i.behind,
    );
    out.family(
        "dangvu_index_refreshes_total",
        "counter",
        "Index refreshes that applied changes, by kind (a whole rebuild or the changes only).",
    );
    out.sample("dangvu_index_refreshes_total", &[("kind", "rebuild")], i.rebuilds);
    out.sample("dangvu_index_refreshes_total", &[("kind", "changes")], i.refreshes - i.rebuilds);
    out.one("dangvu_index_changes_applied_total", "counter", "Change-log entries the index applied.", i.changes_applied);
    out.one("dangvu_index_refresh_seconds_total", "counter", "Time spent refreshing the index, in total.", i.refresh_time.as_secs_f64());
    let a = &stats.audit;
    out.one(
        "dangvu_audit_entries_total",
        "counter",
        "Entries in the audit trail (the chain's length: every app server's appends).",
        a.entries,
    );
    out.family(
        "dangvu_audit_group_commits_total",
        "counter",
        "Transactions of audit entries that accompany no write (reads, logins), by outcome.",
    );
    out.sample("dangvu_audit_group_commits_total", &[("outcome", "committed")], a.group_commits);
    out.sample("dangvu_audit_group_commits_total", &[("outcome", "failed")], a.group_failures);
    out.one("dangvu_audit_group_entries_total", "counter", "Audit entries those transactions committed.", a.group_entries);
    out.one("dangvu_audit_group_waiting", "gauge", "Audit entries queued for the next group commit.", a.group_waiting);
    let r = state.readiness().await?;
    out.family("dangvu_schema_migrations", "gauge", "Migrations applied to the database and carried by this binary.");
    out.sample("dangvu_schema_migrations", &[("of", "database")], r.schema_applied);
    out.sample("dangvu_schema_migrations", &[("of", "binary")], r.schema_known);
    Ok(())
}

/// The imports of register files on this server (`/import`).
fn imports(out: &mut Text, s: &JobsSummary) {
    out.family("dangvu_imports_running", "gauge", "Imports running on this server, by stage (the dry run's check, or the apply).");
    out.sample("dangvu_imports_running", &[("stage", "check")], s.checking);
    out.sample("dangvu_imports_running", &[("stage", "apply")], s.applying);
    out.one("dangvu_imports_waiting", "gauge", "Imports checked, their plans waiting for the person to apply them.", s.waiting);
    let phase = |p: ImportPhase| if p == ImportPhase::Checking { "checking" } else { "writing" };
    /// A family of the running imports' rows: its name, its help, the figure of a phase.
    type RowsFamily = (&'static str, &'static str, fn(&PhaseRows) -> usize);
    let rows: [RowsFamily; 2] = [
        ("dangvu_import_rows_done", "Rows the running imports have done, by phase.", |r| r.done),
        ("dangvu_import_rows", "Rows in the running imports' files, by the phase each is in.", |r| r.total),
    ];
    for (name, help, value) in rows {
        out.family(name, "gauge", help);
        for r in &s.rows {
            out.sample(name, &[("phase", phase(r.phase))], value(r));
        }
    }
    let f = s.finished;
    out.family("dangvu_imports_finished_total", "counter", "Imports finished on this server, by stage and outcome.");
    for (stage, outcome, n) in
        [("check", "ok", f.planned), ("check", "failed", f.plan_failed), ("apply", "ok", f.applied), ("apply", "failed", f.apply_failed)]
    {
        out.sample("dangvu_imports_finished_total", &[("stage", stage), ("outcome", outcome)], n);
    }
}

/// The metrics server's router: `GET /metrics` only.
pub fn router(state: AppState) -> Router {
    Router::new().route("/metrics", axum::routing::get(metrics)).with_state(state)
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], render(&state).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_samples_written_in_the_format() {
        let mut t = Text::default();
        t.family("x_total", "counter", "Things.");
        t.sample("x_total", &[("route", "/a\"b\\c\nd"), ("k", "v")], 3);
        t.sample("x_total", &[], 1.5);
        assert_eq!(t.0, "# HELP x_total Things.\n# TYPE x_total counter\nx_total{route=\"/a\\\"b\\\\c\\nd\",k=\"v\"} 3\nx_total 1.5\n");
    }

    #[test]
    fn every_login_series_is_written_once_with_its_labels() {
        login(LoginEvent::Lockout(LockoutOf::Client));
        let mut t = Text::default();
        counted(&mut t);
        for family in
            ["dangvu_login_successes_total", "dangvu_login_failures_total", "dangvu_login_refusals_total", "dangvu_login_lockouts_total"]
        {
            assert_eq!(t.0.matches(&format!("# TYPE {family} counter")).count(), 1, "{family}");
        }
        assert!(t.0.contains("dangvu_login_failures_total{reason=\"unknown_user\"} "));
        assert!(t.0.contains("dangvu_login_lockouts_total{of=\"client\"} "));
        assert!(t.0.lines().any(|l| l.starts_with("dangvu_login_successes_total ")));
    }
}
