//! One log line per request, for the journal: the request id, the method, the route as declared
//! (`/members/{id}` — never the path or the query, which can carry names and ids), the status,
//! the latency and the account that made it; the same counted for `/metrics`. Never a password, a token, a cookie or a body.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

/// The account behind a request, put on the response by `session::authenticate` for this log.
#[derive(Debug, Clone, Copy)]
pub struct Actor(pub i64);

/// Middleware: logs the request once answered (target `dangvu::access`, level info).
pub async fn access_log(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "(no route)".to_owned(), |p| p.as_str().to_owned());
    let request_id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let res = next.run(req).await;
    let actor = res.extensions().get::<Actor>().map(|a| a.0);
    let seconds = started.elapsed().as_secs_f64();
    crate::metrics::observe(&route, method.as_str(), res.status().as_u16(), seconds);
    let latency_ms = seconds * 1000.0;
    tracing::info!(target: "dangvu::access", request_id, method = %method, route, status = res.status().as_u16(), latency_ms, actor, "request");
    res
}
