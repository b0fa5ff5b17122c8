//! Notifications and their e-mail (`notifications`), and the accounts that receive them.

use chrono::{DateTime, Utc};

use domain::access::Role;
use domain::ids::{MemberId, UnitId};
use domain::notifications::{Notice, NoticeKind};

use super::{R, in_list, insert_rows};
use crate::db::{Conn, DbError, Row, Sql, Value};

/// One notification as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredNotification {
    pub id: i64,
    pub account: i64,
    pub kind: NoticeKind,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A notice whose e-mail is due, as the delivery loop claimed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMail {
    pub id: i64,
    pub to: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub attempts: i64,
}

/// A recipient: the account, and the address its e-mail goes to (none: the inbox only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub account: i64,
    pub email: Option<String>,
}

/// A staff grant on a unit of an enabled account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffGrant {
    pub account: i64,
    pub email: Option<String>,
    pub role: Role,
    pub unit: UnitId,
}

/// An enabled account linked to a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberAccount {
    pub account: i64,
    pub email: Option<String>,
    pub member: MemberId,
}

fn from_row(r: &Row) -> R<StoredNotification> {
    Ok(StoredNotification {
        id: r.i64("id")?,
        account: r.i64("account_id")?,
        kind: NoticeKind::parse(&r.str("kind")?).map_err(|_| DbError::Decode("notifications: kind".into()))?,
        title: r.str("title")?,
        body: r.str("body")?,
        link: r.str("link")?,
        created_at: r.time("created_at")?,
        read_at: r.opt_time("read_at")?,
    })
}

const INSERT: &str = "INSERT INTO notifications (account_id, kind, title, body, link, created_at, email_to, mail_state, mail_attempts, \
                      mail_next_at) VALUES";

/// One row per recipient; a recipient with an address gets its e-mail queued (`pending`, due now).
pub async fn insert(tx: &mut dyn Conn, recipients: &[Recipient], notice: &Notice, now: DateTime<Utc>) -> R<()> {
    let rows: Vec<Vec<Value>> = recipients
        .iter()
        .map(|r| {
            let pending = r.email.is_some();
            vec![
                r.account.into(),
                notice.kind.code().into(),
                notice.title.as_str().into(),
                notice.body.as_str().into(),
                notice.link.as_str().into(),
                now.into(),
                r.email.clone().into(),
                pending.then_some("pending").into(),
                0i64.into(),
                pending.then_some(now).into(),
            ]
        })
        .collect();
    insert_rows(tx, INSERT, 10, rows, 1000).await
}

/// An account's notifications, newest first: those before `before` (an id), unread ones only
/// when `unread`, at most `limit`.
pub async fn of_account(conn: &mut dyn Conn, account: i64, before: Option<i64>, unread: bool, limit: i64) -> R<Vec<StoredNotification>> {
    let sql: Sql = "SELECT id, account_id, kind, title, body, link, created_at, read_at FROM notifications \
                    WHERE account_id = $1 AND id < $2 AND ($3 = 0 OR read_at IS NULL) ORDER BY id DESC LIMIT $4"
        .into();
    let args = vec![account.into(), before.unwrap_or(i64::MAX).into(), i64::from(unread).into(), limit.into()];
    conn.query(&sql, args).await?.iter().map(from_row).collect()
}

pub async fn get(conn: &mut dyn Conn, id: i64) -> R<Option<StoredNotification>> {
    let sql: Sql = "SELECT id, account_id, kind, title, body, link, created_at, read_at FROM notifications WHERE id = $1".into();
    conn.query(&sql, vec![id.into()]).await?.first().map(from_row).transpose()
}

pub async fn unread_count(conn: &mut dyn Conn, account: i64) -> R<i64> {
    let sql: Sql = "SELECT COUNT(*) AS n FROM notifications WHERE account_id = $1 AND read_at IS NULL".into();
    conn.query(&sql, vec![account.into()]).await?.first().map_or(Ok(0), |r| r.i64("n"))
}

/// Marks one of the account's notifications read (the first reading only).
pub async fn mark_read(tx: &mut dyn Conn, account: i64, id: i64, now: DateTime<Utc>) -> R<u64> {
    let sql: Sql = "UPDATE notifications SET read_at = $3 WHERE id = $1 AND account_id = $2 AND read_at IS NULL".into();
    tx.execute(&sql, vec![id.into(), account.into(), now.into()]).await
}

/// Marks every unread notification of the account up to `upto` (an id) read.
pub async fn mark_all_read(tx: &mut dyn Conn, account: i64, upto: i64, now: DateTime<Utc>) -> R<u64> {
    let sql: Sql = "UPDATE notifications SET read_at = $3 WHERE account_id = $1 AND id <= $2 AND read_at IS NULL".into();
    tx.execute(&sql, vec![account.into(), upto.into(), now.into()]).await
}

/// The ids of e-mails due at `now` and not held by another loop, oldest first.
pub async fn due_mail(conn: &mut dyn Conn, now: DateTime<Utc>, limit: i64) -> R<Vec<i64>> {
    let sql: Sql = "SELECT id FROM notifications WHERE mail_state = 'pending' AND mail_next_at <= $1 \
                    AND (mail_lease_ends_at IS NULL OR mail_lease_ends_at < $1) ORDER BY mail_next_at, id LIMIT $2"
        .into();
    conn.query(&sql, vec![now.into(), limit.into()]).await?.iter().map(|r| r.i64("id")).collect()
}

/// Takes one due e-mail for `until` (false: another loop took it first), counting the attempt.
pub async fn claim_mail(tx: &mut dyn Conn, id: i64, now: DateTime<Utc>, until: DateTime<Utc>) -> R<Option<StoredMail>> {
    let sql: Sql = "UPDATE notifications SET mail_lease_ends_at = $3, mail_attempts = mail_attempts + 1 \
                    WHERE id = $1 AND mail_state = 'pending' AND mail_next_at <= $2 \
                    AND (mail_lease_ends_at IS NULL OR mail_lease_ends_at < $2)"
        .into();
    if tx.execute(&sql, vec![id.into(), now.into(), until.into()]).await? != 1 {
        return Ok(None);
    }
    let sql: Sql = "SELECT id, email_to, title, body, link, mail_attempts FROM notifications WHERE id = $1".into();
    let rows = tx.query(&sql, vec![id.into()]).await?;
    let Some(r) = rows.first() else { return Ok(None) };
    Ok(Some(StoredMail {
        id: r.i64("id")?,
        to: r.str("email_to")?,
        title: r.str("title")?,
        body: r.str("body")?,
        link: r.str("link")?,
        attempts: r.i64("mail_attempts")?,
    }))
}

/// The e-mail was accepted by the mail server.
pub async fn mail_sent(tx: &mut dyn Conn, id: i64, now: DateTime<Utc>) -> R<()> {
    let sql: Sql = "UPDATE notifications SET mail_state = 'sent', mailed_at = $2, mail_lease_ends_at = NULL, mail_error = NULL \
                    WHERE id = $1"
        .into();
    tx.execute(&sql, vec![id.into(), now.into()]).await.map(|_| ())
}

/// Sending failed: tried again at `retry_at`, or given up (`failed`) when there is none.
pub async fn mail_failed(tx: &mut dyn Conn, id: i64, error: &str, retry_at: Option<DateTime<Utc>>) -> R<()> {
    let sql: Sql = "UPDATE notifications SET mail_state = $2, mail_next_at = $3, mail_lease_ends_at = NULL, mail_error = $4 \
                    WHERE id = $1"
        .into();
    let state = if retry_at.is_some() { "pending" } else { "failed" };
    tx.execute(&sql, vec![id.into(), state.into(), retry_at.into(), error.into()]).await.map(|_| ())
}

/// How many e-mails are pending, sent and failed, and the last error.
pub async fn mail_counts(conn: &mut dyn Conn) -> R<(i64, i64, i64, Option<String>)> {
    let sql: Sql = "SELECT mail_state, COUNT(*) AS n FROM notifications WHERE mail_state IS NOT NULL GROUP BY mail_state".into();
    let (mut pending, mut sent, mut failed) = (0, 0, 0);
    for r in conn.query(&sql, vec![]).await? {
        let n = r.i64("n")?;
        match r.str("mail_state")?.as_str() {
            "pending" => pending = n,
            "sent" => sent = n,
            _ => failed = n,
        }
    }
    let sql: Sql = "SELECT mail_error FROM notifications WHERE mail_error IS NOT NULL ORDER BY mail_next_at DESC, id DESC LIMIT 1".into();
    let last = conn.query(&sql, vec![]).await?.first().map(|r| r.opt_str("mail_error")).transpose()?.flatten();
    Ok((pending, sent, failed, last))
}

/// The grants in force on units of enabled accounts.
pub async fn staff_grants(conn: &mut dyn Conn) -> R<Vec<StaffGrant>> {
    let sql: Sql = "SELECT g.account_id, a.email, g.role, g.unit_id FROM grants g JOIN accounts a ON a.id = g.account_id \
                    WHERE g.revoked_at IS NULL AND a.disabled = 0 AND g.unit_id IS NOT NULL ORDER BY g.account_id"
        .into();
    conn.query(&sql, vec![])
        .await?
        .iter()
        .map(|r| {
            Ok(StaffGrant {
                account: r.i64("account_id")?,
                email: r.opt_str("email")?,
                role: Role::parse(&r.str("role")?).map_err(|_| DbError::Decode("grants: role".into()))?,
                unit: UnitId(r.i64("unit_id")?),
            })
        })
        .collect()
}

/// The enabled accounts of these members.
pub async fn member_accounts(conn: &mut dyn Conn, members: &[MemberId]) -> R<Vec<MemberAccount>> {
    let mut out = Vec::new();
    for chunk in members.chunks(500) {
        let sql = in_list("SELECT id, email, member_id FROM accounts WHERE disabled = 0 AND member_id IN", chunk.len(), "", 1);
        let args: Vec<Value> = chunk.iter().map(|m| m.0.into()).collect();
        for r in conn.query(&sql, args).await? {
            out.push(MemberAccount { account: r.i64("id")?, email: r.opt_str("email")?, member: MemberId(r.i64("member_id")?) });
        }
    }
    Ok(out)
}

/// Every enabled account linked to a member (a document meant for members of a subtree).
pub async fn all_member_accounts(conn: &mut dyn Conn) -> R<Vec<MemberAccount>> {
    let sql: Sql = "SELECT id, email, member_id FROM accounts WHERE disabled = 0 AND member_id IS NOT NULL".into();
    conn.query(&sql, vec![])
        .await?
        .iter()
        .map(|r| Ok(MemberAccount { account: r.i64("id")?, email: r.opt_str("email")?, member: MemberId(r.i64("member_id")?) }))
        .collect()
}

/// Every enabled account.
pub async fn enabled_accounts(conn: &mut dyn Conn) -> R<Vec<Recipient>> {
    let sql: Sql = "SELECT id, email FROM accounts WHERE disabled = 0 ORDER BY id".into();
    conn.query(&sql, vec![]).await?.iter().map(|r| Ok(Recipient { account: r.i64("id")?, email: r.opt_str("email")? })).collect()
}

/// Sets the account's e-mail address if its version is still `expected`.
pub async fn set_email(tx: &mut dyn Conn, account: i64, expected: i64, email: Option<&str>, now: DateTime<Utc>) -> R<bool> {
    let sql: Sql = "UPDATE accounts SET email = $2, version = version + 1, updated_at = $3 WHERE id = $1 AND version = $4".into();
    Ok(tx.execute(&sql, vec![account.into(), email.into(), now.into(), expected.into()]).await? == 1)
}
