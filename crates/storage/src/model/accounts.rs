//! Accounts, sessions, API tokens and the audit trail as they cross the store boundary.

use chrono::{DateTime, Utc};
use serde::Serialize;

use domain::ids::{MemberId, UnitId};

/// An account as administrators and the account page see it (never its secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub member: Option<MemberId>,
    pub must_change_password: bool,
    pub disabled: bool,
    pub totp_enrolled: bool,
    /// Where notices are also sent by e-mail (when mail is configured); none: the inbox only.
    pub email: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What login needs besides the account: the password hash and the second factor.
#[derive(Debug, Clone)]
pub struct AccountSecrets {
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
}

/// A grant as stored, with its unit's name and whether the unit still exists today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantRecord {
    pub id: i64,
    pub account_id: i64,
    pub role: domain::access::Role,
    pub unit: Option<UnitId>,
    pub unit_name: Option<String>,
    /// False when the unit has ended (merged, split, dissolved): the grant then covers nothing.
    pub unit_current: bool,
    pub granted_at: DateTime<Utc>,
    pub granted_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub member: Option<MemberId>,
    pub must_change_password: bool,
    pub grants: Vec<domain::access::Grant>,
}

/// Changes to an account by an administrator (`None` keeps the value).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountChange {
    pub expected_version: i64,
    pub display_name: Option<String>,
    pub disabled: Option<bool>,
    /// A new password hash (reset or change), with whether it must be changed at next login.
    pub password: Option<(String, bool)>,
    /// `Some(None)` removes the second factor; `Some(Some(secret))` enrols one.
    pub totp_secret: Option<Option<String>>,
}

/// How far a session got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// Logged in.
    Full,
    /// Password checked; the second-factor code is awaited.
    Totp,
    /// Password checked; the account must enrol a second factor before anything else.
    Enroll,
}

impl SessionStage {
    pub fn code(self) -> &'static str {
        match self {
            SessionStage::Full => "full",
            SessionStage::Totp => "totp",
            SessionStage::Enroll => "enroll",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "full" => Some(SessionStage::Full),
            "totp" => Some(SessionStage::Totp),
            "enroll" => Some(SessionStage::Enroll),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub account_id: i64,
    pub stage: SessionStage,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// The second-factor secret offered at enrolment, awaiting its first code (base32).
    pub totp_pending: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginOutcome {
    Success,
    /// Wrong password or code.
    Failure,
    /// Not tried: the account was locked or the client blocked.
    Refused,
}

impl LoginOutcome {
    pub fn code(self) -> &'static str {
        match self {
            LoginOutcome::Success => "success",
            LoginOutcome::Failure => "failure",
            LoginOutcome::Refused => "refused",
        }
    }
}

/// Who acts in a write or a read that is audited, and from where.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditActor {
    pub account_id: Option<i64>,
    pub name: String,
    pub client: Option<String>,
    pub request_id: Option<String>,
}

/// One thing to write into the audit trail (the sequence number, time and hashes are added).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub action: &'static str,
    pub object_kind: &'static str,
    pub object_id: Option<String>,
    pub details: serde_json::Value,
}

impl AuditRecord {
    pub fn new(action: &'static str, object_kind: &'static str, object_id: impl ToString, details: serde_json::Value) -> Self {
        AuditRecord { action, object_kind, object_id: Some(object_id.to_string()), details }
    }
}

/// An entry of the audit trail as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    /// RFC 3339, UTC, microseconds (the text the hash covers).
    pub at: String,
    pub account_id: Option<i64>,
    pub actor: String,
    pub client: Option<String>,
    pub request_id: Option<String>,
    pub action: String,
    pub object_kind: Option<String>,
    pub object_id: Option<String>,
    /// JSON text.
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Filters of the audit page and export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub actor: Option<String>,
    /// An action or an action prefix ending in '.' (`read.` = every read).
    pub action: Option<String>,
    pub object_kind: Option<String>,
    pub object_id: Option<String>,
    /// Entries at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Entries before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Newest first; entries with `seq` below this (for paging), if given.
    pub before_seq: Option<i64>,
    pub limit: usize,
}

/// What `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    pub entries: i64,
    pub last_seq: i64,
    /// The hash of the newest entry: keep it outside the database (a printout, another server)
    /// to detect a trail rewritten as a whole later.
    pub last_hash: String,
    /// Empty when the chain is intact.
    pub problems: Vec<String>,
}
