//! HTTP layer of dangvu: server-rendered Vietnamese pages and the JSON API under `/api/v1`.
//!
//! Reading order:
//! * [`router`] assembles everything: the page routes ([`pages`]), the API routes ([`api`]), the
//!   static assets ([`assets`]) and the middleware stack (request id, tracing, error rendering,
//!   panic catching, body limit).
//! * [`state::AppState`] is what every handler receives: the [`storage::Store`] and a [`Clock`].
//! * [`query`] parses the filters shared by the member list page and the API; [`forms`] builds
//!   the form fields and turns form values into domain inputs; [`unit_input`] parses the operations
//!   on units (decision, new unit, rename, merge target) for both the unit forms and the API;
//!   [`format`] formats numbers and dates.
//! * [`error`] maps failures to Vietnamese error pages or JSON errors (never revealing internals).
//!
//! Access control arrives later: the [`actor::Actor`] extractor is the single place that says who
//! writes, and [`router`] marks where an authentication layer slots in.

pub mod actor;
pub mod api;
pub mod assets;
pub mod error;
pub mod extract;
pub mod format;
pub mod forms;
pub mod pages;
pub mod query;
pub mod state;
pub mod unit_input;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use state::AppState;

/// Largest request body accepted (forms and JSON): 1 MiB.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Where "now" comes from: the system clock in production, a fixed instant in tests.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> chrono::DateTime<chrono::Utc>;
}

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }
}

/// A clock stopped at one instant (tests).
pub struct FixedClock(pub chrono::DateTime<chrono::Utc>);

impl Clock for FixedClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.0
    }
}

/// The whole application: pages, API, assets and middleware.
pub fn router(store: Arc<dyn storage::Store>, clock: Arc<dyn Clock>) -> Router {
    let state = AppState { store, clock };
    // Routes that read or write the register. An authentication/authorization layer will be added
    // here (`.layer(...)` on this router) when access control arrives; `Actor` will then read the
    // identity it puts into the request extensions.
    let protected = Router::new().merge(pages::routes()).merge(api::routes());
    let public = Router::new()
        .merge(assets::routes())
        .route("/healthz", axum::routing::get(health))
        .route("/api/openapi.json", axum::routing::get(api::openapi::document));
    let middleware = ServiceBuilder::new()
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http())
        .layer(axum::middleware::from_fn(error::render_errors))
        .layer(CatchPanicLayer::new())
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT));
    protected.merge(public).fallback(error::not_found).with_state(state).layer(middleware)
}

/// Serves the application on `listener` until Ctrl-C or SIGTERM, then finishes open requests.
pub async fn serve(listener: tokio::net::TcpListener, store: Arc<dyn storage::Store>, clock: Arc<dyn Clock>) -> std::io::Result<()> {
    let app = router(store, clock);
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await
}

/// `GET /healthz`: 200 "ok" when the database answers, 503 otherwise.
async fn health(axum::extract::State(state): axum::extract::State<AppState>) -> (axum::http::StatusCode, &'static str) {
    match tokio::time::timeout(Duration::from_secs(5), state.store.health()).await {
        Ok(Ok(())) => (axum::http::StatusCode::OK, "ok"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check failed");
            (axum::http::StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
        Err(_) => (axum::http::StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
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
