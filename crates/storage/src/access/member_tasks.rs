//! The [`MemberTaskDesk`] handle: tasks a chi bộ assigns to its members. Whoever reads a chi bộ
//! reads its tasks; whoever writes the register or records the chi bộ's meetings (the chi bộ
//! secretary) assigns them. Every unit named is checked against that scope before anything is
//! read, and outside it the answer is "not found". The member's own side is on
//! [`super::HandbookDesk`].

use super::*;
use crate::member_tasks::{ListedMember, UnitTask};
use domain::member_tasks::TaskInput;

impl Access {
    pub fn member_tasks(&self) -> Result<MemberTaskDesk<'_>> {
        let read = self.filter(Capability::ReadRegister)?;
        let assign = self.principal.scope(Capability::WriteRegister).union(&self.principal.scope(Capability::RecordMeetings));
        Ok(MemberTaskDesk { access: self, read, assign: ScopeFilter { scope: assign, today: self.today() } })
    }
}

/// A chi bộ's tasks within the caller's scope (see [`Access::member_tasks`]).
pub struct MemberTaskDesk<'a> {
    access: &'a Access,
    read: ScopeFilter,
    assign: ScopeFilter,
}

impl MemberTaskDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    /// Whether the caller assigns tasks anywhere (else a post is refused outright).
    pub fn assigns(&self) -> bool {
        !self.assign.scope.is_empty()
    }

    /// Whether the caller assigns the chi bộ's tasks (for showing the form).
    pub async fn may_assign(&self, chi_bo: UnitId) -> bool {
        !self.assign.scope.is_empty() && require(self.store(), &self.assign, ScopeTarget::Unit(chi_bo)).await.is_ok()
    }

    /// The chi bộ's tasks assigned between two days, with each member's progress; audited as
    /// `read.member_tasks`.
    pub async fn of_unit(&self, chi_bo: UnitId, first: NaiveDate, last: NaiveDate) -> Result<Vec<UnitTask>> {
        require(self.store(), &self.read, ScopeTarget::Unit(chi_bo)).await?;
        let tasks = self.store().unit_tasks(chi_bo, first, last, self.access.today()).await?;
        self.access.record("read.member_tasks", "unit", chi_bo, json!({ "first": first, "last": last, "tasks": tasks.len() })).await?;
        Ok(tasks)
    }

    /// The members on the chi bộ's list today, to pick from.
    pub async fn members(&self, chi_bo: UnitId) -> Result<Vec<ListedMember>> {
        require(self.store(), &self.assign, ScopeTarget::Unit(chi_bo)).await?;
        self.store().chi_bo_members(chi_bo, self.access.today()).await
    }

    /// Assigns a task to members of the chi bộ.
    pub async fn assign(&self, chi_bo: UnitId, task: TaskInput) -> Result<i64> {
        require(self.store(), &self.assign, ScopeTarget::Unit(chi_bo)).await?;
        self.store().assign_task(&self.access.write_context(), chi_bo, task).await
    }
}
