//! Handbook accounts for members (docs/design/handbook.md): created for a whole subtree from the
//! register, each with a one-time activation code the chi bộ hands out on a printed slip; codes
//! issued again (a lost slip, a forgotten password); a member opening their account with the
//! code and a password of their own. Codes are stored as SHA-256 digests (`auth::token::digest`)
//! and shown once, when issued.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::json;

use domain::handbook::{ActivationCode, Offer};
use domain::history::Status;
use domain::ids::{MemberId, UnitId};

use crate::context::WriteContext;
use crate::error::{Result, StoreError};
use crate::index::RosterEntry;
use crate::model::{AuditActor, AuditRecord, ScopeFilter};
use crate::sql;
use crate::sql::activation::{MemberAccountRow, NewCode, NewMemberAccount};
use crate::store::SqlStore;

/// A code just issued, for its slip: shown once, never stored in clear.
#[derive(Debug, Clone)]
pub struct IssuedCode {
    pub account: i64,
    pub member: MemberId,
    pub full_name: String,
    pub username: String,
    /// The chi bộ whose list holds the member, with the unit above it.
    pub unit: UnitId,
    pub unit_name: String,
    pub code: ActivationCode,
    pub expires_at: DateTime<Utc>,
}

/// What creating accounts for a subtree did.
#[derive(Debug, Clone, Default)]
pub struct AccountsCreated {
    /// The new accounts and their codes, by chi bộ in register order.
    pub issued: Vec<IssuedCode>,
    /// Members on the lists who already had an account (left as they are).
    pub existing: usize,
    /// Exempt members left without an account (not chosen).
    pub exempt_left: usize,
}

/// Where a member's handbook account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountState {
    /// No account.
    None,
    /// Created or reset, a live code waiting (until its expiry).
    Waiting {
        expires_at: DateTime<Utc>,
    },
    /// Created or reset, and the code expired or was never issued: issue one.
    CodeExpired,
    /// The member set a password.
    Active,
    Disabled,
}

/// A member on a list of the subtree and their account.
#[derive(Debug, Clone)]
pub struct RosterAccount {
    pub member: MemberId,
    pub full_name: String,
    pub status: Status,
    pub username: Option<String>,
    pub state: AccountState,
}

/// One chi bộ of the overview.
#[derive(Debug, Clone)]
pub struct ChiBoAccounts {
    pub unit: UnitId,
    pub name: String,
    pub members: Vec<RosterAccount>,
}

impl ChiBoAccounts {
    pub fn count(&self, f: impl Fn(&AccountState) -> bool) -> usize {
        self.members.iter().filter(|m| f(&m.state)).count()
    }
}

/// Handbook accounts and their activation codes.
#[async_trait]
pub trait ActivationStore: Send + Sync {
    /// Creates an account (no password, role `member`) with a code for each member on the lists
    /// of `root`'s subtree today who has none: official and probationary members, and exempt
    /// members when `include_exempt`. One transaction; one audit entry per chi bộ.
    async fn create_member_accounts(
        &self,
        ctx: &WriteContext,
        root: UnitId,
        include_exempt: bool,
        scope: Option<&ScopeFilter>,
    ) -> Result<AccountsCreated>;
    /// New codes for these members' accounts (older live codes stop working). `reset`: also
    /// for an activated account, whose password is cleared and sessions ended (a forgotten
    /// password); otherwise activated accounts are left out.
    async fn issue_codes(&self, ctx: &WriteContext, members: &[MemberId], reset: bool) -> Result<Vec<IssuedCode>>;
    /// New codes for every account of `root`'s subtree not activated yet.
    async fn codes_for_subtree(&self, ctx: &WriteContext, root: UnitId, scope: Option<&ScopeFilter>) -> Result<Vec<IssuedCode>>;
    /// The members on the lists of `root`'s subtree at `now` and their accounts (codes judged
    /// live or expired at that instant), by chi bộ.
    async fn roster_accounts(&self, root: UnitId, now: DateTime<Utc>, scope: Option<&ScopeFilter>) -> Result<Vec<ChiBoAccounts>>;
    /// A member's account state (for their record).
    async fn account_state(&self, member: MemberId, now: DateTime<Utc>) -> Result<AccountState>;
    /// The user name of a member's account.
    async fn roster_username(&self, member: MemberId) -> Result<Option<String>>;
    /// Opens an account with a live code and the password the member chose (already hashed):
    /// `NotFound` for a wrong, used, voided or expired code or a user name it does not belong to.
    async fn activate(
        &self,
        actor: &AuditActor,
        now: DateTime<Utc>,
        username: &str,
        code: &ActivationCode,
        password_hash: &str,
    ) -> Result<i64>;
}

fn state_of(row: Option<&MemberAccountRow>, now: DateTime<Utc>) -> AccountState {
    match row {
        None => AccountState::None,
        Some(r) if r.disabled => AccountState::Disabled,
        Some(r) if r.activated => AccountState::Active,
        Some(r) => match r.code_expires {
            Some(t) if t > now => AccountState::Waiting { expires_at: t },
            _ => AccountState::CodeExpired,
        },
    }
}

/// A fresh code from the operating system's random number generator.
fn fresh_code() -> Result<ActivationCode> {
    let bytes = auth::token::random_bytes::<8>().map_err(|e| StoreError::Database(crate::db::DbError::Other(e.to_string())))?;
    Ok(ActivationCode::from_random(bytes))
}

/// The roster with each chi bộ's members together, chi bộ in the order their first member
/// comes in, members in register order within each (the slips print a chi bộ at a time).
fn by_chi_bo(mut roster: Vec<RosterEntry>) -> Vec<RosterEntry> {
    let mut first: HashMap<UnitId, usize> = HashMap::new();
    for (i, e) in roster.iter().enumerate() {
        first.entry(e.unit).or_insert(i);
    }
    roster.sort_by_key(|e| first.get(&e.unit).copied().unwrap_or(usize::MAX));
    roster
}

impl SqlStore {
    fn roster(&self, root: UnitId, today: chrono::NaiveDate, scope: Option<&ScopeFilter>) -> Result<Vec<RosterEntry>> {
        self.index.read().roster(root, today, scope).ok_or(StoreError::NotFound)
    }

    fn unit_label(&self, unit: UnitId, today: chrono::NaiveDate) -> String {
        self.index.read().unit_with_parent(unit, today)
    }
}

#[async_trait]
impl ActivationStore for SqlStore {
    async fn create_member_accounts(
        &self,
        ctx: &WriteContext,
        root: UnitId,
        include_exempt: bool,
        scope: Option<&ScopeFilter>,
    ) -> Result<AccountsCreated> {
        let settings = self.handbook;
        self.refresh_index().await?;
        let roster = by_chi_bo(self.roster(root, ctx.today, scope)?);
        let mut tx = self.db.begin().await?;
        let (mut names, with_account) = sql::activation::account_keys(tx.as_mut()).await?;
        let mut out = AccountsCreated::default();
        let mut planned = Vec::new();
        for e in &roster {
            if with_account.contains(&e.member.0) {
                out.existing += 1;
                continue;
            }
            match domain::handbook::offer(e.status) {
                Offer::Always => {}
                Offer::IfChosen if include_exempt => {}
                Offer::IfChosen => {
                    out.exempt_left += 1;
                    continue;
                }
                Offer::Never => continue,
            }
            let username = domain::handbook::username_for(&e.citizen_id, e.member.0, |u| names.contains(u));
            names.insert(username.clone());
            planned.push((e, NewMemberAccount { member: e.member, username, display_name: e.full_name.clone() }));
        }
        let news: Vec<NewMemberAccount> = planned
            .iter()
            .map(|(_, a)| NewMemberAccount { member: a.member, username: a.username.clone(), display_name: a.display_name.clone() })
            .collect();
        let ids = sql::activation::insert_member_accounts(tx.as_mut(), &news, ctx.now, &ctx.actor, self.db.max_params()).await?;
        let expires_at = settings.expires(ctx.now);
        let mut codes = Vec::with_capacity(planned.len());
        let mut labels: HashMap<UnitId, String> = HashMap::new();
        // The roster is grouped by chi bộ: one audit entry each.
        let mut by_unit: Vec<(UnitId, Vec<i64>)> = Vec::new();
        for (e, a) in planned {
            let account =
                *ids.get(&e.member).ok_or_else(|| StoreError::Database(crate::db::DbError::Other("an account was not created".into())))?;
            let code = fresh_code()?;
            codes.push(NewCode { account, code_hash: auth::token::digest(code.as_str()), expires_at });
            let unit_name = labels.entry(e.unit).or_insert_with(|| self.unit_label(e.unit, ctx.today)).clone();
            match by_unit.last_mut() {
                Some((u, list)) if *u == e.unit => list.push(e.member.0),
                _ => by_unit.push((e.unit, vec![e.member.0])),
            }
            out.issued.push(IssuedCode {
                account,
                member: e.member,
                full_name: e.full_name.clone(),
                username: a.username,
                unit: e.unit,
                unit_name,
                code,
                expires_at,
            });
        }
        sql::activation::replace_codes(tx.as_mut(), &codes, ctx.now, &ctx.actor, self.db.max_params()).await?;
        let records: Vec<AuditRecord> = by_unit
            .into_iter()
            .map(|(unit, members)| {
                AuditRecord::new(
                    "account.create_members",
                    "unit",
                    unit,
                    json!({ "root": root.0, "members": members, "expires_at": expires_at }),
                )
            })
            .collect();
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &records).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn issue_codes(&self, ctx: &WriteContext, members: &[MemberId], reset: bool) -> Result<Vec<IssuedCode>> {
        self.sessions.invalidate();
        let settings = self.handbook;
        self.refresh_index().await?;
        let mut tx = self.db.begin().await?;
        let rows = sql::activation::member_accounts(tx.as_mut(), members).await?;
        let by_member: HashMap<MemberId, &MemberAccountRow> = rows.iter().map(|r| (r.member, r)).collect();
        let expires_at = settings.expires(ctx.now);
        let mut codes = Vec::new();
        let mut issued = Vec::new();
        let mut records = Vec::new();
        for &m in members {
            let Some(row) = by_member.get(&m) else { continue };
            if row.disabled || (row.activated && !reset) {
                continue;
            }
            if row.activated {
                sql::activation::set_password(tx.as_mut(), row.account, "", ctx.now).await?;
                sql::access::delete_sessions_of(tx.as_mut(), row.account, "").await?;
            }
            let code = fresh_code()?;
            codes.push(NewCode { account: row.account, code_hash: auth::token::digest(code.as_str()), expires_at });
            let (full_name, unit) = {
                let index = self.index.read();
                let name = index.member_name(m).map(|(n, _)| n).unwrap_or_default();
                (name, index.member_unit_on(m, ctx.today))
            };
            let unit = unit.unwrap_or(UnitId(0));
            records.push(AuditRecord::new(
                if row.activated { "account.reset" } else { "account.code" },
                "account",
                row.account,
                json!({ "member": m.0, "expires_at": expires_at }),
            ));
            issued.push(IssuedCode {
                account: row.account,
                member: m,
                full_name,
                username: row.username.clone(),
                unit,
                unit_name: self.unit_label(unit, ctx.today),
                code,
                expires_at,
            });
        }
        sql::activation::replace_codes(tx.as_mut(), &codes, ctx.now, &ctx.actor, self.db.max_params()).await?;
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &records).await?;
        tx.commit().await?;
        Ok(issued)
    }

    async fn codes_for_subtree(&self, ctx: &WriteContext, root: UnitId, scope: Option<&ScopeFilter>) -> Result<Vec<IssuedCode>> {
        let members: Vec<MemberId> = self
            .roster_accounts(root, ctx.now, scope)
            .await?
            .into_iter()
            .flat_map(|c| c.members)
            .filter(|m| matches!(m.state, AccountState::Waiting { .. } | AccountState::CodeExpired))
            .map(|m| m.member)
            .collect();
        self.issue_codes(ctx, &members, false).await
    }

    async fn roster_accounts(&self, root: UnitId, now: DateTime<Utc>, scope: Option<&ScopeFilter>) -> Result<Vec<ChiBoAccounts>> {
        let today = crate::context::vietnam_today(now);
        self.refresh_index().await?;
        let roster = self.roster(root, today, scope)?;
        let ids: Vec<MemberId> = roster.iter().map(|e| e.member).collect();
        let mut conn = self.db.reader().await?;
        let rows = sql::activation::member_accounts(conn.as_mut(), &ids).await?;
        let by_member: HashMap<MemberId, &MemberAccountRow> = rows.iter().map(|r| (r.member, r)).collect();
        let mut out: Vec<ChiBoAccounts> = Vec::new();
        for e in roster {
            let row = by_member.get(&e.member).copied();
            let member = RosterAccount {
                member: e.member,
                full_name: e.full_name,
                status: e.status,
                username: row.map(|r| r.username.clone()),
                state: state_of(row, now),
            };
            match out.iter_mut().find(|c| c.unit == e.unit) {
                Some(c) => c.members.push(member),
                None => out.push(ChiBoAccounts { unit: e.unit, name: self.unit_label(e.unit, today), members: vec![member] }),
            }
        }
        Ok(out)
    }

    async fn account_state(&self, member: MemberId, now: DateTime<Utc>) -> Result<AccountState> {
        let mut conn = self.db.reader().await?;
        let rows = sql::activation::member_accounts(conn.as_mut(), &[member]).await?;
        Ok(state_of(rows.first(), now))
    }

    async fn roster_username(&self, member: MemberId) -> Result<Option<String>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::activation::member_accounts(conn.as_mut(), &[member]).await?.pop().map(|r| r.username))
    }

    async fn activate(
        &self,
        actor: &AuditActor,
        now: DateTime<Utc>,
        username: &str,
        code: &ActivationCode,
        password_hash: &str,
    ) -> Result<i64> {
        self.sessions.invalidate();
        let mut tx = self.db.begin().await?;
        let found = sql::activation::code_by_hash(tx.as_mut(), &auth::token::digest(code.as_str())).await?;
        let account = sql::access::account_by_username(tx.as_mut(), &username.trim().to_lowercase()).await?;
        let (Some(found), Some((account, _))) = (found, account) else { return Err(StoreError::NotFound) };
        if found.account != account.id || found.used || found.voided || found.expires_at <= now || account.disabled {
            return Err(StoreError::NotFound);
        }
        if !sql::activation::use_code(tx.as_mut(), found.id, now).await? {
            return Err(StoreError::NotFound);
        }
        sql::activation::set_password(tx.as_mut(), account.id, password_hash, now).await?;
        let actor = AuditActor { account_id: Some(account.id), name: account.username.clone(), ..actor.clone() };
        crate::audit::append(tx.as_mut(), &actor, now, &[AuditRecord::new("account.activate", "account", account.id, json!({}))]).await?;
        tx.commit().await?;
        Ok(account.id)
    }
}
