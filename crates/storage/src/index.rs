//! The in-memory register index: lists, searches and counts answered without rescanning tables.
//!
//! It is derived data only. At start it loads members (name, sort key, gender, birth date,
//! identifiers, spans) and all unit versions; afterwards, before every query, it reads the change
//! counter (one single-row query) and reloads just what the change log names. Every write bumps
//! the counter inside its own transaction, so a process always sees its own writes and those of
//! any other process sharing the database (docs/design/register-index.md).
//!
//! The index works on positions (members, units, report rows); a position is read with `get`,
//! never by indexing, so a wrong one is an absent answer, not a panic (the lint below covers
//! this module and its submodules).
#![deny(clippy::indexing_slicing)]

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, RwLock};

use chrono::NaiveDate;

use domain::history::Status;
use domain::ids::{MemberId, UnitId};
use domain::member::Gender;
use domain::text::{TypedWord, fold, typed_words};
use domain::unit::UnitVersion;

use crate::db::Database;
use crate::error::Result;
use crate::model::{MemberListItem, MemberPage, MemberQuery, ScopeFilter, ScopeTarget, StatusFilter, UnitSummary};
use crate::sql::{self, IndexMemberRow, IndexSpanRow};

mod admissions;
mod past;
mod picker;
mod reports;
pub use admissions::{AdmissionCount, CaseFacts, GroupCounts, UnitAdmissions};
pub use reports::Row as ReportRow;

/// Members loaded per query at start-up.
const LOAD_BATCH: i64 = 20_000;

#[derive(Default)]
pub struct SharedIndex {
    index: RwLock<Index>,
    /// Serializes refreshes so change-log entries are applied once and in order.
    refreshing: tokio::sync::Mutex<()>,
}

/// What a writer may see of other members, for the messages of a refusal (see
/// [`crate::WriteContext::sees`]). Read from the index as last refreshed.
pub(crate) struct Sight<'a> {
    pub index: &'a SharedIndex,
    pub scope: Option<&'a ScopeFilter>,
}

impl Sight<'_> {
    pub fn member(&self, member: MemberId) -> bool {
        self.scope.is_none_or(|s| self.index.read().in_scope(s, ScopeTarget::Member(member)))
    }

    pub fn unit(&self, unit: UnitId) -> bool {
        self.scope.is_none_or(|s| self.index.read().in_scope(s, ScopeTarget::Unit(unit)))
    }
}

impl SharedIndex {
    pub async fn refresh(&self, db: &dyn Database) -> Result<()> {
        let _one_at_a_time = self.refreshing.lock().await;
        let mut conn = db.reader().await?;
        let seq = sql::current_seq(conn.as_mut()).await?;
        let (known, loaded) = {
            let index = self.read();
            (index.seq, index.loaded)
        };
        if loaded && seq == known {
            return Ok(());
        }
        let changes = if loaded { sql::changes_between(conn.as_mut(), known, seq).await? } else { Vec::new() };
        let full = !loaded || changes.iter().any(|(e, _)| e == "all");
        if full {
            let units = sql::all_unit_versions(conn.as_mut()).await?;
            let links = sql::all_unit_links(conn.as_mut()).await?;
            let mut members = Vec::new();
            let mut after = 0;
            loop {
                let batch = sql::index_members(conn.as_mut(), after, LOAD_BATCH).await?;
                let Some(last) = batch.last() else { break };
                after = last.id.0;
                members.extend(batch);
            }
            let fresh = Index::build(units, links, members, seq);
            *self.write() = fresh;
            return Ok(());
        }
        let units_changed = changes.iter().any(|(e, _)| e == "unit");
        let mut member_ids: Vec<MemberId> = changes.iter().filter(|(e, _)| e == "member").map(|(_, id)| MemberId(*id)).collect();
        member_ids.sort();
        member_ids.dedup();
        let units = if units_changed {
            Some((sql::all_unit_versions(conn.as_mut()).await?, sql::all_unit_links(conn.as_mut()).await?))
        } else {
            None
        };
        let members = sql::index_members_by_id(conn.as_mut(), &member_ids).await?;
        let mut index = self.write();
        if let Some((units, links)) = units {
            index.units = UnitTable::build(units, links);
        }
        for m in members {
            index.upsert(m);
        }
        index.seq = seq;
        index.clear_caches();
        Ok(())
    }

    pub fn read(&self) -> std::sync::RwLockReadGuard<'_, Index> {
        self.index.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Index> {
        self.index.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// Units with their versions and, per unit, the children it ever had (with the interval).
#[derive(Default)]
pub struct UnitTable {
    ids: Vec<UnitId>,
    pos: HashMap<UnitId, u32>,
    versions: Vec<Vec<UnitVersion>>,
    children: Vec<Vec<(u32, NaiveDate, Option<NaiveDate>)>>,
    roots: Vec<(u32, NaiveDate, Option<NaiveDate>)>,
    /// Successors of merges and splits (unit_links), by position.
    successors: Vec<Vec<u32>>,
    /// The same links the other way: the units each unit was formed from.
    predecessors: Vec<Vec<u32>>,
    /// Every day on which some version began or ended, sorted: the days the tree changed.
    change_days: Vec<NaiveDate>,
}

impl UnitTable {
    fn build(all: Vec<UnitVersion>, links: Vec<(UnitId, UnitId)>) -> Self {
        let mut t = UnitTable::default();
        for v in &all {
            if !t.pos.contains_key(&v.unit_id) {
                t.pos.insert(v.unit_id, t.ids.len() as u32);
                t.ids.push(v.unit_id);
                t.versions.push(Vec::new());
                t.children.push(Vec::new());
                t.successors.push(Vec::new());
                t.predecessors.push(Vec::new());
            }
        }
        t.change_days = all.iter().flat_map(|v| std::iter::once(v.valid_from).chain(v.valid_to)).collect();
        t.change_days.sort_unstable();
        t.change_days.dedup();
        for (from, to) in links {
            if let (Some(&a), Some(&b)) = (t.pos.get(&from), t.pos.get(&to))
                && let Some(list) = t.successors.get_mut(a as usize)
            {
                push_unique(list, b);
                if let Some(back) = t.predecessors.get_mut(b as usize) {
                    push_unique(back, a);
                }
            }
        }
        for v in all {
            // Every version's unit was given a position above.
            let Some(&i) = t.pos.get(&v.unit_id) else { continue };
            let edge = (i, v.valid_from, v.valid_to);
            match v.parent_id.and_then(|p| t.pos.get(&p)).and_then(|&p| t.children.get_mut(p as usize)) {
                Some(list) => list.push(edge),
                None => t.roots.push(edge),
            }
            if let Some(list) = t.versions.get_mut(i as usize) {
                list.push(v);
            }
        }
        t
    }

    /// The unit at position `i`.
    fn id(&self, i: u32) -> Option<UnitId> {
        self.ids.get(i as usize).copied()
    }

    /// Every child unit `i` ever had, with the interval it stood under `i`.
    fn children_of(&self, i: u32) -> &[(u32, NaiveDate, Option<NaiveDate>)] {
        self.children.get(i as usize).map_or(&[], Vec::as_slice)
    }

    /// The units `i` became through merges and splits.
    fn successors_of(&self, i: u32) -> &[u32] {
        self.successors.get(i as usize).map_or(&[], Vec::as_slice)
    }

    /// `i` and its ancestors as the tree stood on `on`, nearest first; the walk stops at a unit
    /// with no version that day (or after [`MAX_WALK`] units).
    fn ancestors_on(&self, i: u32, on: NaiveDate) -> impl Iterator<Item = u32> + '_ {
        std::iter::successors(Some(i), move |&u| self.version_on(u, on)?.parent_id.and_then(|p| self.pos.get(&p).copied())).take(MAX_WALK)
    }

    /// The unit standing on `today` that `i` became: itself, or (following merges and splits,
    /// the first successor of a split) its successor's. `None`: dissolved with no successor.
    fn successor_on(&self, i: u32, today: NaiveDate) -> Option<u32> {
        std::iter::successors(Some(i), |&u| self.successors_of(u).first().copied())
            .take(MAX_WALK)
            .find(|&u| self.version_on(u, today).is_some())
    }

    fn version_on(&self, i: u32, on: NaiveDate) -> Option<&UnitVersion> {
        self.versions.get(i as usize)?.iter().find(|v| v.covers(on))
    }

    fn latest(&self, i: u32) -> Option<&UnitVersion> {
        self.versions.get(i as usize)?.last()
    }

    /// A mark per unit: in the subtree of `root` on `on`.
    fn subtree(&self, root: UnitId, on: NaiveDate) -> Vec<bool> {
        let mut marks = vec![false; self.ids.len()];
        let Some(&r) = self.pos.get(&root) else { return marks };
        if self.version_on(r, on).is_none() {
            return marks;
        }
        let mut stack = vec![r];
        while let Some(u) = stack.pop() {
            let Some(mark) = marks.get_mut(u as usize) else { continue };
            if std::mem::replace(mark, true) {
                continue;
            }
            stack.extend(self.children_of(u).iter().filter(|(_, from, to)| *from <= on && to.is_none_or(|t| on < t)).map(|(c, _, _)| *c));
        }
        marks
    }

    fn children_on(&self, parent: Option<UnitId>, on: NaiveDate) -> Vec<u32> {
        let list = match parent {
            None => &self.roots,
            Some(p) => match self.pos.get(&p) {
                Some(&i) => self.children_of(i),
                None => return Vec::new(),
            },
        };
        let mut out: Vec<u32> = list.iter().filter(|(_, f, t)| *f <= on && t.is_none_or(|t| on < t)).map(|(c, _, _)| *c).collect();
        out.sort();
        out.dedup();
        out
    }
}

/// The tree as the reach rules of `domain::access` read it, by position.
impl domain::access::Tree for UnitTable {
    type Unit = u32;

    fn versions(&self, unit: u32) -> &[UnitVersion] {
        self.versions.get(unit as usize).map_or(&[], Vec::as_slice)
    }

    fn parent_on(&self, unit: u32, on: NaiveDate) -> Option<u32> {
        self.version_on(unit, on)?.parent_id.and_then(|p| self.pos.get(&p).copied())
    }
}

struct MemberEntry {
    id: MemberId,
    full_name: String,
    name_fold: String,
    sort_key: String,
    gender: Gender,
    birth: NaiveDate,
    citizen_id: String,
    card: Option<String>,
    spans: Vec<IndexSpan>,
    /// The unit of the latest span that has one (`NO_UNIT` if none): where the member's record
    /// belongs for access control.
    home: u32,
    ethnicity: domain::member::Ethnicity,
    religion: domain::member::Religion,
    /// The dated attributes the statistics read, in `profile_on` order.
    profiles: Vec<(Option<NaiveDate>, domain::stats::ProfileFacts)>,
    /// Start of the first probationary or official span: the first admission (party age).
    first_admission: Option<NaiveDate>,
    /// Periods of temporary activity: (host unit position, from, to).
    temporary: Vec<(Option<u32>, NaiveDate, Option<NaiveDate>)>,
    /// While a transfer out waits for the receiving side: the position of the unit the letter
    /// names (`NO_UNIT` otherwise). Its staff see the record and record the acceptance.
    transit_to: u32,
}

/// A span as the index keeps it: the row read from the database, and the position of its chi
/// bộ in the unit table (`None`: outside the register, or a unit the table does not hold).
struct IndexSpan {
    at: Option<u32>,
    span: IndexSpanRow,
}

impl IndexSpan {
    fn covers(&self, on: NaiveDate) -> bool {
        self.span.from <= on && self.span.to.is_none_or(|t| on < t)
    }
}

pub use domain::access::MemberReach;

impl MemberEntry {
    /// The latest span is an open "transferred out": the receiving side has not accepted yet.
    fn in_transit(&self) -> bool {
        domain::access::in_transit(self.spans.last().map(|s| (s.span.status, s.span.to)))
    }

    fn span_on(&self, on: NaiveDate) -> Option<&IndexSpan> {
        self.spans.iter().find(|s| s.covers(on))
    }
}

/// The index itself; see the module documentation.
#[derive(Default)]
pub struct Index {
    seq: i64,
    loaded: bool,
    units: UnitTable,
    members: Vec<MemberEntry>,
    pos: HashMap<MemberId, u32>,
    /// Name word → members whose folded name contains it.
    words: BTreeMap<String, Vec<u32>>,
    /// CCCD and card digits → members.
    digits: BTreeMap<String, Vec<u32>>,
    /// Members in register order (sort key, then id).
    order: Vec<u32>,
    /// Each member's unit and status on a date, computed once per date asked (a few at most).
    snapshots: Mutex<Vec<(NaiveDate, Arc<Snapshot>)>>,
    /// The units within a scope, per scope asked recently.
    scopes: Mutex<Vec<(ScopeFilter, Arc<Vec<bool>>)>>,
    /// The predecessors whose history a scope reads, per scope asked recently (`past`).
    pasts: Mutex<Vec<(ScopeFilter, Arc<past::PastUnits>)>>,
}

/// Where every member stands on one date: `units[i]` is the position of member i's unit
/// (`NO_UNIT` when outside the register or without a span), `status[i]` its status (`None`: not a
/// member that day); `counts[u]` the active members directly in unit u.
struct Snapshot {
    units: Vec<u32>,
    status: Vec<Option<Status>>,
    counts: Vec<u32>,
    /// Each member's home unit (see `MemberEntry::home`), kept here next to the other columns
    /// so that scope checks over many members read a compact array.
    homes: Vec<u32>,
}

const NO_UNIT: u32 = u32::MAX;
const SNAPSHOTS_KEPT: usize = 4;
/// The most units a walk up the tree or along successors visits (the register's tree is six
/// levels deep): a guard against a cycle in stored data, never reached otherwise.
const MAX_WALK: usize = 64;

impl Index {
    fn build(units: Vec<UnitVersion>, links: Vec<(UnitId, UnitId)>, members: Vec<IndexMemberRow>, seq: i64) -> Self {
        let mut index = Index { seq, loaded: true, units: UnitTable::build(units, links), ..Default::default() };
        index.members.reserve(members.len());
        for m in members {
            let i = index.members.len() as u32;
            index.pos.insert(m.id, i);
            let entry = index.entry(m);
            index.add_terms(i, &entry);
            index.members.push(entry);
        }
        let mut order: Vec<u32> = (0..index.members.len() as u32).collect();
        order.sort_by(|a, b| index.cmp_order(*a, *b));
        index.order = order;
        index
    }

    fn entry(&self, m: IndexMemberRow) -> MemberEntry {
        let spans: Vec<IndexSpan> =
            m.spans.into_iter().map(|span| IndexSpan { at: span.unit.and_then(|u| self.units.pos.get(&u).copied()), span }).collect();
        let temporary = m.temporary.into_iter().map(|(u, f, t)| (u.and_then(|u| self.units.pos.get(&u).copied()), f, t)).collect();
        let home = domain::access::home(spans.iter().map(|s| (s.span.from, s.at))).unwrap_or(NO_UNIT);
        let first_admission = spans.iter().find(|s| matches!(s.span.status, Status::Probationary | Status::Official)).map(|s| s.span.from);
        let transit_to = m.transit_to.and_then(|u| self.units.pos.get(&u).copied()).unwrap_or(NO_UNIT);
        MemberEntry {
            transit_to,
            home,
            id: m.id,
            full_name: m.full_name,
            name_fold: m.name_fold,
            sort_key: m.sort_key,
            gender: m.gender,
            birth: m.birth_date,
            citizen_id: m.citizen_id,
            card: m.party_card_number,
            spans,
            ethnicity: m.ethnicity,
            religion: m.religion,
            profiles: m.profiles,
            first_admission,
            temporary,
        }
    }

    fn cmp_order(&self, a: u32, b: u32) -> std::cmp::Ordering {
        let key = |i: u32| self.members.get(i as usize).map(|m| (m.sort_key.as_str(), m.id));
        key(a).cmp(&key(b))
    }

    fn add_terms(&mut self, i: u32, e: &MemberEntry) {
        for w in e.name_fold.split(' ').filter(|w| !w.is_empty()) {
            push_unique(self.words.entry(w.to_owned()).or_default(), i);
        }
        push_unique(self.digits.entry(e.citizen_id.clone()).or_default(), i);
        if let Some(c) = &e.card {
            push_unique(self.digits.entry(c.clone()).or_default(), i);
        }
    }

    fn remove_terms(&mut self, i: u32, e: &MemberEntry) {
        let words: Vec<String> = e.name_fold.split(' ').map(str::to_owned).collect();
        for w in words {
            if let Some(list) = self.words.get_mut(&w) {
                remove_sorted(list, i);
            }
        }
        for d in std::iter::once(&e.citizen_id).chain(e.card.as_ref()) {
            if let Some(list) = self.digits.get_mut(d) {
                remove_sorted(list, i);
            }
        }
    }

    fn upsert(&mut self, m: IndexMemberRow) {
        let entry = self.entry(m);
        match self.pos.get(&entry.id).copied() {
            Some(i) => {
                let Some(old) = self.members.get_mut(i as usize).map(|m| std::mem::replace(m, placeholder())) else { return };
                self.remove_terms(i, &old);
                self.add_terms(i, &entry);
                let moved = old.sort_key != entry.sort_key;
                if let Some(m) = self.members.get_mut(i as usize) {
                    *m = entry;
                }
                if moved {
                    self.order.retain(|x| *x != i);
                    self.insert_in_order(i);
                }
            }
            None => {
                let i = self.members.len() as u32;
                self.pos.insert(entry.id, i);
                self.add_terms(i, &entry);
                self.members.push(entry);
                self.insert_in_order(i);
            }
        }
    }

    fn insert_in_order(&mut self, i: u32) {
        let at = self.order.partition_point(|x| self.cmp_order(*x, i) == std::cmp::Ordering::Less);
        self.order.insert(at, i);
    }

    fn clear_caches(&self) {
        self.snapshots.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.scopes.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.pasts.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// A mark per unit: within the scope (docs/design/access.md). A granted unit that exists
    /// today covers the units in its subtree today, and the units that ended while inside that
    /// subtree (their history stays with the committee that kept it); a granted unit that no longer
    /// exists covers nothing.
    fn scope_marks(&self, f: &ScopeFilter) -> Arc<Vec<bool>> {
        let mut cache = self.scopes.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, marks)) = cache.iter().find(|(k, _)| k == f) {
            return marks.clone();
        }
        let n = self.units.ids.len();
        let marks = if f.scope.everything {
            vec![true; n]
        } else {
            let granted = f.scope.units.iter().filter_map(|u| self.units.pos.get(u).copied());
            let roots = domain::access::counting_roots(&self.units, granted, f.today);
            if roots.is_empty() {
                vec![false; n]
            } else {
                (0..n as u32).map(|i| domain::access::unit_within(&self.units, i, &roots, f.today)).collect()
            }
        };
        let marks = Arc::new(marks);
        if cache.len() >= SNAPSHOTS_KEPT * 4 {
            cache.remove(0);
        }
        cache.push((f.clone(), marks.clone()));
        marks
    }

    /// Members within the scope: those whose record belongs to a unit in scope, those in transit
    /// to a unit in scope (the receiving side), and the own member.
    fn member_in_scope(m: &MemberEntry, marks: &[bool], f: &ScopeFilter) -> bool {
        Self::reach(m, marks).in_scope(&f.scope, m.id)
    }

    fn reach(m: &MemberEntry, marks: &[bool]) -> MemberReach {
        MemberReach { home: marked(marks, m.home), arriving: marked(marks, m.transit_to), in_transit: m.in_transit() }
    }

    /// How a scope reaches a member (`None`: not a member of the register).
    pub fn member_reach(&self, f: &ScopeFilter, member: MemberId) -> Option<MemberReach> {
        let m = self.member(member)?;
        Some(Self::reach(m, &self.scope_marks(f)))
    }

    fn member(&self, member: MemberId) -> Option<&MemberEntry> {
        self.members.get(*self.pos.get(&member)? as usize)
    }

    /// Members in transit to a unit within `root`'s subtree and within the scope (đang chuyển
    /// đến), in register order.
    pub fn arriving(&self, f: &ScopeFilter, root: UnitId, today: NaiveDate) -> Vec<MemberListItem> {
        let marks = self.scope_marks(f);
        let Some(&r) = self.units.pos.get(&root) else { return Vec::new() };
        let under = self.units.subtree(root, today);
        self.in_order()
            .filter(|m| marked(&marks, m.transit_to) && (m.transit_to == r || marked(&under, m.transit_to)))
            .map(|m| self.list_item(m, self.units.id(m.transit_to), Status::TransferredOut))
            .collect()
    }

    pub fn in_scope(&self, f: &ScopeFilter, target: ScopeTarget) -> bool {
        match target {
            ScopeTarget::Unit(u) => {
                let marks = self.scope_marks(f);
                self.units.pos.get(&u).is_some_and(|&i| marked(&marks, i))
            }
            ScopeTarget::UnitOn(u, on) => self.reads_unit_on(f, u, on),
            ScopeTarget::Member(m) => {
                if f.scope.own_member == Some(m) {
                    return self.pos.contains_key(&m);
                }
                let marks = self.scope_marks(f);
                self.member(m).is_some_and(|m| Self::member_in_scope(m, &marks, f))
            }
        }
    }

    fn snapshot(&self, on: NaiveDate) -> Arc<Snapshot> {
        let mut cache = self.snapshots.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, snap)) = cache.iter().find(|(d, _)| *d == on) {
            return snap.clone();
        }
        let mut snap = Snapshot {
            units: Vec::with_capacity(self.members.len()),
            status: Vec::with_capacity(self.members.len()),
            counts: vec![0; self.units.ids.len()],
            homes: self.members.iter().map(|m| m.home).collect(),
        };
        for m in &self.members {
            match m.span_on(on) {
                Some(s) => {
                    if let (Some(u), true) = (s.at, s.span.status.is_active())
                        && let Some(count) = snap.counts.get_mut(u as usize)
                    {
                        *count += 1;
                    }
                    snap.units.push(s.at.unwrap_or(NO_UNIT));
                    snap.status.push(Some(s.span.status));
                }
                None => {
                    snap.units.push(NO_UNIT);
                    snap.status.push(None);
                }
            }
        }
        let snap = Arc::new(snap);
        if cache.len() >= SNAPSHOTS_KEPT {
            cache.remove(0);
        }
        cache.push((on, snap.clone()));
        snap
    }

    /// Members matching every word of `q` (names: word prefixes, any order; digits: prefixes of
    /// CCCD or card numbers). `None` when `q` has no words (everyone matches).
    fn matching(&self, q: &str) -> Option<Vec<bool>> {
        let words = typed_words(q);
        if words.is_empty() {
            return None;
        }
        let mut result: Option<Vec<bool>> = None;
        for typed in words {
            let w = typed.folded.as_str();
            let mut marks = vec![false; self.members.len()];
            let map = if w.chars().all(|c| c.is_ascii_digit()) { &self.digits } else { &self.words };
            for (_, list) in map.range(w.to_owned()..).take_while(|(k, _)| k.starts_with(w)) {
                for &i in list {
                    // Typed with diacritics means with diacritics (ui.md): the name as written decides.
                    let written = || self.members.get(i as usize).is_some_and(|m| typed.begins_a_word_of(&m.full_name));
                    if let Some(mark) = marks.get_mut(i as usize)
                        && (!typed.is_marked() || written())
                    {
                        *mark = true;
                    }
                }
            }
            result = Some(match result {
                None => marks,
                Some(prev) => prev.iter().zip(marks).map(|(a, b)| *a && b).collect(),
            });
        }
        result
    }

    pub fn find_members(&self, q: &MemberQuery) -> MemberPage {
        let matches = self.matching(&q.q);
        let subtree = q.unit.map(|u| self.units.subtree(u, q.as_of));
        let birth_range = q.age.map(|a| a.birth_range(q.as_of));
        let snap = self.snapshot(q.as_of);
        // The movement behind a count: the unit's list over a period, walked member by member.
        let empty = || MemberPage { total: 0, page: q.page.max(1), per_page: q.per_page.clamp(1, 500), items: Vec::new() };
        let flow = match (&q.flow, q.unit) {
            (Some(f), Some(unit)) => match self.flow_period(unit, f.first, f.last, q.cell.as_ref()) {
                Some(p) => Some((f, p)),
                None => return empty(),
            },
            _ => None,
        };
        // The admissions behind a count of the admission report, counted as it counts them.
        let admitted = match (&q.admitted, q.unit) {
            (Some(a), Some(unit)) if flow.is_none() => match self.admission_cells(unit, a.first, a.last, q.cell.as_ref()) {
                Some(c) => Some((a, c)),
                None => return empty(),
            },
            _ => None,
        };
        // A row (or the total by today's structure) of the count report on `as_of`.
        let cell = match (&q.cell, q.unit) {
            (Some(c), Some(unit)) if flow.is_none() && admitted.is_none() => match self.cell_on(unit, q.as_of, c) {
                Some(c) => Some(c),
                None => return empty(),
            },
            _ => None,
        };
        // Status, gender, age band and facet of a member as they were on `on` (a flow's or an
        // admission's day).
        let facts_match = |on: NaiveDate, status: Status, facts: &domain::stats::MemberFacts| {
            (match q.status {
                StatusFilter::Only(s) => status == s,
                _ => true,
            }) && q.gender.is_none_or(|g| g == facts.gender)
                && q.age.is_none_or(|a| {
                    let (earliest, latest) = a.birth_range(on);
                    facts.birth_date <= latest && earliest.is_none_or(|e| facts.birth_date > e)
                })
                && q.facet.is_none_or(|x| x.holds(facts))
        };
        let check = std::cell::RefCell::new(Vec::new());
        // (units in scope, the own member's position); no check at all for an administrator.
        let scope = q
            .scope
            .as_ref()
            .filter(|f| !f.scope.everything)
            .map(|f| (self.scope_marks(f), f.scope.own_member.and_then(|m| self.pos.get(&m).copied())));
        // Member `i`, whose entry is `m`.
        let wanted = |i: u32, m: &MemberEntry| -> bool {
            if matches.as_ref().is_some_and(|marks| !marked(marks, i)) {
                return false;
            }
            if let Some((marks, own)) = &scope {
                let in_scope = *own == Some(i) || snap.homes.get(i as usize).is_some_and(|&home| marked(marks, home));
                if !in_scope {
                    return false;
                }
            }
            if let Some((f, (p, want))) = &flow {
                // The other filters apply to the member as they were on the flow's day.
                let accept = |flow: &domain::stats::Flow, facts: &domain::stats::MemberFacts| {
                    (f.kinds.is_empty() || f.kinds.contains(&flow.kind)) && facts_match(flow.on, flow.status, facts)
                };
                return self.has_flow(p, *want, m, f.inflow, &mut check.borrow_mut(), accept);
            }
            if let Some((a, c)) = &admitted {
                return admissions::admissions_of(m, a.first, a.last).any(|x| {
                    (x.readmitted || !a.readmitted_only)
                        && c.counts(x.unit, x.on)
                        && facts_match(x.on, x.status, &reports::facts(m, x.status, x.on))
                });
            }
            let Some(status) = snap.status.get(i as usize).copied().flatten() else { return false };
            let status_ok = match q.status {
                StatusFilter::Active => status.is_active(),
                StatusFilter::All => true,
                StatusFilter::Only(s) => s == status,
            };
            if !status_ok {
                return false;
            }
            let unit = snap.units.get(i as usize).copied().unwrap_or(NO_UNIT);
            if let Some(c) = &cell {
                if !c.counts(unit, q.as_of) {
                    return false;
                }
            } else if let Some(marks) = &subtree
                && !marked(marks, unit)
            {
                return false;
            }
            if q.gender.is_some_and(|g| g != m.gender) {
                return false;
            }
            if let Some((earliest, latest)) = birth_range
                && (m.birth > latest || earliest.is_some_and(|e| m.birth <= e))
            {
                return false;
            }
            if let Some(facet) = q.facet
                && !facet.holds(&reports::facts(m, status, q.as_of))
            {
                return false;
            }
            true
        };
        let per_page = q.per_page.clamp(1, 500);
        let page = q.page.max(1);
        // Saturating: a page past any register is simply empty (the web layer refuses such pages).
        let skip = (page - 1).saturating_mul(per_page);
        let mut total = 0;
        let mut items = Vec::new();
        for &i in &self.order {
            let Some(m) = self.members.get(i as usize) else { continue };
            if wanted(i, m) {
                if total >= skip
                    && items.len() < per_page
                    && let Some(s) = m.span_on(q.as_of)
                {
                    items.push(self.list_item(m, s.span.unit, s.span.status));
                }
                total += 1;
            }
        }
        MemberPage { total, page, per_page, items }
    }

    fn list_item(&self, m: &MemberEntry, unit: Option<UnitId>, status: Status) -> MemberListItem {
        let unit_name = unit.and_then(|u| self.units.pos.get(&u)).and_then(|p| self.units.latest(*p)).map(|v| v.name.clone());
        MemberListItem {
            id: m.id,
            full_name: m.full_name.clone(),
            gender: m.gender,
            birth_date: m.birth,
            citizen_id: m.citizen_id.clone(),
            party_card_number: m.card.clone(),
            status,
            unit_id: unit,
            unit_name,
            readable: true,
        }
    }

    /// Active members in the subtree of `unit` on `on`.
    pub fn member_count(&self, unit: UnitId, on: NaiveDate) -> usize {
        let snap = self.snapshot(on);
        self.units.subtree(unit, on).iter().zip(snap.counts.iter()).filter(|(m, _)| **m).map(|(_, c)| *c as usize).sum()
    }

    /// The children of `parent` (roots when `None`) on `on`: (version, subtree member count, child count).
    pub fn children(&self, parent: Option<UnitId>, on: NaiveDate) -> Vec<(UnitVersion, usize, usize)> {
        let ids: Vec<UnitId> = self.units.children_on(parent, on).into_iter().filter_map(|c| self.units.id(c)).collect();
        self.nodes(&ids, on)
    }

    /// Units whose folded name or code contains every word of `q`, valid on `on`.
    pub fn find_units(&self, q: &str, on: NaiveDate, members_only: bool, limit: usize, scope: Option<&ScopeFilter>) -> Vec<UnitSummary> {
        let words = typed_words(q);
        let marks = scope.map(|f| self.scope_marks(f));
        let mut out = Vec::new();
        for i in 0..self.units.ids.len() as u32 {
            if marks.as_ref().is_some_and(|m| !marked(m, i)) {
                continue;
            }
            let Some(v) = self.units.version_on(i, on) else { continue };
            if members_only && !v.kind.holds_members() {
                continue;
            }
            let hay = format!("{} {}", fold(&v.name), v.code.as_str().to_lowercase());
            // Typed with diacritics means with diacritics (ui.md): marked words match the name as written.
            let found = |w: &TypedWord| hay.contains(&w.folded) && (!w.is_marked() || w.occurs_in(&v.name));
            if words.iter().all(found) {
                out.push(UnitSummary::from(v));
                if out.len() >= limit {
                    break;
                }
            }
        }
        out
    }

    pub fn unit_version_on(&self, unit: UnitId, on: NaiveDate) -> Option<&UnitVersion> {
        self.units.version_on(*self.units.pos.get(&unit)?, on)
    }

    /// A member's status on a date (`None`: not a member then, or not in the register).
    pub fn member_status(&self, member: MemberId, on: NaiveDate) -> Option<Status> {
        self.member(member)?.span_on(on).map(|s| s.span.status)
    }

    /// The members in register order.
    fn in_order(&self) -> impl Iterator<Item = &MemberEntry> {
        self.order.iter().filter_map(|&i| self.members.get(i as usize))
    }

    pub fn unit_latest(&self, unit: UnitId) -> Option<&UnitVersion> {
        self.units.latest(*self.units.pos.get(&unit)?)
    }

    /// These units on `on` (those that exist then): (version, subtree member count, child count).
    pub fn nodes(&self, units: &[UnitId], on: NaiveDate) -> Vec<(UnitVersion, usize, usize)> {
        let mut out: Vec<(UnitVersion, usize, usize)> = units
            .iter()
            .filter_map(|u| {
                let v = self.unit_version_on(*u, on)?.clone();
                let count = self.member_count(v.unit_id, on);
                let kids = self.units.children_on(Some(v.unit_id), on).len();
                Some((v, count, kids))
            })
            .collect();
        out.sort_by_cached_key(|(v, _, _)| domain::text::collation_key(&v.name));
        out
    }
}

/// Whether position `i` is marked (`NO_UNIT` and positions past the marks are not).
fn marked(marks: &[bool], i: u32) -> bool {
    marks.get(i as usize).copied().unwrap_or(false)
}

/// Keeps posting lists sorted and free of repeats.
fn push_unique(list: &mut Vec<u32>, i: u32) {
    if let Err(at) = list.binary_search(&i) {
        list.insert(at, i);
    }
}

fn remove_sorted(list: &mut Vec<u32>, i: u32) {
    if let Ok(at) = list.binary_search(&i) {
        list.remove(at);
    }
}

fn placeholder() -> MemberEntry {
    MemberEntry {
        id: MemberId(0),
        full_name: String::new(),
        name_fold: String::new(),
        sort_key: String::new(),
        gender: Gender::Male,
        birth: NaiveDate::MIN,
        citizen_id: String::new(),
        card: None,
        spans: Vec::new(),
        home: NO_UNIT,
        ethnicity: domain::member::Ethnicity::Kinh,
        religion: domain::member::Religion::None,
        profiles: Vec::new(),
        first_admission: None,
        temporary: Vec::new(),
        transit_to: NO_UNIT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::dates::AgeBand;
    use domain::testing::{d, unit_version};
    use domain::text::{PersonName, sort_key};
    use domain::unit::UnitKind;
    use proptest::prelude::*;

    /// Province 1 → communes 2, 3 → cells 4 (under 2), 5 (under 3; moved under 2 on 2020-01-01).
    fn units() -> Vec<UnitVersion> {
        vec![
            unit_version(1, UnitKind::Province, None, d(1990, 1, 1), None),
            unit_version(2, UnitKind::Commune, Some(1), d(1990, 1, 1), None),
            unit_version(3, UnitKind::Commune, Some(1), d(1990, 1, 1), None),
            unit_version(4, UnitKind::Cell, Some(2), d(1990, 1, 1), None),
            unit_version(5, UnitKind::Cell, Some(3), d(1990, 1, 1), Some(d(2020, 1, 1))),
            unit_version(5, UnitKind::Cell, Some(2), d(2020, 1, 1), None),
        ]
    }

    const NAMES: [&str; 8] =
        ["Nguyễn Văn Đức", "Trần Thị Dung", "Lê Văn An", "Nguyễn Thị Ánh", "Đỗ Văn Duc", "Phạm Anh", "Hoàng Thị Ân", "Vũ Đức Anh"];
    const STATUSES: [Status; 4] = [Status::Probationary, Status::Official, Status::Exempt, Status::Deceased];

    const CAUSE: domain::stats::SpanCause =
        domain::stats::SpanCause { entered: domain::stats::FlowKind::Admitted, left: Some(domain::stats::FlowKind::Died) };

    prop_compose! {
        fn member(id: i64)(name in prop::sample::select(NAMES.to_vec()), female in any::<bool>(), birth_year in 1940..2005i32,
                           unit1 in 4..6i64, unit2 in 4..6i64, s1 in prop::sample::select(STATUSES.to_vec()),
                           s2 in prop::sample::select(STATUSES.to_vec()), switch_year in 2000..2026i32)
                           -> IndexMemberRow {
            let full = PersonName::parse(name).unwrap();
            IndexMemberRow {
                id: MemberId(id),
                full_name: full.to_string(),
                name_fold: fold(full.as_str()),
                sort_key: sort_key(&full),
                gender: if female { Gender::Female } else { Gender::Male },
                birth_date: d(birth_year, 6, 15),
                citizen_id: format!("{:012}", id),
                party_card_number: None,
                ethnicity: if female { domain::member::Ethnicity::Tay } else { domain::member::Ethnicity::Kinh },
                religion: domain::member::Religion::None,
                spans: vec![
                    IndexSpanRow { unit: Some(UnitId(unit1)), status: s1, from: d(1995, 1, 1), to: Some(d(switch_year, 3, 1)), cause: CAUSE },
                    IndexSpanRow { unit: Some(UnitId(unit2)), status: s2, from: d(switch_year, 3, 1), to: None, cause: CAUSE },
                ],
                temporary: Vec::new(),
                transit_to: None,
                profiles: vec![(
                    Some(d(switch_year, 3, 1)),
                    domain::stats::ProfileFacts {
                        general_education: domain::member::GeneralEducation::UpperSecondary,
                        professional: domain::member::Professional::None,
                        political_theory: domain::member::PoliticalTheory::None,
                        occupation: domain::member::OccupationGroup::Other,
                        youth_union: female,
                    },
                )],
            }
        }
    }

    fn population() -> impl Strategy<Value = Vec<IndexMemberRow>> {
        (1usize..40).prop_flat_map(|n| (0..n).map(|i| member(i as i64 + 1)).collect::<Vec<_>>())
    }

    /// The obvious, slow answer the index must equal.
    fn brute_force(members: &[IndexMemberRow], q: &MemberQuery) -> Vec<MemberId> {
        let subtree = |u: UnitId| -> bool {
            match q.unit {
                None => true,
                Some(root) if root == u => true,
                Some(UnitId(1)) => true,
                Some(UnitId(2)) => u == UnitId(4) || (u == UnitId(5) && q.as_of >= d(2020, 1, 1)),
                Some(UnitId(3)) => u == UnitId(5) && q.as_of < d(2020, 1, 1),
                Some(_) => false,
            }
        };
        let words = typed_words(&q.q);
        let mut hits: Vec<&IndexMemberRow> = members
            .iter()
            .filter(|m| {
                words.iter().all(|w| {
                    m.name_fold.split(' ').any(|x| x.starts_with(w.folded.as_str())) && (!w.is_marked() || w.begins_a_word_of(&m.full_name))
                })
            })
            .filter(|m| q.gender.is_none_or(|g| g == m.gender))
            .filter(|m| q.age.is_none_or(|a| a.contains(domain::dates::age_in_years(m.birth_date, q.as_of))))
            .filter(|m| {
                let span = m.spans.iter().find(|s| s.from <= q.as_of && s.to.is_none_or(|t| q.as_of < t));
                span.is_some_and(|s| {
                    let status_ok = match q.status {
                        StatusFilter::Active => s.status.is_active(),
                        StatusFilter::All => true,
                        StatusFilter::Only(x) => x == s.status,
                    };
                    status_ok && s.unit.is_some_and(subtree)
                })
            })
            .collect();
        hits.sort_by(|a, b| (a.sort_key.as_str(), a.id).cmp(&(b.sort_key.as_str(), b.id)));
        hits.iter().map(|m| m.id).collect()
    }

    /// Admissions count for the chi bộ and its ancestors on the decision date: cell 5 admitted
    /// under committee 3 in 2019, then moved under committee 2; cell 4 readmitted in 2020.
    #[test]
    fn admissions_count_for_the_ancestors_of_their_day() {
        use domain::stats::{FlowKind, SpanCause, Structure};
        let units: Vec<UnitVersion> = units()
            .into_iter()
            .map(|v| match v.kind {
                UnitKind::Commune => UnitVersion { kind: UnitKind::GrassrootsCommittee, ..v },
                _ => v,
            })
            .collect();
        let member = |id: i64, unit: i64, from: NaiveDate, entered: FlowKind| IndexMemberRow {
            id: MemberId(id),
            full_name: "Lê Văn An".into(),
            name_fold: "le van an".into(),
            sort_key: "an".into(),
            gender: Gender::Female,
            birth_date: d(1995, 1, 1),
            citizen_id: format!("{id:012}"),
            party_card_number: None,
            ethnicity: domain::member::Ethnicity::Kinh,
            religion: domain::member::Religion::None,
            spans: vec![IndexSpanRow {
                unit: Some(UnitId(unit)),
                status: Status::Probationary,
                from,
                to: None,
                cause: SpanCause { entered, left: None },
            }],
            temporary: Vec::new(),
            transit_to: None,
            profiles: Vec::new(),
        };
        let members = vec![
            member(1, 5, d(2019, 5, 10), FlowKind::Admitted),
            member(2, 4, d(2020, 3, 2), FlowKind::Readmitted),
            member(3, 4, d(2019, 8, 1), FlowKind::TransferredInWithin),
        ];
        let index = Index::build(units, Vec::new(), members, 1);
        let case = |m: MemberId| match m.0 {
            1 => CaseFacts { group: Some(domain::pipeline::TargetGroup::Student), ceremony: Some(d(2019, 5, 19)) },
            _ => CaseFacts::default(),
        };
        let (first, last) = (d(2019, 1, 1), d(2020, 12, 31));
        let counted = index.admissions_by_unit(first, last, case);
        let admitted = |u: i64| counted.of(UnitId(u)).admitted;
        assert_eq!([admitted(1), admitted(2), admitted(3), admitted(4), admitted(5)], [2, 1, 1, 1, 1]);
        let province = counted.of(UnitId(1));
        assert_eq!((province.readmitted, province.groups.student, province.on_anniversary), (1, 1, 1));
        assert_eq!(counted.occasions(UnitId(1)), vec![("Ngày sinh Chủ tịch Hồ Chí Minh (19/5)".to_owned(), 1)]);
        assert!(counted.occasions(UnitId(2)).is_empty());
        // The admission report reads the same admissions, in the rows of their day.
        let (total, rows, zero) = index.admissions(UnitId(1), first, last, Structure::OfDate, last).unwrap();
        assert_eq!((total.admitted, total.readmitted), (2, 1));
        let row = |u: i64| rows.iter().find(|(r, _)| matches!(r, ReportRow::Unit(v, _) if v.unit_id == UnitId(u))).map(|(_, t)| t.admitted);
        assert_eq!((row(2), row(3)), (Some(1), Some(1)));
        assert!(zero.is_empty());
        // In 2020 only committee 2 admitted; under committee 2, only cell 4.
        let in_2020 = index.admissions_by_unit(d(2020, 1, 1), last, |_| CaseFacts::default());
        let ids = |list: Vec<UnitVersion>| list.iter().map(|v| v.unit_id.0).collect::<Vec<_>>();
        assert_eq!(ids(index.without_admission(UnitId(1), last, Structure::OfDate, &in_2020)), vec![3]);
        assert_eq!(ids(index.without_admission(UnitId(2), last, Structure::OfDate, &in_2020)), vec![5]);
        assert_eq!(ids(index.without_admission(UnitId(2), last, Structure::OfDate, &counted)), Vec::<i64>::new());
    }

    proptest! {
        #[test]
        fn index_answers_like_a_full_scan(
            members in population(),
            q in prop::sample::select(vec!["", "duc", "Đức", "nguyen", "an", "Ân", "Anh", "anh", "thi d", "xyz"]),
            unit in prop::option::of(1i64..4),
            year in 1994..2027i32,
            status in prop::sample::select(vec![StatusFilter::Active, StatusFilter::All, StatusFilter::Only(Status::Deceased), StatusFilter::Only(Status::Official)]),
            gender in prop::option::of(any::<bool>()),
            band in prop::option::of(prop::sample::select(vec!["18-30", "31-60", "61+"])),
            per_page in 1usize..6,
            page in 1usize..4,
        ) {
            let mut query = MemberQuery::new(d(year, 7, 1));
            query.q = q.to_string();
            query.unit = unit.map(UnitId);
            query.status = status;
            query.gender = gender.map(|f| if f { Gender::Female } else { Gender::Male });
            query.age = band.map(|b| AgeBand::parse(b).unwrap());
            query.per_page = per_page;
            query.page = page;
            let expected = brute_force(&members, &query);
            let index = Index::build(units(), Vec::new(), members.clone(), 1);
            let got = index.find_members(&query);
            prop_assert_eq!(got.total, expected.len());
            let want: Vec<MemberId> = expected.into_iter().skip((page - 1) * per_page).take(per_page).collect();
            prop_assert_eq!(got.items.iter().map(|i| i.id).collect::<Vec<_>>(), want);
        }

        #[test]
        fn updates_keep_the_index_equal_to_a_fresh_build(members in population(), renamed in population()) {
            let mut index = Index::build(units(), Vec::new(), members.clone(), 1);
            let mut expected = members.clone();
            for (e, r) in expected.iter_mut().zip(renamed) {
                let r = IndexMemberRow { id: e.id, ..r };
                index.upsert(r.clone());
                *e = r;
            }
            index.clear_caches();
            let fresh = Index::build(units(), Vec::new(), expected, 1);
            for q in ["", "duc", "anh", "nguyen thi"] {
                let mut query = MemberQuery::new(d(2026, 1, 1));
                query.q = q.to_string();
                query.status = StatusFilter::All;
                prop_assert_eq!(index.find_members(&query), fresh.find_members(&query));
            }
            // The statistics read the same columns after incremental updates as after a reload.
            let bands = domain::stats::AgeBands::default();
            for on in [d(2010, 1, 1), d(2026, 1, 1)] {
                for structure in [domain::stats::Structure::OfDate, domain::stats::Structure::Current] {
                    prop_assert_eq!(index.breakdown(UnitId(1), on, structure, on, &bands), fresh.breakdown(UnitId(1), on, structure, on, &bands));
                    prop_assert_eq!(index.movements(UnitId(1), d(2001, 1, 1), on, structure, on), fresh.movements(UnitId(1), d(2001, 1, 1), on, structure, on));
                }
            }
        }
    }
}
