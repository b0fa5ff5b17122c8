//! The working-day calendar (lịch ngày làm việc) the admission deadlines are counted on: a year's
//! weekdays off and working weekend days as the calendar in force has them, and the
//! administrator's corrections for the year (days off and extra working days, one per line).

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate, Weekday};
use domain::access::Capability;
use domain::dates::parse_date;
use domain::workdays::{FIRST_YEAR, LAST_YEAR, YearOverride};
use domain::{FieldError, ValidationErrors};
use serde::Deserialize;
use storage::access::Access;

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, Query};
use crate::format;
use crate::forms;
use crate::policy::{Policy, Route};
use crate::respond::{page, render, see_other};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let admin = Policy::Needs(Capability::Administer);
    vec![Route::get("/admin/calendar", admin, show), Route::post("/admin/calendar", admin, save)]
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct YearParams {
    year: String,
    saved: String,
}

/// The corrections as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CalendarForm {
    year: String,
    days_off: String,
    extra_working_days: String,
}

struct DayRow {
    date: String,
    weekday: &'static str,
    name: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    year: i32,
    prev_href: Option<String>,
    next_href: Option<String>,
    off: Vec<DayRow>,
    working: Vec<DayRow>,
    days_off: String,
    extra_working_days: String,
    days_off_errors: Vec<String>,
    extra_errors: Vec<String>,
    other_errors: Vec<String>,
    saved: bool,
}

impl CalendarPage {
    fn has_errors(&self) -> bool {
        !(self.days_off_errors.is_empty() && self.extra_errors.is_empty() && self.other_errors.is_empty())
    }
}

fn weekday(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "Thứ Hai",
        Weekday::Tue => "Thứ Ba",
        Weekday::Wed => "Thứ Tư",
        Weekday::Thu => "Thứ Năm",
        Weekday::Fri => "Thứ Sáu",
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ nhật",
    }
}

fn calendar_href(year: i32) -> String {
    format!("/admin/calendar?year={year}")
}

fn parse_year(raw: &str, today: NaiveDate) -> Result<i32, FieldError> {
    if raw.trim().is_empty() {
        return Ok(today.year());
    }
    raw.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (FIRST_YEAR..=LAST_YEAR).contains(y))
        .ok_or_else(|| FieldError::new("year", "out_of_range", format!("Năm phải là số trong khoảng {FIRST_YEAR}–{LAST_YEAR}.")))
}

/// One line per day: `dd/mm/yyyy Tên ngày`. Every problem is reported with its line number.
fn parse_days(raw: &str, year: i32) -> Result<Vec<(NaiveDate, String)>, Vec<String>> {
    let mut days: Vec<(NaiveDate, String)> = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in raw.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let n = i + 1;
        let (date, name) = match line.split_once(char::is_whitespace) {
            Some((d, rest)) => (d, rest.trim()),
            None => (line, ""),
        };
        let day = match parse_date(date) {
            Ok(d) => d,
            Err(e) => {
                errors.push(format!("Dòng {n}: “{date}” không phải ngày hợp lệ — {} Viết theo dạng “dd/mm/yyyy Tên ngày”.", e.message));
                continue;
            }
        };
        if day.year() != year {
            errors.push(format!("Dòng {n}: ngày {} không thuộc năm {year}.", format::date(day)));
        }
        if name.is_empty() {
            errors.push(format!(
                "Dòng {n}: thiếu tên ngày sau ngày {}, ví dụ “{} Ngày Văn hóa Việt Nam”.",
                format::date(day),
                format::date(day)
            ));
        }
        if days.iter().any(|(d, _)| *d == day) {
            errors.push(format!("Dòng {n}: ngày {} đã có ở dòng trên.", format::date(day)));
        }
        days.push((day, name.to_owned()));
    }
    if errors.is_empty() { Ok(days) } else { Err(errors) }
}

fn lines(days: &[(NaiveDate, String)]) -> String {
    days.iter().map(|(d, name)| format!("{} {name}", format::date(*d))).collect::<Vec<_>>().join("\n")
}

fn rows(days: Vec<(NaiveDate, String)>) -> Vec<DayRow> {
    days.into_iter().map(|(d, name)| DayRow { date: format::date(d), weekday: weekday(d), name }).collect()
}

/// The page for `year`; the textareas show `typed` when given, else the saved corrections.
async fn calendar_page(s: &Access, chrome: Chrome, year: i32, typed: Option<&CalendarForm>, saved: bool) -> Result<CalendarPage, AppError> {
    let cal = s.work_calendar().await?;
    let (days_off, extra_working_days) = match typed {
        Some(f) => (f.days_off.clone(), f.extra_working_days.clone()),
        None => {
            let overrides = s.calendar_overrides().await?;
            let o = overrides.into_iter().find(|o| o.year == year).unwrap_or_default();
            (lines(&o.days_off), lines(&o.extra_working_days))
        }
    };
    Ok(CalendarPage {
        chrome: chrome.titled(format!("Lịch ngày làm việc năm {year}")),
        year,
        prev_href: (year > FIRST_YEAR).then(|| calendar_href(year - 1)),
        next_href: (year < LAST_YEAR).then(|| calendar_href(year + 1)),
        off: rows(cal.non_working_weekdays(year)),
        working: rows(cal.working_weekend_days(year)),
        days_off,
        extra_working_days,
        days_off_errors: Vec::new(),
        extra_errors: Vec::new(),
        other_errors: Vec::new(),
        saved,
    })
}

/// `GET /admin/calendar?year=`.
async fn show(s: Caller, chrome: Chrome, Query(p): Query<YearParams>) -> Result<Response, AppError> {
    s.admin()?;
    let year = parse_year(&p.year, s.today()).map_err(|e| AppError::bad_query(ValidationErrors { errors: vec![e] }))?;
    page(&calendar_page(&s, chrome, year, None, !p.saved.trim().is_empty()).await?)
}

/// `POST /admin/calendar` (year, days_off, extra_working_days): replaces the year's corrections.
async fn save(s: Caller, chrome: Chrome, Form(f): Form<CalendarForm>) -> Result<Response, AppError> {
    let admin = s.admin()?;
    if f.year.trim().is_empty() {
        return Err(AppError::bad_request("Thiếu năm cần điều chỉnh."));
    }
    let year = parse_year(&f.year, s.today()).map_err(|e| AppError::validation(ValidationErrors { errors: vec![e] }))?;
    let off = parse_days(&f.days_off, year);
    let extra = parse_days(&f.extra_working_days, year);
    let mut view = match (off, extra) {
        (Ok(days_off), Ok(extra_working_days)) => {
            let both: Vec<String> = extra_working_days
                .iter()
                .filter(|(d, _)| days_off.iter().any(|(o, _)| o == d))
                .map(|(d, _)| format!("Ngày {} có trong cả hai danh sách: chọn ngày nghỉ hoặc ngày làm việc.", format::date(*d)))
                .collect();
            if both.is_empty() {
                match admin.set_calendar_override(YearOverride { year, days_off, extra_working_days }).await {
                    Ok(()) => return Ok(see_other(&format!("{}&saved=1", calendar_href(year)))),
                    Err(e) => {
                        let e = forms::invalid(e)?;
                        let mut view = calendar_page(&s, chrome, year, Some(&f), false).await?;
                        for e in e.errors {
                            if e.field.contains("extra_working_days") {
                                view.extra_errors.push(e.message);
                            } else if e.field.contains("days_off") {
                                view.days_off_errors.push(e.message);
                            } else {
                                view.other_errors.push(e.message);
                            }
                        }
                        view
                    }
                }
            } else {
                let mut view = calendar_page(&s, chrome, year, Some(&f), false).await?;
                view.extra_errors = both;
                view
            }
        }
        (off, extra) => {
            let mut view = calendar_page(&s, chrome, year, Some(&f), false).await?;
            view.days_off_errors = off.err().unwrap_or_default();
            view.extra_errors = extra.err().unwrap_or_default();
            view
        }
    };
    view.saved = false;
    render(StatusCode::UNPROCESSABLE_ENTITY, &view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_parsed_with_their_numbers_in_the_errors() {
        let ok = parse_days("24/11/2026 Ngày Văn hóa Việt Nam\n\n 2/1/2026  Nghỉ bù ", 2026);
        assert_eq!(ok.as_ref().map(Vec::len), Ok(2));
        assert_eq!(ok.unwrap_or_default()[1].1, "Nghỉ bù");
        let bad = parse_days("31/02/2026 Sai\n24/11/2025 Năm khác\n03/03/2026\n24/11/2025 Lặp", 2026).err().unwrap_or_default();
        assert!(bad[0].starts_with("Dòng 1:"), "{bad:?}");
        assert!(bad.iter().any(|e| e.starts_with("Dòng 2: ngày 24/11/2025 không thuộc năm 2026")), "{bad:?}");
        assert!(bad.iter().any(|e| e.starts_with("Dòng 3: thiếu tên ngày")), "{bad:?}");
        assert!(bad.iter().any(|e| e.starts_with("Dòng 4: ngày 24/11/2025 đã có")), "{bad:?}");
    }
}
