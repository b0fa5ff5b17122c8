//! [`StrikeOffStore`]: proposals to strike a member's name off (docs/design/strike-off.md,
//! rules.md §5.1). What the data shows is computed at each read (the meetings' absences, the
//! admission cases of probationary members); the chi bộ's resolution is a proposal; the
//! committee's decision to strike off writes the register's event in the same transaction.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::json;

use domain::event::{Entry, EventData, EventKind};
use domain::ids::{MemberId, UnitId};
use domain::pipeline::{Stage, StepKind, Urgency};
use domain::strike_off::{Decision, ProposalInput, Trigger};

use crate::context::WriteContext;
use crate::error::{Result, StoreError};
use crate::members::append_event_tx;
use crate::model::{AuditRecord, CaseQuery};
use crate::prelude::{AdmissionStore, MeetingStore};
use crate::sql;
use crate::sql::strike_off::{self as q, StoredProposal};
use crate::store::SqlStore;

/// A member the data shows for the chi bộ to consider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StrikeOffFlag {
    pub member: MemberId,
    pub full_name: String,
    pub unit: UnitId,
    pub unit_name: String,
    pub trigger: Trigger,
    pub trigger_label: String,
    /// The evidence in words (the months absent; the case's state).
    pub evidence: String,
    /// For a probationary member: the admission case the committee decides on.
    pub case: Option<i64>,
    /// A proposal already resolved on this member and waiting for the committee.
    pub pending_proposal: Option<i64>,
}

/// A proposal as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StrikeOffProposalView {
    pub id: i64,
    pub version: i64,
    pub member: MemberId,
    pub full_name: String,
    pub unit: UnitId,
    pub unit_name: String,
    #[serde(flatten)]
    pub input: ProposalInput,
    pub reason_label: String,
    pub decision: Option<Decision>,
    pub created_by: String,
}

/// What a unit's strike-off page holds: the members the data shows and the proposals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StrikeOffList {
    pub unit: UnitId,
    pub unit_name: String,
    pub as_of: NaiveDate,
    pub flags: Vec<StrikeOffFlag>,
    /// Waiting for the committee, oldest first.
    pub pending: Vec<StrikeOffProposalView>,
    /// Decided, newest first.
    pub decided: Vec<StrikeOffProposalView>,
}

#[async_trait]
pub trait StrikeOffStore: Send + Sync {
    /// The members under `root` the data shows, and the proposals of its chi bộ.
    async fn strike_off_list(&self, root: UnitId, today: NaiveDate) -> Result<StrikeOffList>;
    /// The chi bộ's resolution proposing to strike `member` off (their chi bộ on its day).
    async fn propose_strike_off(&self, ctx: &WriteContext, member: MemberId, input: ProposalInput) -> Result<i64>;
    /// The committee's decision on a proposal: striking off writes the register's event.
    async fn decide_strike_off(&self, ctx: &WriteContext, id: i64, version: i64, decision: Decision) -> Result<()>;
    async fn strike_off_proposal(&self, id: i64) -> Result<StrikeOffProposalView>;
}

impl SqlStore {
    fn proposal_view(&self, p: StoredProposal) -> StrikeOffProposalView {
        let index = self.index.read();
        StrikeOffProposalView {
            id: p.id,
            version: p.version,
            member: p.member,
            full_name: index.member_name(p.member).map(|n| n.0).unwrap_or_default(),
            unit: p.unit,
            unit_name: index.unit_latest(p.unit).map(|v| v.name.clone()).unwrap_or_default(),
            reason_label: p.input.reason.label().to_owned(),
            input: p.input,
            decision: p.decision,
            created_by: p.created_by,
        }
    }
}

#[async_trait]
impl StrikeOffStore for SqlStore {
    async fn strike_off_list(&self, root: UnitId, today: NaiveDate) -> Result<StrikeOffList> {
        self.refresh_index().await?;
        let unit_name = self.index.read().unit_version_on(root, today).ok_or(StoreError::NotFound)?.name.clone();
        let mut conn = self.db.reader().await?;
        let proposals = q::all(conn.as_mut()).await?;
        drop(conn);
        let (mut pending, mut decided) = (Vec::new(), Vec::new());
        let mut waiting: HashMap<MemberId, i64> = HashMap::new();
        {
            let index = self.index.read();
            for p in proposals {
                let under = domain::transfers::Tree::is_within(&*index, p.unit, root, p.input.resolution.on)
                    || domain::transfers::Tree::is_within(&*index, p.unit, root, today);
                if !under {
                    continue;
                }
                if p.decision.is_none() {
                    waiting.insert(p.member, p.id);
                    pending.push(p);
                } else {
                    decided.push(p);
                }
            }
        }
        pending.reverse();
        let mut flags = Vec::new();
        // Absent without reason in three months of this year or the last (rules.md §5.1 (a)).
        for year in [today.year() - 1, today.year()] {
            for a in self.meeting_alerts(root, year, today).await?.absent {
                if self.index.read().roll_status(a.member, today).is_none_or(|s| !s.is_active()) {
                    continue;
                }
                flags.push(StrikeOffFlag {
                    member: a.member,
                    full_name: a.full_name,
                    unit: a.unit,
                    unit_name: a.unit_name,
                    trigger: Trigger::Absent,
                    trigger_label: Trigger::Absent.label().to_owned(),
                    evidence: format!("Vắng sinh hoạt không có lý do năm {year}: {}.", a.months.join(", ")),
                    case: None,
                    pending_proposal: waiting.get(&a.member).copied(),
                });
            }
        }
        // No dues paid in three months of this year or the last (rules.md §5.1 (a), 01-QĐ/TW art. 2).
        for year in [today.year() - 1, today.year()] {
            for a in self.arrears_under(root, year, today).await? {
                if !a.arrears.proposes_strike_off() {
                    continue;
                }
                let months: Vec<String> = a.arrears.unpaid.iter().map(|m| m.short()).collect();
                flags.push(StrikeOffFlag {
                    member: a.member,
                    full_name: a.full_name,
                    unit: a.unit,
                    unit_name: a.unit_name,
                    trigger: Trigger::UnpaidDues,
                    trigger_label: Trigger::UnpaidDues.label().to_owned(),
                    evidence: format!("Không đóng đảng phí năm {year}: tháng {}.", months.join(", ")),
                    case: None,
                    pending_proposal: waiting.get(&a.member).copied(),
                });
            }
        }
        // Probationary members: the chi bộ found them not qualified, or their probation ended unexamined.
        let cases = self
            .cases(&CaseQuery { unit: Some(root), stages: vec![Stage::Probation, Stage::AwaitingRecognition], ..CaseQuery::new(today) })
            .await?;
        for c in cases {
            let Some(member) = c.member else { continue };
            let trigger = match (c.stage, c.next_step, c.urgency) {
                (Stage::AwaitingRecognition, Some(StepKind::StrikeOffDecision), _) => Trigger::ProbationNotQualified,
                (Stage::Probation, _, Some(Urgency::Overdue)) => Trigger::ProbationUnexamined,
                _ => continue,
            };
            let evidence = match (&c.next_due, trigger) {
                (Some(d), Trigger::ProbationUnexamined) => format!("{}: hạn {}.", d.label, domain::dates::format_vn(d.due)),
                (Some(d), _) => format!("Chi bộ đã đề nghị xóa tên; {}: hạn {}.", d.label.to_lowercase(), domain::dates::format_vn(d.due)),
                (None, _) => String::new(),
            };
            flags.push(StrikeOffFlag {
                member,
                full_name: c.full_name,
                unit: c.unit,
                unit_name: c.unit_name,
                trigger,
                trigger_label: trigger.label().to_owned(),
                evidence,
                case: Some(c.id),
                pending_proposal: None,
            });
        }
        flags.sort_by_cached_key(|f| (domain::text::collation_key(&f.unit_name), domain::text::collation_key(&f.full_name), f.trigger));
        Ok(StrikeOffList {
            unit: root,
            unit_name,
            as_of: today,
            flags,
            pending: pending.into_iter().map(|p| self.proposal_view(p)).collect(),
            decided: decided.into_iter().map(|p| self.proposal_view(p)).collect(),
        })
    }

    async fn propose_strike_off(&self, ctx: &WriteContext, member: MemberId, input: ProposalInput) -> Result<i64> {
        let today = crate::context::vietnam_today(ctx.now);
        let input = input.check(today).map_err(StoreError::Invalid)?;
        self.refresh_index().await?;
        let Some(unit) = self.index.read().member_unit_on(member, input.resolution.on) else {
            return Err(StoreError::invalid(
                "resolution_on",
                "not_active",
                "Đảng viên không sinh hoạt ở chi bộ nào của hệ thống vào ngày nghị quyết.",
            ));
        };
        let (mut tx, seq) = self.begin_write().await?;
        if q::of_member(tx.as_mut(), member).await?.iter().any(|p| p.decision.is_none()) {
            return Err(StoreError::invalid("member", "pending", "Đã có đề nghị xóa tên đảng viên này đang chờ cấp ủy quyết định."));
        }
        let id = q::insert(tx.as_mut(), member, unit, &input, ctx.now, &ctx.actor).await?;
        let record =
            AuditRecord::new("strike_off.propose", "strike_off", id, json!({ "member": member.0, "unit": unit.0, "proposal": input }));
        self.commit_write(tx, seq, ctx, &[record], "strike_off", &[id]).await?;
        Ok(id)
    }

    async fn decide_strike_off(&self, ctx: &WriteContext, id: i64, version: i64, decision: Decision) -> Result<()> {
        let today = crate::context::vietnam_today(ctx.now);
        let (mut tx, seq) = self.begin_write().await?;
        let p = q::get(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if p.version != version {
            return Err(StoreError::Conflict { current: p.version });
        }
        if p.decision.is_some() {
            return Err(StoreError::invalid("decision", "decided", "Cấp ủy đã quyết định về đề nghị này."));
        }
        let decision = decision.check(p.input.resolution.on, today).map_err(StoreError::Invalid)?;
        let mut records = Vec::new();
        let mut event = None;
        if let Decision::StruckOff { basis } = &decision {
            let data = EventData {
                kind: EventKind::StruckOff { reason: p.input.reason },
                effective: basis.date,
                basis: Some(basis.clone()),
                note: Some(format!("Theo đề nghị của chi bộ: {}", p.input.resolution.text)),
            };
            let (event_id, record) = append_event_tx(tx.as_mut(), ctx, p.member, None, Entry::Event(data), None).await?;
            records.push(record);
            event = Some(event_id.0);
            sql::log_changes(tx.as_mut(), seq, "member", &[p.member.0], self.db.max_params()).await?;
        }
        if !q::decide(tx.as_mut(), id, version, &decision, event, ctx.now).await? {
            return Err(StoreError::Conflict { current: version });
        }
        records.push(AuditRecord::new("strike_off.decide", "strike_off", id, json!({ "member": p.member.0, "decision": decision })));
        self.commit_write(tx, seq, ctx, &records, "strike_off", &[id]).await
    }

    async fn strike_off_proposal(&self, id: i64) -> Result<StrikeOffProposalView> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let p = q::get(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        Ok(self.proposal_view(p))
    }
}
