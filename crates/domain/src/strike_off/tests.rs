use super::*;
use crate::ids::DecisionNumber;
use crate::testing::d;

fn codes(r: Result<impl std::fmt::Debug, ValidationErrors>) -> Vec<&'static str> {
    r.err().map(|e| e.errors.iter().map(|e| e.code).collect()).unwrap_or_default()
}

fn proposal(votes_for: u32, votes_counted: u32) -> ProposalInput {
    ProposalInput {
        reason: StrikeOffReason::AbandonedActivities,
        evidence: "Vắng sinh hoạt không lý do các tháng 3, 5, 7/2026; chi ủy đã gặp ba lần.".into(),
        resolution: Resolution { on: d(2026, 8, 5), text: "Nghị quyết số 05-NQ/CB".into(), votes_for, votes_counted },
    }
}

#[test]
fn every_trigger_gives_its_reason_and_its_path() {
    assert_eq!(Trigger::Absent.reason(), StrikeOffReason::AbandonedActivities);
    assert!(!Trigger::Absent.on_the_case());
    assert_eq!(Trigger::ProbationUnexamined.reason(), StrikeOffReason::ProbationNotQualified);
    assert!(Trigger::ProbationNotQualified.on_the_case() && Trigger::ProbationUnexamined.on_the_case());
}

#[test]
fn a_proposal_needs_evidence_and_a_resolution_passed_by_more_than_half() {
    let today = d(2026, 8, 10);
    assert!(proposal(5, 9).check(today).is_ok());
    assert_eq!(codes(proposal(4, 8).check(today)), ["not_passed"], "half is not more than half");
    assert_eq!(codes(proposal(9, 8).check(today)), ["votes"]);
    assert_eq!(codes(proposal(0, 0).check(today)), ["votes"]);
    let mut p = proposal(5, 9);
    p.evidence = " ".into();
    p.resolution.text = String::new();
    p.resolution.on = d(2026, 8, 11);
    assert_eq!(codes(p.check(today)), ["required", "required", "in_future"]);
    let mut probation = proposal(5, 9);
    probation.reason = StrikeOffReason::ProbationNotQualified;
    assert_eq!(codes(probation.check(today)), ["on_the_case"], "a probationary member goes through the admission case");
}

#[test]
fn the_decision_follows_the_resolution() {
    let basis =
        |on| LegalBasis { number: DecisionNumber::parse("12-QĐ/ĐU").unwrap(), date: on, issuer: "Đảng ủy xã An Phú".into() };
    let resolved = d(2026, 8, 5);
    let today = d(2026, 9, 1);
    assert!(Decision::StruckOff { basis: basis(d(2026, 8, 20)) }.check(resolved, today).is_ok());
    assert_eq!(codes(Decision::StruckOff { basis: basis(d(2026, 8, 4)) }.check(resolved, today)), ["before_resolution"]);
    assert_eq!(codes(Decision::StruckOff { basis: basis(d(2026, 9, 2)) }.check(resolved, today)), ["in_future"]);
    assert_eq!(codes(Decision::Kept { on: d(2026, 8, 20), reason: " ".into() }.check(resolved, today)), ["required"]);
    let kept = Decision::Kept { on: d(2026, 8, 20), reason: "Đảng viên có lý do chính đáng (ốm dài ngày)".into() };
    assert_eq!(kept.check(resolved, today).unwrap().on(), d(2026, 8, 20));
}
