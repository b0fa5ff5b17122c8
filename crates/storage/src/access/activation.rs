//! The [`AccountDesk`] handle: handbook accounts of the members of a subtree. Whoever writes
//! the register (`write`) or records a chi bộ's meetings (`meetings`: the chi bộ secretary) on a
//! unit creates accounts for its members, prints their codes and issues new ones (a forgotten
//! password); every unit and member named is checked against that scope before anything is
//! read, and outside it the answer is "not found".

use super::*;
use crate::activation::{AccountState, AccountsCreated, ChiBoAccounts, IssuedCode};

impl Access {
    pub fn handbook_accounts(&self) -> Result<AccountDesk<'_>> {
        let scope = self.principal.scope(Capability::WriteRegister).union(&self.principal.scope(Capability::RecordMeetings));
        if scope.is_empty() {
            return Err(StoreError::Forbidden);
        }
        Ok(AccountDesk { access: self, scope: ScopeFilter { scope, today: self.today() } })
    }
}

/// Handbook accounts within the caller's scope (see [`Access::handbook_accounts`]).
pub struct AccountDesk<'a> {
    access: &'a Access,
    scope: ScopeFilter,
}

impl AccountDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    /// The unit is in the desk's scope (404 otherwise).
    pub async fn require_unit(&self, unit: UnitId) -> Result<()> {
        require(self.store(), &self.scope, ScopeTarget::Unit(unit)).await
    }

    /// The member's record belongs in the desk's scope (404 otherwise).
    pub async fn require_member(&self, member: MemberId) -> Result<()> {
        require(self.store(), &self.scope, ScopeTarget::Member(member)).await?;
        match self.store().member_reach(&self.scope, member).await {
            Ok(r) if r.home => Ok(()),
            _ => Err(StoreError::NotFound),
        }
    }

    /// Whether the caller looks after this member's account (for showing the button).
    pub async fn may_issue(&self, member: MemberId) -> bool {
        self.require_member(member).await.is_ok()
    }

    /// The members of the unit's subtree and their accounts (audited as `read.accounts`).
    pub async fn roster(&self, unit: UnitId) -> Result<Vec<ChiBoAccounts>> {
        self.require_unit(unit).await?;
        let roster = self.store().roster_accounts(unit, self.access.now(), Some(&self.scope)).await?;
        self.access.record("read.accounts", "unit", unit, json!({})).await?;
        Ok(roster)
    }

    /// Creates the missing accounts of the unit's subtree, with their codes.
    pub async fn create(&self, unit: UnitId, include_exempt: bool) -> Result<AccountsCreated> {
        self.require_unit(unit).await?;
        self.store().create_member_accounts(&self.access.write_context(), unit, include_exempt, Some(&self.scope)).await
    }

    /// New codes for the members of a chi bộ (or any unit's subtree) whose account is not
    /// activated yet.
    pub async fn codes_for_unit(&self, unit: UnitId) -> Result<Vec<IssuedCode>> {
        self.require_unit(unit).await?;
        self.store().codes_for_subtree(&self.access.write_context(), unit, Some(&self.scope)).await
    }

    /// A new code for one member: their password, if set, is cleared (a reset).
    pub async fn reset(&self, member: MemberId) -> Result<IssuedCode> {
        self.require_member(member).await?;
        let mut issued = self.store().issue_codes(&self.access.write_context(), &[member], true).await?;
        issued.pop().ok_or_else(|| StoreError::invalid("member", "no_account", "Đảng viên này chưa có tài khoản Sổ tay."))
    }

    /// The user name of a member's account.
    pub async fn username(&self, member: MemberId) -> Result<Option<String>> {
        self.require_member(member).await?;
        self.store().roster_username(member).await
    }

    /// A member's account state.
    pub async fn state(&self, member: MemberId) -> Result<AccountState> {
        self.require_member(member).await?;
        self.store().account_state(member, self.access.now()).await
    }
}
