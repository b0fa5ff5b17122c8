//! The statements of backup and restore. Unlike the rest of `sql`, these read each engine's own
//! catalog (which tables, columns, keys and sequences there are), so most come in two texts;
//! statements over a table are built from checked names ([`Ident`]) and placeholders only. The
//! migration bookkeeping table (`_sqlx_migrations`) is each database's own: never backed up in
//! the portable format, never restored over; a SQLite backup file carries its manifest in
//! `dangvu_backup`, dropped when restored.

use crate::db::{Conn, DbError, Ident, Part, Row, Sql, Value};

type R<T> = Result<T, DbError>;

/// One column as the catalog declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogColumn {
    pub name: Ident,
    /// The engine's type name, lower case (`bigint`, `text`, `timestamp with time zone`…).
    pub declared: String,
}

/// The application tables of a SQLite database, by name.
pub async fn sqlite_tables(conn: &mut dyn Conn) -> R<Vec<Ident>> {
    // Tables only: a search index's virtual table and its shadow tables are rebuilt from the
    // rows they index (migration 0016's triggers), never copied.
    let sql: Sql = "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' \
                    AND name <> '_sqlx_migrations' AND name <> 'dangvu_backup' ORDER BY name"
        .into();
    idents(conn.query(&sql, vec![]).await?, "name")
}

/// The application tables of the PostgreSQL schema in use, by name.
pub async fn postgres_tables(conn: &mut dyn Conn) -> R<Vec<Ident>> {
    let sql: Sql = "SELECT tablename::text AS name FROM pg_tables WHERE schemaname = current_schema() \
                    AND tablename <> '_sqlx_migrations' ORDER BY tablename"
        .into();
    idents(conn.query(&sql, vec![]).await?, "name")
}

fn idents(rows: Vec<Row>, column: &str) -> R<Vec<Ident>> {
    rows.iter().map(|r| Ident::parse(&r.str(column)?)).collect()
}

/// A SQLite table's columns, in their order.
pub async fn sqlite_columns(conn: &mut dyn Conn, table: &Ident) -> R<Vec<CatalogColumn>> {
    let sql: Sql = "SELECT name, type FROM pragma_table_info($1) ORDER BY cid".into();
    columns(conn.query(&sql, vec![table.as_str().into()]).await?)
}

/// A PostgreSQL table's columns, in their order.
pub async fn postgres_columns(conn: &mut dyn Conn, table: &Ident) -> R<Vec<CatalogColumn>> {
    let sql: Sql = "SELECT column_name::text AS name, data_type::text AS type FROM information_schema.columns \
                    WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
        .into();
    columns(conn.query(&sql, vec![table.as_str().into()]).await?)
}

fn columns(rows: Vec<Row>) -> R<Vec<CatalogColumn>> {
    rows.iter().map(|r| Ok(CatalogColumn { name: Ident::parse(&r.str("name")?)?, declared: r.str("type")?.to_lowercase() })).collect()
}

/// A PostgreSQL table's primary-key columns, in key order (empty when it has none).
pub async fn postgres_primary_key(conn: &mut dyn Conn, table: &Ident) -> R<Vec<Ident>> {
    let sql: Sql = "SELECT a.attname::text AS name FROM pg_index i \
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) \
                    WHERE i.indrelid = $1::regclass AND i.indisprimary \
                    ORDER BY array_position(i.indkey::int2[], a.attnum)"
        .into();
    idents(conn.query(&sql, vec![table.as_str().into()]).await?, "name")
}

/// A foreign key: `child` has a column referring to `parent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub child: String,
    pub parent: String,
}

/// The foreign keys between the PostgreSQL schema's tables.
pub async fn postgres_references(conn: &mut dyn Conn) -> R<Vec<Reference>> {
    let sql: Sql = "SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent \
                    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace \
                    WHERE c.contype = 'f' AND n.nspname = current_schema()"
        .into();
    let rows = conn.query(&sql, vec![]).await?;
    rows.iter().map(|r| Ok(Reference { child: r.str("child")?, parent: r.str("parent")? })).collect()
}

/// A column whose values come from a sequence (identity or serial).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequenceColumn {
    pub table: Ident,
    pub column: Ident,
}

/// The PostgreSQL schema's identity and serial columns.
pub async fn postgres_sequence_columns(conn: &mut dyn Conn) -> R<Vec<SequenceColumn>> {
    let sql: Sql = "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
                    WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%') \
                    ORDER BY table_name, column_name"
        .into();
    let rows = conn.query(&sql, vec![]).await?;
    rows.iter().map(|r| Ok(SequenceColumn { table: Ident::parse(&r.str("t")?)?, column: Ident::parse(&r.str("c")?)? })).collect()
}

/// Moves a sequence past the largest value its column holds (the next value is max + 1, or 1).
pub async fn postgres_reset_sequence(conn: &mut dyn Conn, s: &SequenceColumn) -> R<()> {
    let sql = Sql::build(&[
        Part::Text("SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX("),
        Part::Name(&s.column),
        Part::Text(") FROM "),
        Part::Name(&s.table),
        Part::Text("), 0) + 1, false) AS v"),
    ]);
    conn.query(&sql, vec![s.table.as_str().into(), s.column.as_str().into()]).await?;
    Ok(())
}

/// Whether the migration bookkeeping table exists.
pub async fn has_migrations(conn: &mut dyn Conn, postgres: bool) -> R<bool> {
    let sql: Sql = if postgres {
        "SELECT COUNT(*) AS n FROM pg_tables WHERE schemaname = current_schema() AND tablename = '_sqlx_migrations'".into()
    } else {
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'".into()
    };
    Ok(count(&conn.query(&sql, vec![]).await?)? > 0)
}

/// The newest migration applied (0 when none).
pub async fn schema_version(conn: &mut dyn Conn) -> R<i64> {
    let sql: Sql = "SELECT COALESCE(MAX(version), 0) AS n FROM _sqlx_migrations WHERE success".into();
    count(&conn.query(&sql, vec![]).await?)
}

fn count(rows: &[Row]) -> R<i64> {
    rows.first().ok_or_else(|| DbError::Other("no row".into()))?.i64("n")
}

/// How many rows `table` holds; for the tables the migrations seed with one row of `seq` 0
/// (`change_counter`, `audit_head`), how many rows say something was written.
pub async fn rows_written(conn: &mut dyn Conn, table: &Ident) -> R<i64> {
    let seeded = matches!(table.as_str(), "change_counter" | "audit_head");
    let tail = if seeded { " WHERE seq <> 0" } else { "" };
    let sql = Sql::build(&[Part::Text("SELECT COUNT(*) AS n FROM "), Part::Name(table), Part::Text(tail)]);
    count(&conn.query(&sql, vec![]).await?)
}

/// How many rows `table` holds.
pub async fn row_count(conn: &mut dyn Conn, table: &Ident) -> R<i64> {
    let sql = Sql::build(&[Part::Text("SELECT COUNT(*) AS n FROM "), Part::Name(table)]);
    count(&conn.query(&sql, vec![]).await?)
}

/// Removes every row of `table` (a seed row the restored rows replace).
pub async fn delete_all(conn: &mut dyn Conn, table: &Ident) -> R<()> {
    conn.execute(&Sql::build(&[Part::Text("DELETE FROM "), Part::Name(table)]), vec![]).await?;
    Ok(())
}

/// Up to `limit` rows of a SQLite table after `rowid` `after`, in rowid order: the `rowid` as
/// `dangvu_rowid` first, then `columns`.
pub async fn sqlite_rows_after(conn: &mut dyn Conn, table: &Ident, columns: &[Ident], after: i64, limit: i64) -> R<Vec<Row>> {
    let sql = Sql::build(&[
        Part::Text("SELECT rowid AS dangvu_rowid, "),
        Part::Names(columns),
        Part::Text(" FROM "),
        Part::Name(table),
        Part::Text(" WHERE rowid > $1 ORDER BY rowid LIMIT $2"),
    ]);
    conn.query(&sql, vec![after.into(), limit.into()]).await
}

/// Opens the cursor a PostgreSQL backup reads `columns` of `table` through, in `order`, inside
/// the snapshot's transaction. The cursor is named after the table so that each table's `FETCH`
/// is a statement of its own (the driver keeps a prepared statement's columns by its text), and
/// binary, as the driver decodes every row.
pub async fn postgres_open_cursor(conn: &mut dyn Conn, table: &Ident, columns: &[Ident], order: &[Ident]) -> R<()> {
    let sql = Sql::build(&[
        Part::Text("DECLARE "),
        Part::Name(table),
        Part::Text(" BINARY NO SCROLL CURSOR FOR SELECT "),
        Part::Names(columns),
        Part::Text(" FROM "),
        Part::Name(table),
        Part::Text(" ORDER BY "),
        Part::Names(order),
    ]);
    conn.execute(&sql, vec![]).await?;
    Ok(())
}

/// The next rows of `table`'s cursor (empty at the end).
pub async fn postgres_fetch(conn: &mut dyn Conn, table: &Ident) -> R<Vec<Row>> {
    conn.query(&Sql::build(&[Part::Text("FETCH FORWARD 1000 FROM "), Part::Name(table)]), vec![]).await
}

pub async fn postgres_close_cursor(conn: &mut dyn Conn, table: &Ident) -> R<()> {
    conn.execute(&Sql::build(&[Part::Text("CLOSE "), Part::Name(table)]), vec![]).await?;
    Ok(())
}

/// Makes the transaction a read-only snapshot: every table is read as of one instant.
pub async fn postgres_snapshot(conn: &mut dyn Conn) -> R<()> {
    conn.execute(&"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY".into(), vec![]).await?;
    Ok(())
}

/// Inserts `rows` (each a value per column) into `table`, keeping their ids.
pub async fn insert_into(conn: &mut dyn Conn, table: &Ident, columns: &[Ident], rows: Vec<Vec<Value>>, postgres: bool) -> R<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let overriding = if postgres { ") OVERRIDING SYSTEM VALUE VALUES" } else { ") VALUES" };
    let prefix =
        Sql::build(&[Part::Text("INSERT INTO "), Part::Name(table), Part::Text(" ("), Part::Names(columns), Part::Text(overriding)]);
    let n = rows.len();
    let sql = prefix.with_values(columns.len(), n, conn.anonymous_placeholders());
    conn.execute(&sql, rows.into_iter().flatten().collect()).await?;
    Ok(())
}

/// `PRAGMA integrity_check`'s findings ("ok" alone when the file is sound).
pub async fn sqlite_integrity_check(conn: &mut dyn Conn) -> R<Vec<String>> {
    let rows = conn.query(&"PRAGMA integrity_check".into(), vec![]).await?;
    rows.iter().map(|r| r.str(0usize)).collect()
}

/// Writes a consistent copy of the whole SQLite database into the new file `path`.
pub async fn sqlite_vacuum_into(conn: &mut dyn Conn, path: &str) -> R<()> {
    conn.execute(&"VACUUM INTO $1".into(), vec![path.into()]).await?;
    Ok(())
}

pub async fn sqlite_write_manifest(conn: &mut dyn Conn, manifest: &str) -> R<()> {
    conn.execute(&"CREATE TABLE dangvu_backup (id INTEGER PRIMARY KEY, manifest TEXT NOT NULL)".into(), vec![]).await?;
    conn.execute(&"INSERT INTO dangvu_backup (id, manifest) VALUES (1, $1)".into(), vec![manifest.into()]).await?;
    Ok(())
}

/// The manifest of a SQLite backup file, if it has one.
pub async fn sqlite_read_manifest(conn: &mut dyn Conn) -> R<Option<String>> {
    let present =
        conn.query(&"SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'dangvu_backup'".into(), vec![]).await?;
    if count(&present)? == 0 {
        return Ok(None);
    }
    let rows = conn.query(&"SELECT manifest FROM dangvu_backup WHERE id = 1".into(), vec![]).await?;
    rows.first().map(|r| r.str("manifest")).transpose()
}

pub async fn sqlite_drop_manifest(conn: &mut dyn Conn) -> R<()> {
    conn.execute(&"DROP TABLE dangvu_backup".into(), vec![]).await?;
    Ok(())
}
