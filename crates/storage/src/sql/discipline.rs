//! Statements of the discipline register (migration 0032).

use chrono::{DateTime, NaiveDate, Utc};
use domain::discipline::{Form, Interruption};
use domain::ids::MemberId;

use super::{R, field};
use crate::db::{Conn, DbError, Row, Value};

/// A discipline as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisciplineRow {
    pub id: i64,
    pub member: MemberId,
    pub form: Form,
    /// The deciding body ("Chi bộ 1", "Ban Thường vụ Đảng ủy xã").
    pub body: String,
    pub decision: String,
    pub decided_on: NaiveDate,
    pub announced_on: NaiveDate,
    pub reason: String,
    /// The post removed from (cách chức).
    pub post: Option<String>,
    pub lifted_on: Option<NaiveDate>,
    pub lift_decision: Option<String>,
    /// The register's expulsion event.
    pub event: Option<i64>,
    pub version: i64,
    pub recorded_by: String,
}

/// What was recorded within a discipline's 12 months.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterruptionRow {
    pub discipline: i64,
    pub kind: Interruption,
    pub on: NaiveDate,
    pub note: String,
}

/// A discipline to insert.
#[derive(Debug, Clone)]
pub struct NewDiscipline<'a> {
    pub member: MemberId,
    pub form: Form,
    pub body: &'a str,
    pub decision: &'a str,
    pub decided_on: NaiveDate,
    pub announced_on: NaiveDate,
    pub reason: &'a str,
    pub post: Option<&'a str>,
    pub event: Option<i64>,
}

/// `SELECT` of every column, then the rest of the statement.
macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT ",
            "id, member_id, form, body, decision, decided_on, announced_on, reason, post, lifted_on, lift_decision, event_id, \
                       version, recorded_by",
            " FROM disciplines ",
            $rest
        )
    };
}

fn from_row(r: &Row) -> R<DisciplineRow> {
    Ok(DisciplineRow {
        id: r.i64("id")?,
        member: MemberId(r.i64("member_id")?),
        form: field(Form::parse(&r.str("form")?))?,
        body: r.str("body")?,
        decision: r.str("decision")?,
        decided_on: r.date("decided_on")?,
        announced_on: r.date("announced_on")?,
        reason: r.str("reason")?,
        post: r.opt_str("post")?,
        lifted_on: r.opt_date("lifted_on")?,
        lift_decision: r.opt_str("lift_decision")?,
        event: r.opt_i64("event_id")?,
        version: r.i64("version")?,
        recorded_by: r.str("recorded_by")?,
    })
}

pub async fn insert(tx: &mut dyn Conn, d: &NewDiscipline<'_>, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let rows = tx
        .query(
            &"INSERT INTO disciplines (member_id, form, body, decision, decided_on, announced_on, reason, post, event_id, version, \
               recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11) RETURNING id"
                .into(),
            vec![
                d.member.0.into(),
                d.form.code().into(),
                d.body.into(),
                d.decision.into(),
                d.decided_on.into(),
                d.announced_on.into(),
                d.reason.into(),
                d.post.map(str::to_string).into(),
                d.event.into(),
                now.into(),
                actor.into(),
            ],
        )
        .await?;
    rows.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

pub async fn one(conn: &mut dyn Conn, id: i64) -> R<Option<DisciplineRow>> {
    conn.query(&select!("WHERE id = $1").into(), vec![id.into()]).await?.first().map(from_row).transpose()
}

/// A member's disciplines, latest first.
pub async fn of_member(conn: &mut dyn Conn, member: MemberId) -> R<Vec<DisciplineRow>> {
    conn.query(&select!("WHERE member_id = $1 ORDER BY announced_on DESC, id DESC").into(), vec![member.0.into()])
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Every discipline announced on or after `since` (the register's window), latest first.
pub async fn since(conn: &mut dyn Conn, since: NaiveDate) -> R<Vec<DisciplineRow>> {
    conn.query(&select!("WHERE announced_on >= $1 ORDER BY announced_on DESC, id DESC").into(), vec![since.into()])
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Every discipline (what badges read: a few per thousand members).
pub async fn all(conn: &mut dyn Conn) -> R<Vec<DisciplineRow>> {
    conn.query(&select!("ORDER BY member_id, announced_on").into(), vec![]).await?.iter().map(from_row).collect()
}

/// Sets the day a later decision ended a discipline, at `version` (`false`: changed meanwhile).
pub async fn lift(tx: &mut dyn Conn, id: i64, version: i64, on: NaiveDate, decision: &str) -> R<bool> {
    let n = tx
        .execute(
            &"UPDATE disciplines SET lifted_on = $1, lift_decision = $2, version = version + 1 WHERE id = $3 AND version = $4".into(),
            vec![on.into(), decision.into(), id.into(), version.into()],
        )
        .await?;
    Ok(n == 1)
}

/// Moves a discipline's version on (`false`: changed meanwhile).
pub async fn touch(tx: &mut dyn Conn, id: i64, version: i64) -> R<bool> {
    let n = tx
        .execute(&"UPDATE disciplines SET version = version + 1 WHERE id = $1 AND version = $2".into(), vec![id.into(), version.into()])
        .await?;
    Ok(n == 1)
}

pub async fn insert_interruption(tx: &mut dyn Conn, i: &InterruptionRow, now: DateTime<Utc>, actor: &str) -> R<()> {
    tx.execute(
        &"INSERT INTO discipline_interruptions (discipline_id, kind, on_date, note, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)"
            .into(),
        vec![i.discipline.into(), i.kind.code().into(), i.on.into(), i.note.as_str().into(), now.into(), actor.into()],
    )
    .await?;
    Ok(())
}

/// What was recorded within the disciplines given, in order of day.
pub async fn interruptions(conn: &mut dyn Conn, ids: &[i64]) -> R<Vec<InterruptionRow>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let sql = crate::db::Sql::in_list(
            "SELECT discipline_id, kind, on_date, note FROM discipline_interruptions WHERE discipline_id IN ",
            chunk.len(),
            " ORDER BY on_date, id",
            1,
        );
        let rows = conn.query(&sql, chunk.iter().map(|i| Value::from(*i)).collect()).await?;
        for r in &rows {
            out.push(InterruptionRow {
                discipline: r.i64("discipline_id")?,
                kind: field(Interruption::parse(&r.str("kind")?))?,
                on: r.date("on_date")?,
                note: r.str("note")?,
            });
        }
    }
    Ok(out)
}
