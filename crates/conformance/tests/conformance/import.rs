//! Importing a register on both engines: a dry run writes nothing; the apply creates the file's
//! units and members with their histories in one transaction; the same file again changes
//! nothing; a corrected file proposes its changes side by side and writes them only when
//! accepted; a match by name and birth date waits for confirmation; the scope hides other units.

use conformance::{TestStore, on_both_engines};
use domain::access::Scope;
use domain::event::{EventKind, UnitRef};
use domain::history::Status;
use domain::ids::UnitId;
use domain::interchange::record::Row;
use domain::interchange::{AdmissionDateMeaning, Column, Mapping, Value, parse_member};
use domain::unit::UnitKind::*;
use storage::import::{ChangeKind, ImportInput, ImportPlan, MemberAction, MemberLine, UnitAction, UnitLine};
use storage::prelude::*;
use storage::{AuditQuery, MemberQuery, ScopeFilter, StatusFilter, StoreError};

use crate::fixtures::*;

on_both_engines!(
    an_import_writes_once_and_then_changes_nothing,
    corrected_files_propose_their_changes,
    imports_stay_within_the_scope,
    a_first_import_rebuilds_the_indexes_inside_its_transaction
);

const COLUMNS: &[Column] = &[
    Column::FullName,
    Column::BirthDate,
    Column::Gender,
    Column::Ethnicity,
    Column::Religion,
    Column::CitizenId,
    Column::AdmissionDate,
    Column::OfficialDate,
    Column::Unit,
    Column::UnitSince,
    Column::Status,
    Column::StatusDate,
    Column::GeneralEducation,
    Column::Occupation,
    Column::Phone,
];

/// A member row: name, birth, gender, cccd, admission (ceremony), official, unit, since, status,
/// status date, phone.
#[allow(clippy::too_many_arguments)]
pub(crate) fn member_line(
    row: usize,
    name: &str,
    birth: &str,
    gender: &str,
    cccd: &str,
    admitted: &str,
    official: &str,
    unit: &str,
    since: &str,
    status: &str,
    status_date: &str,
    phone: &str,
) -> MemberLine {
    let t = |s: &str| if s.is_empty() { Value::Empty } else { Value::Text(s.into()) };
    let cells = vec![
        t(name),
        t(birth),
        t(gender),
        t("Kinh"),
        t("Không"),
        t(cccd),
        t(admitted),
        t(official),
        t(unit),
        t(since),
        t(status),
        t(status_date),
        t("12/12"),
        t("Nông nghiệp"),
        t(phone),
    ];
    let mapping = Mapping { members: COLUMNS.iter().map(|c| Some(*c)).collect(), units: vec![] };
    let r = Row { cells: &cells, mapping: &mapping, defaults: &[] };
    let read = parse_member(&r, AdmissionDateMeaning::Ceremony, d(2026, 11, 25));
    let (read, warnings) = (read.record, read.warnings);
    MemberLine { row, read: read.map(Box::new), warnings }
}

fn unit_line(row: usize, code: &str, name: &str, kind: &str, parent: &str) -> UnitLine {
    use domain::interchange::UnitColumn;
    let t = |s: &str| if s.is_empty() { Value::Empty } else { Value::Text(s.into()) };
    let mapping = Mapping {
        members: vec![],
        units: vec![Some(UnitColumn::Code), Some(UnitColumn::Name), Some(UnitColumn::Kind), Some(UnitColumn::ParentCode)],
    };
    let read = domain::interchange::parse_unit(&[t(code), t(name), t(kind), t(parent)], &mapping).map_err(|errors| {
        errors
            .into_iter()
            .map(|(c, e)| storage::import::LineError {
                column: c.map(|c| c.code().to_owned()),
                code: e.code.to_owned(),
                message: e.message,
            })
            .collect()
    });
    UnitLine { row, read }
}

pub(crate) fn input(units: Vec<UnitLine>, members: Vec<MemberLine>, root: Option<UnitId>) -> ImportInput {
    ImportInput {
        file_name: "danh-sach.xlsx".into(),
        file_digest: "00".into(),
        units: units.into(),
        members: members.into(),
        root,
        accept_changes: false,
        confirmed: vec![],
        scope: None,
        progress: None,
        rebuild_indexes_from: storage::import::REBUILD_INDEXES_FROM,
    }
}

pub(crate) fn commune_file() -> (Vec<UnitLine>, Vec<MemberLine>) {
    let units = vec![
        unit_line(2, "TP", "Đảng bộ xã Tân Phú", "Đảng bộ cơ sở", ""),
        unit_line(3, "TP-01", "Chi bộ thôn Đông", "Chi bộ", "TP"),
        // A child listed before its parent still finds it.
        unit_line(4, "TP-03", "Chi bộ thôn Nam", "Chi bộ", "TP-02"),
        unit_line(5, "TP-02", "Chi bộ thôn Tây", "Đảng bộ bộ phận", "TP"),
        unit_line(6, "", "Không mã", "Chi bộ", "TP"),
    ];
    let members = vec![
        // In the chi bộ since the admission: admitted there.
        member_line(
            5,
            "Nguyễn Văn An",
            "15/01/1980",
            "Nam",
            &cccd(1),
            "19/05/2005",
            "19/05/2006",
            "TP-01",
            "19/05/2005",
            "Chính thức",
            "",
            "0912345678",
        ),
        // No arrival date: admitted elsewhere, arrives on the import's day.
        member_line(6, "Lê Thị Bình", "02/03/1995", "Nữ", &cccd(2), "01/03/2026", "", "Chi bộ thôn Nam", "", "Dự bị", "", ""),
        // Died in 2024: present from 2010 to then.
        member_line(
            7,
            "Trần Văn Cường",
            "20/07/1950",
            "Nam",
            &cccd(3),
            "03/02/1975",
            "03/02/1976",
            "TP-03",
            "01/01/2010",
            "Từ trần",
            "01/10/2024",
            "",
        ),
        // Refused: born in the future, unknown gender.
        member_line(8, "Phạm Văn Dũng", "01/01/2030", "Khác", &cccd(4), "01/01/2010", "", "TP-01", "", "", "", ""),
        // Refused: a chi bộ nobody knows.
        member_line(9, "Hoàng Thị Em", "01/01/1990", "Nữ", &cccd(5), "01/01/2015", "01/01/2016", "Chi bộ thôn Bắc", "", "", "", ""),
    ];
    (units, members)
}

async fn count_members(s: &dyn Store) -> usize {
    s.find_members(&MemberQuery { status: StatusFilter::All, per_page: 1000, ..MemberQuery::new(d(2026, 11, 25)) }).await.unwrap().total
}

fn refused_rows(plan: &ImportPlan) -> Vec<usize> {
    plan.members.iter().filter(|m| matches!(m.outcome, MemberAction::Refused { .. })).map(|m| m.row).collect()
}

async fn an_import_writes_once_and_then_changes_nothing(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let commune = unit(s, Commune, "XA", "Đảng bộ xã An", Some(province), d(2000, 1, 1)).await;
    let (units, members) = commune_file();
    let file = input(units, members, Some(commune));

    let plan = s.plan_import(&ctx(), &file).await.unwrap();
    assert_eq!(plan.counts.units_created, 4, "{:?}", plan.units);
    assert_eq!(plan.counts.units_refused, 1);
    assert_eq!((plan.counts.created, plan.counts.refused), (3, 2), "{:?}", plan.members);
    assert_eq!(refused_rows(&plan), vec![8, 9]);
    let MemberAction::Refused { errors } = &plan.members[3].outcome else { panic!() };
    let columns: Vec<_> = errors.iter().map(|e| e.column.as_deref()).collect();
    assert!(columns.contains(&Some("birth_date")) && columns.contains(&Some("gender")), "{errors:?}");
    let MemberAction::Refused { errors } = &plan.members[4].outcome else { panic!() };
    assert_eq!(errors[0].column.as_deref(), Some("unit"));
    assert!(errors[0].message.contains("Chi bộ thôn Bắc"));
    assert_eq!(count_members(s).await, 0, "a dry run writes nothing");

    let applied = s.apply_import(&ctx(), &file).await.unwrap();
    assert_eq!(applied.counts, plan.counts, "the apply writes what the dry run said");
    let written = applied.members_written.unwrap();
    assert_eq!(written.last - written.first, 2, "three members, consecutive ids");
    let events = applied.events_written.unwrap();
    assert!(events.last - events.first >= 7, "{events:?}");
    let import = applied.import.unwrap();
    assert_eq!(count_members(s).await, 3);

    // Histories: An admitted in TP-01; Bình arrives today from an unknown place; Cường died.
    let found =
        s.find_members(&MemberQuery { status: StatusFilter::All, per_page: 100, ..MemberQuery::new(d(2026, 11, 25)) }).await.unwrap();
    let id_of = |name: &str| found.items.iter().find(|m| m.full_name == name).unwrap().id;
    let an = s.member(id_of("Nguyễn Văn An")).await.unwrap();
    assert!(matches!(an.history.effective[0].1.kind, EventKind::Admitted { unit: UnitRef::Internal(_), .. }));
    assert_eq!(an.history.span_on(d(2010, 1, 1)).unwrap().status, Status::Official);
    assert!(
        an.events.iter().all(|e| format!("{:?}", e.entry).contains(&format!("lần nạp số {import}"))),
        "every event says it was imported"
    );
    let binh = s.member(id_of("Lê Thị Bình")).await.unwrap();
    assert!(matches!(binh.history.effective[0].1.kind, EventKind::Admitted { unit: UnitRef::External(_), .. }));
    assert_eq!(binh.history.span_on(d(2026, 11, 25)).unwrap().status, Status::Probationary);
    assert_eq!(binh.history.spans.last().unwrap().from, d(2026, 11, 25), "arrives on the import's day");
    let cuong = s.member(id_of("Trần Văn Cường")).await.unwrap();
    assert_eq!(cuong.history.spans.last().unwrap().status, Status::Deceased);
    assert_eq!(cuong.history.span_on(d(2015, 1, 1)).unwrap().status, Status::Official);

    // The units stand from the earliest day their members need.
    let tp01 = s.find_units("TP-01", d(2026, 11, 25), false, 10, None).await.unwrap();
    let tp01 = tp01.iter().find(|u| u.code == "TP-01").unwrap();
    assert!(s.unit(tp01.id, d(2005, 5, 19)).await.is_ok(), "TP-01 stood when An was admitted there");

    let audit = s.audit_entries(&AuditQuery { action: Some("import.apply".into()), limit: 10, ..AuditQuery::default() }).await.unwrap();
    assert_eq!(audit.len(), 1);
    let details: serde_json::Value = serde_json::from_str(&audit[0].details).unwrap();
    assert_eq!(details["events"]["first"], events.first, "the entry names the events the import wrote: {details}");
    assert_eq!(details["counts"]["created"], 3);

    // The same file again: nothing to write.
    let again = s.apply_import(&ctx(), &file).await.unwrap();
    assert_eq!(
        (again.counts.created, again.counts.unchanged, again.counts.updated, again.counts.proposed),
        (0, 3, 0, 0),
        "{:?}",
        again.members
    );
    assert_eq!((again.counts.units_created, again.counts.units_existing), (0, 4));
    assert_eq!((again.members_written, again.events_written), (None, None));
    assert_eq!(count_members(s).await, 3);
}

async fn corrected_files_propose_their_changes(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let commune = unit(s, Commune, "XA", "Đảng bộ xã An", Some(province), d(2000, 1, 1)).await;
    let (units, members) = commune_file();
    s.apply_import(&ctx(), &input(units.clone(), members, Some(commune))).await.unwrap();

    let corrected = vec![
        // New phone, and An died in October.
        member_line(
            5,
            "Nguyễn Văn An",
            "15/01/1980",
            "Nam",
            &cccd(1),
            "19/05/2005",
            "19/05/2006",
            "TP-01",
            "19/05/2005",
            "Từ trần",
            "01/10/2026",
            "0987654321",
        ),
        // Another CCCD but the same name and birth date as Bình: the same person?
        member_line(6, "Lê Thị Bình", "02/03/1995", "Nữ", &cccd(9), "01/03/2026", "", "Chi bộ thôn Nam", "", "Dự bị", "", ""),
        // The admission date differs from the register's: kept, shown.
        member_line(
            7,
            "Trần Văn Cường",
            "20/07/1950",
            "Nam",
            &cccd(3),
            "03/03/1975",
            "03/03/1976",
            "TP-03",
            "01/01/2010",
            "Từ trần",
            "01/10/2024",
            "",
        ),
    ];
    let mut file = input(units, corrected, Some(commune));
    let plan = s.plan_import(&ctx(), &file).await.unwrap();
    let MemberAction::Update { changes, differences, accepted: false, .. } = &plan.members[0].outcome else {
        panic!("{:?}", plan.members[0])
    };
    let kinds: Vec<(&str, ChangeKind)> = changes.iter().map(|c| (c.column.as_str(), c.kind)).collect();
    assert_eq!(kinds, vec![("phone", ChangeKind::Identity), ("status", ChangeKind::Event)]);
    assert_eq!((changes[0].register.as_str(), changes[0].file.as_str()), ("0912345678", "0987654321"));
    assert!(differences.is_empty());
    assert!(matches!(plan.members[1].outcome, MemberAction::Confirm { .. }));
    let MemberAction::Update { changes, differences, .. } = &plan.members[2].outcome else { panic!("{:?}", plan.members[2]) };
    assert!(changes.is_empty());
    assert_eq!(differences.iter().map(|c| c.column.as_str()).collect::<Vec<_>>(), vec!["decision_date", "ceremony_date", "official_date"]);
    assert_eq!((plan.counts.proposed, plan.counts.to_confirm), (2, 1));

    // Not accepted: nothing is written.
    s.apply_import(&ctx(), &file).await.unwrap();
    let found =
        s.find_members(&MemberQuery { status: StatusFilter::All, per_page: 100, ..MemberQuery::new(d(2026, 11, 25)) }).await.unwrap();
    let an = found.items.iter().find(|m| m.full_name == "Nguyễn Văn An").unwrap().id;
    assert_eq!(s.member(an).await.unwrap().identity.phone.unwrap().to_string(), "0912345678");

    // Accepted, and Bình confirmed: the phone, the death, and Bình's new CCCD are written.
    file.accept_changes = true;
    file.confirmed = vec![6];
    let done = s.apply_import(&ctx(), &file).await.unwrap();
    assert_eq!(done.counts.updated, 2, "{:?}", done.members);
    let an = s.member(an).await.unwrap();
    assert_eq!(an.identity.phone.unwrap().to_string(), "0987654321");
    assert_eq!(an.history.spans.last().unwrap().status, Status::Deceased);
    assert_eq!(an.history.spans.last().unwrap().from, d(2026, 10, 1));
    let binh = found.items.iter().find(|m| m.full_name == "Lê Thị Bình").unwrap().id;
    assert_eq!(s.member(binh).await.unwrap().identity.citizen_id.to_string(), cccd(9));
}

async fn imports_stay_within_the_scope(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let a = unit(s, Commune, "XA", "Đảng bộ xã An", Some(province), d(2000, 1, 1)).await;
    let b = unit(s, Commune, "XB", "Đảng bộ xã Bình", Some(province), d(2000, 1, 1)).await;
    unit(s, Cell, "XB-01", "Chi bộ thôn Bình Một", Some(b), d(2000, 1, 1)).await;
    unit(s, Cell, "XA-01", "Chi bộ thôn An Một", Some(a), d(2000, 1, 1)).await;
    let members = vec![
        member_line(2, "Vũ Văn Giang", "01/01/1985", "Nam", &cccd(11), "01/01/2010", "01/01/2011", "XA-01", "01/01/2010", "", "", ""),
        member_line(3, "Đỗ Văn Hùng", "01/01/1985", "Nam", &cccd(12), "01/01/2010", "01/01/2011", "XB-01", "01/01/2010", "", "", ""),
        member_line(
            4,
            "Ngô Văn Khánh",
            "01/01/1985",
            "Nam",
            &cccd(13),
            "01/01/2010",
            "01/01/2011",
            "Chi bộ thôn Bình Một",
            "01/01/2010",
            "",
            "",
            "",
        ),
    ];
    let mut file = input(vec![unit_line(2, "XA-02", "Chi bộ thôn An Hai", "Chi bộ", "XB")], members, Some(a));
    file.scope = Some(ScopeFilter { scope: Scope { units: vec![a], ..Scope::default() }, today: d(2026, 11, 25) });
    let plan = s.plan_import(&ctx(), &file).await.unwrap();
    assert_eq!(refused_rows(&plan), vec![3, 4], "units outside the scope are not found, by code or by name");
    let MemberAction::Refused { errors } = &plan.members[1].outcome else { panic!() };
    assert!(!errors[0].message.contains("Bình Một") || errors[0].message.contains("XB-01"), "the message names only what the file said");
    assert!(matches!(plan.units[0].outcome, UnitAction::Refused { .. }), "a parent outside the scope is not found");
}

/// A member line with a lý lịch number (unique in the register).
fn with_ly_lich(mut line: MemberLine, number: &str) -> MemberLine {
    if let Ok(record) = &mut line.read {
        record.identity.ly_lich_number = Some(domain::ids::LyLichNumber::parse(number).unwrap());
    }
    line
}

async fn a_first_import_rebuilds_the_indexes_inside_its_transaction(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let commune = unit(s, Commune, "XA", "Đảng bộ xã An", Some(province), d(2000, 1, 1)).await;
    let (units, mut members) = commune_file();
    members[0] = with_ly_lich(members[0].clone(), "000001TP");
    let mut file = input(units.clone(), members, Some(commune));
    file.rebuild_indexes_from = 1;
    let applied = s.apply_import(&ctx(), &file).await.unwrap();
    assert_eq!(applied.counts.created, 3);
    assert_eq!(count_members(s).await, 3);

    // Four newcomers, one holding An's lý lịch number: the whole file is refused when the
    // rebuilt unique index finds it, and when the index in place does; nothing is written and
    // the indexes are there afterwards (the second refusal needs them).
    let names = ["Đỗ Văn Giang", "Vũ Thị Hoa", "Bùi Văn Khánh", "Đặng Thị Lan"];
    let newcomers: Vec<MemberLine> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let gender = if name.contains(" Thị ") { "Nữ" } else { "Nam" };
            let line = member_line(
                20 + i,
                name,
                "01/01/1990",
                gender,
                &cccd(20 + i as u32),
                "01/01/2015",
                "01/01/2016",
                "TP-01",
                "01/01/2015",
                "Chính thức",
                "",
                "",
            );
            if i == 2 { with_ly_lich(line, "000001TP") } else { line }
        })
        .collect();
    for from in [1, usize::MAX] {
        let mut second = input(units.clone(), newcomers.clone(), Some(commune));
        second.rebuild_indexes_from = from;
        let plan = s.plan_import(&ctx(), &second).await.unwrap();
        assert_eq!(plan.counts.created, 4, "the dry run cannot see it: {:?}", plan.members);
        let refused = s.apply_import(&ctx(), &second).await.unwrap_err();
        assert!(matches!(&refused, StoreError::Invalid(v) if format!("{v:?}").contains("duplicate")), "{refused:?}");
        assert_eq!(count_members(s).await, 3, "nothing written (rebuild from {from})");
    }
    let without = input(units, newcomers.into_iter().filter(|l| l.row != 22).collect(), Some(commune));
    assert_eq!(s.apply_import(&ctx(), &without).await.unwrap().counts.created, 3);
    assert_eq!(count_members(s).await, 6);
}
