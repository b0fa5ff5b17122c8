//! Fixtures for tests, written once: this crate's tests use them, and so do the tests of the
//! crates that enable the `testing` feature (as a dev-dependency only). Not for the program.

use chrono::{NaiveDate, TimeZone, Utc};

use crate::event::{Entry, EventData, EventKind, RecordedEvent, UnitRef};
use crate::ids::{CitizenId, DecisionNumber, EventId, MemberId, UnitCode, UnitId};
use crate::member::{
    AcademicTitle, Ethnicity, ForeignLanguageLevel, Gender, GeneralEducation, Identity, ItLevel, OccupationGroup, PoliticalTheory,
    Professional, Profile, Religion,
};
use crate::pipeline::{Candidate, CandidateSource, Certificate};
use crate::text::PersonName;
use crate::unit::{LegalBasis, UnitKind, UnitVersion};

/// A date that exists.
pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A decision of the provincial standing committee dated `on`.
pub fn basis(on: NaiveDate) -> LegalBasis {
    LegalBasis { number: DecisionNumber::parse("125-QĐ/TU").unwrap(), date: on, issuer: "Ban Thường vụ Tỉnh ủy".into() }
}

/// A version of unit `id` (code `U{id}`, name `Tổ chức {id}`).
pub fn unit_version(id: i64, kind: UnitKind, parent: Option<i64>, from: NaiveDate, to: Option<NaiveDate>) -> UnitVersion {
    UnitVersion {
        unit_id: UnitId(id),
        valid_from: from,
        valid_to: to,
        kind,
        code: UnitCode::parse(&format!("U{id}")).unwrap(),
        name: format!("Tổ chức {id}"),
        parent_id: parent.map(UnitId),
    }
}

/// An admission into unit `unit` of the register.
pub fn admitted(unit: i64) -> EventKind {
    EventKind::Admitted { unit: UnitRef::Internal(UnitId(unit)), origin: Default::default() }
}

/// An event of `kind` effective `on`, on a decision of that day ([`basis`]).
pub fn event(kind: EventKind, on: NaiveDate) -> EventData {
    EventData { kind, effective: on, basis: Some(basis(on)), note: None }
}

/// Event number `id` as recorded on 01/01/2026 (not a correction).
pub fn recorded(id: i64, entry: Entry) -> RecordedEvent {
    RecordedEvent {
        id: EventId(id),
        entry,
        corrects: None,
        correction_reason: None,
        recorded_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        recorded_by: "test".into(),
    }
}

/// `events` recorded in order, numbered from 1.
pub fn recorded_events(events: &[(EventKind, NaiveDate)]) -> Vec<RecordedEvent> {
    events.iter().enumerate().map(|(i, (kind, on))| recorded(i as i64 + 1, Entry::Event(event(kind.clone(), *on)))).collect()
}

/// Lê Thị Hoa, born 10/05/2000, Kinh, no religion.
pub fn identity() -> Identity {
    Identity {
        full_name: PersonName::parse("Lê Thị Hoa").unwrap(),
        other_names: None,
        gender: Gender::Female,
        birth_date: d(2000, 5, 10),
        birthplace: None,
        hometown: None,
        ethnicity: Ethnicity::Kinh,
        religion: Religion::None,
        citizen_id: CitizenId::parse("001300012345").unwrap(),
        phone: None,
        party_card_number: None,
        ly_lich_number: None,
    }
}

/// Upper secondary school and university, a public-service employee, in the Youth Union.
pub fn profile() -> Profile {
    Profile {
        general_education: GeneralEducation::UpperSecondary,
        professional: Professional::University,
        academic_title: AcademicTitle::None,
        political_theory: PoliticalTheory::None,
        foreign_language: ForeignLanguageLevel::None,
        it_level: ItLevel::None,
        occupation: OccupationGroup::PublicServiceEmployee,
        youth_union: true,
        residence: None,
    }
}

/// A 25-year-old Youth Union member of chi bộ 1 whose whole file is in order (helped by member
/// 11, certificate of 01/03/2025); tests change one thing at a time.
pub fn candidate() -> Candidate {
    Candidate {
        helper: Some(MemberId(11)),
        certificate: Some(Certificate {
            number: "125-GCN/TTCT".into(), issued_on: d(2025, 3, 1), issuer: "Trung tâm Chính trị".into()
        }),
        ..Candidate::new(UnitId(1), identity(), profile(), CandidateSource::YouthUnion)
    }
}
