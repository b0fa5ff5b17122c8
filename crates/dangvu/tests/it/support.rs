//! Starts the real server on 127.0.0.1:0 over a fresh store (either engine), optionally filled
//! by the generator.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use conformance::{Engine, TestStore};
use domain::access::{Grant, Role};
use domain::ids::MemberId;
use serde_json::json;
use storage::SqlStore;
use storage::prelude::*;

pub struct App {
    pub base: String,
    /// Logged in as the administrator (cookie jar), sending the administrator's bearer token to the API.
    pub client: reqwest::Client,
    pub store: Arc<SqlStore>,
    /// The administrator's API token.
    pub token: String,
    /// The anti-forgery token of the client's session.
    pub csrf: String,
    /// The server's clock: [`now`] until a test moves it.
    pub clock: Arc<TestClock>,
    /// The server's `/metrics` address (its own listener, as `serve --metrics-listen`).
    pub metrics: String,
    _db: TestStore,
}

/// A clock the test sets (the server reads it at every request).
pub struct TestClock(std::sync::Mutex<chrono::DateTime<Utc>>);

impl TestClock {
    /// Moves the server's clock to 10:00 in Hà Nội on `day`.
    pub fn set_day(&self, day: NaiveDate) {
        let instant = Utc.from_utc_datetime(&day.and_hms_opt(3, 0, 0).expect("valid time"));
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = instant;
    }
}

impl web::Clock for TestClock {
    fn now(&self) -> chrono::DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The password of every account the tests make.
pub const PASSWORD: &str = "mat-khau-thu-nghiem-2026";

/// Creates an account with these grants (and member) directly in the store.
pub async fn account(store: &dyn Store, username: &str, grants: Vec<Grant>, member: Option<MemberId>) -> i64 {
    let hash = auth::password::hash(PASSWORD).expect("hash");
    store
        .create_account(
            &storage::WriteContext::new("test", now()),
            storage::NewAccount {
                username: username.into(),
                display_name: format!("Người dùng {username}"),
                password_hash: hash,
                member,
                must_change_password: false,
                grants,
            },
        )
        .await
        .expect("create account")
}

/// A man born 01/01/1980 (Kinh, no religion) with this name and citizen id, and his profile
/// (upper secondary school, university, public employee).
pub fn person(name: &str, citizen_id: &str) -> (domain::member::Identity, domain::member::Profile) {
    let identity = domain::member::IdentityInput {
        full_name: name.into(),
        gender: "nam".into(),
        birth_date: "01/01/1980".into(),
        ethnicity: "kinh".into(),
        religion: "khong".into(),
        citizen_id: citizen_id.into(),
        ..Default::default()
    }
    .parse(today())
    .expect("identity");
    let profile = domain::member::ProfileInput {
        general_education: "thpt".into(),
        professional: "dai-hoc".into(),
        occupation: "vien-chuc".into(),
        ..Default::default()
    }
    .parse()
    .expect("profile");
    (identity, profile)
}

/// An API token for the account, made directly in the store.
pub async fn token(store: &dyn Store, account: i64) -> String {
    let token = auth::token::random_token("dv_").expect("token");
    store.create_token(&storage::WriteContext::new("test", now()), account, "test", &auth::token::digest(&token)).await.expect("token");
    token
}

/// A client with a cookie jar that does not follow redirects.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().expect("client")
}

/// The anti-forgery token in a page (the hidden `_csrf` field).
pub fn csrf_of(html: &str) -> String {
    let marker = r#"name="_csrf" value=""#;
    let start = html.find(marker).map(|i| i + marker.len()).expect("page has a _csrf field");
    html[start..].split('"').next().unwrap_or_default().to_owned()
}

/// The second-factor secret an enrolment page offers (shown in groups of four, to type).
pub fn offered_secret(html: &str) -> auth::totp::Secret {
    let marker = r#"<strong class="once">"#;
    let start = html.find(marker).map(|i| i + marker.len()).expect("the page offers a secret");
    let grouped = html[start..].split('<').next().unwrap_or_default();
    auth::totp::Secret::from_base32(grouped).expect("base32 secret")
}

/// Logs `client` in through the login form; returns the session's anti-forgery token.
pub async fn login(base: &str, client: &reqwest::Client, username: &str, password: &str) -> reqwest::Response {
    let page = client.get(format!("{base}/login")).send().await.expect("login page").text().await.expect("body");
    let csrf = csrf_of(&page);
    client
        .post(format!("{base}/login"))
        .form(&[("_csrf", csrf.as_str()), ("username", username), ("password", password), ("next", "/")])
        .send()
        .await
        .expect("login")
}

/// The anti-forgery token of a logged-in client (read from a page).
pub async fn session_csrf(base: &str, client: &reqwest::Client) -> String {
    let page = client.get(format!("{base}/account")).send().await.expect("page").text().await.expect("body");
    csrf_of(&page)
}

/// The fixed "now" of the tests: 25/11/2026, 10:00 in Hà Nội.
pub fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).single().expect("valid instant")
}

pub fn today() -> NaiveDate {
    storage::vietnam_today(now())
}

/// A running server, or `None` when PostgreSQL was asked for but is not configured.
pub async fn spawn(engine: Engine, generated_members: usize) -> Option<App> {
    spawn_with(engine, generated_members, web::AuthConfig { cookie_secure: false, ..Default::default() }).await
}

/// The same with authentication settings of the test's choosing.
pub async fn spawn_with(engine: Engine, generated_members: usize, auth: web::AuthConfig) -> Option<App> {
    let db = conformance::fresh(engine).await?;
    // With a mail relay the store queues e-mail copies of notices (as `dangvu serve` with `[mail]`).
    let store = if auth.mail.is_some() {
        Arc::new(SqlStore::open(db.database().await).await.expect("open").with_mail(true))
    } else {
        db.store.clone()
    };
    if generated_members > 0 {
        datagen::generate(store.as_ref(), &datagen::Options { members: generated_members, seed: 7, today: today() })
            .await
            .expect("generate");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let served: Arc<dyn Store> = store.clone();
    let clock = Arc::new(TestClock(std::sync::Mutex::new(now())));
    let served_clock: Arc<dyn web::Clock> = clock.clone();
    let metrics_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let metrics = format!("http://{}/metrics", metrics_listener.local_addr().expect("addr"));
    tokio::spawn(async move { web::serve(listener, Some(metrics_listener), served, served_clock, auth).await });
    let admin = account(store.as_ref(), "quantri", vec![Grant { role: Role::Admin, unit: None }], None).await;
    let token = token(store.as_ref(), admin).await;
    let client = browser();
    let res = login(&base, &client, "quantri", PASSWORD).await;
    assert_eq!(res.status().as_u16(), 303, "login: {}", res.text().await.unwrap_or_default());
    // With a second factor required, the administrator has no full session yet.
    let full = res.headers().get("location").is_some_and(|l| l == "/");
    let csrf = if full { session_csrf(&base, &client).await } else { String::new() };
    Some(App { base, client, store, token, csrf, clock, metrics, _db: db })
}

impl App {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The value of one sample of the server's metrics (`series` with its labels, as written).
    pub async fn metric(&self, series: &str) -> f64 {
        let text = reqwest::get(&self.metrics).await.expect("scrape").text().await.expect("metrics");
        let line = text
            .lines()
            .find(|l| l.strip_prefix(series).is_some_and(|rest| rest.starts_with(' ')))
            .unwrap_or_else(|| panic!("{series} in\n{text}"));
        line[series.len()..].trim().parse().expect("a number")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).bearer_auth(&self.token).send().await.expect("GET")
    }

    pub async fn text(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.text().await.expect("body"))
    }

    pub async fn json(&self, path: &str) -> (u16, serde_json::Value) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.json().await.expect("json body"))
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let r = self.client.post(self.url(path)).bearer_auth(&self.token).json(body).send().await.expect("POST");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn put_json(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let r = self.client.put(self.url(path)).bearer_auth(&self.token).json(body).send().await.expect("PUT");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// Posts a page form with the session's anti-forgery token.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut fields: Vec<(&str, &str)> = vec![("_csrf", self.csrf.as_str())];
        fields.extend_from_slice(form);
        self.client.post(self.url(path)).form(&fields).send().await.expect("POST form")
    }
}

/// Creates a unit through the API (decided on 01/01/1980); returns its id.
pub async fn create_unit(app: &App, kind: &str, code: &str, name: &str, parent: Option<i64>) -> i64 {
    let body = json!({"kind": kind, "code": code, "name": name, "parent_id": parent, "effective_date": "01/01/1980",
        "decision_number": "15-QĐ/TU", "decision_date": "01/01/1980", "issuer": "Ban Thường vụ Tỉnh ủy"});
    let (status, v) = app.post_json("/api/v1/units", &body).await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_i64().unwrap()
}

/// An official member of `cell` since 2006, through the API; returns its id.
pub async fn official_member(app: &App, name: &str, cccd: &str, cell: i64) -> i64 {
    let body = json!({
        "identity": {"full_name": name, "gender": "nam", "birth_date": "12/03/1975", "ethnicity": "kinh", "religion": "khong", "citizen_id": cccd},
        "profile": {"general_education": "thpt", "occupation": "vien-chuc"},
        "events": [
            {"kind": "ket-nap", "unit_id": cell, "decision_number": "21-QĐ/ĐU", "decision_date": "10/03/2005", "issuer": "Đảng ủy xã"},
            {"kind": "le-ket-nap", "effective_date": "10/03/2005"},
            {"kind": "cong-nhan-chinh-thuc", "effective_date": "10/03/2006", "decision_number": "30-QĐ/ĐU", "decision_date": "20/03/2006", "issuer": "Đảng ủy xã"}
        ]
    });
    let (status, v) = app.post_json("/api/v1/members", &body).await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_i64().unwrap()
}

/// Declares a test per engine running `scenario(&App)` over `members` generated members.
#[macro_export]
macro_rules! http_on_both_engines {
    ($members:expr; $($scenario:ident),+ $(,)?) => {
        $(
            mod $scenario {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::support::spawn(conformance::Engine::Sqlite, $members).await.expect("sqlite");
                    super::$scenario(&app).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(app) = $crate::support::spawn(conformance::Engine::Postgres, $members).await {
                        super::$scenario(&app).await;
                    }
                }
            }
        )+
    };
}

/// The pre-login anti-forgery cookie's name.
pub const PRELOGIN: &str = web::session::PRELOGIN_COOKIE;

/// A mail relay on 127.0.0.1 for the tests: speaks the server side of SMTP, refuses recipients
/// whose address starts with `unknown` (550), and keeps every message it accepted.
pub struct MailCatcher {
    pub port: u16,
    caught: Arc<std::sync::Mutex<Vec<CaughtMail>>>,
}

/// One accepted message: the envelope and the text after `DATA` (dot-stuffing undone).
#[derive(Debug, Clone)]
pub struct CaughtMail {
    pub from: String,
    pub to: String,
    pub data: String,
}

impl CaughtMail {
    /// The Subject header, its encoded words decoded.
    pub fn subject(&self) -> String {
        let headers = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let start = headers.find("\r\nSubject: ").map(|i| i + 11).expect("a subject");
        let value: String =
            headers[start..].split("\r\n").take_while(|l| !l.contains(": ") || l.starts_with(' ')).collect::<Vec<_>>().join("\r\n");
        value
            .split("\r\n ")
            .map(|w| match w.strip_prefix("=?UTF-8?B?").and_then(|w| w.strip_suffix("?=")) {
                Some(b64) => String::from_utf8(base64_decode(b64)).expect("utf-8"),
                None => w.to_owned(),
            })
            .collect()
    }

    /// The body, base64 decoded.
    pub fn body(&self) -> String {
        let (_, encoded) = self.data.split_once("\r\n\r\n").expect("a body");
        String::from_utf8(base64_decode(&encoded.replace("\r\n", ""))).expect("utf-8")
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s.trim()).expect("base64")
}

impl MailCatcher {
    pub async fn start() -> MailCatcher {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let caught: Arc<std::sync::Mutex<Vec<CaughtMail>>> = Arc::default();
        let keep = caught.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let keep = keep.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read);
                    let _ = write.write_all(b"220 catcher ready\r\n").await;
                    let (mut from, mut to) = (String::new(), String::new());
                    loop {
                        let mut line = String::new();
                        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let upper = line.to_ascii_uppercase();
                        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                            b"250-catcher\r\n250 8BITMIME\r\n"
                        } else if upper.starts_with("MAIL FROM:") {
                            from = line[10..].trim().trim_matches(['<', '>']).to_owned();
                            b"250 ok\r\n"
                        } else if upper.starts_with("RCPT TO:") {
                            to = line[8..].trim().trim_matches(['<', '>']).to_owned();
                            if to.starts_with("unknown") { b"550 no such user\r\n" } else { b"250 ok\r\n" }
                        } else if upper.starts_with("DATA") {
                            let _ = write.write_all(b"354 end with .\r\n").await;
                            let mut data = String::new();
                            loop {
                                let mut l = String::new();
                                if lines.read_line(&mut l).await.unwrap_or(0) == 0 {
                                    return;
                                }
                                if l == ".\r\n" {
                                    break;
                                }
                                data.push_str(l.strip_prefix('.').filter(|_| l.starts_with("..")).unwrap_or(&l));
                            }
                            keep.lock().unwrap_or_else(|e| e.into_inner()).push(CaughtMail { from: from.clone(), to: to.clone(), data });
                            b"250 queued\r\n"
                        } else if upper.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        } else {
                            b"502 not implemented\r\n"
                        };
                        let _ = write.write_all(reply).await;
                    }
                });
            }
        });
        MailCatcher { port, caught }
    }

    /// The messages accepted so far, once there are `n` (waits at most ten seconds).
    pub async fn wait_for(&self, n: usize) -> Vec<CaughtMail> {
        for _ in 0..200 {
            let now = self.caught.lock().unwrap_or_else(|e| e.into_inner()).clone();
            if now.len() >= n {
                return now;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the relay received {} messages, not {n}", self.caught.lock().unwrap_or_else(|e| e.into_inner()).len());
    }

    /// The site's settings for this relay: deliveries every 100 ms.
    pub fn config(&self) -> web::mail::MailConfig {
        web::mail::MailConfig {
            smtp: mail::SmtpConfig {
                host: "127.0.0.1".into(),
                port: self.port,
                helo_name: "dangvu.test".into(),
                timeout: std::time::Duration::from_secs(5),
            },
            from: mail::Mailbox { name: "Đảng vụ".into(), address: "dangvu@tinhuy.test".into() },
            site_url: "https://dangvu.tinhuy.test".into(),
            poll: std::time::Duration::from_millis(100),
        }
    }
}
