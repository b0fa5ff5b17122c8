//! The data-quality worklist: each kind of problem planted in a small register is found, on
//! the right record or chi bộ, counted under the right unit, and nothing else is; a scoped reader
//! sees only its own records and chi bộ.

use conformance::{TestStore, on_both_engines};
use domain::access::{Grant, Role};
use domain::event::{Entry, EventKind, RecordedEvent, TransferMode, UnitRef};
use domain::ids::{EventId, MemberId, UnitId};
use domain::quality::ProblemKind::{self, *};
use domain::unit::UnitKind::*;
use storage::access::QualityAsk;
use storage::prelude::*;
use storage::{AccountChange, NewAccount, NewMember, QualityQuery, QualityReport, StoreError};

use crate::fixtures::*;

on_both_engines!(each_planted_problem_is_found_once_and_counted_under_its_unit);

struct World {
    commune_a: UnitId,
    commune_b: UnitId,
    cell_an: UnitId,
    cell_moi: UnitId,
    cell_binh: UnitId,
    an_in_a: MemberId,
    an_in_b: MemberId,
    young: MemberId,
    no_ceremony: MemberId,
    in_transit: MemberId,
    card_1: MemberId,
    card_2: MemberId,
}

/// A province with two communes: xã An (chi bộ thôn An, with a secretary's account; chi bộ thôn
/// Mới, empty) and xã Bình (chi bộ thôn Bình, whose secretary's account is disabled).
async fn world(t: &TestStore) -> World {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let commune_a = unit(s, Commune, "XA", "Đảng bộ xã An", Some(province), d(2000, 1, 1)).await;
    let commune_b = unit(s, Commune, "XB", "Đảng bộ xã Bình", Some(province), d(2000, 1, 1)).await;
    let cell_an = unit(s, GrassrootsCell, "CA", "Chi bộ thôn An", Some(commune_a), d(2000, 1, 1)).await;
    let cell_moi = unit(s, GrassrootsCell, "CM", "Chi bộ thôn Mới", Some(commune_a), d(2000, 1, 1)).await;
    let cell_binh = unit(s, GrassrootsCell, "CB", "Chi bộ thôn Bình", Some(commune_b), d(2000, 1, 1)).await;
    secretary(s, "bt-an", cell_an, false).await;
    secretary(s, "bt-binh", cell_binh, true).await;

    // Nothing to fix.
    member(s, "Trần Văn Ổn", "nam", "1/1/1975", &cccd(1), cell_an, d(2010, 1, 1), true).await;
    // One person typed twice, once without marks, in two communes.
    let an_in_a = member(s, "Nguyễn Văn An", "nam", "1/1/1980", &cccd(2), cell_an, d(2010, 1, 1), true).await;
    let an_in_b = member(s, "Nguyen Van An", "nam", "1/1/1980", &cccd(3), cell_binh, d(2012, 1, 1), true).await;
    // Admitted at 17 years 11 months.
    let young =
        create(s, "Lê Thị Xuân", "nu", "15/6/2008", 4, vec![admitted(cell_an, d(2026, 6, 14)), event(EventKind::Ceremony, d(2026, 6, 14))])
            .await;
    // Admitted on 2/3/2026 and no ceremony recorded; the last day for it was 13/4/2026.
    let no_ceremony = create(s, "Phạm Văn Lễ", "nam", "1/1/1995", 5, vec![admitted(cell_an, d(2026, 3, 2))]).await;
    // The letter of 1/9/2026 to xã Bình, not received by 14/10/2026.
    let to_binh = EventKind::TransferredOut { mode: TransferMode::Official, from: cell_an, to: UnitRef::Internal(cell_binh) };
    let in_transit = create(s, "Hoàng Văn Đi", "nam", "1/1/1970", 6, official_then(cell_an, event(to_binh, d(2026, 9, 1)))).await;
    // Left the province: nobody here has an acceptance to record.
    let away =
        EventKind::TransferredOut { mode: TransferMode::Official, from: cell_an, to: UnitRef::External("Tỉnh ủy Hà Giang".into()) };
    create(s, "Vũ Văn Xa", "nam", "1/1/1971", 7, official_then(cell_an, event(away, d(2026, 6, 1)))).await;
    // Recognized at the right date after a ceremony, struck off later: nothing.
    let off = EventKind::StruckOff { reason: domain::event::StrikeOffReason::UnpaidDues };
    create(s, "Đỗ Văn Thôi", "nam", "1/1/1972", 8, official_then(cell_an, event(off, d(2020, 1, 1)))).await;

    // Two records with one card number, one of them without a profile: only a bulk load between
    // `bulk_begin` and `bulk_finish` lets such records in (as an import may).
    s.bulk_begin().await.unwrap();
    let (_, max_member, max_event) = s.max_ids().await.unwrap();
    let card_1 = MemberId(max_member + 1);
    let card_2 = MemberId(max_member + 2);
    let bulk = |id: MemberId, name: &str, cccd_n: u32, first_event: i64, with_profile: bool| {
        let mut identity = identity(name, "nam", "1/1/1960", &cccd(cccd_n));
        identity.party_card_number = Some(domain::ids::PartyCardNumber::parse("11112222").unwrap());
        let entry = |n: i64, data| RecordedEvent {
            id: EventId(first_event + n),
            entry: Entry::Event(data),
            corrects: None,
            correction_reason: None,
            recorded_at: ctx().now,
            recorded_by: "bulk".into(),
        };
        storage::BulkMember {
            id,
            identity,
            profiles: if with_profile { vec![profile()] } else { Vec::new() },
            events: vec![
                entry(0, admitted(cell_an, d(2005, 1, 1))),
                entry(1, event(EventKind::Ceremony, d(2005, 1, 1))),
                entry(2, event(EventKind::RecognizedOfficial, d(2006, 1, 1))),
            ],
        }
    };
    let members = vec![bulk(card_1, "Lê Văn Cường", 9, max_event + 1, true), bulk(card_2, "Phạm Văn Dũng", 10, max_event + 11, false)];
    s.bulk_load(storage::BulkData { members, recorded_by: "bulk".into(), recorded_at: ctx().now, ..Default::default() }).await.unwrap();

    World { commune_a, commune_b, cell_an, cell_moi, cell_binh, an_in_a, an_in_b, young, no_ceremony, in_transit, card_1, card_2 }
}

/// An account holding the cell-secretary role on `cell`, disabled when asked.
async fn secretary(s: &dyn Store, username: &str, cell: UnitId, disabled: bool) {
    let new = NewAccount {
        username: username.into(),
        display_name: username.into(),
        password_hash: "x".into(),
        member: None,
        must_change_password: false,
        grants: vec![Grant { role: Role::CellSecretary, unit: Some(cell) }],
    };
    let id = s.create_account(&ctx(), new).await.unwrap();
    if disabled {
        let version = s.account(id).await.unwrap().version;
        s.change_account(&ctx(), id, AccountChange { expected_version: version, disabled: Some(true), ..Default::default() })
            .await
            .unwrap();
    }
}

async fn create(s: &dyn Store, name: &str, gender: &str, birth: &str, n: u32, events: Vec<domain::event::EventData>) -> MemberId {
    s.create_member(&ctx(), NewMember { identity: identity(name, gender, birth, &cccd(n)), profile: profile(), events }).await.unwrap()
}

/// Admitted in 2010 with the ceremony that day, official 12 months later, then `then`.
fn official_then(cell: UnitId, then: domain::event::EventData) -> Vec<domain::event::EventData> {
    vec![
        admitted(cell, d(2010, 1, 1)),
        event(EventKind::Ceremony, d(2010, 1, 1)),
        event(EventKind::RecognizedOfficial, d(2011, 1, 1)),
        then,
    ]
}

fn today() -> chrono::NaiveDate {
    d(2026, 11, 25)
}

fn count(r: &QualityReport, kind: ProblemKind) -> usize {
    r.totals.iter().find(|c| c.kind == kind).map_or(0, |c| c.count)
}

/// (kind, member or chi bộ) of every line.
fn lines(r: &QualityReport) -> Vec<(ProblemKind, Option<MemberId>, Option<UnitId>)> {
    r.lines.iter().map(|l| (l.kind, l.member.as_ref().map(|m| m.id), l.unit.as_ref().map(|u| u.id))).collect()
}

/// (unit, total) of the breakdown.
fn per_unit(r: &QualityReport) -> Vec<(UnitId, usize)> {
    r.per_unit.iter().map(|u| (u.unit.id, u.total)).collect()
}

async fn each_planted_problem_is_found_once_and_counted_under_its_unit(t: &TestStore) {
    let w = world(t).await;
    let s = t.store.as_ref();
    let all = s.quality(&QualityQuery::new(None, today())).await.unwrap();
    let expected = [
        (DuplicateNameBirth, 2),
        (DuplicateCard, 2),
        // The writes refuse it (domain::history::derive): nothing in a register can show it.
        (OfficialBeforeAdmission, 0),
        (AdmittedUnderAge, 1),
        (CeremonyMissing, 1),
        (NoProfile, 1),
        (TransitOverdue, 1),
        (CellWithoutMembers, 1),
        (CellWithoutSecretary, 2),
    ];
    for (kind, n) in expected {
        assert_eq!(count(&all, kind), n, "{kind:?}");
    }
    assert_eq!(all.totals.len(), ProblemKind::ALL.len());
    assert_eq!(all.total_lines, 11);
    // Kinds in the list's order, members in register order within a kind (by given name; the two
    // records of the pair in either order), chi bộ by name.
    let found = lines(&all);
    let mut pair = found[..2].to_vec();
    pair.sort();
    let mut both = vec![(DuplicateNameBirth, Some(w.an_in_a), Some(w.cell_an)), (DuplicateNameBirth, Some(w.an_in_b), Some(w.cell_binh))];
    both.sort();
    assert_eq!(pair, both);
    assert_eq!(
        found[2..].to_vec(),
        vec![
            (DuplicateCard, Some(w.card_1), Some(w.cell_an)),
            (DuplicateCard, Some(w.card_2), Some(w.cell_an)),
            (AdmittedUnderAge, Some(w.young), Some(w.cell_an)),
            (CeremonyMissing, Some(w.no_ceremony), Some(w.cell_an)),
            (NoProfile, Some(w.card_2), Some(w.cell_an)),
            (TransitOverdue, Some(w.in_transit), Some(w.cell_an)),
            (CellWithoutMembers, None, Some(w.cell_moi)),
            (CellWithoutSecretary, None, Some(w.cell_binh)),
            (CellWithoutSecretary, None, Some(w.cell_moi)),
        ]
    );
    let dup = all.lines.iter().find(|l| l.member.as_ref().is_some_and(|m| m.id == w.an_in_a)).unwrap();
    assert_eq!(dup.related.iter().map(|m| m.id).collect::<Vec<_>>(), vec![w.an_in_b]);
    let late = all.lines.iter().find(|l| l.kind == CeremonyMissing).unwrap();
    assert_eq!((late.date, late.deadline), (Some(d(2026, 3, 2)), Some(d(2026, 4, 13))));
    let transit = all.lines.iter().find(|l| l.kind == TransitOverdue).unwrap();
    assert_eq!((transit.date, transit.deadline), (Some(d(2026, 9, 1)), Some(d(2026, 10, 14))));
    let moi = all.lines.iter().find(|l| l.kind == CellWithoutMembers).unwrap().unit.clone().unwrap();
    assert_eq!(moi.path, vec!["Đảng bộ xã An".to_string(), "Tỉnh ủy".to_string()]);
    // Under the province's one top unit: its communes, most problems first.
    assert_eq!(per_unit(&all), vec![(w.commune_a, 9), (w.commune_b, 2)]);

    // One kind; one page.
    let kind = QualityQuery { kind: Some(CellWithoutSecretary), ..QualityQuery::new(None, today()) };
    let only = s.quality(&kind).await.unwrap();
    assert_eq!((only.total_lines, only.lines.len(), count(&only, NoProfile)), (2, 2, 1));
    let paged = s.quality(&QualityQuery { page: 3, per_page: Some(4), ..QualityQuery::new(None, today()) }).await.unwrap();
    assert_eq!((paged.total_lines, paged.page), (11, 3));
    assert_eq!(lines(&paged), lines(&all)[8..].to_vec());

    // One chi bộ: its own problems only, the duplicate still found against the other commune.
    let cell = s.quality(&QualityQuery { unit: Some(w.cell_an), ..QualityQuery::new(None, today()) }).await.unwrap();
    assert_eq!(cell.total_lines, 7);
    assert_eq!(count(&cell, DuplicateNameBirth), 1);
    assert_eq!(per_unit(&cell), vec![(w.cell_an, 7)]);
    assert_eq!(cell.unit.as_ref().map(|u| u.id), Some(w.cell_an));

    // Through the scoped handle: xã An's staff see their records and chi bộ, broken down by chi
    // bộ, and no duplicate against a record they cannot read.
    let staff_a = access(&t.store, &[(Role::OrgBoardStaff, Some(w.commune_a))]);
    let a = staff_a.quality().unwrap().report(QualityAsk { page: 1, ..Default::default() }).await.unwrap();
    assert_eq!((a.total_lines, count(&a, DuplicateNameBirth), count(&a, CellWithoutSecretary)), (8, 0, 1));
    assert_eq!(per_unit(&a), vec![(w.cell_an, 6), (w.cell_moi, 2)]);
    // xã Bình's staff: the member on the way to them, and their chi bộ without a secretary.
    let staff_b = access(&t.store, &[(Role::OrgBoardStaff, Some(w.commune_b))]);
    let b = staff_b.quality().unwrap().report(QualityAsk { page: 1, ..Default::default() }).await.unwrap();
    assert_eq!(lines(&b), vec![(TransitOverdue, Some(w.in_transit), Some(w.cell_an)), (CellWithoutSecretary, None, Some(w.cell_binh))]);
    assert_eq!(per_unit(&b), vec![(w.cell_binh, 2)]);
    // A unit outside the scope looks missing.
    let outside = staff_b.quality().unwrap().report(QualityAsk { unit: Some(w.cell_an), page: 1, ..Default::default() }).await;
    assert!(matches!(outside, Err(StoreError::NotFound)), "{outside:?}");
    // Every read is in the audit trail with the records shown.
    let trail =
        s.audit_entries(&storage::AuditQuery { action: Some("read.quality".into()), limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(trail.len(), 2);
    // Newest first: xã Bình's read (the member on the way), then xã An's (five records).
    let shown: Vec<usize> = trail
        .iter()
        .map(|e| serde_json::from_str::<serde_json::Value>(&e.details).unwrap()["members"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(shown, vec![1, 5]);
}
