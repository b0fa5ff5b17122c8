//! Generates into temporary SQLite stores: storage re-derives and checks every history.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use datagen::{Options, Report, generate};
use domain::history::Status;
use domain::ids::MemberId;
use domain::pipeline::{CandidateSource, TargetGroup};
use domain::unit::UnitKind;
use storage::prelude::*;
use storage::{MemberQuery, SqlStore, StatusFilter};
use storage_sqlite::SqliteDatabase;

use domain::testing::d;

fn today() -> NaiveDate {
    d(2026, 3, 15)
}

async fn store(dir: &tempfile::TempDir, name: &str) -> SqlStore {
    let path = dir.path().join(name);
    let db = SqliteDatabase::open(path.to_str().unwrap()).await.unwrap();
    SqlStore::open(Arc::new(db)).await.unwrap()
}

async fn generated(dir: &tempfile::TempDir, name: &str, members: usize, seed: u64) -> (SqlStore, Report) {
    let s = store(dir, name).await;
    let report = generate(&s, &Options { members, seed, today: today() }).await.unwrap();
    (s, report)
}

async fn count(s: &SqlStore, status: StatusFilter) -> usize {
    let mut q = MemberQuery::new(today());
    q.status = status;
    s.find_members(&q).await.unwrap().total
}

#[tokio::test]
async fn generates_a_valid_reproducible_province() {
    let dir = tempfile::tempdir().unwrap();
    let (a, report) = generated(&dir, "a.sqlite3", 3_000, 7).await;
    assert_eq!(report.members, 3_000);
    assert!(report.units > 80, "{report:?}");
    assert!(report.events > 6_000, "{report:?}");

    // Refuses a store that already has data.
    assert!(generate(&a, &Options { members: 10, seed: 7, today: today() }).await.is_err());

    // Same seed, same data; another seed, other data.
    let (b, _) = generated(&dir, "b.sqlite3", 3_000, 7).await;
    let (c, _) = generated(&dir, "c.sqlite3", 3_000, 8).await;
    let mut first = MemberQuery::new(today());
    first.status = StatusFilter::All;
    first.per_page = 200;
    let page_a = a.find_members(&first).await.unwrap().items;
    assert_eq!(page_a, b.find_members(&first).await.unwrap().items);
    assert_ne!(page_a, c.find_members(&first).await.unwrap().items);
    for id in [1, 500, 2_999] {
        let (x, y) = (a.member(MemberId(id)).await.unwrap(), b.member(MemberId(id)).await.unwrap());
        assert_eq!((x.identity, x.profiles, x.events), (y.identity, y.profiles, y.events));
    }

    // The tree before and after the 1 July 2025 reorganization.
    let roots = a.children(None, today()).await.unwrap();
    assert_eq!(roots.len(), 1);
    let province = roots[0].unit.id;
    assert_eq!(roots[0].unit.kind, UnitKind::Province);
    let before = a.children(Some(province), d(2025, 6, 30)).await.unwrap();
    let after = a.children(Some(province), d(2025, 7, 1)).await.unwrap();
    assert!(before.iter().filter(|u| u.unit.kind == UnitKind::District).count() >= 3);
    assert!(!before.iter().any(|u| u.unit.kind == UnitKind::Commune));
    assert!(!after.iter().any(|u| u.unit.kind == UnitKind::District));
    assert!(after.iter().filter(|u| u.unit.kind == UnitKind::Commune).count() >= 3);
    assert!(after.iter().any(|u| u.unit.kind == UnitKind::UnderProvince));
    let district = before.iter().find(|u| u.unit.kind == UnitKind::District).unwrap();
    let old_communes = a.children(Some(district.unit.id), d(2025, 6, 30)).await.unwrap();
    let old = old_communes.iter().find(|u| u.unit.name.starts_with("Đảng bộ xã") || u.unit.name.starts_with("Đảng bộ phường")).unwrap();
    let successors = a.current_successors(old.unit.id, today()).await.unwrap();
    assert_eq!(successors.len(), 1);
    assert_eq!(successors[0].kind, UnitKind::Commune);
    // Members are all counted in the province, before and after.
    let total_after: usize = after.iter().map(|u| u.member_count).sum();
    assert_eq!(total_after, a.children(None, d(2025, 7, 1)).await.unwrap()[0].member_count);

    // Family names and statuses.
    assert_eq!(count(&a, StatusFilter::All).await, 3_000);
    let mut q = MemberQuery::new(today());
    q.status = StatusFilter::All;
    q.q = "Nguyễn".into();
    let nguyen = a.find_members(&q).await.unwrap().total;
    assert!((990..=1_290).contains(&nguyen), "Nguyễn: {nguyen} of 3000");
    for status in [Status::Deceased, Status::StruckOff, Status::TransferredOut, Status::Probationary, Status::Exempt] {
        assert!(count(&a, StatusFilter::Only(status)).await > 0, "{status:?}");
    }
    assert!(count(&a, StatusFilter::Active).await > 2_000);

    // Every admission and readmission says who introduced the member; students, workers of
    // private enterprises and residential chi bộ count towards their sub-targets.
    let mut sources = std::collections::BTreeMap::new();
    let mut groups = std::collections::BTreeMap::new();
    let mut admissions = 0;
    for id in (1..=3_000).step_by(3) {
        for e in a.member(MemberId(id)).await.unwrap().events {
            let domain::event::Entry::Event(data) = e.entry else { continue };
            let Some(origin) = data.kind.origin() else { continue };
            admissions += 1;
            let source = origin.source.unwrap_or_else(|| panic!("member {id}: an admission without its source"));
            *sources.entry(source).or_insert(0) += 1;
            *groups.entry(origin.target_group).or_insert(0) += 1;
        }
    }
    assert!(admissions >= 1_000, "{admissions}");
    let youth = sources[&CandidateSource::YouthUnion];
    assert!(youth * 5 > admissions * 2 && sources.values().all(|n| *n <= youth), "most come through the Youth Union: {sources:?}");
    for s in CandidateSource::ALL {
        assert!(sources.get(s).is_some_and(|n| *n > 0), "{s:?} never drawn: {sources:?}");
    }
    for g in TargetGroup::ALL {
        assert!(groups.get(&Some(*g)).is_some_and(|n| *n > 0), "{g:?} never drawn: {groups:?}");
    }
}

/// `cargo test -p datagen --release -- --ignored --nocapture`: 500,000 members into SQLite.
#[tokio::test]
#[ignore]
async fn half_a_million_members_timing() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir, "big.sqlite3").await;
    let started = Instant::now();
    let report = generate(&s, &Options { members: 500_000, seed: 1, today: today() }).await.unwrap();
    println!("generated {report:?} in {:.1} s", started.elapsed().as_secs_f64());
}
