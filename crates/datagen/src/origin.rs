//! Who introduced each generated admission and its sub-target group (docs/design/admission.md
//! "Admission report over any period"): drawn from the member's age, gender, occupation and chi
//! bộ, without touching the random stream, so every other generated value stays as it was.

use chrono::{Datelike, NaiveDate};
use domain::dates::age_in_years;
use domain::event::AdmissionOrigin;
use domain::member::{Gender, OccupationGroup, Profile};
use domain::pipeline::{CandidateSource, TargetGroup};

use crate::tree::Category;

/// What an admission's origin is drawn from.
pub(crate) struct Admitting<'p> {
    /// Varies the draw from member to member (the member's index).
    pub seed: u64,
    pub on: NaiveDate,
    pub birth: NaiveDate,
    pub gender: Gender,
    /// The profile in force on the day of the decision.
    pub profile: Option<&'p Profile>,
    /// The kind of chi bộ that decided (`None`: outside the province).
    pub category: Option<Category>,
}

/// A number in 0..100 drawn from `seed` and `salt` without touching the random stream (so that
/// every other generated value stays as it was): splitmix64.
fn percent(seed: u64, salt: u64) -> u64 {
    let mut z = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(salt.wrapping_mul(0xBF58_476D_1CE4_E5B9));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) % 100
}

/// Who introduced an admitted member and the sub-target group of the admission, as the chi bộ
/// would have filed them (README "Developing members"): most young people come through the Youth
/// Union (Charter art. 4: its executive committee introduces members under 30), workers of
/// enterprises through the trade union, some women through the Women's Union, some older men
/// through the Veterans' Association; students count towards the student sub-target, workers of
/// private enterprises towards theirs, and some admissions of residential chi bộ towards the
/// residential one. The source is never left unknown.
pub(crate) fn origin(a: &Admitting<'_>) -> AdmissionOrigin {
    use OccupationGroup as O;
    let age = age_in_years(a.birth, a.on);
    let draw = |salt: u64| percent(a.seed, salt ^ u64::from(a.on.num_days_from_ce().unsigned_abs()));
    let occupation = a.profile.map(|p| p.occupation);
    let student = matches!(occupation, Some(O::Pupil | O::UniversityStudent));
    let enterprise = matches!(occupation, Some(O::EnterpriseWorker | O::EnterpriseStaff | O::EnterpriseManager));
    let youth_union = a.profile.is_some_and(|p| p.youth_union) || age < 30;
    let roll = draw(1);
    let source = if student {
        if roll < 92 { CandidateSource::YouthUnion } else { CandidateSource::Other }
    } else if enterprise {
        match roll {
            0..55 => CandidateSource::TradeUnion,
            55..85 if youth_union => CandidateSource::YouthUnion,
            55..85 if a.gender == Gender::Female => CandidateSource::WomenUnion,
            55..85 => CandidateSource::TradeUnion,
            85..93 => CandidateSource::OtherMassOrganization,
            _ => CandidateSource::Other,
        }
    } else if youth_union {
        match roll {
            0..80 => CandidateSource::YouthUnion,
            80..88 if a.gender == Gender::Female => CandidateSource::WomenUnion,
            80..88 => CandidateSource::OtherMassOrganization,
            88..94 if a.category == Some(Category::Village) => CandidateSource::OtherMassOrganization,
            88..94 => CandidateSource::TradeUnion,
            _ => CandidateSource::Other,
        }
    } else {
        match roll {
            0..40 if a.gender == Gender::Female => CandidateSource::WomenUnion,
            0..35 if a.gender == Gender::Male && age >= 35 => CandidateSource::Veterans,
            0..60 if matches!(a.category, Some(Category::School | Category::Health | Category::Agency)) => CandidateSource::TradeUnion,
            0..80 => CandidateSource::OtherMassOrganization,
            _ => CandidateSource::Other,
        }
    };
    let target_group = if student {
        Some(TargetGroup::Student)
    } else if enterprise && matches!(a.category, Some(Category::Enterprise | Category::Village)) {
        // The enterprises of the tree are joint-stock and limited companies, outside the state sector.
        Some(TargetGroup::PrivateEnterprise)
    } else if a.category == Some(Category::Village) && draw(2) < 45 {
        Some(TargetGroup::Residential)
    } else {
        None
    };
    AdmissionOrigin { source: Some(source), target_group }
}
