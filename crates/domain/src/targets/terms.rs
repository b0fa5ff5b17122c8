//! Congress terms (nhiệm kỳ đại hội) and the admission target a congress sets for its term.
//!
//! Each committee records the dates of its own terms (usually five years; rules.md §1 notes the
//! pilot of one chi bộ congress per five years); our sources fix no dates, so the committee's are
//! the truth. Terms of one unit never overlap.
//!
//! The 2025 reorganization cut terms short: merged units held their new congress months after
//! the merger. Until then the successor works to its predecessors' term, so a term in force is
//! inherited:
//! - **merge** (a predecessor whose only successor is this unit): the successor's term is the
//!   predecessors' term running on the day before the merger, its target the **sum** of theirs —
//!   unless the successor has a term of its own covering that day, which wins;
//! - **split** (a predecessor with several successors): nothing is inherited, each successor sets
//!   its own; the predecessor's term is shown on the predecessor's reports up to the split.

use chrono::{Datelike, NaiveDate};

use super::years_label;
use crate::dates::format_vn;
use crate::error::ValidationErrors;
use crate::ids::UnitId;

/// A term a committee recorded for its unit, both days included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub id: i64,
    pub unit: UnitId,
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// The admission target of the term (`None`: not set).
    pub target: Option<u32>,
}

impl Term {
    /// "Nhiệm kỳ 2020–2025".
    pub fn label(&self) -> String {
        term_label(self.first, self.last)
    }
}

fn term_label(first: NaiveDate, last: NaiveDate) -> String {
    format!("Nhiệm kỳ {}", years_label(first.year(), last.year()))
}

fn overlaps(a_first: NaiveDate, a_last: NaiveDate, b_first: NaiveDate, b_last: NaiveDate) -> bool {
    a_first <= b_last && b_first <= a_last
}

/// Checks a term's days against the unit's other terms (`others`, without the term itself when
/// it is being changed): the last day not before the first, and no overlap.
pub fn check_term(first: NaiveDate, last: NaiveDate, others: &[Term]) -> Result<(), ValidationErrors> {
    let mut e = ValidationErrors::default();
    if last < first {
        e.push("last_day", "period_reversed", "Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu.");
    } else if let Some(t) = others.iter().find(|t| overlaps(first, last, t.first, t.last)) {
        e.push(
            "first_day",
            "overlaps",
            format!("Trùng thời gian với {} ({} – {}) đã ghi cho tổ chức này.", t.label(), format_vn(t.first), format_vn(t.last)),
        );
    }
    e.into_result()
}

/// A unit this one succeeded: `on` is the first day of the successor with it (the day of the
/// merger or split), `sole_successor` whether this unit was its only successor (a merger or a
/// rename into a new unit, not a split).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Predecessor {
    pub unit: UnitId,
    pub on: NaiveDate,
    pub sole_successor: bool,
}

/// The lineage of a unit: the units it succeeded, and the day it ended (`None`: stands today).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitLineage {
    pub predecessors: Vec<Predecessor>,
    pub ended: Option<NaiveDate>,
}

/// What storage reads for [`terms_over`]: the terms recorded for a unit and its lineage.
pub trait TermSource {
    fn terms(&self, unit: UnitId) -> Vec<Term>;
    fn lineage(&self, unit: UnitId) -> UnitLineage;
}

/// A term in force for a unit: its own, or inherited from the units it merged from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermInForce {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub target: Option<u32>,
    /// The recorded term, when it is the unit's own.
    pub own: Option<i64>,
    /// When inherited: each predecessor whose term it continues, with that term's target.
    pub inherited_from: Vec<(UnitId, Option<u32>)>,
    /// The unit ended (a split, a merger into another) on this day, before the term's last day:
    /// the term is followed only up to the day before.
    pub cut_on: Option<NaiveDate>,
}

impl TermInForce {
    /// "Nhiệm kỳ 2020–2025".
    pub fn label(&self) -> String {
        term_label(self.first, self.last)
    }

    /// Predecessors whose term had no target: the sum lacks them.
    pub fn missing_targets(&self) -> Vec<UnitId> {
        self.inherited_from.iter().filter(|(_, t)| t.is_none()).map(|(u, _)| *u).collect()
    }

    /// The days of `[first, last]` this term covers for the unit (`None`: none).
    pub fn within(&self, first: NaiveDate, last: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let end = self.cut_on.and_then(|d| d.pred_opt()).map_or(self.last, |d| d.min(self.last));
        let (a, b) = (first.max(self.first), last.min(end));
        (a <= b).then_some((a, b))
    }
}

/// How deep a chain of mergers is followed (the tree holds far fewer levels of succession).
const MAX_DEPTH: u32 = 32;

/// The terms in force for `unit` that overlap `[first, last]`, own and inherited, in order.
pub fn terms_over(unit: UnitId, first: NaiveDate, last: NaiveDate, source: &dyn TermSource) -> Vec<TermInForce> {
    in_force(unit, source, MAX_DEPTH).into_iter().filter(|t| t.within(first, last).is_some()).collect()
}

/// Every term in force for `unit`, own and inherited, in order of their first day.
fn in_force(unit: UnitId, source: &dyn TermSource, depth: u32) -> Vec<TermInForce> {
    let lineage = source.lineage(unit);
    let cut = |last: NaiveDate| lineage.ended.filter(|e| *e <= last);
    let mut own = source.terms(unit);
    own.sort_by_key(|t| t.first);
    let mut out: Vec<TermInForce> = own
        .iter()
        .map(|t| TermInForce {
            first: t.first,
            last: t.last,
            target: t.target,
            own: Some(t.id),
            inherited_from: Vec::new(),
            cut_on: cut(t.last),
        })
        .collect();
    if depth == 0 {
        return out;
    }
    let mut days: Vec<NaiveDate> = lineage.predecessors.iter().filter(|p| p.sole_successor).map(|p| p.on).collect();
    days.sort();
    days.dedup();
    for day in days {
        if own.iter().any(|t| t.first <= day && day <= t.last) {
            continue;
        }
        let Some(eve) = day.pred_opt() else { continue };
        let mut running: Vec<(UnitId, TermInForce)> = Vec::new();
        for p in lineage.predecessors.iter().filter(|p| p.sole_successor && p.on == day) {
            if let Some(t) = in_force(p.unit, source, depth - 1).into_iter().find(|t| t.first <= eve && eve <= t.last) {
                running.push((p.unit, t));
            }
        }
        let (Some(start), Some(end)) = (running.iter().map(|(_, t)| t.first).min(), running.iter().map(|(_, t)| t.last).max()) else {
            continue;
        };
        // The successor's own terms before and after bound what it inherits.
        let start = own.iter().filter(|t| t.last < day).map(|t| t.last).max().and_then(|l| l.succ_opt()).map_or(start, |s| s.max(start));
        // It lasts until the successor's own congress, even past its planned last day (the old
        // committee's term runs until the next congress); without one recorded, to its planned end.
        let end = own.iter().filter(|t| t.first > day).map(|t| t.first).min().and_then(|f| f.pred_opt()).unwrap_or(end);
        let targets: Vec<u32> = running.iter().filter_map(|(_, t)| t.target).collect();
        out.push(TermInForce {
            first: start,
            last: end,
            target: (!targets.is_empty()).then(|| targets.iter().fold(0u32, |a, t| a.saturating_add(*t))),
            own: None,
            inherited_from: running.iter().map(|(u, t)| (*u, t.target)).collect(),
            cut_on: cut(end),
        });
    }
    out.sort_by_key(|t| t.first);
    out
}
