//! From a member's events to membership spans: `(unit, status, [from, to))`, plus the problems if
//! the events are impossible (model.md "Members and their history", "Invariants").
//!
//! [`derive`] is a pure function: storage persists its spans for queries, but they can always be
//! recomputed from the events. Every rule it enforces names its source.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::code_list;
use crate::dates::{add_months, format_vn, full_months_between};
use crate::event::{Entry, EventData, EventKind, RecordedEvent, StrikeOffReason, TransferMode, UnitRef};
use crate::ids::{EventId, UnitId};
use crate::unit::{ClosureRow, UnitVersion};

mod cause;
mod next;
pub use cause::{AdmissionFacts, FlowKind, SpanCause};

code_list!(
    /// A member's status on a day.
    Status, "Tình trạng", {
        Probationary = ("du-bi", "Đảng viên dự bị"),
        Official = ("chinh-thuc", "Đảng viên chính thức"),
        Exempt = ("mien-sinh-hoat", "Miễn công tác và sinh hoạt"),
        TransferredOut = ("da-chuyen-di", "Đã chuyển sinh hoạt đi"),
        StruckOff = ("xoa-ten", "Đã xóa tên"),
        Exited = ("ra-khoi-dang", "Đã ra khỏi Đảng"),
        Expelled = ("khai-tru", "Đã bị khai trừ"),
        Deceased = ("tu-tran", "Đã từ trần"),
    }
);

impl Status {
    /// Counted on the register of a unit (probationary, official, exempt).
    pub fn is_active(self) -> bool {
        matches!(self, Status::Probationary | Status::Official | Status::Exempt)
    }
}

/// One span of a member's history. For active statuses `unit` is where the member belongs; for
/// "transferred out" it is the unit left (the member is in transit or gone elsewhere); for the
/// other statuses it is the last unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Span {
    pub unit: UnitRef,
    pub status: Status,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    /// Why the span began and ended, as movement reports count it: stored next to the span, not
    /// part of what the member's record shows.
    #[serde(skip)]
    pub cause: SpanCause,
}

impl Span {
    pub fn covers(&self, on: NaiveDate) -> bool {
        self.from <= on && self.to.is_none_or(|t| on < t)
    }
}

/// A period of temporary party activity away from the home chi bộ (rules.md §4 "Temporary transfer").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemporarySpan {
    pub at: UnitRef,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// Why a history is impossible, in Vietnamese, pointing at the event concerned when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    pub event: Option<EventId>,
    pub code: &'static str,
    pub message: String,
}

/// What [`derive`] returns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct History {
    pub spans: Vec<Span>,
    pub temporary: Vec<TemporarySpan>,
    /// The events in force after corrections, in the order they apply.
    pub effective: Vec<(EventId, EventData)>,
    /// Where the member is bound while a transfer out waits for the receiving side (the last
    /// span is "transferred out" and open).
    pub in_transit_to: Option<UnitRef>,
    /// Each probation, oldest first: an admission (or readmission) with its ceremony and recognition.
    pub probations: Vec<Probation>,
    pub problems: Vec<Problem>,
}

/// One probation (thời kỳ dự bị): the admission decision, the ceremony that starts the 12 months
/// (Charter art. 5 §1 — rules.md §3) and the recognition that ended it, each once recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Probation {
    /// Date of the admission (or readmission) decision: party age runs from it (art. 5 §4).
    pub decided: NaiveDate,
    /// Date the chi bộ held the admission ceremony; `None` until it is recorded.
    pub ceremony: Option<NaiveDate>,
    /// The recognition, once recorded.
    pub recognized: Option<Recognition>,
}

/// The event that recognized a probationary member as official, and its effective date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recognition {
    pub event: EventId,
    pub on: NaiveDate,
}

impl Probation {
    /// The day the member becomes official: exactly 12 months after the ceremony. Unknown until
    /// the ceremony is recorded (rules.md §3 "before a ceremony is recorded, no official date can
    /// be computed").
    pub fn official_due(&self) -> Option<NaiveDate> {
        self.ceremony.map(probation_end)
    }
}

impl History {
    pub fn span_on(&self, on: NaiveDate) -> Option<&Span> {
        self.spans.iter().find(|s| s.covers(on))
    }

    /// The day the status held on `on` began: the start of the run of adjoining spans with that
    /// status, so a move to another chi bộ (a new span, same status) keeps the day the member
    /// became, say, probationary. `None` when no span covers `on`.
    pub fn status_since(&self, on: NaiveDate) -> Option<NaiveDate> {
        let at = self.spans.iter().position(|s| s.covers(on))?;
        let status = self.spans[at].status;
        let mut from = self.spans[at].from;
        for earlier in self.spans[..at].iter().rev() {
            if earlier.status != status || earlier.to != Some(from) {
                break;
            }
            from = earlier.from;
        }
        Some(from)
    }

    /// Date of the first admission decision (party age starts here — rules.md §3).
    pub fn first_admission(&self) -> Option<NaiveDate> {
        self.effective.iter().find(|(_, e)| matches!(e.kind, EventKind::Admitted { .. })).map(|(_, e)| e.effective)
    }

    /// The probation under way on `on` (admitted, not yet recognized): `None` for an official
    /// member or someone outside the Party.
    pub fn probation_on(&self, on: NaiveDate) -> Option<&Probation> {
        let span = self.span_on(on)?;
        if span.status != Status::Probationary {
            return None;
        }
        self.probations.iter().rev().find(|p| p.decided <= on)
    }

    /// Date of the latest official recognition.
    pub fn official_since(&self) -> Option<NaiveDate> {
        self.effective.iter().rev().find(|(_, e)| matches!(e.kind, EventKind::RecognizedOfficial)).map(|(_, e)| e.effective)
    }

    /// Party age in full months on `on`: months from the first admission decision minus the time
    /// out of the Party (struck off, exited, expelled) — rules.md §3 "Party age".
    pub fn party_age_months(&self, on: NaiveDate) -> Option<u32> {
        party_age_months(self.first_admission()?, self.spans.iter().map(|s| (s.status, s.from, s.to)), on)
    }
}

/// Party age in full months on `on` from the first admission decision, minus the time out of the
/// Party (struck off, exited, expelled) and nothing after death — rules.md §3 "Party age". The
/// spans are (status, from, to) in order; `None` before the admission.
pub fn party_age_months(
    first_admission: NaiveDate,
    spans: impl Iterator<Item = (Status, NaiveDate, Option<NaiveDate>)> + Clone,
    on: NaiveDate,
) -> Option<u32> {
    if on < first_admission {
        return None;
    }
    let end = spans.clone().find(|s| s.0 == Status::Deceased).map_or(on, |s| s.1.min(on));
    let out: u32 = spans
        .filter(|s| matches!(s.0, Status::StruckOff | Status::Exited | Status::Expelled) && s.1 < end)
        .map(|s| full_months_between(s.1, s.2.map_or(end, |t| t.min(end))))
        .sum();
    Some(full_months_between(first_admission, end).saturating_sub(out))
}

/// What derivation needs to know about units: their versions (validity, kind) and ancestry.
pub trait UnitFacts {
    fn version_on(&self, unit: UnitId, on: NaiveDate) -> Option<&UnitVersion>;
    /// The day a unit stops existing (`None`: still exists or unknown).
    fn end_of(&self, unit: UnitId) -> Option<NaiveDate>;
    fn is_within(&self, unit: UnitId, ancestor: UnitId, on: NaiveDate) -> bool;
}

/// [`UnitFacts`] over versions and closure rows loaded for the units a history names.
#[derive(Debug, Default, Clone)]
pub struct LoadedUnits {
    pub versions: HashMap<UnitId, Vec<UnitVersion>>,
    /// Closure rows by descendant.
    pub closure: HashMap<UnitId, Vec<ClosureRow>>,
}

impl LoadedUnits {
    pub fn new(versions: HashMap<UnitId, Vec<UnitVersion>>, closure: Vec<ClosureRow>) -> Self {
        let mut by_descendant: HashMap<UnitId, Vec<ClosureRow>> = HashMap::new();
        for r in closure {
            by_descendant.entry(r.descendant).or_default().push(r);
        }
        LoadedUnits { versions, closure: by_descendant }
    }
}

impl UnitFacts for LoadedUnits {
    fn version_on(&self, unit: UnitId, on: NaiveDate) -> Option<&UnitVersion> {
        self.versions.get(&unit)?.iter().find(|v| v.covers(on))
    }

    fn end_of(&self, unit: UnitId) -> Option<NaiveDate> {
        self.versions.get(&unit)?.iter().map(|v| v.valid_to).max_by(|a, b| match (a, b) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, _) => std::cmp::Ordering::Greater,
            (_, None) => std::cmp::Ordering::Less,
            (Some(a), Some(b)) => a.cmp(b),
        })?
    }

    fn is_within(&self, unit: UnitId, ancestor: UnitId, on: NaiveDate) -> bool {
        unit == ancestor
            || self
                .closure
                .get(&unit)
                .is_some_and(|rows| rows.iter().any(|r| r.ancestor == ancestor && r.valid_from <= on && r.valid_to.is_none_or(|t| on < t)))
    }
}

/// Probation lasts 12 months and the member becomes official on the day it ends (Charter 2011
/// art. 5; 24-QĐ/TW and 294-QĐ/TW point 4.2 — rules.md §3). The exact-date check applies to
/// admissions from the day that Charter was adopted (19/01/2011); older records keep whatever
/// probation their era had (rules.md §3, "Historical probation lengths").
pub const PROBATION_MONTHS: u32 = 12;
fn exact_probation_rule_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2011, 1, 19).unwrap_or(NaiveDate::MIN)
}

/// The day 12 months of probation that began on `start` end, and the member becomes official:
/// from the ceremony, exactly 12 months later (29/02 → 28/02) — Charter art. 5 §1, rules.md §3.
/// The one place this date is computed.
pub fn probation_end(start: NaiveDate) -> NaiveDate {
    add_months(start, PROBATION_MONTHS)
}

/// Readmission only after at least 36 months out of the Party, and only once (294-QĐ/TW point
/// 3.5, same in 232-QĐ/TW — rules.md §2.4).
pub const READMISSION_MIN_MONTHS_OUT: u32 = 36;

/// The admission a member's current membership comes from: the decision's date (party age) and
/// the ceremony's (the start of probation), once recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Admission {
    decided: NaiveDate,
    ceremony: Option<NaiveDate>,
}

impl Admission {
    fn decided(on: NaiveDate) -> Self {
        Admission { decided: on, ceremony: None }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Standing {
    Never,
    Active { unit: UnitRef, probationary: bool, exempt: bool, admitted: Admission },
    InTransit { from: UnitRef, probationary: bool, exempt: bool, admitted: Admission, to: UnitRef },
    Out { status: Status, since: NaiveDate, unit: UnitRef, readmittable: bool },
    Deceased { since: NaiveDate, unit: UnitRef },
}

/// Applies corrections, orders the events and replays them; every impossible step is a problem.
pub fn derive(events: &[RecordedEvent], units: &dyn UnitFacts) -> History {
    let mut history = History { effective: effective_events(events), ..Default::default() };
    let mut standing = Standing::Never;
    let mut readmitted_before = false;
    let mut span_start: Option<NaiveDate> = None;
    let mut temp: Option<(UnitRef, NaiveDate)> = None;

    let effective = history.effective.clone();
    for (id, ev) in &effective {
        let problem = |code: &'static str, message: String| Problem { event: Some(*id), code, message };
        let date = ev.effective;
        for unit in ev.kind.units() {
            match units.version_on(unit, date) {
                None => history
                    .problems
                    .push(problem("unit_not_valid", format!("Tổ chức đảng (mã số {unit}) không tồn tại vào ngày {}.", format_vn(date)))),
                Some(v) if !v.kind.holds_members() && !is_transfer_destination(&ev.kind, unit) => history.problems.push(problem(
                    "unit_not_a_cell",
                    format!("{} là {}; đảng viên sinh hoạt ở chi bộ.", v.name, v.kind.label().to_lowercase()),
                )),
                Some(_) => {}
            }
        }
        let next = match step(&standing, ev, &mut readmitted_before, units) {
            Ok(next) => next,
            Err((code, message)) => {
                history.problems.push(problem(code, message));
                continue;
            }
        };
        match &ev.kind {
            EventKind::Admitted { .. } | EventKind::Readmitted { .. } => {
                history.probations.push(Probation { decided: date, ceremony: None, recognized: None })
            }
            EventKind::Ceremony => {
                if let Some(p) = history.probations.last_mut() {
                    p.ceremony = Some(date);
                }
            }
            EventKind::RecognizedOfficial => {
                if let Some(p) = history.probations.last_mut() {
                    p.recognized = Some(Recognition { event: *id, on: date });
                }
            }
            _ => {}
        }
        // The ceremony starts the probation's 12 months but changes neither status nor unit.
        if matches!(ev.kind, EventKind::Ceremony) {
            standing = next;
            continue;
        }
        // Temporary activity is an overlay: it never changes the status or the home unit.
        if let EventKind::TransferredOut { mode: TransferMode::Temporary, to, .. } = &ev.kind {
            if temp.is_some() {
                history.problems.push(problem("already_temporary", "Đảng viên đang sinh hoạt tạm thời ở nơi khác.".into()));
            }
            temp = Some((to.clone(), date));
            continue;
        }
        if let EventKind::TransferredIn { mode: TransferMode::Temporary, unit } = &ev.kind {
            let home = match &standing {
                Standing::Active { unit, .. } => unit.internal(),
                _ => None,
            };
            match temp.take() {
                Some((at, from)) => history.temporary.push(TemporarySpan { at, from, to: Some(date) }),
                None if home == Some(*unit) => {
                    history.problems.push(problem("not_temporary", "Đảng viên không đang sinh hoạt tạm thời ở nơi khác.".into()));
                }
                None => {}
            }
            if home != Some(*unit) {
                temp = Some((UnitRef::Internal(*unit), date));
            }
            continue;
        }
        if !matches!(next, Standing::Active { .. })
            && let Some((at, from)) = temp.take()
        {
            history.temporary.push(TemporarySpan { at, from, to: Some(date) });
        }
        if let (Some(start), Some(span)) = (span_start, span_of(&standing)) {
            close_span(&mut history.spans, &effective, span, start, date);
        }
        span_start = Some(date);
        standing = next;
    }
    if let (Some(start), Some(span)) = (span_start, span_of(&standing)) {
        let cause = SpanCause::of(&effective, &history.spans, start, None);
        history.spans.push(Span { unit: span.0, status: span.1, from: start, to: None, cause });
    }
    if let Some((at, from)) = temp {
        history.temporary.push(TemporarySpan { at, from, to: None });
    }
    if let Standing::InTransit { to, .. } = &standing {
        history.in_transit_to = Some(to.clone());
    }
    check_units_outlive_spans(&mut history, units);
    if !events.is_empty() && history.effective.is_empty() {
        // A record must stay reachable: voiding its only event would leave a record without any
        // history, which no list or search shows (nothing a user entered may become unreachable).
        history.problems.push(Problem {
            event: None,
            code: "record_emptied",
            message: "Không thể hủy sự kiện duy nhất còn hiệu lực của hồ sơ (hồ sơ sẽ không còn xem được); hãy sửa nội dung sự kiện đó thay vì hủy.".into(),
        });
    }
    history
}

/// Rules that apply to entries being recorded now, not to the history kept before them: a
/// recognition needs the ceremony on the record, since probation runs 12 months from it (Charter
/// art. 5 §1 — rules.md §3). Records kept before ceremonies were recorded keep their recognition
/// as it stands. `new` are the events being recorded (a new record's every event).
pub fn new_entry_problems(history: &History, new: &[EventId]) -> Vec<Problem> {
    history
        .probations
        .iter()
        .filter_map(|p| {
            let event = p.recognized?.event;
            (new.contains(&event) && p.ceremony.is_none() && p.decided >= exact_probation_rule_from()).then(|| Problem {
                event: Some(event),
                code: "no_ceremony",
                message: "Chưa ghi lễ kết nạp: thời kỳ dự bị 12 tháng tính từ ngày chi bộ tổ chức lễ kết nạp (Điều lệ Đảng, Điều 5 khoản 1); ghi lễ kết nạp trước khi công nhận chính thức.".into(),
            })
        })
        .collect()
}

fn is_transfer_destination(kind: &EventKind, unit: UnitId) -> bool {
    matches!(kind, EventKind::TransferredOut { to: UnitRef::Internal(t), .. } if *t == unit)
}

/// Closes the current span at `date`, with its cause; a zero-length span (two events the same
/// day) is dropped.
fn close_span(
    spans: &mut Vec<Span>,
    effective: &[(EventId, EventData)],
    (unit, status): (UnitRef, Status),
    from: NaiveDate,
    date: NaiveDate,
) {
    if from < date {
        let cause = SpanCause::of(effective, spans, from, Some(date));
        spans.push(Span { unit, status, from, to: Some(date), cause });
    }
}

fn span_of(s: &Standing) -> Option<(UnitRef, Status)> {
    match s {
        Standing::Never => None,
        Standing::Active { unit, probationary, exempt, .. } => {
            let status = if *exempt {
                Status::Exempt
            } else if *probationary {
                Status::Probationary
            } else {
                Status::Official
            };
            Some((unit.clone(), status))
        }
        Standing::InTransit { from, .. } => Some((from.clone(), Status::TransferredOut)),
        Standing::Out { status, unit, .. } => Some((unit.clone(), *status)),
        Standing::Deceased { unit, .. } => Some((unit.clone(), Status::Deceased)),
    }
}

type StepError = (&'static str, String);

fn step(s: &Standing, ev: &EventData, readmitted_before: &mut bool, units: &dyn UnitFacts) -> Result<Standing, StepError> {
    let date = ev.effective;
    if let Standing::Deceased { since, .. } = s {
        return Err(("after_death", format!("Đảng viên đã từ trần ngày {}; không thể ghi sự kiện sau đó.", format_vn(*since))));
    }
    let not_member = || ("not_a_member", "Chưa có quyết định kết nạp: người này chưa là đảng viên vào ngày đó.".to_string());
    match (&ev.kind, s) {
        (EventKind::Admitted { unit, .. }, Standing::Never) => {
            Ok(Standing::Active { unit: unit.clone(), probationary: true, exempt: false, admitted: Admission::decided(date) })
        }
        (EventKind::Admitted { .. }, Standing::Out { .. }) => {
            Err(("use_readmission", "Người đã ra khỏi Đảng được kết nạp lại, không kết nạp mới.".into()))
        }
        (EventKind::Admitted { .. }, _) => Err(("already_member", "Người này đã là đảng viên.".into())),
        (EventKind::Ceremony, Standing::Active { unit, probationary: true, exempt, admitted }) => {
            if let Some(held) = admitted.ceremony {
                return Err(("ceremony_twice", format!("Lễ kết nạp đã được ghi (ngày {}).", format_vn(held))));
            }
            // Events apply in date order: a ceremony dated before the decision meets no
            // membership and is refused as `not_a_member`.
            let admitted = Admission { ceremony: Some(date), ..*admitted };
            Ok(Standing::Active { unit: unit.clone(), probationary: true, exempt: *exempt, admitted })
        }
        (EventKind::Ceremony, Standing::Active { .. }) => {
            Err(("already_official", "Đảng viên đã là đảng viên chính thức; lễ kết nạp thuộc thời kỳ dự bị.".into()))
        }
        (EventKind::RecognizedOfficial, Standing::Active { unit, probationary: true, exempt, admitted }) => {
            if date < admitted.decided {
                return Err(("recognition_before_admission", "Ngày công nhận chính thức trước ngày kết nạp.".into()));
            }
            // Probation runs from the ceremony (Charter art. 5 §1). A record kept before ceremonies
            // were recorded keeps the recognition it has, checked as it was then: 12 months from the
            // decision (a new recognition without a ceremony is refused by `new_entry_problems`).
            let start = admitted.ceremony.unwrap_or(admitted.decided);
            let due = probation_end(start);
            if admitted.decided >= exact_probation_rule_from() && date != due {
                let message = match admitted.ceremony {
                    Some(ceremony) => format!(
                        "Đảng viên được công nhận chính thức vào đúng ngày hết 12 tháng dự bị tính từ ngày tổ chức lễ kết nạp ({}): {} (Điều lệ Đảng, Điều 5 khoản 1; Quy định 294-QĐ/TW, điểm 4.2).",
                        format_vn(ceremony),
                        format_vn(due)
                    ),
                    None => format!(
                        "Đảng viên được công nhận chính thức vào đúng ngày hết 12 tháng dự bị: {} (Điều lệ Đảng, Điều 5; Quy định 294-QĐ/TW, điểm 4.2).",
                        format_vn(due)
                    ),
                };
                return Err(("recognition_date", message));
            }
            Ok(Standing::Active { unit: unit.clone(), probationary: false, exempt: *exempt, admitted: *admitted })
        }
        (EventKind::RecognizedOfficial, Standing::Active { .. }) => {
            Err(("already_official", "Đảng viên đã là đảng viên chính thức.".into()))
        }
        (EventKind::RecognizedOfficial, Standing::Never) => {
            Err(("recognition_before_admission", "Chưa có quyết định kết nạp trước ngày công nhận chính thức.".into()))
        }
        (EventKind::TransferredOut { mode, from, to }, Standing::Active { unit, probationary, exempt, admitted }) => {
            if unit.internal() != Some(*from) {
                return Err(("not_in_unit", "Đảng viên không sinh hoạt ở tổ chức chuyển đi vào ngày đó.".into()));
            }
            if to.internal() == Some(*from) {
                return Err(("same_unit", "Nơi chuyển đến trùng nơi chuyển đi.".into()));
            }
            match mode {
                TransferMode::Temporary => Ok(s.clone()),
                TransferMode::Official => Ok(Standing::InTransit {
                    from: unit.clone(),
                    probationary: *probationary,
                    exempt: *exempt,
                    admitted: *admitted,
                    to: to.clone(),
                }),
            }
        }
        (
            EventKind::TransferredIn { mode: TransferMode::Official, unit },
            Standing::InTransit { probationary, exempt, admitted, to, .. },
        ) => {
            // A destination merged or split while the member was on the way is answered for by
            // the unit it became (`transfers::answering_unit`, checked when the acceptance is
            // recorded); the letter's own unit is checked while it stands.
            if let UnitRef::Internal(dest) = to
                && units.version_on(*dest, date).is_some()
                && !units.is_within(*unit, *dest, date)
            {
                return Err((
                    "wrong_destination",
                    "Chi bộ tiếp nhận không thuộc tổ chức ghi trong giấy giới thiệu chuyển sinh hoạt.".into(),
                ));
            }
            Ok(Standing::Active { unit: UnitRef::Internal(*unit), probationary: *probationary, exempt: *exempt, admitted: *admitted })
        }
        (
            EventKind::TransferredIn { mode: TransferMode::Official, unit: to },
            Standing::Active { unit: UnitRef::External(_), probationary, exempt, admitted },
        ) => Ok(Standing::Active { unit: UnitRef::Internal(*to), probationary: *probationary, exempt: *exempt, admitted: *admitted }),
        (EventKind::TransferredIn { mode: TransferMode::Official, .. }, Standing::Active { .. }) => {
            Err(("not_in_transit", "Đảng viên đang sinh hoạt trong hệ thống; ghi chuyển sinh hoạt đi trước khi tiếp nhận.".into()))
        }
        (EventKind::TransferredIn { mode: TransferMode::Temporary, .. }, Standing::Active { .. }) => Ok(s.clone()),
        (EventKind::Reassigned { to }, Standing::Active { unit, probationary, exempt, admitted }) => {
            if unit.internal() == Some(*to) {
                return Err(("same_unit", "Đảng viên đã sinh hoạt ở chi bộ này.".into()));
            }
            Ok(Standing::Active { unit: UnitRef::Internal(*to), probationary: *probationary, exempt: *exempt, admitted: *admitted })
        }
        (EventKind::Exempted, Standing::Active { unit, probationary: false, exempt: false, admitted }) => {
            Ok(Standing::Active { unit: unit.clone(), probationary: false, exempt: true, admitted: *admitted })
        }
        (EventKind::Exempted, Standing::Active { probationary: true, .. }) => {
            Err(("probationary", "Chỉ đảng viên chính thức được miễn công tác và sinh hoạt đảng (Hướng dẫn 27-HD/BTCTW).".into()))
        }
        (EventKind::Exempted, Standing::Active { .. }) => Err(("already_exempt", "Đảng viên đang được miễn sinh hoạt.".into())),
        (EventKind::ExemptionEnded, Standing::Active { unit, exempt: true, probationary, admitted }) => {
            Ok(Standing::Active { unit: unit.clone(), probationary: *probationary, exempt: false, admitted: *admitted })
        }
        (EventKind::ExemptionEnded, Standing::Active { .. }) => Err(("not_exempt", "Đảng viên không đang được miễn sinh hoạt.".into())),
        (EventKind::StruckOff { reason }, Standing::Active { unit, .. } | Standing::InTransit { from: unit, .. }) => Ok(Standing::Out {
            status: Status::StruckOff,
            since: date,
            unit: unit.clone(),
            // Never readmitted after abandoning party activities (294-QĐ/TW point 3.5).
            readmittable: *reason != StrikeOffReason::AbandonedActivities,
        }),
        (EventKind::Exited { difficult_family }, Standing::Active { unit, .. } | Standing::InTransit { from: unit, .. }) => {
            // Never readmitted after asking to leave, except for extremely difficult family circumstances (294-QĐ/TW point 3.5).
            Ok(Standing::Out { status: Status::Exited, since: date, unit: unit.clone(), readmittable: *difficult_family })
        }
        (EventKind::Expelled, Standing::Active { unit, .. } | Standing::InTransit { from: unit, .. }) => {
            Ok(Standing::Out { status: Status::Expelled, since: date, unit: unit.clone(), readmittable: true })
        }
        (EventKind::Died, Standing::Active { unit, .. } | Standing::InTransit { from: unit, .. }) => {
            Ok(Standing::Deceased { since: date, unit: unit.clone() })
        }
        (EventKind::Readmitted { unit, .. }, Standing::Out { since, readmittable, .. }) => {
            if *readmitted_before {
                return Err(("readmitted_twice", "Chỉ được kết nạp lại một lần (Quy định 294-QĐ/TW, điểm 3.5).".into()));
            }
            if !readmittable {
                return Err(("not_readmittable", "Trường hợp này không được xem xét kết nạp lại (Quy định 294-QĐ/TW, điểm 3.5).".into()));
            }
            if full_months_between(*since, date) < READMISSION_MIN_MONTHS_OUT {
                return Err((
                    "readmission_too_soon",
                    format!(
                        "Kết nạp lại phải sau ít nhất 36 tháng kể từ khi ra khỏi Đảng ({}), tức từ ngày {} (Quy định 294-QĐ/TW, điểm 3.5).",
                        format_vn(*since),
                        format_vn(add_months(*since, READMISSION_MIN_MONTHS_OUT))
                    ),
                ));
            }
            *readmitted_before = true;
            Ok(Standing::Active { unit: unit.clone(), probationary: true, exempt: false, admitted: Admission::decided(date) })
        }
        (EventKind::Readmitted { .. }, Standing::Never) => Err(("use_admission", "Người này chưa từng là đảng viên; ghi kết nạp.".into())),
        (EventKind::Readmitted { .. }, _) => Err(("already_member", "Người này đang là đảng viên.".into())),
        (_, Standing::Never) => Err(not_member()),
        (_, Standing::InTransit { .. }) => {
            Err(("in_transit", "Đảng viên đang chuyển sinh hoạt (đã có giấy giới thiệu, chưa tiếp nhận); ghi tiếp nhận trước.".into()))
        }
        (_, Standing::Out { status, since, .. }) => {
            Err(("not_active", format!("{} từ ngày {}; không thể ghi sự kiện này.", status.label(), format_vn(*since))))
        }
        (_, Standing::Deceased { .. }) => Err(("after_death", "Đảng viên đã từ trần.".into())),
    }
}

/// A member's span in a unit must end before the unit does: a merged, split or dissolved unit
/// keeps no members (model.md "every event falls inside the validity of the units it names").
fn check_units_outlive_spans(history: &mut History, units: &dyn UnitFacts) {
    for span in &history.spans {
        let (UnitRef::Internal(unit), true) = (&span.unit, span.status.is_active()) else { continue };
        if let Some(end) = units.end_of(*unit)
            && span.to.is_none_or(|t| t > end)
        {
            history.problems.push(Problem {
                event: None,
                code: "unit_ended",
                message: format!(
                    "Tổ chức đảng (mã số {unit}) không còn từ ngày {}; đảng viên phải được chuyển sang tổ chức khác trước ngày đó.",
                    format_vn(end)
                ),
            });
        }
    }
}

/// The originals with their corrections applied (latest correction wins; a void removes the
/// event), ordered by effective date then by the order they were recorded.
pub(crate) fn effective_events(events: &[RecordedEvent]) -> Vec<(EventId, EventData)> {
    let mut latest: HashMap<EventId, &RecordedEvent> = HashMap::new();
    for e in events {
        if let Some(target) = e.corrects {
            latest
                .entry(target)
                .and_modify(|prev| {
                    if e.id > prev.id {
                        *prev = e
                    }
                })
                .or_insert(e);
        }
    }
    let mut out: Vec<(EventId, EventData)> = events
        .iter()
        .filter(|e| e.corrects.is_none())
        .filter_map(|e| {
            let entry = latest.get(&e.id).map_or(&e.entry, |c| &c.entry);
            match entry {
                Entry::Event(data) => Some((e.id, data.clone())),
                Entry::Void => None,
            }
        })
        .collect();
    out.sort_by_key(|(id, e)| (e.effective, *id));
    out
}

#[cfg(test)]
mod tests;
