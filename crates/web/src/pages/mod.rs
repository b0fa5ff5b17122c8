//! Server-rendered pages (askama templates under `templates/`). Every page is complete HTML that
//! works without JavaScript; filters live in the query string.

pub mod account;
pub mod admin;
pub mod admission;
pub mod calendar;
pub mod events;
pub mod members;
pub mod reports;
pub mod unit_ops;
pub mod units;

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::error::AppError;
use crate::extract::Query;
use crate::format;
use crate::policy::{Policy, Route};
use crate::session::Caller;
use storage::access::Access;

/// The page routes.
pub fn routes() -> Vec<Route> {
    let mut routes = vec![Route::get("/", Policy::LoggedIn, home), Route::get("/prefs/text", Policy::Public, text_size)];
    routes.extend(units::routes());
    routes.extend(unit_ops::routes());
    routes.extend(members::routes());
    routes.extend(reports::routes());
    routes.extend(events::routes());
    routes.extend(account::routes());
    routes.extend(admin::routes());
    routes.extend(admission::routes());
    routes.extend(calendar::routes());
    routes
}

/// `GET /`: the register for staff, the admission board for a chi bộ secretary, the own record
/// for a member.
async fn home(access: Caller) -> Response {
    let p = access.principal();
    if p.grants.iter().all(|g| g.role == domain::access::Role::Member) {
        return match p.member {
            Some(m) => Redirect::to(&format!("/members/{}", m.0)).into_response(),
            None => Redirect::to("/account").into_response(),
        };
    }
    // A chi bộ secretary's main screen is the admission board of their chi bộ.
    let staff: Vec<&domain::access::Grant> = p.grants.iter().filter(|g| g.role != domain::access::Role::Member).collect();
    if let [g] = staff.as_slice()
        && g.role == domain::access::Role::CellSecretary
        && let Some(unit) = g.unit
    {
        return Redirect::to(&format!("/units/{}/admission", unit.0)).into_response();
    }
    Redirect::to("/units").into_response()
}

/// What the layout needs on every page: the title, the large-text preference, the current
/// address (for the text-size toggle to come back to), who is logged in with what they may open,
/// and the anti-forgery token every form carries.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    pub title: String,
    pub large_text: bool,
    /// Path and query of the current page.
    pub here: String,
    /// The anti-forgery token (hidden field `_csrf` of every form that posts).
    pub csrf: String,
    /// The logged-in person's name (none on the login pages).
    pub user: Option<String>,
    pub nav: Nav,
}

/// Which menu entries the person may use.
#[derive(Debug, Clone, Copy, Default)]
pub struct Nav {
    pub register: bool,
    pub write: bool,
    pub admin: bool,
    /// The member's own record (the handbook).
    pub own_member: Option<i64>,
}

impl Nav {
    pub fn of(access: &Access) -> Nav {
        use domain::access::{Capability, Role};
        let p = access.principal();
        Nav {
            register: p.grants.iter().any(|g| g.role != Role::Member),
            write: access.can(Capability::WriteRegister),
            admin: access.can(Capability::Administer),
            own_member: p.member.map(|m| m.0),
        }
    }
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
        Chrome { large_text, here, ..Chrome::default() }
    }

    /// The hidden anti-forgery field, for templates: `{{ chrome.csrf_field()|safe }}`.
    pub fn csrf_field(&self) -> String {
        format!(r#"<input type="hidden" name="{}" value="{}">"#, crate::session::CSRF_FIELD, self.csrf)
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
        let mut chrome = Chrome::from_parts(&parts.headers, &parts.uri);
        if let Some(s) = parts.extensions.get::<crate::session::SessionInfo>() {
            chrome.csrf = s.csrf.clone();
            chrome.user = Some(s.display_name.clone());
        } else if let Some(t) = parts.extensions.get::<crate::session::PreloginToken>() {
            chrome.csrf = t.0.clone();
        }
        if let Some(a) = parts.extensions.get::<Access>() {
            chrome.nav = Nav::of(a);
        }
        Ok(chrome)
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
