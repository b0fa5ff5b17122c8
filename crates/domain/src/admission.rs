//! The rule layer of the admission pipeline (kết nạp đảng viên, rules.md §2–§3): which regulation
//! applies on a date ([`rules_on`]), the checks a file must pass before the competent committee
//! decides ([`check`] and the `check_*` functions, each returning [`Blocker`]s), and the
//! deadlines of the pipeline counted on a [`WorkCalendar`].
//!
//! Pure: no storage, no clock. Numbers the regulations fix and that changed between versions live
//! in [`RuleVersion`]; numbers the sources leave unconfirmed (rules.md "Open questions" 9, 14) live
//! in [`AdmissionConfig`] with documented defaults.
//!
//! # How a period "of N months from a date" is counted
//! As for the probation ([`crate::history::PROBATION_MONTHS`]), a period of N months from day D
//! ends on the corresponding day N months later, or on the last day of that month when it has no
//! such day ([`dates::add_months`]; Civil Code 2015 Art. 147–148, cited from outside the project's
//! sources like the working-day convention of [`crate::workdays`]). So a certificate dated
//! 10/03/2020 and valid 60 months is still valid on 10/03/2025 and no longer on 11/03/2025, and a
//! member admitted on 29/02/2024 becomes official on 28/02/2025.

use crate::meetings::Threshold;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::{add_months, format_vn, full_months_between};
use crate::history::{READMISSION_MIN_MONTHS_OUT, probation_end};
use crate::member::GeneralEducation;
use crate::workdays::WorkCalendar;

/// One reason the file cannot go on, in plain Vietnamese, with the clause it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Blocker {
    /// Stable machine code (`too_young`, `vote_below_two_thirds`, …).
    pub code: &'static str,
    /// What the user reads.
    pub message: String,
    /// Document and clause.
    pub source: &'static str,
}

impl Blocker {
    fn new(code: &'static str, source: &'static str, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), source }
    }
}

// ---------------------------------------------------------------------------------------------
// Rule versions (rules.md §0)
// ---------------------------------------------------------------------------------------------

/// The implementing regulation in force on a date, with the admission numbers it sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleVersion {
    /// First day in force.
    pub valid_from: NaiveDate,
    /// First day no longer in force (exclusive); `None` while current.
    pub valid_to: Option<NaiveDate>,
    pub legal_basis: &'static str,
    /// Age at the chi bộ consideration, full years counted by month (point 1.1).
    pub min_age_years: u32,
    /// Above this (by month) the provincial-level committee must agree in writing (point 1.1).
    pub max_age_years: u32,
    /// Lower-secondary diploma "or equivalent" accepted (29-QĐ/TW); 24-QĐ/TW dropped the words.
    pub education_equivalent_accepted: bool,
    /// Months an introducer must have worked/studied (and, from 24-QĐ/TW, lived) with the applicant.
    pub introducer_min_months_together: u32,
    /// Living in the same residence counts for the introducer (added by 24-QĐ/TW point 3.2).
    pub introducer_residence_counts: bool,
    /// Competent committee decides within this many working days of the chi bộ resolution (point 4.3.1).
    pub decision_working_days: u32,
    /// Longest extension of that period for special cases (point 4.3.1).
    pub decision_extension_working_days: u32,
    /// Ceremony within this many working days of receiving the decision (point 4.1).
    pub ceremony_working_days: u32,
    /// Chi bộ proposes recognition within this many working days after probation ends (point 4.2).
    pub recognition_proposal_working_days: u32,
    /// Competent committee decides recognition within this many working days (point 4.3.1).
    pub recognition_decision_working_days: u32,
    /// Months after an expunged less-serious criminal record before readmission (point 3.5).
    pub readmission_months_after_expunged: u32,
}

const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(v) => v,
        None => NaiveDate::MIN,
    }
}

const fn version(
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    legal_basis: &'static str,
    education_equivalent_accepted: bool,
    introducer_residence_counts: bool,
) -> RuleVersion {
    RuleVersion {
        valid_from,
        valid_to,
        legal_basis,
        min_age_years: 18,
        max_age_years: 60,
        education_equivalent_accepted,
        introducer_min_months_together: 12,
        introducer_residence_counts,
        decision_working_days: 60,
        decision_extension_working_days: 30,
        ceremony_working_days: 30,
        recognition_proposal_working_days: 30,
        recognition_decision_working_days: 30,
        readmission_months_after_expunged: 60,
    }
}

/// Every version, oldest first, contiguous. The numbers are the same in all four as far as the
/// sources show (rules.md "Open questions" 1: 294-QĐ/TW and 06-HD/TW were not retrieved and are
/// assumed to keep 232's numbers); what differs is the education wording, the residence ground for
/// introducers and the legal basis to cite.
pub static RULE_VERSIONS: [RuleVersion; 4] = [
    version(date(2016, 7, 25), Some(date(2021, 7, 30)), "Quy định 29-QĐ/TW ngày 25/7/2016; Hướng dẫn 01-HD/TW ngày 20/9/2016", true, false),
    version(
        date(2021, 7, 30),
        Some(date(2025, 1, 20)),
        "Quy định 24-QĐ/TW ngày 30/7/2021; Hướng dẫn 01-HD/TW ngày 28/9/2021; Hướng dẫn 12-HD/BTCTW ngày 18/01/2022",
        false,
        true,
    ),
    version(
        date(2025, 1, 20),
        Some(date(2025, 7, 1)),
        "Quy định 232-QĐ/TW ngày 20/01/2025; Hướng dẫn 01-HD/TW ngày 28/9/2021; Hướng dẫn 12-HD/BTCTW ngày 18/01/2022",
        false,
        true,
    ),
    version(
        date(2025, 7, 1),
        None,
        "Quy định 294-QĐ/TW ngày 26/5/2025 (hiệu lực 01/7/2025); Hướng dẫn 06-HD/TW ngày 09/6/2025; Hướng dẫn 12-HD/BTCTW ngày 18/01/2022",
        false,
        true,
    ),
];

/// The version in force on `on`. Dates before the oldest version get the oldest one (older
/// regulations are not modelled).
pub fn rules_on(on: NaiveDate) -> &'static RuleVersion {
    RULE_VERSIONS.iter().rev().find(|v| v.valid_from <= on).unwrap_or(&RULE_VERSIONS[0])
}

/// Numbers the sources leave unconfirmed (rules.md marks them [UNCONFIRMED]); an operator may change them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdmissionConfig {
    /// Validity of the party-awareness class certificate (CN-NTVĐ), months from its date.
    /// Default 60: secondary sources only (rules.md §2.2 point 2, "Open questions" 9).
    pub certificate_validity_months: u32,
    /// A file not considered by the chi bộ for more than this many months needs renewed documents.
    /// Default 12 (rules.md §2.3, secondary source).
    pub file_stale_after_months: u32,
    /// Minimum education in mountain, island, ethnic-minority and especially disadvantaged areas.
    /// Default primary school (older 2012 guidance, rules.md §2.1).
    pub disadvantaged_area_education: GeneralEducation,
    /// Minimum education for village elders and village heads there. Default: reads and writes.
    pub village_elder_education: GeneralEducation,
    /// Whether the trade-union executive may introduce (with one official member) an applicant past
    /// Youth Union age. Default true (Charter art. 4.2 recalled; rules.md "Open questions" 14).
    pub trade_union_introduction: bool,
}

impl Default for AdmissionConfig {
    fn default() -> Self {
        Self {
            certificate_validity_months: 60,
            file_stale_after_months: 12,
            disadvantaged_area_education: GeneralEducation::Primary,
            village_elder_education: GeneralEducation::ReadWrite,
            trade_union_introduction: true,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The file
// ---------------------------------------------------------------------------------------------

/// Why a lower education requirement applies (rules.md §2.1, "Education").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EducationException {
    /// Mountain, island, ethnic-minority or especially disadvantaged area.
    DisadvantagedArea,
    /// Village elder or village head in such an area.
    VillageElder,
}

/// On what ground an introducer knows the applicant (rules.md §2.2 point 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Together {
    Work,
    Study,
    /// Same residence; counts from 24-QĐ/TW.
    Residence,
}

/// A party member introducing the applicant (form 3-KNĐ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Introducer {
    pub name: String,
    /// Date of the introduction letter.
    pub introduced_on: NaiveDate,
    /// Date the introducer became official; `None` while probationary.
    pub official_since: Option<NaiveDate>,
    /// Since when they have worked, studied or lived with the applicant, and on what ground.
    pub together_since: NaiveDate,
    pub together: Together,
}

/// Who introduces the applicant (Charter art. 4; rules.md §2.2 point 6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Introduction {
    /// Two official members (3-KNĐ).
    TwoMembers(Introducer, Introducer),
    /// Resolution of the grassroots Youth Union executive (4-KNĐ) plus one official member.
    YouthUnion { resolution_on: NaiveDate, member: Introducer },
    /// Resolution of the grassroots trade-union executive plus one official member
    /// (see [`AdmissionConfig::trade_union_introduction`]).
    TradeUnion { resolution_on: NaiveDate, member: Introducer },
}

/// The chi bộ meeting that considers the applicant (resolution 6-KNĐ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChiBoVote {
    pub on: NaiveDate,
    /// Official members of the chi bộ (probationary members do not vote).
    pub official_members: u32,
    /// Official members present.
    pub present: u32,
    pub in_favour: u32,
    pub against: u32,
}

/// A person who was a member before (294-QĐ/TW point 3.5; rules.md §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Readmission {
    /// Day the person left the Party.
    pub left_on: NaiveDate,
    /// Times the person was already readmitted.
    pub previous_readmissions: u32,
    /// Left for a reason that bars readmission for ever (abandoned activities, asked to leave
    /// without extremely difficult family circumstances, serious disunity, corruption, serious crime).
    pub barred: bool,
    /// Date a less-serious criminal record was expunged, if the person had one.
    pub record_expunged_on: Option<NaiveDate>,
    /// The provincial standing committee agreed in writing.
    pub provincial_consent: bool,
}

/// What the checks need to know about one admission file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdmissionFile {
    pub birth_date: NaiveDate,
    pub education: GeneralEducation,
    pub education_exception: Option<EducationException>,
    /// Member of the Hồ Chí Minh Communist Youth Union.
    pub youth_union_member: bool,
    /// The provincial-level standing committee agreed in writing to admit a person over 60.
    pub over_age_consent: bool,
    /// Date of the party-awareness class certificate.
    pub certificate_on: Option<NaiveDate>,
    /// Date the file was compiled (the application letter, 1-KNĐ).
    pub file_compiled_on: NaiveDate,
    /// Date the documents were renewed after the file went stale, if they were.
    pub documents_renewed_on: Option<NaiveDate>,
    pub introduction: Introduction,
    pub vote: ChiBoVote,
    /// Grassroots committee resolution proposing admission (8-KNĐ).
    pub grassroots_resolution_on: Option<NaiveDate>,
    /// Admission decision of the competent committee (9-KNĐ).
    pub decision_on: Option<NaiveDate>,
    /// Day the chi bộ received the decision.
    pub decision_received_on: Option<NaiveDate>,
    pub ceremony_on: Option<NaiveDate>,
    pub readmission: Option<Readmission>,
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

const SRC_AGE: &str = "Quy định thi hành Điều lệ Đảng, điểm 1.1 (24-QĐ/TW, 232-QĐ/TW, 294-QĐ/TW)";
const SRC_EDUCATION: &str = "Quy định thi hành Điều lệ Đảng, điểm 1.2 (24-QĐ/TW); Hướng dẫn của Ban Bí thư về vùng khó khăn";
const SRC_CERTIFICATE: &str = "Hướng dẫn 12-HD/BTCTW; Hướng dẫn 154-HD/BTGTW (giá trị 5 năm theo nguồn thứ cấp)";
const SRC_INTRODUCTION: &str = "Điều lệ Đảng điều 4; Quy định thi hành Điều lệ Đảng, điểm 3.2";
const SRC_VOTE: &str = "Điều lệ Đảng điều 4.3 (ít nhất hai phần ba số đảng viên chính thức)";
const SRC_READMISSION: &str = "Quy định 294-QĐ/TW điểm 3.5 (như 232-QĐ/TW)";
const SRC_STALE: &str = "Hướng dẫn của Ban Bí thư về hồ sơ quá 12 tháng (rules.md §2.3, nguồn thứ cấp)";
const SRC_ORDER: &str = "Hướng dẫn 12-HD/BTCTW, trình tự kết nạp đảng viên";

/// Every check, in the order of the pipeline.
pub fn check(file: &AdmissionFile, config: &AdmissionConfig) -> Vec<Blocker> {
    let mut out = check_age(file.birth_date, file.vote.on, file.over_age_consent);
    out.extend(check_education(file.education, file.education_exception, config));
    out.extend(check_certificate(file.certificate_on, file.vote.on, config));
    out.extend(check_introduction(&file.introduction, file.youth_union_member, file.vote.on, config));
    out.extend(check_vote(&file.vote));
    if let Some(r) = &file.readmission {
        out.extend(check_readmission(r, file.vote.on));
    }
    out.extend(check_staleness(file.file_compiled_on, file.documents_renewed_on, file.vote.on, config));
    out.extend(check_date_order(file));
    out
}

/// Full 18 to full 60 years at the chi bộ consideration, counted by month (point 1.1). "Full 60"
/// is read as at most 720 full months: 60 years and one month is over 60 and needs the written
/// consent of the provincial-level standing committee (01-HD/TW 2021; rules.md §2.1).
pub fn check_age(birth: NaiveDate, vote_on: NaiveDate, over_age_consent: bool) -> Vec<Blocker> {
    let rules = rules_on(vote_on);
    let months = full_months_between(birth, vote_on);
    let (years, rest) = (months / 12, months % 12);
    if birth > vote_on || months < rules.min_age_years * 12 {
        let msg = format!(
            "Ngày chi bộ xét ({}), người vào Đảng mới {years} tuổi {rest} tháng, chưa đủ {} tuổi (tính theo tháng).",
            format_vn(vote_on),
            rules.min_age_years
        );
        return vec![Blocker::new("too_young", SRC_AGE, msg)];
    }
    if months > rules.max_age_years * 12 && !over_age_consent {
        let msg = format!(
            "Ngày chi bộ xét ({}), người vào Đảng đã {years} tuổi {rest} tháng, quá {} tuổi: cần văn bản đồng ý của ban thường vụ cấp ủy trực thuộc Trung ương.",
            format_vn(vote_on),
            rules.max_age_years
        );
        return vec![Blocker::new("over_age_without_consent", SRC_AGE, msg)];
    }
    Vec::new()
}

/// Lower-secondary diploma or higher; lower minimums in disadvantaged areas (point 1.2; rules.md §2.1).
pub fn check_education(education: GeneralEducation, exception: Option<EducationException>, config: &AdmissionConfig) -> Vec<Blocker> {
    let minimum = match exception {
        None => GeneralEducation::LowerSecondary,
        Some(EducationException::DisadvantagedArea) => config.disadvantaged_area_education,
        Some(EducationException::VillageElder) => config.village_elder_education,
    };
    if education >= minimum {
        return Vec::new();
    }
    let msg = format!("Trình độ giáo dục phổ thông “{}” thấp hơn mức tối thiểu “{}”.", education.label(), minimum.label());
    vec![Blocker::new("education_below_minimum", SRC_EDUCATION, msg)]
}

/// Last day a certificate dated `issued_on` is valid: the corresponding day `months` later (see
/// the module documentation).
pub fn certificate_last_valid_day(issued_on: NaiveDate, config: &AdmissionConfig) -> NaiveDate {
    add_months(issued_on, config.certificate_validity_months)
}

/// The party-awareness certificate exists, predates the vote and is still valid on the vote date.
pub fn check_certificate(issued_on: Option<NaiveDate>, vote_on: NaiveDate, config: &AdmissionConfig) -> Vec<Blocker> {
    let Some(issued_on) = issued_on else {
        return vec![Blocker::new("certificate_missing", SRC_CERTIFICATE, "Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng.")];
    };
    if issued_on > vote_on {
        let msg = format!(
            "Giấy chứng nhận học lớp nhận thức về Đảng ({}) cấp sau ngày chi bộ xét ({}).",
            format_vn(issued_on),
            format_vn(vote_on)
        );
        return vec![Blocker::new("certificate_after_vote", SRC_CERTIFICATE, msg)];
    }
    let last = certificate_last_valid_day(issued_on, config);
    if vote_on > last {
        let msg = format!(
            "Giấy chứng nhận học lớp nhận thức về Đảng cấp ngày {} chỉ có giá trị đến hết ngày {}, trước ngày chi bộ xét ({}).",
            format_vn(issued_on),
            format_vn(last),
            format_vn(vote_on)
        );
        return vec![Blocker::new("certificate_expired", SRC_CERTIFICATE, msg)];
    }
    Vec::new()
}

/// Two official members, or the Youth Union (or trade-union) executive plus one official member;
/// each introducer official on the day of the introduction and with the applicant for at least
/// 12 months (Charter art. 4; point 3.2; rules.md §2.2 point 6).
pub fn check_introduction(intro: &Introduction, youth_union_member: bool, vote_on: NaiveDate, config: &AdmissionConfig) -> Vec<Blocker> {
    let mut out = Vec::new();
    let members: Vec<&Introducer> = match intro {
        Introduction::TwoMembers(a, b) => vec![a, b],
        Introduction::YouthUnion { resolution_on, member } => {
            if !youth_union_member {
                out.push(Blocker::new(
                    "not_youth_union_member",
                    SRC_INTRODUCTION,
                    "Người vào Đảng không phải đoàn viên nên không thể do Ban Chấp hành Đoàn cơ sở giới thiệu.",
                ));
            }
            out.extend(organization_resolution_order(*resolution_on, vote_on));
            vec![member]
        }
        Introduction::TradeUnion { resolution_on, member } => {
            if !config.trade_union_introduction {
                out.push(Blocker::new(
                    "trade_union_introduction_disabled",
                    SRC_INTRODUCTION,
                    "Cấu hình hiện tại không cho Ban Chấp hành Công đoàn cơ sở giới thiệu người vào Đảng.",
                ));
            }
            out.extend(organization_resolution_order(*resolution_on, vote_on));
            vec![member]
        }
    };
    for m in members {
        out.extend(check_introducer(m, vote_on));
    }
    out
}

fn organization_resolution_order(resolution_on: NaiveDate, vote_on: NaiveDate) -> Option<Blocker> {
    (resolution_on > vote_on).then(|| {
        let msg = format!("Nghị quyết giới thiệu ({}) có sau ngày chi bộ xét ({}).", format_vn(resolution_on), format_vn(vote_on));
        Blocker::new("introduction_after_vote", SRC_ORDER, msg)
    })
}

/// One introducer: official on the day of the letter, long enough with the applicant, on a
/// ground the regulation in force accepts, and the letter before the vote.
pub fn check_introducer(m: &Introducer, vote_on: NaiveDate) -> Vec<Blocker> {
    let rules = rules_on(m.introduced_on);
    let mut out = Vec::new();
    if m.official_since.is_none_or(|since| since > m.introduced_on) {
        let msg = format!("Người giới thiệu {} chưa là đảng viên chính thức vào ngày giới thiệu ({}).", m.name, format_vn(m.introduced_on));
        out.push(Blocker::new("introducer_not_official", SRC_INTRODUCTION, msg));
    }
    if m.together == Together::Residence && !rules.introducer_residence_counts {
        let msg = format!(
            "Theo {}, người giới thiệu {} phải cùng công tác hoặc học tập với người vào Đảng, cùng cư trú chưa được tính.",
            rules.legal_basis, m.name
        );
        out.push(Blocker::new("introducer_residence_not_counted", SRC_INTRODUCTION, msg));
    }
    let months = full_months_between(m.together_since, m.introduced_on);
    if m.together_since > m.introduced_on || months < rules.introducer_min_months_together {
        let msg = format!(
            "Người giới thiệu {} mới cùng công tác, học tập hoặc cư trú với người vào Đảng {months} tháng tính đến ngày giới thiệu, chưa đủ {} tháng.",
            m.name, rules.introducer_min_months_together
        );
        out.push(Blocker::new("introducer_too_short", SRC_INTRODUCTION, msg));
    }
    if m.introduced_on > vote_on {
        let msg =
            format!("Giấy giới thiệu của {} ({}) có sau ngày chi bộ xét ({}).", m.name, format_vn(m.introduced_on), format_vn(vote_on));
        out.push(Blocker::new("introduction_after_vote", SRC_ORDER, msg));
    }
    out
}

/// The vote counts are possible and in favour reaches two-thirds of the official members
/// (Charter art. 4.3; rules.md §2.2 point 8), computed by [`Threshold::AtLeastTwoThirds`].
pub fn check_vote(v: &ChiBoVote) -> Vec<Blocker> {
    let mut out = Vec::new();
    if v.official_members == 0 {
        out.push(Blocker::new("no_official_members", SRC_VOTE, "Chi bộ không có đảng viên chính thức nên không thể biểu quyết."));
        return out;
    }
    if v.present > v.official_members {
        let msg =
            format!("Số đảng viên chính thức có mặt ({}) lớn hơn số đảng viên chính thức của chi bộ ({}).", v.present, v.official_members);
        out.push(Blocker::new("present_exceeds_members", SRC_VOTE, msg));
    }
    let cast = v.in_favour + v.against;
    if cast > v.official_members {
        let msg = format!("Tổng số phiếu ({cast}) lớn hơn số đảng viên chính thức của chi bộ ({}).", v.official_members);
        out.push(Blocker::new("votes_exceed_members", SRC_VOTE, msg));
    }
    if cast > v.present {
        let msg = format!("Số tán thành và không tán thành ({cast}) lớn hơn số đảng viên có mặt ({}).", v.present);
        out.push(Blocker::new("votes_exceed_present", SRC_VOTE, msg));
    }
    if out.is_empty() && !Threshold::AtLeastTwoThirds.reached(v.in_favour, v.official_members) {
        let needed = (v.official_members * 2).div_ceil(3);
        let msg = format!(
            "Chỉ {} trên {} đảng viên chính thức tán thành, chưa đạt hai phần ba (cần ít nhất {needed}).",
            v.in_favour, v.official_members
        );
        out.push(Blocker::new("vote_below_two_thirds", SRC_VOTE, msg));
    }
    out
}

/// Readmission: at least 36 months out (60 after an expunged less-serious record), only once,
/// never for the barred reasons, and with the provincial standing committee's written consent
/// (294-QĐ/TW point 3.5; rules.md §2.4). Months are counted up to the chi bộ consideration.
pub fn check_readmission(r: &Readmission, vote_on: NaiveDate) -> Vec<Blocker> {
    let rules = rules_on(vote_on);
    let mut out = Vec::new();
    if r.barred {
        out.push(Blocker::new(
            "readmission_barred",
            SRC_READMISSION,
            "Lý do ra khỏi Đảng thuộc các trường hợp không được xét kết nạp lại.",
        ));
    }
    if r.previous_readmissions > 0 {
        out.push(Blocker::new(
            "readmission_only_once",
            SRC_READMISSION,
            "Người này đã được kết nạp lại một lần; chỉ được kết nạp lại một lần.",
        ));
    }
    let months_out = full_months_between(r.left_on, vote_on);
    if r.left_on > vote_on || months_out < READMISSION_MIN_MONTHS_OUT {
        let msg = format!(
            "Mới ra khỏi Đảng {months_out} tháng tính đến ngày chi bộ xét ({}), chưa đủ {READMISSION_MIN_MONTHS_OUT} tháng.",
            format_vn(vote_on)
        );
        out.push(Blocker::new("readmission_too_soon", SRC_READMISSION, msg));
    }
    if let Some(expunged) = r.record_expunged_on {
        let months = full_months_between(expunged, vote_on);
        if expunged > vote_on || months < rules.readmission_months_after_expunged {
            let msg = format!(
                "Án tích được xóa ngày {}, mới {months} tháng, chưa đủ {} tháng.",
                format_vn(expunged),
                rules.readmission_months_after_expunged
            );
            out.push(Blocker::new("readmission_too_soon_after_record", SRC_READMISSION, msg));
        }
    }
    if !r.provincial_consent {
        out.push(Blocker::new(
            "readmission_without_consent",
            SRC_READMISSION,
            "Kết nạp lại cần văn bản đồng ý của ban thường vụ tỉnh ủy, thành ủy hoặc đảng ủy trực thuộc Trung ương.",
        ));
    }
    out
}

/// A file the chi bộ has not considered within 12 months of compiling it (or of renewing its
/// documents) needs renewed documents (rules.md §2.3). "More than 12 months": stale from the day
/// after the corresponding day.
pub fn check_staleness(
    compiled_on: NaiveDate,
    renewed_on: Option<NaiveDate>,
    vote_on: NaiveDate,
    config: &AdmissionConfig,
) -> Vec<Blocker> {
    let since = renewed_on.map_or(compiled_on, |r| r.max(compiled_on));
    let last = add_months(since, config.file_stale_after_months);
    if vote_on <= last {
        return Vec::new();
    }
    let msg = format!(
        "Hồ sơ lập ngày {} đã quá {} tháng (đến hết ngày {}) mà chi bộ chưa xét: phải làm lại giấy giới thiệu, nghị quyết giới thiệu và bản tổng hợp ý kiến nhận xét.",
        format_vn(since),
        config.file_stale_after_months,
        format_vn(last)
    );
    vec![Blocker::new("file_stale", SRC_STALE, msg)]
}

/// The steps are dated in pipeline order: file, vote, grassroots resolution, decision, receipt,
/// ceremony (rules.md §2.2 points 3–11). Equal dates are allowed.
pub fn check_date_order(file: &AdmissionFile) -> Vec<Blocker> {
    let steps: [(Option<NaiveDate>, &str); 6] = [
        (Some(file.file_compiled_on), "đơn xin vào Đảng"),
        (Some(file.vote.on), "nghị quyết chi bộ"),
        (file.grassroots_resolution_on, "nghị quyết của đảng ủy cơ sở"),
        (file.decision_on, "quyết định kết nạp"),
        (file.decision_received_on, "ngày chi bộ nhận quyết định"),
        (file.ceremony_on, "lễ kết nạp"),
    ];
    let mut out = Vec::new();
    let mut latest: Option<(NaiveDate, &str)> = None;
    for (on, what) in steps {
        let Some(on) = on else { continue };
        if let Some((before, before_what)) = latest
            && on < before
        {
            let msg = format!("Ngày {what} ({}) trước ngày {before_what} ({}).", format_vn(on), format_vn(before));
            out.push(Blocker::new("dates_out_of_order", SRC_ORDER, msg));
            continue;
        }
        latest = Some((on, what));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Deadlines (rules.md §2.2 points 10–11, §3, §15)
// ---------------------------------------------------------------------------------------------

/// Last day for the competent committee's admission decision: 60 working days after the chi bộ
/// resolution, 90 with the maximum extension (point 4.3.1).
pub fn decision_deadline(cal: &WorkCalendar, chi_bo_resolution_on: NaiveDate, extended: bool) -> NaiveDate {
    let r = rules_on(chi_bo_resolution_on);
    let extra = if extended { r.decision_extension_working_days } else { 0 };
    cal.add_working_days(chi_bo_resolution_on, r.decision_working_days + extra)
}

/// Last day for the admission ceremony: 30 working days after the chi bộ receives the decision (point 4.1).
pub fn ceremony_deadline(cal: &WorkCalendar, decision_received_on: NaiveDate) -> NaiveDate {
    cal.add_working_days(decision_received_on, rules_on(decision_received_on).ceremony_working_days)
}

/// The day the member becomes official: exactly 12 months after the chi bộ held the admission
/// ceremony (Charter art. 5 §1: "tính từ ngày chi bộ tổ chức lễ kết nạp"; point 4.2 — rules.md
/// §3), whenever the recognition is decided. Party age still runs from the decision's date.
pub fn official_date(ceremony_on: NaiveDate) -> NaiveDate {
    probation_end(ceremony_on)
}

/// Last day for the chi bộ to propose recognition: 30 working days after the probation ends,
/// 12 months after the ceremony (point 4.2).
pub fn recognition_proposal_deadline(cal: &WorkCalendar, ceremony_on: NaiveDate) -> NaiveDate {
    let end = official_date(ceremony_on);
    cal.add_working_days(end, rules_on(end).recognition_proposal_working_days)
}

/// Last day for the competent committee's recognition decision: 30 working days after the chi bộ
/// resolution, 60 with the maximum extension (point 4.3.1).
pub fn recognition_decision_deadline(cal: &WorkCalendar, chi_bo_resolution_on: NaiveDate, extended: bool) -> NaiveDate {
    let r = rules_on(chi_bo_resolution_on);
    let extra = if extended { r.decision_extension_working_days } else { 0 };
    cal.add_working_days(chi_bo_resolution_on, r.recognition_decision_working_days + extra)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
