use super::*;
use crate::testing::d;

fn codes(blockers: &[Blocker]) -> Vec<&'static str> {
    blockers.iter().map(|b| b.code).collect()
}

fn official(name: &str, introduced_on: NaiveDate) -> Introducer {
    Introducer {
        name: name.into(),
        introduced_on,
        official_since: Some(d(2010, 1, 1)),
        together_since: d(2020, 1, 1),
        together: Together::Work,
    }
}

/// A file that passes every check; tests change one thing at a time.
fn good_file() -> AdmissionFile {
    AdmissionFile {
        birth_date: d(2000, 5, 10),
        education: GeneralEducation::UpperSecondary,
        education_exception: None,
        youth_union_member: true,
        over_age_consent: false,
        certificate_on: d(2025, 3, 1).into(),
        file_compiled_on: d(2025, 4, 1),
        documents_renewed_on: None,
        introduction: Introduction::TwoMembers(official("Nguyễn Văn An", d(2025, 5, 1)), official("Trần Thị Bình", d(2025, 5, 2))),
        vote: ChiBoVote { on: d(2025, 6, 10), official_members: 9, present: 8, in_favour: 7, against: 1 },
        grassroots_resolution_on: Some(d(2025, 6, 20)),
        decision_on: Some(d(2025, 7, 15)),
        decision_received_on: Some(d(2025, 7, 17)),
        ceremony_on: Some(d(2025, 8, 1)),
        readmission: None,
    }
}

#[test]
fn a_good_file_has_no_blockers() {
    assert_eq!(check(&good_file(), &AdmissionConfig::default()), vec![]);
}

#[test]
fn versions_are_contiguous_and_chosen_by_date() {
    for w in RULE_VERSIONS.windows(2) {
        assert_eq!(w[0].valid_to, Some(w[1].valid_from));
    }
    assert_eq!(RULE_VERSIONS.last().unwrap().valid_to, None);
    let cases = [
        (d(2000, 1, 1), "29-QĐ/TW"),
        (d(2021, 7, 29), "29-QĐ/TW"),
        (d(2021, 7, 30), "24-QĐ/TW"),
        (d(2025, 1, 19), "24-QĐ/TW"),
        (d(2025, 1, 20), "232-QĐ/TW"),
        (d(2025, 6, 30), "232-QĐ/TW"),
        (d(2025, 7, 1), "294-QĐ/TW"),
        (d(2030, 1, 1), "294-QĐ/TW"),
    ];
    for (on, doc) in cases {
        assert!(rules_on(on).legal_basis.contains(doc), "{on}: {}", rules_on(on).legal_basis);
    }
}

#[test]
fn age_by_month_at_the_vote() {
    let birth = d(2007, 6, 15);
    let old = d(1965, 6, 15);
    let cases: [(NaiveDate, NaiveDate, bool, &[&str]); 9] = [
        (birth, d(2025, 6, 14), false, &["too_young"]),
        (birth, d(2025, 6, 15), false, &[]),
        (birth, d(2025, 6, 16), false, &[]),
        // Born 29/02: full 18 years on 28/02 of a common year (dates::add_months).
        (d(2008, 2, 29), d(2026, 2, 27), false, &["too_young"]),
        (d(2008, 2, 29), d(2026, 2, 28), false, &[]),
        // Exactly 60 by month passes; 60 years and one month needs consent.
        (old, d(2025, 6, 15), false, &[]),
        (old, d(2025, 7, 14), false, &[]),
        (old, d(2025, 7, 15), false, &["over_age_without_consent"]),
        (old, d(2025, 7, 15), true, &[]),
    ];
    for (birth, vote, consent, expected) in cases {
        assert_eq!(codes(&check_age(birth, vote, consent)), expected, "{birth} {vote} {consent}");
    }
}

#[test]
fn education_minimum_and_exceptions() {
    let c = AdmissionConfig::default();
    let cases: [(GeneralEducation, Option<EducationException>, bool); 6] = [
        (GeneralEducation::LowerSecondary, None, true),
        (GeneralEducation::Primary, None, false),
        (GeneralEducation::Primary, Some(EducationException::DisadvantagedArea), true),
        (GeneralEducation::ReadWrite, Some(EducationException::DisadvantagedArea), false),
        (GeneralEducation::ReadWrite, Some(EducationException::VillageElder), true),
        (GeneralEducation::UpperSecondary, None, true),
    ];
    for (edu, exc, ok) in cases {
        assert_eq!(check_education(edu, exc, &c).is_empty(), ok, "{edu:?} {exc:?}");
    }
}

#[test]
fn certificate_validity() {
    let c = AdmissionConfig::default();
    let issued = d(2020, 3, 10);
    assert_eq!(certificate_last_valid_day(issued, &c), d(2025, 3, 10));
    let cases: [(Option<NaiveDate>, NaiveDate, &[&str]); 6] = [
        (Some(issued), d(2025, 3, 10), &[]),
        // Expired the day before the vote.
        (Some(issued), d(2025, 3, 11), &["certificate_expired"]),
        (Some(issued), d(2020, 3, 10), &[]),
        (Some(issued), d(2020, 3, 9), &["certificate_after_vote"]),
        (None, d(2025, 1, 1), &["certificate_missing"]),
        // Dated 29/02: last valid day 28/02 five years later.
        (Some(d(2020, 2, 29)), d(2025, 3, 1), &["certificate_expired"]),
    ];
    for (cert, vote, expected) in cases {
        assert_eq!(codes(&check_certificate(cert, vote, &c)), expected, "{cert:?} {vote}");
    }
    let longer = AdmissionConfig { certificate_validity_months: 72, ..c };
    assert!(check_certificate(Some(issued), d(2025, 3, 11), &longer).is_empty());
}

#[test]
fn two_thirds_of_official_members() {
    // (official, in favour, passes): 2/3 of 3 is 2, of 9 is 6, of 10 is 6.67 → 7.
    let cases = [(3, 1, false), (3, 2, true), (3, 3, true), (9, 5, false), (9, 6, true), (10, 6, false), (10, 7, true), (1, 1, true)];
    for (official, in_favour, ok) in cases {
        let v = ChiBoVote { on: d(2025, 6, 1), official_members: official, present: official, in_favour, against: 0 };
        let got = check_vote(&v);
        assert_eq!(got.is_empty(), ok, "{official} {in_favour}: {got:?}");
        if !ok {
            assert_eq!(codes(&got), ["vote_below_two_thirds"]);
        }
    }
}

#[test]
fn impossible_vote_counts() {
    let v =
        |official, present, in_favour, against| ChiBoVote { on: d(2025, 6, 1), official_members: official, present, in_favour, against };
    let cases: [(ChiBoVote, &[&str]); 5] = [
        (v(9, 9, 8, 2), &["votes_exceed_members", "votes_exceed_present"]),
        (v(9, 7, 7, 1), &["votes_exceed_present"]),
        (v(9, 10, 9, 0), &["present_exceeds_members"]),
        (v(0, 0, 0, 0), &["no_official_members"]),
        (v(9, 9, 6, 3), &[]),
    ];
    for (vote, expected) in cases {
        assert_eq!(codes(&check_vote(&vote)), expected, "{vote:?}");
    }
}

#[test]
fn introducers() {
    let c = AdmissionConfig::default();
    let vote = d(2025, 6, 10);
    let on = d(2025, 5, 1);
    let probationary = Introducer { official_since: Some(d(2025, 5, 2)), ..official("Lê Văn Cường", on) };
    let never = Introducer { official_since: None, ..official("Lê Văn Cường", on) };
    let short = Introducer { together_since: d(2024, 5, 2), ..official("Phạm Thị Dung", on) };
    let twelve = Introducer { together_since: d(2024, 5, 1), ..official("Phạm Thị Dung", on) };
    let neighbour_2020 =
        Introducer { together: Together::Residence, together_since: d(2018, 1, 1), ..official("Hoàng Văn Em", d(2020, 5, 1)) };
    let neighbour_2025 = Introducer { together: Together::Residence, ..official("Hoàng Văn Em", on) };
    let late = official("Vũ Văn Giang", d(2025, 6, 11));
    let a = official("Nguyễn Văn An", on);
    let cases: [(Introduction, bool, &[&str]); 9] = [
        (Introduction::TwoMembers(a.clone(), probationary.clone()), false, &["introducer_not_official"]),
        (Introduction::TwoMembers(a.clone(), never), false, &["introducer_not_official"]),
        (Introduction::TwoMembers(a.clone(), short), false, &["introducer_too_short"]),
        (Introduction::TwoMembers(a.clone(), twelve), false, &[]),
        (Introduction::TwoMembers(a.clone(), neighbour_2020), false, &["introducer_residence_not_counted"]),
        (Introduction::TwoMembers(a.clone(), neighbour_2025), false, &[]),
        (Introduction::TwoMembers(a.clone(), late), false, &["introduction_after_vote"]),
        (Introduction::YouthUnion { resolution_on: on, member: a.clone() }, true, &[]),
        (
            Introduction::YouthUnion { resolution_on: on, member: probationary },
            false,
            &["not_youth_union_member", "introducer_not_official"],
        ),
    ];
    for (intro, youth, expected) in cases {
        assert_eq!(codes(&check_introduction(&intro, youth, vote, &c)), expected, "{intro:?}");
    }
    let union = Introduction::TradeUnion { resolution_on: on, member: a };
    assert!(check_introduction(&union, false, vote, &c).is_empty());
    let strict = AdmissionConfig { trade_union_introduction: false, ..c };
    assert_eq!(codes(&check_introduction(&union, false, vote, &strict)), ["trade_union_introduction_disabled"]);
}

#[test]
fn readmission() {
    let vote = d(2025, 6, 10);
    let r = |left_on, previous_readmissions| Readmission {
        left_on,
        previous_readmissions,
        barred: false,
        record_expunged_on: None,
        provincial_consent: true,
    };
    let cases: [(Readmission, &[&str]); 6] = [
        // 35 months out (one day short of 36), then exactly 36.
        (r(d(2022, 6, 11), 0), &["readmission_too_soon"]),
        (r(d(2022, 6, 10), 0), &[]),
        (r(d(2020, 1, 1), 1), &["readmission_only_once"]),
        (Readmission { barred: true, ..r(d(2020, 1, 1), 0) }, &["readmission_barred"]),
        (Readmission { provincial_consent: false, ..r(d(2020, 1, 1), 0) }, &["readmission_without_consent"]),
        (Readmission { record_expunged_on: Some(d(2020, 6, 11)), ..r(d(2015, 1, 1), 0) }, &["readmission_too_soon_after_record"]),
    ];
    for (case, expected) in cases {
        assert_eq!(codes(&check_readmission(&case, vote)), expected, "{case:?}");
    }
    assert_eq!(full_months_between(d(2022, 6, 11), vote), 35);
    let mut file = good_file();
    file.readmission = Some(r(d(2019, 1, 1), 1));
    assert_eq!(codes(&check(&file, &AdmissionConfig::default())), ["readmission_only_once"]);
}

#[test]
fn stale_file() {
    let c = AdmissionConfig::default();
    let compiled = d(2024, 2, 29);
    let cases: [(Option<NaiveDate>, NaiveDate, bool); 4] = [
        (None, d(2025, 2, 28), true),
        (None, d(2025, 3, 1), false),
        (Some(d(2025, 2, 1)), d(2025, 6, 1), true),
        (Some(d(2023, 1, 1)), d(2025, 3, 1), false),
    ];
    for (renewed, vote, ok) in cases {
        assert_eq!(check_staleness(compiled, renewed, vote, &c).is_empty(), ok, "{renewed:?} {vote}");
    }
}

#[test]
fn dates_out_of_order() {
    let mut f = good_file();
    f.decision_on = Some(d(2025, 6, 19));
    assert_eq!(codes(&check_date_order(&f)), ["dates_out_of_order"]);
    let mut f = good_file();
    f.grassroots_resolution_on = Some(d(2025, 6, 9));
    assert_eq!(codes(&check_date_order(&f)), ["dates_out_of_order"]);
    let mut f = good_file();
    f.ceremony_on = Some(d(2025, 7, 16));
    assert_eq!(codes(&check_date_order(&f)), ["dates_out_of_order"]);
    let mut f = good_file();
    f.grassroots_resolution_on = None;
    f.decision_on = Some(f.vote.on);
    assert!(check_date_order(&f).is_empty());
}

#[test]
fn probation_ends_exactly_twelve_months_later() {
    let cases = [
        (d(2024, 2, 29), d(2025, 2, 28)),
        (d(2023, 2, 28), d(2024, 2, 28)),
        (d(2023, 3, 31), d(2024, 3, 31)),
        (d(2024, 1, 31), d(2025, 1, 31)),
        (d(2025, 7, 15), d(2026, 7, 15)),
    ];
    for (decision, official) in cases {
        assert_eq!(official_date(decision), official, "{decision}");
    }
}

#[test]
fn deadlines_on_working_days() {
    let cal = WorkCalendar::default();
    // Tết Ất Tỵ 2025: 25/01–02/02 off, so the weekdays 27–31/01 do not count.
    let received = d(2025, 1, 20);
    let naive = (1..=30).fold(received, |day, _| {
        let mut next = day.succ_opt().unwrap();
        while matches!(chrono::Datelike::weekday(&next), chrono::Weekday::Sat | chrono::Weekday::Sun) {
            next = next.succ_opt().unwrap();
        }
        next
    });
    let due = ceremony_deadline(&cal, received);
    assert!(cal.is_working_day(due));
    assert_eq!(cal.working_days_between(received, due), 30);
    assert_eq!(naive, d(2025, 3, 3));
    assert_eq!(due, d(2025, 3, 10));

    let resolution = d(2025, 1, 10);
    let due = decision_deadline(&cal, resolution, false);
    assert_eq!(cal.working_days_between(resolution, due), 60);
    assert!(!(d(2025, 1, 27)..=d(2025, 1, 31)).contains(&due));
    let extended = decision_deadline(&cal, resolution, true);
    assert_eq!(cal.working_days_between(resolution, extended), 90);

    let decision = d(2024, 2, 29);
    let proposal = recognition_proposal_deadline(&cal, decision);
    assert_eq!(cal.working_days_between(d(2025, 2, 28), proposal), 30);
    let recog = recognition_decision_deadline(&cal, d(2025, 3, 5), false);
    assert_eq!(cal.working_days_between(d(2025, 3, 5), recog), 30);
    assert_eq!(cal.working_days_between(d(2025, 3, 5), recognition_decision_deadline(&cal, d(2025, 3, 5), true)), 60);
}

#[test]
fn messages_are_vietnamese_and_cite_a_source() {
    let mut f = good_file();
    f.birth_date = d(2008, 1, 1);
    f.vote.in_favour = 2;
    f.certificate_on = Some(d(2019, 1, 1));
    let got = check(&f, &AdmissionConfig::default());
    assert_eq!(codes(&got), ["too_young", "certificate_expired", "vote_below_two_thirds"]);
    assert!(got[0].message.contains("chưa đủ 18 tuổi"), "{}", got[0].message);
    assert!(got.iter().all(|b| !b.source.is_empty()));
}
