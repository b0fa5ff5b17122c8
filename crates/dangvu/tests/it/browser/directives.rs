//! A directive in the browser, on a phone: the province's staff send a plan with a task of five
//! working days to the three communes; two communes report it done from their to-do list; the
//! server's clock moves past the deadline, and the province sees the third late, reminds it, and
//! the third commune finds the reminder on its badge and page. The pages pass axe-core.

use std::time::Duration;

use chrono::NaiveDate;
use domain::access::{Grant, Role};
use domain::ids::UnitId;
use fantoccini::Locator;

use super::{Browser, click, switch_to, text, type_into, wait_until};
use crate::support::{self, create_unit};

/// The commune's staff open the directive from their to-do list and report it done.
async fn report_done(browser: &Browser, app: &support::App, username: &str, report: &str) {
    let c = &browser.client;
    switch_to(browser, app, username).await;
    browser.open(app, "/directives").await;
    assert!(text(c, "header .to-do").await.contains('1'), "{username}: the badge counts the task");
    click(c, "table.worklist tbody tr a").await;
    wait_until(c, |path, _| path.starts_with("/directives/") && path != "/directives/").await;
    assert!(text(c, "main").await.contains("Đơn vị của bạn"));
    type_into(c, "textarea[name=report]", report).await;
    click(c, "form.report button[type=submit]").await;
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("p.saved")).await.unwrap();
    assert!(text(c, "main").await.contains(report), "{username}: the report is shown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_province_sees_the_third_commune_late() {
    if !super::wanted("a_province_sees_the_third_commune_late") {
        return;
    }
    let app = support::spawn(conformance::Engine::Sqlite, 0).await.expect("app");
    let province = create_unit(&app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let mut communes = Vec::new();
    for (code, name) in [("XA", "Đảng bộ xã An Phú"), ("XB", "Đảng bộ xã Bình Minh"), ("XC", "Đảng bộ xã Cát Tiên")] {
        communes.push(create_unit(&app, "xa-phuong", code, name, Some(province)).await);
    }
    let grant = |unit: i64| vec![Grant { role: Role::OrgBoardStaff, unit: Some(UnitId(unit)) }];
    support::account(app.store.as_ref(), "tinh.tochuc", grant(province), None).await;
    for (i, username) in ["xa.an", "xa.binh", "xa.cat"].into_iter().enumerate() {
        support::account(app.store.as_ref(), username, grant(communes[i]), None).await;
    }

    let browser = Browser::start(360, 800).await;
    let c = &browser.client;
    // The province sends a plan to its communes, five working days: 25/11/2026 → 02/12/2026.
    switch_to(&browser, &app, "tinh.tochuc").await;
    browser.open(&app, "/directives").await;
    click(c, "a.button[href='/directives/new']").await;
    wait_until(c, |path, _| path == "/directives/new").await;
    c.find(Locator::Css("select[name=kind] option[value=ke-hoach]")).await.unwrap().click().await.unwrap();
    type_into(c, "input[name=number]", "25-KH/TU").await;
    type_into(c, "input[name=title]", "Kế hoạch rà soát chất lượng sinh hoạt chi bộ").await;
    type_into(c, "textarea[name=body]", "Các đảng ủy xã rà soát và báo cáo.").await;
    click(c, "input[name=reach_kinds][value=xa-phuong]").await;
    type_into(c, "textarea[name=task]", "Báo cáo kết quả rà soát").await;
    type_into(c, "input[name=deadline_days]", "5").await;
    click(c, "main form button[type=submit]").await;
    wait_until(c, |path, _| path.starts_with("/directives/") && path != "/directives/new").await;
    let directive = c.current_url().await.unwrap().path().to_owned();
    let page = text(c, "main").await;
    assert!(page.contains("Hạn báo cáo: 02/12/2026") && page.contains("Hoàn thành 0/3 đơn vị"), "{page}");

    report_done(&browser, &app, "xa.an", "Đã rà soát 14 chi bộ.").await;
    report_done(&browser, &app, "xa.binh", "Đã rà soát 9 chi bộ.").await;

    // The next day past the deadline: the third commune is late.
    app.clock.set_day(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
    switch_to(&browser, &app, "tinh.tochuc").await;
    browser.open(&app, &directive).await;
    let page = text(c, "main").await;
    assert!(page.contains("Hoàn thành 2/3 đơn vị"), "{page}");
    let late = c.execute(
        "return Array.from(document.querySelectorAll('table.worklist tbody tr')).filter(tr => tr.querySelector('.badge.overdue')).map(tr => tr.children[1].textContent.trim())",
        vec![],
    ).await.unwrap();
    assert_eq!(late, serde_json::json!(["Đảng bộ xã Cát Tiên — Tỉnh ủy Bình An"]));
    let violations = super::phone::axe(&browser).await;
    assert!(violations.is_empty(), "axe on the directive's page: {violations:?}");
    click(c, "button[name=late][value='1']").await;
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("p.saved")).await.unwrap();
    assert!(text(c, "main").await.contains("Đã nhắc ngày 03/12/2026"));

    // The third commune: the badge, the reminder.
    switch_to(&browser, &app, "xa.cat").await;
    browser.open(&app, "/directives").await;
    assert_eq!(text(c, "header .to-do .count").await, "1");
    assert!(text(c, "table.worklist").await.contains("Quá hạn"));
    browser.open(&app, &directive).await;
    assert!(text(c, "main").await.contains("Cấp trên đã nhắc ngày 03/12/2026"));
    let violations = super::phone::axe(&browser).await;
    assert!(violations.is_empty(), "axe on the receiving unit's page: {violations:?}");
    browser.close().await;
}
