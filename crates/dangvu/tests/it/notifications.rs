//! Notifications through the server: the province sends a directive to two communes; the staff of
//! each find it in their inbox (the badge in the header of every page counts it) and, when they
//! gave an address on their account page, in their mailbox through the site's relay (a catcher
//! the test starts); opening the notice leads to the directive and clears the badge; an address
//! the relay refuses is given up; the same through the API.

use domain::access::{Grant, Role};
use domain::ids::UnitId;
use serde_json::{Value, json};
use storage::prelude::*;

use crate::support::{self, App, MailCatcher, PASSWORD, create_unit};

struct Person {
    web: reqwest::Client,
    csrf: String,
    token: String,
}

async fn person(app: &App, username: &str, role: Role, unit: i64) -> Person {
    let account = support::account(app.store.as_ref(), username, vec![Grant { role, unit: Some(UnitId(unit)) }], None).await;
    let token = support::token(app.store.as_ref(), account).await;
    let web = support::browser();
    assert_eq!(support::login(&app.base, &web, username, PASSWORD).await.status().as_u16(), 303);
    let csrf = support::session_csrf(&app.base, &web).await;
    Person { web, csrf, token }
}

impl Person {
    async fn page(&self, app: &App, path: &str) -> (u16, String) {
        let r = self.web.get(app.url(path)).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    async fn form(&self, app: &App, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.web.post(app.url(path)).form(&all).send().await.unwrap()
    }

    async fn api(&self, app: &App, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut r = reqwest::Client::new().request(method, app.url(path)).bearer_auth(&self.token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }
}

fn version_in(html: &str) -> String {
    let marker = r#"name="version" value=""#;
    let start = html.find(marker).unwrap() + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notices_reach_the_inbox_and_the_mailbox() {
    let catcher = MailCatcher::start().await;
    let auth = web::AuthConfig { cookie_secure: false, mail: Some(catcher.config()), ..Default::default() };
    let app = support::spawn_with(conformance::Engine::Sqlite, 0, auth).await.expect("app");
    let app = &app;
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let a = create_unit(app, "xa-phuong", "XA", "Đảng bộ xã An Phú", Some(province)).await;
    let b = create_unit(app, "xa-phuong", "XB", "Đảng bộ xã Bình Hòa", Some(province)).await;
    let sender = person(app, "tinh.tochuc", Role::OrgBoardStaff, province).await;
    let staff_a = person(app, "xa.an", Role::OrgBoardStaff, a).await;
    let staff_b = person(app, "xa.binh", Role::OrgBoardStaff, b).await;

    // Commune A's staff give their address on the account page: a wrong one is refused in words.
    let (_, html) = staff_a.page(app, "/account").await;
    assert!(html.contains("Nhận thông báo qua thư điện tử"));
    let version = version_in(&html);
    let r = staff_a.form(app, "/account/email", &[("version", &version), ("email", "xa an@anphu")]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Địa chỉ thư điện tử không hợp lệ"));
    let r = staff_a.form(app, "/account/email", &[("version", &version), ("email", "XaAn@AnPhu.test")]).await;
    assert_eq!(r.status().as_u16(), 303, "saved, back to the account page");
    assert!(staff_a.page(app, "/account").await.1.contains(r#"value="XaAn@anphu.test""#));
    // Commune B's address is one the relay does not know: its e-mail is given up, the inbox keeps the notice.
    let (status, _) = staff_b.api(app, reqwest::Method::PUT, "/api/v1/account/email", Some(json!({"email": "bad address"}))).await;
    assert_eq!(status, 422, "no version");
    let (status, body) =
        staff_b.api(app, reqwest::Method::PUT, "/api/v1/account/email", Some(json!({"version": 1, "email": "bad address"}))).await;
    assert_eq!((status, body["error"]["fields"][0]["field"].as_str()), (422, Some("email")));
    let (status, _) =
        staff_b.api(app, reqwest::Method::PUT, "/api/v1/account/email", Some(json!({"version": 9, "email": "unknown@binhhoa.test"}))).await;
    assert_eq!(status, 409, "a stale version");
    let (status, _) =
        staff_b.api(app, reqwest::Method::PUT, "/api/v1/account/email", Some(json!({"version": 1, "email": "unknown@binhhoa.test"}))).await;
    assert_eq!(status, 204);

    // Nothing yet: no badge count.
    assert!(staff_a.page(app, "/").await.1.contains(r#"<a class="inbox" href="/inbox">Thông báo</a>"#));

    // The province sends.
    let body = json!({"kind": "ke-hoach", "number": "15-KH/TU", "title": "Kế hoạch rà soát đảng viên năm 2026",
        "body": "Các đảng ủy xã rà soát và báo cáo kết quả.", "reach_kinds": ["xa-phuong"],
        "task": "Báo cáo kết quả rà soát", "deadline_date": "2026-12-15"});
    let (status, created) = sender.api(app, reqwest::Method::POST, &format!("/api/v1/units/{province}/directives"), Some(body)).await;
    assert_eq!(status, 201, "{created}");
    let directive = created["id"].as_i64().unwrap();

    // A's e-mail arrives through the relay: the subject and text of the notice, the link to the site.
    let mails = catcher.wait_for(1).await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!((mail.from.as_str(), mail.to.as_str()), ("dangvu@tinhuy.test", "XaAn@anphu.test"));
    assert_eq!(mail.subject(), "Kế hoạch số 15-KH/TU: Kế hoạch rà soát đảng viên năm 2026");
    let text = mail.body();
    assert!(
        text.starts_with("Tỉnh ủy Bình An gửi Kế hoạch số 15-KH/TU “Kế hoạch rà soát đảng viên năm 2026” đến Đảng bộ xã An Phú."),
        "{text}"
    );
    assert!(text.contains(&format!("Xem trên Đảng vụ: https://dangvu.tinhuy.test/directives/{directive}")), "{text}");
    // B's is refused for good (550) and counted as failed.
    let mut failed = 0;
    for _ in 0..100 {
        failed = app.store.mail_status().await.unwrap().failed;
        if failed == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(failed, 1);
    let status = app.store.mail_status().await.unwrap();
    assert_eq!((status.pending, status.sent), (0, 1));
    assert!(status.last_error.unwrap_or_default().contains("550"));

    // In the inbox: the badge on every page, the notice, its link leading to the directive.
    for path in ["/", "/directives", "/account"] {
        let (_, html) = staff_a.page(app, path).await;
        assert!(html.contains(r#"<a class="inbox" href="/inbox">Thông báo <span class="count">1"#), "{path}");
    }
    let (status, html) = staff_b.page(app, "/inbox").await;
    assert_eq!(status, 200);
    assert!(html.contains("Kế hoạch số 15-KH/TU: Kế hoạch rà soát đảng viên năm 2026"));
    assert!(html.contains("Đảng bộ xã Bình Hòa"));
    assert!(!sender.page(app, "/inbox").await.1.contains("15-KH/TU"), "the sender is not told of its own directive");
    let (_, listed) = staff_a.api(app, reqwest::Method::GET, "/api/v1/inbox", None).await;
    assert_eq!(listed["unread"], 1);
    let notice = listed["items"][0]["id"].as_i64().unwrap();
    assert_eq!(listed["items"][0]["kind"], "directive.received");
    assert_eq!(listed["items"][0]["link"], format!("/directives/{directive}"));
    // Someone else's notice does not exist.
    assert_eq!(staff_b.page(app, &format!("/inbox/{notice}")).await.0, 404);
    assert_eq!(staff_b.api(app, reqwest::Method::POST, &format!("/api/v1/inbox/{notice}/read"), None).await.0, 404);
    // Opening it leads to the directive and clears the badge.
    let r = staff_a.web.get(app.url(&format!("/inbox/{notice}"))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], format!("/directives/{directive}").as_str());
    let (_, html) = staff_a.page(app, "/").await;
    assert!(html.contains(r#"<a class="inbox" href="/inbox">Thông báo</a>"#), "no count once read");
    assert_eq!(staff_a.api(app, reqwest::Method::GET, "/api/v1/inbox?unread=true", None).await.1["items"], json!([]));

    // B marks everything read through the page; bad query parameters are refused.
    let (_, html) = staff_b.page(app, "/inbox").await;
    let upto = html.split(r#"name="upto" value=""#).nth(1).unwrap().split('"').next().unwrap().to_owned();
    let r = staff_b.form(app, "/inbox/read", &[("upto", &upto)]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(!staff_b.page(app, "/inbox").await.1.contains("Đánh dấu đã đọc tất cả"), "nothing left to mark");
    assert_eq!(staff_b.api(app, reqwest::Method::GET, "/api/v1/inbox", None).await.1["unread"], 0);
    for bad in ["limit=0", "limit=201", "limit=ba", "unread=co", "before=0"] {
        let (status, _) = staff_b.api(app, reqwest::Method::GET, &format!("/api/v1/inbox?{bad}"), None).await;
        assert!(status == 400 || status == 422, "{bad}: {status}");
    }
    let (status, marked) = staff_b.api(app, reqwest::Method::POST, "/api/v1/inbox/read", Some(json!({"upto": 1_000_000}))).await;
    assert_eq!((status, marked["marked"].as_i64()), (200, Some(0)));

    // A member told of a meeting reads it in the notice: the meeting's page is the staff's, so no
    // link leads there and opening the notice stays in the inbox.
    let cell = create_unit(app, "chi-bo", "XA1", "Chi bộ thôn Đông", Some(a)).await;
    let member = support::official_member(app, "Nguyễn Văn An", "001080000111", cell).await;
    support::account(
        app.store.as_ref(),
        "an.dangvien",
        vec![Grant { role: Role::Member, unit: None }],
        Some(domain::ids::MemberId(member)),
    )
    .await;
    let meeting = json!({"kind": "thuong-ky", "held_on": "2026-12-05", "starts_at": "19:30", "place": "Nhà văn hóa thôn", "agenda": "Sinh hoạt tháng 12"});
    let (status, _) = staff_a.api(app, reqwest::Method::POST, &format!("/api/v1/units/{cell}/meetings"), Some(meeting)).await;
    assert_eq!(status, 201);
    let web = support::browser();
    assert_eq!(support::login(&app.base, &web, "an.dangvien", PASSWORD).await.status().as_u16(), 303);
    let html = web.get(app.url("/inbox")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Sinh hoạt thường kỳ: 19:30 ngày 05/12/2026") && html.contains("Nhà văn hóa thôn"), "{html}");
    assert!(!html.contains(r#"<a href="/inbox/"#), "no link to a page the member may not open");
    let notice =
        app.store.inbox(app.store.account_for_login("an.dangvien").await.unwrap().unwrap().0.id, None, false, 1).await.unwrap().items[0].id;
    let r = web.get(app.url(&format!("/inbox/{notice}"))).send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/inbox"));

    // The administrator sets the address for someone who cannot: refused in words when wrong,
    // refused on a stale version, shown on the account's page once saved.
    let (b_account, _) = app.store.account_for_login("xa.binh").await.unwrap().unwrap();
    let path = format!("/admin/accounts/{}/email", b_account.id);
    let version = b_account.version.to_string();
    let r = app.post_form(&path, &[("version", &version), ("email", "binh hoa")]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Địa chỉ thư điện tử không hợp lệ"));
    let r = app.post_form(&path, &[("version", "1"), ("email", "binh@binhhoa.test")]).await;
    assert_eq!(r.status().as_u16(), 409, "a stale version");
    let r = app.post_form(&path, &[("version", &version), ("email", "binh@binhhoa.test")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = app.text(&format!("/admin/accounts/{}", b_account.id)).await;
    assert!(html.contains("binh@binhhoa.test"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operators_announce_and_check_the_relay_from_the_command_line() {
    use crate::cli::{dangvu, database, ok, text};
    let t = conformance::fresh(conformance::Engine::Sqlite).await.expect("store");
    let db = database(&t);
    let one = support::account(t.store.as_ref(), "mot", vec![Grant { role: Role::Admin, unit: None }], None).await;
    support::account(t.store.as_ref(), "hai", vec![], None).await;

    let out = ok(&db, &["notices", "announce", "--title", "Bảo trì hệ thống tối thứ Bảy", "--body", "Từ 20 giờ đến 22 giờ."], None);
    assert!(out.contains("Đã gửi thông báo tới 2 tài khoản."), "{out}");
    let out = ok(&db, &["notices", "announce", "--title", "Riêng", "--to", "mot"], None);
    assert!(out.contains("tới 1 tài khoản"), "{out}");
    let inbox = t.store.inbox(one, None, false, 10).await.unwrap();
    assert_eq!(inbox.items.iter().map(|n| n.title.as_str()).collect::<Vec<_>>(), ["Riêng", "Bảo trì hệ thống tối thứ Bảy"]);
    assert_eq!(inbox.items[1].body, "Từ 20 giờ đến 22 giờ.");
    let refused = dangvu(&db, &["notices", "announce", "--title", "Ai?", "--to", "khongco"], None);
    assert!(!refused.status.success() && text(&refused).contains("no account named"), "{}", text(&refused));
    let out = ok(&db, &["notices", "mail-status"], None);
    assert!(out.contains("Máy chủ thư được cấu hình: không") && out.contains("Chờ gửi: 0"), "{out}");

    // A test e-mail through the relay named in `[mail]`.
    let catcher = MailCatcher::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("dangvu.toml");
    std::fs::write(
        &config,
        format!(
            "[mail]\nsmtp_host = \"127.0.0.1\"\nsmtp_port = {}\nfrom_address = \"dangvu@tinhuy.test\"\nsite_url = \"https://dangvu.tinhuy.test\"\n",
            catcher.port
        ),
    )
    .unwrap();
    let config = config.display().to_string();
    let (db2, config2) = (db.clone(), config.clone());
    let out = tokio::task::spawn_blocking(move || ok(&db2, &["--config", &config2, "notices", "mail-test", "--to", "bt@xa.test"], None))
        .await
        .unwrap();
    assert!(out.contains("Đã gửi thư thử tới bt@xa.test"), "{out}");
    let mails = catcher.wait_for(1).await;
    assert_eq!((mails[0].to.as_str(), mails[0].subject().as_str()), ("bt@xa.test", "Thư thử của Đảng vụ"));
    let refused =
        tokio::task::spawn_blocking(move || dangvu(&db, &["--config", &config, "notices", "mail-test", "--to", "unknown@xa.test"], None))
            .await
            .unwrap();
    assert!(!refused.status.success() && text(&refused).contains("550"), "{}", text(&refused));
}
