//! What an export of a subtree on a day holds (docs/formats/register.md): the units of the
//! subtree as they stood, and the members in register order with the chi bộ the row names, the
//! first day of their stay there and their standing — read from the index alone, compactly, so
//! that the rows themselves can be read from the database a batch at a time.

use chrono::NaiveDate;

use domain::history::{FlowKind, Status};
use domain::ids::UnitId;
use domain::interchange::export::PATH_SEPARATOR;
use domain::interchange::record::{Departure, UnitKindWord, UnitRecord};

use super::{Index, IndexSpan, MemberEntry, marked};
use crate::export::{PlannedMember, Standing};
use crate::model::ScopeFilter;

/// The members and units of an export, as the index reads them.
pub struct ExportSelection {
    pub units: Vec<UnitRecord>,
    pub members: Vec<PlannedMember>,
    /// Members on the lists who are left out because their record now belongs outside the
    /// caller's scope (a predecessor read by historical reach).
    pub outside_scope: usize,
}

impl Index {
    /// The export of `root`'s subtree on `on`, or `None` when `root` does not stand that day.
    /// `departed`: also the members whose last chi bộ in the subtree they left before `on`.
    /// `scope`: members whose record the caller does not read are left out (counted).
    pub fn export_selection(&self, root: UnitId, on: NaiveDate, departed: bool, scope: Option<&ScopeFilter>) -> Option<ExportSelection> {
        let &r = self.units.pos.get(&root)?;
        self.units.version_on(r, on)?;
        let subtree = self.units.subtree(root, on);
        let units = self.unit_rows(r, on);
        let marks = scope.filter(|f| !f.scope.everything).map(|f| (self.scope_marks(f), f));
        let mut members = Vec::new();
        let mut outside_scope = 0;
        for &i in &self.order {
            let Some(m) = self.members.get(i as usize) else { continue };
            let planned = match active_in(m, on, &subtree) {
                Some(p) => Some(p),
                None if departed => self.departure(m, r, on),
                None => None,
            };
            let Some(planned) = planned else { continue };
            if let Some((marks, f)) = &marks
                && !Self::member_in_scope(m, marks, f)
            {
                outside_scope += 1;
                continue;
            }
            members.push(planned);
        }
        Some(ExportSelection { units, members, outside_scope })
    }

    /// The last stay of `m` in a chi bộ within `root`'s subtree (as the tree stood on its last
    /// day) that `m` left by their own event before `on`, and how they left. A chi bộ that moved
    /// out of the subtree takes its members with it: they did not leave it (no row).
    fn departure(&self, m: &MemberEntry, root: u32, on: NaiveDate) -> Option<PlannedMember> {
        let (at, span) = m.spans.iter().enumerate().rev().find_map(|(at, s)| {
            let to = s.span.to.filter(|t| *t <= on)?;
            let unit = s.at?;
            let last_day = to.pred_opt()?;
            (s.span.status.is_active() && self.units.ancestors_on(unit, last_day).any(|a| a == root)).then_some((at, s))
        })?;
        let departure = match span.span.cause.left? {
            FlowKind::Died => Departure::Died,
            FlowKind::Expelled => Departure::Expelled,
            FlowKind::StruckOff => Departure::StruckOff,
            FlowKind::Exited => Departure::Exited,
            FlowKind::TransferredOutToOutside | FlowKind::TransferredOutWithin => Departure::TransferredOut,
            _ => return None,
        };
        let unit = self.units.id(span.at?)?;
        let left = span.span.to?;
        Some(PlannedMember {
            id: m.id,
            unit,
            unit_on: left.pred_opt()?,
            since: stay_start(&m.spans, at),
            standing: Standing::Left { departure, on: left },
        })
    }

    /// The subtree's units on `on`, the root first and every unit before those under it
    /// (children by name).
    fn unit_rows(&self, root: u32, on: NaiveDate) -> Vec<UnitRecord> {
        let mut rows = Vec::new();
        let mut seen = vec![false; self.units.ids.len()];
        let mut stack = vec![(root, true)];
        while let Some((u, is_root)) = stack.pop() {
            // A unit met twice (a cycle in stored data, never otherwise) is written once.
            match seen.get_mut(u as usize) {
                Some(s) if !*s => *s = true,
                _ => continue,
            }
            let Some(v) = self.units.version_on(u, on) else { continue };
            let parent = v.parent_id.and_then(|p| self.units.pos.get(&p).copied()).filter(|_| !is_root);
            let path: Vec<&str> = {
                let mut names: Vec<&str> = v
                    .parent_id
                    .and_then(|p| self.units.pos.get(&p).copied())
                    .map(|p| self.units.ancestors_on(p, on).filter_map(|a| self.units.version_on(a, on)).map(|a| a.name.as_str()).collect())
                    .unwrap_or_default();
                names.reverse();
                names
            };
            rows.push(UnitRecord {
                code: v.code.clone(),
                name: v.name.clone(),
                kind: UnitKindWord::Exact(v.kind),
                parent_code: parent.and_then(|p| self.units.version_on(p, on)).map(|p| p.code.as_str().to_owned()),
                parent: (!path.is_empty()).then(|| path.join(PATH_SEPARATOR)),
                established: self.units.versions.get(u as usize).and_then(|vs| vs.iter().map(|x| x.valid_from).min()),
            });
            let mut children = self.units.children_on(self.units.id(u), on);
            children.sort_by_cached_key(|c| std::cmp::Reverse(self.units.version_on(*c, on).map(|v| domain::text::collation_key(&v.name))));
            stack.extend(children.into_iter().map(|c| (c, false)));
        }
        rows
    }

    /// A unit's code on a day (its latest when it did not stand then).
    pub fn unit_code_on(&self, unit: UnitId, on: NaiveDate) -> Option<String> {
        let &i = self.units.pos.get(&unit)?;
        self.units.version_on(i, on).or_else(|| self.units.latest(i)).map(|v| v.code.as_str().to_owned())
    }

    /// A unit's name on a day (its latest when it did not stand then).
    pub fn unit_name_on(&self, unit: UnitId, on: NaiveDate) -> Option<String> {
        let &i = self.units.pos.get(&unit)?;
        self.units.version_on(i, on).or_else(|| self.units.latest(i)).map(|v| v.name.clone())
    }
}

/// `m` on the list of a chi bộ in the subtree on `on`: the row's unit, stay and status.
fn active_in(m: &MemberEntry, on: NaiveDate, subtree: &[bool]) -> Option<PlannedMember> {
    let at = m.spans.iter().position(|s| s.covers(on))?;
    let span = m.spans.get(at)?;
    let unit = span.at?;
    if !span.span.status.is_active() || !marked(subtree, unit) {
        return None;
    }
    let since = match span.span.status {
        Status::Exempt => Some(status_start(&m.spans, at)),
        _ => None,
    };
    Some(PlannedMember {
        id: m.id,
        unit: span.span.unit?,
        unit_on: on,
        since: stay_start(&m.spans, at),
        standing: Standing::Active { status: span.span.status, since },
    })
}

/// The first day of the uninterrupted stay in the chi bộ of span `at`: the start of the run of
/// adjoining spans in that unit ending with it (a recognition or an exemption starts a new span
/// in the same unit).
fn stay_start(spans: &[IndexSpan], at: usize) -> NaiveDate {
    run_start(spans, at, |a, b| a.span.unit.is_some() && a.span.unit == b.span.unit)
}

/// The first day of the status of span `at` (adjoining spans with the same status).
fn status_start(spans: &[IndexSpan], at: usize) -> NaiveDate {
    run_start(spans, at, |a, b| a.span.status == b.span.status)
}

fn run_start(spans: &[IndexSpan], at: usize, same: impl Fn(&IndexSpan, &IndexSpan) -> bool) -> NaiveDate {
    let Some(span) = spans.get(at) else { return NaiveDate::MIN };
    let mut from = span.span.from;
    for earlier in spans.get(..at).unwrap_or_default().iter().rev() {
        if !same(earlier, span) || earlier.span.to != Some(from) {
            break;
        }
        from = earlier.span.from;
    }
    from
}
