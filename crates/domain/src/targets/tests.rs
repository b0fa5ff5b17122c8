use std::collections::HashMap;

use chrono::NaiveDate;

use super::occasions::{parse_day_month, parse_occasion};
use super::terms::check_term;
use super::*;
use crate::ids::UnitId;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

// --- targets of a period ---------------------------------------------------------------------------

#[test]
fn a_period_across_three_years_sums_the_years_and_names_the_missing_one() {
    let yearly = HashMap::from([(2020, 30), (2022, 45)]);
    let t = PeriodTarget::over(d(2020, 1, 1), d(2022, 12, 31), |y| yearly.get(&y).copied());
    assert_eq!(t.sum, Some(75), "the years that have a target, summed");
    assert_eq!(t.missing, vec![2021], "the year without one is named, not counted as zero");
    assert!(!t.is_complete());
    assert_eq!(t.percent(80), None, "no percentage against a sum that lacks a year");
    assert_eq!(t.label(), "chỉ tiêu các năm 2020–2022; chưa đặt chỉ tiêu năm 2021 (không tính là 0)");
}

#[test]
fn three_full_years_with_targets() {
    let t = PeriodTarget::over(d(2020, 1, 1), d(2022, 12, 31), |_| Some(40));
    assert_eq!((t.sum, t.is_complete(), t.is_partial()), (Some(120), true, false));
    assert_eq!(t.percent(132), Some(110.0));
    assert_eq!(t.label(), "chỉ tiêu các năm 2020–2022");
}

#[test]
fn part_of_a_year_is_measured_against_the_whole_year_never_prorated() {
    let t = PeriodTarget::over(d(2023, 1, 1), d(2023, 3, 31), |y| (y == 2023).then_some(40));
    assert_eq!(t.sum, Some(40));
    assert_eq!(t.percent(10), Some(25.0));
    assert_eq!(t.label(), "chỉ tiêu cả năm 2023; kỳ báo cáo đến 31/03/2023");
    let late = PeriodTarget::over(d(2023, 4, 1), d(2023, 12, 31), |_| Some(40));
    assert_eq!(late.label(), "chỉ tiêu cả năm 2023; kỳ báo cáo từ 01/04/2023");
    let across = PeriodTarget::over(d(2020, 9, 15), d(2022, 6, 30), |_| Some(10));
    assert_eq!((across.sum, across.first_year(), across.last_year()), (Some(30), 2020, 2022));
    assert_eq!(across.label(), "chỉ tiêu các năm 2020–2022 (tính trọn từng năm); kỳ báo cáo từ 15/09/2020 đến 30/06/2022");
}

#[test]
fn a_period_without_any_target() {
    let t = PeriodTarget::over(d(2024, 1, 1), d(2025, 12, 31), |_| None);
    assert_eq!((t.sum, t.missing.clone()), (None, vec![2024, 2025]));
    assert_eq!(t.percent(3), None);
    assert_eq!(t.label(), "chưa đặt chỉ tiêu các năm 2024–2025");
}

#[test]
fn a_zero_target_is_a_target() {
    let t = PeriodTarget::over(d(2024, 1, 1), d(2024, 12, 31), |_| Some(0));
    assert_eq!((t.sum, t.is_complete(), t.percent(2)), (Some(0), true, None));
}

// --- congress terms ------------------------------------------------------------------------------

#[derive(Default)]
struct Tree {
    terms: Vec<Term>,
    lineage: HashMap<UnitId, UnitLineage>,
}

impl TermSource for Tree {
    fn terms(&self, unit: UnitId) -> Vec<Term> {
        self.terms.iter().filter(|t| t.unit == unit).cloned().collect()
    }
    fn lineage(&self, unit: UnitId) -> UnitLineage {
        self.lineage.get(&unit).cloned().unwrap_or_default()
    }
}

fn term(id: i64, unit: i64, first: NaiveDate, last: NaiveDate, target: Option<u32>) -> Term {
    Term { id, unit: UnitId(unit), first, last, target }
}

/// Three communes (1, 2, 3) with their 2020–2025 terms merged on 1/7/2025 into commune 10, which
/// held its own congress on 20/7/2025, before the old term's planned end (31/7); commune 4 split on the same day into 11 and 12.
fn reorganized() -> Tree {
    let old = |id, unit, target| term(id, unit, d(2020, 8, 1), d(2025, 7, 31), target);
    let merged = UnitLineage {
        predecessors: [1, 2, 3].iter().map(|u| Predecessor { unit: UnitId(*u), on: d(2025, 7, 1), sole_successor: true }).collect(),
        ended: None,
    };
    let split = UnitLineage { predecessors: vec![Predecessor { unit: UnitId(4), on: d(2025, 7, 1), sole_successor: false }], ended: None };
    let ended = UnitLineage { predecessors: Vec::new(), ended: Some(d(2025, 7, 1)) };
    Tree {
        terms: vec![
            old(1, 1, Some(30)),
            old(2, 2, Some(40)),
            old(3, 3, Some(50)),
            old(4, 4, Some(60)),
            term(5, 10, d(2025, 7, 20), d(2030, 7, 19), Some(150)),
        ],
        lineage: HashMap::from([
            (UnitId(10), merged),
            (UnitId(11), split.clone()),
            (UnitId(12), split),
            (UnitId(1), ended.clone()),
            (UnitId(2), ended.clone()),
            (UnitId(3), ended.clone()),
            (UnitId(4), ended),
        ]),
    }
}

#[test]
fn a_term_cut_by_the_2025_merger_is_inherited_with_the_sum_of_the_targets() {
    let tree = reorganized();
    let terms = terms_over(UnitId(10), d(2020, 8, 1), d(2025, 12, 31), &tree);
    assert_eq!(terms.len(), 2);
    let inherited = &terms[0];
    assert_eq!(inherited.label(), "Nhiệm kỳ 2020–2025");
    assert_eq!(inherited.target, Some(120), "30 + 40 + 50");
    assert_eq!(inherited.own, None);
    assert_eq!(inherited.inherited_from.len(), 3);
    assert_eq!((inherited.first, inherited.last), (d(2020, 8, 1), d(2025, 7, 19)), "up to the successor's own congress");
    assert_eq!(terms[1].own, Some(5));
    assert_eq!(terms[1].target, Some(150));
    // Each predecessor's term is shown up to the merger.
    let before = terms_over(UnitId(2), d(2020, 1, 1), d(2025, 12, 31), &tree);
    assert_eq!(before.len(), 1);
    assert_eq!(before[0].cut_on, Some(d(2025, 7, 1)));
    assert_eq!(before[0].within(d(2020, 1, 1), d(2025, 12, 31)), Some((d(2020, 8, 1), d(2025, 6, 30))));
}

#[test]
fn an_inherited_term_runs_until_the_successors_own_congress() {
    let mut tree = reorganized();
    tree.terms.retain(|t| t.id != 5);
    tree.terms.push(term(5, 10, d(2025, 9, 10), d(2030, 9, 9), Some(150)));
    let terms = terms_over(UnitId(10), d(2025, 7, 1), d(2025, 12, 31), &tree);
    assert_eq!(terms.len(), 2);
    assert_eq!((terms[0].last, terms[0].target), (d(2025, 9, 9), Some(120)), "past the old term's planned end (31/7)");
    // With no congress recorded yet, to the planned end.
    tree.terms.retain(|t| t.id != 5);
    let terms = terms_over(UnitId(10), d(2025, 7, 1), d(2025, 12, 31), &tree);
    assert_eq!((terms.len(), terms[0].last), (1, d(2025, 7, 31)));
}

#[test]
fn the_successors_own_term_wins_over_what_it_would_inherit() {
    let mut tree = reorganized();
    tree.terms.push(term(6, 10, d(2025, 7, 1), d(2025, 7, 19), Some(7)));
    let terms = terms_over(UnitId(10), d(2025, 7, 1), d(2025, 7, 19), &tree);
    assert_eq!(terms.len(), 1);
    assert_eq!((terms[0].own, terms[0].target), (Some(6), Some(7)));
}

#[test]
fn a_predecessor_without_a_term_target_is_named_and_not_counted() {
    let mut tree = reorganized();
    tree.terms.retain(|t| t.unit != UnitId(3));
    tree.terms.push(term(7, 3, d(2020, 8, 1), d(2025, 7, 31), None));
    let terms = terms_over(UnitId(10), d(2024, 1, 1), d(2024, 12, 31), &tree);
    assert_eq!(terms[0].target, Some(70));
    assert_eq!(terms[0].missing_targets(), vec![UnitId(3)]);
}

#[test]
fn after_a_split_each_successor_sets_its_own() {
    let tree = reorganized();
    assert!(terms_over(UnitId(11), d(2025, 7, 1), d(2025, 12, 31), &tree).is_empty());
    let pred = terms_over(UnitId(4), d(2025, 1, 1), d(2025, 12, 31), &tree);
    assert_eq!(pred[0].within(d(2025, 1, 1), d(2025, 12, 31)), Some((d(2025, 1, 1), d(2025, 6, 30))));
}

#[test]
fn inheritance_follows_a_chain_of_mergers() {
    let mut tree = reorganized();
    tree.terms.retain(|t| t.id != 5);
    tree.lineage.insert(
        UnitId(20),
        UnitLineage { predecessors: vec![Predecessor { unit: UnitId(10), on: d(2025, 7, 20), sole_successor: true }], ended: None },
    );
    let terms = terms_over(UnitId(20), d(2025, 7, 20), d(2025, 7, 25), &tree);
    assert_eq!(terms.len(), 1);
    assert_eq!(terms[0].target, Some(120));
}

#[test]
fn terms_of_a_unit_do_not_overlap() {
    let others = [term(1, 1, d(2020, 8, 1), d(2025, 7, 31), None)];
    assert!(check_term(d(2025, 8, 1), d(2030, 7, 31), &others).is_ok());
    let e = check_term(d(2025, 7, 1), d(2030, 7, 31), &others).unwrap_err();
    assert_eq!(e.errors[0].code, "overlaps");
    assert!(e.errors[0].message.contains("Nhiệm kỳ 2020–2025"), "{}", e.errors[0].message);
    assert_eq!(check_term(d(2030, 1, 1), d(2025, 1, 1), &[]).unwrap_err().errors[0].code, "period_reversed");
}

// --- occasions -----------------------------------------------------------------------------------

#[test]
fn the_default_occasions_and_those_a_committee_adds() {
    let list = OccasionList::default();
    assert_eq!(list.items().len(), 4);
    assert_eq!(list.on(d(2024, 5, 19)).map(|o| o.code()), Some("19-5".to_owned()));
    assert!(list.on(d(2024, 5, 20)).is_none());
    assert_eq!(list.describe(), "3/2, 19/5, 2/9, 7/11 (mặc định)");
    let women = parse_occasion("8/3", "Ngày Quốc tế Phụ nữ", UnitId(1), &list).unwrap();
    let youth = parse_occasion("26-03", "Ngày thành lập Đoàn TNCS Hồ Chí Minh", UnitId(1), &list).unwrap();
    let list = OccasionList::new(vec![youth, women]);
    assert_eq!(list.items().iter().map(Occasion::day_month).collect::<Vec<_>>(), ["3/2", "8/3", "26/3", "19/5", "2/9", "7/11"]);
    assert_eq!(list.describe(), "3/2, 19/5, 2/9, 7/11 (mặc định); 8/3, 26/3 (bổ sung)");
    assert_eq!(list.by_code("26-3").map(|o| o.name.as_str()), Some("Ngày thành lập Đoàn TNCS Hồ Chí Minh"));
}

#[test]
fn an_occasion_is_refused_on_a_day_the_list_has_or_a_day_that_does_not_exist() {
    let list = OccasionList::default();
    let e = parse_occasion("19/5", "Sinh nhật Bác", UnitId(1), &list).unwrap_err();
    assert_eq!(e.errors[0].code, "duplicate");
    assert_eq!(parse_occasion("31/4", "x", UnitId(1), &list).unwrap_err().errors[0].code, "invalid_format");
    assert_eq!(parse_occasion("1/5", "", UnitId(1), &list).unwrap_err().errors[0].field, "name");
    assert_eq!(parse_day_month("29/2"), Some((29, 2)));
    assert_eq!(parse_day_month("1/2/2024"), None);
    assert_eq!(parse_day_month("x"), None);
}

#[test]
fn a_merged_unit_carries_its_predecessors_yearly_targets_until_it_sets_its_own() {
    let tree = reorganized();
    let own = |u: UnitId, y: i32| -> Option<u32> {
        match (u.0, y) {
            (1, 2024 | 2025) => Some(10),
            (2, 2024 | 2025) => Some(20),
            (3, 2024) => Some(5),
            (10, 2026) => Some(50),
            (4, 2025) => Some(8),
            _ => None,
        }
    };
    let lineage = |u: UnitId| tree.lineage(u);
    assert_eq!(year_target(UnitId(10), 2024, &own, &lineage), Some(35), "10 + 20 + 5");
    assert_eq!(year_target(UnitId(10), 2025, &own, &lineage), Some(30), "commune 3 set none for 2025");
    assert_eq!(year_target(UnitId(10), 2026, &own, &lineage), Some(50), "its own");
    assert_eq!(year_target(UnitId(10), 2027, &own, &lineage), None);
    assert_eq!(year_target(UnitId(11), 2025, &own, &lineage), None, "a split passes nothing on");
}
