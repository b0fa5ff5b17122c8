//! `/api/v1/members`: search, create, read, update, events and corrections.
//!
//! Bodies are typed ([`super::bodies`]) and parsed by the same domain inputs as the forms.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::event::{Entry, EventInput};
use domain::ids::{EventId, MemberId};
use domain::member::{IdentityInput, ProfileInput};
use serde::Deserialize;
use utoipa::ToSchema;

use super::units::created;
use domain::event::RecordedEvent;
use storage::{MemberDetail, MemberPage};

use super::bodies::{DateText, EventBody, IdentityBody, ProfileBody};
use super::{Created, ErrorEnvelope};
use crate::error::AppError;
use crate::extract::{Json, PathId, PathIds, Query};
use crate::forms;
use crate::policy::{Policy, Route};
use crate::query::MemberFilterParams;
use crate::session::Caller;
use domain::access::Capability;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/members", Policy::Needs(Capability::ReadRegister), list),
        Route::post("/api/v1/members", Policy::Needs(Capability::WriteRegister), create),
        Route::get("/api/v1/members/{id}", Policy::Needs(Capability::ReadRegister), detail),
        Route::put("/api/v1/members/{id}", Policy::Needs(Capability::WriteRegister), update),
        Route::get("/api/v1/members/{id}/events", Policy::Needs(Capability::ReadRegister), events),
        Route::post("/api/v1/members/{id}/events", Policy::Needs(Capability::WriteRegister), record_event),
        Route::post("/api/v1/members/{id}/events/{event_id}/corrections", Policy::Needs(Capability::WriteRegister), correct_event),
    ]
}

#[utoipa::path(get, path = "/api/v1/members", tag = "members", params(MemberFilterParams),
    responses((status = 200, description = "A page of members: `{total, page, per_page, items}`", body = MemberPage),
              (status = 400, description = "Bad filter", body = ErrorEnvelope)))]
async fn list(s: Caller, Query(p): Query<MemberFilterParams>) -> Result<Response, AppError> {
    let query = p.parse(s.today()).map_err(AppError::bad_query)?;
    Ok(axum::Json(s.reader()?.find_members(&query).await?).into_response())
}

/// `POST /api/v1/members`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMemberBody {
    pub identity: IdentityBody,
    pub profile: ProfileBody,
    /// Date the profile applies from (absent: since always).
    pub profile_from: Option<DateText>,
    /// The history so far, oldest first (at least the admission).
    #[schema(min_items = 1)]
    pub events: Vec<EventBody>,
}

#[utoipa::path(post, path = "/api/v1/members", tag = "members", request_body = CreateMemberBody,
    responses((status = 201, description = "Created", body = Created),
              (status = 422, description = "Invalid fields (event fields as `events[i].field`, rule problems as `event`)", body = ErrorEnvelope)))]
async fn create(s: Caller, Json(b): Json<CreateMemberBody>) -> Result<Response, AppError> {
    let identity = IdentityInput::from(b.identity);
    let profile = ProfileInput::from(b.profile);
    let events: Vec<(String, EventInput)> =
        b.events.into_iter().enumerate().map(|(i, e)| (format!("events[{i}]."), EventInput::from(e))).collect();
    let profile_from = b.profile_from.map(|d| d.to_string()).unwrap_or_default();
    let new = forms::new_member(&identity, &profile, &profile_from, &events, s.today()).map_err(AppError::validation)?;
    let id = s.register_writer()?.create_member(new).await?;
    Ok(created(id.0))
}

#[utoipa::path(get, path = "/api/v1/members/{id}", tag = "members", params(("id" = i64, Path, description = "Member id")),
    responses((status = 200, description = "The member: identity, profiles, events, derived history, unit names, version", body = MemberDetail),
              (status = 404, description = "No such member", body = ErrorEnvelope)))]
async fn detail(s: Caller, PathId(id): PathId<MemberId>) -> Result<Response, AppError> {
    Ok(axum::Json(s.reader()?.member(id).await?).into_response())
}

/// `PUT /api/v1/members/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberBody {
    /// The version read (optimistic concurrency).
    pub version: i64,
    pub identity: IdentityBody,
    /// A new profile, valid from `profile_from` (required with it).
    pub profile: Option<ProfileBody>,
    pub profile_from: Option<DateText>,
}

#[utoipa::path(put, path = "/api/v1/members/{id}", tag = "members", request_body = UpdateMemberBody, params(("id" = i64, Path, description = "Member id")),
    responses((status = 204, description = "Saved"), (status = 409, description = "Someone else saved first (`current_version`)", body = ErrorEnvelope),
              (status = 422, description = "Invalid fields", body = ErrorEnvelope)))]
async fn update(s: Caller, PathId(id): PathId<MemberId>, Json(b): Json<UpdateMemberBody>) -> Result<Response, AppError> {
    let identity = IdentityInput::from(b.identity);
    let profile = b.profile.map(ProfileInput::from);
    let profile_from = b.profile_from.map(|d| d.to_string()).unwrap_or_default();
    let update = forms::member_update(b.version, &identity, profile.as_ref().map(|p| (p, profile_from.as_str())), s.today())
        .map_err(AppError::validation)?;
    s.register_writer()?.update_member(id, update).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(get, path = "/api/v1/members/{id}/events", tag = "members", params(("id" = i64, Path, description = "Member id")),
    responses((status = 200, description = "Every stored event, corrections included, in the order recorded", body = Vec<RecordedEvent>)))]
async fn events(s: Caller, PathId(id): PathId<MemberId>) -> Result<Response, AppError> {
    Ok(axum::Json(s.reader()?.member(id).await?.events).into_response())
}

/// `POST /api/v1/members/{id}/events`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordEventBody {
    /// The member's version read (optimistic concurrency).
    pub version: i64,
    pub event: EventBody,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/events", tag = "members", request_body = RecordEventBody, params(("id" = i64, Path, description = "Member id")),
    responses((status = 201, description = "Recorded: the event's id", body = Created),
              (status = 409, description = "Version conflict", body = ErrorEnvelope),
              (status = 422, description = "Invalid fields or a rule refuses the event (field `event`)", body = ErrorEnvelope)))]
async fn record_event(s: Caller, PathId(id): PathId<MemberId>, Json(b): Json<RecordEventBody>) -> Result<Response, AppError> {
    let data = EventInput::from(b.event).parse(s.today()).map_err(AppError::validation)?;
    let event = s.register_writer()?.record_event(id, b.version, data).await?;
    Ok(created(event.0))
}

/// `POST /api/v1/members/{id}/events/{event_id}/corrections`: void the event, or give its new content.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionBody {
    /// The member's version read (optimistic concurrency).
    pub version: i64,
    /// `true`: void the event (then `event` is ignored).
    #[serde(default)]
    pub void: bool,
    /// Why (required).
    pub reason: String,
    /// The event's new content, when not voiding.
    pub event: Option<EventBody>,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/events/{event_id}/corrections", tag = "members", request_body = CorrectionBody,
    params(("id" = i64, Path, description = "Member id"), ("event_id" = i64, Path, description = "Event corrected")),
    responses((status = 201, description = "Recorded: the correction's id", body = Created),
              (status = 409, description = "Version conflict", body = ErrorEnvelope),
              (status = 422, description = "Invalid fields", body = ErrorEnvelope)))]
async fn correct_event(
    s: Caller,
    PathIds(id, target): PathIds<MemberId, EventId>,
    Json(b): Json<CorrectionBody>,
) -> Result<Response, AppError> {
    let entry = match (b.void, b.event) {
        (true, _) => Entry::Void,
        (false, Some(event)) => Entry::Event(EventInput::from(event).parse(s.today()).map_err(AppError::validation)?),
        (false, None) => {
            return Err(AppError::validation(domain::ValidationErrors::single(
                "event",
                "required",
                "Nhập nội dung mới của sự kiện, hoặc hủy sự kiện (void).",
            )));
        }
    };
    let event = s.register_writer()?.correct_event(id, b.version, target, entry, b.reason).await?;
    Ok(created(event.0))
}
