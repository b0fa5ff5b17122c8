//! Consolidation plans of weak organizations and their measures, and the receipts of tasks the
//! weak-organization indicators count.

use chrono::{DateTime, NaiveDate, Utc};

use domain::directives::Deadline;
use domain::ids::UnitId;
use domain::weak::WeakReason;
use domain::weak::plan::{Measure, PlanOutcome};

use crate::db::{Conn, DbError, Row, Sql};

type R<T> = Result<T, DbError>;

/// A plan as stored, its measures apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPlan {
    pub id: i64,
    pub unit: UnitId,
    pub year: i32,
    pub version: i64,
    pub reasons: Vec<WeakReason>,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub outcome: Option<PlanOutcome>,
    pub outcome_note: Option<String>,
    pub created_by: String,
}

fn decode(what: &str) -> DbError {
    DbError::Decode(format!("consolidation: {what}"))
}

fn plan_from_row(r: &Row) -> R<StoredPlan> {
    Ok(StoredPlan {
        id: r.i64("id")?,
        unit: UnitId(r.i64("unit_id")?),
        year: i32::try_from(r.i64("year")?).map_err(|_| decode("year"))?,
        version: r.i64("version")?,
        reasons: r.str("reasons")?.split_whitespace().map(|c| WeakReason::parse(c).map_err(|_| decode("reasons"))).collect::<R<_>>()?,
        opened_on: r.date("opened_on")?,
        closed_on: r.opt_date("closed_on")?,
        outcome: r.opt_str("outcome")?.map(|o| PlanOutcome::parse(&o).map_err(|_| decode("outcome"))).transpose()?,
        outcome_note: r.opt_str("outcome_note")?,
        created_by: r.str("created_by")?,
    })
}

pub async fn plan(conn: &mut dyn Conn, id: i64) -> R<Option<StoredPlan>> {
    let sql: Sql = "SELECT id, unit_id, year, version, reasons, opened_on, closed_on, outcome, outcome_note, created_by \
                    FROM consolidation_plans WHERE id = $1"
        .into();
    conn.query(&sql, vec![id.into()]).await?.first().map(plan_from_row).transpose()
}

/// Every plan of a year.
pub async fn plans_of_year(conn: &mut dyn Conn, year: i32) -> R<Vec<StoredPlan>> {
    let sql: Sql = "SELECT id, unit_id, year, version, reasons, opened_on, closed_on, outcome, outcome_note, created_by \
                    FROM consolidation_plans WHERE year = $1 ORDER BY unit_id"
        .into();
    conn.query(&sql, vec![i64::from(year).into()]).await?.iter().map(plan_from_row).collect()
}

pub async fn insert_plan(
    tx: &mut dyn Conn,
    unit: UnitId,
    year: i32,
    reasons: &[WeakReason],
    opened: NaiveDate,
    now: DateTime<Utc>,
    actor: &str,
) -> R<i64> {
    let sql: Sql =
        "INSERT INTO consolidation_plans (unit_id, year, version, reasons, opened_on, created_at, created_by, updated_at, updated_by) \
                    VALUES ($1, $2, 1, $3, $4, $5, $6, $5, $6) RETURNING id"
            .into();
    let codes: Vec<&str> = reasons.iter().map(|r| r.code()).collect();
    let args = vec![unit.0.into(), i64::from(year).into(), codes.join(" ").into(), opened.into(), now.into(), actor.into()];
    tx.query(&sql, args).await?.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

/// Moves the version on and writes the outcome, if the version is still `expected`.
pub async fn update_plan(tx: &mut dyn Conn, p: &StoredPlan, expected: i64, now: DateTime<Utc>, actor: &str) -> R<bool> {
    let sql: Sql =
        "UPDATE consolidation_plans SET version = version + 1, closed_on = $2, outcome = $3, outcome_note = $4, updated_at = $5, \
                    updated_by = $6 WHERE id = $1 AND version = $7"
            .into();
    let args = vec![
        p.id.into(),
        p.closed_on.into(),
        p.outcome.map(|o| o.code()).into(),
        p.outcome_note.clone().into(),
        now.into(),
        actor.into(),
        expected.into(),
    ];
    Ok(tx.execute(&sql, args).await? == 1)
}

pub async fn measures_of(conn: &mut dyn Conn, plan: i64) -> R<Vec<Measure>> {
    let sql: Sql = "SELECT text, responsible, due_on, done_on, note FROM consolidation_measures WHERE plan_id = $1 ORDER BY seq".into();
    conn.query(&sql, vec![plan.into()])
        .await?
        .iter()
        .map(|r| {
            Ok(Measure {
                text: r.str("text")?,
                responsible: r.str("responsible")?,
                due: r.date("due_on")?,
                done: r.opt_date("done_on")?,
                note: r.opt_str("note")?,
            })
        })
        .collect()
}

pub async fn insert_measure(tx: &mut dyn Conn, plan: i64, seq: i64, m: &Measure) -> R<()> {
    let sql: Sql = "INSERT INTO consolidation_measures (plan_id, seq, text, responsible, due_on) VALUES ($1, $2, $3, $4, $5)".into();
    tx.execute(&sql, vec![plan.into(), seq.into(), m.text.as_str().into(), m.responsible.as_str().into(), m.due.into()]).await?;
    Ok(())
}

pub async fn complete_measure(tx: &mut dyn Conn, plan: i64, seq: i64, m: &Measure) -> R<()> {
    let sql: Sql = "UPDATE consolidation_measures SET done_on = $3, note = $4 WHERE plan_id = $1 AND seq = $2".into();
    tx.execute(&sql, vec![plan.into(), seq.into(), m.done.into(), m.note.clone().into()]).await?;
    Ok(())
}

/// A task a unit received and had not reported by its own last day (or the directive's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRow {
    pub unit: UnitId,
    pub sent_on: NaiveDate,
    pub deadline: Deadline,
    pub due_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
}

/// Every receipt of a task sent up to `last`.
pub async fn tasks_sent_until(conn: &mut dyn Conn, last: NaiveDate) -> R<Vec<TaskRow>> {
    let sql: Sql = "SELECT r.unit_id, d.sent_on, d.deadline_days, d.deadline_date, r.due_on, r.done_on FROM directive_receipts r \
                    JOIN directives d ON d.id = r.directive_id WHERE d.task IS NOT NULL AND d.sent_on <= $1"
        .into();
    conn.query(&sql, vec![last.into()])
        .await?
        .iter()
        .map(|r| {
            let deadline = match (r.opt_i64("deadline_days")?, r.opt_date("deadline_date")?) {
                (Some(n), _) => Deadline::WorkingDays(u32::try_from(n).map_err(|_| decode("deadline_days"))?),
                (None, Some(d)) => Deadline::Date(d),
                (None, None) => return Err(decode("a task without a deadline")),
            };
            Ok(TaskRow {
                unit: UnitId(r.i64("unit_id")?),
                sent_on: r.date("sent_on")?,
                deadline,
                due_on: r.opt_date("due_on")?,
                done_on: r.opt_date("done_on")?,
            })
        })
        .collect()
}
