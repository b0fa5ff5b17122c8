//! `/api/v1/…/meetings`: chi bộ meetings (rules.md §9; docs/design/operations.md "Meetings").
//! Reading needs the read scope on the chi bộ; writing needs `meetings` or `write` on it, checked
//! before the body is read; every member named in an attendance must be on the roll of the day.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use domain::ids::{MemberId, UnitId};
use domain::meetings::{MeetingFields, MeetingInput, MeetingKind, Presence, Signer, Threshold, parse_resolution};
use serde::Deserialize;
use storage::{AttendanceInput, MeetingAlerts, MeetingReport, MeetingSummary, MeetingView, MinutesChange};
use utoipa::ToSchema;

use super::bodies::DateText;
use super::directives::YearParams;
use super::units::created;
use super::{Created, ErrorEnvelope, version_or_error};
use crate::error::AppError;
use crate::extract::{Json, PathId, Query, typed};
use crate::policy::{Policy, Route};
use crate::query::{QueryDate, param, parse_query_date, parse_year};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(domain::access::Capability::ReadRegister);
    vec![
        Route::get("/api/v1/units/{id}/meetings", read, list),
        Route::post("/api/v1/units/{id}/meetings", read, create),
        Route::get("/api/v1/units/{id}/meetings/alerts", read, alerts),
        Route::get("/api/v1/units/{id}/meetings/report", read, report),
        Route::get("/api/v1/meetings/{id}", Policy::Staff, detail),
        Route::put("/api/v1/meetings/{id}", Policy::Staff, update),
        Route::put("/api/v1/meetings/{id}/attendance", Policy::Staff, attendance),
        Route::post("/api/v1/meetings/{id}/resolutions", Policy::Staff, resolution),
        Route::post("/api/v1/meetings/{id}/minutes", Policy::Staff, minutes),
        Route::post("/api/v1/meetings/{id}/documents", Policy::Staff, add_document),
        Route::get("/api/v1/meetings/documents/{id}", Policy::Staff, download_document),
    ]
}

/// A meeting as scheduled or recorded.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingBody {
    pub kind: MeetingKind,
    pub held_on: DateText,
    /// "19:30".
    pub starts_at: String,
    /// Minutes, 1–1440 (absent: not written down yet).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1440)]
    pub length_minutes: Option<u32>,
    pub place: String,
    pub agenda: String,
    /// The version read (changes only).
    #[serde(default)]
    pub version: Option<i64>,
}

/// One member's attendance.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceRow {
    pub member: MemberId,
    pub presence: Presence,
    /// Required when excused.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The whole attendance: every member of the chi bộ on the roll of the day, the guests who came.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceBody {
    pub version: Option<i64>,
    pub rows: Vec<AttendanceRow>,
}

/// A resolution and its count.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolutionBody {
    pub version: Option<i64>,
    pub text: String,
    pub threshold: Threshold,
    #[schema(maximum = 100000)]
    pub votes_for: u32,
    #[serde(default)]
    #[schema(maximum = 100000)]
    pub votes_against: u32,
    #[serde(default)]
    #[schema(maximum = 100000)]
    pub votes_abstain: u32,
}

/// What is done to the minutes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MinutesAction {
    /// Replace the text (before both have signed).
    Edit,
    /// Sign as chair.
    SignChair,
    /// Sign as secretary.
    SignSecretary,
    /// Add a dated correction (once signed).
    Amend,
}

/// A change to the minutes: `text` for edit and amend, `name` of the signer for a signature.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MinutesBody {
    pub version: Option<i64>,
    pub action: MinutesAction,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// A period (default: this year up to today).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    #[param(value_type = Option<QueryDate>)]
    pub from: String,
    #[param(value_type = Option<QueryDate>)]
    pub to: String,
}

fn input(b: &MeetingBody, today: NaiveDate) -> Result<MeetingInput, AppError> {
    let held_on = b.held_on.to_string();
    let length = b.length_minutes.map(|n| n.to_string()).unwrap_or_default();
    let f = MeetingFields {
        kind: b.kind.code(),
        held_on: &held_on,
        starts_at: &b.starts_at,
        length_minutes: &length,
        place: &b.place,
        agenda: &b.agenda,
    };
    MeetingInput::parse(&f, today).map_err(AppError::validation)
}

#[utoipa::path(get, path = "/api/v1/units/{id}/meetings", tag = "meetings", params(("id" = i64, Path, description = "Chi bộ id"), YearParams),
    responses((status = 200, description = "The chi bộ's meetings in the year, in order", body = Vec<MeetingSummary>)))]
async fn list(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<YearParams>) -> Result<Response, AppError> {
    let year = param("year", parse_year(&p.year, s.today()))?;
    let (first, last) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31));
    let (first, last) = first.zip(last).ok_or_else(|| AppError::bad_request("Năm không hợp lệ."))?;
    Ok(axum::Json(s.meetings()?.unit_meetings(unit, first, last).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/units/{id}/meetings", tag = "meetings", params(("id" = i64, Path, description = "Chi bộ id")),
    request_body = MeetingBody,
    responses((status = 201, description = "Scheduled", body = Created),
              (status = 403, description = "You may not record this chi bộ's meetings", body = ErrorEnvelope),
              (status = 422, description = "A field refused, a unit that holds no meetings (`not_a_cell`: only a chi bộ and a grassroots party committee do), or a kind the unit does not hold (`kind`: `not_for_unit`)", body = ErrorEnvelope)))]
async fn create(s: Caller, PathId(unit): PathId<UnitId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.meetings()?;
    desk.require_recording(unit).await?;
    let b: MeetingBody = typed(body)?;
    Ok(created(desk.create(unit, input(&b, s.today())?).await?))
}

#[utoipa::path(get, path = "/api/v1/units/{id}/meetings/alerts", tag = "meetings", params(("id" = i64, Path, description = "Unit id"), YearParams),
    responses((status = 200, description = "The chi bộ under the unit that missed a regular meeting in a month or a thematic one in a quarter, and the members absent without reason in three months of the year", body = MeetingAlerts)))]
async fn alerts(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<YearParams>) -> Result<Response, AppError> {
    let year = param("year", parse_year(&p.year, s.today()))?;
    Ok(axum::Json(s.meetings()?.alerts(unit, year).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/units/{id}/meetings/report", tag = "meetings", params(("id" = i64, Path, description = "Unit id"), PeriodParams),
    responses((status = 200, description = "Meetings held and attendance per chi bộ under the unit, and the committees' own meetings (plenaries, executive and standing committees)", body = MeetingReport),
              (status = 422, description = "A period that ends before it begins", body = ErrorEnvelope)))]
async fn report(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<PeriodParams>) -> Result<Response, AppError> {
    let today = s.today();
    let from = param("from", parse_query_date(&p.from))?.unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
    let to = param("to", parse_query_date(&p.to))?.unwrap_or(today);
    Ok(axum::Json(s.meetings()?.report(unit, from, to).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "meetings", params(("id" = i64, Path, description = "Meeting id")),
    responses((status = 200, description = "The meeting with its list (the roll of the day until the attendance is recorded), resolutions and minutes", body = MeetingView),
              (status = 404, description = "No such meeting within your scope", body = ErrorEnvelope)))]
async fn detail(s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    Ok(axum::Json(s.meetings()?.meeting(id).await?).into_response())
}

#[utoipa::path(put, path = "/api/v1/meetings/{id}", tag = "meetings", params(("id" = i64, Path, description = "Meeting id")),
    request_body = MeetingBody,
    responses((status = 204, description = "Saved"),
              (status = 409, description = "The meeting changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "A field refused; the day of a meeting whose attendance is recorded (`attendance_recorded`)", body = ErrorEnvelope)))]
async fn update(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.meetings()?;
    desk.writable(id).await?;
    let b: MeetingBody = typed(body)?;
    let version = version_or_error(b.version)?;
    desk.update(id, version, input(&b, s.today())?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(put, path = "/api/v1/meetings/{id}/attendance", tag = "meetings", params(("id" = i64, Path, description = "Meeting id")),
    request_body = AttendanceBody,
    responses((status = 204, description = "Recorded"),
              (status = 409, description = "The meeting changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "A member not on the roll (`not_on_roll`), one missing (`incomplete`), twice (`duplicate`), an excuse without reason, a meeting not yet held (`not_yet_held`)", body = ErrorEnvelope)))]
async fn attendance(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.meetings()?;
    desk.writable(id).await?;
    let b: AttendanceBody = typed(body)?;
    let version = version_or_error(b.version)?;
    let rows = b.rows.into_iter().map(|r| AttendanceInput { member: r.member, presence: r.presence, reason: r.reason }).collect();
    desk.record_attendance(id, version, rows).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/resolutions", tag = "meetings", params(("id" = i64, Path, description = "Meeting id")),
    request_body = ResolutionBody,
    responses((status = 204, description = "Recorded, with its outcome"),
              (status = 409, description = "The meeting changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "More votes than members present who count (`too_many_votes`), the attendance not recorded yet (`attendance_first`)", body = ErrorEnvelope)))]
async fn resolution(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.meetings()?;
    desk.writable(id).await?;
    let b: ResolutionBody = typed(body)?;
    let version = version_or_error(b.version)?;
    let input =
        parse_resolution(&b.text, b.threshold.code(), &b.votes_for.to_string(), &b.votes_against.to_string(), &b.votes_abstain.to_string())
            .map_err(AppError::validation)?;
    desk.add_resolution(id, version, input).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/minutes", tag = "meetings", params(("id" = i64, Path, description = "Meeting id")),
    request_body = MinutesBody,
    responses((status = 204, description = "Saved"),
              (status = 409, description = "The meeting changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "Minutes locked (`locked`), signed twice in one role (`already_signed`), amended before they are signed (`not_locked`), empty", body = ErrorEnvelope)))]
async fn minutes(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.meetings()?;
    desk.writable(id).await?;
    let b: MinutesBody = typed(body)?;
    let version = version_or_error(b.version)?;
    let text = b.text.unwrap_or_default();
    let name = b.name.unwrap_or_default();
    let change = match b.action {
        MinutesAction::Edit => MinutesChange::Edit(text),
        MinutesAction::SignChair => MinutesChange::Sign(Signer::Chair, name),
        MinutesAction::SignSecretary => MinutesChange::Sign(Signer::Secretary, name),
        MinutesAction::Amend => MinutesChange::Amend(text),
    };
    desk.change_minutes(id, version, change).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/documents", tag = "meetings",
    params(("id" = i64, Path, description = "Meeting id"), super::directives::FileParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file, at most 20 MB"),
    responses((status = 201, description = "Posted; the members on the roll are told when the meeting is to come", body = Created),
              (status = 403, description = "The caller does not record this chi bộ's meetings", body = ErrorEnvelope),
              (status = 422, description = "An empty, too large or refused file (`type`: told from its content), a missing name, more than 20 documents, a scanner that refused it (`infected`, `scan_failed`)", body = ErrorEnvelope)))]
async fn add_document(
    s: Caller,
    axum::extract::State(state): axum::extract::State<crate::session::AppState>,
    PathId(id): PathId<i64>,
    Query(p): Query<super::directives::FileParams>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let desk = s.meetings()?;
    desk.writable(id).await?;
    let file = crate::upload::check(state.auth.scan_command.as_deref(), &p.name, body.to_vec())
        .await
        .map_err(|e| AppError::validation(domain::ValidationErrors { errors: vec![e] }))?;
    Ok(created(desk.add_document(id, &file.name, file.media_type, &file.bytes).await?))
}

#[utoipa::path(get, path = "/api/v1/meetings/documents/{id}", tag = "meetings", params(("id" = i64, Path, description = "Document id")),
    responses((status = 200, description = "The file as posted", body = Vec<u8>, content_type = "application/octet-stream"),
              (status = 404, description = "Not a document of a meeting the caller reads", body = ErrorEnvelope)))]
async fn download_document(s: Caller, PathId(document): PathId<i64>) -> Result<Response, AppError> {
    let (view, bytes) = s.meetings()?.document(document).await?;
    Ok(crate::upload::download(&view.name, bytes))
}
