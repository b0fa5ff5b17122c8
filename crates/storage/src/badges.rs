//! Party badges (domain::badges, rules.md §6, docs/design/badges.md): who is due at an award
//! day, a unit's proposal list for the day (generated from the register, reviewed, sent up,
//! decided), the badges each member holds, and the badges awarded over a period. Each write
//! audited in its transaction.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::json;

use domain::badges::{Circumstance, Facts, Verdict, WaitRule};
use domain::cards::CardSettings;
use domain::history::Status;
use domain::ids::{DecisionNumber, MemberId, UnitId};

use crate::context::WriteContext;
use crate::db::DbError;
use crate::error::{Result, StoreError};
use crate::model::AuditRecord;
use crate::sql;
pub use crate::sql::badges::{BadgeRow, LineRow, ListRow, ListStatus};
use crate::sql::discipline::{DisciplineRow, InterruptionRow};
use crate::store::SqlStore;

/// The site's settings for the routines of issue cards and badges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoutineSettings {
    /// Which source's wait after a discipline holds a badge back (docs/design/badges.md).
    pub wait_rule: WaitRule,
    pub cards: CardSettings,
}

impl Default for RoutineSettings {
    fn default() -> Self {
        RoutineSettings { wait_rule: domain::badges::DEFAULT_WAIT_RULE, cards: CardSettings::default() }
    }
}

/// A member's standing for an award day.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub member: MemberId,
    pub member_name: String,
    pub unit_name: String,
    pub party_age_months: u32,
    pub held: Option<u32>,
    /// How the verdict was read: ordinary, or the early window of the seriously ill or posthumous.
    pub circumstance: Circumstance,
    pub verdict: Verdict,
}

/// A proposal list with its lines and the members held back.
#[derive(Debug, Clone)]
pub struct BadgeList {
    pub row: ListRow,
    pub unit_name: String,
    pub lines: Vec<ListLine>,
    /// Members who would be due but a discipline holds back (shown, not proposed).
    pub held: Vec<Candidate>,
}

/// A member on a list.
#[derive(Debug, Clone)]
pub struct ListLine {
    pub line: LineRow,
    pub member_name: String,
    pub unit_name: String,
    pub party_age_months: u32,
}

/// A badge awarded, for the report.
#[derive(Debug, Clone)]
pub struct AwardLine {
    pub badge: BadgeRow,
    pub member_name: String,
    pub unit_name: String,
}

#[async_trait]
pub trait BadgeStore: Send + Sync {
    fn routine_settings(&self) -> RoutineSettings;
    /// Who under `root` is due (or held back) at `award_on`.
    async fn badge_candidates(&self, root: UnitId, award_on: NaiveDate, today: NaiveDate) -> Result<Vec<Candidate>>;
    /// Who under `root` is due at `award_on` only within an early window: members on the lists if
    /// seriously ill, and members who died within the last two years (posthumously).
    async fn badge_early(&self, root: UnitId, award_on: NaiveDate, today: NaiveDate) -> Result<Vec<Candidate>>;
    /// A member's verdict for `award_on` as `circumstance` reads it.
    async fn badge_verdict(&self, member: MemberId, award_on: NaiveDate, circumstance: Circumstance) -> Result<Verdict>;
    /// Opens `unit`'s list for `award_on` with every member due then.
    async fn open_badge_list(&self, ctx: &WriteContext, unit: UnitId, award_on: NaiveDate) -> Result<i64>;
    /// Adds a member (seriously ill, posthumous: the early windows) to a draft list, at `version`.
    async fn add_badge_line(&self, ctx: &WriteContext, list: i64, version: i64, member: MemberId, circumstance: Circumstance)
    -> Result<()>;
    /// Takes a member off a draft list, at `version`.
    async fn remove_badge_line(&self, ctx: &WriteContext, list: i64, version: i64, member: MemberId) -> Result<()>;
    /// Sends a draft list up, at `version`.
    async fn send_badge_list(&self, ctx: &WriteContext, list: i64, version: i64) -> Result<()>;
    /// Records the decision on a sent list: each member on it holds the badge from the award day.
    async fn decide_badge_list(
        &self,
        ctx: &WriteContext,
        list: i64,
        version: i64,
        decision: DecisionNumber,
        decided_on: NaiveDate,
        issuer: String,
    ) -> Result<()>;
    /// A list with its lines (404 for none).
    async fn badge_list(&self, list: i64, today: NaiveDate) -> Result<BadgeList>;
    /// The lists of units at or under `root`, latest award day first.
    async fn badge_lists_under(&self, root: UnitId, today: NaiveDate) -> Result<Vec<(ListRow, String)>>;
    /// Whether `member` belongs to `unit`'s subtree today (a deceased member: their last unit).
    async fn belongs_to_list_unit(&self, member: MemberId, unit: UnitId, today: NaiveDate) -> Result<bool>;
    /// Records a badge a member already holds (awarded before the register kept them).
    async fn record_badge(&self, ctx: &WriteContext, member: MemberId, badge: BadgeRow) -> Result<i64>;
    /// Records many badges held from before (an import, the generated data) in one transaction,
    /// audited once with the members named; refused whole on a bad row.
    async fn record_badges(&self, ctx: &WriteContext, badges: Vec<BadgeRow>) -> Result<usize>;
    /// A member's badges, highest first.
    async fn member_badges(&self, member: MemberId) -> Result<Vec<BadgeRow>>;
    /// Badges awarded within `[from, to]` to members of `root`'s subtree.
    async fn badges_awarded(&self, root: UnitId, from: NaiveDate, to: NaiveDate) -> Result<Vec<AwardLine>>;
}

fn duplicate_or(e: DbError) -> StoreError {
    match e {
        DbError::Unique(_) => StoreError::invalid("milestone", "duplicate", "Đảng viên đã có Huy hiệu mốc này."),
        other => other.into(),
    }
}

impl SqlStore {
    /// The facts of each member for `award_on`: party age, the highest badge held, disciplines.
    async fn badge_facts(&self, members: &[MemberId], award_on: NaiveDate) -> Result<HashMap<MemberId, Facts>> {
        let mut conn = self.db.reader().await?;
        let badges = sql::badges::all(conn.as_mut()).await?;
        let disciplines: Vec<DisciplineRow> = sql::discipline::all(conn.as_mut()).await?;
        let ids: Vec<i64> = disciplines.iter().map(|d| d.id).collect();
        let interruptions: Vec<InterruptionRow> = sql::discipline::interruptions(conn.as_mut(), &ids).await?;
        drop(conn);
        let mut held: HashMap<MemberId, u32> = HashMap::new();
        for b in &badges {
            let h = held.entry(b.member).or_default();
            *h = (*h).max(b.milestone);
        }
        let index = self.index.read();
        Ok(members
            .iter()
            .map(|m| {
                let ds = disciplines
                    .iter()
                    .filter(|d| d.member == *m)
                    .map(|d| domain::badges::DisciplineFacts {
                        discipline: d.discipline(),
                        interruptions: interruptions.iter().filter(|i| i.discipline == d.id).map(|i| i.on).collect(),
                        lifted_on: d.lifted_on,
                    })
                    .collect();
                let facts = Facts {
                    party_age_months: index.party_age_months(*m, award_on),
                    held: held.get(m).copied(),
                    circumstance: None,
                    disciplines: ds,
                    expelled: index.member_status(*m, award_on) == Some(Status::Expelled),
                };
                (*m, facts)
            })
            .collect())
    }

    async fn draft(&self, tx: &mut dyn crate::db::Conn, list: i64, version: i64) -> Result<ListRow> {
        let row = sql::badges::list(tx, list).await?.ok_or(StoreError::NotFound)?;
        if row.version != version {
            return Err(StoreError::Conflict { current: row.version });
        }
        if row.status != ListStatus::Draft {
            return Err(StoreError::invalid("list", "not_draft", "Danh sách đã gửi lên cấp trên: không sửa được nữa."));
        }
        Ok(row)
    }
}

#[async_trait]
impl BadgeStore for SqlStore {
    fn routine_settings(&self) -> RoutineSettings {
        self.routines
    }

    async fn badge_candidates(&self, root: UnitId, award_on: NaiveDate, today: NaiveDate) -> Result<Vec<Candidate>> {
        self.refresh_index().await?;
        let roster = self.index.read().roster(root, today, None).ok_or(StoreError::NotFound)?;
        let members: Vec<MemberId> = roster.iter().map(|e| e.member).collect();
        let facts = self.badge_facts(&members, award_on).await?;
        let rule = self.routines.wait_rule;
        let index = self.index.read();
        Ok(roster
            .into_iter()
            .filter_map(|e| {
                let f = facts.get(&e.member)?;
                let verdict = domain::badges::verdict(f, award_on, rule);
                matches!(verdict, Verdict::Due { .. } | Verdict::Held { .. }).then(|| Candidate {
                    member: e.member,
                    member_name: e.full_name,
                    unit_name: index.unit_with_parent(e.unit, today),
                    party_age_months: f.party_age_months.unwrap_or(0),
                    held: f.held,
                    circumstance: Circumstance::Ordinary,
                    verdict,
                })
            })
            .collect())
    }

    async fn badge_early(&self, root: UnitId, award_on: NaiveDate, today: NaiveDate) -> Result<Vec<Candidate>> {
        self.refresh_index().await?;
        let (roster, deceased) = {
            let index = self.index.read();
            let roster = index.roster(root, today, None).ok_or(StoreError::NotFound)?;
            let since = domain::dates::sub_months(today, 24);
            (roster, index.deceased_since(root, since, today))
        };
        let mut members: Vec<(MemberId, Circumstance)> = roster.iter().map(|e| (e.member, Circumstance::SeriouslyIll)).collect();
        members.extend(deceased.iter().map(|m| (*m, Circumstance::Posthumous)));
        let ids: Vec<MemberId> = members.iter().map(|(m, _)| *m).collect();
        let facts = self.badge_facts(&ids, award_on).await?;
        let rule = self.routines.wait_rule;
        let index = self.index.read();
        Ok(members
            .into_iter()
            .filter_map(|(member, circumstance)| {
                let mut f = facts.get(&member)?.clone();
                let ordinary = domain::badges::verdict(&f, award_on, rule);
                f.circumstance = Some(circumstance);
                let verdict = domain::badges::verdict(&f, award_on, rule);
                let include = match circumstance {
                    Circumstance::Posthumous => matches!(verdict, Verdict::Due { .. }),
                    _ => {
                        matches!(verdict, Verdict::Due { early_months, .. } if early_months > 0) && !matches!(ordinary, Verdict::Due { .. })
                    }
                };
                include.then(|| Candidate {
                    member,
                    member_name: index.member_name(member).map(|(n, _)| n).unwrap_or_default(),
                    unit_name: index.member_unit_before(member, today).map(|(u, d)| index.unit_with_parent(u, d)).unwrap_or_default(),
                    party_age_months: f.party_age_months.unwrap_or(0),
                    held: f.held,
                    circumstance,
                    verdict,
                })
            })
            .collect())
    }

    async fn badge_verdict(&self, member: MemberId, award_on: NaiveDate, circumstance: Circumstance) -> Result<Verdict> {
        self.refresh_index().await?;
        let mut facts = self.badge_facts(&[member], award_on).await?;
        let mut f = facts.remove(&member).ok_or(StoreError::NotFound)?;
        f.circumstance = Some(circumstance);
        Ok(domain::badges::verdict(&f, award_on, self.routines.wait_rule))
    }

    async fn open_badge_list(&self, ctx: &WriteContext, unit: UnitId, award_on: NaiveDate) -> Result<i64> {
        if domain::badges::AwardDay::ALL.iter().all(|d| d.on(chrono::Datelike::year(&award_on)) != award_on) {
            return Err(StoreError::invalid("award_on", "not_award_day", "Ngày trao tặng là 3/2, 19/5, 2/9 hoặc 7/11."));
        }
        if award_on < ctx.today {
            return Err(StoreError::invalid("award_on", "past", "Lập danh sách cho một đợt trao tặng sắp tới."));
        }
        let candidates = self.badge_candidates(unit, award_on, ctx.today).await?;
        let (mut tx, seq) = self.begin_write().await?;
        let id = sql::badges::insert_list(tx.as_mut(), unit, award_on, self.routines.wait_rule, ctx.now, &ctx.actor).await.map_err(
            |e| match e {
                DbError::Unique(_) => StoreError::invalid("award_on", "duplicate", "Đơn vị đã có danh sách cho đợt này."),
                other => other.into(),
            },
        )?;
        let mut n = 0;
        for c in &candidates {
            if let Verdict::Due { milestone, early_months } = c.verdict {
                let line = LineRow { member: c.member, milestone, circumstance: Circumstance::Ordinary, early_months };
                sql::badges::insert_line(tx.as_mut(), id, &line).await?;
                n += 1;
            }
        }
        let record = AuditRecord::new(
            "badge_list.open",
            "unit",
            unit.0,
            json!({ "list": id, "award_on": award_on, "lines": n, "wait_rule": self.routines.wait_rule.code() }),
        );
        self.commit_write(tx, seq, ctx, &[record], "badge_list", &[id]).await?;
        Ok(id)
    }

    async fn add_badge_line(
        &self,
        ctx: &WriteContext,
        list: i64,
        version: i64,
        member: MemberId,
        circumstance: Circumstance,
    ) -> Result<()> {
        let mut conn = self.db.reader().await?;
        let row = sql::badges::list(conn.as_mut(), list).await?.ok_or(StoreError::NotFound)?;
        drop(conn);
        let deceased = self.index.read().member_status(member, ctx.today) == Some(Status::Deceased);
        if deceased != (circumstance == Circumstance::Posthumous) {
            let message = if deceased {
                "Đảng viên đã từ trần: chọn truy tặng."
            } else {
                "Truy tặng chỉ cho đảng viên đã từ trần."
            };
            return Err(StoreError::invalid("circumstance", "posthumous", message));
        }
        let verdict = self.badge_verdict(member, row.award_on, circumstance).await?;
        let Verdict::Due { milestone, early_months } = verdict else {
            return Err(StoreError::invalid("member", "not_due", verdict_words(&verdict)));
        };
        let (mut tx, seq) = self.begin_write().await?;
        self.draft(tx.as_mut(), list, version).await?;
        sql::badges::delete_line(tx.as_mut(), list, member).await?;
        sql::badges::insert_line(tx.as_mut(), list, &LineRow { member, milestone, circumstance, early_months }).await?;
        if !sql::badges::touch_draft(tx.as_mut(), list, version).await? {
            return Err(StoreError::Conflict { current: version });
        }
        let record = AuditRecord::new(
            "badge_list.add",
            "unit",
            row.unit.0,
            json!({ "list": list, "member": member.0, "milestone": milestone, "circumstance": circumstance.code(), "early_months": early_months }),
        );
        self.commit_write(tx, seq, ctx, &[record], "badge_list", &[list]).await
    }

    async fn remove_badge_line(&self, ctx: &WriteContext, list: i64, version: i64, member: MemberId) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let row = self.draft(tx.as_mut(), list, version).await?;
        if !sql::badges::delete_line(tx.as_mut(), list, member).await? {
            return Err(StoreError::NotFound);
        }
        if !sql::badges::touch_draft(tx.as_mut(), list, version).await? {
            return Err(StoreError::Conflict { current: version });
        }
        let record = AuditRecord::new("badge_list.remove", "unit", row.unit.0, json!({ "list": list, "member": member.0 }));
        self.commit_write(tx, seq, ctx, &[record], "badge_list", &[list]).await
    }

    async fn send_badge_list(&self, ctx: &WriteContext, list: i64, version: i64) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let row = self.draft(tx.as_mut(), list, version).await?;
        if sql::badges::lines(tx.as_mut(), list).await?.is_empty() {
            return Err(StoreError::invalid("list", "empty", "Danh sách chưa có đảng viên nào."));
        }
        if !sql::badges::send(tx.as_mut(), list, version, ctx.today).await? {
            return Err(StoreError::Conflict { current: version });
        }
        let record = AuditRecord::new("badge_list.send", "unit", row.unit.0, json!({ "list": list, "on": ctx.today }));
        self.commit_write(tx, seq, ctx, &[record], "badge_list", &[list]).await
    }

    async fn decide_badge_list(
        &self,
        ctx: &WriteContext,
        list: i64,
        version: i64,
        decision: DecisionNumber,
        decided_on: NaiveDate,
        issuer: String,
    ) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let row = sql::badges::list(tx.as_mut(), list).await?.ok_or(StoreError::NotFound)?;
        if row.version != version {
            return Err(StoreError::Conflict { current: row.version });
        }
        if row.status != ListStatus::Sent {
            let message = if row.status == ListStatus::Draft {
                "Danh sách chưa gửi lên cấp trên."
            } else {
                "Đã ghi quyết định của danh sách này."
            };
            return Err(StoreError::invalid("decision", "not_sent", message));
        }
        if decided_on > ctx.today || row.sent_on.is_some_and(|s| decided_on < s) {
            return Err(StoreError::invalid("decided_on", "out_of_order", "Ngày quyết định phải từ ngày gửi danh sách đến hôm nay."));
        }
        if issuer.trim().is_empty() {
            return Err(StoreError::invalid("issuer", "required", "Ghi cấp ra quyết định (Ban Thường vụ Tỉnh ủy…)."));
        }
        let lines = sql::badges::lines(tx.as_mut(), list).await?;
        for l in &lines {
            let badge = BadgeRow {
                id: 0,
                member: l.member,
                milestone: l.milestone,
                awarded_on: row.award_on,
                decision: decision.as_str().to_string(),
                issuer: issuer.trim().to_string(),
                circumstance: l.circumstance,
                list: Some(list),
            };
            sql::badges::insert_badge(tx.as_mut(), &badge, ctx.now, &ctx.actor).await.map_err(duplicate_or)?;
        }
        if !sql::badges::decide(tx.as_mut(), list, version, decision.as_str(), decided_on, issuer.trim()).await? {
            return Err(StoreError::Conflict { current: version });
        }
        let members: Vec<i64> = lines.iter().map(|l| l.member.0).collect();
        let record = AuditRecord::new(
            "badge_list.decide",
            "unit",
            row.unit.0,
            json!({ "list": list, "decision": decision.as_str(), "decided_on": decided_on, "issuer": issuer.trim(), "members": members }),
        );
        self.commit_write(tx, seq, ctx, &[record], "badge_list", &[list]).await
    }

    async fn badge_list(&self, list: i64, today: NaiveDate) -> Result<BadgeList> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let row = sql::badges::list(conn.as_mut(), list).await?.ok_or(StoreError::NotFound)?;
        let lines = sql::badges::lines(conn.as_mut(), list).await?;
        drop(conn);
        let held = if row.status == ListStatus::Draft {
            self.badge_candidates(row.unit, row.award_on, today)
                .await?
                .into_iter()
                .filter(|c| matches!(c.verdict, Verdict::Held { .. }))
                .collect()
        } else {
            Vec::new()
        };
        let index = self.index.read();
        let mut lines: Vec<ListLine> = lines
            .into_iter()
            .map(|line| ListLine {
                member_name: index.member_name(line.member).map(|(n, _)| n).unwrap_or_default(),
                unit_name: index.member_unit_before(line.member, today).map(|(u, d)| index.unit_with_parent(u, d)).unwrap_or_default(),
                party_age_months: index.party_age_months(line.member, row.award_on).unwrap_or(0),
                line,
            })
            .collect();
        lines.sort_by(|a, b| {
            b.line
                .milestone
                .cmp(&a.line.milestone)
                .then_with(|| a.unit_name.cmp(&b.unit_name))
                .then_with(|| a.member_name.cmp(&b.member_name))
        });
        Ok(BadgeList { unit_name: index.unit_with_parent(row.unit, today), row, lines, held })
    }

    async fn badge_lists_under(&self, root: UnitId, today: NaiveDate) -> Result<Vec<(ListRow, String)>> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let rows = sql::badges::lists(conn.as_mut()).await?;
        drop(conn);
        let index = self.index.read();
        Ok(rows
            .into_iter()
            .filter(|r| r.unit == root || domain::transfers::Tree::is_within(&*index, r.unit, root, today))
            .map(|r| {
                let name = index.unit_with_parent(r.unit, today);
                (r, name)
            })
            .collect())
    }

    async fn belongs_to_list_unit(&self, member: MemberId, unit: UnitId, today: NaiveDate) -> Result<bool> {
        self.refresh_index().await?;
        let index = self.index.read();
        if index.member_within(member, unit, today) {
            return Ok(true);
        }
        let deceased = index.member_status(member, today) == Some(Status::Deceased);
        Ok(deceased && index.home_unit(member).is_some_and(|h| h == unit || domain::transfers::Tree::is_within(&*index, h, unit, today)))
    }

    async fn record_badge(&self, ctx: &WriteContext, member: MemberId, badge: BadgeRow) -> Result<i64> {
        if !domain::badges::MILESTONES.contains(&badge.milestone) {
            return Err(StoreError::invalid("milestone", "unknown", "Huy hiệu Đảng có các mốc 30, 40, 45, 50, …, 90 năm."));
        }
        if badge.awarded_on > ctx.today {
            return Err(StoreError::invalid("awarded_on", "future", "Chưa đến ngày này."));
        }
        if badge.issuer.trim().is_empty() {
            return Err(StoreError::invalid("issuer", "required", "Ghi cấp ra quyết định."));
        }
        // Not before the member could have it: the milestone less the longest early window
        // (24 months, 01-HD/TW 2021 §18).
        self.refresh_index().await?;
        let age = self.index.read().party_age_months(member, badge.awarded_on).unwrap_or(0);
        if age + 24 < badge.milestone * 12 {
            return Err(StoreError::invalid(
                "milestone",
                "not_reached",
                format!("Ngày trao tặng, tuổi Đảng mới {} năm {} tháng: chưa đến mốc {} năm.", age / 12, age % 12, badge.milestone),
            ));
        }
        let (mut tx, seq) = self.begin_write().await?;
        let b = BadgeRow { list: None, member, ..badge };
        let id = sql::badges::insert_badge(tx.as_mut(), &b, ctx.now, &ctx.actor).await.map_err(duplicate_or)?;
        let record = AuditRecord::new(
            "badge.record",
            "member",
            member.0,
            json!({ "badge": id, "milestone": b.milestone, "awarded_on": b.awarded_on, "decision": b.decision, "issuer": b.issuer }),
        );
        self.commit_write(tx, seq, ctx, &[record], "badge", &[id]).await?;
        Ok(id)
    }

    async fn record_badges(&self, ctx: &WriteContext, badges: Vec<BadgeRow>) -> Result<usize> {
        if badges
            .iter()
            .any(|b| !domain::badges::MILESTONES.contains(&b.milestone) || b.awarded_on > ctx.today || b.issuer.trim().is_empty())
        {
            return Err(StoreError::invalid(
                "milestone",
                "unknown",
                "Có huy hiệu không đúng mốc, chưa đến ngày trao hoặc thiếu cấp quyết định.",
            ));
        }
        let (mut tx, seq) = self.begin_write().await?;
        for b in &badges {
            sql::badges::insert_badge(tx.as_mut(), &BadgeRow { list: None, ..b.clone() }, ctx.now, &ctx.actor)
                .await
                .map_err(duplicate_or)?;
        }
        let members: Vec<i64> = badges.iter().map(|b| b.member.0).collect();
        let record = AuditRecord::new("badge.record_many", "", "", json!({ "badges": badges.len(), "members": members }));
        self.commit_write(tx, seq, ctx, &[record], "badge", &[]).await?;
        Ok(badges.len())
    }

    async fn member_badges(&self, member: MemberId) -> Result<Vec<BadgeRow>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::badges::of_member(conn.as_mut(), member).await?)
    }

    async fn badges_awarded(&self, root: UnitId, from: NaiveDate, to: NaiveDate) -> Result<Vec<AwardLine>> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let rows = sql::badges::awarded_between(conn.as_mut(), from, to).await?;
        drop(conn);
        let index = self.index.read();
        Ok(rows
            .into_iter()
            .filter(|b| index.member_within_before(b.member, root, b.awarded_on))
            .map(|badge| AwardLine {
                member_name: index.member_name(badge.member).map(|(n, _)| n).unwrap_or_default(),
                unit_name: index
                    .member_unit_before(badge.member, badge.awarded_on)
                    .map(|(u, d)| index.unit_with_parent(u, d))
                    .unwrap_or_default(),
                badge,
            })
            .collect())
    }
}

/// A verdict in words (why a member cannot be put on a list).
pub fn verdict_words(v: &Verdict) -> String {
    match v {
        Verdict::Due { milestone, .. } => format!("Đủ điều kiện Huy hiệu {milestone} năm tuổi Đảng."),
        Verdict::Held { milestone, hold } => {
            let until =
                hold.until.map_or_else(|| "đến khi có quyết định mới".to_string(), |d| format!("đến {}", domain::dates::format_vn(d)));
            format!("Huy hiệu {milestone} năm tuổi Đảng chưa được xét: đang chịu kỷ luật {} ({until}).", hold.form.label().to_lowercase())
        }
        Verdict::NotYet { next } => format!("Chưa đủ tuổi Đảng cho Huy hiệu {next} năm tại đợt này."),
        Verdict::None => "Không thuộc diện xét tặng Huy hiệu Đảng.".to_string(),
    }
}
