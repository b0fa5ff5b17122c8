//! Generated admission cases (for the demo and the worklist benchmark): candidates in chi bộ that
//! have at least two official members, taken through the pipeline to every stage, with dates
//! around `today` so that some work is overdue, some due within a week, some later; then the
//! targets, terms and occasions of `crate::plans`.
//!
//! Cases go through the store's use cases (every check applies), one step per write.

use chrono::{Datelike, Duration, NaiveDate};
use domain::admission::{ChiBoVote, Together};
use domain::ids::{CitizenId, MemberId, UnitId};
use domain::member::{Gender, IdentityInput, ProfileInput};
use domain::pipeline::{
    Candidate, CandidateSource, Certificate, IntroducerId, IntroducerRef, IntroductionMode, RecognitionProposal, StepData, TargetGroup,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use storage::prelude::*;
use storage::{MemberQuery, StatusFilter, StoreError, WriteContext};

use crate::{basis, field_error};

const FAMILY: &[&str] = &["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"];
const GIVEN_F: &[&str] = &["Thị Lan", "Thu Hà", "Ngọc Anh", "Thị Hương", "Minh Thư", "Thanh Huyền", "Thị Mai", "Phương Linh"];
const GIVEN_M: &[&str] = &["Văn Nam", "Minh Tuấn", "Đức Anh", "Quốc Huy", "Văn Hùng", "Thành Long", "Hoàng Phúc", "Gia Bảo"];

/// Generates about `cases` cases (fewer if there are not enough chi bộ with two official
/// members); returns how many were made.
pub async fn generate_cases(store: &dyn Store, cases: usize, seed: u64, today: NaiveDate, ctx: &WriteContext) -> Result<usize, StoreError> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x6b65_745f_6e61);
    // The chi bộ of official members, page by page through the register (spread over the tree by
    // name order), until there are enough of them.
    let mut units: Vec<UnitId> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut q = MemberQuery::new(today);
    q.status = StatusFilter::Only(domain::history::Status::Official);
    q.per_page = 500;
    q.page = 1;
    while units.len() < cases {
        let page = store.find_members(&q).await?;
        if page.items.is_empty() {
            break;
        }
        for u in page.items.iter().filter_map(|m| m.unit_id) {
            if seen.insert(u) {
                units.push(u);
            }
        }
        // Every 7th page: a spread sample without reading the whole register.
        q.page += 7;
    }
    units.truncate(cases);
    let mut by_unit: Vec<(UnitId, Vec<MemberId>)> = Vec::new();
    for u in units {
        let mut q = MemberQuery::new(today);
        q.status = StatusFilter::Only(domain::history::Status::Official);
        q.unit = Some(u);
        q.per_page = 10;
        let list: Vec<MemberId> = store.find_members(&q).await?.items.into_iter().map(|m| m.id).collect();
        by_unit.push((u, list));
    }
    by_unit.retain(|(_, list)| list.len() >= 2);
    // A chi bộ follows one to five candidates at a time; many follow none.
    let mut made = 0;
    let mut i = 0;
    'units: for (unit, officials) in &by_unit {
        for _ in 0..rng.random_range(1..=5) {
            if made >= cases {
                break 'units;
            }
            // A drawn case the rules refuse (an introducer recognized only recently, …) is left
            // as far as it got: real files stall too.
            match one_case(store, &mut rng, i, *unit, officials, today, ctx).await {
                Ok(()) | Err(StoreError::Invalid(_)) => made += 1,
                Err(e) => return Err(e),
            }
            i += 1;
        }
    }
    crate::plans::set_plans(store, &mut rng, today, ctx).await?;
    Ok(made)
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

async fn one_case(
    store: &dyn Store,
    rng: &mut StdRng,
    index: usize,
    unit: UnitId,
    officials: &[MemberId],
    today: NaiveDate,
    ctx: &WriteContext,
) -> Result<(), StoreError> {
    let female = rng.random_bool(0.55);
    let birth_year = today.year() - rng.random_range(21..32);
    let given = if female { GIVEN_F } else { GIVEN_M };
    let name = format!("{} {}", FAMILY[rng.random_range(0..FAMILY.len())], given[rng.random_range(0..given.len())]);
    let birth = NaiveDate::from_ymd_opt(birth_year, rng.random_range(1..=12), rng.random_range(1..=28)).unwrap_or(today);
    let youth = birth_year > today.year() - 30 && rng.random_bool(0.8);
    let student = rng.random_bool(0.15);
    let identity = IdentityInput {
        full_name: name,
        gender: if female { Gender::Female.code() } else { Gender::Male.code() }.into(),
        birth_date: birth.format("%d/%m/%Y").to_string(),
        ethnicity: "kinh".into(),
        religion: "khong".into(),
        citizen_id: format!("099{:09}", index + 1),
        ..Default::default()
    }
    .parse_candidate(today)?;
    CitizenId::parse(identity.citizen_id.as_str()).map_err(field_error("citizen_id"))?;
    let profile = ProfileInput {
        general_education: "thpt".into(),
        professional: if student { "khong".into() } else { "dai-hoc".into() },
        occupation: if student {
            "sinh-vien".into()
        } else {
            ["vien-chuc", "dn-nhan-vien", "nong-lam-ngu", "khac"][rng.random_range(0..4)].into()
        },
        youth_union: youth.to_string(),
        ..Default::default()
    }
    .parse()?;

    // Where the case stands today (percent of cases per stage).
    let stage = match rng.random_range(0..100) {
        0..20 => 0,  // source
        20..48 => 1, // file
        48..63 => 2, // awaiting decision
        63..72 => 3, // awaiting ceremony
        72..94 => 4, // probation
        _ => 5,      // awaiting recognition
    };
    // The chi bộ vote anchors the dates.
    let vote_on = match stage {
        0 | 1 => today - days(rng.random_range(10..300)) + days(60),
        2 => today - days(rng.random_range(5..110)),
        3 => today - days(rng.random_range(25..80)),
        4 => today - days(rng.random_range(80..420)),
        _ => today - days(rng.random_range(400..430)),
    };
    let app_on = vote_on - days(60);
    let certificate_on = app_on - days(rng.random_range(30..500));
    // Drawn in this order (target group, source, certificate): the generated data depends on it.
    let target_group = if student {
        Some(TargetGroup::Student)
    } else if rng.random_bool(0.3) {
        Some(TargetGroup::Residential)
    } else {
        None
    };
    let source = if youth {
        CandidateSource::YouthUnion
    } else {
        [CandidateSource::TradeUnion, CandidateSource::WomenUnion, CandidateSource::Other][rng.random_range(0..3)]
    };
    let candidate = Candidate {
        target_group,
        helper: Some(officials[0]),
        tasks: Some("Tham gia phong trào, nhiệm vụ do chi bộ phân công".into()),
        certificate: (stage > 0 || rng.random_bool(0.6)).then(|| Certificate {
            number: format!("{}/CN-TTCT", 100 + index),
            issued_on: certificate_on.min(today),
            issuer: "Trung tâm Chính trị".into(),
        }),
        ..Candidate::new(unit, identity, profile, source)
    };
    let id = store.create_candidate(ctx, candidate).await?;
    if stage == 0 {
        return Ok(());
    }
    let intro_on = app_on + days(35);
    let introduction = if youth {
        StepData::Introduction {
            mode: IntroductionMode::YouthUnion,
            resolution_on: Some(intro_on - days(2)),
            introducers: vec![IntroducerRef {
                who: IntroducerId::Member { member: officials[0] },
                introduced_on: intro_on,
                together_since: app_on - days(800),
                together: Together::Work,
            }],
        }
    } else {
        StepData::Introduction {
            mode: IntroductionMode::TwoMembers,
            resolution_on: None,
            introducers: officials[..2]
                .iter()
                .map(|m| IntroducerRef {
                    who: IntroducerId::Member { member: *m },
                    introduced_on: intro_on,
                    together_since: app_on - days(800),
                    together: Together::Residence,
                })
                .collect(),
        }
    };
    let official = officials.len() as u32;
    let vote = |on| ChiBoVote { on, official_members: official, present: official, in_favour: official, against: 0 };
    let decision_on = vote_on + days(20);
    let ceremony_on = decision_on + days(15);
    let end = domain::admission::official_date(ceremony_on);
    let signer = "Bí thư Đảng ủy".to_owned();
    let issuer = "Ban Thường vụ Đảng ủy";
    let mut steps = vec![
        StepData::Application { on: app_on },
        StepData::Autobiography { on: app_on + days(3) },
        StepData::VerificationRequest { on: app_on + days(7), to: "Công an xã nơi cư trú".into() },
        StepData::VerificationResult {
            on: app_on + days(30),
            clear: true,
            summary: "Lý lịch rõ ràng, không có vấn đề về chính trị".into(),
        },
        introduction,
        StepData::Opinions { on: app_on + days(40) },
    ];
    if stage == 1 {
        let keep = rng.random_range(1..=steps.len());
        steps.truncate(keep);
    } else {
        steps.push(StepData::ChiBoVote { vote: vote(vote_on) });
        steps.push(StepData::GrassrootsResolution { on: vote_on + days(5), number: format!("{}-NQ/ĐU", 10 + index) });
        if stage >= 3 {
            steps
                .push(StepData::Decision {
                    basis: basis(&format!("{}-QĐ/ĐU", 100 + index), decision_on, issuer)?, signer: signer.clone()
                });
            steps.push(StepData::DecisionReceived { on: decision_on + days(3) });
        }
        if stage >= 4 {
            steps.push(StepData::Ceremony { on: ceremony_on });
            steps.push(StepData::NewMemberClass { on: decision_on + days(60), number: format!("{}/CN-ĐVM", 300 + index) });
            steps.push(StepData::SelfReview { on: end - days(10) });
            steps.push(StepData::HelperComment { on: end - days(9) });
            steps.push(StepData::ProbationOpinions { on: end - days(8) });
        }
        if stage >= 5 {
            steps.push(StepData::RecognitionVote { vote: vote(end + days(5)), proposal: RecognitionProposal::Recognize });
        }
    }
    for (i, step) in steps.into_iter().filter(|s| s.on() <= today).enumerate() {
        store.record_step(ctx, id, 1 + i as i64, step).await?;
    }
    Ok(())
}
