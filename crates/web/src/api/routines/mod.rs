//! Member routines in the API (rules.md §5.2, §5.4, §6, §7; docs/design/member-routines.md):
//! `/api/v1/members/{id}/party-work` a member's discipline, exemptions, cards and badges, and the
//! posts that record each; `/api/v1/units/{id}/disciplines|exemptions|cards|cards/check` a unit's
//! registers; `/api/v1/units/{id}/badges` who is due at an award day, `/api/v1/units/{id}/badge-lists…`
//! the proposal lists; `/api/v1/units/{id}/member-work` the 7-BTCTW report with the members behind
//! each line. Every member, unit, discipline, exemption, card and list named is checked against
//! the caller's scope before the body is read; outside it the answer is 404.

use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use domain::badges::{Circumstance, HoldRule, Verdict};
use domain::cards::{CardEnd, CardNumber, Finding, Issue, IssueKind, Series};
use domain::discipline::{Form, Interruption, Standing};
use domain::exemptions::{Exemption, Ground, Renewal};
use domain::ids::{DecisionNumber, MemberId, UnitId};
use storage::{BadgeRow, Candidate, DisciplineInput, DisciplineView};

use super::bodies::DateText;
use super::units::created;
use super::{Created, ErrorEnvelope};
use crate::error::AppError;
use crate::extract::{Json, PathId, PathIds, Query, typed};
use crate::policy::{Policy, Route};
use crate::query::{param, parse_query_date};
use crate::session::Caller;

mod badges;
mod cards;
mod discipline;
mod exemptions;
mod report;

pub(crate) use badges::*;
pub(crate) use cards::*;
pub(crate) use discipline::*;
pub(crate) use exemptions::*;
pub(crate) use report::*;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(domain::access::Capability::ReadRegister);
    vec![
        Route::get("/api/v1/members/{id}/party-work", read, member),
        Route::post("/api/v1/members/{id}/disciplines", read, record_discipline),
        Route::post("/api/v1/members/{id}/disciplines/{item}/interruptions", read, interruption),
        Route::post("/api/v1/members/{id}/disciplines/{item}/lift", read, lift),
        Route::post("/api/v1/members/{id}/exemptions", read, record_exemption),
        Route::post("/api/v1/members/{id}/exemptions/{item}/renew", read, renew),
        Route::post("/api/v1/members/{id}/exemptions/{item}/end", read, end_exemption),
        Route::post("/api/v1/members/{id}/cards", read, issue_card),
        Route::post("/api/v1/members/{id}/cards/{item}/end", read, end_card),
        Route::post("/api/v1/members/{id}/badges", read, record_badge),
        Route::get("/api/v1/units/{id}/disciplines", read, disciplines),
        Route::get("/api/v1/units/{id}/exemptions", read, exemptions),
        Route::get("/api/v1/units/{id}/cards", read, cards),
        Route::get("/api/v1/units/{id}/cards/check", read, card_check),
        Route::get("/api/v1/units/{id}/badges", read, badges_due),
        Route::post("/api/v1/units/{id}/badge-lists", read, open_list),
        Route::get("/api/v1/units/{id}/badge-lists/{list}", read, badge_list),
        Route::post("/api/v1/units/{id}/badge-lists/{list}/lines", read, add_line),
        Route::post("/api/v1/units/{id}/badge-lists/{list}/remove", read, remove_line),
        Route::post("/api/v1/units/{id}/badge-lists/{list}/send", read, send_list),
        Route::post("/api/v1/units/{id}/badge-lists/{list}/decision", read, decide_list),
        Route::get("/api/v1/units/{id}/member-work", read, member_work),
    ]
}

pub(crate) fn date(field: &str, d: &DateText) -> Result<NaiveDate, AppError> {
    domain::dates::parse_date(&d.to_string()).map_err(|mut e| {
        e.field = field.to_owned();
        AppError::validation(domain::ValidationErrors { errors: vec![e] })
    })
}

pub(crate) fn opt_date(field: &str, d: &Option<DateText>) -> Result<Option<NaiveDate>, AppError> {
    d.as_ref().map(|d| date(field, d)).transpose()
}

pub(crate) fn decision(field: &str, s: &str) -> Result<DecisionNumber, AppError> {
    DecisionNumber::parse(s).map_err(|mut e| {
        e.field = field.to_owned();
        AppError::validation(domain::ValidationErrors { errors: vec![e] })
    })
}

/// Done.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoutineDone {
    pub ok: bool,
}

pub(crate) fn done() -> Response {
    axum::Json(RoutineDone { ok: true }).into_response()
}

/// A member's discipline, exemptions, cards and badges.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartyWorkBody {
    pub member: i64,
    pub disciplines: Vec<DisciplineBody>,
    pub exemptions: Vec<ExemptionBody>,
    pub cards: Vec<CardBody>,
    pub badges: Vec<BadgeBody>,
}

#[utoipa::path(get, path = "/api/v1/members/{id}/party-work", tag = "party-work", params(("id" = i64, Path, description = "Member id")),
    responses((status = 200, description = "The member's discipline, exemptions, cards and badges", body = PartyWorkBody)))]
pub(crate) async fn member(s: Caller, PathId(member): PathId<MemberId>) -> Result<Response, AppError> {
    let disciplines = s.discipline()?.member(member).await?;
    let name = disciplines.first().map(|d| d.member_name.clone()).unwrap_or_default();
    let exemptions = s.exemptions()?.member(member).await?;
    let cards = s.cards()?.member(member).await?;
    let badges = s.badges()?.member(member).await?;
    Ok(axum::Json(PartyWorkBody {
        member: member.0,
        disciplines: disciplines.iter().map(discipline_body).collect(),
        exemptions: exemptions
            .iter()
            .map(|x| ExemptionBody {
                id: Some(x.row.id),
                version: Some(x.row.version),
                member: member.0,
                member_name: name.clone(),
                ground: Some(x.row.ground),
                resolution: Some(x.row.resolution.clone()),
                resolved_on: Some(x.row.resolved_on),
                from: Some(x.row.from),
                until: x.row.until,
                ended_on: x.row.ended_on,
                renewals: x
                    .renewals
                    .iter()
                    .map(|r| RenewalBody {
                        resolution: r.resolution.clone(),
                        resolved_on: r.resolved_on,
                        until_before: r.until_before,
                        until: r.until,
                    })
                    .collect(),
                standing: exemption_standing(x.standing.filter(|_| x.row.ended_on.is_none())),
            })
            .collect(),
        cards: cards.iter().map(card_body).collect(),
        badges: badges.iter().map(badge_body).collect(),
    })
    .into_response())
}

/// The registers' query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct SinceParams {
    /// Disciplines announced, exemptions ended on or after this day (default: 1 January of last year for disciplines, of this year for exemptions).
    #[param(value_type = Option<crate::query::QueryDate>)]
    pub since: String,
}

pub(crate) fn since(p: &SinceParams, default: NaiveDate) -> Result<NaiveDate, AppError> {
    Ok(param("since", parse_query_date(&p.since))?.unwrap_or(default))
}
