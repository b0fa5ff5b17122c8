//! The roll of a meeting: who is summoned to a chi bộ's meeting on a day — its members then
//! (probationary, official, exempt), those of them in temporary activity elsewhere marked so,
//! and the members of other chi bộ in temporary activity here (rules.md §4, §9); for a grassroots
//! party committee's plenary, the same over every chi bộ under it.

use std::collections::HashSet;

use chrono::NaiveDate;
use domain::history::Status;
use domain::ids::{MemberId, UnitId};

use super::Index;

/// One member on a meeting's roll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollEntry {
    pub member: MemberId,
    pub full_name: String,
    pub birth: NaiveDate,
    pub status: Status,
    /// In temporary activity at another organization that day.
    pub away_temporarily: bool,
    /// A member of another chi bộ in temporary activity here that day.
    pub guest: bool,
}

impl Index {
    /// The roll of a meeting of `unit` on `on`, in register order: its own members, then its
    /// guests. A chi bộ's own members are those who belong to it; a grassroots party committee's
    /// (its plenary, rules.md §9) those of every chi bộ under it, its guests members from outside
    /// in temporary activity under it.
    pub fn roll(&self, unit: UnitId, on: NaiveDate) -> Vec<RollEntry> {
        let Some(&at) = self.units.pos.get(&unit) else { return Vec::new() };
        let mut body: HashSet<u32> = HashSet::from([at]);
        if self.unit_version_on(unit, on).is_some_and(|v| !v.kind.holds_members()) {
            body.extend(self.descendants(unit, on).iter().filter_map(|d| self.units.pos.get(&d.unit).copied()));
        }
        let temporary_at = |m: &super::MemberEntry| {
            m.temporary.iter().find(|(_, from, to)| *from <= on && to.is_none_or(|t| on < t)).map(|(host, _, _)| *host)
        };
        let mut own = Vec::new();
        let mut guests = Vec::new();
        for m in self.in_order() {
            let Some(span) = m.span_on(on) else { continue };
            if !span.span.status.is_active() {
                continue;
            }
            let host = temporary_at(m);
            let hosted_here = host.flatten().is_some_and(|h| body.contains(&h));
            let entry = |guest: bool, away: bool| RollEntry {
                member: m.id,
                full_name: m.full_name.clone(),
                birth: m.birth,
                status: span.span.status,
                away_temporarily: away,
                guest,
            };
            if span.at.is_some_and(|a| body.contains(&a)) {
                own.push(entry(false, host.is_some() && !hosted_here));
            } else if hosted_here {
                guests.push(entry(true, false));
            }
        }
        own.extend(guests);
        own
    }
}

impl Index {
    /// A member's name and birth date (`None`: not in the register).
    pub fn member_name(&self, member: MemberId) -> Option<(String, NaiveDate)> {
        self.member(member).map(|m| (m.full_name.clone(), m.birth))
    }

    /// A member's status on a day.
    pub fn roll_status(&self, member: MemberId, on: NaiveDate) -> Option<Status> {
        self.member(member)?.span_on(on).map(|s| s.span.status)
    }
}

impl Index {
    /// Whether a member belongs on `on` to `unit` or to a unit under it then.
    pub fn member_within(&self, member: MemberId, unit: UnitId, on: NaiveDate) -> bool {
        let Some(at) = self.member(member).and_then(|m| m.span_on(on)).and_then(|s| s.at) else { return false };
        let Some(&root) = self.units.pos.get(&unit) else { return false };
        at == root || self.descendants(unit, on).iter().any(|d| self.units.pos.get(&d.unit) == Some(&at))
    }
}

impl Index {
    /// The unit a member's record belongs to (their latest span's), if any.
    pub fn home_unit(&self, member: MemberId) -> Option<UnitId> {
        self.member(member).and_then(|m| self.units.id(m.home))
    }
}

impl Index {
    /// The unit a member belonged to just before `on` (the day before when that day's span has
    /// no unit: an expulsion or a death takes effect that day), with the day read.
    pub fn member_unit_before(&self, member: MemberId, on: NaiveDate) -> Option<(UnitId, NaiveDate)> {
        let m = self.member(member)?;
        let at = |d: NaiveDate| m.span_on(d).and_then(|s| s.at).and_then(|p| self.units.id(p)).map(|u| (u, d));
        at(on).or_else(|| on.pred_opt().and_then(at)).or_else(|| self.home_unit(member).map(|u| (u, on)))
    }

    /// Whether a member belonged to `unit`'s subtree just before `on` (see
    /// [`member_unit_before`](Self::member_unit_before)).
    pub fn member_within_before(&self, member: MemberId, unit: UnitId, on: NaiveDate) -> bool {
        self.member_within(member, unit, on) || on.pred_opt().is_some_and(|d| self.member_within(member, unit, d))
    }
}

impl Index {
    /// Members who died on or after `since` whose record belongs to `root`'s subtree (their last
    /// unit), in register order: those a posthumous badge may be proposed for.
    pub fn deceased_since(&self, root: UnitId, since: NaiveDate, on: NaiveDate) -> Vec<MemberId> {
        self.in_order()
            .filter(|m| m.spans.last().is_some_and(|s| s.span.status == Status::Deceased && s.span.from >= since))
            .filter(|m| self.units.id(m.home).is_some_and(|h| h == root || domain::transfers::Tree::is_within(self, h, root, on)))
            .map(|m| m.id)
            .collect()
    }
}

impl Index {
    /// Members the index holds (every record, whatever its status).
    pub fn member_total(&self) -> usize {
        self.members.len()
    }
}
