//! Notifications on both engines: who is told of each event (the staff acting for a unit, the
//! members of a chi bộ, the readers a document is for, whoever asked), never the author or a
//! disabled account; the inbox reads, pages and marks read only one's own; e-mail is queued only
//! when mail is on and the account gave an address, and one row is claimed by one loop.

use chrono::{Duration, NaiveTime};
use conformance::{TestStore, on_both_engines};
use domain::access::{Grant, Role};
use domain::directives::{Deadline, DirectiveKind, Draft, Reach, Task};
use domain::documents::{DocumentFields, DocumentInput};
use domain::feedback::FeedbackInput;
use domain::ids::MemberId;
use domain::meetings::{MeetingInput, MeetingKind};
use domain::notifications::{EmailAddress, NoticeKind};
use domain::unit::UnitKind::*;
use storage::prelude::*;
use storage::{NewAccount, ReceiptStep, Sender, SqlStore, StoreError, WriteContext};

use crate::fixtures::*;

on_both_engines!(events_tell_the_people_they_concern, the_inbox_is_ones_own_and_mail_is_claimed_once);

async fn account(s: &dyn Store, name: &str, grants: Vec<Grant>, member: Option<MemberId>, email: Option<&str>) -> i64 {
    let new = NewAccount {
        username: name.into(),
        display_name: name.into(),
        password_hash: "x".into(),
        member,
        must_change_password: false,
        grants,
    };
    let id = s.create_account(&ctx(), new).await.unwrap();
    if let Some(e) = email {
        let version = s.account(id).await.unwrap().version;
        s.set_account_email(&ctx(), id, version, Some(EmailAddress::parse(e).unwrap())).await.unwrap();
    }
    id
}

fn by(account: i64) -> WriteContext {
    WriteContext { account_id: Some(account), ..ctx() }
}

/// The kinds of the account's notices, oldest first.
async fn kinds(s: &dyn Store, account: i64) -> Vec<NoticeKind> {
    let mut items = s.inbox(account, None, false, 200).await.unwrap().items;
    items.reverse();
    items.iter().map(|n| n.kind).collect()
}

async fn events_tell_the_people_they_concern(t: &TestStore) {
    let store = SqlStore::open(t.database().await).await.unwrap().with_mail(true);
    let s: &dyn Store = &store;
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let x = unit(s, Commune, "X", "Đảng bộ xã Xuân", Some(province), d(2000, 1, 1)).await;
    let y = unit(s, Commune, "Y", "Đảng bộ xã Yên", Some(province), d(2000, 1, 1)).await;
    let cell = unit(s, Cell, "X1", "Chi bộ thôn Một", Some(x), d(2000, 1, 1)).await;
    let m = member(s, "Nguyễn Văn An", "nam", "01/01/1970", &cccd(700), cell, d(2010, 1, 5), true).await;

    let grant = |role, unit| vec![Grant { role, unit: Some(unit) }];
    let p_staff = account(s, "p.staff", grant(Role::OrgBoardStaff, province), None, None).await;
    let x_staff = account(s, "x.staff", grant(Role::OrgBoardStaff, x), None, Some("x.staff@xuan.vn")).await;
    let x_leader = account(s, "x.leader", grant(Role::CommitteeLeader, x), None, None).await;
    let x_inspector = account(s, "x.inspector", grant(Role::Inspector, x), None, Some("kt@xuan.vn")).await;
    let y_staff = account(s, "y.staff", grant(Role::OrgBoardStaff, y), None, None).await;
    let secretary = account(s, "x1.secretary", grant(Role::CellSecretary, cell), None, None).await;
    let member_account = account(s, "an.nguyen", vec![Grant { role: Role::Member, unit: None }], Some(m), Some("an@xuan.vn")).await;
    let disabled = account(s, "x.gone", grant(Role::OrgBoardStaff, x), None, Some("gone@xuan.vn")).await;
    let version = s.account(disabled).await.unwrap().version;
    let off = storage::AccountChange { expected_version: version, disabled: Some(true), ..Default::default() };
    s.change_account(&ctx(), disabled, off).await.unwrap();

    // A directive with a task from the province to its communes: each commune's acting staff.
    let draft = Draft {
        kind: DirectiveKind::Plan,
        number: "15-KH/TU".into(),
        title: "Kế hoạch rà soát đảng viên".into(),
        body: "Các đảng ủy xã rà soát.".into(),
        reach: Reach { kinds: vec![Commune], depth: None },
        task: Some(Task { asks: "Báo cáo kết quả".into(), deadline: Deadline::Date(d(2026, 12, 15)) }),
    };
    let directive = s.send_directive(&by(p_staff), province, draft).await.unwrap();
    for who in [x_staff, x_leader, y_staff] {
        assert_eq!(kinds(s, who).await, vec![NoticeKind::DirectiveReceived], "account {who}");
    }
    for who in [p_staff, x_inspector, secretary, member_account, disabled] {
        assert!(kinds(s, who).await.is_empty(), "account {who} is not told");
    }
    let notice = &s.inbox(x_staff, None, false, 10).await.unwrap().items[0];
    assert_eq!(notice.title, "Kế hoạch số 15-KH/TU: Kế hoạch rà soát đảng viên");
    assert_eq!(
        notice.body,
        "Tỉnh ủy gửi Kế hoạch số 15-KH/TU “Kế hoạch rà soát đảng viên” đến Đảng bộ xã Xuân. Hạn báo cáo kết quả: 15/12/2026."
    );
    assert_eq!(notice.link, format!("/directives/{directive}"));

    // Passed on to the chi bộ (its secretary), reminded (the commune's staff), reported done (the
    // province's staff; the one who reports is not told).
    s.pass_on(&by(x_staff), directive, x, Reach { kinds: vec![Cell], depth: None }, Some(d(2026, 12, 10))).await.unwrap();
    assert_eq!(kinds(s, secretary).await, vec![NoticeKind::TaskPassedOn]);
    assert!(s.inbox(secretary, None, false, 10).await.unwrap().items[0].body.ends_with("Hạn báo cáo kết quả: 10/12/2026."));
    s.remind(&by(p_staff), directive, &[x, y]).await.unwrap();
    assert_eq!(kinds(s, y_staff).await, vec![NoticeKind::DirectiveReceived, NoticeKind::TaskReminder]);
    assert_eq!(kinds(s, x_leader).await, vec![NoticeKind::DirectiveReceived, NoticeKind::TaskReminder]);
    let version = s.directive(directive, d(2026, 11, 25)).await.unwrap().receipts.iter().find(|r| r.unit == y).unwrap().version;
    s.record_receipt(&by(y_staff), directive, y, ReceiptStep::Done { report: "Đã rà soát.".into() }, Some(version)).await.unwrap();
    assert_eq!(kinds(s, p_staff).await, vec![NoticeKind::TaskReported]);
    assert_eq!(kinds(s, y_staff).await.len(), 2, "the unit that reports is not told of its own report");

    // A meeting called for a day to come: every member of the chi bộ with an account; one
    // recorded after its day tells nobody; a new day tells again.
    let meeting = |day| MeetingInput {
        kind: MeetingKind::Regular,
        held_on: day,
        starts_at: NaiveTime::from_hms_opt(19, 30, 0).unwrap(),
        length_minutes: None,
        place: "Nhà văn hóa thôn".into(),
        agenda: "Kiểm điểm tháng".into(),
    };
    s.create_meeting(&by(secretary), cell, meeting(d(2026, 10, 5))).await.unwrap();
    assert!(kinds(s, member_account).await.is_empty());
    let called = s.create_meeting(&by(secretary), cell, meeting(d(2026, 12, 5))).await.unwrap();
    assert_eq!(kinds(s, member_account).await, vec![NoticeKind::MeetingCalled]);
    let n = &s.inbox(member_account, None, false, 10).await.unwrap().items[0];
    assert_eq!(n.body, "Chi bộ thôn Một sinh hoạt thường kỳ vào 19:30 ngày 05/12/2026 tại Nhà văn hóa thôn. Nội dung: Kiểm điểm tháng");
    let version = s.meeting(called).await.unwrap().version;
    s.update_meeting(&by(secretary), called, version, MeetingInput { agenda: "Thêm mục".into(), ..meeting(d(2026, 12, 5)) }).await.unwrap();
    assert_eq!(kinds(s, member_account).await.len(), 1, "a new agenda alone is not a change of day, time or place");
    let version = s.meeting(called).await.unwrap().version;
    s.update_meeting(&by(secretary), called, version, meeting(d(2026, 12, 6))).await.unwrap();
    assert_eq!(kinds(s, member_account).await, vec![NoticeKind::MeetingCalled, NoticeKind::MeetingChanged]);

    // Feedback: the addressee's acting staff; the answer to the member who asked.
    let input = FeedbackInput::parse("kien-nghi", "Sửa nhà văn hóa", "Đề nghị hỗ trợ.").unwrap();
    let asked = s.send_feedback(&by(member_account), Sender::Member(m), x, input).await.unwrap();
    assert_eq!(kinds(s, x_leader).await.last(), Some(&NoticeKind::FeedbackReceived));
    assert!(kinds(s, x_inspector).await.is_empty());
    s.answer_feedback(&by(x_leader), asked, 1, "Xã hỗ trợ trong quý I.".into()).await.unwrap();
    assert_eq!(kinds(s, member_account).await.last(), Some(&NoticeKind::FeedbackAnswered));

    // A document for everyone under the province: every account granted there and the members;
    // one for members only: the members alone.
    let for_members = vec!["member".to_owned()];
    let fields = |roles: &'static [String]| DocumentFields {
        kind: "nghi-quyet",
        number: "05-NQ/TU",
        issued_on: "15/03/2026",
        issuer: "Tỉnh ủy",
        title: "Nghị quyết về sinh hoạt chi bộ",
        reach_kinds: &[],
        roles,
        ..Default::default()
    };
    let everyone = DocumentInput::parse(&fields(&[])).unwrap();
    s.create_document(&by(p_staff), province, everyone).await.unwrap();
    for who in [x_staff, x_inspector, y_staff, secretary, member_account] {
        assert_eq!(kinds(s, who).await.last(), Some(&NoticeKind::DocumentPublished), "account {who}");
    }
    assert_ne!(kinds(s, p_staff).await.last(), Some(&NoticeKind::DocumentPublished), "not its author");
    let members_only = DocumentInput::parse(&DocumentFields { roles: &for_members, ..fields(&[]) }).unwrap();
    let count = |v: Vec<NoticeKind>| v.iter().filter(|k| **k == NoticeKind::DocumentPublished).count();
    s.create_document(&by(p_staff), province, members_only).await.unwrap();
    assert_eq!(count(kinds(s, member_account).await), 2);
    assert_eq!(count(kinds(s, x_staff).await), 1, "a document for members is not the staff's");

    // E-mail: queued for the accounts with an address (x.staff, kt, an), never for the disabled.
    let status = s.mail_status().await.unwrap();
    let expected = kinds(s, x_staff).await.len() + kinds(s, x_inspector).await.len() + kinds(s, member_account).await.len();
    assert_eq!((status.pending, status.sent, status.failed), (expected as i64, 0, 0));
}

async fn the_inbox_is_ones_own_and_mail_is_claimed_once(t: &TestStore) {
    let s = t.store.as_ref();
    let one = account(s, "mot", vec![], None, Some("mot@xa.vn")).await;
    let two = account(s, "hai", vec![], None, None).await;
    for i in 0..5 {
        s.announce(&ctx(), &[one], &format!("Thông báo {i}"), "Bảo trì hệ thống tối thứ Bảy.").await.unwrap();
    }
    assert_eq!(s.announce(&ctx(), &[], "Cho mọi người", "").await.unwrap(), 2);
    assert!(matches!(s.announce(&ctx(), &[], "  ", "").await, Err(StoreError::Invalid(_))));
    assert!(matches!(s.announce(&ctx(), &[9999], "Ai?", "").await, Err(StoreError::Invalid(_))));

    // Pages, newest first.
    let first = s.inbox(one, None, false, 4).await.unwrap();
    assert_eq!(first.unread, 6);
    assert_eq!(
        first.items.iter().map(|n| n.title.as_str()).collect::<Vec<_>>(),
        ["Cho mọi người", "Thông báo 4", "Thông báo 3", "Thông báo 2"]
    );
    let rest = s.inbox(one, first.next_before, false, 4).await.unwrap();
    assert_eq!(rest.items.len(), 2);
    assert_eq!(rest.next_before, None);

    // Opening marks read, once; someone else's notice does not exist.
    let newest = first.items[0].id;
    assert!(matches!(s.open_notification(two, first.items[1].id, ctx().now).await, Err(StoreError::NotFound)));
    let opened = s.open_notification(one, first.items[1].id, ctx().now).await.unwrap();
    assert_eq!(opened.read_at, Some(ctx().now));
    let again = s.open_notification(one, first.items[1].id, ctx().now + Duration::hours(1)).await.unwrap();
    assert_eq!(again.read_at, Some(ctx().now), "the first reading stays");
    assert_eq!(s.unread_notifications(one).await.unwrap(), 5);
    assert_eq!(s.inbox(one, None, true, 50).await.unwrap().items.len(), 5);
    assert_eq!(s.mark_notifications_read(one, newest - 1, ctx().now).await.unwrap(), 4, "up to the newest seen");
    assert_eq!(s.unread_notifications(one).await.unwrap(), 1);
    assert_eq!(s.unread_notifications(two).await.unwrap(), 1, "another's inbox is untouched");

    // Mail is off on this store: nothing was queued.
    assert_eq!(s.mail_status().await.unwrap().pending, 0);

    // With mail on, two loops on two stores over one database never claim the same e-mail.
    let a = SqlStore::open(t.database().await).await.unwrap().with_mail(true);
    let b = SqlStore::open(t.database().await).await.unwrap().with_mail(true);
    a.announce(&ctx(), &[one, two], "Có thư", "Nội dung").await.unwrap();
    assert_eq!(a.mail_status().await.unwrap().pending, 1, "only the account with an address");
    let now = ctx().now;
    let (first, second) = tokio::join!(a.claim_mail(now, Duration::minutes(5), 10), b.claim_mail(now, Duration::minutes(5), 10));
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_eq!(first.len() + second.len(), 1, "claimed once: {first:?} {second:?}");
    let item = first.into_iter().chain(second).next().unwrap();
    assert_eq!((item.to.as_str(), item.subject.as_str(), item.attempts), ("mot@xa.vn", "Có thư", 1));
    assert!(b.claim_mail(now, Duration::minutes(5), 10).await.unwrap().is_empty(), "held while claimed");

    // A failure with a retry comes back when due, and again is claimed by one; a success ends it.
    a.mail_failed(item.id, "421 busy", Some(now + Duration::minutes(1))).await.unwrap();
    assert!(a.claim_mail(now, Duration::minutes(5), 10).await.unwrap().is_empty(), "not due yet");
    let retried = b.claim_mail(now + Duration::minutes(2), Duration::minutes(5), 10).await.unwrap();
    assert_eq!(retried.iter().map(|m| m.attempts).collect::<Vec<_>>(), [2]);
    a.mail_sent(item.id, now).await.unwrap();
    let status = a.mail_status().await.unwrap();
    assert_eq!((status.pending, status.sent, status.failed), (0, 1, 0));
    assert!(a.claim_mail(now + Duration::hours(1), Duration::minutes(5), 10).await.unwrap().is_empty());

    // Given up: counted as failed with its error.
    a.announce(&ctx(), &[one], "Lần nữa", "").await.unwrap();
    let again = a.claim_mail(now, Duration::minutes(5), 10).await.unwrap();
    a.mail_failed(again[0].id, "550 no such user", None).await.unwrap();
    let status = a.mail_status().await.unwrap();
    assert_eq!((status.pending, status.sent, status.failed, status.last_error.as_deref()), (0, 1, 1, Some("550 no such user")));

    // The address is version-checked and audited; removing it stops the e-mail.
    let version = s.account(one).await.unwrap().version;
    assert!(matches!(s.set_account_email(&ctx(), one, version - 1, None).await, Err(StoreError::Conflict { .. })));
    s.set_account_email(&ctx(), one, version, None).await.unwrap();
    assert_eq!(s.account(one).await.unwrap().email, None);
    a.announce(&ctx(), &[one], "Không thư", "").await.unwrap();
    assert_eq!(a.mail_status().await.unwrap().pending, 0);
}
