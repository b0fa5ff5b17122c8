use super::*;
use crate::testing::{d, identity};

fn codes(r: Result<impl std::fmt::Debug, ValidationErrors>) -> Vec<(String, &'static str)> {
    r.err().map(|e| e.errors.iter().map(|e| (e.field.clone(), e.code)).collect()).unwrap_or_default()
}

#[test]
fn a_named_particular_needs_its_value_another_a_note() {
    let ok = RequestInput { field: RequestField::Hometown, value: "  xã Thanh Hà, tỉnh Lâm Giang ".into(), note: String::new() };
    assert_eq!(ok.check().unwrap().value, "xã Thanh Hà, tỉnh Lâm Giang");
    let empty = RequestInput { field: RequestField::BirthDate, value: " ".into(), note: "Giấy khai sinh".into() };
    assert_eq!(codes(empty.check()), [("value".to_owned(), "required")]);
    let other = RequestInput { field: RequestField::Other, value: String::new(), note: String::new() };
    assert_eq!(codes(other.check()), [("note".to_owned(), "required")]);
    let other = RequestInput { field: RequestField::Other, value: String::new(), note: "Bổ sung bằng thạc sĩ năm 2024".into() };
    assert!(other.check().is_ok());
}

#[test]
fn the_change_is_checked_like_the_edit_form() {
    let today = d(2026, 11, 25);
    let before = identity();
    let after = apply(&before, RequestField::Hometown, "xã Thanh Hà", today).unwrap();
    assert_eq!(after.hometown.as_deref(), Some("xã Thanh Hà"));
    assert_eq!(after.full_name, before.full_name, "nothing else changes");
    // A closed list takes its code or its label.
    assert_eq!(apply(&before, RequestField::Gender, "NAM", today).unwrap().gender.code(), "nam");
    assert_eq!(apply(&before, RequestField::Gender, "nam", today).unwrap().gender.code(), "nam");
    assert_eq!(apply(&before, RequestField::BirthDate, "05/06/1980", today).unwrap().birth_date, d(1980, 6, 5));
    // A bad value is refused under `value`, as the edit form would refuse it.
    assert_eq!(codes(apply(&before, RequestField::BirthDate, "31/02/1980", today)).first().map(|c| c.0.as_str()), Some("value"));
    assert_eq!(codes(apply(&before, RequestField::CitizenId, "123", today)).first().map(|c| c.0.as_str()), Some("value"));
    assert_eq!(apply(&before, RequestField::Other, "anything", today).unwrap(), before);
    assert_eq!(current(&after, RequestField::Hometown), "xã Thanh Hà");
    assert_eq!(current(&before, RequestField::OtherNames), "(chưa ghi)");
    assert_eq!(current(&before, RequestField::Gender), "Nữ");
    assert_eq!(codes(check_reason(" ")), [("reason".to_owned(), "required")]);
}
