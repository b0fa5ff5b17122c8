//! The document library through the pages and the API: the province publishes a resolution for
//! its communes and uploads its attachments (a program, a web page and a file the site's virus
//! scanner flags are refused, whatever their names); a commune finds it with or without
//! diacritics, opens it (the read is recorded once) and downloads the file byte for byte; the
//! province sees who read it per unit.

use std::os::unix::fs::PermissionsExt;

use domain::access::{Grant, Role};
use domain::ids::UnitId;
use serde_json::Value;

use crate::support::{self, App, PASSWORD, create_unit};

const BOUNDARY: &str = "----dangvu-document-boundary";

fn multipart(version: &str, csrf: &str, name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (field, value) in [("_csrf", csrf), ("version", version)] {
        body.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn login(app: &App, username: &str, role: Role, unit: i64) -> (reqwest::Client, String, String) {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_through_the_pages_and_the_api() {
    // A stand-in virus scanner: exit 1 when the file holds the EICAR marker.
    let dir = tempfile::tempdir().unwrap();
    let scanner = dir.path().join("scan.sh");
    std::fs::write(&scanner, "#!/bin/sh\nif grep -q EICAR \"$1\"; then exit 1; fi\nexit 0\n").unwrap();
    std::fs::set_permissions(&scanner, std::fs::Permissions::from_mode(0o755)).unwrap();
    let auth = web::AuthConfig { cookie_secure: false, scan_command: Some(scanner.display().to_string()), ..Default::default() };
    let app = support::spawn_with(conformance::Engine::Sqlite, 0, auth).await.expect("app");
    let app = &app;
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let (pweb, pcsrf, ptoken) = login(app, "tinh.tochuc", Role::OrgBoardStaff, province).await;
    let (cweb, _, ctoken) = login(app, "xa.tochuc", Role::OrgBoardStaff, commune).await;

    let unit = province.to_string();
    let fields: Vec<(&str, &str)> = vec![
        ("_csrf", &pcsrf),
        ("unit", &unit),
        ("kind", "nghi-quyet"),
        ("number", "05-NQ/TU"),
        ("issued_on", "15/03/2026"),
        ("issuer", "Ban Chấp hành Đảng bộ tỉnh"),
        ("title", "Nghị quyết về nâng cao chất lượng sinh hoạt chi bộ"),
        ("reach_kinds", "xa-phuong"),
    ];
    let r = pweb.post(app.url("/documents/new")).form(&fields).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let href = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = href.trim_start_matches("/documents/").parse().unwrap();

    // Attachments: refused by content, by the scanner; a PDF kept.
    let upload = |name: &'static str, bytes: Vec<u8>| {
        let (pweb, pcsrf, href) = (pweb.clone(), pcsrf.clone(), href.clone());
        async move {
            let html = pweb.get(app.url(&href)).send().await.unwrap().text().await.unwrap();
            let body = multipart(&version_in(&html), &pcsrf, name, &bytes);
            pweb.post(app.url(&format!("{href}/attachments")))
                .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    for (name, bytes, why) in [
        ("chuong-trinh.pdf", b"MZ\x90\x00program".to_vec(), "Không nhận chương trình"),
        ("trang.pdf", b"<html><script>x</script></html>".to_vec(), "Không nhận trang web"),
        ("virus.txt", b"X5O!P%@AP EICAR test".to_vec(), "mã độc"),
    ] {
        let r = upload(name, bytes).await;
        assert_eq!(r.status().as_u16(), 422, "{name}");
        assert!(r.text().await.unwrap().contains(why), "{name}");
    }
    let pdf = b"%PDF-1.7\nPhu luc mau bien ban\n%%EOF".to_vec();
    assert_eq!(upload("Phụ lục mẫu biên bản.pdf", pdf.clone()).await.status().as_u16(), 303);

    // The commune: found with or without diacritics, opened, downloaded.
    for q in ["sinh+hoat+chi+bo", "SINH+HO%E1%BA%A0T", "phu+luc"] {
        let html = cweb.get(app.url(&format!("/documents?q={q}"))).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("Nghị quyết về nâng cao chất lượng sinh hoạt chi bộ"), "{q}");
    }
    let html = cweb.get(app.url("/documents?q=sinh+ho%C3%A1t")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Không có tài liệu nào"), "marks typed must be the text's");
    let html = cweb.get(app.url(&href)).send().await.unwrap().text().await.unwrap();
    let marker = "/documents/attachments/";
    let start = html.find(marker).unwrap() + marker.len();
    let attachment: i64 = html[start..].split('"').next().unwrap().parse().unwrap();
    let r = cweb.get(app.url(&format!("/documents/attachments/{attachment}"))).send().await.unwrap();
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
    cweb.get(app.url(&href)).send().await.unwrap();

    // The province sees one reader, in the commune; the API answers the same.
    let html = pweb.get(app.url(&href)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("1 người đã mở tài liệu") && html.contains("Đảng bộ xã An Phú"), "{html}");
    let r = app.client.get(app.url(&format!("/api/v1/documents/{id}"))).bearer_auth(&ptoken).send().await.unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!((v["reads"]["readers"].as_u64(), v["document"]["attachments"].as_array().map(Vec::len)), (Some(1), Some(1)));
    let r = app.client.get(app.url("/api/v1/documents?q=nghi+quyet")).bearer_auth(&ctoken).send().await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap().as_array().map(Vec::len), Some(1));
    let r = app
        .client
        .post(app.url(&format!("/api/v1/documents/{id}/attachments?name=x.html&version=2")))
        .bearer_auth(&ptoken)
        .header("content-type", "application/octet-stream")
        .body("<!doctype html><p>x</p>")
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap();
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("type")));
    let r = app
        .client
        .post(app.url(&format!("/api/v1/documents/{id}/attachments?name=x.pdf&version=2")))
        .bearer_auth(&ctoken)
        .body("%PDF-1.7")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403, "the commune reads the document but does not publish in the province's library");
}
