//! The [`DisciplineDesk`] handle: the discipline register. Whoever reads a member reads their
//! disciplines (audited as `read.discipline`); whoever reads a unit reads its register. The
//! organization board — `write` on the member — records a discipline, what happened within its
//! 12 months and the decision that lifted it. A discipline named by id is checked through its
//! member; outside the scope the answer is "not found".

use super::*;
use crate::discipline::{DisciplineInput, DisciplineView};
use domain::discipline::Interruption;
use domain::ids::DecisionNumber;

impl Access {
    pub fn discipline(&self) -> Result<DisciplineDesk<'_>> {
        let read = self.filter(Capability::ReadRegister)?;
        let write = ScopeFilter { scope: self.principal.scope(Capability::WriteRegister), today: self.today() };
        Ok(DisciplineDesk { access: self, read, write })
    }
}

/// The discipline register within the caller's scope (see [`Access::discipline`]).
pub struct DisciplineDesk<'a> {
    access: &'a Access,
    read: ScopeFilter,
    write: ScopeFilter,
}

impl DisciplineDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    /// Whether the caller records disciplines of this member.
    pub async fn may_record(&self, member: MemberId) -> bool {
        !self.write.scope.is_empty() && require(self.store(), &self.write, ScopeTarget::Member(member)).await.is_ok()
    }

    /// Refuses a caller who may not record for `member`: the one check before a body is read.
    pub async fn require_record(&self, member: MemberId) -> Result<()> {
        require_write(self.store(), &self.write, &self.read, ScopeTarget::Member(member)).await
    }

    /// A member's disciplines.
    pub async fn member(&self, member: MemberId) -> Result<Vec<DisciplineView>> {
        require(self.store(), &self.read, ScopeTarget::Member(member)).await?;
        let list = self.store().member_disciplines(member, self.access.today()).await?;
        self.access.record("read.discipline", "member", member, json!({ "disciplines": list.len() })).await?;
        Ok(list)
    }

    /// A unit's register: disciplines announced on or after `since`.
    pub async fn register(&self, unit: UnitId, since: NaiveDate) -> Result<Vec<DisciplineView>> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        let list = self.store().disciplines_under(unit, since, self.access.today()).await?;
        self.access.record("read.discipline", "unit", unit, json!({ "since": since, "disciplines": list.len() })).await?;
        Ok(list)
    }

    /// A discipline, checked through its member (read scope).
    pub async fn one(&self, id: i64) -> Result<DisciplineView> {
        let view = self.store().discipline(id, self.access.today()).await?;
        require(self.store(), &self.read, ScopeTarget::Member(view.row.member)).await?;
        Ok(view)
    }

    /// The discipline `id` of `member` (the path's), one the caller may write on; another
    /// member's is not found, like a missing one.
    pub async fn require_write_on(&self, member: MemberId, id: i64) -> Result<DisciplineView> {
        let view = self.one(id).await?;
        if view.row.member != member {
            return Err(StoreError::NotFound);
        }
        self.require_record(member).await?;
        Ok(view)
    }

    pub async fn record(&self, member: MemberId, input: DisciplineInput) -> Result<i64> {
        self.require_record(member).await?;
        self.store().record_discipline(&self.access.write_context(), member, input).await
    }

    pub async fn interruption(
        &self,
        member: MemberId,
        id: i64,
        version: i64,
        kind: Interruption,
        on: NaiveDate,
        note: String,
    ) -> Result<()> {
        self.require_write_on(member, id).await?;
        self.store().record_interruption(&self.access.write_context(), id, version, kind, on, note).await
    }

    pub async fn lift(&self, member: MemberId, id: i64, version: i64, on: NaiveDate, decision: DecisionNumber) -> Result<()> {
        self.require_write_on(member, id).await?;
        self.store().lift_discipline(&self.access.write_context(), id, version, on, decision).await
    }
}
