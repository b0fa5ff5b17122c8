//! Feedback sent up the tree (`feedback`).

use chrono::{DateTime, NaiveDate, Utc};

use domain::feedback::{FeedbackInput, FeedbackKind};
use domain::ids::{MemberId, UnitId};

use crate::db::{Conn, DbError, Row, Sql};

type R<T> = Result<T, DbError>;

/// Who sent it: a member or a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    Member(MemberId),
    Unit(UnitId),
}

/// One item as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFeedback {
    pub id: i64,
    pub version: i64,
    pub from: Sender,
    pub to: UnitId,
    pub input: FeedbackInput,
    pub sent_on: NaiveDate,
    pub sent_by: String,
    pub answer: Option<String>,
    pub answered_on: Option<NaiveDate>,
    pub answered_by: Option<String>,
}

macro_rules! columns {
    () => {
        "id, version, from_member, from_unit, to_unit, kind, subject, body, sent_on, sent_by, answer, answered_on, answered_by"
    };
}

fn from_row(r: &Row) -> R<StoredFeedback> {
    let from = match (r.opt_i64("from_member")?, r.opt_i64("from_unit")?) {
        (Some(m), None) => Sender::Member(MemberId(m)),
        (None, Some(u)) => Sender::Unit(UnitId(u)),
        _ => return Err(DbError::Decode("feedback: one sender".into())),
    };
    Ok(StoredFeedback {
        id: r.i64("id")?,
        version: r.i64("version")?,
        from,
        to: UnitId(r.i64("to_unit")?),
        input: FeedbackInput {
            kind: FeedbackKind::parse(&r.str("kind")?).map_err(|_| DbError::Decode("feedback: kind".into()))?,
            subject: r.str("subject")?,
            body: r.str("body")?,
        },
        sent_on: r.date("sent_on")?,
        sent_by: r.str("sent_by")?,
        answer: r.opt_str("answer")?,
        answered_on: r.opt_date("answered_on")?,
        answered_by: r.opt_str("answered_by")?,
    })
}

pub async fn insert(
    tx: &mut dyn Conn,
    from: Sender,
    to: UnitId,
    f: &FeedbackInput,
    sent_on: NaiveDate,
    now: DateTime<Utc>,
    actor: &str,
) -> R<i64> {
    let sql: Sql =
        "INSERT INTO feedback (version, from_member, from_unit, to_unit, kind, subject, body, sent_on, sent_by, created_at, updated_at) \
                    VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id"
            .into();
    let (member, unit) = match from {
        Sender::Member(m) => (Some(m.0), None),
        Sender::Unit(u) => (None, Some(u.0)),
    };
    let args = vec![
        member.into(),
        unit.into(),
        to.0.into(),
        f.kind.code().into(),
        f.subject.as_str().into(),
        f.body.as_str().into(),
        sent_on.into(),
        actor.into(),
        now.into(),
    ];
    tx.query(&sql, args).await?.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

pub async fn get(conn: &mut dyn Conn, id: i64) -> R<Option<StoredFeedback>> {
    let sql: Sql = concat!("SELECT ", columns!(), " FROM feedback WHERE id = $1").into();
    conn.query(&sql, vec![id.into()]).await?.first().map(from_row).transpose()
}

/// What was sent to a unit, newest first.
pub async fn to_unit(conn: &mut dyn Conn, unit: UnitId) -> R<Vec<StoredFeedback>> {
    let sql: Sql = concat!("SELECT ", columns!(), " FROM feedback WHERE to_unit = $1 ORDER BY sent_on DESC, id DESC").into();
    conn.query(&sql, vec![unit.0.into()]).await?.iter().map(from_row).collect()
}

/// What a member sent, newest first.
pub async fn from_member(conn: &mut dyn Conn, member: MemberId) -> R<Vec<StoredFeedback>> {
    let sql: Sql = concat!("SELECT ", columns!(), " FROM feedback WHERE from_member = $1 ORDER BY sent_on DESC, id DESC").into();
    conn.query(&sql, vec![member.0.into()]).await?.iter().map(from_row).collect()
}

/// What a unit sent, newest first.
pub async fn from_unit(conn: &mut dyn Conn, unit: UnitId) -> R<Vec<StoredFeedback>> {
    let sql: Sql = concat!("SELECT ", columns!(), " FROM feedback WHERE from_unit = $1 ORDER BY sent_on DESC, id DESC").into();
    conn.query(&sql, vec![unit.0.into()]).await?.iter().map(from_row).collect()
}

/// Writes the answer if the version is still `expected`.
pub async fn answer(tx: &mut dyn Conn, id: i64, expected: i64, text: &str, on: NaiveDate, now: DateTime<Utc>, actor: &str) -> R<bool> {
    let sql: Sql = "UPDATE feedback SET version = version + 1, answer = $2, answered_on = $3, answered_by = $4, updated_at = $5 \
                    WHERE id = $1 AND version = $6"
        .into();
    Ok(tx.execute(&sql, vec![id.into(), text.into(), on.into(), actor.into(), now.into(), expected.into()]).await? == 1)
}
