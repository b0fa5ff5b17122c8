//! `/api/v1/inbox…`: the caller's own notices (docs/design/operations.md "Notifications") and the
//! address they are mailed to. Nobody reaches another's notices: every call goes through
//! `storage::access::Inbox`, bound to the caller's account.

use axum::response::{IntoResponse, Response};
use domain::FieldError;
use domain::notifications::EmailAddress;
use serde::{Deserialize, Serialize};
use storage::{InboxPage, NotificationView};
use utoipa::ToSchema;

use super::{ErrorEnvelope, version_or_error};
use crate::error::AppError;
use crate::extract::{Json, PathId, Query, typed};
use crate::policy::{Policy, Route};
use crate::query::param;
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/inbox", Policy::LoggedIn, list),
        Route::post("/api/v1/inbox/read", Policy::LoggedIn, mark_read),
        Route::post("/api/v1/inbox/{id}/read", Policy::LoggedIn, open),
        Route::put("/api/v1/account/email", Policy::LoggedIn, set_email),
    ]
}

/// Which notices.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct InboxParams {
    /// `true`: unread notices only (default `false`).
    #[param(value_type = Option<bool>)]
    pub unread: String,
    /// Notices older than this id (the previous page's `next_before`).
    #[param(value_type = Option<i64>, minimum = 1)]
    pub before: String,
    /// Notices per page, 1–200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: String,
}

/// Every notice up to `upto` (the newest the caller saw) is marked read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadBody {
    /// A notice id.
    #[schema(minimum = 1)]
    pub upto: i64,
}

/// How many notices were marked read.
#[derive(Debug, Serialize, ToSchema)]
pub struct Marked {
    pub marked: u64,
}

/// The address notices are also mailed to (`null` or empty: none), with the account's version.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailBody {
    pub version: Option<i64>,
    pub email: Option<String>,
}

fn parse_bool(raw: &str) -> Result<bool, FieldError> {
    match raw.trim() {
        "" | "false" => Ok(false),
        "true" => Ok(true),
        _ => Err(FieldError::new("", "invalid", "Giá trị phải là true hoặc false.")),
    }
}

fn parse_bounded(raw: &str, min: i64, max: i64) -> Result<Option<i64>, FieldError> {
    match raw.trim() {
        "" => Ok(None),
        t => match t.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            Ok(_) => Err(FieldError::new("", "out_of_range", format!("Phải là số trong khoảng {min}–{max}."))),
            Err(_) => Err(FieldError::new("", "invalid", "Phải là một số nguyên.")),
        },
    }
}

#[utoipa::path(get, path = "/api/v1/inbox", tag = "inbox", params(InboxParams),
    responses((status = 200, description = "The caller's notices, newest first, with the count of unread ones", body = InboxPage)))]
async fn list(s: Caller, Query(p): Query<InboxParams>) -> Result<Response, AppError> {
    let unread = param("unread", parse_bool(&p.unread))?;
    let before = param("before", parse_bounded(&p.before, 1, i64::MAX))?;
    let limit = param("limit", parse_bounded(&p.limit, 1, 200))?.unwrap_or(50);
    Ok(axum::Json(s.inbox().page(before, unread, limit as usize).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/inbox/{id}/read", tag = "inbox", params(("id" = i64, Path, description = "Notice id")),
    responses((status = 200, description = "The notice, read from now on", body = NotificationView),
              (status = 404, description = "No such notice among the caller's", body = ErrorEnvelope)))]
async fn open(s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    Ok(axum::Json(s.inbox().open(id).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/inbox/read", tag = "inbox", request_body = ReadBody,
    responses((status = 200, description = "The caller's unread notices up to `upto` were marked read", body = Marked),
              (status = 422, description = "`upto` is not a notice id (`out_of_range`)", body = ErrorEnvelope)))]
async fn mark_read(s: Caller, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let b: ReadBody = typed(body)?;
    if b.upto < 1 {
        return Err(AppError::validation(domain::ValidationErrors::single("upto", "out_of_range", "Mã thông báo phải là số dương.")));
    }
    Ok(axum::Json(Marked { marked: s.inbox().mark_read(b.upto).await? }).into_response())
}

#[utoipa::path(put, path = "/api/v1/account/email", tag = "inbox", request_body = EmailBody,
    responses((status = 204, description = "Saved"),
              (status = 409, description = "The account changed since it was read (`version`)", body = ErrorEnvelope),
              (status = 422, description = "Not an e-mail address (`email`: `invalid`), or no version", body = ErrorEnvelope)))]
async fn set_email(s: Caller, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let b: EmailBody = typed(body)?;
    let version = version_or_error(b.version)?;
    let email = match b.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        None => None,
        Some(e) => Some(EmailAddress::parse(e).map_err(|e| AppError::validation(domain::ValidationErrors { errors: vec![e] }))?),
    };
    s.inbox().set_email(version, email).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}
