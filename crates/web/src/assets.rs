//! Static assets, compiled into the binary and served under versioned names (bump the number
//! when the file changes, so browsers may cache them forever).

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::AppState;

/// The stylesheet's URL.
pub const CSS_PATH: &str = "/static/app-2.css";
/// The script's URL.
pub const JS_PATH: &str = "/static/app-1.js";

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");
const CACHE: &str = "public, max-age=31536000, immutable";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(CSS_PATH, get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, CACHE)], CSS) }))
        .route(JS_PATH, get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, CACHE)], JS) }))
        .route("/favicon.ico", get(|| async { axum::http::StatusCode::NO_CONTENT.into_response() }))
}
