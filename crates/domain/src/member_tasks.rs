//! Tasks a chi bộ assigns to its members (phân công nhiệm vụ cho đảng viên): what is to be done,
//! by whom, by when, and each member's report that it is done. The year's evaluation counts
//! them: under Quy định 366-QĐ/TW art. 11 "good" needs 100 % of tasks done on time and
//! "excellent" that and more (rules.md §8), so each member's tasks are kept with the day they
//! were reported done. Our sources fix no form or deadline for the tasks themselves: a task has
//! an optional last day, and a member reports it done once.
//!
//! Pure: the storage layer checks that the members are on the chi bộ's list.

use chrono::NaiveDate;

use crate::code_list;
use crate::dates::{format_vn, parse_date};
use crate::error::{FieldError, ValidationErrors};
use crate::ids::MemberId;
use crate::text::{Lines, optional_text_in, required_text, required_text_in};

pub const MAX_TITLE: usize = 300;
pub const MAX_DETAILS: usize = 5_000;
pub const MAX_REPORT: usize = 2_000;
/// Members one task names at most (a chi bộ rarely has more than a few hundred).
pub const MAX_ASSIGNEES: usize = 500;

/// A task as the chi bộ wrote it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskInput {
    pub title: String,
    pub details: Option<String>,
    /// The day it is assigned (the meeting's day, or today).
    pub assigned_on: NaiveDate,
    /// The last day (`None`: no deadline).
    pub due: Option<NaiveDate>,
    pub assignees: Vec<MemberId>,
}

/// A task's fields as typed.
#[derive(Debug, Clone, Default)]
pub struct TaskFields<'a> {
    pub title: &'a str,
    pub details: &'a str,
    pub assigned_on: &'a str,
    pub due: &'a str,
    pub assignees: &'a [MemberId],
}

impl TaskInput {
    /// Checks the typed fields; `today` bounds the day of assignment (not in the future).
    pub fn parse(f: &TaskFields<'_>, today: NaiveDate) -> Result<TaskInput, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let title = e.take("title", required_text(f.title, MAX_TITLE, "Nội dung nhiệm vụ"));
        let details = e.take("details", optional_text_in(f.details, Lines::Multi, MAX_DETAILS, "Yêu cầu cụ thể")).flatten();
        let assigned_on = if f.assigned_on.trim().is_empty() { Some(today) } else { e.take("assigned_on", parse_date(f.assigned_on)) };
        if let Some(on) = assigned_on
            && on > today
        {
            e.push("assigned_on", "future", "Ngày giao nhiệm vụ không được sau hôm nay.");
        }
        let due = if f.due.trim().is_empty() { None } else { e.take("due", parse_date(f.due)) };
        if let (Some(due), Some(on)) = (due, assigned_on)
            && due < on
        {
            e.push("due", "before_assigned", format!("Thời hạn phải từ ngày giao ({}) trở đi.", format_vn(on)));
        }
        let mut assignees: Vec<MemberId> = Vec::new();
        for m in f.assignees {
            if !assignees.contains(m) {
                assignees.push(*m);
            }
        }
        if assignees.is_empty() {
            e.push("assignees", "required", "Chọn ít nhất một đảng viên được giao nhiệm vụ.");
        } else if assignees.len() > MAX_ASSIGNEES {
            e.push("assignees", "too_many", format!("Một nhiệm vụ giao cho tối đa {MAX_ASSIGNEES} đảng viên."));
        }
        e.into_result()?;
        match (title, assigned_on) {
            (Some(title), Some(assigned_on)) => Ok(TaskInput { title, details, assigned_on, due, assignees }),
            _ => Err(ValidationErrors {
                errors: vec![FieldError::new("title", "required", "Nội dung nhiệm vụ không được để trống.")]
            }),
        }
    }
}

/// A member's report that the task is done, as typed (field `report`), on `today` for a task
/// assigned on `assigned_on`. A report already given is not replaced.
pub fn check_report(typed: &str, already_done: bool) -> Result<String, ValidationErrors> {
    if already_done {
        return Err(already_reported());
    }
    let mut e = ValidationErrors::default();
    let report = e.take("report", required_text_in(typed, Lines::Multi, MAX_REPORT, "Kết quả thực hiện"));
    e.into_result()?;
    report.ok_or_else(|| ValidationErrors {
        errors: vec![FieldError::new("report", "required", "Kết quả thực hiện không được để trống.")]
    })
}

/// The answer to a second report of the same task.
pub fn already_reported() -> ValidationErrors {
    ValidationErrors::single("report", "already", "Đồng chí đã báo cáo hoàn thành nhiệm vụ này.")
}

code_list!(
    /// Where one member stands with a task.
    TaskProgress, "Tình trạng", {
        Open = ("dang-thuc-hien", "Đang thực hiện"),
        /// Past the last day and not reported done.
        Late = ("qua-han", "Quá hạn"),
        Done = ("hoan-thanh", "Hoàn thành"),
        /// Reported done after the last day.
        DoneLate = ("hoan-thanh-tre-han", "Hoàn thành trễ hạn"),
    }
);

impl TaskProgress {
    /// Where a member stands on `today` with a task due on `due`, reported done on `done_on`.
    pub fn of(due: Option<NaiveDate>, done_on: Option<NaiveDate>, today: NaiveDate) -> TaskProgress {
        match (done_on, due) {
            (Some(done), Some(due)) if done > due => TaskProgress::DoneLate,
            (Some(_), _) => TaskProgress::Done,
            (None, Some(due)) if today > due => TaskProgress::Late,
            (None, _) => TaskProgress::Open,
        }
    }

    pub fn is_done(self) -> bool {
        matches!(self, TaskProgress::Done | TaskProgress::DoneLate)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::testing::d;

    fn codes(e: &ValidationErrors) -> Vec<(&str, &str)> {
        e.errors.iter().map(|f| (f.field.as_str(), f.code)).collect()
    }

    #[test]
    fn a_task_needs_what_and_whom_and_defaults_to_today() {
        let members = [MemberId(3), MemberId(4), MemberId(3)];
        let f =
            TaskFields {
                title: " Vận động hộ gia đình  ", assigned_on: "", due: "31/12/2026", assignees: &members, ..Default::default()
            };
        let t = TaskInput::parse(&f, d(2026, 12, 5)).unwrap();
        assert_eq!(t.title, "Vận động hộ gia đình");
        assert_eq!(t.assigned_on, d(2026, 12, 5));
        assert_eq!(t.due, Some(d(2026, 12, 31)));
        assert_eq!(t.assignees, vec![MemberId(3), MemberId(4)], "each member once");
        assert_eq!(t.details, None);

        let e = TaskInput::parse(&TaskFields::default(), d(2026, 12, 5)).unwrap_err();
        assert_eq!(codes(&e), vec![("title", "required"), ("assignees", "required")]);
    }

    #[test]
    fn a_task_is_not_assigned_in_the_future_nor_due_before_it_is_assigned() {
        let m = [MemberId(1)];
        let f = TaskFields { title: "Trực", assigned_on: "06/12/2026", due: "", assignees: &m, ..Default::default() };
        assert_eq!(codes(&TaskInput::parse(&f, d(2026, 12, 5)).unwrap_err()), vec![("assigned_on", "future")]);
        let f = TaskFields { title: "Trực", assigned_on: "01/12/2026", due: "30/11/2026", assignees: &m, ..Default::default() };
        let e = TaskInput::parse(&f, d(2026, 12, 5)).unwrap_err();
        assert_eq!(codes(&e), vec![("due", "before_assigned")]);
        assert!(e.errors[0].message.contains("01/12/2026"));
        let f = TaskFields { title: "Trực", assigned_on: "01/12/2026", due: "01/12/2026", assignees: &m, ..Default::default() };
        assert!(TaskInput::parse(&f, d(2026, 12, 5)).is_ok(), "due the day it is assigned");
        let f = TaskFields { title: "Trực", due: "32/12/2026", assignees: &m, ..Default::default() };
        assert_eq!(codes(&TaskInput::parse(&f, d(2026, 12, 5)).unwrap_err())[0].0, "due");
    }

    #[test]
    fn a_report_is_given_once_and_not_empty() {
        assert_eq!(check_report("  Đã vận động 12 hộ.\nCòn 2 hộ.  ", false).unwrap(), "Đã vận động 12 hộ.\nCòn 2 hộ.");
        assert_eq!(codes(&check_report("   ", false).unwrap_err()), vec![("report", "required")]);
        assert_eq!(codes(&check_report("Xong", true).unwrap_err()), vec![("report", "already")]);
    }

    #[test]
    fn progress_on_the_last_day_and_after() {
        let due = Some(d(2026, 12, 31));
        assert_eq!(TaskProgress::of(due, None, d(2026, 12, 31)), TaskProgress::Open, "the last day is still in time");
        assert_eq!(TaskProgress::of(due, None, d(2027, 1, 1)), TaskProgress::Late);
        assert_eq!(TaskProgress::of(due, Some(d(2026, 12, 31)), d(2027, 3, 1)), TaskProgress::Done);
        assert_eq!(TaskProgress::of(due, Some(d(2027, 1, 1)), d(2027, 3, 1)), TaskProgress::DoneLate);
        assert_eq!(TaskProgress::of(None, None, d(2030, 1, 1)), TaskProgress::Open, "no deadline, never late");
        assert!(TaskProgress::DoneLate.is_done() && !TaskProgress::Late.is_done());
    }
}
