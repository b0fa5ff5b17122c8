//! The [`ResidenceDesk`] handle: working members' ties to their residence (Quy định 213-QĐ/TW).
//! Whoever reads a member or unit reads its ties and report (audited as `read.residence`); the
//! workplace side — `write` or `meetings` on the member — records the tie and the contacts; the
//! residence side — `write` or `meetings` on the residence chi bộ the tie names, or on the member
//! — records the yearly comment. Every member and unit named, in the path or the body, is
//! checked here before anything is read; outside the scope the answer is "not found".

use super::*;
use crate::residence::{MemberResidence, ResidenceReport};
use domain::residence::{Comment, ContactKind, ResidenceDue, Tie};

impl Access {
    pub fn residence(&self) -> Result<ResidenceDesk<'_>> {
        let read = self.filter(Capability::ReadRegister)?;
        let keep = self.principal.scope(Capability::WriteRegister).union(&self.principal.scope(Capability::RecordMeetings));
        Ok(ResidenceDesk { access: self, read, keep: ScopeFilter { scope: keep, today: self.today() } })
    }
}

/// Residence ties within the caller's scope (see [`Access::residence`]).
pub struct ResidenceDesk<'a> {
    access: &'a Access,
    read: ScopeFilter,
    keep: ScopeFilter,
}

impl ResidenceDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    /// Whether the caller records ties anywhere (else a post is refused outright).
    pub fn keeps(&self) -> bool {
        !self.keep.scope.is_empty()
    }

    /// Whether the caller records the member's tie and contacts.
    pub async fn may_keep_member(&self, member: MemberId) -> bool {
        self.keeps() && require(self.store(), &self.keep, ScopeTarget::Member(member)).await.is_ok()
    }

    /// Refuses a caller who records no comments (forbidden) or none from `unit` (not found).
    pub async fn comment_from(&self, unit: UnitId) -> Result<()> {
        if !self.keeps() {
            return Err(StoreError::Forbidden);
        }
        require(self.store(), &self.keep, ScopeTarget::Unit(unit)).await
    }

    /// Whether the caller records comments for members living under `unit`.
    pub async fn may_comment_in(&self, unit: UnitId) -> bool {
        self.keeps() && require(self.store(), &self.keep, ScopeTarget::Unit(unit)).await.is_ok()
    }

    /// A member's residence for a year.
    pub async fn member(&self, member: MemberId, year: i32) -> Result<MemberResidence> {
        require(self.store(), &self.read, ScopeTarget::Member(member)).await?;
        let r = self.store().member_residence(member, year, self.access.today()).await?;
        self.access.record("read.residence", "member", member, json!({ "year": year })).await?;
        Ok(r)
    }

    /// What a unit's working members still owe this year (counts only: the worklist); `None`
    /// for lists too large to count member by member.
    pub async fn due(&self, unit: UnitId) -> Result<Option<ResidenceDue>> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        let today = self.access.today();
        self.store().residence_due(unit, chrono::Datelike::year(&today), today).await
    }

    /// A unit's report: its working members and those living in its area.
    pub async fn report(&self, unit: UnitId, year: i32) -> Result<ResidenceReport> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        let r = self.store().residence_report(unit, year, self.access.today()).await?;
        let details = json!({ "year": year, "working": r.working.len(), "living_here": r.living_here.len() });
        self.access.record("read.residence", "unit", unit, details).await?;
        Ok(r)
    }

    /// Refuses a caller who records no ties (forbidden) or not this member's (not found): the
    /// one check before a body is read.
    pub async fn keep_member(&self, member: MemberId) -> Result<()> {
        if !self.keeps() {
            return Err(StoreError::Forbidden);
        }
        require(self.store(), &self.keep, ScopeTarget::Member(member)).await
    }

    /// Records or replaces the member's tie; the residence chi bộ named may lie anywhere in the
    /// tree (members live where they live), but must be a chi bộ of the register.
    pub async fn set_tie(&self, member: MemberId, tie: Tie, version: Option<i64>) -> Result<()> {
        self.keep_member(member).await?;
        self.store().set_residence_tie(&self.access.write_context(), member, tie, version).await
    }

    /// Records a contact with the residence.
    pub async fn add_contact(&self, member: MemberId, on: NaiveDate, kind: ContactKind, note: &str) -> Result<i64> {
        self.keep_member(member).await?;
        self.store().add_residence_contact(&self.access.write_context(), member, on, kind, note).await
    }

    /// Records the residence's comment on a member: by the member's keepers, or by the residence
    /// side from `unit` (the member's tie must name a chi bộ under it, else "not found").
    pub async fn add_comment(&self, from: Option<UnitId>, member: MemberId, comment: Comment) -> Result<i64> {
        if !self.keeps() {
            return Err(StoreError::Forbidden);
        }
        match from {
            None => self.keep_member(member).await?,
            Some(unit) => {
                require(self.store(), &self.keep, ScopeTarget::Unit(unit)).await?;
                if !self.store().lives_under(member, unit, self.access.today()).await? {
                    return Err(StoreError::NotFound);
                }
            }
        }
        self.store().add_residence_comment(&self.access.write_context(), member, comment).await
    }
}
