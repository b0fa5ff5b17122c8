//! Which events may follow a member's history: what the event forms offer (ui.md "One form per
//! kind of event"). The full checks stay in [`super::derive`]; this only keeps the list to the
//! kinds that can apply to the member's status.

use chrono::NaiveDate;

use super::{History, Status};
use crate::event::EventKindCode;

impl History {
    /// The kinds of event that may be recorded on `on`, in the order a form lists them. An
    /// admission is not among them: it creates the record (or comes from an admission case).
    pub fn next_kinds(&self, on: NaiveDate) -> Vec<EventKindCode> {
        use EventKindCode as K;
        let Some(span) = self.span_on(on) else { return Vec::new() };
        let away = self.temporary.last().is_some_and(|t| t.to.is_none());
        let mut kinds = Vec::new();
        match span.status {
            Status::Probationary | Status::Official | Status::Exempt => {
                if span.status == Status::Probationary {
                    // The ceremony starts the 12 months; recognition needs it (Charter art. 5 §1 — rules.md §3).
                    match self.probations.last().map(|p| p.ceremony.is_some()) {
                        Some(true) => kinds.push(K::RecognizedOfficial),
                        _ => kinds.push(K::Ceremony),
                    }
                }
                kinds.push(K::TransferredOut);
                if away {
                    // The return from temporary activity elsewhere (rules.md §4).
                    kinds.push(K::TransferredIn);
                }
                kinds.push(K::Reassigned);
                match span.status {
                    // Exemption is for official members only (rules.md §5.2).
                    Status::Official => kinds.push(K::Exempted),
                    Status::Exempt => kinds.push(K::ExemptionEnded),
                    _ => {}
                }
                kinds.extend([K::StruckOff, K::Exited, K::Expelled, K::Died]);
            }
            // In transit only the receiving side's acceptance follows (ARCHITECTURE "How a record flows").
            Status::TransferredOut => kinds.push(K::TransferredIn),
            Status::StruckOff | Status::Exited => kinds.push(K::Readmitted),
            Status::Expelled | Status::Deceased => {}
        }
        kinds
    }
}
