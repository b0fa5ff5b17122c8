use super::*;
use crate::admission::Readmission;
use crate::member::{GeneralEducation, OccupationGroup};
use crate::testing::{basis, candidate, d};

fn today() -> NaiveDate {
    d(2026, 11, 25)
}

fn codes(blockers: &[Blocker]) -> Vec<&'static str> {
    blockers.iter().map(|b| b.code).collect()
}

fn fields(e: &ValidationErrors) -> Vec<&str> {
    e.errors.iter().map(|f| f.field.as_str()).collect()
}

// ---------------------------------------------------------------------------------------------
// Fixture: a candidate whose whole file is in order (`testing::candidate`), and the steps of a
// case that goes through
// ---------------------------------------------------------------------------------------------

fn by_id(member: i64) -> IntroducerId {
    IntroducerId::Member { member: MemberId(member) }
}

fn introducer(member: i64, on: NaiveDate) -> IntroducerRef {
    IntroducerRef { who: by_id(member), introduced_on: on, together_since: d(2020, 1, 1), together: Together::Work }
}

fn two_members(a: &IntroducerRef, b: &IntroducerRef) -> StepData {
    StepData::Introduction { mode: IntroductionMode::TwoMembers, resolution_on: None, introducers: vec![a.clone(), b.clone()] }
}

fn youth_union(resolution_on: Option<NaiveDate>, introducers: Vec<IntroducerRef>) -> StepData {
    StepData::Introduction { mode: IntroductionMode::YouthUnion, resolution_on, introducers }
}

fn vote(on: NaiveDate, official_members: u32, present: u32, in_favour: u32, against: u32) -> ChiBoVote {
    ChiBoVote { on, official_members, present, in_favour, against }
}

/// A step of `kind` dated `on`, with ordinary content (9 official members, 8 present, 7 for; two
/// official introducers, members 11 and 12; recognition proposed).
fn step(kind: StepKind, on: NaiveDate) -> StepData {
    match kind {
        StepKind::Application => StepData::Application { on },
        StepKind::Autobiography => StepData::Autobiography { on },
        StepKind::VerificationRequest => StepData::VerificationRequest { on, to: "Đảng ủy xã nơi cư trú".into() },
        StepKind::VerificationResult => StepData::VerificationResult { on, clear: true, summary: "Lý lịch rõ ràng".into() },
        StepKind::Introduction => two_members(&introducer(11, on), &introducer(12, on)),
        StepKind::Opinions => StepData::Opinions { on },
        StepKind::DocumentsRenewed => StepData::DocumentsRenewed { on },
        StepKind::ChiBoVote => StepData::ChiBoVote { vote: vote(on, 9, 8, 7, 1) },
        StepKind::GrassrootsResolution => StepData::GrassrootsResolution { on, number: "45-NQ/ĐU".into() },
        StepKind::Extension => StepData::Extension { on, note: "Chờ kết quả thẩm tra bổ sung".into() },
        StepKind::Decision => StepData::Decision { basis: basis(on), signer: "Nguyễn Văn Bí".into() },
        StepKind::DecisionReceived => StepData::DecisionReceived { on },
        StepKind::Ceremony => StepData::Ceremony { on },
        StepKind::NewMemberClass => StepData::NewMemberClass { on, number: "88-GCN".into() },
        StepKind::SelfReview => StepData::SelfReview { on },
        StepKind::HelperComment => StepData::HelperComment { on },
        StepKind::ProbationOpinions => StepData::ProbationOpinions { on },
        StepKind::RecognitionVote => StepData::RecognitionVote { vote: vote(on, 9, 8, 7, 1), proposal: RecognitionProposal::Recognize },
        StepKind::RecognitionResolution => StepData::RecognitionResolution { on, number: "60-NQ/ĐU".into() },
        StepKind::RecognitionDecision => StepData::RecognitionDecision { basis: basis(on), signer: "Nguyễn Văn Bí".into() },
        StepKind::StrikeOffDecision => StepData::StrikeOffDecision { basis: basis(on), signer: "Nguyễn Văn Bí".into() },
        StepKind::Closed => StepData::Closed { on, reason: "Chuyển đi nơi khác".into() },
    }
}

/// The whole case, from the application to recognition. Decision 15/07/2025, so official on 15/07/2026.
fn path() -> Vec<StepData> {
    use StepKind::*;
    [
        (Application, d(2025, 4, 1)),
        (Autobiography, d(2025, 4, 5)),
        (VerificationRequest, d(2025, 4, 10)),
        (VerificationResult, d(2025, 5, 10)),
        (Introduction, d(2025, 5, 15)),
        (Opinions, d(2025, 5, 20)),
        (ChiBoVote, d(2025, 6, 10)),
        (GrassrootsResolution, d(2025, 6, 20)),
        (Decision, d(2025, 7, 15)),
        (DecisionReceived, d(2025, 7, 17)),
        (Ceremony, d(2025, 8, 1)),
        (NewMemberClass, d(2025, 10, 1)),
        (SelfReview, d(2026, 7, 16)),
        (HelperComment, d(2026, 7, 16)),
        (ProbationOpinions, d(2026, 7, 17)),
        (RecognitionVote, d(2026, 8, 3)),
        (RecognitionResolution, d(2026, 8, 7)),
        (RecognitionDecision, d(2026, 8, 14)),
    ]
    .into_iter()
    .map(|(k, on)| step(k, on))
    .collect()
}

/// The first `n` steps of [`path`].
fn prefix(n: usize) -> Steps {
    Steps(path()[..n].to_vec())
}

/// The steps of [`path`] before `kind`.
fn before(kind: StepKind) -> Steps {
    let path = path();
    let n = path.iter().position(|s| s.kind() == kind).unwrap();
    Steps(path[..n].to_vec())
}

/// The steps of [`path`] up to `kind` included.
fn through(kind: StepKind) -> Steps {
    let path = path();
    let n = path.iter().position(|s| s.kind() == kind).unwrap();
    Steps(path[..=n].to_vec())
}

fn with(steps: &Steps, more: &[StepData]) -> Steps {
    Steps(steps.0.iter().chain(more).cloned().collect())
}

fn official(name: &str) -> IntroducerFacts {
    IntroducerFacts { name: name.into(), official_since: Some(d(2010, 1, 1)), active: true }
}

/// Both introducers of [`path`] official since 2010 and active.
fn facts() -> Facts {
    Facts {
        introducers: vec![(by_id(11), Some(official("Nguyễn Văn An"))), (by_id(12), Some(official("Trần Thị Bình")))], former: None
    }
}

fn facts_with_12(f: Option<IntroducerFacts>) -> Facts {
    Facts { introducers: vec![(by_id(11), Some(official("Nguyễn Văn An"))), (by_id(12), f)], former: None }
}

fn check(c: &Candidate, steps: &Steps, new: &StepData, facts: &Facts) -> Vec<&'static str> {
    codes(&check_step(c, steps, new, facts, &AdmissionConfig::default(), today()))
}

// ---------------------------------------------------------------------------------------------
// Stage and next steps
// ---------------------------------------------------------------------------------------------

#[test]
fn the_whole_path_is_accepted_step_by_step() {
    let path = path();
    for (i, s) in path.iter().enumerate() {
        let got = check_step(&candidate(), &prefix(i), s, &facts(), &AdmissionConfig::default(), today());
        assert_eq!(got, vec![], "step {i} ({:?})", s.kind());
    }
}

#[test]
fn stage_as_steps_accumulate() {
    use Stage::*;
    // Stage after the first n steps of the path.
    let expected = [
        Source,
        File,
        File,
        File,
        File,
        File,
        File,
        AwaitingDecision,
        AwaitingDecision,
        AwaitingCeremony,
        AwaitingCeremony,
        Probation,
        Probation,
        Probation,
        Probation,
        Probation,
        AwaitingRecognition,
        AwaitingRecognition,
        Official,
    ];
    assert_eq!(expected.len(), path().len() + 1);
    for (n, stage_expected) in expected.into_iter().enumerate() {
        assert_eq!(stage(&prefix(n)), stage_expected, "after {n} steps");
    }
    let struck = with(&through(StepKind::RecognitionVote), &[step(StepKind::StrikeOffDecision, d(2026, 8, 14))]);
    assert_eq!(stage(&struck), StruckOff);
    let closed = with(&prefix(3), &[step(StepKind::Closed, d(2025, 5, 1))]);
    assert_eq!(stage(&closed), Closed);
    assert!(!Official.is_open() && !StruckOff.is_open() && !Closed.is_open());
    assert!(Stage::BOARD.iter().all(|s| s.is_open()));
    for s in [Source, File, AwaitingDecision, AwaitingCeremony, Probation, AwaitingRecognition, Official, StruckOff, Closed] {
        assert_eq!(Stage::parse(s.code()), Some(s));
    }
    assert_eq!(Stage::parse("nope"), None);
}

#[test]
fn next_steps_at_each_point_of_the_path() {
    use StepKind::*;
    let expected: [&[StepKind]; 19] = [
        &[Application, Closed],
        &[Autobiography, Introduction, Opinions, DocumentsRenewed, Closed],
        &[VerificationRequest, Introduction, Opinions, DocumentsRenewed, Closed],
        &[VerificationRequest, VerificationResult, Introduction, Opinions, DocumentsRenewed, Closed],
        &[VerificationRequest, VerificationResult, Introduction, Opinions, DocumentsRenewed, Closed],
        &[VerificationRequest, VerificationResult, Opinions, DocumentsRenewed, Closed],
        // The file is complete: the chi bộ may vote.
        &[VerificationRequest, VerificationResult, DocumentsRenewed, ChiBoVote, Closed],
        // After the vote: the file is frozen; the committee decides (possibly after an extension).
        &[GrassrootsResolution, Extension, Decision, Closed],
        &[Extension, Decision, Closed],
        // Admitted: no closing, no extension.
        &[DecisionReceived, Ceremony],
        &[Ceremony],
        &[NewMemberClass, SelfReview, HelperComment, ProbationOpinions],
        &[SelfReview, HelperComment, ProbationOpinions],
        &[HelperComment, ProbationOpinions],
        &[ProbationOpinions],
        &[RecognitionVote],
        // Recognition proposed: not strike-off.
        &[Extension, RecognitionResolution, RecognitionDecision],
        &[Extension, RecognitionDecision],
        &[],
    ];
    assert_eq!(expected.len(), path().len() + 1);
    for (n, want) in expected.into_iter().enumerate() {
        assert_eq!(next_steps(&prefix(n)), want, "after {n} steps");
    }
}

#[test]
fn the_vote_needs_every_document_of_the_file() {
    use StepKind::*;
    let file = before(ChiBoVote);
    for missing in [Application, Autobiography, VerificationResult, Introduction, Opinions] {
        let steps = Steps(file.0.iter().filter(|s| s.kind() != missing).cloned().collect());
        assert!(!next_steps(&steps).contains(&ChiBoVote), "without {missing:?}");
        assert_eq!(check(&candidate(), &steps, &step(ChiBoVote, d(2025, 6, 10)), &facts()), ["step_missing_before"], "{missing:?}");
    }
    // A verification request alone is not a result.
    let steps = Steps(file.0.iter().filter(|s| s.kind() != VerificationResult).cloned().collect());
    assert!(steps.has(VerificationRequest));
    assert!(!next_steps(&steps).contains(&ChiBoVote));
    assert!(next_steps(&file).contains(&ChiBoVote));
}

#[test]
fn decision_only_after_the_vote_and_nothing_after_the_end() {
    use StepKind::*;
    assert!(!next_steps(&before(ChiBoVote)).contains(&Decision));
    assert_eq!(check(&candidate(), &before(ChiBoVote), &step(Decision, d(2025, 7, 15)), &facts()), ["step_missing_before"]);
    assert!(next_steps(&through(ChiBoVote)).contains(&Decision));
    // Closing is possible until the decision, not after.
    assert!(next_steps(&through(GrassrootsResolution)).contains(&Closed));
    assert!(!next_steps(&through(Decision)).contains(&Closed));
    assert_eq!(check(&candidate(), &through(Decision), &step(Closed, d(2025, 7, 20)), &facts()), ["step_too_late"]);
    // Official, struck off or closed: nothing more.
    let official = prefix(path().len());
    let struck = with(&through(RecognitionVote), &[step(StrikeOffDecision, d(2026, 8, 14))]);
    let closed = with(&prefix(2), &[step(Closed, d(2025, 4, 20))]);
    for steps in [&official, &struck, &closed] {
        assert_eq!(next_steps(steps), []);
        for kind in StepKind::ALL {
            assert_eq!(check(&candidate(), steps, &step(*kind, d(2026, 9, 1)), &facts()), ["case_closed"], "{kind:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// check_step: order, dates, repetition
// ---------------------------------------------------------------------------------------------

#[test]
fn refusals_of_order_and_dates() {
    use StepKind::*;
    let c = candidate();
    let cases: [(Steps, StepData, &[&str]); 16] = [
        // Dated before the step it requires (application 01/04/2025).
        (prefix(1), step(Autobiography, d(2025, 3, 31)), &["dates_out_of_order"]),
        (prefix(1), step(Autobiography, d(2025, 4, 1)), &[]),
        // After today (25/11/2026).
        (prefix(1), step(Autobiography, d(2026, 11, 26)), &["step_in_future"]),
        (prefix(1), step(Autobiography, today()), &[]),
        // Not repeatable.
        (prefix(1), step(Application, d(2025, 4, 2)), &["step_already_recorded"]),
        (through(Opinions), step(Introduction, d(2025, 5, 25)), &["step_already_recorded"]),
        (through(Opinions), step(Opinions, d(2025, 5, 25)), &["step_already_recorded"]),
        // Repeatable: another verification round.
        (through(Opinions), step(VerificationRequest, d(2025, 5, 25)), &[]),
        (through(Opinions), step(VerificationResult, d(2025, 5, 25)), &[]),
        // The file is frozen by the vote.
        (through(ChiBoVote), step(VerificationRequest, d(2025, 6, 11)), &["step_too_late"]),
        (through(ChiBoVote), step(DocumentsRenewed, d(2025, 6, 11)), &["step_too_late"]),
        // Decision before the grassroots resolution (20/06/2025), and before the vote (10/06/2025).
        (through(GrassrootsResolution), step(Decision, d(2025, 6, 19)), &["dates_out_of_order"]),
        (through(GrassrootsResolution), step(Decision, d(2025, 6, 9)), &["dates_out_of_order", "dates_out_of_order"]),
        (through(GrassrootsResolution), step(Decision, d(2025, 6, 20)), &[]),
        // Ceremony before the chi bộ received the decision (17/07/2025).
        (through(DecisionReceived), step(Ceremony, d(2025, 7, 16)), &["dates_out_of_order"]),
        // Recognition decision before the grassroots resolution on recognition (07/08/2026).
        (through(RecognitionResolution), step(RecognitionDecision, d(2026, 8, 6)), &["dates_out_of_order"]),
    ];
    for (steps, new, expected) in cases {
        assert_eq!(check(&c, &steps, &new, &facts()), expected, "{new:?}");
    }
}

#[test]
fn one_extension_per_pending_proposal() {
    use StepKind::*;
    let c = candidate();
    let voted = through(ChiBoVote); // vote 10/06/2025
    let extended = with(&voted, &[step(Extension, d(2025, 6, 15))]);
    let cases: [(&Steps, NaiveDate, &[&str]); 5] = [
        (&voted, d(2025, 6, 15), &[]),
        (&voted, d(2025, 6, 9), &["dates_out_of_order"]),
        (&extended, d(2025, 6, 20), &["already_extended"]),
        (&through(Decision), d(2025, 7, 20), &["nothing_to_extend"]),
        (&through(Ceremony), d(2025, 8, 20), &["nothing_to_extend"]),
    ];
    for (steps, on, expected) in cases {
        assert_eq!(check(&c, steps, &step(Extension, on), &facts()), expected, "{on}");
    }
    assert!(!next_steps(&extended).contains(&Extension));

    // The recognition proposal (03/08/2026) may be extended once more, even after an admission extension.
    let full = Steps(path().into_iter().filter(|s| s.kind() != RecognitionResolution && s.kind() != RecognitionDecision).collect());
    let full = Steps([&full.0[..7], &[step(Extension, d(2025, 6, 15))], &full.0[7..]].concat());
    assert_eq!(stage(&full), Stage::AwaitingRecognition);
    assert_eq!(check(&c, &full, &step(Extension, d(2026, 8, 5)), &facts()), Vec::<&str>::new());
    let again = with(&full, &[step(Extension, d(2026, 8, 5))]);
    assert_eq!(check(&c, &again, &step(Extension, d(2026, 8, 12)), &facts()), ["already_extended"]);
}

#[test]
fn a_recognition_extension_cannot_predate_the_recognition_vote() {
    let steps = through(StepKind::RecognitionVote); // recognition vote 20/07/2026
    let early = step(StepKind::Extension, d(2026, 7, 19));
    assert_eq!(check(&candidate(), &steps, &early, &facts()), ["dates_out_of_order"]);
}

#[test]
fn recognition_vote_waits_for_the_twelve_months() {
    use StepKind::*;
    // Decision on 29/02/2024: official on 28/02/2025 (the month has no 29th).
    let steps = Steps(
        [
            (Application, d(2023, 6, 1)),
            (Autobiography, d(2023, 6, 2)),
            (VerificationRequest, d(2023, 6, 3)),
            (VerificationResult, d(2023, 7, 1)),
            (Introduction, d(2023, 7, 5)),
            (Opinions, d(2023, 7, 10)),
            (ChiBoVote, d(2024, 1, 10)),
            (Decision, d(2024, 2, 29)),
            (Ceremony, d(2024, 3, 15)),
            (NewMemberClass, d(2024, 6, 1)),
            (SelfReview, d(2025, 2, 1)),
            (HelperComment, d(2025, 2, 1)),
            (ProbationOpinions, d(2025, 2, 1)),
        ]
        .into_iter()
        .map(|(k, on)| step(k, on))
        .collect(),
    );
    assert_eq!(stage(&steps), Stage::Probation);
    // Ceremony 15/03/2024 (the decision of 29/02/2024 does not count): official 15/03/2025
    // (Charter art. 5 §1).
    let cases: [(NaiveDate, &[&str]); 3] = [(d(2025, 3, 14), &["probation_not_over"]), (d(2025, 3, 15), &[]), (d(2025, 3, 16), &[])];
    for (on, expected) in cases {
        assert_eq!(check(&candidate(), &steps, &step(RecognitionVote, on), &facts()), expected, "{on}");
    }
    // The path: decision 15/07/2025, ceremony 01/08/2025, so not before 01/08/2026.
    let path = before(RecognitionVote);
    assert_eq!(check(&candidate(), &path, &step(RecognitionVote, d(2026, 8, 1)), &facts()), Vec::<&str>::new());
    assert_eq!(check(&candidate(), &path, &step(RecognitionVote, d(2026, 7, 31)), &facts()).last(), Some(&"probation_not_over"));
    // The two-thirds rule applies to the recognition vote too.
    let weak = StepData::RecognitionVote { vote: vote(d(2026, 8, 3), 9, 9, 5, 4), proposal: RecognitionProposal::Recognize };
    assert_eq!(check(&candidate(), &path, &weak, &facts()), ["vote_below_two_thirds"]);
    let message =
        &check_step(&candidate(), &steps, &step(RecognitionVote, d(2025, 3, 14)), &facts(), &AdmissionConfig::default(), today())[0];
    assert!(message.message.contains("15/03/2025"), "{}", message.message);
}

#[test]
fn the_decision_follows_the_chi_bo_proposal() {
    use StepKind::*;
    let c = candidate();
    let strike = StepData::RecognitionVote { vote: vote(d(2026, 8, 3), 9, 9, 7, 2), proposal: RecognitionProposal::StrikeOff };
    let proposed_strike = with(&before(RecognitionVote), &[strike]);
    assert_eq!(stage(&proposed_strike), Stage::AwaitingRecognition);
    assert_eq!(check(&c, &proposed_strike, &step(RecognitionDecision, d(2026, 8, 14)), &facts()), ["proposal_mismatch"]);
    assert_eq!(check(&c, &proposed_strike, &step(StrikeOffDecision, d(2026, 8, 14)), &facts()), Vec::<&str>::new());
    assert_eq!(next_steps(&proposed_strike), [Extension, RecognitionResolution, StrikeOffDecision]);
    let proposed_recognition = through(RecognitionVote);
    assert_eq!(check(&c, &proposed_recognition, &step(StrikeOffDecision, d(2026, 8, 14)), &facts()), ["proposal_mismatch"]);
}

// ---------------------------------------------------------------------------------------------
// check_step: introducers
// ---------------------------------------------------------------------------------------------

#[test]
fn introducers_at_the_introduction() {
    let c = candidate();
    let steps = before(StepKind::Introduction);
    let on = d(2025, 5, 15);
    let a = introducer(11, on);
    let b = introducer(12, on);
    let not_member = Facts { introducers: vec![(by_id(11), Some(official("Nguyễn Văn An")))], former: None };
    let cases: [(StepData, Facts, &[&str]); 13] = [
        (two_members(&a, &b), facts(), &[]),
        // Member 12 is not in the register (looked up and not found, or not looked up at all).
        (two_members(&a, &b), facts_with_12(None), &["introducer_unknown"]),
        (two_members(&a, &b), not_member, &["introducer_unknown"]),
        // Probationary on the day of the letter.
        (
            two_members(&a, &b),
            facts_with_12(Some(IntroducerFacts { official_since: None, ..official("Lê Văn Cường") })),
            &["introducer_not_official"],
        ),
        (
            two_members(&a, &b),
            facts_with_12(Some(IntroducerFacts { official_since: Some(d(2025, 5, 16)), ..official("Lê Văn Cường") })),
            &["introducer_not_official"],
        ),
        (two_members(&a, &b), facts_with_12(Some(IntroducerFacts { official_since: Some(on), ..official("Lê Văn Cường") })), &[]),
        // Not an active member on the date (struck off, transferred out, …).
        (
            two_members(&a, &b),
            facts_with_12(Some(IntroducerFacts { active: false, ..official("Lê Văn Cường") })),
            &["introducer_not_active"],
        ),
        // The same member twice.
        (two_members(&a, &a), facts(), &["introducer_twice"]),
        // Eleven months together, then twelve.
        (two_members(&a, &IntroducerRef { together_since: d(2024, 5, 16), ..b.clone() }), facts(), &["introducer_too_short"]),
        (two_members(&a, &IntroducerRef { together_since: d(2024, 5, 15), ..b.clone() }), facts(), &[]),
        // Youth Union executive plus one member; the count and the resolution must be there.
        (youth_union(Some(d(2025, 5, 10)), vec![a.clone()]), facts(), &[]),
        (youth_union(Some(d(2025, 5, 10)), vec![a.clone(), b.clone()]), facts(), &["introducer_count"]),
        (youth_union(None, vec![a.clone()]), facts(), &["resolution_missing"]),
    ];
    for (new, f, expected) in cases {
        assert_eq!(check(&c, &steps, &new, &f), expected, "{new:?} {f:?}");
    }
    assert_eq!(
        check(
            &c,
            &steps,
            &StepData::Introduction { mode: IntroductionMode::TwoMembers, resolution_on: None, introducers: vec![a.clone()] },
            &facts()
        ),
        ["introducer_count"]
    );
    // Youth Union mode for a candidate who is not a Youth Union member.
    let not_youth = Candidate { profile: Profile { youth_union: false, ..candidate().profile }, ..candidate() };
    assert_eq!(check(&not_youth, &steps, &youth_union(Some(d(2025, 5, 10)), vec![a.clone()]), &facts()), ["not_youth_union_member"]);
    assert_eq!(check(&not_youth, &steps, &two_members(&a, &b), &facts()), Vec::<&str>::new());
    // Letter dated before the application (01/04/2025).
    let early = two_members(&introducer(11, d(2025, 3, 1)), &introducer(12, d(2025, 3, 2)));
    assert_eq!(check(&c, &steps, &early, &facts()), ["dates_out_of_order"]);
}

#[test]
fn an_introduction_dated_in_the_future_is_refused() {
    let steps = before(StepKind::Introduction);
    let late = two_members(&introducer(11, d(2025, 5, 15)), &introducer(12, d(2026, 11, 26)));
    let got = check(&candidate(), &steps, &late, &facts());
    assert!(got.contains(&"step_in_future"), "{got:?}");
    assert!(got.iter().all(|c| *c == "step_in_future"), "{got:?}");
}

#[test]
fn a_future_introduction_letter_is_reported_once() {
    let steps = before(StepKind::Introduction);
    let late = two_members(&introducer(11, d(2025, 5, 15)), &introducer(12, d(2026, 11, 26)));
    assert_eq!(check(&candidate(), &steps, &late, &facts()), ["step_in_future"]);
}

#[test]
fn introducers_are_checked_again_at_the_vote() {
    let c = candidate();
    let steps = before(StepKind::ChiBoVote);
    let new = step(StepKind::ChiBoVote, d(2025, 6, 10));
    assert_eq!(check(&c, &steps, &new, &facts()), Vec::<&str>::new());
    assert_eq!(check(&c, &steps, &new, &facts_with_12(None)), ["introducer_unknown"]);
    assert_eq!(check(&c, &steps, &new, &Facts::default()), ["introducer_unknown", "introducer_unknown"]);
    let inactive = facts_with_12(Some(IntroducerFacts { active: false, ..official("Trần Thị Bình") }));
    assert_eq!(check(&c, &steps, &new, &inactive), ["introducer_not_active"]);
    let probationary = facts_with_12(Some(IntroducerFacts { official_since: None, ..official("Trần Thị Bình") }));
    assert_eq!(check(&c, &steps, &new, &probationary), ["introducer_not_official"]);
}

// ---------------------------------------------------------------------------------------------
// check_step: the admission check at the chi bộ vote
// ---------------------------------------------------------------------------------------------

#[test]
fn the_whole_admission_check_runs_at_the_vote() {
    let steps = before(StepKind::ChiBoVote);
    let on = d(2025, 6, 10);
    let new = step(StepKind::ChiBoVote, on);
    let born = |birth_date| Candidate { identity: Identity { birth_date, ..candidate().identity }, ..candidate() };
    let certified = |issued_on| Candidate {
        certificate: Some(Certificate { number: "1-GCN".into(), issued_on, issuer: "Trung tâm Chính trị".into() }),
        ..candidate()
    };
    let cases: [(Candidate, &[&str]); 8] = [
        (candidate(), &[]),
        // Full 18 by month on the day of the vote, then one day short.
        (born(d(2007, 6, 10)), &[]),
        (born(d(2007, 6, 11)), &["too_young"]),
        // Certificate valid 60 months: its last day is the vote, then the day before the vote.
        (certified(d(2020, 6, 10)), &[]),
        (certified(d(2020, 6, 9)), &["certificate_expired"]),
        (Candidate { certificate: None, ..candidate() }, &["certificate_missing"]),
        (
            Candidate { profile: Profile { general_education: GeneralEducation::Primary, ..candidate().profile }, ..candidate() },
            &["education_below_minimum"],
        ),
        (born(d(1960, 1, 1)), &["over_age_without_consent"]),
    ];
    for (c, expected) in cases {
        assert_eq!(check(&c, &steps, &new, &facts()), expected, "{:?} {:?}", c.identity.birth_date, c.certificate);
    }
    // Over 60 with the province's consent given before the vote, not after.
    let old = |consent| Candidate { province_consent_on: Some(consent), ..born(d(1960, 1, 1)) };
    assert_eq!(check(&old(d(2025, 6, 1)), &steps, &new, &facts()), Vec::<&str>::new());
    assert_eq!(check(&old(d(2025, 6, 11)), &steps, &new, &facts()), ["over_age_without_consent"]);
}

#[test]
fn two_thirds_of_official_members_at_the_vote() {
    let steps = before(StepKind::ChiBoVote);
    let on = d(2025, 6, 10);
    // (official, in favour, passes)
    let cases = [(3, 2, true), (3, 1, false), (9, 6, true), (9, 5, false), (10, 7, true), (10, 6, false)];
    for (official, in_favour, ok) in cases {
        let new = StepData::ChiBoVote { vote: vote(on, official, official, in_favour, 0) };
        let expected: &[&str] = if ok { &[] } else { &["vote_below_two_thirds"] };
        assert_eq!(check(&candidate(), &steps, &new, &facts()), expected, "{in_favour} of {official}");
    }
    let too_many = StepData::ChiBoVote { vote: vote(on, 9, 9, 8, 2) };
    assert_eq!(check(&candidate(), &steps, &too_many, &facts()), ["votes_exceed_members", "votes_exceed_present"]);
    let too_many = StepData::ChiBoVote { vote: vote(on, 3, 3, 4, 0) };
    assert!(check(&candidate(), &steps, &too_many, &facts()).contains(&"votes_exceed_members"));
}

#[test]
fn stale_file_and_renewed_documents_at_the_vote() {
    let steps = before(StepKind::ChiBoVote); // application 01/04/2025
    let late = step(StepKind::ChiBoVote, d(2026, 4, 2));
    assert_eq!(check(&candidate(), &steps, &step(StepKind::ChiBoVote, d(2026, 4, 1)), &facts()), Vec::<&str>::new());
    assert_eq!(check(&candidate(), &steps, &late, &facts()), ["file_stale"]);
    let renewed = with(&steps, &[step(StepKind::DocumentsRenewed, d(2026, 3, 1))]);
    assert_eq!(check(&candidate(), &renewed, &late, &facts()), Vec::<&str>::new());
}

#[test]
fn readmission_at_the_vote() {
    let steps = before(StepKind::ChiBoVote);
    let new = step(StepKind::ChiBoVote, d(2025, 6, 10));
    let former = Candidate { former_member: Some(MemberId(99)), province_consent_on: Some(d(2025, 5, 1)), ..candidate() };
    let left = |left_on| Facts {
        former: Some(Readmission { left_on, previous_readmissions: 0, barred: false, record_expunged_on: None, provincial_consent: false }),
        ..facts()
    };
    let cases: [(&Candidate, Facts, &[&str]); 7] = [
        // Exactly 36 months out, then one day short.
        (&former, left(d(2022, 6, 10)), &[]),
        (&former, left(d(2022, 6, 11)), &["readmission_too_soon"]),
        (&former, left(d(2024, 1, 1)), &["readmission_too_soon"]),
        // The register holds no record of the former member.
        (&former, facts(), &["former_member_unknown"]),
        (&Candidate { province_consent_on: None, ..former.clone() }, left(d(2020, 1, 1)), &["readmission_without_consent"]),
        (&Candidate { readmission_barred: true, ..former.clone() }, left(d(2020, 1, 1)), &["readmission_barred"]),
        // Not a readmission: the register's facts are not used.
        (&candidate(), left(d(2024, 1, 1)), &[]),
    ];
    for (c, f, expected) in cases {
        assert_eq!(check(c, &steps, &new, &f), expected, "{:?}", f.former);
    }
}

#[test]
fn preview_shows_what_would_stop_a_vote_today() {
    let steps = before(StepKind::ChiBoVote);
    let config = AdmissionConfig::default();
    assert_eq!(preview_blockers(&candidate(), &steps, &facts(), &config, d(2025, 6, 10)), vec![]);
    let got = preview_blockers(&candidate(), &steps, &facts(), &config, d(2030, 3, 2));
    assert_eq!(codes(&got), ["certificate_expired", "file_stale"]);
    assert_eq!(codes(&preview_blockers(&candidate(), &steps, &facts_with_12(None), &config, d(2025, 6, 10))), ["introducer_unknown"]);
    // Only while the file is being completed.
    assert_eq!(preview_blockers(&candidate(), &through(StepKind::ChiBoVote), &facts(), &config, d(2030, 3, 2)), vec![]);
}

// ---------------------------------------------------------------------------------------------
// Due work
// ---------------------------------------------------------------------------------------------

fn due(steps: &[StepData]) -> Vec<(&'static str, NaiveDate)> {
    due_items(&candidate(), &Steps(steps.to_vec()), &WorkCalendar::default(), &AdmissionConfig::default())
        .into_iter()
        .map(|i| (i.code, i.due))
        .collect()
}

#[test]
fn decision_due_sixty_working_days_after_the_vote_ninety_when_extended() {
    use StepKind::*;
    let app = step(Application, d(2025, 4, 1));
    // Vote Mon 06/10/2025. No holiday until 01/01/2026. Counting from Tue 07/10: 4 days that
    // week, then 11 full weeks (13/10–26/12) make 59, and Mon 29/12 is the 60th.
    let voted = [app.clone(), step(ChiBoVote, d(2025, 10, 6))];
    assert_eq!(due(&voted), [("decision", d(2025, 12, 29))]);
    // With an extension, 30 more: Tue 30/12 and Wed 31/12 (62); Thu 01/01 (New Year) and Fri
    // 02/01 (swapped) off; 05–09/01 (67); Sat 10/01 is the make-up day (68); 12–16/01 (73),
    // 19–23/01 (78), 26–30/01 (83), 02–06/02 (88); Mon 09/02 (89), Tue 10/02 (90).
    let extended = [app.clone(), step(ChiBoVote, d(2025, 10, 6)), step(Extension, d(2025, 11, 3))];
    assert_eq!(due(&extended), [("decision", d(2026, 2, 10))]);
    // A grassroots resolution does not change the deadline.
    let resolved = [app, step(ChiBoVote, d(2025, 10, 6)), step(GrassrootsResolution, d(2025, 10, 20))];
    assert_eq!(due(&resolved), [("decision", d(2025, 12, 29))]);
}

#[test]
fn a_vote_before_tet_2026_is_due_after_it() {
    use StepKind::*;
    // Vote Thu 15/01/2026. Tết Bính Ngọ: Mon 16/02–Fri 20/02/2026 off. Counting from Fri 16/01:
    // 16/01 (1), 19/01–13/02 four weeks (21), Tết week skipped, 23/02–10/04 seven weeks (56),
    // Mon 13/04–Thu 16/04 (60). Without Tết it would have been Thu 09/04.
    let voted = [step(Application, d(2025, 10, 1)), step(ChiBoVote, d(2026, 1, 15))];
    assert_eq!(due(&voted), [("decision", d(2026, 4, 16))]);
}

#[test]
fn ceremony_counted_from_receipt_else_from_the_decision() {
    use StepKind::*;
    let admitted = [step(Application, d(2025, 4, 1)), step(ChiBoVote, d(2025, 10, 6)), step(Decision, d(2025, 12, 1))];
    // From Mon 01/12/2025: 02–05/12 (4), 08–26/12 (19), 29–31/12 (22), 01–02/01 off, 05–09/01
    // (27), Sat 10/01 make-up (28), Mon 12/01 (29), Tue 13/01 (30).
    assert_eq!(due(&admitted), [("ceremony", d(2026, 1, 13))]);
    // Received Fri 05/12/2025: 08–26/12 (15), 29–31/12 (18), 05–09/01 (23), Sat 10/01 (24),
    // 12–16/01 (29), Mon 19/01 (30).
    let received = [admitted.as_slice(), &[step(DecisionReceived, d(2025, 12, 5))]].concat();
    assert_eq!(due(&received), [("ceremony", d(2026, 1, 19))]);
    // Received Fri 13/02/2026, just before Tết: 23/02–03/04 six weeks (30) → Fri 03/04/2026.
    let tet = [step(Application, d(2025, 10, 1)), step(ChiBoVote, d(2026, 1, 15)), step(Decision, d(2026, 2, 10))];
    let tet = [tet.as_slice(), &[step(DecisionReceived, d(2026, 2, 13))]].concat();
    assert_eq!(due(&tet), [("ceremony", d(2026, 4, 3))]);
}

#[test]
fn recognition_items_count_from_the_end_of_probation_and_the_vote() {
    use StepKind::*;
    // Decision Tue 01/07/2025, ceremony Sun 20/07/2025: official Mon 20/07/2026 (12 months from
    // the ceremony, Charter art. 5 §1). From Tue 21/07: 21–24/07 (4), 27–31/07 (9), 03–07/08
    // (14), 10–14/08 (19), 17–21/08 (24), Sat 22/08 make-up day (25), 24–28/08 (30).
    let probation =
        [step(Application, d(2024, 10, 1)), step(ChiBoVote, d(2025, 5, 1)), step(Decision, d(2025, 7, 1)), step(Ceremony, d(2025, 7, 20))];
    assert_eq!(due(&probation), [("recognition_proposal", d(2026, 8, 28))]);
    // Recognition vote Fri 13/02/2026, before Tết: 30 working days → Fri 03/04/2026.
    let proposed = [probation.as_slice(), &[step(RecognitionVote, d(2026, 2, 13))]].concat();
    assert_eq!(due(&proposed), [("recognition_decision", d(2026, 4, 3))]);
    // Extended: 30 more. 06–24/04 (45); Mon 27/04 off (Hùng Kings, 10/3 lunar, falls on Sun
    // 26/04); 28–29/04 (47); 30/04 and 01/05 off; 04–15/05 (57); 18–20/05 (60).
    let extended = [proposed.as_slice(), &[step(Extension, d(2026, 3, 2))]].concat();
    assert_eq!(due(&extended), [("recognition_decision", d(2026, 5, 20))]);
}

#[test]
fn certificate_and_staleness_before_the_vote() {
    use StepKind::*;
    // Certificate 01/03/2025, valid 60 months.
    assert_eq!(due(&[]), [("certificate_expires", d(2030, 3, 1))]);
    let app = step(Application, d(2025, 4, 1));
    assert_eq!(due(std::slice::from_ref(&app)), [("certificate_expires", d(2030, 3, 1)), ("file_stale", d(2026, 4, 1))]);
    let renewed = [app.clone(), step(DocumentsRenewed, d(2026, 3, 15))];
    assert_eq!(due(&renewed), [("certificate_expires", d(2030, 3, 1)), ("file_stale", d(2027, 3, 15))]);
    let none = due_items(
        &Candidate { certificate: None, ..candidate() },
        &Steps::default(),
        &WorkCalendar::default(),
        &AdmissionConfig::default(),
    );
    assert_eq!(none, vec![]);
    // Nothing is due on a finished case.
    assert_eq!(due(&path()), []);
    assert_eq!(due(&[app, step(Closed, d(2025, 5, 1))]), []);
}

#[test]
fn urgency_boundaries() {
    let t = d(2026, 3, 10);
    let cases = [
        (d(2026, 3, 9), Urgency::Overdue),
        (d(2025, 1, 1), Urgency::Overdue),
        (t, Urgency::Soon),
        (d(2026, 3, 17), Urgency::Soon),
        (d(2026, 3, 18), Urgency::Later),
    ];
    for (due, expected) in cases {
        assert_eq!(Urgency::of(due, t), expected, "{due}");
    }
}

// ---------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------

#[test]
fn anniversaries() {
    let cases = [
        (d(2026, 2, 3), Some("3/2")),
        (d(2026, 5, 19), Some("19/5")),
        (d(2025, 9, 2), Some("2/9")),
        (d(2025, 11, 7), Some("7/11")),
        (d(2026, 3, 2), None),
        (d(2026, 2, 9), None),
        (d(2026, 11, 19), None),
    ];
    for (on, expected) in cases {
        match (anniversary(on), expected) {
            (Some(label), Some(part)) => assert!(label.contains(part), "{on}: {label}"),
            (got, want) => assert_eq!(got.is_some(), want.is_some(), "{on}: {got:?}"),
        }
    }
}

#[test]
fn progress_in_percent() {
    let cases = [
        (0, 0, None),
        (5, 0, None),
        (7, 9, Some(77.8)),
        (9, 9, Some(100.0)),
        (1, 3, Some(33.3)),
        (2, 3, Some(66.7)),
        (12, 10, Some(120.0)),
    ];
    for (admitted, target, expected) in cases {
        assert_eq!(progress_percent(admitted, target), expected, "{admitted}/{target}");
    }
}

#[test]
fn students_count_as_students_by_default() {
    let p = candidate().profile;
    assert_eq!(default_target_group(&Profile { occupation: OccupationGroup::UniversityStudent, ..p.clone() }), Some(TargetGroup::Student));
    assert_eq!(default_target_group(&Profile { occupation: OccupationGroup::Pupil, ..p.clone() }), Some(TargetGroup::Student));
    assert_eq!(default_target_group(&p), None);
}

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

fn step_input(kind: &str) -> StepInput {
    StepInput { kind: kind.into(), ..Default::default() }
}

#[test]
fn step_input_reports_missing_fields_by_name() {
    let cases: [(StepInput, &[&str]); 9] = [
        (step_input(""), &["kind"]),
        (step_input("khong-co"), &["kind"]),
        (step_input("don"), &["on"]),
        (step_input("tham-tra"), &["on", "text"]),
        (step_input("nghi-quyet-dang-uy"), &["on", "number"]),
        (step_input("quyet-dinh"), &["decision_number", "decision_date", "issuer", "signer"]),
        (step_input("nghi-quyet-chi-bo"), &["on", "official_members", "present", "in_favour", "against"]),
        (step_input("gioi-thieu"), &["mode"]),
        (step_input("ngung-xem-xet"), &["on", "text"]),
    ];
    for (input, expected) in cases {
        let e = input.parse().unwrap_err();
        assert_eq!(fields(&e), expected, "{}", input.kind);
    }
    let e = StepInput { on: "31/02/2025".into(), ..step_input("don") }.parse().unwrap_err();
    assert_eq!((fields(&e), e.errors[0].code), (vec!["on"], "invalid_date"));
}

#[test]
fn step_input_parses_dates_and_texts() {
    let app = StepInput { on: "01/04/2025".into(), ..step_input("don") }.parse().unwrap();
    assert_eq!(app, StepData::Application { on: d(2025, 4, 1) });
    let result = StepInput { on: "2025-05-10".into(), clear: "co".into(), text: "Rõ ràng".into(), ..step_input("ket-qua-tham-tra") };
    assert_eq!(result.parse().unwrap(), StepData::VerificationResult { on: d(2025, 5, 10), clear: true, summary: "Rõ ràng".into() });
    let decision = StepInput {
        decision_number: "125-QĐ/TU".into(),
        decision_date: "15/07/2025".into(),
        issuer: "Ban Thường vụ Tỉnh ủy".into(),
        signer: "Nguyễn Văn Bí".into(),
        ..step_input("quyet-dinh")
    };
    assert_eq!(decision.parse().unwrap(), step(StepKind::Decision, d(2025, 7, 15)));
}

#[test]
fn step_input_vote_counts_must_be_numbers() {
    let good = StepInput {
        on: "10/06/2025".into(),
        official_members: "9".into(),
        present: "8".into(),
        in_favour: "7".into(),
        against: "1".into(),
        ..step_input("nghi-quyet-chi-bo")
    };
    assert_eq!(good.parse().unwrap(), step(StepKind::ChiBoVote, d(2025, 6, 10)));
    let cases: [(StepInput, &[&str]); 4] = [
        (StepInput { in_favour: "bảy".into(), ..good.clone() }, &["in_favour"]),
        (StepInput { official_members: "-9".into(), ..good.clone() }, &["official_members"]),
        (StepInput { present: "8.5".into(), against: "".into(), ..good.clone() }, &["present", "against"]),
        (
            StepInput {
                proposal: "cong-nhan".into(),
                in_favour: "x".into(),
                ..StepInput { kind: "nghi-quyet-cong-nhan".into(), ..good.clone() }
            },
            &["in_favour"],
        ),
    ];
    for (input, expected) in cases {
        let e = input.parse().unwrap_err();
        assert_eq!(fields(&e), expected, "{input:?}");
        assert!(e.errors.iter().all(|f| f.code == "invalid_number"), "{e:?}");
    }
    let recognition = StepInput { kind: "nghi-quyet-cong-nhan".into(), ..good.clone() };
    assert_eq!(fields(&recognition.parse().unwrap_err()), ["proposal"]);
    let strike = StepInput { proposal: "xoa-ten".into(), ..recognition };
    assert_eq!(
        strike.parse().unwrap(),
        StepData::RecognitionVote { vote: vote(d(2025, 6, 10), 9, 8, 7, 1), proposal: RecognitionProposal::StrikeOff }
    );
}

#[test]
fn step_input_introduction() {
    let two = StepInput {
        mode: "hai-dang-vien".into(),
        introducer1_member_id: "11".into(),
        introducer1_on: "15/05/2025".into(),
        introducer1_since: "01/01/2020".into(),
        introducer1_together: "cong-tac".into(),
        introducer2_member_id: "12".into(),
        introducer2_on: "15/05/2025".into(),
        introducer2_since: "01/01/2020".into(),
        introducer2_together: "work".into(),
        // Ignored for two members.
        resolution_on: "garbage".into(),
        ..step_input("gioi-thieu")
    };
    assert_eq!(two.parse().unwrap(), step(StepKind::Introduction, d(2025, 5, 15)));

    let second_missing = StepInput {
        introducer2_member_id: String::new(),
        introducer2_on: String::new(),
        introducer2_since: String::new(),
        introducer2_together: String::new(),
        ..two.clone()
    };
    assert_eq!(
        fields(&second_missing.parse().unwrap_err()),
        ["introducer2_member_id", "introducer2_on", "introducer2_since", "introducer2_together"]
    );
    let bad = StepInput { introducer1_member_id: "0".into(), introducer2_together: "ban-be".into(), ..two.clone() };
    assert_eq!(fields(&bad.parse().unwrap_err()), ["introducer1_member_id", "introducer2_together"]);

    // The Youth Union executive and one member: the resolution date is required, slot 2 unused.
    let youth =
        StepInput { mode: "doan-thanh-nien".into(), resolution_on: String::new(), introducer2_member_id: String::new(), ..two.clone() };
    assert_eq!(fields(&youth.parse().unwrap_err()), ["resolution_on"]);
    let youth = StepInput { resolution_on: "10/05/2025".into(), ..youth };
    assert_eq!(youth.parse().unwrap(), youth_union(Some(d(2025, 5, 10)), vec![introducer(11, d(2025, 5, 15))]));
    let unknown_mode = StepInput { mode: "ba-dang-vien".into(), ..two };
    assert_eq!(fields(&unknown_mode.parse().unwrap_err()), ["mode"]);
}

fn candidate_input() -> CandidateInput {
    CandidateInput {
        identity: IdentityInput {
            full_name: "Lê Thị Hoa".into(),
            gender: "nu".into(),
            birth_date: "10/05/2000".into(),
            ethnicity: "kinh".into(),
            religion: "khong".into(),
            citizen_id: "001300012345".into(),
            ..Default::default()
        },
        profile: ProfileInput {
            general_education: "thpt".into(),
            professional: "dai-hoc".into(),
            occupation: "vien-chuc".into(),
            youth_union: "on".into(),
            ..Default::default()
        },
        unit_id: "1".into(),
        source: "doan-thanh-nien".into(),
        helper_member_id: "11".into(),
        certificate_number: "125-GCN/TTCT".into(),
        certificate_date: "01/03/2025".into(),
        certificate_issuer: "Trung tâm Chính trị".into(),
        ..Default::default()
    }
}

#[test]
fn candidate_input_parses_and_round_trips() {
    let c = candidate_input().parse(today()).unwrap();
    assert_eq!(c, candidate());
    assert_eq!(CandidateInput::from_candidate(&c).parse(today()).unwrap(), c);
    let student =
        CandidateInput { profile: ProfileInput { occupation: "sinh-vien".into(), ..candidate_input().profile }, ..candidate_input() };
    assert_eq!(student.parse(today()).unwrap().target_group, Some(TargetGroup::Student));
    let residential = CandidateInput { target_group: "khu-dan-cu".into(), ..student };
    assert_eq!(residential.parse(today()).unwrap().target_group, Some(TargetGroup::Residential));
    let former = CandidateInput {
        former_member_id: "99".into(),
        province_consent_on: "01/05/2025".into(),
        readmission_barred: "co".into(),
        education_exception: "vung-kho-khan".into(),
        ..candidate_input()
    };
    let c = former.parse(today()).unwrap();
    assert_eq!(
        (c.former_member, c.province_consent_on, c.readmission_barred, c.education_exception),
        (Some(MemberId(99)), Some(d(2025, 5, 1)), true, Some(EducationException::DisadvantagedArea))
    );
    assert_eq!(CandidateInput::from_candidate(&c).parse(today()).unwrap(), c);
}

#[test]
fn candidate_input_reports_fields_by_name() {
    let e = CandidateInput::default().parse(today()).unwrap_err();
    assert_eq!(
        fields(&e),
        [
            "full_name",
            "gender",
            "birth_date",
            "ethnicity",
            "religion",
            "citizen_id",
            "general_education",
            "occupation",
            "unit_id",
            "source"
        ]
    );
    let cases: [(CandidateInput, &[&str]); 8] = [
        (CandidateInput { unit_id: "abc".into(), ..candidate_input() }, &["unit_id"]),
        (CandidateInput { source: "bao-chi".into(), ..candidate_input() }, &["source"]),
        (CandidateInput { helper_member_id: "-3".into(), ..candidate_input() }, &["helper_member_id"]),
        (CandidateInput { former_member_id: "x".into(), ..candidate_input() }, &["former_member_id"]),
        // A certificate half typed.
        (
            CandidateInput { certificate_date: String::new(), certificate_issuer: String::new(), ..candidate_input() },
            &["certificate_date", "certificate_issuer"],
        ),
        (CandidateInput { certificate_date: "26/11/2026".into(), ..candidate_input() }, &["certificate_date"]),
        (CandidateInput { education_exception: "mien-nui".into(), ..candidate_input() }, &["education_exception"]),
        (
            CandidateInput { province_consent_on: "1/13/2025".into(), readmission_barred: "maybe".into(), ..candidate_input() },
            &["province_consent_on", "readmission_barred"],
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(fields(&input.parse(today()).unwrap_err()), expected, "{input:?}");
    }
    // No certificate at all is fine.
    let none = CandidateInput {
        certificate_number: String::new(),
        certificate_date: String::new(),
        certificate_issuer: String::new(),
        ..candidate_input()
    };
    assert_eq!(none.parse(today()).unwrap().certificate, None);
}

#[test]
fn a_candidate_may_be_under_eighteen_before_the_vote() {
    // 17 years and 11 months on 25/11/2026: full 18 on 25/12/2026, in time for a vote then.
    let young =
        CandidateInput { identity: IdentityInput { birth_date: "25/12/2008".into(), ..candidate_input().identity }, ..candidate_input() };
    let c = young.parse(today()).unwrap();
    let steps = before(StepKind::ChiBoVote);
    let got = preview_blockers(&c, &steps, &facts(), &AdmissionConfig::default(), today());
    assert!(codes(&got).contains(&"too_young"), "{got:?}");
}

#[test]
fn blockers_become_step_errors() {
    let b = vec![
        Blocker { code: "too_young", message: "Chưa đủ 18 tuổi.".into(), source: "Điều lệ Đảng" },
        Blocker { code: "file_stale", message: "Hồ sơ quá 12 tháng.".into(), source: "rules.md §2.3" },
    ];
    let e = blockers_to_errors(&b);
    assert_eq!(fields(&e), ["step", "step"]);
    assert_eq!(e.errors.iter().map(|f| f.code).collect::<Vec<_>>(), ["too_young", "file_stale"]);
    assert!(e.errors[0].message.contains("Chưa đủ 18 tuổi.") && e.errors[0].message.contains("Điều lệ Đảng"), "{}", e.errors[0].message);
}

#[test]
fn step_kinds_and_dates() {
    for s in path() {
        assert_eq!(StepKind::parse(s.kind().code()), Ok(s.kind()));
    }
    assert_eq!(youth_union(Some(d(2025, 5, 20)), vec![introducer(11, d(2025, 5, 15))]).on(), d(2025, 5, 20));
    assert_eq!(two_members(&introducer(11, d(2025, 5, 15)), &introducer(12, d(2025, 5, 16))).on(), d(2025, 5, 16));
    assert!(StepKind::Decision.writes_register() && !StepKind::Extension.writes_register() && StepKind::Extension.is_decision());
    assert!(!StepKind::Ceremony.is_decision());
}

#[test]
fn an_unclear_verification_blocks_the_vote_until_a_clear_one() {
    use StepKind::*;
    let c = candidate();
    let unclear = Steps(
        through(Opinions)
            .0
            .into_iter()
            .map(|s| match s {
                StepData::VerificationResult { on, .. } => {
                    StepData::VerificationResult { on, clear: false, summary: "Chưa rõ quê quán".into() }
                }
                other => other,
            })
            .collect(),
    );
    let vote_on = through(ChiBoVote).vote().unwrap().on;
    let vote = step(ChiBoVote, vote_on);
    assert_eq!(check(&c, &unclear, &vote, &facts()), ["verification_not_clear"]);
    let cleared = with(&unclear, &[StepData::VerificationResult { on: vote_on, clear: true, summary: "Đã xác minh bổ sung".into() }]);
    assert_eq!(check(&c, &cleared, &vote, &facts()), Vec::<&str>::new());
}

#[test]
fn introducers_by_number_or_by_name_and_card() {
    let base = || StepInput {
        mode: "doan-thanh-nien".into(),
        resolution_on: "04/03/2025".into(),
        introducer1_on: "05/03/2025".into(),
        introducer1_since: "01/01/2020".into(),
        introducer1_together: "cong-tac".into(),
        ..step_input("gioi-thieu")
    };
    let who = |input: StepInput| match input.parse() {
        Ok(StepData::Introduction { introducers, .. }) => Ok(introducers[0].who.clone()),
        Ok(other) => panic!("{other:?}"),
        Err(e) => Err(e.errors.iter().map(|x| (x.field.clone(), x.code)).collect::<Vec<_>>()),
    };
    assert_eq!(who(StepInput { introducer1_member_id: "11".into(), ..base() }), Ok(by_id(11)));
    assert_eq!(
        who(StepInput { introducer1_name: "Trần Văn Ngoài".into(), introducer1_card: "12345678".into(), ..base() }),
        Ok(IntroducerId::Card { full_name: "Trần Văn Ngoài".into(), party_card_number: PartyCardNumber::parse("12345678").unwrap() })
    );
    // Both kinds at once, half a pair, or nothing: refused on the field concerned.
    let both = StepInput { introducer1_member_id: "11".into(), introducer1_card: "12345678".into(), ..base() };
    assert_eq!(who(both), Err(vec![("introducer1_member_id".into(), "ambiguous")]));
    let half = StepInput { introducer1_name: "Trần Văn Ngoài".into(), ..base() };
    assert_eq!(who(half).unwrap_err()[0].0, "introducer1_card");
    assert_eq!(who(base()), Err(vec![("introducer1_member_id".into(), "required")]));
    // What an unmatched pair is told names only what was typed.
    let steps = before(StepKind::Introduction);
    let card = IntroducerRef {
        who: IntroducerId::Card { full_name: "Trần Văn Ngoài".into(), party_card_number: PartyCardNumber::parse("12345678").unwrap() },
        ..introducer(11, d(2025, 5, 15))
    };
    let found =
        check_step(&candidate(), &steps, &youth_union(Some(d(2025, 5, 10)), vec![card]), &facts(), &AdmissionConfig::default(), today());
    assert_eq!(codes(&found), ["introducer_unknown"]);
    assert_eq!(found[0].message, "Trần Văn Ngoài (thẻ đảng viên số 12345678) không khớp với sổ đảng viên.");
}

// ---------------------------------------------------------------------------------------------
// What each step writes on the register
// ---------------------------------------------------------------------------------------------

/// The history of member 50 admitted to chi bộ 1 on 15/07/2025, with the ceremony of 01/08/2025
/// on the record or not.
fn member_history(ceremony_on_record: bool) -> crate::history::History {
    use crate::history::LoadedUnits;
    use crate::testing::{admitted, recorded_events, unit_version};
    let versions = [(UnitId(1), vec![unit_version(1, crate::unit::UnitKind::GrassrootsCell, None, d(1950, 1, 1), None)])];
    let units = LoadedUnits::new(versions.into_iter().collect(), Vec::new());
    let mut events = vec![(admitted(1), d(2025, 7, 15))];
    if ceremony_on_record {
        events.push((crate::event::EventKind::Ceremony, d(2025, 8, 1)));
    }
    let h = crate::history::derive(&recorded_events(&events), &units);
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    h
}

fn writes(step: &StepData, candidate: &Candidate, steps: &Steps, member: Option<&crate::history::History>) -> Vec<RegisterWrite> {
    let member = member.map(|history| CaseMember { id: MemberId(50), history });
    register_writes(step, &Case { id: 7, candidate, steps, member }).unwrap()
}

fn refusal(step: &StepData, steps: &Steps, member: Option<&crate::history::History>) -> Vec<&'static str> {
    let member = member.map(|history| CaseMember { id: MemberId(50), history });
    let e = register_writes(step, &Case { id: 7, candidate: &candidate(), steps, member }).unwrap_err();
    assert!(e.errors.iter().all(|x| x.field == "step"));
    e.errors.iter().map(|x| x.code).collect()
}

fn event_on(member: i64, kind: crate::event::EventKind, on: NaiveDate, basis: Option<LegalBasis>) -> RegisterWrite {
    RegisterWrite::Event { member: MemberId(member), event: crate::event::EventData { kind, effective: on, basis, note: None } }
}

fn ceremony_write(on: NaiveDate) -> RegisterWrite {
    let event = crate::event::EventData {
        kind: crate::event::EventKind::Ceremony,
        effective: on,
        basis: None,
        note: Some("Biên bản lễ kết nạp của chi bộ (hồ sơ phát triển đảng viên số 7).".into()),
    };
    RegisterWrite::Event { member: MemberId(50), event }
}

#[test]
fn exactly_the_steps_that_write_the_register_write_it() {
    let h = member_history(true);
    for kind in StepKind::ALL {
        let written = writes(&step(*kind, d(2026, 8, 3)), &candidate(), &through(StepKind::Ceremony), Some(&h));
        assert_eq!(!written.is_empty(), kind.writes_register(), "{kind:?}");
    }
}

#[test]
fn the_admission_decision_opens_a_record_or_readmits_the_former_member() {
    let decision = step(StepKind::Decision, d(2025, 7, 15));
    let c = candidate();
    // The record keeps who introduced the member and the sub-target group, as the case says.
    let origin = crate::event::AdmissionOrigin { source: Some(c.source), target_group: c.target_group };
    let admitted = crate::event::EventKind::Admitted { unit: crate::event::UnitRef::Internal(UnitId(1)), origin };
    assert_eq!(
        writes(&decision, &c, &before(StepKind::Decision), None),
        vec![RegisterWrite::NewMember {
            identity: Box::new(c.identity.clone()),
            profile: crate::member::DatedProfile { valid_from: Some(d(2025, 7, 15)), profile: c.profile.clone() },
            event: crate::event::EventData { kind: admitted, effective: d(2025, 7, 15), basis: Some(basis(d(2025, 7, 15))), note: None },
        }]
    );
    let former = Candidate { former_member: Some(MemberId(99)), ..candidate() };
    let readmitted = crate::event::EventKind::Readmitted { unit: crate::event::UnitRef::Internal(UnitId(1)), origin };
    assert_eq!(
        writes(&decision, &former, &before(StepKind::Decision), None),
        vec![event_on(99, readmitted, d(2025, 7, 15), Some(basis(d(2025, 7, 15))))]
    );
}

#[test]
fn the_ceremony_goes_on_the_members_record() {
    let ceremony = step(StepKind::Ceremony, d(2025, 8, 1));
    let h = member_history(false);
    assert_eq!(writes(&ceremony, &candidate(), &before(StepKind::Ceremony), Some(&h)), vec![ceremony_write(d(2025, 8, 1))]);
    assert_eq!(refusal(&ceremony, &before(StepKind::Ceremony), None), ["no_member"]);
}

#[test]
fn recognition_is_official_on_the_day_the_twelve_months_from_the_ceremony_end() {
    // Decided late: still official on 01/08/2026, 12 months after the ceremony of 01/08/2025.
    let recognition = step(StepKind::RecognitionDecision, d(2026, 9, 15));
    let steps = before(StepKind::RecognitionDecision);
    let official = event_on(50, crate::event::EventKind::RecognizedOfficial, d(2026, 8, 1), Some(basis(d(2026, 9, 15))));
    let h = member_history(true);
    assert_eq!(writes(&recognition, &candidate(), &steps, Some(&h)), vec![official.clone()]);
    // A record without its ceremony gets it first, from the case's ceremony step.
    let without = member_history(false);
    assert_eq!(writes(&recognition, &candidate(), &steps, Some(&without)), vec![ceremony_write(d(2025, 8, 1)), official]);
    // A ceremony on 29/02 ends the probation on 28/02.
    let leap = Steps(
        steps
            .0
            .iter()
            .map(|s| if s.kind() == StepKind::Ceremony { StepData::Ceremony { on: d(2024, 2, 29) } } else { s.clone() })
            .collect(),
    );
    let RegisterWrite::Event { event, .. } = &writes(&recognition, &candidate(), &leap, Some(&h))[0] else { panic!("an event") };
    assert_eq!(event.effective, d(2025, 2, 28));
    // No member record, or no ceremony among the steps: refused.
    assert_eq!(refusal(&recognition, &steps, None), ["no_member"]);
    let no_ceremony = Steps(steps.0.iter().filter(|s| s.kind() != StepKind::Ceremony).cloned().collect());
    assert_eq!(refusal(&recognition, &no_ceremony, Some(&h)), ["no_ceremony"]);
    assert_eq!(refusal(&recognition, &no_ceremony, Some(&without)), ["no_ceremony"]);
}

#[test]
fn a_strike_off_decision_strikes_the_probationary_member_off_on_its_date() {
    let strike_off = step(StepKind::StrikeOffDecision, d(2026, 9, 15));
    let steps = before(StepKind::RecognitionDecision);
    let h = member_history(true);
    let struck_off = crate::event::EventKind::StruckOff { reason: crate::event::StrikeOffReason::ProbationNotQualified };
    assert_eq!(
        writes(&strike_off, &candidate(), &steps, Some(&h)),
        vec![event_on(50, struck_off, d(2026, 9, 15), Some(basis(d(2026, 9, 15))))]
    );
    assert_eq!(refusal(&strike_off, &steps, None), ["no_member"]);
}

// ---------------------------------------------------------------------------------------------
// The recognition file the probationary member sees (rules.md §3)
// ---------------------------------------------------------------------------------------------

fn file_of(steps: &Steps) -> Option<RecognitionFile> {
    recognition_file(steps, &WorkCalendar::default())
}

fn done(items: &[FileItem]) -> Vec<(StepKind, Option<NaiveDate>)> {
    items.iter().map(|i| (i.kind, i.done_on)).collect()
}

#[test]
fn recognition_file_exists_only_between_the_ceremony_and_the_decision() {
    assert_eq!(file_of(&before(StepKind::Ceremony)), None, "no ceremony: no date runs yet");
    assert_eq!(file_of(&through(StepKind::RecognitionDecision)), None, "recognized: nothing left");
    let struck = with(&through(StepKind::RecognitionVote), &[step(StepKind::StrikeOffDecision, d(2026, 8, 14))]);
    assert_eq!(file_of(&struck), None);
    assert_eq!(file_of(&through(StepKind::Ceremony)).unwrap().stage, Stage::Probation);
    assert_eq!(file_of(&through(StepKind::RecognitionVote)).unwrap().stage, Stage::AwaitingRecognition);
}

#[test]
fn recognition_file_counts_twelve_months_from_the_ceremony_not_the_decision() {
    // Decision 15/07/2025, ceremony 01/08/2025 (Charter art. 5 §1: from the ceremony).
    let f = file_of(&through(StepKind::Ceremony)).unwrap();
    assert_eq!(f.ceremony_on, d(2025, 8, 1));
    assert_eq!(f.probation_ends, d(2026, 8, 1));
    // 30 working days after 01/08/2026 (Saturday): 4 Aug … the 2/9 holiday falls inside.
    assert_eq!(f.proposal_due, admission::recognition_proposal_deadline(&WorkCalendar::default(), d(2025, 8, 1)));
    assert!(f.proposal_due > d(2026, 9, 10) && f.proposal_due < d(2026, 9, 20), "{}", f.proposal_due);
}

#[test]
fn recognition_file_lists_the_four_papers_with_what_is_missing() {
    use StepKind::*;
    let f = file_of(&through(Ceremony)).unwrap();
    assert_eq!(done(&f.papers), vec![(NewMemberClass, None), (SelfReview, None), (HelperComment, None), (ProbationOpinions, None)]);
    assert_eq!(f.missing().count(), 4);
    assert!(f.papers.iter().all(|p| !p.from.is_empty()));

    let f = file_of(&through(HelperComment)).unwrap();
    assert_eq!(
        done(&f.papers),
        vec![
            (NewMemberClass, Some(d(2025, 10, 1))),
            (SelfReview, Some(d(2026, 7, 16))),
            (HelperComment, Some(d(2026, 7, 16))),
            (ProbationOpinions, None)
        ]
    );
    assert_eq!(f.missing().map(|p| p.kind).collect::<Vec<_>>(), vec![ProbationOpinions]);
    assert_eq!(done(&f.steps), vec![(RecognitionVote, None), (RecognitionDecision, None)]);
}

#[test]
fn recognition_file_shows_the_grassroots_resolution_only_once_recorded() {
    use StepKind::*;
    let f = file_of(&through(RecognitionVote)).unwrap();
    assert_eq!(f.missing().count(), 0);
    assert_eq!(done(&f.steps), vec![(RecognitionVote, Some(d(2026, 8, 3))), (RecognitionDecision, None)]);
    let f = file_of(&through(RecognitionResolution)).unwrap();
    assert_eq!(
        done(&f.steps),
        vec![(RecognitionVote, Some(d(2026, 8, 3))), (RecognitionResolution, Some(d(2026, 8, 7))), (RecognitionDecision, None)]
    );
}
