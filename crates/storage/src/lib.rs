//! dangvu storage: the use cases of the register, one trait per capability, and their
//! implementation, [`SqlStore`], written once over a small [`db::Database`] port that each engine
//! crate (`storage-sqlite`, `storage-postgres`) implements with connections, migrations and type
//! mapping.
//!
//! * Each capability is one module that declares its trait and implements it for [`SqlStore`]:
//!   [`UnitStore`] (`units`), [`ScopeStore`] (`scope`), [`RegisterStore`] (`members`),
//!   [`BulkStore`] (`bulk`), [`AccountStore`] (`accounts`), [`SessionStore`] (`sessions`),
//!   [`AuditStore`] (`audit`), [`AdmissionStore`] ([`admission`]), [`PlanStore`] (`plans`), [`ReportStore`] (`reports`), [`QualityStore`] (`quality`)
//!   and [`Health`] (`store`). [`Store`] is all of them at once; `use storage::prelude::*` brings
//!   their methods into scope.
//! * Rules are never decided here: every write loads what the rule needs, asks `domain`, and
//!   writes only if the answer is yes, in one transaction.
//! * [`backup`]: a consistent copy of the whole database while it serves, and its restore into
//!   an empty database (free functions over the engine crates' [`backup::BackupEngine`]).
//! * All SQL is in `sql`, the same text for both engines (SQLite accepts `$1` placeholders).
//! * Lists and searches are answered by an in-memory [`index`] derived from the tables and kept in
//!   step through a change log (`change_counter`, `changes`), so several processes can share one
//!   PostgreSQL database: each refreshes before answering (docs/design/register-index.md).

pub mod access;
mod accounts;
mod activation;
pub mod admission;
mod audit;
pub mod backup;
mod badges;
mod bulk;
mod cards;
mod change_requests;
mod committees;
mod context;
pub mod db;
mod directives;
mod discipline;
mod documents;
mod dues;
mod enterprises;
mod error;
mod evaluation;
mod exemptions;
pub mod export;
mod feedback;
mod files;
mod handbook;
pub mod import;
pub mod index;
mod meetings;
mod member_tasks;
mod member_work;
mod members;
pub mod model;
mod notifications;
mod plans;
mod quality;
mod reports;
mod residence;
mod scope;
mod session_cache;
mod sessions;
mod sql;
mod store;
mod stored;
mod strike_off;
mod telemetry;
mod transfers;
mod units;
mod weak;
mod worklist;

pub use accounts::AccountStore;
pub use activation::{AccountState, AccountsCreated, ActivationStore, ChiBoAccounts, IssuedCode, RosterAccount};
pub use admission::AdmissionStore;
pub use audit::AuditStore;
pub use badges::{
    AwardLine, BadgeList, BadgeRow, BadgeStore, Candidate, LineRow, ListLine, ListRow, ListStatus, RoutineSettings, verdict_words,
};
pub use bulk::BulkStore;
pub use cards::{CardCheck, CardLine, CardRow, CardStore, FindingLine};
pub use change_requests::{AttachmentInfo as RequestAttachment, ChangeRequestStore, ChangeRequestView, RequestFile};
pub use committees::{CommitteeStore, CommitteeView, SeatView};
pub use context::{WriteContext, vietnam_today};
pub use directives::{
    DirectiveDetail, DirectiveFileView, DirectiveStore, DirectiveView, ReachView, ReceiptStep, ReceiptView, ReceivedItem, SentItem,
    StatusCount, TallyView, TaskView,
};
pub use discipline::{DisciplineInput, DisciplineRow, DisciplineStore, DisciplineView, InterruptionRow};
pub use documents::{AttachmentView, DocumentStore, DocumentView, ReadStats, ReaderView, UnitReads};
pub use dues::{
    ArrearsLine, BasisRow as DuesBasisRow, BasisSource, ChildLine as DuesChildLine, DuesDue, DuesLedger, DuesSheet, DuesStore, MemberDues,
    MembersDue as DuesMembersDue, PaymentRow as DuesPaymentRow, ReliefRow as DuesReliefRow, RemittanceRow as DuesRemittanceRow,
    SheetLine as DuesSheetLine,
};
pub use enterprises::{EnterpriseLine, EnterpriseReport, EnterpriseRow, EnterpriseStore};
pub use error::{Result, StoreError};
pub use evaluation::{
    EvaluationRow, EvaluationStore, LevelCounts, RoundDue, RoundRow, RoundSheet, SheetMember, SheetUnit, StepInput, StepPoints,
    Subject as EvaluationSubject,
};
pub use exemptions::{ExemptionLine, ExemptionRow, ExemptionStore, MemberExemption, RenewalRow};
pub use export::ExportStore;
pub use feedback::{Addressee, FeedbackStore, FeedbackView, Sender};
pub use handbook::{HandbookStore, StoredReply, StudyProgress, StudyRow};
pub use import::{ImportRecordStore, ImportStore};
pub use meetings::{
    AbsentMember, AmendmentView, AttendanceCounts, AttendanceInput, AttendanceTally, AttendanceView, BodyReportRow, MeetingAlerts,
    MeetingDocumentView, MeetingReport, MeetingReportRow, MeetingStore, MeetingSummary, MeetingView, MinutesChange, MinutesView,
    MissedMeetings, MissedPlenaries, ResolutionView, SignatureView,
};
pub use member_tasks::{Assignee, ListedMember, MemberTask, MemberTaskStore, TaskRow as MemberTaskRow, UnitTask};
pub use member_work::{MemberWorkReport, MemberWorkStore, RoutinesDue, WorkLine, WorkPerson};
pub use members::RegisterStore;
pub use model::*;
pub use notifications::{InboxPage, MailItem, MailStatus, NotificationStore, NotificationView};
pub use plans::{InheritedFrom, MAX_TERM_TARGET, OccasionView, PlanStore, TermInForceView, TermInput, TermRecord};
pub use quality::{KindCount, QualityLine, QualityMember, QualityQuery, QualityReport, QualityStore, QualityUnit, UnitCounts};
pub use reports::{Period, ReportRequest, ReportStore};
pub use residence::{
    ChildResidence, CommentRow as ResidenceCommentRow, ContactRow as ResidenceContactRow, MemberResidence, ResidenceLine, ResidenceReport,
    ResidenceStore, TieRow,
};
pub use scope::ScopeStore;
pub use session_cache::{SessionView, still_usable};
pub use sessions::SessionStore;
pub use store::{Health, Readiness, SqlStore, Store};
pub use strike_off::{StrikeOffFlag, StrikeOffList, StrikeOffProposalView, StrikeOffStore};
pub use telemetry::{AuditStats, IndexStats, ServiceStats};
pub use transfers::{BookLineCount, SideView, TransferBook, TransferStore, TransferView};
pub use units::UnitStore;
pub use weak::{MeasureView, PlanSummary, PlanView, WeakFindingView, WeakReport, WeakRow, WeakStore};
pub use worklist::WORKLIST_MEMBERS;

/// The store's traits, to call its methods: `use storage::prelude::*;`.
pub mod prelude {
    pub use crate::{
        AccountStore, ActivationStore, AdmissionStore, AuditStore, BadgeStore, BulkStore, CardStore, ChangeRequestStore, CommitteeStore,
        DirectiveStore, DisciplineStore, DocumentStore, DuesStore, EnterpriseStore, EvaluationStore, ExemptionStore, ExportStore,
        FeedbackStore, HandbookStore, Health, ImportRecordStore, ImportStore, MeetingStore, MemberTaskStore, MemberWorkStore,
        NotificationStore, PlanStore, QualityStore, RegisterStore, ReportStore, ResidenceStore, ScopeStore, SessionStore, Store,
        StrikeOffStore, TransferStore, UnitStore, WeakStore,
    };
}
