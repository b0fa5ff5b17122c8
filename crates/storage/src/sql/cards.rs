//! Statements of the party card register (migration 0032).

use chrono::{DateTime, NaiveDate, Utc};
use domain::cards::{CardEnd, CardNumber, IssueKind, Series};
use domain::ids::MemberId;

use super::{R, field};
use crate::db::{Conn, DbError, Row};

/// A card as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRow {
    pub id: i64,
    pub member: MemberId,
    pub series: Series,
    pub number: CardNumber,
    pub kind: IssueKind,
    pub issued_on: NaiveDate,
    pub decision: String,
    pub round: String,
    /// When and how it stopped being the card in use.
    pub ended_on: Option<NaiveDate>,
    pub end: Option<CardEnd>,
    pub end_note: Option<String>,
    pub version: i64,
}

macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT id, member_id, series, number, kind, issued_on, decision, round, ended_on, end_kind, end_note, version FROM party_cards ",
            $rest
        )
    };
}

fn from_row(r: &Row) -> R<CardRow> {
    Ok(CardRow {
        id: r.i64("id")?,
        member: MemberId(r.i64("member_id")?),
        series: field(Series::parse(&r.str("series")?))?,
        number: CardNumber::stored(r.str("number")?),
        kind: field(IssueKind::parse(&r.str("kind")?))?,
        issued_on: r.date("issued_on")?,
        decision: r.str("decision")?,
        round: r.str("round")?,
        ended_on: r.opt_date("ended_on")?,
        end: r.opt_str("end_kind")?.map(|c| field(CardEnd::parse(&c))).transpose()?,
        end_note: r.opt_str("end_note")?,
        version: r.i64("version")?,
    })
}

pub async fn insert(tx: &mut dyn Conn, member: MemberId, i: &domain::cards::Issue, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let rows = tx
        .query(
            &"INSERT INTO party_cards (member_id, series, number, kind, issued_on, decision, round, version, recorded_at, recorded_by) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9) RETURNING id"
                .into(),
            vec![
                member.0.into(),
                i.series.code().into(),
                i.number.as_str().into(),
                i.kind.code().into(),
                i.issued_on.into(),
                i.decision.as_str().into(),
                i.round.as_str().into(),
                now.into(),
                actor.into(),
            ],
        )
        .await?;
    rows.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

pub async fn one(conn: &mut dyn Conn, id: i64) -> R<Option<CardRow>> {
    conn.query(&select!("WHERE id = $1").into(), vec![id.into()]).await?.first().map(from_row).transpose()
}

/// A member's cards, latest first.
pub async fn of_member(conn: &mut dyn Conn, member: MemberId) -> R<Vec<CardRow>> {
    conn.query(&select!("WHERE member_id = $1 ORDER BY issued_on DESC, id DESC").into(), vec![member.0.into()])
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Every card in use (the card check reads them all: one per member at most).
pub async fn in_use(conn: &mut dyn Conn) -> R<Vec<CardRow>> {
    conn.query(&select!("WHERE ended_on IS NULL ORDER BY member_id, id").into(), vec![]).await?.iter().map(from_row).collect()
}

/// Cards issued or ended within `[from, to]` (the yearly report's rows).
pub async fn moved_between(conn: &mut dyn Conn, from: NaiveDate, to: NaiveDate) -> R<Vec<CardRow>> {
    conn.query(
        &select!("WHERE (issued_on >= $1 AND issued_on <= $2) OR (ended_on >= $1 AND ended_on <= $2) ORDER BY issued_on, id").into(),
        vec![from.into(), to.into()],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Ends a card in use, at `version` (`false`: changed meanwhile or already ended).
pub async fn end(tx: &mut dyn Conn, id: i64, version: i64, on: NaiveDate, how: CardEnd, note: &str) -> R<bool> {
    let n = tx
        .execute(
            &"UPDATE party_cards SET ended_on = $1, end_kind = $2, end_note = $3, version = version + 1 \
               WHERE id = $4 AND version = $5 AND ended_on IS NULL"
                .into(),
            vec![on.into(), how.code().into(), note.into(), id.into(), version.into()],
        )
        .await?;
    Ok(n == 1)
}

/// A number written on a member's record (`members.party_card_number`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordNumber {
    pub member: MemberId,
    pub number: String,
}

/// Every card number written on a record (the card check compares them with the cards in use).
pub async fn record_numbers(conn: &mut dyn Conn) -> R<Vec<RecordNumber>> {
    conn.query(&"SELECT id, party_card_number FROM members WHERE party_card_number IS NOT NULL".into(), vec![])
        .await?
        .iter()
        .map(|r| Ok(RecordNumber { member: MemberId(r.i64("id")?), number: r.str("party_card_number")? }))
        .collect()
}
