//! What the transfers of party activity read from the register index: the tree as
//! `domain::transfers::Tree` (whether a unit stands, whether one is under another, what a merged
//! unit became), the grassroots organization a unit belongs to, a member's chi bộ on a day, and
//! temporary activity (where a member is away, the guests a unit hosts).

use chrono::NaiveDate;

use domain::ids::{MemberId, UnitId};

use crate::model::{MemberListItem, ScopeFilter};
use domain::unit::UnitKind;

use super::{Index, MemberEntry, marked};

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

impl Index {
    /// Where a member takes part temporarily on a day (rules.md §4): the host's name, or words
    /// for an organization outside the register.
    pub(super) fn temporary_host(&self, m: &MemberEntry, on: NaiveDate) -> Option<String> {
        let (host, _, _) = m.temporary.iter().find(|(_, from, to)| *from <= on && to.is_none_or(|t| on < t))?;
        Some(match host.and_then(|h| self.units.latest(h)) {
            Some(v) => v.name.clone(),
            None => "tổ chức đảng ngoài hệ thống".to_owned(),
        })
    }

    /// Members of other units in temporary activity within `root`'s subtree on `on`, in register
    /// order (the host's list); a record outside the scope is listed by name only.
    pub fn hosted(&self, f: &ScopeFilter, root: UnitId, on: NaiveDate) -> Vec<MemberListItem> {
        let Some(&r) = self.units.pos.get(&root) else { return Vec::new() };
        let under = self.units.subtree(root, on);
        let marks = self.scope_marks(f);
        self.in_order()
            .filter_map(|m| {
                let (host, _, _) = m.temporary.iter().find(|(_, from, to)| *from <= on && to.is_none_or(|t| on < t))?;
                let h = (*host)?;
                if h != r && !marked(&under, h) {
                    return None;
                }
                let span = m.span_on(on).filter(|s| s.span.status.is_active())?;
                // Someone of the unit's own list away in another of its chi bộ is not a guest.
                if span.at.is_some_and(|a| a == r || marked(&under, a)) {
                    return None;
                }
                let item = self.list_item(m, span.span.unit, span.span.status);
                Some(MemberListItem { readable: marked(&marks, m.home), temporarily_at: self.temporary_host(m, on), ..item })
            })
            .collect()
    }
}
