//! Who introduced an admitted member (nguồn giới thiệu) and the sub-target group (nhóm chỉ tiêu)
//! of an admission typed in a record: through the forms and the API, shown on the record, kept
//! by a correction; a code outside the lists is refused with the field named.

use domain::event::{AdmissionOrigin, Entry, EventKind};
use domain::ids::MemberId;
use domain::pipeline::{CandidateSource, TargetGroup};
use serde_json::{Value, json};
use storage::prelude::*;

use crate::http_on_both_engines;
use crate::support::{App, create_unit};

http_on_both_engines!(0; admissions_typed_in_forms_carry_their_origin, admissions_sent_to_the_api_carry_their_origin);

/// A province, a commune and a chi bộ; returns the chi bộ.
async fn cell(app: &App) -> i64 {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An", Some(province)).await;
    create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn An", Some(commune)).await
}

/// The origin of the member's admission (or readmission) event as it stands after corrections.
async fn origin_of(app: &App, id: i64, kind: &str) -> AdmissionOrigin {
    let m = app.store.member(MemberId(id)).await.unwrap();
    m.history.effective.iter().find(|(_, e)| e.kind.code().code() == kind).and_then(|(_, e)| e.kind.origin()).expect("the admission")
}

async fn admissions_typed_in_forms_carry_their_origin(app: &App) {
    let cell = cell(app).await.to_string();
    let mut fields = vec![
        ("full_name", "Lê Thị Hoa"),
        ("gender", "nu"),
        ("birth_date", "05/06/2001"),
        ("ethnicity", "kinh"),
        ("religion", "khong"),
        ("citizen_id", "001301000123"),
        ("general_education", "thpt"),
        ("occupation", "sinh-vien"),
        ("origin", "here"),
        ("adm_unit_id", cell.as_str()),
        ("adm_decision_number", "21-QĐ/ĐU"),
        ("adm_decision_date", "10/03/2025"),
        ("adm_issuer", "Đảng ủy xã An"),
        ("adm_target_group", "hoc-sinh-sinh-vien"),
    ];
    // The new-member form offers both lists, unknown first.
    let (status, body) = app.text("/members/new").await;
    assert_eq!(status, 200, "{body}");
    for expected in [
        r#"name="adm_source""#,
        r#"<option value="" selected>Không rõ</option>"#,
        r#"<option value="doan-thanh-nien">Đoàn Thanh niên Cộng sản Hồ Chí Minh</option>"#,
        r#"name="adm_target_group""#,
        "Không thuộc nhóm nào",
        "Dùng cho báo cáo kết nạp theo nguồn và theo nhóm chỉ tiêu.",
    ] {
        assert!(body.contains(expected), "{expected}: {body}");
    }
    // A code outside the list is refused under its field, in Vietnamese, the typed values kept.
    let mut bad = fields.clone();
    bad.push(("adm_source", "doan-tn"));
    let r = app.post_form("/members", &bad).await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("“doan-tn” không có trong danh mục"), "{body}");
    assert!(body.contains(r##"<a href="#f-adm_source">Nguồn giới thiệu</a>"##), "{body}");
    assert!(body.contains(r#"value="Lê Thị Hoa""#) && body.contains(r#"<option value="hoc-sinh-sinh-vien" selected>"#), "{body}");
    assert_eq!(app.store.find_members(&storage::MemberQuery::new(crate::support::today())).await.unwrap().total, 0);

    fields.push(("adm_source", "doan-thanh-nien"));
    let r = app.post_form("/members", &fields).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let location = r.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    let youth = AdmissionOrigin { source: Some(CandidateSource::YouthUnion), target_group: Some(TargetGroup::Student) };
    assert_eq!(origin_of(app, id, "ket-nap").await, youth);
    let (_, body) = app.text(&location).await;
    let line = "Tại Chi bộ thôn An; nguồn: Đoàn Thanh niên Cộng sản Hồ Chí Minh; nhóm chỉ tiêu: Học sinh, sinh viên";
    assert!(body.contains(line), "{line}: {body}");

    // The correction form starts from the stored origin; a correction changes the source and
    // takes the group away.
    let m = app.store.member(MemberId(id)).await.unwrap();
    let admission = m.events.iter().find(|e| matches!(&e.entry, Entry::Event(x) if matches!(x.kind, EventKind::Admitted { .. }))).unwrap();
    let path = format!("/members/{id}/events/{}/correct", admission.id.0);
    let (_, body) = app.text(&path).await;
    assert!(body.contains(r#"<option value="doan-thanh-nien" selected>"#), "{body}");
    assert!(body.contains(r#"<option value="hoc-sinh-sinh-vien" selected>"#), "{body}");
    let version = m.version.to_string();
    let correction = [
        ("version", version.as_str()),
        ("action", "replace"),
        ("correction_reason", "Ghi nhầm nguồn giới thiệu"),
        ("kind", "ket-nap"),
        ("unit_id", cell.as_str()),
        ("decision_number", "21-QĐ/ĐU"),
        ("decision_date", "10/03/2025"),
        ("issuer", "Đảng ủy xã An"),
        ("source", "cong-doan"),
        ("target_group", ""),
    ];
    let r = app.post_form(&path, &correction).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    assert_eq!(origin_of(app, id, "ket-nap").await, AdmissionOrigin { source: Some(CandidateSource::TradeUnion), target_group: None });
    let (_, body) = app.text(&location).await;
    assert!(body.contains("Tại Chi bộ thôn An; nguồn: Công đoàn"), "{body}");

    // The readmission form of a member struck off more than 36 months ago asks for both too.
    let struck = struck_off_member(app, &cell).await;
    let (_, body) = app.text(&format!("/members/{struck}/events/new?kind=ket-nap-lai")).await;
    assert!(body.contains(r#"name="source""#) && body.contains(r#"name="target_group""#) && body.contains("Không rõ"), "{body}");
    let version = app.store.member(MemberId(struck)).await.unwrap().version.to_string();
    let mut readmit = vec![
        ("version", version.as_str()),
        ("kind", "ket-nap-lai"),
        ("unit_id", cell.as_str()),
        ("decision_number", "40-QĐ/ĐU"),
        ("decision_date", "02/10/2025"),
        ("issuer", "Đảng ủy xã An"),
        ("source", "cuu-chien-binh"),
    ];
    let mut bad = readmit.clone();
    bad.push(("target_group", "nong-thon"));
    let r = app.post_form(&format!("/members/{struck}/events"), &bad).await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("Nhóm chỉ tiêu “nong-thon” không có trong danh mục"), "{body}");
    assert!(body.contains(r#"<option value="cuu-chien-binh" selected>"#) && body.contains(r#"value="40-QĐ/ĐU""#), "{body}");
    readmit.push(("target_group", "khu-dan-cu"));
    let r = app.post_form(&format!("/members/{struck}/events"), &readmit).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let veterans = AdmissionOrigin { source: Some(CandidateSource::Veterans), target_group: Some(TargetGroup::Residential) };
    assert_eq!(origin_of(app, struck, "ket-nap-lai").await, veterans);
    let (_, body) = app.text(&format!("/members/{struck}")).await;
    assert!(body.contains("nguồn: Hội Cựu chiến binh; nhóm chỉ tiêu: Thôn, tổ dân phố, khu dân cư"), "{body}");
}

/// An official member since 2006, struck off in 2018 for unpaid dues (readmittable); returns its id.
async fn struck_off_member(app: &App, cell: &str) -> i64 {
    let cell: i64 = cell.parse().unwrap();
    let body = json!({
        "identity": {"full_name": "Trần Văn Bảy", "gender": "nam", "birth_date": "12/03/1975", "ethnicity": "kinh", "religion": "khong", "citizen_id": "001075000777"},
        "profile": {"general_education": "thpt", "occupation": "vien-chuc"},
        "events": [
            {"kind": "ket-nap", "unit_id": cell, "decision_number": "21-QĐ/ĐU", "decision_date": "10/03/2005", "issuer": "Đảng ủy xã"},
            {"kind": "le-ket-nap", "effective_date": "10/03/2005"},
            {"kind": "cong-nhan-chinh-thuc", "effective_date": "10/03/2006", "decision_number": "30-QĐ/ĐU", "decision_date": "20/03/2006", "issuer": "Đảng ủy xã"},
            {"kind": "xoa-ten", "reason": "khong-dong-dang-phi", "effective_date": "20/03/2018", "decision_number": "31-QĐ/ĐU", "decision_date": "20/03/2018", "issuer": "Đảng ủy xã"}
        ]
    });
    let (status, v) = app.post_json("/api/v1/members", &body).await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_i64().unwrap()
}

fn fields_named(v: &Value) -> Vec<(String, String)> {
    v["error"]["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| (f["field"].as_str().unwrap_or("").to_owned(), f["code"].as_str().unwrap_or("").to_owned()))
        .collect()
}

async fn admissions_sent_to_the_api_carry_their_origin(app: &App) {
    let cell = cell(app).await;
    let body = |source: &str, group: &str| {
        json!({
            "identity": {"full_name": "Phạm Văn Tư", "gender": "nam", "birth_date": "12/03/1995", "ethnicity": "kinh", "religion": "khong", "citizen_id": "001095000444"},
            "profile": {"general_education": "thpt", "occupation": "dn-cong-nhan"},
            "events": [
                {"kind": "ket-nap", "unit_id": cell, "decision_number": "21-QĐ/ĐU", "decision_date": "10/03/2025", "issuer": "Đảng ủy xã",
                 "source": source, "target_group": group}
            ]
        })
    };
    // A code outside a list does not match the document: a 400 that names the field (like any
    // code outside its list, see `http::bad_input_is_refused_clearly`); nothing is written.
    for (source, group, field) in
        [("doan-tn", "doanh-nghiep-tu-nhan", "events[0].source"), ("cong-doan", "nong-thon", "events[0].target_group")]
    {
        let (status, v) = app.post_json("/api/v1/members", &body(source, group)).await;
        assert_eq!((status, v["error"]["code"].as_str()), (400, Some("bad_request")), "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains(field), "{field}: {v}");
    }
    assert_eq!(app.json("/api/v1/members?status=all").await.1["total"], 0);

    let (status, v) = app.post_json("/api/v1/members", &body("cong-doan", "doanh-nghiep-tu-nhan")).await;
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    // The member's JSON gives the origin back on the admission event.
    let (status, m) = app.json(&format!("/api/v1/members/{id}")).await;
    assert_eq!(status, 200, "{m}");
    let admission = m["events"].as_array().unwrap().iter().find(|e| e["entry"]["event"]["kind"] == "admitted").expect("the admission");
    assert_eq!(admission["entry"]["event"]["origin"], json!({"source": "cong-doan", "target_group": "doanh-nghiep-tu-nhan"}), "{m}");
    // A correction through the API changes the source; an unknown group is refused, field named.
    let event = admission["id"].as_i64().unwrap();
    let version = m["version"].as_i64().unwrap();
    let correction = |source: &str, group: Option<&str>| {
        let mut event = json!({"kind": "ket-nap", "unit_id": cell, "decision_number": "21-QĐ/ĐU", "decision_date": "10/03/2025",
            "issuer": "Đảng ủy xã", "source": source});
        if let Some(g) = group {
            event["target_group"] = json!(g);
        }
        json!({"version": version, "reason": "Ghi nhầm nguồn", "event": event})
    };
    let path = format!("/api/v1/members/{id}/events/{event}/corrections");
    let (status, v) = app.post_json(&path, &correction("hoi-phu-nu", Some("ca-nhan"))).await;
    assert_eq!(status, 400, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("event.target_group"), "{v}");
    let (status, v) = app.post_json(&path, &correction("hoi-phu-nu", None)).await;
    assert_eq!(status, 201, "{v}");
    let (_, m) = app.json(&format!("/api/v1/members/{id}")).await;
    let events = m["events"].as_array().unwrap();
    let latest = events.iter().rev().find(|e| e["corrects"] == json!(event)).expect("the correction");
    assert_eq!(latest["entry"]["event"]["origin"], json!({"source": "hoi-phu-nu", "target_group": null}), "{m}");
    // A rule refused in the parse (not the document) still names its field: an empty unit with
    // an origin is a 422 on `event`'s own fields.
    let (status, v) =
        app.post_json(&path, &json!({"version": version + 1, "reason": "x", "event": {"kind": "ket-nap", "source": "khac"}})).await;
    assert_eq!(status, 422, "{v}");
    assert!(!fields_named(&v).is_empty(), "{v}");

    // The document shows both fields on the event body and on the stored event.
    let (_, doc) = app.json("/api/openapi.json").await;
    let schemas = &doc["components"]["schemas"];
    for name in ["source", "target_group"] {
        assert!(schemas["EventBody"]["properties"][name].is_object(), "EventBody.{name}: {}", schemas["EventBody"]);
        assert!(schemas["AdmissionOrigin"]["properties"][name].is_object(), "AdmissionOrigin.{name}: {}", schemas["AdmissionOrigin"]);
    }
    let text = schemas["EventKind"].to_string();
    assert!(text.contains("#/components/schemas/AdmissionOrigin"), "EventKind: {text}");
    for (name, list, code) in [("source", "CandidateSource", "doan-thanh-nien"), ("target_group", "TargetGroup", "khu-dan-cu")] {
        let field = schemas["EventBody"]["properties"][name].to_string();
        assert!(field.contains(&format!("#/components/schemas/{list}")), "{name}: {field}");
        assert!(schemas[list]["enum"].as_array().unwrap().contains(&json!(code)), "{list}: {}", schemas[list]);
    }
}
