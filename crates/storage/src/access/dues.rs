//! The [`DuesDesk`] handle: party dues. Whoever reads a unit reads its dues sheet, its ledger and
//! its members' arrears (audited as `read.dues`); whoever writes the register or records the chi
//! bộ's meetings (the chi bộ secretary, who keeps the dues book) records bases, reliefs and
//! payments of the members they reach and remits their units' dues up. Every unit, member,
//! basis and payment named is checked against that scope before anything is read or written,
//! and outside it the answer is "not found". The member's own side is on [`super::HandbookDesk`].

use super::*;
use crate::dues::{ArrearsLine, BasisSource, DuesDue, DuesLedger, DuesSheet, MemberDues};
use domain::dates::Month;
use domain::dues::{Basis, Dong, PaymentInput, Relief};

impl Access {
    pub fn dues(&self) -> Result<DuesDesk<'_>> {
        let read = self.filter(Capability::ReadRegister)?;
        let keep = self.principal.scope(Capability::WriteRegister).union(&self.principal.scope(Capability::RecordMeetings));
        Ok(DuesDesk { access: self, read, keep: ScopeFilter { scope: keep, today: self.today() } })
    }
}

/// Party dues within the caller's scope (see [`Access::dues`]).
pub struct DuesDesk<'a> {
    access: &'a Access,
    read: ScopeFilter,
    keep: ScopeFilter,
}

impl DuesDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    /// Whether the caller keeps dues anywhere (else a post is refused outright).
    pub fn keeps(&self) -> bool {
        !self.keep.scope.is_empty()
    }

    /// Whether the caller keeps the dues of a unit (for showing forms and buttons).
    pub async fn may_keep_unit(&self, unit: UnitId) -> bool {
        self.keeps() && require(self.store(), &self.keep, ScopeTarget::Unit(unit)).await.is_ok()
    }

    /// Whether the caller keeps the dues of a member.
    pub async fn may_keep_member(&self, member: MemberId) -> bool {
        self.keeps() && require(self.store(), &self.keep, ScopeTarget::Member(member)).await.is_ok()
    }

    /// Refuses a caller who keeps no dues (forbidden) or not this member's (not found): the one
    /// check before a body is read.
    pub async fn keep_member(&self, member: MemberId) -> Result<()> {
        if !self.keeps() {
            return Err(StoreError::Forbidden);
        }
        require(self.store(), &self.keep, ScopeTarget::Member(member)).await
    }

    /// The same for a unit.
    pub async fn keep_unit(&self, unit: UnitId) -> Result<()> {
        if !self.keeps() {
            return Err(StoreError::Forbidden);
        }
        require(self.store(), &self.keep, ScopeTarget::Unit(unit)).await
    }

    /// A chi bộ's dues for a month.
    pub async fn sheet(&self, chi_bo: UnitId, month: Month) -> Result<DuesSheet> {
        require(self.store(), &self.read, ScopeTarget::Unit(chi_bo)).await?;
        let sheet = self.store().dues_sheet(chi_bo, month, self.access.today()).await?;
        self.access.record("read.dues", "unit", chi_bo, json!({ "month": month.code(), "members": sheet.lines.len() })).await?;
        Ok(sheet)
    }

    /// What a unit's dues wait for today (counts only: the worklist).
    pub async fn due(&self, unit: UnitId) -> Result<DuesDue> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        self.store().dues_due(unit, self.access.today()).await
    }

    /// A unit's ledger for a year.
    pub async fn ledger(&self, unit: UnitId, year: i32) -> Result<DuesLedger> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        let ledger = self.store().dues_ledger(unit, year, self.access.today()).await?;
        self.access.record("read.dues", "unit", unit, json!({ "ledger": year })).await?;
        Ok(ledger)
    }

    /// The members under a unit with months unpaid in a year.
    pub async fn arrears(&self, unit: UnitId, year: i32) -> Result<Vec<ArrearsLine>> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        let lines = self.store().dues_arrears(unit, year, self.access.today()).await?;
        self.access.record("read.dues", "unit", unit, json!({ "arrears": year, "members": lines.len() })).await?;
        Ok(lines)
    }

    /// A member's dues over a year.
    pub async fn member(&self, member: MemberId, year: i32) -> Result<MemberDues> {
        require(self.store(), &self.read, ScopeTarget::Member(member)).await?;
        let dues = self.store().member_dues(member, year, self.access.today()).await?;
        self.access.record("read.dues", "member", member, json!({ "year": year })).await?;
        Ok(dues)
    }

    /// Records a member's basis from a month on (confirmed: the chi bộ records it).
    pub async fn record_basis(&self, member: MemberId, from: Month, basis: Basis) -> Result<i64> {
        self.keep_member(member).await?;
        self.store().record_dues_basis(&self.access.write_context(), member, from, basis, BasisSource::Staff).await
    }

    /// Confirms a declaration of `member` (another member's: not found).
    pub async fn confirm_basis(&self, member: MemberId, id: i64) -> Result<()> {
        self.keep_member(member).await?;
        if self.store().dues_basis_member(id).await? != member {
            return Err(StoreError::NotFound);
        }
        self.store().confirm_dues_basis(&self.access.write_context(), id).await
    }

    /// Records a relief decided on the member's application.
    pub async fn record_relief(&self, member: MemberId, relief: Relief, decision: &str) -> Result<i64> {
        self.keep_member(member).await?;
        self.store().record_dues_relief(&self.access.write_context(), member, relief, decision).await
    }

    /// Records a member's payment.
    pub async fn record_payment(&self, member: MemberId, payment: PaymentInput) -> Result<i64> {
        self.keep_member(member).await?;
        self.store().record_dues_payment(&self.access.write_context(), member, payment).await
    }

    /// Cancels a payment of `member` recorded by mistake (another member's payment: not found).
    pub async fn cancel_payment(&self, member: MemberId, id: i64, reason: &str) -> Result<()> {
        self.keep_member(member).await?;
        if self.store().dues_payment_member(id).await? != member {
            return Err(StoreError::NotFound);
        }
        self.store().cancel_dues_payment(&self.access.write_context(), id, reason).await
    }

    /// Remits what a month of the unit's ledger still owes up.
    pub async fn remit(&self, unit: UnitId, month: Month) -> Result<Dong> {
        self.keep_unit(unit).await?;
        self.store().remit_dues(&self.access.write_context(), unit, month).await
    }
}
