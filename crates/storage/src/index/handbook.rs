//! Who is on the lists of a subtree on a day, for handbook accounts (docs/design/handbook.md):
//! each member with their chi bộ and status, in register order, read from the index alone.

use chrono::NaiveDate;

use domain::history::Status;
use domain::ids::{MemberId, UnitId};

use super::Index;
use crate::export::Standing;
use crate::model::ScopeFilter;

/// A member on a list of the subtree.
#[derive(Debug, Clone)]
pub struct RosterEntry {
    pub member: MemberId,
    pub full_name: String,
    pub citizen_id: String,
    /// The chi bộ whose list holds the member.
    pub unit: UnitId,
    pub status: Status,
}

impl Index {
    /// The members on the lists of `root`'s subtree on `on` that the caller reads (`None`:
    /// the unit does not stand that day).
    pub fn roster(&self, root: UnitId, on: NaiveDate, scope: Option<&ScopeFilter>) -> Option<Vec<RosterEntry>> {
        let selection = self.export_selection(root, on, false, scope)?;
        let entries = selection
            .members
            .into_iter()
            .filter_map(|p| {
                let Standing::Active { status, .. } = p.standing else { return None };
                let m = self.member(p.id)?;
                Some(RosterEntry { member: p.id, full_name: m.full_name.clone(), citizen_id: m.citizen_id.clone(), unit: p.unit, status })
            })
            .collect();
        Some(entries)
    }

    /// A unit's name with the names above it, for the slips and the overview
    /// ("Chi bộ 1 — Đảng bộ xã Thanh Hà").
    pub fn unit_with_parent(&self, unit: UnitId, on: NaiveDate) -> String {
        let name = self.unit_name_on(unit, on).unwrap_or_default();
        let parent = self.unit_version_on(unit, on).and_then(|v| v.parent_id).and_then(|p| self.unit_name_on(p, on));
        match parent {
            Some(p) => format!("{name} — {p}"),
            None => name,
        }
    }
}
