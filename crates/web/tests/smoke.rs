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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_and_api_answer() {
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).single().unwrap();
    let today = storage::vietnam_today(now);
    let db = conformance::fresh(conformance::Engine::Sqlite).await.unwrap();
    datagen::generate(db.store.as_ref(), &datagen::Options { members: 300, seed: 7, today }).await.unwrap();
    let store: Arc<dyn Store> = db.store.clone();
    let app = web::router(store.clone(), Arc::new(web::FixedClock(now)));

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
    let (s, _) = get(&app, "/static/app-1.css").await;
    assert_eq!(s, StatusCode::OK);
}
