//! What the admission report measures against (docs/design/admission.md "Admission report over
//! any period"): the targets of every year the period touches (`domain::targets::period`), the
//! congress terms in force (`domain::targets::terms`), and the lines by source and sub-target
//! group with their targets.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use domain::ids::UnitId;
use domain::pipeline::{CandidateSource, TargetGroup, progress_percent};
use domain::stats::OriginTally;
use domain::targets::{PeriodTarget, TermInForce, terms_over, year_target};

use crate::index::Index;
use crate::model::{GroupLine, InheritedTerm, PeriodTargetView, SourceLine, TermProgress, UnitSummary};
use crate::plans::Plans;
use crate::sql::admission::YearTarget;

/// The targets set for the years of a period, by (unit, year, kind).
pub(super) struct YearTargets(HashMap<(UnitId, i32, String), u32>);

impl YearTargets {
    pub(super) fn new(rows: Vec<YearTarget>) -> Self {
        YearTargets(rows.into_iter().map(|t| ((t.unit, t.year, t.kind), t.target)).collect())
    }
}

/// The targets, terms and tree a report reads, for the period `[first, last]`.
pub(super) struct PlanReader<'a> {
    pub targets: &'a YearTargets,
    pub plans: &'a Plans,
    pub index: &'a Index,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl PlanReader<'_> {
    /// `unit`'s target for the period, of `group` (`None`: the total), against `admitted`.
    pub(super) fn period_target(&self, unit: UnitId, group: Option<TargetGroup>, admitted: u64) -> PeriodTargetView {
        let kind = group.map_or("total", |g| g.code());
        let own = |u: UnitId, year: i32| self.targets.0.get(&(u, year, kind.to_owned())).copied();
        let lineage = |u: UnitId| self.index.unit_lineage(u);
        let t = PeriodTarget::over(self.first, self.last, |year| year_target(unit, year, &own, &lineage));
        PeriodTargetView::of(&t, admitted)
    }

    /// `unit`'s congress terms in force during the period, each with the admissions among
    /// `days` (the decision days of the admissions counted for it) that fall inside it.
    pub(super) fn terms(&self, unit: UnitId, days: &[NaiveDate]) -> Vec<TermProgress> {
        terms_over(unit, self.first, self.last, &self.plans.with(self.index)).into_iter().filter_map(|t| self.progress(&t, days)).collect()
    }

    fn progress(&self, t: &TermInForce, days: &[NaiveDate]) -> Option<TermProgress> {
        let (from, to) = t.within(self.first, self.last)?;
        let (term_from, term_to) = t.within(t.first, t.last)?;
        let admitted = days.iter().filter(|d| (from..=to).contains(d)).count() as u64;
        let unit = |u: UnitId| self.index.unit_latest(u).map(UnitSummary::from);
        Some(TermProgress {
            label: t.label(),
            first: t.first,
            last: t.last,
            target: t.target,
            own_term: t.own,
            inherited_from: t
                .inherited_from
                .iter()
                .filter_map(|(u, target)| Some(InheritedTerm { unit: unit(*u)?, target: *target }))
                .collect(),
            cut_on: t.cut_on,
            counted_from: from,
            counted_to: to,
            whole_term: (from, to) == (term_from, term_to),
            admitted,
            percent: t.target.and_then(|target| progress_percent(u32::try_from(admitted).unwrap_or(u32::MAX), target)),
        })
    }

    /// The lines by sub-target group, each with `unit`'s sub-target for the period (none for a
    /// row that is not a unit), and "no group" last.
    pub(super) fn group_lines(&self, unit: Option<UnitId>, origins: &OriginTally) -> Vec<GroupLine> {
        let mut lines: Vec<GroupLine> = TargetGroup::ALL
            .iter()
            .map(|g| {
                let admitted = origins.group(Some(*g));
                GroupLine {
                    group: Some(*g),
                    label: g.label().to_owned(),
                    admitted,
                    target: unit.map(|u| self.period_target(u, Some(*g), admitted)),
                }
            })
            .collect();
        lines.push(GroupLine {
            group: None, label: "Không thuộc nhóm chỉ tiêu nào".into(), admitted: origins.group(None), target: None
        });
        lines
    }
}

/// The lines by source, "unknown" last.
pub(super) fn source_lines(origins: &OriginTally) -> Vec<SourceLine> {
    let mut lines: Vec<SourceLine> = CandidateSource::ALL
        .iter()
        .map(|s| SourceLine { source: Some(*s), label: s.label().to_owned(), admitted: origins.source(Some(*s)) })
        .collect();
    lines.push(SourceLine { source: None, label: "Không rõ nguồn".into(), admitted: origins.source(None) });
    lines
}

/// The years `[first, last]` touches.
pub(super) fn years(first: NaiveDate, last: NaiveDate) -> (i32, i32) {
    (first.year(), last.year().max(first.year()))
}
