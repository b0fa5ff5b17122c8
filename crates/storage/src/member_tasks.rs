//! Tasks a chi bộ assigns to its members (domain::member_tasks): the chi bộ assigns, each member
//! named reports once that it is done. Each write audited in its transaction.

use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::json;

use domain::ids::{MemberId, UnitId};
use domain::member_tasks::{TaskInput, TaskProgress};

use crate::context::WriteContext;
use crate::error::{Result, StoreError};
use crate::model::AuditRecord;
use crate::sql;
pub use crate::sql::member_tasks::TaskRow;
use crate::store::SqlStore;

#[async_trait]
pub trait MemberTaskStore: Send + Sync {
    /// Assigns a task to members on the chi bộ's own list on the day it is assigned (anyone else
    /// named: refused, field `assignees`, naming no one).
    async fn assign_task(&self, ctx: &WriteContext, chi_bo: UnitId, task: TaskInput) -> Result<i64>;
    /// The chi bộ a task belongs to (404 for no such task).
    async fn member_task_unit(&self, id: i64) -> Result<UnitId>;
    /// A chi bộ's tasks assigned between two days, newest first, with each member's progress.
    async fn unit_tasks(&self, chi_bo: UnitId, first: NaiveDate, last: NaiveDate, today: NaiveDate) -> Result<Vec<UnitTask>>;
    /// The members on the chi bộ's own list on a day, by name.
    async fn chi_bo_members(&self, chi_bo: UnitId, on: NaiveDate) -> Result<Vec<ListedMember>>;
    /// The tasks naming a member, newest first.
    async fn member_tasks(&self, member: MemberId, today: NaiveDate) -> Result<Vec<MemberTask>>;
    /// The member reports the task done, today (once; 404 when the task does not name them).
    async fn report_task(&self, ctx: &WriteContext, task: i64, member: MemberId, report: &str) -> Result<()>;
}

/// A task of a chi bộ with everyone it names.
#[derive(Debug, Clone)]
pub struct UnitTask {
    pub task: TaskRow,
    pub assignees: Vec<Assignee>,
}

impl UnitTask {
    /// Members who reported it done.
    pub fn done(&self) -> usize {
        self.assignees.iter().filter(|a| a.progress.is_done()).count()
    }
}

/// One member named by a task.
#[derive(Debug, Clone)]
pub struct Assignee {
    pub member: MemberId,
    pub full_name: String,
    pub progress: TaskProgress,
    pub done_on: Option<NaiveDate>,
    pub report: Option<String>,
}

/// A member on a chi bộ's list, as a form offers them.
#[derive(Debug, Clone)]
pub struct ListedMember {
    pub member: MemberId,
    pub full_name: String,
    pub birth: NaiveDate,
}

/// A task as the member it names sees it.
#[derive(Debug, Clone)]
pub struct MemberTask {
    pub task: TaskRow,
    pub progress: TaskProgress,
    pub done_on: Option<NaiveDate>,
    pub report: Option<String>,
}

/// The register's order of names: by given name, then family and middle names.
fn register_order(full_name: &str) -> String {
    domain::text::sort_key(&domain::text::PersonName::from_stored(full_name.to_owned()))
}

#[async_trait]
impl MemberTaskStore for SqlStore {
    async fn assign_task(&self, ctx: &WriteContext, chi_bo: UnitId, task: TaskInput) -> Result<i64> {
        self.refresh_index().await?;
        {
            let index = self.index.read();
            if task.assignees.iter().any(|m| index.member_unit_on(*m, task.assigned_on) != Some(chi_bo)) {
                return Err(StoreError::invalid(
                    "assignees",
                    "not_on_list",
                    "Chỉ giao nhiệm vụ cho đảng viên trong danh sách chi bộ vào ngày giao.",
                ));
            }
        }
        let mut tx = self.db.begin().await?;
        let id = sql::member_tasks::insert_task(tx.as_mut(), chi_bo, &task, ctx.now, &ctx.actor).await?;
        sql::member_tasks::insert_assignees(tx.as_mut(), id, &task.assignees, self.db.max_params()).await?;
        let record = AuditRecord::new(
            "member_task.assign",
            "member_task",
            id,
            json!({
                "unit": chi_bo.0,
                "title": task.title,
                "assigned_on": task.assigned_on,
                "due": task.due,
                "members": task.assignees.iter().map(|m| m.0).collect::<Vec<_>>(),
            }),
        );
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn member_task_unit(&self, id: i64) -> Result<UnitId> {
        let mut conn = self.db.reader().await?;
        Ok(sql::member_tasks::task(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?.unit)
    }

    async fn unit_tasks(&self, chi_bo: UnitId, first: NaiveDate, last: NaiveDate, today: NaiveDate) -> Result<Vec<UnitTask>> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let rows = sql::member_tasks::tasks_of_unit(conn.as_mut(), chi_bo, first, last).await?;
        let index = self.index.read();
        Ok(rows
            .into_iter()
            .map(|(task, named)| {
                let mut assignees: Vec<Assignee> = named
                    .into_iter()
                    .map(|a| Assignee {
                        full_name: index.member_name(a.member).map(|(n, _)| n).unwrap_or_default(),
                        progress: TaskProgress::of(task.due, a.done_on, today),
                        member: a.member,
                        done_on: a.done_on,
                        report: a.report,
                    })
                    .collect();
                assignees.sort_by_cached_key(|a| register_order(&a.full_name));
                UnitTask { task, assignees }
            })
            .collect())
    }

    async fn chi_bo_members(&self, chi_bo: UnitId, on: NaiveDate) -> Result<Vec<ListedMember>> {
        self.refresh_index().await?;
        let index = self.index.read();
        let roster = index.roster(chi_bo, on, None).ok_or(StoreError::NotFound)?;
        let mut members: Vec<ListedMember> = roster
            .into_iter()
            .filter(|e| e.unit == chi_bo)
            .filter_map(|e| index.member_name(e.member).map(|(full_name, birth)| ListedMember { member: e.member, full_name, birth }))
            .collect();
        members.sort_by_cached_key(|m| register_order(&m.full_name));
        Ok(members)
    }

    async fn member_tasks(&self, member: MemberId, today: NaiveDate) -> Result<Vec<MemberTask>> {
        let mut conn = self.db.reader().await?;
        let rows = sql::member_tasks::tasks_of_member(conn.as_mut(), member).await?;
        Ok(rows
            .into_iter()
            .map(|(task, a)| MemberTask {
                progress: TaskProgress::of(task.due, a.done_on, today),
                task,
                done_on: a.done_on,
                report: a.report,
            })
            .collect())
    }

    async fn report_task(&self, ctx: &WriteContext, task: i64, member: MemberId, report: &str) -> Result<()> {
        let mut conn = self.db.reader().await?;
        let named = sql::member_tasks::assignee(conn.as_mut(), task, member).await?.ok_or(StoreError::NotFound)?;
        drop(conn);
        let report = domain::member_tasks::check_report(report, named.done_on.is_some())?;
        let mut tx = self.db.begin().await?;
        if !sql::member_tasks::report(tx.as_mut(), task, member, ctx.today, &report, ctx.now).await? {
            // Reported meanwhile (another tab): the first report stands.
            return Err(domain::member_tasks::already_reported().into());
        }
        let record = AuditRecord::new("member_task.report", "member_task", task, json!({ "member": member.0, "done_on": ctx.today }));
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(())
    }
}
