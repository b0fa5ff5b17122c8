//! The [`QualityDesk`] handle: the data-quality worklist within the read scope.

// The imports and the scope helpers every handle shares.
use super::*;

use domain::quality::ProblemKind;

use crate::quality::{QualityQuery, QualityReport};

impl Access {
    /// The data-quality worklist, for whoever reads the register.
    pub fn quality(&self) -> Result<QualityDesk<'_>> {
        Ok(QualityDesk { access: self, scope: self.filter(Capability::ReadRegister)? })
    }
}

/// Reading the data-quality worklist: only the members and chi bộ within the read scope appear.
pub struct QualityDesk<'a> {
    access: &'a Access,
    scope: ScopeFilter,
}

/// What a reader asks of the worklist.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QualityAsk {
    /// A unit within the scope: its subtree only.
    pub unit: Option<UnitId>,
    pub kind: Option<ProblemKind>,
    /// From 1, with `per_page`; `per_page: None` asks for every line (a download).
    pub page: usize,
    pub per_page: Option<usize>,
}

impl QualityDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    /// The worklist on today's date; the records its lines name are written to the audit trail
    /// (`read.quality`, with the members shown), as a member list is.
    pub async fn report(&self, ask: QualityAsk) -> Result<QualityReport> {
        if let Some(u) = ask.unit {
            require(self.store(), &self.scope, ScopeTarget::Unit(u)).await?;
        }
        let query = QualityQuery {
            unit: ask.unit,
            kind: ask.kind,
            page: ask.page,
            per_page: ask.per_page,
            ..QualityQuery::new(Some(self.scope.clone()), self.access.today())
        };
        let report = self.store().quality(&query).await?;
        let mut members: Vec<i64> = report.lines.iter().filter_map(|l| l.member.as_ref()).map(|m| m.id.0).collect();
        members.sort_unstable();
        members.dedup();
        let details = json!({
            "unit": ask.unit, "kind": ask.kind.map(ProblemKind::code), "page": report.page,
            "total": report.total_lines, "shown": report.lines.len(), "members": members,
        });
        let record = AuditRecord { action: "read.quality", object_kind: "", object_id: None, details };
        self.store().audit(&self.access.audit_actor(), self.access.now(), vec![record]).await?;
        Ok(report)
    }
}
