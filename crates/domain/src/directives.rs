//! Directives sent down the tree (chỉ thị, kế hoạch, công văn, thông báo) and the tasks they
//! carry: the deadline of a task, where each receiving unit stands with it, and which receivers a
//! directive reaches. Our sources fix none of this (docs/design/operations.md says what we chose).
//!
//! Pure: the receiving unit's receipt (opened, assigned, reported) is handed in with "today" and
//! the working-day calendar.

use chrono::NaiveDate;

use crate::code_list;
use crate::dates::format_vn;
use crate::error::FieldError;
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

#[cfg(test)]
mod tests;
