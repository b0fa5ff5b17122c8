//! The organization picker with the keyboard: type part of a name, Down, Down, Enter picks the
//! second suggestion (the form is not submitted), the field shows the unit's name and path and
//! the hidden input its id; Esc closes the list; `aria-expanded` follows.

use std::time::Duration;

use fantoccini::{Client, Locator};

use super::Browser;
use crate::picker::tree;
use crate::support::{self, official_member};

const DOWN: &str = "\u{E015}";
const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";

async fn js(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![]).await.unwrap()
}

/// Waits until `script` returns `true`.
async fn until(c: &Client, script: &str) {
    for _ in 0..100 {
        if js(c, script).await == serde_json::Value::Bool(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never true: {script}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pick_a_unit_with_the_keyboard() {
    if !super::wanted("pick_a_unit_with_the_keyboard") {
        return;
    }
    let app = support::spawn(conformance::Engine::Sqlite, 0).await.expect("app");
    let t = tree(&app).await;
    let m = official_member(&app, "Trần Văn Bình", "001075000123", t.tdp2).await;

    let browser = Browser::start(1280, 900).await;
    let c = &browser.client;
    browser.login(&app, "quantri").await;
    let form = format!("/members/{m}/events/new");
    browser.open(&app, &format!("{form}?kind=dieu-chuyen")).await;
    let input = c.find(Locator::Css("#f-to_unit_id")).await.unwrap();
    assert_eq!(input.attr("role").await.unwrap().as_deref(), Some("combobox"));
    assert_eq!(input.attr("aria-expanded").await.unwrap().as_deref(), Some("false"));
    assert_eq!(input.attr("aria-controls").await.unwrap().as_deref(), Some("f-to_unit_id-list"));

    input.send_keys("khu pho 8").await.unwrap();
    until(c, "return document.querySelectorAll('#f-to_unit_id-list [role=option]').length === 2").await;
    assert_eq!(input.attr("aria-expanded").await.unwrap().as_deref(), Some("true"));
    // The open list passes axe-core like every main page.
    let violations = super::phone::axe(&browser).await;
    assert!(violations.is_empty(), "{violations:?}");
    input.send_keys(DOWN).await.unwrap();
    input.send_keys(DOWN).await.unwrap();
    let second = js(c, "return document.querySelectorAll('#f-to_unit_id-list [role=option]')[1].id").await;
    assert_eq!(input.attr("aria-activedescendant").await.unwrap().as_deref(), second.as_str());
    let label = js(c, "return document.querySelectorAll('#f-to_unit_id-list [role=option]')[1].getAttribute('data-label')").await;
    let id = js(c, "return document.querySelectorAll('#f-to_unit_id-list [role=option]')[1].getAttribute('data-id')").await;
    input.send_keys(ENTER).await.unwrap();

    // Picked, not submitted: the same form, the name and path shown, the id in the hidden input.
    assert_eq!(c.current_url().await.unwrap().path(), form);
    assert_eq!(input.prop("value").await.unwrap().as_deref(), label.as_str());
    assert!(label.as_str().is_some_and(|l| l.starts_with("Chi bộ khu phố 8 — Đảng bộ phường")), "{label}");
    let hidden = js(c, "return document.querySelector('input[type=hidden][name=to_unit_id]').value").await;
    assert_eq!(hidden.as_str(), id.as_str());
    assert!(id.as_str().is_some_and(|i| !i.is_empty()));
    assert_eq!(input.attr("aria-expanded").await.unwrap().as_deref(), Some("false"));
    assert!(js(c, "return document.getElementById('f-to_unit_id-list').hidden").await == serde_json::Value::Bool(true));

    // Typing again clears the choice and opens the list; Esc closes it.
    input.clear().await.unwrap();
    input.send_keys("khu pho").await.unwrap();
    until(c, "return document.getElementById('f-to_unit_id').getAttribute('aria-expanded') === 'true'").await;
    assert_eq!(js(c, "return document.querySelector('input[type=hidden][name=to_unit_id]').value").await.as_str(), Some(""));
    input.send_keys(ESCAPE).await.unwrap();
    assert_eq!(input.attr("aria-expanded").await.unwrap().as_deref(), Some("false"));
    assert!(js(c, "return document.getElementById('f-to_unit_id-list').hidden").await == serde_json::Value::Bool(true));
    assert_eq!(c.current_url().await.unwrap().path(), form);
    browser.close().await;
}
