//! A thin smoke test: log in, search a name typed without diacritics, open the member, record an
//! event, see it on the timeline.

use std::time::Duration;

use fantoccini::Locator;
use storage::MemberQuery;
use storage::prelude::*;

use super::{Browser, wait_path, wait_until};
use crate::support;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_open_member_record_event() {
    if !super::wanted("search_open_member_record_event") {
        return;
    }
    let app = support::spawn(conformance::Engine::Sqlite, 400).await.expect("app");
    // A living official member to act on, and the search text typed without diacritics.
    let mut q = MemberQuery::new(support::today());
    q.status = storage::StatusFilter::Only(domain::history::Status::Official);
    q.per_page = 1;
    let target = app.store.find_members(&q).await.unwrap().items.remove(0);
    let typed = domain::text::fold(&target.full_name);

    let browser = Browser::start(400, 900).await;
    let c = &browser.client;

    // Not logged in: the register sends to the login page, which comes back after login.
    c.goto(&app.url("/members")).await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("input[name=username]")).await.unwrap();
    assert!(c.current_url().await.unwrap().path().starts_with("/login"));
    c.find(Locator::Css("input[name=username]")).await.unwrap().send_keys("quantri").await.unwrap();
    c.find(Locator::Css("input[name=password]")).await.unwrap().send_keys(support::PASSWORD).await.unwrap();
    c.find(Locator::Css("main form button")).await.unwrap().click().await.unwrap();
    wait_path(c, "/members").await;
    // A 400 px screen: the header's search sits in its folded menu.
    c.find(Locator::Css("header details.menu summary")).await.unwrap().click().await.unwrap();
    let search = c.find(Locator::Css("header input[name=q]")).await.unwrap();
    search.send_keys(&typed).await.unwrap();
    search.send_keys("\u{E007}").await.unwrap(); // Enter
    // The unfiltered list may already show the name: wait for the results page itself, or the
    // link found would belong to the page being replaced.
    wait_until(c, |path, query| path == "/members" && query.is_some_and(|q| q.split('&').any(|p| p.starts_with("q=") && p.len() > 2)))
        .await;
    let link = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::LinkText(&target.full_name)).await.unwrap();
    link.click().await.unwrap();
    wait_path(c, &format!("/members/{}", target.id)).await;
    let page = c.source().await.unwrap();
    assert!(page.contains(&target.full_name));

    browser.open(&app, &format!("/members/{}/events/new", target.id)).await;
    // The kinds that can follow the member's status, then that kind's own form.
    c.find(Locator::LinkText("Từ trần")).await.unwrap().click().await.unwrap();
    wait_until(c, |path, query| path.ends_with("/events/new") && query.is_some_and(|q| q.contains("kind=tu-tran"))).await;
    c.find(Locator::Css("input[name=effective_date]")).await.unwrap().send_keys("20/11/2026").await.unwrap();
    c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_path(c, &format!("/members/{}", target.id)).await;
    let page = c.source().await.unwrap();
    assert!(page.contains("Từ trần"), "timeline shows the new event");
    assert!(page.contains("Đã ghi nhận sự kiện."), "the saved message");
    assert!(page.contains("20/11/2026"));
    browser.close().await;

    let detail = app.store.member(target.id).await.unwrap();
    assert_eq!(detail.history.span_on(support::today()).unwrap().status, domain::history::Status::Deceased);
}
