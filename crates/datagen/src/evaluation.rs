//! Evaluation rounds (docs/design/evaluation.md) for the generated province: the communes' round
//! of last year, opened in November under 366-QĐ/TW, every member and organization proposed and
//! decided within the quota, closed in December; and this year's rounds, opened in November, with
//! the self-assessments and proposals of each commune's first chi bộ and nothing decided yet.
//!
//! Everything goes through the store's use cases on the days it happens; deterministic for a seed.

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use domain::evaluation::{Criteria, Criterion, Level, Period, RoundPlan, Step, level_for_score, quota};
use domain::unit::UnitKind;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use storage::prelude::*;
use storage::{EvaluationSubject, StepInput, StoreError, WriteContext};

/// The most communes given rounds.
const MAX_COMMUNES: usize = 20;

fn on(day: NaiveDate, who: &str) -> WriteContext {
    WriteContext::new(who, Utc.from_utc_datetime(&day.and_hms_opt(3, 0, 0).unwrap_or_default()))
}

fn score(rng: &mut StdRng) -> u8 {
    match rng.random_range(0..100) {
        0..12 => rng.random_range(90..97),
        12..85 => rng.random_range(72..90),
        85..97 => rng.random_range(55..70),
        _ => rng.random_range(40..50),
    }
}

fn input(level: Level, score: u8) -> StepInput {
    StepInput { level: level.code().into(), score: score.to_string(), ..StepInput::default() }
}

/// Generates the rounds; returns how many evaluations were decided.
pub async fn generate_rounds(store: &dyn Store, seed: u64, today: NaiveDate) -> Result<usize, StoreError> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0xE7A1);
    let Some(root) = store.children(None, today).await?.into_iter().find(|n| n.unit.kind == UnitKind::Province) else {
        return Ok(0);
    };
    let last_year = today.year() - 1;
    let (Some(opened), Some(proposed), Some(decided), Some(closed)) = (
        NaiveDate::from_ymd_opt(last_year, 11, 20),
        NaiveDate::from_ymd_opt(last_year, 12, 5),
        NaiveDate::from_ymd_opt(last_year, 12, 18),
        NaiveDate::from_ymd_opt(last_year, 12, 28),
    ) else {
        return Ok(0);
    };
    let communes: Vec<_> = store
        .children(Some(root.unit.id), today)
        .await?
        .into_iter()
        .filter(|n| n.unit.kind == UnitKind::Commune && n.unit.valid_from <= opened)
        .take(MAX_COMMUNES)
        .collect();
    let mut made = 0;
    for c in &communes {
        let plan =
            RoundPlan { period: Period::Year(last_year), quota_percent: 20, due_on: decided + chrono::Duration::days(7), criteria: None };
        let round = store.open_round(&on(opened, "ban tổ chức (dữ liệu mẫu)"), c.unit.id, &plan).await?;
        let sheet = store.round_sheet(round, c.unit.id, today).await?;
        // Proposals by score, then decisions: excellent only within the quota of each group.
        let mut rows: Vec<(i64, storage::EvaluationSubject, domain::ids::UnitId, u8)> =
            sheet.members.iter().map(|m| (m.row.id, m.row.subject, m.row.group, score(&mut rng))).collect();
        rows.extend(sheet.units.iter().map(|u| (u.row.id, u.row.subject, u.row.group, score(&mut rng))));
        for (id, _, _, s) in &rows {
            store
                .record_evaluation_step(&on(proposed, "chi bộ (dữ liệu mẫu)"), *id, 1, Step::Proposal, input(level_for_score(*s), *s))
                .await?;
        }
        let mut groups: std::collections::HashMap<(domain::ids::UnitId, bool), (u32, u32)> = std::collections::HashMap::new();
        for (_, subject, group, s) in &rows {
            let e = groups.entry((*group, matches!(subject, EvaluationSubject::Member(_)))).or_default();
            e.0 += u32::from(level_for_score(*s).good_or_better());
        }
        for (id, subject, group, s) in &rows {
            let mut level = level_for_score(*s);
            let g = groups.entry((*group, matches!(subject, EvaluationSubject::Member(_)))).or_default();
            if level == Level::Excellent {
                if g.1 < quota(g.0, 20) {
                    g.1 += 1;
                } else {
                    level = Level::Good;
                }
            }
            store.record_evaluation_step(&on(decided, "ban thường vụ (dữ liệu mẫu)"), *id, 2, Step::Decision, input(level, *s)).await?;
            made += 1;
        }
        store.close_round(&on(closed, "ban tổ chức (dữ liệu mẫu)"), round).await?;
    }
    // This year's rounds: open, each commune's first chi bộ self-assessed and mostly proposed.
    for (i, c) in communes.iter().enumerate().filter(|_| today.month() >= 11) {
        let opened = today - chrono::Duration::days(10);
        // Due on 20 December, or within days when the demo is made later in the month.
        let due_on = NaiveDate::from_ymd_opt(today.year(), 12, 20).unwrap_or(today).max(today + chrono::Duration::days(3));
        // The first commune scores by its committee's own criteria list.
        let criteria = if i == 0 { demo_criteria() } else { None };
        let plan = RoundPlan { period: Period::Year(today.year()), quota_percent: 20, due_on, criteria };
        let round = store.open_round(&on(opened, "ban tổ chức (dữ liệu mẫu)"), c.unit.id, &plan).await?;
        let sheet = store.round_sheet(round, c.unit.id, today).await?;
        let first_group = sheet.members.first().map(|m| m.row.group);
        for m in sheet.members.iter().filter(|m| Some(m.row.group) == first_group) {
            let s = score(&mut rng);
            let who = on(today - chrono::Duration::days(5), "đảng viên (dữ liệu mẫu)");
            let scored = |level| StepInput { points: split(plan.criteria.as_ref(), s), ..input(level, s) };
            store.record_evaluation_step(&who, m.row.id, 1, Step::SelfAssessment, scored(level_for_score(s))).await?;
            if rng.random_bool(0.7) {
                let who = on(today - chrono::Duration::days(2), "chi bộ (dữ liệu mẫu)");
                store.record_evaluation_step(&who, m.row.id, 2, Step::Proposal, scored(level_for_score(s).min_rank(Level::Good))).await?;
            }
        }
    }
    Ok(made)
}

/// A commune committee's own criteria list (the headings of the 100-point framework as the
/// press reported them; the points are the committee's).
fn demo_criteria() -> Option<Criteria> {
    let items = [
        ("Phẩm chất chính trị, tư tưởng", 20),
        ("Đạo đức, lối sống, ý thức tổ chức kỷ luật", 20),
        ("Kết quả thực hiện chức trách, nhiệm vụ được giao", 50),
        ("Tham gia sinh hoạt nơi cư trú", 10),
    ];
    Criteria::new(items.into_iter().map(|(name, max_points)| Criterion { name: name.into(), max_points }).collect()).ok()
}

/// A total score split over a criteria list in proportion to each criterion's most (none
/// without a list), so the points add up to the total.
fn split(criteria: Option<&Criteria>, total: u8) -> Vec<String> {
    let Some(criteria) = criteria else { return Vec::new() };
    let mut points: Vec<u32> = criteria.items().iter().map(|c| u32::from(total) * u32::from(c.max_points) / 100).collect();
    let mut left = u32::from(total) - points.iter().sum::<u32>();
    for (p, c) in points.iter_mut().zip(criteria.items()) {
        let room = (u32::from(c.max_points) - *p).min(left);
        *p += room;
        left -= room;
    }
    points.iter().map(u32::to_string).collect()
}

/// A level no better than `cap` (a chi bộ proposing more cautiously than the self-assessment).
trait Cap {
    fn min_rank(self, cap: Level) -> Level;
}

impl Cap for Level {
    fn min_rank(self, cap: Level) -> Level {
        if self.rank() > cap.rank() { cap } else { self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_list_holds_and_a_total_splits_within_it() {
        let list = demo_criteria();
        assert!(list.is_some(), "the demo's list sums to 100");
        for total in [0_u8, 49, 87, 100] {
            let points = split(list.as_ref(), total);
            let (_, sum) = list.as_ref().unwrap().score(&points).unwrap();
            assert_eq!(sum, total, "{points:?}");
        }
        assert!(split(None, 80).is_empty());
    }
}
