//! The enterprise register (docs/design/enterprises.md) for the generated province: each of the
//! first communes registers a few private enterprises (names invented), founds the party
//! organization of the first one this year (a new chi bộ named after it, by the commune's
//! decision), and sets this year's target for founding party organizations.
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
        let how_many = rng.random_range(3..6);
        for k in 0..how_many {
            let tax = format!("{:010}", 2_800_000_000u64 + (i as u64) * 100 + k as u64);
            let (workers, members) = (rng.random_range(30..2_000).to_string(), rng.random_range(0..6).to_string());
            let name = NAMES[(i + k) % NAMES.len()];
            // The first one's party organization: a chi bộ founded this year by the commune.
            let founded_day = (jan + chrono::Duration::days(rng.random_range(30..200))).min(today);
            let founded = if k == 0 { Some(found_cell(store, c.unit.id, &c.unit.code, name, founded_day).await?) } else { None };
            let founded_on = founded.map(|_| founded_day.format("%d/%m/%Y").to_string()).unwrap_or_default();
            let fields = EnterpriseFields {
                name,
                tax_code: &tax,
                ownership: if rng.random_bool(0.2) { "von-nuoc-ngoai" } else { "tu-nhan" },
                address: "",
                workers: &workers,
                trade_union: rng.random_bool(0.7),
                youth_union: rng.random_bool(0.4),
                members_without_organization: if founded.is_some() { "0" } else { &members },
                party_unit: founded,
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

/// Founds the chi bộ of an enterprise under `commune` on `day` ("Chi bộ Công ty TNHH …").
async fn found_cell(
    store: &dyn Store,
    commune: domain::ids::UnitId,
    code: &str,
    company: &str,
    day: NaiveDate,
) -> Result<domain::ids::UnitId, StoreError> {
    let bad = |e: domain::FieldError| StoreError::invalid("unit", e.code, e.message);
    let spec = storage::UnitSpec {
        kind: UnitKind::Cell,
        code: domain::ids::UnitCode::parse(&format!("{code}-DN")).map_err(bad)?,
        name: format!("Chi bộ {company}"),
        parent: Some(commune),
    };
    let decision = storage::OrgDecision {
        effective: day,
        basis: domain::unit::LegalBasis {
            number: domain::ids::DecisionNumber::parse("12-QĐ/ĐU").map_err(bad)?,
            date: day,
            issuer: "Đảng ủy xã (dữ liệu mẫu)".into(),
        },
        note: None,
    };
    store.create_unit(&on(day), storage::NewUnit { spec, decision }).await
}
