//! The [`FeedbackDesk`] handle: feedback sent up the tree as one person may send, read and answer
//! it. A member sends as themselves; staff send for the units they hold a grant on (`write`,
//! `decide` or `meetings`), and answer what is sent to those units. An item is read by its
//! sender, by whoever reads the sending unit, and by whoever reads the addressee; anyone else
//! finds nothing (404).

use super::*;
use crate::feedback::{Addressee, FeedbackView, Sender};
use domain::feedback::FeedbackInput;

impl Access {
    pub fn feedback(&self) -> FeedbackDesk<'_> {
        let acts_for = {
            let mut units: Vec<UnitId> = self
                .principal
                .grants
                .iter()
                .filter(|g| g.role != Role::Admin)
                .filter(|g| [Capability::WriteRegister, Capability::Decide, Capability::RecordMeetings].iter().any(|c| g.role.allows(*c)))
                .filter_map(|g| g.unit)
                .collect();
            units.sort();
            units.dedup();
            units
        };
        FeedbackDesk { access: self, read: self.filter(Capability::ReadRegister).ok(), acts_for, member: self.principal.member }
    }
}

/// Feedback within the caller's reach (see [`Access::feedback`]).
pub struct FeedbackDesk<'a> {
    access: &'a Access,
    read: Option<ScopeFilter>,
    acts_for: Vec<UnitId>,
    member: Option<MemberId>,
}

impl FeedbackDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    async fn reads(&self, unit: UnitId) -> bool {
        match &self.read {
            Some(f) => self.store().in_scope(f, ScopeTarget::Unit(unit)).await.unwrap_or(false),
            None => false,
        }
    }

    /// As whom this person may send: themselves (a member), then their units.
    pub fn senders(&self) -> Vec<Sender> {
        self.member.map(Sender::Member).into_iter().chain(self.acts_for.iter().map(|u| Sender::Unit(*u))).collect()
    }

    /// The units this person answers for.
    pub fn acts_for(&self) -> &[UnitId] {
        &self.acts_for
    }

    fn require_sender(&self, from: Sender) -> Result<()> {
        if self.senders().contains(&from) { Ok(()) } else { Err(StoreError::Forbidden) }
    }

    pub async fn addressees(&self, from: Sender) -> Result<Vec<Addressee>> {
        self.require_sender(from)?;
        self.store().feedback_addressees(from, self.access.today()).await
    }

    pub async fn send(&self, from: Sender, to: UnitId, input: FeedbackInput) -> Result<i64> {
        self.require_sender(from)?;
        self.store().send_feedback(&self.access.write_context(), from, to, input).await
    }

    /// An item this person reads, and whether they may answer it.
    pub async fn item(&self, id: i64) -> Result<(FeedbackView, bool)> {
        let view = self.store().feedback(id, self.access.today()).await?;
        let own = match (view.from_member, view.from_unit) {
            (Some(m), _) => self.member == Some(m),
            (_, Some(u)) => self.reads(u).await,
            _ => false,
        };
        if !(own || self.reads(view.to_unit).await) {
            return Err(StoreError::NotFound);
        }
        let may_answer = view.answer.is_none() && self.acts_for.contains(&view.to_unit);
        Ok((view, may_answer))
    }

    /// What was sent to a readable unit.
    pub async fn to_unit(&self, unit: UnitId) -> Result<Vec<FeedbackView>> {
        if !self.reads(unit).await {
            return Err(StoreError::NotFound);
        }
        self.store().feedback_to(unit, self.access.today()).await
    }

    /// What this person and their units sent.
    pub async fn sent(&self) -> Result<Vec<FeedbackView>> {
        let mut out = Vec::new();
        for s in self.senders() {
            out.extend(self.store().feedback_from(s, self.access.today()).await?);
        }
        out.sort_by_key(|f| std::cmp::Reverse((f.sent_on, f.id)));
        Ok(out)
    }

    pub async fn answer(&self, id: i64, version: i64, answer: String) -> Result<()> {
        let (view, _) = self.item(id).await?;
        if !self.acts_for.contains(&view.to_unit) {
            return Err(StoreError::Forbidden);
        }
        self.store().answer_feedback(&self.access.write_context(), id, version, answer).await
    }
}
