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
use domain::targets::OccasionList;
use domain::text::{TypedWord, fold, typed_words};
use domain::unit::UnitVersion;

use crate::model::{MemberListItem, MemberPage, MemberQuery, ScopeFilter, ScopeTarget, StatusFilter, UnitSummary};
use crate::sql::{IndexMemberRow, IndexSpanRow};

mod admissions;
mod dues;
mod export;
mod handbook;
mod past;
mod picker;
mod quality;
mod refresh;
mod reports;
mod residence;
mod roll;
mod transfers;
mod units;
pub use admissions::{AdmissionCount, CaseFacts, GroupCounts, UnitAdmissions};
pub use export::ExportSelection;
pub use handbook::RosterEntry;
pub use reports::{AdmissionContext, Admissions, Row as ReportRow, RowAdmissions};
pub use units::UnitTable;

/// Members loaded per query at start-up.
const LOAD_BATCH: i64 = 20_000;

#[derive(Default)]
pub struct SharedIndex {
    index: RwLock<Index>,
    /// Serializes refreshes so change-log entries are applied once and in order.
    refreshing: tokio::sync::Mutex<()>,
    /// The refreshes that applied changes and the time they took (metrics).
    meter: crate::telemetry::RefreshMeter,
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
    pub fn read(&self) -> std::sync::RwLockReadGuard<'_, Index> {
        self.index.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Index> {
        self.index.write().unwrap_or_else(|e| e.into_inner())
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

pub use roll::RollEntry;
pub use units::Descendant;

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

    /// The members `q` asks for; `cases` holds what the cases behind the period's admissions say
    /// where the record does not, and `occasions` the occasion list of the query's unit (both
    /// read only for an admitted filter that needs them).
    pub fn find_members(&self, q: &MemberQuery, cases: &HashMap<MemberId, CaseFacts>, occasions: &OccasionList) -> MemberPage {
        let matches = self.matching(&q.q);
        let subtree = q.unit.map(|u| self.units.subtree(u, q.as_of));
        let birth_range = q.age.map(|a| a.birth_range(q.as_of));
        let snap = self.snapshot(q.as_of);
        // The movement behind a count: the unit's list over a period, walked member by member.
        let counted = q.flow.is_some() || q.admitted.is_some();
        let empty = || MemberPage {
            total: 0,
            events: counted.then_some(0),
            page: q.page.max(1),
            per_page: q.per_page.clamp(1, 500),
            items: Vec::new(),
        };
        let flow = match (&q.flow, q.unit) {
            (Some(f), Some(unit)) => match self.flow_period(unit, f.first, f.last, q.cell.as_ref()) {
                Some(p) => Some((f, p)),
                None => return empty(),
            },
            _ => None,
        };
        // The admissions behind a count of the admission report, counted as it counts them.
        let admitted = match (&q.admitted, q.unit) {
            // As the targets page credits them: the unit among the chi bộ's ancestors on the day.
            (Some(a), Some(unit)) if flow.is_none() && a.credit.is_some() => match self.units.pos.get(&unit) {
                Some(&u) => Some((a, Counted::Credited(u))),
                None => return empty(),
            },
            (Some(a), Some(unit)) if flow.is_none() => match self.admission_cells(unit, a.first, a.last, q.cell.as_ref()) {
                Some(c) => Some((a, Counted::Cells(c))),
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
        // Member `i` on the list of `as_of` by the other filters.
        let listed = |i: u32, m: &MemberEntry| -> bool {
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
        // Member `i`, whose entry is `m`: how many times the list counts them (0: not listed). A
        // movement or admission count counts each of a member's movements or admissions; any
        // other list counts the member once.
        let wanted = |i: u32, m: &MemberEntry| -> usize {
            if matches.as_ref().is_some_and(|marks| !marked(marks, i)) {
                return 0;
            }
            if let Some((marks, own)) = &scope {
                let in_scope = *own == Some(i) || snap.homes.get(i as usize).is_some_and(|&home| marked(marks, home));
                if !in_scope {
                    return 0;
                }
            }
            if let Some((f, (p, want))) = &flow {
                // The other filters apply to the member as they were on the flow's day.
                let accept = |flow: &domain::stats::Flow, facts: &domain::stats::MemberFacts| {
                    (f.kinds.is_empty() || f.kinds.contains(&flow.kind)) && facts_match(flow.on, flow.status, facts)
                };
                return self.flow_count(p, *want, m, f.inflow, &mut check.borrow_mut(), accept);
            }
            if let Some((a, counted)) = &admitted {
                let case = cases.get(&m.id).copied().unwrap_or_default();
                let on_occasion = |x: &admissions::Admitted<'_>, which: Option<(u32, u32)>| {
                    x.occasion(&case, a.first, a.last, occasions)
                        .and_then(|i| occasions.items().get(i))
                        .is_some_and(|o| which.is_none_or(|(day, month)| o.day == day && o.month == month))
                };
                let counts = |x: &admissions::Admitted<'_>| match counted {
                    Counted::Cells(c) => {
                        c.counts(x.unit, x.on)
                            && match a.origin {
                                None => true,
                                Some(crate::OriginFilter::Source(s)) => x.origin(&case).source == s,
                                Some(crate::OriginFilter::Group(g)) => x.origin(&case).target_group == g,
                                Some(crate::OriginFilter::Occasion(which)) => on_occasion(x, which),
                            }
                    }
                    Counted::Credited(u) => {
                        self.units.ancestors_on(x.unit, x.on).any(|p| p == *u)
                            && match a.credit {
                                Some(crate::Credit::Group(g)) => x.origin(&case).target_group == Some(g),
                                Some(crate::Credit::Occasion(which)) => on_occasion(x, which),
                                _ => true,
                            }
                    }
                };
                return admissions::admissions_of(m, a.first, a.last)
                    .filter(|x| {
                        (x.readmitted || !a.readmitted_only) && counts(x) && facts_match(x.on, x.status, &reports::facts(m, x.status, x.on))
                    })
                    .count();
            }
            usize::from(listed(i, m))
        };
        let per_page = q.per_page.clamp(1, 500);
        let page = q.page.max(1);
        // Saturating: a page past any register is simply empty (the web layer refuses such pages).
        let skip = (page - 1).saturating_mul(per_page);
        let mut total = 0;
        let mut events = 0;
        let mut items = Vec::new();
        for &i in &self.order {
            let Some(m) = self.members.get(i as usize) else { continue };
            let times = wanted(i, m);
            if times > 0 {
                if total >= skip
                    && items.len() < per_page
                    && let Some(s) = m.span_on(q.as_of)
                {
                    items.push(MemberListItem {
                        temporarily_at: self.temporary_host(m, q.as_of),
                        ..self.list_item(m, s.span.unit, s.span.status)
                    });
                }
                total += 1;
                events += times;
            }
        }
        MemberPage { total, events: counted.then_some(events), page, per_page, items }
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
            temporarily_at: None,
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
/// How an admissions list counts: as the admission report's cells, or credited to a unit and its
/// ancestors on the decision day as the targets page counts.
enum Counted {
    Cells(reports::CellSlots),
    Credited(u32),
}

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
mod tests;
