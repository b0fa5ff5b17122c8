//! The SQLite engine of dangvu storage: one database file in WAL mode, a pool of readers and a
//! single writer connection (SQLite has one writer at a time; `BEGIN IMMEDIATE` takes the lock
//! up front so a transaction never fails half-way for want of it).

use std::str::FromStr;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use sqlx::sqlite::{SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{AssertSqlSafe, Column, Row as _, Sqlite, SqliteConnection, SqlitePool, TypeInfo, ValueRef};
use storage::db::{ColumnNames, Conn, Database, DbError, Engine, PoolMeter, PoolUse, Row, SchemaVersion, Sql, Tx, Value};

mod backup;

pub use backup::SqliteEngine;

pub struct SqliteDatabase {
    readers: SqlitePool,
    writer: SqlitePool,
    /// Hand-outs of each pool and the time callers waited for them (metrics).
    meters: Meters,
    /// Dropped with the database: the checkpointer then stops.
    _checkpointer: Option<tokio::sync::oneshot::Sender<()>>,
}

/// How often the WAL is copied back into the database file, off the writer's path.
#[derive(Debug, Default)]
struct Meters {
    readers: PoolMeter,
    writer: PoolMeter,
}

const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// The write connection's page cache while serving (KiB, negative as SQLite counts it): a write
/// touches a few pages, and the audit trail's appends fill new ones at the right edge of its
/// table and indexes. A large cache would only fill with those (memory that grows for minutes,
/// one fresh allocation per page); a small one recycles its pages. Imports raise it for their
/// duration (`before_bulk_write`), and `after_bulk_write` restores this.
const WRITER_CACHE: &str = "-16384";

impl SqliteDatabase {
    /// Opens (creating if needed) and migrates the database at `location`: a `sqlite:` URL or a
    /// file path.
    pub async fn open(location: &str) -> Result<Self, DbError> {
        let options = connect_options(location)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-65536");
        // The writer keeps a small page cache (imports raise it) and checkpoints the WAL itself
        // only past 64 MiB: the checkpointer below keeps it short.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                options
                    .clone()
                    .pragma("cache_size", WRITER_CACHE)
                    .pragma("wal_autocheckpoint", "16384")
                    // A statement that inserts many rows keeps its undo journal in memory.
                    .pragma("temp_store", "MEMORY"),
            )
            .await
            .map_err(other)?;
        // Refuse a database a newer dangvu migrated; keep a copy of one about to be migrated.
        let version = schema_version(&writer).await?.check()?;
        let file = options.get_filename().to_path_buf();
        if version.applied > 0 && version.applied < version.known && !file.as_os_str().is_empty() {
            let copy = format!("{}.before-schema-{}", file.display(), version.known);
            if !std::path::Path::new(&copy).exists() {
                sqlx::query("VACUUM INTO ?").bind(&copy).execute(&writer).await.map_err(other)?;
                tracing::info!(copy, from = version.applied, to = version.known, "database copied before its migration");
            }
        }
        backup::migrate(&writer, None).await?;
        let readers = SqlitePoolOptions::new().max_connections(4).connect_with(options.clone().read_only(true)).await.map_err(other)?;
        let in_memory = options.get_filename().as_os_str().is_empty() || options.get_filename().to_string_lossy().contains(":memory:");
        let checkpointer = if in_memory { None } else { Some(checkpointer(options).await?) };
        Ok(SqliteDatabase { readers, writer, meters: Meters::default(), _checkpointer: checkpointer })
    }
}

/// The highest migration `pool`'s database applied, against those this binary carries.
async fn schema_version(pool: &SqlitePool) -> Result<SchemaVersion, DbError> {
    let known = backup::MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
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

/// Copies the WAL back into the database file every [`CHECKPOINT_EVERY`] on a connection of its
/// own, in PASSIVE mode: it never waits for the writer nor makes it wait. Left to the writer, a
/// checkpoint (and its fsync) runs inside whichever commit crosses the threshold, and every
/// request waiting on that commit — the audit entries of a whole batch — waits with it.
async fn checkpointer(options: SqliteConnectOptions) -> Result<tokio::sync::oneshot::Sender<()>, DbError> {
    use sqlx::ConnectOptions as _;
    let mut conn = options.connect().await.map_err(other)?;
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(CHECKPOINT_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = &mut stopped => break,
                _ = every.tick() => {
                    if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&mut conn).await {
                        tracing::warn!("WAL checkpoint failed: {e}");
                    }
                }
            }
        }
        let _ = sqlx::Connection::close(conn).await;
    });
    Ok(stop)
}

/// The connection options of a `sqlite:` URL or a file path.
fn connect_options(location: &str) -> Result<SqliteConnectOptions, DbError> {
    Ok(if location.starts_with("sqlite:") {
        SqliteConnectOptions::from_str(location).map_err(other)?
    } else {
        SqliteConnectOptions::new().filename(location)
    })
}

fn other(e: impl std::fmt::Display) -> DbError {
    DbError::Other(e.to_string())
}

fn map_err(e: sqlx::Error) -> DbError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => DbError::Unique(d.message().to_owned()),
        _ => other(e),
    }
}

fn bind(q: sqlx::query::Query<'_, Sqlite, SqliteArguments>, v: Value) -> sqlx::query::Query<'_, Sqlite, SqliteArguments> {
    match v {
        Value::Int(x) => q.bind(x),
        Value::Float(x) => q.bind(x),
        Value::Text(x) => q.bind(x),
        Value::Date(x) => q.bind(x),
        Value::Time(x) => q.bind(x),
    }
}

/// The lower-case names of a result's columns, built once and shared by its rows.
fn column_names(row: &SqliteRow) -> ColumnNames {
    row.columns().iter().map(|c| c.name().to_lowercase().into_boxed_str()).collect()
}

fn decode(row: &SqliteRow, names: &ColumnNames) -> Result<Row, DbError> {
    let mut out = Vec::with_capacity(row.columns().len());
    for (i, _) in row.columns().iter().enumerate() {
        let raw = row.try_get_raw(i).map_err(other)?;
        let value = if raw.is_null() {
            Value::Text(None)
        } else {
            match raw.type_info().name() {
                "INTEGER" | "BOOLEAN" => Value::Int(Some(row.try_get::<i64, _>(i).map_err(other)?)),
                "REAL" | "NUMERIC" => Value::Float(Some(row.try_get::<f64, _>(i).map_err(other)?)),
                _ => Value::Text(Some(row.try_get::<String, _>(i).map_err(other)?)),
            }
        };
        out.push(value);
    }
    Ok(Row::new(names.clone(), out))
}

async fn query(conn: &mut SqliteConnection, sql: &Sql, args: Vec<Value>) -> Result<Vec<Row>, DbError> {
    let q = args.into_iter().fold(sqlx::query(AssertSqlSafe(sql.as_str().to_owned())), bind);
    let rows = q.fetch_all(conn).await.map_err(map_err)?;
    let Some(first) = rows.first() else { return Ok(Vec::new()) };
    let names = column_names(first);
    rows.iter().map(|r| decode(r, &names)).collect()
}

async fn execute(conn: &mut SqliteConnection, sql: &Sql, args: Vec<Value>) -> Result<u64, DbError> {
    let q = args.into_iter().fold(sqlx::query(AssertSqlSafe(sql.as_str().to_owned())), bind);
    Ok(q.execute(conn).await.map_err(map_err)?.rows_affected())
}

/// A pooled connection (reads) or a transaction (writes): both are a `SqliteConnection` underneath.
struct Session<C>(C);

#[async_trait]
impl<C: std::ops::DerefMut<Target = SqliteConnection> + Send> Conn for Session<C> {
    fn anonymous_placeholders(&self) -> bool {
        true
    }
    async fn query(&mut self, sql: &Sql, args: Vec<Value>) -> Result<Vec<Row>, DbError> {
        query(&mut self.0, sql, args).await
    }
    async fn execute(&mut self, sql: &Sql, args: Vec<Value>) -> Result<u64, DbError> {
        execute(&mut self.0, sql, args).await
    }
}

#[async_trait]
impl Tx for Session<sqlx::Transaction<'static, Sqlite>> {
    async fn commit(self: Box<Self>) -> Result<(), DbError> {
        self.0.commit().await.map_err(map_err)
    }
}

#[async_trait]
impl Database for SqliteDatabase {
    async fn schema_version(&self) -> Result<SchemaVersion, DbError> {
        schema_version(&self.readers).await
    }

    fn engine(&self) -> Engine {
        Engine::Sqlite
    }

    async fn reader(&self) -> Result<Box<dyn Conn>, DbError> {
        let asked = Instant::now();
        let conn = self.readers.acquire().await.map_err(map_err)?;
        self.meters.readers.acquired(asked);
        Ok(Box::new(Session(conn)))
    }

    async fn begin(&self) -> Result<Box<dyn Tx>, DbError> {
        let asked = Instant::now();
        let tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(map_err)?;
        self.meters.writer.acquired(asked);
        Ok(Box::new(Session(tx)))
    }

    async fn execute_alone(&self, sql: &Sql, args: Vec<Value>) -> Result<u64, DbError> {
        // Outside BEGIN … COMMIT, SQLite makes the statement a transaction of its own.
        let asked = Instant::now();
        let conn = self.writer.acquire().await.map_err(map_err)?;
        self.meters.writer.acquired(asked);
        Session(conn).execute(sql, args).await
    }

    fn pools(&self) -> Vec<PoolUse> {
        let report = |meter: &PoolMeter, name, pool: &SqlitePool| {
            let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX);
            meter.report(name, pool.size(), idle, pool.options().get_max_connections())
        };
        vec![report(&self.meters.readers, "readers", &self.readers), report(&self.meters.writer, "writer", &self.writer)]
    }

    fn audit_head_enforced(&self) -> bool {
        true
    }

    fn anonymous_placeholders(&self) -> bool {
        true
    }

    fn max_params(&self) -> usize {
        30_000
    }

    fn after_bulk_load(&self) -> &'static [&'static str] {
        &[]
    }

    fn before_bulk_write(&self, rebuild: bool) -> &'static [&'static str] {
        if rebuild {
            // Appending without indexes needs few pages; the dirty ones go to the WAL sooner.
            &["PRAGMA cache_size = -32768"]
        } else {
            &["PRAGMA cache_size = -262144"]
        }
    }

    fn after_bulk_write(&self) -> &'static [&'static str] {
        &["PRAGMA cache_size = -16384"]
    }

    fn refresh_statistics(&self) -> &'static [&'static str] {
        // A sampled ANALYZE: enough for the planner, seconds rather than minutes on large files.
        &["PRAGMA analysis_limit = 1000", "ANALYZE"]
    }

    async fn close(&self) {
        self.readers.close().await;
        self.writer.close().await;
    }
}
