//! The forms as people use them: one form per kind of event, the status line's own start after a
//! move, search typed with diacritics, the message after every saved form, and no English or
//! codes where people read.

use domain::event::{EventKind, UnitRef};
use domain::history::Status;
use domain::unit::UnitKind;
use storage::prelude::*;
use storage::{MemberQuery, StatusFilter};

use crate::http_on_both_engines;
use crate::support::{App, today};

http_on_both_engines!(300; one_form_per_kind, status_keeps_its_start_after_a_move, search_keeps_typed_diacritics, words_not_codes);

/// Posts a page form; returns the status and the `Location` header (empty when none).
async fn post(app: &App, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let r = app.post_form(path, form).await;
    let status = r.status().as_u16();
    let location = r.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
    let body = r.text().await.unwrap();
    assert!(status == 303, "{path}: {status} {body}");
    (status, location)
}

async fn member_with(app: &App, status: Status) -> storage::MemberDetail {
    let mut q = MemberQuery::new(today());
    q.status = StatusFilter::Only(status);
    q.per_page = 1;
    let id = app.store.find_members(&q).await.unwrap().items.remove(0).id;
    app.store.member(id).await.unwrap()
}

/// Another chi bộ than `not`, valid today.
async fn other_cell(app: &App, not: domain::ids::UnitId) -> storage::UnitSummary {
    let cells = app.store.find_units("chi bo", today(), true, 50, None).await.unwrap();
    cells.into_iter().find(|u| u.id != not && u.kind == UnitKind::GrassrootsCell).expect("another chi bộ")
}

async fn one_form_per_kind(app: &App) {
    let m = member_with(app, Status::Official).await;
    let id = m.id.0;
    let unit = m.history.span_on(today()).unwrap().unit.internal().unwrap();
    // The list of kinds: only those that can follow an official member's status, each explained.
    let (s, body) = app.text(&format!("/members/{id}/events/new")).await;
    assert_eq!(s, 200, "{body}");
    assert!(!body.contains(r#"name="kind""#), "no kind select: {body}");
    for offered in ["dieu-chuyen", "mien-sinh-hoat", "xoa-ten", "tu-tran"] {
        assert!(body.contains(&format!("/members/{id}/events/new?kind={offered}")), "{offered}: {body}");
    }
    // A transfer out is the letter's procedure (docs/design/transfers.md).
    assert!(body.contains(&format!("/members/{id}/transfer\"")), "chuyen-di: {body}");
    for not_offered in ["thoi-mien", "ket-nap-lai", "le-ket-nap", "ket-nap\""] {
        assert!(!body.contains(&format!("?kind={not_offered}")), "{not_offered}: {body}");
    }
    assert!(body.contains("Chuyển sinh hoạt (chính thức hoặc tạm thời)"));
    // A kind that cannot follow the status falls back to the list.
    let (_, body) = app.text(&format!("/members/{id}/events/new?kind=thoi-mien")).await;
    assert!(body.contains("Chọn loại sự kiện"), "{body}");
    // A death asks for its date only; the document is optional.
    let (_, body) = app.text(&format!("/members/{id}/events/new?kind=tu-tran")).await;
    assert!(body.contains("Ngày từ trần") && !body.contains(r#"name="unit_id""#) && !body.contains(r#"name="reason""#), "{body}");
    // A transfer out shows the unit it leaves as text and asks only where to.
    let unit_name = app.store.unit(unit, today()).await.unwrap().latest.name;
    let (_, body) = app.text(&format!("/members/{id}/events/new?kind=chuyen-di")).await;
    assert!(body.contains(&format!("Chuyển đi từ: <strong>{unit_name}</strong>")), "{body}");
    assert!(
        !body.contains(r#"name="unit_id""#) && body.contains(r#"name="to_unit_id""#) && body.contains("Đến: tổ chức đảng trong hệ thống")
    );
    assert!(body.contains(r#"<input type="hidden" name="kind" value="chuyen-di">"#));
    // Errors come back in the same kind's form.
    let version = m.version.to_string();
    let r = app.post_form(&format!("/members/{id}/events"), &[("version", &version), ("kind", "chuyen-di")]).await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("Chuyển đi từ") && body.contains(r#"name="to_unit_id""#) && !body.contains(r#"name="reason""#), "{body}");
    // Recorded without naming the unit left: the register's unit is the origin.
    let fields = [
        ("version", version.as_str()),
        ("kind", "chuyen-di"),
        ("mode", "chinh-thuc"),
        ("external_unit", "Đảng bộ tỉnh Lào Cai"),
        ("effective_date", "20/11/2026"),
        ("decision_number", "12-QĐ/ĐU"),
        ("decision_date", "18/11/2026"),
        ("issuer", "Đảng ủy xã"),
    ];
    let (_, location) = post(app, &format!("/members/{id}/events"), &fields).await;
    assert_eq!(location, format!("/members/{id}#timeline"));
    let after = app.store.member(m.id).await.unwrap();
    let last = after.history.effective.last().unwrap();
    assert_eq!(
        last.1.kind,
        EventKind::TransferredOut {
            mode: domain::event::TransferMode::Official,
            from: unit,
            to: UnitRef::External("Đảng bộ tỉnh Lào Cai".into())
        }
    );
    // The saved message shows once, on the page the form leads to.
    let (_, body) = app.text(&format!("/members/{id}")).await;
    assert!(body.contains(r#"<p class="saved" role="status">Đã ghi nhận sự kiện.</p>"#), "{body}");
    let (_, body) = app.text(&format!("/members/{id}")).await;
    assert!(!body.contains("Đã ghi nhận sự kiện."), "not again on reload");
    // In transit, only the acceptance can follow.
    let (_, body) = app.text(&format!("/members/{id}/events/new")).await;
    assert!(body.contains("?kind=chuyen-den") && !body.contains("?kind=tu-tran"), "{body}");
    // The correction form shows the fields of the event's own kind.
    let ev = after.events.last().unwrap().id.0;
    let (_, body) = app.text(&format!("/members/{id}/events/{ev}/correct")).await;
    assert!(
        body.contains(r#"name="unit_id""#) && body.contains("Hoặc đến: tổ chức ngoài hệ thống") && !body.contains(r#"name="reason""#),
        "{body}"
    );
}

async fn status_keeps_its_start_after_a_move(app: &App) {
    let m = member_with(app, Status::Official).await;
    let since = m.history.status_since(today()).unwrap();
    let from = m.history.span_on(today()).unwrap().unit.internal().unwrap();
    let to = other_cell(app, from).await;
    let version = m.version.to_string();
    let to_id = to.id.to_string();
    let fields = [
        ("version", version.as_str()),
        ("kind", "dieu-chuyen"),
        ("to_unit_id", to_id.as_str()),
        ("effective_date", "20/11/2026"),
        ("decision_number", "15-QĐ/ĐU"),
        ("decision_date", "18/11/2026"),
        ("issuer", "Đảng ủy xã"),
    ];
    post(app, &format!("/members/{}/events", m.id.0), &fields).await;
    let after = app.store.member(m.id).await.unwrap();
    assert_eq!(after.history.span_on(today()).unwrap().from.to_string(), "2026-11-20", "the move made a new span");
    let (_, body) = app.text(&format!("/members/{}", m.id.0)).await;
    let line = format!("Đảng viên chính thức (từ {})", since.format("%d/%m/%Y"));
    assert!(body.contains(&line), "{line}: {body}");
    assert!(!body.contains("Đảng viên chính thức (từ 20/11/2026)"));
}

async fn search_keeps_typed_diacritics(app: &App) {
    let (_, any) = app.text("/members?q=nguyen&status=all&per_page=200").await;
    assert!(any.contains("Nguyễn "), "{any}");
    let (_, marked) = app.text("/members?q=Nguy%C3%AAn&status=all&per_page=200").await;
    assert!(!marked.contains("Nguyễn "), "Nguyên is not every Nguyễn: {marked}");
    let (_, units) = app.text("/units/search?q=chi+b%C3%B4").await;
    assert!(units.contains("Không tìm thấy tổ chức nào."), "bô is not bộ: {units}");
    let (_, units) = app.text("/units/search?q=chi+b%E1%BB%99").await;
    assert!(units.contains("<li data-id=") && !units.contains("Không tìm thấy"), "{units}");
    let (_, units) = app.text("/units/search?q=chi+bo").await;
    assert!(units.contains("<li data-id="), "{units}");
}

async fn words_not_codes(app: &App) {
    let m = member_with(app, Status::Official).await;
    let name = m.identity.full_name.to_string();
    // Generated records are recorded by "dữ liệu mẫu", in Vietnamese.
    let (_, body) = app.text(&format!("/members/{}", m.id.0)).await;
    assert!(body.contains("Ghi nhận bởi dữ liệu mẫu") && !body.contains("generator"), "{body}");
    let version = m.version.to_string();
    let fields = [("version", version.as_str()), ("kind", "tu-tran"), ("effective_date", "20/11/2026")];
    post(app, &format!("/members/{}/events", m.id.0), &fields).await;
    // Nothing can follow a death: the record offers no "Ghi nhận sự kiện" any more.
    let (_, body) = app.text(&format!("/members/{}", m.id.0)).await;
    assert!(body.contains("Sửa lý lịch") && !body.contains(&format!("/members/{}/events/new\"", m.id.0)), "{body}");
    app.text("/members?q=nguyen").await;
    // The trail in words: the action described, the member by name, the details as a list.
    let (s, audit) = app.text("/admin/audit").await;
    assert_eq!(s, 200, "{audit}");
    for code in ["event.record", "read.members", "read.member<", "{&quot;", "{\""] {
        assert!(!audit.contains(code), "{code} shown: {audit}");
    }
    assert!(audit.contains("Ghi sự kiện") && audit.contains("Tra cứu danh sách đảng viên"), "{audit}");
    assert!(audit.contains(&format!("Đảng viên: {name}")), "{name}: {audit}");
    assert!(audit.contains("<li>Từ khóa tìm: nguyen</li>"), "{audit}");
    assert!(audit.contains("<li>Nội dung: Từ trần, có hiệu lực 20/11/2026</li>"), "{audit}");
    assert!(!audit.contains(&format!("Đảng viên {}", m.id.0)));
    // A message names the field in words only.
    let (s, body) = app.text("/api/v1/reports/counts").await;
    assert_eq!(s, 400, "{body}");
    assert!(body.contains("Chọn tổ chức.") && !body.contains("(unit)"), "{body}");
}
