//! A tree by unit id, with the links of merges and splits, for the tests of the reach rules
//! (`reach`, `past`).

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{Lineage, Tree};
use crate::ids::UnitId;
use crate::testing::{d, unit_version};
use crate::unit::{UnitKind, UnitVersion};

#[derive(Default)]
pub(super) struct Units {
    versions: HashMap<UnitId, Vec<UnitVersion>>,
    predecessors: HashMap<UnitId, Vec<UnitId>>,
    /// Every unit, in the order first added.
    pub ids: Vec<UnitId>,
}

impl Units {
    pub fn add(mut self, id: i64, kind: UnitKind, parent: Option<i64>, from: NaiveDate, to: Option<NaiveDate>) -> Self {
        self.versions.entry(UnitId(id)).or_default().push(unit_version(id, kind, parent, from, to));
        if !self.ids.contains(&UnitId(id)) {
            self.ids.push(UnitId(id));
        }
        self
    }

    /// `from` became (wholly or partly) `to`.
    pub fn link(mut self, from: i64, to: i64) -> Self {
        self.predecessors.entry(UnitId(to)).or_default().push(UnitId(from));
        self
    }
}

impl Tree for Units {
    type Unit = UnitId;
    fn versions(&self, unit: UnitId) -> &[UnitVersion] {
        self.versions.get(&unit).map_or(&[], Vec::as_slice)
    }
    fn parent_on(&self, unit: UnitId, on: NaiveDate) -> Option<UnitId> {
        self.versions(unit).iter().find(|v| v.covers(on))?.parent_id
    }
}

impl Lineage for Units {
    fn predecessors(&self, unit: UnitId) -> &[UnitId] {
        self.predecessors.get(&unit).map_or(&[], Vec::as_slice)
    }
}

/// The tests' today.
pub fn today() -> NaiveDate {
    d(2026, 11, 25)
}

/// When the tests' units were founded.
pub fn start() -> NaiveDate {
    d(2000, 1, 1)
}

/// The day of the tests' reorganization.
pub fn reorganized() -> NaiveDate {
    d(2025, 7, 1)
}
