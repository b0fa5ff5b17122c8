//! Weak organizations through the API and the pages: a chi bộ cơ sở that never met and admitted
//! nobody for years is listed with its reasons; the commune's staff make its consolidation plan
//! on the page, mark the measures done and close it as consolidated, which the year's count
//! shows; a secretary reads the list without a button; the API's codes.

use domain::access::{Grant, Role};
use domain::ids::UnitId;
use serde_json::{Value, json};

use crate::http_on_both_engines;
use crate::support::{self, App, PASSWORD, create_unit, official_member};

http_on_both_engines!(0; weak_organizations_through_the_api_and_the_pages);

async fn logged_in(app: &App, username: &str, role: Role, unit: i64) -> (reqwest::Client, String, String) {
    let account = support::account(app.store.as_ref(), username, vec![Grant { role, unit: Some(UnitId(unit)) }], None).await;
    let token = support::token(app.store.as_ref(), account).await;
    let web = support::browser();
    assert_eq!(support::login(&app.base, &web, username, PASSWORD).await.status().as_u16(), 303);
    let csrf = support::session_csrf(&app.base, &web).await;
    (web, csrf, token)
}

fn version_in(html: &str) -> String {
    let marker = r#"name="version" value=""#;
    let start = html.find(marker).unwrap() + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

async fn weak_organizations_through_the_api_and_the_pages(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let cell = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    official_member(app, "Nguyễn Văn An", "001080000201", cell).await;
    let (web, csrf, token) = logged_in(app, "xa.tochuc", Role::OrgBoardStaff, commune).await;
    let (secretary, _, secretary_token) = logged_in(app, "bithu", Role::CellSecretary, cell).await;

    // Listed with its reasons; the secretary sees no button to make a plan.
    let html = web.get(app.url(&format!("/weak?unit={commune}&year=2026"))).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("Chi bộ thôn Đông")
            && html.contains("Không sinh hoạt thường kỳ đều đặn")
            && html.contains("Nhiều năm không kết nạp đảng viên"),
        "{html}"
    );
    assert!(html.contains("Lập kế hoạch củng cố"));
    let html = secretary.get(app.url(&format!("/weak?unit={cell}&year=2026"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Chi bộ thôn Đông") && !html.contains("Lập kế hoạch củng cố"));
    let r = app
        .client
        .post(app.url(&format!("/api/v1/units/{cell}/weak-plans")))
        .bearer_auth(&secretary_token)
        .json(&json!({"year": 2026, "measures": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);

    // The plan on the page: a measure in the past is refused, what was typed kept.
    let form = |fields: Vec<(&'static str, String)>| -> Vec<(&'static str, String)> {
        let mut all = vec![("_csrf", csrf.clone())];
        all.extend(fields);
        all
    };
    let unit = cell.to_string();
    let r = web
        .post(app.url("/weak/plans/new"))
        .form(&form(vec![
            ("unit", unit.clone()),
            ("year", "2026".into()),
            ("measure_1", "Kiện toàn cấp ủy".into()),
            ("responsible_1", "Bí thư".into()),
            ("due_1", "01/01/2026".into()),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Thời hạn phải từ hôm nay"));
    let r = web
        .post(app.url("/weak/plans/new"))
        .form(&form(vec![
            ("unit", unit.clone()),
            ("year", "2026".into()),
            ("measure_1", "Kiện toàn cấp ủy".into()),
            ("responsible_1", "Bí thư đảng ủy xã".into()),
            ("due_1", "31/12/2026".into()),
            ("measure_2", "Sinh hoạt đều hằng tháng".into()),
            ("responsible_2", "Bí thư chi bộ".into()),
            ("due_2", "31/12/2026".into()),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let href = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = href.trim_start_matches("/weak/plans/").parse().unwrap();
    for seq in 1..=2 {
        let html = web.get(app.url(&href)).send().await.unwrap().text().await.unwrap();
        let r = web
            .post(app.url(&format!("{href}/measures/{seq}/done")))
            .form(&form(vec![("version", version_in(&html)), ("note", "Đã làm".into())]))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303);
    }
    let html = web.get(app.url(&href)).send().await.unwrap().text().await.unwrap();
    let r = web
        .post(app.url(&format!("{href}/close")))
        .form(&form(vec![("version", version_in(&html)), ("outcome", "da-cung-co".into())]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);

    // The count, through the API; a closed plan takes nothing more.
    let r = app.client.get(app.url(&format!("/api/v1/units/{commune}/weak?year=2026"))).bearer_auth(&token).send().await.unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!((v["consolidated"].as_u64(), v["plans_open"].as_u64()), (Some(1), Some(0)));
    let r = app
        .client
        .post(app.url(&format!("/api/v1/weak-plans/{id}/close")))
        .bearer_auth(&token)
        .json(&json!({"version": 4, "outcome": "chua-dat"}))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap();
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("closed")));
    let r = app.client.get(app.url(&format!("/api/v1/weak-plans/{id}"))).bearer_auth(&token).send().await.unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["outcome"], "da-cung-co");
    assert_eq!(v["measures"].as_array().map(Vec::len), Some(2));
}
