//! Party dues on both engines: bases recorded and declared then confirmed, what is due under each
//! regulation (342-QĐ/TW to February 2026, 01-QĐ/TW from March; party age 50 exempt), payments
//! credited to the chi bộ of the day, the ledger that balances month by month with each level's
//! share and its remittances (a second one for a late payment, none when nothing is owed),
//! arrears that reach the strike-off list, reliefs, cancellations; the desk keeps to its scope.

use std::sync::Arc;

use conformance::{TestStore, on_both_engines};
use domain::access::Role;
use domain::dates::Month;
use domain::dues::{Basis, BasisKind, DuesSettings, Exemption, PayMethod, PaymentInput, Relief, ReliefKind, RetainedShares, Standing};
use domain::ids::{MemberId, UnitId};
use domain::strike_off::Trigger;
use domain::unit::UnitKind::*;
use storage::prelude::*;
use storage::{BasisSource, SqlStore, StoreError};

use crate::fixtures::*;

on_both_engines!(dues_from_basis_to_ledger, the_dues_desk_keeps_to_its_scope);

fn m(year: i32, month: u32) -> Month {
    Month::new(year, month).unwrap()
}

/// A province, a commune, chi bộ A (An, Bình admitted 15/7/1976) and B (Cường).
struct World {
    province: UnitId,
    commune: UnitId,
    a: UnitId,
    b: UnitId,
    an: MemberId,
    binh: MemberId,
    cuong: MemberId,
}

async fn world(s: &dyn Store) -> World {
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(1970, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã Xuân", Some(province), d(1970, 1, 1)).await;
    let a = unit(s, GrassrootsCell, "XA", "Chi bộ thôn An", Some(commune), d(1970, 1, 1)).await;
    let b = unit(s, GrassrootsCell, "XB", "Chi bộ thôn Bình", Some(commune), d(1970, 1, 1)).await;
    let an = member(s, "Nguyễn Văn An", "nam", "01/01/1980", &cccd(1), a, d(2010, 1, 5), true).await;
    let binh = member(s, "Trần Thị Bình", "nu", "01/01/1950", &cccd(2), a, d(1976, 7, 15), true).await;
    let cuong = member(s, "Lê Văn Cường", "nam", "01/01/2004", &cccd(3), b, d(2024, 3, 2), true).await;
    World { province, commune, a, b, an, binh, cuong }
}

fn paid(month: Month, amount: u64, on: chrono::NaiveDate) -> PaymentInput {
    PaymentInput { month, amount, paid_on: on, method: PayMethod::Cash }
}

/// Pays `amount` for each month given, on the 10th of that month.
async fn pay_months(s: &dyn Store, member: MemberId, months: &[u32], amount: u64) {
    for &k in months {
        let on = d(2026, k, 10);
        s.record_dues_payment(&at(on), member, paid(m(2026, k), amount, on)).await.unwrap();
    }
}

async fn dues_from_basis_to_ledger(t: &TestStore) {
    let settings =
        DuesSettings { retained: RetainedShares { grassroots: 30, upper: 50, ..RetainedShares::default() }, ..DuesSettings::default() };
    let store = Arc::new(SqlStore::open(t.database().await).await.unwrap().with_dues_settings(settings));
    let s = store.as_ref();
    let w = world(s).await;
    let today = ctx().today;
    assert_eq!(today, d(2026, 11, 25));

    // Nothing recorded: nothing can be assessed.
    let sheet = s.dues_sheet(w.a, m(2026, 5), today).await.unwrap();
    assert_eq!(sheet.lines.len(), 2);
    assert!(sheet.lines.iter().all(|l| l.account.standing == Standing::NoBasis));
    assert!(matches!(s.dues_sheet(w.commune, m(2026, 5), today).await, Err(StoreError::Invalid(_))), "a sheet is a chi bộ's");

    // The chi bộ records An's salary; Bình declares her pension, the chi bộ confirms it once.
    let salary = Basis::new(BasisKind::SocialInsurance, Some(8_000_000)).unwrap();
    s.record_dues_basis(&ctx(), w.an, m(2026, 1), salary, BasisSource::Staff).await.unwrap();
    let pension = Basis::new(BasisKind::Pension, Some(6_000_000)).unwrap();
    let declared = s.record_dues_basis(&ctx(), w.binh, m(2026, 1), pension, BasisSource::Member).await.unwrap();
    let sheet = s.dues_sheet(w.a, m(2026, 5), today).await.unwrap();
    let binh = sheet.lines.iter().find(|l| l.member == w.binh).unwrap();
    assert_eq!((binh.basis, binh.waiting.len(), binh.account.standing), (None, 1, Standing::NoBasis));
    assert_eq!(s.dues_basis_member(declared).await.unwrap(), w.binh);
    s.confirm_dues_basis(&ctx(), declared).await.unwrap();
    assert!(matches!(s.confirm_dues_basis(&ctx(), declared).await, Err(StoreError::Conflict { .. })));
    let cuong_basis = Basis::new(BasisKind::Student, None).unwrap();
    s.record_dues_basis(&ctx(), w.cuong, m(2026, 1), cuong_basis, BasisSource::Staff).await.unwrap();

    // What is due: February under 342-QĐ/TW, from March under 01-QĐ/TW; Bình reaches party age
    // 50 on 15/7/2026 and is exempt from July.
    let an = s.member_dues(w.an, 2026, today).await.unwrap();
    let feb = an.months.iter().find(|a| a.month == m(2026, 2)).unwrap().assessment.clone().unwrap();
    assert_eq!((feb.regulation.code(), feb.due), ("342-qd-tw", 80_000));
    let mar = an.months.iter().find(|a| a.month == m(2026, 3)).unwrap().assessment.clone().unwrap();
    assert_eq!((mar.regulation.code(), mar.due), ("01-qd-tw", 80_000));
    let binh_year = s.member_dues(w.binh, 2026, today).await.unwrap();
    let month = |k: u32| binh_year.months.iter().find(|a| a.month == m(2026, k)).unwrap().assessment.clone().unwrap();
    assert_eq!((month(6).due, month(6).exemption), (30_000, None));
    assert_eq!((month(7).due, month(7).exemption), (0, Some(Exemption::PartyAge50)));
    // Cường, a student: 342-QĐ/TW's "other members" rate in January, 5.000 đ from March.
    let cuong = s.member_dues(w.cuong, 2026, today).await.unwrap();
    assert_eq!(cuong.months[0].due(), 10_000);
    assert_eq!(cuong.months[2].due(), 5_000);

    // Payments: An misses February, May and September; Bình pays until her exemption; Cường
    // pays from March.
    pay_months(s, w.an, &[1, 3, 4, 6, 7, 8, 10, 11], 80_000).await;
    pay_months(s, w.binh, &[1, 2, 3, 4, 5, 6], 30_000).await;
    pay_months(s, w.cuong, &[3, 4, 5, 6, 7, 8, 9, 10], 5_000).await;
    // A payment is credited to a list the member was on that day, from the admission on.
    let e = s.record_dues_payment(&ctx(), w.cuong, paid(m(2024, 1), 5_000, d(2024, 1, 10))).await.unwrap_err();
    assert_eq!(codes(e), ["not_on_list"]);
    let e = s.record_dues_payment(&ctx(), w.cuong, paid(m(2024, 2), 5_000, d(2024, 3, 10))).await.unwrap_err();
    assert_eq!(codes(e), ["before_admission"]);

    let sheet = s.dues_sheet(w.a, m(2026, 5), today).await.unwrap();
    let line = |id: MemberId| sheet.lines.iter().find(|l| l.member == id).unwrap().clone();
    assert_eq!((line(w.an).account.standing, line(w.an).unpaid_in_year), (Standing::Unpaid, 3));
    assert_eq!(line(w.binh).account.standing, Standing::Paid);
    assert_eq!((sheet.due(), sheet.paid(), sheet.owed()), (110_000, 30_000, 80_000));
    // November is not over: open, not unpaid.
    let nov = s.dues_sheet(w.a, m(2026, 11), today).await.unwrap();
    assert!(nov.lines.iter().all(|l| l.account.standing != Standing::Unpaid));

    // The ledger of chi bộ A: January collected 80.000 + 30.000, 30 % kept.
    let ledger = s.dues_ledger(w.a, 2026, today).await.unwrap();
    assert!(ledger.months.iter().all(|l| l.balances()));
    let jan = ledger.months[0];
    assert_eq!((jan.collected, jan.received, jan.retained, jan.to_remit, jan.remitted), (110_000, 0, 33_000, 77_000, 0));
    assert_eq!(ledger.share, 30);
    assert_eq!(ledger.parent.as_ref().map(|p| p.0), Some(w.commune));
    // Remitted once; a second time nothing is owed.
    assert_eq!(s.remit_dues(&ctx(), w.a, m(2026, 1)).await.unwrap(), 77_000);
    assert_eq!(codes(s.remit_dues(&ctx(), w.a, m(2026, 1)).await.unwrap_err()), ["nothing_to_remit"]);
    assert_eq!(codes(s.remit_dues(&ctx(), w.a, m(2026, 12)).await.unwrap_err()), ["future"]);
    // A late entry for January (An paid December in advance on 28/1): the month owes the rest.
    s.record_dues_payment(&at(d(2026, 1, 28)), w.an, paid(m(2026, 12), 80_000, d(2026, 1, 28))).await.unwrap();
    assert_eq!(s.remit_dues(&ctx(), w.a, m(2026, 1)).await.unwrap(), 56_000);
    let jan = s.dues_ledger(w.a, 2026, today).await.unwrap().months[0];
    assert_eq!((jan.collected, jan.to_remit, jan.remitted, jan.outstanding()), (190_000, 133_000, 133_000, 0));
    // The commune received it for January and keeps half; it remits to the province.
    let commune = s.dues_ledger(w.commune, 2026, today).await.unwrap();
    let jan = commune.months[0];
    assert_eq!((jan.collected, jan.received, jan.retained, jan.to_remit), (0, 133_000, 66_500, 66_500));
    assert_eq!(commune.children.len(), 2);
    let child_a = commune.children.iter().find(|c| c.unit == w.a).unwrap();
    // An: eight months and December in advance (9 × 80.000); Bình: six months (6 × 30.000).
    assert_eq!((child_a.remitted, child_a.income), (133_000, 900_000));
    assert_eq!(s.remit_dues(&ctx(), w.commune, m(2026, 1)).await.unwrap(), 66_500);
    let province = s.dues_ledger(w.province, 2026, today).await.unwrap();
    assert_eq!((province.months[0].received, province.parent), (66_500, None));

    // Arrears under the commune: An has three months unpaid, Cường two (January and February).
    let arrears = s.dues_arrears(w.commune, 2026, today).await.unwrap();
    assert_eq!(arrears.iter().map(|l| l.member).collect::<Vec<_>>(), vec![w.an, w.cuong]);
    assert_eq!(arrears[0].arrears.unpaid, vec![m(2026, 2), m(2026, 5), m(2026, 9)]);
    assert!(arrears[0].arrears.proposes_strike_off() && !arrears[1].arrears.proposes_strike_off());
    assert_eq!(commune.members_flagged, 1);
    // The worklist: chi bộ A remitted January only; both owe; nobody's declaration waits.
    let due = s.dues_due(w.a, today).await.unwrap();
    let months = |ks: &[u32]| ks.iter().map(|k| m(2026, *k)).collect::<Vec<_>>();
    assert_eq!(due.to_remit, months(&[2, 3, 4, 5, 6, 7, 8, 10]), "ended months that collected money not sent up (none paid in September)");
    assert_eq!(due.members, Some(storage::DuesMembersDue { declarations: 0, owing: 1, flagged: 1 }));
    let declared = s.record_dues_basis(&ctx(), w.cuong, m(2026, 11), cuong_basis, BasisSource::Member).await.unwrap();
    let due = s.dues_due(w.commune, today).await.unwrap();
    assert_eq!(due.members, Some(storage::DuesMembersDue { declarations: 1, owing: 2, flagged: 1 }));
    assert!(due.to_remit.is_empty(), "the commune sent on all it received");
    s.confirm_dues_basis(&ctx(), declared).await.unwrap();
    // The strike-off list shows what the dues show.
    let list = s.strike_off_list(w.commune, today).await.unwrap();
    let flag = list.flags.iter().find(|f| f.trigger == Trigger::UnpaidDues).unwrap();
    assert_eq!(flag.member, w.an);
    assert!(flag.evidence.contains("02/2026, 05/2026, 09/2026"), "{}", flag.evidence);

    // Cường's January and February are exempt by a decision: no arrears left for him.
    let relief = Relief::new(ReliefKind::Exempt, m(2026, 1), m(2026, 2)).unwrap();
    assert_eq!(codes(s.record_dues_relief(&ctx(), w.cuong, relief, "  ").await.unwrap_err()), ["required"]);
    s.record_dues_relief(&ctx(), w.cuong, relief, "Quyết định số 12-QĐ/ĐU ngày 05/3/2026").await.unwrap();
    let arrears = s.dues_arrears(w.commune, 2026, today).await.unwrap();
    assert_eq!(arrears.iter().map(|l| l.member).collect::<Vec<_>>(), vec![w.an]);

    // A payment recorded by mistake is cancelled once; its month is unpaid again.
    let october = s.member_dues(w.an, 2026, today).await.unwrap().payments.into_iter().find(|p| p.month == m(2026, 10)).unwrap();
    assert_eq!(s.dues_payment_member(october.id).await.unwrap(), w.an);
    assert_eq!(codes(s.cancel_dues_payment(&ctx(), october.id, "").await.unwrap_err()), ["required"]);
    s.cancel_dues_payment(&ctx(), october.id, "Ghi nhầm tháng").await.unwrap();
    assert!(matches!(s.cancel_dues_payment(&ctx(), october.id, "lần nữa").await, Err(StoreError::NotFound)));
    assert_eq!(s.member_dues(w.an, 2026, today).await.unwrap().arrears.unpaid.len(), 4);

    // Another server process reads the same.
    let other = t.reopen().await;
    assert_eq!(other.member_dues(w.an, 2026, today).await.unwrap().payments.len(), 8);
}

async fn the_dues_desk_keeps_to_its_scope(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let salary = Basis::new(BasisKind::SocialInsurance, Some(5_000_000)).unwrap();
    s.record_dues_basis(&ctx(), w.cuong, m(2026, 1), salary, BasisSource::Staff).await.unwrap();
    let theirs = s.record_dues_payment(&ctx(), w.cuong, paid(m(2026, 11), 50_000, d(2026, 11, 20))).await.unwrap();

    let secretary = access(&t.store, &[(Role::CellSecretary, Some(w.a))]);
    let desk = secretary.dues().unwrap();
    assert_eq!(desk.sheet(w.a, m(2026, 11)).await.unwrap().lines.len(), 2);
    assert!(matches!(desk.sheet(w.b, m(2026, 11)).await, Err(StoreError::NotFound)));
    assert!(matches!(desk.member(w.cuong, 2026).await, Err(StoreError::NotFound)));
    let p = paid(m(2026, 11), 10_000, d(2026, 11, 20));
    assert!(matches!(desk.record_payment(w.cuong, p.clone()).await, Err(StoreError::NotFound)));
    assert!(matches!(desk.remit(w.b, m(2026, 11)).await, Err(StoreError::NotFound)));
    // A payment or a declaration named with another member: not found.
    assert!(matches!(desk.cancel_payment(w.an, theirs, "x").await, Err(StoreError::NotFound)));
    let declared = s.record_dues_basis(&ctx(), w.cuong, m(2026, 6), salary, BasisSource::Member).await.unwrap();
    assert!(matches!(desk.confirm_basis(w.an, declared).await, Err(StoreError::NotFound)));
    // In the secretary's own chi bộ: recorded.
    s.record_dues_basis(&ctx(), w.an, m(2026, 1), salary, BasisSource::Staff).await.unwrap();
    desk.record_payment(w.an, p).await.unwrap();
    assert_eq!(desk.remit(w.a, m(2026, 11)).await.unwrap(), 10_000);

    // Reading is not keeping.
    let inspector = access(&t.store, &[(Role::Inspector, Some(w.commune))]);
    let desk = inspector.dues().unwrap();
    assert!(desk.ledger(w.commune, 2026).await.is_ok());
    assert!(!desk.keeps());
    let p = paid(m(2026, 11), 10_000, d(2026, 11, 20));
    assert!(matches!(desk.record_payment(w.an, p).await, Err(StoreError::Forbidden)));
}
