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

    pub fn reader(&self) -> Result<Reader<'_>> {
        Ok(Reader { access: self, scope: self.filter(Capability::ReadRegister)? })
    }

    pub fn register_writer(&self) -> Result<RegisterWriter<'_>> {
        Ok(RegisterWriter { access: self, scope: self.filter(Capability::WriteRegister)?, read: self.filter(Capability::ReadRegister)? })
    }

    pub fn unit_manager(&self) -> Result<UnitManager<'_>> {
        Ok(UnitManager { access: self, scope: self.filter(Capability::ManageUnits)?, read: self.filter(Capability::ReadRegister)? })
    }

    pub fn admin(&self) -> Result<Admin<'_>> {
        self.filter(Capability::Administer)?;
        Ok(Admin { access: self })
    }

    /// The admission pipeline: reading needs the register's read scope; the chi bộ's steps need
    /// `WriteRegister` or `RecordMeetings` (a secretary), the committee's decisions and targets
    /// `WriteRegister` or `Decide` (a leader), each on the case's unit.
    pub fn admission(&self) -> Result<AdmissionDesk<'_>> {
        let union = |a: Capability, b: Capability| {
            let scope = self.principal.scope(a).union(&self.principal.scope(b));
            (!scope.is_empty()).then_some(ScopeFilter { scope, today: self.today() })
        };
        Ok(AdmissionDesk {
            access: self,
            read: self.filter(Capability::ReadRegister)?,
            file: union(Capability::WriteRegister, Capability::RecordMeetings),
            decide: union(Capability::WriteRegister, Capability::Decide),
        })
    }

    /// The working-day calendar in force (every logged-in person may read it).
    pub async fn work_calendar(&self) -> Result<Arc<domain::workdays::WorkCalendar>> {
        self.store.work_calendar().await
    }

    pub async fn calendar_overrides(&self) -> Result<Vec<domain::workdays::YearOverride>> {
        self.store.calendar_overrides().await
    }

    /// The caller's own account: always available to a logged-in person.
    pub fn own_account(&self) -> OwnAccount<'_> {
        OwnAccount { access: self }
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
    pub async fn may_read_unit(&self, unit: UnitId) -> bool {
        match self.filter(Capability::ReadRegister) {
            Ok(f) => self.store.in_scope(&f, ScopeTarget::Unit(unit)).await.unwrap_or(false),
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

/// Reading units and members within the read scope.
pub struct Reader<'a> {
    access: &'a Access,
    scope: ScopeFilter,
}

impl Reader<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    pub fn scope(&self) -> &ScopeFilter {
        &self.scope
    }

    pub async fn unit(&self, unit: UnitId, as_of: NaiveDate) -> Result<UnitDetail> {
        require(self.store(), &self.scope, ScopeTarget::Unit(unit)).await?;
        let mut detail = self.store().unit(unit, as_of).await?;
        // Children are in scope by construction; the counts stay (they are not personal data).
        let ids: Vec<UnitId> = detail.children.iter().map(|c| c.unit.id).collect();
        let keep = self.keep(&ids).await?;
        detail.children = detail.children.into_iter().zip(keep).filter_map(|(c, k)| k.then_some(c)).collect();
        Ok(detail)
    }

    /// Which of these units are in scope (all, for an administrator, without looking).
    async fn keep(&self, units: &[UnitId]) -> Result<Vec<bool>> {
        if self.scope.scope.everything {
            return Ok(vec![true; units.len()]);
        }
        self.store().units_in_scope(&self.scope, units).await
    }

    /// The units directly under `parent`, or the starting points of this person's tree.
    pub async fn children(&self, parent: Option<UnitId>, as_of: NaiveDate) -> Result<Vec<UnitNode>> {
        match parent {
            Some(p) => {
                require(self.store(), &self.scope, ScopeTarget::Unit(p)).await?;
                self.store().children(Some(p), as_of).await
            }
            None if self.scope.scope.everything => self.store().children(None, as_of).await,
            None => self.store().nodes(&self.scope.scope.units, as_of).await,
        }
    }

    pub async fn subtree(&self, root: UnitId, as_of: NaiveDate) -> Result<Vec<UnitSummary>> {
        require(self.store(), &self.scope, ScopeTarget::Unit(root)).await?;
        let all = self.store().subtree(root, as_of).await?;
        let ids: Vec<UnitId> = all.iter().map(|u| u.id).collect();
        let keep = self.keep(&ids).await?;
        Ok(all.into_iter().zip(keep).filter_map(|(u, k)| k.then_some(u)).collect())
    }

    pub async fn current_successors(&self, unit: UnitId) -> Result<Vec<UnitSummary>> {
        require(self.store(), &self.scope, ScopeTarget::Unit(unit)).await?;
        self.store().current_successors(unit, self.access.today()).await
    }

    pub async fn find_units(&self, q: &str, as_of: NaiveDate, members_only: bool, limit: usize) -> Result<Vec<UnitSummary>> {
        self.store().find_units(q, as_of, members_only, limit, Some(&self.scope)).await
    }

    /// The counts of a unit on a date (aggregates, not personal data: not audited); rows of units
    /// outside the scope are left out.
    pub async fn counts_report(&self, request: ReportRequest<NaiveDate>, bands: &domain::stats::AgeBands) -> Result<CountsReport> {
        // Reports are computed for the handle's own day, whatever the caller put in the request.
        let request = ReportRequest { today: self.access.today(), ..request };
        require(self.store(), &self.scope, ScopeTarget::Unit(request.unit)).await?;
        let mut report = self.store().counts_report(request, bands).await?;
        report.children = self.rows_in_scope(report.children).await?;
        Ok(report)
    }

    /// The movements of a unit's list over a period (aggregates: not audited); rows of units
    /// outside the scope are left out.
    pub async fn movement_report(&self, request: ReportRequest) -> Result<MovementReport> {
        let request = ReportRequest { today: self.access.today(), ..request };
        require(self.store(), &self.scope, ScopeTarget::Unit(request.unit)).await?;
        let mut report = self.store().movement_report(request).await?;
        report.rows = self.rows_in_scope(report.rows).await?;
        Ok(report)
    }

    /// The members admitted to a unit's list over a period (aggregates: not audited); rows and
    /// organizations outside the scope are left out.
    pub async fn admission_report(&self, request: ReportRequest) -> Result<AdmissionReport> {
        let request = ReportRequest { today: self.access.today(), ..request };
        require(self.store(), &self.scope, ScopeTarget::Unit(request.unit)).await?;
        let mut report = self.store().admission_report(request).await?;
        let rows: Vec<(ReportRowHead, AdmissionRow)> = report.rows.into_iter().map(|r| (r.head.clone(), r)).collect();
        report.rows = self.rows_in_scope(rows).await?.into_iter().map(|(_, r)| r).collect();
        let ids: Vec<UnitId> = report.zero_admission.iter().map(|u| u.id).collect();
        let keep = self.keep(&ids).await?;
        report.zero_admission = report.zero_admission.into_iter().zip(keep).filter_map(|(u, k)| k.then_some(u)).collect();
        Ok(report)
    }

    /// Drops the rows of units outside the scope (group rows belong to the report's unit).
    async fn rows_in_scope<T>(&self, rows: Vec<(ReportRowHead, T)>) -> Result<Vec<(ReportRowHead, T)>> {
        let ids: Vec<UnitId> = rows.iter().filter_map(|(h, _)| h.unit.as_ref().map(|u| u.id)).collect();
        let mut keep = self.keep(&ids).await?.into_iter();
        Ok(rows.into_iter().filter(|(h, _)| h.unit.is_none() || keep.next().unwrap_or(false)).collect())
    }

    /// A member's record; the read is written to the audit trail.
    pub async fn member(&self, member: MemberId) -> Result<MemberDetail> {
        require(self.store(), &self.scope, ScopeTarget::Member(member)).await?;
        let detail = self.store().member(member).await?;
        let record = AuditRecord::new("read.member", "member", member.0, json!({}));
        self.store().audit(&self.access.audit_actor(), self.access.now(), vec![record]).await?;
        Ok(detail)
    }

    /// Lists or searches members within the scope; the query and how many records were shown
    /// are written to the audit trail.
    pub async fn find_members(&self, query: &MemberQuery) -> Result<MemberPage> {
        if let Some(u) = query.unit {
            require(self.store(), &self.scope, ScopeTarget::Unit(u)).await?;
        }
        let scoped = MemberQuery { scope: Some(self.scope.clone()), ..query.clone() };
        let page = self.store().find_members(&scoped).await?;
        let details = json!({
            "q": query.q, "unit": query.unit, "as_of": query.as_of, "status": format!("{:?}", query.status),
            "gender": query.gender, "age": query.age.map(|a| format!("{a:?}")), "page": page.page,
            "total": page.total, "shown": page.items.len(),
            "members": page.items.iter().map(|m| m.id.0).collect::<Vec<_>>(),
        });
        let record = AuditRecord { action: "read.members", object_kind: "", object_id: None, details };
        self.store().audit(&self.access.audit_actor(), self.access.now(), vec![record]).await?;
        Ok(page)
    }
}

/// Writing member records within the write scope.
pub struct RegisterWriter<'a> {
    access: &'a Access,
    scope: ScopeFilter,
    read: ScopeFilter,
}

impl RegisterWriter<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    /// How the write scope reaches the member: 404 outside the read scope, 403 when only readable
    /// (pages use it to offer only the actions that would succeed).
    pub async fn reach(&self, member: MemberId) -> Result<MemberReach> {
        let reach = self.store().member_reach(&self.scope, member).await?;
        if reach.home || reach.arriving {
            Ok(reach)
        } else if self.store().in_scope(&self.read, ScopeTarget::Member(member)).await? {
            Err(StoreError::Forbidden)
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// Every unit an event places the member in or takes them from must lie within the write
    /// scope; the one check that new records, events and corrections all go through. The
    /// destination of a transfer out may lie anywhere: it never places the member there.
    async fn check_units(&self, kind: &EventKind, prefix: &str) -> Result<()> {
        for named in kind.units_acted_on() {
            if !self.store().in_scope(&self.scope, ScopeTarget::Unit(named.unit)).await? {
                return Err(StoreError::invalid(&format!("{prefix}{}", named.field), "out_of_scope", OUT_OF_SCOPE_UNIT));
            }
        }
        Ok(())
    }

    /// Every unit the first events name must be within the write scope.
    pub async fn create_member(&self, new: NewMember) -> Result<MemberId> {
        for (i, e) in new.events.iter().enumerate() {
            self.check_units(&e.kind, &format!("events[{i}].")).await?;
        }
        self.store().create_member(&self.access.write_context(), new).await
    }

    /// The record of a member in transit stays as the sender left it until the receiving side
    /// accepts or the sender cancels the transfer.
    pub async fn update_member(&self, member: MemberId, update: MemberUpdate) -> Result<()> {
        let reach = self.reach(member).await?;
        if reach.in_transit {
            return Err(in_transit());
        }
        self.store().update_member(&self.access.write_context(), member, update).await
    }

    /// While a transfer waits, only its acceptance (tiếp nhận) may be recorded: by the receiving
    /// side in its own scope, or by the sender for a member coming back from outside the register.
    pub async fn record_event(&self, member: MemberId, expected_version: i64, event: EventData) -> Result<EventId> {
        let reach = self.reach(member).await?;
        let accepting = matches!(event.kind, EventKind::TransferredIn { mode: TransferMode::Official, .. });
        if reach.in_transit && !accepting {
            return Err(in_transit());
        }
        if !reach.in_transit && !reach.home {
            return Err(StoreError::Forbidden);
        }
        self.check_units(&event.kind, "").await?;
        self.store().record_event(&self.access.write_context(), member, expected_version, event).await
    }

    /// While a transfer waits, the sender may only cancel it (void the transfer out).
    pub async fn correct_event(
        &self,
        member: MemberId,
        expected_version: i64,
        target: EventId,
        entry: Entry,
        reason: String,
    ) -> Result<EventId> {
        let reach = self.reach(member).await?;
        if !reach.home {
            return Err(StoreError::Forbidden);
        }
        if reach.in_transit {
            let detail = self.store().member(member).await?;
            let pending = detail
                .history
                .effective
                .iter()
                .rev()
                .find(|(_, e)| matches!(e.kind, EventKind::TransferredOut { mode: TransferMode::Official, .. }))
                .map(|(id, _)| *id);
            if entry != Entry::Void || pending != Some(target) {
                return Err(in_transit());
            }
        }
        if let Entry::Event(data) = &entry {
            self.check_units(&data.kind, "").await?;
        }
        self.store().correct_event(&self.access.write_context(), member, expected_version, target, entry, reason).await
    }

    /// Members in transit to a unit under `root` within the write scope (đang chuyển đến): the
    /// receiving side's list; each read is audited like a list.
    pub async fn arriving(&self, root: UnitId) -> Result<Vec<MemberListItem>> {
        require(self.store(), &self.scope, ScopeTarget::Unit(root)).await?;
        let list = self.store().arriving(&self.scope, root, self.access.today()).await?;
        let details = json!({ "arriving": root.0, "shown": list.len(), "members": list.iter().map(|m| m.id.0).collect::<Vec<_>>() });
        let record = AuditRecord { action: "read.members", object_kind: "", object_id: None, details };
        self.store().audit(&self.access.audit_actor(), self.access.now(), vec![record]).await?;
        Ok(list)
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

/// Operations on units within the scope of `ManageUnits`.
pub struct UnitManager<'a> {
    access: &'a Access,
    scope: ScopeFilter,
    read: ScopeFilter,
}

impl UnitManager<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    async fn unit_target(&self, unit: UnitId) -> Result<()> {
        require_write(self.store(), &self.scope, &self.read, ScopeTarget::Unit(unit)).await
    }

    /// A unit named in a form (a new parent, a merge target): outside the scope it is refused as
    /// a field error, not a 404 of the page.
    async fn named_unit(&self, unit: UnitId, field: &str) -> Result<()> {
        if self.store().in_scope(&self.scope, ScopeTarget::Unit(unit)).await? {
            Ok(())
        } else {
            Err(StoreError::invalid(field, "out_of_scope", OUT_OF_SCOPE_UNIT))
        }
    }

    async fn successors(&self, list: &[Successor], field: &str) -> Result<()> {
        for s in list {
            match s {
                Successor::Existing(u) => self.named_unit(*u, field).await?,
                Successor::New(spec) => match spec.parent {
                    Some(p) => self.named_unit(p, field).await?,
                    None if self.scope.scope.everything => {}
                    None => return Err(StoreError::Forbidden),
                },
            }
        }
        Ok(())
    }

    /// A unit under `parent` needs `parent` in scope; a new top-level unit needs an administrator.
    pub async fn create_unit(&self, new: NewUnit) -> Result<UnitId> {
        match new.spec.parent {
            Some(p) => self.unit_target(p).await?,
            None if self.scope.scope.everything => {}
            None => return Err(StoreError::Forbidden),
        }
        self.store().create_unit(&self.access.write_context(), new).await
    }

    pub async fn rename_unit(&self, unit: UnitId, change: RenameUnit) -> Result<()> {
        self.unit_target(unit).await?;
        self.store().rename_unit(&self.access.write_context(), unit, change).await
    }

    pub async fn move_unit(&self, unit: UnitId, change: MoveUnit) -> Result<()> {
        self.unit_target(unit).await?;
        self.named_unit(change.parent, "parent").await?;
        self.store().move_unit(&self.access.write_context(), unit, change).await
    }

    pub async fn merge_units(&self, merge: MergeUnits) -> Result<UnitId> {
        for s in &merge.sources {
            self.unit_target(*s).await?;
        }
        self.successors(std::slice::from_ref(&merge.target), "target").await?;
        self.store().merge_units(&self.access.write_context(), merge).await
    }

    pub async fn split_unit(&self, unit: UnitId, split: SplitUnit) -> Result<Vec<UnitId>> {
        self.unit_target(unit).await?;
        self.successors(&split.successors, "successors").await?;
        self.store().split_unit(&self.access.write_context(), unit, split).await
    }

    pub async fn dissolve_unit(&self, unit: UnitId, decision: OrgDecision) -> Result<()> {
        self.unit_target(unit).await?;
        self.store().dissolve_unit(&self.access.write_context(), unit, decision).await
    }
}

/// Accounts, grants and the audit trail (administrators).
pub struct Admin<'a> {
    access: &'a Access,
}

impl Admin<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    pub async fn accounts(&self, q: &str, limit: usize) -> Result<Vec<Account>> {
        self.store().accounts(q, limit).await
    }

    pub async fn account(&self, id: i64) -> Result<Account> {
        self.store().account(id).await
    }

    pub async fn grants(&self, account: i64) -> Result<Vec<GrantRecord>> {
        self.store().grants(account, self.access.today()).await
    }

    /// The grants of several accounts at once (the account list).
    pub async fn grants_of(&self, accounts: &[i64]) -> Result<Vec<GrantRecord>> {
        self.store().grants_of(accounts, self.access.today()).await
    }

    /// `password_hash` comes from `auth::password::hash`.
    pub async fn create_account(&self, new: NewAccount) -> Result<i64> {
        self.store().create_account(&self.access.write_context(), new).await
    }

    pub async fn change_account(&self, id: i64, change: AccountChange) -> Result<()> {
        if id == self.access.principal.account_id && change.disabled == Some(true) {
            return Err(StoreError::invalid("disabled", "self", "Không thể tự khóa tài khoản của mình."));
        }
        self.store().change_account(&self.access.write_context(), id, change).await
    }

    pub async fn add_grant(&self, account: i64, grant: Grant) -> Result<i64> {
        self.store().add_grant(&self.access.write_context(), account, grant).await
    }

    pub async fn revoke_grant(&self, account: i64, grant_id: i64) -> Result<()> {
        if account == self.access.principal.account_id {
            let grants = self.store().grants(account, self.access.today()).await?;
            let admin_grants = grants.iter().filter(|g| g.role == Role::Admin).count();
            if admin_grants == 1 && grants.iter().any(|g| g.id == grant_id && g.role == Role::Admin) {
                return Err(StoreError::invalid("grant", "last_admin", "Không thể tự thu hồi quyền quản trị của chính mình."));
            }
        }
        self.store().revoke_grant(&self.access.write_context(), account, grant_id).await
    }

    pub async fn audit_entries(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        self.store().audit_entries(q).await
    }

    pub async fn verify_audit(&self) -> Result<ChainReport> {
        self.store().verify_audit().await
    }

    /// Replaces a year's working-day corrections.
    pub async fn set_calendar_override(&self, o: domain::workdays::YearOverride) -> Result<()> {
        self.store().set_calendar_override(&self.access.write_context(), o).await
    }
}

/// The caller's own account: password, second factor, API tokens.
pub struct OwnAccount<'a> {
    access: &'a Access,
}

impl OwnAccount<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    fn id(&self) -> i64 {
        self.access.principal.account_id
    }

    pub async fn account(&self) -> Result<Account> {
        self.store().account(self.id()).await
    }

    pub async fn grants(&self) -> Result<Vec<GrantRecord>> {
        self.store().grants(self.id(), self.access.today()).await
    }

    /// The password hash and TOTP state, for checking the current password or a code.
    pub async fn secrets(&self) -> Result<AccountSecrets> {
        let account = self.account().await?;
        self.store().account_for_login(&account.username).await?.map(|(_, s)| s).ok_or(StoreError::NotFound)
    }

    /// Checks the current password before a sensitive change, throttled like a login: wrong
    /// answers count as failed logins of the account and the client address, and while the
    /// account is locked nothing is checked (`Invalid` on field `current_password`).
    pub async fn check_password(&self, password: &str, limits: &domain::access::LoginLimits) -> Result<bool> {
        let account = self.account().await?;
        let client = self.access.info.client.clone().unwrap_or_else(|| "unknown".into());
        let now = self.access.now();
        let (by_account, by_client) = self.store().login_failures(&account.username, &client, now - limits.window).await?;
        if limits.gate(by_account, by_client, now) != domain::access::LoginGate::Open {
            return Err(StoreError::invalid(
                "current_password",
                "locked",
                "Nhập sai mật khẩu quá nhiều lần; vui lòng thử lại sau ít phút.",
            ));
        }
        let hash = self.secrets().await?.password_hash;
        let candidate = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || auth::password::verify(&candidate, &hash)).await.unwrap_or(false);
        if !ok {
            self.store().record_login_attempt(&account.username, &client, LoginOutcome::Failure, now).await?;
            let record = AuditRecord::new("account.reauth_failure", "account", account.id, json!({}));
            self.store().audit(&self.access.audit_actor(), now, vec![record]).await?;
        }
        Ok(ok)
    }

    pub async fn change(&self, change: AccountChange) -> Result<()> {
        self.store().change_account(&self.access.write_context(), self.id(), change).await
    }

    pub async fn use_totp_step(&self, step: i64) -> Result<bool> {
        self.store().use_totp_step(self.id(), step).await
    }

    pub async fn tokens(&self) -> Result<Vec<ApiToken>> {
        self.store().tokens_of(self.id()).await
    }

    pub async fn create_token(&self, name: &str, token_hash: &str) -> Result<i64> {
        self.store().create_token(&self.access.write_context(), self.id(), name, token_hash).await
    }

    pub async fn revoke_token(&self, token: i64) -> Result<()> {
        self.store().revoke_token(&self.access.write_context(), self.id(), token).await
    }
}

/// The admission pipeline within the caller's scopes (see [`Access::admission`]).
pub struct AdmissionDesk<'a> {
    access: &'a Access,
    read: ScopeFilter,
    file: Option<ScopeFilter>,
    decide: Option<ScopeFilter>,
}

impl AdmissionDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    async fn require_in(&self, scope: Option<&ScopeFilter>, unit: UnitId) -> Result<()> {
        match scope {
            Some(s) => require_write(self.store(), s, &self.read, ScopeTarget::Unit(unit)).await,
            None => require(self.store(), &self.read, ScopeTarget::Unit(unit)).await.and(Err(StoreError::Forbidden)),
        }
    }

    /// Whether the caller may record the chi bộ's steps for this unit.
    pub async fn may_file(&self, unit: UnitId) -> bool {
        match &self.file {
            Some(s) => self.store().in_scope(s, ScopeTarget::Unit(unit)).await.unwrap_or(false),
            None => false,
        }
    }

    /// Whether the caller may record the committee's decisions (and targets) for this unit.
    pub async fn may_decide(&self, unit: UnitId) -> bool {
        match &self.decide {
            Some(s) => self.store().in_scope(s, ScopeTarget::Unit(unit)).await.unwrap_or(false),
            None => false,
        }
    }

    pub fn read_scope(&self) -> &ScopeFilter {
        &self.read
    }

    /// Whether the caller may record the chi bộ's steps anywhere (before a body naming the chi bộ
    /// is read, someone who may file nowhere is refused outright).
    pub fn files_anywhere(&self) -> bool {
        self.file.is_some()
    }

    /// Whether the caller may record the committee's decisions and targets anywhere.
    pub fn decides_anywhere(&self) -> bool {
        self.decide.is_some()
    }

    // The `require_*` checks authorize a write before anything its request carries is read, so
    // that someone who may not make it learns nothing from the validation of a body (403 when the
    // record is readable, 404 when it is not, whatever the body holds).

    /// The caller may record a step of `kind` on the case: the committee's decisions need the
    /// decide scope, every other step the file scope; with no kind known (a body without a valid
    /// one), either scope will do, and the body's errors are then the caller's to see.
    pub async fn require_step(&self, id: i64, kind: Option<StepKind>) -> Result<()> {
        let unit = self.store().candidate_unit(id).await?;
        match kind {
            Some(k) if k.is_decision() => self.require_in(self.decide.as_ref(), unit).await,
            Some(_) => self.require_in(self.file.as_ref(), unit).await,
            None => match self.require_in(self.file.as_ref(), unit).await {
                Err(StoreError::Forbidden) => self.require_in(self.decide.as_ref(), unit).await,
                other => other,
            },
        }
    }

    /// The caller may change the case's file (the candidate, voiding a step).
    pub async fn require_filing(&self, id: i64) -> Result<()> {
        let unit = self.store().candidate_unit(id).await?;
        self.require_in(self.file.as_ref(), unit).await
    }

    /// The caller may open cases in this chi bộ.
    pub async fn require_filing_in(&self, unit: UnitId) -> Result<()> {
        self.require_in(self.file.as_ref(), unit).await
    }

    /// The caller may set this unit's targets.
    pub async fn require_deciding_in(&self, unit: UnitId) -> Result<()> {
        self.require_in(self.decide.as_ref(), unit).await
    }

    /// Cases within the read scope; the list shown is written to the audit trail.
    pub async fn cases(&self, query: &CaseQuery) -> Result<Vec<CaseSummary>> {
        if let Some(u) = query.unit {
            require(self.store(), &self.read, ScopeTarget::Unit(u)).await?;
        }
        let scoped = CaseQuery { scope: Some(self.read.clone()), ..query.clone() };
        let list = self.store().cases(&scoped).await?;
        let details =
            json!({ "unit": query.unit, "q": query.q, "shown": list.len(), "candidates": list.iter().map(|c| c.id).collect::<Vec<_>>() });
        let record = AuditRecord { action: "read.candidates", object_kind: "", object_id: None, details };
        self.store().audit(&self.access.audit_actor(), self.access.now(), vec![record]).await?;
        Ok(list)
    }

    /// What is due within the read scope (names shown are audited like a list).
    pub async fn worklist(&self, query: &CaseQuery) -> Result<Worklist> {
        if let Some(u) = query.unit {
            require(self.store(), &self.read, ScopeTarget::Unit(u)).await?;
        }
        let scoped = CaseQuery { scope: Some(self.read.clone()), ..query.clone() };
        let list = self.store().worklist(&scoped).await?;
        let mut ids: Vec<i64> = list.items.iter().map(|i| i.case).collect();
        ids.dedup();
        let details = json!({ "unit": query.unit, "worklist": true, "shown": list.items.len(), "candidates": ids });
        let record = AuditRecord { action: "read.candidates", object_kind: "", object_id: None, details };
        self.store().audit(&self.access.audit_actor(), self.access.now(), vec![record]).await?;
        Ok(list)
    }

    /// Whether the case exists within the read scope (before anything the request carries is read).
    pub async fn require_case(&self, id: i64) -> Result<()> {
        let unit = self.store().candidate_unit(id).await?;
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await
    }

    /// One case; the read is audited with the members it names. A member the caller may not
    /// read (a helper or introducer since moved elsewhere) is shown by number only.
    pub async fn case(&self, id: i64) -> Result<CaseDetail> {
        let unit = self.store().candidate_unit(id).await?;
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        let mut detail = self.store().case(id, self.access.today()).await?;
        let mut shown = Vec::new();
        for (member, name) in std::mem::take(&mut detail.member_names) {
            if self.store().in_scope(&self.read, ScopeTarget::Member(member)).await? {
                shown.push(member.0);
                detail.member_names.push((member, name));
            }
        }
        shown.sort_unstable();
        let record = AuditRecord::new("read.candidate", "candidate", id, json!({ "members": shown }));
        self.store().audit(&self.access.audit_actor(), self.access.now(), vec![record]).await?;
        Ok(detail)
    }

    pub async fn create_candidate(&self, candidate: Candidate) -> Result<i64> {
        if !self.may_file(candidate.unit).await {
            return Err(StoreError::invalid("unit_id", "out_of_scope", "Chi bộ này nằm ngoài phạm vi bạn được giao."));
        }
        self.store().create_candidate(&self.access.write_context(), candidate).await
    }

    pub async fn update_candidate(&self, id: i64, expected_version: i64, candidate: Candidate) -> Result<()> {
        let unit = self.store().candidate_unit(id).await?;
        self.require_in(self.file.as_ref(), unit).await?;
        if !self.may_file(candidate.unit).await {
            return Err(StoreError::invalid("unit_id", "out_of_scope", "Chi bộ này nằm ngoài phạm vi bạn được giao."));
        }
        self.store().update_candidate(&self.access.write_context(), id, expected_version, candidate).await
    }

    /// A decision of the committee needs the decide scope; every other step the chi bộ's.
    pub async fn record_step(&self, id: i64, expected_version: i64, step: StepData) -> Result<i64> {
        let unit = self.store().candidate_unit(id).await?;
        let scope = if step.kind().is_decision() { self.decide.as_ref() } else { self.file.as_ref() };
        self.require_in(scope, unit).await?;
        self.store().record_step(&self.access.write_context(), id, expected_version, step).await
    }

    pub async fn void_step(&self, id: i64, expected_version: i64, step: i64, reason: String) -> Result<()> {
        let unit = self.store().candidate_unit(id).await?;
        self.require_in(self.file.as_ref(), unit).await?;
        self.store().void_step(&self.access.write_context(), id, expected_version, step, reason).await
    }

    pub async fn set_target(&self, unit: UnitId, year: i32, group: Option<TargetGroup>, target: Option<u32>) -> Result<()> {
        self.require_in(self.decide.as_ref(), unit).await?;
        self.store().set_target(&self.access.write_context(), unit, year, group, target).await
    }

    pub async fn targets(&self, root: UnitId, year: i32) -> Result<TargetReport> {
        require(self.store(), &self.read, ScopeTarget::Unit(root)).await?;
        self.store().targets(root, year, self.access.today(), Some(&self.read)).await
    }
}
