//! `GET /api/v1/units/{id}/worklist/yearly`: what the yearly cycle waits for under a unit — the
//! open evaluation rounds with their deadlines and progress, the Quy định 213 ties still owed,
//! the dues waiting (the same counts as the home page's lines). Needs the read scope on the unit.

use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use domain::evaluation::Progress;
use domain::ids::UnitId;
use storage::RoundDue;

use super::ErrorEnvelope;
use super::evaluation::RoundBody;
use crate::error::AppError;
use crate::extract::PathId;
use crate::policy::{Policy, Route};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(domain::access::Capability::ReadRegister);
    vec![Route::get("/api/v1/units/{id}/worklist/yearly", read, yearly)]
}

/// How far evaluations have come: each step counts those that have it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressBody {
    pub total: u32,
    pub self_assessed: u32,
    pub proposed: u32,
    pub decided: u32,
    pub awaiting_self: u32,
    pub awaiting_proposal: u32,
    pub awaiting_decision: u32,
}

impl From<Progress> for ProgressBody {
    fn from(p: Progress) -> Self {
        ProgressBody {
            total: p.total,
            self_assessed: p.self_assessed,
            proposed: p.proposed,
            decided: p.decided,
            awaiting_self: p.awaiting_self(),
            awaiting_proposal: p.awaiting_proposal(),
            awaiting_decision: p.awaiting_decision(),
        }
    }
}

/// An open round with its evaluations under the unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundDueBody {
    pub round: RoundBody,
    /// The committee that opened it, with its parent.
    pub opened_by: String,
    /// Opened by the unit or one above it (else by one below it).
    pub covers: bool,
    pub members: ProgressBody,
    pub units: ProgressBody,
}

impl From<&RoundDue> for RoundDueBody {
    fn from(d: &RoundDue) -> Self {
        RoundDueBody {
            round: RoundBody::from(&d.round),
            opened_by: d.opened_by.clone(),
            covers: d.covers,
            members: d.members.into(),
            units: d.units.into(),
        }
    }
}

/// What the working members under the unit still owe this year (Quy định 213-QĐ/TW).
#[derive(Debug, Serialize, ToSchema)]
pub struct ResidenceDueBody {
    pub working: usize,
    pub not_registered: usize,
    pub unconfirmed: usize,
    pub contact_overdue: usize,
    pub comments_missing: usize,
}

impl From<domain::residence::ResidenceDue> for ResidenceDueBody {
    fn from(d: domain::residence::ResidenceDue) -> Self {
        ResidenceDueBody {
            working: d.working,
            not_registered: d.not_registered,
            unconfirmed: d.unconfirmed,
            contact_overdue: d.contact_overdue,
            comments_missing: d.comments_missing,
        }
    }
}

/// The members' side of the dues.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuesMembersDueBody {
    /// Income declarations waiting for the chi bộ's confirmation.
    pub declarations: usize,
    /// Members owing for an ended month of the year.
    pub owing: usize,
    /// Of them, those with three months unpaid.
    pub flagged: usize,
}

/// What the unit's dues wait for.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuesDueBody {
    /// Ended months of the year with money not yet remitted up (`2026-10`).
    pub to_remit: Vec<String>,
    /// Counted for lists of at most `member_limit` members, else null.
    pub members: Option<DuesMembersDueBody>,
}

/// The member routines waiting under a unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoutinesDueBody {
    /// The next award day (3/2, 19/5, 2/9, 7/11).
    pub award_on: chrono::NaiveDate,
    pub badges_due: u32,
    /// Due only within an early window (the seriously ill, posthumously).
    pub badges_early: u32,
    /// The unit's list for the award day, if opened.
    pub badge_list: Option<i64>,
    /// `du-thao`, `da-gui`, `da-quyet-dinh`.
    pub badge_list_status: Option<&'static str>,
    /// Exemptions ending within 30 days or past their end.
    pub exemptions_due: u32,
    /// Disciplines ending by themselves within 30 days.
    pub disciplines_ending: u32,
}

/// The yearly cycle's worklist of a unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct YearlyWorklistBody {
    pub unit: i64,
    /// Open rounds, earliest deadline first.
    pub rounds: Vec<RoundDueBody>,
    /// Null when the unit's lists hold more than `member_limit` members (read the units below).
    pub residence: Option<ResidenceDueBody>,
    pub dues: DuesDueBody,
    /// Null when the unit's lists hold more than `member_limit` members.
    pub routines: Option<RoutinesDueBody>,
    /// The largest list counted member by member.
    pub member_limit: usize,
}

#[utoipa::path(get, path = "/api/v1/units/{id}/worklist/yearly", tag = "evaluation", params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "Open evaluation rounds, residence ties and dues waiting under the unit", body = YearlyWorklistBody),
              (status = 404, description = "No such unit in your scope", body = ErrorEnvelope)))]
async fn yearly(s: Caller, PathId(unit): PathId<UnitId>) -> Result<Response, AppError> {
    let rounds = s.evaluation()?.due(unit).await?;
    let residence = s.residence()?.due(unit).await?;
    let dues = s.dues()?.due(unit).await?;
    let routines = s.badges()?.due(unit).await?;
    let body = YearlyWorklistBody {
        unit: unit.0,
        rounds: rounds.iter().map(RoundDueBody::from).collect(),
        residence: residence.map(ResidenceDueBody::from),
        dues: DuesDueBody {
            to_remit: dues.to_remit.iter().map(|m| m.code()).collect(),
            members: dues.members.map(|m| DuesMembersDueBody { declarations: m.declarations, owing: m.owing, flagged: m.flagged }),
        },
        routines: routines.map(|r| RoutinesDueBody {
            award_on: r.award_on,
            badges_due: r.badges_due,
            badges_early: r.badges_early,
            badge_list: r.list.map(|(id, _)| id),
            badge_list_status: r.list.map(|(_, status)| status.code()),
            exemptions_due: r.exemptions_due,
            disciplines_ending: r.disciplines_ending,
        }),
        member_limit: storage::WORKLIST_MEMBERS,
    };
    Ok(axum::Json(body).into_response())
}
