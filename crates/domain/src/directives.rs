//! Directives sent down the tree (chỉ thị, kế hoạch, công văn, thông báo) and the tasks they
//! carry: the deadline of a task, where each receiving unit stands with it, and which receivers a
//! directive reaches. Our sources fix none of this (docs/design/operations.md says what we chose).
//!
//! Pure: the receiving unit's receipt (opened, assigned, reported) is handed in with "today" and
//! the working-day calendar.

use chrono::NaiveDate;

use crate::ValidationErrors;
use crate::code_list;
use crate::dates::format_vn;
use crate::error::FieldError;
use crate::text::{required_lines, required_text};
use crate::unit::UnitKind;
use crate::workdays::WorkCalendar;

code_list!(
    /// Loại văn bản chỉ đạo.
    DirectiveKind, "Loại văn bản", {
        Directive = ("chi-thi", "Chỉ thị"),
        Plan = ("ke-hoach", "Kế hoạch"),
        Letter = ("cong-van", "Công văn"),
        Notice = ("thong-bao", "Thông báo"),
    }
);

/// When a task is due: a number of working days from the day the directive is sent (the day
/// itself not counted, as every deadline in dangvu — `workdays`), or a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    WorkingDays(u32),
    Date(NaiveDate),
}

/// The most working days a deadline may be set to (about two years).
pub const MAX_WORKING_DAYS: u32 = 500;

impl Deadline {
    /// Reads the form's fields: a number of working days or a date, not both, not neither.
    pub fn parse(working_days: &str, date: &str, sent: NaiveDate) -> Result<Deadline, FieldError> {
        match (working_days.trim(), date.trim()) {
            ("", "") => Err(FieldError::new("deadline", "required", "Nhập thời hạn: số ngày làm việc hoặc ngày hết hạn.")),
            (n, "") => match n.parse::<u32>() {
                Ok(n) if (1..=MAX_WORKING_DAYS).contains(&n) => Ok(Deadline::WorkingDays(n)),
                _ => Err(FieldError::new(
                    "deadline_days",
                    "invalid",
                    format!("Số ngày làm việc phải là số nguyên từ 1 đến {MAX_WORKING_DAYS}."),
                )),
            },
            ("", d) => {
                let day = crate::dates::parse_date(d).map_err(|e| FieldError::new("deadline_date", e.code, e.message))?;
                if day < sent {
                    return Err(FieldError::new(
                        "deadline_date",
                        "before_sending",
                        format!("Ngày hết hạn phải từ ngày gửi ({}) trở đi.", format_vn(sent)),
                    ));
                }
                Ok(Deadline::Date(day))
            }
            _ => Err(FieldError::new("deadline", "both", "Chỉ nhập một trong hai: số ngày làm việc hoặc ngày hết hạn.")),
        }
    }

    /// The last day of the task for a directive sent on `sent`.
    pub fn due(self, sent: NaiveDate, calendar: &WorkCalendar) -> NaiveDate {
        match self {
            Deadline::WorkingDays(n) => calendar.add_working_days(sent, n),
            Deadline::Date(d) => d,
        }
    }
}

/// What a receiving unit has done with a task.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Receipt {
    /// The first time someone of the unit opened the directive.
    pub opened: Option<NaiveDate>,
    /// Assigned inside the unit (to a chi bộ under a grassroots committee) or acknowledged as
    /// being worked on.
    pub started: Option<NaiveDate>,
    /// The completion report.
    pub done: Option<NaiveDate>,
}

code_list!(
    /// Tình trạng thực hiện of one receiving unit, as the sender's table shows it.
    TaskStatus, "Tình trạng thực hiện", {
        NotOpened = ("chua-xem", "Chưa xem"),
        Opened = ("da-xem", "Đã xem"),
        InProgress = ("dang-thuc-hien", "Đang thực hiện"),
        Done = ("hoan-thanh", "Hoàn thành"),
        /// Done after the deadline.
        DoneLate = ("hoan-thanh-tre-han", "Hoàn thành trễ hạn"),
        /// Past the deadline and not done.
        Late = ("qua-han", "Quá hạn"),
    }
);

impl Receipt {
    /// Where the unit stands on `today` with a task due on `due` (a task without a deadline
    /// is never late).
    pub fn status(&self, due: Option<NaiveDate>, today: NaiveDate) -> TaskStatus {
        match (self.done, due) {
            (Some(done), Some(due)) if done > due => TaskStatus::DoneLate,
            (Some(_), _) => TaskStatus::Done,
            (None, Some(due)) if today > due => TaskStatus::Late,
            (None, _) if self.started.is_some() => TaskStatus::InProgress,
            (None, _) if self.opened.is_some() => TaskStatus::Opened,
            (None, _) => TaskStatus::NotOpened,
        }
    }

    /// Records the next step on `on`, in order (opening, starting, reporting done; an earlier
    /// step left out is taken as done the same day). A step already recorded is refused, as is a
    /// date before the directive was sent or before the previous step.
    pub fn record(&mut self, step: Step, on: NaiveDate, sent: NaiveDate) -> Result<(), FieldError> {
        if on < sent {
            return Err(FieldError::new("on", "before_sending", format!("Ngày phải từ ngày gửi văn bản ({}) trở đi.", format_vn(sent))));
        }
        let latest = [self.opened, self.started, self.done].into_iter().flatten().max();
        if latest.is_some_and(|l| on < l) {
            return Err(FieldError::new("on", "before_previous", "Ngày phải từ ngày của bước trước trở đi."));
        }
        let slot = match step {
            Step::Open => &mut self.opened,
            Step::Start => &mut self.started,
            Step::Done => &mut self.done,
        };
        if slot.is_some() {
            return Err(FieldError::new("step", "already", "Bước này đã được ghi."));
        }
        *slot = Some(on);
        // Reporting implies having opened and started it.
        if step != Step::Open {
            self.opened.get_or_insert(on);
        }
        if step == Step::Done {
            self.started.get_or_insert(on);
        }
        Ok(())
    }
}

/// One step of a receiving unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Open,
    Start,
    Done,
}

/// Which units under the sender a directive reaches: units of the chosen kinds (any kind when
/// none is chosen), at most `depth` levels below the sender (any depth when `None`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reach {
    pub kinds: Vec<UnitKind>,
    pub depth: Option<u32>,
}

impl Reach {
    /// Reads the chosen unit kinds (codes; none: every kind) and the levels (empty: any depth).
    pub fn parse(kind_codes: &[String], depth: &str) -> Result<Reach, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let mut kinds = Vec::new();
        for code in kind_codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
            if let Some(k) = e.take("reach_kinds", UnitKind::parse(code))
                && !kinds.contains(&k)
            {
                kinds.push(k);
            }
        }
        let depth = match depth.trim() {
            "" => None,
            d => match d.parse::<u32>() {
                Ok(n) if (1..=MAX_DEPTH).contains(&n) => Some(n),
                _ => {
                    e.push("reach_depth", "invalid", format!("Số cấp phải là số nguyên từ 1 đến {MAX_DEPTH}."));
                    None
                }
            },
        };
        e.into_result().map(|()| Reach { kinds, depth })
    }

    /// In words: "Đảng bộ xã, phường, đặc khu (trực thuộc)", "Mọi tổ chức (mọi cấp)".
    pub fn label(&self) -> String {
        let kinds = if self.kinds.is_empty() {
            "Mọi tổ chức".to_owned()
        } else {
            self.kinds.iter().map(|k| k.label()).collect::<Vec<_>>().join("; ")
        };
        let depth = match self.depth {
            None => "mọi cấp".to_owned(),
            Some(1) => "trực thuộc".to_owned(),
            Some(n) => format!("đến {n} cấp dưới"),
        };
        format!("{kinds} ({depth})")
    }

    /// Whether a unit of `kind`, `depth` levels below the sender (1: directly under), is reached.
    pub fn reaches(&self, kind: UnitKind, depth: u32) -> bool {
        depth >= 1 && self.depth.is_none_or(|max| depth <= max) && (self.kinds.is_empty() || self.kinds.contains(&kind))
    }
}

/// How a sender's table counts its receivers: each status and the share done (done and done
/// late), as committees write it ("hoàn thành 12/15 đơn vị").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tally {
    pub counts: Vec<(TaskStatus, u32)>,
    pub receivers: u32,
    pub done: u32,
}

/// The tally of receivers' statuses.
pub fn tally(statuses: impl IntoIterator<Item = TaskStatus>) -> Tally {
    let mut counts: Vec<(TaskStatus, u32)> = TaskStatus::ALL.iter().map(|s| (*s, 0)).collect();
    let mut t = Tally::default();
    for s in statuses {
        if let Some(c) = counts.iter_mut().find(|(k, _)| *k == s) {
            c.1 += 1;
        }
        t.receivers += 1;
        t.done += u32::from(matches!(s, TaskStatus::Done | TaskStatus::DoneLate));
    }
    t.counts = counts;
    t
}

/// The longest number and symbol ("15-CT/TU"), title and text of a directive, and the longest
/// task or report.
pub const MAX_NUMBER: usize = 50;
pub const MAX_TITLE: usize = 500;
pub const MAX_BODY: usize = 20_000;
pub const MAX_TASK: usize = 5_000;

/// A receiving unit's completion report, as typed (field `report`).
pub fn parse_report(typed: &str) -> Result<String, ValidationErrors> {
    required_lines(typed, MAX_TASK, "Báo cáo kết quả").map_err(|mut e| {
        e.field = "report".into();
        ValidationErrors { errors: vec![e] }
    })
}

/// What a directive asks its receivers to do, and by when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// What is to be done and the report expected back.
    pub asks: String,
    pub deadline: Deadline,
}

/// A directive as its sender wrote it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub kind: DirectiveKind,
    /// Số, ký hiệu: "15-CT/TU".
    pub number: String,
    /// Trích yếu.
    pub title: String,
    pub body: String,
    pub reach: Reach,
    /// `None`: for information only (nothing to report back).
    pub task: Option<Task>,
}

/// A directive's fields as typed in a form, a body or on the command line.
#[derive(Debug, Clone, Default)]
pub struct DraftFields<'a> {
    pub kind: &'a str,
    pub number: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    /// Unit kind codes; empty: every kind.
    pub reach_kinds: &'a [String],
    /// Levels below the sender; empty: any depth.
    pub reach_depth: &'a str,
    /// Empty: no task.
    pub task: &'a str,
    pub deadline_days: &'a str,
    pub deadline_date: &'a str,
}

/// The deepest level a directive may be limited to (the tree is never deeper).
pub const MAX_DEPTH: u32 = 10;

impl Draft {
    /// Checks every field of a directive sent on `sent`, reporting every problem at once. A
    /// deadline without a task is refused (it would ask nothing).
    pub fn parse(f: &DraftFields<'_>, sent: NaiveDate) -> Result<Draft, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let kind = e.take("kind", DirectiveKind::parse(f.kind.trim()));
        let number = e.take("number", required_text(f.number, MAX_NUMBER, "Số, ký hiệu"));
        let title = e.take("title", required_text(f.title, MAX_TITLE, "Trích yếu"));
        let body = e.take("body", required_lines(f.body, MAX_BODY, "Nội dung"));
        let reach = Reach::parse(f.reach_kinds, f.reach_depth).map_err(|errors| e.errors.extend(errors.errors)).ok();
        let task = if f.task.trim().is_empty() {
            if !f.deadline_days.trim().is_empty() || !f.deadline_date.trim().is_empty() {
                e.push("task", "required", "Có thời hạn thì phải ghi nhiệm vụ cần thực hiện và báo cáo.");
            }
            None
        } else {
            let asks = e.take("task", required_lines(f.task, MAX_TASK, "Nhiệm vụ"));
            // The deadline's own field (days, date or both) is kept for the form.
            let deadline =
                Deadline::parse(f.deadline_days, f.deadline_date, sent).map_err(|err| e.push(&err.field, err.code, err.message)).ok();
            asks.zip(deadline).map(|(asks, deadline)| Task { asks, deadline })
        };
        match (kind, number, title, body, reach) {
            (Some(kind), Some(number), Some(title), Some(body), Some(reach)) if e.is_empty() => {
                Ok(Draft { kind, number, title, body, reach, task })
            }
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests;
