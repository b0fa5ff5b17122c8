//! The [`EvaluationDesk`] handle: quality evaluation rounds. Opening and closing a round needs
//! `decide` or `write` on the unit that opens it; reading a round's sheet the read scope on the
//! unit asked (which the round must cover; audited as `read.evaluation`); the chi bộ's steps
//! (recording a self-assessment from paper, the proposal) `meetings` or `write` on the
//! evaluation's group (a member's chi bộ, an organization's superior); the decision `decide` or
//! `write` there. Every round, unit and evaluation named is checked before anything is read or
//! written; outside the scope the answer is "not found". The member's own self-assessment is on
//! [`super::HandbookDesk`].

use super::*;
use crate::evaluation::{RoundDue, RoundRow, RoundSheet, StepInput};
use domain::evaluation::{RoundPlan, Step};

impl Access {
    pub fn evaluation(&self) -> Result<EvaluationDesk<'_>> {
        let read = self.filter(Capability::ReadRegister)?;
        let p = &self.principal;
        let chi_bo = p.scope(Capability::WriteRegister).union(&p.scope(Capability::RecordMeetings));
        let decide = p.scope(Capability::WriteRegister).union(&p.scope(Capability::Decide));
        let today = self.today();
        Ok(EvaluationDesk {
            access: self,
            read,
            chi_bo: ScopeFilter { scope: chi_bo, today },
            decide: ScopeFilter { scope: decide, today },
        })
    }
}

/// Evaluation rounds within the caller's scope (see [`Access::evaluation`]).
pub struct EvaluationDesk<'a> {
    access: &'a Access,
    read: ScopeFilter,
    chi_bo: ScopeFilter,
    decide: ScopeFilter,
}

impl EvaluationDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    fn filter_of(&self, step: Step) -> &ScopeFilter {
        match step {
            Step::SelfAssessment | Step::Proposal => &self.chi_bo,
            Step::Decision => &self.decide,
        }
    }

    /// Whether the caller may take `step` anywhere (else a post is refused outright).
    pub fn takes(&self, step: Step) -> bool {
        !self.filter_of(step).scope.is_empty()
    }

    /// The unit a step is taken for: an organization's self-assessment on the organization, any
    /// other step on the evaluation's group.
    pub fn acting_unit(e: &crate::evaluation::EvaluationRow, step: Step) -> UnitId {
        match (step, e.subject) {
            (Step::SelfAssessment, crate::evaluation::Subject::Unit(u)) => u,
            _ => e.group,
        }
    }

    /// Whether the caller may take `step` on evaluations grouped under `unit`.
    pub async fn may_take(&self, step: Step, unit: UnitId) -> bool {
        self.takes(step) && require(self.store(), self.filter_of(step), ScopeTarget::Unit(unit)).await.is_ok()
    }

    /// Whether the caller opens and closes rounds for `unit`.
    pub async fn may_open(&self, unit: UnitId) -> bool {
        !self.decide.scope.is_empty() && require(self.store(), &self.decide, ScopeTarget::Unit(unit)).await.is_ok()
    }

    /// Opens a round for the unit's subtree.
    pub async fn open(&self, unit: UnitId, plan: &RoundPlan) -> Result<i64> {
        if self.decide.scope.is_empty() {
            return Err(StoreError::Forbidden);
        }
        require(self.store(), &self.decide, ScopeTarget::Unit(unit)).await?;
        self.store().open_round(&self.access.write_context(), unit, plan).await
    }

    /// The rounds covering a unit.
    pub async fn rounds(&self, unit: UnitId) -> Result<Vec<RoundRow>> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        self.store().evaluation_rounds(unit, self.access.today()).await
    }

    /// The open rounds with evaluations waiting under a unit the caller reads (counts only).
    pub async fn due(&self, unit: UnitId) -> Result<Vec<RoundDue>> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        self.store().rounds_due(unit, self.access.today()).await
    }

    /// A round as seen from `unit` (which it must cover).
    pub async fn round(&self, id: i64, unit: UnitId) -> Result<RoundRow> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        let rounds = self.store().evaluation_rounds(unit, self.access.today()).await?;
        rounds.into_iter().find(|r| r.id == id).ok_or(StoreError::NotFound)
    }

    /// A round's sheet under `unit`.
    pub async fn sheet(&self, id: i64, unit: UnitId) -> Result<RoundSheet> {
        self.round(id, unit).await?;
        let sheet = self.store().round_sheet(id, unit, self.access.today()).await?;
        let details = json!({ "round": id, "members": sheet.members.len(), "units": sheet.units.len() });
        self.access.record("read.evaluation", "unit", unit, details).await?;
        Ok(sheet)
    }

    /// Closes a round opened by a unit the caller decides for.
    pub async fn close(&self, id: i64) -> Result<()> {
        if self.decide.scope.is_empty() {
            return Err(StoreError::Forbidden);
        }
        let round = self.store().evaluation_round(id).await?;
        require(self.store(), &self.decide, ScopeTarget::Unit(round.unit)).await?;
        self.store().close_round(&self.access.write_context(), id).await
    }

    /// Records a step of an evaluation of `round` whose group the caller reaches for that step
    /// (an evaluation of another round: not found); an organization's self-assessment (Mẫu 01) is
    /// its own staff's, on the organization itself.
    pub async fn step(&self, round: i64, id: i64, version: i64, step: Step, input: StepInput) -> Result<()> {
        if !self.takes(step) {
            return Err(StoreError::Forbidden);
        }
        let (_, e) = self.store().evaluation_of(id).await?;
        if e.round != round {
            return Err(StoreError::NotFound);
        }
        require(self.store(), self.filter_of(step), ScopeTarget::Unit(Self::acting_unit(&e, step))).await?;
        self.store().record_evaluation_step(&self.access.write_context(), id, version, step, input).await
    }
}
