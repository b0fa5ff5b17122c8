//! The [`Exporter`] handle: the register export within the read scope.

// The imports and the scope helpers every handle shares.
use super::*;
use crate::export::{ExportPlan, ExportRequest, PlannedMember};
use domain::interchange::record::MemberRecord;

impl Access {
    /// Exports of the register (full records: the read capability).
    pub fn exporter(&self) -> Result<Exporter<'_>> {
        Ok(Exporter { access: self, scope: self.filter(Capability::ReadRegister)? })
    }
}

/// Exports of subtrees within the read scope.
pub struct Exporter<'a> {
    access: &'a Access,
    scope: ScopeFilter,
}

impl Exporter<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    /// The export of a subtree this person reads on the day (historical reach included: a
    /// predecessor before it ended), members whose record they do not read left out. The read
    /// is written to the audit trail (`read.export`: unit, day, format, counts).
    pub async fn plan(&self, request: ExportRequest, format: &str) -> Result<ExportPlan> {
        require(self.store(), &self.scope, ScopeTarget::UnitOn(request.root, request.on)).await?;
        let plan = self.store().export_plan(request, Some(&self.scope)).await?;
        self.store().audit(&self.access.audit_actor(), self.access.now(), vec![plan.audit_record(format)]).await?;
        Ok(plan)
    }

    /// The rows of a batch of `plan`'s members: `members` is a part of `plan.members` (checked:
    /// the plan is what the scope was checked for).
    pub async fn rows(&self, plan: &ExportPlan, members: &[PlannedMember]) -> Result<Vec<MemberRecord>> {
        let whole = plan.members.as_ptr_range();
        let part = members.as_ptr_range();
        if !(members.is_empty() || whole.start <= part.start && part.end <= whole.end) {
            return Err(StoreError::Forbidden);
        }
        self.store().export_rows(plan.request.on, members).await
    }
}
