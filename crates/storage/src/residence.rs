//! Working members and their place of residence (Quy định 213-QĐ/TW; domain::residence,
//! docs/design/residence.md): each member's tie, the contacts kept, the residence chi ủy's
//! yearly comments, and the report of a unit — its working members (registered, confirmed,
//! contacts, overdue, comments) and the members of other places living in its area. Each write
//! audited in its transaction.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::json;

use domain::ids::{MemberId, UnitId};
use domain::residence::{Comment, ContactKind, ResidenceCell, ResidenceDue, Tie, TieStanding};

use crate::context::WriteContext;
use crate::db::DbError;
use crate::error::{Result, StoreError};
use crate::model::AuditRecord;
use crate::sql;
pub use crate::sql::residence::{CommentRow, ContactRow, TieRow};
use crate::store::SqlStore;

#[async_trait]
pub trait ResidenceStore: Send + Sync {
    /// A member's tie, contacts, comments and standing for a year.
    async fn member_residence(&self, member: MemberId, year: i32, today: NaiveDate) -> Result<MemberResidence>;
    /// Records or replaces a member's tie (`version`: the one read, `None` for the first);
    /// 409 when it changed meanwhile.
    async fn set_residence_tie(&self, ctx: &WriteContext, member: MemberId, tie: Tie, version: Option<i64>) -> Result<()>;
    /// Records a contact with the residence.
    async fn add_residence_contact(
        &self,
        ctx: &WriteContext,
        member: MemberId,
        on: NaiveDate,
        kind: ContactKind,
        note: &str,
    ) -> Result<i64>;
    /// Records the residence chi ủy's comment of a year (one a year: refused as `duplicate`).
    async fn add_residence_comment(&self, ctx: &WriteContext, member: MemberId, comment: Comment) -> Result<i64>;
    /// Whether the member's tie names a chi bộ of the register at or under `unit` on `on`.
    async fn lives_under(&self, member: MemberId, unit: UnitId, on: NaiveDate) -> Result<bool>;
    /// A unit's report for a year: its working members and the members living in its area.
    async fn residence_report(&self, root: UnitId, year: i32, today: NaiveDate) -> Result<ResidenceReport>;
    /// What a unit's working members still owe for a year (the worklist's line); `None` when
    /// its lists are too large to count member by member ([`crate::WORKLIST_MEMBERS`]).
    async fn residence_due(&self, root: UnitId, year: i32, today: NaiveDate) -> Result<Option<ResidenceDue>>;
    /// The comments of a year for members (the evaluation's input).
    async fn residence_comments(&self, members: &[MemberId], year: i32) -> Result<HashMap<MemberId, Comment>>;
}

/// A member's residence for a year.
#[derive(Debug, Clone)]
pub struct MemberResidence {
    pub member: MemberId,
    pub full_name: String,
    /// Whether the record's occupation makes them a working member.
    pub working: bool,
    pub tie: Option<TieRow>,
    /// The residence chi bộ's name (with its parent), for an internal one.
    pub cell_name: Option<String>,
    pub contacts: Vec<ContactRow>,
    pub comments: Vec<CommentRow>,
    pub standing: TieStanding,
    /// When the next contact is due.
    pub contact_due: Option<NaiveDate>,
}

/// One member on a unit's residence report.
#[derive(Debug, Clone)]
pub struct ResidenceLine {
    pub member: MemberId,
    pub full_name: String,
    /// The member's own chi bộ (their workplace), and its name with its parent.
    pub unit: Option<UnitId>,
    pub unit_name: String,
    /// Where they live: the residence chi bộ's name, or the address.
    pub residence: String,
    pub category: Option<domain::residence::Category>,
    pub standing: TieStanding,
    pub last_contact: Option<NaiveDate>,
    pub comment: Option<Comment>,
}

/// A unit's report for a year.
#[derive(Debug, Clone)]
pub struct ResidenceReport {
    pub unit: UnitId,
    pub unit_name: String,
    pub year: i32,
    /// The working members on the lists under the unit (and anyone with a tie).
    pub working: Vec<ResidenceLine>,
    /// Members whose residence chi bộ is under the unit.
    pub living_here: Vec<ResidenceLine>,
    /// The earliest deadline of the year's evaluation rounds covering the unit: the comments
    /// are due by it (Quy định 213-QĐ/TW, rules.md §11).
    pub deadline: Option<NaiveDate>,
    /// The working members counted per unit directly below (the report's rows per unit).
    pub by_child: Vec<ChildResidence>,
}

/// The working members of one unit directly below a report's unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildResidence {
    pub unit: UnitId,
    pub name: String,
    pub due: ResidenceDue,
    /// Comments in by the deadline (all comments received when there is none).
    pub comments_in_time: usize,
}

impl ResidenceReport {
    pub fn count(lines: &[ResidenceLine], f: impl Fn(&ResidenceLine) -> bool) -> usize {
        lines.iter().filter(|l| f(l)).count()
    }
}

/// What the report reads of some members' ties.
struct LoadedTies {
    ties: HashMap<MemberId, TieRow>,
    contacts: HashMap<MemberId, Vec<NaiveDate>>,
    comments: HashMap<MemberId, Vec<Comment>>,
}

impl LoadedTies {
    fn standing(&self, member: MemberId, year: i32, interval_months: u32, today: NaiveDate) -> TieStanding {
        let dates = self.contacts.get(&member).map(Vec::as_slice).unwrap_or_default();
        let years: Vec<i32> = self.comments.get(&member).map(|c| c.iter().map(|c| c.year).collect()).unwrap_or_default();
        TieStanding::of(self.ties.get(&member).map(|t| &t.tie), dates, &years, year, interval_months, today)
    }
}

fn conflict_or(e: DbError, current: i64) -> StoreError {
    match e {
        DbError::Unique(_) => StoreError::Conflict { current },
        other => other.into(),
    }
}

impl SqlStore {
    /// Applies the operator's interval between contacts (configuration file; checked there).
    pub fn with_residence_settings(mut self, settings: domain::residence::ResidenceSettings) -> Self {
        self.residence = settings;
        self
    }

    /// The ties, contact days and comments of `members`.
    async fn load_ties(&self, members: &[MemberId]) -> Result<LoadedTies> {
        let mut conn = self.db.reader().await?;
        let ties: HashMap<MemberId, TieRow> =
            sql::residence::ties_of(conn.as_mut(), members).await?.into_iter().map(|t| (t.member, t)).collect();
        let mut contacts: HashMap<MemberId, Vec<NaiveDate>> = HashMap::new();
        for c in sql::residence::contacts_of(conn.as_mut(), members).await? {
            contacts.entry(c.member).or_default().push(c.on);
        }
        let mut comments: HashMap<MemberId, Vec<Comment>> = HashMap::new();
        for c in sql::residence::comments_of(conn.as_mut(), members).await? {
            comments.entry(c.member).or_default().push(c.comment);
        }
        Ok(LoadedTies { ties, contacts, comments })
    }

    /// Lines for `members` (on a day's lists or living here) with what the report shows.
    async fn residence_lines(&self, members: &[MemberId], year: i32, today: NaiveDate) -> Result<Vec<ResidenceLine>> {
        let loaded = self.load_ties(members).await?;
        let index = self.index.read();
        let mut out = Vec::new();
        for &m in members {
            let Some((full_name, _)) = index.member_name(m) else { continue };
            let tie = loaded.ties.get(&m).map(|t| &t.tie);
            let dates = loaded.contacts.get(&m).map(Vec::as_slice).unwrap_or_default();
            let theirs = loaded.comments.get(&m).map(Vec::as_slice).unwrap_or_default();
            let standing = loaded.standing(m, year, self.residence.contact_interval_months, today);
            let residence = match tie.and_then(|t| t.cell.as_ref()) {
                Some(ResidenceCell::Internal(u)) => index.unit_with_parent(*u, today),
                Some(ResidenceCell::External(name)) => name.clone(),
                None => tie.map(|t| t.address.clone()).unwrap_or_default(),
            };
            let unit = index.home_unit(m);
            out.push(ResidenceLine {
                member: m,
                full_name,
                unit,
                unit_name: unit.map(|u| index.unit_with_parent(u, today)).unwrap_or_default(),
                residence,
                category: tie.map(|t| t.category),
                standing,
                last_contact: dates.iter().max().copied(),
                comment: theirs.iter().find(|c| c.year == year).cloned(),
            });
        }
        out.sort_by_cached_key(|l| (domain::text::collation_key(&l.unit_name), domain::text::collation_key(&l.full_name)));
        Ok(out)
    }
}

#[async_trait]
impl ResidenceStore for SqlStore {
    async fn member_residence(&self, member: MemberId, year: i32, today: NaiveDate) -> Result<MemberResidence> {
        self.refresh_index().await?;
        let (full_name, working) = {
            let index = self.index.read();
            let (name, _) = index.member_name(member).ok_or(StoreError::NotFound)?;
            (name, index.occupation_on(member, today).is_some_and(domain::residence::is_working_member))
        };
        let mut conn = self.db.reader().await?;
        let tie = sql::residence::tie(conn.as_mut(), member).await?;
        let contacts = sql::residence::contacts_of(conn.as_mut(), &[member]).await?;
        let comments = sql::residence::comments_of(conn.as_mut(), &[member]).await?;
        drop(conn);
        let dates: Vec<NaiveDate> = contacts.iter().map(|c| c.on).collect();
        let years: Vec<i32> = comments.iter().map(|c| c.comment.year).collect();
        let interval = self.residence.contact_interval_months;
        let standing = TieStanding::of(tie.as_ref().map(|t| &t.tie), &dates, &years, year, interval, today);
        let contact_due = tie.as_ref().and_then(|t| domain::residence::contact_due(&t.tie, dates.iter().max().copied(), interval));
        let cell_name = match tie.as_ref().and_then(|t| t.tie.cell.as_ref()) {
            Some(ResidenceCell::Internal(u)) => Some(self.index.read().unit_with_parent(*u, today)),
            _ => None,
        };
        Ok(MemberResidence { member, full_name, working, tie, cell_name, contacts, comments, standing, contact_due })
    }

    async fn set_residence_tie(&self, ctx: &WriteContext, member: MemberId, tie: Tie, version: Option<i64>) -> Result<()> {
        self.refresh_index().await?;
        {
            let index = self.index.read();
            index.member_name(member).ok_or(StoreError::NotFound)?;
            if let Some(ResidenceCell::Internal(u)) = &tie.cell
                && !index.unit_version_on(*u, ctx.today).is_some_and(|v| v.kind.holds_members())
            {
                return Err(StoreError::invalid("cell", "not_a_cell", "Nơi cư trú phải là một chi bộ đang hoạt động."));
            }
        }
        let mut tx = self.db.begin().await?;
        match version {
            None => sql::residence::insert_tie(tx.as_mut(), member, &tie, ctx.now, &ctx.actor).await.map_err(|e| conflict_or(e, 1))?,
            Some(v) => {
                if !sql::residence::update_tie(tx.as_mut(), member, v, &tie, ctx.now, &ctx.actor).await? {
                    return Err(StoreError::Conflict { current: v });
                }
            }
        }
        let cell = match &tie.cell {
            Some(ResidenceCell::Internal(u)) => json!(u.0),
            Some(ResidenceCell::External(name)) => json!(name),
            None => json!(null),
        };
        let record = AuditRecord::new(
            "residence.tie",
            "member",
            member.0,
            json!({ "category": tie.category.code(), "cell": cell, "letter": tie.letter.as_ref().map(|l| &l.0), "confirmed_on": tie.confirmed_on }),
        );
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn add_residence_contact(
        &self,
        ctx: &WriteContext,
        member: MemberId,
        on: NaiveDate,
        kind: ContactKind,
        note: &str,
    ) -> Result<i64> {
        if on > ctx.today {
            return Err(StoreError::invalid("on", "future", "Ngày liên hệ không được sau hôm nay."));
        }
        let note = domain::text::optional_text_in(note, domain::text::Lines::Single, domain::residence::MAX_TEXT, "Nội dung")
            .map_err(|e| StoreError::invalid("note", e.code, e.message))?;
        let mut conn = self.db.reader().await?;
        if sql::residence::tie(conn.as_mut(), member).await?.is_none() {
            return Err(StoreError::invalid("on", "no_tie", "Ghi giới thiệu về nơi cư trú trước khi ghi liên hệ."));
        }
        drop(conn);
        let mut tx = self.db.begin().await?;
        let id = sql::residence::insert_contact(tx.as_mut(), member, on, kind, note.as_deref(), ctx.now, &ctx.actor).await?;
        let record = AuditRecord::new("residence.contact", "member", member.0, json!({ "contact": id, "on": on, "kind": kind.code() }));
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn add_residence_comment(&self, ctx: &WriteContext, member: MemberId, comment: Comment) -> Result<i64> {
        let mut conn = self.db.reader().await?;
        if sql::residence::tie(conn.as_mut(), member).await?.is_none() {
            return Err(StoreError::invalid("text", "no_tie", "Đảng viên chưa được giới thiệu về nơi cư trú."));
        }
        drop(conn);
        let mut tx = self.db.begin().await?;
        let id = match sql::residence::insert_comment(tx.as_mut(), member, &comment, ctx.now, &ctx.actor).await {
            Ok(id) => id,
            Err(DbError::Unique(_)) => {
                return Err(StoreError::invalid("year", "duplicate", format!("Đã có nhận xét năm {} của nơi cư trú.", comment.year)));
            }
            Err(e) => return Err(e.into()),
        };
        let record = AuditRecord::new(
            "residence.comment",
            "member",
            member.0,
            json!({ "comment": id, "year": comment.year, "rating": comment.rating.code(), "on": comment.on }),
        );
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn lives_under(&self, member: MemberId, unit: UnitId, on: NaiveDate) -> Result<bool> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let cell = sql::residence::tie(conn.as_mut(), member).await?.and_then(|t| match t.tie.cell {
            Some(ResidenceCell::Internal(u)) => Some(u),
            _ => None,
        });
        drop(conn);
        Ok(cell.is_some_and(|c| c == unit || domain::transfers::Tree::is_within(&*self.index.read(), c, unit, on)))
    }

    async fn residence_report(&self, root: UnitId, year: i32, today: NaiveDate) -> Result<ResidenceReport> {
        self.refresh_index().await?;
        let (unit_name, members, cells) = {
            let index = self.index.read();
            let unit_name = index.unit_version_on(root, today).ok_or(StoreError::NotFound)?;
            let unit_name = index.unit_with_parent(unit_name.unit_id, today);
            let roster = index.roster(root, today, None).unwrap_or_default();
            let members: Vec<MemberId> = roster.iter().map(|e| e.member).collect();
            let mut cells: Vec<UnitId> =
                index.descendants(root, today).into_iter().filter(|d| d.kind.holds_members()).map(|d| d.unit).collect();
            cells.push(root);
            (unit_name, members, cells)
        };
        let mut conn = self.db.reader().await?;
        let with_ties: std::collections::HashSet<MemberId> =
            sql::residence::ties_of(conn.as_mut(), &members).await?.into_iter().map(|t| t.member).collect();
        let living: Vec<MemberId> = sql::residence::ties_living_in(conn.as_mut(), &cells).await?.into_iter().map(|t| t.member).collect();
        drop(conn);
        let working: Vec<MemberId> = {
            let index = self.index.read();
            members
                .iter()
                .copied()
                .filter(|m| with_ties.contains(m) || index.occupation_on(*m, today).is_some_and(domain::residence::is_working_member))
                .collect()
        };
        let deadline = crate::evaluation::EvaluationStore::evaluation_rounds(self, root, today)
            .await?
            .into_iter()
            .filter(|r| r.period == domain::evaluation::Period::Year(year))
            .filter_map(|r| r.due_on)
            .min();
        let working = self.residence_lines(&working, year, today).await?;
        let by_child = {
            let index = self.index.read();
            index
                .children(Some(root), today)
                .into_iter()
                .map(|(child, _, _)| {
                    let under = |l: &&ResidenceLine| {
                        l.unit.is_some_and(|u| u == child.unit_id || domain::transfers::Tree::is_within(&*index, u, child.unit_id, today))
                    };
                    let lines: Vec<&ResidenceLine> = working.iter().filter(under).collect();
                    let comments_in_time = lines
                        .iter()
                        .filter(|l| {
                            l.comment.as_ref().is_some_and(|c| deadline.is_none_or(|due| domain::evaluation::comment_in_time(c.on, due)))
                        })
                        .count();
                    ChildResidence {
                        unit: child.unit_id,
                        name: child.name,
                        due: ResidenceDue::of(lines.iter().map(|l| &l.standing)),
                        comments_in_time,
                    }
                })
                .filter(|c| c.due.working > 0)
                .collect()
        };
        Ok(ResidenceReport {
            unit: root,
            unit_name,
            year,
            working,
            living_here: self.residence_lines(&living, year, today).await?,
            deadline,
            by_child,
        })
    }

    async fn residence_due(&self, root: UnitId, year: i32, today: NaiveDate) -> Result<Option<ResidenceDue>> {
        if !self.countable(root, today).await? {
            return Ok(None);
        }
        // The report's working members, counted without the names and places the report shows.
        let members: Vec<MemberId> = {
            let roster = self.index.read().roster(root, today, None).unwrap_or_default();
            roster.iter().map(|e| e.member).collect()
        };
        let loaded = self.load_ties(&members).await?;
        let index = self.index.read();
        let standings: Vec<TieStanding> = members
            .iter()
            .filter(|m| loaded.ties.contains_key(m) || index.occupation_on(**m, today).is_some_and(domain::residence::is_working_member))
            .map(|m| loaded.standing(*m, year, self.residence.contact_interval_months, today))
            .collect();
        Ok(Some(ResidenceDue::of(&standings)))
    }

    async fn residence_comments(&self, members: &[MemberId], year: i32) -> Result<HashMap<MemberId, Comment>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::residence::comments_of(conn.as_mut(), members)
            .await?
            .into_iter()
            .filter(|c| c.comment.year == year)
            .map(|c| (c.member, c.comment))
            .collect())
    }
}
