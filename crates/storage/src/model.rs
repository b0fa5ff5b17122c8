//! What crosses the [`Store`](crate::Store) boundary: commands (parsed, valid domain values) and
//! read models.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use domain::dates::AgeBand;
use domain::event::RecordedEvent;
use domain::history::{History, Status};
use domain::ids::{MemberId, UnitCode, UnitId};
use domain::member::{DatedProfile, Gender, Identity, Profile};
use domain::unit::{LegalBasis, UnitKind, UnitVersion};

/// The decision behind an operation on units: its effective date and reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgDecision {
    pub effective: NaiveDate,
    pub basis: LegalBasis,
    pub note: Option<String>,
}

/// A unit to create, or the new unit a merge or split produces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitSpec {
    pub kind: UnitKind,
    pub code: UnitCode,
    pub name: String,
    pub parent: Option<UnitId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewUnit {
    pub spec: UnitSpec,
    pub decision: OrgDecision,
}

/// New name, code and/or kind from the decision's date. `None` keeps the current value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenameUnit {
    pub expected_version: i64,
    pub name: Option<String>,
    pub code: Option<UnitCode>,
    pub kind: Option<UnitKind>,
    pub decision: OrgDecision,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoveUnit {
    pub expected_version: i64,
    pub parent: UnitId,
    pub decision: OrgDecision,
}

/// Where a merge or split sends things: an existing unit or one created by the operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Successor {
    Existing(UnitId),
    New(UnitSpec),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergeUnits {
    pub sources: Vec<UnitId>,
    pub target: Successor,
    pub decision: OrgDecision,
}

/// Children and members not listed go to the first successor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitUnit {
    pub expected_version: i64,
    pub successors: Vec<Successor>,
    pub children: Vec<(UnitId, usize)>,
    pub members: Vec<(MemberId, usize)>,
    pub decision: OrgDecision,
}

/// A unit as of a date (or its last version when it no longer exists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitSummary {
    pub id: UnitId,
    pub kind: UnitKind,
    pub code: String,
    pub name: String,
    pub parent_id: Option<UnitId>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

impl From<&UnitVersion> for UnitSummary {
    fn from(v: &UnitVersion) -> Self {
        UnitSummary {
            id: v.unit_id,
            kind: v.kind,
            code: v.code.to_string(),
            name: v.name.clone(),
            parent_id: v.parent_id,
            valid_from: v.valid_from,
            valid_to: v.valid_to,
        }
    }
}

/// A unit as the organization picker offers it: with the names of the units above it (nearest
/// first), so that units sharing a name can be told apart, and how well it matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitChoice {
    pub unit: UnitSummary,
    /// The names of the units above, the parent first.
    pub path: Vec<String>,
    /// How the typed text matched (`None` for a unit looked up by id).
    #[serde(skip)]
    pub matched: Option<domain::unit::pick::Match>,
}

/// Which units a picker offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PickFilter {
    /// Only units where members are recorded (chi bộ and the like).
    pub members_only: bool,
}

/// A unit in a tree listing: with the number of active members in its subtree and of its children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitNode {
    #[serde(flatten)]
    pub unit: UnitSummary,
    pub member_count: usize,
    pub child_count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperationInfo {
    pub id: i64,
    /// create, rename, move, merge, split, dissolve.
    pub kind: String,
    pub effective: NaiveDate,
    pub basis: LegalBasis,
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

/// A predecessor or successor through a merge or split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitLink {
    pub unit: UnitSummary,
    pub effective: NaiveDate,
    pub operation_id: i64,
}

/// Everything the unit page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitDetail {
    pub id: UnitId,
    pub version: i64,
    /// The version valid on the requested date, if the unit existed then.
    pub as_of: Option<UnitSummary>,
    /// The latest version.
    pub latest: UnitSummary,
    pub versions: Vec<UnitSummary>,
    pub operations: Vec<OperationInfo>,
    pub predecessors: Vec<UnitLink>,
    pub successors: Vec<UnitLink>,
    /// Ancestors on the requested date, from the top.
    pub path: Vec<UnitSummary>,
    pub children: Vec<UnitNode>,
    /// Active members in the subtree on the requested date.
    pub member_count: usize,
}

/// A member to create with their first profile and the events of their history so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewMember {
    pub identity: Identity,
    pub profile: DatedProfile,
    pub events: Vec<domain::event::EventData>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberUpdate {
    pub expected_version: i64,
    pub identity: Identity,
    /// A new profile valid from its date (a change in education, occupation, …).
    pub new_profile: Option<DatedProfile>,
}

/// Everything the member page shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberDetail {
    pub id: MemberId,
    pub version: i64,
    pub identity: Identity,
    pub profiles: Vec<DatedProfile>,
    /// Every stored event, corrections included, in the order recorded.
    pub events: Vec<RecordedEvent>,
    pub history: History,
    /// Names of the units the events and spans mention (their latest version), keyed by unit id.
    #[cfg_attr(feature = "openapi", schema(value_type = HashMap<String, String>))]
    pub unit_names: HashMap<UnitId, String>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

impl MemberDetail {
    pub fn current_profile(&self) -> Option<&Profile> {
        self.profiles.last().map(|p| &p.profile)
    }

    pub fn unit_name(&self, id: UnitId) -> String {
        self.unit_names.get(&id).cloned().unwrap_or_else(|| format!("Tổ chức {id}"))
    }
}

/// Which statuses a member list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Probationary, official and exempt: those on the register.
    #[default]
    Active,
    All,
    Only(Status),
}

/// A member list or search. `q` matches names with or without diacritics (every word a prefix of
/// a word of the name, in any order), or citizen ID / party card number digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberQuery {
    pub q: String,
    pub unit: Option<UnitId>,
    pub as_of: NaiveDate,
    pub status: StatusFilter,
    pub gender: Option<Gender>,
    pub age: Option<AgeBand>,
    /// One cell of the statistics' breakdowns (drill-down), read on `as_of`.
    pub facet: Option<domain::stats::Facet>,
    /// The members behind a movement: those who came onto or left the list of `unit` in a
    /// period. When set, the unit on `as_of` does not filter (the members may have left the list
    /// since) and status, gender, age band and facet are read on the day of the flow (status:
    /// the one the member left with, or came with).
    pub flow: Option<FlowFilter>,
    /// The members behind the admission report's count: admitted (or readmitted) to the list
    /// of `unit` in a period, counted as the report counts them (`Index::admitted_between`);
    /// status, gender, age band and facet are read on the decision's day.
    pub admitted: Option<AdmittedFilter>,
    /// One number of a statistics report of `unit`: its total or one of its rows, by the
    /// report's structure. `None`: the list of `unit`'s whole subtree by the tree of `as_of`
    /// (the report's total by the structure of the date).
    pub cell: Option<ReportCell>,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
    /// Only members within this scope (always set by [`crate::access::Access`]).
    pub scope: Option<ScopeFilter>,
}

/// Members who came onto (`inflow`) or left the list of the query's unit from `first` to
/// `last`, by one of `kinds` (empty: any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowFilter {
    pub inflow: bool,
    pub kinds: Vec<domain::stats::FlowKind>,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl FlowFilter {
    /// `vao` / `ra` (any inflow / outflow) or `vao:ket-nap,ket-nap-lai`, `ra:xoa-ten`, … (the
    /// codes of [`domain::stats::FlowKind`]).
    pub fn parse(input: &str, first: NaiveDate, last: NaiveDate) -> Result<FlowFilter, domain::FieldError> {
        let bad = || domain::FieldError::new("flow", "invalid", "Loại biến động không hợp lệ.".to_owned());
        let (direction, kinds) = input.trim().split_once(':').unwrap_or((input.trim(), ""));
        let inflow = match direction {
            "vao" => true,
            "ra" => false,
            _ => return Err(bad()),
        };
        let kinds = kinds
            .split(',')
            .filter(|k| !k.is_empty())
            .map(|k| domain::stats::FlowKind::parse(k).ok_or_else(bad))
            .collect::<Result<Vec<_>, _>>()?;
        if last < first {
            return Err(domain::FieldError::new("to", "period_reversed", "Ngày cuối kỳ phải sau hoặc trùng ngày đầu kỳ.".to_owned()));
        }
        Ok(FlowFilter { inflow, kinds, first, last })
    }

    pub fn code(&self) -> String {
        let direction = if self.inflow { "vao" } else { "ra" };
        if self.kinds.is_empty() {
            return direction.to_owned();
        }
        let kinds: Vec<&str> = self.kinds.iter().map(|k| k.code()).collect();
        format!("{direction}:{}", kinds.join(","))
    }
}

/// Members admitted or readmitted from `first` to `last` (both included), as the admission
/// report counts them (or, with `credit`, as the targets page does); only the readmitted when
/// `readmitted_only`; with `origin`, those of one line of the report's breakdowns by origin and
/// occasion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmittedFilter {
    pub readmitted_only: bool,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub credit: Option<Credit>,
    pub origin: Option<OriginFilter>,
}

/// The admissions the targets page credits to the query's unit: each counts for its chi bộ and
/// every unit above it on the decision date (`Index::admissions_by_unit`), all of them, those of
/// one sub-target group, or those whose ceremony fell on an occasion of the unit's list (any, or
/// the one of this day and month).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credit {
    All,
    Group(domain::pipeline::TargetGroup),
    Occasion(Option<(u32, u32)>),
}

/// A line of the admission report's breakdowns by origin and occasion: one source (`None`:
/// unknown), one sub-target group (`None`: none), or the ceremonies on an occasion of the
/// report's list (`None`: any; else its day and month).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginFilter {
    Source(Option<domain::pipeline::CandidateSource>),
    Group(Option<domain::pipeline::TargetGroup>),
    Occasion(Option<(u32, u32)>),
}

/// Which number of a statistics report of the query's unit a member list gives: the total or
/// one row, by the report's structure. The rows are those of the reports
/// (`Index::breakdown`, `movements`, `admissions`): the report's unit itself (its own chi bộ
/// members), a unit directly under it (with its subtree), or, by today's structure, the units
/// dissolved with no successor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportCell {
    /// `None`: the report's total.
    pub row: Option<CellRow>,
    pub structure: domain::stats::Structure,
    /// Today: today's structure regroups by the tree of this day.
    pub today: NaiveDate,
}

/// A row of a statistics report (see [`ReportCell`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellRow {
    /// A unit directly under the report's unit; the report's unit itself is its direct row.
    Unit(UnitId),
    /// By today's structure: the members of units dissolved with no successor.
    Dissolved,
}

/// A [`domain::access::Scope`] evaluated on a date (today).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeFilter {
    pub scope: domain::access::Scope,
    pub today: NaiveDate,
}

/// What [`ScopeStore::in_scope`](crate::ScopeStore::in_scope) checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeTarget {
    Unit(UnitId),
    Member(MemberId),
    /// A unit as of a day: within the scope, or read on that day by historical reach (a
    /// predecessor of a unit in scope, or a unit under it then, before it ended).
    UnitOn(UnitId, NaiveDate),
}

impl MemberQuery {
    pub fn new(as_of: NaiveDate) -> Self {
        MemberQuery {
            q: String::new(),
            unit: None,
            as_of,
            status: StatusFilter::Active,
            gender: None,
            age: None,
            facet: None,
            flow: None,
            admitted: None,
            cell: None,
            page: 1,
            per_page: 50,
            scope: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberListItem {
    pub id: MemberId,
    pub full_name: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub citizen_id: String,
    pub party_card_number: Option<String>,
    /// Status and unit on the query's date.
    pub status: Status,
    pub unit_id: Option<UnitId>,
    pub unit_name: Option<String>,
    /// Whether the caller may open the record. False only on the list of a predecessor read by
    /// historical reach, for a member whose record now belongs outside the caller's scope: listed
    /// as they were then, but their record answers as missing (docs/design/access.md).
    pub readable: bool,
    /// In temporary activity elsewhere on the list's day (rules.md §4): where — the host's name.
    /// Statistics count the member once, at home.
    pub temporarily_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberPage {
    /// The members listed (over every page).
    pub total: usize,
    /// For the members behind a movement or admission count: the movements or admissions they
    /// make, which is the report's number (a member who moved twice, or was admitted and later
    /// readmitted, in the period counts twice there). `None` for any other list.
    pub events: Option<usize>,
    pub page: usize,
    pub per_page: usize,
    pub items: Vec<MemberListItem>,
}

impl MemberPage {
    pub fn page_count(&self) -> usize {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

/// Data written by [`BulkStore::bulk_load`](crate::BulkStore::bulk_load): ids chosen by the caller.
#[derive(Debug, Clone, Default)]
pub struct BulkData {
    pub operations: Vec<BulkOperation>,
    pub unit_versions: Vec<(UnitVersion, i64)>,
    /// (predecessor, successor, operation id, date).
    pub unit_links: Vec<(UnitId, UnitId, i64, NaiveDate)>,
    pub members: Vec<BulkMember>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct BulkOperation {
    pub id: i64,
    pub kind: &'static str,
    pub decision: OrgDecision,
}

#[derive(Debug, Clone)]
pub struct BulkMember {
    pub id: MemberId,
    pub identity: Identity,
    pub profiles: Vec<DatedProfile>,
    pub events: Vec<RecordedEvent>,
}

mod accounts;
mod reports;
pub use accounts::*;
pub use reports::*;

// --- admission pipeline ----------------------------------------------------------------------------

/// One step as stored, with who recorded it and, when voided, when, by whom and why.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepRecord {
    pub id: i64,
    pub data: domain::pipeline::StepData,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub voided: Option<(DateTime<Utc>, String, String)>,
}

/// A case as its page shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseDetail {
    pub id: i64,
    pub version: i64,
    pub candidate: domain::pipeline::Candidate,
    pub unit_name: String,
    pub stage: domain::pipeline::Stage,
    /// Every step recorded, voided ones included, in order.
    pub steps: Vec<StepRecord>,
    pub next_steps: Vec<domain::pipeline::StepKind>,
    /// What would stop the chi bộ if it considered the file today.
    pub blockers: Vec<domain::admission::Blocker>,
    pub due: Vec<(domain::pipeline::DueItem, domain::pipeline::Urgency)>,
    /// The day the 12 months of probation end (after the decision).
    pub official_date: Option<NaiveDate>,
    pub certificate_valid_until: Option<NaiveDate>,
    /// The member record created by the decision.
    pub member: Option<MemberId>,
    /// Names of the members the case mentions (helper, introducers, former record).
    pub member_names: Vec<(MemberId, String)>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

impl CaseDetail {
    pub fn member_name(&self, id: MemberId) -> Option<&str> {
        self.member_names.iter().find(|(m, _)| *m == id).map(|(_, n)| n.as_str())
    }
}

/// A line of the pipeline board or of a case list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseSummary {
    pub id: i64,
    pub version: i64,
    pub unit: UnitId,
    pub unit_name: String,
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub source: domain::pipeline::CandidateSource,
    pub stage: domain::pipeline::Stage,
    pub member: Option<MemberId>,
    /// The soonest item due, and how urgent it is today.
    pub next_due: Option<domain::pipeline::DueItem>,
    pub urgency: Option<domain::pipeline::Urgency>,
    pub next_step: Option<domain::pipeline::StepKind>,
    pub updated_at: DateTime<Utc>,
}

/// Which cases: within `scope` (the caller's), under `unit` (its subtree today), in `stages`
/// (empty: every open stage), whose name contains `q`.
#[derive(Debug, Clone)]
pub struct CaseQuery {
    pub scope: Option<ScopeFilter>,
    pub unit: Option<UnitId>,
    pub stages: Vec<domain::pipeline::Stage>,
    pub q: String,
    pub today: NaiveDate,
}

impl CaseQuery {
    pub fn new(today: NaiveDate) -> Self {
        CaseQuery { scope: None, unit: None, stages: Vec::new(), q: String::new(), today }
    }
}

/// One line of the worklist.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkItem {
    pub case: i64,
    pub full_name: String,
    pub unit: UnitId,
    pub unit_name: String,
    pub stage: domain::pipeline::Stage,
    pub item: domain::pipeline::DueItem,
    pub urgency: domain::pipeline::Urgency,
}

/// What is due across the open cases of a subtree ("Việc cần làm").
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Worklist {
    pub today: NaiveDate,
    pub open_cases: usize,
    pub overdue: usize,
    pub soon: usize,
    pub later: usize,
    pub by_stage: Vec<(domain::pipeline::Stage, usize)>,
    /// Soonest first.
    pub items: Vec<WorkItem>,
}

/// A target and the admissions against it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetCell {
    pub target: Option<u32>,
    pub admitted: u32,
    pub percent: Option<f64>,
}

impl TargetCell {
    pub fn new(target: Option<u32>, admitted: u32) -> Self {
        TargetCell { target, admitted, percent: target.and_then(|t| domain::pipeline::progress_percent(admitted, t)) }
    }
}

/// One unit's line in the target report.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetRow {
    pub unit: UnitSummary,
    pub total: TargetCell,
    pub groups: Vec<(domain::pipeline::TargetGroup, TargetCell)>,
    /// Admissions whose ceremony fell on an occasion of the root's list (`occasions`).
    pub anniversary: u32,
}

/// Targets and progress of a unit and the units directly under it, for one year.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetReport {
    pub year: i32,
    /// The date the tree is taken on (the end of the year, or today in the current year).
    pub shape_on: NaiveDate,
    pub root: TargetRow,
    pub children: Vec<TargetRow>,
    /// Grassroots organizations (or, under a grassroots committee, chi bộ) with no admission.
    pub zero_admission: Vec<UnitSummary>,
    /// The root's occasion list and the admissions counted for the root on each.
    pub occasions: OccasionLines,
    /// Of the admissions, readmissions (kết nạp lại).
    pub readmissions: u32,
    pub open_candidates_by_source: Vec<(domain::pipeline::CandidateSource, usize)>,
}
