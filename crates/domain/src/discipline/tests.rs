use chrono::NaiveDate;

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn warning(announced_on: NaiveDate) -> Discipline {
    Discipline { form: Form::Warning, decided_on: announced_on, announced_on }
}

#[test]
fn a_discipline_ends_by_itself_twelve_months_after_its_announcement() {
    // 69-QĐ/TW art. 2.5: 12 months after the announcement, no complaint, nothing new.
    let w = warning(d(2025, 12, 6));
    assert_eq!(ends_on(w.announced_on), d(2026, 12, 6));
    assert_eq!(standing(&w, &[], d(2026, 12, 5)), Standing::Running { ends_on: d(2026, 12, 6) });
    assert!(standing(&w, &[], d(2026, 12, 5)).in_force(), "the last day in force");
    assert_eq!(standing(&w, &[], d(2026, 12, 6)), Standing::Ended { on: d(2026, 12, 6) });
    assert!(!standing(&w, &[], d(2026, 12, 6)).in_force(), "ended on the exact day");
    assert_eq!(standing(&w, &[], d(2025, 12, 5)), Standing::NotYetInForce);
}

#[test]
fn a_leap_day_announcement_ends_on_the_last_day_of_february() {
    let w = warning(d(2024, 2, 29));
    assert_eq!(ends_on(w.announced_on), d(2025, 2, 28));
    assert!(standing(&w, &[], d(2025, 2, 27)).in_force());
    assert!(!standing(&w, &[], d(2025, 2, 28)).in_force());
}

#[test]
fn something_new_within_the_twelve_months_keeps_it_in_force() {
    let w = warning(d(2025, 3, 1));
    assert_eq!(standing(&w, &[d(2025, 9, 1)], d(2026, 6, 1)), Standing::Held);
    // Recorded after the end: the discipline had already ended.
    assert_eq!(standing(&w, &[d(2026, 3, 2)], d(2026, 6, 1)), Standing::Ended { on: d(2026, 3, 1) });
}

#[test]
fn expulsion_never_ends_by_itself() {
    let e = Discipline { form: Form::Expulsion, decided_on: d(2020, 1, 1), announced_on: d(2020, 1, 5) };
    assert_eq!(standing(&e, &[], d(2030, 1, 1)), Standing::Permanent);
    assert!(!Form::Expulsion.expires() && Form::RemovalFromPost.expires());
}

#[test]
fn a_probationary_member_is_only_reprimanded_or_warned() {
    // 69-QĐ/TW art. 7 (Charter art. 35).
    let today = d(2026, 12, 6);
    let probationary = Subject { probationary: true, holds_post: true };
    let official = Subject { probationary: false, holds_post: false };
    let of = |form| Discipline { form, decided_on: d(2026, 12, 1), announced_on: d(2026, 12, 2) };
    assert!(check(&of(Form::Warning), probationary, today).is_ok());
    assert_eq!(check(&of(Form::Expulsion), probationary, today).unwrap_err().errors[0].code, "probationary");
    assert_eq!(check(&of(Form::RemovalFromPost), official, today).unwrap_err().errors[0].code, "no_post");
    assert!(check(&of(Form::Expulsion), official, today).is_ok());
    let backwards = Discipline { form: Form::Reprimand, decided_on: d(2026, 12, 2), announced_on: d(2026, 12, 1) };
    assert_eq!(check(&backwards, official, today).unwrap_err().errors[0].code, "before_decision");
    let ahead = Discipline { form: Form::Reprimand, decided_on: d(2026, 12, 7), announced_on: d(2026, 12, 8) };
    assert_eq!(check(&ahead, official, today).unwrap_err().errors[0].code, "future");
    assert!(Form::Expulsion.weight() > Form::RemovalFromPost.weight() && Form::Warning.weight() > Form::Reprimand.weight());
}

#[test]
fn a_later_decision_ends_a_held_discipline() {
    // 69-QĐ/TW art. 2.5: kept in force by a complaint until a later decision.
    let w = Discipline { form: Form::Warning, decided_on: d(2025, 3, 1), announced_on: d(2025, 3, 10) };
    let complaint = [d(2025, 6, 1)];
    assert_eq!(standing_lifted(&w, &complaint, None, d(2026, 4, 1)), Standing::Held);
    assert_eq!(standing_lifted(&w, &complaint, Some(d(2026, 5, 4)), d(2026, 5, 3)), Standing::Held);
    assert_eq!(standing_lifted(&w, &complaint, Some(d(2026, 5, 4)), d(2026, 5, 4)), Standing::Ended { on: d(2026, 5, 4) });
    assert!(check_lift(&w, d(2026, 5, 4), d(2026, 5, 4)).is_ok());
    assert_eq!(check_lift(&w, d(2025, 3, 9), d(2026, 5, 4)).unwrap_err().errors[0].code, "before_announcement");
    let expelled = Discipline { form: Form::Expulsion, ..w };
    assert_eq!(standing_lifted(&expelled, &[], Some(d(2026, 5, 4)), d(2026, 6, 1)), Standing::Permanent);
    assert_eq!(check_lift(&expelled, d(2026, 5, 4), d(2026, 6, 1)).unwrap_err().errors[0].code, "expulsion");
}
