//! `/handbook/documents`: the documents for the member (the Charter, resolutions, study topics the
//! committees sent to their chi bộ and role), searched with or without diacritics, with what they
//! read and bookmarked, each savable for reading offline.

use askama::Template;
use axum::response::Response;
use serde::Deserialize;

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, Query};
use crate::format;
use crate::policy::{Policy, Route};
use crate::respond::{page, see_other};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/handbook/documents", Policy::LoggedIn, list),
        Route::post("/handbook/documents/{id}/bookmark", Policy::LoggedIn, bookmark),
    ]
}

struct Row {
    id: i64,
    href: String,
    title: String,
    meta: String,
    read: bool,
    bookmarked: bool,
    /// The document's page and its files, for the offline copy.
    offline: String,
}

#[derive(Template)]
#[template(path = "handbook_documents.html")]
struct ListPage {
    chrome: Chrome,
    q: String,
    bookmarked_only: bool,
    rows: Vec<Row>,
    unread: usize,
    back: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    q: String,
    /// `1`: only the bookmarked documents.
    bookmarked: String,
}

/// `GET /handbook/documents?q=&bookmarked=1`.
async fn list(s: Caller, chrome: Chrome, Query(lq): Query<ListQuery>) -> Result<Response, AppError> {
    let desk = s.handbook()?;
    let bookmarked_only = lq.bookmarked == "1";
    let all = desk.documents(lq.q.trim()).await?;
    let unread = all.iter().filter(|d| !d.read).count();
    let rows = all
        .into_iter()
        .filter(|d| !bookmarked_only || d.bookmarked)
        .map(|d| {
            let doc = &d.document;
            let mut offline = vec![format!("/documents/{}", doc.id)];
            offline.extend(doc.attachments.iter().map(|a| format!("/documents/attachments/{}", a.id)));
            let number = doc.number.as_deref().map(|n| format!("số {n}, ")).unwrap_or_default();
            Row {
                id: doc.id,
                href: format!("/documents/{}", doc.id),
                title: doc.title.clone(),
                meta: format!("{} {}ngày {} — {}", doc.kind_label, number, format::date(doc.issued_on), doc.issuer),
                read: d.read,
                bookmarked: d.bookmarked,
                offline: offline.join(" "),
            }
        })
        .collect();
    let back = format::href("/handbook/documents", &[("q", lq.q.trim()), ("bookmarked", &lq.bookmarked)]);
    page(&ListPage { chrome: chrome.titled("Tài liệu của tôi"), q: lq.q.trim().to_owned(), bookmarked_only, rows, unread, back })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BookmarkForm {
    /// `1` to bookmark, anything else to forget.
    on: String,
    back: String,
}

/// `POST /handbook/documents/{id}/bookmark` (on, back).
async fn bookmark(s: Caller, PathId(id): PathId<i64>, Form(f): Form<BookmarkForm>) -> Result<Response, AppError> {
    s.handbook()?.bookmark(id, f.on == "1").await?;
    let back = if f.back.starts_with("/handbook/documents") { f.back } else { "/handbook/documents".to_owned() };
    Ok(see_other(&back))
}
