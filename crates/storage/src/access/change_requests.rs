//! The [`ChangeRequestDesk`] handle: a member's requests to correct their own record. Only the
//! member sends (their own record, role `member`); whoever reads the member reads their requests
//! (audited as `read.change_request`); the organization staff writing the member's record
//! (`write`) answer, checked before the body is read.

use super::*;
use crate::change_requests::{ChangeRequestView, RequestFile};
use domain::change_requests::RequestInput;

impl Access {
    pub fn change_requests(&self) -> Result<ChangeRequestDesk<'_>> {
        let write = self.principal.scope(Capability::WriteRegister);
        Ok(ChangeRequestDesk {
            access: self,
            read: self.filter(Capability::ReadRegister)?,
            write: (!write.is_empty()).then_some(ScopeFilter { scope: write, today: self.today() }),
        })
    }
}

/// Requests within the caller's scopes (see [`Access::change_requests`]).
pub struct ChangeRequestDesk<'a> {
    access: &'a Access,
    read: ScopeFilter,
    write: Option<ScopeFilter>,
}

impl ChangeRequestDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    /// Whether the caller is this member (their own record).
    pub fn is_own(&self, member: MemberId) -> bool {
        self.access.principal.member == Some(member)
    }

    /// The member sends a request about their own record (403 for anyone else who reads the
    /// record, 404 outside).
    pub async fn send(&self, member: MemberId, input: RequestInput, file: Option<RequestFile>) -> Result<i64> {
        self.require_send(member).await?;
        self.store().send_change_request(&self.access.write_context(), member, input, file).await
    }

    /// Only the member sends their own requests: asked before a request's body is read.
    pub async fn require_send(&self, member: MemberId) -> Result<()> {
        require(self.store(), &self.read, ScopeTarget::Member(member)).await?;
        if self.is_own(member) { Ok(()) } else { Err(StoreError::Forbidden) }
    }

    /// Whether the caller answers this member's requests (for showing the forms).
    pub async fn may_answer(&self, member: MemberId) -> bool {
        match &self.write {
            Some(w) => self.store().member_reach(w, member).await.is_ok_and(|r| r.home),
            None => false,
        }
    }

    /// A request the caller reads, unaudited (404 otherwise).
    async fn visible(&self, id: i64) -> Result<ChangeRequestView> {
        let r = self.store().change_request(id).await?;
        require(self.store(), &self.read, ScopeTarget::Member(r.member)).await?;
        Ok(r)
    }

    /// The caller answers this request (403 when only readable, 404 outside).
    pub async fn require_answer(&self, id: i64) -> Result<ChangeRequestView> {
        let r = self.visible(id).await?;
        if self.may_answer(r.member).await { Ok(r) } else { Err(StoreError::Forbidden) }
    }

    pub async fn request(&self, id: i64) -> Result<ChangeRequestView> {
        let r = self.visible(id).await?;
        self.access.record("read.change_request", "change_request", id, json!({ "member": r.member.0 })).await?;
        Ok(r)
    }

    /// A readable member's requests, newest first.
    pub async fn of_member(&self, member: MemberId) -> Result<Vec<ChangeRequestView>> {
        require(self.store(), &self.read, ScopeTarget::Member(member)).await?;
        self.store().member_change_requests(member).await
    }

    /// The requests waiting for an answer among the members the caller reads, under `unit` when
    /// given (audited with the members they name).
    pub async fn pending(&self, unit: Option<UnitId>) -> Result<Vec<ChangeRequestView>> {
        if let Some(u) = unit {
            require(self.store(), &self.read, ScopeTarget::Unit(u)).await?;
        }
        let mut out = Vec::new();
        for r in self.store().pending_change_requests(unit, self.access.today()).await? {
            if self.store().in_scope(&self.read, ScopeTarget::Member(r.member)).await? {
                out.push(r);
            }
        }
        if !out.is_empty() {
            let members: Vec<i64> = out.iter().map(|r| r.member.0).collect();
            self.access.record("read.change_request", "", "", json!({ "pending": true, "members": members })).await?;
        }
        Ok(out)
    }

    /// How many requests wait under `unit` among the members the caller answers for (a number
    /// for the home page; unaudited: no names).
    pub async fn waiting(&self, unit: UnitId) -> Result<usize> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        let mut n = 0;
        for r in self.store().pending_change_requests(Some(unit), self.access.today()).await? {
            if self.may_answer(r.member).await {
                n += 1;
            }
        }
        Ok(n)
    }

    pub async fn accept(&self, id: i64, version: i64, value: Option<String>) -> Result<()> {
        self.require_answer(id).await?;
        self.store().accept_change_request(&self.access.write_context(), id, version, value, self.access.today()).await
    }

    pub async fn refuse(&self, id: i64, version: i64, reason: String) -> Result<()> {
        self.require_answer(id).await?;
        self.store().refuse_change_request(&self.access.write_context(), id, version, reason, self.access.today()).await
    }

    /// The attachment of a request the caller reads (audited as a read of the request).
    pub async fn file(&self, id: i64) -> Result<RequestFile> {
        let r = self.request(id).await?;
        if r.attachment.is_none() {
            return Err(StoreError::NotFound);
        }
        self.store().change_request_file(id).await
    }
}
