//! HTTP layer of dangvu: server-rendered Vietnamese pages and the JSON API under `/api/v1`.
//!
//! Reading order:
//! * [`routes`] is the table of every route with the access it requires ([`policy::Policy`]);
//!   [`router`] builds the router from it (so no route exists without a policy) and adds the
//!   middleware stack (request id, tracing, error rendering, panic catching, body limit).
//! * [`pages`] (one module per screen or feature) and [`api`] hold the handlers; neither imports
//!   the other. They use the shared modules below, which never import them.
//! * [`session`] identifies the caller (session cookie for pages, bearer token for the API),
//!   checks anti-forgery tokens and gives handlers a [`storage::access::Access`] — never the store.
//! * [`policy`] declares a route with its policy ([`policy::Route`]) and checks it before the
//!   handler (`enforce`).
//! * [`query`] parses every query parameter, once for pages and API; [`forms`] builds the form
//!   fields, turns form values into domain inputs and a use case's refusal into the form's answer;
//!   [`unit_input`] parses the operations on units for both the unit forms and the API;
//!   [`extract`] holds extractors whose rejections are our errors, typed path ids among them;
//!   [`format`] formats numbers, dates and links; [`csv`] and [`xlsx`] write the downloads.
//! * [`chrome`] is what the layout of every page needs, [`respond`] renders pages and redirects,
//!   [`error`] maps failures to Vietnamese error pages or JSON errors (never revealing internals).

mod access_log;
pub mod admission_words;
pub mod api;
pub mod assets;
pub mod chrome;
pub mod clock;
pub mod csv;
pub mod error;
pub mod extract;
pub mod format;
pub mod forms;
pub mod import_file;
pub mod import_jobs;
pub mod layout;
pub mod mail;
pub mod metrics;
pub mod notice;
pub mod page_cache;
pub mod pages;
pub mod picker;
pub mod policy;
pub mod query;
pub mod register_file;
mod request_id;
pub mod respond;
pub mod scan;
pub mod session;
pub mod unit_input;
pub mod upload;
pub mod xlsx;

use std::sync::Arc;

use axum::Router;
use axum::http::Method;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use policy::{Policy, Route};

pub use clock::{Clock, FixedClock, SystemClock};
pub use session::{AppState, AuthConfig};

/// Every route of the application with its policy: the route table the router is built from.
pub fn routes() -> Vec<Route> {
    let mut routes = vec![
        Route::get("/healthz", Policy::Public, alive),
        Route::get("/readyz", Policy::Public, ready),
        Route::get("/api/openapi.json", Policy::Public, api::openapi::document),
    ];
    routes.extend(assets::routes());
    routes.extend(login_routes());
    routes.extend(pages::routes());
    routes.extend(api::routes());
    routes
}

/// The login pages: their handlers live in `session::login`, the one place that may use the store.
fn login_routes() -> Vec<Route> {
    use session::login;
    vec![
        Route::get("/login", Policy::Public, login::login_form),
        Route::post("/login", Policy::Public, login::login),
        Route::get("/login/totp", Policy::Public, login::totp_form),
        Route::post("/login/totp", Policy::Public, login::totp),
        Route::get("/login/enroll", Policy::Public, login::enroll_form),
        Route::post("/login/enroll", Policy::Public, login::enroll),
        Route::post("/logout", Policy::LoggedIn, login::logout),
        Route::get("/activate", Policy::Public, session::activate::activate_form),
        Route::post("/activate", Policy::Public, session::activate::activate),
    ]
}

/// (method, path, policy) of every route, for tests and documentation.
pub fn route_table() -> Vec<(Method, &'static str, Policy)> {
    routes().into_iter().map(|r| (r.method, r.path, r.policy)).collect()
}

/// Builds the router from the table, each handler behind its policy check.
fn build(routes: Vec<Route>) -> Router<AppState> {
    routes.into_iter().fold(Router::new(), |router, r| {
        let (path, handler) = r.guarded();
        router.route(path, handler)
    })
}

/// The whole application: pages, API, assets and middleware.
pub fn router(store: Arc<dyn storage::Store>, clock: Arc<dyn Clock>, auth: AuthConfig) -> Router {
    app(AppState::new(store, clock, auth))
}

/// The application over `state` (shared with the metrics server, which reads its imports).
fn app(state: AppState) -> Router {
    let middleware = ServiceBuilder::new()
        .layer(SetRequestIdLayer::x_request_id(request_id::Counter::new()))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(axum::middleware::from_fn(access_log::access_log))
        .layer(compression())
        .layer(TraceLayer::new_for_http())
        .layer(axum::middleware::from_fn(session::security_headers))
        .layer(axum::middleware::from_fn_with_state(state.clone(), session::hsts))
        .layer(axum::middleware::from_fn(error::render_errors))
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn_with_state(state.clone(), session::authenticate))
        .layer(axum::middleware::from_fn(picker::scope))
        .layer(axum::middleware::from_fn_with_state(state.clone(), notice::notices))
        .layer(axum::middleware::from_fn(limit_body))
        // The limit above bounds every body; extractors add none of their own.
        .layer(axum::extract::DefaultBodyLimit::disable());
    build(routes()).fallback(error::not_found).with_state(state).layer(middleware)
}

/// Middleware: the body limit of the request's path (`extract::body_limit`: 1 MiB, the import
/// upload 200 MiB); a bigger body is answered 413 before any handler runs.
async fn limit_body(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let limit = extract::body_limit(req.uri().path());
    let too_large = || error::AppError::for_status(axum::http::StatusCode::PAYLOAD_TOO_LARGE).into_response();
    // A body announced too big is refused before it is read (the client may wait for the answer).
    let announced = req.headers().get(axum::http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return too_large();
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes))).await,
        Err(_) => too_large(),
    }
}

/// Responses are sent gzip-compressed to clients that accept it (pages shrink to a fifth on a
/// slow mobile link), except the small ones and the `.xlsx` workbooks, which are zip files
/// already. Pages carry their anti-forgery token masked afresh each time (`auth::token::mask`),
/// so compression reveals nothing about it.
fn compression() -> CompressionLayer<impl Predicate> {
    let predicate = SizeAbove::new(1024)
        .and(NotForContentType::GRPC)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::const_new("application/vnd.openxmlformats"));
    CompressionLayer::new().gzip(true).no_br().no_deflate().no_zstd().compress_when(predicate)
}

/// Serves the application on `listener` until Ctrl-C or SIGTERM, then finishes open requests;
/// with `metrics`, `/metrics` on that listener of its own ([`metrics`]).
pub async fn serve(
    listener: tokio::net::TcpListener,
    metrics: Option<tokio::net::TcpListener>,
    store: Arc<dyn storage::Store>,
    clock: Arc<dyn Clock>,
    auth: AuthConfig,
) -> std::io::Result<()> {
    if let Some(config) = auth.mail.clone() {
        mail::spawn_delivery(store.clone(), clock.clone(), config);
    }
    let state = AppState::new(store.clone(), clock, auth);
    if let Some(listener) = metrics {
        let router = metrics::router(state.clone());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::error!(error = %e, "the metrics server stopped");
            }
        });
    }
    let app = app(state);
    // On Ctrl-C or SIGTERM: stop accepting, let the running requests finish for at most
    // `SHUTDOWN_GRACE`, then close the database (every answered write is committed already: a
    // write, and an audited read, is answered only once its transaction is).
    let (stopping, mut stopped) = tokio::sync::watch::channel(false);
    let server =
        axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).with_graceful_shutdown(async move {
            shutdown_signal().await;
            let _ = stopping.send(true);
        });
    let outcome = tokio::select! {
        r = server => r,
        _ = async {
            let _ = stopped.wait_for(|s| *s).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => {
            tracing::warn!(seconds = SHUTDOWN_GRACE.as_secs(), "requests still running at the end of the grace period: stopping");
            Ok(())
        }
    };
    store.close().await;
    tracing::info!("stopped");
    outcome
}

/// How long running requests may take to finish after a stop signal.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// `GET /healthz`: 200 "ok" while the process serves (a load balancer's liveness check; the
/// database is `/readyz`'s).
async fn alive() -> (axum::http::StatusCode, &'static str) {
    (axum::http::StatusCode::OK, "ok")
}

/// `GET /readyz`: 200 "ready" when the database answers within 5 s, the register index is caught
/// up and the schema is the one this binary carries; 503 with the reason otherwise (a server an
/// upgrade left behind stops taking traffic).
async fn ready(axum::extract::State(state): axum::extract::State<AppState>) -> (axum::http::StatusCode, String) {
    match state.readiness().await {
        Ok(r) if r.ready() => (axum::http::StatusCode::OK, "ready".into()),
        Ok(r) => {
            tracing::warn!(applied = r.schema_applied, known = r.schema_known, "not ready: the schema is not this binary's");
            let why = format!("schema {} applied, this binary carries {}", r.schema_applied, r.schema_known);
            (axum::http::StatusCode::SERVICE_UNAVAILABLE, why)
        }
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (axum::http::StatusCode::SERVICE_UNAVAILABLE, "database unavailable".into())
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
