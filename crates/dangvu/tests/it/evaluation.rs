//! Evaluation rounds over HTTP: the commune's leader opens the round of the year (366-QĐ/TW); a
//! member self-assesses in the handbook; the chi bộ's secretary proposes from the sheet (a level
//! above the score refused with the rule named) and cannot decide; the leader decides through the
//! API (excellent beyond the quota refused), sees the counts with their shares, downloads the
//! workbook and closes the round; another chi bộ's secretary reads nothing of it.

use calamine::Reader;
use domain::access::{Grant, Role};
use domain::ids::MemberId;
use reqwest::Method;
use serde_json::json;
use storage::prelude::*;

use crate::http_on_both_engines;
use crate::meetings::person;
use crate::support::{self, App, PASSWORD, create_unit, official_member};

http_on_both_engines!(0; a_round_from_self_assessment_to_decision);

async fn a_round_from_self_assessment_to_decision(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let east = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let west = create_unit(app, "chi-bo-co-so", "X2", "Chi bộ thôn Tây", Some(commune)).await;
    let an = official_member(app, "Nguyễn Văn An", "001080000981", east).await;
    let binh = official_member(app, "Trần Thị Bình", "001080000982", east).await;
    official_member(app, "Lê Văn Cường", "001080000983", west).await;
    let leader = person(app, "lanhdao.xa", Role::CommitteeLeader, commune).await;
    let secretary = person(app, "bithu.dong", Role::CellSecretary, east).await;
    let other = person(app, "bithu.tay", Role::CellSecretary, west).await;

    // The secretary cannot open a round; the leader can.
    assert_eq!(secretary.form(app, &format!("/units/{east}/evaluation"), &[("period", "2026")]).await.status().as_u16(), 403);
    // Without a deadline: refused, the typed values kept.
    let r = leader.form(app, &format!("/units/{commune}/evaluation"), &[("period", "2021-2026"), ("quota_percent", "15")]).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"2021-2026\"") && html.contains("value=\"15\"") && html.contains("Ngày không được để trống"), "{html}");
    let r = leader
        .form(app, &format!("/units/{commune}/evaluation"), &[("period", "2026"), ("quota_percent", "20"), ("due_on", "20/12/2026")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, rounds) = leader.call(app, Method::GET, &format!("/api/v1/units/{commune}/evaluation-rounds"), None).await;
    let round = rounds[0]["id"].as_i64().unwrap();
    let row = |sheet: &serde_json::Value, m: i64| sheet["members"].as_array().unwrap().iter().find(|x| x["member"] == m).unwrap().clone();
    assert_eq!((&rounds[0]["regulation"], &rounds[0]["due_on"]), (&json!("366-qd-tw"), &json!("2026-12-20")));
    // A term round through the API (366-QĐ/TW rates by term too); a deadline before today is refused.
    let url = format!("/api/v1/units/{commune}/evaluation-rounds");
    let (status, v) = leader.call(app, Method::POST, &url, Some(&json!({"period": "2021-2026", "due_on": "2026-11-01"}))).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("before_opening")), "{v}");
    // The term round scores by the commune's own criteria list, which must sum to 100.
    let list = json!([{"name": "Chính trị, tư tưởng", "max_points": 30}, {"name": "Kết quả thực hiện nhiệm vụ", "max_points": 60}]);
    let (status, v) =
        leader.call(app, Method::POST, &url, Some(&json!({"period": "2021-2026", "due_on": "2026-12-31", "criteria": list}))).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("sum")), "{v}");
    let list = json!([{"name": "Chính trị, tư tưởng", "max_points": 40}, {"name": "Kết quả thực hiện nhiệm vụ", "max_points": 60}]);
    let (status, v) =
        leader.call(app, Method::POST, &url, Some(&json!({"period": "2021-2026", "due_on": "2026-12-31", "criteria": list}))).await;
    assert_eq!(status, 201, "{v}");
    let term = v["id"].as_i64().unwrap();
    let (_, term_sheet) = leader.call(app, Method::GET, &format!("/api/v1/units/{commune}/evaluation/{term}"), None).await;
    assert_eq!(term_sheet["criteria"], list);
    let term_an = row(&term_sheet, an);
    let term_steps = format!("/api/v1/units/{east}/evaluation/{term}/steps");
    let proposal = json!({"evaluation": term_an["id"], "version": 1, "step": "de-xuat", "level": "tot", "points": [35, 50]});
    let (status, v) = secretary.call(app, Method::POST, &term_steps, Some(&proposal)).await;
    assert_eq!(status, 200, "{v}");
    let (_, term_sheet) = leader.call(app, Method::GET, &format!("/api/v1/units/{commune}/evaluation/{term}"), None).await;
    let term_an = row(&term_sheet, an);
    assert_eq!((&term_an["proposed"]["score"], &term_an["points"][0]["points"]), (&json!(85), &json!([35, 50])), "{term_an}");
    // The sheet's forms ask each criterion's points.
    let (_, html) = secretary.page(app, &format!("/units/{east}/evaluation/{term}")).await;
    assert!(html.contains("Điểm từng tiêu chí — Chi bộ, cấp ủy đề xuất: 35 · 50"), "{html}");
    assert!(html.contains("Kết quả thực hiện nhiệm vụ (0–60)") && !html.contains("Tổng điểm (0–100)"), "{html}");

    // The worklists count down to the deadlines: the leader's home, the secretary's board, the API.
    let (_, home) = leader.page(app, "/").await;
    assert!(
        home.contains("Đánh giá, xếp loại năm 2026 (Đảng bộ xã An Phú")
            && home.contains("3 đảng viên chưa tự đánh giá")
            && home.contains("Hạn 20/12/2026")
            && home.contains("Đánh giá, xếp loại nhiệm kỳ 2021–2026"),
        "{home}"
    );
    assert!(home.find("năm 2026 (Đảng bộ xã An Phú") < home.find("nhiệm kỳ 2021–2026"), "earliest deadline first");
    let (_, board) = secretary.page(app, &format!("/units/{east}/admission")).await;
    assert!(board.contains("Việc khác của chi bộ") && board.contains("2 đảng viên chưa tự đánh giá"), "{board}");
    assert!(board.contains(&format!("href=\"/units/{east}/evaluation/{round}\"")), "{board}");
    let (status, due) = leader.call(app, Method::GET, &format!("/api/v1/units/{commune}/worklist/yearly"), None).await;
    assert_eq!(status, 200, "{due}");
    assert_eq!(due["rounds"][0]["round"]["id"], round, "earliest deadline first: {due}");
    assert_eq!(due["rounds"][0]["members"]["awaiting_self"], 3);
    assert_eq!(due["rounds"][0]["units"]["total"], 2, "the two chi bộ");
    assert_eq!((&due["residence"]["working"], &due["residence"]["not_registered"]), (&json!(3), &json!(3)), "{due}");
    assert!(home.contains("3 chưa giới thiệu về nơi cư trú") && home.contains(&format!("href=\"/units/{commune}/residence\"")), "{home}");
    let (status, _) = other.call(app, Method::GET, &format!("/api/v1/units/{east}/worklist/yearly"), None).await;
    assert_eq!(status, 404, "another chi bộ's secretary");

    // An self-assesses in the handbook.
    support::account(app.store.as_ref(), "an.dv", vec![Grant { role: Role::Member, unit: None }], Some(MemberId(an))).await;
    let web = support::browser();
    assert_eq!(support::login(&app.base, &web, "an.dv", PASSWORD).await.status().as_u16(), 303);
    let page = web.get(app.url("/handbook/evaluation")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Quy định 366-QĐ/TW") && page.contains("Tự chấm điểm"), "{page}");
    let (_, sheet) = leader.call(app, Method::GET, &format!("/api/v1/units/{commune}/evaluation/{round}"), None).await;
    let mine = row(&sheet, an);
    let (id, version) = (mine["id"].as_i64().unwrap().to_string(), mine["version"].as_i64().unwrap().to_string());
    let r = web
        .post(app.url("/handbook/evaluation"))
        .form(&[("_csrf", support::csrf_of(&page).as_str()), ("evaluation", &id), ("version", &version), ("level", "tot"), ("score", "82")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);

    // The secretary proposes from the sheet; a level above the score is refused with the rule.
    let sheet_path = format!("/units/{east}/evaluation/{round}");
    let (status, html) = secretary.page(app, &sheet_path).await;
    assert_eq!(status, 200);
    assert!(html.contains("Hoàn thành tốt nhiệm vụ (82 điểm)") && html.contains("Chi bộ, cấp ủy đề xuất"), "{html}");
    assert!(!html.contains("Quyết định xếp loại</summary>"), "the secretary decides nothing");
    assert!(html.contains("Tự đánh giá, xếp loại</summary>"), "the chi bộ's own self-assessment (Mẫu 01) is offered");
    let steps = format!("{sheet_path}/steps");
    let propose = |level: &'static str, score: &'static str, version: String, id: String| {
        let secretary = &secretary;
        let steps = steps.clone();
        async move {
            secretary
                .form(app, &steps, &[("evaluation", &id), ("version", &version), ("step", "de-xuat"), ("level", level), ("score", score)])
                .await
        }
    };
    let r = propose("xuat-sac", "85", "2".into(), id.clone()).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("85 điểm chỉ đạt mức “Hoàn thành tốt nhiệm vụ” (Quy định 366-QĐ/TW, Điều 11)."));
    assert_eq!(propose("xuat-sac", "93", "2".into(), id.clone()).await.status().as_u16(), 303);
    let b = row(&sheet, binh);
    assert_eq!(propose("tot", "80", b["version"].to_string(), b["id"].to_string()).await.status().as_u16(), 303);
    let r = secretary
        .call(
            app,
            Method::POST,
            &format!("/api/v1/units/{east}/evaluation/{round}/steps"),
            Some(&json!({"evaluation": mine["id"], "version": 3, "step": "quyet-dinh", "level": "xuat-sac", "score": 93})),
        )
        .await;
    assert_eq!(r.0, 403);

    // The leader decides: two good or better in the chi bộ leave no room for excellent at 20 %.
    let url = format!("/api/v1/units/{commune}/evaluation/{round}/steps");
    let (status, v) = leader
        .call(
            app,
            Method::POST,
            &url,
            Some(&json!({"evaluation": mine["id"], "version": 3, "step": "quyet-dinh", "level": "xuat-sac", "score": 93})),
        )
        .await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("quota")), "{v}");
    let (status, v) = leader
        .call(
            app,
            Method::POST,
            &url,
            Some(&json!({"evaluation": mine["id"], "version": 3, "step": "quyet-dinh", "level": "tot", "score": 93})),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let (_, sheet) = leader.call(app, Method::GET, &format!("/api/v1/units/{commune}/evaluation/{round}"), None).await;
    assert_eq!(sheet["member_counts"]["levels"], json!([0, 1, 0, 0]));
    let (_, html) = leader.page(app, &format!("/units/{commune}/evaluation/{round}")).await;
    let drill = format!("/units/{commune}/evaluation/{round}?level=tot#dang-vien");
    assert!(html.contains(&format!("Hoàn thành tốt nhiệm vụ</dt><dd><a href=\"{drill}\">1</a> (100%)")), "{html}");
    // Each count opens the people behind it.
    let (_, good) = leader.page(app, &format!("/units/{commune}/evaluation/{round}?level=tot")).await;
    assert!(
        good.contains("Đang xem: Hoàn thành tốt nhiệm vụ") && good.contains("Nguyễn Văn An") && !good.contains("Trần Thị Bình"),
        "{good}"
    );
    let (_, waiting) = leader.page(app, &format!("/units/{commune}/evaluation/{round}?level=chua-xep-loai")).await;
    assert!(waiting.contains("Trần Thị Bình") && !waiting.contains("<div>Nguyễn Văn An"), "{waiting}");
    assert_eq!(leader.page(app, &format!("/units/{commune}/evaluation/{round}?level=gioi")).await.0, 400);

    // The workbook, then the close.
    let r = leader.web.get(app.url(&format!("/units/{commune}/evaluation/{round}/report.xlsx"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let members = book.worksheet_range("Đảng viên").unwrap();
    assert!(members.rows().any(|r| r[0] == "Nguyễn Văn An" && r[4] == "Hoàn thành tốt nhiệm vụ"));
    assert_eq!(leader.form(app, &format!("/units/{commune}/evaluation/{round}/close"), &[]).await.status().as_u16(), 303);
    let b = row(&sheet, binh);
    let (status, v) = leader
        .call(
            app,
            Method::POST,
            &url,
            Some(&json!({"evaluation": b["id"], "version": 2, "step": "quyet-dinh", "level": "tot", "score": 80})),
        )
        .await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("closed")), "{v}");

    // The other chi bộ's secretary: not found.
    assert_eq!(other.page(app, &sheet_path).await.0, 404);
    let q = storage::AuditQuery { action: Some("evaluation.".into()), limit: 20, ..Default::default() };
    let actions: Vec<String> = app.store.audit_entries(&q).await.unwrap().into_iter().map(|e| e.action).collect();
    assert!(
        actions.contains(&"evaluation.open".into())
            && actions.contains(&"evaluation.close".into())
            && actions.iter().filter(|a| *a == "evaluation.step").count() == 5,
        "{actions:?}"
    );
}

conformance::on_both_engines!(the_command_prints_the_report_and_the_open_rounds);

// The command runs with the real clock, so the test compares with the store read on the same day
// (clippy.toml `disallowed-methods`).
#[allow(clippy::disallowed_methods)]
async fn the_command_prints_the_report_and_the_open_rounds(t: &conformance::TestStore) {
    use crate::cli::{dangvu, database, ok, text};
    use domain::evaluation::Period;
    let db = database(t);
    let today = storage::vietnam_today(chrono::Utc::now());
    let last_year = chrono::Datelike::year(&today) - 1;
    // The generated data has last year's rounds of the communes, decided and closed.
    ok(&db, &["generate", "--members", "600", "--seed", "3"], None);
    let root = t.store.children(None, today).await.expect("roots").remove(0).unit;
    let mut commune = None;
    for c in t.store.children(Some(root.id), today).await.expect("communes") {
        let rounds = t.store.evaluation_rounds(c.unit.id, today).await.expect("rounds");
        if let Some(r) = rounds.into_iter().find(|r| r.period == Period::Year(last_year)) {
            commune = Some((c.unit, r));
            break;
        }
    }
    let (commune, round) = commune.expect("a commune rated last year");
    let sheet = t.store.round_sheet(round.id, commune.id, today).await.expect("sheet");
    let period = last_year.to_string();
    let csv = ok(&db, &["evaluation", "--unit", &commune.code, "--period", &period, "--format", "csv"], None);
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("\u{feff}Đơn vị,Hoàn thành xuất sắc nhiệm vụ,"), "{}", rows[0]);
    assert_eq!(rows.len(), sheet.by_child.len() + 2, "{csv}");
    let [x, g, d, n] = sheet.member_counts.levels;
    assert!(rows[rows.len() - 1].ends_with(&format!(",{x},{g},{d},{n},{}", sheet.member_counts.undecided)), "{csv}");
    let out = ok(&db, &["evaluation", "--unit", &commune.code, "--period", &period], None);
    assert!(out.starts_with(&format!("Kết quả xếp loại chất lượng năm {last_year} — ")) && out.contains("đã kết thúc"), "{out}");
    let due = t.store.rounds_due(commune.id, today).await.expect("due");
    let csv = ok(&db, &["evaluation", "--unit", &commune.code, "--due", "--format", "csv"], None);
    assert_eq!(csv.lines().count(), due.len() + 1, "{csv}");
    let o = dangvu(&db, &["evaluation", "--unit", &commune.code, "--period", "2001"], None);
    assert!(!o.status.success() && text(&o).contains("--period"), "{}", text(&o));
    let q = storage::AuditQuery { action: Some("read.evaluation".into()), limit: 10, ..Default::default() };
    assert_eq!(t.store.audit_entries(&q).await.unwrap().len(), 2);
}
