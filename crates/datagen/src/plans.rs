//! What the committees of the generated province plan admissions by (docs/design/admission.md
//! "Terms and occasions"): a yearly target for every year since 2020 for the province and each
//! unit directly under it, computed from what each admitted that year so progress looks real;
//! two congress terms with their term targets — 2020–2025 for the units standing in 2020
//! (grassroots and district congresses in July–August 2020, the province's in October) and
//! 2025–2030 for those standing after the 1 July 2025 reorganization (congresses July–October
//! 2025), so that a merged commune works to its predecessors' term until its own congress; and
//! one occasion added by the province (26/3).
//!
//! Everything goes through the store's use cases (every check applies), deterministic for a seed.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use domain::ids::UnitId;
use rand::Rng;
use rand::rngs::StdRng;
use storage::prelude::*;
use storage::{StoreError, TermInput, WriteContext};

use crate::date;

/// The first year with yearly targets and the first congress term generated.
const FIRST_YEAR: i32 = 2020;
/// A term target is about this many yearly targets (five years).
const YEARS_PER_TERM: u32 = 5;

/// Sets the yearly targets, the terms and the province's occasion.
pub(crate) async fn set_plans(store: &dyn Store, rng: &mut StdRng, today: NaiveDate, ctx: &WriteContext) -> Result<(), StoreError> {
    let yearly = set_yearly_targets(store, rng, today, ctx).await?;
    set_terms(store, rng, today, ctx, &yearly).await?;
    if let Some(root) = store.children(None, today).await?.first() {
        let added = store.occasions(root.unit.id).await?.iter().any(|o| o.day == 26 && o.month == 3);
        if !added {
            store.add_occasion(ctx, root.unit.id, "26/3", "Ngày thành lập Đoàn TNCS Hồ Chí Minh").await?;
        }
    }
    Ok(())
}

/// A target a little above what was admitted (about a third more, at least 1).
fn target_from(admitted: u32, rng: &mut StdRng) -> u32 {
    (admitted * 4 / 3).max(1) + rng.random_range(0..3)
}

/// The yearly targets of the province and each unit directly under it, every year from 2020 to
/// this one; returns them by unit and year.
async fn set_yearly_targets(
    store: &dyn Store,
    rng: &mut StdRng,
    today: NaiveDate,
    ctx: &WriteContext,
) -> Result<HashMap<(UnitId, i32), u32>, StoreError> {
    let mut out = HashMap::new();
    for root in store.children(None, today).await? {
        for year in FIRST_YEAR..=today.year() {
            let report = store.targets(root.unit.id, year, today, None).await?;
            for row in std::iter::once(&report.root).chain(report.children.iter()) {
                let target = target_from(row.total.admitted, rng);
                store.set_target(ctx, row.unit.id, year, None, Some(target)).await?;
                out.insert((row.unit.id, year), target);
            }
        }
    }
    Ok(out)
}

/// The last day of a five-year term that begins on `first`.
fn term_end(first: NaiveDate) -> NaiveDate {
    first.with_year(first.year() + 5).unwrap_or(first) - Duration::days(1)
}

/// A day drawn between `from` and `to`, both included.
fn day_between(rng: &mut StdRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    from + Duration::days(rng.random_range(0..=(to - from).num_days()))
}

async fn set_terms(
    store: &dyn Store,
    rng: &mut StdRng,
    today: NaiveDate,
    ctx: &WriteContext,
    yearly: &HashMap<(UnitId, i32), u32>,
) -> Result<(), StoreError> {
    let eve_2020 = date(2020, 7, 1);
    if today < eve_2020 {
        return Ok(());
    }
    let Some(province) = store.children(None, eve_2020).await?.into_iter().next() else { return Ok(()) };
    let province = province.unit.id;
    // The 2020–2025 term: the province, the units under it and the committees under those.
    let districts = store.children(Some(province), eve_2020).await?;
    let basis_year = (FIRST_YEAR + 1).min(today.year());
    let mut old_terms: HashMap<UnitId, NaiveDate> = HashMap::new();
    let term = |unit: UnitId, first: NaiveDate, yearly_target: u32, rng: &mut StdRng| {
        let target = yearly_target * YEARS_PER_TERM + rng.random_range(0..YEARS_PER_TERM);
        (unit, TermInput { first_day: first, last_day: term_end(first), target: Some(target) })
    };
    let mut wanted =
        vec![term(province, day_between(rng, date(2020, 10, 12), date(2020, 10, 16)), yearly_target(yearly, province, basis_year), rng)];
    for d in &districts {
        let first = day_between(rng, date(2020, 7, 16), date(2020, 8, 31));
        wanted.push(term(d.unit.id, first, yearly_target(yearly, d.unit.id, basis_year), rng));
        if d.unit.kind.holds_members() {
            continue;
        }
        // Grassroots committees under a district: their targets from what they admitted.
        let report = store.targets(d.unit.id, basis_year, today, None).await?;
        for row in report.children.iter().filter(|r| !r.unit.kind.holds_members()) {
            let first = day_between(rng, date(2020, 7, 1), date(2020, 7, 15));
            wanted.push(term(row.unit.id, first, target_from(row.total.admitted, rng), rng));
        }
    }
    for (unit, input) in wanted.into_iter().filter(|(_, t)| t.first_day <= today) {
        old_terms.insert(unit, input.last_day);
        store.create_term(ctx, unit, input).await?;
    }
    // The 2025–2030 term: the province and the units under it after the reorganization. A unit
    // that kept standing holds its congress as its term ends; a new one between August and
    // October 2025 (until then it works to its predecessors' term).
    let after = date(2025, 7, 1);
    if today < after {
        return Ok(());
    }
    let new_year = (after.year() + 1).min(today.year());
    let units: Vec<UnitId> =
        std::iter::once(province).chain(store.children(Some(province), after).await?.into_iter().map(|n| n.unit.id)).collect();
    for unit in units {
        let first = match old_terms.get(&unit) {
            Some(last) => *last + Duration::days(1),
            None => day_between(rng, date(2025, 8, 1), date(2025, 10, 10)),
        };
        if first > today {
            continue;
        }
        let (unit, input) = term(unit, first, yearly_target(yearly, unit, new_year), rng);
        store.create_term(ctx, unit, input).await?;
    }
    Ok(())
}

/// The unit's yearly target of `year` (or of the nearest year it has one), at least 1.
fn yearly_target(yearly: &HashMap<(UnitId, i32), u32>, unit: UnitId, year: i32) -> u32 {
    let mut years: Vec<(i32, u32)> = yearly.iter().filter(|((u, _), _)| *u == unit).map(|((_, y), t)| (*y, *t)).collect();
    years.sort_by_key(|(y, _)| (y - year).abs());
    years.first().map_or(1, |(_, t)| (*t).max(1))
}
