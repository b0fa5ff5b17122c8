//! Logging in and staying safe, through the real server: anti-forgery tokens, lockout and
//! throttling, session rotation and expiry, the second factor, bearer tokens, security headers,
//! oversized requests, and reads written to the audit trail.

use domain::access::{Grant, Role};
use storage::AuditQuery;
use storage::prelude::*;

use crate::http_on_both_engines;
use crate::support::{self, App, PASSWORD};

http_on_both_engines!(30; forged_requests_are_refused, wrong_passwords_lock_and_throttle, sessions_rotate_expire_and_end, tokens_headers_and_limits, reads_are_audited);

fn cookie_value(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v.to_owned())
}

async fn first_member(app: &App) -> i64 {
    app.store.find_members(&storage::MemberQuery::new(support::today())).await.unwrap().items[0].id.0
}

async fn forged_requests_are_refused(app: &App) {
    let m = first_member(app).await;
    let before = app.store.member(domain::ids::MemberId(m)).await.unwrap().version;
    let form = [("version", before.to_string()), ("kind", "tu-tran".into()), ("effective_date", "20/11/2026".into())];
    // No token, a wrong token, another site's origin: refused, nothing written.
    let url = app.url(&format!("/members/{m}/events"));
    let r = app.client.post(&url).form(&form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert!(r.text().await.unwrap().contains("không xác minh được nguồn gửi"));
    let mut with_wrong = form.to_vec();
    with_wrong.push(("_csrf", "sai".into()));
    assert_eq!(app.client.post(&url).form(&with_wrong).send().await.unwrap().status().as_u16(), 403);
    let mut with_right = form.to_vec();
    with_right.push(("_csrf", app.csrf.clone()));
    let r = app.client.post(&url).header("origin", "https://evil.example").form(&with_right).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = app.client.post(&url).header("sec-fetch-site", "cross-site").form(&with_right).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(app.store.member(domain::ids::MemberId(m)).await.unwrap().version, before, "nothing was written");
    // The login form is protected too (login CSRF).
    let fresh = support::browser();
    let r = fresh.post(app.url("/login")).form(&[("username", "quantri"), ("password", PASSWORD)]).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // With the token from the same origin it goes through.
    let r = app.client.post(&url).header("origin", app.base.as_str()).form(&with_right).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
}

async fn wrong_passwords_lock_and_throttle(app: &App) {
    support::account(app.store.as_ref(), "can.bo", vec![Grant { role: Role::Inspector, unit: Some(root(app).await) }], None).await;
    let c = support::browser();
    for _ in 0..5 {
        let r = support::login(&app.base, &c, "can.bo", "sai-mat-khau-123").await;
        assert_eq!(r.status().as_u16(), 401);
        let body = r.text().await.unwrap();
        assert!(body.contains("Tên đăng nhập hoặc mật khẩu không đúng."), "{body}");
    }
    // Locked: even the right password is refused, and nothing says whether it was right.
    let r = support::login(&app.base, &c, "can.bo", PASSWORD).await;
    assert_eq!(r.status().as_u16(), 429);
    assert!(r.text().await.unwrap().contains("tạm khóa"));
    // An unknown user name answers like a wrong password.
    let r = support::login(&app.base, &support::browser(), "khong.co.ai", "sai-mat-khau-123").await;
    assert_eq!(r.status().as_u16(), 401);
    // One client address failing for many accounts is blocked too (20 failures in the window).
    for i in 0..14 {
        support::login(&app.base, &c, &format!("doan.{i}"), "sai-mat-khau-123").await;
    }
    let r = support::login(&app.base, &support::browser(), "quantri", PASSWORD).await;
    assert_eq!(r.status().as_u16(), 429, "the address is blocked");
    let refused =
        app.store.audit_entries(&AuditQuery { action: Some("login.refused".into()), limit: 10, ..Default::default() }).await.unwrap();
    assert!(!refused.is_empty());
    // Malformed input changes nothing and is answered clearly.
    let r = support::login(&app.base, &support::browser(), "", "").await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Nhập tên đăng nhập và mật khẩu."));
}

async fn root(app: &App) -> domain::ids::UnitId {
    app.store.children(None, support::today()).await.unwrap()[0].unit.id
}

async fn sessions_rotate_expire_and_end(app: &App) {
    support::account(app.store.as_ref(), "bi.thu", vec![Grant { role: Role::Inspector, unit: Some(root(app).await) }], None).await;
    // Without a cookie jar, to see the ids.
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = plain.get(app.url("/login")).send().await.unwrap();
    let pre = cookie_value(&page, support::PRELOGIN).unwrap();
    let csrf = support::csrf_of(&page.text().await.unwrap());
    let first = plain
        .post(app.url("/login"))
        .header("cookie", format!("{}={pre}", support::PRELOGIN))
        .form(&[("username", "bi.thu"), ("password", PASSWORD), ("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(first.status().as_u16(), 303);
    let a = cookie_value(&first, "dangvu_session").unwrap();
    let with = |s: &str, path: &str| plain.get(app.url(path)).header("cookie", format!("dangvu_session={s}")).send();
    assert_eq!(with(&a, "/members").await.unwrap().status().as_u16(), 200);
    // Logging in again (from a browser that has a session) issues a new id and ends the old one.
    let page = with(&a, "/account").await.unwrap().text().await.unwrap();
    let session_csrf = support::csrf_of(&page);
    let second = plain
        .post(app.url("/login"))
        .header("cookie", format!("dangvu_session={a}"))
        .form(&[("username", "bi.thu"), ("password", PASSWORD), ("_csrf", session_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(second.status().as_u16(), 303);
    let b = cookie_value(&second, "dangvu_session").unwrap();
    assert_ne!(a, b, "the session id rotates on login");
    let old = with(&a, "/members").await.unwrap();
    assert_eq!(old.status().as_u16(), 303);
    assert!(old.headers()["location"].to_str().unwrap().starts_with("/login"));
    assert_eq!(with(&b, "/members").await.unwrap().status().as_u16(), 200);

    // An idle session expires (30 minutes), and so does an old one (12 hours): the login page says so.
    let account = app.store.account_for_login("bi.thu").await.unwrap().unwrap().0.id;
    let idle = support::now() - chrono::Duration::minutes(31);
    app.store.create_session(&auth::token::digest("idle"), account, storage::SessionStage::Full, "t", None, idle).await.unwrap();
    let r = with("idle", "/members").await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let r = plain.get(app.url("/login")).header("cookie", "dangvu_session=idle").send().await.unwrap();
    assert!(r.text().await.unwrap().contains("hết hạn"));
    // Logout ends the session on the server.
    let page = with(&b, "/account").await.unwrap().text().await.unwrap();
    let token = support::csrf_of(&page);
    let r = plain
        .post(app.url("/logout"))
        .header("cookie", format!("dangvu_session={b}"))
        .form(&[("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(with(&b, "/members").await.unwrap().status().as_u16(), 303);
}

async fn tokens_headers_and_limits(app: &App) {
    // Forged, malformed and missing tokens: 401 with a JSON error and a Bearer challenge.
    for auth in [Some("Bearer dv_khongcothat"), Some("Bearer "), Some("Basic YWRtaW46YWRtaW4="), None] {
        let mut req = reqwest::Client::new().get(app.url("/api/v1/members"));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status().as_u16(), 401, "{auth:?}");
        assert!(r.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "unauthorized");
    }
    // The API never accepts the session cookie.
    assert_eq!(app.client.get(app.url("/api/v1/members")).send().await.unwrap().status().as_u16(), 401);
    // A revoked token stops working at once.
    let admin = app.store.account_for_login("quantri").await.unwrap().unwrap().0.id;
    let token = support::token(app.store.as_ref(), admin).await;
    let ok = reqwest::Client::new().get(app.url("/api/v1/units")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    let id = app.store.tokens_of(admin).await.unwrap()[0].id;
    app.store.revoke_token(&storage::WriteContext::new("t", support::now()), admin, id).await.unwrap();
    let gone = reqwest::Client::new().get(app.url("/api/v1/units")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(gone.status().as_u16(), 401);
    // Security headers on pages, API answers and errors.
    for path in ["/members", "/nowhere", "/login"] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        let h = r.headers();
        assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["cache-control"], "no-store");
        assert!(h.contains_key("referrer-policy"));
    }
    // Oversized requests: a clear 413, nothing internal shown.
    let big = "a".repeat(2 * 1024 * 1024);
    let r = app.client.post(app.url("/members")).form(&[("_csrf", app.csrf.as_str()), ("full_name", big.as_str())]).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 413);
    let body = r.text().await.unwrap();
    assert!(body.contains("quá lớn") && !body.to_lowercase().contains("sql") && !body.contains("panicked"));
}

async fn reads_are_audited(app: &App) {
    let m = first_member(app).await;
    assert_eq!(app.client.get(app.url(&format!("/members/{m}"))).send().await.unwrap().status().as_u16(), 200);
    assert_eq!(app.client.get(app.url("/members?q=nguyen")).send().await.unwrap().status().as_u16(), 200);
    let (status, _) = app.json(&format!("/api/v1/members/{m}")).await;
    assert_eq!(status, 200);
    let reads = app.store.audit_entries(&AuditQuery { action: Some("read.".into()), limit: 10, ..Default::default() }).await.unwrap();
    let member_reads: Vec<_> =
        reads.iter().filter(|e| e.action == "read.member" && e.object_id.as_deref() == Some(&m.to_string())).collect();
    assert_eq!(member_reads.len(), 2, "{reads:?}");
    assert!(member_reads.iter().all(|e| e.actor == "quantri" && e.client.as_deref() == Some("127.0.0.1") && e.request_id.is_some()));
    let search = reads.iter().find(|e| e.action == "read.members").unwrap();
    let details: serde_json::Value = serde_json::from_str(&search.details).unwrap();
    assert_eq!(details["q"], "nguyen");
    assert!(details["shown"].as_u64().is_some());
    assert!(app.store.verify_audit().await.unwrap().problems.is_empty());
}

/// With `require_totp_for_staff`, staff must enrol a second factor before anything else; a
/// member does not.
async fn second_factor_required(engine: conformance::Engine) {
    let config = web::AuthConfig { cookie_secure: false, require_totp_for_staff: true, ..Default::default() };
    let Some(app) = support::spawn_with(engine, 30, config).await else { return };
    let root = app.store.children(None, support::today()).await.unwrap()[0].unit.id;
    support::account(app.store.as_ref(), "to.chuc", vec![Grant { role: Role::OrgBoardStaff, unit: Some(root) }], None).await;
    let c = support::browser();
    let r = support::login(&app.base, &c, "to.chuc", PASSWORD).await;
    assert_eq!(r.headers()["location"], "/login/enroll");
    // Nothing else opens until enrolment is done.
    for path in ["/members", "/units", "/account"] {
        assert_eq!(c.get(app.url(path)).send().await.unwrap().headers()["location"], "/login/enroll", "{path}");
    }
    let page = c.get(app.url("/login/enroll")).send().await.unwrap().text().await.unwrap();
    let csrf = support::csrf_of(&page);
    let secret = support::offered_secret(&page);
    let bad = c.post(app.url("/login/enroll")).form(&[("_csrf", csrf.as_str()), ("code", "abc")]).send().await.unwrap();
    assert_eq!(bad.status().as_u16(), 422);
    assert!(bad.text().await.unwrap().contains("6 chữ số"));
    let code = auth::totp::code_at(&secret, support::now().timestamp());
    let ok = c.post(app.url("/login/enroll")).form(&[("_csrf", csrf.as_str()), ("code", code.as_str())]).send().await.unwrap();
    assert_eq!(ok.status().as_u16(), 303);
    assert_eq!(c.get(app.url("/members")).send().await.unwrap().status().as_u16(), 200);
    assert!(app.store.account_for_login("to.chuc").await.unwrap().unwrap().0.totp_enrolled);
    // A member is not staff: no second factor asked.
    let m = first_member(&app).await;
    support::account(app.store.as_ref(), "dang.vien", vec![Grant { role: Role::Member, unit: None }], Some(domain::ids::MemberId(m))).await;
    let c = support::browser();
    let r = support::login(&app.base, &c, "dang.vien", PASSWORD).await;
    assert_eq!(r.headers()["location"], "/");
    assert_eq!(c.get(app.url(&format!("/members/{m}"))).send().await.unwrap().status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_factor_required_sqlite() {
    second_factor_required(conformance::Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_factor_required_postgres() {
    second_factor_required(conformance::Engine::Postgres).await;
}
