//! [`DirectiveStore`]: directives a committee sends down its subtree, and what each receiving
//! unit does with them (docs/design/operations.md "Directives and tasks down the tree"). The
//! receivers are the units the directive's reach picks under the sender, as the tree stands on
//! the day of sending; a receiver's steps are ordered by `domain::directives::Receipt::record`,
//! and its status is computed at every read from the calendar in force and the day asked.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use domain::directives::{self as rules, Deadline, DirectiveKind, Draft, Reach, Step, TaskStatus};
use domain::ids::UnitId;
use domain::unit::UnitKind;
use domain::workdays::WorkCalendar;

use domain::notifications::{self as notices, DirectiveFacts, Notice};

use crate::context::{WriteContext, vietnam_today};
use crate::db::Conn;
use crate::error::{Result, StoreError};
use crate::model::AuditRecord;
use crate::notifications::Recipients;
use crate::prelude::*;
use crate::sql::directives::{self as q, Received, StoredDirective, StoredReceipt};
use crate::store::SqlStore;

/// The task of a directive and its last day (computed from the calendar in force).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskView {
    /// What is to be done and the report expected back.
    pub asks: String,
    /// The deadline as set: working days from the day of sending…
    pub deadline_days: Option<u32>,
    /// …or a date.
    pub deadline_date: Option<NaiveDate>,
    /// The last day in time.
    pub due_on: NaiveDate,
}

/// Which units under the sender a directive reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReachView {
    /// Unit kinds (empty: every kind).
    pub kinds: Vec<UnitKind>,
    /// Levels below the sender (`null`: any depth).
    pub depth: Option<u32>,
    /// "Đảng bộ xã, phường, đặc khu; 1 cấp dưới".
    pub label: String,
}

/// A directive as its receivers and its sender read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectiveView {
    pub id: i64,
    pub sender: UnitId,
    pub sender_name: String,
    pub kind: DirectiveKind,
    pub kind_label: String,
    /// Số, ký hiệu.
    pub number: String,
    /// Trích yếu.
    pub title: String,
    pub body: String,
    pub sent_on: NaiveDate,
    pub reach: ReachView,
    /// `null`: for information, nothing to report back.
    pub task: Option<TaskView>,
    pub sent_by: String,
}

/// Where one receiving unit stands with a directive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptView {
    pub unit: UnitId,
    pub unit_name: String,
    pub unit_code: String,
    /// The receiving unit that passed the task on to this one (`null`: reached by the sender).
    pub via: Option<UnitId>,
    /// The last day for this unit (`null`: no task).
    pub due_on: Option<NaiveDate>,
    pub status: TaskStatus,
    pub status_label: String,
    pub opened_on: Option<NaiveDate>,
    pub started_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    /// The completion report.
    pub report: Option<String>,
    pub reported_by: Option<String>,
    pub reminded_on: Option<NaiveDate>,
    pub reminders: i64,
    /// Send it back to record a step.
    pub version: i64,
    /// Units this one passed the task on to, and how many of them are done.
    pub passed_on: u32,
    pub passed_on_done: u32,
}

/// How many receivers stand at one status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCount {
    pub status: TaskStatus,
    pub label: String,
    pub count: u32,
}

/// The sender's count of its receivers (those it reached itself): every status, zeros
/// included, and "hoàn thành N/M đơn vị".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TallyView {
    pub counts: Vec<StatusCount>,
    pub receivers: u32,
    pub done: u32,
}

/// A directive with every receipt (those passed on inside a receiving unit included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectiveDetail {
    pub directive: DirectiveView,
    /// The day the statuses are computed for.
    pub as_of: NaiveDate,
    pub tally: TallyView,
    pub receipts: Vec<ReceiptView>,
    /// The sender's files and those each receiving unit attached to its report.
    pub files: Vec<DirectiveFileView>,
}

/// A file of a directive (its content is downloaded apart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectiveFileView {
    pub id: i64,
    /// `null`: the sender's; else the receiving unit whose report it belongs to.
    pub unit: Option<UnitId>,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
}

/// Files a directive may carry, and a receiving unit may attach to its report.
pub const MAX_FILES: usize = 20;

fn file_view(f: q::StoredDirectiveFile) -> DirectiveFileView {
    DirectiveFileView { id: f.id, unit: f.unit, name: f.name, media_type: f.media_type, size: f.size, sha256: f.sha256 }
}

/// A directive in a sender's list, with its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SentItem {
    pub directive: DirectiveView,
    pub tally: TallyView,
}

/// A directive in a receiving unit's list, with the unit's receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceivedItem {
    pub directive: DirectiveView,
    pub receipt: ReceiptView,
}

/// A step a receiving unit records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptStep {
    /// Opened (recorded when someone of the unit first opens the directive).
    Open,
    /// Being worked on.
    Start,
    /// Done, with the report.
    Done { report: String },
}

/// The last day a forwarded task may be given: never after the directive's own.
fn check_forward_due(due: Option<NaiveDate>, own_due: Option<NaiveDate>, today: NaiveDate) -> Result<()> {
    match (due, own_due) {
        (Some(d), _) if d < today => Err(StoreError::invalid("due_on", "past", "Thời hạn giao phải từ hôm nay trở đi.")),
        (Some(d), Some(own)) if d > own => Err(StoreError::invalid(
            "due_on",
            "after_due",
            format!("Thời hạn giao không được sau thời hạn của cấp trên ({}).", domain::dates::format_vn(own)),
        )),
        (Some(_), None) => Err(StoreError::invalid("due_on", "no_task", "Văn bản để biết, không có nhiệm vụ để đặt thời hạn.")),
        _ => Ok(()),
    }
}

/// Directives down the tree (docs/design/operations.md).
#[async_trait]
pub trait DirectiveStore: Send + Sync {
    /// Sends a directive from `sender` to the units its reach picks under it today; returns its
    /// id. A reach that picks no unit is refused.
    async fn send_directive(&self, ctx: &WriteContext, sender: UnitId, draft: Draft) -> Result<i64>;
    /// A directive with every receipt, statuses as of `today` (`NotFound`: none with this id).
    async fn directive(&self, id: i64, today: NaiveDate) -> Result<DirectiveDetail>;
    /// The units a directive was sent from and to (for the scope checks, before anything else).
    async fn directive_units(&self, id: i64) -> Result<(UnitId, Vec<UnitId>)>;
    /// The directives `unit` sent in `year`, newest first.
    async fn directives_sent(&self, unit: UnitId, year: i32, today: NaiveDate) -> Result<Vec<SentItem>>;
    /// The directives `unit` received that were sent in `year`, newest first.
    async fn directives_received(&self, unit: UnitId, year: i32, today: NaiveDate) -> Result<Vec<ReceivedItem>>;
    /// What `unit` still has to do: tasks not done, directives not opened (oldest first).
    async fn directives_open(&self, unit: UnitId, today: NaiveDate) -> Result<Vec<ReceivedItem>>;
    /// Records a receiving unit's step. Opening is recorded once (later calls change nothing and
    /// need no version); the other steps need the receipt's version (`Conflict` otherwise).
    async fn record_receipt(&self, ctx: &WriteContext, id: i64, unit: UnitId, step: ReceiptStep, version: Option<i64>) -> Result<()>;
    /// Passes a task on from a receiving unit to the units `reach` picks under it (those already
    /// receiving it are left as they are), with an earlier last day if given; returns how many
    /// units it reached. Passing on counts as starting the task.
    async fn pass_on(&self, ctx: &WriteContext, id: i64, from: UnitId, reach: Reach, due_on: Option<NaiveDate>) -> Result<u32>;
    /// Reminds receivers not done yet (`units` among those the sender reached or their
    /// forwards); returns how many were reminded. A unit that is not a receiver is refused.
    async fn remind(&self, ctx: &WriteContext, id: i64, units: &[UnitId]) -> Result<u32>;
    /// Adds a file: the sender's (`unit` none) or to a receiving unit's report; at most
    /// [`MAX_FILES`] each. The type is the caller's, told from the content
    /// (`domain::documents::attachment_type`).
    async fn attach_directive_file(
        &self,
        ctx: &WriteContext,
        id: i64,
        unit: Option<UnitId>,
        name: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<i64>;
    /// The directive and unit a file belongs to (for the scope check before its content is read).
    async fn directive_file_owner(&self, file: i64) -> Result<(i64, Option<UnitId>)>;
    /// A file and its bytes.
    async fn directive_file(&self, file: i64) -> Result<(DirectiveFileView, Vec<u8>)>;
}

/// The units `reach` picks under `root` on `on`.
fn reached(index: &crate::index::Index, root: UnitId, reach: &Reach, on: NaiveDate) -> Vec<UnitId> {
    index.descendants(root, on).into_iter().filter(|d| reach.reaches(d.kind, d.depth)).map(|d| d.unit).collect()
}

fn reach_view(reach: &Reach) -> ReachView {
    ReachView { kinds: reach.kinds.clone(), depth: reach.depth, label: reach.label() }
}

/// What a read needs besides the rows: names, the calendar, the day.
struct Reading<'a> {
    names: HashMap<UnitId, (String, String)>,
    calendar: &'a WorkCalendar,
    today: NaiveDate,
}

impl Reading<'_> {
    fn name(&self, unit: UnitId) -> String {
        self.names.get(&unit).map(|n| n.0.clone()).unwrap_or_default()
    }

    fn due(&self, d: &StoredDirective) -> Option<NaiveDate> {
        d.draft.task.as_ref().map(|t| t.deadline.due(d.sent_on, self.calendar))
    }

    fn directive(&self, d: &StoredDirective) -> DirectiveView {
        DirectiveView {
            id: d.id,
            sender: d.sender,
            sender_name: self.name(d.sender),
            kind: d.draft.kind,
            kind_label: d.draft.kind.label().to_owned(),
            number: d.draft.number.clone(),
            title: d.draft.title.clone(),
            body: d.draft.body.clone(),
            sent_on: d.sent_on,
            reach: reach_view(&d.draft.reach),
            task: d.draft.task.as_ref().map(|t| TaskView {
                asks: t.asks.clone(),
                deadline_days: match t.deadline {
                    Deadline::WorkingDays(n) => Some(n),
                    Deadline::Date(_) => None,
                },
                deadline_date: match t.deadline {
                    Deadline::Date(day) => Some(day),
                    Deadline::WorkingDays(_) => None,
                },
                due_on: t.deadline.due(d.sent_on, self.calendar),
            }),
            sent_by: d.created_by.clone(),
        }
    }

    fn receipt(&self, d: &StoredDirective, r: &StoredReceipt, forwards: &[StoredReceipt]) -> ReceiptView {
        let due = self.due(d).map(|own| r.due_on.map_or(own, |set| set.min(own)));
        let status = r.receipt.status(due, self.today);
        let (names, code) = self.names.get(&r.unit).cloned().unwrap_or_default();
        let passed: Vec<&StoredReceipt> = forwards.iter().filter(|f| f.via == Some(r.unit)).collect();
        ReceiptView {
            unit: r.unit,
            unit_name: names,
            unit_code: code,
            via: r.via,
            due_on: due,
            status,
            status_label: status.label().to_owned(),
            opened_on: r.receipt.opened,
            started_on: r.receipt.started,
            done_on: r.receipt.done,
            report: r.report.clone(),
            reported_by: r.reported_by.clone(),
            reminded_on: r.reminded_on,
            reminders: r.reminders,
            version: r.version,
            passed_on: passed.len() as u32,
            passed_on_done: passed.iter().filter(|f| f.receipt.done.is_some()).count() as u32,
        }
    }
}

pub(crate) fn tally_of(receipts: &[ReceiptView]) -> TallyView {
    let t = rules::tally(receipts.iter().filter(|r| r.via.is_none()).map(|r| r.status));
    TallyView {
        counts: t.counts.into_iter().map(|(status, count)| StatusCount { status, label: status.label().to_owned(), count }).collect(),
        receivers: t.receivers,
        done: t.done,
    }
}

fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1);
    let last = NaiveDate::from_ymd_opt(year, 12, 31);
    first.zip(last).ok_or_else(|| StoreError::invalid("year", "out_of_range", "Năm không hợp lệ."))
}

impl SqlStore {
    /// Names and codes of the units, as they last stood.
    async fn unit_names(&self, units: impl IntoIterator<Item = UnitId>) -> Result<HashMap<UnitId, (String, String)>> {
        self.refresh_index().await?;
        let index = self.index.read();
        Ok(units.into_iter().filter_map(|u| index.unit_latest(u).map(|v| (u, (v.name.clone(), v.code.to_string())))).collect())
    }

    async fn received_items(&self, rows: Vec<Received>, today: NaiveDate) -> Result<Vec<ReceivedItem>> {
        let calendar = self.work_calendar().await?;
        let names = self.unit_names(rows.iter().flat_map(|r| [r.directive.sender, r.receipt.unit])).await?;
        let reading = Reading { names, calendar: &calendar, today };
        // The units each receiving unit passed the task on to, for its count: one query per
        // receiving unit, never the whole list of a directive's receivers.
        let mut conn = self.db.reader().await?;
        let mut forwards: HashMap<(i64, UnitId), Vec<StoredReceipt>> = HashMap::new();
        let mut units: Vec<UnitId> = rows.iter().map(|r| r.receipt.unit).collect();
        units.sort();
        units.dedup();
        for unit in units {
            let ids: Vec<i64> = rows.iter().filter(|r| r.receipt.unit == unit).map(|r| r.directive.id).collect();
            for f in q::forwards_from(conn.as_mut(), unit, &ids).await? {
                forwards.entry((f.directive, unit)).or_default().push(f);
            }
        }
        drop(conn);
        Ok(rows
            .iter()
            .map(|r| {
                let passed = forwards.get(&(r.directive.id, r.receipt.unit)).map_or(&[][..], Vec::as_slice);
                ReceivedItem { directive: reading.directive(&r.directive), receipt: reading.receipt(&r.directive, &r.receipt, passed) }
            })
            .collect())
    }
}

fn invalid(e: domain::error::FieldError) -> StoreError {
    StoreError::Invalid(domain::ValidationErrors { errors: vec![e] })
}

fn step_audit(step: &ReceiptStep) -> &'static str {
    match step {
        ReceiptStep::Open => "directive.open",
        ReceiptStep::Start => "directive.start",
        ReceiptStep::Done { .. } => "directive.report",
    }
}

impl SqlStore {
    /// The unit's name as it stands (empty when unknown).
    fn unit_name_now(&self, unit: UnitId) -> String {
        self.index.read().unit_latest(unit).map(|v| v.name.clone()).unwrap_or_default()
    }

    /// Tells the staff acting for each of `units` about directive `d` coming from `by`, with the
    /// last day `due` (one notice per unit, worded by `word` with the unit's name).
    #[allow(clippy::too_many_arguments)]
    async fn tell_units(
        &self,
        tx: &mut dyn Conn,
        ctx: &WriteContext,
        d: &StoredDirective,
        by: UnitId,
        units: &[UnitId],
        due: Option<NaiveDate>,
        word: impl Fn(&DirectiveFacts<'_>, &str) -> Notice + Send + Sync,
    ) -> Result<()> {
        let who = Recipients::load(tx).await?;
        let heading = notices::heading(d.draft.kind.label(), Some(&d.draft.number));
        let sender = self.unit_name_now(by);
        let facts = DirectiveFacts { id: d.id, heading: &heading, title: &d.draft.title, sender: &sender, due_on: due };
        for unit in units {
            let staff = who.acting_for(*unit);
            if staff.is_empty() {
                continue;
            }
            let notice = word(&facts, &self.unit_name_now(*unit));
            self.notify(tx, ctx, staff, &notice).await?;
        }
        Ok(())
    }
}

#[async_trait]
impl DirectiveStore for SqlStore {
    async fn send_directive(&self, ctx: &WriteContext, sender: UnitId, draft: Draft) -> Result<i64> {
        let today = vietnam_today(ctx.now);
        self.refresh_index().await?;
        let receivers = {
            let index = self.index.read();
            if index.unit_version_on(sender, today).is_none() {
                return Err(StoreError::invalid("sender", "not_standing", "Tổ chức gửi không còn tồn tại hôm nay."));
            }
            reached(&index, sender, &draft.reach, today)
        };
        if receivers.is_empty() {
            return Err(StoreError::invalid("reach_kinds", "none", "Không có tổ chức nào dưới tổ chức gửi thuộc loại và cấp đã chọn."));
        }
        let calendar = self.work_calendar().await?;
        let (mut tx, seq) = self.begin_write().await?;
        let id = q::insert_directive(tx.as_mut(), sender, today, &draft, ctx.now, &ctx.actor).await?;
        for unit in &receivers {
            q::insert_receipt(tx.as_mut(), id, *unit, None, None, ctx.now, &ctx.actor).await?;
        }
        let due = draft.task.as_ref().map(|t| t.deadline.due(today, &calendar));
        let stored = StoredDirective { id, sender, sent_on: today, draft: draft.clone(), created_by: ctx.actor.clone() };
        self.tell_units(tx.as_mut(), ctx, &stored, sender, &receivers, due, Notice::directive_received).await?;
        let details = json!({
            "sender": sender.0, "kind": draft.kind.code(), "number": draft.number, "title": draft.title,
            "receivers": receivers.len(), "task": draft.task.as_ref().map(|t| t.asks.clone()),
        });
        let record = AuditRecord::new("directive.send", "directive", id, details);
        self.commit_write(tx, seq, ctx, &[record], "directive", &[id]).await?;
        Ok(id)
    }

    async fn directive(&self, id: i64, today: NaiveDate) -> Result<DirectiveDetail> {
        let mut conn = self.db.reader().await?;
        let d = q::directive(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        let rows = q::receipts_of(conn.as_mut(), id).await?;
        let files = q::files_of(conn.as_mut(), id).await?.into_iter().map(file_view).collect();
        drop(conn);
        let calendar = self.work_calendar().await?;
        let names = self.unit_names(std::iter::once(d.sender).chain(rows.iter().map(|r| r.unit))).await?;
        let reading = Reading { names, calendar: &calendar, today };
        let mut receipts: Vec<ReceiptView> = rows.iter().map(|r| reading.receipt(&d, r, &rows)).collect();
        // The units the sender reached, by name, each followed by those it passed the task on to.
        let key = |r: &ReceiptView| domain::text::collation_key(&r.unit_name);
        receipts.sort_by_cached_key(|r| (r.via.map(|v| reading.name(v)).map(|n| domain::text::collation_key(&n)), key(r)));
        let mut ordered: Vec<ReceiptView> = Vec::with_capacity(receipts.len());
        for top in receipts.iter().filter(|r| r.via.is_none()) {
            ordered.push(top.clone());
            ordered.extend(receipts.iter().filter(|r| r.via == Some(top.unit)).cloned());
        }
        // Forwards of forwards (a sub-committee passing on again) follow the rest.
        for r in receipts.iter() {
            if !ordered.iter().any(|o| o.unit == r.unit) {
                ordered.push(r.clone());
            }
        }
        let tally = tally_of(&ordered);
        Ok(DirectiveDetail { directive: reading.directive(&d), as_of: today, tally, receipts: ordered, files })
    }

    async fn directive_units(&self, id: i64) -> Result<(UnitId, Vec<UnitId>)> {
        let mut conn = self.db.reader().await?;
        let d = q::directive(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        let units = q::receipts_of(conn.as_mut(), id).await?.into_iter().map(|r| r.unit).collect();
        Ok((d.sender, units))
    }

    async fn directives_sent(&self, unit: UnitId, year: i32, today: NaiveDate) -> Result<Vec<SentItem>> {
        let (first, last) = year_bounds(year)?;
        let mut conn = self.db.reader().await?;
        let sent = q::sent_by(conn.as_mut(), unit, first, last).await?;
        let mut all = Vec::with_capacity(sent.len());
        for d in sent {
            let rows = q::receipts_of(conn.as_mut(), d.id).await?;
            all.push((d, rows));
        }
        drop(conn);
        let calendar = self.work_calendar().await?;
        let mut units: Vec<UnitId> = all.iter().flat_map(|(_, rows)| rows.iter().map(|r| r.unit)).collect();
        units.push(unit);
        let names = self.unit_names(units).await?;
        let reading = Reading { names, calendar: &calendar, today };
        Ok(all
            .iter()
            .map(|(d, rows)| {
                let receipts: Vec<ReceiptView> = rows.iter().filter(|r| r.via.is_none()).map(|r| reading.receipt(d, r, &[])).collect();
                SentItem { directive: reading.directive(d), tally: tally_of(&receipts) }
            })
            .collect())
    }

    async fn directives_received(&self, unit: UnitId, year: i32, today: NaiveDate) -> Result<Vec<ReceivedItem>> {
        let (first, last) = year_bounds(year)?;
        let mut conn = self.db.reader().await?;
        let rows = q::received_by(conn.as_mut(), unit, first, last).await?;
        drop(conn);
        self.received_items(rows, today).await
    }

    async fn directives_open(&self, unit: UnitId, today: NaiveDate) -> Result<Vec<ReceivedItem>> {
        let mut conn = self.db.reader().await?;
        let rows = q::open_receipts(conn.as_mut(), unit).await?;
        drop(conn);
        self.received_items(rows, today).await
    }

    async fn record_receipt(&self, ctx: &WriteContext, id: i64, unit: UnitId, step: ReceiptStep, version: Option<i64>) -> Result<()> {
        let today = vietnam_today(ctx.now);
        let (mut tx, seq) = self.begin_write().await?;
        let d = q::directive(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        let mut r = q::receipt(tx.as_mut(), id, unit).await?.ok_or(StoreError::NotFound)?;
        let domain_step = match &step {
            ReceiptStep::Open if r.receipt.opened.is_some() => return Ok(()),
            ReceiptStep::Open => Step::Open,
            ReceiptStep::Start | ReceiptStep::Done { .. } if d.draft.task.is_none() => {
                return Err(StoreError::invalid("step", "no_task", "Văn bản này để biết, không có nhiệm vụ phải báo cáo."));
            }
            ReceiptStep::Start => Step::Start,
            ReceiptStep::Done { .. } => Step::Done,
        };
        if domain_step != Step::Open {
            match version {
                Some(v) if v == r.version => {}
                _ => return Err(StoreError::Conflict { current: r.version }),
            }
        }
        r.receipt.record(domain_step, today, d.sent_on).map_err(invalid)?;
        match &step {
            ReceiptStep::Open => r.opened_by = Some(ctx.actor.clone()),
            ReceiptStep::Start => {}
            ReceiptStep::Done { report } => {
                r.report = Some(report.clone());
                r.reported_by = Some(ctx.actor.clone());
            }
        }
        if !q::update_receipt(tx.as_mut(), &r, ctx.now, &ctx.actor).await? {
            return Err(StoreError::Conflict { current: r.version });
        }
        if matches!(step, ReceiptStep::Done { .. }) {
            // Told to the unit that reached this one: the sender, or the unit that passed it on.
            let above = r.via.unwrap_or(d.sender);
            let name = self.unit_name_now(unit);
            let word = |facts: &DirectiveFacts<'_>, _: &str| Notice::task_reported(facts, &name, today);
            self.tell_units(tx.as_mut(), ctx, &d, d.sender, &[above], None, word).await?;
        }
        let details = json!({ "directive": id, "unit": unit.0, "on": today, "report": r.report.as_deref().filter(|_| matches!(step, ReceiptStep::Done { .. })) });
        let record = AuditRecord::new(step_audit(&step), "directive", id, details);
        self.commit_write(tx, seq, ctx, &[record], "directive", &[id]).await
    }

    async fn pass_on(&self, ctx: &WriteContext, id: i64, from: UnitId, reach: Reach, due_on: Option<NaiveDate>) -> Result<u32> {
        let today = vietnam_today(ctx.now);
        let calendar = self.work_calendar().await?;
        self.refresh_index().await?;
        let (mut tx, seq) = self.begin_write().await?;
        let d = q::directive(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        let mut own = q::receipt(tx.as_mut(), id, from).await?.ok_or(StoreError::NotFound)?;
        let Some(task) = d.draft.task.as_ref() else {
            return Err(StoreError::invalid("step", "no_task", "Văn bản này để biết, không có nhiệm vụ để giao."));
        };
        if own.receipt.done.is_some() {
            return Err(StoreError::invalid("step", "already", "Đơn vị đã báo cáo hoàn thành nhiệm vụ này."));
        }
        let own_due = own.due_on.map_or(task.deadline.due(d.sent_on, &calendar), |set| set.min(task.deadline.due(d.sent_on, &calendar)));
        check_forward_due(due_on, Some(own_due), today)?;
        let existing: Vec<UnitId> = q::receipts_of(tx.as_mut(), id).await?.into_iter().map(|r| r.unit).collect();
        let targets: Vec<UnitId> = {
            let index = self.index.read();
            reached(&index, from, &reach, today).into_iter().filter(|u| !existing.contains(u)).collect()
        };
        if targets.is_empty() {
            return Err(StoreError::invalid(
                "reach_kinds",
                "none",
                "Không có tổ chức nào trực thuộc thuộc loại và cấp đã chọn (hoặc tất cả đã nhận văn bản này).",
            ));
        }
        for unit in &targets {
            q::insert_receipt(tx.as_mut(), id, *unit, Some(from), due_on, ctx.now, &ctx.actor).await?;
        }
        self.tell_units(tx.as_mut(), ctx, &d, from, &targets, Some(due_on.unwrap_or(own_due)), Notice::task_passed_on).await?;
        if own.receipt.started.is_none() {
            own.receipt.record(Step::Start, today, d.sent_on).map_err(invalid)?;
            if !q::update_receipt(tx.as_mut(), &own, ctx.now, &ctx.actor).await? {
                return Err(StoreError::Conflict { current: own.version });
            }
        }
        let details = json!({ "directive": id, "unit": from.0, "to": targets.iter().map(|u| u.0).collect::<Vec<_>>(), "due_on": due_on });
        let record = AuditRecord::new("directive.pass_on", "directive", id, details);
        self.commit_write(tx, seq, ctx, &[record], "directive", &[id]).await?;
        Ok(targets.len() as u32)
    }

    async fn remind(&self, ctx: &WriteContext, id: i64, units: &[UnitId]) -> Result<u32> {
        let today = vietnam_today(ctx.now);
        let (mut tx, seq) = self.begin_write().await?;
        let d = q::directive(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if d.draft.task.is_none() {
            return Err(StoreError::invalid("units", "no_task", "Văn bản này để biết, không có nhiệm vụ để nhắc."));
        }
        let rows = q::receipts_of(tx.as_mut(), id).await?;
        if units.is_empty() {
            return Err(StoreError::invalid("units", "required", "Chọn ít nhất một đơn vị để nhắc."));
        }
        let mut reminded = Vec::new();
        for unit in units {
            let Some(r) = rows.iter().find(|r| r.unit == *unit) else {
                return Err(StoreError::invalid("units", "not_receiver", "Có đơn vị được chọn không nhận văn bản này."));
            };
            if r.receipt.done.is_some() || reminded.contains(unit) {
                continue;
            }
            let mut r = r.clone();
            r.reminded_on = Some(today);
            r.reminders += 1;
            if !q::update_receipt(tx.as_mut(), &r, ctx.now, &ctx.actor).await? {
                return Err(StoreError::Conflict { current: r.version });
            }
            reminded.push(*unit);
        }
        if reminded.is_empty() {
            return Err(StoreError::invalid("units", "all_done", "Các đơn vị được chọn đều đã hoàn thành."));
        }
        let calendar = self.work_calendar().await?;
        let due = d.draft.task.as_ref().map(|t| t.deadline.due(d.sent_on, &calendar));
        for r in rows.iter().filter(|r| reminded.contains(&r.unit)) {
            // The unit that reached it reminds: the sender, or the unit that passed the task on.
            let by = r.via.unwrap_or(d.sender);
            let due = r.due_on.or(due);
            self.tell_units(tx.as_mut(), ctx, &d, by, &[r.unit], due, Notice::task_reminder).await?;
        }
        let details = json!({ "directive": id, "units": reminded.iter().map(|u| u.0).collect::<Vec<_>>() });
        let record = AuditRecord::new("directive.remind", "directive", id, details);
        self.commit_write(tx, seq, ctx, &[record], "directive", &[id]).await?;
        Ok(reminded.len() as u32)
    }

    async fn attach_directive_file(
        &self,
        ctx: &WriteContext,
        id: i64,
        unit: Option<UnitId>,
        name: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<i64> {
        let (mut tx, seq) = self.begin_write().await?;
        let d = q::directive(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if let Some(u) = unit {
            if q::receipt(tx.as_mut(), id, u).await?.is_none() {
                return Err(StoreError::NotFound);
            }
            if d.draft.task.is_none() {
                return Err(StoreError::invalid("file", "no_task", "Văn bản này để biết, không có báo cáo để đính kèm tệp."));
            }
        }
        let count = q::files_of(tx.as_mut(), id).await?.iter().filter(|f| f.unit == unit).count();
        if count >= MAX_FILES {
            return Err(StoreError::invalid("file", "too_many", format!("Mỗi văn bản, mỗi báo cáo có tối đa {MAX_FILES} tệp đính kèm.")));
        }
        let encoded = crate::files::encode(bytes);
        let new =
            q::NewFile { directive: id, unit, name, media_type, size: encoded.size, sha256: &encoded.sha256, content: &encoded.content };
        let file = q::insert_file(tx.as_mut(), &new, ctx.now, &ctx.actor).await?;
        let details = json!({ "directive": id, "sender": d.sender.0, "unit": unit.map(|u| u.0), "name": name, "media_type": media_type,
            "size": encoded.size, "sha256": encoded.sha256 });
        let record = AuditRecord::new("directive.attach", "directive", id, details);
        self.commit_write(tx, seq, ctx, &[record], "directive", &[id]).await?;
        Ok(file)
    }

    async fn directive_file_owner(&self, file: i64) -> Result<(i64, Option<UnitId>)> {
        let mut conn = self.db.reader().await?;
        q::file_owner(conn.as_mut(), file).await?.ok_or(StoreError::NotFound)
    }

    async fn directive_file(&self, file: i64) -> Result<(DirectiveFileView, Vec<u8>)> {
        let mut conn = self.db.reader().await?;
        let (f, content) = q::file(conn.as_mut(), file).await?.ok_or(StoreError::NotFound)?;
        Ok((file_view(f), crate::files::decode(&content)?))
    }
}
