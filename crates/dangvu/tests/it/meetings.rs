//! Chi bộ meetings through the API and the pages: the secretary schedules a meeting, records
//! the attendance on the day (the API's codes for a member not on the roll, a stale version, a
//! meeting not yet held), a resolution and the minutes up to their lock; the commune's staff see
//! the alerts and the report and drill to the meeting; a leader reads without any form; another
//! commune finds nothing.

use domain::access::{Grant, Role};
use domain::ids::UnitId;
use serde_json::{Value, json};

use crate::http_on_both_engines;
use crate::support::{self, App, PASSWORD, create_unit, official_member};

http_on_both_engines!(0; meetings_through_the_api_and_the_pages, a_grassroots_committee_records_its_plenary);

pub(crate) struct Person {
    token: String,
    pub(crate) web: reqwest::Client,
    pub(crate) csrf: String,
}

pub(crate) async fn person(app: &App, username: &str, role: Role, unit: i64) -> Person {
    let account = support::account(app.store.as_ref(), username, vec![Grant { role, unit: Some(UnitId(unit)) }], None).await;
    let token = support::token(app.store.as_ref(), account).await;
    let web = support::browser();
    assert_eq!(support::login(&app.base, &web, username, PASSWORD).await.status().as_u16(), 303);
    let csrf = support::session_csrf(&app.base, &web).await;
    Person { token, web, csrf }
}

impl Person {
    pub(crate) async fn call(&self, app: &App, method: reqwest::Method, path: &str, body: Option<&Value>) -> (u16, Value) {
        let mut r = app.client.request(method, app.url(path)).bearer_auth(&self.token);
        if let Some(b) = body {
            r = r.json(b);
        }
        let r = r.send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    pub(crate) async fn page(&self, app: &App, path: &str) -> (u16, String) {
        let r = self.web.get(app.url(path)).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    pub(crate) async fn form(&self, app: &App, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.web.post(app.url(path)).form(&all).send().await.unwrap()
    }
}

pub(crate) fn field_codes(v: &Value) -> Vec<String> {
    v["error"]["fields"].as_array().map_or(vec![], |f| {
        f.iter().map(|e| format!("{}:{}", e["field"].as_str().unwrap_or(""), e["code"].as_str().unwrap_or(""))).collect()
    })
}

async fn meetings_through_the_api_and_the_pages(app: &App) {
    use reqwest::Method;
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let other = create_unit(app, "xa-phuong", "Y", "Đảng bộ xã Bình Minh", Some(province)).await;
    let cell = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let members = [
        official_member(app, "Nguyễn Văn An", "001080000101", cell).await,
        official_member(app, "Trần Thị Bình", "001080000102", cell).await,
        official_member(app, "Lê Văn Cường", "001080000103", cell).await,
    ];
    let secretary = person(app, "bithu", Role::CellSecretary, cell).await;
    let staff = person(app, "xa.tochuc", Role::OrgBoardStaff, commune).await;
    let leader = person(app, "xa.lanhdao", Role::CommitteeLeader, commune).await;
    let stranger = person(app, "xa.khac", Role::OrgBoardStaff, other).await;

    // Scheduled through the API: a meeting next week, then one on 20/11 (held).
    let body = |day: &str| json!({"kind": "thuong-ky", "held_on": day, "starts_at": "19:30", "place": "Nhà văn hóa thôn Đông", "agenda": "Đánh giá tháng."});
    let create = format!("/api/v1/units/{cell}/meetings");
    assert_eq!(leader.call(app, Method::POST, &create, Some(&body("2026-11-20"))).await.0, 403, "a leader reads, the secretary records");
    assert_eq!(stranger.call(app, Method::POST, &create, Some(&body("2026-11-20"))).await.0, 404);
    let (status, v) = staff.call(app, Method::POST, &format!("/api/v1/units/{commune}/meetings"), Some(&body("2026-11-20"))).await;
    assert_eq!((status, field_codes(&v)), (422, vec!["kind:not_for_unit".to_owned()]));
    let (_, v) = secretary.call(app, Method::POST, &create, Some(&body("2026-12-01"))).await;
    let later = v["id"].as_i64().unwrap();
    let (status, v) = secretary.call(app, Method::POST, &create, Some(&body("2026-11-20"))).await;
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    let path = format!("/api/v1/meetings/{id}");

    // The roll of the day, then the attendance: the API's codes.
    let (_, m) = secretary.call(app, Method::GET, &path, None).await;
    assert_eq!(m["attendance"].as_array().unwrap().len(), 3);
    let version = m["version"].as_i64().unwrap();
    let rows = |third: Value| json!([{"member": members[0], "presence": "co-mat"}, {"member": members[1], "presence": "co-mat"}, third]);
    let put = format!("{path}/attendance");
    let (status, v) = secretary
        .call(app, Method::PUT, &put, Some(&json!({"version": version, "rows": rows(json!({"member": 999999, "presence": "co-mat"}))})))
        .await;
    assert_eq!((status, field_codes(&v)), (422, vec!["attendance:not_on_roll".to_owned()]));
    let (status, _) = secretary
        .call(
            app,
            Method::PUT,
            &put,
            Some(&json!({"version": version + 7, "rows": rows(json!({"member": members[2], "presence": "vang-khong-ly-do"}))})),
        )
        .await;
    assert_eq!(status, 409);
    let (status, v) =
        secretary.call(app, Method::PUT, &format!("/api/v1/meetings/{later}/attendance"), Some(&json!({"version": 1, "rows": []}))).await;
    assert_eq!((status, field_codes(&v)), (422, vec!["attendance:not_yet_held".to_owned()]));
    let (status, _) = secretary
        .call(
            app,
            Method::PUT,
            &put,
            Some(&json!({"version": version, "rows": rows(json!({"member": members[2], "presence": "vang-khong-ly-do"}))})),
        )
        .await;
    assert_eq!(status, 204);
    let (_, m) = secretary.call(app, Method::GET, &path, None).await;
    assert_eq!(
        (m["counts"]["present"].as_u64(), m["counts"]["absent"].as_u64(), m["counts"]["counting"].as_u64()),
        (Some(2), Some(1), Some(3))
    );
    // A two-thirds resolution with 2 of 3: passes; the other meeting is the stranger's 404.
    let v = m["version"].as_i64().unwrap();
    let res = json!({"version": v, "text": "Đề nghị kết nạp quần chúng Phạm Văn Dũng", "threshold": "it-nhat-hai-phan-ba", "votes_for": 2});
    assert_eq!(secretary.call(app, Method::POST, &format!("{path}/resolutions"), Some(&res)).await.0, 204);
    assert_eq!(stranger.call(app, Method::GET, &path, None).await.0, 404);

    // The page: minutes written and signed by both, then locked.
    let page_path = format!("/meetings/{id}");
    let (_, html) = secretary.page(app, &page_path).await;
    assert!(html.contains("Thông qua") && html.contains("Lưu danh sách dự họp") && html.contains("Lưu biên bản"), "{html}");
    let version_of = |html: &str| {
        let marker = r#"name="version" value=""#;
        let start = html.find(marker).unwrap() + marker.len();
        html[start..].split('"').next().unwrap().to_owned()
    };
    let v = version_of(&html);
    let r = secretary
        .form(app, &format!("{page_path}/minutes"), &[("version", &v), ("action", "edit"), ("minutes", "Chi bộ họp, 2 có mặt, 1 vắng.")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let v = version_of(&secretary.page(app, &page_path).await.1);
    let r = secretary.form(app, &format!("{page_path}/minutes"), &[("version", &v), ("action", "sign-chair"), ("chair_name", "")]).await;
    assert_eq!(r.status().as_u16(), 422, "a signature needs the signer's name");
    for (action, field, name) in [("sign-chair", "chair_name", "Nguyễn Văn An"), ("sign-secretary", "secretary_name", "Trần Thị Bình")]
    {
        let v = version_of(&secretary.page(app, &page_path).await.1);
        let r = secretary.form(app, &format!("{page_path}/minutes"), &[("version", &v), ("action", action), (field, name)]).await;
        assert_eq!(r.status().as_u16(), 303);
    }
    let (_, html) = secretary.page(app, &page_path).await;
    assert!(html.contains("Đã khóa") && html.contains("Thêm đính chính") && !html.contains("Lưu biên bản"));

    // The leader reads the meeting without any form; the staff see the report and the alerts.
    let (status, html) = leader.page(app, &page_path).await;
    assert_eq!(status, 200);
    assert!(!html.contains("<form method=\"post\" action=\"/meetings/"), "no form for a reader");
    assert_eq!(leader.page(app, &format!("/meetings/new?unit={cell}")).await.0, 403);
    let (_, html) = staff.page(app, &format!("/meetings/report?unit={commune}&from=01/01/2026&to=31/12/2026")).await;
    assert!(html.contains("Chi bộ thôn Đông") && html.contains(&format!("/meetings?unit={cell}&#38;year=2026")), "{html}");
    let (_, html) = staff.page(app, &format!("/meetings?unit={commune}&year=2026")).await;
    assert!(html.contains("Chi bộ chưa sinh hoạt đủ") && html.contains("tháng 10/2026"), "January to October without a regular meeting");
    let (status, v) =
        staff.call(app, Method::GET, &format!("/api/v1/units/{commune}/meetings/report?from=2026-01-01&to=2026-12-31"), None).await;
    assert_eq!((status, v["total"]["held"].as_u64(), v["total"]["present"].as_u64()), (200, Some(1), Some(2)));
    let r =
        staff.web.get(app.url(&format!("/meetings/report?unit={commune}&from=01/01/2026&to=31/12/2026&format=csv"))).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("Chi bộ thôn Đông,1,1,0,0,3,2,0,1"));
}

/// A grassroots party committee's staff record its plenary (hội nghị đảng bộ) from the pages: the
/// form offers the kinds it holds, the list shows it; the API refuses a monthly meeting for it.
async fn a_grassroots_committee_records_its_plenary(app: &App) {
    use reqwest::Method;
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let company = create_unit(app, "dang-bo-co-so", "CT", "Đảng bộ Công ty Điện lực", Some(province)).await;
    let cell = create_unit(app, "chi-bo", "CT1", "Chi bộ Phòng Kỹ thuật", Some(company)).await;
    support::official_member(app, "Nguyễn Văn An", "001080000301", cell).await;
    let staff = person(app, "dangbo.tochuc", Role::OrgBoardStaff, company).await;

    let (status, html) = staff.page(app, &format!("/meetings/new?unit={company}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"value="hoi-nghi-dang-bo""#), "{html}");
    assert!(!html.contains(r#"value="thuong-ky""#), "a monthly meeting is a chi bộ's");
    let unit = company.to_string();
    let r = staff
        .form(
            app,
            "/meetings/new",
            &[
                ("unit", &unit),
                ("kind", "hoi-nghi-dang-bo"),
                ("held_on", "20/06/2026"),
                ("starts_at", "8:00"),
                ("place", "Hội trường công ty"),
                ("agenda", "Sơ kết công tác đảng 6 tháng đầu năm"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let meeting = r.headers()["location"].to_str().unwrap().trim_start_matches("/meetings/").to_owned();

    // Its documents: a program refused, a report posted through the API, downloaded from the page.
    let post = |bytes: &'static [u8], name: &'static str| {
        let url = app.url(&format!("/api/v1/meetings/{meeting}/documents?name={name}"));
        let token = staff.token.clone();
        async move {
            let r = app.client.post(url).bearer_auth(token).body(bytes).send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, v) = post(b"MZ\x90\x00", "x.pdf").await;
    assert_eq!((status, field_codes(&v)), (422, vec!["file:type".to_owned()]));
    let (status, v) = post(b"%PDF-1.7 bao cao so ket", "Bao-cao-so-ket.pdf").await;
    assert_eq!(status, 201, "{v}");
    let (_, html) = staff.page(app, &format!("/meetings/{meeting}")).await;
    assert!(html.contains("Tài liệu sinh hoạt") && html.contains("Bao-cao-so-ket.pdf"), "{html}");
    let r = staff.web.get(app.url(&format!("/meetings/documents/{}", v["id"]))).send().await.unwrap();
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.7 bao cao so ket");

    let (_, html) = staff.page(app, &format!("/meetings?unit={company}&year=2026")).await;
    assert!(html.contains("Các hội nghị năm 2026") && html.contains("Hội nghị đảng bộ"), "{html}");
    let body =
        serde_json::json!({"kind": "thuong-ky", "held_on": "2026-07-05", "starts_at": "19:30", "place": "Hội trường", "agenda": "Tháng 7"});
    let (status, v) = staff.call(app, Method::POST, &format!("/api/v1/units/{company}/meetings"), Some(&body)).await;
    assert_eq!((status, field_codes(&v)), (422, vec!["kind:not_for_unit".to_owned()]));
}
