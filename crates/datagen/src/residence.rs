//! Working members' ties to their residence (Quy định 213-QĐ/TW, docs/design/residence.md) for
//! the generated province: of the working members (by occupation) of the first chi bộ, most are
//! introduced to a chi bộ where they live — a letter in January, confirmed by the residence,
//! contacts in the spring and the autumn — a few are exempt (work far away, reachable by phone),
//! some have had no contact for more than six months, and about a third have no comment for the
//! year yet, so the report and the evaluation have something to show.
//!
//! Everything goes through the store's use cases on the days it happens; deterministic for a seed.

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use domain::ids::UnitId;
use domain::residence::{Category, Comment, CommentRating, ContactKind, ResidenceCell, Tie};
use domain::unit::UnitKind;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use storage::prelude::*;
use storage::{StoreError, WriteContext};

/// The most chi bộ whose working members are given ties.
const MAX_CELLS: usize = 100;

fn on(day: NaiveDate, who: &str) -> WriteContext {
    WriteContext::new(who, Utc.from_utc_datetime(&day.and_hms_opt(3, 0, 0).unwrap_or_default()))
}

/// Generates the ties; returns how many members were introduced.
pub async fn generate_ties(store: &dyn Store, seed: u64, today: NaiveDate) -> Result<usize, StoreError> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x0213);
    let Some(root) = store.children(None, today).await?.into_iter().find(|n| n.unit.kind == UnitKind::Province) else {
        return Ok(0);
    };
    let year = today.year();
    let (Some(january), Some(june), Some(october)) =
        (NaiveDate::from_ymd_opt(year, 1, 12), NaiveDate::from_ymd_opt(year, 6, 15), NaiveDate::from_ymd_opt(year, 10, 8))
    else {
        return Ok(0);
    };
    let subtree = store.subtree(root.unit.id, today).await?;
    let names: std::collections::HashMap<UnitId, (String, Option<UnitId>)> =
        subtree.iter().map(|u| (u.id, (u.name.clone(), u.parent_id))).collect();
    // "Số 12, thôn 3, Đảng bộ xã Thanh Hà" from the residence chi bộ's name and its parent's.
    let address = |cell: UnitId, number: u32| {
        let (name, parent) = names.get(&cell).cloned().unwrap_or_default();
        let place = name.strip_prefix("Chi bộ ").unwrap_or(&name).to_owned();
        let above = parent.and_then(|p| names.get(&p)).map(|(n, _)| n.replace("Đảng bộ ", "")).unwrap_or_default();
        format!("Số {number}, {place}, {above}")
    };
    let mut cells: Vec<UnitId> = subtree.iter().filter(|u| u.kind.holds_members()).map(|u| u.id).collect();
    cells.sort();
    if cells.len() < 2 {
        return Ok(0);
    }
    let report = store.residence_report(root.unit.id, year, today).await?;
    let working: std::collections::HashSet<_> = report.working.iter().map(|l| l.member).collect();
    let staff = "tổ chức đảng nơi công tác (dữ liệu mẫu)";
    let mut made = 0;
    for &cell in cells.iter().take(MAX_CELLS) {
        for listed in store.chi_bo_members(cell, today).await? {
            if !working.contains(&listed.member) || rng.random_bool(0.1) {
                continue;
            }
            // Where they live: another chi bộ of the province.
            let home = cells[rng.random_range(0..cells.len())];
            let home = if home == cell { cells[(cells.iter().position(|c| *c == cell).unwrap_or(0) + 1) % cells.len()] } else { home };
            let exempt = rng.random_bool(0.06);
            let tie = Tie {
                category: if exempt { Category::IntroducedExempt } else { Category::Introduced },
                reason: exempt.then(|| "Làm việc lưu động tại công trình xa nơi cư trú".to_owned()),
                address: address(home, rng.random_range(1..200)),
                cell: Some(ResidenceCell::Internal(home)),
                letter: Some((format!("{}-GGT/ĐU", rng.random_range(1..300)), january)),
                confirmed_on: rng.random_bool(0.9).then(|| january + chrono::Duration::days(rng.random_range(5..25))),
                reach: exempt.then(|| format!("09{:08}", rng.random_range(10_000_000..99_999_999))),
            };
            store.set_residence_tie(&on(january, staff), listed.member, tie, None).await?;
            made += 1;
            // Contacts: most in the spring and the autumn, some only in the spring (overdue by now).
            let habit: f64 = rng.random();
            for (day, wanted) in [(june, habit < 0.95), (october, habit < 0.8)] {
                if wanted && day <= today {
                    store
                        .add_residence_contact(&on(day, staff), listed.member, day, ContactKind::Meeting, "Dự họp với chi bộ nơi cư trú")
                        .await?;
                }
            }
            // The year's comment: about two in three so far.
            if !exempt && rng.random_bool(0.66) && today.month() >= 11 {
                let rating = if rng.random_bool(0.95) { CommentRating::Good } else { CommentRating::NotGood };
                let text = match rating {
                    CommentRating::Good => "Gương mẫu thực hiện quy định nơi cư trú, tham gia đầy đủ sinh hoạt khu dân cư.",
                    CommentRating::NotGood => "Ít tham gia sinh hoạt khu dân cư, chưa giữ mối liên hệ thường xuyên.",
                };
                let day = today - chrono::Duration::days(rng.random_range(1..20));
                let comment = Comment { year, rating, text: text.into(), signer: "Bí thư chi bộ nơi cư trú".into(), on: day };
                store.add_residence_comment(&on(day, "chi ủy nơi cư trú (dữ liệu mẫu)"), listed.member, comment).await?;
            }
        }
    }
    Ok(made)
}
