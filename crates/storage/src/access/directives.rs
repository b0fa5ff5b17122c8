//! The [`DirectiveDesk`] handle: directives down the tree as one person may send, read and act
//! on them (docs/design/operations.md "Directives and tasks down the tree").
//!
//! A person acts for the units they hold a staff grant on — the grant's own unit, not the units
//! under it: a province's staff reading a commune's receipt do not open it on the commune's
//! behalf. Sending needs `write` or `decide` on the sending unit; acting as a receiver (opening,
//! starting, reporting, passing on) any of `write`, `decide` or `meetings` on the receiving unit.
//! Reading a directive needs the read scope on its sender (the whole table) or on some receiver
//! (those receipts alone); outside both it does not exist (404).

use super::*;
use crate::directives::{DirectiveDetail, ReceiptStep, ReceivedItem, SentItem};
use domain::directives::{Draft, Reach};

impl Access {
    /// Directives: anyone with a staff grant (the list of what they may do is the desk's).
    pub fn directives(&self) -> Result<DirectiveDesk<'_>> {
        let units_with = |caps: &[Capability]| -> Vec<UnitId> {
            let mut units: Vec<UnitId> = self
                .principal
                .grants
                .iter()
                .filter(|g| caps.iter().any(|c| g.role.allows(*c)) && g.role != Role::Admin)
                .filter_map(|g| g.unit)
                .collect();
            units.sort();
            units.dedup();
            units
        };
        Ok(DirectiveDesk {
            access: self,
            read: self.filter(Capability::ReadRegister)?,
            sends_for: units_with(&[Capability::WriteRegister, Capability::Decide]),
            acts_for: units_with(&[Capability::WriteRegister, Capability::Decide, Capability::RecordMeetings]),
        })
    }
}

/// Directives within the caller's reach (see [`Access::directives`]).
pub struct DirectiveDesk<'a> {
    access: &'a Access,
    read: ScopeFilter,
    sends_for: Vec<UnitId>,
    acts_for: Vec<UnitId>,
}

/// A directive as this person reads it.
#[derive(Debug, Clone)]
pub struct DirectiveSight {
    /// The directive; its receipts limited to those this person reads.
    pub detail: DirectiveDetail,
    /// The person reads the sender: every receipt and the sender's count.
    pub sees_all: bool,
    /// The receiving units this person acts for.
    pub acts_for: Vec<UnitId>,
    /// The receipts this person may remind: those the sender reached (for the sender's staff)
    /// and those passed on by a unit the person acts for.
    pub may_remind: Vec<UnitId>,
    /// The person sends for the sender: may add the sender's files.
    pub sender_staff: bool,
}

impl DirectiveDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    /// The units this person may send directives from (their own committees).
    pub fn sends_for(&self) -> &[UnitId] {
        &self.sends_for
    }

    /// The units this person acts for as a receiver.
    pub fn acts_for(&self) -> &[UnitId] {
        &self.acts_for
    }

    /// The unit is readable (404 otherwise).
    pub async fn require_read(&self, unit: UnitId) -> Result<()> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await
    }

    async fn reads(&self, unit: UnitId) -> bool {
        self.store().in_scope(&self.read, ScopeTarget::Unit(unit)).await.unwrap_or(false)
    }

    /// May send from `sender` (403 when only readable, 404 outside the scope).
    pub async fn require_sending(&self, sender: UnitId) -> Result<()> {
        if self.sends_for.contains(&sender) {
            return Ok(());
        }
        self.require_read(sender).await.and(Err(StoreError::Forbidden))
    }

    pub async fn send(&self, sender: UnitId, draft: Draft) -> Result<i64> {
        self.require_sending(sender).await?;
        self.store().send_directive(&self.access.write_context(), sender, draft).await
    }

    /// Whether the directive is readable at all: its sender or some receiver in the read scope.
    /// Returns the sender, the receivers and whether the sender is read.
    async fn visible(&self, id: i64) -> Result<(UnitId, Vec<UnitId>, bool)> {
        let (sender, receivers) = self.store().directive_units(id).await?;
        if self.reads(sender).await {
            return Ok((sender, receivers, true));
        }
        let mut seen = Vec::new();
        for r in receivers {
            if self.reads(r).await {
                seen.push(r);
            }
        }
        if seen.is_empty() { Err(StoreError::NotFound) } else { Ok((sender, seen, false)) }
    }

    /// The directive is readable (404 otherwise), nothing recorded.
    pub async fn require_visible(&self, id: i64) -> Result<()> {
        self.visible(id).await.map(|_| ())
    }

    /// A directive as this person reads it. Opening it records the opening for every receiving
    /// unit the person acts for (once).
    pub async fn open(&self, id: i64) -> Result<DirectiveSight> {
        let (sender, visible, sees_all) = self.visible(id).await?;
        let mine: Vec<UnitId> = visible.iter().copied().filter(|u| self.acts_for.contains(u)).collect();
        let mut detail = self.store().directive(id, self.access.today()).await?;
        // The first opening is written; later ones read only (no write lock on every page view).
        let unopened: Vec<UnitId> =
            mine.iter().copied().filter(|u| detail.receipts.iter().any(|r| r.unit == *u && r.opened_on.is_none())).collect();
        if !unopened.is_empty() {
            for unit in &unopened {
                self.store().record_receipt(&self.access.write_context(), id, *unit, ReceiptStep::Open, None).await?;
            }
            detail = self.store().directive(id, self.access.today()).await?;
        }
        if !sees_all {
            detail.receipts.retain(|r| visible.contains(&r.unit));
            detail.tally = crate::directives::tally_of(&detail.receipts);
            // A unit's report files go with its receipt; the sender's are everyone's.
            detail.files.retain(|f| f.unit.is_none_or(|u| visible.contains(&u)));
        }
        let sender_staff = self.sends_for.contains(&sender);
        let may_remind = detail
            .receipts
            .iter()
            .filter(|r| r.done_on.is_none())
            .filter(|r| match r.via {
                None => sender_staff,
                Some(v) => self.acts_for.contains(&v),
            })
            .map(|r| r.unit)
            .collect();
        Ok(DirectiveSight { detail, sees_all, acts_for: mine, may_remind, sender_staff })
    }

    /// The receiving unit is one the person acts for and a receiver of this directive (403 when
    /// the directive is readable, 404 otherwise).
    pub async fn require_acting(&self, id: i64, unit: UnitId) -> Result<()> {
        let (_, visible, _) = self.visible(id).await?;
        if visible.contains(&unit) && self.acts_for.contains(&unit) { Ok(()) } else { Err(StoreError::Forbidden) }
    }

    pub async fn record(&self, id: i64, unit: UnitId, step: ReceiptStep, version: Option<i64>) -> Result<()> {
        self.require_acting(id, unit).await?;
        self.store().record_receipt(&self.access.write_context(), id, unit, step, version).await
    }

    /// Passes the task on from `from` to units under it (see `DirectiveStore::pass_on`).
    pub async fn pass_on(&self, id: i64, from: UnitId, reach: Reach, due_on: Option<NaiveDate>) -> Result<u32> {
        self.require_acting(id, from).await?;
        self.store().pass_on(&self.access.write_context(), id, from, reach, due_on).await
    }

    /// Reminds receivers this person may remind (see [`DirectiveSight::may_remind`]); any other
    /// unit named is refused as a whole.
    pub async fn remind(&self, id: i64, units: &[UnitId]) -> Result<u32> {
        let (sender, receivers, _) = self.visible(id).await?;
        let sight = self.store().directive(id, self.access.today()).await?;
        for unit in units {
            let Some(r) = sight.receipts.iter().find(|r| r.unit == *unit && receivers.contains(unit)) else {
                return Err(StoreError::invalid("units", "not_receiver", "Có đơn vị được chọn không nhận văn bản này."));
            };
            let allowed = match r.via {
                None => self.sends_for.contains(&sender),
                Some(v) => self.acts_for.contains(&v),
            };
            if !allowed {
                return Err(StoreError::Forbidden);
            }
        }
        self.store().remind(&self.access.write_context(), id, units).await
    }

    /// May add a file: the sender's (`unit` none) when sending for the sender, a unit's report
    /// file when acting for that receiving unit (403 when the directive is readable, 404
    /// otherwise). Checked before the upload is read.
    pub async fn require_attaching(&self, id: i64, unit: Option<UnitId>) -> Result<()> {
        match unit {
            Some(u) => self.require_acting(id, u).await,
            None => {
                let (sender, _, _) = self.visible(id).await?;
                if self.sends_for.contains(&sender) { Ok(()) } else { Err(StoreError::Forbidden) }
            }
        }
    }

    /// Adds a file checked by the caller (name, type from the content, the site's scanner).
    pub async fn attach(&self, id: i64, unit: Option<UnitId>, name: &str, media_type: &str, bytes: &[u8]) -> Result<i64> {
        self.require_attaching(id, unit).await?;
        self.store().attach_directive_file(&self.access.write_context(), id, unit, name, media_type, bytes).await
    }

    /// A file and its bytes, for whoever reads the directive (a unit's report file: whoever
    /// reads that unit's receipt); 404 otherwise.
    pub async fn file(&self, file: i64) -> Result<(crate::directives::DirectiveFileView, Vec<u8>)> {
        let (id, unit) = self.store().directive_file_owner(file).await?;
        let (_, visible, sees_all) = self.visible(id).await?;
        if let Some(u) = unit
            && !sees_all
            && !visible.contains(&u)
        {
            return Err(StoreError::NotFound);
        }
        self.store().directive_file(file).await
    }

    /// The directives a readable unit sent in `year`.
    pub async fn sent(&self, unit: UnitId, year: i32) -> Result<Vec<SentItem>> {
        self.require_read(unit).await?;
        self.store().directives_sent(unit, year, self.access.today()).await
    }

    /// The directives a readable unit received, sent in `year`.
    pub async fn received(&self, unit: UnitId, year: i32) -> Result<Vec<ReceivedItem>> {
        self.require_read(unit).await?;
        self.store().directives_received(unit, year, self.access.today()).await
    }

    /// What the units this person acts for still have to do (tasks not done, directives not
    /// opened), oldest first: the badge's count and the home page's list.
    pub async fn to_do(&self) -> Result<Vec<ReceivedItem>> {
        let mut out = Vec::new();
        for unit in &self.acts_for {
            out.extend(self.store().directives_open(*unit, self.access.today()).await?);
        }
        out.sort_by_key(|i| (i.receipt.due_on.unwrap_or(NaiveDate::MAX), i.directive.sent_on, i.directive.id));
        Ok(out)
    }
}
