//! Membership statistics over derived histories: who is on a unit's list on a date, and the
//! movements of a period that explain the difference (reports.md §2.1, form 1-BTCTW).
//!
//! A member is on the list of unit R on day D when their span on D is active (probationary,
//! official, exempt) in a chi bộ that lies within R **as the tree stood on D** ([`on_list`]).
//! A movement report for the period P1..P2 (both days included) starts from the list on the day
//! before P1 and ends with the list on P2. Every change of "on the list of R" between those two
//! days is one [`Flow`], in or out, so for every unit
//!
//! `count(P1 − 1) + inflows − outflows = count(P2)`
//!
//! holds by construction, including members in transit (a member transferred out is off every
//! list until received) and units moved, merged or split inside the period (a member carried out
//! of R by a reorganization is an outflow of kind [`FlowKind::Reorganization`]).
//!
//! Pure: the caller supplies each member's [`History`], the unit facts, and the dates on which
//! the tree changed (unit versions and ancestry), since a flow can happen on a day when nothing
//! happened to the member.

use chrono::NaiveDate;
use serde::Serialize;

use crate::event::{EventKind, TransferMode, UnitRef};
use crate::history::{History, Status, UnitFacts};
use crate::ids::UnitId;

/// Why a member came onto or left a unit's list (rows B and C of 1-BTCTW).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowKind {
    /// B1: kết nạp.
    Admitted,
    /// B1, of which: kết nạp lại.
    Readmitted,
    /// B2a: from another province (an organization outside the register).
    TransferredInFromOutside,
    /// B2b: from another unit of the register (a transfer received, or a reassignment).
    TransferredInWithin,
    /// C1: từ trần.
    Died,
    /// C2: khai trừ.
    Expelled,
    /// C3: xóa tên.
    StruckOff,
    /// C4: xin ra khỏi Đảng.
    Exited,
    /// C5a: to another province.
    TransferredOutToOutside,
    /// C5b: to another unit of the register (in transit until received, or a reassignment).
    TransferredOutWithin,
    /// The member's chi bộ moved into or out of the unit (merger, split, move): no member event.
    Reorganization,
}

impl FlowKind {
    pub fn label(self) -> &'static str {
        match self {
            FlowKind::Admitted => "Kết nạp",
            FlowKind::Readmitted => "Kết nạp lại",
            FlowKind::TransferredInFromOutside => "Chuyển đến từ tỉnh, thành khác",
            FlowKind::TransferredInWithin => "Chuyển đến từ đơn vị khác trong tỉnh",
            FlowKind::Died => "Từ trần",
            FlowKind::Expelled => "Khai trừ",
            FlowKind::StruckOff => "Xóa tên",
            FlowKind::Exited => "Xin ra khỏi Đảng",
            FlowKind::TransferredOutToOutside => "Chuyển đi tỉnh, thành khác",
            FlowKind::TransferredOutWithin => "Chuyển đi đơn vị khác trong tỉnh",
            FlowKind::Reorganization => "Do sắp xếp tổ chức",
        }
    }
}

/// One change of a member's presence on a unit's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Flow {
    /// The first day the change holds.
    pub on: NaiveDate,
    /// Onto the list (true) or off it.
    pub inflow: bool,
    pub kind: FlowKind,
    /// The member's status on the list on the day before (outflow) or on the day (inflow).
    pub status: Status,
}

/// The member's status on the list of `root` on `on`: active in a chi bộ within `root` as the
/// tree stood that day. `None`: not on that list.
pub fn on_list(h: &History, units: &dyn UnitFacts, root: UnitId, on: NaiveDate) -> Option<Status> {
    let span = h.span_on(on)?;
    if !span.status.is_active() {
        return None;
    }
    let UnitRef::Internal(unit) = span.unit else { return None };
    units.is_within(unit, root, on).then_some(span.status)
}

/// Every change of the member's presence on the list of `root` from `first` to `last` (both
/// included): the flows of a movement report over that period. `tree_changes` are the days the
/// tree changed (sorted or not; only those inside the period matter).
pub fn flows(h: &History, units: &dyn UnitFacts, root: UnitId, first: NaiveDate, last: NaiveDate, tree_changes: &[NaiveDate]) -> Vec<Flow> {
    let Some(before_first) = first.pred_opt() else { return Vec::new() };
    if last < first {
        return Vec::new();
    }
    let mut days: Vec<NaiveDate> = h
        .spans
        .iter()
        .flat_map(|s| std::iter::once(s.from).chain(s.to))
        .chain(tree_changes.iter().copied())
        .filter(|d| *d >= first && *d <= last)
        .collect();
    days.sort_unstable();
    days.dedup();
    let mut out = Vec::new();
    let mut previous = on_list(h, units, root, before_first);
    for day in days {
        let now = on_list(h, units, root, day);
        match (previous, now) {
            (Some(status), None) => out.push(Flow { on: day, inflow: false, kind: out_kind(h, day), status }),
            (None, Some(status)) => out.push(Flow { on: day, inflow: true, kind: in_kind(h, day), status }),
            _ => {}
        }
        previous = now;
    }
    out
}

/// The member's own event that takes effect on `day` and changes where they stand (the last one
/// recorded, as in the derivation).
fn event_on(h: &History, day: NaiveDate) -> Option<&EventKind> {
    h.effective.iter().rev().filter(|(_, e)| e.effective == day).map(|(_, e)| &e.kind).find(|k| {
        !matches!(
            k,
            EventKind::TransferredOut { mode: TransferMode::Temporary, .. }
                | EventKind::TransferredIn { mode: TransferMode::Temporary, .. }
        )
    })
}

fn in_kind(h: &History, day: NaiveDate) -> FlowKind {
    match event_on(h, day) {
        Some(EventKind::Admitted { .. }) => FlowKind::Admitted,
        Some(EventKind::Readmitted { .. }) => FlowKind::Readmitted,
        Some(EventKind::TransferredIn { .. }) => {
            // Received from transit inside the register, or arriving from outside it.
            let came_from_inside =
                h.spans.iter().rev().find(|s| s.to == Some(day)).is_some_and(|s| {
                    s.status == Status::TransferredOut && matches!(s.unit, UnitRef::Internal(_)) && !left_register(h, s.from)
                });
            if came_from_inside { FlowKind::TransferredInWithin } else { FlowKind::TransferredInFromOutside }
        }
        Some(EventKind::Reassigned { .. }) => FlowKind::TransferredInWithin,
        _ => FlowKind::Reorganization,
    }
}

/// Whether the transfer out that started on `day` went to an organization outside the register.
fn left_register(h: &History, day: NaiveDate) -> bool {
    h.effective.iter().any(|(_, e)| {
        e.effective == day && matches!(&e.kind, EventKind::TransferredOut { mode: TransferMode::Official, to: UnitRef::External(_), .. })
    })
}

fn out_kind(h: &History, day: NaiveDate) -> FlowKind {
    match event_on(h, day) {
        Some(EventKind::Died) => FlowKind::Died,
        Some(EventKind::Expelled) => FlowKind::Expelled,
        Some(EventKind::StruckOff { .. }) => FlowKind::StruckOff,
        Some(EventKind::Exited { .. }) => FlowKind::Exited,
        Some(EventKind::TransferredOut { to: UnitRef::External(_), .. }) => FlowKind::TransferredOutToOutside,
        Some(EventKind::TransferredOut { .. } | EventKind::Reassigned { .. } | EventKind::TransferredIn { .. }) => {
            FlowKind::TransferredOutWithin
        }
        _ => FlowKind::Reorganization,
    }
}

// ---------------------------------------------------------------------------------------------
// Counts on a date, in the breakdowns of the official forms (reports.md §5)
// ---------------------------------------------------------------------------------------------

/// Age bands by their upper bounds, in full years counted by month on the report date; the last
/// band is "over the last bound". Default: 18–30, 31–35, 36–40, 41–45, 46–50, 51–55, 56–60, > 60
/// (reports.md §5 "Age bands").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgeBands {
    upper: Vec<u32>,
}

impl Default for AgeBands {
    fn default() -> Self {
        AgeBands { upper: vec![30, 35, 40, 45, 50, 55, 60] }
    }
}

impl AgeBands {
    /// Upper bounds separated by commas (`30,35,40,45,50,55,60`): strictly increasing, from 18 to 100.
    pub fn parse(input: &str) -> Result<AgeBands, crate::error::FieldError> {
        let err = |m: &str| crate::error::FieldError::new("age_bands", "invalid", m.to_owned());
        let mut upper = Vec::new();
        for part in input.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let v: u32 = part.parse().map_err(|_| err("Các mốc tuổi phải là số nguyên, cách nhau bởi dấu phẩy (ví dụ 30,35,40)."))?;
            if !(18..=100).contains(&v) {
                return Err(err("Mốc tuổi phải trong khoảng 18–100."));
            }
            if upper.last().is_some_and(|last| *last >= v) {
                return Err(err("Các mốc tuổi phải tăng dần."));
            }
            upper.push(v);
        }
        if upper.is_empty() || upper.len() > 20 {
            return Err(err("Nhập từ 1 đến 20 mốc tuổi."));
        }
        Ok(AgeBands { upper })
    }

    /// The band labels: `18–30`, `31–35`, …, `Trên 60` (the first band starts at the minimum
    /// admission age).
    pub fn labels(&self) -> Vec<String> {
        let mut out = Vec::with_capacity(self.upper.len() + 1);
        let mut low = 18;
        for u in &self.upper {
            out.push(format!("{low}–{u}"));
            low = u + 1;
        }
        out.push(format!("Trên {}", self.upper.last().copied().unwrap_or(60)));
        out
    }

    /// The band of an age in full years.
    pub fn band(&self, years: u32) -> usize {
        self.upper.iter().position(|u| years <= *u).unwrap_or(self.upper.len())
    }

    pub fn len(&self) -> usize {
        self.upper.len() + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Party age thresholds in years: the badge milestones 30, 40, 45, 50 … 90 (reports.md §5 "Party
/// age"; rules.md §6). A member counts under every threshold they reach ("từ 30 năm trở lên").
pub const PARTY_AGE_THRESHOLDS: [u32; 12] = [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90];

/// The dated attributes the breakdowns read (a compact part of [`crate::member::Profile`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileFacts {
    pub general_education: crate::member::GeneralEducation,
    pub professional: crate::member::Professional,
    pub political_theory: crate::member::PoliticalTheory,
    pub occupation: crate::member::OccupationGroup,
    pub youth_union: bool,
}

impl From<&crate::member::Profile> for ProfileFacts {
    fn from(p: &crate::member::Profile) -> Self {
        ProfileFacts {
            general_education: p.general_education,
            professional: p.professional,
            political_theory: p.political_theory,
            occupation: p.occupation,
            youth_union: p.youth_union,
        }
    }
}

/// What the counts need to know about one member on the report date.
#[derive(Debug, Clone, Copy)]
pub struct MemberFacts<'a> {
    pub status: Status,
    pub gender: crate::member::Gender,
    pub birth_date: NaiveDate,
    pub ethnicity: crate::member::Ethnicity,
    pub religion: crate::member::Religion,
    /// The profile in force on the date, if recorded.
    pub profile: Option<&'a ProfileFacts>,
    /// Party age in full months on the date.
    pub party_age_months: Option<u32>,
}

/// Counts of members on a list on a date, in every breakdown of the official forms. Each vector
/// is indexed like the `ALL` list of its code list (or the age bands).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    pub total: u64,
    pub probationary: u64,
    pub official: u64,
    pub exempt: u64,
    pub women: u64,
    pub ethnic_minority: u64,
    pub religious: u64,
    pub youth_union: u64,
    pub age: Vec<u64>,
    /// Sum of ages in full months (for the average).
    pub age_months_sum: u64,
    pub party_age: [u64; PARTY_AGE_THRESHOLDS.len()],
    pub general_education: Vec<u64>,
    pub professional: Vec<u64>,
    pub political_theory: Vec<u64>,
    pub occupation: Vec<u64>,
    pub religion: Vec<u64>,
    /// Members whose profile on the date is unknown (not counted in the profile breakdowns).
    pub no_profile: u64,
}

/// The index of a code-list value in its `ALL` list: the variants are declared in that order
/// (`code_list!`), so the discriminant is the position (checked by a test).
fn position<T: Copy + Into<usize>>(v: T) -> usize {
    v.into()
}

impl Breakdown {
    pub fn new(bands: &AgeBands) -> Self {
        use crate::member::{GeneralEducation, OccupationGroup, PoliticalTheory, Professional, Religion};
        Breakdown {
            total: 0,
            probationary: 0,
            official: 0,
            exempt: 0,
            women: 0,
            ethnic_minority: 0,
            religious: 0,
            youth_union: 0,
            age: vec![0; bands.len()],
            age_months_sum: 0,
            party_age: [0; PARTY_AGE_THRESHOLDS.len()],
            general_education: vec![0; GeneralEducation::ALL.len()],
            professional: vec![0; Professional::ALL.len()],
            political_theory: vec![0; PoliticalTheory::ALL.len()],
            occupation: vec![0; OccupationGroup::ALL.len()],
            religion: vec![0; Religion::ALL.len()],
            no_profile: 0,
        }
    }

    /// Counts one member on the list on `on`.
    pub fn add(&mut self, m: &MemberFacts, on: NaiveDate, bands: &AgeBands) {
        use crate::member::{Gender, Religion};
        self.total += 1;
        match m.status {
            Status::Probationary => self.probationary += 1,
            Status::Exempt => self.exempt += 1,
            _ => self.official += 1,
        }
        self.women += u64::from(m.gender == Gender::Female);
        self.ethnic_minority += u64::from(m.ethnicity.is_minority());
        self.religious += u64::from(m.religion != Religion::None);
        self.religion[position(m.religion)] += 1;
        let months = crate::dates::full_months_between(m.birth_date, on);
        self.age_months_sum += u64::from(months);
        self.age[bands.band(months / 12)] += 1;
        if let Some(pa) = m.party_age_months {
            for (i, t) in PARTY_AGE_THRESHOLDS.iter().enumerate() {
                if pa >= t * 12 {
                    self.party_age[i] += 1;
                }
            }
        }
        match m.profile {
            None => self.no_profile += 1,
            Some(p) => {
                self.youth_union += u64::from(p.youth_union);
                self.general_education[position(p.general_education)] += 1;
                self.professional[position(p.professional)] += 1;
                self.political_theory[position(p.political_theory)] += 1;
                self.occupation[position(p.occupation)] += 1;
            }
        }
    }

    /// Adds another breakdown (of a sub-unit) to this one.
    pub fn merge(&mut self, o: &Breakdown) {
        fn add_all(a: &mut [u64], b: &[u64]) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        self.total += o.total;
        self.probationary += o.probationary;
        self.official += o.official;
        self.exempt += o.exempt;
        self.women += o.women;
        self.ethnic_minority += o.ethnic_minority;
        self.religious += o.religious;
        self.youth_union += o.youth_union;
        self.age_months_sum += o.age_months_sum;
        self.no_profile += o.no_profile;
        add_all(&mut self.age, &o.age);
        add_all(&mut self.party_age, &o.party_age);
        add_all(&mut self.general_education, &o.general_education);
        add_all(&mut self.professional, &o.professional);
        add_all(&mut self.political_theory, &o.political_theory);
        add_all(&mut self.occupation, &o.occupation);
        add_all(&mut self.religion, &o.religion);
    }

    /// Average age in years with one decimal (reports.md §5: age by month on the report date).
    pub fn average_age(&self) -> Option<f64> {
        (self.total > 0).then(|| (self.age_months_sum as f64 / self.total as f64 / 12.0 * 10.0).round() / 10.0)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
