//! The dues on a 360 px phone: the chi bộ secretary opens the month's sheet, unfolds a member's
//! row, corrects a mistyped amount and records the payment, sees it paid; then remits the month
//! from the ledger; the member sees the payment in the handbook.

use domain::access::{Grant, Role};
use domain::dates::Month;
use domain::dues::{Basis, BasisKind};
use domain::ids::{MemberId, UnitId};
use storage::prelude::*;

use super::{Browser, click, type_into, wait_path, wait_until};
use crate::support::{self, create_unit, official_member};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secretary_records_dues_on_a_phone() {
    if !super::wanted("a_secretary_records_dues_on_a_phone") {
        return;
    }
    let app = support::spawn(conformance::Engine::Sqlite, 0).await.expect("app");
    let province = create_unit(&app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(&app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let cell = create_unit(&app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let an = official_member(&app, "Nguyễn Văn An", "001080000951", cell).await;
    let ctx = storage::WriteContext::new("test", support::now());
    let salary = Basis::new(BasisKind::SocialInsurance, Some(7_500_000)).unwrap();
    app.store.record_dues_basis(&ctx, MemberId(an), Month { year: 2026, month: 1 }, salary, storage::BasisSource::Staff).await.unwrap();
    support::account(app.store.as_ref(), "bithu.dong", vec![Grant { role: Role::CellSecretary, unit: Some(UnitId(cell)) }], None).await;
    support::account(app.store.as_ref(), "an.dv", vec![Grant { role: Role::Member, unit: None }], Some(MemberId(an))).await;

    let browser = Browser::start(360, 780).await;
    let c = &browser.client;
    browser.login(&app, "bithu.dong").await;
    browser.open(&app, &format!("/units/{cell}/dues?month=2026-11")).await;
    click(c, "details.row-action summary").await;
    // The amount offered is what is owed; a slip is refused and kept for correction.
    let amount = c.find(fantoccini::Locator::Css("input[name=amount]")).await.unwrap();
    assert_eq!(amount.prop("value").await.unwrap().as_deref(), Some("75.000"));
    drop(amount);
    type_into(c, "input[name=amount]", "75.OOO").await;
    click(c, "details.row-action form button[type=submit]").await;
    wait_path(c, &format!("/units/{cell}/dues/payments")).await;
    let page = c.source().await.unwrap();
    assert!(page.contains("không phải là số tiền") && page.contains("75.OOO"), "{page}");
    type_into(c, "input[name=amount]", "75000").await;
    click(c, "details.row-action form button[type=submit]").await;
    wait_path(c, &format!("/units/{cell}/dues")).await;
    let page = c.source().await.unwrap();
    assert!(page.contains("Đã ghi nhận đóng đảng phí.") && page.contains("Đã đóng đủ"), "{page}");
    // The ledger: November goes up.
    let ledger = format!("/units/{cell}/dues/ledger");
    browser.open(&app, &ledger).await;
    click(c, "form[action$='/dues/remit'] button").await;
    // The answer comes back to the year's ledger.
    wait_until(c, |path, query| path == ledger && query.is_some_and(|q| q.contains("year=2026"))).await;
    assert!(c.source().await.unwrap().contains("Đã ghi nộp đảng phí lên cấp trên."));
    let wide: i64 = c.execute("return document.documentElement.scrollWidth", vec![]).await.unwrap().as_i64().unwrap();
    assert!(wide <= 360, "the ledger fits the phone: {wide}");

    // The member sees it in the handbook.
    super::switch_to(&browser, &app, "an.dv").await;
    browser.open(&app, "/handbook/dues").await;
    let page = c.source().await.unwrap();
    assert!(page.contains("Tháng 11/2026: 75.000 đ"), "{page}");
    browser.close().await;
}
