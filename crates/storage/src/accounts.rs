//! Account use cases: accounts, grants and API tokens, each write audited in its transaction.
//! Passwords arrive already hashed (`auth::password`); storage never sees a clear password.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use domain::ValidationErrors;
use domain::access::{Grant, Principal};
use domain::ids::MemberId;

use crate::audit::{self, json};
use crate::context::WriteContext;
use crate::db::DbError;
use crate::error::{Result, StoreError};
use crate::model::{Account, AccountChange, AccountSecrets, ApiToken, AuditRecord, GrantRecord, NewAccount};
use crate::sql;
use crate::store::SqlStore;

/// Accounts, their grants and their API tokens, each write audited in its transaction.
#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn create_account(&self, ctx: &WriteContext, new: NewAccount) -> Result<i64>;
    async fn account(&self, id: i64) -> Result<Account>;
    /// The account with this user name (any case) and its secrets, for login.
    async fn account_for_login(&self, username: &str) -> Result<Option<(Account, AccountSecrets)>>;
    /// Accounts whose user name or display name contains `q` (all when empty), by user name.
    async fn accounts(&self, q: &str, limit: usize) -> Result<Vec<Account>>;
    async fn account_count(&self) -> Result<i64>;
    /// Changes an account (version-checked); a new password or second factor ends the
    /// account's other sessions.
    async fn change_account(&self, ctx: &WriteContext, id: i64, change: AccountChange) -> Result<()>;
    /// The account's grants in force.
    async fn grants(&self, account: i64, today: NaiveDate) -> Result<Vec<GrantRecord>>;
    /// The grants in force of several accounts (by account, then grant), in one query.
    async fn grants_of(&self, accounts: &[i64], today: NaiveDate) -> Result<Vec<GrantRecord>>;
    async fn add_grant(&self, ctx: &WriteContext, account: i64, grant: Grant) -> Result<i64>;
    async fn revoke_grant(&self, ctx: &WriteContext, account: i64, grant_id: i64) -> Result<()>;
    /// The person behind an enabled account, with their grants; `None` when disabled or unknown.
    async fn principal(&self, account: i64) -> Result<Option<Principal>>;
    async fn create_token(&self, ctx: &WriteContext, account: i64, name: &str, token_hash: &str) -> Result<i64>;
    /// The unrevoked token with this digest (its last use is recorded).
    async fn token(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<ApiToken>>;
    async fn tokens_of(&self, account: i64) -> Result<Vec<ApiToken>>;
    async fn revoke_token(&self, ctx: &WriteContext, account: i64, token: i64) -> Result<()>;
}

/// User names: 3 to 64 of a–z, 0–9, '.', '_' and '-' (stored lower case).
pub fn check_username(username: &str) -> Result<String, ValidationErrors> {
    let u = username.trim().to_lowercase();
    let ok = (3..=64).contains(&u.len()) && u.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(u)
    } else {
        Err(ValidationErrors::single(
            "username",
            "invalid",
            "Tên đăng nhập gồm 3–64 ký tự: chữ cái không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang.",
        ))
    }
}

impl SqlStore {
    /// Checks where a role may be granted, against the unit's kind today.
    async fn check_grant(&self, grant: Grant, member: Option<MemberId>, today: NaiveDate) -> Result<()> {
        let kind = match grant.unit {
            Some(u) => {
                self.refresh_index().await?;
                self.index.read().unit_version_on(u, today).map(|v| v.kind)
            }
            None => None,
        };
        grant.role.check_grant(grant.unit, kind, member.is_some()).map_err(|e| StoreError::Invalid(ValidationErrors { errors: vec![e] }))
    }
}

#[async_trait]
impl AccountStore for SqlStore {
    async fn create_account(&self, ctx: &WriteContext, new: NewAccount) -> Result<i64> {
        let username = check_username(&new.username)?;
        let display_name = domain::text::required_text(&new.display_name, 200, "Họ và tên").map_err(|mut e| {
            e.field = "display_name".into();
            StoreError::Invalid(ValidationErrors { errors: vec![e] })
        })?;
        for g in &new.grants {
            self.check_grant(*g, new.member, ctx.today).await?;
        }
        let mut tx = self.db.begin().await?;
        if sql::access::account_by_username(tx.as_mut(), &username).await?.is_some() {
            return Err(StoreError::invalid("username", "duplicate", format!("Tên đăng nhập “{username}” đã có người dùng.")));
        }
        if let Some(m) = new.member {
            if sql::member_row(tx.as_mut(), m).await?.is_none() {
                return Err(StoreError::invalid("member", "not_found", "Không có đảng viên này."));
            }
            if sql::access::account_by_member(tx.as_mut(), m).await?.is_some() {
                return Err(StoreError::invalid("member", "duplicate", "Đảng viên này đã có tài khoản."));
            }
        }
        let id = sql::access::insert_account(
            tx.as_mut(),
            &username,
            &display_name,
            &new.password_hash,
            new.member,
            new.must_change_password,
            ctx.now,
        )
        .await
        .map_err(|e| match e {
            DbError::Unique(_) => StoreError::invalid("username", "duplicate", format!("Tên đăng nhập “{username}” đã có người dùng.")),
            other => StoreError::Database(other),
        })?;
        let mut records = vec![AuditRecord::new(
            "account.create",
            "account",
            id,
            audit::diff(&serde_json::Value::Null, &json!({ "username": username, "display_name": display_name, "member": new.member })),
        )];
        for g in &new.grants {
            let gid = sql::access::insert_grant(tx.as_mut(), id, *g, ctx.now, &ctx.actor).await?;
            records.push(AuditRecord::new("grant.add", "account", id, json!({ "grant": gid, "role": g.role.code(), "unit": g.unit })));
        }
        audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &records).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn change_account(&self, ctx: &WriteContext, id: i64, change: AccountChange) -> Result<()> {
        self.sessions.invalidate();
        let mut tx = self.db.begin().await?;
        let (account, secrets) = sql::access::account(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if account.version != change.expected_version {
            return Err(StoreError::Conflict { current: account.version });
        }
        let display_name = match &change.display_name {
            Some(n) => domain::text::required_text(n, 200, "Họ và tên").map_err(|mut e| {
                e.field = "display_name".into();
                StoreError::Invalid(ValidationErrors { errors: vec![e] })
            })?,
            None => account.display_name.clone(),
        };
        let disabled = change.disabled.unwrap_or(account.disabled);
        let (hash, must_change) = change.password.clone().unwrap_or((secrets.password_hash.clone(), account.must_change_password));
        let totp = change.totp_secret.clone().unwrap_or(secrets.totp_secret.clone());
        if !sql::access::update_account(
            tx.as_mut(),
            id,
            account.version,
            &display_name,
            disabled,
            &hash,
            must_change,
            totp.as_deref(),
            ctx.now,
        )
        .await?
        {
            return Err(StoreError::Conflict { current: account.version });
        }
        // Secrets are never written into the trail: only that they changed.
        let before = json!({ "display_name": account.display_name, "disabled": account.disabled,
            "must_change_password": account.must_change_password, "totp_enrolled": account.totp_enrolled });
        let after = json!({ "display_name": display_name, "disabled": disabled, "must_change_password": must_change,
            "totp_enrolled": totp.is_some() });
        let mut changes = audit::diff(&before, &after);
        if change.password.is_some()
            && let serde_json::Value::Array(list) = &mut changes
        {
            list.push(json!({ "field": "password", "before": "***", "after": "*** (đổi mới)" }));
        }
        let action = if ctx.account_id == Some(id) { "account.self_update" } else { "account.update" };
        audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[AuditRecord::new(action, "account", id, changes)]).await?;
        // A new password, a changed second factor or a disabled account ends the other sessions.
        if change.password.is_some() || change.totp_secret.is_some() || disabled {
            sql::access::delete_sessions_of(tx.as_mut(), id, "").await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn grants(&self, account: i64, today: NaiveDate) -> Result<Vec<GrantRecord>> {
        self.grants_of(&[account], today).await
    }

    async fn grants_of(&self, accounts: &[i64], today: NaiveDate) -> Result<Vec<GrantRecord>> {
        let mut conn = self.db.reader().await?;
        let rows = sql::access::grants_of(conn.as_mut(), accounts).await?;
        drop(conn);
        self.refresh_index().await?;
        let index = self.index.read();
        Ok(rows
            .into_iter()
            .map(|(account_id, id, g, granted_at, granted_by)| {
                let current = g.unit.and_then(|u| index.unit_version_on(u, today));
                let latest = g.unit.and_then(|u| index.unit_latest(u));
                GrantRecord {
                    id,
                    account_id,
                    role: g.role,
                    unit: g.unit,
                    unit_name: current.or(latest).map(|v| v.name.clone()),
                    unit_current: g.unit.is_none() || current.is_some(),
                    granted_at,
                    granted_by,
                }
            })
            .collect())
    }

    async fn add_grant(&self, ctx: &WriteContext, account: i64, grant: Grant) -> Result<i64> {
        self.sessions.invalidate();
        let existing = self.account(account).await?;
        self.check_grant(grant, existing.member, ctx.today).await?;
        let mut tx = self.db.begin().await?;
        if sql::access::grants(tx.as_mut(), account).await?.iter().any(|(_, g, _, _)| *g == grant) {
            return Err(StoreError::invalid("role", "duplicate", "Tài khoản đã có vai trò này trên tổ chức này."));
        }
        let id = sql::access::insert_grant(tx.as_mut(), account, grant, ctx.now, &ctx.actor).await?;
        sql::access::bump_account(tx.as_mut(), account, ctx.now).await?;
        let record =
            AuditRecord::new("grant.add", "account", account, json!({ "grant": id, "role": grant.role.code(), "unit": grant.unit }));
        audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn revoke_grant(&self, ctx: &WriteContext, account: i64, grant_id: i64) -> Result<()> {
        self.sessions.invalidate();
        let mut tx = self.db.begin().await?;
        let grants = sql::access::grants(tx.as_mut(), account).await?;
        let Some((_, grant, _, _)) = grants.iter().find(|(id, _, _, _)| *id == grant_id) else { return Err(StoreError::NotFound) };
        if !sql::access::revoke_grant(tx.as_mut(), account, grant_id, ctx.now, &ctx.actor).await? {
            return Err(StoreError::NotFound);
        }
        sql::access::bump_account(tx.as_mut(), account, ctx.now).await?;
        let record = AuditRecord::new(
            "grant.revoke",
            "account",
            account,
            json!({ "grant": grant_id, "role": grant.role.code(), "unit": grant.unit }),
        );
        audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn account(&self, id: i64) -> Result<Account> {
        let mut conn = self.db.reader().await?;
        sql::access::account(conn.as_mut(), id).await?.map(|(a, _)| a).ok_or(StoreError::NotFound)
    }

    async fn account_for_login(&self, username: &str) -> Result<Option<(Account, AccountSecrets)>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::access::account_by_username(conn.as_mut(), &username.trim().to_lowercase()).await?)
    }

    async fn accounts(&self, q: &str, limit: usize) -> Result<Vec<Account>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::access::accounts(conn.as_mut(), &q.trim().to_lowercase(), limit).await?)
    }

    async fn account_count(&self) -> Result<i64> {
        let mut conn = self.db.reader().await?;
        Ok(sql::access::account_count(conn.as_mut()).await?)
    }

    async fn principal(&self, account: i64) -> Result<Option<Principal>> {
        let mut conn = self.db.reader().await?;
        let Some((a, _)) = sql::access::account(conn.as_mut(), account).await? else { return Ok(None) };
        if a.disabled {
            return Ok(None);
        }
        let grants = sql::access::grants(conn.as_mut(), account).await?.into_iter().map(|(_, g, _, _)| g).collect();
        Ok(Some(Principal { account_id: a.id, username: a.username, display_name: a.display_name, member: a.member, grants }))
    }

    async fn create_token(&self, ctx: &WriteContext, account: i64, name: &str, token_hash: &str) -> Result<i64> {
        let name = domain::text::required_text(name, 100, "Tên mã truy cập").map_err(|mut e| {
            e.field = "name".into();
            StoreError::Invalid(ValidationErrors { errors: vec![e] })
        })?;
        let mut tx = self.db.begin().await?;
        if sql::access::account(tx.as_mut(), account).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let id = sql::access::insert_token(tx.as_mut(), account, &name, token_hash, ctx.now).await?;
        let record = AuditRecord::new("token.create", "account", account, json!({ "token": id, "name": name }));
        audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn token(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<ApiToken>> {
        let mut conn = self.db.reader().await?;
        let token = sql::access::token_by_hash(conn.as_mut(), token_hash).await?;
        drop(conn);
        if let Some(t) = &token
            && t.last_used_at.is_none_or(|at| now - at > chrono::Duration::minutes(1))
        {
            let mut tx = self.db.begin().await?;
            sql::access::touch_token(tx.as_mut(), t.id, now).await?;
            tx.commit().await?;
        }
        Ok(token)
    }

    async fn tokens_of(&self, account: i64) -> Result<Vec<ApiToken>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::access::tokens_of(conn.as_mut(), account).await?)
    }

    async fn revoke_token(&self, ctx: &WriteContext, account: i64, token: i64) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if !sql::access::revoke_token(tx.as_mut(), account, token, ctx.now).await? {
            return Err(StoreError::NotFound);
        }
        let record = AuditRecord::new("token.revoke", "account", account, json(&json!({ "token": token })));
        audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(())
    }
}
