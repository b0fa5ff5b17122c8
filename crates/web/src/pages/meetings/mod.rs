//! `/meetings`: chi bộ meetings ("Sinh hoạt chi bộ", rules.md §9, docs/design/operations.md). The
//! list of a unit's meetings in a year with the alerts of the chi bộ under it (`list`), the form
//! that schedules or changes a meeting (`form`), a meeting's page where its attendance,
//! resolutions and minutes are recorded (`detail`), and the report of meetings held and
//! attendance per chi bộ over a period (`report`).

mod detail;
mod form;
mod report;

use askama::Template;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;

use domain::ids::UnitId;
use storage::MeetingSummary;
use storage::access::Access;

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::Query;
use crate::format;
use crate::pages::Link;
use crate::pages::directives::unit_label;
use crate::policy::{Policy, Route};
use crate::query::{param, parse_optional_unit, parse_year};
use crate::respond::page;
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/meetings", Policy::Staff, list),
        Route::get("/meetings/report", Policy::Staff, report::show),
        Route::get("/meetings/new", Policy::Staff, form::new_form),
        Route::post("/meetings/new", Policy::Staff, form::create),
        Route::get("/meetings/{id}", Policy::Staff, detail::show),
        Route::get("/meetings/{id}/edit", Policy::Staff, form::edit_form),
        Route::post("/meetings/{id}/edit", Policy::Staff, form::update),
        Route::post("/meetings/{id}/attendance", Policy::Staff, detail::attendance),
        Route::post("/meetings/{id}/resolutions", Policy::Staff, detail::resolution),
        Route::post("/meetings/{id}/minutes", Policy::Staff, detail::minutes),
        Route::post("/meetings/{id}/share-minutes", Policy::Staff, detail::share_minutes),
        Route::post("/meetings/{id}/documents", Policy::Staff, detail::add_document),
        Route::get("/meetings/documents/{id}", Policy::Staff, detail::download_document),
    ]
}

/// The value of a posted field (empty when absent).
fn get<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

fn meeting_href(id: i64) -> String {
    format!("/meetings/{id}")
}

/// The unit a page is about: the one asked, else the person's first grant's.
fn unit_or_own(s: &Access, raw: &str) -> Result<Option<UnitId>, AppError> {
    Ok(param("unit", parse_optional_unit(raw))?.or_else(|| s.principal().grants.iter().find_map(|g| g.unit)))
}

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN), NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListParams {
    unit: String,
    year: String,
}

/// A meeting as a row.
struct MeetingRow {
    href: String,
    kind: String,
    held_on: String,
    place: String,
    state: &'static str,
    class: &'static str,
}

fn meeting_row(m: &MeetingSummary) -> MeetingRow {
    let (state, class) = match (m.attendance_recorded, m.minutes_locked) {
        (true, true) => ("Đã họp, biên bản đã ký", "ok"),
        (true, false) => ("Đã họp, chưa ký biên bản", "soon"),
        (false, _) => ("Chưa ghi kết quả", "later"),
    };
    MeetingRow {
        href: meeting_href(m.id),
        kind: m.kind_label.clone(),
        held_on: format!("{} lúc {}", format::date(m.held_on), m.starts_at),
        place: m.place.clone(),
        state,
        class,
    }
}

/// A chi bộ that missed meetings, as a row.
struct MissedRow {
    unit: Link,
    months: String,
    quarters: String,
}

/// A grassroots party committee without its plenary in a half-year.
struct PlenaryRow {
    unit: Link,
    halves: String,
}

/// A member absent without reason three months of the year.
struct AbsentRow {
    member: Link,
    unit: String,
    months: String,
}

#[derive(Template)]
#[template(path = "meetings.html")]
struct ListPage {
    chrome: Chrome,
    unit_value: String,
    unit_name: String,
    year: i32,
    /// The unit holds meetings: a chi bộ, or a grassroots party committee (its plenaries).
    holds_meetings: bool,
    /// "Các buổi sinh hoạt" (a chi bộ) or "Các hội nghị" (a committee).
    meetings_heading: &'static str,
    /// The unit's committee, whose seats are the roll of its committee's meetings.
    committee_href: Option<String>,
    /// "Ghi buổi sinh hoạt mới" (a chi bộ) or "Ghi hội nghị mới" (a committee).
    new_label: &'static str,
    /// "Sinh hoạt chi bộ", or "Hội nghị" for a committee.
    title: &'static str,
    meetings: Vec<MeetingRow>,
    new_href: Option<String>,
    report_href: String,
    missed: Vec<MissedRow>,
    plenaries: Vec<PlenaryRow>,
    absent: Vec<AbsentRow>,
    today: String,
}

/// `GET /meetings?unit=&year=`: a chi bộ's meetings in the year, and the alerts of the chi bộ
/// under the unit.
async fn list(s: Caller, chrome: Chrome, Query(p): Query<ListParams>) -> Result<Response, AppError> {
    let desk = s.meetings()?;
    let today = s.today();
    let year = param("year", parse_year(&p.year, today))?;
    let unit = unit_or_own(&s, &p.unit)?;
    let mut view = ListPage {
        chrome: chrome.titled("Sinh hoạt chi bộ"),
        unit_value: unit.map(|u| u.to_string()).unwrap_or_default(),
        unit_name: String::new(),
        year,
        holds_meetings: false,
        meetings_heading: "Các buổi sinh hoạt",
        committee_href: None,
        new_label: "Ghi buổi sinh hoạt mới",
        title: "Sinh hoạt chi bộ",
        meetings: Vec::new(),
        new_href: None,
        report_href: String::new(),
        missed: Vec::new(),
        plenaries: Vec::new(),
        absent: Vec::new(),
        today: format::date(today),
    };
    if let Some(u) = unit {
        desk.require_read(u).await?;
        view.unit_name = unit_label(&s, u, "");
        let (first, last) = year_bounds(year);
        let kind = s.reader()?.unit(u, today).await?.as_of.map(|v| v.kind);
        view.holds_meetings = kind.is_some_and(|k| !domain::meetings::MeetingKind::held_by_unit(k).is_empty());
        if kind.is_some_and(|k| !k.holds_members()) {
            view.meetings_heading = "Các hội nghị";
            view.new_label = "Ghi hội nghị mới";
            view.title = "Hội nghị";
        }
        if kind.is_some_and(domain::committees::has_committee) {
            view.committee_href = Some(format!("/units/{u}/committee"));
        }
        if view.holds_meetings {
            view.meetings = desk.unit_meetings(u, first, last).await?.iter().map(meeting_row).collect();
            if desk.may_record(u).await {
                view.new_href = Some(format::href("/meetings/new", &[("unit", &u.to_string())]));
            }
        }
        let alerts = desk.alerts(u, year).await?;
        for m in &alerts.missed {
            view.missed.push(MissedRow {
                unit: Link::if_allowed(
                    &s,
                    "/meetings",
                    None,
                    format::href("/meetings", &[("unit", &m.unit.to_string()), ("year", &year.to_string())]),
                    m.unit_name.clone(),
                )
                .await,
                months: m.months.join(", "),
                quarters: m.quarters.join(", "),
            });
        }
        for p in &alerts.plenaries {
            view.plenaries.push(PlenaryRow {
                unit: Link::if_allowed(
                    &s,
                    "/meetings",
                    None,
                    format::href("/meetings", &[("unit", &p.unit.to_string()), ("year", &year.to_string())]),
                    p.unit_name.clone(),
                )
                .await,
                halves: p.halves.join(", "),
            });
        }
        for a in &alerts.absent {
            view.absent.push(AbsentRow {
                member: Link::if_allowed(
                    &s,
                    "/members/{id}",
                    Some(storage::ScopeTarget::Member(a.member)),
                    format!("/members/{}", a.member),
                    a.full_name.clone(),
                )
                .await,
                unit: a.unit_name.clone(),
                months: a.months.join(", "),
            });
        }
        let year_text = year.to_string();
        let (from, to) = (format!("01/01/{year_text}"), format!("31/12/{year_text}"));
        view.report_href = format::href("/meetings/report", &[("unit", &u.to_string()), ("from", &from), ("to", &to)]);
    }
    page(&view)
}
