//! A unit's committee (cấp ủy) through the API and the pages: the organization board seats its
//! members — picked by name among the commune's official members, a namesake chosen from the
//! list with their chi bộ — ends a seat, and records the committee's meeting, whose roll is the
//! seats; the commune's leader reads but changes nothing; another commune finds nothing, and
//! a member of another commune named in a body is refused without a word about them.

use domain::access::Role;
use reqwest::Method;
use serde_json::json;

use crate::http_on_both_engines;
use crate::meetings::{field_codes, person};
use crate::support::{App, create_unit, official_member};

http_on_both_engines!(0; a_committee_is_seated_and_meets);

async fn a_committee_is_seated_and_meets(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let other = create_unit(app, "xa-phuong", "Y", "Đảng bộ xã Bình Minh", Some(province)).await;
    let east = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let west = create_unit(app, "chi-bo-co-so", "X2", "Chi bộ thôn Tây", Some(commune)).await;
    let far = create_unit(app, "chi-bo-co-so", "Y1", "Chi bộ thôn Xa", Some(other)).await;
    let secretary_member = official_member(app, "Nguyễn Văn An", "001080000201", east).await;
    let deputy = official_member(app, "Trần Thị Bình", "001080000202", east).await;
    // Two namesakes, one in each chi bộ.
    let namesake_east = official_member(app, "Lê Văn Cường", "001080000203", east).await;
    let namesake_west = official_member(app, "Lê Văn Cường", "001080000204", west).await;
    let outsider = official_member(app, "Phạm Văn Xa", "001080000205", far).await;
    let staff = person(app, "xa.tochuc", Role::OrgBoardStaff, commune).await;
    let leader = person(app, "xa.lanhdao", Role::CommitteeLeader, commune).await;
    let secretary = person(app, "bithu.dong", Role::CellSecretary, east).await;
    let stranger = person(app, "xa.khac", Role::OrgBoardStaff, other).await;

    // Through the API: two seats, then the refusals with their codes.
    let seats = format!("/api/v1/units/{commune}/committee");
    let seat = |member: i64, role: &str| json!({"member": member, "role": role, "from": "2025-07-01", "basis": "Kết quả bầu tại Đại hội nhiệm kỳ 2025–2030"});
    let (status, v) = staff.call(app, Method::POST, &seats, Some(&seat(secretary_member, "bi-thu"))).await;
    assert_eq!(status, 201, "{v}");
    let (status, v) = staff.call(app, Method::POST, &seats, Some(&seat(deputy, "pho-bi-thu"))).await;
    assert_eq!(status, 201, "{v}");
    let deputy_seat = v["id"].as_i64().unwrap();
    let (status, v) = staff.call(app, Method::POST, &seats, Some(&seat(namesake_east, "bi-thu"))).await;
    assert_eq!((status, field_codes(&v)), (422, vec!["role:secretary_taken".to_owned()]));
    // The previous term's secretary, entered with the day the seat ended.
    let past =
        json!({"member": deputy, "role": "bi-thu", "from": "2020-07-01", "until": "2025-07-01", "basis": "Đại hội nhiệm kỳ 2020–2025"});
    let (status, v) = staff.call(app, Method::POST, &seats, Some(&past)).await;
    assert_eq!(status, 201, "{v}");
    // Entered twice by mistake: the second is refused, a wrong one removed.
    let wrong = json!({"member": namesake_east, "role": "pho-bi-thu", "from": "2020-07-01", "until": "2021-07-01", "basis": "Nhầm"});
    let (_, v) = staff.call(app, Method::POST, &seats, Some(&wrong)).await;
    let remove = format!("/api/v1/committee-seats/{}/remove", v["id"]);
    assert_eq!(leader.call(app, Method::POST, &remove, Some(&json!({"version": 1, "reason": "x"}))).await.0, 403);
    assert_eq!(stranger.call(app, Method::POST, &remove, Some(&json!({"version": 1, "reason": "x"}))).await.0, 404);
    let (status, v) = staff.call(app, Method::POST, &remove, Some(&json!({"version": 1, "reason": " "}))).await;
    assert_eq!((status, field_codes(&v)), (422, vec!["reason:required".to_owned()]));
    assert_eq!(staff.call(app, Method::POST, &remove, Some(&json!({"version": 1, "reason": "Ghi nhầm người"}))).await.0, 204);
    assert_eq!(staff.call(app, Method::POST, &remove, Some(&json!({"version": 1, "reason": "Ghi nhầm người"}))).await.0, 404);
    // The same from the page: a reason is asked for.
    let (_, v) = staff.call(app, Method::POST, &seats, Some(&wrong)).await;
    let remove_page = format!("/committee/seats/{}/remove", v["id"]);
    let r = staff.form(app, &remove_page, &[("version", "1"), ("reason", "")]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Lý do xóa không được để trống"));
    let r = staff.form(app, &remove_page, &[("version", "1"), ("reason", "Ghi nhầm người")]).await;
    assert_eq!(r.status().as_u16(), 303);
    // A member of another commune, and a member who does not exist: the same answer.
    let (status, v) = staff.call(app, Method::POST, &seats, Some(&seat(outsider, "cap-uy-vien"))).await;
    assert_eq!((status, field_codes(&v)), (422, vec!["member:out_of_scope".to_owned()]));
    let (_, missing) = staff.call(app, Method::POST, &seats, Some(&seat(999_999, "cap-uy-vien"))).await;
    assert_eq!(missing["error"]["message"], v["error"]["message"]);
    assert_eq!(leader.call(app, Method::POST, &seats, Some(&seat(namesake_east, "cap-uy-vien"))).await.0, 403);
    assert_eq!(secretary.call(app, Method::GET, &seats, None).await.0, 404, "a chi bộ's secretary reads the chi bộ alone");
    assert_eq!(stranger.call(app, Method::POST, &seats, Some(&seat(namesake_east, "cap-uy-vien"))).await.0, 404);
    assert_eq!(stranger.call(app, Method::GET, &seats, None).await.0, 404);
    let end = format!("/api/v1/committee-seats/{deputy_seat}/end");
    assert_eq!(stranger.call(app, Method::POST, &end, Some(&json!({"version": 1, "until": "2026-01-01", "basis": "x"}))).await.0, 404);
    assert_eq!(leader.call(app, Method::POST, &end, Some(&json!({"version": 1, "until": "2026-01-01", "basis": "x"}))).await.0, 403);

    // The committee as of a day: the leader reads it.
    let (status, v) = leader.call(app, Method::GET, &format!("{seats}?on=2026-01-01"), None).await;
    assert_eq!(status, 200, "{v}");
    let names: Vec<&str> = v["seated"].as_array().unwrap().iter().map(|s| s["full_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Nguyễn Văn An", "Trần Thị Bình"]);
    assert_eq!(v["seated"][0]["role_label"], "Bí thư");
    assert_eq!((v["others"][0]["full_name"].as_str(), v["others"][0]["until"].as_str()), (Some("Trần Thị Bình"), Some("2025-07-01")));

    // The page: the namesake is chosen from the list showing each one's chi bộ.
    let (status, html) = staff.page(app, &format!("/units/{commune}/committee")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Nguyễn Văn An") && html.contains("Ghi người giữ chức") && html.contains("Ghi thôi giữ chức"), "{html}");
    let add = format!("/units/{commune}/committee");
    let fields = [("member", "le van cuong"), ("role", "cap-uy-vien"), ("from", "01/07/2025"), ("basis", "Kết quả bầu tại Đại hội")];
    let r = staff.form(app, &add, &fields).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Có 2 người khớp") && html.contains("Chi bộ thôn Đông") && html.contains("Chi bộ thôn Tây"), "{html}");
    let west_id = namesake_west.to_string();
    let r = staff.form(app, &add, &[fields[0], fields[1], fields[2], fields[3], ("member_id", &west_id)]).await;
    assert_eq!(r.status().as_u16(), 303);
    // Nobody by that name: told so, the typed text kept.
    let r = staff.form(app, &add, &[("member", "Không Có Ai"), ("role", "cap-uy-vien"), ("from", "01/07/2025"), ("basis", "x")]).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Không có đảng viên chính thức nào") && html.contains(r#"value="Không Có Ai""#), "{html}");

    // The deputy leaves from the page: a stale version is told, the right one ends the seat.
    let end_page = format!("/committee/seats/{deputy_seat}/end");
    let r =
        staff.form(app, &end_page, &[("version", "1"), ("until", "01/03/2026"), ("end_basis", "Quyết định điều động số 12-QĐ/ĐU")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let r = staff.form(app, &end_page, &[("version", "1"), ("until", "01/04/2026"), ("end_basis", "x")]).await;
    assert_eq!(r.status().as_u16(), 409);
    let (_, html) = staff.page(app, &format!("/units/{commune}/committee?on=15/03/2026")).await;
    assert!(html.contains("Đã thôi") && html.contains("Quyết định điều động số 12-QĐ/ĐU"), "{html}");
    // The leader sees no form.
    let (status, html) = leader.page(app, &format!("/units/{commune}/committee")).await;
    assert_eq!(status, 200);
    assert!(!html.contains("Ghi người giữ chức") && !html.contains("Ghi thôi giữ chức"), "{html}");
    assert_eq!(stranger.page(app, &format!("/units/{commune}/committee")).await.0, 404);

    // The committee meets: its roll is the seats of the day.
    let body = json!({"kind": "hoi-nghi-cap-uy", "held_on": "2026-04-10", "starts_at": "08:00", "place": "Trụ sở Đảng ủy", "agenda": "Nhiệm vụ quý II"});
    let (status, v) = staff.call(app, Method::POST, &format!("/api/v1/units/{commune}/meetings"), Some(&body)).await;
    assert_eq!(status, 201, "{v}");
    let (_, m) = staff.call(app, Method::GET, &format!("/api/v1/meetings/{}", v["id"]), None).await;
    let mut roll: Vec<i64> = m["attendance"].as_array().unwrap().iter().map(|a| a["member"].as_i64().unwrap()).collect();
    roll.sort();
    assert_eq!(roll, vec![secretary_member, namesake_west]);
    let rows = json!({"version": m["version"], "rows": [
        {"member": secretary_member, "presence": "co-mat"},
        {"member": namesake_west, "presence": "vang-co-ly-do", "reason": "Đi công tác"}
    ]});
    let (status, v) = staff.call(app, Method::PUT, &format!("/api/v1/meetings/{}/attendance", m["id"]), Some(&rows)).await;
    assert_eq!(status, 204, "{v}");
    // The report counts it among the committees' own meetings, not the chi bộ's.
    let (_, html) = staff.page(app, &format!("/meetings/report?unit={commune}&from=01/01/2026&to=31/12/2026")).await;
    let bodies = html.split("Hội nghị của đảng bộ, cấp ủy").nth(1).unwrap_or_default();
    assert!(bodies.contains("Đảng bộ xã An Phú") && bodies.contains(r#"data-label="Hội nghị cấp ủy" class="num">1<"#), "{html}");
    let (_, v) =
        staff.call(app, Method::GET, &format!("/api/v1/units/{commune}/meetings/report?from=2026-01-01&to=2026-12-31"), None).await;
    assert_eq!((v["bodies"][0]["committee"].as_u64(), v["bodies"][0]["excused"].as_u64()), (Some(1), Some(1)), "{v}");
    assert_eq!(v["total"]["held"], 0, "no chi bộ meeting");
    // A chi bộ without a chi ủy has no one to summon.
    let (status, v) = secretary.call(app, Method::POST, &format!("/api/v1/units/{east}/meetings"), Some(&body)).await;
    assert_eq!((status, field_codes(&v)), (422, vec!["kind:no_seats".to_owned()]));
}
