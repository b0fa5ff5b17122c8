//! Party dues over HTTP: the chi bộ secretary records a member's basis (API) and a payment from
//! the month's sheet (a wrong amount is refused with what was typed kept); a member declares
//! their pension in the handbook and the secretary confirms it once; the month is remitted up
//! from the ledger, once; the ledger downloads as `.xlsx`; the months unpaid reach the arrears
//! list and the strike-off list; another chi bộ's secretary reads and records nothing here (the
//! scope is checked before the body); every write and read is audited.

use calamine::Reader;
use domain::access::{Grant, Role};
use domain::ids::MemberId;
use reqwest::Method;
use serde_json::json;
use storage::prelude::*;

use crate::http_on_both_engines;
use crate::meetings::person;
use crate::support::{self, App, PASSWORD, create_unit, official_member};

http_on_both_engines!(0; a_chi_bo_keeps_its_dues);

async fn a_chi_bo_keeps_its_dues(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let east = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let west = create_unit(app, "chi-bo-co-so", "X2", "Chi bộ thôn Tây", Some(commune)).await;
    let an = official_member(app, "Nguyễn Văn An", "001080000901", east).await;
    let binh = official_member(app, "Trần Thị Bình", "001080000902", east).await;
    let cuong = official_member(app, "Lê Văn Cường", "001080000903", west).await;
    let secretary = person(app, "bithu.dong", Role::CellSecretary, east).await;
    let other = person(app, "bithu.tay", Role::CellSecretary, west).await;

    // The basis, through the API: an amount is required for a salary.
    let bases = format!("/api/v1/members/{an}/dues/bases");
    let (status, v) = secretary.call(app, Method::POST, &bases, Some(&json!({"from": "2026-01", "kind": "bhxh"}))).await;
    assert_eq!((status, v["error"]["fields"][0]["field"].as_str()), (422, Some("amount")), "{v}");
    let (status, v) =
        secretary.call(app, Method::POST, &bases, Some(&json!({"from": "2026-01", "kind": "bhxh", "amount": 8_000_000}))).await;
    assert_eq!(status, 201, "{v}");
    // Another chi bộ's member: not found, before the body is read.
    let (status, _) =
        secretary.call(app, Method::POST, &format!("/api/v1/members/{cuong}/dues/bases"), Some(&json!({"nonsense": 1}))).await;
    assert_eq!(status, 404);

    // The month's sheet: An owes 1 % of October's salary base (01-QĐ/TW); no one of another chi bộ.
    let sheet = format!("/units/{east}/dues?month=2026-11");
    let (status, html) = secretary.page(app, &sheet).await;
    assert_eq!(status, 200);
    assert!(html.contains("Nguyễn Văn An") && html.contains("80.000 đ") && html.contains("Ghi nhận đóng đảng phí"), "{html}");
    assert!(html.contains("tháng trước liền kề (Quy định 01-QĐ/TW)"), "the rule is named");
    assert!(!html.contains("Lê Văn Cường"));
    let an_id = an.to_string();
    let payments = format!("/units/{east}/dues/payments");
    let r =
        secretary.form(app, &payments, &[("member", &an_id), ("month", "2026-11"), ("amount", "tám mươi"), ("method", "tien-mat")]).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("không phải là số tiền") && html.contains(r#"value="tám mươi""#), "{html}");
    let r = secretary.form(app, &payments, &[("member", &an_id), ("month", "2026-11"), ("amount", "80.000"), ("method", "tien-mat")]).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());
    let (_, html) = secretary.page(app, &sheet).await;
    assert!(html.contains("Đã ghi nhận đóng đảng phí.") && html.contains("Đã đóng đủ"), "{html}");

    // Another chi bộ's secretary: not found, to read and to record.
    assert_eq!(other.page(app, &sheet).await.0, 404);
    let r = other.form(app, &payments, &[("member", &an_id), ("month", "2026-11"), ("amount", "1000")]).await;
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(other.call(app, Method::GET, &format!("/api/v1/members/{an}/dues"), None).await.0, 404);

    // Bình declares her pension in the handbook; the secretary confirms it, once.
    support::account(app.store.as_ref(), "binh.dv", vec![Grant { role: Role::Member, unit: None }], Some(MemberId(binh))).await;
    let web = support::browser();
    assert_eq!(support::login(&app.base, &web, "binh.dv", PASSWORD).await.status().as_u16(), 303);
    let home = web.get(app.url("/handbook")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("Chi bộ chưa có căn cứ tính đảng phí của đồng chí"), "{home}");
    let page = web.get(app.url("/handbook/dues")).send().await.unwrap().text().await.unwrap();
    let csrf = support::csrf_of(&page);
    let declare = |amount: &'static str| {
        let (web, csrf) = (web.clone(), csrf.clone());
        async move {
            web.post(app.url("/handbook/dues"))
                .form(&[("_csrf", csrf.as_str()), ("basis_from", "01/2026"), ("basis_kind", "luong-huu"), ("basis_amount", amount)])
                .send()
                .await
                .unwrap()
        }
    };
    let r = declare("").await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Nhập số tiền làm căn cứ"));
    assert_eq!(declare("6.000.000").await.status().as_u16(), 303);
    let page = web.get(app.url("/handbook/dues")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("chờ chi bộ xác nhận"), "{page}");
    let (_, v) = secretary.call(app, Method::GET, &format!("/api/v1/units/{east}/dues?month=2026-11"), None).await;
    let line = v["lines"].as_array().unwrap().iter().find(|l| l["member"] == binh).unwrap().clone();
    let declared = line["waiting"][0].as_i64().unwrap();
    assert_eq!(line["account"]["standing"], "chua-co-can-cu");
    let confirm = format!("/api/v1/members/{binh}/dues/bases/{declared}/confirm");
    assert_eq!(secretary.call(app, Method::POST, &format!("/api/v1/members/{an}/dues/bases/{declared}/confirm"), None).await.0, 404);
    assert_eq!(secretary.call(app, Method::POST, &confirm, None).await.0, 200);
    assert_eq!(secretary.call(app, Method::POST, &confirm, None).await.0, 409);
    let home = web.get(app.url("/handbook")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("phải đóng 30.000 đ"), "{home}");

    // The ledger: November's 80.000 đ goes up (no share kept by default), once.
    let ledger = format!("/units/{east}/dues/ledger?year=2026");
    let (_, html) = secretary.page(app, &ledger).await;
    assert!(html.contains("Nộp lên tháng 11/2026"), "{html}");
    let r = secretary.form(app, &format!("/units/{east}/dues/remit"), &[("month", "2026-11")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, v) = secretary.call(app, Method::GET, &format!("/api/v1/units/{east}/dues/ledger?year=2026"), None).await;
    let nov = &v["months"][10];
    assert_eq!((nov["collected"].as_u64(), nov["remitted"].as_u64(), nov["outstanding"].as_u64()), (Some(80_000), Some(80_000), Some(0)));
    let (status, v) =
        secretary.call(app, Method::POST, &format!("/api/v1/units/{east}/dues/remittances"), Some(&json!({"month": "2026-11"}))).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("nothing_to_remit")), "{v}");
    let (_, v) = app.json(&format!("/api/v1/units/{commune}/dues/ledger?year=2026")).await;
    assert_eq!(v["months"][10]["received"], 80_000);

    // The workbook.
    let r = secretary.web.get(app.url(&format!("/units/{east}/dues/ledger.xlsx?year=2026"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range("Sổ thu nộp").unwrap();
    let november: Vec<String> = sheet.rows().find(|r| r[0] == "11/2026").unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(november[1..], ["80000", "0", "0", "80000", "80000", "0"]);
    assert!(book.worksheet_range("Đảng viên chậm đóng").unwrap().rows().any(|r| r[0] == "Nguyễn Văn An"));

    // January to October unpaid for An: on the arrears list and the strike-off list.
    let (_, v) = app.json(&format!("/api/v1/units/{commune}/dues/arrears?year=2026")).await;
    let first = &v[0];
    assert_eq!((first["member"].as_i64(), first["unpaid"].as_array().unwrap().len()), (Some(an), 10));
    assert_eq!(first["proposes_strike_off"], true);
    let (_, html) = app.text(&format!("/units/{commune}/dues/arrears?year=2026")).await;
    assert!(html.contains("Xem xét xóa tên") && html.contains("Nguyễn Văn An"), "{html}");
    let (_, html) = app.text(&format!("/units/{commune}/strike-off")).await;
    assert!(html.contains("Không đóng đảng phí ba tháng trong năm") && html.contains(r#"value="khong-dong-dang-phi""#), "{html}");

    // The trail.
    let q = storage::AuditQuery { action: Some("dues.".into()), limit: 20, ..Default::default() };
    let mut actions: Vec<String> = app.store.audit_entries(&q).await.unwrap().into_iter().map(|e| e.action).collect();
    actions.sort();
    assert_eq!(actions, ["dues.basis", "dues.confirm", "dues.declare", "dues.pay", "dues.remit"]);
    let q = storage::AuditQuery { action: Some("read.dues".into()), limit: 50, ..Default::default() };
    assert!(!app.store.audit_entries(&q).await.unwrap().is_empty());
}

conformance::on_both_engines!(the_command_prints_the_ledger_and_the_arrears);

// The command runs with the real clock, so the test compares with the store read on the same day
// (clippy.toml `disallowed-methods`).
#[allow(clippy::disallowed_methods)]
async fn the_command_prints_the_ledger_and_the_arrears(t: &conformance::TestStore) {
    use crate::cli::{dangvu, database, ok, text};
    let db = database(t);
    let today = storage::vietnam_today(chrono::Utc::now());
    let year = chrono::Datelike::year(&today);
    // The generated data records a year of dues for the first chi bộ.
    ok(&db, &["generate", "--members", "600", "--seed", "3"], None);
    let root = t.store.children(None, today).await.expect("roots").remove(0).unit;
    let ledger = t.store.dues_ledger(root.id, year, today).await.expect("ledger");
    assert!(ledger.months.iter().any(|m| m.received > 0), "the province received remittances");
    let csv = ok(&db, &["dues", "--unit", &root.code, "--format", "csv"], None);
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("\u{feff}Tháng,Thu của đảng viên,Nhận của cấp dưới,"), "{}", rows[0]);
    assert_eq!(rows.len(), 13);
    let january = &ledger.months[0];
    assert_eq!(
        rows[1],
        format!(
            "{year}-01,{},{},{},{},{},{}",
            january.collected,
            january.received,
            january.retained,
            january.to_remit,
            january.remitted,
            january.outstanding()
        )
    );
    let out = ok(&db, &["dues", "--unit", &root.code], None);
    assert!(out.starts_with(&format!("Sổ thu, nộp đảng phí năm {year} — ")), "{out}");
    let arrears = t.store.dues_arrears(root.id, year, today).await.expect("arrears");
    let csv = ok(&db, &["dues", "--unit", &root.code, "--arrears", "--format", "csv"], None);
    assert_eq!(csv.lines().count(), arrears.len() + 1);
    let o = dangvu(&db, &["dues", "--unit", &root.code, "--year", "1999"], None);
    assert!(!o.status.success() && text(&o).contains("--year"), "{}", text(&o));
    let q = storage::AuditQuery { action: Some("read.dues".into()), limit: 10, ..Default::default() };
    assert_eq!(t.store.audit_entries(&q).await.unwrap().len(), 3);
}
