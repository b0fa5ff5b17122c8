//! The plan of an import: every row matched against the register and checked, nothing written.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use domain::event::{EventData, EventKind, RecordedEvent, TransferMode};
use domain::history::{self, History, LoadedUnits, Status};
use domain::ids::{EventId, MemberId, UnitId};
use domain::interchange::history::{Placement, implied_events};
use domain::interchange::record::{Departure, RecordStatus, UnitRecord};
use domain::interchange::{Column, MemberRecord, UnitColumn};
use domain::member::{DatedProfile, Identity, Profile, profile_on};
use domain::text::fold;
use domain::unit::{UnitVersion, closure_rows};

use super::{
    ImportCounts, ImportInput, ImportPhase, ImportPlan, ImportProgress, LineError, MemberAction, MemberOutcome, UnitAction, UnitOutcome,
};
use crate::context::WriteContext;
use crate::db::Conn;
use crate::error::Result;
use crate::index::SharedIndex;
use crate::model::ScopeTarget;
use crate::sql;
use crate::sql::import::{MatchKey, RegisterMember};

/// The first day a new unit may be needed on while the rows are read.
const SINCE_EVER: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// Rows checked together (on two threads) between two progress reports.
const CHECK_BLOCK: usize = 4_000;

/// One value of a member that differs between the file and the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    /// The column's code (`domain::interchange::Column`).
    pub column: String,
    /// The column's header, as people read it.
    pub label: String,
    pub register: String,
    pub file: String,
    pub kind: ChangeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ChangeKind {
    Identity,
    Profile,
    /// A new event: recognition, moving to another chi bộ, exemption, leaving.
    Event,
    /// A date of an event the register holds: kept; a correction on the record changes it.
    Kept,
}

mod compare;
use compare::compare;

/// What an apply writes, from the plan.
pub(super) struct Work {
    pub plan: ImportPlan,
    pub new_units: Vec<UnitVersion>,
    pub new_members: Vec<NewMember>,
    pub updates: Vec<Update>,
}

pub(super) struct NewMember {
    /// Index of the row in `ImportInput::members` (its record is read from there, not copied).
    pub line: usize,
    pub placement: Placement,
}

pub(super) struct Update {
    pub member: MemberId,
    pub version: i64,
    pub identity: Option<Identity>,
    pub profile: Option<Profile>,
    pub events: Vec<EventData>,
}

/// The tree as the import sees it: the register's units (latest versions) and the file's new ones.
struct Tree {
    versions: HashMap<UnitId, Vec<UnitVersion>>,
    by_code: HashMap<String, UnitId>,
    by_name: HashMap<String, Vec<UnitId>>,
    next_id: i64,
}

impl Tree {
    fn latest(&self, u: UnitId) -> Option<&UnitVersion> {
        self.versions.get(&u).and_then(|v| v.iter().max_by_key(|x| x.valid_from))
    }

    fn is_open(&self, u: UnitId) -> bool {
        self.latest(u).is_some_and(|v| v.valid_to.is_none())
    }

    /// "Chi bộ thôn Đông / Đảng bộ xã Tân Phú / …": the unit, then the units above it.
    fn path(&self, u: UnitId) -> String {
        let mut names = Vec::new();
        let mut at = Some(u);
        while let Some(id) = at {
            let Some(v) = self.latest(id) else { break };
            names.push(v.name.clone());
            at = v.parent_id;
            if names.len() > 12 {
                break;
            }
        }
        names.join(" / ")
    }

    fn add(&mut self, v: UnitVersion) {
        self.by_code.insert(v.code.as_str().to_uppercase(), v.unit_id);
        self.by_name.entry(fold(&v.name)).or_default().push(v.unit_id);
        self.versions.insert(v.unit_id, vec![v]);
    }
}

/// Whether the writer may act on a unit (`scope` `None`: everywhere).
struct Reach<'a> {
    index: &'a SharedIndex,
    input: &'a ImportInput,
    new_units: HashSet<UnitId>,
}

impl Reach<'_> {
    fn writes(&self, u: UnitId) -> bool {
        self.new_units.contains(&u) || self.input.scope.as_ref().is_none_or(|s| self.index.read().in_scope(s, ScopeTarget::Unit(u)))
    }
}

pub(super) async fn plan(conn: &mut dyn Conn, index: &SharedIndex, ctx: &WriteContext, input: &ImportInput) -> Result<Work> {
    let today = ctx.today;
    let mut tree = load_tree(conn).await?;
    let mut reach = Reach { index, input, new_units: HashSet::new() };
    let mut counts = ImportCounts::default();
    let report = |done: usize, total: usize| {
        if let Some(p) = &input.progress {
            p(ImportProgress { phase: ImportPhase::Checking, done, total });
        }
    };
    let total = input.units.len() + input.members.len();

    // Units, parents first: a row waits until its parent is known.
    let mut unit_outcomes: BTreeMap<usize, UnitAction> = BTreeMap::new();
    let mut new_units: Vec<UnitVersion> = Vec::new();
    let mut pending: Vec<(usize, &UnitRecord)> = Vec::new();
    let mut file_codes: HashMap<String, usize> = HashMap::new();
    for (i, line) in input.units.iter().enumerate() {
        match &line.read {
            Err(errors) => {
                unit_outcomes.insert(i, UnitAction::Refused { errors: errors.clone() });
            }
            Ok(u) => {
                let code = u.code.as_str().to_uppercase();
                if let Some(first) = file_codes.get(&code) {
                    let row = input.units.get(*first).map_or(0, |l| l.row);
                    unit_outcomes.insert(
                        i,
                        UnitAction::Refused {
                            errors: vec![LineError::at(
                                UnitColumn::Code.code(),
                                "duplicate",
                                format!("Mã tổ chức {code} trùng với dòng {row}."),
                            )],
                        },
                    );
                } else {
                    file_codes.insert(code, i);
                    pending.push((i, u));
                }
            }
        }
    }
    loop {
        let before = pending.len();
        let mut waiting = Vec::new();
        for (i, u) in pending {
            match place_unit(&mut tree, &reach, input, u) {
                UnitPlacement::Wait => waiting.push((i, u)),
                UnitPlacement::Done(action, version) => {
                    if let Some(v) = version {
                        reach.new_units.insert(v.unit_id);
                        new_units.push(v.clone());
                        tree.add(v);
                    }
                    unit_outcomes.insert(i, action);
                }
            }
        }
        if waiting.is_empty() || waiting.len() == before {
            for (i, u) in waiting {
                let parent = u.parent_code.clone().or(u.parent.clone()).unwrap_or_default();
                unit_outcomes.insert(
                    i,
                    UnitAction::Refused {
                        errors: vec![LineError::at(
                            UnitColumn::ParentCode.code(),
                            "unknown_parent",
                            format!("Không tìm thấy tổ chức cấp trên “{parent}” trong tệp hoặc trong phạm vi của bạn."),
                        )],
                    },
                );
            }
            break;
        }
        pending = waiting;
    }
    report(input.units.len(), total);

    // Members: read, placed, matched.
    let records: Vec<Option<&MemberRecord>> = input.members.iter().map(|l| l.read.as_deref().ok()).collect();
    let matches = match_members(conn, &records).await?;
    let matched_ids: Vec<MemberId> = matches.iter().flatten().map(|m| m.member.id).collect();
    let events = sql::export::events_of(conn, &matched_ids).await?;
    let profiles = sql::export::profiles_of(conn, &matched_ids).await?;
    let closure: Vec<_> = tree.versions.keys().flat_map(|u| closure_rows(*u, &tree.versions)).collect();
    let units = LoadedUnits::new(tree.versions.clone(), closure);

    // Every row placed, and every new member's history derived and checked, on two threads a
    // block at a time; the block's rows are then walked in order.
    let mut prepared: Vec<Option<Prepared>> = Vec::new();
    let mut member_outcomes = Vec::with_capacity(input.members.len());
    let mut new_members = Vec::new();
    let mut updates = Vec::new();
    let mut earliest: HashMap<UnitId, NaiveDate> = HashMap::new();
    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    let mut seen_members: HashMap<MemberId, usize> = HashMap::new();
    for (i, line) in input.members.iter().enumerate() {
        if i % CHECK_BLOCK == 0 {
            let block = input.members.get(i..(i + CHECK_BLOCK).min(input.members.len())).unwrap_or_default();
            prepared = prepare(block, i, &matches, &tree, &reach, &units, today);
            report(input.units.len() + i, total);
        }
        let ready = prepared.get_mut(i % CHECK_BLOCK).and_then(Option::take);
        let outcome = match &line.read {
            Err(errors) => MemberAction::Refused { errors: errors.iter().cloned().map(LineError::from).collect() },
            Ok(record) => {
                let key = record.identity.citizen_id.to_string();
                if let Some(first) = seen_ids.get(&key) {
                    MemberAction::Refused {
                        errors: vec![LineError::at(
                            Column::CitizenId.code(),
                            "duplicate",
                            format!("Số CCCD {key} trùng với dòng {first}."),
                        )],
                    }
                } else {
                    seen_ids.insert(key, line.row);
                    let found = matches.get(i).and_then(|m| m.as_ref());
                    let Prepared { placement, check } =
                        ready.unwrap_or_else(|| Prepared { placement: place_member(&tree, &reach, record, today), check: None });
                    match placement {
                        Err(e) => MemberAction::Refused { errors: vec![e] },
                        Ok(placement) => match found {
                            None => match check.unwrap_or_else(|| check_new(record, placement, &units)) {
                                Err(errors) => MemberAction::Refused { errors },
                                Ok(needed) => {
                                    for (u, d) in needed {
                                        let e = earliest.entry(u).or_insert(d);
                                        *e = (*e).min(d);
                                    }
                                    new_members.push(NewMember { line: i, placement });
                                    MemberAction::Create { unit: tree.path(placement.unit) }
                                }
                            },
                            Some(m) if seen_members.contains_key(&m.member.id) => MemberAction::Refused {
                                errors: vec![LineError::row(
                                    "duplicate",
                                    format!(
                                        "Dòng này và dòng {} cùng là một đảng viên trong sổ.",
                                        seen_members.get(&m.member.id).copied().unwrap_or(0)
                                    ),
                                )],
                            },
                            Some(m) => {
                                seen_members.insert(m.member.id, line.row);
                                if !reach.writes_member(&events, m.member.id, &units) {
                                    MemberAction::Refused {
                                        errors: vec![LineError::at(
                                            Column::CitizenId.code(),
                                            "outside_scope",
                                            "Số CCCD này đã có trong sổ ngoài phạm vi của bạn; không nạp được dòng này.",
                                        )],
                                    }
                                } else if m.by_name_only && !input.confirmed.contains(&line.row) {
                                    MemberAction::Confirm { member: m.member.id, name: m.member.identity.full_name.to_string() }
                                } else {
                                    let existing = events.get(&m.member.id).map_or(&[][..], |e| e.as_slice());
                                    let history = history::derive(existing, &units);
                                    let profile = profiles.get(&m.member.id).and_then(|p| latest_profile(p, today));
                                    compare(
                                        record,
                                        placement,
                                        &m.member,
                                        existing,
                                        &history,
                                        profile,
                                        &tree,
                                        &units,
                                        input.accept_changes,
                                        today,
                                        &mut updates,
                                    )
                                }
                            }
                        },
                    }
                }
            }
        };
        member_outcomes.push(MemberOutcome { row: line.row, outcome, warnings: line.warnings.clone() });
    }

    // A unit the import creates stands from the day its file row gives, else from the earliest
    // day a member (or a unit under it) needs it, else from the import's day.
    let explicit: HashSet<UnitId> = input
        .units
        .iter()
        .filter_map(|l| l.read.as_ref().ok().filter(|u| u.established.is_some()).map(|u| u.code.as_str().to_uppercase()))
        .filter_map(|c| tree.by_code.get(&c).copied())
        .collect();
    for v in new_units.iter_mut().rev() {
        if !explicit.contains(&v.unit_id) {
            v.valid_from = earliest.get(&v.unit_id).copied().unwrap_or(today);
        }
        if let Some(parent) = v.parent_id
            && reach.new_units.contains(&parent)
        {
            let e = earliest.entry(parent).or_insert(v.valid_from);
            *e = (*e).min(v.valid_from);
        }
    }
    // Children are listed after their parents; a second pass settles the parents' days.
    for i in 0..new_units.len() {
        let Some(v) = new_units.get(i) else { continue };
        let (id, parent) = (v.unit_id, v.parent_id);
        let parent_from = parent.and_then(|p| new_units.iter().find(|x| x.unit_id == p)).map(|p| p.valid_from);
        if !explicit.contains(&id)
            && let Some(e) = earliest.get(&id).copied()
            && let Some(v) = new_units.get_mut(i)
        {
            v.valid_from = e.max(parent_from.unwrap_or(e));
        }
    }
    for action in unit_outcomes.values_mut() {
        if let UnitAction::Create { established, code, .. } = action
            && let Some(v) = new_units.iter().find(|v| v.code.as_str() == code.as_str())
        {
            *established = v.valid_from;
        }
    }

    for o in &member_outcomes {
        match &o.outcome {
            MemberAction::Create { .. } => counts.created += 1,
            MemberAction::Unchanged { .. } => counts.unchanged += 1,
            MemberAction::Update { accepted: true, changes, .. } if !changes.is_empty() => counts.updated += 1,
            MemberAction::Update { .. } => counts.proposed += 1,
            MemberAction::Confirm { .. } => counts.to_confirm += 1,
            MemberAction::Refused { .. } => counts.refused += 1,
        }
        counts.warnings += o.warnings.len();
    }
    for a in unit_outcomes.values() {
        match a {
            UnitAction::Create { .. } => counts.units_created += 1,
            UnitAction::Existing { .. } => counts.units_existing += 1,
            UnitAction::Refused { .. } => counts.units_refused += 1,
        }
    }
    let units_out =
        unit_outcomes.into_iter().map(|(i, outcome)| UnitOutcome { row: input.units.get(i).map_or(0, |l| l.row), outcome }).collect();
    report(total, total);
    Ok(Work {
        plan: ImportPlan { units: units_out, members: member_outcomes, counts, import: None, members_written: None, events_written: None },
        new_units,
        new_members,
        updates,
    })
}

impl Reach<'_> {
    /// The writer may change the member: their unit now (or, gone, their last) is in the scope.
    fn writes_member(&self, events: &HashMap<MemberId, Vec<RecordedEvent>>, member: MemberId, units: &LoadedUnits) -> bool {
        if self.input.scope.is_none() {
            return true;
        }
        let h = history::derive(events.get(&member).map_or(&[][..], |e| e.as_slice()), units);
        h.spans.iter().rev().find_map(|s| s.unit.internal()).is_some_and(|u| self.writes(u))
    }
}

async fn load_tree(conn: &mut dyn Conn) -> Result<Tree> {
    let mut versions: HashMap<UnitId, Vec<UnitVersion>> = HashMap::new();
    for v in sql::all_unit_versions(conn).await? {
        versions.entry(v.unit_id).or_default().push(v);
    }
    let mut tree = Tree { versions: HashMap::new(), by_code: HashMap::new(), by_name: HashMap::new(), next_id: 1 };
    let max = versions.keys().map(|u| u.0).max().unwrap_or(0);
    tree.next_id = max + 1;
    for (u, list) in &versions {
        if let Some(v) = list.iter().max_by_key(|x| x.valid_from)
            && v.valid_to.is_none()
        {
            tree.by_code.insert(v.code.as_str().to_uppercase(), *u);
            tree.by_name.entry(fold(&v.name)).or_default().push(*u);
        }
    }
    tree.versions = versions;
    Ok(tree)
}

enum UnitPlacement {
    Wait,
    Done(UnitAction, Option<UnitVersion>),
}

/// Decides a unit row: already in the register, created under its parent, refused, or waiting
/// for its parent (a row further down the file).
fn place_unit(tree: &mut Tree, reach: &Reach<'_>, input: &ImportInput, u: &UnitRecord) -> UnitPlacement {
    let code = u.code.as_str().to_uppercase();
    if let Some(existing) = tree.by_code.get(&code).copied() {
        if !reach.writes(existing)
            && !reach.input.scope.as_ref().is_none_or(|s| reach.index.read().in_scope(s, ScopeTarget::Unit(existing)))
        {
            return UnitPlacement::Done(
                UnitAction::Refused {
                    errors: vec![LineError::at(
                        UnitColumn::Code.code(),
                        "taken",
                        format!("Mã tổ chức {code} đã được dùng trong sổ; chọn mã khác."),
                    )],
                },
                None,
            );
        }
        return UnitPlacement::Done(UnitAction::Existing { unit: existing }, None);
    }
    let parent = match (&u.parent_code, &u.parent) {
        (Some(c), _) => match tree.by_code.get(&c.to_uppercase()) {
            Some(p) => Some(*p),
            None => return UnitPlacement::Wait,
        },
        (None, Some(name)) => match find_unit(tree, reach, name) {
            Ok(p) => Some(p),
            Err(_) => return UnitPlacement::Wait,
        },
        (None, None) => input.root,
    };
    let parent_kind = parent.and_then(|p| tree.latest(p)).map(|v| v.kind);
    if let Some(p) = parent
        && (!reach.writes(p) || !tree.is_open(p))
    {
        return UnitPlacement::Done(
            UnitAction::Refused {
                errors: vec![LineError::at(
                    UnitColumn::ParentCode.code(),
                    "unknown_parent",
                    "Không tìm thấy tổ chức cấp trên trong tệp hoặc trong phạm vi của bạn.",
                )],
            },
            None,
        );
    }
    let kind = u.kind.resolve(parent_kind);
    if !kind.may_sit_under(parent_kind) {
        return UnitPlacement::Done(
            UnitAction::Refused {
                errors: vec![LineError::at(UnitColumn::Kind.code(), "invalid_parent", kind.placement_error(parent_kind).message)],
            },
            None,
        );
    }
    let id = UnitId(tree.next_id);
    tree.next_id += 1;
    let version = UnitVersion {
        unit_id: id,
        // Without a founding day in the file: from the earliest day its members need (settled
        // once every row is read).
        valid_from: u.established.unwrap_or(SINCE_EVER),
        valid_to: None,
        kind,
        code: u.code.clone(),
        name: u.name.clone(),
        parent_id: parent,
    };
    let parent_path = parent.map(|p| tree.path(p)).unwrap_or_default();
    UnitPlacement::Done(
        UnitAction::Create {
            code: u.code.to_string(),
            name: u.name.clone(),
            kind: kind.label().to_owned(),
            parent: parent_path,
            established: version.valid_from,
        },
        Some(version),
    )
}

/// A unit the file names by code, by name, or by a path "Chi bộ A / Đảng bộ B" (the unit first,
/// or the top first with "›" or ">"), among the open units the writer may act on.
fn find_unit(tree: &Tree, reach: &Reach<'_>, text: &str) -> std::result::Result<UnitId, String> {
    let t = text.trim();
    if let Some(u) = tree.by_code.get(&t.to_uppercase()).copied().filter(|u| reach.writes(*u)) {
        return Ok(u);
    }
    let parts: Vec<String> = if t.contains('›') || t.contains('>') {
        t.split(['›', '>']).rev().map(fold).filter(|p| !p.is_empty()).collect()
    } else {
        t.split(['/', '\\']).map(fold).filter(|p| !p.is_empty()).collect()
    };
    let Some(first) = parts.first() else { return Err(t.to_owned()) };
    let candidates: Vec<UnitId> = tree
        .by_name
        .get(first)
        .into_iter()
        .flatten()
        .copied()
        .filter(|u| reach.writes(*u) && tree.is_open(*u))
        .filter(|u| {
            // Every further part names an ancestor, in order.
            let mut at = tree.latest(*u).and_then(|v| v.parent_id);
            parts.iter().skip(1).all(|p| {
                loop {
                    let Some(a) = at else { break false };
                    let v = tree.latest(a);
                    at = v.and_then(|v| v.parent_id);
                    if v.is_some_and(|v| fold(&v.name) == *p) {
                        break true;
                    }
                }
            })
        })
        .collect();
    match candidates.as_slice() {
        [one] => Ok(*one),
        _ => Err(t.to_owned()),
    }
}

/// The chi bộ a member row names and the unit it says they were admitted in.
fn place_member(tree: &Tree, reach: &Reach<'_>, record: &MemberRecord, today: NaiveDate) -> std::result::Result<Placement, LineError> {
    let unit = find_unit(tree, reach, &record.unit).map_err(|t| {
        LineError::at(
            Column::Unit.code(),
            "unknown_unit",
            format!("Không tìm thấy chi bộ “{t}” trong tệp hoặc trong phạm vi của bạn (ghi mã, tên hoặc đường dẫn tên)."),
        )
    })?;
    if !tree.latest(unit).is_some_and(|v| v.kind.holds_members()) {
        return Err(LineError::at(
            Column::Unit.code(),
            "not_a_cell",
            format!("“{}” không phải là chi bộ; đảng viên sinh hoạt ở chi bộ.", record.unit),
        ));
    }
    let admitted_in = record.admitted_in.as_deref().and_then(|t| find_unit(tree, reach, t).ok()).filter(|u| {
        tree.versions.get(u).is_some_and(|vs| vs.iter().any(|v| v.covers(record.decision)) || *u == unit)
            && tree.latest(*u).is_some_and(|v| v.kind.holds_members())
    });
    Ok(Placement { unit, admitted_in, import_day: today })
}

/// A row placed, and for a new member the check of its history.
struct Prepared {
    placement: std::result::Result<Placement, LineError>,
    check: Option<NewCheck>,
}

type NewCheck = std::result::Result<Vec<(UnitId, NaiveDate)>, Vec<LineError>>;

/// [`Prepared`] for every row of a block starting at row index `start` (`None` for a row
/// refused by its reader), half of the rows on another thread.
fn prepare(
    lines: &[super::MemberLine],
    start: usize,
    matches: &[Option<Matched>],
    tree: &Tree,
    reach: &Reach<'_>,
    units: &LoadedUnits,
    today: NaiveDate,
) -> Vec<Option<Prepared>> {
    let one = |i: usize, line: &super::MemberLine| -> Option<Prepared> {
        let record = line.read.as_deref().ok()?;
        let placement = place_member(tree, reach, record, today);
        let new = matches.get(i).is_none_or(|m| m.is_none());
        let check = match (&placement, new) {
            (Ok(p), true) => Some(check_new(record, *p, units)),
            _ => None,
        };
        Some(Prepared { placement, check })
    };
    let half = lines.len() / 2;
    let (first, second) = lines.split_at(half);
    std::thread::scope(|scope| {
        let other = scope.spawn(|| second.iter().enumerate().map(|(j, l)| one(start + half + j, l)).collect::<Vec<_>>());
        let mut out: Vec<Option<Prepared>> = first.iter().enumerate().map(|(i, l)| one(start + i, l)).collect();
        out.extend(other.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        out
    })
}

/// Derives a new member's history from the row; the units it needs and from when.
fn check_new(
    record: &MemberRecord,
    placement: Placement,
    units: &LoadedUnits,
) -> std::result::Result<Vec<(UnitId, NaiveDate)>, Vec<LineError>> {
    let events = implied_events(record, placement, 0);
    let h = history::derive(&as_recorded(&[], &events), units);
    if h.problems.is_empty() {
        Ok(events.iter().flat_map(|e| e.kind.units().into_iter().map(move |u| (u, e.effective))).collect())
    } else {
        Err(h.problems.into_iter().map(|p| LineError::row(p.code, p.message)).collect())
    }
}

/// `new` after `existing`, as they would be recorded.
fn as_recorded(existing: &[RecordedEvent], new: &[EventData]) -> Vec<RecordedEvent> {
    let first = existing.iter().map(|e| e.id.0).max().unwrap_or(0) + 1;
    let mut all = existing.to_vec();
    all.extend(new.iter().enumerate().map(|(i, e)| RecordedEvent {
        id: EventId(first + i as i64),
        entry: domain::event::Entry::Event(e.clone()),
        corrects: None,
        correction_reason: None,
        recorded_at: chrono::DateTime::<chrono::Utc>::MIN_UTC,
        recorded_by: String::new(),
    }));
    all
}

fn latest_profile(list: &[DatedProfile], today: NaiveDate) -> Option<&Profile> {
    profile_on(list, today)
}

/// A register member the row matched, and how.
struct Matched {
    member: RegisterMember,
    by_name_only: bool,
}

/// For each row: the register member with its CCCD, else its card number, else (waiting for
/// confirmation) its name and birth date.
async fn match_members(conn: &mut dyn Conn, records: &[Option<&MemberRecord>]) -> Result<Vec<Option<Matched>>> {
    let ids: Vec<String> = records.iter().flatten().map(|r| r.identity.citizen_id.to_string()).collect();
    let cards: Vec<String> =
        records.iter().flatten().filter_map(|r| r.identity.party_card_number.as_ref().map(|c| c.to_string())).collect();
    let names: Vec<String> = records.iter().flatten().map(|r| fold(&r.identity.full_name.to_string())).collect();
    let by_id = sql::import::members_by(conn, MatchKey::CitizenId, &ids).await?;
    let by_card = sql::import::members_by(conn, MatchKey::CardNumber, &cards).await?;
    let by_name = sql::import::members_by(conn, MatchKey::NameFold, &names).await?;
    let id_map: HashMap<String, &RegisterMember> = by_id.iter().map(|m| (m.identity.citizen_id.to_string(), m)).collect();
    let card_map: HashMap<String, &RegisterMember> =
        by_card.iter().filter_map(|m| m.identity.party_card_number.as_ref().map(|c| (c.to_string(), m))).collect();
    let mut name_map: HashMap<(String, NaiveDate), Vec<&RegisterMember>> = HashMap::new();
    for m in &by_name {
        name_map.entry((fold(&m.identity.full_name.to_string()), m.identity.birth_date)).or_default().push(m);
    }
    Ok(records
        .iter()
        .map(|r| {
            let r = (*r)?;
            if let Some(m) = id_map.get(&r.identity.citizen_id.to_string()) {
                return Some(Matched { member: (*m).clone(), by_name_only: false });
            }
            if let Some(c) = &r.identity.party_card_number
                && let Some(m) = card_map.get(&c.to_string())
            {
                return Some(Matched { member: (*m).clone(), by_name_only: false });
            }
            match name_map.get(&(fold(&r.identity.full_name.to_string()), r.identity.birth_date)).map(|v| v.as_slice()) {
                Some([one]) => Some(Matched { member: (*one).clone(), by_name_only: true }),
                _ => None,
            }
        })
        .collect())
}
