//! Statements of party dues (migration 0026): bases, reliefs, payments, remittances.

use chrono::{DateTime, NaiveDate, Utc};
use domain::dates::Month;
use domain::dues::{Basis, BasisKind, Dong, PayMethod, PaymentInput, Relief, ReliefKind};
use domain::ids::{MemberId, UnitId};

use super::{R, decode, field};
use crate::db::{Conn, DbError, Row, Value};

/// Who recorded a basis: the member in the handbook (to be confirmed) or the chi bộ's staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BasisSource {
    Member,
    Staff,
}

impl BasisSource {
    fn code(self) -> &'static str {
        match self {
            BasisSource::Member => "member",
            BasisSource::Staff => "chi-bo",
        }
    }
}

/// A basis as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasisRow {
    pub id: i64,
    pub member: MemberId,
    pub from: Month,
    pub basis: Basis,
    pub source: BasisSource,
    pub declared_on: NaiveDate,
    pub declared_by: String,
    /// `None` while a member's declaration waits for the chi bộ.
    pub confirmed_by: Option<String>,
}

/// A relief as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReliefRow {
    pub id: i64,
    pub member: MemberId,
    pub relief: Relief,
    pub decision: String,
    pub created_by: String,
}

/// A payment as stored (cancelled ones are not read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRow {
    pub id: i64,
    pub member: MemberId,
    /// The chi bộ that collected it.
    pub unit: UnitId,
    pub month: Month,
    pub amount: Dong,
    pub paid_on: NaiveDate,
    pub method: PayMethod,
    pub created_by: String,
}

/// A remittance as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemittanceRow {
    pub id: i64,
    pub unit: UnitId,
    pub to_unit: Option<UnitId>,
    pub month: Month,
    pub seq: i64,
    pub amount: Dong,
    pub sent_on: NaiveDate,
    pub created_by: String,
}

fn month(r: &Row, c: &str) -> R<Month> {
    field(Month::parse(&r.str(c)?))
}

fn amount(r: &Row, c: &str) -> R<Dong> {
    decode(u64::try_from(r.i64(c)?))
}

fn dong(v: Dong) -> Value {
    Value::from(i64::try_from(v).unwrap_or(i64::MAX))
}

fn basis_from_row(r: &Row) -> R<BasisRow> {
    let kind = field(BasisKind::parse(&r.str("kind")?))?;
    let amount = r.opt_i64("amount")?.map(u64::try_from).transpose().map_err(|e| DbError::Decode(e.to_string()))?;
    Ok(BasisRow {
        id: r.i64("id")?,
        member: MemberId(r.i64("member_id")?),
        from: month(r, "from_month")?,
        basis: field(Basis::new(kind, amount))?,
        source: if r.str("source")? == "member" { BasisSource::Member } else { BasisSource::Staff },
        declared_on: r.time("declared_at")?.date_naive(),
        declared_by: r.str("declared_by")?,
        confirmed_by: r.opt_str("confirmed_by")?,
    })
}

fn relief_from_row(r: &Row) -> R<ReliefRow> {
    let kind = field(ReliefKind::parse(&r.str("kind")?))?;
    Ok(ReliefRow {
        id: r.i64("id")?,
        member: MemberId(r.i64("member_id")?),
        relief: field(Relief::new(kind, month(r, "from_month")?, month(r, "to_month")?))?,
        decision: r.str("decision")?,
        created_by: r.str("created_by")?,
    })
}

fn payment_from_row(r: &Row) -> R<PaymentRow> {
    Ok(PaymentRow {
        id: r.i64("id")?,
        member: MemberId(r.i64("member_id")?),
        unit: UnitId(r.i64("unit_id")?),
        month: month(r, "month")?,
        amount: amount(r, "amount")?,
        paid_on: r.date("paid_on")?,
        method: field(PayMethod::parse(&r.str("method")?))?,
        created_by: r.str("created_by")?,
    })
}

fn remittance_from_row(r: &Row) -> R<RemittanceRow> {
    Ok(RemittanceRow {
        id: r.i64("id")?,
        unit: UnitId(r.i64("unit_id")?),
        to_unit: r.opt_i64("to_unit_id")?.map(UnitId),
        month: month(r, "month")?,
        seq: r.i64("seq")?,
        amount: amount(r, "amount")?,
        sent_on: r.date("sent_on")?,
        created_by: r.str("created_by")?,
    })
}

fn first_id(rows: Vec<Row>) -> R<i64> {
    rows.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

/// Records a basis; a staff one is confirmed at once.
pub async fn insert_basis(
    tx: &mut dyn Conn,
    member: MemberId,
    from: Month,
    basis: Basis,
    source: BasisSource,
    now: DateTime<Utc>,
    actor: &str,
) -> R<i64> {
    let confirmed = (source == BasisSource::Staff).then_some(now);
    let confirmed_by = (source == BasisSource::Staff).then(|| actor.to_owned());
    let rows = tx
        .query(
            &"INSERT INTO dues_bases (member_id, from_month, kind, amount, declared_at, declared_by, source, confirmed_at, confirmed_by) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
                .into(),
            vec![
                member.0.into(),
                from.code().into(),
                basis.kind().code().into(),
                basis.amount().map(dong).unwrap_or(Value::Int(None)),
                now.into(),
                actor.into(),
                source.code().into(),
                confirmed.into(),
                confirmed_by.into(),
            ],
        )
        .await?;
    first_id(rows)
}

pub async fn basis(conn: &mut dyn Conn, id: i64) -> R<Option<BasisRow>> {
    conn.query(
        &"SELECT id, member_id, from_month, kind, amount, declared_at, declared_by, source, confirmed_by FROM dues_bases WHERE id = $1"
            .into(),
        vec![id.into()],
    )
    .await?
    .first()
    .map(basis_from_row)
    .transpose()
}

/// Confirms a member's declaration, unless confirmed already (then `false`).
pub async fn confirm_basis(tx: &mut dyn Conn, id: i64, now: DateTime<Utc>, actor: &str) -> R<bool> {
    let n = tx
        .execute(
            &"UPDATE dues_bases SET confirmed_at = $1, confirmed_by = $2 WHERE id = $3 AND confirmed_at IS NULL".into(),
            vec![now.into(), actor.into(), id.into()],
        )
        .await?;
    Ok(n == 1)
}

/// Every basis of the members (confirmed or not), by member and month declared.
pub async fn bases_of(conn: &mut dyn Conn, members: &[MemberId]) -> R<Vec<BasisRow>> {
    let ids: Vec<i64> = members.iter().map(|m| m.0).collect();
    super::select_in(
        conn,
        "SELECT id, member_id, from_month, kind, amount, declared_at, declared_by, source, confirmed_by FROM dues_bases WHERE member_id IN",
        " ORDER BY member_id, from_month, id",
        &[],
        &ids,
        basis_from_row,
    )
    .await
}

pub async fn insert_relief(tx: &mut dyn Conn, member: MemberId, relief: Relief, decision: &str, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let rows = tx
        .query(
            &"INSERT INTO dues_reliefs (member_id, kind, from_month, to_month, decision, created_at, created_by) \
               VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
                .into(),
            vec![
                member.0.into(),
                relief.kind().code().into(),
                relief.from().code().into(),
                relief.to().code().into(),
                decision.into(),
                now.into(),
                actor.into(),
            ],
        )
        .await?;
    first_id(rows)
}

pub async fn reliefs_of(conn: &mut dyn Conn, members: &[MemberId]) -> R<Vec<ReliefRow>> {
    let ids: Vec<i64> = members.iter().map(|m| m.0).collect();
    super::select_in(
        conn,
        "SELECT id, member_id, kind, from_month, to_month, decision, created_by FROM dues_reliefs WHERE member_id IN",
        " ORDER BY member_id, id",
        &[],
        &ids,
        relief_from_row,
    )
    .await
}

pub async fn insert_payment(
    tx: &mut dyn Conn,
    member: MemberId,
    unit: UnitId,
    p: &PaymentInput,
    now: DateTime<Utc>,
    actor: &str,
) -> R<i64> {
    let rows = tx
        .query(
            &"INSERT INTO dues_payments (member_id, unit_id, month, amount, paid_on, method, created_at, created_by) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
                .into(),
            vec![
                member.0.into(),
                unit.0.into(),
                p.month.code().into(),
                dong(p.amount),
                p.paid_on.into(),
                p.method.code().into(),
                now.into(),
                actor.into(),
            ],
        )
        .await?;
    first_id(rows)
}

pub async fn payment(conn: &mut dyn Conn, id: i64) -> R<Option<PaymentRow>> {
    conn.query(
        &"SELECT id, member_id, unit_id, month, amount, paid_on, method, created_by FROM dues_payments \
           WHERE id = $1 AND cancelled_at IS NULL"
            .into(),
        vec![id.into()],
    )
    .await?
    .first()
    .map(payment_from_row)
    .transpose()
}

/// Cancels a payment recorded by mistake, unless cancelled already (then `false`).
pub async fn cancel_payment(tx: &mut dyn Conn, id: i64, reason: &str, now: DateTime<Utc>, actor: &str) -> R<bool> {
    let n = tx
        .execute(
            &"UPDATE dues_payments SET cancelled_at = $1, cancelled_by = $2, cancel_reason = $3 WHERE id = $4 AND cancelled_at IS NULL"
                .into(),
            vec![now.into(), actor.into(), reason.into(), id.into()],
        )
        .await?;
    Ok(n == 1)
}

/// The members' payments for months `first`..=`last`.
pub async fn payments_of(conn: &mut dyn Conn, members: &[MemberId], first: Month, last: Month) -> R<Vec<PaymentRow>> {
    let ids: Vec<i64> = members.iter().map(|m| m.0).collect();
    super::select_in(
        conn,
        "SELECT id, member_id, unit_id, month, amount, paid_on, method, created_by FROM dues_payments \
          WHERE cancelled_at IS NULL AND month BETWEEN $1 AND $2 AND member_id IN",
        " ORDER BY member_id, month, paid_on, id",
        &[first.code().into(), last.code().into()],
        &ids,
        payment_from_row,
    )
    .await
}

/// The payments a unit collected between two days.
pub async fn collected_by(conn: &mut dyn Conn, unit: UnitId, first: NaiveDate, last: NaiveDate) -> R<Vec<PaymentRow>> {
    conn.query(
        &"SELECT id, member_id, unit_id, month, amount, paid_on, method, created_by FROM dues_payments \
           WHERE unit_id = $1 AND paid_on BETWEEN $2 AND $3 AND cancelled_at IS NULL ORDER BY paid_on, id"
            .into(),
        vec![unit.0.into(), first.into(), last.into()],
    )
    .await?
    .iter()
    .map(payment_from_row)
    .collect()
}

/// What a unit remitted for months `first`..=`last`.
pub async fn remitted_by(conn: &mut dyn Conn, unit: UnitId, first: Month, last: Month) -> R<Vec<RemittanceRow>> {
    conn.query(
        &"SELECT id, unit_id, to_unit_id, month, seq, amount, sent_on, created_by FROM dues_remittances \
           WHERE unit_id = $1 AND month BETWEEN $2 AND $3 ORDER BY month, seq"
            .into(),
        vec![unit.0.into(), first.code().into(), last.code().into()],
    )
    .await?
    .iter()
    .map(remittance_from_row)
    .collect()
}

/// What the units below sent to a unit for months `first`..=`last`.
pub async fn received_by(conn: &mut dyn Conn, unit: UnitId, first: Month, last: Month) -> R<Vec<RemittanceRow>> {
    conn.query(
        &"SELECT id, unit_id, to_unit_id, month, seq, amount, sent_on, created_by FROM dues_remittances \
           WHERE to_unit_id = $1 AND month BETWEEN $2 AND $3 ORDER BY month, unit_id, seq"
            .into(),
        vec![unit.0.into(), first.code().into(), last.code().into()],
    )
    .await?
    .iter()
    .map(remittance_from_row)
    .collect()
}

/// A new remittance for a month: numbered after the month's last (the unique index
/// `dues_remittances_seq` refuses a second writer who counted the same).
pub struct NewRemittance {
    pub unit: UnitId,
    pub to_unit: Option<UnitId>,
    pub month: Month,
    pub seq: i64,
    pub amount: Dong,
    pub sent_on: NaiveDate,
}

pub async fn insert_remittance(tx: &mut dyn Conn, r: &NewRemittance, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let rows = tx
        .query(
            &"INSERT INTO dues_remittances (unit_id, to_unit_id, month, seq, amount, sent_on, created_at, created_by) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
                .into(),
            vec![
                r.unit.0.into(),
                r.to_unit.map(|u| u.0).into(),
                r.month.code().into(),
                r.seq.into(),
                dong(r.amount),
                r.sent_on.into(),
                now.into(),
                actor.into(),
            ],
        )
        .await?;
    first_id(rows)
}
