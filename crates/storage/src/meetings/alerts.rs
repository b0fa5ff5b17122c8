//! The alerts of the meetings under a unit for a year (rules.md §9, §5.1): the chi bộ that missed
//! a regular meeting in a month or a thematic one in a quarter, the grassroots party committees
//! without a plenary in a half-year, the members absent without reason in three months.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use domain::ids::{MemberId, UnitId};
use domain::meetings::{
    ABSENT_MONTHS_FOR_STRIKE_OFF, Held, Presence, Summons, halves_without_plenary, months_absent_without_reason, months_without_regular,
    quarters_without_thematic,
};

use crate::error::Result;
use crate::sql::meetings as q;
use crate::store::SqlStore;

/// A chi bộ that missed a regular meeting or a thematic one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MissedMeetings {
    pub unit: UnitId,
    pub unit_name: String,
    /// "Tháng 10/2026" for each month that ended without a regular meeting.
    pub months: Vec<String>,
    /// "Quý III/2026" for each quarter that ended without a thematic one.
    pub quarters: Vec<String>,
}

/// A member absent without reason in three or more months of the year (the first strike-off
/// ground, 24-QĐ/TW point 8.1 — rules.md §5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AbsentMember {
    pub member: MemberId,
    pub full_name: String,
    pub unit: UnitId,
    pub unit_name: String,
    pub months: Vec<String>,
}

/// The alerts of the chi bộ under a unit, for a year up to today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingAlerts {
    pub year: i32,
    pub as_of: NaiveDate,
    pub missed: Vec<MissedMeetings>,
    pub absent: Vec<AbsentMember>,
    /// The grassroots party committees under the unit that held no plenary meeting in a half of
    /// the year that is over.
    pub plenaries: Vec<MissedPlenaries>,
}

/// A grassroots party committee's half-years without a plenary meeting (rules.md §9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MissedPlenaries {
    pub unit: UnitId,
    pub unit_name: String,
    /// "6 tháng đầu năm 2026", "6 tháng cuối năm 2026".
    pub halves: Vec<String>,
}

impl SqlStore {
    /// See `MeetingStore::meeting_alerts`.
    pub(super) async fn alerts(&self, root: UnitId, year: i32, today: NaiveDate) -> Result<MeetingAlerts> {
        let first = year_start(year);
        let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX).min(today);
        let (_, cells) = self.cells_under(root, last).await?;
        let mut conn = self.db.reader().await?;
        let held = q::held_between(conn.as_mut(), first, last).await?;
        let presence = q::presence_between(conn.as_mut(), first, last).await?;
        drop(conn);
        let index = self.index.read();
        let mut by_unit: HashMap<UnitId, Vec<Held>> = HashMap::new();
        for h in &held {
            by_unit.entry(h.unit).or_default().push(Held { on: h.held_on, kind: h.kind });
        }
        let plenaries = committees_under(&index, root, last)
            .into_iter()
            .filter_map(|(unit, unit_name)| {
                let list = by_unit.get(&unit).map_or(&[][..], Vec::as_slice);
                let halves = halves_without_plenary(list, year, unit_start(&index, unit), today);
                (!halves.is_empty()).then_some(MissedPlenaries { unit, unit_name, halves })
            })
            .collect();
        let mut missed = Vec::new();
        for (unit, name) in &cells {
            let list = by_unit.get(unit).map_or(&[][..], Vec::as_slice);
            // A chi bộ formed during the year is judged from the month it stood.
            let since = first.max(unit_start(&index, *unit));
            let months: Vec<String> =
                months_without_regular(list, since, today).into_iter().filter(|m| m.year == year).map(|m| m.label()).collect();
            let quarters: Vec<String> =
                quarters_without_thematic(list, since, today).into_iter().filter(|q| q.year == year).map(|q| q.label()).collect();
            if !months.is_empty() || !quarters.is_empty() {
                missed.push(MissedMeetings { unit: *unit, unit_name: name.clone(), months, quarters });
            }
        }
        let cell_set: HashSet<UnitId> = cells.iter().map(|(u, _)| *u).collect();
        let mut per_member: HashMap<MemberId, (UnitId, Vec<(NaiveDate, Presence)>)> = HashMap::new();
        // Only the chi bộ's own meetings count: a chi ủy meeting missed is no absence from it.
        for p in presence.iter().filter(|p| cell_set.contains(&p.unit) && p.kind.summons() == Summons::Members) {
            let e = per_member.entry(p.member).or_insert((p.unit, Vec::new()));
            e.0 = p.unit;
            e.1.push((p.held_on, p.presence));
        }
        let mut absent: Vec<AbsentMember> = per_member
            .into_iter()
            .filter_map(|(member, (unit, list))| {
                let months = months_absent_without_reason(&list, year);
                (months.len() >= ABSENT_MONTHS_FOR_STRIKE_OFF).then(|| AbsentMember {
                    member,
                    full_name: index.member_name(member).map(|n| n.0).unwrap_or_default(),
                    unit,
                    unit_name: cells.iter().find(|(u, _)| *u == unit).map(|(_, n)| n.clone()).unwrap_or_default(),
                    months: months.into_iter().map(|m| m.label()).collect(),
                })
            })
            .collect();
        absent.sort_by_cached_key(|a| (domain::text::collation_key(&a.unit_name), domain::text::collation_key(&a.full_name)));
        Ok(MeetingAlerts { year, as_of: today, missed, absent, plenaries })
    }
}

fn year_start(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// The grassroots party committees among `root` and the units under it on `on`, by name.
fn committees_under(index: &crate::index::Index, root: UnitId, on: NaiveDate) -> Vec<(UnitId, String)> {
    let is_committee = |u: UnitId| index.unit_version_on(u, on).filter(|v| v.kind == domain::unit::UnitKind::GrassrootsCommittee);
    let mut out: Vec<(UnitId, String)> = std::iter::once(root)
        .chain(index.descendants(root, on).into_iter().map(|d| d.unit))
        .filter_map(|u| is_committee(u).map(|v| (u, v.name.clone())))
        .collect();
    out.sort_by_cached_key(|(_, name)| domain::text::collation_key(name));
    out
}

/// The first day the unit stood.
fn unit_start(index: &crate::index::Index, unit: UnitId) -> NaiveDate {
    index.unit_span(unit).map_or(NaiveDate::MIN, |s| s.0)
}
