//! The [`CommitteeDesk`] handle: the seats of units' committees within the caller's scope.
//! Reading needs the read scope on the unit on the day read (audited: a committee names members); seating and
//! ending a seat need `write` (the organization board) on it, and the member seated must be one
//! the caller reads.

use super::*;
use crate::committees::{CommitteeView, SeatView};
use domain::committees::SeatInput;

impl Access {
    pub fn committees(&self) -> Result<CommitteeDesk<'_>> {
        let write = self.principal.scope(Capability::WriteRegister);
        Ok(CommitteeDesk {
            access: self,
            read: self.filter(Capability::ReadRegister)?,
            write: (!write.is_empty()).then_some(ScopeFilter { scope: write, today: self.today() }),
        })
    }
}

/// Committees within the caller's scopes (see [`Access::committees`]).
pub struct CommitteeDesk<'a> {
    access: &'a Access,
    read: ScopeFilter,
    write: Option<ScopeFilter>,
}

impl CommitteeDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    /// Whether the caller may change this unit's committee (for showing or hiding actions).
    pub async fn may_change(&self, unit: UnitId) -> bool {
        match &self.write {
            Some(s) => self.store().in_scope(s, ScopeTarget::Unit(unit)).await.unwrap_or(false),
            None => false,
        }
    }

    /// The caller may change the unit's committee (403 when only readable, 404 outside).
    pub async fn require_change(&self, unit: UnitId) -> Result<()> {
        match &self.write {
            Some(s) => require_write(self.store(), s, &self.read, ScopeTarget::Unit(unit)).await,
            None => require(self.store(), &self.read, ScopeTarget::Unit(unit)).await.and(Err(StoreError::Forbidden)),
        }
    }

    /// A unit's committee as of a day (audited with the members it names): for whoever reads the
    /// unit on that day, by historical reach too (a predecessor of a unit in scope).
    pub async fn committee(&self, unit: UnitId, on: NaiveDate) -> Result<CommitteeView> {
        require(self.store(), &self.read, ScopeTarget::UnitOn(unit, on)).await?;
        let mut view = self.store().committee(unit, on).await?;
        // Read by historical reach only: what the committee was up to that day, nothing after.
        if !self.store().in_scope(&self.read, ScopeTarget::Unit(unit)).await? {
            view.others.retain(|s| s.from <= on);
            for s in view.seated.iter_mut().chain(view.others.iter_mut()) {
                if s.until.is_some_and(|u| u > on) {
                    s.until = None;
                    s.end_basis = None;
                }
            }
        }
        let mut members: Vec<i64> = view.seated.iter().chain(&view.others).map(|s| s.member.0).collect();
        members.sort_unstable();
        members.dedup();
        if !members.is_empty() {
            self.access.record("read.committee", "unit", unit.0, json!({ "on": on, "members": members })).await?;
        }
        Ok(view)
    }

    /// Seats a member on the unit's committee. The member named is checked against the caller's
    /// read scope first: outside it, the same refusal whether or not such a member exists.
    pub async fn add(&self, unit: UnitId, input: SeatInput) -> Result<i64> {
        self.require_change(unit).await?;
        if !self.store().in_scope(&self.read, ScopeTarget::Member(input.member)).await? {
            return Err(StoreError::invalid("member", "out_of_scope", "Đảng viên này nằm ngoài phạm vi bạn được giao."));
        }
        self.store().add_seat(&self.access.write_context(), unit, input).await
    }

    /// Ends a seat (404 when its unit is outside the read scope, 403 when only readable).
    pub async fn end(&self, seat: i64, version: i64, until: NaiveDate, basis: String) -> Result<()> {
        let unit = self.store().seat_unit(seat).await?;
        self.require_change(unit).await?;
        self.store().end_seat(&self.access.write_context(), seat, version, until, basis).await
    }

    /// Removes a seat entered by mistake (404 when its unit is outside the read scope, 403 when
    /// only readable).
    pub async fn remove(&self, seat: i64, version: i64, reason: String) -> Result<()> {
        let unit = self.store().seat_unit(seat).await?;
        self.require_change(unit).await?;
        self.store().remove_seat(&self.access.write_context(), seat, version, reason).await
    }

    /// The unit a seat is on, once the caller may read it (404 otherwise).
    pub async fn seat_unit(&self, seat: i64) -> Result<UnitId> {
        let unit = self.store().seat_unit(seat).await?;
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        Ok(unit)
    }

    /// The seats a readable member holds or held, on committees the caller reads.
    pub async fn member_seats(&self, member: MemberId) -> Result<Vec<SeatView>> {
        require(self.store(), &self.read, ScopeTarget::Member(member)).await?;
        let mut out = Vec::new();
        for s in self.store().member_seats(member).await? {
            if self.store().in_scope(&self.read, ScopeTarget::Unit(s.unit)).await? {
                out.push(s);
            }
        }
        Ok(out)
    }
}
