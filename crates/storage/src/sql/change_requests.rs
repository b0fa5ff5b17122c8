//! A member's requests to correct their record (`change_requests`).

use chrono::{DateTime, NaiveDate, Utc};

use domain::change_requests::{Answer, RequestField, RequestInput};
use domain::ids::MemberId;

use crate::db::{Conn, DbError, Row, Sql};
use crate::files::Encoded;

type R<T> = Result<T, DbError>;

/// One request as stored (the attachment's content left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRequest {
    pub id: i64,
    pub version: i64,
    pub member: MemberId,
    pub input: RequestInput,
    /// The attachment's name, type and size.
    pub attachment: Option<(String, String, i64)>,
    pub answer: Option<Answer>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

macro_rules! columns {
    () => {
        "id, version, member_id, field, proposed, note, attachment_name, attachment_type, attachment_size, status, answered_on, \
         answered_by, answer, created_by, created_at"
    };
}

fn from_row(r: &Row) -> R<StoredRequest> {
    let field = RequestField::parse(&r.str("field")?).map_err(|_| DbError::Decode("change_requests: field".into()))?;
    let answer = match (r.str("status")?.as_str(), r.opt_date("answered_on")?) {
        ("pending", _) => None,
        ("accepted", Some(on)) => Some(Answer::Accepted {
            on,
            by: r.opt_str("answered_by")?.unwrap_or_default(),
            applied: r.opt_str("answer")?.unwrap_or_default(),
        }),
        ("refused", Some(on)) => Some(Answer::Refused {
            on,
            by: r.opt_str("answered_by")?.unwrap_or_default(),
            reason: r.opt_str("answer")?.unwrap_or_default(),
        }),
        _ => return Err(DbError::Decode("change_requests: status".into())),
    };
    let attachment = match (r.opt_str("attachment_name")?, r.opt_str("attachment_type")?, r.opt_i64("attachment_size")?) {
        (Some(name), Some(kind), Some(size)) => Some((name, kind, size)),
        _ => None,
    };
    Ok(StoredRequest {
        id: r.i64("id")?,
        version: r.i64("version")?,
        member: MemberId(r.i64("member_id")?),
        input: RequestInput { field, value: r.str("proposed")?, note: r.str("note")? },
        attachment,
        answer,
        created_by: r.str("created_by")?,
        created_at: r.time("created_at")?,
    })
}

/// A file attached to a request.
pub struct NewAttachment<'a> {
    pub name: &'a str,
    pub media_type: &'a str,
    pub encoded: Encoded,
}

pub async fn insert(
    tx: &mut dyn Conn,
    member: MemberId,
    input: &RequestInput,
    attachment: Option<&NewAttachment<'_>>,
    now: DateTime<Utc>,
    actor: &str,
) -> R<i64> {
    let sql: Sql = "INSERT INTO change_requests (version, member_id, field, proposed, note, attachment_name, attachment_type, \
                    attachment_sha256, attachment_size, attachment_content, status, created_by, created_at, updated_at) \
                    VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11, $11) RETURNING id"
        .into();
    let args = vec![
        member.0.into(),
        input.field.code().into(),
        input.value.as_str().into(),
        input.note.as_str().into(),
        attachment.map(|a| a.name).into(),
        attachment.map(|a| a.media_type).into(),
        attachment.map(|a| a.encoded.sha256.clone()).into(),
        attachment.map(|a| a.encoded.size).into(),
        attachment.map(|a| a.encoded.content.clone()).into(),
        actor.into(),
        now.into(),
    ];
    tx.query(&sql, args).await?.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

pub async fn get(conn: &mut dyn Conn, id: i64) -> R<Option<StoredRequest>> {
    let sql: Sql = concat!("SELECT ", columns!(), " FROM change_requests WHERE id = $1").into();
    conn.query(&sql, vec![id.into()]).await?.first().map(from_row).transpose()
}

/// A member's requests, newest first.
pub async fn of_member(conn: &mut dyn Conn, member: MemberId) -> R<Vec<StoredRequest>> {
    let sql: Sql = concat!("SELECT ", columns!(), " FROM change_requests WHERE member_id = $1 ORDER BY id DESC").into();
    conn.query(&sql, vec![member.0.into()]).await?.iter().map(from_row).collect()
}

/// Every request waiting for an answer, oldest first.
pub async fn pending(conn: &mut dyn Conn) -> R<Vec<StoredRequest>> {
    let sql: Sql = concat!("SELECT ", columns!(), " FROM change_requests WHERE status = 'pending' ORDER BY id").into();
    conn.query(&sql, vec![]).await?.iter().map(from_row).collect()
}

/// The attachment's name, type and content (base64).
pub async fn attachment(conn: &mut dyn Conn, id: i64) -> R<Option<(String, String, String)>> {
    let sql: Sql = "SELECT attachment_name, attachment_type, attachment_content FROM change_requests WHERE id = $1".into();
    let rows = conn.query(&sql, vec![id.into()]).await?;
    let Some(r) = rows.first() else { return Ok(None) };
    Ok(match (r.opt_str("attachment_name")?, r.opt_str("attachment_type")?, r.opt_str("attachment_content")?) {
        (Some(n), Some(t), Some(c)) => Some((n, t, c)),
        _ => None,
    })
}

/// Writes the answer (only while pending and at this version).
pub async fn answer(tx: &mut dyn Conn, id: i64, version: i64, answer: &Answer, now: DateTime<Utc>) -> R<bool> {
    let (status, on, by, text): (&str, NaiveDate, &str, &str) = match answer {
        Answer::Accepted { on, by, applied } => ("accepted", *on, by, applied),
        Answer::Refused { on, by, reason } => ("refused", *on, by, reason),
    };
    let sql: Sql = "UPDATE change_requests SET status = $3, answered_on = $4, answered_by = $5, answer = $6, version = version + 1, \
                    updated_at = $7 WHERE id = $1 AND version = $2 AND status = 'pending'"
        .into();
    Ok(tx.execute(&sql, vec![id.into(), version.into(), status.into(), on.into(), by.into(), text.into(), now.into()]).await? == 1)
}
