//! `/meetings/report?unit=&from=&to=`: meetings held and attendance per chi bộ under a unit over
//! a period, each chi bộ leading to its meetings (and each meeting to its members); also as CSV.
//! Below, the committees' own meetings (plenaries, executive and standing committees), each
//! committee leading to its meetings.

use askama::Template;
use axum::response::Response;
use serde::Deserialize;

use storage::{BodyReportRow, MeetingReportRow};

use crate::chrome::Chrome;
use crate::csv::{Csv, Value};
use crate::error::AppError;
use crate::extract::Query;
use crate::format;
use crate::pages::directives::unit_label;
use crate::query::{param, parse_query_date};
use crate::respond::page;
use crate::session::Caller;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ReportParams {
    unit: String,
    from: String,
    to: String,
    /// `csv` for the download.
    format: String,
}

struct Row {
    name: String,
    href: String,
    held: u32,
    regular: u32,
    thematic: u32,
    extraordinary: u32,
    expected: u32,
    present: u32,
    rate: String,
}

/// A committee's own meetings, as a row.
struct BodyRow {
    name: String,
    href: String,
    held: u32,
    plenary: u32,
    committee: u32,
    standing: u32,
    extraordinary: u32,
    expected: u32,
    present: u32,
    rate: String,
}

fn body_row(r: &BodyReportRow, year: &str) -> BodyRow {
    BodyRow {
        name: r.unit_name.clone(),
        href: format::href("/meetings", &[("unit", &r.unit.to_string()), ("year", year)]),
        held: r.held,
        plenary: r.plenary,
        committee: r.committee,
        standing: r.standing,
        extraordinary: r.extraordinary,
        expected: r.attendance.expected,
        present: r.attendance.present,
        rate: format::percent(r.attendance.present as usize, r.attendance.expected as usize),
    }
}

#[derive(Template)]
#[template(path = "meetings_report.html")]
struct ReportPage {
    chrome: Chrome,
    unit_value: String,
    unit_name: String,
    from: String,
    to: String,
    rows: Vec<Row>,
    total: Row,
    bodies: Vec<BodyRow>,
    csv_href: String,
}

fn row(r: &MeetingReportRow, href: String) -> Row {
    Row {
        name: r.unit_name.clone(),
        href,
        held: r.held,
        regular: r.regular,
        thematic: r.thematic,
        extraordinary: r.extraordinary,
        expected: r.attendance.expected,
        present: r.attendance.present,
        rate: format::percent(r.attendance.present as usize, r.attendance.expected as usize),
    }
}

/// `GET /meetings/report`.
pub(super) async fn show(s: Caller, chrome: Chrome, Query(p): Query<ReportParams>) -> Result<Response, AppError> {
    let desk = s.meetings()?;
    let today = s.today();
    let unit = super::unit_or_own(&s, &p.unit)?.ok_or_else(|| AppError::bad_request("Chọn tổ chức."))?;
    let from = param("from", parse_query_date(&p.from))?.unwrap_or_else(|| super::year_bounds(chrono::Datelike::year(&today)).0);
    let to = param("to", parse_query_date(&p.to))?.unwrap_or(today);
    let report = desk.report(unit, from, to).await?;
    let year = chrono::Datelike::year(&to).to_string();
    if p.format == "csv" {
        let mut csv =
            Csv::new(&["unit_id", "unit_name", "held", "regular", "thematic", "extraordinary", "expected", "present", "excused", "absent"]);
        for r in report.rows.iter().chain(std::iter::once(&report.total)) {
            let id = r.unit.to_string();
            csv.row([
                Value::Raw(&id),
                Value::Text(&r.unit_name),
                Value::Count(r.held.into()),
                Value::Count(r.regular.into()),
                Value::Count(r.thematic.into()),
                Value::Count(r.extraordinary.into()),
                Value::Count(r.attendance.expected.into()),
                Value::Count(r.attendance.present.into()),
                Value::Count(r.attendance.excused.into()),
                Value::Count(r.attendance.absent.into()),
            ]);
        }
        return Ok(csv.download("sinh-hoat-chi-bo.csv"));
    }
    let (from_text, to_text) = (format::date(from), format::date(to));
    let rows = report.rows.iter().map(|r| row(r, format::href("/meetings", &[("unit", &r.unit.to_string()), ("year", &year)]))).collect();
    page(&ReportPage {
        chrome: chrome.titled("Báo cáo sinh hoạt chi bộ"),
        unit_value: unit.to_string(),
        unit_name: unit_label(&s, unit, &report.root_name),
        csv_href: format::href(
            "/meetings/report",
            &[("unit", &unit.to_string()), ("from", &from_text), ("to", &to_text), ("format", "csv")],
        ),
        from: from_text,
        to: to_text,
        rows,
        total: row(&report.total, String::new()),
        bodies: report.bodies.iter().map(|b| body_row(b, &year)).collect(),
    })
}
