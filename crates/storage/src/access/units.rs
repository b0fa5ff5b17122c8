//! The [`UnitManager`] handle.

// The imports and the scope helpers every handle shares.
use super::*;

impl Access {
    pub fn unit_manager(&self) -> Result<UnitManager<'_>> {
        Ok(UnitManager { access: self, scope: self.filter(Capability::ManageUnits)?, read: self.filter(Capability::ReadRegister)? })
    }
}

/// Operations on units within the scope of `ManageUnits`.
pub struct UnitManager<'a> {
    access: &'a Access,
    scope: ScopeFilter,
    read: ScopeFilter,
}

impl UnitManager<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    async fn unit_target(&self, unit: UnitId) -> Result<()> {
        require_write(self.store(), &self.scope, &self.read, ScopeTarget::Unit(unit)).await
    }

    /// A unit named in a form (a new parent, a merge target): outside the scope it is refused as
    /// a field error, not a 404 of the page.
    async fn named_unit(&self, unit: UnitId, field: &str) -> Result<()> {
        if self.store().in_scope(&self.scope, ScopeTarget::Unit(unit)).await? {
            Ok(())
        } else {
            Err(StoreError::invalid(field, "out_of_scope", OUT_OF_SCOPE_UNIT))
        }
    }

    async fn successors(&self, list: &[Successor], field: &str) -> Result<()> {
        for s in list {
            match s {
                Successor::Existing(u) => self.named_unit(*u, field).await?,
                Successor::New(spec) => match spec.parent {
                    Some(p) => self.named_unit(p, field).await?,
                    None if self.scope.scope.everything => {}
                    None => return Err(StoreError::Forbidden),
                },
            }
        }
        Ok(())
    }

    /// Whether this person may establish a top-level unit (an administrator's scope).
    pub fn may_create_root(&self) -> bool {
        self.scope.scope.everything
    }

    /// A unit under `parent` needs `parent` in scope; a new top-level unit needs an administrator.
    pub async fn create_unit(&self, new: NewUnit) -> Result<UnitId> {
        match new.spec.parent {
            Some(p) => self.unit_target(p).await?,
            None if self.scope.scope.everything => {}
            None => return Err(StoreError::Forbidden),
        }
        self.store().create_unit(&self.access.write_context(), new).await
    }

    pub async fn rename_unit(&self, unit: UnitId, change: RenameUnit) -> Result<()> {
        self.unit_target(unit).await?;
        self.store().rename_unit(&self.access.write_context(), unit, change).await
    }

    pub async fn move_unit(&self, unit: UnitId, change: MoveUnit) -> Result<()> {
        self.unit_target(unit).await?;
        self.named_unit(change.parent, "parent").await?;
        self.store().move_unit(&self.access.write_context(), unit, change).await
    }

    pub async fn merge_units(&self, merge: MergeUnits) -> Result<UnitId> {
        for s in &merge.sources {
            self.unit_target(*s).await?;
        }
        self.successors(std::slice::from_ref(&merge.target), "target").await?;
        self.store().merge_units(&self.access.write_context(), merge).await
    }

    pub async fn split_unit(&self, unit: UnitId, split: SplitUnit) -> Result<Vec<UnitId>> {
        self.unit_target(unit).await?;
        self.successors(&split.successors, "successors").await?;
        self.store().split_unit(&self.access.write_context(), unit, split).await
    }

    pub async fn dissolve_unit(&self, unit: UnitId, decision: OrgDecision) -> Result<()> {
        self.unit_target(unit).await?;
        self.store().dissolve_unit(&self.access.write_context(), unit, decision).await
    }
}
