//! The admission pipeline on both engines: a candidate taken to official member, each refusal
//! leaving nothing half-saved, scopes, the worklist, targets and calendar corrections.

use conformance::{TestStore, on_both_engines};
use domain::access::Role;
use domain::admission::{ChiBoVote, Together};
use domain::event::EventKind;
use domain::history::Status;
use domain::ids::{DecisionNumber, MemberId, UnitId};
use domain::pipeline::{
    Candidate, CandidateSource, IntroducerId, IntroducerRef, IntroductionMode, RecognitionProposal, Stage, StepData, TargetGroup, Urgency,
};
use domain::unit::{LegalBasis, UnitKind::*};
use domain::workdays::YearOverride;
use storage::prelude::*;
use storage::{CaseQuery, StoreError};

use crate::fixtures::*;

on_both_engines!(
    candidate_becomes_official_member,
    refused_steps_leave_nothing_behind,
    scopes_worklist_targets_and_calendar,
    the_decision_writes_the_case_origin
);

struct World {
    commune: UnitId,
    cell: UnitId,
    other_cell: UnitId,
    introducers: [MemberId; 2],
    probationary: MemberId,
}

async fn world(s: &dyn Store) -> World {
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let commune = unit(s, Commune, "XA", "Đảng bộ xã An", Some(province), d(2000, 1, 1)).await;
    let cell = unit(s, GrassrootsCell, "CA", "Chi bộ thôn An", Some(commune), d(2000, 1, 1)).await;
    let other_cell = unit(s, GrassrootsCell, "CB", "Chi bộ thôn Bình", Some(commune), d(2000, 1, 1)).await;
    let a = member(s, "Nguyễn Văn An", "nam", "1/1/1970", &cccd(1), cell, d(2005, 1, 1), true).await;
    let b = member(s, "Trần Thị Bình", "nu", "1/1/1975", &cccd(2), cell, d(2006, 1, 1), true).await;
    let probationary = member(s, "Lê Văn Cường", "nam", "1/1/1990", &cccd(3), cell, d(2023, 12, 1), false).await;
    World { commune, cell, other_cell, introducers: [a, b], probationary }
}

fn candidate(unit: UnitId, n: u32) -> Candidate {
    let identity = identity("Phạm Thị Dung", "nu", "15/6/2000", &cccd(100 + n));
    Candidate {
        target_group: Some(TargetGroup::Residential),
        tasks: Some("Phụ trách phong trào thanh niên thôn".into()),
        certificate: Some(domain::pipeline::Certificate {
            number: "125/CN".into(),
            issued_on: d(2024, 1, 10),
            issuer: "Trung tâm Chính trị huyện".into(),
        }),
        ..Candidate::new(unit, identity, profile().profile, CandidateSource::YouthUnion)
    }
}

/// What `membership_spans` keeps of the span `member`'s admission opened: the ceremony, the
/// source and the sub-target group, as stored (read below the store).
async fn stored_admission_span(t: &TestStore, member: MemberId) -> (Option<chrono::NaiveDate>, Option<String>, Option<String>) {
    let db = t.database().await;
    let mut conn = db.reader().await.unwrap();
    let sql = "SELECT ceremony, admission_source, target_group FROM membership_spans WHERE member_id = $1 AND entered = 'ket-nap'".into();
    let rows = conn.query(&sql, vec![member.0.into()]).await.unwrap();
    assert_eq!(rows.len(), 1, "one span opened by the admission");
    let r = &rows[0];
    (r.opt_date("ceremony").unwrap(), r.opt_str("admission_source").unwrap(), r.opt_str("target_group").unwrap())
}

fn decision_basis(number: &str, on: chrono::NaiveDate) -> LegalBasis {
    LegalBasis { number: DecisionNumber::parse(number).unwrap(), date: on, issuer: "Ban Thường vụ Đảng ủy xã An".into() }
}

fn vote(on: chrono::NaiveDate, official: u32, yes: u32) -> ChiBoVote {
    ChiBoVote { on, official_members: official, present: official, in_favour: yes, against: official - yes }
}

fn introduction(w: &World, on: chrono::NaiveDate) -> StepData {
    StepData::Introduction {
        mode: IntroductionMode::TwoMembers,
        resolution_on: None,
        introducers: w
            .introducers
            .iter()
            .map(|m| IntroducerRef {
                who: IntroducerId::Member { member: *m },
                introduced_on: on,
                together_since: d(2020, 1, 1),
                together: Together::Residence,
            })
            .collect(),
    }
}

/// The file up to the chi bộ vote, step by step; returns the case version.
async fn file_until_vote(s: &dyn Store, w: &World, id: i64) -> i64 {
    let steps = [
        StepData::Application { on: d(2024, 2, 1) },
        StepData::Autobiography { on: d(2024, 2, 5) },
        StepData::VerificationRequest { on: d(2024, 2, 10), to: "Ủy ban nhân dân xã An".into() },
        StepData::VerificationResult { on: d(2024, 3, 1), clear: true, summary: "Lý lịch rõ ràng".into() },
        introduction(w, d(2024, 3, 5)),
        StepData::Opinions { on: d(2024, 3, 10) },
    ];
    let mut version = 1;
    for step in steps {
        s.record_step(&ctx(), id, version, step).await.unwrap();
        version += 1;
    }
    version
}

async fn candidate_becomes_official_member(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let id = s.create_candidate(&ctx(), candidate(w.cell, 1)).await.unwrap();
    let mut v = file_until_vote(s, &w, id).await;
    assert_eq!(s.case(id, d(2024, 3, 15)).await.unwrap().stage, Stage::File);
    // Three official members in the chi bộ (the probationary one does not vote): 2 of 3 passes.
    for step in [
        StepData::ChiBoVote { vote: vote(d(2024, 3, 20), 3, 2) },
        StepData::GrassrootsResolution { on: d(2024, 3, 25), number: "15-NQ/ĐU".into() },
        StepData::Decision { basis: decision_basis("101-QĐ/ĐU", d(2024, 4, 1)), signer: "Bí thư Đảng ủy".into() },
    ] {
        s.record_step(&ctx(), id, v, step).await.unwrap();
        v += 1;
    }
    let case = s.case(id, d(2024, 4, 2)).await.unwrap();
    assert_eq!(case.stage, Stage::AwaitingCeremony);
    let member = case.member.expect("the decision created the member record");
    // The decision is the register's admission event: nothing typed twice.
    let m = s.member(member).await.unwrap();
    assert_eq!(m.identity.citizen_id.as_str(), cccd(101));
    assert_eq!(m.history.first_admission(), Some(d(2024, 4, 1)));
    assert_eq!(m.history.span_on(d(2024, 4, 1)).map(|sp| sp.status), Some(Status::Probationary));
    // Probation runs from the ceremony: until it is held no official date is known.
    assert_eq!(case.official_date, None);
    for step in [
        StepData::DecisionReceived { on: d(2024, 4, 5) },
        StepData::Ceremony { on: d(2024, 5, 19) },
        StepData::NewMemberClass { on: d(2024, 8, 1), number: "77/CN".into() },
        StepData::SelfReview { on: d(2025, 3, 20) },
        StepData::HelperComment { on: d(2025, 3, 21) },
        StepData::ProbationOpinions { on: d(2025, 3, 25) },
    ] {
        s.record_step(&ctx(), id, v, step).await.unwrap();
        v += 1;
    }
    // The ceremony step wrote the ceremony on the member's record; official 12 months after it.
    let m = s.member(member).await.unwrap();
    assert_eq!(m.history.probations[0].ceremony, Some(d(2024, 5, 19)));
    assert_eq!(s.case(id, d(2024, 5, 20)).await.unwrap().official_date, Some(d(2025, 5, 19)));
    // A record without the ceremony (a case filed before ceremonies went on the record, here
    // made by voiding it) gets it from the case at the recognition decision.
    let ceremony_event =
        m.events.iter().find(|e| matches!(&e.entry, domain::event::Entry::Event(x) if x.kind == EventKind::Ceremony)).unwrap();
    s.correct_event(&ctx(), member, m.version, ceremony_event.id, domain::event::Entry::Void, "ghi lại".into()).await.unwrap();
    assert_eq!(s.member(member).await.unwrap().history.probations[0].ceremony, None);
    // The chi bộ considers recognition only once the 12 months from the ceremony are over.
    let early = StepData::RecognitionVote { vote: vote(d(2025, 5, 18), 3, 3), proposal: RecognitionProposal::Recognize };
    assert_eq!(codes(s.record_step(&ctx(), id, v, early).await.unwrap_err()), vec!["probation_not_over"]);
    for step in [
        StepData::RecognitionVote { vote: vote(d(2025, 5, 19), 3, 3), proposal: RecognitionProposal::Recognize },
        StepData::RecognitionResolution { on: d(2025, 5, 26), number: "30-NQ/ĐU".into() },
        StepData::RecognitionDecision { basis: decision_basis("140-QĐ/ĐU", d(2025, 6, 5)), signer: "Bí thư Đảng ủy".into() },
    ] {
        s.record_step(&ctx(), id, v, step).await.unwrap();
        v += 1;
    }
    let case = s.case(id, d(2025, 6, 6)).await.unwrap();
    assert_eq!(case.stage, Stage::Official);
    assert!(case.next_steps.is_empty());
    let m = s.member(member).await.unwrap();
    // Official on the day the 12 months from the ceremony end, though decided later; party age
    // still from the decision.
    assert_eq!(m.history.official_since(), Some(d(2025, 5, 19)));
    assert_eq!(m.history.span_on(d(2025, 5, 18)).map(|sp| sp.status), Some(Status::Probationary));
    assert_eq!(m.history.span_on(d(2025, 5, 19)).map(|sp| sp.status), Some(Status::Official));
    assert_eq!(m.history.first_admission(), Some(d(2024, 4, 1)));
    assert_eq!(m.history.probations[0].ceremony, Some(d(2024, 5, 19)));
    // The ceremony on 19/5 counts as an anniversary admission in the year's report.
    s.set_target(&ctx(), w.commune, 2024, None, Some(4)).await.unwrap();
    let r = s.targets(w.commune, 2024, d(2026, 11, 25), None).await.unwrap();
    assert_eq!((r.root.total.target, r.root.total.admitted, r.root.total.percent), (Some(4), 1, Some(25.0)));
    assert_eq!(r.root.anniversary, 1);
    let residential = r.root.groups.iter().find(|(g, _)| *g == TargetGroup::Residential).unwrap().1;
    assert_eq!(residential.admitted, 1);
    assert_eq!(r.zero_admission.iter().map(|u| u.id).collect::<Vec<_>>(), vec![w.other_cell]);
    let cell_row = r.children.iter().find(|c| c.unit.id == w.cell).unwrap();
    assert_eq!(cell_row.total.admitted, 1);
}

async fn refused_steps_leave_nothing_behind(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let id = s.create_candidate(&ctx(), candidate(w.cell, 2)).await.unwrap();
    // Out of order: a vote before the file is complete.
    let err = s.record_step(&ctx(), id, 1, StepData::ChiBoVote { vote: vote(d(2024, 3, 20), 3, 3) }).await.unwrap_err();
    assert_eq!(codes(err), vec!["step_missing_before"]);
    s.record_step(&ctx(), id, 1, StepData::Application { on: d(2024, 2, 1) }).await.unwrap();
    // A stale version is a conflict.
    let err = s.record_step(&ctx(), id, 1, StepData::Autobiography { on: d(2024, 2, 5) }).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { current: 2 }), "{err:?}");
    // Introducers: one probationary, one unknown.
    let bad = StepData::Introduction {
        mode: IntroductionMode::TwoMembers,
        resolution_on: None,
        introducers: vec![
            IntroducerRef {
                who: IntroducerId::Member { member: w.probationary },
                introduced_on: d(2024, 3, 5),
                together_since: d(2020, 1, 1),
                together: Together::Work,
            },
            IntroducerRef {
                who: IntroducerId::Member { member: MemberId(999_999) },
                introduced_on: d(2024, 3, 5),
                together_since: d(2020, 1, 1),
                together: Together::Work,
            },
        ],
    };
    let codes_found = codes(s.record_step(&ctx(), id, 2, bad).await.unwrap_err());
    assert!(codes_found.contains(&"introducer_unknown") && codes_found.contains(&"introducer_not_official"), "{codes_found:?}");
    let case = s.case(id, d(2024, 3, 6)).await.unwrap();
    assert_eq!((case.version, case.steps.len()), (2, 1));

    let mut v = 2;
    for step in [
        StepData::Autobiography { on: d(2024, 2, 5) },
        StepData::VerificationRequest { on: d(2024, 2, 10), to: "Công an xã".into() },
        StepData::VerificationResult { on: d(2024, 3, 1), clear: true, summary: "Rõ ràng".into() },
        introduction(&w, d(2024, 3, 5)),
        StepData::Opinions { on: d(2024, 3, 10) },
    ] {
        s.record_step(&ctx(), id, v, step).await.unwrap();
        v += 1;
    }
    // More votes than members; below two-thirds.
    let err = s
        .record_step(
            &ctx(),
            id,
            v,
            StepData::ChiBoVote { vote: ChiBoVote { on: d(2024, 3, 20), official_members: 3, present: 3, in_favour: 4, against: 0 } },
        )
        .await;
    assert!(codes(err.unwrap_err()).contains(&"votes_exceed_members"));
    let err = s.record_step(&ctx(), id, v, StepData::ChiBoVote { vote: vote(d(2024, 3, 20), 3, 1) }).await.unwrap_err();
    assert_eq!(codes(err), vec!["vote_below_two_thirds"]);
    s.record_step(&ctx(), id, v, StepData::ChiBoVote { vote: vote(d(2024, 3, 20), 3, 3) }).await.unwrap();
    v += 1;
    s.record_step(&ctx(), id, v, StepData::GrassrootsResolution { on: d(2024, 3, 25), number: "16-NQ/ĐU".into() }).await.unwrap();
    v += 1;
    // A decision dated before the resolution.
    let early = StepData::Decision { basis: decision_basis("102-QĐ/ĐU", d(2024, 3, 22)), signer: "Bí thư".into() };
    assert!(codes(s.record_step(&ctx(), id, v, early).await.unwrap_err()).contains(&"dates_out_of_order"));
    // A decision the register refuses (the citizen id now belongs to a member) saves nothing.
    let clash = member(s, "Người trùng số", "nam", "1/1/1980", &cccd(102), w.other_cell, d(2015, 1, 1), true).await;
    let decision = StepData::Decision { basis: decision_basis("103-QĐ/ĐU", d(2024, 4, 1)), signer: "Bí thư".into() };
    let err = s.record_step(&ctx(), id, v, decision).await.unwrap_err();
    assert!(codes(err).contains(&"duplicate"));
    let case = s.case(id, d(2024, 4, 2)).await.unwrap();
    assert_eq!((case.stage, case.member, case.version), (Stage::AwaitingDecision, None, v));
    assert_eq!(s.member(clash).await.unwrap().events.len(), 3);
    // Voiding the latest step brings the stage back; only the latest one may be voided.
    let last = case.steps.last().unwrap().id;
    let first = case.steps.first().unwrap().id;
    assert!(codes(s.void_step(&ctx(), id, v, first, "nhầm".into()).await.unwrap_err()).contains(&"not_last"));
    s.void_step(&ctx(), id, v, last, "Nhập nhầm số nghị quyết".into()).await.unwrap();
    let case = s.case(id, d(2024, 4, 2)).await.unwrap();
    assert_eq!(case.stage, Stage::AwaitingDecision);
    assert!(case.steps.last().unwrap().voided.is_some());
    assert!(case.next_steps.contains(&domain::pipeline::StepKind::GrassrootsResolution));
}

async fn scopes_worklist_targets_and_calendar(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    // A second process on the same database keeps its cache of open cases in step.
    let other = t.reopen().await;
    assert_eq!(other.worklist(&CaseQuery::new(ctx().today)).await.unwrap().open_cases, 0);
    let id = s.create_candidate(&ctx(), candidate(w.cell, 3)).await.unwrap();
    let v = file_until_vote(s, &w, id).await;
    let seen = other.cases(&CaseQuery::new(ctx().today)).await.unwrap();
    assert_eq!((seen.len(), seen[0].stage), (1, Stage::File));
    // The application was in February 2024: by September 2026 the file is stale until renewed.
    let err = s.record_step(&ctx(), id, v, StepData::ChiBoVote { vote: vote(d(2026, 9, 1), 3, 3) }).await.unwrap_err();
    assert_eq!(codes(err), vec!["file_stale"]);
    s.record_step(&ctx(), id, v, StepData::DocumentsRenewed { on: d(2026, 8, 1) }).await.unwrap();
    s.record_step(&ctx(), id, v + 1, StepData::ChiBoVote { vote: vote(d(2026, 9, 1), 3, 3) }).await.unwrap();

    let secretary = access(&t.store, &[(Role::CellSecretary, Some(w.cell))]);
    let other_secretary = access(&t.store, &[(Role::CellSecretary, Some(w.other_cell))]);
    let leader = access(&t.store, &[(Role::CommitteeLeader, Some(w.commune))]);
    // Outside the scope a case does not exist.
    assert!(matches!(other_secretary.admission().unwrap().case(id).await, Err(StoreError::NotFound)));
    assert!(other_secretary.admission().unwrap().cases(&CaseQuery::new(ctx().today)).await.unwrap().is_empty());
    // The secretary records the chi bộ's steps but not the committee's decision.
    let desk = secretary.admission().unwrap();
    let case = desk.case(id).await.unwrap();
    assert_eq!(case.stage, Stage::AwaitingDecision);
    let decision = StepData::Decision { basis: decision_basis("104-QĐ/ĐU", d(2026, 11, 20)), signer: "Bí thư".into() };
    assert!(matches!(desk.record_step(id, case.version, decision.clone()).await, Err(StoreError::Forbidden)));
    assert!(!desk.may_decide(w.cell).await && desk.may_file(w.cell).await);

    // The worklist: the decision is due 60 working days after 01/09/2026.
    let cal = s.work_calendar().await.unwrap();
    let due = domain::admission::decision_deadline(&cal, d(2026, 9, 1), false);
    let list = leader.admission().unwrap().worklist(&CaseQuery::new(ctx().today)).await.unwrap();
    assert_eq!(list.open_cases, 1);
    let item = list.items.iter().find(|i| i.item.code == "decision").unwrap();
    assert_eq!(item.item.due, due);
    assert_eq!(item.urgency, Urgency::of(due, ctx().today));
    // An operator's extra day off moves the deadline one working day later.
    let extra = cal.next_working_day(d(2026, 9, 10));
    s.set_calendar_override(
        &ctx(),
        YearOverride { year: 2026, days_off: vec![(extra, "Nghỉ bù theo thông báo".into())], extra_working_days: vec![] },
    )
    .await
    .unwrap();
    let cal2 = s.work_calendar().await.unwrap();
    assert!(!cal2.is_working_day(extra));
    let moved = domain::admission::decision_deadline(&cal2, d(2026, 9, 1), false);
    assert_eq!(moved, cal.add_working_days(due, 1));
    let list = s.worklist(&CaseQuery::new(ctx().today)).await.unwrap();
    assert_eq!(list.items.iter().find(|i| i.item.code == "decision").unwrap().item.due, moved);

    // The leader decides; the candidate becomes a member of the chi bộ.
    let desk = leader.admission().unwrap();
    let case = desk.case(id).await.unwrap();
    desk.record_step(id, case.version, decision).await.unwrap();
    let case = desk.case(id).await.unwrap();
    assert_eq!(case.stage, Stage::AwaitingCeremony);
    let m = s.member(case.member.unwrap()).await.unwrap();
    assert!(matches!(&m.events[0].entry, domain::event::Entry::Event(e) if matches!(e.kind, EventKind::Admitted { .. })));
    // Targets: set by the leader, not by a secretary.
    desk.set_target(w.cell, 2026, None, Some(2)).await.unwrap();
    assert!(matches!(secretary.admission().unwrap().set_target(w.cell, 2026, None, Some(3)).await, Err(StoreError::Forbidden)));
    let r = desk.targets(w.commune, 2026).await.unwrap();
    let cell_row = r.children.iter().find(|c| c.unit.id == w.cell).unwrap();
    assert_eq!((cell_row.total.target, cell_row.total.admitted, cell_row.total.percent), (Some(2), 1, Some(50.0)));
    assert_eq!(r.root.total.admitted, 1);

    // The ceremony is due; once the new member dies the case has nothing left to do.
    let list = s.worklist(&CaseQuery::new(ctx().today)).await.unwrap();
    assert_eq!(list.items.iter().map(|i| i.item.code).collect::<Vec<_>>(), vec!["ceremony"]);
    let member = case.member.unwrap();
    let version = s.member(member).await.unwrap().version;
    let died = domain::event::EventData { kind: EventKind::Died, effective: d(2026, 11, 22), basis: None, note: None };
    s.record_event(&ctx(), member, version, died).await.unwrap();
    let list = s.worklist(&CaseQuery::new(ctx().today)).await.unwrap();
    assert!(list.items.is_empty(), "{:?}", list.items);
    let case = s.case(id, ctx().today).await.unwrap();
    assert!(case.due.is_empty() && case.blockers.iter().any(|b| b.code == "member_not_active"));
}

/// The admission decision writes the case's source and sub-target group on the admission event;
/// the span it opens keeps them with the ceremony (`membership_spans`), and a correction of the
/// admission event moves both.
async fn the_decision_writes_the_case_origin(t: &TestStore) {
    use domain::event::{AdmissionOrigin, Entry, EventData};
    let s = t.store.as_ref();
    let w = world(s).await;
    let c = Candidate { source: CandidateSource::WomenUnion, target_group: Some(TargetGroup::PrivateEnterprise), ..candidate(w.cell, 2) };
    let id = s.create_candidate(&ctx(), c).await.unwrap();
    let mut v = file_until_vote(s, &w, id).await;
    for step in [
        StepData::ChiBoVote { vote: vote(d(2024, 3, 20), 3, 3) },
        StepData::GrassrootsResolution { on: d(2024, 3, 25), number: "16-NQ/ĐU".into() },
        StepData::Decision { basis: decision_basis("105-QĐ/ĐU", d(2024, 4, 1)), signer: "Bí thư Đảng ủy".into() },
    ] {
        s.record_step(&ctx(), id, v, step).await.unwrap();
        v += 1;
    }
    let member = s.case(id, d(2024, 4, 2)).await.unwrap().member.expect("the decision created the member record");
    let expected = AdmissionOrigin { source: Some(CandidateSource::WomenUnion), target_group: Some(TargetGroup::PrivateEnterprise) };
    let m = s.member(member).await.unwrap();
    let admission = m
        .events
        .iter()
        .find_map(|e| match &e.entry {
            Entry::Event(data) if matches!(data.kind, EventKind::Admitted { .. }) => Some((e.id, data.clone())),
            _ => None,
        })
        .expect("the admission event");
    assert_eq!(admission.1.kind.origin(), Some(expected));
    let span = m.history.span_on(d(2024, 4, 1)).unwrap();
    assert_eq!(m.history.admission_facts(span), Some(domain::history::AdmissionFacts { ceremony: None, origin: expected }));
    let stored = (None, Some("hoi-phu-nu".to_owned()), Some("doanh-nghiep-tu-nhan".to_owned()));
    assert_eq!(stored_admission_span(t, member).await, stored);

    // The ceremony step goes on the record and into the span.
    for step in [StepData::DecisionReceived { on: d(2024, 4, 5) }, StepData::Ceremony { on: d(2024, 5, 19) }] {
        s.record_step(&ctx(), id, v, step).await.unwrap();
        v += 1;
    }
    let stored = (Some(d(2024, 5, 19)), Some("hoi-phu-nu".to_owned()), Some("doanh-nghiep-tu-nhan".to_owned()));
    assert_eq!(stored_admission_span(t, member).await, stored);

    // A correction of the admission event changes the source and drops the sub-target group.
    let m = s.member(member).await.unwrap();
    let mut corrected: EventData = admission.1.clone();
    let union = AdmissionOrigin { source: Some(CandidateSource::TradeUnion), target_group: None };
    if let EventKind::Admitted { origin, .. } = &mut corrected.kind {
        *origin = union;
    }
    s.correct_event(&ctx(), member, m.version, admission.0, Entry::Event(corrected), "nhập sai nguồn".into()).await.unwrap();
    let m = s.member(member).await.unwrap();
    let span = m.history.span_on(d(2024, 4, 1)).unwrap();
    assert_eq!(m.history.admission_facts(span), Some(domain::history::AdmissionFacts { ceremony: Some(d(2024, 5, 19)), origin: union }));
    assert_eq!(stored_admission_span(t, member).await, (Some(d(2024, 5, 19)), Some("cong-doan".to_owned()), None));
    // A second store on the same database reads the same record.
    let other = t.reopen().await;
    assert_eq!(other.member(member).await.unwrap().events, m.events);
}
