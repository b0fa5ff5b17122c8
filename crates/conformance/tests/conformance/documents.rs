//! The document library on both engines: documents for chosen kinds of unit and roles, found by
//! a Vietnamese search with or without diacritics (the same answers on both engines: the domain
//! decides), attachments kept in the database and given back byte for byte with version checks,
//! and read receipts counted per unit; who reads what through the scoped handle.

use conformance::{TestStore, on_both_engines};
use domain::access::Role;
use domain::documents::{DocumentFields, DocumentInput};
use domain::unit::UnitKind::*;
use storage::StoreError;
use storage::prelude::*;

use crate::fixtures::*;

on_both_engines!(documents_are_found_read_and_counted);

/// A person with an account (reads are kept per account) and one grant.
async fn person(t: &TestStore, username: &str, role: Role, unit: domain::ids::UnitId) -> storage::access::Access {
    let grants = vec![domain::access::Grant { role, unit: Some(unit) }];
    let new = storage::NewAccount {
        username: username.into(),
        display_name: format!("Cán bộ {username}"),
        password_hash: auth::password::hash("mat-khau-thu-nghiem-2026").unwrap(),
        member: None,
        must_change_password: false,
        grants: grants.clone(),
    };
    let account_id = t.store.create_account(&ctx(), new).await.unwrap();
    let principal =
        domain::access::Principal { account_id, username: username.into(), display_name: username.into(), member: None, grants };
    let store: std::sync::Arc<dyn Store> = t.store.clone();
    storage::access::Access::new(store, principal, storage::access::RequestInfo { now: ctx().now, client: None, request_id: None })
}

fn doc(title: &str, kinds: &[String], roles: &[String]) -> DocumentInput {
    DocumentInput::parse(&DocumentFields {
        kind: "nghi-quyet",
        number: "05-NQ/TU",
        issued_on: "15/03/2026",
        issuer: "Ban Chấp hành Đảng bộ tỉnh",
        title,
        summary: "",
        valid_until: "",
        reach_kinds: kinds,
        reach_depth: "",
        roles,
    })
    .unwrap()
}

async fn documents_are_found_read_and_counted(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let x = unit(s, Commune, "X", "Đảng bộ xã Xuân", Some(province), d(2000, 1, 1)).await;
    let y = unit(s, Commune, "Y", "Đảng bộ xã Yên", Some(province), d(2000, 1, 1)).await;
    let cell = unit(s, GrassrootsCell, "X1", "Chi bộ thôn Một", Some(x), d(2000, 1, 1)).await;
    let communes = vec!["xa-phuong".to_owned()];
    let secretaries = vec!["cell-secretary".to_owned()];
    let to_communes =
        s.create_document(&ctx(), province, doc("Nghị quyết về nâng cao chất lượng sinh hoạt chi bộ", &communes, &[])).await.unwrap();
    let to_secretaries = s.create_document(&ctx(), province, doc("Hướng dẫn ghi biên bản", &[], &secretaries)).await.unwrap();
    let own = s.create_document(&ctx(), x, doc("Kế hoạch của xã", &[], &[])).await.unwrap();

    // The search: with and without diacritics, marks typed must be the text's, same on both.
    let ids = |v: Vec<storage::DocumentView>| v.into_iter().map(|d| d.id).collect::<Vec<_>>();
    let today = d(2026, 11, 25);
    assert_eq!(ids(s.library(province, "sinh hoat chi bo", true, today).await.unwrap()), vec![to_communes]);
    assert_eq!(ids(s.library(province, "SINH HOẠT", true, today).await.unwrap()), vec![to_communes]);
    assert!(s.library(province, "sinh hoát", true, today).await.unwrap().is_empty());
    assert_eq!(ids(s.library(province, "", true, today).await.unwrap()).len(), 2);

    // An attachment, given back byte for byte; found by its name; a stale version conflicts.
    let bytes = b"%PDF-1.7\n\xe2\x80\x94 ban in\n".to_vec();
    let a = s.add_attachment(&ctx(), to_communes, 1, "Phụ lục mẫu biên bản.pdf", "application/pdf", &bytes).await.unwrap();
    assert!(matches!(
        s.add_attachment(&ctx(), to_communes, 1, "x.pdf", "application/pdf", &bytes).await,
        Err(StoreError::Conflict { current: 2 })
    ));
    let (document, view, back) = s.attachment(a).await.unwrap();
    assert_eq!((document, view.size, back), (to_communes, bytes.len() as i64, bytes));
    assert_eq!(ids(s.library(province, "phu luc", true, today).await.unwrap()), vec![to_communes]);

    // Who reads what: the commune's staff (a commune), the secretary (the role), another commune.
    let x_staff = person(t, "xa.xuan", Role::OrgBoardStaff, x).await;
    let secretary = person(t, "bithu", Role::CellSecretary, cell).await;
    let y_staff = person(t, "xa.yen", Role::OrgBoardStaff, y).await;
    let province_staff = person(t, "tinh", Role::OrgBoardStaff, province).await;
    assert_eq!(ids(x_staff.documents().mine("").await.unwrap()), vec![own, to_communes]);
    assert_eq!(ids(secretary.documents().mine("").await.unwrap()), vec![own, to_secretaries]);
    assert!(matches!(y_staff.documents().open(own).await, Err(StoreError::NotFound)));
    let got = y_staff.documents().attachment(a).await;
    assert!(got.is_ok(), "the letter is for every commune: {got:?}");
    x_staff.documents().open(to_communes).await.unwrap();
    x_staff.documents().open(to_communes).await.unwrap();
    assert!(
        matches!(x_staff.documents().reads_of(to_communes).await, Err(StoreError::NotFound)),
        "the province's readers see the receipts"
    );
    let stats = province_staff.documents().reads_of(to_communes).await.unwrap();
    assert_eq!(stats.readers, 2, "x once (twice opened), y once");
    let names: Vec<&str> = stats.by_unit.iter().map(|b| b.unit_name.as_str()).collect();
    assert_eq!(names, vec!["Đảng bộ xã Xuân", "Đảng bộ xã Yên"]);
    assert!(matches!(x_staff.documents().create(province, doc("Không", &[], &[])).await, Err(StoreError::NotFound)));
    assert!(matches!(secretary.documents().create(cell, doc("Không", &[], &[])).await, Err(StoreError::Forbidden)));
}

/// The search index (`document_search`: FTS5 trigrams on SQLite, a `pg_trgm` index on
/// PostgreSQL) only narrows: the same library searched the same ways answers the same documents
/// on both engines, the domain deciding, and each engine's planner uses its index.
#[tokio::test]
async fn the_search_index_only_narrows() {
    use sqlx::Row;
    let Some(sqlite) = conformance::fresh(conformance::Engine::Sqlite).await else { return };
    let Some(pg) = conformance::fresh(conformance::Engine::Postgres).await else { return };
    let titles = [
        "Nghị quyết về nâng cao chất lượng sinh hoạt chi bộ",
        "Hướng dẫn kết nạp đảng viên là người có đạo",
        "Kế hoạch kiểm điểm, đánh giá, xếp loại năm 2026",
        "Tài liệu học tập Nghị quyết Đại hội XIV",
        "Quy định về đảng viên sinh hoạt tạm thời",
    ];
    let queries =
        ["", "sinh hoat", "sinh hoạt", "SINH HOẠT chi bộ", "đảng viên", "dang vien", "nghi quyet", "xiv", "ab", "đạo", "dao", "không có"];
    let mut answers = Vec::new();
    for t in [&sqlite, &pg] {
        let s = t.store.as_ref();
        let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
        for title in titles {
            s.create_document(&ctx(), province, doc(title, &[], &[])).await.unwrap();
        }
        let mut found = Vec::new();
        for q in queries {
            let mut list: Vec<String> =
                s.library(province, q, false, d(2026, 11, 25)).await.unwrap().into_iter().map(|d| d.title).collect();
            list.sort();
            found.push((q, list));
        }
        answers.push(found);
    }
    assert_eq!(answers[0], answers[1], "both engines answer alike");
    let by_query = |q: &str| answers[0].iter().find(|(x, _)| *x == q).map(|(_, l)| l.len()).unwrap();
    assert_eq!((by_query(""), by_query("sinh hoat"), by_query("sinh hoạt"), by_query("đạo"), by_query("dao")), (5, 2, 2, 1, 1));
    assert_eq!(by_query("không có"), 0);

    // Each planner reaches for its index.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", sqlite.location)).await.unwrap();
    let plan: Vec<String> = sqlx::query("EXPLAIN QUERY PLAN SELECT rowid FROM document_search WHERE search_folded LIKE '%sinh hoat%'")
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("detail"))
        .collect();
    assert!(plan.iter().any(|p| p.contains("VIRTUAL TABLE INDEX")), "{plan:?}");
    let pool = sqlx::PgPool::connect(&pg.location).await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    sqlx::query("SET enable_seqscan = off").execute(&mut *conn).await.unwrap();
    let plan: Vec<String> = sqlx::query("EXPLAIN SELECT rowid FROM document_search WHERE search_folded LIKE '%sinh hoat%'")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect();
    assert!(plan.iter().any(|p| p.contains("document_search_trigrams")), "{plan:?}");
}
