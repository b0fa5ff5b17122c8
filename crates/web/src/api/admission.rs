//! `/api/v1/admission`: candidates and their files, steps, the worklist, targets; and
//! `/api/v1/calendar/{year}`: the working-day calendar and its corrections.
//!
//! Candidates and steps are typed bodies ([`super::bodies`]) parsed by the same domain inputs as
//! the forms (`CandidateInput`, `StepInput`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use domain::ValidationErrors;
use domain::access::Capability;
use domain::dates::parse_date;
use domain::pipeline::{CandidateInput, Stage, TargetGroup, Urgency};
use domain::workdays::YearOverride;
use storage::CaseQuery;

use super::bodies::{CandidateBody, StepBody};
use super::units::created;
use storage::{CaseDetail, CaseSummary, TargetReport, Worklist};

use super::{Created, ErrorEnvelope};
use crate::error::AppError;
use crate::extract::{Json, PathId, PathIds, PathYear, Query, typed};
use crate::policy::{Policy, Route};
use crate::query;
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![
        Route::get("/api/v1/admission/cases", read, list),
        Route::post("/api/v1/admission/cases", read, create),
        Route::get("/api/v1/admission/cases/{id}", read, detail),
        Route::put("/api/v1/admission/cases/{id}", read, update),
        Route::post("/api/v1/admission/cases/{id}/steps", read, record_step),
        Route::post("/api/v1/admission/cases/{id}/steps/{step}/void", read, void_step),
        Route::get("/api/v1/admission/worklist", read, worklist),
        Route::get("/api/v1/admission/targets", read, targets),
        Route::put("/api/v1/admission/targets", read, set_target),
        Route::get("/api/v1/calendar/{year}", Policy::LoggedIn, calendar),
        Route::put("/api/v1/calendar/{year}", Policy::Needs(Capability::Administer), set_calendar),
    ]
}

/// Query parameters of the case list and the worklist.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CaseParams {
    /// Unit id: cases of its subtree (today).
    #[param(value_type = Option<i64>, minimum = 1)]
    pub unit: String,
    /// Stage codes separated by commas (source, file, awaiting_decision, awaiting_ceremony,
    /// probation, awaiting_recognition, official, struck_off, closed); absent: every open stage
    /// (an empty code is refused).
    #[param(value_type = Option<Vec<Stage>>, style = Form, explode = false, min_items = 1)]
    pub stage: Option<String>,
    /// Part of the name (with or without diacritics).
    pub q: String,
}

/// The worklist's own query parameter.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct UrgencyParams {
    /// overdue, soon or later; every item when absent.
    #[param(value_type = Option<Urgency>)]
    pub urgency: String,
}

impl CaseParams {
    fn query(&self, today: NaiveDate) -> Result<CaseQuery, AppError> {
        let mut q = CaseQuery::new(today);
        q.unit = query::param("unit", query::parse_optional_unit(&self.unit))?;
        for code in self.stage.iter().flat_map(|s| s.split(',')).map(str::trim) {
            if code.is_empty() {
                return Err(AppError::bad_query(ValidationErrors::single("stage", "empty_value", "Mã giai đoạn trống.")));
            }
            let stage = Stage::parse(code).ok_or_else(|| {
                AppError::bad_query(ValidationErrors::single(
                    "stage",
                    "unknown_value",
                    format!("Giai đoạn “{code}” không có trong danh mục."),
                ))
            })?;
            q.stages.push(stage);
        }
        q.q = self.q.clone();
        Ok(q)
    }
}

#[utoipa::path(get, path = "/api/v1/admission/cases", tag = "admission", params(CaseParams),
    responses((status = 200, description = "Cases with stage, next step and the soonest item due", body = Vec<CaseSummary>)))]
async fn list(s: Caller, Query(p): Query<CaseParams>) -> Result<Response, AppError> {
    let q = p.query(s.today())?;
    Ok(axum::Json(s.admission()?.cases(&q).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/admission/cases", tag = "admission", request_body = CandidateBody,
    responses((status = 201, description = "Created", body = Created),
              (status = 422, description = "Invalid fields", body = ErrorEnvelope)))]
async fn create(s: Caller, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    // Authorized before the body is read: who may open cases nowhere is refused outright, and a
    // chi bộ outside the file scope is refused before any other field is checked.
    let desk = s.admission()?;
    if !desk.files_anywhere() {
        return Err(AppError::forbidden());
    }
    let input = CandidateInput::from(typed::<CandidateBody>(body)?);
    if let Ok(unit) = domain::event::parse_unit_id(&input.unit_id)
        && !desk.may_file(unit).await
    {
        let refused = ValidationErrors::single("unit_id", "out_of_scope", "Chi bộ này nằm ngoài phạm vi bạn được giao.");
        return Err(AppError::validation(refused));
    }
    let candidate = input.parse(s.today()).map_err(AppError::validation)?;
    let id = desk.create_candidate(candidate).await?;
    Ok(created(id))
}

#[utoipa::path(get, path = "/api/v1/admission/cases/{id}", tag = "admission", params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, description = "The case: candidate, steps, stage, next steps, blockers with sources, items due, version", body = CaseDetail),
              (status = 404, description = "No such case (or outside your scope)", body = ErrorEnvelope)))]
async fn detail(s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    Ok(axum::Json(s.admission()?.case(id).await?).into_response())
}

/// `PUT /api/v1/admission/cases/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCaseBody {
    /// The case's version read (optimistic concurrency).
    pub version: i64,
    pub candidate: CandidateBody,
}

#[utoipa::path(put, path = "/api/v1/admission/cases/{id}", tag = "admission", params(("id" = i64, Path, description = "Case id")),
    request_body = UpdateCaseBody,
    responses((status = 204, description = "Saved"), (status = 409, description = "Version conflict", body = ErrorEnvelope),
              (status = 422, description = "Invalid fields", body = ErrorEnvelope)))]
async fn update(s: Caller, PathId(id): PathId<i64>, Json(b): Json<serde_json::Value>) -> Result<Response, AppError> {
    // Authorized before the body is read: a case outside the scope looks missing, one the caller
    // may only read is refused, whatever the body says.
    s.admission()?.require_filing(id).await?;
    let b: UpdateCaseBody = typed(b)?;
    let candidate = CandidateInput::from(b.candidate).parse(s.today()).map_err(AppError::validation)?;
    s.admission()?.update_candidate(id, b.version, candidate).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/admission/cases/{id}/steps", tag = "admission", params(("id" = i64, Path, description = "Case id")),
    request_body = StepBody,
    responses((status = 201, description = "Recorded: `{\"id\": step id, \"stage\": …, \"member\": member id once admitted}`", body = StepRecorded),
              (status = 409, description = "Version conflict", body = ErrorEnvelope),
              (status = 422, description = "Invalid fields, or a rule refuses the step (field `step`, message with its source)", body = ErrorEnvelope)))]
async fn record_step(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    // Authorized before the body is read, for the kind of step it names (if it names one).
    let kind = body.get("kind").and_then(serde_json::Value::as_str).and_then(|k| domain::pipeline::StepKind::parse(k).ok());
    s.admission()?.require_step(id, kind).await?;
    let body: StepBody = typed(body)?;
    let (version, input) = body.into_input();
    let step = input.parse().map_err(AppError::validation)?;
    let desk = s.admission()?;
    let step_id = desk.record_step(id, version, step).await?;
    let case = desk.case(id).await?;
    let body = StepRecorded { id: step_id, stage: case.stage, member: case.member, version: case.version };
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

/// `201 Created` of a step: its id, the case's stage and version after it, and the member record
/// once the admission decision created it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepRecorded {
    pub id: i64,
    pub stage: Stage,
    pub member: Option<domain::ids::MemberId>,
    pub version: i64,
}

/// `POST /api/v1/admission/cases/{id}/steps/{step}/void`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct VoidBody {
    pub version: Option<i64>,
    /// Why the step is voided (required).
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/admission/cases/{id}/steps/{step}/void", tag = "admission", request_body = VoidBody,
    params(("id" = i64, Path, description = "Case id"), ("step" = i64, Path, description = "The latest step")),
    responses((status = 204, description = "Voided"), (status = 409, description = "Version conflict", body = ErrorEnvelope),
              (status = 422, description = "Not the latest step, a decision already in the register, or no reason", body = ErrorEnvelope)))]
async fn void_step(s: Caller, PathIds(id, step): PathIds<i64, i64>, Json(b): Json<VoidBody>) -> Result<Response, AppError> {
    s.admission()?.require_filing(id).await?;
    let version = super::version_or_error(b.version)?;
    s.admission()?.void_step(id, version, step, b.reason).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(get, path = "/api/v1/admission/worklist", tag = "admission", params(CaseParams, UrgencyParams),
    responses((status = 200, description = "What is due: counts (overdue, soon = within 7 days, later) and items, soonest first", body = Worklist)))]
async fn worklist(s: Caller, Query(p): Query<CaseParams>, Query(u): Query<UrgencyParams>) -> Result<Response, AppError> {
    let q = p.query(s.today())?;
    let mut list = s.admission()?.worklist(&q).await?;
    let wanted = match u.urgency.trim() {
        "" => None,
        "overdue" => Some(Urgency::Overdue),
        "soon" => Some(Urgency::Soon),
        "later" => Some(Urgency::Later),
        other => {
            return Err(AppError::bad_query(ValidationErrors::single(
                "urgency",
                "unknown_value",
                format!("“{other}” không phải overdue, soon hoặc later."),
            )));
        }
    };
    if let Some(u) = wanted {
        list.items.retain(|i| i.urgency == u);
    }
    Ok(axum::Json(list).into_response())
}

/// Query parameters of the target report.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct TargetParams {
    /// Unit id (required).
    #[param(required = true, value_type = i64, minimum = 1)]
    pub unit: String,
    /// Year; this year when absent.
    #[param(value_type = Option<i32>, minimum = 2000, maximum = 2100)]
    pub year: String,
}

#[utoipa::path(get, path = "/api/v1/admission/targets", tag = "admission", params(TargetParams),
    responses((status = 200, description = "Target, admitted and percent for the unit and the units under it; units with no admission; anniversaries", body = TargetReport)))]
async fn targets(s: Caller, Query(p): Query<TargetParams>) -> Result<Response, AppError> {
    let unit = query::param("unit", query::parse_optional_unit(&p.unit))?
        .ok_or_else(|| AppError::bad_query(ValidationErrors::single("unit", "required", "Chọn tổ chức.")))?;
    let year = query::param("year", query::parse_year(&p.year, s.today()))?;
    Ok(axum::Json(s.admission()?.targets(unit, year).await?).into_response())
}

/// `PUT /api/v1/admission/targets`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TargetBody {
    pub unit: i64,
    pub year: i32,
    /// A sub-target group code (doanh-nghiep-tu-nhan, hoc-sinh-sinh-vien, khu-dan-cu); empty: the total.
    pub group: String,
    /// The target; null removes it.
    pub target: Option<u32>,
}

#[utoipa::path(put, path = "/api/v1/admission/targets", tag = "admission", request_body = TargetBody,
    responses((status = 204, description = "Saved"), (status = 403, description = "You may not set targets for this unit", body = ErrorEnvelope),
              (status = 422, description = "Invalid", body = ErrorEnvelope)))]
async fn set_target(s: Caller, Json(b): Json<TargetBody>) -> Result<Response, AppError> {
    // Authorized before the body is checked.
    let desk = s.admission()?;
    if !desk.decides_anywhere() {
        return Err(AppError::forbidden());
    }
    if b.unit > 0 {
        desk.require_deciding_in(domain::ids::UnitId(b.unit)).await?;
    }
    let group = if b.group.trim().is_empty() {
        None
    } else {
        Some(TargetGroup::parse(&b.group).map_err(|e| AppError::validation(ValidationErrors::single("group", e.code, e.message)))?)
    };
    if b.unit <= 0 {
        return Err(AppError::validation(ValidationErrors::single("unit", "required", "Chọn tổ chức.")));
    }
    s.admission()?.set_target(domain::ids::UnitId(b.unit), b.year, group, b.target).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// One named day.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NamedDay {
    #[schema(value_type = super::bodies::DateText)]
    pub date: String,
    pub name: String,
}

/// A year's working-day corrections.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarBody {
    /// Days that are not working days (an announced Tết range, a new holiday, …).
    pub days_off: Vec<NamedDay>,
    /// Days that are working days (a make-up Saturday, a cancelled day off).
    pub extra_working_days: Vec<NamedDay>,
}

#[utoipa::path(get, path = "/api/v1/calendar/{year}", tag = "calendar", params(("year" = i32, Path, description = "Year")),
    responses((status = 200, description = "The year's weekdays off and working weekend days in force, and the operator's corrections", body = CalendarYear)))]
async fn calendar(s: Caller, PathId(PathYear(year)): PathId<PathYear>) -> Result<Response, AppError> {
    let cal = s.work_calendar().await?;
    let corrections =
        s.calendar_overrides().await?.into_iter().find(|o| o.year == year).unwrap_or(YearOverride { year, ..Default::default() });
    let named = |list: Vec<(NaiveDate, String)>| list.into_iter().map(|(date, name)| DayName { date, name }).collect();
    Ok(axum::Json(CalendarYear {
        year,
        non_working_weekdays: named(cal.non_working_weekdays(year)),
        working_weekend_days: named(cal.working_weekend_days(year)),
        corrections,
    })
    .into_response())
}

/// A dated day and why it is (or is not) worked.
#[derive(Debug, Serialize, ToSchema)]
pub struct DayName {
    pub date: NaiveDate,
    pub name: String,
}

/// `GET /api/v1/calendar/{year}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarYear {
    pub year: i32,
    /// Weekdays that are not worked (holidays, Tết, swapped days), from the rules and the corrections.
    pub non_working_weekdays: Vec<DayName>,
    /// Saturdays and Sundays that are worked (make-up days).
    pub working_weekend_days: Vec<DayName>,
    /// The operator's corrections for the year (empty lists when none).
    pub corrections: YearOverride,
}

fn parse_days(list: &[NamedDay], field: &str, year: i32, e: &mut ValidationErrors) -> Vec<(NaiveDate, String)> {
    let mut out = Vec::new();
    for (i, d) in list.iter().enumerate() {
        let f = format!("{field}[{i}]");
        match parse_date(&d.date) {
            Ok(date) if date.year() == year => {
                let name = d.name.trim();
                if name.is_empty() {
                    e.push(&f, "required", "Ghi tên ngày hoặc căn cứ (ví dụ “Tết Nguyên đán” hoặc số thông báo).");
                } else {
                    out.push((date, name.to_owned()));
                }
            }
            Ok(_) => e.push(&f, "wrong_year", format!("Ngày không thuộc năm {year}.")),
            Err(err) => e.push(&f, err.code, err.message),
        }
    }
    out
}

#[utoipa::path(put, path = "/api/v1/calendar/{year}", tag = "calendar", request_body = CalendarBody, params(("year" = i32, Path, description = "Year")),
    responses((status = 204, description = "Saved (empty lists remove the year's corrections)"), (status = 422, description = "Invalid days", body = ErrorEnvelope)))]
async fn set_calendar(s: Caller, PathId(PathYear(year)): PathId<PathYear>, Json(b): Json<CalendarBody>) -> Result<Response, AppError> {
    let mut e = ValidationErrors::default();
    let days_off = parse_days(&b.days_off, "days_off", year, &mut e);
    let extra_working_days = parse_days(&b.extra_working_days, "extra_working_days", year, &mut e);
    if !e.is_empty() {
        return Err(AppError::validation(e));
    }
    s.admin()?.set_calendar_override(YearOverride { year, days_off, extra_working_days }).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
