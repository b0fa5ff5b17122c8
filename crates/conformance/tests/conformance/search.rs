//! Vietnamese search and register order, with and without diacritics, with filters and paging.

use conformance::{TestStore, on_both_engines};
use domain::dates::AgeBand;
use domain::history::Status;
use domain::member::Gender;
use domain::unit::UnitKind::*;
use storage::prelude::*;
use storage::{MemberQuery, StatusFilter};

use crate::fixtures::*;

on_both_engines!(search_with_and_without_diacritics, typed_diacritics_are_kept, filters_and_paging);

async fn names(s: &dyn Store, q: MemberQuery) -> Vec<String> {
    s.find_members(&q).await.unwrap().items.into_iter().map(|i| i.full_name).collect()
}

fn q(text: &str) -> MemberQuery {
    let mut q = MemberQuery::new(d(2026, 1, 1));
    q.q = text.into();
    q
}

async fn population(s: &dyn Store) -> (domain::ids::UnitId, domain::ids::UnitId) {
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(1980, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã", Some(province), d(1980, 1, 1)).await;
    let c1 = unit(s, GrassrootsCell, "C1", "Chi bộ 1", Some(commune), d(1980, 1, 1)).await;
    let c2 = unit(s, GrassrootsCell, "C2", "Chi bộ 2", Some(commune), d(1980, 1, 1)).await;
    let people = [
        ("Nguyễn Văn Đức", "nam", "12/3/1985", c1),
        ("Đỗ Thị Dung", "nu", "1/1/1995", c1),
        ("Trần Văn Đức", "nam", "1/1/1960", c2),
        ("Lê Thị Ánh", "nu", "1/1/2000", c2),
        ("Nguyễn Thị Ân", "nu", "1/1/1999", c1),
        ("Phạm Văn Anh", "nam", "1/1/1970", c2),
    ];
    for (i, (name, gender, birth, unit)) in people.iter().enumerate() {
        member(s, name, gender, birth, &cccd(100 + i as u32), *unit, d(2020, 6, 1), true).await;
    }
    (c1, c2)
}

async fn search_with_and_without_diacritics(t: &TestStore) {
    let s = t.store.as_ref();
    population(s).await;
    // đ = d, tones optional, any case, words in any order, prefixes.
    assert_eq!(names(s, q("duc")).await, vec!["Nguyễn Văn Đức", "Trần Văn Đức"]);
    assert_eq!(names(s, q("Đức")).await, vec!["Nguyễn Văn Đức", "Trần Văn Đức"]);
    assert_eq!(names(s, q("DUC nguyen")).await, vec!["Nguyễn Văn Đức"]);
    assert_eq!(names(s, q("do thi")).await, vec!["Đỗ Thị Dung"]);
    assert_eq!(names(s, q("ngu")).await, vec!["Nguyễn Thị Ân", "Nguyễn Văn Đức"]);
    assert_eq!(names(s, q("xyz")).await, Vec::<String>::new());
    // By CCCD (whole or leading digits) and party card numbers.
    assert_eq!(names(s, q(&cccd(103))).await, vec!["Lê Thị Ánh"]);
    assert_eq!(s.find_members(&q("0010")).await.unwrap().total, 6);
    // Register order: given name first, Vietnamese alphabet (a < ă < â, d < đ).
    assert_eq!(
        names(s, MemberQuery::new(d(2026, 1, 1))).await,
        vec!["Phạm Văn Anh", "Lê Thị Ánh", "Nguyễn Thị Ân", "Đỗ Thị Dung", "Nguyễn Văn Đức", "Trần Văn Đức"]
    );
}

/// Typed with diacritics means with diacritics (ui.md): "Nguyên" is not every Nguyễn; "nguyen"
/// is both; a bare letter stands for any of its marked forms.
async fn typed_diacritics_are_kept(t: &TestStore) {
    let s = t.store.as_ref();
    let (c1, _) = population(s).await;
    member(s, "Trần Nguyên Hải", "nam", "1/1/1980", &cccd(200), c1, d(2020, 6, 1), true).await;
    assert_eq!(names(s, q("Nguyên")).await, vec!["Trần Nguyên Hải"]);
    assert_eq!(names(s, q("nguyen")).await, vec!["Nguyễn Thị Ân", "Nguyễn Văn Đức", "Trần Nguyên Hải"]);
    assert_eq!(names(s, q("Nguyễn")).await, vec!["Nguyễn Thị Ân", "Nguyễn Văn Đức"]);
    assert_eq!(names(s, q("Ân")).await, vec!["Nguyễn Thị Ân"]);
    assert_eq!(names(s, q("an")).await, vec!["Phạm Văn Anh", "Lê Thị Ánh", "Nguyễn Thị Ân"]);
    assert_eq!(names(s, q("Đỗ dung")).await, vec!["Đỗ Thị Dung"]);
    assert_eq!(names(s, q("Đô")).await, Vec::<String>::new());
    // Units alike, by any part of the name.
    let found = |q: &'static str| async move {
        s.find_units(q, d(2026, 1, 1), false, 10, None).await.unwrap().into_iter().map(|u| u.name).collect::<Vec<_>>()
    };
    let province = unit(s, Province, "TH", "Tỉnh ủy Hai", None, d(1980, 1, 1)).await;
    let ward = unit(s, Commune, "PH", "Đảng bộ phường Hai", Some(province), d(1980, 1, 1)).await;
    unit(s, GrassrootsCell, "KP", "Chi bộ Khu phố Nguyên Hồng", Some(ward), d(1980, 1, 1)).await;
    assert_eq!(found("khu pho").await, vec!["Chi bộ Khu phố Nguyên Hồng"]);
    assert_eq!(found("phố nguyên").await, vec!["Chi bộ Khu phố Nguyên Hồng"]);
    assert_eq!(found("phô").await, Vec::<String>::new());
    assert_eq!(found("bộ 2").await, vec!["Chi bộ 2"]);
}

async fn filters_and_paging(t: &TestStore) {
    let s = t.store.as_ref();
    let (c1, _) = population(s).await;
    let mut f = MemberQuery::new(d(2026, 1, 1));
    f.gender = Some(Gender::Female);
    assert_eq!(s.find_members(&f).await.unwrap().total, 3);
    f.gender = None;
    f.age = Some(AgeBand::parse("18-30").unwrap());
    assert_eq!(names(s, f.clone()).await, vec!["Lê Thị Ánh", "Nguyễn Thị Ân"]);
    f.age = Some(AgeBand::parse("61+").unwrap());
    assert_eq!(names(s, f.clone()).await, vec!["Trần Văn Đức"]);
    f.age = None;
    f.unit = Some(c1);
    assert_eq!(s.find_members(&f).await.unwrap().total, 3);
    f.unit = None;
    f.status = StatusFilter::Only(Status::Probationary);
    assert_eq!(s.find_members(&f).await.unwrap().total, 0);
    f.as_of = d(2021, 1, 1);
    assert_eq!(s.find_members(&f).await.unwrap().total, 6);
    // Before admission nobody is on the register.
    f.status = StatusFilter::Active;
    f.as_of = d(2020, 5, 31);
    assert_eq!(s.find_members(&f).await.unwrap().total, 0);
    // Pages.
    let mut p = MemberQuery::new(d(2026, 1, 1));
    p.per_page = 4;
    p.page = 2;
    let page = s.find_members(&p).await.unwrap();
    assert_eq!((page.total, page.page_count(), page.items.len()), (6, 2, 2));
    assert_eq!(page.items[0].full_name, "Nguyễn Văn Đức");
}
