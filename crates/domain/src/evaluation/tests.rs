use chrono::NaiveDate;

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn a_round_follows_the_regulation_of_its_opening_day() {
    // 124-QĐ/TW until 29/8/2025, 366-QĐ/TW from 30/8/2025 (rules.md §8); historical rounds keep theirs.
    assert_eq!(Regulation::on(d(2025, 8, 29)), Regulation::Qd124);
    assert_eq!(Regulation::on(d(2025, 8, 30)), Regulation::Qd366);
    assert!(Regulation::Qd366.scored() && !Regulation::Qd124.scored());
}

#[test]
fn under_366_a_score_yields_its_level() {
    // 366-QĐ/TW art. 11: ≥ 90 excellent, 70 to < 90 good, 50 to < 70 completed, < 50 not completed.
    assert_eq!(level_for_score(100), Level::Excellent);
    assert_eq!(level_for_score(90), Level::Excellent);
    assert_eq!(level_for_score(89), Level::Good);
    assert_eq!(level_for_score(70), Level::Good);
    assert_eq!(level_for_score(69), Level::Completed);
    assert_eq!(level_for_score(50), Level::Completed);
    assert_eq!(level_for_score(49), Level::NotCompleted);
    let facts = Facts::default();
    let r = check_rating(Regulation::Qd366, "tot", "85,5", facts).unwrap();
    assert_eq!(r, Rating { level: Level::Good, score: Some(85) });
    // A level above the score is refused; a lower one records a disqualifying condition.
    assert_eq!(check_rating(Regulation::Qd366, "xuat-sac", "89", facts).unwrap_err().errors[0].code, "above_score");
    assert!(check_rating(Regulation::Qd366, "hoan-thanh", "95", facts).is_ok());
    assert_eq!(check_rating(Regulation::Qd366, "tot", "", facts).unwrap_err().errors[0].code, "required");
    assert_eq!(check_rating(Regulation::Qd366, "tot", "101", facts).unwrap_err().errors[0].code, "range");
}

#[test]
fn under_124_levels_are_given_without_a_score() {
    let r = check_rating(Regulation::Qd124, "xuat-sac", "", Facts::default()).unwrap();
    assert_eq!(r, Rating { level: Level::Excellent, score: None });
    assert_eq!(check_rating(Regulation::Qd124, "tot", "80", Facts::default()).unwrap_err().errors[0].code, "not_scored");
}

fn plan(period: Period, due_on: NaiveDate) -> RoundPlan {
    RoundPlan { period, quota_percent: 20, due_on, criteria: None }
}

fn criteria() -> Criteria {
    Criteria::parse_lines("Chính trị, tư tưởng | 20\nĐạo đức, lối sống | 20\n\nKết quả thực hiện nhiệm vụ | 60").unwrap().unwrap()
}

#[test]
fn a_committee_may_enter_its_own_criteria_summing_to_100() {
    // 366-QĐ/TW art. 11: a 100-point scale; the per-criterion breakdown is the committee's (rules.md §8).
    let c = criteria();
    assert_eq!(c.items().len(), 3);
    assert_eq!(c.items()[2], Criterion { name: "Kết quả thực hiện nhiệm vụ".into(), max_points: 60 });
    assert_eq!(Criteria::parse_lines(&c.lines()).unwrap().unwrap(), c, "written back as typed");
    assert_eq!(Criteria::parse_lines("  \n ").unwrap(), None);
    let code = |text: &str| Criteria::parse_lines(text).unwrap_err().errors[0].code;
    assert_eq!(code("A | 50\nB | 40"), "sum");
    assert_eq!(code("A | 50\na | 50"), "name_twice");
    assert_eq!(code("A | 100\nB | 0"), "points_zero");
    assert_eq!(code("A 100"), "line");
    assert_eq!(code("A | nhiều"), "points");
    assert_eq!(code(&format!("{} | 100", "x".repeat(201))), "name_long");
    let spaced = Criteria::new(vec![Criterion { name: "  Chính trị  ".into(), max_points: 100 }]).unwrap();
    assert_eq!(spaced.items()[0].name, "Chính trị", "names are kept trimmed, as typed in the form");
    assert_eq!(code(&(0..31).map(|i| format!("T{i} | 1")).collect::<Vec<_>>().join("\n")), "count");
    // Only under 366-QĐ/TW.
    let with = RoundPlan { criteria: Some(c), ..plan(Period::Year(2025), d(2025, 7, 1)) };
    assert_eq!(check_round(Regulation::Qd124, &with, d(2025, 6, 1)).unwrap_err().errors[0].code, "not_scored");
}

#[test]
fn with_a_criteria_list_the_points_give_the_total() {
    let c = criteria();
    let typed = |level: &'static str, score: &'static str, points: &[&str]| {
        let points: Vec<String> = points.iter().map(|p| p.to_string()).collect();
        check_round_rating(Regulation::Qd366, Some(&c), TypedRating { level, score, points: &points }, Facts::default())
    };
    let (rating, points) = typed("tot", "", &["18", "17,5", "50"]).unwrap();
    assert_eq!((rating, points), (Rating { level: Level::Good, score: Some(85) }, vec![18, 17, 50]));
    assert_eq!(typed("tot", "85", &["18", "17", "50"]).unwrap().0.score, Some(85), "a total typed beside them agrees");
    assert_eq!(typed("tot", "90", &["18", "17", "50"]).unwrap_err().errors[0].code, "sum");
    assert_eq!(typed("tot", "", &["21", "17", "50"]).unwrap_err().errors[0].code, "range");
    assert_eq!(typed("tot", "", &["18", "17"]).unwrap_err().errors[0].code, "count");
    assert_eq!(typed("xuat-sac", "", &["18", "17", "50"]).unwrap_err().errors[0].code, "above_score");
    // Without a list, points are refused and the total is the score.
    let points = vec!["10".to_string()];
    let e = check_round_rating(Regulation::Qd366, None, TypedRating { level: "tot", score: "80", points: &points }, Facts::default());
    assert_eq!(e.unwrap_err().errors[0].code, "no_criteria");
    let r = check_round_rating(Regulation::Qd366, None, TypedRating { level: "tot", score: "80", points: &[] }, Facts::default());
    assert_eq!(r.unwrap(), (Rating { level: Level::Good, score: Some(80) }, vec![]));
}

#[test]
fn a_round_covers_a_period_its_regulation_allows() {
    // 124-QĐ/TW rates by year; 366-QĐ/TW by term, year, quarter or when needed (rules.md §8).
    let quarter = Period::Quarter { year: 2025, quarter: 1 };
    assert_eq!(check_round(Regulation::Qd124, &plan(quarter, d(2025, 7, 1)), d(2025, 6, 1)).unwrap_err().errors[0].code, "yearly_only");
    let term = Period::Term { first: 2020, last: 2025 };
    assert_eq!(check_round(Regulation::Qd124, &plan(term, d(2025, 7, 1)), d(2025, 6, 1)).unwrap_err().errors[0].code, "yearly_only");
    assert!(check_round(Regulation::Qd366, &plan(term, d(2025, 12, 31)), d(2025, 10, 1)).is_ok());
    assert!(check_round(Regulation::Qd366, &plan(Period::Quarter { year: 2026, quarter: 3 }, d(2026, 10, 15)), d(2026, 10, 1)).is_ok());
    assert_eq!(
        check_round(Regulation::Qd366, &plan(Period::Year(2027), d(2027, 1, 15)), d(2026, 12, 1)).unwrap_err().errors[0].code,
        "future"
    );
}

#[test]
fn a_round_is_due_on_or_after_its_opening() {
    let year = Period::Year(2026);
    assert!(check_round(Regulation::Qd366, &plan(year, d(2026, 12, 1)), d(2026, 12, 1)).is_ok(), "due the day it opens");
    let e = check_round(Regulation::Qd366, &plan(year, d(2026, 11, 30)), d(2026, 12, 1)).unwrap_err();
    assert_eq!((&*e.errors[0].field, e.errors[0].code), ("due_on", "before_opening"));
    // The residence's comment counts for the round when it came by the deadline (213-QĐ/TW, rules.md §11).
    assert!(comment_in_time(d(2026, 12, 20), d(2026, 12, 20)));
    assert!(!comment_in_time(d(2026, 12, 21), d(2026, 12, 20)));
}

#[test]
fn progress_counts_what_each_step_still_waits_for() {
    let p = Progress { total: 10, self_assessed: 6, proposed: 4, decided: 1 };
    assert_eq!((p.awaiting_self(), p.awaiting_proposal(), p.awaiting_decision()), (4, 6, 9));
    // A proposal made without a self-assessment leaves nobody waiting for it.
    let p = Progress { total: 10, self_assessed: 2, proposed: 5, decided: 5 };
    assert_eq!((p.awaiting_self(), p.awaiting_proposal(), p.awaiting_decision()), (5, 5, 5));
    let mut sum = Progress::default();
    sum.add(Progress { total: 3, self_assessed: 3, proposed: 3, decided: 3 });
    assert!(sum.finished());
    sum.add(Progress { total: 1, ..Progress::default() });
    assert!(!sum.finished());
}

#[test]
fn discipline_in_the_period_blocks_excellent() {
    let disciplined = Facts { disciplined: true };
    assert_eq!(check_rating(Regulation::Qd366, "xuat-sac", "95", disciplined).unwrap_err().errors[0].code, "disciplined");
    assert!(check_rating(Regulation::Qd366, "tot", "95", disciplined).is_ok());
    assert_eq!(check_rating(Regulation::Qd124, "xuat-sac", "", disciplined).unwrap_err().errors[0].code, "disciplined");
}

#[test]
fn the_quota_of_excellent_is_a_share_of_those_good_or_better() {
    // 20 % of those rated good or better in a group (366-QĐ/TW art. 11 per reports.md §1.4).
    assert_eq!(quota(10, 20), 2);
    assert_eq!(quota(4, 20), 0, "rounded down: a group of four has none");
    assert!(check_quota(GroupCounts { good_or_better: 10, excellent: 2 }, 20).is_ok());
    let e = check_quota(GroupCounts { good_or_better: 10, excellent: 3 }, 20).unwrap_err();
    assert_eq!(e.code, "quota");
    assert!(e.message.contains("tối đa 2"), "{}", e.message);
    assert!(check_quota(GroupCounts { good_or_better: 12, excellent: 3 }, 25).is_ok(), "25 % where the competent level allows it");
}

#[test]
fn periods_read_and_write_alike() {
    assert_eq!(Period::parse("2026").unwrap(), Period::Year(2026));
    assert_eq!(Period::parse("2026-Q3").unwrap(), Period::Quarter { year: 2026, quarter: 3 });
    assert_eq!(Period::Quarter { year: 2026, quarter: 3 }.code(), "2026-Q3");
    assert_eq!(Period::Quarter { year: 2026, quarter: 3 }.label(), "quý III/2026");
    assert_eq!(Period::Quarter { year: 2026, quarter: 4 }.days(), (d(2026, 10, 1), d(2026, 12, 31)));
    assert!(Period::parse("2026-Q5").is_err() && Period::parse("x").is_err());
    let term = Period::parse("2020-2025").unwrap();
    assert_eq!(term, Period::Term { first: 2020, last: 2025 });
    assert_eq!((term.code(), term.label(), term.year()), ("2020-2025".to_string(), "nhiệm kỳ 2020–2025".to_string(), 2025));
    assert_eq!(term.days(), (d(2020, 1, 1), d(2025, 12, 31)));
    assert_eq!(term.previous(), Period::Term { first: 2015, last: 2020 });
    assert_eq!(Period::parse("2025-2020").unwrap_err().code, "term_order");
    assert_eq!(Period::parse("2015-2025").unwrap_err().code, "term_length");
    assert_eq!(Period::Quarter { year: 2026, quarter: 1 }.previous(), Period::Quarter { year: 2025, quarter: 4 });
    assert_eq!(Period::Year(2026).previous(), Period::Year(2025));
    assert_eq!(percent(1, 8), "12,5%");
    assert_eq!(percent(1, 4), "25%");
    assert_eq!(percent(0, 0), "—");
}
