//! Strike-off proposals from what the data shows: a member absent without reason from the chi
//! bộ's meetings in three months of the year appears on the commune's list with the months; the
//! chi bộ's secretary records the resolution from the page; the committee's leader decides
//! through the API and the register has the member struck off from the decision's day; a second
//! proposal is decided "kept" by the organization staff; the refusals (a resolution not passed,
//! a probationary member, a decision before the resolution, the wrong people) say why.

use chrono::NaiveTime;
use domain::access::Role;
use domain::ids::{MemberId, UnitId};
use domain::meetings::{MeetingInput, MeetingKind, Presence};
use reqwest::Method;
use serde_json::json;
use storage::AttendanceInput;
use storage::prelude::*;

use crate::http_on_both_engines;
use crate::meetings::{field_codes, person};
use crate::support::{self, App, create_unit, official_member};

http_on_both_engines!(0; absences_lead_to_a_proposal_and_a_decision);

/// A regular meeting of `cell` on `on` with everyone present but `absent`, absent without reason.
async fn meeting(app: &App, cell: i64, on: chrono::NaiveDate, absent: &[i64]) {
    let store = app.store.as_ref();
    let ctx = storage::WriteContext::new("test", support::now());
    let input = MeetingInput {
        kind: MeetingKind::Regular,
        held_on: on,
        starts_at: NaiveTime::from_hms_opt(19, 30, 0).unwrap(),
        length_minutes: Some(120),
        place: "Nhà văn hóa thôn".into(),
        agenda: "Sinh hoạt thường kỳ.".into(),
    };
    let id = store.create_meeting(&ctx, UnitId(cell), input).await.unwrap();
    let view = store.meeting(id).await.unwrap();
    let rows = view
        .attendance
        .iter()
        .filter(|a| !a.guest)
        .map(|a| AttendanceInput {
            member: a.member,
            presence: if absent.contains(&a.member.0) { Presence::Absent } else { Presence::Present },
            reason: None,
        })
        .collect();
    store.record_attendance(&ctx, id, view.version, rows).await.unwrap();
}

async fn absences_lead_to_a_proposal_and_a_decision(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let other = create_unit(app, "xa-phuong", "Y", "Đảng bộ xã Bình Minh", Some(province)).await;
    let east = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let mut members = Vec::new();
    for (i, name) in ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"].into_iter().enumerate()
    {
        members.push(official_member(app, name, &format!("00108000060{i}"), east).await);
    }
    let (absentee, second) = (members[0], members[1]);
    let d = |m: u32, day: u32| chrono::NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    for (month, absent) in [(2, vec![absentee, second]), (3, vec![absentee]), (5, vec![absentee, second]), (6, vec![]), (8, vec![second])] {
        meeting(app, east, d(month, 10), &absent).await;
    }
    let staff = person(app, "x.tochuc", Role::OrgBoardStaff, commune).await;
    let leader = person(app, "x.lanhdao", Role::CommitteeLeader, commune).await;
    let secretary = person(app, "x.bithu", Role::CellSecretary, east).await;
    let stranger = person(app, "y.tochuc", Role::OrgBoardStaff, other).await;

    // What the data shows: both members, three months each, with the months.
    let list_path = format!("/api/v1/units/{commune}/strike-off");
    let (status, list) = staff.call(app, Method::GET, &list_path, None).await;
    assert_eq!(status, 200, "{list}");
    let flagged: Vec<i64> = list["flags"].as_array().unwrap().iter().map(|f| f["member"].as_i64().unwrap()).collect();
    assert_eq!(flagged.len(), 2, "{list}");
    assert!(flagged.contains(&absentee) && flagged.contains(&second));
    let evidence =
        list["flags"].as_array().unwrap().iter().find(|f| f["member"] == absentee).unwrap()["evidence"].as_str().unwrap().to_owned();
    assert!(evidence.contains("năm 2026") && evidence.contains('2') && evidence.contains('5'), "{evidence}");
    assert_eq!(stranger.call(app, Method::GET, &list_path, None).await.0, 404);

    // The secretary records the chi bộ's resolution from the page; a resolution not passed is refused.
    let (status, html) = secretary.page(app, &format!("/units/{east}/strike-off")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Ghi nghị quyết chi bộ đề nghị xóa tên") && html.contains("Nguyễn Văn An"), "{html}");
    let form = |votes_for: &'static str| {
        vec![
            ("member_id", absentee.to_string()),
            ("evidence", evidence.clone()),
            ("resolution_text", "Nghị quyết số 05-NQ/CB đề nghị xóa tên".to_owned()),
            ("resolution_on", "20/11/2026".to_owned()),
            ("votes_for", votes_for.to_owned()),
            ("votes_counted", "4".to_owned()),
        ]
    };
    let as_pairs = |v: &Vec<(&'static str, String)>| v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let refused = as_pairs(&form("2"));
    let r =
        secretary.form(app, &format!("/units/{east}/strike-off"), &refused.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("quá nửa"));
    let passed = as_pairs(&form("4"));
    let r =
        secretary.form(app, &format!("/units/{east}/strike-off"), &passed.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!(r.status().as_u16(), 303);
    // The leader does not record the chi bộ's resolution; the other commune finds nothing.
    let body = json!({"reason": "bo-sinh-hoat", "evidence": "x", "resolution_on": "2026-11-20", "resolution_text": "NQ", "votes_for": 3, "votes_counted": 4});
    assert_eq!(leader.call(app, Method::POST, &format!("/api/v1/members/{second}/strike-off"), Some(&body)).await.0, 403);
    assert_eq!(stranger.call(app, Method::POST, &format!("/api/v1/members/{second}/strike-off"), Some(&body)).await.0, 404);
    let mut probation = body.clone();
    probation["reason"] = json!("du-bi-khong-du-tu-cach");
    let (status, v) = staff.call(app, Method::POST, &format!("/api/v1/members/{second}/strike-off"), Some(&probation)).await;
    assert_eq!((status, field_codes(&v)), (422, vec!["reason:on_the_case".to_owned()]));
    let (status, v) = staff.call(app, Method::POST, &format!("/api/v1/members/{second}/strike-off"), Some(&body)).await;
    assert_eq!(status, 201, "{v}");
    let kept_id = v["id"].as_i64().unwrap();
    let (status, v) = staff.call(app, Method::POST, &format!("/api/v1/members/{second}/strike-off"), Some(&body)).await;
    assert_eq!((status, field_codes(&v)), (422, vec!["member:pending".to_owned()]));

    // The committee decides: struck off through the API, from the decision's day.
    let (_, list) = leader.call(app, Method::GET, &list_path, None).await;
    let pending = list["pending"].as_array().unwrap();
    assert_eq!(pending.len(), 2);
    let struck_id = pending.iter().find(|p| p["member"] == absentee).unwrap()["id"].as_i64().unwrap();
    let decide = format!("/api/v1/strike-off/{struck_id}/decide");
    let early = json!({"version": 1, "decision": "xoa-ten", "decision_date": "2026-11-19", "decision_number": "12-QĐ/ĐU", "issuer": "Đảng ủy xã An Phú"});
    let (status, v) = leader.call(app, Method::POST, &decide, Some(&early)).await;
    assert_eq!((status, field_codes(&v)), (422, vec!["decision_date:before_resolution".to_owned()]));
    assert_eq!(secretary.call(app, Method::POST, &decide, Some(&early)).await.0, 403, "the secretary does not decide");
    let struck = json!({"version": 1, "decision": "xoa-ten", "decision_date": "2026-11-24", "decision_number": "12-QĐ/ĐU", "issuer": "Đảng ủy xã An Phú"});
    assert_eq!(leader.call(app, Method::POST, &decide, Some(&struck)).await.0, 204);
    assert_eq!(leader.call(app, Method::POST, &decide, Some(&struck)).await.0, 409);
    let record = app.store.member(MemberId(absentee)).await.unwrap();
    let last = record.history.spans.last().unwrap();
    assert_eq!((last.status.code(), last.from), ("xoa-ten", d(11, 24)), "{:?}", record.history.spans);
    // The second is kept, from the page.
    let r = staff
        .form(
            app,
            &format!("/strike-off/{kept_id}/decide"),
            &[
                ("version", "1"),
                ("unit", &commune.to_string()),
                ("decision", "giu-lai"),
                ("decision_date", "25/11/2026"),
                ("reason", "Đồng chí có lý do chính đáng: điều trị dài ngày"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, list) = staff.call(app, Method::GET, &list_path, None).await;
    assert_eq!(list["pending"].as_array().unwrap().len(), 0);
    assert_eq!(list["decided"].as_array().unwrap().len(), 2);
    let flags: Vec<i64> = list["flags"].as_array().unwrap().iter().map(|f| f["member"].as_i64().unwrap()).collect();
    assert_eq!(flags, vec![second], "the struck-off member is no longer shown; the kept one still is, for the chi bộ to follow");
    let (_, html) = staff.page(app, &format!("/units/{commune}/strike-off")).await;
    assert!(html.contains("Đã xóa tên: Quyết định số 12-QĐ/ĐU") && html.contains("Không xóa tên"), "{html}");
}
