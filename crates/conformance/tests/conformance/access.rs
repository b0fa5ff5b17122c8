//! Access control and the audit trail: scoped reads and writes, grants across a merge, accounts,
//! logins, sessions, tokens, and a hash chain that detects tampering.

use std::sync::Arc;

use chrono::Duration;
use conformance::{Engine, TestStore, on_both_engines};
use domain::access::{Grant, Principal, Role};
use domain::event::EventKind;
use domain::ids::{MemberId, UnitId};
use domain::unit::UnitKind::*;
use storage::access::{Access, RequestInfo};
use storage::prelude::*;
use storage::{
    AccountChange, AuditQuery, LoginOutcome, MemberQuery, MergeUnits, NewAccount, SessionStage, StatusFilter, StoreError, Successor,
};

use crate::fixtures::*;

on_both_engines!(
    scoped_handles_see_and_touch_only_their_subtree,
    grants_on_merged_units_cover_nothing,
    accounts_logins_sessions_and_tokens,
    audit_trail_records_writes_and_reads_and_detects_tampering,
    concurrent_reads_are_group_committed_into_one_chain,
    two_servers_audit_into_one_chain,
    a_session_read_again_sees_what_changed
);

struct World {
    commune_a: UnitId,
    commune_b: UnitId,
    cell_a: UnitId,
    cell_b: UnitId,
    in_a: MemberId,
    in_b: MemberId,
}

async fn world(s: &dyn Store) -> World {
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let commune_a = unit(s, Commune, "XA", "Đảng bộ xã An", Some(province), d(2000, 1, 1)).await;
    let commune_b = unit(s, Commune, "XB", "Đảng bộ xã Bình", Some(province), d(2000, 1, 1)).await;
    let cell_a = unit(s, GrassrootsCell, "CA", "Chi bộ thôn An", Some(commune_a), d(2000, 1, 1)).await;
    let cell_b = unit(s, GrassrootsCell, "CB", "Chi bộ thôn Bình", Some(commune_b), d(2000, 1, 1)).await;
    let in_a = member(s, "Nguyễn Văn An", "nam", "1/1/1980", &cccd(1), cell_a, d(2010, 1, 1), true).await;
    let in_b = member(s, "Trần Thị Bình", "nu", "1/1/1985", &cccd(2), cell_b, d(2010, 1, 1), true).await;
    World { commune_a, commune_b, cell_a, cell_b, in_a, in_b }
}

fn access(s: &Arc<storage::SqlStore>, grants: &[(Role, Option<UnitId>)], member: Option<MemberId>) -> Access {
    let principal = Principal {
        account_id: 1,
        username: "tester".into(),
        display_name: "Tester".into(),
        member,
        grants: grants.iter().map(|(role, unit)| Grant { role: *role, unit: *unit }).collect(),
    };
    let store: Arc<dyn Store> = s.clone();
    Access::new(store, principal, RequestInfo { now: ctx().now, client: Some("127.0.0.1".into()), request_id: Some("req-1".into()) })
}

fn everyone() -> MemberQuery {
    MemberQuery { status: StatusFilter::All, ..MemberQuery::new(d(2026, 11, 25)) }
}

fn not_found<T: std::fmt::Debug>(r: Result<T, StoreError>) {
    assert!(matches!(r, Err(StoreError::NotFound)), "expected not found, got {r:?}");
}

async fn scoped_handles_see_and_touch_only_their_subtree(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let today = d(2026, 11, 25);

    // Organization-board staff of commune A.
    let staff = access(&t.store, &[(Role::OrgBoardStaff, Some(w.commune_a))], None);
    let r = staff.reader().unwrap();
    let page = r.find_members(&everyone()).await.unwrap();
    assert_eq!(page.items.iter().map(|m| m.id).collect::<Vec<_>>(), vec![w.in_a]);
    assert_eq!(r.find_members(&MemberQuery { q: "binh".into(), ..everyone() }).await.unwrap().total, 0);
    assert!(r.member(w.in_a).await.is_ok());
    not_found(r.member(w.in_b).await);
    not_found(r.member(MemberId(999_999)).await);
    assert!(r.unit(w.cell_a, today).await.is_ok());
    not_found(r.unit(w.cell_b, today).await);
    not_found(r.find_members(&MemberQuery { unit: Some(w.commune_b), ..everyone() }).await);
    assert_eq!(r.find_units("chi bo", today, false, 10).await.unwrap().iter().map(|u| u.id).collect::<Vec<_>>(), vec![w.cell_a]);
    // Its tree starts at the granted unit.
    assert_eq!(r.children(None, today).await.unwrap().iter().map(|n| n.unit.id).collect::<Vec<_>>(), vec![w.commune_a]);
    not_found(r.children(Some(w.commune_b), today).await);
    let writer = staff.register_writer().unwrap();
    let version = s.member(w.in_b).await.unwrap().version;
    not_found(writer.record_event(w.in_b, version, event(EventKind::Died, d(2026, 11, 1))).await);
    assert_eq!(s.member(w.in_b).await.unwrap().version, version, "nothing was written");
    let version = s.member(w.in_a).await.unwrap().version;
    writer.record_event(w.in_a, version, event(EventKind::Died, d(2026, 11, 1))).await.unwrap();
    // A new member may only be admitted into a unit in scope.
    let outside = storage::NewMember {
        identity: identity("Lê Văn Cường", "nam", "1/1/1990", &cccd(3)),
        profile: profile(),
        events: vec![admitted(w.cell_b, d(2025, 1, 1))],
    };
    assert!(matches!(writer.create_member(outside).await, Err(StoreError::Invalid(_))));
    // Units: only within the subtree; a move to a parent outside is refused.
    let units = staff.unit_manager().unwrap();
    not_found(units.dissolve_unit(w.cell_b, decision(d(2026, 1, 1))).await);
    let v = s.unit(w.cell_a, today).await.unwrap().version;
    let moved =
        units.move_unit(w.cell_a, storage::MoveUnit { expected_version: v, parent: w.commune_b, decision: decision(d(2026, 1, 1)) }).await;
    assert!(matches!(moved, Err(StoreError::Invalid(_))), "{moved:?}");
    assert!(matches!(staff.admin(), Err(StoreError::Forbidden)));

    // An inspector reads and never writes: the write handles do not exist for them.
    let inspector = access(&t.store, &[(Role::Inspector, Some(w.commune_b))], None);
    assert!(inspector.reader().unwrap().member(w.in_b).await.is_ok());
    assert!(matches!(inspector.register_writer(), Err(StoreError::Forbidden)));
    assert!(matches!(inspector.unit_manager(), Err(StoreError::Forbidden)));
    // A staff grant on A plus an inspector grant on B: B readable but not writable (403, not 404).
    let mixed = access(&t.store, &[(Role::OrgBoardStaff, Some(w.commune_a)), (Role::Inspector, Some(w.commune_b))], None);
    let version = s.member(w.in_b).await.unwrap().version;
    let r = mixed.register_writer().unwrap().record_event(w.in_b, version, event(EventKind::Died, d(2026, 11, 1))).await;
    assert!(matches!(r, Err(StoreError::Forbidden)), "{r:?}");

    // A member sees only their own record.
    let me = access(&t.store, &[(Role::Member, None)], Some(w.in_b));
    let r = me.reader().unwrap();
    assert!(r.member(w.in_b).await.is_ok());
    not_found(r.member(w.in_a).await);
    assert_eq!(r.find_members(&everyone()).await.unwrap().items.iter().map(|m| m.id).collect::<Vec<_>>(), vec![w.in_b]);
    not_found(r.unit(w.cell_b, today).await);
    assert!(me.register_writer().is_err());

    // The administrator sees everything; nobody without grants sees anything.
    let admin = access(&t.store, &[(Role::Admin, None)], None);
    assert_eq!(admin.reader().unwrap().find_members(&everyone()).await.unwrap().total, 2);
    assert!(matches!(access(&t.store, &[], None).reader(), Err(StoreError::Forbidden)));
}

async fn grants_on_merged_units_cover_nothing(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    s.merge_units(
        &ctx(),
        MergeUnits { sources: vec![w.commune_a], target: Successor::Existing(w.commune_b), decision: decision(d(2025, 7, 1)) },
    )
    .await
    .unwrap();
    let old = access(&t.store, &[(Role::OrgBoardStaff, Some(w.commune_a))], None);
    let r = old.reader().unwrap();
    assert_eq!(r.find_members(&everyone()).await.unwrap().total, 0, "a grant on an ended unit covers nothing");
    not_found(r.member(w.in_a).await);
    not_found(r.unit(w.cell_a, d(2026, 11, 25)).await);
    // The successor's staff now has the merged members and their chi bộ (history included).
    let new = access(&t.store, &[(Role::OrgBoardStaff, Some(w.commune_b))], None);
    let r = new.reader().unwrap();
    assert_eq!(r.find_members(&everyone()).await.unwrap().total, 2);
    assert!(r.member(w.in_a).await.is_ok());
    assert!(r.unit(w.cell_a, d(2026, 11, 25)).await.is_ok());
    // As of a date before the merge, the list still only shows members in scope.
    let before = MemberQuery { status: StatusFilter::All, ..MemberQuery::new(d(2024, 1, 1)) };
    assert_eq!(r.find_members(&before).await.unwrap().total, 2);
    // The grant listing says the unit ended.
    let staff = s
        .create_account(
            &ctx(),
            NewAccount {
                username: "xa.an".into(),
                display_name: "Cán bộ xã An".into(),
                password_hash: "h".into(),
                member: None,
                must_change_password: false,
                grants: vec![],
            },
        )
        .await
        .unwrap();
    let err = s.add_grant(&ctx(), staff, Grant { role: Role::OrgBoardStaff, unit: Some(w.commune_a) }).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref e) if e.errors[0].code == "not_current"), "{err:?}");
}

async fn accounts_logins_sessions_and_tokens(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let now = ctx().now;
    let new = |username: &str, grants: Vec<Grant>, member: Option<MemberId>| NewAccount {
        username: username.into(),
        display_name: "Người dùng".into(),
        password_hash: auth::password::hash("mat-khau-rat-dai-1").unwrap(),
        member,
        must_change_password: false,
        grants,
    };
    let id = s.create_account(&ctx(), new("Bi.Thu", vec![Grant { role: Role::CellSecretary, unit: Some(w.cell_a) }], None)).await.unwrap();
    // User names are stored lower case and unique in any case.
    let dup = s.create_account(&ctx(), new("bi.thu", vec![], None)).await.unwrap_err();
    assert!(matches!(dup, StoreError::Invalid(ref e) if e.errors[0].code == "duplicate"));
    assert!(matches!(s.create_account(&ctx(), new("x", vec![], None)).await, Err(StoreError::Invalid(_))));
    // A chi bộ secretary only on a chi bộ; a member role only with a member.
    let bad = s.create_account(&ctx(), new("bt2", vec![Grant { role: Role::CellSecretary, unit: Some(w.commune_a) }], None)).await;
    assert!(matches!(bad, Err(StoreError::Invalid(ref e)) if e.errors[0].code == "not_a_cell"));
    let bad = s.create_account(&ctx(), new("dang.vien", vec![Grant { role: Role::Member, unit: None }], None)).await;
    assert!(matches!(bad, Err(StoreError::Invalid(ref e)) if e.errors[0].field == "member"), "{bad:?}");
    let m = s.create_account(&ctx(), new("dang.vien", vec![Grant { role: Role::Member, unit: None }], Some(w.in_a))).await.unwrap();
    assert_eq!(s.principal(m).await.unwrap().unwrap().member, Some(w.in_a));

    let (account, secrets) = s.account_for_login("BI.THU ").await.unwrap().unwrap();
    assert_eq!(account.id, id);
    assert!(auth::password::verify("mat-khau-rat-dai-1", &secrets.password_hash));
    let p = s.principal(id).await.unwrap().unwrap();
    assert_eq!(p.grants, vec![Grant { role: Role::CellSecretary, unit: Some(w.cell_a) }]);

    // Failed logins are counted per account and per client, and a success resets the account's count.
    for i in 0..3 {
        s.record_login_attempt("bi.thu", "10.0.0.1", LoginOutcome::Failure, now + Duration::seconds(i)).await.unwrap();
    }
    s.record_login_attempt("other", "10.0.0.1", LoginOutcome::Failure, now).await.unwrap();
    let (a, c) = s.login_failures("bi.thu", "10.0.0.1", now - Duration::minutes(15)).await.unwrap();
    assert_eq!((a.count, c.count), (3, 4));
    assert_eq!(a.latest, Some(now + Duration::seconds(2)));
    s.record_login_attempt("bi.thu", "10.0.0.1", LoginOutcome::Success, now + Duration::seconds(10)).await.unwrap();
    let (a, c) = s.login_failures("bi.thu", "10.0.0.1", now - Duration::minutes(15)).await.unwrap();
    assert_eq!((a.count, c.count), (0, 4));

    // Sessions by digest; a password change ends them; disabling removes the principal.
    s.create_session("h1", id, SessionStage::Full, "csrf", Some("10.0.0.1"), now).await.unwrap();
    s.create_session("h2", id, SessionStage::Totp, "csrf2", None, now).await.unwrap();
    assert_eq!(s.session("h1").await.unwrap().unwrap().stage, SessionStage::Full);
    s.touch_session("h1", now + Duration::minutes(5)).await.unwrap();
    assert_eq!(s.session("h1").await.unwrap().unwrap().last_seen_at, now + Duration::minutes(5));
    s.delete_sessions_of(id, Some("h1")).await.unwrap();
    assert!(s.session("h2").await.unwrap().is_none());
    let v = s.account(id).await.unwrap().version;
    let stale = s.change_account(&ctx(), id, AccountChange { expected_version: v + 5, ..Default::default() }).await;
    assert!(matches!(stale, Err(StoreError::Conflict { .. })));
    s.change_account(&ctx(), id, AccountChange { expected_version: v, password: Some(("new-hash".into(), true)), ..Default::default() })
        .await
        .unwrap();
    assert!(s.session("h1").await.unwrap().is_none(), "a new password ends the sessions");
    assert!(s.account(id).await.unwrap().must_change_password);
    let v = s.account(id).await.unwrap().version;
    s.change_account(&ctx(), id, AccountChange { expected_version: v, disabled: Some(true), ..Default::default() }).await.unwrap();
    assert!(s.principal(id).await.unwrap().is_none());

    // TOTP steps only move forward.
    let v = s.account(m).await.unwrap().version;
    s.change_account(
        &ctx(),
        m,
        AccountChange { expected_version: v, totp_secret: Some(Some("JBSWY3DPEHPK3PXP".into())), ..Default::default() },
    )
    .await
    .unwrap();
    assert!(s.account(m).await.unwrap().totp_enrolled);
    assert!(s.use_totp_step(m, 100).await.unwrap());
    assert!(!s.use_totp_step(m, 100).await.unwrap());
    assert!(!s.use_totp_step(m, 99).await.unwrap());
    assert!(s.use_totp_step(m, 101).await.unwrap());

    // Tokens: found by digest until revoked; revoking someone else's token is not found.
    let tok = s.create_token(&ctx(), m, "Báo cáo", "digest-1").await.unwrap();
    assert_eq!(s.token("digest-1", now).await.unwrap().unwrap().account_id, m);
    assert!(s.token("digest-2", now).await.unwrap().is_none());
    assert!(matches!(s.revoke_token(&ctx(), id, tok).await, Err(StoreError::NotFound)));
    s.revoke_token(&ctx(), m, tok).await.unwrap();
    assert!(s.token("digest-1", now).await.unwrap().is_none());
    assert!(s.tokens_of(m).await.unwrap()[0].revoked_at.is_some());

    // Grants: added, listed with their unit, revoked.
    let g = s.add_grant(&ctx(), m, Grant { role: Role::Inspector, unit: Some(w.commune_b) }).await.unwrap();
    let grants = s.grants(m, d(2026, 11, 25)).await.unwrap();
    assert!(grants.iter().any(|r| r.id == g && r.unit_name.as_deref() == Some("Đảng bộ xã Bình") && r.unit_current));
    // Several accounts at once, each grant with its account.
    let both = s.grants_of(&[id, m], d(2026, 11, 25)).await.unwrap();
    assert_eq!(
        both.iter().map(|r| (r.account_id, r.role)).collect::<Vec<_>>(),
        vec![(id, Role::CellSecretary), (m, Role::Member), (m, Role::Inspector)]
    );
    s.revoke_grant(&ctx(), m, g).await.unwrap();
    assert!(s.grants(m, d(2026, 11, 25)).await.unwrap().iter().all(|r| r.id != g));
    assert_eq!(s.accounts("", 10).await.unwrap().len(), 2);
    assert_eq!(s.accounts("bi", 10).await.unwrap().len(), 1);
}

async fn audit_trail_records_writes_and_reads_and_detects_tampering(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let staff = access(&t.store, &[(Role::OrgBoardStaff, Some(w.commune_a))], None);
    // A write: field by field, with who, from where and the request id.
    let detail = s.member(w.in_a).await.unwrap();
    let mut identity = detail.identity.clone();
    identity.phone = Some(domain::ids::PhoneNumber::parse("0912345678").unwrap());
    staff
        .register_writer()
        .unwrap()
        .update_member(w.in_a, storage::MemberUpdate { expected_version: detail.version, identity, new_profile: None })
        .await
        .unwrap();
    let all = s.audit_entries(&AuditQuery { limit: 1000, ..Default::default() }).await.unwrap();
    let update = all.iter().find(|e| e.action == "member.update").unwrap();
    assert_eq!(
        (update.actor.as_str(), update.client.as_deref(), update.request_id.as_deref()),
        ("tester", Some("127.0.0.1"), Some("req-1"))
    );
    assert_eq!(update.object_id.as_deref(), Some(w.in_a.0.to_string().as_str()));
    let changes: serde_json::Value = serde_json::from_str(&update.details).unwrap();
    assert_eq!(changes, serde_json::json!([{ "field": "phone", "before": null, "after": "0912345678" }]));
    // Reads: the record, and a search with its query and how many were shown.
    let r = staff.reader().unwrap();
    r.member(w.in_a).await.unwrap();
    r.find_members(&MemberQuery { q: "an".into(), ..everyone() }).await.unwrap();
    let reads = s.audit_entries(&AuditQuery { action: Some("read.".into()), limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(reads.len(), 2);
    assert_eq!(reads[1].action, "read.member");
    let search: serde_json::Value = serde_json::from_str(&reads[0].details).unwrap();
    assert_eq!((search["q"].as_str(), search["shown"].as_u64()), (Some("an"), Some(1)));
    // Unit operations and member creation are there too, and the chain is intact.
    assert!(all.iter().any(|e| e.action == "unit.create") && all.iter().any(|e| e.action == "member.create"));
    let report = s.verify_audit().await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.entries, report.last_seq);
    let last = report.last_seq;

    // SQLite's schema refuses an entry that does not follow the head (0025): a number skipped,
    // or a link to another hash than the head's.
    if t.engine == Engine::Sqlite {
        tamper(
            t,
            &["INSERT INTO audit_log (seq, at, actor, action, details, prev_hash, hash) \
               SELECT seq + 2, 'x', 'x', 'x', '{}', hash, 'h' FROM audit_head"],
            false,
        )
        .await;
        tamper(
            t,
            &["INSERT INTO audit_log (seq, at, actor, action, details, prev_hash, hash) \
               SELECT seq + 1, 'x', 'x', 'x', '{}', 'not-the-head', 'h' FROM audit_head"],
            false,
        )
        .await;
    }

    // The database refuses changes; with the guard removed, a change is detected.
    tamper(t, &["UPDATE audit_log SET actor = 'khac' WHERE seq = 2"], false).await;
    tamper(t, &[drop_update_guard(t.engine), "UPDATE audit_log SET actor = 'khac' WHERE seq = 2"], true).await;
    let report = s.verify_audit().await.unwrap();
    assert!(report.problems.iter().any(|p| p.contains("mục 2:")), "{:?}", report.problems);
    tamper(t, &["UPDATE audit_log SET actor = 'tester' WHERE seq = 2"], true).await;
    assert!(s.verify_audit().await.unwrap().problems.is_empty());
    // Deleting the newest entry is detected by the head.
    tamper(t, &[drop_delete_guard(t.engine), "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)"], true).await;
    let report = s.verify_audit().await.unwrap();
    assert!(report.problems.iter().any(|p| p.contains(&format!("{last}"))), "{:?}", report.problems);
}

fn drop_update_guard(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "DROP TRIGGER audit_log_append_only_update",
        Engine::Postgres => "DROP TRIGGER audit_log_append_only_update ON audit_log",
    }
}

fn drop_delete_guard(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "DROP TRIGGER audit_log_append_only_delete",
        Engine::Postgres => "DROP TRIGGER audit_log_append_only_delete ON audit_log",
    }
}

/// Runs statements straight on the database, as an attacker with file or server access would.
async fn tamper(t: &TestStore, statements: &[&'static str], should_succeed: bool) {
    let mut ok = true;
    match t.engine {
        Engine::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", t.location)).await.unwrap();
            for st in statements {
                ok &= sqlx::query(*st).execute(&pool).await.is_ok();
            }
            pool.close().await;
        }
        Engine::Postgres => {
            let pool = sqlx::PgPool::connect(&t.location).await.unwrap();
            for st in statements {
                ok &= sqlx::query(*st).execute(&pool).await.is_ok();
            }
            pool.close().await;
        }
    }
    assert_eq!(ok, should_succeed, "{statements:?}");
}

/// Many requests auditing at once: every entry lands, once, in one unbroken chain, interleaved
/// with writes that append in their own transaction.
async fn concurrent_reads_are_group_committed_into_one_chain(t: &TestStore) {
    let province = unit(t.store.as_ref(), Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let mut tasks = Vec::new();
    for i in 0..200_i64 {
        let store = t.store.clone();
        tasks.push(tokio::spawn(async move {
            let actor = storage::AuditActor { account_id: Some(i), name: format!("reader{i}"), client: None, request_id: None };
            let records = vec![storage::AuditRecord::new("read.member", "member", i, serde_json::json!({ "n": i }))];
            store.audit(&actor, ctx().now, records).await.unwrap();
            if i % 50 == 0 {
                let spec = spec(Commune, &format!("X{i}"), "Đảng bộ xã", Some(province));
                store.create_unit(&ctx(), storage::NewUnit { spec, decision: decision(d(2001, 1, 1)) }).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let report = t.store.verify_audit().await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let reads = t
        .store
        .audit_entries(&storage::AuditQuery { action: Some("read.member".into()), limit: 1000, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(reads.len(), 200);
    let mut actors: Vec<String> = reads.iter().map(|e| e.actor.clone()).collect();
    actors.sort();
    actors.dedup();
    assert_eq!(actors.len(), 200, "each request's entry once");
}

/// Two app servers (two stores on one database) auditing in turn: each one's next batch finds
/// the head moved by the other, and every entry still lands once in one unbroken chain.
async fn two_servers_audit_into_one_chain(t: &TestStore) {
    let other = t.reopen().await;
    let servers = [t.store.clone(), other];
    for round in 0..6_i64 {
        for (n, server) in servers.iter().enumerate() {
            let actor = storage::AuditActor { account_id: None, name: format!("server{n}"), client: None, request_id: None };
            let records = vec![storage::AuditRecord::new("read.member", "member", round, serde_json::json!({ "round": round }))];
            server.audit(&actor, ctx().now, records.clone()).await.unwrap();
            // A second batch of the same server chains from the head its first one left.
            server.audit(&actor, ctx().now, records).await.unwrap();
        }
    }
    let report = t.store.verify_audit().await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!((report.entries, report.last_seq), (24, 24));
}

/// A session's answer is reused for a moment, but never after a change made through the store:
/// a revoked grant, a disabled account, an ended session.
async fn a_session_read_again_sees_what_changed(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let grant = domain::access::Grant { role: Role::Inspector, unit: Some(province) };
    let new = storage::NewAccount {
        username: "kiemtra".into(),
        display_name: "Kiểm tra".into(),
        password_hash: String::new(),
        member: None,
        must_change_password: false,
        grants: vec![grant],
    };
    let account = s.create_account(&ctx(), new).await.unwrap();
    s.create_session("digest-1", account, storage::SessionStage::Full, "csrf", None, ctx().now).await.unwrap();
    let first = s.session_view("digest-1").await.unwrap().unwrap();
    assert_eq!(first.principal.as_ref().unwrap().grants.len(), 1);
    let grant_id = s.grants(account, ctx().today).await.unwrap()[0].id;
    s.revoke_grant(&ctx(), account, grant_id).await.unwrap();
    let again = s.session_view("digest-1").await.unwrap().unwrap();
    assert!(again.principal.as_ref().is_none_or(|p| p.grants.is_empty()), "the revoked grant is gone at once");
    // Used again: the kept answer and the row both say when, and the principal is still known.
    let later = ctx().now + chrono::Duration::minutes(5);
    s.touch_session("digest-1", later).await.unwrap();
    assert_eq!(s.session_view("digest-1").await.unwrap().unwrap().session.last_seen_at, later);
    assert_eq!(s.session("digest-1").await.unwrap().unwrap().last_seen_at, later);
    s.delete_session("digest-1").await.unwrap();
    assert!(s.session_view("digest-1").await.unwrap().is_none(), "an ended session is gone at once");
    assert!(s.session_view("unknown").await.unwrap().is_none());
}
