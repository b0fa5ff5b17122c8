//! Party badges (Huy hiệu Đảng, rules.md §6): the milestones of party age, the award days, who is
//! due at a round — party age at the award day (from the admission decision, less the time out
//! of the Party: [`crate::history::party_age_months`]), with the early windows for the seriously
//! ill and the posthumous — and the wait after a discipline, whose length the sources give three
//! ways (a setting, [`WaitRule`]).
//!
//! Pure: the caller hands in the party age, the badges held, the disciplines and the day.

use chrono::{Datelike, NaiveDate};

use crate::code_list;
use crate::dates::add_months;
use crate::discipline::{self, Discipline, Form};

#[cfg(test)]
mod tests;

/// The badges by years of party age: 30, 40, 45 (added by 29-QĐ/TW, 2016), 50 … 90 (rules.md §6).
pub const MILESTONES: [u32; 12] = [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90];

code_list!(
    /// The days badges are presented (rules.md §6: "3/2, 19/5, 2/9, 7/11").
    AwardDay, "Dịp trao tặng Huy hiệu Đảng", {
        PartyFounding = ("3-2", "Ngày thành lập Đảng (3/2)"),
        HoChiMinhBirthday = ("19-5", "Ngày sinh Chủ tịch Hồ Chí Minh (19/5)"),
        NationalDay = ("2-9", "Quốc khánh (2/9)"),
        OctoberRevolution = ("7-11", "Cách mạng Tháng Mười Nga (7/11)"),
    }
);

impl AwardDay {
    /// The day in `year`.
    pub fn on(self, year: i32) -> NaiveDate {
        let (month, day) = match self {
            AwardDay::PartyFounding => (2, 3),
            AwardDay::HoChiMinhBirthday => (5, 19),
            AwardDay::NationalDay => (9, 2),
            AwardDay::OctoberRevolution => (11, 7),
        };
        NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
    }

    /// The first award day on or after `day`.
    pub fn next(day: NaiveDate) -> (AwardDay, NaiveDate) {
        let this_year = AwardDay::ALL.iter().map(|a| (*a, a.on(day.year()))).find(|(_, d)| *d >= day);
        this_year.unwrap_or((AwardDay::PartyFounding, AwardDay::PartyFounding.on(day.year() + 1)))
    }
}

code_list!(
    /// Why a badge may come before the milestone is reached.
    Circumstance, "Trường hợp xét tặng", {
        Ordinary = ("binh-thuong", "Đủ tuổi đảng"),
        /// Seriously ill (ốm nặng): up to 12 months early for 30–65 years, 24 for 70–90.
        SeriouslyIll = ("om-nang", "Đảng viên ốm nặng (xét sớm)"),
        /// Deceased (truy tặng): up to 12 months early.
        Posthumous = ("truy-tang", "Truy tặng đảng viên đã từ trần"),
    }
);

/// How many months before the milestone a badge may be given (01-HD/TW 2021 §18; 24-QĐ/TW point
/// 27; rules.md §6).
pub fn early_months(milestone: u32, circumstance: Circumstance) -> u32 {
    match circumstance {
        Circumstance::Ordinary => 0,
        Circumstance::SeriouslyIll if milestone >= 70 => 24,
        Circumstance::SeriouslyIll | Circumstance::Posthumous => 12,
    }
}

code_list!(
    /// Which source's wait after a discipline applies — rules.md §6 gives three that disagree, so
    /// the operator chooses; the default is the most recent.
    WaitRule, "Thời gian chờ sau kỷ luật", {
        /// Quy định 24-QĐ/TW (2021), as a law firm summarizes it: 6 months after a reprimand,
        /// 9 after a warning, 12 after removal from post.
        Qd24 = ("24-qd-tw-2021", "Quy định 24-QĐ/TW (2021): khiển trách 6 tháng, cảnh cáo 9 tháng, cách chức 12 tháng"),
        /// Quy định 29-QĐ/TW (2016): a reprimand does not block; 6 months after a warning, 12
        /// after removal from post.
        Qd29 = ("29-qd-tw-2016", "Quy định 29-QĐ/TW (2016): cảnh cáo 6 tháng, cách chức 12 tháng"),
        /// A city's 2007 guidance: 3, 6 and 12 months.
        Guidance2007 = ("huong-dan-2007", "Hướng dẫn năm 2007: khiển trách 3 tháng, cảnh cáo 6 tháng, cách chức 12 tháng"),
    }
);

/// The default [`WaitRule`]: the most recent source.
pub const DEFAULT_WAIT_RULE: WaitRule = WaitRule::Qd24;

impl WaitRule {
    /// Months to wait after a discipline of `form` (`None`: it does not block). Expulsion puts the
    /// member out of the Party: no badge.
    pub fn months(self, form: Form) -> Option<u32> {
        match (self, form) {
            (_, Form::Expulsion) => None,
            (WaitRule::Qd24, Form::Reprimand) => Some(6),
            (WaitRule::Qd24, Form::Warning) => Some(9),
            (WaitRule::Qd29, Form::Reprimand) => None,
            (WaitRule::Qd29, Form::Warning) => Some(6),
            (WaitRule::Guidance2007, Form::Reprimand) => Some(3),
            (WaitRule::Guidance2007, Form::Warning) => Some(6),
            (_, Form::RemovalFromPost) => Some(12),
        }
    }
}

/// What the verdict reads of a member on an award day.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Party age in full months on the award day (`None`: not a member then).
    pub party_age_months: Option<u32>,
    /// The highest badge held (years).
    pub held: Option<u32>,
    pub circumstance: Option<Circumstance>,
    /// Each discipline of the member.
    pub disciplines: Vec<DisciplineFacts>,
    pub expelled: bool,
}

/// A discipline as the verdict reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisciplineFacts {
    pub discipline: Discipline,
    /// The days a complaint or new violation was recorded within its 12 months.
    pub interruptions: Vec<NaiveDate>,
    /// The day a later decision ended it.
    pub lifted_on: Option<NaiveDate>,
}

impl DisciplineFacts {
    /// A discipline with nothing recorded after it.
    pub fn plain(discipline: Discipline) -> DisciplineFacts {
        DisciplineFacts { discipline, interruptions: Vec::new(), lifted_on: None }
    }
}

/// What holds a badge back after a discipline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldRule {
    /// The discipline is in force on the award day: no Party award during it (69-QĐ/TW art. 2.13).
    InForce,
    /// The wait the chosen source sets after the discipline has not passed.
    Wait(WaitRule),
}

/// Why a member's badge waits: the discipline, the rule that holds it back longest, and until
/// when (`None`: a complaint or new violation keeps the discipline in force until a decision).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hold {
    pub form: Form,
    pub rule: HoldRule,
    pub until: Option<NaiveDate>,
}

impl Hold {
    /// Later holds first; a hold without an end is the latest; on the same day the discipline's
    /// own effect is named.
    fn outlasts(&self, other: &Hold) -> bool {
        match (self.until, other.until) {
            (None, Some(_)) => true,
            (Some(a), Some(b)) => a > b || (a == b && self.rule == HoldRule::InForce && other.rule != HoldRule::InForce),
            _ => false,
        }
    }
}

/// Where a member stands for a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Due the badge of `milestone` years, `early_months` before reaching it (0: reached).
    Due { milestone: u32, early_months: u32 },
    /// Would be due, but a discipline holds it back.
    Held { milestone: u32, hold: Hold },
    /// No badge due yet; the next is `next` years.
    NotYet { next: u32 },
    /// Holds the last badge, or was expelled.
    None,
}

/// The holds of one discipline on `award_day`: its own effect (until its automatic end, or the
/// later decision that lifted it), and the wait `rule` sets.
fn holds(f: &DisciplineFacts, award_day: NaiveDate, rule: WaitRule) -> Vec<Hold> {
    let d = &f.discipline;
    let mut out = Vec::new();
    match discipline::standing_lifted(d, &f.interruptions, f.lifted_on, award_day) {
        discipline::Standing::Held => out.push(Hold { form: d.form, rule: HoldRule::InForce, until: None }),
        discipline::Standing::Running { ends_on } => out.push(Hold { form: d.form, rule: HoldRule::InForce, until: Some(ends_on) }),
        _ => {}
    }
    if let Some(months) = rule.months(d.form) {
        let until = add_months(d.announced_on, months);
        if d.announced_on <= award_day && award_day < until {
            out.push(Hold { form: d.form, rule: HoldRule::Wait(rule), until: Some(until) });
        }
    }
    out
}

/// The milestone due on the award day: the highest reached (with the early window) above the
/// badge held.
fn due_milestone(age_months: u32, held: Option<u32>, circumstance: Circumstance) -> Option<(u32, u32)> {
    MILESTONES.iter().rev().filter(|m| held.is_none_or(|h| **m > h)).find_map(|m| {
        let needed = m * 12;
        let early = early_months(*m, circumstance);
        (age_months + early >= needed).then(|| (*m, needed.saturating_sub(age_months)))
    })
}

/// The verdict for a member on `award_day` under `rule`.
pub fn verdict(facts: &Facts, award_day: NaiveDate, rule: WaitRule) -> Verdict {
    let Some(age) = facts.party_age_months else { return Verdict::None };
    if facts.expelled {
        return Verdict::None;
    }
    let circumstance = facts.circumstance.unwrap_or(Circumstance::Ordinary);
    let Some((milestone, early_months)) = due_milestone(age, facts.held, circumstance) else {
        return match MILESTONES.iter().find(|m| facts.held.is_none_or(|h| **m > h)) {
            Some(next) => Verdict::NotYet { next: *next },
            None => Verdict::None,
        };
    };
    // The hold that lasts longest over every discipline.
    let mut hold: Option<Hold> = None;
    for d in &facts.disciplines {
        for h in holds(d, award_day, rule) {
            if hold.is_none_or(|current| h.outlasts(&current)) {
                hold = Some(h);
            }
        }
    }
    match hold {
        Some(hold) => Verdict::Held { milestone, hold },
        None => Verdict::Due { milestone, early_months },
    }
}
