//! The closed lists a row's cells are read into, with the words committees use for their values.

use super::*;

pub(super) const GENDER: ListReader<Gender> = ListReader {
    what: "Giới tính",
    all: Gender::ALL,
    code: Gender::code,
    label: Gender::label,
    synonyms: &[
        ("m", Gender::Male),
        ("f", Gender::Female),
        ("nam gioi", Gender::Male),
        ("nu gioi", Gender::Female),
        ("0", Gender::Female),
        ("1", Gender::Male),
    ],
};
pub(super) const ETHNICITY: ListReader<Ethnicity> = ListReader {
    what: "Dân tộc",
    all: Ethnicity::ALL,
    code: Ethnicity::code,
    label: Ethnicity::label,
    synonyms: &[
        ("khmer", Ethnicity::KhoMe),
        ("hmong", Ethnicity::Mong),
        ("h mong", Ethnicity::Mong),
        ("ede", Ethnicity::EDe),
        ("bana", Ethnicity::BaNa),
        ("gia lai", Ethnicity::GiaRai),
        ("jrai", Ethnicity::GiaRai),
        ("kho mu", Ethnicity::KhoMu),
        ("khmu", Ethnicity::KhoMu),
        ("viet", Ethnicity::Kinh),
    ],
};
pub(super) const RELIGION: ListReader<Religion> = ListReader {
    what: "Tôn giáo",
    all: Religion::ALL,
    code: Religion::code,
    label: Religion::label,
    synonyms: &[
        ("khong ton giao", Religion::None),
        ("khong co", Religion::None),
        ("phat", Religion::Buddhism),
        ("dao phat", Religion::Buddhism),
        ("thien chua", Religion::Catholicism),
        ("thien chua giao", Religion::Catholicism),
        ("cong giao", Religion::Catholicism),
        ("hoa hao", Religion::HoaHao),
        ("cao dai", Religion::CaoDai),
        ("tin lanh", Religion::Protestantism),
        ("dao tin lanh", Religion::Protestantism),
        ("hoi giao", Religion::Islam),
        ("islam", Religion::Islam),
    ],
};
pub(super) const PROFESSIONAL: ListReader<Professional> = ListReader {
    what: "Trình độ chuyên môn",
    all: Professional::ALL,
    code: Professional::code,
    label: Professional::label,
    synonyms: &[
        ("khong", Professional::None),
        ("chua", Professional::None),
        ("chua qua dao tao", Professional::None),
        ("so cap", Professional::Elementary),
        ("cong nhan ky thuat", Professional::Elementary),
        ("dai hoc", Professional::University),
        ("cu nhan", Professional::University),
        ("ky su", Professional::University),
        ("bac si", Professional::University),
        ("thac si", Professional::Master),
        ("tien si", Professional::Doctor),
        ("tien si khoa hoc", Professional::Doctor),
    ],
};
pub(super) const ACADEMIC_TITLE: ListReader<AcademicTitle> = ListReader {
    what: "Học hàm",
    all: AcademicTitle::ALL,
    code: AcademicTitle::code,
    label: AcademicTitle::label,
    synonyms: &[
        ("pho giao su", AcademicTitle::AssociateProfessor),
        ("giao su", AcademicTitle::Professor),
        ("gs", AcademicTitle::Professor),
        ("pgs", AcademicTitle::AssociateProfessor),
    ],
};
pub(super) const POLITICAL_THEORY: ListReader<PoliticalTheory> = ListReader {
    what: "Trình độ lý luận chính trị",
    all: PoliticalTheory::ALL,
    code: PoliticalTheory::code,
    label: PoliticalTheory::label,
    synonyms: &[
        ("khong", PoliticalTheory::None),
        ("chua", PoliticalTheory::None),
        ("cao cap ly luan chinh tri", PoliticalTheory::Advanced),
        ("cu nhan chinh tri", PoliticalTheory::Bachelor),
    ],
};
pub(super) const FOREIGN_LANGUAGE: ListReader<ForeignLanguageLevel> = ListReader {
    what: "Trình độ ngoại ngữ",
    all: ForeignLanguageLevel::ALL,
    code: ForeignLanguageLevel::code,
    label: ForeignLanguageLevel::label,
    synonyms: &[
        ("a", ForeignLanguageLevel::CertA),
        ("b", ForeignLanguageLevel::CertB),
        ("c", ForeignLanguageLevel::CertC),
        ("anh a", ForeignLanguageLevel::CertA),
        ("anh b", ForeignLanguageLevel::CertB),
        ("anh c", ForeignLanguageLevel::CertC),
        ("tieng anh a", ForeignLanguageLevel::CertA),
        ("tieng anh b", ForeignLanguageLevel::CertB),
        ("tieng anh c", ForeignLanguageLevel::CertC),
        ("a1", ForeignLanguageLevel::Level1),
        ("a2", ForeignLanguageLevel::Level2),
        ("b1", ForeignLanguageLevel::Level3),
        ("b2", ForeignLanguageLevel::Level4),
        ("c1", ForeignLanguageLevel::Level5),
        ("c2", ForeignLanguageLevel::Level6),
        ("chua", ForeignLanguageLevel::None),
    ],
};
pub(super) const IT_LEVEL: ListReader<ItLevel> = ListReader {
    what: "Trình độ tin học",
    all: ItLevel::ALL,
    code: ItLevel::code,
    label: ItLevel::label,
    synonyms: &[
        ("a", ItLevel::CertA),
        ("b", ItLevel::CertB),
        ("c", ItLevel::CertC),
        ("co ban", ItLevel::Basic),
        ("nang cao", ItLevel::Advanced),
        ("chua", ItLevel::None),
    ],
};
pub(super) const OCCUPATION: ListReader<OccupationGroup> = ListReader {
    what: "Nghề nghiệp",
    all: OccupationGroup::ALL,
    code: OccupationGroup::code,
    label: OccupationGroup::label,
    synonyms: &[
        ("nong nghiep", OccupationGroup::Agriculture),
        ("nong dan", OccupationGroup::Agriculture),
        ("lam nghiep", OccupationGroup::Agriculture),
        ("ngu nghiep", OccupationGroup::Agriculture),
        ("huu tri", OccupationGroup::Retired),
        ("nghi huu", OccupationGroup::Retired),
        ("huu", OccupationGroup::Retired),
        ("thoi viec", OccupationGroup::Retired),
        ("giao vien", OccupationGroup::PublicServiceEmployee),
        ("vien chuc", OccupationGroup::PublicServiceEmployee),
        ("bac si", OccupationGroup::PublicServiceEmployee),
        ("cong chuc", OccupationGroup::StateCivilServant),
        ("can bo xa", OccupationGroup::CommuneCadre),
        ("cong chuc xa", OccupationGroup::CommuneCadre),
        ("can bo thon", OccupationGroup::VillageStaff),
        ("cong nhan", OccupationGroup::EnterpriseWorker),
        ("nhan vien", OccupationGroup::EnterpriseStaff),
        ("quan doi", OccupationGroup::ArmedForces),
        ("cong an", OccupationGroup::ArmedForces),
        ("bo doi", OccupationGroup::ArmedForces),
        ("sinh vien", OccupationGroup::UniversityStudent),
        ("hoc sinh", OccupationGroup::Pupil),
        ("kinh doanh", OccupationGroup::Other),
        ("buon ban", OccupationGroup::Other),
        ("lao dong tu do", OccupationGroup::Other),
        ("tu do", OccupationGroup::Other),
        ("khac", OccupationGroup::Other),
    ],
};
pub(super) const SOURCE: ListReader<CandidateSource> = ListReader {
    what: "Nguồn giới thiệu",
    all: CandidateSource::ALL,
    code: CandidateSource::code,
    label: CandidateSource::label,
    synonyms: &[],
};
pub(super) const TARGET_GROUP: ListReader<TargetGroup> =
    ListReader { what: "Nhóm chỉ tiêu", all: TargetGroup::ALL, code: TargetGroup::code, label: TargetGroup::label, synonyms: &[] };

/// General education as committees write it: a label, or "12/12", "9/12", "10/10", "7/10" (the
/// old 10-year system).
pub(super) fn general_education(value: &Value) -> Result<Option<GeneralEducation>, FieldError> {
    let Some(t) = values::text(value)? else { return Ok(None) };
    if let Some((grade, system)) = t.split_once('/')
        && let (Ok(grade), Ok(system)) = (grade.trim().parse::<u32>(), system.trim().parse::<u32>())
    {
        let level = match (grade, system) {
            (g, 12) if g >= 12 => Some(GeneralEducation::UpperSecondary),
            (g, 12) if g >= 9 => Some(GeneralEducation::LowerSecondary),
            (g, 12) if g >= 5 => Some(GeneralEducation::Primary),
            (g, 12) if g >= 1 => Some(GeneralEducation::ReadWrite),
            (g, 10) if g >= 10 => Some(GeneralEducation::UpperSecondary),
            (g, 10) if g >= 7 => Some(GeneralEducation::LowerSecondary),
            (g, 10) if g >= 4 => Some(GeneralEducation::Primary),
            (g, 10) if g >= 1 => Some(GeneralEducation::ReadWrite),
            _ => None,
        };
        return level.map(Some).ok_or_else(|| {
            FieldError::new("", "unknown_value", format!("Trình độ giáo dục phổ thông “{t}” không đọc được (ví dụ 12/12, 9/12)."))
        });
    }
    ListReader {
        what: "Trình độ giáo dục phổ thông",
        all: GeneralEducation::ALL,
        code: GeneralEducation::code,
        label: GeneralEducation::label,
        synonyms: &[
            ("thpt", GeneralEducation::UpperSecondary),
            ("thcs", GeneralEducation::LowerSecondary),
            ("cap 3", GeneralEducation::UpperSecondary),
            ("cap 2", GeneralEducation::LowerSecondary),
            ("cap 1", GeneralEducation::Primary),
        ],
    }
    .read(value)
}
