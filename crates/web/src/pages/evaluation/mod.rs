//! Quality evaluation rounds (domain::evaluation, docs/design/evaluation.md).
//! `/units/{id}/evaluation` lists the rounds covering a unit, with the form that opens one for
//! whoever decides for it; `/units/{id}/evaluation/{round}` is a round under the unit: the counts
//! by level with the shares committees report, the units below (each opening its own sheet), the
//! members with the inputs beside them (months absent, the residence's comment) and each step,
//! the organizations, the forms of whoever takes a step, the close, and the `.xlsx`;
//! `/handbook/evaluation` the member's own evaluations and self-assessment.

mod handbook;
mod sheet;
mod workbook;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;

use domain::access::Capability;
use domain::evaluation::{Criteria, Level, Period, Rating, RoundPlan, Step};
use domain::ids::UnitId;
use storage::RoundRow;

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId};
use crate::forms;
use crate::pages::directives::unit_label;
use crate::policy::{Policy, Route};
use crate::respond::{page, render, see_other};
use crate::session::Caller;
use handbook::{mine, self_assess};
use sheet::{close, sheet, step};
use workbook::workbook;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![
        Route::get("/units/{id}/evaluation", read, rounds),
        Route::post("/units/{id}/evaluation", read, open),
        Route::get("/units/{id}/evaluation/{round}", read, sheet),
        Route::get("/units/{id}/evaluation/{round}/report.xlsx", read, workbook),
        Route::post("/units/{id}/evaluation/{round}/steps", read, step),
        Route::post("/units/{id}/evaluation/{round}/close", read, close),
        Route::get("/handbook/evaluation", Policy::LoggedIn, mine),
        Route::post("/handbook/evaluation", Policy::LoggedIn, self_assess),
    ]
}

fn get<'a>(f: &'a [(String, String)], name: &str) -> &'a str {
    f.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// Every value of a repeated field, in the form's order.
fn all(f: &[(String, String)], name: &str) -> Vec<String> {
    f.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
}

fn levels() -> Vec<(&'static str, &'static str)> {
    forms::codes(Level::ALL, Level::code, Level::label)
}

fn rating_words(r: Option<Rating>) -> String {
    match r {
        None => String::new(),
        Some(Rating { level, score: Some(s) }) => format!("{} ({s} điểm)", level.label()),
        Some(Rating { level, score: None }) => level.label().to_owned(),
    }
}

fn round_words(r: &RoundRow) -> String {
    format!(
        "Đợt {} · {} · mở ngày {}{}{}",
        r.period.label(),
        r.regulation.label(),
        crate::format::date(r.opened_on),
        r.due_on.map(|d| format!(" · hạn hoàn thành {}", crate::format::date(d))).unwrap_or_default(),
        r.closed_on.map(|d| format!(" · kết thúc ngày {}", crate::format::date(d))).unwrap_or_default()
    )
}

/// The opening form's values: as typed after a refusal, else the defaults (this year, 20 %,
/// the year's last day).
struct OpenTyped {
    period: String,
    quota_percent: String,
    due_on: String,
    /// The committee's own criteria list, "name | points" a line (none: the total only).
    criteria: String,
}

impl OpenTyped {
    fn defaults(today: chrono::NaiveDate) -> OpenTyped {
        let last = chrono::NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
        OpenTyped {
            period: today.year().to_string(),
            quota_percent: domain::evaluation::DEFAULT_QUOTA_PERCENT.to_string(),
            due_on: crate::format::date(last),
            criteria: String::new(),
        }
    }

    fn from_form(f: &[(String, String)]) -> OpenTyped {
        OpenTyped {
            period: get(f, "period").to_owned(),
            quota_percent: get(f, "quota_percent").to_owned(),
            due_on: get(f, "due_on").to_owned(),
            criteria: get(f, "criteria").to_owned(),
        }
    }
}

struct RoundLine {
    href: String,
    words: String,
    open: bool,
}

#[derive(Template)]
#[template(path = "evaluation_rounds.html")]
struct RoundsPage {
    chrome: Chrome,
    unit: UnitId,
    unit_label: String,
    rounds: Vec<RoundLine>,
    /// Open rounds the units below opened, with what they wait for.
    below: Vec<crate::pages::cycle_due::DueLine>,
    /// The opening form, for whoever decides for the unit.
    may_open: bool,
    this_year: i32,
    typed: OpenTyped,
    errors: Vec<String>,
}

async fn rounds_page(s: &Caller, chrome: Chrome, unit: UnitId, typed: OpenTyped, errors: Vec<String>) -> Result<RoundsPage, AppError> {
    let desk = s.evaluation()?;
    let rounds = desk
        .rounds(unit)
        .await?
        .iter()
        .map(|r| RoundLine { href: format!("/units/{unit}/evaluation/{}", r.id), words: round_words(r), open: r.closed_on.is_none() })
        .collect();
    let below = crate::pages::cycle_due::rounds_below(s, unit, desk.due(unit).await?);
    let label = unit_label(s, unit, "");
    Ok(RoundsPage {
        chrome: chrome.titled(format!("Kiểm điểm, đánh giá, xếp loại: {label}")),
        unit,
        unit_label: label,
        rounds,
        below,
        may_open: desk.may_open(unit).await,
        this_year: s.today().year(),
        typed,
        errors,
    })
}

/// `GET /units/{id}/evaluation`.
async fn rounds(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>) -> Result<Response, AppError> {
    page(&rounds_page(&s, chrome, unit, OpenTyped::defaults(s.today()), Vec::new()).await?)
}

/// `POST /units/{id}/evaluation`: opens a round for the unit's subtree.
async fn open(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>, Form(f): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let desk = s.evaluation()?;
    if !desk.may_open(unit).await {
        return Err(if desk.takes(Step::Decision) { AppError::not_found() } else { AppError::forbidden() });
    }
    let mut e = domain::ValidationErrors::default();
    let period = e.take("period", Period::parse(get(&f, "period")));
    let quota = match get(&f, "quota_percent").trim() {
        "" => Some(domain::evaluation::DEFAULT_QUOTA_PERCENT),
        q => {
            let q = q.parse::<u32>().ok();
            if q.is_none() {
                e.push("quota_percent", "invalid", "Tỷ lệ xuất sắc là một số từ 1 đến 100.");
            }
            q
        }
    };
    let due_on = e.take("due_on", domain::dates::parse_date(get(&f, "due_on")));
    let criteria = match Criteria::parse_lines(get(&f, "criteria")) {
        Ok(c) => c,
        Err(list) => {
            e.errors.extend(list.errors);
            None
        }
    };
    let result = match (period, quota, due_on) {
        (Some(period), Some(quota_percent), Some(due_on)) if e.errors.is_empty() => {
            desk.open(unit, &RoundPlan { period, quota_percent, due_on, criteria }).await.map_err(forms::invalid)
        }
        _ => Err(Ok(e)),
    };
    match result {
        Ok(id) => Ok(see_other(&format!("/units/{unit}/evaluation/{id}"))),
        Err(e) => {
            let errors = forms::messages(e?);
            render(StatusCode::UNPROCESSABLE_ENTITY, &rounds_page(&s, chrome, unit, OpenTyped::from_form(&f), errors).await?)
        }
    }
}

/// A criterion of the round's own list, as a form shows it.
struct CriterionField {
    /// Its place in the list (the form's inputs keep the order).
    index: usize,
    name: String,
    max_points: u8,
}

fn criterion_fields(criteria: Option<&Criteria>) -> Vec<CriterionField> {
    criteria
        .map(|c| {
            c.items()
                .iter()
                .enumerate()
                .map(|(index, c)| CriterionField { index, name: c.name.clone(), max_points: c.max_points })
                .collect()
        })
        .unwrap_or_default()
}

/// "Đề xuất: 18 · 17 · 50" for each step that gave points.
fn points_words(points: &[storage::StepPoints]) -> String {
    points
        .iter()
        .map(|p| {
            let each: Vec<String> = p.points.iter().map(u8::to_string).collect();
            format!("{}: {}", p.step.label(), each.join(" · "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}
