use super::*;
use chrono::TimeZone;

#[test]
fn a_code_has_sixty_bits_in_twelve_characters() {
    let zero = ActivationCode::from_random([0; 8]);
    assert_eq!(zero.as_str(), "000000000000");
    let ones = ActivationCode::from_random([0xff; 8]);
    assert_eq!(ones.as_str(), "ZZZZZZZZZZZZ");
    // The last four bits of the eighth byte are not used.
    assert_eq!(ActivationCode::from_random([0, 0, 0, 0, 0, 0, 0, 0x0f]).as_str(), "000000000000");
    assert_eq!(ActivationCode::from_random([0, 0, 0, 0, 0, 0, 0, 0x10]).as_str(), "000000000001");
    assert_eq!(ActivationCode::from_random([0x08, 0, 0, 0, 0, 0, 0, 0]).as_str(), "100000000000");
    const { assert!(CODE_LEN * 5 >= 50) };
}

#[test]
fn codes_are_read_as_people_type_them() {
    let code = ActivationCode::from_random([0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0]);
    assert_eq!(code.grouped().len(), 14);
    assert_eq!(ActivationCode::parse(&code.grouped()).unwrap(), code);
    assert_eq!(ActivationCode::parse(&code.as_str().to_lowercase()).unwrap(), code);
    assert_eq!(ActivationCode::parse(" abcd efgh jkmn ").unwrap().as_str(), "ABCDEFGHJKMN");
    // Letters read as digits.
    assert_eq!(ActivationCode::parse("OOOO-IIII-LLLL").unwrap().as_str(), "000011111111");
    for bad in ["", "ABCD", "ABCD-EFGH-JKMNP", "ABCD-EFGH-JKM!", "ABCD-EFGH-JKMU", "ĐBCD-EFGH-JKMN"] {
        assert_eq!(ActivationCode::parse(bad).unwrap_err().code, "invalid_code", "{bad}");
    }
}

#[test]
fn codes_expire_after_the_setting() {
    let issued = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    let s = ActivationSettings::default();
    assert_eq!(s.expires(issued), Utc.with_ymd_and_hms(2026, 12, 31, 8, 0, 0).unwrap());
    assert!(s.check().is_ok());
    assert!(ActivationSettings { valid_days: 0 }.check().is_err());
    assert!(ActivationSettings { valid_days: 366 }.check().is_err());
    assert!(ActivationSettings { valid_days: 365 }.check().is_ok());
}

#[test]
fn official_and_probationary_members_use_the_handbook_exempt_ones_at_the_chi_bos_choice() {
    assert_eq!(offer(Status::Official), Offer::Always);
    assert_eq!(offer(Status::Probationary), Offer::Always);
    assert_eq!(offer(Status::Exempt), Offer::IfChosen);
    for s in [Status::TransferredOut, Status::StruckOff, Status::Exited, Status::Expelled, Status::Deceased] {
        assert_eq!(offer(s), Offer::Never);
    }
}

#[test]
fn the_user_name_is_the_citizen_id_unless_taken() {
    assert_eq!(username_for("001090012345", 7, |_| false), "001090012345");
    assert_eq!(username_for("001090012345", 7, |u| u == "001090012345"), "hb-7");
    assert_eq!(username_for("", 7, |_| false), "hb-7");
    assert_eq!(username_for("12 34", 7, |_| false), "hb-7");
}

#[test]
fn a_reply_is_attend_or_absent_with_a_reason() {
    assert_eq!(Reply::parse("attend", "").unwrap(), Reply::Attend);
    assert_eq!(Reply::parse("absent", " Đi công tác ").unwrap(), Reply::Absent { reason: "Đi công tác".into() });
    let e = Reply::parse("absent", "  ").unwrap_err();
    assert_eq!((e.field.as_str(), e.code), ("reason", "required"));
    assert_eq!(Reply::parse("maybe", "").unwrap_err().code, "invalid");
    assert!(Reply::Attend.attending() && Reply::Attend.reason().is_none());
}

#[test]
fn replies_close_on_the_day_of_the_meeting_or_when_attendance_is_recorded() {
    let held = chrono::NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
    assert!(check_reply(held - chrono::Duration::days(3), held, false).is_ok());
    assert!(check_reply(held, held, false).is_ok());
    assert_eq!(check_reply(held + chrono::Duration::days(1), held, false).unwrap_err().code, "meeting_past");
    assert_eq!(check_reply(held, held, true).unwrap_err().code, "meeting_past");
}
