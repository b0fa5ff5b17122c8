//! Counts on a date from the in-memory index, against the same counts worked out member by member
//! from each record (history, profiles) and the SQL closure of the tree, on generated data with
//! the 2025 reorganization.

use conformance::{TestStore, on_both_engines};
use domain::member::profile_on;
use domain::stats::{AgeBands, Breakdown, MemberFacts, ProfileFacts};
use storage::{MemberQuery, StatusFilter, Store, StoreError};

use crate::fixtures::*;

on_both_engines!(counts_match_the_records_member_by_member);

/// The breakdown of `unit` on `on`, from each member's record.
async fn by_hand(s: &dyn Store, unit: domain::ids::UnitId, on: chrono::NaiveDate, bands: &AgeBands) -> Breakdown {
    let inside: Vec<domain::ids::UnitId> = s.subtree(unit, on).await.unwrap().iter().map(|u| u.id).collect();
    let mut out = Breakdown::new(bands);
    let mut q = MemberQuery { status: StatusFilter::All, per_page: 500, ..MemberQuery::new(on) };
    loop {
        let page = s.find_members(&q).await.unwrap();
        for m in &page.items {
            let d = s.member(m.id).await.unwrap();
            let Some(span) = d.history.span_on(on).filter(|sp| sp.status.is_active()) else { continue };
            let Some(u) = span.unit.internal() else { continue };
            if !inside.contains(&u) {
                continue;
            }
            let profile = profile_on(&d.profiles, on).map(ProfileFacts::from);
            let facts = MemberFacts {
                status: span.status,
                gender: d.identity.gender,
                birth_date: d.identity.birth_date,
                ethnicity: d.identity.ethnicity,
                religion: d.identity.religion,
                profile: profile.as_ref(),
                party_age_months: d.history.party_age_months(on),
            };
            out.add(&facts, on, bands);
        }
        if page.items.len() < q.per_page {
            break;
        }
        q.page += 1;
    }
    out
}

async fn counts_match_the_records_member_by_member(t: &TestStore) {
    let s = t.store.as_ref();
    let today = d(2026, 11, 25);
    datagen::generate(s, &datagen::Options { members: 400, seed: 5, today }).await.unwrap();
    let bands = AgeBands::default();
    let province = s.children(None, today).await.unwrap()[0].unit.id;
    for on in [today, d(2025, 6, 30), d(2019, 12, 31)] {
        let report = s.counts_report(province, on, today, &bands).await.unwrap();
        let expected = by_hand(s, province, on, &bands).await;
        assert_eq!(report.total, expected, "province on {on}");
        assert!(report.total.total > 0 && report.total.women > 0 && report.total.youth_union > 0);
        // Each unit directly under the province, by the structure of that date.
        let mut sum = 0;
        for (unit, b) in report.children.iter().take(4) {
            assert_eq!(*b, by_hand(s, unit.id, on, &bands).await, "{} on {on}", unit.name);
        }
        for (_, b) in &report.children {
            sum += b.total;
        }
        assert!(sum <= report.total.total);
    }
    // Bad input: a future date, a unit that did not exist yet, an unknown unit.
    let err = s.counts_report(province, d(2026, 11, 26), today, &bands).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref v) if v.errors[0].code == "in_future"), "{err:?}");
    let err = s.counts_report(province, d(1900, 1, 1), today, &bands).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref v) if v.errors[0].code == "unit_not_on_date"), "{err:?}");
    assert!(matches!(s.counts_report(domain::ids::UnitId(987_654), today, today, &bands).await, Err(StoreError::NotFound)));
}
