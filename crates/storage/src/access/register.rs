//! The [`RegisterWriter`] handle.

// The imports and the scope helpers every handle shares.
use super::*;

impl Access {
    pub fn register_writer(&self) -> Result<RegisterWriter<'_>> {
        Ok(RegisterWriter { access: self, scope: self.filter(Capability::WriteRegister)?, read: self.filter(Capability::ReadRegister)? })
    }
}

/// Writing member records within the write scope.
pub struct RegisterWriter<'a> {
    access: &'a Access,
    scope: ScopeFilter,
    read: ScopeFilter,
}

impl RegisterWriter<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    /// How the write scope reaches the member: 404 outside the read scope, 403 when only readable
    /// (pages use it to offer only the actions that would succeed).
    pub async fn reach(&self, member: MemberId) -> Result<MemberReach> {
        let reach = self.store().member_reach(&self.scope, member).await?;
        if reach.home || reach.arriving {
            Ok(reach)
        } else if self.store().in_scope(&self.read, ScopeTarget::Member(member)).await? {
            Err(StoreError::Forbidden)
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// Every unit an event places the member in or takes them from must lie within the write
    /// scope; the one check that new records, events and corrections all go through. The
    /// destination of a transfer out may lie anywhere: it never places the member there.
    async fn check_units(&self, kind: &EventKind, prefix: &str) -> Result<()> {
        for named in kind.units_acted_on() {
            if !self.store().in_scope(&self.scope, ScopeTarget::Unit(named.unit)).await? {
                return Err(StoreError::invalid(&format!("{prefix}{}", named.field), "out_of_scope", OUT_OF_SCOPE_UNIT));
            }
        }
        Ok(())
    }

    /// Every unit the first events name must be within the write scope.
    pub async fn create_member(&self, new: NewMember) -> Result<MemberId> {
        for (i, e) in new.events.iter().enumerate() {
            self.check_units(&e.kind, &format!("events[{i}].")).await?;
        }
        self.store().create_member(&self.access.write_context(), new).await
    }

    /// The record of a member in transit stays as the sender left it until the receiving side
    /// accepts or the sender cancels the transfer.
    pub async fn update_member(&self, member: MemberId, update: MemberUpdate) -> Result<()> {
        let reach = self.reach(member).await?;
        if reach.in_transit {
            return Err(in_transit());
        }
        self.store().update_member(&self.access.write_context(), member, update).await
    }

    /// While a transfer waits, only its acceptance (tiếp nhận) may be recorded: by the receiving
    /// side in its own scope, or by the sender for a member coming back from outside the register.
    pub async fn record_event(&self, member: MemberId, expected_version: i64, event: EventData) -> Result<EventId> {
        let reach = self.reach(member).await?;
        let accepting = matches!(event.kind, EventKind::TransferredIn { mode: TransferMode::Official, .. });
        if reach.in_transit && !accepting {
            return Err(in_transit());
        }
        if !reach.in_transit && !reach.home {
            return Err(StoreError::Forbidden);
        }
        if matches!(event.kind, EventKind::TransferredIn { .. }) && self.letter_waiting(member).await? {
            return Err(use_transfer());
        }
        self.check_units(&event.kind, "").await?;
        self.store().record_event(&self.access.write_context(), member, expected_version, event).await
    }

    /// While a transfer waits, the sender may only cancel it (void the transfer out).
    pub async fn correct_event(
        &self,
        member: MemberId,
        expected_version: i64,
        target: EventId,
        entry: Entry,
        reason: String,
    ) -> Result<EventId> {
        let reach = self.reach(member).await?;
        if !reach.home {
            return Err(StoreError::Forbidden);
        }
        if reach.in_transit {
            let detail = self.store().member(member).await?;
            let pending = detail
                .history
                .effective
                .iter()
                .rev()
                .find(|(_, e)| matches!(e.kind, EventKind::TransferredOut { mode: TransferMode::Official, .. }))
                .map(|(id, _)| *id);
            if entry != Entry::Void || pending != Some(target) {
                return Err(in_transit());
            }
            if self.letter_waiting(member).await? {
                return Err(use_transfer());
            }
        }
        if let Entry::Event(data) = &entry {
            self.check_units(&data.kind, "").await?;
        }
        self.store().correct_event(&self.access.write_context(), member, expected_version, target, entry, reason).await
    }

    /// Whether the member's transfer has a letter still waiting for its answer or a temporary
    /// transfer not yet back: its steps are the letter's (`TransferDesk`), not bare events.
    async fn letter_waiting(&self, member: MemberId) -> Result<bool> {
        let list = self.store().member_transfers(member, self.access.today()).await?;
        Ok(list.iter().any(|t| t.stage.pending() || t.stage == domain::transfers::TransferStage::Hosted))
    }

    /// Members in transit to a unit under `root` within the write scope (đang chuyển đến): the
    /// receiving side's list; each read is audited like a list.
    pub async fn arriving(&self, root: UnitId) -> Result<Vec<MemberListItem>> {
        require(self.store(), &self.scope, ScopeTarget::Unit(root)).await?;
        let list = self.store().arriving(&self.scope, root, self.access.today()).await?;
        let details = json!({ "arriving": root.0, "shown": list.len(), "members": list.iter().map(|m| m.id.0).collect::<Vec<_>>() });
        let record = AuditRecord { action: "read.members", object_kind: "", object_id: None, details };
        self.store().audit(&self.access.audit_actor(), self.access.now(), vec![record]).await?;
        Ok(list)
    }
}

fn use_transfer() -> StoreError {
    StoreError::invalid(
        "kind",
        "use_transfer",
        "Đảng viên có giấy giới thiệu sinh hoạt đảng đang chờ: ghi tiếp nhận, từ chối, hủy hoặc trở về trên trang của giấy giới thiệu.",
    )
}
