//! The index against brute force over generated registers, and the admissions of a day.

use super::*;
use domain::dates::AgeBand;
use domain::testing::{d, unit_version};
use domain::text::{PersonName, sort_key};
use domain::unit::UnitKind;
use proptest::prelude::*;

/// Province 1 → communes 2, 3 → cells 4 (under 2), 5 (under 3; moved under 2 on 2020-01-01).
fn units() -> Vec<UnitVersion> {
    vec![
        unit_version(1, UnitKind::Province, None, d(1990, 1, 1), None),
        unit_version(2, UnitKind::Commune, Some(1), d(1990, 1, 1), None),
        unit_version(3, UnitKind::Commune, Some(1), d(1990, 1, 1), None),
        unit_version(4, UnitKind::Cell, Some(2), d(1990, 1, 1), None),
        unit_version(5, UnitKind::Cell, Some(3), d(1990, 1, 1), Some(d(2020, 1, 1))),
        unit_version(5, UnitKind::Cell, Some(2), d(2020, 1, 1), None),
    ]
}

const NAMES: [&str; 8] =
    ["Nguyễn Văn Đức", "Trần Thị Dung", "Lê Văn An", "Nguyễn Thị Ánh", "Đỗ Văn Duc", "Phạm Anh", "Hoàng Thị Ân", "Vũ Đức Anh"];
const STATUSES: [Status; 4] = [Status::Probationary, Status::Official, Status::Exempt, Status::Deceased];

const CAUSE: domain::stats::SpanCause =
    domain::stats::SpanCause { entered: domain::stats::FlowKind::Admitted, left: Some(domain::stats::FlowKind::Died) };

prop_compose! {
    fn member(id: i64)(name in prop::sample::select(NAMES.to_vec()), female in any::<bool>(), birth_year in 1940..2005i32,
                       unit1 in 4..6i64, unit2 in 4..6i64, s1 in prop::sample::select(STATUSES.to_vec()),
                       s2 in prop::sample::select(STATUSES.to_vec()), switch_year in 2000..2026i32)
                       -> IndexMemberRow {
        let full = PersonName::parse(name).unwrap();
        IndexMemberRow {
            id: MemberId(id),
            full_name: full.to_string(),
            name_fold: fold(full.as_str()),
            sort_key: sort_key(&full),
            gender: if female { Gender::Female } else { Gender::Male },
            birth_date: d(birth_year, 6, 15),
            citizen_id: format!("{:012}", id),
            party_card_number: None,
            ethnicity: if female { domain::member::Ethnicity::Tay } else { domain::member::Ethnicity::Kinh },
            religion: domain::member::Religion::None,
            spans: vec![
                IndexSpanRow { unit: Some(UnitId(unit1)), status: s1, from: d(1995, 1, 1), to: Some(d(switch_year, 3, 1)), cause: CAUSE, admission: None },
                IndexSpanRow { unit: Some(UnitId(unit2)), status: s2, from: d(switch_year, 3, 1), to: None, cause: CAUSE, admission: None },
            ],
            temporary: Vec::new(),
            transit_to: None,
            profiles: vec![(
                Some(d(switch_year, 3, 1)),
                domain::stats::ProfileFacts {
                    general_education: domain::member::GeneralEducation::UpperSecondary,
                    professional: domain::member::Professional::None,
                    political_theory: domain::member::PoliticalTheory::None,
                    occupation: domain::member::OccupationGroup::Other,
                    youth_union: female,
                },
            )],
        }
    }
}

fn population() -> impl Strategy<Value = Vec<IndexMemberRow>> {
    (1usize..40).prop_flat_map(|n| (0..n).map(|i| member(i as i64 + 1)).collect::<Vec<_>>())
}

/// The obvious, slow answer the index must equal.
fn brute_force(members: &[IndexMemberRow], q: &MemberQuery) -> Vec<MemberId> {
    let subtree = |u: UnitId| -> bool {
        match q.unit {
            None => true,
            Some(root) if root == u => true,
            Some(UnitId(1)) => true,
            Some(UnitId(2)) => u == UnitId(4) || (u == UnitId(5) && q.as_of >= d(2020, 1, 1)),
            Some(UnitId(3)) => u == UnitId(5) && q.as_of < d(2020, 1, 1),
            Some(_) => false,
        }
    };
    let words = typed_words(&q.q);
    let mut hits: Vec<&IndexMemberRow> = members
        .iter()
        .filter(|m| {
            words.iter().all(|w| {
                m.name_fold.split(' ').any(|x| x.starts_with(w.folded.as_str())) && (!w.is_marked() || w.begins_a_word_of(&m.full_name))
            })
        })
        .filter(|m| q.gender.is_none_or(|g| g == m.gender))
        .filter(|m| q.age.is_none_or(|a| a.contains(domain::dates::age_in_years(m.birth_date, q.as_of))))
        .filter(|m| {
            let span = m.spans.iter().find(|s| s.from <= q.as_of && s.to.is_none_or(|t| q.as_of < t));
            span.is_some_and(|s| {
                let status_ok = match q.status {
                    StatusFilter::Active => s.status.is_active(),
                    StatusFilter::All => true,
                    StatusFilter::Only(x) => x == s.status,
                };
                status_ok && s.unit.is_some_and(subtree)
            })
        })
        .collect();
    hits.sort_by(|a, b| (a.sort_key.as_str(), a.id).cmp(&(b.sort_key.as_str(), b.id)));
    hits.iter().map(|m| m.id).collect()
}

/// Admissions count for the chi bộ and its ancestors on the decision date: cell 5 admitted
/// under committee 3 in 2019, then moved under committee 2; cell 4 readmitted in 2020.
#[test]
fn admissions_count_for_the_ancestors_of_their_day() {
    use domain::stats::{FlowKind, SpanCause, Structure};
    let units: Vec<UnitVersion> = units()
        .into_iter()
        .map(|v| match v.kind {
            UnitKind::Commune => UnitVersion { kind: UnitKind::GrassrootsCommittee, ..v },
            _ => v,
        })
        .collect();
    let member = |id: i64, unit: i64, from: NaiveDate, entered: FlowKind| IndexMemberRow {
        id: MemberId(id),
        full_name: "Lê Văn An".into(),
        name_fold: "le van an".into(),
        sort_key: "an".into(),
        gender: Gender::Female,
        birth_date: d(1995, 1, 1),
        citizen_id: format!("{id:012}"),
        party_card_number: None,
        ethnicity: domain::member::Ethnicity::Kinh,
        religion: domain::member::Religion::None,
        spans: vec![IndexSpanRow {
            unit: Some(UnitId(unit)),
            status: Status::Probationary,
            from,
            to: None,
            cause: SpanCause { entered, left: None },
            admission: None,
        }],
        temporary: Vec::new(),
        transit_to: None,
        profiles: Vec::new(),
    };
    let members = vec![
        member(1, 5, d(2019, 5, 10), FlowKind::Admitted),
        member(2, 4, d(2020, 3, 2), FlowKind::Readmitted),
        member(3, 4, d(2019, 8, 1), FlowKind::TransferredInWithin),
    ];
    // Member 2's record keeps its ceremony (on 26/3, an occasion the list adds) and its source;
    // member 1's says nothing, its case does.
    let mut members = members;
    let youth = domain::event::AdmissionOrigin { source: Some(domain::pipeline::CandidateSource::YouthUnion), target_group: None };
    members.get_mut(1).unwrap().spans.get_mut(0).unwrap().admission =
        Some(domain::history::AdmissionFacts { ceremony: Some(d(2020, 3, 26)), origin: youth });
    let index = Index::build(units, Vec::new(), members, 1);
    let case = |m: MemberId| match m.0 {
        1 => CaseFacts {
            origin: domain::event::AdmissionOrigin { source: None, target_group: Some(domain::pipeline::TargetGroup::Student) },
            ceremony: Some(d(2019, 5, 19)),
        },
        // Where the record says it, the case is not read.
        2 => CaseFacts {
            origin: domain::event::AdmissionOrigin { source: Some(domain::pipeline::CandidateSource::Other), target_group: None },
            ceremony: Some(d(2020, 4, 1)),
        },
        _ => CaseFacts::default(),
    };
    let added = domain::targets::Occasion { day: 26, month: 3, name: "Ngày thành lập Đoàn".into(), added_by: Some(UnitId(1)) };
    let occasions = domain::targets::OccasionList::new(vec![added]);
    let position = |code: &str| occasions.items().iter().position(|o| o.code() == code).unwrap();
    let (first, last) = (d(2019, 1, 1), d(2020, 12, 31));
    let counted = index.admissions_by_unit(first, last, case, &occasions);
    let admitted = |u: i64| counted.of(UnitId(u)).admitted;
    assert_eq!([admitted(1), admitted(2), admitted(3), admitted(4), admitted(5)], [2, 1, 1, 1, 1]);
    let province = counted.of(UnitId(1));
    assert_eq!((province.readmitted, province.groups.student, province.on_anniversary), (1, 1, 2));
    assert_eq!((counted.on_occasion(UnitId(1), position("19-5")), counted.on_occasion(UnitId(1), position("26-3"))), (1, 1));
    assert_eq!((counted.on_occasion(UnitId(2), position("19-5")), counted.on_occasion(UnitId(2), position("26-3"))), (0, 1));
    // The admission report reads the same admissions, in the rows of their day.
    let context = AdmissionContext { case_of: &case, occasions: &occasions };
    let report = index.admissions(UnitId(1), first, last, Structure::OfDate, last, &context).unwrap();
    assert_eq!((report.total.admitted, report.total.readmitted), (2, 1));
    let row = |u: i64| report.rows.iter().find(|r| matches!(&r.row, ReportRow::Unit(v, _) if v.unit_id == UnitId(u)));
    assert_eq!((row(2).map(|r| r.tally.admitted), row(3).map(|r| r.tally.admitted)), (Some(1), Some(1)));
    assert!(report.zero.is_empty());
    // By origin: the record's source for member 2, the case's group for member 1, nothing else.
    let o = &report.origins;
    assert_eq!((o.source(Some(domain::pipeline::CandidateSource::YouthUnion)), o.source(None)), (1, 1));
    assert_eq!(o.source(Some(domain::pipeline::CandidateSource::Other)), 0, "the record wins over the case");
    assert_eq!((o.group(Some(domain::pipeline::TargetGroup::Student)), o.group(None)), (1, 1));
    assert_eq!((o.on_occasion, o.occasion(position("26-3"))), (2, 1));
    assert_eq!(row(2).map(|r| r.days.clone()), Some(vec![d(2020, 3, 2)]));
    // A ceremony outside the period counts on no occasion.
    let early = index.admissions(UnitId(1), first, d(2020, 3, 20), Structure::OfDate, last, &context).unwrap();
    assert_eq!((early.total.admitted, early.origins.on_occasion), (2, 1));
    // In 2020 only committee 2 admitted; under committee 2, only cell 4.
    let in_2020 = index.admissions_by_unit(d(2020, 1, 1), last, |_| CaseFacts::default(), &occasions);
    let ids = |list: Vec<UnitVersion>| list.iter().map(|v| v.unit_id.0).collect::<Vec<_>>();
    assert_eq!(ids(index.without_admission(UnitId(1), last, Structure::OfDate, &in_2020)), vec![3]);
    assert_eq!(ids(index.without_admission(UnitId(2), last, Structure::OfDate, &in_2020)), vec![5]);
    assert_eq!(ids(index.without_admission(UnitId(2), last, Structure::OfDate, &counted)), Vec::<i64>::new());
}

proptest! {
    #[test]
    fn index_answers_like_a_full_scan(
        members in population(),
        q in prop::sample::select(vec!["", "duc", "Đức", "nguyen", "an", "Ân", "Anh", "anh", "thi d", "xyz"]),
        unit in prop::option::of(1i64..4),
        year in 1994..2027i32,
        status in prop::sample::select(vec![StatusFilter::Active, StatusFilter::All, StatusFilter::Only(Status::Deceased), StatusFilter::Only(Status::Official)]),
        gender in prop::option::of(any::<bool>()),
        band in prop::option::of(prop::sample::select(vec!["18-30", "31-60", "61+"])),
        per_page in 1usize..6,
        page in 1usize..4,
    ) {
        let mut query = MemberQuery::new(d(year, 7, 1));
        query.q = q.to_string();
        query.unit = unit.map(UnitId);
        query.status = status;
        query.gender = gender.map(|f| if f { Gender::Female } else { Gender::Male });
        query.age = band.map(|b| AgeBand::parse(b).unwrap());
        query.per_page = per_page;
        query.page = page;
        let expected = brute_force(&members, &query);
        let index = Index::build(units(), Vec::new(), members.clone(), 1);
        let got = index.find_members(&query, &HashMap::new(), &Default::default());
        prop_assert_eq!(got.total, expected.len());
        let want: Vec<MemberId> = expected.into_iter().skip((page - 1) * per_page).take(per_page).collect();
        prop_assert_eq!(got.items.iter().map(|i| i.id).collect::<Vec<_>>(), want);
    }

    #[test]
    fn updates_keep_the_index_equal_to_a_fresh_build(members in population(), renamed in population()) {
        let mut index = Index::build(units(), Vec::new(), members.clone(), 1);
        let mut expected = members.clone();
        for (e, r) in expected.iter_mut().zip(renamed) {
            let r = IndexMemberRow { id: e.id, ..r };
            index.upsert(r.clone());
            *e = r;
        }
        index.clear_caches();
        let fresh = Index::build(units(), Vec::new(), expected, 1);
        for q in ["", "duc", "anh", "nguyen thi"] {
            let mut query = MemberQuery::new(d(2026, 1, 1));
            query.q = q.to_string();
            query.status = StatusFilter::All;
            prop_assert_eq!(index.find_members(&query, &HashMap::new(), &Default::default()), fresh.find_members(&query, &HashMap::new(), &Default::default()));
        }
        // The statistics read the same columns after incremental updates as after a reload.
        let bands = domain::stats::AgeBands::default();
        for on in [d(2010, 1, 1), d(2026, 1, 1)] {
            for structure in [domain::stats::Structure::OfDate, domain::stats::Structure::Current] {
                prop_assert_eq!(index.breakdown(UnitId(1), on, structure, on, &bands), fresh.breakdown(UnitId(1), on, structure, on, &bands));
                prop_assert_eq!(index.movements(UnitId(1), d(2001, 1, 1), on, structure, on), fresh.movements(UnitId(1), d(2001, 1, 1), on, structure, on));
            }
        }
    }
}
