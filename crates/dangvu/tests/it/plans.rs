//! Congress terms and occasions through the page and the API: the forms add, change and delete a
//! term (errors keep what was typed, a stale version says so), occasions are added and removed;
//! the API's codes; another commune's staff finds no term of this one (404); a secretary reads
//! the page without any button.

use domain::access::{Grant, Role};
use domain::ids::UnitId;
use serde_json::json;
use storage::prelude::*;

use crate::http_on_both_engines;
use crate::support::{self, App, PASSWORD, create_unit};

http_on_both_engines!(0; terms_and_occasions_through_the_page, terms_and_occasions_through_the_api);

fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned()
}

/// The value of the hidden field `name` in a page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker).unwrap_or_else(|| panic!("{name} in {html}")) + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// A browser logged in with one grant.
async fn logged_in(app: &App, username: &str, role: Role, unit: i64) -> reqwest::Client {
    support::account(app.store.as_ref(), username, vec![Grant { role, unit: Some(UnitId(unit)) }], None).await;
    let c = support::browser();
    assert_eq!(support::login(&app.base, &c, username, PASSWORD).await.status().as_u16(), 303);
    c
}

async fn terms_and_occasions_through_the_page(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let cell = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let page = format!("/admission/plans?unit={commune}");

    let (status, html) = app.text(&page).await;
    assert_eq!(status, 200);
    for needle in
        ["Nhiệm kỳ và ngày lễ, kỷ niệm: Đảng bộ xã An Phú", "Chưa ghi nhiệm kỳ nào.", "Thêm nhiệm kỳ", "Mặc định", "Ngày thành lập Đảng"]
    {
        assert!(html.contains(needle), "{needle} on the page");
    }
    let (_, targets) = app.text(&format!("/admission/targets?unit={commune}&year=2026")).await;
    assert!(targets.contains(&format!("/admission/plans?unit={commune}")), "the targets page links to the plans");

    // A new term: bad input keeps what was typed.
    let unit = commune.to_string();
    let r = app
        .post_form(
            "/admission/plans/terms",
            &[("unit", &unit), ("first_day", "15/07/2020"), ("last_day", "31/02/2025"), ("target", "năm mươi")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"value="15/07/2020""#) && html.contains(r#"value="năm mươi""#), "typed values kept");
    assert!(html.contains("Chỉ tiêu nhiệm kỳ là số nguyên không âm") && html.contains("Chưa lưu được"), "{html}");
    let r = app
        .post_form("/admission/plans/terms", &[("unit", &unit), ("first_day", "15/07/2020"), ("last_day", "14/07/2025"), ("target", "50")])
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());
    assert_eq!(location(&r), page);
    let (_, html) = app.text(&page).await;
    assert!(html.contains("Đã lưu nhiệm kỳ.") && html.contains("Nhiệm kỳ 2020–2025") && html.contains("15/07/2020"), "{html}");
    // An overlapping one is refused with the term it overlaps.
    let r = app.post_form("/admission/plans/terms", &[("unit", &unit), ("first_day", "01/01/2025"), ("last_day", "31/12/2029")]).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Trùng thời gian với Nhiệm kỳ 2020–2025") && html.contains(r#"value="31/12/2029""#), "{html}");

    // Changing it: with the version read; a stale version says someone else saved first.
    let id = app.store.unit_terms(UnitId(commune)).await.unwrap()[0].id;
    let (_, html) = app.text(&page).await;
    let version = hidden(&html, "version");
    assert_eq!(version, "1");
    let action = format!("/admission/plans/terms/{id}");
    let r = app.post_form(&action, &[("version", "1"), ("first_day", "15/07/2020"), ("last_day", "14/07/2025"), ("target", "55")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = app.text(&page).await;
    assert!(html.contains(">55<"), "{html}");
    let r = app.post_form(&action, &[("version", "1"), ("first_day", "15/07/2020"), ("last_day", "14/07/2025"), ("target", "60")]).await;
    assert_eq!(r.status().as_u16(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("đã được người khác sửa hoặc xóa") && html.contains(r#"name="version" value="2""#), "{html}");
    let r = app.post_form(&action, &[("version", "2"), ("first_day", "15/07/2020"), ("last_day", "01/01/2020"), ("target", "60")]).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu") && html.contains(r#"value="01/01/2020""#), "{html}");

    // Occasions: added by the commune, refused twice, removed.
    let r = app
        .post_form("/admission/plans/occasions", &[("unit", &unit), ("day", "26/3"), ("name", "Ngày thành lập Đoàn TNCS Hồ Chí Minh")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = app.text(&page).await;
    assert!(html.contains("Đã thêm ngày lễ, kỷ niệm.") && html.contains("Bổ sung: Đảng bộ xã An Phú") && html.contains("Bỏ ngày 26/3"));
    let r = app.post_form("/admission/plans/occasions", &[("unit", &unit), ("day", "26-3"), ("name", "Thành lập Đoàn")]).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Ngày 26/3 đã có trong danh sách") && html.contains(r#"value="Thành lập Đoàn""#), "{html}");
    // The chi bộ's page shows the commune's occasion, with no remove button there.
    let (_, html) = app.text(&format!("/admission/plans?unit={cell}")).await;
    assert!(html.contains("Ngày thành lập Đoàn TNCS Hồ Chí Minh") && !html.contains("Bỏ ngày 26/3"));

    // Another commune's staff finds no term of this one; a secretary sees no button.
    let other = create_unit(app, "xa-phuong", "Y", "Đảng bộ xã Bình Minh", Some(province)).await;
    let staff = logged_in(app, "vp.binhminh", Role::OrgBoardStaff, other).await;
    let csrf = support::session_csrf(&app.base, &staff).await;
    let r = staff
        .post(app.url(&action))
        .form(&[("_csrf", csrf.as_str()), ("version", "2"), ("first_day", "15/07/2020"), ("last_day", "14/07/2025")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let r = staff.post(app.url(&format!("{action}/delete"))).form(&[("_csrf", csrf.as_str()), ("version", "2")]).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(staff.get(app.url(&page)).send().await.unwrap().status().as_u16(), 404);
    let secretary = logged_in(app, "bt.dong", Role::CellSecretary, cell).await;
    let r = secretary.get(app.url(&format!("/admission/plans?unit={cell}"))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Ngày thành lập Đoàn TNCS") && !html.contains("<button type=\"submit\">Thêm") && !html.contains("Bỏ ngày"),
        "{html}"
    );
    let csrf = support::session_csrf(&app.base, &secretary).await;
    let cell_text = cell.to_string();
    let r = secretary
        .post(app.url("/admission/plans/occasions"))
        .form(&[("_csrf", csrf.as_str()), ("unit", cell_text.as_str()), ("day", "8/3"), ("name", "Ngày Quốc tế Phụ nữ")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);

    // Removing the occasion, deleting the term.
    let r = app.post_form("/admission/plans/occasions/remove", &[("unit", &unit), ("day", "26-3")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app.post_form(&format!("{action}/delete"), &[("version", "2")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = app.text(&page).await;
    assert!(html.contains("Đã xóa nhiệm kỳ.") && html.contains("Chưa ghi nhiệm kỳ nào.") && !html.contains("Bỏ ngày 26/3"), "{html}");
    // The audit page says what was done.
    let (_, audit) = app.text("/admin/audit").await;
    assert!(audit.contains("Xóa nhiệm kỳ đại hội") && audit.contains("Bỏ ngày lễ, kỷ niệm kết nạp"), "{audit}");
}

async fn terms_and_occasions_through_the_api(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let a = create_unit(app, "xa-phuong", "A", "Đảng bộ xã An", Some(province)).await;
    let b = create_unit(app, "xa-phuong", "B", "Đảng bộ xã Bình", Some(province)).await;
    let terms = format!("/api/v1/units/{a}/terms");

    let (status, v) = app.post_json(&terms, &json!({"first_day": "2020-07-15", "last_day": "14/07/2025", "target": 40})).await;
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (status, v) = app.post_json(&terms, &json!({"first_day": "2024-01-01", "last_day": "2028-12-31"})).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("overlaps")), "{v}");
    let (status, v) = app.post_json(&terms, &json!({"first_day": "2030-01-01", "last_day": "2034-12-31", "target": 2_000_000})).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("out_of_range")), "{v}");
    let (status, _) = app.post_json(&terms, &json!({"first_day": "hôm qua", "last_day": "2034-12-31"})).await;
    assert_eq!(status, 400);
    let (status, _) = app.post_json(&terms, &json!({"first_day": "2030-01-01", "last_day": "2034-12-31", "note": "?"})).await;
    assert_eq!(status, 400, "unknown fields are refused");
    let (status, v) = app.json(&terms).await;
    assert_eq!(status, 200);
    assert_eq!(
        (v["own"][0]["id"].as_i64(), v["own"][0]["version"].as_i64(), v["in_force"][0]["target"].as_i64()),
        (Some(id), Some(1), Some(40))
    );

    let term = format!("/api/v1/terms/{id}");
    let (status, v) = app.put_json(&term, &json!({"version": 1, "first_day": "2020-07-15", "last_day": "2025-07-14", "target": 45})).await;
    assert_eq!(status, 204, "{v}");
    let (status, v) = app.put_json(&term, &json!({"version": 1, "first_day": "2020-07-15", "last_day": "2025-07-14", "target": 50})).await;
    assert_eq!((status, v["error"]["code"].as_str()), (409, Some("conflict")), "{v}");
    let (status, v) = app.put_json(&term, &json!({"first_day": "2020-07-15", "last_day": "2025-07-14"})).await;
    assert_eq!((status, v["error"]["fields"][0]["field"].as_str()), (422, Some("version")), "{v}");
    assert_eq!(
        app.put_json("/api/v1/terms/999999", &json!({"version": 1, "first_day": "2020-07-15", "last_day": "2025-07-14"})).await.0,
        404
    );

    // Another commune's staff: the term is not found; their own unit's terms they may write.
    let staff_account =
        support::account(app.store.as_ref(), "vp.binh", vec![Grant { role: Role::OrgBoardStaff, unit: Some(UnitId(b)) }], None).await;
    let staff_token = support::token(app.store.as_ref(), staff_account).await;
    let c = reqwest::Client::new();
    let r = c.delete(app.url(&format!("{term}?version=2"))).bearer_auth(&staff_token).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let r = c.get(app.url(&terms)).bearer_auth(&staff_token).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);

    // Occasions.
    let occasions = format!("/api/v1/units/{a}/occasions");
    let (status, v) = app.post_json(&occasions, &json!({"day": "26/3", "name": "Ngày thành lập Đoàn TNCS Hồ Chí Minh"})).await;
    assert_eq!(status, 204, "{v}");
    let (status, v) = app.post_json(&occasions, &json!({"day": "19/5", "name": "Sinh nhật Bác"})).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("duplicate")), "{v}");
    let (status, v) = app.json(&occasions).await;
    assert_eq!(status, 200);
    let codes: Vec<&str> = v.as_array().unwrap().iter().map(|o| o["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["3-2", "26-3", "19-5", "2-9", "7-11"]);
    let remove = |code: &str| {
        let url = app.url(&format!("/api/v1/units/{a}/occasions/{code}"));
        let c = app.client.clone();
        let token = app.token.clone();
        async move { c.delete(url).bearer_auth(token).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(remove("19-5").await, 404, "a default is not the unit's own");
    assert_eq!(remove("31-2").await, 404, "not a day of the year: no occasion of it");
    assert_eq!(remove("26-3").await, 204);
    assert_eq!(remove("26-3").await, 404);

    let r = app.client.delete(app.url(&format!("{term}?version=1"))).bearer_auth(&app.token).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 409);
    let r = app.client.delete(app.url(&term)).bearer_auth(&app.token).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 422, "the version is required");
    let r = app.client.delete(app.url(&format!("{term}?version=2"))).bearer_auth(&app.token).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 204);
}
