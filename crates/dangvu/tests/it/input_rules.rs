//! Holes closed after the register was probed: the client address behind a proxy, the second
//! factor's secret, text that hides or garbles what it says, page numbers that overflow, and
//! admission forms that must authorize before they validate. Each through the real server on
//! both engines.

use serde_json::{Value, json};
use storage::AuditQuery;
use storage::prelude::*;

use crate::http_on_both_engines;
use crate::support::{self, App, PASSWORD};

http_on_both_engines!(0; huge_page_numbers_are_refused, hidden_and_garbling_text_is_refused, admission_forms_authorize_first);

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
    let queries = ["page=36893488147419105&per_page=500", "page=36893488147419105", "page=100001&per_page=50", "page=18446744073709551615"];
    for query in queries {
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
    let (status, v) = app.json("/api/v1/members?page=100000&per_page=500").await;
    assert_eq!((status, v["items"].as_array().map(Vec::len)), (200, Some(0)), "{v}");
    assert_eq!(app.text(&format!("/units/{province}?page=2")).await.0, 200);
}

// --- the second factor's secret ------------------------------------------------------------------

/// The secret nobody should ever be enrolled with: twenty zero bytes.
const ZERO_SECRET: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

async fn posted(c: &reqwest::Client, app: &App, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let page = c.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    let csrf = support::csrf_of(&page);
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let r = c.post(app.url(path)).form(&all).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

async fn stored_secret(app: &App, username: &str) -> Option<String> {
    app.store.account_for_login(username).await.unwrap().unwrap().1.totp_secret
}

/// The secret is the server's: a secret posted with the form (the all-zero one with its code) is
/// ignored, enrolment on the account page asks for the current password (throttled), and only the
/// secret offered to this session, proven by its code, is stored. The same at the login step.
async fn second_factor_secret_stays_on_the_server(engine: conformance::Engine) {
    let Some(app) = support::spawn(engine, 0).await else { return };
    support::account(app.store.as_ref(), "tu.bat", vec![domain::access::Grant { role: domain::access::Role::Admin, unit: None }], None)
        .await;
    let c = support::browser();
    assert_eq!(support::login(&app.base, &c, "tu.bat", PASSWORD).await.status().as_u16(), 303);
    let page = c.get(app.url("/account/totp")).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains(r#"name="secret""#), "the form carries no secret");
    let offered = support::offered_secret(&page);
    // Reloading shows the same secret (it is kept with the session, not drawn anew).
    let again = c.get(app.url("/account/totp")).send().await.unwrap().text().await.unwrap();
    assert_eq!(support::offered_secret(&again), offered);
    let now = support::now().timestamp();
    let zero = auth::totp::Secret::from_base32(ZERO_SECRET).unwrap();
    let zero_code = auth::totp::code_at(&zero, now);
    let (status, html) =
        posted(&c, &app, "/account/totp", &[("current_password", PASSWORD), ("secret", ZERO_SECRET), ("code", &zero_code)]).await;
    assert_eq!(status, 422, "{html}");
    assert_eq!(stored_secret(&app, "tu.bat").await, None, "the posted secret was not enrolled");
    // The right code without the password, or with a wrong one: refused, and the failure counts.
    let code = auth::totp::code_at(&offered, now);
    let (status, html) = posted(&c, &app, "/account/totp", &[("code", &code)]).await;
    assert_eq!(status, 422);
    assert!(html.contains("Nhập mật khẩu hiện tại"), "{html}");
    let (status, html) = posted(&c, &app, "/account/totp", &[("current_password", "sai-mat-khau-123"), ("code", &code)]).await;
    assert_eq!(status, 422);
    assert!(html.contains("Mật khẩu hiện tại không đúng."), "{html}");
    assert_eq!(stored_secret(&app, "tu.bat").await, None);
    let failures = app
        .store
        .audit_entries(&AuditQuery { action: Some("account.reauth_failure".into()), limit: 10, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(failures.len(), 1, "the wrong password is recorded and counts towards the lockout");
    // Password and the offered secret's code: enrolled with exactly that secret.
    let (status, _) = posted(&c, &app, "/account/totp", &[("current_password", PASSWORD), ("code", &code)]).await;
    assert_eq!(status, 303);
    assert_eq!(stored_secret(&app, "tu.bat").await, Some(offered.to_base32()));

    // The enrolment required at login takes no secret from the form either.
    let config = web::AuthConfig { cookie_secure: false, require_totp_for_staff: true, ..Default::default() };
    let Some(app) = support::spawn_with(engine, 0, config).await else { return };
    support::account(app.store.as_ref(), "can.bo", vec![domain::access::Grant { role: domain::access::Role::Admin, unit: None }], None)
        .await;
    let c = support::browser();
    assert_eq!(support::login(&app.base, &c, "can.bo", PASSWORD).await.headers()["location"], "/login/enroll");
    let page = c.get(app.url("/login/enroll")).send().await.unwrap().text().await.unwrap();
    let offered = support::offered_secret(&page);
    let csrf = support::csrf_of(&page);
    let enrol = async |fields: &[(&str, &str)]| {
        let mut all = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        c.post(app.url("/login/enroll")).form(&all).send().await.unwrap().status().as_u16()
    };
    assert_eq!(enrol(&[("secret", ZERO_SECRET), ("code", &zero_code)]).await, 422);
    assert_eq!(stored_secret(&app, "can.bo").await, None);
    assert_eq!(enrol(&[("code", &auth::totp::code_at(&offered, now))]).await, 303);
    assert_eq!(stored_secret(&app, "can.bo").await, Some(offered.to_base32()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_factor_secret_stays_on_the_server_sqlite() {
    second_factor_secret_stays_on_the_server(conformance::Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_factor_secret_stays_on_the_server_postgres() {
    second_factor_secret_stays_on_the_server(conformance::Engine::Postgres).await;
}

// --- free text ------------------------------------------------------------------------------------

fn new_member(name: &str, cccd: &str, cell: i64) -> Value {
    json!({
        "identity": {"full_name": name, "gender": "nam", "birth_date": "12/03/1985", "ethnicity": "kinh", "religion": "khong",
                     "citizen_id": cccd, "birthplace": "Xã Ngọc Sơn, tỉnh Nghệ An"},
        "profile": {"general_education": "thpt", "professional": "dai-hoc", "occupation": "vien-chuc", "youth_union": false},
        "events": [
            {"kind": "ket-nap", "unit_id": cell, "decision_number": "21-QĐ/ĐU", "decision_date": "10/03/2015", "issuer": "Đảng ủy xã"}
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
    let bad = json!({"version": version, "event": {"kind": "tu-tran", "effective_date": "01/06/2026", "note": "Gia đình báo tin\u{0}"}});
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
    let good =
        json!({"version": version, "event": {"kind": "tu-tran", "effective_date": "01/06/2026", "note": "Gia đình báo tin.\r\nĐã viếng."}});
    assert_eq!(app.post_json(&format!("/api/v1/members/{id}/events"), &good).await.0, 201);
    let events = app.json(&format!("/api/v1/members/{id}/events")).await.1;
    let notes: Vec<&str> = events.as_array().unwrap().iter().filter_map(|e| e["entry"]["event"]["note"].as_str()).collect();
    assert_eq!(notes, vec!["Gia đình báo tin.\nĐã viếng."], "{events}");

    // A name stored before these rules existed (written here straight to the store) stays readable.
    let (mut identity, profile) = support::person("Trần Văn An", "001080000777");
    identity.full_name = domain::text::PersonName::from_stored("Trần Văn \u{0430}n".into());
    let on = domain::dates::parse_date("01/01/2010").unwrap();
    let admitted = domain::event::EventData {
        kind: domain::event::EventKind::Admitted {
            unit: domain::event::UnitRef::Internal(domain::ids::UnitId(cell)),
            origin: Default::default(),
        },
        effective: on,
        basis: Some(domain::unit::LegalBasis {
            number: domain::ids::DecisionNumber::parse("1-QĐ/ĐU").unwrap(),
            date: on,
            issuer: "Đảng ủy xã".into(),
        }),
        note: None,
    };
    let new = storage::NewMember { identity, profile: domain::member::DatedProfile { valid_from: None, profile }, events: vec![admitted] };
    let old = app.store.create_member(&storage::WriteContext::new("test", support::now()), new).await.unwrap();
    let (status, v) = app.json(&format!("/api/v1/members/{}", old.0)).await;
    assert_eq!((status, v["identity"]["full_name"].as_str()), (200, Some("Trần Văn \u{0430}n")), "{v}");
    assert_eq!(app.text(&format!("/members/{}", old.0)).await.0, 200);
    assert_eq!(member_total(app).await, 2);
}

// --- admission forms authorize before they validate -------------------------------------------------

/// A logged-in client (pages) with its API token.
struct Staff {
    client: reqwest::Client,
    csrf: String,
    token: String,
}

async fn staff(app: &App, name: &str, role: domain::access::Role, unit: i64) -> Staff {
    let grant = domain::access::Grant { role, unit: Some(domain::ids::UnitId(unit)) };
    let account = support::account(app.store.as_ref(), name, vec![grant], None).await;
    let token = support::token(app.store.as_ref(), account).await;
    let client = support::browser();
    assert_eq!(support::login(&app.base, &client, name, PASSWORD).await.status().as_u16(), 303);
    let csrf = support::session_csrf(&app.base, &client).await;
    Staff { client, csrf, token }
}

impl Staff {
    async fn api(&self, app: &App, method: reqwest::Method, path: &str, body: &Value) -> (u16, Value) {
        let r = self.client.request(method, app.url(path)).bearer_auth(&self.token).json(body).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn form(&self, app: &App, path: &str, fields: &[(&str, &str)]) -> u16 {
        let mut all = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.client.post(app.url(path)).form(&all).send().await.unwrap().status().as_u16()
    }
}

/// Someone who may read a case but not record a step on it gets 403 whatever the body holds, never
/// the field errors of a bad body (which only those who may record it see); outside the read
/// scope, 404. The same for the candidate forms and the targets.
async fn admission_forms_authorize_first(app: &App) {
    use domain::access::Role;
    use reqwest::Method;
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let cell = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let other = create_unit(app, "chi-bo-co-so", "X2", "Chi bộ thôn Tây", Some(commune)).await;
    let candidate = json!({
        "identity": {"full_name": "Phạm Thị Dung", "gender": "nu", "birth_date": "15/06/2000", "ethnicity": "kinh", "religion": "khong",
            "citizen_id": "001300000099"},
        "profile": {"general_education": "thpt", "occupation": "vien-chuc", "youth_union": true},
        "unit_id": cell, "source": "doan-thanh-nien"
    });
    let (status, v) = app.post_json("/api/v1/admission/cases", &candidate).await;
    assert_eq!(status, 201, "{v}");
    let case = v["id"].as_i64().unwrap();
    let version = || async { app.json(&format!("/api/v1/admission/cases/{case}")).await.1["version"].as_i64().unwrap() };
    let before = version().await;

    let inspector = staff(app, "kiem.tra", Role::Inspector, commune).await;
    let leader = staff(app, "lanh.dao", Role::CommitteeLeader, commune).await;
    let stranger = staff(app, "bi.thu.tay", Role::CellSecretary, other).await;
    let steps = format!("/api/v1/admission/cases/{case}/steps");
    let bad_step = json!({"version": before, "kind": "don", "on": "31/02/2024"});
    let good_step = json!({"version": before, "kind": "don", "on": "01/02/2024"});
    let bad_decision = json!({"version": before, "kind": "quyet-dinh", "decision_number": "", "decision_date": "2024-02-31"});

    // The inspector reads the case but records nothing: 403 for a bad body as for a good one.
    assert_eq!(inspector.api(app, Method::GET, &format!("/api/v1/admission/cases/{case}"), &Value::Null).await.0, 200);
    for body in [&bad_step, &good_step, &bad_decision, &json!({})] {
        let (status, v) = inspector.api(app, Method::POST, &steps, body).await;
        assert_eq!(status, 403, "{body} → {v}");
    }
    let page = format!("/admission/cases/{case}/steps/new?kind=don");
    assert_eq!(inspector.form(app, &page, &[("version", &before.to_string()), ("on", "31/02/2024")]).await, 403);
    assert_eq!(inspector.form(app, &page, &[("version", "x")]).await, 403);
    let edit = json!({"version": before, "full_name": "Nguyễn Văn 3", "birth_date": "x"});
    assert_eq!(inspector.api(app, Method::PUT, &format!("/api/v1/admission/cases/{case}"), &edit).await.0, 403);
    assert_eq!(inspector.form(app, &format!("/admission/cases/{case}/edit"), &[("version", "1"), ("full_name", "3")]).await, 403);
    assert_eq!(inspector.api(app, Method::POST, &format!("{steps}/1/void"), &json!({"reason": ""})).await.0, 403);
    assert_eq!(inspector.form(app, &format!("/admission/cases/{case}/steps/1/void"), &[("reason", "")]).await, 403);
    assert_eq!(
        inspector.api(app, Method::POST, "/api/v1/admission/cases", &json!({"unit_id": cell, "identity": {"full_name": "3"}})).await.0,
        403
    );
    assert_eq!(inspector.form(app, &format!("/units/{cell}/admission/new"), &[("full_name", "3")]).await, 403);
    let target = json!({"unit": commune, "year": 2026, "group": "khong-co", "target": 5});
    assert_eq!(inspector.api(app, Method::PUT, "/api/v1/admission/targets", &target).await.0, 403);
    assert_eq!(inspector.form(app, "/admission/targets", &[("unit", &commune.to_string()), ("year", "2026"), ("target", "-1")]).await, 403);

    // The committee's leader decides but does not keep the chi bộ's file: 403 for the chi bộ's
    // steps, and for a decision the body's own errors (422).
    assert_eq!(leader.api(app, Method::POST, &steps, &bad_step).await.0, 403);
    let (status, v) = leader.api(app, Method::POST, &steps, &bad_decision).await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(leader.form(app, &page, &[("version", &before.to_string()), ("on", "31/02/2024")]).await, 403);
    let (status, v) = leader.api(app, Method::PUT, "/api/v1/admission/targets", &target).await;
    assert_eq!(status, 422, "{v}");

    // A secretary of another chi bộ does not see the case at all: 404, whatever the body.
    for body in [&bad_step, &good_step] {
        assert_eq!(stranger.api(app, Method::POST, &steps, body).await.0, 404);
    }
    assert_eq!(stranger.form(app, &page, &[("version", "x")]).await, 404);
    assert_eq!(stranger.form(app, &format!("/units/{cell}/admission/new"), &[("full_name", "3")]).await, 404);
    assert_eq!(stranger.api(app, Method::PUT, &format!("/api/v1/admission/cases/{case}"), &edit).await.0, 404);
    // Nor does the secretary learn anything from a new candidate's fields in someone else's chi bộ.
    let (status, v) = stranger.api(app, Method::POST, "/api/v1/admission/cases", &candidate).await;
    assert_eq!((status, field_codes(&v)), (422, vec![("unit_id".to_owned(), "out_of_scope".to_owned())]), "{v}");

    assert_eq!(version().await, before, "nothing was recorded");
}
