//! Holes closed after the register was probed: the client address behind a proxy, the second
//! factor's secret, text that hides or garbles what it says, page numbers that overflow, and
//! admission forms that must authorize before they validate. Each through the real server on
//! both engines.

use serde_json::{Value, json};
use storage::{AuditQuery, Store};

use crate::http_on_both_engines;
use crate::support::{self, App, PASSWORD};

http_on_both_engines!(0; huge_page_numbers_are_refused, hidden_and_garbling_text_is_refused);

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

// --- free text ------------------------------------------------------------------------------------

fn new_member(name: &str, cccd: &str, cell: i64) -> Value {
    json!({
        "identity": {"full_name": name, "gender": "nam", "birth_date": "12/03/1985", "ethnicity": "kinh", "religion": "khong",
                     "citizen_id": cccd, "birthplace": "Xã Ngọc Sơn, tỉnh Nghệ An"},
        "profile": {"general_education": "thpt", "professional": "dai-hoc", "occupation": "vien-chuc", "youth_union": "false"},
        "events": [
            {"kind": "ket-nap", "unit_id": cell.to_string(), "decision_number": "21-QĐ/ĐU", "decision_date": "10/03/2015", "issuer": "Đảng ủy xã"}
        ]
    })
}

fn field_codes(v: &Value) -> Vec<(String, String)> {
    v["error"]["fields"]
        .as_array()
        .map(|a| a.iter().map(|f| (f["field"].as_str().unwrap_or("").to_owned(), f["code"].as_str().unwrap_or("").to_owned())).collect())
        .unwrap_or_default()
}

async fn member_total(app: &App) -> u64 {
    app.json("/api/v1/members?status=all").await.1["total"].as_u64().unwrap()
}

/// NUL, bidi overrides, zero-width characters, stacked combining marks and look-alike letters are
/// refused in every text field, through the API and the forms, with nothing stored; line breaks
/// only where the field has lines; the curly apostrophe of phone keyboards is stored as `'`.
async fn hidden_and_garbling_text_is_refused(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let cell = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let stacked = format!("Nghe{}", "\u{0301}".repeat(50));
    // (where, value, expected field, expected code)
    let cases: Vec<(&str, String, &str, &str)> = vec![
        ("birthplace", "Hà Nội\u{0}".into(), "birthplace", "control_character"),
        ("birthplace", "Hà Nội \u{202E}gnạH".into(), "birthplace", "bidi_control"),
        ("birthplace", "Hà\u{200B}Nội".into(), "birthplace", "invisible_character"),
        ("birthplace", stacked.clone(), "birthplace", "too_many_marks"),
        ("birthplace", "Hà Nội\nHải Phòng".into(), "birthplace", "control_character"),
        ("hometown", "\u{2066}Nghệ An\u{2069}".into(), "hometown", "bidi_control"),
        ("full_name", "Nguyễn Văn \u{0430}n".into(), "full_name", "mixed_scripts"),
        ("full_name", "Ｎguyễn Văn An".into(), "full_name", "fullwidth_character"),
        ("full_name", "Nguyễn\u{3164}Văn An".into(), "full_name", "invisible_character"),
        ("issuer", "Đảng ủy xã\u{FEFF}".into(), "events[0].issuer", "invisible_character"),
    ];
    for (i, (field, value, want_field, want_code)) in cases.iter().enumerate() {
        let mut body = new_member("Trần Văn Bình", &format!("00108501{i:04}"), cell);
        if *field == "issuer" {
            body["events"][0]["issuer"] = json!(value);
        } else {
            body["identity"][*field] = json!(value);
        }
        let (status, v) = app.post_json("/api/v1/members", &body).await;
        assert_eq!(status, 422, "{field} = {value:?}: {v}");
        let codes = field_codes(&v);
        assert!(codes.iter().any(|(f, c)| f.ends_with(want_field) && c == want_code), "{field} = {value:?}: {codes:?}");
    }
    assert_eq!(member_total(app).await, 0, "nothing stored");
    // A unit name with a zero-width joiner; an event note with NUL; neither is written.
    let body = json!({"kind": "chi-bo-co-so", "code": "X2", "name": "Chi bộ\u{200D} thôn Tây", "parent_id": commune,
        "effective_date": "01/01/1980", "decision_number": "15-QĐ/TU", "decision_date": "01/01/1980", "issuer": "Ban Thường vụ"});
    let (status, v) = app.post_json("/api/v1/units", &body).await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(field_codes(&v)[0].1, "invisible_character");
    assert_eq!(app.json(&format!("/api/v1/units/{commune}/subtree")).await.1.as_array().map(Vec::len), Some(2));

    // The curly apostrophe is stored as the ASCII one; searches typed either way find the name.
    let (status, v) = app.post_json("/api/v1/members", &new_member("Ksor H’Bơ Khắp", "064085000001", cell)).await;
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (_, m) = app.json(&format!("/api/v1/members/{id}")).await;
    assert_eq!(m["identity"]["full_name"], "Ksor H'Bơ Khắp");
    for q in ["H%E2%80%99B%C6%A1", "H'Bo", "h+bo+khap"] {
        assert_eq!(app.json(&format!("/api/v1/members?q={q}")).await.1["total"], 1, "{q}");
    }
    // A note keeps its lines; a NUL in it is refused, through the API and the form.
    let version = m["version"].as_i64().unwrap();
    let bad = json!({"version": version, "kind": "tu-tran", "effective_date": "01/06/2026", "note": "Gia đình báo tin\u{0}"});
    let (status, v) = app.post_json(&format!("/api/v1/members/{id}/events"), &bad).await;
    assert_eq!((status, field_codes(&v)), (422, vec![("note".to_owned(), "control_character".to_owned())]), "{v}");
    let r = app
        .post_form(
            &format!("/members/{id}/events"),
            &[
                ("version", &version.to_string()),
                ("kind", "tu-tran"),
                ("effective_date", "01/06/2026"),
                ("note", "Báo tin \u{202E}\u{200B}"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("đảo chiều"));
    let r = app
        .post_form("/members", &[("full_name", "Lê Thị H\u{043E}a"), ("birth_date", "01/01/1990"), ("citizen_id", "001190000001")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("nhiều bảng chữ"));
    let (_, after) = app.json(&format!("/api/v1/members/{id}")).await;
    assert_eq!(after["version"], m["version"], "nothing written");
    assert_eq!(member_total(app).await, 1);
    let good = json!({"version": version, "kind": "tu-tran", "effective_date": "01/06/2026", "note": "Gia đình báo tin.\r\nĐã viếng."});
    assert_eq!(app.post_json(&format!("/api/v1/members/{id}/events"), &good).await.0, 201);
    let events = app.json(&format!("/api/v1/members/{id}/events")).await.1;
    let notes: Vec<&str> = events.as_array().unwrap().iter().filter_map(|e| e["entry"]["event"]["note"].as_str()).collect();
    assert_eq!(notes, vec!["Gia đình báo tin.\nĐã viếng."], "{events}");
}
