//! The [`EnterpriseDesk`] handle: the enterprise register. Whoever reads a unit reads the
//! enterprises registered at or under it and the year's progress (audited as
//! `read.enterprises`); the organization board — `write` on the unit — registers and edits them
//! and sets founding targets. The party organization an enterprise names (in the body) must be a
//! unit the caller reads; an enterprise named by id must lie under the unit of the path.
//! Outside the scope the answer is "not found".

use super::*;
use crate::enterprises::{EnterpriseLine, EnterpriseReport, EnterpriseRow};
use domain::enterprises::Enterprise;

impl Access {
    pub fn enterprises(&self) -> Result<EnterpriseDesk<'_>> {
        let read = self.filter(Capability::ReadRegister)?;
        let write = ScopeFilter { scope: self.principal.scope(Capability::WriteRegister), today: self.today() };
        Ok(EnterpriseDesk { access: self, read, write })
    }
}

/// The enterprise register within the caller's scope (see [`Access::enterprises`]).
pub struct EnterpriseDesk<'a> {
    access: &'a Access,
    read: ScopeFilter,
    write: ScopeFilter,
}

impl EnterpriseDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    /// Whether the caller keeps a register anywhere (else a post is refused outright).
    pub fn keeps(&self) -> bool {
        !self.write.scope.is_empty()
    }

    /// Whether the caller keeps the register of `unit`.
    pub async fn may_keep(&self, unit: UnitId) -> bool {
        self.keeps() && require(self.store(), &self.write, ScopeTarget::Unit(unit)).await.is_ok()
    }

    /// Refuses a caller who keeps no register (forbidden) or not `unit`'s (not found): the one
    /// check before a body is read.
    pub async fn keep_unit(&self, unit: UnitId) -> Result<()> {
        if !self.keeps() {
            return Err(StoreError::Forbidden);
        }
        require(self.store(), &self.write, ScopeTarget::Unit(unit)).await
    }

    async fn keep(&self, unit: UnitId, e: &Enterprise) -> Result<()> {
        self.keep_unit(unit).await?;
        if let Some(p) = &e.party {
            // The party organization named must be one the caller reads.
            require(self.store(), &self.read, ScopeTarget::Unit(p.unit)).await?;
        }
        Ok(())
    }

    /// The enterprises at or under `unit`.
    pub async fn list(&self, unit: UnitId) -> Result<Vec<EnterpriseLine>> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        let lines = self.store().enterprises_under(unit, self.access.today()).await?;
        self.access.record("read.enterprises", "unit", unit, json!({ "enterprises": lines.len() })).await?;
        Ok(lines)
    }

    /// The year's progress under `unit`.
    pub async fn report(&self, unit: UnitId, year: i32) -> Result<EnterpriseReport> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        self.store().enterprise_report(unit, year, self.access.today()).await
    }

    /// An enterprise registered at or under `unit` (else not found).
    pub async fn one(&self, unit: UnitId, id: i64) -> Result<EnterpriseRow> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        let row = self.store().enterprise(id).await?;
        require(self.store(), &self.read, ScopeTarget::Unit(row.area)).await?;
        let under = self.store().enterprises_under(unit, self.access.today()).await?;
        if !under.iter().any(|l| l.row.id == id) {
            return Err(StoreError::NotFound);
        }
        Ok(row)
    }

    /// Registers an enterprise in `unit`'s area.
    pub async fn add(&self, unit: UnitId, e: Enterprise) -> Result<i64> {
        self.keep(unit, &e).await?;
        self.store().add_enterprise(&self.access.write_context(), unit, e).await
    }

    /// Edits an enterprise registered at or under `unit`.
    pub async fn update(&self, unit: UnitId, id: i64, version: i64, e: Enterprise) -> Result<()> {
        self.keep(unit, &e).await?;
        let row = self.one(unit, id).await?;
        require(self.store(), &self.write, ScopeTarget::Unit(row.area)).await?;
        self.store().update_enterprise(&self.access.write_context(), id, version, e).await
    }

    /// Sets the unit's founding target of a year.
    pub async fn set_target(&self, unit: UnitId, year: i32, target: u32) -> Result<()> {
        if !self.keeps() {
            return Err(StoreError::Forbidden);
        }
        require(self.store(), &self.write, ScopeTarget::Unit(unit)).await?;
        self.store().set_founding_target(&self.access.write_context(), unit, year, target).await
    }
}
