//! dangvu storage: the [`Store`] trait (one method per use case) and its implementation,
//! [`SqlStore`], written once over a small [`db::Database`] port that each engine crate
//! (`storage-sqlite`, `storage-postgres`) implements with connections, migrations and type mapping.
//!
//! * Rules are never decided here: every write loads what the rule needs, asks `domain`, and
//!   writes only if the answer is yes, in one transaction ([`members`], [`units`]).
//! * All SQL is in [`sql`], the same text for both engines (SQLite accepts `$1` placeholders).
//! * Lists and searches are answered by an in-memory [`index`] derived from the tables and kept in
//!   step through a change log (`change_counter`, `changes`), so several processes can share one
//!   PostgreSQL database: each refreshes before answering (docs/design/register-index.md).

pub mod access;
mod accounts;
pub mod admission;
mod audit;
mod bulk;
pub mod db;
pub mod index;
mod members;
pub mod model;
mod sql;
mod stored;
mod units;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::ValidationErrors;
use domain::event::{Entry, EventData};
use domain::ids::{EventId, MemberId, UnitId};

pub use model::*;

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

/// What can go wrong in a use case.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("không tìm thấy")]
    NotFound,
    /// The input or the rules refuse the write; nothing was written.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// Someone else saved first (version check); nothing was written.
    #[error("bản ghi đã được người khác cập nhật (phiên bản hiện tại {current})")]
    Conflict { current: i64 },
    /// The caller's grants do not allow this (on a record they may see).
    #[error("không có quyền thực hiện thao tác này")]
    Forbidden,
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Database(#[from] db::DbError),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    pub fn invalid(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        StoreError::Invalid(ValidationErrors::single(field, code, message))
    }
}

/// The use cases of the register. Handlers, the CLI and tests talk to storage only through this.
#[async_trait]
pub trait Store: Send + Sync {
    /// Answers only when the database answers.
    async fn health(&self) -> Result<()>;

    // --- organization tree -------------------------------------------------------------
    async fn create_unit(&self, ctx: &WriteContext, new: NewUnit) -> Result<UnitId>;
    /// Renames a unit and/or changes its code or kind from a date.
    async fn rename_unit(&self, ctx: &WriteContext, unit: UnitId, change: RenameUnit) -> Result<()>;
    async fn move_unit(&self, ctx: &WriteContext, unit: UnitId, change: MoveUnit) -> Result<()>;
    /// Ends the sources and hands their children and members to the target (returned).
    async fn merge_units(&self, ctx: &WriteContext, merge: MergeUnits) -> Result<UnitId>;
    /// Ends a unit and hands its children and members to several successors (returned in order).
    async fn split_unit(&self, ctx: &WriteContext, unit: UnitId, split: SplitUnit) -> Result<Vec<UnitId>>;
    /// Ends a unit that has no children and no members left.
    async fn dissolve_unit(&self, ctx: &WriteContext, unit: UnitId, decision: OrgDecision) -> Result<()>;
    async fn unit(&self, unit: UnitId, as_of: NaiveDate) -> Result<UnitDetail>;
    /// The units directly under `parent` (the roots when `None`) on `as_of`, with member counts.
    async fn children(&self, parent: Option<UnitId>, as_of: NaiveDate) -> Result<Vec<UnitNode>>;
    /// Every unit in the subtree of `root` on `as_of` (the root first).
    async fn subtree(&self, root: UnitId, as_of: NaiveDate) -> Result<Vec<UnitSummary>>;
    /// The units valid on `today` that a dissolved, merged or split unit lives on in.
    async fn current_successors(&self, unit: UnitId, today: NaiveDate) -> Result<Vec<UnitSummary>>;
    /// Units whose name or code matches `q` (with or without diacritics) on `as_of`.
    async fn find_units(
        &self,
        q: &str,
        as_of: NaiveDate,
        members_only: bool,
        limit: usize,
        scope: Option<&ScopeFilter>,
    ) -> Result<Vec<UnitSummary>>;
    /// The nodes of these units on `as_of` (the starting points of a scoped tree), with counts.
    async fn nodes(&self, units: &[UnitId], as_of: NaiveDate) -> Result<Vec<UnitNode>>;
    /// Whether a unit or a member lies within a scope (docs/design/access.md).
    async fn in_scope(&self, scope: &ScopeFilter, target: ScopeTarget) -> Result<bool>;
    /// The same for many units at once.
    async fn units_in_scope(&self, scope: &ScopeFilter, units: &[UnitId]) -> Result<Vec<bool>>;
    /// How the scope reaches a member's record (its home unit, or a transfer to a unit in scope);
    /// `NotFound` for no such member.
    async fn member_reach(&self, scope: &ScopeFilter, member: MemberId) -> Result<index::MemberReach>;
    /// Members in transit to a unit within `root`'s subtree and the scope (đang chuyển đến).
    async fn arriving(&self, scope: &ScopeFilter, root: UnitId, today: NaiveDate) -> Result<Vec<MemberListItem>>;

    // --- members ---------------------------------------------------------------------------
    async fn create_member(&self, ctx: &WriteContext, new: NewMember) -> Result<MemberId>;
    /// Replaces the identity data and, when given, records a new profile from its date.
    async fn update_member(&self, ctx: &WriteContext, member: MemberId, update: MemberUpdate) -> Result<()>;
    async fn record_event(&self, ctx: &WriteContext, member: MemberId, expected_version: i64, event: EventData) -> Result<EventId>;
    /// Records a correction of `target` (a replacement or a void) with its reason.
    async fn correct_event(
        &self,
        ctx: &WriteContext,
        member: MemberId,
        expected_version: i64,
        target: EventId,
        entry: Entry,
        reason: String,
    ) -> Result<EventId>;
    async fn member(&self, member: MemberId) -> Result<MemberDetail>;
    /// Lists or searches members: subtree, status, gender and age filters, register order, pages.
    async fn find_members(&self, query: &MemberQuery) -> Result<MemberPage>;

    // --- bulk ------------------------------------------------------------------------------------
    /// Writes generated or imported data in large batches (ids given by the caller).
    async fn bulk_load(&self, data: BulkData) -> Result<()>;
    /// Before many [`bulk_load`](Self::bulk_load)s of members: drops the member tables' secondary
    /// indexes, so the loads append instead of inserting at random places in every index.
    async fn bulk_begin(&self) -> Result<()>;
    /// After them: builds those indexes (refusing duplicate identifiers) and refreshes the
    /// planner's statistics.
    async fn bulk_finish(&self) -> Result<()>;
    /// The largest unit, member and event ids in use (for callers of [`bulk_load`](Self::bulk_load)).
    async fn max_ids(&self) -> Result<(i64, i64, i64)>;

    // --- accounts and grants ---------------------------------------------------------------------
    async fn create_account(&self, ctx: &WriteContext, new: NewAccount) -> Result<i64>;
    async fn account(&self, id: i64) -> Result<Account>;
    /// The account with this user name (any case) and its secrets, for login.
    async fn account_for_login(&self, username: &str) -> Result<Option<(Account, AccountSecrets)>>;
    /// Accounts whose user name or display name contains `q` (all when empty), by user name.
    async fn accounts(&self, q: &str, limit: usize) -> Result<Vec<Account>>;
    async fn account_count(&self) -> Result<i64>;
    /// Changes an account (version-checked); a new password or second factor ends the
    /// account's other sessions.
    async fn change_account(&self, ctx: &WriteContext, id: i64, change: AccountChange) -> Result<()>;
    /// Remembers the TOTP time step just used; false when it is not newer than the last one (replay).
    async fn use_totp_step(&self, account: i64, step: i64) -> Result<bool>;
    /// The account's grants in force.
    async fn grants(&self, account: i64, today: NaiveDate) -> Result<Vec<GrantRecord>>;
    /// The grants in force of several accounts (by account, then grant), in one query.
    async fn grants_of(&self, accounts: &[i64], today: NaiveDate) -> Result<Vec<GrantRecord>>;
    async fn add_grant(&self, ctx: &WriteContext, account: i64, grant: domain::access::Grant) -> Result<i64>;
    async fn revoke_grant(&self, ctx: &WriteContext, account: i64, grant_id: i64) -> Result<()>;
    /// The person behind an enabled account, with their grants; `None` when disabled or unknown.
    async fn principal(&self, account: i64) -> Result<Option<domain::access::Principal>>;

    // --- logins and sessions ---------------------------------------------------------------------
    async fn record_login_attempt(&self, username: &str, client: &str, outcome: LoginOutcome, at: DateTime<Utc>) -> Result<()>;
    /// Failures of the user name and of the client since `since` (not counting those before the
    /// user's last success).
    async fn login_failures(
        &self,
        username: &str,
        client: &str,
        since: DateTime<Utc>,
    ) -> Result<(domain::access::FailureCount, domain::access::FailureCount)>;
    async fn create_session(
        &self,
        id_hash: &str,
        account: i64,
        stage: SessionStage,
        csrf_token: &str,
        client: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()>;
    async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>>;
    async fn touch_session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<()>;
    /// Keeps (or with `None` forgets) the second-factor secret offered to this session at
    /// enrolment: generated by the server, it never travels back in a form.
    async fn set_session_totp_pending(&self, id_hash: &str, secret: Option<&str>) -> Result<()>;
    async fn delete_session(&self, id_hash: &str) -> Result<()>;
    /// Ends every session of the account except `keep`.
    async fn delete_sessions_of(&self, account: i64, keep: Option<&str>) -> Result<()>;
    /// Removes sessions unused since `idle_before` or started before `started_before`, and login
    /// attempts older than `attempts_before` (they only matter within the throttling window).
    async fn prune_logins(&self, idle_before: DateTime<Utc>, started_before: DateTime<Utc>, attempts_before: DateTime<Utc>) -> Result<()>;

    // --- API tokens ------------------------------------------------------------------------------
    async fn create_token(&self, ctx: &WriteContext, account: i64, name: &str, token_hash: &str) -> Result<i64>;
    /// The unrevoked token with this digest (its last use is recorded).
    async fn token(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<ApiToken>>;
    async fn tokens_of(&self, account: i64) -> Result<Vec<ApiToken>>;
    async fn revoke_token(&self, ctx: &WriteContext, account: i64, token: i64) -> Result<()>;

    // --- audit trail -----------------------------------------------------------------------------
    /// Appends entries that accompany no write (reads of personal data, logins).
    async fn audit(&self, actor: &AuditActor, now: DateTime<Utc>, records: Vec<AuditRecord>) -> Result<()>;
    /// Entries matching the filters, newest first.
    async fn audit_entries(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>>;
    /// Recomputes the whole chain.
    async fn verify_audit(&self) -> Result<ChainReport>;

    // --- admission pipeline (docs/design/admission.md) --------------------------------------------
    async fn create_candidate(&self, ctx: &WriteContext, candidate: domain::pipeline::Candidate) -> Result<i64>;
    async fn update_candidate(
        &self,
        ctx: &WriteContext,
        id: i64,
        expected_version: i64,
        candidate: domain::pipeline::Candidate,
    ) -> Result<()>;
    /// The chi bộ of a case (for scope checks before anything else is read).
    async fn candidate_unit(&self, id: i64) -> Result<UnitId>;
    /// Records a step after every check; a decision step also writes the register.
    async fn record_step(&self, ctx: &WriteContext, id: i64, expected_version: i64, step: domain::pipeline::StepData) -> Result<i64>;
    /// Voids the latest step (not a decision that wrote the register), with a reason.
    async fn void_step(&self, ctx: &WriteContext, id: i64, expected_version: i64, step: i64, reason: String) -> Result<()>;
    async fn case(&self, id: i64, today: NaiveDate) -> Result<CaseDetail>;
    async fn cases(&self, query: &CaseQuery) -> Result<Vec<CaseSummary>>;
    async fn worklist(&self, query: &CaseQuery) -> Result<Worklist>;
    /// Sets (or with `None` removes) a unit's target for a year, in total or for a group.
    async fn set_target(
        &self,
        ctx: &WriteContext,
        unit: UnitId,
        year: i32,
        group: Option<domain::pipeline::TargetGroup>,
        target: Option<u32>,
    ) -> Result<()>;
    async fn targets(&self, root: UnitId, year: i32, today: NaiveDate, scope: Option<&ScopeFilter>) -> Result<TargetReport>;
    /// The working-day calendar with the operator's corrections.
    async fn work_calendar(&self) -> Result<Arc<domain::workdays::WorkCalendar>>;
    async fn calendar_overrides(&self) -> Result<Vec<domain::workdays::YearOverride>>;
    /// Replaces a year's corrections (an empty one removes them).
    async fn set_calendar_override(&self, ctx: &WriteContext, o: domain::workdays::YearOverride) -> Result<()>;
    /// The numbers of the admission rules this store applies.
    fn admission_config(&self) -> &domain::admission::AdmissionConfig;

    // --- statistics (docs/design/statistics.md) -----------------------------------------------------
    /// The members on the list of `unit` on `on` in every breakdown, for it and the units directly
    /// under it that day; `today` refuses later dates.
    async fn counts_report(
        &self,
        unit: UnitId,
        on: NaiveDate,
        structure: domain::stats::Structure,
        today: NaiveDate,
        bands: &domain::stats::AgeBands,
    ) -> Result<CountsReport>;

    /// The movements of the unit's list from `first` to `last`, both included (errors:
    /// `period_reversed`, `in_future`, `unit_not_on_date`, NotFound).
    async fn movement_report(
        &self,
        unit: UnitId,
        first: NaiveDate,
        last: NaiveDate,
        structure: domain::stats::Structure,
        today: NaiveDate,
    ) -> Result<MovementReport>;

    /// The members admitted to the unit's list from `first` to `last` (errors as
    /// [`Store::movement_report`]).
    async fn admission_report(
        &self,
        unit: UnitId,
        first: NaiveDate,
        last: NaiveDate,
        structure: domain::stats::Structure,
        today: NaiveDate,
    ) -> Result<AdmissionReport>;
}

/// What [`Store::in_scope`] checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeTarget {
    Unit(UnitId),
    Member(MemberId),
}

/// The store over one database engine.
pub struct SqlStore {
    db: Arc<dyn db::Database>,
    index: index::SharedIndex,
    calendar: admission::CalendarCache,
    open_cases: admission::OpenCases,
    admission: domain::admission::AdmissionConfig,
}

impl SqlStore {
    /// Wraps a migrated database and loads the in-memory index from it.
    pub async fn open(db: Arc<dyn db::Database>) -> Result<Self> {
        // A bulk load interrupted between `bulk_begin` and `bulk_finish` left indexes missing.
        let mut tx = db.begin().await?;
        sql::create_member_indexes(tx.as_mut()).await?;
        tx.commit().await?;
        members::backfill_span_causes(db.as_ref()).await?;
        let store = SqlStore {
            db,
            index: index::SharedIndex::default(),
            calendar: admission::CalendarCache::default(),
            open_cases: admission::OpenCases::default(),
            admission: domain::admission::AdmissionConfig::default(),
        };
        store.refresh_index().await?;
        Ok(store)
    }

    /// Applies the operator's numbers for the admission rules (configuration file).
    pub fn with_admission_config(mut self, config: domain::admission::AdmissionConfig) -> Self {
        self.admission = config;
        self
    }

    pub fn engine(&self) -> db::Engine {
        self.db.engine()
    }

    /// Brings the in-memory index up to date with the change log (cheap when nothing changed).
    async fn refresh_index(&self) -> Result<()> {
        self.index.refresh(self.db.as_ref()).await
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn health(&self) -> Result<()> {
        let mut conn = self.db.reader().await?;
        sql::current_seq(conn.as_mut()).await?;
        Ok(())
    }

    async fn create_unit(&self, ctx: &WriteContext, new: NewUnit) -> Result<UnitId> {
        self.create_unit_impl(ctx, new).await
    }

    async fn rename_unit(&self, ctx: &WriteContext, unit: UnitId, change: RenameUnit) -> Result<()> {
        self.rename_unit_impl(ctx, unit, change).await
    }

    async fn move_unit(&self, ctx: &WriteContext, unit: UnitId, change: MoveUnit) -> Result<()> {
        self.move_unit_impl(ctx, unit, change).await
    }

    async fn merge_units(&self, ctx: &WriteContext, merge: MergeUnits) -> Result<UnitId> {
        self.merge_units_impl(ctx, merge).await
    }

    async fn split_unit(&self, ctx: &WriteContext, unit: UnitId, split: SplitUnit) -> Result<Vec<UnitId>> {
        self.split_unit_impl(ctx, unit, split).await
    }

    async fn dissolve_unit(&self, ctx: &WriteContext, unit: UnitId, decision: OrgDecision) -> Result<()> {
        self.dissolve_unit_impl(ctx, unit, decision).await
    }

    async fn unit(&self, unit: UnitId, as_of: NaiveDate) -> Result<UnitDetail> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let versions = sql::unit_versions(conn.as_mut(), &[unit]).await?;
        let list: Vec<domain::unit::UnitVersion> =
            versions.get(&unit).ok_or(StoreError::NotFound)?.iter().map(|(_, v)| v.clone()).collect();
        let latest = list.last().map(UnitSummary::from).ok_or(StoreError::NotFound)?;
        let version = sql::unit_row_version(conn.as_mut(), unit).await?.ok_or(StoreError::NotFound)?;
        let at = list.iter().find(|v| v.covers(as_of)).map(UnitSummary::from);
        let operations = sql::operations_of(conn.as_mut(), unit).await?;
        let mut link_lists = Vec::new();
        for successors in [false, true] {
            let raw = sql::links(conn.as_mut(), unit, successors).await?;
            let ids: Vec<UnitId> = raw.iter().map(|(u, _, _)| *u).collect();
            let named = sql::unit_versions(conn.as_mut(), &ids).await?;
            link_lists.push(
                raw.into_iter()
                    .filter_map(|(u, effective, operation_id)| {
                        let v = named.get(&u)?.last()?;
                        Some(UnitLink { unit: UnitSummary::from(&v.1), effective, operation_id })
                    })
                    .collect::<Vec<_>>(),
            );
        }
        let successors = link_lists.pop().unwrap_or_default();
        let predecessors = link_lists.pop().unwrap_or_default();
        let mut path_rows: Vec<_> = sql::closure_of(conn.as_mut(), &[unit])
            .await?
            .into_iter()
            .filter(|r| r.depth > 0 && r.valid_from <= as_of && r.valid_to.is_none_or(|t| as_of < t))
            .collect();
        path_rows.sort_by_key(|r| std::cmp::Reverse(r.depth));
        let (path, children, member_count) = {
            let index = self.index.read();
            let path = path_rows.iter().filter_map(|r| index.unit_version_on(r.ancestor, as_of).map(UnitSummary::from)).collect();
            let children = if at.is_some() { nodes(index.children(Some(unit), as_of)) } else { Vec::new() };
            let count = if at.is_some() { index.member_count(unit, as_of) } else { 0 };
            (path, children, count)
        };
        Ok(UnitDetail {
            id: unit,
            version,
            as_of: at,
            latest,
            versions: list.iter().map(UnitSummary::from).collect(),
            operations,
            predecessors,
            successors,
            path,
            children,
            member_count,
        })
    }

    async fn children(&self, parent: Option<UnitId>, as_of: NaiveDate) -> Result<Vec<UnitNode>> {
        self.refresh_index().await?;
        Ok(nodes(self.index.read().children(parent, as_of)))
    }

    async fn subtree(&self, root: UnitId, as_of: NaiveDate) -> Result<Vec<UnitSummary>> {
        let mut conn = self.db.reader().await?;
        let list = sql::subtree_on(conn.as_mut(), root, as_of).await?;
        if list.is_empty() {
            return Err(StoreError::NotFound);
        }
        Ok(list.iter().map(UnitSummary::from).collect())
    }

    async fn current_successors(&self, unit: UnitId, today: NaiveDate) -> Result<Vec<UnitSummary>> {
        let mut conn = self.db.reader().await?;
        let mut out: Vec<UnitSummary> = Vec::new();
        let mut queue = vec![unit];
        let mut seen = vec![unit];
        while let Some(u) = queue.pop() {
            let versions = sql::unit_versions(conn.as_mut(), &[u]).await?;
            let list = versions.get(&u).ok_or(StoreError::NotFound)?;
            if let Some((_, v)) = list.iter().find(|(_, v)| v.covers(today)) {
                if !out.iter().any(|o| o.id == u) {
                    out.push(UnitSummary::from(v));
                }
                continue;
            }
            for (next, _, _) in sql::links(conn.as_mut(), u, true).await? {
                if !seen.contains(&next) {
                    seen.push(next);
                    queue.push(next);
                }
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    async fn find_units(
        &self,
        q: &str,
        as_of: NaiveDate,
        members_only: bool,
        limit: usize,
        scope: Option<&ScopeFilter>,
    ) -> Result<Vec<UnitSummary>> {
        self.refresh_index().await?;
        Ok(self.index.read().find_units(q, as_of, members_only, limit, scope))
    }

    async fn nodes(&self, units: &[UnitId], as_of: NaiveDate) -> Result<Vec<UnitNode>> {
        self.refresh_index().await?;
        Ok(nodes(self.index.read().nodes(units, as_of)))
    }

    async fn in_scope(&self, scope: &ScopeFilter, target: ScopeTarget) -> Result<bool> {
        self.refresh_index().await?;
        Ok(self.index.read().in_scope(scope, target))
    }

    async fn units_in_scope(&self, scope: &ScopeFilter, units: &[UnitId]) -> Result<Vec<bool>> {
        self.refresh_index().await?;
        let index = self.index.read();
        Ok(units.iter().map(|u| index.in_scope(scope, ScopeTarget::Unit(*u))).collect())
    }

    async fn member_reach(&self, scope: &ScopeFilter, member: MemberId) -> Result<index::MemberReach> {
        self.refresh_index().await?;
        self.index.read().member_reach(scope, member).ok_or(StoreError::NotFound)
    }

    async fn arriving(&self, scope: &ScopeFilter, root: UnitId, today: NaiveDate) -> Result<Vec<MemberListItem>> {
        self.refresh_index().await?;
        Ok(self.index.read().arriving(scope, root, today))
    }

    async fn create_member(&self, ctx: &WriteContext, new: NewMember) -> Result<MemberId> {
        self.create_member_impl(ctx, new).await
    }

    async fn update_member(&self, ctx: &WriteContext, member: MemberId, update: MemberUpdate) -> Result<()> {
        self.update_member_impl(ctx, member, update).await
    }

    async fn record_event(&self, ctx: &WriteContext, member: MemberId, expected_version: i64, event: EventData) -> Result<EventId> {
        self.append_event(ctx, member, Some(expected_version), Entry::Event(event), None).await
    }

    async fn correct_event(
        &self,
        ctx: &WriteContext,
        member: MemberId,
        expected_version: i64,
        target: EventId,
        entry: Entry,
        reason: String,
    ) -> Result<EventId> {
        let reason = domain::text::required_lines(&reason, 500, "Lý do đính chính").map_err(|mut e| {
            e.field = "reason".into();
            StoreError::Invalid(ValidationErrors { errors: vec![e] })
        })?;
        self.append_event(ctx, member, Some(expected_version), entry, Some((target, reason))).await
    }

    async fn member(&self, member: MemberId) -> Result<MemberDetail> {
        self.member_impl(member).await
    }

    async fn find_members(&self, query: &MemberQuery) -> Result<MemberPage> {
        self.refresh_index().await?;
        Ok(self.index.read().find_members(query))
    }

    async fn bulk_load(&self, data: BulkData) -> Result<()> {
        self.bulk_load_impl(data).await
    }

    async fn bulk_begin(&self) -> Result<()> {
        self.bulk_begin_impl().await
    }

    async fn bulk_finish(&self) -> Result<()> {
        self.bulk_finish_impl().await
    }

    async fn max_ids(&self) -> Result<(i64, i64, i64)> {
        let mut conn = self.db.reader().await?;
        Ok(sql::max_ids(conn.as_mut()).await?)
    }

    async fn create_account(&self, ctx: &WriteContext, new: NewAccount) -> Result<i64> {
        self.create_account_impl(ctx, new).await
    }

    async fn account(&self, id: i64) -> Result<Account> {
        let mut conn = self.db.reader().await?;
        sql::access::account(conn.as_mut(), id).await?.map(|(a, _)| a).ok_or(StoreError::NotFound)
    }

    async fn account_for_login(&self, username: &str) -> Result<Option<(Account, AccountSecrets)>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::access::account_by_username(conn.as_mut(), &username.trim().to_lowercase()).await?)
    }

    async fn accounts(&self, q: &str, limit: usize) -> Result<Vec<Account>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::access::accounts(conn.as_mut(), &q.trim().to_lowercase(), limit).await?)
    }

    async fn account_count(&self) -> Result<i64> {
        let mut conn = self.db.reader().await?;
        Ok(sql::access::account_count(conn.as_mut()).await?)
    }

    async fn change_account(&self, ctx: &WriteContext, id: i64, change: AccountChange) -> Result<()> {
        self.change_account_impl(ctx, id, change).await
    }

    async fn use_totp_step(&self, account: i64, step: i64) -> Result<bool> {
        let mut tx = self.db.begin().await?;
        let ok = sql::access::use_totp_step(tx.as_mut(), account, step).await?;
        tx.commit().await?;
        Ok(ok)
    }

    async fn grants(&self, account: i64, today: NaiveDate) -> Result<Vec<GrantRecord>> {
        self.grants_impl(&[account], today).await
    }

    async fn grants_of(&self, accounts: &[i64], today: NaiveDate) -> Result<Vec<GrantRecord>> {
        self.grants_impl(accounts, today).await
    }

    async fn add_grant(&self, ctx: &WriteContext, account: i64, grant: domain::access::Grant) -> Result<i64> {
        self.add_grant_impl(ctx, account, grant).await
    }

    async fn revoke_grant(&self, ctx: &WriteContext, account: i64, grant_id: i64) -> Result<()> {
        self.revoke_grant_impl(ctx, account, grant_id).await
    }

    async fn principal(&self, account: i64) -> Result<Option<domain::access::Principal>> {
        self.principal_impl(account).await
    }

    async fn record_login_attempt(&self, username: &str, client: &str, outcome: LoginOutcome, at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.db.begin().await?;
        sql::access::insert_login_attempt(tx.as_mut(), &username.trim().to_lowercase(), client, outcome, at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn login_failures(
        &self,
        username: &str,
        client: &str,
        since: DateTime<Utc>,
    ) -> Result<(domain::access::FailureCount, domain::access::FailureCount)> {
        let mut conn = self.db.reader().await?;
        Ok(sql::access::login_failures(conn.as_mut(), &username.trim().to_lowercase(), client, since).await?)
    }

    async fn create_session(
        &self,
        id_hash: &str,
        account: i64,
        stage: SessionStage,
        csrf_token: &str,
        client: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        sql::access::insert_session(tx.as_mut(), id_hash, account, stage, csrf_token, client, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::access::session(conn.as_mut(), id_hash).await?)
    }

    async fn touch_session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.db.begin().await?;
        sql::access::touch_session(tx.as_mut(), id_hash, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_session_totp_pending(&self, id_hash: &str, secret: Option<&str>) -> Result<()> {
        let mut tx = self.db.begin().await?;
        sql::access::set_session_totp_pending(tx.as_mut(), id_hash, secret).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_session(&self, id_hash: &str) -> Result<()> {
        let mut tx = self.db.begin().await?;
        sql::access::delete_session(tx.as_mut(), id_hash).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_sessions_of(&self, account: i64, keep: Option<&str>) -> Result<()> {
        let mut tx = self.db.begin().await?;
        sql::access::delete_sessions_of(tx.as_mut(), account, keep.unwrap_or("")).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn prune_logins(&self, idle_before: DateTime<Utc>, started_before: DateTime<Utc>, attempts_before: DateTime<Utc>) -> Result<()> {
        let mut tx = self.db.begin().await?;
        sql::access::prune_logins(tx.as_mut(), idle_before, started_before, attempts_before).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_token(&self, ctx: &WriteContext, account: i64, name: &str, token_hash: &str) -> Result<i64> {
        self.create_token_impl(ctx, account, name, token_hash).await
    }

    async fn token(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<ApiToken>> {
        let mut conn = self.db.reader().await?;
        let token = sql::access::token_by_hash(conn.as_mut(), token_hash).await?;
        drop(conn);
        if let Some(t) = &token
            && t.last_used_at.is_none_or(|at| now - at > chrono::Duration::minutes(1))
        {
            let mut tx = self.db.begin().await?;
            sql::access::touch_token(tx.as_mut(), t.id, now).await?;
            tx.commit().await?;
        }
        Ok(token)
    }

    async fn tokens_of(&self, account: i64) -> Result<Vec<ApiToken>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::access::tokens_of(conn.as_mut(), account).await?)
    }

    async fn revoke_token(&self, ctx: &WriteContext, account: i64, token: i64) -> Result<()> {
        self.revoke_token_impl(ctx, account, token).await
    }

    async fn audit(&self, actor: &AuditActor, now: DateTime<Utc>, records: Vec<AuditRecord>) -> Result<()> {
        let mut tx = self.db.begin().await?;
        audit::append(tx.as_mut(), actor, now, &records).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_entries(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::access::audit_entries(conn.as_mut(), q).await?)
    }

    async fn verify_audit(&self) -> Result<ChainReport> {
        self.verify_audit_impl().await
    }

    async fn create_candidate(&self, ctx: &WriteContext, candidate: domain::pipeline::Candidate) -> Result<i64> {
        self.create_candidate_impl(ctx, candidate).await
    }

    async fn update_candidate(
        &self,
        ctx: &WriteContext,
        id: i64,
        expected_version: i64,
        candidate: domain::pipeline::Candidate,
    ) -> Result<()> {
        self.update_candidate_impl(ctx, id, expected_version, candidate).await
    }

    async fn candidate_unit(&self, id: i64) -> Result<UnitId> {
        self.candidate_unit_impl(id).await
    }

    async fn record_step(&self, ctx: &WriteContext, id: i64, expected_version: i64, step: domain::pipeline::StepData) -> Result<i64> {
        self.record_step_impl(ctx, id, expected_version, step).await
    }

    async fn void_step(&self, ctx: &WriteContext, id: i64, expected_version: i64, step: i64, reason: String) -> Result<()> {
        self.void_step_impl(ctx, id, expected_version, step, reason).await
    }

    async fn case(&self, id: i64, today: NaiveDate) -> Result<CaseDetail> {
        self.case_impl(id, today).await
    }

    async fn cases(&self, query: &CaseQuery) -> Result<Vec<CaseSummary>> {
        self.cases_impl(query).await
    }

    async fn worklist(&self, query: &CaseQuery) -> Result<Worklist> {
        self.worklist_impl(query).await
    }

    async fn set_target(
        &self,
        ctx: &WriteContext,
        unit: UnitId,
        year: i32,
        group: Option<domain::pipeline::TargetGroup>,
        target: Option<u32>,
    ) -> Result<()> {
        self.set_target_impl(ctx, unit, year, group, target).await
    }

    async fn targets(&self, root: UnitId, year: i32, today: NaiveDate, scope: Option<&ScopeFilter>) -> Result<TargetReport> {
        self.targets_impl(root, year, today, scope).await
    }

    async fn work_calendar(&self) -> Result<Arc<domain::workdays::WorkCalendar>> {
        self.work_calendar_impl().await
    }

    async fn calendar_overrides(&self) -> Result<Vec<domain::workdays::YearOverride>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::admission::calendar_overrides(conn.as_mut()).await?)
    }

    async fn set_calendar_override(&self, ctx: &WriteContext, o: domain::workdays::YearOverride) -> Result<()> {
        self.set_calendar_override_impl(ctx, o).await
    }

    fn admission_config(&self) -> &domain::admission::AdmissionConfig {
        &self.admission
    }

    async fn counts_report(
        &self,
        unit: UnitId,
        on: NaiveDate,
        structure: domain::stats::Structure,
        today: NaiveDate,
        bands: &domain::stats::AgeBands,
    ) -> Result<CountsReport> {
        if on > today {
            return Err(StoreError::invalid("date", "in_future", "Ngày báo cáo không được sau hôm nay."));
        }
        self.refresh_index().await?;
        let index = self.index.read();
        let latest = index.unit_latest(unit).ok_or(StoreError::NotFound)?;
        let Some((total, rows)) = index.breakdown(unit, on, structure, today, bands) else {
            return Err(not_on_date(&latest.name, structure, on, today));
        };
        let shown_on = if structure == domain::stats::Structure::Current { today } else { on };
        let shown = index.unit_version_on(unit, shown_on).map(UnitSummary::from).ok_or(StoreError::NotFound)?;
        Ok(CountsReport {
            unit: shown,
            on,
            structure,
            age_bands: bands.labels(),
            total,
            children: rows.into_iter().map(|(r, b)| (ReportRowHead::from_row(r), b)).collect(),
        })
    }

    async fn movement_report(
        &self,
        unit: UnitId,
        first: NaiveDate,
        last: NaiveDate,
        structure: domain::stats::Structure,
        today: NaiveDate,
    ) -> Result<MovementReport> {
        Self::check_period(first, last, today)?;
        self.refresh_index().await?;
        let index = self.index.read();
        let shown = Self::period_unit(&index, unit, first, last, structure, today)?;
        let (total, rows) = index.movements(unit, first, last, structure, today).ok_or(StoreError::NotFound)?;
        Ok(MovementReport {
            unit: shown,
            first,
            last,
            structure,
            total,
            rows: rows.into_iter().map(|(r, m)| (ReportRowHead::from_row(r), m)).collect(),
        })
    }

    async fn admission_report(
        &self,
        unit: UnitId,
        first: NaiveDate,
        last: NaiveDate,
        structure: domain::stats::Structure,
        today: NaiveDate,
    ) -> Result<AdmissionReport> {
        use chrono::Datelike;
        Self::check_period(first, last, today)?;
        self.refresh_index().await?;
        let target_year = (first.year() == last.year()).then_some(first.year());
        let targets = match target_year {
            Some(year) => {
                let mut conn = self.db.reader().await?;
                sql::admission::targets(conn.as_mut(), year).await?
            }
            None => Vec::new(),
        };
        let target_of = |u: UnitId| targets.iter().find(|(x, k, _)| *x == u && k == "total").map(|(_, _, t)| *t);
        let index = self.index.read();
        let shown = Self::period_unit(&index, unit, first, last, structure, today)?;
        let (total, rows, zero) = index.admissions(unit, first, last, structure, today).ok_or(StoreError::NotFound)?;
        Ok(AdmissionReport {
            total_target: target_year.and_then(|_| target_of(unit)),
            unit: shown,
            first,
            last,
            structure,
            total,
            target_year,
            rows: rows
                .into_iter()
                .map(|(r, tally)| {
                    let head = ReportRowHead::from_row(r);
                    let target = head.unit.as_ref().and_then(|u| target_of(u.id));
                    AdmissionRow { head, tally, target }
                })
                .collect(),
            zero_admission: zero.iter().map(UnitSummary::from).collect(),
        })
    }
}

impl SqlStore {
    /// The checks every period report makes before reading the index.
    fn check_period(first: NaiveDate, last: NaiveDate, today: NaiveDate) -> Result<()> {
        if last < first {
            return Err(StoreError::invalid("to", "period_reversed", "Ngày cuối kỳ phải sau hoặc trùng ngày đầu kỳ."));
        }
        if last > today {
            return Err(StoreError::invalid("to", "in_future", "Ngày cuối kỳ không được sau hôm nay."));
        }
        Ok(())
    }

    /// The unit as a period report shows it, or the error naming the day it did not stand.
    fn period_unit(
        index: &index::Index,
        unit: UnitId,
        first: NaiveDate,
        last: NaiveDate,
        structure: domain::stats::Structure,
        today: NaiveDate,
    ) -> Result<UnitSummary> {
        let latest = index.unit_latest(unit).ok_or(StoreError::NotFound)?;
        match index.period_root(unit, first, last, structure, today) {
            Some((_, shown_on)) => index.unit_version_on(unit, shown_on).map(UnitSummary::from).ok_or(StoreError::NotFound),
            None => {
                let missing = match structure {
                    domain::stats::Structure::OfDate if index.unit_version_on(unit, first).is_none() => first,
                    domain::stats::Structure::OfDate => last,
                    domain::stats::Structure::Current => today,
                };
                Err(not_on_date(&latest.name, structure, missing, today))
            }
        }
    }
}

/// The error of a report on a unit that did not stand on the day asked (by today's structure:
/// that no longer stands).
fn not_on_date(name: &str, structure: domain::stats::Structure, on: NaiveDate, today: NaiveDate) -> StoreError {
    let msg = match structure {
        domain::stats::Structure::OfDate => format!("{name} không tồn tại vào ngày {}.", domain::dates::format_vn(on)),
        domain::stats::Structure::Current => format!(
            "{name} không còn tồn tại vào ngày {} nên không thể nhóm theo cơ cấu hiện nay; hãy chọn cơ cấu tại thời điểm báo cáo.",
            domain::dates::format_vn(today)
        ),
    };
    StoreError::invalid("date", "unit_not_on_date", msg)
}

fn nodes(list: Vec<(domain::unit::UnitVersion, usize, usize)>) -> Vec<UnitNode> {
    list.into_iter().map(|(v, member_count, child_count)| UnitNode { unit: UnitSummary::from(&v), member_count, child_count }).collect()
}
