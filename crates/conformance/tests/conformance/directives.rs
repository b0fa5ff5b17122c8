//! Directives down the tree on both engines: who a directive reaches, the receivers' steps with
//! version checks, passing a task on inside a unit, statuses on later days (late, done late),
//! reminders, the lists, every write audited, and the scoped handle's checks (who acts for which
//! unit, who reads which receipts, who may remind).

use chrono::{NaiveDate, TimeZone, Utc};
use conformance::{TestStore, on_both_engines};
use domain::access::Role;
use domain::directives::{Deadline, DirectiveKind, Draft, Reach, Task, TaskStatus};
use domain::ids::UnitId;
use domain::unit::UnitKind::*;
use storage::prelude::*;
use storage::{AuditQuery, ReceiptStep, StoreError, WriteContext};

use crate::fixtures::*;

on_both_engines!(directives_reach_and_track_their_receivers, directives_follow_the_scope, files_go_with_the_directive_or_its_report);

struct World {
    province: UnitId,
    a: UnitId,
    b: UnitId,
    c: UnitId,
    cell_a1: UnitId,
    cell_a2: UnitId,
}

async fn world(s: &dyn Store) -> World {
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let a = unit(s, Commune, "XA", "Đảng bộ xã An", Some(province), d(2000, 1, 1)).await;
    let b = unit(s, Commune, "XB", "Đảng bộ xã Bình", Some(province), d(2000, 1, 1)).await;
    let c = unit(s, Commune, "XC", "Đảng bộ xã Cường", Some(province), d(2000, 1, 1)).await;
    let cell_a1 = unit(s, Cell, "CA1", "Chi bộ thôn An Một", Some(a), d(2000, 1, 1)).await;
    let cell_a2 = unit(s, Cell, "CA2", "Chi bộ thôn An Hai", Some(a), d(2000, 1, 1)).await;
    unit(s, Cell, "CB1", "Chi bộ thôn Bình Một", Some(b), d(2000, 1, 1)).await;
    World { province, a, b, c, cell_a1, cell_a2 }
}

fn draft(kinds: Vec<domain::unit::UnitKind>, task: Option<Deadline>) -> Draft {
    Draft {
        kind: DirectiveKind::Plan,
        number: "15-KH/TU".into(),
        title: "Kế hoạch rà soát công tác phát triển đảng viên".into(),
        body: "Các đảng ủy xã rà soát và báo cáo.".into(),
        reach: Reach { kinds, depth: None },
        task: task.map(|deadline| Task { asks: "Báo cáo kết quả rà soát".into(), deadline }),
    }
}

/// A write on a given day (10:00 in Hà Nội).
fn on(day: NaiveDate) -> WriteContext {
    let now = Utc.from_utc_datetime(&day.and_hms_opt(3, 0, 0).unwrap());
    WriteContext::new("tester", now)
}

fn status_of(detail: &storage::DirectiveDetail, unit: UnitId) -> TaskStatus {
    detail.receipts.iter().find(|r| r.unit == unit).map(|r| r.status).unwrap()
}

fn count(detail: &storage::DirectiveDetail, status: TaskStatus) -> u32 {
    detail.tally.counts.iter().find(|c| c.status == status).map(|c| c.count).unwrap()
}

async fn directives_reach_and_track_their_receivers(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let sent = d(2026, 11, 25);
    // To the communes, ten working days: 26–27/11, 30/11–4/12, 7–9/12 → 9/12/2026.
    let id = s.send_directive(&ctx(), w.province, draft(vec![Commune], Some(Deadline::WorkingDays(10)))).await.unwrap();
    let detail = s.directive(id, sent).await.unwrap();
    assert_eq!(detail.directive.task.as_ref().unwrap().due_on, d(2026, 12, 9));
    let units: Vec<UnitId> = detail.receipts.iter().map(|r| r.unit).collect();
    assert_eq!(units, vec![w.a, w.b, w.c], "the communes, by name");
    assert_eq!((count(&detail, TaskStatus::NotOpened), detail.tally.receivers, detail.tally.done), (3, 3, 0));
    // A reach that picks nothing is refused; so is a sender that does not stand.
    let none = s.send_directive(&ctx(), w.cell_a1, draft(vec![], None)).await.unwrap_err();
    assert_eq!(codes(none), vec!["none"]);
    let deep = Draft { reach: Reach { kinds: vec![Cell], depth: Some(1) }, ..draft(vec![], None) };
    assert_eq!(codes(s.send_directive(&ctx(), w.province, deep).await.unwrap_err()), vec!["none"]);

    // A opens it (once, no version needed), starts it; a stale version conflicts.
    s.record_receipt(&on(sent), id, w.a, ReceiptStep::Open, None).await.unwrap();
    s.record_receipt(&on(d(2026, 11, 26)), id, w.a, ReceiptStep::Open, None).await.unwrap();
    let a = s.directive(id, sent).await.unwrap().receipts.into_iter().find(|r| r.unit == w.a).unwrap();
    assert_eq!((a.opened_on, a.version, a.status), (Some(sent), 2, TaskStatus::Opened));
    let stale = s.record_receipt(&on(d(2026, 11, 26)), id, w.a, ReceiptStep::Start, Some(1)).await;
    assert!(matches!(stale, Err(StoreError::Conflict { current: 2 })), "{stale:?}");
    s.record_receipt(&on(d(2026, 11, 26)), id, w.a, ReceiptStep::Start, Some(2)).await.unwrap();
    // B reports done at once: opened and started the same day.
    let report = ReceiptStep::Done { report: "Đã rà soát 12 chi bộ.".into() };
    s.record_receipt(&on(d(2026, 11, 27)), id, w.b, report.clone(), Some(1)).await.unwrap();
    let again = s.record_receipt(&on(d(2026, 11, 27)), id, w.b, report.clone(), Some(2)).await.unwrap_err();
    assert_eq!(codes(again), vec!["already"]);
    // A unit that is not a receiver has no receipt.
    assert!(matches!(s.record_receipt(&ctx(), id, w.cell_a1, ReceiptStep::Open, None).await, Err(StoreError::NotFound)));

    // A passes the task on to its chi bộ with an earlier last day; not after its own.
    let late = s.pass_on(&on(d(2026, 11, 27)), id, w.a, Reach { kinds: vec![Cell], depth: None }, Some(d(2026, 12, 10))).await;
    assert_eq!(codes(late.unwrap_err()), vec!["after_due"]);
    let passed = s.pass_on(&on(d(2026, 11, 27)), id, w.a, Reach { kinds: vec![Cell], depth: None }, Some(d(2026, 12, 2))).await;
    assert_eq!(passed.unwrap(), 2);
    let twice = s.pass_on(&on(d(2026, 11, 27)), id, w.a, Reach::default(), None).await.unwrap_err();
    assert_eq!(codes(twice), vec!["none"]);
    s.record_receipt(&on(d(2026, 12, 1)), id, w.cell_a1, ReceiptStep::Done { report: "Xong.".into() }, Some(1)).await.unwrap();

    // On 27/11: A in progress (2 passed on, 1 done), B done, C not opened; the chi bộ follow A.
    let now = s.directive(id, d(2026, 11, 27)).await.unwrap();
    let order: Vec<UnitId> = now.receipts.iter().map(|r| r.unit).collect();
    assert_eq!(order, vec![w.a, w.cell_a2, w.cell_a1, w.b, w.c], "each unit followed by those it passed the task on to");
    let a = now.receipts.iter().find(|r| r.unit == w.a).unwrap();
    assert_eq!((a.status, a.passed_on, a.passed_on_done), (TaskStatus::InProgress, 2, 1));
    assert_eq!((status_of(&now, w.b), status_of(&now, w.c)), (TaskStatus::Done, TaskStatus::NotOpened));
    assert_eq!((now.tally.receivers, now.tally.done), (3, 1), "the sender counts the units it reached");
    // On 3/12 the chi bộ not done is late (its own last day, 2/12); on 10/12, A and C are late.
    let later = s.directive(id, d(2026, 12, 3)).await.unwrap();
    assert_eq!((status_of(&later, w.cell_a2), status_of(&later, w.a)), (TaskStatus::Late, TaskStatus::InProgress));
    let after = s.directive(id, d(2026, 12, 10)).await.unwrap();
    assert_eq!(
        (status_of(&after, w.a), status_of(&after, w.c), status_of(&after, w.b)),
        (TaskStatus::Late, TaskStatus::Late, TaskStatus::Done)
    );
    assert_eq!(count(&after, TaskStatus::Late), 2);
    // C reports on 11/12: done late.
    s.record_receipt(&on(d(2026, 12, 11)), id, w.c, ReceiptStep::Done { report: "Báo cáo muộn.".into() }, Some(1)).await.unwrap();
    assert_eq!(status_of(&s.directive(id, d(2026, 12, 11)).await.unwrap(), w.c), TaskStatus::DoneLate);

    // Reminders: only receivers, only those not done.
    assert_eq!(s.remind(&on(d(2026, 12, 10)), id, &[w.a, w.b]).await.unwrap(), 1);
    let a = s.directive(id, d(2026, 12, 10)).await.unwrap().receipts.into_iter().find(|r| r.unit == w.a).unwrap();
    assert_eq!((a.reminded_on, a.reminders), (Some(d(2026, 12, 10)), 1));
    assert_eq!(codes(s.remind(&ctx(), id, &[w.b]).await.unwrap_err()), vec!["all_done"]);
    assert_eq!(codes(s.remind(&ctx(), id, &[w.province]).await.unwrap_err()), vec!["not_receiver"]);

    // For information: nothing to start or report.
    let info = s.send_directive(&ctx(), w.province, draft(vec![Commune], None)).await.unwrap();
    assert_eq!(codes(s.record_receipt(&ctx(), info, w.a, ReceiptStep::Start, Some(1)).await.unwrap_err()), vec!["no_task"]);

    // The lists: the sender's with its count, the receiver's with its receipt, what is open.
    let sent_list = s.directives_sent(w.province, 2026, d(2026, 12, 11)).await.unwrap();
    assert_eq!(sent_list.iter().map(|i| i.directive.id).collect::<Vec<_>>(), vec![info, id]);
    assert_eq!((sent_list[1].tally.receivers, sent_list[1].tally.done), (3, 2));
    assert!(s.directives_sent(w.province, 2025, d(2026, 12, 11)).await.unwrap().is_empty());
    let received = s.directives_received(w.cell_a2, 2026, d(2026, 12, 11)).await.unwrap();
    assert_eq!((received.len(), received[0].receipt.status, received[0].receipt.via), (1, TaskStatus::Late, Some(w.a)));
    let open: Vec<i64> = s.directives_open(w.a, d(2026, 12, 11)).await.unwrap().iter().map(|i| i.directive.id).collect();
    assert_eq!(open, vec![id, info], "A's task is not done, the information not opened");
    assert!(s.directives_open(w.b, d(2026, 12, 11)).await.unwrap().iter().all(|i| i.directive.id == info));

    let q = AuditQuery { action: Some("directive.".into()), limit: 100, ..AuditQuery::default() };
    let mut actions: Vec<String> = s.audit_entries(&q).await.unwrap().into_iter().map(|e| e.action).collect();
    actions.sort();
    actions.dedup();
    assert_eq!(
        actions,
        ["directive.open", "directive.pass_on", "directive.remind", "directive.report", "directive.send", "directive.start"]
    );
}

async fn directives_follow_the_scope(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let province_staff = access(&t.store, &[(Role::OrgBoardStaff, Some(w.province))]);
    let a_staff = access(&t.store, &[(Role::OrgBoardStaff, Some(w.a))]);
    let inspector = access(&t.store, &[(Role::Inspector, Some(w.province))]);
    let secretary = access(&t.store, &[(Role::CellSecretary, Some(w.cell_a1))]);
    let c_staff = access(&t.store, &[(Role::OrgBoardStaff, Some(w.c))]);

    // Sending: from one's own committee only.
    let desk = province_staff.directives().unwrap();
    let id = desk.send(w.province, draft(vec![Commune, Cell], Some(Deadline::WorkingDays(10)))).await.unwrap();
    assert!(matches!(desk.send(w.a, draft(vec![Cell], None)).await, Err(StoreError::Forbidden)), "a unit under, not one's own");
    assert!(matches!(a_staff.directives().unwrap().send(w.province, draft(vec![], None)).await, Err(StoreError::NotFound)));
    assert!(matches!(inspector.directives().unwrap().send(w.province, draft(vec![], None)).await, Err(StoreError::Forbidden)));

    // The province's staff read every receipt and open nothing on the communes' behalf.
    let sight = desk.open(id).await.unwrap();
    assert!(sight.sees_all && sight.acts_for.is_empty());
    assert_eq!(sight.detail.receipts.len(), 6, "three communes and three chi bộ");
    assert!(sight.detail.receipts.iter().all(|r| r.opened_on.is_none()));
    assert_eq!(sight.may_remind.len(), 6);

    // A's staff read A's receipt and those under A, and opening records A's opening.
    let a_desk = a_staff.directives().unwrap();
    let sight = a_desk.open(id).await.unwrap();
    assert!(!sight.sees_all);
    assert_eq!(sight.acts_for, vec![w.a]);
    let seen: Vec<UnitId> = sight.detail.receipts.iter().map(|r| r.unit).collect();
    assert_eq!(seen, vec![w.cell_a2, w.cell_a1, w.a], "by name");
    assert_eq!(sight.detail.tally.receivers, 3);
    let opened: Vec<UnitId> = sight.detail.receipts.iter().filter(|r| r.opened_on == Some(d(2026, 11, 25))).map(|r| r.unit).collect();
    assert_eq!(opened, vec![w.a]);
    assert!(sight.may_remind.is_empty(), "A did not send it and passed nothing on");
    // A acts for A only: not for B (not readable), not for its chi bộ (readable, not its own).
    assert!(matches!(a_desk.record(id, w.b, ReceiptStep::Start, Some(1)).await, Err(StoreError::Forbidden)));
    assert!(matches!(a_desk.record(id, w.cell_a1, ReceiptStep::Start, Some(1)).await, Err(StoreError::Forbidden)));
    a_desk.record(id, w.a, ReceiptStep::Start, Some(2)).await.unwrap();
    assert!(matches!(a_desk.remind(id, &[w.a]).await, Err(StoreError::Forbidden)));
    assert!(matches!(a_desk.remind(id, &[w.b]).await, Err(StoreError::Invalid(_))), "B is not among what A reads");

    // The chi bộ secretary reports for the chi bộ; the sender may remind; the inspector may not.
    let sec = secretary.directives().unwrap();
    let mine = sec.open(id).await.unwrap();
    assert_eq!(mine.detail.receipts.iter().map(|r| r.unit).collect::<Vec<_>>(), vec![w.cell_a1]);
    sec.record(id, w.cell_a1, ReceiptStep::Done { report: "Xong.".into() }, Some(2)).await.unwrap();
    assert!(inspector.directives().unwrap().open(id).await.unwrap().may_remind.is_empty());
    assert!(matches!(inspector.directives().unwrap().remind(id, &[w.c]).await, Err(StoreError::Forbidden)));
    assert_eq!(desk.remind(id, &[w.c, w.cell_a2]).await.unwrap(), 2);

    // A directive to the communes alone is not C's chi bộ's; to C's staff, B's list is not readable.
    let to_communes = desk.send(w.province, draft(vec![Commune], None)).await.unwrap();
    assert!(matches!(sec.open(to_communes).await, Err(StoreError::NotFound)));
    assert!(matches!(c_staff.directives().unwrap().received(w.b, 2026).await, Err(StoreError::NotFound)));
    let c_list = c_staff.directives().unwrap().received(w.c, 2026).await.unwrap();
    assert_eq!(c_list.len(), 2);
    let to_do: Vec<i64> = c_staff.directives().unwrap().to_do().await.unwrap().iter().map(|i| i.directive.id).collect();
    assert_eq!(to_do, vec![id, to_communes], "the task by its last day, then what is only to read");
    assert!(matches!(c_staff.directives().unwrap().open(99_999).await, Err(StoreError::NotFound)));
}

async fn files_go_with_the_directive_or_its_report(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let province_staff = access(&t.store, &[(Role::OrgBoardStaff, Some(w.province))]);
    let a_staff = access(&t.store, &[(Role::OrgBoardStaff, Some(w.a))]);
    let b_staff = access(&t.store, &[(Role::OrgBoardStaff, Some(w.b))]);
    let desk = province_staff.directives().unwrap();
    let id = desk.send(w.province, draft(vec![Commune], Some(Deadline::WorkingDays(10)))).await.unwrap();
    let pdf = b"%PDF-1.7 Phu luc".to_vec();

    // The sender's annex: only its staff add it; every receiver reads it.
    let annex = desk.attach(id, None, "Phụ lục kế hoạch.pdf", "application/pdf", &pdf).await.unwrap();
    assert!(matches!(a_staff.directives().unwrap().attach(id, None, "x.pdf", "application/pdf", &pdf).await, Err(StoreError::Forbidden)));
    let (view, bytes) = b_staff.directives().unwrap().file(annex).await.unwrap();
    assert_eq!((view.name.as_str(), view.unit, bytes), ("Phụ lục kế hoạch.pdf", None, pdf.clone()));

    // A's report file: A's staff add it; the sender reads it, B does not (nor does B add to A's).
    let a_desk = a_staff.directives().unwrap();
    let report = a_desk.attach(id, Some(w.a), "Báo cáo rà soát xã An.pdf", "application/pdf", &pdf).await.unwrap();
    assert!(matches!(
        b_staff.directives().unwrap().attach(id, Some(w.a), "x.pdf", "application/pdf", &pdf).await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(b_staff.directives().unwrap().file(report).await, Err(StoreError::NotFound)));
    assert_eq!(desk.file(report).await.unwrap().0.unit, Some(w.a));
    let seen_by_b: Vec<Option<UnitId>> =
        b_staff.directives().unwrap().open(id).await.unwrap().detail.files.iter().map(|f| f.unit).collect();
    assert_eq!(seen_by_b, vec![None], "the annex, not A's report file");
    let seen_by_sender = desk.open(id).await.unwrap().detail.files.len();
    assert_eq!(seen_by_sender, 2);
    // Not a receiver: nothing to attach to.
    assert!(matches!(
        desk.attach(id, Some(w.cell_a1), "x.pdf", "application/pdf", &pdf).await,
        Err(StoreError::NotFound | StoreError::Forbidden)
    ));

    // Twenty files at most for each side; the audit trail names each.
    for i in 1..20 {
        a_desk.attach(id, Some(w.a), &format!("tep-{i}.pdf"), "application/pdf", &pdf).await.unwrap();
    }
    let refused = a_desk.attach(id, Some(w.a), "tep-21.pdf", "application/pdf", &pdf).await.unwrap_err();
    assert_eq!(codes(refused), vec!["too_many"]);
    desk.attach(id, None, "Phụ lục 2.pdf", "application/pdf", &pdf).await.unwrap();
    let trail = s.audit_entries(&AuditQuery { action: Some("directive.attach".into()), limit: 100, ..Default::default() }).await.unwrap();
    assert_eq!(trail.len(), 22);

    // A directive for information has no report to attach to.
    let info = desk.send(w.province, draft(vec![Commune], None)).await.unwrap();
    let refused = a_desk.attach(info, Some(w.a), "x.pdf", "application/pdf", &pdf).await.unwrap_err();
    assert_eq!(codes(refused), vec!["no_task"]);
}
