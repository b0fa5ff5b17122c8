//! Every page and API route answers over a generated register, and the unit operations work
//! through their forms: inline errors with the typed values kept, the conflict page, and the
//! register following each operation.

use domain::event::UnitRef;
use domain::ids::UnitId;
use domain::unit::UnitKind;
use storage::prelude::*;

use crate::http_on_both_engines;
use crate::support::{App, today};

http_on_both_engines!(300; pages_and_api_answer, unit_operations_through_the_forms);

/// Posts a page form; returns the status, the body and the `Location` header (empty when none).
async fn post(app: &App, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let r = app.post_form(path, form).await;
    let status = r.status().as_u16();
    let location = r.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, r.text().await.unwrap(), location)
}

/// Posts a raw JSON body to the API with the administrator's token.
async fn post_raw_json(app: &App, path: &str, body: String) -> (u16, String) {
    let r = app.client.post(app.url(path)).bearer_auth(&app.token).header("content-type", "application/json").body(body).send().await;
    let r = r.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn pages_and_api_answer(app: &App) {
    let store = app.store.as_ref();
    let today = today();

    // The administrator's home: what is due and the key counts of the register.
    let (s, body) = app.text("/").await;
    assert_eq!(s, 200);
    assert!(body.contains("Việc cần làm") && body.contains("Đảng viên dự bị"), "{body}");
    let (s, body) = app.text("/units").await;
    assert_eq!(s, 200, "{body}");
    assert!(body.contains("lang=\"vi\""));
    let (s, body) = app.text("/units?as_of=99/99/2020").await;
    assert_eq!(s, 400);
    assert!(body.contains("99/99/2020"));

    let roots = store.children(None, today).await.unwrap();
    let root = roots[0].unit.id;
    let (s, body) = app.text(&format!("/units/{root}")).await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = app.text(&format!("/units/{root}?as_of=01/01/2010&page=2")).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(app.text("/units/search?q=chi&members_only=1").await.0, 200);

    let page = store.find_members(&storage::MemberQuery::new(today)).await.unwrap();
    let m = &page.items[0];
    let (s, body) = app.text("/members?status=all&page=2&age=31-35").await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = app.text(&format!("/members?q={}", m.citizen_id)).await;
    assert_eq!(s, 200);
    assert!(body.contains(&m.full_name));
    let (s, body) = app.text("/members?gender=x&as_of=abc").await;
    assert_eq!(s, 400);
    assert!(body.contains("Bộ lọc"));
    for path in [
        format!("/members/{}", m.id.0),
        format!("/members/{}/edit", m.id.0),
        format!("/members/{}/events/new", m.id.0),
        "/members/new".to_owned(),
    ] {
        let (s, body) = app.text(&path).await;
        assert_eq!(s, 200, "{path}: {body}");
    }
    let detail = store.member(m.id).await.unwrap();
    let ev = detail.events[0].id;
    let (s, body) = app.text(&format!("/members/{}/events/{}/correct", m.id.0, ev.0)).await;
    assert_eq!(s, 200, "{body}");

    // Record a death through the form.
    let version = detail.version.to_string();
    let death = [("version", version.as_str()), ("kind", "tu-tran"), ("effective_date", "20/11/2026")];
    let (s, body, location) = post(app, &format!("/members/{}/events", m.id.0), &death).await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(location, format!("/members/{}#timeline", m.id.0));
    let (_, body) = app.text(&format!("/members/{}", m.id.0)).await;
    assert!(body.contains("Từ trần") && body.contains("20/11/2026"));

    // Stale version: conflict page.
    assert_eq!(post(app, &format!("/members/{}/events", m.id.0), &death).await.0, 409);

    // Invalid new member: the form comes back with messages and the typed values.
    let (s, body, _) = post(app, "/members", &[("full_name", "Nguyễn Văn B"), ("citizen_id", "123"), ("origin", "here")]).await;
    assert_eq!(s, 422);
    assert!(body.contains("Nguyễn Văn B") && body.contains("12 chữ số"));

    // API.
    let (s, body) = app.text("/api/v1/units").await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = app.text(&format!("/api/v1/units/{root}/subtree")).await;
    assert_eq!(s, 200, "{body}");
    let (s, v) = app.json("/api/v1/members?per_page=5").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["items"].as_array().unwrap().len(), 5);
    let (s, v) = app.json("/api/v1/members?status=zzz").await;
    assert_eq!(s, 400);
    assert_eq!(v["error"]["code"], "bad_request");
    assert_eq!(v["error"]["fields"][0]["field"], "status");
    let (s, body) = app.text("/api/v1/members/999999999").await;
    assert_eq!(s, 404);
    assert!(body.contains("not_found"));
    let (s, body) = post_raw_json(app, "/api/v1/members", "{bad".to_owned()).await;
    assert_eq!(s, 400, "{body}");
    assert!(body.contains("\"bad_request\""));
    // Refused before it is read, so the server closes that connection: sent on one of its own.
    let big = format!("{{\"x\":\"{}\"}}", "a".repeat(2 * 1024 * 1024));
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/members"))
        .bearer_auth(&app.token)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    let (s, body) = (r.status().as_u16(), r.text().await.unwrap());
    assert_eq!(s, 413, "{body}");
    assert!(body.contains("payload_too_large"));
    let unit = r#"{"kind":"x","code":"","name":"","decision_date":"1/1/2020"}"#.to_owned();
    let (s, body) = post_raw_json(app, "/api/v1/units", unit).await;
    assert_eq!(s, 422, "{body}");
    assert!(body.contains("validation_failed") && body.contains("\"kind\""));
    let (s, body) = app.text("/api/openapi.json").await;
    assert_eq!(s, 200);
    assert!(body.contains("/api/v1/members/{id}/events"));
    let (s, body) = app.text("/nowhere").await;
    assert_eq!(s, 404);
    assert!(body.contains("Không tìm thấy"));
    assert_eq!(app.text("/healthz").await, (200, "ok".to_owned()));
    assert_eq!(app.text("/readyz").await, (200, "ready".to_owned()), "database answers, index caught up, schema current");
    assert_eq!(app.text(web::chrome::CSS_PATH).await.0, 200);
}

/// Every unit on `on`, the roots first.
async fn all_units(store: &dyn Store, on: chrono::NaiveDate) -> Vec<storage::UnitNode> {
    let mut out = store.children(None, on).await.unwrap();
    let mut i = 0;
    while i < out.len() {
        let id = out[i].unit.id;
        out.extend(store.children(Some(id), on).await.unwrap());
        i += 1;
    }
    out
}

fn decision<'a>(effective: &'a str, number: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("effective_date", effective), ("decision_number", number), ("decision_date", effective), ("issuer", "Ban Thường vụ Tỉnh ủy")]
}

fn with<'a>(mut a: Vec<(&'a str, &'a str)>, b: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    a.extend_from_slice(b);
    a
}

async fn unit_operations_through_the_forms(app: &App) {
    let store = app.store.as_ref();
    let today = today();
    let d = |s: &str| domain::dates::parse_date(s).unwrap();

    let units = all_units(store, today).await;
    let committees: Vec<UnitId> = units.iter().filter(|n| n.unit.kind == UnitKind::GrassrootsCommittee).map(|n| n.unit.id).collect();
    let (p1, p2) = (committees[0], committees[1]);
    let target = units.iter().find(|n| n.unit.kind == UnitKind::Cell && n.member_count > 0).unwrap().unit.id;

    // The unit page links to the forms; every form opens.
    let (s, body) = app.text(&format!("/units/{p1}")).await;
    assert_eq!(s, 200);
    assert!(body.contains("Thao tác") && body.contains(&format!("/units/{p1}/children/new")));
    for op in ["children/new", "rename", "move", "merge", "split", "dissolve"] {
        let (s, body) = app.text(&format!("/units/{p1}/{op}")).await;
        assert_eq!(s, 200, "{op}: {body}");
    }
    assert_eq!(app.text("/units/new").await.0, 200);
    assert_eq!(app.text(&format!("/units/{p1}/explode")).await.0, 404);
    assert_eq!(app.text("/units/999999/rename").await.0, 404);

    // Bad input: inline errors, the typed values kept.
    let (s, body, _) = post(
        app,
        &format!("/units/{p1}/children/new"),
        &[
            ("kind", "chi-bo"),
            ("code", "CB-THU-NGHIEM"),
            ("name", "Chi bộ Thử nghiệm"),
            ("effective_date", "31/02/2026"),
            ("decision_date", "01/02/2026"),
            ("issuer", "Đảng ủy"),
        ],
    )
    .await;
    assert_eq!(s, 422);
    assert!(body.contains("Chưa lưu được: cần sửa 2 mục"), "{body}");
    assert!(body.contains("Chi bộ Thử nghiệm") && body.contains("31/02/2026") && body.contains("CB-THU-NGHIEM"));
    assert!(body.contains("Số văn bản không được để trống.") && body.contains("href=\"#f-decision_number\""));
    assert!(all_units(store, today).await.iter().all(|n| n.unit.code != "CB-THU-NGHIEM"));

    // Create a chi bộ under the first committee.
    let (s, body, loc) = post(
        app,
        &format!("/units/{p1}/children/new"),
        &with(decision("01/02/2026", "10-QĐ/ĐU"), &[("kind", "chi-bo"), ("code", "CB-THU-NGHIEM"), ("name", "Chi bộ Thử nghiệm")]),
    )
    .await;
    assert_eq!(s, 303, "{body}");
    let cell = store.children(Some(p1), today).await.unwrap().into_iter().find(|n| n.unit.code == "CB-THU-NGHIEM").unwrap().unit.id;
    assert_eq!(loc, format!("/units/{cell}?as_of=01%2F02%2F2026"));

    // Rename it (only the name changes).
    let v = store.unit(cell, today).await.unwrap();
    let version = v.version.to_string();
    let (s, body, _) = post(
        app,
        &format!("/units/{cell}/rename"),
        &with(
            decision("01/03/2026", "11-QĐ/ĐU"),
            &[("version", &version), ("kind", "chi-bo"), ("code", "CB-THU-NGHIEM"), ("name", "Chi bộ Khu phố Mới")],
        ),
    )
    .await;
    assert_eq!(s, 303, "{body}");
    let v = store.unit(cell, today).await.unwrap();
    assert_eq!(v.as_of.as_ref().unwrap().name, "Chi bộ Khu phố Mới");
    assert_eq!(store.unit(cell, d("15/02/2026")).await.unwrap().as_of.unwrap().name, "Chi bộ Thử nghiệm");

    // A stale version: the conflict message, the form again with the new version.
    let (s, body, _) = post(
        app,
        &format!("/units/{cell}/rename"),
        &with(
            decision("01/03/2026", "12-QĐ/ĐU"),
            &[("version", &version), ("kind", "chi-bo"), ("code", "CB-THU-NGHIEM"), ("name", "Chi bộ Khác")],
        ),
    )
    .await;
    assert_eq!(s, 409);
    assert!(body.contains("Người khác đã thay đổi tổ chức này trước bạn") && body.contains("Chi bộ Khác"));
    assert!(body.contains(&format!("name=\"version\" value=\"{}\"", v.version)));

    // Move it under the second committee.
    let (s, body, _) = post(
        app,
        &format!("/units/{cell}/move"),
        &with(decision("01/04/2026", "13-QĐ/ĐU"), &[("version", &v.version.to_string()), ("parent_id", &p2.to_string())]),
    )
    .await;
    assert_eq!(s, 303, "{body}");
    assert!(store.children(Some(p2), today).await.unwrap().iter().any(|n| n.unit.id == cell));
    assert!(store.children(Some(p1), today).await.unwrap().iter().all(|n| n.unit.id != cell));

    // Reassign an active member into it through the event form.
    let mut member = None;
    for m in store.find_members(&storage::MemberQuery { per_page: 200, ..storage::MemberQuery::new(today) }).await.unwrap().items {
        let detail = store.member(m.id).await.unwrap();
        let last = detail.history.effective.iter().map(|(_, e)| e.effective).max().unwrap();
        if last < d("01/04/2026") && detail.history.problems.is_empty() && m.unit_id.is_some() && m.unit_id != Some(target) {
            member = Some(detail);
            break;
        }
    }
    let member = member.unwrap();
    let (s, body, _) = post(
        app,
        &format!("/members/{}/events", member.id.0),
        &with(
            decision("01/05/2026", "14-QĐ/ĐU"),
            &[("version", &member.version.to_string()), ("kind", "dieu-chuyen"), ("to_unit_id", &cell.to_string())],
        ),
    )
    .await;
    assert_eq!(s, 303, "{body}");
    let unit_of = |m: &storage::MemberDetail, on: &str| m.history.span_on(d(on)).map(|s| s.unit.clone());
    assert_eq!(unit_of(&store.member(member.id).await.unwrap(), "02/05/2026"), Some(UnitRef::Internal(cell)));

    // Split it into two; the member goes to the second.
    let v = store.unit(cell, today).await.unwrap();
    let (s, body) = app.text(&format!("/units/{cell}/split")).await;
    assert_eq!(s, 200);
    assert!(body.contains(&format!("name=\"member.{}\"", member.id.0)), "{body}");
    let p2s = p2.to_string();
    let member_key = format!("member.{}", member.id.0);
    let (s, body, loc) = post(
        app,
        &format!("/units/{cell}/split"),
        &with(
            decision("01/06/2026", "15-QĐ/ĐU"),
            &[
                ("version", &v.version.to_string()),
                ("successors[0].kind", "chi-bo"),
                ("successors[0].code", "CB-TACH-1"),
                ("successors[0].name", "Chi bộ Tách Một"),
                ("successors[0].parent_id", &p2s),
                ("successors[1].kind", "chi-bo"),
                ("successors[1].code", "CB-TACH-2"),
                ("successors[1].name", "Chi bộ Tách Hai"),
                ("successors[1].parent_id", &p2s),
                ("successors[2].kind", ""),
                ("successors[2].parent_id", &p2s),
                (&member_key, "2"),
            ],
        ),
    )
    .await;
    assert_eq!(s, 303, "{body}");
    let kids = store.children(Some(p2), today).await.unwrap();
    let s1 = kids.iter().find(|n| n.unit.code == "CB-TACH-1").unwrap().unit.id;
    let s2 = kids.iter().find(|n| n.unit.code == "CB-TACH-2").unwrap().unit.id;
    assert_eq!(loc, format!("/units/{s1}?as_of=01%2F06%2F2026"));
    assert!(store.unit(cell, today).await.unwrap().as_of.is_none());
    assert_eq!(unit_of(&store.member(member.id).await.unwrap(), "02/06/2026"), Some(UnitRef::Internal(s2)));

    // Merge both successors into an existing chi bộ.
    let (s, body, loc) = post(
        app,
        &format!("/units/{s1}/merge"),
        &with(decision("01/07/2026", "16-QĐ/ĐU"), &[("source_ids", &format!("{s2},")), ("target_id", &target.to_string())]),
    )
    .await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(loc, format!("/units/{target}?as_of=01%2F07%2F2026"));
    assert!(store.unit(s1, today).await.unwrap().as_of.is_none() && store.unit(s2, today).await.unwrap().as_of.is_none());
    assert_eq!(unit_of(&store.member(member.id).await.unwrap(), "02/07/2026"), Some(UnitRef::Internal(target)));

    // Dissolving a chi bộ that still has members is refused, and nothing changes.
    let before = store.unit(target, today).await.unwrap();
    let (s, body, _) = post(app, &format!("/units/{target}/dissolve"), &decision("01/08/2026", "17-QĐ/ĐU")).await;
    assert_eq!(s, 422);
    assert!(body.contains("đảng viên sinh hoạt ở tổ chức này") && body.contains("17-QĐ/ĐU"), "{body}");
    let after = store.unit(target, today).await.unwrap();
    assert_eq!((after.version, after.as_of.is_some(), after.operations.len()), (before.version, true, before.operations.len()));
}
