//! `/api/v1/units/{id}/terms`, `/api/v1/terms/{id}` and `/api/v1/units/{id}/occasions`: the
//! congress terms of a unit with their term targets, and the occasions admissions are held on
//! (docs/design/admission.md "Terms and occasions"). Writes need what setting the yearly targets
//! needs (`write` or `decide` on the unit); a term's id is checked through its unit (404 outside
//! the read scope).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::access::Capability;
use domain::ids::UnitId;
use domain::targets::occasions::parse_day_month;
use serde::{Deserialize, Serialize};
use storage::{OccasionView, TermInForceView, TermInput, TermRecord};
use utoipa::ToSchema;

use super::bodies::DateText;
use super::units::created;
use super::{Created, ErrorEnvelope, version_or_error};
use crate::error::AppError;
use crate::extract::{Json, PathId, PathIds, Query, typed};
use crate::policy::{Policy, Route};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![
        Route::get("/api/v1/units/{id}/terms", read, terms),
        Route::post("/api/v1/units/{id}/terms", read, create_term),
        Route::put("/api/v1/terms/{id}", read, update_term),
        Route::delete("/api/v1/terms/{id}", read, delete_term),
        Route::get("/api/v1/units/{id}/occasions", read, occasions),
        Route::post("/api/v1/units/{id}/occasions", read, add_occasion),
        Route::delete("/api/v1/units/{id}/occasions/{day_month}", read, remove_occasion),
    ]
}

/// A unit's terms: those it recorded, and every term in force for it (its own and those it
/// inherits through mergers).
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitTerms {
    pub own: Vec<TermRecord>,
    pub in_force: Vec<TermInForceView>,
}

/// A term as sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TermBody {
    pub first_day: DateText,
    pub last_day: DateText,
    /// The admission target of the whole term, 0–1000000; null or absent: not set.
    #[serde(default)]
    pub target: Option<u32>,
}

/// A term changed, with the version it was read at.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TermUpdateBody {
    pub version: Option<i64>,
    pub first_day: DateText,
    pub last_day: DateText,
    #[serde(default)]
    pub target: Option<u32>,
}

/// An occasion a committee adds.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OccasionBody {
    /// Day and month: "26/3" (also "26-3").
    pub day: String,
    pub name: String,
}

/// The version of the term to delete.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct VersionParams {
    #[param(required = true, value_type = i64)]
    pub version: String,
}

fn term_input(first: &DateText, last: &DateText, target: Option<u32>) -> Result<TermInput, AppError> {
    TermInput::parse(&first.to_string(), &last.to_string(), &target.map(|t| t.to_string()).unwrap_or_default())
        .map_err(AppError::validation)
}

#[utoipa::path(get, path = "/api/v1/units/{id}/terms", tag = "admission", params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "The unit's own terms (with versions) and every term in force for it, inherited ones included", body = UnitTerms)))]
async fn terms(s: Caller, PathId(unit): PathId<UnitId>) -> Result<Response, AppError> {
    let desk = s.plans()?;
    let own = desk.unit_terms(unit).await?;
    let in_force = desk.terms_in_force(unit, chrono::NaiveDate::MIN, chrono::NaiveDate::MAX).await?;
    Ok(axum::Json(UnitTerms { own, in_force }).into_response())
}

#[utoipa::path(post, path = "/api/v1/units/{id}/terms", tag = "admission", params(("id" = i64, Path, description = "Unit id")),
    request_body = TermBody,
    responses((status = 201, description = "Recorded", body = Created),
              (status = 403, description = "You may not record this unit's terms", body = ErrorEnvelope),
              (status = 422, description = "Invalid days or target, an overlap with another term, a unit not standing then", body = ErrorEnvelope)))]
async fn create_term(s: Caller, PathId(unit): PathId<UnitId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    // Authorized before the body is read.
    let desk = s.plans()?;
    desk.require_deciding_in(unit).await?;
    let b: TermBody = typed(body)?;
    let id = desk.create_term(unit, term_input(&b.first_day, &b.last_day, b.target)?).await?;
    Ok(created(id))
}

#[utoipa::path(put, path = "/api/v1/terms/{id}", tag = "admission", params(("id" = i64, Path, description = "Term id")),
    request_body = TermUpdateBody,
    responses((status = 204, description = "Saved"),
              (status = 409, description = "The term changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "Invalid days or target, an overlap with another term", body = ErrorEnvelope)))]
async fn update_term(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.plans()?;
    desk.require_term_write(id).await?;
    let b: TermUpdateBody = typed(body)?;
    let version = version_or_error(b.version)?;
    desk.update_term(id, version, term_input(&b.first_day, &b.last_day, b.target)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(delete, path = "/api/v1/terms/{id}", tag = "admission", params(("id" = i64, Path, description = "Term id"), VersionParams),
    responses((status = 204, description = "Deleted"),
              (status = 409, description = "The term changed since the version sent", body = ErrorEnvelope)))]
async fn delete_term(s: Caller, PathId(id): PathId<i64>, Query(p): Query<VersionParams>) -> Result<Response, AppError> {
    let desk = s.plans()?;
    desk.require_term_write(id).await?;
    let version = version_or_error(p.version.trim().parse().ok())?;
    desk.delete_term(id, version).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(get, path = "/api/v1/units/{id}/occasions", tag = "admission", params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "The occasions in force for the unit: the defaults and those added by it and the units above it, in calendar order", body = Vec<OccasionView>)))]
async fn occasions(s: Caller, PathId(unit): PathId<UnitId>) -> Result<Response, AppError> {
    Ok(axum::Json(s.plans()?.occasions(unit).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/units/{id}/occasions", tag = "admission", params(("id" = i64, Path, description = "Unit id")),
    request_body = OccasionBody,
    responses((status = 204, description = "Added"),
              (status = 403, description = "You may not change this unit's occasions", body = ErrorEnvelope),
              (status = 422, description = "A day not in the calendar, a day already in the list (`duplicate`), a missing name", body = ErrorEnvelope)))]
async fn add_occasion(s: Caller, PathId(unit): PathId<UnitId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.plans()?;
    desk.require_deciding_in(unit).await?;
    let b: OccasionBody = typed(body)?;
    desk.add_occasion(unit, &b.day, &b.name).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(delete, path = "/api/v1/units/{id}/occasions/{day_month}", tag = "admission",
    params(("id" = i64, Path, description = "Unit id"), ("day_month" = String, Path, description = "Day and month: 26-3")),
    responses((status = 204, description = "Removed"),
              (status = 404, description = "The unit added no occasion on that day (the defaults and those of units above it are not its own; a text that is no day of the year names none)", body = ErrorEnvelope)))]
async fn remove_occasion(s: Caller, PathIds(unit, day_month): PathIds<UnitId, String>) -> Result<Response, AppError> {
    let desk = s.plans()?;
    desk.require_deciding_in(unit).await?;
    // The day names the occasion to remove: a text that is no day of the year names none.
    let (day, month) = parse_day_month(&day_month).ok_or_else(AppError::not_found)?;
    desk.remove_occasion(unit, day, month).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
