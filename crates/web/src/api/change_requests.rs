//! A member's requests to correct their own record (docs/design/change-requests.md): the member
//! sends (their own record only), whoever reads the member reads them, the organization staff
//! writing the member's record accept (the change written to the record) or refuse with the
//! reason. Each step is checked before the body is read (`storage::access::ChangeRequestDesk`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde::Deserialize;
use utoipa::ToSchema;

use domain::access::Capability;
use domain::change_requests::{RequestField, RequestInput};
use domain::ids::{MemberId, UnitId};
use storage::{ChangeRequestView, RequestFile};

use super::units::created;
use super::{Created, ErrorEnvelope, version_or_error};
use crate::error::AppError;
use crate::extract::{Json, PathId, Query, typed};
use crate::policy::{Policy, Route};
use crate::session::{AppState, Caller};

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![
        Route::get("/api/v1/members/{id}/change-requests", read, of_member),
        Route::post("/api/v1/members/{id}/change-requests", read, send),
        Route::get("/api/v1/change-requests", Policy::Needs(Capability::WriteRegister), pending),
        Route::get("/api/v1/change-requests/{id}", read, detail),
        Route::post("/api/v1/change-requests/{id}/accept", read, accept),
        Route::post("/api/v1/change-requests/{id}/refuse", read, refuse),
        Route::get("/api/v1/change-requests/{id}/file", read, file),
    ]
}

/// A request as the member sends it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRequestBody {
    pub field: RequestField,
    /// What the particular should say (optional for `khac`).
    #[serde(default)]
    pub value: String,
    /// Why (required for `khac`).
    #[serde(default)]
    pub note: String,
    /// An attachment's file name…
    #[serde(default)]
    pub attachment_name: Option<String>,
    /// …and its content in base64 (PDF, JPEG, PNG…, at most 20 MB).
    #[serde(default)]
    pub attachment_base64: Option<String>,
}

/// An acceptance: the value written (default: the member's).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestAcceptBody {
    pub version: Option<i64>,
    #[serde(default)]
    pub value: Option<String>,
}

/// A refusal with its reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestRefuseBody {
    pub version: Option<i64>,
    pub reason: String,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct RequestPendingParams {
    /// Only members under this unit today.
    #[param(value_type = Option<i64>)]
    pub unit: String,
}

#[utoipa::path(get, path = "/api/v1/members/{id}/change-requests", tag = "change-requests", params(("id" = i64, Path, description = "Member id")),
    responses((status = 200, description = "The member's requests, newest first", body = Vec<ChangeRequestView>),
              (status = 404, description = "No such member within your scope", body = ErrorEnvelope)))]
async fn of_member(s: Caller, PathId(member): PathId<MemberId>) -> Result<Response, AppError> {
    Ok(axum::Json(s.change_requests()?.of_member(member).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/members/{id}/change-requests", tag = "change-requests", params(("id" = i64, Path, description = "Member id")),
    request_body = ChangeRequestBody,
    responses((status = 201, description = "Sent; the staff acting for the member's chi bộ are told", body = Created),
              (status = 403, description = "Only the member sends requests about their record", body = ErrorEnvelope),
              (status = 404, description = "No such member within your scope", body = ErrorEnvelope),
              (status = 422, description = "No value for a named particular, no note for another (`required`), an attachment refused (`type`, `empty`, `too_large`, `infected`, `not_base64`)", body = ErrorEnvelope)))]
async fn send(
    s: Caller,
    State(state): State<AppState>,
    PathId(member): PathId<MemberId>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
    let desk = s.change_requests()?;
    desk.require_send(member).await?;
    let b: ChangeRequestBody = typed(body)?;
    let refused =
        |field: &str, code: &'static str, message: &str| AppError::validation(domain::ValidationErrors::single(field, code, message));
    let file = match (b.attachment_name, b.attachment_base64) {
        (None, None) => None,
        (Some(name), Some(content)) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(content.trim().as_bytes())
                .map_err(|_| refused("attachment_base64", "not_base64", "Tệp đính kèm không phải base64."))?;
            let f = crate::upload::check(state.auth.scan_command.as_deref(), &name, bytes)
                .await
                .map_err(|e| AppError::validation(domain::ValidationErrors { errors: vec![e] }))?;
            Some(RequestFile { name: f.name, media_type: f.media_type.to_owned(), bytes: f.bytes })
        }
        _ => return Err(refused("attachment_name", "required", "Gửi cả tên tệp và nội dung tệp đính kèm.")),
    };
    Ok(created(desk.send(member, RequestInput { field: b.field, value: b.value, note: b.note }, file).await?))
}

#[utoipa::path(get, path = "/api/v1/change-requests", tag = "change-requests", params(RequestPendingParams),
    responses((status = 200, description = "Requests waiting for an answer among the members you read, oldest first", body = Vec<ChangeRequestView>)))]
async fn pending(s: Caller, Query(p): Query<RequestPendingParams>) -> Result<Response, AppError> {
    let unit =
        match p.unit.trim() {
            "" => None,
            u => Some(UnitId(u.parse().map_err(|_| {
                AppError::bad_query(domain::ValidationErrors::single("unit", "not_a_number", "Mã tổ chức phải là một số."))
            })?)),
        };
    Ok(axum::Json(s.change_requests()?.pending(unit).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/change-requests/{id}", tag = "change-requests", params(("id" = i64, Path, description = "Request id")),
    responses((status = 200, description = "The request, what the record says today, the answer", body = ChangeRequestView),
              (status = 404, description = "No such request within your scope", body = ErrorEnvelope)))]
async fn detail(s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    Ok(axum::Json(s.change_requests()?.request(id).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/change-requests/{id}/accept", tag = "change-requests", params(("id" = i64, Path, description = "Request id")),
    request_body = RequestAcceptBody,
    responses((status = 204, description = "Accepted: the record changed, the member told"),
              (status = 403, description = "You do not write this member's record", body = ErrorEnvelope),
              (status = 404, description = "No such request within your scope", body = ErrorEnvelope),
              (status = 409, description = "Changed since the version sent (the request, or the member's record)", body = ErrorEnvelope),
              (status = 422, description = "Answered already (`answered`), a value the record refuses (under `value`, as the edit form would), nothing to change (`unchanged`), for another particular no word of what was changed (`required`)", body = ErrorEnvelope)))]
async fn accept(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.change_requests()?;
    desk.require_answer(id).await?;
    let b: RequestAcceptBody = typed(body)?;
    desk.accept(id, version_or_error(b.version)?, b.value).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/change-requests/{id}/refuse", tag = "change-requests", params(("id" = i64, Path, description = "Request id")),
    request_body = RequestRefuseBody,
    responses((status = 204, description = "Refused; the member told the reason"),
              (status = 403, description = "You do not write this member's record", body = ErrorEnvelope),
              (status = 404, description = "No such request within your scope", body = ErrorEnvelope),
              (status = 409, description = "Changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "Answered already (`answered`), no reason (`required`)", body = ErrorEnvelope)))]
async fn refuse(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.change_requests()?;
    desk.require_answer(id).await?;
    let b: RequestRefuseBody = typed(body)?;
    desk.refuse(id, version_or_error(b.version)?, b.reason).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(get, path = "/api/v1/change-requests/{id}/file", tag = "change-requests", params(("id" = i64, Path, description = "Request id")),
    responses((status = 200, description = "The attachment as sent", body = Vec<u8>, content_type = "application/octet-stream"),
              (status = 404, description = "No such request with an attachment within your scope", body = ErrorEnvelope)))]
async fn file(s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    let f = s.change_requests()?.file(id).await?;
    Ok(crate::upload::download(&f.name, f.bytes))
}
