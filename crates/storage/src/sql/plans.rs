//! What committees plan admissions by, besides yearly targets: congress terms with their term
//! targets (`congress_terms`) and the occasions they add (`admission_occasions`).

use chrono::{DateTime, Utc};

use domain::ids::UnitId;
use domain::targets::{Occasion, Term};

use crate::db::{Conn, DbError, Row, Sql};

type R<T> = Result<T, DbError>;

/// A term as stored, with its version (concurrent edits conflict).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTerm {
    pub term: Term,
    pub version: i64,
}

fn term_from_row(r: &Row) -> R<StoredTerm> {
    Ok(StoredTerm {
        term: Term {
            id: r.i64("id")?,
            unit: UnitId(r.i64("unit_id")?),
            first: r.date("first_day")?,
            last: r.date("last_day")?,
            target: r.opt_i64("target")?.map(|t| u32::try_from(t).unwrap_or(u32::MAX)),
        },
        version: r.i64("version")?,
    })
}

/// Every term recorded (a few per unit that has any), in order of unit and first day.
pub async fn all_terms(conn: &mut dyn Conn) -> R<Vec<StoredTerm>> {
    let sql: Sql = "SELECT id, version, unit_id, first_day, last_day, target FROM congress_terms ORDER BY unit_id, first_day".into();
    conn.query(&sql, vec![]).await?.iter().map(term_from_row).collect()
}

/// The terms of one unit, in order.
pub async fn terms_of(conn: &mut dyn Conn, unit: UnitId) -> R<Vec<StoredTerm>> {
    let sql: Sql =
        "SELECT id, version, unit_id, first_day, last_day, target FROM congress_terms WHERE unit_id = $1 ORDER BY first_day".into();
    conn.query(&sql, vec![unit.0.into()]).await?.iter().map(term_from_row).collect()
}

pub async fn term(conn: &mut dyn Conn, id: i64) -> R<Option<StoredTerm>> {
    let sql: Sql = "SELECT id, version, unit_id, first_day, last_day, target FROM congress_terms WHERE id = $1".into();
    conn.query(&sql, vec![id.into()]).await?.first().map(term_from_row).transpose()
}

pub async fn insert_term(tx: &mut dyn Conn, t: &Term, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let sql: Sql = "INSERT INTO congress_terms (version, unit_id, first_day, last_day, target, updated_at, updated_by) \
                    VALUES (1, $1, $2, $3, $4, $5, $6) RETURNING id"
        .into();
    let args = vec![t.unit.0.into(), t.first.into(), t.last.into(), t.target.map(i64::from).into(), now.into(), actor.into()];
    tx.query(&sql, args).await?.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

/// Changes a term's days and target if its version is still `expected`; false when it is not
/// (someone changed or removed it since).
pub async fn update_term(tx: &mut dyn Conn, t: &Term, expected: i64, now: DateTime<Utc>, actor: &str) -> R<bool> {
    let sql: Sql = "UPDATE congress_terms SET version = version + 1, first_day = $2, last_day = $3, target = $4, updated_at = $5, \
                    updated_by = $6 WHERE id = $1 AND version = $7"
        .into();
    let args = vec![t.id.into(), t.first.into(), t.last.into(), t.target.map(i64::from).into(), now.into(), actor.into(), expected.into()];
    Ok(tx.execute(&sql, args).await? == 1)
}

/// Removes a term if its version is still `expected`.
pub async fn delete_term(tx: &mut dyn Conn, id: i64, expected: i64) -> R<bool> {
    let sql: Sql = "DELETE FROM congress_terms WHERE id = $1 AND version = $2".into();
    Ok(tx.execute(&sql, vec![id.into(), expected.into()]).await? == 1)
}

fn occasion_from_row(r: &Row) -> R<Occasion> {
    let number = |c: &str| -> R<u32> { u32::try_from(r.i64(c)?).map_err(|e| DbError::Decode(e.to_string())) };
    Ok(Occasion { day: number("day")?, month: number("month")?, name: r.str("name")?, added_by: Some(UnitId(r.i64("unit_id")?)) })
}

/// Every occasion committees added, in calendar order.
pub async fn all_occasions(conn: &mut dyn Conn) -> R<Vec<Occasion>> {
    let sql: Sql = "SELECT unit_id, month, day, name FROM admission_occasions ORDER BY month, day, unit_id".into();
    conn.query(&sql, vec![]).await?.iter().map(occasion_from_row).collect()
}

pub async fn insert_occasion(tx: &mut dyn Conn, o: &Occasion, unit: UnitId, now: DateTime<Utc>, actor: &str) -> R<()> {
    let sql: Sql =
        "INSERT INTO admission_occasions (unit_id, month, day, name, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)".into();
    let args = vec![unit.0.into(), i64::from(o.month).into(), i64::from(o.day).into(), o.name.as_str().into(), now.into(), actor.into()];
    tx.execute(&sql, args).await?;
    Ok(())
}

/// Removes an occasion a unit added; false when there was none on that day.
pub async fn delete_occasion(tx: &mut dyn Conn, unit: UnitId, day: u32, month: u32) -> R<bool> {
    let sql: Sql = "DELETE FROM admission_occasions WHERE unit_id = $1 AND month = $2 AND day = $3".into();
    Ok(tx.execute(&sql, vec![unit.0.into(), i64::from(month).into(), i64::from(day).into()]).await? == 1)
}
