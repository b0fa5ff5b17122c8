//! What the home worklists may compute per member. Counting each member's residence ties or
//! dues reads every row of theirs, so these counts are made for a unit whose lists hold at most
//! [`WORKLIST_MEMBERS`] members — a commune, ward or agency committee and every chi bộ, the
//! people who do this work. Above it (a province) the worklist links to the reports instead, and
//! shows what is counted per unit: evaluation rounds, remittances, transfers.

use chrono::NaiveDate;
use domain::ids::UnitId;

use crate::error::Result;
use crate::store::SqlStore;

/// The largest list a worklist counts member by member: the largest commune-level committees
/// hold a few thousand members. Measured on a 2-core machine (release build, the 20.000-member
/// demo): 17 ms for a commune of 1.882 members, 293 ms for a province of 16.898 — most of it
/// reading the year's dues of every member — so the bound keeps the home page near a fifth of a
/// second at worst.
pub const WORKLIST_MEMBERS: usize = 10_000;

impl SqlStore {
    /// Whether a unit's lists on `today` are small enough to count member by member.
    pub(crate) async fn countable(&self, root: UnitId, today: NaiveDate) -> Result<bool> {
        self.refresh_index().await?;
        Ok(self.index.read().member_count(root, today) <= WORKLIST_MEMBERS)
    }
}
