//! `/inbox`: the person's notices ("Thông báo", docs/design/operations.md "Notifications") —
//! newest first, unread ones marked, thirty to a page; opening one marks it read and leads to
//! the page it is about; one button marks every notice shown read.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use storage::NotificationView;
use storage::access::Access;

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, Query};
use crate::format;
use crate::policy::{Policy, Route};
use crate::respond::{page, see_other};
use crate::session::{AppState, Caller};

/// Notices on one page.
const PAGE: usize = 30;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/inbox", Policy::LoggedIn, list),
        Route::get("/inbox/{id}", Policy::LoggedIn, open),
        Route::post("/inbox/read", Policy::LoggedIn, mark_read),
    ]
}

struct Item {
    /// Where opening it leads (empty: to nothing this person may open; the notice says it all).
    href: String,
    kind: String,
    title: String,
    body: String,
    at: String,
    unread: bool,
}

/// The route a notice's page belongs to, for the policy check (`crate::policy::may_open`).
fn pattern_of(link: &str) -> Option<&'static str> {
    let (prefix, pattern) = [
        ("/directives/", "/directives/{id}"),
        ("/meetings/", "/meetings/{id}"),
        ("/documents/", "/documents/{id}"),
        ("/feedback/", "/feedback/{id}"),
    ]
    .into_iter()
    .find(|(prefix, _)| link.starts_with(prefix))?;
    link[prefix.len()..].parse::<i64>().ok().map(|_| pattern)
}

/// Whether this person may open the page a notice is about (a member told of a meeting reads it
/// in the notice; the meeting's page is the staff's).
async fn may_follow(s: &Access, link: &str) -> bool {
    match pattern_of(link) {
        Some(pattern) => crate::policy::may_open(s, pattern, None).await,
        None => false,
    }
}

async fn item(s: &Access, n: &NotificationView) -> Item {
    Item {
        href: if may_follow(s, &n.link).await { format!("/inbox/{}", n.id) } else { String::new() },
        kind: n.kind_label.clone(),
        title: n.title.clone(),
        body: n.body.clone(),
        at: format::instant(n.created_at),
        unread: n.read_at.is_none(),
    }
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    chrome: Chrome,
    items: Vec<Item>,
    unread: i64,
    unread_only: bool,
    /// The newest notice shown: "mark read" covers it and everything older.
    upto: Option<i64>,
    older: Option<String>,
    /// The filter links keep the other filter's value.
    all_href: String,
    unread_href: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListParams {
    /// `1`: unread only.
    unread: String,
    /// The id older notices start before.
    before: String,
}

/// `GET /inbox`.
async fn list(s: Caller, chrome: Chrome, Query(p): Query<ListParams>) -> Result<Response, AppError> {
    let unread_only = p.unread == "1";
    let before = match p.before.trim() {
        "" => None,
        t => Some(t.parse::<i64>().map_err(|_| AppError::bad_request("Tham số “before” phải là một số."))?),
    };
    let inbox = s.inbox().page(before, unread_only, PAGE).await?;
    let filter = if unread_only { "unread=1&" } else { "" };
    let view = InboxPage {
        chrome: chrome.titled("Thông báo"),
        upto: inbox.items.iter().map(|n| n.id).max(),
        items: {
            let mut items = Vec::with_capacity(inbox.items.len());
            for n in &inbox.items {
                items.push(item(&s, n).await);
            }
            items
        },
        unread: inbox.unread,
        unread_only,
        older: inbox.next_before.map(|b| format!("/inbox?{filter}before={b}")),
        all_href: "/inbox".to_owned(),
        unread_href: "/inbox?unread=1".to_owned(),
    };
    page(&view)
}

/// `GET /inbox/{id}`: marks the notice read and goes to its page.
async fn open(State(state): State<AppState>, s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    // The handbook home counts the unread notices.
    state.pages.forget(s.principal().account_id);
    let n = s.inbox().open(id).await?;
    // Only to a page of this site this person may open; otherwise the notice was all there is.
    let to = if may_follow(&s, &n.link).await { n.link } else { "/inbox".to_owned() };
    Ok(see_other(&to))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReadForm {
    upto: String,
    back: String,
}

/// `POST /inbox/read`: every notice up to the newest shown, read.
async fn mark_read(State(state): State<AppState>, s: Caller, Form(f): Form<ReadForm>) -> Result<Response, AppError> {
    state.pages.forget(s.principal().account_id);
    let upto = f.upto.trim().parse::<i64>().map_err(|_| AppError::bad_request("Thiếu thông báo mới nhất đã xem."))?;
    s.inbox().mark_read(upto).await?;
    Ok(see_other(if f.back == "unread" { "/inbox?unread=1" } else { "/inbox" }))
}
