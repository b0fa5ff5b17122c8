//! Backup and restore of a whole database, while it keeps serving (docs/formats/backup.md).
//!
//! * SQLite: `VACUUM INTO` on a reading connection writes a consistent copy of the file while
//!   the server goes on writing (WAL); the copy is checked (`PRAGMA integrity_check`), gets a
//!   manifest (schema version, every table's rows and SHA-256) and is renamed into place. Restore
//!   checks the manifest and the file, then puts the file in place and migrates it forward.
//! * PostgreSQL: dangvu's own portable format, read from one `REPEATABLE READ, READ ONLY`
//!   transaction through a cursor per table (memory stays bounded): a header, every table's rows
//!   as JSON lines with a checksum each, a checksum of the whole file; gzip-compressed when the
//!   name ends in `.gz`. Restore checks the whole file first, migrates the empty target to the
//!   backup's schema version, inserts every row in one transaction in foreign-key order, moves
//!   the sequences past the restored ids and migrates forward.
//!
//! Both restore into an empty database of the same engine only, and refuse a backup made by a
//! newer schema than this program's. The change log, the counters and the audit trail travel
//! with the rows, so a store opened on the restored database answers the same lists and reports
//! and its audit chain verifies. The backup reads the database as it is (it never migrates it),
//! so it may be taken before an upgrade migrates the file.

mod format;
mod postgres;
mod sqlite;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::db::{Database, DbError, Engine};

pub use format::{FORMAT_NAME, FORMAT_VERSION};

/// What backup and restore ask of an engine crate besides the [`Database`] port.
#[async_trait]
pub trait BackupEngine: Send + Sync {
    fn engine(&self) -> Engine;
    /// The newest schema version this program's migrations reach.
    fn latest_schema(&self) -> i64;
    /// The file a location names, for engines that keep a database in one file.
    fn file(&self, location: &str) -> Option<PathBuf>;
    /// The existing database at `location` as it is: nothing created, no migration run.
    async fn open_as_is(&self, location: &str) -> Result<Arc<dyn Database>, DbError>;
    /// Runs this program's migrations on `location` (creating a SQLite file if needed) up to
    /// `version`, or all of them.
    async fn migrate(&self, location: &str, upto: Option<i64>) -> Result<(), DbError>;
}

/// How to take a backup.
#[derive(Debug, Clone)]
pub struct BackupOptions {
    /// Replace an existing file at the output path.
    pub force: bool,
    /// When the backup is taken (written into it; storage reads no clock).
    pub now: DateTime<Utc>,
}

/// One table and its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRows {
    pub table: String,
    pub rows: u64,
}

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct BackupSummary {
    pub path: PathBuf,
    pub engine: Engine,
    /// The newest migration of the database backed up.
    pub schema_version: i64,
    pub bytes: u64,
    pub tables: Vec<TableRows>,
}

impl BackupSummary {
    pub fn rows(&self) -> u64 {
        total_rows(&self.tables)
    }
}

fn total_rows(tables: &[TableRows]) -> u64 {
    tables.iter().map(|t| t.rows).sum()
}

/// What a restore put back.
#[derive(Debug, Clone)]
pub struct RestoreSummary {
    pub engine: Engine,
    /// The schema version of the backup, and the one the restored database was migrated to.
    pub schema_version: i64,
    pub migrated_to: i64,
    /// When the backup was taken.
    pub created_at: String,
    pub tables: Vec<TableRows>,
}

impl RestoreSummary {
    pub fn rows(&self) -> u64 {
        total_rows(&self.tables)
    }
}

/// Why a backup or a restore did not happen. Nothing was written to the target in any case but
/// `Io` and `Database` during the last steps (then the target holds an unchanged empty database).
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("tệp {0} đã có; không ghi đè khi chưa được yêu cầu")]
    OutputExists(PathBuf),
    #[error("không có cơ sở dữ liệu {0}")]
    MissingDatabase(String),
    #[error("cơ sở dữ liệu đích không trống (bảng {table} có {rows} dòng): chỉ khôi phục vào một cơ sở dữ liệu trống")]
    TargetNotEmpty { table: String, rows: i64 },
    #[error("bản sao lưu này là của {backup}, không khôi phục được vào cơ sở dữ liệu {target}")]
    EngineMismatch { backup: &'static str, target: &'static str },
    #[error(
        "bản sao lưu có cấu trúc dữ liệu phiên bản {backup}, mới hơn phiên bản {supported} mà chương trình này biết: hãy dùng dangvu mới hơn"
    )]
    NewerSchema { backup: i64, supported: i64 },
    #[error(
        "cơ sở dữ liệu đích đã có cấu trúc phiên bản {target}, mới hơn bản sao lưu (phiên bản {backup}): hãy khôi phục vào một cơ sở dữ liệu vừa tạo"
    )]
    TargetNewer { target: i64, backup: i64 },
    #[error("{} không phải tệp sao lưu của dangvu: {reason}", path.display())]
    NotABackup { path: PathBuf, reason: String },
    #[error("tệp sao lưu {} bị hỏng: {reason}", path.display())]
    Damaged { path: PathBuf, reason: String },
    #[error("không sao lưu được: {0}")]
    Unsupported(String),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Database(#[from] DbError),
}

pub type Result<T, E = BackupError> = std::result::Result<T, E>;

pub(crate) fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io { path: path.to_owned(), source }
}

/// The engine's name for people.
fn engine_name(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "SQLite",
        Engine::Postgres => "PostgreSQL",
    }
}

/// Writes a consistent backup of the database at `source` to `output` (a new file, or any file
/// with `force`). The database may be in use, by this process or others, and is not migrated.
pub async fn backup(engine: &dyn BackupEngine, source: &str, output: &Path, options: &BackupOptions) -> Result<BackupSummary> {
    if !options.force && output.exists() {
        return Err(BackupError::OutputExists(output.to_owned()));
    }
    if let Some(file) = engine.file(source)
        && !file.is_file()
    {
        return Err(BackupError::MissingDatabase(file.display().to_string()));
    }
    let db = engine.open_as_is(source).await?;
    let outcome = match engine.engine() {
        Engine::Sqlite => sqlite::backup(engine, db.as_ref(), output, options).await,
        Engine::Postgres => postgres::backup(db.as_ref(), output, options).await,
    };
    db.close().await;
    outcome
}

/// Restores the backup `input` into the empty database at `target` (for SQLite, a file that does
/// not exist yet or holds an empty database; for PostgreSQL, a database created for it), then
/// migrates it to this program's newest schema.
pub async fn restore(engine: &dyn BackupEngine, input: &Path, target: &str) -> Result<RestoreSummary> {
    let kind = format::sniff(input).await?;
    let backup_engine = match kind {
        format::Kind::SqliteFile => Engine::Sqlite,
        format::Kind::Portable => Engine::Postgres,
    };
    if backup_engine != engine.engine() {
        return Err(BackupError::EngineMismatch { backup: engine_name(backup_engine), target: engine_name(engine.engine()) });
    }
    match engine.engine() {
        Engine::Sqlite => sqlite::restore(engine, input, target).await,
        Engine::Postgres => postgres::restore(engine, input, target).await,
    }
}

/// The name a file is written under before it is complete: `.NAME.partial-PID`, next to it.
pub(crate) fn partial_path(path: &Path) -> Result<PathBuf> {
    let name = path.file_name().ok_or_else(|| BackupError::Io {
        path: path.to_owned(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"),
    })?;
    let mut partial = std::ffi::OsString::from(".");
    partial.push(name);
    partial.push(format!(".partial-{}", std::process::id()));
    Ok(path.with_file_name(partial))
}

/// `outcome`, removing the unfinished file `partial` when it failed.
pub(crate) fn or_remove<T>(partial: &Path, outcome: Result<T>) -> Result<T> {
    if outcome.is_err() {
        let _ = std::fs::remove_file(partial);
    }
    outcome
}

pub(crate) fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_error(path)(e)),
        _ => Ok(()),
    }
}

/// Gives the complete file `partial` its name (replacing a file there only when `force`).
pub(crate) fn put_in_place(partial: &Path, path: &Path, force: bool) -> Result<()> {
    if !force && path.exists() {
        let _ = std::fs::remove_file(partial);
        return Err(BackupError::OutputExists(path.to_owned()));
    }
    std::fs::rename(partial, path).map_err(io_error(path))?;
    // Make the rename itself durable (best effort: not every system syncs a directory).
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = std::fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Refuses a target that holds anything written (the rows the migrations seed do not count).
pub(crate) async fn check_empty(conn: &mut dyn crate::db::Conn, tables: &[crate::db::Ident]) -> Result<()> {
    for table in tables {
        let rows = crate::sql::backup::rows_written(conn, table).await?;
        if rows > 0 {
            return Err(BackupError::TargetNotEmpty { table: table.to_string(), rows });
        }
    }
    Ok(())
}

/// Refuses a backup made by a newer schema than this program's migrations reach.
pub(crate) fn check_version(engine: &dyn BackupEngine, backup: i64) -> Result<()> {
    let supported = engine.latest_schema();
    if backup > supported {
        return Err(BackupError::NewerSchema { backup, supported });
    }
    Ok(())
}
