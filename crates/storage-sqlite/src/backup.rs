//! What backup and restore (`storage::backup`) ask of the SQLite engine: a database file opened
//! as it is, and this program's migrations run up to a version.

use std::path::PathBuf;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use async_trait::async_trait;
use sqlx::SqlitePool;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use storage::backup::BackupEngine;
use storage::db::{Database, DbError, Engine};

use crate::{SqliteDatabase, connect_options, other};

/// This binary's migrations. [`migrate`] takes the lock itself, around its transaction.
pub(crate) static MIGRATOR: LazyLock<Migrator> = LazyLock::new(|| {
    let mut migrator = sqlx::migrate!("./migrations");
    migrator.set_locking(false);
    migrator
});

/// The SQLite engine, for `storage::backup::{backup, restore}`.
pub struct SqliteEngine;

impl SqliteDatabase {
    /// The existing database file at `location` as it is: not created, not migrated, its journal
    /// mode left as it is (a backup copy stays a single file).
    pub async fn open_as_is(location: &str) -> Result<Self, DbError> {
        let options = connect_options(location)?.create_if_missing(false).busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new().max_connections(1).connect_with(options.clone()).await.map_err(other)?;
        let readers = SqlitePoolOptions::new().max_connections(2).connect_with(options.read_only(true)).await.map_err(other)?;
        Ok(SqliteDatabase { readers, writer, meters: Default::default(), _checkpointer: None })
    }
}

#[async_trait]
impl BackupEngine for SqliteEngine {
    fn engine(&self) -> Engine {
        Engine::Sqlite
    }

    fn latest_schema(&self) -> i64 {
        MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
    }

    fn file(&self, location: &str) -> Option<PathBuf> {
        let path = location.strip_prefix("sqlite://").or_else(|| location.strip_prefix("sqlite:")).unwrap_or(location);
        Some(PathBuf::from(path.split('?').next().unwrap_or(path)))
    }

    async fn open_as_is(&self, location: &str) -> Result<Arc<dyn Database>, DbError> {
        Ok(Arc::new(SqliteDatabase::open_as_is(location).await?))
    }

    async fn migrate(&self, location: &str, upto: Option<i64>) -> Result<(), DbError> {
        let options = connect_options(location)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.map_err(other)?;
        let ran = migrate(&pool, upto).await;
        pool.close().await;
        ran
    }
}

/// Runs this binary's migrations (up to `upto`) in one transaction, under the migration lock
/// (`storage::migrate_in_one_transaction`).
pub(crate) async fn migrate(pool: &SqlitePool, upto: Option<i64>) -> Result<(), DbError> {
    storage::migrate_in_one_transaction!(pool, MIGRATOR, upto)
}
