//! Statements of the enterprise register (migration 0029).

use chrono::{DateTime, Utc};
use domain::enterprises::{Enterprise, Ownership, PartyOrganization, TaxCode};
use domain::ids::UnitId;

use super::{R, field};
use crate::db::{Conn, DbError, Row, Value};

/// An enterprise as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseRow {
    pub id: i64,
    /// The committee whose area it is in (the unit it is registered under).
    pub area: UnitId,
    pub enterprise: Enterprise,
    pub version: i64,
    pub updated_by: String,
}

fn count(r: &Row, c: &str) -> R<u32> {
    u32::try_from(r.i64(c)?).map_err(|e| DbError::Decode(e.to_string()))
}

fn from_row(r: &Row) -> R<EnterpriseRow> {
    let party = match (r.opt_i64("party_unit_id")?, r.opt_date("founded_on")?, r.opt_str("decision")?) {
        (Some(u), Some(on), Some(decision)) => Some(PartyOrganization { unit: UnitId(u), founded_on: on, decision }),
        _ => None,
    };
    Ok(EnterpriseRow {
        id: r.i64("id")?,
        area: UnitId(r.i64("area_unit_id")?),
        enterprise: Enterprise {
            name: r.str("name")?,
            tax_code: field(TaxCode::parse(&r.str("tax_code")?))?,
            ownership: field(Ownership::parse(&r.str("ownership")?))?,
            address: r.opt_str("address")?,
            workers: count(r, "workers")?,
            trade_union: r.i64("trade_union")? != 0,
            youth_union: r.i64("youth_union")? != 0,
            members_without_organization: count(r, "members_without_org")?,
            party,
        },
        version: r.i64("version")?,
        updated_by: r.str("updated_by")?,
    })
}

fn values(e: &Enterprise) -> Vec<Value> {
    vec![
        e.name.as_str().into(),
        e.tax_code.as_str().into(),
        e.ownership.code().into(),
        e.address.clone().into(),
        i64::from(e.workers).into(),
        i64::from(e.trade_union).into(),
        i64::from(e.youth_union).into(),
        i64::from(e.members_without_organization).into(),
        e.party.as_ref().map(|p| p.unit.0).into(),
        e.party.as_ref().map(|p| p.founded_on).into(),
        e.party.as_ref().map(|p| p.decision.clone()).into(),
    ]
}

pub async fn insert(tx: &mut dyn Conn, area: UnitId, e: &Enterprise, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let mut args = vec![Value::from(area.0)];
    args.extend(values(e));
    args.extend([now.into(), actor.into()]);
    let rows = tx
        .query(
            &"INSERT INTO enterprises (area_unit_id, name, tax_code, ownership, address, workers, trade_union, youth_union, \
               members_without_org, party_unit_id, founded_on, decision, version, updated_at, updated_by) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14) RETURNING id"
                .into(),
            args,
        )
        .await?;
    rows.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

/// Replaces an enterprise at `version` (`false`: changed meanwhile).
pub async fn update(tx: &mut dyn Conn, id: i64, version: i64, e: &Enterprise, now: DateTime<Utc>, actor: &str) -> R<bool> {
    let mut args = values(e);
    args.extend([now.into(), actor.into(), id.into(), version.into()]);
    let n = tx
        .execute(
            &"UPDATE enterprises SET name = $1, tax_code = $2, ownership = $3, address = $4, workers = $5, trade_union = $6, \
               youth_union = $7, members_without_org = $8, party_unit_id = $9, founded_on = $10, decision = $11, version = version + 1, \
               updated_at = $12, updated_by = $13 WHERE id = $14 AND version = $15"
                .into(),
            args,
        )
        .await?;
    Ok(n == 1)
}

pub async fn one(conn: &mut dyn Conn, id: i64) -> R<Option<EnterpriseRow>> {
    conn.query(
        &"SELECT id, area_unit_id, name, tax_code, ownership, address, workers, trade_union, youth_union, members_without_org, \
           party_unit_id, founded_on, decision, version, updated_by FROM enterprises WHERE id = $1"
            .into(),
        vec![id.into()],
    )
    .await?
    .first()
    .map(from_row)
    .transpose()
}

/// Every enterprise (a province registers a few thousand), by name.
pub async fn all(conn: &mut dyn Conn) -> R<Vec<EnterpriseRow>> {
    conn.query(
        &"SELECT id, area_unit_id, name, tax_code, ownership, address, workers, trade_union, youth_union, members_without_org, \
           party_unit_id, founded_on, decision, version, updated_by FROM enterprises ORDER BY name, id"
            .into(),
        vec![],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Sets a unit's founding target of a year (replacing one set before).
pub async fn set_target(tx: &mut dyn Conn, unit: UnitId, year: i32, target: u32, now: DateTime<Utc>, actor: &str) -> R<()> {
    tx.execute(&"DELETE FROM enterprise_targets WHERE unit_id = $1 AND year = $2".into(), vec![unit.0.into(), i64::from(year).into()])
        .await?;
    tx.execute(
        &"INSERT INTO enterprise_targets (unit_id, year, target, set_at, set_by) VALUES ($1, $2, $3, $4, $5)".into(),
        vec![unit.0.into(), i64::from(year).into(), i64::from(target).into(), now.into(), actor.into()],
    )
    .await?;
    Ok(())
}

/// The founding targets of a year, by unit.
pub async fn targets(conn: &mut dyn Conn, year: i32) -> R<Vec<(UnitId, u32)>> {
    conn.query(&"SELECT unit_id, target FROM enterprise_targets WHERE year = $1".into(), vec![i64::from(year).into()])
        .await?
        .iter()
        .map(|r| Ok((UnitId(r.i64("unit_id")?), count(r, "target")?)))
        .collect()
}
