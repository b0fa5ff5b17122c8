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
/// total and per row, with the year's targets when the period lies within one year, and the
/// grassroots organizations that admitted nobody.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdmissionReport {
    pub unit: UnitSummary,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub structure: domain::stats::Structure,
    pub total: domain::stats::AdmissionTally,
    /// The year whose targets are shown (`None` when the period spans several years).
    pub target_year: Option<i32>,
    pub total_target: Option<u32>,
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
    pub target: Option<u32>,
}
