//! Spreadsheet date serials and ISO date values into dates.
//!
//! Excel counts days from an epoch (ECMA-376 Part 1, §18.17.4.1 "Date Conversion for
//! Serial Values"): in the 1900 date system serial 1 is 1900-01-01 and, to stay compatible
//! with Lotus 1-2-3, 1900 is treated as a leap year — serial 60 is the day that never was,
//! 29/02/1900, and serials 1–59 are one day ahead of a plain count from 1899-12-30. In the
//! 1904 date system (older Mac workbooks, `workbookPr date1904`) serial 0 is 1904-01-01.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

use crate::Cell;

const MILLIS_PER_DAY: f64 = 86_400_000.0;
/// 9999-12-31 is serial 2 958 465 in the 1900 system; Excel shows nothing later.
const LAST_SERIAL_1900: f64 = 2_958_466.0;
const LAST_SERIAL_1904: f64 = LAST_SERIAL_1900 - 1462.0;

/// A date cell's serial number as a date, or [`Cell::BadDate`] when it names no real day.
pub(crate) fn from_serial(serial: f64, is_1904: bool) -> Cell {
    let (epoch, days) = if is_1904 {
        if !(0.0..LAST_SERIAL_1904).contains(&serial) {
            return Cell::BadDate(serial);
        }
        (NaiveDate::from_ymd_opt(1904, 1, 1), serial)
    } else if (1.0..60.0).contains(&serial) {
        (NaiveDate::from_ymd_opt(1899, 12, 31), serial)
    } else if (61.0..LAST_SERIAL_1900).contains(&serial) {
        (NaiveDate::from_ymd_opt(1899, 12, 30), serial)
    } else {
        // Below 1 (a time alone, or 0 = "00/01/1900"), 60 (29/02/1900), negative, NaN or too late.
        return Cell::BadDate(serial);
    };
    let millis = (days * MILLIS_PER_DAY).round();
    // The range checks above bound `millis` well inside i64.
    #[allow(clippy::cast_possible_truncation)]
    let offset = TimeDelta::try_milliseconds(millis as i64);
    match (epoch, offset) {
        (Some(epoch), Some(offset)) => epoch.and_time(NaiveTime::MIN).checked_add_signed(offset).map_or(Cell::BadDate(serial), Cell::Date),
        _ => Cell::BadDate(serial),
    }
}

/// An ISO 8601 date or date-time as ODS stores it (`1985-03-05`, `1985-03-05T08:30:00`), or
/// `None` when it is something else.
pub(crate) fn from_iso(value: &str) -> Option<NaiveDateTime> {
    let value = value.trim();
    if let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return Some(date.and_time(NaiveTime::MIN));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(value, format).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Cell {
        Cell::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap().and_time(NaiveTime::MIN))
    }

    #[test]
    fn the_1900_system_and_its_leap_year_bug() {
        assert_eq!(from_serial(1.0, false), day(1900, 1, 1));
        assert_eq!(from_serial(59.0, false), day(1900, 2, 28));
        assert_eq!(from_serial(60.0, false), Cell::BadDate(60.0));
        assert_eq!(from_serial(61.0, false), day(1900, 3, 1));
        assert_eq!(from_serial(31_111.0, false), day(1985, 3, 5));
        assert_eq!(from_serial(2_958_465.0, false), day(9999, 12, 31));
        assert_eq!(from_serial(2_958_466.0, false), Cell::BadDate(2_958_466.0));
        assert_eq!(from_serial(0.5, false), Cell::BadDate(0.5));
        assert_eq!(from_serial(-3.0, false), Cell::BadDate(-3.0));
        assert!(matches!(from_serial(f64::NAN, false), Cell::BadDate(_)));
    }

    #[test]
    fn time_of_day_is_kept() {
        let noon = NaiveDate::from_ymd_opt(1985, 3, 5).unwrap().and_hms_opt(12, 0, 0).unwrap();
        assert_eq!(from_serial(31_111.5, false), Cell::Date(noon));
    }

    #[test]
    fn the_1904_system() {
        assert_eq!(from_serial(0.0, true), day(1904, 1, 1));
        assert_eq!(from_serial(31_111.0 - 1462.0, true), day(1985, 3, 5));
        assert_eq!(from_serial(-1.0, true), Cell::BadDate(-1.0));
    }

    #[test]
    fn iso_values() {
        assert_eq!(from_iso("1985-03-05").map(Cell::Date), Some(day(1985, 3, 5)));
        assert_eq!(from_iso("1985-03-05T00:00:00").map(Cell::Date), Some(day(1985, 3, 5)));
        assert_eq!(from_iso("05/03/1985"), None);
    }
}
