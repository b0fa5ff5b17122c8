//! The [`Reader`] handle.

// The imports and the scope helpers every handle shares.
use super::*;

impl Access {
    pub fn reader(&self) -> Result<Reader<'_>> {
        Ok(Reader { access: self, scope: self.filter(Capability::ReadRegister)? })
    }
}

/// Reading units and members within the read scope.
pub struct Reader<'a> {
    access: &'a Access,
    scope: ScopeFilter,
}

impl Reader<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    pub fn scope(&self) -> &ScopeFilter {
        &self.scope
    }

    pub async fn unit(&self, unit: UnitId, as_of: NaiveDate) -> Result<UnitDetail> {
        require(self.store(), &self.scope, ScopeTarget::Unit(unit)).await?;
        let mut detail = self.store().unit(unit, as_of).await?;
        // Children are in scope by construction; the counts stay (they are not personal data).
        let ids: Vec<UnitId> = detail.children.iter().map(|c| c.unit.id).collect();
        let keep = self.keep(&ids).await?;
        detail.children = detail.children.into_iter().zip(keep).filter_map(|(c, k)| k.then_some(c)).collect();
        Ok(detail)
    }

    /// Which of these units are in scope (all, for an administrator, without looking).
    async fn keep(&self, units: &[UnitId]) -> Result<Vec<bool>> {
        if self.scope.scope.everything {
            return Ok(vec![true; units.len()]);
        }
        self.store().units_in_scope(&self.scope, units).await
    }

    /// The units directly under `parent`, or the starting points of this person's tree.
    pub async fn children(&self, parent: Option<UnitId>, as_of: NaiveDate) -> Result<Vec<UnitNode>> {
        match parent {
            Some(p) => {
                require(self.store(), &self.scope, ScopeTarget::Unit(p)).await?;
                self.store().children(Some(p), as_of).await
            }
            None if self.scope.scope.everything => self.store().children(None, as_of).await,
            None => self.store().nodes(&self.scope.scope.units, as_of).await,
        }
    }

    pub async fn subtree(&self, root: UnitId, as_of: NaiveDate) -> Result<Vec<UnitSummary>> {
        require(self.store(), &self.scope, ScopeTarget::Unit(root)).await?;
        let all = self.store().subtree(root, as_of).await?;
        let ids: Vec<UnitId> = all.iter().map(|u| u.id).collect();
        let keep = self.keep(&ids).await?;
        Ok(all.into_iter().zip(keep).filter_map(|(u, k)| k.then_some(u)).collect())
    }

    pub async fn current_successors(&self, unit: UnitId) -> Result<Vec<UnitSummary>> {
        require(self.store(), &self.scope, ScopeTarget::Unit(unit)).await?;
        self.store().current_successors(unit, self.access.today()).await
    }

    pub async fn find_units(&self, q: &str, as_of: NaiveDate, members_only: bool, limit: usize) -> Result<Vec<UnitSummary>> {
        self.store().find_units(q, as_of, members_only, limit, Some(&self.scope)).await
    }

    /// The counts of a unit on a date (aggregates, not personal data: not audited); rows of units
    /// outside the scope are left out.
    pub async fn counts_report(&self, request: ReportRequest<NaiveDate>, bands: &domain::stats::AgeBands) -> Result<CountsReport> {
        // Reports are computed for the handle's own day, whatever the caller put in the request.
        let request = ReportRequest { today: self.access.today(), ..request };
        require(self.store(), &self.scope, ScopeTarget::Unit(request.unit)).await?;
        let mut report = self.store().counts_report(request, bands).await?;
        report.children = self.rows_in_scope(report.children).await?;
        Ok(report)
    }

    /// The movements of a unit's list over a period (aggregates: not audited); rows of units
    /// outside the scope are left out.
    pub async fn movement_report(&self, request: ReportRequest) -> Result<MovementReport> {
        let request = ReportRequest { today: self.access.today(), ..request };
        require(self.store(), &self.scope, ScopeTarget::Unit(request.unit)).await?;
        let mut report = self.store().movement_report(request).await?;
        report.rows = self.rows_in_scope(report.rows).await?;
        Ok(report)
    }

    /// The members admitted to a unit's list over a period (aggregates: not audited); rows and
    /// organizations outside the scope are left out.
    pub async fn admission_report(&self, request: ReportRequest) -> Result<AdmissionReport> {
        let request = ReportRequest { today: self.access.today(), ..request };
        require(self.store(), &self.scope, ScopeTarget::Unit(request.unit)).await?;
        let mut report = self.store().admission_report(request).await?;
        let rows: Vec<(ReportRowHead, AdmissionRow)> = report.rows.into_iter().map(|r| (r.head.clone(), r)).collect();
        report.rows = self.rows_in_scope(rows).await?.into_iter().map(|(_, r)| r).collect();
        let ids: Vec<UnitId> = report.zero_admission.iter().map(|u| u.id).collect();
        let keep = self.keep(&ids).await?;
        report.zero_admission = report.zero_admission.into_iter().zip(keep).filter_map(|(u, k)| k.then_some(u)).collect();
        Ok(report)
    }

    /// Drops the rows of units outside the scope (group rows belong to the report's unit).
    async fn rows_in_scope<T>(&self, rows: Vec<(ReportRowHead, T)>) -> Result<Vec<(ReportRowHead, T)>> {
        let ids: Vec<UnitId> = rows.iter().filter_map(|(h, _)| h.unit.as_ref().map(|u| u.id)).collect();
        let mut keep = self.keep(&ids).await?.into_iter();
        Ok(rows.into_iter().filter(|(h, _)| h.unit.is_none() || keep.next().unwrap_or(false)).collect())
    }

    /// A member's record; the read is written to the audit trail.
    pub async fn member(&self, member: MemberId) -> Result<MemberDetail> {
        require(self.store(), &self.scope, ScopeTarget::Member(member)).await?;
        let detail = self.store().member(member).await?;
        let record = AuditRecord::new("read.member", "member", member.0, json!({}));
        self.store().audit(&self.access.audit_actor(), self.access.now(), vec![record]).await?;
        Ok(detail)
    }

    /// Lists or searches members within the scope; the query and how many records were shown
    /// are written to the audit trail.
    pub async fn find_members(&self, query: &MemberQuery) -> Result<MemberPage> {
        if let Some(u) = query.unit {
            require(self.store(), &self.scope, ScopeTarget::Unit(u)).await?;
        }
        let scoped = MemberQuery { scope: Some(self.scope.clone()), ..query.clone() };
        let page = self.store().find_members(&scoped).await?;
        let details = json!({
            "q": query.q, "unit": query.unit, "as_of": query.as_of, "status": format!("{:?}", query.status),
            "gender": query.gender, "age": query.age.map(|a| format!("{a:?}")), "page": page.page,
            "total": page.total, "shown": page.items.len(),
            "members": page.items.iter().map(|m| m.id.0).collect::<Vec<_>>(),
        });
        let record = AuditRecord { action: "read.members", object_kind: "", object_id: None, details };
        self.store().audit(&self.access.audit_actor(), self.access.now(), vec![record]).await?;
        Ok(page)
    }
}
