//! `/api/v1/directives…`: directives sent down the tree and what each receiving unit does with
//! them (docs/design/operations.md). Every id named — the unit in the path, the directive, the
//! receiving unit, the units to remind in the body — goes through `storage::access::DirectiveDesk`:
//! a directive neither sent nor received within the read scope is 404; acting for a unit needs a
//! staff grant on that very unit (403 otherwise).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::ValidationErrors;
use domain::directives::{Draft, DraftFields, Reach};
use domain::ids::UnitId;
use domain::unit::UnitKind;
use serde::{Deserialize, Serialize};
use storage::access::DirectiveSight;
use storage::{DirectiveDetail, ReceiptStep, ReceivedItem, SentItem};
use utoipa::ToSchema;

use super::bodies::DateText;
use super::units::created;
use super::{Created, ErrorEnvelope};
use crate::error::AppError;
use crate::extract::{Json, PathId, PathIds, Query, typed};
use crate::policy::{Policy, Route};
use crate::query::{param, parse_year};
use crate::session::{AppState, Caller};

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(domain::access::Capability::ReadRegister);
    vec![
        Route::get("/api/v1/directives/to-do", Policy::Staff, to_do),
        Route::get("/api/v1/units/{id}/directives/received", read, received),
        Route::get("/api/v1/units/{id}/directives/sent", read, sent),
        Route::post("/api/v1/units/{id}/directives", read, send),
        Route::get("/api/v1/directives/{id}", Policy::Staff, detail),
        Route::post("/api/v1/directives/{id}/receipts/{unit}", Policy::Staff, record),
        Route::post("/api/v1/directives/{id}/receipts/{unit}/pass-on", Policy::Staff, pass_on),
        Route::post("/api/v1/directives/{id}/reminders", Policy::Staff, remind),
        Route::post("/api/v1/directives/{id}/files", Policy::Staff, attach_sender),
        Route::post("/api/v1/directives/{id}/receipts/{unit}/files", Policy::Staff, attach_report),
        Route::get("/api/v1/directives/files/{id}", Policy::Staff, download),
    ]
}

/// The year of a list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct YearParams {
    /// The year the directives were sent in, 2000–2100 (default: this year).
    #[param(value_type = Option<i32>, minimum = 2000, maximum = 2100)]
    pub year: String,
}

/// A directive as sent. A task needs exactly one of `deadline_days` and `deadline_date`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectiveBody {
    /// chi-thi, ke-hoach, cong-van, thong-bao.
    pub kind: String,
    /// Số, ký hiệu: "15-KH/TU".
    pub number: String,
    /// Trích yếu.
    pub title: String,
    pub body: String,
    /// The kinds of unit under the sender that receive it (empty or absent: every kind).
    #[serde(default)]
    pub reach_kinds: Vec<UnitKind>,
    /// Levels below the sender, 1–10 (absent: any depth).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10)]
    pub reach_depth: Option<u32>,
    /// What is to be done and reported back (absent: for information).
    #[serde(default)]
    pub task: Option<String>,
    /// Working days from the day of sending, 1–500.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 500)]
    pub deadline_days: Option<u32>,
    #[serde(default)]
    pub deadline_date: Option<DateText>,
}

/// A directive as this caller reads it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectiveRead {
    /// The directive with the receipts the caller reads (every receipt for the sender's readers;
    /// otherwise those of the receiving units in the caller's scope).
    pub detail: DirectiveDetail,
    /// The caller reads the sender: every receipt and the sender's count.
    pub sees_all: bool,
    /// The receiving units the caller acts for (opening the directive recorded their opening).
    pub acts_for: Vec<UnitId>,
    /// The receiving units the caller may remind.
    pub may_remind: Vec<UnitId>,
    /// The caller sends for the sender: may add the sender's files.
    pub may_attach: bool,
}

impl From<DirectiveSight> for DirectiveRead {
    fn from(s: DirectiveSight) -> Self {
        DirectiveRead { detail: s.detail, sees_all: s.sees_all, acts_for: s.acts_for, may_remind: s.may_remind, may_attach: s.sender_staff }
    }
}

/// A step a receiving unit records.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepCode {
    /// Being worked on.
    Start,
    /// Done; `report` required.
    Done,
}

/// A receiving unit's step, with the receipt's version as read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptBody {
    pub step: StepCode,
    /// The completion report (step `done`).
    #[serde(default)]
    pub report: Option<String>,
    pub version: Option<i64>,
}

/// Passing a task on to units under the receiving unit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PassOnBody {
    #[serde(default)]
    pub reach_kinds: Vec<UnitKind>,
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10)]
    pub reach_depth: Option<u32>,
    /// A last day for them, not after the unit's own (absent: the same).
    #[serde(default)]
    pub due_on: Option<DateText>,
}

/// How many units were reached or reminded.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reached {
    pub units: u32,
}

/// The receiving units to remind.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemindBody {
    pub units: Vec<UnitId>,
}

fn year(s: &Caller, p: &YearParams) -> Result<i32, AppError> {
    param("year", parse_year(&p.year, s.today()))
}

#[utoipa::path(get, path = "/api/v1/directives/to-do", tag = "directives",
    responses((status = 200, description = "What the units the caller acts for still have to do: tasks not done (by last day), directives not opened", body = Vec<ReceivedItem>)))]
async fn to_do(s: Caller) -> Result<Response, AppError> {
    Ok(axum::Json(s.directives()?.to_do().await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/units/{id}/directives/received", tag = "directives", params(("id" = i64, Path, description = "Unit id"), YearParams),
    responses((status = 200, description = "The directives the unit received, sent in the year, newest first, each with the unit's receipt", body = Vec<ReceivedItem>)))]
async fn received(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<YearParams>) -> Result<Response, AppError> {
    let year = year(&s, &p)?;
    Ok(axum::Json(s.directives()?.received(unit, year).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/units/{id}/directives/sent", tag = "directives", params(("id" = i64, Path, description = "Unit id"), YearParams),
    responses((status = 200, description = "The directives the unit sent in the year, newest first, each with the count of its receivers", body = Vec<SentItem>)))]
async fn sent(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<YearParams>) -> Result<Response, AppError> {
    let year = year(&s, &p)?;
    Ok(axum::Json(s.directives()?.sent(unit, year).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/units/{id}/directives", tag = "directives", params(("id" = i64, Path, description = "The sending unit (one the caller holds a staff grant on, with write or decide)")),
    request_body = DirectiveBody,
    responses((status = 201, description = "Sent to the units the reach picks under the sender today", body = Created),
              (status = 403, description = "The caller does not send for this unit", body = ErrorEnvelope),
              (status = 422, description = "A field refused, or a reach that picks no unit (`none`)", body = ErrorEnvelope)))]
async fn send(s: Caller, PathId(sender): PathId<UnitId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.directives()?;
    // Authorized before the body is read.
    desk.require_sending(sender).await?;
    let b: DirectiveBody = typed(body)?;
    let kinds: Vec<String> = b.reach_kinds.iter().map(|k| k.code().to_owned()).collect();
    let (depth, days) =
        (b.reach_depth.map(|d| d.to_string()).unwrap_or_default(), b.deadline_days.map(|d| d.to_string()).unwrap_or_default());
    let date = b.deadline_date.map(|d| d.to_string()).unwrap_or_default();
    let fields = DraftFields {
        kind: &b.kind,
        number: &b.number,
        title: &b.title,
        body: &b.body,
        reach_kinds: &kinds,
        reach_depth: &depth,
        task: b.task.as_deref().unwrap_or(""),
        deadline_days: &days,
        deadline_date: &date,
    };
    let draft = Draft::parse(&fields, s.today()).map_err(AppError::validation)?;
    Ok(created(desk.send(sender, draft).await?))
}

#[utoipa::path(get, path = "/api/v1/directives/{id}", tag = "directives", params(("id" = i64, Path, description = "Directive id")),
    responses((status = 200, description = "The directive with the receipts the caller reads, statuses as of today; reading it records its opening for the receiving units the caller acts for", body = DirectiveRead),
              (status = 404, description = "No such directive within the caller's reach", body = ErrorEnvelope)))]
async fn detail(s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    Ok(axum::Json(DirectiveRead::from(s.directives()?.open(id).await?)).into_response())
}

#[utoipa::path(post, path = "/api/v1/directives/{id}/receipts/{unit}", tag = "directives",
    params(("id" = i64, Path, description = "Directive id"), ("unit" = i64, Path, description = "The receiving unit")),
    request_body = ReceiptBody,
    responses((status = 204, description = "Recorded"),
              (status = 403, description = "The caller does not act for this unit", body = ErrorEnvelope),
              (status = 409, description = "The receipt changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "A step already recorded (`already`), a directive for information (`no_task`), a missing report", body = ErrorEnvelope)))]
async fn record(s: Caller, PathIds(id, unit): PathIds<i64, UnitId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.directives()?;
    desk.require_acting(id, unit).await?;
    let b: ReceiptBody = typed(body)?;
    let step = match b.step {
        StepCode::Start => ReceiptStep::Start,
        StepCode::Done => {
            let report = domain::directives::parse_report(b.report.as_deref().unwrap_or("")).map_err(AppError::validation)?;
            ReceiptStep::Done { report }
        }
    };
    let version = super::version_or_error(b.version)?;
    desk.record(id, unit, step, Some(version)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/directives/{id}/receipts/{unit}/pass-on", tag = "directives",
    params(("id" = i64, Path, description = "Directive id"), ("unit" = i64, Path, description = "The receiving unit passing the task on")),
    request_body = PassOnBody,
    responses((status = 200, description = "Passed on; how many units now receive it from this one", body = Reached),
              (status = 403, description = "The caller does not act for this unit", body = ErrorEnvelope),
              (status = 422, description = "No unit under it of the kinds chosen (`none`), a last day after the unit's own (`after_due`) or past", body = ErrorEnvelope)))]
async fn pass_on(s: Caller, PathIds(id, unit): PathIds<i64, UnitId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.directives()?;
    desk.require_acting(id, unit).await?;
    let b: PassOnBody = typed(body)?;
    let kinds: Vec<String> = b.reach_kinds.iter().map(|k| k.code().to_owned()).collect();
    let reach = Reach::parse(&kinds, &b.reach_depth.map(|d| d.to_string()).unwrap_or_default()).map_err(AppError::validation)?;
    let due: Option<NaiveDate> = match b.due_on {
        Some(d) => Some(domain::dates::parse_date(&d.to_string()).map_err(|mut e| {
            e.field = "due_on".into();
            AppError::validation(ValidationErrors { errors: vec![e] })
        })?),
        None => None,
    };
    let units = desk.pass_on(id, unit, reach, due).await?;
    Ok(axum::Json(Reached { units }).into_response())
}

#[utoipa::path(post, path = "/api/v1/directives/{id}/reminders", tag = "directives", params(("id" = i64, Path, description = "Directive id")),
    request_body = RemindBody,
    responses((status = 200, description = "The receivers not done among those named were reminded", body = Reached),
              (status = 403, description = "A unit named that the caller may not remind (the sender's staff remind the units it reached; a unit, those it passed the task on to)", body = ErrorEnvelope),
              (status = 422, description = "A unit that does not receive it (`not_receiver`), none named, all done (`all_done`)", body = ErrorEnvelope)))]
async fn remind(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.directives()?;
    // The directive is checked before the body is read.
    desk.require_visible(id).await?;
    let b: RemindBody = typed(body)?;
    let units = desk.remind(id, &b.units).await?;
    Ok(axum::Json(Reached { units }).into_response())
}

/// The file's name.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct FileParams {
    /// The file's name as people will see it ("Phu-luc.pdf").
    pub name: String,
}

async fn attach(s: &Caller, state: &AppState, id: i64, unit: Option<UnitId>, name: &str, body: Bytes) -> Result<Response, AppError> {
    let desk = s.directives()?;
    desk.require_attaching(id, unit).await?;
    let file = crate::upload::check(state.auth.scan_command.as_deref(), name, body.to_vec())
        .await
        .map_err(|e| AppError::validation(domain::ValidationErrors { errors: vec![e] }))?;
    Ok(created(desk.attach(id, unit, &file.name, file.media_type, &file.bytes).await?))
}

#[utoipa::path(post, path = "/api/v1/directives/{id}/files", tag = "directives", params(("id" = i64, Path, description = "Directive id"), FileParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file, at most 20 MB"),
    responses((status = 201, description = "Stored with the directive", body = Created),
              (status = 403, description = "The caller does not send for the directive's sender", body = ErrorEnvelope),
              (status = 422, description = "An empty, too large or refused file (`type`: told from its content), a missing name, more than 20 files, a scanner that refused it (`infected`, `scan_failed`)", body = ErrorEnvelope)))]
async fn attach_sender(
    s: Caller,
    State(state): State<AppState>,
    PathId(id): PathId<i64>,
    Query(p): Query<FileParams>,
    body: Bytes,
) -> Result<Response, AppError> {
    attach(&s, &state, id, None, &p.name, body).await
}

#[utoipa::path(post, path = "/api/v1/directives/{id}/receipts/{unit}/files", tag = "directives",
    params(("id" = i64, Path, description = "Directive id"), ("unit" = i64, Path, description = "Receiving unit id"), FileParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file, at most 20 MB"),
    responses((status = 201, description = "Stored with the unit's report", body = Created),
              (status = 403, description = "The caller does not act for this receiving unit", body = ErrorEnvelope),
              (status = 422, description = "As for the sender's files; a directive for information has no report (`no_task`)", body = ErrorEnvelope)))]
async fn attach_report(
    s: Caller,
    State(state): State<AppState>,
    PathIds(id, unit): PathIds<i64, UnitId>,
    Query(p): Query<FileParams>,
    body: Bytes,
) -> Result<Response, AppError> {
    attach(&s, &state, id, Some(unit), &p.name, body).await
}

#[utoipa::path(get, path = "/api/v1/directives/files/{id}", tag = "directives", params(("id" = i64, Path, description = "File id")),
    responses((status = 200, description = "The file as uploaded", body = Vec<u8>, content_type = "application/octet-stream"),
              (status = 404, description = "Not a file the caller may read (a unit's report file goes with its receipt)", body = ErrorEnvelope)))]
async fn download(s: Caller, PathId(file): PathId<i64>) -> Result<Response, AppError> {
    let (view, bytes) = s.directives()?.file(file).await?;
    Ok(crate::upload::download(&view.name, bytes))
}
