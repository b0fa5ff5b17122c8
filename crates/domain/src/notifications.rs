//! Thông báo: what the system tells a person when something reaches them — a directive or a task
//! for a unit they act for, a meeting of their chi bộ, a document meant for them, an answer to
//! what they asked (docs/design/operations.md "Notifications").
//!
//! Pure: the kinds, the words people read (the same in the inbox and in an e-mail), who among the
//! staff acts for a unit, and the e-mail addresses accounts may give. Who receives a notice is
//! decided by the storage use case that writes the event, in the same transaction.

use chrono::{NaiveDate, NaiveTime};

use crate::access::{Capability, Role};
use crate::code_list;
use crate::error::FieldError;

code_list!(
    /// Loại thông báo: what happened.
    NoticeKind, "Loại thông báo", {
        /// A directive reached a unit the person acts for.
        DirectiveReceived = ("directive.received", "Văn bản chỉ đạo mới"),
        /// The unit above passed a task on to a unit the person acts for.
        TaskPassedOn = ("directive.passed_on", "Nhiệm vụ được giao"),
        /// The sender (or the unit that passed the task on) reminded the unit.
        TaskReminder = ("directive.reminder", "Nhắc thực hiện nhiệm vụ"),
        /// A receiving unit reported its task done (to the sender's staff).
        TaskReported = ("directive.reported", "Đơn vị báo cáo hoàn thành"),
        /// A meeting of the member's chi bộ was called.
        MeetingCalled = ("meeting.called", "Thông báo sinh hoạt chi bộ"),
        /// The day, time or place of a called meeting changed.
        MeetingChanged = ("meeting.changed", "Thay đổi lịch sinh hoạt chi bộ"),
        /// A document for a meeting of the member's chi bộ (or đảng bộ) was posted.
        MeetingDocument = ("meeting.document", "Tài liệu sinh hoạt"),
        /// A document of a library was published for the person.
        DocumentPublished = ("document.published", "Tài liệu mới"),
        /// A question or proposal reached a committee the person acts for.
        FeedbackReceived = ("feedback.received", "Ý kiến, kiến nghị gửi đến"),
        /// What the person (or their unit) sent was answered.
        FeedbackAnswered = ("feedback.answered", "Ý kiến đã được trả lời"),
        /// A member asked to correct their record (to the staff acting for their chi bộ).
        ChangeRequestReceived = ("change_request.received", "Đề nghị điều chỉnh thông tin"),
        /// The member's request was accepted or refused.
        ChangeRequestAnswered = ("change_request.answered", "Đề nghị điều chỉnh đã được trả lời"),
        /// The operators tell everyone (or some accounts) something: a maintenance window.
        Announcement = ("announcement", "Thông báo của quản trị hệ thống"),
    }
);

/// Longest title and body kept (longer text is cut at a character boundary with “…”).
pub const MAX_TITLE: usize = 200;
pub const MAX_BODY: usize = 1000;

/// One notice as every recipient reads it: in the inbox and, when mail is configured and the
/// account gave an address, in an e-mail. `link` is the page it is about (a path of this site).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub title: String,
    pub body: String,
    pub link: String,
}

impl Notice {
    fn new(kind: NoticeKind, title: String, body: String, link: String) -> Notice {
        Notice { kind, title: cut(&title, MAX_TITLE), body: cut(&body, MAX_BODY), link }
    }

    /// A directive (or a notice for information) reached `unit`.
    pub fn directive_received(d: &DirectiveFacts<'_>, unit: &str) -> Notice {
        let mut body = format!("{} gửi {} “{}” đến {}.", d.sender, d.heading, d.title, unit);
        match d.due_on {
            Some(due) => body.push_str(&format!(" Hạn báo cáo kết quả: {}.", date(due))),
            None => body.push_str(" Văn bản để biết, không có nhiệm vụ báo cáo."),
        }
        Notice::new(NoticeKind::DirectiveReceived, format!("{}: {}", d.heading, d.title), body, d.link())
    }

    /// The task of a directive was passed on to `unit` by the unit above it.
    pub fn task_passed_on(d: &DirectiveFacts<'_>, unit: &str) -> Notice {
        let mut body = format!("{} giao {} thực hiện nhiệm vụ của {} “{}”.", d.sender, unit, d.heading, d.title);
        if let Some(due) = d.due_on {
            body.push_str(&format!(" Hạn báo cáo kết quả: {}.", date(due)));
        }
        Notice::new(NoticeKind::TaskPassedOn, format!("Nhiệm vụ được giao: {}", d.title), body, d.link())
    }

    /// `unit` was reminded of the task (`d.sender` is who reminds).
    pub fn task_reminder(d: &DirectiveFacts<'_>, unit: &str) -> Notice {
        let mut body = format!("{} nhắc {} thực hiện và báo cáo nhiệm vụ của {} “{}”.", d.sender, unit, d.heading, d.title);
        if let Some(due) = d.due_on {
            body.push_str(&format!(" Hạn báo cáo: {}.", date(due)));
        }
        Notice::new(NoticeKind::TaskReminder, format!("Nhắc thực hiện: {}", d.title), body, d.link())
    }

    /// `unit` reported its task done (to the staff of `d.sender`).
    pub fn task_reported(d: &DirectiveFacts<'_>, unit: &str, on: NaiveDate) -> Notice {
        let body = format!("{} đã báo cáo hoàn thành nhiệm vụ của {} “{}” ngày {}.", unit, d.heading, d.title, date(on));
        Notice::new(NoticeKind::TaskReported, format!("Báo cáo hoàn thành: {}", d.title), body, d.link())
    }

    /// A meeting was called (or, with `changed`, its day, time or place changed).
    pub fn meeting(m: &MeetingFacts<'_>, changed: bool) -> Notice {
        let when = match m.starts_at {
            Some(t) => format!("{} ngày {}", t.format("%H:%M"), date(m.held_on)),
            None => format!("ngày {}", date(m.held_on)),
        };
        let mut body = format!("{} {} vào {}", m.unit, m.kind, when);
        if !m.place.is_empty() {
            body.push_str(&format!(" tại {}", m.place));
        }
        body.push('.');
        if !m.agenda.is_empty() {
            body.push_str(&format!(" Nội dung: {}", m.agenda));
        }
        let (kind, title) = if changed {
            (NoticeKind::MeetingChanged, format!("Đổi lịch {}: {}", m.kind, when))
        } else {
            (NoticeKind::MeetingCalled, format!("{}: {}", capitalised(m.kind), when))
        };
        Notice::new(kind, title, body, format!("/meetings/{}", m.id))
    }

    /// A document was posted for a meeting to come (members receive them at least a day before:
    /// rules.md §9).
    pub fn meeting_document(m: &MeetingFacts<'_>, name: &str) -> Notice {
        let body = format!("{} gửi tài liệu “{}” cho buổi {} ngày {}.", m.unit, name, m.kind, date(m.held_on));
        Notice::new(NoticeKind::MeetingDocument, format!("Tài liệu sinh hoạt: {name}"), body, format!("/meetings/{}", m.id))
    }

    /// A document was published in `library`'s library.
    pub fn document_published(id: i64, heading: &str, title: &str, library: &str) -> Notice {
        let body = format!("{library} đã đăng {heading} “{title}” vào thư viện tài liệu.");
        Notice::new(NoticeKind::DocumentPublished, format!("{heading}: {title}"), body, format!("/documents/{id}"))
    }

    /// A question or proposal from `from` reached `to`.
    pub fn feedback_received(id: i64, kind: &str, subject: &str, from: &str, to: &str) -> Notice {
        let body = format!("{from} gửi {to} {} “{subject}”.", kind.to_lowercase());
        Notice::new(NoticeKind::FeedbackReceived, format!("{kind}: {subject}"), body, format!("/feedback/{id}"))
    }

    /// The operators' announcement (kept in the inbox; it links there).
    pub fn announcement(title: &str, body: &str) -> Notice {
        Notice::new(NoticeKind::Announcement, title.trim().to_owned(), body.trim().to_owned(), "/inbox".to_owned())
    }

    /// A member asked to correct a particular of their record.
    pub fn change_request_received(member: i64, name: &str, field: &str) -> Notice {
        let body = format!("Đồng chí {name} đề nghị điều chỉnh “{field}” trong hồ sơ đảng viên.");
        Notice::new(NoticeKind::ChangeRequestReceived, format!("Đề nghị điều chỉnh: {name}"), body, format!("/members/{member}#requests"))
    }

    /// The member's request was answered.
    pub fn change_request_answered(member: i64, field: &str, answer: &crate::change_requests::Answer) -> Notice {
        let (title, body) = match answer {
            crate::change_requests::Answer::Accepted { applied, .. } => {
                (format!("Đã điều chỉnh: {field}"), format!("Hồ sơ của đồng chí đã được điều chỉnh: {field}: {applied}."))
            }
            crate::change_requests::Answer::Refused { reason, .. } => {
                (format!("Không điều chỉnh: {field}"), format!("Đề nghị điều chỉnh “{field}” không được chấp nhận: {reason}"))
            }
        };
        Notice::new(NoticeKind::ChangeRequestAnswered, title, body, format!("/members/{member}#requests"))
    }

    /// `by` answered the question or proposal.
    pub fn feedback_answered(id: i64, subject: &str, by: &str, answer: &str) -> Notice {
        let body = format!("{by} đã trả lời: {answer}");
        Notice::new(NoticeKind::FeedbackAnswered, format!("Đã trả lời: {subject}"), body, format!("/feedback/{id}"))
    }
}

/// What a notice about a directive says: its heading (“Chỉ thị số 05-CT/TU”), title, who sends
/// (or reminds, or passes on), the last day of its task as it applies to the recipient.
#[derive(Debug, Clone, Copy)]
pub struct DirectiveFacts<'a> {
    pub id: i64,
    pub heading: &'a str,
    pub title: &'a str,
    pub sender: &'a str,
    pub due_on: Option<NaiveDate>,
}

impl DirectiveFacts<'_> {
    fn link(&self) -> String {
        format!("/directives/{}", self.id)
    }
}

/// What a meeting notice says.
#[derive(Debug, Clone, Copy)]
pub struct MeetingFacts<'a> {
    pub id: i64,
    /// The chi bộ.
    pub unit: &'a str,
    /// The kind in words, lower case (“sinh hoạt thường kỳ”).
    pub kind: &'a str,
    pub held_on: NaiveDate,
    pub starts_at: Option<NaiveTime>,
    pub place: &'a str,
    pub agenda: &'a str,
}

/// The staff roles that act for the unit they are granted on — receive its directives, answer
/// what is sent to it (the receivers of `DirectiveDesk`: write, decide or record meetings; the
/// administrator acts for no unit).
pub fn acts_for_unit(role: Role) -> bool {
    role != Role::Admin && [Capability::WriteRegister, Capability::Decide, Capability::RecordMeetings].iter().any(|c| role.allows(*c))
}

/// How a notice names a directive or a document: “Kế hoạch số 12-KH/TU”, or the kind alone
/// when it has no number.
pub fn heading(kind_label: &str, number: Option<&str>) -> String {
    match number.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => format!("{kind_label} số {n}"),
        None => kind_label.to_owned(),
    }
}

/// dd/mm/yyyy, as every page writes a day.
fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// `s` cut to at most `max` characters, ending in “…” when cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// An e-mail address an account gives for its notices: `local@domain`, ASCII, at most 254
/// characters, no spaces or control characters (nothing that could end a mail header), the
/// domain's labels of letters, digits and hyphens. The domain is kept in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(s: &str) -> Result<EmailAddress, FieldError> {
        let s = s.trim();
        let bad = || {
            FieldError::new(
                "email",
                "invalid",
                "Địa chỉ thư điện tử không hợp lệ (dạng ten@donvi.vn, chữ không dấu, không có khoảng trắng).",
            )
        };
        if s.is_empty() || s.len() > 254 {
            return Err(bad());
        }
        let (local, domain) = s.rsplit_once('@').ok_or_else(bad)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let domain_ok = !domain.is_empty()
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !local_ok || !domain_ok {
            return Err(bad());
        }
        Ok(EmailAddress(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts(due: Option<NaiveDate>) -> DirectiveFacts<'static> {
        DirectiveFacts {
            id: 7, heading: "Kế hoạch số 12-KH/TU", title: "Kiểm điểm cuối năm", sender: "Tỉnh ủy Hà Tĩnh", due_on: due
        }
    }

    #[test]
    fn every_kind_has_a_code_that_parses_back() {
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(k.code()).unwrap(), *k);
            assert!(!k.label().is_empty());
        }
        assert!(NoticeKind::parse("directive.unknown").is_err());
    }

    #[test]
    fn a_directive_with_a_task_says_its_last_day_and_one_for_information_says_so() {
        let n = Notice::directive_received(&facts(Some(day("2026-12-15"))), "Đảng ủy xã Kỳ Anh");
        assert_eq!(n.kind, NoticeKind::DirectiveReceived);
        assert_eq!(n.title, "Kế hoạch số 12-KH/TU: Kiểm điểm cuối năm");
        assert_eq!(
            n.body,
            "Tỉnh ủy Hà Tĩnh gửi Kế hoạch số 12-KH/TU “Kiểm điểm cuối năm” đến Đảng ủy xã Kỳ Anh. Hạn báo cáo kết quả: 15/12/2026."
        );
        assert_eq!(n.link, "/directives/7");
        let info = Notice::directive_received(&facts(None), "Đảng ủy xã Kỳ Anh");
        assert!(info.body.ends_with("Văn bản để biết, không có nhiệm vụ báo cáo."));
    }

    #[test]
    fn tasks_passed_on_reminded_and_reported_name_the_unit() {
        let f = facts(Some(day("2026-12-10")));
        let p = Notice::task_passed_on(&f, "Chi bộ thôn 1");
        assert_eq!(p.kind, NoticeKind::TaskPassedOn);
        assert!(p.body.contains("giao Chi bộ thôn 1 thực hiện") && p.body.ends_with("10/12/2026."));
        let r = Notice::task_reminder(&f, "Đảng ủy xã Kỳ Anh");
        assert_eq!(r.title, "Nhắc thực hiện: Kiểm điểm cuối năm");
        assert!(r.body.starts_with("Tỉnh ủy Hà Tĩnh nhắc Đảng ủy xã Kỳ Anh"));
        let done = Notice::task_reported(&f, "Đảng ủy xã Kỳ Anh", day("2026-12-08"));
        assert_eq!(
            done.body,
            "Đảng ủy xã Kỳ Anh đã báo cáo hoàn thành nhiệm vụ của Kế hoạch số 12-KH/TU “Kiểm điểm cuối năm” ngày 08/12/2026."
        );
    }

    #[test]
    fn a_meeting_notice_says_when_where_and_what() {
        let m = MeetingFacts {
            id: 3,
            unit: "Chi bộ thôn Tân Phú",
            kind: "sinh hoạt thường kỳ",
            held_on: day("2026-12-05"),
            starts_at: Some(NaiveTime::from_hms_opt(19, 30, 0).unwrap()),
            place: "Nhà văn hóa thôn",
            agenda: "Kiểm điểm tháng 11",
        };
        let n = Notice::meeting(&m, false);
        assert_eq!(n.kind, NoticeKind::MeetingCalled);
        assert_eq!(n.title, "Sinh hoạt thường kỳ: 19:30 ngày 05/12/2026");
        assert_eq!(
            n.body,
            "Chi bộ thôn Tân Phú sinh hoạt thường kỳ vào 19:30 ngày 05/12/2026 tại Nhà văn hóa thôn. Nội dung: Kiểm điểm tháng 11"
        );
        assert_eq!(n.link, "/meetings/3");
        let changed = Notice::meeting(&MeetingFacts { starts_at: None, place: "", agenda: "", ..m }, true);
        assert_eq!(changed.kind, NoticeKind::MeetingChanged);
        assert_eq!(changed.body, "Chi bộ thôn Tân Phú sinh hoạt thường kỳ vào ngày 05/12/2026.");
    }

    #[test]
    fn documents_and_feedback_link_to_their_pages() {
        let d = Notice::document_published(4, "Nghị quyết số 01-NQ/TU", "Về công tác cán bộ", "Tỉnh ủy Hà Tĩnh");
        assert_eq!(d.link, "/documents/4");
        assert_eq!(d.body, "Tỉnh ủy Hà Tĩnh đã đăng Nghị quyết số 01-NQ/TU “Về công tác cán bộ” vào thư viện tài liệu.");
        let f = Notice::feedback_received(9, "Kiến nghị", "Đường thôn", "Nguyễn Văn An", "Đảng ủy xã Kỳ Anh");
        assert_eq!(f.body, "Nguyễn Văn An gửi Đảng ủy xã Kỳ Anh kiến nghị “Đường thôn”.");
        let a = Notice::feedback_answered(9, "Đường thôn", "Đảng ủy xã Kỳ Anh", "Đã đưa vào kế hoạch năm 2027.");
        assert_eq!(a.title, "Đã trả lời: Đường thôn");
        assert_eq!(a.link, "/feedback/9");
    }

    #[test]
    fn a_heading_names_the_number_when_there_is_one() {
        assert_eq!(heading("Kế hoạch", Some("12-KH/TU")), "Kế hoạch số 12-KH/TU");
        assert_eq!(heading("Tài liệu học tập", Some("  ")), "Tài liệu học tập");
        assert_eq!(heading("Tài liệu học tập", None), "Tài liệu học tập");
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        let long = "Đảng ".repeat(400);
        let n = Notice::feedback_answered(1, &long, "Chi bộ", &long);
        assert_eq!(n.title.chars().count(), MAX_TITLE);
        assert!(n.title.ends_with('…'));
        assert_eq!(n.body.chars().count(), MAX_BODY);
    }

    #[test]
    fn the_acting_roles_are_the_directive_receivers() {
        let acting: Vec<Role> = Role::ALL.iter().copied().filter(|r| acts_for_unit(*r)).collect();
        assert_eq!(acting, vec![Role::OrgBoardStaff, Role::CommitteeLeader, Role::CellSecretary]);
    }

    #[test]
    fn email_addresses_are_checked_and_the_domain_lowered() {
        assert_eq!(EmailAddress::parse(" An.Nguyen@HaTinh.DCS.vn ").unwrap().as_str(), "An.Nguyen@hatinh.dcs.vn");
        assert_eq!(EmailAddress::parse("bt+chibo@localhost").unwrap().as_str(), "bt+chibo@localhost");
        for bad in [
            "",
            "an",
            "@dcs.vn",
            "an@",
            "an@@dcs.vn",
            "an nguyen@dcs.vn",
            "an@dcs..vn",
            "an@-dcs.vn",
            ".an@dcs.vn",
            "an..b@dcs.vn",
            "an@dcs.vn\r\nBcc: x@y.z",
            "nguyễn@dcs.vn",
            "an@đcs.vn",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(EmailAddress::parse(&format!("{}@dcs.vn", "a".repeat(65))).is_err());
    }
}
