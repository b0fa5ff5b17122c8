//! The [`ExemptionDesk`] handle: exemptions from work and activities. Whoever reads a member or
//! unit reads them (audited as `read.exemption`); the chi bộ's side — `write` or `meetings` on
//! the member — records the resolution, its renewals and the member's return. An exemption named
//! by id is checked through its member; outside the scope the answer is "not found".

use super::*;
use crate::exemptions::{ExemptionLine, MemberExemption};
use domain::exemptions::{Exemption, Renewal};
use domain::ids::DecisionNumber;

impl Access {
    pub fn exemptions(&self) -> Result<ExemptionDesk<'_>> {
        let read = self.filter(Capability::ReadRegister)?;
        let keep = self.principal.scope(Capability::WriteRegister).union(&self.principal.scope(Capability::RecordMeetings));
        Ok(ExemptionDesk { access: self, read, keep: ScopeFilter { scope: keep, today: self.today() } })
    }
}

/// Exemptions within the caller's scope (see [`Access::exemptions`]).
pub struct ExemptionDesk<'a> {
    access: &'a Access,
    read: ScopeFilter,
    keep: ScopeFilter,
}

impl ExemptionDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    /// Whether the caller records this member's exemptions.
    pub async fn may_keep(&self, member: MemberId) -> bool {
        !self.keep.scope.is_empty() && require(self.store(), &self.keep, ScopeTarget::Member(member)).await.is_ok()
    }

    /// Refuses a caller who may not record for `member`: the one check before a body is read.
    pub async fn require_keep(&self, member: MemberId) -> Result<()> {
        require_write(self.store(), &self.keep, &self.read, ScopeTarget::Member(member)).await
    }

    pub async fn member(&self, member: MemberId) -> Result<Vec<MemberExemption>> {
        require(self.store(), &self.read, ScopeTarget::Member(member)).await?;
        let list = self.store().member_exemptions(member, self.access.today()).await?;
        self.access.record("read.exemption", "member", member, json!({ "exemptions": list.len() })).await?;
        Ok(list)
    }

    /// A unit's register: exempt today, and ended on or after `since`.
    pub async fn register(&self, unit: UnitId, since: NaiveDate) -> Result<Vec<ExemptionLine>> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        let list = self.store().exemptions_under(unit, since, self.access.today()).await?;
        self.access.record("read.exemption", "unit", unit, json!({ "since": since, "lines": list.len() })).await?;
        Ok(list)
    }

    /// The exemption `id` of `member` (the path's), one the caller may record for; another
    /// member's is not found, like a missing one.
    pub async fn require_write_on(&self, member: MemberId, id: i64) -> Result<crate::exemptions::ExemptionRow> {
        let row = self.store().exemption(id).await?;
        require(self.store(), &self.read, ScopeTarget::Member(row.member)).await?;
        if row.member != member {
            return Err(StoreError::NotFound);
        }
        self.require_keep(member).await?;
        Ok(row)
    }

    pub async fn record(&self, member: MemberId, x: Exemption) -> Result<i64> {
        self.require_keep(member).await?;
        self.store().record_exemption(&self.access.write_context(), member, x).await
    }

    pub async fn renew(&self, member: MemberId, id: i64, version: i64, r: Renewal) -> Result<()> {
        self.require_write_on(member, id).await?;
        self.store().renew_exemption(&self.access.write_context(), id, version, r).await
    }

    pub async fn end(&self, member: MemberId, id: i64, version: i64, on: NaiveDate, resolution: DecisionNumber) -> Result<()> {
        self.require_write_on(member, id).await?;
        self.store().end_exemption(&self.access.write_context(), id, version, on, resolution).await
    }
}
