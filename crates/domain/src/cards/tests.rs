//! The card series checks (rules.md §7) and the card check.

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn the_2003_series_has_eight_digits() {
    // rules.md §7: "Card number (2003-era card): 8 digits, written one per box".
    let s = CardSettings::default();
    assert_eq!(CardNumber::parse(Series::S2003, "12345678", s).unwrap().as_str(), "12345678");
    assert_eq!(CardNumber::parse(Series::S2003, "1234 5678", s).unwrap().as_str(), "12345678");
    assert_eq!(CardNumber::parse(Series::S2003, "1234567", s).unwrap_err().code, "length");
    assert_eq!(CardNumber::parse(Series::S2003, "123456789", s).unwrap_err().code, "length");
    assert_eq!(CardNumber::parse(Series::S2003, "1234567A", s).unwrap_err().code, "not_digits");
    assert_eq!(CardNumber::parse(Series::S2003, "", s).unwrap_err().code, "not_digits");
}

#[test]
fn the_2025_series_follows_the_setting() {
    // rules.md §7 [UNCONFIRMED]: 8 digits or the 12-digit personal number.
    let s = CardSettings::default();
    assert!(CardNumber::parse(Series::S2025, "12345678", s).is_ok());
    assert!(CardNumber::parse(Series::S2025, "001234567890", s).is_ok());
    assert_eq!(CardNumber::parse(Series::S2025, "0012345678901", s).unwrap_err().code, "length");
    let twelve = CardSettings { s2025: NumberFormat::parse("12").unwrap() };
    assert_eq!(CardNumber::parse(Series::S2025, "12345678", twelve).unwrap_err().code, "length");
    assert!(CardNumber::parse(Series::S2025, "001234567890", twelve).is_ok());
    // The 2003 series does not move with the setting.
    assert!(CardNumber::parse(Series::S2003, "12345678", twelve).is_ok());
    let message = CardNumber::parse(Series::S2025, "123", twelve).unwrap_err().message;
    assert!(message.contains("12 chữ số"), "{message}");
}

#[test]
fn number_format_settings() {
    assert_eq!(NumberFormat::parse("8-12").unwrap(), NumberFormat { min_digits: 8, max_digits: 12 });
    assert_eq!(NumberFormat::parse(" 10 ").unwrap(), NumberFormat { min_digits: 10, max_digits: 10 });
    assert!(NumberFormat::parse("12-8").is_err());
    assert!(NumberFormat::parse("3").is_err());
    assert!(NumberFormat::parse("twelve").is_err());
    assert_eq!(NumberFormat::parse("8-12").unwrap().describe(), "8–12 chữ số");
}

fn issue(kind: IssueKind, series: Series, on: NaiveDate) -> Issue {
    let s = CardSettings::default();
    Issue {
        series,
        number: CardNumber::parse(series, "12345678", s).unwrap(),
        kind,
        issued_on: on,
        decision: "12-QĐ/ĐU".into(),
        round: String::new(),
    }
}

fn codes(r: Result<(), ValidationErrors>) -> Vec<&'static str> {
    r.err().map(|e| e.errors.iter().map(|f| f.code).collect()).unwrap_or_default()
}

#[test]
fn cards_go_to_official_members_only() {
    // 24-QĐ/TW point 6.1: issued only to official members.
    let today = d(2026, 5, 1);
    let first = issue(IssueKind::New, Series::S2003, today);
    let official = Holder { official: true, has_card: false, card_issued_on: None };
    assert!(check_issue(&first, official, today).is_ok());
    let probationary = Holder { official: false, ..official };
    assert_eq!(codes(check_issue(&first, probationary, today)), ["not_official"]);
}

#[test]
fn the_kind_of_issue_follows_the_card_in_use() {
    let today = d(2026, 5, 1);
    let with_card = Holder { official: true, has_card: true, card_issued_on: Some(d(2010, 3, 2)) };
    let without = Holder { official: true, has_card: false, card_issued_on: None };
    assert_eq!(codes(check_issue(&issue(IssueKind::New, Series::S2003, today), with_card, today)), ["has_card"]);
    assert_eq!(codes(check_issue(&issue(IssueKind::AfterDamage, Series::S2003, today), without, today)), ["no_card"]);
    assert!(check_issue(&issue(IssueKind::AfterLoss, Series::S2003, today), without, today).is_ok());
    assert!(check_issue(&issue(IssueKind::AfterLoss, Series::S2003, today), with_card, today).is_ok());
    // The 2025 renewal (Chỉ thị 51-CT/TW) issues the new series.
    assert_eq!(codes(check_issue(&issue(IssueKind::Renewal, Series::S2003, today), with_card, today)), ["renewal_series"]);
    assert!(check_issue(&issue(IssueKind::Renewal, Series::S2025, today), with_card, today).is_ok());
    assert_eq!(codes(check_issue(&issue(IssueKind::AfterLoss, Series::S2003, d(2009, 1, 1)), with_card, today)), ["before_card"]);
    assert_eq!(codes(check_issue(&issue(IssueKind::New, Series::S2003, d(2026, 5, 2)), without, today)), ["future"]);
    assert_eq!(replaced_as(IssueKind::AfterLoss), Some(CardEnd::Lost));
    assert_eq!(replaced_as(IssueKind::Renewal), Some(CardEnd::Replaced));
    assert_eq!(replaced_as(IssueKind::New), None);
}

#[test]
fn the_card_check_of_one_member() {
    let base = CardFacts {
        official: true,
        probationary: false,
        out: false,
        card: Some((Series::S2003, "12345678")),
        record_number: Some("12345678"),
    };
    assert!(check_member(&base).is_empty());
    assert_eq!(check_member(&CardFacts { card: None, ..base.clone() }), [Finding::Missing]);
    assert_eq!(check_member(&CardFacts { record_number: Some("87654321"), ..base.clone() }), [Finding::Mismatch]);
    // A 2025 card's number is not compared with the old number on the record.
    assert!(check_member(&CardFacts { card: Some((Series::S2025, "001234567890")), ..base.clone() }).is_empty());
    assert_eq!(check_member(&CardFacts { official: false, probationary: true, ..base.clone() }), [Finding::Probationary]);
    assert_eq!(check_member(&CardFacts { official: false, out: true, ..base.clone() }), [Finding::NotReturned]);
    assert!(check_member(&CardFacts { official: false, out: true, card: None, ..base }).is_empty());
}

#[test]
fn duplicates_across_members() {
    let holdings = [(1, "11111111"), (1, "11111111"), (2, "22222222"), (3, "11111111"), (4, "33333333"), (5, "33333333")];
    let found = duplicates(&holdings);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0], Shared { number: "11111111".into(), holders: vec![1, 3] });
    assert_eq!(found[1].holders, vec![4, 5]);
    assert!(duplicates(&[(1, "11111111"), (1, "11111111")]).is_empty());
}
