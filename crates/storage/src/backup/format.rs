//! dangvu's portable backup format (docs/formats/backup.md): JSON lines, optionally gzip.
//!
//! ```text
//! {"$backup": {"format": "dangvu-backup", "version": 1, "engine": …, "schema_version": …,
//!              "created_at": …, "tables": [{"name": …, "rows": …, "columns": [{"name", "type"}]}]}}
//! {"$table": "units"}
//! {"id": 1, "version": 1, "created_at": "2026-01-02T03:04:05.000000Z"}      one line per row
//! {"$end": {"table": "units", "rows": 1, "sha256": "<the row lines' bytes>"}}
//! …                                                                         every table in turn
//! {"$footer": {"tables": 24, "rows": 123456, "sha256": "<every byte before this line>"}}
//! ```
//!
//! The header (without checksums) is also the manifest a SQLite backup file carries, with each
//! table's checksum over the same row lines.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use auth::checksum::Checksum;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::{BackupError, Result, io_error};
use crate::db::{Ident, Value};

pub const FORMAT_NAME: &str = "dangvu-backup";
pub const FORMAT_VERSION: u32 = 1;

/// The values a column holds, as the format names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// A 64-bit integer: a JSON number.
    Integer,
    /// A double: a JSON number.
    Real,
    /// UTF-8 text: a JSON string.
    Text,
    /// A day: `"YYYY-MM-DD"`.
    Date,
    /// An instant: RFC 3339 in UTC with microseconds, `"2026-01-02T03:04:05.123456Z"`.
    Timestamp,
}

impl ColumnType {
    /// The type of a column as PostgreSQL's catalog declares it; `None` for a type the format
    /// does not carry (the backup refuses it rather than lose information).
    pub fn of_postgres(declared: &str) -> Option<ColumnType> {
        Some(match declared {
            "bigint" | "integer" | "smallint" => ColumnType::Integer,
            "double precision" | "real" => ColumnType::Real,
            "text" | "character varying" => ColumnType::Text,
            "date" => ColumnType::Date,
            "timestamp with time zone" => ColumnType::Timestamp,
            _ => return None,
        })
    }

    /// The type of a column as SQLite declares it (in a SQLite file it is informative only).
    pub fn of_sqlite(name: &str, declared: &str) -> ColumnType {
        match declared {
            "integer" | "bigint" => ColumnType::Integer,
            "real" | "double" => ColumnType::Real,
            "date" => ColumnType::Date,
            _ if name.ends_with("_at") => ColumnType::Timestamp,
            _ => ColumnType::Text,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnHeader {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ColumnType,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableHeader {
    pub name: String,
    pub rows: u64,
    pub columns: Vec<ColumnHeader>,
    /// The checksum of the table's row lines: in a SQLite file's manifest only (the portable
    /// format gives it after the rows, in the table's `$end` line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

impl TableHeader {
    pub fn idents(&self) -> std::result::Result<(Ident, Vec<Ident>), crate::db::DbError> {
        let columns = self.columns.iter().map(|c| Ident::parse(&c.name)).collect::<std::result::Result<_, _>>()?;
        Ok((Ident::parse(&self.name)?, columns))
    }
}

/// The first line of a portable backup, and the manifest of a SQLite backup file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    pub engine: String,
    pub schema_version: i64,
    pub created_at: String,
    pub tables: Vec<TableHeader>,
}

impl Header {
    pub fn new(engine: &str, schema_version: i64, created_at: DateTime<Utc>, tables: Vec<TableHeader>) -> Header {
        Header {
            format: FORMAT_NAME.into(),
            version: FORMAT_VERSION,
            engine: engine.into(),
            schema_version,
            created_at: created_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            tables,
        }
    }

    /// Refuses a header this program cannot read.
    pub fn check(&self, path: &Path) -> Result<()> {
        if self.format != FORMAT_NAME {
            return Err(not_backup(path, format!("định dạng \"{}\"", self.format)));
        }
        if self.version > FORMAT_VERSION {
            return Err(not_backup(
                path,
                format!("định dạng phiên bản {}, chương trình này đọc đến phiên bản {FORMAT_VERSION}", self.version),
            ));
        }
        Ok(())
    }

    pub fn summary(&self) -> Vec<super::TableRows> {
        self.tables.iter().map(|t| super::TableRows { table: t.name.clone(), rows: t.rows }).collect()
    }
}

pub fn not_backup(path: &Path, reason: impl Into<String>) -> BackupError {
    BackupError::NotABackup { path: path.to_owned(), reason: reason.into() }
}

pub fn damaged(path: &Path, reason: impl Into<String>) -> BackupError {
    BackupError::Damaged { path: path.to_owned(), reason: reason.into() }
}

/// The line of one row: `{"column": value, …}` in the columns' order, ending with a newline.
pub fn encode_row(out: &mut Vec<u8>, columns: &[Ident], values: &[Value]) -> std::result::Result<(), String> {
    out.push(b'{');
    for (i, (column, value)) in columns.iter().zip(values).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_json_string(out, column.as_str());
        out.push(b':');
        match value {
            Value::Int(None) | Value::Float(None) | Value::Text(None) | Value::Date(None) | Value::Time(None) => {
                out.extend_from_slice(b"null")
            }
            Value::Int(Some(v)) => out.extend_from_slice(v.to_string().as_bytes()),
            Value::Float(Some(v)) => {
                let n = serde_json::Number::from_f64(*v).ok_or_else(|| format!("cột {column}: số {v} không ghi được"))?;
                out.extend_from_slice(n.to_string().as_bytes());
            }
            Value::Text(Some(v)) => push_json_string(out, v),
            Value::Date(Some(d)) => push_json_string(out, &d.format("%Y-%m-%d").to_string()),
            Value::Time(Some(t)) => push_json_string(out, &t.to_rfc3339_opts(SecondsFormat::Micros, true)),
        }
    }
    out.extend_from_slice(b"}\n");
    Ok(())
}

fn push_json_string(out: &mut Vec<u8>, s: &str) {
    // Serializing a string to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// The values of a row line, for `columns` of the given types, in their order.
pub fn decode_row(line: &[u8], columns: &[ColumnHeader]) -> std::result::Result<Vec<Value>, String> {
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(line).map_err(|e| format!("dòng không đọc được: {e}"))?;
    if object.len() != columns.len() {
        return Err(format!("dòng có {} cột, bảng có {}", object.len(), columns.len()));
    }
    columns
        .iter()
        .map(|c| {
            let v = object.get(&c.name).ok_or_else(|| format!("thiếu cột {}", c.name))?;
            decode_value(v, c.kind).ok_or_else(|| format!("cột {}: giá trị {v} không phải kiểu {:?}", c.name, c.kind))
        })
        .collect()
}

fn decode_value(v: &serde_json::Value, kind: ColumnType) -> Option<Value> {
    use serde_json::Value as J;
    Some(match (kind, v) {
        (ColumnType::Integer, J::Null) => Value::Int(None),
        (ColumnType::Integer, J::Number(n)) => Value::Int(Some(n.as_i64()?)),
        (ColumnType::Real, J::Null) => Value::Float(None),
        (ColumnType::Real, J::Number(n)) => Value::Float(Some(n.as_f64()?)),
        (ColumnType::Text, J::Null) => Value::Text(None),
        (ColumnType::Text, J::String(s)) => Value::Text(Some(s.clone())),
        (ColumnType::Date, J::Null) => Value::Date(None),
        (ColumnType::Date, J::String(s)) => Value::Date(Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?)),
        (ColumnType::Timestamp, J::Null) => Value::Time(None),
        (ColumnType::Timestamp, J::String(s)) => Value::Time(Some(DateTime::parse_from_rfc3339(s).ok()?.with_timezone(&Utc))),
        _ => return None,
    })
}

/// One marker line: `{"$<name>": value}`.
fn marker(name: &str, value: &impl Serialize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut object = serde_json::Map::new();
    object.insert(format!("${name}"), serde_json::to_value(value).unwrap_or(serde_json::Value::Null));
    let _ = serde_json::to_writer(&mut out, &object);
    out.push(b'\n');
    out
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableEnd {
    pub table: String,
    pub rows: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Footer {
    pub tables: u64,
    pub rows: u64,
    pub sha256: String,
}

/// Where the lines go: the file, through gzip or not.
enum Sink {
    Plain(std::io::BufWriter<std::fs::File>),
    Gzip(Box<flate2::write::GzEncoder<std::io::BufWriter<std::fs::File>>>),
}

impl Sink {
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Plain(w) => w.write_all(bytes),
            Sink::Gzip(w) => w.write_all(bytes),
        }
    }

    /// Ends the stream (the gzip trailer), flushes and syncs the file; returns its size.
    fn finish(self) -> std::io::Result<u64> {
        let buffered = match self {
            Sink::Plain(w) => w,
            Sink::Gzip(w) => w.finish()?,
        };
        let file = buffered.into_inner().map_err(std::io::IntoInnerError::into_error)?;
        file.sync_all()?;
        Ok(file.metadata()?.len())
    }
}

/// Writes a portable backup to a file, hashing as it goes. Lines are gathered in memory and
/// written in blocks off the async threads.
pub struct Writer {
    path: PathBuf,
    out: Option<Sink>,
    buf: Vec<u8>,
    whole: Checksum,
    table: Checksum,
    table_rows: u64,
    tables: u64,
    rows: u64,
}

const BLOCK: usize = 256 * 1024;

impl Writer {
    /// Creates `path` (which must not exist), gzip-compressed when `gzip`.
    pub fn create(path: &Path, gzip: bool) -> Result<Writer> {
        let file = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(io_error(path))?;
        let sink = std::io::BufWriter::new(file);
        let out = if gzip {
            Sink::Gzip(Box::new(flate2::write::GzEncoder::new(sink, flate2::Compression::default())))
        } else {
            Sink::Plain(sink)
        };
        Ok(Writer {
            path: path.to_owned(),
            out: Some(out),
            buf: Vec::with_capacity(BLOCK * 2),
            whole: Checksum::new(),
            table: Checksum::new(),
            table_rows: 0,
            tables: 0,
            rows: 0,
        })
    }

    fn push(&mut self, line: &[u8]) {
        self.whole.update(line);
        self.buf.extend_from_slice(line);
    }

    pub fn header(&mut self, header: &Header) {
        self.push(&marker("backup", header));
    }

    pub fn begin_table(&mut self, name: &str) {
        self.push(&marker("table", &name));
        self.table = Checksum::new();
        self.table_rows = 0;
    }

    /// Adds one row line (built by [`encode_row`]).
    pub fn row(&mut self, line: &[u8]) {
        self.table.update(line);
        self.table_rows += 1;
        self.push(line);
    }

    /// Ends the table; returns its rows.
    pub fn end_table(&mut self, name: &str) -> u64 {
        let sha256 = std::mem::take(&mut self.table).hex();
        let rows = self.table_rows;
        self.push(&marker("end", &TableEnd { table: name.to_owned(), rows, sha256 }));
        self.tables += 1;
        self.rows += rows;
        rows
    }

    /// Writes what was gathered once there is a block of it.
    pub async fn flush_if_full(&mut self) -> Result<()> {
        if self.buf.len() >= BLOCK { self.flush().await } else { Ok(()) }
    }

    async fn flush(&mut self) -> Result<()> {
        let Some(mut out) = self.out.take() else { return Err(self.closed()) };
        let mut buf = std::mem::take(&mut self.buf);
        let (out, buf, written) = tokio::task::spawn_blocking(move || {
            let written = out.write_all(&buf);
            buf.clear();
            (out, buf, written)
        })
        .await
        .map_err(|e| BackupError::Io { path: self.path.clone(), source: std::io::Error::other(e) })?;
        written.map_err(io_error(&self.path))?;
        self.out = Some(out);
        self.buf = buf;
        Ok(())
    }

    fn closed(&self) -> BackupError {
        BackupError::Io { path: self.path.clone(), source: std::io::Error::other("an earlier write failed") }
    }

    /// Writes the footer, flushes and syncs the file; returns its size.
    pub async fn finish(mut self) -> Result<u64> {
        let sha256 = std::mem::take(&mut self.whole).hex();
        let footer = marker("footer", &Footer { tables: self.tables, rows: self.rows, sha256 });
        self.buf.extend_from_slice(&footer);
        self.flush().await?;
        let out = self.out.take().ok_or_else(|| self.closed())?;
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || out.finish())
            .await
            .map_err(|e| BackupError::Io { path: path.clone(), source: std::io::Error::other(e) })?
            .map_err(io_error(&path))
    }
}

/// What kind of backup a file holds, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    SqliteFile,
    Portable,
}

pub async fn sniff(path: &Path) -> Result<Kind> {
    let p = path.to_owned();
    let head = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
        let mut head = Vec::with_capacity(16);
        std::fs::File::open(&p)?.take(16).read_to_end(&mut head)?;
        Ok(head)
    })
    .await
    .map_err(|e| BackupError::Io { path: path.to_owned(), source: std::io::Error::other(e) })?
    .map_err(io_error(path))?;
    if head.starts_with(b"SQLite format 3\0") {
        Ok(Kind::SqliteFile)
    } else if head.starts_with(&[0x1f, 0x8b]) || head.starts_with(b"{\"$backup\"") {
        Ok(Kind::Portable)
    } else {
        Err(not_backup(path, "không phải tệp SQLite, cũng không phải định dạng dangvu-backup"))
    }
}

/// Reads a portable backup's lines in blocks off the async threads.
pub struct LineReader {
    path: PathBuf,
    inner: Option<Box<dyn BufRead + Send>>,
}

impl LineReader {
    pub fn open(path: &Path) -> Result<LineReader> {
        let file = std::fs::File::open(path).map_err(io_error(path))?;
        let mut reader = BufReader::with_capacity(BLOCK, file);
        let gzip = reader.fill_buf().map_err(io_error(path))?.starts_with(&[0x1f, 0x8b]);
        let inner: Box<dyn BufRead + Send> =
            if gzip { Box::new(BufReader::with_capacity(BLOCK, flate2::read::GzDecoder::new(reader))) } else { Box::new(reader) };
        Ok(LineReader { path: path.to_owned(), inner: Some(inner) })
    }

    /// Up to `max` lines, each with its newline (the last one may lack it); empty at the end.
    pub async fn lines(&mut self, max: usize) -> Result<Vec<Vec<u8>>> {
        let Some(mut inner) = self.inner.take() else { return Ok(Vec::new()) };
        let (inner, lines) = tokio::task::spawn_blocking(move || {
            let mut lines = Vec::new();
            let outcome = loop {
                if lines.len() >= max {
                    break Ok(());
                }
                let mut line = Vec::new();
                match inner.read_until(b'\n', &mut line) {
                    Ok(0) => break Ok(()),
                    Ok(_) => lines.push(line),
                    Err(e) => break Err(e),
                }
            };
            (inner, outcome.map(|()| lines))
        })
        .await
        .map_err(|e| BackupError::Io { path: self.path.clone(), source: std::io::Error::other(e) })?;
        // A truncated or corrupted gzip stream shows as a read error: the file is damaged.
        let lines = lines.map_err(|e| damaged(&self.path, format!("không đọc được: {e}")))?;
        self.inner = Some(inner);
        Ok(lines)
    }
}

/// What a line of a portable backup turned out to be.
#[derive(Debug)]
pub enum Item {
    /// A row of the table at this position in the header.
    Row { table: usize, line: Vec<u8> },
    /// The table at this position ended; its rows and checksum were right.
    TableDone(usize),
    /// Anything else that needs no action (a table's start, the footer).
    Other,
}

/// Checks a portable backup line by line: the header first, then each table of the header in its
/// order with the rows it announced and their checksum, then the footer with the checksum of
/// everything before it, then nothing.
pub struct Checker {
    path: PathBuf,
    pub header: Header,
    whole: Checksum,
    table: Checksum,
    current: Option<usize>,
    next: usize,
    rows: u64,
    total: u64,
    line: u64,
    done: bool,
}

impl Checker {
    /// Starts from the first line.
    pub fn start(path: &Path, first: &[u8]) -> Result<Checker> {
        let header: Header = match parse_marker(first) {
            Some((name, value)) if name == "backup" => {
                serde_json::from_value(value).map_err(|e| not_backup(path, format!("phần đầu không đọc được: {e}")))?
            }
            _ => return Err(not_backup(path, "dòng đầu không phải phần đầu của bản sao lưu")),
        };
        header.check(path)?;
        let mut whole = Checksum::new();
        whole.update(first);
        Ok(Checker {
            path: path.to_owned(),
            header,
            whole,
            table: Checksum::new(),
            current: None,
            next: 0,
            rows: 0,
            total: 0,
            line: 1,
            done: false,
        })
    }

    fn fail(&self, reason: impl std::fmt::Display) -> BackupError {
        damaged(&self.path, format!("dòng {}: {reason}", self.line))
    }

    pub fn feed(&mut self, line: Vec<u8>) -> Result<Item> {
        self.line += 1;
        if self.done {
            return Err(self.fail("có dữ liệu sau phần cuối"));
        }
        if !line.ends_with(b"\n") {
            return Err(self.fail("tệp bị cắt cụt"));
        }
        if let Some(table) = self.current
            && !line.starts_with(b"{\"$")
        {
            self.whole.update(&line);
            self.table.update(&line);
            self.rows += 1;
            return Ok(Item::Row { table, line });
        }
        let Some((name, value)) = parse_marker(&line) else { return Err(self.fail("dòng không đọc được")) };
        match (name.as_str(), self.current) {
            ("table", None) => {
                let expected = self.header.tables.get(self.next).map(|t| t.name.as_str());
                if value.as_str() != expected {
                    return Err(self.fail(format!("bảng {value} không theo thứ tự của phần đầu")));
                }
                self.whole.update(&line);
                self.current = Some(self.next);
                self.table = Checksum::new();
                self.rows = 0;
                Ok(Item::Other)
            }
            ("end", Some(index)) => {
                let end: TableEnd = serde_json::from_value(value).map_err(|e| self.fail(e))?;
                let Some(announced) = self.header.tables.get(index) else { return Err(self.fail("bảng không có trong phần đầu")) };
                let sha256 = std::mem::take(&mut self.table).hex();
                if end.table != announced.name || end.rows != self.rows || end.rows != announced.rows {
                    return Err(self.fail(format!(
                        "bảng {}: có {} dòng, phần đầu ghi {}, phần cuối bảng ghi {}",
                        announced.name, self.rows, announced.rows, end.rows
                    )));
                }
                if end.sha256 != sha256 {
                    return Err(self.fail(format!("bảng {}: mã kiểm tra SHA-256 không khớp", announced.name)));
                }
                self.whole.update(&line);
                self.total += self.rows;
                self.current = None;
                self.next += 1;
                Ok(Item::TableDone(index))
            }
            ("footer", None) => {
                let footer: Footer = serde_json::from_value(value).map_err(|e| self.fail(e))?;
                if self.next != self.header.tables.len() {
                    return Err(self.fail("thiếu bảng trước phần cuối"));
                }
                let sha256 = std::mem::take(&mut self.whole).hex();
                if footer.sha256 != sha256 || footer.rows != self.total {
                    return Err(self.fail("mã kiểm tra SHA-256 của cả tệp không khớp"));
                }
                self.done = true;
                Ok(Item::Other)
            }
            _ => Err(self.fail(format!("dòng \"${name}\" không đúng chỗ"))),
        }
    }

    /// Refuses a file that ended before its footer.
    pub fn finish(&self) -> Result<()> {
        if self.done { Ok(()) } else { Err(damaged(&self.path, "tệp bị cắt cụt: không có phần cuối")) }
    }
}

/// `{"$name": value}` → (name, value).
fn parse_marker(line: &[u8]) -> Option<(String, serde_json::Value)> {
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(line).ok()?;
    if object.len() != 1 {
        return None;
    }
    let (key, value) = object.into_iter().next()?;
    Some((key.strip_prefix('$')?.to_owned(), value))
}

/// Reads the whole file once, checking everything; returns its header.
pub async fn verify(path: &Path) -> Result<Header> {
    let mut reader = LineReader::open(path)?;
    let mut checker: Option<Checker> = None;
    loop {
        let lines = reader.lines(4096).await?;
        if lines.is_empty() {
            break;
        }
        for line in lines {
            match checker.as_mut() {
                None => checker = Some(Checker::start(path, &line)?),
                Some(c) => {
                    c.feed(line)?;
                }
            }
        }
    }
    let checker = checker.ok_or_else(|| damaged(path, "tệp trống"))?;
    checker.finish()?;
    Ok(checker.header)
}
