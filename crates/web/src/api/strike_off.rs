//! Proposals to strike a member's name off (docs/design/strike-off.md): a unit's list (what the
//! data shows, the proposals), the chi bộ's resolution on a member, the committee's decision
//! (striking off writes the register's event). Each write is checked before the body is read
//! (`storage::access::StrikeOffDesk`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

use domain::access::Capability;
use domain::dates::parse_date;
use domain::event::StrikeOffReason;
use domain::ids::{DecisionNumber, MemberId, UnitId};
use domain::strike_off::{Decision, ProposalInput, Resolution};
use domain::unit::LegalBasis;
use storage::StrikeOffList;

use super::bodies::DateText;
use super::units::created;
use super::{Created, ErrorEnvelope, version_or_error};
use crate::error::AppError;
use crate::extract::{Json, PathId, typed};
use crate::policy::{Policy, Route};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![
        Route::get("/api/v1/units/{id}/strike-off", read, list),
        Route::post("/api/v1/members/{id}/strike-off", read, propose),
        Route::post("/api/v1/strike-off/{id}/decide", read, decide),
    ]
}

/// The chi bộ's resolution proposing to strike a member off.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalBody {
    /// A reason of 24-QĐ/TW point 8.1 (not `du-bi-khong-du-tu-cach`: a probationary member goes through the admission case).
    pub reason: StrikeOffReason,
    pub evidence: String,
    pub resolution_on: DateText,
    pub resolution_text: String,
    pub votes_for: u32,
    pub votes_counted: u32,
}

/// The committee's decision: `struck_off` with its number, date and issuer, or `kept` with the reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    pub version: Option<i64>,
    /// `xoa-ten` or `giu-lai`.
    pub decision: String,
    pub decision_date: DateText,
    #[serde(default)]
    pub decision_number: Option<String>,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

fn date(name: &str, d: &DateText) -> Result<chrono::NaiveDate, AppError> {
    parse_date(&d.to_string()).map_err(|mut e| {
        e.field = name.into();
        AppError::validation(domain::ValidationErrors { errors: vec![e] })
    })
}

#[utoipa::path(get, path = "/api/v1/units/{id}/strike-off", tag = "strike-off", params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "The members under the unit the data shows (absent three months in a year, probation not qualified or unexamined) with the evidence, and the proposals waiting and decided", body = StrikeOffList),
              (status = 404, description = "No such unit within your scope", body = ErrorEnvelope)))]
async fn list(s: Caller, PathId(unit): PathId<UnitId>) -> Result<Response, AppError> {
    Ok(axum::Json(s.strike_off()?.list(unit).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/members/{id}/strike-off", tag = "strike-off", params(("id" = i64, Path, description = "Member id")),
    request_body = ProposalBody,
    responses((status = 201, description = "The proposal, waiting for the committee", body = Created),
              (status = 403, description = "You record neither the chi bộ's meetings nor the register for this member", body = ErrorEnvelope),
              (status = 404, description = "No such member within your scope", body = ErrorEnvelope),
              (status = 422, description = "A probationary member (`on_the_case`), no evidence or text (`required`), a resolution not passed by more than half (`not_passed`) or votes that do not add up (`votes`), a day in the future (`in_future`), not in a chi bộ that day (`not_active`), a proposal already waiting (`pending`)", body = ErrorEnvelope)))]
async fn propose(s: Caller, PathId(member): PathId<MemberId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.strike_off()?;
    desk.require_propose(member).await?;
    let b: ProposalBody = typed(body)?;
    let resolution = Resolution {
        on: date("resolution_on", &b.resolution_on)?,
        text: b.resolution_text,
        votes_for: b.votes_for,
        votes_counted: b.votes_counted,
    };
    Ok(created(desk.propose(member, ProposalInput { reason: b.reason, evidence: b.evidence, resolution }).await?))
}

#[utoipa::path(post, path = "/api/v1/strike-off/{id}/decide", tag = "strike-off", params(("id" = i64, Path, description = "Proposal id")),
    request_body = DecisionBody,
    responses((status = 204, description = "Decided; striking off wrote the register's event"),
              (status = 403, description = "You decide for neither the committee nor the register", body = ErrorEnvelope),
              (status = 404, description = "No such proposal within your scope", body = ErrorEnvelope),
              (status = 409, description = "Changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "Decided already (`decided`), a day before the resolution (`before_resolution`) or in the future (`in_future`), no issuer or reason (`required`), a decision number of the wrong shape", body = ErrorEnvelope)))]
async fn decide(s: Caller, PathId(id): PathId<i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.strike_off()?;
    desk.require_decide(id).await?;
    let b: DecisionBody = typed(body)?;
    let on = date("decision_date", &b.decision_date)?;
    let decision = match b.decision.as_str() {
        "xoa-ten" => {
            let number = DecisionNumber::parse(b.decision_number.as_deref().unwrap_or_default()).map_err(|mut e| {
                e.field = "decision_number".into();
                AppError::validation(domain::ValidationErrors { errors: vec![e] })
            })?;
            Decision::StruckOff { basis: LegalBasis { number, date: on, issuer: b.issuer.unwrap_or_default() } }
        }
        "giu-lai" => Decision::Kept { on, reason: b.reason.unwrap_or_default() },
        _ => {
            return Err(AppError::validation(domain::ValidationErrors::single(
                "decision",
                "unknown_value",
                "decision: xoa-ten hoặc giu-lai.",
            )));
        }
    };
    desk.decide(id, version_or_error(b.version)?, decision).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
