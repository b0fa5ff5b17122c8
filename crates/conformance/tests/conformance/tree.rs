//! The organization tree with history: create, rename, move, merge, split, dissolve, queried as
//! of dates; members follow their units through merges and splits.

use conformance::{TestStore, on_both_engines};
use domain::history::Status;
use domain::ids::UnitId;
use domain::unit::UnitKind::*;
use storage::prelude::*;
use storage::{MergeUnits, MoveUnit, RenameUnit, SplitUnit, StatusFilter, StoreError, Successor};

use crate::fixtures::*;

on_both_engines!(tree_history, merge_moves_children_and_members, split_assigns_members, refusals);

fn names(nodes: &[storage::UnitNode]) -> Vec<String> {
    nodes.iter().map(|n| n.unit.name.clone()).collect()
}

async fn tree_history(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy Bình An", None, d(1980, 1, 1)).await;
    let district = unit(s, District, "H1", "Huyện ủy Tân Lập", Some(province), d(1980, 1, 1)).await;
    let commune = unit(s, GrassrootsCommittee, "X1", "Đảng bộ xã An Phú", Some(district), d(1980, 1, 1)).await;
    let cell = unit(s, Cell, "X1-C1", "Chi bộ thôn 1", Some(commune), d(1980, 1, 1)).await;

    let v = s.unit(cell, d(2026, 1, 1)).await.unwrap().version;
    s.rename_unit(
        &ctx(),
        cell,
        RenameUnit {
            expected_version: v,
            name: Some("Chi bộ thôn Đông".into()),
            code: None,
            kind: None,
            decision: decision(d(2020, 5, 1)),
        },
    )
    .await
    .unwrap();
    // The name depends on the date asked.
    assert_eq!(s.unit(cell, d(2019, 12, 31)).await.unwrap().as_of.unwrap().name, "Chi bộ thôn 1");
    assert_eq!(s.unit(cell, d(2020, 5, 1)).await.unwrap().as_of.unwrap().name, "Chi bộ thôn Đông");

    // Move the grassroots committee directly under the province in 2025.
    let v = s.unit(commune, d(2026, 1, 1)).await.unwrap().version;
    s.move_unit(&ctx(), commune, MoveUnit { expected_version: v, parent: province, decision: decision(d(2025, 7, 1)) }).await.unwrap();
    let before: Vec<UnitId> = s.subtree(district, d(2025, 6, 30)).await.unwrap().iter().map(|u| u.id).collect();
    assert_eq!(before, vec![district, commune, cell]);
    let after: Vec<UnitId> = s.subtree(district, d(2025, 7, 1)).await.unwrap().iter().map(|u| u.id).collect();
    assert_eq!(after, vec![district]);
    let province_after: Vec<UnitId> = s.subtree(province, d(2025, 7, 1)).await.unwrap().iter().map(|u| u.id).collect();
    assert_eq!(province_after.len(), 4);
    assert!(province_after.contains(&cell));

    // Dissolve the now empty district; it is gone from the tree from that day, present before.
    s.dissolve_unit(&ctx(), district, decision(d(2025, 7, 2))).await.unwrap();
    assert_eq!(names(&s.children(Some(province), d(2025, 7, 1)).await.unwrap()), vec!["Đảng bộ xã An Phú", "Huyện ủy Tân Lập"]);
    assert_eq!(names(&s.children(Some(province), d(2025, 7, 2)).await.unwrap()), vec!["Đảng bộ xã An Phú"]);
    let detail = s.unit(district, d(2026, 1, 1)).await.unwrap();
    assert!(detail.as_of.is_none());
    assert_eq!(detail.latest.valid_to, Some(d(2025, 7, 2)));
    let kinds: Vec<String> = detail.operations.iter().map(|o| o.kind.clone()).collect();
    assert_eq!(kinds, vec!["create", "dissolve"]);
    let path: Vec<UnitId> = s.unit(cell, d(2024, 1, 1)).await.unwrap().path.iter().map(|u| u.id).collect();
    assert_eq!(path, vec![province, district, commune]);
}

async fn merge_moves_children_and_members(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy Bình An", None, d(1980, 1, 1)).await;
    let a = unit(s, GrassrootsCommittee, "XA", "Đảng bộ xã A", Some(province), d(1980, 1, 1)).await;
    let b = unit(s, GrassrootsCommittee, "XB", "Đảng bộ xã B", Some(province), d(1980, 1, 1)).await;
    let ca = unit(s, Cell, "XA-1", "Chi bộ thôn A1", Some(a), d(1980, 1, 1)).await;
    let cb = unit(s, Cell, "XB-1", "Chi bộ thôn B1", Some(b), d(1980, 1, 1)).await;
    let m1 = member(s, "Nguyễn Văn An", "nam", "1/1/1970", &cccd(1), ca, d(1995, 3, 10), true).await;
    let m2 = member(s, "Trần Thị Bình", "nu", "1/1/1975", &cccd(2), cb, d(2001, 5, 19), true).await;

    let merged = s
        .merge_units(
            &ctx(),
            MergeUnits {
                sources: vec![a, b],
                target: Successor::New(spec(Commune, "XAB", "Đảng bộ xã An Bình", Some(province))),
                decision: decision(d(2025, 7, 1)),
            },
        )
        .await
        .unwrap();
    // Children moved under the new unit; the sources end the day of the merge.
    assert_eq!(names(&s.children(Some(province), d(2025, 6, 30)).await.unwrap()), vec!["Đảng bộ xã A", "Đảng bộ xã B"]);
    assert_eq!(names(&s.children(Some(province), d(2025, 7, 1)).await.unwrap()), vec!["Đảng bộ xã An Bình"]);
    let kids = s.children(Some(merged), d(2025, 7, 1)).await.unwrap();
    assert_eq!(names(&kids), vec!["Chi bộ thôn A1", "Chi bộ thôn B1"]);
    assert_eq!(kids.iter().map(|k| k.member_count).sum::<usize>(), 2);
    // Successors of the dissolved sources.
    assert_eq!(s.current_successors(a, d(2026, 1, 1)).await.unwrap().iter().map(|u| u.id).collect::<Vec<_>>(), vec![merged]);
    let detail = s.unit(merged, d(2026, 1, 1)).await.unwrap();
    assert_eq!(detail.predecessors.len(), 2);
    assert_eq!(detail.member_count, 2);
    assert_eq!(s.unit(a, d(2025, 6, 30)).await.unwrap().member_count, 1);
    let _ = (m1, m2);

    // Merging chi bộ moves their members with a reassignment event.
    let cell = s
        .merge_units(
            &ctx(),
            MergeUnits {
                sources: vec![ca, cb],
                target: Successor::New(spec(Cell, "XAB-1", "Chi bộ thôn Hợp Nhất", Some(merged))),
                decision: decision(d(2025, 9, 1)),
            },
        )
        .await
        .unwrap();
    let m = s.member(m1).await.unwrap();
    assert_eq!(m.history.span_on(d(2025, 9, 1)).unwrap().unit, domain::event::UnitRef::Internal(cell));
    assert_eq!(m.history.span_on(d(2025, 8, 31)).unwrap().unit, domain::event::UnitRef::Internal(ca));
    assert_eq!(m.events.len(), 4);
    let mut q = storage::MemberQuery::new(d(2025, 9, 1));
    q.unit = Some(cell);
    assert_eq!(s.find_members(&q).await.unwrap().total, 2);
    q.as_of = d(2025, 8, 31);
    assert_eq!(s.find_members(&q).await.unwrap().total, 0);
    q.unit = Some(ca);
    assert_eq!(s.find_members(&q).await.unwrap().total, 1);
}

async fn split_assigns_members(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy Bình An", None, d(1980, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ phường Hòa Bình", Some(province), d(1980, 1, 1)).await;
    let cell = unit(s, GrassrootsCell, "X-1", "Chi bộ khu phố 1", Some(commune), d(1980, 1, 1)).await;
    let m1 = member(s, "Lê Văn Cường", "nam", "1/1/1970", &cccd(11), cell, d(1995, 3, 10), true).await;
    let m2 = member(s, "Phạm Thị Dung", "nu", "1/1/1980", &cccd(12), cell, d(2005, 3, 10), true).await;
    let v = s.unit(cell, d(2026, 1, 1)).await.unwrap().version;
    let targets = s
        .split_unit(
            &ctx(),
            cell,
            SplitUnit {
                expected_version: v,
                successors: vec![
                    Successor::New(spec(GrassrootsCell, "X-1A", "Chi bộ khu phố 1A", Some(commune))),
                    Successor::New(spec(GrassrootsCell, "X-1B", "Chi bộ khu phố 1B", Some(commune))),
                ],
                children: vec![],
                members: vec![(m2, 1)],
                decision: decision(d(2024, 1, 1)),
            },
        )
        .await
        .unwrap();
    assert_eq!(targets.len(), 2);
    let unit_of = |m: &storage::MemberDetail| m.history.span_on(d(2024, 6, 1)).unwrap().unit.clone();
    assert_eq!(unit_of(&s.member(m1).await.unwrap()), domain::event::UnitRef::Internal(targets[0]));
    assert_eq!(unit_of(&s.member(m2).await.unwrap()), domain::event::UnitRef::Internal(targets[1]));
    let succ: Vec<UnitId> = s.current_successors(cell, d(2026, 1, 1)).await.unwrap().iter().map(|u| u.id).collect();
    assert_eq!(succ.len(), 2);
    assert_eq!(names(&s.children(Some(commune), d(2023, 12, 31)).await.unwrap()), vec!["Chi bộ khu phố 1"]);
    assert_eq!(names(&s.children(Some(commune), d(2024, 1, 1)).await.unwrap()), vec!["Chi bộ khu phố 1A", "Chi bộ khu phố 1B"]);
}

async fn refusals(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(1980, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã", Some(province), d(1980, 1, 1)).await;
    let cell = unit(s, GrassrootsCell, "X-1", "Chi bộ 1", Some(commune), d(1980, 1, 1)).await;
    member(s, "Hoàng Văn Em", "nam", "1/1/1970", &cccd(21), cell, d(1995, 3, 10), true).await;
    // Wrong placement, duplicate code, a cycle, a dissolution with members, a stale version.
    let bad = s
        .create_unit(&ctx(), storage::NewUnit { spec: spec(Cell, "C", "Chi bộ", Some(province)), decision: decision(d(2010, 1, 1)) })
        .await;
    assert!(matches!(bad, Err(StoreError::Invalid(e)) if e.errors[0].code == "invalid_parent"));
    let dup = s
        .create_unit(
            &ctx(),
            storage::NewUnit { spec: spec(GrassrootsCell, "x-1", "Chi bộ 2", Some(commune)), decision: decision(d(2010, 1, 1)) },
        )
        .await;
    assert!(matches!(dup, Err(StoreError::Invalid(e)) if e.errors[0].code == "duplicate"));
    let v = s.unit(commune, d(2026, 1, 1)).await.unwrap().version;
    let cycle = s.move_unit(&ctx(), province, MoveUnit { expected_version: 1, parent: commune, decision: decision(d(2010, 1, 1)) }).await;
    assert!(cycle.is_err());
    let dissolve = s.dissolve_unit(&ctx(), cell, decision(d(2020, 1, 1))).await;
    assert!(matches!(dissolve, Err(StoreError::Invalid(e)) if e.errors[0].code == "has_members"));
    let stale =
        s.move_unit(&ctx(), commune, MoveUnit { expected_version: v + 5, parent: province, decision: decision(d(2010, 1, 1)) }).await;
    assert!(matches!(stale, Err(StoreError::Conflict { .. })));
    // Nothing above changed the tree.
    assert_eq!(s.subtree(province, d(2026, 1, 1)).await.unwrap().len(), 3);
    let mut q = storage::MemberQuery::new(d(2026, 1, 1));
    q.status = StatusFilter::Only(Status::Official);
    assert_eq!(s.find_members(&q).await.unwrap().total, 1);
}

on_both_engines!(ended_units_leave_the_closure);

async fn ended_units_leave_the_closure(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(1980, 1, 1)).await;
    let a = unit(s, Commune, "A", "Đảng bộ xã A", Some(province), d(1980, 1, 1)).await;
    let b = unit(s, Commune, "B", "Đảng bộ xã B", Some(province), d(1980, 1, 1)).await;
    let gone = unit(s, GrassrootsCell, "G", "Chi bộ giải thể", Some(a), d(1980, 1, 1)).await;
    s.dissolve_unit(&ctx(), gone, decision(d(2020, 1, 1))).await.unwrap();
    s.merge_units(&ctx(), MergeUnits { sources: vec![a], target: Successor::Existing(b), decision: decision(d(2021, 1, 1)) })
        .await
        .unwrap();
    let ids = |list: Vec<storage::UnitSummary>| list.iter().map(|u| u.id).collect::<Vec<_>>();
    assert_eq!(ids(s.subtree(province, d(2019, 12, 31)).await.unwrap()), vec![province, a, b, gone]);
    assert_eq!(ids(s.subtree(province, d(2020, 1, 1)).await.unwrap()), vec![province, a, b]);
    assert_eq!(ids(s.subtree(province, d(2021, 1, 1)).await.unwrap()), vec![province, b]);
    assert!(matches!(s.subtree(a, d(2021, 1, 1)).await, Err(StoreError::NotFound)));
}
