//! The member's handbook (docs/design/handbook.md): a member's replies to their chi bộ's
//! invitations, bookmarks of documents, the minutes a chi bộ shares with its members, and what
//! the handbook reads of the register (a member's chi bộ on a day). Each write audited in its
//! transaction.

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::json;

use domain::handbook::Reply;
use domain::ids::{MemberId, UnitId};

use crate::context::WriteContext;
use crate::error::{Result, StoreError};
use crate::meetings::MeetingStore;
use crate::model::AuditRecord;
use crate::sql;
pub use crate::sql::handbook::StoredReply;
use crate::store::SqlStore;

#[async_trait]
pub trait HandbookStore: Send + Sync {
    /// The chi bộ whose list holds the member on `on` (`None`: on no list that day).
    async fn chi_bo_of(&self, member: MemberId, on: NaiveDate) -> Result<Option<UnitId>>;
    /// A member on a meeting's roll answers its invitation (again: the answer is replaced), until
    /// the day of the meeting (`domain::handbook::check_reply`).
    async fn reply_to_meeting(&self, ctx: &WriteContext, meeting: i64, member: MemberId, reply: Reply) -> Result<()>;
    /// The answers to a meeting's invitation.
    async fn meeting_replies(&self, meeting: i64) -> Result<Vec<StoredReply>>;
    /// A member's answers.
    async fn member_replies(&self, member: MemberId) -> Result<Vec<StoredReply>>;
    async fn set_bookmark(&self, ctx: &WriteContext, account: i64, document: i64, on: bool) -> Result<()>;
    async fn bookmarks(&self, account: i64) -> Result<HashSet<i64>>;
    /// The documents the account has opened.
    async fn documents_read(&self, account: i64) -> Result<HashSet<i64>>;
    /// The chi bộ shares a meeting's signed minutes with its members (once; refused before both
    /// have signed).
    async fn share_minutes(&self, ctx: &WriteContext, meeting: i64) -> Result<()>;
    async fn minutes_shared(&self, meeting: i64) -> Result<bool>;
    /// A chi bộ's study material (documents of kind "Tài liệu học tập" in force for its
    /// members) and how many of them each member on its list has read.
    async fn study_progress(&self, chi_bo: UnitId, today: NaiveDate) -> Result<StudyProgress>;
}

/// A chi bộ's study material and its members' progress.
#[derive(Debug, Clone)]
pub struct StudyProgress {
    pub documents: Vec<crate::documents::DocumentView>,
    pub members: Vec<StudyRow>,
}

/// One member's progress.
#[derive(Debug, Clone)]
pub struct StudyRow {
    pub member: MemberId,
    pub full_name: String,
    /// Documents opened (of `StudyProgress::documents`).
    pub read: usize,
}

#[async_trait]
impl HandbookStore for SqlStore {
    async fn chi_bo_of(&self, member: MemberId, on: NaiveDate) -> Result<Option<UnitId>> {
        self.refresh_index().await?;
        Ok(self.index.read().member_unit_on(member, on))
    }

    async fn reply_to_meeting(&self, ctx: &WriteContext, meeting: i64, member: MemberId, reply: Reply) -> Result<()> {
        let m = self.meeting(meeting).await?;
        domain::handbook::check_reply(ctx.today, m.held_on, m.attendance_recorded)
            .map_err(|e| StoreError::Invalid(domain::ValidationErrors { errors: vec![e] }))?;
        if !self.meeting_roll(m.unit, m.kind, m.held_on).await?.contains(&member) {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.db.begin().await?;
        sql::handbook::put_reply(tx.as_mut(), meeting, member, &reply, ctx.now).await?;
        let record = AuditRecord::new(
            "meeting.reply",
            "meeting",
            meeting,
            json!({ "member": member.0, "attending": reply.attending(), "reason": reply.reason() }),
        );
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn meeting_replies(&self, meeting: i64) -> Result<Vec<StoredReply>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::handbook::replies_to(conn.as_mut(), meeting).await?)
    }

    async fn member_replies(&self, member: MemberId) -> Result<Vec<StoredReply>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::handbook::replies_of(conn.as_mut(), member).await?)
    }

    async fn set_bookmark(&self, ctx: &WriteContext, account: i64, document: i64, on: bool) -> Result<()> {
        let mut tx = self.db.begin().await?;
        sql::handbook::set_bookmark(tx.as_mut(), account, document, on, ctx.now).await?;
        let action = if on { "document.bookmark" } else { "document.unbookmark" };
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[AuditRecord::new(action, "document", document, json!({}))])
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn bookmarks(&self, account: i64) -> Result<HashSet<i64>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::handbook::bookmarks(conn.as_mut(), account).await?)
    }

    async fn documents_read(&self, account: i64) -> Result<HashSet<i64>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::handbook::documents_read(conn.as_mut(), account).await?)
    }

    async fn share_minutes(&self, ctx: &WriteContext, meeting: i64) -> Result<()> {
        let m = self.meeting(meeting).await?;
        if !m.minutes.locked {
            return Err(StoreError::invalid("minutes", "not_signed", "Biên bản chưa được chủ trì và thư ký ký: chưa chia sẻ được."));
        }
        let mut tx = self.db.begin().await?;
        if sql::handbook::share_minutes(tx.as_mut(), meeting, &ctx.actor, ctx.now).await? {
            crate::audit::append(
                tx.as_mut(),
                &ctx.audit_actor(),
                ctx.now,
                &[AuditRecord::new("meeting.share_minutes", "meeting", meeting, json!({}))],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn minutes_shared(&self, meeting: i64) -> Result<bool> {
        let mut conn = self.db.reader().await?;
        Ok(sql::handbook::minutes_shared(conn.as_mut(), meeting).await?)
    }

    async fn study_progress(&self, chi_bo: UnitId, today: NaiveDate) -> Result<StudyProgress> {
        use crate::documents::DocumentStore;
        self.refresh_index().await?;
        let roster = self.index.read().roster(chi_bo, today, None).ok_or(StoreError::NotFound)?;
        let documents: Vec<_> = self
            .documents_for(&[(chi_bo, domain::access::Role::Member)], "", today)
            .await?
            .into_iter()
            .filter(|d| d.kind == domain::documents::DocumentKind::Study)
            .collect();
        let ids: Vec<i64> = documents.iter().map(|d| d.id).collect();
        let mut conn = self.db.reader().await?;
        let reads = sql::handbook::reads_by_member(conn.as_mut(), &ids).await?;
        let members = roster
            .into_iter()
            .filter(|e| e.unit == chi_bo)
            .map(|e| StudyRow { read: reads.get(&e.member).copied().unwrap_or(0), member: e.member, full_name: e.full_name })
            .collect();
        Ok(StudyProgress { documents, members })
    }
}
