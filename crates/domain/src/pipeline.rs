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

mod checks;
mod due;
mod input;
mod recognition;
mod register;
mod targets;
pub use checks::{Facts, IntroducerFacts, check_step, preview_blockers};
pub use due::{Actor, DueItem, Urgency, due_items};
pub use input::{CandidateInput, StepInput, blockers_to_errors};
pub use recognition::{FileItem, RecognitionFile, recognition_file};
pub use register::{Case, CaseMember, RegisterWrite, register_writes};
pub use targets::{ANNIVERSARIES, anniversary, default_target_group, progress_percent};

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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
