//! A member asks to correct their own record, from the record page (with an attachment) and
//! through the API; the commune's organization staff find the requests on their worklist and
//! the home page, accept one from the page (the record changes, the member is told in the inbox
//! and sees it on the record) and refuse another through the API with a reason; the commune's
//! leader reads but answers nothing; another commune finds nothing; nobody sends for someone else.

use domain::access::{Grant, Role};
use domain::ids::MemberId;
use reqwest::Method;
use serde_json::{Value, json};
use storage::prelude::*;

use crate::http_on_both_engines;
use crate::meetings::{field_codes, person};
use crate::support::{self, App, PASSWORD, create_unit, official_member};

http_on_both_engines!(0; a_member_asks_and_the_commune_answers);

const BOUNDARY: &str = "----dangvu-request-boundary";

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (field, value) in fields {
        body.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn a_member_asks_and_the_commune_answers(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let other = create_unit(app, "xa-phuong", "Y", "Đảng bộ xã Bình Minh", Some(province)).await;
    let east = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let me = official_member(app, "Nguyễn Văn An", "001080000501", east).await;
    let neighbour = official_member(app, "Trần Thị Bình", "001080000502", east).await;
    let staff = person(app, "x.tochuc", Role::OrgBoardStaff, commune).await;
    let leader = person(app, "x.lanhdao", Role::CommitteeLeader, commune).await;
    let stranger = person(app, "y.tochuc", Role::OrgBoardStaff, other).await;
    // The member's own account.
    let account =
        support::account(app.store.as_ref(), "an.dangvien", vec![Grant { role: Role::Member, unit: None }], Some(MemberId(me))).await;
    let token = support::token(app.store.as_ref(), account).await;
    let web = support::browser();
    assert_eq!(support::login(&app.base, &web, "an.dangvien", PASSWORD).await.status().as_u16(), 303);
    let csrf = support::session_csrf(&app.base, &web).await;
    let call = |method: Method, path: String, body: Option<Value>| {
        let (web, token) = (app.client.clone(), token.clone());
        async move {
            let mut r = web.request(method, app.url(&path)).bearer_auth(&token);
            if let Some(b) = body {
                r = r.json(&b);
            }
            let r = r.send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };

    // From the record page: the button, the form, a request with its attachment.
    let html = web.get(app.url(&format!("/members/{me}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!("/members/{me}/requests/new")), "the member's own record offers the request");
    let send_page = |fields: Vec<(&'static str, String)>, file: Option<(&'static str, &'static [u8])>| {
        let (web, csrf) = (web.clone(), csrf.clone());
        async move {
            let mut all: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
            all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            web.post(app.url(&format!("/members/{me}/requests/new")))
                .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
                .body(multipart(&all, file))
                .send()
                .await
                .unwrap()
        }
    };
    let r = send_page(vec![("field", "hometown".into()), ("value", " ".into()), ("note", String::new())], None).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Thông tin đúng"));
    let r = send_page(
        vec![("field", "hometown".into()), ("value", "xã Thanh Hà, tỉnh Lâm Giang".into()), ("note", "Theo giấy khai sinh".into())],
        Some(("khai-sinh.pdf", b"%PDF-1.7 khai sinh")),
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    // Through the API: a birth date, then a note about something else.
    let mine = format!("/api/v1/members/{me}/change-requests");
    let (status, v) =
        call(Method::POST, mine.clone(), Some(json!({"field": "birth_date", "value": "12/03/1976", "note": "CCCD ghi 12/03/1976"}))).await;
    assert_eq!(status, 201, "{v}");
    let birth = v["id"].as_i64().unwrap();
    let (status, v) = call(Method::POST, mine.clone(), Some(json!({"field": "khac", "value": ""}))).await;
    assert_eq!((status, field_codes(&v)), (422, vec!["note:required".to_owned()]));
    // Nobody sends for someone else: another member's record is out of reach, staff may not send.
    let (status, _) =
        call(Method::POST, format!("/api/v1/members/{neighbour}/change-requests"), Some(json!({"field": "hometown", "value": "x"}))).await;
    assert_eq!(status, 404);
    assert_eq!(staff.call(app, Method::POST, &mine, Some(&json!({"field": "hometown", "value": "x"}))).await.0, 403);

    // The staff's worklist and home page; the leader reads, the other commune finds nothing.
    let (status, list) = staff.call(app, Method::GET, "/api/v1/change-requests", None).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 2);
    let hometown = list[0]["id"].as_i64().unwrap();
    assert_eq!(list[0]["current"], "(chưa ghi)");
    assert_eq!(list[0]["attachment"]["name"], "khai-sinh.pdf");
    let (status, html) = staff.page(app, "/").await;
    assert_eq!(status, 200);
    assert!(html.contains("2</strong> đề nghị của đảng viên đang chờ xem xét"), "{html}");
    let (_, html) = staff.page(app, "/change-requests").await;
    assert!(html.contains("xã Thanh Hà, tỉnh Lâm Giang") && html.contains("khai-sinh.pdf") && html.contains("Điều chỉnh hồ sơ"));
    let file = staff.web.get(app.url(&format!("/change-requests/{hometown}/file"))).send().await.unwrap();
    assert_eq!(file.status().as_u16(), 200);
    assert_eq!(file.bytes().await.unwrap().as_ref(), b"%PDF-1.7 khai sinh");
    assert_eq!(stranger.call(app, Method::GET, &format!("/api/v1/change-requests/{hometown}"), None).await.0, 404);
    assert_eq!(stranger.call(app, Method::GET, "/api/v1/change-requests", None).await.1.as_array().map(Vec::len), Some(0));
    assert_eq!(leader.call(app, Method::GET, &format!("/api/v1/change-requests/{hometown}"), None).await.0, 200);
    let accept = format!("/api/v1/change-requests/{hometown}/accept");
    assert_eq!(leader.call(app, Method::POST, &accept, Some(&json!({"version": 1}))).await.0, 403);
    assert_eq!(stranger.call(app, Method::POST, &accept, Some(&json!({"version": 1}))).await.0, 404);
    assert_eq!(call(Method::POST, accept.clone(), Some(json!({"version": 1}))).await.0, 403, "the member does not answer");

    // A bad value the staff type is refused as the edit form would, nothing written.
    let r = staff.form(app, &format!("/change-requests/{birth}/accept"), &[("version", "1"), ("value", "31/02/1976")]).await;
    assert_eq!(r.status().as_u16(), 422);
    // Accepted from the page: the record changes, the member is told.
    let before = app.store.member(domain::ids::MemberId(me)).await.unwrap().version;
    let r = staff
        .form(
            app,
            &format!("/change-requests/{hometown}/accept"),
            &[("version", "1"), ("value", "xã Thanh Hà, tỉnh Lâm Giang"), ("back", "worklist")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/change-requests");
    let after = app.store.member(domain::ids::MemberId(me)).await.unwrap();
    assert_eq!(after.identity.hometown.as_deref(), Some("xã Thanh Hà, tỉnh Lâm Giang"));
    assert_eq!(after.version, before + 1);
    let (status, v) = staff.call(app, Method::POST, &accept, Some(&json!({"version": 2}))).await;
    assert_eq!((status, field_codes(&v)), (422, vec!["version:answered".to_owned()]));
    // Refused through the API with a reason.
    let refuse = format!("/api/v1/change-requests/{birth}/refuse");
    let (status, v) = staff.call(app, Method::POST, &refuse, Some(&json!({"version": 1, "reason": " "}))).await;
    assert_eq!((status, field_codes(&v)), (422, vec!["reason:required".to_owned()]));
    assert_eq!(staff.call(app, Method::POST, &refuse, Some(&json!({"version": 1, "reason": "Lý lịch gốc ghi 12/03/1975"}))).await.0, 204);

    // The member sees both outcomes on the record and in the inbox.
    let (status, v) = call(Method::GET, mine, None).await;
    assert_eq!(status, 200);
    let statuses: Vec<&str> = v.as_array().unwrap().iter().map(|r| r["answer"]["status"].as_str().unwrap_or("")).collect();
    assert_eq!(statuses, ["refused", "accepted"]);
    let html = web.get(app.url(&format!("/members/{me}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Đã điều chỉnh ngày") && html.contains("Lý lịch gốc ghi 12/03/1975"), "{html}");
    let (_, inbox) = call(Method::GET, "/api/v1/inbox".into(), None).await;
    let titles: Vec<&str> = inbox["items"].as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap_or("")).collect();
    assert!(titles.contains(&"Đã điều chỉnh: Quê quán") && titles.contains(&"Không điều chỉnh: Ngày sinh"), "{titles:?}");
    // Both ways audited.
    let trail = app.store.audit_entries(&storage::AuditQuery { limit: 500, ..Default::default() }).await.unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    for a in ["change_request.send", "change_request.accept", "change_request.refuse", "member.update"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
}
