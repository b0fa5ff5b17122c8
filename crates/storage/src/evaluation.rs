//! Quality evaluation rounds (domain::evaluation, docs/design/evaluation.md): a round opened by a
//! committee for its subtree with the regulation of its opening day, one evaluation per member on
//! the lists then and per organization below, each step written at its version, the decision
//! checked against the quota of its group; the sheet of a unit with the inputs beside each member
//! (months absent from the chi bộ's meetings, the residence's comment) and the counts by level.
//! Each write audited in its transaction.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::json;

use domain::evaluation::{Criteria, Facts, GroupCounts, Level, Progress, Regulation, RoundPlan, Step, TypedRating};
use domain::ids::{MemberId, UnitId};
use domain::residence::Comment;
use domain::unit::UnitKind;

use crate::context::WriteContext;
use crate::db::DbError;
use crate::error::{Result, StoreError};
use crate::meetings::MeetingStore;
use crate::model::AuditRecord;
use crate::residence::ResidenceStore;
use crate::sql;
pub use crate::sql::evaluation::{EvaluationRow, RoundRow, Subject};
use crate::store::SqlStore;

#[async_trait]
pub trait EvaluationStore: Send + Sync {
    /// Opens a round for `unit`'s subtree on `ctx.today` with the regulation in force that day:
    /// an evaluation for each member on the lists under it and each organization below it that
    /// holds members or leads others.
    async fn open_round(&self, ctx: &WriteContext, unit: UnitId, plan: &RoundPlan) -> Result<i64>;
    /// The rounds that cover a unit: opened by it or by a unit above it, newest first.
    async fn evaluation_rounds(&self, unit: UnitId, today: NaiveDate) -> Result<Vec<RoundRow>>;
    async fn evaluation_round(&self, id: i64) -> Result<RoundRow>;
    /// Closes a round: its levels are final (409 when closed meanwhile).
    async fn close_round(&self, ctx: &WriteContext, id: i64) -> Result<()>;
    /// A round's evaluations under a unit with names, inputs and counts.
    async fn round_sheet(&self, round: i64, under: UnitId, today: NaiveDate) -> Result<RoundSheet>;
    /// An evaluation with its round (404 for none).
    async fn evaluation_of(&self, id: i64) -> Result<(RoundRow, EvaluationRow)>;
    /// Records one step of an evaluation at `version`; the decision is checked against the quota.
    async fn record_evaluation_step(&self, ctx: &WriteContext, id: i64, version: i64, step: Step, input: StepInput) -> Result<()>;
    /// A member's evaluations with their rounds, newest first.
    async fn member_evaluations(&self, member: MemberId) -> Result<Vec<(RoundRow, EvaluationRow)>>;
    /// The open rounds with work under a unit (opened by it, above it or below it), each with
    /// how far its evaluations under the unit have come, earliest deadline first: the worklist.
    async fn rounds_due(&self, unit: UnitId, today: NaiveDate) -> Result<Vec<RoundDue>>;
    /// A round's own criteria list, if its committee gave one.
    async fn round_criteria(&self, round: i64) -> Result<Option<Criteria>>;
    /// The points per criterion each step of these evaluations gave.
    async fn evaluation_points(&self, evaluations: &[i64]) -> Result<HashMap<i64, Vec<StepPoints>>>;
}

/// A round's criteria list with the points one evaluation's steps gave.
#[derive(Debug, Clone, Default)]
pub struct OwnCriteria {
    pub criteria: Option<Criteria>,
    pub points: Vec<StepPoints>,
}

/// The points one step gave per criterion, in the list's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepPoints {
    pub step: Step,
    pub points: Vec<u8>,
}

/// An open round on a worklist: its evaluations under a unit that still wait for a step.
#[derive(Debug, Clone)]
pub struct RoundDue {
    pub round: RoundRow,
    /// The committee that opened it (with its parent).
    pub opened_by: String,
    /// Opened by the unit or one above it (else by one below it).
    pub covers: bool,
    pub members: Progress,
    pub units: Progress,
}

/// One step as typed.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    pub level: String,
    pub score: String,
    pub note: String,
    /// Disciplined within the period (given with the chi bộ's proposal).
    pub disciplined: bool,
    /// Each criterion's points, in a round with a criteria list.
    pub points: Vec<String>,
}

/// A member on a round's sheet.
#[derive(Debug, Clone)]
pub struct SheetMember {
    pub row: EvaluationRow,
    pub full_name: String,
    pub unit_name: String,
    /// Months of the period's year absent without reason from the chi bộ's meetings.
    pub months_absent: usize,
    /// The residence's comment of the year (Quy định 213-QĐ/TW).
    pub residence: Option<Comment>,
    /// Each step's points per criterion (rounds with a criteria list).
    pub points: Vec<StepPoints>,
}

/// An organization on a round's sheet.
#[derive(Debug, Clone)]
pub struct SheetUnit {
    pub row: EvaluationRow,
    pub name: String,
    /// Its members' levels (decided, else proposed): excellent, good, completed, not completed.
    pub members: [u32; 4],
    /// Each step's points per criterion (rounds with a criteria list).
    pub points: Vec<StepPoints>,
}

/// Counts by level of decided evaluations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LevelCounts {
    /// Excellent, good, completed, not completed.
    pub levels: [u32; 4],
    pub undecided: u32,
}

impl LevelCounts {
    pub fn add(&mut self, level: Option<Level>) {
        match level {
            Some(l) => self.levels[3 - usize::from(l.rank())] += 1,
            None => self.undecided += 1,
        }
    }

    pub fn decided(&self) -> u32 {
        self.levels.iter().sum()
    }
}

/// A round under a unit.
#[derive(Debug, Clone)]
pub struct RoundSheet {
    pub round: RoundRow,
    pub unit: UnitId,
    pub unit_name: String,
    pub members: Vec<SheetMember>,
    pub units: Vec<SheetUnit>,
    /// Members' decided levels under the unit.
    pub member_counts: LevelCounts,
    pub unit_counts: LevelCounts,
    /// Each unit directly below and its members' decided levels (the report's rows).
    pub by_child: Vec<(UnitId, String, LevelCounts)>,
    /// The round's own criteria list, if any.
    pub criteria: Option<Criteria>,
}

fn level_index(level: Level) -> usize {
    3 - usize::from(level.rank())
}

#[async_trait]
impl EvaluationStore for SqlStore {
    async fn open_round(&self, ctx: &WriteContext, unit: UnitId, plan: &RoundPlan) -> Result<i64> {
        self.refresh_index().await?;
        let regulation = Regulation::on(ctx.today);
        domain::evaluation::check_round(regulation, plan, ctx.today)?;
        let period = plan.period;
        let subjects: Vec<(Subject, UnitId)> = {
            let index = self.index.read();
            index.unit_version_on(unit, ctx.today).ok_or(StoreError::NotFound)?;
            let roster = index.roster(unit, ctx.today, None).unwrap_or_default();
            let mut subjects: Vec<(Subject, UnitId)> = roster.iter().map(|e| (Subject::Member(e.member), e.unit)).collect();
            for d in index.descendants(unit, ctx.today) {
                if d.unit == unit || d.kind == UnitKind::Group {
                    continue;
                }
                if let Some(parent) = index.unit_version_on(d.unit, ctx.today).and_then(|v| v.parent_id) {
                    subjects.push((Subject::Unit(d.unit), parent));
                }
            }
            subjects
        };
        let mut tx = self.db.begin().await?;
        let new = sql::evaluation::NewRound { unit, plan, regulation, opened_on: ctx.today };
        let id = match sql::evaluation::insert_round(tx.as_mut(), &new, ctx.now, &ctx.actor).await {
            Ok(id) => id,
            Err(DbError::Unique(_)) => {
                return Err(StoreError::invalid("period", "duplicate", format!("Đã mở đợt đánh giá {} cho tổ chức này.", period.label())));
            }
            Err(e) => return Err(e.into()),
        };
        sql::evaluation::insert_evaluations(tx.as_mut(), id, &subjects, self.db.max_params()).await?;
        if let Some(criteria) = &plan.criteria {
            sql::evaluation::insert_criteria(tx.as_mut(), id, criteria, self.db.max_params()).await?;
        }
        let record = AuditRecord::new(
            "evaluation.open",
            "unit",
            unit.0,
            json!({
                "round": id, "period": period.code(), "regulation": regulation.code(), "quota_percent": plan.quota_percent,
                "due_on": plan.due_on, "evaluations": subjects.len(),
                "criteria": plan.criteria.as_ref().map(|c| c.items().len())
            }),
        );
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn evaluation_rounds(&self, unit: UnitId, today: NaiveDate) -> Result<Vec<RoundRow>> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let all = sql::evaluation::rounds(conn.as_mut()).await?;
        let index = self.index.read();
        Ok(all
            .into_iter()
            .filter(|r| {
                r.unit == unit
                    || domain::transfers::Tree::is_within(&*index, unit, r.unit, r.opened_on)
                    || domain::transfers::Tree::is_within(&*index, unit, r.unit, today)
            })
            .collect())
    }

    async fn evaluation_round(&self, id: i64) -> Result<RoundRow> {
        let mut conn = self.db.reader().await?;
        sql::evaluation::round(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)
    }

    async fn close_round(&self, ctx: &WriteContext, id: i64) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let round = sql::evaluation::round(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if !sql::evaluation::close_round(tx.as_mut(), id, ctx.today).await? {
            return Err(StoreError::Conflict { current: 1 });
        }
        let record = AuditRecord::new("evaluation.close", "unit", round.unit.0, json!({ "round": id, "period": round.period.code() }));
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn round_sheet(&self, round: i64, under: UnitId, today: NaiveDate) -> Result<RoundSheet> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let r = sql::evaluation::round(conn.as_mut(), round).await?.ok_or(StoreError::NotFound)?;
        let rows = sql::evaluation::evaluations(conn.as_mut(), round).await?;
        drop(conn);
        let on = r.opened_on;
        let (within, unit_name, children) = {
            let index = self.index.read();
            let inside = |u: UnitId| u == under || domain::transfers::Tree::is_within(&*index, u, under, on);
            let within: Vec<EvaluationRow> =
                rows.into_iter().filter(|e| inside(e.group) || matches!(e.subject, Subject::Unit(u) if u == under)).collect();
            let children: Vec<(UnitId, String)> =
                index.children(Some(under), on).into_iter().map(|(v, _, _)| (v.unit_id, v.name)).collect();
            (within, index.unit_with_parent(under, on), children)
        };
        let members: Vec<MemberId> =
            within.iter().filter_map(|e| if let Subject::Member(m) = e.subject { Some(m) } else { None }).collect();
        let comments: HashMap<MemberId, Comment> = self.residence_comments(&members, r.period.year()).await?;
        let absent: HashMap<MemberId, usize> =
            self.meeting_alerts(under, r.period.year(), today).await?.absent.into_iter().map(|a| (a.member, a.months.len())).collect();
        let criteria = self.round_criteria(round).await?;
        let mut points = if criteria.is_some() {
            self.evaluation_points(&within.iter().map(|e| e.id).collect::<Vec<_>>()).await?
        } else {
            HashMap::new()
        };
        let index = self.index.read();
        let mut sheet_members = Vec::new();
        let mut sheet_units = Vec::new();
        let (mut member_counts, mut unit_counts) = (LevelCounts::default(), LevelCounts::default());
        let mut by_group: HashMap<UnitId, [u32; 4]> = HashMap::new();
        for e in &within {
            if let Subject::Member(_) = e.subject
                && let Some(l) = e.standing_level()
            {
                by_group.entry(e.group).or_default()[level_index(l)] += 1;
            }
        }
        let mut by_child: Vec<(UnitId, String, LevelCounts)> =
            children.iter().map(|(u, n)| (*u, n.clone(), LevelCounts::default())).collect();
        for e in within {
            match e.subject {
                Subject::Member(m) => {
                    member_counts.add(e.decided.map(|d| d.level));
                    if let Some(c) =
                        by_child.iter_mut().find(|c| e.group == c.0 || domain::transfers::Tree::is_within(&*index, e.group, c.0, on))
                    {
                        c.2.add(e.decided.map(|d| d.level));
                    }
                    sheet_members.push(SheetMember {
                        full_name: index.member_name(m).map(|(n, _)| n).unwrap_or_default(),
                        unit_name: index.unit_name_on(e.group, on).unwrap_or_default(),
                        months_absent: absent.get(&m).copied().unwrap_or(0),
                        residence: comments.get(&m).cloned(),
                        points: points.remove(&e.id).unwrap_or_default(),
                        row: e,
                    });
                }
                Subject::Unit(u) => {
                    unit_counts.add(e.decided.map(|d| d.level));
                    sheet_units.push(SheetUnit {
                        name: index.unit_with_parent(u, on),
                        members: by_group.get(&u).copied().unwrap_or_default(),
                        points: points.remove(&e.id).unwrap_or_default(),
                        row: e,
                    });
                }
            }
        }
        sheet_members.sort_by_cached_key(|m| {
            (domain::text::collation_key(&m.unit_name), domain::text::sort_key(&domain::text::PersonName::from_stored(m.full_name.clone())))
        });
        sheet_units.sort_by_cached_key(|u| domain::text::collation_key(&u.name));
        Ok(RoundSheet {
            round: r,
            unit: under,
            unit_name,
            members: sheet_members,
            units: sheet_units,
            member_counts,
            unit_counts,
            by_child,
            criteria,
        })
    }

    async fn evaluation_of(&self, id: i64) -> Result<(RoundRow, EvaluationRow)> {
        let mut conn = self.db.reader().await?;
        let e = sql::evaluation::evaluation(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        let r = sql::evaluation::round(conn.as_mut(), e.round).await?.ok_or(StoreError::NotFound)?;
        Ok((r, e))
    }

    async fn record_evaluation_step(&self, ctx: &WriteContext, id: i64, version: i64, step: Step, input: StepInput) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let e = sql::evaluation::evaluation(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        let round = sql::evaluation::round(tx.as_mut(), e.round).await?.ok_or(StoreError::NotFound)?;
        if round.closed_on.is_some() {
            return Err(StoreError::invalid("level", "closed", "Đợt đánh giá đã kết thúc."));
        }
        if e.version != version {
            return Err(StoreError::Conflict { current: e.version });
        }
        if e.decided.is_some() {
            return Err(StoreError::invalid("level", "decided", "Đã có quyết định xếp loại."));
        }
        if step == Step::Decision && e.proposed.is_none() {
            return Err(StoreError::invalid("level", "no_proposal", "Chưa có đề xuất của chi bộ, cấp ủy."));
        }
        // A discipline announced within the period on the register counts whatever was ticked
        // (366-QĐ/TW art. 11: it blocks "excellent").
        let on_register = match e.subject {
            Subject::Member(m) => {
                let (first, last) = round.period.days();
                sql::discipline::of_member(tx.as_mut(), m).await?.iter().any(|d| d.announced_on >= first && d.announced_on <= last)
            }
            Subject::Unit(_) => false,
        };
        let disciplined = on_register || if step == Step::Proposal { input.disciplined } else { e.disciplined };
        let criteria = sql::evaluation::criteria(tx.as_mut(), round.id).await?;
        let typed = TypedRating { level: &input.level, score: &input.score, points: &input.points };
        let (rating, points) = domain::evaluation::check_round_rating(round.regulation, criteria.as_ref(), typed, Facts { disciplined })?;
        let note = domain::text::optional_text_in(&input.note, domain::text::Lines::Multi, 2_000, "Nhận xét")
            .map_err(|x| StoreError::invalid("note", x.code, x.message))?;
        if step == Step::Decision && rating.level == Level::Excellent {
            // The quota: the group's members (or organizations) good or better at their decided
            // level, else the proposed one; "excellent" as decided, with this decision.
            let group = sql::evaluation::evaluations(tx.as_mut(), e.round).await?;
            let same_kind = |x: &EvaluationRow| {
                matches!((x.subject, e.subject), (Subject::Member(_), Subject::Member(_)) | (Subject::Unit(_), Subject::Unit(_)))
            };
            let mut counts = GroupCounts::default();
            for x in group.iter().filter(|x| x.group == e.group && same_kind(x)) {
                let (standing, decided) =
                    if x.id == e.id { (Some(rating.level), Some(rating.level)) } else { (x.standing_level(), x.decided.map(|d| d.level)) };
                counts.good_or_better += u32::from(standing.is_some_and(Level::good_or_better));
                counts.excellent += u32::from(decided == Some(Level::Excellent));
            }
            domain::evaluation::check_quota(counts, round.quota_percent).map_err(|x| StoreError::invalid("level", x.code, x.message))?;
        }
        if !sql::evaluation::record_step(tx.as_mut(), id, version, step, &rating, note.as_deref(), disciplined, ctx.today, &ctx.actor)
            .await?
        {
            return Err(StoreError::Conflict { current: version });
        }
        if criteria.is_some() {
            sql::evaluation::set_points(tx.as_mut(), id, step, &points, self.db.max_params()).await?;
        }
        let (kind, subject) = match e.subject {
            Subject::Member(m) => ("member", m.0),
            Subject::Unit(u) => ("unit", u.0),
        };
        let record = AuditRecord::new(
            "evaluation.step",
            kind,
            subject,
            json!({
                "evaluation": id, "round": e.round, "step": step.code(), "level": rating.level.code(), "score": rating.score,
                "points": if points.is_empty() { None } else { Some(&points) }
            }),
        );
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn member_evaluations(&self, member: MemberId) -> Result<Vec<(RoundRow, EvaluationRow)>> {
        let mut conn = self.db.reader().await?;
        let rows = sql::evaluation::evaluations_of_member(conn.as_mut(), member).await?;
        let mut out = Vec::new();
        for e in rows {
            if let Some(r) = sql::evaluation::round(conn.as_mut(), e.round).await? {
                out.push((r, e));
            }
        }
        Ok(out)
    }

    async fn rounds_due(&self, unit: UnitId, today: NaiveDate) -> Result<Vec<RoundDue>> {
        use domain::transfers::Tree;
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let open: Vec<RoundRow> = sql::evaluation::rounds(conn.as_mut()).await?.into_iter().filter(|r| r.closed_on.is_none()).collect();
        // The rounds with work under the unit: opened by it or above it, or below it.
        let relevant: Vec<(RoundRow, bool)> = {
            let index = self.index.read();
            open.into_iter()
                .filter_map(|round| {
                    let above = round.unit == unit || Tree::is_within(&*index, unit, round.unit, today);
                    let below = !above && Tree::is_within(&*index, round.unit, unit, today);
                    (above || below).then_some((round, above))
                })
                .collect()
        };
        let ids: Vec<i64> = relevant.iter().map(|(r, _)| r.id).collect();
        let groups = sql::evaluation::progress(conn.as_mut(), &ids).await?;
        drop(conn);
        let index = self.index.read();
        let mut out = Vec::new();
        for (round, above) in relevant {
            let (mut members, mut units) = (Progress::default(), Progress::default());
            for g in groups.iter().filter(|g| g.round == round.id) {
                if !above || g.group == unit || Tree::is_within(&*index, g.group, unit, today) {
                    if g.of_members { members.add(g.progress) } else { units.add(g.progress) }
                }
            }
            if members.total + units.total == 0 {
                continue;
            }
            let opened_by = index.unit_with_parent(round.unit, today);
            out.push(RoundDue { round, opened_by, covers: above, members, units });
        }
        out.sort_by_key(|d| (d.round.due_on.is_none(), d.round.due_on, d.round.id));
        Ok(out)
    }

    async fn round_criteria(&self, round: i64) -> Result<Option<Criteria>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::evaluation::criteria(conn.as_mut(), round).await?)
    }

    async fn evaluation_points(&self, evaluations: &[i64]) -> Result<HashMap<i64, Vec<StepPoints>>> {
        let mut conn = self.db.reader().await?;
        let mut out: HashMap<i64, Vec<StepPoints>> = HashMap::new();
        for p in sql::evaluation::points_of(conn.as_mut(), evaluations).await? {
            let steps = out.entry(p.evaluation).or_default();
            match steps.iter_mut().find(|s| s.step == p.step) {
                Some(s) => s.points.push(p.points),
                None => steps.push(StepPoints { step: p.step, points: vec![p.points] }),
            }
        }
        for steps in out.values_mut() {
            steps.sort_by_key(|s| Step::ALL.iter().position(|x| *x == s.step));
        }
        Ok(out)
    }
}
