//! Registers as spreadsheets: the columns dangvu reads and writes, how a file's headers are
//! recognised, what a cell means, and what one row says about a member's history
//! (docs/design/register-io.md, the column layout in docs/formats/register.md).
//!
//! Pure: a reader hands in cells as [`values::Value`]s; storage matches the records against the
//! register and writes them.

pub mod columns;
pub mod export;
pub mod history;
pub mod record;
pub mod saved;
pub mod values;

#[cfg(test)]
mod tests;

pub use columns::{Column, HeaderMatch, Mapping, SheetKind, UnitColumn};
pub use history::{Placement, implied_events};
pub use record::{AdmissionDateMeaning, CellError, MemberRead, MemberRecord, RecordStatus, UnitRecord, parse_member, parse_unit};
pub use saved::{Assignment, SavedDefault, SavedMapping};
pub use values::{Value, Warning};
