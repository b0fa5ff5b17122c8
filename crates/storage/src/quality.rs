//! The data-quality worklist (docs/design/quality.md): what in the register needs fixing, for a
//! scope and optionally one unit's subtree, computed at every read from the in-memory index (the
//! members' identities, profiles and derived spans; the tree on the day) and the grants in force
//! (which chi bộ an account holds the secretary role on). The checks are `domain::quality`'s.

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::Serialize;

use domain::ids::{MemberId, UnitId};
use domain::quality::ProblemKind;

use crate::admission::AdmissionStore;
use crate::error::{Result, StoreError};
use crate::model::ScopeFilter;
use crate::sql;
use crate::store::SqlStore;

/// What the worklist is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityQuery {
    /// Only what belongs to this unit's subtree today (`None`: the whole scope).
    pub unit: Option<UnitId>,
    /// Only lines of this kind (the counts always cover every kind).
    pub kind: Option<ProblemKind>,
    /// The reader's scope (`None`: everything, for the command line).
    pub scope: Option<ScopeFilter>,
    /// The day problems are judged on (deadlines, the tree, members on a list).
    pub today: NaiveDate,
    /// A page of lines, from 1 (with `per_page`).
    pub page: usize,
    /// Lines per page; `None`: every line (a download, the command line).
    pub per_page: Option<usize>,
}

impl QualityQuery {
    /// Every line of the scope on `today`.
    pub fn new(scope: Option<ScopeFilter>, today: NaiveDate) -> Self {
        QualityQuery { unit: None, kind: None, scope, today, page: 1, per_page: None }
    }
}

/// A unit as the worklist names it: with the names of the units above it (the parent first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityUnit {
    pub id: UnitId,
    pub code: String,
    pub name: String,
    /// The names of the units above it, the parent first.
    pub path: Vec<String>,
}

/// A member's record as a line names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityMember {
    pub id: MemberId,
    pub full_name: String,
    pub birth_date: NaiveDate,
}

/// One problem: on a member's record (`member`, with the unit the record belongs to) or on a chi
/// bộ (`unit` alone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityLine {
    pub kind: ProblemKind,
    pub member: Option<QualityMember>,
    pub unit: Option<QualityUnit>,
    /// What exactly is wrong, in Vietnamese.
    pub detail: String,
    /// The day the problem concerns (an admission decision, a letter), when there is one.
    pub date: Option<NaiveDate>,
    /// The last day the rules allowed, for a deadline that has passed.
    pub deadline: Option<NaiveDate>,
    /// For a probable duplicate: the other records of the group (within the scope).
    pub related: Vec<QualityMember>,
}

/// How many problems of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KindCount {
    pub kind: ProblemKind,
    pub count: usize,
}

/// The problems under one unit of the level the report is broken down by: the units directly
/// under the unit asked for (or under the scope's top unit), each with its subtree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitCounts {
    pub unit: QualityUnit,
    /// Every kind, in the list's order (zeros included).
    pub counts: Vec<KindCount>,
    pub total: usize,
}

/// The worklist: counts by kind and by unit, and the lines asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityReport {
    pub as_of: NaiveDate,
    /// The unit asked for, if any.
    pub unit: Option<QualityUnit>,
    /// Every kind, in the list's order (zeros included), over the whole scope or unit.
    pub totals: Vec<KindCount>,
    /// Lines of the kind asked for (all kinds when none), before paging.
    pub total_lines: usize,
    pub page: usize,
    /// The lines of the page: members' records in register order within each kind, then chi bộ.
    pub lines: Vec<QualityLine>,
    /// By unit, most problems first; units without any are left out.
    pub per_unit: Vec<UnitCounts>,
}

/// The data-quality worklist.
#[async_trait]
pub trait QualityStore: Send + Sync {
    /// The problems of the register for the query's scope and unit on its day (NotFound: a unit
    /// that does not stand that day).
    async fn quality(&self, query: &QualityQuery) -> Result<QualityReport>;
}

#[async_trait]
impl QualityStore for SqlStore {
    async fn quality(&self, query: &QualityQuery) -> Result<QualityReport> {
        let calendar = self.work_calendar().await?;
        let mut conn = self.db.reader().await?;
        let secretaries = sql::quality::secretary_units(conn.as_mut()).await?;
        drop(conn);
        self.refresh_index().await?;
        let index = self.index.read();
        if let Some(u) = query.unit
            && index.unit_version_on(u, query.today).is_none()
        {
            return Err(StoreError::NotFound);
        }
        Ok(index.quality(query, &secretaries, &calendar))
    }
}
