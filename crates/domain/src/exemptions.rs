//! Exemption from party work and activities (miễn công tác và sinh hoạt đảng, rules.md §5.2):
//! the grounds, the period the chi bộ's resolution states (our sources fix no maximum), its
//! renewals, and where an exemption stands on a day — running, ending within the worklist's
//! window, or past its end with no resolution to renew or end it.
//!
//! The register's status follows the `mien-sinh-hoat` and `thoi-mien` events; this module reads
//! the period beside them. Its effects on meeting counts (rules.md §9), the handbook's users
//! (§14) and badges (§6: still eligible) follow from the status.

use chrono::NaiveDate;

use crate::code_list;
use crate::error::ValidationErrors;

#[cfg(test)]
mod tests;

code_list!(
    /// Why a member is exempt (24-QĐ/TW point 7.1; Hướng dẫn 27-HD/BTCTW 2009; provincial
    /// procedures, rules.md §5.2).
    Ground, "Lý do miễn sinh hoạt", {
        /// Elderly and in weak health (past working age — not by age alone).
        Elderly = ("tuoi-cao-suc-yeu", "Tuổi cao, sức khỏe yếu"),
        /// Illness needing treatment of three months or more.
        LongTreatment = ("dieu-tri-dai-ngay", "Ốm đau điều trị dài ngày"),
        Other = ("khac", "Lý do khác"),
    }
);

/// Days before an exemption's end that it shows on the worklist.
pub const ENDING_SOON_DAYS: i64 = 30;

/// An exemption as the chi bộ resolved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exemption {
    pub ground: Ground,
    /// The chi bộ's resolution: its day and what it says (the resolution book's entry).
    pub resolved_on: NaiveDate,
    pub resolution: String,
    /// The first day exempt (the register's event day).
    pub from: NaiveDate,
    /// The last day the resolution states; `None`: until the member asks to return.
    pub until: Option<NaiveDate>,
}

/// Checks an exemption to record: from the resolution on, not resolved in the future, an end
/// after the start.
pub fn check(x: &Exemption, today: NaiveDate) -> Result<(), ValidationErrors> {
    let mut e = ValidationErrors::default();
    if x.resolved_on > today {
        e.push("resolved_on", "future", "Chưa đến ngày này.");
    }
    if x.from < x.resolved_on {
        e.push("from", "before_resolution", "Miễn sinh hoạt tính từ ngày chi bộ ra nghị quyết trở đi.");
    }
    if x.until.is_some_and(|u| u < x.from) {
        e.push("until", "before_start", "Ngày kết thúc phải sau ngày bắt đầu.");
    }
    if x.resolution.trim().is_empty() {
        e.push("resolution", "required", "Ghi nghị quyết của chi bộ (số, nội dung).");
    }
    e.into_result()
}

/// A renewal: the chi bộ's new resolution extends the period to `until` (or leaves it open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renewal {
    pub resolved_on: NaiveDate,
    pub resolution: String,
    pub until: Option<NaiveDate>,
}

/// Checks a renewal of an exemption whose period now ends on `current_until`: resolved not in
/// the future nor before the exemption began, and reaching further than the period it renews.
pub fn check_renewal(r: &Renewal, from: NaiveDate, current_until: Option<NaiveDate>, today: NaiveDate) -> Result<(), ValidationErrors> {
    let mut e = ValidationErrors::default();
    if r.resolved_on > today {
        e.push("resolved_on", "future", "Chưa đến ngày này.");
    }
    if r.resolved_on < from {
        e.push("resolved_on", "before_start", "Nghị quyết gia hạn không được trước ngày bắt đầu miễn.");
    }
    match (current_until, r.until) {
        (None, _) => e.push("until", "open_ended", "Thời gian miễn đang không thời hạn: không cần gia hạn."),
        (Some(c), Some(u)) if u <= c => e.push("until", "not_later", "Ngày kết thúc mới phải sau ngày kết thúc hiện tại."),
        _ => {}
    }
    if r.resolution.trim().is_empty() {
        e.push("resolution", "required", "Ghi nghị quyết của chi bộ (số, nội dung).");
    }
    e.into_result()
}

/// Where an exemption still recorded as running stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// No end stated: until the member asks to return (24-QĐ/TW point 7.1).
    OpenEnded,
    /// Ends on `until`, more than [`ENDING_SOON_DAYS`] away.
    Running { until: NaiveDate },
    /// Ends within [`ENDING_SOON_DAYS`] (on the worklist).
    EndingSoon { until: NaiveDate, days_left: i64 },
    /// Its period ended and the chi bộ has neither renewed nor ended it (on the worklist).
    Overdue { until: NaiveDate },
}

/// Where an exemption whose period ends on `until` stands on `on`.
pub fn standing(until: Option<NaiveDate>, on: NaiveDate) -> Standing {
    let Some(until) = until else { return Standing::OpenEnded };
    let days_left = (until - on).num_days();
    if days_left < 0 {
        Standing::Overdue { until }
    } else if days_left <= ENDING_SOON_DAYS {
        Standing::EndingSoon { until, days_left }
    } else {
        Standing::Running { until }
    }
}

impl Standing {
    /// Whether the chi bộ has something to decide soon (the worklist's line).
    pub fn due(self) -> bool {
        matches!(self, Standing::EndingSoon { .. } | Standing::Overdue { .. })
    }

    pub fn label(self) -> &'static str {
        match self {
            Standing::OpenEnded => "Không thời hạn",
            Standing::Running { .. } => "Đang miễn",
            Standing::EndingSoon { .. } => "Sắp hết thời hạn",
            Standing::Overdue { .. } => "Đã hết thời hạn, chưa gia hạn hoặc thôi miễn",
        }
    }
}
