//! The PostgreSQL engine of dangvu storage, chosen by a `postgres://` URL. Several `dangvu serve`
//! processes may share one database: writers are serialized by the change-counter row lock taken
//! by every write (see `storage::sql::next_seq`), readers never block.

use std::time::{Duration, Instant};

use async_trait::async_trait;
use sqlx::postgres::{PgArguments, PgPoolOptions, PgRow};
use sqlx::{AssertSqlSafe, Column, PgConnection, PgPool, Postgres, Row as _, TypeInfo, ValueRef};
use storage::db::{ColumnNames, Conn, Database, DbError, Engine, PoolMeter, PoolUse, Row, SchemaVersion, Sql, Tx, Value};

mod backup;

pub use backup::PostgresEngine;

pub struct PostgresDatabase {
    pool: PgPool,
    /// Hand-outs of the pool and the time callers waited for them (metrics).
    meter: PoolMeter,
}

impl PostgresDatabase {
    /// Connects to `url` and runs the migrations.
    pub async fn open(url: &str) -> Result<Self, DbError> {
        let pool = PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect(url).await.map_err(other)?;
        // Refuse a database a newer dangvu migrated (operators take their backup before an
        // upgrade: README "Upgrading"); the migrations then run in one transaction under sqlx's
        // lock, so servers starting together migrate once and a failed upgrade applies nothing.
        schema_version(&pool).await?.check()?;
        backup::migrate(&pool, None).await?;
        Ok(PostgresDatabase { pool, meter: PoolMeter::default() })
    }
}

/// The highest migration `pool`'s database applied, against those this binary carries.
async fn schema_version(pool: &PgPool) -> Result<SchemaVersion, DbError> {
    let known = backup::MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    let exists: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = '_sqlx_migrations'")
            .fetch_one(pool)
            .await
            .map_err(other)?;
    let applied: i64 = if exists == 0 {
        0
    } else {
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success").fetch_one(pool).await.map_err(other)?
    };
    Ok(SchemaVersion { applied, known })
}

fn other(e: impl std::fmt::Display) -> DbError {
    DbError::Other(e.to_string())
}

fn map_err(e: sqlx::Error) -> DbError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => DbError::Unique(d.constraint().unwrap_or(d.message()).to_owned()),
        _ => other(e),
    }
}

fn bind(q: sqlx::query::Query<'_, Postgres, PgArguments>, v: Value) -> sqlx::query::Query<'_, Postgres, PgArguments> {
    match v {
        Value::Int(x) => q.bind(x),
        Value::Float(x) => q.bind(x),
        Value::Text(x) => q.bind(x),
        Value::Date(x) => q.bind(x),
        Value::Time(x) => q.bind(x),
    }
}

/// The lower-case names of a result's columns, built once and shared by its rows.
fn column_names(row: &PgRow) -> ColumnNames {
    row.columns().iter().map(|c| c.name().to_lowercase().into_boxed_str()).collect()
}

fn decode(row: &PgRow, names: &ColumnNames) -> Result<Row, DbError> {
    let mut out = Vec::with_capacity(row.columns().len());
    for (i, column) in row.columns().iter().enumerate() {
        let null = row.try_get_raw(i).map_err(other)?.is_null();
        let value = match column.type_info().name() {
            "INT8" => Value::Int(row.try_get::<Option<i64>, _>(i).map_err(other)?),
            "INT4" => Value::Int(row.try_get::<Option<i32>, _>(i).map_err(other)?.map(i64::from)),
            "INT2" => Value::Int(row.try_get::<Option<i16>, _>(i).map_err(other)?.map(i64::from)),
            "BOOL" => Value::Int(row.try_get::<Option<bool>, _>(i).map_err(other)?.map(i64::from)),
            "FLOAT8" => Value::Float(row.try_get::<Option<f64>, _>(i).map_err(other)?),
            "FLOAT4" => Value::Float(row.try_get::<Option<f32>, _>(i).map_err(other)?.map(f64::from)),
            "DATE" => Value::Date(row.try_get::<Option<chrono::NaiveDate>, _>(i).map_err(other)?),
            "TIMESTAMPTZ" => Value::Time(row.try_get::<Option<chrono::DateTime<chrono::Utc>>, _>(i).map_err(other)?),
            _ if null => Value::Text(None),
            _ => Value::Text(Some(row.try_get::<String, _>(i).map_err(other)?)),
        };
        out.push(value);
    }
    Ok(Row::new(names.clone(), out))
}

async fn query(conn: &mut PgConnection, sql: &Sql, args: Vec<Value>) -> Result<Vec<Row>, DbError> {
    let q = args.into_iter().fold(sqlx::query(AssertSqlSafe(sql.as_str().to_owned())), bind);
    let rows = q.fetch_all(conn).await.map_err(map_err)?;
    let Some(first) = rows.first() else { return Ok(Vec::new()) };
    let names = column_names(first);
    rows.iter().map(|r| decode(r, &names)).collect()
}

async fn execute(conn: &mut PgConnection, sql: &Sql, args: Vec<Value>) -> Result<u64, DbError> {
    let q = args.into_iter().fold(sqlx::query(AssertSqlSafe(sql.as_str().to_owned())), bind);
    Ok(q.execute(conn).await.map_err(map_err)?.rows_affected())
}

/// A pooled connection (reads) or a transaction (writes): both are a `PgConnection` underneath.
struct Session<C>(C);

#[async_trait]
impl<C: std::ops::DerefMut<Target = PgConnection> + Send> Conn for Session<C> {
    async fn query(&mut self, sql: &Sql, args: Vec<Value>) -> Result<Vec<Row>, DbError> {
        query(&mut self.0, sql, args).await
    }
    async fn execute(&mut self, sql: &Sql, args: Vec<Value>) -> Result<u64, DbError> {
        execute(&mut self.0, sql, args).await
    }
}

#[async_trait]
impl Tx for Session<sqlx::Transaction<'static, Postgres>> {
    async fn commit(self: Box<Self>) -> Result<(), DbError> {
        self.0.commit().await.map_err(map_err)
    }
}

#[async_trait]
impl Database for PostgresDatabase {
    async fn schema_version(&self) -> Result<SchemaVersion, DbError> {
        schema_version(&self.pool).await
    }

    fn engine(&self) -> Engine {
        Engine::Postgres
    }

    async fn reader(&self) -> Result<Box<dyn Conn>, DbError> {
        let asked = Instant::now();
        let conn = self.pool.acquire().await.map_err(map_err)?;
        self.meter.acquired(asked);
        Ok(Box::new(Session(conn)))
    }

    async fn begin(&self) -> Result<Box<dyn Tx>, DbError> {
        let asked = Instant::now();
        let tx = self.pool.begin().await.map_err(map_err)?;
        self.meter.acquired(asked);
        Ok(Box::new(Session(tx)))
    }

    fn pools(&self) -> Vec<PoolUse> {
        let idle = u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX);
        vec![self.meter.report("shared", self.pool.size(), idle, self.pool.options().get_max_connections())]
    }

    fn max_params(&self) -> usize {
        30_000
    }

    fn after_bulk_load(&self) -> &'static [&'static str] {
        &[
            "SELECT setval(pg_get_serial_sequence('units', 'id'), (SELECT GREATEST(MAX(id), 1) FROM units))",
            "SELECT setval(pg_get_serial_sequence('unit_operations', 'id'), (SELECT GREATEST(MAX(id), 1) FROM unit_operations))",
            "SELECT setval(pg_get_serial_sequence('members', 'id'), (SELECT GREATEST(MAX(id), 1) FROM members))",
            "SELECT setval(pg_get_serial_sequence('membership_events', 'id'), (SELECT GREATEST(MAX(id), 1) FROM membership_events))",
        ]
    }

    fn refresh_statistics(&self) -> &'static [&'static str] {
        &["ANALYZE"]
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}

/// Creates database `name` on the server of `admin_url` and returns its URL (for tests and tools).
pub async fn create_database(admin_url: &str, name: &str) -> Result<String, DbError> {
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(DbError::Other(format!("invalid database name {name}")));
    }
    let pool = PgPoolOptions::new().max_connections(1).acquire_timeout(Duration::from_secs(5)).connect(admin_url).await.map_err(other)?;
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&pool).await.map_err(other)?;
    pool.close().await;
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
    Ok(format!("{base}/{name}"))
}

/// Drops database `name` (closing other sessions on it first).
pub async fn drop_database(admin_url: &str, name: &str) -> Result<(), DbError> {
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(DbError::Other(format!("invalid database name {name}")));
    }
    let pool = PgPoolOptions::new().max_connections(1).connect(admin_url).await.map_err(other)?;
    sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).execute(&pool).await.map_err(other)?;
    pool.close().await;
    Ok(())
}
