//! The importer's handle on both engines (`storage::access::ImportDesk`): importing needs
//! `WriteRegister`; the root must be in the write scope (404 outside what the caller reads, 403
//! when only readable); the caller's scope is applied to the file; past imports are listed to those
//! who read their root; saved column mappings keep one name each and a version for concurrent edits.

use conformance::{TestStore, on_both_engines};
use domain::access::Role;
use domain::interchange::{Column, Mapping, SavedMapping, SheetKind};
use domain::unit::UnitKind::*;
use storage::StoreError;
use storage::import::MemberAction;
use storage::prelude::*;

use crate::fixtures::*;
use crate::import::{commune_file, input, member_line};

on_both_engines!(the_desk_keeps_to_the_write_scope, saved_mappings_have_one_name_and_a_version);

async fn the_desk_keeps_to_the_write_scope(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let a = unit(s, Commune, "XA", "Đảng bộ xã An", Some(province), d(2000, 1, 1)).await;
    let b = unit(s, Commune, "XB", "Đảng bộ xã Bình", Some(province), d(2000, 1, 1)).await;
    let b1 = unit(s, Cell, "XB-01", "Chi bộ thôn Bình Một", Some(b), d(2000, 1, 1)).await;

    // Reading alone gives no desk.
    let inspector = access(&t.store, &[(Role::Inspector, Some(a))]);
    assert!(matches!(inspector.importer().err(), Some(StoreError::Forbidden)));

    let staff_a = access(&t.store, &[(Role::OrgBoardStaff, Some(a)), (Role::Inspector, Some(b))]);
    let desk = staff_a.importer().unwrap();
    let (units, members) = commune_file();
    // Under a unit read but not written: 403; outside what the caller reads: 404; no root: refused.
    assert!(matches!(desk.plan(input(units.clone(), members.clone(), Some(b))).await, Err(StoreError::Forbidden)));
    assert!(matches!(desk.plan(input(units.clone(), members.clone(), Some(province))).await, Err(StoreError::NotFound)));
    assert!(matches!(desk.plan(input(units.clone(), members.clone(), None)).await, Err(StoreError::Invalid(_))));

    // The caller's write scope is applied: a chi bộ of commune B (readable only) is not found.
    let mut lines = members.clone();
    lines.push(member_line(
        10,
        "Vũ Văn Giang",
        "01/01/1985",
        "Nam",
        &cccd(11),
        "01/01/2010",
        "01/01/2011",
        "XB-01",
        "01/01/2010",
        "",
        "",
        "",
    ));
    let plan = desk.plan(input(units.clone(), lines.clone(), Some(a))).await.unwrap();
    assert_eq!(plan.counts.created, 3, "{:?}", plan.members);
    assert!(matches!(plan.members.last().map(|m| &m.outcome), Some(MemberAction::Refused { .. })), "XB-01 is outside the write scope");
    assert!(desk.recent(10).await.unwrap().is_empty(), "a dry run is no import");

    let applied = desk.apply(input(units, lines, Some(a))).await.unwrap();
    let number = applied.import.unwrap();
    let recent = desk.recent(10).await.unwrap();
    assert_eq!(recent.iter().map(|i| i.id).collect::<Vec<_>>(), vec![number]);
    assert_eq!((recent[0].root, recent[0].counts.created), (Some(a), 3));
    // Staff of commune B do not see commune A's import.
    let staff_b = access(&t.store, &[(Role::OrgBoardStaff, Some(b))]);
    assert!(staff_b.importer().unwrap().recent(10).await.unwrap().is_empty());

    // Overlapping roots: a unit and one under it, not two communes.
    assert!(desk.overlap(Some(b), Some(b1)).await.unwrap());
    assert!(desk.overlap(Some(b1), Some(b)).await.unwrap());
    assert!(!desk.overlap(Some(a), Some(b)).await.unwrap());
    assert!(desk.overlap(None, Some(a)).await.unwrap());
}

async fn saved_mappings_have_one_name_and_a_version(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let commune = unit(s, Commune, "XA", "Đảng bộ xã An", Some(province), d(2000, 1, 1)).await;
    let staff = access(&t.store, &[(Role::OrgBoardStaff, Some(commune))]);
    let desk = staff.importer().unwrap();
    let headers: Vec<String> = ["Họ tên", "Mã CB"].iter().map(|h| (*h).to_owned()).collect();
    let mut mapping = SavedMapping::default();
    mapping.record(SheetKind::Members, &headers, &Mapping { members: vec![Some(Column::FullName), Some(Column::Unit)], units: vec![] });

    let id = desk.save_mapping("  Mẫu xã An ", None, &mapping).await.unwrap();
    let listed = desk.mappings().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].name.as_str(), listed[0].version, &listed[0].mapping), ("Mẫu xã An", 1, &mapping));
    assert!(matches!(desk.save_mapping("Mẫu xã An", None, &mapping).await, Err(StoreError::Invalid(_))), "one mapping per name");
    assert!(matches!(desk.save_mapping(" ", None, &mapping).await, Err(StoreError::Invalid(_))), "a name is needed");

    // A new content for version 1; a second writer still holding version 1 conflicts.
    let mut changed = mapping.clone();
    changed.record(SheetKind::Members, &headers, &Mapping { members: vec![Some(Column::FullName), None], units: vec![] });
    assert_eq!(desk.save_mapping("Mẫu xã An", Some(1), &changed).await.unwrap(), id);
    assert!(matches!(desk.save_mapping("Mẫu xã An", Some(1), &mapping).await, Err(StoreError::Conflict { current: 2 })));
    let kept = desk.mapping(id).await.unwrap();
    assert_eq!(
        (kept.version, kept.mapping.apply(SheetKind::Members, &headers, &Mapping::default()).members),
        (2, vec![Some(Column::FullName), None])
    );

    assert!(matches!(desk.delete_mapping(id, 1).await, Err(StoreError::Conflict { current: 2 })));
    desk.delete_mapping(id, 2).await.unwrap();
    assert!(desk.mappings().await.unwrap().is_empty());
    assert!(matches!(desk.mapping(id).await, Err(StoreError::NotFound)));

    // Each write is in the audit trail.
    let trail = s.audit_entries(&storage::AuditQuery { limit: 100, ..storage::AuditQuery::default() }).await.unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    for action in ["import.mapping.save", "import.mapping.update", "import.mapping.delete"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}
