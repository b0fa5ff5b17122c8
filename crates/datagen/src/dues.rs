//! A year of party dues (docs/design/dues.md) for the first chi bộ of the generated province: each
//! member's basis from January (salaries, pensions, students, others; a few declared in the
//! handbook and waiting for the chi bộ), a few reductions, the payments of every month that has
//! ended (and of this month for most), a few members who skip months — some three or more, so the
//! arrears and the strike-off list have something to show — and the remittances of each unit up
//! the tree, deepest first, the last month left to remit in some.
//!
//! Everything goes through the store's use cases on the days it happens; deterministic for a seed.

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use domain::dates::Month;
use domain::dues::{Basis, BasisKind, PayMethod, PaymentInput, Relief, ReliefKind};
use domain::ids::UnitId;
use domain::unit::UnitKind;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use storage::prelude::*;
use storage::{BasisSource, StoreError, WriteContext};

/// The most chi bộ given dues (a city's first ones; enough for every screen).
const MAX_CELLS: usize = 200;

fn on(day: NaiveDate, who: &str) -> WriteContext {
    WriteContext::new(who, Utc.from_utc_datetime(&day.and_hms_opt(3, 0, 0).unwrap_or_default()))
}

/// A basis drawn for a member: salaries and pensions in round thousands.
fn draw_basis(rng: &mut StdRng) -> Result<Basis, StoreError> {
    let x: f64 = rng.random();
    let (kind, amount) = if x < 0.45 {
        (BasisKind::SocialInsurance, Some(rng.random_range(500..1_500) * 10_000))
    } else if x < 0.70 {
        (BasisKind::Pension, Some(rng.random_range(400..900) * 10_000))
    } else if x < 0.74 {
        (BasisKind::SocialPension, None)
    } else if x < 0.80 {
        (BasisKind::Student, None)
    } else {
        (BasisKind::Other, None)
    };
    Basis::new(kind, amount).map_err(|e| StoreError::invalid("basis", e.code, e.message))
}

/// Generates the year's dues; returns the payments recorded.
pub async fn generate_dues(store: &dyn Store, seed: u64, today: NaiveDate) -> Result<usize, StoreError> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0xD0E5);
    let Some(root) = store.children(None, today).await?.into_iter().find(|n| n.unit.kind == UnitKind::Province) else {
        return Ok(0);
    };
    let year = today.year();
    let january = Month { year, month: 1 };
    let this_month = Month::of(today);
    let subtree = store.subtree(root.unit.id, today).await?;
    let mut cells: Vec<UnitId> = subtree.iter().filter(|u| u.kind.holds_members()).map(|u| u.id).collect();
    cells.sort();
    cells.truncate(MAX_CELLS);
    let mut payments = 0;
    for &cell in &cells {
        let treasurer = "bí thư chi bộ (dữ liệu mẫu)";
        for listed in store.chi_bo_members(cell, today).await? {
            let member = listed.member;
            let basis = draw_basis(&mut rng)?;
            let start = january.first_day();
            // A few declared their basis in the handbook and wait for the chi bộ.
            if rng.random_bool(0.04) {
                store.record_dues_basis(&on(today, "đảng viên (dữ liệu mẫu)"), member, january, basis, BasisSource::Member).await?;
                continue;
            }
            store.record_dues_basis(&on(start, treasurer), member, january, basis, BasisSource::Staff).await?;
            if rng.random_bool(0.03) && this_month.month > 3 {
                let from = Month { year, month: 2 };
                let relief = Relief::new(ReliefKind::Reduce50, from, Month { year, month: 7.min(this_month.month) })
                    .map_err(|e| StoreError::invalid("relief", e.code, e.message))?;
                let decision = format!("Nghị quyết chi bộ số {}-NQ/CB ngày 05/02/{year}", rng.random_range(1..30));
                store.record_dues_relief(&on(from.first_day(), treasurer), member, relief, &decision).await?;
            }
            // Habits: most pay every month; some skip one or two; a few three or more.
            let skips: Vec<u32> = match rng.random_range(0..100) {
                0..4 => (0..rng.random_range(3..6)).map(|_| rng.random_range(1..this_month.month.max(2))).collect(),
                4..10 => (0..rng.random_range(1..3)).map(|_| rng.random_range(1..this_month.month.max(2))).collect(),
                _ => Vec::new(),
            };
            let dues = store.member_dues(member, year, today).await?;
            for account in &dues.months {
                let m = account.month;
                if skips.contains(&m.month) || account.due() == 0 {
                    continue;
                }
                let paid_on = if m == this_month {
                    if !rng.random_bool(0.6) || today.day() < 10 {
                        continue;
                    }
                    today
                } else {
                    m.first_day() + chrono::Duration::days(rng.random_range(4..20))
                };
                // Now and then a part payment.
                let amount = if rng.random_bool(0.02) { account.due() / 2 } else { account.due() };
                let method = if rng.random_bool(0.3) { PayMethod::Portal } else { PayMethod::Cash };
                let payment = PaymentInput { month: m, amount, paid_on, method };
                match store.record_dues_payment(&on(paid_on, treasurer), member, payment).await {
                    Ok(_) => payments += 1,
                    // The member was on no list that day (arrived during the year): not owed here.
                    Err(StoreError::Invalid(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    // Remittances, deepest units first so each level's receipts are in before it remits; the
    // last ended month left to remit in about a fifth of the units.
    let parents: std::collections::HashMap<UnitId, Option<UnitId>> = subtree.iter().map(|u| (u.id, u.parent_id)).collect();
    let depth = |mut id: UnitId| {
        let mut d = 0u32;
        while let Some(Some(p)) = parents.get(&id) {
            id = *p;
            d += 1;
        }
        d
    };
    let mut units: Vec<(u32, UnitId)> = subtree.iter().filter(|u| u.kind != UnitKind::Group).map(|u| (depth(u.id), u.id)).collect();
    units.sort_by_key(|(depth, id)| (std::cmp::Reverse(*depth), *id));
    for (_, unit) in units {
        let leave_last = rng.random_bool(0.2);
        for month in Month::of_year(year).take_while(|m| *m < this_month) {
            if leave_last && month == this_month.previous() {
                continue;
            }
            let day = month.next().first_day() + chrono::Duration::days(9);
            let ctx = on(day.min(today), "kế toán đảng phí (dữ liệu mẫu)");
            match store.remit_dues(&ctx, unit, month).await {
                Ok(_) | Err(StoreError::Invalid(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(payments)
}
