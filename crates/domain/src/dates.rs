//! Date arithmetic the regulations use: counting "by month" (ages for admission, party age) and
//! adding whole months (probation of 12 months).

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// Adds whole calendar months; a day that does not exist in the target month becomes that
/// month's last day (29/02/2024 + 12 months = 28/02/2025).
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

/// Subtracts whole calendar months, with the same month-end rule as [`add_months`].
pub fn sub_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(months)).unwrap_or(NaiveDate::MIN)
}

/// Full months from `from` to `to` (0 when `to` is before `from`): the month count is complete
/// once the same day-of-month is reached (or the month's last day, for days it lacks).
pub fn full_months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    if to < from {
        return 0;
    }
    let mut months = (to.year() - from.year()) * 12 + (to.month() as i32 - from.month() as i32);
    if months > 0 && add_months(from, months as u32) > to {
        months -= 1;
    }
    months.max(0) as u32
}

/// Age in full years on `on` for someone born on `birth`, counted by month as the regulations do.
pub fn age_in_years(birth: NaiveDate, on: NaiveDate) -> u32 {
    full_months_between(birth, on) / 12
}

/// Parses a date typed the Vietnamese way (`d/m/yyyy`, `dd/mm/yyyy`, also `-` or `.` separators)
/// or in ISO form (`yyyy-mm-dd`, as HTML date inputs and the API send it).
pub fn parse_date(input: &str) -> Result<NaiveDate, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(FieldError::new("", "required", "Ngày không được để trống."));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d);
    }
    // `YYYY-MM-DD` that names no day (`2025-02-30`): the shape is right, the calendar says no.
    if let [y, m, d] = s.split('-').collect::<Vec<_>>().as_slice()
        && y.len() == 4
        && m.len() == 2
        && d.len() == 2
        && [y, m, d].iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(FieldError::new("", "invalid_date", format!("Ngày {s} không có trong lịch.")));
    }
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    if let [d, m, y] = parts.as_slice()
        && y.len() == 4
        && let (Ok(d), Ok(m), Ok(y)) = (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>())
    {
        return NaiveDate::from_ymd_opt(y, m, d)
            .ok_or_else(|| FieldError::new("", "invalid_date", format!("Ngày {s} không có trong lịch.")));
    }
    Err(FieldError::new(
        "",
        "invalid_format",
        "Ngày phải có dạng ngày/tháng/năm, ví dụ 02/09/2025 (cũng nhận 2/9/2025, 02.09.2025, 02-09-2025).",
    ))
}

/// Formats a date as `dd/mm/yyyy`.
pub fn format_vn(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// The highest age an [`AgeBand`] may name.
pub const MAX_AGE: u32 = 130;

/// An age band of the statistical forms: `[min, max]` full years, `max = None` for "and over".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeBand {
    pub min: u32,
    pub max: Option<u32>,
}

impl AgeBand {
    /// The bands of the newer member form (3-BTCTW, reports.md §2.3): 18–30, 31–35, …, 56–60, over 60.
    pub const DEFAULT: [AgeBand; 8] = [
        AgeBand { min: 18, max: Some(30) },
        AgeBand { min: 31, max: Some(35) },
        AgeBand { min: 36, max: Some(40) },
        AgeBand { min: 41, max: Some(45) },
        AgeBand { min: 46, max: Some(50) },
        AgeBand { min: 51, max: Some(55) },
        AgeBand { min: 56, max: Some(60) },
        AgeBand { min: 61, max: None },
    ];

    /// Parses `18-30`, `31–35` or `61+`.
    pub fn parse(input: &str) -> Result<AgeBand, FieldError> {
        let s = input.trim();
        let bad = || FieldError::new("", "invalid_format", format!("Nhóm tuổi “{s}” phải có dạng 18-30 hoặc 61+."));
        // Ages above 130 are `out_of_range`, as the API document's pattern says; a band that
        // ends before it starts is `out_of_order`, a rule the pattern cannot say.
        let out_of_range = || FieldError::new("", "out_of_range", format!("Nhóm tuổi “{s}”: tuổi từ 0 đến {MAX_AGE}."));
        let (min, max) = match s.strip_suffix('+') {
            Some(min) => (min.trim().parse::<u32>().map_err(|_| bad())?, None),
            None => {
                let (a, b) = s.split_once(['-', '–']).ok_or_else(bad)?;
                (a.trim().parse::<u32>().map_err(|_| bad())?, Some(b.trim().parse::<u32>().map_err(|_| bad())?))
            }
        };
        if min > MAX_AGE || max.is_some_and(|m| m > MAX_AGE) {
            return Err(out_of_range());
        }
        if max.is_some_and(|m| m < min) {
            return Err(FieldError::new("", "out_of_order", format!("Nhóm tuổi “{s}”: tuổi đầu không được lớn hơn tuổi cuối.")));
        }
        Ok(AgeBand { min, max })
    }

    pub fn contains(&self, age: u32) -> bool {
        age >= self.min && self.max.is_none_or(|m| age <= m)
    }

    /// Birth dates `(earliest exclusive, latest inclusive)` of people whose age on `on` is in the band:
    /// born after `earliest` (when bounded) and on or before `latest`.
    pub fn birth_range(&self, on: NaiveDate) -> (Option<NaiveDate>, NaiveDate) {
        let latest = sub_months(on, self.min * 12);
        let earliest = self.max.map(|m| sub_months(on, (m + 1) * 12));
        (earliest, latest)
    }

    pub fn label(&self) -> String {
        match self.max {
            Some(m) => format!("{}–{}", self.min, m),
            None => format!("Trên {}", self.min - 1),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_iso_date_that_names_no_day_is_not_a_format_error() {
        assert_eq!(super::parse_date("2025-02-30").unwrap_err().code, "invalid_date");
        assert_eq!(super::parse_date("0000-13-01").unwrap_err().code, "invalid_date");
    }

    use super::*;
    use crate::testing::d;

    #[test]
    fn months_and_month_ends() {
        assert_eq!(add_months(d(2024, 2, 29), 12), d(2025, 2, 28));
        assert_eq!(add_months(d(2024, 1, 31), 1), d(2024, 2, 29));
        assert_eq!(add_months(d(2025, 3, 15), 12), d(2026, 3, 15));
        assert_eq!(full_months_between(d(2000, 5, 10), d(2018, 5, 9)), 215);
        assert_eq!(full_months_between(d(2000, 5, 10), d(2018, 5, 10)), 216);
        assert_eq!(full_months_between(d(2024, 1, 31), d(2024, 2, 29)), 1);
        assert_eq!(full_months_between(d(2024, 3, 1), d(2024, 2, 1)), 0);
    }

    #[test]
    fn age_counted_by_month() {
        assert_eq!(age_in_years(d(2008, 6, 15), d(2026, 6, 14)), 17);
        assert_eq!(age_in_years(d(2008, 6, 15), d(2026, 6, 15)), 18);
        assert_eq!(age_in_years(d(2008, 2, 29), d(2026, 2, 28)), 18);
    }

    #[test]
    fn parses_vietnamese_and_iso_dates() {
        assert_eq!(parse_date("2/9/2025").unwrap(), d(2025, 9, 2));
        assert_eq!(parse_date("02/09/2025").unwrap(), d(2025, 9, 2));
        assert_eq!(parse_date("2025-09-02").unwrap(), d(2025, 9, 2));
        // What people type on a phone's number pad, or out of habit.
        assert_eq!(parse_date("01.01.2026").unwrap(), d(2026, 1, 1));
        assert_eq!(parse_date("01-01-2026").unwrap(), d(2026, 1, 1));
        assert_eq!(parse_date("1/1/2026").unwrap(), d(2026, 1, 1));
        assert_eq!(parse_date(" 1.1.2026 ").unwrap(), d(2026, 1, 1));
        assert_eq!(parse_date("31/02/2025").unwrap_err().code, "invalid_date");
        assert_eq!(parse_date("2025/09").unwrap_err().code, "invalid_format");
        assert_eq!(format_vn(d(2025, 9, 2)), "02/09/2025");
    }

    #[test]
    fn age_bands() {
        let b = AgeBand::parse("18-30").unwrap();
        assert!(b.contains(18) && b.contains(30) && !b.contains(31));
        assert_eq!(AgeBand::parse("61+").unwrap(), AgeBand { min: 61, max: None });
        assert_eq!(AgeBand::parse("40-30").unwrap_err().code, "out_of_order");
        assert_eq!(AgeBand::parse("abc").unwrap_err().code, "invalid_format");
        assert_eq!(AgeBand::parse("18-999").unwrap_err().code, "out_of_range");
        let (earliest, latest) = b.birth_range(d(2026, 1, 1));
        assert_eq!(latest, d(2008, 1, 1));
        assert_eq!(earliest, Some(d(1995, 1, 1)));
        assert_eq!(age_in_years(d(1995, 1, 2), d(2026, 1, 1)), 30);
        assert_eq!(age_in_years(d(1995, 1, 1), d(2026, 1, 1)), 31);
    }
}

/// A calendar month (month 1–12; made only through [`Month::new`], [`Month::of`] or parsing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl Month {
    /// The month of `year`/`month` (`None` for a month outside 1–12 or a year chrono cannot hold).
    pub fn new(year: i32, month: u32) -> Option<Month> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| Month { year, month })
    }

    pub fn of(day: NaiveDate) -> Month {
        Month { year: day.year(), month: day.month() }
    }

    pub fn next(self) -> Month {
        if self.month == 12 { Month { year: self.year + 1, month: 1 } } else { Month { year: self.year, month: self.month + 1 } }
    }

    pub fn previous(self) -> Month {
        if self.month == 1 { Month { year: self.year - 1, month: 12 } } else { Month { year: self.year, month: self.month - 1 } }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    /// Months from `self` to `other`, both counted (0 when `other` is before).
    pub fn count_to(self, other: Month) -> u32 {
        let n = (other.year - self.year) * 12 + other.month as i32 - self.month as i32 + 1;
        n.max(0) as u32
    }

    /// The twelve months of a year.
    pub fn of_year(year: i32) -> impl Iterator<Item = Month> {
        (1..=12).map(move |month| Month { year, month })
    }

    /// "2026-03": as stored and as the API sends it.
    pub fn code(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// Parses "2026-03" (stored, API, `<input type=month>`) or "3/2026", "03/2026" (typed).
    pub fn parse(input: &str) -> Result<Month, FieldError> {
        let s = input.trim();
        let bad = || FieldError::new("", "invalid_month", format!("“{s}” không phải là tháng (ví dụ 03/2026)."));
        let (year, month) = if let Some((y, m)) = s.split_once('-') {
            (y, m)
        } else if let Some((m, y)) = s.split_once('/') {
            (y, m)
        } else {
            return Err(bad());
        };
        let year: i32 = year.trim().parse().map_err(|_| bad())?;
        let month: u32 = month.trim().parse().map_err(|_| bad())?;
        if !(1900..=9999).contains(&year) {
            return Err(bad());
        }
        Month::new(year, month).ok_or_else(bad)
    }

    /// "tháng 3/2026".
    pub fn label(self) -> String {
        format!("tháng {}/{}", self.month, self.year)
    }

    /// "03/2026".
    pub fn short(self) -> String {
        format!("{:02}/{}", self.month, self.year)
    }
}
