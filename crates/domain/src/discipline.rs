//! Discipline of party members (kỷ luật đảng viên, rules.md §5.4): the forms a member can be
//! given, which of them a probationary member can be given, and when a discipline stops having
//! effect — automatically 12 months after it was announced when the member did not complain and
//! nothing new was recorded against them, never for expulsion (Quy định 69-QĐ/TW art. 2.5) —
//! with the dates its effects are read against (badges, transfers, evaluation: art. 2.13).
//!
//! Pure: the caller hands in the discipline, what was recorded after it, and the day.

use chrono::NaiveDate;

use crate::code_list;
use crate::dates::add_months;
use crate::error::ValidationErrors;

#[cfg(test)]
mod tests;

code_list!(
    /// The forms of discipline of a member (69-QĐ/TW art. 7; Charter art. 35).
    Form, "Hình thức kỷ luật", {
        Reprimand = ("khien-trach", "Khiển trách"),
        Warning = ("canh-cao", "Cảnh cáo"),
        /// Only for a member holding a post.
        RemovalFromPost = ("cach-chuc", "Cách chức"),
        Expulsion = ("khai-tru", "Khai trừ"),
    }
);

/// How long a discipline has effect before it ends by itself, from its announcement
/// (69-QĐ/TW art. 2.5).
pub const EFFECT_MONTHS: u32 = 12;

impl Form {
    /// Whether a probationary member can be given it: reprimand and warning only (69-QĐ/TW art. 7).
    pub fn allowed_for_probationary(self) -> bool {
        matches!(self, Form::Reprimand | Form::Warning)
    }

    /// Whether it ends by itself after [`EFFECT_MONTHS`]: every form but expulsion.
    pub fn expires(self) -> bool {
        self != Form::Expulsion
    }

    /// Heavier first: expulsion, removal from post, warning, reprimand.
    pub fn weight(self) -> u8 {
        match self {
            Form::Reprimand => 1,
            Form::Warning => 2,
            Form::RemovalFromPost => 3,
            Form::Expulsion => 4,
        }
    }
}

/// A discipline as decided: its form, the day decided and the day announced (it takes effect
/// on announcement — 30-QĐ/TW, rules.md §5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Discipline {
    pub form: Form,
    pub decided_on: NaiveDate,
    pub announced_on: NaiveDate,
}

/// What the member is when the discipline is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    pub probationary: bool,
    /// Holds a post (removal from post needs one).
    pub holds_post: bool,
}

/// Checks a discipline to record: a form the member can be given, announced on or after the
/// decision and not after today.
pub fn check(d: &Discipline, subject: Subject, today: NaiveDate) -> Result<(), ValidationErrors> {
    let mut e = ValidationErrors::default();
    if subject.probationary && !d.form.allowed_for_probationary() {
        e.push("form", "probationary", "Đảng viên dự bị chỉ bị kỷ luật khiển trách hoặc cảnh cáo (Quy định 69-QĐ/TW, Điều 7).");
    }
    if d.form == Form::RemovalFromPost && !subject.holds_post {
        e.push("form", "no_post", "Cách chức chỉ áp dụng với đảng viên đang giữ chức vụ.");
    }
    if d.announced_on < d.decided_on {
        e.push("announced_on", "before_decision", "Ngày công bố không được trước ngày quyết định.");
    }
    if d.decided_on > today || d.announced_on > today {
        e.push("announced_on", "future", "Chưa đến ngày này.");
    }
    e.into_result()
}

/// Where a discipline stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Not announced yet: no effect.
    NotYetInForce,
    /// In force; `ends_on` the day it stops having effect unless something new is recorded.
    Running { ends_on: NaiveDate },
    /// In force past its 12 months because a complaint or a new violation was recorded within
    /// them: it ends only when a later decision says so.
    Held,
    /// Expulsion: permanent.
    Permanent,
    /// Ended by itself on that day.
    Ended { on: NaiveDate },
}

/// The day a discipline announced on `announced_on` stops having effect by itself: 12 months
/// later, the same day of the month (the month's last day when it has no such day).
pub fn ends_on(announced_on: NaiveDate) -> NaiveDate {
    add_months(announced_on, EFFECT_MONTHS)
}

/// Where a discipline stands on `on`, given the days a complaint or a new violation was recorded
/// against the member (any of them within the 12 months keeps it in force — 69-QĐ/TW art. 2.5).
pub fn standing(d: &Discipline, interruptions: &[NaiveDate], on: NaiveDate) -> Standing {
    if on < d.announced_on {
        return Standing::NotYetInForce;
    }
    if !d.form.expires() {
        return Standing::Permanent;
    }
    let end = ends_on(d.announced_on);
    if interruptions.iter().any(|x| *x >= d.announced_on && *x < end) {
        return Standing::Held;
    }
    if on < end { Standing::Running { ends_on: end } } else { Standing::Ended { on: end } }
}

impl Standing {
    /// Whether it has effect on the day it was read for.
    pub fn in_force(self) -> bool {
        matches!(self, Standing::Running { .. } | Standing::Held | Standing::Permanent)
    }
}

/// Where a discipline stands on `on` when a later decision (the answer to a complaint, or the
/// committee's decision once a hold is over) ended it on `lifted_on`: ended from that day,
/// otherwise as [`standing`] reads it (69-QĐ/TW art. 2.5).
pub fn standing_lifted(d: &Discipline, interruptions: &[NaiveDate], lifted_on: Option<NaiveDate>, on: NaiveDate) -> Standing {
    match lifted_on {
        Some(l) if on >= l && d.form.expires() => Standing::Ended { on: l },
        _ => standing(d, interruptions, on),
    }
}

/// Checks the day a later decision ended a discipline: after its announcement, not in the
/// future, and never for an expulsion (it ends only by a restoration under 117-QĐ/TW, which
/// the register records as a readmission).
pub fn check_lift(d: &Discipline, lifted_on: NaiveDate, today: NaiveDate) -> Result<(), ValidationErrors> {
    let mut e = ValidationErrors::default();
    if !d.form.expires() {
        e.push("lifted_on", "expulsion", "Kỷ luật khai trừ không chấm dứt hiệu lực theo thời hạn.");
    }
    if lifted_on < d.announced_on {
        e.push("lifted_on", "before_announcement", "Ngày chấm dứt không được trước ngày công bố kỷ luật.");
    }
    if lifted_on > today {
        e.push("lifted_on", "future", "Chưa đến ngày này.");
    }
    e.into_result()
}

code_list!(
    /// What was recorded against a member within a discipline's 12 months that keeps it in force
    /// (69-QĐ/TW art. 2.5).
    Interruption, "Sự việc trong thời hạn kỷ luật", {
        Complaint = ("khieu-nai", "Khiếu nại quyết định kỷ luật"),
        NewViolation = ("vi-pham-moi", "Vi phạm mới đến mức phải xử lý kỷ luật"),
    }
);

/// What a member may not be given while a discipline is in force (69-QĐ/TW art. 2.13), as the
/// record shows it.
pub const RESTRICTIONS: &str = "Trong thời gian kỷ luật còn hiệu lực: không điều động, luân chuyển, bổ nhiệm, ứng cử, \
     đề cử, phong quân hàm, nâng ngạch, tặng danh hiệu và khen thưởng của Đảng, Nhà nước (Quy định 69-QĐ/TW, Điều 2.13).";
