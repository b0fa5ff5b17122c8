//! Quy định 213 on a 360 px phone: the workplace's secretary records a working member's tie,
//! picking the residence chi bộ by name from the suggestions (never by number); a missing letter
//! is refused with what was typed kept; then the residence chi bộ's secretary finds the member on
//! its report and records the year's comment.

use std::time::Duration;

use domain::access::{Grant, Role};
use domain::ids::UnitId;
use fantoccini::Locator;

use super::{Browser, click, type_into};
use crate::support::{self, create_unit, official_member};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secretary_records_a_residence_tie_on_a_phone() {
    if !super::wanted("a_secretary_records_a_residence_tie_on_a_phone") {
        return;
    }
    let app = support::spawn(conformance::Engine::Sqlite, 0).await.expect("app");
    let province = create_unit(&app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let ward = create_unit(&app, "xa-phuong", "P", "Đảng bộ phường Trung Tâm", Some(province)).await;
    let office = create_unit(&app, "chi-bo-co-so", "P1", "Chi bộ Văn phòng", Some(ward)).await;
    let commune = create_unit(&app, "xa-phuong", "X", "Đảng bộ xã Xuân", Some(province)).await;
    let village = create_unit(&app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let an = official_member(&app, "Nguyễn Văn An", "001080000961", office).await;
    let store = app.store.as_ref();
    support::account(store, "bithu.vanphong", vec![Grant { role: Role::CellSecretary, unit: Some(UnitId(office)) }], None).await;
    support::account(store, "bithu.thondong", vec![Grant { role: Role::CellSecretary, unit: Some(UnitId(village)) }], None).await;

    let browser = Browser::start(360, 780).await;
    let c = &browser.client;
    browser.login(&app, "bithu.vanphong").await;
    let path = format!("/members/{an}/residence");
    browser.open(&app, &path).await;
    c.find(Locator::Css("select[name=category]")).await.unwrap().select_by_value("gioi-thieu").await.unwrap();
    type_into(c, "input[name=address]", "Số 5, thôn Đông, xã Xuân").await;
    // The residence chi bộ picked by its name from the suggestions.
    let cell = c.find(Locator::Css("#f-residence_cell")).await.unwrap();
    cell.send_keys("thon dong").await.unwrap();
    let option = Locator::Css("#f-residence_cell-list [role=option]");
    let mut found = false;
    for _ in 0..100 {
        if !c.find_all(option).await.unwrap().is_empty() {
            found = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(found, "the picker suggests the village chi bộ");
    c.find(option).await.unwrap().click().await.unwrap();
    let shown = cell.prop("value").await.unwrap().unwrap_or_default();
    assert!(shown.starts_with("Chi bộ thôn Đông — Đảng bộ xã Xuân"), "{shown}");
    // Without the letter: refused, what was typed kept.
    click(c, "form[action$='/residence'] button[type=submit]").await;
    let page = super::text_appears(c, "Ghi số và ngày giấy giới thiệu").await;
    assert!(page.contains("Số 5, thôn Đông, xã Xuân") && page.contains("Chi bộ thôn Đông — Đảng bộ xã Xuân"), "kept: {page}");
    type_into(c, "input[name=letter_number]", "12-GGT/ĐU").await;
    type_into(c, "input[name=letter_on]", "10/01/2026").await;
    click(c, "form[action$='/residence'] button[type=submit]").await;
    let page = super::text_appears(c, "Đã lưu thông tin nơi cư trú.").await;
    assert!(page.contains("Chi bộ thôn Đông"), "{page}");
    let wide: i64 = c.execute("return document.documentElement.scrollWidth", vec![]).await.unwrap().as_i64().unwrap();
    assert!(wide <= 360, "the page fits the phone: {wide}");

    // The residence side: the member is on its report, waiting for the year's comment.
    super::switch_to(&browser, &app, "bithu.thondong").await;
    browser.open(&app, &format!("/units/{village}/residence")).await;
    click(c, "details.row-action summary").await;
    c.find(Locator::Css("details.row-action select[name=rating]")).await.unwrap().select_by_value("tot").await.unwrap();
    type_into(c, "details.row-action textarea[name=text]", "Gương mẫu, tham gia đầy đủ sinh hoạt khu dân cư.").await;
    type_into(c, "details.row-action input[name=signer]", "Bí thư chi bộ thôn Đông").await;
    click(c, "details.row-action form button[type=submit]").await;
    let page = super::text_appears(c, "Đã ghi nhận xét của nơi cư trú.").await;
    assert!(page.contains("Không có đảng viên nào chưa có nhận xét"), "{page}");
    browser.close().await;
}
