//! The [`Picker`] handle: which units the organization picker offers, by what the unit is for.
//! Offering is not accepting: whatever a form sends is still checked by the handle that writes it
//! (`RegisterWriter::check_units`, `UnitManager`, `AdmissionDesk`, the readers' `require`).

use domain::unit::pick::Match;

// The imports and the scope helpers every handle shares.
use super::*;
use crate::model::{PickFilter, UnitChoice};

/// What the unit being picked is for, which decides where it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// Recording in the register, reading lists and reports, granting: the read scope.
    Register,
    /// The destination of a transfer out: any unit of the tree (names and places in the tree are
    /// printed on transfer letters; the scope protects members, and the member goes in transit,
    /// see `EventKind::units_acted_on`). Only for those who may write the register.
    TransferDestination,
    /// Where something is written under a unit the person chooses (the unit an import goes
    /// under): the write scope.
    Write,
    /// Where a working member lives (Quy định 213-QĐ/TW): any chi bộ of the tree, for those who
    /// record ties (`write` or `meetings`); members live where they live, and a chi bộ's name and
    /// place are not personal data.
    Residence,
}

impl Access {
    pub fn picker(&self, offer: Offer) -> Result<Picker<'_>> {
        let scope = match offer {
            Offer::Register => Some(self.filter(Capability::ReadRegister)?),
            Offer::Write => Some(self.filter(Capability::WriteRegister)?),
            Offer::TransferDestination => {
                self.filter(Capability::WriteRegister)?;
                None
            }
            Offer::Residence => {
                if !self.can(Capability::WriteRegister) && !self.can(Capability::RecordMeetings) {
                    return Err(StoreError::Forbidden);
                }
                None
            }
        };
        Ok(Picker { access: self, scope })
    }
}

/// The units one person may be offered for one purpose.
pub struct Picker<'a> {
    access: &'a Access,
    /// `None`: the whole tree.
    scope: Option<ScopeFilter>,
}

/// What a typed text names among the units offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Nothing typed.
    Empty,
    /// Exactly one unit.
    One(UnitChoice),
    /// Several units: the form must ask which one.
    Several(Vec<UnitChoice>),
    /// No unit offered matches.
    None,
}

impl Picker<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    /// The offer for a typed name or code, best first.
    pub async fn search(&self, q: &str, filter: PickFilter, limit: usize) -> Result<Vec<UnitChoice>> {
        self.store().pick_units(q, self.access.today(), filter, limit, self.scope.as_ref()).await
    }

    /// A unit offered, by id, as the picker shows it (`None`: not offered, or unknown).
    pub fn peek(&self, unit: UnitId) -> Option<UnitChoice> {
        self.store().peek_unit(unit, self.access.today(), self.scope.as_ref())
    }

    /// What a text typed without choosing from the suggestions names: a code or a whole name
    /// that only one unit has, or else the one unit that matches at all; several → ask.
    pub async fn resolve(&self, text: &str, filter: PickFilter, limit: usize) -> Result<Resolved> {
        if text.trim().is_empty() {
            return Ok(Resolved::Empty);
        }
        let found = self.search(text, filter, limit + 1).await?;
        let exact: Vec<UnitChoice> = found.iter().filter(|c| c.matched == Some(Match::Exact)).cloned().collect();
        let candidates = if exact.is_empty() { found } else { exact };
        let mut candidates = candidates.into_iter();
        Ok(match (candidates.next(), candidates.next()) {
            (None, _) => Resolved::None,
            (Some(one), None) => Resolved::One(one),
            (Some(first), Some(second)) => Resolved::Several([first, second].into_iter().chain(candidates).take(limit).collect()),
        })
    }
}
