//! [`TransferStore`]: transfers of party activity as the two-sided procedure
//! (docs/design/transfers.md). Each step writes the transfer's row and the register's event in
//! one transaction: the letter writes the transfer out (`chuyen-di`), the acceptance the transfer
//! in (`chuyen-den`), a refusal or a cancellation voids the transfer out (the member is back on
//! the sender's list as if the letter had not been issued), the return of a temporary transfer
//! its `chuyen-den` back home. The rules are `domain::transfers`'.

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use domain::ValidationErrors;
use domain::event::{Entry, EventData, EventKind, TransferMode, UnitRef};
use domain::ids::{DecisionNumber, EventId, MemberId, UnitId};
use domain::transfers::{
    BookCounts, BookLine, Deadlines, Late, Outcome, Route, Sides, TemporaryReason, Transfer, TransferPlan, TransferSettings, TransferStage,
    Tree, answering_unit,
};
use domain::unit::LegalBasis;
use domain::workdays::WorkCalendar;

use crate::context::WriteContext;
use crate::db::Conn;
use crate::error::{Result, StoreError};
use crate::index::Index;
use crate::members::append_event_tx;
use crate::model::AuditRecord;
use crate::prelude::AdmissionStore;
use crate::sql;
use crate::sql::transfers::{self as q, StoredTransfer};
use crate::store::SqlStore;

/// One side of a transfer as read: a unit of the register with its name, or an organization
/// outside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SideView {
    pub unit: Option<UnitId>,
    pub name: String,
    /// A chi bộ (a unit members belong to).
    pub cell: bool,
}

/// A transfer as read, with where it stands and what is late on the day asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferView {
    pub id: i64,
    pub version: i64,
    pub member: MemberId,
    pub full_name: String,
    pub mode: TransferMode,
    pub mode_label: String,
    pub temporary_reason: Option<TemporaryReason>,
    pub route: Route,
    pub route_label: String,
    pub from: SideView,
    pub to: SideView,
    /// For a letter still waiting: the unit that answers for its destination today (the
    /// destination, or the unit it became by a merger while the member was on the way).
    pub answering: Option<SideView>,
    pub letter_number: String,
    pub letter_date: NaiveDate,
    pub letter_issuer: String,
    pub until: Option<NaiveDate>,
    pub cause: String,
    pub cause_on: Option<NaiveDate>,
    pub presented_on: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    /// The unit that accepted the member.
    pub accepted_into: Option<SideView>,
    pub returned_on: Option<NaiveDate>,
    pub stage: TransferStage,
    pub stage_label: String,
    pub deadlines: Deadlines,
    pub late: Option<Late>,
    pub late_label: Option<String>,
    /// The letter came more than 60 working days after the decision (rules.md §4).
    pub started_late: bool,
    pub created_by: String,
}

impl TransferView {
    /// The transfer as the domain's rules read it.
    pub fn transfer(&self) -> Transfer {
        let side = |s: &SideView| match s.unit {
            Some(u) => UnitRef::Internal(u),
            None => UnitRef::External(s.name.clone()),
        };
        Transfer {
            plan: TransferPlan {
                mode: self.mode,
                temporary_reason: self.temporary_reason,
                from: side(&self.from),
                to: side(&self.to),
                route: self.route,
                letter: domain::transfers::Letter {
                    number: self.letter_number.clone(),
                    date: self.letter_date,
                    issuer: self.letter_issuer.clone(),
                },
                until: self.until,
                cause: self.cause.clone(),
                cause_on: self.cause_on,
            },
            presented_on: self.presented_on,
            outcome: self.outcome.clone(),
            returned_on: self.returned_on,
        }
    }
}

/// One line of a unit's transfer book with its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookLineCount {
    pub line: BookLine,
    pub label: String,
    pub count: u64,
}

/// A unit's transfer book over a period (sổ theo dõi chuyển sinh hoạt đảng): the counts of each
/// line, the transfers behind the line asked (all of them when none), and what is late today on
/// either side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferBook {
    pub unit: UnitId,
    pub unit_name: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub counts: BookCounts,
    pub lines: Vec<BookLineCount>,
    pub line: Option<BookLine>,
    pub rows: Vec<TransferView>,
    /// Late on the day asked, on the sending or the receiving side.
    pub late: Vec<TransferView>,
}

/// The transfers of party activity.
#[async_trait]
pub trait TransferStore: Send + Sync {
    /// The sending side issues the letter for a member of its chi bộ on the letter's day; the
    /// member is in transit (or, for a temporary transfer, away) from that day.
    async fn issue_transfer(&self, ctx: &WriteContext, member: MemberId, plan: TransferPlan) -> Result<i64>;
    /// A member of the register who left it (in transit to an organization outside it: abroad,
    /// another province) comes back with that organization's letter: accepted into `unit` on
    /// `on` at once (the transfer in), the letter kept (`plan.from` outside the register).
    async fn receive_transfer(&self, ctx: &WriteContext, member: MemberId, plan: TransferPlan, unit: UnitId, on: NaiveDate) -> Result<i64>;
    /// The member presented the letter to the receiving side.
    async fn present_transfer(&self, ctx: &WriteContext, id: i64, version: i64, on: NaiveDate) -> Result<()>;
    /// The receiving side accepts the member into `unit` on `on`.
    async fn accept_transfer(&self, ctx: &WriteContext, id: i64, version: i64, unit: UnitId, on: NaiveDate) -> Result<()>;
    /// The receiving side refuses, with the reason.
    async fn refuse_transfer(&self, ctx: &WriteContext, id: i64, version: i64, on: NaiveDate, reason: String) -> Result<()>;
    /// The sending side withdraws the letter, with the reason.
    async fn cancel_transfer(&self, ctx: &WriteContext, id: i64, version: i64, on: NaiveDate, reason: String) -> Result<()>;
    /// The return slip of an organization outside the register came back.
    async fn close_transfer(&self, ctx: &WriteContext, id: i64, version: i64, on: NaiveDate, slip: String) -> Result<()>;
    /// The member of a temporary transfer is back at home.
    async fn return_transfer(&self, ctx: &WriteContext, id: i64, version: i64, on: NaiveDate) -> Result<()>;
    async fn transfer(&self, id: i64, today: NaiveDate) -> Result<TransferView>;
    /// A member's transfers, oldest letter first.
    async fn member_transfers(&self, member: MemberId, today: NaiveDate) -> Result<Vec<TransferView>>;
    /// The transfer book of `root`'s subtree over `[first, last]`, read on `today`.
    async fn transfer_book(
        &self,
        root: UnitId,
        first: NaiveDate,
        last: NaiveDate,
        line: Option<BookLine>,
        today: NaiveDate,
    ) -> Result<TransferBook>;
    fn transfer_settings(&self) -> TransferSettings;
}

fn invalid(e: ValidationErrors) -> StoreError {
    StoreError::Invalid(e)
}

fn letter_basis(t: &TransferPlan) -> Result<LegalBasis> {
    let number = DecisionNumber::parse(&t.letter.number).map_err(|e| invalid(ValidationErrors { errors: vec![e] }))?;
    Ok(LegalBasis { number, date: t.letter.date, issuer: t.letter.issuer.clone() })
}

impl SqlStore {
    fn side_view(index: &Index, side: &UnitRef, on: NaiveDate) -> SideView {
        match side {
            UnitRef::Internal(u) => {
                let cell = index.unit_version_on(*u, on).or_else(|| index.unit_latest(*u)).is_some_and(|v| v.kind.holds_members());
                SideView { unit: Some(*u), name: unit_name(index, *u, on), cell }
            }
            UnitRef::External(name) => SideView { unit: None, name: name.clone(), cell: false },
        }
    }

    fn transfer_view(&self, index: &Index, calendar: &WorkCalendar, s: StoredTransfer, today: NaiveDate) -> TransferView {
        let settings = self.transfer_settings();
        let t = &s.transfer;
        let p = &t.plan;
        let stage = t.stage(today);
        let late = t.late(calendar, settings, today);
        let answering = match (&p.to, stage.pending()) {
            (UnitRef::Internal(dest), true) => {
                answering_unit(*dest, today, index).filter(|a| a != dest).map(|a| Self::side_view(index, &UnitRef::Internal(a), today))
            }
            _ => None,
        };
        let accepted_into = match &t.outcome {
            Some(Outcome::Accepted { unit, on }) => Some(Self::side_view(index, &UnitRef::Internal(*unit), *on)),
            _ => None,
        };
        TransferView {
            id: s.id,
            version: s.version,
            member: s.member,
            full_name: index.member_name(s.member).map(|n| n.0).unwrap_or_default(),
            mode: p.mode,
            mode_label: p.mode.label().to_owned(),
            temporary_reason: p.temporary_reason,
            route: p.route,
            route_label: p.route.label().to_owned(),
            from: Self::side_view(index, &p.from, p.letter.date),
            to: Self::side_view(index, &p.to, p.letter.date),
            answering,
            letter_number: p.letter.number.clone(),
            letter_date: p.letter.date,
            letter_issuer: p.letter.issuer.clone(),
            until: p.until,
            cause: p.cause.clone(),
            cause_on: p.cause_on,
            presented_on: t.presented_on,
            outcome: t.outcome.clone(),
            accepted_into,
            returned_on: t.returned_on,
            stage,
            stage_label: stage.label().to_owned(),
            deadlines: p.deadlines(t.presented_on, calendar, settings),
            late,
            late_label: late.map(|l| l.kind.label().to_owned()),
            started_late: p.started_late(calendar),
            created_by: s.created_by,
        }
    }

    async fn load_transfer(&self, tx: &mut dyn Conn, id: i64, version: i64) -> Result<StoredTransfer> {
        let s = q::get(tx, id).await?.ok_or(StoreError::NotFound)?;
        if s.version != version {
            return Err(StoreError::Conflict { current: s.version });
        }
        Ok(s)
    }

    /// Writes the outcome with its audit entry and the member's change, then commits.
    #[allow(clippy::too_many_arguments)]
    async fn finish_transfer(
        &self,
        mut tx: Box<dyn crate::db::Tx>,
        seq: i64,
        ctx: &WriteContext,
        s: &StoredTransfer,
        outcome: Outcome,
        in_event: Option<i64>,
        mut records: Vec<AuditRecord>,
    ) -> Result<()> {
        if !q::set_outcome(tx.as_mut(), s.id, s.version, &outcome, in_event, ctx.now).await? {
            return Err(StoreError::Conflict { current: s.version });
        }
        let action = match &outcome {
            Outcome::Accepted { .. } => "transfer.accept",
            Outcome::Refused { .. } => "transfer.refuse",
            Outcome::Cancelled { .. } => "transfer.cancel",
            Outcome::Closed { .. } => "transfer.close",
        };
        records.push(AuditRecord::new(action, "transfer", s.id, json!({ "member": s.member.0, "outcome": outcome })));
        sql::log_changes(tx.as_mut(), seq, "member", &[s.member.0], self.db.max_params()).await?;
        self.commit_write(tx, seq, ctx, &records, "transfer", &[s.id]).await
    }

    /// Voids the letter's transfer out on the register (a refusal or a cancellation).
    async fn void_letter(&self, tx: &mut dyn Conn, ctx: &WriteContext, s: &StoredTransfer, reason: String) -> Result<Vec<AuditRecord>> {
        let Some(out) = s.out_event else { return Ok(Vec::new()) };
        let (_, record) = append_event_tx(tx, ctx, s.member, None, Entry::Void, Some((EventId(out), reason))).await?;
        Ok(vec![record])
    }
}

fn unit_name(index: &Index, unit: UnitId, on: NaiveDate) -> String {
    index.unit_version_on(unit, on).or_else(|| index.unit_latest(unit)).map(|v| v.name.clone()).unwrap_or_default()
}

/// Whether a unit of a transfer's side lies in `root`'s subtree: on the day it acted, or through
/// the unit it became by today.
fn side_within(index: &Index, unit: UnitId, root: UnitId, on: NaiveDate, today: NaiveDate) -> bool {
    index.is_within(unit, root, on) || answering_unit(unit, today, index).is_some_and(|a| index.is_within(a, root, today))
}

/// Which sides of a transfer `root`'s subtree keeps.
pub(crate) fn sides_of(index: &Index, t: &Transfer, root: UnitId, today: NaiveDate) -> Sides {
    let date = t.plan.letter.date;
    let sending = t.plan.from.internal().is_some_and(|u| side_within(index, u, root, date, today));
    let accepted = match &t.outcome {
        Some(Outcome::Accepted { unit, on }) => side_within(index, *unit, root, *on, today),
        _ => false,
    };
    let receiving = accepted || t.plan.to.internal().is_some_and(|u| side_within(index, u, root, date, today));
    Sides { sending, receiving }
}

#[async_trait]
impl TransferStore for SqlStore {
    async fn issue_transfer(&self, ctx: &WriteContext, member: MemberId, plan: TransferPlan) -> Result<i64> {
        self.refresh_index().await?;
        let on = plan.letter.date;
        let (from, same) = {
            let index = self.index.read();
            let Some(from) = index.member_unit_on(member, on) else {
                return Err(StoreError::invalid(
                    "letter_date",
                    "not_active",
                    "Đảng viên không sinh hoạt ở chi bộ nào của hệ thống vào ngày cấp giấy.",
                ));
            };
            if let UnitRef::Internal(to) = &plan.to
                && !index.stands(*to, on)
            {
                return Err(StoreError::invalid("to", "unit_not_standing", "Tổ chức nơi đến không tồn tại vào ngày cấp giấy."));
            }
            let same = plan
                .to
                .internal()
                .map(|to| index.grassroots_of(from, on).is_some() && index.grassroots_of(from, on) == index.grassroots_of(to, on));
            (from, same)
        };
        let plan = TransferPlan { from: UnitRef::Internal(from), ..plan }.check(same).map_err(invalid)?;
        let event = EventData {
            kind: EventKind::TransferredOut { mode: plan.mode, from, to: plan.to.clone() },
            effective: on,
            basis: Some(letter_basis(&plan)?),
            note: Some(plan.cause.clone()),
        };
        let (mut tx, seq) = self.begin_write().await?;
        let (event_id, event_record) = append_event_tx(tx.as_mut(), ctx, member, None, Entry::Event(event), None).await?;
        let id = q::insert(tx.as_mut(), member, &plan, Some(event_id.0), ctx.now, &ctx.actor).await?;
        let record = AuditRecord::new("transfer.issue", "transfer", id, json!({ "member": member.0, "plan": plan }));
        sql::log_changes(tx.as_mut(), seq, "member", &[member.0], self.db.max_params()).await?;
        self.commit_write(tx, seq, ctx, &[event_record, record], "transfer", &[id]).await?;
        Ok(id)
    }

    async fn receive_transfer(&self, ctx: &WriteContext, member: MemberId, plan: TransferPlan, unit: UnitId, on: NaiveDate) -> Result<i64> {
        if !plan.from_outside() {
            return Err(StoreError::invalid("from", "required", "Ghi tổ chức đảng ngoài hệ thống đã giới thiệu đảng viên."));
        }
        let plan = TransferPlan { to: UnitRef::Internal(unit), ..plan }.check(None).map_err(invalid)?;
        if on < plan.letter.date {
            return Err(StoreError::invalid("on", "before_letter", "Ngày tiếp nhận không thể trước ngày của giấy giới thiệu."));
        }
        self.refresh_index().await?;
        if !self.index.read().unit_version_on(unit, on).is_some_and(|v| v.kind.holds_members()) {
            return Err(StoreError::invalid("unit", "not_a_cell", "Chọn chi bộ tiếp nhận đảng viên (đang tồn tại vào ngày tiếp nhận)."));
        }
        let (mut tx, seq) = self.begin_write().await?;
        let waiting =
            q::of_member(tx.as_mut(), member).await?.iter().any(|t| t.transfer.outcome.is_none() && !t.transfer.plan.to_outside());
        if waiting {
            return Err(StoreError::invalid(
                "member",
                "use_transfer",
                "Đảng viên có giấy giới thiệu trong hệ thống đang chờ: tiếp nhận trên trang của giấy đó.",
            ));
        }
        let event = EventData {
            kind: EventKind::TransferredIn { mode: TransferMode::Official, unit },
            effective: on,
            basis: Some(letter_basis(&plan)?),
            note: Some(format!(
                "Tiếp nhận từ {}",
                match &plan.from {
                    UnitRef::External(n) => n.as_str(),
                    UnitRef::Internal(_) => "",
                }
            )),
        };
        let (event_id, event_record) = append_event_tx(tx.as_mut(), ctx, member, None, Entry::Event(event), None).await?;
        let id = q::insert(tx.as_mut(), member, &plan, None, ctx.now, &ctx.actor).await?;
        q::set_presented(tx.as_mut(), id, 1, on, ctx.now).await?;
        q::set_outcome(tx.as_mut(), id, 2, &Outcome::Accepted { on, unit }, Some(event_id.0), ctx.now).await?;
        let record =
            AuditRecord::new("transfer.receive", "transfer", id, json!({ "member": member.0, "plan": plan, "unit": unit.0, "on": on }));
        sql::log_changes(tx.as_mut(), seq, "member", &[member.0], self.db.max_params()).await?;
        self.commit_write(tx, seq, ctx, &[event_record, record], "transfer", &[id]).await?;
        Ok(id)
    }

    async fn present_transfer(&self, ctx: &WriteContext, id: i64, version: i64, on: NaiveDate) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let s = self.load_transfer(tx.as_mut(), id, version).await?;
        s.transfer.check_present(on).map_err(invalid)?;
        if !q::set_presented(tx.as_mut(), id, version, on, ctx.now).await? {
            return Err(StoreError::Conflict { current: s.version });
        }
        let record = AuditRecord::new("transfer.present", "transfer", id, json!({ "member": s.member.0, "on": on }));
        self.commit_write(tx, seq, ctx, &[record], "transfer", &[id]).await
    }

    async fn accept_transfer(&self, ctx: &WriteContext, id: i64, version: i64, unit: UnitId, on: NaiveDate) -> Result<()> {
        self.refresh_index().await?;
        let (mut tx, seq) = self.begin_write().await?;
        let s = self.load_transfer(tx.as_mut(), id, version).await?;
        {
            let index = self.index.read();
            s.transfer.check_accept(unit, on, &*index).map_err(invalid)?;
            if !index.unit_version_on(unit, on).is_some_and(|v| v.kind.holds_members()) {
                return Err(StoreError::invalid("unit", "not_a_cell", "Chọn chi bộ tiếp nhận đảng viên."));
            }
        }
        let mut records = Vec::new();
        let mut in_event = None;
        if s.transfer.plan.mode == TransferMode::Official {
            let event = EventData {
                kind: EventKind::TransferredIn { mode: TransferMode::Official, unit },
                effective: on,
                basis: Some(letter_basis(&s.transfer.plan)?),
                note: Some(format!("Tiếp nhận theo giấy giới thiệu số {}", s.transfer.plan.letter.number)),
            };
            let (event_id, record) = append_event_tx(tx.as_mut(), ctx, s.member, None, Entry::Event(event), None).await?;
            records.push(record);
            in_event = Some(event_id.0);
        }
        self.finish_transfer(tx, seq, ctx, &s, Outcome::Accepted { on, unit }, in_event, records).await
    }

    async fn refuse_transfer(&self, ctx: &WriteContext, id: i64, version: i64, on: NaiveDate, reason: String) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let s = self.load_transfer(tx.as_mut(), id, version).await?;
        let reason = s.transfer.check_refuse(on, &reason).map_err(invalid)?;
        let records = self.void_letter(tx.as_mut(), ctx, &s, format!("Nơi nhận từ chối tiếp nhận: {reason}")).await?;
        self.finish_transfer(tx, seq, ctx, &s, Outcome::Refused { on, reason }, None, records).await
    }

    async fn cancel_transfer(&self, ctx: &WriteContext, id: i64, version: i64, on: NaiveDate, reason: String) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let s = self.load_transfer(tx.as_mut(), id, version).await?;
        let reason = s.transfer.check_cancel(on, &reason).map_err(invalid)?;
        let records = self.void_letter(tx.as_mut(), ctx, &s, format!("Hủy giấy giới thiệu sinh hoạt đảng: {reason}")).await?;
        self.finish_transfer(tx, seq, ctx, &s, Outcome::Cancelled { on, reason }, None, records).await
    }

    async fn close_transfer(&self, ctx: &WriteContext, id: i64, version: i64, on: NaiveDate, slip: String) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let s = self.load_transfer(tx.as_mut(), id, version).await?;
        let slip = s.transfer.check_close(on, &slip).map_err(invalid)?;
        self.finish_transfer(tx, seq, ctx, &s, Outcome::Closed { on, slip }, None, Vec::new()).await
    }

    async fn return_transfer(&self, ctx: &WriteContext, id: i64, version: i64, on: NaiveDate) -> Result<()> {
        self.refresh_index().await?;
        let (mut tx, seq) = self.begin_write().await?;
        let s = self.load_transfer(tx.as_mut(), id, version).await?;
        s.transfer.check_return(on).map_err(invalid)?;
        let Some(home) = self.index.read().member_unit_on(s.member, on) else {
            return Err(StoreError::invalid("on", "not_active", "Đảng viên không còn sinh hoạt ở chi bộ nào của hệ thống vào ngày này."));
        };
        let event = EventData {
            kind: EventKind::TransferredIn { mode: TransferMode::Temporary, unit: home },
            effective: on,
            basis: Some(letter_basis(&s.transfer.plan)?),
            note: Some("Trở về sinh hoạt sau thời gian sinh hoạt tạm thời".into()),
        };
        let (event_id, event_record) = append_event_tx(tx.as_mut(), ctx, s.member, None, Entry::Event(event), None).await?;
        if !q::set_returned(tx.as_mut(), id, version, on, event_id.0, ctx.now).await? {
            return Err(StoreError::Conflict { current: s.version });
        }
        let record = AuditRecord::new("transfer.return", "transfer", id, json!({ "member": s.member.0, "on": on }));
        sql::log_changes(tx.as_mut(), seq, "member", &[s.member.0], self.db.max_params()).await?;
        self.commit_write(tx, seq, ctx, &[event_record, record], "transfer", &[id]).await
    }

    async fn transfer(&self, id: i64, today: NaiveDate) -> Result<TransferView> {
        self.refresh_index().await?;
        let calendar = self.work_calendar().await?;
        let mut conn = self.db.reader().await?;
        let s = q::get(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        drop(conn);
        let index = self.index.read();
        Ok(self.transfer_view(&index, &calendar, s, today))
    }

    async fn member_transfers(&self, member: MemberId, today: NaiveDate) -> Result<Vec<TransferView>> {
        self.refresh_index().await?;
        let calendar = self.work_calendar().await?;
        let mut conn = self.db.reader().await?;
        let rows = q::of_member(conn.as_mut(), member).await?;
        drop(conn);
        let index = self.index.read();
        Ok(rows.into_iter().map(|s| self.transfer_view(&index, &calendar, s, today)).collect())
    }

    async fn transfer_book(
        &self,
        root: UnitId,
        first: NaiveDate,
        last: NaiveDate,
        line: Option<BookLine>,
        today: NaiveDate,
    ) -> Result<TransferBook> {
        self.refresh_index().await?;
        let calendar = self.work_calendar().await?;
        let mut conn = self.db.reader().await?;
        let rows = q::touching(conn.as_mut(), first, last.max(today)).await?;
        drop(conn);
        let settings = self.transfer_settings();
        let index = self.index.read();
        let unit_name =
            index.unit_version_on(root, last.min(today)).or_else(|| index.unit_latest(root)).ok_or(StoreError::NotFound)?.name.clone();
        let mut counts = BookCounts::default();
        let mut shown = Vec::new();
        let mut late = Vec::new();
        for s in rows {
            let sides = sides_of(&index, &s.transfer, root, today);
            if !sides.sending && !sides.receiving {
                continue;
            }
            let in_period = s.transfer.plan.letter.date <= last;
            if in_period {
                counts.add(&s.transfer, sides, first, last);
            }
            let on_line = in_period
                && match line {
                    Some(l) => s.transfer.on_line(l, sides, first, last),
                    None => BookLine::ALL.iter().any(|l| s.transfer.on_line(*l, sides, first, last)),
                };
            let is_late = s.transfer.late(&calendar, settings, today).is_some();
            if on_line || is_late {
                let view = self.transfer_view(&index, &calendar, s, today);
                if is_late {
                    late.push(view.clone());
                }
                if on_line {
                    shown.push(view);
                }
            }
        }
        let lines = BookLine::ALL.iter().map(|l| BookLineCount { line: *l, label: l.label().to_owned(), count: counts.line(*l) }).collect();
        Ok(TransferBook { unit: root, unit_name, first, last, counts, lines, line, rows: shown, late })
    }

    fn transfer_settings(&self) -> TransferSettings {
        self.transfers
    }
}
