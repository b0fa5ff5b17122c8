//! Statements of the tasks a chi bộ assigns to its members (migration 0024).

use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::{MemberId, UnitId};
use domain::member_tasks::TaskInput;

use super::R;
use crate::db::{Conn, DbError, Row};

/// A task as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRow {
    pub id: i64,
    pub unit: UnitId,
    pub title: String,
    pub details: Option<String>,
    pub assigned_on: NaiveDate,
    pub due: Option<NaiveDate>,
    pub created_by: String,
}

/// One member named by a task, with their report once given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssigneeRow {
    pub task: i64,
    pub member: MemberId,
    pub done_on: Option<NaiveDate>,
    pub report: Option<String>,
}

fn task_from_row(r: &Row) -> R<TaskRow> {
    Ok(TaskRow {
        id: r.i64("id")?,
        unit: UnitId(r.i64("unit_id")?),
        title: r.str("title")?,
        details: r.opt_str("details")?,
        assigned_on: r.date("assigned_on")?,
        due: r.opt_date("due_on")?,
        created_by: r.str("created_by")?,
    })
}

fn assignee_from_row(r: &Row) -> R<AssigneeRow> {
    Ok(AssigneeRow {
        task: r.i64("task_id")?,
        member: MemberId(r.i64("member_id")?),
        done_on: r.opt_date("done_on")?,
        report: r.opt_str("report")?,
    })
}

pub async fn insert_task(tx: &mut dyn Conn, unit: UnitId, t: &TaskInput, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let rows = tx
        .query(
            &"INSERT INTO member_tasks (unit_id, title, details, assigned_on, due_on, created_at, created_by) \
               VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
                .into(),
            vec![
                unit.0.into(),
                t.title.as_str().into(),
                t.details.clone().into(),
                t.assigned_on.into(),
                t.due.into(),
                now.into(),
                actor.into(),
            ],
        )
        .await?;
    rows.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

pub async fn insert_assignees(tx: &mut dyn Conn, task: i64, members: &[MemberId], max_params: usize) -> R<()> {
    let rows = members.iter().map(|m| vec![task.into(), m.0.into()]).collect();
    super::insert_rows(tx, "INSERT INTO member_task_assignees (task_id, member_id) VALUES", 2, rows, max_params).await
}

pub async fn task(conn: &mut dyn Conn, id: i64) -> R<Option<TaskRow>> {
    conn.query(
        &"SELECT t.id, t.unit_id, t.title, t.details, t.assigned_on, t.due_on, t.created_by FROM member_tasks t WHERE t.id = $1".into(),
        vec![id.into()],
    )
    .await?
    .first()
    .map(task_from_row)
    .transpose()
}

/// A chi bộ's tasks assigned between two days, newest first, with everyone each names.
pub async fn tasks_of_unit(conn: &mut dyn Conn, unit: UnitId, first: NaiveDate, last: NaiveDate) -> R<Vec<(TaskRow, Vec<AssigneeRow>)>> {
    let tasks: Vec<TaskRow> = conn
        .query(
            &"SELECT t.id, t.unit_id, t.title, t.details, t.assigned_on, t.due_on, t.created_by FROM member_tasks t \
               WHERE t.unit_id = $1 AND t.assigned_on BETWEEN $2 AND $3 ORDER BY t.assigned_on DESC, t.id DESC"
                .into(),
            vec![unit.0.into(), first.into(), last.into()],
        )
        .await?
        .iter()
        .map(task_from_row)
        .collect::<R<_>>()?;
    let rows = conn
        .query(
            &"SELECT a.task_id, a.member_id, a.done_on, a.report FROM member_task_assignees a \
               JOIN member_tasks t ON t.id = a.task_id WHERE t.unit_id = $1 AND t.assigned_on BETWEEN $2 AND $3"
                .into(),
            vec![unit.0.into(), first.into(), last.into()],
        )
        .await?;
    let mut assignees: Vec<AssigneeRow> = rows.iter().map(assignee_from_row).collect::<R<_>>()?;
    assignees.sort_by_key(|a| (a.task, a.member.0));
    Ok(tasks
        .into_iter()
        .map(|t| {
            let mine = assignees.iter().filter(|a| a.task == t.id).cloned().collect();
            (t, mine)
        })
        .collect())
}

/// The tasks naming a member, newest first, with the member's own report.
pub async fn tasks_of_member(conn: &mut dyn Conn, member: MemberId) -> R<Vec<(TaskRow, AssigneeRow)>> {
    let rows = conn
        .query(
            &"SELECT t.id, t.unit_id, t.title, t.details, t.assigned_on, t.due_on, t.created_by, \
                     a.task_id, a.member_id, a.done_on, a.report FROM member_task_assignees a \
               JOIN member_tasks t ON t.id = a.task_id WHERE a.member_id = $1 ORDER BY t.assigned_on DESC, t.id DESC"
                .into(),
            vec![member.0.into()],
        )
        .await?;
    rows.iter().map(|r| Ok((task_from_row(r)?, assignee_from_row(r)?))).collect()
}

pub async fn assignee(conn: &mut dyn Conn, task: i64, member: MemberId) -> R<Option<AssigneeRow>> {
    conn.query(
        &"SELECT task_id, member_id, done_on, report FROM member_task_assignees WHERE task_id = $1 AND member_id = $2".into(),
        vec![task.into(), member.0.into()],
    )
    .await?
    .first()
    .map(assignee_from_row)
    .transpose()
}

/// Records the member's report, unless one is recorded already (then `false`).
pub async fn report(tx: &mut dyn Conn, task: i64, member: MemberId, done_on: NaiveDate, report: &str, now: DateTime<Utc>) -> R<bool> {
    let n = tx
        .execute(
            &"UPDATE member_task_assignees SET done_on = $1, report = $2, reported_at = $3 \
               WHERE task_id = $4 AND member_id = $5 AND done_on IS NULL"
                .into(),
            vec![done_on.into(), report.into(), now.into(), task.into(), member.0.into()],
        )
        .await?;
    Ok(n == 1)
}
