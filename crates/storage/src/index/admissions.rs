//! The admissions of a period, read from the in-memory index: the one source of the admission
//! report (form 2-BTCTW) and of the targets page (docs/design/admission.md "Targets",
//! docs/design/statistics.md "Admissions of a period").
//!
//! An admission is a span that opened by an admission or readmission decision (its cause, as
//! `domain::history::derive` found it from the member's events after corrections) in a chi bộ
//! of the register. It counts for that chi bộ and for every unit above it **on the decision
//! date**: the committees that proposed and decided it (rules.md §1.3, §2 step 9), whatever
//! became of the tree afterwards.

use std::collections::HashMap;

use chrono::NaiveDate;

use domain::event::AdmissionOrigin;
use domain::history::{AdmissionFacts, Status};
use domain::ids::{MemberId, UnitId};
use domain::pipeline::TargetGroup;
use domain::stats::{FlowKind, Structure};
use domain::targets::OccasionList;
use domain::unit::{UnitKind, UnitVersion};

use super::{Index, MemberEntry, marked};

/// One admission or readmission in the register.
pub(super) struct Admitted<'a> {
    pub member: &'a MemberEntry,
    /// The chi bộ (its position in the unit table).
    pub unit: u32,
    /// The decision's date: the first day of the span it opened.
    pub on: NaiveDate,
    pub status: Status,
    pub readmitted: bool,
    /// What the record says of it: its ceremony and origin.
    pub facts: AdmissionFacts,
}

impl Admitted<'_> {
    /// Who introduced the member and the sub-target group: the record's, and where the record
    /// does not say (an admission decided before the record kept it), the case's.
    pub fn origin(&self, case: &CaseFacts) -> AdmissionOrigin {
        self.facts.origin.or(case.origin)
    }

    /// The ceremony that followed the decision: the record's, else the case's.
    pub fn ceremony(&self, case: &CaseFacts) -> Option<NaiveDate> {
        self.facts.ceremony.or(case.ceremony)
    }

    /// The position in `list` of the occasion the ceremony fell on, when it was held from
    /// `first` to `last` (an occasion is judged by the ceremony's day, the admission counted by
    /// the decision's).
    pub fn occasion(&self, case: &CaseFacts, first: NaiveDate, last: NaiveDate, list: &OccasionList) -> Option<usize> {
        let day = self.ceremony(case).filter(|d| (first..=last).contains(d))?;
        list.items().iter().position(|o| o.falls_on(day))
    }
}

/// What the case behind an admission says, for admissions whose record does not (decided before
/// the record kept the origin and the ceremony). An admission typed in a record has no case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaseFacts {
    pub origin: AdmissionOrigin,
    pub ceremony: Option<NaiveDate>,
}

/// Admissions per sub-target group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupCounts {
    pub private_enterprise: u32,
    pub student: u32,
    pub residential: u32,
}

impl GroupCounts {
    pub fn get(&self, group: TargetGroup) -> u32 {
        match group {
            TargetGroup::PrivateEnterprise => self.private_enterprise,
            TargetGroup::Student => self.student,
            TargetGroup::Residential => self.residential,
        }
    }

    fn add(&mut self, group: TargetGroup) {
        let n = match group {
            TargetGroup::PrivateEnterprise => &mut self.private_enterprise,
            TargetGroup::Student => &mut self.student,
            TargetGroup::Residential => &mut self.residential,
        };
        *n += 1;
    }
}

/// The admissions counted for one unit in a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AdmissionCount {
    /// Admissions, readmissions included.
    pub admitted: u32,
    /// Of which readmissions (kết nạp lại).
    pub readmitted: u32,
    /// By sub-target group (the record's, else the case's).
    pub groups: GroupCounts,
    /// Whose ceremony, inside the period, fell on an occasion of the list.
    pub on_anniversary: u32,
}

/// The admissions of a period, per unit: each counts for its chi bộ and every ancestor of the
/// chi bộ on the decision date.
#[derive(Debug, Default)]
pub struct UnitAdmissions {
    counts: HashMap<UnitId, AdmissionCount>,
    /// Per unit, the admissions on each occasion of the list (by its position).
    occasions: HashMap<UnitId, Vec<u32>>,
}

impl UnitAdmissions {
    /// What counts for `unit` (nothing for a unit that admitted nobody).
    pub fn of(&self, unit: UnitId) -> AdmissionCount {
        self.counts.get(&unit).copied().unwrap_or_default()
    }

    /// The admissions counted for `unit` on the occasion at position `i` of the list.
    pub fn on_occasion(&self, unit: UnitId, i: usize) -> u32 {
        self.occasions.get(&unit).and_then(|l| l.get(i)).copied().unwrap_or(0)
    }

    fn add(&mut self, unit: UnitId, readmitted: bool, group: Option<TargetGroup>, occasion: Option<usize>) {
        let count = self.counts.entry(unit).or_default();
        count.admitted += 1;
        count.readmitted += u32::from(readmitted);
        if let Some(g) = group {
            count.groups.add(g);
        }
        if let Some(i) = occasion {
            count.on_anniversary += 1;
            let list = self.occasions.entry(unit).or_default();
            if list.len() <= i {
                list.resize(i + 1, 0);
            }
            if let Some(n) = list.get_mut(i) {
                *n += 1;
            }
        }
    }
}

/// The member's admissions and readmissions decided from `first` to `last` (both included)
/// into a chi bộ of the register: the spans opened by such a decision.
pub(super) fn admissions_of(m: &MemberEntry, first: NaiveDate, last: NaiveDate) -> impl Iterator<Item = Admitted<'_>> {
    m.spans.iter().filter_map(move |s| {
        let readmitted = match s.span.cause.entered {
            FlowKind::Admitted => false,
            FlowKind::Readmitted => true,
            _ => return None,
        };
        let unit = s.at?;
        (s.span.from >= first && s.span.from <= last && s.span.status.is_active()).then_some(Admitted {
            member: m,
            unit,
            on: s.span.from,
            status: s.span.status,
            readmitted,
            facts: s.span.admission.unwrap_or_default(),
        })
    })
}

impl Index {
    /// Every admission and readmission decided from `first` to `last` (both included) into a
    /// chi bộ of the register, member by member.
    pub(super) fn admitted_between(&self, first: NaiveDate, last: NaiveDate) -> impl Iterator<Item = Admitted<'_>> {
        self.members.iter().flat_map(move |m| admissions_of(m, first, last))
    }

    /// Whether some admission decided from `first` to `last` lacks, on its record, who introduced
    /// the member or the ceremony: only then are the cases read ([`CaseFacts`]), which an
    /// admission recorded since the record keeps them never needs.
    pub fn needs_case_facts(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.admitted_between(first, last).any(|a| a.facts.origin.source.is_none() || a.facts.ceremony.is_none())
    }

    /// The admissions decided from `first` to `last` (both included), counted for each chi bộ
    /// and every ancestor it had on the decision date. `case_of` tells what the case behind a
    /// member's admission says where the record does not; a ceremony outside the period counts
    /// on no occasion of `occasions`.
    pub fn admissions_by_unit(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        case_of: impl Fn(MemberId) -> CaseFacts,
        occasions: &OccasionList,
    ) -> UnitAdmissions {
        self.count_by_unit(self.admitted_between(first, last), first, last, case_of, occasions)
    }

    /// [`Index::admissions_by_unit`] over admissions already read.
    pub(super) fn count_by_unit<'a>(
        &self,
        admitted: impl IntoIterator<Item = Admitted<'a>>,
        first: NaiveDate,
        last: NaiveDate,
        case_of: impl Fn(MemberId) -> CaseFacts,
        occasions: &OccasionList,
    ) -> UnitAdmissions {
        let mut out = UnitAdmissions::default();
        for a in admitted {
            let case = case_of(a.member.id);
            let occasion = a.occasion(&case, first, last, occasions);
            let group = a.origin(&case).target_group;
            for u in self.units.ancestors_on(a.unit, a.on) {
                if let Some(id) = self.units.id(u) {
                    out.add(id, a.readmitted, group, occasion);
                }
            }
        }
        out
    }

    /// The organizations under `root` standing on `on` that admitted nobody: the grassroots
    /// committees and grassroots cells — or, when `root` is itself a grassroots organization or
    /// a sub-committee, its chi bộ — for which no admission counts. By today's structure a unit
    /// is also credited with the admissions of the units it succeeded (`on` is then today).
    /// In the order of their names.
    pub fn without_admission(&self, root: UnitId, on: NaiveDate, structure: Structure, admitted: &UnitAdmissions) -> Vec<UnitVersion> {
        let Some(root_version) = self.unit_version_on(root, on) else { return Vec::new() };
        let kinds: &[UnitKind] =
            if matches!(root_version.kind, UnitKind::GrassrootsCommittee | UnitKind::GrassrootsCell | UnitKind::SubCommittee) {
                &[UnitKind::Cell, UnitKind::GrassrootsCell]
            } else {
                &[UnitKind::GrassrootsCommittee, UnitKind::GrassrootsCell]
            };
        let mut credited = vec![false; self.units.ids.len()];
        for unit in admitted.counts.keys() {
            let Some(&u) = self.units.pos.get(unit) else { continue };
            let at = match structure {
                Structure::OfDate => Some(u),
                Structure::Current => self.units.successor_on(u, on),
            };
            if let Some(mark) = at.and_then(|u| credited.get_mut(u as usize)) {
                *mark = true;
            }
        }
        let mut out: Vec<UnitVersion> = (0..self.units.ids.len() as u32)
            .zip(self.units.subtree(root, on))
            .filter(|(u, inside)| *inside && !marked(&credited, *u))
            .filter_map(|(u, _)| self.units.version_on(u, on))
            .filter(|v| kinds.contains(&v.kind))
            .cloned()
            .collect();
        out.sort_by_cached_key(|v| domain::text::collation_key(&v.name));
        out
    }
}

impl Index {
    /// The latest admission or readmission decided into each unit's subtree, ever: the chi bộ
    /// and every ancestor it had on the decision's day.
    pub fn last_admissions(&self) -> HashMap<UnitId, NaiveDate> {
        let mut out: HashMap<UnitId, NaiveDate> = HashMap::new();
        for a in self.admitted_between(NaiveDate::MIN, NaiveDate::MAX) {
            for u in self.units.ancestors_on(a.unit, a.on) {
                if let Some(id) = self.units.id(u) {
                    let e = out.entry(id).or_insert(a.on);
                    *e = (*e).max(a.on);
                }
            }
        }
        out
    }
}
