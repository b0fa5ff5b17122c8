//! What a step of a case writes on the register (rules.md §3; docs/design/admission.md): the
//! admission decision opens the member's record (or readmits the former member), the ceremony
//! starts the probation on the record, the recognition and strike-off decisions end it. Storage
//! writes what [`register_writes`] returns, in order, in the same transaction as the step.

use chrono::NaiveDate;

use super::{Candidate, StepData, StepKind, Steps};
use crate::admission;
use crate::error::ValidationErrors;
use crate::event::{AdmissionOrigin, EventData, EventKind, StrikeOffReason, UnitRef};
use crate::history::History;
use crate::ids::MemberId;
use crate::member::{DatedProfile, Identity};

/// A case as its register writes need it.
#[derive(Debug, Clone, Copy)]
pub struct Case<'a> {
    /// The case's number (named in the ceremony's record).
    pub id: i64,
    pub candidate: &'a Candidate,
    /// The steps in force before the new one.
    pub steps: &'a Steps,
    /// The member record the case is linked to since its admission decision, with its history.
    pub member: Option<CaseMember<'a>>,
}

/// The member record of a case and the history derived from its events.
#[derive(Debug, Clone, Copy)]
pub struct CaseMember<'a> {
    pub id: MemberId,
    pub history: &'a History,
}

/// One write on the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterWrite {
    /// A new member record: the candidate's identity, their profile valid from the decision, and
    /// the admission event that opens it.
    NewMember { identity: Box<Identity>, profile: DatedProfile, event: EventData },
    /// An event appended to an existing record (the former member readmitted, or the case's member).
    Event { member: MemberId, event: EventData },
}

/// What recording `step` on `case` writes on the register, in order; nothing for the steps that
/// stay in the file. Refused when the step needs the case's member record and there is none, or
/// a recognition finds no ceremony among the steps.
pub fn register_writes(step: &StepData, case: &Case<'_>) -> Result<Vec<RegisterWrite>, ValidationErrors> {
    let c = case.candidate;
    let decided = |kind, basis: &crate::unit::LegalBasis| EventData { kind, effective: basis.date, basis: Some(basis.clone()), note: None };
    let member = || case.member.ok_or_else(|| ValidationErrors::single("step", "no_member", "Hồ sơ chưa gắn với đảng viên nào."));
    let ceremony = || {
        case.steps.date_of(StepKind::Ceremony).ok_or_else(|| ValidationErrors::single("step", "no_ceremony", "Chưa tổ chức lễ kết nạp."))
    };
    // The record keeps who introduced the member and the sub-target group, as the case says.
    let origin = AdmissionOrigin { source: Some(c.source), target_group: c.target_group };
    Ok(match step {
        // The admission decision (9-KNĐ): party age runs from its date (rules.md §3).
        StepData::Decision { basis, .. } => match c.former_member {
            Some(former) => {
                vec![RegisterWrite::Event {
                    member: former,
                    event: decided(EventKind::Readmitted { unit: UnitRef::Internal(c.unit), origin }, basis),
                }]
            }
            None => vec![RegisterWrite::NewMember {
                identity: Box::new(c.identity.clone()),
                profile: DatedProfile { valid_from: Some(basis.date), profile: c.profile.clone() },
                event: decided(EventKind::Admitted { unit: UnitRef::Internal(c.unit), origin }, basis),
            }],
        },
        // The ceremony starts the 12 months of probation: it goes on the member's record
        // (Charter art. 5 §1 — rules.md §3).
        StepData::Ceremony { on } => vec![ceremony_event(member()?.id, *on, case.id)],
        StepData::RecognitionDecision { basis, .. } => {
            let m = member()?;
            let mut writes = Vec::new();
            // A ceremony step recorded before ceremonies went on the record (migration 0005's
            // upgrade) is written there now, so the recognition has its start.
            if m.history.probations.last().is_some_and(|p| p.ceremony.is_none()) {
                writes.push(ceremony_event(m.id, ceremony()?, case.id));
            }
            // Official on the day the 12 months from the ceremony end, whenever decided (rules.md §3).
            let event = EventData {
                kind: EventKind::RecognizedOfficial,
                effective: admission::official_date(ceremony()?),
                basis: Some(basis.clone()),
                note: None,
            };
            writes.push(RegisterWrite::Event { member: m.id, event });
            writes
        }
        StepData::StrikeOffDecision { basis, .. } => {
            let event = decided(EventKind::StruckOff { reason: StrikeOffReason::ProbationNotQualified }, basis);
            vec![RegisterWrite::Event { member: member()?.id, event }]
        }
        StepData::Application { .. }
        | StepData::Autobiography { .. }
        | StepData::VerificationRequest { .. }
        | StepData::VerificationResult { .. }
        | StepData::Introduction { .. }
        | StepData::Opinions { .. }
        | StepData::DocumentsRenewed { .. }
        | StepData::ChiBoVote { .. }
        | StepData::GrassrootsResolution { .. }
        | StepData::Extension { .. }
        | StepData::DecisionReceived { .. }
        | StepData::NewMemberClass { .. }
        | StepData::SelfReview { .. }
        | StepData::HelperComment { .. }
        | StepData::ProbationOpinions { .. }
        | StepData::RecognitionVote { .. }
        | StepData::RecognitionResolution { .. }
        | StepData::Closed { .. } => Vec::new(),
    })
}

/// The admission ceremony of case `case` held on `on`, on the member's record.
fn ceremony_event(member: MemberId, on: NaiveDate, case: i64) -> RegisterWrite {
    let event = EventData {
        kind: EventKind::Ceremony,
        effective: on,
        basis: None,
        note: Some(format!("Biên bản lễ kết nạp của chi bộ (hồ sơ phát triển đảng viên số {case}).")),
    };
    RegisterWrite::Event { member, event }
}
