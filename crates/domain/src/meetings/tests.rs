use super::*;
use crate::testing::d;

fn at(day: NaiveDate, hour: u32) -> NaiveDateTime {
    day.and_hms_opt(hour, 0, 0).unwrap()
}

fn member(presence: Presence) -> Attendee {
    Attendee { presence, exempt: false, away_temporarily: false, suspended: false }
}

#[test]
fn minimum_lengths_from_the_2025_guidance() {
    assert_eq!(MeetingKind::Regular.minimum_minutes(d(2025, 10, 27)), None, "before 42-HD/BTCTW");
    assert_eq!(MeetingKind::Regular.minimum_minutes(d(2025, 10, 28)), Some(90));
    assert_eq!(MeetingKind::Thematic.minimum_minutes(d(2026, 1, 5)), Some(90));
    assert_eq!(MeetingKind::Combined.minimum_minutes(d(2026, 1, 5)), Some(120));
    assert_eq!(MeetingKind::Extraordinary.minimum_minutes(d(2026, 1, 5)), None);
    assert!(MeetingKind::Combined.is_regular() && MeetingKind::Combined.is_thematic());
    assert!(!MeetingKind::Thematic.is_regular(), "a thematic meeting never replaces the monthly one");
}

#[test]
fn who_counts_in_a_vote() {
    let exempt_away = Attendee { exempt: true, ..member(Presence::Absent) };
    let exempt_here = Attendee { exempt: true, ..member(Presence::Present) };
    let elsewhere = Attendee { away_temporarily: true, ..member(Presence::Absent) };
    let suspended = Attendee { suspended: true, ..member(Presence::Present) };
    let list = [
        member(Presence::Present),
        member(Presence::Present),
        member(Presence::Absent),
        member(Presence::Excused),
        exempt_away,
        exempt_here,
        elsewhere,
        suspended,
    ];
    // Counted: the two present, the one absent without reason, the exempt member who came.
    assert_eq!(vote_denominator(&list), 4);
}

#[test]
fn thresholds_measure_against_everyone_who_counts() {
    let mut list = vec![member(Presence::Present); 6];
    list.extend([member(Presence::Absent); 3]);
    // Nine count, six present.
    let vote = |yes, no| Vote { yes, no, abstain: 0 };
    assert_eq!(vote(5, 1).passes(Threshold::MoreThanHalf, &list), Ok(true));
    assert_eq!(vote(4, 2).passes(Threshold::MoreThanHalf, &list), Ok(false), "4 of 9 is not more than half");
    assert_eq!(vote(6, 0).passes(Threshold::AtLeastTwoThirds, &list), Ok(true), "6 of 9 is two-thirds");
    assert_eq!(vote(6, 0).passes(Threshold::MoreThanTwoThirds, &list), Ok(false));
    assert_eq!(vote(5, 0).passes(Threshold::AtLeastTwoThirds, &list), Ok(false));
    let refused = vote(6, 1).passes(Threshold::MoreThanHalf, &list).unwrap_err();
    assert_eq!(refused.code, "too_many_votes");
    assert_eq!(Vote::default().passes(Threshold::MoreThanHalf, &[]), Ok(false), "nobody to vote");
}

#[test]
fn documents_go_out_a_day_before() {
    let meeting = at(d(2026, 3, 10), 19);
    assert!(documents_in_time(at(d(2026, 3, 9), 19), meeting));
    assert!(!documents_in_time(at(d(2026, 3, 9), 20), meeting));
    assert!(documents_in_time(at(d(2026, 3, 1), 8), meeting));
}

#[test]
fn months_and_quarters_without_their_meetings() {
    let held = [
        Held { on: d(2026, 1, 15), kind: MeetingKind::Regular },
        Held { on: d(2026, 2, 14), kind: MeetingKind::Combined },
        Held { on: d(2026, 3, 3), kind: MeetingKind::Thematic },
        Held { on: d(2026, 5, 20), kind: MeetingKind::Regular },
        Held { on: d(2026, 7, 2), kind: MeetingKind::Extraordinary },
    ];
    let months = months_without_regular(&held, d(2026, 1, 1), d(2026, 7, 20));
    assert_eq!(months.iter().map(|m| m.label()).collect::<Vec<_>>(), ["tháng 3/2026", "tháng 4/2026", "tháng 6/2026"]);
    let quarters = quarters_without_thematic(&held, d(2026, 1, 1), d(2026, 7, 20));
    assert_eq!(quarters.iter().map(|q| q.label()).collect::<Vec<_>>(), ["quý II/2026"], "July's quarter is under way");
    assert_eq!(months_without_regular(&held, d(2025, 12, 5), d(2026, 1, 10)), vec![Month { year: 2025, month: 12 }]);
    assert!(months_without_regular(&[], d(2026, 7, 1), d(2026, 7, 31)).is_empty(), "the month under way is not judged");
}

#[test]
fn absences_without_reason_by_month_of_the_year() {
    let record = [
        (d(2026, 1, 10), Presence::Absent),
        (d(2026, 1, 25), Presence::Absent),
        (d(2026, 3, 10), Presence::Excused),
        (d(2026, 4, 10), Presence::Absent),
        (d(2026, 9, 10), Presence::Absent),
        (d(2025, 12, 10), Presence::Absent),
    ];
    let months = months_absent_without_reason(&record, 2026);
    assert_eq!(months.len(), ABSENT_MONTHS_FOR_STRIKE_OFF, "January counted once, the excused March not at all: {months:?}");
    assert_eq!(months_absent_without_reason(&record, 2025).len(), 1);
}

#[test]
fn minutes_lock_when_both_have_signed() {
    let mut m = Minutes::default();
    assert_eq!(m.sign(Signer::Chair, "Bí thư", d(2026, 3, 10)).unwrap_err().code, "required");
    m.edit("Chi bộ họp thường kỳ tháng 3.").unwrap();
    m.sign(Signer::Chair, "Nguyễn Văn An", d(2026, 3, 10)).unwrap();
    assert_eq!(m.sign(Signer::Chair, "Nguyễn Văn An", d(2026, 3, 10)).unwrap_err().code, "already_signed");
    // Editing withdraws the signature: the chair signs what is written.
    m.edit("Chi bộ họp thường kỳ tháng 3/2026.").unwrap();
    assert_eq!(m.chair, None);
    assert_eq!(m.amend("x", "Lê Thị Bình", d(2026, 3, 11)).unwrap_err().code, "not_locked");
    m.sign(Signer::Chair, "Nguyễn Văn An", d(2026, 3, 10)).unwrap();
    m.sign(Signer::Secretary, "Lê Thị Bình", d(2026, 3, 11)).unwrap();
    assert!(m.is_locked());
    assert_eq!(m.edit("khác").unwrap_err().code, "locked");
    assert_eq!(m.amend("Sửa số người dự.", "Lê Thị Bình", d(2026, 3, 10)).unwrap_err().code, "before_sign_off");
    m.amend("Sửa số người dự: 12 đồng chí.", "Lê Thị Bình", d(2026, 3, 12)).unwrap();
    assert_eq!(m.text, "Chi bộ họp thường kỳ tháng 3/2026.", "the signed text never changes");
    assert_eq!(m.amendments.len(), 1);
}

#[test]
fn codes_read_back() {
    for k in MeetingKind::ALL {
        assert_eq!(MeetingKind::parse(k.code()), Ok(*k));
    }
    for p in Presence::ALL {
        assert_eq!(Presence::parse(p.code()), Ok(*p));
    }
    assert_eq!(Threshold::parse("tren-hai-phan-ba"), Ok(Threshold::MoreThanTwoThirds));
}

#[test]
fn a_chi_bo_holds_its_meetings_and_a_grassroots_committee_its_plenaries() {
    use crate::unit::UnitKind;
    use MeetingKind::*;
    assert_eq!(MeetingKind::held_by_unit(UnitKind::Cell), vec![Regular, Thematic, Combined, Extraordinary, Committee]);
    assert_eq!(MeetingKind::held_by_unit(UnitKind::GrassrootsCell), vec![Regular, Thematic, Combined, Extraordinary, Committee]);
    assert_eq!(MeetingKind::held_by_unit(UnitKind::GrassrootsCommittee), vec![Extraordinary, Plenary, Committee, Standing]);
    for upper in [UnitKind::Province, UnitKind::Commune] {
        assert_eq!(MeetingKind::held_by_unit(upper), vec![Committee, Standing], "{upper:?}");
    }
    assert_eq!(MeetingKind::held_by_unit(UnitKind::SubCommittee), vec![Committee]);
    assert!(MeetingKind::held_by_unit(UnitKind::Group).is_empty());
    // The bodies' meetings summon their seats and never count as a chi bộ's own.
    assert_eq!(Committee.summons(), Summons::Seats { standing_only: false });
    assert_eq!(Standing.summons(), Summons::Seats { standing_only: true });
    assert_eq!(Regular.summons(), Summons::Members);
    assert_eq!(Plenary.summons(), Summons::Members);
    assert!(!Committee.is_regular() && !Standing.is_thematic() && Committee.minimum_minutes(d(2026, 1, 5)).is_none());
    assert_eq!(Plenary.minimum_minutes(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()), None);
    assert!(!Plenary.is_regular() && !Plenary.is_thematic());
}

#[test]
fn a_grassroots_committee_holds_a_plenary_in_each_half_year() {
    let plenary = |on| Held { on, kind: MeetingKind::Plenary };
    let extraordinary = |on| Held { on, kind: MeetingKind::Extraordinary };
    let start = d(2000, 1, 1);
    // Nothing judged before a half is over.
    assert!(halves_without_plenary(&[], 2026, start, d(2026, 6, 30)).is_empty());
    assert_eq!(halves_without_plenary(&[], 2026, start, d(2026, 7, 1)), vec!["6 tháng đầu năm 2026"]);
    assert_eq!(
        halves_without_plenary(&[extraordinary(d(2026, 3, 1))], 2026, start, d(2027, 1, 1)).len(),
        2,
        "an extraordinary one is not the review"
    );
    let both = [plenary(d(2026, 6, 30)), plenary(d(2026, 12, 20))];
    assert!(halves_without_plenary(&both, 2026, start, d(2027, 1, 1)).is_empty());
    assert_eq!(halves_without_plenary(&both[..1], 2026, start, d(2027, 1, 1)), vec!["6 tháng cuối năm 2026"]);
    // A committee formed in March is judged from the second half.
    assert_eq!(halves_without_plenary(&[], 2026, d(2026, 3, 1), d(2027, 1, 1)), vec!["6 tháng cuối năm 2026"]);
}
