//! Whether a scope reaches a unit or a member (docs/design/access.md), answered from the index:
//! what the [`Access`](crate::access::Access) handles ask before they read or write.

use async_trait::async_trait;

use chrono::NaiveDate;

use domain::ids::{MemberId, UnitId};

use crate::error::{Result, StoreError};
use crate::index::MemberReach;
use crate::model::{ScopeFilter, ScopeTarget};
use crate::store::SqlStore;

/// Scope checks on units and members.
#[async_trait]
pub trait ScopeStore: Send + Sync {
    /// Whether a unit or a member lies within a scope (docs/design/access.md).
    async fn in_scope(&self, scope: &ScopeFilter, target: ScopeTarget) -> Result<bool>;
    /// The same for many units at once.
    async fn units_in_scope(&self, scope: &ScopeFilter, units: &[UnitId]) -> Result<Vec<bool>>;
    /// The same for many units as of a day (historical reach included: `ScopeTarget::UnitOn`).
    async fn units_in_scope_on(&self, scope: &ScopeFilter, units: &[UnitId], on: NaiveDate) -> Result<Vec<bool>>;
    /// Whether the scope reads the unit as of `on` by historical reach alone, so that its lists
    /// of that day show the members now outside the scope too (docs/design/access.md).
    async fn reads_past(&self, scope: &ScopeFilter, unit: UnitId, on: NaiveDate) -> Result<bool>;
    /// Where the scope's tree starts on `on`: the granted units, or on a day before one stood, the
    /// predecessors that stood then.
    async fn roots_on(&self, scope: &ScopeFilter, on: NaiveDate) -> Result<Vec<UnitId>>;
    /// The units `unit` was formed from that stood on `on` and that the scope reads then.
    async fn predecessors_on(&self, scope: &ScopeFilter, unit: UnitId, on: NaiveDate) -> Result<Vec<UnitId>>;
    /// For a unit the scope reads only by historical reach: the day it ended (readable before).
    async fn history_end(&self, scope: &ScopeFilter, unit: UnitId) -> Result<Option<NaiveDate>>;
    /// How the scope reaches a member's record (its home unit, or a transfer to a unit in scope);
    /// `NotFound` for no such member.
    async fn member_reach(&self, scope: &ScopeFilter, member: MemberId) -> Result<MemberReach>;
}

#[async_trait]
impl ScopeStore for SqlStore {
    async fn in_scope(&self, scope: &ScopeFilter, target: ScopeTarget) -> Result<bool> {
        self.refresh_index().await?;
        Ok(self.index.read().in_scope(scope, target))
    }

    async fn units_in_scope(&self, scope: &ScopeFilter, units: &[UnitId]) -> Result<Vec<bool>> {
        self.refresh_index().await?;
        let index = self.index.read();
        Ok(units.iter().map(|u| index.in_scope(scope, ScopeTarget::Unit(*u))).collect())
    }

    async fn units_in_scope_on(&self, scope: &ScopeFilter, units: &[UnitId], on: NaiveDate) -> Result<Vec<bool>> {
        self.refresh_index().await?;
        let index = self.index.read();
        Ok(units.iter().map(|u| index.in_scope(scope, ScopeTarget::UnitOn(*u, on))).collect())
    }

    async fn reads_past(&self, scope: &ScopeFilter, unit: UnitId, on: NaiveDate) -> Result<bool> {
        self.refresh_index().await?;
        Ok(self.index.read().reads_past(scope, unit, on))
    }

    async fn roots_on(&self, scope: &ScopeFilter, on: NaiveDate) -> Result<Vec<UnitId>> {
        self.refresh_index().await?;
        Ok(self.index.read().roots_on(scope, on))
    }

    async fn predecessors_on(&self, scope: &ScopeFilter, unit: UnitId, on: NaiveDate) -> Result<Vec<UnitId>> {
        self.refresh_index().await?;
        Ok(self.index.read().predecessors_on(scope, unit, on))
    }

    async fn history_end(&self, scope: &ScopeFilter, unit: UnitId) -> Result<Option<NaiveDate>> {
        self.refresh_index().await?;
        Ok(self.index.read().history_end(scope, unit))
    }

    async fn member_reach(&self, scope: &ScopeFilter, member: MemberId) -> Result<MemberReach> {
        self.refresh_index().await?;
        self.index.read().member_reach(scope, member).ok_or(StoreError::NotFound)
    }
}
