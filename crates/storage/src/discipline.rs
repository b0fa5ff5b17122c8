//! The discipline register (domain::discipline, rules.md §5.4, docs/design/member-routines.md):
//! each discipline with its deciding body and dates, what was recorded within its 12 months, the
//! later decision that lifted it, and where it stands on a day. Recording an expulsion writes the
//! register's `khai-tru` event in the same transaction. Each write audited in its transaction.

use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::json;

use domain::discipline::{Discipline, Form, Interruption, Standing, Subject};
use domain::event::{Entry, EventData, EventKind};
use domain::history::Status;
use domain::ids::{DecisionNumber, MemberId, UnitId};
use domain::unit::LegalBasis;

use crate::context::WriteContext;
use crate::error::{Result, StoreError};
use crate::members::append_event_tx;
use crate::model::AuditRecord;
use crate::sql;
use crate::sql::discipline::NewDiscipline;
pub use crate::sql::discipline::{DisciplineRow, InterruptionRow};
use crate::store::SqlStore;

/// A discipline to record.
#[derive(Debug, Clone)]
pub struct DisciplineInput {
    pub form: Form,
    /// The deciding body, as its decision names it.
    pub body: String,
    pub decision: DecisionNumber,
    pub decided_on: NaiveDate,
    pub announced_on: NaiveDate,
    pub reason: String,
    /// The post removed from (required for cách chức).
    pub post: Option<String>,
}

/// A discipline with what was recorded within it and where it stands on the day read.
#[derive(Debug, Clone)]
pub struct DisciplineView {
    pub row: DisciplineRow,
    pub interruptions: Vec<InterruptionRow>,
    pub standing: Standing,
    pub member_name: String,
    /// The member's chi bộ on the announcement day, with its parent.
    pub unit_name: String,
}

impl DisciplineView {
    pub fn discipline(&self) -> Discipline {
        self.row.discipline()
    }
}

impl DisciplineRow {
    pub fn discipline(&self) -> Discipline {
        Discipline { form: self.form, decided_on: self.decided_on, announced_on: self.announced_on }
    }

    /// Where it stands on `on`, with what was recorded within it.
    pub fn standing(&self, interruptions: &[InterruptionRow], on: NaiveDate) -> Standing {
        let days: Vec<NaiveDate> = interruptions.iter().filter(|i| i.discipline == self.id).map(|i| i.on).collect();
        domain::discipline::standing_lifted(&self.discipline(), &days, self.lifted_on, on)
    }
}

#[async_trait]
pub trait DisciplineStore: Send + Sync {
    /// Records a discipline of `member` (an expulsion also writes the register's event).
    async fn record_discipline(&self, ctx: &WriteContext, member: MemberId, input: DisciplineInput) -> Result<i64>;
    /// Records a complaint or a new violation within a discipline's 12 months, at `version`.
    async fn record_interruption(
        &self,
        ctx: &WriteContext,
        id: i64,
        version: i64,
        kind: Interruption,
        on: NaiveDate,
        note: String,
    ) -> Result<()>;
    /// Records the later decision that ended a discipline on `on`, at `version`.
    async fn lift_discipline(&self, ctx: &WriteContext, id: i64, version: i64, on: NaiveDate, decision: DecisionNumber) -> Result<()>;
    /// A discipline (404 for none).
    async fn discipline(&self, id: i64, today: NaiveDate) -> Result<DisciplineView>;
    /// A member's disciplines, latest first.
    async fn member_disciplines(&self, member: MemberId, today: NaiveDate) -> Result<Vec<DisciplineView>>;
    /// The disciplines of members of `root`'s subtree (on the announcement day or today)
    /// announced on or after `since`, latest first.
    async fn disciplines_under(&self, root: UnitId, since: NaiveDate, today: NaiveDate) -> Result<Vec<DisciplineView>>;
}

impl SqlStore {
    pub(crate) async fn discipline_views(&self, rows: Vec<DisciplineRow>, today: NaiveDate) -> Result<Vec<DisciplineView>> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut conn = self.db.reader().await?;
        let all = sql::discipline::interruptions(conn.as_mut(), &ids).await?;
        drop(conn);
        let index = self.index.read();
        Ok(rows
            .into_iter()
            .map(|row| {
                let interruptions: Vec<InterruptionRow> = all.iter().filter(|i| i.discipline == row.id).cloned().collect();
                let standing = row.standing(&interruptions, today);
                let member_name = index.member_name(row.member).map(|(n, _)| n).unwrap_or_default();
                let unit_name =
                    index.member_unit_before(row.member, row.announced_on).map(|(u, on)| index.unit_with_parent(u, on)).unwrap_or_default();
                DisciplineView { row, interruptions, standing, member_name, unit_name }
            })
            .collect())
    }
}

#[async_trait]
impl DisciplineStore for SqlStore {
    async fn record_discipline(&self, ctx: &WriteContext, member: MemberId, input: DisciplineInput) -> Result<i64> {
        self.refresh_index().await?;
        let status = self.index.read().member_status(member, input.decided_on);
        let subject = match status {
            Some(Status::Probationary) => Subject { probationary: true, holds_post: input.post.is_some() },
            Some(Status::Official | Status::Exempt) => Subject { probationary: false, holds_post: input.post.is_some() },
            Some(_) => return Err(StoreError::invalid("decided_on", "not_member", "Ngày quyết định, người này không còn là đảng viên.")),
            None => return Err(StoreError::invalid("decided_on", "not_member", "Ngày quyết định, người này chưa là đảng viên.")),
        };
        let d = Discipline { form: input.form, decided_on: input.decided_on, announced_on: input.announced_on };
        let mut errors = domain::discipline::check(&d, subject, ctx.today).err().unwrap_or_default();
        // 69-QĐ/TW art. 7 and the Charter: the deciding body and the reason are part of the decision.
        if input.body.trim().is_empty() {
            errors.push("body", "required", "Ghi cấp ra quyết định kỷ luật.");
        }
        if input.reason.trim().is_empty() {
            errors.push("reason", "required", "Ghi nội dung vi phạm.");
        }
        if !errors.errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let (mut tx, seq) = self.begin_write().await?;
        let mut records = Vec::new();
        let mut event = None;
        if input.form == Form::Expulsion {
            // The register's event as today: the member is out of the Party from the announcement.
            let data = EventData {
                kind: EventKind::Expelled,
                effective: input.announced_on,
                basis: Some(LegalBasis { number: input.decision.clone(), date: input.decided_on, issuer: input.body.trim().to_string() }),
                note: Some(input.reason.trim().to_string()),
            };
            let (event_id, record) = append_event_tx(tx.as_mut(), ctx, member, None, Entry::Event(data), None).await?;
            records.push(record);
            event = Some(event_id.0);
        }
        let row = NewDiscipline {
            member,
            form: input.form,
            body: input.body.trim(),
            decision: input.decision.as_str(),
            decided_on: input.decided_on,
            announced_on: input.announced_on,
            reason: input.reason.trim(),
            post: input.post.as_deref().map(str::trim),
            event,
        };
        let id = sql::discipline::insert(tx.as_mut(), &row, ctx.now, &ctx.actor).await?;
        records.push(AuditRecord::new(
            "discipline.record",
            "member",
            member.0,
            json!({ "discipline": id, "form": input.form.code(), "decision": input.decision.as_str(), "decided_on": input.decided_on,
                    "announced_on": input.announced_on, "body": row.body, "event": event }),
        ));
        self.commit_write(tx, seq, ctx, &records, "member", &[member.0]).await?;
        Ok(id)
    }

    async fn record_interruption(
        &self,
        ctx: &WriteContext,
        id: i64,
        version: i64,
        kind: Interruption,
        on: NaiveDate,
        note: String,
    ) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let row = sql::discipline::one(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if row.version != version {
            return Err(StoreError::Conflict { current: row.version });
        }
        let end = domain::discipline::ends_on(row.announced_on);
        if !row.form.expires() {
            return Err(StoreError::invalid("kind", "expulsion", "Kỷ luật khai trừ không có thời hạn chấp hành để ghi thêm."));
        }
        if on < row.announced_on || on >= end {
            return Err(StoreError::invalid(
                "on",
                "outside",
                format!(
                    "Chỉ ghi sự việc trong 12 tháng kể từ ngày công bố ({} – {}).",
                    domain::dates::format_vn(row.announced_on),
                    domain::dates::format_vn(end)
                ),
            ));
        }
        if on > ctx.today {
            return Err(StoreError::invalid("on", "future", "Chưa đến ngày này."));
        }
        if note.trim().is_empty() {
            return Err(StoreError::invalid("note", "required", "Ghi nội dung sự việc."));
        }
        let i = InterruptionRow { discipline: id, kind, on, note: note.trim().to_string() };
        sql::discipline::insert_interruption(tx.as_mut(), &i, ctx.now, &ctx.actor).await?;
        if !sql::discipline::touch(tx.as_mut(), id, version).await? {
            return Err(StoreError::Conflict { current: row.version });
        }
        let record =
            AuditRecord::new("discipline.interruption", "member", row.member.0, json!({ "discipline": id, "kind": kind.code(), "on": on }));
        self.commit_write(tx, seq, ctx, &[record], "discipline", &[id]).await
    }

    async fn lift_discipline(&self, ctx: &WriteContext, id: i64, version: i64, on: NaiveDate, decision: DecisionNumber) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let row = sql::discipline::one(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if row.version != version {
            return Err(StoreError::Conflict { current: row.version });
        }
        if row.lifted_on.is_some() {
            return Err(StoreError::invalid("lifted_on", "lifted", "Đã ghi quyết định chấm dứt kỷ luật này."));
        }
        domain::discipline::check_lift(&row.discipline(), on, ctx.today).map_err(StoreError::Invalid)?;
        if !sql::discipline::lift(tx.as_mut(), id, version, on, decision.as_str()).await? {
            return Err(StoreError::Conflict { current: row.version });
        }
        let record = AuditRecord::new(
            "discipline.lift",
            "member",
            row.member.0,
            json!({ "discipline": id, "on": on, "decision": decision.as_str() }),
        );
        self.commit_write(tx, seq, ctx, &[record], "discipline", &[id]).await
    }

    async fn discipline(&self, id: i64, today: NaiveDate) -> Result<DisciplineView> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let row = sql::discipline::one(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        drop(conn);
        self.discipline_views(vec![row], today).await?.pop().ok_or(StoreError::NotFound)
    }

    async fn member_disciplines(&self, member: MemberId, today: NaiveDate) -> Result<Vec<DisciplineView>> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let rows = sql::discipline::of_member(conn.as_mut(), member).await?;
        drop(conn);
        self.discipline_views(rows, today).await
    }

    async fn disciplines_under(&self, root: UnitId, since: NaiveDate, today: NaiveDate) -> Result<Vec<DisciplineView>> {
        self.refresh_index().await?;
        self.index.read().unit_latest(root).ok_or(StoreError::NotFound)?;
        let mut conn = self.db.reader().await?;
        let rows = sql::discipline::since(conn.as_mut(), since).await?;
        drop(conn);
        let rows: Vec<DisciplineRow> = {
            let index = self.index.read();
            rows.into_iter()
                .filter(|r| index.member_within_before(r.member, root, r.announced_on) || index.member_within(r.member, root, today))
                .collect()
        };
        self.discipline_views(rows, today).await
    }
}
