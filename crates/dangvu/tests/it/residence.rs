//! Working members and their residence over HTTP: the workplace's secretary records a member's
//! tie with the residence chi bộ picked by name (a missing letter refused, what was typed kept),
//! a contact; the residence chi bộ's secretary sees the member on its report and records the
//! year's comment, once; the workplace sees it; an out-of-scope comment is not found; the
//! writes are audited.

use domain::access::Role;
use reqwest::Method;
use serde_json::json;
use storage::prelude::*;

use crate::http_on_both_engines;
use crate::meetings::person;
use crate::support::{App, create_unit, official_member};

http_on_both_engines!(0; a_working_member_keeps_ties_with_the_residence);

async fn a_working_member_keeps_ties_with_the_residence(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let ward = create_unit(app, "xa-phuong", "P", "Đảng bộ phường Trung Tâm", Some(province)).await;
    let office = create_unit(app, "chi-bo-co-so", "P1", "Chi bộ Văn phòng", Some(ward)).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã Xuân", Some(province)).await;
    let village = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let an = official_member(app, "Nguyễn Văn An", "001080000971", office).await;
    let secretary = person(app, "bithu.vanphong", Role::CellSecretary, office).await;
    let residence_side = person(app, "bithu.thondong", Role::CellSecretary, village).await;

    // The tie from the member's page: the letter is required for an introduced member.
    let path = format!("/members/{an}/residence");
    let (status, html) = secretary.page(app, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains("Đảng viên đang công tác: chưa giới thiệu về nơi cư trú."), "{html}");
    let village_id = village.to_string();
    let mut fields = vec![("category", "gioi-thieu"), ("address", "Số 5, thôn Đông, xã Xuân"), ("residence_cell", village_id.as_str())];
    let r = secretary.form(app, &path, &fields).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Ghi số và ngày giấy giới thiệu") && html.contains("Số 5, thôn Đông, xã Xuân"), "{html}");
    fields.extend([("letter_number", "12-GGT/ĐU"), ("letter_on", "10/01/2026")]);
    let r = secretary.form(app, &path, &fields).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());
    let (_, html) = secretary.page(app, &path).await;
    assert!(html.contains("Đã lưu thông tin nơi cư trú.") && html.contains("Chi bộ thôn Đông"), "{html}");
    let r = secretary.form(app, &format!("{path}/contacts"), &[("contact_on", "15/06/2026"), ("contact_kind", "hop-dinh-ky")]).await;
    assert_eq!(r.status().as_u16(), 303);

    // The residence side: the member lives here; the year's comment, once.
    let (status, v) = residence_side.call(app, Method::GET, &format!("/api/v1/units/{village}/residence?year=2026"), None).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["living_here"][0]["member"], an);
    let comment =
        json!({"member": an, "year": 2026, "rating": "tot", "text": "Gương mẫu ở khu dân cư.", "signer": "Bí thư chi bộ thôn Đông"});
    let url = format!("/api/v1/units/{village}/residence/comments");
    let (status, v) = residence_side.call(app, Method::POST, &url, Some(&comment)).await;
    assert_eq!(status, 201, "{v}");
    let (status, v) = residence_side.call(app, Method::POST, &url, Some(&comment)).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("duplicate")), "{v}");
    // From a unit the member does not live under: not found; the workplace's member page is not theirs.
    let (status, _) = secretary.call(app, Method::POST, &format!("/api/v1/units/{office}/residence/comments"), Some(&comment)).await;
    assert_eq!(status, 404);
    assert_eq!(residence_side.page(app, &path).await.0, 404);

    // The workplace sees the comment and the contacts.
    let (_, v) = secretary.call(app, Method::GET, &format!("/api/v1/members/{an}/residence?year=2026"), None).await;
    assert_eq!((v["standing"]["comment_received"].as_bool(), v["standing"]["contacts_in_year"].as_u64()), (Some(true), Some(1)), "{v}");
    let (_, html) = secretary.page(app, &format!("/units/{office}/residence?year=2026")).await;
    assert!(html.contains("Thực hiện tốt nhiệm vụ ở nơi cư trú") && html.contains("Nguyễn Văn An"), "{html}");
    // By default only those needing action (An: the residence has not confirmed); `all=1` lists everyone.
    assert!(html.contains("Đảng viên đang công tác cần xử lý (1)") && html.contains("all=1"), "{html}");
    let (_, html) = secretary.page(app, &format!("/units/{office}/residence?year=2026&all=1")).await;
    assert!(html.contains("Chỉ hiện đảng viên cần xử lý") && html.contains("Nguyễn Văn An"), "{html}");

    // The ward's report counts per unit below, each opening its own report.
    let leader = person(app, "lanhdao.phuong", Role::CommitteeLeader, ward).await;
    let (_, html) = leader.page(app, &format!("/units/{ward}/residence?year=2026")).await;
    assert!(html.contains("Theo đơn vị trực thuộc") && html.contains(&format!("href=\"/units/{office}/residence?year=2026\"")), "{html}");
    let (_, v) = leader.call(app, Method::GET, &format!("/api/v1/units/{ward}/residence?year=2026"), None).await;
    assert_eq!((&v["by_child"][0]["unit"], &v["by_child"][0]["comments_in_time"]), (&json!(office), &json!(1)), "{v}");

    let q = storage::AuditQuery { action: Some("residence.".into()), limit: 10, ..Default::default() };
    let mut actions: Vec<String> = app.store.audit_entries(&q).await.unwrap().into_iter().map(|e| e.action).collect();
    actions.sort();
    assert_eq!(actions, ["residence.comment", "residence.contact", "residence.tie"]);
}
