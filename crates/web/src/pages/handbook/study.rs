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

/// A line of the recognition file: a paper or a step, done on a day or still to come.
struct FileLine {
    label: &'static str,
    from: &'static str,
    done_on: Option<String>,
}

/// The probationary member's recognition file (rules.md §3).
struct Recognition {
    probation_ends: String,
    proposal_due: String,
    awaiting_decision: bool,
    missing: usize,
    papers: Vec<FileLine>,
    steps: Vec<FileLine>,
}

impl Recognition {
    fn of(f: domain::pipeline::RecognitionFile) -> Self {
        let line = |i: &domain::pipeline::FileItem| FileLine { label: i.kind.label(), from: i.from, done_on: i.done_on.map(format::date) };
        Recognition {
            probation_ends: format::date(f.probation_ends),
            proposal_due: format::date(f.proposal_due),
            awaiting_decision: f.stage == domain::pipeline::Stage::AwaitingRecognition,
            missing: f.missing().count(),
            papers: f.papers.iter().map(line).collect(),
            steps: f.steps.iter().map(line).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "handbook_study.html")]
struct MinePage {
    chrome: Chrome,
    recognition: Option<Recognition>,
    rows: Vec<Row>,
    read: usize,
}

/// `GET /handbook/study`: the member's study material and, in probation, what the recognition
/// file holds and still needs.
async fn mine(s: Caller, chrome: Chrome) -> Result<Response, AppError> {
    let desk = s.handbook()?;
    let recognition = desk.recognition_file().await?.map(Recognition::of);
    let docs = desk.study().await?;
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
    page(&MinePage { chrome: chrome.titled("Học tập"), recognition, rows, read })
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
