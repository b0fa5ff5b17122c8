//! The admission report over any period (docs/design/admission.md "Admission report over any
//! period"), over HTTP on both engines: a three-year period against the sum of its years'
//! targets with the missing year named; admissions by who introduced them, by sub-target group and
//! by occasion (the ceremony's day), in total and per unit, each line opening exactly its members;
//! admissions typed in a record count like those of a case.

use domain::event::{AdmissionOrigin, EventData, EventKind, UnitRef};
use domain::ids::{MemberId, UnitId};
use domain::pipeline::{CandidateSource, TargetGroup};
use domain::unit::UnitKind::{self, *};
use storage::prelude::*;
use storage::{MergeUnits, NewUnit, OrgDecision, Successor, UnitSpec};

use crate::http_on_both_engines;
use crate::support::{self, App};

http_on_both_engines!(0; a_three_year_report_by_source_group_and_occasion);
http_on_both_engines!(0; a_term_cut_by_a_merger_and_an_added_occasion);

fn date(s: &str) -> chrono::NaiveDate {
    domain::dates::parse_date(s).unwrap()
}

fn decision(on: &str) -> OrgDecision {
    OrgDecision {
        effective: date(on),
        basis: domain::unit::LegalBasis {
            number: domain::ids::DecisionNumber::parse("12-QĐ/TU").unwrap(),
            date: date(on),
            issuer: "Ban Thường vụ Tỉnh ủy".into(),
        },
        note: None,
    }
}

/// The province and its two communes, each with a chi bộ.
struct World {
    province: UnitId,
    an: UnitId,
    binh: UnitId,
    cells: [UnitId; 2],
}

async fn world(store: &dyn Store) -> World {
    let ctx = storage::WriteContext::new("test", support::now());
    let make = async |kind: UnitKind, code: &str, name: &str, parent| {
        let spec = UnitSpec { kind, code: domain::ids::UnitCode::parse(code).unwrap(), name: name.into(), parent };
        store.create_unit(&ctx, NewUnit { spec, decision: decision("01/01/2000") }).await.unwrap()
    };
    let province = make(Province, "TK", "Tỉnh ủy Kỳ Thử", None).await;
    let an = make(Commune, "KA", "Đảng bộ xã Kỳ An", Some(province)).await;
    let binh = make(Commune, "KB", "Đảng bộ xã Kỳ Bình", Some(province)).await;
    let cells = [
        make(GrassrootsCell, "KA1", "Chi bộ thôn Kỳ An 1", Some(an)).await,
        make(GrassrootsCell, "KB1", "Chi bộ thôn Kỳ Bình 1", Some(binh)).await,
    ];
    World { province, an, binh, cells }
}

/// A member admitted in `cell` on `decided` (typed in the record, with its origin), with the
/// ceremony on `ceremony`.
async fn admitted(
    store: &dyn Store,
    name: &str,
    id: &str,
    cell: UnitId,
    decided: &str,
    ceremony: &str,
    origin: AdmissionOrigin,
) -> MemberId {
    let ctx = storage::WriteContext::new("test", support::now());
    let (identity, profile) = support::person(name, id);
    let basis = decision(decided).basis;
    let events = vec![
        EventData {
            kind: EventKind::Admitted { unit: UnitRef::Internal(cell), origin },
            effective: date(decided),
            basis: Some(basis),
            note: None,
        },
        EventData { kind: EventKind::Ceremony, effective: date(ceremony), basis: None, note: None },
    ];
    let new = storage::NewMember { identity, profile: domain::member::DatedProfile { valid_from: None, profile }, events };
    store.create_member(&ctx, new).await.unwrap()
}

fn origin(source: Option<CandidateSource>, target_group: Option<TargetGroup>) -> AdmissionOrigin {
    AdmissionOrigin { source, target_group }
}

/// The line of `lines` whose `key` is `value` (`null` for the unknown).
fn line<'a>(lines: &'a serde_json::Value, key: &str, value: serde_json::Value) -> &'a serde_json::Value {
    lines.as_array().unwrap().iter().find(|l| l[key] == value).unwrap_or_else(|| panic!("{key} = {value} in {lines}"))
}

async fn a_three_year_report_by_source_group_and_occasion(app: &App) {
    let store = app.store.as_ref();
    let w = world(store).await;
    let ctx = storage::WriteContext::new("test", support::now());
    // 2020: Youth Union, students, ceremony on 19/5. 2021: Women's Union, no group, ceremony on a
    // day of no occasion. 2022: unknown source, residential area, ceremony on 2/9. 2023 (outside
    // the period): trade union, private enterprise, ceremony on 3/2.
    let [an1, binh1] = w.cells;
    let youth = admitted(
        store,
        "Lê Văn Thanh",
        "001200000301",
        an1,
        "10/05/2020",
        "19/05/2020",
        origin(Some(CandidateSource::YouthUnion), Some(TargetGroup::Student)),
    )
    .await;
    let women =
        admitted(store, "Phạm Thị Hoa", "001200000302", binh1, "01/03/2021", "20/03/2021", origin(Some(CandidateSource::WomenUnion), None))
            .await;
    let unknown =
        admitted(store, "Đỗ Văn Nam", "001200000303", binh1, "15/08/2022", "02/09/2022", origin(None, Some(TargetGroup::Residential)))
            .await;
    admitted(
        store,
        "Vũ Văn Công",
        "001200000304",
        an1,
        "10/01/2023",
        "03/02/2023",
        origin(Some(CandidateSource::TradeUnion), Some(TargetGroup::PrivateEnterprise)),
    )
    .await;
    // Targets for 2020 and 2022 (none for 2021); a students' sub-target in 2020.
    store.set_target(&ctx, w.province, 2020, None, Some(2)).await.unwrap();
    store.set_target(&ctx, w.province, 2022, None, Some(1)).await.unwrap();
    store.set_target(&ctx, w.province, 2020, Some(TargetGroup::Student), Some(1)).await.unwrap();
    for year in 2020..=2022 {
        store.set_target(&ctx, w.an, year, None, Some(1)).await.unwrap();
    }

    let p = w.province.0;
    let period = "from=01/01/2020&to=31/12/2022";
    let (status, r) = app.json(&format!("/api/v1/reports/admissions?unit={p}&{period}")).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["total"]["admitted"], 3);
    // The target: 2 + 1, with 2021 named as missing and no percentage against an incomplete sum.
    let t = &r["target"];
    assert_eq!(
        (t["target"].as_u64(), t["missing_years"].clone(), t["percent"].clone()),
        (Some(3), serde_json::json!([2021]), serde_json::Value::Null),
        "{t}"
    );
    assert_eq!(t["label"], "chỉ tiêu các năm 2020–2022; chưa đặt chỉ tiêu năm 2021 (không tính là 0)");
    // By source: every source is a line, the unknown one too; they add up to the admitted.
    let sources = &r["sources"];
    assert_eq!(line(sources, "source", "doan-thanh-nien".into())["admitted"], 1);
    assert_eq!(line(sources, "source", "hoi-phu-nu".into())["admitted"], 1);
    assert_eq!(line(sources, "source", serde_json::Value::Null)["admitted"], 1);
    assert_eq!(line(sources, "source", "cong-doan".into())["admitted"], 0, "2023 is outside the period");
    // By group, with the students' sub-target of the period (2020's only: 2021, 2022 missing).
    let groups = &r["groups"];
    let students = line(groups, "group", "hoc-sinh-sinh-vien".into());
    assert_eq!((students["admitted"].as_u64(), students["target"]["target"].as_u64()), (Some(1), Some(1)));
    assert_eq!(students["target"]["missing_years"], serde_json::json!([2021, 2022]));
    assert_eq!(line(groups, "group", "khu-dan-cu".into())["admitted"], 1);
    assert_eq!(line(groups, "group", serde_json::Value::Null)["admitted"], 1);
    // By occasion: 19/5 and 2/9 of the default list; 20/3 is none.
    let occasions = &r["occasions"];
    assert_eq!(occasions["on_occasions"], 2);
    assert_eq!(occasions["list"], "3/2, 19/5, 2/9, 7/11 (mặc định)");
    assert_eq!(line(&occasions["lines"], "code", "19-5".into())["admitted"], 1);
    assert_eq!(line(&occasions["lines"], "code", "2-9".into())["admitted"], 1);
    // The rows add up to the total in every breakdown; each row has its own target.
    let rows = r["rows"].as_array().unwrap();
    let sum = |f: &dyn Fn(&serde_json::Value) -> u64| rows.iter().map(f).sum::<u64>();
    assert_eq!(sum(&|row| row["tally"]["admitted"].as_u64().unwrap()), 3);
    for (i, l) in sources.as_array().unwrap().iter().enumerate() {
        assert_eq!(sum(&|row| row["sources"][i]["admitted"].as_u64().unwrap()), l["admitted"].as_u64().unwrap(), "{l}");
    }
    for (i, l) in occasions["lines"].as_array().unwrap().iter().enumerate() {
        assert_eq!(sum(&|row| row["occasions"][i].as_u64().unwrap()), l["admitted"].as_u64().unwrap(), "{l}");
    }
    let an_row = rows.iter().find(|row| row["head"]["unit"]["id"] == w.an.0).unwrap();
    assert_eq!((an_row["target"]["target"].as_u64(), an_row["target"]["percent"].as_f64()), (Some(3), Some(33.3)));
    let binh_row = rows.iter().find(|row| row["head"]["unit"]["id"] == w.binh.0).unwrap();
    assert_eq!(binh_row["target"]["target"], serde_json::Value::Null, "no year has a target");

    // Each line opens exactly its members.
    let list = |code: &str| format!("/api/v1/members?unit={p}&admitted={code}&{period}");
    for (code, who) in [
        ("ket-nap:nguon:khong-ro", unknown),
        ("ket-nap:nguon:hoi-phu-nu", women),
        ("ket-nap:nhom:hoc-sinh-sinh-vien", youth),
        ("ket-nap:nhom:khong", women),
        ("ket-nap:dip:19-5", youth),
        ("ket-nap:dip:2-9", unknown),
    ] {
        let (status, l) = app.json(&list(code)).await;
        assert_eq!((status, l["total"].as_u64()), (200, Some(1)), "{code}: {l}");
        assert_eq!(l["items"][0]["id"], who.0, "{code}");
    }
    assert_eq!(app.json(&list("ket-nap:dip")).await.1["total"], 2);
    assert_eq!(app.json(&format!("{}&row={}", list("ket-nap:nguon:khong-ro"), w.an.0)).await.1["total"], 0, "in another row");
    let (status, bad) = app.json(&list("ket-nap:nguon:xyz")).await;
    assert_eq!((status, bad["error"]["fields"][0]["field"].as_str()), (400, Some("admitted")), "{bad}");

    // Part of a year: the whole year's target, never prorated, and the page says how far.
    let (_, q1) = app.json(&format!("/api/v1/reports/admissions?unit={p}&from=01/01/2022&to=31/03/2022")).await;
    assert_eq!(
        (q1["target"]["target"].as_u64(), q1["target"]["label"].as_str()),
        (Some(1), Some("chỉ tiêu cả năm 2022; kỳ báo cáo đến 31/03/2022"))
    );

    // The page: the sentence committees publish, and every number links to its members.
    let (status, page) = app.text(&format!("/reports/admissions?unit={p}&{period}")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(
            "kết nạp được 3 đảng viên trên tổng số 3 chỉ tiêu (chỉ tiêu các năm 2020–2022; chưa đặt chỉ tiêu năm 2021 (không tính là 0))"
        ),
        "{page}"
    );
    assert!(page.contains("2 đồng chí được xem xét kết nạp từ danh sách đoàn viên, hội viên ưu tú do các đoàn thể giới thiệu; 2 trường hợp kết nạp nhân các ngày lễ, kỷ niệm"), "{page}");
    assert!(page.contains("Không rõ nguồn") && page.contains("Theo nhóm chỉ tiêu") && page.contains("Nhân dịp lễ, kỷ niệm"));
    // CSV: a column per source, group and occasion, with the same numbers.
    let csv = app.get(&format!("/reports/admissions?unit={p}&{period}&format=csv")).await.text().await.unwrap();
    let records = crate::reports::csv_records(csv.trim_start_matches('\u{feff}'));
    let header = &records[0];
    let total = records.iter().find(|r| r[1] == "Tổng cộng").unwrap();
    let column = |name: &str| total[header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name} in {header:?}"))].as_str();
    assert_eq!(column("Nguồn: Không rõ nguồn"), "1");
    assert_eq!(column("Nhóm: Học sinh, sinh viên"), "1");
    assert_eq!(column("Nhân dịp lễ, kỷ niệm"), "2");
    assert_eq!(column("Năm chưa có chỉ tiêu"), "2021");
}

/// The 2020–2025 terms of two communes (targets 3 and 4), merged on 01/07/2025 into a new
/// commune before their terms end: the successor's report over the old term shows the inherited
/// term with the sum of the targets, and the predecessor's stops at the merger. An occasion the
/// province adds (20/3) counts from then on, in the report and in its list.
async fn a_term_cut_by_a_merger_and_an_added_occasion(app: &App) {
    let store = app.store.as_ref();
    let w = world(store).await;
    let [an1, binh1] = w.cells;
    admitted(store, "Lê Văn Thanh", "001200000311", an1, "10/05/2020", "19/05/2020", origin(Some(CandidateSource::YouthUnion), None)).await;
    let women =
        admitted(store, "Phạm Thị Hoa", "001200000312", binh1, "01/03/2021", "20/03/2021", origin(Some(CandidateSource::WomenUnion), None))
            .await;
    admitted(store, "Đỗ Văn Nam", "001200000313", binh1, "15/08/2022", "02/09/2022", origin(None, None)).await;
    admitted(store, "Vũ Văn Công", "001200000314", an1, "10/01/2023", "03/02/2023", origin(Some(CandidateSource::TradeUnion), None)).await;
    for (unit, target) in [(w.an, 3), (w.binh, 4)] {
        let body = serde_json::json!({ "first_day": "2020-08-01", "last_day": "2025-07-31", "target": target });
        let (status, v) = app.post_json(&format!("/api/v1/units/{}/terms", unit.0), &body).await;
        assert_eq!(status, 201, "{v}");
    }
    let (status, v) = app
        .post_json(
            &format!("/api/v1/units/{}/occasions", w.province.0),
            &serde_json::json!({ "day": "20/3", "name": "Ngày truyền thống của tỉnh" }),
        )
        .await;
    assert_eq!(status, 204, "{v}");
    let ctx = storage::WriteContext::new("test", support::now());
    let spec = UnitSpec {
        kind: Commune,
        code: domain::ids::UnitCode::parse("KH").unwrap(),
        name: "Đảng bộ xã Kỳ Hòa".into(),
        parent: Some(w.province),
    };
    let hoa = store
        .merge_units(&ctx, MergeUnits { sources: vec![w.an, w.binh], target: Successor::New(spec), decision: decision("01/07/2025") })
        .await
        .unwrap();

    // The successor, over the old term (by today's structure: it did not stand then).
    let (status, r) = app.json(&format!("/api/v1/reports/admissions?unit={}&from=01/08/2020&to=30/06/2025", hoa.0)).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["total"]["admitted"], 3, "{r}");
    let terms = r["terms"].as_array().unwrap();
    assert_eq!(terms.len(), 1, "{r}");
    let t = &terms[0];
    assert_eq!(
        (t["label"].as_str(), t["target"].as_u64(), t["own_term"].clone()),
        (Some("Nhiệm kỳ 2020–2025"), Some(7), serde_json::Value::Null)
    );
    assert_eq!(t["inherited_from"].as_array().unwrap().len(), 2);
    assert_eq!((t["admitted"].as_u64(), t["percent"].as_f64()), (Some(3), Some(42.9)));
    // The predecessor's term is followed up to the merger.
    let (_, before) = app.json(&format!("/api/v1/reports/admissions?unit={}&from=01/08/2020&to=30/06/2025", w.binh.0)).await;
    let t = &before["terms"][0];
    assert_eq!((t["target"].as_u64(), t["cut_on"].as_str(), t["admitted"].as_u64()), (Some(4), Some("2025-07-01"), Some(2)), "{before}");
    let (_, page) = app.text(&format!("/reports/admissions?unit={}&from=01/08/2020&to=30/06/2025", hoa.0)).await;
    assert!(
        page.contains(
            "Nhiệm kỳ 2020–2025 (01/08/2020 – 31/07/2025): chỉ tiêu nhiệm kỳ 7, kế thừa từ Đảng bộ xã Kỳ An (3), Đảng bộ xã Kỳ Bình (4)"
        ),
        "{page}"
    );

    // The added occasion: named in the list the report used, and counted.
    let (_, r) = app.json(&format!("/api/v1/reports/admissions?unit={}&from=01/01/2020&to=31/12/2023", w.province.0)).await;
    let occasions = &r["occasions"];
    assert_eq!(occasions["list"], "3/2, 19/5, 2/9, 7/11 (mặc định); 20/3 (bổ sung)");
    assert_eq!(
        (occasions["on_occasions"].as_u64(), line(&occasions["lines"], "code", "20-3".into())["admitted"].as_u64()),
        (Some(4), Some(1))
    );
    let (_, l) = app.json(&format!("/api/v1/members?unit={}&admitted=ket-nap:dip:20-3&from=01/01/2020&to=31/12/2023", w.province.0)).await;
    assert_eq!((l["total"].as_u64(), l["items"][0]["id"].as_i64()), (Some(1), Some(women.0)), "{l}");
}
