//! `/api/v1/…/committee`: the seats of a unit's elected committee (cấp ủy; docs/design/operations.md
//! "Committees"). Reading needs the read scope on the unit; seating a member and ending a seat
//! need `write` on it (checked before the body is read), and the member named in the body goes
//! through the same scope check (`storage::access::CommitteeDesk`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::committees::{MAX_BASIS, SeatInput, SeatRole};
use domain::dates::parse_date;
use domain::ids::{MemberId, UnitId};
use domain::text::required_text;
use serde::Deserialize;
use storage::CommitteeView;
use utoipa::ToSchema;

use super::bodies::DateText;
use super::units::created;
use super::{Created, ErrorEnvelope, version_or_error};
use crate::error::AppError;
use crate::extract::{Json, PathId, Query, typed};
use crate::policy::{Policy, Route};
use crate::query::{QueryDate, param, parse_query_date};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(domain::access::Capability::ReadRegister);
    vec![
        Route::get("/api/v1/units/{id}/committee", read, show),
        Route::post("/api/v1/units/{id}/committee", read, add),
        Route::post("/api/v1/committee-seats/{id}/end", read, end),
        Route::post("/api/v1/committee-seats/{id}/remove", read, remove),
    ]
}

/// The day the committee is read as of (default: today).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct OnParams {
    #[param(value_type = Option<QueryDate>)]
    pub on: String,
}

/// A member seated on the committee.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeatBody {
    pub member: MemberId,
    pub role: SeatRole,
    /// The first day the seat is held.
    pub from: DateText,
    /// For a past seat entered already ended: the first day it was no longer held.
    #[serde(default)]
    pub until: Option<DateText>,
    /// The election result or decision it rests on (up to 300 characters).
    pub basis: String,
}

/// A seat ended.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeatEndBody {
    pub version: Option<i64>,
    /// The first day the seat is no longer held.
    pub until: DateText,
    /// The decision it ends on (up to 300 characters).
    pub basis: String,
}

/// A seat removed as entered by mistake.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeatRemoveBody {
    pub version: Option<i64>,
    /// Why (up to 300 characters): the mistake.
    pub reason: String,
}

fn field<T>(name: &str, r: Result<T, domain::error::FieldError>) -> Result<T, AppError> {
    r.map_err(|mut e| {
        e.field = name.into();
        AppError::validation(domain::ValidationErrors { errors: vec![e] })
    })
}

#[utoipa::path(get, path = "/api/v1/units/{id}/committee", tag = "committees", params(("id" = i64, Path, description = "Unit id"), OnParams),
    responses((status = 200, description = "The seats held on the day, secretary first, and the others past and to come", body = CommitteeView),
              (status = 404, description = "No such unit within your scope", body = ErrorEnvelope)))]
async fn show(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<OnParams>) -> Result<Response, AppError> {
    let on = param("on", parse_query_date(&p.on))?.unwrap_or_else(|| s.today());
    Ok(axum::Json(s.committees()?.committee(unit, on).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/units/{id}/committee", tag = "committees", params(("id" = i64, Path, description = "Unit id")),
    request_body = SeatBody,
    responses((status = 201, description = "Seated", body = Created),
              (status = 403, description = "You may not change this unit's committee", body = ErrorEnvelope),
              (status = 422, description = "A member outside your scope (`out_of_scope`), not an official member under the unit on the first day (`not_official`), already seated (`seated`), a chi ủy member in a chi bộ of fewer than nine official members (`no_chi_uy`), an end not after the start (`before_start`), a second secretary (`secretary_taken`), a post the unit has not (`not_in_unit`), a unit not standing on the day (`unit_not_standing`)", body = ErrorEnvelope)))]
async fn add(s: Caller, PathId(unit): PathId<UnitId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.committees()?;
    desk.require_change(unit).await?;
    let b: SeatBody = typed(body)?;
    let from = field("from", parse_date(&b.from.to_string()))?;
    let until = b.until.map(|u| field("until", parse_date(&u.to_string()))).transpose()?;
    let input = SeatInput::parse(b.member, b.role.code(), from, until, &b.basis).map_err(AppError::validation)?;
    Ok(created(desk.add(unit, input).await?))
}

#[utoipa::path(post, path = "/api/v1/committee-seats/{id}/end", tag = "committees", params(("id" = i64, Path, description = "Seat id")),
    request_body = SeatEndBody,
    responses((status = 204, description = "Ended"),
              (status = 403, description = "You may not change this unit's committee", body = ErrorEnvelope),
              (status = 404, description = "No such seat within your scope", body = ErrorEnvelope),
              (status = 409, description = "Changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "Ended already (`ended`), not after its first day (`before_start`)", body = ErrorEnvelope)))]
async fn end(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.committees()?;
    desk.require_change(desk.seat_unit(id).await?).await?;
    let b: SeatEndBody = typed(body)?;
    let version = version_or_error(b.version)?;
    let until = field("until", parse_date(&b.until.to_string()))?;
    let basis = field("basis", required_text(&b.basis, MAX_BASIS, "Căn cứ"))?;
    desk.end(id, version, until, basis).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/committee-seats/{id}/remove", tag = "committees", params(("id" = i64, Path, description = "Seat id")),
    request_body = SeatRemoveBody,
    responses((status = 204, description = "Removed (audited with what it said)"),
              (status = 403, description = "You may not change this unit's committee", body = ErrorEnvelope),
              (status = 404, description = "No such seat within your scope", body = ErrorEnvelope),
              (status = 409, description = "Changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "No reason given", body = ErrorEnvelope)))]
async fn remove(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.committees()?;
    desk.require_change(desk.seat_unit(id).await?).await?;
    let b: SeatRemoveBody = typed(body)?;
    let version = version_or_error(b.version)?;
    let reason = field("reason", required_text(&b.reason, MAX_BASIS, "Lý do xóa"))?;
    desk.remove(id, version, reason).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
