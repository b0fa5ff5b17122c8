//! Server-rendered pages (askama templates under `templates/`). Every page is complete HTML that
//! works without JavaScript; filters live in the query string.

pub mod account;
pub mod admin;
pub mod admission;
pub mod calendar;
pub mod change_requests;
pub mod committees;
pub(crate) mod cycle_due;
pub mod directives;
pub mod documents;
pub mod dues;
pub mod enterprises;
pub mod evaluation;
pub mod events;
pub mod export;
pub mod feedback;
pub mod handbook;
pub mod handbook_accounts;
pub mod home;
pub mod import;
pub mod inbox;
pub mod meetings;
pub mod member_tasks;
pub mod members;
pub mod quality;
pub mod reports;
pub mod residence;
pub mod routines;
pub mod strike_off;
pub mod transfers;
pub mod unit_ops;
pub mod units;
pub mod weak;

use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::extract::Query;
use crate::policy::{Policy, Route};

/// The page routes.
pub fn routes() -> Vec<Route> {
    let mut routes = vec![Route::get("/", Policy::LoggedIn, home::home), Route::get("/prefs/text", Policy::Public, text_size)];
    routes.extend(units::routes());
    routes.extend(unit_ops::routes());
    routes.extend(members::routes());
    routes.extend(reports::routes());
    routes.extend(export::routes());
    routes.extend(events::routes());
    routes.extend(account::routes());
    routes.extend(admin::routes());
    routes.extend(admission::routes());
    routes.extend(calendar::routes());
    routes.extend(directives::routes());
    routes.extend(meetings::routes());
    routes.extend(weak::routes());
    routes.extend(feedback::routes());
    routes.extend(committees::routes());
    routes.extend(change_requests::routes());
    routes.extend(transfers::routes());
    routes.extend(strike_off::routes());
    routes.extend(handbook_accounts::routes());
    routes.extend(handbook::routes());
    routes.extend(member_tasks::routes());
    routes.extend(dues::routes());
    routes.extend(residence::routes());
    routes.extend(evaluation::routes());
    routes.extend(enterprises::routes());
    routes.extend(routines::routes());
    routes.extend(inbox::routes());
    routes.extend(documents::routes());
    routes.extend(quality::routes());
    routes.extend(import::routes());
    routes
}

/// A link with its text (an empty `href`: the text alone, nothing to follow).
#[derive(Debug, Clone)]
pub struct Link {
    pub href: String,
    pub label: String,
}

impl Link {
    /// A link to `href` (a page of `pattern`, whose `{id}` is `target`) when this person may
    /// open it (`policy::may_open`), otherwise the text alone.
    pub async fn if_allowed(
        access: &storage::access::Access,
        pattern: &str,
        target: Option<storage::ScopeTarget>,
        href: String,
        label: String,
    ) -> Link {
        let href = if crate::policy::may_open(access, pattern, target).await { href } else { String::new() };
        Link { href, label }
    }

    /// A unit's page (`/units/{id}` and `suffix`), or its name alone outside this person's scope.
    pub async fn unit(access: &storage::access::Access, id: domain::ids::UnitId, suffix: &str, label: String) -> Link {
        Link::if_allowed(access, "/units/{id}", Some(storage::ScopeTarget::Unit(id)), format!("/units/{id}{suffix}"), label).await
    }

    /// Each of `links` (units' pages, in order) checked with [`Link::unit`].
    pub async fn units(access: &storage::access::Access, links: Vec<(domain::ids::UnitId, String, String)>) -> Vec<Link> {
        let mut out = Vec::new();
        for (id, suffix, label) in links {
            out.push(Link::unit(access, id, &suffix, label).await);
        }
        out
    }
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
