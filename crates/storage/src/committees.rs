//! [`CommitteeStore`]: the seats of a unit's elected committee (cấp ủy) over time, and the roll
//! of a meeting, which is the unit's members for a chi bộ's or a plenary meeting and the seats
//! held that day for the committee's and the standing committee's meetings
//! (docs/design/operations.md "Committees").

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use domain::committees::{Seat, SeatContext, SeatInput, SeatRole, check_end, check_new_seat, summoned};
use domain::history::Status;
use domain::ids::{MemberId, UnitId};
use domain::meetings::{MeetingKind, Summons};

use crate::context::WriteContext;
use crate::db::Conn;
use crate::error::{Result, StoreError};
use crate::index::RollEntry;
use crate::model::AuditRecord;
use crate::sql::committees::{self as q, StoredSeat};
use crate::store::SqlStore;

/// One seat as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeatView {
    pub id: i64,
    pub version: i64,
    pub unit: UnitId,
    pub member: MemberId,
    pub full_name: String,
    pub role: SeatRole,
    pub role_label: String,
    /// On the standing committee (secretary, deputies, standing members).
    pub standing: bool,
    pub from: NaiveDate,
    /// The first day it is no longer held (`null`: held).
    pub until: Option<NaiveDate>,
    /// The decision or election it rests on.
    pub basis: String,
    /// The decision it ended on.
    pub end_basis: Option<String>,
}

/// A unit's committee as of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommitteeView {
    pub unit: UnitId,
    pub unit_name: String,
    pub on: NaiveDate,
    pub kind: domain::unit::UnitKind,
    /// The posts the unit has (none: a party group elects no committee).
    pub roles: Vec<SeatRole>,
    /// The seats held on the day, secretary first.
    pub seated: Vec<SeatView>,
    /// The other seats, past and to come, newest first.
    pub others: Vec<SeatView>,
}

/// The seats of units' committees.
#[async_trait]
pub trait CommitteeStore: Send + Sync {
    async fn committee(&self, unit: UnitId, on: NaiveDate) -> Result<CommitteeView>;
    /// The unit whose committee a seat is on.
    async fn seat_unit(&self, seat: i64) -> Result<UnitId>;
    /// Adds a seat (domain::committees::check_new_seat: the post exists in the unit, the member
    /// is an official member under the unit on the first day, no second seat, no second secretary).
    async fn add_seat(&self, ctx: &WriteContext, unit: UnitId, input: SeatInput) -> Result<i64>;
    /// Ends a seat on `until` (the first day it is no longer held), once.
    async fn end_seat(&self, ctx: &WriteContext, seat: i64, version: i64, until: NaiveDate, basis: String) -> Result<()>;
    /// Removes a seat entered by mistake (a wrong member, post or day), with the reason; the
    /// removal is audited with everything the seat said. Meetings already recorded keep their
    /// attendance.
    async fn remove_seat(&self, ctx: &WriteContext, seat: i64, version: i64, reason: String) -> Result<()>;
    /// The seats a member holds or held, oldest first.
    async fn member_seats(&self, member: MemberId) -> Result<Vec<SeatView>>;
}

impl SqlStore {
    fn seat_view(&self, s: StoredSeat) -> SeatView {
        let index = self.index.read();
        let full_name = index.member_name(s.seat.member).map(|n| n.0).unwrap_or_default();
        let role_label = match index.unit_latest(s.unit) {
            Some(v) => s.seat.role.label_in(v.kind),
            None => s.seat.role.label(),
        };
        SeatView {
            id: s.id,
            version: s.version,
            unit: s.unit,
            member: s.seat.member,
            full_name,
            role: s.seat.role,
            role_label: role_label.to_owned(),
            standing: s.seat.role.is_standing(),
            from: s.seat.from,
            until: s.seat.until,
            basis: s.basis,
            end_basis: s.end_basis,
        }
    }

    /// Who a meeting of `kind` held by `unit` on `on` summons, in roll order: for a committee's
    /// meetings, the holders of the seats held that day who are on the register then (one who
    /// died, left or moved away before the seat was ended is not summoned).
    pub(crate) async fn roll_of(&self, conn: &mut dyn Conn, unit: UnitId, kind: MeetingKind, on: NaiveDate) -> Result<Vec<RollEntry>> {
        let Summons::Seats { standing_only } = kind.summons() else {
            return Ok(self.index.read().roll(unit, on));
        };
        let held: Vec<Seat> = q::of_unit(conn, unit).await?.into_iter().map(|s| s.seat).collect();
        let index = self.index.read();
        Ok(summoned(&held, on, standing_only)
            .into_iter()
            .filter_map(|s| {
                let (full_name, birth) = index.member_name(s.member)?;
                let status = index.roll_status(s.member, on).filter(|s| s.is_active())?;
                Some(RollEntry { member: s.member, full_name, birth, status, away_temporarily: false, guest: false })
            })
            .collect())
    }
}

#[async_trait]
impl CommitteeStore for SqlStore {
    async fn committee(&self, unit: UnitId, on: NaiveDate) -> Result<CommitteeView> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let rows = q::of_unit(conn.as_mut(), unit).await?;
        drop(conn);
        let (unit_name, kind) = {
            let index = self.index.read();
            let v = index.unit_version_on(unit, on).or_else(|| index.unit_latest(unit)).ok_or(StoreError::NotFound)?;
            (v.name.clone(), v.kind)
        };
        let (mut seated, mut others): (Vec<SeatView>, Vec<SeatView>) =
            rows.into_iter().map(|s| self.seat_view(s)).partition(|s| s.from <= on && s.until.is_none_or(|u| on < u));
        seated.sort_by_cached_key(|s| (s.role, s.from, domain::text::collation_key(&s.full_name)));
        others.sort_by(|a, b| b.from.cmp(&a.from).then(b.id.cmp(&a.id)));
        Ok(CommitteeView { unit, unit_name, on, kind, roles: SeatRole::for_unit(kind), seated, others })
    }

    async fn seat_unit(&self, seat: i64) -> Result<UnitId> {
        let mut conn = self.db.reader().await?;
        Ok(q::get(conn.as_mut(), seat).await?.ok_or(StoreError::NotFound)?.unit)
    }

    async fn add_seat(&self, ctx: &WriteContext, unit: UnitId, input: SeatInput) -> Result<i64> {
        self.refresh_index().await?;
        let (mut tx, seq) = self.begin_write().await?;
        let held: Vec<Seat> = q::of_unit(tx.as_mut(), unit).await?.into_iter().map(|s| s.seat).collect();
        let (kind, status, official_members) = {
            let index = self.index.read();
            let Some(v) = index.unit_version_on(unit, input.from) else {
                return Err(StoreError::invalid("from", "unit_not_standing", "Tổ chức không tồn tại vào ngày này."));
            };
            // A seat holder belongs to the unit's own organization on the first day.
            let under = index.member_within(input.member, unit, input.from);
            let status = if under { index.roll_status(input.member, input.from) } else { None };
            let official = if v.kind.holds_members() {
                index.roll(unit, input.from).iter().filter(|e| !e.guest && e.status == Status::Official).count()
            } else {
                0
            };
            (v.kind, status, official)
        };
        check_new_seat(&input.seat(), SeatContext { kind, status, official_members, held: &held })
            .map_err(|e| StoreError::Invalid(domain::ValidationErrors { errors: vec![e] }))?;
        let id = q::insert(tx.as_mut(), unit, &input, ctx.now, &ctx.actor).await?;
        let details =
            json!({ "unit": unit.0, "member": input.member.0, "role": input.role.code(), "from": input.from, "basis": input.basis });
        let record = AuditRecord::new("committee.seat_add", "committee_seat", id, details);
        self.commit_write(tx, seq, ctx, &[record], "committee_seat", &[id]).await?;
        Ok(id)
    }

    async fn end_seat(&self, ctx: &WriteContext, seat: i64, version: i64, until: NaiveDate, basis: String) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let s = q::get(tx.as_mut(), seat).await?.ok_or(StoreError::NotFound)?;
        if s.version != version {
            return Err(StoreError::Conflict { current: s.version });
        }
        check_end(&s.seat, until).map_err(|e| StoreError::Invalid(domain::ValidationErrors { errors: vec![e] }))?;
        if !q::end(tx.as_mut(), seat, version, until, &basis, ctx.now).await? {
            return Err(StoreError::Conflict { current: s.version });
        }
        let details = json!({ "unit": s.unit.0, "member": s.seat.member.0, "role": s.seat.role.code(), "until": until, "basis": basis });
        let record = AuditRecord::new("committee.seat_end", "committee_seat", seat, details);
        self.commit_write(tx, seq, ctx, &[record], "committee_seat", &[seat]).await
    }

    async fn remove_seat(&self, ctx: &WriteContext, seat: i64, version: i64, reason: String) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let s = q::get(tx.as_mut(), seat).await?.ok_or(StoreError::NotFound)?;
        if s.version != version || !q::delete(tx.as_mut(), seat, version).await? {
            return Err(StoreError::Conflict { current: s.version });
        }
        let details = json!({
            "unit": s.unit.0, "member": s.seat.member.0, "role": s.seat.role.code(), "from": s.seat.from,
            "until": s.seat.until, "basis": s.basis, "reason": reason,
        });
        let record = AuditRecord::new("committee.seat_remove", "committee_seat", seat, details);
        self.commit_write(tx, seq, ctx, &[record], "committee_seat", &[seat]).await
    }

    async fn member_seats(&self, member: MemberId) -> Result<Vec<SeatView>> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let rows = q::of_member(conn.as_mut(), member).await?;
        drop(conn);
        Ok(rows.into_iter().map(|s| self.seat_view(s)).collect())
    }
}
