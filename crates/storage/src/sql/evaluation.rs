//! Statements of evaluation rounds (migration 0028).

use chrono::{DateTime, NaiveDate, Utc};
use domain::evaluation::{Criteria, Criterion, Level, Period, Progress, Rating, Regulation, RoundPlan, Step};
use domain::ids::{MemberId, UnitId};

use super::{R, field, insert_rows};
use crate::db::{Conn, DbError, Row, Value};

/// A round as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundRow {
    pub id: i64,
    pub unit: UnitId,
    pub period: Period,
    pub regulation: Regulation,
    pub quota_percent: u32,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    /// The day its evaluations are to be decided by (none for rounds opened before deadlines
    /// were kept, migration 0030).
    pub due_on: Option<NaiveDate>,
    pub created_by: String,
}

/// Whose evaluation it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Member(MemberId),
    Unit(UnitId),
}

/// One evaluation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationRow {
    pub id: i64,
    pub round: i64,
    pub subject: Subject,
    /// The group of the quota: a member's chi bộ, an organization's superior.
    pub group: UnitId,
    pub disciplined: bool,
    pub self_rating: Option<Rating>,
    pub self_note: Option<String>,
    pub proposed: Option<Rating>,
    pub proposal_note: Option<String>,
    pub decided: Option<Rating>,
    pub decided_on: Option<NaiveDate>,
    pub decided_by: Option<String>,
    pub version: i64,
}

impl EvaluationRow {
    /// The level that counts now: decided, else proposed.
    pub fn standing_level(&self) -> Option<Level> {
        self.decided.or(self.proposed).map(|r| r.level)
    }
}

fn rating(r: &Row, level: &str, score: &str) -> R<Option<Rating>> {
    let Some(code) = r.opt_str(level)? else { return Ok(None) };
    let score = r.opt_i64(score)?.map(|s| u8::try_from(s).map_err(|e| DbError::Decode(e.to_string()))).transpose()?;
    Ok(Some(Rating { level: field(Level::parse(&code))?, score }))
}

fn round_from_row(r: &Row) -> R<RoundRow> {
    Ok(RoundRow {
        id: r.i64("id")?,
        unit: UnitId(r.i64("unit_id")?),
        period: field(Period::parse(&r.str("period")?))?,
        regulation: field(Regulation::parse(&r.str("regulation")?))?,
        quota_percent: u32::try_from(r.i64("quota_percent")?).map_err(|e| DbError::Decode(e.to_string()))?,
        opened_on: r.date("opened_on")?,
        closed_on: r.opt_date("closed_on")?,
        due_on: r.opt_date("due_on")?,
        created_by: r.str("created_by")?,
    })
}

fn evaluation_from_row(r: &Row) -> R<EvaluationRow> {
    let subject = match (r.opt_i64("member_id")?, r.opt_i64("subject_unit_id")?) {
        (Some(m), _) => Subject::Member(MemberId(m)),
        (None, Some(u)) => Subject::Unit(UnitId(u)),
        (None, None) => return Err(DbError::Decode("an evaluation of nobody".into())),
    };
    Ok(EvaluationRow {
        id: r.i64("id")?,
        round: r.i64("round_id")?,
        subject,
        group: UnitId(r.i64("group_unit_id")?),
        disciplined: r.i64("disciplined")? != 0,
        self_rating: rating(r, "self_level", "self_score")?,
        self_note: r.opt_str("self_note")?,
        proposed: rating(r, "proposed_level", "proposed_score")?,
        proposal_note: r.opt_str("proposal_note")?,
        decided: rating(r, "decided_level", "decided_score")?,
        decided_on: r.opt_date("decided_on")?,
        decided_by: r.opt_str("decided_by")?,
        version: r.i64("version")?,
    })
}

/// A round to insert.
pub struct NewRound<'a> {
    pub unit: UnitId,
    pub plan: &'a RoundPlan,
    pub regulation: Regulation,
    pub opened_on: NaiveDate,
}

pub async fn insert_round(tx: &mut dyn Conn, new: &NewRound<'_>, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let rows = tx
        .query(
            &"INSERT INTO evaluation_rounds (unit_id, period, regulation, quota_percent, opened_on, due_on, created_at, created_by) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
                .into(),
            vec![
                new.unit.0.into(),
                new.plan.period.code().into(),
                new.regulation.code().into(),
                i64::from(new.plan.quota_percent).into(),
                new.opened_on.into(),
                new.plan.due_on.into(),
                now.into(),
                actor.into(),
            ],
        )
        .await?;
    rows.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

/// The evaluations of a new round: (subject, group) each.
pub async fn insert_evaluations(tx: &mut dyn Conn, round: i64, subjects: &[(Subject, UnitId)], max_params: usize) -> R<()> {
    let rows = subjects
        .iter()
        .map(|(s, group)| {
            let (member, unit) = match s {
                Subject::Member(m) => (Some(m.0), None),
                Subject::Unit(u) => (None, Some(u.0)),
            };
            vec![round.into(), member.into(), unit.into(), group.0.into(), 0_i64.into(), 1_i64.into()]
        })
        .collect();
    insert_rows(
        tx,
        "INSERT INTO evaluations (round_id, member_id, subject_unit_id, group_unit_id, disciplined, version) VALUES",
        6,
        rows,
        max_params,
    )
    .await
}

pub async fn round(conn: &mut dyn Conn, id: i64) -> R<Option<RoundRow>> {
    conn.query(
        &"SELECT id, unit_id, period, regulation, quota_percent, opened_on, closed_on, due_on, created_by FROM evaluation_rounds WHERE id = $1"
            .into(),
        vec![id.into()],
    )
    .await?
    .first()
    .map(round_from_row)
    .transpose()
}

/// Every round, newest period first (a handful a year per committee).
pub async fn rounds(conn: &mut dyn Conn) -> R<Vec<RoundRow>> {
    conn.query(
        &"SELECT id, unit_id, period, regulation, quota_percent, opened_on, closed_on, due_on, created_by FROM evaluation_rounds \
           ORDER BY period DESC, id DESC"
            .into(),
        vec![],
    )
    .await?
    .iter()
    .map(round_from_row)
    .collect()
}

/// How far a round's evaluations have come, per group and kind of subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupProgress {
    pub round: i64,
    /// The group: a member's chi bộ, an organization's superior.
    pub group: UnitId,
    /// Members' evaluations (else organizations').
    pub of_members: bool,
    pub progress: Progress,
}

fn group_progress_from_row(r: &Row) -> R<GroupProgress> {
    let count = |c: &str| u32::try_from(r.i64(c)?).map_err(|e| DbError::Decode(e.to_string()));
    Ok(GroupProgress {
        round: r.i64("round_id")?,
        group: UnitId(r.i64("group_unit_id")?),
        of_members: r.i64("of_members")? == 1,
        progress: Progress {
            total: count("total")?,
            self_assessed: count("self_assessed")?,
            proposed: count("proposed")?,
            decided: count("decided")?,
        },
    })
}

/// The progress of rounds per group, counted by the database (one row per round and group).
pub async fn progress(conn: &mut dyn Conn, rounds: &[i64]) -> R<Vec<GroupProgress>> {
    super::select_in(
        conn,
        "SELECT round_id, group_unit_id, CASE WHEN member_id IS NULL THEN 0 ELSE 1 END AS of_members, COUNT(*) AS total, \
          COUNT(self_level) AS self_assessed, COUNT(proposed_level) AS proposed, COUNT(decided_level) AS decided \
          FROM evaluations WHERE round_id IN",
        " GROUP BY round_id, group_unit_id, CASE WHEN member_id IS NULL THEN 0 ELSE 1 END",
        &[],
        rounds,
        group_progress_from_row,
    )
    .await
}

pub async fn close_round(tx: &mut dyn Conn, id: i64, on: NaiveDate) -> R<bool> {
    let n = tx
        .execute(&"UPDATE evaluation_rounds SET closed_on = $1 WHERE id = $2 AND closed_on IS NULL".into(), vec![on.into(), id.into()])
        .await?;
    Ok(n == 1)
}

/// The evaluations of a round (all, or one group's).
pub async fn evaluations(conn: &mut dyn Conn, round: i64) -> R<Vec<EvaluationRow>> {
    conn.query(
        &"SELECT id, round_id, member_id, subject_unit_id, group_unit_id, disciplined, self_level, self_score, self_note, proposed_level, \
           proposed_score, proposal_note, decided_level, decided_score, decided_on, decided_by, version FROM evaluations WHERE round_id = $1 \
           ORDER BY id"
            .into(),
        vec![round.into()],
    )
    .await?
    .iter()
    .map(evaluation_from_row)
    .collect()
}

pub async fn evaluation(conn: &mut dyn Conn, id: i64) -> R<Option<EvaluationRow>> {
    conn.query(
        &"SELECT id, round_id, member_id, subject_unit_id, group_unit_id, disciplined, self_level, self_score, self_note, proposed_level, \
           proposed_score, proposal_note, decided_level, decided_score, decided_on, decided_by, version FROM evaluations WHERE id = $1"
            .into(),
        vec![id.into()],
    )
    .await?
    .first()
    .map(evaluation_from_row)
    .transpose()
}

/// A member's evaluations, newest first.
pub async fn evaluations_of_member(conn: &mut dyn Conn, member: MemberId) -> R<Vec<EvaluationRow>> {
    conn.query(
        &"SELECT id, round_id, member_id, subject_unit_id, group_unit_id, disciplined, self_level, self_score, self_note, proposed_level, \
           proposed_score, proposal_note, decided_level, decided_score, decided_on, decided_by, version FROM evaluations \
           WHERE member_id = $1 ORDER BY round_id DESC"
            .into(),
        vec![member.0.into()],
    )
    .await?
    .iter()
    .map(evaluation_from_row)
    .collect()
}

fn score_value(r: &Rating) -> Value {
    r.score.map(i64::from).into()
}

/// Writes one step at `version` (`false`: changed meanwhile).
#[allow(clippy::too_many_arguments)]
pub async fn record_step(
    tx: &mut dyn Conn,
    id: i64,
    version: i64,
    step: Step,
    r: &Rating,
    note: Option<&str>,
    disciplined: bool,
    on: NaiveDate,
    actor: &str,
) -> R<bool> {
    let n = match step {
        Step::SelfAssessment => {
            tx.execute(
                &"UPDATE evaluations SET self_level = $1, self_score = $2, self_note = $3, version = version + 1 WHERE id = $4 AND version = $5"
                    .into(),
                vec![r.level.code().into(), score_value(r), note.into(), id.into(), version.into()],
            )
            .await?
        }
        Step::Proposal => {
            tx.execute(
                &"UPDATE evaluations SET proposed_level = $1, proposed_score = $2, proposal_note = $3, disciplined = $4, version = version + 1 \
                   WHERE id = $5 AND version = $6"
                    .into(),
                vec![r.level.code().into(), score_value(r), note.into(), i64::from(disciplined).into(), id.into(), version.into()],
            )
            .await?
        }
        Step::Decision => {
            tx.execute(
                &"UPDATE evaluations SET decided_level = $1, decided_score = $2, decided_on = $3, decided_by = $4, version = version + 1 \
                   WHERE id = $5 AND version = $6"
                    .into(),
                vec![r.level.code().into(), score_value(r), on.into(), actor.into(), id.into(), version.into()],
            )
            .await?
        }
    };
    Ok(n == 1)
}

/// Writes a round's criteria list in order.
pub async fn insert_criteria(tx: &mut dyn Conn, round: i64, criteria: &Criteria, max_params: usize) -> R<()> {
    let rows = criteria
        .items()
        .iter()
        .enumerate()
        .map(|(i, c)| vec![round.into(), (i as i64).into(), c.name.clone().into(), i64::from(c.max_points).into()])
        .collect();
    insert_rows(tx, "INSERT INTO evaluation_criteria (round_id, position, name, max_points) VALUES", 4, rows, max_params).await
}

/// A round's criteria list, if it has one.
pub async fn criteria(conn: &mut dyn Conn, round: i64) -> R<Option<Criteria>> {
    let rows = conn
        .query(&"SELECT name, max_points FROM evaluation_criteria WHERE round_id = $1 ORDER BY position".into(), vec![round.into()])
        .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let items = rows
        .iter()
        .map(|r| {
            Ok(Criterion {
                name: r.str("name")?,
                max_points: u8::try_from(r.i64("max_points")?).map_err(|e| DbError::Decode(e.to_string()))?,
            })
        })
        .collect::<R<Vec<_>>>()?;
    Criteria::new(items).map(Some).map_err(|e| DbError::Decode(e.summary()))
}

/// One step's points for one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PointsRow {
    pub evaluation: i64,
    pub step: Step,
    pub position: usize,
    pub points: u8,
}

/// Replaces a step's points of an evaluation.
pub async fn set_points(tx: &mut dyn Conn, evaluation: i64, step: Step, points: &[u8], max_params: usize) -> R<()> {
    tx.execute(&"DELETE FROM evaluation_points WHERE evaluation_id = $1 AND step = $2".into(), vec![evaluation.into(), step.code().into()])
        .await?;
    let rows = points
        .iter()
        .enumerate()
        .map(|(i, p)| vec![evaluation.into(), step.code().into(), (i as i64).into(), i64::from(*p).into()])
        .collect();
    insert_rows(tx, "INSERT INTO evaluation_points (evaluation_id, step, position, points) VALUES", 4, rows, max_params).await
}

/// The points of evaluations, in order of evaluation, step and criterion.
pub async fn points_of(conn: &mut dyn Conn, evaluations: &[i64]) -> R<Vec<PointsRow>> {
    let mut rows = super::select_in(
        conn,
        "SELECT evaluation_id, step, position, points FROM evaluation_points WHERE evaluation_id IN",
        "",
        &[],
        evaluations,
        |r| {
            Ok(PointsRow {
                evaluation: r.i64("evaluation_id")?,
                step: field(Step::parse(&r.str("step")?))?,
                position: usize::try_from(r.i64("position")?).map_err(|e| DbError::Decode(e.to_string()))?,
                points: u8::try_from(r.i64("points")?).map_err(|e| DbError::Decode(e.to_string()))?,
            })
        },
    )
    .await?;
    rows.sort_by_key(|p| (p.evaluation, p.step.code(), p.position));
    Ok(rows)
}
