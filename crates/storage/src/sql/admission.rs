//! SQL of the admission pipeline: candidates, their steps, targets, calendar corrections, and
//! what the cases of a year add to its admissions (sub-target groups, ceremonies).

use chrono::{DateTime, NaiveDate, Utc};

use domain::ids::{MemberId, UnitId};
use domain::pipeline::{Candidate, Stage, StepData};
use domain::text::fold;
use domain::workdays::YearOverride;

use super::R;
use crate::db::{Conn, DbError, Row, Sql, Value};
use crate::stored;

/// A candidate row: (id, version, stage, candidate, member, created, updated, updated by).
#[derive(Debug, Clone)]
pub struct CandidateRow {
    pub id: i64,
    pub version: i64,
    pub stage: Stage,
    pub candidate: Candidate,
    pub member: Option<MemberId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

fn candidate_from_row(r: &Row) -> R<CandidateRow> {
    let stage = r.str("stage")?;
    Ok(CandidateRow {
        id: r.i64("id")?,
        version: r.i64("version")?,
        stage: Stage::parse(&stage).ok_or_else(|| DbError::Decode(format!("unknown stage {stage}")))?,
        candidate: stored::candidate::from_json(&r.str("data")?)?,
        member: r.opt_i64("member_id")?.map(MemberId),
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
        updated_by: r.str("updated_by")?,
    })
}

/// The candidate's columns, in the order both statements bind them: unit, name, folded name,
/// birth date, CCCD, stage, data.
fn candidate_values(c: &Candidate, stage: Stage) -> R<Vec<Value>> {
    let name = c.identity.full_name.as_str();
    Ok(vec![
        c.unit.0.into(),
        name.into(),
        fold(name).into(),
        c.identity.birth_date.into(),
        c.identity.citizen_id.as_str().into(),
        stage.code().into(),
        stored::candidate::to_json(c)?.into(),
    ])
}

pub async fn insert_candidate(tx: &mut dyn Conn, c: &Candidate, stage: Stage, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let sql: Sql = "INSERT INTO candidates (version, unit_id, full_name, name_fold, birth_date, citizen_id, stage, data, member_id, \
                    created_at, updated_at, updated_by) VALUES (1, $1, $2, $3, $4, $5, $6, $7, NULL, $8, $8, $9) RETURNING id"
        .into();
    let mut args = candidate_values(c, stage)?;
    args.extend([now.into(), actor.into()]);
    let rows = tx.query(&sql, args).await?;
    rows.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

/// Replaces the candidate's data, stage and member link if the version still matches; false otherwise.
#[allow(clippy::too_many_arguments)]
pub async fn update_candidate(
    tx: &mut dyn Conn,
    id: i64,
    expected_version: i64,
    c: &Candidate,
    stage: Stage,
    member: Option<MemberId>,
    now: DateTime<Utc>,
    actor: &str,
) -> R<bool> {
    let sql: Sql = "UPDATE candidates SET version = version + 1, unit_id = $3, full_name = $4, name_fold = $5, birth_date = $6, \
                    citizen_id = $7, stage = $8, data = $9, member_id = $10, updated_at = $11, updated_by = $12 \
                    WHERE id = $1 AND version = $2"
        .into();
    let mut args = vec![id.into(), expected_version.into()];
    args.extend(candidate_values(c, stage)?);
    args.extend([Value::Int(member.map(|m| m.0)), now.into(), actor.into()]);
    Ok(tx.execute(&sql, args).await? == 1)
}

pub async fn candidate(conn: &mut dyn Conn, id: i64) -> R<Option<CandidateRow>> {
    let sql: Sql = "SELECT id, version, stage, data, member_id, created_at, updated_at, updated_by FROM candidates WHERE id = $1".into();
    let rows = conn.query(&sql, vec![id.into()]).await?;
    rows.first().map(candidate_from_row).transpose()
}

pub async fn candidate_unit(conn: &mut dyn Conn, id: i64) -> R<Option<UnitId>> {
    let rows = conn.query(&"SELECT unit_id FROM candidates WHERE id = $1".into(), vec![id.into()]).await?;
    rows.first().map(|r| r.i64("unit_id").map(UnitId)).transpose()
}

/// Another open case for the same citizen id (a person is followed by one chi bộ at a time).
pub async fn open_candidate_with_citizen_id(conn: &mut dyn Conn, citizen_id: &str, except: Option<i64>) -> R<Option<(i64, String)>> {
    let rows = conn
        .query(
            &"SELECT id, full_name FROM candidates WHERE citizen_id = $1 AND id <> $2 \
               AND stage NOT IN ('official', 'struck_off', 'closed')"
                .into(),
            vec![citizen_id.into(), except.unwrap_or(0).into()],
        )
        .await?;
    rows.first().map(|r| Ok((r.i64("id")?, r.str("full_name")?))).transpose()
}

/// Candidates in these stages (all open ones when `open_only`), oldest first. Scope and subtree
/// filters are applied by the caller over the in-memory index.
pub async fn candidates(conn: &mut dyn Conn, open_only: bool, q_fold: &str) -> R<Vec<CandidateRow>> {
    let pattern = format!("%{q_fold}%");
    let sql: Sql = if open_only {
        "SELECT id, version, stage, data, member_id, created_at, updated_at, updated_by FROM candidates \
         WHERE stage NOT IN ('official', 'struck_off', 'closed') AND name_fold LIKE $1 ORDER BY id"
            .into()
    } else {
        "SELECT id, version, stage, data, member_id, created_at, updated_at, updated_by FROM candidates \
         WHERE name_fold LIKE $1 ORDER BY id"
            .into()
    };
    let rows = conn.query(&sql, vec![pattern.into()]).await?;
    rows.iter().map(candidate_from_row).collect()
}

/// A step as stored.
#[derive(Debug, Clone)]
pub struct StepRow {
    pub id: i64,
    pub candidate: i64,
    pub data: StepData,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub voided: Option<(DateTime<Utc>, String, String)>,
}

fn step_from_row(r: &Row) -> R<StepRow> {
    let voided = match r.opt_time("voided_at")? {
        Some(at) => Some((at, r.opt_str("voided_by")?.unwrap_or_default(), r.opt_str("void_reason")?.unwrap_or_default())),
        None => None,
    };
    Ok(StepRow {
        id: r.i64("id")?,
        candidate: r.i64("candidate_id")?,
        data: stored::step::from_json(&r.str("data")?)?,
        recorded_at: r.time("recorded_at")?,
        recorded_by: r.str("recorded_by")?,
        voided,
    })
}

/// Every step of one case (voided ones included), in the order recorded.
pub async fn steps(conn: &mut dyn Conn, candidate: i64) -> R<Vec<StepRow>> {
    let sql: Sql = "SELECT id, candidate_id, kind, data, recorded_at, recorded_by, voided_at, voided_by, void_reason \
                    FROM admission_steps WHERE candidate_id = $1 ORDER BY id"
        .into();
    let rows = conn.query(&sql, vec![candidate.into()]).await?;
    rows.iter().map(step_from_row).collect()
}

/// The steps in force (not voided) of every open case, by case then order recorded.
pub async fn open_steps(conn: &mut dyn Conn) -> R<Vec<StepRow>> {
    let sql: Sql = "SELECT s.id, s.candidate_id, s.kind, s.data, s.recorded_at, s.recorded_by, s.voided_at, s.voided_by, s.void_reason \
                    FROM admission_steps s JOIN candidates c ON c.id = s.candidate_id \
                    WHERE c.stage NOT IN ('official', 'struck_off', 'closed') AND s.voided_at IS NULL \
                    ORDER BY s.candidate_id, s.id"
        .into();
    let rows = conn.query(&sql, vec![]).await?;
    rows.iter().map(step_from_row).collect()
}

pub async fn insert_step(tx: &mut dyn Conn, candidate: i64, data: &StepData, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let sql: Sql = "INSERT INTO admission_steps (candidate_id, kind, on_date, data, recorded_at, recorded_by) \
                    VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
        .into();
    let args =
        vec![candidate.into(), data.kind().code().into(), data.on().into(), stored::step::to_json(data)?.into(), now.into(), actor.into()];
    let rows = tx.query(&sql, args).await?;
    rows.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

pub async fn void_step(tx: &mut dyn Conn, step: i64, now: DateTime<Utc>, actor: &str, reason: &str) -> R<bool> {
    let sql: Sql = "UPDATE admission_steps SET voided_at = $2, voided_by = $3, void_reason = $4 WHERE id = $1 AND voided_at IS NULL".into();
    Ok(tx.execute(&sql, vec![step.into(), now.into(), actor.into(), reason.into()]).await? == 1)
}

// --- targets -------------------------------------------------------------------------------------

/// (unit, kind, target) for a year.
pub async fn targets(conn: &mut dyn Conn, year: i32) -> R<Vec<(UnitId, String, u32)>> {
    let rows =
        conn.query(&"SELECT unit_id, kind, target FROM admission_targets WHERE year = $1".into(), vec![i64::from(year).into()]).await?;
    rows.iter().map(|r| Ok((UnitId(r.i64("unit_id")?), r.str("kind")?, u32::try_from(r.i64("target")?).unwrap_or(0)))).collect()
}

/// A target as stored: a unit's, for a year, of a kind (`total` or a `TargetGroup` code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearTarget {
    pub unit: UnitId,
    pub year: i32,
    pub kind: String,
    pub target: u32,
}

/// Every target set for the years `first..=last`.
pub async fn targets_between(conn: &mut dyn Conn, first: i32, last: i32) -> R<Vec<YearTarget>> {
    let sql: Sql = "SELECT unit_id, year, kind, target FROM admission_targets WHERE year >= $1 AND year <= $2".into();
    let rows = conn.query(&sql, vec![i64::from(first).into(), i64::from(last).into()]).await?;
    rows.iter()
        .map(|r| {
            Ok(YearTarget {
                unit: UnitId(r.i64("unit_id")?),
                year: i32::try_from(r.i64("year")?).map_err(|e| DbError::Decode(e.to_string()))?,
                kind: r.str("kind")?,
                target: u32::try_from(r.i64("target")?).unwrap_or(0),
            })
        })
        .collect()
}

pub async fn target(conn: &mut dyn Conn, unit: UnitId, year: i32, kind: &str) -> R<Option<u32>> {
    let rows = conn
        .query(
            &"SELECT target FROM admission_targets WHERE unit_id = $1 AND year = $2 AND kind = $3".into(),
            vec![unit.0.into(), i64::from(year).into(), kind.into()],
        )
        .await?;
    rows.first().map(|r| r.i64("target").map(|v| u32::try_from(v).unwrap_or(0))).transpose()
}

pub async fn delete_target(tx: &mut dyn Conn, unit: UnitId, year: i32, kind: &str) -> R<()> {
    tx.execute(
        &"DELETE FROM admission_targets WHERE unit_id = $1 AND year = $2 AND kind = $3".into(),
        vec![unit.0.into(), i64::from(year).into(), kind.into()],
    )
    .await?;
    Ok(())
}

pub async fn insert_target(tx: &mut dyn Conn, unit: UnitId, year: i32, kind: &str, target: u32, now: DateTime<Utc>, actor: &str) -> R<()> {
    tx.execute(
        &"INSERT INTO admission_targets (unit_id, year, kind, target, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)".into(),
        vec![unit.0.into(), i64::from(year).into(), kind.into(), i64::from(target).into(), now.into(), actor.into()],
    )
    .await?;
    Ok(())
}

/// Ceremonies held in `[from, to)` by cases that reached a decision: (member, ceremony date).
pub async fn ceremonies_between(conn: &mut dyn Conn, from: NaiveDate, to: NaiveDate) -> R<Vec<(MemberId, NaiveDate)>> {
    let sql: Sql = "SELECT c.member_id, s.on_date FROM admission_steps s JOIN candidates c ON c.id = s.candidate_id \
                    WHERE s.kind = 'le-ket-nap' AND s.voided_at IS NULL AND c.member_id IS NOT NULL \
                    AND s.on_date >= $1 AND s.on_date < $2"
        .into();
    let rows = conn.query(&sql, vec![from.into(), to.into()]).await?;
    rows.iter().map(|r| Ok((MemberId(r.i64("member_id")?), r.date("on_date")?))).collect()
}

/// The candidate behind every admission decided through a case in `[from, to)`: (member, candidate).
pub async fn admitted_cases_between(conn: &mut dyn Conn, from: NaiveDate, to: NaiveDate) -> R<Vec<(MemberId, Candidate)>> {
    let sql: Sql = "SELECT c.member_id, c.data FROM candidates c JOIN admission_steps s ON s.candidate_id = c.id \
                    WHERE s.kind = 'quyet-dinh' AND s.voided_at IS NULL AND c.member_id IS NOT NULL \
                    AND s.on_date >= $1 AND s.on_date < $2"
        .into();
    let rows = conn.query(&sql, vec![from.into(), to.into()]).await?;
    rows.iter().map(|r| Ok((MemberId(r.i64("member_id")?), stored::candidate::from_json(&r.str("data")?)?))).collect()
}

// --- calendar ------------------------------------------------------------------------------------

pub async fn calendar_overrides(conn: &mut dyn Conn) -> R<Vec<YearOverride>> {
    let rows = conn.query(&"SELECT data FROM calendar_overrides ORDER BY year".into(), vec![]).await?;
    rows.iter().map(|r| stored::calendar::from_json(&r.str("data")?)).collect()
}

pub async fn set_calendar_override(tx: &mut dyn Conn, o: &YearOverride, now: DateTime<Utc>, actor: &str) -> R<()> {
    tx.execute(&"DELETE FROM calendar_overrides WHERE year = $1".into(), vec![i64::from(o.year).into()]).await?;
    if o.days_off.is_empty() && o.extra_working_days.is_empty() {
        return Ok(());
    }
    tx.execute(
        &"INSERT INTO calendar_overrides (year, data, updated_at, updated_by) VALUES ($1, $2, $3, $4)".into(),
        vec![i64::from(o.year).into(), stored::calendar::to_json(o)?.into(), now.into(), actor.into()],
    )
    .await?;
    Ok(())
}
