//! Membership events: impossible sequences are refused with a clear message and change nothing;
//! corrections keep the original; edits check the version.

use conformance::{TestStore, on_both_engines};
use domain::event::{Entry, EventKind, StrikeOffReason, TransferMode, UnitRef};
use domain::history::Status;
use domain::member::IdentityInput;
use domain::unit::UnitKind::*;
use storage::prelude::*;
use storage::{MemberUpdate, StoreError};

use crate::fixtures::*;

on_both_engines!(impossible_sequences_are_refused, corrections_and_versions, identifiers_are_unique, two_processes_share_one_database);

fn code(r: Result<domain::ids::EventId, StoreError>) -> String {
    match r {
        Err(StoreError::Invalid(e)) => e.errors[0].code.to_string(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn impossible_sequences_are_refused(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(1980, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã", Some(province), d(1980, 1, 1)).await;
    let c1 = unit(s, GrassrootsCell, "C1", "Chi bộ 1", Some(commune), d(1980, 1, 1)).await;
    let c2 = unit(s, GrassrootsCell, "C2", "Chi bộ 2", Some(commune), d(1980, 1, 1)).await;
    let late = unit(s, GrassrootsCell, "C3", "Chi bộ 3", Some(commune), d(2024, 1, 1)).await;
    let m = member(s, "Vũ Thị Giang", "nu", "1/1/1990", &cccd(31), c1, d(2022, 4, 10), false).await;
    let v = s.member(m).await.unwrap().version;

    // Recognition on a day other than the end of probation.
    assert_eq!(code(s.record_event(&ctx(), m, v, event(EventKind::RecognizedOfficial, d(2023, 4, 11))).await), "recognition_date");
    // Transfer out of a unit the member is not in.
    let out = EventKind::TransferredOut { mode: TransferMode::Official, from: c2, to: UnitRef::External("Tỉnh khác".into()) };
    assert_eq!(code(s.record_event(&ctx(), m, v, event(out, d(2023, 1, 1))).await), "not_in_unit");
    // An event in a unit that did not exist that day.
    assert_eq!(code(s.record_event(&ctx(), m, v, event(EventKind::Reassigned { to: late }, d(2023, 1, 1))).await), "unit_not_valid");
    // Exemption while probationary.
    assert_eq!(code(s.record_event(&ctx(), m, v, event(EventKind::Exempted, d(2023, 1, 1))).await), "probationary");
    // None of that was written.
    let detail = s.member(m).await.unwrap();
    assert_eq!((detail.version, detail.events.len()), (v, 1));

    // Probation runs 12 months from the ceremony: without one on the record, no recognition.
    assert_eq!(code(s.record_event(&ctx(), m, v, event(EventKind::RecognizedOfficial, d(2023, 4, 10))).await), "no_ceremony");
    s.record_event(&ctx(), m, v, event(EventKind::Ceremony, d(2022, 4, 25))).await.unwrap();
    // Twelve months from the decision is now too early.
    assert_eq!(code(s.record_event(&ctx(), m, v + 1, event(EventKind::RecognizedOfficial, d(2023, 4, 10))).await), "recognition_date");
    s.record_event(&ctx(), m, v + 1, event(EventKind::RecognizedOfficial, d(2023, 4, 25))).await.unwrap();
    s.record_event(&ctx(), m, v + 2, domain::event::EventData { kind: EventKind::Died, effective: d(2025, 2, 1), basis: None, note: None })
        .await
        .unwrap();
    // Anything after death, even dated before today, is refused.
    let strike = EventKind::StruckOff { reason: StrikeOffReason::UnpaidDues };
    assert_eq!(code(s.record_event(&ctx(), m, v + 3, event(strike, d(2025, 6, 1))).await), "after_death");
    // A back-dated event that contradicts later history is refused too.
    assert_eq!(code(s.record_event(&ctx(), m, v + 3, event(EventKind::Expelled, d(2021, 1, 1))).await), "not_a_member");
    let detail = s.member(m).await.unwrap();
    assert_eq!(detail.history.span_on(d(2026, 1, 1)).unwrap().status, Status::Deceased);
    assert_eq!(detail.history.party_age_months(d(2026, 1, 1)), Some(33));
}

async fn corrections_and_versions(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(1980, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã", Some(province), d(1980, 1, 1)).await;
    let c1 = unit(s, GrassrootsCell, "C1", "Chi bộ 1", Some(commune), d(1980, 1, 1)).await;
    let m = member(s, "Đặng Văn Hùng", "nam", "1/1/1960", &cccd(41), c1, d(1990, 4, 10), true).await;
    let v = s.member(m).await.unwrap().version;
    let died = s
        .record_event(&ctx(), m, v, domain::event::EventData { kind: EventKind::Died, effective: d(2024, 1, 1), basis: None, note: None })
        .await
        .unwrap();
    // A stale version is a conflict and writes nothing.
    let stale = s.record_event(&ctx(), m, v, event(EventKind::Exempted, d(2023, 1, 1))).await;
    assert!(matches!(stale, Err(StoreError::Conflict { current }) if current == v + 1));
    // Void the wrong death record: the member is active again, the original stays visible.
    let missing_reason = s.correct_event(&ctx(), m, v + 1, died, Entry::Void, "  ".into()).await;
    assert!(matches!(missing_reason, Err(StoreError::Invalid(_))));
    s.correct_event(&ctx(), m, v + 1, died, Entry::Void, "Nhập nhầm người".into()).await.unwrap();
    let detail = s.member(m).await.unwrap();
    assert_eq!(detail.events.len(), 5);
    assert_eq!(detail.events[4].corrects, Some(died));
    assert_eq!(detail.history.span_on(d(2026, 1, 1)).unwrap().status, Status::Official);
    let mut q = storage::MemberQuery::new(d(2026, 1, 1));
    q.unit = Some(c1);
    assert_eq!(s.find_members(&q).await.unwrap().total, 1);

    // Two people edit at once: the second save is a conflict, never a silent overwrite.
    let mut input = IdentityInput::from_identity(&detail.identity);
    input.full_name = "Đặng Văn Hưng".into();
    let first = MemberUpdate { expected_version: detail.version, identity: input.parse(d(2026, 11, 25)).unwrap(), new_profile: None };
    input.full_name = "Đặng Văn Hoàng".into();
    let second = MemberUpdate { expected_version: detail.version, identity: input.parse(d(2026, 11, 25)).unwrap(), new_profile: None };
    s.update_member(&ctx(), m, first).await.unwrap();
    assert!(matches!(s.update_member(&ctx(), m, second).await, Err(StoreError::Conflict { .. })));
    assert_eq!(s.member(m).await.unwrap().identity.full_name.as_str(), "Đặng Văn Hưng");
}

async fn identifiers_are_unique(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(1980, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã", Some(province), d(1980, 1, 1)).await;
    let c1 = unit(s, GrassrootsCell, "C1", "Chi bộ 1", Some(commune), d(1980, 1, 1)).await;
    member(s, "Bùi Thị Lan", "nu", "1/1/1980", &cccd(51), c1, d(2010, 4, 10), true).await;
    let dup = s
        .create_member(
            &ctx(),
            storage::NewMember {
                identity: identity("Bùi Thị Liên", "nu", "1/1/1981", &cccd(51)),
                profile: profile(),
                events: vec![admitted(c1, d(2015, 1, 1))],
            },
        )
        .await;
    match dup {
        Err(StoreError::Invalid(e)) => {
            assert_eq!(e.errors[0].field, "citizen_id");
            assert!(e.errors[0].message.contains("Bùi Thị Lan"), "{}", e.errors[0].message);
        }
        other => panic!("expected a duplicate refusal, got {other:?}"),
    }
    assert_eq!(s.find_members(&storage::MemberQuery::new(d(2026, 1, 1))).await.unwrap().total, 1);
}

async fn two_processes_share_one_database(t: &TestStore) {
    let a = t.store.as_ref();
    let b = t.reopen().await;
    let province = unit(a, Province, "T", "Tỉnh ủy", None, d(1980, 1, 1)).await;
    let commune = unit(a, Commune, "X", "Đảng bộ xã", Some(province), d(1980, 1, 1)).await;
    let c1 = unit(a, GrassrootsCell, "C1", "Chi bộ 1", Some(commune), d(1980, 1, 1)).await;
    let query = |q: &str| {
        let mut m = storage::MemberQuery::new(d(2026, 1, 1));
        m.q = q.into();
        m
    };
    assert_eq!(b.find_members(&query("ngo")).await.unwrap().total, 0);
    let m = member(a, "Ngô Văn Minh", "nam", "1/1/1980", &cccd(61), c1, d(2010, 4, 10), true).await;
    // The other process sees the write at once, and its own writes are seen back.
    assert_eq!(b.find_members(&query("ngo")).await.unwrap().total, 1);
    let v = b.member(m).await.unwrap().version;
    b.record_event(&ctx(), m, v, domain::event::EventData { kind: EventKind::Died, effective: d(2025, 1, 1), basis: None, note: None })
        .await
        .unwrap();
    assert_eq!(a.find_members(&query("ngo")).await.unwrap().total, 0);
    assert_eq!(b.children(Some(commune), d(2026, 1, 1)).await.unwrap()[0].member_count, 0);
}

on_both_engines!(bulk_loads_defer_and_restore_unique_indexes);

fn bulk_member(id: i64, cccd: &str, unit: domain::ids::UnitId) -> storage::BulkMember {
    let name = format!("Nguyễn Văn Số {}", ["Một", "Hai", "Ba"][(id % 3) as usize]);
    storage::BulkMember {
        id: domain::ids::MemberId(id),
        identity: identity(&name, "nam", "1/1/1980", cccd),
        profiles: vec![profile()],
        events: vec![domain::event::RecordedEvent {
            id: domain::ids::EventId(id),
            entry: Entry::Event(admitted(unit, d(2010, 1, 1))),
            corrects: None,
            correction_reason: None,
            recorded_at: ctx().now,
            recorded_by: "bulk".into(),
        }],
    }
}

async fn bulk_loads_defer_and_restore_unique_indexes(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(1980, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã", Some(province), d(1980, 1, 1)).await;
    let cell = unit(s, GrassrootsCell, "C1", "Chi bộ 1", Some(commune), d(1980, 1, 1)).await;
    let load = |members| storage::BulkData { members, recorded_by: "bulk".into(), recorded_at: ctx().now, ..Default::default() };

    // Between begin and finish duplicates get in, and finish refuses to build the unique index.
    s.bulk_begin().await.unwrap();
    s.bulk_load(load(vec![bulk_member(101, &cccd(900), cell), bulk_member(102, &cccd(900), cell)])).await.unwrap();
    assert!(matches!(s.bulk_finish().await, Err(StoreError::Invalid(e)) if e.errors[0].code == "duplicate"));

    // A load interrupted after begin: the next start rebuilds the indexes, so duplicates are refused again.
    let fresh = conformance::fresh(t.engine).await.unwrap();
    let s = fresh.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(1980, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã", Some(province), d(1980, 1, 1)).await;
    let cell = unit(s, GrassrootsCell, "C1", "Chi bộ 1", Some(commune), d(1980, 1, 1)).await;
    s.bulk_begin().await.unwrap();
    let restarted = fresh.reopen().await;
    assert!(restarted.bulk_load(load(vec![bulk_member(201, &cccd(901), cell), bulk_member(202, &cccd(901), cell)])).await.is_err());
    restarted.bulk_load(load(vec![bulk_member(203, &cccd(902), cell)])).await.unwrap();
    assert_eq!(restarted.find_members(&storage::MemberQuery::new(d(2026, 1, 1))).await.unwrap().total, 1);
}
