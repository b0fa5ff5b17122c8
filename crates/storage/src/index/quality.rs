//! The data-quality worklist read from the index (docs/design/quality.md): every record of the
//! scope through `domain::quality`'s checks, probable duplicates among them, and the chi bộ
//! standing today through the cell checks; each problem counted by kind and under the unit of the
//! breakdown level its record or chi bộ belongs to.

use std::collections::HashMap;

use chrono::NaiveDate;

use domain::ids::{MemberId, UnitId};
use domain::quality::{CellFacts, DuplicateGroup, Finding, HistorySpan, Identifying, MemberFacts, ProblemKind};
use domain::workdays::WorkCalendar;

use super::{Index, MemberEntry, NO_UNIT, marked};
use crate::quality::{KindCount, QualityLine, QualityMember, QualityQuery, QualityReport, QualityUnit, UnitCounts};

/// The level problems are counted by: the units directly under one unit (a member of that unit
/// itself counts for it), or, when a scope has several top units, those units.
enum Level {
    Under(u32),
    Among(Vec<u32>),
}

/// Problems per kind, in the list's order.
#[derive(Clone, Default)]
struct Tally(Vec<usize>);

impl Tally {
    fn add(&mut self, kind: ProblemKind) {
        let i = usize::from(kind);
        if self.0.len() < ProblemKind::ALL.len() {
            self.0.resize(ProblemKind::ALL.len(), 0);
        }
        if let Some(n) = self.0.get_mut(i) {
            *n += 1;
        }
    }

    fn counts(&self) -> Vec<KindCount> {
        ProblemKind::ALL.iter().map(|&kind| KindCount { kind, count: self.0.get(usize::from(kind)).copied().unwrap_or(0) }).collect()
    }

    fn total(&self) -> usize {
        self.0.iter().sum()
    }
}

/// What the walk gathers: every problem counted by kind and under its unit of the level, and
/// the lines of the kind asked for.
struct Gathered {
    wanted: Option<ProblemKind>,
    totals: Tally,
    by_unit: HashMap<u32, Tally>,
    lines: Vec<QualityLine>,
}

impl Gathered {
    /// Counts `finding` (under `group` when it has one) and keeps its line, made by `line`, when
    /// its kind is asked for.
    fn add(&mut self, finding: Finding, group: Option<u32>, line: impl FnOnce(Finding) -> QualityLine) {
        self.totals.add(finding.kind);
        if let Some(g) = group {
            self.by_unit.entry(g).or_default().add(finding.kind);
        }
        if self.wanted.is_none_or(|k| k == finding.kind) {
            self.lines.push(line(finding));
        }
    }
}

/// The line of a finding about `member` (in `unit`) or about the chi bộ `unit`.
fn line(f: Finding, member: Option<QualityMember>, unit: Option<QualityUnit>, related: Vec<QualityMember>) -> QualityLine {
    QualityLine { kind: f.kind, member, unit, detail: f.detail, date: f.date, deadline: f.deadline, related }
}

impl Index {
    /// The worklist `q` asks for; `secretaries` are the units an active account holds the
    /// cell-secretary role on.
    pub fn quality(&self, q: &QualityQuery, secretaries: &[UnitId], calendar: &WorkCalendar) -> QualityReport {
        let today = q.today;
        let marks = q.scope.as_ref().filter(|f| !f.scope.everything).map(|f| (f, self.scope_marks(f)));
        let unit_in_scope = |i: u32| marks.as_ref().is_none_or(|(_, m)| marked(m, i));
        let within = q.unit.map(|u| self.units.subtree(u, today));
        let in_unit = |i: u32| within.as_ref().is_none_or(|w| marked(w, i));
        let level = self.level(q.unit, today, &unit_in_scope);

        // The records of the scope, in register order.
        let members: Vec<&MemberEntry> =
            self.in_order().filter(|m| marks.as_ref().is_none_or(|(f, marks)| Self::member_in_scope(m, marks, f))).collect();
        let groups = domain::quality::duplicates(members.iter().map(|m| Identifying {
            key: m.id,
            name_fold: &m.name_fold,
            birth_date: m.birth,
            card: m.card.as_deref(),
        }));
        let mut grouped: HashMap<MemberId, Vec<&DuplicateGroup<MemberId>>> = HashMap::new();
        for g in &groups {
            for id in &g.members {
                grouped.entry(*id).or_default().push(g);
            }
        }

        let mut gathered = Gathered { wanted: q.kind, totals: Tally::default(), by_unit: HashMap::new(), lines: Vec::new() };
        let mut spans: Vec<HistorySpan> = Vec::new();
        for m in members {
            // Where the record belongs today, and where a member in transit is awaited.
            let places: Vec<u32> = [m.home, m.transit_to].into_iter().filter_map(|u| self.standing(u, today)).collect();
            if !places.iter().any(|&p| in_unit(p)) && within.is_some() {
                continue;
            }
            let group = places.iter().find_map(|&p| self.level_of(&level, p, today));
            spans.clear();
            spans.extend(m.spans.iter().map(|s| HistorySpan {
                status: s.span.status,
                from: s.span.from,
                to: s.span.to,
                admission: s.span.admission,
            }));
            let facts = MemberFacts {
                birth_date: m.birth,
                has_profile: !m.profiles.is_empty(),
                spans: &spans,
                awaiting_acceptance: m.in_transit() && m.transit_to != NO_UNIT,
            };
            let mut found: Vec<(Finding, Vec<MemberId>)> = grouped
                .get(&m.id)
                .into_iter()
                .flatten()
                .map(|g| (g.finding(m.birth, m.card.as_deref()), g.members.iter().copied().filter(|o| *o != m.id).collect()))
                .collect();
            found.extend(domain::quality::member_problems(&facts, calendar, today).into_iter().map(|f| (f, Vec::new())));
            for (finding, related) in found {
                gathered.add(finding, group, |f| {
                    let related = related.iter().filter_map(|id| self.member(*id)).map(member_ref).collect();
                    line(f, Some(member_ref(m)), self.quality_unit(m.home, today), related)
                });
            }
        }

        // The chi bộ standing today, by name.
        let snap = self.snapshot(today);
        let mut cells: Vec<(String, u32)> = (0..self.units.ids.len() as u32)
            .filter(|&i| unit_in_scope(i) && in_unit(i))
            .filter_map(|i| self.units.version_on(i, today).filter(|v| v.kind.holds_members()).map(|v| (v, i)))
            .map(|(v, i)| (domain::text::collation_key(&v.name), i))
            .collect();
        cells.sort();
        for (_, i) in cells {
            let (Some(v), Some(id)) = (self.units.version_on(i, today), self.units.id(i)) else { continue };
            let facts = CellFacts {
                kind: v.kind,
                members: snap.counts.get(i as usize).copied().unwrap_or(0) as usize,
                secretary_account: secretaries.contains(&id),
            };
            let group = self.level_of(&level, i, today);
            for finding in domain::quality::cell_problems(&facts) {
                gathered.add(finding, group, |f| line(f, None, self.quality_unit(i, today), Vec::new()));
            }
        }

        let Gathered { totals, by_unit, mut lines, .. } = gathered;
        // Kinds in the list's order; within a kind, the order found (register order, then names).
        lines.sort_by_key(|l| usize::from(l.kind));
        let total_lines = lines.len();
        let page = q.page.max(1);
        let lines = match q.per_page {
            Some(per) => {
                let per = per.max(1);
                lines.into_iter().skip((page - 1).saturating_mul(per)).take(per).collect()
            }
            None => lines,
        };
        let mut per_unit: Vec<UnitCounts> = by_unit
            .into_iter()
            .filter_map(|(i, t)| Some(UnitCounts { unit: self.quality_unit(i, today)?, counts: t.counts(), total: t.total() }))
            .collect();
        per_unit.sort_by_cached_key(|u| (std::cmp::Reverse(u.total), domain::text::collation_key(&u.unit.name), u.unit.id));
        QualityReport {
            as_of: today,
            unit: q.unit.and_then(|u| self.units.pos.get(&u)).and_then(|&i| self.quality_unit(i, today)),
            totals: totals.counts(),
            total_lines,
            page,
            lines,
            per_unit,
        }
    }

    /// The level counts are broken down by: under the unit asked for; else under the scope's
    /// top unit when it has one, or among its top units.
    fn level(&self, unit: Option<UnitId>, today: NaiveDate, in_scope: &dyn Fn(u32) -> bool) -> Level {
        if let Some(&u) = unit.and_then(|u| self.units.pos.get(&u)) {
            return Level::Under(u);
        }
        let tops: Vec<u32> = (0..self.units.ids.len() as u32)
            .filter(|&i| in_scope(i))
            .filter(|&i| match self.units.version_on(i, today) {
                None => false,
                Some(v) => v.parent_id.and_then(|p| self.units.pos.get(&p)).is_none_or(|&p| !in_scope(p)),
            })
            .collect();
        match tops.as_slice() {
            [one] => Level::Under(*one),
            _ => Level::Among(tops),
        }
    }

    /// The unit of `level` that `i` (standing today) counts under.
    fn level_of(&self, level: &Level, i: u32, today: NaiveDate) -> Option<u32> {
        let chain: Vec<u32> = self.units.ancestors_on(i, today).collect();
        match level {
            Level::Under(base) => {
                let at = chain.iter().position(|a| a == base)?;
                if at == 0 { Some(*base) } else { chain.get(at - 1).copied() }
            }
            Level::Among(tops) => chain.iter().copied().find(|a| tops.contains(a)),
        }
    }

    /// The unit standing today that position `i` is or became (`None`: no unit, or dissolved
    /// without a successor).
    fn standing(&self, i: u32, today: NaiveDate) -> Option<u32> {
        if i == NO_UNIT {
            return None;
        }
        self.units.successor_on(i, today)
    }

    /// A unit with the path above it, as it stands today, or as it stood on its last day.
    fn quality_unit(&self, i: u32, today: NaiveDate) -> Option<QualityUnit> {
        let v = self.units.version_on(i, today).or_else(|| self.units.latest(i))?;
        let day = if v.covers(today) { today } else { v.valid_to.and_then(|t| t.pred_opt()).unwrap_or(v.valid_from) };
        Some(QualityUnit { id: v.unit_id, code: v.code.to_string(), name: v.name.clone(), path: self.path_names(i, day) })
    }
}

fn member_ref(m: &MemberEntry) -> QualityMember {
    QualityMember { id: m.id, full_name: m.full_name.clone(), birth_date: m.birth }
}
