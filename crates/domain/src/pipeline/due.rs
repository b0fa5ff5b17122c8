//! The work a case has due, with its deadline, who acts and the rule (rules.md §2.2 points
//! 10–11, §2.3, §3).

use super::*;

/// Who must act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Actor {
    ChiBo,
    Committee,
}

/// One piece of work with its last day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueItem {
    /// Stable code (`decision`, `ceremony`, …).
    pub code: &'static str,
    pub label: &'static str,
    pub due: NaiveDate,
    pub actor: Actor,
    pub source: &'static str,
}

/// How urgent an item is on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Urgency {
    Overdue,
    /// Due within the next 7 days (today included).
    Soon,
    Later,
}

impl Urgency {
    pub fn of(due: NaiveDate, today: NaiveDate) -> Urgency {
        if due < today {
            Urgency::Overdue
        } else if (due - today).num_days() <= 7 {
            Urgency::Soon
        } else {
            Urgency::Later
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Urgency::Overdue => "Quá hạn",
            Urgency::Soon => "Đến hạn trong 7 ngày",
            Urgency::Later => "Chưa đến hạn",
        }
    }
}

/// The work due on an open case, with the last day of each item.
pub fn due_items(candidate: &Candidate, steps: &Steps, cal: &WorkCalendar, config: &AdmissionConfig) -> Vec<DueItem> {
    let mut out = Vec::new();
    match stage(steps) {
        Stage::Source | Stage::File => {
            if let Some(c) = &candidate.certificate {
                out.push(DueItem {
                    code: "certificate_expires",
                    label: "Giấy chứng nhận lớp nhận thức về Đảng hết giá trị: chi bộ cần xét trước ngày này",
                    due: admission::certificate_last_valid_day(c.issued_on, config),
                    actor: Actor::ChiBo,
                    source: "Hướng dẫn 12-HD/BTCTW; giá trị 60 tháng (cấu hình)",
                });
            }
            if let Some(app) = steps.date_of(StepKind::Application) {
                let renewed = steps.0.iter().filter(|s| s.kind() == StepKind::DocumentsRenewed).map(StepData::on).max();
                let since = renewed.map_or(app, |r| r.max(app));
                out.push(DueItem {
                    code: "file_stale",
                    label: "Hồ sơ quá 12 tháng nếu chi bộ chưa xét",
                    due: add_months(since, config.file_stale_after_months),
                    actor: Actor::ChiBo,
                    source: "rules.md §2.3 (hồ sơ quá 12 tháng phải làm lại)",
                });
            }
        }
        Stage::AwaitingDecision => {
            if let Some(v) = steps.vote() {
                out.push(DueItem {
                    code: "decision",
                    label: "Cấp ủy có thẩm quyền ra quyết định kết nạp",
                    due: admission::decision_deadline(cal, v.on, steps.extended_after(v.on)),
                    actor: Actor::Committee,
                    source: "Quy định 294-QĐ/TW điểm 4.3.1 (60 ngày làm việc, gia hạn tối đa 30)",
                });
            }
        }
        Stage::AwaitingCeremony => {
            if let Some(d) = steps.date_of(StepKind::DecisionReceived).or(steps.decision_on()) {
                out.push(DueItem {
                    code: "ceremony",
                    label: "Chi bộ tổ chức lễ kết nạp",
                    due: admission::ceremony_deadline(cal, d),
                    actor: Actor::ChiBo,
                    source: "Quy định 294-QĐ/TW điểm 4.1 (30 ngày làm việc từ khi nhận quyết định)",
                });
            }
        }
        Stage::Probation => {
            if let Some(d) = steps.date_of(StepKind::Ceremony) {
                out.push(DueItem {
                    code: "recognition_proposal",
                    label: "Chi bộ xét, đề nghị công nhận đảng viên chính thức",
                    due: admission::recognition_proposal_deadline(cal, d),
                    actor: Actor::ChiBo,
                    source: "Quy định 294-QĐ/TW điểm 4.2 (30 ngày làm việc sau khi hết 12 tháng dự bị)",
                });
            }
        }
        Stage::AwaitingRecognition => {
            if let Some((v, _)) = steps.recognition_vote() {
                out.push(DueItem {
                    code: "recognition_decision",
                    label: "Cấp ủy có thẩm quyền ra quyết định công nhận chính thức (hoặc xóa tên)",
                    due: admission::recognition_decision_deadline(cal, v.on, steps.extended_after(v.on)),
                    actor: Actor::Committee,
                    source: "Quy định 294-QĐ/TW điểm 4.3.1 (30 ngày làm việc, gia hạn tối đa 30)",
                });
            }
        }
        Stage::Official | Stage::StruckOff | Stage::Closed => {}
    }
    out
}
