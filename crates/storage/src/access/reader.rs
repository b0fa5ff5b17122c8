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

    /// A unit as of a day: within the scope, or read that day by historical reach (a
    /// predecessor of a unit in scope before it ended, and what stood under it then).
    pub async fn unit(&self, unit: UnitId, as_of: NaiveDate) -> Result<UnitDetail> {
        require(self.store(), &self.scope, ScopeTarget::UnitOn(unit, as_of)).await?;
        let mut detail = self.store().unit(unit, as_of).await?;
        // Children are in scope by construction; the counts stay (they are not personal data).
        let ids: Vec<UnitId> = detail.children.iter().map(|c| c.unit.id).collect();
        let keep = self.keep_on(&ids, as_of).await?;
        detail.children = detail.children.into_iter().zip(keep).filter_map(|(c, k)| k.then_some(c)).collect();
        Ok(detail)
    }

    /// Which of these units the scope reads as of `on`, historical reach included (all, for an
    /// administrator, without looking).
    async fn keep_on(&self, units: &[UnitId], on: NaiveDate) -> Result<Vec<bool>> {
        if self.scope.scope.everything {
            return Ok(vec![true; units.len()]);
        }
        self.store().units_in_scope_on(&self.scope, units, on).await
    }

    /// Whether this person reads the unit as of `on` (for showing or hiding links).
    pub async fn reads_unit_on(&self, unit: UnitId, on: NaiveDate) -> bool {
        self.store().in_scope(&self.scope, ScopeTarget::UnitOn(unit, on)).await.unwrap_or(false)
    }

    /// For a unit this person reads only as a predecessor of theirs: the day it ended (its
    /// history is readable up to the day before). `None` for any other unit.
    pub async fn history_end(&self, unit: UnitId) -> Result<Option<NaiveDate>> {
        self.store().history_end(&self.scope, unit).await
    }

    /// The units `unit` was formed from that stood on `on` and this person reads then (the
    /// counts report offers them for a day before `unit` stood).
    pub async fn predecessors_on(&self, unit: UnitId, on: NaiveDate) -> Result<Vec<UnitSummary>> {
        require(self.store(), &self.scope, ScopeTarget::Unit(unit)).await?;
        let ids = self.store().predecessors_on(&self.scope, unit, on).await?;
        let nodes = self.store().nodes(&ids, on).await?;
        Ok(nodes.into_iter().map(|n| n.unit).collect())
    }

    /// The units directly under `parent`, or the starting points of this person's tree (on a
    /// day before a granted unit stood, the predecessors that stood then).
    pub async fn children(&self, parent: Option<UnitId>, as_of: NaiveDate) -> Result<Vec<UnitNode>> {
        match parent {
            Some(p) => {
                require(self.store(), &self.scope, ScopeTarget::UnitOn(p, as_of)).await?;
                self.store().children(Some(p), as_of).await
            }
            None if self.scope.scope.everything => self.store().children(None, as_of).await,
            None => {
                let roots = self.store().roots_on(&self.scope, as_of).await?;
                self.store().nodes(&roots, as_of).await
            }
        }
    }

    pub async fn subtree(&self, root: UnitId, as_of: NaiveDate) -> Result<Vec<UnitSummary>> {
        require(self.store(), &self.scope, ScopeTarget::UnitOn(root, as_of)).await?;
        let all = self.store().subtree(root, as_of).await?;
        let ids: Vec<UnitId> = all.iter().map(|u| u.id).collect();
        let keep = self.keep_on(&ids, as_of).await?;
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
        require(self.store(), &self.scope, ScopeTarget::UnitOn(request.unit, request.when)).await?;
        let mut report = self.store().counts_report(request, bands).await?;
        let shown_on = if report.structure == domain::stats::Structure::Current { request.today } else { report.on };
        report.children = self.rows_in_scope(report.children, shown_on).await?;
        Ok(report)
    }

    /// The movements of a unit's list over a period (aggregates: not audited); rows of units
    /// outside the scope are left out.
    pub async fn movement_report(&self, request: ReportRequest) -> Result<MovementReport> {
        let request = ReportRequest { today: self.access.today(), ..request };
        require(self.store(), &self.scope, ScopeTarget::UnitOn(request.unit, request.when.first)).await?;
        let mut report = self.store().movement_report(request).await?;
        let shown_on = Self::shown_on(report.structure, report.last, request.today);
        report.rows = self.rows_in_scope(report.rows, shown_on).await?;
        Ok(report)
    }

    /// The members admitted to a unit's list over a period (aggregates: not audited); rows and
    /// organizations outside the scope are left out.
    pub async fn admission_report(&self, request: ReportRequest) -> Result<AdmissionReport> {
        let request = ReportRequest { today: self.access.today(), ..request };
        require(self.store(), &self.scope, ScopeTarget::UnitOn(request.unit, request.when.first)).await?;
        let mut report = self.store().admission_report(request).await?;
        let shown_on = Self::shown_on(report.structure, report.last, request.today);
        let rows: Vec<(ReportRowHead, AdmissionRow)> = report.rows.into_iter().map(|r| (r.head.clone(), r)).collect();
        report.rows = self.rows_in_scope(rows, shown_on).await?.into_iter().map(|(_, r)| r).collect();
        let ids: Vec<UnitId> = report.zero_admission.iter().map(|u| u.id).collect();
        let keep = self.keep_on(&ids, shown_on).await?;
        report.zero_admission = report.zero_admission.into_iter().zip(keep).filter_map(|(u, k)| k.then_some(u)).collect();
        Ok(report)
    }

    /// The day a period report's rows are shown on (the units it names stood then).
    fn shown_on(structure: domain::stats::Structure, last: NaiveDate, today: NaiveDate) -> NaiveDate {
        if structure == domain::stats::Structure::Current { today } else { last }
    }

    /// Drops the rows of units the scope does not read as of `on`, the day the rows are shown
    /// (group rows belong to the report's unit).
    async fn rows_in_scope<T>(&self, rows: Vec<(ReportRowHead, T)>, on: NaiveDate) -> Result<Vec<(ReportRowHead, T)>> {
        let ids: Vec<UnitId> = rows.iter().filter_map(|(h, _)| h.unit.as_ref().map(|u| u.id)).collect();
        let mut keep = self.keep_on(&ids, on).await?.into_iter();
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
    ///
    /// The list of a unit read by historical reach on the query's day (for the members behind a
    /// movement, on the period's days) shows every member on its list then,
    /// including those whose record now belongs outside the scope: they are marked not
    /// `readable`, and their records still answer as missing.
    /// Members of other units in temporary activity under a unit the caller reads, on a day
    /// (the host's list; audited like a list). A record outside the scope is listed by name only.
    pub async fn hosted(&self, unit: UnitId, on: NaiveDate) -> Result<Vec<MemberListItem>> {
        require(self.store(), &self.scope, ScopeTarget::UnitOn(unit, on)).await?;
        let list = self.store().hosted(&self.scope, unit, on).await?;
        if !list.is_empty() {
            let details = json!({ "hosted": unit.0, "on": on, "members": list.iter().map(|m| m.id.0).collect::<Vec<_>>() });
            let record = AuditRecord { action: "read.members", object_kind: "", object_id: None, details };
            self.store().audit(&self.access.audit_actor(), self.access.now(), vec![record]).await?;
        }
        Ok(list)
    }

    pub async fn find_members(&self, query: &MemberQuery) -> Result<MemberPage> {
        let mut past = false;
        if let Some(u) = query.unit {
            // The members behind a movement are on the unit's list in the period, whatever the
            // query's day: the unit is checked on the period's days.
            let days = match &query.flow {
                Some(f) => vec![f.last, f.first],
                None => vec![query.as_of],
            };
            require(self.store(), &self.scope, ScopeTarget::UnitOn(u, days[0])).await?;
            past = !self.scope.scope.everything;
            for day in days {
                past = past && self.store().reads_past(&self.scope, u, day).await?;
            }
        }
        let scoped = MemberQuery { scope: (!past).then(|| self.scope.clone()), ..query.clone() };
        let mut page = self.store().find_members(&scoped).await?;
        if past {
            for item in &mut page.items {
                item.readable = self.store().in_scope(&self.scope, ScopeTarget::Member(item.id)).await?;
            }
        }
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
