//! A thin smoke test in real headless Chromium (Debian's chromium + chromium-driver): open the
//! demo, search a name typed without diacritics, open the member, record an event, see it on the
//! timeline. Runs when DANGVU_TEST_BROWSER=1 (CI, where a missing browser fails the test).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};
use storage::MemberQuery;
use storage::prelude::*;

use crate::support;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn chromium_binary() -> String {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .find(|p| std::path::Path::new(p).exists())
        .map_or("chromium".into(), |p| p.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_open_member_record_event() {
    if std::env::var("DANGVU_TEST_BROWSER").as_deref() != Ok("1") {
        eprintln!("browser smoke test skipped (DANGVU_TEST_BROWSER is not 1)");
        return;
    }
    let app = support::spawn(conformance::Engine::Sqlite, 400).await.expect("app");
    // A living official member to act on, and the search text typed without diacritics.
    let mut q = MemberQuery::new(support::today());
    q.status = storage::StatusFilter::Only(domain::history::Status::Official);
    q.per_page = 1;
    let target = app.store.find_members(&q).await.unwrap().items.remove(0);
    let typed = domain::text::fold(&target.full_name);

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let _driver = Driver(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver must be installed (apt-get install chromium chromium-driver)"),
    );
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium_binary(),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--no-first-run",
                     "--disable-sync", "--window-size=400,900", format!("--user-data-dir={}", profile.path().display())]
        }),
    );
    let mut client = None;
    for _ in 0..50 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        if let Ok(c) = ClientBuilder::new(connector).capabilities(caps.clone()).connect(&format!("http://127.0.0.1:{port}")).await {
            client = Some(c);
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let c = client.expect("connect to chromedriver");

    // Not logged in: the register sends to the login page, which comes back after login.
    c.goto(&app.url("/members")).await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("input[name=username]")).await.unwrap();
    assert!(c.current_url().await.unwrap().path().starts_with("/login"));
    c.find(Locator::Css("input[name=username]")).await.unwrap().send_keys("quantri").await.unwrap();
    c.find(Locator::Css("input[name=password]")).await.unwrap().send_keys(support::PASSWORD).await.unwrap();
    c.find(Locator::Css("main form button")).await.unwrap().click().await.unwrap();
    wait_path(&c, "/members").await;
    let search = c.find(Locator::Css("form input[name=q]")).await.unwrap();
    search.send_keys(&typed).await.unwrap();
    search.send_keys("\u{E007}").await.unwrap(); // Enter
    // The unfiltered list may already show the name: wait for the results page itself, or the
    // link found would belong to the page being replaced.
    wait_until(&c, |path, query| path == "/members" && query.is_some_and(|q| q.split('&').any(|p| p.starts_with("q=") && p.len() > 2)))
        .await;
    let link = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::LinkText(&target.full_name)).await.unwrap();
    link.click().await.unwrap();
    wait_path(&c, &format!("/members/{}", target.id)).await;
    let page = c.source().await.unwrap();
    assert!(page.contains(&target.full_name));

    c.goto(&app.url(&format!("/members/{}/events/new", target.id))).await.unwrap();
    c.find(Locator::Css("select[name=kind]")).await.unwrap().select_by_value("tu-tran").await.unwrap();
    c.find(Locator::Css("input[name=effective_date]")).await.unwrap().send_keys("20/11/2026").await.unwrap();
    c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_path(&c, &format!("/members/{}", target.id)).await;
    let page = c.source().await.unwrap();
    assert!(page.contains("Từ trần"), "timeline shows the new event");
    assert!(page.contains("20/11/2026"));
    c.close().await.unwrap();

    let detail = app.store.member(target.id).await.unwrap();
    assert_eq!(detail.history.span_on(support::today()).unwrap().status, domain::history::Status::Deceased);
}

/// Waits until the browser shows `path` (whatever the query string or fragment).
async fn wait_path(c: &fantoccini::Client, path: &str) {
    wait_until(c, |p, _| p == path).await;
}

/// Waits until the browser's address (path, query) satisfies `done` and its document has loaded.
async fn wait_until(c: &fantoccini::Client, done: impl Fn(&str, Option<&str>) -> bool) {
    for _ in 0..100 {
        if c.current_url().await.is_ok_and(|u| done(u.path(), u.query()))
            && c.execute("return document.readyState", vec![]).await.is_ok_and(|s| s == "complete")
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the browser never reached the expected page: {:?}", c.current_url().await);
}
