//! Test support: a fresh store on either engine.
//!
//! SQLite stores live in a temporary directory. PostgreSQL stores get a database of their own,
//! created on the server named by `DANGVU_TEST_POSTGRES` (an admin URL such as
//! `postgres://postgres@127.0.0.1:5432/postgres`) and dropped afterwards. When that variable is
//! set, an unreachable server **fails** the PostgreSQL tests; only when it is unset are they
//! skipped (with a message), so CI, which sets it, can never pass by skipping.

// Test support: a failure to set up must fail the test loudly.
#![allow(clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use storage::SqlStore;
use storage_postgres::PostgresDatabase;
use storage_sqlite::SqliteDatabase;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A store and what keeps its database alive.
pub struct TestStore {
    pub store: Arc<SqlStore>,
    /// Where a second process would connect (a file path or a URL).
    pub location: String,
    pub engine: Engine,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestStore {
    /// Opens a second, independent store on the same database (as a second server process would).
    pub async fn reopen(&self) -> Arc<SqlStore> {
        Arc::new(SqlStore::open(self.database().await).await.expect("open store"))
    }

    /// A new connection to the same database, below the store (to set up what only an older
    /// version of the software could have written).
    pub async fn database(&self) -> Arc<dyn storage::db::Database> {
        match self.engine {
            Engine::Sqlite => Arc::new(SqliteDatabase::open(&self.location).await.expect("reopen sqlite")),
            Engine::Postgres => Arc::new(PostgresDatabase::open(&self.location).await.expect("reopen postgres")),
        }
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg.take() {
            // Best effort on a separate runtime: the test's runtime may be shutting down.
            let _ = std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    let _ = rt.block_on(storage_postgres::drop_database(&admin, &name));
                }
            })
            .join();
        }
    }
}

/// The admin URL of the PostgreSQL test server, or `None` when PostgreSQL tests are not asked for.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("DANGVU_TEST_POSTGRES").ok().filter(|v| !v.is_empty())
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh, migrated store; `None` only for PostgreSQL when `DANGVU_TEST_POSTGRES` is unset.
pub async fn fresh(engine: Engine) -> Option<TestStore> {
    match engine {
        Engine::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("test.sqlite3").to_string_lossy().into_owned();
            let db = SqliteDatabase::open(&path).await.expect("open sqlite");
            let store = Arc::new(SqlStore::open(Arc::new(db)).await.expect("open store"));
            Some(TestStore { store, location: path, engine, _dir: Some(dir), pg: None })
        }
        Engine::Postgres => {
            let Some(admin) = postgres_admin_url() else {
                eprintln!("DANGVU_TEST_POSTGRES is not set: PostgreSQL scenario skipped (scripts/test sets it)");
                return None;
            };
            let name = format!("dangvu_test_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
            let url = storage_postgres::create_database(&admin, &name)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL at DANGVU_TEST_POSTGRES is unreachable: {e}"));
            let db = PostgresDatabase::open(&url).await.expect("open postgres");
            let store = Arc::new(SqlStore::open(Arc::new(db)).await.expect("open store"));
            Some(TestStore { store, location: url, engine, _dir: None, pg: Some((admin, name)) })
        }
    }
}

/// Declares `#[tokio::test] fn sqlite()` and `fn postgres()` running `scenario(store)`.
#[macro_export]
macro_rules! on_both_engines {
    ($($scenario:ident),+ $(,)?) => {
        $(
            mod $scenario {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let t = $crate::fresh($crate::Engine::Sqlite).await.expect("sqlite");
                    super::$scenario(&t).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(t) = $crate::fresh($crate::Engine::Postgres).await {
                        super::$scenario(&t).await;
                    }
                }
            }
        )+
    };
}
