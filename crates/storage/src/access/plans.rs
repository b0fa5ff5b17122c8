//! The [`PlanDesk`] handle: congress terms and occasions within the caller's scope.

// The imports and the scope helpers every handle shares.
use super::*;
use crate::plans::{OccasionView, TermInForceView, TermInput, TermRecord};

impl Access {
    /// Terms and occasions: reading needs the register's read scope on the unit; recording them
    /// the same as setting the yearly targets (`AdmissionDesk::set_target`): `WriteRegister` or
    /// `Decide` on the unit.
    pub fn plans(&self) -> Result<PlanDesk<'_>> {
        let scope = self.principal.scope(Capability::WriteRegister).union(&self.principal.scope(Capability::Decide));
        Ok(PlanDesk {
            access: self,
            read: self.filter(Capability::ReadRegister)?,
            decide: (!scope.is_empty()).then_some(ScopeFilter { scope, today: self.today() }),
        })
    }
}

/// Terms and occasions within the caller's scopes (see [`Access::plans`]).
pub struct PlanDesk<'a> {
    access: &'a Access,
    read: ScopeFilter,
    decide: Option<ScopeFilter>,
}

impl PlanDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    /// Whether the caller may record terms and occasions anywhere.
    pub fn decides_anywhere(&self) -> bool {
        self.decide.is_some()
    }

    /// Whether the caller may record this unit's terms and occasions.
    pub async fn may_decide(&self, unit: UnitId) -> bool {
        match &self.decide {
            Some(s) => self.store().in_scope(s, ScopeTarget::Unit(unit)).await.unwrap_or(false),
            None => false,
        }
    }

    /// The unit is readable (404 otherwise).
    pub async fn require_read(&self, unit: UnitId) -> Result<()> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await
    }

    /// The caller may record the unit's terms and occasions (403 when only readable, 404 outside).
    pub async fn require_deciding_in(&self, unit: UnitId) -> Result<()> {
        match &self.decide {
            Some(s) => require_write(self.store(), s, &self.read, ScopeTarget::Unit(unit)).await,
            None => self.require_read(unit).await.and(Err(StoreError::Forbidden)),
        }
    }

    /// A term the caller may read (404 when it does not exist or its unit is outside the scope).
    pub async fn term(&self, id: i64) -> Result<TermRecord> {
        let term = self.store().term(id).await?;
        self.require_read(term.unit).await?;
        Ok(term)
    }

    /// The term's unit, when the caller may change the term (before anything else is read).
    pub async fn require_term_write(&self, id: i64) -> Result<UnitId> {
        let unit = self.term(id).await?.unit;
        self.require_deciding_in(unit).await?;
        Ok(unit)
    }

    pub async fn unit_name(&self, unit: UnitId) -> Result<String> {
        self.require_read(unit).await?;
        self.store().plan_unit_name(unit).await
    }

    pub async fn unit_terms(&self, unit: UnitId) -> Result<Vec<TermRecord>> {
        self.require_read(unit).await?;
        self.store().unit_terms(unit).await
    }

    pub async fn terms_in_force(&self, unit: UnitId, first: NaiveDate, last: NaiveDate) -> Result<Vec<TermInForceView>> {
        self.require_read(unit).await?;
        self.store().terms_in_force(unit, first, last).await
    }

    pub async fn create_term(&self, unit: UnitId, input: TermInput) -> Result<i64> {
        self.require_deciding_in(unit).await?;
        self.store().create_term(&self.access.write_context(), unit, input).await
    }

    pub async fn update_term(&self, id: i64, expected_version: i64, input: TermInput) -> Result<()> {
        self.require_term_write(id).await?;
        self.store().update_term(&self.access.write_context(), id, expected_version, input).await
    }

    pub async fn delete_term(&self, id: i64, expected_version: i64) -> Result<()> {
        self.require_term_write(id).await?;
        self.store().delete_term(&self.access.write_context(), id, expected_version).await
    }

    /// The occasions in force for the unit today.
    pub async fn occasions(&self, unit: UnitId) -> Result<Vec<OccasionView>> {
        self.require_read(unit).await?;
        self.store().occasions(unit).await
    }

    pub async fn add_occasion(&self, unit: UnitId, day_month: &str, name: &str) -> Result<()> {
        self.require_deciding_in(unit).await?;
        self.store().add_occasion(&self.access.write_context(), unit, day_month, name).await
    }

    pub async fn remove_occasion(&self, unit: UnitId, day: u32, month: u32) -> Result<()> {
        self.require_deciding_in(unit).await?;
        self.store().remove_occasion(&self.access.write_context(), unit, day, month).await
    }
}
