//! `/directives`: directives sent down the tree ("Văn bản chỉ đạo", docs/design/operations.md).
//! The list (what the person's units still have to do, what a unit received, what it sent), the
//! form that sends one (`new`), and a directive's page with the receivers' table and the
//! receiving unit's actions (`detail`).

mod detail;
mod files;
mod new;

pub(crate) use new::reach_fields;

use askama::Template;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;

use domain::directives::TaskStatus;
use domain::ids::UnitId;
use storage::access::{Access, Offer};
use storage::{DirectiveView, ReceiptView, ReceivedItem, SentItem};

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::Query;
use crate::format;
use crate::policy::{Policy, Route};
use crate::query::{param, parse_optional_unit, parse_year};
use crate::respond::page;
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/directives", Policy::Staff, list),
        Route::get("/directives/new", Policy::Staff, new::form),
        Route::post("/directives/new", Policy::Staff, new::send),
        Route::get("/directives/{id}", Policy::Staff, detail::show),
        Route::post("/directives/{id}/receipt", Policy::Staff, detail::record),
        Route::post("/directives/{id}/pass-on", Policy::Staff, detail::pass_on),
        Route::post("/directives/{id}/remind", Policy::Staff, detail::remind),
        Route::get("/directives/{id}/receipts.csv", Policy::Staff, detail::csv),
        Route::get("/directives/{id}/receipts.xlsx", Policy::Staff, detail::xlsx),
        Route::post("/directives/{id}/files", Policy::Staff, files::attach_sender),
        Route::post("/directives/{id}/receipts/{unit}/files", Policy::Staff, files::attach_report),
        Route::get("/directives/files/{id}", Policy::Staff, files::download),
    ]
}

/// A unit as people pick and read it: its name and the names above it.
pub(crate) fn unit_label(s: &Access, unit: UnitId, fallback: &str) -> String {
    s.picker(Offer::Register).ok().and_then(|p| p.peek(unit)).map_or_else(|| fallback.to_owned(), |c| crate::picker::label(&c))
}

/// The badge class of a status (the worklists' colours: late in red, opened or not in grey).
pub(crate) fn status_class(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Late => "overdue",
        TaskStatus::DoneLate => "warn",
        TaskStatus::Done => "ok",
        TaskStatus::InProgress => "soon",
        TaskStatus::Opened | TaskStatus::NotOpened => "later",
    }
}

/// The value of a posted field (empty when absent).
fn get<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// Every value of a field posted several times (checkboxes).
fn all(fields: &[(String, String)], name: &str) -> Vec<String> {
    fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
}

fn directive_href(id: i64) -> String {
    format!("/directives/{id}")
}

/// "15-KH/TU · Kế hoạch".
fn heading(d: &DirectiveView) -> String {
    format!("{} · {}", d.number, d.kind_label)
}

fn due_text(due: Option<NaiveDate>) -> String {
    due.map_or_else(|| "Để biết".to_owned(), format::date)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListParams {
    /// `den` (received, the default) or `di` (sent).
    r#box: String,
    unit: String,
    year: String,
}

/// A received directive as a row.
struct ReceivedRow {
    href: String,
    heading: String,
    title: String,
    sender: String,
    unit: String,
    sent_on: String,
    due: String,
    status: &'static str,
    class: &'static str,
    reminded: String,
}

/// A sent directive as a row.
struct SentRow {
    href: String,
    heading: String,
    title: String,
    sent_on: String,
    due: String,
    done: String,
    late: u32,
    not_opened: u32,
}

#[derive(Template)]
#[template(path = "directives.html")]
struct ListPage {
    chrome: Chrome,
    to_do: Vec<ReceivedRow>,
    sent_box: bool,
    unit_value: String,
    unit_name: String,
    year: i32,
    received_href: String,
    sent_href: String,
    received: Vec<ReceivedRow>,
    sent: Vec<SentRow>,
    may_send: bool,
    today: String,
}

fn received_row(s: &Access, i: &ReceivedItem, with_unit: bool) -> ReceivedRow {
    received_row_of(s, &i.directive, &i.receipt, with_unit)
}

fn received_row_of(s: &Access, d: &DirectiveView, r: &ReceiptView, with_unit: bool) -> ReceivedRow {
    ReceivedRow {
        href: directive_href(d.id),
        heading: heading(d),
        title: d.title.clone(),
        sender: d.sender_name.clone(),
        unit: if with_unit { unit_label(s, r.unit, &r.unit_name) } else { String::new() },
        sent_on: format::date(d.sent_on),
        due: due_text(r.due_on),
        status: r.status.label(),
        class: status_class(r.status),
        reminded: r.reminded_on.map(|day| format!("Cấp trên đã nhắc ngày {}", format::date(day))).unwrap_or_default(),
    }
}

fn sent_row(i: &SentItem) -> SentRow {
    let count = |status: TaskStatus| i.tally.counts.iter().find(|c| c.status == status).map_or(0, |c| c.count);
    SentRow {
        href: directive_href(i.directive.id),
        heading: heading(&i.directive),
        title: i.directive.title.clone(),
        sent_on: format::date(i.directive.sent_on),
        due: due_text(i.directive.task.as_ref().map(|t| t.due_on)),
        done: if i.directive.task.is_some() {
            format!("{}/{} đơn vị", i.tally.done, i.tally.receivers)
        } else {
            format!("{} đơn vị nhận", i.tally.receivers)
        },
        late: count(TaskStatus::Late),
        not_opened: count(TaskStatus::NotOpened),
    }
}

/// `GET /directives?box=den|di&unit=&year=`: what the person's units still have to do, and the
/// directives a unit received or sent in a year.
async fn list(s: Caller, chrome: Chrome, Query(p): Query<ListParams>) -> Result<Response, AppError> {
    let desk = s.directives()?;
    let today = s.today();
    let year = param("year", parse_year(&p.year, today))?;
    let sent_box = p.r#box == "di";
    let own = if sent_box { desk.sends_for().first() } else { desk.acts_for().first() }.copied();
    let own = own.or_else(|| s.principal().grants.iter().find_map(|g| g.unit));
    let unit = param("unit", parse_optional_unit(&p.unit))?.or(own);
    let to_do: Vec<ReceivedRow> =
        if sent_box { Vec::new() } else { desk.to_do().await?.iter().map(|i| received_row(&s, i, true)).collect() };
    let (mut received, mut sent) = (Vec::new(), Vec::new());
    if let Some(u) = unit {
        if sent_box {
            sent = desk.sent(u, year).await?.iter().map(sent_row).collect();
        } else {
            received = desk.received(u, year).await?.iter().map(|i| received_row(&s, i, false)).collect();
        }
    }
    let unit_value = unit.map(|u| u.to_string()).unwrap_or_default();
    let unit_name = unit.map(|u| unit_label(&s, u, "")).unwrap_or_default();
    let tab = |code: &str| format::href("/directives", &[("box", code), ("unit", &unit_value), ("year", &year.to_string())]);
    page(&ListPage {
        chrome: chrome.titled("Văn bản chỉ đạo"),
        to_do,
        sent_box,
        received_href: tab("den"),
        sent_href: tab("di"),
        unit_value,
        unit_name,
        year,
        received,
        sent,
        may_send: !desk.sends_for().is_empty(),
        today: format::date(today),
    })
}
