//! Directives through the API and the pages: the province sends to its communes; the API's codes
//! (400 for a body that does not match its schema, 422 for a rule, 403 for acting for a unit that
//! is not one's own, 404 outside the reach, 409 for a stale version); each commune reads only its
//! own receipt and opening records it; the pages send, report and remind; the badge counts what
//! is to do; the table downloads; statuses follow the server's clock.

use chrono::NaiveDate;
use domain::access::{Grant, Role};
use domain::ids::UnitId;
use serde_json::{Value, json};

use crate::http_on_both_engines;
use crate::support::{self, App, PASSWORD, create_unit};

http_on_both_engines!(0; directives_through_the_api, directives_through_the_pages, directive_files_through_the_pages_and_the_api);

/// A person with one grant: an API token and a logged-in browser with its anti-forgery token.
struct Person {
    token: String,
    web: reqwest::Client,
    csrf: String,
}

async fn person(app: &App, username: &str, role: Role, unit: i64) -> Person {
    let account = support::account(app.store.as_ref(), username, vec![Grant { role, unit: Some(UnitId(unit)) }], None).await;
    let token = support::token(app.store.as_ref(), account).await;
    let web = support::browser();
    assert_eq!(support::login(&app.base, &web, username, PASSWORD).await.status().as_u16(), 303);
    let csrf = support::session_csrf(&app.base, &web).await;
    Person { token, web, csrf }
}

impl Person {
    /// Logs in again (after the test moved the server's clock past the session's life).
    async fn relogin(&mut self, app: &App, username: &str) {
        self.web = support::browser();
        assert_eq!(support::login(&app.base, &self.web, username, PASSWORD).await.status().as_u16(), 303);
        self.csrf = support::session_csrf(&app.base, &self.web).await;
    }

    async fn get(&self, app: &App, path: &str) -> (u16, Value) {
        let r = app.client.get(app.url(path)).bearer_auth(&self.token).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, app: &App, path: &str, body: &Value) -> (u16, Value) {
        let r = app.client.post(app.url(path)).bearer_auth(&self.token).json(body).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    async fn page(&self, app: &App, path: &str) -> (u16, String) {
        let r = self.web.get(app.url(path)).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// Posts bytes to an API path.
    async fn upload(&self, app: &App, path: &str, bytes: &[u8]) -> (u16, Value) {
        let r = app.client.post(app.url(path)).bearer_auth(&self.token).body(bytes.to_vec()).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    /// Posts a page's upload form (multipart) with one file.
    async fn upload_form(&self, app: &App, path: &str, name: &str, bytes: &[u8]) -> reqwest::Response {
        let boundary = "----dangvu-directive-file";
        let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n", self.csrf).into_bytes();
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.web
            .post(app.url(path))
            .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .unwrap()
    }

    async fn form(&self, app: &App, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.web.post(app.url(path)).form(&all).send().await.unwrap()
    }
}

struct World {
    province: i64,
    a: i64,
    b: i64,
    c: i64,
    cell: i64,
}

async fn world(app: &App) -> World {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let a = create_unit(app, "xa-phuong", "XA", "Đảng bộ xã An Phú", Some(province)).await;
    let b = create_unit(app, "xa-phuong", "XB", "Đảng bộ xã Bình Minh", Some(province)).await;
    let c = create_unit(app, "xa-phuong", "XC", "Đảng bộ xã Cát Tiên", Some(province)).await;
    let cell = create_unit(app, "chi-bo", "XA1", "Chi bộ thôn Đông", Some(a)).await;
    World { province, a, b, c, cell }
}

fn plan() -> Value {
    json!({"kind": "ke-hoach", "number": "15-KH/TU", "title": "Kế hoạch rà soát đảng viên",
           "body": "Các đảng ủy xã rà soát và báo cáo kết quả.", "reach_kinds": ["xa-phuong"],
           "task": "Báo cáo kết quả rà soát", "deadline_days": 10})
}

fn field_codes(v: &Value) -> Vec<String> {
    v["error"]["fields"].as_array().map_or(vec![], |f| {
        f.iter().map(|e| format!("{}:{}", e["field"].as_str().unwrap_or(""), e["code"].as_str().unwrap_or(""))).collect()
    })
}

async fn directives_through_the_api(app: &App) {
    let w = world(app).await;
    let province = person(app, "tinh.tochuc", Role::OrgBoardStaff, w.province).await;
    let a = person(app, "xa.an", Role::OrgBoardStaff, w.a).await;
    let b = person(app, "xa.binh", Role::OrgBoardStaff, w.b).await;
    let c = person(app, "xa.cat", Role::CommitteeLeader, w.c).await;

    // The body's schema (400) and the rules (422).
    let send = format!("/api/v1/units/{}/directives", w.province);
    let mut extra = plan();
    extra["signed_by"] = json!("x");
    assert_eq!(province.post(app, &send, &extra).await.0, 400);
    let mut bad_kind = plan();
    bad_kind["reach_kinds"] = json!(["khong-co"]);
    assert_eq!(province.post(app, &send, &bad_kind).await.0, 400);
    let mut both = plan();
    both["deadline_date"] = json!("2026-12-20");
    let (status, body) = province.post(app, &send, &both).await;
    assert_eq!((status, field_codes(&body)), (422, vec!["deadline:both".to_owned()]));
    let mut to_nobody = plan();
    to_nobody["reach_kinds"] = json!(["dang-bo-co-so"]);
    let (status, body) = province.post(app, &send, &to_nobody).await;
    assert_eq!((status, field_codes(&body)), (422, vec!["reach_kinds:none".to_owned()]));
    // Sending for a unit that is not one's own: 403 within the scope, 404 outside.
    assert_eq!(a.post(app, &format!("/api/v1/units/{}/directives", w.province), &plan()).await.0, 404);
    assert_eq!(province.post(app, &format!("/api/v1/units/{}/directives", w.a), &plan()).await.0, 403);
    let (status, created) = province.post(app, &send, &plan()).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let path = format!("/api/v1/directives/{id}");

    // The province reads every receipt; reading opens nothing for the communes.
    let (_, read) = province.get(app, &path).await;
    assert_eq!((read["sees_all"].as_bool(), read["detail"]["receipts"].as_array().unwrap().len()), (Some(true), 3));
    assert_eq!(read["detail"]["directive"]["task"]["due_on"], "2026-12-09");
    assert!(read["detail"]["receipts"].as_array().unwrap().iter().all(|r| r["status"] == "chua-xem"));
    // A commune reads its own receipt, and reading it records the opening.
    let (status, mine) = a.get(app, &path).await;
    assert_eq!(status, 200);
    assert_eq!((mine["sees_all"].as_bool(), mine["acts_for"].clone()), (Some(false), json!([w.a])));
    let receipts = mine["detail"]["receipts"].as_array().unwrap();
    assert_eq!((receipts.len(), receipts[0]["status"].as_str(), receipts[0]["version"].as_i64()), (1, Some("da-xem"), Some(2)));
    // What is to do, for A: this task.
    let (_, to_do) = a.get(app, "/api/v1/directives/to-do").await;
    assert_eq!(to_do.as_array().unwrap().iter().map(|i| i["directive"]["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![id]);

    // Steps: A may not act for B; a missing report, a stale version.
    let receipt = |unit: i64| format!("/api/v1/directives/{id}/receipts/{unit}");
    assert_eq!(a.post(app, &receipt(w.b), &json!({"step": "start", "version": 1})).await.0, 403);
    let (status, body) = a.post(app, &receipt(w.a), &json!({"step": "done", "version": 2})).await;
    assert_eq!((status, field_codes(&body)), (422, vec!["report:required".to_owned()]));
    assert_eq!(a.post(app, &receipt(w.a), &json!({"step": "start", "version": 1})).await.0, 409);
    assert_eq!(a.post(app, &receipt(w.a), &json!({"step": "start", "version": 2})).await.0, 204);
    assert_eq!(a.post(app, &receipt(w.a), &json!({"step": "start"})).await.0, 422, "the version is required");
    assert_eq!(b.post(app, &receipt(w.b), &json!({"step": "done", "report": "Đã rà soát 12 chi bộ.", "version": 1})).await.0, 204);
    // A passes it on to its chi bộ, with a last day after its own refused.
    let pass = format!("/api/v1/directives/{id}/receipts/{}/pass-on", w.a);
    let (status, body) = a.post(app, &pass, &json!({"reach_kinds": ["chi-bo"], "due_on": "2026-12-31"})).await;
    assert_eq!((status, field_codes(&body)), (422, vec!["due_on:after_due".to_owned()]));
    let (status, body) = a.post(app, &pass, &json!({"reach_kinds": ["chi-bo"], "due_on": "2026-12-04"})).await;
    assert_eq!((status, body["units"].as_u64()), (200, Some(1)));
    let (_, mine) = a.get(app, &path).await;
    let units: Vec<i64> = mine["detail"]["receipts"].as_array().unwrap().iter().map(|r| r["unit"].as_i64().unwrap()).collect();
    assert_eq!(units, vec![w.a, w.cell]);

    // Outside the reach: B's list is not C's; no such directive.
    assert_eq!(c.get(app, &format!("/api/v1/units/{}/directives/received", w.b)).await.0, 404);
    let (status, list) = c.get(app, &format!("/api/v1/units/{}/directives/received?year=2026", w.c)).await;
    assert_eq!((status, list.as_array().map(Vec::len)), (200, Some(1)));
    assert_eq!(c.get(app, &format!("/api/v1/units/{}/directives/received?year=1999", w.c)).await.0, 400);
    assert_eq!(province.get(app, "/api/v1/directives/999999").await.0, 404);

    // Reminders: the province reminds its communes; a commune only those it passed it on to.
    let remind = format!("/api/v1/directives/{id}/reminders");
    let (status, body) = province.post(app, &remind, &json!({"units": [w.c, w.b]})).await;
    assert_eq!((status, body["units"].as_u64()), (200, Some(1)), "B is done");
    assert_eq!(a.post(app, &remind, &json!({"units": [w.a]})).await.0, 403);
    let (status, body) = a.post(app, &remind, &json!({"units": [w.c]})).await;
    assert_eq!((status, field_codes(&body)), (422, vec!["units:not_receiver".to_owned()]));
    assert_eq!(a.post(app, &remind, &json!({"units": [w.cell]})).await.0, 200);
    let (_, sent) = province.get(app, &format!("/api/v1/units/{}/directives/sent", w.province)).await;
    assert_eq!((sent[0]["tally"]["receivers"].as_u64(), sent[0]["tally"]["done"].as_u64()), (Some(3), Some(1)));

    // On 10/12 the server finds A and C late; B stays done.
    app.clock.set_day(NaiveDate::from_ymd_opt(2026, 12, 10).unwrap());
    let (_, late) = province.get(app, &path).await;
    let status_of =
        |unit: i64| late["detail"]["receipts"].as_array().unwrap().iter().find(|r| r["unit"] == unit).unwrap()["status"].clone();
    assert_eq!((status_of(w.a), status_of(w.b), status_of(w.c)), (json!("qua-han"), json!("hoan-thanh"), json!("qua-han")));
    app.clock.set_day(support::today());
}

async fn directives_through_the_pages(app: &App) {
    let w = world(app).await;
    let mut province = person(app, "tinh.tochuc", Role::OrgBoardStaff, w.province).await;
    let a = person(app, "xa.an", Role::OrgBoardStaff, w.a).await;
    let secretary = person(app, "bithu", Role::CellSecretary, w.cell).await;

    // The form: offered to those who send for a committee only.
    assert_eq!(secretary.page(app, "/directives/new").await.0, 403);
    let (_, list) = secretary.page(app, "/directives").await;
    assert!(!list.contains("/directives/new"), "no link to a form that would refuse");
    let (status, form) = province.page(app, "/directives/new").await;
    assert_eq!(status, 200);
    assert!(
        form.contains("Tỉnh ủy Bình An") && form.contains("Đảng bộ xã, phường, đặc khu") && form.contains("Thời hạn (số ngày làm việc)")
    );
    let sender = w.province.to_string();
    let r = province
        .form(
            app,
            "/directives/new",
            &[
                ("sender", &sender),
                ("kind", "ke-hoach"),
                ("number", ""),
                ("title", "Kế hoạch kiểm tra"),
                ("body", "Nội dung"),
                ("reach_kinds", "xa-phuong"),
                ("task", "Báo cáo"),
                ("deadline_days", "mười"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Số, ký hiệu không được để trống")
            && html.contains("Số ngày làm việc phải là số nguyên")
            && html.contains(r#"value="Kế hoạch kiểm tra""#),
        "{html}"
    );
    assert!(html.contains(r#"value="xa-phuong" checked"#), "the kinds ticked are kept");
    let r = province
        .form(
            app,
            "/directives/new",
            &[
                ("sender", &sender),
                ("kind", "ke-hoach"),
                ("number", "20-KH/TU"),
                ("title", "Kế hoạch kiểm tra"),
                ("body", "Nội dung"),
                ("reach_kinds", "xa-phuong"),
                ("task", "Báo cáo kết quả"),
                ("deadline_days", "5"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let href = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = href.trim_start_matches("/directives/").parse().unwrap();
    let (_, page) = province.page(app, &href).await;
    assert!(
        page.contains("Tình hình thực hiện") && page.contains("Hoàn thành 0/3 đơn vị") && page.contains("Đảng bộ xã Cát Tiên"),
        "{page}"
    );
    assert!(!page.contains("Đơn vị của bạn"), "the province acts for no receiver");

    // The commune: the badge, its page, its report.
    let (_, home) = a.page(app, "/directives").await;
    assert!(home.contains(r#"class="to-do""#) && home.contains("Kế hoạch kiểm tra"), "the badge and the to-do list");
    let (_, page) = a.page(app, &href).await;
    assert!(
        page.contains("Đơn vị của bạn: Đảng bộ xã An Phú")
            && page.contains("Nhận thực hiện")
            && page.contains("Giao cho tổ chức trực thuộc")
    );
    assert!(!page.contains("Đảng bộ xã Cát Tiên"), "another commune's receipt is not shown");
    let unit = w.a.to_string();
    let r = a.form(app, &format!("/directives/{id}/receipt"), &[("unit", &unit), ("step", "done"), ("report", ""), ("version", "2")]).await;
    assert_eq!(r.status().as_u16(), 422);
    let r = a
        .form(
            app,
            &format!("/directives/{id}/receipt"),
            &[("unit", &unit), ("step", "done"), ("report", "Đã hoàn thành kiểm tra."), ("version", "2")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = a.page(app, &href).await;
    assert!(page.contains("Hoàn thành") && page.contains("Đã hoàn thành kiểm tra.") && !page.contains("Báo cáo hoàn thành</button>"));
    let (_, home) = a.page(app, "/directives").await;
    assert!(!home.contains(r#"class="to-do""#), "nothing left to do");

    // The province: the count, a filter, a reminder to the late ones on a later day.
    app.clock.set_day(NaiveDate::from_ymd_opt(2026, 12, 15).unwrap());
    province.relogin(app, "tinh.tochuc").await;
    let (_, page) = province.page(app, &format!("{href}?status=qua-han")).await;
    assert!(
        page.contains("Hoàn thành 1/3 đơn vị")
            && page.contains("Đang xem: <strong>Quá hạn</strong>")
            && page.contains("Nhắc tất cả 2 đơn vị quá hạn"),
        "{page}"
    );
    assert!(!page.contains("Đã hoàn thành kiểm tra."), "the filter shows the late alone");
    let r = province.form(app, &format!("/directives/{id}/remind"), &[("late", "1")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = province.page(app, &href).await;
    assert_eq!(page.matches("Đã nhắc ngày 15/12/2026").count(), 2);
    let r = province.web.get(app.url(&format!("{href}/receipts.csv"))).send().await.unwrap();
    let csv = r.text().await.unwrap();
    assert!(csv.trim_start_matches('\u{feff}').starts_with("unit_id,unit_name,unit_code,via_unit_id,status,due_on"), "{csv}");
    assert_eq!(csv.matches(",qua-han,").count(), 2);
    let r = province.web.get(app.url(&format!("{href}/receipts.xlsx"))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    app.clock.set_day(support::today());
}

/// The province attaches an annex from the directive's page, commune A attaches a file to its
/// report through the API; both download byte for byte; B reads the annex, never A's file; a
/// program named .pdf is refused in words on the page and with its code in the API.
async fn directive_files_through_the_pages_and_the_api(app: &App) {
    let w = world(app).await;
    let sender = person(app, "tinh.tochuc", Role::OrgBoardStaff, w.province).await;
    let a = person(app, "xa.an", Role::OrgBoardStaff, w.a).await;
    let b = person(app, "xa.binh", Role::OrgBoardStaff, w.b).await;
    let (status, created) = sender.post(app, &format!("/api/v1/units/{}/directives", w.province), &plan()).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let annex = b"%PDF-1.7\nPhu luc: danh sach chi bo can ra soat\n".to_vec();

    // The page: the sender's form, a program refused in words, the annex stored.
    let (_, html) = sender.page(app, &format!("/directives/{id}")).await;
    assert!(html.contains(&format!(r#"action="/directives/{id}/files""#)));
    let r = sender.upload_form(app, &format!("/directives/{id}/files"), "Phụ lục.pdf", b"MZ\x90\x00program").await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Không nhận"));
    let r = sender.upload_form(app, &format!("/directives/{id}/files"), "Phụ lục.pdf", &annex).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = a.page(app, &format!("/directives/{id}")).await;
    assert!(html.contains("Phụ lục.pdf"));
    assert!(!html.contains(&format!(r#"action="/directives/{id}/files""#)), "a receiver adds no sender's file");
    assert!(html.contains(&format!(r#"action="/directives/{id}/receipts/{}/files""#, w.a)), "but its report's");

    // The API: A's report file, refused types and names with their codes.
    let (status, body) = a.upload(app, &format!("/api/v1/directives/{id}/receipts/{}/files?name=x.pdf", w.a), b"#!/bin/sh\nrm -rf /").await;
    assert_eq!((status, body["error"]["fields"][0]["code"].as_str()), (422, Some("type")));
    let (status, body) = a.upload(app, &format!("/api/v1/directives/{id}/receipts/{}/files", w.a), &annex).await;
    assert_eq!((status, body["error"]["fields"][0]["field"].as_str()), (422, Some("name")));
    let (status, body) = a.upload(app, &format!("/api/v1/directives/{id}/files?name=x.pdf"), &annex).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = b.upload(app, &format!("/api/v1/directives/{id}/receipts/{}/files?name=x.pdf", w.a), &annex).await;
    assert_eq!(status, 403, "{body}");
    let report = b"%PDF-1.7\nBao cao ket qua ra soat\n".to_vec();
    let path = format!("/api/v1/directives/{id}/receipts/{}/files?name=B%C3%A1o%20c%C3%A1o%20x%C3%A3%20An.pdf", w.a);
    let (status, body) = a.upload(app, &path, &report).await;
    assert_eq!(status, 201, "{body}");
    let report_file = body["id"].as_i64().unwrap();

    // Who reads which: the sender both, B the annex only.
    let (_, read) = sender.get(app, &format!("/api/v1/directives/{id}")).await;
    assert_eq!(read["may_attach"], true);
    let files = read["detail"]["files"].as_array().unwrap().clone();
    assert_eq!(files.len(), 2);
    let annex_file = files.iter().find(|f| f["unit"].is_null()).unwrap()["id"].as_i64().unwrap();
    assert_eq!(files.iter().find(|f| f["id"] == report_file).unwrap()["name"], "Báo cáo xã An.pdf");
    let (_, read) = b.get(app, &format!("/api/v1/directives/{id}")).await;
    assert_eq!(read["detail"]["files"].as_array().unwrap().len(), 1);
    let download = |who: &Person, path: String| {
        let client = app.client.clone();
        let token = who.token.clone();
        let url = app.url(&path);
        async move {
            let r = client.get(url).bearer_auth(token).send().await.unwrap();
            let status = r.status().as_u16();
            let disposition = r.headers().get("content-disposition").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
            (status, disposition, r.bytes().await.unwrap().to_vec())
        }
    };
    let (status, disposition, bytes) = download(&b, format!("/api/v1/directives/files/{annex_file}")).await;
    assert_eq!((status, bytes), (200, annex.clone()));
    assert!(disposition.starts_with("attachment;"));
    assert_eq!(download(&b, format!("/api/v1/directives/files/{report_file}")).await.0, 404);
    let (status, _, bytes) = download(&sender, format!("/api/v1/directives/files/{report_file}")).await;
    assert_eq!((status, bytes), (200, report));
    // The page's download link.
    let r = sender.web.get(app.url(&format!("/directives/files/{annex_file}"))).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/octet-stream");
    assert_eq!(r.bytes().await.unwrap().to_vec(), annex);
}
