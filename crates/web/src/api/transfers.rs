//! Transfers of party activity (chuyển sinh hoạt đảng, docs/design/transfers.md): the letter the
//! sending side issues, the receiving side's steps (presented, accepted, refused), the sender's
//! cancellation and the return slip from outside the register, the return of a temporary
//! transfer, a unit's transfer book; and `/api/v1/units/{id}/arriving`, the members on their way
//! to a unit. Each step is checked against the side the caller writes for before the body is
//! read (`storage::access::TransferDesk`); the chi bộ named in an acceptance goes through the
//! write scope.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use domain::access::Capability;
use domain::dates::parse_date;
use domain::event::{TransferMode, UnitRef};
use domain::ids::{MemberId, UnitId};
use domain::transfers::{BookLine, Letter, Route, TemporaryReason, TransferPlan};
use storage::access::Acting;
use storage::{TransferBook, TransferView};

use super::bodies::DateText;
use super::units::created;
use super::{Created, ErrorEnvelope, version_or_error};
use crate::error::AppError;
use crate::extract::{Json, PathId, Query, typed};
use crate::policy::{Policy, Route as ApiRoute};
use crate::query::{QueryDate, param, parse_query_date};
use crate::session::Caller;

pub fn routes() -> Vec<ApiRoute> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![
        ApiRoute::get("/api/v1/units/{id}/arriving", Policy::Needs(Capability::WriteRegister), arriving),
        ApiRoute::get("/api/v1/units/{id}/hosted", read, hosted),
        ApiRoute::get("/api/v1/units/{id}/transfers", read, book),
        ApiRoute::get("/api/v1/members/{id}/transfers", read, of_member),
        ApiRoute::post("/api/v1/members/{id}/transfers", read, issue),
        ApiRoute::post("/api/v1/members/{id}/transfers/receive", Policy::Needs(Capability::WriteRegister), receive),
        ApiRoute::get("/api/v1/transfers/{id}", read, detail),
        ApiRoute::post("/api/v1/transfers/{id}/present", read, present),
        ApiRoute::post("/api/v1/transfers/{id}/accept", read, accept),
        ApiRoute::post("/api/v1/transfers/{id}/refuse", read, refuse),
        ApiRoute::post("/api/v1/transfers/{id}/cancel", read, cancel),
        ApiRoute::post("/api/v1/transfers/{id}/close", read, close),
        ApiRoute::post("/api/v1/transfers/{id}/return", read, return_home),
    ]
}

#[utoipa::path(get, path = "/api/v1/units/{id}/arriving", tag = "transfers", params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "Members whose transfer letter names this unit or one under it, not accepted yet \
        (`unit_id`: the unit the letter names), in register order", body = Vec<storage::MemberListItem>)))]
pub(crate) async fn arriving(s: Caller, PathId(id): PathId<UnitId>) -> Result<Response, AppError> {
    Ok(axum::Json(s.register_writer()?.arriving(id).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/units/{id}/hosted", tag = "transfers", params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "Members of other units in temporary activity under this unit today (`temporarily_at`: where; `unit_id`: their own chi bộ), in register order; not on the unit's count", body = Vec<storage::MemberListItem>),
              (status = 404, description = "No such unit within your scope", body = ErrorEnvelope)))]
pub(crate) async fn hosted(s: Caller, PathId(id): PathId<UnitId>) -> Result<Response, AppError> {
    Ok(axum::Json(s.reader()?.hosted(id, s.today()).await?).into_response())
}

/// A letter issued by the sending side.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferBody {
    pub mode: TransferMode,
    /// Required for a temporary transfer.
    #[serde(default)]
    pub temporary_reason: Option<TemporaryReason>,
    /// The last day of a temporary transfer.
    #[serde(default)]
    pub until: Option<DateText>,
    /// The destination in the register (any unit of the tree: a chi bộ, or the committee that will place the member).
    #[serde(default)]
    pub to_unit: Option<UnitId>,
    /// The destination outside the register, in words (then `route` says where).
    #[serde(default)]
    pub to_outside: Option<String>,
    /// For a destination outside the register: `ngoai-tinh`, `nuoc-ngoai` or `ngoai-he-thong`.
    #[serde(default)]
    pub route: Option<Route>,
    /// The number in the committee's letter register (số GTSHĐ).
    pub letter_number: String,
    pub letter_date: DateText,
    /// The committee that issues it.
    pub letter_issuer: String,
    /// Why: the decision, retirement, change of residence… (up to 1000 characters).
    pub cause: String,
    /// The day that decision or change took effect (the official transfer starts within 60 working days of it).
    #[serde(default)]
    pub cause_on: Option<DateText>,
}

/// A dated step (presented, returned).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferDayBody {
    pub version: Option<i64>,
    pub on: DateText,
}

/// The acceptance into a chi bộ.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferAcceptBody {
    pub version: Option<i64>,
    /// The chi bộ the member joins: under the letter's destination (or the unit it became).
    pub unit: UnitId,
    pub on: DateText,
}

/// A refusal or a cancellation, with its reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferReasonBody {
    pub version: Option<i64>,
    pub on: DateText,
    pub reason: String,
}

/// The return slip of an organization outside the register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferSlipBody {
    pub version: Option<i64>,
    pub on: DateText,
    /// The slip's number or what it says.
    pub slip: String,
}

/// The period of a transfer book and the line to list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct BookParams {
    /// First day (default: 1 January of this year).
    #[param(value_type = Option<QueryDate>)]
    pub from: String,
    /// Last day (default: today).
    #[param(value_type = Option<QueryDate>)]
    pub to: String,
    /// The line whose transfers are listed (default: every transfer the book counts).
    #[param(value_type = Option<BookLine>)]
    pub line: String,
}

fn date(name: &str, d: &DateText) -> Result<NaiveDate, AppError> {
    parse_date(&d.to_string()).map_err(|mut e| {
        e.field = name.into();
        AppError::validation(domain::ValidationErrors { errors: vec![e] })
    })
}

/// The book's period and line, as the page and the API read them.
pub(crate) fn book_period(
    today: NaiveDate,
    from: &str,
    to: &str,
    line: &str,
) -> Result<(NaiveDate, NaiveDate, Option<BookLine>), AppError> {
    let first = param("from", parse_query_date(from))?.unwrap_or_else(|| chrono::Datelike::with_ordinal(&today, 1).unwrap_or(today));
    let last = param("to", parse_query_date(to))?.unwrap_or(today);
    if last < first {
        return Err(AppError::validation(domain::ValidationErrors::single(
            "to",
            "before_from",
            "Ngày cuối kỳ phải từ ngày đầu kỳ trở đi.",
        )));
    }
    let line = match line.trim() {
        "" => None,
        code => Some(param("line", BookLine::parse(code))?),
    };
    Ok((first, last, line))
}

#[utoipa::path(get, path = "/api/v1/units/{id}/transfers", tag = "transfers", params(("id" = i64, Path, description = "Unit id"), BookParams),
    responses((status = 200, description = "The unit's transfer book over the period: each line's count, the transfers of the line asked, what is late today on either side", body = TransferBook),
              (status = 404, description = "No such unit within your scope", body = ErrorEnvelope)))]
async fn book(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<BookParams>) -> Result<Response, AppError> {
    let (first, last, line) = book_period(s.today(), &p.from, &p.to, &p.line)?;
    Ok(axum::Json(s.transfers()?.book(unit, first, last, line).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/members/{id}/transfers", tag = "transfers", params(("id" = i64, Path, description = "Member id")),
    responses((status = 200, description = "The member's transfers, oldest letter first", body = Vec<TransferView>),
              (status = 404, description = "No such member within your scope", body = ErrorEnvelope)))]
async fn of_member(s: Caller, PathId(member): PathId<MemberId>) -> Result<Response, AppError> {
    Ok(axum::Json(s.transfers()?.member_transfers(member).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/members/{id}/transfers", tag = "transfers", params(("id" = i64, Path, description = "Member id")),
    request_body = TransferBody,
    responses((status = 201, description = "The letter is issued; the member is in transit (or away, for a temporary transfer) from its date", body = Created),
              (status = 403, description = "You may not write this member's record", body = ErrorEnvelope),
              (status = 404, description = "No such member within your scope", body = ErrorEnvelope),
              (status = 422, description = "Not in a chi bộ of the register on the letter's day (`not_active`), already in transit (`in_transit`) or away (`already_temporary`), \
                a destination not standing that day (`unit_not_standing`) or the same unit (`same_unit`), no route for a destination outside (`route_outside`), \
                both sides outside (`outside_both`), a temporary transfer too short or too long (`too_short`, `too_long`), an end for an official one (`official_until`), \
                a decision after the letter (`cause_after_letter`), a letter number of the wrong shape (`invalid_format`), something required missing (`required`)", body = ErrorEnvelope)))]
async fn issue(s: Caller, PathId(member): PathId<MemberId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.transfers()?;
    desk.require_issue(member).await?;
    let b: TransferBody = typed(body)?;
    let to = match (b.to_unit, b.to_outside) {
        (Some(u), None) => UnitRef::Internal(u),
        (None, Some(name)) => UnitRef::External(name),
        _ => {
            return Err(AppError::validation(domain::ValidationErrors::single(
                "to_unit",
                "one_destination",
                "Ghi đúng một nơi đến: to_unit (trong hệ thống) hoặc to_outside (ngoài hệ thống).",
            )));
        }
    };
    let plan = TransferPlan {
        mode: b.mode,
        temporary_reason: b.temporary_reason,
        from: UnitRef::Internal(UnitId(0)),
        to,
        route: b.route.unwrap_or(Route::WithinRegister),
        letter: Letter { number: b.letter_number, date: date("letter_date", &b.letter_date)?, issuer: b.letter_issuer },
        until: b.until.as_ref().map(|u| date("until", u)).transpose()?,
        cause: b.cause,
        cause_on: b.cause_on.as_ref().map(|c| date("cause_on", c)).transpose()?,
    };
    Ok(created(desk.issue(member, plan).await?))
}

/// A member back from outside the register, with the letter of the organization there.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferReceiveBody {
    /// The organization outside the register that introduces the member.
    pub from_outside: String,
    /// `ngoai-tinh`, `nuoc-ngoai` or `ngoai-he-thong`.
    pub route: Route,
    pub letter_number: String,
    pub letter_date: DateText,
    pub letter_issuer: String,
    pub cause: String,
    /// The chi bộ the member joins.
    pub unit: UnitId,
    pub on: DateText,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/transfers/receive", tag = "transfers", params(("id" = i64, Path, description = "Member id")),
    request_body = TransferReceiveBody,
    responses((status = 201, description = "Accepted back: on the chi bộ's list from that day; the return slip printable", body = Created),
              (status = 403, description = "You do not write this member's record", body = ErrorEnvelope),
              (status = 404, description = "No such member within your scope", body = ErrorEnvelope),
              (status = 422, description = "Not gone outside the register (`not_in_transit`, `in_transit`), a chi bộ outside your scope (`out_of_scope`) or not a chi bộ (`not_a_cell`), a route inside the register (`route_outside`), a day before the letter (`before_letter`), something required missing (`required`)", body = ErrorEnvelope)))]
async fn receive(s: Caller, PathId(member): PathId<MemberId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.transfers()?;
    desk.require_issue(member).await?;
    let b: TransferReceiveBody = typed(body)?;
    let plan = TransferPlan {
        mode: TransferMode::Official,
        temporary_reason: None,
        from: UnitRef::External(b.from_outside),
        to: UnitRef::Internal(b.unit),
        route: b.route,
        letter: Letter { number: b.letter_number, date: date("letter_date", &b.letter_date)?, issuer: b.letter_issuer },
        until: None,
        cause: b.cause,
        cause_on: None,
    };
    Ok(created(desk.receive(member, plan, b.unit, date("on", &b.on)?).await?))
}

#[utoipa::path(get, path = "/api/v1/transfers/{id}", tag = "transfers", params(("id" = i64, Path, description = "Transfer id")),
    responses((status = 200, description = "The transfer, where it stands today, its deadlines and what is late", body = TransferView),
              (status = 404, description = "No such transfer within your scope", body = ErrorEnvelope)))]
async fn detail(s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    Ok(axum::Json(s.transfers()?.transfer(id).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/transfers/{id}/present", tag = "transfers", params(("id" = i64, Path, description = "Transfer id")),
    request_body = TransferDayBody,
    responses((status = 204, description = "The member presented the letter; the receiving side's time runs from that day"),
              (status = 403, description = "You do not write for the receiving side", body = ErrorEnvelope),
              (status = 404, description = "No such transfer within your scope", body = ErrorEnvelope),
              (status = 409, description = "Changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "Presented already (`presented`), or: answered, before the letter, outside", body = ErrorEnvelope)))]
async fn present(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.transfers()?;
    desk.require_acting(id, Acting::Receiving).await?;
    let b: TransferDayBody = typed(body)?;
    desk.present(id, version_or_error(b.version)?, date("on", &b.on)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/transfers/{id}/accept", tag = "transfers", params(("id" = i64, Path, description = "Transfer id")),
    request_body = TransferAcceptBody,
    responses((status = 204, description = "Accepted: an official transfer puts the member on the chi bộ's list from that day; a temporary one hosts them"),
              (status = 403, description = "You do not write for the receiving side", body = ErrorEnvelope),
              (status = 404, description = "No such transfer within your scope", body = ErrorEnvelope),
              (status = 409, description = "Changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "A chi bộ outside your scope (`out_of_scope`), not under the letter's destination or the unit it became (`wrong_destination`), \
                not a chi bộ (`not_a_cell`), not standing that day (`unit_not_standing`), or: answered, before the letter, outside", body = ErrorEnvelope)))]
async fn accept(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.transfers()?;
    desk.require_acting(id, Acting::Receiving).await?;
    let b: TransferAcceptBody = typed(body)?;
    desk.accept(id, version_or_error(b.version)?, b.unit, date("on", &b.on)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/transfers/{id}/refuse", tag = "transfers", params(("id" = i64, Path, description = "Transfer id")),
    request_body = TransferReasonBody,
    responses((status = 204, description = "Refused: the member is back on the sender's list (the letter's transfer out is voided with the reason)"),
              (status = 403, description = "You do not write for the receiving side", body = ErrorEnvelope),
              (status = 404, description = "No such transfer within your scope", body = ErrorEnvelope),
              (status = 409, description = "Changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "No reason (`required`), or: answered, before the letter, outside", body = ErrorEnvelope)))]
async fn refuse(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.transfers()?;
    desk.require_acting(id, Acting::Receiving).await?;
    let b: TransferReasonBody = typed(body)?;
    desk.refuse(id, version_or_error(b.version)?, date("on", &b.on)?, b.reason).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/transfers/{id}/cancel", tag = "transfers", params(("id" = i64, Path, description = "Transfer id")),
    request_body = TransferReasonBody,
    responses((status = 204, description = "Cancelled by the sender before any answer: the member is back on its list"),
              (status = 403, description = "You do not write for the sending side", body = ErrorEnvelope),
              (status = 404, description = "No such transfer within your scope", body = ErrorEnvelope),
              (status = 409, description = "Changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "No reason (`required`), or: answered, before the letter", body = ErrorEnvelope)))]
async fn cancel(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.transfers()?;
    desk.require_acting(id, Acting::Sending).await?;
    let b: TransferReasonBody = typed(body)?;
    desk.cancel(id, version_or_error(b.version)?, date("on", &b.on)?, b.reason).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/transfers/{id}/close", tag = "transfers", params(("id" = i64, Path, description = "Transfer id")),
    request_body = TransferSlipBody,
    responses((status = 204, description = "The return slip of the organization outside the register came back"),
              (status = 403, description = "You do not write for the sending side", body = ErrorEnvelope),
              (status = 404, description = "No such transfer within your scope", body = ErrorEnvelope),
              (status = 409, description = "Changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "No slip (`required`), or: answered, before the letter, inside", body = ErrorEnvelope)))]
async fn close(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.transfers()?;
    desk.require_acting(id, Acting::Sending).await?;
    let b: TransferSlipBody = typed(body)?;
    desk.close(id, version_or_error(b.version)?, date("on", &b.on)?, b.slip).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/transfers/{id}/return", tag = "transfers", params(("id" = i64, Path, description = "Transfer id")),
    request_body = TransferDayBody,
    responses((status = 204, description = "The member of a temporary transfer is back at home"),
              (status = 403, description = "You write for neither side", body = ErrorEnvelope),
              (status = 404, description = "No such transfer within your scope", body = ErrorEnvelope),
              (status = 409, description = "Changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "An official transfer (`official`), not hosted yet (`not_hosted`), returned already (`returned`), before the acceptance (`before_accepted`)", body = ErrorEnvelope)))]
async fn return_home(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.transfers()?;
    desk.require_acting(id, Acting::Either).await?;
    let b: TransferDayBody = typed(body)?;
    desk.return_home(id, version_or_error(b.version)?, date("on", &b.on)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
