//! Study (học tập): the documents a committee sends as "Tài liệu học tập" are the study material
//! — the new-member course, the year's topics; nothing here is invented, the committee uploads
//! it. `/handbook/study` is the member's list with what they read; `/units/{id}/study` is a chi
//! bộ's progress, member by member, for whoever reads the chi bộ.

use askama::Template;
use axum::response::Response;

use domain::access::Capability;
use domain::ids::UnitId;

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::PathId;
use crate::format;
use crate::pages::directives::unit_label;
use crate::policy::{Policy, Route};
use crate::respond::page;
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/handbook/study", Policy::LoggedIn, mine),
        Route::get("/units/{id}/study", Policy::Needs(Capability::ReadRegister), unit),
    ]
}

struct Row {
    href: String,
    title: String,
    meta: String,
    read: bool,
}

#[derive(Template)]
#[template(path = "handbook_study.html")]
struct MinePage {
    chrome: Chrome,
    rows: Vec<Row>,
    read: usize,
}

/// `GET /handbook/study`: the member's study material.
async fn mine(s: Caller, chrome: Chrome) -> Result<Response, AppError> {
    let docs = s.handbook()?.study().await?;
    let read = docs.iter().filter(|d| d.read).count();
    let rows = docs
        .into_iter()
        .map(|d| Row {
            href: format!("/documents/{}", d.document.id),
            meta: format!("{} — {}", format::date(d.document.issued_on), d.document.issuer),
            title: d.document.title,
            read: d.read,
        })
        .collect();
    page(&MinePage { chrome: chrome.titled("Học tập"), rows, read })
}

struct MemberRow {
    name: String,
    href: String,
    read: usize,
    done: bool,
}

#[derive(Template)]
#[template(path = "unit_study.html")]
struct UnitPage {
    chrome: Chrome,
    unit: UnitId,
    unit_label: String,
    documents: Vec<(String, String)>,
    members: Vec<MemberRow>,
    total: usize,
    finished: usize,
}

/// `GET /units/{id}/study`: a chi bộ's members and how much of the study material each read.
async fn unit(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>) -> Result<Response, AppError> {
    let progress = s.study_progress(unit).await?;
    let total = progress.documents.len();
    let members: Vec<MemberRow> = progress
        .members
        .iter()
        .map(|m| MemberRow {
            name: m.full_name.clone(),
            href: format!("/members/{}", m.member),
            read: m.read,
            done: total > 0 && m.read >= total,
        })
        .collect();
    let finished = members.iter().filter(|m| m.done).count();
    let label = unit_label(&s, unit, "");
    page(&UnitPage {
        chrome: chrome.titled(format!("Học tập: {label}")),
        unit,
        documents: progress.documents.iter().map(|d| (format!("/documents/{}", d.id), d.title.clone())).collect(),
        unit_label: label,
        members,
        total,
        finished,
    })
}

/// The study page of a chi bộ, for the unit page's links.
pub(crate) fn href(unit: UnitId) -> String {
    format!("/units/{unit}/study")
}
