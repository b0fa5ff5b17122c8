//! The Vietnamese lunar calendar (âm lịch), computed for the 105° E meridian (UTC+7).
//!
//! The rules (Hồ Ngọc Đức, "Thuật toán tính âm lịch", holidays.md sources 48, 49):
//! 1. a month starts on the local day that contains the new moon (điểm Sóc);
//! 2. the month that contains the winter solstice (the sun at 270°) is month 11;
//! 3. from one month 11 to the next there are 12 or 13 months; when there are 13, the first month
//!    after month 11 that contains no principal term (trung khí: the sun at a multiple of 30°) is
//!    the leap month (tháng nhuận) and takes the number of the month before it;
//! 4. "local day" means UTC+7: Viet Nam has used a calendar computed for UTC+7 since 8/8/1967 in
//!    the North and 1975 in the South (holidays.md sources 51, 52). China computes for UTC+8, which is
//!    why Tết is sometimes a day (1968, 2007, 2030) or a month (1985) apart (holidays.md sources 46, 47, 49).
//!
//! The astronomy is written from Jean Meeus, *Astronomical Algorithms* (2nd ed., 1998): true new
//! moons from chapter 49 with all its periodic and planetary terms (error well under a minute),
//! the sun's apparent longitude from the low-precision method of chapter 25 (about 0.01°, i.e. a
//! quarter of an hour of the sun's motion), and ΔT = TT − UT from the polynomials of Espenak and
//! Meeus, *Five Millennium Canon of Solar Eclipses* (NASA, 2006). That is more precise than the
//! simplified version Hồ Ngọc Đức publishes (holidays.md sources 48, 49, "Uncertain" point 6); a new moon
//! or principal term within a few minutes of local midnight should still be checked against an
//! official calendar.

use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate};

/// Solar years whose dates [`to_lunar`] converts (and lunar years [`from_lunar`] accepts): the ΔT
/// polynomials and the new-moon series are only trustworthy over a few centuries around 2000.
pub const SUPPORTED_YEARS: RangeInclusive<i32> = 1900..=2199;

/// Viet Nam's calendar meridian, 105° E, as a UTC offset in hours (rule 4 above).
const VIETNAM_UTC_OFFSET: f64 = 7.0;

/// Mean length of a lunation in days (Meeus ch. 49).
const SYNODIC_MONTH: f64 = 29.530_588_861;

/// A date of the lunar calendar. Fields are in chronological order, so the derived `Ord` sorts
/// dates in time order (a leap month comes right after the regular month of the same number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LunarDate {
    /// The lunar year, named by the Gregorian year in which its month 1 (tháng Giêng) begins.
    pub year: i32,
    /// 1 (tháng Giêng) to 12 (tháng Chạp).
    pub month: u32,
    /// True for the leap month (tháng nhuận) that repeats `month`.
    pub leap: bool,
    /// 1 to 29 or 30.
    pub day: u32,
}

impl LunarDate {
    pub fn new(year: i32, month: u32, day: u32) -> Self {
        Self { year, month, leap: false, day }
    }
}

/// The lunar date of a solar date, for Viet Nam (UTC+7); `None` outside [`SUPPORTED_YEARS`].
pub fn to_lunar(date: NaiveDate) -> Option<LunarDate> {
    to_lunar_at(date, VIETNAM_UTC_OFFSET)
}

/// The solar date of a lunar date, for Viet Nam (UTC+7); `None` when that date does not exist
/// (day 30 of a 29-day month, a leap flag on a month that is not leap that year, month or day out
/// of range) or is outside [`SUPPORTED_YEARS`].
pub fn from_lunar(date: LunarDate) -> Option<NaiveDate> {
    from_lunar_at(date, VIETNAM_UTC_OFFSET)
}

fn to_lunar_at(date: NaiveDate, utc_offset: f64) -> Option<LunarDate> {
    if !SUPPORTED_YEARS.contains(&date.year()) {
        return None;
    }
    let day = jdn(date);
    let k = lunation_containing(day, utc_offset);
    // Before this year's month 11 the date belongs to the suì whose months 1–10 are this year.
    let sui = if k < month_11(date.year(), utc_offset) { Sui::new(date.year(), utc_offset) } else { Sui::new(date.year() + 1, utc_offset) };
    let (month, leap) = sui.month_at(k - sui.month_11);
    let day = u32::try_from(day - new_moon_day(k, utc_offset) + 1).ok()?;
    Some(LunarDate { year: sui.year_of(month), month, leap, day })
}

fn from_lunar_at(date: LunarDate, utc_offset: f64) -> Option<NaiveDate> {
    if !SUPPORTED_YEARS.contains(&date.year) || !(1..=12).contains(&date.month) || !(1..=30).contains(&date.day) {
        return None;
    }
    // Months 11 and 12 of lunar year Y come after Y's winter solstice, in the suì of Y + 1.
    let sui = if date.month >= 11 { Sui::new(date.year + 1, utc_offset) } else { Sui::new(date.year, utc_offset) };
    let offset = (0..sui.len).find(|&i| sui.month_at(i) == (date.month, date.leap))?;
    let k = sui.month_11 + offset;
    let first = new_moon_day(k, utc_offset);
    let length = new_moon_day(k + 1, utc_offset) - first;
    if i64::from(date.day) > length {
        return None;
    }
    date_from_jdn(first + i64::from(date.day) - 1)
}

/// One "suì": the 12 or 13 months from month 11 of lunar year `year − 1` up to, not including,
/// month 11 of lunar year `year` (rules 2 and 3).
struct Sui {
    /// Lunar year of the months 1–10 in this suì (months 11 and 12 belong to `year − 1`).
    year: i32,
    /// Lunation number of the first month, month 11.
    month_11: i64,
    /// 12 or 13.
    len: i64,
    /// Offset from `month_11` of the leap month, when there is one.
    leap_offset: Option<i64>,
}

impl Sui {
    fn new(year: i32, utc_offset: f64) -> Self {
        let first = month_11(year - 1, utc_offset);
        let len = month_11(year, utc_offset) - first;
        // Rule 3: with 13 months, the first one after month 11 without a principal term is leap.
        let leap_offset = if len == 13 { (1..len).find(|&i| lacks_principal_term(first + i, utc_offset)) } else { None };
        Self { year, month_11: first, len, leap_offset }
    }

    /// Number and leap flag of the month `offset` lunations after month 11.
    fn month_at(&self, offset: i64) -> (u32, bool) {
        let (after_11, leap) = match self.leap_offset {
            Some(l) if offset == l => (offset - 1, true),
            Some(l) if offset > l => (offset - 1, false),
            _ => (offset, false),
        };
        // after_11 = 0 is month 11, 1 is month 12, 2 is month 1, …
        let month = (10 + after_11).rem_euclid(12) + 1;
        (u32::try_from(month).unwrap_or(1), leap)
    }

    fn year_of(&self, month: u32) -> i32 {
        if month >= 11 { self.year - 1 } else { self.year }
    }
}

/// Lunation number of month 11 of the lunar year that ends early in Gregorian year `year + 1`:
/// the month containing the winter solstice of `year` (rule 2).
fn month_11(year: i32, utc_offset: f64) -> i64 {
    let k = lunation_containing(jdn_ymd(year, 12, 31), utc_offset);
    // The month containing 31/12 began on 2/12 at the earliest. If the sun had already passed
    // 270° when it began, the solstice fell in the month before.
    if sun_sector_at_day_start(new_moon_day(k, utc_offset), utc_offset) >= 9 { k - 1 } else { k }
}

/// True when lunation `k` contains no principal term: the sun is in the same 30° sector at the
/// start of this month and of the next (rule 3).
fn lacks_principal_term(k: i64, utc_offset: f64) -> bool {
    sun_sector_at_day_start(new_moon_day(k, utc_offset), utc_offset) == sun_sector_at_day_start(new_moon_day(k + 1, utc_offset), utc_offset)
}

/// The lunation `k` whose month contains local day `jdn`: `new_moon_day(k) <= jdn < new_moon_day(k + 1)`.
fn lunation_containing(jdn: i64, utc_offset: f64) -> i64 {
    // Start from the mean lunation; true new moons are within a day of the mean ones.
    let mut k = ((jdn as f64 - 2_451_550.1) / SYNODIC_MONTH).floor() as i64;
    while new_moon_day(k, utc_offset) > jdn {
        k -= 1;
    }
    while new_moon_day(k + 1, utc_offset) <= jdn {
        k += 1;
    }
    k
}

/// Julian day number of the local civil day that contains new moon `k` (rule 1).
fn new_moon_day(k: i64, utc_offset: f64) -> i64 {
    let tt = new_moon_jde(k);
    let ut = tt - delta_t_days(tt);
    // A Julian date is counted from noon; the civil day starts half a day earlier.
    (ut + 0.5 + utc_offset / 24.0).floor() as i64
}

/// The 30° sector (0 = 0°–30°, …, 9 = 270°–300°, …) the sun is in at the local midnight that
/// starts day `jdn`.
fn sun_sector_at_day_start(jdn: i64, utc_offset: f64) -> i64 {
    let midnight_ut = jdn as f64 - 0.5 - utc_offset / 24.0;
    let longitude = apparent_solar_longitude(midnight_ut + delta_t_days(midnight_ut));
    (longitude / 30.0).floor() as i64
}

/// Instant of the `k`-th true new moon as a Julian Ephemeris Day (TT); k = 0 is the new moon of
/// 6/1/2000. Meeus, *Astronomical Algorithms*, ch. 49 (eq. 49.1, table 49.A and the additional
/// corrections).
fn new_moon_jde(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85;
    let (t2, t3, t4) = (t * t, t * t * t, t * t * t * t);
    let mean = 2_451_550.097_66 + SYNODIC_MONTH * k + 0.000_154_37 * t2 - 0.000_000_150 * t3 + 0.000_000_000_73 * t4;

    // Eccentricity of the Earth's orbit, and the fundamental arguments in degrees.
    let e = 1.0 - 0.002_516 * t - 0.000_007_4 * t2;
    let m = 2.5534 + 29.105_356_70 * k - 0.000_001_4 * t2 - 0.000_000_11 * t3; // sun's mean anomaly
    let mp = 201.5643 + 385.816_935_28 * k + 0.010_758_2 * t2 + 0.000_012_38 * t3 - 0.000_000_058 * t4; // moon's
    let f = 160.7108 + 390.670_502_84 * k - 0.001_611_8 * t2 - 0.000_002_27 * t3 + 0.000_000_011 * t4; // argument of latitude
    let om = 124.7746 - 1.563_755_88 * k + 0.002_067_2 * t2 + 0.000_002_15 * t3; // ascending node
    let s = |deg: f64| deg.to_radians().sin();

    let periodic = -0.40720 * s(mp) + 0.17241 * e * s(m) + 0.01608 * s(2.0 * mp) + 0.01039 * s(2.0 * f) + 0.00739 * e * s(mp - m)
        - 0.00514 * e * s(mp + m)
        + 0.00208 * e * e * s(2.0 * m)
        - 0.00111 * s(mp - 2.0 * f)
        - 0.00057 * s(mp + 2.0 * f)
        + 0.00056 * e * s(2.0 * mp + m)
        - 0.00042 * s(3.0 * mp)
        + 0.00042 * e * s(m + 2.0 * f)
        + 0.00038 * e * s(m - 2.0 * f)
        - 0.00024 * e * s(2.0 * mp - m)
        - 0.00017 * s(om)
        - 0.00007 * s(mp + 2.0 * m)
        + 0.00004 * s(2.0 * mp - 2.0 * f)
        + 0.00004 * s(3.0 * m)
        + 0.00003 * s(mp + m - 2.0 * f)
        + 0.00003 * s(2.0 * mp + 2.0 * f)
        - 0.00003 * s(mp + m + 2.0 * f)
        + 0.00003 * s(mp - m + 2.0 * f)
        - 0.00002 * s(mp - m - 2.0 * f)
        - 0.00002 * s(3.0 * mp + m)
        + 0.00002 * s(4.0 * mp);

    // Planetary perturbations: (coefficient, argument A1…A14).
    let planetary: [(f64, f64); 14] = [
        (0.000_325, 299.77 + 0.107_408 * k - 0.009_173 * t2),
        (0.000_165, 251.88 + 0.016_321 * k),
        (0.000_164, 251.83 + 26.651_886 * k),
        (0.000_126, 349.42 + 36.412_478 * k),
        (0.000_110, 84.66 + 18.206_239 * k),
        (0.000_062, 141.74 + 53.303_771 * k),
        (0.000_060, 207.14 + 2.453_732 * k),
        (0.000_056, 154.84 + 7.306_860 * k),
        (0.000_047, 34.52 + 27.261_239 * k),
        (0.000_042, 207.19 + 0.121_824 * k),
        (0.000_040, 291.34 + 1.844_379 * k),
        (0.000_037, 161.72 + 24.198_154 * k),
        (0.000_035, 239.56 + 25.513_099 * k),
        (0.000_023, 331.55 + 3.592_518 * k),
    ];
    let additional: f64 = planetary.iter().map(|&(c, a)| c * s(a)).sum();

    mean + periodic + additional
}

/// Apparent geocentric longitude of the sun in degrees, `[0, 360)`, at Julian Ephemeris Day
/// `jde` (TT). Meeus, *Astronomical Algorithms*, ch. 25, low-precision method (eq. 25.2–25.5).
fn apparent_solar_longitude(jde: f64) -> f64 {
    let t = (jde - 2_451_545.0) / 36_525.0;
    let mean_longitude = 280.466_46 + 36_000.769_83 * t + 0.000_303_2 * t * t;
    let m = (357.529_11 + 35_999.050_29 * t - 0.000_153_7 * t * t).to_radians();
    let centre = (1.914_602 - 0.004_817 * t - 0.000_014 * t * t) * m.sin()
        + (0.019_993 - 0.000_101 * t) * (2.0 * m).sin()
        + 0.000_289 * (3.0 * m).sin();
    let node = (125.04 - 1_934.136 * t).to_radians();
    // Aberration and nutation in longitude.
    let apparent = mean_longitude + centre - 0.005_69 - 0.004_78 * node.sin();
    apparent.rem_euclid(360.0)
}

/// ΔT = TT − UT in days at the instant `jd`, from the Espenak–Meeus (2006) polynomials.
fn delta_t_days(jd: f64) -> f64 {
    let y = 2000.0 + (jd - 2_451_545.0) / 365.25;
    let long_term = |y: f64| {
        let u = (y - 1820.0) / 100.0;
        -20.0 + 32.0 * u * u
    };
    let seconds = if !(1900.0..2150.0).contains(&y) {
        long_term(y)
    } else if y < 1920.0 {
        let t = y - 1900.0;
        -2.79 + 1.494_119 * t - 0.059_893_9 * t.powi(2) + 0.006_196_6 * t.powi(3) - 0.000_197 * t.powi(4)
    } else if y < 1941.0 {
        let t = y - 1920.0;
        21.20 + 0.844_93 * t - 0.076_100 * t.powi(2) + 0.002_093_6 * t.powi(3)
    } else if y < 1961.0 {
        let t = y - 1950.0;
        29.07 + 0.407 * t - t.powi(2) / 233.0 + t.powi(3) / 2547.0
    } else if y < 1986.0 {
        let t = y - 1975.0;
        45.45 + 1.067 * t - t.powi(2) / 260.0 - t.powi(3) / 718.0
    } else if y < 2005.0 {
        let t = y - 2000.0;
        63.86 + 0.3345 * t - 0.060_374 * t.powi(2) + 0.001_727_5 * t.powi(3) + 0.000_651_814 * t.powi(4) + 0.000_023_735_99 * t.powi(5)
    } else if y < 2050.0 {
        let t = y - 2000.0;
        62.92 + 0.322_17 * t + 0.005_589 * t.powi(2)
    } else {
        long_term(y) - 0.5628 * (2150.0 - y)
    };
    seconds / 86_400.0
}

/// Julian day number of `date` (the proleptic Gregorian 1/1/0001 is JDN 1 721 426).
fn jdn(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) + 1_721_425
}

fn jdn_ymd(year: i32, month: u32, day: u32) -> i64 {
    NaiveDate::from_ymd_opt(year, month, day).map_or(0, jdn)
}

fn date_from_jdn(jdn: i64) -> Option<NaiveDate> {
    i32::try_from(jdn - 1_721_425).ok().and_then(NaiveDate::from_num_days_from_ce_opt)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::testing::d;
    use proptest::prelude::*;

    const CHINA_UTC_OFFSET: f64 = 8.0;

    /// One row of holidays.md, "Lunar dates … 2020–2030".
    struct Row {
        year: i32,
        /// Mùng 1 Tết, as (day, month) of `year`.
        tet: (u32, u32),
        /// Last day (29 or 30) of the Chạp just before that Tết.
        last_of_chap: u32,
        /// 10/3 lunar, as (day, month) of `year`.
        hung_kings: (u32, u32),
        leap_month: Option<u32>,
    }

    const fn row(year: i32, tet: (u32, u32), last_of_chap: u32, hung_kings: (u32, u32), leap_month: Option<u32>) -> Row {
        Row { year, tet, last_of_chap, hung_kings, leap_month }
    }

    const TABLE: [Row; 11] = [
        row(2020, (25, 1), 30, (2, 4), Some(4)),
        row(2021, (12, 2), 30, (21, 4), None),
        row(2022, (1, 2), 29, (10, 4), None),
        row(2023, (22, 1), 30, (29, 4), Some(2)),
        row(2024, (10, 2), 30, (18, 4), None),
        row(2025, (29, 1), 29, (7, 4), Some(6)),
        row(2026, (17, 2), 29, (26, 4), None),
        row(2027, (6, 2), 29, (16, 4), None),
        row(2028, (26, 1), 29, (4, 4), Some(5)),
        row(2029, (13, 2), 29, (23, 4), None),
        row(2030, (2, 2), 29, (12, 4), None),
    ];

    #[test]
    fn tet_hung_kings_and_leap_months_2020_2030() {
        for Row { year, tet, last_of_chap, hung_kings, leap_month } in TABLE {
            let tet = d(year, tet.1, tet.0);
            let hung = d(year, hung_kings.1, hung_kings.0);
            assert_eq!(from_lunar(LunarDate::new(year, 1, 1)), Some(tet), "Tết {year}");
            assert_eq!(to_lunar(tet), Some(LunarDate::new(year, 1, 1)), "Tết {year}");
            assert_eq!(from_lunar(LunarDate::new(year, 3, 10)), Some(hung), "Hùng Kings {year}");
            assert_eq!(to_lunar(hung), Some(LunarDate::new(year, 3, 10)), "Hùng Kings {year}");

            let eve = to_lunar(tet.pred_opt().unwrap()).unwrap();
            assert_eq!((eve.year, eve.month, eve.day), (year - 1, 12, last_of_chap), "last day of Chạp before Tết {year}");

            let leap_months: Vec<u32> =
                (1..=12).filter(|&m| from_lunar(LunarDate { year, month: m, leap: true, day: 1 }).is_some()).collect();
            assert_eq!(leap_months, leap_month.into_iter().collect::<Vec<_>>(), "leap month of {year}");
        }
    }

    /// holidays.md, "Vietnamese (UTC+7) vs Chinese (UTC+8) lunar calendar" sources 46, 47, 49, 51, 52.
    #[test]
    fn vietnamese_and_chinese_new_years_that_differ() {
        let cases = [
            // 1968: new moon at 23:29 Hanoi time on 29/1; the North (UTC+7) celebrated on 29/1, the South (UTC+8) on 30/1.
            (1968, d(1968, 1, 29), d(1968, 1, 30)),
            // 1985: a month apart.
            (1985, d(1985, 1, 21), d(1985, 2, 20)),
            // 2007: 17/2 in Viet Nam, 18/2 in China.
            (2007, d(2007, 2, 17), d(2007, 2, 18)),
            // 2030: Sat 2/2 in Viet Nam, Sun 3/2 in China.
            (2030, d(2030, 2, 2), d(2030, 2, 3)),
        ];
        for (year, vietnam, china) in cases {
            assert_eq!(from_lunar(LunarDate::new(year, 1, 1)), Some(vietnam), "{year} in Viet Nam");
            assert_eq!(from_lunar_at(LunarDate::new(year, 1, 1), CHINA_UTC_OFFSET), Some(china), "{year} at UTC+8");
        }
    }

    /// holidays.md recomputed the mismatches for 1968–2060: Tết in 1968, 1969, 1985, 2007, 2030,
    /// 2053; Hùng Kings' day in 1975, 2009, 2037, 2038 ("Uncertain" points 5 and 6).
    #[test]
    fn recomputed_mismatch_years_1968_2060() {
        let differs = |month: u32, day: u32| -> Vec<i32> {
            (1968..=2060)
                .filter(|&y| {
                    let date = LunarDate::new(y, month, day);
                    from_lunar(date) != from_lunar_at(date, CHINA_UTC_OFFSET)
                })
                .collect()
        };
        assert_eq!(differs(1, 1), vec![1968, 1969, 1985, 2007, 2030, 2053]);
        assert_eq!(differs(3, 10), vec![1975, 2009, 2037, 2038]);
    }

    #[test]
    fn astronomy_matches_meeus_worked_examples() {
        // Meeus example 49.a: the new moon of mid-February 1977, k = −283, JDE 2443192.65118.
        assert!((new_moon_jde(-283) - 2_443_192.651_18).abs() < 0.000_1);
        // Meeus example 25.a: 13/10/1992 0h TT, apparent longitude 199.90895° (low-precision method).
        assert!((apparent_solar_longitude(2_448_908.5) - 199.908_95).abs() < 0.001);
    }

    #[test]
    fn impossible_dates_are_refused() {
        // Chạp of lunar 2021 has 29 days (Tết 2022 follows its 29th).
        assert_eq!(from_lunar(LunarDate::new(2021, 12, 30)), None);
        assert_eq!(from_lunar(LunarDate::new(2021, 12, 29)), Some(d(2022, 1, 31)));
        assert_eq!(from_lunar(LunarDate { year: 2024, month: 3, leap: true, day: 1 }), None);
        assert_eq!(from_lunar(LunarDate::new(2024, 13, 1)), None);
        assert_eq!(from_lunar(LunarDate::new(2024, 1, 0)), None);
        assert_eq!(from_lunar(LunarDate::new(1800, 1, 1)), None);
        assert_eq!(to_lunar(d(2300, 1, 1)), None);
        // 2023: the leap 2nd month follows the regular one; 10/3 comes after both.
        assert_eq!(to_lunar(d(2023, 3, 22)), Some(LunarDate { year: 2023, month: 2, leap: true, day: 1 }));
    }

    /// Walking day by day, the lunar date advances by one or starts a new month of 29 or 30 days,
    /// and years have 12 or 13 months.
    #[test]
    fn consecutive_days_2019_2031() {
        let mut day = d(2019, 1, 1);
        let mut prev = to_lunar(day).unwrap();
        let mut month_len = 0;
        while day < d(2031, 12, 31) {
            day = day.succ_opt().unwrap();
            let cur = to_lunar(day).unwrap();
            if cur.day == prev.day + 1 {
                assert_eq!((cur.year, cur.month, cur.leap), (prev.year, prev.month, prev.leap), "{day}");
            } else {
                assert_eq!(cur.day, 1, "{day}");
                assert!(prev.day == 29 || prev.day == 30, "{day}");
                let expected_next = match (prev.leap, prev.month) {
                    (false, m) if from_lunar(LunarDate { year: prev.year, month: m, leap: true, day: 1 }) == Some(day) => {
                        (prev.year, m, true)
                    }
                    (_, 12) => (prev.year + 1, 1, false),
                    (_, m) => (prev.year, m + 1, false),
                };
                assert_eq!((cur.year, cur.month, cur.leap), expected_next, "{day}");
                month_len = 0;
            }
            month_len += 1;
            assert!(month_len <= 30);
            prev = cur;
        }
    }

    proptest! {
        #[test]
        fn round_trip(offset in 0i64..(211 * 366)) {
            let date = d(1990, 1, 1) + chrono::Days::new(u64::try_from(offset).unwrap());
            prop_assume!(date.year() <= 2199);
            let lunar = to_lunar(date).unwrap();
            prop_assert_eq!(from_lunar(lunar), Some(date));
        }
    }
}
