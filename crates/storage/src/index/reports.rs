//! Statistics answered from the in-memory index: counts on a date in every breakdown, and the
//! movements of a period with their balance, per unit directly under the report's unit and in
//! total, by the structure of the date or by today's (docs/design/statistics.md).
//!
//! Both passes give each unit of the table a *row slot*: which row of the report holds a member
//! whose chi bộ is that unit (`NONE`: not on the report's list). The slots depend on the day for
//! the structure of the date (the tree changes), so a movement report keeps one slot array per
//! day the tree changed inside the period, and looks at a member only on the days where their
//! own record or their unit's slot changed.

use chrono::NaiveDate;

use domain::history::Status;
use domain::ids::UnitId;
use domain::stats::{AdmissionTally, AgeBands, Breakdown, Flow, FlowKind, MemberFacts, Movement, SpanCause, Structure, flow_kind_on};
use domain::unit::{UnitKind, UnitVersion};

use super::{Index, MemberEntry, NO_UNIT};

const NONE: u32 = u32::MAX;

/// What [`Index::admissions`] returns: the total, the rows, the grassroots organizations that
/// admitted nobody.
pub type Admissions = (AdmissionTally, Vec<(Row, AdmissionTally)>, Vec<UnitVersion>);

/// What a row of a report stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKey {
    /// A unit directly under the report's unit (a unit table position).
    Unit(u32),
    /// Members whose chi bộ is the report's unit itself.
    Direct,
    /// By today's structure: members of units dissolved with no successor.
    Dissolved,
}

/// A report row as callers see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// The unit's version shown (on the report date, or today), and the last day it stood
    /// directly under the report's unit when that is before the period's end.
    Unit(UnitVersion, Option<NaiveDate>),
    Direct,
    Dissolved,
}

/// The rows of one report, in order of first appearance.
struct Rows {
    keys: Vec<RowKey>,
}

impl Rows {
    fn slot(&mut self, key: RowKey) -> u32 {
        match self.keys.iter().position(|k| *k == key) {
            Some(i) => i as u32,
            None => {
                self.keys.push(key);
                (self.keys.len() - 1) as u32
            }
        }
    }
}

impl Index {
    /// The row slot of every unit on `on`. `resolved`: for today's structure, each unit's row
    /// once regrouped into today's tree (`NONE` outside `root` today, `DISSOLVED` when no
    /// successor stands today).
    fn slots_on(&self, r: u32, on: NaiveDate, structure: Structure, resolved: &[u32], rows: &mut Rows) -> Vec<u32> {
        let root = self.units.ids[r as usize];
        let mut slot = vec![NONE; self.units.ids.len()];
        match structure {
            Structure::OfDate => {
                if self.units.version_on(r, on).is_none() {
                    return slot;
                }
                slot = self.tree_slots(r, on, rows);
            }
            Structure::Current => {
                let within_then = self.units.subtree(root, on);
                for (u, &k) in resolved.iter().enumerate() {
                    slot[u] = match k {
                        DISSOLVED if within_then[u] => rows.slot(RowKey::Dissolved),
                        DISSOLVED => NONE,
                        k => k,
                    };
                }
            }
        }
        slot
    }

    /// One slot array per day the tree changed after `start` up to `last`, the first for `start`
    /// itself: (the days, the arrays).
    fn epochs(
        &self,
        r: u32,
        start: NaiveDate,
        last: NaiveDate,
        structure: Structure,
        today: NaiveDate,
        rows: &mut Rows,
    ) -> (Vec<NaiveDate>, Vec<Vec<u32>>) {
        let resolved = match structure {
            Structure::OfDate => Vec::new(),
            Structure::Current => self.resolve_today(r, today, rows),
        };
        let mut days = vec![start];
        days.extend(self.units.change_days.iter().copied().filter(|d| *d > start && *d <= last));
        let epochs = days.iter().map(|d| self.slots_on(r, *d, structure, &resolved, rows)).collect();
        (days, epochs)
    }

    /// The slots of a period report over `r`.
    fn period(&self, r: u32, first: NaiveDate, last: NaiveDate, structure: Structure, today: NaiveDate, rows: &mut Rows) -> Option<Period> {
        let before = first.pred_opt()?;
        let (days, epochs) = self.epochs(r, before, last, structure, today, rows);
        let mut changes: Vec<Vec<u32>> = vec![Vec::new(); self.units.ids.len()];
        for e in 1..epochs.len() {
            for (u, list) in changes.iter_mut().enumerate() {
                if epochs[e][u] != epochs[e - 1][u] {
                    list.push(e as u32);
                }
            }
        }
        Some(Period { before, first, last, days, epochs, changes })
    }

    /// For the member list: the period of `root`'s list (by the structure of each day) to look
    /// for flows in. `None` when `root` did not stand on both days.
    pub(super) fn flow_period(&self, root: UnitId, first: NaiveDate, last: NaiveDate) -> Option<Period> {
        let (r, _) = self.period_root(root, first, last, Structure::OfDate, last)?;
        self.period(r, first, last, Structure::OfDate, last, &mut Rows { keys: Vec::new() })
    }

    /// Whether the member came onto (`inflow`) or left `root`'s list in the period by a flow
    /// that `accept` takes (it sees the flow and the member's facts on its day).
    pub(super) fn has_flow(
        &self,
        p: &Period,
        m: &MemberEntry,
        inflow: bool,
        check: &mut Vec<NaiveDate>,
        accept: impl Fn(&Flow, &MemberFacts) -> bool,
    ) -> bool {
        let mut found = false;
        p.walk(m, check, |day, (slot, status), (now, now_status)| {
            let crossed = if inflow { slot == NONE && now != NONE } else { slot != NONE && now == NONE };
            if crossed && !found {
                let f = p.flow(m, day, inflow, if inflow { now_status } else { status });
                found = accept(&f, &facts(m, f.status, day));
            }
        });
        found
    }

    /// A period report's unit (its position) and the day its rows are shown on: the last day by
    /// the structure of the date (it must stand on the first and the last), today by today's.
    pub(crate) fn period_root(
        &self,
        root: UnitId,
        first: NaiveDate,
        last: NaiveDate,
        structure: Structure,
        today: NaiveDate,
    ) -> Option<(u32, NaiveDate)> {
        let &r = self.units.pos.get(&root)?;
        match structure {
            Structure::OfDate => {
                self.units.version_on(r, first)?;
                self.units.version_on(r, last)?;
                Some((r, last))
            }
            Structure::Current => self.units.version_on(r, today).map(|_| (r, today)),
        }
    }

    /// The members admitted (or readmitted) to `root`'s list from `first` to `last`, tallied in
    /// total and per row, and the grassroots organizations under `root` that admitted nobody.
    /// `None` as for [`Index::movements`].
    pub fn admissions(
        &self,
        root: UnitId,
        first: NaiveDate,
        last: NaiveDate,
        structure: Structure,
        today: NaiveDate,
    ) -> Option<Admissions> {
        let (r, shown_on) = self.period_root(root, first, last, structure, today)?;
        let mut rows = Rows { keys: Vec::new() };
        let (days, epochs) = self.epochs(r, first, last, structure, today, &mut rows);
        let mut per_row = vec![AdmissionTally::default(); rows.keys.len()];
        let mut total = AdmissionTally::default();
        // Admissions per unit where they happened (as the unit stood on `shown_on`).
        let mut per_unit = vec![0u32; self.units.ids.len()];
        for m in &self.members {
            for s in &m.spans {
                let readmitted = match s.5.entered {
                    FlowKind::Admitted => false,
                    FlowKind::Readmitted => true,
                    _ => continue,
                };
                let (Some(u), true) = (s.0, s.3 >= first && s.3 <= last && s.2.is_active()) else { continue };
                let slot = epochs[days.partition_point(|d| *d <= s.3).saturating_sub(1)][u as usize];
                if slot == NONE {
                    continue;
                }
                let f = facts(m, s.2, s.3);
                per_row[slot as usize].add(&f, s.3, readmitted);
                total.add(&f, s.3, readmitted);
                let at = match structure {
                    Structure::OfDate => Some(u),
                    Structure::Current => self.successor_today(u, today),
                };
                if let Some(at) = at {
                    per_unit[at as usize] += 1;
                }
            }
        }
        // Grassroots organizations standing under `root` on `shown_on` with no admission in
        // their subtree.
        let inside = self.units.subtree(root, shown_on);
        let mut zero: Vec<UnitVersion> = Vec::new();
        for (g, _) in inside.iter().enumerate().filter(|(_, m)| **m) {
            let Some(v) = self.units.version_on(g as u32, shown_on) else { continue };
            if !matches!(v.kind, UnitKind::GrassrootsCommittee | UnitKind::GrassrootsCell) {
                continue;
            }
            let marks = self.units.subtree(v.unit_id, shown_on);
            if marks.iter().zip(&per_unit).all(|(m, n)| !*m || *n == 0) {
                zero.push(v.clone());
            }
        }
        zero.sort_by_cached_key(|v| domain::text::collation_key(&v.name));
        let out = rows
            .keys
            .iter()
            .zip(per_row)
            .filter(|(key, t)| matches!(key, RowKey::Unit(_)) || t.admitted > 0)
            .filter_map(|(key, t)| Some((self.row_of(*key, shown_on, None)?, t)))
            .collect();
        Some((total, out, zero))
    }

    /// The row slot of every unit as the tree stands on `on`: `r` itself is the direct row, each
    /// unit directly under it a row holding its subtree.
    fn tree_slots(&self, r: u32, on: NaiveDate, rows: &mut Rows) -> Vec<u32> {
        let mut slot = vec![NONE; self.units.ids.len()];
        slot[r as usize] = rows.slot(RowKey::Direct);
        for c in self.units.children_on(Some(self.units.ids[r as usize]), on) {
            let k = rows.slot(RowKey::Unit(c));
            for (u, m) in self.units.subtree(self.units.ids[c as usize], on).iter().enumerate() {
                if *m {
                    slot[u] = k;
                }
            }
        }
        slot
    }

    /// For today's structure: each unit's row once regrouped into today's tree.
    fn resolve_today(&self, r: u32, today: NaiveDate, rows: &mut Rows) -> Vec<u32> {
        let today_slot = self.tree_slots(r, today, rows);
        (0..self.units.ids.len() as u32)
            .map(|u| match self.successor_today(u, today) {
                Some(t) => today_slot[t as usize],
                None => DISSOLVED,
            })
            .collect()
    }

    /// The unit standing today that `u` became: itself, or (following merges and splits, the
    /// first successor of a split) its successor's. `None`: dissolved with no successor.
    fn successor_today(&self, mut u: u32, today: NaiveDate) -> Option<u32> {
        for _ in 0..64 {
            if self.units.version_on(u, today).is_some() {
                return Some(u);
            }
            u = *self.units.successors[u as usize].first()?;
        }
        None
    }

    fn row_of(&self, key: RowKey, on: NaiveDate, last_day: Option<NaiveDate>) -> Option<Row> {
        Some(match key {
            RowKey::Unit(u) => {
                let version =
                    self.units.version_on(u, on).or_else(|| self.units.versions[u as usize].iter().rev().find(|v| v.valid_from <= on))?;
                Row::Unit(version.clone(), last_day)
            }
            RowKey::Direct => Row::Direct,
            RowKey::Dissolved => Row::Dissolved,
        })
    }

    /// The members on the list of `root` on `on`, counted in every breakdown: in total and per
    /// row. `None` when `root` did not exist on `on` (or, by today's structure, does not today).
    pub fn breakdown(
        &self,
        root: UnitId,
        on: NaiveDate,
        structure: Structure,
        today: NaiveDate,
        bands: &AgeBands,
    ) -> Option<(Breakdown, Vec<(Row, Breakdown)>)> {
        let &r = self.units.pos.get(&root)?;
        let shown_on = match structure {
            Structure::OfDate => on,
            Structure::Current => today,
        };
        self.units.version_on(r, shown_on)?;
        let mut rows = Rows { keys: Vec::new() };
        let resolved = match structure {
            Structure::OfDate => Vec::new(),
            Structure::Current => self.resolve_today(r, today, &mut rows),
        };
        let slot = self.slots_on(r, on, structure, &resolved, &mut rows);
        let snap = self.snapshot(on);
        let mut per_row: Vec<Breakdown> = rows.keys.iter().map(|_| Breakdown::new(bands)).collect();
        for (i, m) in self.members.iter().enumerate() {
            let (Some(status), unit) = (snap.status[i], snap.units[i]) else { continue };
            if unit == NO_UNIT || !status.is_active() {
                continue;
            }
            let k = slot[unit as usize];
            if k == NONE {
                continue;
            }
            per_row[k as usize].add(&facts(m, status, on), on, bands);
        }
        let mut total = Breakdown::new(bands);
        for b in &per_row {
            total.merge(b);
        }
        let out = rows
            .keys
            .iter()
            .zip(per_row)
            .filter(|(key, b)| b.total > 0 || matches!(key, RowKey::Unit(_)))
            .filter_map(|(key, b)| Some((self.row_of(*key, shown_on, None)?, b)))
            .collect();
        Some((total, out))
    }

    /// The movements of `root`'s list from `first` to `last` (both included): in total and per
    /// row, each balancing `start + inflows − outflows = end`. `None` when `root` did not exist on
    /// both days (or, by today's structure, does not today).
    pub fn movements(
        &self,
        root: UnitId,
        first: NaiveDate,
        last: NaiveDate,
        structure: Structure,
        today: NaiveDate,
    ) -> Option<(Movement, Vec<(Row, Movement)>)> {
        let (r, shown_on) = self.period_root(root, first, last, structure, today)?;
        let mut rows = Rows { keys: Vec::new() };
        let p = self.period(r, first, last, structure, today, &mut rows)?;
        // A row whose unit stopped standing under `root` inside the period shows its last day.
        let mut last_day: Vec<Option<NaiveDate>> = vec![None; rows.keys.len()];
        for (k, key) in rows.keys.iter().enumerate() {
            if let RowKey::Unit(u) = key {
                let present = |e: usize| p.epochs[e][*u as usize] == k as u32;
                if !present(p.epochs.len() - 1) {
                    last_day[k] =
                        (0..p.epochs.len()).rev().find(|e| present(*e)).and_then(|e| p.days.get(e + 1)).and_then(|d| d.pred_opt());
                }
            }
        }
        let mut total = Movement::default();
        let mut per_row: Vec<Movement> = rows.keys.iter().map(|_| Movement::default()).collect();
        let mut check: Vec<NaiveDate> = Vec::new();
        for m in &self.members {
            let Some((start, end)) = p.walk(m, &mut check, |day, (slot, status), (now, now_status)| {
                if now != slot {
                    if slot != NONE {
                        let f = p.flow(m, day, false, status);
                        per_row[slot as usize].add(&f);
                        if now == NONE {
                            total.add(&f);
                        }
                    }
                    if now != NONE {
                        let f = p.flow(m, day, true, now_status);
                        per_row[now as usize].add(&f);
                        if slot == NONE {
                            total.add(&f);
                        }
                    }
                }
                if now != NONE && status == Some(Status::Probationary) && now_status == Some(Status::Official) {
                    per_row[now as usize].recognized += 1;
                    total.recognized += 1;
                }
            }) else {
                continue;
            };
            if start != NONE {
                total.start += 1;
                per_row[start as usize].start += 1;
            }
            if end != NONE {
                total.end += 1;
                per_row[end as usize].end += 1;
            }
            for &(host, from, _) in &m.temporary {
                if from < p.first || from > p.last {
                    continue;
                }
                let (home, _) = p.state(m, from);
                let there = host.map_or(NONE, |h| p.slot_of(h, from));
                if home != NONE && there != home {
                    per_row[home as usize].temporary_out += 1;
                    if there == NONE {
                        total.temporary_out += 1;
                    }
                }
                if there != NONE && there != home {
                    per_row[there as usize].temporary_in += 1;
                    if home == NONE {
                        total.temporary_in += 1;
                    }
                }
            }
        }
        let out = rows
            .keys
            .iter()
            .zip(per_row)
            .enumerate()
            .filter(|(_, (key, mv))| matches!(key, RowKey::Unit(_)) || *mv != Movement::default())
            .filter_map(|(k, (key, mv))| Some((self.row_of(*key, last_day[k].unwrap_or(shown_on), last_day[k])?, mv)))
            .collect();
        Some((total, out))
    }
}

const DISSOLVED: u32 = u32::MAX - 1;

/// What a period report walks members through: the row slot of every unit on every day the
/// tree changed in the period (the first for the day before it), and for each unit the epochs at
/// whose start its slot differs from the one before.
pub(super) struct Period {
    before: NaiveDate,
    first: NaiveDate,
    last: NaiveDate,
    days: Vec<NaiveDate>,
    epochs: Vec<Vec<u32>>,
    changes: Vec<Vec<u32>>,
}

impl Period {
    fn slot_of(&self, unit: u32, day: NaiveDate) -> u32 {
        self.epochs[self.days.partition_point(|d| *d <= day).saturating_sub(1)][unit as usize]
    }

    /// The member's row slot and status on `day` (`NONE`: on no row).
    fn state(&self, m: &MemberEntry, day: NaiveDate) -> (u32, Option<Status>) {
        match m.spans.iter().find(|s| s.3 <= day && s.4.is_none_or(|t| day < t)) {
            Some(s) if s.2.is_active() => (s.0.map_or(NONE, |u| self.slot_of(u, day)), Some(s.2)),
            Some(s) => (NONE, Some(s.2)),
            None => (NONE, None),
        }
    }

    /// The flow of the member on `day` (its kind from the span causes).
    fn flow(&self, m: &MemberEntry, day: NaiveDate, inflow: bool, status: Option<Status>) -> Flow {
        flow(m.spans.iter().map(|s| (s.3, s.4, s.5)), day, inflow, status)
    }

    /// Walks the member through the period: `step(day, before, after)` on every day their row
    /// or status may change. Returns the slots on the day before the period and on its last day,
    /// or `None` for a member with no span touching the period.
    fn walk(
        &self,
        m: &MemberEntry,
        check: &mut Vec<NaiveDate>,
        mut step: impl FnMut(NaiveDate, (u32, Option<Status>), (u32, Option<Status>)),
    ) -> Option<(u32, u32)> {
        if m.spans.iter().all(|s| s.4.is_some_and(|t| t <= self.before) || s.3 > self.last) {
            return None;
        }
        check.clear();
        for s in &m.spans {
            check.extend(std::iter::once(s.3).chain(s.4).filter(|d| *d >= self.first && *d <= self.last));
            if let (Some(u), true) = (s.0, s.2.is_active()) {
                for &e in &self.changes[u as usize] {
                    let d = self.days[e as usize];
                    if s.3 <= d && s.4.is_none_or(|t| d < t) {
                        check.push(d);
                    }
                }
            }
        }
        check.sort_unstable();
        check.dedup();
        let start = self.state(m, self.before);
        let mut now = start;
        for &day in check.iter() {
            let next = self.state(m, day);
            step(day, now, next);
            now = next;
        }
        Some((start.0, now.0))
    }
}

fn flow(
    spans: impl Iterator<Item = (NaiveDate, Option<NaiveDate>, SpanCause)> + Clone,
    day: NaiveDate,
    inflow: bool,
    status: Option<Status>,
) -> Flow {
    Flow { on: day, inflow, kind: flow_kind_on(spans, day, inflow), status: status.unwrap_or(Status::Official) }
}

/// What the breakdowns read of one member on `on`.
pub(super) fn facts(m: &MemberEntry, status: Status, on: NaiveDate) -> MemberFacts<'_> {
    let profile = m.profiles.iter().rev().find(|(from, _)| from.is_none_or(|f| f <= on)).map(|(_, p)| p);
    let party_age =
        m.first_admission.and_then(|first| domain::history::party_age_months(first, m.spans.iter().map(|s| (s.2, s.3, s.4)), on));
    MemberFacts {
        status,
        gender: m.gender,
        birth_date: m.birth,
        ethnicity: m.ethnicity,
        religion: m.religion,
        profile,
        party_age_months: party_age,
    }
}
