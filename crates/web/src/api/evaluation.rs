//! `/api/v1/units/{id}/evaluation…`: quality evaluation rounds (docs/design/evaluation.md). Reading
//! needs the read scope on the unit (which the round must cover); opening and closing `decide` or
//! `write` on the unit; a proposal `meetings` or `write`, a decision `decide` or `write`, on the
//! evaluation's group — each checked before the body is read.

use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use domain::evaluation::{Criteria, Criterion, Period, Rating, RoundPlan, Step};
use domain::ids::UnitId;
use storage::{EvaluationRow, EvaluationSubject, LevelCounts, RoundRow, StepInput};

use super::units::created;
use super::{Created, ErrorEnvelope};
use crate::error::AppError;
use crate::extract::{Json, PathId, PathIds, typed};
use crate::policy::{Policy, Route};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(domain::access::Capability::ReadRegister);
    vec![
        Route::get("/api/v1/units/{id}/evaluation-rounds", read, rounds),
        Route::post("/api/v1/units/{id}/evaluation-rounds", read, open),
        Route::get("/api/v1/units/{id}/evaluation/{round}", read, sheet),
        Route::post("/api/v1/units/{id}/evaluation/{round}/steps", read, step),
        Route::post("/api/v1/units/{id}/evaluation/{round}/close", read, close),
    ]
}

/// A round.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundBody {
    pub id: i64,
    pub unit: i64,
    /// `2026`, `2026-Q3` or a term `2020-2025`.
    pub period: String,
    /// `124-qd-tw` or `366-qd-tw`, fixed on the opening day.
    pub regulation: &'static str,
    pub quota_percent: u32,
    pub opened_on: chrono::NaiveDate,
    /// The day the evaluations are to be decided by (none for rounds opened before deadlines were kept).
    pub due_on: Option<chrono::NaiveDate>,
    pub closed_on: Option<chrono::NaiveDate>,
}

impl From<&RoundRow> for RoundBody {
    fn from(r: &RoundRow) -> Self {
        RoundBody {
            id: r.id,
            unit: r.unit.0,
            period: r.period.code(),
            regulation: r.regulation.code(),
            quota_percent: r.quota_percent,
            opened_on: r.opened_on,
            due_on: r.due_on,
            closed_on: r.closed_on,
        }
    }
}

/// A level given at a step.
#[derive(Debug, Serialize, ToSchema)]
pub struct RatingBody {
    /// `xuat-sac`, `tot`, `hoan-thanh`, `khong-hoan-thanh`.
    pub level: &'static str,
    pub score: Option<u8>,
}

fn rating(r: Option<Rating>) -> Option<RatingBody> {
    r.map(|r| RatingBody { level: r.level.code(), score: r.score })
}

/// An evaluation.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationBody {
    pub id: i64,
    pub version: i64,
    pub member: Option<i64>,
    pub unit: Option<i64>,
    pub name: String,
    /// The group of the quota: a member's chi bộ, an organization's superior.
    pub group: i64,
    pub disciplined: bool,
    pub self_rating: Option<RatingBody>,
    pub proposed: Option<RatingBody>,
    pub decided: Option<RatingBody>,
    /// Months absent without reason from the chi bộ's meetings (members).
    pub months_absent: Option<usize>,
    /// The residence's rating of the year (`tot`, `chua-tot`; members).
    pub residence: Option<&'static str>,
    /// Each step's points per criterion (rounds with a criteria list).
    pub points: Vec<StepPointsBody>,
}

fn evaluation(
    e: &EvaluationRow,
    name: String,
    months_absent: Option<usize>,
    residence: Option<&'static str>,
    points: &[storage::StepPoints],
) -> EvaluationBody {
    let (member, unit) = match e.subject {
        EvaluationSubject::Member(m) => (Some(m.0), None),
        EvaluationSubject::Unit(u) => (None, Some(u.0)),
    };
    EvaluationBody {
        id: e.id,
        version: e.version,
        member,
        unit,
        name,
        group: e.group.0,
        disciplined: e.disciplined,
        self_rating: rating(e.self_rating),
        proposed: rating(e.proposed),
        decided: rating(e.decided),
        months_absent,
        residence,
        points: points_bodies(points),
    }
}

/// Counts by level (decided), in the order excellent, good, completed, not completed.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountsBody {
    pub levels: [u32; 4],
    pub undecided: u32,
}

impl From<&LevelCounts> for CountsBody {
    fn from(c: &LevelCounts) -> Self {
        CountsBody { levels: c.levels, undecided: c.undecided }
    }
}

/// A unit below with its members' counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChildCounts {
    pub unit: i64,
    pub name: String,
    pub counts: CountsBody,
}

/// A round under a unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundSheetBody {
    pub round: RoundBody,
    pub unit: i64,
    pub members: Vec<EvaluationBody>,
    pub units: Vec<EvaluationBody>,
    pub member_counts: CountsBody,
    pub unit_counts: CountsBody,
    pub by_child: Vec<ChildCounts>,
    /// The round's own criteria list, if its committee gave one.
    pub criteria: Option<Vec<CriterionBody>>,
}

/// A round to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenBody {
    /// `2026`, `2026-Q3` or a term `2020-2025` (quarters and terms under 366-QĐ/TW only).
    pub period: String,
    /// Default 20.
    #[serde(default)]
    pub quota_percent: Option<u32>,
    /// The day every evaluation is to be decided by; not before today.
    pub due_on: chrono::NaiveDate,
    /// The committee's own criteria list (366-QĐ/TW rounds), the most points summing to 100;
    /// the steps then give each criterion's points (`points`) instead of a total.
    #[serde(default)]
    pub criteria: Option<Vec<CriterionBody>>,
}

/// One criterion of a round's own list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionBody {
    pub name: String,
    /// 1–100.
    #[schema(minimum = 1, maximum = 100)]
    pub max_points: u8,
}

/// The points one step gave per criterion, in the list's order.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepPointsBody {
    /// `tu-danh-gia`, `de-xuat` or `quyet-dinh`.
    pub step: &'static str,
    pub points: Vec<u8>,
}

fn points_bodies(points: &[storage::StepPoints]) -> Vec<StepPointsBody> {
    points.iter().map(|p| StepPointsBody { step: p.step.code(), points: p.points.clone() }).collect()
}

/// A step to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationStepBody {
    pub evaluation: i64,
    pub version: i64,
    /// `de-xuat` (the chi bộ's proposal) or `quyet-dinh` (the decision); `tu-danh-gia` to record a
    /// self-assessment given on paper.
    pub step: String,
    pub level: String,
    /// 0–100 under 366-QĐ/TW; absent under 124-QĐ/TW.
    #[serde(default)]
    pub score: Option<f64>,
    #[serde(default)]
    pub note: Option<String>,
    /// With the proposal: disciplined within the period (blocks excellent).
    #[serde(default)]
    pub disciplined: bool,
    /// In a round with a criteria list: each criterion's points in the list's order (their sum
    /// is the score; a `score` given beside them must agree).
    #[serde(default)]
    pub points: Option<Vec<f64>>,
}

/// Done.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationDone {
    pub ok: bool,
}

#[utoipa::path(get, path = "/api/v1/units/{id}/evaluation-rounds", tag = "evaluation", params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "The rounds covering the unit, newest first", body = [RoundBody])))]
async fn rounds(s: Caller, PathId(unit): PathId<UnitId>) -> Result<Response, AppError> {
    let rounds = s.evaluation()?.rounds(unit).await?;
    Ok(axum::Json(rounds.iter().map(RoundBody::from).collect::<Vec<_>>()).into_response())
}

#[utoipa::path(post, path = "/api/v1/units/{id}/evaluation-rounds", tag = "evaluation", params(("id" = i64, Path, description = "Unit id")),
    request_body = OpenBody,
    responses((status = 201, description = "Opened with the regulation in force today", body = Created),
              (status = 403, description = "You decide for no unit", body = ErrorEnvelope),
              (status = 422, description = "A round of that period already (`duplicate`), a quarter or term under 124-QĐ/TW (`yearly_only`), a period not begun (`future`), a deadline before today (`before_opening`), a criteria list not summing to 100 (`sum`) or under 124-QĐ/TW (`not_scored`)", body = ErrorEnvelope)))]
async fn open(s: Caller, PathId(unit): PathId<UnitId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.evaluation()?;
    if !desk.may_open(unit).await {
        return Err(if desk.takes(Step::Decision) { AppError::not_found() } else { AppError::forbidden() });
    }
    let b: OpenBody = typed(body)?;
    let period = Period::parse(&b.period).map_err(|e| AppError::validation(domain::ValidationErrors { errors: vec![e] }))?;
    let criteria = match b.criteria {
        Some(list) => Some(
            Criteria::new(list.into_iter().map(|c| Criterion { name: c.name, max_points: c.max_points }).collect())
                .map_err(AppError::validation)?,
        ),
        None => None,
    };
    let quota_percent = b.quota_percent.unwrap_or(domain::evaluation::DEFAULT_QUOTA_PERCENT);
    let plan = RoundPlan { period, quota_percent, due_on: b.due_on, criteria };
    Ok(created(desk.open(unit, &plan).await?))
}

#[utoipa::path(get, path = "/api/v1/units/{id}/evaluation/{round}", tag = "evaluation",
    params(("id" = i64, Path, description = "Unit id"), ("round" = i64, Path, description = "A round covering the unit")),
    responses((status = 200, description = "The round's evaluations under the unit with the counts by level", body = RoundSheetBody)))]
async fn sheet(s: Caller, PathIds(unit, round): PathIds<UnitId, i64>) -> Result<Response, AppError> {
    let sh = s.evaluation()?.sheet(round, unit).await?;
    let body = RoundSheetBody {
        round: RoundBody::from(&sh.round),
        unit: unit.0,
        members: sh
            .members
            .iter()
            .map(|m| {
                evaluation(&m.row, m.full_name.clone(), Some(m.months_absent), m.residence.as_ref().map(|c| c.rating.code()), &m.points)
            })
            .collect(),
        units: sh.units.iter().map(|u| evaluation(&u.row, u.name.clone(), None, None, &u.points)).collect(),
        member_counts: CountsBody::from(&sh.member_counts),
        unit_counts: CountsBody::from(&sh.unit_counts),
        by_child: sh.by_child.iter().map(|(u, n, c)| ChildCounts { unit: u.0, name: n.clone(), counts: c.into() }).collect(),
        criteria: sh
            .criteria
            .as_ref()
            .map(|c| c.items().iter().map(|c| CriterionBody { name: c.name.clone(), max_points: c.max_points }).collect()),
    };
    Ok(axum::Json(body).into_response())
}

#[utoipa::path(post, path = "/api/v1/units/{id}/evaluation/{round}/steps", tag = "evaluation",
    params(("id" = i64, Path, description = "Unit id"), ("round" = i64, Path, description = "A round covering the unit")),
    request_body = EvaluationStepBody,
    responses((status = 200, description = "Recorded", body = EvaluationDone),
              (status = 409, description = "Changed meanwhile (send the version read)", body = ErrorEnvelope),
              (status = 422, description = "A level above the score (`above_score`), excellent with discipline (`disciplined`), beyond the quota (`quota`), no proposal before the decision (`no_proposal`), decided (`decided`), the round closed (`closed`), points out of range (`range`), a criterion missing (`count`), a score not their sum (`sum`), points in a round without a list (`no_criteria`)", body = ErrorEnvelope)))]
async fn step(s: Caller, PathIds(unit, round): PathIds<UnitId, i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.evaluation()?;
    if !desk.takes(Step::Proposal) && !desk.takes(Step::Decision) {
        return Err(AppError::forbidden());
    }
    desk.round(round, unit).await?;
    let b: EvaluationStepBody = typed(body)?;
    let step = Step::parse(&b.step).map_err(|e| AppError::validation(domain::ValidationErrors::single("step", e.code, e.message)))?;
    let input = StepInput {
        level: b.level,
        score: b.score.map(|x| x.to_string()).unwrap_or_default(),
        note: b.note.unwrap_or_default(),
        disciplined: b.disciplined,
        points: b.points.unwrap_or_default().iter().map(f64::to_string).collect(),
    };
    desk.step(round, b.evaluation, b.version, step, input).await?;
    Ok(axum::Json(EvaluationDone { ok: true }).into_response())
}

#[utoipa::path(post, path = "/api/v1/units/{id}/evaluation/{round}/close", tag = "evaluation",
    params(("id" = i64, Path, description = "The unit that opened the round"), ("round" = i64, Path, description = "Round id")),
    responses((status = 200, description = "Closed: the levels are final", body = EvaluationDone),
              (status = 409, description = "Closed already", body = ErrorEnvelope)))]
async fn close(s: Caller, PathIds(unit, round): PathIds<UnitId, i64>) -> Result<Response, AppError> {
    let desk = s.evaluation()?;
    if !desk.may_open(unit).await {
        return Err(if desk.takes(Step::Decision) { AppError::not_found() } else { AppError::forbidden() });
    }
    if desk.round(round, unit).await?.unit != unit {
        return Err(AppError::not_found());
    }
    desk.close(round).await?;
    Ok(axum::Json(EvaluationDone { ok: true }).into_response())
}
