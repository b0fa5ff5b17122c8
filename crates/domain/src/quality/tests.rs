use super::*;
use crate::history::AdmissionFacts;
use crate::testing::d;
use crate::text::fold;

fn cal() -> WorkCalendar {
    WorkCalendar::default()
}

fn span(status: Status, from: NaiveDate, to: Option<NaiveDate>) -> HistorySpan {
    HistorySpan { status, from, to, admission: None }
}

/// A span opened by an admission decision on `from`, with the ceremony if held.
fn admitted(status: Status, from: NaiveDate, to: Option<NaiveDate>, ceremony: Option<NaiveDate>) -> HistorySpan {
    HistorySpan { status, from, to, admission: Some(AdmissionFacts { ceremony, origin: Default::default() }) }
}

fn member(spans: &[HistorySpan]) -> MemberFacts<'_> {
    MemberFacts { birth_date: d(1970, 5, 10), has_profile: true, spans, awaiting_acceptance: false }
}

fn kinds(found: &[Finding]) -> Vec<ProblemKind> {
    found.iter().map(|f| f.kind).collect()
}

/// Admitted 10/01/2024, ceremony 01/02/2024, official 01/02/2025: nothing to fix.
fn clean_history() -> Vec<HistorySpan> {
    vec![
        admitted(Status::Probationary, d(2024, 1, 10), Some(d(2025, 2, 1)), Some(d(2024, 2, 1))),
        span(Status::Official, d(2025, 2, 1), None),
    ]
}

#[test]
fn every_kind_has_a_code_a_label_what_to_do_and_a_rule() {
    let mut codes: Vec<&str> = ProblemKind::ALL.iter().map(|k| k.code()).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), ProblemKind::ALL.len(), "codes are unique");
    for k in ProblemKind::ALL {
        assert_eq!(ProblemKind::parse(k.code()).unwrap(), *k);
        assert!(!k.label().is_empty() && !k.action().is_empty() && !k.source().is_empty(), "{k:?}");
    }
    let cells: Vec<ProblemKind> = ProblemKind::ALL.iter().copied().filter(|k| k.subject() == Subject::Cell).collect();
    assert_eq!(cells, vec![ProblemKind::CellWithoutMembers, ProblemKind::CellWithoutSecretary]);
    assert_eq!(ProblemKind::parse("khong-co").unwrap_err().code, "unknown_value");
}

#[test]
fn a_clean_record_has_no_problem() {
    let spans = clean_history();
    assert!(member_problems(&member(&spans), &cal(), d(2026, 11, 25)).is_empty());
}

#[test]
fn a_record_without_a_profile() {
    let spans = clean_history();
    let m = MemberFacts { has_profile: false, ..member(&spans) };
    let found = member_problems(&m, &cal(), d(2026, 11, 25));
    assert_eq!(kinds(&found), vec![ProblemKind::NoProfile]);
    assert_eq!(found[0].date, None);
}

#[test]
fn admitted_a_day_before_the_eighteenth_birthday_by_month() {
    let on = |decided: NaiveDate| vec![admitted(Status::Probationary, decided, None, Some(decided))];
    let young = MemberFacts { birth_date: d(2008, 6, 15), ..member(&[]) };
    // 17 years 11 months on 14/6/2026.
    let spans = on(d(2026, 6, 14));
    let found = member_problems(&MemberFacts { spans: &spans, ..young }, &cal(), d(2026, 7, 1));
    assert_eq!(kinds(&found), vec![ProblemKind::AdmittedUnderAge]);
    assert_eq!(found[0].date, Some(d(2026, 6, 14)));
    assert!(found[0].detail.contains("17 tuổi 11 tháng"), "{}", found[0].detail);
    // Full 18 on the birthday.
    let spans = on(d(2026, 6, 15));
    assert!(member_problems(&MemberFacts { spans: &spans, ..young }, &cal(), d(2026, 7, 1)).is_empty());
}

#[test]
fn a_birth_date_after_the_admission_and_a_young_readmission() {
    let spans = vec![admitted(Status::Probationary, d(2020, 3, 1), None, Some(d(2020, 3, 20)))];
    let m = MemberFacts { birth_date: d(2021, 1, 1), ..member(&spans) };
    let found = member_problems(&m, &cal(), d(2020, 6, 1));
    assert_eq!(kinds(&found), vec![ProblemKind::AdmittedUnderAge]);
    assert!(found[0].detail.contains("sau ngày quyết định kết nạp"));
    // Each admission is checked: here the first, not the readmission.
    let spans = vec![
        admitted(Status::Probationary, d(2007, 3, 1), Some(d(2008, 3, 1)), Some(d(2007, 3, 1))),
        span(Status::StruckOff, d(2008, 3, 1), Some(d(2012, 3, 1))),
        admitted(Status::Probationary, d(2012, 3, 1), Some(d(2013, 3, 1)), Some(d(2012, 3, 1))),
        span(Status::Official, d(2013, 3, 1), None),
    ];
    let m = MemberFacts { birth_date: d(1990, 1, 1), ..member(&spans) };
    let found = member_problems(&m, &cal(), d(2026, 1, 1));
    assert_eq!(kinds(&found), vec![ProblemKind::AdmittedUnderAge]);
    assert_eq!(found[0].date, Some(d(2007, 3, 1)));
}

#[test]
fn official_before_the_admission_or_its_ceremony() {
    // Official with no admission at all.
    let spans = vec![span(Status::Official, d(2020, 1, 1), None)];
    let found = member_problems(&member(&spans), &cal(), d(2026, 1, 1));
    assert_eq!(kinds(&found), vec![ProblemKind::OfficialBeforeAdmission]);
    assert!(found[0].detail.contains("không có quyết định kết nạp"));
    // Official before the decision that comes later.
    let spans = vec![
        span(Status::Official, d(2019, 1, 1), Some(d(2020, 1, 1))),
        admitted(Status::Probationary, d(2020, 1, 1), None, Some(d(2020, 1, 5))),
    ];
    let found = member_problems(&member(&spans), &cal(), d(2020, 6, 1));
    assert_eq!(kinds(&found), vec![ProblemKind::OfficialBeforeAdmission]);
    assert_eq!(found[0].date, Some(d(2019, 1, 1)));
    assert!(found[0].detail.contains("01/01/2019") && found[0].detail.contains("01/01/2020"), "{}", found[0].detail);
    // Official on the decision's day but before the ceremony.
    let spans = vec![
        admitted(Status::Probationary, d(2024, 1, 10), Some(d(2024, 1, 20)), Some(d(2024, 2, 1))),
        span(Status::Official, d(2024, 1, 20), None),
    ];
    let found = member_problems(&member(&spans), &cal(), d(2026, 1, 1));
    assert_eq!(kinds(&found), vec![ProblemKind::OfficialBeforeAdmission]);
    assert!(found[0].detail.contains("lễ kết nạp 01/02/2024"), "{}", found[0].detail);
    // An official span after a move keeps judging the same admission: fine here.
    let spans = vec![
        admitted(Status::Probationary, d(2024, 1, 10), Some(d(2025, 2, 1)), Some(d(2024, 2, 1))),
        span(Status::Official, d(2025, 2, 1), Some(d(2025, 6, 1))),
        span(Status::Official, d(2025, 6, 1), None),
    ];
    assert!(member_problems(&member(&spans), &cal(), d(2026, 1, 1)).is_empty());
}

#[test]
fn ceremony_missing_after_thirty_working_days_from_the_decision() {
    let decided = d(2026, 3, 2);
    let deadline = ceremony_deadline(&cal(), decided);
    // Thirty working days after Monday 2/3/2026, no holiday in between: six weeks later.
    assert_eq!(deadline, d(2026, 4, 13));
    let spans = vec![admitted(Status::Probationary, decided, None, None)];
    assert!(member_problems(&member(&spans), &cal(), deadline).is_empty(), "the last day is still allowed");
    let found = member_problems(&member(&spans), &cal(), d(2026, 4, 14));
    assert_eq!(kinds(&found), vec![ProblemKind::CeremonyMissing]);
    assert_eq!((found[0].date, found[0].deadline), (Some(decided), Some(deadline)));
    // Held: nothing.
    let spans = vec![admitted(Status::Probationary, decided, None, Some(d(2026, 3, 20)))];
    assert!(member_problems(&member(&spans), &cal(), d(2026, 11, 1)).is_empty());
    // Still missing while in transit.
    let spans =
        vec![admitted(Status::Probationary, decided, Some(d(2026, 3, 10)), None), span(Status::TransferredOut, d(2026, 3, 10), None)];
    assert_eq!(kinds(&member_problems(&member(&spans), &cal(), d(2026, 4, 14))), vec![ProblemKind::CeremonyMissing]);
}

#[test]
fn no_ceremony_to_chase_once_the_probation_is_over() {
    let decided = d(2026, 3, 2);
    let later = d(2026, 11, 1);
    // Struck off during probation.
    let spans = vec![admitted(Status::Probationary, decided, Some(d(2026, 9, 1)), None), span(Status::StruckOff, d(2026, 9, 1), None)];
    assert!(member_problems(&member(&spans), &cal(), later).is_empty());
    // A record kept before ceremonies were recorded: recognized, no ceremony.
    let spans = vec![admitted(Status::Probationary, d(2005, 3, 2), Some(d(2006, 3, 2)), None), span(Status::Official, d(2006, 3, 2), None)];
    assert!(member_problems(&member(&spans), &cal(), later).is_empty());
    // Recognized, then exempt: still recognized.
    let spans = vec![
        admitted(Status::Probationary, d(2005, 3, 2), Some(d(2006, 3, 2)), None),
        span(Status::Official, d(2006, 3, 2), Some(d(2020, 1, 1))),
        span(Status::Exempt, d(2020, 1, 1), None),
    ];
    assert!(member_problems(&member(&spans), &cal(), later).is_empty());
}

#[test]
fn in_transit_beyond_the_time_to_present_the_letter() {
    let letter = d(2026, 9, 1);
    let deadline = cal().add_working_days(letter, crate::transfers::PRESENT_WORKING_DAYS);
    // Tuesday 1/9/2026 (2/9 is National Day, off): 30 working days later is 14/10.
    assert_eq!(deadline, d(2026, 10, 14));
    let spans = vec![
        admitted(Status::Probationary, d(2020, 1, 10), Some(d(2021, 2, 1)), Some(d(2020, 2, 1))),
        span(Status::Official, d(2021, 2, 1), Some(letter)),
        span(Status::TransferredOut, letter, None),
    ];
    let waiting = MemberFacts { awaiting_acceptance: true, ..member(&spans) };
    assert!(member_problems(&waiting, &cal(), deadline).is_empty());
    let found = member_problems(&waiting, &cal(), d(2026, 10, 15));
    assert_eq!(kinds(&found), vec![ProblemKind::TransitOverdue]);
    assert_eq!((found[0].date, found[0].deadline), (Some(letter), Some(deadline)));
    // Out of the register (no acceptance to record here): nothing.
    assert!(member_problems(&member(&spans), &cal(), d(2027, 1, 1)).is_empty());
    // Received: the transferred-out span is closed.
    let mut received = spans.clone();
    received[2].to = Some(d(2026, 9, 20));
    received.push(span(Status::Official, d(2026, 9, 20), None));
    let m = MemberFacts { awaiting_acceptance: true, ..member(&received) };
    assert!(member_problems(&m, &cal(), d(2027, 1, 1)).is_empty());
}

#[test]
fn findings_come_in_the_order_of_the_list() {
    let spans = vec![admitted(Status::Probationary, d(2026, 3, 2), None, None)];
    let m = MemberFacts { birth_date: d(2010, 1, 1), has_profile: false, ..member(&spans) };
    let found = member_problems(&m, &cal(), d(2026, 11, 1));
    assert_eq!(kinds(&found), vec![ProblemKind::AdmittedUnderAge, ProblemKind::CeremonyMissing, ProblemKind::NoProfile]);
}

#[test]
fn chi_bo_without_members_or_secretary() {
    let cell = CellFacts { kind: UnitKind::Cell, members: 0, secretary_account: false };
    assert_eq!(kinds(&cell_problems(&cell)), vec![ProblemKind::CellWithoutMembers, ProblemKind::CellWithoutSecretary]);
    let staffed = CellFacts { members: 5, secretary_account: true, ..cell };
    assert!(cell_problems(&staffed).is_empty());
    assert_eq!(kinds(&cell_problems(&CellFacts { members: 1, ..cell })), vec![ProblemKind::CellWithoutSecretary]);
    let grassroots = CellFacts { kind: UnitKind::GrassrootsCell, secretary_account: true, ..cell };
    assert_eq!(kinds(&cell_problems(&grassroots)), vec![ProblemKind::CellWithoutMembers]);
    // Committees hold no members and elect no chi bộ secretary.
    for kind in UnitKind::ALL.iter().copied().filter(|k| !k.holds_members()) {
        assert!(cell_problems(&CellFacts { kind, ..cell }).is_empty(), "{kind:?}");
    }
}

#[test]
fn duplicates_by_folded_name_and_birth_and_by_card() {
    let names = [fold("Nguyễn Văn An"), fold("NGUYEN VAN AN"), fold("Nguyễn Văn Ân"), fold("Trần Thị Bình"), fold("Tran Thi Binh")];
    let people = vec![
        Identifying { key: 4, name_fold: &names[0], birth_date: d(1980, 1, 2), card: Some("12345678") },
        Identifying { key: 9, name_fold: &names[1], birth_date: d(1980, 1, 2), card: None },
        // Same folded name, another birth date: not a duplicate.
        Identifying { key: 2, name_fold: &names[2], birth_date: d(1981, 1, 2), card: Some("") },
        Identifying { key: 7, name_fold: &names[3], birth_date: d(1975, 6, 1), card: Some("12345678") },
        Identifying { key: 3, name_fold: &names[4], birth_date: d(1975, 6, 1), card: Some("87654321") },
    ];
    let groups = duplicates(people);
    assert_eq!(
        groups,
        vec![
            DuplicateGroup { kind: ProblemKind::DuplicateNameBirth, members: vec![3, 7] },
            DuplicateGroup { kind: ProblemKind::DuplicateNameBirth, members: vec![4, 9] },
            DuplicateGroup { kind: ProblemKind::DuplicateCard, members: vec![4, 7] },
        ]
    );
    // The finding each record of a group gets.
    let card = groups[2].finding(d(1980, 1, 2), Some("12345678"));
    assert_eq!(card.kind, ProblemKind::DuplicateCard);
    assert!(card.detail.contains("12345678") && card.detail.contains("1 hồ sơ khác"), "{}", card.detail);
    let name = groups[1].finding(d(1980, 1, 2), None);
    assert_eq!(name.kind, ProblemKind::DuplicateNameBirth);
    assert!(name.detail.contains("02/01/1980"), "{}", name.detail);
}

#[test]
fn one_record_given_twice_is_no_duplicate() {
    let name = fold("Lê Văn Cường");
    let once = Identifying { key: 1, name_fold: &name, birth_date: d(1970, 1, 1), card: Some("11112222") };
    assert!(duplicates([once, once]).is_empty());
    assert!(duplicates([once]).is_empty());
    assert!(duplicates(Vec::<Identifying<'_, i64>>::new()).is_empty());
}
