//! A transfer in the browser, on a phone: commune An Phú's staff issue the letter from the
//! member's record, the destination picked by name; the member leaves An Phú's count and is on
//! no list; commune Bình Minh's staff find them under "Đang chuyển đến", open the letter and
//! accept them into a chi bộ picked by name; Bình Minh's count and both books show it. The
//! letter's page and the book pass axe-core.

use std::time::Duration;

use domain::access::{Grant, Role};
use domain::ids::UnitId;
use fantoccini::{Client, Locator};

use super::{Browser, click, switch_to, text, type_into, wait_until};
use crate::support::{self, create_unit, official_member};

const DOWN: &str = "\u{E015}";
const ENTER: &str = "\u{E007}";

/// Picks the first suggestion of the organization picker `field` for the typed text.
async fn pick(c: &Client, field: &str, typed: &str) {
    let input = c.find(Locator::Css(&format!("#f-{field}"))).await.unwrap();
    input.send_keys(typed).await.unwrap();
    let options = format!("return document.querySelectorAll('#f-{field}-list [role=option]').length > 0");
    for _ in 0..100 {
        if c.execute(&options, vec![]).await.unwrap() == serde_json::Value::Bool(true) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    input.send_keys(DOWN).await.unwrap();
    input.send_keys(ENTER).await.unwrap();
}

/// The count of active members on a unit's page.
async fn count_on_unit_page(browser: &Browser, app: &support::App, unit: i64) -> String {
    browser.open(app, &format!("/units/{unit}")).await;
    let script = "for (const dt of document.querySelectorAll('dt')) { if (dt.textContent.includes('Đảng viên đang sinh hoạt')) \
                  { return dt.nextElementSibling.querySelector('a').textContent.trim(); } } return null;";
    browser.client.execute(script, vec![]).await.unwrap().as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_commune_sends_a_member_and_another_accepts() {
    if !super::wanted("one_commune_sends_a_member_and_another_accepts") {
        return;
    }
    let app = support::spawn(conformance::Engine::Sqlite, 0).await.expect("app");
    let province = create_unit(&app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let an_phu = create_unit(&app, "xa-phuong", "XA", "Đảng bộ xã An Phú", Some(province)).await;
    let binh_minh = create_unit(&app, "xa-phuong", "XB", "Đảng bộ xã Bình Minh", Some(province)).await;
    let east = create_unit(&app, "chi-bo-co-so", "XA1", "Chi bộ thôn Đông", Some(an_phu)).await;
    create_unit(&app, "chi-bo-co-so", "XB1", "Chi bộ thôn Bắc", Some(binh_minh)).await;
    let moving = official_member(&app, "Nguyễn Văn An", "001080000401", east).await;
    official_member(&app, "Trần Thị Bình", "001080000402", east).await;
    let grant = |unit: i64| vec![Grant { role: Role::OrgBoardStaff, unit: Some(UnitId(unit)) }];
    support::account(app.store.as_ref(), "xa.an", grant(an_phu), None).await;
    support::account(app.store.as_ref(), "xa.binh", grant(binh_minh), None).await;

    let browser = Browser::start(360, 800).await;
    let c = &browser.client;
    // Before: two members in An Phú, none in Bình Minh.
    switch_to(&browser, &app, "xa.binh").await;
    assert_eq!(count_on_unit_page(&browser, &app, binh_minh).await, "0");
    switch_to(&browser, &app, "xa.an").await;
    assert_eq!(count_on_unit_page(&browser, &app, an_phu).await, "2");

    // An Phú issues the letter from the member's record.
    browser.open(&app, &format!("/members/{moving}")).await;
    click(c, &format!("a.button[href='/members/{moving}/transfer']")).await;
    wait_until(c, |path, _| path == format!("/members/{moving}/transfer")).await;
    pick(c, "to_unit_id", "Binh Minh").await;
    type_into(c, "input[name=letter_number]", "12/GTSHĐ").await;
    type_into(c, "textarea[name=cause]", "Thay đổi nơi cư trú lâu dài").await;
    click(c, "main form button[type=submit]").await;
    wait_until(c, |path, _| path.starts_with("/transfers/")).await;
    let letter_page = c.current_url().await.unwrap().path().to_owned();
    assert!(text(c, "main").await.contains("Đã cấp giấy giới thiệu, chưa đến nơi nhận"), "{}", text(c, "main").await);
    let violations = super::phone::axe(&browser).await;
    assert!(violations.is_empty(), "axe on the letter's page: {violations:?}");
    // In transit: on neither list.
    assert_eq!(count_on_unit_page(&browser, &app, an_phu).await, "1");

    // Bình Minh finds the member arriving and accepts them into a chi bộ picked by name.
    switch_to(&browser, &app, "xa.binh").await;
    browser.open(&app, &format!("/units/{binh_minh}")).await;
    assert!(text(c, "#arriving").await.contains("Đang chuyển đến (1)"));
    click(c, &format!("a[href='{letter_page}']")).await;
    wait_until(c, |path, _| path == letter_page).await;
    pick(c, "unit_id", "thon Bac").await;
    click(c, &format!("form[action='{letter_page}/accept'] button[type=submit]")).await;
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("a[href$='/slip']")).await.unwrap();
    assert!(text(c, "main").await.contains("Đã tiếp nhận"));
    assert_eq!(count_on_unit_page(&browser, &app, binh_minh).await, "1");
    browser.open(&app, &format!("/units/{binh_minh}/transfers")).await;
    assert!(text(c, "main").await.contains("Nguyễn Văn An"));
    let received = c.execute("return document.querySelectorAll('main table')[0].rows[2].textContent", vec![]).await.unwrap();
    assert!(received.as_str().is_some_and(|r| r.contains("Tiếp nhận") && r.contains('1')), "{received}");
    let violations = super::phone::axe(&browser).await;
    assert!(violations.is_empty(), "axe on the book: {violations:?}");

    // An Phú's book counts the letter sent; its count stays at one.
    switch_to(&browser, &app, "xa.an").await;
    assert_eq!(count_on_unit_page(&browser, &app, an_phu).await, "1");
    browser.open(&app, &format!("/units/{an_phu}/transfers")).await;
    let sent = c.execute("return document.querySelectorAll('main table')[0].rows[1].textContent", vec![]).await.unwrap();
    assert!(sent.as_str().is_some_and(|r| r.contains("Chuyển đi") && r.contains('1')), "{sent}");
    browser.close().await;
}
