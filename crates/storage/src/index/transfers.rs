//! What the transfers of party activity read from the tree (`domain::transfers::Tree`): whether a
//! unit stands, whether one is under another, what a merged unit became, the grassroots
//! organization a unit belongs to, a member's chi bộ on a day.

use chrono::NaiveDate;

use domain::ids::{MemberId, UnitId};
use domain::unit::UnitKind;

use super::Index;

impl domain::transfers::Tree for Index {
    fn stands(&self, unit: UnitId, on: NaiveDate) -> bool {
        self.unit_version_on(unit, on).is_some()
    }

    fn is_within(&self, unit: UnitId, ancestor: UnitId, on: NaiveDate) -> bool {
        let (Some(&u), Some(&a)) = (self.units.pos.get(&unit), self.units.pos.get(&ancestor)) else { return false };
        self.units.ancestors_on(u, on).any(|x| x == a)
    }

    fn heir(&self, unit: UnitId) -> Option<UnitId> {
        let &u = self.units.pos.get(&unit)?;
        self.units.successors_of(u).first().and_then(|&s| self.units.id(s))
    }
}

impl Index {
    /// The grassroots organization `unit` belongs to on a day: the nearest đảng bộ cơ sở or chi
    /// bộ cơ sở above or at it, or, for a chi bộ a commune leads directly, the commune.
    pub fn grassroots_of(&self, unit: UnitId, on: NaiveDate) -> Option<UnitId> {
        let &u = self.units.pos.get(&unit)?;
        self.units
            .ancestors_on(u, on)
            .find(|&a| {
                self.units.version_on(a, on).is_some_and(|v| {
                    matches!(v.kind, UnitKind::GrassrootsCommittee | UnitKind::GrassrootsCell | UnitKind::Commune | UnitKind::District)
                })
            })
            .and_then(|a| self.units.id(a))
    }

    /// The chi bộ a member's record places them in on a day (`None`: not active in the register
    /// that day).
    pub fn member_unit_on(&self, member: MemberId, on: NaiveDate) -> Option<UnitId> {
        let span = self.member(member)?.span_on(on)?;
        if !span.span.status.is_active() {
            return None;
        }
        span.at.and_then(|a| self.units.id(a))
    }
}
