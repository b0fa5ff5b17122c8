//! Every page and API route answers over a generated register (SQLite).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use storage::Store;
use tower::ServiceExt;

async fn send(app: &axum::Router, req: Request<Body>) -> (StatusCode, String, axum::http::HeaderMap) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap(), headers)
}

async fn get(app: &axum::Router, path: &str) -> (StatusCode, String) {
    let (s, b, _) = send(app, Request::get(path).body(Body::empty()).unwrap()).await;
    (s, b)
}

/// The application as an administrator sees it: every request carries the session cookie, the
/// anti-forgery header and, under `/api`, a bearer token (made directly in the store).
async fn as_admin(store: Arc<dyn Store>, now: chrono::DateTime<Utc>) -> axum::Router {
    let ctx = storage::WriteContext::new("test", now);
    let account = store
        .create_account(
            &ctx,
            storage::NewAccount {
                username: "admin".into(),
                display_name: "Quản trị".into(),
                password_hash: "x".into(),
                member: None,
                must_change_password: false,
                grants: vec![domain::access::Grant { role: domain::access::Role::Admin, unit: None }],
            },
        )
        .await
        .unwrap();
    let (session, csrf, token) = ("session-id".to_owned(), "csrf-token".to_owned(), "dv_token".to_owned());
    store.create_session(&auth::token::digest(&session), account, storage::SessionStage::Full, &csrf, None, now).await.unwrap();
    store.create_token(&ctx, account, "test", &auth::token::digest(&token)).await.unwrap();
    let app = web::router(store, Arc::new(web::FixedClock(now)), web::AuthConfig { cookie_secure: false, ..Default::default() });
    app.layer(axum::middleware::map_request(move |mut req: Request<Body>| {
        let (session, csrf, token) = (session.clone(), csrf.clone(), token.clone());
        async move {
            let api = req.uri().path().starts_with("/api/");
            let h = req.headers_mut();
            if api {
                h.insert(header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
            } else {
                h.insert(header::COOKIE, format!("{}={session}", web::session::SESSION_COOKIE).parse().unwrap());
                h.insert("x-csrf-token", csrf.parse().unwrap());
            }
            req
        }
    }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_and_api_answer() {
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).single().unwrap();
    let today = storage::vietnam_today(now);
    let db = conformance::fresh(conformance::Engine::Sqlite).await.unwrap();
    datagen::generate(db.store.as_ref(), &datagen::Options { members: 300, seed: 7, today }).await.unwrap();
    let store: Arc<dyn Store> = db.store.clone();
    let app = as_admin(store.clone(), now).await;

    let (s, _) = get(&app, "/").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, body) = get(&app, "/units").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(body.contains("lang=\"vi\""));
    let (s, body) = get(&app, "/units?as_of=99/99/2020").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body.contains("99/99/2020"));

    let roots = store.children(None, today).await.unwrap();
    let root = roots[0].unit.id;
    let (s, body) = get(&app, &format!("/units/{root}")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, body) = get(&app, &format!("/units/{root}?as_of=01/01/2010&page=2")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, _) = get(&app, "/units/search?q=chi&members_only=1").await;
    assert_eq!(s, StatusCode::OK);

    let page = store.find_members(&storage::MemberQuery::new(today)).await.unwrap();
    let m = &page.items[0];
    let (s, body) = get(&app, "/members?status=all&page=2&age=31-35").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, body) = get(&app, &format!("/members?q={}", m.citizen_id)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains(&m.full_name));
    let (s, body) = get(&app, "/members?gender=x&as_of=abc").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body.contains("Bộ lọc"));
    for path in [
        format!("/members/{}", m.id.0),
        format!("/members/{}/edit", m.id.0),
        format!("/members/{}/events/new", m.id.0),
        "/members/new".to_owned(),
    ] {
        let (s, body) = get(&app, &path).await;
        assert_eq!(s, StatusCode::OK, "{path}: {body}");
    }
    let detail = store.member(m.id).await.unwrap();
    let ev = detail.events[0].id;
    let (s, body) = get(&app, &format!("/members/{}/events/{}/correct", m.id.0, ev.0)).await;
    assert_eq!(s, StatusCode::OK, "{body}");

    // Record a death through the form.
    let form = format!("version={}&kind=tu-tran&effective_date=20%2F11%2F2026", detail.version);
    let req = Request::post(format!("/members/{}/events", m.id.0))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let (s, body, h) = send(&app, req).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(h.get(header::LOCATION).unwrap(), &format!("/members/{}#timeline", m.id.0));
    let (_, body) = get(&app, &format!("/members/{}", m.id.0)).await;
    assert!(body.contains("Từ trần") && body.contains("20/11/2026"));

    // Stale version: conflict page.
    let form = format!("version={}&kind=tu-tran&effective_date=20%2F11%2F2026", detail.version);
    let req = Request::post(format!("/members/{}/events", m.id.0))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let (s, _, _) = send(&app, req).await;
    assert_eq!(s, StatusCode::CONFLICT);

    // Invalid new member: the form comes back with messages and the typed values.
    let req = Request::post("/members")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("full_name=Nguy%E1%BB%85n+V%C4%83n+B&citizen_id=123&origin=here"))
        .unwrap();
    let (s, body, _) = send(&app, req).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Nguyễn Văn B") && body.contains("12 chữ số"));

    // API.
    let (s, body) = get(&app, "/api/v1/units").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, body) = get(&app, &format!("/api/v1/units/{root}/subtree")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, body) = get(&app, "/api/v1/members?per_page=5").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 5);
    let (s, body) = get(&app, "/api/v1/members?status=zzz").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"]["code"], "bad_request");
    assert_eq!(v["error"]["fields"][0]["field"], "status");
    let (s, body) = get(&app, "/api/v1/members/999999999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(body.contains("not_found"));
    let req = Request::post("/api/v1/members").header(header::CONTENT_TYPE, "application/json").body(Body::from("{bad")).unwrap();
    let (s, body, _) = send(&app, req).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("\"bad_request\""));
    let big = format!("{{\"x\":\"{}\"}}", "a".repeat(2 * 1024 * 1024));
    let req = Request::post("/api/v1/members").header(header::CONTENT_TYPE, "application/json").body(Body::from(big)).unwrap();
    let (s, body, _) = send(&app, req).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body.contains("payload_too_large"));
    let req = Request::post("/api/v1/units")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"kind":"x","code":"","name":"","decision_date":"1/1/2020"}"#))
        .unwrap();
    let (s, body, _) = send(&app, req).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("validation_failed") && body.contains("\"kind\""));
    let (s, body) = get(&app, "/api/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("/api/v1/members/{id}/events"));
    let (s, body) = get(&app, "/nowhere").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(body.contains("Không tìm thấy"));
    let (s, body) = get(&app, "/healthz").await;
    assert_eq!((s, body.as_str()), (StatusCode::OK, "ok"));
    let (s, _) = get(&app, web::chrome::CSS_PATH).await;
    assert_eq!(s, StatusCode::OK);
}

async fn post_form(app: &axum::Router, path: &str, form: &[(&str, &str)]) -> (StatusCode, String, String) {
    let body: Vec<String> = form.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    let req =
        Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from(body.join("&"))).unwrap();
    let (s, body, h) = send(app, req).await;
    let location = h.get(header::LOCATION).map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
    (s, body, location)
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unit_operations_through_the_forms() {
    use domain::event::UnitRef;
    use domain::ids::UnitId;
    use domain::unit::UnitKind;

    let now = Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).single().unwrap();
    let today = storage::vietnam_today(now);
    let db = conformance::fresh(conformance::Engine::Sqlite).await.unwrap();
    datagen::generate(db.store.as_ref(), &datagen::Options { members: 300, seed: 11, today }).await.unwrap();
    let store: Arc<dyn Store> = db.store.clone();
    let app = as_admin(store.clone(), now).await;
    let d = |s: &str| domain::dates::parse_date(s).unwrap();

    let units = all_units(store.as_ref(), today).await;
    let committees: Vec<UnitId> = units.iter().filter(|n| n.unit.kind == UnitKind::GrassrootsCommittee).map(|n| n.unit.id).collect();
    let (p1, p2) = (committees[0], committees[1]);
    let target = units.iter().find(|n| n.unit.kind == UnitKind::Cell && n.member_count > 0).unwrap().unit.id;

    // The unit page links to the forms; every form opens.
    let (s, body) = get(&app, &format!("/units/{p1}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("Thao tác") && body.contains(&format!("/units/{p1}/children/new")));
    for op in ["children/new", "rename", "move", "merge", "split", "dissolve"] {
        let (s, body) = get(&app, &format!("/units/{p1}/{op}")).await;
        assert_eq!(s, StatusCode::OK, "{op}: {body}");
    }
    let (s, _) = get(&app, "/units/new").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(get(&app, &format!("/units/{p1}/explode")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/units/999999/rename").await.0, StatusCode::NOT_FOUND);

    // Bad input: inline errors, the typed values kept.
    let (s, body, _) = post_form(
        &app,
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
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Chưa lưu được: cần sửa 2 mục"), "{body}");
    assert!(body.contains("Chi bộ Thử nghiệm") && body.contains("31/02/2026") && body.contains("CB-THU-NGHIEM"));
    assert!(body.contains("Số văn bản không được để trống.") && body.contains("href=\"#f-decision_number\""));
    assert!(all_units(store.as_ref(), today).await.iter().all(|n| n.unit.code != "CB-THU-NGHIEM"));

    // Create a chi bộ under the first committee.
    let (s, body, loc) = post_form(
        &app,
        &format!("/units/{p1}/children/new"),
        &with(decision("01/02/2026", "10-QĐ/ĐU"), &[("kind", "chi-bo"), ("code", "CB-THU-NGHIEM"), ("name", "Chi bộ Thử nghiệm")]),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    let cell = store.children(Some(p1), today).await.unwrap().into_iter().find(|n| n.unit.code == "CB-THU-NGHIEM").unwrap().unit.id;
    assert_eq!(loc, format!("/units/{cell}?as_of=01%2F02%2F2026"));

    // Rename it (only the name changes).
    let v = store.unit(cell, today).await.unwrap();
    let version = v.version.to_string();
    let (s, body, _) = post_form(
        &app,
        &format!("/units/{cell}/rename"),
        &with(
            decision("01/03/2026", "11-QĐ/ĐU"),
            &[("version", &version), ("kind", "chi-bo"), ("code", "CB-THU-NGHIEM"), ("name", "Chi bộ Khu phố Mới")],
        ),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    let v = store.unit(cell, today).await.unwrap();
    assert_eq!(v.as_of.as_ref().unwrap().name, "Chi bộ Khu phố Mới");
    assert_eq!(store.unit(cell, d("15/02/2026")).await.unwrap().as_of.unwrap().name, "Chi bộ Thử nghiệm");

    // A stale version: the conflict message, the form again with the new version.
    let (s, body, _) = post_form(
        &app,
        &format!("/units/{cell}/rename"),
        &with(
            decision("01/03/2026", "12-QĐ/ĐU"),
            &[("version", &version), ("kind", "chi-bo"), ("code", "CB-THU-NGHIEM"), ("name", "Chi bộ Khác")],
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(body.contains("Người khác đã thay đổi tổ chức này trước bạn") && body.contains("Chi bộ Khác"));
    assert!(body.contains(&format!("name=\"version\" value=\"{}\"", v.version)));

    // Move it under the second committee.
    let (s, body, _) = post_form(
        &app,
        &format!("/units/{cell}/move"),
        &with(decision("01/04/2026", "13-QĐ/ĐU"), &[("version", &v.version.to_string()), ("parent_id", &p2.to_string())]),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
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
    let (s, body, _) = post_form(
        &app,
        &format!("/members/{}/events", member.id.0),
        &with(
            decision("01/05/2026", "14-QĐ/ĐU"),
            &[("version", &member.version.to_string()), ("kind", "dieu-chuyen"), ("to_unit_id", &cell.to_string())],
        ),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    let unit_of = |m: &storage::MemberDetail, on: &str| m.history.span_on(d(on)).map(|s| s.unit.clone());
    assert_eq!(unit_of(&store.member(member.id).await.unwrap(), "02/05/2026"), Some(UnitRef::Internal(cell)));

    // Split it into two; the member goes to the second.
    let v = store.unit(cell, today).await.unwrap();
    let (s, body) = get(&app, &format!("/units/{cell}/split")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains(&format!("name=\"member.{}\"", member.id.0)), "{body}");
    let p2s = p2.to_string();
    let member_key = format!("member.{}", member.id.0);
    let (s, body, loc) = post_form(
        &app,
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
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    let kids = store.children(Some(p2), today).await.unwrap();
    let s1 = kids.iter().find(|n| n.unit.code == "CB-TACH-1").unwrap().unit.id;
    let s2 = kids.iter().find(|n| n.unit.code == "CB-TACH-2").unwrap().unit.id;
    assert_eq!(loc, format!("/units/{s1}?as_of=01%2F06%2F2026"));
    assert!(store.unit(cell, today).await.unwrap().as_of.is_none());
    assert_eq!(unit_of(&store.member(member.id).await.unwrap(), "02/06/2026"), Some(UnitRef::Internal(s2)));

    // Merge both successors into an existing chi bộ.
    let (s, body, loc) = post_form(
        &app,
        &format!("/units/{s1}/merge"),
        &with(decision("01/07/2026", "16-QĐ/ĐU"), &[("source_ids", &format!("{s2},")), ("target_id", &target.to_string())]),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(loc, format!("/units/{target}?as_of=01%2F07%2F2026"));
    assert!(store.unit(s1, today).await.unwrap().as_of.is_none() && store.unit(s2, today).await.unwrap().as_of.is_none());
    assert_eq!(unit_of(&store.member(member.id).await.unwrap(), "02/07/2026"), Some(UnitRef::Internal(target)));

    // Dissolving a chi bộ that still has members is refused, and nothing changes.
    let before = store.unit(target, today).await.unwrap();
    let (s, body, _) = post_form(&app, &format!("/units/{target}/dissolve"), &decision("01/08/2026", "17-QĐ/ĐU")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("đảng viên sinh hoạt ở tổ chức này") && body.contains("17-QĐ/ĐU"), "{body}");
    let after = store.unit(target, today).await.unwrap();
    assert_eq!((after.version, after.as_of.is_some(), after.operations.len()), (before.version, true, before.operations.len()));
}
