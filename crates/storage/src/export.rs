//! The register export (docs/formats/register.md): a subtree as it stood on a day, its units and
//! its members in the columns the importer reads.
//!
//! Two steps keep 500.000 members within bounded memory: [`ExportStore::export_plan`] reads the
//! index once and returns compact [`PlannedMember`]s (who, which chi bộ, since when, standing),
//! then [`ExportStore::export_rows`] reads the full records of one batch of them from the
//! database (identity, profiles, events: one statement per table and chunk), which the caller
//! writes out before asking for the next batch.

use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::json;

use domain::event::UnitRef;
use domain::history::Status;
use domain::ids::{MemberId, UnitId};
use domain::interchange::export::{admission_on, destination_on};
use domain::interchange::record::{Departure, MemberRecord, RecordStatus, UnitRecord};
use domain::member::DatedProfile;

use crate::error::{Result, StoreError};
use crate::model::{AuditRecord, ScopeFilter};
use crate::sql;
use crate::store::SqlStore;

/// Members read from the database per batch by the writers (web and command line).
pub const BATCH: usize = 1000;

/// What to export: `root`'s subtree as it stood on `on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportRequest {
    pub root: UnitId,
    pub on: NaiveDate,
    /// Also the members whose last chi bộ in the subtree they left before `on` (with how and when).
    pub departed: bool,
}

/// One member of an export as the index places them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedMember {
    pub id: MemberId,
    /// The chi bộ the row names: the member's on the day, or the last one in the subtree.
    pub unit: UnitId,
    /// The day the row reads the member and the unit's code on: the export's day, or the last
    /// day in that chi bộ for one who left.
    pub unit_on: NaiveDate,
    /// The first day of the uninterrupted stay in that chi bộ.
    pub since: NaiveDate,
    pub standing: Standing,
}

/// A member's standing in an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// On the list: probationary, official or exempt (`since`: the day the exemption began).
    Active { status: Status, since: Option<NaiveDate> },
    /// Left the subtree's last chi bộ on `on`.
    Left { departure: Departure, on: NaiveDate },
}

/// What an export holds, before its member rows are read.
#[derive(Debug, Clone)]
pub struct ExportPlan {
    pub request: ExportRequest,
    /// The subtree's units on the day, the root first.
    pub units: Vec<UnitRecord>,
    /// In register order.
    pub members: Vec<PlannedMember>,
    /// Members on the subtree's lists left out because their record now belongs outside the
    /// caller's scope (a predecessor read by historical reach).
    pub outside_scope: usize,
}

impl ExportPlan {
    /// The subtree's root (the first unit).
    pub fn root(&self) -> Option<&UnitRecord> {
        self.units.first()
    }

    /// How many members are on the day's lists (those who left not counted).
    pub fn active(&self) -> usize {
        self.members.iter().filter(|m| matches!(m.standing, Standing::Active { .. })).count()
    }

    /// The audit entry of reading this export.
    pub fn audit_record(&self, format: &str) -> AuditRecord {
        let root = self.root();
        let details = json!({
            "unit": self.request.root.0,
            "code": root.map(|r| r.code.as_str()),
            "name": root.map(|r| r.name.as_str()),
            "on": self.request.on,
            "departed": self.request.departed,
            "format": format,
            "units": self.units.len(),
            "members": self.members.len(),
            "active": self.active(),
            "outside_scope": self.outside_scope,
        });
        AuditRecord::new("read.export", "unit", self.request.root.0, details)
    }
}

/// Exports of the register.
#[async_trait]
pub trait ExportStore: Send + Sync {
    /// The units and members of an export of `request`, members in register order; with
    /// `scope`, members whose record it does not read are left out (counted in the plan). A
    /// root that did not stand on the day is refused.
    async fn export_plan(&self, request: ExportRequest, scope: Option<&ScopeFilter>) -> Result<ExportPlan>;
    /// The rows of these members of a plan of `on`, in the order given (a member whose record
    /// cannot be read as a row, which no derived history allows, is left out).
    async fn export_rows(&self, on: NaiveDate, members: &[PlannedMember]) -> Result<Vec<MemberRecord>>;
}

#[async_trait]
impl ExportStore for SqlStore {
    async fn export_plan(&self, request: ExportRequest, scope: Option<&ScopeFilter>) -> Result<ExportPlan> {
        self.refresh_index().await?;
        let selection = self.index.read().export_selection(request.root, request.on, request.departed, scope);
        let Some(s) = selection else {
            return Err(StoreError::invalid(
                "date",
                "unit_not_on_date",
                format!("Tổ chức không tồn tại vào ngày {}.", domain::dates::format_vn(request.on)),
            ));
        };
        Ok(ExportPlan { request, units: s.units, members: s.members, outside_scope: s.outside_scope })
    }

    async fn export_rows(&self, on: NaiveDate, members: &[PlannedMember]) -> Result<Vec<MemberRecord>> {
        let ids: Vec<MemberId> = members.iter().map(|m| m.id).collect();
        let (identities, profiles, events) = {
            let mut conn = self.db.reader().await?;
            let identities = sql::export::identities(conn.as_mut(), &ids).await?;
            let profiles = sql::export::profiles_of(conn.as_mut(), &ids).await?;
            let events = sql::export::events_of(conn.as_mut(), &ids).await?;
            (identities, profiles, events)
        };
        let index = self.index.read();
        let names = UnitNames { index: &index };
        let mut rows = Vec::with_capacity(members.len());
        for m in members {
            let facts = MemberFacts {
                identity: identities.get(&m.id),
                profiles: profiles.get(&m.id).map_or(&[], Vec::as_slice),
                events: events.get(&m.id).map_or(&[], Vec::as_slice),
            };
            match row(m, on, facts, &names) {
                Some(r) => rows.push(r),
                None => tracing::warn!(member = m.id.0, "export: the record cannot be read as a row"),
            }
        }
        Ok(rows)
    }
}

/// What the database holds of one member.
struct MemberFacts<'a> {
    identity: Option<&'a domain::member::Identity>,
    profiles: &'a [DatedProfile],
    events: &'a [domain::event::RecordedEvent],
}

/// Unit codes and names as the index knows them.
struct UnitNames<'a> {
    index: &'a crate::index::Index,
}

impl UnitNames<'_> {
    /// A unit of the register by its code, an outside one by the name recorded.
    fn code(&self, unit: &UnitRef, on: NaiveDate) -> Option<String> {
        match unit {
            UnitRef::Internal(u) => self.index.unit_code_on(*u, on),
            UnitRef::External(name) => Some(name.clone()),
        }
    }

    fn name(&self, unit: &UnitRef, on: NaiveDate) -> Option<String> {
        match unit {
            UnitRef::Internal(u) => self.index.unit_name_on(*u, on),
            UnitRef::External(name) => Some(name.clone()),
        }
    }
}

/// The row of `m`: the admission behind their stay, the profile of the day, the standing.
fn row(m: &PlannedMember, on: NaiveDate, facts: MemberFacts<'_>, names: &UnitNames<'_>) -> Option<MemberRecord> {
    let admission = admission_on(facts.events, m.unit_on)?;
    let status = match m.standing {
        Standing::Active { status: Status::Probationary, .. } => RecordStatus::Probationary,
        Standing::Active { status: Status::Exempt, since } => RecordStatus::Exempt { since },
        Standing::Active { .. } => RecordStatus::Official,
        Standing::Left { departure, on: left } => {
            let destination = match departure {
                Departure::TransferredOut => destination_on(facts.events, left).and_then(|d| names.name(&d, left)),
                _ => None,
            };
            RecordStatus::Left { departure, on: left, destination }
        }
    };
    Some(MemberRecord {
        identity: facts.identity?.clone(),
        profile: profile_on(facts.profiles, on),
        decision: admission.decision,
        ceremony: admission.ceremony,
        decision_taken_from_ceremony: false,
        basis: admission.basis,
        admitted_in: names.code(&admission.unit, admission.decision),
        origin: admission.origin,
        official: admission.official,
        unit: names.index.unit_code_on(m.unit, m.unit_on)?,
        unit_since: Some(m.since),
        status,
        note: None,
        earlier: admission.earlier,
    })
}

/// The profile in force on `on`; the earliest recorded when all begin later.
fn profile_on(profiles: &[DatedProfile], on: NaiveDate) -> Option<domain::member::Profile> {
    profiles.iter().rev().find(|p| p.valid_from.is_none_or(|f| f <= on)).or_else(|| profiles.first()).map(|p| p.profile.clone())
}

/// The members of a plan grouped per batch of [`BATCH`].
pub fn batches(plan: &ExportPlan) -> impl Iterator<Item = &[PlannedMember]> {
    plan.members.chunks(BATCH)
}
