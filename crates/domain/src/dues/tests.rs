use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn m(year: i32, month: u32) -> Month {
    Month::new(year, month).unwrap()
}

fn basis(kind: BasisKind, amount: Option<Dong>) -> Basis {
    Basis::new(kind, amount).unwrap()
}

fn assess_one(month: Month, bases: &[DatedBasis], reliefs: &[Relief], party_age: Option<u32>) -> Assessment {
    assess(&MonthFacts { month, bases, reliefs, party_age_months: party_age }, &DuesSettings::default()).unwrap()
}

#[test]
fn the_month_falls_under_the_regulation_in_force_that_month() {
    // 342-QĐ/TW applied from 1/4/2011 (rules.md §10.2); 01-QĐ/TW from the configured month,
    // March 2026 by default (signed 3/2/2026, rules.md §10.1).
    let s = DuesSettings::default();
    assert_eq!(s.regulation(m(2011, 3)), None);
    assert_eq!(s.regulation(m(2011, 4)), Some(Regulation::Qd342));
    assert_eq!(s.regulation(m(2026, 2)), Some(Regulation::Qd342));
    assert_eq!(s.regulation(m(2026, 3)), Some(Regulation::Qd01));
    let later = DuesSettings { rule_01_from: m(2026, 7), ..s };
    assert_eq!(later.regulation(m(2026, 6)), Some(Regulation::Qd342));
    assert_eq!(later.regulation(m(2026, 7)), Some(Regulation::Qd01));
    let early = DuesSettings { rule_01_from: m(2026, 1), ..s };
    assert!(early.check().is_err(), "01-QĐ/TW cannot govern before it was signed");
}

#[test]
fn a_salary_month_across_the_rule_change_reads_the_base_of_the_month_before() {
    // Salary 8.000.000 đ until February 2026, 9.000.000 đ from March.
    let bases = [
        DatedBasis { from: m(2025, 1), basis: basis(BasisKind::SocialInsurance, Some(8_000_000)) },
        DatedBasis { from: m(2026, 3), basis: basis(BasisKind::SocialInsurance, Some(9_000_000)) },
    ];
    // February 2026, 342-QĐ/TW: 1 % of that month's salary.
    let feb = assess_one(m(2026, 2), &bases, &[], Some(120));
    assert_eq!((feb.regulation, feb.due, feb.base), (Regulation::Qd342, 80_000, Some(8_000_000)));
    // March 2026, 01-QĐ/TW: 1 % of the social-insurance base of the month before (February's).
    let mar = assess_one(m(2026, 3), &bases, &[], Some(121));
    assert_eq!((mar.regulation, mar.due, mar.base), (Regulation::Qd01, 80_000, Some(8_000_000)));
    assert!(mar.rule.contains("tháng trước liền kề"));
    // April 2026: March's base.
    assert_eq!(assess_one(m(2026, 4), &bases, &[], Some(122)).due, 90_000);
}

#[test]
fn every_basis_has_its_rate_under_each_regulation() {
    let under = |month: Month, kind: BasisKind, amount: Option<Dong>| {
        assess_one(month, &[DatedBasis { from: m(2011, 4), basis: basis(kind, amount) }], &[], Some(100)).due
    };
    let (old, new) = (m(2025, 6), m(2026, 6));
    // 01-QĐ/TW (rules.md §10.1).
    assert_eq!(under(new, BasisKind::SicknessBenefit, Some(5_000_000)), 50_000);
    assert_eq!(under(new, BasisKind::Pension, Some(7_000_000)), 35_000);
    assert_eq!(under(new, BasisKind::Student, None), 5_000);
    assert_eq!(under(new, BasisKind::SocialPension, None), 0);
    assert_eq!(under(new, BasisKind::Other, None), 10_000);
    assert_eq!(under(new, BasisKind::Abroad, Some(30_000_000)), 300_000);
    // 342-QĐ/TW (rules.md §10.2): students are "other members"; beyond working age half.
    assert_eq!(under(old, BasisKind::Pension, Some(7_000_000)), 35_000);
    assert_eq!(under(old, BasisKind::Student, None), 10_000);
    assert_eq!(under(old, BasisKind::OtherRetired, None), 5_000);
    assert_eq!(under(old, BasisKind::SocialPension, None), 5_000);
    // Half a đồng rounds up: 0,5 % of 3.000.100 đ = 15.000,5 đ.
    assert_eq!(under(new, BasisKind::Pension, Some(3_000_100)), 15_001);
}

#[test]
fn an_amount_is_required_exactly_where_the_basis_has_one() {
    assert!(Basis::new(BasisKind::SocialInsurance, None).is_err());
    assert!(Basis::new(BasisKind::Pension, Some(0)).is_err());
    assert_eq!(Basis::new(BasisKind::Student, Some(5)).unwrap().amount(), None);
    assert!(Basis::parse("bhxh", "8.500.000").is_ok());
    assert_eq!(Basis::parse("bhxh", "8.500.000").unwrap().amount(), Some(8_500_000));
    let e = Basis::parse("ho-kinh-doanh", "").unwrap_err();
    assert_eq!(e.errors[0].field, "kind");
    assert!(Basis::parse("bhxh", "abc").unwrap_err().errors.iter().any(|e| e.field == "amount"));
}

#[test]
fn a_member_reaching_party_age_50_mid_year_is_exempt_from_that_month() {
    // Admitted 15/7/1976: 50 years on 15/7/2026 (01-QĐ/TW, rules.md §10.1). Party age is read on
    // each month's last day: June counts 599 months, July 600.
    let admitted = d(1976, 7, 15);
    let bases = [DatedBasis { from: m(2020, 1), basis: basis(BasisKind::Pension, Some(6_000_000)) }];
    let age = |month: Month| crate::dates::full_months_between(admitted, month.last_day());
    let june = assess_one(m(2026, 6), &bases, &[], Some(age(m(2026, 6))));
    assert_eq!((june.due, june.exemption), (30_000, None));
    let july = assess_one(m(2026, 7), &bases, &[], Some(age(m(2026, 7))));
    assert_eq!((july.due, july.exemption), (0, Some(Exemption::PartyAge50)));
    assert_eq!(july.full, 30_000, "the full amount is still shown");
    // 342-QĐ/TW knew no such exemption: July 2025 under a rule change set after it is still due.
    let under_342 = DuesSettings { rule_01_from: m(2026, 9), ..DuesSettings::default() };
    let july_342 = assess(&MonthFacts { month: m(2026, 7), bases: &bases, reliefs: &[], party_age_months: Some(600) }, &under_342).unwrap();
    assert_eq!(july_342.due, 30_000);
}

#[test]
fn reliefs_reduce_exempt_or_defer_for_at_most_twelve_months() {
    // 01-QĐ/TW: reductions of 30/50/70 % and exemptions, each at most 12 months (rules.md §10.1).
    assert!(Relief::new(ReliefKind::Reduce50, m(2026, 3), m(2027, 2)).is_ok());
    let e = Relief::new(ReliefKind::Reduce50, m(2026, 3), m(2027, 3)).unwrap_err();
    assert_eq!((e.field.as_str(), e.code), ("to", "too_long"));
    assert_eq!(Relief::new(ReliefKind::Exempt, m(2026, 3), m(2026, 2)).unwrap_err().code, "before_from");
    assert!(Relief::new(ReliefKind::Defer, m(2026, 1), m(2027, 12)).is_ok(), "no length for a deferral in our sources");
    let bases = [DatedBasis { from: m(2026, 1), basis: basis(BasisKind::SocialInsurance, Some(10_000_000)) }];
    let reliefs = [Relief::new(ReliefKind::Reduce70, m(2026, 4), m(2026, 5)).unwrap()];
    assert_eq!(assess_one(m(2026, 4), &bases, &reliefs, Some(10)).due, 30_000);
    assert_eq!(assess_one(m(2026, 6), &bases, &reliefs, Some(10)).due, 100_000);
    let exempt = [Relief::new(ReliefKind::Exempt, m(2026, 4), m(2026, 4)).unwrap()];
    assert_eq!(assess_one(m(2026, 4), &bases, &exempt, Some(10)).exemption, Some(Exemption::Decided));
    assert!(Relief::parse("giam-30", "04/2026", "2026-06").is_ok());
    assert_eq!(Relief::parse("", "x", "2026-06").unwrap_err().errors.len(), 2);
}

#[test]
fn no_basis_no_assessment() {
    let facts = MonthFacts { month: m(2026, 5), bases: &[], reliefs: &[], party_age_months: Some(5) };
    assert_eq!(assess(&facts, &DuesSettings::default()), Err(Unassessed::NoBasis));
    let old = MonthFacts { month: m(2010, 5), ..facts };
    assert_eq!(assess(&old, &DuesSettings::default()), Err(Unassessed::BeforeRegulations));
}

#[test]
fn a_month_stands_by_what_was_paid_and_whether_it_is_over() {
    let bases = [DatedBasis { from: m(2026, 1), basis: basis(BasisKind::Student, None) }];
    let a = assess_one(m(2026, 5), &bases, &[], Some(10));
    let on = |paid, deferred, today| MonthAccount::new(m(2026, 5), Some(a.clone()), paid, deferred, today).standing;
    assert_eq!(on(0, false, d(2026, 5, 31)), Standing::Open);
    assert_eq!(on(0, false, d(2026, 6, 1)), Standing::Unpaid);
    assert_eq!(on(2_000, false, d(2026, 6, 1)), Standing::Partial);
    assert_eq!(on(5_000, false, d(2026, 5, 2)), Standing::Paid);
    assert_eq!(on(20_000, false, d(2026, 6, 1)), Standing::Paid, "paying more is voluntary");
    assert_eq!(on(0, true, d(2026, 6, 1)), Standing::Deferred);
    assert_eq!(MonthAccount::new(m(2026, 5), None, 0, false, d(2026, 6, 1)).standing, Standing::NoBasis);
    assert_eq!(MonthAccount::new(m(2026, 5), Some(a), 2_000, false, d(2026, 6, 1)).owed(), 3_000);
}

#[test]
fn three_months_unpaid_in_a_year_lead_to_a_strike_off_proposal() {
    // Charter art. 8.2 / 24-QĐ/TW 8.1 (a), restated by 01-QĐ/TW art. 2: three months in a
    // calendar year, not necessarily consecutive (rules.md §5.1 interpretation note).
    let bases = [DatedBasis { from: m(2026, 1), basis: basis(BasisKind::Other, None) }];
    let today = d(2026, 12, 5);
    let paid = |month: u32| {
        if [2, 5, 9].contains(&month) {
            0
        } else if month == 7 {
            4_000
        } else {
            10_000
        }
    };
    let accounts: Vec<MonthAccount> = Month::of_year(2026)
        .map(|month| {
            let a = assess_one(month, &bases, &[], Some(10));
            MonthAccount::new(month, Some(a), paid(month.month), false, today)
        })
        .collect();
    let arrears = Arrears::of(2026, &accounts);
    assert_eq!(arrears.unpaid, vec![m(2026, 2), m(2026, 5), m(2026, 9)]);
    assert!(arrears.proposes_strike_off());
    // February and May unpaid, September 10.000 − 0, July 10.000 − 4.000; December is still open.
    assert_eq!(arrears.owed, 36_000);
    // Two months are not enough; a part payment is a payment.
    let two: Vec<MonthAccount> = accounts.into_iter().filter(|a| a.month != m(2026, 9)).collect();
    assert!(!Arrears::of(2026, &two).proposes_strike_off());
}

#[test]
fn payments_are_checked_as_typed() {
    let today = d(2026, 12, 5);
    let p = PaymentInput::parse("11/2026", "150.000", "", "", today).unwrap();
    assert_eq!((p.month, p.amount, p.paid_on, p.method), (m(2026, 11), 150_000, today, PayMethod::Cash));
    let e = PaymentInput::parse("2026-13", "0", "2026-12-06", "the", today).unwrap_err();
    let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
    assert!(
        fields.contains(&"month") && fields.contains(&"amount") && fields.contains(&"paid_on") && fields.contains(&"method"),
        "{fields:?}"
    );
    // Advance payment up to 12 months ahead (01-QĐ/TW art. 5.2).
    assert!(PaymentInput::parse("12/2027", "5000", "", "", today).is_ok());
    assert_eq!(PaymentInput::parse("01/2028", "5000", "", "", today).unwrap_err().errors[0].code, "too_far_ahead");
    assert_eq!(PaymentInput::parse("03/2011", "5000", "", "", today).unwrap_err().errors[0].code, "too_early");
    assert_eq!(parse_dong("1 500 000 đ"), Ok(1_500_000));
    assert!(parse_dong("1,5tr").is_err());
    assert!(parse_dong("99999999999").is_err());
}

#[test]
fn a_level_keeps_its_share_and_remits_the_rest() {
    let shares = RetainedShares { cell: 30, grassroots: 50, ..RetainedShares::default() };
    assert_eq!(shares.of(UnitKind::Cell), 30);
    assert_eq!(shares.of(UnitKind::GrassrootsCell), 50);
    assert_eq!(shares.of(UnitKind::Province), 0);
    // 30 % of 1.234.567 đ kept (rounded down), the remainder up.
    assert_eq!(split(1_234_567, 30), Split { retained: 370_370, to_remit: 864_197 });
    let line = LedgerMonth::new(m(2026, 5), 1_000_000, 500_000, 30, 200_000);
    assert_eq!((line.retained, line.to_remit, line.outstanding()), (450_000, 1_050_000, 850_000));
    assert!(line.balances());
}

proptest! {
    /// Collected and received always equal retained plus to remit, every month, whatever the
    /// amounts and the share (the ledger balances by construction).
    #[test]
    fn every_ledger_month_balances(
        months in proptest::collection::vec((0u64..10_000_000_000, 0u64..10_000_000_000, 0u32..=100, 0u64..20_000_000_000), 1..24)
    ) {
        for (i, (collected, received, share, remitted)) in months.into_iter().enumerate() {
            let month = Month::new(2026, (i % 12) as u32 + 1).unwrap();
            let line = LedgerMonth::new(month, collected, received, share, remitted);
            prop_assert!(line.balances());
            prop_assert!(line.retained <= collected + received);
            prop_assert_eq!(line.outstanding(), line.to_remit.saturating_sub(remitted));
        }
    }

    /// A member's year: what is owed plus what was paid against the due amounts never exceeds
    /// the year's dues, and unpaid months are exactly the ended months with nothing paid.
    #[test]
    fn arrears_count_only_ended_months_with_nothing_paid(paid in proptest::collection::vec(0u64..30_000, 12), today_month in 1u32..=12) {
        let bases = [DatedBasis { from: m(2026, 1), basis: basis(BasisKind::Other, None) }];
        let today = m(2026, today_month).first_day();
        let accounts: Vec<MonthAccount> = Month::of_year(2026)
            .zip(paid.iter())
            .map(|(month, p)| MonthAccount::new(month, Some(assess_one(month, &bases, &[], Some(1))), *p, false, today))
            .collect();
        let arrears = Arrears::of(2026, &accounts);
        let expected: Vec<Month> = accounts.iter().filter(|a| a.month.last_day() < today && a.paid == 0).map(|a| a.month).collect();
        prop_assert_eq!(arrears.unpaid, expected);
    }
}
