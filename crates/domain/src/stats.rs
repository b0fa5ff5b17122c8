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

use crate::event::UnitRef;
mod origins;

pub use crate::history::{FlowKind, SpanCause};
use crate::history::{History, Status, UnitFacts};
use crate::ids::UnitId;
pub use origins::OriginTally;

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

/// The kind of a flow on `day`: the cause recorded at the member's span boundary that day, or
/// [`FlowKind::Reorganization`] when the member's own record did not change that day (the tree
/// did). `spans` are `(from, to, cause)` in order.
pub fn flow_kind_on(
    spans: impl Iterator<Item = (NaiveDate, Option<NaiveDate>, SpanCause)> + Clone,
    day: NaiveDate,
    inflow: bool,
) -> FlowKind {
    let found = if inflow {
        spans.clone().find(|(from, _, _)| *from == day).map(|(_, _, c)| c.entered)
    } else {
        spans.clone().find(|(_, to, _)| *to == Some(day)).and_then(|(_, _, c)| c.left)
    };
    found.unwrap_or(FlowKind::Reorganization)
}

/// Every change of the member's presence on the list of `root` from `first` to `last` (both
/// included): the flows of a movement report over that period. `tree_changes` are the days the
/// tree changed (sorted or not; only those inside the period matter).
pub fn flows(h: &History, units: &dyn UnitFacts, root: UnitId, first: NaiveDate, last: NaiveDate, tree_changes: &[NaiveDate]) -> Vec<Flow> {
    let spans = h.spans.iter().map(|s| (s.from, s.to, s.cause));
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
            (Some(status), None) => out.push(Flow { on: day, inflow: false, kind: flow_kind_on(spans.clone(), day, false), status }),
            (None, Some(status)) => out.push(Flow { on: day, inflow: true, kind: flow_kind_on(spans.clone(), day, true), status }),
            _ => {}
        }
        previous = now;
    }
    out
}

/// Which structure of the tree a report's rows follow (issue: "structure of which date").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Structure {
    /// The tree as it stood on each day counted: a member counts where their chi bộ stood then.
    #[default]
    OfDate,
    /// Today's tree: units dissolved since are regrouped into their successors (merges and
    /// splits; a split unit goes to its first successor), units moved since count where they
    /// stand today. Members of units dissolved with no successor get a row of their own.
    Current,
}

impl Structure {
    pub fn code(self) -> &'static str {
        match self {
            Structure::OfDate => "of_date",
            Structure::Current => "current",
        }
    }

    pub fn parse(input: &str) -> Result<Structure, crate::error::FieldError> {
        match input.trim() {
            "" | "of_date" => Ok(Structure::OfDate),
            "current" => Ok(Structure::Current),
            _ => Err(crate::error::FieldError::new(
                "structure",
                "invalid",
                "Cơ cấu tổ chức phải là of_date (tại ngày báo cáo) hoặc current (hiện nay).".to_owned(),
            )),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Structure::OfDate => "Theo cơ cấu tổ chức tại thời điểm báo cáo",
            Structure::Current => "Theo cơ cấu tổ chức hiện nay (tổ chức đã sáp nhập, chia tách, giải thể được gộp vào tổ chức kế thừa)",
        }
    }
}

/// The movement report of one unit over a period (form 1-BTCTW, reports.md §2.1): the list at
/// the start (A, the day before the period), the flows in (B) and out (C) by kind, the list at the
/// end (D), and the "of which" lines that do not change the list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Movement {
    /// A: on the list the day before the period.
    pub start: u64,
    /// D: on the list on the last day.
    pub end: u64,
    /// B: inflows by kind, indexed like [`FlowKind::ALL`].
    pub inflows: [u64; 11],
    /// C: outflows by kind, indexed like [`FlowKind::ALL`].
    pub outflows: [u64; 11],
    /// C3, of which probationary members.
    pub struck_off_probationary: u64,
    /// Probationary members recognized as official during the period (on the list that day).
    pub recognized: u64,
    /// Members of the list who began temporary activity elsewhere during the period.
    pub temporary_out: u64,
    /// Members of other lists who began temporary activity here during the period.
    pub temporary_in: u64,
}

impl Movement {
    pub fn add(&mut self, f: &Flow) {
        let k = FlowKind::ALL.iter().position(|x| *x == f.kind).unwrap_or(FlowKind::ALL.len() - 1);
        if f.inflow {
            self.inflows[k] += 1;
        } else {
            self.outflows[k] += 1;
            if f.kind == FlowKind::StruckOff && f.status == Status::Probationary {
                self.struck_off_probationary += 1;
            }
        }
    }

    pub fn inflow_total(&self) -> u64 {
        self.inflows.iter().sum()
    }

    pub fn outflow_total(&self) -> u64 {
        self.outflows.iter().sum()
    }

    /// `A + B − C = D`.
    pub fn balances(&self) -> bool {
        self.start + self.inflow_total() == self.end + self.outflow_total()
    }

    pub fn inflow(&self, kind: FlowKind) -> u64 {
        FlowKind::ALL.iter().position(|x| *x == kind).map_or(0, |k| self.inflows[k])
    }

    pub fn outflow(&self, kind: FlowKind) -> u64 {
        FlowKind::ALL.iter().position(|x| *x == kind).map_or(0, |k| self.outflows[k])
    }

    /// The lines of form 1-BTCTW (reports.md §2.1) with this report's figures: (row, label,
    /// value). Reorganization lines and the "besides" lines (which do not change the list)
    /// follow the form's rows.
    pub fn form_lines(&self) -> Vec<(&'static str, &'static str, u64)> {
        use FlowKind as K;
        let transferred_in = self.inflow(K::TransferredInFromOutside) + self.inflow(K::TransferredInWithin);
        let transferred_out = self.outflow(K::TransferredOutToOutside) + self.outflow(K::TransferredOutWithin);
        vec![
            ("A", "Đảng viên đầu kỳ (ngày trước ngày đầu kỳ)", self.start),
            ("B", "Tăng trong kỳ", self.inflow_total()),
            ("B1", "Kết nạp", self.inflow(K::Admitted) + self.inflow(K::Readmitted)),
            ("", "trong đó: kết nạp lại", self.inflow(K::Readmitted)),
            ("B2", "Chuyển đến", transferred_in),
            ("B2a", "từ tỉnh, thành khác", self.inflow(K::TransferredInFromOutside)),
            ("B2b", "từ đơn vị khác trong tỉnh", self.inflow(K::TransferredInWithin)),
            ("B3", "Do sắp xếp tổ chức (tổ chức chuyển đến, hợp nhất, sáp nhập)", self.inflow(K::Reorganization)),
            ("C", "Giảm trong kỳ", self.outflow_total()),
            ("C1", "Từ trần", self.outflow(K::Died)),
            ("C2", "Khai trừ", self.outflow(K::Expelled)),
            ("C3", "Xóa tên", self.outflow(K::StruckOff)),
            ("", "trong đó: đảng viên dự bị", self.struck_off_probationary),
            ("C4", "Xin ra khỏi Đảng", self.outflow(K::Exited)),
            ("C5", "Chuyển đi", transferred_out),
            ("C5a", "đi tỉnh, thành khác", self.outflow(K::TransferredOutToOutside)),
            ("C5b", "đi đơn vị khác trong tỉnh", self.outflow(K::TransferredOutWithin)),
            ("C6", "Do sắp xếp tổ chức (tổ chức chuyển đi, chia tách, giải thể)", self.outflow(K::Reorganization)),
            ("D", "Đảng viên cuối kỳ", self.end),
            ("", "Ngoài ra: công nhận đảng viên chính thức trong kỳ", self.recognized),
            ("", "Ngoài ra: bắt đầu sinh hoạt tạm thời nơi khác", self.temporary_out),
            ("", "Ngoài ra: đến sinh hoạt tạm thời", self.temporary_in),
        ]
    }

    pub fn merge(&mut self, o: &Movement) {
        self.start += o.start;
        self.end += o.end;
        for k in 0..FlowKind::ALL.len() {
            self.inflows[k] += o.inflows[k];
            self.outflows[k] += o.outflows[k];
        }
        self.struck_off_probationary += o.struck_off_probationary;
        self.recognized += o.recognized;
        self.temporary_out += o.temporary_out;
        self.temporary_in += o.temporary_in;
    }
}

/// The party ages (full years) a `tuoi-dang:<years>` facet may name.
pub const PARTY_AGE_YEARS: std::ops::RangeInclusive<u32> = 1..=100;

/// One cell of the breakdowns, as a filter of the member list: the drill-down from a count to the
/// members behind it. Status, gender and age band have their own filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    EthnicMinority,
    Religious,
    YouthUnion,
    /// No profile recorded on the date.
    NoProfile,
    Religion(crate::member::Religion),
    GeneralEducation(crate::member::GeneralEducation),
    Professional(crate::member::Professional),
    PoliticalTheory(crate::member::PoliticalTheory),
    Occupation(crate::member::OccupationGroup),
    /// Party age of at least this many years.
    PartyAgeAtLeast(u32),
    /// College or higher (the admission report's line).
    CollegeOrHigher,
    /// Master or doctor (the admission report's line).
    Postgraduate,
}

impl Facet {
    /// Every facet a member list can be filtered by, in the order of the counts report (the API
    /// document lists their codes).
    pub fn all() -> Vec<Facet> {
        use crate::member::{GeneralEducation, OccupationGroup, PoliticalTheory, Professional, Religion};
        let mut all = vec![Facet::EthnicMinority, Facet::Religious, Facet::YouthUnion, Facet::NoProfile];
        all.extend(Religion::ALL.iter().map(|&v| Facet::Religion(v)));
        all.extend(GeneralEducation::ALL.iter().map(|&v| Facet::GeneralEducation(v)));
        all.extend(Professional::ALL.iter().map(|&v| Facet::Professional(v)));
        all.extend(PoliticalTheory::ALL.iter().map(|&v| Facet::PoliticalTheory(v)));
        all.extend(OccupationGroup::ALL.iter().map(|&v| Facet::Occupation(v)));
        all.extend(PARTY_AGE_YEARS.map(Facet::PartyAgeAtLeast));
        all.extend([Facet::CollegeOrHigher, Facet::Postgraduate]);
        all
    }

    /// `dan-toc-thieu-so`, `ton-giao`, `doan-vien`, `chua-co-thong-tin`, `ton-giao:<code>`,
    /// `gdpt:<code>`, `chuyen-mon:<code>`, `llct:<code>`, `nghe-nghiep:<code>`, `tuoi-dang:<years>`.
    pub fn code(self) -> String {
        match self {
            Facet::EthnicMinority => "dan-toc-thieu-so".into(),
            Facet::Religious => "ton-giao".into(),
            Facet::YouthUnion => "doan-vien".into(),
            Facet::NoProfile => "chua-co-thong-tin".into(),
            Facet::Religion(v) => format!("ton-giao:{}", v.code()),
            Facet::GeneralEducation(v) => format!("gdpt:{}", v.code()),
            Facet::Professional(v) => format!("chuyen-mon:{}", v.code()),
            Facet::PoliticalTheory(v) => format!("llct:{}", v.code()),
            Facet::Occupation(v) => format!("nghe-nghiep:{}", v.code()),
            Facet::PartyAgeAtLeast(y) => format!("tuoi-dang:{y}"),
            Facet::CollegeOrHigher => "cao-dang-tro-len".into(),
            Facet::Postgraduate => "sau-dai-hoc".into(),
        }
    }

    pub fn parse(input: &str) -> Result<Facet, crate::error::FieldError> {
        use crate::member::{GeneralEducation, OccupationGroup, PoliticalTheory, Professional, Religion};
        let bad = || crate::error::FieldError::new("facet", "invalid", "Tiêu chí lọc không hợp lệ.".to_owned());
        let input = input.trim();
        Ok(match input.split_once(':') {
            None => match input {
                "dan-toc-thieu-so" => Facet::EthnicMinority,
                "ton-giao" => Facet::Religious,
                "doan-vien" => Facet::YouthUnion,
                "chua-co-thong-tin" => Facet::NoProfile,
                "cao-dang-tro-len" => Facet::CollegeOrHigher,
                "sau-dai-hoc" => Facet::Postgraduate,
                _ => return Err(bad()),
            },
            Some(("ton-giao", c)) => Facet::Religion(Religion::parse(c).map_err(|_| bad())?),
            Some(("gdpt", c)) => Facet::GeneralEducation(GeneralEducation::parse(c).map_err(|_| bad())?),
            Some(("chuyen-mon", c)) => Facet::Professional(Professional::parse(c).map_err(|_| bad())?),
            Some(("llct", c)) => Facet::PoliticalTheory(PoliticalTheory::parse(c).map_err(|_| bad())?),
            Some(("nghe-nghiep", c)) => Facet::Occupation(OccupationGroup::parse(c).map_err(|_| bad())?),
            Some(("tuoi-dang", y)) => match y.parse::<u32>() {
                Ok(y) if PARTY_AGE_YEARS.contains(&y) => Facet::PartyAgeAtLeast(y),
                _ => return Err(bad()),
            },
            Some(_) => return Err(bad()),
        })
    }

    /// What the filter shows, in Vietnamese.
    pub fn label(self) -> String {
        match self {
            Facet::EthnicMinority => "Dân tộc thiểu số".into(),
            Facet::Religious => "Có tôn giáo".into(),
            Facet::YouthUnion => "Đoàn viên Đoàn TNCS Hồ Chí Minh".into(),
            Facet::NoProfile => "Chưa có thông tin trình độ".into(),
            Facet::Religion(v) => format!("Tôn giáo: {}", v.label()),
            Facet::GeneralEducation(v) => format!("Giáo dục phổ thông: {}", v.label()),
            Facet::Professional(v) => format!("Chuyên môn: {}", v.label()),
            Facet::PoliticalTheory(v) => format!("Lý luận chính trị: {}", v.label()),
            Facet::Occupation(v) => format!("Nghề nghiệp: {}", v.label()),
            Facet::PartyAgeAtLeast(y) => format!("Tuổi đảng từ {y} năm trở lên"),
            Facet::CollegeOrHigher => "Trình độ cao đẳng trở lên".into(),
            Facet::Postgraduate => "Trình độ sau đại học".into(),
        }
    }

    /// Whether a member on the list is counted in this cell by [`Breakdown::add`].
    pub fn holds(self, m: &MemberFacts) -> bool {
        match self {
            Facet::EthnicMinority => m.ethnicity.is_minority(),
            Facet::Religious => m.religion != crate::member::Religion::None,
            Facet::Religion(r) => m.religion == r,
            Facet::PartyAgeAtLeast(y) => m.party_age_months.is_some_and(|pa| pa >= y * 12),
            Facet::NoProfile => m.profile.is_none(),
            Facet::YouthUnion => m.profile.is_some_and(|p| p.youth_union),
            Facet::GeneralEducation(v) => m.profile.is_some_and(|p| p.general_education == v),
            Facet::Professional(v) => m.profile.is_some_and(|p| p.professional == v),
            Facet::PoliticalTheory(v) => m.profile.is_some_and(|p| p.political_theory == v),
            Facet::Occupation(v) => m.profile.is_some_and(|p| p.occupation == v),
            Facet::CollegeOrHigher => m.profile.is_some_and(|p| p.professional.is_college_or_higher()),
            Facet::Postgraduate => m.profile.is_some_and(|p| p.professional.is_postgraduate()),
        }
    }
}

/// A member-list filter as (parameter, value), e.g. `("facet", "doan-vien")`.
pub type ListFilter = (&'static str, String);

/// The members admitted in a period, in the breakdown committees publish (form 2-BTCTW,
/// reports.md §2.2): of which readmitted, women, ethnic minority, religious believers, Youth Union
/// members, aged 18–30 (the form's first age band), college or higher, postgraduate. Each
/// attribute is read on the admission date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdmissionTally {
    pub admitted: u64,
    pub readmitted: u64,
    pub women: u64,
    pub ethnic_minority: u64,
    pub religious: u64,
    pub youth_union: u64,
    /// Aged 30 or less in full years (counted by month) on the admission date.
    pub up_to_30: u64,
    pub college_or_higher: u64,
    pub postgraduate: u64,
    /// Admitted with no profile recorded on the date (not in the profile columns).
    pub no_profile: u64,
}

impl AdmissionTally {
    /// Counts one admission (or readmission) on `on`.
    pub fn add(&mut self, m: &MemberFacts, on: NaiveDate, readmitted: bool) {
        self.admitted += 1;
        self.readmitted += u64::from(readmitted);
        self.women += u64::from(m.gender == crate::member::Gender::Female);
        self.ethnic_minority += u64::from(m.ethnicity.is_minority());
        self.religious += u64::from(m.religion != crate::member::Religion::None);
        self.up_to_30 += u64::from(crate::dates::full_months_between(m.birth_date, on) / 12 <= 30);
        match m.profile {
            None => self.no_profile += 1,
            Some(p) => {
                self.youth_union += u64::from(p.youth_union);
                self.college_or_higher += u64::from(p.professional.is_college_or_higher());
                self.postgraduate += u64::from(p.professional.is_postgraduate());
            }
        }
    }

    pub fn merge(&mut self, o: &AdmissionTally) {
        self.admitted += o.admitted;
        self.readmitted += o.readmitted;
        self.women += o.women;
        self.ethnic_minority += o.ethnic_minority;
        self.religious += o.religious;
        self.youth_union += o.youth_union;
        self.up_to_30 += o.up_to_30;
        self.college_or_higher += o.college_or_higher;
        self.postgraduate += o.postgraduate;
        self.no_profile += o.no_profile;
    }

    /// The published lines: (label, count), each a share of `admitted`.
    pub fn lines(&self) -> Vec<(&'static str, u64)> {
        self.lines_with_filters().into_iter().map(|(l, n, _)| (l, n)).collect()
    }

    /// [`AdmissionTally::lines`] with, for each, the filter of the admitted members behind it:
    /// (parameter, value) of the member list, read on the admission date.
    pub fn lines_with_filters(&self) -> Vec<(&'static str, u64, Option<ListFilter>)> {
        vec![
            ("Kết nạp lại", self.readmitted, None),
            ("Nữ", self.women, Some(("gender", "nu".into()))),
            ("Dân tộc thiểu số", self.ethnic_minority, Some(("facet", Facet::EthnicMinority.code()))),
            ("Có tôn giáo", self.religious, Some(("facet", Facet::Religious.code()))),
            ("Đoàn viên Đoàn TNCS Hồ Chí Minh", self.youth_union, Some(("facet", Facet::YouthUnion.code()))),
            ("Từ 18 đến 30 tuổi", self.up_to_30, Some(("age", "18-30".into()))),
            ("Trình độ cao đẳng trở lên", self.college_or_higher, Some(("facet", Facet::CollegeOrHigher.code()))),
            ("Trình độ sau đại học", self.postgraduate, Some(("facet", Facet::Postgraduate.code()))),
        ]
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

/// The upper bounds [`AgeBands`] may name.
pub const AGE_BAND_BOUNDS: std::ops::RangeInclusive<u32> = 18..=100;

impl AgeBands {
    /// Upper bounds separated by commas (`30,35,40,45,50,55,60`): strictly increasing, from 18 to 100.
    pub fn parse(input: &str) -> Result<AgeBands, crate::error::FieldError> {
        // The shape (1 to 20 whole numbers) is an `invalid_format` and a number outside 18–100
        // `out_of_range`, as the API document's pattern says; bounds not increasing are
        // `out_of_order`, a rule the pattern cannot say.
        let err = |code: &'static str, m: &str| crate::error::FieldError::new("age_bands", code, m.to_owned());
        let mut upper = Vec::new();
        for part in input.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let v: u32 = part
                .parse()
                .map_err(|_| err("invalid_format", "Các mốc tuổi phải là số nguyên, cách nhau bởi dấu phẩy (ví dụ 30,35,40)."))?;
            upper.push(v);
        }
        if upper.is_empty() || upper.len() > 20 {
            return Err(err("invalid_format", "Nhập từ 1 đến 20 mốc tuổi."));
        }
        if upper.iter().any(|v| !AGE_BAND_BOUNDS.contains(v)) {
            return Err(err("out_of_range", "Mốc tuổi phải trong khoảng 18–100."));
        }
        if upper.windows(2).any(|w| w[0] >= w[1]) {
            return Err(err("out_of_order", "Các mốc tuổi phải tăng dần."));
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

/// The upper bounds as [`AgeBands::parse`] reads them: `30,35,40,45,50,55,60`.
impl std::fmt::Display for AgeBands {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bounds: Vec<String> = self.upper.iter().map(u32::to_string).collect();
        f.write_str(&bounds.join(","))
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
