//! The enterprise register on a 360 px phone: the commune's organization staff registers a
//! private enterprise — a mistyped tax code refused with what was typed kept — and sets the year's
//! founding target; the year's sentence counts it.

use domain::access::{Grant, Role};
use domain::ids::UnitId;
use fantoccini::Locator;

use super::{Browser, click, type_into};
use crate::support::{self, create_unit};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_register_an_enterprise_on_a_phone() {
    if !super::wanted("staff_register_an_enterprise_on_a_phone") {
        return;
    }
    let app = support::spawn(conformance::Engine::Sqlite, 0).await.expect("app");
    let province = create_unit(&app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(&app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    create_unit(&app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    support::account(app.store.as_ref(), "tochuc.xa", vec![Grant { role: Role::OrgBoardStaff, unit: Some(UnitId(commune)) }], None).await;

    let browser = Browser::start(360, 780).await;
    let c = &browser.client;
    browser.login(&app, "tochuc.xa").await;
    let path = format!("/units/{commune}/enterprises");
    browser.open(&app, &path).await;
    type_into(c, "input[name=name]", "Công ty TNHH May Phú An").await;
    type_into(c, "input[name=tax_code]", "01012345").await;
    c.find(Locator::Css("select[name=ownership]")).await.unwrap().select_by_value("tu-nhan").await.unwrap();
    type_into(c, "input[name=workers]", "320").await;
    click(c, "form[method=post][action$='/enterprises'] button[type=submit]").await;
    let page = super::text_appears(c, "Mã số thuế gồm 10 chữ số").await;
    assert!(page.contains("Công ty TNHH May Phú An") && page.contains("01012345"), "what was typed is kept: {page}");
    type_into(c, "input[name=tax_code]", "0101234567").await;
    click(c, "form[method=post][action$='/enterprises'] button[type=submit]").await;
    let page = super::text_appears(c, "Đã lưu thông tin doanh nghiệp.").await;
    assert!(page.contains("MST 0101234567") && page.contains("320 lao động"), "{page}");
    // The year's founding target, then the sentence committees report.
    type_into(c, "input[name=target]", "2").await;
    click(c, "form[action$='/enterprises/target'] button[type=submit]").await;
    let page = super::text_appears(c, "Đã lưu chỉ tiêu thành lập tổ chức đảng.").await;
    assert!(page.contains("thành lập 0 / 2 tổ chức đảng"), "{page}");
    let wide: i64 = c.execute("return document.documentElement.scrollWidth", vec![]).await.unwrap().as_i64().unwrap();
    assert!(wide <= 360, "the page fits the phone: {wide}");
    browser.close().await;
}
