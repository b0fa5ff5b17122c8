//! `dangvu backup` and `dangvu restore`: a consistent copy of the whole database while it serves,
//! and its restore into an empty database of the same engine (`storage::backup`,
//! docs/formats/backup.md). A refusal prints why and exits with its own status:
//!
//! | status | meaning |
//! |---|---|
//! | 1 | any other failure (the database cannot be reached, a file cannot be written…) |
//! | 3 | the output file exists (and `--force` was not given) |
//! | 4 | the target database is not empty, or has a newer schema than the backup |
//! | 5 | the backup is of the other engine |
//! | 6 | the backup was made by a newer schema than this program knows |
//! | 7 | the file is not a dangvu backup, or is damaged |

use std::path::{Path, PathBuf};
use std::time::Instant;

use storage::backup::{self, BackupEngine, BackupError, BackupOptions, TableRows};

use web::format::number;

use crate::config::{Config, Settings};

#[derive(clap::Args)]
pub struct BackupArgs {
    /// The database to back up: `postgres://…`, otherwise a SQLite file path or `sqlite:` URL.
    #[arg(long, env = "DANGVU_DATABASE")]
    database: Option<String>,
    /// The file to write. SQLite: a copy of the database file; PostgreSQL: dangvu's portable
    /// format, gzip-compressed when the name ends in `.gz`.
    #[arg(long)]
    output: PathBuf,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
}

#[derive(clap::Args)]
pub struct RestoreArgs {
    /// The empty database to restore into: a PostgreSQL database just created, or a SQLite file
    /// that does not exist yet (or holds an empty database).
    #[arg(long, env = "DANGVU_DATABASE")]
    database: Option<String>,
    /// The backup file, written by `dangvu backup` from a database of the same engine.
    #[arg(long)]
    input: PathBuf,
}

fn engine_for(location: &str) -> &'static dyn BackupEngine {
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        &storage_postgres::PostgresEngine
    } else {
        &storage_sqlite::SqliteEngine
    }
}

pub async fn run_backup(args: BackupArgs, file: &Config) {
    let location = Settings::resolve(args.database, None, file).database;
    let started = Instant::now();
    let options = BackupOptions { force: args.force, now: chrono::Utc::now() };
    match backup::backup(engine_for(&location), &location, &args.output, &options).await {
        Ok(s) => {
            println!(
                "Đã sao lưu vào {}: {}, {} bảng, {} dòng, cấu trúc phiên bản {}, trong {:.1} giây.",
                s.path.display(),
                size(s.bytes),
                s.tables.len(),
                number(s.rows()),
                s.schema_version,
                started.elapsed().as_secs_f64()
            );
            print_tables(&s.tables);
        }
        Err(e) => fail(&e, &args.output),
    }
}

pub async fn run_restore(args: RestoreArgs, file: &Config) {
    let location = Settings::resolve(args.database, None, file).database;
    let engine = engine_for(&location);
    if let Some(dir) = engine.file(&location).as_deref().and_then(Path::parent).filter(|d| !d.as_os_str().is_empty())
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        fail(&BackupError::Io { path: dir.to_owned(), source: e }, &args.input);
    }
    let started = Instant::now();
    match backup::restore(engine, &args.input, &location).await {
        Ok(s) => {
            println!(
                "Đã khôi phục bản sao lưu lúc {} vào {}: {} bảng, {} dòng, cấu trúc phiên bản {} (nay {}), trong {:.1} giây.",
                s.created_at,
                location,
                s.tables.len(),
                number(s.rows()),
                s.schema_version,
                s.migrated_to,
                started.elapsed().as_secs_f64()
            );
            print_tables(&s.tables);
        }
        Err(e) => fail(&e, &args.input),
    }
}

fn print_tables(tables: &[TableRows]) {
    for t in tables.iter().filter(|t| t.rows > 0) {
        println!("  {:<24} {:>12}", t.table, number(t.rows));
    }
}

/// Prints why, with a hint where one helps, and exits with the refusal's status.
fn fail(e: &BackupError, file: &Path) -> ! {
    let hint = match e {
        BackupError::OutputExists(_) => " (thêm --force để ghi đè)".to_owned(),
        BackupError::TargetNotEmpty { .. } | BackupError::TargetNewer { .. } => {
            " (PostgreSQL: CREATE DATABASE một cơ sở dữ liệu mới; SQLite: một tệp chưa có)".to_owned()
        }
        BackupError::Damaged { .. } => format!(" (không có gì được ghi; hãy dùng một bản sao lưu khác thay cho {})", file.display()),
        _ => String::new(),
    };
    eprintln!("lỗi: {e}{hint}");
    std::process::exit(exit_status(e));
}

fn exit_status(e: &BackupError) -> i32 {
    match e {
        BackupError::OutputExists(_) => 3,
        BackupError::TargetNotEmpty { .. } | BackupError::TargetNewer { .. } => 4,
        BackupError::EngineMismatch { .. } => 5,
        BackupError::NewerSchema { .. } => 6,
        BackupError::NotABackup { .. } | BackupError::Damaged { .. } => 7,
        BackupError::MissingDatabase(_) | BackupError::Unsupported(_) | BackupError::Io { .. } | BackupError::Database(_) => 1,
    }
}

/// `12,3 MB`, `850 kB`, `512 byte`.
fn size(bytes: u64) -> String {
    const UNITS: [(&str, f64); 3] = [("GB", 1e9), ("MB", 1e6), ("kB", 1e3)];
    for (unit, scale) in UNITS {
        let value = bytes as f64 / scale;
        if value >= 1.0 {
            return format!("{} {unit}", format!("{value:.1}").replace('.', ","));
        }
    }
    format!("{bytes} byte")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_the_vietnamese_way() {
        assert_eq!(size(512), "512 byte");
        assert_eq!(size(850_000), "850,0 kB");
        assert_eq!(size(12_345_678), "12,3 MB");
    }
}
