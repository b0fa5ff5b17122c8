//! Chi bộ meetings on both engines: the roll of the day (exempt members, a member away in
//! temporary activity, a guest from another chi bộ), attendance recorded whole with version
//! checks, resolutions measured as 24-QĐ/TW point 9.3 says, minutes that lock when signed and
//! take dated amendments, the alerts (months and quarters without meetings, three months absent
//! without reason) and the report; and the scoped handle.

use chrono::{NaiveDate, NaiveTime};
use conformance::{TestStore, on_both_engines};
use domain::access::Role;
use domain::event::{EventData, EventKind, TransferMode, UnitRef};
use domain::ids::{MemberId, UnitId};
use domain::meetings::{MeetingInput, MeetingKind, Presence, ResolutionInput, Signer, Threshold, Vote};
use domain::unit::UnitKind::*;
use storage::prelude::*;
use storage::{AttendanceInput, MinutesChange, StoreError};

use crate::fixtures::*;

on_both_engines!(
    meetings_are_recorded_measured_and_locked,
    meeting_alerts_and_report,
    meetings_follow_the_scope,
    a_grassroots_committee_holds_its_plenaries,
    documents_reach_the_members_in_time
);

struct World {
    commune: UnitId,
    a: UnitId,
    b: UnitId,
    /// Members of A (the last exempt from 2020) and of B (in temporary activity at A from October 2026).
    a_members: Vec<MemberId>,
    guest: MemberId,
}

async fn world(s: &dyn Store) -> World {
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã Xuân", Some(province), d(2000, 1, 1)).await;
    let a = unit(s, GrassrootsCell, "XA", "Chi bộ thôn An", Some(commune), d(2000, 1, 1)).await;
    let b = unit(s, GrassrootsCell, "XB", "Chi bộ thôn Bình", Some(commune), d(2000, 1, 1)).await;
    let mut a_members = Vec::new();
    for (i, name) in ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"].into_iter().enumerate() {
        a_members.push(member(s, name, "nam", "01/01/1970", &cccd(100 + i as u32), a, d(2010, 1, 5), true).await);
    }
    let exempt = EventData { kind: EventKind::Exempted, effective: d(2020, 1, 1), basis: Some(basis(d(2020, 1, 1))), note: None };
    let version = s.member(a_members[3]).await.unwrap().version;
    s.record_event(&ctx(), a_members[3], version, exempt).await.unwrap();
    let guest = member(s, "Hoàng Văn Khách", "nam", "01/01/1980", &cccd(200), b, d(2010, 1, 5), true).await;
    let away = EventData {
        kind: EventKind::TransferredOut { mode: TransferMode::Temporary, from: b, to: UnitRef::Internal(a) },
        effective: d(2026, 10, 1),
        basis: Some(basis(d(2026, 10, 1))),
        note: None,
    };
    let version = s.member(guest).await.unwrap().version;
    s.record_event(&ctx(), guest, version, away).await.unwrap();
    World { commune, a, b, a_members, guest }
}

fn meeting(kind: MeetingKind, on: NaiveDate, length: Option<u32>) -> MeetingInput {
    MeetingInput {
        kind,
        held_on: on,
        starts_at: NaiveTime::from_hms_opt(19, 30, 0).unwrap(),
        length_minutes: length,
        place: "Nhà văn hóa thôn".into(),
        agenda: "Đánh giá tháng, nhiệm vụ tháng tới.".into(),
    }
}

fn present(m: MemberId) -> AttendanceInput {
    AttendanceInput { member: m, presence: Presence::Present, reason: None }
}

fn absent(m: MemberId) -> AttendanceInput {
    AttendanceInput { member: m, presence: Presence::Absent, reason: None }
}

async fn meetings_are_recorded_measured_and_locked(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let m = &w.a_members;
    // A commune holds no monthly meeting: its committee meets, not its members.
    assert_eq!(
        codes(s.create_meeting(&ctx(), w.commune, meeting(MeetingKind::Regular, d(2026, 11, 5), None)).await.unwrap_err()),
        vec!["not_for_unit"]
    );
    let id = s.create_meeting(&ctx(), w.a, meeting(MeetingKind::Regular, d(2026, 11, 5), Some(60))).await.unwrap();
    let view = s.meeting(id).await.unwrap();
    assert!(view.too_short && view.minimum_minutes == Some(90), "sixty minutes are flagged, not refused");
    // The roll of the day: four members (the exempt one marked), the guest from B apart.
    let roll: Vec<(MemberId, bool, bool)> = view.attendance.iter().map(|a| (a.member, a.exempt, a.guest)).collect();
    assert_eq!(roll.len(), 5);
    assert!(roll.contains(&(m[3], true, false)) && roll.contains(&(w.guest, false, true)));

    // The attendance is recorded whole: everyone of the chi bộ, nobody else, reasons given.
    let v = view.version;
    let incomplete = s.record_attendance(&ctx(), id, v, vec![present(m[0]), present(m[1])]).await.unwrap_err();
    assert_eq!(codes(incomplete), vec!["incomplete"]);
    let stranger = member(s, "Vũ Văn Lạ", "nam", "01/01/1975", &cccd(300), w.b, d(2010, 1, 5), true).await;
    let rows = |third: AttendanceInput| vec![present(m[0]), present(m[1]), third, absent(m[3]), present(w.guest)];
    let not_on_roll = s.record_attendance(&ctx(), id, v, [rows(absent(m[2])), vec![present(stranger)]].concat()).await.unwrap_err();
    assert_eq!(codes(not_on_roll), vec!["not_on_roll"]);
    let no_reason =
        s.record_attendance(&ctx(), id, v, rows(AttendanceInput { member: m[2], presence: Presence::Excused, reason: None })).await;
    assert_eq!(codes(no_reason.unwrap_err()), vec!["required"]);
    let excused = AttendanceInput { member: m[2], presence: Presence::Excused, reason: Some("Ốm".into()) };
    assert!(matches!(s.record_attendance(&ctx(), id, v + 1, rows(excused.clone())).await, Err(StoreError::Conflict { .. })));
    s.record_attendance(&ctx(), id, v, rows(excused)).await.unwrap();
    let view = s.meeting(id).await.unwrap();
    let c = &view.counts;
    assert_eq!((c.summoned, c.present, c.excused, c.absent, c.guests_present), (4, 2, 1, 1, 1));
    assert_eq!(c.counting, 2, "the excused and the exempt who stayed away do not count; the guest counts at home");

    // A resolution: more votes than members present who count is refused.
    let too_many = ResolutionInput {
        text: "Nghị quyết tháng 11".into(),
        threshold: Threshold::MoreThanHalf,
        vote: Vote { yes: 3, no: 0, abstain: 0 },
    };
    assert_eq!(codes(s.add_resolution(&ctx(), id, view.version, too_many).await.unwrap_err()), vec!["too_many_votes"]);
    let two = ResolutionInput {
        text: "Nghị quyết tháng 11".into(),
        threshold: Threshold::MoreThanHalf,
        vote: Vote { yes: 2, no: 0, abstain: 0 },
    };
    s.add_resolution(&ctx(), id, view.version, two).await.unwrap();
    let view = s.meeting(id).await.unwrap();
    assert_eq!((view.resolutions[0].counted, view.resolutions[0].passed), (2, true));

    // Minutes: signed only with a text; editing withdraws a signature; locked once both sign.
    let v = view.version;
    let sign = |who: Signer, name: &str| MinutesChange::Sign(who, name.into());
    assert_eq!(codes(s.change_minutes(&ctx(), id, v, sign(Signer::Chair, "Nguyễn Văn An")).await.unwrap_err()), vec!["required"]);
    s.change_minutes(&ctx(), id, v, MinutesChange::Edit("Chi bộ họp, 2 có mặt.".into())).await.unwrap();
    s.change_minutes(&ctx(), id, v + 1, sign(Signer::Chair, "Nguyễn Văn An")).await.unwrap();
    s.change_minutes(&ctx(), id, v + 2, MinutesChange::Edit("Chi bộ họp, 2 có mặt, 1 vắng có lý do.".into())).await.unwrap();
    assert!(s.meeting(id).await.unwrap().minutes.chair.is_none(), "editing withdrew the chair's signature");
    s.change_minutes(&ctx(), id, v + 3, sign(Signer::Chair, "Nguyễn Văn An")).await.unwrap();
    s.change_minutes(&ctx(), id, v + 4, sign(Signer::Secretary, "Trần Thị Bình")).await.unwrap();
    let locked = s.change_minutes(&ctx(), id, v + 5, MinutesChange::Edit("Sửa".into())).await.unwrap_err();
    assert_eq!(codes(locked), vec!["locked"]);
    s.change_minutes(&at(d(2026, 11, 28)), id, v + 5, MinutesChange::Amend("Bổ sung: đồng chí Cường vắng vì ốm.".into())).await.unwrap();
    let view = s.meeting(id).await.unwrap();
    assert!(view.minutes.locked);
    assert_eq!((view.minutes.amendments.len(), view.minutes.amendments[0].on), (1, d(2026, 11, 28)));
    assert_eq!(view.minutes.text, "Chi bộ họp, 2 có mặt, 1 vắng có lý do.", "the signed text never changes");

    // Not before the day: no attendance for a meeting next week.
    let later = s.create_meeting(&ctx(), w.a, meeting(MeetingKind::Thematic, d(2026, 12, 10), None)).await.unwrap();
    let early = s.record_attendance(&ctx(), later, 1, vec![present(m[0])]).await.unwrap_err();
    assert_eq!(codes(early), vec!["not_yet_held"]);
    let list = s.unit_meetings(w.a, d(2026, 1, 1), d(2026, 12, 31)).await.unwrap();
    assert_eq!(
        list.iter().map(|m| (m.id, m.attendance_recorded, m.minutes_locked)).collect::<Vec<_>>(),
        vec![(id, true, true), (later, false, false)]
    );
}

/// Records a regular meeting of A on `on` with `away` absent without reason and the rest present.
async fn held(s: &dyn Store, w: &World, on: NaiveDate, kind: MeetingKind, away: Option<MemberId>) -> i64 {
    let id = s.create_meeting(&ctx(), w.a, meeting(kind, on, Some(120))).await.unwrap();
    let view = s.meeting(id).await.unwrap();
    let rows = view
        .attendance
        .iter()
        .filter(|a| !a.guest)
        .map(|a| AttendanceInput {
            member: a.member,
            presence: if Some(a.member) == away { Presence::Absent } else { Presence::Present },
            reason: None,
        })
        .collect();
    s.record_attendance(&ctx(), id, view.version, rows).await.unwrap();
    id
}

async fn meeting_alerts_and_report(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let truant = w.a_members[1];
    for month in 1..=11 {
        let kind = if month % 3 == 0 { MeetingKind::Combined } else { MeetingKind::Regular };
        let away = [8, 9, 10].contains(&month).then_some(truant);
        held(s, &w, d(2026, month, 5), kind, away).await;
    }
    // An extraordinary meeting and a scheduled one not held count for nothing.
    held(s, &w, d(2026, 11, 20), MeetingKind::Extraordinary, None).await;
    s.create_meeting(&ctx(), w.a, meeting(MeetingKind::Regular, d(2026, 11, 28), None)).await.unwrap();

    let alerts = s.meeting_alerts(w.commune, 2026, d(2026, 12, 3)).await.unwrap();
    // A met every month and every quarter that ended; B never did.
    assert_eq!(alerts.missed.len(), 1);
    assert_eq!(alerts.missed[0].unit, w.b);
    assert_eq!(alerts.missed[0].months.len(), 11, "January to November; December is under way");
    assert_eq!(alerts.missed[0].quarters.len(), 3);
    assert_eq!(alerts.absent.len(), 1);
    assert_eq!((alerts.absent[0].member, alerts.absent[0].months.len()), (truant, 3));

    let report = s.meeting_report(w.commune, d(2026, 1, 1), d(2026, 12, 31)).await.unwrap();
    let a = report.rows.iter().find(|r| r.unit == w.a).unwrap();
    assert_eq!((a.held, a.regular, a.thematic, a.extraordinary), (12, 11, 3, 1));
    // Four members at each of 12 meetings (the exempt member came, so counts), three absences.
    assert_eq!((a.attendance.expected, a.attendance.present, a.attendance.absent), (48, 45, 3));
    assert_eq!(report.total.held, 12);
    assert_eq!(report.rows.iter().find(|r| r.unit == w.b).unwrap().held, 0);
    assert_eq!(codes(s.meeting_report(w.commune, d(2026, 2, 1), d(2026, 1, 1)).await.unwrap_err()), vec!["period_reversed"]);
}

async fn meetings_follow_the_scope(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let secretary = access(&t.store, &[(Role::CellSecretary, Some(w.a))]);
    let staff = access(&t.store, &[(Role::OrgBoardStaff, Some(w.commune))]);
    let inspector = access(&t.store, &[(Role::Inspector, Some(w.commune))]);
    let desk = secretary.meetings().unwrap();
    let id = desk.create(w.a, meeting(MeetingKind::Regular, d(2026, 11, 5), Some(90))).await.unwrap();
    assert!(matches!(desk.create(w.b, meeting(MeetingKind::Regular, d(2026, 11, 5), None)).await, Err(StoreError::NotFound)));
    assert!(matches!(
        inspector.meetings().unwrap().create(w.a, meeting(MeetingKind::Regular, d(2026, 11, 5), None)).await,
        Err(StoreError::Forbidden)
    ));
    let view = inspector.meetings().unwrap().meeting(id).await.unwrap();
    assert_eq!(view.attendance.len(), 5);
    staff.meetings().unwrap().update(id, view.version, meeting(MeetingKind::Combined, d(2026, 11, 5), Some(120))).await.unwrap();
    let other = s.create_meeting(&ctx(), w.b, meeting(MeetingKind::Regular, d(2026, 11, 6), None)).await.unwrap();
    assert!(matches!(desk.meeting(other).await, Err(StoreError::NotFound)));
    assert!(matches!(desk.update(other, 1, meeting(MeetingKind::Regular, d(2026, 11, 6), None)).await, Err(StoreError::NotFound)));
    assert!(matches!(desk.alerts(w.commune, 2026).await, Err(StoreError::NotFound)));
    let q = storage::AuditQuery { action: Some("read.meeting".into()), limit: 10, ..storage::AuditQuery::default() };
    assert!(!s.audit_entries(&q).await.unwrap().is_empty(), "reading a meeting's list is audited");
}

/// A grassroots party committee (đảng bộ cơ sở) meets as a whole twice a year (rules.md §9): its
/// plenary's roll is every member of the chi bộ under it; a chi bộ holds no plenary and the
/// committee no monthly meeting; a commune holds neither; the halves without a plenary are
/// alerts, and missing a plenary is no absence from one's chi bộ.
async fn a_grassroots_committee_holds_its_plenaries(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let company = unit(s, GrassrootsCommittee, "CT", "Đảng bộ Công ty Điện lực", Some(province), d(2000, 1, 1)).await;
    let one = unit(s, Cell, "CT1", "Chi bộ Phòng Kỹ thuật", Some(company), d(2000, 1, 1)).await;
    let two = unit(s, Cell, "CT2", "Chi bộ Phòng Kinh doanh", Some(company), d(2000, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã Xuân", Some(province), d(2000, 1, 1)).await;
    let a = member(s, "Nguyễn Văn An", "nam", "01/01/1970", &cccd(300), one, d(2010, 1, 5), true).await;
    let b = member(s, "Trần Thị Bình", "nu", "01/01/1975", &cccd(301), two, d(2012, 1, 5), true).await;
    let c = member(s, "Lê Văn Cường", "nam", "01/01/1980", &cccd(302), two, d(2014, 1, 5), true).await;

    let refused = s.create_meeting(&at(d(2026, 6, 1)), company, meeting(MeetingKind::Regular, d(2026, 6, 20), None)).await.unwrap_err();
    assert_eq!(codes(refused), vec!["not_for_unit"]);
    let refused = s.create_meeting(&at(d(2026, 6, 1)), one, meeting(MeetingKind::Plenary, d(2026, 6, 20), None)).await.unwrap_err();
    assert_eq!(codes(refused), vec!["not_for_unit"]);
    let refused = s.create_meeting(&at(d(2026, 6, 1)), commune, meeting(MeetingKind::Plenary, d(2026, 6, 20), None)).await.unwrap_err();
    assert_eq!(codes(refused), vec!["not_for_unit"]);

    // The mid-year plenary: everyone of both chi bộ on the roll.
    let plenary = s.create_meeting(&at(d(2026, 6, 1)), company, meeting(MeetingKind::Plenary, d(2026, 6, 20), Some(150))).await.unwrap();
    let mut roll = s.meeting_roll(company, MeetingKind::Plenary, d(2026, 6, 20)).await.unwrap();
    roll.sort();
    assert_eq!(roll, vec![a, b, c]);
    let view = s.meeting(plenary).await.unwrap();
    s.record_attendance(&at(d(2026, 6, 20)), plenary, view.version, vec![present(a), present(b), absent(c)]).await.unwrap();

    // Alerts: the second half without its plenary once it is over; C's absence is not from his chi bộ.
    let alerts = s.meeting_alerts(province, 2026, d(2027, 1, 5)).await.unwrap();
    assert_eq!(alerts.plenaries.len(), 1);
    assert_eq!((alerts.plenaries[0].unit, alerts.plenaries[0].halves.clone()), (company, vec!["6 tháng cuối năm 2026".to_owned()]));
    assert!(alerts.absent.is_empty());
    let alerts = s.meeting_alerts(province, 2026, d(2026, 12, 31)).await.unwrap();
    assert!(alerts.plenaries.is_empty(), "the second half is not over yet");
    // The committee's list holds its plenary; a chi bộ's does not.
    assert_eq!(s.unit_meetings(company, d(2026, 1, 1), d(2026, 12, 31)).await.unwrap().len(), 1);
    assert!(s.unit_meetings(one, d(2026, 1, 1), d(2026, 12, 31)).await.unwrap().is_empty());
}

/// A meeting's documents: posted at least a day before it begins or marked late (rules.md §9),
/// the members on the roll told in their inbox, read by whoever reads the meeting, posted by
/// whoever records it.
async fn documents_reach_the_members_in_time(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let new = storage::NewAccount {
        username: "an.nguyen".into(),
        display_name: "Nguyễn Văn An".into(),
        password_hash: "x".into(),
        member: Some(w.a_members[0]),
        must_change_password: false,
        grants: vec![domain::access::Grant { role: Role::Member, unit: None }],
    };
    let member_account = s.create_account(&ctx(), new).await.unwrap();
    let id = s.create_meeting(&at(d(2026, 12, 1)), w.a, meeting(MeetingKind::Regular, d(2026, 12, 5), None)).await.unwrap();
    let pdf = b"%PDF-1.7 du thao nghi quyet".to_vec();
    // Two days before: in time; on the day, a few hours before: late.
    let early = s.add_meeting_document(&at(d(2026, 12, 3)), id, "Dự thảo nghị quyết.pdf", "application/pdf", &pdf).await.unwrap();
    s.add_meeting_document(&at(d(2026, 12, 5)), id, "Báo cáo bổ sung.pdf", "application/pdf", &pdf).await.unwrap();
    let view = s.meeting(id).await.unwrap();
    let docs: Vec<(&str, bool)> = view.documents.iter().map(|d| (d.name.as_str(), d.in_time)).collect();
    assert_eq!(docs, vec![("Dự thảo nghị quyết.pdf", true), ("Báo cáo bổ sung.pdf", false)]);
    let kinds: Vec<domain::notifications::NoticeKind> =
        s.inbox(member_account, None, false, 10).await.unwrap().items.iter().map(|n| n.kind).collect();
    assert_eq!(kinds.iter().filter(|k| **k == domain::notifications::NoticeKind::MeetingDocument).count(), 2);

    // Read with the meeting, posted by who records it.
    let secretary = access(&t.store, &[(Role::CellSecretary, Some(w.a))]);
    let other = access(&t.store, &[(Role::CellSecretary, Some(w.b))]);
    let inspector = access(&t.store, &[(Role::Inspector, Some(w.commune))]);
    assert_eq!(inspector.meetings().unwrap().document(early).await.unwrap().1, pdf);
    assert!(matches!(other.meetings().unwrap().document(early).await, Err(StoreError::NotFound)));
    assert!(matches!(inspector.meetings().unwrap().add_document(id, "x.pdf", "application/pdf", &pdf).await, Err(StoreError::Forbidden)));
    assert!(matches!(other.meetings().unwrap().add_document(id, "x.pdf", "application/pdf", &pdf).await, Err(StoreError::NotFound)));
    secretary.meetings().unwrap().add_document(id, "Phụ lục.pdf", "application/pdf", &pdf).await.unwrap();
    assert_eq!(s.meeting(id).await.unwrap().documents.len(), 3);
}
