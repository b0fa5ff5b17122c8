//! Export → import into an empty database reproduces the register on the export's day, on both
//! engines: the counts report of the whole tree (every breakdown, every unit under the top by
//! code) and every member's identity, profile, status and chi bộ.

use std::collections::HashMap;

use conformance::TestStore;
use domain::history::Status;
use domain::member::profile_on;
use domain::stats::{AgeBands, Structure};
use storage::prelude::*;
use storage::{MemberQuery, ReportRequest, StatusFilter};

use crate::cli::{database, ok};

conformance::on_both_engines!(export_then_import_reproduces_the_register);

// The commands run with the real clock.
#[allow(clippy::disallowed_methods)]
fn today() -> chrono::NaiveDate {
    storage::vietnam_today(chrono::Utc::now())
}

/// A member as the round trip must keep them: identity, profile, status, chi bộ (by code), and
/// party age (a readmitted member's counts from the first admission, less the time out).
#[derive(Debug, PartialEq)]
struct Kept {
    identity: domain::member::Identity,
    profile: Option<domain::member::Profile>,
    status: Option<Status>,
    unit: Option<String>,
    party_age_months: Option<u32>,
    readmitted: bool,
}

async fn register(store: &dyn Store) -> HashMap<String, Kept> {
    let on = today();
    let codes: HashMap<_, _> = {
        let root = store.children(None, on).await.expect("roots").remove(0).unit;
        store.subtree(root.id, on).await.expect("subtree").into_iter().map(|u| (u.id, u.code)).collect()
    };
    let q = MemberQuery { status: StatusFilter::Active, per_page: 100_000, ..MemberQuery::new(on) };
    let mut out = HashMap::new();
    for item in store.find_members(&q).await.expect("members").items {
        let m = store.member(item.id).await.expect("member");
        let span = m.history.span_on(on);
        out.insert(
            m.identity.citizen_id.to_string(),
            Kept {
                profile: profile_on(&m.profiles, on).cloned(),
                status: span.map(|s| s.status),
                unit: span.and_then(|s| s.unit.internal()).and_then(|u| codes.get(&u).cloned()),
                party_age_months: m.history.party_age_months(on),
                readmitted: m.history.effective.iter().any(|(_, e)| matches!(e.kind, domain::event::EventKind::Readmitted { .. })),
                identity: m.identity,
            },
        );
    }
    out
}

/// The counts report of the top unit on the day, rows keyed by the unit's code.
async fn counts(store: &dyn Store) -> (domain::stats::Breakdown, Vec<(String, domain::stats::Breakdown)>) {
    let on = today();
    let root = store.children(None, on).await.expect("roots").remove(0).unit;
    let r = store
        .counts_report(ReportRequest { unit: root.id, when: on, structure: Structure::OfDate, today: on }, &AgeBands::default())
        .await
        .expect("counts");
    let mut rows: Vec<(String, domain::stats::Breakdown)> =
        r.children.into_iter().map(|(head, b)| (head.unit.map(|u| u.code).unwrap_or_else(|| head.group.to_owned()), b)).collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    (r.total, rows)
}

async fn export_then_import_reproduces_the_register(t: &TestStore) {
    let source = database(t);
    ok(&source, &["generate", "--members", "400", "--seed", "8"], None);
    let file = format!("{}/round-trip-{}-{:?}.xlsx", env!("CARGO_TARGET_TMPDIR"), std::process::id(), t.engine);
    let day = domain::dates::format_vn(today());
    ok(&source, &["export", "--date", &day, "--output", &file], None);

    let Some(copy) = conformance::fresh(t.engine).await else { return };
    let target = database(&copy);
    let out = ok(&target, &["import", &file, "--apply"], None);
    assert!(out.contains("0 bị từ chối"), "every exported row imports: {out}");
    let again = ok(&target, &["import", &file, "--apply"], None);
    assert!(again.contains("Đã tạo 0 đảng viên, cập nhật 0"), "{again}");

    let imported = copy.reopen().await;
    assert_eq!(counts(t.store.as_ref()).await, counts(imported.as_ref()).await, "the counts report on the day");
    let before = register(t.store.as_ref()).await;
    let after = register(imported.as_ref()).await;
    assert!(before.len() > 300, "{}", before.len());
    assert!(before.values().any(|k| k.readmitted), "the generated register holds a readmitted member");
    assert_eq!(before.len(), after.len());
    for (cccd, kept) in &before {
        assert_eq!(Some(kept), after.get(cccd), "member {cccd}");
    }
    let _ = std::fs::remove_file(&file);
}
