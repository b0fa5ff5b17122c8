//! The yearly report of party-member work over any period (form 7-BTCTW, reports.md §2.8;
//! domain::member_work): each line counted from its register — transfers from the transfer
//! book, badges, cards, disciplines and exemptions from theirs — with the members behind it.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::NaiveDate;

use domain::event::TransferMode;
use domain::history::Status;
use domain::ids::{MemberId, UnitId};
use domain::member_work::{ExemptionLine, Line, TransferLine};
use domain::transfers::BookLine;

use crate::badges::BadgeStore;
use crate::error::{Result, StoreError};
use crate::sql;
use crate::store::SqlStore;
use crate::transfers::TransferStore;

/// One line's count and the members behind it.
#[derive(Debug, Clone)]
pub struct WorkLine {
    pub line: Line,
    pub members: Vec<MemberId>,
}

/// The report of `root`'s subtree over `[from, to]`.
#[derive(Debug, Clone)]
pub struct MemberWorkReport {
    pub unit: UnitId,
    pub unit_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Every line of the form, in its order (zero lines included).
    pub lines: Vec<WorkLine>,
}

impl MemberWorkReport {
    pub fn line(&self, line: Line) -> Option<&WorkLine> {
        self.lines.iter().find(|l| l.line == line)
    }
}

/// A member behind a line, for the drill-down.
#[derive(Debug, Clone)]
pub struct WorkPerson {
    pub member: MemberId,
    pub full_name: String,
    pub unit_name: String,
}

/// What waits on a unit's member routines (the worklist's counts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutinesDue {
    /// The next award day and who is due then: ordinarily, and only within an early window.
    pub award_on: NaiveDate,
    pub badges_due: u32,
    pub badges_early: u32,
    /// The unit's list for that day, if opened (id, status).
    pub list: Option<(i64, crate::badges::ListStatus)>,
    /// Exemptions ending within 30 days or past their end.
    pub exemptions_due: u32,
    /// Disciplines that end by themselves within 30 days.
    pub disciplines_ending: u32,
}

#[async_trait]
pub trait MemberWorkStore: Send + Sync {
    /// What waits under `root` (`None`: its lists are too large to count member by member).
    async fn routines_due(&self, root: UnitId, today: NaiveDate) -> Result<Option<RoutinesDue>>;
    async fn member_work_report(&self, root: UnitId, from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Result<MemberWorkReport>;
    /// Names and units of members, in the order given.
    async fn work_people(&self, members: &[MemberId], on: NaiveDate) -> Result<Vec<WorkPerson>>;
}

#[async_trait]
impl MemberWorkStore for SqlStore {
    async fn routines_due(&self, root: UnitId, today: NaiveDate) -> Result<Option<RoutinesDue>> {
        if !self.countable(root, today).await? {
            return Ok(None);
        }
        let (_, award_on) = domain::badges::AwardDay::next(today);
        let candidates = self.badge_candidates(root, award_on, today).await?;
        let early = self.badge_early(root, award_on, today).await?;
        let list = self
            .badge_lists_under(root, today)
            .await?
            .into_iter()
            .find(|(r, _)| r.unit == root && r.award_on == award_on)
            .map(|(r, _)| (r.id, r.status));
        let exemptions = crate::exemptions::ExemptionStore::exemptions_under(self, root, today, today).await?;
        let soon = today + chrono::Days::new(30);
        let disciplines =
            crate::discipline::DisciplineStore::disciplines_under(self, root, domain::dates::sub_months(today, 13), today).await?;
        Ok(Some(RoutinesDue {
            award_on,
            badges_due: candidates.iter().filter(|c| matches!(c.verdict, domain::badges::Verdict::Due { .. })).count() as u32,
            badges_early: early.len() as u32,
            list,
            exemptions_due: exemptions.iter().filter(|l| l.standing.is_some_and(domain::exemptions::Standing::due)).count() as u32,
            disciplines_ending: disciplines
                .iter()
                .filter(|d| matches!(d.standing, domain::discipline::Standing::Running { ends_on } if ends_on <= soon))
                .count() as u32,
        }))
    }

    async fn member_work_report(&self, root: UnitId, from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Result<MemberWorkReport> {
        if to < from {
            return Err(StoreError::invalid("to", "before_from", "Ngày cuối kỳ phải sau ngày đầu kỳ."));
        }
        self.refresh_index().await?;
        let unit_name = {
            let index = self.index.read();
            index.unit_latest(root).ok_or(StoreError::NotFound)?;
            index.unit_with_parent(root, to.min(today))
        };
        let mut by_line: HashMap<Line, Vec<MemberId>> = HashMap::new();
        let mut push = |line: Line, m: MemberId| by_line.entry(line).or_default().push(m);

        // Transfers: the transfer book's letters sent and accepted, split by kind.
        for (book_line, official, temporary) in [
            (BookLine::Sent, TransferLine::OfficialOut, TransferLine::TemporaryOut),
            (BookLine::Received, TransferLine::OfficialIn, TransferLine::TemporaryIn),
        ] {
            let book = self.transfer_book(root, from, to, Some(book_line), today).await?;
            for t in &book.rows {
                push(Line::Transfer(if t.mode == TransferMode::Temporary { temporary } else { official }), t.member);
            }
        }
        for a in self.badges_awarded(root, from, to).await? {
            push(Line::Badge(a.badge.milestone), a.badge.member);
        }
        let mut conn = self.db.reader().await?;
        let cards = sql::cards::moved_between(conn.as_mut(), from, to).await?;
        let disciplines = sql::discipline::since(conn.as_mut(), from).await?;
        let exemptions = sql::exemptions::since(conn.as_mut(), from).await?;
        drop(conn);
        let index = self.index.read();
        for c in cards.iter().filter(|c| c.issued_on >= from && c.issued_on <= to) {
            if index.member_within(c.member, root, c.issued_on) {
                push(Line::Card(c.kind), c.member);
            }
        }
        for d in disciplines.iter().filter(|d| d.announced_on <= to) {
            if index.member_within_before(d.member, root, d.announced_on) {
                push(Line::Discipline(d.form), d.member);
            }
        }
        for x in &exemptions {
            if x.from >= from && x.from <= to && index.member_within(x.member, root, x.from) {
                push(Line::Exemption(ExemptionLine::Began), x.member);
            }
            if let Some(end) = x.ended_on.filter(|e| *e >= from && *e <= to)
                && index.member_within(x.member, root, end)
            {
                push(Line::Exemption(ExemptionLine::Ended), x.member);
            }
        }
        // Running on the last day (today for a period not over): the register's status, so
        // exemptions recorded without a period count too.
        if let Some(roster) = index.roster(root, to.min(today), None) {
            for e in roster.iter().filter(|e| e.status == Status::Exempt) {
                push(Line::Exemption(ExemptionLine::Running), e.member);
            }
        }
        let lines = Line::all().into_iter().map(|line| WorkLine { line, members: by_line.remove(&line).unwrap_or_default() }).collect();
        Ok(MemberWorkReport { unit: root, unit_name, from, to, lines })
    }

    async fn work_people(&self, members: &[MemberId], on: NaiveDate) -> Result<Vec<WorkPerson>> {
        self.refresh_index().await?;
        let index = self.index.read();
        Ok(members
            .iter()
            .map(|m| WorkPerson {
                member: *m,
                full_name: index.member_name(*m).map(|(n, _)| n).unwrap_or_default(),
                unit_name: index.member_unit_before(*m, on).map(|(u, d)| index.unit_with_parent(u, d)).unwrap_or_default(),
            })
            .collect())
    }
}
