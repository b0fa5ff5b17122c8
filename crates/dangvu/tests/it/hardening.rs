//! Holes closed after the register was probed: the client address behind a proxy, the second
//! factor's secret, text that hides or garbles what it says, page numbers that overflow, and
//! admission forms that must authorize before they validate. Each through the real server on
//! both engines.

use serde_json::{Value, json};
use storage::{AuditQuery, Store};

use crate::http_on_both_engines;
use crate::support::{self, App, PASSWORD};

http_on_both_engines!(0; huge_page_numbers_are_refused);

/// Logs in through the form as a client behind a proxy that sent `forwarded` as `X-Forwarded-For`.
async fn login_via_proxy(app: &App, username: &str, password: &str, forwarded: &str) -> u16 {
    let c = support::browser();
    let page = c.get(app.url("/login")).header("x-forwarded-for", forwarded).send().await.unwrap().text().await.unwrap();
    let csrf = support::csrf_of(&page);
    let form = [("_csrf", csrf.as_str()), ("username", username), ("password", password), ("next", "/")];
    c.post(app.url("/login")).header("x-forwarded-for", forwarded).form(&form).send().await.unwrap().status().as_u16()
}

/// Behind a proxy, the client address is the entry the trusted proxy appended, never the first
/// one (which the client writes): forging it neither escapes the per-address limit nor puts a
/// chosen address into the audit trail.
async fn forwarded_for_is_read_from_the_right(engine: conformance::Engine) {
    let config = web::AuthConfig { cookie_secure: false, trust_forwarded_for: true, ..Default::default() };
    let Some(app) = support::spawn_with(engine, 0, config).await else { return };
    // 20 failures for as many user names, each with a different forged first entry.
    for i in 0..20 {
        let status = login_via_proxy(&app, &format!("khach.{i}"), "sai-mat-khau-123", &format!("10.{i}.0.1, 198.51.100.7")).await;
        assert_eq!(status, 401);
    }
    // The address the proxy saw is blocked, whatever the client writes first.
    assert_eq!(login_via_proxy(&app, "quantri", PASSWORD, "10.99.0.1, 198.51.100.7").await, 429);
    // Another client behind the same proxy is not.
    assert_eq!(login_via_proxy(&app, "quantri", PASSWORD, "198.51.100.8").await, 303);
    let failures =
        app.store.audit_entries(&AuditQuery { action: Some("login.failure".into()), limit: 50, ..Default::default() }).await.unwrap();
    assert_eq!(failures.len(), 20);
    assert!(failures.iter().all(|e| e.client.as_deref() == Some("198.51.100.7")), "{failures:?}");
    // A malformed entry where the proxy's should be: the socket peer, never the forged entry.
    assert_eq!(login_via_proxy(&app, "khach.x", "sai-mat-khau-123", "10.1.1.1, khong-phai-dia-chi").await, 401);
    let last = app.store.audit_entries(&AuditQuery { action: Some("login.failure".into()), limit: 1, ..Default::default() }).await.unwrap();
    assert_eq!(last[0].client.as_deref(), Some("127.0.0.1"));

    // Two proxies in a row: the entry the first one appended (second from the right).
    let config = web::AuthConfig { cookie_secure: false, trust_forwarded_for: true, trusted_proxy_hops: 2, ..Default::default() };
    let Some(app) = support::spawn_with(engine, 0, config).await else { return };
    assert_eq!(login_via_proxy(&app, "quantri", PASSWORD, "10.7.7.7, 203.0.113.9, 10.0.0.2").await, 303);
    let ok = app.store.audit_entries(&AuditQuery { action: Some("login.success".into()), limit: 1, ..Default::default() }).await.unwrap();
    assert_eq!(ok[0].client.as_deref(), Some("203.0.113.9"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_for_is_read_from_the_right_sqlite() {
    forwarded_for_is_read_from_the_right(conformance::Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_for_is_read_from_the_right_postgres() {
    forwarded_for_is_read_from_the_right(conformance::Engine::Postgres).await;
}

// --- page numbers ------------------------------------------------------------------------------

async fn create_unit(app: &App, kind: &str, code: &str, name: &str, parent: Option<i64>) -> i64 {
    let on = "01/01/1980";
    let body = json!({"kind": kind, "code": code, "name": name, "parent_id": parent,
        "effective_date": on, "decision_number": "15-QĐ/TU", "decision_date": on, "issuer": "Ban Thường vụ Tỉnh ủy"});
    let (status, v) = app.post_json("/api/v1/units", &body).await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_i64().unwrap()
}

/// `page × per_page` used to wrap around (`page=36893488147419105` showed the page at offset 384):
/// pages and API refuse a page whose offset passes the limit, with the field named.
async fn huge_page_numbers_are_refused(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    for query in ["page=36893488147419105", "page=36893488147419105&per_page=50", "page=2000002&per_page=50", "page=18446744073709551615"] {
        let (status, v) = app.json(&format!("/api/v1/members?{query}")).await;
        assert_eq!(status, 400, "{query}: {v}");
        assert_eq!(v["error"]["fields"][0]["field"], "page", "{query}: {v}");
        let (status, html) = app.text(&format!("/members?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert!(html.contains("Số trang"), "{query}");
    }
    let (status, _) = app.text(&format!("/units/{province}?page=36893488147419105")).await;
    assert_eq!(status, 400);
    // The last page within the limit still answers (empty).
    let (status, v) = app.json("/api/v1/members?page=2000001&per_page=50").await;
    assert_eq!((status, v["items"].as_array().map(Vec::len)), (200, Some(0)), "{v}");
    assert_eq!(app.text(&format!("/units/{province}?page=2")).await.0, 200);
}
