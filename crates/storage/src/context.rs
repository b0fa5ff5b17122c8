//! Who writes, when and from where ([`WriteContext`]), and the date in Vietnam.

use chrono::{DateTime, NaiveDate, Utc};

use crate::model::{AuditActor, ScopeFilter};

/// Who writes, when and from where: passed to every write so that storage never reads the clock
/// and every write lands in the audit trail with its author.
#[derive(Debug, Clone)]
pub struct WriteContext {
    pub actor: String,
    pub now: DateTime<Utc>,
    /// Today in Vietnam (UTC+7), for rules that depend on the date.
    pub today: NaiveDate,
    pub account_id: Option<i64>,
    pub client: Option<String>,
    pub request_id: Option<String>,
    /// The members the writer may read: a refusal names another member (a duplicate citizen id,
    /// a helper who is not official) only when the writer may read that member. `None`: an
    /// operator's command or the system, who may read everything.
    pub sees: Option<ScopeFilter>,
}

impl WriteContext {
    /// A write by `actor` (an operator's command line, a test) with no account behind it.
    pub fn new(actor: impl Into<String>, now: DateTime<Utc>) -> Self {
        WriteContext { actor: actor.into(), now, today: vietnam_today(now), account_id: None, client: None, request_id: None, sees: None }
    }

    /// The author as the audit trail records it.
    pub fn audit_actor(&self) -> AuditActor {
        AuditActor {
            account_id: self.account_id,
            name: self.actor.clone(),
            client: self.client.clone(),
            request_id: self.request_id.clone(),
        }
    }
}

/// The calendar date in Vietnam (UTC+7, no daylight saving) at instant `now`.
pub fn vietnam_today(now: DateTime<Utc>) -> NaiveDate {
    (now + chrono::Duration::hours(7)).date_naive()
}
