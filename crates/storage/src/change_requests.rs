//! [`ChangeRequestStore`]: a member's requests to correct their own record
//! (docs/design/change-requests.md). Sending one tells the staff acting for the member's chi bộ;
//! accepting writes the change to the record in the same transaction (the request named in the
//! audit entry as its basis) and tells the member, as a refusal does with its reason.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;

use domain::ValidationErrors;
use domain::change_requests::{Answer, RequestField, RequestInput, apply, check_reason, current};
use domain::ids::{MemberId, UnitId};
use domain::notifications::Notice;

use crate::context::WriteContext;
use crate::error::{Result, StoreError};
use crate::files;
use crate::members::update_member_tx;
use crate::model::{AuditRecord, MemberUpdate};
use crate::notifications::Recipients;
use crate::sql;
use crate::sql::change_requests::{self as q, NewAttachment, StoredRequest};
use crate::store::SqlStore;

/// A request as read, with what the record says today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeRequestView {
    pub id: i64,
    pub version: i64,
    pub member: MemberId,
    pub full_name: String,
    /// The member's chi bộ today (whose staff answer).
    pub unit: Option<UnitId>,
    pub unit_name: String,
    pub field: RequestField,
    pub field_label: String,
    /// What the record says today for the particular.
    pub current: String,
    pub value: String,
    pub note: String,
    /// The attachment's name, type and size in bytes.
    pub attachment: Option<AttachmentInfo>,
    pub answer: Option<Answer>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentInfo {
    pub name: String,
    pub media_type: String,
    pub size: i64,
}

/// A file sent with a request, already checked (name, type from the content, the scanner).
pub struct RequestFile {
    pub name: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

#[async_trait]
pub trait ChangeRequestStore: Send + Sync {
    /// The member sends a request about their own record.
    async fn send_change_request(
        &self,
        ctx: &WriteContext,
        member: MemberId,
        input: RequestInput,
        file: Option<RequestFile>,
    ) -> Result<i64>;
    async fn change_request(&self, id: i64) -> Result<ChangeRequestView>;
    /// A member's requests, newest first.
    async fn member_change_requests(&self, member: MemberId) -> Result<Vec<ChangeRequestView>>;
    /// Every request waiting for an answer of a member under `under` today (any member when
    /// none), oldest first (the caller filters by scope).
    async fn pending_change_requests(&self, under: Option<UnitId>, today: NaiveDate) -> Result<Vec<ChangeRequestView>>;
    /// Accepts on `on`, writing `value` (the member's, or as the staff corrected it) to the record.
    async fn accept_change_request(&self, ctx: &WriteContext, id: i64, version: i64, value: Option<String>, on: NaiveDate) -> Result<()>;
    /// Refuses on `on` with the reason.
    async fn refuse_change_request(&self, ctx: &WriteContext, id: i64, version: i64, reason: String, on: NaiveDate) -> Result<()>;
    /// The attachment's name, type and bytes.
    async fn change_request_file(&self, id: i64) -> Result<RequestFile>;
}

impl SqlStore {
    async fn request_view(&self, s: StoredRequest) -> Result<ChangeRequestView> {
        let detail = self.member_detail_for_request(s.member).await?;
        let index = self.index.read();
        let unit = index.home_unit(s.member);
        let unit_name = unit.and_then(|u| index.unit_latest(u)).map(|v| v.name.clone()).unwrap_or_default();
        Ok(ChangeRequestView {
            id: s.id,
            version: s.version,
            member: s.member,
            full_name: detail.full_name.to_string(),
            unit,
            unit_name,
            field: s.input.field,
            field_label: s.input.field.label().to_owned(),
            current: current(&detail, s.input.field),
            value: s.input.value,
            note: s.input.note,
            attachment: s.attachment.map(|(name, media_type, size)| AttachmentInfo { name, media_type, size }),
            answer: s.answer,
            created_by: s.created_by,
            created_at: s.created_at,
        })
    }

    async fn member_detail_for_request(&self, member: MemberId) -> Result<domain::member::Identity> {
        let mut conn = self.db.reader().await?;
        Ok(sql::member_row(conn.as_mut(), member).await?.ok_or(StoreError::NotFound)?.1)
    }

    async fn request_views(&self, rows: Vec<StoredRequest>) -> Result<Vec<ChangeRequestView>> {
        self.refresh_index().await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.request_view(r).await?);
        }
        Ok(out)
    }

    /// The answer, to the member's account.
    async fn tell_member(&self, tx: &mut dyn crate::db::Conn, ctx: &WriteContext, s: &StoredRequest, answer: &Answer) -> Result<()> {
        let recipients = Self::member_recipients(tx, &[s.member]).await?;
        let notice = Notice::change_request_answered(s.member.0, s.input.field.label(), answer);
        self.notify(tx, ctx, recipients, &notice).await
    }

    async fn pending_request(&self, tx: &mut dyn crate::db::Conn, id: i64, version: i64) -> Result<StoredRequest> {
        let s = q::get(tx, id).await?.ok_or(StoreError::NotFound)?;
        if s.version != version {
            return Err(StoreError::Conflict { current: s.version });
        }
        if let Some(a) = &s.answer {
            let on = match a {
                Answer::Accepted { on, .. } | Answer::Refused { on, .. } => *on,
            };
            return Err(StoreError::invalid(
                "version",
                "answered",
                format!("Đề nghị này đã được trả lời ngày {}.", domain::dates::format_vn(on)),
            ));
        }
        Ok(s)
    }
}

#[async_trait]
impl ChangeRequestStore for SqlStore {
    async fn send_change_request(
        &self,
        ctx: &WriteContext,
        member: MemberId,
        input: RequestInput,
        file: Option<RequestFile>,
    ) -> Result<i64> {
        let input = input.check().map_err(StoreError::Invalid)?;
        self.refresh_index().await?;
        let home = self.index.read().home_unit(member);
        let (mut tx, seq) = self.begin_write().await?;
        sql::member_row(tx.as_mut(), member).await?.ok_or(StoreError::NotFound)?;
        let attachment =
            file.as_ref().map(|f| NewAttachment { name: &f.name, media_type: &f.media_type, encoded: files::encode(&f.bytes) });
        let id = q::insert(tx.as_mut(), member, &input, attachment.as_ref(), ctx.now, &ctx.actor).await?;
        let details = json!({ "member": member.0, "field": input.field.code(), "value": input.value, "note": input.note,
            "attachment": file.as_ref().map(|f| &f.name) });
        let record = AuditRecord::new("change_request.send", "change_request", id, details);
        if let Some(unit) = home {
            let staff = Recipients::load(tx.as_mut()).await?.acting_for(unit);
            let name = self.index.read().member_name(member).map(|n| n.0).unwrap_or_default();
            self.notify(tx.as_mut(), ctx, staff, &Notice::change_request_received(member.0, &name, input.field.label())).await?;
        }
        self.commit_write(tx, seq, ctx, &[record], "change_request", &[id]).await?;
        Ok(id)
    }

    async fn change_request(&self, id: i64) -> Result<ChangeRequestView> {
        let mut conn = self.db.reader().await?;
        let s = q::get(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        drop(conn);
        Ok(self.request_views(vec![s]).await?.remove(0))
    }

    async fn member_change_requests(&self, member: MemberId) -> Result<Vec<ChangeRequestView>> {
        let mut conn = self.db.reader().await?;
        let rows = q::of_member(conn.as_mut(), member).await?;
        drop(conn);
        self.request_views(rows).await
    }

    async fn pending_change_requests(&self, under: Option<UnitId>, today: NaiveDate) -> Result<Vec<ChangeRequestView>> {
        let mut conn = self.db.reader().await?;
        let mut rows = q::pending(conn.as_mut()).await?;
        drop(conn);
        if let Some(u) = under {
            self.refresh_index().await?;
            let index = self.index.read();
            rows.retain(|r| index.member_within(r.member, u, today));
        }
        self.request_views(rows).await
    }

    async fn accept_change_request(&self, ctx: &WriteContext, id: i64, version: i64, value: Option<String>, on: NaiveDate) -> Result<()> {
        let sight = self.sight(ctx).await?;
        let (mut tx, seq) = self.begin_write().await?;
        let s = self.pending_request(tx.as_mut(), id, version).await?;
        let value = value.filter(|v| !v.trim().is_empty()).unwrap_or_else(|| s.input.value.clone());
        let mut records = Vec::new();
        let applied = if s.input.field == RequestField::Other {
            // Another particular: the staff changed the record by hand; `value` says what they did.
            domain::change_requests::check_reason(&value).map_err(|mut e| {
                e.errors.iter_mut().for_each(|x| {
                    x.field = "value".into();
                    x.message = "Ghi việc đã điều chỉnh trong hồ sơ.".into();
                });
                StoreError::Invalid(e)
            })?
        } else {
            let (member_version, identity, _, _) = sql::member_row(tx.as_mut(), s.member).await?.ok_or(StoreError::NotFound)?;
            let changed = apply(&identity, s.input.field, &value, on).map_err(StoreError::Invalid)?;
            if changed == identity {
                return Err(StoreError::Invalid(ValidationErrors::single(
                    "value",
                    "unchanged",
                    "Hồ sơ đã ghi đúng như vậy; không có gì để điều chỉnh.",
                )));
            }
            let update = MemberUpdate { expected_version: member_version, identity: changed.clone(), new_profile: None };
            // The record's change, audited as any edit; the acceptance's entry below names it.
            records.push(update_member_tx(tx.as_mut(), ctx, s.member, &update, &sight).await?);
            current(&changed, s.input.field)
        };
        let answer = Answer::Accepted { on, by: ctx.actor.clone(), applied };
        if !q::answer(tx.as_mut(), id, version, &answer, ctx.now).await? {
            return Err(StoreError::Conflict { current: version });
        }
        records.push(AuditRecord::new("change_request.accept", "change_request", id, json!({ "member": s.member.0, "answer": answer })));
        self.tell_member(tx.as_mut(), ctx, &s, &answer).await?;
        sql::log_changes(tx.as_mut(), seq, "member", &[s.member.0], self.db.max_params()).await?;
        self.commit_write(tx, seq, ctx, &records, "change_request", &[id]).await
    }

    async fn refuse_change_request(&self, ctx: &WriteContext, id: i64, version: i64, reason: String, on: NaiveDate) -> Result<()> {
        let reason = check_reason(&reason).map_err(StoreError::Invalid)?;
        let (mut tx, seq) = self.begin_write().await?;
        let s = self.pending_request(tx.as_mut(), id, version).await?;
        let answer = Answer::Refused { on, by: ctx.actor.clone(), reason };
        if !q::answer(tx.as_mut(), id, version, &answer, ctx.now).await? {
            return Err(StoreError::Conflict { current: version });
        }
        let record = AuditRecord::new("change_request.refuse", "change_request", id, json!({ "member": s.member.0, "answer": answer }));
        self.tell_member(tx.as_mut(), ctx, &s, &answer).await?;
        self.commit_write(tx, seq, ctx, &[record], "change_request", &[id]).await
    }

    async fn change_request_file(&self, id: i64) -> Result<RequestFile> {
        let mut conn = self.db.reader().await?;
        let (name, media_type, content) = q::attachment(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        Ok(RequestFile { name, media_type, bytes: files::decode(&content)? })
    }
}
