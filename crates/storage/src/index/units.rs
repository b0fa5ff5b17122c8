//! The unit table of the index: every unit with its versions, by position, with the children
//! each ever had, the merge and split links both ways and the days the tree changed.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::ids::UnitId;
use domain::unit::UnitVersion;

use super::{Index, MAX_WALK, push_unique};

/// Units with their versions and, per unit, the children it ever had (with the interval).
#[derive(Default)]
pub struct UnitTable {
    pub(super) ids: Vec<UnitId>,
    pub(super) pos: HashMap<UnitId, u32>,
    pub(super) versions: Vec<Vec<UnitVersion>>,
    pub(super) children: Vec<Vec<(u32, NaiveDate, Option<NaiveDate>)>>,
    pub(super) roots: Vec<(u32, NaiveDate, Option<NaiveDate>)>,
    /// Successors of merges and splits (unit_links), by position.
    pub(super) successors: Vec<Vec<u32>>,
    /// The same links the other way: the units each unit was formed from.
    pub(super) predecessors: Vec<Vec<u32>>,
    /// Every day on which some version began or ended, sorted: the days the tree changed.
    pub(super) change_days: Vec<NaiveDate>,
}

impl UnitTable {
    /// Units in the table (each once, whatever its versions).
    pub fn unit_count(&self) -> usize {
        self.ids.len()
    }

    pub(super) fn build(all: Vec<UnitVersion>, links: Vec<(UnitId, UnitId)>) -> Self {
        let mut t = UnitTable::default();
        for v in &all {
            if !t.pos.contains_key(&v.unit_id) {
                t.pos.insert(v.unit_id, t.ids.len() as u32);
                t.ids.push(v.unit_id);
                t.versions.push(Vec::new());
                t.children.push(Vec::new());
                t.successors.push(Vec::new());
                t.predecessors.push(Vec::new());
            }
        }
        t.change_days = all.iter().flat_map(|v| std::iter::once(v.valid_from).chain(v.valid_to)).collect();
        t.change_days.sort_unstable();
        t.change_days.dedup();
        for (from, to) in links {
            if let (Some(&a), Some(&b)) = (t.pos.get(&from), t.pos.get(&to))
                && let Some(list) = t.successors.get_mut(a as usize)
            {
                push_unique(list, b);
                if let Some(back) = t.predecessors.get_mut(b as usize) {
                    push_unique(back, a);
                }
            }
        }
        for v in all {
            // Every version's unit was given a position above.
            let Some(&i) = t.pos.get(&v.unit_id) else { continue };
            let edge = (i, v.valid_from, v.valid_to);
            match v.parent_id.and_then(|p| t.pos.get(&p)).and_then(|&p| t.children.get_mut(p as usize)) {
                Some(list) => list.push(edge),
                None => t.roots.push(edge),
            }
            if let Some(list) = t.versions.get_mut(i as usize) {
                list.push(v);
            }
        }
        t
    }

    /// The unit at position `i`.
    pub(super) fn id(&self, i: u32) -> Option<UnitId> {
        self.ids.get(i as usize).copied()
    }

    /// Every child unit `i` ever had, with the interval it stood under `i`.
    pub(super) fn children_of(&self, i: u32) -> &[(u32, NaiveDate, Option<NaiveDate>)] {
        self.children.get(i as usize).map_or(&[], Vec::as_slice)
    }

    /// The units `i` became through merges and splits.
    pub(super) fn successors_of(&self, i: u32) -> &[u32] {
        self.successors.get(i as usize).map_or(&[], Vec::as_slice)
    }

    /// `i` and its ancestors as the tree stood on `on`, nearest first; the walk stops at a unit
    /// with no version that day (or after [`MAX_WALK`] units).
    pub(super) fn ancestors_on(&self, i: u32, on: NaiveDate) -> impl Iterator<Item = u32> + '_ {
        std::iter::successors(Some(i), move |&u| self.version_on(u, on)?.parent_id.and_then(|p| self.pos.get(&p).copied())).take(MAX_WALK)
    }

    /// The unit standing on `today` that `i` became: itself, or (following merges and splits,
    /// the first successor of a split) its successor's. `None`: dissolved with no successor.
    pub(super) fn successor_on(&self, i: u32, today: NaiveDate) -> Option<u32> {
        std::iter::successors(Some(i), |&u| self.successors_of(u).first().copied())
            .take(MAX_WALK)
            .find(|&u| self.version_on(u, today).is_some())
    }

    pub(super) fn version_on(&self, i: u32, on: NaiveDate) -> Option<&UnitVersion> {
        self.versions.get(i as usize)?.iter().find(|v| v.covers(on))
    }

    pub(super) fn latest(&self, i: u32) -> Option<&UnitVersion> {
        self.versions.get(i as usize)?.last()
    }

    /// A mark per unit: in the subtree of `root` on `on`.
    pub(super) fn subtree(&self, root: UnitId, on: NaiveDate) -> Vec<bool> {
        let mut marks = vec![false; self.ids.len()];
        let Some(&r) = self.pos.get(&root) else { return marks };
        if self.version_on(r, on).is_none() {
            return marks;
        }
        let mut stack = vec![r];
        while let Some(u) = stack.pop() {
            let Some(mark) = marks.get_mut(u as usize) else { continue };
            if std::mem::replace(mark, true) {
                continue;
            }
            stack.extend(self.children_of(u).iter().filter(|(_, from, to)| *from <= on && to.is_none_or(|t| on < t)).map(|(c, _, _)| *c));
        }
        marks
    }

    pub(super) fn children_on(&self, parent: Option<UnitId>, on: NaiveDate) -> Vec<u32> {
        let list = match parent {
            None => &self.roots,
            Some(p) => match self.pos.get(&p) {
                Some(&i) => self.children_of(i),
                None => return Vec::new(),
            },
        };
        let mut out: Vec<u32> = list.iter().filter(|(_, f, t)| *f <= on && t.is_none_or(|t| on < t)).map(|(c, _, _)| *c).collect();
        out.sort();
        out.dedup();
        out
    }
}

/// The tree as the reach rules of `domain::access` read it, by position.
impl domain::access::Tree for UnitTable {
    type Unit = u32;

    fn versions(&self, unit: u32) -> &[UnitVersion] {
        self.versions.get(unit as usize).map_or(&[], Vec::as_slice)
    }

    fn parent_on(&self, unit: u32, on: NaiveDate) -> Option<u32> {
        self.version_on(unit, on)?.parent_id.and_then(|p| self.pos.get(&p).copied())
    }
}

/// A unit under another, with how many levels below it stands (`Index::descendants`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Descendant {
    pub unit: UnitId,
    pub kind: domain::unit::UnitKind,
    pub depth: u32,
}

impl Index {
    /// The units under `root` on `on` (not `root` itself), each with how many levels below it
    /// it stands (1: directly under), in the order of a walk down the tree.
    pub fn descendants(&self, root: UnitId, on: NaiveDate) -> Vec<Descendant> {
        let mut out = Vec::new();
        let mut level = vec![root];
        let mut depth = 0;
        while !level.is_empty() && depth < MAX_WALK {
            depth += 1;
            let mut next = Vec::new();
            for parent in level {
                for c in self.units.children_on(Some(parent), on) {
                    if let Some(v) = self.units.version_on(c, on) {
                        out.push(Descendant { unit: v.unit_id, kind: v.kind, depth: depth as u32 });
                        next.push(v.unit_id);
                    }
                }
            }
            level = next;
        }
        out
    }
}
