//! Feedback up the tree through the pages and the API: a member sends a recommendation to their
//! chi bộ from the page; the chi bộ's secretary sees it waiting and answers; the member reads the
//! answer; the API's codes for an addressee not above the sender and for someone who does not
//! answer for the addressee.

use domain::access::{Grant, Role};
use domain::ids::{MemberId, UnitId};
use serde_json::{Value, json};

use crate::http_on_both_engines;
use crate::support::{self, App, PASSWORD, create_unit, official_member};

http_on_both_engines!(0; feedback_through_the_pages_and_the_api);

async fn login(app: &App, username: &str, grants: Vec<Grant>, member: Option<MemberId>) -> (reqwest::Client, String, String) {
    let account = support::account(app.store.as_ref(), username, grants, member).await;
    let token = support::token(app.store.as_ref(), account).await;
    let web = support::browser();
    assert_eq!(support::login(&app.base, &web, username, PASSWORD).await.status().as_u16(), 303);
    let csrf = support::session_csrf(&app.base, &web).await;
    (web, csrf, token)
}

async fn feedback_through_the_pages_and_the_api(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let other = create_unit(app, "xa-phuong", "Y", "Đảng bộ xã Bình Minh", Some(province)).await;
    let cell = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let member = official_member(app, "Nguyễn Văn An", "001080000301", cell).await;
    let (web, csrf, token) = login(app, "dangvien", vec![Grant { role: Role::Member, unit: None }], Some(MemberId(member))).await;
    let (secretary, secretary_csrf, _) =
        login(app, "bithu", vec![Grant { role: Role::CellSecretary, unit: Some(UnitId(cell)) }], None).await;
    let (_, _, staff_token) = login(app, "xa.tochuc", vec![Grant { role: Role::OrgBoardStaff, unit: Some(UnitId(commune)) }], None).await;

    // The member's form offers the chi bộ and the committees above it.
    let html = web.get(app.url("/feedback/new")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Chi bộ thôn Đông") && html.contains("Đảng bộ xã An Phú") && !html.contains("Bình Minh"), "{html}");
    let to = cell.to_string();
    let r = web
        .post(app.url("/feedback/new"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("from", &format!("m-{member}")),
            ("to", &to),
            ("kind", "kien-nghi"),
            ("subject", ""),
            ("body", "Đề nghị sửa mái nhà văn hóa."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Tiêu đề không được để trống"));
    let r = web
        .post(app.url("/feedback/new"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("from", &format!("m-{member}")),
            ("to", &to),
            ("kind", "kien-nghi"),
            ("subject", "Sửa nhà văn hóa"),
            ("body", "Đề nghị sửa mái nhà văn hóa."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let href = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = href.trim_start_matches("/feedback/").parse().unwrap();

    // The secretary sees it waiting and answers it.
    let html = secretary.get(app.url("/feedback")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Sửa nhà văn hóa") && html.contains("Chờ trả lời"), "{html}");
    let r = secretary
        .post(app.url(&format!("{href}/answer")))
        .form(&[("_csrf", secretary_csrf.as_str()), ("version", "1"), ("answer", "Chi bộ đã đề nghị xã hỗ trợ.")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let html = web.get(app.url(&href)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Chi bộ đã đề nghị xã hỗ trợ.") && !html.contains("Gửi trả lời"));

    // The API: an addressee not above the sender; answering for a unit one does not answer for.
    let r = app
        .client
        .post(app.url("/api/v1/feedback"))
        .bearer_auth(&token)
        .json(&json!({"to_unit": other, "kind": "cau-hoi", "subject": "Hỏi", "body": "Nội dung"}))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap();
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("not_above")));
    let r = app
        .client
        .post(app.url(&format!("/api/v1/feedback/{id}/answer")))
        .bearer_auth(&staff_token)
        .json(&json!({"version": 2, "answer": "Xã nhận."}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403, "the commune reads it but answers only what is sent to it");
    let r = app.client.get(app.url("/api/v1/feedback")).bearer_auth(&token).send().await.unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["sent"][0]["answer"], "Chi bộ đã đề nghị xã hỗ trợ.");
}
