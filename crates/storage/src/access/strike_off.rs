//! The [`StrikeOffDesk`] handle: proposals to strike a member's name off (docs/design/strike-off.md).
//! Reading a unit's list needs the read scope on it (audited: it names members); the chi bộ's
//! resolution needs `meetings` (the chi bộ secretary) or `write` on the member's chi bộ; the
//! committee's decision `decide` (the committee) or `write` on the member — both checked before
//! the body is read.

use super::*;
use crate::strike_off::{StrikeOffList, StrikeOffProposalView};
use domain::strike_off::{Decision, ProposalInput};

impl Access {
    pub fn strike_off(&self) -> Result<StrikeOffDesk<'_>> {
        let filter = |scope: domain::access::Scope| (!scope.is_empty()).then_some(ScopeFilter { scope, today: self.today() });
        let write = self.principal.scope(Capability::WriteRegister);
        Ok(StrikeOffDesk {
            access: self,
            read: self.filter(Capability::ReadRegister)?,
            propose: filter(self.principal.scope(Capability::RecordMeetings).union(&write)),
            decide: filter(self.principal.scope(Capability::Decide).union(&write)),
        })
    }
}

/// Strike-off proposals within the caller's scopes (see [`Access::strike_off`]).
pub struct StrikeOffDesk<'a> {
    access: &'a Access,
    read: ScopeFilter,
    propose: Option<ScopeFilter>,
    decide: Option<ScopeFilter>,
}

impl StrikeOffDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    async fn holds(&self, scope: &Option<ScopeFilter>, member: MemberId) -> bool {
        match scope {
            Some(s) => self.store().member_reach(s, member).await.is_ok_and(|r| r.home),
            None => false,
        }
    }

    /// Whether the caller records the chi bộ's resolution on this member.
    pub async fn may_propose(&self, member: MemberId) -> bool {
        self.holds(&self.propose, member).await
    }

    /// Whether the caller records the committee's decision on this member.
    pub async fn may_decide(&self, member: MemberId) -> bool {
        self.holds(&self.decide, member).await
    }

    /// The caller records the chi bộ's resolution on this member (403 when only readable, 404
    /// outside): asked before a request's body is read.
    pub async fn require_propose(&self, member: MemberId) -> Result<()> {
        require(self.store(), &self.read, ScopeTarget::Member(member)).await?;
        if self.may_propose(member).await { Ok(()) } else { Err(StoreError::Forbidden) }
    }

    /// The caller records chi bộ resolutions for `unit` (403 when only readable, 404 outside):
    /// the page's form is checked with it before its body is read.
    pub async fn require_propose_under(&self, unit: UnitId) -> Result<()> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        match &self.propose {
            Some(p) if self.store().in_scope(p, ScopeTarget::Unit(unit)).await? => Ok(()),
            _ => Err(StoreError::Forbidden),
        }
    }

    /// The proposal, when the caller reads its member (404 otherwise), and whether the caller
    /// decides on it (403 when not, with `require`).
    pub async fn require_decide(&self, id: i64) -> Result<StrikeOffProposalView> {
        let p = self.store().strike_off_proposal(id).await?;
        require(self.store(), &self.read, ScopeTarget::Member(p.member)).await?;
        if self.may_decide(p.member).await { Ok(p) } else { Err(StoreError::Forbidden) }
    }

    /// The members the data shows under a unit and its proposals (audited with the members).
    pub async fn list(&self, unit: UnitId) -> Result<StrikeOffList> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        let mut list = self.store().strike_off_list(unit, self.access.today()).await?;
        // Members whose record is outside the read scope (a member moved away) are left out.
        let mut keep = Vec::new();
        for f in list.flags {
            if self.store().in_scope(&self.read, ScopeTarget::Member(f.member)).await? {
                keep.push(f);
            }
        }
        list.flags = keep;
        let mut members: Vec<i64> =
            list.flags.iter().map(|f| f.member.0).chain(list.pending.iter().chain(&list.decided).map(|p| p.member.0)).collect();
        members.sort_unstable();
        members.dedup();
        if !members.is_empty() {
            self.access.record("read.strike_off", "unit", unit.0, json!({ "members": members })).await?;
        }
        Ok(list)
    }

    pub async fn propose(&self, member: MemberId, input: ProposalInput) -> Result<i64> {
        self.require_propose(member).await?;
        self.store().propose_strike_off(&self.access.write_context(), member, input).await
    }

    pub async fn decide(&self, id: i64, version: i64, decision: Decision) -> Result<()> {
        self.require_decide(id).await?;
        self.store().decide_strike_off(&self.access.write_context(), id, version, decision).await
    }
}
