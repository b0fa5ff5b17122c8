//! The [`WeakDesk`] handle: weak organizations and their consolidation plans within the caller's
//! scope. Reading needs the read scope on the unit; making and tracking a plan needs `write` or
//! `decide` on the organization (the committee's staff and leaders).

use super::*;
use crate::weak::{PlanView, WeakReport};
use domain::weak::plan::{Measure, PlanOutcome};

impl Access {
    pub fn weak(&self) -> Result<WeakDesk<'_>> {
        let scope = self.principal.scope(Capability::WriteRegister).union(&self.principal.scope(Capability::Decide));
        Ok(WeakDesk {
            access: self,
            read: self.filter(Capability::ReadRegister)?,
            decide: (!scope.is_empty()).then_some(ScopeFilter { scope, today: self.today() }),
        })
    }
}

/// Weak organizations within the caller's scopes (see [`Access::weak`]).
pub struct WeakDesk<'a> {
    access: &'a Access,
    read: ScopeFilter,
    decide: Option<ScopeFilter>,
}

impl WeakDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    pub async fn require_read(&self, unit: UnitId) -> Result<()> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await
    }

    /// Whether the caller may make and track this organization's plan.
    pub async fn may_plan(&self, unit: UnitId) -> bool {
        match &self.decide {
            Some(s) => self.store().in_scope(s, ScopeTarget::Unit(unit)).await.unwrap_or(false),
            None => false,
        }
    }

    pub async fn require_planning(&self, unit: UnitId) -> Result<()> {
        match &self.decide {
            Some(s) => require_write(self.store(), s, &self.read, ScopeTarget::Unit(unit)).await,
            None => self.require_read(unit).await.and(Err(StoreError::Forbidden)),
        }
    }

    pub async fn report(&self, root: UnitId, year: i32) -> Result<WeakReport> {
        self.require_read(root).await?;
        self.store().weak_organizations(root, year, self.access.today()).await
    }

    pub async fn create_plan(&self, unit: UnitId, year: i32, measures: Vec<Measure>) -> Result<i64> {
        self.require_planning(unit).await?;
        self.store().create_plan(&self.access.write_context(), unit, year, measures).await
    }

    /// The plan's unit once readable (404 otherwise).
    pub async fn readable(&self, id: i64) -> Result<UnitId> {
        let unit = self.store().plan_unit(id).await?;
        self.require_read(unit).await?;
        Ok(unit)
    }

    /// The plan's unit once the caller may track it.
    pub async fn writable(&self, id: i64) -> Result<UnitId> {
        let unit = self.store().plan_unit(id).await?;
        self.require_planning(unit).await?;
        Ok(unit)
    }

    pub async fn plan(&self, id: i64) -> Result<PlanView> {
        self.readable(id).await?;
        self.store().plan(id, self.access.today()).await
    }

    pub async fn add_measure(&self, id: i64, version: i64, measure: Measure) -> Result<()> {
        self.writable(id).await?;
        self.store().add_measure(&self.access.write_context(), id, version, measure).await
    }

    pub async fn complete_measure(&self, id: i64, version: i64, seq: u32, note: &str) -> Result<()> {
        self.writable(id).await?;
        self.store().complete_measure(&self.access.write_context(), id, version, seq, note).await
    }

    pub async fn close_plan(&self, id: i64, version: i64, outcome: PlanOutcome, note: Option<String>) -> Result<()> {
        self.writable(id).await?;
        self.store().close_plan(&self.access.write_context(), id, version, outcome, note).await
    }
}
