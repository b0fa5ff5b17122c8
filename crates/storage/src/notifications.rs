//! [`NotificationStore`]: each person's inbox, and the e-mail copies of its notices
//! (docs/design/operations.md "Notifications").
//!
//! Notices are written by the use case of the event they tell about, in its transaction
//! ([`SqlStore::notify`]): a directive reaching a unit, a task passed on, a reminder, a report of
//! a task done, a meeting called or moved, a document published, a question sent or answered.
//! The recipients are accounts: the staff acting for a unit ([`Recipients`]), the accounts of
//! members. The author of the event is never told of it. When mail is configured
//! ([`SqlStore::with_mail`]) and the account gave an address, the notice's e-mail is queued in
//! the same row; the delivery loop (`web::mail`) claims due rows one by one, so several app
//! servers sharing a database never send the same e-mail twice.

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::json;

use domain::access::Role;
use domain::ids::{MemberId, UnitId};
use domain::notifications::{EmailAddress, Notice, NoticeKind, acts_for_unit};

use crate::audit;
use crate::context::WriteContext;
use crate::db::Conn;
use crate::error::{Result, StoreError};
use crate::model::AuditRecord;
use crate::sql;
use crate::sql::notifications::{self as q, Recipient, StoredNotification};
use crate::store::SqlStore;

/// One notice in an inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationView {
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: NoticeKind,
    pub kind_label: String,
    pub title: String,
    pub body: String,
    /// The page the notice is about (a path of this site).
    pub link: String,
    pub created_at: DateTime<Utc>,
    /// When the person first opened it (`null`: unread).
    pub read_at: Option<DateTime<Utc>>,
}

/// A page of an inbox, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxPage {
    pub items: Vec<NotificationView>,
    /// Unread notices in the whole inbox.
    pub unread: i64,
    /// Pass as `before` for the next (older) page; `null` on the last page.
    pub next_before: Option<i64>,
}

/// An e-mail to send, claimed by one delivery loop until `claimed_until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailItem {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The page the notice is about (a path of this site).
    pub link: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

/// The e-mail queue at a glance (the administrator's page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailStatus {
    pub pending: i64,
    pub sent: i64,
    pub failed: i64,
    /// The mail server's last refusal or the last connection error.
    pub last_error: Option<String>,
}

/// Inboxes and the e-mail queue.
#[async_trait]
pub trait NotificationStore: Send + Sync {
    /// The account's notices older than `before` (an id; all when `None`), unread ones only when
    /// `unread_only`, at most `limit` (1–200).
    async fn inbox(&self, account: i64, before: Option<i64>, unread_only: bool, limit: usize) -> Result<InboxPage>;
    /// How many of the account's notices are unread (the badge on every page).
    async fn unread_notifications(&self, account: i64) -> Result<i64>;
    /// Opens one of the account's notices, marking it read the first time (`NotFound` for
    /// anyone else's).
    async fn open_notification(&self, account: i64, id: i64, now: DateTime<Utc>) -> Result<NotificationView>;
    /// Marks the account's unread notices up to `upto` (the newest id the person saw) read.
    async fn mark_notifications_read(&self, account: i64, upto: i64, now: DateTime<Utc>) -> Result<u64>;
    /// Sets (or with `None` removes) the address an account's notices are also mailed to;
    /// version-checked and audited.
    async fn set_account_email(&self, ctx: &WriteContext, account: i64, version: i64, email: Option<EmailAddress>) -> Result<()>;
    /// Claims up to `limit` e-mails due at `now` for `lease` (none held by another loop).
    async fn claim_mail(&self, now: DateTime<Utc>, lease: Duration, limit: usize) -> Result<Vec<MailItem>>;
    /// The claimed e-mail was accepted by the mail server.
    async fn mail_sent(&self, id: i64, now: DateTime<Utc>) -> Result<()>;
    /// The claimed e-mail could not be sent: tried again at `retry_at`, or given up when `None`.
    async fn mail_failed(&self, id: i64, error: &str, retry_at: Option<DateTime<Utc>>) -> Result<()>;
    async fn mail_status(&self) -> Result<MailStatus>;
    /// The operators' announcement to the named enabled accounts, or to every enabled account
    /// when none are named (`dangvu announce`); audited. Returns how many were told.
    async fn announce(&self, ctx: &WriteContext, accounts: &[i64], title: &str, body: &str) -> Result<usize>;
}

fn view(n: StoredNotification) -> NotificationView {
    NotificationView {
        id: n.id,
        kind: n.kind,
        kind_label: n.kind.label().to_owned(),
        title: n.title,
        body: n.body,
        link: n.link,
        created_at: n.created_at,
        read_at: n.read_at,
    }
}

/// Who may be told, loaded once per write: the grants on units of enabled accounts.
pub(crate) struct Recipients {
    grants: Vec<q::StaffGrant>,
}

impl Recipients {
    pub(crate) async fn load(conn: &mut dyn Conn) -> Result<Recipients> {
        Ok(Recipients { grants: q::staff_grants(conn).await? })
    }

    /// The staff acting for `unit` itself (a grant on the unit above does not act for it:
    /// docs/design/operations.md, as `DirectiveDesk`).
    pub(crate) fn acting_for(&self, unit: UnitId) -> Vec<Recipient> {
        self.grants
            .iter()
            .filter(|g| g.unit == unit && acts_for_unit(g.role))
            .map(|g| Recipient { account: g.account, email: g.email.clone() })
            .collect()
    }

    /// The accounts holding any grant on one of `units` in one of `roles` (all roles when empty).
    pub(crate) fn granted_on(&self, units: &HashSet<UnitId>, roles: &[Role]) -> Vec<Recipient> {
        self.grants
            .iter()
            .filter(|g| units.contains(&g.unit) && (roles.is_empty() || roles.contains(&g.role)))
            .map(|g| Recipient { account: g.account, email: g.email.clone() })
            .collect()
    }
}

impl SqlStore {
    /// Queues e-mail when the operator configured a mail server (without one, notices go to the
    /// inbox only and nothing waits to be sent).
    pub fn with_mail(mut self, enabled: bool) -> Self {
        self.mail = enabled;
        self
    }

    /// Writes `notice` to each recipient in the writing transaction: once per account, never to
    /// the author of the write, with its e-mail queued when mail is on and the account has an
    /// address.
    pub(crate) async fn notify(&self, tx: &mut dyn Conn, ctx: &WriteContext, recipients: Vec<Recipient>, notice: &Notice) -> Result<()> {
        let mut seen = HashSet::new();
        let list: Vec<Recipient> = recipients
            .into_iter()
            .filter(|r| Some(r.account) != ctx.account_id && seen.insert(r.account))
            .map(|r| Recipient { account: r.account, email: r.email.filter(|_| self.mail) })
            .collect();
        if list.is_empty() {
            return Ok(());
        }
        Ok(q::insert(tx, &list, notice, ctx.now).await?)
    }

    /// The accounts of these members.
    pub(crate) async fn member_recipients(tx: &mut dyn Conn, members: &[MemberId]) -> Result<Vec<Recipient>> {
        Ok(q::member_accounts(tx, members).await?.into_iter().map(|a| Recipient { account: a.account, email: a.email }).collect())
    }

    /// The accounts of members whose chi bộ today is one of `units`.
    pub(crate) async fn members_at(&self, tx: &mut dyn Conn, units: &HashSet<UnitId>) -> Result<Vec<Recipient>> {
        let accounts = q::all_member_accounts(tx).await?;
        let index = self.index.read();
        Ok(accounts
            .into_iter()
            .filter(|a| index.home_unit(a.member).is_some_and(|u| units.contains(&u)))
            .map(|a| Recipient { account: a.account, email: a.email })
            .collect())
    }
}

#[async_trait]
impl NotificationStore for SqlStore {
    async fn inbox(&self, account: i64, before: Option<i64>, unread_only: bool, limit: usize) -> Result<InboxPage> {
        let limit = limit.clamp(1, 200);
        let mut conn = self.db.reader().await?;
        let mut rows = q::of_account(conn.as_mut(), account, before, unread_only, limit as i64 + 1).await?;
        let unread = q::unread_count(conn.as_mut(), account).await?;
        let next_before = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|n| n.id)
        } else {
            None
        };
        Ok(InboxPage { items: rows.into_iter().map(view).collect(), unread, next_before })
    }

    async fn unread_notifications(&self, account: i64) -> Result<i64> {
        let mut conn = self.db.reader().await?;
        Ok(q::unread_count(conn.as_mut(), account).await?)
    }

    async fn open_notification(&self, account: i64, id: i64, now: DateTime<Utc>) -> Result<NotificationView> {
        let mut conn = self.db.reader().await?;
        let n = q::get(conn.as_mut(), id).await?.filter(|n| n.account == account).ok_or(StoreError::NotFound)?;
        drop(conn);
        if n.read_at.is_some() {
            return Ok(view(n));
        }
        let mut tx = self.db.begin().await?;
        q::mark_read(tx.as_mut(), account, id, now).await?;
        let n = q::get(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(view(n))
    }

    async fn mark_notifications_read(&self, account: i64, upto: i64, now: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.db.begin().await?;
        let n = q::mark_all_read(tx.as_mut(), account, upto, now).await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn set_account_email(&self, ctx: &WriteContext, account: i64, version: i64, email: Option<EmailAddress>) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let (before, _) = sql::access::account(tx.as_mut(), account).await?.ok_or(StoreError::NotFound)?;
        if before.version != version {
            return Err(StoreError::Conflict { current: before.version });
        }
        let after = email.as_ref().map(EmailAddress::as_str);
        if !q::set_email(tx.as_mut(), account, version, after, ctx.now).await? {
            return Err(StoreError::Conflict { current: before.version });
        }
        let changes = audit::diff(&json!({ "email": before.email }), &json!({ "email": after }));
        let action = if ctx.account_id == Some(account) { "account.self_update" } else { "account.update" };
        audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[AuditRecord::new(action, "account", account, changes)]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn claim_mail(&self, now: DateTime<Utc>, lease: Duration, limit: usize) -> Result<Vec<MailItem>> {
        let mut conn = self.db.reader().await?;
        let due = q::due_mail(conn.as_mut(), now, limit as i64).await?;
        drop(conn);
        let mut out = Vec::new();
        for id in due {
            // One short transaction per row: a row another loop took in between is skipped.
            let mut tx = self.db.begin().await?;
            let claimed = q::claim_mail(tx.as_mut(), id, now, now + lease).await?;
            tx.commit().await?;
            if let Some(m) = claimed {
                out.push(MailItem { id: m.id, to: m.to, subject: m.title, body: m.body, link: m.link, attempts: m.attempts });
            }
        }
        Ok(out)
    }

    async fn mail_sent(&self, id: i64, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.db.begin().await?;
        q::mail_sent(tx.as_mut(), id, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn mail_failed(&self, id: i64, error: &str, retry_at: Option<DateTime<Utc>>) -> Result<()> {
        let error: String = error.chars().take(500).collect();
        let mut tx = self.db.begin().await?;
        q::mail_failed(tx.as_mut(), id, &error, retry_at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn announce(&self, ctx: &WriteContext, accounts: &[i64], title: &str, body: &str) -> Result<usize> {
        let title = domain::text::required_text(title, domain::notifications::MAX_TITLE, "Tiêu đề").map_err(|mut e| {
            e.field = "title".into();
            StoreError::Invalid(domain::ValidationErrors { errors: vec![e] })
        })?;
        let body = domain::text::optional_lines(body, domain::notifications::MAX_BODY, "Nội dung").map_err(|mut e| {
            e.field = "body".into();
            StoreError::Invalid(domain::ValidationErrors { errors: vec![e] })
        })?;
        let notice = Notice::announcement(&title, body.as_deref().unwrap_or_default());
        let mut tx = self.db.begin().await?;
        let mut recipients = q::enabled_accounts(tx.as_mut()).await?;
        if !accounts.is_empty() {
            recipients.retain(|r| accounts.contains(&r.account));
            if recipients.len() != accounts.iter().collect::<HashSet<_>>().len() {
                return Err(StoreError::invalid("accounts", "not_found", "Có tài khoản không tồn tại hoặc đã bị khóa."));
            }
        }
        let told = recipients.len();
        // The announcement reaches its author too: it is everyone's.
        let everyone = WriteContext { account_id: None, ..ctx.clone() };
        self.notify(tx.as_mut(), &everyone, recipients, &notice).await?;
        let details = json!({ "title": title, "accounts": told });
        audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[AuditRecord::new("notice.announce", "", "", details)]).await?;
        tx.commit().await?;
        Ok(told)
    }

    async fn mail_status(&self) -> Result<MailStatus> {
        let mut conn = self.db.reader().await?;
        let (pending, sent, failed, last_error) = q::mail_counts(conn.as_mut()).await?;
        Ok(MailStatus { pending, sent, failed, last_error })
    }
}
