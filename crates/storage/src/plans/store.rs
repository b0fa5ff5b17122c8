//! [`PlanStore`]: the congress terms and occasions a committee records (docs/design/admission.md
//! "Terms and occasions"). Each write loads the unit's other terms or the occasion list in force,
//! asks `domain::targets`, and writes with its audit entry in one transaction.

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use domain::ValidationErrors;
use domain::dates::parse_date;
use domain::ids::UnitId;
use domain::targets::occasions::parse_occasion;
use domain::targets::terms::check_term;
use domain::targets::{Occasion, Term, terms_over};

use super::Plans;
use crate::context::WriteContext;
use crate::error::{Result, StoreError};
use crate::model::AuditRecord;
use crate::sql::plans as q;
use crate::store::SqlStore;

/// The largest term target accepted (far above any committee's: a guard against typing slips).
pub const MAX_TERM_TARGET: u32 = 1_000_000;

/// A term a committee recorded, with its version (send it back to change or delete the term).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TermRecord {
    pub id: i64,
    pub version: i64,
    pub unit: UnitId,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// The term's admission target (`null`: not set).
    pub target: Option<u32>,
    /// "Nhiệm kỳ 2020–2025".
    pub label: String,
}

impl From<q::StoredTerm> for TermRecord {
    fn from(s: q::StoredTerm) -> Self {
        TermRecord {
            id: s.term.id,
            version: s.version,
            unit: s.term.unit,
            first_day: s.term.first,
            last_day: s.term.last,
            target: s.term.target,
            label: s.term.label(),
        }
    }
}

/// A term's days and target as the committee set them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermInput {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub target: Option<u32>,
}

impl TermInput {
    /// A term as typed in a form, a body or on the command line: the first and last day
    /// (dd/mm/yyyy or yyyy-mm-dd) and the target (empty: none; "1.200" is 1200).
    pub fn parse(first_day: &str, last_day: &str, target: &str) -> Result<TermInput, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let first = e.take("first_day", parse_date(first_day));
        let last = e.take("last_day", parse_date(last_day));
        let cleaned: String = target.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
        let target = if cleaned.is_empty() {
            None
        } else {
            match cleaned.parse::<u64>() {
                Ok(t) if t <= u64::from(MAX_TERM_TARGET) => u32::try_from(t).ok(),
                Ok(_) => {
                    e.push("target", "out_of_range", "Chỉ tiêu nhiệm kỳ phải từ 0 đến 1.000.000.");
                    None
                }
                Err(_) => {
                    e.push("target", "invalid_format", "Chỉ tiêu nhiệm kỳ là số nguyên không âm (để trống nếu chưa giao).");
                    None
                }
            }
        };
        match (first, last) {
            (Some(first_day), Some(last_day)) if e.is_empty() => Ok(TermInput { first_day, last_day, target }),
            _ => Err(e),
        }
    }
}

/// A predecessor whose term a unit continues after a merger, with that term's target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InheritedFrom {
    pub unit: UnitId,
    pub name: String,
    pub target: Option<u32>,
}

/// A term in force for a unit: its own (with `own`) or inherited through a merger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TermInForceView {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// Own: the term's target; inherited: the sum of the predecessors' targets.
    pub target: Option<u32>,
    pub label: String,
    /// The unit's own term (`null`: inherited).
    pub own: Option<TermRecord>,
    /// When inherited: the predecessors whose term it continues.
    pub inherited_from: Vec<InheritedFrom>,
    /// The unit ended on this day, before the term's last day.
    pub cut_on: Option<NaiveDate>,
}

/// An occasion of the list in force for a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccasionView {
    pub day: u32,
    pub month: u32,
    /// In paths: "26-3".
    pub code: String,
    pub name: String,
    /// The unit whose committee added it (`null`: the default list).
    pub added_by: Option<UnitId>,
    pub added_by_name: Option<String>,
}

/// Congress terms and occasions (docs/design/admission.md "Terms and occasions").
#[async_trait]
pub trait PlanStore: Send + Sync {
    /// The unit's own terms, in order, with their versions.
    async fn unit_terms(&self, unit: UnitId) -> Result<Vec<TermRecord>>;
    /// The unit's name as it last stood.
    async fn plan_unit_name(&self, unit: UnitId) -> Result<String>;
    /// One term (`NotFound`: none with this id).
    async fn term(&self, id: i64) -> Result<TermRecord>;
    /// The terms in force for `unit` over `[first, last]`: its own and those inherited through
    /// mergers (`domain::targets::terms_over`).
    async fn terms_in_force(&self, unit: UnitId, first: NaiveDate, last: NaiveDate) -> Result<Vec<TermInForceView>>;
    async fn create_term(&self, ctx: &WriteContext, unit: UnitId, input: TermInput) -> Result<i64>;
    /// Changes a term if its version is still `expected_version` (`Conflict` otherwise).
    async fn update_term(&self, ctx: &WriteContext, id: i64, expected_version: i64, input: TermInput) -> Result<()>;
    async fn delete_term(&self, ctx: &WriteContext, id: i64, expected_version: i64) -> Result<()>;
    /// The occasions in force for `unit`: the defaults with those added by the unit and the units
    /// above it (as the tree stands today, or stood when the unit ended).
    async fn occasions(&self, unit: UnitId) -> Result<Vec<OccasionView>>;
    /// Adds an occasion for the unit's subtree; a day already in the list in force is refused.
    async fn add_occasion(&self, ctx: &WriteContext, unit: UnitId, day_month: &str, name: &str) -> Result<()>;
    /// Removes an occasion the unit itself added (`NotFound`: it added none that day).
    async fn remove_occasion(&self, ctx: &WriteContext, unit: UnitId, day: u32, month: u32) -> Result<()>;
}

impl SqlStore {
    async fn require_unit(&self, unit: UnitId) -> Result<()> {
        self.refresh_index().await?;
        if self.index.read().unit_latest(unit).is_none() { Err(StoreError::NotFound) } else { Ok(()) }
    }

    /// The checks of a term's input: the days against the unit's other terms, the unit standing
    /// on at least one of them, the target's range.
    async fn check_term_input(&self, unit: UnitId, except: Option<i64>, input: &TermInput, others: &[q::StoredTerm]) -> Result<()> {
        let others: Vec<Term> = others.iter().filter(|t| Some(t.term.id) != except).map(|t| t.term.clone()).collect();
        check_term(input.first_day, input.last_day, &others)?;
        if input.target.is_some_and(|t| t > MAX_TERM_TARGET) {
            return Err(StoreError::invalid("target", "out_of_range", "Chỉ tiêu nhiệm kỳ phải từ 0 đến 1.000.000."));
        }
        self.refresh_index().await?;
        let span = self.index.read().unit_span(unit).ok_or(StoreError::NotFound)?;
        // The span's end is the first day the unit no longer stood.
        let stood = span.0 <= input.last_day && span.1.is_none_or(|end| input.first_day < end);
        if !stood {
            return Err(StoreError::invalid("first_day", "unit_not_standing", "Tổ chức không tồn tại trong thời gian của nhiệm kỳ này."));
        }
        Ok(())
    }
}

fn term_changes(before: Option<&Term>, after: Option<&Term>) -> serde_json::Value {
    let field =
        |name: &str, get: fn(&Term) -> serde_json::Value| json!({ "field": name, "before": before.map(get), "after": after.map(get) });
    json!([field("first_day", |t| json!(t.first)), field("last_day", |t| json!(t.last)), field("target", |t| json!(t.target)),])
}

fn occasion_view(o: &Occasion, name_of: impl Fn(UnitId) -> String) -> OccasionView {
    OccasionView {
        day: o.day,
        month: o.month,
        code: o.code(),
        name: o.name.clone(),
        added_by: o.added_by,
        added_by_name: o.added_by.map(name_of),
    }
}

#[async_trait]
impl PlanStore for SqlStore {
    async fn unit_terms(&self, unit: UnitId) -> Result<Vec<TermRecord>> {
        self.require_unit(unit).await?;
        let mut conn = self.db.reader().await?;
        Ok(q::terms_of(conn.as_mut(), unit).await?.into_iter().map(TermRecord::from).collect())
    }

    async fn plan_unit_name(&self, unit: UnitId) -> Result<String> {
        self.refresh_index().await?;
        self.index.read().unit_latest(unit).map(|v| v.name.clone()).ok_or(StoreError::NotFound)
    }

    async fn term(&self, id: i64) -> Result<TermRecord> {
        let mut conn = self.db.reader().await?;
        q::term(conn.as_mut(), id).await?.map(TermRecord::from).ok_or(StoreError::NotFound)
    }

    async fn terms_in_force(&self, unit: UnitId, first: NaiveDate, last: NaiveDate) -> Result<Vec<TermInForceView>> {
        self.require_unit(unit).await?;
        let mut conn = self.db.reader().await?;
        let plans = Plans::load(conn.as_mut()).await?;
        let own: Vec<TermRecord> = q::terms_of(conn.as_mut(), unit).await?.into_iter().map(TermRecord::from).collect();
        let index = self.index.read();
        let name_of = |u: UnitId| index.unit_latest(u).map(|v| v.name.clone()).unwrap_or_default();
        Ok(terms_over(unit, first, last, &plans.with(&index))
            .into_iter()
            .map(|t| TermInForceView {
                first_day: t.first,
                last_day: t.last,
                target: t.target,
                label: t.label(),
                own: t.own.and_then(|id| own.iter().find(|r| r.id == id).cloned()),
                inherited_from: t
                    .inherited_from
                    .iter()
                    .map(|(u, target)| InheritedFrom { unit: *u, name: name_of(*u), target: *target })
                    .collect(),
                cut_on: t.cut_on,
            })
            .collect())
    }

    async fn create_term(&self, ctx: &WriteContext, unit: UnitId, input: TermInput) -> Result<i64> {
        self.require_unit(unit).await?;
        let (mut tx, seq) = self.begin_write().await?;
        let others = q::terms_of(tx.as_mut(), unit).await?;
        self.check_term_input(unit, None, &input, &others).await?;
        let mut term = Term { id: 0, unit, first: input.first_day, last: input.last_day, target: input.target };
        term.id = q::insert_term(tx.as_mut(), &term, ctx.now, &ctx.actor).await?;
        let record =
            AuditRecord::new("term.create", "term", term.id, json!({ "unit": unit.0, "changes": term_changes(None, Some(&term)) }));
        self.commit_write(tx, seq, ctx, &[record], "term", &[unit.0]).await?;
        Ok(term.id)
    }

    async fn update_term(&self, ctx: &WriteContext, id: i64, expected_version: i64, input: TermInput) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let before = q::term(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if before.version != expected_version {
            return Err(StoreError::Conflict { current: before.version });
        }
        let unit = before.term.unit;
        let others = q::terms_of(tx.as_mut(), unit).await?;
        self.check_term_input(unit, Some(id), &input, &others).await?;
        let after = Term { id, unit, first: input.first_day, last: input.last_day, target: input.target };
        if !q::update_term(tx.as_mut(), &after, expected_version, ctx.now, &ctx.actor).await? {
            return Err(StoreError::Conflict { current: before.version });
        }
        let record = AuditRecord::new(
            "term.update",
            "term",
            id,
            json!({ "unit": unit.0, "changes": term_changes(Some(&before.term), Some(&after)) }),
        );
        self.commit_write(tx, seq, ctx, &[record], "term", &[unit.0]).await
    }

    async fn delete_term(&self, ctx: &WriteContext, id: i64, expected_version: i64) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let before = q::term(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if before.version != expected_version || !q::delete_term(tx.as_mut(), id, expected_version).await? {
            return Err(StoreError::Conflict { current: before.version });
        }
        let unit = before.term.unit;
        let record =
            AuditRecord::new("term.delete", "term", id, json!({ "unit": unit.0, "changes": term_changes(Some(&before.term), None) }));
        self.commit_write(tx, seq, ctx, &[record], "term", &[unit.0]).await
    }

    async fn occasions(&self, unit: UnitId) -> Result<Vec<OccasionView>> {
        self.require_unit(unit).await?;
        let mut conn = self.db.reader().await?;
        let plans = Plans::load(conn.as_mut()).await?;
        let index = self.index.read();
        let list = plans.occasions_for(&index, unit);
        let name_of = |u: UnitId| index.unit_latest(u).map(|v| v.name.clone()).unwrap_or_default();
        Ok(list.items().iter().map(|o| occasion_view(o, name_of)).collect())
    }

    async fn add_occasion(&self, ctx: &WriteContext, unit: UnitId, day_month: &str, name: &str) -> Result<()> {
        self.require_unit(unit).await?;
        let (mut tx, seq) = self.begin_write().await?;
        let list = {
            let plans = Plans::load(tx.as_mut()).await?;
            let index = self.index.read();
            plans.occasions_for(&index, unit)
        };
        let occasion = parse_occasion(day_month, name, unit, &list)?;
        q::insert_occasion(tx.as_mut(), &occasion, unit, ctx.now, &ctx.actor).await?;
        let details = json!({ "unit": unit.0, "day": occasion.day_month(), "changes": [{ "field": "name", "before": null, "after": occasion.name }] });
        let record = AuditRecord::new("occasion.add", "unit", unit.0, details);
        self.commit_write(tx, seq, ctx, &[record], "occasion", &[unit.0]).await
    }

    async fn remove_occasion(&self, ctx: &WriteContext, unit: UnitId, day: u32, month: u32) -> Result<()> {
        self.require_unit(unit).await?;
        let (mut tx, seq) = self.begin_write().await?;
        let before =
            q::all_occasions(tx.as_mut()).await?.into_iter().find(|o| o.added_by == Some(unit) && o.day == day && o.month == month);
        let Some(before) = before else { return Err(StoreError::NotFound) };
        if !q::delete_occasion(tx.as_mut(), unit, day, month).await? {
            return Err(StoreError::NotFound);
        }
        let details =
            json!({ "unit": unit.0, "day": before.day_month(), "changes": [{ "field": "name", "before": before.name, "after": null }] });
        let record = AuditRecord::new("occasion.remove", "unit", unit.0, details);
        self.commit_write(tx, seq, ctx, &[record], "occasion", &[unit.0]).await
    }
}
