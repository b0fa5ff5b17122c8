//! `/api/v1/members`: search, create, read, update, events and corrections.
//!
//! The member record and events are sent as objects of text fields (the same inputs as the
//! forms: `IdentityInput`, `ProfileInput`, `EventInput`); numbers and booleans are accepted too
//! and read as text, so `"unit_id": 7` and `"unit_id": "7"` mean the same.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::event::{Entry, EventInput};
use domain::ids::EventId;
use domain::member::{IdentityInput, ProfileInput};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::units::created;
use crate::error::AppError;
use crate::extract::{Json, Query};
use crate::forms;
use crate::pages::members::member_id;
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

/// Reads a JSON object of text fields, turning numbers and booleans into text first.
pub(crate) fn text_fields<T: DeserializeOwned + Default>(value: Option<Value>, what: &str) -> Result<T, AppError> {
    let Some(value) = value else { return Ok(T::default()) };
    let Value::Object(map) = value else {
        return Err(AppError::bad_request(format!("“{what}” phải là một đối tượng JSON.")));
    };
    let map: Map<String, Value> = map
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let v = match v {
                Value::Number(n) => Value::String(n.to_string()),
                Value::Bool(b) => Value::String(b.to_string()),
                other => other,
            };
            (k, v)
        })
        .collect();
    serde_json::from_value(Value::Object(map)).map_err(|e| AppError::bad_request(format!("“{what}” không hợp lệ: {e}")))
}

#[utoipa::path(get, path = "/api/v1/members", tag = "members", params(MemberFilterParams),
    responses((status = 200, description = "A page of members: `{total, page, per_page, items}`", body = serde_json::Value),
              (status = 400, description = "Bad filter", body = serde_json::Value)))]
async fn list(s: Caller, Query(p): Query<MemberFilterParams>) -> Result<Response, AppError> {
    let query = p.parse(s.today()).map_err(AppError::bad_query)?;
    Ok(axum::Json(s.reader()?.find_members(&query).await?).into_response())
}

/// `POST /api/v1/members`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct CreateMemberBody {
    /// Identity fields: full_name, other_names, gender, birth_date, birthplace, hometown,
    /// ethnicity, religion, citizen_id, phone, party_card_number, ly_lich_number.
    #[schema(value_type = Object)]
    pub identity: Option<Value>,
    /// Profile fields: general_education, professional, academic_title, political_theory,
    /// foreign_language, it_level, occupation, youth_union, residence.
    #[schema(value_type = Object)]
    pub profile: Option<Value>,
    /// Date the profile applies from (empty: since always).
    pub profile_from: String,
    /// The history so far, oldest first: objects with kind, effective_date, unit_id, to_unit_id,
    /// external_unit, mode, reason, difficult_family, decision_number, decision_date, issuer, note.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<Value>,
}

#[utoipa::path(post, path = "/api/v1/members", tag = "members", request_body = CreateMemberBody,
    responses((status = 201, description = "Created: `{\"id\": …}`", body = serde_json::Value),
              (status = 422, description = "Invalid fields (event fields as `events[i].field`, rule problems as `event`)", body = serde_json::Value)))]
async fn create(s: Caller, Json(b): Json<CreateMemberBody>) -> Result<Response, AppError> {
    let identity: IdentityInput = text_fields(b.identity, "identity")?;
    let profile: ProfileInput = text_fields(b.profile, "profile")?;
    let mut events = Vec::with_capacity(b.events.len());
    for (i, v) in b.events.into_iter().enumerate() {
        events.push((format!("events[{i}]."), text_fields::<EventInput>(Some(v), "events")?));
    }
    let new = forms::new_member(&identity, &profile, &b.profile_from, &events, s.today()).map_err(AppError::validation)?;
    let id = s.register_writer()?.create_member(new).await?;
    Ok(created(id.0))
}

#[utoipa::path(get, path = "/api/v1/members/{id}", tag = "members", params(("id" = i64, Path, description = "Member id")),
    responses((status = 200, description = "The member: identity, profiles, events, derived history, unit names, version", body = serde_json::Value),
              (status = 404, description = "No such member", body = serde_json::Value)))]
async fn detail(s: Caller, Path(id): Path<String>) -> Result<Response, AppError> {
    Ok(axum::Json(s.reader()?.member(member_id(&id)?).await?).into_response())
}

/// `PUT /api/v1/members/{id}`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct UpdateMemberBody {
    /// The version read (optimistic concurrency).
    pub version: Option<i64>,
    #[schema(value_type = Object)]
    pub identity: Option<Value>,
    /// A new profile, valid from `profile_from` (required with it).
    #[schema(value_type = Object)]
    pub profile: Option<Value>,
    pub profile_from: String,
}

#[utoipa::path(put, path = "/api/v1/members/{id}", tag = "members", request_body = UpdateMemberBody, params(("id" = i64, Path, description = "Member id")),
    responses((status = 204, description = "Saved"), (status = 409, description = "Someone else saved first (`current_version`)", body = serde_json::Value),
              (status = 422, description = "Invalid fields", body = serde_json::Value)))]
async fn update(s: Caller, Path(id): Path<String>, Json(b): Json<UpdateMemberBody>) -> Result<Response, AppError> {
    let id = member_id(&id)?;
    let version = super::version_or_error(b.version)?;
    let identity: IdentityInput = text_fields(b.identity, "identity")?;
    let profile: Option<ProfileInput> = match b.profile {
        Some(v) => Some(text_fields(Some(v), "profile")?),
        None => None,
    };
    let update = forms::member_update(version, &identity, profile.as_ref().map(|p| (p, b.profile_from.as_str())), s.today())
        .map_err(AppError::validation)?;
    s.register_writer()?.update_member(id, update).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(get, path = "/api/v1/members/{id}/events", tag = "members", params(("id" = i64, Path, description = "Member id")),
    responses((status = 200, description = "Every stored event, corrections included, in the order recorded", body = serde_json::Value)))]
async fn events(s: Caller, Path(id): Path<String>) -> Result<Response, AppError> {
    Ok(axum::Json(s.reader()?.member(member_id(&id)?).await?.events).into_response())
}

/// Splits `version` off a body whose other fields are an event.
fn versioned_event(mut body: Value) -> Result<(i64, Map<String, Value>), AppError> {
    let Value::Object(map) = &mut body else { return Err(AppError::bad_request("Nội dung phải là một đối tượng JSON.")) };
    let version = match map.remove("version") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let version = super::version_or_error(version)?;
    Ok((version, std::mem::take(map)))
}

/// `POST /api/v1/members/{id}/events`: `version` plus the event fields.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct RecordEventBody {
    pub version: i64,
    /// kind (an event kind code), effective_date, unit_id, to_unit_id, external_unit, mode,
    /// reason, difficult_family, decision_number, decision_date, issuer, note.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub event: Map<String, Value>,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/events", tag = "members", request_body = RecordEventBody, params(("id" = i64, Path, description = "Member id")),
    responses((status = 201, description = "Recorded: `{\"id\": event id}`", body = serde_json::Value),
              (status = 409, description = "Version conflict", body = serde_json::Value),
              (status = 422, description = "Invalid fields or a rule refuses the event (field `event`)", body = serde_json::Value)))]
async fn record_event(s: Caller, Path(id): Path<String>, Json(body): Json<Value>) -> Result<Response, AppError> {
    let id = member_id(&id)?;
    let (version, fields) = versioned_event(body)?;
    let input: EventInput = text_fields(Some(Value::Object(fields)), "event")?;
    let data = input.parse(s.today()).map_err(AppError::validation)?;
    let event = s.register_writer()?.record_event(id, version, data).await?;
    Ok(created(event.0))
}

/// `POST /api/v1/members/{id}/events/{event_id}/corrections`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct CorrectionBody {
    pub version: i64,
    /// `true`: void the event; otherwise the other fields are its new content.
    pub void: bool,
    /// Why (required).
    pub reason: String,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub event: Map<String, Value>,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/events/{event_id}/corrections", tag = "members", request_body = CorrectionBody,
    params(("id" = i64, Path, description = "Member id"), ("event_id" = i64, Path, description = "Event corrected")),
    responses((status = 201, description = "Recorded: `{\"id\": correction id}`", body = serde_json::Value),
              (status = 409, description = "Version conflict", body = serde_json::Value),
              (status = 422, description = "Invalid fields", body = serde_json::Value)))]
async fn correct_event(s: Caller, Path((id, event_id)): Path<(String, String)>, Json(body): Json<Value>) -> Result<Response, AppError> {
    let id = member_id(&id)?;
    let target = event_id.trim().parse::<i64>().ok().filter(|v| *v > 0).map(EventId).ok_or_else(AppError::not_found)?;
    let (version, mut fields) = versioned_event(body)?;
    let void = match fields.remove("void") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => b,
        Some(_) => return Err(AppError::bad_request("“void” phải là true hoặc false.")),
    };
    // The correction's reason; an event's strike-off reason, if any, travels as `event.reason`.
    let reason = match fields.remove("reason") {
        Some(Value::String(r)) => r,
        _ => String::new(),
    };
    if let Some(Value::Object(nested)) = fields.remove("event") {
        fields.extend(nested);
    }
    let entry = if void {
        Entry::Void
    } else {
        let input: EventInput = text_fields(Some(Value::Object(fields)), "event")?;
        Entry::Event(input.parse(s.today()).map_err(AppError::validation)?)
    };
    let event = s.register_writer()?.correct_event(id, version, target, entry, reason).await?;
    Ok(created(event.0))
}
