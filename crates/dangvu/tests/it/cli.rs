//! The account, token and audit commands of the real binary against a fresh database of either
//! engine, including `audit verify` catching an entry changed or removed behind the store's back.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use conformance::{Engine, TestStore};
use storage::prelude::*;

/// Where the binary connects: a `sqlite://` URL for the SQLite file, the URL for PostgreSQL.
pub(crate) fn database(t: &TestStore) -> String {
    match t.engine {
        Engine::Sqlite => format!("sqlite://{}", t.location),
        Engine::Postgres => t.location.clone(),
    }
}

/// Runs `dangvu <args> --database <db>`, feeding `stdin` when given.
pub(crate) fn dangvu(db: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dangvu"))
        .args(args)
        .arg("--database")
        .arg(db)
        .current_dir(env!("CARGO_TARGET_TMPDIR"))
        .env_remove("DANGVU_CONFIG")
        .env_remove("DANGVU_DATABASE")
        .env("RUST_LOG", "warn")
        .env("USER", "tester")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dangvu");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).expect("write stdin");
    }
    drop(input);
    child.wait_with_output().expect("dangvu output")
}

pub(crate) fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Runs and expects success; returns stdout and stderr together.
pub(crate) fn ok(db: &str, args: &[&str], stdin: Option<&str>) -> String {
    let o = dangvu(db, args, stdin);
    let t = text(&o);
    assert!(o.status.success(), "dangvu {args:?} failed: {t}");
    t
}

/// Runs SQL on the test database directly (as somebody with database access would).
async fn tamper(t: &TestStore, sqlite: &'static str, postgres: &'static str) {
    match t.engine {
        Engine::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", t.location)).await.expect("connect sqlite");
            sqlx::raw_sql(sqlite).execute(&pool).await.expect("tamper sqlite");
            pool.close().await;
        }
        Engine::Postgres => {
            let pool = sqlx::PgPool::connect(&t.location).await.expect("connect postgres");
            sqlx::raw_sql(postgres).execute(&pool).await.expect("tamper postgres");
            pool.close().await;
        }
    }
}

// The command runs with the real clock, so the test compares with it (clippy.toml
// `disallowed-methods`).
#[allow(clippy::disallowed_methods)]
async fn accounts_tokens_and_a_changed_entry(t: &TestStore) {
    let db = database(t);
    let today = storage::vietnam_today(chrono::Utc::now());
    ok(&db, &["generate", "--members", "300", "--seed", "3"], None);
    let root = t.store.children(None, today).await.expect("roots").remove(0).unit;

    let out = ok(
        &db,
        &[
            "user",
            "add",
            "--username",
            "Thu.Ky",
            "--name",
            "Nguyễn Thị Thu",
            "--admin",
            "--role",
            "org-staff",
            "--unit",
            &root.code,
            "--password-stdin",
        ],
        Some("mat-khau-that-dai-2026\n"),
    );
    assert!(out.contains("Created account thu.ky"), "{out}");
    let weak = dangvu(&db, &["user", "add", "--username", "yeu", "--name", "Yếu", "--password-stdin"], Some("short\n"));
    assert!(!weak.status.success(), "a short password is refused: {}", text(&weak));
    let out = ok(&db, &["user", "add", "--username", "can.bo", "--name", "Trần Văn Bộ"], None);
    assert!(out.contains("must be changed at first login"), "{out}");
    let bad = dangvu(&db, &["user", "add", "--username", "x.y", "--name", "X", "--role", "leader", "--unit", "NO.SUCH.UNIT"], None);
    assert!(!bad.status.success() && text(&bad).contains("NO.SUCH.UNIT"), "{}", text(&bad));

    let out = ok(&db, &["user", "grant", "--username", "can.bo", "--role", "inspector", "--unit", &root.code.to_lowercase()], None);
    assert!(out.contains(&format!("inspector@{}", root.code)), "{out}");
    let list = ok(&db, &["user", "list"], None);
    assert!(list.contains("thu.ky") && list.contains("Nguyễn Thị Thu") && list.contains("can.bo"), "{list}");
    assert!(list.contains(&format!("org-staff@{}", root.code)) && list.contains("admin ["), "{list}");
    let (account, _) = t.store.account_for_login("can.bo").await.expect("read").expect("account");
    assert!(account.must_change_password);
    let grant = t.store.grants(account.id, today).await.expect("grants").remove(0);
    ok(&db, &["user", "revoke", "--username", "can.bo", "--grant", &grant.id.to_string()], None);
    assert!(t.store.grants(account.id, today).await.expect("grants").is_empty());
    ok(&db, &["user", "disable", "--username", "can.bo"], None);
    assert!(t.store.account(account.id).await.expect("account").disabled);
    ok(&db, &["user", "enable", "--username", "can.bo"], None);
    ok(&db, &["user", "reset-2fa", "--username", "can.bo"], None);
    let out = ok(&db, &["user", "passwd", "--username", "thu.ky"], None);
    assert!(out.contains("must be changed"), "{out}");
    assert!(t.store.account_for_login("thu.ky").await.expect("read").expect("account").0.must_change_password);

    let out = ok(&db, &["token", "create", "--username", "thu.ky", "--name", "báo cáo quý"], None);
    let token = out.lines().find(|l| l.starts_with("dv_")).unwrap_or_else(|| panic!("no token printed: {out}"));
    assert_eq!(token.len(), 55);
    assert!(t.store.token(&auth::token::digest(token), chrono::Utc::now()).await.expect("token").is_some());
    let out = ok(&db, &["token", "list", "--username", "thu.ky"], None);
    assert!(out.contains("báo cáo quý"), "{out}");

    let out = ok(&db, &["audit", "verify"], None);
    assert!(out.contains("audit trail intact:"), "{out}");
    let csv = ok(&db, &["audit", "export", "--action", "account."], None);
    assert!(csv.starts_with("seq,at,actor,account_id,client,request_id,action,object_kind,object_id,details,hash\r\n"), "{csv}");
    assert!(csv.contains(",cli:tester,,,,account.create,account,"), "{csv}");
    let json = ok(&db, &["audit", "export", "--format", "json", "--actor", "cli"], None);
    let first: serde_json::Value = serde_json::from_str(json.lines().next().expect("a line")).expect("json line");
    assert_eq!(first["action"], "data.generate");

    tamper(
        t,
        "DROP TRIGGER audit_log_append_only_update; UPDATE audit_log SET actor = 'x' WHERE seq = 1;",
        "DROP TRIGGER audit_log_append_only_update ON audit_log; UPDATE audit_log SET actor = 'x' WHERE seq = 1;",
    )
    .await;
    let o = dangvu(&db, &["audit", "verify"], None);
    assert!(!o.status.success(), "a changed entry must fail verification: {}", text(&o));
    assert!(text(&o).contains("mục 1:"), "{}", text(&o));
}

async fn a_removed_newest_entry(t: &TestStore) {
    let db = database(t);
    ok(&db, &["user", "add", "--username", "mot", "--name", "Một", "--admin"], None);
    ok(&db, &["user", "add", "--username", "hai", "--name", "Hai", "--admin"], None);
    assert!(ok(&db, &["audit", "verify"], None).contains("audit trail intact"));
    tamper(
        t,
        "DROP TRIGGER audit_log_append_only_delete; DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log);",
        "DROP TRIGGER audit_log_append_only_delete ON audit_log; DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log);",
    )
    .await;
    let o = dangvu(&db, &["audit", "verify"], None);
    assert!(!o.status.success(), "a removed entry must fail verification: {}", text(&o));
    assert!(text(&o).contains("các mục cuối đã bị xóa"), "{}", text(&o));
}

conformance::on_both_engines!(accounts_tokens_and_a_changed_entry, a_removed_newest_entry);
