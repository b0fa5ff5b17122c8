use super::*;
use crate::event::{Entry, EventData, TransferMode};
use crate::ids::{DecisionNumber, LyLichNumber, PartyCardNumber, PhoneNumber, UnitCode, UnitId};
use crate::interchange::columns::Mapping;
use crate::interchange::record::{AdmissionDateMeaning, Row, parse_member, parse_unit};
use crate::interchange::values::Value;
use crate::member::{
    AcademicTitle, Ethnicity, ForeignLanguageLevel, Gender, GeneralEducation, ItLevel, OccupationGroup, PoliticalTheory, Professional,
    Profile, Religion,
};
use crate::pipeline::{CandidateSource, TargetGroup};
use crate::testing::{d, identity, profile, recorded, recorded_events};
use crate::unit::UnitKind;

fn value(cell: Cell) -> Value {
    match cell {
        Cell::Empty => Value::Empty,
        Cell::Text(t) => Value::Text(t),
        Cell::Date(d) => Value::Date(d),
        Cell::Number(n) => Value::Number(n as f64),
    }
}

/// Writes `record` and reads it back as an import would, every column mapped.
fn round_trip(record: &MemberRecord, meaning: AdmissionDateMeaning) -> MemberRecord {
    let cells: Vec<Value> = member_cells(7, record).into_iter().map(value).collect();
    assert_eq!(cells.len(), Column::ALL.len());
    assert_eq!(cells[0], Value::Number(7.0), "STT first");
    let mapping = Mapping { members: Column::ALL.iter().map(|c| Some(*c)).collect(), units: Vec::new() };
    let row = Row { cells: &cells, mapping: &mapping, defaults: &[] };
    let read = parse_member(&row, meaning, d(2026, 12, 3));
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    match read.record {
        Ok(r) => r,
        Err(errors) => panic!("{errors:?}"),
    }
}

fn record() -> MemberRecord {
    let mut identity = identity();
    identity.other_names = Some("Hoa Lê".into());
    identity.birthplace = Some("Xã Tân Phú, tỉnh Đồng Nai".into());
    identity.hometown = Some("Huyện Ý Yên, tỉnh Nam Định".into());
    identity.phone = Some(PhoneNumber::parse("0912345678").unwrap());
    identity.party_card_number = Some(PartyCardNumber::parse("01234567").unwrap());
    identity.ly_lich_number = Some(LyLichNumber::parse("012345DN").unwrap());
    MemberRecord {
        identity,
        profile: Some(Profile { residence: Some("Thôn Đông, xã Tân Phú".into()), ..profile() }),
        decision: d(2020, 3, 1),
        ceremony: Some(d(2020, 3, 20)),
        decision_taken_from_ceremony: false,
        basis: Some(LegalBasis {
            number: DecisionNumber::parse("125-QĐ/ĐU").unwrap(),
            date: d(2020, 3, 1),
            issuer: "Đảng ủy xã Tân Phú".into(),
        }),
        admitted_in: Some("TP-01".into()),
        origin: AdmissionOrigin { source: Some(CandidateSource::ALL[0]), target_group: Some(TargetGroup::ALL[0]) },
        official: Some(d(2021, 3, 20)),
        unit: "TP-02".into(),
        unit_since: Some(d(2023, 7, 1)),
        status: RecordStatus::Official,
        note: None,
        earlier: None,
    }
}

#[test]
fn a_written_row_reads_back_as_the_same_record() {
    let r = record();
    assert_eq!(round_trip(&r, AdmissionDateMeaning::Decision), r);
    assert_eq!(
        round_trip(&r, AdmissionDateMeaning::Ceremony),
        r,
        "decision and ceremony columns both written: the single column changes nothing"
    );
    let cells = member_cells(1, &r);
    let at = |c: Column| cells[Column::ALL.iter().position(|x| *x == c).unwrap()].clone();
    assert_eq!(at(Column::CitizenId), Cell::Text("001300012345".into()), "identifiers as text, leading zeros kept");
    assert_eq!(at(Column::PartyCardNumber), Cell::Text("01234567".into()));
    assert_eq!(at(Column::AdmissionDate), Cell::Date(d(2020, 3, 20)), "as on the card: the ceremony");
    assert_eq!(at(Column::YouthUnion), Cell::Text("Có".into()));
    assert_eq!(at(Column::Gender), Cell::Text("Nữ".into()));
}

#[test]
fn every_status_reads_back() {
    let mut r = record();
    for status in [
        RecordStatus::Exempt { since: Some(d(2024, 1, 2)) },
        RecordStatus::Left {
            departure: Departure::TransferredOut,
            on: d(2025, 6, 1),
            destination: Some("Đảng bộ phường Bến Thành".into()),
        },
        RecordStatus::Left { departure: Departure::Died, on: d(2025, 6, 1), destination: None },
        RecordStatus::Left { departure: Departure::Exited, on: d(2025, 6, 1), destination: None },
        RecordStatus::Left { departure: Departure::StruckOff, on: d(2025, 6, 1), destination: None },
        RecordStatus::Left { departure: Departure::Expelled, on: d(2025, 6, 1), destination: None },
        RecordStatus::Official,
    ] {
        r.status = status;
        assert_eq!(round_trip(&r, AdmissionDateMeaning::Decision), r);
    }
    r.status = RecordStatus::Probationary;
    r.official = None;
    assert_eq!(round_trip(&r, AdmissionDateMeaning::Decision), r);
}

#[test]
fn a_record_without_ceremony_keeps_its_decision_date() {
    let mut r = record();
    r.ceremony = None;
    r.basis = None;
    r.admitted_in = Some("Đảng bộ tỉnh Bình Phước".into());
    r.origin = AdmissionOrigin::default();
    r.profile = None;
    assert_eq!(round_trip(&r, AdmissionDateMeaning::Decision), r);
    let cells = member_cells(1, &r);
    assert_eq!(
        cells[Column::ALL.iter().position(|x| *x == Column::AdmissionDate).unwrap()],
        Cell::Date(d(2020, 3, 1)),
        "the decision when no ceremony is known"
    );
}

/// The n-th value of a list, cycling.
fn nth<T: Copy>(all: &[T], n: usize) -> T {
    all[n % all.len()]
}

#[test]
fn every_label_of_every_list_reads_back_as_itself() {
    let longest = [
        Gender::ALL.len(),
        Ethnicity::ALL.len(),
        Religion::ALL.len(),
        GeneralEducation::ALL.len(),
        Professional::ALL.len(),
        AcademicTitle::ALL.len(),
        PoliticalTheory::ALL.len(),
        ForeignLanguageLevel::ALL.len(),
        ItLevel::ALL.len(),
        OccupationGroup::ALL.len(),
        CandidateSource::ALL.len(),
        TargetGroup::ALL.len(),
    ]
    .into_iter()
    .max()
    .unwrap();
    for n in 0..longest {
        let mut r = record();
        r.identity.gender = nth(Gender::ALL, n);
        r.identity.ethnicity = nth(Ethnicity::ALL, n);
        r.identity.religion = nth(Religion::ALL, n);
        r.profile = Some(Profile {
            general_education: nth(GeneralEducation::ALL, n),
            professional: nth(Professional::ALL, n),
            academic_title: nth(AcademicTitle::ALL, n),
            political_theory: nth(PoliticalTheory::ALL, n),
            foreign_language: nth(ForeignLanguageLevel::ALL, n),
            it_level: nth(ItLevel::ALL, n),
            occupation: nth(OccupationGroup::ALL, n),
            youth_union: n % 2 == 0,
            residence: None,
        });
        r.origin = AdmissionOrigin { source: Some(nth(CandidateSource::ALL, n)), target_group: Some(nth(TargetGroup::ALL, n)) };
        assert_eq!(round_trip(&r, AdmissionDateMeaning::Decision), r, "values number {n}");
    }
}

#[test]
fn a_unit_row_reads_back() {
    let mapping = Mapping { members: Vec::new(), units: UnitColumn::ALL.iter().map(|c| Some(*c)).collect() };
    for (i, kind) in UnitKind::ALL.iter().enumerate() {
        let unit = UnitRecord {
            code: UnitCode::parse(&format!("TP-0{i}")).unwrap(),
            name: "Chi bộ thôn Đông".into(),
            kind: UnitKindWord::Exact(*kind),
            parent_code: (i > 0).then(|| "TP".to_owned()),
            parent: (i > 0).then(|| "Đảng bộ tỉnh Đồng Nai / Đảng bộ xã Tân Phú".to_owned()),
            established: Some(d(2025, 7, 1)),
        };
        let cells: Vec<Value> = unit_cells(&unit).into_iter().map(value).collect();
        assert_eq!(parse_unit(&cells, &mapping).unwrap(), unit, "{kind:?}");
    }
}

#[test]
fn the_admission_of_a_day_comes_from_the_events_in_force() {
    let chi_bo = UnitId(5);
    let events = recorded_events(&[
        (EventKind::Admitted { unit: UnitRef::Internal(chi_bo), origin: AdmissionOrigin::default() }, d(2019, 5, 1)),
        (EventKind::Ceremony, d(2019, 5, 20)),
        (EventKind::RecognizedOfficial, d(2020, 5, 20)),
        (
            EventKind::TransferredOut {
                mode: TransferMode::Official, from: chi_bo, to: UnitRef::External("Đảng bộ tỉnh Lâm Đồng".into())
            },
            d(2022, 1, 10),
        ),
    ]);
    // Before the ceremony: the decision only.
    let a = admission_on(&events, d(2019, 5, 10)).unwrap();
    assert_eq!((a.decision, a.ceremony, a.official), (d(2019, 5, 1), None, None));
    let a = admission_on(&events, d(2021, 1, 1)).unwrap();
    assert_eq!(
        (a.ceremony, a.official, a.unit.clone(), a.earlier),
        (Some(d(2019, 5, 20)), Some(d(2020, 5, 20)), UnitRef::Internal(chi_bo), None)
    );
    assert_eq!(admission_on(&events, d(2019, 4, 30)), None, "before the admission");
    assert_eq!(destination_on(&events, d(2022, 1, 10)), Some(UnitRef::External("Đảng bộ tỉnh Lâm Đồng".into())));
    assert_eq!(destination_on(&events, d(2022, 1, 11)), None);

    // A correction of the decision's date is what counts.
    let mut corrected = events.clone();
    let fixed = EventData {
        kind: EventKind::Admitted { unit: UnitRef::Internal(chi_bo), origin: AdmissionOrigin::default() },
        effective: d(2019, 4, 28),
        basis: None,
        note: None,
    };
    let mut correction = recorded(9, Entry::Event(fixed));
    correction.corrects = Some(events[0].id);
    corrected.push(correction);
    assert_eq!(admission_on(&corrected, d(2021, 1, 1)).unwrap().decision, d(2019, 4, 28));
}

#[test]
fn a_readmitted_members_earlier_membership_is_written_and_read_back() {
    let chi_bo = UnitId(10);
    let events = recorded_events(&[
        (EventKind::Admitted { unit: UnitRef::Internal(chi_bo), origin: AdmissionOrigin::default() }, d(1990, 3, 1)),
        (EventKind::Ceremony, d(1990, 3, 20)),
        (EventKind::RecognizedOfficial, d(1991, 3, 20)),
        (EventKind::Exited { difficult_family: true }, d(2005, 6, 1)),
        (EventKind::Readmitted { unit: UnitRef::Internal(chi_bo), origin: AdmissionOrigin::default() }, d(2010, 2, 1)),
        (EventKind::Ceremony, d(2010, 2, 15)),
    ]);
    let a = admission_on(&events, d(2011, 1, 1)).unwrap();
    assert_eq!((a.decision, a.ceremony, a.official), (d(2010, 2, 1), Some(d(2010, 2, 15)), None), "the readmission's dates");
    assert_eq!(a.earlier, Some(EarlierMembership { first_decision: d(1990, 3, 1), left_on: d(2005, 6, 1), left_by: Departure::Exited }));
    assert_eq!(admission_on(&events, d(2006, 1, 1)).unwrap().earlier, None, "before the readmission: the first admission");

    let mut r = record();
    r.earlier = a.earlier;
    r.decision = d(2020, 3, 1);
    for form in [Departure::Exited, Departure::StruckOff, Departure::Expelled] {
        r.earlier = Some(EarlierMembership { first_decision: d(1990, 3, 1), left_on: d(2005, 6, 1), left_by: form });
        assert_eq!(round_trip(&r, AdmissionDateMeaning::Ceremony), r);
    }
}

#[test]
fn an_earlier_membership_needs_both_dates_in_order() {
    let mapping = Mapping { members: Column::ALL.iter().map(|c| Some(*c)).collect(), units: Vec::new() };
    let read = |first: Value, left: Value, form: &str| {
        let mut cells: Vec<Value> = member_cells(1, &record()).into_iter().map(value).collect();
        let at = |c: Column| Column::ALL.iter().position(|x| *x == c).unwrap();
        cells[at(Column::FirstAdmission)] = first;
        cells[at(Column::EarlierExitDate)] = left;
        cells[at(Column::EarlierExitForm)] = if form.is_empty() { Value::Empty } else { Value::Text(form.into()) };
        let row = Row { cells: &cells, mapping: &mapping, defaults: &[] };
        parse_member(&row, AdmissionDateMeaning::Ceremony, d(2026, 12, 3)).record
    };
    let codes = |r: Result<MemberRecord, Vec<crate::interchange::CellError>>| match r {
        Ok(_) => vec![],
        Err(e) => e.into_iter().map(|e| (e.column, e.code)).collect(),
    };
    // record() is admitted on 01/03/2020.
    let ok = read(Value::Date(d(1990, 1, 1)), Value::Date(d(2001, 1, 1)), "bị xóa tên").unwrap();
    assert_eq!(
        ok.earlier,
        Some(EarlierMembership { first_decision: d(1990, 1, 1), left_on: d(2001, 1, 1), left_by: Departure::StruckOff })
    );
    assert_eq!(read(Value::Date(d(1990, 1, 1)), Value::Date(d(2001, 1, 1)), "").unwrap().earlier.unwrap().left_by, Departure::StruckOff);
    assert_eq!(codes(read(Value::Date(d(1990, 1, 1)), Value::Empty, "")), vec![(Some(Column::EarlierExitDate), "required".to_owned())]);
    assert_eq!(codes(read(Value::Empty, Value::Date(d(2001, 1, 1)), "")), vec![(Some(Column::FirstAdmission), "required".to_owned())]);
    assert_eq!(
        codes(read(Value::Date(d(2002, 1, 1)), Value::Date(d(2001, 1, 1)), "")),
        vec![(Some(Column::EarlierExitDate), "before_first_admission".to_owned())]
    );
    assert_eq!(
        codes(read(Value::Date(d(1990, 1, 1)), Value::Date(d(2020, 3, 1)), "")),
        vec![(Some(Column::EarlierExitDate), "after_readmission".to_owned())]
    );
    assert_eq!(
        codes(read(Value::Date(d(1990, 1, 1)), Value::Date(d(2001, 1, 1)), "nghỉ hưu")),
        vec![(Some(Column::EarlierExitForm), "unknown_value".to_owned())]
    );
    assert_eq!(codes(read(Value::Empty, Value::Empty, "Xóa tên")), vec![(Some(Column::EarlierExitDate), "required".to_owned())]);
    assert_eq!(read(Value::Empty, Value::Empty, "").unwrap().earlier, None);
}
