//! The port each database engine implements: a pool that runs statements and opens write
//! transactions, with values crossing as [`Value`]. Everything else — SQL, row mapping, rules —
//! is written once in this crate, so both engines behave the same by construction.

use std::borrow::Cow;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A statement's text. Only `&'static str` or text built by [`Sql::values_rows`] (placeholders,
/// never data) can become one, so no statement is ever glued from user input.
#[derive(Debug, Clone)]
pub struct Sql(Cow<'static, str>);

impl Sql {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `prefix` followed by `rows` groups of `columns` placeholders: `($1, $2), ($3, $4)`, or
    /// `(?, ?), (?, ?)` when `anonymous` (SQLite looks numbered parameters up by a linear scan,
    /// which makes binding thousands of them quadratic).
    pub fn values_rows(prefix: &'static str, columns: usize, rows: usize, anonymous: bool) -> Sql {
        let mut s = String::with_capacity(prefix.len() + rows * columns * 6);
        s.push_str(prefix);
        push_values(&mut s, columns, rows, anonymous);
        Sql(Cow::Owned(s))
    }
}

/// ` ($1, $2), ($3, $4)` (or `?` when `anonymous`) appended to `s`.
fn push_values(s: &mut String, columns: usize, rows: usize, anonymous: bool) {
    let mut n = 0;
    for r in 0..rows {
        s.push_str(if r == 0 { " (" } else { ", (" });
        for c in 0..columns {
            n += 1;
            if c > 0 {
                s.push_str(", ");
            }
            if anonymous {
                s.push('?');
            } else {
                s.push('$');
                s.push_str(&n.to_string());
            }
        }
        s.push(')');
    }
}

impl Sql {
    /// `prefix ($first, …, $(first+n-1)) suffix`, for `IN` lists of `n` bound values.
    pub fn in_list(prefix: &'static str, n: usize, suffix: &'static str, first: usize) -> Sql {
        let mut s = String::with_capacity(prefix.len() + suffix.len() + n * 6 + 4);
        s.push_str(prefix);
        s.push_str(" (");
        for i in 0..n {
            if i > 0 {
                s.push_str(", ");
            }
            s.push('$');
            s.push_str(&(first + i).to_string());
        }
        s.push(')');
        s.push_str(suffix);
        Sql(Cow::Owned(s))
    }
}

/// A table or column name read from a catalog or a backup file, checked to be a plain SQL name
/// (`[a-z_][a-z0-9_]*`, at most 63 bytes) and written into statements double-quoted. Statements
/// over tables not known when the code was written (backup and restore) are built from these and
/// placeholders only, never from data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ident(String);

impl Ident {
    pub fn parse(name: &str) -> Result<Ident, DbError> {
        let mut chars = name.chars();
        let plain = chars.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && name.len() <= 63;
        if plain { Ok(Ident(name.to_owned())) } else { Err(DbError::Other(format!("not a plain SQL name: {name:?}"))) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Ident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A piece of a statement built at run time by [`Sql::build`].
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    /// Statement text written in the code.
    Text(&'static str),
    /// One name, double-quoted.
    Name(&'a Ident),
    /// Names separated by commas, each double-quoted.
    Names(&'a [Ident]),
}

impl Sql {
    /// A statement from text written in the code and checked names ([`Ident`]).
    pub fn build(parts: &[Part<'_>]) -> Sql {
        let mut s = String::new();
        for part in parts {
            match part {
                Part::Text(t) => s.push_str(t),
                Part::Name(n) => push_quoted(&mut s, n),
                Part::Names(names) => {
                    for (i, n) in names.iter().enumerate() {
                        if i > 0 {
                            s.push_str(", ");
                        }
                        push_quoted(&mut s, n);
                    }
                }
            }
        }
        Sql(Cow::Owned(s))
    }

    /// This statement followed by `rows` groups of `columns` placeholders, as
    /// [`values_rows`](Sql::values_rows) writes them.
    pub fn with_values(self, columns: usize, rows: usize, anonymous: bool) -> Sql {
        let mut s = self.0.into_owned();
        push_values(&mut s, columns, rows, anonymous);
        Sql(Cow::Owned(s))
    }
}

fn push_quoted(s: &mut String, name: &Ident) {
    s.push('"');
    s.push_str(name.as_str());
    s.push('"');
}

impl From<&'static str> for Sql {
    fn from(s: &'static str) -> Self {
        Sql(Cow::Borrowed(s))
    }
}

/// A value bound to or read from a statement. Every variant carries its SQL type even when NULL
/// (PostgreSQL needs typed NULLs).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(Option<i64>),
    Float(Option<f64>),
    Text(Option<String>),
    Date(Option<NaiveDate>),
    Time(Option<DateTime<Utc>>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(Some(i64::from(v)))
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_owned()))
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::Text(v)
    }
}
impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        Value::Text(v.map(str::to_owned))
    }
}
impl From<NaiveDate> for Value {
    fn from(v: NaiveDate) -> Self {
        Value::Date(Some(v))
    }
}
impl From<Option<NaiveDate>> for Value {
    fn from(v: Option<NaiveDate>) -> Self {
        Value::Date(v)
    }
}
impl From<DateTime<Utc>> for Value {
    fn from(v: DateTime<Utc>) -> Self {
        Value::Time(Some(v))
    }
}
impl From<Option<DateTime<Utc>>> for Value {
    fn from(v: Option<DateTime<Utc>>) -> Self {
        Value::Time(v)
    }
}

/// The names of a result's columns, lower case, built once per result and shared by its rows.
pub type ColumnNames = Arc<[Box<str>]>;

/// One result row. Columns are read by their name in the statement (`row.i64("id")`, the
/// column's own name or its `AS` alias), which both engines give in lower case. Engines decode
/// columns by their storage type; the accessors convert (SQLite keeps dates as `YYYY-MM-DD`
/// text, PostgreSQL as `DATE`).
#[derive(Debug, Clone)]
pub struct Row {
    names: ColumnNames,
    values: Vec<Value>,
}

/// How a row's column is named to its accessors: by name (`&str`), or by position (`usize`).
pub trait Column: Copy + std::fmt::Display {
    /// The column's position among `names`, if the row has it.
    fn position(self, names: &[Box<str>]) -> Option<usize>;
}

impl Column for &str {
    fn position(self, names: &[Box<str>]) -> Option<usize> {
        // A row has a handful of columns: a scan is as fast as any map, and needs none.
        names.iter().position(|n| **n == *self)
    }
}

impl Column for usize {
    fn position(self, names: &[Box<str>]) -> Option<usize> {
        (self < names.len()).then_some(self)
    }
}

impl Row {
    /// A row of `values`, named by `names` (the same for every row of a result; one name per value).
    pub fn new(names: ColumnNames, values: Vec<Value>) -> Row {
        debug_assert_eq!(names.len(), values.len(), "one name per column");
        Row { names, values }
    }

    /// The names of the columns, in the order of the statement.
    pub fn names(&self) -> &[Box<str>] {
        &self.names
    }

    /// The values, in the order of the statement's columns.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    fn at(&self, c: impl Column) -> Result<&Value, DbError> {
        c.position(&self.names)
            .and_then(|i| self.values.get(i))
            .ok_or_else(|| DbError::Decode(format!("no column \"{c}\" in the row (its columns: {})", self.names.join(", "))))
    }

    pub fn opt_i64(&self, c: impl Column) -> Result<Option<i64>, DbError> {
        match self.at(c)? {
            Value::Int(v) => Ok(*v),
            Value::Float(v) => Ok(v.map(|f| f as i64)),
            Value::Text(None) | Value::Date(None) | Value::Time(None) => Ok(None),
            Value::Text(Some(s)) => s.parse().map(Some).map_err(|_| DbError::Decode(format!("column {c}: not an integer"))),
            other => Err(DbError::Decode(format!("column {c}: expected integer, got {other:?}"))),
        }
    }

    pub fn i64(&self, c: impl Column) -> Result<i64, DbError> {
        self.opt_i64(c)?.ok_or_else(|| DbError::Decode(format!("column {c} is NULL")))
    }

    pub fn opt_str(&self, c: impl Column) -> Result<Option<String>, DbError> {
        match self.at(c)? {
            Value::Text(v) => Ok(v.clone()),
            Value::Int(None) | Value::Float(None) | Value::Date(None) | Value::Time(None) => Ok(None),
            Value::Int(Some(v)) => Ok(Some(v.to_string())),
            Value::Date(Some(d)) => Ok(Some(d.format("%Y-%m-%d").to_string())),
            other => Err(DbError::Decode(format!("column {c}: expected text, got {other:?}"))),
        }
    }

    pub fn str(&self, c: impl Column) -> Result<String, DbError> {
        self.opt_str(c)?.ok_or_else(|| DbError::Decode(format!("column {c} is NULL")))
    }

    pub fn opt_date(&self, c: impl Column) -> Result<Option<NaiveDate>, DbError> {
        match self.at(c)? {
            Value::Date(v) => Ok(*v),
            Value::Text(None) | Value::Int(None) => Ok(None),
            Value::Text(Some(s)) => NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d")
                .map(Some)
                .map_err(|_| DbError::Decode(format!("column {c}: not a date: {s}"))),
            other => Err(DbError::Decode(format!("column {c}: expected date, got {other:?}"))),
        }
    }

    pub fn date(&self, c: impl Column) -> Result<NaiveDate, DbError> {
        self.opt_date(c)?.ok_or_else(|| DbError::Decode(format!("column {c} is NULL")))
    }

    pub fn opt_time(&self, c: impl Column) -> Result<Option<DateTime<Utc>>, DbError> {
        match self.at(c)? {
            Value::Time(None) | Value::Text(None) | Value::Int(None) | Value::Date(None) | Value::Float(None) => Ok(None),
            _ => self.time(c).map(Some),
        }
    }

    pub fn time(&self, c: impl Column) -> Result<DateTime<Utc>, DbError> {
        match self.at(c)? {
            Value::Time(Some(t)) => Ok(*t),
            Value::Text(Some(s)) => DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .or_else(|_| {
                    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%:z")
                        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f"))
                        .map(|n| n.and_utc())
                })
                .map_err(|_| DbError::Decode(format!("column {c}: not a timestamp: {s}"))),
            other => Err(DbError::Decode(format!("column {c}: expected timestamp, got {other:?}"))),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A unique constraint refused the write (the constraint or index name, as the engine says it).
    #[error("unique constraint violated: {0}")]
    Unique(String),
    #[error("cannot decode a row: {0}")]
    Decode(String),
    #[error("{0}")]
    Other(String),
    /// The database was migrated by a newer dangvu than this one: starting would misread it.
    #[error(
        "the database's schema is version {applied}, newer than this dangvu knows ({known}): run the newer dangvu, or restore the backup taken before the upgrade"
    )]
    NewerSchema { applied: i64, known: i64 },
    /// An upgrade's migrations run in one transaction: one failed, so none was applied.
    #[error("migration {version} failed, so none of this upgrade's migrations was applied (the database is as it was): {cause}")]
    Migration { version: i64, cause: String },
}

impl DbError {
    /// A migration run's failure: [`DbError::Migration`] when a migration's statements failed.
    pub fn migration(version: Option<i64>, cause: impl std::fmt::Display) -> DbError {
        match version {
            Some(version) => DbError::Migration { version, cause: cause.to_string() },
            None => DbError::Other(format!("cannot migrate the database: {cause}")),
        }
    }
}

/// The body of each engine's `migrate(pool, upto)`: this binary's migrations (up to `upto`) run in
/// one transaction, so an upgrade applies every pending migration or, when one fails, none, and the
/// database stays at the schema it had ([`DbError::Migration`] names the failed one). sqlx's
/// migration lock (PostgreSQL: an advisory lock of the session; SQLite has one writer and needs
/// none) is held from before the transaction to after its commit, so servers starting together
/// migrate once, the later ones finding the first's migrations committed. `$migrator` must not
/// lock by itself (`Migrator::set_locking(false)`).
///
/// A macro because each engine's connection is its own sqlx type: it expands in the engine crates,
/// which depend on sqlx (this crate does not).
#[macro_export]
macro_rules! migrate_in_one_transaction {
    ($pool:expr, $migrator:expr, $upto:expr) => {{
        let other = |e: &dyn ::std::fmt::Display| $crate::db::DbError::Other(e.to_string());
        let mut conn = $pool.acquire().await.map_err(|e| other(&e))?;
        ::sqlx::migrate::Migrate::lock(&mut *conn).await.map_err(|e| other(&e))?;
        let mut tx = ::sqlx::Connection::begin(&mut *conn).await.map_err(|e| other(&e))?;
        match $migrator.run_direct($upto, &mut *tx, false).await {
            Ok(()) => {
                tx.commit().await.map_err(|e| other(&e))?;
                ::sqlx::migrate::Migrate::unlock(&mut *conn).await.map_err(|e| other(&e))
            }
            Err(e) => {
                drop(tx);
                // Closing the connection ends what it held: the transaction and the lock.
                let _ = ::sqlx::Connection::close(conn.detach()).await;
                let version = match &e {
                    ::sqlx::migrate::MigrateError::ExecuteMigration(_, version) => Some(*version),
                    _ => None,
                };
                Err($crate::db::DbError::migration(version, e))
            }
        }
    }};
}

/// The migrations a database has applied against those this binary carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaVersion {
    /// The highest migration applied (0: a new database).
    pub applied: i64,
    /// The highest migration this binary carries.
    pub known: i64,
}

impl SchemaVersion {
    /// Refuses a database migrated further than this binary knows.
    pub fn check(self) -> Result<SchemaVersion, DbError> {
        if self.applied > self.known { Err(DbError::NewerSchema { applied: self.applied, known: self.known }) } else { Ok(self) }
    }

    /// Whether every migration this binary carries is applied, and none it does not know.
    pub fn current(self) -> bool {
        self.applied == self.known
    }
}

/// One connection pool's use, as metrics show it.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolUse {
    /// `readers` and `writer` (SQLite), `shared` (PostgreSQL).
    pub pool: &'static str,
    /// Connections open now (busy and idle).
    pub open: u32,
    /// Of those, waiting in the pool for a caller.
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
    /// Connections handed out since the start.
    pub acquired: u64,
    /// Time callers spent waiting for those connections, in total.
    pub waited: std::time::Duration,
}

/// Counts a pool's hand-outs and the time callers waited for them (each engine keeps one per
/// pool and reports it in [`Database::pools`]).
#[derive(Debug, Default)]
pub struct PoolMeter {
    acquired: std::sync::atomic::AtomicU64,
    waited_nanos: std::sync::atomic::AtomicU64,
}

impl PoolMeter {
    /// One connection handed out to a caller who asked for it at `asked`.
    pub fn acquired(&self, asked: std::time::Instant) {
        use std::sync::atomic::Ordering::Relaxed;
        let nanos = u64::try_from(asked.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.acquired.fetch_add(1, Relaxed);
        self.waited_nanos.fetch_add(nanos, Relaxed);
    }

    /// The pool's use: `open`, `idle` and `max` from the pool itself, the rest counted here.
    pub fn report(&self, pool: &'static str, open: u32, idle: u32, max: u32) -> PoolUse {
        use std::sync::atomic::Ordering::Relaxed;
        PoolUse {
            pool,
            open,
            idle,
            max,
            acquired: self.acquired.load(Relaxed),
            waited: std::time::Duration::from_nanos(self.waited_nanos.load(Relaxed)),
        }
    }
}

/// Statements on one connection or transaction.
#[async_trait]
pub trait Conn: Send {
    /// Whether generated multi-row statements should use `?` instead of `$n` (SQLite).
    fn anonymous_placeholders(&self) -> bool {
        false
    }
    async fn query(&mut self, sql: &Sql, args: Vec<Value>) -> Result<Vec<Row>, DbError>;
    async fn execute(&mut self, sql: &Sql, args: Vec<Value>) -> Result<u64, DbError>;
}

/// A write transaction: rolled back when dropped without [`commit`](Tx::commit).
#[async_trait]
pub trait Tx: Conn {
    async fn commit(self: Box<Self>) -> Result<(), DbError>;
}

/// A database: a pool of readers and one way to start a write transaction.
#[async_trait]
pub trait Database: Send + Sync {
    /// The migrations applied against those this binary carries (readiness, upgrades).
    async fn schema_version(&self) -> Result<SchemaVersion, DbError>;
    fn engine(&self) -> Engine;
    /// A pooled connection for reads.
    async fn reader(&self) -> Result<Box<dyn Conn>, DbError>;
    /// Starts a write transaction. SQLite takes the write lock at once (`BEGIN IMMEDIATE`).
    async fn begin(&self) -> Result<Box<dyn Tx>, DbError>;
    /// Runs one statement on the write connection, as a transaction of its own. SQLite runs it
    /// as it comes (one round trip to the connection's thread instead of three).
    async fn execute_alone(&self, sql: &Sql, args: Vec<Value>) -> Result<u64, DbError> {
        let mut tx = self.begin().await?;
        let n = tx.execute(sql, args).await?;
        tx.commit().await?;
        Ok(n)
    }
    /// Whether the schema itself refuses an audit entry that does not follow the head (the next
    /// number, the head's hash as its previous one) and moves the head to each entry it accepts
    /// (SQLite: migration 0025). An append may then chain from the head it last wrote without
    /// reading it first: if the head moved meanwhile, the insert is refused and nothing written.
    fn audit_head_enforced(&self) -> bool {
        false
    }
    /// Whether generated multi-row statements should use `?` instead of `$n` (SQLite).
    fn anonymous_placeholders(&self) -> bool {
        false
    }
    /// The most bound values one statement may carry.
    fn max_params(&self) -> usize;
    /// Statements to run after rows were inserted with explicit ids (PostgreSQL moves its
    /// identity sequences past them).
    fn after_bulk_load(&self) -> &'static [&'static str];
    /// Statements that refresh the query planner's statistics after a large load.
    fn refresh_statistics(&self) -> &'static [&'static str];
    /// Statements run on the write connection before an import or the generator writes:
    /// `rebuild` while rows are appended to tables whose member indexes were dropped (a large
    /// page cache is of no use then), otherwise for writing into the indexes of a populated
    /// register or building them (every index is touched: a large cache pays).
    fn before_bulk_write(&self, rebuild: bool) -> &'static [&'static str] {
        let _ = rebuild;
        &[]
    }
    /// Statements run on the write connection after such a write, whatever its outcome: back to
    /// what serving needs.
    fn after_bulk_write(&self) -> &'static [&'static str] {
        &[]
    }
    /// The use of each connection pool (metrics); none for an engine that does not say.
    fn pools(&self) -> Vec<PoolUse> {
        Vec::new()
    }
    /// Closes every connection, waiting until they are closed (a SQLite file may then be moved).
    async fn close(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> Row {
        let names: ColumnNames = ["id", "name", "born"].into_iter().map(Box::from).collect();
        Row::new(names, vec![Value::Int(Some(7)), Value::Text(Some("Lan".into())), Value::Text(Some("1990-05-02".into()))])
    }

    #[test]
    fn columns_are_read_by_name() {
        let r = row();
        assert_eq!(r.i64("id").unwrap(), 7);
        assert_eq!(r.str("name").unwrap(), "Lan");
        assert_eq!(r.date("born").unwrap(), NaiveDate::from_ymd_opt(1990, 5, 2).unwrap());
        assert_eq!(r.str(1).unwrap(), "Lan");
        assert_eq!(r.names().len(), 3);
    }

    #[test]
    fn statements_over_names_quote_checked_names_only() {
        let table = Ident::parse("membership_events").unwrap();
        let columns = [Ident::parse("id").unwrap(), Ident::parse("member_id").unwrap()];
        let sql =
            Sql::build(&[Part::Text("INSERT INTO "), Part::Name(&table), Part::Text(" ("), Part::Names(&columns), Part::Text(") VALUES")])
                .with_values(2, 2, false);
        assert_eq!(sql.as_str(), r#"INSERT INTO "membership_events" ("id", "member_id") VALUES ($1, $2), ($3, $4)"#);
        for bad in ["", "Units", "units; DROP TABLE x", "a\"b", "1x", "tên", &"x".repeat(64)] {
            assert!(Ident::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Ident::parse("_sqlx_migrations").unwrap().as_str(), "_sqlx_migrations");
    }

    #[test]
    fn a_missing_column_is_a_decode_error_naming_it() {
        let r = row();
        let e = r.i64("member_id").unwrap_err();
        assert!(matches!(e, DbError::Decode(_)), "{e:?}");
        assert_eq!(e.to_string(), "cannot decode a row: no column \"member_id\" in the row (its columns: id, name, born)");
        // Names are matched exactly: the engines give them in lower case.
        assert!(matches!(r.str("Name"), Err(DbError::Decode(_))));
        assert!(matches!(r.str(3), Err(DbError::Decode(_))));
    }
}
