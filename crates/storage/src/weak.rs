//! [`WeakStore`]: grassroots organizations at risk of being weak, found from a year's data by
//! `domain::weak` (docs/design/operations.md "Weak organizations"), and the consolidation plans
//! a committee makes for them, tracked to completion.
//!
//! The facts of a grassroots organization over its chi bộ (itself when it is a chi bộ cơ sở;
//! those under it when it is a đảng bộ cơ sở): the months without a regular meeting and the
//! quarters without a thematic one of its worst chi bộ, the attendance of all of them, the latest
//! admission anywhere in it, the tasks from above it or its units left past their last day.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::json;

use domain::ids::UnitId;
use domain::meetings::{Held, Presence, months_without_regular, quarters_without_thematic};
use domain::unit::UnitKind;
use domain::weak::plan::{Measure, PlanOutcome, check_close, complete};
use domain::weak::{WeakReason, WeakSettings, YearFacts, findings};

use crate::context::{WriteContext, vietnam_today};
use crate::error::{Result, StoreError};
use crate::model::AuditRecord;
use crate::prelude::*;
use crate::sql::meetings as mq;
use crate::sql::weak::{self as q, StoredPlan};
use crate::store::SqlStore;

/// One reason an organization is listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeakFindingView {
    pub reason: WeakReason,
    pub label: String,
    /// The number that crossed the threshold, in words.
    pub detail: String,
}

/// A plan in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanSummary {
    pub id: i64,
    pub measures: u32,
    pub done: u32,
    pub outcome: Option<PlanOutcome>,
    pub outcome_label: Option<String>,
}

/// An organization with findings or a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeakRow {
    pub unit: UnitId,
    pub unit_name: String,
    pub kind_label: String,
    pub findings: Vec<WeakFindingView>,
    pub plan: Option<PlanSummary>,
}

/// The organizations at risk under a unit in a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeakReport {
    pub root: UnitId,
    pub root_name: String,
    pub year: i32,
    pub as_of: NaiveDate,
    /// Grassroots organizations judged.
    pub organizations: u32,
    /// Those with a finding or a plan, the ones with findings first.
    pub rows: Vec<WeakRow>,
    /// Plans of the year closed as consolidated: the count for the committee's report.
    pub consolidated: u32,
    /// Plans of the year still open.
    pub plans_open: u32,
    /// The thresholds applied (the operator's setting).
    pub months_without_regular: u32,
    pub quarters_without_thematic: u32,
    pub attendance_below_percent: u32,
    pub years_without_admission: u32,
    pub late_tasks: u32,
}

/// A measure of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeasureView {
    /// 1, 2, … (names the measure in paths and forms).
    pub seq: u32,
    pub text: String,
    pub responsible: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub note: Option<String>,
    /// Past its last day and not done.
    pub late: bool,
}

/// A consolidation plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanView {
    pub id: i64,
    pub unit: UnitId,
    pub unit_name: String,
    pub year: i32,
    pub version: i64,
    pub reasons: Vec<WeakFindingView>,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub outcome: Option<PlanOutcome>,
    pub outcome_label: Option<String>,
    pub outcome_note: Option<String>,
    pub measures: Vec<MeasureView>,
    pub created_by: String,
}

/// Weak organizations and their consolidation (docs/design/operations.md).
#[async_trait]
pub trait WeakStore: Send + Sync {
    /// The thresholds applied.
    fn weak_settings(&self) -> WeakSettings;
    /// The grassroots organizations under `root` with findings for `year` as of `today`, and
    /// those with a plan that year.
    async fn weak_organizations(&self, root: UnitId, year: i32, today: NaiveDate) -> Result<WeakReport>;
    /// Makes the year's plan for a grassroots organization (one per year), with its measures;
    /// the reasons found that day are kept with it.
    async fn create_plan(&self, ctx: &WriteContext, unit: UnitId, year: i32, measures: Vec<Measure>) -> Result<i64>;
    async fn plan(&self, id: i64, today: NaiveDate) -> Result<PlanView>;
    async fn plan_unit(&self, id: i64) -> Result<UnitId>;
    /// Adds a measure to an open plan.
    async fn add_measure(&self, ctx: &WriteContext, id: i64, version: i64, measure: Measure) -> Result<()>;
    /// Marks measure `seq` done today with a note.
    async fn complete_measure(&self, ctx: &WriteContext, id: i64, version: i64, seq: u32, note: &str) -> Result<()>;
    /// Closes the plan with its outcome (consolidated only once every measure is done).
    async fn close_plan(&self, ctx: &WriteContext, id: i64, version: i64, outcome: PlanOutcome, note: Option<String>) -> Result<()>;
}

fn invalid(e: domain::ValidationErrors) -> StoreError {
    StoreError::Invalid(e)
}

fn finding_views(found: Vec<domain::weak::Finding>) -> Vec<WeakFindingView> {
    found.into_iter().map(|f| WeakFindingView { reason: f.reason, label: f.reason.label().to_owned(), detail: f.detail }).collect()
}

fn summary(p: &StoredPlan, measures: &[Measure]) -> PlanSummary {
    PlanSummary {
        id: p.id,
        measures: measures.len() as u32,
        done: measures.iter().filter(|m| m.done.is_some()).count() as u32,
        outcome: p.outcome,
        outcome_label: p.outcome.map(|o| o.label().to_owned()),
    }
}

/// The last day a year is judged on: its end, or today for the year under way.
fn judged_until(year: i32, today: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).map_or(today, |d| d.min(today))
}

fn is_grassroots(kind: UnitKind) -> bool {
    matches!(kind, UnitKind::GrassrootsCommittee | UnitKind::GrassrootsCell)
}

impl SqlStore {
    /// The facts of every grassroots organization under `root` (itself included) for `year`.
    async fn weak_facts(&self, root: UnitId, year: i32, today: NaiveDate) -> Result<(String, Vec<(UnitId, String, UnitKind, YearFacts)>)> {
        let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| StoreError::invalid("year", "out_of_range", "Năm không hợp lệ."))?;
        let last = judged_until(year, today);
        if last < first {
            return Err(StoreError::invalid("year", "future", "Năm chưa bắt đầu."));
        }
        let mut conn = self.db.reader().await?;
        let held = mq::held_between(conn.as_mut(), first, last).await?;
        let presence = mq::presence_between(conn.as_mut(), first, last).await?;
        let tasks = q::tasks_sent_until(conn.as_mut(), last).await?;
        // Organizations the evaluation rounds of the year decided "không hoàn thành nhiệm vụ".
        let mut not_completed: HashSet<UnitId> = HashSet::new();
        for round in crate::sql::evaluation::rounds(conn.as_mut()).await?.into_iter().filter(|r| r.period.year() == year) {
            for e in crate::sql::evaluation::evaluations(conn.as_mut(), round.id).await? {
                if let (crate::sql::evaluation::Subject::Unit(u), Some(d)) = (e.subject, e.decided)
                    && d.level == domain::evaluation::Level::NotCompleted
                {
                    not_completed.insert(u);
                }
            }
        }
        drop(conn);
        let calendar = self.work_calendar().await?;
        self.refresh_index().await?;
        let index = self.index.read();
        let root_version = index.unit_version_on(root, last).or_else(|| index.unit_latest(root)).ok_or(StoreError::NotFound)?;
        let root_name = root_version.name.clone();
        let mut orgs: Vec<UnitId> = index.descendants(root, last).iter().filter(|d| is_grassroots(d.kind)).map(|d| d.unit).collect();
        if is_grassroots(root_version.kind) {
            orgs.insert(0, root);
        }
        let last_admissions = index.last_admissions();
        let mut held_by: HashMap<UnitId, Vec<Held>> = HashMap::new();
        for h in &held {
            held_by.entry(h.unit).or_default().push(Held { on: h.held_on, kind: h.kind });
        }
        let start_of = |u: UnitId| index.unit_span(u).map_or(NaiveDate::MIN, |s| s.0);
        let mut out = Vec::with_capacity(orgs.len());
        for org in orgs {
            let Some(v) = index.unit_version_on(org, last) else { continue };
            let under: HashSet<UnitId> = std::iter::once(org).chain(index.descendants(org, last).iter().map(|d| d.unit)).collect();
            let cells: Vec<UnitId> =
                under.iter().copied().filter(|u| index.unit_version_on(*u, last).is_some_and(|v| v.kind.holds_members())).collect();
            let mut facts = YearFacts {
                last_admission: last_admissions.get(&org).copied(),
                since: Some(start_of(org)),
                rated_not_completed: not_completed.contains(&org),
                ..YearFacts::default()
            };
            for cell in &cells {
                let list = held_by.get(cell).map_or(&[][..], Vec::as_slice);
                let since = first.max(start_of(*cell));
                let months = months_without_regular(list, since, today).into_iter().filter(|m| m.year == year).count() as u32;
                let quarters = quarters_without_thematic(list, since, today).into_iter().filter(|q| q.year == year).count() as u32;
                facts.months_without_regular = facts.months_without_regular.max(months);
                facts.quarters_without_thematic = facts.quarters_without_thematic.max(quarters);
            }
            let cell_set: HashSet<UnitId> = cells.iter().copied().collect();
            for p in presence.iter().filter(|p| cell_set.contains(&p.unit)) {
                let expected = if p.guest {
                    p.presence == Presence::Present
                } else {
                    !(p.away_temporarily || (p.exempt && p.presence != Presence::Present))
                };
                facts.expected += u32::from(expected);
                facts.present += u32::from(expected && p.presence == Presence::Present);
            }
            facts.late_tasks = tasks
                .iter()
                .filter(|t| under.contains(&t.unit))
                .filter(|t| {
                    let own = t.deadline.due(t.sent_on, &calendar);
                    let due = t.due_on.map_or(own, |d| d.min(own));
                    due >= first && due < last && t.done_on.is_none()
                })
                .count() as u32;
            out.push((org, v.name.clone(), v.kind, facts));
        }
        Ok((root_name, out))
    }

    fn plan_view(&self, p: &StoredPlan, measures: &[Measure], today: NaiveDate) -> PlanView {
        let index = self.index.read();
        PlanView {
            id: p.id,
            unit: p.unit,
            unit_name: index.unit_latest(p.unit).map(|v| v.name.clone()).unwrap_or_default(),
            year: p.year,
            version: p.version,
            reasons: p.reasons.iter().map(|r| WeakFindingView { reason: *r, label: r.label().to_owned(), detail: String::new() }).collect(),
            opened_on: p.opened_on,
            closed_on: p.closed_on,
            outcome: p.outcome,
            outcome_label: p.outcome.map(|o| o.label().to_owned()),
            outcome_note: p.outcome_note.clone(),
            measures: measures
                .iter()
                .enumerate()
                .map(|(i, m)| MeasureView {
                    seq: i as u32 + 1,
                    text: m.text.clone(),
                    responsible: m.responsible.clone(),
                    due_on: m.due,
                    done_on: m.done,
                    note: m.note.clone(),
                    late: m.done.is_none() && m.due < today,
                })
                .collect(),
            created_by: p.created_by.clone(),
        }
    }

    async fn plan_for_write(tx: &mut dyn crate::db::Conn, id: i64, version: i64) -> Result<StoredPlan> {
        let p = q::plan(tx, id).await?.ok_or(StoreError::NotFound)?;
        if p.version != version {
            return Err(StoreError::Conflict { current: p.version });
        }
        if p.outcome == Some(PlanOutcome::Consolidated) || p.closed_on.is_some() {
            return Err(StoreError::invalid("plan", "closed", "Kế hoạch đã kết thúc."));
        }
        Ok(p)
    }
}

#[async_trait]
impl WeakStore for SqlStore {
    fn weak_settings(&self) -> WeakSettings {
        self.weak
    }

    async fn weak_organizations(&self, root: UnitId, year: i32, today: NaiveDate) -> Result<WeakReport> {
        let (root_name, facts) = self.weak_facts(root, year, today).await?;
        let mut conn = self.db.reader().await?;
        let plans = q::plans_of_year(conn.as_mut(), year).await?;
        let mut plan_of: HashMap<UnitId, PlanSummary> = HashMap::new();
        for p in &plans {
            let measures = q::measures_of(conn.as_mut(), p.id).await?;
            plan_of.insert(p.unit, summary(p, &measures));
        }
        drop(conn);
        let organizations = facts.len() as u32;
        let in_tree: HashSet<UnitId> = facts.iter().map(|f| f.0).collect();
        let mut rows: Vec<WeakRow> = facts
            .into_iter()
            .filter_map(|(unit, name, kind, f)| {
                let found = finding_views(findings(&f, &self.weak, year, today));
                let plan = plan_of.get(&unit).cloned();
                (!found.is_empty() || plan.is_some()).then(|| WeakRow {
                    unit,
                    unit_name: name,
                    kind_label: kind.label().to_owned(),
                    findings: found,
                    plan,
                })
            })
            .collect();
        rows.sort_by_cached_key(|r| {
            (r.findings.is_empty(), std::cmp::Reverse(r.findings.len()), domain::text::collation_key(&r.unit_name))
        });
        let ours: Vec<&StoredPlan> = plans.iter().filter(|p| in_tree.contains(&p.unit)).collect();
        let s = self.weak;
        Ok(WeakReport {
            root,
            root_name,
            year,
            as_of: today,
            organizations,
            rows,
            consolidated: ours.iter().filter(|p| p.outcome == Some(PlanOutcome::Consolidated)).count() as u32,
            plans_open: ours.iter().filter(|p| p.closed_on.is_none()).count() as u32,
            months_without_regular: s.months_without_regular,
            quarters_without_thematic: s.quarters_without_thematic,
            attendance_below_percent: s.attendance_below_percent,
            years_without_admission: s.years_without_admission,
            late_tasks: s.late_tasks,
        })
    }

    async fn create_plan(&self, ctx: &WriteContext, unit: UnitId, year: i32, measures: Vec<Measure>) -> Result<i64> {
        let today = vietnam_today(ctx.now);
        if !(today.year() - 1..=today.year() + 1).contains(&year) {
            return Err(StoreError::invalid("year", "out_of_range", "Kế hoạch củng cố lập cho năm trước, năm nay hoặc năm sau."));
        }
        if measures.is_empty() || measures.len() > domain::weak::plan::MAX_MEASURES {
            return Err(StoreError::invalid("measure_1", "required", "Kế hoạch cần từ 1 đến 30 biện pháp."));
        }
        self.refresh_index().await?;
        let kind = self.index.read().unit_version_on(unit, today).map(|v| v.kind);
        if !kind.is_some_and(is_grassroots) {
            return Err(StoreError::invalid(
                "unit",
                "not_grassroots",
                "Kế hoạch củng cố lập cho tổ chức cơ sở đảng (đảng bộ cơ sở, chi bộ cơ sở) đang tồn tại.",
            ));
        }
        let judged = year.min(today.year());
        let (_, facts) = self.weak_facts(unit, judged, today).await?;
        let reasons: Vec<WeakReason> = facts
            .iter()
            .find(|f| f.0 == unit)
            .map(|(_, _, _, f)| findings(f, &self.weak, judged, today).into_iter().map(|f| f.reason).collect())
            .unwrap_or_default();
        let (mut tx, seq) = self.begin_write().await?;
        if q::plans_of_year(tx.as_mut(), year).await?.iter().any(|p| p.unit == unit) {
            return Err(StoreError::invalid("year", "duplicate", "Tổ chức này đã có kế hoạch củng cố của năm."));
        }
        let id = q::insert_plan(tx.as_mut(), unit, year, &reasons, today, ctx.now, &ctx.actor).await?;
        for (i, m) in measures.iter().enumerate() {
            q::insert_measure(tx.as_mut(), id, i as i64 + 1, m).await?;
        }
        let details = json!({ "unit": unit.0, "year": year, "reasons": reasons.iter().map(|r| r.code()).collect::<Vec<_>>(), "measures": measures.len() });
        let record = AuditRecord::new("weak.plan", "consolidation_plan", id, details);
        self.commit_write(tx, seq, ctx, &[record], "consolidation_plan", &[id]).await?;
        Ok(id)
    }

    async fn plan(&self, id: i64, today: NaiveDate) -> Result<PlanView> {
        let mut conn = self.db.reader().await?;
        let p = q::plan(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        let measures = q::measures_of(conn.as_mut(), id).await?;
        drop(conn);
        self.refresh_index().await?;
        Ok(self.plan_view(&p, &measures, today))
    }

    async fn plan_unit(&self, id: i64) -> Result<UnitId> {
        let mut conn = self.db.reader().await?;
        Ok(q::plan(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?.unit)
    }

    async fn add_measure(&self, ctx: &WriteContext, id: i64, version: i64, measure: Measure) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let p = Self::plan_for_write(tx.as_mut(), id, version).await?;
        let count = q::measures_of(tx.as_mut(), id).await?.len();
        if count >= domain::weak::plan::MAX_MEASURES {
            return Err(StoreError::invalid("measure", "too_many", "Kế hoạch đã có 30 biện pháp."));
        }
        q::insert_measure(tx.as_mut(), id, count as i64 + 1, &measure).await?;
        if !q::update_plan(tx.as_mut(), &p, version, ctx.now, &ctx.actor).await? {
            return Err(StoreError::Conflict { current: p.version });
        }
        let record = AuditRecord::new(
            "weak.measure",
            "consolidation_plan",
            id,
            json!({ "unit": p.unit.0, "text": measure.text, "due_on": measure.due }),
        );
        self.commit_write(tx, seq, ctx, &[record], "consolidation_plan", &[id]).await
    }

    async fn complete_measure(&self, ctx: &WriteContext, id: i64, version: i64, seq_no: u32, note: &str) -> Result<()> {
        let today = vietnam_today(ctx.now);
        let (mut tx, seq) = self.begin_write().await?;
        let p = Self::plan_for_write(tx.as_mut(), id, version).await?;
        let mut measures = q::measures_of(tx.as_mut(), id).await?;
        let Some(m) = seq_no.checked_sub(1).and_then(|i| measures.get_mut(i as usize)) else {
            return Err(StoreError::NotFound);
        };
        complete(m, today, p.opened_on, note).map_err(invalid)?;
        q::complete_measure(tx.as_mut(), id, i64::from(seq_no), m).await?;
        if !q::update_plan(tx.as_mut(), &p, version, ctx.now, &ctx.actor).await? {
            return Err(StoreError::Conflict { current: p.version });
        }
        let record =
            AuditRecord::new("weak.measure_done", "consolidation_plan", id, json!({ "unit": p.unit.0, "measure": seq_no, "note": note }));
        self.commit_write(tx, seq, ctx, &[record], "consolidation_plan", &[id]).await
    }

    async fn close_plan(&self, ctx: &WriteContext, id: i64, version: i64, outcome: PlanOutcome, note: Option<String>) -> Result<()> {
        let today = vietnam_today(ctx.now);
        let (mut tx, seq) = self.begin_write().await?;
        let mut p = Self::plan_for_write(tx.as_mut(), id, version).await?;
        let measures = q::measures_of(tx.as_mut(), id).await?;
        check_close(&measures, outcome).map_err(invalid)?;
        let note = match note {
            Some(n) => domain::text::optional_lines(&n, domain::weak::plan::MAX_NOTE, "Nhận xét")
                .map_err(|e| invalid(domain::ValidationErrors { errors: vec![e] }))?,
            None => None,
        };
        p.closed_on = Some(today);
        p.outcome = Some(outcome);
        p.outcome_note = note;
        if !q::update_plan(tx.as_mut(), &p, version, ctx.now, &ctx.actor).await? {
            return Err(StoreError::Conflict { current: p.version });
        }
        let record = AuditRecord::new("weak.close", "consolidation_plan", id, json!({ "unit": p.unit.0, "outcome": outcome.code() }));
        self.commit_write(tx, seq, ctx, &[record], "consolidation_plan", &[id]).await
    }
}
