//! Statements of the member's handbook (migration 0023): replies to invitations, bookmarks,
//! shared minutes, and the documents an account has read.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use domain::handbook::Reply;
use domain::ids::MemberId;

use super::R;
use crate::db::{Conn, Value};

/// Records (or replaces) a member's reply to a meeting's invitation.
pub async fn put_reply(tx: &mut dyn Conn, meeting: i64, member: MemberId, reply: &Reply, now: DateTime<Utc>) -> R<()> {
    tx.execute(
        &"INSERT INTO meeting_replies (meeting_id, member_id, attending, reason, answered_at) VALUES ($1, $2, $3, $4, $5) \
           ON CONFLICT (meeting_id, member_id) DO UPDATE SET attending = excluded.attending, reason = excluded.reason, \
           answered_at = excluded.answered_at"
            .into(),
        vec![meeting.into(), member.0.into(), reply.attending().into(), Value::Text(reply.reason().map(str::to_owned)), now.into()],
    )
    .await?;
    Ok(())
}

/// A reply as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReply {
    pub meeting: i64,
    pub member: MemberId,
    pub reply: Reply,
    pub answered_at: DateTime<Utc>,
}

fn reply_from_row(r: &crate::db::Row) -> R<StoredReply> {
    let reply = if r.i64("attending")? != 0 { Reply::Attend } else { Reply::Absent { reason: r.opt_str("reason")?.unwrap_or_default() } };
    Ok(StoredReply { meeting: r.i64("meeting_id")?, member: MemberId(r.i64("member_id")?), reply, answered_at: r.time("answered_at")? })
}

/// The replies to one meeting.
pub async fn replies_to(conn: &mut dyn Conn, meeting: i64) -> R<Vec<StoredReply>> {
    let rows = conn
        .query(
            &"SELECT meeting_id, member_id, attending, reason, answered_at FROM meeting_replies WHERE meeting_id = $1".into(),
            vec![meeting.into()],
        )
        .await?;
    rows.iter().map(reply_from_row).collect()
}

/// A member's replies (to every meeting).
pub async fn replies_of(conn: &mut dyn Conn, member: MemberId) -> R<Vec<StoredReply>> {
    let rows = conn
        .query(
            &"SELECT meeting_id, member_id, attending, reason, answered_at FROM meeting_replies WHERE member_id = $1".into(),
            vec![member.0.into()],
        )
        .await?;
    rows.iter().map(reply_from_row).collect()
}

pub async fn set_bookmark(tx: &mut dyn Conn, account: i64, document: i64, on: bool, now: DateTime<Utc>) -> R<()> {
    if on {
        tx.execute(
            &"INSERT INTO document_bookmarks (account_id, document_id, created_at) VALUES ($1, $2, $3) \
               ON CONFLICT (account_id, document_id) DO NOTHING"
                .into(),
            vec![account.into(), document.into(), now.into()],
        )
        .await?;
    } else {
        tx.execute(
            &"DELETE FROM document_bookmarks WHERE account_id = $1 AND document_id = $2".into(),
            vec![account.into(), document.into()],
        )
        .await?;
    }
    Ok(())
}

pub async fn bookmarks(conn: &mut dyn Conn, account: i64) -> R<HashSet<i64>> {
    let rows = conn.query(&"SELECT document_id FROM document_bookmarks WHERE account_id = $1".into(), vec![account.into()]).await?;
    rows.iter().map(|r| r.i64("document_id")).collect()
}

/// The documents an account has opened (their read receipts).
pub async fn documents_read(conn: &mut dyn Conn, account: i64) -> R<HashSet<i64>> {
    let rows = conn.query(&"SELECT document_id FROM document_reads WHERE account_id = $1".into(), vec![account.into()]).await?;
    rows.iter().map(|r| r.i64("document_id")).collect()
}

pub async fn share_minutes(tx: &mut dyn Conn, meeting: i64, by: &str, now: DateTime<Utc>) -> R<bool> {
    let n = tx
        .execute(
            &"INSERT INTO shared_minutes (meeting_id, shared_by, shared_at) VALUES ($1, $2, $3) ON CONFLICT (meeting_id) DO NOTHING".into(),
            vec![meeting.into(), by.into(), now.into()],
        )
        .await?;
    Ok(n == 1)
}

pub async fn minutes_shared(conn: &mut dyn Conn, meeting: i64) -> R<bool> {
    let rows = conn.query(&"SELECT meeting_id FROM shared_minutes WHERE meeting_id = $1".into(), vec![meeting.into()]).await?;
    Ok(!rows.is_empty())
}

/// How many of `documents` each member with an account has opened.
pub async fn reads_by_member(conn: &mut dyn Conn, documents: &[i64]) -> R<std::collections::HashMap<MemberId, usize>> {
    let mut out = std::collections::HashMap::new();
    for chunk in documents.chunks(400) {
        let args: Vec<Value> = chunk.iter().map(|d| Value::from(*d)).collect();
        let sql = super::in_list(
            "SELECT a.member_id, COUNT(*) AS n FROM document_reads r JOIN accounts a ON a.id = r.account_id \
             WHERE a.member_id IS NOT NULL AND r.document_id IN",
            chunk.len(),
            " GROUP BY a.member_id",
            1,
        );
        for r in conn.query(&sql, args).await? {
            *out.entry(MemberId(r.i64("member_id")?)).or_insert(0) += usize::try_from(r.i64("n")?).unwrap_or(0);
        }
    }
    Ok(out)
}
