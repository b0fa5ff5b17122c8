//! [`FeedbackStore`]: questions, proposals and recommendations sent up the tree and their
//! answers (docs/design/operations.md "Feedback upward"). A member writes to their chi bộ or a
//! committee above it; a unit to a committee above it; the addressee's staff answer.

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use domain::feedback::{FeedbackInput, FeedbackKind, answer_due};
use domain::ids::{MemberId, UnitId};
use domain::notifications::Notice;

use crate::context::{WriteContext, vietnam_today};
use crate::db::Conn;
use crate::error::{Result, StoreError};
use crate::model::AuditRecord;
use crate::notifications::Recipients;
use crate::prelude::*;
use crate::sql::feedback::{self as q, StoredFeedback};
use crate::store::SqlStore;

pub use crate::sql::feedback::Sender;

/// An item as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackView {
    pub id: i64,
    pub version: i64,
    /// The member who sent it (`null`: a unit did).
    pub from_member: Option<MemberId>,
    /// The unit that sent it (`null`: a member did).
    pub from_unit: Option<UnitId>,
    /// The sender's name.
    pub from_name: String,
    pub to_unit: UnitId,
    pub to_name: String,
    pub kind: FeedbackKind,
    pub kind_label: String,
    pub subject: String,
    pub body: String,
    pub sent_on: NaiveDate,
    pub sent_by: String,
    /// The day an answer is expected (two working weeks).
    pub answer_due: NaiveDate,
    /// Not answered by its day, as of the read.
    pub overdue: bool,
    pub answer: Option<String>,
    pub answered_on: Option<NaiveDate>,
    pub answered_by: Option<String>,
}

/// A unit someone may write to, with its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Addressee {
    pub unit: UnitId,
    pub name: String,
}

/// Feedback up the tree (docs/design/operations.md).
#[async_trait]
pub trait FeedbackStore: Send + Sync {
    /// Where `from` may write today: a member's chi bộ and the committees above it; a unit's
    /// committees above it. Nearest first.
    async fn feedback_addressees(&self, from: Sender, today: NaiveDate) -> Result<Vec<Addressee>>;
    /// Sends; the addressee must be one of `feedback_addressees`.
    async fn send_feedback(&self, ctx: &WriteContext, from: Sender, to: UnitId, input: FeedbackInput) -> Result<i64>;
    async fn feedback(&self, id: i64, today: NaiveDate) -> Result<FeedbackView>;
    /// What was sent to a unit, newest first.
    async fn feedback_to(&self, unit: UnitId, today: NaiveDate) -> Result<Vec<FeedbackView>>;
    /// What a member or a unit sent, newest first.
    async fn feedback_from(&self, from: Sender, today: NaiveDate) -> Result<Vec<FeedbackView>>;
    /// Answers (once; `Conflict` on a stale version).
    async fn answer_feedback(&self, ctx: &WriteContext, id: i64, version: i64, answer: String) -> Result<()>;
}

impl SqlStore {
    fn feedback_view(&self, f: StoredFeedback, calendar: &domain::workdays::WorkCalendar, today: NaiveDate) -> FeedbackView {
        let index = self.index.read();
        let unit_name = |u: UnitId| index.unit_latest(u).map(|v| v.name.clone()).unwrap_or_default();
        let (from_member, from_unit, from_name) = match f.from {
            Sender::Member(m) => (Some(m), None, index.member_name(m).map(|n| n.0).unwrap_or_default()),
            Sender::Unit(u) => (None, Some(u), unit_name(u)),
        };
        let due = answer_due(f.sent_on, calendar);
        FeedbackView {
            id: f.id,
            version: f.version,
            from_member,
            from_unit,
            from_name,
            to_unit: f.to,
            to_name: unit_name(f.to),
            kind: f.input.kind,
            kind_label: f.input.kind.label().to_owned(),
            subject: f.input.subject,
            body: f.input.body,
            sent_on: f.sent_on,
            sent_by: f.sent_by,
            answer_due: due,
            overdue: f.answered_on.is_none_or(|a| a > due) && today > due,
            answer: f.answer,
            answered_on: f.answered_on,
            answered_by: f.answered_by,
        }
    }

    async fn views(&self, rows: Vec<StoredFeedback>, today: NaiveDate) -> Result<Vec<FeedbackView>> {
        let calendar = self.work_calendar().await?;
        self.refresh_index().await?;
        Ok(rows.into_iter().map(|f| self.feedback_view(f, &calendar, today)).collect())
    }
}

impl SqlStore {
    /// The answer, to whoever sent the question: the member's account, or the staff acting for
    /// the unit that sent it.
    async fn tell_sender(&self, tx: &mut dyn Conn, ctx: &WriteContext, f: &StoredFeedback, answer: &str) -> Result<()> {
        self.refresh_index().await?;
        let by = self.index.read().unit_latest(f.to).map(|v| v.name.clone()).unwrap_or_default();
        let recipients = match f.from {
            Sender::Member(m) => Self::member_recipients(tx, &[m]).await?,
            Sender::Unit(u) => Recipients::load(tx).await?.acting_for(u),
        };
        self.notify(tx, ctx, recipients, &Notice::feedback_answered(f.id, &f.input.subject, &by, answer)).await
    }
}

#[async_trait]
impl FeedbackStore for SqlStore {
    async fn feedback_addressees(&self, from: Sender, today: NaiveDate) -> Result<Vec<Addressee>> {
        self.refresh_index().await?;
        let index = self.index.read();
        let start = match from {
            // A member writes to their chi bộ first.
            Sender::Member(m) => {
                let home = index.home_unit(m).ok_or(StoreError::NotFound)?;
                Some(home)
            }
            Sender::Unit(u) => index.unit_version_on(u, today).and_then(|v| v.parent_id),
        };
        let mut out = Vec::new();
        let mut at = start;
        while let Some(u) = at {
            let Some(v) = index.unit_version_on(u, today) else { break };
            out.push(Addressee { unit: u, name: v.name.clone() });
            at = v.parent_id;
            if out.len() > 64 {
                break;
            }
        }
        Ok(out)
    }

    async fn send_feedback(&self, ctx: &WriteContext, from: Sender, to: UnitId, input: FeedbackInput) -> Result<i64> {
        let today = vietnam_today(ctx.now);
        if !self.feedback_addressees(from, today).await?.iter().any(|a| a.unit == to) {
            return Err(StoreError::invalid("to", "not_above", "Chỉ gửi được đến chi bộ của mình hoặc cấp ủy cấp trên."));
        }
        let (mut tx, seq) = self.begin_write().await?;
        let id = q::insert(tx.as_mut(), from, to, &input, today, ctx.now, &ctx.actor).await?;
        let sender = match from {
            Sender::Member(m) => json!({ "member": m.0 }),
            Sender::Unit(u) => json!({ "unit": u.0 }),
        };
        let (from_name, to_name) = {
            let index = self.index.read();
            let from_name = match from {
                Sender::Member(m) => index.member_name(m).map(|n| n.0),
                Sender::Unit(u) => index.unit_latest(u).map(|v| v.name.clone()),
            };
            (from_name.unwrap_or_default(), index.unit_latest(to).map(|v| v.name.clone()).unwrap_or_default())
        };
        let staff = Recipients::load(tx.as_mut()).await?.acting_for(to);
        let notice = Notice::feedback_received(id, input.kind.label(), &input.subject, &from_name, &to_name);
        self.notify(tx.as_mut(), ctx, staff, &notice).await?;
        let details = json!({ "from": sender, "to": to.0, "kind": input.kind.code(), "subject": input.subject });
        let record = AuditRecord::new("feedback.send", "feedback", id, details);
        self.commit_write(tx, seq, ctx, &[record], "feedback", &[id]).await?;
        Ok(id)
    }

    async fn feedback(&self, id: i64, today: NaiveDate) -> Result<FeedbackView> {
        let mut conn = self.db.reader().await?;
        let f = q::get(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        drop(conn);
        Ok(self.views(vec![f], today).await?.remove(0))
    }

    async fn feedback_to(&self, unit: UnitId, today: NaiveDate) -> Result<Vec<FeedbackView>> {
        let mut conn = self.db.reader().await?;
        let rows = q::to_unit(conn.as_mut(), unit).await?;
        drop(conn);
        self.views(rows, today).await
    }

    async fn feedback_from(&self, from: Sender, today: NaiveDate) -> Result<Vec<FeedbackView>> {
        let mut conn = self.db.reader().await?;
        let rows = match from {
            Sender::Member(m) => q::from_member(conn.as_mut(), m).await?,
            Sender::Unit(u) => q::from_unit(conn.as_mut(), u).await?,
        };
        drop(conn);
        self.views(rows, today).await
    }

    async fn answer_feedback(&self, ctx: &WriteContext, id: i64, version: i64, answer: String) -> Result<()> {
        let today = vietnam_today(ctx.now);
        let (mut tx, seq) = self.begin_write().await?;
        let f = q::get(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if f.version != version {
            return Err(StoreError::Conflict { current: f.version });
        }
        if f.answer.is_some() {
            return Err(StoreError::invalid("answer", "already", "Ý kiến này đã được trả lời."));
        }
        if !q::answer(tx.as_mut(), id, version, &answer, today, ctx.now, &ctx.actor).await? {
            return Err(StoreError::Conflict { current: f.version });
        }
        self.tell_sender(tx.as_mut(), ctx, &f, &answer).await?;
        let record = AuditRecord::new("feedback.answer", "feedback", id, json!({ "to": f.to.0, "answer": answer }));
        self.commit_write(tx, seq, ctx, &[record], "feedback", &[id]).await
    }
}
