//! Who is told of a meeting (docs/design/operations.md "Notifications"): the members on its
//! roll, when it is called or moved and when a document is posted for it, while it is to come.

use domain::ids::{MemberId, UnitId};
use domain::meetings::MeetingInput;

use crate::context::{WriteContext, vietnam_today};
use crate::db::Conn;
use crate::error::Result;
use crate::sql::meetings::StoredMeeting;
use crate::store::SqlStore;

impl SqlStore {
    /// The notice of a meeting to come (or of its new day, time or place) to every member on its
    /// roll, guests in temporary activity included (rules.md §9: members are told beforehand).
    /// A meeting recorded after its day tells nobody.
    pub(super) async fn call_members(
        &self,
        tx: &mut dyn Conn,
        ctx: &WriteContext,
        id: i64,
        unit: UnitId,
        input: &MeetingInput,
        changed: bool,
    ) -> Result<()> {
        if input.held_on < vietnam_today(ctx.now) {
            return Ok(());
        }
        let members: Vec<MemberId> = self.roll_of(tx, unit, input.kind, input.held_on).await?.into_iter().map(|e| e.member).collect();
        let name = self.index.read().unit_latest(unit).map(|v| v.name.clone()).unwrap_or_default();
        let kind = input.kind.label().to_lowercase();
        let facts = domain::notifications::MeetingFacts {
            id,
            unit: &name,
            kind: &kind,
            held_on: input.held_on,
            starts_at: Some(input.starts_at),
            place: &input.place,
            agenda: &input.agenda,
        };
        let recipients = Self::member_recipients(tx, &members).await?;
        self.notify(tx, ctx, recipients, &domain::notifications::Notice::meeting(&facts, changed)).await
    }
}

impl SqlStore {
    /// The members on a meeting's roll, told of a document posted for it (a meeting to come only).
    pub(super) async fn tell_of_document(&self, tx: &mut dyn Conn, ctx: &WriteContext, m: &StoredMeeting, name: &str) -> Result<()> {
        if m.input.held_on < vietnam_today(ctx.now) {
            return Ok(());
        }
        let members: Vec<MemberId> = self.roll_of(tx, m.unit, m.input.kind, m.input.held_on).await?.into_iter().map(|e| e.member).collect();
        let unit_name = self.index.read().unit_latest(m.unit).map(|v| v.name.clone()).unwrap_or_default();
        let kind = m.input.kind.label().to_lowercase();
        let facts = domain::notifications::MeetingFacts {
            id: m.id,
            unit: &unit_name,
            kind: &kind,
            held_on: m.input.held_on,
            starts_at: Some(m.input.starts_at),
            place: &m.input.place,
            agenda: &m.input.agenda,
        };
        let recipients = Self::member_recipients(tx, &members).await?;
        self.notify(tx, ctx, recipients, &domain::notifications::Notice::meeting_document(&facts, name)).await
    }
}
