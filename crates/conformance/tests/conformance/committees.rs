//! A unit's committee (cấp ủy): who may be seated, one seat at a time and one secretary, seats
//! that end; the committee's and the standing committee's meetings summon the seats held on the
//! day, and their absences are no absence from a chi bộ.

use chrono::{NaiveDate, NaiveTime};
use conformance::{TestStore, on_both_engines};
use domain::committees::{SeatInput, SeatRole};
use domain::ids::{MemberId, UnitId};
use domain::meetings::{MeetingInput, MeetingKind, Presence};
use domain::unit::UnitKind::*;
use storage::prelude::*;
use storage::{AttendanceInput, StoreError};

use crate::fixtures::*;

on_both_engines!(seats_follow_the_rules, committee_meetings_summon_the_seats);

fn seat(member: MemberId, role: SeatRole, from: NaiveDate) -> SeatInput {
    SeatInput {
        member, role, from, until: None, basis: "Kết quả bầu tại Đại hội Đảng bộ xã, nhiệm kỳ 2025–2030".into()
    }
}

fn meeting(kind: MeetingKind, on: NaiveDate) -> MeetingInput {
    MeetingInput {
        kind,
        held_on: on,
        starts_at: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        length_minutes: Some(120),
        place: "Trụ sở Đảng ủy xã".into(),
        agenda: "Lãnh đạo nhiệm vụ tháng.".into(),
    }
}

struct World {
    commune: UnitId,
    cell: UnitId,
    /// Official members of the cell (admitted 2010).
    officials: Vec<MemberId>,
    /// Admitted June 2025, still probationary in 2026.
    probationary: MemberId,
    /// An official member of another commune.
    elsewhere: MemberId,
}

async fn world(s: &dyn Store) -> World {
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã Xuân", Some(province), d(2000, 1, 1)).await;
    let cell = unit(s, GrassrootsCell, "XA", "Chi bộ thôn An", Some(commune), d(2000, 1, 1)).await;
    let other = unit(s, Commune, "Y", "Đảng bộ xã Yên", Some(province), d(2000, 1, 1)).await;
    let other_cell = unit(s, GrassrootsCell, "YA", "Chi bộ thôn Yên", Some(other), d(2000, 1, 1)).await;
    let mut officials = Vec::new();
    for (i, name) in ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"].into_iter().enumerate()
    {
        officials.push(member(s, name, "nam", "01/01/1970", &cccd(400 + i as u32), cell, d(2010, 1, 5), true).await);
    }
    let probationary = member(s, "Vũ Thị Giang", "nu", "01/01/1995", &cccd(420), cell, d(2025, 6, 1), false).await;
    let elsewhere = member(s, "Đỗ Văn Hải", "nam", "01/01/1975", &cccd(421), other_cell, d(2010, 1, 5), true).await;
    World { commune, cell, officials, probationary, elsewhere }
}

async fn seats_follow_the_rules(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let o = &w.officials;
    let from = d(2025, 7, 1);
    let c = at(d(2026, 1, 10));
    let secretary = s.add_seat(&c, w.commune, seat(o[0], SeatRole::Secretary, from)).await.unwrap();
    s.add_seat(&c, w.commune, seat(o[1], SeatRole::DeputySecretary, from)).await.unwrap();
    let standing = s.add_seat(&c, w.commune, seat(o[2], SeatRole::StandingMember, from)).await.unwrap();
    s.add_seat(&c, w.commune, seat(o[3], SeatRole::Member, from)).await.unwrap();

    // Who may not be seated, and why.
    let (c, commune) = (&c, w.commune);
    let refused = |member, role, on| async move { codes(s.add_seat(c, commune, seat(member, role, on)).await.unwrap_err()) };
    assert_eq!(refused(w.elsewhere, SeatRole::Member, from).await, vec!["not_official"], "a member of another commune");
    assert_eq!(refused(w.probationary, SeatRole::Member, from).await, vec!["not_official"], "a probationary member");
    assert_eq!(refused(o[0], SeatRole::Member, d(2026, 1, 1)).await, vec!["seated"]);
    assert_eq!(refused(o[4], SeatRole::Secretary, d(2026, 1, 1)).await, vec!["secretary_taken"]);
    assert_eq!(refused(o[4], SeatRole::Member, d(1990, 1, 1)).await, vec!["unit_not_standing"]);
    let cell_standing = s.add_seat(c, w.cell, seat(o[4], SeatRole::StandingMember, from)).await.unwrap_err();
    assert_eq!(codes(cell_standing), vec!["not_in_unit"], "a chi bộ has no standing committee");
    // The same member may sit on the committee of their chi bộ too.
    s.add_seat(c, w.cell, seat(o[0], SeatRole::Secretary, from)).await.unwrap();

    let view = s.committee(w.commune, d(2026, 1, 10)).await.unwrap();
    let roles: Vec<(MemberId, SeatRole)> = view.seated.iter().map(|v| (v.member, v.role)).collect();
    assert_eq!(
        roles,
        vec![(o[0], SeatRole::Secretary), (o[1], SeatRole::DeputySecretary), (o[2], SeatRole::StandingMember), (o[3], SeatRole::Member)]
    );
    assert_eq!(view.roles, SeatRole::ALL.to_vec());
    assert!(view.others.is_empty() && view.seated[0].full_name == "Nguyễn Văn An");
    assert!(s.committee(w.commune, d(2025, 6, 30)).await.unwrap().seated.is_empty(), "before the term");

    // A seat ends once, after it began, at the version read.
    let version = s.committee(w.commune, d(2026, 1, 10)).await.unwrap().seated[2].version;
    let early = s.end_seat(c, standing, version, from, "Nghỉ hưu".into()).await.unwrap_err();
    assert_eq!(codes(early), vec!["before_start"]);
    s.end_seat(c, standing, version, d(2026, 3, 1), "Quyết định 45-QĐ/TU: nghỉ hưu".into()).await.unwrap();
    assert!(matches!(s.end_seat(c, standing, version, d(2026, 4, 1), "x".into()).await, Err(StoreError::Conflict { .. })));
    assert_eq!(codes(s.end_seat(c, standing, version + 1, d(2026, 4, 1), "x".into()).await.unwrap_err()), vec!["ended"]);
    let view = s.committee(w.commune, d(2026, 3, 1)).await.unwrap();
    assert_eq!(view.seated.len(), 3);
    assert_eq!(view.others[0].until, Some(d(2026, 3, 1)));
    assert_eq!(view.others[0].end_basis.as_deref(), Some("Quyết định 45-QĐ/TU: nghỉ hưu"));
    // The secretary of the past term, entered afterwards with its end.
    let past = SeatInput { until: Some(from), ..seat(o[4], SeatRole::Secretary, d(2020, 7, 1)) };
    let past = s.add_seat(c, w.commune, past).await.unwrap();
    assert_eq!(s.committee(w.commune, d(2021, 1, 1)).await.unwrap().seated[0].member, o[4]);
    // Entered by mistake, it is removed (at the version read), and the removal audited.
    assert!(matches!(s.remove_seat(c, past, 2, "Ghi nhầm".into()).await, Err(StoreError::Conflict { current: 1 })));
    s.remove_seat(c, past, 1, "Ghi nhầm người".into()).await.unwrap();
    assert!(s.committee(w.commune, d(2021, 1, 1)).await.unwrap().seated.is_empty());
    assert!(matches!(s.remove_seat(c, past, 1, "x".into()).await, Err(StoreError::NotFound)));
    // A chi bộ of five official members elects no chi ủy.
    assert_eq!(codes(s.add_seat(c, w.cell, seat(o[1], SeatRole::Member, from)).await.unwrap_err()), vec!["no_chi_uy"]);
    assert_eq!(s.committee(w.cell, from).await.unwrap().seated[0].role_label, "Bí thư");
    // The member who left may be seated again from the day they left.
    s.add_seat(c, w.commune, seat(o[2], SeatRole::Member, d(2026, 3, 1))).await.unwrap();
    let seats = s.member_seats(o[0]).await.unwrap();
    assert_eq!(seats.iter().map(|v| v.unit).collect::<Vec<_>>(), vec![w.commune, w.cell]);
    assert!(matches!(s.seat_unit(secretary).await, Ok(u) if u == w.commune));
    assert!(matches!(s.seat_unit(999_999).await, Err(StoreError::NotFound)));
    // Every change is audited.
    let audit =
        s.audit_entries(&storage::AuditQuery { action: Some("committee.".into()), limit: 100, ..Default::default() }).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.action == "committee.seat_end").count(), 1);
    assert_eq!(audit.iter().filter(|e| e.action == "committee.seat_add").count(), 7);
    let removed: Vec<_> = audit.iter().filter(|e| e.action == "committee.seat_remove").collect();
    assert_eq!(removed.len(), 1);
    assert!(removed[0].details.contains("Ghi nhầm người"), "{}", removed[0].details);
}

async fn committee_meetings_summon_the_seats(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let o = &w.officials;
    let c = at(d(2026, 1, 2));
    // Nobody seated yet: a committee meeting has no one to summon.
    let none = s.create_meeting(&c, w.commune, meeting(MeetingKind::Committee, d(2026, 1, 15))).await.unwrap_err();
    assert_eq!(codes(none), vec!["no_seats"]);
    for (m, role) in [(o[0], SeatRole::Secretary), (o[1], SeatRole::DeputySecretary), (o[2], SeatRole::Member), (o[3], SeatRole::Member)] {
        s.add_seat(&c, w.commune, seat(m, role, d(2025, 7, 1))).await.unwrap();
    }
    assert_eq!(s.meeting_roll(w.commune, MeetingKind::Committee, d(2026, 1, 15)).await.unwrap(), o[..4].to_vec());
    assert_eq!(s.meeting_roll(w.commune, MeetingKind::Standing, d(2026, 1, 15)).await.unwrap(), o[..2].to_vec());
    assert!(s.meeting_roll(w.cell, MeetingKind::Regular, d(2026, 1, 15)).await.unwrap().contains(&o[4]), "the chi bộ: its members");

    // The commune's committee meets: its roll is the seats.
    let id = s.create_meeting(&c, w.commune, meeting(MeetingKind::Committee, d(2026, 1, 15))).await.unwrap();
    let view = s.meeting(id).await.unwrap();
    assert_eq!(view.attendance.iter().map(|a| a.member).collect::<Vec<_>>(), o[..4].to_vec(), "the roll is the seats");
    let present = |m: &MemberId| AttendanceInput { member: *m, presence: Presence::Present, reason: None };
    let mut wrong: Vec<AttendanceInput> = o[..4].iter().map(present).collect();
    wrong.push(present(&o[4]));
    let e = s.record_attendance(&at(d(2026, 1, 15)), id, view.version, wrong).await.unwrap_err();
    assert_eq!(codes(e), vec!["not_on_roll"], "someone not seated");
    s.record_attendance(&at(d(2026, 1, 15)), id, view.version, o[..4].iter().map(present).collect()).await.unwrap();
    // Once recorded, it cannot become a meeting summoning others.
    let version = s.meeting(id).await.unwrap().version;
    let e = s.update_meeting(&c, id, version, meeting(MeetingKind::Standing, d(2026, 1, 15))).await.unwrap_err();
    assert_eq!(codes(e), vec!["attendance_recorded"]);

    // The chi bộ's committee (its secretary and deputy) meets three months running, the deputy absent without reason:
    // no absence from the chi bộ (no strike-off alert), no chi bộ meeting in the report.
    s.add_seat(&c, w.cell, seat(o[4], SeatRole::Secretary, d(2025, 7, 1))).await.unwrap();
    s.add_seat(&c, w.cell, seat(o[3], SeatRole::DeputySecretary, d(2025, 7, 1))).await.unwrap();
    for month in 1..=3 {
        let day = d(2026, month, 3);
        let chi_uy = s.create_meeting(&c, w.cell, meeting(MeetingKind::Committee, day)).await.unwrap();
        let v = s.meeting(chi_uy).await.unwrap();
        let rows = vec![present(&o[4]), AttendanceInput { member: o[3], presence: Presence::Absent, reason: None }];
        s.record_attendance(&at(day), chi_uy, v.version, rows).await.unwrap();
    }
    let alerts = s.meeting_alerts(w.commune, 2026, d(2026, 4, 30)).await.unwrap();
    assert!(alerts.absent.iter().all(|a| a.member != o[3]), "{:?}", alerts.absent);
    let report = s.meeting_report(w.commune, d(2026, 1, 1), d(2026, 4, 30)).await.unwrap();
    let row = report.rows.iter().find(|r| r.unit == w.cell).unwrap();
    assert_eq!((row.held, row.attendance.expected), (0, 0), "{row:?}");
    // They are the committees' own meetings: the commune's one, the chi ủy's three, in tree order.
    let bodies: Vec<(UnitId, u32, u32, u32, u32)> =
        report.bodies.iter().map(|b| (b.unit, b.committee, b.held, b.attendance.expected, b.attendance.absent)).collect();
    assert_eq!(bodies, vec![(w.commune, 1, 1, 4, 0), (w.cell, 3, 3, 6, 3)]);

    // A standing committee meeting after the deputy left summons the secretary alone.
    let deputy = s.committee(w.commune, d(2026, 5, 1)).await.unwrap().seated[1].clone();
    s.end_seat(&c, deputy.id, deputy.version, d(2026, 5, 1), "Điều động".into()).await.unwrap();
    let standing = s.create_meeting(&c, w.commune, meeting(MeetingKind::Standing, d(2026, 5, 20))).await.unwrap();
    assert_eq!(s.meeting(standing).await.unwrap().attendance.iter().map(|a| a.member).collect::<Vec<_>>(), vec![o[0]]);
    // A seat holder who died before the seat was ended is summoned no more.
    let died = domain::event::EventData { kind: domain::event::EventKind::Died, effective: d(2026, 6, 1), basis: None, note: None };
    let version = s.member(o[0]).await.unwrap().version;
    s.record_event(&c, o[0], version, died).await.unwrap();
    assert!(s.meeting_roll(w.commune, MeetingKind::Standing, d(2026, 6, 10)).await.unwrap().is_empty());
    assert_eq!(s.meeting_roll(w.commune, MeetingKind::Committee, d(2026, 6, 10)).await.unwrap(), vec![o[2], o[3]]);
    // A chi bộ has no standing committee to meet.
    let e = s.create_meeting(&c, w.cell, meeting(MeetingKind::Standing, d(2026, 5, 20))).await.unwrap_err();
    assert_eq!(codes(e), vec!["not_for_unit"]);
}
