//! Tests in real headless Chromium (Debian's chromium + chromium-driver) through chromedriver.
//! They run when DANGVU_TEST_BROWSER=1 (CI, where a missing browser fails the test) and are
//! skipped otherwise. [`Browser`] starts one chromedriver and one browser window of a chosen
//! width; each test file drives its own.

mod admissions;
mod directives;
mod dues;
mod enterprises;
mod evaluation;
mod handbook;
mod phone;
mod picker;
mod residence;
mod smoke;
mod transfers;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use crate::support;

/// Whether the browser tests are asked for (DANGVU_TEST_BROWSER=1); prints why not otherwise.
pub fn wanted(test: &str) -> bool {
    let on = std::env::var("DANGVU_TEST_BROWSER").as_deref() == Ok("1");
    if !on {
        eprintln!("browser test {test} skipped (DANGVU_TEST_BROWSER is not 1)");
    }
    on
}

/// A chromedriver process and one headless Chromium window driven through it; both end on drop
/// (the window with [`Browser::close`], which tests call at the end).
pub struct Browser {
    pub client: Client,
    _profile: tempfile::TempDir,
    _driver: Driver,
}

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

/// Headless Chromium's windows are never narrower than this; a narrower [`Browser`] is a phone.
const MIN_WINDOW_WIDTH: u32 = 500;

impl Browser {
    /// Starts chromedriver on a free port and a headless window `width` × `height` CSS pixels
    /// (below 500 px, an emulated phone screen of that size).
    pub async fn start(width: u32, height: u32) -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Driver(
            Command::new("chromedriver")
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("chromedriver must be installed (apt-get install chromium chromium-driver)"),
        );
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        let mut options = serde_json::json!({
            "binary": chromium_binary(),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--no-first-run",
                     "--disable-sync", "--hide-scrollbars", format!("--window-size={},{height}", width.max(MIN_WINDOW_WIDTH)),
                     format!("--user-data-dir={}", profile.path().display())]
        });
        if width < MIN_WINDOW_WIDTH {
            // Narrower than a headless window may be: a phone's screen (viewport, touch), as
            // Chromium's device emulation shows it.
            options["mobileEmulation"] = serde_json::json!({ "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0 } });
        }
        caps.insert("goog:chromeOptions".into(), options);
        let mut client = None;
        for _ in 0..50 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            if let Ok(c) = ClientBuilder::new(connector).capabilities(caps.clone()).connect(&format!("http://127.0.0.1:{port}")).await {
                client = Some(c);
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Browser { client: client.expect("connect to chromedriver"), _profile: profile, _driver: driver }
    }

    /// Logs in through the login form as `username` (password [`support::PASSWORD`]) and waits
    /// for the page the login leads to.
    pub async fn login(&self, app: &support::App, username: &str) {
        let c = &self.client;
        c.goto(&app.url("/login")).await.unwrap();
        c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("input[name=username]")).await.unwrap();
        c.find(Locator::Css("input[name=username]")).await.unwrap().send_keys(username).await.unwrap();
        c.find(Locator::Css("input[name=password]")).await.unwrap().send_keys(support::PASSWORD).await.unwrap();
        c.find(Locator::Css("main form button")).await.unwrap().click().await.unwrap();
        wait_until(c, |path, _| !path.starts_with("/login")).await;
    }

    /// Opens `path` and waits until its document has loaded.
    pub async fn open(&self, app: &support::App, path: &str) {
        self.client.goto(&app.url(path)).await.unwrap();
        wait_until(&self.client, |_, _| true).await;
    }

    pub async fn close(self) {
        self.client.close().await.unwrap();
    }
}

/// Waits until the browser shows `path` (whatever the query string or fragment).
pub async fn wait_path(c: &Client, path: &str) {
    wait_until(c, |p, _| p == path).await;
}

/// Waits until the browser's address (path, query) satisfies `done` and its document has loaded.
pub async fn wait_until(c: &Client, done: impl Fn(&str, Option<&str>) -> bool) {
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

/// The text of the first element `css` selects.
/// Waits until the page shows `text` (a page that answers at the same address); its source.
pub async fn text_appears(c: &Client, text: &str) -> String {
    let mut page = String::new();
    for _ in 0..50 {
        page = c.source().await.unwrap();
        if page.contains(text) {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("never shown: {text}\n{page}");
}

pub async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css)).await.unwrap().text().await.unwrap()
}

/// Replaces what the field `css` selects holds with `value`, typed.
pub async fn type_into(c: &Client, css: &str, value: &str) {
    let field = c.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

pub async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

/// Logs `username` in with a fresh session (the cookies of the one before dropped).
pub async fn switch_to(browser: &Browser, app: &support::App, username: &str) {
    browser.client.delete_all_cookies().await.unwrap();
    browser.login(app, username).await;
}
