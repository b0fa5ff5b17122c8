//! The real server on a random port against a real database: pages, the JSON API, errors.

use serde_json::{Value, json};

use crate::http_on_both_engines;
use crate::support::App;

http_on_both_engines!(0; api_register_lifecycle, bad_input_is_refused_clearly);
http_on_both_engines!(300; pages_of_a_generated_province);

fn decision(on: &str) -> Value {
    json!({"effective_date": on, "decision_number": "15-QĐ/TU", "decision_date": on, "issuer": "Ban Thường vụ Tỉnh ủy"})
}

async fn create_unit(app: &App, kind: &str, code: &str, name: &str, parent: Option<i64>) -> i64 {
    let mut body = json!({"kind": kind, "code": code, "name": name, "parent_id": parent});
    body.as_object_mut().unwrap().extend(decision("01/01/1980").as_object().unwrap().clone());
    let (status, v) = app.post_json("/api/v1/units", &body).await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_i64().unwrap()
}

fn new_member(name: &str, cccd: &str, cell: i64) -> Value {
    json!({
        "identity": {"full_name": name, "gender": "nam", "birth_date": "12/03/1985", "ethnicity": "kinh", "religion": "khong", "citizen_id": cccd},
        "profile": {"general_education": "thpt", "professional": "dai-hoc", "occupation": "vien-chuc", "youth_union": false},
        "events": [
            {"kind": "ket-nap", "unit_id": cell, "decision_number": "21-QĐ/ĐU", "decision_date": "10/03/2015", "issuer": "Đảng ủy xã"},
            {"kind": "le-ket-nap", "effective_date": "10/03/2015"},
            {"kind": "cong-nhan-chinh-thuc", "effective_date": "10/03/2016", "decision_number": "30-QĐ/ĐU", "decision_date": "20/03/2016", "issuer": "Đảng ủy xã"}
        ]
    })
}

async fn api_register_lifecycle(app: &App) {
    assert_eq!(app.text("/healthz").await.0, 200);
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let cell = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;

    let (status, created) = app.post_json("/api/v1/members", &new_member("Nguyễn Văn Đức", "001085012345", cell)).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();

    // Search typed without diacritics, then with them; the unit filter and the as-of date apply.
    let (status, page) = app.json("/api/v1/members?q=nguyen+van+duc").await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["full_name"], "Nguyễn Văn Đức");
    assert_eq!(app.json("/api/v1/members?q=%C4%91%E1%BB%A9c").await.1["total"], 1);
    assert_eq!(app.json(&format!("/api/v1/members?unit={commune}")).await.1["total"], 1);
    assert_eq!(app.json(&format!("/api/v1/members?unit={commune}&as_of=01/01/2015")).await.1["total"], 0);

    // Edit the record with the version read; a second edit with the same version conflicts.
    let (status, member) = app.json(&format!("/api/v1/members/{id}")).await;
    assert_eq!(status, 200);
    let mut identity = new_member("Nguyễn Văn Đức", "001085012345", cell)["identity"].clone();
    identity["phone"] = json!("0912 345 678");
    let edit = json!({"version": member["version"], "identity": identity});
    assert_eq!(app.put_json(&format!("/api/v1/members/{id}"), &edit).await.0, 204);
    let (status, v) = app.put_json(&format!("/api/v1/members/{id}"), &edit).await;
    assert_eq!((status, v["error"]["code"].as_str()), (409, Some("conflict")));
    let (_, member) = app.json(&format!("/api/v1/members/{id}")).await;
    assert_eq!(member["identity"]["phone"], "0912345678");

    // An event recorded through the API.
    let version = member["version"].as_i64().unwrap();
    // The version written `7.0` is the integer 7, as JSON Schema counts it.
    #[allow(clippy::cast_precision_loss)]
    let died = json!({"version": version as f64, "event": {"kind": "tu-tran", "effective_date": "01/06/2026"}});
    let (status, v) = app.post_json(&format!("/api/v1/members/{id}/events"), &died).await;
    assert_eq!(status, 201, "{v}");
    // The same version again is a conflict, and nothing is written.
    let (status, v) = app.post_json(&format!("/api/v1/members/{id}/events"), &died).await;
    assert_eq!(status, 409, "{v}");
    assert_eq!(v["error"]["code"], "conflict");
    let events = app.json(&format!("/api/v1/members/{id}/events")).await.1;
    assert_eq!(events.as_array().unwrap().len(), 4);
    assert_eq!(app.json("/api/v1/members?q=duc").await.1["total"], 0);
    assert_eq!(app.json("/api/v1/members?q=duc&status=all").await.1["total"], 1);

    // The tree as of dates, through the API.
    let (status, roots) = app.json("/api/v1/units").await;
    assert_eq!(status, 200);
    assert_eq!(roots[0]["name"], "Tỉnh ủy Bình An");
    let (status, subtree) = app.json(&format!("/api/v1/units/{province}/subtree")).await;
    assert_eq!(status, 200);
    assert_eq!(subtree.as_array().unwrap().len(), 3);

    // The OpenAPI document describes the members collection.
    let (status, doc) = app.json("/api/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["paths"]["/api/v1/members"].is_object(), "{}", doc["paths"]);
}

async fn bad_input_is_refused_clearly(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã", Some(province)).await;
    let cell = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ 1", Some(commune)).await;

    // A body that does not match the document (a code outside its list, a number sent as text,
    // an unknown field) is a 400 naming the field; nothing runs further.
    let mut off_list = new_member("Nguyễn Văn Ba", "001085012399", cell);
    off_list["identity"]["gender"] = json!("khac");
    let (status, v) = app.post_json("/api/v1/members", &off_list).await;
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("bad_request")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("gender"), "{v}");
    let mut as_text = new_member("Nguyễn Văn Ba", "001085012399", cell);
    as_text["events"][0]["unit_id"] = json!(cell.to_string());
    assert_eq!(app.post_json("/api/v1/members", &as_text).await.0, 400);
    let mut unknown = new_member("Nguyễn Văn Ba", "001085012399", cell);
    unknown["identity"]["nickname"] = json!("Ba");
    assert_eq!(app.post_json("/api/v1/members", &unknown).await.0, 400);
    // A wrong content type is a 415 with the error body.
    let r = app.client.post(app.url("/api/v1/members")).bearer_auth(&app.token).body("{}").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 415);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "unsupported_media_type");

    // Field-level messages with stable codes, every problem at once.
    let mut bad = new_member("Nguyễn Văn 3", "12345", cell);
    bad["identity"]["birth_date"] = json!("31/02/1985");
    let (status, v) = app.post_json("/api/v1/members", &bad).await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["error"]["code"], "validation_failed");
    let fields: Vec<&str> = v["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    for f in ["full_name", "birth_date", "citizen_id"] {
        assert!(fields.iter().any(|x| x.ends_with(f)), "{f} missing in {fields:?}");
    }
    // A rule of the Charter: recognition must fall on the end of probation.
    let mut early = new_member("Trần Văn Bình", "001085012346", cell);
    early["events"][2]["effective_date"] = json!("09/03/2016");
    let (status, v) = app.post_json("/api/v1/members", &early).await;
    assert_eq!(status, 422, "{v}");
    assert!(v["error"]["fields"][0]["message"].as_str().unwrap().contains("10/03/2016"), "{v}");
    // Nothing of either was written.
    assert_eq!(app.json("/api/v1/members?status=all").await.1["total"], 0);

    // Malformed JSON, unknown ids, malformed ids and filters: JSON errors, no internals.
    let r = app
        .client
        .post(app.url("/api/v1/members"))
        .bearer_auth(&app.token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "bad_request");
    let (status, v) = app.json("/api/v1/members/999999").await;
    assert_eq!((status, v["error"]["code"].as_str()), (404, Some("not_found")));
    assert_eq!(app.json("/api/v1/members/abc").await.0, 404);
    // A date of the right shape that is not in the calendar is a 422, a malformed one a 400.
    assert_eq!(app.json("/api/v1/members?as_of=31/02/2025").await.0, 422);
    assert_eq!(app.json("/api/v1/members?as_of=yesterday").await.0, 400);
    // Likewise an age band of the documented shape that ends before it starts.
    assert_eq!(app.json("/api/v1/members?age=90-20").await.0, 422);
    assert_eq!(app.json("/api/v1/members?age=90").await.0, 400);
    // Oversized bodies are refused before they are read: announce 3 MiB, send none of it.
    assert_eq!(status_line_for_announced_body(app, 3 * 1024 * 1024).await, "HTTP/1.1 413 Payload Too Large");
    // A page form keeps what was typed and says what is wrong, in Vietnamese.
    let r = app.post_form("/members", &[("full_name", "Lê Thị Hoa"), ("birth_date", "31/02/1990"), ("citizen_id", "001190000001")]).await;
    let body = r.text().await.unwrap();
    assert!(body.contains("Lê Thị Hoa"), "typed value kept");
    assert!(body.contains("không có trong lịch"), "Vietnamese date error shown");
    assert!(!body.to_lowercase().contains("sqlx") && !body.contains("panicked"));
}

async fn pages_of_a_generated_province(app: &App) {
    let (status, tree) = app.text("/units").await;
    assert_eq!(status, 200);
    assert!(tree.contains("lang=\"vi\""));
    assert!(tree.contains("Tỉnh ủy"), "the province is shown");
    // Nothing is loaded from another host.
    for needle in ["src=\"http", "href=\"http", "url(http"] {
        assert!(!tree.contains(needle), "external asset: {needle}");
    }
    // The tree before and after the reorganization of 1 July 2025.
    let roots = app.json("/api/v1/units").await.1;
    let province = roots[0]["id"].as_i64().unwrap();
    let before = app.json(&format!("/api/v1/units?parent={province}&as_of=30/06/2025")).await.1;
    let after = app.json(&format!("/api/v1/units?parent={province}&as_of=01/07/2025")).await.1;
    let kinds = |v: &Value| v.as_array().unwrap().iter().map(|u| u["kind"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert!(kinds(&before).iter().any(|k| k == "huyen-uy"));
    assert!(!kinds(&after).iter().any(|k| k == "huyen-uy"));
    assert!(kinds(&after).iter().any(|k| k == "xa-phuong"));

    let (status, unit_page) = app.text(&format!("/units/{province}")).await;
    assert_eq!(status, 200);
    assert!(unit_page.contains("đảng viên") || unit_page.contains("Đảng viên"));
    let (status, list) = app.text("/members?q=nguyen").await;
    assert_eq!(status, 200);
    assert!(list.contains("Nguyễn"));
    let first = app.json("/api/v1/members?per_page=1").await.1;
    let id = first["items"][0]["id"].as_i64().unwrap();
    let (status, member_page) = app.text(&format!("/members/{id}")).await;
    assert_eq!(status, 200);
    assert!(member_page.contains("Kết nạp"), "the timeline shows the admission");
    assert!(member_page.contains(first["items"][0]["full_name"].as_str().unwrap()));
    assert_eq!(app.text("/members/999999").await.0, 404);
}

/// Sends only the headers of a POST announcing `length` bytes and returns the response's status line.
async fn status_line_for_announced_body(app: &App, length: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request =
        format!("POST /api/v1/members HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 1024];
    let n = stream.read(&mut buf).await.unwrap();
    String::from_utf8_lossy(&buf[..n]).lines().next().unwrap_or_default().to_string()
}
