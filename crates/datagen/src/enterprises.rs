//! The enterprise register (docs/design/enterprises.md) for the generated province: each of the
//! first communes registers a few private enterprises (names invented), one of them with the
//! party organization founded this year on one of its chi bộ, and sets this year's target for
//! founding party organizations.
//!
//! Everything goes through the store's use cases; deterministic for a seed.

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use domain::enterprises::{Enterprise, EnterpriseFields};
use domain::unit::UnitKind;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use storage::prelude::*;
use storage::{StoreError, WriteContext};

const NAMES: &[&str] = &[
    "Công ty TNHH May Thành Công",
    "Công ty cổ phần Cơ khí Hòa Bình",
    "Công ty TNHH Thực phẩm An Khang",
    "Công ty TNHH Chế biến gỗ Minh Long",
    "Công ty cổ phần Vận tải Sao Mai",
    "Công ty TNHH Xây dựng Phú Thịnh",
    "Công ty TNHH Điện tử Tân Tiến",
    "Công ty cổ phần Nông sản Hưng Thịnh",
];

/// The most communes given a register.
const MAX_COMMUNES: usize = 20;

fn on(day: NaiveDate) -> WriteContext {
    WriteContext::new("ban tổ chức (dữ liệu mẫu)", Utc.from_utc_datetime(&day.and_hms_opt(3, 0, 0).unwrap_or_default()))
}

fn invalid(e: domain::ValidationErrors) -> StoreError {
    StoreError::Invalid(e)
}

/// Generates the registers; returns how many enterprises were registered.
pub async fn generate_enterprises(store: &dyn Store, seed: u64, today: NaiveDate) -> Result<usize, StoreError> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0xE17E);
    let Some(root) = store.children(None, today).await?.into_iter().find(|n| n.unit.kind == UnitKind::Province) else {
        return Ok(0);
    };
    let Some(jan) = NaiveDate::from_ymd_opt(today.year(), 1, 15) else { return Ok(0) };
    let communes: Vec<_> = store
        .children(Some(root.unit.id), today)
        .await?
        .into_iter()
        .filter(|n| n.unit.kind == UnitKind::Commune)
        .take(MAX_COMMUNES)
        .collect();
    let mut made = 0;
    for (i, c) in communes.iter().enumerate() {
        let cells: Vec<_> = store.subtree(c.unit.id, today).await?.into_iter().filter(|u| u.kind.holds_members()).collect();
        let how_many = rng.random_range(3..6);
        for k in 0..how_many {
            let tax = format!("{:010}", 2_800_000_000u64 + (i as u64) * 100 + k as u64);
            let (workers, members) = (rng.random_range(30..2_000).to_string(), rng.random_range(0..6).to_string());
            // The first one's party organization was founded this year on a chi bộ of the commune.
            let founded = (k == 0).then(|| cells.first()).flatten();
            let founded_on =
                founded.map(|u| u.valid_from.max(jan).min(today)).map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default();
            let fields = EnterpriseFields {
                name: NAMES[(i + k) % NAMES.len()],
                tax_code: &tax,
                ownership: if rng.random_bool(0.2) { "von-nuoc-ngoai" } else { "tu-nhan" },
                address: "",
                workers: &workers,
                trade_union: rng.random_bool(0.7),
                youth_union: rng.random_bool(0.4),
                members_without_organization: if founded.is_some() { "0" } else { &members },
                party_unit: founded.map(|u| u.id),
                founded_on: &founded_on,
                decision: if founded.is_some() { "12-QĐ/ĐU" } else { "" },
            };
            let e = Enterprise::parse(&fields, today).map_err(invalid)?;
            store.add_enterprise(&on(today), c.unit.id, e).await?;
            made += 1;
        }
        store.set_founding_target(&on(jan), c.unit.id, today.year(), rng.random_range(2..5)).await?;
    }
    Ok(made)
}
