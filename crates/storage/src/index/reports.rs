//! Statistics answered from the in-memory index: counts on a date in every breakdown, and the
//! movements of a period with their balance, per unit directly under the report's unit and in
//! total, by the structure of the date or by today's (docs/design/statistics.md).
//!
//! Both passes give each unit of the table a *row slot*: which row of the report holds a member
//! whose chi bộ is that unit ([`Slot::OFF_LIST`]: not on the report's list). The slots depend on the day for
//! the structure of the date (the tree changes), so a movement report keeps one slot array per
//! day the tree changed inside the period, and looks at a member only on the days where their
//! own record or their unit's slot changed.

use chrono::NaiveDate;

use domain::history::Status;
use domain::ids::{MemberId, UnitId};
use domain::stats::{AdmissionTally, AgeBands, Breakdown, Flow, MemberFacts, Movement, OriginTally, SpanCause, Structure, flow_kind_on};
use domain::targets::OccasionList;
use domain::unit::UnitVersion;

use super::{CaseFacts, Index, MemberEntry};
use crate::model::{CellRow, ReportCell};

/// The row of a report that holds the members of a unit on a day, or none: the unit is off the
/// report's list that day. Four bytes, like the `u32` it wraps: a period report keeps one slot
/// per unit for every day the tree changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot(u32);

impl Slot {
    /// Not on the report's list.
    const OFF_LIST: Slot = Slot(u32::MAX);

    /// The slot of row `row` (rows are numbered from 0, far below `u32::MAX`).
    fn of_row(row: usize) -> Slot {
        u32::try_from(row).ok().filter(|r| *r != u32::MAX).map_or(Slot::OFF_LIST, Slot)
    }

    /// The row, or `None` off the list.
    fn row(self) -> Option<usize> {
        (self != Slot::OFF_LIST).then_some(self.0 as usize)
    }

    fn is_on_list(self) -> bool {
        self != Slot::OFF_LIST
    }
}

/// The entry of `rows` for `slot` (`None` off the list).
fn at<T>(rows: &mut [T], slot: Slot) -> Option<&mut T> {
    rows.get_mut(slot.row()?)
}

/// What [`Index::admissions`] returns: the total, the rows, the grassroots organizations that
/// admitted nobody.
#[derive(Debug)]
pub struct Admissions {
    pub total: AdmissionTally,
    pub origins: OriginTally,
    pub rows: Vec<RowAdmissions>,
    pub zero: Vec<UnitVersion>,
}

/// A row of the admission report and what it counted.
#[derive(Debug)]
pub struct RowAdmissions {
    pub row: Row,
    pub tally: AdmissionTally,
    pub origins: OriginTally,
    /// The decision day of each of its admissions (to count them inside a term).
    pub days: Vec<NaiveDate>,
}

/// What the admission report reads besides the register: the cases behind admissions whose
/// record does not say their origin or ceremony, and the occasion list it counts by.
pub struct AdmissionContext<'a> {
    pub case_of: &'a dyn Fn(MemberId) -> CaseFacts,
    pub occasions: &'a OccasionList,
}

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
    fn slot(&mut self, key: RowKey) -> Slot {
        match self.keys.iter().position(|k| *k == key) {
            Some(i) => Slot::of_row(i),
            None => {
                self.keys.push(key);
                Slot::of_row(self.keys.len() - 1)
            }
        }
    }
}

impl Index {
    /// The row slot of every unit on `on`. `resolved`: for today's structure, each unit's row
    /// once regrouped into today's tree (`OFF_LIST` outside `root` today, `None` when no
    /// successor stands today).
    fn slots_on(&self, r: u32, on: NaiveDate, structure: Structure, resolved: &[Option<Slot>], rows: &mut Rows) -> Vec<Slot> {
        match structure {
            Structure::OfDate if self.units.version_on(r, on).is_none() => vec![Slot::OFF_LIST; self.units.ids.len()],
            Structure::OfDate => self.tree_slots(r, on, rows),
            Structure::Current => {
                let Some(root) = self.units.id(r) else { return vec![Slot::OFF_LIST; self.units.ids.len()] };
                let within_then = self.units.subtree(root, on);
                resolved
                    .iter()
                    .zip(within_then)
                    .map(|(k, within)| match k {
                        Some(k) => *k,
                        None if within => rows.slot(RowKey::Dissolved),
                        None => Slot::OFF_LIST,
                    })
                    .collect()
            }
        }
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
    ) -> (Vec<NaiveDate>, Vec<Vec<Slot>>) {
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
        for (e, pair) in (1u32..).zip(epochs.windows(2)) {
            let [previous, next] = pair else { continue };
            for ((list, a), b) in changes.iter_mut().zip(previous).zip(next) {
                if a != b {
                    list.push(e);
                }
            }
        }
        Some(Period { before, first, last, days, epochs, changes })
    }

    /// For the member list: the period of `root`'s report to look for flows in, by the cell's
    /// structure (the structure of each day without one), and the row wanted (`None`: the total).
    /// `None` when the report could not be read (`root` did not stand on both days, or by
    /// today's structure does not today).
    pub(super) fn flow_period(&self, root: UnitId, first: NaiveDate, last: NaiveDate, cell: Option<&ReportCell>) -> Option<(Period, Want)> {
        let (structure, today) = cell.map_or((Structure::OfDate, last), |c| (c.structure, c.today));
        let (r, _) = self.period_root(root, first, last, structure, today)?;
        let mut rows = Rows { keys: Vec::new() };
        let p = self.period(r, first, last, structure, today, &mut rows)?;
        Some((p, self.want(r, cell, &mut rows)))
    }

    /// How many times the member came into (`inflow`) or left the wanted row of the report (the
    /// report's list for its total) in the period by a flow that `accept` takes (it sees the flow
    /// and the member's facts on its day): the crossings `movements` counts, each once.
    pub(super) fn flow_count(
        &self,
        p: &Period,
        want: Want,
        m: &MemberEntry,
        inflow: bool,
        check: &mut Vec<NaiveDate>,
        accept: impl Fn(&Flow, &MemberFacts) -> bool,
    ) -> usize {
        let mut found = 0;
        p.walk(m, check, |day, (slot, status), (now, now_status)| {
            let crossed = if inflow { !want.holds(slot) && want.holds(now) } else { want.holds(slot) && !want.holds(now) };
            if crossed {
                let f = p.flow(m, day, inflow, if inflow { now_status } else { status });
                found += usize::from(accept(&f, &facts(m, f.status, day)));
            }
        });
        found
    }

    /// The slot of the cell's row in `r`'s report (`rows` as the report numbers them).
    fn want(&self, r: u32, cell: Option<&ReportCell>, rows: &mut Rows) -> Want {
        let key = match cell.and_then(|c| c.row) {
            None => return Want(None),
            Some(CellRow::Dissolved) => RowKey::Dissolved,
            Some(CellRow::Unit(u)) => match self.units.pos.get(&u) {
                Some(&p) if p == r => RowKey::Direct,
                Some(&p) => RowKey::Unit(p),
                // No such unit: a row no member is in.
                None => RowKey::Unit(u32::MAX),
            },
        };
        Want(Some(rows.slot(key)))
    }

    /// For the member list: the row slots of `root`'s report on `on` (the count report) and the
    /// row wanted. `None` when that report could not be read.
    pub(super) fn cell_on(&self, root: UnitId, on: NaiveDate, cell: &ReportCell) -> Option<CellSlots> {
        let mut rows = Rows { keys: Vec::new() };
        let (r, _, slots) = self.day_slots(root, on, cell.structure, cell.today, &mut rows)?;
        Some(CellSlots { days: vec![on], epochs: vec![slots], want: self.want(r, Some(cell), &mut rows) })
    }

    /// For the member list: the row slots of `root`'s admission report over the period and the
    /// row wanted (by the structure of each day without a cell). `None` when that report could
    /// not be read.
    pub(super) fn admission_cells(&self, root: UnitId, first: NaiveDate, last: NaiveDate, cell: Option<&ReportCell>) -> Option<CellSlots> {
        let (structure, today) = cell.map_or((Structure::OfDate, last), |c| (c.structure, c.today));
        let mut rows = Rows { keys: Vec::new() };
        let (r, days, epochs) = self.admission_epochs(root, first, last, structure, today, &mut rows)?;
        Some(CellSlots { days, epochs, want: self.want(r, cell, &mut rows) })
    }

    /// The report's unit and its row slots over a period of admissions (each admission is
    /// counted in the row of its chi bộ on the decision day).
    fn admission_epochs(
        &self,
        root: UnitId,
        first: NaiveDate,
        last: NaiveDate,
        structure: Structure,
        today: NaiveDate,
        rows: &mut Rows,
    ) -> Option<(u32, Vec<NaiveDate>, Vec<Vec<Slot>>)> {
        let (r, _) = self.period_root(root, first, last, structure, today)?;
        let (days, epochs) = self.epochs(r, first, last, structure, today, rows);
        Some((r, days, epochs))
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
    /// total and per row (in the published breakdown and by origin and occasion), and the
    /// organizations under `root` that admitted nobody ([`Index::without_admission`]). `None` as
    /// for [`Index::movements`].
    pub fn admissions(
        &self,
        root: UnitId,
        first: NaiveDate,
        last: NaiveDate,
        structure: Structure,
        today: NaiveDate,
        context: &AdmissionContext<'_>,
    ) -> Option<Admissions> {
        let (_, shown_on) = self.period_root(root, first, last, structure, today)?;
        let mut rows = Rows { keys: Vec::new() };
        let (_, days, epochs) = self.admission_epochs(root, first, last, structure, today, &mut rows)?;
        let occasions = context.occasions.items().len();
        let blank = || (AdmissionTally::default(), OriginTally::new(occasions), Vec::new());
        let mut per_row: Vec<(AdmissionTally, OriginTally, Vec<NaiveDate>)> = (0..rows.keys.len()).map(|_| blank()).collect();
        let (mut total, mut total_origins, _) = blank();
        let admitted: Vec<_> = self.admitted_between(first, last).collect();
        for a in &admitted {
            let Some((tally, origins, on)) = at(&mut per_row, slot_on(&days, &epochs, a.unit, a.on)) else { continue };
            let f = facts(a.member, a.status, a.on);
            let case = (context.case_of)(a.member.id);
            let (origin, occasion) = (a.origin(&case), a.occasion(&case, first, last, context.occasions));
            tally.add(&f, a.on, a.readmitted);
            origins.add(origin, occasion);
            on.push(a.on);
            total.add(&f, a.on, a.readmitted);
            total_origins.add(origin, occasion);
        }
        let by_unit = self.count_by_unit(admitted, first, last, context.case_of, context.occasions);
        let zero = self.without_admission(root, shown_on, structure, &by_unit);
        let out = rows
            .keys
            .iter()
            .zip(per_row)
            .filter(|(key, (t, _, _))| matches!(key, RowKey::Unit(_)) || t.admitted > 0)
            .filter_map(|(key, (tally, origins, days))| {
                Some(RowAdmissions { row: self.row_of(*key, shown_on, None)?, tally, origins, days })
            })
            .collect();
        Some(Admissions { total, origins: total_origins, rows: out, zero })
    }

    /// The row slot of every unit as the tree stands on `on`: `r` itself is the direct row, each
    /// unit directly under it a row holding its subtree.
    fn tree_slots(&self, r: u32, on: NaiveDate, rows: &mut Rows) -> Vec<Slot> {
        let mut slot = vec![Slot::OFF_LIST; self.units.ids.len()];
        if let Some(s) = slot.get_mut(r as usize) {
            *s = rows.slot(RowKey::Direct);
        }
        for c in self.units.children_on(self.units.id(r), on) {
            let k = rows.slot(RowKey::Unit(c));
            let Some(child) = self.units.id(c) else { continue };
            for (s, inside) in slot.iter_mut().zip(self.units.subtree(child, on)) {
                if inside {
                    *s = k;
                }
            }
        }
        slot
    }

    /// For today's structure: each unit's row once regrouped into today's tree (`None`:
    /// dissolved with no successor standing today).
    fn resolve_today(&self, r: u32, today: NaiveDate, rows: &mut Rows) -> Vec<Option<Slot>> {
        let today_slot = self.tree_slots(r, today, rows);
        (0..self.units.ids.len() as u32)
            .map(|u| self.units.successor_on(u, today).map(|t| today_slot.get(t as usize).copied().unwrap_or(Slot::OFF_LIST)))
            .collect()
    }

    fn row_of(&self, key: RowKey, on: NaiveDate, last_day: Option<NaiveDate>) -> Option<Row> {
        Some(match key {
            RowKey::Unit(u) => {
                let version = self
                    .units
                    .version_on(u, on)
                    .or_else(|| self.units.versions.get(u as usize)?.iter().rev().find(|v| v.valid_from <= on))?;
                Row::Unit(version.clone(), last_day)
            }
            RowKey::Direct => Row::Direct,
            RowKey::Dissolved => Row::Dissolved,
        })
    }

    /// The row slot of every unit in `root`'s report on `on`: (`root`'s position, the day its
    /// rows are shown on, the slots). `None` when `root` did not exist on `on` (or, by today's
    /// structure, does not today).
    fn day_slots(
        &self,
        root: UnitId,
        on: NaiveDate,
        structure: Structure,
        today: NaiveDate,
        rows: &mut Rows,
    ) -> Option<(u32, NaiveDate, Vec<Slot>)> {
        let &r = self.units.pos.get(&root)?;
        let shown_on = match structure {
            Structure::OfDate => on,
            Structure::Current => today,
        };
        self.units.version_on(r, shown_on)?;
        let resolved = match structure {
            Structure::OfDate => Vec::new(),
            Structure::Current => self.resolve_today(r, today, rows),
        };
        Some((r, shown_on, self.slots_on(r, on, structure, &resolved, rows)))
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
        let mut rows = Rows { keys: Vec::new() };
        let (_, shown_on, slot) = self.day_slots(root, on, structure, today, &mut rows)?;
        let snap = self.snapshot(on);
        let mut per_row: Vec<Breakdown> = rows.keys.iter().map(|_| Breakdown::new(bands)).collect();
        for ((m, status), unit) in self.members.iter().zip(&snap.status).zip(&snap.units) {
            let Some(status) = status.filter(|s| s.is_active()) else { continue };
            // `NO_UNIT` lies past the slots.
            let Some(row) = slot.get(*unit as usize).and_then(|k| at(&mut per_row, *k)) else { continue };
            row.add(&facts(m, status, on), on, bands);
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
        let last_day: Vec<Option<NaiveDate>> = rows
            .keys
            .iter()
            .enumerate()
            .map(|(k, key)| {
                let RowKey::Unit(u) = key else { return None };
                let present = |epoch: &Vec<Slot>| epoch.get(*u as usize) == Some(&Slot::of_row(k));
                if p.epochs.last().is_some_and(present) {
                    return None;
                }
                p.epochs.iter().rposition(present).and_then(|e| p.days.get(e + 1)).and_then(|d| d.pred_opt())
            })
            .collect();
        let mut total = Movement::default();
        let mut per_row: Vec<Movement> = rows.keys.iter().map(|_| Movement::default()).collect();
        let mut check: Vec<NaiveDate> = Vec::new();
        for m in &self.members {
            let Some((start, end)) = p.walk(m, &mut check, |day, (slot, status), (now, now_status)| {
                if now != slot {
                    if let Some(row) = at(&mut per_row, slot) {
                        let f = p.flow(m, day, false, status);
                        row.add(&f);
                        if !now.is_on_list() {
                            total.add(&f);
                        }
                    }
                    if let Some(row) = at(&mut per_row, now) {
                        let f = p.flow(m, day, true, now_status);
                        row.add(&f);
                        if !slot.is_on_list() {
                            total.add(&f);
                        }
                    }
                }
                if status == Some(Status::Probationary)
                    && now_status == Some(Status::Official)
                    && let Some(row) = at(&mut per_row, now)
                {
                    row.recognized += 1;
                    total.recognized += 1;
                }
            }) else {
                continue;
            };
            if let Some(row) = at(&mut per_row, start) {
                total.start += 1;
                row.start += 1;
            }
            if let Some(row) = at(&mut per_row, end) {
                total.end += 1;
                row.end += 1;
            }
            for &(host, from, _) in &m.temporary {
                if from < p.first || from > p.last {
                    continue;
                }
                let (home, _) = p.state(m, from);
                let there = host.map_or(Slot::OFF_LIST, |h| p.slot_of(h, from));
                if there == home {
                    continue;
                }
                if let Some(row) = at(&mut per_row, home) {
                    row.temporary_out += 1;
                    if !there.is_on_list() {
                        total.temporary_out += 1;
                    }
                }
                if let Some(row) = at(&mut per_row, there) {
                    row.temporary_in += 1;
                    if !home.is_on_list() {
                        total.temporary_in += 1;
                    }
                }
            }
        }
        let out = rows
            .keys
            .iter()
            .zip(per_row)
            .zip(last_day)
            .filter(|((key, mv), _)| matches!(key, RowKey::Unit(_)) || *mv != Movement::default())
            .filter_map(|((key, mv), until)| Some((self.row_of(*key, until.unwrap_or(shown_on), until)?, mv)))
            .collect();
        Some((total, out))
    }
}

/// The row a member list wants of a report: `None` for the report's total (any row).
#[derive(Debug, Clone, Copy)]
pub(super) struct Want(Option<Slot>);

impl Want {
    /// Whether a member in `slot` is counted in the number wanted.
    fn holds(self, slot: Slot) -> bool {
        match self.0 {
            Some(w) => slot == w,
            None => slot.is_on_list(),
        }
    }
}

/// What a member list reads one number of a report by: the row slots of every unit from the
/// first day it looks at (one array per day the tree changed), and the row wanted.
pub(super) struct CellSlots {
    days: Vec<NaiveDate>,
    epochs: Vec<Vec<Slot>>,
    want: Want,
}

impl CellSlots {
    /// Whether a member whose chi bộ is `unit` (a position; `NO_UNIT` is off every list) on
    /// `day` is counted in the number.
    pub(super) fn counts(&self, unit: u32, day: NaiveDate) -> bool {
        self.want.holds(slot_on(&self.days, &self.epochs, unit, day))
    }
}

/// The slot of `unit` on `day`: its slot in the epoch that holds the day (`days` are the epochs'
/// first days, sorted).
fn slot_on(days: &[NaiveDate], epochs: &[Vec<Slot>], unit: u32, day: NaiveDate) -> Slot {
    let epoch = days.partition_point(|d| *d <= day).saturating_sub(1);
    epochs.get(epoch).and_then(|e| e.get(unit as usize)).copied().unwrap_or(Slot::OFF_LIST)
}

/// What a period report walks members through: the row slot of every unit on every day the
/// tree changed in the period (the first for the day before it), and for each unit the epochs at
/// whose start its slot differs from the one before.
pub(super) struct Period {
    before: NaiveDate,
    first: NaiveDate,
    last: NaiveDate,
    days: Vec<NaiveDate>,
    epochs: Vec<Vec<Slot>>,
    changes: Vec<Vec<u32>>,
}

impl Period {
    fn slot_of(&self, unit: u32, day: NaiveDate) -> Slot {
        slot_on(&self.days, &self.epochs, unit, day)
    }

    /// The member's row slot and status on `day`.
    fn state(&self, m: &MemberEntry, day: NaiveDate) -> (Slot, Option<Status>) {
        match m.span_on(day) {
            Some(s) if s.span.status.is_active() => (s.at.map_or(Slot::OFF_LIST, |u| self.slot_of(u, day)), Some(s.span.status)),
            Some(s) => (Slot::OFF_LIST, Some(s.span.status)),
            None => (Slot::OFF_LIST, None),
        }
    }

    /// The flow of the member on `day` (its kind from the span causes).
    fn flow(&self, m: &MemberEntry, day: NaiveDate, inflow: bool, status: Option<Status>) -> Flow {
        flow(m.spans.iter().map(|s| (s.span.from, s.span.to, s.span.cause)), day, inflow, status)
    }

    /// Walks the member through the period: `step(day, before, after)` on every day their row
    /// or status may change. Returns the slots on the day before the period and on its last day,
    /// or `None` for a member with no span touching the period.
    fn walk(
        &self,
        m: &MemberEntry,
        check: &mut Vec<NaiveDate>,
        mut step: impl FnMut(NaiveDate, (Slot, Option<Status>), (Slot, Option<Status>)),
    ) -> Option<(Slot, Slot)> {
        if m.spans.iter().all(|s| s.span.to.is_some_and(|t| t <= self.before) || s.span.from > self.last) {
            return None;
        }
        check.clear();
        for s in &m.spans {
            check.extend(std::iter::once(s.span.from).chain(s.span.to).filter(|d| *d >= self.first && *d <= self.last));
            if let (Some(u), true) = (s.at, s.span.status.is_active()) {
                let changed = self.changes.get(u as usize).into_iter().flatten().filter_map(|&e| self.days.get(e as usize));
                check.extend(changed.filter(|d| s.covers(**d)));
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
    let party_age = m
        .first_admission
        .and_then(|first| domain::history::party_age_months(first, m.spans.iter().map(|s| (s.span.status, s.span.from, s.span.to)), on));
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
