//! The member's handbook on both engines: a member on a meeting's list answers its invitation
//! (and changes the answer) until the day of the meeting, not after its attendance is
//! recorded, and not for a chi bộ that is not theirs; the secretary reads the answers; signed
//! minutes are shared once; bookmarks come and go; the handle keeps to the member's own chi bộ.

use chrono::NaiveTime;
use conformance::{TestStore, on_both_engines};
use domain::access::Role;
use domain::handbook::Reply;
use domain::meetings::{MeetingInput, MeetingKind, Presence, Signer};
use domain::unit::UnitKind::*;
use storage::prelude::*;
use storage::{AttendanceInput, MinutesChange, StoreError};

use crate::fixtures::*;

on_both_engines!(members_answer_their_chi_bos_invitations, the_handle_keeps_to_the_members_own_chi_bo);

/// A commune with chi bộ A (An, Bình) and B (Cường).
struct World {
    commune: domain::ids::UnitId,
    a: domain::ids::UnitId,
    b: domain::ids::UnitId,
    an: domain::ids::MemberId,
    binh: domain::ids::MemberId,
    stranger: domain::ids::MemberId,
}

async fn world(s: &dyn Store) -> World {
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã Xuân", Some(province), d(2000, 1, 1)).await;
    let a = unit(s, GrassrootsCell, "XA", "Chi bộ thôn An", Some(commune), d(2000, 1, 1)).await;
    let b = unit(s, GrassrootsCell, "XB", "Chi bộ thôn Bình", Some(commune), d(2000, 1, 1)).await;
    let an = member(s, "Nguyễn Văn An", "nam", "01/01/1970", &cccd(1), a, d(2010, 1, 5), true).await;
    let binh = member(s, "Trần Thị Bình", "nu", "01/01/1972", &cccd(2), a, d(2010, 1, 5), true).await;
    let stranger = member(s, "Lê Văn Cường", "nam", "01/01/1975", &cccd(3), b, d(2010, 1, 5), true).await;
    World { commune, a, b, an, binh, stranger }
}

fn regular(on: chrono::NaiveDate) -> MeetingInput {
    MeetingInput {
        kind: MeetingKind::Regular,
        held_on: on,
        starts_at: NaiveTime::from_hms_opt(19, 30, 0).unwrap(),
        length_minutes: None,
        place: "Nhà văn hóa".into(),
        agenda: "Nhiệm vụ tháng tới".into(),
    }
}

async fn members_answer_their_chi_bos_invitations(t: &TestStore) {
    let s = t.store.as_ref();
    let World { commune, a, an, binh, stranger, .. } = world(s).await;
    assert_eq!(s.chi_bo_of(an, ctx().today).await.unwrap(), Some(a));
    let day = d(2026, 12, 5);
    let id = s.create_meeting(&ctx(), a, regular(day)).await.unwrap();
    s.reply_to_meeting(&ctx(), id, an, Reply::Attend).await.unwrap();
    s.reply_to_meeting(&ctx(), id, binh, Reply::Absent { reason: "Đi công tác".into() }).await.unwrap();
    // Changed: the last answer stands.
    s.reply_to_meeting(&ctx(), id, an, Reply::Absent { reason: "Ốm".into() }).await.unwrap();
    let replies = s.meeting_replies(id).await.unwrap();
    assert_eq!(replies.len(), 2);
    assert_eq!(replies.iter().find(|r| r.member == an).unwrap().reply, Reply::Absent { reason: "Ốm".into() });
    assert_eq!(s.member_replies(binh).await.unwrap()[0].meeting, id);
    // Not on the list: as if the meeting did not exist.
    assert!(matches!(s.reply_to_meeting(&ctx(), id, stranger, Reply::Attend).await, Err(StoreError::NotFound)));
    // After the day, or once attendance is recorded: closed.
    assert_eq!(codes(s.reply_to_meeting(&at(d(2026, 12, 6)), id, an, Reply::Attend).await.unwrap_err()), ["meeting_past"]);
    let version = s.meeting(id).await.unwrap().version;
    let rows = [an, binh].map(|m| AttendanceInput { member: m, presence: Presence::Present, reason: None }).to_vec();
    s.record_attendance(&at(day), id, version, rows).await.unwrap();
    assert_eq!(codes(s.reply_to_meeting(&at(day), id, an, Reply::Attend).await.unwrap_err()), ["meeting_past"]);
    // Minutes are shared once signed by both, once.
    assert_eq!(codes(s.share_minutes(&at(day), id).await.unwrap_err()), ["not_signed"]);
    let mut v = s.meeting(id).await.unwrap().version;
    s.change_minutes(&at(day), id, v, MinutesChange::Edit("Chi bộ họp, thống nhất nhiệm vụ.".into())).await.unwrap();
    v += 1;
    s.change_minutes(&at(day), id, v, MinutesChange::Sign(Signer::Chair, "Bí thư".into())).await.unwrap();
    v += 1;
    s.change_minutes(&at(day), id, v, MinutesChange::Sign(Signer::Secretary, "Thư ký".into())).await.unwrap();
    assert!(!s.minutes_shared(id).await.unwrap());
    s.share_minutes(&at(day), id).await.unwrap();
    s.share_minutes(&at(day), id).await.unwrap();
    assert!(s.minutes_shared(id).await.unwrap());
    let trail = s.audit_entries(&storage::AuditQuery { action: Some("meeting.".into()), limit: 100, ..Default::default() }).await.unwrap();
    assert_eq!(trail.iter().filter(|e| e.action == "meeting.reply").count(), 3);
    assert_eq!(trail.iter().filter(|e| e.action == "meeting.share_minutes").count(), 1, "shared once");
    // Bookmarks: set twice is set once; then gone.
    let account = account_of(s, an).await;
    let doc = document(s, commune).await;
    s.set_bookmark(&ctx(), account, doc, true).await.unwrap();
    s.set_bookmark(&ctx(), account, doc, true).await.unwrap();
    assert_eq!(s.bookmarks(account).await.unwrap().into_iter().collect::<Vec<_>>(), [doc]);
    s.set_bookmark(&ctx(), account, doc, false).await.unwrap();
    assert!(s.bookmarks(account).await.unwrap().is_empty());
}

async fn account_of(s: &dyn Store, member: domain::ids::MemberId) -> i64 {
    let new = storage::NewAccount {
        username: format!("dv{}", member.0),
        display_name: "Đảng viên".into(),
        password_hash: String::new(),
        member: Some(member),
        must_change_password: false,
        grants: vec![domain::access::Grant { role: Role::Member, unit: None }],
    };
    s.create_account(&ctx(), new).await.unwrap()
}

async fn document(s: &dyn Store, owner: domain::ids::UnitId) -> i64 {
    let fields = domain::documents::DocumentFields {
        kind: "huong-dan",
        issued_on: "01/01/2026",
        issuer: "Đảng ủy xã",
        title: "Hướng dẫn sinh hoạt chi bộ",
        ..Default::default()
    };
    s.create_document(&ctx(), owner, domain::documents::DocumentInput::parse(&fields).unwrap()).await.unwrap()
}

async fn the_handle_keeps_to_the_members_own_chi_bo(t: &TestStore) {
    let s = t.store.as_ref();
    let World { commune, a, b, an, .. } = world(s).await;
    let own = s.create_meeting(&ctx(), a, regular(d(2026, 12, 5))).await.unwrap();
    let other = s.create_meeting(&ctx(), b, regular(d(2026, 12, 5))).await.unwrap();
    let doc = document(s, commune).await;
    // An account linked to the member.
    let principal = domain::access::Principal {
        account_id: account_of(s, an).await,
        username: "an".into(),
        display_name: "An".into(),
        member: Some(an),
        grants: vec![domain::access::Grant { role: Role::Member, unit: None }],
    };
    let store: std::sync::Arc<dyn Store> = t.store.clone();
    let access =
        storage::access::Access::new(store, principal, storage::access::RequestInfo { now: ctx().now, client: None, request_id: None });
    let desk = access.handbook().unwrap();
    assert_eq!(desk.chi_bo().await.unwrap(), Some(a));
    assert_eq!(desk.meetings(d(2026, 12, 1), d(2026, 12, 31)).await.unwrap().iter().map(|m| m.id).collect::<Vec<_>>(), [own]);
    assert!(desk.meeting(own).await.is_ok());
    assert!(matches!(desk.meeting(other).await, Err(StoreError::NotFound)));
    assert!(matches!(desk.reply(other, Reply::Attend).await, Err(StoreError::NotFound)));
    desk.reply(own, Reply::Attend).await.unwrap();
    let docs = desk.documents("").await.unwrap();
    assert_eq!(docs.iter().map(|d| d.document.id).collect::<Vec<_>>(), [doc]);
    assert!(!docs[0].read && !docs[0].bookmarked);
    desk.bookmark(doc, true).await.unwrap();
    assert!(desk.documents("").await.unwrap()[0].bookmarked);
    assert!(matches!(desk.bookmark(doc + 100, true).await, Err(StoreError::NotFound)));
    // Staff without a member of their own have no handbook.
    assert!(matches!(crate::fixtures::access(&t.store, &[(Role::OrgBoardStaff, Some(commune))]).handbook(), Err(StoreError::Forbidden)));
}
