//! Static assets, compiled into the binary. The stylesheet and the script are served under
//! versioned names (the layout's [`CSS_PATH`] and [`JS_PATH`]: bump the number when the file
//! changes, so browsers may cache them forever); the icons never change (a new picture gets a
//! new name). The web app manifest and the service worker (`static/sw.js`, which keeps pages
//! of the member's handbook for reading offline) live at fixed addresses: the worker at the
//! root, since it serves the whole site, and re-checked on every visit.

use axum::http::{HeaderName, header};
use axum::response::IntoResponse;

use crate::chrome::{CSS_PATH, JS_PATH};
use crate::policy::{Policy, Route};

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");
const SERVICE_WORKER: &str = include_str!("../static/sw.js");
const MANIFEST: &str = include_str!("../static/manifest.webmanifest");
const ICON_SVG: &str = include_str!("../static/icon.svg");
const ICON_192: &[u8] = include_bytes!("../static/icon-192.png");
const ICON_512: &[u8] = include_bytes!("../static/icon-512.png");
const CACHE: &str = "public, max-age=31536000, immutable";

pub fn routes() -> Vec<Route> {
    vec![
        Route::get(CSS_PATH, Policy::Public, || async {
            ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, CACHE)], CSS)
        }),
        Route::get(JS_PATH, Policy::Public, || async {
            ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, CACHE)], JS)
        }),
        Route::get("/sw.js", Policy::Public, || async {
            (
                [
                    (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                    (header::CACHE_CONTROL, "no-cache"),
                    (HeaderName::from_static("service-worker-allowed"), "/"),
                ],
                SERVICE_WORKER,
            )
        }),
        Route::get("/manifest.webmanifest", Policy::Public, || async {
            ([(header::CONTENT_TYPE, "application/manifest+json"), (header::CACHE_CONTROL, "public, max-age=86400")], MANIFEST)
        }),
        Route::get("/static/icon.svg", Policy::Public, || async {
            ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, CACHE)], ICON_SVG)
        }),
        Route::get("/static/icon-192.png", Policy::Public, || async {
            ([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, CACHE)], ICON_192)
        }),
        Route::get("/static/icon-512.png", Policy::Public, || async {
            ([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, CACHE)], ICON_512)
        }),
        Route::get("/favicon.ico", Policy::Public, || async { axum::http::StatusCode::NO_CONTENT.into_response() }),
    ]
}
