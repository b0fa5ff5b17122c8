//! Proposals to strike a member's name off (đề nghị xóa tên, rules.md §5.1): what the data shows
//! (a member absent from the chi bộ's meetings without reason in three months of a year; a
//! probationary member the chi bộ found not qualified, or whose probation ended unexamined), the
//! chi bộ's resolution proposing it, and the competent committee's decision, which writes the
//! register's event. Nothing is struck off automatically (docs/design/strike-off.md).
//!
//! Pure: the caller hands in the evidence and the day.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ValidationErrors;
use crate::code_list;
use crate::dates::format_vn;
use crate::error::FieldError;
use crate::event::StrikeOffReason;
use crate::meetings::Threshold;
use crate::text::required_lines;
use crate::unit::LegalBasis;

code_list!(
    /// What the data shows (dấu hiệu): each one leads the chi bộ to consider, never decides.
    Trigger, "Dấu hiệu xem xét xóa tên", {
        /// Absent without good reason from the chi bộ's meetings in three months of a year
        /// (24-QĐ/TW point 8.1 (a), kept by 294-QĐ/TW; the months from the recorded attendance).
        Absent = ("vang-sinh-hoat", "Bỏ sinh hoạt chi bộ ba tháng trong năm không có lý do chính đáng"),
        /// No dues paid in three months of a year without good reason (24-QĐ/TW point 8.1 (a),
        /// 01-QĐ/TW art. 2; the months from the dues recorded, domain::dues::Arrears).
        UnpaidDues = ("khong-dong-dang-phi", "Không đóng đảng phí ba tháng trong năm không có lý do chính đáng"),
        /// The chi bộ proposed striking off a probationary member not qualified (rules.md §3): the
        /// committee decides on the admission case.
        ProbationNotQualified = ("du-bi-khong-du-tu-cach", "Chi bộ đề nghị xóa tên đảng viên dự bị không đủ tư cách"),
        /// Probation ended and the chi bộ has not examined it (rules.md §3): the case is late.
        ProbationUnexamined = ("het-du-bi-chua-xet", "Hết thời gian dự bị, chi bộ chưa xét công nhận"),
    }
);

impl Trigger {
    /// The reason a proposal on this trigger gives.
    pub fn reason(self) -> StrikeOffReason {
        match self {
            Trigger::Absent => StrikeOffReason::AbandonedActivities,
            Trigger::UnpaidDues => StrikeOffReason::UnpaidDues,
            Trigger::ProbationNotQualified | Trigger::ProbationUnexamined => StrikeOffReason::ProbationNotQualified,
        }
    }

    /// Whether the chi bộ's proposal and the decision go through the admission case (the
    /// probationary member's), not through a proposal here.
    pub fn on_the_case(self) -> bool {
        !matches!(self, Trigger::Absent | Trigger::UnpaidDues)
    }
}

/// The longest evidence and resolution text kept.
pub const MAX_TEXT: usize = 2000;

/// The chi bộ's resolution proposing to strike the name off (nghị quyết chi bộ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resolution {
    pub on: NaiveDate,
    /// Its number or heading and what it says.
    pub text: String,
    /// Official members voting for it, and official members of the chi bộ counted.
    pub votes_for: u32,
    pub votes_counted: u32,
}

/// A proposal as the chi bộ records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalInput {
    pub reason: StrikeOffReason,
    /// What shows it: the months absent, the chi ủy's reminders, the member's self-review…
    pub evidence: String,
    pub resolution: Resolution,
}

impl ProposalInput {
    /// Checks a proposal recorded on `today`: a reason handled here, evidence, a resolution
    /// passed by more than half of the official members counted, not in the future.
    pub fn check(&self, today: NaiveDate) -> Result<ProposalInput, ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.reason == StrikeOffReason::ProbationNotQualified {
            e.push(
                "reason",
                "on_the_case",
                "Đảng viên dự bị không đủ tư cách: chi bộ đề nghị và cấp ủy quyết định trên hồ sơ kết nạp của đảng viên.",
            );
        }
        let evidence = e.take(
            "evidence",
            required_lines(&self.evidence, MAX_TEXT, "Căn cứ, biểu hiện").map_err(|x| FieldError { field: "evidence".into(), ..x }),
        );
        let text = e.take(
            "resolution_text",
            required_lines(&self.resolution.text, MAX_TEXT, "Nghị quyết chi bộ")
                .map_err(|x| FieldError { field: "resolution_text".into(), ..x }),
        );
        if self.resolution.on > today {
            e.push("resolution_on", "in_future", "Ngày nghị quyết không thể sau hôm nay.");
        }
        let r = &self.resolution;
        if r.votes_counted == 0 || r.votes_for > r.votes_counted {
            e.push("votes_for", "votes", "Số tán thành phải từ 0 đến số đảng viên chính thức tính biểu quyết (lớn hơn 0).");
        } else if !Threshold::MoreThanHalf.reached(r.votes_for, r.votes_counted) {
            // A resolution passes with more than half of the members counted (24-QĐ/TW point 9.3;
            // rules.md §9 "Valid resolutions").
            e.push(
                "votes_for",
                "not_passed",
                "Nghị quyết chưa được quá nửa số đảng viên chính thức tán thành: chi bộ chưa đề nghị xóa tên.",
            );
        }
        match (evidence, text) {
            (Some(evidence), Some(text)) if e.is_empty() => {
                Ok(ProposalInput { reason: self.reason, evidence, resolution: Resolution { text, ..self.resolution.clone() } })
            }
            _ => Err(e),
        }
    }
}

/// The competent committee's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Decision {
    /// Quyết định xóa tên: the register's event, effective on the decision's day.
    StruckOff { basis: LegalBasis },
    /// The committee does not strike the name off (the reason accepted, the member improved…).
    Kept { on: NaiveDate, reason: String },
}

impl Decision {
    pub fn on(&self) -> NaiveDate {
        match self {
            Decision::StruckOff { basis } => basis.date,
            Decision::Kept { on, .. } => *on,
        }
    }

    /// Checks a decision on a proposal whose resolution is dated `resolved`, on `today`.
    pub fn check(&self, resolved: NaiveDate, today: NaiveDate) -> Result<Decision, ValidationErrors> {
        let on = self.on();
        if on < resolved {
            return Err(ValidationErrors::single(
                "decision_date",
                "before_resolution",
                format!("Quyết định phải từ ngày nghị quyết của chi bộ ({}) trở đi.", format_vn(resolved)),
            ));
        }
        if on > today {
            return Err(ValidationErrors::single("decision_date", "in_future", "Ngày quyết định không thể sau hôm nay."));
        }
        match self {
            Decision::StruckOff { basis } => {
                let issuer = required_lines(&basis.issuer, 200, "Cấp ủy quyết định")
                    .map_err(|x| ValidationErrors { errors: vec![FieldError { field: "issuer".into(), ..x }] })?;
                Ok(Decision::StruckOff { basis: LegalBasis { issuer, ..basis.clone() } })
            }
            Decision::Kept { on, reason } => {
                let reason = required_lines(reason, MAX_TEXT, "Lý do không xóa tên")
                    .map_err(|x| ValidationErrors { errors: vec![FieldError { field: "reason".into(), ..x }] })?;
                Ok(Decision::Kept { on: *on, reason })
            }
        }
    }
}

#[cfg(test)]
mod tests;
