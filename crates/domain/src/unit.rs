//! Party organizations (units) and their history (model.md "Units change over time").
//!
//! A unit has a stable identity and a series of versions, each valid over a half-open interval
//! `[from, to)`: kind, code, name, parent. Operations (create, rename, move, merge, split,
//! dissolve) close versions and open new ones; nothing is ever deleted. This module holds the
//! structural rules and [`closure_rows`], which turns the versions into the time-sliced ancestor
//! table that storage indexes for fast subtree queries (docs/design/org-tree.md).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::code_list;
use crate::error::FieldError;
use crate::ids::{DecisionNumber, UnitCode, UnitId};

pub mod pick;

code_list!(
    /// Unit types of rules.md §1.1–1.2 (pre- and post-1 July 2025 structure).
    UnitKind, "Loại tổ chức", {
        /// Tỉnh ủy / thành ủy.
        Province = ("tinh-uy", "Tỉnh ủy, thành ủy"),
        /// Đảng bộ (đảng ủy) trực thuộc tỉnh ủy: agency blocs, armed forces, enterprises.
        UnderProvince = ("truc-thuoc-tinh", "Đảng bộ trực thuộc tỉnh ủy"),
        /// Đảng bộ xã, phường, đặc khu (from 01/7/2025, direct superior of grassroots organizations — 294-QĐ/TW, 298-QĐ/TW).
        Commune = ("xa-phuong", "Đảng bộ xã, phường, đặc khu"),
        /// Huyện ủy, quận ủy, thị ủy, thành ủy thuộc tỉnh: the district level abolished on 01/7/2025 (kept for history).
        District = ("huyen-uy", "Huyện ủy, quận ủy, thị ủy (trước 01/7/2025)"),
        /// Đảng bộ cơ sở.
        GrassrootsCommittee = ("dang-bo-co-so", "Đảng bộ cơ sở"),
        /// Chi bộ cơ sở.
        GrassrootsCell = ("chi-bo-co-so", "Chi bộ cơ sở"),
        /// Đảng bộ bộ phận.
        SubCommittee = ("dang-bo-bo-phan", "Đảng bộ bộ phận"),
        /// Chi bộ trực thuộc (đảng ủy cơ sở or đảng ủy bộ phận).
        Cell = ("chi-bo", "Chi bộ trực thuộc"),
        /// Tổ đảng, a subdivision of a chi bộ.
        Group = ("to-dang", "Tổ đảng"),
    }
);

impl UnitKind {
    /// Members have their party activity in a chi bộ: a chi bộ cơ sở or a chi bộ trực thuộc
    /// (rules.md §1.1; Charter art. 21, 24).
    pub fn holds_members(self) -> bool {
        matches!(self, UnitKind::GrassrootsCell | UnitKind::Cell)
    }

    /// Whether a unit of this kind may sit under `parent` (`None` = at the top of the tree).
    /// The chain is province → upper-grassroots (commune, district, committees under the
    /// province) → grassroots (đảng bộ cơ sở, chi bộ cơ sở) → đảng bộ bộ phận → chi bộ → tổ đảng
    /// (rules.md §1.1, §1.2 "Model for the software"). Grassroots organizations may also sit
    /// directly under the province (rules.md §1.3, third bullet). Since 01/7/2025 a commune or
    /// ward committee also leads village and neighbourhood chi bộ directly (rules.md §1.2: a ward
    /// with 66 neighbourhood cells; open question 3), so a chi bộ may sit under a commune.
    pub fn may_sit_under(self, parent: Option<UnitKind>) -> bool {
        use UnitKind::*;
        match (self, parent) {
            (Province, None) => true,
            (_, None) => false,
            (UnderProvince | Commune | District, Some(Province)) => true,
            (GrassrootsCommittee | GrassrootsCell, Some(Province | UnderProvince | Commune | District)) => true,
            (SubCommittee, Some(GrassrootsCommittee)) => true,
            (Cell, Some(GrassrootsCommittee | SubCommittee | Commune)) => true,
            (Group, Some(Cell | GrassrootsCell)) => true,
            _ => false,
        }
    }

    /// The Vietnamese explanation when [`may_sit_under`](Self::may_sit_under) says no.
    pub fn placement_error(self, parent: Option<UnitKind>) -> FieldError {
        let message = match parent {
            None => format!("{} phải trực thuộc một tổ chức cấp trên.", self.label()),
            Some(p) => format!("{} không thể trực thuộc {}.", self.label(), p.label().to_lowercase()),
        };
        FieldError::new("parent_id", "invalid_parent", message)
    }
}

/// The reference of a decision: số, ngày, cơ quan ban hành (model.md "legal basis").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegalBasis {
    pub number: DecisionNumber,
    pub date: NaiveDate,
    /// Cơ quan ban hành, e.g. "Ban Thường vụ Tỉnh ủy".
    pub issuer: String,
}

/// One version of a unit, valid over `[valid_from, valid_to)` (`valid_to = None`: still valid).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitVersion {
    pub unit_id: UnitId,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub kind: UnitKind,
    pub code: UnitCode,
    pub name: String,
    pub parent_id: Option<UnitId>,
}

impl UnitVersion {
    pub fn covers(&self, on: NaiveDate) -> bool {
        self.valid_from <= on && self.valid_to.is_none_or(|t| on < t)
    }
}

/// Parses a unit's display name: NFC, 1–200 characters.
pub fn parse_unit_name(input: &str) -> Result<String, FieldError> {
    crate::text::required_text(input, 200, "Tên tổ chức")
}

/// One row of the time-sliced closure table: `ancestor` is `depth` levels above `descendant`
/// (0 = itself) on every day of `[valid_from, valid_to)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosureRow {
    pub ancestor: UnitId,
    pub descendant: UnitId,
    pub depth: u32,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

/// The closure rows of `unit`, from its versions and those of every unit that was ever above it.
/// `versions` maps a unit to its versions sorted by `valid_from`. Cycles (which the operations
/// never create) are cut rather than looped on.
pub fn closure_rows(unit: UnitId, versions: &HashMap<UnitId, Vec<UnitVersion>>) -> Vec<ClosureRow> {
    let mut out = Vec::new();
    for (from, to, chain) in chains(unit, versions, &mut Vec::new()) {
        for (depth, ancestor) in chain.iter().enumerate() {
            out.push(ClosureRow { ancestor: *ancestor, descendant: unit, depth: depth as u32, valid_from: from, valid_to: to });
        }
    }
    merge_adjacent(out)
}

type Chain = (NaiveDate, Option<NaiveDate>, Vec<UnitId>);

/// The ancestor chains of `unit` (itself first) over time, as intervals.
fn chains(unit: UnitId, versions: &HashMap<UnitId, Vec<UnitVersion>>, visiting: &mut Vec<UnitId>) -> Vec<Chain> {
    if visiting.contains(&unit) {
        return Vec::new();
    }
    visiting.push(unit);
    let mut out = Vec::new();
    for v in versions.get(&unit).map(Vec::as_slice).unwrap_or_default() {
        match v.parent_id {
            None => out.push((v.valid_from, v.valid_to, vec![unit])),
            Some(p) => {
                for (pf, pt, pchain) in chains(p, versions, visiting) {
                    let from = pf.max(v.valid_from);
                    let to = min_end(pt, v.valid_to);
                    if to.is_none_or(|t| from < t) {
                        let mut chain = Vec::with_capacity(pchain.len() + 1);
                        chain.push(unit);
                        chain.extend(pchain);
                        out.push((from, to, chain));
                    }
                }
            }
        }
    }
    visiting.pop();
    out
}

fn min_end(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// Joins rows for the same (ancestor, depth) whose intervals touch, so a rename (which changes
/// no ancestry) adds no closure rows.
fn merge_adjacent(mut rows: Vec<ClosureRow>) -> Vec<ClosureRow> {
    rows.sort_by_key(|r| (r.ancestor, r.depth, r.valid_from));
    let mut out: Vec<ClosureRow> = Vec::with_capacity(rows.len());
    for r in rows {
        if let Some(last) = out.last_mut()
            && last.ancestor == r.ancestor
            && last.depth == r.depth
            && last.valid_to == Some(r.valid_from)
        {
            last.valid_to = r.valid_to;
            continue;
        }
        out.push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{d, unit_version};

    #[test]
    fn placement_rules() {
        use UnitKind::*;
        assert!(Province.may_sit_under(None));
        assert!(!Cell.may_sit_under(None));
        assert!(Commune.may_sit_under(Some(Province)));
        assert!(GrassrootsCell.may_sit_under(Some(Commune)));
        assert!(Cell.may_sit_under(Some(SubCommittee)));
        assert!(!Cell.may_sit_under(Some(GrassrootsCell)));
        assert!(!Commune.may_sit_under(Some(District)));
        assert!(Cell.may_sit_under(Some(Commune)));
        assert!(!Cell.may_sit_under(Some(District)));
        assert!(Group.may_sit_under(Some(GrassrootsCell)));
        assert!(Cell.holds_members() && GrassrootsCell.holds_members() && !GrassrootsCommittee.holds_members());
    }

    #[test]
    fn closure_follows_moves_and_merges_renames() {
        use UnitKind::*;
        let mut versions = HashMap::new();
        versions.insert(UnitId(1), vec![unit_version(1, Province, None, d(2000, 1, 1), None)]);
        versions.insert(UnitId(2), vec![unit_version(2, District, Some(1), d(2000, 1, 1), Some(d(2025, 7, 1)))]);
        versions.insert(UnitId(3), vec![unit_version(3, Commune, Some(1), d(2025, 7, 1), None)]);
        // Grassroots cell under the district, renamed in 2010 (same parent), moved to the commune in 2025.
        versions.insert(
            UnitId(4),
            vec![
                unit_version(4, GrassrootsCell, Some(2), d(2005, 1, 1), Some(d(2010, 1, 1))),
                unit_version(4, GrassrootsCell, Some(2), d(2010, 1, 1), Some(d(2025, 7, 1))),
                unit_version(4, GrassrootsCell, Some(3), d(2025, 7, 1), None),
            ],
        );
        let rows = closure_rows(UnitId(4), &versions);
        let find = |a: i64| rows.iter().filter(|r| r.ancestor == UnitId(a)).cloned().collect::<Vec<_>>();
        // Self: one row across the rename and the move.
        assert_eq!(find(4).len(), 1);
        assert_eq!(find(4)[0].valid_from, d(2005, 1, 1));
        // Province above it the whole time, at depth 2, one row.
        assert_eq!(
            find(1),
            vec![ClosureRow { ancestor: UnitId(1), descendant: UnitId(4), depth: 2, valid_from: d(2005, 1, 1), valid_to: None }]
        );
        assert_eq!(find(2)[0].valid_to, Some(d(2025, 7, 1)));
        assert_eq!(find(3)[0].valid_from, d(2025, 7, 1));
    }

    #[test]
    fn cycles_do_not_loop() {
        use UnitKind::*;
        let mut versions = HashMap::new();
        versions.insert(UnitId(1), vec![unit_version(1, Cell, Some(2), d(2000, 1, 1), None)]);
        versions.insert(UnitId(2), vec![unit_version(2, Cell, Some(1), d(2000, 1, 1), None)]);
        assert!(closure_rows(UnitId(1), &versions).is_empty());
    }
}
