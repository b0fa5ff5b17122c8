//! The member record (Phiếu đảng viên, mẫu 2-HSĐV; rules.md §12) and its closed lists.
//!
//! Identity data (name, birth, CCCD, …) is one record with a version number for optimistic
//! concurrency. Attributes that reports break down by and that change over a life — education,
//! political theory, occupation group, Youth Union membership, residence — form a [`Profile`],
//! kept as dated values (model.md "Members and their history"): a report as of D uses the profile
//! valid on D.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::code_list;
use crate::error::ValidationErrors;
use crate::ids::{CitizenId, LyLichNumber, PartyCardNumber, PhoneNumber};
use crate::text::{self, PersonName};

code_list!(
    /// Giới tính.
    Gender, "Giới tính", {
        Male = ("nam", "Nam"),
        Female = ("nu", "Nữ"),
    }
);

code_list!(
    /// Dân tộc: the 54 recognised groups in the official order of the statistical forms, then
    /// "other" and "foreign origin" (reports.md §2.4, Biểu 4-TCTW / 4-BTCTW).
    Ethnicity, "Dân tộc", {
        Kinh = ("kinh", "Kinh"), Tay = ("tay", "Tày"), Thai = ("thai", "Thái"), Hoa = ("hoa", "Hoa"),
        KhoMe = ("kho-me", "Khơ-me"), Muong = ("muong", "Mường"), Nung = ("nung", "Nùng"), Mong = ("mong", "Mông"),
        Dao = ("dao", "Dao"), GiaRai = ("gia-rai", "Gia-rai"), EDe = ("e-de", "Ê-đê"), Ngai = ("ngai", "Ngái"),
        BaNa = ("ba-na", "Ba-na"), XoDang = ("xo-dang", "Xơ-đăng"), SanChay = ("san-chay", "Sán Chay"),
        CoHo = ("co-ho", "Cơ-ho"), Cham = ("cham", "Chăm"), SanDiu = ("san-diu", "Sán Dìu"), Hre = ("hre", "Hrê"),
        Mnong = ("mnong", "Mnông"), Raglai = ("raglai", "Raglai"), Xtieng = ("xtieng", "Xtiêng"),
        BruVanKieu = ("bru-van-kieu", "Bru-Vân Kiều"), Tho = ("tho", "Thổ"), Giay = ("giay", "Giáy"),
        CoTu = ("co-tu", "Cơ-tu"), GieTrieng = ("gie-trieng", "Giẻ-Triêng"), Ma = ("ma", "Mạ"),
        KhoMu = ("kho-mu", "Khơ-mú"), Co = ("co", "Co"), TaOi = ("ta-oi", "Tà-ôi"), ChoRo = ("cho-ro", "Chơ-ro"),
        Khang = ("khang", "Kháng"), XinhMun = ("xinh-mun", "Xinh-mun"), HaNhi = ("ha-nhi", "Hà Nhì"),
        ChuRu = ("chu-ru", "Chu-ru"), Lao = ("lao", "Lào"), LaChi = ("la-chi", "La Chí"), LaHa = ("la-ha", "La Ha"),
        PhuLa = ("phu-la", "Phù Lá"), LaHu = ("la-hu", "La Hủ"), Lu = ("lu", "Lự"), LoLo = ("lo-lo", "Lô Lô"),
        Chut = ("chut", "Chứt"), Mang = ("mang", "Mảng"), PaThen = ("pa-then", "Pà Thẻn"), CoLao = ("co-lao", "Cơ Lao"),
        Cong = ("cong", "Cống"), BoY = ("bo-y", "Bố Y"), SiLa = ("si-la", "Si La"), PuPeo = ("pu-peo", "Pu Péo"),
        Brau = ("brau", "Brâu"), ODu = ("o-du", "Ơ Đu"), RoMam = ("ro-mam", "Rơ-măm"),
        Other = ("khac", "Dân tộc khác"),
        ForeignOrigin = ("goc-nuoc-ngoai", "Người nước ngoài nhập quốc tịch"),
    }
);

impl Ethnicity {
    /// Every group but Kinh counts as an ethnic minority in the forms.
    pub fn is_minority(self) -> bool {
        self != Ethnicity::Kinh
    }
}

code_list!(
    /// Tôn giáo (reports.md §2.4 rows II).
    Religion, "Tôn giáo", {
        None = ("khong", "Không"),
        Buddhism = ("phat-giao", "Phật giáo"),
        Catholicism = ("cong-giao", "Công giáo"),
        HoaHao = ("hoa-hao", "Phật giáo Hòa Hảo"),
        CaoDai = ("cao-dai", "Cao Đài"),
        Protestantism = ("tin-lanh", "Tin lành"),
        Islam = ("hoi-giao", "Hồi giáo"),
        Other = ("khac", "Tôn giáo khác"),
    }
);

code_list!(
    /// Giáo dục phổ thông (reports.md §2.3).
    GeneralEducation, "Trình độ giáo dục phổ thông", {
        ReadWrite = ("biet-doc-viet", "Biết đọc, biết viết"),
        Primary = ("tieu-hoc", "Tiểu học"),
        LowerSecondary = ("thcs", "Trung học cơ sở"),
        UpperSecondary = ("thpt", "Trung học phổ thông"),
    }
);

code_list!(
    /// Chuyên môn nghiệp vụ, highest level held (reports.md §2.2, newer set).
    Professional, "Trình độ chuyên môn", {
        None = ("khong", "Chưa qua đào tạo"),
        Elementary = ("so-cap", "Công nhân kỹ thuật, nhân viên nghiệp vụ, sơ cấp"),
        Intermediate = ("trung-cap", "Trung cấp"),
        College = ("cao-dang", "Cao đẳng"),
        University = ("dai-hoc", "Đại học"),
        Master = ("thac-si", "Thạc sĩ"),
        Doctor = ("tien-si", "Tiến sĩ"),
    }
);

impl Professional {
    /// College or higher (the admission report's "cao đẳng trở lên").
    pub fn is_college_or_higher(self) -> bool {
        self >= Professional::College
    }

    /// Master or doctor (the admission report's "sau đại học").
    pub fn is_postgraduate(self) -> bool {
        self >= Professional::Master
    }
}

code_list!(
    /// Học hàm (reports.md §2.3).
    AcademicTitle, "Học hàm", {
        None = ("khong", "Không"),
        AssociateProfessor = ("pgs", "Phó giáo sư"),
        Professor = ("gs", "Giáo sư"),
    }
);

code_list!(
    /// Lý luận chính trị, highest diploma (reports.md §2.3).
    PoliticalTheory, "Trình độ lý luận chính trị", {
        None = ("khong", "Chưa qua đào tạo"),
        Elementary = ("so-cap", "Sơ cấp"),
        Intermediate = ("trung-cap", "Trung cấp"),
        Advanced = ("cao-cap", "Cao cấp"),
        Bachelor = ("cu-nhan", "Cử nhân"),
    }
);

code_list!(
    /// Ngoại ngữ: the old A/B/C certificates, the six-level national framework (Thông tư
    /// 01/2014/TT-BGDĐT, bậc 1–6 ≈ A1–C2), or a degree.
    ForeignLanguageLevel, "Trình độ ngoại ngữ", {
        None = ("khong", "Không"),
        CertA = ("chung-chi-a", "Chứng chỉ A"),
        CertB = ("chung-chi-b", "Chứng chỉ B"),
        CertC = ("chung-chi-c", "Chứng chỉ C"),
        Level1 = ("bac-1", "Bậc 1 (A1)"),
        Level2 = ("bac-2", "Bậc 2 (A2)"),
        Level3 = ("bac-3", "Bậc 3 (B1)"),
        Level4 = ("bac-4", "Bậc 4 (B2)"),
        Level5 = ("bac-5", "Bậc 5 (C1)"),
        Level6 = ("bac-6", "Bậc 6 (C2)"),
        Degree = ("cu-nhan", "Cử nhân ngoại ngữ trở lên"),
    }
);

code_list!(
    /// Tin học: the old A/B/C certificates, the basic/advanced IT skill standard (Thông tư
    /// 03/2014/TT-BTTTT), or a degree in IT.
    ItLevel, "Trình độ tin học", {
        None = ("khong", "Không"),
        CertA = ("chung-chi-a", "Chứng chỉ A"),
        CertB = ("chung-chi-b", "Chứng chỉ B"),
        CertC = ("chung-chi-c", "Chứng chỉ C"),
        Basic = ("co-ban", "Ứng dụng CNTT cơ bản"),
        Advanced = ("nang-cao", "Ứng dụng CNTT nâng cao"),
        Degree = ("bang-cap", "Trung cấp CNTT trở lên"),
    }
);

code_list!(
    /// Occupation group: the lines of the newer membership form (3-BTCTW §1a and 2-BTCTW §II.1,
    /// reports.md §2.3; rules.md §13), plus "retired or no longer working" (§1b). Since
    /// 01/7/2025 there is no district level; "from district level up" reads as "above commune level".
    OccupationGroup, "Nghề nghiệp", {
        StateCivilServant = ("cbcc-nha-nuoc", "Cán bộ, công chức cơ quan nhà nước trên cấp xã"),
        PartyFrontCivilServant = ("cbcc-dang-doan-the", "Cán bộ, công chức cơ quan Đảng, Mặt trận, đoàn thể trên cấp xã"),
        CommuneCadre = ("cbcc-cap-xa", "Cán bộ, công chức, người hoạt động không chuyên trách cấp xã"),
        VillageStaff = ("khong-chuyen-trach-thon", "Người hoạt động không chuyên trách ở thôn, tổ dân phố"),
        PublicServiceEmployee = ("vien-chuc", "Viên chức đơn vị sự nghiệp công lập"),
        NonPublicServiceWorker = ("su-nghiep-ngoai-cong-lap", "Người lao động đơn vị sự nghiệp ngoài công lập"),
        EnterpriseManager = ("dn-quan-ly", "Doanh nghiệp: người quản lý"),
        EnterpriseStaff = ("dn-nhan-vien", "Doanh nghiệp: nhân viên, lao động gián tiếp"),
        EnterpriseWorker = ("dn-cong-nhan", "Doanh nghiệp: công nhân, lao động trực tiếp"),
        Agriculture = ("nong-lam-ngu", "Nông, lâm, ngư nghiệp"),
        ArmedForces = ("luc-luong-vu-trang", "Sĩ quan, chiến sĩ quân đội, công an"),
        UniversityStudent = ("sinh-vien", "Sinh viên"),
        Pupil = ("hoc-sinh", "Học sinh"),
        Other = ("khac", "Nghề nghiệp khác"),
        Retired = ("nghi-huu", "Nghỉ hưu, thôi việc"),
    }
);

/// The dated attributes of a member: education, political theory, occupation, Youth Union
/// membership, residence. One `Profile` is valid from `valid_from` until the next one starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    pub general_education: GeneralEducation,
    pub professional: Professional,
    pub academic_title: AcademicTitle,
    pub political_theory: PoliticalTheory,
    pub foreign_language: ForeignLanguageLevel,
    pub it_level: ItLevel,
    pub occupation: OccupationGroup,
    /// Đoàn viên Đoàn TNCS Hồ Chí Minh.
    pub youth_union: bool,
    /// Nơi ở hiện nay (free text address).
    pub residence: Option<String>,
}

/// A profile with the date it takes effect; `None` means "since always" (an initial record whose
/// start is unknown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DatedProfile {
    pub valid_from: Option<NaiveDate>,
    pub profile: Profile,
}

/// The profile valid on `on` in a list sorted by `valid_from` (None first).
pub fn profile_on(profiles: &[DatedProfile], on: NaiveDate) -> Option<&Profile> {
    profiles.iter().rev().find(|p| p.valid_from.is_none_or(|f| f <= on)).map(|p| &p.profile)
}

/// Identity data of a member (the parts of the record that are not dated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Identity {
    pub full_name: PersonName,
    /// Tên gọi khác, bí danh.
    pub other_names: Option<String>,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub birthplace: Option<String>,
    /// Quê quán.
    pub hometown: Option<String>,
    pub ethnicity: Ethnicity,
    pub religion: Religion,
    pub citizen_id: CitizenId,
    pub phone: Option<PhoneNumber>,
    pub party_card_number: Option<PartyCardNumber>,
    pub ly_lich_number: Option<LyLichNumber>,
}

/// The member record as typed into a form or sent to the API: every field a string, parsed with
/// all problems collected at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentityInput {
    pub full_name: String,
    pub other_names: String,
    pub gender: String,
    pub birth_date: String,
    pub birthplace: String,
    pub hometown: String,
    pub ethnicity: String,
    pub religion: String,
    pub citizen_id: String,
    pub phone: String,
    pub party_card_number: String,
    pub ly_lich_number: String,
}

/// The profile as typed; `youth_union` is "true"/"on"/"1" for yes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfileInput {
    pub general_education: String,
    pub professional: String,
    pub academic_title: String,
    pub political_theory: String,
    pub foreign_language: String,
    pub it_level: String,
    pub occupation: String,
    pub youth_union: String,
    pub residence: String,
}

/// Earliest believable birth date and the youngest age at which a person can be in the register
/// (admission needs full 18 years — rules.md §2.1, 294-QĐ/TW point 1.1).
const MIN_AGE_YEARS: u32 = 18;

impl IdentityInput {
    /// Parses every field; `today` bounds the birth date (members are at least 18).
    pub fn parse(&self, today: NaiveDate) -> Result<Identity, ValidationErrors> {
        self.parse_with_min_age(today, MIN_AGE_YEARS)
    }

    /// Parses a candidate's identity: the age condition is checked at the chi bộ vote
    /// (domain::admission::check_age), so a younger person may already be followed; only a birth
    /// date in the future is refused.
    pub fn parse_candidate(&self, today: NaiveDate) -> Result<Identity, ValidationErrors> {
        self.parse_with_min_age(today, 0)
    }

    fn parse_with_min_age(&self, today: NaiveDate, min_age: u32) -> Result<Identity, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let full_name = e.take("full_name", PersonName::parse(&self.full_name));
        let other_names = e.take("other_names", text::optional_text(&self.other_names, 100, "Tên gọi khác"));
        let gender = e.take("gender", required_code(&self.gender, "Giới tính", Gender::parse));
        let birth_date = e.take("birth_date", crate::dates::parse_date(&self.birth_date));
        if let Some(b) = birth_date {
            if b < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN) {
                e.push("birth_date", "out_of_range", "Ngày sinh trước năm 1900 không hợp lệ.");
            } else if b > today {
                e.push("birth_date", "out_of_range", "Ngày sinh sau hôm nay không hợp lệ.");
            } else if crate::dates::age_in_years(b, today) < min_age {
                e.push("birth_date", "out_of_range", "Đảng viên phải đủ 18 tuổi; kiểm tra lại ngày sinh.");
            }
        }
        let birthplace = e.take("birthplace", text::optional_text(&self.birthplace, 200, "Nơi sinh"));
        let hometown = e.take("hometown", text::optional_text(&self.hometown, 200, "Quê quán"));
        let ethnicity = e.take("ethnicity", required_code(&self.ethnicity, "Dân tộc", Ethnicity::parse));
        let religion = e.take("religion", required_code(&self.religion, "Tôn giáo", Religion::parse));
        let citizen_id = e.take("citizen_id", CitizenId::parse(&self.citizen_id));
        let phone = e.take("phone", optional(&self.phone, PhoneNumber::parse));
        let party_card_number = e.take("party_card_number", optional(&self.party_card_number, PartyCardNumber::parse));
        let ly_lich_number = e.take("ly_lich_number", optional(&self.ly_lich_number, LyLichNumber::parse));
        match (full_name, gender, birth_date, ethnicity, religion, citizen_id) {
            (Some(full_name), Some(gender), Some(birth_date), Some(ethnicity), Some(religion), Some(citizen_id)) if e.is_empty() => {
                Ok(Identity {
                    full_name,
                    other_names: other_names.flatten(),
                    gender,
                    birth_date,
                    birthplace: birthplace.flatten(),
                    hometown: hometown.flatten(),
                    ethnicity,
                    religion,
                    citizen_id,
                    phone: phone.flatten(),
                    party_card_number: party_card_number.flatten(),
                    ly_lich_number: ly_lich_number.flatten(),
                })
            }
            _ => Err(e),
        }
    }

    /// The form/API representation of a stored identity (for edit forms).
    pub fn from_identity(i: &Identity) -> Self {
        IdentityInput {
            full_name: i.full_name.to_string(),
            other_names: i.other_names.clone().unwrap_or_default(),
            gender: i.gender.code().into(),
            birth_date: crate::dates::format_vn(i.birth_date),
            birthplace: i.birthplace.clone().unwrap_or_default(),
            hometown: i.hometown.clone().unwrap_or_default(),
            ethnicity: i.ethnicity.code().into(),
            religion: i.religion.code().into(),
            citizen_id: i.citizen_id.to_string(),
            phone: i.phone.as_ref().map(|p| p.to_string()).unwrap_or_default(),
            party_card_number: i.party_card_number.as_ref().map(|p| p.to_string()).unwrap_or_default(),
            ly_lich_number: i.ly_lich_number.as_ref().map(|p| p.to_string()).unwrap_or_default(),
        }
    }
}

impl ProfileInput {
    pub fn parse(&self) -> Result<Profile, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let general_education =
            e.take("general_education", required_code(&self.general_education, "Giáo dục phổ thông", GeneralEducation::parse));
        let professional = e.take("professional", code_or(&self.professional, Professional::None, Professional::parse));
        let academic_title = e.take("academic_title", code_or(&self.academic_title, AcademicTitle::None, AcademicTitle::parse));
        let political_theory = e.take("political_theory", code_or(&self.political_theory, PoliticalTheory::None, PoliticalTheory::parse));
        let foreign_language =
            e.take("foreign_language", code_or(&self.foreign_language, ForeignLanguageLevel::None, ForeignLanguageLevel::parse));
        let it_level = e.take("it_level", code_or(&self.it_level, ItLevel::None, ItLevel::parse));
        let occupation = e.take("occupation", required_code(&self.occupation, "Nghề nghiệp", OccupationGroup::parse));
        let youth_union = e.take("youth_union", parse_yes_no(&self.youth_union));
        let residence = e.take("residence", text::optional_text(&self.residence, 300, "Nơi ở hiện nay"));
        match (
            general_education,
            professional,
            academic_title,
            political_theory,
            foreign_language,
            it_level,
            occupation,
            youth_union,
            residence,
        ) {
            (Some(g), Some(p), Some(a), Some(t), Some(f), Some(i), Some(o), Some(y), Some(r)) if e.is_empty() => Ok(Profile {
                general_education: g,
                professional: p,
                academic_title: a,
                political_theory: t,
                foreign_language: f,
                it_level: i,
                occupation: o,
                youth_union: y,
                residence: r,
            }),
            _ => Err(e),
        }
    }

    pub fn from_profile(p: &Profile) -> Self {
        ProfileInput {
            general_education: p.general_education.code().into(),
            professional: p.professional.code().into(),
            academic_title: p.academic_title.code().into(),
            political_theory: p.political_theory.code().into(),
            foreign_language: p.foreign_language.code().into(),
            it_level: p.it_level.code().into(),
            occupation: p.occupation.code().into(),
            youth_union: if p.youth_union { "true".into() } else { "false".into() },
            residence: p.residence.clone().unwrap_or_default(),
        }
    }
}

fn required_code<T>(
    input: &str,
    label: &str,
    parse: fn(&str) -> Result<T, crate::error::FieldError>,
) -> Result<T, crate::error::FieldError> {
    if input.trim().is_empty() {
        return Err(crate::error::FieldError::new("", "required", format!("Chọn {}.", label.to_lowercase())));
    }
    parse(input)
}

fn code_or<T>(input: &str, default: T, parse: fn(&str) -> Result<T, crate::error::FieldError>) -> Result<T, crate::error::FieldError> {
    if input.trim().is_empty() { Ok(default) } else { parse(input) }
}

fn optional<T>(input: &str, parse: fn(&str) -> Result<T, crate::error::FieldError>) -> Result<Option<T>, crate::error::FieldError> {
    if input.trim().is_empty() { Ok(None) } else { parse(input).map(Some) }
}

/// Parses a checkbox or JSON boolean sent as text.
pub fn parse_yes_no(input: &str) -> Result<bool, crate::error::FieldError> {
    match input.trim().to_lowercase().as_str() {
        "" | "false" | "0" | "off" | "no" | "khong" | "không" => Ok(false),
        "true" | "1" | "on" | "yes" | "co" | "có" => Ok(true),
        other => Err(crate::error::FieldError::new("", "invalid_format", format!("“{other}” không phải có/không."))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn valid_identity() -> IdentityInput {
        IdentityInput {
            full_name: "Nguyễn Văn An".into(),
            gender: "nam".into(),
            birth_date: "02/09/1980".into(),
            ethnicity: "kinh".into(),
            religion: "khong".into(),
            citizen_id: "001080012345".into(),
            ..Default::default()
        }
    }

    #[test]
    fn fifty_four_groups_plus_two() {
        assert_eq!(Ethnicity::ALL.len(), 56);
        assert_eq!(Ethnicity::parse("e-de").unwrap().label(), "Ê-đê");
        assert!(!Ethnicity::Kinh.is_minority());
        assert!(Ethnicity::Tay.is_minority());
    }

    #[test]
    fn identity_parses_and_collects_every_error() {
        let ok = valid_identity().parse(today()).unwrap();
        assert_eq!(ok.full_name.as_str(), "Nguyễn Văn An");
        let bad = IdentityInput { full_name: " ".into(), citizen_id: "123".into(), gender: "x".into(), ..valid_identity() };
        let errs = bad.parse(today()).unwrap_err();
        let fields: Vec<&str> = errs.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["full_name", "gender", "citizen_id"]);
    }

    #[test]
    fn members_are_adults() {
        let young = IdentityInput { birth_date: "26/11/2008".into(), ..valid_identity() };
        assert_eq!(young.parse(today()).unwrap_err().errors[0].code, "out_of_range");
        let just = IdentityInput { birth_date: "25/11/2008".into(), ..valid_identity() };
        assert!(just.parse(today()).is_ok());
    }

    #[test]
    fn identity_round_trips_through_input() {
        let id = valid_identity().parse(today()).unwrap();
        assert_eq!(IdentityInput::from_identity(&id).parse(today()).unwrap(), id);
    }

    #[test]
    fn profile_requires_education_and_occupation() {
        let errs = ProfileInput::default().parse().unwrap_err();
        let fields: Vec<&str> = errs.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["general_education", "occupation"]);
        let p = ProfileInput {
            general_education: "thpt".into(),
            occupation: "vien-chuc".into(),
            youth_union: "on".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert!(p.youth_union);
        assert_eq!(p.professional, Professional::None);
        assert_eq!(ProfileInput::from_profile(&p).parse().unwrap(), p);
    }

    #[test]
    fn profile_valid_on_a_date() {
        let base = ProfileInput { general_education: "thpt".into(), occupation: "khac".into(), ..Default::default() }.parse().unwrap();
        let later = Profile { professional: Professional::University, ..base.clone() };
        let list = vec![
            DatedProfile { valid_from: None, profile: base.clone() },
            DatedProfile { valid_from: NaiveDate::from_ymd_opt(2020, 6, 1), profile: later.clone() },
        ];
        assert_eq!(profile_on(&list, NaiveDate::from_ymd_opt(2019, 1, 1).unwrap()), Some(&base));
        assert_eq!(profile_on(&list, NaiveDate::from_ymd_opt(2020, 6, 1).unwrap()), Some(&later));
    }
}
