//! The only door to the register for code acting on somebody's behalf (web handlers, the API).
//!
//! An [`Access`] wraps the store with the caller's [`Principal`]. Its methods hand out narrower
//! handles — [`Reader`], [`RegisterWriter`], [`UnitManager`], [`Admin`] — only when some grant
//! carries the capability ([`StoreError::Forbidden`] otherwise), and every method of those handles
//! checks the record against the capability's scope. A record outside the scope answers
//! [`StoreError::NotFound`], exactly like a record that does not exist. Lists and searches always
//! carry the scope filter. Reads of personal data are written to the audit trail.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use domain::access::{Capability, Grant, Principal, Role};
use domain::event::{Entry, EventData, EventKind, TransferMode};
use domain::ids::{EventId, MemberId, UnitId};

use domain::pipeline::{Candidate, StepData, StepKind, TargetGroup};

use crate::context::{WriteContext, vietnam_today};
use crate::error::{Result, StoreError};
use crate::index::MemberReach;
use crate::model::{
    Account, AccountChange, AccountSecrets, AdmissionReport, AdmissionRow, ApiToken, AuditActor, AuditEntry, AuditQuery, AuditRecord,
    CaseDetail, CaseQuery, CaseSummary, ChainReport, CountsReport, GrantRecord, LoginOutcome, MemberDetail, MemberListItem, MemberPage,
    MemberQuery, MemberUpdate, MergeUnits, MoveUnit, MovementReport, NewAccount, NewMember, NewUnit, OrgDecision, RenameUnit,
    ReportRowHead, ScopeFilter, ScopeTarget, SplitUnit, Successor, TargetReport, UnitDetail, UnitNode, UnitSummary, Worklist,
};
use crate::prelude::*;
use crate::reports::ReportRequest;

mod activation;
mod admin;
mod admission;
mod badges;
mod cards;
mod change_requests;
mod committees;
mod directives;
mod discipline;
mod documents;
mod dues;
mod enterprises;
mod evaluation;
mod exemptions;
mod export;
mod feedback;
mod handbook;
mod import;
mod inbox;
mod meetings;
mod member_tasks;
mod own_account;
mod picker;
mod plans;
mod quality;
mod reader;
mod register;
mod residence;
mod strike_off;
mod transfers;
mod units;
mod weak;

pub use activation::AccountDesk;
pub use admin::Admin;
pub use admission::AdmissionDesk;
pub use badges::BadgeDesk;
pub use cards::CardDesk;
pub use change_requests::ChangeRequestDesk;
pub use committees::CommitteeDesk;
pub use directives::{DirectiveDesk, DirectiveSight};
pub use discipline::DisciplineDesk;
pub use documents::{DocumentDesk, DocumentSight};
pub use dues::DuesDesk;
pub use enterprises::EnterpriseDesk;
pub use evaluation::EvaluationDesk;
pub use exemptions::ExemptionDesk;
pub use export::Exporter;
pub use feedback::FeedbackDesk;
pub use handbook::{HandbookDesk, HandbookDocument};
pub use import::ImportDesk;
pub use inbox::Inbox;
pub use meetings::MeetingDesk;
pub use member_tasks::MemberTaskDesk;
pub use own_account::OwnAccount;
pub use picker::{Offer, Picker, Resolved};
pub use plans::PlanDesk;
pub use quality::{QualityAsk, QualityDesk};
pub use reader::Reader;
pub use register::RegisterWriter;
pub use residence::ResidenceDesk;
pub use strike_off::StrikeOffDesk;
pub use transfers::{Acting, SidesHeld, TransferActions, TransferDesk, TransferDue};
pub use units::UnitManager;
pub use weak::WeakDesk;

/// Where a request comes from (for the audit trail).
#[derive(Debug, Clone, Default)]
pub struct RequestInfo {
    pub now: DateTime<Utc>,
    pub client: Option<String>,
    pub request_id: Option<String>,
}

/// The store as one person may use it.
#[derive(Clone)]
pub struct Access {
    store: Arc<dyn Store>,
    principal: Arc<Principal>,
    info: RequestInfo,
}

impl Access {
    pub fn new(store: Arc<dyn Store>, principal: Principal, info: RequestInfo) -> Self {
        Access { store, principal: Arc::new(principal), info }
    }

    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.info.now
    }

    /// Today in Vietnam: scopes are evaluated on this date.
    pub fn today(&self) -> NaiveDate {
        vietnam_today(self.info.now)
    }

    /// The context of a write by this person, now.
    pub fn write_context(&self) -> WriteContext {
        WriteContext {
            account_id: Some(self.principal.account_id),
            client: self.info.client.clone(),
            request_id: self.info.request_id.clone(),
            sees: Some(ScopeFilter { scope: self.principal.scope(Capability::ReadRegister), today: self.today() }),
            ..WriteContext::new(self.principal.username.clone(), self.info.now)
        }
    }

    fn audit_actor(&self) -> AuditActor {
        self.write_context().audit_actor()
    }

    fn filter(&self, capability: Capability) -> Result<ScopeFilter> {
        let scope = self.principal.scope(capability);
        if scope.is_empty() {
            return Err(StoreError::Forbidden);
        }
        Ok(ScopeFilter { scope, today: self.today() })
    }

    pub fn can(&self, capability: Capability) -> bool {
        self.principal.can(capability)
    }

    /// The working-day calendar in force (every logged-in person may read it).
    pub async fn work_calendar(&self) -> Result<Arc<domain::workdays::WorkCalendar>> {
        self.store.work_calendar().await
    }

    pub async fn calendar_overrides(&self) -> Result<Vec<domain::workdays::YearOverride>> {
        self.store.calendar_overrides().await
    }

    /// Writes an entry into the audit trail on this person's behalf (an export, a refused check).
    pub async fn record(
        &self,
        action: &'static str,
        object_kind: &'static str,
        object_id: impl ToString,
        details: serde_json::Value,
    ) -> Result<()> {
        let record = AuditRecord::new(action, object_kind, object_id, details);
        self.store.audit(&self.audit_actor(), self.info.now, vec![record]).await
    }

    /// Whether this person may see the unit (for showing or hiding links).
    /// Several entries at once (one wait for the group commit).
    pub async fn record_all(&self, records: Vec<AuditRecord>) -> Result<()> {
        self.store.audit(&self.audit_actor(), self.info.now, records).await
    }

    pub async fn may_read_unit(&self, unit: UnitId) -> bool {
        match self.filter(Capability::ReadRegister) {
            Ok(f) => self.store.in_scope(&f, ScopeTarget::Unit(unit)).await.unwrap_or(false),
            Err(_) => false,
        }
    }

    /// Whether this person reads the unit on some day: it is in scope, or it is read up to its
    /// end by historical reach (the paths' check before a handler, which then checks the day).
    pub async fn may_read_unit_history(&self, unit: UnitId) -> bool {
        let Ok(f) = self.filter(Capability::ReadRegister) else { return false };
        self.store.in_scope(&f, ScopeTarget::Unit(unit)).await.unwrap_or(false)
            || self.store.history_end(&f, unit).await.ok().flatten().is_some()
    }

    /// Whether this person reads the unit as of `on` (historical reach included).
    pub async fn may_read_unit_on(&self, unit: UnitId, on: NaiveDate) -> bool {
        match self.filter(Capability::ReadRegister) {
            Ok(f) => self.store.in_scope(&f, ScopeTarget::UnitOn(unit, on)).await.unwrap_or(false),
            Err(_) => false,
        }
    }

    /// Whether `capability` reaches this member (for showing or hiding actions).
    pub async fn may_on_member(&self, capability: Capability, member: MemberId) -> bool {
        match self.filter(capability) {
            Ok(f) => self.store.in_scope(&f, ScopeTarget::Member(member)).await.unwrap_or(false),
            Err(_) => false,
        }
    }

    /// Whether `capability` reaches this unit.
    pub async fn may_on_unit(&self, capability: Capability, unit: UnitId) -> bool {
        match self.filter(capability) {
            Ok(f) => self.store.in_scope(&f, ScopeTarget::Unit(unit)).await.unwrap_or(false),
            Err(_) => false,
        }
    }
}

/// Not in `scope` → the same answer as a missing record.
async fn require(store: &dyn Store, scope: &ScopeFilter, target: ScopeTarget) -> Result<()> {
    if store.in_scope(scope, target).await? { Ok(()) } else { Err(StoreError::NotFound) }
}

/// In `read` but not in `write` → forbidden; in neither → missing.
async fn require_write(store: &dyn Store, write: &ScopeFilter, read: &ScopeFilter, target: ScopeTarget) -> Result<()> {
    if store.in_scope(write, target).await? {
        Ok(())
    } else if store.in_scope(read, target).await? {
        Err(StoreError::Forbidden)
    } else {
        Err(StoreError::NotFound)
    }
}

/// A unit outside the caller's scope named in a form. Unit names are not confidential among
/// party staff; what lies outside is never described.
const OUT_OF_SCOPE_UNIT: &str = "Tổ chức này nằm ngoài phạm vi bạn được giao quản lý.";

fn in_transit() -> StoreError {
    StoreError::invalid(
        "event",
        "in_transit",
        "Đảng viên đang chuyển sinh hoạt (đã có giấy giới thiệu, nơi nhận chưa tiếp nhận): hồ sơ giữ nguyên như khi chuyển đi. Nơi nhận ghi tiếp nhận; nơi chuyển chỉ có thể hủy việc chuyển (hủy sự kiện chuyển sinh hoạt đi).",
    )
}
