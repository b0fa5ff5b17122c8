//! The admission pipeline through the JSON API, on both engines: a candidate taken to official
//! member step by step, refusals with the rule and its source, the worklist, targets, the
//! calendar, and the `dangvu admission` / `dangvu calendar` commands of the built binary.

use serde_json::{Value, json};

use crate::http_on_both_engines;
use crate::support::{App, create_unit, official_member};

http_on_both_engines!(0; candidate_to_official_member_through_the_api);

/// Records a step with the case's current version; returns (status, body).
async fn step(app: &App, case: i64, mut fields: Value) -> (u16, Value) {
    let (_, detail) = app.json(&format!("/api/v1/admission/cases/{case}")).await;
    fields["version"] = detail["version"].clone();
    app.post_json(&format!("/api/v1/admission/cases/{case}/steps"), &fields).await
}

async fn ok_step(app: &App, case: i64, fields: Value) -> Value {
    let (status, v) = step(app, case, fields.clone()).await;
    assert_eq!(status, 201, "{fields} → {v}");
    v
}

fn codes(v: &Value) -> Vec<String> {
    v["error"]["fields"]
        .as_array()
        .map(|a| a.iter().map(|f| f["code"].as_str().unwrap_or_default().to_owned()).collect())
        .unwrap_or_default()
}

async fn candidate_to_official_member_through_the_api(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let cell = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let a = official_member(app, "Nguyễn Văn An", "001075000001", cell).await;
    let b = official_member(app, "Trần Văn Bình", "001075000002", cell).await;
    official_member(app, "Lê Văn Cường", "001075000003", cell).await;

    // A candidate with bad fields is refused field by field.
    let candidate = json!({
        "identity": {"full_name": "Phạm Thị Dung", "gender": "nu", "birth_date": "15/06/2000", "ethnicity": "kinh", "religion": "khong",
            "citizen_id": "001300000099"},
        "profile": {"general_education": "thpt", "occupation": "vien-chuc", "youth_union": true},
        "unit_id": cell, "source": "doan-thanh-nien", "helper_member_id": a,
        "certificate_number": "125/CN", "certificate_date": "10/01/2024", "certificate_issuer": "Trung tâm Chính trị huyện"
    });
    let mut bad = candidate.clone();
    bad["identity"]["citizen_id"] = json!("");
    bad["identity"]["birth_date"] = json!("31/02/2000");
    let (status, v) = app.post_json("/api/v1/admission/cases", &bad).await;
    assert_eq!(status, 422, "{v}");
    assert!(codes(&v).contains(&"required".to_owned()), "{v}");
    let (status, v) = app.post_json("/api/v1/admission/cases", &candidate).await;
    assert_eq!(status, 201, "{v}");
    let case = v["id"].as_i64().unwrap();

    // Out of order: the chi bộ cannot vote on an incomplete file; the rule and its source are given.
    let (status, v) = step(
        app,
        case,
        json!({"kind": "nghi-quyet-chi-bo", "on": "20/03/2024", "official_members": 3, "present": 3, "in_favour": 3, "against": 0}),
    )
    .await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(codes(&v), vec!["step_missing_before"]);
    assert!(v["error"]["fields"][0]["message"].as_str().unwrap().contains("Căn cứ"), "{v}");

    ok_step(app, case, json!({"kind": "don", "on": "01/02/2024"})).await;
    ok_step(app, case, json!({"kind": "ly-lich", "on": "05/02/2024"})).await;
    ok_step(app, case, json!({"kind": "tham-tra", "on": "10/02/2024", "text": "Công an xã An Phú"})).await;
    ok_step(app, case, json!({"kind": "ket-qua-tham-tra", "on": "01/03/2024", "clear": true, "text": "Lý lịch rõ ràng"})).await;
    // Youth Union introduction: the resolution plus one official member; an unknown member is refused.
    let intro = |member: i64| {
        json!({"kind": "gioi-thieu", "mode": "doan-thanh-nien", "resolution_on": "04/03/2024",
               "introducer1_member_id": member, "introducer1_on": "05/03/2024", "introducer1_since": "01/01/2020", "introducer1_together": "cu-tru"})
    };
    let (status, v) = step(app, case, intro(987_654)).await;
    assert_eq!((status, codes(&v)), (422, vec!["introducer_unknown".to_owned()]), "{v}");
    ok_step(app, case, intro(b)).await;
    ok_step(app, case, json!({"kind": "y-kien", "on": "10/03/2024"})).await;
    // More votes than members, then a valid vote.
    let (status, v) = step(
        app,
        case,
        json!({"kind": "nghi-quyet-chi-bo", "on": "20/03/2024", "official_members": 3, "present": 3, "in_favour": 5, "against": 0}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(codes(&v).contains(&"votes_exceed_members".to_owned()), "{v}");
    let v = ok_step(
        app,
        case,
        json!({"kind": "nghi-quyet-chi-bo", "on": "20/03/2024", "official_members": 3, "present": 3, "in_favour": 3, "against": 0}),
    )
    .await;
    assert_eq!(v["stage"], "awaiting_decision");
    ok_step(app, case, json!({"kind": "nghi-quyet-dang-uy", "on": "25/03/2024", "number": "15-NQ/ĐU"})).await;
    // A decision dated before the resolution is refused; the right one admits the member.
    let decision = |date: &str| json!({"kind": "quyet-dinh", "decision_number": "101-QĐ/ĐU", "decision_date": date, "issuer": "Ban Thường vụ Đảng ủy xã An Phú", "signer": "Nguyễn Văn Tâm"});
    let (status, v) = step(app, case, decision("24/03/2024")).await;
    assert_eq!((status, codes(&v)), (422, vec!["dates_out_of_order".to_owned()]), "{v}");
    let v = ok_step(app, case, decision("01/04/2024")).await;
    let member = v["member"].as_i64().expect("admitted: a member record");
    let (status, m) = app.json(&format!("/api/v1/members/{member}")).await;
    assert_eq!(status, 200);
    assert_eq!(m["identity"]["full_name"], "Phạm Thị Dung");
    assert_eq!(m["events"][0]["entry"]["event"]["kind"], "admitted", "{}", m["events"]);

    for fields in [
        json!({"kind": "nhan-quyet-dinh", "on": "05/04/2024"}),
        json!({"kind": "le-ket-nap", "on": "19/05/2024"}),
        json!({"kind": "lop-dang-vien-moi", "on": "01/08/2024", "number": "77/CN"}),
        json!({"kind": "tu-kiem-diem", "on": "20/03/2025"}),
        json!({"kind": "nhan-xet-giup-do", "on": "21/03/2025"}),
        json!({"kind": "y-kien-du-bi", "on": "25/03/2025"}),
        json!({"kind": "nghi-quyet-cong-nhan", "on": "20/05/2025", "official_members": 3, "present": 3, "in_favour": 3, "against": 0, "proposal": "cong-nhan"}),
    ] {
        ok_step(app, case, fields).await;
    }
    let v = ok_step(
        app,
        case,
        json!({"kind": "quyet-dinh-cong-nhan", "decision_number": "140-QĐ/ĐU", "decision_date": "05/06/2025",
        "issuer": "Ban Thường vụ Đảng ủy xã An Phú", "signer": "Nguyễn Văn Tâm"}),
    )
    .await;
    assert_eq!(v["stage"], "official");
    // Official on the day the 12 months from the ceremony end (19/05/2025), although decided on
    // 05/06/2025; the ceremony step wrote the ceremony on the record.
    let (_, m) = app.json(&format!("/api/v1/members/{member}")).await;
    let spans = m["history"]["spans"].as_array().unwrap();
    let official = spans.iter().find(|s| s["status"] == "chinh-thuc").expect("an official span");
    assert_eq!(official["from"], "2025-05-19");
    assert_eq!(m["history"]["probations"][0]["ceremony"], "2024-05-19");
    // Nothing more may be recorded on a finished case.
    let (status, v) = step(app, case, json!({"kind": "ngung-xem-xet", "on": "10/06/2025", "text": "x"})).await;
    assert_eq!((status, codes(&v)), (422, vec!["case_closed".to_owned()]), "{v}");

    // Worklist, targets and the calendar.
    let (status, list) = app.json(&format!("/api/v1/admission/worklist?unit={commune}")).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["open_cases"], 0);
    assert_eq!(app.json("/api/v1/admission/worklist?urgency=someday").await.0, 400);
    let (status, _) = app.put_json("/api/v1/admission/targets", &json!({"unit": commune, "year": 2024, "target": 4})).await;
    assert_eq!(status, 204);
    let (status, r) = app.json(&format!("/api/v1/admission/targets?unit={commune}&year=2024")).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["root"]["total"], json!({"target": 4, "admitted": 1, "percent": 25.0}));
    assert_eq!(r["root"]["anniversary"], 1);
    let (status, v) =
        app.put_json("/api/v1/calendar/2026", &json!({"days_off": [{"date": "24/11/2026", "name": "Ngày Văn hóa Việt Nam"}]})).await;
    assert_eq!(status, 204, "{v}");
    let (_, cal) = app.json("/api/v1/calendar/2026").await;
    assert!(cal["non_working_weekdays"].as_array().unwrap().iter().any(|d| d["date"] == "2026-11-24"), "{cal}");
    let (status, v) = app.put_json("/api/v1/calendar/2026", &json!({"days_off": [{"date": "24/11/2025", "name": "x"}]})).await;
    assert_eq!((status, codes(&v)), (422, vec!["wrong_year".to_owned()]), "{v}");
    // The OpenAPI document lists the new paths.
    let (_, doc) = app.json("/api/openapi.json").await;
    assert!(doc["paths"]["/api/v1/admission/cases/{id}/steps"].is_object());
}
