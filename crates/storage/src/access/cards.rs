//! The [`CardDesk`] handle: the party card register. Whoever reads a member reads their cards
//! (audited as `read.card`); whoever reads a unit reads its register and card check. The
//! organization board — `write` on the member — issues cards and records how one ended. A card
//! named by id is checked through its member; outside the scope the answer is "not found".

use super::*;
use crate::cards::{CardCheck, CardLine, CardRow};
use domain::cards::{CardEnd, Issue};

impl Access {
    pub fn cards(&self) -> Result<CardDesk<'_>> {
        let read = self.filter(Capability::ReadRegister)?;
        let write = ScopeFilter { scope: self.principal.scope(Capability::WriteRegister), today: self.today() };
        Ok(CardDesk { access: self, read, write })
    }
}

/// The card register within the caller's scope (see [`Access::cards`]).
pub struct CardDesk<'a> {
    access: &'a Access,
    read: ScopeFilter,
    write: ScopeFilter,
}

impl CardDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    /// The site's number formats of the card series.
    pub fn settings(&self) -> domain::cards::CardSettings {
        self.store().routine_settings().cards
    }

    pub async fn may_keep(&self, member: MemberId) -> bool {
        !self.write.scope.is_empty() && require(self.store(), &self.write, ScopeTarget::Member(member)).await.is_ok()
    }

    /// Refuses a caller who may not keep `member`'s cards: the one check before a body is read.
    pub async fn require_keep(&self, member: MemberId) -> Result<()> {
        require_write(self.store(), &self.write, &self.read, ScopeTarget::Member(member)).await
    }

    pub async fn member(&self, member: MemberId) -> Result<Vec<CardRow>> {
        require(self.store(), &self.read, ScopeTarget::Member(member)).await?;
        let cards = self.store().member_cards(member).await?;
        self.access.record("read.card", "member", member, json!({ "cards": cards.len() })).await?;
        Ok(cards)
    }

    pub async fn register(&self, unit: UnitId) -> Result<Vec<CardLine>> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        let lines = self.store().card_register(unit, self.access.today()).await?;
        self.access.record("read.card", "unit", unit, json!({ "members": lines.len() })).await?;
        Ok(lines)
    }

    pub async fn check(&self, unit: UnitId) -> Result<CardCheck> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await?;
        let check = self.store().card_check(unit, self.access.today()).await?;
        self.access.record("read.card_check", "unit", unit, json!({ "checked": check.checked, "findings": check.findings.len() })).await?;
        Ok(check)
    }

    pub async fn issue(&self, member: MemberId, issue: Issue) -> Result<i64> {
        self.require_keep(member).await?;
        self.store().issue_card(&self.access.write_context(), member, issue).await
    }

    /// The card `id` of `member` (the path's), one the caller keeps; another member's is not
    /// found, like a missing one.
    pub async fn require_write_on(&self, member: MemberId, id: i64) -> Result<CardRow> {
        let card = self.store().card(id).await?;
        require(self.store(), &self.read, ScopeTarget::Member(card.member)).await?;
        if card.member != member {
            return Err(StoreError::NotFound);
        }
        self.require_keep(member).await?;
        Ok(card)
    }

    pub async fn end(&self, member: MemberId, id: i64, version: i64, on: NaiveDate, how: CardEnd, note: String) -> Result<()> {
        self.require_write_on(member, id).await?;
        self.store().end_card(&self.access.write_context(), id, version, on, how, note).await
    }
}
