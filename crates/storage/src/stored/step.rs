//! A step of an admission case as stored in `admission_steps.data`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use domain::admission::{ChiBoVote, Together};
use domain::ids::{DecisionNumber, MemberId, PartyCardNumber};
use domain::pipeline::{IntroducerId, IntroducerRef, IntroductionMode, RecognitionProposal, StepData};
use domain::unit::LegalBasis;

use super::{R, checked, read, unknown_version, version, write};

/// The JSON of `step` in the current version.
pub fn to_json(step: &StepData) -> R<String> {
    write(&StepV1::from(step))
}

/// A step stored in any version.
pub fn from_json(json: &str) -> R<StepData> {
    match version(json)? {
        1 => read::<StepV1>(json)?.try_into(),
        v => Err(unknown_version("step", v)),
    }
}

/// Version 1 (no `"v"`): the first format, written since the admission pipeline began; the
/// kind of step is in `"kind"`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum StepV1 {
    Application { on: NaiveDate },
    Autobiography { on: NaiveDate },
    VerificationRequest { on: NaiveDate, to: String },
    VerificationResult { on: NaiveDate, clear: bool, summary: String },
    Introduction { mode: IntroductionMode, resolution_on: Option<NaiveDate>, introducers: Vec<IntroducerV1> },
    Opinions { on: NaiveDate },
    DocumentsRenewed { on: NaiveDate },
    ChiBoVote { vote: VoteV1 },
    GrassrootsResolution { on: NaiveDate, number: String },
    Extension { on: NaiveDate, note: String },
    Decision { basis: BasisV1, signer: String },
    DecisionReceived { on: NaiveDate },
    Ceremony { on: NaiveDate },
    NewMemberClass { on: NaiveDate, number: String },
    SelfReview { on: NaiveDate },
    HelperComment { on: NaiveDate },
    ProbationOpinions { on: NaiveDate },
    RecognitionVote { vote: VoteV1, proposal: RecognitionProposal },
    RecognitionResolution { on: NaiveDate, number: String },
    RecognitionDecision { basis: BasisV1, signer: String },
    StrikeOffDecision { basis: BasisV1, signer: String },
    Closed { on: NaiveDate, reason: String },
}

#[derive(Debug, Serialize, Deserialize)]
struct IntroducerV1 {
    #[serde(flatten)]
    who: IntroducerIdV1,
    introduced_on: NaiveDate,
    together_since: NaiveDate,
    together: TogetherV1,
}

/// A member of the register by id, or of another organization by name and card number.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum IntroducerIdV1 {
    Member { member: i64 },
    Card { full_name: String, party_card_number: String },
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum TogetherV1 {
    Work,
    Study,
    Residence,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct VoteV1 {
    on: NaiveDate,
    official_members: u32,
    present: u32,
    in_favour: u32,
    against: u32,
}

#[derive(Debug, Serialize, Deserialize)]
struct BasisV1 {
    number: String,
    date: NaiveDate,
    issuer: String,
}

impl From<&IntroducerRef> for IntroducerV1 {
    fn from(i: &IntroducerRef) -> Self {
        IntroducerV1 {
            who: match &i.who {
                IntroducerId::Member { member } => IntroducerIdV1::Member { member: member.0 },
                IntroducerId::Card { full_name, party_card_number } => {
                    IntroducerIdV1::Card { full_name: full_name.clone(), party_card_number: party_card_number.as_str().to_owned() }
                }
            },
            introduced_on: i.introduced_on,
            together_since: i.together_since,
            together: match i.together {
                Together::Work => TogetherV1::Work,
                Together::Study => TogetherV1::Study,
                Together::Residence => TogetherV1::Residence,
            },
        }
    }
}

impl TryFrom<IntroducerV1> for IntroducerRef {
    type Error = crate::db::DbError;

    fn try_from(i: IntroducerV1) -> R<IntroducerRef> {
        Ok(IntroducerRef {
            who: match i.who {
                IntroducerIdV1::Member { member } => IntroducerId::Member { member: MemberId(member) },
                IntroducerIdV1::Card { full_name, party_card_number } => {
                    IntroducerId::Card { full_name, party_card_number: checked(&party_card_number, PartyCardNumber::parse)? }
                }
            },
            introduced_on: i.introduced_on,
            together_since: i.together_since,
            together: match i.together {
                TogetherV1::Work => Together::Work,
                TogetherV1::Study => Together::Study,
                TogetherV1::Residence => Together::Residence,
            },
        })
    }
}

impl From<ChiBoVote> for VoteV1 {
    fn from(v: ChiBoVote) -> Self {
        VoteV1 { on: v.on, official_members: v.official_members, present: v.present, in_favour: v.in_favour, against: v.against }
    }
}

impl From<VoteV1> for ChiBoVote {
    fn from(v: VoteV1) -> Self {
        ChiBoVote { on: v.on, official_members: v.official_members, present: v.present, in_favour: v.in_favour, against: v.against }
    }
}

impl From<&LegalBasis> for BasisV1 {
    fn from(b: &LegalBasis) -> Self {
        BasisV1 { number: b.number.as_str().to_owned(), date: b.date, issuer: b.issuer.clone() }
    }
}

impl TryFrom<BasisV1> for LegalBasis {
    type Error = crate::db::DbError;

    fn try_from(b: BasisV1) -> R<LegalBasis> {
        Ok(LegalBasis { number: checked(&b.number, DecisionNumber::parse)?, date: b.date, issuer: b.issuer })
    }
}

impl From<&StepData> for StepV1 {
    fn from(step: &StepData) -> Self {
        match step.clone() {
            StepData::Application { on } => StepV1::Application { on },
            StepData::Autobiography { on } => StepV1::Autobiography { on },
            StepData::VerificationRequest { on, to } => StepV1::VerificationRequest { on, to },
            StepData::VerificationResult { on, clear, summary } => StepV1::VerificationResult { on, clear, summary },
            StepData::Introduction { mode, resolution_on, introducers } => {
                StepV1::Introduction { mode, resolution_on, introducers: introducers.iter().map(IntroducerV1::from).collect() }
            }
            StepData::Opinions { on } => StepV1::Opinions { on },
            StepData::DocumentsRenewed { on } => StepV1::DocumentsRenewed { on },
            StepData::ChiBoVote { vote } => StepV1::ChiBoVote { vote: vote.into() },
            StepData::GrassrootsResolution { on, number } => StepV1::GrassrootsResolution { on, number },
            StepData::Extension { on, note } => StepV1::Extension { on, note },
            StepData::Decision { basis, signer } => StepV1::Decision { basis: (&basis).into(), signer },
            StepData::DecisionReceived { on } => StepV1::DecisionReceived { on },
            StepData::Ceremony { on } => StepV1::Ceremony { on },
            StepData::NewMemberClass { on, number } => StepV1::NewMemberClass { on, number },
            StepData::SelfReview { on } => StepV1::SelfReview { on },
            StepData::HelperComment { on } => StepV1::HelperComment { on },
            StepData::ProbationOpinions { on } => StepV1::ProbationOpinions { on },
            StepData::RecognitionVote { vote, proposal } => StepV1::RecognitionVote { vote: vote.into(), proposal },
            StepData::RecognitionResolution { on, number } => StepV1::RecognitionResolution { on, number },
            StepData::RecognitionDecision { basis, signer } => StepV1::RecognitionDecision { basis: (&basis).into(), signer },
            StepData::StrikeOffDecision { basis, signer } => StepV1::StrikeOffDecision { basis: (&basis).into(), signer },
            StepData::Closed { on, reason } => StepV1::Closed { on, reason },
        }
    }
}

impl TryFrom<StepV1> for StepData {
    type Error = crate::db::DbError;

    fn try_from(step: StepV1) -> R<StepData> {
        Ok(match step {
            StepV1::Application { on } => StepData::Application { on },
            StepV1::Autobiography { on } => StepData::Autobiography { on },
            StepV1::VerificationRequest { on, to } => StepData::VerificationRequest { on, to },
            StepV1::VerificationResult { on, clear, summary } => StepData::VerificationResult { on, clear, summary },
            StepV1::Introduction { mode, resolution_on, introducers } => StepData::Introduction {
                mode,
                resolution_on,
                introducers: introducers.into_iter().map(IntroducerRef::try_from).collect::<R<_>>()?,
            },
            StepV1::Opinions { on } => StepData::Opinions { on },
            StepV1::DocumentsRenewed { on } => StepData::DocumentsRenewed { on },
            StepV1::ChiBoVote { vote } => StepData::ChiBoVote { vote: vote.into() },
            StepV1::GrassrootsResolution { on, number } => StepData::GrassrootsResolution { on, number },
            StepV1::Extension { on, note } => StepData::Extension { on, note },
            StepV1::Decision { basis, signer } => StepData::Decision { basis: basis.try_into()?, signer },
            StepV1::DecisionReceived { on } => StepData::DecisionReceived { on },
            StepV1::Ceremony { on } => StepData::Ceremony { on },
            StepV1::NewMemberClass { on, number } => StepData::NewMemberClass { on, number },
            StepV1::SelfReview { on } => StepData::SelfReview { on },
            StepV1::HelperComment { on } => StepData::HelperComment { on },
            StepV1::ProbationOpinions { on } => StepData::ProbationOpinions { on },
            StepV1::RecognitionVote { vote, proposal } => StepData::RecognitionVote { vote: vote.into(), proposal },
            StepV1::RecognitionResolution { on, number } => StepData::RecognitionResolution { on, number },
            StepV1::RecognitionDecision { basis, signer } => StepData::RecognitionDecision { basis: basis.try_into()?, signer },
            StepV1::StrikeOffDecision { basis, signer } => StepData::StrikeOffDecision { basis: basis.try_into()?, signer },
            StepV1::Closed { on, reason } => StepData::Closed { on, reason },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn basis(number: &str, on: NaiveDate, issuer: &str) -> LegalBasis {
        LegalBasis { number: DecisionNumber::parse(number).unwrap(), date: on, issuer: issuer.into() }
    }

    fn vote(on: NaiveDate) -> ChiBoVote {
        ChiBoVote { on, official_members: 12, present: 11, in_favour: 10, against: 1 }
    }

    /// The steps of case 9 of `dangvu demo --members 3000` with their `kind` column, as the
    /// version before named versions wrote them.
    const DEMO: [(&str, &str); 12] = [
        ("don", r#"{"kind":"application","on":"2025-12-08"}"#),
        ("ly-lich", r#"{"kind":"autobiography","on":"2025-12-11"}"#),
        ("tham-tra", r#"{"kind":"verification_request","on":"2025-12-15","to":"Công an xã nơi cư trú"}"#),
        (
            "ket-qua-tham-tra",
            r#"{"kind":"verification_result","on":"2026-01-07","clear":true,"summary":"Lý lịch rõ ràng, không có vấn đề về chính trị"}"#,
        ),
        (
            "gioi-thieu",
            r#"{"kind":"introduction","mode":"doan-thanh-nien","resolution_on":"2026-01-10","introducers":[{"member":2156,"introduced_on":"2026-01-12","together_since":"2023-09-30","together":"work"}]}"#,
        ),
        ("y-kien", r#"{"kind":"opinions","on":"2026-01-17"}"#),
        (
            "nghi-quyet-chi-bo",
            r#"{"kind":"chi_bo_vote","vote":{"on":"2026-02-06","official_members":10,"present":10,"in_favour":10,"against":0}}"#,
        ),
        ("nghi-quyet-dang-uy", r#"{"kind":"grassroots_resolution","on":"2026-02-11","number":"18-NQ/ĐU"}"#),
        (
            "quyet-dinh",
            r#"{"kind":"decision","basis":{"number":"108-QĐ/ĐU","date":"2026-02-26","issuer":"Ban Thường vụ Đảng ủy"},"signer":"Bí thư Đảng ủy"}"#,
        ),
        ("nhan-quyet-dinh", r#"{"kind":"decision_received","on":"2026-03-01"}"#),
        ("le-ket-nap", r#"{"kind":"ceremony","on":"2026-03-13"}"#),
        ("lop-dang-vien-moi", r#"{"kind":"new_member_class","on":"2026-04-27","number":"308/CN-ĐVM"}"#),
    ];

    /// Steps of the kinds the demo does not record, with what the version before named versions
    /// wrote for each (`serde_json` of the domain type then).
    fn others() -> Vec<(&'static str, StepData)> {
        vec![
            (
                r#"{"kind":"introduction","mode":"hai-dang-vien","resolution_on":null,"introducers":[{"member":77,"introduced_on":"2026-02-03","together_since":"2024-01-15","together":"residence"},{"full_name":"Lê Văn Tám","party_card_number":"87654321","introduced_on":"2026-02-04","together_since":"2023-06-01","together":"study"}]}"#,
                StepData::Introduction {
                    mode: IntroductionMode::TwoMembers,
                    resolution_on: None,
                    introducers: vec![
                        IntroducerRef {
                            who: IntroducerId::Member { member: MemberId(77) },
                            introduced_on: date(2026, 2, 3),
                            together_since: date(2024, 1, 15),
                            together: Together::Residence,
                        },
                        IntroducerRef {
                            who: IntroducerId::Card {
                                full_name: "Lê Văn Tám".into(),
                                party_card_number: PartyCardNumber::parse("87654321").unwrap(),
                            },
                            introduced_on: date(2026, 2, 4),
                            together_since: date(2023, 6, 1),
                            together: Together::Study,
                        },
                    ],
                },
            ),
            (r#"{"kind":"documents_renewed","on":"2026-03-02"}"#, StepData::DocumentsRenewed { on: date(2026, 3, 2) }),
            (
                r#"{"kind":"extension","on":"2026-03-05","note":"Chờ kết quả thẩm tra bổ sung"}"#,
                StepData::Extension { on: date(2026, 3, 5), note: "Chờ kết quả thẩm tra bổ sung".into() },
            ),
            (r#"{"kind":"self_review","on":"2027-01-10"}"#, StepData::SelfReview { on: date(2027, 1, 10) }),
            (r#"{"kind":"helper_comment","on":"2027-01-12"}"#, StepData::HelperComment { on: date(2027, 1, 12) }),
            (r#"{"kind":"probation_opinions","on":"2027-01-15"}"#, StepData::ProbationOpinions { on: date(2027, 1, 15) }),
            (
                r#"{"kind":"recognition_vote","vote":{"on":"2027-01-20","official_members":12,"present":11,"in_favour":10,"against":1},"proposal":"cong-nhan"}"#,
                StepData::RecognitionVote { vote: vote(date(2027, 1, 20)), proposal: RecognitionProposal::Recognize },
            ),
            (
                r#"{"kind":"recognition_resolution","on":"2027-01-25","number":"30-NQ/ĐU"}"#,
                StepData::RecognitionResolution { on: date(2027, 1, 25), number: "30-NQ/ĐU".into() },
            ),
            (
                r#"{"kind":"recognition_decision","basis":{"number":"140-QĐ/ĐU","date":"2027-02-02","issuer":"Ban Thường vụ Đảng ủy"},"signer":"Bí thư Đảng ủy"}"#,
                StepData::RecognitionDecision {
                    basis: basis("140-QĐ/ĐU", date(2027, 2, 2), "Ban Thường vụ Đảng ủy"),
                    signer: "Bí thư Đảng ủy".into(),
                },
            ),
            (
                r#"{"kind":"strike_off_decision","basis":{"number":"141-QĐ/ĐU","date":"2027-02-03","issuer":"Ban Thường vụ Đảng ủy"},"signer":"Phó Bí thư Đảng ủy"}"#,
                StepData::StrikeOffDecision {
                    basis: basis("141-QĐ/ĐU", date(2027, 2, 3), "Ban Thường vụ Đảng ủy"),
                    signer: "Phó Bí thư Đảng ủy".into(),
                },
            ),
            (
                r#"{"kind":"closed","on":"2026-05-06","reason":"Chuyển nơi cư trú"}"#,
                StepData::Closed { on: date(2026, 5, 6), reason: "Chuyển nơi cư trú".into() },
            ),
        ]
    }

    #[test]
    fn version_1_reads_as_written_and_is_written_unchanged() {
        for (kind, json) in DEMO {
            let step = from_json(json).unwrap();
            assert_eq!(step.kind().code(), kind, "{json}");
            assert_eq!(to_json(&step).unwrap(), json);
        }
        assert_eq!(from_json(DEMO[0].1).unwrap(), StepData::Application { on: date(2025, 12, 8) });
        let StepData::Introduction { mode, resolution_on, introducers } = from_json(DEMO[4].1).unwrap() else { panic!("an introduction") };
        assert_eq!((mode, resolution_on), (IntroductionMode::YouthUnion, Some(date(2026, 1, 10))));
        assert_eq!(introducers[0].who, IntroducerId::Member { member: MemberId(2156) });
        assert_eq!(introducers[0].together, Together::Work);
        let StepData::ChiBoVote { vote } = from_json(DEMO[6].1).unwrap() else { panic!("a vote") };
        assert_eq!((vote.on, vote.present, vote.in_favour, vote.against), (date(2026, 2, 6), 10, 10, 0));
        assert_eq!(
            from_json(DEMO[8].1).unwrap(),
            StepData::Decision {
                basis: basis("108-QĐ/ĐU", date(2026, 2, 26), "Ban Thường vụ Đảng ủy"), signer: "Bí thư Đảng ủy".into()
            }
        );

        for (json, step) in others() {
            assert_eq!(from_json(json).unwrap(), step, "{json}");
            assert_eq!(to_json(&step).unwrap(), json);
        }
    }

    #[test]
    fn a_step_of_an_unknown_version_is_refused() {
        let later = r#"{"v":2,"kind":"application","on":"2025-12-08"}"#;
        assert!(from_json(later).unwrap_err().to_string().contains("version 2"));
        assert_eq!(
            from_json(r#"{"v":1,"kind":"application","on":"2025-12-08"}"#).unwrap(),
            StepData::Application { on: date(2025, 12, 8) }
        );
    }
}
