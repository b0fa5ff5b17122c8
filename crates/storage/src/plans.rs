//! Congress terms and occasions as reports read them (docs/design/admission.md "Admission report
//! over any period"): the terms recorded by committees with the tree's lineage
//! (`domain::targets::terms_over` follows mergers), and the occasion list of a report's unit
//! (the defaults with those added by the unit and the units above it).

use std::collections::HashMap;

use domain::ids::UnitId;
use domain::targets::{Occasion, OccasionList, Term, TermSource, UnitLineage};

use crate::db::Conn;
use crate::error::Result;
use crate::index::Index;
use crate::sql::plans as q;

mod store;
pub use store::{InheritedFrom, MAX_TERM_TARGET, OccasionView, PlanStore, TermInForceView, TermInput, TermRecord};

/// Every term and added occasion, read once for a report (both tables hold a few rows per unit).
pub(crate) struct Plans {
    /// By unit (a report asks for the terms of each of its rows).
    terms: HashMap<UnitId, Vec<Term>>,
    occasions: Vec<Occasion>,
}

impl Plans {
    pub(crate) async fn load(conn: &mut dyn Conn) -> Result<Plans> {
        let mut terms: HashMap<UnitId, Vec<Term>> = HashMap::new();
        for t in q::all_terms(conn).await? {
            terms.entry(t.term.unit).or_default().push(t.term);
        }
        let occasions = q::all_occasions(conn).await?;
        Ok(Plans { terms, occasions })
    }

    /// The terms with the tree they are inherited through.
    pub(crate) fn with<'a>(&'a self, index: &'a Index) -> TermsInTree<'a> {
        TermsInTree { plans: self, index }
    }

    /// The occasions a report on `unit` uses: the defaults with those added by `unit` and every
    /// unit above it (as the tree stands today, or stood when the unit ended).
    pub(crate) fn occasions_for(&self, index: &Index, unit: UnitId) -> OccasionList {
        let above = index.ancestors_latest(unit);
        OccasionList::new(self.occasions.iter().filter(|o| o.added_by.is_some_and(|u| above.contains(&u))).cloned().collect())
    }
}

/// [`TermSource`] over the recorded terms and the index's unit links.
pub(crate) struct TermsInTree<'a> {
    plans: &'a Plans,
    index: &'a Index,
}

impl TermSource for TermsInTree<'_> {
    fn terms(&self, unit: UnitId) -> Vec<Term> {
        self.plans.terms.get(&unit).cloned().unwrap_or_default()
    }

    fn lineage(&self, unit: UnitId) -> UnitLineage {
        self.index.unit_lineage(unit)
    }
}
