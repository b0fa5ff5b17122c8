//! `/weak`: grassroots organizations at risk of being weak ("Tổ chức cơ sở đảng yếu kém",
//! docs/design/operations.md): the organizations under a unit with the reasons found for a year,
//! the count consolidated, and each organization's consolidation plan — its measures marked done
//! and its outcome.

use askama::Template;
use axum::response::Response;
use serde::Deserialize;

use domain::ValidationErrors;
use domain::ids::UnitId;
use domain::weak::plan::{Measure, PlanOutcome, parse_measure};
use storage::access::Access;
use storage::{PlanView, StoreError};

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, PathIds, Query};
use crate::format;
use crate::forms::{self, Refusal};
use crate::pages::Link;
use crate::pages::directives::unit_label;
use crate::policy::{Policy, Route};
use crate::query::{param, parse_optional_unit, parse_year};
use crate::respond::{page, render, see_other};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/weak", Policy::Staff, list),
        Route::get("/weak/plans/new", Policy::Staff, new_form),
        Route::post("/weak/plans/new", Policy::Staff, create),
        Route::get("/weak/plans/{id}", Policy::Staff, show),
        Route::post("/weak/plans/{id}/measures", Policy::Staff, add_measure),
        Route::post("/weak/plans/{id}/measures/{seq}/done", Policy::Staff, measure_done),
        Route::post("/weak/plans/{id}/close", Policy::Staff, close),
    ]
}

/// Blank measure lines on the new plan's form.
const MEASURE_LINES: usize = 5;

fn get<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

fn plan_href(id: i64) -> String {
    format!("/weak/plans/{id}")
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListParams {
    unit: String,
    year: String,
}

struct Row {
    unit: Link,
    kind: String,
    findings: Vec<(String, String)>,
    plan: Option<(String, String)>,
    new_plan: Option<String>,
}

#[derive(Template)]
#[template(path = "weak.html")]
struct ListPage {
    chrome: Chrome,
    unit_value: String,
    unit_name: String,
    year: i32,
    today: String,
    organizations: u32,
    at_risk: usize,
    plans_open: u32,
    consolidated: u32,
    thresholds: Vec<String>,
    rows: Vec<Row>,
}

/// `GET /weak?unit=&year=`.
async fn list(s: Caller, chrome: Chrome, Query(p): Query<ListParams>) -> Result<Response, AppError> {
    let desk = s.weak()?;
    let year = param("year", parse_year(&p.year, s.today()))?;
    let unit = param("unit", parse_optional_unit(&p.unit))?.or_else(|| s.principal().grants.iter().find_map(|g| g.unit));
    let mut view = ListPage {
        chrome: chrome.titled("Tổ chức cơ sở đảng yếu kém"),
        unit_value: unit.map(|u| u.to_string()).unwrap_or_default(),
        unit_name: String::new(),
        year,
        today: format::date(s.today()),
        organizations: 0,
        at_risk: 0,
        plans_open: 0,
        consolidated: 0,
        thresholds: Vec::new(),
        rows: Vec::new(),
    };
    if let Some(u) = unit {
        let r = desk.report(u, year).await?;
        view.unit_name = unit_label(&s, u, &r.root_name);
        view.organizations = r.organizations;
        view.at_risk = r.rows.iter().filter(|r| !r.findings.is_empty()).count();
        view.plans_open = r.plans_open;
        view.consolidated = r.consolidated;
        view.thresholds = vec![
            format!("từ {} tháng không sinh hoạt thường kỳ", r.months_without_regular),
            format!("từ {} quý không sinh hoạt chuyên đề", r.quarters_without_thematic),
            format!("tỷ lệ dự sinh hoạt dưới {}%", r.attendance_below_percent),
            format!("{} năm không kết nạp đảng viên", r.years_without_admission),
            format!("từ {} nhiệm vụ cấp trên giao quá hạn", r.late_tasks),
        ];
        for row in &r.rows {
            let new_plan = (row.plan.is_none() && desk.may_plan(row.unit).await)
                .then(|| format::href("/weak/plans/new", &[("unit", &row.unit.to_string()), ("year", &year.to_string())]));
            view.rows.push(Row {
                unit: Link::unit(&s, row.unit, "", unit_label(&s, row.unit, &row.unit_name)).await,
                kind: row.kind_label.clone(),
                findings: row.findings.iter().map(|f| (f.label.clone(), f.detail.clone())).collect(),
                plan: row.plan.as_ref().map(|p| {
                    let state = match &p.outcome_label {
                        Some(o) => o.clone(),
                        None => format!("Đang củng cố: {}/{} biện pháp hoàn thành", p.done, p.measures),
                    };
                    (plan_href(p.id), state)
                }),
                new_plan,
            });
        }
    }
    page(&view)
}

/// One line of measures on a form.
struct MeasureLine {
    at: usize,
    text: String,
    responsible: String,
    due: String,
}

#[derive(Template)]
#[template(path = "weak_plan_form.html")]
struct NewPage {
    chrome: Chrome,
    unit_value: String,
    unit_name: String,
    year: i32,
    lines: Vec<MeasureLine>,
    errors: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NewParams {
    unit: String,
    year: String,
}

fn new_page(s: &Access, chrome: Chrome, unit: UnitId, year: i32, fields: &[(String, String)], errors: Vec<String>) -> NewPage {
    let lines = (1..=MEASURE_LINES)
        .map(|at| MeasureLine {
            at,
            text: get(fields, &format!("measure_{at}")).to_owned(),
            responsible: get(fields, &format!("responsible_{at}")).to_owned(),
            due: get(fields, &format!("due_{at}")).to_owned(),
        })
        .collect();
    NewPage {
        chrome: chrome.titled("Lập kế hoạch củng cố"),
        unit_value: unit.to_string(),
        unit_name: unit_label(s, unit, ""),
        year,
        lines,
        errors,
    }
}

/// `GET /weak/plans/new?unit=&year=`.
async fn new_form(s: Caller, chrome: Chrome, Query(p): Query<NewParams>) -> Result<Response, AppError> {
    let desk = s.weak()?;
    let unit = param("unit", parse_optional_unit(&p.unit))?.ok_or_else(|| AppError::bad_request("Chọn tổ chức."))?;
    desk.require_planning(unit).await?;
    let year = param("year", parse_year(&p.year, s.today()))?;
    page(&new_page(&s, chrome, unit, year, &[], Vec::new()))
}

/// The measures typed on the form's lines (blank lines left out).
fn typed_measures(fields: &[(String, String)], today: chrono::NaiveDate, lines: usize) -> Result<Vec<Measure>, ValidationErrors> {
    let mut out = Vec::new();
    let mut errors = ValidationErrors::default();
    for at in 1..=lines {
        let (text, responsible, due) =
            (get(fields, &format!("measure_{at}")), get(fields, &format!("responsible_{at}")), get(fields, &format!("due_{at}")));
        if text.trim().is_empty() && responsible.trim().is_empty() && due.trim().is_empty() {
            continue;
        }
        match parse_measure(text, responsible, due, today, at) {
            Ok(m) => out.push(m),
            Err(e) => errors.errors.extend(e.errors),
        }
    }
    if out.is_empty() && errors.is_empty() {
        errors.push("measure_1", "required", "Ghi ít nhất một biện pháp.");
    }
    errors.into_result().map(|()| out)
}

/// `POST /weak/plans/new` (unit, year, measure_N, responsible_N, due_N).
async fn create(s: Caller, chrome: Chrome, Form(fields): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let desk = s.weak()?;
    let unit = param("unit", parse_optional_unit(get(&fields, "unit")))?.ok_or_else(|| AppError::bad_request("Chọn tổ chức."))?;
    desk.require_planning(unit).await?;
    let year = param("year", parse_year(get(&fields, "year"), s.today()))?;
    let result = match typed_measures(&fields, s.today(), MEASURE_LINES) {
        Ok(measures) => desk.create_plan(unit, year, measures).await.map_err(forms::invalid),
        Err(e) => Err(Ok(e)),
    };
    match result {
        Ok(id) => Ok(see_other(&plan_href(id))),
        Err(e) => render(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &new_page(&s, chrome, unit, year, &fields, forms::messages(e?))),
    }
}

#[derive(Template)]
#[template(path = "weak_plan.html")]
struct PlanPage {
    chrome: Chrome,
    plan: PlanView,
    unit: Link,
    may_track: bool,
    open: bool,
    outcomes: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
    typed: Vec<(String, String)>,
}

impl PlanPage {
    fn typed(&self, name: &str) -> &str {
        get(&self.typed, name)
    }

    fn date(&self, d: &chrono::NaiveDate) -> String {
        format::date(*d)
    }

    fn opt_date(&self, d: &Option<chrono::NaiveDate>) -> String {
        format::opt_date(*d)
    }
}

async fn plan_page(s: &Access, chrome: Chrome, id: i64, errors: Vec<String>, typed: Vec<(String, String)>) -> Result<PlanPage, AppError> {
    let desk = s.weak()?;
    let plan = desk.plan(id).await?;
    let may_track = desk.may_plan(plan.unit).await;
    Ok(PlanPage {
        chrome: chrome.titled(format!("Kế hoạch củng cố năm {}", plan.year)),
        unit: Link::unit(s, plan.unit, "", unit_label(s, plan.unit, &plan.unit_name)).await,
        open: plan.closed_on.is_none(),
        may_track,
        outcomes: PlanOutcome::ALL.iter().map(|o| (o.code(), o.label())).collect(),
        plan,
        errors,
        typed,
    })
}

/// `GET /weak/plans/{id}`.
async fn show(s: Caller, chrome: Chrome, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    page(&plan_page(&s, chrome, id, Vec::new(), Vec::new()).await?)
}

async fn answer(
    s: &Access,
    chrome: Chrome,
    id: i64,
    result: Result<(), StoreError>,
    fields: Vec<(String, String)>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(see_other(&plan_href(id))),
        Err(e) => {
            let refusal = forms::refusal(e)?;
            let status = refusal.status();
            let (errors, typed) = match refusal {
                Refusal::Conflict { .. } => (vec!["Người khác vừa cập nhật kế hoạch; trang đã hiện nội dung mới.".to_owned()], Vec::new()),
                Refusal::Invalid(e) => (forms::messages(e), fields),
            };
            render(status, &plan_page(s, chrome, id, errors, typed).await?)
        }
    }
}

fn version_of(fields: &[(String, String)]) -> Result<i64, AppError> {
    get(fields, "version").trim().parse().map_err(|_| AppError::bad_request(forms::VERSION_REQUIRED))
}

/// `POST /weak/plans/{id}/measures` (version, measure_1, responsible_1, due_1).
async fn add_measure(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.weak()?;
    desk.writable(id).await?;
    let version = version_of(&fields)?;
    let result = match typed_measures(&fields, s.today(), 1) {
        Ok(mut m) => desk.add_measure(id, version, m.remove(0)).await,
        Err(e) => Err(StoreError::Invalid(e)),
    };
    answer(&s, chrome, id, result, fields).await
}

/// `POST /weak/plans/{id}/measures/{seq}/done` (version, note).
async fn measure_done(
    s: Caller,
    chrome: Chrome,
    PathIds(id, seq): PathIds<i64, i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let seq = u32::try_from(seq).map_err(|_| AppError::not_found())?;
    let desk = s.weak()?;
    desk.writable(id).await?;
    let version = version_of(&fields)?;
    let result = desk.complete_measure(id, version, seq, get(&fields, "note")).await;
    answer(&s, chrome, id, result, fields).await
}

/// `POST /weak/plans/{id}/close` (version, outcome, note).
async fn close(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.weak()?;
    desk.writable(id).await?;
    let version = version_of(&fields)?;
    let result = match PlanOutcome::parse(get(&fields, "outcome")) {
        Ok(outcome) => desk.close_plan(id, version, outcome, Some(get(&fields, "note").to_owned())).await,
        Err(e) => Err(StoreError::Invalid(ValidationErrors { errors: vec![e] })),
    };
    answer(&s, chrome, id, result, fields).await
}
