//! The report of meetings held and attendance over a period: per chi bộ under a unit (its own
//! meetings), and the committees' own meetings (plenaries, executive and standing committees, a
//! chi bộ's chi ủy).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use domain::ids::UnitId;
use domain::meetings::{MeetingKind, Presence, Summons};

use crate::error::{Result, StoreError};
use crate::sql::meetings as q;
use crate::store::SqlStore;

/// The attendances of a report row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceTally {
    /// Attendances expected: members on the lists who count (exempt members who stayed away and
    /// those away in temporary activity left out), guests who came included.
    pub expected: u32,
    pub present: u32,
    pub excused: u32,
    pub absent: u32,
}

impl AttendanceTally {
    /// Counts one attendance, if it is one expected: a guest who came, or a member on the list
    /// who counts.
    fn add(&mut self, p: &q::PresenceRow) {
        let expected =
            if p.guest { p.presence == Presence::Present } else { !(p.away_temporarily || (p.exempt && p.presence != Presence::Present)) };
        if expected {
            self.expected += 1;
            self.present += u32::from(p.presence == Presence::Present);
            self.excused += u32::from(p.presence == Presence::Excused);
            self.absent += u32::from(p.presence == Presence::Absent);
        }
    }

    fn merge(&mut self, other: &AttendanceTally) {
        self.expected += other.expected;
        self.present += other.present;
        self.excused += other.excused;
        self.absent += other.absent;
    }
}

/// One chi bộ's meetings over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingReportRow {
    pub unit: UnitId,
    pub unit_name: String,
    pub regular: u32,
    pub thematic: u32,
    pub extraordinary: u32,
    /// Every meeting held (a combined one once).
    pub held: u32,
    #[serde(flatten)]
    pub attendance: AttendanceTally,
}

impl MeetingReportRow {
    fn empty(unit: UnitId, unit_name: String) -> Self {
        MeetingReportRow { unit, unit_name, regular: 0, thematic: 0, extraordinary: 0, held: 0, attendance: AttendanceTally::default() }
    }
}

/// One committee's own meetings over a period: a grassroots committee's plenaries, its
/// executive and standing committees', its extraordinary meetings (a chi bộ's: its chi ủy's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BodyReportRow {
    pub unit: UnitId,
    pub unit_name: String,
    pub plenary: u32,
    pub committee: u32,
    pub standing: u32,
    pub extraordinary: u32,
    pub held: u32,
    /// Attendances, as for a chi bộ (the seats of the day for a committee's meeting).
    #[serde(flatten)]
    pub attendance: AttendanceTally,
}

impl BodyReportRow {
    fn empty(unit: UnitId, unit_name: String) -> Self {
        BodyReportRow {
            unit,
            unit_name,
            plenary: 0,
            committee: 0,
            standing: 0,
            extraordinary: 0,
            held: 0,
            attendance: AttendanceTally::default(),
        }
    }
}

/// Meetings held and attendance per chi bộ under a unit, over a period, and the meetings the
/// committees under it (itself included) held of their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingReport {
    pub root: UnitId,
    pub root_name: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub rows: Vec<MeetingReportRow>,
    pub total: MeetingReportRow,
    /// The committees that held a meeting of their own in the period, in tree order.
    pub bodies: Vec<BodyReportRow>,
}

impl SqlStore {
    /// See `MeetingStore::meeting_report`.
    pub(super) async fn report(&self, root: UnitId, first: NaiveDate, last: NaiveDate) -> Result<MeetingReport> {
        if last < first {
            return Err(StoreError::invalid("to", "period_reversed", "Ngày cuối phải từ ngày đầu trở đi."));
        }
        let (root_name, cells) = self.cells_under(root, last).await?;
        let mut conn = self.db.reader().await?;
        let held = q::held_between(conn.as_mut(), first, last).await?;
        let presence = q::presence_between(conn.as_mut(), first, last).await?;
        drop(conn);
        let mut rows: Vec<MeetingReportRow> = cells.iter().map(|(unit, name)| MeetingReportRow::empty(*unit, name.clone())).collect();
        let at: HashMap<UnitId, usize> = cells.iter().enumerate().map(|(i, (u, _))| (*u, i)).collect();
        // The chi bộ's own meetings: its chi ủy's are the committee's business.
        for h in held.iter().filter(|h| h.kind.summons() == Summons::Members) {
            let Some(row) = at.get(&h.unit).and_then(|&i| rows.get_mut(i)) else { continue };
            row.held += 1;
            row.regular += u32::from(h.kind.is_regular());
            row.thematic += u32::from(h.kind.is_thematic());
            row.extraordinary += u32::from(h.kind == MeetingKind::Extraordinary);
        }
        for p in presence.iter().filter(|p| p.kind.summons() == Summons::Members) {
            let Some(row) = at.get(&p.unit).and_then(|&i| rows.get_mut(i)) else { continue };
            row.attendance.add(p);
        }
        let mut total = MeetingReportRow::empty(root, root_name.clone());
        for r in &rows {
            total.regular += r.regular;
            total.thematic += r.thematic;
            total.extraordinary += r.extraordinary;
            total.held += r.held;
            total.attendance.merge(&r.attendance);
        }
        let bodies = self.body_rows(root, last, &held, &presence).await?;
        Ok(MeetingReport { root, root_name, first, last, rows, total, bodies })
    }

    /// The committees under `root` (itself included) that held meetings of their own among `held`:
    /// every meeting of a unit above the chi bộ, a chi bộ's chi ủy meetings.
    async fn body_rows(&self, root: UnitId, on: NaiveDate, held: &[q::HeldRow], presence: &[q::PresenceRow]) -> Result<Vec<BodyReportRow>> {
        let (_, units) = self.units_under(root, on, domain::committees::has_committee).await?;
        let cells: HashSet<UnitId> = {
            let index = self.index.read();
            units.iter().filter(|(u, _)| index.unit_version_on(*u, on).is_some_and(|v| v.kind.holds_members())).map(|(u, _)| *u).collect()
        };
        let own = |unit: UnitId, kind: MeetingKind| !cells.contains(&unit) || kind.summons() != Summons::Members;
        let mut rows: Vec<BodyReportRow> = units.into_iter().map(|(unit, unit_name)| BodyReportRow::empty(unit, unit_name)).collect();
        let at: HashMap<UnitId, usize> = rows.iter().enumerate().map(|(i, r)| (r.unit, i)).collect();
        for h in held.iter().filter(|h| own(h.unit, h.kind)) {
            let Some(row) = at.get(&h.unit).and_then(|&i| rows.get_mut(i)) else { continue };
            row.held += 1;
            match h.kind {
                MeetingKind::Plenary => row.plenary += 1,
                MeetingKind::Committee => row.committee += 1,
                MeetingKind::Standing => row.standing += 1,
                _ => row.extraordinary += 1,
            }
        }
        for p in presence.iter().filter(|p| own(p.unit, p.kind)) {
            let Some(row) = at.get(&p.unit).and_then(|&i| rows.get_mut(i)) else { continue };
            row.attendance.add(p);
        }
        rows.retain(|r| r.held > 0);
        Ok(rows)
    }
}
