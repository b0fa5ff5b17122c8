//! The [`ImportDesk`] handle: importing a register file under a unit of the caller's write scope,
//! the past imports they may read, and the saved column mappings.

// The imports and the scope helpers every handle shares.
use super::*;
use crate::import::{ImportInput, ImportPlan, ImportSummary, SavedMappingRecord};
use domain::access::Scope;
use domain::interchange::SavedMapping;

impl Access {
    /// Importing needs `WriteRegister` somewhere (403 otherwise); the file goes under a unit of
    /// that scope.
    pub fn importer(&self) -> Result<ImportDesk<'_>> {
        Ok(ImportDesk { access: self, write: self.filter(Capability::WriteRegister)?, read: self.filter(Capability::ReadRegister)? })
    }
}

/// Imports within the caller's write scope (see [`Access::importer`]).
pub struct ImportDesk<'a> {
    access: &'a Access,
    write: ScopeFilter,
    read: ScopeFilter,
}

impl ImportDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    /// The units the caller may import under.
    pub fn write_scope(&self) -> &ScopeFilter {
        &self.write
    }

    /// The caller may import under `root` (403 when only readable, 404 outside the read scope).
    pub async fn require_root(&self, root: UnitId) -> Result<()> {
        require_write(self.store(), &self.write, &self.read, ScopeTarget::Unit(root)).await
    }

    /// The input as the store takes it: the root checked, the caller's write scope filled in.
    /// A file without a root (a whole register into an empty tree) is only for a caller whose
    /// write scope is everything.
    async fn scoped(&self, mut input: ImportInput) -> Result<ImportInput> {
        match input.root {
            Some(root) => self.require_root(root).await?,
            None if self.write.scope.everything => {}
            None => return Err(StoreError::invalid("root", "required", "Chọn tổ chức đảng để nạp tệp vào.")),
        }
        input.scope = Some(self.write.clone());
        Ok(input)
    }

    /// What importing the file would do (nothing is written).
    pub async fn plan(&self, input: ImportInput) -> Result<ImportPlan> {
        let input = self.scoped(input).await?;
        self.store().plan_import(&self.access.write_context(), &input).await
    }

    /// Imports the file in one transaction (see [`crate::ImportStore::apply_import`]).
    pub async fn apply(&self, input: ImportInput) -> Result<ImportPlan> {
        let input = self.scoped(input).await?;
        self.store().apply_import(&self.access.write_context(), &input).await
    }

    /// Whether two roots overlap: one is `b` or lies under it, or the reverse (`None`: the whole
    /// tree, overlapping everything).
    pub async fn overlap(&self, a: Option<UnitId>, b: Option<UnitId>) -> Result<bool> {
        let (Some(a), Some(b)) = (a, b) else { return Ok(true) };
        let under = |top: UnitId| ScopeFilter { scope: Scope { units: vec![top], ..Scope::default() }, today: self.access.today() };
        Ok(self.store().in_scope(&under(a), ScopeTarget::Unit(b)).await? || self.store().in_scope(&under(b), ScopeTarget::Unit(a)).await?)
    }

    /// The latest imports under units the caller reads (a whole register's only for a caller
    /// reading everything), newest first, at most `limit`.
    pub async fn recent(&self, limit: usize) -> Result<Vec<ImportSummary>> {
        let mut out = Vec::new();
        for import in self.store().recent_imports(limit.saturating_mul(10).max(100)).await? {
            let visible = match import.root {
                Some(root) => self.store().in_scope(&self.read, ScopeTarget::Unit(root)).await?,
                None => self.read.scope.everything,
            };
            if visible {
                out.push(import);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// The saved column mappings (shared by every importer: they name file headers, not people).
    pub async fn mappings(&self) -> Result<Vec<SavedMappingRecord>> {
        self.store().saved_mappings().await
    }

    pub async fn mapping(&self, id: i64) -> Result<SavedMappingRecord> {
        self.store().saved_mapping(id).await
    }

    /// Saves a mapping under `name` (see [`crate::ImportRecordStore::save_mapping`]).
    pub async fn save_mapping(&self, name: &str, expected_version: Option<i64>, mapping: &SavedMapping) -> Result<i64> {
        self.store().save_mapping(&self.access.write_context(), name, expected_version, mapping).await
    }

    pub async fn delete_mapping(&self, id: i64, expected_version: i64) -> Result<()> {
        self.store().delete_mapping(&self.access.write_context(), id, expected_version).await
    }
}
