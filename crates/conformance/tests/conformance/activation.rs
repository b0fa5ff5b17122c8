//! Handbook accounts: created for a subtree's members from the register (official and
//! probationary; exempt ones only when chosen; never twice), each with a one-time code stored
//! only as its digest; a new code voids the one before; a code opens its own account once,
//! before it expires; a reset clears the password and ends the sessions.

use chrono::Duration;
use conformance::{TestStore, on_both_engines};
use domain::event::EventKind;
use domain::handbook::ActivationCode;
use domain::unit::UnitKind::*;
use storage::prelude::*;
use storage::{AccountState, AuditActor, AuditQuery, SessionStage, StoreError};

use crate::fixtures::*;

on_both_engines!(accounts_are_created_for_a_subtree_once, a_code_opens_its_own_account_once_before_it_expires, a_reset_clears_the_password);

async fn world(s: &dyn Store) -> (domain::ids::UnitId, domain::ids::UnitId, domain::ids::UnitId) {
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(1960, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã Xuân", Some(province), d(1960, 1, 1)).await;
    let cell_a = unit(s, GrassrootsCell, "XA", "Chi bộ thôn An", Some(commune), d(1960, 1, 1)).await;
    let cell_b = unit(s, GrassrootsCell, "XB", "Chi bộ thôn Bình", Some(commune), d(1960, 1, 1)).await;
    let other = unit(s, Commune, "Y", "Đảng bộ xã Yên", Some(province), d(1960, 1, 1)).await;
    let cell_y = unit(s, GrassrootsCell, "YA", "Chi bộ thôn Yên", Some(other), d(1960, 1, 1)).await;
    member(s, "Nguyễn Văn An", "nam", "01/01/1970", &cccd(1), cell_a, d(2010, 1, 5), true).await;
    // Probationary: admitted this year.
    member(s, "Trần Thị Bình", "nu", "01/01/1990", &cccd(2), cell_a, d(2026, 6, 1), false).await;
    let exempt = member(s, "Lê Văn Cường", "nam", "01/01/1945", &cccd(3), cell_b, d(1970, 1, 5), true).await;
    let m = s.member(exempt).await.unwrap();
    s.record_event(&ctx(), exempt, m.version, event(EventKind::Exempted, d(2025, 1, 2))).await.unwrap();
    let dead = member(s, "Phạm Văn Dũng", "nam", "01/01/1940", &cccd(4), cell_b, d(1965, 1, 5), true).await;
    let m = s.member(dead).await.unwrap();
    s.record_event(&ctx(), dead, m.version, event(EventKind::Died, d(2026, 2, 1))).await.unwrap();
    member(s, "Hoàng Thị Én", "nu", "01/01/1980", &cccd(5), cell_y, d(2010, 1, 5), true).await;
    (commune, cell_a, cell_b)
}

async fn accounts_are_created_for_a_subtree_once(t: &TestStore) {
    let s = t.store.as_ref();
    let (commune, cell_a, cell_b) = world(s).await;
    let created = s.create_member_accounts(&ctx(), commune, false, None).await.unwrap();
    // The official and the probationary member; not the exempt one (not chosen), not the dead.
    let names: Vec<&str> = created.issued.iter().map(|i| i.full_name.as_str()).collect();
    assert_eq!(names, ["Nguyễn Văn An", "Trần Thị Bình"]);
    assert_eq!((created.existing, created.exempt_left), (0, 1));
    assert_eq!(created.issued[0].username, cccd(1), "the user name is the citizen id");
    assert_eq!(created.issued[0].unit, cell_a);
    assert!(created.issued[0].unit_name.contains("Chi bộ thôn An"));
    assert_ne!(created.issued[0].code, created.issued[1].code);
    assert_eq!(created.issued[0].expires_at, ctx().now + Duration::days(30));
    // Again, choosing the exempt member: only they are new.
    let again = s.create_member_accounts(&ctx(), commune, true, None).await.unwrap();
    assert_eq!(again.issued.iter().map(|i| i.full_name.as_str()).collect::<Vec<_>>(), ["Lê Văn Cường"]);
    assert_eq!(again.issued[0].unit, cell_b);
    assert_eq!((again.existing, again.exempt_left), (2, 0));
    // The accounts: role member, linked to the member, no password until activated.
    let account = s.account(created.issued[0].account).await.unwrap();
    assert_eq!(account.member, Some(created.issued[0].member));
    let p = s.principal(account.id).await.unwrap().unwrap();
    assert_eq!(p.grants.len(), 1);
    assert_eq!(p.grants[0].role, domain::access::Role::Member);
    let (_, secrets) = s.account_for_login(&cccd(1)).await.unwrap().unwrap();
    assert!(secrets.password_hash.is_empty());
    // The overview by chi bộ; the other commune is not in it.
    let roster = s.roster_accounts(commune, ctx().now, None).await.unwrap();
    assert_eq!(roster.iter().map(|c| c.unit).collect::<Vec<_>>(), [cell_a, cell_b]);
    assert!(roster.iter().flat_map(|c| &c.members).all(|m| matches!(m.state, AccountState::Waiting { .. })));
    // An hour after the codes' last instant, the overview says so.
    let after = s.roster_accounts(commune, ctx().now + Duration::days(30) + Duration::hours(1), None).await.unwrap();
    assert!(after.iter().flat_map(|c| &c.members).all(|m| m.state == AccountState::CodeExpired));
    // The codes are nowhere in clear: not in the table, not in the audit trail.
    let trail =
        s.audit_entries(&AuditQuery { action: Some("account.create_members".into()), limit: 100, ..Default::default() }).await.unwrap();
    assert_eq!(
        trail.iter().map(|e| e.object_id.clone().unwrap()).collect::<Vec<_>>(),
        [cell_b.to_string(), cell_a.to_string()],
        "one entry per chi bộ and creation"
    );
    for i in created.issued.iter().chain(&again.issued) {
        assert!(trail.iter().all(|e| !e.details.contains(i.code.as_str())));
    }
}

fn actor() -> AuditActor {
    AuditActor { account_id: None, name: "web".into(), client: Some("127.0.0.1".into()), request_id: None }
}

async fn a_code_opens_its_own_account_once_before_it_expires(t: &TestStore) {
    let s = t.store.as_ref();
    let (commune, _, _) = world(s).await;
    let created = s.create_member_accounts(&ctx(), commune, false, None).await.unwrap();
    let (an, binh) = (&created.issued[0], &created.issued[1]);
    let now = ctx().now + Duration::hours(1);
    // Another member's code, a code never issued, a code after its expiry: not found.
    assert!(matches!(s.activate(&actor(), now, &an.username, &binh.code, "h").await, Err(StoreError::NotFound)));
    let never = ActivationCode::parse("0000-0000-0000").unwrap();
    assert!(matches!(s.activate(&actor(), now, &an.username, &never, "h").await, Err(StoreError::NotFound)));
    let late = ctx().now + Duration::days(30);
    assert!(matches!(s.activate(&actor(), late, &an.username, &an.code, "h").await, Err(StoreError::NotFound)));
    // A new code voids the one before.
    let fresh = s.issue_codes(&ctx(), &[binh.member], false).await.unwrap();
    assert_eq!(fresh.len(), 1);
    assert!(matches!(s.activate(&actor(), now, &binh.username, &binh.code, "h").await, Err(StoreError::NotFound)));
    // The right code, in time: once.
    let id = s.activate(&actor(), now, &an.username.to_uppercase(), &an.code, "argon-hash").await.unwrap();
    assert_eq!(id, an.account);
    let (_, secrets) = s.account_for_login(&an.username).await.unwrap().unwrap();
    assert_eq!(secrets.password_hash, "argon-hash");
    assert!(matches!(s.activate(&actor(), now, &an.username, &an.code, "other").await, Err(StoreError::NotFound)));
    assert_eq!(s.account_state(an.member, now).await.unwrap(), AccountState::Active);
    assert!(matches!(s.account_state(binh.member, now).await.unwrap(), AccountState::Waiting { .. }));
    assert_eq!(s.account_state(binh.member, late + Duration::days(1)).await.unwrap(), AccountState::CodeExpired);
    s.activate(&actor(), now, &binh.username, &fresh[0].code, "hash-b").await.unwrap();
    // Codes for those not activated leave activated accounts alone.
    assert!(s.issue_codes(&ctx(), &[an.member, binh.member], false).await.unwrap().is_empty());
    let trail = s.audit_entries(&AuditQuery { action: Some("account.activate".into()), limit: 100, ..Default::default() }).await.unwrap();
    assert_eq!(trail.len(), 2);
    assert_eq!(trail[0].account_id, Some(binh.account));
}

async fn a_reset_clears_the_password(t: &TestStore) {
    let s = t.store.as_ref();
    let (commune, _, _) = world(s).await;
    let created = s.create_member_accounts(&ctx(), commune, false, None).await.unwrap();
    let an = &created.issued[0];
    let now = ctx().now + Duration::hours(1);
    s.activate(&actor(), now, &an.username, &an.code, "old-hash").await.unwrap();
    s.create_session("session-digest", an.account, SessionStage::Full, "csrf", None, now).await.unwrap();
    let reset = s.issue_codes(&ctx(), &[an.member], true).await.unwrap();
    assert_eq!(reset.len(), 1);
    let (_, secrets) = s.account_for_login(&an.username).await.unwrap().unwrap();
    assert!(secrets.password_hash.is_empty(), "the old password no longer opens the account");
    assert!(s.session("session-digest").await.unwrap().is_none(), "its sessions ended");
    s.activate(&actor(), now, &an.username, &reset[0].code, "new-hash").await.unwrap();
    let trail = s.audit_entries(&AuditQuery { action: Some("account.reset".into()), limit: 100, ..Default::default() }).await.unwrap();
    assert_eq!(trail.len(), 1);
}
