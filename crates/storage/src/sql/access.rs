//! SQL of accounts, grants, sessions, API tokens, login attempts and the audit trail.

use chrono::{DateTime, Utc};

use domain::access::{FailureCount, Grant, Role};
use domain::ids::{MemberId, UnitId};

use super::R;
use crate::db::{Conn, Database, DbError, Row, Sql, Value};
use crate::model::{Account, AccountSecrets, ApiToken, AuditEntry, AuditQuery, LoginOutcome, SessionRecord, SessionStage};

fn account_from_row(r: &Row) -> R<(Account, AccountSecrets)> {
    let totp_secret = r.opt_str("totp_secret")?;
    Ok((
        Account {
            id: r.i64("id")?,
            username: r.str("username")?,
            display_name: r.str("display_name")?,
            member: r.opt_i64("member_id")?.map(MemberId),
            must_change_password: r.i64("must_change_password")? != 0,
            disabled: r.i64("disabled")? != 0,
            totp_enrolled: totp_secret.is_some(),
            email: r.opt_str("email")?,
            version: r.i64("version")?,
            created_at: r.time("created_at")?,
            updated_at: r.time("updated_at")?,
        },
        AccountSecrets { password_hash: r.str("password_hash")?, totp_secret, totp_last_step: r.opt_i64("totp_last_step")? },
    ))
}

pub async fn account(conn: &mut dyn Conn, id: i64) -> R<Option<(Account, AccountSecrets)>> {
    let rows = conn
        .query(
            &"SELECT id, username, display_name, member_id, must_change_password, disabled, totp_secret, version, created_at, updated_at, \
               password_hash, totp_last_step, email FROM accounts WHERE id = $1"
                .into(),
            vec![id.into()],
        )
        .await?;
    rows.first().map(account_from_row).transpose()
}

pub async fn account_by_username(conn: &mut dyn Conn, username: &str) -> R<Option<(Account, AccountSecrets)>> {
    let rows = conn
        .query(
            &"SELECT id, username, display_name, member_id, must_change_password, disabled, totp_secret, version, created_at, updated_at, \
               password_hash, totp_last_step, email FROM accounts WHERE username = $1"
                .into(),
            vec![username.into()],
        )
        .await?;
    rows.first().map(account_from_row).transpose()
}

pub async fn account_by_member(conn: &mut dyn Conn, member: MemberId) -> R<Option<i64>> {
    let rows = conn.query(&"SELECT id FROM accounts WHERE member_id = $1".into(), vec![member.0.into()]).await?;
    rows.first().map(|r| r.i64("id")).transpose()
}

/// `q` is lower case; matched against the user name and the lower-cased display name.
pub async fn accounts(conn: &mut dyn Conn, q: &str, limit: usize) -> R<Vec<Account>> {
    let pattern = format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    let rows = conn
        .query(
            &"SELECT id, username, display_name, member_id, must_change_password, disabled, totp_secret, version, created_at, updated_at, \
               password_hash, totp_last_step, email FROM accounts \
               WHERE $1 = '' OR username LIKE $2 ESCAPE '\\' OR LOWER(display_name) LIKE $2 ESCAPE '\\' ORDER BY username LIMIT $3"
                .into(),
            vec![q.into(), pattern.into(), (limit as i64).into()],
        )
        .await?;
    rows.iter().map(|r| account_from_row(r).map(|(a, _)| a)).collect()
}

pub async fn account_count(conn: &mut dyn Conn) -> R<i64> {
    let rows = conn.query(&"SELECT COUNT(*) AS n FROM accounts".into(), vec![]).await?;
    rows.first().map(|r| r.i64("n")).transpose().map(Option::unwrap_or_default)
}

pub async fn insert_account(
    tx: &mut dyn Conn,
    username: &str,
    display_name: &str,
    password_hash: &str,
    member: Option<MemberId>,
    must_change: bool,
    now: DateTime<Utc>,
) -> R<i64> {
    let rows = tx
        .query(
            &"INSERT INTO accounts (username, display_name, password_hash, member_id, must_change_password, disabled, version, created_at, \
               updated_at) VALUES ($1, $2, $3, $4, $5, 0, 1, $6, $6) RETURNING id"
                .into(),
            vec![username.into(), display_name.into(), password_hash.into(), member.map(|m| m.0).into(), must_change.into(), now.into()],
        )
        .await?;
    rows.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

/// Writes the account's changeable fields if its version is still `expected`.
#[allow(clippy::too_many_arguments)]
pub async fn update_account(
    tx: &mut dyn Conn,
    id: i64,
    expected: i64,
    display_name: &str,
    disabled: bool,
    password_hash: &str,
    must_change: bool,
    totp_secret: Option<&str>,
    now: DateTime<Utc>,
) -> R<bool> {
    let n = tx
        .execute(
            &"UPDATE accounts SET display_name = $1, disabled = $2, password_hash = $3, must_change_password = $4, totp_secret = $5, \
               totp_last_step = CASE WHEN totp_secret IS NULL OR $5 IS NULL OR totp_secret <> $5 THEN NULL ELSE totp_last_step END, \
               version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8"
                .into(),
            vec![
                display_name.into(),
                disabled.into(),
                password_hash.into(),
                must_change.into(),
                totp_secret.into(),
                now.into(),
                id.into(),
                expected.into(),
            ],
        )
        .await?;
    Ok(n == 1)
}

pub async fn use_totp_step(tx: &mut dyn Conn, account: i64, step: i64) -> R<bool> {
    let n = tx
        .execute(
            &"UPDATE accounts SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)".into(),
            vec![step.into(), account.into()],
        )
        .await?;
    Ok(n == 1)
}

// --- grants ------------------------------------------------------------------------------------

/// (grant id, role, unit, granted at, granted by) of the grants in force.
pub async fn grants(conn: &mut dyn Conn, account: i64) -> R<Vec<(i64, Grant, DateTime<Utc>, String)>> {
    let rows = conn
        .query(
            &"SELECT id, role, unit_id, granted_at, granted_by FROM grants WHERE account_id = $1 AND revoked_at IS NULL ORDER BY id".into(),
            vec![account.into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let role = Role::parse(&r.str("role")?).map_err(|e| DbError::Decode(e.message))?;
            Ok((r.i64("id")?, Grant { role, unit: r.opt_i64("unit_id")?.map(UnitId) }, r.time("granted_at")?, r.str("granted_by")?))
        })
        .collect()
}

/// (account, grant id, role, unit, granted at, granted by) of the grants in force of these
/// accounts, by account and grant.
pub async fn grants_of(conn: &mut dyn Conn, accounts: &[i64]) -> R<Vec<(i64, i64, Grant, DateTime<Utc>, String)>> {
    let mut out = Vec::new();
    for chunk in accounts.chunks(500) {
        let sql = super::in_list(
            "SELECT account_id, id, role, unit_id, granted_at, granted_by FROM grants WHERE revoked_at IS NULL AND account_id IN",
            chunk.len(),
            " ORDER BY account_id, id",
            1,
        );
        let rows = conn.query(&sql, chunk.iter().map(|a| Value::from(*a)).collect()).await?;
        for r in &rows {
            let role = Role::parse(&r.str("role")?).map_err(|e| DbError::Decode(e.message))?;
            let grant = Grant { role, unit: r.opt_i64("unit_id")?.map(UnitId) };
            out.push((r.i64("account_id")?, r.i64("id")?, grant, r.time("granted_at")?, r.str("granted_by")?));
        }
    }
    Ok(out)
}

pub async fn insert_grant(tx: &mut dyn Conn, account: i64, grant: Grant, now: DateTime<Utc>, by: &str) -> R<i64> {
    let rows = tx
        .query(
            &"INSERT INTO grants (account_id, role, unit_id, granted_at, granted_by) VALUES ($1, $2, $3, $4, $5) RETURNING id".into(),
            vec![account.into(), grant.role.code().into(), grant.unit.map(|u| u.0).into(), now.into(), by.into()],
        )
        .await?;
    rows.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

pub async fn revoke_grant(tx: &mut dyn Conn, account: i64, grant: i64, now: DateTime<Utc>, by: &str) -> R<bool> {
    let n = tx
        .execute(
            &"UPDATE grants SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND account_id = $4 AND revoked_at IS NULL".into(),
            vec![now.into(), by.into(), grant.into(), account.into()],
        )
        .await?;
    Ok(n == 1)
}

pub async fn bump_account(tx: &mut dyn Conn, account: i64, now: DateTime<Utc>) -> R<bool> {
    let n = tx
        .execute(&"UPDATE accounts SET version = version + 1, updated_at = $1 WHERE id = $2".into(), vec![now.into(), account.into()])
        .await?;
    Ok(n == 1)
}

// --- logins ------------------------------------------------------------------------------------

pub async fn insert_login_attempt(tx: &mut dyn Conn, username: &str, client: &str, outcome: LoginOutcome, at: DateTime<Utc>) -> R<()> {
    tx.execute(
        &"INSERT INTO login_attempts (username, client, outcome, attempted_at) VALUES ($1, $2, $3, $4)".into(),
        vec![username.into(), client.into(), outcome.code().into(), at.into()],
    )
    .await?;
    Ok(())
}

fn failure_count(rows: &[Row]) -> R<FailureCount> {
    let Some(r) = rows.first() else { return Ok(FailureCount::default()) };
    let count = r.i64("failures")?;
    Ok(FailureCount { count: u32::try_from(count).unwrap_or(u32::MAX), latest: if count > 0 { Some(r.time("latest")?) } else { None } })
}

pub async fn login_failures(conn: &mut dyn Conn, username: &str, client: &str, since: DateTime<Utc>) -> R<(FailureCount, FailureCount)> {
    let account = conn
        .query(
            &"SELECT COUNT(*) AS failures, MAX(attempted_at) AS latest FROM login_attempts WHERE username = $1 AND outcome = 'failure' AND attempted_at >= $2 \
               AND attempted_at > COALESCE((SELECT MAX(attempted_at) FROM login_attempts WHERE username = $1 AND outcome = 'success'), $2)"
                .into(),
            vec![username.into(), since.into()],
        )
        .await?;
    let client = conn
        .query(
            &"SELECT COUNT(*) AS failures, MAX(attempted_at) AS latest FROM login_attempts WHERE client = $1 AND outcome = 'failure' AND attempted_at >= $2"
                .into(),
            vec![client.into(), since.into()],
        )
        .await?;
    Ok((failure_count(&account)?, failure_count(&client)?))
}

// --- sessions ----------------------------------------------------------------------------------

pub async fn insert_session(
    tx: &mut dyn Conn,
    id_hash: &str,
    account: i64,
    stage: SessionStage,
    csrf: &str,
    client: Option<&str>,
    now: DateTime<Utc>,
) -> R<()> {
    tx.execute(
        &"INSERT INTO sessions (id_hash, account_id, stage, csrf_token, client, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $6)"
            .into(),
        vec![id_hash.into(), account.into(), stage.code().into(), csrf.into(), client.into(), now.into()],
    )
    .await?;
    Ok(())
}

pub async fn session(conn: &mut dyn Conn, id_hash: &str) -> R<Option<SessionRecord>> {
    let rows = conn
        .query(
            &"SELECT account_id, stage, csrf_token, created_at, last_seen_at, totp_pending FROM sessions WHERE id_hash = $1".into(),
            vec![id_hash.into()],
        )
        .await?;
    rows.first()
        .map(|r| {
            Ok(SessionRecord {
                account_id: r.i64("account_id")?,
                stage: SessionStage::parse(&r.str("stage")?).ok_or_else(|| DbError::Decode("unknown session stage".into()))?,
                csrf_token: r.str("csrf_token")?,
                created_at: r.time("created_at")?,
                last_seen_at: r.time("last_seen_at")?,
                totp_pending: r.opt_str("totp_pending")?,
            })
        })
        .transpose()
}

pub async fn touch_session(tx: &mut dyn Conn, id_hash: &str, now: DateTime<Utc>) -> R<()> {
    tx.execute(&"UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2".into(), vec![now.into(), id_hash.into()]).await?;
    Ok(())
}

pub async fn set_session_totp_pending(tx: &mut dyn Conn, id_hash: &str, secret: Option<&str>) -> R<()> {
    tx.execute(&"UPDATE sessions SET totp_pending = $1 WHERE id_hash = $2".into(), vec![secret.into(), id_hash.into()]).await?;
    Ok(())
}

pub async fn delete_session(tx: &mut dyn Conn, id_hash: &str) -> R<()> {
    tx.execute(&"DELETE FROM sessions WHERE id_hash = $1".into(), vec![id_hash.into()]).await?;
    Ok(())
}

pub async fn delete_sessions_of(tx: &mut dyn Conn, account: i64, keep: &str) -> R<()> {
    tx.execute(&"DELETE FROM sessions WHERE account_id = $1 AND id_hash <> $2".into(), vec![account.into(), keep.into()]).await?;
    Ok(())
}

pub async fn prune_logins(
    tx: &mut dyn Conn,
    idle_before: DateTime<Utc>,
    started_before: DateTime<Utc>,
    attempts_before: DateTime<Utc>,
) -> R<()> {
    tx.execute(&"DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2".into(), vec![idle_before.into(), started_before.into()])
        .await?;
    tx.execute(&"DELETE FROM login_attempts WHERE attempted_at < $1".into(), vec![attempts_before.into()]).await?;
    Ok(())
}

// --- API tokens --------------------------------------------------------------------------------

fn token_from_row(r: &Row) -> R<ApiToken> {
    Ok(ApiToken {
        id: r.i64("id")?,
        account_id: r.i64("account_id")?,
        name: r.str("name")?,
        created_at: r.time("created_at")?,
        last_used_at: r.opt_time("last_used_at")?,
        revoked_at: r.opt_time("revoked_at")?,
    })
}

pub async fn insert_token(tx: &mut dyn Conn, account: i64, name: &str, hash: &str, now: DateTime<Utc>) -> R<i64> {
    let rows = tx
        .query(
            &"INSERT INTO api_tokens (account_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id".into(),
            vec![account.into(), name.into(), hash.into(), now.into()],
        )
        .await?;
    rows.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

pub async fn token_by_hash(conn: &mut dyn Conn, hash: &str) -> R<Option<ApiToken>> {
    let rows = conn
        .query(
            &"SELECT id, account_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL"
                .into(),
            vec![hash.into()],
        )
        .await?;
    rows.first().map(token_from_row).transpose()
}

pub async fn touch_token(tx: &mut dyn Conn, id: i64, now: DateTime<Utc>) -> R<()> {
    tx.execute(&"UPDATE api_tokens SET last_used_at = $1 WHERE id = $2".into(), vec![now.into(), id.into()]).await?;
    Ok(())
}

pub async fn tokens_of(conn: &mut dyn Conn, account: i64) -> R<Vec<ApiToken>> {
    let rows = conn
        .query(
            &"SELECT id, account_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE account_id = $1 ORDER BY id DESC"
                .into(),
            vec![account.into()],
        )
        .await?;
    rows.iter().map(token_from_row).collect()
}

pub async fn revoke_token(tx: &mut dyn Conn, account: i64, id: i64, now: DateTime<Utc>) -> R<bool> {
    let n = tx
        .execute(
            &"UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL".into(),
            vec![now.into(), id.into(), account.into()],
        )
        .await?;
    Ok(n == 1)
}

// --- audit trail -------------------------------------------------------------------------------

/// Takes the head's row lock (serializing appends) and returns (last seq, last hash).
pub async fn lock_audit_head(tx: &mut dyn Conn) -> R<(i64, String)> {
    let rows = tx.query(&"UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash".into(), vec![]).await?;
    let r = rows.first().ok_or_else(|| DbError::Other("audit_head row missing".into()))?;
    Ok((r.i64("seq")?, r.str("hash")?))
}

pub async fn set_audit_head(tx: &mut dyn Conn, seq: i64, hash: &str) -> R<()> {
    tx.execute(&"UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1".into(), vec![seq.into(), hash.into()]).await?;
    Ok(())
}

pub async fn audit_head(conn: &mut dyn Conn) -> R<(i64, String)> {
    let rows = conn.query(&"SELECT seq, hash FROM audit_head WHERE id = 1".into(), vec![]).await?;
    let r = rows.first().ok_or_else(|| DbError::Other("audit_head row missing".into()))?;
    Ok((r.i64("seq")?, r.str("hash")?))
}

const INSERT_AUDITS: &str = "INSERT INTO audit_log (seq, at, account_id, actor, client, request_id, action, object_kind, object_id, details, prev_hash, hash) VALUES";
const AUDIT_COLUMNS: usize = 12;
/// The most entries one statement inserts (12 values each: within both engines' limits).
pub const AUDITS_PER_STATEMENT: usize = 500;

/// Inserts entries already chained, several per statement.
pub async fn insert_audits(tx: &mut dyn Conn, entries: Vec<AuditEntry>) -> R<()> {
    let rows = entries.into_iter().map(audit_values).collect();
    super::insert_rows(tx, INSERT_AUDITS, AUDIT_COLUMNS, rows, AUDIT_COLUMNS * AUDITS_PER_STATEMENT).await
}

/// Inserts entries already chained in one statement that is a transaction of its own (see
/// `Database::audit_head_enforced`).
pub async fn insert_audits_alone(db: &dyn Database, entries: Vec<AuditEntry>) -> R<()> {
    let sql = Sql::values_rows(INSERT_AUDITS, AUDIT_COLUMNS, entries.len(), db.anonymous_placeholders());
    db.execute_alone(&sql, entries.into_iter().flat_map(audit_values).collect()).await?;
    Ok(())
}

/// An entry's values in the order of [`INSERT_AUDITS`].
fn audit_values(e: AuditEntry) -> Vec<Value> {
    vec![
        e.seq.into(),
        e.at.into(),
        e.account_id.into(),
        e.actor.into(),
        e.client.into(),
        e.request_id.into(),
        e.action.into(),
        e.object_kind.into(),
        e.object_id.into(),
        e.details.into(),
        e.prev_hash.into(),
        e.hash.into(),
    ]
}

fn audit_from_row(r: &Row) -> R<AuditEntry> {
    Ok(AuditEntry {
        seq: r.i64("seq")?,
        at: r.str("at")?,
        account_id: r.opt_i64("account_id")?,
        actor: r.str("actor")?,
        client: r.opt_str("client")?,
        request_id: r.opt_str("request_id")?,
        action: r.str("action")?,
        object_kind: r.opt_str("object_kind")?,
        object_id: r.opt_str("object_id")?,
        details: r.str("details")?,
        prev_hash: r.str("prev_hash")?,
        hash: r.str("hash")?,
    })
}

pub async fn audit_batch(conn: &mut dyn Conn, after: i64, limit: i64) -> R<Vec<AuditEntry>> {
    let rows = conn
        .query(
            &"SELECT seq, at, account_id, actor, client, request_id, action, object_kind, object_id, details, prev_hash, hash FROM audit_log \
               WHERE seq > $1 ORDER BY seq LIMIT $2"
                .into(),
            vec![after.into(), limit.into()],
        )
        .await?;
    rows.iter().map(audit_from_row).collect()
}

/// Newest first. Every filter is a bound value; an absent filter binds NULL and matches all.
pub async fn audit_entries(conn: &mut dyn Conn, q: &AuditQuery) -> R<Vec<AuditEntry>> {
    let (action_exact, action_prefix) = match q.action.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) if a.ends_with('.') => (None, Some(format!("{}%", a.replace('%', "").replace('_', "\\_")))),
        Some(a) => (Some(a.to_owned()), None),
        None => (None, None),
    };
    let rows = conn
        .query(
            &"SELECT seq, at, account_id, actor, client, request_id, action, object_kind, object_id, details, prev_hash, hash FROM audit_log \
               WHERE ($1 IS NULL OR actor = $1) AND ($2 IS NULL OR action = $2) AND ($3 IS NULL OR action LIKE $3 ESCAPE '\\') \
               AND ($4 IS NULL OR object_kind = $4) AND ($5 IS NULL OR object_id = $5) AND ($6 IS NULL OR at >= $6) \
               AND ($7 IS NULL OR at < $7) AND ($8 IS NULL OR seq < $8) ORDER BY seq DESC LIMIT $9"
                .into(),
            vec![
                Value::Text(q.actor.clone().filter(|a| !a.is_empty())),
                Value::Text(action_exact),
                Value::Text(action_prefix),
                Value::Text(q.object_kind.clone().filter(|a| !a.is_empty())),
                Value::Text(q.object_id.clone().filter(|a| !a.is_empty())),
                Value::Text(q.from.map(crate::audit::canonical_time)),
                Value::Text(q.to.map(crate::audit::canonical_time)),
                Value::Int(q.before_seq),
                (q.limit.clamp(1, 10_000) as i64).into(),
            ],
        )
        .await?;
    rows.iter().map(audit_from_row).collect()
}
