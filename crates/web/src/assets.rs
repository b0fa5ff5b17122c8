//! Static assets, compiled into the binary and served under versioned names (the layout's
//! [`CSS_PATH`] and [`JS_PATH`]: bump the number when the file changes, so browsers may cache
//! them forever).

use axum::http::header;
use axum::response::IntoResponse;

use crate::chrome::{CSS_PATH, JS_PATH};
use crate::policy::{Policy, Route};

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");
const CACHE: &str = "public, max-age=31536000, immutable";

pub fn routes() -> Vec<Route> {
    vec![
        Route::get(CSS_PATH, Policy::Public, || async {
            ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, CACHE)], CSS)
        }),
        Route::get(JS_PATH, Policy::Public, || async {
            ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, CACHE)], JS)
        }),
        Route::get("/favicon.ico", Policy::Public, || async { axum::http::StatusCode::NO_CONTENT.into_response() }),
    ]
}
