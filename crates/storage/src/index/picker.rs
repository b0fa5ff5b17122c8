//! The organization picker's read of the unit tree: units ranked by how they match a typed text
//! (`domain::unit::pick`), each with the names of the units above it.

use chrono::NaiveDate;
use domain::ids::UnitId;
use domain::text::collation_key;
use domain::unit::pick::PickQuery;

use super::{Index, marked};
use crate::model::{PickFilter, ScopeFilter, UnitChoice, UnitSummary};

impl Index {
    /// Units valid on `on` (within `scope` when given) that match `q`: exact matches first, then
    /// prefix, word-prefix and contains; ties by depth, then name, then code.
    pub fn pick_units(&self, q: &str, on: NaiveDate, filter: PickFilter, limit: usize, scope: Option<&ScopeFilter>) -> Vec<UnitChoice> {
        let query = PickQuery::new(q);
        let marks = scope.map(|f| self.scope_marks(f));
        let mut found = Vec::new();
        for i in 0..self.units.ids.len() as u32 {
            if marks.as_ref().is_some_and(|m| !marked(m, i)) {
                continue;
            }
            let Some(v) = self.units.version_on(i, on) else { continue };
            if filter.members_only && !v.kind.holds_members() {
                continue;
            }
            if let Some(rank) = query.rank(&v.name, v.code.as_str()) {
                let path = self.path_names(i, on);
                let key = (rank, path.len(), collation_key(&v.name), v.code.to_string());
                found.push((key, UnitChoice { unit: UnitSummary::from(v), path, matched: Some(rank) }));
            }
        }
        // Ties: nearer the top first, then by name, then by code (units sharing a name).
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found.into_iter().take(limit).map(|(_, c)| c).collect()
    }

    /// One unit as the picker shows it, when it is valid on `on` (and within `scope` when given).
    pub fn peek_unit(&self, unit: UnitId, on: NaiveDate, scope: Option<&ScopeFilter>) -> Option<UnitChoice> {
        let i = *self.units.pos.get(&unit)?;
        if let Some(f) = scope
            && !marked(&self.scope_marks(f), i)
        {
            return None;
        }
        let v = self.units.version_on(i, on)?;
        Some(UnitChoice { unit: UnitSummary::from(v), path: self.path_names(i, on), matched: None })
    }

    /// The names of the units above `i` on `on`, the parent first.
    pub(super) fn path_names(&self, i: u32, on: NaiveDate) -> Vec<String> {
        self.units.ancestors_on(i, on).skip(1).filter_map(|a| self.units.version_on(a, on)).map(|v| v.name.clone()).collect()
    }
}
