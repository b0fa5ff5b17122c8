//! The statistical reports as they cross the store boundary: counts on a date, movements and
//! admissions over a period, and what a row of them stands for.

use chrono::NaiveDate;
use serde::Serialize;

use super::UnitSummary;

/// What a row of a report stands for: a unit directly under the report's unit, or a group.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRowHead {
    /// The unit of the row (as on the report's date, or today by today's structure); `None` for
    /// the groups.
    pub unit: Option<UnitSummary>,
    /// `unit`; `direct` (members whose chi bộ is the report's unit itself); `dissolved` (by
    /// today's structure: units dissolved with no successor).
    pub group: &'static str,
    /// What the row shows, in Vietnamese.
    pub label: String,
    /// Movements: the last day the unit stood under the report's unit, when before the end.
    pub until: Option<NaiveDate>,
}

impl ReportRowHead {
    pub(crate) fn from_row(row: crate::index::ReportRow) -> Self {
        use crate::index::ReportRow;
        match row {
            ReportRow::Unit(v, until) => {
                let label = match until {
                    Some(d) => format!("{} (đến {})", v.name, domain::dates::format_vn(d)),
                    None => v.name.clone(),
                };
                ReportRowHead { unit: Some(UnitSummary::from(&v)), group: "unit", label, until }
            }
            ReportRow::Direct => {
                ReportRowHead { unit: None, group: "direct", label: "Đảng viên sinh hoạt trực tiếp".into(), until: None }
            }
            ReportRow::Dissolved => {
                ReportRowHead {
                    unit: None, group: "dissolved", label: "Tổ chức đã giải thể, không có tổ chức kế thừa".into(), until: None
                }
            }
        }
    }
}

/// Members on the list of a unit on a date, in every breakdown, in total and per row (units
/// directly under it by the chosen structure).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountsReport {
    pub unit: UnitSummary,
    pub on: NaiveDate,
    pub structure: domain::stats::Structure,
    /// Labels of the age bands, in the order of `Breakdown::age`.
    pub age_bands: Vec<String>,
    pub total: domain::stats::Breakdown,
    pub children: Vec<(ReportRowHead, domain::stats::Breakdown)>,
}

/// The movements of a unit's list over a period (form 1-BTCTW), in total and per row; every
/// row balances `start + inflows − outflows = end`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MovementReport {
    pub unit: UnitSummary,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub structure: domain::stats::Structure,
    pub total: domain::stats::Movement,
    pub rows: Vec<(ReportRowHead, domain::stats::Movement)>,
    /// Set when the unit did not stand for the whole period asked: what was asked and why the
    /// report differs (`first`, `last` and `structure` above are what it covers).
    pub adjusted: Option<PeriodAdjustment>,
}

/// A period report over a unit that did not stand for the whole period (docs/design/statistics.md,
/// "A unit that did not stand for the whole period"): a unit standing today is reported by
/// today's structure over the whole period (its predecessors' members counted in the rows of the
/// units that succeeded theirs); a unit that no longer stands, over the part of the period it
/// stood, by the structure of each day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodAdjustment {
    /// The period and structure asked.
    pub asked_first: NaiveDate,
    pub asked_last: NaiveDate,
    pub asked_structure: domain::stats::Structure,
    /// The unit's first day in the register and the day it ended (`None`: it stands today).
    pub unit_from: NaiveDate,
    pub unit_to: Option<NaiveDate>,
}

/// The members admitted to a unit's list in a period, in the breakdown committees publish, in
/// total and per row: against the targets of the years the period touches and the congress terms
/// in force, by source, by sub-target group and by occasion, and the grassroots organizations that
/// admitted nobody (docs/design/admission.md "Admission report over any period").
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdmissionReport {
    pub unit: UnitSummary,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub structure: domain::stats::Structure,
    pub total: domain::stats::AdmissionTally,
    /// The unit's target for the period: the full targets of every year it touches, summed.
    pub target: PeriodTargetView,
    /// The congress terms of the unit in force during the period (own, or inherited through a
    /// merger), each with the admissions of the period inside it.
    pub terms: Vec<TermProgress>,
    /// The admissions by who introduced the member, every source and "unknown" last.
    pub sources: Vec<SourceLine>,
    /// The admissions by sub-target group, each with its sub-target over the period, "none" last.
    pub groups: Vec<GroupLine>,
    /// The occasions the report counted by (the defaults and those the unit and the units above
    /// it added) and the admissions whose ceremony, inside the period, fell on each.
    pub occasions: OccasionLines,
    pub rows: Vec<AdmissionRow>,
    pub zero_admission: Vec<UnitSummary>,
    /// As [`MovementReport::adjusted`].
    pub adjusted: Option<PeriodAdjustment>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdmissionRow {
    pub head: ReportRowHead,
    pub tally: domain::stats::AdmissionTally,
    /// The row's unit's target for the period (`None` for the rows that are not a unit).
    pub target: Option<PeriodTargetView>,
    /// The row's unit's congress terms in force during the period.
    pub terms: Vec<TermProgress>,
    pub sources: Vec<SourceLine>,
    pub groups: Vec<GroupLine>,
    /// Held on an occasion of the report's list, in total and per occasion (its order).
    pub on_occasions: u64,
    pub occasions: Vec<u64>,
}

/// The target of a period (`domain::targets::PeriodTarget`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodTargetView {
    pub first_year: i32,
    pub last_year: i32,
    /// The sum of the targets of the years that have one (`None`: none has).
    pub target: Option<u32>,
    /// The years the period touches without a target (not counted as zero).
    pub missing_years: Vec<i32>,
    /// The period covers part of a year: the whole year's target still counts, never prorated.
    pub partial: bool,
    /// Progress in percent, one decimal; only when every year has its target.
    pub percent: Option<f64>,
    /// What the target is, in words ("chỉ tiêu các năm 2020–2022").
    pub label: String,
}

impl PeriodTargetView {
    pub fn of(t: &domain::targets::PeriodTarget, admitted: u64) -> Self {
        PeriodTargetView {
            first_year: t.first_year(),
            last_year: t.last_year(),
            target: t.sum,
            missing_years: t.missing.clone(),
            partial: t.is_partial(),
            percent: t.percent(u32::try_from(admitted).unwrap_or(u32::MAX)),
            label: t.label(),
        }
    }
}

/// A congress term in force during a report's period, and the admissions inside both.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TermProgress {
    /// "Nhiệm kỳ 2020–2025".
    pub label: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// The term's target (inherited: the sum of the predecessors' that have one).
    pub target: Option<u32>,
    /// The recorded term, when it is the unit's own (`None`: inherited through a merger).
    pub own_term: Option<i64>,
    /// When inherited: the predecessors whose term it continues.
    pub inherited_from: Vec<InheritedTerm>,
    /// The unit ended before the term's last day (a split, a merger into another).
    pub cut_on: Option<NaiveDate>,
    /// The days of the report's period inside the term.
    pub counted_from: NaiveDate,
    pub counted_to: NaiveDate,
    /// The period covers the whole term (as far as the unit stood).
    pub whole_term: bool,
    /// Admitted in those days.
    pub admitted: u64,
    pub percent: Option<f64>,
}

/// A predecessor whose term a successor continues, with that term's target.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InheritedTerm {
    pub unit: UnitSummary,
    pub target: Option<u32>,
}

/// Admissions of one source (`source`: `None` for "unknown").
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceLine {
    pub source: Option<domain::pipeline::CandidateSource>,
    pub label: String,
    pub admitted: u64,
}

/// Admissions of one sub-target group (`group`: `None` for "no group"), with the group's target
/// over the period.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupLine {
    pub group: Option<domain::pipeline::TargetGroup>,
    pub label: String,
    pub admitted: u64,
    pub target: Option<PeriodTargetView>,
}

/// The occasions a report counted by, and the admissions held on them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccasionLines {
    /// Which list: "3/2, 19/5, 2/9, 7/11 (mặc định); 26/3 (bổ sung)".
    pub list: String,
    /// Held on any of them.
    pub on_occasions: u64,
    pub lines: Vec<OccasionLine>,
}

impl OccasionLines {
    /// The lines of `list`, `admitted(i)` counting the occasion at position `i`.
    pub fn of(list: &domain::targets::OccasionList, admitted: impl Fn(usize) -> u64) -> Self {
        let lines: Vec<OccasionLine> = list
            .items()
            .iter()
            .enumerate()
            .map(|(i, o)| OccasionLine {
                code: o.code(),
                day_month: o.day_month(),
                name: o.name.clone(),
                added_by: o.added_by,
                admitted: admitted(i),
            })
            .collect();
        OccasionLines { list: list.describe(), on_occasions: lines.iter().map(|l| l.admitted).sum(), lines }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccasionLine {
    /// "19-5", as the member list's filter names it.
    pub code: String,
    /// "19/5".
    pub day_month: String,
    pub name: String,
    /// The unit whose committee added it (`None`: the default list).
    pub added_by: Option<domain::ids::UnitId>,
    pub admitted: u64,
}
