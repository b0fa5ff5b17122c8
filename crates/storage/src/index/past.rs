//! Historical reach answered from the index (docs/design/access.md, "Historical reach"): the
//! predecessors whose history a scope reads, cached per scope like the scope marks, and the
//! checks the `UnitOn` scope target and the tree of a past day make. The rules are
//! `domain::access::past`'s.

use std::sync::Arc;

use chrono::NaiveDate;

use domain::access::{Lineage, PastUnit};
use domain::ids::UnitId;

use super::{Index, SNAPSHOTS_KEPT, UnitTable, marked};
use crate::model::ScopeFilter;

/// The predecessors a scope reads, by unit position, each with its end.
pub(super) type PastUnits = Vec<PastUnit<u32>>;

impl Lineage for UnitTable {
    fn predecessors(&self, unit: u32) -> &[u32] {
        self.predecessors.get(unit as usize).map_or(&[], Vec::as_slice)
    }
}

impl Index {
    /// The predecessors (transitively) of the units within the scope, each with its end.
    fn past_units(&self, f: &ScopeFilter) -> Arc<PastUnits> {
        let mut cache = self.pasts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, past)) = cache.iter().find(|(k, _)| k == f) {
            return past.clone();
        }
        let marks = self.scope_marks(f);
        let reached = (0..self.units.ids.len() as u32).filter(|&i| marked(&marks, i));
        let past = Arc::new(domain::access::predecessors_reached(&self.units, reached));
        if cache.len() >= SNAPSHOTS_KEPT * 4 {
            cache.remove(0);
        }
        cache.push((f.clone(), past.clone()));
        past
    }

    /// A unit's first day and the day it ended (`None` while it stands).
    pub fn unit_span(&self, unit: UnitId) -> Option<(NaiveDate, Option<NaiveDate>)> {
        let versions = self.units.versions.get(*self.units.pos.get(&unit)? as usize)?;
        let from = versions.iter().map(|v| v.valid_from).min()?;
        let to = if versions.iter().any(|v| v.valid_to.is_none()) { None } else { versions.iter().filter_map(|v| v.valid_to).max() };
        Some((from, to))
    }

    /// For a unit the scope reads only by historical reach (a predecessor, or a unit under one,
    /// now ended): the day it ended.
    pub fn history_end(&self, f: &ScopeFilter, unit: UnitId) -> Option<NaiveDate> {
        let (_, Some(end)) = self.unit_span(unit)? else { return None };
        let last = end.pred_opt()?;
        self.reads_past(f, unit, last).then_some(end)
    }

    /// Whether the scope reads `unit` as of `on`: the unit is within it, or the scope reads it
    /// that day by historical reach.
    pub(super) fn reads_unit_on(&self, f: &ScopeFilter, unit: UnitId, on: NaiveDate) -> bool {
        let Some(&i) = self.units.pos.get(&unit) else { return false };
        marked(&self.scope_marks(f), i) || self.reads_past(f, unit, on)
    }

    /// Whether the scope reads `unit` as of `on` by historical reach alone (on its lists then,
    /// the members outside the scope today are shown too).
    pub fn reads_past(&self, f: &ScopeFilter, unit: UnitId, on: NaiveDate) -> bool {
        if f.scope.everything {
            return false;
        }
        let Some(&i) = self.units.pos.get(&unit) else { return false };
        let past = self.past_units(f);
        !past.is_empty() && domain::access::reads_past(&self.units, i, on, &past)
    }

    /// Where the tree of `on` starts for this scope: the granted units that count today, each
    /// replaced on a day before it stood by the predecessors that stood then.
    pub fn roots_on(&self, f: &ScopeFilter, on: NaiveDate) -> Vec<UnitId> {
        let granted = f.scope.units.iter().filter_map(|u| self.units.pos.get(u).copied());
        let roots = domain::access::counting_roots(&self.units, granted, f.today);
        domain::access::roots_on(&self.units, &roots, on).into_iter().filter_map(|u| self.units.id(u)).collect()
    }

    /// The units `unit` was formed from (through merges and splits, back to those that stood on
    /// `on`) that the scope reads as of `on`; not `unit` itself.
    pub fn predecessors_on(&self, f: &ScopeFilter, unit: UnitId, on: NaiveDate) -> Vec<UnitId> {
        let Some(&i) = self.units.pos.get(&unit) else { return Vec::new() };
        domain::access::roots_on(&self.units, &[i], on)
            .into_iter()
            .filter(|&u| u != i)
            .filter_map(|u| self.units.id(u))
            .filter(|&u| f.scope.everything || self.reads_unit_on(f, u, on))
            .collect()
    }
}

impl Index {
    /// The lineage of a unit for its congress terms (`domain::targets::terms`): each unit it was
    /// formed from, with the day that unit ended and whether this unit was its only successor,
    /// and the day this unit ended.
    pub fn unit_lineage(&self, unit: UnitId) -> domain::targets::UnitLineage {
        let Some(&i) = self.units.pos.get(&unit) else { return Default::default() };
        let predecessors = self
            .units
            .predecessors
            .get(i as usize)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter_map(|&p| {
                let id = self.units.id(p)?;
                let (_, Some(on)) = self.unit_span(id)? else { return None };
                Some(domain::targets::Predecessor { unit: id, on, sole_successor: self.units.successors_of(p) == [i] })
            })
            .collect();
        domain::targets::UnitLineage { predecessors, ended: self.unit_span(unit).and_then(|(_, end)| end) }
    }

    /// `unit` and the units above it, each as its latest version places it (`unit` first): the
    /// tree as it stands today for a standing unit, or as it stood when the unit ended.
    pub fn ancestors_latest(&self, unit: UnitId) -> Vec<UnitId> {
        std::iter::successors(Some(unit), |u| self.unit_latest(*u)?.parent_id).take(super::MAX_WALK).collect()
    }
}
