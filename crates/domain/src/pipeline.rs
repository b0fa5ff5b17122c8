//! The admission pipeline as a case (hồ sơ phát triển đảng viên): a candidate (quần chúng) in a
//! chi bộ, and the dated steps of the file, each linked to its form (rules.md §2.2, §2.5, §3).
//!
//! A case is its candidate plus the steps recorded so far, in order. Everything else is derived
//! from them, like a member's history from its events: the [`Stage`], the steps that may come
//! next ([`next_steps`]), the checks a new step must pass ([`check_step`], built on
//! [`crate::admission`]) and the work that is due ([`due_items`]).
//!
//! Pure: the storage layer resolves what lives elsewhere (introducers' membership, a former
//! member's history) into [`Facts`] before asking.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::admission::{self, AdmissionConfig, AdmissionFile, Blocker, ChiBoVote, EducationException, Introducer, Introduction, Together};
use crate::code_list;
use crate::dates::{add_months, format_vn, parse_date};
use crate::error::{FieldError, ValidationErrors};
use crate::ids::{DecisionNumber, MemberId, PartyCardNumber, UnitId};
use crate::member::{Identity, IdentityInput, Profile, ProfileInput};
use crate::text;
use crate::unit::LegalBasis;
use crate::workdays::WorkCalendar;

mod register;
pub use register::{Case, CaseMember, RegisterWrite, register_writes};

code_list!(
    /// Where the chi bộ found the candidate (nguồn phát triển đảng viên; README "Developing members").
    CandidateSource, "Nguồn quần chúng", {
        YouthUnion = ("doan-thanh-nien", "Đoàn Thanh niên Cộng sản Hồ Chí Minh"),
        TradeUnion = ("cong-doan", "Công đoàn"),
        WomenUnion = ("hoi-phu-nu", "Hội Liên hiệp Phụ nữ"),
        Veterans = ("cuu-chien-binh", "Hội Cựu chiến binh"),
        OtherMassOrganization = ("doan-the-khac", "Đoàn thể, hội quần chúng khác"),
        Other = ("khac", "Nguồn khác"),
    }
);

code_list!(
    /// The groups committees set sub-targets for (README "Developing members"; rules.md §13).
    TargetGroup, "Nhóm chỉ tiêu", {
        PrivateEnterprise = ("doanh-nghiep-tu-nhan", "Doanh nghiệp tư nhân, ngoài khu vực nhà nước"),
        Student = ("hoc-sinh-sinh-vien", "Học sinh, sinh viên"),
        Residential = ("khu-dan-cu", "Thôn, tổ dân phố, khu dân cư"),
    }
);

code_list!(
    /// What the chi bộ proposes after the probation (form 13-KNĐ; rules.md §3).
    RecognitionProposal, "Đề nghị của chi bộ", {
        Recognize = ("cong-nhan", "Công nhận đảng viên chính thức"),
        StrikeOff = ("xoa-ten", "Xóa tên đảng viên dự bị (không đủ tư cách)"),
    }
);

code_list!(
    /// How the applicant is introduced (Charter art. 4; rules.md §2.2 point 6).
    IntroductionMode, "Hình thức giới thiệu", {
        TwoMembers = ("hai-dang-vien", "Hai đảng viên chính thức (3-KNĐ)"),
        YouthUnion = ("doan-thanh-nien", "Nghị quyết Ban Chấp hành Đoàn cơ sở (4-KNĐ) và một đảng viên chính thức"),
        TradeUnion = ("cong-doan", "Nghị quyết Ban Chấp hành Công đoàn cơ sở và một đảng viên chính thức"),
    }
);

/// The party-awareness class certificate (giấy chứng nhận CN-NTVĐ; rules.md §2.2 point 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Certificate {
    pub number: String,
    pub issued_on: NaiveDate,
    pub issuer: String,
}

/// A candidate (quần chúng ưu tú, cảm tình Đảng) followed by a chi bộ. The identity and profile
/// become the member record on the admission decision: nothing is typed twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Candidate {
    /// The chi bộ that follows the candidate and will admit them.
    pub unit: UnitId,
    pub identity: Identity,
    pub profile: Profile,
    pub source: CandidateSource,
    pub target_group: Option<TargetGroup>,
    /// The official member assigned to help (đảng viên chính thức được phân công giúp đỡ).
    pub helper: Option<MemberId>,
    /// Tasks the chi bộ gave (nhiệm vụ được giao).
    pub tasks: Option<String>,
    pub certificate: Option<Certificate>,
    pub education_exception: Option<EducationException>,
    /// Date of the written consent of the provincial standing committee: needed to admit a
    /// person over 60 and for every readmission (rules.md §2.1, §2.4).
    pub province_consent_on: Option<NaiveDate>,
    /// A former member applying again (kết nạp lại): their record in the register.
    pub former_member: Option<MemberId>,
    /// For a readmission: the date a less-serious criminal record was expunged, if any.
    pub record_expunged_on: Option<NaiveDate>,
    /// For a readmission: the person left for a reason that bars readmission and that the register
    /// does not show (serious disunity, corruption, a serious crime — 294-QĐ/TW point 3.5).
    pub readmission_barred: bool,
    pub note: Option<String>,
}

impl Candidate {
    /// A candidate of chi bộ `unit` found through `source`, with nothing else on file yet: no
    /// target group, helper, tasks, certificate, exception, consent or note, and not a former member.
    pub fn new(unit: UnitId, identity: Identity, profile: Profile, source: CandidateSource) -> Self {
        Candidate {
            unit,
            identity,
            profile,
            source,
            target_group: None,
            helper: None,
            tasks: None,
            certificate: None,
            education_exception: None,
            province_consent_on: None,
            former_member: None,
            record_expunged_on: None,
            readmission_barred: false,
            note: None,
        }
    }
}

/// An introducer of a candidate; the register supplies the rest ([`IntroducerFacts`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntroducerRef {
    #[serde(flatten)]
    pub who: IntroducerId,
    /// Date of the introduction letter (3-KNĐ).
    pub introduced_on: NaiveDate,
    pub together_since: NaiveDate,
    pub together: Together,
}

/// Who introduces: a member the caller may read, by member id; or a member of another
/// organization (a real case: a colleague from the workplace's chi bộ), by full name **and** party
/// card number. Knowing both is the proof that the caller may ask whether that member qualifies;
/// the answer names nothing the caller did not type (issue: name look-ups outside the scope).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum IntroducerId {
    Member { member: MemberId },
    Card { full_name: String, party_card_number: PartyCardNumber },
}

impl IntroducerId {
    /// How the introducer is named to the caller in messages: as typed, never looked up.
    pub fn described(&self) -> String {
        match self {
            IntroducerId::Member { member } => format!("Đảng viên mã số {}", member.0),
            IntroducerId::Card { full_name, party_card_number } => format!("{full_name} (thẻ đảng viên số {})", party_card_number.as_str()),
        }
    }
}

/// What a step records. Dates are the dates of the documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum StepData {
    /// Đơn xin vào Đảng (1-KNĐ).
    Application { on: NaiveDate },
    /// Lý lịch của người xin vào Đảng (2-KNĐ).
    Autobiography { on: NaiveDate },
    /// Gửi công văn thẩm tra lý lịch: to whom.
    VerificationRequest { on: NaiveDate, to: String },
    /// Kết quả thẩm tra, xác minh lý lịch, and whether it is clear.
    VerificationResult { on: NaiveDate, clear: bool, summary: String },
    /// Giới thiệu người vào Đảng (3-KNĐ, 4-KNĐ).
    Introduction { mode: IntroductionMode, resolution_on: Option<NaiveDate>, introducers: Vec<IntroducerRef> },
    /// Tổng hợp ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú (5-KNĐ).
    Opinions { on: NaiveDate },
    /// Hồ sơ quá 12 tháng: giấy giới thiệu, nghị quyết giới thiệu, ý kiến nhận xét làm lại (rules.md §2.3).
    DocumentsRenewed { on: NaiveDate },
    /// Nghị quyết chi bộ đề nghị kết nạp (6-KNĐ).
    ChiBoVote { vote: ChiBoVote },
    /// Nghị quyết đảng ủy cơ sở đề nghị kết nạp (8-KNĐ).
    GrassrootsResolution { on: NaiveDate, number: String },
    /// Cấp ủy có thẩm quyền gia hạn thời hạn xem xét (tối đa 30 ngày làm việc; 294-QĐ/TW point 4.3.1).
    Extension { on: NaiveDate, note: String },
    /// Quyết định kết nạp (9-KNĐ): becomes the register's admission event.
    Decision { basis: LegalBasis, signer: String },
    /// Chi bộ nhận quyết định.
    DecisionReceived { on: NaiveDate },
    /// Lễ kết nạp.
    Ceremony { on: NaiveDate },
    /// Lớp bồi dưỡng lý luận chính trị cho đảng viên mới: certificate.
    NewMemberClass { on: NaiveDate, number: String },
    /// Bản tự kiểm điểm của đảng viên dự bị (10-KNĐ).
    SelfReview { on: NaiveDate },
    /// Nhận xét của đảng viên giúp đỡ (11-KNĐ).
    HelperComment { on: NaiveDate },
    /// Tổng hợp ý kiến nhận xét về đảng viên dự bị (12-KNĐ).
    ProbationOpinions { on: NaiveDate },
    /// Nghị quyết chi bộ đề nghị công nhận chính thức, or xóa tên (13-KNĐ).
    RecognitionVote { vote: ChiBoVote, proposal: RecognitionProposal },
    /// Nghị quyết đảng ủy cơ sở đề nghị công nhận (15-KNĐ).
    RecognitionResolution { on: NaiveDate, number: String },
    /// Quyết định công nhận đảng viên chính thức: becomes the register's recognition event.
    RecognitionDecision { basis: LegalBasis, signer: String },
    /// Quyết định xóa tên đảng viên dự bị: becomes the register's strike-off event.
    StrikeOffDecision { basis: LegalBasis, signer: String },
    /// Ngừng xem xét (the candidate withdraws, moves away, or no longer qualifies).
    Closed { on: NaiveDate, reason: String },
}

code_list!(
    /// The kinds of step, in pipeline order, with the form each is recorded on.
    StepKind, "Bước hồ sơ", {
        Application = ("don", "Đơn xin vào Đảng (1-KNĐ)"),
        Autobiography = ("ly-lich", "Lý lịch người xin vào Đảng (2-KNĐ)"),
        VerificationRequest = ("tham-tra", "Gửi thẩm tra, xác minh lý lịch"),
        VerificationResult = ("ket-qua-tham-tra", "Kết quả thẩm tra lý lịch"),
        Introduction = ("gioi-thieu", "Giới thiệu người vào Đảng (3-KNĐ, 4-KNĐ)"),
        Opinions = ("y-kien", "Tổng hợp ý kiến nhận xét (5-KNĐ)"),
        DocumentsRenewed = ("lam-lai-ho-so", "Làm lại hồ sơ quá 12 tháng"),
        ChiBoVote = ("nghi-quyet-chi-bo", "Nghị quyết chi bộ đề nghị kết nạp (6-KNĐ)"),
        GrassrootsResolution = ("nghi-quyet-dang-uy", "Nghị quyết đảng ủy cơ sở đề nghị kết nạp (8-KNĐ)"),
        Extension = ("gia-han", "Gia hạn thời hạn xem xét"),
        Decision = ("quyet-dinh", "Quyết định kết nạp (9-KNĐ)"),
        DecisionReceived = ("nhan-quyet-dinh", "Chi bộ nhận quyết định kết nạp"),
        Ceremony = ("le-ket-nap", "Lễ kết nạp"),
        NewMemberClass = ("lop-dang-vien-moi", "Lớp bồi dưỡng lý luận chính trị cho đảng viên mới"),
        SelfReview = ("tu-kiem-diem", "Bản tự kiểm điểm của đảng viên dự bị (10-KNĐ)"),
        HelperComment = ("nhan-xet-giup-do", "Nhận xét của đảng viên giúp đỡ (11-KNĐ)"),
        ProbationOpinions = ("y-kien-du-bi", "Tổng hợp ý kiến nhận xét đảng viên dự bị (12-KNĐ)"),
        RecognitionVote = ("nghi-quyet-cong-nhan", "Nghị quyết chi bộ đề nghị công nhận chính thức (13-KNĐ)"),
        RecognitionResolution = ("nghi-quyet-dang-uy-cong-nhan", "Nghị quyết đảng ủy cơ sở đề nghị công nhận (15-KNĐ)"),
        RecognitionDecision = ("quyet-dinh-cong-nhan", "Quyết định công nhận đảng viên chính thức"),
        StrikeOffDecision = ("quyet-dinh-xoa-ten", "Quyết định xóa tên đảng viên dự bị"),
        Closed = ("ngung-xem-xet", "Ngừng xem xét"),
    }
);

impl StepKind {
    /// Decisions of the competent committee (recorded by those who may decide or keep the register).
    pub fn is_decision(self) -> bool {
        matches!(self, StepKind::Decision | StepKind::RecognitionDecision | StepKind::StrikeOffDecision | StepKind::Extension)
    }

    /// Steps that write the register (admission, ceremony, recognition, strike-off): they cannot be undone here.
    pub fn writes_register(self) -> bool {
        matches!(self, StepKind::Decision | StepKind::Ceremony | StepKind::RecognitionDecision | StepKind::StrikeOffDecision)
    }

    /// Steps that may be recorded more than once.
    fn repeatable(self) -> bool {
        matches!(self, StepKind::VerificationRequest | StepKind::VerificationResult | StepKind::DocumentsRenewed)
    }
}

impl StepData {
    pub fn kind(&self) -> StepKind {
        match self {
            StepData::Application { .. } => StepKind::Application,
            StepData::Autobiography { .. } => StepKind::Autobiography,
            StepData::VerificationRequest { .. } => StepKind::VerificationRequest,
            StepData::VerificationResult { .. } => StepKind::VerificationResult,
            StepData::Introduction { .. } => StepKind::Introduction,
            StepData::Opinions { .. } => StepKind::Opinions,
            StepData::DocumentsRenewed { .. } => StepKind::DocumentsRenewed,
            StepData::ChiBoVote { .. } => StepKind::ChiBoVote,
            StepData::GrassrootsResolution { .. } => StepKind::GrassrootsResolution,
            StepData::Extension { .. } => StepKind::Extension,
            StepData::Decision { .. } => StepKind::Decision,
            StepData::DecisionReceived { .. } => StepKind::DecisionReceived,
            StepData::Ceremony { .. } => StepKind::Ceremony,
            StepData::NewMemberClass { .. } => StepKind::NewMemberClass,
            StepData::SelfReview { .. } => StepKind::SelfReview,
            StepData::HelperComment { .. } => StepKind::HelperComment,
            StepData::ProbationOpinions { .. } => StepKind::ProbationOpinions,
            StepData::RecognitionVote { .. } => StepKind::RecognitionVote,
            StepData::RecognitionResolution { .. } => StepKind::RecognitionResolution,
            StepData::RecognitionDecision { .. } => StepKind::RecognitionDecision,
            StepData::StrikeOffDecision { .. } => StepKind::StrikeOffDecision,
            StepData::Closed { .. } => StepKind::Closed,
        }
    }

    /// The date of the step's document.
    pub fn on(&self) -> NaiveDate {
        match self {
            StepData::Application { on }
            | StepData::Autobiography { on }
            | StepData::VerificationRequest { on, .. }
            | StepData::VerificationResult { on, .. }
            | StepData::Opinions { on }
            | StepData::DocumentsRenewed { on }
            | StepData::GrassrootsResolution { on, .. }
            | StepData::Extension { on, .. }
            | StepData::DecisionReceived { on }
            | StepData::Ceremony { on }
            | StepData::NewMemberClass { on, .. }
            | StepData::SelfReview { on }
            | StepData::HelperComment { on }
            | StepData::ProbationOpinions { on }
            | StepData::RecognitionResolution { on, .. }
            | StepData::Closed { on, .. } => *on,
            StepData::Introduction { resolution_on, introducers, .. } => {
                introducers.iter().map(|i| i.introduced_on).chain(*resolution_on).max().unwrap_or(NaiveDate::MIN)
            }
            StepData::ChiBoVote { vote } | StepData::RecognitionVote { vote, .. } => vote.on,
            StepData::Decision { basis, .. } | StepData::RecognitionDecision { basis, .. } | StepData::StrikeOffDecision { basis, .. } => {
                basis.date
            }
        }
    }
}

/// Where a case stands: the columns of the pipeline board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Stage {
    /// Quần chúng, no application yet.
    Source,
    /// Application received; the file is being completed.
    File,
    /// The chi bộ proposed admission; the competent committee has not decided.
    AwaitingDecision,
    /// Admitted; the ceremony is not held yet.
    AwaitingCeremony,
    /// Probationary member.
    Probation,
    /// The chi bộ proposed recognition or strike-off; the committee has not decided.
    AwaitingRecognition,
    Official,
    StruckOff,
    Closed,
}

impl Stage {
    pub const BOARD: [Stage; 6] =
        [Stage::Source, Stage::File, Stage::AwaitingDecision, Stage::AwaitingCeremony, Stage::Probation, Stage::AwaitingRecognition];

    pub fn label(self) -> &'static str {
        match self {
            Stage::Source => "Quần chúng ưu tú",
            Stage::File => "Đang hoàn thiện hồ sơ",
            Stage::AwaitingDecision => "Chờ quyết định kết nạp",
            Stage::AwaitingCeremony => "Chờ lễ kết nạp",
            Stage::Probation => "Đảng viên dự bị",
            Stage::AwaitingRecognition => "Chờ quyết định công nhận",
            Stage::Official => "Đã công nhận chính thức",
            Stage::StruckOff => "Đã xóa tên",
            Stage::Closed => "Ngừng xem xét",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Stage::Source => "source",
            Stage::File => "file",
            Stage::AwaitingDecision => "awaiting_decision",
            Stage::AwaitingCeremony => "awaiting_ceremony",
            Stage::Probation => "probation",
            Stage::AwaitingRecognition => "awaiting_recognition",
            Stage::Official => "official",
            Stage::StruckOff => "struck_off",
            Stage::Closed => "closed",
        }
    }

    pub fn parse(code: &str) -> Option<Stage> {
        [
            Stage::Source,
            Stage::File,
            Stage::AwaitingDecision,
            Stage::AwaitingCeremony,
            Stage::Probation,
            Stage::AwaitingRecognition,
            Stage::Official,
            Stage::StruckOff,
            Stage::Closed,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    pub fn is_open(self) -> bool {
        !matches!(self, Stage::Official | Stage::StruckOff | Stage::Closed)
    }
}

/// The steps of a case, in the order recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Steps(pub Vec<StepData>);

impl Steps {
    pub fn last_of(&self, kind: StepKind) -> Option<&StepData> {
        self.0.iter().rev().find(|s| s.kind() == kind)
    }

    pub fn has(&self, kind: StepKind) -> bool {
        self.last_of(kind).is_some()
    }

    /// The date of the latest step of this kind in force.
    pub fn date_of(&self, kind: StepKind) -> Option<NaiveDate> {
        self.last_of(kind).map(StepData::on)
    }

    pub fn vote(&self) -> Option<ChiBoVote> {
        match self.last_of(StepKind::ChiBoVote) {
            Some(StepData::ChiBoVote { vote }) => Some(*vote),
            _ => None,
        }
    }

    pub fn decision_on(&self) -> Option<NaiveDate> {
        self.date_of(StepKind::Decision)
    }

    pub fn recognition_vote(&self) -> Option<(ChiBoVote, RecognitionProposal)> {
        match self.last_of(StepKind::RecognitionVote) {
            Some(StepData::RecognitionVote { vote, proposal }) => Some((*vote, *proposal)),
            _ => None,
        }
    }

    pub fn introduction(&self) -> Option<&StepData> {
        self.last_of(StepKind::Introduction)
    }

    /// An extension granted after `since` (the vote it extends).
    fn extended_after(&self, since: NaiveDate) -> bool {
        self.0.iter().any(|s| matches!(s, StepData::Extension { on, .. } if *on >= since))
    }
}

/// Where the case stands, from its steps.
pub fn stage(steps: &Steps) -> Stage {
    if steps.has(StepKind::Closed) {
        Stage::Closed
    } else if steps.has(StepKind::StrikeOffDecision) {
        Stage::StruckOff
    } else if steps.has(StepKind::RecognitionDecision) {
        Stage::Official
    } else if steps.has(StepKind::RecognitionVote) {
        Stage::AwaitingRecognition
    } else if steps.has(StepKind::Ceremony) {
        Stage::Probation
    } else if steps.has(StepKind::Decision) {
        Stage::AwaitingCeremony
    } else if steps.has(StepKind::ChiBoVote) {
        Stage::AwaitingDecision
    } else if steps.has(StepKind::Application) {
        Stage::File
    } else {
        Stage::Source
    }
}

/// The steps a kind requires before it (all of them), in the order of rules.md §2.2 and §3.
fn requires(kind: StepKind) -> &'static [StepKind] {
    use StepKind::*;
    match kind {
        Application => &[],
        Autobiography | Introduction | Opinions | DocumentsRenewed => &[Application],
        VerificationRequest => &[Autobiography],
        VerificationResult => &[VerificationRequest],
        ChiBoVote => &[Application, Autobiography, VerificationResult, Introduction, Opinions],
        GrassrootsResolution => &[ChiBoVote],
        Extension => &[ChiBoVote],
        Decision => &[ChiBoVote],
        DecisionReceived => &[Decision],
        Ceremony => &[Decision],
        NewMemberClass | SelfReview | HelperComment | ProbationOpinions => &[Ceremony],
        RecognitionVote => &[NewMemberClass, SelfReview, HelperComment, ProbationOpinions],
        RecognitionResolution => &[RecognitionVote],
        RecognitionDecision | StrikeOffDecision => &[RecognitionVote],
        Closed => &[],
    }
}

/// Kinds that can no longer be recorded once `after` exists (the file moved past them).
fn closed_by(kind: StepKind) -> Option<StepKind> {
    use StepKind::*;
    match kind {
        Application | Autobiography | VerificationRequest | VerificationResult | Introduction | Opinions | DocumentsRenewed => {
            Some(ChiBoVote)
        }
        ChiBoVote | GrassrootsResolution => Some(Decision),
        DecisionReceived => Some(Ceremony),
        Ceremony => None,
        NewMemberClass | SelfReview | HelperComment | ProbationOpinions => Some(RecognitionVote),
        RecognitionVote | RecognitionResolution => Some(RecognitionDecision),
        Closed => Some(Decision),
        Extension | Decision | RecognitionDecision | StrikeOffDecision => None,
    }
}

/// The kinds that may be recorded now, in pipeline order (for the "next step" buttons).
pub fn next_steps(steps: &Steps) -> Vec<StepKind> {
    StepKind::ALL.iter().copied().filter(|k| order_problem(steps, *k).is_none()).collect()
}

const SRC_ORDER: &str = "Hướng dẫn 12-HD/BTCTW, trình tự kết nạp đảng viên và công nhận đảng viên chính thức";
const SRC_PROBATION: &str = "Điều lệ Đảng điều 5; Quy định 294-QĐ/TW điểm 4.2 (12 tháng dự bị)";
const SRC_DECISION_TIME: &str = "Quy định 294-QĐ/TW điểm 4.3.1 (gia hạn tối đa 30 ngày làm việc)";

fn order_problem(steps: &Steps, kind: StepKind) -> Option<Blocker> {
    let stage = stage(steps);
    if !stage.is_open() {
        return Some(blocker("case_closed", SRC_ORDER, format!("Hồ sơ đã kết thúc ({}).", stage.label().to_lowercase())));
    }
    if !kind.repeatable() && kind != StepKind::Extension && steps.has(kind) {
        return Some(blocker("step_already_recorded", SRC_ORDER, format!("Bước “{}” đã được ghi.", kind.label())));
    }
    if let Some(after) = closed_by(kind)
        && steps.has(after)
    {
        return Some(blocker("step_too_late", SRC_ORDER, format!("Không thể ghi “{}” sau “{}”.", kind.label(), after.label())));
    }
    if let Some(missing) = requires(kind).iter().find(|k| !steps.has(**k)) {
        return Some(blocker("step_missing_before", SRC_ORDER, format!("Cần ghi “{}” trước “{}”.", missing.label(), kind.label())));
    }
    match kind {
        StepKind::Extension => {
            let pending_admission = steps.has(StepKind::ChiBoVote) && !steps.has(StepKind::Decision);
            let pending_recognition = steps.has(StepKind::RecognitionVote) && !steps.has(StepKind::RecognitionDecision);
            if !pending_admission && !pending_recognition {
                return Some(blocker("nothing_to_extend", SRC_DECISION_TIME, "Không có đề nghị nào đang chờ cấp ủy quyết định."));
            }
            let since = if pending_recognition { steps.recognition_vote().map(|v| v.0.on) } else { steps.vote().map(|v| v.on) };
            if since.is_some_and(|s| steps.extended_after(s)) {
                return Some(blocker("already_extended", SRC_DECISION_TIME, "Thời hạn xem xét đã được gia hạn một lần."));
            }
            None
        }
        StepKind::RecognitionDecision | StepKind::StrikeOffDecision => {
            let wanted =
                if kind == StepKind::RecognitionDecision { RecognitionProposal::Recognize } else { RecognitionProposal::StrikeOff };
            match steps.recognition_vote() {
                Some((_, p)) if p != wanted => Some(blocker(
                    "proposal_mismatch",
                    SRC_ORDER,
                    format!("Chi bộ đề nghị “{}”, không phải “{}”.", p.label(), wanted.label()),
                )),
                _ => None,
            }
        }
        _ => None,
    }
}

fn blocker(code: &'static str, source: &'static str, message: impl Into<String>) -> Blocker {
    Blocker { code, message: message.into(), source }
}

/// An introducer as the register knows them on the date of their letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntroducerFacts {
    pub name: String,
    pub official_since: Option<NaiveDate>,
    /// Whether they were an active member (in the register, not struck off, …) on the letter's date.
    pub active: bool,
}

/// What storage looked up for the checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// Introducers as named in the step (`None`: no such member within the caller's reach, or a
    /// name and card number that do not match the register).
    pub introducers: Vec<(IntroducerId, Option<IntroducerFacts>)>,
    /// For a former member: the readmission facts the register shows (left on, times readmitted,
    /// barred by the register's reason for leaving).
    pub former: Option<admission::Readmission>,
}

impl Facts {
    fn introducer(&self, who: &IntroducerId) -> Option<&IntroducerFacts> {
        self.introducers.iter().find(|(m, _)| m == who).and_then(|(_, f)| f.as_ref())
    }
}

fn resolve_introduction(data: &StepData, facts: &Facts, out: &mut Vec<Blocker>) -> Option<Introduction> {
    let StepData::Introduction { mode, resolution_on, introducers } = data else { return None };
    let expected = if *mode == IntroductionMode::TwoMembers { 2 } else { 1 };
    if introducers.len() != expected {
        out.push(blocker("introducer_count", "Điều lệ Đảng điều 4", format!("{} cần đúng {expected} đảng viên giới thiệu.", mode.label())));
        return None;
    }
    if introducers.len() == 2 && introducers[0].who == introducers[1].who {
        out.push(blocker("introducer_twice", "Điều lệ Đảng điều 4", "Hai người giới thiệu phải là hai đảng viên khác nhau."));
        return None;
    }
    let mut resolved = Vec::new();
    for r in introducers {
        match facts.introducer(&r.who) {
            None => out.push(blocker(
                "introducer_unknown",
                "Điều lệ Đảng điều 4",
                match &r.who {
                    IntroducerId::Member { member } => format!(
                        "Không tìm thấy đảng viên mã số {} trong phạm vi bạn quản lý; người giới thiệu ở tổ chức khác thì nhập họ tên và số thẻ đảng viên.",
                        member.0
                    ),
                    IntroducerId::Card { .. } => format!("{} không khớp với sổ đảng viên.", r.who.described()),
                },
            )),
            Some(f) if !f.active => out.push(blocker(
                "introducer_not_active",
                "Điều lệ Đảng điều 4",
                format!("{} không còn sinh hoạt đảng vào ngày giới thiệu ({}).", f.name, format_vn(r.introduced_on)),
            )),
            Some(f) => resolved.push(Introducer {
                name: f.name.clone(),
                introduced_on: r.introduced_on,
                official_since: f.official_since,
                together_since: r.together_since,
                together: r.together,
            }),
        }
    }
    if resolved.len() != expected {
        return None;
    }
    let needs_resolution = *mode != IntroductionMode::TwoMembers;
    let resolution_on = match (needs_resolution, resolution_on) {
        (true, None) => {
            out.push(blocker("resolution_missing", "Điều lệ Đảng điều 4", "Nhập ngày nghị quyết giới thiệu của Ban Chấp hành."));
            return None;
        }
        (_, r) => *r,
    };
    let mut it = resolved.into_iter();
    let first = it.next()?;
    Some(match mode {
        IntroductionMode::TwoMembers => Introduction::TwoMembers(first, it.next()?),
        IntroductionMode::YouthUnion => Introduction::YouthUnion { resolution_on: resolution_on?, member: first },
        IntroductionMode::TradeUnion => Introduction::TradeUnion { resolution_on: resolution_on?, member: first },
    })
}

/// The introducers of an introduction step that the register knows and that were active.
fn known_introducers(data: &StepData, facts: &Facts) -> Vec<Introducer> {
    let StepData::Introduction { introducers, .. } = data else { return Vec::new() };
    introducers
        .iter()
        .filter_map(|r| {
            let f = facts.introducer(&r.who).filter(|f| f.active)?;
            Some(Introducer {
                name: f.name.clone(),
                introduced_on: r.introduced_on,
                official_since: f.official_since,
                together_since: r.together_since,
                together: r.together,
            })
        })
        .collect()
}

/// The file the rules of [`admission::check`] read, once the vote is known.
fn admission_file(
    candidate: &Candidate,
    steps: &Steps,
    vote: ChiBoVote,
    introduction: Introduction,
    facts: &Facts,
) -> Option<AdmissionFile> {
    let renewed = steps.0.iter().filter(|s| s.kind() == StepKind::DocumentsRenewed).map(StepData::on).max();
    Some(AdmissionFile {
        birth_date: candidate.identity.birth_date,
        education: candidate.profile.general_education,
        education_exception: candidate.education_exception,
        youth_union_member: candidate.profile.youth_union,
        over_age_consent: candidate.province_consent_on.is_some_and(|d| d <= vote.on),
        certificate_on: candidate.certificate.as_ref().map(|c| c.issued_on),
        file_compiled_on: steps.date_of(StepKind::Application)?,
        documents_renewed_on: renewed,
        introduction,
        vote,
        grassroots_resolution_on: steps.date_of(StepKind::GrassrootsResolution),
        decision_on: steps.decision_on(),
        decision_received_on: steps.date_of(StepKind::DecisionReceived),
        ceremony_on: steps.date_of(StepKind::Ceremony),
        readmission: readmission(candidate, facts, vote.on),
    })
}

fn readmission(candidate: &Candidate, facts: &Facts, vote_on: NaiveDate) -> Option<admission::Readmission> {
    candidate.former_member?;
    let mut r = facts.former?;
    r.barred |= candidate.readmission_barred;
    r.record_expunged_on = candidate.record_expunged_on;
    r.provincial_consent = candidate.province_consent_on.is_some_and(|d| d <= vote_on);
    Some(r)
}

/// Every reason `new` cannot be recorded now, each with its source: order of the steps, dates,
/// the introducers when they are named, and the whole Charter check ([`admission::check`]) when the
/// chi bộ votes. The committee's decision is checked for its order and dates: the file it decides
/// on is the one the chi bộ voted.
pub fn check_step(
    candidate: &Candidate,
    steps: &Steps,
    new: &StepData,
    facts: &Facts,
    config: &AdmissionConfig,
    today: NaiveDate,
) -> Vec<Blocker> {
    let kind = new.kind();
    if let Some(b) = order_problem(steps, kind) {
        return vec![b];
    }
    let mut out = Vec::new();
    let on = new.on();
    if on > today {
        out.push(blocker("step_in_future", SRC_ORDER, format!("Ngày {} sau hôm nay; chỉ ghi những gì đã diễn ra.", format_vn(on))));
    }
    // Dated no earlier than the steps it follows.
    for before in requires(kind) {
        if let Some(d) = steps.date_of(*before)
            && on < d
        {
            out.push(blocker(
                "dates_out_of_order",
                SRC_ORDER,
                format!("Ngày “{}” ({}) trước ngày “{}” ({}).", kind.label(), format_vn(on), before.label(), format_vn(d)),
            ));
        }
    }
    match new {
        StepData::Introduction { .. } => {
            let complete = resolve_introduction(new, facts, &mut out);
            // The letters' own conditions now; the whole file is checked again at the vote.
            let vote_on = on.max(today);
            let found = match complete {
                Some(intro) => admission::check_introduction(&intro, candidate.profile.youth_union, vote_on, config),
                None => known_introducers(new, facts).iter().flat_map(|i| admission::check_introducer(i, vote_on)).collect(),
            };
            out.extend(found.into_iter().filter(|b| b.code != "introduction_after_vote"));
        }
        StepData::ChiBoVote { vote } => {
            let mut intro_problems = Vec::new();
            let intro = steps.introduction().and_then(|s| resolve_introduction(s, facts, &mut intro_problems));
            out.extend(intro_problems);
            if let Some(StepData::VerificationResult { clear: false, summary, .. }) = steps.last_of(StepKind::VerificationResult) {
                out.push(blocker(
                    "verification_not_clear",
                    "Hướng dẫn 12-HD/BTCTW mục 1.5 (thẩm tra, xác minh lý lịch)",
                    format!("Kết quả thẩm tra gần nhất chưa rõ ràng ({summary}): thẩm tra bổ sung trước khi chi bộ xét."),
                ));
            }
            if candidate.former_member.is_some() && facts.former.is_none() {
                out.push(blocker("former_member_unknown", SRC_ORDER, "Không tìm thấy hồ sơ đảng viên cũ của người xin kết nạp lại."));
            }
            if let Some(intro) = intro
                && let Some(file) = admission_file(candidate, steps, *vote, intro, facts)
            {
                out.extend(admission::check(&file, config));
            }
        }
        StepData::RecognitionVote { vote, .. } => {
            out.extend(admission::check_vote(vote));
            if let Some(ceremony) = steps.date_of(StepKind::Ceremony) {
                let end = admission::official_date(ceremony);
                if vote.on < end {
                    out.push(blocker(
                        "probation_not_over",
                        SRC_PROBATION,
                        format!(
                            "Chi bộ chỉ xét công nhận sau khi hết 12 tháng dự bị tính từ lễ kết nạp (đến {}); ngày nghị quyết là {}.",
                            format_vn(end),
                            format_vn(vote.on)
                        ),
                    ));
                }
            }
        }
        StepData::Extension { .. } => {
            // The admission vote is checked through `requires`; a recognition proposal here.
            if let Some((v, _)) = steps.recognition_vote()
                && on < v.on
            {
                out.push(blocker(
                    "dates_out_of_order",
                    SRC_ORDER,
                    format!("Ngày gia hạn ({}) trước nghị quyết đề nghị công nhận ({}).", format_vn(on), format_vn(v.on)),
                ));
            }
        }
        StepData::Closed { .. } => {
            if let Some(d) = steps.0.iter().map(StepData::on).max()
                && on < d
            {
                out.push(blocker(
                    "dates_out_of_order",
                    SRC_ORDER,
                    format!("Ngày ngừng xem xét ({}) trước bước đã ghi gần nhất ({}).", format_vn(on), format_vn(d)),
                ));
            }
        }
        StepData::Decision { .. } => {
            if let Some(d) = steps.date_of(StepKind::GrassrootsResolution)
                && on < d
            {
                out.push(blocker(
                    "dates_out_of_order",
                    SRC_ORDER,
                    format!("Ngày quyết định kết nạp ({}) trước nghị quyết của đảng ủy cơ sở ({}).", format_vn(on), format_vn(d)),
                ));
            }
        }
        StepData::RecognitionDecision { .. } | StepData::StrikeOffDecision { .. } => {
            if let Some(d) = steps.date_of(StepKind::RecognitionResolution)
                && on < d
            {
                out.push(blocker(
                    "dates_out_of_order",
                    SRC_ORDER,
                    format!("Ngày quyết định ({}) trước nghị quyết của đảng ủy cơ sở ({}).", format_vn(on), format_vn(d)),
                ));
            }
        }
        StepData::Ceremony { .. } => {
            if let Some(d) = steps.date_of(StepKind::DecisionReceived)
                && on < d
            {
                out.push(blocker(
                    "dates_out_of_order",
                    SRC_ORDER,
                    format!("Lễ kết nạp ({}) trước ngày chi bộ nhận quyết định ({}).", format_vn(on), format_vn(d)),
                ));
            }
        }
        _ => {}
    }
    out
}

/// Blockers to show on an open case before its vote: what would stop the chi bộ if it voted
/// today with every official member in favour (so a secretary sees an expiring certificate or an
/// applicant still too young before calling the meeting).
pub fn preview_blockers(candidate: &Candidate, steps: &Steps, facts: &Facts, config: &AdmissionConfig, today: NaiveDate) -> Vec<Blocker> {
    if stage(steps) != Stage::File {
        return Vec::new();
    }
    let mut out = Vec::new();
    let vote = ChiBoVote { on: today, official_members: 3, present: 3, in_favour: 3, against: 0 };
    out.extend(admission::check_age(candidate.identity.birth_date, today, candidate.province_consent_on.is_some()));
    out.extend(admission::check_education(candidate.profile.general_education, candidate.education_exception, config));
    out.extend(admission::check_certificate(candidate.certificate.as_ref().map(|c| c.issued_on), today, config));
    if let Some(intro) = steps.introduction().and_then(|s| resolve_introduction(s, facts, &mut out)) {
        out.extend(admission::check_introduction(&intro, candidate.profile.youth_union, today, config));
        if let Some(file) = admission_file(candidate, steps, vote, intro, facts)
            && let Some(r) = &file.readmission
        {
            out.extend(admission::check_readmission(r, today));
        }
    }
    if let Some(app) = steps.date_of(StepKind::Application) {
        let renewed = steps.0.iter().filter(|s| s.kind() == StepKind::DocumentsRenewed).map(StepData::on).max();
        out.extend(admission::check_staleness(app, renewed, today, config));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Due work (rules.md §2.2 points 10–11, §2.3, §3)
// ---------------------------------------------------------------------------------------------

/// Who must act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Actor {
    ChiBo,
    Committee,
}

/// One piece of work with its last day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueItem {
    /// Stable code (`decision`, `ceremony`, …).
    pub code: &'static str,
    pub label: &'static str,
    pub due: NaiveDate,
    pub actor: Actor,
    pub source: &'static str,
}

/// How urgent an item is on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Urgency {
    Overdue,
    /// Due within the next 7 days (today included).
    Soon,
    Later,
}

impl Urgency {
    pub fn of(due: NaiveDate, today: NaiveDate) -> Urgency {
        if due < today {
            Urgency::Overdue
        } else if (due - today).num_days() <= 7 {
            Urgency::Soon
        } else {
            Urgency::Later
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Urgency::Overdue => "Quá hạn",
            Urgency::Soon => "Đến hạn trong 7 ngày",
            Urgency::Later => "Chưa đến hạn",
        }
    }
}

/// The work due on an open case, with the last day of each item.
pub fn due_items(candidate: &Candidate, steps: &Steps, cal: &WorkCalendar, config: &AdmissionConfig) -> Vec<DueItem> {
    let mut out = Vec::new();
    match stage(steps) {
        Stage::Source | Stage::File => {
            if let Some(c) = &candidate.certificate {
                out.push(DueItem {
                    code: "certificate_expires",
                    label: "Giấy chứng nhận lớp nhận thức về Đảng hết giá trị: chi bộ cần xét trước ngày này",
                    due: admission::certificate_last_valid_day(c.issued_on, config),
                    actor: Actor::ChiBo,
                    source: "Hướng dẫn 12-HD/BTCTW; giá trị 60 tháng (cấu hình)",
                });
            }
            if let Some(app) = steps.date_of(StepKind::Application) {
                let renewed = steps.0.iter().filter(|s| s.kind() == StepKind::DocumentsRenewed).map(StepData::on).max();
                let since = renewed.map_or(app, |r| r.max(app));
                out.push(DueItem {
                    code: "file_stale",
                    label: "Hồ sơ quá 12 tháng nếu chi bộ chưa xét",
                    due: add_months(since, config.file_stale_after_months),
                    actor: Actor::ChiBo,
                    source: "rules.md §2.3 (hồ sơ quá 12 tháng phải làm lại)",
                });
            }
        }
        Stage::AwaitingDecision => {
            if let Some(v) = steps.vote() {
                out.push(DueItem {
                    code: "decision",
                    label: "Cấp ủy có thẩm quyền ra quyết định kết nạp",
                    due: admission::decision_deadline(cal, v.on, steps.extended_after(v.on)),
                    actor: Actor::Committee,
                    source: "Quy định 294-QĐ/TW điểm 4.3.1 (60 ngày làm việc, gia hạn tối đa 30)",
                });
            }
        }
        Stage::AwaitingCeremony => {
            if let Some(d) = steps.date_of(StepKind::DecisionReceived).or(steps.decision_on()) {
                out.push(DueItem {
                    code: "ceremony",
                    label: "Chi bộ tổ chức lễ kết nạp",
                    due: admission::ceremony_deadline(cal, d),
                    actor: Actor::ChiBo,
                    source: "Quy định 294-QĐ/TW điểm 4.1 (30 ngày làm việc từ khi nhận quyết định)",
                });
            }
        }
        Stage::Probation => {
            if let Some(d) = steps.date_of(StepKind::Ceremony) {
                out.push(DueItem {
                    code: "recognition_proposal",
                    label: "Chi bộ xét, đề nghị công nhận đảng viên chính thức",
                    due: admission::recognition_proposal_deadline(cal, d),
                    actor: Actor::ChiBo,
                    source: "Quy định 294-QĐ/TW điểm 4.2 (30 ngày làm việc sau khi hết 12 tháng dự bị)",
                });
            }
        }
        Stage::AwaitingRecognition => {
            if let Some((v, _)) = steps.recognition_vote() {
                out.push(DueItem {
                    code: "recognition_decision",
                    label: "Cấp ủy có thẩm quyền ra quyết định công nhận chính thức (hoặc xóa tên)",
                    due: admission::recognition_decision_deadline(cal, v.on, steps.extended_after(v.on)),
                    actor: Actor::Committee,
                    source: "Quy định 294-QĐ/TW điểm 4.3.1 (30 ngày làm việc, gia hạn tối đa 30)",
                });
            }
        }
        Stage::Official | Stage::StruckOff | Stage::Closed => {}
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Targets (chỉ tiêu)
// ---------------------------------------------------------------------------------------------

/// The anniversaries on which admissions are customarily held (the occasions of rules.md §6:
/// 3/2 founding of the Party, 19/5 President Hồ Chí Minh's birthday, 2/9 National Day, 7/11 the
/// October Revolution), as (day, month, name).
pub const ANNIVERSARIES: [(u32, u32, &str); 4] = [
    (3, 2, "Ngày thành lập Đảng (3/2)"),
    (19, 5, "Ngày sinh Chủ tịch Hồ Chí Minh (19/5)"),
    (2, 9, "Quốc khánh (2/9)"),
    (7, 11, "Cách mạng Tháng Mười Nga (7/11)"),
];

/// The anniversary `on` falls on, by its name.
pub fn anniversary(on: NaiveDate) -> Option<&'static str> {
    ANNIVERSARIES.iter().find(|(d, m, _)| *d == on.day() && *m == on.month()).map(|(_, _, name)| *name)
}

/// Progress in percent, one decimal; `None` without a target.
pub fn progress_percent(admitted: u32, target: u32) -> Option<f64> {
    (target > 0).then(|| (f64::from(admitted) * 1000.0 / f64::from(target)).round() / 10.0)
}

/// Which sub-target an admission counts towards when the case does not say: students by
/// occupation; otherwise none (a private enterprise or a residential area is a property of the
/// chi bộ that the register does not hold, so the case names it).
pub fn default_target_group(profile: &Profile) -> Option<TargetGroup> {
    use crate::member::OccupationGroup as O;
    match profile.occupation {
        O::Pupil | O::UniversityStudent => Some(TargetGroup::Student),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

/// A step as typed into a form or sent to the API; which fields matter depends on `kind`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StepInput {
    /// One of the [`StepKind`] codes.
    pub kind: String,
    /// Date of the document (dd/mm/yyyy or yyyy-mm-dd).
    pub on: String,
    /// Number of a resolution or certificate.
    pub number: String,
    /// Free text: to whom a verification went, its result, a note, the reason for closing.
    pub text: String,
    /// Verification result: "co"/"true" when clear.
    pub clear: String,
    /// Introduction mode (an [`IntroductionMode`] code).
    pub mode: String,
    pub resolution_on: String,
    /// An introducer within the caller's scope: their member id.
    pub introducer1_member_id: String,
    /// An introducer of another organization: full name and party card number, both.
    pub introducer1_name: String,
    pub introducer1_card: String,
    pub introducer1_on: String,
    pub introducer1_since: String,
    pub introducer1_together: String,
    pub introducer2_member_id: String,
    pub introducer2_name: String,
    pub introducer2_card: String,
    pub introducer2_on: String,
    pub introducer2_since: String,
    pub introducer2_together: String,
    pub official_members: String,
    pub present: String,
    pub in_favour: String,
    pub against: String,
    /// A [`RecognitionProposal`] code.
    pub proposal: String,
    pub decision_number: String,
    pub decision_date: String,
    pub issuer: String,
    pub signer: String,
}

fn together(raw: &str) -> Result<Together, FieldError> {
    match raw.trim() {
        "cong-tac" | "work" => Ok(Together::Work),
        "hoc-tap" | "study" => Ok(Together::Study),
        "cu-tru" | "residence" => Ok(Together::Residence),
        _ => Err(FieldError::new("", "unknown_value", "Chọn cùng công tác, cùng học tập hoặc cùng cư trú.")),
    }
}

fn count(e: &mut ValidationErrors, field: &str, raw: &str, label: &str) -> Option<u32> {
    let v = raw.trim().parse::<u32>().ok().filter(|v| *v <= 100_000);
    if v.is_none() {
        e.push(field, "invalid_number", format!("{label} phải là số nguyên không âm."));
    }
    v
}

impl StepInput {
    pub fn parse(&self) -> Result<StepData, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let Some(kind) = e.take("kind", StepKind::parse(&self.kind)) else {
            return Err(e);
        };
        let date = |e: &mut ValidationErrors, field: &str, raw: &str| e.take(field, parse_date(raw));
        let text = |e: &mut ValidationErrors, field: &str, raw: &str, label: &str| e.take(field, text::required_lines(raw, 1000, label));
        let vote = |e: &mut ValidationErrors| -> Option<ChiBoVote> {
            let on = date(e, "on", &self.on);
            let official = count(e, "official_members", &self.official_members, "Số đảng viên chính thức");
            let present = count(e, "present", &self.present, "Số có mặt");
            let yes = count(e, "in_favour", &self.in_favour, "Số tán thành");
            let no = count(e, "against", &self.against, "Số không tán thành");
            Some(ChiBoVote { on: on?, official_members: official?, present: present?, in_favour: yes?, against: no? })
        };
        let basis = |e: &mut ValidationErrors| -> Option<(LegalBasis, String)> {
            let number = e.take("decision_number", DecisionNumber::parse(&self.decision_number));
            let d = date(e, "decision_date", &self.decision_date);
            let issuer = e.take("issuer", text::required_text(&self.issuer, 200, "Cơ quan ban hành"));
            let signer = e.take("signer", text::required_text(&self.signer, 200, "Người ký"));
            Some((LegalBasis { number: number?, date: d?, issuer: issuer? }, signer?))
        };
        let number = |e: &mut ValidationErrors| e.take("number", text::required_text(&self.number, 40, "Số văn bản"));
        let data = match kind {
            StepKind::Application => date(&mut e, "on", &self.on).map(|on| StepData::Application { on }),
            StepKind::Autobiography => date(&mut e, "on", &self.on).map(|on| StepData::Autobiography { on }),
            StepKind::VerificationRequest => {
                let on = date(&mut e, "on", &self.on);
                let to = text(&mut e, "text", &self.text, "Nơi gửi thẩm tra");
                on.zip(to).map(|(on, to)| StepData::VerificationRequest { on, to })
            }
            StepKind::VerificationResult => {
                let on = date(&mut e, "on", &self.on);
                let clear = e.take("clear", crate::member::parse_yes_no(&self.clear));
                let summary = text(&mut e, "text", &self.text, "Kết luận thẩm tra");
                match (on, clear, summary) {
                    (Some(on), Some(clear), Some(summary)) => Some(StepData::VerificationResult { on, clear, summary }),
                    _ => None,
                }
            }
            StepKind::Introduction => self.parse_introduction(&mut e),
            StepKind::Opinions => date(&mut e, "on", &self.on).map(|on| StepData::Opinions { on }),
            StepKind::DocumentsRenewed => date(&mut e, "on", &self.on).map(|on| StepData::DocumentsRenewed { on }),
            StepKind::ChiBoVote => vote(&mut e).map(|vote| StepData::ChiBoVote { vote }),
            StepKind::GrassrootsResolution => {
                let on = date(&mut e, "on", &self.on);
                on.zip(number(&mut e)).map(|(on, number)| StepData::GrassrootsResolution { on, number })
            }
            StepKind::Extension => {
                let on = date(&mut e, "on", &self.on);
                let note = text(&mut e, "text", &self.text, "Lý do gia hạn");
                on.zip(note).map(|(on, note)| StepData::Extension { on, note })
            }
            StepKind::Decision => basis(&mut e).map(|(basis, signer)| StepData::Decision { basis, signer }),
            StepKind::DecisionReceived => date(&mut e, "on", &self.on).map(|on| StepData::DecisionReceived { on }),
            StepKind::Ceremony => date(&mut e, "on", &self.on).map(|on| StepData::Ceremony { on }),
            StepKind::NewMemberClass => {
                let on = date(&mut e, "on", &self.on);
                on.zip(number(&mut e)).map(|(on, number)| StepData::NewMemberClass { on, number })
            }
            StepKind::SelfReview => date(&mut e, "on", &self.on).map(|on| StepData::SelfReview { on }),
            StepKind::HelperComment => date(&mut e, "on", &self.on).map(|on| StepData::HelperComment { on }),
            StepKind::ProbationOpinions => date(&mut e, "on", &self.on).map(|on| StepData::ProbationOpinions { on }),
            StepKind::RecognitionVote => {
                let v = vote(&mut e);
                let p = e.take("proposal", RecognitionProposal::parse(&self.proposal));
                v.zip(p).map(|(vote, proposal)| StepData::RecognitionVote { vote, proposal })
            }
            StepKind::RecognitionResolution => {
                let on = date(&mut e, "on", &self.on);
                on.zip(number(&mut e)).map(|(on, number)| StepData::RecognitionResolution { on, number })
            }
            StepKind::RecognitionDecision => basis(&mut e).map(|(basis, signer)| StepData::RecognitionDecision { basis, signer }),
            StepKind::StrikeOffDecision => basis(&mut e).map(|(basis, signer)| StepData::StrikeOffDecision { basis, signer }),
            StepKind::Closed => {
                let on = date(&mut e, "on", &self.on);
                let reason = text(&mut e, "text", &self.text, "Lý do");
                on.zip(reason).map(|(on, reason)| StepData::Closed { on, reason })
            }
        };
        match data {
            Some(d) if e.is_empty() => Ok(d),
            _ => {
                if e.is_empty() {
                    e.push("kind", "invalid", "Dữ liệu của bước không hợp lệ.");
                }
                Err(e)
            }
        }
    }

    fn parse_introduction(&self, e: &mut ValidationErrors) -> Option<StepData> {
        let mode = e.take("mode", IntroductionMode::parse(&self.mode))?;
        let resolution_on = if mode == IntroductionMode::TwoMembers || self.resolution_on.trim().is_empty() {
            None
        } else {
            Some(e.take("resolution_on", parse_date(&self.resolution_on))?)
        };
        if mode != IntroductionMode::TwoMembers && resolution_on.is_none() {
            e.push("resolution_on", "required", "Nhập ngày nghị quyết giới thiệu của Ban Chấp hành.");
        }
        let slots = [
            IntroducerSlot {
                n: 1,
                member_id: &self.introducer1_member_id,
                name: &self.introducer1_name,
                card: &self.introducer1_card,
                on: &self.introducer1_on,
                since: &self.introducer1_since,
                together: &self.introducer1_together,
            },
            IntroducerSlot {
                n: 2,
                member_id: &self.introducer2_member_id,
                name: &self.introducer2_name,
                card: &self.introducer2_card,
                on: &self.introducer2_on,
                since: &self.introducer2_since,
                together: &self.introducer2_together,
            },
        ];
        let wanted = if mode == IntroductionMode::TwoMembers { 2 } else { 1 };
        let mut introducers = Vec::new();
        for slot in slots.into_iter().take(wanted) {
            let f = |name: &str| format!("introducer{}_{name}", slot.n);
            let who = slot.who(e);
            let on = e.take(&f("on"), parse_date(slot.on));
            let since = e.take(&f("since"), parse_date(slot.since));
            let tog = e.take(&f("together"), together(slot.together));
            if let (Some(who), Some(introduced_on), Some(together_since), Some(together)) = (who, on, since, tog) {
                introducers.push(IntroducerRef { who, introduced_on, together_since, together });
            }
        }
        (introducers.len() == wanted && e.is_empty()).then_some(StepData::Introduction { mode, resolution_on, introducers })
    }
}

/// The fields of one introducer as typed.
struct IntroducerSlot<'a> {
    n: usize,
    member_id: &'a str,
    name: &'a str,
    card: &'a str,
    on: &'a str,
    since: &'a str,
    together: &'a str,
}

impl IntroducerSlot<'_> {
    /// A member id, or a full name with a party card number (both), never a mix.
    fn who(&self, e: &mut ValidationErrors) -> Option<IntroducerId> {
        let n = self.n;
        let f = |name: &str| format!("introducer{n}_{name}");
        let by_card = !(self.name.trim().is_empty() && self.card.trim().is_empty());
        if !self.member_id.trim().is_empty() {
            if by_card {
                e.push(&f("member_id"), "ambiguous", "Chọn đảng viên theo mã số hoặc nhập họ tên và số thẻ, không cả hai.");
                return None;
            }
            return match self.member_id.trim().parse::<i64>() {
                Ok(v) if v > 0 => Some(IntroducerId::Member { member: MemberId(v) }),
                _ => {
                    e.push(&f("member_id"), "invalid_format", "Mã số đảng viên là một số nguyên dương.");
                    None
                }
            };
        }
        if !by_card {
            e.push(
                &f("member_id"),
                "required",
                format!("Chọn đảng viên giới thiệu thứ {n}; người ở tổ chức khác thì nhập họ tên và số thẻ đảng viên."),
            );
            return None;
        }
        let name = e.take(&f("name"), crate::text::PersonName::parse(self.name));
        let card = e.take(&f("card"), PartyCardNumber::parse(self.card));
        Some(IntroducerId::Card { full_name: name?.as_str().to_owned(), party_card_number: card? })
    }
}

/// A candidate as typed into the form or sent to the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CandidateInput {
    #[serde(flatten)]
    pub identity: IdentityInput,
    #[serde(flatten)]
    pub profile: ProfileInput,
    pub unit_id: String,
    /// A [`CandidateSource`] code.
    pub source: String,
    /// A [`TargetGroup`] code, or empty (students are found from the occupation).
    pub target_group: String,
    pub helper_member_id: String,
    pub tasks: String,
    pub certificate_number: String,
    pub certificate_date: String,
    pub certificate_issuer: String,
    /// `vung-kho-khan`, `gia-lang` or empty.
    pub education_exception: String,
    pub province_consent_on: String,
    pub former_member_id: String,
    pub record_expunged_on: String,
    pub readmission_barred: String,
    pub note: String,
}

fn opt_date(e: &mut ValidationErrors, field: &str, raw: &str) -> Option<NaiveDate> {
    if raw.trim().is_empty() { None } else { e.take(field, parse_date(raw)) }
}

fn opt_member(e: &mut ValidationErrors, field: &str, raw: &str) -> Option<MemberId> {
    if raw.trim().is_empty() {
        return None;
    }
    match raw.trim().parse::<i64>() {
        Ok(v) if v > 0 => Some(MemberId(v)),
        _ => {
            e.push(field, "invalid_format", "Mã số đảng viên không hợp lệ.");
            None
        }
    }
}

impl CandidateInput {
    /// Parses every field, collecting all problems; `today` refuses future dates.
    pub fn parse(&self, today: NaiveDate) -> Result<Candidate, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let identity = self.identity.parse_candidate(today).map_err(|x| e.errors.extend(x.errors)).ok();
        let profile = self.profile.parse().map_err(|x| e.errors.extend(x.errors)).ok();
        let unit = if self.unit_id.trim().is_empty() {
            e.push("unit_id", "required", "Chọn chi bộ theo dõi quần chúng.");
            None
        } else {
            e.take("unit_id", crate::event::parse_unit_id(&self.unit_id))
        };
        let source = e.take("source", CandidateSource::parse(&self.source));
        let target_group =
            if self.target_group.trim().is_empty() { None } else { e.take("target_group", TargetGroup::parse(&self.target_group)) };
        let helper = opt_member(&mut e, "helper_member_id", &self.helper_member_id);
        let tasks = e.take("tasks", text::optional_lines(&self.tasks, 2000, "Nhiệm vụ được giao")).flatten();
        let any_cert = [&self.certificate_number, &self.certificate_date, &self.certificate_issuer].iter().any(|s| !s.trim().is_empty());
        let certificate = if any_cert {
            let number = e.take("certificate_number", text::required_text(&self.certificate_number, 40, "Số giấy chứng nhận"));
            let issued_on = e.take("certificate_date", parse_date(&self.certificate_date));
            let issuer = e.take("certificate_issuer", text::required_text(&self.certificate_issuer, 200, "Nơi cấp giấy chứng nhận"));
            if issued_on.is_some_and(|d| d > today) {
                e.push("certificate_date", "in_future", "Ngày cấp giấy chứng nhận không được sau hôm nay.");
            }
            match (number, issued_on, issuer) {
                (Some(number), Some(issued_on), Some(issuer)) => Some(Certificate { number, issued_on, issuer }),
                _ => None,
            }
        } else {
            None
        };
        let education_exception = match self.education_exception.trim() {
            "" => None,
            "vung-kho-khan" => Some(EducationException::DisadvantagedArea),
            "gia-lang" => Some(EducationException::VillageElder),
            _ => {
                e.push("education_exception", "unknown_value", "Trường hợp ngoại lệ về trình độ không có trong danh mục.");
                None
            }
        };
        let province_consent_on = opt_date(&mut e, "province_consent_on", &self.province_consent_on);
        let former_member = opt_member(&mut e, "former_member_id", &self.former_member_id);
        let record_expunged_on = opt_date(&mut e, "record_expunged_on", &self.record_expunged_on);
        let readmission_barred = if self.readmission_barred.trim().is_empty() {
            Some(false)
        } else {
            e.take("readmission_barred", crate::member::parse_yes_no(&self.readmission_barred))
        };
        let note = e.take("note", text::optional_lines(&self.note, 2000, "Ghi chú")).flatten();
        match (identity, profile, unit, source, readmission_barred) {
            (Some(identity), Some(profile), Some(unit), Some(source), Some(readmission_barred)) if e.is_empty() => {
                let target_group = target_group.or_else(|| default_target_group(&profile));
                Ok(Candidate {
                    unit,
                    identity,
                    profile,
                    source,
                    target_group,
                    helper,
                    tasks,
                    certificate,
                    education_exception,
                    province_consent_on,
                    former_member,
                    record_expunged_on,
                    readmission_barred,
                    note,
                })
            }
            _ => Err(e),
        }
    }

    /// The form filled with a stored candidate (for editing).
    pub fn from_candidate(c: &Candidate) -> Self {
        CandidateInput {
            identity: IdentityInput::from_identity(&c.identity),
            profile: ProfileInput::from_profile(&c.profile),
            unit_id: c.unit.0.to_string(),
            source: c.source.code().to_owned(),
            target_group: c.target_group.map(|g| g.code().to_owned()).unwrap_or_default(),
            helper_member_id: c.helper.map(|m| m.0.to_string()).unwrap_or_default(),
            tasks: c.tasks.clone().unwrap_or_default(),
            certificate_number: c.certificate.as_ref().map(|x| x.number.clone()).unwrap_or_default(),
            certificate_date: c.certificate.as_ref().map(|x| format_vn(x.issued_on)).unwrap_or_default(),
            certificate_issuer: c.certificate.as_ref().map(|x| x.issuer.clone()).unwrap_or_default(),
            education_exception: match c.education_exception {
                None => String::new(),
                Some(EducationException::DisadvantagedArea) => "vung-kho-khan".into(),
                Some(EducationException::VillageElder) => "gia-lang".into(),
            },
            province_consent_on: c.province_consent_on.map(format_vn).unwrap_or_default(),
            former_member_id: c.former_member.map(|m| m.0.to_string()).unwrap_or_default(),
            record_expunged_on: c.record_expunged_on.map(format_vn).unwrap_or_default(),
            readmission_barred: if c.readmission_barred { "co".into() } else { String::new() },
            note: c.note.clone().unwrap_or_default(),
        }
    }
}

/// Turns blockers into the validation errors every write returns.
pub fn blockers_to_errors(blockers: &[Blocker]) -> ValidationErrors {
    let mut e = ValidationErrors::default();
    for b in blockers {
        e.push("step", b.code, format!("{} (Căn cứ: {})", b.message, b.source));
    }
    e
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
