//! Backup and restore on both engines: a generated register backed up and restored into an empty
//! database answers the same reports, lists, records, accounts and audit chain; a non-empty
//! target, a damaged file and the other engine's backup are refused with nothing written. On
//! SQLite, a backup taken while another task keeps writing holds a consistent prefix of the writes.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use chrono::{NaiveDate, TimeZone, Utc};
use conformance::{Engine, TestStore, on_both_engines};
use domain::access::{Grant, Role};
use domain::stats::{AgeBands, Structure};
use storage::backup::{self, BackupEngine, BackupError, BackupOptions};
use storage::prelude::*;
use storage::{MemberQuery, NewAccount, Period, ReportRequest, SqlStore, StatusFilter};
use storage_postgres::{PostgresDatabase, PostgresEngine};
use storage_sqlite::{SqliteDatabase, SqliteEngine};

use crate::fixtures::*;

on_both_engines!(a_restored_database_answers_as_the_original);

fn engine(e: Engine) -> &'static dyn BackupEngine {
    match e {
        Engine::Sqlite => &SqliteEngine,
        Engine::Postgres => &PostgresEngine,
    }
}

fn options(force: bool) -> BackupOptions {
    BackupOptions { force, now: Utc.with_ymd_and_hms(2026, 11, 25, 4, 0, 0).unwrap() }
}

/// An empty database to restore into: a SQLite path with no file yet, or a PostgreSQL database
/// just created (never migrated), dropped at the end.
struct Target {
    location: String,
    pg: Option<(String, String)>,
}

static TARGETS: AtomicUsize = AtomicUsize::new(0);

impl Target {
    async fn new(t: &TestStore, dir: &Path) -> Target {
        let n = TARGETS.fetch_add(1, Ordering::SeqCst);
        match t.engine {
            Engine::Sqlite => Target { location: dir.join(format!("restored-{n}.sqlite3")).to_string_lossy().into_owned(), pg: None },
            Engine::Postgres => {
                let admin = conformance::postgres_admin_url().unwrap();
                let name = format!("dangvu_restore_{}_{n}", std::process::id());
                let location = storage_postgres::create_database(&admin, &name).await.unwrap();
                Target { location, pg: Some((admin, name)) }
            }
        }
    }

    async fn open(&self, e: Engine) -> Arc<SqlStore> {
        let db: Arc<dyn storage::db::Database> = match e {
            Engine::Sqlite => Arc::new(SqliteDatabase::open(&self.location).await.unwrap()),
            Engine::Postgres => Arc::new(PostgresDatabase::open(&self.location).await.unwrap()),
        };
        Arc::new(SqlStore::open(db).await.unwrap())
    }

    async fn drop_it(self) {
        if let Some((admin, name)) = self.pg {
            storage_postgres::drop_database(&admin, &name).await.unwrap();
        }
    }
}

/// Every member of the register (all statuses), in register order.
async fn all_members(s: &dyn Store, today: NaiveDate) -> Vec<storage::MemberListItem> {
    let mut q = MemberQuery { status: StatusFilter::All, per_page: 500, ..MemberQuery::new(today) };
    let mut out = Vec::new();
    loop {
        let page = s.find_members(&q).await.unwrap();
        let full = page.items.len() == q.per_page;
        out.extend(page.items);
        if !full {
            return out;
        }
        q.page += 1;
    }
}

/// What the two stores must answer alike, as JSON (the reports are compared whole).
async fn answers(s: &dyn Store, today: NaiveDate) -> Vec<serde_json::Value> {
    let province = s.children(None, today).await.unwrap()[0].unit.id;
    let mut out = Vec::new();
    for on in [today, d(2025, 6, 30), d(2019, 12, 31)] {
        let request = ReportRequest { unit: province, when: on, structure: Structure::OfDate, today };
        out.push(serde_json::to_value(s.counts_report(request, &AgeBands::default()).await.unwrap()).unwrap());
    }
    for (first, last) in [(d(2025, 1, 1), d(2025, 12, 31)), (d(2020, 1, 1), today)] {
        for structure in [Structure::OfDate, Structure::Current] {
            let request = ReportRequest { unit: province, when: Period { first, last }, structure, today };
            out.push(serde_json::to_value(s.movement_report(request).await.unwrap()).unwrap());
            out.push(serde_json::to_value(s.admission_report(request).await.unwrap()).unwrap());
        }
    }
    let members = all_members(s, today).await;
    for m in members.iter().step_by(37) {
        out.push(serde_json::to_value(s.member(m.id).await.unwrap()).unwrap());
    }
    out.push(serde_json::to_value(&members).unwrap());
    let accounts = s.accounts("", 1000).await.unwrap();
    let ids: Vec<i64> = accounts.iter().map(|a| a.id).collect();
    out.push(serde_json::to_value(&accounts).unwrap());
    out.push(serde_json::to_value(s.grants_of(&ids, today).await.unwrap()).unwrap());
    for id in ids {
        out.push(serde_json::to_value(s.tokens_of(id).await.unwrap()).unwrap());
    }
    out.push(serde_json::to_value(s.verify_audit().await.unwrap()).unwrap());
    out
}

async fn a_restored_database_answers_as_the_original(t: &TestStore) {
    let s = t.store.as_ref();
    let today = d(2026, 11, 25);
    datagen::generate(s, &datagen::Options { members: 300, seed: 11, today }).await.unwrap();
    datagen::admission::generate_cases(s, 20, 11, today, &ctx()).await.unwrap();
    let province = s.children(None, today).await.unwrap()[0].unit.id;
    let account = NewAccount {
        username: "thu.ky".into(),
        display_name: "Nguyễn Thị Thu".into(),
        password_hash: "argon2-hash".into(),
        member: None,
        must_change_password: false,
        grants: vec![Grant { role: Role::OrgBoardStaff, unit: Some(province) }, Grant { role: Role::Admin, unit: None }],
    };
    let id = s.create_account(&ctx(), account).await.unwrap();
    s.create_token(&ctx(), id, "Báo cáo", "digest-1").await.unwrap();
    let fields = domain::documents::DocumentFields {
        kind: "huong-dan",
        issued_on: "01/03/2026",
        issuer: "Ban Tổ chức Tỉnh ủy",
        title: "Hướng dẫn sinh hoạt chi bộ",
        ..Default::default()
    };
    s.create_document(&ctx(), province, domain::documents::DocumentInput::parse(&fields).unwrap()).await.unwrap();
    let before = answers(s, today).await;
    let chain = s.verify_audit().await.unwrap();
    assert!(chain.problems.is_empty() && chain.entries > 0, "{chain:?}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(if t.engine == Engine::Sqlite { "backup.sqlite3" } else { "backup.jsonl.gz" });
    let e = engine(t.engine);
    let summary = backup::backup(e, &t.location, &file, &options(false)).await.unwrap();
    assert_eq!(summary.engine, t.store.engine());
    assert_eq!(summary.schema_version, e.latest_schema());
    assert!(summary.bytes > 0 && summary.bytes == std::fs::metadata(&file).unwrap().len());
    let rows = |table: &str| summary.tables.iter().find(|r| r.table == table).map(|r| r.rows);
    assert_eq!(rows("members"), Some(all_members(s, today).await.len() as u64));
    assert_eq!(rows("audit_log"), Some(chain.entries as u64));
    assert_eq!(rows("_sqlx_migrations"), None, "the bookkeeping of migrations stays each database's own");
    // An existing file is kept unless asked.
    assert!(matches!(backup::backup(e, &t.location, &file, &options(false)).await, Err(BackupError::OutputExists(_))));
    backup::backup(e, &t.location, &file, &options(true)).await.unwrap();

    let target = Target::new(t, dir.path()).await;
    let restored = backup::restore(e, &file, &target.location).await.unwrap();
    assert_eq!((restored.schema_version, restored.migrated_to), (summary.schema_version, e.latest_schema()));
    assert_eq!(restored.tables, summary.tables);
    let copy = target.open(t.engine).await;
    let after = answers(copy.as_ref(), today).await;
    assert_eq!(after.len(), before.len());
    for (a, b) in after.iter().zip(&before) {
        assert_eq!(a, b);
    }
    // The search index is rebuilt from the rows restored, never copied.
    let found = copy.library(province, "sinh hoat", false, today).await.unwrap();
    assert_eq!(found.iter().map(|d| d.title.as_str()).collect::<Vec<_>>(), ["Hướng dẫn sinh hoạt chi bộ"]);
    let copied_chain = copy.verify_audit().await.unwrap();
    assert!(copied_chain.problems.is_empty() && copied_chain.last_hash == chain.last_hash, "{copied_chain:?}");
    // The restored database goes on: new ids after the restored ones, new entries on the chain.
    let next = copy
        .create_account(
            &ctx(),
            NewAccount {
                username: "moi".into(),
                display_name: "Mới".into(),
                password_hash: "h".into(),
                member: None,
                must_change_password: true,
                grants: vec![],
            },
        )
        .await
        .unwrap();
    assert!(next > id);
    assert!(copy.verify_audit().await.unwrap().problems.is_empty());
    drop(copy);

    // Refusals, each leaving the target as it was.
    let again = backup::restore(e, &file, &target.location).await.unwrap_err();
    assert!(matches!(again, BackupError::TargetNotEmpty { .. }), "{again}");
    let other: &dyn BackupEngine = if t.engine == Engine::Sqlite { &PostgresEngine } else { &SqliteEngine };
    let mismatch = backup::restore(other, &file, "postgres://127.0.0.1:1/nowhere").await.unwrap_err();
    assert!(matches!(mismatch, BackupError::EngineMismatch { .. }), "{mismatch}");
    let damaged = damage(t.engine, e, &t.location, dir.path()).await;
    let empty = Target::new(t, dir.path()).await;
    let refused = backup::restore(e, &damaged, &empty.location).await.unwrap_err();
    assert!(matches!(refused, BackupError::Damaged { .. }), "{refused}");
    match t.engine {
        Engine::Sqlite => assert!(!Path::new(&empty.location).exists(), "nothing written"),
        Engine::Postgres => {
            let db = PostgresDatabase::open_as_is(&empty.location).await.unwrap();
            let mut conn = storage::db::Database::reader(&db).await.unwrap();
            let tables = conn.query(&"SELECT COUNT(*) AS n FROM pg_tables WHERE schemaname = 'public'".into(), vec![]).await.unwrap();
            assert_eq!(tables[0].i64("n").unwrap(), 0, "nothing written");
            drop(conn);
            storage::db::Database::close(&db).await;
        }
    }
    // An empty database this program already migrated (the rows its migrations seed are
    // replaced by the backup's) is a target too.
    e.migrate(&empty.location, None).await.unwrap();
    backup::restore(e, &file, &empty.location).await.unwrap();
    let copy = empty.open(t.engine).await;
    assert!(answers(copy.as_ref(), today).await == before, "the same answers");
    drop(copy);
    empty.drop_it().await;
    target.drop_it().await;
}

/// A backup whose members named Nguyễn became Mguyễn inside it: still a well-formed file (only
/// the checksums notice). Every occurrence is changed: in a SQLite file the first one may lie in
/// space no row uses any more.
async fn damage(engine_kind: Engine, e: &dyn BackupEngine, location: &str, dir: &Path) -> PathBuf {
    let file = dir.join(if engine_kind == Engine::Sqlite { "damaged.sqlite3" } else { "damaged.jsonl" });
    backup::backup(e, location, &file, &options(false)).await.unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    let needle = "Nguyễn".as_bytes();
    let mut changed = 0;
    for at in 0..bytes.len().saturating_sub(needle.len()) {
        if bytes[at..].starts_with(needle) {
            bytes[at] = b'M';
            changed += 1;
        }
    }
    assert!(changed > 0, "generated registers have members named Nguyễn");
    std::fs::write(&file, bytes).unwrap();
    file
}

/// Accounts written one by one while the backup runs: the copy holds the first k of them, each
/// with its audit entry, the chain verifying, and nothing of the later ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_backup_taken_while_writing_holds_a_prefix_of_the_writes() {
    let t = conformance::fresh(Engine::Sqlite).await.unwrap();
    let today = d(2026, 11, 25);
    datagen::generate(t.store.as_ref(), &datagen::Options { members: 100, seed: 3, today }).await.unwrap();
    let written = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, written, stop) = (t.store.clone(), written.clone(), stop.clone());
        tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                let new = NewAccount {
                    username: format!("tk{i:05}"),
                    display_name: format!("Tài khoản {i}"),
                    password_hash: "h".into(),
                    member: None,
                    must_change_password: true,
                    grants: vec![],
                };
                store.create_account(&ctx(), new).await.unwrap();
                i += 1;
                written.store(i, Ordering::SeqCst);
            }
        })
    };
    while written.load(Ordering::SeqCst) < 20 {
        tokio::task::yield_now().await;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("online.sqlite3");
    let during = written.load(Ordering::SeqCst);
    backup::backup(&SqliteEngine, &t.location, &file, &options(false)).await.unwrap();
    let ended = written.load(Ordering::SeqCst);
    while written.load(Ordering::SeqCst) < ended + 10 {
        tokio::task::yield_now().await;
    }
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    let total = written.load(Ordering::SeqCst);

    // The copy restores (integrity_check and checksums pass) and opens.
    let target = dir.path().join("restored.sqlite3").to_string_lossy().into_owned();
    backup::restore(&SqliteEngine, &file, &target).await.unwrap();
    let copy = SqlStore::open(Arc::new(SqliteDatabase::open(&target).await.unwrap())).await.unwrap();
    let names: Vec<String> =
        copy.accounts("", 100_000).await.unwrap().into_iter().map(|a| a.username).filter(|u| u.starts_with("tk0")).collect();
    let k = names.len();
    assert!(k >= during && k <= ended && k < total, "{during} ≤ {k} ≤ {ended} < {total}");
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, (0..k).map(|i| format!("tk{i:05}")).collect::<Vec<_>>(), "the first k accounts, none missing");
    let chain = copy.verify_audit().await.unwrap();
    assert!(chain.problems.is_empty(), "{chain:?}");
    let original = t.store.audit_entries(&storage::AuditQuery { limit: 1_000_000, ..Default::default() }).await.unwrap();
    let creations = |entries: &[storage::AuditEntry]| entries.iter().filter(|e| e.action == "account.create").count();
    let copied = copy.audit_entries(&storage::AuditQuery { limit: 1_000_000, ..Default::default() }).await.unwrap();
    assert_eq!(creations(&copied), k, "each account with its audit entry");
    assert_eq!(creations(&original), total);
}
