//! The seats of a unit's elected committee (`committee_seats`).

use chrono::{DateTime, NaiveDate, Utc};

use domain::committees::{Seat, SeatInput, SeatRole};
use domain::ids::{MemberId, UnitId};

use crate::db::{Conn, DbError, Row, Sql};

type R<T> = Result<T, DbError>;

/// One seat as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSeat {
    pub id: i64,
    pub version: i64,
    pub unit: UnitId,
    pub seat: Seat,
    pub basis: String,
    pub end_basis: Option<String>,
    pub created_by: String,
}

macro_rules! columns {
    () => {
        "id, version, unit_id, member_id, role, from_on, basis, until_on, end_basis, created_by"
    };
}

fn from_row(r: &Row) -> R<StoredSeat> {
    Ok(StoredSeat {
        id: r.i64("id")?,
        version: r.i64("version")?,
        unit: UnitId(r.i64("unit_id")?),
        seat: Seat {
            member: MemberId(r.i64("member_id")?),
            role: SeatRole::parse(&r.str("role")?).map_err(|_| DbError::Decode("committee_seats: role".into()))?,
            from: r.date("from_on")?,
            until: r.opt_date("until_on")?,
        },
        basis: r.str("basis")?,
        end_basis: r.opt_str("end_basis")?,
        created_by: r.str("created_by")?,
    })
}

pub async fn insert(tx: &mut dyn Conn, unit: UnitId, input: &SeatInput, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let sql: Sql =
        "INSERT INTO committee_seats (version, unit_id, member_id, role, from_on, until_on, basis, created_by, created_at, updated_at) \
                    VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id"
            .into();
    let args = vec![
        unit.0.into(),
        input.member.0.into(),
        input.role.code().into(),
        input.from.into(),
        input.until.into(),
        input.basis.as_str().into(),
        actor.into(),
        now.into(),
    ];
    tx.query(&sql, args).await?.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

pub async fn get(conn: &mut dyn Conn, id: i64) -> R<Option<StoredSeat>> {
    let sql: Sql = concat!("SELECT ", columns!(), " FROM committee_seats WHERE id = $1").into();
    conn.query(&sql, vec![id.into()]).await?.first().map(from_row).transpose()
}

/// Every seat of a unit's committee, past and present, oldest first.
pub async fn of_unit(conn: &mut dyn Conn, unit: UnitId) -> R<Vec<StoredSeat>> {
    let sql: Sql = concat!("SELECT ", columns!(), " FROM committee_seats WHERE unit_id = $1 ORDER BY from_on, id").into();
    conn.query(&sql, vec![unit.0.into()]).await?.iter().map(from_row).collect()
}

/// Every seat a member holds or held, on any committee, oldest first.
pub async fn of_member(conn: &mut dyn Conn, member: MemberId) -> R<Vec<StoredSeat>> {
    let sql: Sql = concat!("SELECT ", columns!(), " FROM committee_seats WHERE member_id = $1 ORDER BY from_on, id").into();
    conn.query(&sql, vec![member.0.into()]).await?.iter().map(from_row).collect()
}

/// Ends a seat if the version is still `expected`.
pub async fn end(tx: &mut dyn Conn, id: i64, expected: i64, until: NaiveDate, basis: &str, now: DateTime<Utc>) -> R<bool> {
    let sql: Sql = "UPDATE committee_seats SET version = version + 1, until_on = $2, end_basis = $3, updated_at = $4 \
                    WHERE id = $1 AND version = $5 AND until_on IS NULL"
        .into();
    Ok(tx.execute(&sql, vec![id.into(), until.into(), basis.into(), now.into(), expected.into()]).await? == 1)
}

/// Removes a seat entered by mistake if the version is still `expected`.
pub async fn delete(tx: &mut dyn Conn, id: i64, expected: i64) -> R<bool> {
    let sql: Sql = "DELETE FROM committee_seats WHERE id = $1 AND version = $2".into();
    Ok(tx.execute(&sql, vec![id.into(), expected.into()]).await? == 1)
}
