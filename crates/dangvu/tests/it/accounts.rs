//! Accounts through the pages: an administrator creates an account, the person changes the
//! temporary password, enrols a second factor, makes and revokes an API token; the
//! administrator grants, resets and disables; the audit pages browse, export and verify. And the
//! second factor required by configuration.

use domain::access::{Grant, Role};
use storage::prelude::*;

use crate::http_on_both_engines;
use crate::support::{self, App, PASSWORD};

http_on_both_engines!(30; an_account_from_creation_to_revocation);

/// The text of the first `<span class="once">` after `label` (values shown once).
fn once_after(html: &str, label: &str) -> String {
    let from = html.find(label).unwrap_or_else(|| panic!("{label} in {html}"));
    let rest = &html[from..];
    let start = rest.find(r#"class="once">"#).unwrap() + r#"class="once">"#.len();
    rest[start..].split('<').next().unwrap().trim().to_owned()
}

async fn form(c: &reqwest::Client, app: &App, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let page = c.get(app.url("/account/password")).send().await.unwrap().text().await.unwrap();
    let mut all = vec![("_csrf", support::csrf_of(&page))];
    all.extend(fields.iter().map(|(k, v)| (*k, (*v).to_owned())));
    c.post(app.url(path)).form(&all).send().await.unwrap()
}

async fn an_account_from_creation_to_revocation(app: &App) {
    let root = app.store.children(None, support::today()).await.unwrap()[0].unit.id;
    // The administrator creates an inspector of the province; the password is shown once.
    let r = app
        .post_form(
            "/admin/accounts/new",
            &[
                ("username", "Kiem.Tra"),
                ("display_name", "Lê Văn Kiểm"),
                ("member", ""),
                ("role", "inspector"),
                ("unit", &root.0.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    let temporary = once_after(&html, "Mật khẩu tạm thời");
    assert!(auth::password::check_policy(&temporary, "kiem.tra").is_ok());
    let id = app.store.account_for_login("kiem.tra").await.unwrap().unwrap().0.id;
    let (status, page) = app.text(&format!("/admin/accounts/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Lê Văn Kiểm") && page.contains("Kiểm tra (chỉ xem)"));

    // First login: the temporary password must be changed before anything else.
    let c = support::browser();
    let r = support::login(&app.base, &c, "kiem.tra", &temporary).await;
    assert_eq!(r.headers()["location"], "/account/password");
    let r = c.get(app.url("/members")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/account/password");
    let weak =
        form(&c, app, "/account/password", &[("current_password", &temporary), ("new_password", "123"), ("repeat_password", "123")]).await;
    assert_eq!(weak.status().as_u16(), 422);
    assert!(weak.text().await.unwrap().contains("ít nhất 10 ký tự"));
    let new_password = "mat-khau-moi-cua-toi";
    let r = form(
        &c,
        app,
        "/account/password",
        &[("current_password", &temporary), ("new_password", new_password), ("repeat_password", new_password)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    // Every session ended; the new password works, the old one does not.
    assert_eq!(c.get(app.url("/members")).send().await.unwrap().status().as_u16(), 303);
    assert_eq!(support::login(&app.base, &support::browser(), "kiem.tra", &temporary).await.status().as_u16(), 401);
    let r = support::login(&app.base, &c, "kiem.tra", new_password).await;
    assert_eq!(r.headers()["location"], "/");
    assert_eq!(c.get(app.url("/members")).send().await.unwrap().status().as_u16(), 200);

    // A second factor: enrol with the first code, then every login asks for one.
    let page = c.get(app.url("/account/totp")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"<svg role="img""#), "the enrolment page shows a QR code");
    let secret = support::offered_secret(&page);
    let now = support::now().timestamp();
    let r = form(&c, app, "/account/totp", &[("current_password", new_password), ("code", "12ab56")]).await;
    assert_eq!(r.status().as_u16(), 422, "malformed code");
    let r = form(&c, app, "/account/totp", &[("current_password", new_password), ("code", &auth::totp::code_at(&secret, now))]).await;
    assert_eq!(r.status().as_u16(), 303);
    let r = support::login(&app.base, &c, "kiem.tra", new_password).await;
    assert_eq!(r.headers()["location"], "/login/totp");
    assert_eq!(c.get(app.url("/members")).send().await.unwrap().headers()["location"], "/login/totp");
    let code_page = c.get(app.url("/login/totp")).send().await.unwrap().text().await.unwrap();
    let csrf = support::csrf_of(&code_page);
    // The code used at enrolment cannot be replayed; a wrong one is refused; the next one works.
    let replay = c
        .post(app.url("/login/totp"))
        .form(&[("_csrf", csrf.as_str()), ("code", &auth::totp::code_at(&secret, now))])
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status().as_u16(), 401);
    assert!(replay.text().await.unwrap().contains("đã được dùng"));
    let wrong = c.post(app.url("/login/totp")).form(&[("_csrf", csrf.as_str()), ("code", "000000")]).send().await.unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    let next = auth::totp::code_at(&secret, now + 30);
    let ok = c.post(app.url("/login/totp")).form(&[("_csrf", csrf.as_str()), ("code", next.as_str())]).send().await.unwrap();
    assert_eq!(ok.status().as_u16(), 303);
    assert_eq!(c.get(app.url("/members")).send().await.unwrap().status().as_u16(), 200);

    // An API token, shown once, works until revoked.
    let r = form(&c, app, "/account/tokens", &[("name", "Báo cáo quý")]).await;
    let html = r.text().await.unwrap();
    let token = hidden_value(&html, "f-token");
    assert!(token.starts_with("dv_"));
    let api = reqwest::Client::new();
    assert_eq!(api.get(app.url("/api/v1/members")).bearer_auth(&token).send().await.unwrap().status().as_u16(), 200);
    let tid = app.store.tokens_of(id).await.unwrap()[0].id;
    let r = form(&c, app, &format!("/account/tokens/{tid}/revoke"), &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(api.get(app.url("/api/v1/members")).bearer_auth(&token).send().await.unwrap().status().as_u16(), 401);

    // The administrator adds and revokes a grant, resets the password, and disables the account.
    let version = |app: &App| {
        let store = app.store.clone();
        async move { store.account(id).await.unwrap().version.to_string() }
    };
    let r = app.post_form(&format!("/admin/accounts/{id}/grants"), &[("role", "leader"), ("unit", &root.0.to_string())]).await;
    assert_eq!(r.status().as_u16(), 303);
    let grants = app.store.grants(id, support::today()).await.unwrap();
    assert_eq!(grants.len(), 2);
    let bad = app.post_form(&format!("/admin/accounts/{id}/grants"), &[("role", "cell-secretary"), ("unit", &root.0.to_string())]).await;
    assert_eq!(bad.status().as_u16(), 422);
    let r = app.post_form(&format!("/admin/accounts/{id}/grants/{}/revoke", grants[1].id), &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app.post_form(&format!("/admin/accounts/{id}/reset-password"), &[("version", &version(app).await)]).await;
    assert_eq!(r.status().as_u16(), 200);
    let reset = once_after(&r.text().await.unwrap(), "Mật khẩu tạm thời");
    assert_eq!(c.get(app.url("/members")).send().await.unwrap().status().as_u16(), 303, "a reset ends the sessions");
    let stale = app.post_form(&format!("/admin/accounts/{id}/disable"), &[("version", "1")]).await;
    assert_eq!(stale.status().as_u16(), 409);
    let r = app.post_form(&format!("/admin/accounts/{id}/disable"), &[("version", &version(app).await)]).await;
    assert_eq!(r.status().as_u16(), 303);
    let r = support::login(&app.base, &support::browser(), "kiem.tra", &reset).await;
    assert_eq!(r.status().as_u16(), 403);

    // The audit pages: browse with filters, export, verify.
    let (status, html) = app.text("/admin/audit?action=account.").await;
    assert_eq!(status, 200);
    assert!(html.contains("Tạo tài khoản") && !html.contains("account.create") && html.contains("kiem.tra"));
    assert_eq!(app.text("/admin/audit?from=99/99/2026").await.0, 400);
    let csv = app.get("/admin/audit.csv?action=login.").await;
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let body = csv.text().await.unwrap();
    assert!(body.starts_with('\u{feff}') && body.contains("login.success"));
    let (status, html) = app.text("/admin/audit/verify").await;
    assert_eq!(status, 200);
    assert!(html.contains("toàn vẹn"), "{html}");
    // Other people never reach the administration pages.
    let c2 = support::browser();
    support::account(app.store.as_ref(), "thanh.tra", vec![Grant { role: Role::Inspector, unit: Some(root) }], None).await;
    support::login(&app.base, &c2, "thanh.tra", PASSWORD).await;
    assert_eq!(c2.get(app.url("/admin/accounts")).send().await.unwrap().status().as_u16(), 403);
}

fn hidden_value(html: &str, id: &str) -> String {
    let marker = format!(r#"id="{id}""#);
    let from = html.find(&marker).unwrap();
    let rest = &html[from..];
    let start = rest.find("value=\"").unwrap() + 7;
    rest[start..].split('"').next().unwrap().to_owned()
}
