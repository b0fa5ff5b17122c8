//! The targets page (docs/design/admission.md "Targets"): the year's admissions as the register
//! index counts them for the admission report too (`Index::admissions_by_unit`), with what the
//! cases add (sub-target group, ceremony), against the targets set for the year.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use domain::event::AdmissionOrigin;
use domain::ids::{MemberId, UnitId};
use domain::pipeline::{CandidateSource, TargetGroup};
use domain::stats::Structure;
use domain::unit::UnitVersion;

use super::year_bounds;
use crate::db::Conn;
use crate::error::{Result, StoreError};
use crate::index::{CaseFacts, UnitAdmissions};
use crate::model::{OccasionLines, ScopeFilter, ScopeTarget, TargetCell, TargetReport, TargetRow, UnitSummary};
use crate::plans::Plans;
use crate::sql::{self, admission as q};
use crate::store::SqlStore;

impl SqlStore {
    /// Targets and progress for `root` and the units directly under it, the grassroots
    /// organizations with no admission, admissions on anniversaries, and candidates by source.
    pub(super) async fn targets_report(
        &self,
        root: UnitId,
        year: i32,
        today: NaiveDate,
        scope: Option<&ScopeFilter>,
    ) -> Result<TargetReport> {
        self.refresh_index().await?;
        let (from, to) = year_bounds(year);
        let last = to.pred_opt().unwrap_or(to);
        let shape_on = today.min(last).max(from);
        let mut conn = self.db.reader().await?;
        let subtree = sql::subtree_on(conn.as_mut(), root, shape_on).await?;
        let root_version = subtree.iter().find(|v| v.unit_id == root).ok_or(StoreError::NotFound)?;
        let cases = case_facts(self, conn.as_mut(), from, to).await?;
        let targets = Targets(q::targets(conn.as_mut(), year).await?);
        let plans = Plans::load(conn.as_mut()).await?;
        drop(conn);
        let candidates = self.open_cases().await?;
        let index = self.index.read();
        let occasions = plans.occasions_for(&index, root);
        let admitted = index.admissions_by_unit(from, last, |m| cases.get(&m).copied().unwrap_or_default(), &occasions);
        let visible = |u: UnitId| scope.is_none_or(|s| index.in_scope(s, ScopeTarget::Unit(u)));
        let row = |v: &UnitVersion| targets.row(v, &admitted);
        let children = subtree.iter().filter(|v| v.parent_id == Some(root) && visible(v.unit_id)).map(row).collect();
        let zero_admission = index
            .without_admission(root, shape_on, Structure::OfDate, &admitted)
            .iter()
            .filter(|v| visible(v.unit_id))
            .map(UnitSummary::from)
            .collect();
        let in_subtree: HashSet<UnitId> = subtree.iter().map(|v| v.unit_id).collect();
        let mut by_source: Vec<(CandidateSource, usize)> = CandidateSource::ALL.iter().map(|s| (*s, 0)).collect();
        for c in candidates.iter().filter(|c| in_subtree.contains(&c.row.candidate.unit)) {
            if let Some(e) = by_source.iter_mut().find(|(s, _)| *s == c.row.candidate.source) {
                e.1 += 1;
            }
        }
        Ok(TargetReport {
            readmissions: admitted.of(root).readmitted,
            year,
            shape_on,
            root: row(root_version),
            children,
            zero_admission,
            occasions: OccasionLines::of(&occasions, |i| u64::from(admitted.on_occasion(root, i))),
            open_candidates_by_source: by_source,
        })
    }
}

/// What the cases decided in `[from, to)` say of their members' admissions: the source and the
/// sub-target group, and the ceremony when it was held in the same period (read where the record
/// does not say them: admissions decided before the record kept them). Nothing is read when
/// every admission of the period has them on its record (`Index::needs_case_facts`).
pub(crate) async fn case_facts(
    store: &SqlStore,
    conn: &mut dyn Conn,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<MemberId, CaseFacts>> {
    let mut facts: HashMap<MemberId, CaseFacts> = HashMap::new();
    if !store.index.read().needs_case_facts(from, to.pred_opt().unwrap_or(to)) {
        return Ok(facts);
    }
    for (member, case) in q::admitted_cases_between(conn, from, to).await? {
        facts.entry(member).or_default().origin = AdmissionOrigin { source: Some(case.source), target_group: case.target_group };
    }
    for (member, day) in q::ceremonies_between(conn, from, to).await? {
        facts.entry(member).or_default().ceremony = Some(day);
    }
    Ok(facts)
}

/// The targets set for one year: (unit, kind, target).
struct Targets(Vec<(UnitId, String, u32)>);

impl Targets {
    /// The target of `unit` for `group` (`None`: the total).
    fn of(&self, unit: UnitId, group: Option<TargetGroup>) -> Option<u32> {
        let kind = group.map_or("total", |g| g.code());
        self.0.iter().find(|(u, k, _)| *u == unit && k == kind).map(|(_, _, t)| *t)
    }

    fn row(&self, v: &UnitVersion, admitted: &UnitAdmissions) -> TargetRow {
        let count = admitted.of(v.unit_id);
        TargetRow {
            unit: UnitSummary::from(v),
            total: TargetCell::new(self.of(v.unit_id, None), count.admitted),
            groups: TargetGroup::ALL.iter().map(|g| (*g, TargetCell::new(self.of(v.unit_id, Some(*g)), count.groups.get(*g)))).collect(),
            anniversary: count.on_anniversary,
        }
    }
}
