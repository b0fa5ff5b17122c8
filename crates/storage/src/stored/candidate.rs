//! A candidate as stored in `candidates.data`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use domain::admission::EducationException;
use domain::ids::{CitizenId, LyLichNumber, MemberId, PartyCardNumber, PhoneNumber, UnitId};
use domain::member::{
    AcademicTitle, Ethnicity, ForeignLanguageLevel, Gender, GeneralEducation, Identity, ItLevel, OccupationGroup, PoliticalTheory,
    Professional, Profile, Religion,
};
use domain::pipeline::{Candidate, CandidateSource, Certificate, TargetGroup};
use domain::text::PersonName;

use super::{R, checked, read, unknown_version, version, write};

/// The JSON of `c` in the current version.
pub fn to_json(c: &Candidate) -> R<String> {
    write(&CandidateV1::from(c))
}

/// A candidate stored in any version.
pub fn from_json(json: &str) -> R<Candidate> {
    match version(json)? {
        1 => read::<CandidateV1>(json)?.try_into(),
        v => Err(unknown_version("candidate", v)),
    }
}

/// Version 1 (no `"v"`): the first format, written since the admission pipeline began.
#[derive(Debug, Serialize, Deserialize)]
struct CandidateV1 {
    unit: i64,
    identity: IdentityV1,
    profile: ProfileV1,
    source: CandidateSource,
    target_group: Option<TargetGroup>,
    helper: Option<i64>,
    tasks: Option<String>,
    certificate: Option<CertificateV1>,
    education_exception: Option<EducationExceptionV1>,
    province_consent_on: Option<NaiveDate>,
    former_member: Option<i64>,
    record_expunged_on: Option<NaiveDate>,
    readmission_barred: bool,
    note: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct IdentityV1 {
    full_name: String,
    other_names: Option<String>,
    gender: Gender,
    birth_date: NaiveDate,
    birthplace: Option<String>,
    hometown: Option<String>,
    ethnicity: Ethnicity,
    religion: Religion,
    citizen_id: String,
    phone: Option<String>,
    party_card_number: Option<String>,
    ly_lich_number: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ProfileV1 {
    general_education: GeneralEducation,
    professional: Professional,
    academic_title: AcademicTitle,
    political_theory: PoliticalTheory,
    foreign_language: ForeignLanguageLevel,
    it_level: ItLevel,
    occupation: OccupationGroup,
    youth_union: bool,
    residence: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CertificateV1 {
    number: String,
    issued_on: NaiveDate,
    issuer: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum EducationExceptionV1 {
    DisadvantagedArea,
    VillageElder,
}

impl From<&Candidate> for CandidateV1 {
    fn from(c: &Candidate) -> Self {
        let i = &c.identity;
        let p = &c.profile;
        CandidateV1 {
            unit: c.unit.0,
            identity: IdentityV1 {
                full_name: i.full_name.as_str().to_owned(),
                other_names: i.other_names.clone(),
                gender: i.gender,
                birth_date: i.birth_date,
                birthplace: i.birthplace.clone(),
                hometown: i.hometown.clone(),
                ethnicity: i.ethnicity,
                religion: i.religion,
                citizen_id: i.citizen_id.as_str().to_owned(),
                phone: i.phone.as_ref().map(|v| v.as_str().to_owned()),
                party_card_number: i.party_card_number.as_ref().map(|v| v.as_str().to_owned()),
                ly_lich_number: i.ly_lich_number.as_ref().map(|v| v.as_str().to_owned()),
            },
            profile: ProfileV1 {
                general_education: p.general_education,
                professional: p.professional,
                academic_title: p.academic_title,
                political_theory: p.political_theory,
                foreign_language: p.foreign_language,
                it_level: p.it_level,
                occupation: p.occupation,
                youth_union: p.youth_union,
                residence: p.residence.clone(),
            },
            source: c.source,
            target_group: c.target_group,
            helper: c.helper.map(|m| m.0),
            tasks: c.tasks.clone(),
            certificate: c.certificate.as_ref().map(|k| CertificateV1 {
                number: k.number.clone(),
                issued_on: k.issued_on,
                issuer: k.issuer.clone(),
            }),
            education_exception: c.education_exception.map(|e| match e {
                EducationException::DisadvantagedArea => EducationExceptionV1::DisadvantagedArea,
                EducationException::VillageElder => EducationExceptionV1::VillageElder,
            }),
            province_consent_on: c.province_consent_on,
            former_member: c.former_member.map(|m| m.0),
            record_expunged_on: c.record_expunged_on,
            readmission_barred: c.readmission_barred,
            note: c.note.clone(),
        }
    }
}

impl TryFrom<CandidateV1> for Candidate {
    type Error = crate::db::DbError;

    fn try_from(c: CandidateV1) -> R<Candidate> {
        let i = c.identity;
        let p = c.profile;
        Ok(Candidate {
            unit: UnitId(c.unit),
            identity: Identity {
                // As stored: checked when written; a rule added since must not make it unreadable.
                full_name: PersonName::from_stored(i.full_name),
                other_names: i.other_names,
                gender: i.gender,
                birth_date: i.birth_date,
                birthplace: i.birthplace,
                hometown: i.hometown,
                ethnicity: i.ethnicity,
                religion: i.religion,
                citizen_id: checked(&i.citizen_id, CitizenId::parse)?,
                phone: i.phone.map(|v| checked(&v, PhoneNumber::parse)).transpose()?,
                party_card_number: i.party_card_number.map(|v| checked(&v, PartyCardNumber::parse)).transpose()?,
                ly_lich_number: i.ly_lich_number.map(|v| checked(&v, LyLichNumber::parse)).transpose()?,
            },
            profile: Profile {
                general_education: p.general_education,
                professional: p.professional,
                academic_title: p.academic_title,
                political_theory: p.political_theory,
                foreign_language: p.foreign_language,
                it_level: p.it_level,
                occupation: p.occupation,
                youth_union: p.youth_union,
                residence: p.residence,
            },
            source: c.source,
            target_group: c.target_group,
            helper: c.helper.map(MemberId),
            tasks: c.tasks,
            certificate: c.certificate.map(|k| Certificate { number: k.number, issued_on: k.issued_on, issuer: k.issuer }),
            education_exception: c.education_exception.map(|e| match e {
                EducationExceptionV1::DisadvantagedArea => EducationException::DisadvantagedArea,
                EducationExceptionV1::VillageElder => EducationException::VillageElder,
            }),
            province_consent_on: c.province_consent_on,
            former_member: c.former_member.map(MemberId),
            record_expunged_on: c.record_expunged_on,
            readmission_barred: c.readmission_barred,
            note: c.note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Candidate 4 of `dangvu demo --members 3000`, as the version before named versions wrote it.
    const DEMO: &str = r#"{"unit":80,"identity":{"full_name":"Vũ Phương Linh","other_names":null,"gender":"nu","birth_date":"2001-07-23","birthplace":null,"hometown":null,"ethnicity":"kinh","religion":"khong","citizen_id":"099000000004","phone":null,"party_card_number":null,"ly_lich_number":null},"profile":{"general_education":"thpt","professional":"dai-hoc","academic_title":"khong","political_theory":"khong","foreign_language":"khong","it_level":"khong","occupation":"khac","youth_union":true,"residence":null},"source":"doan-thanh-nien","target_group":"khu-dan-cu","helper":1275,"tasks":"Tham gia phong trào, nhiệm vụ do chi bộ phân công","certificate":{"number":"103/CN-TTCT","issued_on":"2025-09-15","issuer":"Trung tâm Chính trị"},"education_exception":null,"province_consent_on":null,"former_member":null,"record_expunged_on":null,"readmission_barred":false,"note":null}"#;

    /// A readmission with every optional field filled, as the version before named versions wrote it.
    const FULL: &str = r#"{"unit":122,"identity":{"full_name":"Lò Thị Hoà","other_names":"Hoà","gender":"nu","birth_date":"1962-03-04","birthplace":"Mường Lay, Điện Biên","hometown":"Tuần Giáo, Điện Biên","ethnicity":"thai","religion":"phat-giao","citizen_id":"011162000123","phone":"0912345678","party_card_number":"12345678","ly_lich_number":"123456DB"},"profile":{"general_education":"thpt","professional":"dai-hoc","academic_title":"khong","political_theory":"trung-cap","foreign_language":"chung-chi-b","it_level":"co-ban","occupation":"vien-chuc","youth_union":false,"residence":"Bản Na Sang, xã Mường Luân"},"source":"hoi-phu-nu","target_group":"khu-dan-cu","helper":1984,"tasks":"Vận động hội viên","certificate":{"number":"55/CN-TTCT","issued_on":"2025-06-01","issuer":"Trung tâm Chính trị huyện"},"education_exception":"village_elder","province_consent_on":"2025-09-10","former_member":2041,"record_expunged_on":"2019-05-20","readmission_barred":true,"note":"Kết nạp lại"}"#;

    fn full() -> Candidate {
        Candidate {
            unit: UnitId(122),
            identity: Identity {
                full_name: PersonName::parse("Lò Thị Hoà").unwrap(),
                other_names: Some("Hoà".into()),
                gender: Gender::Female,
                birth_date: date(1962, 3, 4),
                birthplace: Some("Mường Lay, Điện Biên".into()),
                hometown: Some("Tuần Giáo, Điện Biên".into()),
                ethnicity: Ethnicity::Thai,
                religion: Religion::Buddhism,
                citizen_id: CitizenId::parse("011162000123").unwrap(),
                phone: Some(PhoneNumber::parse("0912345678").unwrap()),
                party_card_number: Some(PartyCardNumber::parse("12345678").unwrap()),
                ly_lich_number: Some(LyLichNumber::parse("123456DB").unwrap()),
            },
            profile: Profile {
                general_education: GeneralEducation::UpperSecondary,
                professional: Professional::University,
                academic_title: AcademicTitle::None,
                political_theory: PoliticalTheory::Intermediate,
                foreign_language: ForeignLanguageLevel::CertB,
                it_level: ItLevel::Basic,
                occupation: OccupationGroup::PublicServiceEmployee,
                youth_union: false,
                residence: Some("Bản Na Sang, xã Mường Luân".into()),
            },
            source: CandidateSource::WomenUnion,
            target_group: Some(TargetGroup::Residential),
            helper: Some(MemberId(1984)),
            tasks: Some("Vận động hội viên".into()),
            certificate: Some(Certificate {
                number: "55/CN-TTCT".into(),
                issued_on: date(2025, 6, 1),
                issuer: "Trung tâm Chính trị huyện".into(),
            }),
            education_exception: Some(EducationException::VillageElder),
            province_consent_on: Some(date(2025, 9, 10)),
            former_member: Some(MemberId(2041)),
            record_expunged_on: Some(date(2019, 5, 20)),
            readmission_barred: true,
            note: Some("Kết nạp lại".into()),
        }
    }

    #[test]
    fn version_1_reads_as_written_and_is_written_unchanged() {
        let c = from_json(DEMO).unwrap();
        assert_eq!(c.unit, UnitId(80));
        assert_eq!(c.identity.full_name.as_str(), "Vũ Phương Linh");
        assert_eq!(c.identity.gender, Gender::Female);
        assert_eq!(c.identity.birth_date, date(2001, 7, 23));
        assert_eq!(c.identity.citizen_id.as_str(), "099000000004");
        assert_eq!(c.identity.phone, None);
        assert_eq!(c.profile.occupation, OccupationGroup::Other);
        assert!(c.profile.youth_union);
        assert_eq!(c.source, CandidateSource::YouthUnion);
        assert_eq!(c.target_group, Some(TargetGroup::Residential));
        assert_eq!(c.helper, Some(MemberId(1275)));
        assert_eq!(c.certificate.as_ref().map(|k| (k.number.as_str(), k.issued_on)), Some(("103/CN-TTCT", date(2025, 9, 15))));
        assert_eq!(c.education_exception, None);
        assert!(!c.readmission_barred);
        assert_eq!(to_json(&c).unwrap(), DEMO);

        assert_eq!(from_json(FULL).unwrap(), full());
        assert_eq!(to_json(&full()).unwrap(), FULL);
    }

    #[test]
    fn versions_are_read_from_v_and_an_unknown_one_is_refused() {
        let declared = FULL.replacen('{', r#"{"v":1,"#, 1);
        assert_eq!(from_json(&declared).unwrap(), full());
        let later = FULL.replacen('{', r#"{"v":2,"#, 1);
        let e = from_json(&later).unwrap_err();
        assert!(e.to_string().contains("version 2"), "{e}");
    }
}
