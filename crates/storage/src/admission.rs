//! Admission-pipeline use cases (docs/design/admission.md). As for members: every write loads what
//! the rules need, asks `domain::pipeline`, and writes in one transaction or not at all. The
//! decision steps write the register too — the admission decision creates the member record (or
//! the readmission event of a former member), the recognition decision records the recognition,
//! a strike-off decision the strike-off — in the same transaction as the step.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::json;

use domain::access::Scope;
use domain::admission::{self, Readmission};
use domain::event::{Entry, EventKind, StrikeOffReason};
use domain::history::{self, Status};
use domain::ids::{MemberId, UnitId};
use domain::pipeline::{
    self, Candidate, Facts, IntroducerFacts, IntroducerId, RegisterWrite, Stage, StepData, StepKind, Steps, TargetGroup, Urgency,
    blockers_to_errors,
};
use domain::workdays::{WorkCalendar, YearOverride};

use crate::audit::{diff, json};
use crate::context::WriteContext;
use crate::db::Conn;
use crate::error::{Result, StoreError};
use crate::index::Sight;
use crate::members::{append_event_tx, insert_member_tx, load_units};
use crate::model::{
    AuditRecord, CaseDetail, CaseQuery, CaseSummary, NewMember, ScopeFilter, ScopeTarget, StepRecord, TargetReport, WorkItem, Worklist,
};
use crate::sql::{self, admission as q};
use crate::store::SqlStore;

pub(crate) mod targets;

/// The admission pipeline: candidates and the dated steps of their cases, the worklist, yearly
/// targets, and the working-day calendar its deadlines count in.
#[async_trait]
pub trait AdmissionStore: Send + Sync {
    async fn create_candidate(&self, ctx: &WriteContext, candidate: Candidate) -> Result<i64>;
    async fn update_candidate(&self, ctx: &WriteContext, id: i64, expected_version: i64, candidate: Candidate) -> Result<()>;
    /// The chi bộ of a case (for scope checks before anything else is read).
    async fn candidate_unit(&self, id: i64) -> Result<UnitId>;
    /// Records a step after every check; a decision step also writes the register.
    async fn record_step(&self, ctx: &WriteContext, id: i64, expected_version: i64, step: StepData) -> Result<i64>;
    /// Voids the latest step (not a decision that wrote the register), with a reason.
    async fn void_step(&self, ctx: &WriteContext, id: i64, expected_version: i64, step: i64, reason: String) -> Result<()>;
    async fn case(&self, id: i64, today: NaiveDate) -> Result<CaseDetail>;
    async fn cases(&self, query: &CaseQuery) -> Result<Vec<CaseSummary>>;
    async fn worklist(&self, query: &CaseQuery) -> Result<Worklist>;
    /// The recognition file of the member's open case, when the member is in probation or
    /// awaiting the recognition decision (what the handbook shows the probationary member).
    async fn recognition_file(&self, member: MemberId) -> Result<Option<domain::pipeline::RecognitionFile>>;
    /// Sets (or with `None` removes) a unit's target for a year, in total or for a group.
    async fn set_target(&self, ctx: &WriteContext, unit: UnitId, year: i32, group: Option<TargetGroup>, target: Option<u32>) -> Result<()>;
    async fn targets(&self, root: UnitId, year: i32, today: NaiveDate, scope: Option<&ScopeFilter>) -> Result<TargetReport>;
    /// The working-day calendar with the operator's corrections.
    async fn work_calendar(&self) -> Result<Arc<WorkCalendar>>;
    async fn calendar_overrides(&self) -> Result<Vec<YearOverride>>;
    /// Replaces a year's corrections (an empty one removes them).
    async fn set_calendar_override(&self, ctx: &WriteContext, o: YearOverride) -> Result<()>;
    /// The numbers of the admission rules this store applies.
    fn admission_config(&self) -> &admission::AdmissionConfig;
}

/// The calendar built from the operator's corrections, rebuilt when they change.
#[derive(Default)]
pub(crate) struct CalendarCache(std::sync::Mutex<Option<(Vec<YearOverride>, Arc<WorkCalendar>)>>);

/// The open cases with their steps in force, kept in step with the change log like the register
/// index (entity `candidate`), so the worklist and the boards read memory, not the tables.
#[derive(Default)]
pub(crate) struct OpenCases(tokio::sync::Mutex<OpenState>);

#[derive(Default)]
struct OpenState {
    seq: i64,
    loaded: bool,
    cases: HashMap<i64, Arc<OpenCase>>,
}

/// One open case as cached.
pub(crate) struct OpenCase {
    row: q::CandidateRow,
    name_fold: String,
    steps: Steps,
}

impl SqlStore {
    /// Every open case, brought up to date with the change log first.
    async fn open_cases(&self) -> Result<Vec<Arc<OpenCase>>> {
        let mut state = self.open_cases.0.lock().await;
        let mut conn = self.db.reader().await?;
        let seq = sql::current_seq(conn.as_mut()).await?;
        if !state.loaded || seq != state.seq {
            let changes = if state.loaded { sql::changes_between(conn.as_mut(), state.seq, seq).await? } else { Vec::new() };
            if !state.loaded || changes.iter().any(|(e, _)| e == "all") {
                let mut steps: HashMap<i64, Vec<StepData>> = HashMap::new();
                for s in q::open_steps(conn.as_mut()).await? {
                    steps.entry(s.candidate).or_default().push(s.data);
                }
                state.cases = q::candidates(conn.as_mut(), true, "")
                    .await?
                    .into_iter()
                    .map(|row| {
                        let steps = Steps(steps.remove(&row.id).unwrap_or_default());
                        (row.id, Arc::new(open_case(row, steps)))
                    })
                    .collect();
            } else {
                let mut ids: Vec<i64> = changes.iter().filter(|(e, _)| e == "candidate").map(|(_, id)| *id).collect();
                ids.sort_unstable();
                ids.dedup();
                for id in ids {
                    match q::candidate(conn.as_mut(), id).await? {
                        Some(row) if row.stage.is_open() => {
                            let steps = in_force(&q::steps(conn.as_mut(), id).await?);
                            state.cases.insert(id, Arc::new(open_case(row, steps)));
                        }
                        _ => {
                            state.cases.remove(&id);
                        }
                    }
                }
            }
            state.seq = seq;
            state.loaded = true;
        }
        let mut list: Vec<Arc<OpenCase>> = state.cases.values().cloned().collect();
        list.sort_by_key(|c| c.row.id);
        Ok(list)
    }

    fn keep_in_scope(&self, rows: Vec<Arc<OpenCase>>, query: &CaseQuery) -> Vec<Arc<OpenCase>> {
        let index = self.index.read();
        let subtree = query.unit.map(|u| ScopeFilter { scope: Scope { units: vec![u], ..Scope::default() }, today: query.today });
        rows.into_iter()
            .filter(|r| {
                let target = ScopeTarget::Unit(r.row.candidate.unit);
                query.scope.as_ref().is_none_or(|s| index.in_scope(s, target)) && subtree.as_ref().is_none_or(|s| index.in_scope(s, target))
            })
            .collect()
    }
}

#[async_trait]
impl AdmissionStore for SqlStore {
    async fn work_calendar(&self) -> Result<Arc<WorkCalendar>> {
        let mut conn = self.db.reader().await?;
        let overrides = q::calendar_overrides(conn.as_mut()).await?;
        let mut cache = self.calendar.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((o, cal)) = cache.as_ref()
            && *o == overrides
        {
            return Ok(cal.clone());
        }
        let cal = Arc::new(WorkCalendar::new(overrides.clone())?);
        *cache = Some((overrides, cal.clone()));
        Ok(cal)
    }

    async fn calendar_overrides(&self) -> Result<Vec<YearOverride>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::admission::calendar_overrides(conn.as_mut()).await?)
    }

    async fn set_calendar_override(&self, ctx: &WriteContext, o: YearOverride) -> Result<()> {
        // Validated by building a calendar with it.
        let mut conn = self.db.reader().await?;
        let (before, mut all): (Vec<YearOverride>, Vec<YearOverride>) =
            q::calendar_overrides(conn.as_mut()).await?.into_iter().partition(|x| x.year == o.year);
        drop(conn);
        let before = before.into_iter().next();
        all.push(o.clone());
        WorkCalendar::new(all)?;
        let (mut tx, seq) = self.begin_write().await?;
        q::set_calendar_override(tx.as_mut(), &o, ctx.now, &ctx.actor).await?;
        let record = AuditRecord::new("calendar.set", "calendar", o.year, diff(&json(&before), &json(&o)));
        self.commit_write(tx, seq, ctx, &[record], "calendar", &[i64::from(o.year)]).await
    }

    async fn create_candidate(&self, ctx: &WriteContext, c: Candidate) -> Result<i64> {
        let sight = self.sight(ctx).await?;
        let (mut tx, seq) = self.begin_write().await?;
        check_candidate(tx.as_mut(), &c, None, ctx, &sight).await?;
        let id = q::insert_candidate(tx.as_mut(), &c, Stage::Source, ctx.now, &ctx.actor).await?;
        let record = AuditRecord::new("candidate.create", "candidate", id, diff(&serde_json::Value::Null, &json(&c)));
        self.commit_write(tx, seq, ctx, &[record], "candidate", &[id]).await?;
        Ok(id)
    }

    async fn update_candidate(&self, ctx: &WriteContext, id: i64, expected_version: i64, c: Candidate) -> Result<()> {
        let sight = self.sight(ctx).await?;
        let (mut tx, seq) = self.begin_write().await?;
        let row = q::candidate(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if row.version != expected_version {
            return Err(StoreError::Conflict { current: row.version });
        }
        if row.member.is_some() && (c.unit != row.candidate.unit || c.identity != row.candidate.identity) {
            return Err(StoreError::invalid(
                "unit_id",
                "admitted",
                "Người này đã được kết nạp: sửa lý lịch và chuyển sinh hoạt trong hồ sơ đảng viên, không sửa ở đây.",
            ));
        }
        check_candidate(tx.as_mut(), &c, Some(id), ctx, &sight).await?;
        if !q::update_candidate(tx.as_mut(), id, expected_version, &c, row.stage, row.member, ctx.now, &ctx.actor).await? {
            return Err(StoreError::Conflict { current: row.version });
        }
        let record = AuditRecord::new("candidate.update", "candidate", id, diff(&json(&row.candidate), &json(&c)));
        self.commit_write(tx, seq, ctx, &[record], "candidate", &[id]).await
    }

    async fn candidate_unit(&self, id: i64) -> Result<UnitId> {
        let mut conn = self.db.reader().await?;
        q::candidate_unit(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)
    }

    async fn record_step(&self, ctx: &WriteContext, id: i64, expected_version: i64, step: StepData) -> Result<i64> {
        let sight = self.sight(ctx).await?;
        let (mut tx, seq) = self.begin_write().await?;
        let row = q::candidate(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if row.version != expected_version {
            return Err(StoreError::Conflict { current: row.version });
        }
        let steps = in_force(&q::steps(tx.as_mut(), id).await?);
        let facts = facts(tx.as_mut(), &row.candidate, &steps, &step, &sight).await?;
        let blockers = pipeline::check_step(&row.candidate, &steps, &step, &facts, &self.admission, ctx.today);
        if !blockers.is_empty() {
            return Err(StoreError::Invalid(blockers_to_errors(&blockers)));
        }
        let mut records = Vec::new();
        let mut member = row.member;
        let c = &row.candidate;
        // The domain decides what the step writes on the register; the member's history is read
        // only for the steps that write there.
        let history = match member.filter(|_| step.kind().writes_register()) {
            Some(m) => {
                let events = sql::events(tx.as_mut(), m).await?;
                Some(history::derive(&events, &load_units(tx.as_mut(), &events).await?))
            }
            None => None,
        };
        let on_record = member.zip(history.as_ref()).map(|(id, history)| pipeline::CaseMember { id, history });
        let case = pipeline::Case { id, candidate: c, steps: &steps, member: on_record };
        for write in pipeline::register_writes(&step, &case)? {
            let (m, record) = match write {
                RegisterWrite::NewMember { identity, profile, event } => {
                    insert_member_tx(tx.as_mut(), ctx, NewMember { identity: *identity, profile, events: vec![event] }, &sight).await?
                }
                RegisterWrite::Event { member, event } => {
                    (member, append_event_tx(tx.as_mut(), ctx, member, None, Entry::Event(event), None).await?.1)
                }
            };
            records.push(record);
            member = Some(m);
        }
        let step_id = q::insert_step(tx.as_mut(), id, &step, ctx.now, &ctx.actor).await?;
        let mut all = steps.clone();
        all.0.push(step.clone());
        let stage = pipeline::stage(&all);
        if !q::update_candidate(tx.as_mut(), id, expected_version, c, stage, member, ctx.now, &ctx.actor).await? {
            return Err(StoreError::Conflict { current: row.version });
        }
        records.push(AuditRecord::new(
            "candidate.step",
            "candidate",
            id,
            json!({ "step": step_id, "kind": step.kind().code(), "data": json(&step), "stage": stage.code(), "member": member.map(|m| m.0) }),
        ));
        if let Some(m) = member.filter(|_| step.kind().writes_register()) {
            sql::log_changes(tx.as_mut(), seq, "member", &[m.0], self.db.max_params()).await?;
        }
        self.commit_write(tx, seq, ctx, &records, "candidate", &[id]).await?;
        Ok(step_id)
    }

    /// Voids the latest step in force (a typing mistake), unless it wrote the register.
    async fn void_step(&self, ctx: &WriteContext, id: i64, expected_version: i64, step: i64, reason: String) -> Result<()> {
        let reason = match domain::text::optional_lines(&reason, 500, "Lý do hủy bước") {
            Ok(Some(reason)) => reason,
            Ok(None) => return Err(StoreError::invalid("reason", "required", "Nhập lý do hủy bước.")),
            Err(e) => return Err(StoreError::invalid("reason", e.code, e.message)),
        };
        let (mut tx, seq) = self.begin_write().await?;
        let row = q::candidate(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if row.version != expected_version {
            return Err(StoreError::Conflict { current: row.version });
        }
        let rows = q::steps(tx.as_mut(), id).await?;
        let last = rows.iter().rev().find(|s| s.voided.is_none()).ok_or(StoreError::NotFound)?;
        if last.id != step {
            return Err(StoreError::invalid("step", "not_last", "Chỉ hủy được bước ghi sau cùng; hủy lần lượt từ bước mới nhất."));
        }
        if last.data.kind().writes_register() {
            return Err(StoreError::invalid(
                "step",
                "writes_register",
                "Quyết định đã ghi vào hồ sơ đảng viên: đính chính sự kiện trong hồ sơ đảng viên, không hủy ở đây.",
            ));
        }
        if !q::void_step(tx.as_mut(), step, ctx.now, &ctx.actor, &reason).await? {
            return Err(StoreError::NotFound);
        }
        let remaining: Steps = Steps(rows.iter().filter(|s| s.voided.is_none() && s.id != step).map(|s| s.data.clone()).collect());
        let stage = pipeline::stage(&remaining);
        if !q::update_candidate(tx.as_mut(), id, expected_version, &row.candidate, stage, row.member, ctx.now, &ctx.actor).await? {
            return Err(StoreError::Conflict { current: row.version });
        }
        let record = AuditRecord::new(
            "candidate.step.void",
            "candidate",
            id,
            json!({ "step": step, "kind": last.data.kind().code(), "reason": reason, "stage": stage.code() }),
        );
        self.commit_write(tx, seq, ctx, &[record], "candidate", &[id]).await
    }

    async fn case(&self, id: i64, today: NaiveDate) -> Result<CaseDetail> {
        self.refresh_index().await?;
        let cal = self.work_calendar().await?;
        let mut conn = self.db.reader().await?;
        let row = q::candidate(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        let rows = q::steps(conn.as_mut(), id).await?;
        let steps = in_force(&rows);
        let probe =
            StepData::ChiBoVote { vote: admission::ChiBoVote { on: today, official_members: 0, present: 0, in_favour: 0, against: 0 } };
        let everything = Sight { index: &self.index, scope: None };
        let facts = facts(conn.as_mut(), &row.candidate, &steps, &probe, &everything).await?;
        let c = &row.candidate;
        let stage = pipeline::stage(&steps);
        let mut names: HashMap<MemberId, String> = HashMap::new();
        let mut wanted: Vec<MemberId> = c.helper.into_iter().chain(c.former_member).chain(row.member).collect();
        for s in &steps.0 {
            if let StepData::Introduction { introducers, .. } = s {
                wanted.extend(introducers.iter().filter_map(|i| match i.who {
                    IntroducerId::Member { member } => Some(member),
                    IntroducerId::Card { .. } => None,
                }));
            }
        }
        for m in wanted {
            if let Some((_, identity, _, _)) = sql::member_row(conn.as_mut(), m).await? {
                names.insert(m, identity.full_name.as_str().to_owned());
            }
        }
        let index = self.index.read();
        let unit_name = index.unit_latest(c.unit).map(|v| v.name.clone()).unwrap_or_default();
        let gone = if stage.is_open() { member_gone(&index, row.member, today) } else { None };
        let mut blockers = pipeline::preview_blockers(c, &steps, &facts, &self.admission, today);
        if let Some(status) = gone {
            blockers.push(domain::admission::Blocker {
                code: "member_not_active",
                message: format!("Đảng viên hiện “{}” nên hồ sơ không còn việc phải làm tại chi bộ.", status.label().to_lowercase()),
                source: "Sổ đảng viên (lịch sử sinh hoạt của đảng viên)",
            });
        }
        let due = pipeline::due_items(c, &steps, &cal, &self.admission)
            .into_iter()
            .filter(|_| gone.is_none())
            .map(|item| {
                let urgency = Urgency::of(item.due, today);
                (item, urgency)
            })
            .collect();
        Ok(CaseDetail {
            id: row.id,
            version: row.version,
            stage,
            unit_name,
            next_steps: if stage.is_open() { pipeline::next_steps(&steps) } else { Vec::new() },
            blockers,
            due,
            official_date: steps.date_of(StepKind::Ceremony).map(admission::official_date),
            certificate_valid_until: c.certificate.as_ref().map(|x| admission::certificate_last_valid_day(x.issued_on, &self.admission)),
            steps: rows
                .into_iter()
                .map(|s| StepRecord { id: s.id, data: s.data, recorded_at: s.recorded_at, recorded_by: s.recorded_by, voided: s.voided })
                .collect(),
            member: row.member,
            member_names: names.into_iter().collect(),
            candidate: row.candidate,
            created_at: row.created_at,
            updated_at: row.updated_at,
            updated_by: row.updated_by,
        })
    }

    /// Open (or all) cases within the scope and the subtree asked, with their next due item.
    async fn cases(&self, query: &CaseQuery) -> Result<Vec<CaseSummary>> {
        self.refresh_index().await?;
        let cal = self.work_calendar().await?;
        let q_fold = domain::text::fold(query.q.trim());
        let open_only = query.stages.iter().all(|s| s.is_open());
        let mut cases: Vec<Arc<OpenCase>> = self.open_cases().await?;
        if !open_only {
            let mut conn = self.db.reader().await?;
            // An ended case has nothing due and no next step: its steps are not needed here.
            for row in q::candidates(conn.as_mut(), false, &q_fold).await?.into_iter().filter(|r| !r.stage.is_open()) {
                cases.push(Arc::new(open_case(row, Steps::default())));
            }
        }
        let cases = self.keep_in_scope(cases, query);
        let index = self.index.read();
        let mut out: Vec<CaseSummary> = cases
            .iter()
            .filter(|c| query.stages.is_empty() || query.stages.contains(&c.row.stage))
            .filter(|c| q_fold.is_empty() || c.name_fold.contains(&q_fold))
            .map(|c| {
                let (r, steps) = (&c.row, &c.steps);
                let active = r.stage.is_open() && member_gone(&index, r.member, query.today).is_none();
                let next_due =
                    pipeline::due_items(&r.candidate, steps, &cal, &self.admission).into_iter().filter(|_| active).min_by_key(|d| d.due);
                let next_steps = if r.stage.is_open() { pipeline::next_steps(steps) } else { Vec::new() };
                CaseSummary {
                    id: r.id,
                    version: r.version,
                    unit: r.candidate.unit,
                    unit_name: index.unit_latest(r.candidate.unit).map(|v| v.name.clone()).unwrap_or_default(),
                    full_name: r.candidate.identity.full_name.as_str().to_owned(),
                    birth_date: r.candidate.identity.birth_date,
                    source: r.candidate.source,
                    stage: r.stage,
                    member: r.member,
                    urgency: next_due.as_ref().map(|d| Urgency::of(d.due, query.today)),
                    next_due,
                    next_step: next_steps.into_iter().find(|k| *k != StepKind::Closed && *k != StepKind::Extension),
                    updated_at: r.updated_at,
                }
            })
            .collect();
        out.sort_by(|a, b| (a.stage, &a.unit_name, &a.full_name, a.id).cmp(&(b.stage, &b.unit_name, &b.full_name, b.id)));
        Ok(out)
    }

    async fn worklist(&self, query: &CaseQuery) -> Result<Worklist> {
        self.refresh_index().await?;
        let cal = self.work_calendar().await?;
        let cases = self.keep_in_scope(self.open_cases().await?, query);
        let index = self.index.read();
        let mut items = Vec::new();
        let mut by_stage: HashMap<Stage, usize> = HashMap::new();
        for c in &cases {
            let r = &c.row;
            *by_stage.entry(r.stage).or_default() += 1;
            if member_gone(&index, r.member, query.today).is_some() {
                continue;
            }
            for item in pipeline::due_items(&r.candidate, &c.steps, &cal, &self.admission) {
                items.push(WorkItem {
                    case: r.id,
                    full_name: r.candidate.identity.full_name.as_str().to_owned(),
                    unit: r.candidate.unit,
                    unit_name: index.unit_latest(r.candidate.unit).map(|v| v.name.clone()).unwrap_or_default(),
                    stage: r.stage,
                    urgency: Urgency::of(item.due, query.today),
                    item,
                });
            }
        }
        items.sort_by(|a, b| (a.item.due, &a.unit_name, &a.full_name).cmp(&(b.item.due, &b.unit_name, &b.full_name)));
        let count = |u: Urgency| items.iter().filter(|i| i.urgency == u).count();
        let (overdue, soon, later) = (count(Urgency::Overdue), count(Urgency::Soon), count(Urgency::Later));
        let mut by_stage: Vec<(Stage, usize)> = by_stage.into_iter().collect();
        by_stage.sort();
        Ok(Worklist { today: query.today, open_cases: cases.len(), overdue, soon, later, by_stage, items })
    }

    async fn recognition_file(&self, member: MemberId) -> Result<Option<domain::pipeline::RecognitionFile>> {
        let Some(case) = self.open_cases().await?.into_iter().find(|c| c.row.member == Some(member)) else {
            return Ok(None);
        };
        let cal = self.work_calendar().await?;
        Ok(domain::pipeline::recognition_file(&case.steps, &cal))
    }

    async fn set_target(&self, ctx: &WriteContext, unit: UnitId, year: i32, group: Option<TargetGroup>, target: Option<u32>) -> Result<()> {
        if !(2000..=2100).contains(&year) {
            return Err(StoreError::invalid("year", "out_of_range", "Năm phải trong khoảng 2000–2100."));
        }
        self.refresh_index().await?;
        let exists_in_year = {
            let index = self.index.read();
            let (first, last) = year_bounds(year);
            let last_day = last.pred_opt().unwrap_or(last);
            index.unit_version_on(unit, last_day.min(ctx.today.max(first))).is_some() || index.unit_version_on(unit, first).is_some()
        };
        if !exists_in_year {
            return Err(StoreError::invalid("unit", "not_in_year", format!("Tổ chức không tồn tại trong năm {year}.")));
        }
        let kind = group.map_or("total", |g| g.code());
        let (mut tx, seq) = self.begin_write().await?;
        let before = q::target(tx.as_mut(), unit, year, kind).await?;
        q::delete_target(tx.as_mut(), unit, year, kind).await?;
        if let Some(t) = target {
            q::insert_target(tx.as_mut(), unit, year, kind, t, ctx.now, &ctx.actor).await?;
        }
        let record = AuditRecord::new(
            "target.set",
            "unit",
            unit.0,
            json!({ "year": year, "kind": kind, "changes": [{ "field": "target", "before": before, "after": target }] }),
        );
        self.commit_write(tx, seq, ctx, &[record], "target", &[unit.0]).await
    }

    async fn targets(&self, root: UnitId, year: i32, today: NaiveDate, scope: Option<&ScopeFilter>) -> Result<TargetReport> {
        self.targets_report(root, year, today, scope).await
    }

    fn admission_config(&self) -> &admission::AdmissionConfig {
        &self.admission
    }
}

fn open_case(row: q::CandidateRow, steps: Steps) -> OpenCase {
    let name_fold = domain::text::fold(row.candidate.identity.full_name.as_str());
    OpenCase { row, name_fold, steps }
}

/// Whether an admitted case's member left the register's active list (died, transferred out,
/// struck off …): the case then has nothing left to do here.
fn member_gone(index: &crate::index::Index, member: Option<MemberId>, today: NaiveDate) -> Option<Status> {
    let m = member?;
    match index.member_status(m, today) {
        Some(s) if s.is_active() => None,
        Some(s) => Some(s),
        None => None,
    }
}

/// 1 January of `year` and of the next year.
pub(crate) fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    let d = |y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN);
    (d(year), d(year + 1))
}

fn in_force(rows: &[q::StepRow]) -> Steps {
    Steps(rows.iter().filter(|s| s.voided.is_none()).map(|s| s.data.clone()).collect())
}

/// The chi bộ holds members; the helper is an official member; the person is not followed twice
/// nor already a member (unless a former one applying again). Other people are named only to a
/// writer who may read them; a member id outside that reach reads like one that does not exist.
async fn check_candidate(conn: &mut dyn Conn, c: &Candidate, except: Option<i64>, ctx: &WriteContext, sight: &Sight<'_>) -> Result<()> {
    let mut errors = domain::ValidationErrors::default();
    let versions = sql::unit_versions(conn, &[c.unit]).await?;
    match versions.get(&c.unit).and_then(|vs| vs.iter().map(|(_, v)| v).find(|v| v.covers(ctx.today))) {
        None => errors.push("unit_id", "unknown", "Không có chi bộ này (hoặc chi bộ đã giải thể, hợp nhất)."),
        Some(v) if !v.kind.holds_members() => {
            errors.push("unit_id", "not_a_cell", format!("{} không phải chi bộ: quần chúng do một chi bộ theo dõi.", v.name))
        }
        Some(_) => {}
    }
    if let Some((other, name)) = q::open_candidate_with_citizen_id(conn, c.identity.citizen_id.as_str(), except).await? {
        let visible = match q::candidate_unit(conn, other).await? {
            Some(unit) => sight.unit(unit),
            None => false,
        };
        let message = if visible {
            format!("Số CCCD này đã có trong hồ sơ quần chúng {name} (mã số {other}) đang theo dõi.")
        } else {
            "Số CCCD này đã có trong hồ sơ quần chúng do một chi bộ khác đang theo dõi; liên hệ ban tổ chức cấp trên.".to_owned()
        };
        errors.push("citizen_id", "duplicate", message);
    }
    if let Some((member, name)) = sql::member_with(conn, sql::UniqueColumn::CitizenId, c.identity.citizen_id.as_str(), None).await?
        && c.former_member != Some(member)
    {
        let message = if sight.member(member) {
            format!("Số CCCD này thuộc đảng viên {name} (mã số {}); nếu là đảng viên cũ xin kết nạp lại, ghi mã số đó.", member.0)
        } else {
            crate::members::taken_elsewhere("Số CCCD")
        };
        errors.push("citizen_id", "duplicate", message);
    }
    if let Some(h) = c.helper {
        match member_facts(conn, h, ctx.today).await?.filter(|_| sight.member(h)) {
            None => errors.push("helper_member_id", "unknown", not_within_reach(h)),
            Some(f) if f.official_since.is_none() => {
                errors.push("helper_member_id", "not_official", format!("{} không phải đảng viên chính thức đang sinh hoạt.", f.name))
            }
            Some(_) => {}
        }
    }
    if let Some(former) = c.former_member {
        match member_facts(conn, former, ctx.today).await?.filter(|_| sight.member(former)) {
            None => errors.push("former_member_id", "unknown", not_within_reach(former)),
            Some(f) if f.active => errors.push(
                "former_member_id",
                "still_member",
                format!("{} vẫn đang sinh hoạt đảng: chỉ kết nạp lại người đã ra khỏi Đảng.", f.name),
            ),
            Some(_) => {}
        }
    }
    errors.into_result().map_err(StoreError::Invalid)
}

/// A member id that does not exist or lies outside the writer's reach: the same words for both.
fn not_within_reach(member: MemberId) -> String {
    format!("Không tìm thấy đảng viên mã số {} trong phạm vi bạn quản lý.", member.0)
}

/// A member as an introducer or helper on a date: name, official since (if official that day),
/// active that day.
async fn member_facts(conn: &mut dyn Conn, member: MemberId, on: NaiveDate) -> Result<Option<IntroducerFacts>> {
    let Some((_, identity, _, _)) = sql::member_row(conn, member).await? else { return Ok(None) };
    let events = sql::events(conn, member).await?;
    let units = load_units(conn, &events).await?;
    let h = history::derive(&events, &units);
    let span = h.span_on(on);
    let official = span.is_some_and(|s| s.status == Status::Official);
    Ok(Some(IntroducerFacts {
        name: identity.full_name.as_str().to_owned(),
        official_since: official.then(|| h.official_since().filter(|d| *d <= on).unwrap_or(on)),
        active: span.is_some_and(|s| s.status.is_active()),
    }))
}

/// An introducer as the register knows them on the letter's date: one the writer may read, by
/// member id; or one of another organization whose full name and card number match the register
/// (the name given is the one typed: nothing else is revealed).
async fn introducer_facts(conn: &mut dyn Conn, who: &IntroducerId, on: NaiveDate, sight: &Sight<'_>) -> Result<Option<IntroducerFacts>> {
    match who {
        IntroducerId::Member { member } if sight.member(*member) => member_facts(conn, *member, on).await,
        IntroducerId::Member { .. } => Ok(None),
        IntroducerId::Card { full_name, party_card_number } => {
            let Some((member, name)) = sql::member_with(conn, sql::UniqueColumn::CardNumber, party_card_number.as_str(), None).await?
            else {
                return Ok(None);
            };
            if domain::text::fold(&name) != domain::text::fold(full_name) {
                return Ok(None);
            }
            Ok(member_facts(conn, member, on).await?.map(|f| IntroducerFacts { name: full_name.clone(), ..f }))
        }
    }
}

/// What the checks of `new` need from the register.
async fn facts(conn: &mut dyn Conn, c: &Candidate, steps: &Steps, new: &StepData, sight: &Sight<'_>) -> Result<Facts> {
    let mut out = Facts::default();
    let intro = match new {
        StepData::Introduction { .. } => Some(new),
        _ => steps.introduction(),
    };
    if let Some(StepData::Introduction { introducers, .. }) = intro {
        for i in introducers {
            out.introducers.push((i.who.clone(), introducer_facts(conn, &i.who, i.introduced_on, sight).await?));
        }
    }
    if let Some(former) = c.former_member
        && sql::member_row(conn, former).await?.is_some()
    {
        let events = sql::events(conn, former).await?;
        let units = load_units(conn, &events).await?;
        let h = history::derive(&events, &units);
        let left = h
            .effective
            .iter()
            .rev()
            .find(|(_, e)| matches!(e.kind, EventKind::StruckOff { .. } | EventKind::Exited { .. } | EventKind::Expelled));
        if let Some((_, e)) = left {
            let barred = matches!(
                e.kind,
                EventKind::Exited { difficult_family: false } | EventKind::StruckOff { reason: StrikeOffReason::AbandonedActivities }
            );
            let previous = h.effective.iter().filter(|(_, e)| matches!(e.kind, EventKind::Readmitted { .. })).count() as u32;
            out.former = Some(Readmission {
                left_on: e.effective,
                previous_readmissions: previous,
                barred,
                record_expunged_on: None,
                provincial_consent: false,
            });
        }
    }
    Ok(out)
}
