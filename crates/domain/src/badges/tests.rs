use chrono::NaiveDate;

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn age(admitted: NaiveDate, on: NaiveDate) -> Option<u32> {
    crate::history::party_age_months(admitted, std::iter::empty(), on)
}

#[test]
fn the_award_days_and_the_next_one() {
    // rules.md §6: 3/2, 19/5, 2/9, 7/11.
    assert_eq!(AwardDay::next(d(2026, 12, 6)), (AwardDay::PartyFounding, d(2027, 2, 3)));
    assert_eq!(AwardDay::next(d(2026, 5, 19)), (AwardDay::HoChiMinhBirthday, d(2026, 5, 19)));
    assert_eq!(AwardDay::next(d(2026, 5, 20)), (AwardDay::NationalDay, d(2026, 9, 2)));
    assert_eq!(MILESTONES.len(), 12);
}

#[test]
fn a_member_is_due_the_milestone_reached_on_the_award_day() {
    let round = d(2027, 2, 3);
    // Admitted 3/2/1997: 30 years on the day itself.
    let on_the_day = Facts { party_age_months: age(d(1997, 2, 3), round), ..Facts::default() };
    assert_eq!(verdict(&on_the_day, round, DEFAULT_WAIT_RULE), Verdict::Due { milestone: 30, early_months: 0 });
    // A day later: not yet.
    let a_day_short = Facts { party_age_months: age(d(1997, 2, 4), round), ..Facts::default() };
    assert_eq!(verdict(&a_day_short, round, DEFAULT_WAIT_RULE), Verdict::NotYet { next: 30 });
    // Holding 40 with 47 years: 45 is due, not 40 again.
    let held = Facts { party_age_months: Some(47 * 12), held: Some(40), ..Facts::default() };
    assert_eq!(verdict(&held, round, DEFAULT_WAIT_RULE), Verdict::Due { milestone: 45, early_months: 0 });
    // A member who missed a round gets the highest reached, once.
    let missed = Facts { party_age_months: Some(52 * 12), held: Some(40), ..Facts::default() };
    assert_eq!(verdict(&missed, round, DEFAULT_WAIT_RULE), Verdict::Due { milestone: 50, early_months: 0 });
    let all = Facts { party_age_months: Some(95 * 12), held: Some(90), ..Facts::default() };
    assert_eq!(verdict(&all, round, DEFAULT_WAIT_RULE), Verdict::None);
}

#[test]
fn a_leap_day_admission_reaches_its_years_at_the_end_of_february() {
    // Party age by month (rules.md §3): 29/2/1996 + 30 years is reached on 28/2/2026.
    assert_eq!(age(d(1996, 2, 29), d(2026, 2, 27)), Some(30 * 12 - 1));
    assert_eq!(age(d(1996, 2, 29), d(2026, 2, 28)), Some(30 * 12));
}

#[test]
fn time_out_of_the_party_does_not_count() {
    use crate::history::Status;
    // Struck off for two years: 30 years of membership come two years later.
    let spans = [
        (Status::Official, d(1990, 5, 19), Some(d(2000, 5, 19))),
        (Status::StruckOff, d(2000, 5, 19), Some(d(2002, 5, 19))),
        (Status::Official, d(2002, 5, 19), None),
    ];
    let on = d(2020, 5, 19);
    let pa = crate::history::party_age_months(d(1990, 5, 19), spans.iter().copied(), on);
    assert_eq!(pa, Some(28 * 12));
    let facts = Facts { party_age_months: pa, ..Facts::default() };
    assert_eq!(verdict(&facts, on, DEFAULT_WAIT_RULE), Verdict::NotYet { next: 30 });
}

#[test]
fn the_seriously_ill_and_the_deceased_may_receive_early() {
    // 01-HD/TW 2021 §18; 24-QĐ/TW point 27: 12 months early for 30–65 years, 24 for 70–90
    // when seriously ill; 12 months early posthumously.
    let round = d(2027, 2, 3);
    let ill = |years_months: u32| Facts {
        party_age_months: Some(years_months),
        circumstance: Some(Circumstance::SeriouslyIll),
        held: Some(60),
        ..Facts::default()
    };
    assert_eq!(verdict(&ill(64 * 12), round, DEFAULT_WAIT_RULE), Verdict::Due { milestone: 65, early_months: 12 });
    assert_eq!(verdict(&ill(64 * 12 - 1), round, DEFAULT_WAIT_RULE), Verdict::NotYet { next: 65 });
    let ill70 = Facts { held: Some(65), ..ill(68 * 12) };
    assert_eq!(verdict(&ill70, round, DEFAULT_WAIT_RULE), Verdict::Due { milestone: 70, early_months: 24 });
    let posthumous =
        Facts { party_age_months: Some(69 * 12), held: Some(65), circumstance: Some(Circumstance::Posthumous), ..Facts::default() };
    assert_eq!(verdict(&posthumous, round, DEFAULT_WAIT_RULE), Verdict::Due { milestone: 70, early_months: 12 });
    let ordinary = Facts { circumstance: None, ..posthumous };
    assert_eq!(verdict(&ordinary, round, DEFAULT_WAIT_RULE), Verdict::NotYet { next: 70 });
}

#[test]
fn a_discipline_holds_the_badge_back_and_the_case_names_the_rule() {
    let round = d(2027, 2, 3);
    let reprimand = Discipline { form: Form::Reprimand, decided_on: d(2025, 12, 1), announced_on: d(2025, 12, 3) };
    let base = Facts { party_age_months: Some(30 * 12), disciplines: vec![DisciplineFacts::plain(reprimand)], ..Facts::default() };
    // Ended on 3/12/2026 (69-QĐ/TW art. 2.5) and every wait passed: due on 3/2/2027.
    assert_eq!(verdict(&base, round, WaitRule::Qd24), Verdict::Due { milestone: 30, early_months: 0 });
    // On 7/11/2026 still in force: no Party award during it (69-QĐ/TW art. 2.13), which lasts
    // longer than 24-QĐ/TW's six months.
    let in_force = Hold { form: Form::Reprimand, rule: HoldRule::InForce, until: Some(d(2026, 12, 3)) };
    assert_eq!(verdict(&base, d(2026, 11, 7), WaitRule::Qd24), Verdict::Held { milestone: 30, hold: in_force });
    // A complaint within the 12 months keeps it in force with no end in sight.
    let complained = Facts {
        disciplines: vec![DisciplineFacts { interruptions: vec![d(2026, 6, 1)], ..DisciplineFacts::plain(reprimand) }],
        ..base.clone()
    };
    let held = verdict(&complained, round, WaitRule::Qd24);
    assert_eq!(held, Verdict::Held { milestone: 30, hold: Hold { form: Form::Reprimand, rule: HoldRule::InForce, until: None } });
    // A later decision lifted it on 1/10/2026: its effect ends then; 24-QĐ/TW's six months after
    // the announcement passed already.
    let lifted = Facts {
        disciplines: vec![DisciplineFacts {
            interruptions: vec![d(2026, 6, 1)],
            lifted_on: Some(d(2026, 10, 1)),
            ..DisciplineFacts::plain(reprimand)
        }],
        ..base.clone()
    };
    assert_eq!(verdict(&lifted, round, WaitRule::Qd24), Verdict::Due { milestone: 30, early_months: 0 });
    // Removal from post: its 12-month wait ends the day the discipline does; the case names the
    // discipline's own effect.
    let removal = Discipline { form: Form::RemovalFromPost, decided_on: d(2026, 3, 1), announced_on: d(2026, 3, 2) };
    let removed = Facts { disciplines: vec![DisciplineFacts::plain(removal)], ..base.clone() };
    let v = verdict(&removed, d(2026, 9, 2), WaitRule::Qd24);
    assert_eq!(
        v,
        Verdict::Held { milestone: 30, hold: Hold { form: Form::RemovalFromPost, rule: HoldRule::InForce, until: Some(d(2027, 3, 2)) } }
    );
    // The three sources (rules.md §6) differ on the shorter forms.
    assert_eq!(DEFAULT_WAIT_RULE, WaitRule::Qd24, "the most recent source");
    assert_eq!([Form::Reprimand, Form::Warning, Form::RemovalFromPost].map(|f| WaitRule::Qd24.months(f)), [Some(6), Some(9), Some(12)]);
    assert_eq!([Form::Reprimand, Form::Warning, Form::RemovalFromPost].map(|f| WaitRule::Qd29.months(f)), [None, Some(6), Some(12)]);
    assert_eq!(
        [Form::Reprimand, Form::Warning, Form::RemovalFromPost].map(|f| WaitRule::Guidance2007.months(f)),
        [Some(3), Some(6), Some(12)]
    );
    assert_eq!(WaitRule::Qd29.months(Form::Expulsion), None);
    let expelled = Facts { expelled: true, ..base };
    assert_eq!(verdict(&expelled, round, WaitRule::Qd24), Verdict::None);
}
