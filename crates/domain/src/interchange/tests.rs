use super::columns::find_header;
use super::record::{Departure, Row};
use super::*;
use crate::event::{Entry, EventKind, TransferMode, UnitRef};
use crate::history::{LoadedUnits, Status, derive};
use crate::ids::UnitId;
use crate::member::{GeneralEducation, OccupationGroup, Religion};
use crate::testing::{d, recorded, unit_version};
use crate::unit::UnitKind;

fn t(s: &str) -> Value {
    Value::Text(s.into())
}

fn strings(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect()
}

#[test]
fn headers_are_recognised_with_and_without_marks_and_hints() {
    assert_eq!(Column::recognise("Họ và tên"), Some(Column::FullName));
    assert_eq!(Column::recognise("HO TEN"), Some(Column::FullName));
    assert_eq!(Column::recognise("Ngày sinh (dd/mm/yyyy)"), Some(Column::BirthDate));
    assert_eq!(Column::recognise("CCCD/CMND"), Some(Column::CitizenId));
    assert_eq!(Column::recognise("Số thẻ"), Some(Column::PartyCardNumber));
    assert_eq!(Column::recognise("Ngày vào Đảng"), Some(Column::AdmissionDate));
    assert_eq!(Column::recognise("Ngay chinh thuc"), Some(Column::OfficialDate));
    assert_eq!(Column::recognise("Trình độ\nGDPT"), None, "a line break ends the header; what follows is a hint");
    assert_eq!(Column::recognise("Trình độ GDPT"), Some(Column::GeneralEducation));
    assert_eq!(Column::recognise("Cột lạ"), None);
    assert_eq!(Column::recognise(""), None);
    assert_eq!(UnitColumn::recognise("Mã tổ chức cấp trên"), Some(UnitColumn::ParentCode));
}

#[test]
fn every_header_and_alias_names_one_column_only() {
    let mut seen = std::collections::HashMap::new();
    for c in Column::ALL {
        for name in std::iter::once(crate::text::fold(c.header())).chain(c.aliases().iter().map(|a| a.to_string())) {
            assert_eq!(crate::text::fold(&name), name, "alias {name} of {c:?} must be written folded");
            if let Some(other) = seen.insert(name.clone(), *c) {
                panic!("{name} names both {other:?} and {c:?}");
            }
        }
        assert_eq!(Column::parse(c.code()), Some(*c));
    }
}

#[test]
fn the_header_row_is_found_below_title_rows() {
    let rows = strings(&[
        &["ĐẢNG BỘ XÃ TÂN PHÚ", "", ""],
        &["DANH SÁCH ĐẢNG VIÊN", "", ""],
        &[],
        &["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Ghi chú lạ", "Ngày sinh"],
        &["1", "Nguyễn Văn An", "01/01/1980", "Nam"],
    ]);
    let m = find_header(&rows).unwrap();
    assert_eq!(m.kind, SheetKind::Members);
    assert_eq!(m.row, 3);
    assert_eq!(
        m.mapping.members,
        vec![Some(Column::Number), Some(Column::FullName), Some(Column::BirthDate), Some(Column::Gender), None, None],
        "the second Ngày sinh is left unread, not guessed"
    );
    let units = strings(&[&["Mã tổ chức", "Tên tổ chức", "Loại", "Mã tổ chức cấp trên"]]);
    assert_eq!(find_header(&units).unwrap().kind, SheetKind::Units);
    assert_eq!(find_header(&strings(&[&["a", "b"], &["Họ và tên"]])), None, "one known header is not a header row");
}

#[test]
fn dates_are_read_in_every_shape_people_type() {
    let mut w = Vec::new();
    for s in ["5/3/1985", "05/03/1985", "1985-03-05", "05.03.1985", "05-03-1985", "ngày 5 tháng 3 năm 1985", "Ngày 05 tháng 03 năm 1985"]
    {
        assert_eq!(values::date(&t(s), &mut w).unwrap(), Some(d(1985, 3, 5)), "{s}");
    }
    assert!(w.is_empty());
    assert_eq!(values::date(&Value::Date(d(1985, 3, 5)), &mut w).unwrap(), Some(d(1985, 3, 5)));
    assert_eq!(values::date(&Value::Empty, &mut w).unwrap(), None);
    assert!(values::date(&t("31/02/1985"), &mut w).is_err());
    assert!(values::date(&t("hôm qua"), &mut w).is_err());
    assert_eq!(values::date(&Value::Formula("A1+1".into()), &mut w).unwrap_err().code, "formula");
    assert_eq!(values::date(&Value::BadDate, &mut w).unwrap_err().code, "invalid_date");
}

#[test]
fn excel_serials_follow_the_1900_leap_year_bug() {
    let mut w = Vec::new();
    assert_eq!(values::date(&Value::Number(1.0), &mut w).unwrap(), Some(d(1900, 1, 1)));
    assert_eq!(values::date(&Value::Number(59.0), &mut w).unwrap(), Some(d(1900, 2, 28)));
    assert!(values::date(&Value::Number(60.0), &mut w).is_err(), "29/02/1900 never was");
    assert_eq!(values::date(&Value::Number(61.0), &mut w).unwrap(), Some(d(1900, 3, 1)));
    assert_eq!(values::date(&Value::Number(31111.0), &mut w).unwrap(), Some(d(1985, 3, 5)));
    assert_eq!(w.len(), 4);
    assert!(w.iter().all(|x| x.code == "date_serial"));
    assert!(values::date(&Value::Number(-3.0), &mut w).is_err());
}

#[test]
fn a_citizen_id_stored_as_a_number_gets_its_leading_zeros_back() {
    let mut w = Vec::new();
    assert_eq!(values::digits(&Value::Number(1090001234.0), 12, "Số CCCD", &mut w).unwrap().as_deref(), Some("001090001234"));
    assert_eq!(values::digits(&Value::Number(79090001234.0), 12, "Số CCCD", &mut w).unwrap().as_deref(), Some("079090001234"));
    // A CSV saved from such a sheet has the digits as text.
    assert_eq!(values::digits(&t("1090001234"), 12, "Số CCCD", &mut w).unwrap().as_deref(), Some("001090001234"));
    assert_eq!(w.len(), 3);
    assert!(w.iter().all(|x| x.code == "leading_zero_restored"));
    assert!(w[0].message.contains("001090001234"));
    // Three short is an old 9-digit CMND, not a lost zero: left alone for the parser to refuse.
    assert_eq!(values::digits(&Value::Number(123456789.0), 12, "Số CCCD", &mut w).unwrap().as_deref(), Some("123456789"));
    assert_eq!(values::digits(&t("001 090 001 234"), 12, "Số CCCD", &mut w).unwrap().as_deref(), Some("001 090 001 234"));
    assert_eq!(w.len(), 3);
}

#[test]
fn yes_no_cells() {
    assert_eq!(values::yes_no(&t("x")).unwrap(), Some(true));
    assert_eq!(values::yes_no(&t("Có")).unwrap(), Some(true));
    assert_eq!(values::yes_no(&t("không")).unwrap(), Some(false));
    assert_eq!(values::yes_no(&Value::Number(1.0)).unwrap(), Some(true));
    assert!(values::yes_no(&t("có lẽ")).is_err());
}

const HEADER: &[Column] = &[
    Column::Number,
    Column::FullName,
    Column::BirthDate,
    Column::Gender,
    Column::Ethnicity,
    Column::Religion,
    Column::CitizenId,
    Column::PartyCardNumber,
    Column::AdmissionDate,
    Column::OfficialDate,
    Column::Unit,
    Column::Status,
    Column::GeneralEducation,
    Column::Occupation,
    Column::Residence,
];

fn mapping() -> Mapping {
    Mapping { members: HEADER.iter().map(|c| Some(*c)).collect(), units: Vec::new() }
}

fn row(cells: Vec<Value>) -> Result<MemberRecord, Vec<CellError>> {
    let m = mapping();
    let defaults = [];
    let r = Row { cells: &cells, mapping: &m, defaults: &defaults };
    parse_member(&r, AdmissionDateMeaning::Ceremony, d(2026, 12, 3)).record
}

fn clean_row() -> Vec<Value> {
    vec![
        Value::Number(1.0),
        t("Nguyễn Văn An"),
        Value::Date(d(1980, 1, 15)),
        t("Nam"),
        t("Kinh"),
        t("Không"),
        t("001080001234"),
        t("12345678"),
        Value::Date(d(2005, 5, 19)),
        Value::Date(d(2006, 5, 19)),
        t("TP-01"),
        t("Chính thức"),
        t("12/12"),
        t("Nông nghiệp"),
        t("Thôn Đông, xã Tân Phú"),
    ]
}

#[test]
fn a_clean_row_reads_into_a_record() {
    let r = row(clean_row()).unwrap();
    assert_eq!(r.identity.full_name.to_string(), "Nguyễn Văn An");
    assert_eq!(r.identity.religion, Religion::None);
    assert_eq!(r.ceremony, Some(d(2005, 5, 19)), "a single admission date is the card's: the ceremony");
    assert_eq!(r.decision, d(2005, 5, 19));
    assert!(r.decision_taken_from_ceremony);
    assert_eq!(r.official, Some(d(2006, 5, 19)));
    assert_eq!(r.status, RecordStatus::Official);
    assert_eq!(r.unit, "TP-01");
    let p = r.profile.unwrap();
    assert_eq!(p.general_education, GeneralEducation::UpperSecondary);
    assert_eq!(p.occupation, OccupationGroup::Agriculture);
    assert_eq!(p.residence.as_deref(), Some("Thôn Đông, xã Tân Phú"));
}

#[test]
fn every_problem_of_a_row_is_reported_with_its_column() {
    let mut cells = clean_row();
    cells[2] = t("2030-01-01");
    cells[3] = t("Khác");
    cells[6] = t("12345");
    cells[9] = t("01/01/2004");
    cells[11] = t("Đi vắng");
    let errors = row(cells).unwrap_err();
    let columns: Vec<Option<Column>> = errors.iter().map(|e| e.column).collect();
    for c in [Column::BirthDate, Column::Gender, Column::CitizenId, Column::OfficialDate, Column::Status] {
        assert!(columns.contains(&Some(c)), "{c:?} missing from {errors:?}");
    }
    assert!(errors.iter().all(|e| !e.message.is_empty()));
}

#[test]
fn statuses_need_their_dates() {
    let mut cells = clean_row();
    cells[11] = t("Từ trần");
    let e = row(cells).unwrap_err();
    assert_eq!(e[0].column, Some(Column::StatusDate));
    let mut cells = clean_row();
    cells[9] = Value::Empty;
    let e = row(cells).unwrap_err();
    assert_eq!(e[0].column, Some(Column::OfficialDate), "official without a date");
    let mut cells = clean_row();
    cells[9] = Value::Empty;
    cells[11] = Value::Empty;
    assert_eq!(row(cells).unwrap().status, RecordStatus::Probationary, "no status, no official date: probationary");
}

#[test]
fn a_formula_without_its_value_is_refused_in_words() {
    let mut cells = clean_row();
    cells[2] = Value::Formula("DATE(1980,1,15)".into());
    let e = row(cells).unwrap_err();
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].code, "formula");
}

#[test]
fn defaults_fill_what_the_file_lacks() {
    let m = Mapping {
        members: vec![
            Some(Column::FullName),
            Some(Column::BirthDate),
            Some(Column::Gender),
            Some(Column::CitizenId),
            Some(Column::AdmissionDate),
            Some(Column::Unit),
        ],
        units: vec![],
    };
    let cells = vec![t("Lê Thị Hoa"), t("10/05/1990"), t("Nữ"), t("001190012345"), t("19/05/2015"), t("Chi bộ thôn Đông")];
    let defaults = [(Column::Ethnicity, "Kinh".to_string()), (Column::Religion, "Không".to_string())];
    let r = Row { cells: &cells, mapping: &m, defaults: &defaults };
    let rec = parse_member(&r, AdmissionDateMeaning::Decision, d(2026, 12, 3)).record.unwrap();
    assert_eq!(rec.decision, d(2015, 5, 19));
    assert_eq!(rec.ceremony, None);
    assert_eq!(rec.profile, None);
    let none = [];
    let r = Row { cells: &cells, mapping: &m, defaults: &none };
    let e = parse_member(&r, AdmissionDateMeaning::Decision, d(2026, 12, 3)).record.unwrap_err();
    assert!(e.iter().any(|x| x.code == "required"), "{e:?}");
}

fn units() -> LoadedUnits {
    let mut u = LoadedUnits::default();
    u.versions.insert(UnitId(1), vec![unit_version(1, UnitKind::Province, None, d(1950, 1, 1), None)]);
    u.versions.insert(UnitId(10), vec![unit_version(10, UnitKind::GrassrootsCell, Some(1), d(1950, 1, 1), None)]);
    u.versions.insert(UnitId(11), vec![unit_version(11, UnitKind::GrassrootsCell, Some(1), d(1950, 1, 1), None)]);
    let closure = crate::unit::closure_rows(UnitId(11), &u.versions);
    LoadedUnits::new(u.versions, closure)
}

fn history_of(record: &MemberRecord, placement: Placement) -> crate::history::History {
    let events: Vec<_> =
        implied_events(record, placement, 7).into_iter().enumerate().map(|(i, e)| recorded(i as i64 + 1, Entry::Event(e))).collect();
    derive(&events, &units())
}

#[test]
fn without_a_since_date_the_member_arrives_on_the_import_day() {
    let r = row(clean_row()).unwrap();
    let placement = Placement { unit: UnitId(10), admitted_in: None, import_day: d(2026, 12, 3) };
    let events = implied_events(&r, placement, 7);
    assert!(matches!(&events[0].kind, EventKind::Admitted { unit: UnitRef::External(_), .. }));
    assert!(events[0].note.as_deref().unwrap().contains("lần nạp số 7"));
    let arrival = events.iter().find(|e| matches!(e.kind, EventKind::TransferredIn { mode: TransferMode::Official, .. })).unwrap();
    assert_eq!(arrival.effective, d(2026, 12, 3));
    assert!(arrival.note.as_deref().unwrap().contains("ngày nạp"));
    let h = history_of(&r, placement);
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    assert_eq!(h.span_on(d(2026, 12, 3)).unwrap().unit, UnitRef::Internal(UnitId(10)));
    assert_eq!(h.span_on(d(2026, 12, 3)).unwrap().status, Status::Official);
    assert_eq!(h.first_admission(), Some(d(2005, 5, 19)));
}

#[test]
fn a_member_in_their_chi_bo_since_admission_was_admitted_there() {
    let mut r = row(clean_row()).unwrap();
    r.unit_since = Some(d(2005, 5, 19));
    let placement = Placement { unit: UnitId(10), admitted_in: None, import_day: d(2026, 12, 3) };
    let events = implied_events(&r, placement, 7);
    assert_eq!(events.len(), 3, "admission, ceremony, recognition: {events:?}");
    assert!(matches!(events[0].kind, EventKind::Admitted { unit: UnitRef::Internal(UnitId(10)), .. }));
    let h = history_of(&r, placement);
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    assert_eq!(h.span_on(d(2010, 1, 1)).unwrap().unit, UnitRef::Internal(UnitId(10)));
}

#[test]
fn admitted_in_another_chi_bo_of_the_register_then_moved() {
    let mut r = row(clean_row()).unwrap();
    r.unit_since = Some(d(2015, 1, 1));
    let placement = Placement { unit: UnitId(10), admitted_in: Some(UnitId(11)), import_day: d(2026, 12, 3) };
    let h = history_of(&r, placement);
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    assert_eq!(h.span_on(d(2010, 1, 1)).unwrap().unit, UnitRef::Internal(UnitId(11)));
    assert_eq!(h.span_on(d(2016, 1, 1)).unwrap().unit, UnitRef::Internal(UnitId(10)));
}

#[test]
fn a_readmitted_member_keeps_the_first_admission_and_the_time_out() {
    use crate::interchange::record::EarlierMembership;
    let mut r = row(clean_row()).unwrap();
    r.unit_since = Some(d(2005, 5, 19));
    let placement = Placement { unit: UnitId(10), admitted_in: None, import_day: d(2026, 12, 3) };
    for left_by in [Departure::StruckOff, Departure::Exited, Departure::Expelled] {
        r.earlier = Some(EarlierMembership { first_decision: d(1980, 1, 10), left_on: d(1995, 6, 1), left_by });
        let events = implied_events(&r, placement, 7);
        assert!(matches!(&events[0].kind, EventKind::Admitted { unit: UnitRef::External(p), .. } if p == super::history::EARLIER_PLACE));
        assert!(matches!(events[2].kind, EventKind::Readmitted { unit: UnitRef::Internal(UnitId(10)), .. }), "{events:?}");
        let h = history_of(&r, placement);
        assert!(h.problems.is_empty(), "{left_by:?}: {:?}", h.problems);
        assert_eq!(h.first_admission(), Some(d(1980, 1, 10)));
        // 562 months from the first decision, less the 10 years (119 full months) out.
        let expected = crate::dates::full_months_between(d(1980, 1, 10), d(2026, 12, 3))
            - crate::dates::full_months_between(d(1995, 6, 1), d(2005, 5, 19));
        assert_eq!(h.party_age_months(d(2026, 12, 3)), Some(expected));
        assert!(!h.span_on(d(2000, 1, 1)).unwrap().status.is_active(), "out between");
    }

    // Readmitted somewhere the register does not hold, then arrived in the chi bộ.
    r.admitted_in = Some("Chi bộ Trường THPT Lê Lợi, tỉnh Thanh Hóa".into());
    r.unit_since = Some(d(2015, 1, 1));
    let events = implied_events(&r, placement, 7);
    assert!(
        events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::Readmitted { unit: UnitRef::External(n), .. } if n.starts_with("Chi bộ Trường THPT"))),
        "{events:?}"
    );
    let h = history_of(&r, placement);
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    assert_eq!(h.span_on(d(2010, 1, 1)).unwrap().unit, UnitRef::External("Chi bộ Trường THPT Lê Lợi, tỉnh Thanh Hóa".into()));
    assert_eq!(h.span_on(d(2016, 1, 1)).unwrap().unit, UnitRef::Internal(UnitId(10)));

    // Out for less than 36 months: the derivation refuses it (294-QĐ/TW point 3.5), so the row is.
    r.earlier = Some(EarlierMembership { first_decision: d(1980, 1, 10), left_on: d(2003, 6, 1), left_by: Departure::StruckOff });
    assert!(history_of(&r, placement).problems.iter().any(|p| p.code == "readmission_too_soon"));
}

#[test]
fn departures_and_exemption_end_the_history_as_the_status_says() {
    let base = row(clean_row()).unwrap();
    let placement = Placement { unit: UnitId(10), admitted_in: None, import_day: d(2026, 12, 3) };
    for (departure, status) in [
        (Departure::Died, Status::Deceased),
        (Departure::TransferredOut, Status::TransferredOut),
        (Departure::Exited, Status::Exited),
        (Departure::StruckOff, Status::StruckOff),
        (Departure::Expelled, Status::Expelled),
    ] {
        let mut r = base.clone();
        r.unit_since = Some(d(2010, 1, 1));
        r.status = RecordStatus::Left { departure, on: d(2024, 6, 1), destination: Some("Đảng bộ tỉnh Nghệ An".into()) };
        let h = history_of(&r, placement);
        assert!(h.problems.is_empty(), "{departure:?}: {:?}", h.problems);
        assert_eq!(h.span_on(d(2025, 1, 1)).map(|s| s.status), Some(status), "{departure:?}");
    }
    let mut r = base;
    r.unit_since = Some(d(2010, 1, 1));
    r.status = RecordStatus::Exempt { since: Some(d(2020, 1, 1)) };
    let h = history_of(&r, placement);
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    assert_eq!(h.span_on(d(2021, 1, 1)).unwrap().status, Status::Exempt);
}

#[test]
fn units_read_their_kind_from_words_and_the_parent() {
    let m = Mapping {
        members: vec![],
        units: vec![Some(UnitColumn::Code), Some(UnitColumn::Name), Some(UnitColumn::Kind), Some(UnitColumn::ParentCode)],
    };
    let u = parse_unit(&[t("TP-01"), t("Chi bộ thôn Đông"), t("Chi bộ"), t("TP")], &m).unwrap();
    assert_eq!(u.kind.resolve(Some(UnitKind::GrassrootsCommittee)), UnitKind::Cell);
    assert_eq!(u.kind.resolve(Some(UnitKind::Commune)), UnitKind::GrassrootsCell);
    let u = parse_unit(&[t("TP"), t("Đảng bộ xã Tân Phú"), t("Đảng bộ xã"), Value::Empty], &m).unwrap();
    assert_eq!(u.kind.resolve(None), UnitKind::Commune);
    let e = parse_unit(&[Value::Empty, t("X"), t("Ban"), Value::Empty], &m).unwrap_err();
    let columns: Vec<_> = e.iter().map(|(c, _)| *c).collect();
    assert_eq!(columns, vec![Some(UnitColumn::Code), Some(UnitColumn::Kind)], "{e:?}");
}

#[test]
fn ngay_vao_dang_beside_other_admission_columns() {
    let read = |columns: Vec<Column>, cells: Vec<Value>| {
        let mut members =
            vec![Some(Column::FullName), Some(Column::BirthDate), Some(Column::Gender), Some(Column::CitizenId), Some(Column::Unit)];
        members.extend(columns.into_iter().map(Some));
        let m = Mapping { members, units: vec![] };
        let mut all = vec![t("Lê Thị Hoa"), t("10/05/1990"), t("Nữ"), t("001190012345"), t("TP-01")];
        all.extend(cells);
        let defaults = [(Column::Ethnicity, "Kinh".to_string()), (Column::Religion, "Không".to_string())];
        let r = Row { cells: &all, mapping: &m, defaults: &defaults };
        parse_member(&r, AdmissionDateMeaning::Ceremony, d(2026, 12, 3)).record.unwrap()
    };
    // Beside the decision: the card's date, the ceremony.
    let r = read(vec![Column::AdmissionDate, Column::DecisionDate], vec![t("19/05/2015"), t("02/04/2015")]);
    assert_eq!((r.decision, r.ceremony), (d(2015, 4, 2), Some(d(2015, 5, 19))));
    // A ceremony column left empty: no ceremony recorded, none made up.
    let r =
        read(vec![Column::AdmissionDate, Column::DecisionDate, Column::CeremonyDate], vec![t("02/04/2015"), t("02/04/2015"), Value::Empty]);
    assert_eq!((r.decision, r.ceremony, r.decision_taken_from_ceremony), (d(2015, 4, 2), None, false));
    // Beside the ceremony: the decision.
    let r = read(vec![Column::AdmissionDate, Column::CeremonyDate], vec![t("02/04/2015"), t("19/05/2015")]);
    assert_eq!((r.decision, r.ceremony), (d(2015, 4, 2), Some(d(2015, 5, 19))));
}
