//! `/handbook/meetings`: the member's chi bộ meetings — the coming ones with the answer to the
//! invitation ("I will attend / I can't, because…", until the day of the meeting), the past ones
//! with the member's attendance, the agenda and documents, and the minutes once signed and
//! shared by the chi bộ.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;

use domain::handbook::Reply;
use storage::StoreError;
use storage::access::HandbookDesk;

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, PathIds};
use crate::format;
use crate::forms;
use crate::policy::{Policy, Route};
use crate::respond::{page, render, see_other};
use crate::session::{AppState, Caller};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/handbook/meetings", Policy::LoggedIn, list),
        Route::get("/handbook/meetings/{id}", Policy::LoggedIn, show),
        Route::post("/handbook/meetings/{id}/reply", Policy::LoggedIn, reply),
        Route::get("/handbook/meetings/{id}/documents/{document}", Policy::LoggedIn, download),
    ]
}

/// A meeting as the member sees it: when, where, what, the documents, their answer.
pub(crate) struct MeetingCard {
    pub id: i64,
    pub title: String,
    pub when: String,
    pub place: String,
    pub agenda: String,
    /// (download, name, posted late)
    pub documents: Vec<(String, String, bool)>,
    /// The member's answer in words.
    pub answer: Option<String>,
    pub answer_code: &'static str,
    pub reason: String,
    /// The invitation can still be answered.
    pub open: bool,
    /// The member's attendance once recorded.
    pub presence: Option<String>,
    /// The signed minutes, when the chi bộ shared them.
    pub minutes: Option<String>,
}

pub(crate) async fn card(desk: &HandbookDesk<'_>, id: i64, today: NaiveDate) -> Result<MeetingCard, AppError> {
    let m = desk.meeting(id).await?;
    let mine = desk.replies().await?.into_iter().find(|r| r.meeting == id);
    let presence = if m.attendance_recorded {
        m.attendance.iter().find(|a| a.member == desk.member()).map(|a| a.presence_label.clone())
    } else {
        None
    };
    let minutes = if m.minutes.locked && desk.minutes_shared(id).await? { Some(m.minutes.text.clone()) } else { None };
    let (answer, answer_code, reason) = match mine.as_ref().map(|r| &r.reply) {
        Some(Reply::Attend) => (Some("Bạn đã báo sẽ dự họp.".to_owned()), "attend", String::new()),
        Some(Reply::Absent { reason }) => (Some(format!("Bạn đã xin vắng mặt: {reason}")), "absent", reason.clone()),
        None => (None, "", String::new()),
    };
    Ok(MeetingCard {
        id,
        title: format!("{} — {}", m.kind_label, m.unit_name),
        when: format!("{}, {}", m.starts_at, format::weekday_date(m.held_on)),
        place: m.place.clone(),
        agenda: m.agenda.clone(),
        documents: m
            .documents
            .iter()
            .map(|d| (format!("/handbook/meetings/{id}/documents/{}", d.id), d.name.clone(), !d.in_time))
            .collect(),
        answer,
        answer_code,
        reason,
        open: domain::handbook::check_reply(today, m.held_on, m.attendance_recorded).is_ok()
            && m.attendance.iter().any(|a| a.member == desk.member()),
        presence,
        minutes,
    })
}

struct Row {
    href: String,
    title: String,
    when: String,
    presence: String,
}

#[derive(Template)]
#[template(path = "handbook_meetings.html")]
struct ListPage {
    chrome: Chrome,
    coming: Vec<Row>,
    past: Vec<Row>,
    year: i32,
    attended: usize,
    recorded: usize,
}

/// `GET /handbook/meetings`: this year's past meetings and the coming ones.
async fn list(s: Caller, chrome: Chrome) -> Result<Response, AppError> {
    let desk = s.handbook()?;
    let today = s.today();
    let first = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let all = desk.attendance(first, today + Duration::days(92)).await?;
    let (mut coming, mut past) = (Vec::new(), Vec::new());
    let (mut attended, mut recorded) = (0, 0);
    for (m, presence) in all {
        if let Some(p) = &presence {
            recorded += 1;
            if p.starts_with("Có mặt") {
                attended += 1;
            }
        }
        let row = Row {
            href: format!("/handbook/meetings/{}", m.id),
            title: m.kind_label.clone(),
            when: format!("{}, {}", m.starts_at, format::weekday_date(m.held_on)),
            presence: presence.unwrap_or_default(),
        };
        if m.held_on >= today && !m.attendance_recorded {
            coming.push(row);
        } else {
            past.push(row);
        }
    }
    past.reverse();
    page(&ListPage { chrome: chrome.titled("Sinh hoạt chi bộ"), coming, past, year: today.year(), attended, recorded })
}

#[derive(Template)]
#[template(path = "handbook_meeting.html")]
struct MeetingPage {
    chrome: Chrome,
    m: MeetingCard,
    errors: Vec<String>,
}

/// `GET /handbook/meetings/{id}`.
async fn show(s: Caller, chrome: Chrome, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    let desk = s.handbook()?;
    let m = card(&desk, id, s.today()).await?;
    page(&MeetingPage { chrome: chrome.titled(m.title.clone()), m, errors: Vec::new() })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReplyForm {
    answer: String,
    reason: String,
}

/// `POST /handbook/meetings/{id}/reply` (answer = attend | absent, reason).
async fn reply(
    State(state): State<AppState>,
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Form(f): Form<ReplyForm>,
) -> Result<Response, AppError> {
    let desk = s.handbook()?;
    super::changed(&state, &s);
    let refused = match Reply::parse(&f.answer, &f.reason) {
        Ok(r) => match desk.reply(id, r).await {
            Ok(()) => return Ok(see_other(&format!("/handbook/meetings/{id}"))),
            Err(e) => forms::refusal(e)?,
        },
        Err(e) => forms::refusal(StoreError::Invalid(domain::ValidationErrors { errors: vec![e] }))?,
    };
    let status = refused.status();
    let m = card(&desk, id, s.today()).await?;
    render(status, &MeetingPage { chrome: chrome.titled(m.title.clone()), m, errors: forms::messages(refused.errors()) })
}

/// `GET /handbook/meetings/{id}/documents/{document}`.
async fn download(s: Caller, PathIds(id, document): PathIds<i64, i64>) -> Result<Response, AppError> {
    let (view, bytes) = s.handbook()?.meeting_document(id, document).await?;
    Ok(crate::upload::download(&view.name, bytes))
}
