//! The typed request bodies of the API: numbers are JSON numbers, yes/no are booleans, dates are
//! strings `YYYY-MM-DD` or `dd/mm/yyyy` ([`DateText`]), closed lists are their codes (the schema of each list comes from its
//! `code_list!`, so a new code reaches the document by itself). Unknown fields are refused (400),
//! so a misspelt field never passes unnoticed.
//!
//! These types are the wire format only: each converts into the domain's text input
//! (`IdentityInput`, `ProfileInput`, `EventInput`, `CandidateInput`, `StepInput`), the same the
//! forms fill, and goes through that input's `parse`. One parser per thing: pages and API share
//! the rules and the field names of their errors (422). A body that does not match its schema
//! (wrong type, unknown field, missing required field, a code not in its list) is a 400 before
//! any rule runs. The types live here rather than in `domain` because the domain inputs must stay
//! text (a form sends text, and keeps what was typed to show it again with the error).

use domain::event::{EventInput, EventKindCode, StrikeOffReason, TransferMode};
use domain::member::{
    AcademicTitle, Ethnicity, ForeignLanguageLevel, Gender, GeneralEducation, IdentityInput, ItLevel, OccupationGroup, PoliticalTheory,
    Professional, ProfileInput, Religion,
};
use domain::pipeline::{CandidateInput, CandidateSource, IntroductionMode, RecognitionProposal, StepInput, StepKind, TargetGroup};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::query::{DATE_PATTERN, has_date_shape};

/// A date as sent: checked for its shape ([`DATE_PATTERN`]) here, read by the domain's
/// `parse_date` with the rest of the input.
#[derive(Debug, Clone)]
pub struct DateText(String);

impl std::fmt::Display for DateText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if has_date_shape(&s) {
            Ok(DateText(s))
        } else {
            Err(serde::de::Error::custom(format!("“{s}” không phải ngày dạng YYYY-MM-DD hoặc dd/mm/yyyy")))
        }
    }
}

impl utoipa::PartialSchema for DateText {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(DATE_PATTERN))
            .description(Some("Ngày: YYYY-MM-DD hoặc dd/mm/yyyy"))
            .into()
    }
}

impl ToSchema for DateText {}

/// Text of an optional value (`None` is the empty field of a form).
fn text<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The code of an optional closed-list value.
fn code<T, F: Fn(T) -> &'static str>(v: Option<T>, code: F) -> String {
    v.map(code).map(str::to_owned).unwrap_or_default()
}

/// A member's or candidate's identity (the undated part of the record).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityBody {
    /// Full name as on the citizen ID card.
    pub full_name: String,
    pub other_names: Option<String>,
    pub gender: Gender,
    pub birth_date: DateText,
    pub birthplace: Option<String>,
    pub hometown: Option<String>,
    pub ethnicity: Ethnicity,
    pub religion: Religion,
    /// Số CCCD: 12 digits (spaces and dots are ignored).
    pub citizen_id: String,
    pub phone: Option<String>,
    /// 8 digits.
    pub party_card_number: Option<String>,
    /// 6 digits and a 1–3 letter provincial code, e.g. `012345HN`.
    pub ly_lich_number: Option<String>,
}

impl From<IdentityBody> for IdentityInput {
    fn from(b: IdentityBody) -> Self {
        IdentityInput {
            full_name: b.full_name,
            other_names: text(b.other_names),
            gender: b.gender.code().to_owned(),
            birth_date: b.birth_date.to_string(),
            birthplace: text(b.birthplace),
            hometown: text(b.hometown),
            ethnicity: b.ethnicity.code().to_owned(),
            religion: b.religion.code().to_owned(),
            citizen_id: b.citizen_id,
            phone: text(b.phone),
            party_card_number: text(b.party_card_number),
            ly_lich_number: text(b.ly_lich_number),
        }
    }
}

/// The dated attributes of a member (education, occupation, …); absent levels mean "none".
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileBody {
    pub general_education: GeneralEducation,
    pub professional: Option<Professional>,
    pub academic_title: Option<AcademicTitle>,
    pub political_theory: Option<PoliticalTheory>,
    pub foreign_language: Option<ForeignLanguageLevel>,
    pub it_level: Option<ItLevel>,
    pub occupation: OccupationGroup,
    /// Đoàn viên Đoàn TNCS Hồ Chí Minh.
    #[serde(default)]
    pub youth_union: bool,
    pub residence: Option<String>,
}

impl From<ProfileBody> for ProfileInput {
    fn from(b: ProfileBody) -> Self {
        ProfileInput {
            general_education: b.general_education.code().to_owned(),
            professional: code(b.professional, Professional::code),
            academic_title: code(b.academic_title, AcademicTitle::code),
            political_theory: code(b.political_theory, PoliticalTheory::code),
            foreign_language: code(b.foreign_language, ForeignLanguageLevel::code),
            it_level: code(b.it_level, ItLevel::code),
            occupation: b.occupation.code().to_owned(),
            youth_union: b.youth_union.to_string(),
            residence: text(b.residence),
        }
    }
}

/// An event of a member's history; which fields matter depends on `kind`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBody {
    pub kind: EventKindCode,
    /// For an admission it defaults to the decision date.
    pub effective_date: Option<DateText>,
    /// The unit of an admission, transfer in, readmission, or the origin of a transfer out.
    #[schema(minimum = 1)]
    pub unit_id: Option<i64>,
    /// Destination of a transfer out (inside the register) or of a reassignment.
    #[schema(minimum = 1)]
    pub to_unit_id: Option<i64>,
    /// An organization outside the register: where the member was admitted, or where a transfer out goes.
    pub external_unit: Option<String>,
    pub mode: Option<TransferMode>,
    /// Of a strike-off.
    pub reason: Option<StrikeOffReason>,
    /// Of an exit: left for a difficult family situation.
    pub difficult_family: Option<bool>,
    /// Of an admission or readmission: who introduced the member (absent: unknown).
    pub source: Option<domain::pipeline::CandidateSource>,
    /// Of an admission or readmission: the sub-target group it counts towards (absent: none known).
    pub target_group: Option<domain::pipeline::TargetGroup>,
    pub decision_number: Option<String>,
    pub decision_date: Option<DateText>,
    pub issuer: Option<String>,
    pub note: Option<String>,
}

impl From<EventBody> for EventInput {
    fn from(b: EventBody) -> Self {
        EventInput {
            kind: b.kind.code().to_owned(),
            effective_date: text(b.effective_date),
            unit_id: text(b.unit_id),
            to_unit_id: text(b.to_unit_id),
            external_unit: text(b.external_unit),
            mode: code(b.mode, TransferMode::code),
            reason: code(b.reason, StrikeOffReason::code),
            difficult_family: text(b.difficult_family),
            source: code(b.source, domain::pipeline::CandidateSource::code),
            target_group: code(b.target_group, domain::pipeline::TargetGroup::code),
            decision_number: text(b.decision_number),
            decision_date: text(b.decision_date),
            issuer: text(b.issuer),
            note: text(b.note),
        }
    }
}

/// Why a lower education requirement applies.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub enum EducationExceptionCode {
    /// Mountain, island, ethnic-minority or especially disadvantaged area.
    #[serde(rename = "vung-kho-khan")]
    DisadvantagedArea,
    /// Village elder or village head in such an area.
    #[serde(rename = "gia-lang")]
    VillageElder,
}

impl EducationExceptionCode {
    fn code(self) -> &'static str {
        match self {
            EducationExceptionCode::DisadvantagedArea => "vung-kho-khan",
            EducationExceptionCode::VillageElder => "gia-lang",
        }
    }
}

/// A candidate for admission, followed by a chi bộ.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CandidateBody {
    pub identity: IdentityBody,
    pub profile: ProfileBody,
    /// The chi bộ that follows the candidate.
    #[schema(minimum = 1)]
    pub unit_id: i64,
    pub source: CandidateSource,
    /// Empty: students are found from the occupation.
    pub target_group: Option<TargetGroup>,
    /// The official member assigned to help.
    #[schema(minimum = 1)]
    pub helper_member_id: Option<i64>,
    pub tasks: Option<String>,
    /// Party-awareness class certificate.
    pub certificate_number: Option<String>,
    pub certificate_date: Option<DateText>,
    pub certificate_issuer: Option<String>,
    pub education_exception: Option<EducationExceptionCode>,
    /// Written consent of the provincial standing committee (over 60, readmission).
    pub province_consent_on: Option<DateText>,
    /// A former member applying again: their record.
    #[schema(minimum = 1)]
    pub former_member_id: Option<i64>,
    pub record_expunged_on: Option<DateText>,
    #[serde(default)]
    pub readmission_barred: bool,
    pub note: Option<String>,
}

impl From<CandidateBody> for CandidateInput {
    fn from(b: CandidateBody) -> Self {
        CandidateInput {
            identity: b.identity.into(),
            profile: b.profile.into(),
            unit_id: b.unit_id.to_string(),
            source: b.source.code().to_owned(),
            target_group: code(b.target_group, TargetGroup::code),
            helper_member_id: text(b.helper_member_id),
            tasks: text(b.tasks),
            certificate_number: text(b.certificate_number),
            certificate_date: text(b.certificate_date),
            certificate_issuer: text(b.certificate_issuer),
            education_exception: code(b.education_exception, EducationExceptionCode::code),
            province_consent_on: text(b.province_consent_on),
            former_member_id: text(b.former_member_id),
            record_expunged_on: text(b.record_expunged_on),
            readmission_barred: b.readmission_barred.to_string(),
            note: text(b.note),
        }
    }
}

/// On what ground an introducer knows the candidate (the codes of the step form).
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub enum TogetherCode {
    #[serde(rename = "cong-tac")]
    Work,
    #[serde(rename = "hoc-tap")]
    Study,
    #[serde(rename = "cu-tru")]
    Residence,
}

fn together_code(t: TogetherCode) -> &'static str {
    match t {
        TogetherCode::Work => "cong-tac",
        TogetherCode::Study => "hoc-tap",
        TogetherCode::Residence => "cu-tru",
    }
}

/// A step of an admission case; which fields matter depends on `kind`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    /// The version of the case read (optimistic concurrency).
    pub version: i64,
    pub kind: StepKind,
    /// Date of the document.
    pub on: Option<DateText>,
    /// Number of a resolution or certificate.
    pub number: Option<String>,
    /// To whom a verification went, its result, a note, the reason for closing.
    pub text: Option<String>,
    /// Verification result: clear or not.
    pub clear: Option<bool>,
    /// Introduction mode.
    pub mode: Option<IntroductionMode>,
    pub resolution_on: Option<DateText>,
    /// First introducer: member id (a member the caller may read), or full name and party card
    /// number (a member of another organization, both given); date of the letter, since when and
    /// on what ground they know the candidate.
    #[schema(minimum = 1)]
    pub introducer1_member_id: Option<i64>,
    pub introducer1_name: Option<String>,
    #[schema(pattern = "^[0-9]{8}$")]
    pub introducer1_card: Option<String>,
    pub introducer1_on: Option<DateText>,
    pub introducer1_since: Option<DateText>,
    pub introducer1_together: Option<TogetherCode>,
    /// Second introducer (none when a resolution introduces).
    #[schema(minimum = 1)]
    pub introducer2_member_id: Option<i64>,
    pub introducer2_name: Option<String>,
    #[schema(pattern = "^[0-9]{8}$")]
    pub introducer2_card: Option<String>,
    pub introducer2_on: Option<DateText>,
    pub introducer2_since: Option<DateText>,
    pub introducer2_together: Option<TogetherCode>,
    /// Chi bộ vote: official members of the chi bộ, present, in favour, against.
    #[schema(minimum = 0)]
    pub official_members: Option<i32>,
    #[schema(minimum = 0)]
    pub present: Option<i32>,
    #[schema(minimum = 0)]
    pub in_favour: Option<i32>,
    #[schema(minimum = 0)]
    pub against: Option<i32>,
    pub proposal: Option<RecognitionProposal>,
    pub decision_number: Option<String>,
    pub decision_date: Option<DateText>,
    pub issuer: Option<String>,
    pub signer: Option<String>,
}

impl StepBody {
    /// The version and the step as the form would have typed it.
    pub fn into_input(self) -> (i64, StepInput) {
        let input = StepInput {
            kind: self.kind.code().to_owned(),
            on: text(self.on),
            number: text(self.number),
            text: text(self.text),
            clear: text(self.clear),
            mode: code(self.mode, IntroductionMode::code),
            resolution_on: text(self.resolution_on),
            introducer1_member_id: text(self.introducer1_member_id),
            introducer1_name: text(self.introducer1_name),
            introducer1_card: text(self.introducer1_card),
            introducer1_on: text(self.introducer1_on),
            introducer1_since: text(self.introducer1_since),
            introducer1_together: code(self.introducer1_together, together_code),
            introducer2_member_id: text(self.introducer2_member_id),
            introducer2_name: text(self.introducer2_name),
            introducer2_card: text(self.introducer2_card),
            introducer2_on: text(self.introducer2_on),
            introducer2_since: text(self.introducer2_since),
            introducer2_together: code(self.introducer2_together, together_code),
            official_members: text(self.official_members),
            present: text(self.present),
            in_favour: text(self.in_favour),
            against: text(self.against),
            proposal: code(self.proposal, RecognitionProposal::code),
            decision_number: text(self.decision_number),
            decision_date: text(self.decision_date),
            issuer: text(self.issuer),
            signer: text(self.signer),
        };
        (self.version, input)
    }
}
