//! `/api/v1/feedback…`: questions, proposals and recommendations sent up the tree and their
//! answers (docs/design/operations.md "Feedback upward"). A member sends as themselves, staff for
//! the units they hold a grant on; every id named goes through `storage::access::FeedbackDesk`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::feedback::{FeedbackInput, FeedbackKind, parse_answer};
use domain::ids::UnitId;
use serde::{Deserialize, Serialize};
use storage::{Addressee, FeedbackView, Sender};
use utoipa::ToSchema;

use super::units::created;
use super::{Created, ErrorEnvelope, version_or_error};
use crate::error::AppError;
use crate::extract::{Json, PathId, typed};
use crate::policy::{Policy, Route};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/feedback", Policy::LoggedIn, list),
        Route::post("/api/v1/feedback", Policy::LoggedIn, send),
        Route::get("/api/v1/feedback/{id}", Policy::LoggedIn, detail),
        Route::post("/api/v1/feedback/{id}/answer", Policy::LoggedIn, answer),
    ]
}

/// What a caller sees: what was sent to the units they answer for, what they and their units sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackLists {
    pub received: Vec<FeedbackView>,
    pub sent: Vec<FeedbackView>,
}

/// Something sent up. `from_unit` absent: the caller sends as themselves (a member).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackBody {
    #[serde(default)]
    pub from_unit: Option<UnitId>,
    pub to_unit: UnitId,
    pub kind: FeedbackKind,
    pub subject: String,
    pub body: String,
}

/// An answer, with the version read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    pub version: Option<i64>,
    pub answer: String,
}

/// An item as the caller reads it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackRead {
    pub item: FeedbackView,
    pub may_answer: bool,
}

#[utoipa::path(get, path = "/api/v1/feedback", tag = "feedback",
    responses((status = 200, description = "What was sent to the caller's units and what the caller sent", body = FeedbackLists)))]
async fn list(s: Caller) -> Result<Response, AppError> {
    let desk = s.feedback();
    let mut received = Vec::new();
    for unit in desk.acts_for() {
        received.extend(desk.to_unit(*unit).await?);
    }
    Ok(axum::Json(FeedbackLists { received, sent: desk.sent().await? }).into_response())
}

#[utoipa::path(post, path = "/api/v1/feedback", tag = "feedback", request_body = FeedbackBody,
    responses((status = 201, description = "Sent", body = Created),
              (status = 403, description = "The caller does not send for this unit (or is no member)", body = ErrorEnvelope),
              (status = 422, description = "An addressee that is not the sender's chi bộ or a committee above it (`not_above`), a field refused", body = ErrorEnvelope)))]
async fn send(s: Caller, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let b: FeedbackBody = typed(body)?;
    let desk = s.feedback();
    let from = match b.from_unit {
        Some(u) => Sender::Unit(u),
        None => Sender::Member(s.principal().member.ok_or_else(AppError::forbidden)?),
    };
    // The sender is checked before the rest of the body.
    let _: Vec<Addressee> = desk.addressees(from).await?;
    let input = FeedbackInput::parse(b.kind.code(), &b.subject, &b.body).map_err(AppError::validation)?;
    Ok(created(desk.send(from, b.to_unit, input).await?))
}

#[utoipa::path(get, path = "/api/v1/feedback/{id}", tag = "feedback", params(("id" = i64, Path, description = "Feedback id")),
    responses((status = 200, description = "The item, and whether the caller may answer it", body = FeedbackRead),
              (status = 404, description = "Not sent by the caller nor to or from a unit the caller reads", body = ErrorEnvelope)))]
async fn detail(s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    let (item, may_answer) = s.feedback().item(id).await?;
    Ok(axum::Json(FeedbackRead { item, may_answer }).into_response())
}

#[utoipa::path(post, path = "/api/v1/feedback/{id}/answer", tag = "feedback", params(("id" = i64, Path, description = "Feedback id")),
    request_body = AnswerBody,
    responses((status = 204, description = "Answered"),
              (status = 403, description = "The caller does not answer for the addressee", body = ErrorEnvelope),
              (status = 409, description = "Changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "Answered already (`already`), an empty answer", body = ErrorEnvelope)))]
async fn answer(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.feedback();
    let (item, _) = desk.item(id).await?;
    if !desk.acts_for().contains(&item.to_unit) {
        return Err(AppError::forbidden());
    }
    let b: AnswerBody = typed(body)?;
    let version = version_or_error(b.version)?;
    let text = parse_answer(&b.answer).map_err(AppError::validation)?;
    desk.answer(id, version, text).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
