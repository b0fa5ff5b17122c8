//! The target of a period: the full yearly targets of every year it touches, summed.
//!
//! Committees set admission targets per year (chỉ tiêu năm) and publish results over periods
//! that are not calendar years ("trong 3 năm 2020–2022", "quý I"). A year's target is never
//! prorated: a report over part of a year is measured against the whole year's target and says
//! how far the period goes. A year with no target is named as missing, never counted as zero.

use chrono::{Datelike, NaiveDate};

use super::terms::UnitLineage;
use super::years_label;
use crate::dates::format_vn;
use crate::ids::UnitId;

/// The target of a period `[first, last]` (both included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodTarget {
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// The sum of the targets of the years that have one (`None`: no year has one).
    pub sum: Option<u32>,
    /// The years the period touches that have no target, in order.
    pub missing: Vec<i32>,
}

impl PeriodTarget {
    /// The target of `[first, last]`, `target_of(year)` giving each year's (full) target.
    pub fn over(first: NaiveDate, last: NaiveDate, target_of: impl Fn(i32) -> Option<u32>) -> PeriodTarget {
        let mut sum: Option<u32> = None;
        let mut missing = Vec::new();
        for year in first.year()..=last.year().max(first.year()) {
            match target_of(year) {
                Some(t) => sum = Some(sum.unwrap_or(0).saturating_add(t)),
                None => missing.push(year),
            }
        }
        PeriodTarget { first, last, sum, missing }
    }

    pub fn first_year(&self) -> i32 {
        self.first.year()
    }

    pub fn last_year(&self) -> i32 {
        self.last.year().max(self.first.year())
    }

    /// Every year the period touches has a target.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty() && self.sum.is_some()
    }

    /// The period starts after 1 January of its first year or ends before 31 December of its last.
    pub fn is_partial(&self) -> bool {
        (self.first.month(), self.first.day()) != (1, 1) || (self.last.month(), self.last.day()) != (12, 31)
    }

    /// Progress in percent, one decimal: only when every year has its target (a sum that lacks
    /// a year would overstate it).
    pub fn percent(&self, admitted: u32) -> Option<f64> {
        self.sum.filter(|_| self.missing.is_empty()).and_then(|t| crate::pipeline::progress_percent(admitted, t))
    }

    /// What the target is, in the committees' words: "chỉ tiêu các năm 2020–2022", "chỉ tiêu cả
    /// năm 2023; kỳ báo cáo đến 31/03/2023", and the years that have none.
    pub fn label(&self) -> String {
        let (a, b) = (self.first_year(), self.last_year());
        let years = if a == b { format!("năm {a}") } else { format!("các năm {}", years_label(a, b)) };
        let mut out = if self.sum.is_none() {
            format!("chưa đặt chỉ tiêu {years}")
        } else if self.is_partial() && a == b {
            format!("chỉ tiêu cả {years}")
        } else if self.is_partial() {
            format!("chỉ tiêu {years} (tính trọn từng năm)")
        } else {
            format!("chỉ tiêu {years}")
        };
        if self.sum.is_some() && self.is_partial() {
            let starts_on_new_year = (self.first.month(), self.first.day()) == (1, 1);
            let ends_on_new_year_eve = (self.last.month(), self.last.day()) == (12, 31);
            let reach = match (starts_on_new_year, ends_on_new_year_eve) {
                (true, _) => format!("kỳ báo cáo đến {}", format_vn(self.last)),
                (false, true) => format!("kỳ báo cáo từ {}", format_vn(self.first)),
                (false, false) => format!("kỳ báo cáo từ {} đến {}", format_vn(self.first), format_vn(self.last)),
            };
            out.push_str("; ");
            out.push_str(&reach);
        }
        if self.sum.is_some() && !self.missing.is_empty() {
            let list: Vec<String> = self.missing.iter().map(i32::to_string).collect();
            let which = if list.len() == 1 { "năm" } else { "các năm" };
            out.push_str(&format!("; chưa đặt chỉ tiêu {which} {} (không tính là 0)", list.join(", ")));
        }
        out
    }
}

/// A unit's target for one year as reports read it: its own, or, for a year it set none, the sum
/// of those of the units it merged from that stood that year — the rule of congress terms
/// ([`super::terms`]): a merged committee carries on its predecessors' plans until it sets its
/// own; after a split nothing is inherited. `None` when neither says anything.
pub fn year_target(
    unit: UnitId,
    year: i32,
    own: &dyn Fn(UnitId, i32) -> Option<u32>,
    lineage: &dyn Fn(UnitId) -> UnitLineage,
) -> Option<u32> {
    inherited_year_target(unit, year, own, lineage, 32)
}

fn inherited_year_target(
    unit: UnitId,
    year: i32,
    own: &dyn Fn(UnitId, i32) -> Option<u32>,
    lineage: &dyn Fn(UnitId) -> UnitLineage,
    depth: u32,
) -> Option<u32> {
    if let Some(t) = own(unit, year) {
        return Some(t);
    }
    if depth == 0 {
        return None;
    }
    let new_year = NaiveDate::from_ymd_opt(year, 1, 1)?;
    lineage(unit)
        .predecessors
        .iter()
        .filter(|p| p.sole_successor && p.on > new_year)
        .filter_map(|p| inherited_year_target(p.unit, year, own, lineage, depth - 1))
        .reduce(u32::saturating_add)
}
