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

use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::extract::Query;
use crate::policy::{Policy, Route};
use crate::session::Caller;

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

/// A link with its text.
#[derive(Debug, Clone)]
pub struct Link {
    pub href: String,
    pub label: String,
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
