//! The [`BadgeDesk`] handle: party badges and the yearly report of member work. Whoever reads a
//! member reads their badges (audited as `read.badge`); whoever reads a unit reads its lists,
//! who is due and the report. The organization board — `write` on the unit — opens and edits a
//! unit's list and sends it up; `write` or `decide` on the list's unit records the decision;
//! `write` on a member records a badge held from before. A list is named by its unit and id (the
//! path's: another unit's list is not found) and checked through its unit; a member added to it must belong to that unit; outside the scope the answer is
//! "not found".

use super::*;
use crate::badges::{AwardLine, BadgeList, BadgeRow, Candidate, ListRow};
use crate::member_work::{MemberWorkReport, WorkPerson};
use domain::badges::Circumstance;
use domain::ids::DecisionNumber;

impl Access {
    pub fn badges(&self) -> Result<BadgeDesk<'_>> {
        let read = self.filter(Capability::ReadRegister)?;
        let write = ScopeFilter { scope: self.principal.scope(Capability::WriteRegister), today: self.today() };
        let decide = self.principal.scope(Capability::WriteRegister).union(&self.principal.scope(Capability::Decide));
        Ok(BadgeDesk { access: self, read, write, decide: ScopeFilter { scope: decide, today: self.today() } })
    }
}

/// Badges within the caller's scope (see [`Access::badges`]).
pub struct BadgeDesk<'a> {
    access: &'a Access,
    read: ScopeFilter,
    write: ScopeFilter,
    decide: ScopeFilter,
}

impl BadgeDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    pub async fn may_keep_unit(&self, unit: UnitId) -> bool {
        !self.write.scope.is_empty() && require(self.store(), &self.write, ScopeTarget::Unit(unit)).await.is_ok()
    }

    pub async fn may_decide(&self, unit: UnitId) -> bool {
        !self.decide.scope.is_empty() && require(self.store(), &self.decide, ScopeTarget::Unit(unit)).await.is_ok()
    }

    pub async fn may_keep_member(&self, member: MemberId) -> bool {
        !self.write.scope.is_empty() && require(self.store(), &self.write, ScopeTarget::Member(member)).await.is_ok()
    }

    /// Refuses a caller who may not keep `unit`'s lists: the one check before a body is read.
    pub async fn require_keep_unit(&self, unit: UnitId) -> Result<()> {
        require_write(self.store(), &self.write, &self.read, ScopeTarget::Unit(unit)).await
    }

    pub async fn require_keep_member(&self, member: MemberId) -> Result<()> {
        require_write(self.store(), &self.write, &self.read, ScopeTarget::Member(member)).await
    }

    pub async fn require_read_unit(&self, unit: UnitId) -> Result<()> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await
    }

    pub async fn member(&self, member: MemberId) -> Result<Vec<BadgeRow>> {
        require(self.store(), &self.read, ScopeTarget::Member(member)).await?;
        let badges = self.store().member_badges(member).await?;
        self.access.record("read.badge", "member", member, json!({ "badges": badges.len() })).await?;
        Ok(badges)
    }

    /// The site's choice of source for the wait after a discipline.
    pub fn wait_rule(&self) -> domain::badges::WaitRule {
        self.store().routine_settings().wait_rule
    }

    /// A member's verdict for an award day (read as ordinary).
    pub async fn verdict(&self, member: MemberId, award_on: NaiveDate) -> Result<domain::badges::Verdict> {
        require(self.store(), &self.read, ScopeTarget::Member(member)).await?;
        self.store().badge_verdict(member, award_on, Circumstance::Ordinary).await
    }

    /// Who is due only within an early window (the seriously ill, posthumously).
    pub async fn early(&self, unit: UnitId, award_on: NaiveDate) -> Result<Vec<Candidate>> {
        self.require_read_unit(unit).await?;
        self.store().badge_early(unit, award_on, self.access.today()).await
    }

    pub async fn candidates(&self, unit: UnitId, award_on: NaiveDate) -> Result<Vec<Candidate>> {
        self.require_read_unit(unit).await?;
        let list = self.store().badge_candidates(unit, award_on, self.access.today()).await?;
        self.access.record("read.badge", "unit", unit, json!({ "award_on": award_on, "candidates": list.len() })).await?;
        Ok(list)
    }

    pub async fn lists(&self, unit: UnitId) -> Result<Vec<(ListRow, String)>> {
        self.require_read_unit(unit).await?;
        self.store().badge_lists_under(unit, self.access.today()).await
    }

    /// The list `id` of `unit` (the path's), checked through its unit (read scope); another
    /// unit's list is not found, like a missing one.
    async fn list_in(&self, unit: UnitId, id: i64) -> Result<BadgeList> {
        let list = self.store().badge_list(id, self.access.today()).await?;
        if list.row.unit != unit {
            return Err(StoreError::NotFound);
        }
        self.require_read_unit(unit).await?;
        Ok(list)
    }

    /// A list of `unit`, read (audited).
    pub async fn list(&self, unit: UnitId, id: i64) -> Result<BadgeList> {
        let list = self.list_in(unit, id).await?;
        self.access.record("read.badge", "badge_list", id, json!({ "lines": list.lines.len() })).await?;
        Ok(list)
    }

    async fn require_list_keeper(&self, unit: UnitId, id: i64) -> Result<BadgeList> {
        let list = self.list_in(unit, id).await?;
        self.require_keep_unit(unit).await?;
        Ok(list)
    }

    pub async fn open(&self, unit: UnitId, award_on: NaiveDate) -> Result<i64> {
        self.require_keep_unit(unit).await?;
        self.store().open_badge_list(&self.access.write_context(), unit, award_on).await
    }

    /// Adds a member of the list's unit (a deceased member: of its unit when they died).
    pub async fn add(&self, unit: UnitId, id: i64, version: i64, member: MemberId, circumstance: Circumstance) -> Result<()> {
        let list = self.require_list_keeper(unit, id).await?;
        require(self.store(), &self.read, ScopeTarget::Member(member)).await?;
        let today = self.access.today();
        if !self.store().belongs_to_list_unit(member, list.row.unit, today).await? {
            return Err(StoreError::invalid("member", "not_in_unit", "Đảng viên này không thuộc đơn vị của danh sách."));
        }
        self.store().add_badge_line(&self.access.write_context(), id, version, member, circumstance).await
    }

    pub async fn remove(&self, unit: UnitId, id: i64, version: i64, member: MemberId) -> Result<()> {
        self.require_list_keeper(unit, id).await?;
        self.store().remove_badge_line(&self.access.write_context(), id, version, member).await
    }

    pub async fn send(&self, unit: UnitId, id: i64, version: i64) -> Result<()> {
        self.require_list_keeper(unit, id).await?;
        self.store().send_badge_list(&self.access.write_context(), id, version).await
    }

    pub async fn decide(
        &self,
        unit: UnitId,
        id: i64,
        version: i64,
        decision: DecisionNumber,
        decided_on: NaiveDate,
        issuer: String,
    ) -> Result<()> {
        self.list_in(unit, id).await?;
        require_write(self.store(), &self.decide, &self.read, ScopeTarget::Unit(unit)).await?;
        self.store().decide_badge_list(&self.access.write_context(), id, version, decision, decided_on, issuer).await
    }

    pub async fn record(&self, member: MemberId, badge: BadgeRow) -> Result<i64> {
        self.require_keep_member(member).await?;
        self.store().record_badge(&self.access.write_context(), member, badge).await
    }

    pub async fn awarded(&self, unit: UnitId, from: NaiveDate, to: NaiveDate) -> Result<Vec<AwardLine>> {
        self.require_read_unit(unit).await?;
        let lines = self.store().badges_awarded(unit, from, to).await?;
        self.access.record("read.badge", "unit", unit, json!({ "from": from, "to": to, "awarded": lines.len() })).await?;
        Ok(lines)
    }

    /// What waits on the unit's member routines (the worklist; `None` above the bound).
    pub async fn due(&self, unit: UnitId) -> Result<Option<crate::member_work::RoutinesDue>> {
        self.require_read_unit(unit).await?;
        self.store().routines_due(unit, self.access.today()).await
    }

    /// The yearly report of member work (7-BTCTW) of `unit` over `[from, to]`.
    pub async fn work_report(&self, unit: UnitId, from: NaiveDate, to: NaiveDate) -> Result<MemberWorkReport> {
        self.require_read_unit(unit).await?;
        let r = self.store().member_work_report(unit, from, to, self.access.today()).await?;
        self.access.record("read.member_work", "unit", unit, json!({ "from": from, "to": to })).await?;
        Ok(r)
    }

    /// The people behind a line of the report (names: audited with the members shown).
    pub async fn work_people(&self, unit: UnitId, members: &[MemberId], on: NaiveDate) -> Result<Vec<WorkPerson>> {
        self.require_read_unit(unit).await?;
        let people = self.store().work_people(members, on).await?;
        let ids: Vec<i64> = members.iter().map(|m| m.0).collect();
        self.access.record("read.member_work", "unit", unit, json!({ "members": ids })).await?;
        Ok(people)
    }
}
