//! Questions, proposals and recommendations sent up the tree (hỏi đáp, đề xuất, kiến nghị): from
//! a member to their chi bộ or a committee above it, or from a unit to a committee above it;
//! answered by the addressee's staff and tracked until answered. Our sources fix no procedure
//! nor deadline (docs/design/operations.md "Feedback upward").

use chrono::NaiveDate;

use crate::ValidationErrors;
use crate::code_list;
use crate::text::{required_lines, required_text};
use crate::workdays::WorkCalendar;

code_list!(
    /// Loại ý kiến gửi lên.
    FeedbackKind, "Loại ý kiến", {
        Question = ("cau-hoi", "Câu hỏi"),
        Proposal = ("de-xuat", "Đề xuất"),
        Recommendation = ("kien-nghi", "Kiến nghị"),
    }
);

pub const MAX_SUBJECT: usize = 300;
pub const MAX_BODY: usize = 10_000;

/// Working days within which an answer is expected (our choice: two working weeks).
pub const ANSWER_WITHIN_WORKING_DAYS: u32 = 10;

/// What is sent, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackInput {
    pub kind: FeedbackKind,
    pub subject: String,
    pub body: String,
}

impl FeedbackInput {
    pub fn parse(kind: &str, subject: &str, body: &str) -> Result<FeedbackInput, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let kind = e.take("kind", FeedbackKind::parse(kind.trim()));
        let subject = e.take("subject", required_text(subject, MAX_SUBJECT, "Tiêu đề"));
        let body = e.take("body", required_lines(body, MAX_BODY, "Nội dung"));
        match (kind, subject, body) {
            (Some(kind), Some(subject), Some(body)) if e.is_empty() => Ok(FeedbackInput { kind, subject, body }),
            _ => Err(e),
        }
    }
}

/// An answer, checked (field `answer`).
pub fn parse_answer(typed: &str) -> Result<String, ValidationErrors> {
    required_lines(typed, MAX_BODY, "Trả lời").map_err(|mut e| {
        e.field = "answer".into();
        ValidationErrors { errors: vec![e] }
    })
}

/// The day an answer is expected for something sent on `sent`.
pub fn answer_due(sent: NaiveDate, calendar: &WorkCalendar) -> NaiveDate {
    calendar.add_working_days(sent, ANSWER_WITHIN_WORKING_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::d;

    #[test]
    fn feedback_is_read_and_answers_are_due_in_two_working_weeks() {
        let f = FeedbackInput::parse("kien-nghi", "Sửa nhà văn hóa", "Đề nghị hỗ trợ sửa mái nhà văn hóa thôn.").unwrap();
        assert_eq!(f.kind, FeedbackKind::Recommendation);
        let e = FeedbackInput::parse("khac", "", "").unwrap_err();
        assert_eq!(e.errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), vec!["kind", "subject", "body"]);
        assert_eq!(parse_answer(" ").unwrap_err().errors[0].field, "answer");
        // Wednesday 25/11/2026 + 10 working days = Wednesday 09/12/2026.
        assert_eq!(answer_due(d(2026, 11, 25), &WorkCalendar::default()), d(2026, 12, 9));
    }
}
