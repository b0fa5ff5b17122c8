//! The data-quality worklist over HTTP and from the command line: the page renders for a
//! commune's staff with their own lines only (another commune's records and chi bộ never
//! appear, its unit answers 404), the staff home links to it, the CSV and the API answer, bad
//! parameters are refused; `dangvu quality` prints the same lines as text or CSV.

use domain::access::{Grant, Role};
use domain::ids::UnitId;
use serde_json::json;
use storage::prelude::*;
use storage::{QualityQuery, StoreError};

use crate::cli::{dangvu, database, ok, text};
use crate::http_on_both_engines;
use crate::support::{self, App, PASSWORD, create_unit};

http_on_both_engines!(0; a_commune_sees_its_own_lines_on_the_page_the_csv_and_the_api);

/// A member admitted on 02/03/2026 whose ceremony is not recorded (due by 13/04/2026).
async fn without_ceremony(app: &App, name: &str, cccd: &str, cell: i64) -> i64 {
    let body = json!({
        "identity": {"full_name": name, "gender": "nu", "birth_date": "12/03/1995", "ethnicity": "kinh", "religion": "khong", "citizen_id": cccd},
        "profile": {"general_education": "thpt", "occupation": "vien-chuc"},
        "events": [{"kind": "ket-nap", "unit_id": cell, "decision_number": "21-QĐ/ĐU", "decision_date": "02/03/2026", "issuer": "Đảng ủy xã"}]
    });
    let (status, v) = app.post_json("/api/v1/members", &body).await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_i64().unwrap()
}

async fn a_commune_sees_its_own_lines_on_the_page_the_csv_and_the_api(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune_a = create_unit(app, "xa-phuong", "XA", "Đảng bộ xã An Phú", Some(province)).await;
    let commune_b = create_unit(app, "xa-phuong", "XB", "Đảng bộ xã Bình Minh", Some(province)).await;
    let cell_a = create_unit(app, "chi-bo-co-so", "XA1", "Chi bộ thôn Đông", Some(commune_a)).await;
    let cell_b = create_unit(app, "chi-bo-co-so", "XB1", "Chi bộ thôn Tây", Some(commune_b)).await;
    let in_a = without_ceremony(app, "Lương Thị Hạnh", "001195000101", cell_a).await;
    let in_b = without_ceremony(app, "Quách Thị Yến", "001195000102", cell_b).await;

    let staff =
        support::account(app.store.as_ref(), "canbo-an", vec![Grant { role: Role::OrgBoardStaff, unit: Some(UnitId(commune_a)) }], None)
            .await;
    let c = support::browser();
    assert_eq!(support::login(&app.base, &c, "canbo-an", PASSWORD).await.status().as_u16(), 303);
    let get = |path: &str| c.get(app.url(path)).send();

    // The staff home links to the worklist of the commune.
    let home = get("/").await.unwrap().text().await.unwrap();
    assert!(home.contains(&format!(r#"href="/quality?unit={commune_a}""#)), "{home}");

    // The page: counts, the commune's chi bộ, the line linking to the record; nothing of xã Bình.
    let r = get("/quality").await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    for needle in [
        "<h1>Chất lượng dữ liệu",
        "Quá hạn mà chưa ghi lễ kết nạp",
        "Chi bộ chưa có tài khoản bí thư chi bộ",
        &format!(r#"<a href="/members/{in_a}">Lương Thị Hạnh</a>"#),
        &format!(r#"<a href="/units/{cell_a}">Chi bộ thôn Đông</a>"#),
        "13/04/2026",
        "Đảng bộ xã An Phú",
        r#"data-label="Chi tiết""#,
        "/quality?kind=chua-ghi-le-ket-nap",
    ] {
        assert!(html.contains(needle), "{needle} on the page");
    }
    for absent in ["Quách Thị Yến", "Chi bộ thôn Tây", "Bình Minh", &format!("/members/{in_b}")] {
        assert!(!html.contains(absent), "{absent} must not appear");
    }
    // Filtered by kind and by the commune's own chi bộ.
    let html = get(&format!("/quality?unit={cell_a}&kind=chi-bo-chua-co-tai-khoan-bi-thu")).await.unwrap().text().await.unwrap();
    assert!(html.contains("Đang xem: <strong>Chi bộ chưa có tài khoản bí thư chi bộ</strong>"));
    assert!(!html.contains(&format!("/members/{in_a}")), "only the chi bộ's line");
    assert!(html.contains(&format!(r#"<a href="/units/{cell_a}">Chi bộ thôn Đông</a>"#)));
    // Another commune's unit looks missing; a kind that is not in the list is a bad request.
    assert_eq!(get(&format!("/quality?unit={cell_b}")).await.unwrap().status().as_u16(), 404);
    assert_eq!(get("/quality?kind=khong-co").await.unwrap().status().as_u16(), 400);
    assert_eq!(get("/quality?format=pdf").await.unwrap().status().as_u16(), 400);

    // The CSV: every line of the scope, one header row.
    let r = get("/quality?format=csv").await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("\u{feff}Mã vấn đề,Vấn đề,Mã đảng viên,Họ và tên"), "{}", rows[0]);
    assert_eq!(rows.len(), 1 + 2, "{csv}");
    assert!(
        rows.iter()
            .any(|r| r.starts_with(&format!("chua-ghi-le-ket-nap,Quá hạn mà chưa ghi lễ kết nạp,{in_a},Lương Thị Hạnh,1995-03-12,")))
    );
    assert!(!csv.contains("Quách Thị Yến"));

    // The API: the administrator sees both communes; the commune's own token only its lines.
    let (status, all) = app.json("/api/v1/quality").await;
    assert_eq!(status, 200, "{all}");
    let count =
        |v: &serde_json::Value, code: &str| v["totals"].as_array().unwrap().iter().find(|c| c["kind"] == code).unwrap()["count"].clone();
    assert_eq!(count(&all, "chua-ghi-le-ket-nap"), 2);
    assert_eq!(count(&all, "chi-bo-chua-co-tai-khoan-bi-thu"), 2);
    assert_eq!(all["total_lines"], 4);
    let units: Vec<i64> = all["per_unit"].as_array().unwrap().iter().map(|u| u["unit"]["id"].as_i64().unwrap()).collect();
    assert_eq!(units.len(), 2);
    assert!(units.contains(&commune_a) && units.contains(&commune_b));
    let line = &all["lines"][0];
    assert_eq!(line["kind"], "chua-ghi-le-ket-nap");
    assert_eq!(line["deadline"], "2026-04-13");
    assert_eq!(line["unit"]["path"][0], "Đảng bộ xã An Phú");
    let token = support::token(app.store.as_ref(), staff).await;
    let r = reqwest::Client::new().get(app.url("/api/v1/quality")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let mine: serde_json::Value = r.json().await.unwrap();
    assert_eq!(mine["total_lines"], 2);
    let members: Vec<&serde_json::Value> = mine["lines"].as_array().unwrap().iter().map(|l| &l["member"]["id"]).collect();
    assert!(members.contains(&&json!(in_a)) && !members.contains(&&json!(in_b)));
    let r = reqwest::Client::new().get(app.url(&format!("/api/v1/quality?unit={cell_b}"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let (status, bad) = app.json("/api/v1/quality?page=0").await;
    assert_eq!(status, 400, "{bad}");
}

conformance::on_both_engines!(the_command_prints_the_worklist_as_text_and_csv);

// The command runs with the real clock, so the test compares with the store read on the same day
// (clippy.toml `disallowed-methods`).
#[allow(clippy::disallowed_methods)]
async fn the_command_prints_the_worklist_as_text_and_csv(t: &conformance::TestStore) {
    let db = database(t);
    let today = storage::vietnam_today(chrono::Utc::now());
    ok(&db, &["generate", "--members", "300", "--seed", "3"], None);
    let root = t.store.children(None, today).await.expect("roots").remove(0).unit;
    let commune = t.store.children(Some(root.id), today).await.expect("communes").remove(0).unit;

    // Generated registers have no accounts: every chi bộ lacks its secretary's.
    let expected = t.store.quality(&QualityQuery::new(None, today)).await.expect("report");
    let cells = expected.lines.iter().filter(|l| l.kind == domain::quality::ProblemKind::CellWithoutSecretary).count();
    assert!(cells > 0);
    let csv = ok(&db, &["quality", "--format", "csv"], None);
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("\u{feff}Mã vấn đề,"), "{}", rows[0]);
    assert_eq!(rows.len() - 1, expected.total_lines);
    assert_eq!(rows.iter().filter(|r| r.starts_with("chi-bo-chua-co-tai-khoan-bi-thu,")).count(), cells);

    // One commune by its code, as text.
    let under = t.store.quality(&QualityQuery { unit: Some(commune.id), ..QualityQuery::new(None, today) }).await.expect("report");
    let out = ok(&db, &["quality", "--unit", &commune.code.to_lowercase()], None);
    assert!(out.starts_with(&format!("Chất lượng dữ liệu: {} — tính đến ngày", commune.name)), "{out}");
    assert!(out.contains(&format!("Danh sách ({} dòng):", under.total_lines)), "{out}");
    assert!(under.total_lines < expected.total_lines);

    // Only one kind.
    let only = ok(&db, &["quality", "--kind", "chi-bo-chua-co-tai-khoan-bi-thu", "--format", "csv"], None);
    assert_eq!(only.lines().count() - 1, cells);

    // A code no unit has, a kind not in the list.
    let o = dangvu(&db, &["quality", "--unit", "KHONG-CO"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("không có tổ chức mang mã KHONG-CO"), "{}", text(&o));
    let o = dangvu(&db, &["quality", "--kind", "sai"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("--kind"), "{}", text(&o));
    // Each read is in the audit trail.
    let trail =
        t.store.audit_entries(&storage::AuditQuery { action: Some("read.quality".into()), limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(trail.len(), 3);
    assert!(matches!(
        t.store.quality(&QualityQuery { unit: Some(UnitId(999_999)), ..QualityQuery::new(None, today) }).await,
        Err(StoreError::NotFound)
    ));

    // However chatty the log, it goes to standard error: standard output is the CSV alone.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_dangvu"))
        .args(["quality", "--format", "csv", "--database", &db])
        .current_dir(env!("CARGO_TARGET_TMPDIR"))
        .env_remove("DANGVU_CONFIG")
        .env_remove("DANGVU_DATABASE")
        .env("RUST_LOG", "debug")
        .output()
        .expect("run dangvu");
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.lines().count() - 1, expected.total_lines, "{out}");
    assert!(!o.stderr.is_empty(), "the debug log is written, to standard error");
}
