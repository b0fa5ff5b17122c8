//! The exemption register (domain::exemptions, rules.md §5.2, docs/design/member-routines.md):
//! a chi bộ's resolution exempting a member from work and activities for a period, its
//! renewals, and the member's return. Recording an exemption writes the register's
//! `mien-sinh-hoat` event and the return its `thoi-mien` event, in the same transaction, so the
//! status every count, meeting roll and handbook offer reads follows the register.

use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::json;

use domain::event::{Entry, EventData, EventKind};
use domain::exemptions::{Exemption, Renewal, Standing};
use domain::history::Status;
use domain::ids::{DecisionNumber, MemberId, UnitId};
use domain::unit::LegalBasis;

use crate::context::WriteContext;
use crate::error::{Result, StoreError};
use crate::members::append_event_tx;
use crate::model::AuditRecord;
use crate::sql;
pub use crate::sql::exemptions::{ExemptionRow, RenewalRow};
use crate::store::SqlStore;

/// An exemption on a register: the row (absent for a member the register shows exempt from an
/// event recorded without the period), the member and where it stands today.
#[derive(Debug, Clone)]
pub struct ExemptionLine {
    pub member: MemberId,
    pub member_name: String,
    pub unit: Option<UnitId>,
    pub unit_name: String,
    pub row: Option<ExemptionRow>,
    /// Running exemptions only (`None` once ended).
    pub standing: Option<Standing>,
}

/// A member's exemptions with their renewals.
#[derive(Debug, Clone)]
pub struct MemberExemption {
    pub row: ExemptionRow,
    pub renewals: Vec<RenewalRow>,
    pub standing: Option<Standing>,
}

#[async_trait]
pub trait ExemptionStore: Send + Sync {
    /// Records the chi bộ's resolution exempting `member` (an official member, rules.md §5.2)
    /// and the register's event on its first day. The resolution's number is the event's basis.
    async fn record_exemption(&self, ctx: &WriteContext, member: MemberId, x: Exemption) -> Result<i64>;
    /// Extends an exemption, at `version`.
    async fn renew_exemption(&self, ctx: &WriteContext, id: i64, version: i64, r: Renewal) -> Result<()>;
    /// The member returns on `on` by the chi bộ's resolution `resolution`, at `version`.
    async fn end_exemption(&self, ctx: &WriteContext, id: i64, version: i64, on: NaiveDate, resolution: DecisionNumber) -> Result<()>;
    /// An exemption (404 for none).
    async fn exemption(&self, id: i64) -> Result<ExemptionRow>;
    /// A member's exemptions, latest first.
    async fn member_exemptions(&self, member: MemberId, today: NaiveDate) -> Result<Vec<MemberExemption>>;
    /// The members of `root`'s subtree exempt today, and those whose exemption ended on or after
    /// `since`; running ones first by their end.
    async fn exemptions_under(&self, root: UnitId, since: NaiveDate, today: NaiveDate) -> Result<Vec<ExemptionLine>>;
}

fn basis(resolution: &str, on: NaiveDate, issuer: String) -> Result<LegalBasis> {
    let number = DecisionNumber::parse(resolution).map_err(|mut e| {
        e.field = "resolution".into();
        StoreError::Invalid(domain::ValidationErrors { errors: vec![e] })
    })?;
    Ok(LegalBasis { number, date: on, issuer })
}

impl SqlStore {
    /// The chi bộ that resolves for a member on a day ("Chi bộ 1 — Đảng bộ xã …").
    fn resolving_body(&self, member: MemberId, on: NaiveDate) -> String {
        let index = self.index.read();
        index
            .member_unit_before(member, on)
            .map(|(u, d)| format!("Chi bộ {}", index.unit_with_parent(u, d)))
            .unwrap_or_else(|| "Chi bộ".into())
    }
}

#[async_trait]
impl ExemptionStore for SqlStore {
    async fn record_exemption(&self, ctx: &WriteContext, member: MemberId, x: Exemption) -> Result<i64> {
        self.refresh_index().await?;
        domain::exemptions::check(&x, ctx.today).map_err(StoreError::Invalid)?;
        let basis = basis(&x.resolution, x.resolved_on, self.resolving_body(member, x.from))?;
        let (mut tx, seq) = self.begin_write().await?;
        let data = EventData { kind: EventKind::Exempted, effective: x.from, basis: Some(basis), note: Some(x.ground.label().to_string()) };
        let (event, event_record) = append_event_tx(tx.as_mut(), ctx, member, None, Entry::Event(data), None).await?;
        let id = sql::exemptions::insert(tx.as_mut(), member, &x, event.0, ctx.now, &ctx.actor).await?;
        let record = AuditRecord::new(
            "exemption.record",
            "member",
            member.0,
            json!({ "exemption": id, "ground": x.ground.code(), "from": x.from, "until": x.until, "resolution": x.resolution, "event": event.0 }),
        );
        self.commit_write(tx, seq, ctx, &[event_record, record], "member", &[member.0]).await?;
        Ok(id)
    }

    async fn renew_exemption(&self, ctx: &WriteContext, id: i64, version: i64, r: Renewal) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let row = sql::exemptions::one(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if row.version != version {
            return Err(StoreError::Conflict { current: row.version });
        }
        if row.ended_on.is_some() {
            return Err(StoreError::invalid("until", "ended", "Đảng viên đã thôi miễn sinh hoạt: không gia hạn được."));
        }
        domain::exemptions::check_renewal(&r, row.from, row.until, ctx.today).map_err(StoreError::Invalid)?;
        DecisionNumber::parse(&r.resolution).map_err(|mut e| {
            e.field = "resolution".into();
            StoreError::Invalid(domain::ValidationErrors { errors: vec![e] })
        })?;
        let renewal = RenewalRow {
            exemption: id,
            resolved_on: r.resolved_on,
            resolution: r.resolution.trim().to_string(),
            until_before: row.until,
            until: r.until,
        };
        sql::exemptions::insert_renewal(tx.as_mut(), &renewal, ctx.now, &ctx.actor).await?;
        if !sql::exemptions::renew(tx.as_mut(), id, version, r.until).await? {
            return Err(StoreError::Conflict { current: row.version });
        }
        let record = AuditRecord::new(
            "exemption.renew",
            "member",
            row.member.0,
            json!({ "exemption": id, "until_before": row.until, "until": r.until, "resolution": renewal.resolution }),
        );
        self.commit_write(tx, seq, ctx, &[record], "exemption", &[id]).await
    }

    async fn end_exemption(&self, ctx: &WriteContext, id: i64, version: i64, on: NaiveDate, resolution: DecisionNumber) -> Result<()> {
        self.refresh_index().await?;
        let (mut tx, seq) = self.begin_write().await?;
        let row = sql::exemptions::one(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if row.version != version {
            return Err(StoreError::Conflict { current: row.version });
        }
        if row.ended_on.is_some() {
            return Err(StoreError::invalid("on", "ended", "Đã ghi thôi miễn sinh hoạt."));
        }
        if on < row.from {
            return Err(StoreError::invalid("on", "before_start", "Ngày thôi miễn không được trước ngày bắt đầu miễn."));
        }
        if on > ctx.today {
            return Err(StoreError::invalid("on", "future", "Chưa đến ngày này."));
        }
        let issuer = self.resolving_body(row.member, on);
        let data = EventData {
            kind: EventKind::ExemptionEnded,
            effective: on,
            basis: Some(LegalBasis { number: resolution.clone(), date: on, issuer }),
            note: None,
        };
        let (event, event_record) = append_event_tx(tx.as_mut(), ctx, row.member, None, Entry::Event(data), None).await?;
        if !sql::exemptions::end(tx.as_mut(), id, version, on, event.0).await? {
            return Err(StoreError::Conflict { current: row.version });
        }
        let record = AuditRecord::new(
            "exemption.end",
            "member",
            row.member.0,
            json!({ "exemption": id, "on": on, "resolution": resolution.as_str(), "event": event.0 }),
        );
        self.commit_write(tx, seq, ctx, &[event_record, record], "member", &[row.member.0]).await
    }

    async fn exemption(&self, id: i64) -> Result<ExemptionRow> {
        let mut conn = self.db.reader().await?;
        sql::exemptions::one(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)
    }

    async fn member_exemptions(&self, member: MemberId, today: NaiveDate) -> Result<Vec<MemberExemption>> {
        let mut conn = self.db.reader().await?;
        let rows = sql::exemptions::of_member(conn.as_mut(), member).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let renewals = sql::exemptions::renewals(conn.as_mut(), row.id).await?;
            let standing = row.ended_on.is_none().then(|| domain::exemptions::standing(row.until, today));
            out.push(MemberExemption { row, renewals, standing });
        }
        Ok(out)
    }

    async fn exemptions_under(&self, root: UnitId, since: NaiveDate, today: NaiveDate) -> Result<Vec<ExemptionLine>> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let rows = sql::exemptions::since(conn.as_mut(), since).await?;
        drop(conn);
        let index = self.index.read();
        let roster = index.roster(root, today, None).ok_or(StoreError::NotFound)?;
        let line = |member: MemberId, row: Option<ExemptionRow>| {
            let unit = index.member_unit_before(member, today).map(|(u, _)| u);
            let exempt_today = index.member_status(member, today) == Some(Status::Exempt);
            let standing = match &row {
                Some(r) if r.ended_on.is_none() && exempt_today => Some(domain::exemptions::standing(r.until, today)),
                Some(_) => None,
                None => Some(Standing::OpenEnded),
            };
            ExemptionLine {
                member,
                member_name: index.member_name(member).map(|(n, _)| n).unwrap_or_default(),
                unit,
                unit_name: unit.map(|u| index.unit_with_parent(u, today)).unwrap_or_default(),
                row,
                standing,
            }
        };
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for r in rows {
            if !(index.member_within(r.member, root, today) || index.member_within_before(r.member, root, r.from)) {
                continue;
            }
            // The latest exemption of a member stands for them; older ones are on the record.
            if seen.insert(r.member) {
                out.push(line(r.member, Some(r)));
            }
        }
        for e in roster.iter().filter(|e| e.status == Status::Exempt) {
            if seen.insert(e.member) {
                out.push(line(e.member, None));
            }
        }
        out.sort_by_key(|l| match l.standing {
            Some(Standing::Overdue { until }) => (0, Some(until)),
            Some(Standing::EndingSoon { until, .. }) => (1, Some(until)),
            Some(Standing::Running { until }) => (2, Some(until)),
            Some(Standing::OpenEnded) => (3, None),
            None => (4, l.row.as_ref().and_then(|r| r.ended_on)),
        });
        Ok(out)
    }
}
