//! The audit trail in words: each action described in Vietnamese and its details (kept as JSON
//! for the hash chain and the CSV) shown as a list of labelled values, never as raw JSON.

use serde_json::Value;

/// A known action in words.
pub fn action_label(action: &str) -> Option<&'static str> {
    Some(match action {
        "read.member" => "Xem hồ sơ đảng viên",
        "read.members" => "Tra cứu danh sách đảng viên",
        "read.quality" => "Xem danh sách vấn đề chất lượng dữ liệu",
        "read.candidate" => "Xem hồ sơ người xin vào Đảng",
        "read.candidates" => "Tra cứu danh sách người xin vào Đảng",
        "member.create" => "Thêm đảng viên",
        "member.update" => "Sửa hồ sơ đảng viên",
        "event.record" => "Ghi sự kiện",
        "event.correct" => "Đính chính sự kiện",
        "unit.create" => "Thành lập tổ chức",
        "unit.rename" => "Đổi tên tổ chức",
        "unit.move" => "Chuyển tổ chức trực thuộc",
        "unit.merge" => "Hợp nhất tổ chức",
        "unit.split" => "Chia tách tổ chức",
        "unit.dissolve" => "Giải thể tổ chức",
        "candidate.create" => "Lập hồ sơ người xin vào Đảng",
        "candidate.update" => "Sửa hồ sơ người xin vào Đảng",
        "candidate.step" => "Ghi bước của hồ sơ kết nạp",
        "candidate.step.void" => "Hủy bước của hồ sơ kết nạp",
        "calendar.set" => "Sửa lịch làm việc",
        "target.set" => "Đặt chỉ tiêu kết nạp",
        "term.create" => "Ghi nhiệm kỳ đại hội",
        "term.update" => "Sửa nhiệm kỳ đại hội",
        "term.delete" => "Xóa nhiệm kỳ đại hội",
        "occasion.add" => "Thêm ngày lễ, kỷ niệm kết nạp",
        "occasion.remove" => "Bỏ ngày lễ, kỷ niệm kết nạp",
        "directive.send" => "Gửi văn bản chỉ đạo",
        "directive.open" => "Đơn vị nhận mở văn bản",
        "directive.start" => "Đơn vị nhận bắt đầu thực hiện",
        "directive.report" => "Đơn vị nhận báo cáo hoàn thành",
        "directive.pass_on" => "Giao nhiệm vụ cho tổ chức trực thuộc",
        "directive.remind" => "Nhắc đơn vị thực hiện",
        "meeting.create" => "Ghi buổi sinh hoạt chi bộ",
        "meeting.update" => "Sửa thông tin buổi sinh hoạt",
        "meeting.attendance" => "Ghi danh sách dự họp",
        "meeting.resolution" => "Ghi biểu quyết",
        "meeting.minutes" => "Sửa biên bản",
        "meeting.sign" => "Ký biên bản",
        "meeting.amend" => "Đính chính biên bản",
        "read.meeting" => "Xem danh sách dự họp",
        "read.meeting_alerts" => "Xem đảng viên vắng sinh hoạt",
        "weak.plan" => "Lập kế hoạch củng cố tổ chức yếu kém",
        "weak.measure" => "Thêm biện pháp củng cố",
        "weak.measure_done" => "Ghi hoàn thành biện pháp củng cố",
        "weak.close" => "Kết thúc kế hoạch củng cố",
        "feedback.send" => "Gửi ý kiến, kiến nghị",
        "feedback.answer" => "Trả lời ý kiến, kiến nghị",
        "document.create" => "Thêm tài liệu",
        "document.attach" => "Tải tệp đính kèm tài liệu",
        "document.read" => "Mở tài liệu",
        "committee.seat_add" => "Ghi người giữ chức vụ cấp ủy",
        "committee.seat_end" => "Ghi thôi giữ chức vụ cấp ủy",
        "committee.seat_remove" => "Xóa chức vụ cấp ủy ghi nhầm",
        "read.committee" => "Xem cấp ủy",
        "transfer.issue" => "Cấp giấy giới thiệu sinh hoạt đảng",
        "transfer.present" => "Ghi đảng viên nộp giấy giới thiệu",
        "transfer.accept" => "Tiếp nhận sinh hoạt đảng",
        "transfer.refuse" => "Từ chối tiếp nhận sinh hoạt đảng",
        "transfer.cancel" => "Hủy giấy giới thiệu sinh hoạt đảng",
        "transfer.close" => "Ghi phiếu báo của nơi nhận",
        "transfer.return" => "Ghi trở về sau sinh hoạt tạm thời",
        "read.transfer" => "Xem việc chuyển sinh hoạt đảng",
        "read.transfers" => "Xem sổ chuyển sinh hoạt đảng",
        "change_request.send" => "Đảng viên đề nghị điều chỉnh thông tin",
        "change_request.accept" => "Điều chỉnh hồ sơ theo đề nghị",
        "change_request.refuse" => "Không chấp nhận đề nghị điều chỉnh",
        "read.change_request" => "Xem đề nghị điều chỉnh thông tin",
        "account.create_members" => "Tạo tài khoản Sổ tay cho đảng viên",
        "account.code" => "Cấp mã kích hoạt Sổ tay",
        "account.reset" => "Cấp lại mật khẩu Sổ tay (mã kích hoạt mới)",
        "account.activate" => "Kích hoạt tài khoản Sổ tay",
        "activation.failure" => "Nhập sai mã kích hoạt",
        "activation.refused" => "Kích hoạt bị chặn",
        "read.accounts" => "Xem tài khoản Sổ tay của đảng viên",
        "meeting.reply" => "Đảng viên báo dự họp hoặc xin vắng",
        "meeting.share_minutes" => "Chia sẻ biên bản cho đảng viên",
        "read.handbook_meeting" => "Đảng viên xem cuộc sinh hoạt (Sổ tay)",
        "read.handbook_meetings" => "Đảng viên xem chuyên cần (Sổ tay)",
        "read.study" => "Xem học tập của đảng viên chi bộ",
        "document.bookmark" => "Đánh dấu tài liệu",
        "document.unbookmark" => "Bỏ đánh dấu tài liệu",
        "audit.export" => "Tải nhật ký kiểm toán",
        "login.success" => "Đăng nhập thành công",
        "login.failure" => "Đăng nhập sai",
        "login.refused" => "Đăng nhập bị chặn",
        "login.password_ok" => "Đúng mật khẩu, chờ bước tiếp theo",
        "logout" => "Đăng xuất",
        "account.create" => "Tạo tài khoản",
        "account.update" => "Sửa tài khoản",
        "account.self_update" => "Tự sửa tài khoản",
        "account.reauth_failure" => "Xác nhận lại mật khẩu sai",
        "grant.add" => "Cấp vai trò",
        "grant.revoke" => "Thu hồi vai trò",
        "token.create" => "Tạo mã truy cập",
        "token.revoke" => "Thu hồi mã truy cập",
        "data.generate" => "Sinh dữ liệu mẫu",
        _ => return None,
    })
}

/// Who acted, in words: the command line on the server (`cli`, `cli:<OS user>`) is named so.
pub fn actor(name: &str) -> String {
    match name.strip_prefix("cli") {
        Some("") => "Dòng lệnh trên máy chủ".to_owned(),
        Some(rest) if rest.starts_with(':') => format!("Dòng lệnh trên máy chủ ({})", &rest[1..]),
        _ => name.to_owned(),
    }
}

/// A word of the details (a key of the JSON) in Vietnamese; `None` for one not listed.
fn word(key: &str) -> Option<&'static str> {
    Some(match key {
        "q" => "Từ khóa tìm",
        "unit" | "units" | "unit_id" => "Tổ chức",
        "as_of" => "Tính đến ngày",
        "status" => "Tình trạng",
        "gender" => "Giới tính",
        "age" => "Độ tuổi",
        "page" => "Trang",
        "total" => "Tổng số",
        "shown" => "Số mục hiển thị",
        "members" | "member" => "Đảng viên",
        "candidates" | "candidate" => "Người xin vào Đảng",
        "event" | "events" => "Sự kiện",
        "entry" => "Nội dung",
        "corrects" => "Đính chính sự kiện số",
        "reason" | "correction_reason" => "Lý do",
        "changes" => "Thay đổi",
        "field" => "Mục",
        "before" => "Trước",
        "after" => "Sau",
        "role" => "Vai trò",
        "grant" => "Quyền",
        "name" => "Tên",
        "kind" => "Loại",
        "display_name" => "Tên hiển thị",
        "username" => "Tên đăng nhập",
        "disabled" => "Đã khóa",
        "must_change_password" => "Phải đổi mật khẩu",
        "totp_enrolled" => "Đã bật xác thực hai bước",
        "second_factor" => "Xác thực hai bước",
        "password" => "Mật khẩu",
        "token" => "Mã truy cập",
        "step" => "Bước",
        "year" => "Năm",
        "filters" => "Bộ lọc",
        "seed" => "Mã khởi tạo",
        "phone" => "Số điện thoại",
        "email" => "Thư điện tử",
        "identity" => "Lý lịch",
        "profile" | "profiles" => "Hồ sơ",
        "full_name" => "Họ và tên",
        "birth_date" => "Ngày sinh",
        "citizen_id" => "Số căn cước",
        "party_card_number" => "Số thẻ đảng viên",
        "effective" | "effective_date" => "Ngày có hiệu lực",
        "basis" => "Căn cứ",
        "number" => "Số văn bản",
        "date" => "Ngày",
        "issuer" => "Cơ quan ban hành",
        "note" => "Ghi chú",
        "mode" => "Hình thức",
        "from" => "Từ",
        "to" => "Đến",
        "code" => "Mã",
        "parent_id" => "Tổ chức cấp trên",
        "valid_from" => "Áp dụng từ",
        "first_day" => "Từ ngày",
        "last_day" => "Đến ngày",
        "target" => "Chỉ tiêu",
        "day" => "Ngày",
        "directive" => "Văn bản số (nội bộ)",
        "held_on" => "Ngày họp",
        "reasons" => "Dấu hiệu",
        "subject" => "Tiêu đề",
        "media_type" => "Loại tệp",
        "size" => "Dung lượng",
        "sha256" => "Mã băm SHA-256",
        "answer" => "Trả lời",
        "outcome" => "Kết quả",
        "measures" => "Số biện pháp",
        "place" => "Địa điểm",
        "present" => "Có mặt",
        "excused" => "Vắng có lý do",
        "absent" => "Vắng không lý do",
        "passed" => "Thông qua",
        "counted" => "Số đảng viên tính biểu quyết",
        "signer" => "Người ký",
        "sender" => "Tổ chức gửi",
        "receivers" => "Số đơn vị nhận",
        "task" => "Nhiệm vụ",
        "title" => "Trích yếu",
        "report" => "Báo cáo",
        "on" => "Ngày",
        "due_on" => "Hạn",
        _ => return None,
    })
}

/// A key (or a diff's path such as `identity.full_name`) in words; a part not listed stays as it is.
fn label(path: &str) -> String {
    let parts: Vec<String> = path
        .split('.')
        .map(|p| {
            let base = p.split('[').next().unwrap_or(p);
            word(base).map_or_else(|| p.to_owned(), str::to_owned)
        })
        .collect();
    parts.join(" › ")
}

/// Most values of a list shown before the rest is counted.
const LIST_SHOWN: usize = 10;

/// A value in words.
fn text(v: &Value) -> String {
    match v {
        Value::Null => "(trống)".to_owned(),
        Value::Bool(true) => "có".to_owned(),
        Value::Bool(false) => "không".to_owned(),
        Value::Number(n) => n.to_string(),
        // Dates as people write them.
        Value::String(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_or_else(|_| s.clone(), crate::format::date),
        Value::Array(items) if items.is_empty() => "(không có)".to_owned(),
        Value::Array(items) => {
            let shown: Vec<String> = items.iter().take(LIST_SHOWN).map(text).collect();
            match items.len() - shown.len() {
                0 => shown.join(", "),
                more => format!("{} và {more} mục khác", shown.join(", ")),
            }
        }
        Value::Object(map) => map.iter().map(|(k, v)| format!("{}: {}", label(k), text(v))).collect::<Vec<_>>().join("; "),
    }
}

/// An event's content in words: its kind, date, basis and note.
fn event_text(v: &Value) -> Option<String> {
    use domain::event::Entry;
    let data = match serde_json::from_value::<Entry>(v.clone()).ok()? {
        Entry::Void => return Some("Hủy sự kiện".to_owned()),
        Entry::Event(data) => data,
    };
    let mut out = format!("{}, có hiệu lực {}", data.kind.code().label(), crate::format::date(data.effective));
    if let Some(b) = &data.basis {
        out.push_str(&format!("; căn cứ {} ngày {} của {}", b.number, crate::format::date(b.date), b.issuer));
    }
    if let Some(n) = &data.note {
        out.push_str(&format!("; ghi chú: {n}"));
    }
    Some(out)
}

/// One line of the details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub label: String,
    pub value: String,
}

/// A list of changes (`{field, before, after}`), as the trail records edits.
fn changes(items: &[Value]) -> Option<Vec<Detail>> {
    items
        .iter()
        .map(|c| {
            let field = c.get("field")?.as_str()?;
            Some(Detail { label: label(field), value: format!("{} → {}", text(c.get("before")?), text(c.get("after")?)) })
        })
        .collect()
}

/// The details of an entry as labelled lines.
pub fn details(raw: &str) -> Vec<Detail> {
    match serde_json::from_str::<Value>(raw) {
        Ok(Value::Object(map)) => map
            .iter()
            .flat_map(|(k, v)| match v.as_array() {
                // The records a list showed: how many (the numbers are in the CSV export).
                Some(ids) if matches!(k.as_str(), "members" | "candidates") => {
                    vec![Detail { label: label(k), value: format!("{} hồ sơ", ids.len()) }]
                }
                Some(a) if changes(a).is_some_and(|c| !c.is_empty()) => changes(a).unwrap_or_default(),
                _ if k == "entry" && event_text(v).is_some() => {
                    vec![Detail { label: "Nội dung".into(), value: event_text(v).unwrap_or_default() }]
                }
                _ => vec![Detail { label: label(k), value: text(v) }],
            })
            .collect(),
        Ok(Value::Array(items)) => {
            changes(&items).unwrap_or_else(|| vec![Detail { label: "Chi tiết".into(), value: text(&Value::Array(items)) }])
        }
        Ok(Value::Null) => Vec::new(),
        Ok(other) => vec![Detail { label: "Chi tiết".into(), value: text(&other) }],
        Err(_) if raw.trim().is_empty() => Vec::new(),
        Err(_) => vec![Detail { label: "Chi tiết".into(), value: raw.to_owned() }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_read_as_labelled_lines() {
        let d = details(r#"{"q":"nguyen","total":3,"members":[1,2,3]}"#);
        assert!(d.contains(&Detail { label: "Từ khóa tìm".into(), value: "nguyen".into() }));
        assert!(d.contains(&Detail { label: "Đảng viên".into(), value: "3 hồ sơ".into() }));
        let d = details(r#"[{"field":"identity.full_name","before":"Lê An","after":"Lê Văn An"}]"#);
        assert_eq!(d, vec![Detail { label: "Lý lịch › Họ và tên".into(), value: "Lê An → Lê Văn An".into() }]);
        let many: Vec<i64> = (1..=25).collect();
        let d = details(&serde_json::json!({ "units": many }).to_string());
        assert!(d[0].value.ends_with("và 15 mục khác"), "{:?}", d);
        assert!(details("").is_empty());
        let entry = r#"{"event":7,"entry":{"event":{"kind":"died","effective":"2026-11-20","basis":null,"note":null}}}"#;
        assert_eq!(details(entry)[0], Detail { label: "Nội dung".into(), value: "Từ trần, có hiệu lực 20/11/2026".into() });
        assert_eq!(text(&Value::String("2026-11-20".into())), "20/11/2026");
        assert_eq!(actor("cli:root"), "Dòng lệnh trên máy chủ (root)");
        assert_eq!((actor("cli"), actor("client")), ("Dòng lệnh trên máy chủ".to_owned(), "client".to_owned()));
        assert_eq!(action_label("read.candidates"), Some("Tra cứu danh sách người xin vào Đảng"));
        assert_eq!(action_label("term.update"), Some("Sửa nhiệm kỳ đại hội"));
        let term = r#"{"unit":3,"changes":[{"field":"target","before":40,"after":45}]}"#;
        assert!(details(term).contains(&Detail { label: "Chỉ tiêu".into(), value: "40 → 45".into() }));
    }
}
