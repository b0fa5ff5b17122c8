//! Congress terms and occasions on both engines: recorded, changed and deleted with version
//! checks, overlaps and duplicates refused, terms inherited through a merger, every write audited,
//! and the scoped handle's checks.

use conformance::{TestStore, on_both_engines};
use domain::access::Role;
use domain::ids::UnitId;
use domain::unit::UnitKind::*;
use storage::prelude::*;
use storage::{AuditQuery, MergeUnits, StoreError, Successor, TermInput};

use crate::fixtures::*;

on_both_engines!(terms_are_recorded_checked_and_inherited, occasions_are_added_and_removed, plans_follow_the_scope);

struct World {
    province: UnitId,
    a: UnitId,
    b: UnitId,
    cell_a: UnitId,
}

async fn world(s: &dyn Store) -> World {
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let a = unit(s, Commune, "XA", "Đảng bộ xã An", Some(province), d(2000, 1, 1)).await;
    let b = unit(s, Commune, "XB", "Đảng bộ xã Bình", Some(province), d(2000, 1, 1)).await;
    let cell_a = unit(s, Cell, "CA", "Chi bộ thôn An", Some(a), d(2000, 1, 1)).await;
    World { province, a, b, cell_a }
}

fn term(first: chrono::NaiveDate, last: chrono::NaiveDate, target: Option<u32>) -> TermInput {
    TermInput { first_day: first, last_day: last, target }
}

async fn actions(s: &dyn Store, prefix: &str) -> Vec<String> {
    let q = AuditQuery { action: Some(prefix.into()), limit: 100, ..AuditQuery::default() };
    let mut out: Vec<String> = s.audit_entries(&q).await.unwrap().into_iter().map(|e| e.action).collect();
    out.reverse();
    out
}

async fn terms_are_recorded_checked_and_inherited(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let a_term = s.create_term(&ctx(), w.a, term(d(2020, 7, 10), d(2025, 7, 9), Some(40))).await.unwrap();
    s.create_term(&ctx(), w.b, term(d(2020, 7, 5), d(2025, 7, 4), Some(25))).await.unwrap();
    // Overlaps, reversed days, a target out of range and a unit not standing are refused.
    let overlap = s.create_term(&ctx(), w.a, term(d(2025, 1, 1), d(2029, 12, 31), None)).await.unwrap_err();
    assert_eq!(codes(overlap), vec!["overlaps"]);
    let reversed = s.create_term(&ctx(), w.a, term(d(2026, 1, 1), d(2025, 12, 31), None)).await.unwrap_err();
    assert_eq!(codes(reversed), vec!["period_reversed"]);
    let big = s.create_term(&ctx(), w.a, term(d(2030, 1, 1), d(2034, 12, 31), Some(1_000_001))).await.unwrap_err();
    assert_eq!(codes(big), vec!["out_of_range"]);
    let before = s.create_term(&ctx(), w.a, term(d(1990, 1, 1), d(1994, 12, 31), None)).await.unwrap_err();
    assert_eq!(codes(before), vec!["unit_not_standing"]);
    assert!(matches!(s.create_term(&ctx(), UnitId(9999), term(d(2020, 1, 1), d(2024, 1, 1), None)).await, Err(StoreError::NotFound)));

    // Changed with the version read; a stale version conflicts and writes nothing.
    let own = s.unit_terms(w.a).await.unwrap();
    assert_eq!((own.len(), own[0].id, own[0].version, own[0].label.as_str()), (1, a_term, 1, "Nhiệm kỳ 2020–2025"));
    s.update_term(&ctx(), a_term, 1, term(d(2020, 7, 10), d(2025, 7, 9), Some(45))).await.unwrap();
    let stale = s.update_term(&ctx(), a_term, 1, term(d(2020, 7, 10), d(2025, 7, 9), Some(50))).await;
    assert!(matches!(stale, Err(StoreError::Conflict { current: 2 })), "{stale:?}");
    assert_eq!(s.term(a_term).await.unwrap().target, Some(45));
    assert!(matches!(s.delete_term(&ctx(), a_term, 1).await, Err(StoreError::Conflict { current: 2 })));

    // A and B merge into C on 1 July 2025: C works to their term (targets summed) until its
    // own congress.
    let c = s
        .merge_units(
            &ctx(),
            MergeUnits {
                sources: vec![w.a, w.b],
                target: Successor::New(spec(Commune, "XC", "Đảng bộ xã An Bình", Some(w.province))),
                decision: decision(d(2025, 7, 1)),
            },
        )
        .await
        .unwrap();
    let inherited = s.terms_in_force(c, d(2020, 1, 1), d(2030, 12, 31)).await.unwrap();
    assert_eq!(inherited.len(), 1);
    assert_eq!((inherited[0].target, inherited[0].own.is_none()), (Some(70), true));
    let mut from: Vec<UnitId> = inherited[0].inherited_from.iter().map(|p| p.unit).collect();
    from.sort();
    assert_eq!(from, vec![w.a, w.b]);
    assert_eq!(inherited[0].inherited_from.iter().find(|p| p.unit == w.a).unwrap().name, "Đảng bộ xã An");
    let own_c = s.create_term(&ctx(), c, term(d(2025, 9, 15), d(2030, 9, 14), Some(80))).await.unwrap();
    let both = s.terms_in_force(c, d(2020, 1, 1), d(2030, 12, 31)).await.unwrap();
    assert_eq!(both.len(), 2);
    // The inherited term runs until the new congress, past the predecessors' planned end (9/7).
    assert_eq!((both[0].last_day, both[0].target), (d(2025, 9, 14), Some(70)));
    assert_eq!((both[1].own.as_ref().map(|o| o.id), both[1].target), (Some(own_c), Some(80)));
    // A term of the merged unit reaching past its end stays recorded; one after it is refused.
    let after_end = s.create_term(&ctx(), w.a, term(d(2026, 1, 1), d(2030, 12, 31), None)).await.unwrap_err();
    assert_eq!(codes(after_end), vec!["unit_not_standing"]);

    s.delete_term(&ctx(), own_c, 1).await.unwrap();
    assert!(matches!(s.term(own_c).await, Err(StoreError::NotFound)));
    assert!(matches!(s.delete_term(&ctx(), own_c, 1).await, Err(StoreError::NotFound)));
    assert_eq!(actions(s, "term.").await, vec!["term.create", "term.create", "term.update", "term.create", "term.delete"]);
    let q = AuditQuery { action: Some("term.update".into()), limit: 1, ..AuditQuery::default() };
    let entry = s.audit_entries(&q).await.unwrap().remove(0);
    assert_eq!(entry.object_id.as_deref(), Some(a_term.to_string().as_str()));
    assert!(entry.details.contains(r#"{"after":45,"before":40,"field":"target"}"#), "{}", entry.details);
    // A second process sees the same terms.
    assert_eq!(t.reopen().await.unit_terms(w.a).await.unwrap()[0].target, Some(45));
}

async fn occasions_are_added_and_removed(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let days = |list: &[storage::OccasionView]| list.iter().map(|o| o.code.clone()).collect::<Vec<_>>();
    assert_eq!(days(&s.occasions(w.a).await.unwrap()), vec!["3-2", "19-5", "2-9", "7-11"]);
    s.add_occasion(&ctx(), w.province, "26/3", "Ngày thành lập Đoàn TNCS Hồ Chí Minh").await.unwrap();
    // The province's occasion holds for the units under it, not for another province's.
    let list = s.occasions(w.cell_a).await.unwrap();
    assert_eq!(days(&list), vec!["3-2", "26-3", "19-5", "2-9", "7-11"]);
    let added = list.iter().find(|o| o.code == "26-3").unwrap();
    assert_eq!((added.added_by, added.added_by_name.as_deref()), (Some(w.province), Some("Tỉnh ủy")));
    // A day already in the list in force is refused: a default, or one added above.
    assert_eq!(codes(s.add_occasion(&ctx(), w.a, "19/5", "Sinh nhật Bác").await.unwrap_err()), vec!["duplicate"]);
    assert_eq!(codes(s.add_occasion(&ctx(), w.a, "26-03", "Thành lập Đoàn").await.unwrap_err()), vec!["duplicate"]);
    assert_eq!(codes(s.add_occasion(&ctx(), w.a, "31/2", "Không có").await.unwrap_err()), vec!["invalid_format"]);
    s.add_occasion(&ctx(), w.a, "8/3", "Ngày Quốc tế Phụ nữ").await.unwrap();
    assert!(!days(&s.occasions(w.b).await.unwrap()).contains(&"8-3".to_owned()));
    // A unit removes only what it added.
    assert!(matches!(s.remove_occasion(&ctx(), w.a, 26, 3).await, Err(StoreError::NotFound)));
    assert!(matches!(s.remove_occasion(&ctx(), w.a, 19, 5).await, Err(StoreError::NotFound)));
    s.remove_occasion(&ctx(), w.province, 26, 3).await.unwrap();
    assert_eq!(days(&s.occasions(w.a).await.unwrap()), vec!["3-2", "8-3", "19-5", "2-9", "7-11"]);
    assert_eq!(actions(s, "occasion.").await, vec!["occasion.add", "occasion.add", "occasion.remove"]);
}

async fn plans_follow_the_scope(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let b_term = s.create_term(&ctx(), w.b, term(d(2020, 7, 5), d(2025, 7, 4), Some(25))).await.unwrap();
    let leader = access(&t.store, &[(Role::CommitteeLeader, Some(w.a))]);
    let desk = leader.plans().unwrap();
    // Within the scope: the leader records the commune's terms and occasions.
    let id = desk.create_term(w.a, term(d(2020, 7, 10), d(2025, 7, 9), Some(40))).await.unwrap();
    desk.update_term(id, 1, term(d(2020, 7, 10), d(2025, 7, 9), Some(41))).await.unwrap();
    desk.add_occasion(w.a, "8/3", "Ngày Quốc tế Phụ nữ").await.unwrap();
    assert!(desk.may_decide(w.a).await && !desk.may_decide(w.b).await);
    // Another commune's term does not exist for them, whatever they ask.
    assert!(matches!(desk.term(b_term).await, Err(StoreError::NotFound)));
    assert!(matches!(desk.delete_term(b_term, 1).await, Err(StoreError::NotFound)));
    assert!(matches!(desk.update_term(b_term, 1, term(d(2020, 7, 5), d(2025, 7, 4), None)).await, Err(StoreError::NotFound)));
    assert!(matches!(desk.create_term(w.b, term(d(2026, 1, 1), d(2030, 1, 1), None)).await, Err(StoreError::NotFound)));
    assert!(matches!(desk.unit_terms(w.b).await, Err(StoreError::NotFound)));
    // A secretary reads their chi bộ's plans but records none.
    let secretary = access(&t.store, &[(Role::CellSecretary, Some(w.cell_a))]);
    let desk = secretary.plans().unwrap();
    assert!(!desk.decides_anywhere() || !desk.may_decide(w.cell_a).await);
    assert_eq!(desk.occasions(w.cell_a).await.unwrap().len(), 5);
    assert!(matches!(desk.add_occasion(w.cell_a, "20/10", "Ngày Phụ nữ Việt Nam").await, Err(StoreError::Forbidden)));
    assert!(matches!(desk.create_term(w.cell_a, term(d(2020, 7, 1), d(2025, 6, 30), None)).await, Err(StoreError::Forbidden)));
    assert!(matches!(desk.term(id).await, Err(StoreError::NotFound)), "the commune's term is outside the chi bộ's scope");
    assert_eq!(s.term(b_term).await.unwrap().version, 1, "nothing written by the refusals");
}
