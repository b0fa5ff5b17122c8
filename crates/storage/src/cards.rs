//! The party card register (domain::cards, rules.md §7, docs/design/member-routines.md): the
//! cards issued to each member by series, how each stopped being in use (lost, damaged,
//! replaced, recovered, kept by the family), a unit's register and the card check. Each write
//! audited in its transaction; a number is held once per series.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::json;

use domain::cards::{CardEnd, CardFacts, Finding, Holder, Issue, Series};
use domain::history::Status;
use domain::ids::{MemberId, UnitId};

use crate::context::WriteContext;
use crate::db::DbError;
use crate::error::{Result, StoreError};
use crate::model::AuditRecord;
use crate::sql;
pub use crate::sql::cards::CardRow;
use crate::store::SqlStore;

/// A member's line in a unit's card register.
#[derive(Debug, Clone)]
pub struct CardLine {
    pub member: MemberId,
    pub member_name: String,
    pub unit: UnitId,
    pub unit_name: String,
    pub status: Status,
    pub card: Option<CardRow>,
}

/// What a card check found on one member.
#[derive(Debug, Clone)]
pub struct FindingLine {
    pub member: MemberId,
    pub member_name: String,
    pub unit_name: String,
    pub finding: Finding,
    /// The number concerned (the card's, the record's, the shared one).
    pub detail: String,
}

/// A card check of a subtree on a day.
#[derive(Debug, Clone)]
pub struct CardCheck {
    pub unit: UnitId,
    pub unit_name: String,
    pub on: NaiveDate,
    /// Members on the lists checked (and those out of the Party with a card still in use).
    pub checked: u32,
    pub with_card: u32,
    pub findings: Vec<FindingLine>,
}

impl CardCheck {
    pub fn count(&self, f: Finding) -> usize {
        self.findings.iter().filter(|l| l.finding == f).count()
    }
}

#[async_trait]
pub trait CardStore: Send + Sync {
    /// Issues a card to `member`; the card in use, if any, ends as the kind of issue says.
    async fn issue_card(&self, ctx: &WriteContext, member: MemberId, issue: Issue) -> Result<i64>;
    /// Records that a card in use stopped being so on `on`, at `version`.
    async fn end_card(&self, ctx: &WriteContext, id: i64, version: i64, on: NaiveDate, how: CardEnd, note: String) -> Result<()>;
    /// A card (404 for none).
    async fn card(&self, id: i64) -> Result<CardRow>;
    /// A member's cards, latest first.
    async fn member_cards(&self, member: MemberId) -> Result<Vec<CardRow>>;
    /// The members on the lists of `root`'s subtree on `on` with their card in use.
    async fn card_register(&self, root: UnitId, on: NaiveDate) -> Result<Vec<CardLine>>;
    /// The card check of `root`'s subtree on `on`.
    async fn card_check(&self, root: UnitId, on: NaiveDate) -> Result<CardCheck>;
}

fn duplicate_or(e: DbError) -> StoreError {
    match e {
        DbError::Unique(_) => StoreError::invalid("number", "duplicate", "Số thẻ này đã cấp cho một thẻ khác cùng loại."),
        other => other.into(),
    }
}

#[async_trait]
impl CardStore for SqlStore {
    async fn issue_card(&self, ctx: &WriteContext, member: MemberId, issue: Issue) -> Result<i64> {
        self.refresh_index().await?;
        let status = self.index.read().member_status(member, issue.issued_on);
        let (mut tx, seq) = self.begin_write().await?;
        let cards = sql::cards::of_member(tx.as_mut(), member).await?;
        let current = cards.iter().find(|c| c.ended_on.is_none());
        let holder = Holder {
            official: matches!(status, Some(Status::Official | Status::Exempt)),
            has_card: current.is_some(),
            card_issued_on: current.map(|c| c.issued_on),
        };
        domain::cards::check_issue(&issue, holder, ctx.today).map_err(StoreError::Invalid)?;
        let mut ended = None;
        if let (Some(c), Some(how)) = (current, domain::cards::replaced_as(issue.kind)) {
            if !sql::cards::end(tx.as_mut(), c.id, c.version, issue.issued_on, how, issue.kind.label()).await? {
                return Err(StoreError::Conflict { current: c.version });
            }
            ended = Some(c.id);
        } else if let Some(c) = current {
            // A first card only goes to a member without one (checked above); a re-issue after a
            // loss not yet recorded ends the card in use as lost.
            if !sql::cards::end(tx.as_mut(), c.id, c.version, issue.issued_on, CardEnd::Lost, issue.kind.label()).await? {
                return Err(StoreError::Conflict { current: c.version });
            }
            ended = Some(c.id);
        }
        let id = sql::cards::insert(tx.as_mut(), member, &issue, ctx.now, &ctx.actor).await.map_err(duplicate_or)?;
        let record = AuditRecord::new(
            "card.issue",
            "member",
            member.0,
            json!({ "card": id, "series": issue.series.code(), "number": issue.number.as_str(), "kind": issue.kind.code(),
                    "issued_on": issue.issued_on, "decision": issue.decision, "ended": ended }),
        );
        self.commit_write(tx, seq, ctx, &[record], "card", &[id]).await?;
        Ok(id)
    }

    async fn end_card(&self, ctx: &WriteContext, id: i64, version: i64, on: NaiveDate, how: CardEnd, note: String) -> Result<()> {
        self.refresh_index().await?;
        let (mut tx, seq) = self.begin_write().await?;
        let c = sql::cards::one(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if c.version != version {
            return Err(StoreError::Conflict { current: c.version });
        }
        if c.ended_on.is_some() {
            return Err(StoreError::invalid("how", "ended", "Thẻ này đã thôi sử dụng."));
        }
        if on < c.issued_on {
            return Err(StoreError::invalid("on", "before_issue", "Ngày này trước ngày cấp thẻ."));
        }
        if on > ctx.today {
            return Err(StoreError::invalid("on", "future", "Chưa đến ngày này."));
        }
        let status = self.index.read().member_status(c.member, on);
        match how {
            CardEnd::Returned if !matches!(status, Some(Status::Expelled | Status::StruckOff | Status::Exited)) => {
                return Err(StoreError::invalid(
                    "how",
                    "still_member",
                    "Chỉ thu hồi thẻ của người đã bị khai trừ, xóa tên hoặc ra khỏi Đảng.",
                ));
            }
            CardEnd::KeptByFamily if status != Some(Status::Deceased) => {
                return Err(StoreError::invalid("how", "not_deceased", "Gia đình giữ thẻ khi đảng viên đã từ trần."));
            }
            CardEnd::Replaced => {
                return Err(StoreError::invalid("how", "by_issue", "Đổi thẻ được ghi khi cấp thẻ mới."));
            }
            _ => {}
        }
        if !sql::cards::end(tx.as_mut(), id, version, on, how, note.trim()).await? {
            return Err(StoreError::Conflict { current: c.version });
        }
        let record =
            AuditRecord::new("card.end", "member", c.member.0, json!({ "card": id, "on": on, "how": how.code(), "note": note.trim() }));
        self.commit_write(tx, seq, ctx, &[record], "card", &[id]).await
    }

    async fn card(&self, id: i64) -> Result<CardRow> {
        let mut conn = self.db.reader().await?;
        sql::cards::one(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)
    }

    async fn member_cards(&self, member: MemberId) -> Result<Vec<CardRow>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::cards::of_member(conn.as_mut(), member).await?)
    }

    async fn card_register(&self, root: UnitId, on: NaiveDate) -> Result<Vec<CardLine>> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let mut in_use: HashMap<MemberId, CardRow> = sql::cards::in_use(conn.as_mut()).await?.into_iter().map(|c| (c.member, c)).collect();
        drop(conn);
        let index = self.index.read();
        let roster = index.roster(root, on, None).ok_or(StoreError::NotFound)?;
        Ok(roster
            .into_iter()
            .map(|e| CardLine {
                member: e.member,
                member_name: e.full_name,
                unit: e.unit,
                unit_name: index.unit_with_parent(e.unit, on),
                status: e.status,
                card: in_use.remove(&e.member),
            })
            .collect())
    }

    async fn card_check(&self, root: UnitId, on: NaiveDate) -> Result<CardCheck> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let in_use = sql::cards::in_use(conn.as_mut()).await?;
        let records = sql::cards::record_numbers(conn.as_mut()).await?;
        drop(conn);
        let index = self.index.read();
        let roster = index.roster(root, on, None).ok_or(StoreError::NotFound)?;
        let card_of: HashMap<MemberId, &CardRow> = in_use.iter().map(|c| (c.member, c)).collect();
        let record_of: HashMap<MemberId, &str> = records.iter().map(|r| (r.member, r.number.as_str())).collect();
        let mut checked: Vec<(MemberId, String, Status)> = roster.iter().map(|e| (e.member, e.full_name.clone(), e.status)).collect();
        let listed: HashSet<MemberId> = checked.iter().map(|c| c.0).collect();
        // Members out of the Party whose last unit was here, with a card still in use.
        for c in &in_use {
            if listed.contains(&c.member) {
                continue;
            }
            let status = index.member_status(c.member, on);
            if matches!(status, Some(Status::Expelled | Status::StruckOff | Status::Exited))
                && index.home_unit(c.member).is_some_and(|h| h == root || domain::transfers::Tree::is_within(&*index, h, root, on))
            {
                checked.push((
                    c.member,
                    index.member_name(c.member).map(|(n, _)| n).unwrap_or_default(),
                    status.unwrap_or(Status::Expelled),
                ));
            }
        }
        let unit_name = |m: MemberId| index.member_unit_before(m, on).map(|(u, d)| index.unit_with_parent(u, d)).unwrap_or_default();
        let mut findings = Vec::new();
        for (member, name, status) in &checked {
            let card = card_of.get(member);
            let facts = CardFacts {
                official: matches!(status, Status::Official | Status::Exempt),
                probationary: *status == Status::Probationary,
                out: matches!(status, Status::Expelled | Status::StruckOff | Status::Exited),
                card: card.map(|c| (c.series, c.number.as_str())),
                record_number: record_of.get(member).copied(),
            };
            for finding in domain::cards::check_member(&facts) {
                let detail = match finding {
                    Finding::Mismatch => {
                        format!("hồ sơ {} — thẻ {}", facts.record_number.unwrap_or_default(), card.map_or("", |c| c.number.as_str()))
                    }
                    Finding::Missing => String::new(),
                    _ => card.map(|c| c.number.as_str().to_string()).unwrap_or_default(),
                };
                findings.push(FindingLine { member: *member, member_name: name.clone(), unit_name: unit_name(*member), finding, detail });
            }
        }
        // Duplicates: a 2003-series number held by two members, as a card in use or on a record.
        let mut holdings: Vec<(MemberId, &str)> =
            in_use.iter().filter(|c| c.series == Series::S2003).map(|c| (c.member, c.number.as_str())).collect();
        holdings.extend(records.iter().map(|r| (r.member, r.number.as_str())));
        let here: HashSet<MemberId> = checked.iter().map(|c| c.0).collect();
        for shared in domain::cards::duplicates(&holdings) {
            for m in shared.holders.iter().filter(|m| here.contains(m)) {
                let name = index.member_name(*m).map(|(n, _)| n).unwrap_or_default();
                findings.push(FindingLine {
                    member: *m,
                    member_name: name,
                    unit_name: unit_name(*m),
                    finding: Finding::Duplicate,
                    detail: shared.number.clone(),
                });
            }
        }
        findings.sort_by(|a, b| a.finding.cmp(&b.finding).then_with(|| a.unit_name.cmp(&b.unit_name)));
        Ok(CardCheck {
            unit: root,
            unit_name: index.unit_with_parent(root, on),
            on,
            checked: checked.len() as u32,
            with_card: checked.iter().filter(|c| card_of.contains_key(&c.0)).count() as u32,
            findings,
        })
    }
}
