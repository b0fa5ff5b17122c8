//! Statements of handbook accounts and their activation codes (migration 0022).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use domain::ids::MemberId;

use super::{R, in_list, insert_rows};
use crate::db::{Conn, DbError, Value};

/// Every user name, and every member that has an account.
pub async fn account_keys(conn: &mut dyn Conn) -> R<(HashSet<String>, HashSet<i64>)> {
    let rows = conn.query(&"SELECT username, member_id FROM accounts".into(), vec![]).await?;
    let mut names = HashSet::with_capacity(rows.len());
    let mut members = HashSet::new();
    for r in &rows {
        names.insert(r.str("username")?);
        if let Some(m) = r.opt_i64("member_id")? {
            members.insert(m);
        }
    }
    Ok((names, members))
}

/// A member's account to create: no password until activated.
pub struct NewMemberAccount {
    pub member: MemberId,
    pub username: String,
    pub display_name: String,
}

pub async fn max_account_id(conn: &mut dyn Conn) -> R<i64> {
    let rows = conn.query(&"SELECT COALESCE(MAX(id), 0) AS id FROM accounts".into(), vec![]).await?;
    rows.first().ok_or_else(|| DbError::Other("no row".into()))?.i64("id")
}

/// Inserts the accounts with their `member` grants; answers each member's new account id.
pub async fn insert_member_accounts(
    tx: &mut dyn Conn,
    accounts: &[NewMemberAccount],
    now: DateTime<Utc>,
    by: &str,
    max_params: usize,
) -> R<HashMap<MemberId, i64>> {
    let before = max_account_id(tx).await?;
    let rows = accounts
        .iter()
        .map(|a| {
            vec![
                Value::from(a.username.as_str()),
                a.display_name.as_str().into(),
                "".into(),
                a.member.0.into(),
                false.into(),
                false.into(),
                1_i64.into(),
                now.into(),
                now.into(),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "INSERT INTO accounts (username, display_name, password_hash, member_id, must_change_password, disabled, version, created_at, updated_at) VALUES",
        9,
        rows,
        max_params,
    )
    .await?;
    let wanted: HashSet<MemberId> = accounts.iter().map(|a| a.member).collect();
    let found = tx.query(&"SELECT id, member_id FROM accounts WHERE id > $1 AND member_id IS NOT NULL".into(), vec![before.into()]).await?;
    let mut ids = HashMap::with_capacity(accounts.len());
    for r in &found {
        let member = MemberId(r.i64("member_id")?);
        if wanted.contains(&member) {
            ids.insert(member, r.i64("id")?);
        }
    }
    let grants = ids.values().map(|id| vec![Value::from(*id), "member".into(), Value::from(None::<i64>), now.into(), by.into()]).collect();
    insert_rows(tx, "INSERT INTO grants (account_id, role, unit_id, granted_at, granted_by) VALUES", 5, grants, max_params).await?;
    Ok(ids)
}

/// A code to store: its digest and lifetime.
pub struct NewCode {
    pub account: i64,
    pub code_hash: String,
    pub expires_at: DateTime<Utc>,
}

/// Voids the live codes of `accounts`, then stores the new ones.
pub async fn replace_codes(tx: &mut dyn Conn, codes: &[NewCode], now: DateTime<Utc>, by: &str, max_params: usize) -> R<()> {
    for chunk in codes.chunks(400) {
        let mut args: Vec<Value> = vec![now.into()];
        args.extend(chunk.iter().map(|c| Value::from(c.account)));
        let sql = in_list(
            "UPDATE activation_codes SET voided_at = $1 WHERE used_at IS NULL AND voided_at IS NULL AND account_id IN",
            chunk.len(),
            "",
            2,
        );
        tx.execute(&sql, args).await?;
    }
    let rows = codes
        .iter()
        .map(|c| vec![Value::from(c.account), c.code_hash.as_str().into(), by.into(), now.into(), c.expires_at.into()])
        .collect();
    insert_rows(tx, "INSERT INTO activation_codes (account_id, code_hash, issued_by, issued_at, expires_at) VALUES", 5, rows, max_params)
        .await
}

/// A code found by its digest, with its account.
pub struct FoundCode {
    pub id: i64,
    pub account: i64,
    pub expires_at: DateTime<Utc>,
    pub used: bool,
    pub voided: bool,
}

pub async fn code_by_hash(conn: &mut dyn Conn, code_hash: &str) -> R<Option<FoundCode>> {
    let rows = conn
        .query(
            &"SELECT id, account_id, expires_at, used_at, voided_at FROM activation_codes WHERE code_hash = $1".into(),
            vec![code_hash.into()],
        )
        .await?;
    rows.first()
        .map(|r| {
            Ok(FoundCode {
                id: r.i64("id")?,
                account: r.i64("account_id")?,
                expires_at: r.time("expires_at")?,
                used: r.opt_time("used_at")?.is_some(),
                voided: r.opt_time("voided_at")?.is_some(),
            })
        })
        .transpose()
}

/// Marks a live code used; false when another request used it first.
pub async fn use_code(tx: &mut dyn Conn, id: i64, now: DateTime<Utc>) -> R<bool> {
    let n = tx
        .execute(
            &"UPDATE activation_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND voided_at IS NULL".into(),
            vec![now.into(), id.into()],
        )
        .await?;
    Ok(n == 1)
}

/// Sets the password an activation chose, or clears it for a reset.
pub async fn set_password(tx: &mut dyn Conn, account: i64, password_hash: &str, now: DateTime<Utc>) -> R<()> {
    tx.execute(
        &"UPDATE accounts SET password_hash = $1, must_change_password = $2, version = version + 1, updated_at = $3 WHERE id = $4".into(),
        vec![password_hash.into(), false.into(), now.into(), account.into()],
    )
    .await?;
    Ok(())
}

/// The handbook account of a member as the overview shows it.
pub struct MemberAccountRow {
    pub account: i64,
    pub member: MemberId,
    pub username: String,
    pub activated: bool,
    pub disabled: bool,
    /// The newest live code's expiry (used or voided codes are not live).
    pub code_expires: Option<DateTime<Utc>>,
}

pub async fn member_accounts(conn: &mut dyn Conn, members: &[MemberId]) -> R<Vec<MemberAccountRow>> {
    let mut out = Vec::with_capacity(members.len());
    for chunk in members.chunks(400) {
        let args: Vec<Value> = chunk.iter().map(|m| Value::from(m.0)).collect();
        let sql = in_list(
            "SELECT a.id, a.member_id, a.username, a.password_hash, a.disabled, \
               (SELECT MAX(c.expires_at) FROM activation_codes c WHERE c.account_id = a.id AND c.used_at IS NULL AND c.voided_at IS NULL) \
               AS code_expires_at FROM accounts a WHERE a.member_id IN",
            chunk.len(),
            "",
            1,
        );
        for r in conn.query(&sql, args).await? {
            out.push(MemberAccountRow {
                account: r.i64("id")?,
                member: MemberId(r.i64("member_id")?),
                username: r.str("username")?,
                activated: !r.str("password_hash")?.is_empty(),
                disabled: r.i64("disabled")? != 0,
                code_expires: r.opt_time("code_expires_at")?,
            });
        }
    }
    Ok(out)
}
