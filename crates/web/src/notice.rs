//! The message after a saved form: a form that saves answers with a redirect (303), and the page
//! it leads to says, once, what was saved — a polite `role="status"` banner. The middleware
//! ([`notices`]) sets a short-lived cookie naming the message on the redirect and deletes it when
//! the next page shows it, so a reload does not show it again.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::session::{AppState, cookie, set_cookie};

/// The cookie that names the message.
const COOKIE: &str = "saved";

/// Each message by its code; the code is what the cookie holds (nothing typed travels in it).
const MESSAGES: &[(&str, &str)] = &[
    ("member_new", "Đã lưu hồ sơ đảng viên mới."),
    ("member", "Đã lưu thay đổi hồ sơ đảng viên."),
    ("event", "Đã ghi nhận sự kiện."),
    ("correction", "Đã ghi nhận đính chính."),
    ("unit_new", "Đã tạo tổ chức đảng."),
    ("unit", "Đã ghi nhận thay đổi của tổ chức đảng."),
    ("case_new", "Đã lập hồ sơ người xin vào Đảng."),
    ("case", "Đã lưu hồ sơ người xin vào Đảng."),
    ("step", "Đã ghi nhận bước của hồ sơ."),
    ("step_void", "Đã hủy bước của hồ sơ."),
    ("targets", "Đã lưu chỉ tiêu."),
    ("term", "Đã lưu nhiệm kỳ."),
    ("term_delete", "Đã xóa nhiệm kỳ."),
    ("occasion", "Đã thêm ngày lễ, kỷ niệm."),
    ("occasion_remove", "Đã bỏ ngày lễ, kỷ niệm."),
    ("directive_new", "Đã gửi văn bản."),
    ("directive_step", "Đã ghi nhận tình hình thực hiện."),
    ("directive_pass_on", "Đã giao nhiệm vụ cho tổ chức trực thuộc."),
    ("directive_remind", "Đã nhắc các đơn vị."),
    ("meeting_new", "Đã ghi buổi sinh hoạt."),
    ("meeting", "Đã lưu thông tin buổi sinh hoạt."),
    ("meeting_attendance", "Đã lưu danh sách dự họp."),
    ("meeting_resolution", "Đã ghi biểu quyết."),
    ("meeting_minutes", "Đã lưu biên bản."),
    ("weak_plan", "Đã lưu kế hoạch củng cố."),
    ("weak_measure", "Đã ghi biện pháp."),
    ("weak_close", "Đã kết thúc kế hoạch củng cố."),
    ("feedback_new", "Đã gửi ý kiến."),
    ("feedback_answer", "Đã gửi trả lời."),
    ("document_new", "Đã lưu tài liệu."),
    ("document_attach", "Đã tải tệp lên."),
    ("member_task", "Đã giao nhiệm vụ."),
    ("member_task_report", "Đã báo cáo hoàn thành nhiệm vụ."),
    ("dues_payment", "Đã ghi nhận đóng đảng phí."),
    ("dues_basis", "Đã lưu căn cứ đóng đảng phí."),
    ("dues_relief", "Đã ghi quyết định miễn, giảm, chậm đóng đảng phí."),
    ("dues_cancel", "Đã hủy khoản ghi nhầm."),
    ("dues_confirm", "Đã xác nhận kê khai của đảng viên."),
    ("dues_remit", "Đã ghi nộp đảng phí lên cấp trên."),
    ("dues_declare", "Đã gửi kê khai; chi bộ sẽ xác nhận."),
    ("residence_tie", "Đã lưu thông tin nơi cư trú."),
    ("residence_contact", "Đã ghi lần liên hệ với nơi cư trú."),
    ("residence_comment", "Đã ghi nhận xét của nơi cư trú."),
    ("evaluation_open", "Đã mở đợt đánh giá."),
    ("evaluation_step", "Đã ghi xếp loại."),
    ("evaluation_close", "Đã kết thúc đợt đánh giá."),
    ("evaluation_self", "Đã gửi tự đánh giá, xếp loại."),
    ("enterprise", "Đã lưu thông tin doanh nghiệp."),
    ("enterprise_target", "Đã lưu chỉ tiêu thành lập tổ chức đảng."),
    ("saved", "Đã lưu."),
];

/// The message a successful post to `path` leaves (`None`: logging in or out, and the second
/// factor, whose pages say what happened themselves).
fn code_for(path: &str) -> Option<&'static str> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    Some(match parts.as_slice() {
        ["login", ..] | ["logout"] | ["prefs", ..] | ["account", "totp", ..] => return None,
        ["members"] => "member_new",
        ["members", _, "edit"] => "member",
        ["members", _, "events"] => "event",
        ["members", _, "events", _, "correct"] => "correction",
        ["units", "new"] | ["units", _, "children", "new"] => "unit_new",
        ["units", _, "admission", "new"] => "case_new",
        ["units", _, "member-tasks"] => "member_task",
        ["units", _, "dues", "payments"] | ["members", _, "dues", "payments"] => "dues_payment",
        ["units", _, "dues", "confirm"] => "dues_confirm",
        ["units", _, "dues", "remit"] => "dues_remit",
        ["members", _, "dues", "bases"] => "dues_basis",
        ["members", _, "dues", "reliefs"] => "dues_relief",
        ["members", _, "dues", "payments", "cancel"] => "dues_cancel",
        ["handbook", "dues"] => "dues_declare",
        ["members", _, "residence"] => "residence_tie",
        ["units", _, "evaluation"] => "evaluation_open",
        ["units", _, "enterprises", "target"] => "enterprise_target",
        ["units", _, "enterprises"] | ["units", _, "enterprises", _] => "enterprise",
        ["units", _, "evaluation", _, "steps"] => "evaluation_step",
        ["units", _, "evaluation", _, "close"] => "evaluation_close",
        ["handbook", "evaluation"] => "evaluation_self",
        ["members", _, "residence", "contacts"] => "residence_contact",
        ["members", _, "residence", "comments"] | ["units", _, "residence", "comments"] => "residence_comment",
        ["units", _, _] => "unit",
        ["admission", "cases", _, "edit"] => "case",
        ["admission", "cases", _, "steps", "new"] => "step",
        ["admission", "cases", _, "steps", _, "void"] => "step_void",
        ["admission", "targets"] => "targets",
        ["admission", "plans", "terms", _, "delete"] => "term_delete",
        ["admission", "plans", "terms", ..] => "term",
        ["admission", "plans", "occasions"] => "occasion",
        ["admission", "plans", "occasions", "remove"] => "occasion_remove",
        ["directives", "new"] => "directive_new",
        ["directives", _, "receipt"] => "directive_step",
        ["directives", _, "pass-on"] => "directive_pass_on",
        ["directives", _, "remind"] => "directive_remind",
        ["meetings", "new"] => "meeting_new",
        ["meetings", _, "edit"] => "meeting",
        ["meetings", _, "attendance"] => "meeting_attendance",
        ["meetings", _, "resolutions"] => "meeting_resolution",
        ["meetings", _, "minutes"] => "meeting_minutes",
        ["weak", "plans", "new"] => "weak_plan",
        ["weak", "plans", _, "measures", ..] => "weak_measure",
        ["weak", "plans", _, "close"] => "weak_close",
        ["feedback", "new"] => "feedback_new",
        ["feedback", _, "answer"] => "feedback_answer",
        ["documents", "new"] => "document_new",
        ["documents", _, "attachments"] => "document_attach",
        ["handbook", "tasks", _, "report"] => "member_task_report",
        _ => "saved",
    })
}

/// The message the cookie of this request names, if any.
pub fn message(headers: &HeaderMap) -> Option<&'static str> {
    let code = cookie(headers, COOKIE)?;
    MESSAGES.iter().find(|(c, _)| *c == code).map(|(_, m)| *m)
}

/// Middleware: after a page form's successful post (a 303), the cookie naming its message; on the
/// next page that shows it, the cookie's deletion. A redirect whose address already carries its
/// own notice (`done=`, `saved=`) gets none.
pub async fn notices(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let is_page = !path.starts_with("/api/") && !path.starts_with("/static/");
    let posted = req.method() == Method::POST;
    let pending = message(req.headers()).is_some();
    let mut res = next.run(req).await;
    if !is_page {
        return res;
    }
    if posted && res.status() == StatusCode::SEE_OTHER {
        let location = res.headers().get(header::LOCATION).and_then(|l| l.to_str().ok()).unwrap_or_default();
        let own_notice = location.contains("done=") || location.contains("saved=");
        if let Some(code) = code_for(&path).filter(|_| !own_notice) {
            res.headers_mut().append(header::SET_COOKIE, set_cookie(&state.auth, COOKIE, code, Some(120)));
        }
        return res;
    }
    let html = res.headers().get(header::CONTENT_TYPE).and_then(|c| c.to_str().ok()).is_some_and(|c| c.starts_with("text/html"));
    if pending && html && !res.status().is_redirection() {
        res.headers_mut().append(header::SET_COOKIE, set_cookie(&state.auth, COOKIE, "", Some(0)));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn every_post_has_its_message() {
        assert_eq!(code_for("/members/12/events"), Some("event"));
        assert_eq!(code_for("/members/12/events/3/correct"), Some("correction"));
        assert_eq!(code_for("/units/4/rename"), Some("unit"));
        assert_eq!(code_for("/units/4/admission/new"), Some("case_new"));
        assert_eq!(code_for("/login"), None);
        assert_eq!(code_for("/logout"), None);
        assert_eq!(code_for("/account/totp/remove"), None);
        assert_eq!(code_for("/admin/calendar"), Some("saved"));
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=b; saved=event"));
        assert_eq!(message(&h), Some("Đã ghi nhận sự kiện."));
        h.insert(header::COOKIE, HeaderValue::from_static("saved=<b>"));
        assert_eq!(message(&h), None);
    }
}
