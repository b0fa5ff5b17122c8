use std::collections::HashMap;

use chrono::Duration;
use proptest::prelude::*;

use super::*;
use crate::event::{EventKind, StrikeOffReason, TransferMode};
use crate::history::{self, LoadedUnits};
use crate::testing::{admitted, d, recorded_events, unit_version as version};
use crate::unit::{UnitKind, UnitVersion};

/// Province 1; communes 20 and 30; cells 21 (under 20), 31 (under 30), 22 (under 20, moved
/// under 30 on 01/01/2020) and 23 (under 20, ended on 01/07/2021 — merged into 21). On
/// 01/03/2022 commune 20 is split into communes 40 (which takes cell 21) and 50.
fn tree() -> LoadedUnits {
    let start = d(1950, 1, 1);
    let moved = d(2020, 1, 1);
    let mut versions: HashMap<UnitId, Vec<UnitVersion>> = HashMap::new();
    let mut add = |v: UnitVersion| versions.entry(v.unit_id).or_default().push(v);
    add(version(1, UnitKind::Province, None, start, None));
    add(version(20, UnitKind::Commune, Some(1), start, Some(split())));
    add(version(40, UnitKind::Commune, Some(1), split(), None));
    add(version(50, UnitKind::Commune, Some(1), split(), None));
    add(version(30, UnitKind::Commune, Some(1), start, None));
    add(version(21, UnitKind::Cell, Some(20), start, Some(split())));
    add(version(21, UnitKind::Cell, Some(40), split(), None));
    add(version(31, UnitKind::Cell, Some(30), start, None));
    add(version(22, UnitKind::Cell, Some(20), start, Some(moved)));
    add(version(22, UnitKind::Cell, Some(30), moved, None));
    add(version(23, UnitKind::Cell, Some(20), start, Some(merged())));
    let closure = [1, 20, 30, 40, 50, 21, 31, 22, 23].iter().flat_map(|u| crate::unit::closure_rows(UnitId(*u), &versions)).collect();
    LoadedUnits::new(versions, closure)
}

fn merged() -> NaiveDate {
    d(2021, 7, 1)
}

fn split() -> NaiveDate {
    d(2022, 3, 1)
}

fn tree_changes() -> Vec<NaiveDate> {
    vec![d(2020, 1, 1), merged(), split()]
}

fn history_of(events: &[(EventKind, NaiveDate)]) -> History {
    history::derive(&recorded_events(events), &tree())
}

fn kinds(f: &[Flow]) -> Vec<(bool, FlowKind)> {
    f.iter().map(|f| (f.inflow, f.kind)).collect()
}

#[test]
fn admission_transfers_and_death_as_flows() {
    let h = history_of(&[
        (admitted(21), d(2015, 3, 2)),
        (EventKind::RecognizedOfficial, d(2016, 3, 2)),
        (EventKind::TransferredOut { mode: TransferMode::Official, from: UnitId(21), to: UnitRef::Internal(UnitId(30)) }, d(2018, 5, 10)),
        (EventKind::TransferredIn { mode: TransferMode::Official, unit: UnitId(31) }, d(2018, 6, 1)),
        (EventKind::Died, d(2019, 9, 9)),
    ]);
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    let units = tree();
    let all = |root| kinds(&flows(&h, &units, UnitId(root), d(2015, 1, 1), d(2019, 12, 31), &tree_changes()));
    // The province: admitted, out in transit, received back, died.
    assert_eq!(
        all(1),
        vec![
            (true, FlowKind::Admitted),
            (false, FlowKind::TransferredOutWithin),
            (true, FlowKind::TransferredInWithin),
            (false, FlowKind::Died)
        ]
    );
    assert_eq!(all(20), vec![(true, FlowKind::Admitted), (false, FlowKind::TransferredOutWithin)]);
    assert_eq!(all(30), vec![(true, FlowKind::TransferredInWithin), (false, FlowKind::Died)]);
    // Recognition changes the status, not the list.
    assert!(flows(&h, &units, UnitId(21), d(2016, 1, 1), d(2016, 12, 31), &tree_changes()).is_empty());
    // In transit the member is on no list.
    assert_eq!(on_list(&h, &units, UnitId(1), d(2018, 5, 20)), None);
    assert_eq!(on_list(&h, &units, UnitId(1), d(2018, 6, 1)), Some(Status::Official));
}

#[test]
fn other_provinces_and_reorganizations() {
    let units = tree();
    let h = history_of(&[
        (EventKind::Admitted { unit: UnitRef::External("Chi bộ thôn 3, tỉnh Nghệ An".into()), origin: Default::default() }, d(2010, 5, 19)),
        (EventKind::RecognizedOfficial, d(2011, 5, 19)),
        (EventKind::TransferredIn { mode: TransferMode::Official, unit: UnitId(22) }, d(2017, 1, 5)),
        (
            EventKind::TransferredOut {
                mode: TransferMode::Official, from: UnitId(22), to: UnitRef::External("Tỉnh ủy Hà Tĩnh".into())
            },
            d(2022, 2, 1),
        ),
    ]);
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    let f = |root| kinds(&flows(&h, &units, UnitId(root), d(2017, 1, 1), d(2022, 12, 31), &tree_changes()));
    assert_eq!(f(1), vec![(true, FlowKind::TransferredInFromOutside), (false, FlowKind::TransferredOutToOutside)]);
    // Cell 22 moved from commune 20 to commune 30 on 01/01/2020, with its member.
    assert_eq!(f(20), vec![(true, FlowKind::TransferredInFromOutside), (false, FlowKind::Reorganization)]);
    assert_eq!(f(30), vec![(true, FlowKind::Reorganization), (false, FlowKind::TransferredOutToOutside)]);
}

#[test]
fn struck_off_keeps_the_status_it_left_with() {
    let units = tree();
    let h = history_of(&[
        (admitted(21), d(2020, 3, 2)),
        (EventKind::StruckOff { reason: StrikeOffReason::ProbationNotQualified }, d(2021, 3, 5)),
    ]);
    let f = flows(&h, &units, UnitId(20), d(2021, 1, 1), d(2021, 12, 31), &tree_changes());
    assert_eq!(f, vec![Flow { on: d(2021, 3, 5), inflow: false, kind: FlowKind::StruckOff, status: Status::Probationary }]);
}

#[test]
fn periods_are_inclusive_and_empty_when_reversed() {
    let units = tree();
    let h = history_of(&[(admitted(21), d(2020, 3, 2))]);
    assert_eq!(flows(&h, &units, UnitId(1), d(2020, 3, 2), d(2020, 3, 2), &[]).len(), 1);
    assert!(flows(&h, &units, UnitId(1), d(2020, 3, 3), d(2020, 12, 31), &[]).is_empty());
    assert!(flows(&h, &units, UnitId(1), d(2020, 3, 1), d(2020, 3, 1), &[]).is_empty());
    assert!(flows(&h, &units, UnitId(1), d(2020, 12, 31), d(2020, 1, 1), &[]).is_empty());
}

fn kind(i: usize) -> EventKind {
    match i % 15 {
        0 => admitted(21),
        1 => EventKind::RecognizedOfficial,
        2 => EventKind::TransferredOut { mode: TransferMode::Official, from: UnitId(21), to: UnitRef::Internal(UnitId(30)) },
        3 => EventKind::TransferredIn { mode: TransferMode::Official, unit: UnitId(31) },
        4 => EventKind::Reassigned { to: UnitId(22) },
        5 => EventKind::Reassigned { to: UnitId(23) },
        6 => EventKind::Exempted,
        7 => EventKind::StruckOff { reason: StrikeOffReason::UnpaidDues },
        8 => EventKind::Readmitted { unit: UnitRef::Internal(UnitId(21)), origin: Default::default() },
        9 => EventKind::Died,
        10 => EventKind::Reassigned { to: UnitId(21) },
        11 => EventKind::TransferredOut { mode: TransferMode::Official, from: UnitId(22), to: UnitRef::External("Tỉnh khác".into()) },
        12 => EventKind::TransferredIn { mode: TransferMode::Official, unit: UnitId(22) },
        13 => admitted(23),
        _ => EventKind::Admitted { unit: UnitRef::External("Tỉnh khác".into()), origin: Default::default() },
    }
}

proptest! {
    /// For every unit and every period: the list on the day before the period, plus the
    /// inflows, minus the outflows, is the list on the last day — through admissions, transfers
    /// in transit, departures, a cell moved to another commune and a cell merged away.
    #[test]
    fn the_balance_holds_for_every_unit_and_period(
        steps in prop::collection::vec((0usize..15, 0i64..3000), 0..14),
        first in 0i64..3200,
        length in 0i64..2000,
    ) {
        let base = d(2015, 1, 1);
        let mut drawn: Vec<(EventKind, NaiveDate)> = steps.iter().map(|(k, days)| (kind(*k), base + Duration::days(*days))).collect();
        drawn.sort_by_key(|(_, on)| *on);
        // Keep each drawn event only if the history stays possible with it.
        let mut events = Vec::new();
        for e in drawn {
            events.push(e);
            if !history_of(&events).problems.is_empty() {
                events.pop();
            }
        }
        let h = history_of(&events);
        prop_assert!(h.problems.is_empty());
        let units = tree();
        let (p1, p2) = (base + Duration::days(first), base + Duration::days(first + length));
        let mut province = Movement::default();
        let mut communes = Movement::default();
        for root in [1, 20, 30, 40, 50, 21, 22, 23, 31] {
            let root = UnitId(root);
            let f = flows(&h, &units, root, p1, p2, &tree_changes());
            let before = i64::from(on_list(&h, &units, root, p1.pred_opt().unwrap()).is_some());
            let after = i64::from(on_list(&h, &units, root, p2).is_some());
            let ins = f.iter().filter(|x| x.inflow).count() as i64;
            let outs = f.iter().filter(|x| !x.inflow).count() as i64;
            prop_assert_eq!(before + ins - outs, after, "{:?} {:?}", root, f);
            let mut m = Movement { start: before as u64, end: after as u64, ..Movement::default() };
            for x in &f {
                m.add(x);
            }
            prop_assert!(m.balances());
            match root.0 {
                1 => province = m,
                20 | 30 | 40 | 50 => communes.merge(&m),
                _ => {}
            }
            // Flows alternate: a member cannot come onto a list they are already on.
            for pair in f.windows(2) {
                prop_assert_ne!(pair[0].inflow, pair[1].inflow);
            }
        }
        // The communes partition the province's cells, so their lists add up to the province's
        // at both ends; flows between communes cancel out in the sum.
        prop_assert_eq!(communes.start, province.start);
        prop_assert_eq!(communes.end, province.end);
        let net = |m: &Movement| m.inflow_total() as i64 - m.outflow_total() as i64;
        prop_assert_eq!(net(&communes), net(&province));
    }
}

#[test]
fn age_bands_parse_label_and_place() {
    let b = AgeBands::default();
    assert_eq!(b.labels(), ["18–30", "31–35", "36–40", "41–45", "46–50", "51–55", "56–60", "Trên 60"]);
    assert_eq!((b.band(18), b.band(30), b.band(31), b.band(60), b.band(61)), (0, 0, 1, 6, 7));
    assert_eq!(AgeBands::parse("30, 40").unwrap().labels(), ["18–30", "31–40", "Trên 40"]);
    assert_eq!(b.to_string(), "30,35,40,45,50,55,60");
    assert_eq!(AgeBands::parse(" 30, 40 ").unwrap().to_string(), "30,40");
    for (bad, code) in [
        ("", "invalid_format"),
        ("abc", "invalid_format"),
        ("40,30", "out_of_order"),
        ("30,30", "out_of_order"),
        ("10", "out_of_range"),
        ("30,200", "out_of_range"),
    ] {
        assert_eq!(AgeBands::parse(bad).unwrap_err().code, code, "{bad}");
    }
}

#[test]
fn every_facet_code_reads_back() {
    let all = Facet::all();
    assert!(all.len() > 100);
    for facet in all {
        assert_eq!(Facet::parse(&facet.code()).unwrap(), facet);
    }
    assert!(Facet::parse("tuoi-dang:101").is_err());
}

#[test]
fn breakdown_counts_on_the_date_by_month() {
    use crate::member::*;
    let bands = AgeBands::default();
    let full = ProfileInput {
        general_education: "thpt".into(),
        professional: "dai-hoc".into(),
        occupation: "vien-chuc".into(),
        youth_union: "co".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let profile = ProfileFacts::from(&full);
    let on = d(2026, 6, 30);
    let woman = MemberFacts {
        status: Status::Probationary,
        gender: Gender::Female,
        // 30 years and 11 months on the date: still in the first band.
        birth_date: d(1995, 7, 1),
        ethnicity: Ethnicity::Tay,
        religion: Religion::Buddhism,
        profile: Some(&profile),
        party_age_months: Some(5),
    };
    let veteran = MemberFacts {
        status: Status::Official,
        gender: Gender::Male,
        birth_date: d(1950, 6, 30),
        ethnicity: Ethnicity::Kinh,
        religion: Religion::None,
        profile: None,
        party_age_months: Some(45 * 12),
    };
    let mut a = Breakdown::new(&bands);
    a.add(&woman, on, &bands);
    let mut b = Breakdown::new(&bands);
    b.add(&veteran, on, &bands);
    a.merge(&b);
    assert_eq!((a.total, a.probationary, a.official, a.women, a.ethnic_minority, a.religious, a.youth_union), (2, 1, 1, 1, 1, 1, 1));
    assert_eq!(a.age, vec![1, 0, 0, 0, 0, 0, 0, 1]);
    assert_eq!(&a.party_age[..4], &[1, 1, 1, 0]);
    assert_eq!(a.no_profile, 1);
    assert_eq!(a.general_education.iter().sum::<u64>(), 1);
    // (30 y 11 m + 76 y 0 m) / 2 = 53,458 years.
    assert_eq!(a.average_age(), Some(53.5));
}

#[test]
fn code_list_positions_are_their_places_in_all() {
    use crate::member::{GeneralEducation, OccupationGroup, PoliticalTheory, Professional, Religion};
    assert!(GeneralEducation::ALL.iter().enumerate().all(|(i, v)| usize::from(*v) == i));
    assert!(Professional::ALL.iter().enumerate().all(|(i, v)| usize::from(*v) == i));
    assert!(PoliticalTheory::ALL.iter().enumerate().all(|(i, v)| usize::from(*v) == i));
    assert!(OccupationGroup::ALL.iter().enumerate().all(|(i, v)| usize::from(*v) == i));
    assert!(Religion::ALL.iter().enumerate().all(|(i, v)| usize::from(*v) == i));
}

#[test]
fn admissions_are_tallied_on_their_date() {
    use crate::member::{Ethnicity, Gender, GeneralEducation, OccupationGroup, PoliticalTheory, Professional, Religion};
    let profile = ProfileFacts {
        general_education: GeneralEducation::UpperSecondary,
        professional: Professional::Master,
        political_theory: PoliticalTheory::None,
        occupation: OccupationGroup::Other,
        youth_union: true,
    };
    let facts = |gender, birth_date, profile| MemberFacts {
        status: Status::Probationary,
        gender,
        birth_date,
        ethnicity: Ethnicity::Kinh,
        religion: Religion::None,
        profile,
        party_age_months: None,
    };
    let mut t = AdmissionTally::default();
    // 30 years and 11 months on the day: still in the 18–30 band.
    t.add(&facts(Gender::Female, d(1994, 12, 2), Some(&profile)), d(2025, 11, 1), false);
    // 31 the day before: not.
    t.add(&facts(Gender::Male, d(1994, 10, 31), None), d(2025, 11, 1), true);
    assert_eq!((t.admitted, t.readmitted, t.women, t.up_to_30, t.youth_union, t.postgraduate, t.no_profile), (2, 1, 1, 1, 1, 1, 1));
    assert_eq!(t.college_or_higher, 1);
    let mut sum = AdmissionTally::default();
    sum.merge(&t);
    sum.merge(&t);
    assert_eq!(sum.admitted, 4);
    assert_eq!(t.lines().len(), 8);
}

#[test]
fn facets_filter_exactly_what_the_breakdown_counts() {
    use crate::member::{Ethnicity, Gender, GeneralEducation, OccupationGroup, PoliticalTheory, Professional, Religion};
    let profile = ProfileFacts {
        general_education: GeneralEducation::UpperSecondary,
        professional: Professional::University,
        political_theory: PoliticalTheory::Intermediate,
        occupation: OccupationGroup::Other,
        youth_union: false,
    };
    let m = MemberFacts {
        status: Status::Official,
        gender: Gender::Male,
        birth_date: d(1970, 1, 1),
        ethnicity: Ethnicity::Tay,
        religion: Religion::Buddhism,
        profile: Some(&profile),
        party_age_months: Some(40 * 12),
    };
    let bands = AgeBands::default();
    let mut b = Breakdown::new(&bands);
    b.add(&m, d(2026, 1, 1), &bands);
    let mut facets = vec![Facet::EthnicMinority, Facet::Religious, Facet::YouthUnion, Facet::NoProfile];
    facets.extend(Religion::ALL.iter().map(|v| Facet::Religion(*v)));
    facets.extend(GeneralEducation::ALL.iter().map(|v| Facet::GeneralEducation(*v)));
    facets.extend(Professional::ALL.iter().map(|v| Facet::Professional(*v)));
    facets.extend(PoliticalTheory::ALL.iter().map(|v| Facet::PoliticalTheory(*v)));
    facets.extend(OccupationGroup::ALL.iter().map(|v| Facet::Occupation(*v)));
    facets.extend(PARTY_AGE_THRESHOLDS.map(Facet::PartyAgeAtLeast));
    facets.extend([Facet::CollegeOrHigher, Facet::Postgraduate]);
    for f in facets {
        assert_eq!(Facet::parse(&f.code()), Ok(f), "{}", f.code());
        let counted = match f {
            Facet::EthnicMinority => b.ethnic_minority,
            Facet::Religious => b.religious,
            Facet::YouthUnion => b.youth_union,
            Facet::NoProfile => b.no_profile,
            Facet::Religion(v) => b.religion[usize::from(v)],
            Facet::GeneralEducation(v) => b.general_education[usize::from(v)],
            Facet::Professional(v) => b.professional[usize::from(v)],
            Facet::PoliticalTheory(v) => b.political_theory[usize::from(v)],
            Facet::Occupation(v) => b.occupation[usize::from(v)],
            Facet::PartyAgeAtLeast(y) => b.party_age[PARTY_AGE_THRESHOLDS.iter().position(|t| *t == y).unwrap()],
            Facet::CollegeOrHigher | Facet::Postgraduate => {
                let wanted = |p: Professional| if f == Facet::CollegeOrHigher { p.is_college_or_higher() } else { p.is_postgraduate() };
                Professional::ALL.iter().filter(|p| wanted(**p)).map(|p| b.professional[usize::from(*p)]).sum()
            }
        };
        assert_eq!(u64::from(f.holds(&m)), counted, "{}", f.label());
    }
    for bad in ["", "gdpt:khong-co", "tuoi-dang:0", "tuoi-dang:x", "khac", "khac:1"] {
        assert!(Facet::parse(bad).is_err(), "{bad}");
    }
}
