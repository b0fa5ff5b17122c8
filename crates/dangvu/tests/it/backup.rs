//! `dangvu backup` and `dangvu restore` as an operator runs them, on either engine: a generated
//! register backed up and restored into an empty database whose audit trail verifies and whose
//! counts report equals the original's; each refusal with its own exit status and nothing written.

use std::path::Path;

use conformance::{Engine, TestStore};
use storage::prelude::*;

use crate::cli::{dangvu, database, ok, text};

/// A database to restore into: a SQLite file not made yet, or a PostgreSQL database just created.
async fn empty_target(t: &TestStore, dir: &Path, name: &str) -> (String, Option<(String, String)>) {
    match t.engine {
        Engine::Sqlite => (format!("sqlite://{}", dir.join(format!("{name}.sqlite3")).display()), None),
        Engine::Postgres => {
            let admin = conformance::postgres_admin_url().expect("postgres");
            let db = format!("dangvu_cli_{name}_{}", std::process::id());
            let url = storage_postgres::create_database(&admin, &db).await.expect("create database");
            (url, Some((admin, db)))
        }
    }
}

fn status(db: &str, args: &[&str]) -> (Option<i32>, String) {
    let o = dangvu(db, args, None);
    (o.status.code(), text(&o))
}

async fn backup_and_restore_from_the_command_line(t: &TestStore) {
    let db = database(t);
    ok(&db, &["generate", "--members", "200", "--seed", "4"], None);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join(if t.engine == Engine::Sqlite { "dangvu.sqlite3" } else { "dangvu.jsonl.gz" });
    let file = file.to_str().expect("utf-8 path");

    let out = ok(&db, &["backup", "--output", file], None);
    assert!(out.contains("Đã sao lưu vào") && out.contains("bảng") && out.contains("giây") && out.contains("membership_events"), "{out}");
    let (code, out) = status(&db, &["backup", "--output", file]);
    assert_eq!(code, Some(3), "an existing file is kept: {out}");
    assert!(out.contains("--force"), "{out}");
    ok(&db, &["backup", "--output", file, "--force"], None);

    let (target, pg) = empty_target(t, dir.path(), "restored").await;
    let out = ok(&target, &["restore", "--input", file], None);
    assert!(out.contains("Đã khôi phục") && out.contains("members"), "{out}");
    let verified = ok(&target, &["audit", "verify"], None);
    assert!(verified.contains("audit trail intact"), "{verified}");
    let original = ok(&db, &["audit", "verify"], None);
    let first_line = |s: &str| s.lines().next().unwrap_or_default().to_owned();
    assert_eq!(first_line(&verified), first_line(&original), "the same chain, up to the same hash");
    let on = chrono::NaiveDate::from_ymd_opt(2025, 6, 30).expect("date");
    let root = t.store.children(None, on).await.expect("roots").remove(0).unit.id.0.to_string();
    let counts = ["report", "counts", "--unit", root.as_str(), "--date", "2025-06-30"];
    assert_eq!(ok(&target, &counts, None), ok(&db, &counts, None));

    // Refusals: a target that is not empty, the other engine's backup, a damaged file.
    let (code, out) = status(&target, &["restore", "--input", file]);
    assert_eq!(code, Some(4), "{out}");
    let mut bytes = std::fs::read(file).expect("read backup");
    let needle = "Nguyễn".as_bytes();
    for at in 0..bytes.len().saturating_sub(needle.len()) {
        if bytes[at..].starts_with(needle) {
            bytes[at] = b'M';
        }
    }
    let damaged = dir.path().join("damaged");
    std::fs::write(&damaged, if t.engine == Engine::Sqlite { bytes } else { gunzip_changed(file) }).expect("write");
    let (fresh, fresh_pg) = empty_target(t, dir.path(), "fresh").await;
    let (code, out) = status(&fresh, &["restore", "--input", damaged.to_str().expect("utf-8")]);
    assert_eq!(code, Some(7), "{out}");
    assert!(out.contains("bị hỏng"), "{out}");
    let other = match t.engine {
        Engine::Sqlite => "postgres://127.0.0.1:1/nowhere".to_owned(),
        Engine::Postgres => format!("sqlite://{}", dir.path().join("other.sqlite3").display()),
    };
    let (code, out) = status(&other, &["restore", "--input", file]);
    assert_eq!(code, Some(5), "{out}");
    assert!(!dir.path().join("other.sqlite3").exists());
    for (admin, name) in [pg, fresh_pg].into_iter().flatten() {
        storage_postgres::drop_database(&admin, &name).await.expect("drop");
    }
}

/// The portable backup, uncompressed, with the members named Nguyễn renamed inside it.
fn gunzip_changed(file: &str) -> Vec<u8> {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(file).expect("open")).read_to_string(&mut text).expect("gunzip");
    text.replace("Nguyễn", "Mguyễn").into_bytes()
}

conformance::on_both_engines!(backup_and_restore_from_the_command_line);
