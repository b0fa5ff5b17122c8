//! `/api/v1/units/{id}/weak` and `/api/v1/weak-plans/{id}…`: grassroots organizations at risk
//! of being weak and their consolidation plans (docs/design/operations.md). Reading needs the
//! read scope; plans need `write` or `decide` on the organization, checked before the body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::ValidationErrors;
use domain::ids::UnitId;
use domain::weak::plan::{Measure, PlanOutcome, parse_measure};
use serde::{Deserialize, Serialize};
use storage::{PlanView, WeakReport};
use utoipa::ToSchema;

use super::bodies::DateText;
use super::directives::YearParams;
use super::units::created;
use super::{Created, ErrorEnvelope, version_or_error};
use crate::error::AppError;
use crate::extract::{Json, PathId, PathIds, Query, typed};
use crate::policy::{Policy, Route};
use crate::query::{param, parse_year};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(domain::access::Capability::ReadRegister);
    vec![
        Route::get("/api/v1/units/{id}/weak", read, report),
        Route::post("/api/v1/units/{id}/weak-plans", read, create),
        Route::get("/api/v1/weak-plans/{id}", Policy::Staff, detail),
        Route::post("/api/v1/weak-plans/{id}/measures", Policy::Staff, add_measure),
        Route::post("/api/v1/weak-plans/{id}/measures/{seq}/done", Policy::Staff, measure_done),
        Route::post("/api/v1/weak-plans/{id}/close", Policy::Staff, close),
    ]
}

/// A measure as planned.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureBody {
    pub text: String,
    pub responsible: String,
    /// Not before today.
    pub due_on: DateText,
}

/// A consolidation plan as made.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    /// Last year, this year or next.
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    pub measures: Vec<MeasureBody>,
}

/// A measure added to a plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMeasureBody {
    pub version: Option<i64>,
    pub text: String,
    pub responsible: String,
    pub due_on: DateText,
}

/// A measure done today.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DoneBody {
    pub version: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
}

/// The plan's end.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseBody {
    pub version: Option<i64>,
    pub outcome: PlanOutcome,
    #[serde(default)]
    pub note: Option<String>,
}

/// What was written.
#[derive(Debug, Serialize, ToSchema)]
pub struct Done {
    pub ok: bool,
}

fn measures(list: &[(String, String, String)], today: chrono::NaiveDate) -> Result<Vec<Measure>, AppError> {
    let mut out = Vec::new();
    let mut errors = ValidationErrors::default();
    for (i, (text, responsible, due)) in list.iter().enumerate() {
        match parse_measure(text, responsible, due, today, i + 1) {
            Ok(m) => out.push(m),
            Err(e) => errors.errors.extend(e.errors),
        }
    }
    errors.into_result().map(|()| out).map_err(AppError::validation)
}

#[utoipa::path(get, path = "/api/v1/units/{id}/weak", tag = "weak", params(("id" = i64, Path, description = "Unit id"), YearParams),
    responses((status = 200, description = "The grassroots organizations under the unit with the reasons found for the year, their plans, the count consolidated", body = WeakReport)))]
async fn report(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<YearParams>) -> Result<Response, AppError> {
    let year = param("year", parse_year(&p.year, s.today()))?;
    Ok(axum::Json(s.weak()?.report(unit, year).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/units/{id}/weak-plans", tag = "weak", params(("id" = i64, Path, description = "The grassroots organization")),
    request_body = PlanBody,
    responses((status = 201, description = "Made, with the reasons found today", body = Created),
              (status = 403, description = "You may not make this organization's plan", body = ErrorEnvelope),
              (status = 422, description = "Not a grassroots organization (`not_grassroots`), a second plan for the year (`duplicate`), a measure refused", body = ErrorEnvelope)))]
async fn create(s: Caller, PathId(unit): PathId<UnitId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.weak()?;
    desk.require_planning(unit).await?;
    let b: PlanBody = typed(body)?;
    let list: Vec<(String, String, String)> = b.measures.into_iter().map(|m| (m.text, m.responsible, m.due_on.to_string())).collect();
    let measures = measures(&list, s.today())?;
    Ok(created(desk.create_plan(unit, b.year, measures).await?))
}

#[utoipa::path(get, path = "/api/v1/weak-plans/{id}", tag = "weak", params(("id" = i64, Path, description = "Plan id")),
    responses((status = 200, description = "The plan with its measures", body = PlanView),
              (status = 404, description = "No such plan within your scope", body = ErrorEnvelope)))]
async fn detail(s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    Ok(axum::Json(s.weak()?.plan(id).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/weak-plans/{id}/measures", tag = "weak", params(("id" = i64, Path, description = "Plan id")),
    request_body = AddMeasureBody,
    responses((status = 200, description = "Added", body = Done),
              (status = 409, description = "The plan changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "A measure refused, a plan closed (`closed`)", body = ErrorEnvelope)))]
async fn add_measure(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.weak()?;
    desk.writable(id).await?;
    let b: AddMeasureBody = typed(body)?;
    let version = version_or_error(b.version)?;
    let mut list = measures(&[(b.text, b.responsible, b.due_on.to_string())], s.today())?;
    desk.add_measure(id, version, list.remove(0)).await?;
    Ok(axum::Json(Done { ok: true }).into_response())
}

#[utoipa::path(post, path = "/api/v1/weak-plans/{id}/measures/{seq}/done", tag = "weak",
    params(("id" = i64, Path, description = "Plan id"), ("seq" = i64, Path, description = "The measure: 1, 2, …")),
    request_body = DoneBody,
    responses((status = 204, description = "Marked done today"),
              (status = 404, description = "No such plan or measure", body = ErrorEnvelope),
              (status = 409, description = "The plan changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "Done already (`already`), a plan closed (`closed`)", body = ErrorEnvelope)))]
async fn measure_done(s: Caller, PathIds(id, seq): PathIds<i64, i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let seq = u32::try_from(seq).map_err(|_| AppError::not_found())?;
    let desk = s.weak()?;
    desk.writable(id).await?;
    let b: DoneBody = typed(body)?;
    let version = version_or_error(b.version)?;
    desk.complete_measure(id, version, seq, b.note.as_deref().unwrap_or("")).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/weak-plans/{id}/close", tag = "weak", params(("id" = i64, Path, description = "Plan id")),
    request_body = CloseBody,
    responses((status = 204, description = "Closed today"),
              (status = 409, description = "The plan changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "Consolidated with a measure not done (`measures_open`), closed already (`closed`)", body = ErrorEnvelope)))]
async fn close(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.weak()?;
    desk.writable(id).await?;
    let b: CloseBody = typed(body)?;
    let version = version_or_error(b.version)?;
    desk.close_plan(id, version, b.outcome, b.note).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
