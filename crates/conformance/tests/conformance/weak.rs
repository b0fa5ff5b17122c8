//! Weak organizations on both engines: the indicators found from a year's meetings, admissions
//! and tasks (`domain::weak` with the default thresholds), and a consolidation plan made, tracked
//! and closed, counted for the committee's report; the scoped handle.

use chrono::{NaiveDate, NaiveTime};
use conformance::{TestStore, on_both_engines};
use domain::access::Role;
use domain::directives::{Deadline, DirectiveKind, Draft, Reach, Task};
use domain::ids::UnitId;
use domain::meetings::{MeetingInput, MeetingKind, Presence};
use domain::unit::UnitKind::*;
use domain::weak::WeakReason;
use domain::weak::plan::{Measure, PlanOutcome};
use storage::prelude::*;
use storage::{AttendanceInput, StoreError};

use crate::fixtures::*;

on_both_engines!(weak_organizations_are_found_and_consolidated, weak_plans_follow_the_scope);

struct World {
    commune: UnitId,
    a: UnitId,
    b: UnitId,
}

async fn world(s: &dyn Store) -> World {
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã Xuân", Some(province), d(2000, 1, 1)).await;
    let a = unit(s, GrassrootsCell, "XA", "Chi bộ thôn An", Some(commune), d(2000, 1, 1)).await;
    let b = unit(s, GrassrootsCell, "XB", "Chi bộ thôn Bình", Some(commune), d(2000, 1, 1)).await;
    for (i, cell) in [a, a, b, b].into_iter().enumerate() {
        member(
            s,
            &format!("Đảng viên Số {}", ["Một", "Hai", "Ba", "Bốn"][i]),
            "nam",
            "01/01/1970",
            &cccd(400 + i as u32),
            cell,
            d(2010, 1, 5),
            true,
        )
        .await;
    }
    // A admitted someone last year.
    member(s, "Đảng viên Mới", "nu", "01/01/1995", &cccd(410), a, d(2025, 6, 1), false).await;
    // A meets every month with everyone present; a thematic meeting each quarter.
    for month in 1..=11 {
        let kind = if month % 3 == 0 { MeetingKind::Combined } else { MeetingKind::Regular };
        let input = MeetingInput {
            kind,
            held_on: d(2026, month, 5),
            starts_at: NaiveTime::from_hms_opt(19, 30, 0).unwrap(),
            length_minutes: Some(120),
            place: "Nhà văn hóa".into(),
            agenda: "Sinh hoạt.".into(),
        };
        let id = s.create_meeting(&ctx(), a, input).await.unwrap();
        let view = s.meeting(id).await.unwrap();
        let rows =
            view.attendance.iter().map(|x| AttendanceInput { member: x.member, presence: Presence::Present, reason: None }).collect();
        s.record_attendance(&ctx(), id, view.version, rows).await.unwrap();
    }
    // Three tasks sent to the chi bộ in March; A reports them, B never does.
    for n in 1..=3 {
        let draft = Draft {
            kind: DirectiveKind::Letter,
            number: format!("{n}-CV/ĐU"),
            title: "Báo cáo".into(),
            body: "Đề nghị báo cáo.".into(),
            reach: Reach { kinds: vec![GrassrootsCell], depth: None },
            task: Some(Task { asks: "Báo cáo".into(), deadline: Deadline::WorkingDays(5) }),
        };
        let id = s.send_directive(&at(d(2026, 3, 2)), commune, draft).await.unwrap();
        s.record_receipt(&at(d(2026, 3, 4)), id, a, storage::ReceiptStep::Done { report: "Xong.".into() }, Some(1)).await.unwrap();
    }
    World { commune, a, b }
}

fn measure(text: &str, due: NaiveDate) -> Measure {
    Measure { text: text.into(), responsible: "Đồng chí Bí thư Đảng ủy xã".into(), due, done: None, note: None }
}

async fn weak_organizations_are_found_and_consolidated(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let today = d(2026, 12, 3);
    let report = s.weak_organizations(w.commune, 2026, today).await.unwrap();
    assert_eq!(report.organizations, 2);
    assert_eq!(report.rows.len(), 1, "A is fine: {:?}", report.rows);
    let b = &report.rows[0];
    assert_eq!(b.unit, w.b);
    let reasons: Vec<WeakReason> = b.findings.iter().map(|f| f.reason).collect();
    assert_eq!(reasons, vec![WeakReason::MissedMeetings, WeakReason::NoThematic, WeakReason::NoAdmission, WeakReason::LateTasks]);
    assert!(b.findings[0].detail.starts_with("11 tháng"), "{}", b.findings[0].detail);

    // A plan for B: not for the commune, once a year; measures done, then consolidated.
    let due = d(2026, 12, 31);
    assert_eq!(codes(s.create_plan(&ctx(), w.commune, 2026, vec![measure("Kiện toàn", due)]).await.unwrap_err()), vec!["not_grassroots"]);
    let id = s
        .create_plan(&at(today), w.b, 2026, vec![measure("Kiện toàn cấp ủy chi bộ", due), measure("Duy trì sinh hoạt hằng tháng", due)])
        .await
        .unwrap();
    assert_eq!(codes(s.create_plan(&at(today), w.b, 2026, vec![measure("Lần hai", due)]).await.unwrap_err()), vec!["duplicate"]);
    let plan = s.plan(id, today).await.unwrap();
    assert_eq!(plan.reasons.len(), 4, "the reasons found when it was made");
    assert_eq!((plan.measures.len(), plan.version), (2, 1));
    s.complete_measure(&at(today), id, 1, 1, "Đã bầu bổ sung bí thư").await.unwrap();
    assert!(matches!(s.complete_measure(&at(today), id, 1, 2, "").await, Err(StoreError::Conflict { current: 2 })));
    let early = s.close_plan(&at(today), id, 2, PlanOutcome::Consolidated, None).await.unwrap_err();
    assert_eq!(codes(early), vec!["measures_open"]);
    s.complete_measure(&at(today), id, 2, 2, "").await.unwrap();
    s.close_plan(&at(today), id, 3, PlanOutcome::Consolidated, Some("Chi bộ đã sinh hoạt đều".into())).await.unwrap();
    assert_eq!(codes(s.complete_measure(&at(today), id, 4, 1, "").await.unwrap_err()), vec!["closed"]);
    let report = s.weak_organizations(w.commune, 2026, today).await.unwrap();
    assert_eq!((report.consolidated, report.plans_open), (1, 0));
    assert_eq!(report.rows[0].plan.as_ref().map(|p| (p.measures, p.done)), Some((2, 2)));
    assert!(report.rows.iter().all(|r| r.unit != w.a));
}

async fn weak_plans_follow_the_scope(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let leader = access(&t.store, &[(Role::CommitteeLeader, Some(w.commune))]);
    let secretary = access(&t.store, &[(Role::CellSecretary, Some(w.a))]);
    let stranger_cell = access(&t.store, &[(Role::OrgBoardStaff, Some(w.a))]);
    let due = d(2026, 12, 31);
    let id = leader.weak().unwrap().create_plan(w.b, 2026, vec![measure("Kiện toàn", due)]).await.unwrap();
    assert!(matches!(secretary.weak().unwrap().create_plan(w.a, 2026, vec![measure("Kiện toàn", due)]).await, Err(StoreError::Forbidden)));
    assert!(matches!(stranger_cell.weak().unwrap().plan(id).await, Err(StoreError::NotFound)));
    assert!(matches!(secretary.weak().unwrap().report(w.commune, 2026).await, Err(StoreError::NotFound)));
    assert_eq!(secretary.weak().unwrap().report(w.a, 2026).await.unwrap().organizations, 1);
    leader.weak().unwrap().complete_measure(id, 1, 1, "").await.unwrap();
}
