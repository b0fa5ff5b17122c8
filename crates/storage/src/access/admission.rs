//! The [`AdmissionDesk`] handle.

// The imports and the scope helpers every handle shares.
use super::*;

impl Access {
    /// The admission pipeline: reading needs the register's read scope; the chi bộ's steps need
    /// `WriteRegister` or `RecordMeetings` (a secretary), the committee's decisions and targets
    /// `WriteRegister` or `Decide` (a leader), each on the case's unit.
    pub fn admission(&self) -> Result<AdmissionDesk<'_>> {
        let union = |a: Capability, b: Capability| {
            let scope = self.principal.scope(a).union(&self.principal.scope(b));
            (!scope.is_empty()).then_some(ScopeFilter { scope, today: self.today() })
        };
        Ok(AdmissionDesk {
            access: self,
            read: self.filter(Capability::ReadRegister)?,
            file: union(Capability::WriteRegister, Capability::RecordMeetings),
            decide: union(Capability::WriteRegister, Capability::Decide),
        })
    }
}

/// The admission pipeline within the caller's scopes (see [`Access::admission`]).
pub struct AdmissionDesk<'a> {
    access: &'a Access,
    read: ScopeFilter,
    file: Option<ScopeFilter>,
    decide: Option<ScopeFilter>,
}

impl AdmissionDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    async fn require_in(&self, scope: Option<&ScopeFilter>, unit: UnitId) -> Result<()> {
        match scope {
            Some(s) => require_write(self.store(), s, &self.read, ScopeTarget::Unit(unit)).await,
            None => require(self.store(), &self.read, ScopeTarget::Unit(unit)).await.and(Err(StoreError::Forbidden)),
        }
    }

    /// Whether the caller may record the chi bộ's steps for this unit.
    pub async fn may_file(&self, unit: UnitId) -> bool {
        match &self.file {
            Some(s) => self.store().in_scope(s, ScopeTarget::Unit(unit)).await.unwrap_or(false),
            None => false,
        }
    }

    /// Whether the caller may record the committee's decisions (and targets) for this unit.
    pub async fn may_decide(&self, unit: UnitId) -> bool {
        match &self.decide {
            Some(s) => self.store().in_scope(s, ScopeTarget::Unit(unit)).await.unwrap_or(false),
            None => false,
        }
    }

    pub fn read_scope(&self) -> &ScopeFilter {
        &self.read
    }

    /// Whether the caller may record the chi bộ's steps anywhere (before a body naming the chi bộ
    /// is read, someone who may file nowhere is refused outright).
    pub fn files_anywhere(&self) -> bool {
        self.file.is_some()
    }

    /// Whether the caller may record the committee's decisions and targets anywhere.
    pub fn decides_anywhere(&self) -> bool {
        self.decide.is_some()
    }

    // The `require_*` checks authorize a write before anything its request carries is read, so
    // that someone who may not make it learns nothing from the validation of a body (403 when the
    // record is readable, 404 when it is not, whatever the body holds).

    /// The caller may record a step of `kind` on the case: the committee's decisions need the
    /// decide scope, every other step the file scope; with no kind known (a body without a valid
    /// one), either scope will do, and the body's errors are then the caller's to see.
    pub async fn require_step(&self, id: i64, kind: Option<StepKind>) -> Result<()> {
        let unit = self.store().candidate_unit(id).await?;
        match kind {
            Some(k) if k.is_decision() => self.require_in(self.decide.as_ref(), unit).await,
            Some(_) => self.require_in(self.file.as_ref(), unit).await,
            None => match self.require_in(self.file.as_ref(), unit).await {
                Err(StoreError::Forbidden) => self.require_in(self.decide.as_ref(), unit).await,
                other => other,
            },
        }
    }

    /// The caller may change the case's file (the candidate, voiding a step).
    pub async fn require_filing(&self, id: i64) -> Result<()> {
        let unit = self.store().candidate_unit(id).await?;
        self.require_in(self.file.as_ref(), unit).await
    }

    /// The caller may open cases in this chi bộ.
    pub async fn require_filing_in(&self, unit: UnitId) -> Result<()> {
        self.require_in(self.file.as_ref(), unit).await
    }

    /// The caller may set this unit's targets.
    pub async fn require_deciding_in(&self, unit: UnitId) -> Result<()> {
        self.require_in(self.decide.as_ref(), unit).await
    }

    /// Cases within the read scope; the list shown is written to the audit trail.
    pub async fn cases(&self, query: &CaseQuery) -> Result<Vec<CaseSummary>> {
        if let Some(u) = query.unit {
            require(self.store(), &self.read, ScopeTarget::Unit(u)).await?;
        }
        let scoped = CaseQuery { scope: Some(self.read.clone()), ..query.clone() };
        let list = self.store().cases(&scoped).await?;
        let details =
            json!({ "unit": query.unit, "q": query.q, "shown": list.len(), "candidates": list.iter().map(|c| c.id).collect::<Vec<_>>() });
        let record = AuditRecord { action: "read.candidates", object_kind: "", object_id: None, details };
        self.store().audit(&self.access.audit_actor(), self.access.now(), vec![record]).await?;
        Ok(list)
    }

    /// What is due within the read scope (names shown are audited like a list).
    pub async fn worklist(&self, query: &CaseQuery) -> Result<Worklist> {
        if let Some(u) = query.unit {
            require(self.store(), &self.read, ScopeTarget::Unit(u)).await?;
        }
        let scoped = CaseQuery { scope: Some(self.read.clone()), ..query.clone() };
        let list = self.store().worklist(&scoped).await?;
        let mut ids: Vec<i64> = list.items.iter().map(|i| i.case).collect();
        ids.dedup();
        let details = json!({ "unit": query.unit, "worklist": true, "shown": list.items.len(), "candidates": ids });
        let record = AuditRecord { action: "read.candidates", object_kind: "", object_id: None, details };
        self.store().audit(&self.access.audit_actor(), self.access.now(), vec![record]).await?;
        Ok(list)
    }

    /// Whether the case exists within the read scope (before anything the request carries is read).
    pub async fn require_case(&self, id: i64) -> Result<()> {
        let unit = self.store().candidate_unit(id).await?;
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await
    }

    /// One case; the read is audited with the members it names. A member the caller may not
    /// read (a helper or introducer since moved elsewhere) is shown by number only.
    pub async fn case(&self, id: i64) -> Result<CaseDetail> {
        let unit = self.store().candidate_unit(id).await?;
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        let mut detail = self.store().case(id, self.access.today()).await?;
        let mut shown = Vec::new();
        for (member, name) in std::mem::take(&mut detail.member_names) {
            if self.store().in_scope(&self.read, ScopeTarget::Member(member)).await? {
                shown.push(member.0);
                detail.member_names.push((member, name));
            }
        }
        shown.sort_unstable();
        let record = AuditRecord::new("read.candidate", "candidate", id, json!({ "members": shown }));
        self.store().audit(&self.access.audit_actor(), self.access.now(), vec![record]).await?;
        Ok(detail)
    }

    pub async fn create_candidate(&self, candidate: Candidate) -> Result<i64> {
        if !self.may_file(candidate.unit).await {
            return Err(StoreError::invalid("unit_id", "out_of_scope", "Chi bộ này nằm ngoài phạm vi bạn được giao."));
        }
        self.store().create_candidate(&self.access.write_context(), candidate).await
    }

    pub async fn update_candidate(&self, id: i64, expected_version: i64, candidate: Candidate) -> Result<()> {
        let unit = self.store().candidate_unit(id).await?;
        self.require_in(self.file.as_ref(), unit).await?;
        if !self.may_file(candidate.unit).await {
            return Err(StoreError::invalid("unit_id", "out_of_scope", "Chi bộ này nằm ngoài phạm vi bạn được giao."));
        }
        self.store().update_candidate(&self.access.write_context(), id, expected_version, candidate).await
    }

    /// A decision of the committee needs the decide scope; every other step the chi bộ's.
    pub async fn record_step(&self, id: i64, expected_version: i64, step: StepData) -> Result<i64> {
        let unit = self.store().candidate_unit(id).await?;
        let scope = if step.kind().is_decision() { self.decide.as_ref() } else { self.file.as_ref() };
        self.require_in(scope, unit).await?;
        self.store().record_step(&self.access.write_context(), id, expected_version, step).await
    }

    pub async fn void_step(&self, id: i64, expected_version: i64, step: i64, reason: String) -> Result<()> {
        let unit = self.store().candidate_unit(id).await?;
        self.require_in(self.file.as_ref(), unit).await?;
        self.store().void_step(&self.access.write_context(), id, expected_version, step, reason).await
    }

    pub async fn set_target(&self, unit: UnitId, year: i32, group: Option<TargetGroup>, target: Option<u32>) -> Result<()> {
        self.require_in(self.decide.as_ref(), unit).await?;
        self.store().set_target(&self.access.write_context(), unit, year, group, target).await
    }

    pub async fn targets(&self, root: UnitId, year: i32) -> Result<TargetReport> {
        require(self.store(), &self.read, ScopeTarget::Unit(root)).await?;
        self.store().targets(root, year, self.access.today(), Some(&self.read)).await
    }
}
