//! Historical reach (docs/design/access.md, "Historical reach"): the staff of a unit read the
//! history of the units that became theirs. A predecessor P of a unit in scope (through merges
//! and splits, and P's own predecessors in turn) is readable — with the units that stood under
//! it — as of any day before P ended, and never after. It is a reading rule only: writes and
//! member records keep the scope of [`super::reach`]. Pure, like the reach rules: the caller
//! supplies the tree and its predecessor links.

use chrono::NaiveDate;

use super::reach::Tree;

/// The tree with the links of merges and splits.
pub trait Lineage: Tree {
    /// The units that were merged or split into `unit` (its direct predecessors).
    fn predecessors(&self, unit: Self::Unit) -> &[Self::Unit];
}

/// Links followed at most, so that a cycle in bad data cannot loop.
const MAX_LINKS: usize = 4096;
/// Ancestors followed at most.
const MAX_DEPTH: usize = 64;

/// A unit whose history a scope reads: a predecessor of a unit in scope, and the day it ended
/// (the first day it no longer stood).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PastUnit<U> {
    pub unit: U,
    pub ended: NaiveDate,
}

/// The day a unit ended: the end of its latest version; `None` while it stands (or for a unit
/// the tree does not know).
fn ended<T: Tree>(tree: &T, unit: T::Unit) -> Option<NaiveDate> {
    let versions = tree.versions(unit);
    if versions.is_empty() || versions.iter().any(|v| v.valid_to.is_none()) {
        return None;
    }
    versions.iter().filter_map(|v| v.valid_to).max()
}

/// The predecessors of the units in scope (`reached`: the units of the subtree rule), followed
/// transitively, each with the day it ended. A linked unit that still stands is neither a
/// predecessor nor followed: a link never widens what today's scope covers.
pub fn predecessors_reached<T: Lineage>(tree: &T, reached: impl IntoIterator<Item = T::Unit>) -> Vec<PastUnit<T::Unit>> {
    let mut found: Vec<PastUnit<T::Unit>> = Vec::new();
    let mut queue: Vec<T::Unit> = reached.into_iter().flat_map(|u| tree.predecessors(u).iter().copied()).collect();
    let mut steps = 0;
    while let Some(unit) = queue.pop() {
        steps += 1;
        if steps > MAX_LINKS {
            break;
        }
        if found.iter().any(|p| p.unit == unit) {
            continue;
        }
        let Some(end) = ended(tree, unit) else { continue };
        found.push(PastUnit { unit, ended: end });
        queue.extend(tree.predecessors(unit).iter().copied());
    }
    found
}

/// Whether a scope whose predecessors are `past` reads `unit` as of `on`: the unit is one of
/// them and `on` is before it ended, or on `on` it stood within the subtree of one of them that
/// had not ended yet (a chi bộ of a merged commune, as it was then).
pub fn reads_past<T: Tree>(tree: &T, unit: T::Unit, on: NaiveDate, past: &[PastUnit<T::Unit>]) -> bool {
    let open = |u: T::Unit| past.iter().any(|p| p.unit == u && on < p.ended);
    if open(unit) {
        return true;
    }
    if !past.iter().any(|p| on < p.ended) || !tree.versions(unit).iter().any(|v| v.covers(on)) {
        return false;
    }
    let mut current = unit;
    for _ in 0..MAX_DEPTH {
        let Some(parent) = tree.parent_on(current, on) else { return false };
        if open(parent) {
            return true;
        }
        current = parent;
    }
    false
}

/// Where the tree of `on` starts for the granted units `roots` (those that count today): each
/// root that stood on `on`, and the units of its lineage (its predecessors, theirs, …) that stood
/// on `on` — so a commune formed on 01/07/2025 is shown, as of 30/06/2025, as the communes it was
/// formed from. In order of the roots, without repeats.
pub fn roots_on<T: Lineage>(tree: &T, roots: &[T::Unit], on: NaiveDate) -> Vec<T::Unit> {
    let stands = |u: T::Unit| tree.versions(u).iter().any(|v| v.covers(on));
    let mut out: Vec<T::Unit> = Vec::new();
    for &root in roots {
        let mut seen: Vec<T::Unit> = Vec::new();
        let mut queue = vec![root];
        while let Some(unit) = queue.pop() {
            if seen.contains(&unit) || seen.len() > MAX_LINKS {
                continue;
            }
            seen.push(unit);
            if stands(unit) && !out.contains(&unit) {
                out.push(unit);
            }
            // Only what ended can have become this unit (see `predecessors_reached`).
            queue.extend(tree.predecessors(unit).iter().copied().filter(|p| ended(tree, *p).is_some()).rev());
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::access::reach::{counting_roots, unit_within};
    use crate::access::test_tree::{Units, reorganized, start, today};
    use crate::ids::UnitId;
    use crate::testing::d;
    use crate::unit::UnitKind::*;

    fn before() -> NaiveDate {
        d(2025, 6, 30)
    }

    /// Province 1. Communes 2 and 3 merged into the new commune 4 on 01/07/2025; commune 5
    /// split on the same day into 4 (part) and 6; commune 7 untouched. Cells: 20 (under 2, to 4),
    /// 22 (under 2, to 7 — the member lists of 2 include its members), 30 (under 3, to 4),
    /// 50 (under 5, to 6), 70 (under 7). Commune 8 was merged into 3 on 01/01/2020 (a chain
    /// of two merges), its cell 80 dissolved with it.
    fn tree() -> Units {
        let (s, m) = (start(), reorganized());
        let old = d(2020, 1, 1);
        Units::default()
            .add(1, Province, None, s, None)
            .add(2, Commune, Some(1), s, Some(m))
            .add(3, Commune, Some(1), s, Some(m))
            .add(4, Commune, Some(1), m, None)
            .add(5, Commune, Some(1), s, Some(m))
            .add(6, Commune, Some(1), m, None)
            .add(7, Commune, Some(1), s, None)
            .add(8, Commune, Some(1), s, Some(old))
            .add(20, GrassrootsCell, Some(2), s, Some(m))
            .add(20, GrassrootsCell, Some(4), m, None)
            .add(22, GrassrootsCell, Some(2), s, Some(m))
            .add(22, GrassrootsCell, Some(7), m, None)
            .add(30, GrassrootsCell, Some(3), s, Some(m))
            .add(30, GrassrootsCell, Some(4), m, None)
            .add(50, GrassrootsCell, Some(5), s, Some(m))
            .add(50, GrassrootsCell, Some(6), m, None)
            .add(70, GrassrootsCell, Some(7), s, None)
            .add(80, GrassrootsCell, Some(8), s, Some(old))
            .link(2, 4)
            .link(3, 4)
            .link(5, 4)
            .link(5, 6)
            .link(8, 3)
    }

    /// The predecessors a grant reaches, as (unit, end), sorted.
    fn past_of(t: &Units, granted: &[i64]) -> Vec<PastUnit<UnitId>> {
        let roots = counting_roots(t, granted.iter().map(|u| UnitId(*u)), today());
        let reached = t.ids.iter().copied().filter(|u| unit_within(t, *u, &roots, today()));
        let mut past = predecessors_reached(t, reached);
        past.sort_by_key(|p| p.unit);
        past
    }

    fn units(past: &[PastUnit<UnitId>]) -> Vec<i64> {
        past.iter().map(|p| p.unit.0).collect()
    }

    /// The units a grant reads as of `on` by historical reach.
    fn read_on(granted: &[i64], on: NaiveDate) -> Vec<i64> {
        let t = tree();
        let past = past_of(&t, granted);
        let mut all: Vec<i64> = t.ids.iter().filter(|u| reads_past(&t, **u, on, &past)).map(|u| u.0).collect();
        all.sort();
        all
    }

    #[test]
    fn a_merged_commune_reaches_its_predecessors_until_they_ended() {
        let t = tree();
        let past = past_of(&t, &[4]);
        // 2, 3 and 5 became 4; 8 became 3 (a chain of two merges).
        assert_eq!(units(&past), vec![2, 3, 5, 8]);
        assert_eq!(past.iter().find(|p| p.unit == UnitId(2)).unwrap().ended, reorganized());
        assert_eq!(past.iter().find(|p| p.unit == UnitId(8)).unwrap().ended, d(2020, 1, 1));
        // The day before the merger: the predecessors and every unit under them then, including
        // the cell that went on to another commune (22) and the split commune's cell (50).
        assert_eq!(read_on(&[4], before()), vec![2, 3, 5, 20, 22, 30, 50]);
    }

    #[test]
    fn dates_from_the_change_on_are_refused() {
        assert!(read_on(&[4], reorganized()).is_empty());
        assert!(read_on(&[4], today()).is_empty());
        let t = tree();
        let past = past_of(&t, &[4]);
        assert!(reads_past(&t, UnitId(2), before(), &past));
        assert!(!reads_past(&t, UnitId(2), reorganized(), &past));
        assert!(!reads_past(&t, UnitId(22), reorganized(), &past));
    }

    #[test]
    fn a_chain_of_two_merges_reaches_the_first_commune_until_its_own_end() {
        // In 2019 commune 8 and its cell stood; 3 did too.
        assert_eq!(read_on(&[4], d(2019, 12, 31)), vec![2, 3, 5, 8, 20, 22, 30, 50, 80]);
        // From 2020 on, 8 is gone: its history ends there.
        assert!(!read_on(&[4], d(2020, 1, 1)).contains(&8));
        // A grant on 3 itself would count nothing today (3 has ended), so reaches nothing.
        assert!(past_of(&tree(), &[3]).is_empty());
    }

    #[test]
    fn a_split_reaches_the_split_commune_from_each_of_its_successors() {
        assert_eq!(units(&past_of(&tree(), &[6])), vec![5]);
        assert_eq!(read_on(&[6], before()), vec![5, 50]);
        // … but not the other predecessors of the sibling successor.
        assert!(!read_on(&[6], before()).contains(&2));
    }

    #[test]
    fn a_unit_outside_the_grant_and_its_history_are_not_reached() {
        // Commune 7 received cell 22 by a move, not by a merge or split: no predecessors.
        assert!(past_of(&tree(), &[7]).is_empty());
        assert!(read_on(&[7], before()).is_empty());
        assert!(read_on(&[70], before()).is_empty());
        // Commune 4's staff never read commune 7 nor its own cell 70.
        assert!(!read_on(&[4], before()).contains(&7));
        assert!(!read_on(&[4], before()).contains(&70));
        // A cell under 4 has no predecessors of its own: nothing more.
        assert!(past_of(&tree(), &[20]).is_empty());
    }

    #[test]
    fn the_province_reaches_every_predecessor_it_already_covers() {
        // Harmless: the province covers them by the subtree rule already.
        assert_eq!(units(&past_of(&tree(), &[1])), vec![2, 3, 5, 8]);
    }

    #[test]
    fn a_linked_unit_that_still_stands_is_not_a_predecessor() {
        // Bad data: a link from a unit that stands today must not widen the scope.
        let t = tree().link(7, 4);
        assert!(!units(&past_of(&t, &[4])).contains(&7));
    }

    #[test]
    fn a_cycle_of_links_does_not_loop() {
        let t = Units::default()
            .add(1, Commune, None, start(), Some(reorganized()))
            .add(2, Commune, None, start(), Some(reorganized()))
            .add(3, Commune, None, reorganized(), None)
            .link(1, 2)
            .link(2, 1)
            .link(1, 3);
        assert_eq!(
            units(&{
                let mut p = predecessors_reached(&t, [UnitId(3)]);
                p.sort_by_key(|p| p.unit);
                p
            }),
            vec![1, 2]
        );
        assert_eq!(roots_on(&t, &[UnitId(3)], before()), vec![UnitId(1), UnitId(2)]);
    }

    #[test]
    fn the_tree_before_a_merger_starts_from_the_predecessors() {
        let t = tree();
        assert_eq!(roots_on(&t, &[UnitId(4)], before()), vec![UnitId(2), UnitId(3), UnitId(5)]);
        assert_eq!(roots_on(&t, &[UnitId(4)], d(2019, 6, 1)), vec![UnitId(2), UnitId(3), UnitId(8), UnitId(5)]);
        assert_eq!(roots_on(&t, &[UnitId(4)], today()), vec![UnitId(4)]);
        // A unit that stood then is its own start; one with no lineage that day gives nothing.
        assert_eq!(roots_on(&t, &[UnitId(7)], before()), vec![UnitId(7)]);
        assert_eq!(roots_on(&t, &[UnitId(6), UnitId(4)], before()), vec![UnitId(5), UnitId(2), UnitId(3)]);
        assert!(roots_on(&t, &[UnitId(6)], d(1999, 1, 1)).is_empty());
    }

    #[test]
    fn a_merger_into_a_standing_unit_shows_both_before_it() {
        // Commune 7 absorbs commune 2 on 01/07/2025: before that, both stood.
        let t = Units::default().add(2, Commune, None, start(), Some(reorganized())).add(7, Commune, None, start(), None).link(2, 7);
        assert_eq!(roots_on(&t, &[UnitId(7)], before()), vec![UnitId(7), UnitId(2)]);
        assert_eq!(roots_on(&t, &[UnitId(7)], reorganized()), vec![UnitId(7)]);
        let past = predecessors_reached(&t, [UnitId(7)]);
        assert!(reads_past(&t, UnitId(2), before(), &past));
        assert!(!reads_past(&t, UnitId(2), reorganized(), &past));
    }
}
