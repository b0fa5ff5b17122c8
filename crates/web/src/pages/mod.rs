//! Server-rendered pages (askama templates under `templates/`). Every page is complete HTML that
//! works without JavaScript; filters live in the query string.

pub mod events;
pub mod members;
pub mod unit_ops;
pub mod units;

use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::AppState;
use crate::error::AppError;
use crate::extract::Query;
use crate::format;

/// The page routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/units") }))
        .route("/prefs/text", get(text_size))
        .merge(units::routes())
        .merge(unit_ops::routes())
        .merge(members::routes())
        .merge(events::routes())
}

/// What the layout needs on every page: the title, the large-text preference and the current
/// address (for the text-size toggle to come back to).
#[derive(Debug, Clone)]
pub struct Chrome {
    pub title: String,
    pub large_text: bool,
    /// Path and query of the current page.
    pub here: String,
}

impl Chrome {
    /// Reads the preference cookie and the address from a request.
    pub fn from_parts(headers: &HeaderMap, uri: &Uri) -> Chrome {
        let large_text = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .any(|c| c.trim() == "text=large");
        let here = uri.path_and_query().map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned());
        Chrome { title: String::new(), large_text, here }
    }

    pub fn titled(mut self, title: impl Into<String>) -> Chrome {
        self.title = title.into();
        self
    }

    /// The link that switches the text size and comes back here.
    pub fn toggle_href(&self) -> String {
        let size = if self.large_text { "normal" } else { "large" };
        format!("/prefs/text{}", format::query_string(&[("size", size), ("back", &self.here)]))
    }

    pub fn css(&self) -> &'static str {
        crate::assets::CSS_PATH
    }

    pub fn js(&self) -> &'static str {
        crate::assets::JS_PATH
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Chrome {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Chrome::from_parts(&parts.headers, &parts.uri))
    }
}

/// Renders a template as a page with a status.
pub fn render(status: StatusCode, template: &impl Template) -> Result<Response, AppError> {
    Ok((status, Html(template.render()?)).into_response())
}

/// Renders a template as a 200 page.
pub fn page(template: &impl Template) -> Result<Response, AppError> {
    render(StatusCode::OK, template)
}

/// A 303 redirect after a successful form post.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TextSize {
    size: String,
    back: String,
}

/// `GET /prefs/text?size=large|normal&back=/path`: remembers the text size in a cookie.
async fn text_size(Query(p): Query<TextSize>) -> Response {
    let cookie = if p.size == "large" {
        "text=large; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly"
    } else {
        "text=normal; Path=/; Max-Age=0; SameSite=Lax; HttpOnly"
    };
    // Only come back to a path on this site.
    let back = if p.back.starts_with('/') && !p.back.starts_with("//") && !p.back.contains('\\') { p.back.as_str() } else { "/" };
    let mut res = Redirect::to(back).into_response();
    if let Ok(v) = header::HeaderValue::from_str(cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}
