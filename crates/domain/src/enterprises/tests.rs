use chrono::NaiveDate;

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn typed<'a>() -> EnterpriseFields<'a> {
    EnterpriseFields {
        name: "Công ty TNHH May Thành Công",
        tax_code: "0101234567",
        ownership: "tu-nhan",
        workers: "1.250",
        trade_union: true,
        ..EnterpriseFields::default()
    }
}

#[test]
fn a_tax_code_has_ten_digits_or_a_branch_suffix() {
    assert!(TaxCode::parse("0101234567").is_ok());
    assert_eq!(TaxCode::parse(" 0101234567-001 ").unwrap().as_str(), "0101234567-001");
    for bad in ["010123456", "01012345678", "0101234567-01", "01O1234567", ""] {
        assert!(TaxCode::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn an_enterprise_is_checked_as_typed() {
    let today = d(2026, 11, 25);
    let e = Enterprise::parse(&typed(), today).unwrap();
    assert_eq!((e.workers, e.trade_union, e.youth_union, e.party.clone()), (1250, true, false, None));
    let mut f = typed();
    f.name = "";
    f.tax_code = "123";
    f.workers = "nhiều";
    let e = Enterprise::parse(&f, today).unwrap_err();
    let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["name", "tax_code", "workers"]);
}

#[test]
fn a_party_organization_has_its_unit_day_and_decision() {
    let today = d(2026, 11, 25);
    let mut f = typed();
    f.founded_on = "15/03/2026";
    assert_eq!(Enterprise::parse(&f, today).unwrap_err().errors[0].code, "required", "a day without the unit");
    f.party_unit = Some(UnitId(9));
    f.decision = "125-QĐ/ĐU";
    let e = Enterprise::parse(&f, today).unwrap();
    assert_eq!(e.party.as_ref().map(|p| (p.unit, p.founded_on)), Some((UnitId(9), d(2026, 3, 15))));
    assert!(e.founded_within(d(2026, 1, 1), d(2026, 12, 31)) && !e.founded_within(d(2025, 1, 1), d(2025, 12, 31)));
    f.founded_on = "26/11/2026";
    assert_eq!(Enterprise::parse(&f, today).unwrap_err().errors[0].code, "future");
}

#[test]
fn progress_is_written_as_committees_report_it() {
    let s = sentence(Progress { done: 12, target: Some(40) }, Progress { done: 3, target: Some(8) });
    assert_eq!(s, "kết nạp 12 / chỉ tiêu 40 đảng viên trong doanh nghiệp tư nhân; thành lập 3 / 8 tổ chức đảng");
    let s = sentence(Progress { done: 2, target: None }, Progress { done: 0, target: None });
    assert!(s.contains("(chưa giao chỉ tiêu)"));
    assert_eq!(check_target("8"), Ok(8));
    assert!(check_target("-1").is_err() && check_target("x").is_err());
}
