//! Transfers of party activity (`transfers`).

use chrono::{DateTime, NaiveDate, Utc};

use domain::event::{TransferMode, UnitRef};
use domain::ids::{MemberId, UnitId};
use domain::transfers::{Letter, Outcome, Route, TemporaryReason, Transfer, TransferPlan};

use crate::db::{Conn, DbError, Row, Sql, Value};

type R<T> = Result<T, DbError>;

/// One transfer as stored, with the register events it wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTransfer {
    pub id: i64,
    pub version: i64,
    pub member: MemberId,
    pub transfer: Transfer,
    pub out_event: Option<i64>,
    pub created_by: String,
}

macro_rules! columns {
    () => {
        "id, version, member_id, mode, temporary_reason, from_unit_id, from_outside, to_unit_id, to_outside, route, \
         letter_number, letter_date, letter_issuer, until_on, cause, cause_on, presented_on, outcome, outcome_on, \
         accepted_unit_id, outcome_text, returned_on, out_event_id, created_by"
    };
}

fn decode<T>(what: &str, r: Result<T, domain::error::FieldError>) -> R<T> {
    r.map_err(|_| DbError::Decode(format!("transfers: {what}")))
}

fn side(r: &Row, unit: &str, outside: &str) -> R<UnitRef> {
    match (r.opt_i64(unit)?, r.opt_str(outside)?) {
        (Some(u), _) => Ok(UnitRef::Internal(UnitId(u))),
        (None, Some(name)) => Ok(UnitRef::External(name)),
        (None, None) => Err(DbError::Decode(format!("transfers: {unit}"))),
    }
}

fn from_row(r: &Row) -> R<StoredTransfer> {
    let outcome = match (r.opt_str("outcome")?.as_deref(), r.opt_date("outcome_on")?) {
        (None, _) => None,
        (Some(kind), Some(on)) => {
            let text = r.opt_str("outcome_text")?.unwrap_or_default();
            Some(match kind {
                "accepted" => Outcome::Accepted {
                    on,
                    unit: UnitId(r.opt_i64("accepted_unit_id")?.ok_or_else(|| DbError::Decode("transfers: accepted_unit_id".into()))?),
                },
                "refused" => Outcome::Refused { on, reason: text },
                "cancelled" => Outcome::Cancelled { on, reason: text },
                "closed" => Outcome::Closed { on, slip: text },
                _ => return Err(DbError::Decode("transfers: outcome".into())),
            })
        }
        (Some(_), None) => return Err(DbError::Decode("transfers: outcome_on".into())),
    };
    let plan = TransferPlan {
        mode: decode("mode", TransferMode::parse(&r.str("mode")?))?,
        temporary_reason: r.opt_str("temporary_reason")?.map(|c| decode("temporary_reason", TemporaryReason::parse(&c))).transpose()?,
        from: side(r, "from_unit_id", "from_outside")?,
        to: side(r, "to_unit_id", "to_outside")?,
        route: decode("route", Route::parse(&r.str("route")?))?,
        letter: Letter { number: r.str("letter_number")?, date: r.date("letter_date")?, issuer: r.str("letter_issuer")? },
        until: r.opt_date("until_on")?,
        cause: r.str("cause")?,
        cause_on: r.opt_date("cause_on")?,
    };
    Ok(StoredTransfer {
        id: r.i64("id")?,
        version: r.i64("version")?,
        member: MemberId(r.i64("member_id")?),
        transfer: Transfer { plan, presented_on: r.opt_date("presented_on")?, outcome, returned_on: r.opt_date("returned_on")? },
        out_event: r.opt_i64("out_event_id")?,
        created_by: r.str("created_by")?,
    })
}

fn unit_args(side: &UnitRef) -> (Value, Value) {
    match side {
        UnitRef::Internal(u) => (Some(u.0).into(), Option::<String>::None.into()),
        UnitRef::External(name) => (Option::<i64>::None.into(), Some(name.as_str()).into()),
    }
}

pub async fn insert(
    tx: &mut dyn Conn,
    member: MemberId,
    plan: &TransferPlan,
    out_event: Option<i64>,
    now: DateTime<Utc>,
    actor: &str,
) -> R<i64> {
    let sql: Sql = "INSERT INTO transfers (version, member_id, mode, temporary_reason, from_unit_id, from_outside, to_unit_id, to_outside, \
                    route, letter_number, letter_date, letter_issuer, until_on, cause, cause_on, out_event_id, created_by, created_at, updated_at) \
                    VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id"
        .into();
    let (from_unit, from_outside) = unit_args(&plan.from);
    let (to_unit, to_outside) = unit_args(&plan.to);
    let args = vec![
        member.0.into(),
        plan.mode.code().into(),
        plan.temporary_reason.map(|r| r.code()).into(),
        from_unit,
        from_outside,
        to_unit,
        to_outside,
        plan.route.code().into(),
        plan.letter.number.as_str().into(),
        plan.letter.date.into(),
        plan.letter.issuer.as_str().into(),
        plan.until.into(),
        plan.cause.as_str().into(),
        plan.cause_on.into(),
        out_event.into(),
        actor.into(),
        now.into(),
    ];
    tx.query(&sql, args).await?.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

pub async fn get(conn: &mut dyn Conn, id: i64) -> R<Option<StoredTransfer>> {
    let sql: Sql = concat!("SELECT ", columns!(), " FROM transfers WHERE id = $1").into();
    conn.query(&sql, vec![id.into()]).await?.first().map(from_row).transpose()
}

/// Every transfer of a member, oldest letter first.
pub async fn of_member(conn: &mut dyn Conn, member: MemberId) -> R<Vec<StoredTransfer>> {
    let sql: Sql = concat!("SELECT ", columns!(), " FROM transfers WHERE member_id = $1 ORDER BY letter_date, id").into();
    conn.query(&sql, vec![member.0.into()]).await?.iter().map(from_row).collect()
}

/// Every transfer whose letter is dated up to `last` and that was still open on `first` (no
/// outcome, or one on or after `first`; a temporary one not back before `first`): the rows a
/// book over `[first, last]` or a worklist on `last` may count.
pub async fn touching(conn: &mut dyn Conn, first: NaiveDate, last: NaiveDate) -> R<Vec<StoredTransfer>> {
    let sql: Sql = concat!(
        "SELECT ",
        columns!(),
        " FROM transfers WHERE letter_date <= $2 AND (outcome IS NULL OR outcome_on >= $1 \
          OR (mode = 'tam-thoi' AND outcome IN ('accepted', 'closed') AND (returned_on IS NULL OR returned_on >= $1))) \
          ORDER BY letter_date, id"
    )
    .into();
    conn.query(&sql, vec![first.into(), last.into()]).await?.iter().map(from_row).collect()
}

/// The member presented the letter (only while it has no outcome and at this version).
pub async fn set_presented(tx: &mut dyn Conn, id: i64, version: i64, on: NaiveDate, now: DateTime<Utc>) -> R<bool> {
    let sql: Sql = "UPDATE transfers SET presented_on = $3, version = version + 1, updated_at = $4 \
                    WHERE id = $1 AND version = $2 AND outcome IS NULL"
        .into();
    Ok(tx.execute(&sql, vec![id.into(), version.into(), on.into(), now.into()]).await? == 1)
}

/// Writes the outcome (only while there is none and at this version).
pub async fn set_outcome(
    tx: &mut dyn Conn,
    id: i64,
    version: i64,
    outcome: &Outcome,
    in_event: Option<i64>,
    now: DateTime<Utc>,
) -> R<bool> {
    let (kind, unit, text) = match outcome {
        Outcome::Accepted { unit, .. } => ("accepted", Some(unit.0), None),
        Outcome::Refused { reason, .. } => ("refused", None, Some(reason.as_str())),
        Outcome::Cancelled { reason, .. } => ("cancelled", None, Some(reason.as_str())),
        Outcome::Closed { slip, .. } => ("closed", None, Some(slip.as_str())),
    };
    let sql: Sql = "UPDATE transfers SET outcome = $3, outcome_on = $4, accepted_unit_id = $5, outcome_text = $6, in_event_id = $7, \
                    version = version + 1, updated_at = $8 WHERE id = $1 AND version = $2 AND outcome IS NULL"
        .into();
    let args = vec![id.into(), version.into(), kind.into(), outcome.on().into(), unit.into(), text.into(), in_event.into(), now.into()];
    Ok(tx.execute(&sql, args).await? == 1)
}

/// The member of a temporary transfer is back (only once and at this version).
pub async fn set_returned(tx: &mut dyn Conn, id: i64, version: i64, on: NaiveDate, event: i64, now: DateTime<Utc>) -> R<bool> {
    let sql: Sql = "UPDATE transfers SET returned_on = $3, return_event_id = $4, version = version + 1, updated_at = $5 \
                    WHERE id = $1 AND version = $2 AND returned_on IS NULL"
        .into();
    Ok(tx.execute(&sql, vec![id.into(), version.into(), on.into(), event.into(), now.into()]).await? == 1)
}
