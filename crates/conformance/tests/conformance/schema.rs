//! Upgrades on both engines: a database opened by this binary has every migration it carries
//! and reads as ready; one a newer dangvu migrated further is refused at open with the versions
//! named, and a server still running on it stops being ready.

use conformance::{Engine, TestStore, on_both_engines};
use storage::db::{Database as _, DbError, Value};
use storage::prelude::*;
use storage_postgres::PostgresDatabase;
use storage_sqlite::SqliteDatabase;

on_both_engines!(a_database_newer_than_the_binary_is_refused);

async fn a_database_newer_than_the_binary_is_refused(t: &TestStore) {
    let db = t.database().await;
    let version = db.schema_version().await.unwrap();
    assert!(version.current() && version.known >= 32, "{version:?}");
    let ready = t.store.readiness().await.unwrap();
    assert!(ready.ready());

    // A newer dangvu applies migration `known + 1`.
    let newer = version.known + 1;
    // The bookkeeping table's checksum is bytes, written as each engine writes a literal.
    let insert = match t.engine {
        Engine::Sqlite => {
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ($1, 'newer', TRUE, X'00', 1)"
        }
        Engine::Postgres => {
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ($1, 'newer', TRUE, '\\x00'::bytea, 1)"
        }
    };
    db.execute_alone(&insert.into(), vec![Value::from(newer)]).await.unwrap_or_else(|e| panic!("{e}"));
    let refused = match t.engine {
        Engine::Sqlite => SqliteDatabase::open(&t.location).await.err(),
        Engine::Postgres => PostgresDatabase::open(&t.location).await.err(),
    };
    match refused {
        Some(DbError::NewerSchema { applied, known }) => assert_eq!((applied, known), (newer, version.known)),
        other => panic!("expected a refusal naming the versions, got {other:?}"),
    }
    let message = DbError::NewerSchema { applied: newer, known: version.known }.to_string();
    assert!(message.contains("newer than this dangvu knows") && message.contains("restore the backup"), "{message}");
    // The server already running on it is no longer ready.
    assert!(!t.store.readiness().await.unwrap().ready());
}

/// A database left at the previous schema by the last release is migrated at open: on SQLite a
/// copy of it is written beside the file first (`<file>.before-schema-N`, at the old schema); on
/// PostgreSQL the operator's own backup comes first (README "Upgrading").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_previous_schema_is_migrated_at_open_sqlite() {
    use storage::backup::BackupEngine;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3").to_string_lossy().into_owned();
    let known = storage_sqlite::SqliteEngine.latest_schema();
    storage_sqlite::SqliteEngine.migrate(&path, Some(known - 1)).await.unwrap();
    let db = SqliteDatabase::open(&path).await.unwrap();
    assert!(db.schema_version().await.unwrap().current());
    let copy = format!("{path}.before-schema-{known}");
    let old = SqliteDatabase::open_as_is(&copy).await.unwrap();
    assert_eq!(old.schema_version().await.unwrap().applied, known - 1, "the copy is the database before its migration");
    // Opened again: nothing to migrate, no new copy.
    drop(db);
    std::fs::remove_file(&copy).unwrap();
    SqliteDatabase::open(&path).await.unwrap();
    assert!(!std::path::Path::new(&copy).exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_previous_schema_is_migrated_at_open_postgres() {
    use storage::backup::BackupEngine;
    let Some(admin) = conformance::postgres_admin_url() else { return };
    let name = format!("dangvu_upgrade_{}", std::process::id());
    let url = storage_postgres::create_database(&admin, &name).await.unwrap();
    let known = storage_postgres::PostgresEngine.latest_schema();
    storage_postgres::PostgresEngine.migrate(&url, Some(known - 1)).await.unwrap();
    let before = PostgresDatabase::open_as_is(&url).await.unwrap().schema_version().await.unwrap();
    assert_eq!(before.applied, known - 1);
    let db = PostgresDatabase::open(&url).await.unwrap();
    assert!(db.schema_version().await.unwrap().current());
    drop(db);
    storage_postgres::drop_database(&admin, &name).await.unwrap();
}

/// Every release's fixture database (tests/fixtures/upgrade) opens with this binary: migrated,
/// ready, its members, units and audit trail kept (the chain still verifies).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_release_fixture_opens_and_migrates() {
    use std::io::Read as _;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upgrade");
    let mut fixtures: Vec<_> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.to_string_lossy().ends_with(".sqlite3.gz")).collect();
    fixtures.sort();
    assert!(!fixtures.is_empty(), "no fixture in {}", dir.display());
    for fixture in fixtures {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("fixture.sqlite3");
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&fixture).unwrap()).read_to_end(&mut bytes).unwrap();
        std::fs::write(&path, &bytes).unwrap();
        let location = path.to_string_lossy().into_owned();
        let before = SqliteDatabase::open_as_is(&location).await.unwrap();
        let count = |table: &'static str| {
            let db = &before;
            async move {
                let sql = match table {
                    "members" => "SELECT COUNT(*) AS n FROM members",
                    "units" => "SELECT COUNT(*) AS n FROM units",
                    _ => "SELECT COUNT(*) AS n FROM audit_log",
                };
                let mut conn = db.reader().await.unwrap();
                conn.query(&sql.into(), vec![]).await.unwrap()[0].i64("n").unwrap()
            }
        };
        let (members, units, audit) = (count("members").await, count("units").await, count("audit").await);
        drop(before);
        let store = storage::SqlStore::open(std::sync::Arc::new(SqliteDatabase::open(&location).await.unwrap())).await.unwrap();
        assert!(store.readiness().await.unwrap().ready(), "{}", fixture.display());
        let after = SqliteDatabase::open_as_is(&location).await.unwrap();
        let mut conn = after.reader().await.unwrap();
        for (sql, want) in [
            ("SELECT COUNT(*) AS n FROM members", members),
            ("SELECT COUNT(*) AS n FROM units", units),
            ("SELECT COUNT(*) AS n FROM audit_log", audit),
        ] {
            assert_eq!(conn.query(&sql.into(), vec![]).await.unwrap()[0].i64("n").unwrap(), want, "{sql} in {}", fixture.display());
        }
        let chain = store.verify_audit().await.unwrap();
        assert!(chain.problems.is_empty(), "the audit chain of {} verifies: {:?}", fixture.display(), chain.problems);
        assert!(members > 0);
        assert_eq!(store.readiness().await.unwrap().members_indexed as i64, members, "every record in the register index");
    }
}

/// An upgrade's migrations run in one transaction: when one of them fails, none is applied and
/// the database stays at the schema it had (here the last migration meets a table in its way, so
/// the one before it, which succeeded, is undone too). Once the obstacle is gone the same upgrade
/// runs whole.
async fn a_failed_upgrade_applies_nothing(
    db_open: impl AsyncFn() -> Result<(), DbError>,
    engine: &dyn storage::backup::BackupEngine,
    location: &str,
) {
    let known = engine.latest_schema();
    engine.migrate(location, Some(known - 2)).await.unwrap();
    let old = engine.open_as_is(location).await.unwrap();
    let table_exists = |name: &'static str| {
        let db = old.clone();
        async move {
            let sql = match db.engine() {
                storage::db::Engine::Sqlite => "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = $1",
                storage::db::Engine::Postgres => {
                    "SELECT COUNT(*) AS n FROM pg_tables WHERE schemaname = current_schema() AND tablename = $1"
                }
            };
            let mut conn = db.reader().await.unwrap();
            conn.query(&sql.into(), vec![Value::from(name)]).await.unwrap()[0].i64("n").unwrap() == 1
        }
    };
    // Migration `known` (0032) creates `member_badges`; migration `known - 1` (0031) creates
    // `evaluation_criteria`.
    old.execute_alone(&"CREATE TABLE member_badges (id BIGINT)".into(), vec![]).await.unwrap();
    match db_open().await {
        Err(DbError::Migration { version, cause }) => {
            assert_eq!(version, known, "{cause}");
            let message = DbError::Migration { version, cause }.to_string();
            assert!(message.contains("none of this upgrade's migrations was applied"), "{message}");
        }
        other => panic!("expected the failed migration named, got {:?}", other.err()),
    }
    assert_eq!(old.schema_version().await.unwrap().applied, known - 2, "nothing of the upgrade is recorded");
    assert!(!table_exists("evaluation_criteria").await, "the migration that succeeded before the failure is undone");
    old.execute_alone(&"DROP TABLE member_badges".into(), vec![]).await.unwrap();
    db_open().await.unwrap();
    assert!(old.schema_version().await.unwrap().current());
    assert!(table_exists("evaluation_criteria").await && table_exists("member_badges").await);
    old.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_upgrade_applies_nothing_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3").to_string_lossy().into_owned();
    let open = async || SqliteDatabase::open(&path).await.map(drop);
    a_failed_upgrade_applies_nothing(open, &storage_sqlite::SqliteEngine, &path).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_upgrade_applies_nothing_postgres() {
    let Some(admin) = conformance::postgres_admin_url() else { return };
    let name = format!("dangvu_failed_upgrade_{}", std::process::id());
    let url = storage_postgres::create_database(&admin, &name).await.unwrap();
    let open = async || PostgresDatabase::open(&url).await.map(drop);
    a_failed_upgrade_applies_nothing(open, &storage_postgres::PostgresEngine, &url).await;
    storage_postgres::drop_database(&admin, &name).await.unwrap();
}

/// Several app servers started together on a new PostgreSQL database: one migrates, the others
/// wait for its commit and find nothing left to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_starting_together_migrate_once_postgres() {
    let Some(admin) = conformance::postgres_admin_url() else { return };
    let name = format!("dangvu_together_{}", std::process::id());
    let url = storage_postgres::create_database(&admin, &name).await.unwrap();
    let (a, b, c) = tokio::join!(PostgresDatabase::open(&url), PostgresDatabase::open(&url), PostgresDatabase::open(&url));
    for db in [a, b, c] {
        let db = db.unwrap_or_else(|e| panic!("{e}"));
        assert!(db.schema_version().await.unwrap().current());
        db.close().await;
    }
    storage_postgres::drop_database(&admin, &name).await.unwrap();
}
