//! The [`TransferDesk`] handle: transfers of party activity as each side sees them. The sending
//! side is the scope over the unit the member leaves; the receiving side the scope over the unit
//! the letter names, the unit it became by a merger, or the unit that accepted the member. Reading
//! needs the read scope on either side (or on the member); issuing, cancelling, closing with a
//! return slip need `write` on the sending side; presenting, accepting and refusing `write` on
//! the receiving side; the return of a temporary transfer `write` on either. Reads are audited
//! (a transfer names a member).

use super::*;
use crate::transfers::{TransferBook, TransferView};
use domain::transfers::{BookLine, TransferPlan};

impl Access {
    pub fn transfers(&self) -> Result<TransferDesk<'_>> {
        let write = self.principal.scope(Capability::WriteRegister);
        Ok(TransferDesk {
            access: self,
            read: self.filter(Capability::ReadRegister)?,
            write: (!write.is_empty()).then_some(ScopeFilter { scope: write, today: self.today() }),
        })
    }
}

/// Transfers within the caller's scopes (see [`Access::transfers`]).
pub struct TransferDesk<'a> {
    access: &'a Access,
    read: ScopeFilter,
    write: Option<ScopeFilter>,
}

/// The sides of a transfer a scope covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SidesHeld {
    pub sending: bool,
    pub receiving: bool,
}

/// A unit's transfers on its worklist: letters waiting, and those late (either side).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TransferDue {
    pub waiting: u64,
    pub late: u64,
}

/// What the caller may do with a transfer now, so that pages offer only what would succeed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TransferActions {
    pub present: bool,
    pub accept: bool,
    pub refuse: bool,
    pub cancel: bool,
    pub close: bool,
    pub return_home: bool,
}

impl TransferDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    async fn sides(&self, filter: &ScopeFilter, t: &TransferView) -> Result<SidesHeld> {
        let covers = |unit: Option<UnitId>, on: NaiveDate| async move {
            match unit {
                Some(u) => self.store().in_scope(filter, ScopeTarget::UnitOn(u, on)).await,
                None => Ok(false),
            }
        };
        let sending = covers(t.from.unit, t.letter_date).await?;
        let receiving = covers(t.to.unit, t.letter_date).await?
            || covers(t.answering.as_ref().and_then(|a| a.unit), self.access.today()).await?
            || match &t.outcome {
                Some(domain::transfers::Outcome::Accepted { unit, on }) => covers(Some(*unit), *on).await?,
                _ => false,
            };
        Ok(SidesHeld { sending, receiving })
    }

    /// The sides the caller writes for (none without `write`).
    pub async fn written_sides(&self, t: &TransferView) -> Result<SidesHeld> {
        match &self.write {
            Some(w) => self.sides(w, t).await,
            None => Ok(SidesHeld::default()),
        }
    }

    /// Reads a transfer, unaudited: 404 unless the caller reads one of its sides or its member.
    async fn visible(&self, id: i64) -> Result<TransferView> {
        let t = self.store().transfer(id, self.access.today()).await?;
        let sides = self.sides(&self.read, &t).await?;
        if sides.sending || sides.receiving || self.store().in_scope(&self.read, ScopeTarget::Member(t.member)).await? {
            Ok(t)
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// A transfer the caller reads (audited as `read.transfer`).
    pub async fn transfer(&self, id: i64) -> Result<TransferView> {
        let t = self.visible(id).await?;
        self.access.record("read.transfer", "transfer", id, json!({ "member": t.member.0 })).await?;
        Ok(t)
    }
}

/// Which side a step on a transfer is taken by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acting {
    Sending,
    Receiving,
    Either,
}

impl TransferDesk<'_> {
    /// The caller writes for the side `acting` names (403 when only readable, 404 outside):
    /// asked before a request's body is read.
    pub async fn require_acting(&self, id: i64, acting: Acting) -> Result<TransferView> {
        let t = self.visible(id).await?;
        let sides = self.written_sides(&t).await?;
        let ok = match acting {
            Acting::Sending => sides.sending,
            Acting::Receiving => sides.receiving,
            Acting::Either => sides.sending || sides.receiving,
        };
        if ok { Ok(t) } else { Err(StoreError::Forbidden) }
    }
}

impl TransferDesk<'_> {
    /// A transfer with its member's record, for the letter and the slip to print: for either
    /// side, even once the member has left the sender's scope (the letter names them; audited
    /// as a read of the member).
    pub async fn paper(&self, id: i64) -> Result<(TransferView, crate::model::MemberDetail)> {
        let t = self.visible(id).await?;
        let member = self.store().member(t.member).await?;
        self.access.record("read.member", "member", t.member.0, json!({ "transfer": id, "paper": true })).await?;
        Ok((t, member))
    }

    /// What the caller may do now with a transfer already read.
    pub async fn actions(&self, t: &TransferView) -> TransferActions {
        let Ok(sides) = self.written_sides(t).await else { return TransferActions::default() };
        let plan = t.transfer();
        let pending = t.stage.pending();
        let inside = !plan.plan.to_outside();
        TransferActions {
            present: sides.receiving && pending && inside && t.presented_on.is_none(),
            accept: sides.receiving && pending && inside,
            refuse: sides.receiving && pending && inside,
            cancel: sides.sending && pending,
            close: sides.sending && pending && !inside,
            return_home: (sides.sending || sides.receiving)
                && t.mode == domain::event::TransferMode::Temporary
                && t.returned_on.is_none()
                && matches!(t.outcome, Some(domain::transfers::Outcome::Accepted { .. } | domain::transfers::Outcome::Closed { .. })),
        }
    }

    /// Issues the letter for a member whose record the caller writes (the sending side).
    pub async fn issue(&self, member: MemberId, plan: TransferPlan) -> Result<i64> {
        self.require_issue(member).await?;
        self.store().issue_transfer(&self.access.write_context(), member, plan).await
    }

    /// The caller writes the member's record (403 when only readable, 404 outside): asked
    /// before a request's body is read.
    pub async fn require_issue(&self, member: MemberId) -> Result<()> {
        let Some(w) = &self.write else {
            return require(self.store(), &self.read, ScopeTarget::Member(member)).await.and(Err(StoreError::Forbidden));
        };
        match self.store().member_reach(w, member).await? {
            r if r.home => Ok(()),
            _ if self.store().in_scope(&self.read, ScopeTarget::Member(member)).await? => Err(StoreError::Forbidden),
            _ => Err(StoreError::NotFound),
        }
    }

    /// A member whose record the caller writes, gone outside the register, comes back into a
    /// chi bộ the caller writes for (checked against the write scope: `out_of_scope`).
    pub async fn receive(&self, member: MemberId, plan: TransferPlan, unit: UnitId, on: NaiveDate) -> Result<i64> {
        self.require_issue(member).await?;
        let in_scope = match &self.write {
            Some(w) => self.store().in_scope(w, ScopeTarget::Unit(unit)).await?,
            None => false,
        };
        if !in_scope {
            return Err(StoreError::invalid("unit", "out_of_scope", OUT_OF_SCOPE_UNIT));
        }
        self.store().receive_transfer(&self.access.write_context(), member, plan, unit, on).await
    }

    pub async fn present(&self, id: i64, version: i64, on: NaiveDate) -> Result<()> {
        self.require_acting(id, Acting::Receiving).await?;
        self.store().present_transfer(&self.access.write_context(), id, version, on).await
    }

    /// Accepts into a chi bộ the caller writes for (the unit named is checked against the write
    /// scope: outside it, the same refusal whether or not it exists).
    pub async fn accept(&self, id: i64, version: i64, unit: UnitId, on: NaiveDate) -> Result<()> {
        self.require_acting(id, Acting::Receiving).await?;
        let in_scope = match &self.write {
            Some(w) => self.store().in_scope(w, ScopeTarget::Unit(unit)).await?,
            None => false,
        };
        if !in_scope {
            return Err(StoreError::invalid("unit", "out_of_scope", OUT_OF_SCOPE_UNIT));
        }
        self.store().accept_transfer(&self.access.write_context(), id, version, unit, on).await
    }

    pub async fn refuse(&self, id: i64, version: i64, on: NaiveDate, reason: String) -> Result<()> {
        self.require_acting(id, Acting::Receiving).await?;
        self.store().refuse_transfer(&self.access.write_context(), id, version, on, reason).await
    }

    pub async fn cancel(&self, id: i64, version: i64, on: NaiveDate, reason: String) -> Result<()> {
        self.require_acting(id, Acting::Sending).await?;
        self.store().cancel_transfer(&self.access.write_context(), id, version, on, reason).await
    }

    pub async fn close(&self, id: i64, version: i64, on: NaiveDate, slip: String) -> Result<()> {
        self.require_acting(id, Acting::Sending).await?;
        self.store().close_transfer(&self.access.write_context(), id, version, on, slip).await
    }

    pub async fn return_home(&self, id: i64, version: i64, on: NaiveDate) -> Result<()> {
        self.require_acting(id, Acting::Either).await?;
        self.store().return_transfer(&self.access.write_context(), id, version, on).await
    }

    /// A readable member's transfers (audited with the member's read).
    pub async fn member_transfers(&self, member: MemberId) -> Result<Vec<TransferView>> {
        require(self.store(), &self.read, ScopeTarget::Member(member)).await?;
        self.store().member_transfers(member, self.access.today()).await
    }

    /// Whether the caller may issue a letter for this member now (for showing the button).
    pub async fn may_issue(&self, member: MemberId) -> bool {
        match &self.write {
            Some(w) => self.store().member_reach(w, member).await.is_ok_and(|r| r.home && !r.in_transit),
            None => false,
        }
    }

    /// What a unit's worklist says of its transfers today, in numbers only (unaudited: no
    /// names): letters of either side still waiting, and those late.
    pub async fn due(&self, unit: UnitId) -> Result<TransferDue> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        let today = self.access.today();
        let first = chrono::Datelike::with_ordinal(&today, 1).unwrap_or(today);
        let book = self.store().transfer_book(unit, first, today, Some(BookLine::InTransit), today).await?;
        Ok(TransferDue { waiting: book.counts.in_transit, late: book.late.len() as u64 })
    }

    /// The transfer book of a unit the caller reads, over a period (audited with the members
    /// it names).
    pub async fn book(&self, unit: UnitId, first: NaiveDate, last: NaiveDate, line: Option<BookLine>) -> Result<TransferBook> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        let book = self.store().transfer_book(unit, first, last, line, self.access.today()).await?;
        let mut members: Vec<i64> = book.rows.iter().chain(&book.late).map(|t| t.member.0).collect();
        members.sort_unstable();
        members.dedup();
        if !members.is_empty() {
            self.access.record("read.transfers", "unit", unit.0, json!({ "first": first, "last": last, "members": members })).await?;
        }
        Ok(book)
    }
}
