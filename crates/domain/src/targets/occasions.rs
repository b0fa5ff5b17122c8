//! The occasions (ngày lễ, kỷ niệm) admissions are held on: "W trường hợp kết nạp nhân các ngày
//! lễ, kỷ niệm" in the committees' reports. An admission is held on an occasion when its ceremony
//! falls on the occasion's day and month.
//!
//! No regulation lists them. The default list is the four anniversaries the badge regulation
//! names for presentations (rules.md §6: 3/2, 19/5, 2/9, 7/11), which committees also use for
//! ceremonies (`pipeline::ANNIVERSARIES`); a committee adds its own for its subtree (8/3, 26/3,
//! 20/10, 22/12, a local anniversary), and a report uses the default list with those added by its
//! unit and the units above it.

use chrono::{Datelike, NaiveDate};

use crate::error::ValidationErrors;
use crate::ids::UnitId;
use crate::pipeline::ANNIVERSARIES;

/// One occasion: a day of the year with its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occasion {
    pub day: u32,
    pub month: u32,
    pub name: String,
    /// The unit whose committee added it (`None`: the default list).
    pub added_by: Option<UnitId>,
}

impl Occasion {
    /// The code in links and files: "19-5".
    pub fn code(&self) -> String {
        format!("{}-{}", self.day, self.month)
    }

    /// As people write it: "19/5".
    pub fn day_month(&self) -> String {
        format!("{}/{}", self.day, self.month)
    }

    pub fn falls_on(&self, on: NaiveDate) -> bool {
        on.day() == self.day && on.month() == self.month
    }
}

/// The default occasions (see the module's note).
pub fn defaults() -> Vec<Occasion> {
    ANNIVERSARIES.iter().map(|(day, month, name)| Occasion { day: *day, month: *month, name: (*name).to_owned(), added_by: None }).collect()
}

/// The list a report uses: the defaults and those added, one per day, in calendar order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OccasionList {
    items: Vec<Occasion>,
}

impl Default for OccasionList {
    fn default() -> Self {
        OccasionList::new(Vec::new())
    }
}

impl OccasionList {
    /// The defaults with `added` (an added occasion on a day the list already has is left out).
    pub fn new(added: Vec<Occasion>) -> OccasionList {
        let mut items = defaults();
        for o in added {
            if !items.iter().any(|x| x.day == o.day && x.month == o.month) {
                items.push(o);
            }
        }
        items.sort_by_key(|o| (o.month, o.day));
        OccasionList { items }
    }

    pub fn items(&self) -> &[Occasion] {
        &self.items
    }

    /// The occasion `on` falls on.
    pub fn on(&self, on: NaiveDate) -> Option<&Occasion> {
        self.items.iter().find(|o| o.falls_on(on))
    }

    /// The occasion of a code ("19-5").
    pub fn by_code(&self, code: &str) -> Option<&Occasion> {
        self.items.iter().find(|o| o.code() == code)
    }

    /// Which list this is, for the report: "3/2, 19/5, 2/9, 7/11 (mặc định); 8/3, 26/3 (bổ sung)".
    pub fn describe(&self) -> String {
        let days = |default: bool| -> Vec<String> {
            self.items.iter().filter(|o| o.added_by.is_none() == default).map(Occasion::day_month).collect()
        };
        let (defaults, added) = (days(true), days(false));
        let mut out = format!("{} (mặc định)", defaults.join(", "));
        if !added.is_empty() {
            out.push_str(&format!("; {} (bổ sung)", added.join(", ")));
        }
        out
    }
}

/// Parses an occasion a committee adds: its day ("26/3", "26-3", "26.03") and name, refusing a
/// day that `list` (the list in force for the unit) already has.
pub fn parse_occasion(day_month: &str, name: &str, unit: UnitId, list: &OccasionList) -> Result<Occasion, ValidationErrors> {
    let mut e = ValidationErrors::default();
    let day = parse_day_month(day_month);
    if day.is_none() {
        e.push("day", "invalid_format", "Nhập ngày và tháng dạng 26/3.");
    }
    let name = e.take("name", crate::text::required_text(name, 200, "Tên ngày lễ, kỷ niệm"));
    if let Some((d, m)) = day
        && let Some(o) = list.items.iter().find(|o| o.day == d && o.month == m)
    {
        e.push("day", "duplicate", format!("Ngày {d}/{m} đã có trong danh sách: {}.", o.name));
    }
    match (day, name) {
        (Some((day, month)), Some(name)) if e.is_empty() => Ok(Occasion { day, month, name, added_by: Some(unit) }),
        _ => Err(e),
    }
}

/// A day of the year: "26/3", "26-3", "26.03"; 29/2 is a day of the year (held in leap years).
pub fn parse_day_month(input: &str) -> Option<(u32, u32)> {
    let mut parts = input.trim().split(['/', '-', '.']);
    let day: u32 = parts.next()?.trim().parse().ok()?;
    let month: u32 = parts.next()?.trim().parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    // 2000 is a leap year: every day that occurs in some year is valid in it.
    NaiveDate::from_ymd_opt(2000, month, day).map(|_| (day, month))
}
