//! What a scope reaches (docs/design/access.md, "Scope: what a grant covers"): the granted units
//! that count today, the units within their subtrees (each judged on its own day), and the member
//! records that belong to those units or are bound for them. Pure: the caller supplies the tree
//! (the in-memory index does, over positions in its unit table) and each member's spans.

use chrono::NaiveDate;

use super::Scope;
use crate::history::Status;
use crate::ids::MemberId;
use crate::unit::UnitVersion;

/// The organization tree as the reach rules read it. `Unit` is however the caller names a unit:
/// its id, or its position in a table.
pub trait Tree {
    type Unit: Copy + PartialEq;
    /// The unit's versions (none for a unit the tree does not know).
    fn versions(&self, unit: Self::Unit) -> &[UnitVersion];
    /// The unit's parent on `on`, when it has a version then and that version a parent.
    fn parent_on(&self, unit: Self::Unit, on: NaiveDate) -> Option<Self::Unit>;
}

/// Ancestors followed at most, so that a cycle in bad data cannot loop.
const MAX_DEPTH: usize = 64;

/// The granted units that count on `today`: those that exist that day. A grant on a unit that has
/// ended covers nothing, and never follows it into its successors.
pub fn counting_roots<T: Tree>(tree: &T, granted: impl IntoIterator<Item = T::Unit>, today: NaiveDate) -> Vec<T::Unit> {
    granted.into_iter().filter(|&u| tree.versions(u).iter().any(|v| v.covers(today))).collect()
}

/// The day a unit is judged on by a scope evaluated on `today`: today when it exists then; a unit
/// that has ended, on its last day (the day before its latest end); a unit that starts later, on
/// its first day.
pub fn judged_on(versions: &[UnitVersion], today: NaiveDate) -> NaiveDate {
    if versions.iter().any(|v| v.covers(today)) {
        return today;
    }
    match versions.iter().filter(|v| v.valid_from <= today).filter_map(|v| v.valid_to).max() {
        Some(end) => end.pred_opt().unwrap_or(end),
        None => versions.first().map_or(today, |v| v.valid_from),
    }
}

/// The subtree rule: whether `unit` lies under one of `roots` (see [`counting_roots`]) as the tree
/// stood on the day it is judged on ([`judged_on`]). So a chi bộ dissolved inside a commune stays
/// with that commune's staff; a unit moved away leaves its old ancestors' scope.
pub fn unit_within<T: Tree>(tree: &T, unit: T::Unit, roots: &[T::Unit], today: NaiveDate) -> bool {
    let day = judged_on(tree.versions(unit), today);
    let mut current = unit;
    for _ in 0..MAX_DEPTH {
        if roots.contains(&current) {
            return true;
        }
        let Some(parent) = tree.parent_on(current, day) else { return false };
        current = parent;
    }
    false
}

/// A member's home, where their record belongs for access control: the unit of their latest span
/// that names a unit of the register (the span with the latest start). `spans` are `(from, unit)`.
pub fn home<U: Copy>(spans: impl IntoIterator<Item = (NaiveDate, Option<U>)>) -> Option<U> {
    spans.into_iter().filter_map(|(from, unit)| unit.map(|u| (from, u))).max_by_key(|(from, _)| *from).map(|(_, u)| u)
}

/// Whether a transfer out waits for the receiving side: the latest span, given as `(status, to)`,
/// is an open "transferred out".
pub fn in_transit(latest: Option<(Status, Option<NaiveDate>)>) -> bool {
    latest.is_some_and(|(status, to)| status == Status::TransferredOut && to.is_none())
}

/// How a scope reaches a member's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberReach {
    /// The record belongs to a unit in scope (the member's [`home`]).
    pub home: bool,
    /// The member is in transit to a unit in scope (the receiving side).
    pub arriving: bool,
    /// A transfer out waits for the receiving side (inside or outside the register).
    pub in_transit: bool,
}

impl MemberReach {
    /// Whether `member`'s record is within `scope`: its home is in scope, it is bound for a unit
    /// in scope, or it is the scope's own member.
    pub fn in_scope(self, scope: &Scope, member: MemberId) -> bool {
        scope.own_member == Some(member) || self.home || self.arriving
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::access::test_tree::{Units, reorganized, start, today};
    use crate::ids::UnitId;
    use crate::testing::d;
    use crate::unit::UnitKind::*;

    /// Province 1; communes 2 and 3 (2 merged into 4 on 01/07/2025); cells 20 (under 2, handed to
    /// 4 by the merger), 21 (under 2, dissolved on 01/03/2024), 22 (under 2, moved under 3 on
    /// 01/07/2025), 30 (under 3), 31 (under 3, founded on 01/01/2027).
    fn tree() -> Units {
        Units::default()
            .add(1, Province, None, start(), None)
            .add(2, Commune, Some(1), start(), Some(reorganized()))
            .add(3, Commune, Some(1), start(), None)
            .add(4, Commune, Some(1), reorganized(), None)
            .add(20, GrassrootsCell, Some(2), start(), Some(reorganized()))
            .add(20, GrassrootsCell, Some(4), reorganized(), None)
            .add(21, GrassrootsCell, Some(2), start(), Some(d(2024, 3, 1)))
            .add(22, GrassrootsCell, Some(2), start(), Some(reorganized()))
            .add(22, GrassrootsCell, Some(3), reorganized(), None)
            .add(30, GrassrootsCell, Some(3), start(), None)
            .add(31, GrassrootsCell, Some(3), d(2027, 1, 1), None)
    }

    fn reached(granted: &[i64]) -> Vec<i64> {
        let t = tree();
        let roots = counting_roots(&t, granted.iter().map(|u| UnitId(*u)), today());
        let mut all: Vec<i64> = t.ids.iter().filter(|u| unit_within(&t, **u, &roots, today())).map(|u| u.0).collect();
        all.sort();
        all
    }

    #[test]
    fn a_grant_covers_its_subtree_as_of_today() {
        assert_eq!(reached(&[1]), vec![1, 2, 3, 4, 20, 21, 22, 30, 31]);
        // The moved cell counts under its new commune, with the one founded later.
        assert_eq!(reached(&[3]), vec![3, 22, 30, 31]);
        assert_eq!(reached(&[4]), vec![4, 20]);
        assert_eq!(reached(&[30]), vec![30]);
        assert_eq!(reached(&[3, 4]), vec![3, 4, 20, 22, 30, 31]);
    }

    #[test]
    fn a_grant_on_an_ended_unit_covers_nothing_not_even_its_successor() {
        let t = tree();
        assert_eq!(counting_roots(&t, [UnitId(2), UnitId(3), UnitId(99)], today()), vec![UnitId(3)]);
        assert!(reached(&[2]).is_empty());
        // Before the merger the same grant counted.
        assert_eq!(counting_roots(&t, [UnitId(2)], d(2025, 6, 30)), vec![UnitId(2)]);
    }

    #[test]
    fn units_that_ended_or_start_later_are_judged_on_their_own_day() {
        let t = tree();
        assert_eq!(judged_on(t.versions(UnitId(30)), today()), today());
        // Dissolved on 01/03/2024: judged on its last day, inside commune 2 …
        assert_eq!(judged_on(t.versions(UnitId(21)), today()), d(2024, 2, 29));
        // … so it stays with the committee that kept it, not with commune 2's successor.
        assert!(unit_within(&t, UnitId(21), &[UnitId(1)], today()));
        assert!(!unit_within(&t, UnitId(21), &[UnitId(4)], today()));
        // Founded later: judged on its first day.
        assert_eq!(judged_on(t.versions(UnitId(31)), today()), d(2027, 1, 1));
        assert!(unit_within(&t, UnitId(31), &[UnitId(3)], today()));
        // A unit the tree does not know is judged today, and lies under nothing.
        assert_eq!(judged_on(&[], today()), today());
        assert!(!unit_within(&t, UnitId(99), &[UnitId(1)], today()));
    }

    #[test]
    fn a_cycle_in_the_data_does_not_loop() {
        let t = Units::default().add(1, Cell, Some(2), start(), None).add(2, Cell, Some(1), start(), None);
        assert!(!unit_within(&t, UnitId(1), &[UnitId(3)], today()));
        assert!(unit_within(&t, UnitId(1), &[UnitId(2)], today()));
    }

    #[test]
    fn a_member_belongs_to_the_unit_of_the_latest_span_that_names_one() {
        assert_eq!(home::<u32>([]), None);
        assert_eq!(home([(d(2010, 1, 1), Some(20)), (d(2015, 1, 1), Some(30))]), Some(30));
        // Transferred outside the register or gone: the last unit that held them.
        assert_eq!(home([(d(2010, 1, 1), Some(20)), (d(2015, 1, 1), None)]), Some(20));
        assert_eq!(home([(d(2010, 1, 1), None::<u32>)]), None);
    }

    #[test]
    fn in_transit_while_the_latest_span_is_an_open_transfer_out() {
        assert!(in_transit(Some((Status::TransferredOut, None))));
        assert!(!in_transit(Some((Status::TransferredOut, Some(d(2024, 1, 1))))));
        assert!(!in_transit(Some((Status::Official, None))));
        assert!(!in_transit(None));
    }

    #[test]
    fn a_record_is_in_scope_by_its_home_its_destination_or_as_the_own_member() {
        let units = Scope { everything: false, units: vec![UnitId(3)], own_member: None };
        let own = Scope { everything: false, units: vec![], own_member: Some(MemberId(7)) };
        let reach = |home, arriving| MemberReach { home, arriving, in_transit: arriving };
        assert!(reach(true, false).in_scope(&units, MemberId(7)));
        assert!(reach(false, true).in_scope(&units, MemberId(7)));
        assert!(!reach(false, false).in_scope(&units, MemberId(7)));
        assert!(reach(false, false).in_scope(&own, MemberId(7)));
        assert!(!reach(false, false).in_scope(&own, MemberId(8)));
    }
}
