//! [`SqlStore`], the store over one database engine, with what every capability's writes share
//! (the transaction, the change log, the audit entries, what the writer may see), and [`Store`]:
//! every capability at once, as handlers, the CLI and tests hold it (`Arc<dyn Store>`).

use std::sync::Arc;

use async_trait::async_trait;

use crate::accounts::AccountStore;
use crate::activation::ActivationStore;
use crate::admission::{self, AdmissionStore};
use crate::audit::AuditStore;
use crate::badges::BadgeStore;
use crate::bulk::BulkStore;
use crate::cards::CardStore;
use crate::change_requests::ChangeRequestStore;
use crate::committees::CommitteeStore;
use crate::context::WriteContext;
use crate::db::{self, Tx};
use crate::directives::DirectiveStore;
use crate::discipline::DisciplineStore;
use crate::documents::DocumentStore;
use crate::dues::DuesStore;
use crate::enterprises::EnterpriseStore;
use crate::error::Result;
use crate::evaluation::EvaluationStore;
use crate::exemptions::ExemptionStore;
use crate::export::ExportStore;
use crate::feedback::FeedbackStore;
use crate::handbook::HandbookStore;
use crate::import::{ImportRecordStore, ImportStore};
use crate::index::{self, Sight};
use crate::meetings::MeetingStore;
use crate::member_tasks::MemberTaskStore;
use crate::member_work::MemberWorkStore;
use crate::members::{self, RegisterStore};
use crate::model::AuditRecord;
use crate::notifications::NotificationStore;
use crate::plans::PlanStore;
use crate::quality::QualityStore;
use crate::reports::ReportStore;
use crate::residence::ResidenceStore;
use crate::scope::ScopeStore;
use crate::sessions::SessionStore;
use crate::sql;
use crate::strike_off::StrikeOffStore;
use crate::transfers::TransferStore;
use crate::units::UnitStore;
use crate::weak::WeakStore;

/// The use cases of the register, every capability at once. Handlers, the CLI and tests talk to
/// storage only through this (bring the methods into scope with `use storage::prelude::*`).
pub trait Store:
    Health
    + UnitStore
    + ScopeStore
    + RegisterStore
    + BulkStore
    + AccountStore
    + ActivationStore
    + SessionStore
    + AuditStore
    + AdmissionStore
    + PlanStore
    + DirectiveStore
    + MeetingStore
    + CommitteeStore
    + TransferStore
    + ChangeRequestStore
    + StrikeOffStore
    + WeakStore
    + FeedbackStore
    + HandbookStore
    + MemberTaskStore
    + DuesStore
    + ResidenceStore
    + EvaluationStore
    + EnterpriseStore
    + BadgeStore
    + CardStore
    + DisciplineStore
    + ExemptionStore
    + MemberWorkStore
    + DocumentStore
    + NotificationStore
    + ImportStore
    + ImportRecordStore
    + ReportStore
    + QualityStore
    + ExportStore
    + Send
    + Sync
{
}

impl<T> Store for T where
    T: Health
        + UnitStore
        + ScopeStore
        + RegisterStore
        + BulkStore
        + AccountStore
        + ActivationStore
        + SessionStore
        + AuditStore
        + AdmissionStore
        + PlanStore
        + DirectiveStore
        + MeetingStore
        + CommitteeStore
        + TransferStore
        + ChangeRequestStore
        + StrikeOffStore
        + WeakStore
        + FeedbackStore
        + HandbookStore
        + MemberTaskStore
        + DuesStore
        + ResidenceStore
        + EvaluationStore
        + EnterpriseStore
        + BadgeStore
        + CardStore
        + DisciplineStore
        + ExemptionStore
        + MemberWorkStore
        + BadgeStore
        + CardStore
        + DisciplineStore
        + ExemptionStore
        + MemberWorkStore
        + DocumentStore
        + NotificationStore
        + ImportStore
        + ImportRecordStore
        + ReportStore
        + QualityStore
        + ExportStore
        + Send
        + Sync
{
}

/// What readiness read: the schema's migrations and the register index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readiness {
    pub schema_applied: i64,
    pub schema_known: i64,
    pub members_indexed: usize,
}

impl Readiness {
    pub fn ready(&self) -> bool {
        self.schema_applied == self.schema_known
    }
}

/// Whether the store can answer.
#[async_trait]
pub trait Health: Send + Sync {
    /// Answers only when the database answers.
    async fn health(&self) -> Result<()>;
    /// Whether this server may take requests: the database answers, the index is caught up, and
    /// the schema is the one this binary carries (another server may have upgraded it).
    async fn readiness(&self) -> Result<Readiness>;
    /// Closes the database's connections (at shutdown, once no request runs).
    async fn close(&self);
    /// The pools, the index and the audit trail as the operator's metrics show them (the index
    /// is not refreshed first: its lag is part of the answer).
    async fn service_stats(&self) -> Result<crate::ServiceStats>;
}

/// The store over one database engine.
pub struct SqlStore {
    pub(crate) db: Arc<dyn db::Database>,
    pub(crate) index: index::SharedIndex,
    pub(crate) calendar: admission::CalendarCache,
    pub(crate) open_cases: admission::OpenCases,
    pub(crate) admission: domain::admission::AdmissionConfig,
    pub(crate) weak: domain::weak::WeakSettings,
    /// Dues rates, the first month of 01-QĐ/TW and retained shares (configuration file).
    pub(crate) dues: domain::dues::DuesSettings,
    /// Months between two contacts with the residence (configuration file).
    pub(crate) residence: domain::residence::ResidenceSettings,
    pub(crate) transfers: domain::transfers::TransferSettings,
    /// How long activation codes of handbook accounts last.
    pub(crate) handbook: domain::handbook::ActivationSettings,
    /// The badge wait after a discipline and the 2025 card numbers (configuration file).
    pub(crate) routines: crate::badges::RoutineSettings,
    /// E-mail copies of notices are queued (a mail server is configured).
    pub(crate) mail: bool,
    /// Audit entries that accompany no write, group-committed.
    pub(crate) audit_queue: Arc<crate::audit::GroupCommit>,
    /// Who each session cookie belongs to, for a moment.
    pub(crate) sessions: crate::session_cache::SessionCache,
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
            weak: domain::weak::WeakSettings::default(),
            dues: domain::dues::DuesSettings::default(),
            residence: domain::residence::ResidenceSettings::default(),
            transfers: domain::transfers::TransferSettings::default(),
            handbook: domain::handbook::ActivationSettings::default(),
            routines: crate::badges::RoutineSettings::default(),
            mail: false,
            audit_queue: Arc::default(),
            sessions: crate::session_cache::SessionCache::default(),
        };
        store.refresh_index().await?;
        Ok(store)
    }

    /// Applies the operator's numbers for the admission rules (configuration file).
    pub fn with_admission_config(mut self, config: domain::admission::AdmissionConfig) -> Self {
        self.admission = config;
        self
    }

    /// Applies the operator's thresholds of the weak-organization indicators (configuration
    /// file; checked there with `WeakSettings::check`).
    pub fn with_weak_settings(mut self, settings: domain::weak::WeakSettings) -> Self {
        self.weak = settings;
        self
    }

    /// Applies the operator's badge wait rule and 2025 card number format (configuration file).
    pub fn with_routine_settings(mut self, settings: crate::badges::RoutineSettings) -> Self {
        self.routines = settings;
        self
    }

    /// Applies the operator's time for the receiving side of a transfer (configuration file;
    /// checked there with `TransferSettings::check`).
    pub fn with_transfer_settings(mut self, settings: domain::transfers::TransferSettings) -> Self {
        self.transfers = settings;
        self
    }

    /// Applies the operator's lifetime of activation codes (configuration file; checked there
    /// with `ActivationSettings::check`).
    pub fn with_handbook_settings(mut self, settings: domain::handbook::ActivationSettings) -> Self {
        self.handbook = settings;
        self
    }

    pub fn engine(&self) -> db::Engine {
        self.db.engine()
    }

    /// Brings the in-memory index up to date with the change log (cheap when nothing changed).
    pub(crate) async fn refresh_index(&self) -> Result<()> {
        self.index.refresh(self.db.as_ref()).await
    }

    /// Starts a write: the transaction and its change-log sequence number.
    pub(crate) async fn begin_write(&self) -> Result<(Box<dyn Tx>, i64)> {
        let mut tx = self.db.begin().await?;
        let seq = sql::next_seq(tx.as_mut()).await?;
        Ok((tx, seq))
    }

    /// Ends a bulk write (generated or imported data, audited once by its caller).
    pub(crate) async fn commit_unaudited(&self, mut tx: Box<dyn Tx>, seq: i64, entity: &'static str, ids: &[i64]) -> Result<()> {
        sql::log_changes(tx.as_mut(), seq, entity, ids, self.db.max_params()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends a write: logs what changed for the index, appends the audit entries and commits.
    pub(crate) async fn commit_write(
        &self,
        mut tx: Box<dyn Tx>,
        seq: i64,
        ctx: &WriteContext,
        audit: &[AuditRecord],
        entity: &'static str,
        ids: &[i64],
    ) -> Result<()> {
        sql::log_changes(tx.as_mut(), seq, entity, ids, self.db.max_params()).await?;
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// What the writer may see of other members (the index brought up to date first).
    pub(crate) async fn sight<'a>(&'a self, ctx: &'a WriteContext) -> Result<Sight<'a>> {
        if ctx.sees.is_some() {
            self.refresh_index().await?;
        }
        Ok(Sight { index: &self.index, scope: ctx.sees.as_ref() })
    }
}

#[async_trait]
impl Health for SqlStore {
    async fn health(&self) -> Result<()> {
        let mut conn = self.db.reader().await?;
        sql::current_seq(conn.as_mut()).await?;
        Ok(())
    }

    async fn close(&self) {
        self.db.close().await;
    }

    async fn service_stats(&self) -> Result<crate::ServiceStats> {
        // The pools first: the connections read below are not the requests'.
        let pools = self.db.pools();
        let index = self.index.stats(self.db.as_ref()).await?;
        let mut conn = self.db.reader().await?;
        let (entries, _) = sql::access::audit_head(conn.as_mut()).await?;
        Ok(crate::ServiceStats { pools, index, audit: self.audit_queue.stats(entries) })
    }

    async fn readiness(&self) -> Result<Readiness> {
        let schema = self.db.schema_version().await?;
        // The index catches up with the change log (it was loaded at open).
        self.refresh_index().await?;
        Ok(Readiness { schema_applied: schema.applied, schema_known: schema.known, members_indexed: self.index.read().member_total() })
    }
}
