//! Importing a register file through the pages: the upload under a commune, the dry run's page
//! (counts, a refused row's reason, the leading-zero warning), the workbook given back with its
//! "Lỗi" column, a changed column mapping, a saved mapping, the apply and its members, a second
//! upload finding everything unchanged; another commune's staff cannot see the job (404), a
//! member gets 403, and the upload is not taken without its anti-forgery token.

use std::io::Cursor;
use std::time::Duration;

use calamine::{Data, Reader, Xlsx};
use domain::access::{Grant, Role};
use domain::ids::UnitId;

use crate::http_on_both_engines;
use crate::support::{self, App, PASSWORD, create_unit};

http_on_both_engines!(0; import_through_the_pages);

const FIXTURE: &[u8] = include_bytes!("../../../sheets/tests/fixtures/register.xlsx");
const BOUNDARY: &str = "----dangvu-test-boundary-7f3a";

fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned()
}

/// A `multipart/form-data` body: the text fields, then the file.
fn multipart(fields: &[(&str, &str)], file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload(app: &App, client: &reqwest::Client, csrf: &str, root: &str, bytes: &[u8]) -> reqwest::Response {
    upload_with(app, client, &[("_csrf", csrf), ("root", root), ("meaning", "ceremony")], bytes).await
}

async fn upload_with(app: &App, client: &reqwest::Client, fields: &[(&str, &str)], bytes: &[u8]) -> reqwest::Response {
    let body = multipart(fields, "register.xlsx", bytes);
    client
        .post(app.url("/import"))
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The job's page once its check or apply is over (the page refreshes itself while it runs).
async fn settled(app: &App, client: &reqwest::Client, job: &str) -> String {
    for _ in 0..300 {
        let r = client.get(app.url(job)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let html = r.text().await.unwrap();
        if !html.contains("http-equiv=\"refresh\"") {
            return html;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the import job {job} never finished");
}

/// Uploads the fixture under `root` as the logged-in `client` and waits for its dry run; answers
/// the job's path (for the phone layout test).
pub async fn planned_job(app: &App, client: &reqwest::Client, csrf: &str, root: i64) -> String {
    let r = upload(app, client, csrf, &root.to_string(), FIXTURE).await;
    assert_eq!(r.status().as_u16(), 303);
    let job = location(&r);
    settled(app, client, &job).await;
    job
}

/// The count shown after `label` in the counts list.
fn count(html: &str, label: &str) -> String {
    let marker = format!("<dt>{label}</dt><dd>");
    let start = html.find(&marker).unwrap_or_else(|| panic!("{label} in {html}")) + marker.len();
    html[start..].split('<').next().unwrap().to_owned()
}

async fn logged_in(app: &App, username: &str, grant: Grant, member: Option<domain::ids::MemberId>) -> (reqwest::Client, String) {
    support::account(app.store.as_ref(), username, vec![grant], member).await;
    let c = support::browser();
    assert_eq!(support::login(&app.base, &c, username, PASSWORD).await.status().as_u16(), 303);
    let csrf = support::session_csrf(&app.base, &c).await;
    (c, csrf)
}

async fn import_through_the_pages(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "TP", "Đảng bộ xã Tân Phú", Some(province)).await;
    let other = create_unit(app, "xa-phuong", "BM", "Đảng bộ xã Bình Minh", Some(province)).await;
    let other_cell = create_unit(app, "chi-bo-co-so", "BM-01", "Chi bộ thôn Nam", Some(other)).await;
    let (staff, csrf) = logged_in(app, "vp.tanphu", Grant { role: Role::OrgBoardStaff, unit: Some(UnitId(commune)) }, None).await;

    // The form: the picker, the meaning, no saved mapping yet; the units page links to it.
    let r = staff.get(app.url("/import")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    for needle in ["Nạp sổ đảng viên từ tệp", "Nạp vào dưới tổ chức", "Ngày vào Đảng trong tệp là", "Chưa có lần nạp nào."]
    {
        assert!(html.contains(needle), "{needle} on the form");
    }
    assert!(!html.contains("Cách ghép cột đã lưu"), "no saved mapping offered before one is saved");
    let units = staff.get(app.url("/units")).send().await.unwrap().text().await.unwrap();
    assert!(units.contains("href=\"/import\""), "the units page links to the import");

    // Without the anti-forgery token the upload is refused.
    let r = upload(app, &staff, "", &commune.to_string(), FIXTURE).await;
    assert_eq!(r.status().as_u16(), 403);
    // Outside the write scope: the other commune is not even readable (404).
    let r = upload(app, &staff, &csrf, &other.to_string(), FIXTURE).await;
    assert_eq!(r.status().as_u16(), 404);
    // No unit chosen: the form again with the reason.
    let r = upload(app, &staff, &csrf, "", FIXTURE).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Chọn tổ chức đảng để nạp tệp vào."));

    // The upload: a dry run, then its page.
    let r = upload(app, &staff, &csrf, &commune.to_string(), FIXTURE).await;
    assert_eq!(r.status().as_u16(), 303);
    let job = location(&r);
    assert!(job.starts_with("/import/"), "{job}");
    let html = settled(app, &staff, &job).await;
    assert!(html.contains("Chạy thử: chưa ghi gì vào sổ."), "{html}");
    assert!(html.contains("Đảng viên") && html.contains("Tổ chức"), "the sheets read");
    assert_eq!(count(&html, "Sẽ tạo (đảng viên)"), "17", "{html}");
    assert_eq!(count(&html, "Bị từ chối"), "3");
    assert_eq!(count(&html, "Tổ chức sẽ tạo"), "3");
    assert_eq!(count(&html, "Tổ chức đã có"), "1");
    assert!(html.contains("đã mất số 0 ở đầu"), "the leading-zero warning");
    assert!(html.contains("Dòng bị từ chối"));
    assert!(html.contains("Chi bộ thôn Bắc"), "the unknown chi bộ named in its reason");
    assert!(html.contains("Ngày sinh sau hôm nay không hợp lệ."), "row 13's reason");
    assert!(html.contains("action=\"/import/") && html.contains("/apply\""), "the apply form is offered");
    let (_, list) = app.json(&format!("/api/v1/members?unit={commune}")).await;
    assert!(!list.to_string().contains("Nguyễn Văn An"), "a dry run writes nothing: {list}");
    // The operator's metrics: the dry run finished, its plan waits; nothing runs.
    assert_eq!(app.metric("dangvu_imports_finished_total{stage=\"check\",outcome=\"ok\"}").await, 1.0);
    assert_eq!(app.metric("dangvu_imports_waiting").await, 1.0);
    assert_eq!(app.metric("dangvu_imports_running{stage=\"check\"}").await, 0.0);

    // The workbook given back: the "Lỗi" column after the header's last column, the reasons on
    // the refused rows only.
    let r = staff.get(app.url(&format!("{job}/errors.xlsx"))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("Đảng viên").unwrap();
    let text = |row: u32, col: u32| sheet.get_value((row, col)).map(|d| d.to_string()).unwrap_or_default();
    assert_eq!(text(3, 15), "Lỗi", "the header row (4) gets the column after its 15 headers");
    assert!(text(12, 15).contains("Ngày sinh sau hôm nay"), "row 13 (born in 2030) has its reason: {}", text(12, 15));
    assert!(text(13, 15).contains("Chi bộ thôn Bắc"), "row 14 (unknown chi bộ) has its reason");
    assert!(text(10, 15).contains("ngày thay đổi trạng thái"), "row 11 (died, no date) has its reason");
    assert!(matches!(sheet.get_value((4, 15)), None | Some(Data::Empty)), "a good row has no reason");
    assert_eq!(text(4, 1), "Nguyễn Văn An", "the rows as read");

    // Another commune's staff does not find the job, nor its workbook (404); a member gets 403.
    let (stranger, _) = logged_in(app, "vp.binhminh", Grant { role: Role::OrgBoardStaff, unit: Some(UnitId(other)) }, None).await;
    assert_eq!(stranger.get(app.url(&job)).send().await.unwrap().status().as_u16(), 404);
    assert_eq!(stranger.get(app.url(&format!("{job}/errors.xlsx"))).send().await.unwrap().status().as_u16(), 404);
    let member = support::official_member(app, "Trần Văn Nam", "040080099999", other_cell).await;
    let (member_client, _) = logged_in(app, "dv.nam", Grant { role: Role::Member, unit: None }, Some(domain::ids::MemberId(member))).await;
    assert_eq!(member_client.get(app.url("/import")).send().await.unwrap().status().as_u16(), 403);
    assert_eq!(member_client.get(app.url(&job)).send().await.unwrap().status().as_u16(), 403);

    // A changed mapping: "Nơi ở hiện nay" left unread, read again and checked again.
    let residence = html.find(">Nơi ở hiện nay</label>").map(|end| {
        let start = html[..end].rfind("for=\"").unwrap() + 5;
        html[start..end - 1].to_owned()
    });
    let residence = residence.expect("the mapping form lists the file's headers");
    let mut fields: Vec<(String, String)> = vec![("_csrf".into(), csrf.clone())];
    let select = regex_selects(&html);
    for (name, value) in select {
        let value = if name == residence { String::new() } else { value };
        fields.push((name, value));
    }
    fields.push(("meaning".into(), "ceremony".into()));
    let r = staff.post(app.url(&format!("{job}/mapping"))).form(&fields).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let html = settled(app, &staff, &job).await;
    let unread = format!("id=\"{residence}\" name=\"{residence}\"><option value=\"\" selected>không nạp</option>");
    assert!(html.contains(&unread), "the column is now unread");
    assert_eq!(count(&html, "Sẽ tạo (đảng viên)"), "17");

    // The mapping saved under a name, then offered on the form.
    let r =
        staff.post(app.url(&format!("{job}/mappings"))).form(&[("_csrf", csrf.as_str()), ("name", "Mẫu xã Tân Phú")]).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let r =
        staff.post(app.url(&format!("{job}/mappings"))).form(&[("_csrf", csrf.as_str()), ("name", "Mẫu xã Tân Phú")]).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 422, "a name in use is refused");
    let form = staff.get(app.url("/import")).send().await.unwrap().text().await.unwrap();
    let saved = form.split("\">Mẫu xã Tân Phú</option>").next().and_then(|b| b.rsplit("<option value=\"").next()).unwrap().to_owned();
    assert!(saved.parse::<i64>().is_ok(), "the saved mapping is offered: {saved}");

    // Apply: the members are written, the units created linked.
    let r = staff.post(app.url(&format!("{job}/apply"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let html = settled(app, &staff, &job).await;
    assert!(html.contains("Đã nạp xong: lần nạp số"), "{html}");
    assert_eq!(count(&html, "Đã tạo (đảng viên)"), "17");
    assert_eq!(app.metric("dangvu_imports_finished_total{stage=\"apply\",outcome=\"ok\"}").await, 1.0);
    assert_eq!(app.metric("dangvu_imports_running{stage=\"apply\"}").await, 0.0);
    assert!(html.contains("Chi bộ thôn Đông"), "the units created are listed");
    let (_, list) = app.json(&format!("/api/v1/members?unit={commune}")).await;
    assert!(list.to_string().contains("Nguyễn Văn An"), "{list}");
    let form = staff.get(app.url("/import")).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("register.xlsx") && !form.contains("Chưa có lần nạp nào."), "the import is listed");

    // The same file again, read with the saved mapping: nothing new.
    let root = commune.to_string();
    let r = upload_with(app, &staff, &[("_csrf", csrf.as_str()), ("root", root.as_str()), ("mapping", saved.as_str())], FIXTURE).await;
    let again = location(&r);
    let html = settled(app, &staff, &again).await;
    assert_eq!(count(&html, "Sẽ tạo (đảng viên)"), "0", "{html}");
    assert_eq!(count(&html, "Không đổi"), "17");
    assert_eq!(count(&html, "Tổ chức sẽ tạo"), "0");
}

/// Every `<select id="m…" name="m…">` of the mapping form with its selected value.
fn regex_selects(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<select id=\"m") {
        let block = &rest[start..];
        let end = block.find("</select>").unwrap();
        let select = &block[..end];
        let name_start = select.find("name=\"").unwrap() + 6;
        let name = select[name_start..].split('"').next().unwrap().to_owned();
        let value = select
            .split("<option ")
            .find(|o| o.contains(" selected>"))
            .and_then(|o| o.split("value=\"").nth(1))
            .map(|v| v.split('"').next().unwrap().to_owned())
            .unwrap_or_default();
        out.push((name, value));
        rest = &block[end..];
    }
    out
}
