//! The register events one row implies (model.md "Members and their history").
//!
//! A file states where a member is now and a few dates; the register keeps events. A member
//! admitted in the chi bộ they are in (the file's "since" date is on or before the admission) is
//! admitted there; anyone else is admitted "elsewhere" — an outside unit named by the file's
//! "Nơi kết nạp", or unknown — and arrives in their chi bộ on the file's "since" date, or on the
//! import's day when the file has none (the event's note says so). Then the ceremony, the
//! recognition, and how they left if the status says they did.

use chrono::NaiveDate;

use super::record::{Departure, EarlierMembership, MemberRecord, RecordStatus};
use crate::event::{EventData, EventKind, StrikeOffReason, TransferMode, UnitRef};
use crate::ids::UnitId;

/// What storage resolved for a row: the chi bộ (an internal unit) and, when the file names the
/// unit the member was admitted in and it is in the register on the admission day, that unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub unit: UnitId,
    pub admitted_in: Option<UnitId>,
    /// The day of the import (the arrival date when the file has none).
    pub import_day: NaiveDate,
}

/// The note events derived from an import carry (with the import's number).
pub fn import_note(import: i64, what: Option<&str>) -> String {
    match what {
        Some(w) => format!("Nạp từ tệp (lần nạp số {import}); {w}."),
        None => format!("Nạp từ tệp (lần nạp số {import})."),
    }
}

/// A readmitted member's first admission and how it ended (the first admission's place is not
/// in the file).
fn earlier_membership(earlier: &EarlierMembership, note: Option<String>) -> [EventData; 2] {
    let left = match earlier.left_by {
        Departure::Exited => EventKind::Exited {
            // Only an exit for extremely difficult family circumstances can be followed by a
            // readmission (294-QĐ/TW point 3.5), so this one was.
            difficult_family: true,
        },
        Departure::Expelled => EventKind::Expelled,
        _ => EventKind::StruckOff { reason: StrikeOffReason::Other },
    };
    [
        EventData {
            kind: EventKind::Admitted { unit: UnitRef::External(EARLIER_PLACE.to_owned()), origin: Default::default() },
            effective: earlier.first_decision,
            basis: None,
            note: note.clone(),
        },
        EventData { kind: left, effective: earlier.left_on, basis: None, note },
    ]
}

/// Where a readmitted member's first admission took place (the file does not say).
pub const EARLIER_PLACE: &str = "Nơi kết nạp lần đầu (không có trong tệp nạp)";

/// When the file gives no admission place.
pub const UNKNOWN_PLACE: &str = "Không rõ nơi kết nạp (nạp từ tệp)";

/// The events `record` implies, in order, each with the import's note.
pub fn implied_events(record: &MemberRecord, placement: Placement, import: i64) -> Vec<EventData> {
    let note = |what: Option<&str>| Some(import_note(import, what));
    let mut events = Vec::new();
    let arrival = record.unit_since.unwrap_or(placement.import_day);
    let admitted_here = placement.admitted_in == Some(placement.unit)
        || (record.admitted_in.is_none() && record.unit_since.is_some_and(|s| s <= record.decision));
    let admitted_unit = if admitted_here {
        UnitRef::Internal(placement.unit)
    } else {
        match placement.admitted_in {
            Some(u) => UnitRef::Internal(u),
            None => UnitRef::External(record.admitted_in.clone().unwrap_or_else(|| UNKNOWN_PLACE.to_owned())),
        }
    };
    let decision_note = record.decision_taken_from_ceremony.then_some("ngày quyết định lấy bằng ngày lễ kết nạp");
    // A readmitted member: the first membership and its end, then the readmission where the
    // admission columns place it.
    let kind = match &record.earlier {
        None => EventKind::Admitted { unit: admitted_unit.clone(), origin: record.origin },
        Some(earlier) => {
            events.extend(earlier_membership(earlier, note(None)));
            EventKind::Readmitted { unit: admitted_unit.clone(), origin: record.origin }
        }
    };
    events.push(EventData { kind, effective: record.decision, basis: record.basis.clone(), note: note(decision_note) });
    // Before the ceremony, the recognition and the arrival, in date order; an arrival on the
    // same day as a ceremony or recognition comes after it (it is the later paper).
    let mut dated: Vec<(NaiveDate, u8, EventData)> = Vec::new();
    if let Some(c) = record.ceremony {
        dated.push((c, 0, EventData { kind: EventKind::Ceremony, effective: c, basis: None, note: note(None) }));
    }
    if let Some(o) = record.official {
        dated.push((o, 1, EventData { kind: EventKind::RecognizedOfficial, effective: o, basis: None, note: note(None) }));
    }
    if !admitted_here {
        let arrival_note = if record.unit_since.is_none() { Some("ngày đến chi bộ lấy bằng ngày nạp") } else { None };
        let kind = match admitted_unit {
            UnitRef::Internal(_) => EventKind::Reassigned { to: placement.unit },
            UnitRef::External(_) => EventKind::TransferredIn { mode: TransferMode::Official, unit: placement.unit },
        };
        dated.push((arrival, 2, EventData { kind, effective: arrival, basis: None, note: note(arrival_note) }));
    }
    match &record.status {
        RecordStatus::Probationary | RecordStatus::Official => {}
        RecordStatus::Exempt { since } => {
            let on = since.unwrap_or(placement.import_day).max(arrival);
            let what = if since.is_none() { Some("ngày miễn sinh hoạt lấy bằng ngày nạp") } else { None };
            dated.push((on, 3, EventData { kind: EventKind::Exempted, effective: on, basis: None, note: note(what) }));
        }
        RecordStatus::Left { departure, on, destination } => {
            let kind = match departure {
                Departure::TransferredOut => EventKind::TransferredOut {
                    mode: TransferMode::Official,
                    from: placement.unit,
                    to: UnitRef::External(destination.clone().unwrap_or_else(|| "Không rõ (nạp từ tệp)".to_owned())),
                },
                Departure::Died => EventKind::Died,
                Departure::Exited => EventKind::Exited { difficult_family: false },
                Departure::StruckOff => EventKind::StruckOff { reason: StrikeOffReason::Other },
                Departure::Expelled => EventKind::Expelled,
            };
            dated.push((*on, 4, EventData { kind, effective: *on, basis: None, note: note(None) }));
        }
    }
    dated.sort_by_key(|(d, order, _)| (*d, *order));
    events.extend(dated.into_iter().map(|(_, _, e)| e));
    events
}
