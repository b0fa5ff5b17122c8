//! Statements of the exemption register (migration 0032).

use chrono::{DateTime, NaiveDate, Utc};
use domain::exemptions::Ground;
use domain::ids::MemberId;

use super::{R, field};
use crate::db::{Conn, DbError, Row};

/// An exemption as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExemptionRow {
    pub id: i64,
    pub member: MemberId,
    pub ground: Ground,
    pub resolved_on: NaiveDate,
    pub resolution: String,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    /// The register's `mien-sinh-hoat` event.
    pub event: i64,
    /// The day the member returned (`thoi-mien`), with its event.
    pub ended_on: Option<NaiveDate>,
    pub end_event: Option<i64>,
    pub version: i64,
}

/// A renewal as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewalRow {
    pub exemption: i64,
    pub resolved_on: NaiveDate,
    pub resolution: String,
    pub until_before: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

/// `SELECT` of every column, then the rest of the statement.
macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT ",
            "id, member_id, ground, resolved_on, resolution, from_date, until_date, event_id, ended_on, end_event_id, version",
            " FROM exemptions ",
            $rest
        )
    };
}

fn from_row(r: &Row) -> R<ExemptionRow> {
    Ok(ExemptionRow {
        id: r.i64("id")?,
        member: MemberId(r.i64("member_id")?),
        ground: field(Ground::parse(&r.str("ground")?))?,
        resolved_on: r.date("resolved_on")?,
        resolution: r.str("resolution")?,
        from: r.date("from_date")?,
        until: r.opt_date("until_date")?,
        event: r.i64("event_id")?,
        ended_on: r.opt_date("ended_on")?,
        end_event: r.opt_i64("end_event_id")?,
        version: r.i64("version")?,
    })
}

pub async fn insert(
    tx: &mut dyn Conn,
    member: MemberId,
    x: &domain::exemptions::Exemption,
    event: i64,
    now: DateTime<Utc>,
    actor: &str,
) -> R<i64> {
    let rows = tx
        .query(
            &"INSERT INTO exemptions (member_id, ground, resolved_on, resolution, from_date, until_date, event_id, version, recorded_at, \
               recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9) RETURNING id"
                .into(),
            vec![
                member.0.into(),
                x.ground.code().into(),
                x.resolved_on.into(),
                x.resolution.as_str().into(),
                x.from.into(),
                x.until.into(),
                event.into(),
                now.into(),
                actor.into(),
            ],
        )
        .await?;
    rows.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

pub async fn one(conn: &mut dyn Conn, id: i64) -> R<Option<ExemptionRow>> {
    conn.query(&select!("WHERE id = $1").into(), vec![id.into()]).await?.first().map(from_row).transpose()
}

/// A member's exemptions, latest first.
pub async fn of_member(conn: &mut dyn Conn, member: MemberId) -> R<Vec<ExemptionRow>> {
    conn.query(&select!("WHERE member_id = $1 ORDER BY from_date DESC, id DESC").into(), vec![member.0.into()])
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Every exemption not ended before `since` (running ones and those ended within the window).
pub async fn since(conn: &mut dyn Conn, since: NaiveDate) -> R<Vec<ExemptionRow>> {
    conn.query(&select!("WHERE ended_on IS NULL OR ended_on >= $1 ORDER BY from_date DESC, id DESC").into(), vec![since.into()])
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Extends an exemption to `until`, at `version` (`false`: changed meanwhile).
pub async fn renew(tx: &mut dyn Conn, id: i64, version: i64, until: Option<NaiveDate>) -> R<bool> {
    let n = tx
        .execute(
            &"UPDATE exemptions SET until_date = $1, version = version + 1 WHERE id = $2 AND version = $3 AND ended_on IS NULL".into(),
            vec![until.into(), id.into(), version.into()],
        )
        .await?;
    Ok(n == 1)
}

pub async fn insert_renewal(tx: &mut dyn Conn, r: &RenewalRow, now: DateTime<Utc>, actor: &str) -> R<()> {
    tx.execute(
        &"INSERT INTO exemption_renewals (exemption_id, resolved_on, resolution, until_before, until_date, recorded_at, recorded_by) \
           VALUES ($1, $2, $3, $4, $5, $6, $7)"
            .into(),
        vec![
            r.exemption.into(),
            r.resolved_on.into(),
            r.resolution.as_str().into(),
            r.until_before.into(),
            r.until.into(),
            now.into(),
            actor.into(),
        ],
    )
    .await?;
    Ok(())
}

/// The renewals of an exemption, in order.
pub async fn renewals(conn: &mut dyn Conn, id: i64) -> R<Vec<RenewalRow>> {
    conn.query(
        &"SELECT exemption_id, resolved_on, resolution, until_before, until_date FROM exemption_renewals WHERE exemption_id = $1 ORDER BY resolved_on, id"
            .into(),
        vec![id.into()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(RenewalRow {
            exemption: r.i64("exemption_id")?,
            resolved_on: r.date("resolved_on")?,
            resolution: r.str("resolution")?,
            until_before: r.opt_date("until_before")?,
            until: r.opt_date("until_date")?,
        })
    })
    .collect()
}

/// Records the member's return, at `version` (`false`: changed meanwhile or already ended).
pub async fn end(tx: &mut dyn Conn, id: i64, version: i64, on: NaiveDate, event: i64) -> R<bool> {
    let n = tx
        .execute(
            &"UPDATE exemptions SET ended_on = $1, end_event_id = $2, version = version + 1 WHERE id = $3 AND version = $4 AND ended_on IS NULL"
                .into(),
            vec![on.into(), event.into(), id.into(), version.into()],
        )
        .await?;
    Ok(n == 1)
}
