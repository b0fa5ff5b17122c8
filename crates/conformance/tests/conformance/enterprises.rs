//! The enterprise register on both engines: an enterprise registered once by tax code, edited at
//! its version, its party organization once founded (a unit standing that day); the year's
//! progress — founded against the founding target, admissions against the admission targets'
//! private-enterprise sub-target — in the committees' sentence; the desk keeps to its scope.

use conformance::{TestStore, on_both_engines};
use domain::access::Role;
use domain::enterprises::{Enterprise, EnterpriseFields};
use domain::pipeline::TargetGroup;
use domain::unit::UnitKind::*;
use storage::StoreError;
use storage::prelude::*;

use crate::fixtures::*;

on_both_engines!(a_register_of_enterprises_and_the_years_progress);

fn enterprise(tax_code: &str, party: Option<domain::ids::UnitId>, founded_on: &str) -> Enterprise {
    let fields = EnterpriseFields {
        name: "Công ty TNHH May Thành Công",
        tax_code,
        ownership: "tu-nhan",
        workers: "800",
        trade_union: true,
        party_unit: party,
        founded_on,
        decision: if party.is_some() { "125-QĐ/ĐU" } else { "" },
        ..EnterpriseFields::default()
    };
    Enterprise::parse(&fields, ctx().today).unwrap()
}

async fn a_register_of_enterprises_and_the_years_progress(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã Xuân", Some(province), d(2000, 1, 1)).await;
    let other = unit(s, Commune, "Y", "Đảng bộ xã Yên", Some(province), d(2000, 1, 1)).await;
    let company_cell = unit(s, GrassrootsCell, "XC", "Chi bộ Công ty May Thành Công", Some(commune), d(2026, 3, 15)).await;
    member(s, "Nguyễn Văn An", "nam", "01/01/1990", &cccd(1), company_cell, d(2026, 4, 1), false).await;

    let first = s.add_enterprise(&ctx(), commune, enterprise("0101234567", None, "")).await.unwrap();
    assert_eq!(codes(s.add_enterprise(&ctx(), commune, enterprise("0101234567", None, "")).await.unwrap_err()), ["duplicate"]);
    s.add_enterprise(&ctx(), commune, enterprise("0109999999", None, "")).await.unwrap();
    // Founded on 15/3/2026: the unit must stand that day.
    let too_early = enterprise("0101234567", Some(company_cell), "01/03/2026");
    assert_eq!(codes(s.update_enterprise(&ctx(), first, 1, too_early).await.unwrap_err()), ["not_standing"]);
    s.update_enterprise(&ctx(), first, 1, enterprise("0101234567", Some(company_cell), "15/03/2026")).await.unwrap();
    assert!(matches!(s.update_enterprise(&ctx(), first, 1, enterprise("0101234567", None, "")).await, Err(StoreError::Conflict { .. })));

    let lines = s.enterprises_under(province, ctx().today).await.unwrap();
    assert_eq!(lines.len(), 2);
    let founded = lines.iter().find(|l| l.row.id == first).unwrap();
    assert_eq!((founded.members, founded.party_name.as_deref().is_some_and(|n| n.contains("Chi bộ Công ty"))), (1, true));
    assert!(s.enterprises_under(other, ctx().today).await.unwrap().is_empty());

    // The year's progress: 1 founded of 8, 0 admitted of 40 in private enterprises.
    s.set_founding_target(&ctx(), commune, 2026, 8).await.unwrap();
    s.set_target(&ctx(), commune, 2026, Some(TargetGroup::PrivateEnterprise), Some(40)).await.unwrap();
    let report = s.enterprise_report(commune, 2026, ctx().today).await.unwrap();
    assert_eq!((report.enterprises, report.with_party, report.workers), (2, 1, 1600));
    assert_eq!(report.sentence(), "kết nạp 0 / chỉ tiêu 40 đảng viên trong doanh nghiệp tư nhân; thành lập 1 / 8 tổ chức đảng");
    let last_year = s.enterprise_report(commune, 2025, ctx().today).await.unwrap();
    assert_eq!(last_year.founded.done, 0);

    // Another commune's staff neither read nor write here; an inspector reads, writes nothing.
    let stranger = access(&t.store, &[(Role::OrgBoardStaff, Some(other))]);
    assert!(matches!(stranger.enterprises().unwrap().list(commune).await, Err(StoreError::NotFound)));
    assert!(matches!(stranger.enterprises().unwrap().add(commune, enterprise("0105555555", None, "")).await, Err(StoreError::NotFound)));
    // The party organization named in the body must be one the caller reads.
    let e = enterprise("0105555555", Some(company_cell), "15/03/2026");
    assert!(matches!(stranger.enterprises().unwrap().add(other, e).await, Err(StoreError::NotFound)));
    let inspector = access(&t.store, &[(Role::Inspector, Some(commune))]);
    assert_eq!(inspector.enterprises().unwrap().list(commune).await.unwrap().len(), 2);
    assert!(matches!(inspector.enterprises().unwrap().set_target(commune, 2026, 3).await, Err(StoreError::Forbidden)));
}
