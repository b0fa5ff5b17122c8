//! What backup and restore (`storage::backup`) ask of the PostgreSQL engine: a database opened
//! as it is, and this program's migrations run up to a version.

use std::path::PathBuf;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use async_trait::async_trait;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgPool, PgPoolOptions};
use storage::backup::BackupEngine;
use storage::db::{Database, DbError, Engine};

use crate::{PostgresDatabase, other};

/// This binary's migrations. [`migrate`] takes the lock itself, around its transaction.
pub(crate) static MIGRATOR: LazyLock<Migrator> = LazyLock::new(|| {
    let mut migrator = sqlx::migrate!("./migrations");
    migrator.set_locking(false);
    migrator
});

/// The PostgreSQL engine, for `storage::backup::{backup, restore}`.
pub struct PostgresEngine;

impl PostgresDatabase {
    /// The database at `url` as it is: no migration run.
    pub async fn open_as_is(url: &str) -> Result<Self, DbError> {
        let pool = PgPoolOptions::new().max_connections(4).acquire_timeout(Duration::from_secs(10)).connect(url).await.map_err(other)?;
        Ok(PostgresDatabase { pool, meter: Default::default() })
    }
}

#[async_trait]
impl BackupEngine for PostgresEngine {
    fn engine(&self) -> Engine {
        Engine::Postgres
    }

    fn latest_schema(&self) -> i64 {
        MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
    }

    fn file(&self, _location: &str) -> Option<PathBuf> {
        None
    }

    async fn open_as_is(&self, location: &str) -> Result<Arc<dyn Database>, DbError> {
        Ok(Arc::new(PostgresDatabase::open_as_is(location).await?))
    }

    async fn migrate(&self, location: &str, upto: Option<i64>) -> Result<(), DbError> {
        let pool =
            PgPoolOptions::new().max_connections(1).acquire_timeout(Duration::from_secs(10)).connect(location).await.map_err(other)?;
        let ran = migrate(&pool, upto).await;
        pool.close().await;
        ran
    }
}

/// Runs this binary's migrations (up to `upto`) in one transaction, under the migration lock
/// (`storage::migrate_in_one_transaction`).
pub(crate) async fn migrate(pool: &PgPool, upto: Option<i64>) -> Result<(), DbError> {
    storage::migrate_in_one_transaction!(pool, MIGRATOR, upto)
}
