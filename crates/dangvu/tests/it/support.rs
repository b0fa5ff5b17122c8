//! Starts the real server on 127.0.0.1:0 over a fresh store (either engine), optionally filled
//! by the generator.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use conformance::{Engine, TestStore};
use storage::{SqlStore, Store};

pub struct App {
    pub base: String,
    pub client: reqwest::Client,
    pub store: Arc<SqlStore>,
    _db: TestStore,
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
    let db = conformance::fresh(engine).await?;
    let store = db.store.clone();
    if generated_members > 0 {
        datagen::generate(store.as_ref(), &datagen::Options { members: generated_members, seed: 7, today: today() })
            .await
            .expect("generate");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let served: Arc<dyn Store> = store.clone();
    tokio::spawn(async move { web::serve(listener, served, Arc::new(web::FixedClock(now()))).await });
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    Some(App { base, client, store, _db: db })
}

impl App {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
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
        let r = self.client.post(self.url(path)).json(body).send().await.expect("POST");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn put_json(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let r = self.client.put(self.url(path)).json(body).send().await.expect("PUT");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client.post(self.url(path)).form(form).send().await.expect("POST form")
    }
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
