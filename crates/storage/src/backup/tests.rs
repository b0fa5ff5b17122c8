//! The portable format on its own: rows read back as written, every kind of damage refused, and
//! the order tables are written in.

use std::path::Path;

use chrono::{NaiveDate, TimeZone, Utc};

use super::format::{self, ColumnHeader, ColumnType, Header, TableHeader, Writer};
use super::postgres::dependency_order;
use super::{BackupError, partial_path};
use crate::db::{Ident, Value};
use crate::sql::backup::Reference;

fn ids(names: &[&str]) -> Vec<Ident> {
    names.iter().map(|n| Ident::parse(n).unwrap()).collect()
}

fn columns() -> Vec<ColumnHeader> {
    [
        ("id", ColumnType::Integer),
        ("name", ColumnType::Text),
        ("born", ColumnType::Date),
        ("at", ColumnType::Timestamp),
        ("w", ColumnType::Real),
    ]
    .into_iter()
    .map(|(name, kind)| ColumnHeader { name: name.into(), kind })
    .collect()
}

fn row(id: i64, name: Option<&str>) -> Vec<Value> {
    vec![
        Value::Int(Some(id)),
        Value::Text(name.map(str::to_owned)),
        Value::Date(NaiveDate::from_ymd_opt(1990, 5, 2)),
        Value::Time(Some(Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap() + chrono::Duration::microseconds(123_456))),
        Value::Float(Some(0.25)),
    ]
}

#[test]
fn a_row_reads_back_as_it_was_written() {
    let names = ids(&["id", "name", "born", "at", "w"]);
    let mut line = Vec::new();
    let values = row(7, Some("Nguyễn \"Lan\"\n\\ {\"$end\": 1}"));
    format::encode_row(&mut line, &names, &values).unwrap();
    assert!(line.ends_with(b"}\n") && line.iter().filter(|b| **b == b'\n').count() == 1, "one line");
    assert!(String::from_utf8_lossy(&line).contains(r#""at":"2026-01-02T03:04:05.123456Z""#));
    assert_eq!(format::decode_row(&line, &columns()).unwrap(), values);
    let mut line = Vec::new();
    let nulls = vec![Value::Int(None), Value::Text(None), Value::Date(None), Value::Time(None), Value::Float(None)];
    format::encode_row(&mut line, &names, &nulls).unwrap();
    assert_eq!(format::decode_row(&line, &columns()).unwrap(), nulls);
    // A value of the wrong type, a missing or an extra column: refused, naming the column.
    let bad = br#"{"id":"7","name":null,"born":null,"at":null,"w":null}"#;
    assert!(format::decode_row(bad, &columns()).unwrap_err().contains("id"));
    let missing = br#"{"id":7,"name":null,"born":null,"at":null}"#;
    assert!(format::decode_row(missing, &columns()).is_err());
    let date = br#"{"id":7,"name":null,"born":"1990-02-30","at":null,"w":null}"#;
    assert!(format::decode_row(date, &columns()).unwrap_err().contains("born"));
    assert!(format::encode_row(&mut Vec::new(), &ids(&["w"]), &[Value::Float(Some(f64::NAN))]).is_err());
}

fn header(rows: &[u64]) -> Header {
    let tables =
        rows.iter().enumerate().map(|(i, n)| TableHeader { name: format!("t{i}"), rows: *n, columns: columns(), sha256: None }).collect();
    Header::new("postgres", 7, Utc.with_ymd_and_hms(2026, 12, 3, 8, 0, 0).unwrap(), tables)
}

/// Writes a file of two tables (2 and 3 rows), gzip or not.
async fn write_sample(path: &Path, gzip: bool) {
    let h = header(&[2, 3]);
    let names = ids(&["id", "name", "born", "at", "w"]);
    let mut out = Writer::create(path, gzip).unwrap();
    out.header(&h);
    for (t, n) in h.tables.iter().zip([2, 3]) {
        out.begin_table(&t.name);
        for id in 0..n {
            let mut line = Vec::new();
            format::encode_row(&mut line, &names, &row(id, Some("Đảng"))).unwrap();
            out.row(&line);
        }
        out.end_table(&t.name);
    }
    out.finish().await.unwrap();
}

#[tokio::test]
async fn a_written_file_verifies_plain_and_gzip() {
    let dir = tempfile::tempdir().unwrap();
    for gzip in [false, true] {
        let path = dir.path().join(if gzip { "b.jsonl.gz" } else { "b.jsonl" });
        write_sample(&path, gzip).await;
        assert_eq!(format::sniff(&path).await.unwrap(), format::Kind::Portable);
        let h = format::verify(&path).await.unwrap();
        assert_eq!(h, header(&[2, 3]));
        assert_eq!(h.summary().iter().map(|t| t.rows).sum::<u64>(), 5);
        // The writer refuses to replace a file.
        assert!(matches!(Writer::create(&path, gzip), Err(BackupError::Io { .. })));
    }
}

/// The file's lines after `change`, written back (uncompressed).
fn rewrite(path: &Path, change: impl FnOnce(&mut Vec<String>)) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    change(&mut lines);
    std::fs::write(path, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
}

#[tokio::test]
async fn every_kind_of_damage_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    type Change = Box<dyn FnOnce(&mut Vec<String>)>;
    let cases: Vec<(&str, Change)> = vec![
        // A value changed inside a row (the table's checksum).
        ("value", Box::new(|l: &mut Vec<String>| l[2] = l[2].replace("Đảng", "Dang"))),
        // A row removed (the counts).
        ("row removed", Box::new(|l: &mut Vec<String>| drop(l.remove(2)))),
        // A row moved to the other table.
        (
            "row moved",
            Box::new(|l: &mut Vec<String>| {
                let r = l.remove(2);
                l.insert(6, r);
            }),
        ),
        // The header changed (the whole file's checksum).
        ("header", Box::new(|l: &mut Vec<String>| l[0] = l[0].replace("2026-12-03", "2026-12-04"))),
        // Cut short: no footer.
        ("truncated", Box::new(|l: &mut Vec<String>| drop(l.pop()))),
        // Something after the footer.
        ("trailing", Box::new(|l: &mut Vec<String>| l.push("{}".into()))),
        // A table's end missing.
        ("end missing", Box::new(|l: &mut Vec<String>| drop(l.remove(4)))),
    ];
    for (what, change) in cases {
        let path = dir.path().join(format!("{what}.jsonl"));
        write_sample(&path, false).await;
        rewrite(&path, change);
        let e = format::verify(&path).await.unwrap_err();
        assert!(matches!(e, BackupError::Damaged { .. }), "{what}: {e}");
    }
    // A file cut in the middle of a line.
    let path = dir.path().join("cut.jsonl");
    write_sample(&path, false).await;
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    assert!(matches!(format::verify(&path).await, Err(BackupError::Damaged { .. })));
    // A gzip file cut short fails as damaged, not as an I/O error.
    let path = dir.path().join("cut.jsonl.gz");
    write_sample(&path, true).await;
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 12]).unwrap();
    assert!(matches!(format::verify(&path).await, Err(BackupError::Damaged { .. })));
    // Not a backup at all; a newer format.
    let path = dir.path().join("other.txt");
    std::fs::write(&path, "hello\n").unwrap();
    assert!(matches!(format::sniff(&path).await, Err(BackupError::NotABackup { .. })));
    let path = dir.path().join("newer.jsonl");
    write_sample(&path, false).await;
    rewrite(&path, |l| l[0] = l[0].replace("\"version\":1", "\"version\":2"));
    assert!(matches!(format::verify(&path).await, Err(BackupError::NotABackup { .. })));
}

#[test]
fn tables_come_after_those_they_refer_to() {
    let tables = ids(&["accounts", "grants", "members", "membership_events", "units"]);
    let refs = [
        ("grants", "accounts"),
        ("grants", "units"),
        ("accounts", "members"),
        ("membership_events", "members"),
        ("membership_events", "units"),
        ("membership_events", "membership_events"),
    ]
    .map(|(child, parent)| Reference { child: child.into(), parent: parent.into() });
    let order: Vec<String> = dependency_order(&tables, &refs).unwrap().iter().map(ToString::to_string).collect();
    assert_eq!(order, ["members", "units", "accounts", "membership_events", "grants"]);
    let cycle = [("a", "b"), ("b", "a")].map(|(child, parent)| Reference { child: child.into(), parent: parent.into() });
    assert!(dependency_order(&ids(&["a", "b", "c"]), &cycle).unwrap_err().contains("a, b"));
}

#[test]
fn a_partial_file_sits_next_to_the_final_one() {
    let p = partial_path(Path::new("/var/backups/dangvu-2026-12-03.jsonl.gz")).unwrap();
    assert_eq!(p.parent(), Some(Path::new("/var/backups")));
    assert!(p.file_name().unwrap().to_string_lossy().starts_with(".dangvu-2026-12-03.jsonl.gz.partial-"));
    assert!(partial_path(Path::new("/")).is_err());
}

/// An engine that knows schema version 7 and must never be asked to open anything.
struct Untouchable(crate::db::Engine);

#[async_trait::async_trait]
impl super::BackupEngine for Untouchable {
    fn engine(&self) -> crate::db::Engine {
        self.0
    }
    fn latest_schema(&self) -> i64 {
        7
    }
    fn file(&self, location: &str) -> Option<std::path::PathBuf> {
        Some(location.into())
    }
    async fn open_as_is(&self, location: &str) -> Result<std::sync::Arc<dyn crate::db::Database>, crate::db::DbError> {
        panic!("opened {location}: the file should have been refused first")
    }
    async fn migrate(&self, location: &str, _: Option<i64>) -> Result<(), crate::db::DbError> {
        panic!("migrated {location}: the file should have been refused first")
    }
}

#[tokio::test]
async fn a_backup_from_a_newer_schema_or_the_other_engine_is_refused_before_the_target_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.jsonl");
    let mut h = header(&[0]);
    h.schema_version = 8;
    let mut out = Writer::create(&path, false).unwrap();
    out.header(&h);
    out.begin_table("t0");
    out.end_table("t0");
    out.finish().await.unwrap();
    let e = super::restore(&Untouchable(crate::db::Engine::Postgres), &path, "postgres://nowhere/x").await.unwrap_err();
    assert!(matches!(e, BackupError::NewerSchema { backup: 8, supported: 7 }), "{e}");
    assert!(e.to_string().contains("mới hơn"), "{e}");
    let e = super::restore(&Untouchable(crate::db::Engine::Sqlite), &path, "x.sqlite3").await.unwrap_err();
    assert!(matches!(e, BackupError::EngineMismatch { backup: "PostgreSQL", target: "SQLite" }), "{e}");
}
