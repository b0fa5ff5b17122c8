//! What an admission report over any period is measured against (docs/design/admission.md
//! "Admission report over any period"): the yearly targets of every year the period touches
//! ([`period`]), the congress terms with their term targets, inherited through merges
//! ([`terms`]), and the occasions admissions are held on ([`occasions`]).
//!
//! Pure: storage reads the targets, terms and the tree's lineage and hands them over.

pub mod occasions;
pub mod period;
pub mod terms;

#[cfg(test)]
mod tests;

pub use occasions::{Occasion, OccasionList};
pub use period::{PeriodTarget, year_target};
pub use terms::{Predecessor, Term, TermInForce, TermSource, UnitLineage, terms_over};

/// `years` as committees write them: "2023", or "2020–2022" (an en dash).
pub fn years_label(first: i32, last: i32) -> String {
    if first == last { first.to_string() } else { format!("{first}–{last}") }
}
