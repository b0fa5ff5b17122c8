//! `dangvu import` on both engines: the committed fixtures (a workbook written as Excel writes,
//! the same saved by LibreOffice as .xlsx and .ods, CSV in UTF-8 with BOM and in Windows-1258)
//! import with their per-row reports, and re-importing any of them changes nothing; a kill -9 in
//! the middle of an import leaves nothing of it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use conformance::TestStore;
use storage::prelude::*;
use storage::{MemberQuery, StatusFilter};

use crate::cli::{dangvu, database, ok, text};

conformance::on_both_engines!(fixtures_import_and_reimport_changes_nothing, a_killed_import_leaves_nothing);

fn fixture(name: &str) -> String {
    format!("{}/../sheets/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

// The command runs with the real clock.
#[allow(clippy::disallowed_methods)]
fn today() -> chrono::NaiveDate {
    storage::vietnam_today(chrono::Utc::now())
}

/// A commune of the generated register (its code), where the file's units go.
async fn a_commune(t: &TestStore) -> String {
    let root = t.store.children(None, today()).await.expect("roots").remove(0).unit;
    let units = t.store.subtree(root.id, today()).await.expect("subtree");
    units.into_iter().find(|u| u.kind == domain::unit::UnitKind::Commune).expect("a commune").code
}

async fn members(t: &TestStore) -> usize {
    let q = MemberQuery { status: StatusFilter::All, per_page: 1, ..MemberQuery::new(today()) };
    t.store.find_members(&q).await.expect("members").total
}

async fn fixtures_import_and_reimport_changes_nothing(t: &TestStore) {
    let db = database(t);
    ok(&db, &["generate", "--members", "200", "--seed", "5"], None);
    let commune = a_commune(t).await;
    let before = members(t).await;

    // The dry run of each workbook says the same and writes nothing.
    for file in ["register.xlsx", "register-libreoffice.xlsx", "register-libreoffice.ods"] {
        let out = ok(&db, &["import", &fixture(file), "--under", &commune], None);
        assert!(out.contains("Sẽ tạo 4 tổ chức"), "{file}: {out}");
        assert!(out.contains("Sẽ tạo 17 đảng viên"), "{file}: {out}");
        assert!(out.contains("3 bị từ chối"), "{file}: {out}");
        assert!(out.contains("Dòng 13, cột “Ngày sinh”: Ngày sinh sau hôm nay không hợp lệ."), "{file}: {out}");
        assert!(out.contains("Dòng 14, cột “Chi bộ”: Không tìm thấy chi bộ “Chi bộ thôn Bắc”"), "{file}: {out}");
        assert!(out.contains("đã khôi phục thành 001090001234"), "{file}: {out}");
        assert!(out.contains("Chạy thử: chưa ghi gì."), "{file}: {out}");
    }
    assert_eq!(members(t).await, before);

    // The apply writes the 17 (the refused rows are named, the exit code says some were left out).
    let o = dangvu(&db, &["import", &fixture("register.xlsx"), "--under", &commune, "--apply"], None);
    let out = text(&o);
    assert!(out.contains("Đã tạo 4 tổ chức") && out.contains("Đã tạo 17 đảng viên"), "{out}");
    assert!(!o.status.success(), "refused rows make the exit code non-zero: {out}");
    assert_eq!(members(t).await, before + 17);

    // Every other shape of the same register, applied: nothing changes.
    for file in
        ["register.xlsx", "register-libreoffice.xlsx", "register-libreoffice.ods", "register-utf8-bom.csv", "register-windows-1258.csv"]
    {
        let out = text(&dangvu(&db, &["import", &fixture(file), "--under", &commune, "--apply"], None));
        assert!(out.contains("Đã tạo 0 đảng viên, cập nhật 0, 17 không đổi, 0 có thay đổi đề xuất"), "{file}: {out}");
        assert!(out.contains("Đã tạo 0 tổ chức"), "{file}: {out}");
        if file.ends_with(".csv") {
            assert!(out.contains(if file.contains("1258") { "mã Windows-1258" } else { "mã UTF-8 có BOM" }), "{file}: {out}");
        }
    }
    assert_eq!(members(t).await, before + 17);
}

/// A CSV of `n` members in the chi bộ `cells` (codes), in the importer's columns.
fn big_csv(n: usize, cells: &[String]) -> String {
    let mut s = String::from("Họ và tên,Ngày sinh,Giới tính,Dân tộc,Tôn giáo,Số CCCD,Ngày vào Đảng,Ngày chính thức,Chi bộ\n");
    const WORDS: [&str; 10] = ["An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Khánh", "Long", "Minh", "Nam"];
    for i in 0..n {
        let cell = &cells[i % cells.len()];
        let name = format!("Nguyễn {} {}", WORDS[i % 10], WORDS[(i / 10) % 10]);
        s.push_str(&format!("{name},15/01/1980,Nam,Kinh,Không,0010800{i:05},19/05/2005,19/05/2006,{cell}\n"));
    }
    s
}

async fn a_killed_import_leaves_nothing(t: &TestStore) {
    let db = database(t);
    ok(&db, &["generate", "--members", "200", "--seed", "6"], None);
    let root = t.store.children(None, today()).await.expect("roots").remove(0).unit;
    let cells: Vec<String> =
        t.store.subtree(root.id, today()).await.expect("subtree").into_iter().filter(|u| u.kind.holds_members()).map(|u| u.code).collect();
    let before = members(t).await;
    // One file per engine: both run at once in this process.
    let path = format!("{}/killed-import-{}-{:?}.csv", env!("CARGO_TARGET_TMPDIR"), std::process::id(), t.engine);
    std::fs::File::create(&path).and_then(|mut f| f.write_all(big_csv(30_000, &cells).as_bytes())).expect("write csv");

    let mut child = Command::new(env!("CARGO_BIN_EXE_dangvu"))
        .args(["import", &path, "--apply", "--database", &db])
        .current_dir(env!("CARGO_TARGET_TMPDIR"))
        .env_remove("DANGVU_CONFIG")
        .env_remove("DANGVU_DATABASE")
        .env("USER", "tester")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dangvu");
    // Wait until it is writing (the progress says "Ghi"), then kill it.
    let stderr = child.stderr.take().expect("stderr");
    let mut reader = BufReader::new(stderr);
    let mut seen = Vec::new();
    loop {
        let mut chunk = Vec::new();
        let n = reader.read_until(b'\r', &mut chunk).expect("read progress");
        assert!(n > 0, "the import ended before writing: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&chunk);
        if String::from_utf8_lossy(&chunk).contains("Ghi [") {
            break;
        }
    }
    child.kill().expect("kill -9");
    let status = child.wait().expect("wait");
    assert!(!status.success(), "killed, not finished");

    // Nothing of it: no member, no import row; the database opens and its trail verifies.
    let after = t.reopen().await;
    let q = MemberQuery { status: StatusFilter::All, per_page: 1, ..MemberQuery::new(today()) };
    assert_eq!(after.find_members(&q).await.expect("members").total, before);
    let out = ok(&db, &["audit", "verify"], None);
    assert!(!out.is_empty());
    // And the same file imports whole afterwards.
    let out = ok(&db, &["import", &path, "--apply"], None);
    assert!(out.contains("Đã tạo 30000 đảng viên"), "{out}");
    let _ = std::fs::remove_file(&path);
}
