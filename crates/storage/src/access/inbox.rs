//! The [`Inbox`] handle: the caller's own notices and the address they are mailed to
//! (docs/design/operations.md "Notifications"). Every logged-in person has one; nobody reads
//! another's (someone else's notice does not exist: 404).

use super::*;
use crate::notifications::{InboxPage, NotificationView};
use domain::notifications::EmailAddress;

impl Access {
    /// The caller's inbox: always available to a logged-in person.
    pub fn inbox(&self) -> Inbox<'_> {
        Inbox { access: self }
    }
}

/// The caller's own notices.
pub struct Inbox<'a> {
    access: &'a Access,
}

impl Inbox<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    fn id(&self) -> i64 {
        self.access.principal.account_id
    }

    /// A page of notices, newest first (see `NotificationStore::inbox`).
    pub async fn page(&self, before: Option<i64>, unread_only: bool, limit: usize) -> Result<InboxPage> {
        self.store().inbox(self.id(), before, unread_only, limit).await
    }

    /// The badge's number.
    pub async fn unread(&self) -> Result<i64> {
        self.store().unread_notifications(self.id()).await
    }

    /// Opens one of the caller's notices (read from now on).
    pub async fn open(&self, id: i64) -> Result<NotificationView> {
        self.store().open_notification(self.id(), id, self.access.now()).await
    }

    /// Marks the caller's notices up to `upto` read.
    pub async fn mark_read(&self, upto: i64) -> Result<u64> {
        self.store().mark_notifications_read(self.id(), upto, self.access.now()).await
    }

    /// Sets or removes the address the caller's notices are mailed to (version-checked).
    pub async fn set_email(&self, version: i64, email: Option<EmailAddress>) -> Result<()> {
        self.store().set_account_email(&self.access.write_context(), self.id(), version, email).await
    }
}
