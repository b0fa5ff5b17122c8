//! What backup and restore (`storage::backup`) ask of the PostgreSQL engine: a database opened
//! as it is, and this program's migrations run up to a version.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::migrate::Migrator;
use sqlx::postgres::PgPoolOptions;
use storage::backup::BackupEngine;
use storage::db::{Database, DbError, Engine};

use crate::{PostgresDatabase, other};

pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The PostgreSQL engine, for `storage::backup::{backup, restore}`.
pub struct PostgresEngine;

impl PostgresDatabase {
    /// The database at `url` as it is: no migration run.
    pub async fn open_as_is(url: &str) -> Result<Self, DbError> {
        let pool = PgPoolOptions::new().max_connections(4).acquire_timeout(Duration::from_secs(10)).connect(url).await.map_err(other)?;
        Ok(PostgresDatabase { pool })
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
        let ran = match upto {
            Some(version) => MIGRATOR.run_to(version, &pool).await,
            None => MIGRATOR.run(&pool).await,
        };
        pool.close().await;
        ran.map_err(other)
    }
}
