//! SQLite: a copy of the file taken with `VACUUM INTO` while the server keeps writing, with a
//! manifest table, and put back in place after checking it.

use std::path::Path;

use auth::checksum::Checksum;

use super::format::{self, ColumnHeader, ColumnType, Header, TableHeader};
use super::{
    BackupEngine, BackupError, BackupOptions, BackupSummary, RestoreSummary, Result, check_empty, check_version, io_error, or_remove,
    partial_path, put_in_place, remove_if_present,
};
use crate::db::{Conn, Database, DbError, Engine};
use crate::sql::backup as sql;

pub(super) async fn backup(engine: &dyn BackupEngine, db: &dyn Database, output: &Path, options: &BackupOptions) -> Result<BackupSummary> {
    let partial = partial_path(output)?;
    remove_if_present(&partial)?;
    let copied = async {
        let mut conn = db.reader().await?;
        sql::sqlite_vacuum_into(conn.as_mut(), &path_text(&partial)?).await?;
        Ok::<_, BackupError>(())
    }
    .await;
    let header = match copied {
        Ok(()) => seal(engine, &partial, options).await,
        Err(e) => Err(e),
    };
    let header = or_remove(&partial, header)?;
    put_in_place(&partial, output, options.force)?;
    let bytes = std::fs::metadata(output).map_err(io_error(output))?.len();
    Ok(BackupSummary {
        path: output.to_owned(),
        engine: Engine::Sqlite,
        schema_version: header.schema_version,
        bytes,
        tables: header.summary(),
    })
}

fn path_text(path: &Path) -> Result<String> {
    path.to_str().map(str::to_owned).ok_or_else(|| BackupError::Unsupported(format!("đường dẫn {} không phải UTF-8", path.display())))
}

/// Checks the fresh copy and writes its manifest into it.
async fn seal(engine: &dyn BackupEngine, copy: &Path, options: &BackupOptions) -> Result<Header> {
    let db = engine.open_as_is(&path_text(copy)?).await?;
    let sealed = async {
        let mut conn = db.reader().await?;
        let problems = sql::sqlite_integrity_check(conn.as_mut()).await?;
        if problems != ["ok"] {
            return Err(BackupError::Unsupported(format!("bản sao không qua được integrity_check: {}", problems.join("; "))));
        }
        let version = version_of(conn.as_mut()).await?;
        let tables = scan(conn.as_mut()).await?;
        drop(conn);
        let header = Header::new("sqlite", version, options.now, tables);
        let manifest = serde_json::to_string(&header).map_err(|e| BackupError::Unsupported(e.to_string()))?;
        let mut tx = db.begin().await?;
        sql::sqlite_write_manifest(tx.as_mut(), &manifest).await?;
        tx.commit().await?;
        Ok(header)
    }
    .await;
    db.close().await;
    sealed
}

async fn version_of(conn: &mut dyn Conn) -> Result<i64, DbError> {
    if sql::has_migrations(conn, false).await? { sql::schema_version(conn).await } else { Ok(0) }
}

/// Every table of the file with its rows and the checksum of their lines in the portable format.
async fn scan(conn: &mut dyn Conn) -> Result<Vec<TableHeader>, DbError> {
    let mut out = Vec::new();
    let mut line = Vec::with_capacity(1024);
    for table in sql::sqlite_tables(conn).await? {
        let catalog = sql::sqlite_columns(conn, &table).await?;
        let columns: Vec<_> = catalog.iter().map(|c| c.name.clone()).collect();
        let mut checksum = Checksum::new();
        let mut rows = 0u64;
        let mut after = i64::MIN;
        loop {
            let page = sql::sqlite_rows_after(conn, &table, &columns, after, 1000).await?;
            let Some(last) = page.last() else { break };
            after = last.i64("dangvu_rowid")?;
            for row in &page {
                line.clear();
                format::encode_row(&mut line, &columns, row.values().get(1..).unwrap_or_default()).map_err(DbError::Decode)?;
                checksum.update(&line);
                rows += 1;
            }
        }
        let headers =
            catalog.iter().map(|c| ColumnHeader { name: c.name.to_string(), kind: ColumnType::of_sqlite(c.name.as_str(), &c.declared) });
        out.push(TableHeader { name: table.to_string(), rows, columns: headers.collect(), sha256: Some(checksum.hex()) });
    }
    Ok(out)
}

pub(super) async fn restore(engine: &dyn BackupEngine, input: &Path, target: &str) -> Result<RestoreSummary> {
    let Some(file) = engine.file(target) else { return Err(BackupError::MissingDatabase(target.to_owned())) };
    let existing = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    if existing > 0 {
        let db = engine.open_as_is(target).await?;
        let state = async {
            let mut conn = db.reader().await?;
            let tables = sql::sqlite_tables(conn.as_mut()).await?;
            check_empty(conn.as_mut(), &tables).await
        }
        .await;
        db.close().await;
        state?;
    }
    let partial = partial_path(&file)?;
    remove_if_present(&partial)?;
    let (from, to) = (input.to_owned(), partial.clone());
    tokio::task::spawn_blocking(move || std::fs::copy(from, to))
        .await
        .map_err(|e| BackupError::Io { path: partial.clone(), source: std::io::Error::other(e) })?
        .map_err(io_error(&partial))?;
    let header = or_remove(&partial, unseal(engine, &partial, input).await)?;
    // The empty database (and its WAL) gives way to the restored file.
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = file.clone().into_os_string();
        side.push(suffix);
        remove_if_present(Path::new(&side))?;
    }
    put_in_place(&partial, &file, true)?;
    engine.migrate(target, None).await?;
    Ok(RestoreSummary {
        engine: Engine::Sqlite,
        schema_version: header.schema_version,
        migrated_to: engine.latest_schema(),
        created_at: header.created_at.clone(),
        tables: header.summary(),
    })
}

/// Checks a copy of the backup file against its manifest, then removes the manifest.
async fn unseal(engine: &dyn BackupEngine, copy: &Path, input: &Path) -> Result<Header> {
    let db = engine.open_as_is(&path_text(copy)?).await.map_err(|e| format::damaged(input, e.to_string()))?;
    let checked = async {
        let damaged = |e: DbError| format::damaged(input, e.to_string());
        let mut conn = db.reader().await?;
        let problems = sql::sqlite_integrity_check(conn.as_mut()).await.map_err(damaged)?;
        if problems != ["ok"] {
            return Err(format::damaged(input, format!("integrity_check: {}", problems.join("; "))));
        }
        let manifest = sql::sqlite_read_manifest(conn.as_mut())
            .await
            .map_err(damaged)?
            .ok_or_else(|| format::not_backup(input, "tệp SQLite không có bảng dangvu_backup (không do dangvu backup tạo ra)"))?;
        let header: Header =
            serde_json::from_str(&manifest).map_err(|e| format::damaged(input, format!("bảng dangvu_backup không đọc được: {e}")))?;
        header.check(input)?;
        let version = version_of(conn.as_mut()).await.map_err(damaged)?;
        if version != header.schema_version {
            return Err(format::damaged(input, format!("phiên bản cấu trúc {version}, bảng dangvu_backup ghi {}", header.schema_version)));
        }
        check_version(engine, version)?;
        let found = scan(conn.as_mut()).await.map_err(damaged)?;
        compare(input, &header.tables, &found)?;
        drop(conn);
        let mut tx = db.begin().await?;
        sql::sqlite_drop_manifest(tx.as_mut()).await?;
        tx.commit().await?;
        Ok(header)
    }
    .await;
    db.close().await;
    checked
}

/// Refuses a file whose tables differ from its manifest: a table missing or added, other rows,
/// another checksum.
fn compare(input: &Path, manifest: &[TableHeader], found: &[TableHeader]) -> Result<()> {
    let names = |tables: &[TableHeader]| tables.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    if names(manifest) != names(found) {
        return Err(format::damaged(
            input,
            format!("các bảng [{}], bảng dangvu_backup ghi [{}]", names(found).join(", "), names(manifest).join(", ")),
        ));
    }
    for (m, f) in manifest.iter().zip(found) {
        if m.rows != f.rows {
            return Err(format::damaged(input, format!("bảng {}: có {} dòng, bảng dangvu_backup ghi {}", m.name, f.rows, m.rows)));
        }
        if m.sha256 != f.sha256 {
            return Err(format::damaged(input, format!("bảng {}: mã kiểm tra SHA-256 không khớp", m.name)));
        }
    }
    Ok(())
}
