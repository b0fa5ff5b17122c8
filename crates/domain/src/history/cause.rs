//! Why each span of a history began and ended, as movement reports classify them (rows B and C
//! of form 1-BTCTW; docs/design/statistics.md): decided once, when the spans are derived, and
//! kept next to every span so that reports need not re-read events.

use chrono::NaiveDate;
use serde::Serialize;

use super::{Span, Status};
use crate::event::{AdmissionOrigin, EventData, EventKind, TransferMode, UnitRef};
use crate::ids::EventId;

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
    pub const ALL: [FlowKind; 11] = [
        FlowKind::Admitted,
        FlowKind::Readmitted,
        FlowKind::TransferredInFromOutside,
        FlowKind::TransferredInWithin,
        FlowKind::Died,
        FlowKind::Expelled,
        FlowKind::StruckOff,
        FlowKind::Exited,
        FlowKind::TransferredOutToOutside,
        FlowKind::TransferredOutWithin,
        FlowKind::Reorganization,
    ];

    /// The stable code stored next to each span (`membership_spans.entered` / `left_by`).
    pub fn code(self) -> &'static str {
        match self {
            FlowKind::Admitted => "ket-nap",
            FlowKind::Readmitted => "ket-nap-lai",
            FlowKind::TransferredInFromOutside => "den-ngoai-tinh",
            FlowKind::TransferredInWithin => "den-trong-tinh",
            FlowKind::Died => "tu-tran",
            FlowKind::Expelled => "khai-tru",
            FlowKind::StruckOff => "xoa-ten",
            FlowKind::Exited => "ra-khoi-dang",
            FlowKind::TransferredOutToOutside => "di-ngoai-tinh",
            FlowKind::TransferredOutWithin => "di-trong-tinh",
            FlowKind::Reorganization => "sap-xep",
        }
    }

    pub fn parse(code: &str) -> Option<FlowKind> {
        FlowKind::ALL.into_iter().find(|k| k.code() == code)
    }

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

/// Why a span began and ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpanCause {
    /// The kind of inflow when the span puts the member onto a list (its first day).
    pub entered: FlowKind,
    /// The kind of outflow when the span's end takes the member off a list (`None`: open span).
    pub left: Option<FlowKind>,
}

impl SpanCause {
    /// The cause of the span `[from, to)` given the events in force and the spans before it.
    pub(super) fn of(effective: &[(EventId, EventData)], before: &[Span], from: NaiveDate, to: Option<NaiveDate>) -> SpanCause {
        SpanCause { entered: in_kind(effective, before, from), left: to.map(|to| out_kind(effective, to)) }
    }
}

/// The member's own event that takes effect on `day` and changes where they stand (the last one
/// recorded, as in the derivation).
fn event_on(effective: &[(EventId, EventData)], day: NaiveDate) -> Option<&EventKind> {
    effective.iter().rev().filter(|(_, e)| e.effective == day).map(|(_, e)| &e.kind).find(|k| {
        !matches!(
            k,
            EventKind::TransferredOut { mode: TransferMode::Temporary, .. }
                | EventKind::TransferredIn { mode: TransferMode::Temporary, .. }
                | EventKind::Ceremony
        )
    })
}

/// `before`: the spans before the one that starts on `day` (the one that ended that day among them).
fn in_kind(effective: &[(EventId, EventData)], before: &[Span], day: NaiveDate) -> FlowKind {
    match event_on(effective, day) {
        Some(EventKind::Admitted { .. }) => FlowKind::Admitted,
        Some(EventKind::Readmitted { .. }) => FlowKind::Readmitted,
        Some(EventKind::TransferredIn { .. }) => {
            // Received from transit inside the register, or arriving from outside it.
            let came_from_inside = before.iter().rev().find(|s| s.to == Some(day)).is_some_and(|s| {
                s.status == Status::TransferredOut && matches!(s.unit, UnitRef::Internal(_)) && !left_register(effective, s.from)
            });
            if came_from_inside { FlowKind::TransferredInWithin } else { FlowKind::TransferredInFromOutside }
        }
        Some(EventKind::Reassigned { .. }) => FlowKind::TransferredInWithin,
        _ => FlowKind::Reorganization,
    }
}

/// Whether the transfer out that started on `day` went to an organization outside the register.
fn left_register(effective: &[(EventId, EventData)], day: NaiveDate) -> bool {
    effective.iter().any(|(_, e)| {
        e.effective == day && matches!(&e.kind, EventKind::TransferredOut { mode: TransferMode::Official, to: UnitRef::External(_), .. })
    })
}

fn out_kind(effective: &[(EventId, EventData)], day: NaiveDate) -> FlowKind {
    match event_on(effective, day) {
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

/// What the admission report reads of a span opened by an admission or readmission decision:
/// the ceremony that followed it (an occasion is judged by the ceremony's day) and who
/// introduced the member, with the sub-target group, as the decision's event says. Kept next to
/// the span, like its cause (docs/design/admission.md "Admission report over any period").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AdmissionFacts {
    pub ceremony: Option<NaiveDate>,
    pub origin: AdmissionOrigin,
}

impl super::History {
    /// The admission facts of `span` when an admission or readmission decision opened it
    /// (`None` for any other span): the probation decided on its first day and the decision's
    /// event in force.
    pub fn admission_facts(&self, span: &Span) -> Option<AdmissionFacts> {
        if !matches!(span.cause.entered, FlowKind::Admitted | FlowKind::Readmitted) {
            return None;
        }
        let ceremony = self.probations.iter().rev().find(|p| p.decided == span.from).and_then(|p| p.ceremony);
        let origin =
            self.effective.iter().rev().filter(|(_, e)| e.effective == span.from).find_map(|(_, e)| e.kind.origin()).unwrap_or_default();
        Some(AdmissionFacts { ceremony, origin })
    }
}
