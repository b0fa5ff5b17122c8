//! Metrics in the Prometheus text format (version 0.0.4), written by hand: no exporter crate and
//! no TLS stack. Served only on a listen address of their own (`serve --metrics-listen`), never
//! beside the pages, so they are not public by accident.
//!
//! Series: requests by route (as declared), method and status; request latency as a histogram
//! by route; members in the register index and the schema's migrations; seconds since start.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{LazyLock, Mutex};
use std::time::Instant;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

#[derive(Default)]
struct Histogram {
    /// Observations at or below each bound (not cumulative here; summed when written).
    counts: [u64; BUCKETS.len()],
    over: u64,
    sum: f64,
}

#[derive(Default)]
struct Counters {
    /// (route, method, status) → requests.
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
}

/// The process's request counters.
struct Registry {
    started: Instant,
    counters: Mutex<Counters>,
}

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| Registry { started: Instant::now(), counters: Mutex::new(Counters::default()) });

/// Records one answered request (called by the access log).
pub fn observe(route: &str, method: &str, status: u16, seconds: f64) {
    let Ok(mut c) = REGISTRY.counters.lock() else { return };
    *c.requests.entry((route.to_owned(), method.to_owned(), status)).or_default() += 1;
    let h = c.latency.entry(route.to_owned()).or_default();
    match BUCKETS.iter().position(|b| seconds <= *b) {
        Some(i) => h.counts[i] += 1,
        None => h.over += 1,
    }
    h.sum += seconds;
}

/// A label value escaped as the format requires.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// The text of every series; `store` adds the register's.
pub async fn render(store: &dyn storage::Store) -> String {
    let mut out = String::new();
    {
        let c = REGISTRY.counters.lock().map(|c| (c.requests.clone(), snapshot(&c.latency))).unwrap_or_default();
        let (requests, latency) = c;
        out.push_str("# HELP dangvu_http_requests_total Requests answered, by route as declared, method and status.\n");
        out.push_str("# TYPE dangvu_http_requests_total counter\n");
        for ((route, method, status), n) in &requests {
            let _ = writeln!(out, "dangvu_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}", label(route));
        }
        out.push_str("# HELP dangvu_http_request_duration_seconds Time to answer a request, by route.\n");
        out.push_str("# TYPE dangvu_http_request_duration_seconds histogram\n");
        for (route, (counts, over, sum)) in &latency {
            let r = label(route);
            let mut cumulative = 0;
            for (b, n) in BUCKETS.iter().zip(counts) {
                cumulative += n;
                let _ = writeln!(out, "dangvu_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"{b}\"}} {cumulative}");
            }
            let total = cumulative + over;
            let _ = writeln!(out, "dangvu_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"+Inf\"}} {total}");
            let _ = writeln!(out, "dangvu_http_request_duration_seconds_sum{{route=\"{r}\"}} {sum}");
            let _ = writeln!(out, "dangvu_http_request_duration_seconds_count{{route=\"{r}\"}} {total}");
        }
    }
    out.push_str("# HELP dangvu_uptime_seconds Seconds since the process started serving.\n# TYPE dangvu_uptime_seconds gauge\n");
    let _ = writeln!(out, "dangvu_uptime_seconds {}", REGISTRY.started.elapsed().as_secs_f64());
    if let Ok(r) = store.readiness().await {
        out.push_str("# HELP dangvu_register_members Member records in the register index.\n# TYPE dangvu_register_members gauge\n");
        let _ = writeln!(out, "dangvu_register_members {}", r.members_indexed);
        out.push_str("# HELP dangvu_schema_migrations Migrations applied to the database and carried by this binary.\n");
        out.push_str("# TYPE dangvu_schema_migrations gauge\n");
        let _ = writeln!(out, "dangvu_schema_migrations{{of=\"database\"}} {}", r.schema_applied);
        let _ = writeln!(out, "dangvu_schema_migrations{{of=\"binary\"}} {}", r.schema_known);
    }
    out
}

type LatencySnapshot = BTreeMap<String, ([u64; BUCKETS.len()], u64, f64)>;

fn snapshot(latency: &BTreeMap<String, Histogram>) -> LatencySnapshot {
    latency.iter().map(|(k, h)| (k.clone(), (h.counts, h.over, h.sum))).collect()
}

/// The metrics server's router: `GET /metrics` only.
pub fn router(store: std::sync::Arc<dyn storage::Store>) -> Router {
    Router::new().route("/metrics", axum::routing::get(metrics)).with_state(store)
}

async fn metrics(State(store): State<std::sync::Arc<dyn storage::Store>>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], render(store.as_ref()).await)
}

/// Serves `/metrics` on its own listener until the process stops.
pub async fn serve(listener: tokio::net::TcpListener, store: std::sync::Arc<dyn storage::Store>) -> std::io::Result<()> {
    axum::serve(listener, router(store)).await
}
