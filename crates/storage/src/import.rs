//! [`ImportStore`]: bringing an existing register in from a file (docs/design/register-io.md).
//!
//! A file's rows, already read into records by `domain::interchange`, are matched against the
//! register: units by code (else name or path), members by CCCD, else party card number, else
//! name and birth date (that last match waits for a person's confirmation). The plan says for
//! every row what would happen — created, updated, unchanged, refused with its reasons — and the
//! same plan, recomputed under the write lock, is what an apply writes, in one transaction: a
//! killed import leaves nothing. A value that differs from the register is a proposed change,
//! written only when the person accepts the proposals.

mod plan;
mod records;
mod write;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use domain::ids::{MemberId, UnitId};
use domain::interchange::record::UnitRecord;
use domain::interchange::{CellError, MemberRecord, Warning};

use crate::context::WriteContext;
use crate::error::Result;
use crate::model::ScopeFilter;
use crate::store::SqlStore;

pub use plan::{Change, ChangeKind};
pub use records::{ImportRecordStore, ImportSummary, MAPPING_NAME_MAX, SavedMappingRecord};

/// A file as read, with what the person decided on the plan page.
#[derive(Clone)]
pub struct ImportInput {
    pub file_name: String,
    /// SHA-256 of the file's bytes, hex.
    pub file_digest: String,
    /// Shared: a page's dry run and apply read the same lines the file was read into once.
    pub units: Arc<[UnitLine]>,
    pub members: Arc<[MemberLine]>,
    /// Where the file's top units go (a unit in the writer's scope); `None`: the file's top unit
    /// must be a province committee at the top of an empty tree.
    pub root: Option<UnitId>,
    /// Write the proposed changes to members already in the register.
    pub accept_changes: bool,
    /// Row numbers whose match by name and birth date the person confirmed.
    pub confirmed: Vec<usize>,
    /// The units the writer may change (`None`: an operator's command, the whole register).
    pub scope: Option<ScopeFilter>,
    /// Told how far the work is, now and then.
    pub progress: Option<Arc<dyn Fn(ImportProgress) + Send + Sync>>,
    /// From how many new members (when they also outnumber the register's) the member tables'
    /// indexes are dropped and rebuilt inside the transaction: [`REBUILD_INDEXES_FROM`].
    pub rebuild_indexes_from: usize,
}

/// An import adding at least this many members, and more than the register holds, writes with
/// the member tables' secondary indexes dropped and builds them again before it commits (one sort
/// instead of millions of inserts at random places). Inside the transaction: a failure or a kill
/// leaves the indexes as they were. On PostgreSQL the dropped indexes lock the member tables
/// against other connections until the commit, which is why only a load that more than doubles
/// the register (a first import) does it.
pub const REBUILD_INDEXES_FROM: usize = 50_000;

/// How far an import (or its dry run) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportProgress {
    pub phase: ImportPhase,
    pub done: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportPhase {
    Checking,
    Writing,
}

/// One unit row of the file.
#[derive(Debug, Clone)]
pub struct UnitLine {
    pub row: usize,
    pub read: std::result::Result<UnitRecord, Vec<LineError>>,
}

/// One member row of the file.
#[derive(Debug, Clone)]
pub struct MemberLine {
    pub row: usize,
    /// Boxed: a file's lines are a long list, moved as it grows.
    pub read: std::result::Result<Box<MemberRecord>, Vec<CellError>>,
    pub warnings: Vec<Warning>,
}

/// Why a row is refused: the column's code (`None`: the row as a whole) and the reason in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineError {
    pub column: Option<String>,
    pub code: String,
    pub message: String,
}

impl LineError {
    pub fn row(code: &str, message: impl Into<String>) -> Self {
        LineError { column: None, code: code.to_owned(), message: message.into() }
    }

    pub fn at(column: &str, code: &str, message: impl Into<String>) -> Self {
        LineError { column: Some(column.to_owned()), code: code.to_owned(), message: message.into() }
    }
}

impl From<CellError> for LineError {
    fn from(e: CellError) -> Self {
        LineError { column: e.column.map(|c| c.code().to_owned()), code: e.code, message: e.message }
    }
}

/// What happens to a unit row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UnitAction {
    /// A new unit under `parent` (the parent's name path).
    Create {
        code: String,
        name: String,
        kind: String,
        parent: String,
        established: NaiveDate,
    },
    /// The register already has it (by code).
    Existing {
        unit: UnitId,
    },
    Refused {
        errors: Vec<LineError>,
    },
}

/// What happens to a member row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MemberAction {
    /// A new member in `unit` (its name path).
    Create {
        unit: String,
    },
    Unchanged {
        member: MemberId,
    },
    /// The register holds the member with other values: each a proposed change, written only
    /// when accepted; `differences` the register keeps (dates of its events: a correction's work).
    Update {
        member: MemberId,
        changes: Vec<Change>,
        differences: Vec<Change>,
        accepted: bool,
    },
    /// Matched by name and birth date only: the person confirms it is the same member.
    Confirm {
        member: MemberId,
        name: String,
    },
    Refused {
        errors: Vec<LineError>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitOutcome {
    pub row: usize,
    pub outcome: UnitAction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberOutcome {
    pub row: usize,
    pub outcome: MemberAction,
    pub warnings: Vec<Warning>,
}

/// How many rows each outcome has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
    /// Rows with proposed changes not accepted (nothing written for them).
    pub proposed: usize,
    pub unchanged: usize,
    pub to_confirm: usize,
    pub refused: usize,
    pub units_created: usize,
    pub units_existing: usize,
    pub units_refused: usize,
    pub warnings: usize,
}

/// A dry run's answer, or what an apply wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportPlan {
    pub units: Vec<UnitOutcome>,
    pub members: Vec<MemberOutcome>,
    pub counts: ImportCounts,
    /// The import's number once applied.
    pub import: Option<i64>,
    /// The ids of the members and events the apply wrote (`None`: a dry run, or none written).
    pub members_written: Option<IdRange>,
    pub events_written: Option<IdRange>,
}

/// Consecutive ids, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdRange {
    pub first: i64,
    pub last: i64,
}

/// Importing registers from files.
#[async_trait]
pub trait ImportStore: Send + Sync {
    /// What importing would do, without writing anything.
    async fn plan_import(&self, ctx: &WriteContext, input: &ImportInput) -> Result<ImportPlan>;
    /// Imports in one transaction: the plan recomputed under the write lock, then written, with
    /// one audit entry. Rows refused or waiting for confirmation are left out; nothing else is.
    async fn apply_import(&self, ctx: &WriteContext, input: &ImportInput) -> Result<ImportPlan>;
}

#[async_trait]
impl ImportStore for SqlStore {
    async fn plan_import(&self, ctx: &WriteContext, input: &ImportInput) -> Result<ImportPlan> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let work = plan::plan(conn.as_mut(), &self.index, ctx, input).await?;
        Ok(work.plan)
    }

    async fn apply_import(&self, ctx: &WriteContext, input: &ImportInput) -> Result<ImportPlan> {
        self.refresh_index().await?;
        let (mut tx, seq) = self.begin_write().await?;
        let work = plan::plan(tx.as_mut(), &self.index, ctx, input).await?;
        let plan = write::write(self, tx.as_mut(), ctx, input, work).await?;
        let record = crate::model::AuditRecord::new(
            "import.apply",
            "import",
            plan.import.unwrap_or_default(),
            serde_json::json!({
                "file": input.file_name,
                "digest": input.file_digest,
                "counts": plan.counts,
                "members": plan.members_written,
                "events": plan.events_written,
            }),
        );
        self.commit_write(tx, seq, ctx, &[record], "all", &[0]).await?;
        Ok(plan)
    }
}
