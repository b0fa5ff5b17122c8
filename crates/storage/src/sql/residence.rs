//! Statements of working members' ties to their residence (migration 0027).

use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::{MemberId, UnitId};
use domain::residence::{Category, Comment, CommentRating, ContactKind, ResidenceCell, Tie};

use super::{R, field};
use crate::db::{Conn, DbError, Row, Value};

/// A tie as stored, with its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TieRow {
    pub member: MemberId,
    pub tie: Tie,
    pub version: i64,
    pub updated_by: String,
}

/// A contact as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRow {
    pub id: i64,
    pub member: MemberId,
    pub on: NaiveDate,
    pub kind: ContactKind,
    pub note: Option<String>,
    pub created_by: String,
}

/// A comment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRow {
    pub id: i64,
    pub member: MemberId,
    pub comment: Comment,
    pub created_by: String,
}

fn tie_from_row(r: &Row) -> R<TieRow> {
    let cell = match (r.opt_i64("cell_id")?, r.opt_str("cell_outside")?) {
        (Some(u), _) => Some(ResidenceCell::Internal(UnitId(u))),
        (None, Some(name)) => Some(ResidenceCell::External(name)),
        (None, None) => None,
    };
    let letter = match (r.opt_str("letter_number")?, r.opt_date("letter_on")?) {
        (Some(n), Some(d)) => Some((n, d)),
        _ => None,
    };
    Ok(TieRow {
        member: MemberId(r.i64("member_id")?),
        tie: Tie {
            category: field(Category::parse(&r.str("category")?))?,
            reason: r.opt_str("reason")?,
            address: r.str("address")?,
            cell,
            letter,
            confirmed_on: r.opt_date("confirmed_on")?,
            reach: r.opt_str("reach")?,
        },
        version: r.i64("version")?,
        updated_by: r.str("updated_by")?,
    })
}

fn contact_from_row(r: &Row) -> R<ContactRow> {
    Ok(ContactRow {
        id: r.i64("id")?,
        member: MemberId(r.i64("member_id")?),
        on: r.date("on_day")?,
        kind: field(ContactKind::parse(&r.str("kind")?))?,
        note: r.opt_str("note")?,
        created_by: r.str("created_by")?,
    })
}

fn comment_from_row(r: &Row) -> R<CommentRow> {
    Ok(CommentRow {
        id: r.i64("id")?,
        member: MemberId(r.i64("member_id")?),
        comment: Comment {
            year: i32::try_from(r.i64("year")?).map_err(|e| DbError::Decode(e.to_string()))?,
            rating: field(CommentRating::parse(&r.str("rating")?))?,
            text: r.str("text")?,
            signer: r.str("signer")?,
            on: r.date("commented_on")?,
        },
        created_by: r.str("created_by")?,
    })
}

fn tie_values(t: &Tie) -> Vec<Value> {
    let (cell, outside) = match &t.cell {
        Some(ResidenceCell::Internal(u)) => (Some(u.0), None),
        Some(ResidenceCell::External(name)) => (None, Some(name.clone())),
        None => (None, None),
    };
    vec![
        t.category.code().into(),
        t.reason.clone().into(),
        t.address.as_str().into(),
        cell.into(),
        outside.into(),
        t.letter.as_ref().map(|l| l.0.clone()).into(),
        t.letter.as_ref().map(|l| l.1).into(),
        t.confirmed_on.into(),
        t.reach.clone().into(),
    ]
}

/// Records a member's first tie (a second writer meets the primary key: `Unique`).
pub async fn insert_tie(tx: &mut dyn Conn, member: MemberId, t: &Tie, now: DateTime<Utc>, actor: &str) -> R<()> {
    let mut args = vec![Value::from(member.0)];
    args.extend(tie_values(t));
    args.extend([now.into(), actor.into()]);
    tx.execute(
        &"INSERT INTO residence_ties (member_id, category, reason, address, cell_id, cell_outside, letter_number, letter_on, \
           confirmed_on, reach, version, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $12)"
            .into(),
        args,
    )
    .await?;
    Ok(())
}

/// Replaces a tie at `version` (`false`: changed meanwhile).
pub async fn update_tie(tx: &mut dyn Conn, member: MemberId, version: i64, t: &Tie, now: DateTime<Utc>, actor: &str) -> R<bool> {
    let mut args = tie_values(t);
    args.extend([now.into(), actor.into(), member.0.into(), version.into()]);
    let n = tx
        .execute(
            &"UPDATE residence_ties SET category = $1, reason = $2, address = $3, cell_id = $4, cell_outside = $5, letter_number = $6, \
               letter_on = $7, confirmed_on = $8, reach = $9, version = version + 1, updated_at = $10, updated_by = $11 \
               WHERE member_id = $12 AND version = $13"
                .into(),
            args,
        )
        .await?;
    Ok(n == 1)
}

pub async fn tie(conn: &mut dyn Conn, member: MemberId) -> R<Option<TieRow>> {
    conn.query(
        &"SELECT member_id, category, reason, address, cell_id, cell_outside, letter_number, letter_on, confirmed_on, reach, version, \
           updated_by FROM residence_ties WHERE member_id = $1"
            .into(),
        vec![member.0.into()],
    )
    .await?
    .first()
    .map(tie_from_row)
    .transpose()
}

/// The ties of many members.
pub async fn ties_of(conn: &mut dyn Conn, members: &[MemberId]) -> R<Vec<TieRow>> {
    let ids: Vec<i64> = members.iter().map(|m| m.0).collect();
    super::select_in(
        conn,
        "SELECT member_id, category, reason, address, cell_id, cell_outside, letter_number, letter_on, confirmed_on, reach, version, \
          updated_by FROM residence_ties WHERE member_id IN",
        "",
        &[],
        &ids,
        tie_from_row,
    )
    .await
}

/// The ties naming one of `cells` as the residence chi bộ.
pub async fn ties_living_in(conn: &mut dyn Conn, cells: &[UnitId]) -> R<Vec<TieRow>> {
    let ids: Vec<i64> = cells.iter().map(|u| u.0).collect();
    super::select_in(
        conn,
        "SELECT member_id, category, reason, address, cell_id, cell_outside, letter_number, letter_on, confirmed_on, reach, version, \
          updated_by FROM residence_ties WHERE cell_id IN",
        "",
        &[],
        &ids,
        tie_from_row,
    )
    .await
}

pub async fn insert_contact(
    tx: &mut dyn Conn,
    member: MemberId,
    on: NaiveDate,
    kind: ContactKind,
    note: Option<&str>,
    now: DateTime<Utc>,
    actor: &str,
) -> R<i64> {
    let rows = tx
        .query(
            &"INSERT INTO residence_contacts (member_id, on_day, kind, note, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
                .into(),
            vec![member.0.into(), on.into(), kind.code().into(), note.into(), now.into(), actor.into()],
        )
        .await?;
    rows.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

/// The contacts of many members, oldest first.
pub async fn contacts_of(conn: &mut dyn Conn, members: &[MemberId]) -> R<Vec<ContactRow>> {
    let ids: Vec<i64> = members.iter().map(|m| m.0).collect();
    super::select_in(
        conn,
        "SELECT id, member_id, on_day, kind, note, created_by FROM residence_contacts WHERE member_id IN",
        " ORDER BY member_id, on_day, id",
        &[],
        &ids,
        contact_from_row,
    )
    .await
}

/// Records a year's comment (a second one for the year meets the unique index: `Unique`).
pub async fn insert_comment(tx: &mut dyn Conn, member: MemberId, c: &Comment, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let rows = tx
        .query(
            &"INSERT INTO residence_comments (member_id, year, rating, text, signer, commented_on, created_at, created_by) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
                .into(),
            vec![
                member.0.into(),
                i64::from(c.year).into(),
                c.rating.code().into(),
                c.text.as_str().into(),
                c.signer.as_str().into(),
                c.on.into(),
                now.into(),
                actor.into(),
            ],
        )
        .await?;
    rows.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

/// The comments of many members, by year.
pub async fn comments_of(conn: &mut dyn Conn, members: &[MemberId]) -> R<Vec<CommentRow>> {
    let ids: Vec<i64> = members.iter().map(|m| m.0).collect();
    super::select_in(
        conn,
        "SELECT id, member_id, year, rating, text, signer, commented_on, created_by FROM residence_comments WHERE member_id IN",
        " ORDER BY member_id, year",
        &[],
        &ids,
        comment_from_row,
    )
    .await
}
