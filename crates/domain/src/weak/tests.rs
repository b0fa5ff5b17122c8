use super::*;
use crate::testing::d;

fn healthy() -> YearFacts {
    YearFacts {
        months_without_regular: 0,
        quarters_without_thematic: 0,
        present: 180,
        expected: 200,
        last_admission: Some(d(2025, 9, 2)),
        since: Some(d(1990, 1, 1)),
        late_tasks: 0,
        rated_not_completed: false,
    }
}

fn reasons(facts: &YearFacts) -> Vec<WeakReason> {
    findings(facts, &WeakSettings::default(), 2026, d(2026, 12, 31)).into_iter().map(|f| f.reason).collect()
}

#[test]
fn a_healthy_organization_has_no_findings() {
    assert!(reasons(&healthy()).is_empty());
}

#[test]
fn each_indicator_fires_at_its_threshold() {
    let f = YearFacts { months_without_regular: 3, ..healthy() };
    assert_eq!(reasons(&f), vec![WeakReason::MissedMeetings]);
    assert!(reasons(&YearFacts { months_without_regular: 2, ..healthy() }).is_empty());
    assert_eq!(reasons(&YearFacts { quarters_without_thematic: 2, ..healthy() }), vec![WeakReason::NoThematic]);
    assert_eq!(reasons(&YearFacts { present: 159, ..healthy() }), vec![WeakReason::LowAttendance], "79.5 %");
    assert!(reasons(&YearFacts { present: 160, ..healthy() }).is_empty(), "80 % is not below 80 %");
    assert!(
        reasons(&YearFacts { present: 0, expected: 0, ..healthy() }).is_empty(),
        "no meeting to attend: the meetings indicator says it"
    );
    assert_eq!(reasons(&YearFacts { late_tasks: 3, ..healthy() }), vec![WeakReason::LateTasks]);
    assert_eq!(reasons(&YearFacts { rated_not_completed: true, ..healthy() }), vec![WeakReason::NotCompleted]);
}

#[test]
fn years_without_admission_count_back_from_the_years_end() {
    assert!(reasons(&YearFacts { last_admission: Some(d(2024, 1, 5)), ..healthy() }).is_empty());
    let old = YearFacts { last_admission: Some(d(2023, 12, 30)), ..healthy() };
    let found = findings(&old, &WeakSettings::default(), 2026, d(2026, 12, 31));
    assert_eq!(found.iter().map(|f| f.reason).collect::<Vec<_>>(), vec![WeakReason::NoAdmission]);
    assert!(found[0].detail.contains("30/12/2023"), "{found:?}");
    assert_eq!(reasons(&YearFacts { last_admission: None, ..healthy() }), vec![WeakReason::NoAdmission]);
    // A chi bộ set up in 2025 has not had three years to admit anyone.
    assert!(reasons(&YearFacts { last_admission: None, since: Some(d(2025, 7, 1)), ..healthy() }).is_empty());
}

#[test]
fn settings_are_checked() {
    assert!(WeakSettings::default().check().is_ok());
    let bad = WeakSettings { months_without_regular: 0, attendance_below_percent: 101, ..WeakSettings::default() };
    let e = bad.check().unwrap_err();
    let fields: Vec<_> = e.errors.iter().map(|x| x.field.as_str()).collect();
    assert_eq!(fields, vec!["months_without_regular", "attendance_below_percent"]);
}

#[test]
fn stricter_settings_list_more() {
    let strict = WeakSettings { attendance_below_percent: 95, ..WeakSettings::default() };
    let found = findings(&healthy(), &strict, 2026, d(2026, 12, 31));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].detail, "Tỷ lệ dự sinh hoạt 90% (180/200 lượt), dưới 95%.");
}
