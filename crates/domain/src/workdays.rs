//! Working days (ngày làm việc) of party and state bodies, the unit of the admission, recognition
//! and transfer deadlines ("60 working days", "30 working days": rules.md §2.2 points 10–11, §3,
//! §4 and §15).
//!
//! A day is a working day when it is Monday–Friday and not a statutory holiday, a compensatory
//! day off (nghỉ bù) or a weekday given off by a swap (hoán đổi); a Saturday named as a make-up
//! day (ngày làm bù) is a working day. Party committees follow the civil-servant schedule, with
//! Saturday and Sunday as weekly rest days (holidays.md "What counts as a working day", sources
//! 12, 14, 18, 39).
//!
//! [`WorkCalendar`] layers three sources; a later one wins over an earlier one:
//! 1. the statutory rules of the Labour Code, computed for every year of [`FIRST_YEAR`]–[`LAST_YEAR`]
//!    (lunar dates from [`lunar`]);
//! 2. what was announced for 2021–2026 (Tết breaks, the day next to 2/9, swapped days), embedded
//!    below with the sources holidays.md gives;
//! 3. the operator's [`YearOverride`]s: a Prime Minister's decision for a later year, Culture Day
//!    (24/11) once the law makes it a holiday ([`culture_day`]), a local decision.
//!
//! Outside [`FIRST_YEAR`]–[`LAST_YEAR`] only Saturdays and Sundays are days off.
//!
//! # How a deadline is counted
//! Neither rules.md (§2.2 points 10–11, §15: "within 60 working days from the chi bộ resolution",
//! "within 30 working days after receiving the decision") nor holidays.md says whether the day of
//! the event counts. [`WorkCalendar::add_working_days`] follows the common administrative
//! convention, the one the Civil Code 2015 (Bộ luật Dân sự 91/2015/QH13, Art. 147(3)) sets for periods in days: the count starts
//! the day after the event, and only working days count. (The Civil Code is cited from outside
//! the project's source files; the party regulations themselves leave the point open.) So a
//! decision due "within 60 working days" of a resolution passed on day D is due at the latest on
//! `add_working_days(D, 60)`, and that day is always a working day.

pub mod lunar;

use std::collections::BTreeMap;
use std::ops::Bound::{Excluded, Included};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use crate::dates::format_vn;
use crate::error::ValidationErrors;
use lunar::LunarDate;

/// First year whose holidays the calendar knows (and the first an override may name).
pub const FIRST_YEAR: i32 = 1990;
/// Last year whose holidays the calendar knows (and the last an override may name).
pub const LAST_YEAR: i32 = 2100;

/// The operator's corrections for one year; they win over the built-in rules and schedules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearOverride {
    pub year: i32,
    /// Days that are not working days, with the name people read (“Ngày Văn hóa Việt Nam (24/11)”).
    /// A make-up Saturday listed here stops being a working day.
    pub days_off: Vec<(NaiveDate, String)>,
    /// Days that are working days, with the reason (“Làm bù theo Thông báo số …”): a make-up
    /// Saturday, or a built-in day off that a later decision cancelled.
    pub extra_working_days: Vec<(NaiveDate, String)>,
}

/// Culture Day (Ngày Văn hóa Việt Nam, 24/11) as an entry for [`YearOverride::days_off`]. The
/// Politburo (Resolution 80-NQ/TW, 2026) wants it to be a paid holiday and the Government tasked
/// amending Labour Code Art. 112(1) (Resolution 30/NQ-CP, 26/2/2026), but it is not a holiday until
/// the National Assembly amends the Code, so it is never built in (holidays.md "Changes made or
/// proposed in 2025–2026" and "Uncertain" point 1, sources 20–24).
pub fn culture_day(year: i32) -> Option<(NaiveDate, String)> {
    Some((NaiveDate::from_ymd_opt(year, 11, 24)?, "Ngày Văn hóa Việt Nam (24/11)".to_owned()))
}

/// Which days are working days; build it once and share it (it precomputes every year of
/// [`FIRST_YEAR`]–[`LAST_YEAR`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    /// Days off other than ordinary weekends, and weekend days that are holidays (for their name).
    off: BTreeMap<NaiveDate, DayOff>,
    /// Saturdays and Sundays that are working days, and weekdays an override kept working, with
    /// the reason. Never shares a date with `off`.
    working: BTreeMap<NaiveDate, String>,
}

impl Default for WorkCalendar {
    /// The built-in calendar, without overrides.
    fn default() -> Self {
        Self::built_in(true)
    }
}

impl WorkCalendar {
    /// The built-in calendar corrected by the operator's overrides. Refuses (with every problem
    /// found) a year outside [`FIRST_YEAR`]–[`LAST_YEAR`] or given twice, a date outside its
    /// override's year or listed twice, a date both off and working, and an empty name.
    pub fn new(overrides: Vec<YearOverride>) -> Result<Self, ValidationErrors> {
        validate(&overrides)?;
        let mut calendar = Self::built_in(true);
        for o in overrides {
            for (date, name) in o.days_off {
                calendar.working.remove(&date);
                calendar.off.insert(date, DayOff::Operator(name.trim().to_owned()));
            }
            for (date, name) in o.extra_working_days {
                calendar.off.remove(&date);
                calendar.working.insert(date, name.trim().to_owned());
            }
        }
        Ok(calendar)
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.working.contains_key(&date) {
            return true;
        }
        !is_weekend(date) && !self.off.contains_key(&date)
    }

    /// Why `date` is not a working day, in Vietnamese (“Chủ nhật”, “Tết Nguyên đán”, “Nghỉ bù
    /// Quốc khánh (2/9)”, an override's name…); `None` for a working day. A holiday that falls on
    /// a weekend is named after the holiday.
    pub fn why_not_working(&self, date: NaiveDate) -> Option<String> {
        if self.is_working_day(date) {
            return None;
        }
        match self.off.get(&date) {
            Some(off) => Some(off.reason()),
            None if date.weekday() == Weekday::Sat => Some("Thứ Bảy".to_owned()),
            None => Some("Chủ nhật".to_owned()),
        }
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> NaiveDate {
        let mut day = date;
        loop {
            match day.succ_opt() {
                Some(next) => day = next,
                None => return day, // the end of chrono's range; unreachable in practice
            }
            if self.is_working_day(day) {
                return day;
            }
        }
    }

    /// The `n`-th working day after `start`, `start` itself not counted (see "How a deadline is
    /// counted" in the module documentation): the last day of a deadline of `n` working days from
    /// an event on `start`. Always a working day; with `n = 0`, `start` when it is a working day,
    /// else the next one.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        if n == 0 {
            return if self.is_working_day(start) { start } else { self.next_working_day(start) };
        }
        (0..n).fold(start, |day, _| self.next_working_day(day))
    }

    /// Working days in `(from, to]`: after `from`, up to and including `to`, so that
    /// `working_days_between(d, add_working_days(d, n)) == n` for `n ≥ 1`. Negative when `to` is
    /// before `from` (minus the working days in `(to, from]`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        let range = (Excluded(from), Included(to));
        // Every Monday–Friday, minus the weekdays off, plus the weekend days worked.
        let weekdays = weekdays_up_to(to) - weekdays_up_to(from);
        let weekdays_off = self.off.range(range).filter(|(d, _)| !is_weekend(**d)).count();
        let weekends_worked = self.working.range(range).filter(|(d, _)| is_weekend(**d)).count();
        weekdays - as_i64(weekdays_off) + as_i64(weekends_worked)
    }

    /// The Monday–Friday days of `year` that are not working days, with the reason, in date
    /// order (the "Weekdays off" lists of holidays.md).
    pub fn non_working_weekdays(&self, year: i32) -> Vec<(NaiveDate, String)> {
        self.off.iter().filter(|(d, _)| d.year() == year && !is_weekend(**d)).map(|(d, off)| (*d, off.reason())).collect()
    }

    /// The Saturdays and Sundays of `year` that are working days, with the reason, in date order
    /// (the "Make-up Saturdays" of holidays.md).
    pub fn working_weekend_days(&self, year: i32) -> Vec<(NaiveDate, String)> {
        self.working.iter().filter(|(d, _)| d.year() == year && is_weekend(**d)).map(|(d, r)| (*d, r.clone())).collect()
    }

    /// The calendar from the statutory rules alone (`announced = false`) or corrected by the
    /// schedules announced for 2021–2026 (`announced = true`), without overrides.
    fn built_in(announced: bool) -> Self {
        let mut calendar = Self { off: BTreeMap::new(), working: BTreeMap::new() };
        for year in FIRST_YEAR..=LAST_YEAR {
            calendar.add_year(year, announced);
        }
        calendar
    }

    fn add_year(&mut self, year: i32, announced: bool) {
        // Tết: the whole break, its compensatory weekdays included.
        for day in tet_break(year, announced) {
            self.off.insert(day, DayOff::Holiday(Holiday::Tet));
        }

        // The one-day holidays; a second holiday on the same day is kept for compensation below.
        let holidays = one_day_holidays(year, announced);
        let mut needs_compensation = Vec::new();
        for &(day, holiday) in &holidays {
            if self.off.contains_key(&day) || is_weekend(day) {
                needs_compensation.push((day, holiday));
            }
            self.off.entry(day).or_insert(DayOff::Holiday(holiday));
        }

        // Labour Code 2019 Art. 111(3): a holiday on a weekly rest day gives the next working day
        // off. For civil servants that is the next weekday not already off, in date order, as in
        // 2023 when Hùng Kings' day (Sat 29/4) and 30/4 (Sun) gave Tue 2/5 and Wed 3/5 because
        // Mon 1/5 is itself a holiday (holidays.md "Compensatory days" [8][19][20] and
        // "Uncertain" point 9 [30]). Two holidays on one day would be treated the same way (each
        // keeps its day; holidays.md is silent), but 10/3 lunar never reaches 30/4 in 1990–2100.
        for (day, holiday) in needs_compensation {
            let mut free = day;
            while let Some(next) = free.succ_opt() {
                free = next;
                if !is_weekend(free) && !self.off.contains_key(&free) {
                    self.off.insert(free, DayOff::Compensatory(holiday));
                    break;
                }
            }
        }

        // Swaps: a weekday given off, worked on a Saturday instead (announced schedules only).
        if announced {
            for swap in ANNOUNCED_SWAPS.iter().filter(|s| s.day_off.year() == year) {
                self.off.insert(swap.day_off, DayOff::Swapped { make_up: swap.make_up });
                self.off.remove(&swap.make_up);
                self.working.insert(swap.make_up, format!("Làm bù cho ngày nghỉ hoán đổi {}", format_vn(swap.day_off)));
            }
        }
    }
}

/// The holidays of Labour Code 2019 Art. 112(1), in force since 1/1/2021 (holidays.md
/// "Statutory holidays" sources 1, 2, 3, 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holiday {
    /// Tết Dương lịch, 1/1: one day.
    NewYear,
    /// Tết Âm lịch: five days around lunar 1/1, fixed each year by the Prime Minister (Art. 112(3)).
    Tet,
    /// Giỗ Tổ Hùng Vương, 10/3 lunar: one day.
    HungKings,
    /// Ngày Chiến thắng, 30/4: one day.
    VictoryDay,
    /// Ngày Quốc tế Lao động, 1/5: one day.
    LabourDay,
    /// Quốc khánh, 2/9.
    NationalDay,
    /// The second National Day holiday since 2021: 1/9 or 3/9, chosen each year by the Prime
    /// Minister (Art. 112(1) and (3)).
    NationalDayAdjacent,
}

impl Holiday {
    fn name(self) -> &'static str {
        match self {
            Holiday::NewYear => "Tết Dương lịch (1/1)",
            Holiday::Tet => "Tết Nguyên đán",
            Holiday::HungKings => "Giỗ Tổ Hùng Vương (10/3 âm lịch)",
            Holiday::VictoryDay => "Ngày Chiến thắng (30/4)",
            Holiday::LabourDay => "Ngày Quốc tế Lao động (1/5)",
            Holiday::NationalDay => "Quốc khánh (2/9)",
            Holiday::NationalDayAdjacent => "Quốc khánh (ngày nghỉ liền kề 2/9)",
        }
    }
}

/// Why a day is off, kept structured so the Vietnamese text is written in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DayOff {
    Holiday(Holiday),
    /// Nghỉ bù for a holiday that fell on a weekend (Art. 111(3)).
    Compensatory(Holiday),
    /// A weekday given off by a swap, worked on `make_up` instead.
    Swapped {
        make_up: NaiveDate,
    },
    /// An operator's [`YearOverride`], with its name.
    Operator(String),
}

impl DayOff {
    fn reason(&self) -> String {
        match self {
            DayOff::Holiday(h) => h.name().to_owned(),
            DayOff::Compensatory(h) => format!("Nghỉ bù {}", h.name()),
            DayOff::Swapped { make_up } => format!("Nghỉ hoán đổi, làm bù Thứ Bảy {}", format_vn(*make_up)),
            DayOff::Operator(name) => name.clone(),
        }
    }
}

/// The one-day holidays of `year` (everything but Tết), in date order.
fn one_day_holidays(year: i32, announced: bool) -> Vec<(NaiveDate, Holiday)> {
    let fixed = |month: u32, day: u32, holiday: Holiday| NaiveDate::from_ymd_opt(year, month, day).map(|d| (d, holiday));
    let mut days: Vec<(NaiveDate, Holiday)> = [
        // Art. 112(1): 1/1, 30/4, 1/5 and 2/9 (holidays.md "Statutory holidays" [1][3]).
        fixed(1, 1, Holiday::NewYear),
        fixed(4, 30, Holiday::VictoryDay),
        fixed(5, 1, Holiday::LabourDay),
        fixed(9, 2, Holiday::NationalDay),
        // Art. 112(1): Hùng Kings' day, 10/3 of the lunar calendar (of the regular 3rd month when
        // the 3rd month is doubled) (holidays.md "Statutory holidays").
        lunar::from_lunar(LunarDate::new(year, 3, 10)).map(|d| (d, Holiday::HungKings)),
        national_day_adjacent(year, announced).map(|d| (d, Holiday::NationalDayAdjacent)),
    ]
    .into_iter()
    .flatten()
    .collect();
    days.sort_by_key(|&(d, _)| d);
    days
}

/// The second National Day holiday. Labour Code 2019 Art. 112(1) gives 2/9 plus one adjacent day,
/// 1/9 or 3/9, chosen each year by the Prime Minister (Art. 112(3)); the 2012 Code gave 2/9 only,
/// so there is none before 2021 (holidays.md "Statutory holidays" source 2). Years 2021–2026 use the
/// announced choice. For other years the default copies what those choices did: 3/9 when 2/9 is a
/// Monday or Thursday (joining a weekend), 1/9 otherwise — a forecast, not a rule of law; correct
/// it with a [`YearOverride`] once the decision is published.
fn national_day_adjacent(year: i32, announced: bool) -> Option<NaiveDate> {
    if year < 2021 {
        return None;
    }
    if announced && let Some(day) = ANNOUNCED_NATIONAL_DAY_ADJACENT.iter().find(|d| d.year() == year) {
        return Some(*day);
    }
    let second = NaiveDate::from_ymd_opt(year, 9, 2)?;
    match second.weekday() {
        Weekday::Mon | Weekday::Thu => second.succ_opt(),
        _ => second.pred_opt(),
    }
}

/// The Tết break of solar year `year`, every day of it (weekend days included).
///
/// Labour Code 2019 Art. 112(1) gives 5 days and Art. 112(3) lets the Prime Minister fix them
/// each year; days that fall on a weekend are made up with extra weekdays so that 5 weekdays are
/// off (holidays.md "Statutory holidays" and "Compensatory days" source 8). Years 2022–2026 use the
/// announced break. For other years the default is the 5 weekdays counted from 29 tháng Chạp, the
/// way the schedules are phrased (holidays.md "Lunar dates"): it reproduces the 2022, 2023, 2024
/// and 2026 decisions but not 2025 (announced 27/1–31/1, the default gives 28/1–3/2). It is a
/// forecast for years not yet decided; correct it with a [`YearOverride`].
fn tet_break(year: i32, announced: bool) -> Vec<NaiveDate> {
    if announced && let Some(tet) = ANNOUNCED_TET.iter().find(|t| t.first.year() == year) {
        return tet.first.iter_days().take_while(|d| *d <= tet.last).collect();
    }
    let Some(first) = twenty_ninth_of_chap(year) else { return Vec::new() };
    let mut days = Vec::new();
    let mut weekdays = 0;
    for day in first.iter_days() {
        if weekdays == 5 {
            break;
        }
        if !is_weekend(day) {
            weekdays += 1;
        }
        days.push(day);
    }
    days
}

/// 29 tháng Chạp before the Tết of `year`: the last day of the lunar year when Chạp has 29 days,
/// the day before it when Chạp has 30 (holidays.md "Lunar dates", column "Last day of Chạp").
fn twenty_ninth_of_chap(year: i32) -> Option<NaiveDate> {
    let new_years_eve = lunar::from_lunar(LunarDate::new(year, 1, 1))?.pred_opt()?;
    if lunar::to_lunar(new_years_eve)?.day == 30 { new_years_eve.pred_opt() } else { Some(new_years_eve) }
}

/// A Tết break as announced, first and last day off, weekends included.
struct AnnouncedTet {
    first: NaiveDate,
    last: NaiveDate,
}

/// Tết breaks announced for civil servants (holidays.md "Actual schedules for civil servants").
const ANNOUNCED_TET: &[AnnouncedTet] = &[
    // 2022 Nhâm Dần: Sat 29/1 – Sun 6/2; Tết days Mon 31/1 (29 Chạp) – Fri 4/2 (mùng 4) [9][25][26].
    AnnouncedTet { first: date(2022, 1, 29), last: date(2022, 2, 6) },
    // 2023 Quý Mão: Fri 20/1 – Thu 26/1; 5 days from 29 Chạp, two on the weekend, so two
    // compensatory days; back to work Fri 27/1 [6][8][29].
    AnnouncedTet { first: date(2023, 1, 20), last: date(2023, 1, 26) },
    // 2024 Giáp Thìn: Thu 8/2 (29 Chạp) – Wed 14/2 (mùng 5) [32][33][34].
    AnnouncedTet { first: date(2024, 2, 8), last: date(2024, 2, 14) },
    // 2025 Ất Tỵ: Sat 25/1 – Sun 2/2; Tết days Mon 27/1 – Fri 31/1 (Notice 6150/TB-BLĐTBXH of
    // 3/12/2024) [12][38].
    AnnouncedTet { first: date(2025, 1, 25), last: date(2025, 2, 2) },
    // 2026 Bính Ngọ: Sat 14/2 (27 Chạp) – Sun 22/2 (mùng 6); Tết days Mon 16/2 – Fri 20/2 [14][15][42].
    AnnouncedTet { first: date(2026, 2, 14), last: date(2026, 2, 22) },
];

/// The day next to 2/9 announced as the second National Day holiday (holidays.md "Statutory
/// holidays"): 2021 → 3/9 (source 10), 2022 → 1/9 (source 25), 2023 → 1/9 (source 6), 2024 → 3/9
/// (sources 32, 37; not "Sunday and Monday" as source 11 says: "Uncertain" point 3), 2025 → 1/9
/// (source 13), 2026 → 1/9 (source 15).
const ANNOUNCED_NATIONAL_DAY_ADJACENT: &[NaiveDate] =
    &[date(2021, 9, 3), date(2022, 9, 1), date(2023, 9, 1), date(2024, 9, 3), date(2025, 9, 1), date(2026, 9, 1)];

/// A swap (hoán đổi ngày làm việc): a weekday between a holiday and a weekend given off, worked
/// on a Saturday instead. Not in the Labour Code; approved each time for civil servants only
/// (holidays.md "Swapped working days" sources 5, 16, 17).
struct Swap {
    day_off: NaiveDate,
    make_up: NaiveDate,
}

const ANNOUNCED_SWAPS: &[Swap] = &[
    // 2024, 30/4–1/5: Mon 29/4 off, worked on Sat 4/5 [16][36].
    Swap { day_off: date(2024, 4, 29), make_up: date(2024, 5, 4) },
    // 2025, 30/4–1/5: Fri 2/5 off, worked on Sat 26/4 (Notice 6150/TB-BLĐTBXH) [12][39][40].
    Swap { day_off: date(2025, 5, 2), make_up: date(2025, 4, 26) },
    // 2026, New Year: Fri 2/1 off, worked on Sat 10/1 [17][18][41].
    Swap { day_off: date(2026, 1, 2), make_up: date(2026, 1, 10) },
    // 2026, National Day: Mon 31/8 off, worked on Sat 22/8 (Ministry of Home Affairs) [15][14].
    // No swap was reported for Tue 28/4 and Wed 29/4/2026 ("Uncertain" point 2, [44]).
    Swap { day_off: date(2026, 8, 31), make_up: date(2026, 8, 22) },
];

/// A date in the tables above; an impossible one becomes `NaiveDate::MIN`, which the tests reject.
const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => NaiveDate::MIN,
    }
}

fn validate(overrides: &[YearOverride]) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let mut years_seen = Vec::new();
    for (i, o) in overrides.iter().enumerate() {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&o.year) {
            errors.push(
                &format!("overrides[{i}].year"),
                "out_of_range",
                format!("Năm {} nằm ngoài khoảng {FIRST_YEAR}–{LAST_YEAR} mà lịch làm việc hỗ trợ.", o.year),
            );
        }
        if years_seen.contains(&o.year) {
            errors.push(
                &format!("overrides[{i}].year"),
                "duplicate",
                format!("Năm {} được khai báo hai lần; hãy gộp thành một mục.", o.year),
            );
        }
        years_seen.push(o.year);

        let lists = [("days_off", &o.days_off), ("extra_working_days", &o.extra_working_days)];
        for (list, entries) in lists {
            let mut dates_seen = Vec::new();
            for (j, (day, name)) in entries.iter().enumerate() {
                let field = format!("overrides[{i}].{list}[{j}]");
                let shown = format_vn(*day);
                if day.year() != o.year {
                    errors.push(&field, "wrong_year", format!("Ngày {shown} không thuộc năm {}.", o.year));
                }
                if dates_seen.contains(day) {
                    errors.push(&field, "duplicate", format!("Ngày {shown} được khai báo hai lần."));
                }
                dates_seen.push(*day);
                if name.trim().is_empty() {
                    errors.push(&field, "required", format!("Ngày {shown} cần có tên hoặc lý do."));
                } else if let Err(e) = crate::text::optional_text(name, 200, &format!("Tên ngày {shown}")) {
                    errors.push(&field, e.code, e.message);
                }
            }
        }
        for (j, (day, _)) in o.extra_working_days.iter().enumerate() {
            if o.days_off.iter().any(|(off, _)| off == day) {
                errors.push(
                    &format!("overrides[{i}].extra_working_days[{j}]"),
                    "conflict",
                    format!("Ngày {} vừa được khai báo là ngày nghỉ vừa là ngày làm việc.", format_vn(*day)),
                );
            }
        }
    }
    errors.into_result()
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Monday–Friday days from 1/1/0001 (a Monday, day 1 of `num_days_from_ce`) up to `date`
/// included; only differences of it are used.
fn weekdays_up_to(date: NaiveDate) -> i64 {
    let days = i64::from(date.num_days_from_ce());
    days.div_euclid(7) * 5 + days.rem_euclid(7).min(5)
}

fn as_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
