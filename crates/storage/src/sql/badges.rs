//! Statements of party badges (migration 0032): a unit's proposal lists per award day, their
//! lines, and the badges members hold.

use chrono::{DateTime, NaiveDate, Utc};
use domain::badges::{Circumstance, WaitRule};
use domain::ids::{MemberId, UnitId};

use super::{R, field};
use crate::db::{Conn, DbError, Row};

/// Where a proposal list stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStatus {
    /// Being reviewed by the unit.
    Draft,
    /// Sent up to the committee that decides.
    Sent,
    /// The decision is recorded: the badges are on the members' records.
    Decided,
}

impl ListStatus {
    pub fn code(self) -> &'static str {
        match self {
            ListStatus::Draft => "du-thao",
            ListStatus::Sent => "da-gui",
            ListStatus::Decided => "da-quyet-dinh",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ListStatus::Draft => "Đang lập",
            ListStatus::Sent => "Đã gửi lên cấp trên",
            ListStatus::Decided => "Đã có quyết định",
        }
    }

    fn parse(s: &str) -> R<ListStatus> {
        match s {
            "du-thao" => Ok(ListStatus::Draft),
            "da-gui" => Ok(ListStatus::Sent),
            "da-quyet-dinh" => Ok(ListStatus::Decided),
            other => Err(DbError::Decode(format!("badge list status {other}"))),
        }
    }
}

/// A proposal list as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    pub id: i64,
    pub unit: UnitId,
    pub award_on: NaiveDate,
    pub wait_rule: WaitRule,
    pub status: ListStatus,
    pub sent_on: Option<NaiveDate>,
    pub decision: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub issuer: Option<String>,
    pub version: i64,
}

/// A member on a proposal list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRow {
    pub member: MemberId,
    pub milestone: u32,
    pub circumstance: Circumstance,
    pub early_months: u32,
}

/// A badge a member holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeRow {
    pub id: i64,
    pub member: MemberId,
    pub milestone: u32,
    pub awarded_on: NaiveDate,
    pub decision: String,
    pub issuer: String,
    pub circumstance: Circumstance,
    pub list: Option<i64>,
}

fn small(r: &Row, c: &str) -> R<u32> {
    u32::try_from(r.i64(c)?).map_err(|e| DbError::Decode(e.to_string()))
}

macro_rules! select_list {
    ($rest:literal) => {
        concat!("SELECT id, unit_id, award_on, wait_rule, status, sent_on, decision, decided_on, issuer, version FROM badge_lists ", $rest)
    };
}

macro_rules! select_badge {
    ($rest:literal) => {
        concat!("SELECT id, member_id, milestone, awarded_on, decision, issuer, circumstance, list_id FROM member_badges ", $rest)
    };
}

fn list_row(r: &Row) -> R<ListRow> {
    Ok(ListRow {
        id: r.i64("id")?,
        unit: UnitId(r.i64("unit_id")?),
        award_on: r.date("award_on")?,
        wait_rule: field(WaitRule::parse(&r.str("wait_rule")?))?,
        status: ListStatus::parse(&r.str("status")?)?,
        sent_on: r.opt_date("sent_on")?,
        decision: r.opt_str("decision")?,
        decided_on: r.opt_date("decided_on")?,
        issuer: r.opt_str("issuer")?,
        version: r.i64("version")?,
    })
}

fn badge_row(r: &Row) -> R<BadgeRow> {
    Ok(BadgeRow {
        id: r.i64("id")?,
        member: MemberId(r.i64("member_id")?),
        milestone: small(r, "milestone")?,
        awarded_on: r.date("awarded_on")?,
        decision: r.str("decision")?,
        issuer: r.str("issuer")?,
        circumstance: field(Circumstance::parse(&r.str("circumstance")?))?,
        list: r.opt_i64("list_id")?,
    })
}

pub async fn insert_list(tx: &mut dyn Conn, unit: UnitId, award_on: NaiveDate, rule: WaitRule, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let rows = tx
        .query(
            &"INSERT INTO badge_lists (unit_id, award_on, wait_rule, status, version, created_at, created_by) \
               VALUES ($1, $2, $3, 'du-thao', 1, $4, $5) RETURNING id"
                .into(),
            vec![unit.0.into(), award_on.into(), rule.code().into(), now.into(), actor.into()],
        )
        .await?;
    rows.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

pub async fn list(conn: &mut dyn Conn, id: i64) -> R<Option<ListRow>> {
    conn.query(&select_list!("WHERE id = $1").into(), vec![id.into()]).await?.first().map(list_row).transpose()
}

/// Every proposal list, latest award day first (a province keeps a few per unit a year).
pub async fn lists(conn: &mut dyn Conn) -> R<Vec<ListRow>> {
    conn.query(&select_list!("ORDER BY award_on DESC, id DESC").into(), vec![]).await?.iter().map(list_row).collect()
}

pub async fn lines(conn: &mut dyn Conn, list: i64) -> R<Vec<LineRow>> {
    conn.query(
        &"SELECT member_id, milestone, circumstance, early_months FROM badge_list_lines WHERE list_id = $1".into(),
        vec![list.into()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(LineRow {
            member: MemberId(r.i64("member_id")?),
            milestone: small(r, "milestone")?,
            circumstance: field(Circumstance::parse(&r.str("circumstance")?))?,
            early_months: small(r, "early_months")?,
        })
    })
    .collect()
}

pub async fn insert_line(tx: &mut dyn Conn, list: i64, l: &LineRow) -> R<()> {
    tx.execute(
        &"INSERT INTO badge_list_lines (list_id, member_id, milestone, circumstance, early_months) VALUES ($1, $2, $3, $4, $5)".into(),
        vec![list.into(), l.member.0.into(), i64::from(l.milestone).into(), l.circumstance.code().into(), i64::from(l.early_months).into()],
    )
    .await?;
    Ok(())
}

pub async fn delete_line(tx: &mut dyn Conn, list: i64, member: MemberId) -> R<bool> {
    let n = tx
        .execute(&"DELETE FROM badge_list_lines WHERE list_id = $1 AND member_id = $2".into(), vec![list.into(), member.0.into()])
        .await?;
    Ok(n == 1)
}

/// Moves a draft list's version on (`false`: changed meanwhile or no longer a draft).
pub async fn touch_draft(tx: &mut dyn Conn, id: i64, version: i64) -> R<bool> {
    let n = tx
        .execute(
            &"UPDATE badge_lists SET version = version + 1 WHERE id = $1 AND version = $2 AND status = 'du-thao'".into(),
            vec![id.into(), version.into()],
        )
        .await?;
    Ok(n == 1)
}

pub async fn send(tx: &mut dyn Conn, id: i64, version: i64, on: NaiveDate) -> R<bool> {
    let n = tx
        .execute(
            &"UPDATE badge_lists SET status = 'da-gui', sent_on = $1, version = version + 1 WHERE id = $2 AND version = $3 AND status = 'du-thao'"
                .into(),
            vec![on.into(), id.into(), version.into()],
        )
        .await?;
    Ok(n == 1)
}

pub async fn decide(tx: &mut dyn Conn, id: i64, version: i64, decision: &str, on: NaiveDate, issuer: &str) -> R<bool> {
    let n = tx
        .execute(
            &"UPDATE badge_lists SET status = 'da-quyet-dinh', decision = $1, decided_on = $2, issuer = $3, version = version + 1 \
               WHERE id = $4 AND version = $5 AND status = 'da-gui'"
                .into(),
            vec![decision.into(), on.into(), issuer.into(), id.into(), version.into()],
        )
        .await?;
    Ok(n == 1)
}

/// A badge awarded (a member holds each milestone once: a second is refused by the index).
#[allow(clippy::too_many_arguments)]
pub async fn insert_badge(tx: &mut dyn Conn, b: &BadgeRow, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let rows = tx
        .query(
            &"INSERT INTO member_badges (member_id, milestone, awarded_on, decision, issuer, circumstance, list_id, recorded_at, recorded_by) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
                .into(),
            vec![
                b.member.0.into(),
                i64::from(b.milestone).into(),
                b.awarded_on.into(),
                b.decision.as_str().into(),
                b.issuer.as_str().into(),
                b.circumstance.code().into(),
                b.list.into(),
                now.into(),
                actor.into(),
            ],
        )
        .await?;
    rows.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

/// A member's badges, highest first.
pub async fn of_member(conn: &mut dyn Conn, member: MemberId) -> R<Vec<BadgeRow>> {
    conn.query(&select_badge!("WHERE member_id = $1 ORDER BY milestone DESC").into(), vec![member.0.into()])
        .await?
        .iter()
        .map(badge_row)
        .collect()
}

/// Every badge held (the highest per member is what a list compares with): a few per member.
pub async fn all(conn: &mut dyn Conn) -> R<Vec<BadgeRow>> {
    conn.query(&select_badge!("ORDER BY member_id, milestone").into(), vec![]).await?.iter().map(badge_row).collect()
}

/// Badges awarded within `[from, to]`.
pub async fn awarded_between(conn: &mut dyn Conn, from: NaiveDate, to: NaiveDate) -> R<Vec<BadgeRow>> {
    conn.query(
        &select_badge!("WHERE awarded_on >= $1 AND awarded_on <= $2 ORDER BY awarded_on, milestone, id").into(),
        vec![from.into(), to.into()],
    )
    .await?
    .iter()
    .map(badge_row)
    .collect()
}
