//! The document library (`documents`), attachments and read receipts.

use chrono::{DateTime, NaiveDate, Utc};

use domain::access::Role;
use domain::directives::Reach;
use domain::documents::{DocumentInput, DocumentKind};
use domain::ids::UnitId;
use domain::unit::UnitKind;

use crate::db::{Conn, DbError, Row, Sql};

type R<T> = Result<T, DbError>;

/// A document as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    pub id: i64,
    pub unit: UnitId,
    pub version: i64,
    pub input: DocumentInput,
    pub search_folded: String,
    pub search_written: String,
    pub created_by: String,
}

/// An attachment's description (its content apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAttachment {
    pub id: i64,
    pub document: i64,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
}

fn decode(what: &str) -> DbError {
    DbError::Decode(format!("documents: {what}"))
}

macro_rules! document_columns {
    () => {
        "id, unit_id, version, kind, number, issued_on, issuer, title, summary, valid_until, reach_kinds, reach_depth, roles, \
         search_folded, search_written, created_by"
    };
}

fn document_from_row(r: &Row) -> R<StoredDocument> {
    let kinds =
        r.str("reach_kinds")?.split_whitespace().map(|c| UnitKind::parse(c).map_err(|_| decode("reach_kinds"))).collect::<R<Vec<_>>>()?;
    let roles = r.str("roles")?.split_whitespace().map(|c| Role::parse(c).map_err(|_| decode("roles"))).collect::<R<Vec<_>>>()?;
    Ok(StoredDocument {
        id: r.i64("id")?,
        unit: UnitId(r.i64("unit_id")?),
        version: r.i64("version")?,
        input: DocumentInput {
            kind: DocumentKind::parse(&r.str("kind")?).map_err(|_| decode("kind"))?,
            number: r.opt_str("number")?,
            issued_on: r.date("issued_on")?,
            issuer: r.str("issuer")?,
            title: r.str("title")?,
            summary: r.opt_str("summary")?,
            valid_until: r.opt_date("valid_until")?,
            reach: Reach {
                kinds,
                depth: r.opt_i64("reach_depth")?.map(|d| u32::try_from(d).map_err(|_| decode("reach_depth"))).transpose()?,
            },
            roles,
        },
        search_folded: r.str("search_folded")?,
        search_written: r.str("search_written")?,
        created_by: r.str("created_by")?,
    })
}

/// Records a document; returns its id.
pub async fn insert_document(
    tx: &mut dyn Conn,
    unit: UnitId,
    d: &DocumentInput,
    folded: &str,
    written: &str,
    now: DateTime<Utc>,
    actor: &str,
) -> R<i64> {
    let sql: Sql = "INSERT INTO documents (unit_id, version, kind, number, issued_on, issuer, title, summary, valid_until, reach_kinds, \
                    reach_depth, roles, search_folded, search_written, created_at, created_by, updated_at, updated_by) \
                    VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $14, $15) RETURNING id"
        .into();
    let kinds: Vec<&str> = d.reach.kinds.iter().map(|k| k.code()).collect();
    let roles: Vec<&str> = d.roles.iter().map(|r| r.code()).collect();
    let args = vec![
        unit.0.into(),
        d.kind.code().into(),
        d.number.clone().into(),
        d.issued_on.into(),
        d.issuer.as_str().into(),
        d.title.as_str().into(),
        d.summary.clone().into(),
        d.valid_until.into(),
        kinds.join(" ").into(),
        d.reach.depth.map(i64::from).into(),
        roles.join(" ").into(),
        folded.into(),
        written.into(),
        now.into(),
        actor.into(),
    ];
    tx.query(&sql, args).await?.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

pub async fn document(conn: &mut dyn Conn, id: i64) -> R<Option<StoredDocument>> {
    let sql: Sql = concat!("SELECT ", document_columns!(), " FROM documents WHERE id = $1").into();
    conn.query(&sql, vec![id.into()]).await?.first().map(document_from_row).transpose()
}

/// The documents of a committee's library whose folded text holds `pattern` (a `LIKE` pattern
/// of one folded word, or `%` for all), newest first.
pub async fn documents_of(conn: &mut dyn Conn, unit: UnitId, pattern: &str) -> R<Vec<StoredDocument>> {
    let sql: Sql = concat!(
        "SELECT ",
        document_columns!(),
        // `document_search` (migration 0016) narrows by the index each engine has for it.
        " FROM documents WHERE unit_id = $1 AND id IN (SELECT rowid FROM document_search WHERE search_folded LIKE $2) \
         ORDER BY issued_on DESC, id DESC"
    )
    .into();
    conn.query(&sql, vec![unit.0.into(), pattern.into()]).await?.iter().map(document_from_row).collect()
}

/// Writes the search texts again and moves the version on (an attachment added), if the version
/// is still `expected`.
pub async fn touch_document(
    tx: &mut dyn Conn,
    id: i64,
    expected: i64,
    folded: &str,
    written: &str,
    now: DateTime<Utc>,
    actor: &str,
) -> R<bool> {
    let sql: Sql = "UPDATE documents SET version = version + 1, search_folded = $2, search_written = $3, updated_at = $4, updated_by = $5 \
                    WHERE id = $1 AND version = $6"
        .into();
    Ok(tx.execute(&sql, vec![id.into(), folded.into(), written.into(), now.into(), actor.into(), expected.into()]).await? == 1)
}

fn attachment_from_row(r: &Row) -> R<StoredAttachment> {
    Ok(StoredAttachment {
        id: r.i64("id")?,
        document: r.i64("document_id")?,
        name: r.str("name")?,
        media_type: r.str("media_type")?,
        size: r.i64("size")?,
        sha256: r.str("sha256")?,
    })
}

pub async fn attachments_of(conn: &mut dyn Conn, document: i64) -> R<Vec<StoredAttachment>> {
    let sql: Sql =
        "SELECT id, document_id, name, media_type, size, sha256 FROM document_attachments WHERE document_id = $1 ORDER BY id".into();
    conn.query(&sql, vec![document.into()]).await?.iter().map(attachment_from_row).collect()
}

/// An attachment with its content (base64 as stored).
pub async fn attachment(conn: &mut dyn Conn, id: i64) -> R<Option<(StoredAttachment, String)>> {
    let sql: Sql = "SELECT id, document_id, name, media_type, size, sha256, content FROM document_attachments WHERE id = $1".into();
    conn.query(&sql, vec![id.into()]).await?.first().map(|r| Ok((attachment_from_row(r)?, r.str("content")?))).transpose()
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_attachment(
    tx: &mut dyn Conn,
    document: i64,
    name: &str,
    media_type: &str,
    size: i64,
    sha256: &str,
    content: &str,
    now: DateTime<Utc>,
    actor: &str,
) -> R<i64> {
    let sql: Sql = "INSERT INTO document_attachments (document_id, name, media_type, size, sha256, content, created_at, created_by) \
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
        .into();
    let args = vec![document.into(), name.into(), media_type.into(), size.into(), sha256.into(), content.into(), now.into(), actor.into()];
    tx.query(&sql, args).await?.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

/// Whether an account already read a document.
pub async fn has_read(conn: &mut dyn Conn, document: i64, account: i64) -> R<bool> {
    let sql: Sql = "SELECT 1 AS found FROM document_reads WHERE document_id = $1 AND account_id = $2".into();
    Ok(!conn.query(&sql, vec![document.into(), account.into()]).await?.is_empty())
}

/// Records the first read of a document by an account (a later read changes nothing); true when
/// this was the first.
pub async fn record_read(tx: &mut dyn Conn, document: i64, account: i64, unit: Option<UnitId>, now: DateTime<Utc>) -> R<bool> {
    let sql: Sql = "INSERT INTO document_reads (document_id, account_id, unit_id, first_read_at) VALUES ($1, $2, $3, $4) \
                    ON CONFLICT (document_id, account_id) DO NOTHING"
        .into();
    Ok(tx.execute(&sql, vec![document.into(), account.into(), unit.map(|u| u.0).into(), now.into()]).await? == 1)
}

/// One read: the account, its name, the unit it read for, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadRow {
    pub account: i64,
    pub display_name: String,
    pub unit: Option<UnitId>,
    pub first_read_at: DateTime<Utc>,
}

pub async fn reads_of(conn: &mut dyn Conn, document: i64) -> R<Vec<ReadRow>> {
    let sql: Sql = "SELECT r.account_id, a.display_name, r.unit_id, r.first_read_at FROM document_reads r \
                    JOIN accounts a ON a.id = r.account_id WHERE r.document_id = $1 ORDER BY r.first_read_at, r.account_id"
        .into();
    conn.query(&sql, vec![document.into()])
        .await?
        .iter()
        .map(|r| {
            Ok(ReadRow {
                account: r.i64("account_id")?,
                display_name: r.str("display_name")?,
                unit: r.opt_i64("unit_id")?.map(UnitId),
                first_read_at: r.time("first_read_at")?,
            })
        })
        .collect()
}

/// The day part of an instant, for the read's day.
pub fn day_of(t: DateTime<Utc>) -> NaiveDate {
    crate::context::vietnam_today(t)
}
