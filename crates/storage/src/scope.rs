//! Whether a scope reaches a unit or a member (docs/design/access.md), answered from the index:
//! what the [`Access`](crate::access::Access) handles ask before they read or write.

use async_trait::async_trait;

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

    async fn member_reach(&self, scope: &ScopeFilter, member: MemberId) -> Result<MemberReach> {
        self.refresh_index().await?;
        self.index.read().member_reach(scope, member).ok_or(StoreError::NotFound)
    }
}
