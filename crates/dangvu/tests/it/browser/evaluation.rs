//! Evaluation on a 360 px phone: the commune's leader opens the year's round, unfolds a member's
//! row on the sheet, proposes a level with its score (a level above the score refused with the
//! rule), then decides it; the counts show the decision and the page fits the phone. The member
//! self-assesses in the handbook first; the residence's comment is shown beside the row.

use domain::access::{Grant, Role};
use domain::ids::{MemberId, UnitId};
use fantoccini::Locator;
use storage::prelude::*;

use super::{Browser, click, type_into, wait_until};
use crate::support::{self, create_unit, official_member};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leader_rates_a_member_on_a_phone() {
    if !super::wanted("a_leader_rates_a_member_on_a_phone") {
        return;
    }
    let app = support::spawn(conformance::Engine::Sqlite, 0).await.expect("app");
    let province = create_unit(&app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(&app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let cell = create_unit(&app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let an = official_member(&app, "Nguyễn Văn An", "001080000991", cell).await;
    support::account(app.store.as_ref(), "lanhdao", vec![Grant { role: Role::CommitteeLeader, unit: Some(UnitId(commune)) }], None).await;
    support::account(app.store.as_ref(), "bithu", vec![Grant { role: Role::CellSecretary, unit: Some(UnitId(cell)) }], None).await;
    support::account(app.store.as_ref(), "an.dv", vec![Grant { role: Role::Member, unit: None }], Some(MemberId(an))).await;

    let browser = Browser::start(360, 780).await;
    let c = &browser.client;
    browser.login(&app, "lanhdao").await;
    browser.open(&app, &format!("/units/{commune}/evaluation")).await;
    click(c, "form[action$='/evaluation'] button[type=submit]").await;
    wait_until(c, |path, _| path.starts_with(&format!("/units/{commune}/evaluation/"))).await;
    let round_path = c.current_url().await.unwrap().path().to_owned();
    assert!(c.source().await.unwrap().contains("Đã mở đợt đánh giá."));

    // The member's self-assessment in the handbook.
    super::switch_to(&browser, &app, "an.dv").await;
    browser.open(&app, "/handbook/evaluation").await;
    c.find(Locator::Css("select[name=level]")).await.unwrap().select_by_value("tot").await.unwrap();
    type_into(c, "input[name=score]", "84").await;
    click(c, "main form button[type=submit]").await;
    // The same address before and after: wait for the saved message.
    let page = super::text_appears(c, "Đã gửi tự đánh giá, xếp loại.").await;
    assert!(page.contains("Hoàn thành tốt nhiệm vụ (84 điểm)"), "{page}");

    // The chi bộ's secretary proposes from the sheet under the chi bộ.
    super::switch_to(&browser, &app, "bithu").await;
    let cell_sheet = round_path.replace(&format!("/units/{commune}/"), &format!("/units/{cell}/"));
    browser.open(&app, &cell_sheet).await;
    click(c, "details.row-action summary").await;
    c.find(Locator::Css("details.row-action select[name=level]")).await.unwrap().select_by_value("xuat-sac").await.unwrap();
    type_into(c, "details.row-action input[name=score]", "85").await;
    click(c, "details.row-action form button[type=submit]").await;
    wait_until(c, |path, _| path.ends_with("/steps")).await;
    assert!(c.source().await.unwrap().contains("85 điểm chỉ đạt mức “Hoàn thành tốt nhiệm vụ”"));
    browser.open(&app, &cell_sheet).await;
    click(c, "details.row-action summary").await;
    c.find(Locator::Css("details.row-action select[name=level]")).await.unwrap().select_by_value("tot").await.unwrap();
    type_into(c, "details.row-action input[name=score]", "85").await;
    click(c, "details.row-action form button[type=submit]").await;
    super::text_appears(c, "Đã ghi xếp loại.").await;

    // The leader decides; the counts show it; the page fits the phone.
    super::switch_to(&browser, &app, "lanhdao").await;
    browser.open(&app, &round_path).await;
    let decide = c.find(Locator::XPath("//details[summary[normalize-space()='Quyết định xếp loại']]")).await.unwrap();
    decide.find(Locator::Css("summary")).await.unwrap().click().await.unwrap();
    decide.find(Locator::Css("select[name=level]")).await.unwrap().select_by_value("tot").await.unwrap();
    decide.find(Locator::Css("input[name=score]")).await.unwrap().send_keys("85").await.unwrap();
    decide.find(Locator::Css("button[type=submit]")).await.unwrap().click().await.unwrap();
    let page = super::text_appears(c, "Đã ghi xếp loại.").await;
    assert!(page.contains("Hoàn thành tốt nhiệm vụ</dt><dd><a href=") && page.contains(">1</a> (100%)"), "{page}");
    let wide: i64 = c.execute("return document.documentElement.scrollWidth", vec![]).await.unwrap().as_i64().unwrap();
    assert!(wide <= 360, "the sheet fits the phone: {wide}");
    browser.close().await;
    let sheet = app.store.member_evaluations(MemberId(an)).await.unwrap();
    assert_eq!(sheet[0].1.decided.map(|r| r.level), Some(domain::evaluation::Level::Good));
}
