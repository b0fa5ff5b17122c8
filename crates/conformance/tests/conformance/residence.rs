//! Working members' ties to their residence on both engines (Quy định 213-QĐ/TW): a tie
//! recorded then replaced at its version (a stale version conflicts), contacts, one comment a
//! year, the unit's report on both sides (the workplace's working members, the residence's
//! members living there), the contact overdue after the interval; the desk lets the residence
//! side comment only on members living under it.

use conformance::{TestStore, on_both_engines};
use domain::access::Role;
use domain::residence::{Category, Comment, CommentRating, ContactKind, ResidenceCell, Tie};
use domain::unit::UnitKind::*;
use storage::StoreError;
use storage::prelude::*;

use crate::fixtures::*;

on_both_engines!(ties_contacts_and_comments, the_residence_side_comments_on_those_living_there);

struct World {
    workplace: domain::ids::UnitId,
    office: domain::ids::UnitId,
    village: domain::ids::UnitId,
    home_commune: domain::ids::UnitId,
    an: domain::ids::MemberId,
    binh: domain::ids::MemberId,
}

/// A ward whose agency chi bộ employs An and Bình (both "viên chức"); An lives in a village chi bộ
/// of another commune.
async fn world(s: &dyn Store) -> World {
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let workplace = unit(s, Commune, "P", "Đảng bộ phường Trung Tâm", Some(province), d(2000, 1, 1)).await;
    let office = unit(s, GrassrootsCell, "PV", "Chi bộ Văn phòng", Some(workplace), d(2000, 1, 1)).await;
    let home_commune = unit(s, Commune, "X", "Đảng bộ xã Xuân", Some(province), d(2000, 1, 1)).await;
    let village = unit(s, GrassrootsCell, "XD", "Chi bộ thôn Đông", Some(home_commune), d(2000, 1, 1)).await;
    let an = member(s, "Nguyễn Văn An", "nam", "01/01/1980", &cccd(1), office, d(2010, 1, 5), true).await;
    let binh = member(s, "Trần Thị Bình", "nu", "01/01/1982", &cccd(2), office, d(2012, 1, 5), true).await;
    World { workplace, office, village, home_commune, an, binh }
}

fn introduced(village: domain::ids::UnitId) -> Tie {
    Tie {
        category: Category::Introduced,
        reason: None,
        address: "Số 5, thôn Đông, xã Xuân".into(),
        cell: Some(ResidenceCell::Internal(village)),
        letter: Some(("12-GGT/ĐU".into(), d(2026, 1, 10))),
        confirmed_on: None,
        reach: None,
    }
}

fn comment(year: i32) -> Comment {
    Comment {
        year,
        rating: CommentRating::Good,
        text: "Gương mẫu ở khu dân cư.".into(),
        signer: "Bí thư chi bộ thôn Đông".into(),
        on: d(2026, 11, 20),
    }
}

async fn ties_contacts_and_comments(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let today = ctx().today;

    // Both are working members; neither is introduced yet.
    let report = s.residence_report(w.workplace, 2026, today).await.unwrap();
    assert_eq!(report.working.len(), 2);
    assert!(report.working.iter().all(|l| !l.standing.registered));
    assert_eq!(report.deadline, None, "no evaluation round yet");
    let due = s.residence_due(w.workplace, 2026, today).await.unwrap().unwrap();
    assert_eq!((due.working, due.not_registered, due.comments_missing), (2, 2, 0));
    // A tie must name a chi bộ.
    let mut wrong = introduced(w.home_commune);
    assert_eq!(codes(s.set_residence_tie(&ctx(), w.an, wrong.clone(), None).await.unwrap_err()), ["not_a_cell"]);
    wrong.cell = Some(ResidenceCell::Internal(w.village));
    s.set_residence_tie(&ctx(), w.an, wrong, None).await.unwrap();
    // A second "first" tie, or a stale version, conflicts.
    assert!(matches!(s.set_residence_tie(&ctx(), w.an, introduced(w.village), None).await, Err(StoreError::Conflict { .. })));
    let confirmed = Tie { confirmed_on: Some(d(2026, 1, 20)), ..introduced(w.village) };
    s.set_residence_tie(&ctx(), w.an, confirmed.clone(), Some(1)).await.unwrap();
    assert!(matches!(s.set_residence_tie(&ctx(), w.an, confirmed, Some(1)).await, Err(StoreError::Conflict { .. })));

    // Contacts: none yet, so one is due six months after the letter — overdue by now.
    let r = s.member_residence(w.an, 2026, today).await.unwrap();
    assert!(r.working && r.standing.registered && r.standing.confirmed && r.standing.contact_overdue);
    assert_eq!(r.contact_due, Some(d(2026, 7, 10)));
    assert_eq!(codes(s.add_residence_contact(&ctx(), w.binh, d(2026, 5, 1), ContactKind::Meeting, "").await.unwrap_err()), ["no_tie"]);
    assert_eq!(codes(s.add_residence_contact(&ctx(), w.an, d(2026, 12, 1), ContactKind::Meeting, "").await.unwrap_err()), ["future"]);
    s.add_residence_contact(&ctx(), w.an, d(2026, 6, 15), ContactKind::Meeting, "Họp với chi bộ thôn").await.unwrap();
    s.add_residence_contact(&ctx(), w.an, d(2026, 10, 2), ContactKind::Other, "").await.unwrap();
    let r = s.member_residence(w.an, 2026, today).await.unwrap();
    assert_eq!((r.standing.contacts_in_year, r.standing.contact_overdue, r.contact_due), (2, false, Some(d(2027, 4, 2))));

    // The worklist: An's comment is missing, due by the deadline of the ward's round of 2026.
    let due = s.residence_due(w.workplace, 2026, today).await.unwrap().unwrap();
    assert_eq!((due.not_registered, due.unconfirmed, due.contact_overdue, due.comments_missing), (1, 0, 0, 1));
    let plan = domain::evaluation::RoundPlan {
        period: domain::evaluation::Period::Year(2026),
        quota_percent: 20,
        due_on: d(2026, 12, 15),
        criteria: None,
    };
    s.open_round(&ctx(), w.workplace, &plan).await.unwrap();
    assert_eq!(
        s.residence_report(w.office, 2026, today).await.unwrap().deadline,
        Some(d(2026, 12, 15)),
        "the ward's round covers its chi bộ"
    );
    // The ward's report counts per unit below: its one chi bộ, An's comment still missing.
    let by_child = s.residence_report(w.workplace, 2026, today).await.unwrap().by_child;
    let counts: Vec<_> = by_child.iter().map(|c| (c.unit, c.due.working, c.due.comments_missing, c.comments_in_time)).collect();
    assert_eq!(counts, [(w.office, 2, 1, 0)]);

    // One comment a year.
    s.add_residence_comment(&ctx(), w.an, comment(2026)).await.unwrap();
    assert_eq!(s.residence_due(w.workplace, 2026, today).await.unwrap().unwrap().comments_missing, 0);
    let by_child = s.residence_report(w.workplace, 2026, today).await.unwrap().by_child;
    assert_eq!(by_child[0].comments_in_time, 1, "given on 20/11, before the deadline of 15/12");
    assert_eq!(codes(s.add_residence_comment(&ctx(), w.an, comment(2026)).await.unwrap_err()), ["duplicate"]);
    assert_eq!(codes(s.add_residence_comment(&ctx(), w.binh, comment(2026)).await.unwrap_err()), ["no_tie"]);
    let comments = s.residence_comments(&[w.an, w.binh], 2026).await.unwrap();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[&w.an].rating, CommentRating::Good);

    // Both sides' reports.
    let report = s.residence_report(w.workplace, 2026, today).await.unwrap();
    let an = report.working.iter().find(|l| l.member == w.an).unwrap();
    assert!(an.standing.comment_received && an.residence.contains("Chi bộ thôn Đông"));
    assert!(report.living_here.is_empty());
    let home = s.residence_report(w.home_commune, 2026, today).await.unwrap();
    assert!(home.working.is_empty());
    assert_eq!(home.living_here.iter().map(|l| l.member).collect::<Vec<_>>(), vec![w.an]);
    assert!(home.living_here[0].unit_name.contains("Chi bộ Văn phòng"));

    // An exempt member: no yearly comment expected.
    let exempt = Tie {
        category: Category::IntroducedExempt,
        reason: Some("Làm việc lưu động".into()),
        reach: Some("0912 345 678".into()),
        ..introduced(w.village)
    };
    s.set_residence_tie(&ctx(), w.binh, exempt, None).await.unwrap();
    let r = s.member_residence(w.binh, 2026, today).await.unwrap();
    assert!(!r.standing.comment_expected);
}

async fn the_residence_side_comments_on_those_living_there(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    s.set_residence_tie(&ctx(), w.an, introduced(w.village), None).await.unwrap();
    // The village's secretary: comments on An from the village, not on Bình (not living there),
    // and records no tie for An (not theirs).
    let village = access(&t.store, &[(Role::CellSecretary, Some(w.village))]);
    let desk = village.residence().unwrap();
    assert!(matches!(desk.add_comment(Some(w.village), w.binh, comment(2026)).await, Err(StoreError::NotFound)));
    assert!(matches!(desk.set_tie(w.an, introduced(w.village), Some(1)).await, Err(StoreError::NotFound)));
    assert!(matches!(desk.add_comment(Some(w.office), w.an, comment(2026)).await, Err(StoreError::NotFound)));
    desk.add_comment(Some(w.village), w.an, comment(2026)).await.unwrap();
    assert_eq!(desk.report(w.village, 2026).await.unwrap().living_here.len(), 1);
    // The workplace's secretary records ties and contacts of their members.
    let office = access(&t.store, &[(Role::CellSecretary, Some(w.office))]);
    let desk = office.residence().unwrap();
    desk.add_contact(w.an, d(2026, 11, 1), ContactKind::Meeting, "").await.unwrap();
    assert!(matches!(desk.report(w.village, 2026).await, Err(StoreError::NotFound)));
    // Reading is not recording.
    let inspector = access(&t.store, &[(Role::Inspector, Some(w.workplace))]);
    assert!(matches!(
        inspector.residence().unwrap().add_contact(w.an, d(2026, 11, 1), ContactKind::Meeting, "").await,
        Err(StoreError::Forbidden)
    ));
}
