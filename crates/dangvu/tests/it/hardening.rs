//! Holes found when the register was probed as an attacker and as a rules expert would: units
//! named inside request bodies are checked against the caller's scope (a transfer out goes in
//! transit and the receiving side accepts), a record never becomes unreachable, and probation runs
//! from the admission ceremony.

use domain::access::{Grant, Role};
use serde_json::{Value, json};
use storage::prelude::*;

use crate::http_on_both_engines;
use crate::support::{self, App};

http_on_both_engines!(
    0;
    units_in_bodies_stay_in_scope,
    transfers_go_in_transit_until_accepted,
    records_never_vanish,
    probation_from_the_ceremony,
    names_are_told_only_within_the_scope
);

/// Province T with communes A (chi bộ A1, A2) and B (chi bộ B1); staff of commune A and of
/// commune B, each with an API token.
struct World {
    a1: i64,
    a2: i64,
    b1: i64,
    commune_a: i64,
    commune_b: i64,
    staff_a: Staff,
    staff_b: Staff,
}

/// Someone calling the API with their own token.
struct Staff {
    base: String,
    token: String,
    client: reqwest::Client,
}

impl Staff {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> (u16, Value) {
        let mut req = self.client.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }
}

fn decision(on: &str) -> Value {
    json!({"effective_date": on, "decision_number": "15-QĐ/TU", "decision_date": on, "issuer": "Ban Thường vụ Tỉnh ủy"})
}

fn with(mut a: Value, b: Value) -> Value {
    a.as_object_mut().unwrap().extend(b.as_object().unwrap().clone());
    a
}

async fn create_unit(app: &App, kind: &str, code: &str, name: &str, parent: Option<i64>) -> i64 {
    let body = with(json!({"kind": kind, "code": code, "name": name, "parent_id": parent}), decision("1980-01-01"));
    let (status, v) = app.post_json("/api/v1/units", &body).await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_i64().unwrap()
}

async fn staff(app: &App, name: &str, unit: i64) -> Staff {
    let grant = Grant { role: Role::OrgBoardStaff, unit: Some(domain::ids::UnitId(unit)) };
    let account = support::account(app.store.as_ref(), name, vec![grant], None).await;
    Staff { base: app.base.clone(), token: support::token(app.store.as_ref(), account).await, client: reqwest::Client::new() }
}

async fn world(app: &App) -> World {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune_a = create_unit(app, "xa-phuong", "A", "Đảng bộ xã An Phú", Some(province)).await;
    let commune_b = create_unit(app, "xa-phuong", "B", "Đảng bộ xã Bình Lợi", Some(province)).await;
    let a1 = create_unit(app, "chi-bo-co-so", "A1", "Chi bộ thôn Đông", Some(commune_a)).await;
    let a2 = create_unit(app, "chi-bo-co-so", "A2", "Chi bộ thôn Tây", Some(commune_a)).await;
    let b1 = create_unit(app, "chi-bo-co-so", "B1", "Chi bộ thôn Bắc", Some(commune_b)).await;
    World { a1, a2, b1, commune_a, commune_b, staff_a: staff(app, "xa.a", commune_a).await, staff_b: staff(app, "xa.b", commune_b).await }
}

fn identity(name: &str, cccd: &str) -> Value {
    json!({"full_name": name, "gender": "nam", "birth_date": "1985-03-12", "ethnicity": "kinh", "religion": "khong", "citizen_id": cccd})
}

fn admission(cell: i64, on: &str) -> Value {
    json!({"kind": "ket-nap", "unit_id": cell, "decision_number": "21-QĐ/ĐU", "decision_date": on, "issuer": "Đảng ủy xã"})
}

fn new_member(name: &str, cccd: &str, events: Vec<Value>) -> Value {
    json!({
        "identity": identity(name, cccd),
        "profile": {"general_education": "thpt", "professional": "dai-hoc", "occupation": "vien-chuc"},
        "events": events,
    })
}

/// An official member of `cell` made by `who`: admitted 10/03/2015, ceremony 25/03/2015,
/// recognized 25/03/2016.
async fn official(who: &Staff, name: &str, cccd: &str, cell: i64) -> i64 {
    let events = vec![
        admission(cell, "2015-03-10"),
        json!({"kind": "le-ket-nap", "effective_date": "2015-03-25"}),
        with(json!({"kind": "cong-nhan-chinh-thuc"}), decision("2016-03-25")),
    ];
    let (status, v) = who.post("/api/v1/members", &new_member(name, cccd, events)).await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_i64().unwrap()
}

async fn version(who: &Staff, member: i64) -> i64 {
    let (status, m) = who.get(&format!("/api/v1/members/{member}")).await;
    assert_eq!(status, 200, "{m}");
    m["version"].as_i64().unwrap()
}

/// The unit of the member's latest span.
async fn unit_of(app: &App, member: i64) -> (Value, Value) {
    let (_, m) = app.json(&format!("/api/v1/members/{member}")).await;
    let last = m["history"]["spans"].as_array().unwrap().last().unwrap().clone();
    (last["unit"].clone(), last["status"].clone())
}

fn field_error(v: &Value) -> (String, String) {
    let f = &v["error"]["fields"][0];
    (f["field"].as_str().unwrap_or_default().to_owned(), f["code"].as_str().unwrap_or_default().to_owned())
}

async fn units_in_bodies_stay_in_scope(app: &App) {
    let w = world(app).await;
    let m = official(&w.staff_a, "Nguyễn Văn Tự", "001085000001", w.a1).await;
    let before = app.json(&format!("/api/v1/members/{m}/events")).await.1;

    // Every event that would place the member in another commune's chi bộ is refused, with the
    // field that names it; the member stays where they were.
    let v = version(&w.staff_a, m).await;
    let out_of_scope = [
        with(json!({"kind": "dieu-chuyen", "to_unit_id": w.b1}), decision("2026-01-05")),
        with(json!({"kind": "chuyen-den", "mode": "chinh-thuc", "unit_id": w.b1}), decision("2026-01-05")),
        with(json!({"kind": "ket-nap-lai", "unit_id": w.b1}), decision("2026-01-05")),
        with(json!({"kind": "chuyen-di", "mode": "chinh-thuc", "unit_id": w.b1, "to_unit_id": w.a2}), decision("2026-01-05")),
    ];
    for event in out_of_scope {
        let (status, body) = w.staff_a.post(&format!("/api/v1/members/{m}/events"), &json!({"version": v, "event": event.clone()})).await;
        assert_eq!(status, 422, "{event}: {body}");
        assert_eq!(field_error(&body).1, "out_of_scope", "{event}: {body}");
    }
    // A correction that moves the admission to another commune is refused the same way.
    let admitted = before[0]["id"].as_i64().unwrap();
    let correction = json!({"version": v, "reason": "nhập sai chi bộ", "event": admission(w.b1, "2015-03-10")});
    let (status, body) = w.staff_a.post(&format!("/api/v1/members/{m}/events/{admitted}/corrections"), &correction).await;
    assert_eq!((status, field_error(&body)), (422, ("unit_id".to_owned(), "out_of_scope".to_owned())), "{body}");
    // Creating a record in scope and moving it out in the same request is refused too.
    let sneaky = vec![admission(w.a1, "2015-03-10"), with(json!({"kind": "dieu-chuyen", "to_unit_id": w.b1}), decision("2016-01-05"))];
    let (status, body) = w.staff_a.post("/api/v1/members", &new_member("Lê Văn Lén", "001085000002", sneaky)).await;
    assert_eq!((status, field_error(&body)), (422, ("events[1].to_unit_id".to_owned(), "out_of_scope".to_owned())), "{body}");
    // The same through the page form.
    let (client, csrf) = page_session(app, "xa.a.page", w.commune_a).await;
    let res = client
        .post(app.url(&format!("/members/{m}/events")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("version", &v.to_string()),
            ("kind", "dieu-chuyen"),
            ("to_unit_id", &w.b1.to_string()),
            ("effective_date", "05/01/2026"),
            ("decision_number", "15-QĐ/TU"),
            ("decision_date", "05/01/2026"),
            ("issuer", "Ban Thường vụ"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("nằm ngoài phạm vi"));

    // Nothing of it was written: the record, its version and its events are as they were.
    assert_eq!(version(&w.staff_a, m).await, v);
    assert_eq!(app.json(&format!("/api/v1/members/{m}/events")).await.1, before);
    assert_eq!(unit_of(app, m).await.0, json!({"internal": w.a1}));
    assert_eq!(app.json("/api/v1/members?q=len&status=all").await.1["total"], 0);
    // Within the commune, a reassignment is fine.
    let (status, body) = w
        .staff_a
        .post(
            &format!("/api/v1/members/{m}/events"),
            &json!({"version": v, "event": with(json!({"kind": "dieu-chuyen", "to_unit_id": w.a2}), decision("2026-01-05"))}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

/// A logged-in page session of a new staff account of unit `unit`.
async fn page_session(app: &App, name: &str, unit: i64) -> (reqwest::Client, String) {
    let grant = Grant { role: Role::OrgBoardStaff, unit: Some(domain::ids::UnitId(unit)) };
    support::account(app.store.as_ref(), name, vec![grant], None).await;
    let client = support::browser();
    assert_eq!(support::login(&app.base, &client, name, support::PASSWORD).await.status().as_u16(), 303);
    let csrf = support::session_csrf(&app.base, &client).await;
    (client, csrf)
}

async fn transfers_go_in_transit_until_accepted(app: &App) {
    let w = world(app).await;
    let m = official(&w.staff_a, "Trần Thị Chuyển", "001185000003", w.a1).await;
    // Commune A may send a member to commune B: the letter names B's committee.
    let v = version(&w.staff_a, m).await;
    let out = json!({"version": v, "event": with(json!({"kind": "chuyen-di", "mode": "chinh-thuc", "unit_id": w.a1, "to_unit_id": w.commune_b}), decision("2026-10-01"))});
    let (status, body) = w.staff_a.post(&format!("/api/v1/members/{m}/events"), &out).await;
    assert_eq!(status, 201, "{body}");
    let transfer_out = body["id"].as_i64().unwrap();
    assert_eq!(unit_of(app, m).await, (json!({"internal": w.a1}), json!("da-chuyen-di")));

    // In transit, the sender can no longer change the record…
    let v = version(&w.staff_a, m).await;
    let edit = json!({"version": v, "identity": identity("Trần Thị Chuyển Sửa", "001185000003")});
    let (status, body) = w.staff_a.put(&format!("/api/v1/members/{m}"), &edit).await;
    assert_eq!((status, body["error"]["fields"][0]["code"].as_str()), (422, Some("in_transit")), "{body}");
    let died = json!({"version": v, "event": {"kind": "tu-tran", "effective_date": "2026-11-01"}});
    let (status, body) = w.staff_a.post(&format!("/api/v1/members/{m}/events"), &died).await;
    assert_eq!((status, field_error(&body).1.as_str()), (422, "in_transit"), "{body}");
    // …nor void anything but the transfer itself.
    let events = app.json(&format!("/api/v1/members/{m}/events")).await.1;
    let admitted = events[0]["id"].as_i64().unwrap();
    let void = json!({"version": v, "void": true, "reason": "nhầm"});
    let (status, body) = w.staff_a.post(&format!("/api/v1/members/{m}/events/{admitted}/corrections"), &void).await;
    assert_eq!((status, field_error(&body).1.as_str()), (422, "in_transit"), "{body}");

    // The receiving side sees the member in transit to its units, with the record as left.
    let (status, list) = w.staff_b.get(&format!("/api/v1/units/{}/arriving", w.commune_b)).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list.as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![m]);
    assert_eq!(w.staff_b.get(&format!("/api/v1/members/{m}")).await.0, 200);
    // The unit page lists them with the acceptance button.
    let (client, _) = page_session(app, "xa.b.page", w.commune_b).await;
    let html = client.get(app.url(&format!("/units/{}", w.commune_b))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Đang chuyển đến (1)") && html.contains(&format!("/members/{m}/events/new?kind=chuyen-den")), "{html}");
    let html = client.get(app.url(&format!("/members/{m}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Tiếp nhận sinh hoạt") && !html.contains("Sửa lý lịch"), "{html}");
    // Commune A's list is not B's: nothing is arriving there.
    assert_eq!(w.staff_a.get(&format!("/api/v1/units/{}/arriving", w.commune_a)).await.1, json!([]));
    // B may not edit the record either; it records the acceptance into its chi bộ.
    let (status, _) = w.staff_b.put(&format!("/api/v1/members/{m}"), &edit).await;
    assert_eq!(status, 422);
    let accept =
        json!({"version": v, "event": with(json!({"kind": "chuyen-den", "mode": "chinh-thuc", "unit_id": w.b1}), decision("2026-10-20"))});
    let (status, body) = w.staff_b.post(&format!("/api/v1/members/{m}/events"), &accept).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(unit_of(app, m).await, (json!({"internal": w.b1}), json!("chinh-thuc")));
    // Now the record is B's: A no longer reaches it, and nothing is arriving.
    assert_eq!(w.staff_a.get(&format!("/api/v1/members/{m}")).await.0, 404);
    assert_eq!(w.staff_b.get(&format!("/api/v1/units/{}/arriving", w.commune_b)).await.1, json!([]));
    let _ = transfer_out;

    // The sender may cancel a transfer while it waits: the member is back on A's list.
    let back = official(&w.staff_a, "Phạm Văn Quay", "001085000004", w.a1).await;
    let v = version(&w.staff_a, back).await;
    let out = json!({"version": v, "event": with(json!({"kind": "chuyen-di", "mode": "chinh-thuc", "unit_id": w.a1, "to_unit_id": w.b1}), decision("2026-10-01"))});
    let (_, body) = w.staff_a.post(&format!("/api/v1/members/{back}/events"), &out).await;
    let pending = body["id"].as_i64().unwrap();
    // The receiver cannot cancel it.
    let cancel = json!({"version": v + 1, "void": true, "reason": "Chưa đi"});
    assert_eq!(w.staff_b.post(&format!("/api/v1/members/{back}/events/{pending}/corrections"), &cancel).await.0, 403);
    let (status, body) = w.staff_a.post(&format!("/api/v1/members/{back}/events/{pending}/corrections"), &cancel).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(unit_of(app, back).await, (json!({"internal": w.a1}), json!("chinh-thuc")));
    assert_eq!(w.staff_b.get(&format!("/api/v1/members/{back}")).await.0, 404);
}

async fn records_never_vanish(app: &App) {
    let w = world(app).await;
    let (status, body) =
        app.post_json("/api/v1/members", &new_member("Đỗ Văn Còn", "001085000005", vec![admission(w.a1, "2024-03-10")])).await;
    assert_eq!(status, 201, "{body}");
    let m = body["id"].as_i64().unwrap();
    let events = app.json(&format!("/api/v1/members/{m}/events")).await.1;
    let only = events[0]["id"].as_i64().unwrap();
    let v = app.json(&format!("/api/v1/members/{m}")).await.1["version"].as_i64().unwrap();
    // Voiding the only event would leave a record nobody can reach: refused, nothing written.
    let (status, body) = app
        .post_json(&format!("/api/v1/members/{m}/events/{only}/corrections"), &json!({"version": v, "void": true, "reason": "nhập nhầm"}))
        .await;
    assert_eq!((status, field_error(&body).1.as_str()), (422, "record_emptied"), "{body}");
    assert_eq!(app.json(&format!("/api/v1/members/{m}")).await.0, 200);
    assert_eq!(app.json("/api/v1/members?q=do+van+con").await.1["total"], 1);
    // Replacing it instead keeps the record reachable.
    let fix = json!({"version": v, "reason": "sai chi bộ", "event": admission(w.a2, "2024-03-10")});
    assert_eq!(app.post_json(&format!("/api/v1/members/{m}/events/{only}/corrections"), &fix).await.0, 201);
    assert_eq!(unit_of(app, m).await.0, json!({"internal": w.a2}));
}

async fn probation_from_the_ceremony(app: &App) {
    let w = world(app).await;
    let (status, body) =
        app.post_json("/api/v1/members", &new_member("Vũ Thị Lễ", "001185000006", vec![admission(w.a1, "2025-01-10")])).await;
    assert_eq!(status, 201, "{body}");
    let m = body["id"].as_i64().unwrap();
    let events = |v: i64, e: Value| json!({"version": v, "event": e});
    let v = app.json(&format!("/api/v1/members/{m}")).await.1["version"].as_i64().unwrap();
    // No ceremony yet: no official date, and no recognition.
    let html = app.text(&format!("/members/{m}")).await.1;
    assert!(html.contains("Chưa tổ chức lễ kết nạp"), "{html}");
    let recognize = |on: &str| with(decision("2026-03-01"), json!({"kind": "cong-nhan-chinh-thuc", "effective_date": on}));
    let (status, body) = app.post_json(&format!("/api/v1/members/{m}/events"), &events(v, recognize("2026-01-10"))).await;
    assert_eq!((status, field_error(&body).1.as_str()), (422, "no_ceremony"), "{body}");
    // The chi bộ's ceremony on 05/02/2025 (its record carries no number).
    let ceremony = json!({"kind": "le-ket-nap", "effective_date": "2025-02-05", "note": "Biên bản lễ kết nạp"});
    let (status, body) = app.post_json(&format!("/api/v1/members/{m}/events"), &events(v, ceremony)).await;
    assert_eq!(status, 201, "{body}");
    let html = app.text(&format!("/members/{m}")).await.1;
    assert!(html.contains("05/02/2025") && html.contains("Dự kiến 05/02/2026"), "{html}");
    // Twelve months from the decision is too early; twelve from the ceremony is the day.
    let (status, body) = app.post_json(&format!("/api/v1/members/{m}/events"), &events(v + 1, recognize("2026-01-10"))).await;
    assert_eq!((status, field_error(&body).1.as_str()), (422, "recognition_date"), "{body}");
    assert!(body["error"]["fields"][0]["message"].as_str().unwrap().contains("05/02/2026"), "{body}");
    let (status, body) = app.post_json(&format!("/api/v1/members/{m}/events"), &events(v + 1, recognize("2026-02-05"))).await;
    assert_eq!(status, 201, "{body}");
    let (_, member) = app.json(&format!("/api/v1/members/{m}")).await;
    assert_eq!(member["history"]["probations"][0]["ceremony"], "2025-02-05");
    // Party age still runs from the decision.
    let first = &member["history"]["spans"][0];
    assert_eq!((first["from"].as_str(), first["status"].as_str()), (Some("2025-01-10"), Some("du-bi")));
}

/// The candidate of the add form (as in the pages test), with a helper named by number.
fn candidate_form(helper: &str) -> Vec<(&'static str, String)> {
    [
        ("full_name", "Phạm Thị Lan"),
        ("gender", "nu"),
        ("birth_date", "12/05/2001"),
        ("ethnicity", "kinh"),
        ("religion", "khong"),
        ("citizen_id", "001301012345"),
        ("general_education", "thpt"),
        ("occupation", "vien-chuc"),
        ("youth_union", "true"),
        ("source", "doan-thanh-nien"),
        ("certificate_number", "125/GCN"),
        ("certificate_date", "02/01/2026"),
        ("certificate_issuer", "Trung tâm Chính trị"),
        ("helper_member_id", helper),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

async fn post_page(client: &reqwest::Client, app: &App, csrf: &str, path: &str, fields: &[(&str, String)]) -> (u16, String) {
    let mut form: Vec<(&str, &str)> = vec![("_csrf", csrf)];
    form.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
    let res = client.post(app.url(path)).form(&form).send().await.unwrap();
    let status = res.status().as_u16();
    if status == 303 {
        let location = res.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
        return (status, location);
    }
    (status, res.text().await.unwrap_or_default())
}

async fn names_are_told_only_within_the_scope(app: &App) {
    let w = world(app).await;
    // An official member of commune B with a party card; commune A's staff may not read them.
    let events = vec![
        admission(w.b1, "2015-03-10"),
        json!({"kind": "le-ket-nap", "effective_date": "2015-03-25"}),
        with(json!({"kind": "cong-nhan-chinh-thuc"}), decision("2016-03-25")),
    ];
    let mut body = new_member("Trần Văn Ngoài", "001085000009", events);
    body["identity"]["party_card_number"] = json!("12345678");
    let (status, v) = app.post_json("/api/v1/members", &body).await;
    assert_eq!(status, 201, "{v}");
    let outsider = v["id"].as_i64().unwrap();
    let (client, csrf) = page_session(app, "xa.a.names", w.commune_a).await;

    // A helper named by a number outside the scope reads like a number that does not exist.
    let (status, html) =
        post_page(&client, app, &csrf, &format!("/units/{}/admission/new", w.a1), &candidate_form(&outsider.to_string())).await;
    assert_eq!(status, 422);
    assert!(html.contains(&format!("Không tìm thấy đảng viên mã số {outsider} trong phạm vi")), "{html}");
    assert!(!html.contains("Ngoài"), "the name leaked: {html}");
    let (status, html) = post_page(&client, app, &csrf, &format!("/units/{}/admission/new", w.a1), &candidate_form("999999")).await;
    assert_eq!(status, 422);
    assert!(html.contains("Không tìm thấy đảng viên mã số 999999 trong phạm vi"), "{html}");

    // A duplicate citizen id held outside the scope: taken elsewhere, by whom is not said.
    let (status, v) = w.staff_a.post("/api/v1/members", &new_member("Ai Đó", "001085000009", vec![admission(w.a1, "2020-01-10")])).await;
    assert_eq!(status, 422, "{v}");
    let message = v["error"]["fields"][0]["message"].as_str().unwrap();
    assert!(message.contains("tổ chức khác") && !message.contains("Ngoài") && !message.contains(&outsider.to_string()), "{message}");
    // The administrator, who may read the member, is told who holds it.
    let (_, v) = app.post_json("/api/v1/members", &new_member("Ai Đó", "001085000009", vec![admission(w.a1, "2020-01-10")])).await;
    assert!(v["error"]["fields"][0]["message"].as_str().unwrap().contains("Trần Văn Ngoài"), "{v}");

    // A case of A1 up to the introduction, then the introduction through the step form.
    let (status, location) = post_page(&client, app, &csrf, &format!("/units/{}/admission/new", w.a1), &candidate_form("")).await;
    assert_eq!(status, 303, "{location}");
    let case: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    let ctx = storage::WriteContext::new("test", support::now());
    let on = |s: &str| domain::dates::parse_date(s).unwrap();
    let steps = [
        domain::pipeline::StepData::Application { on: on("01/02/2026") },
        domain::pipeline::StepData::Autobiography { on: on("05/02/2026") },
        domain::pipeline::StepData::VerificationRequest { on: on("10/02/2026"), to: "Công an xã".into() },
        domain::pipeline::StepData::VerificationResult { on: on("01/03/2026"), clear: true, summary: "Rõ ràng".into() },
    ];
    for (i, step) in steps.into_iter().enumerate() {
        app.store.record_step(&ctx, case, i as i64 + 1, step).await.unwrap();
    }
    let intro = |who: Vec<(&'static str, String)>| {
        let mut f: Vec<(&'static str, String)> = vec![
            ("kind", "gioi-thieu".into()),
            ("version", "5".into()),
            ("mode", "doan-thanh-nien".into()),
            ("resolution_on", "04/03/2026".into()),
            ("introducer1_on", "05/03/2026".into()),
            ("introducer1_since", "01/01/2020".into()),
            ("introducer1_together", "cong-tac".into()),
        ];
        f.extend(who);
        f
    };
    let path = format!("/admission/cases/{case}/steps/new?kind=gioi-thieu");
    // By number, outside the scope: unknown, nameless.
    let (status, html) = post_page(&client, app, &csrf, &path, &intro(vec![("introducer1_member_id", outsider.to_string())])).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains(&format!("Không tìm thấy đảng viên mã số {outsider} trong phạm vi")) && !html.contains("Ngoài"), "{html}");
    // By name and card number: a wrong pair does not match, and says nothing more.
    let wrong = vec![("introducer1_name", "Trần Văn Khác".to_owned()), ("introducer1_card", "12345678".to_owned())];
    let (status, html) = post_page(&client, app, &csrf, &path, &intro(wrong)).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("Trần Văn Khác (thẻ đảng viên số 12345678) không khớp với sổ đảng viên") && !html.contains("Ngoài"), "{html}");
    // The right pair (typed without diacritics) identifies the member; the Charter checks run on them.
    let right = vec![("introducer1_name", "Tran Van Ngoai".to_owned()), ("introducer1_card", "12345678".to_owned())];
    let (status, html) = post_page(&client, app, &csrf, &path, &intro(right)).await;
    assert_eq!(status, 303, "{html}");
    let page = client.get(app.url(&format!("/admission/cases/{case}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Tran Van Ngoai (thẻ đảng viên số 12345678) — tổ chức khác"), "{page}");
    assert!(!page.contains("Trần Văn Ngoài"), "only what was typed is shown");
}
