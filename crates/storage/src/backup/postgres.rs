//! PostgreSQL: the portable format written from one read-only snapshot, and read back into an
//! empty database in one transaction.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::format::{self, Checker, ColumnHeader, ColumnType, Header, Item, LineReader, TableHeader, Writer};
use super::{
    BackupEngine, BackupError, BackupOptions, BackupSummary, RestoreSummary, Result, check_empty, check_version, or_remove, partial_path,
    put_in_place, remove_if_present,
};
use crate::db::{Conn, Database, Engine, Ident, Value};
use crate::sql::backup as sql;

/// A table as the snapshot reads it.
struct Source {
    header: TableHeader,
    table: Ident,
    columns: Vec<Ident>,
    /// The primary key, or every column when it has none: a stable order for the file.
    order: Vec<Ident>,
}

pub(super) async fn backup(db: &dyn Database, output: &Path, options: &BackupOptions) -> Result<BackupSummary> {
    let mut tx = db.begin().await?;
    let conn = tx.as_mut();
    sql::postgres_snapshot(conn).await?;
    let schema_version = if sql::has_migrations(conn, true).await? { sql::schema_version(conn).await? } else { 0 };
    let tables = sql::postgres_tables(conn).await?;
    let references = sql::postgres_references(conn).await?;
    let ordered = dependency_order(&tables, &references).map_err(BackupError::Unsupported)?;
    let mut sources = Vec::with_capacity(ordered.len());
    for table in ordered {
        sources.push(describe(conn, table).await?);
    }
    let header = Header::new("postgres", schema_version, options.now, sources.iter().map(|s| s.header.clone()).collect());
    let partial = partial_path(output)?;
    remove_if_present(&partial)?;
    let gzip = output.extension().is_some_and(|e| e == "gz");
    let written = write(conn, &partial, gzip, &header, &sources).await;
    drop(tx);
    let bytes = or_remove(&partial, written)?;
    put_in_place(&partial, output, options.force)?;
    Ok(BackupSummary { path: output.to_owned(), engine: Engine::Postgres, schema_version, bytes, tables: header.summary() })
}

async fn describe(conn: &mut dyn Conn, table: Ident) -> Result<Source> {
    let catalog = sql::postgres_columns(conn, &table).await?;
    let mut columns = Vec::with_capacity(catalog.len());
    let mut headers = Vec::with_capacity(catalog.len());
    for c in catalog {
        let kind = ColumnType::of_postgres(&c.declared).ok_or_else(|| {
            BackupError::Unsupported(format!("cột {}.{} có kiểu {} mà định dạng sao lưu chưa chứa", table, c.name, c.declared))
        })?;
        headers.push(ColumnHeader { name: c.name.to_string(), kind });
        columns.push(c.name);
    }
    let key = sql::postgres_primary_key(conn, &table).await?;
    let order = if key.is_empty() { columns.clone() } else { key };
    let rows = u64::try_from(sql::row_count(conn, &table).await?).unwrap_or(0);
    Ok(Source { header: TableHeader { name: table.to_string(), rows, columns: headers, sha256: None }, table, columns, order })
}

async fn write(conn: &mut dyn Conn, path: &Path, gzip: bool, header: &Header, sources: &[Source]) -> Result<u64> {
    let mut out = Writer::create(path, gzip)?;
    out.header(header);
    let mut line = Vec::with_capacity(1024);
    for s in sources {
        out.begin_table(&s.header.name);
        sql::postgres_open_cursor(conn, &s.table, &s.columns, &s.order).await?;
        loop {
            let rows = sql::postgres_fetch(conn, &s.table).await?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                line.clear();
                format::encode_row(&mut line, &s.columns, row.values()).map_err(BackupError::Unsupported)?;
                out.row(&line);
            }
            out.flush_if_full().await?;
        }
        sql::postgres_close_cursor(conn, &s.table).await?;
        let rows = out.end_table(&s.header.name);
        if rows != s.header.rows {
            // Cannot happen inside one snapshot; refuse rather than write an inconsistent file.
            return Err(BackupError::Unsupported(format!("bảng {}: đếm được {} dòng, đọc được {rows}", s.header.name, s.header.rows)));
        }
    }
    out.finish().await
}

/// The tables in an order where every table comes after those it refers to (a table's references
/// to itself are kept right by the order of its rows); alphabetical where free.
pub(super) fn dependency_order(tables: &[Ident], references: &[sql::Reference]) -> std::result::Result<Vec<Ident>, String> {
    let mut waiting: BTreeMap<&str, BTreeSet<&str>> = tables.iter().map(|t| (t.as_str(), BTreeSet::new())).collect();
    for r in references {
        if r.child != r.parent
            && waiting.contains_key(r.parent.as_str())
            && let Some(parents) = waiting.get_mut(r.child.as_str())
        {
            parents.insert(r.parent.as_str());
        }
    }
    let mut order = Vec::with_capacity(tables.len());
    while !waiting.is_empty() {
        let ready: Vec<&str> = waiting.iter().filter(|(_, parents)| parents.is_empty()).map(|(t, _)| *t).collect();
        if ready.is_empty() {
            let cycle: Vec<&str> = waiting.keys().copied().collect();
            return Err(format!("các bảng tham chiếu vòng quanh nhau: {}", cycle.join(", ")));
        }
        for t in ready {
            waiting.remove(t);
            for parents in waiting.values_mut() {
                parents.remove(t);
            }
            if let Some(ident) = tables.iter().find(|i| i.as_str() == t) {
                order.push(ident.clone());
            }
        }
    }
    Ok(order)
}

pub(super) async fn restore(engine: &dyn BackupEngine, input: &Path, target: &str) -> Result<RestoreSummary> {
    // The whole file is checked before the target is touched.
    let header = format::verify(input).await?;
    if header.engine != "postgres" {
        return Err(format::not_backup(input, format!("phần đầu ghi hệ quản trị \"{}\"", header.engine)));
    }
    check_version(engine, header.schema_version)?;
    let db = engine.open_as_is(target).await?;
    let state = target_state(db.as_ref()).await;
    db.close().await;
    let current = state?;
    if current > header.schema_version {
        return Err(BackupError::TargetNewer { target: current, backup: header.schema_version });
    }
    engine.migrate(target, Some(header.schema_version)).await?;
    let db = engine.open_as_is(target).await?;
    let loaded = load(db.as_ref(), input, &header).await;
    db.close().await;
    loaded?;
    engine.migrate(target, None).await?;
    Ok(RestoreSummary {
        engine: Engine::Postgres,
        schema_version: header.schema_version,
        migrated_to: engine.latest_schema(),
        created_at: header.created_at.clone(),
        tables: header.summary(),
    })
}

/// The target's schema version (0 for a database never migrated), refusing one that holds data.
async fn target_state(db: &dyn Database) -> Result<i64> {
    let mut conn = db.reader().await?;
    if !sql::has_migrations(conn.as_mut(), true).await? {
        return Ok(0);
    }
    let version = sql::schema_version(conn.as_mut()).await?;
    let tables = sql::postgres_tables(conn.as_mut()).await?;
    check_empty(conn.as_mut(), &tables).await?;
    Ok(version)
}

/// Inserts every row of the file in one transaction, checking the file again as it goes.
async fn load(db: &dyn Database, input: &Path, header: &Header) -> Result<()> {
    let mut tx = db.begin().await?;
    let conn = tx.as_mut();
    let tables = sql::postgres_tables(conn).await?;
    check_same_tables(conn, &tables, header).await?;
    check_empty(conn, &tables).await?;
    for t in &tables {
        // The seed rows of the migrations (`change_counter`, `audit_head`), replaced by the backup's.
        if sql::row_count(conn, t).await? > 0 {
            sql::delete_all(conn, t).await?;
        }
    }
    let targets: Vec<(Ident, Vec<Ident>)> = header.tables.iter().map(TableHeader::idents).collect::<std::result::Result<_, _>>()?;
    let mut reader = LineReader::open(input)?;
    let mut checker: Option<Checker> = None;
    let mut batch: Vec<Vec<Value>> = Vec::new();
    loop {
        let lines = reader.lines(4096).await?;
        if lines.is_empty() {
            break;
        }
        for line in lines {
            let Some(c) = checker.as_mut() else {
                checker = Some(Checker::start(input, &line)?);
                continue;
            };
            match c.feed(line)? {
                Item::Row { table, line } => {
                    let (Some(columns), Some((name, idents))) = (header.tables.get(table), targets.get(table)) else { continue };
                    let values =
                        format::decode_row(&line, &columns.columns).map_err(|e| format::damaged(input, format!("bảng {name}: {e}")))?;
                    batch.push(values);
                    let per = (db.max_params() / idents.len().max(1)).clamp(1, 500);
                    if batch.len() >= per {
                        sql::insert_into(conn, name, idents, std::mem::take(&mut batch), true).await?;
                    }
                }
                Item::TableDone(table) => {
                    if let Some((name, idents)) = targets.get(table) {
                        sql::insert_into(conn, name, idents, std::mem::take(&mut batch), true).await?;
                    }
                }
                Item::Other => {}
            }
        }
    }
    checker.ok_or_else(|| format::damaged(input, "tệp trống"))?.finish()?;
    for s in sql::postgres_sequence_columns(conn).await? {
        sql::postgres_reset_sequence(conn, &s).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Refuses a target whose tables or columns differ from the backup's (same schema version, so
/// only a database changed by hand can differ).
async fn check_same_tables(conn: &mut dyn Conn, tables: &[Ident], header: &Header) -> Result<()> {
    let mismatch = |what: String| BackupError::Unsupported(format!("cơ sở dữ liệu đích khác cấu trúc của bản sao lưu: {what}"));
    let have: BTreeSet<&str> = tables.iter().map(Ident::as_str).collect();
    let want: BTreeSet<&str> = header.tables.iter().map(|t| t.name.as_str()).collect();
    if have != want {
        let missing: Vec<&str> = want.difference(&have).copied().collect();
        let extra: Vec<&str> = have.difference(&want).copied().collect();
        return Err(mismatch(format!("thiếu bảng [{}], thừa bảng [{}]", missing.join(", "), extra.join(", "))));
    }
    for t in &header.tables {
        let table = Ident::parse(&t.name)?;
        let catalog = sql::postgres_columns(conn, &table).await?;
        let have: BTreeMap<String, Option<ColumnType>> =
            catalog.iter().map(|c| (c.name.to_string(), ColumnType::of_postgres(&c.declared))).collect();
        let want: BTreeMap<String, Option<ColumnType>> = t.columns.iter().map(|c| (c.name.clone(), Some(c.kind))).collect();
        if have != want {
            return Err(mismatch(format!("các cột của bảng {}", t.name)));
        }
    }
    Ok(())
}
