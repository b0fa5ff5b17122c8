//! Exemption periods and renewals (rules.md §5.2).

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn exemption(from: NaiveDate, until: Option<NaiveDate>) -> Exemption {
    Exemption { ground: Ground::Elderly, resolved_on: d(2026, 1, 10), resolution: "Nghị quyết số 05-NQ/CB".into(), from, until }
}

fn codes(r: Result<(), ValidationErrors>) -> Vec<&'static str> {
    r.err().map(|e| e.errors.iter().map(|f| f.code).collect()).unwrap_or_default()
}

#[test]
fn the_period_is_the_resolutions() {
    // 24-QĐ/TW point 7.1: the chi bộ decides by resolution; our sources fix no maximum.
    let today = d(2026, 2, 1);
    assert!(check(&exemption(d(2026, 1, 10), Some(d(2031, 1, 9))), today).is_ok());
    assert!(check(&exemption(d(2026, 1, 10), None), today).is_ok());
    assert_eq!(codes(check(&exemption(d(2026, 1, 9), None), today)), ["before_resolution"]);
    assert_eq!(codes(check(&exemption(d(2026, 1, 10), Some(d(2026, 1, 9))), today)), ["before_start"]);
    assert_eq!(codes(check(&exemption(d(2026, 1, 10), None), d(2026, 1, 9))), ["future"]);
    let blank = Exemption { resolution: " ".into(), ..exemption(d(2026, 1, 10), None) };
    assert_eq!(codes(check(&blank, today)), ["required"]);
}

#[test]
fn a_renewal_reaches_further() {
    let today = d(2027, 1, 5);
    let renew = |until| Renewal { resolved_on: d(2027, 1, 3), resolution: "NQ 01".into(), until };
    assert!(check_renewal(&renew(Some(d(2028, 1, 9))), d(2026, 1, 10), Some(d(2027, 1, 9)), today).is_ok());
    assert!(check_renewal(&renew(None), d(2026, 1, 10), Some(d(2027, 1, 9)), today).is_ok());
    assert_eq!(codes(check_renewal(&renew(Some(d(2027, 1, 9))), d(2026, 1, 10), Some(d(2027, 1, 9)), today)), ["not_later"]);
    assert_eq!(codes(check_renewal(&renew(Some(d(2028, 1, 9))), d(2026, 1, 10), None, today)), ["open_ended"]);
    assert_eq!(codes(check_renewal(&renew(Some(d(2028, 1, 9))), d(2027, 2, 1), Some(d(2027, 3, 1)), today)), ["before_start"]);
}

#[test]
fn where_an_exemption_stands() {
    let until = d(2026, 12, 31);
    assert_eq!(standing(None, d(2026, 12, 6)), Standing::OpenEnded);
    assert_eq!(standing(Some(until), d(2026, 11, 30)), Standing::Running { until });
    // Thirty days before the end it reaches the worklist, and stays there on the last day.
    assert_eq!(standing(Some(until), d(2026, 12, 1)), Standing::EndingSoon { until, days_left: 30 });
    assert_eq!(standing(Some(until), until), Standing::EndingSoon { until, days_left: 0 });
    assert_eq!(standing(Some(until), d(2027, 1, 1)), Standing::Overdue { until });
    assert!(standing(Some(until), d(2027, 1, 1)).due());
    assert!(!standing(Some(until), d(2026, 11, 30)).due());
    // Across a leap day.
    assert_eq!(standing(Some(d(2028, 3, 1)), d(2028, 1, 31)), Standing::EndingSoon { until: d(2028, 3, 1), days_left: 30 });
}
