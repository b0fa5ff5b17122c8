use chrono::NaiveDate;

use super::*;
use crate::ids::UnitId;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn typed<'a>(category: &'a str) -> TieFields<'a> {
    TieFields {
        category,
        address: "Số 5, thôn Đông, xã An Phú",
        cell: Some(UnitId(7)),
        letter_number: "15-GGT/ĐU",
        letter_on: "10/01/2026",
        confirmed_on: "20/01/2026",
        ..TieFields::default()
    }
}

#[test]
fn working_members_are_those_of_agencies_enterprises_and_the_armed_forces() {
    // 213-QĐ/TW binds "đảng viên đang công tác" (rules.md §11).
    assert!(is_working_member(OccupationGroup::PublicServiceEmployee));
    assert!(is_working_member(OccupationGroup::EnterpriseWorker));
    assert!(is_working_member(OccupationGroup::ArmedForces));
    assert!(!is_working_member(OccupationGroup::Agriculture));
    assert!(!is_working_member(OccupationGroup::Retired));
    assert!(!is_working_member(OccupationGroup::UniversityStudent));
}

#[test]
fn an_introduced_member_needs_the_residence_chi_bo_and_the_letter() {
    let today = d(2026, 11, 25);
    let t = Tie::parse(&typed("gioi-thieu"), today).unwrap();
    assert_eq!(
        (t.category, t.cell.clone(), t.letter.clone()),
        (Category::Introduced, Some(ResidenceCell::Internal(UnitId(7))), Some(("15-GGT/ĐU".into(), d(2026, 1, 10))))
    );
    let mut f = typed("gioi-thieu");
    f.cell = None;
    f.letter_number = "";
    let e = Tie::parse(&f, today).unwrap_err();
    let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["cell", "letter_number"]);
    // A chi bộ outside the register, by name.
    f = typed("gioi-thieu");
    f.cell = None;
    f.cell_outside = "Chi bộ tổ dân phố 3, phường Hòa Bình, tỉnh khác";
    assert!(matches!(Tie::parse(&f, today).unwrap().cell, Some(ResidenceCell::External(_))));
    // The confirmation follows the letter; nothing in the future.
    f = typed("gioi-thieu");
    f.confirmed_on = "05/01/2026";
    assert_eq!(Tie::parse(&f, today).unwrap_err().errors[0].code, "before_letter");
    f.confirmed_on = "26/11/2026";
    assert_eq!(Tie::parse(&f, today).unwrap_err().errors[0].code, "future");
}

#[test]
fn exempt_categories_need_their_reason_and_have_no_yearly_comment() {
    // Hướng dẫn 33-HD/BTCTW: introduced but exempt, or not introduced (rules.md §11).
    let today = d(2026, 11, 25);
    let e = Tie::parse(&typed("mien-sinh-hoat"), today).unwrap_err();
    assert_eq!(e.errors[0].field, "reason");
    let mut f = typed("mien-sinh-hoat");
    f.reason = "Làm việc lưu động trên công trình thủy điện";
    let t = Tie::parse(&f, today).unwrap();
    assert!(!t.category.yearly_comment());
    let mut f = typed("khong-gioi-thieu");
    f.reason = "Nhiệm vụ đặc biệt";
    f.cell = None;
    f.letter_number = "";
    f.letter_on = "";
    f.confirmed_on = "";
    let t = Tie::parse(&f, today).unwrap();
    assert_eq!((t.cell.clone(), t.letter.clone()), (None, None));
    assert_eq!(contact_due(&t, None, 6), None, "nothing to keep");
}

#[test]
fn a_contact_is_overdue_six_months_after_the_last() {
    // "Every 6 months or when needed" (213-QĐ/TW art. 4); the interval a setting.
    let t = Tie::parse(&typed("gioi-thieu"), d(2026, 11, 25)).unwrap();
    assert_eq!(contact_due(&t, None, 6), Some(d(2026, 7, 10)), "from the letter when there was no contact");
    assert!(contact_overdue(&t, None, 6, d(2026, 7, 11)));
    assert!(!contact_overdue(&t, Some(d(2026, 6, 1)), 6, d(2026, 12, 1)));
    assert!(contact_overdue(&t, Some(d(2026, 6, 1)), 6, d(2026, 12, 2)));
    assert!(!contact_overdue(&t, Some(d(2026, 6, 1)), 12, d(2027, 5, 31)));
}

#[test]
fn a_comment_is_for_its_year_or_the_one_before() {
    let today = d(2026, 12, 10);
    let c = Comment::parse("2026", "tot", "Gương mẫu, tham gia đầy đủ sinh hoạt khu dân cư.", "Nguyễn Văn Bí", "", today).unwrap();
    assert_eq!((c.year, c.rating, c.on), (2026, CommentRating::Good, today));
    assert!(Comment::parse("2025", "tot", "Tốt", "B", "05/01/2026", today).is_ok());
    assert_eq!(Comment::parse("2024", "tot", "Tốt", "B", "05/01/2026", today).unwrap_err().errors[0].code, "year_mismatch");
    let e = Comment::parse("x", "", "", "", "11/12/2026", today).unwrap_err();
    assert_eq!(e.errors.len(), 5);
}

#[test]
fn the_standing_of_a_year_counts_contacts_and_the_comment() {
    let t = Tie::parse(&typed("gioi-thieu"), d(2026, 11, 25)).unwrap();
    let s = TieStanding::of(Some(&t), &[d(2026, 3, 1), d(2026, 9, 1), d(2025, 9, 1)], &[2025], 2026, 6, d(2026, 11, 25));
    assert_eq!(
        s,
        TieStanding {
            registered: true,
            confirmed: true,
            contacts_in_year: 2,
            contact_overdue: false,
            comment_expected: true,
            comment_received: false
        }
    );
    assert!(!TieStanding::of(None, &[], &[], 2026, 6, d(2026, 11, 25)).registered);
}

#[test]
fn the_worklist_counts_what_each_working_member_still_owes() {
    // 213-QĐ/TW (rules.md §11): introduced, confirmed by the residence, contacted at least every
    // interval, commented on each year.
    let today = d(2026, 11, 25);
    let introduced = Tie::parse(&typed("gioi-thieu"), today).unwrap();
    let mut waiting = introduced.clone();
    waiting.confirmed_on = None;
    let standings = [
        TieStanding::of(None, &[], &[], 2026, 6, today),
        TieStanding::of(Some(&introduced), &[d(2026, 9, 1)], &[2026], 2026, 6, today),
        TieStanding::of(Some(&introduced), &[d(2025, 9, 1)], &[], 2026, 6, today),
        TieStanding::of(Some(&waiting), &[d(2026, 9, 1)], &[2026], 2026, 6, today),
    ];
    let due = ResidenceDue::of(&standings);
    assert_eq!(
        due,
        ResidenceDue { working: 4, not_registered: 1, unconfirmed: 1, contact_overdue: 1, comments_missing: 1 },
        "{standings:?}"
    );
    assert!(!due.is_clear());
    assert!(ResidenceDue::of(&standings[1..2]).is_clear());
}
