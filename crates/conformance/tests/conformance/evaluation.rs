//! Evaluation rounds on both engines: a round takes the regulation of its opening day (124-QĐ/TW
//! before 30/8/2025, 366-QĐ/TW from it) and keeps it; one evaluation per member and per
//! organization below; the steps in order at their versions; a level above the score, excellent
//! with discipline, and excellent beyond the quota are refused; a closed round changes no more;
//! the sheet counts by level under a unit with the residence's comment beside the member; the
//! desk keeps each step to its scope.

use conformance::{TestStore, on_both_engines};
use domain::access::Role;
use domain::evaluation::{Criteria, Level, Period, Progress, Regulation, RoundPlan, Step};
use domain::unit::UnitKind::*;
use storage::prelude::*;
use storage::{EvaluationSubject, StepInput, StoreError};

use crate::fixtures::*;

on_both_engines!(a_round_from_opening_to_close, each_step_keeps_to_its_scope, a_committee_scores_by_its_own_criteria);

/// A round of `period` due on 20/12/2026, with the default quota.
fn plan(period: Period) -> RoundPlan {
    RoundPlan { period, quota_percent: 20, due_on: d(2026, 12, 20), criteria: None }
}

fn input(level: &str, score: &str) -> StepInput {
    StepInput { level: level.into(), score: score.into(), ..StepInput::default() }
}

async fn a_round_from_opening_to_close(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã Xuân", Some(province), d(2000, 1, 1)).await;
    let cell = unit(s, GrassrootsCell, "XA", "Chi bộ thôn An", Some(commune), d(2000, 1, 1)).await;
    let mut members = Vec::new();
    for i in 0..10 {
        members.push(
            member(
                s,
                &format!("Nguyễn Văn An {}", ["Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười"][i]),
                "nam",
                "01/01/1980",
                &cccd(i as u32 + 1),
                cell,
                d(2010, 1, 5),
                true,
            )
            .await,
        );
    }
    // A round of 2025 opened before 30/8/2025 follows 124-QĐ/TW; one of 2026 follows 366-QĐ/TW.
    let in_2025 = |period| RoundPlan { period, quota_percent: 20, due_on: d(2025, 12, 20), criteria: None };
    let old = s.open_round(&at(d(2025, 8, 20)), commune, &in_2025(Period::Year(2025))).await.unwrap();
    let stored = s.evaluation_round(old).await.unwrap();
    assert_eq!((stored.regulation, stored.due_on), (Regulation::Qd124, Some(d(2025, 12, 20))));
    assert_eq!(codes(s.open_round(&at(d(2025, 8, 21)), commune, &in_2025(Period::Year(2025))).await.unwrap_err()), ["duplicate"]);
    assert_eq!(
        codes(s.open_round(&at(d(2025, 8, 21)), commune, &in_2025(Period::Quarter { year: 2025, quarter: 2 })).await.unwrap_err()),
        ["yearly_only"]
    );
    let late = RoundPlan { due_on: d(2025, 8, 1), ..in_2025(Period::Year(2024)) };
    assert_eq!(codes(s.open_round(&at(d(2025, 8, 21)), commune, &late).await.unwrap_err()), ["before_opening"]);
    let round = s.open_round(&ctx(), commune, &plan(Period::Year(2026))).await.unwrap();
    assert_eq!(s.evaluation_round(round).await.unwrap().regulation, Regulation::Qd366);
    let sheet = s.round_sheet(round, commune, ctx().today).await.unwrap();
    assert_eq!((sheet.members.len(), sheet.units.len()), (10, 1), "the members and the chi bộ");
    assert_eq!(s.evaluation_rounds(cell, ctx().today).await.unwrap().len(), 2, "a chi bộ sees its committee's rounds");

    let id = |m| sheet.members.iter().find(|x| x.row.subject == EvaluationSubject::Member(m)).unwrap().row.id;
    let step = |e: i64, v: i64, st: Step, i: StepInput| async move { s.record_evaluation_step(&ctx(), e, v, st, i).await };
    // No decision before the chi bộ's proposal; a level above the score; a stale version.
    assert_eq!(codes(step(id(members[0]), 1, Step::Decision, input("tot", "80")).await.unwrap_err()), ["no_proposal"]);
    assert_eq!(codes(step(id(members[0]), 1, Step::SelfAssessment, input("xuat-sac", "88")).await.unwrap_err()), ["above_score"]);
    step(id(members[0]), 1, Step::SelfAssessment, input("xuat-sac", "93")).await.unwrap();
    assert!(matches!(step(id(members[0]), 1, Step::Proposal, input("tot", "85")).await, Err(StoreError::Conflict { .. })));
    // Discipline blocks excellent.
    let disciplined = StepInput { disciplined: true, ..input("xuat-sac", "95") };
    assert_eq!(codes(step(id(members[1]), 1, Step::Proposal, disciplined).await.unwrap_err()), ["disciplined"]);
    // Ten members proposed good or better: at most two excellent (20 %).
    for (i, m) in members.iter().enumerate() {
        let v = if i == 0 { 2 } else { 1 };
        let level = if i < 3 { "xuat-sac" } else { "tot" };
        step(id(*m), v, Step::Proposal, input(level, if i < 3 { "92" } else { "80" })).await.unwrap();
    }
    let v0 = 3;
    step(id(members[0]), v0, Step::Decision, input("xuat-sac", "92")).await.unwrap();
    step(id(members[1]), 2, Step::Decision, input("xuat-sac", "92")).await.unwrap();
    let e = step(id(members[2]), 2, Step::Decision, input("xuat-sac", "92")).await.unwrap_err();
    assert_eq!(codes(e), ["quota"]);
    step(id(members[2]), 2, Step::Decision, input("tot", "92")).await.unwrap();
    assert_eq!(codes(step(id(members[2]), 3, Step::Decision, input("tot", "92")).await.unwrap_err()), ["decided"]);
    let sheet = s.round_sheet(round, commune, ctx().today).await.unwrap();
    assert_eq!(sheet.member_counts.levels, [2, 1, 0, 0]);
    assert_eq!(sheet.member_counts.undecided, 7);
    assert_eq!(sheet.units[0].members, [2, 8, 0, 0], "the chi bộ's members by level, decided else proposed");
    assert_eq!(sheet.by_child[0].2.levels, [2, 1, 0, 0]);
    // The worklist: the open rounds with what their evaluations wait for, earliest deadline
    // first (the 2025 round is due 20/12/2025), seen from the commune and from its chi bộ.
    let due = s.rounds_due(commune, ctx().today).await.unwrap();
    assert_eq!(due.iter().map(|d| d.round.id).collect::<Vec<_>>(), [old, round]);
    assert!(due.iter().all(|d| d.covers));
    assert_eq!(due[1].members, Progress { total: 10, self_assessed: 1, proposed: 10, decided: 3 });
    assert_eq!(due[1].units, Progress { total: 1, ..Progress::default() });
    assert_eq!(s.rounds_due(cell, ctx().today).await.unwrap()[1].members.total, 10, "every member is in the one chi bộ");
    // A term round (366-QĐ/TW) opened by the chi bộ shows on the commune's worklist as one below.
    let term = s.open_round(&ctx(), cell, &plan(Period::Term { first: 2021, last: 2026 })).await.unwrap();
    let due = s.rounds_due(commune, ctx().today).await.unwrap();
    let below = due.iter().find(|d| d.round.id == term).unwrap();
    assert!(!below.covers && below.members.total == 10 && below.units.total == 0, "a chi bộ rates no organization below");
    assert!(s.rounds_due(province, ctx().today).await.unwrap().iter().all(|d| !d.covers), "the province opened none");
    // The 124 round records levels without a score.
    let old_sheet = s.round_sheet(old, commune, ctx().today).await.unwrap();
    let first = old_sheet.members[0].row.id;
    assert_eq!(codes(s.record_evaluation_step(&ctx(), first, 1, Step::Proposal, input("tot", "80")).await.unwrap_err()), ["not_scored"]);
    s.record_evaluation_step(&ctx(), first, 1, Step::Proposal, input("tot", "")).await.unwrap();
    // Closed: nothing changes any more.
    s.close_round(&ctx(), old).await.unwrap();
    assert!(matches!(s.close_round(&ctx(), old).await, Err(StoreError::Conflict { .. })));
    assert_eq!(codes(s.record_evaluation_step(&ctx(), first, 2, Step::Decision, input("tot", "")).await.unwrap_err()), ["closed"]);
    assert_eq!(s.member_evaluations(members[0]).await.unwrap().len(), 3, "the year 2025, the year 2026 and the term");
}

/// A round with the committee's own criteria list (366-QĐ/TW): each step gives each criterion's
/// points, the score is their sum and is checked as any score; the sheet shows the points per step.
async fn a_committee_scores_by_its_own_criteria(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã Xuân", Some(province), d(2000, 1, 1)).await;
    let cell = unit(s, GrassrootsCell, "XA", "Chi bộ thôn An", Some(commune), d(2000, 1, 1)).await;
    let an = member(s, "Nguyễn Văn An", "nam", "01/01/1980", &cccd(1), cell, d(2010, 1, 5), true).await;
    let list = Criteria::parse_lines("Chính trị, tư tưởng | 20\nĐạo đức, lối sống | 20\nKết quả thực hiện nhiệm vụ | 60").unwrap();
    let round = s.open_round(&ctx(), commune, &RoundPlan { criteria: list.clone(), ..plan(Period::Year(2026)) }).await.unwrap();
    assert_eq!(s.round_criteria(round).await.unwrap(), list);
    let sheet = s.round_sheet(round, commune, ctx().today).await.unwrap();
    assert_eq!(sheet.criteria, list);
    let id = sheet.members.iter().find(|m| m.row.subject == EvaluationSubject::Member(an)).unwrap().row.id;
    let scored = |level: &str, points: &[&str]| StepInput { points: points.iter().map(|p| p.to_string()).collect(), ..input(level, "") };
    // A total alone is refused; a criterion above its most; the level above what the sum yields.
    assert_eq!(codes(s.record_evaluation_step(&ctx(), id, 1, Step::SelfAssessment, input("tot", "80")).await.unwrap_err()), ["count"]);
    let e = s.record_evaluation_step(&ctx(), id, 1, Step::SelfAssessment, scored("tot", &["21", "20", "50"])).await.unwrap_err();
    assert_eq!(codes(e), ["range"]);
    let e = s.record_evaluation_step(&ctx(), id, 1, Step::SelfAssessment, scored("xuat-sac", &["18", "18", "50"])).await.unwrap_err();
    assert_eq!(codes(e), ["above_score"]);
    s.record_evaluation_step(&ctx(), id, 1, Step::SelfAssessment, scored("tot", &["18", "18", "50"])).await.unwrap();
    s.record_evaluation_step(&ctx(), id, 2, Step::Proposal, scored("tot", &["17", "18", "45"])).await.unwrap();
    let row = s.evaluation_of(id).await.unwrap().1;
    assert_eq!((row.self_rating.unwrap().score, row.proposed.unwrap().score), (Some(86), Some(80)));
    let sheet = s.round_sheet(round, commune, ctx().today).await.unwrap();
    let points = &sheet.members[0].points;
    assert_eq!(
        points.iter().map(|p| (p.step, p.points.clone())).collect::<Vec<_>>(),
        [(Step::SelfAssessment, vec![18, 18, 50]), (Step::Proposal, vec![17, 18, 45])]
    );
    // A round without a list takes no points; a list under 124-QĐ/TW is refused.
    let other = s.open_round(&ctx(), commune, &plan(Period::Quarter { year: 2026, quarter: 4 })).await.unwrap();
    let sheet = s.round_sheet(other, commune, ctx().today).await.unwrap();
    let e = s.record_evaluation_step(&ctx(), sheet.members[0].row.id, 1, Step::SelfAssessment, scored("tot", &["80"])).await.unwrap_err();
    assert_eq!(codes(e), ["no_criteria"]);
    let old = RoundPlan { period: Period::Year(2025), due_on: d(2025, 12, 20), criteria: list, quota_percent: 20 };
    assert_eq!(codes(s.open_round(&at(d(2025, 8, 20)), commune, &old).await.unwrap_err()), ["not_scored"]);
}

async fn each_step_keeps_to_its_scope(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã Xuân", Some(province), d(2000, 1, 1)).await;
    let a = unit(s, GrassrootsCell, "XA", "Chi bộ thôn An", Some(commune), d(2000, 1, 1)).await;
    let b = unit(s, GrassrootsCell, "XB", "Chi bộ thôn Bình", Some(commune), d(2000, 1, 1)).await;
    let an = member(s, "Nguyễn Văn An", "nam", "01/01/1980", &cccd(1), a, d(2010, 1, 5), true).await;
    let cuong = member(s, "Lê Văn Cường", "nam", "01/01/1980", &cccd(2), b, d(2010, 1, 5), true).await;
    let leader = access(&t.store, &[(Role::CommitteeLeader, Some(commune))]);
    let round = leader.evaluation().unwrap().open(commune, &plan(Period::Year(2026))).await.unwrap();
    let sheet = s.round_sheet(round, commune, ctx().today).await.unwrap();
    let id = |m| sheet.members.iter().find(|x| x.row.subject == EvaluationSubject::Member(m)).unwrap().row.id;
    // A's secretary proposes for A's members, not B's, and decides nothing.
    let secretary = access(&t.store, &[(Role::CellSecretary, Some(a))]);
    let desk = secretary.evaluation().unwrap();
    desk.step(round, id(an), 1, Step::Proposal, input("tot", "80")).await.unwrap();
    assert!(matches!(desk.step(round, id(cuong), 1, Step::Proposal, input("tot", "80")).await, Err(StoreError::NotFound)));
    assert!(matches!(desk.step(round, id(an), 2, Step::Decision, input("tot", "80")).await, Err(StoreError::Forbidden)));
    assert!(matches!(desk.open(a, &plan(Period::Year(2026))).await, Err(StoreError::Forbidden)));
    assert_eq!(desk.sheet(round, a).await.unwrap().members.len(), 1);
    assert!(matches!(desk.sheet(round, b).await, Err(StoreError::NotFound)));
    // An evaluation named with another round: not found.
    let other = leader.evaluation().unwrap().open(commune, &plan(Period::Quarter { year: 2026, quarter: 4 })).await.unwrap();
    assert!(matches!(desk.step(other, id(an), 2, Step::Proposal, input("tot", "80")).await, Err(StoreError::NotFound)));
    // A's secretary self-assesses A itself (Mẫu 01), not B.
    let org = |u| sheet.units.iter().find(|x| x.row.subject == EvaluationSubject::Unit(u)).unwrap().row.id;
    desk.step(round, org(a), 1, Step::SelfAssessment, input("tot", "82")).await.unwrap();
    assert!(matches!(desk.step(round, org(b), 1, Step::SelfAssessment, input("tot", "82")).await, Err(StoreError::NotFound)));
    // The commune's leader decides.
    leader.evaluation().unwrap().step(round, id(an), 2, Step::Decision, input("tot", "80")).await.unwrap();
    let e = s.evaluation_of(id(an)).await.unwrap().1;
    assert_eq!(e.decided.map(|r| r.level), Some(Level::Good));
}

on_both_engines!(an_organization_rated_not_completed_is_listed_as_weak);

/// An organization the year's round decided "không hoàn thành nhiệm vụ" is on the weak list of
/// that year with the reason (domain::weak `NotCompleted`).
async fn an_organization_rated_not_completed_is_listed_as_weak(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã Xuân", Some(province), d(2000, 1, 1)).await;
    let cell = unit(s, GrassrootsCell, "XA", "Chi bộ thôn An", Some(commune), d(2000, 1, 1)).await;
    member(s, "Nguyễn Văn An", "nam", "01/01/1980", &cccd(1), cell, d(2010, 1, 5), true).await;
    let round = s.open_round(&ctx(), commune, &plan(Period::Year(2026))).await.unwrap();
    let sheet = s.round_sheet(round, commune, ctx().today).await.unwrap();
    let org = sheet.units.iter().find(|u| u.row.subject == EvaluationSubject::Unit(cell)).unwrap().row.id;
    let reasons = |r: storage::WeakReport| {
        r.rows.iter().find(|x| x.unit == cell).map(|x| x.findings.iter().map(|f| f.reason).collect::<Vec<_>>()).unwrap_or_default()
    };
    let before = reasons(s.weak_organizations(commune, 2026, ctx().today).await.unwrap());
    assert!(!before.contains(&domain::weak::WeakReason::NotCompleted));
    s.record_evaluation_step(&ctx(), org, 1, Step::Proposal, input("khong-hoan-thanh", "45")).await.unwrap();
    s.record_evaluation_step(&ctx(), org, 2, Step::Decision, input("khong-hoan-thanh", "45")).await.unwrap();
    let after = reasons(s.weak_organizations(commune, 2026, ctx().today).await.unwrap());
    assert!(after.contains(&domain::weak::WeakReason::NotCompleted), "{after:?}");
}
