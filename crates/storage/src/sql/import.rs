//! Statements of the importer: the members a file's rows may match, their events and profiles in
//! chunks, and the import's own row.

use chrono::{DateTime, Utc};

use domain::ids::MemberId;
use domain::member::Identity;

use super::{R, identity_from_row, in_list};
use crate::db::{Conn, DbError, Sql, Value};

/// Keys looked up per statement.
const CHUNK: usize = 400;

/// A member the register holds, as the importer compares it.
#[derive(Debug, Clone)]
pub struct RegisterMember {
    pub id: MemberId,
    pub version: i64,
    pub identity: Identity,
}

/// Which identifier a lookup goes by.
#[derive(Debug, Clone, Copy)]
pub enum MatchKey {
    CitizenId,
    CardNumber,
    /// The folded full name (the birth date is compared by the caller).
    NameFold,
}

/// The members whose `key` is one of `values`.
pub async fn members_by(conn: &mut dyn Conn, key: MatchKey, values: &[String]) -> R<Vec<RegisterMember>> {
    let prefix = match key {
        MatchKey::CitizenId => {
            "SELECT id, version, full_name, other_names, gender, birth_date, birthplace, hometown, ethnicity, religion, \
             citizen_id, phone, party_card_number, ly_lich_number FROM members WHERE citizen_id IN"
        }
        MatchKey::CardNumber => {
            "SELECT id, version, full_name, other_names, gender, birth_date, birthplace, hometown, ethnicity, religion, \
             citizen_id, phone, party_card_number, ly_lich_number FROM members WHERE party_card_number IN"
        }
        MatchKey::NameFold => {
            "SELECT id, version, full_name, other_names, gender, birth_date, birthplace, hometown, ethnicity, religion, \
             citizen_id, phone, party_card_number, ly_lich_number FROM members WHERE name_fold IN"
        }
    };
    let mut out = Vec::new();
    for chunk in values.chunks(CHUNK) {
        let args: Vec<Value> = chunk.iter().map(|v| Value::from(v.as_str())).collect();
        let sql = in_list(prefix, chunk.len(), " ORDER BY id", 1);
        for r in conn.query(&sql, args).await?.iter() {
            out.push(RegisterMember { id: MemberId(r.i64("id")?), version: r.i64("version")?, identity: identity_from_row(r)? });
        }
    }
    Ok(out)
}

// The events and profiles of matched members are read with `sql::export::{events_of, profiles_of}`.

/// The import's own row, written in its transaction.
pub struct ImportRow<'a> {
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: &'a str,
    pub file_name: &'a str,
    pub file_digest: &'a str,
    pub root: Option<i64>,
    pub counts: String,
}

pub async fn insert_import(conn: &mut dyn Conn, row: &ImportRow<'_>) -> R<i64> {
    let sql: Sql = "INSERT INTO imports (recorded_at, recorded_by, file_name, file_digest, root_unit_id, counts) \
                    VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
        .into();
    let rows = conn
        .query(
            &sql,
            vec![
                row.recorded_at.into(),
                row.recorded_by.into(),
                row.file_name.into(),
                row.file_digest.into(),
                row.root.into(),
                row.counts.as_str().into(),
            ],
        )
        .await?;
    rows.first().ok_or_else(|| DbError::Other("no id returned".into()))?.i64("id")
}

/// The ranges of members and events the import wrote, and its final counts.
pub struct ImportRanges {
    pub members: Option<(i64, i64)>,
    pub events: Option<(i64, i64)>,
    pub counts: String,
}

pub async fn finish_import(conn: &mut dyn Conn, id: i64, r: &ImportRanges) -> R<()> {
    let sql: Sql = "UPDATE imports SET first_member_id = $2, last_member_id = $3, first_event_id = $4, last_event_id = $5, counts = $6 \
                    WHERE id = $1"
        .into();
    conn.execute(
        &sql,
        vec![
            id.into(),
            r.members.map(|m| m.0).into(),
            r.members.map(|m| m.1).into(),
            r.events.map(|e| e.0).into(),
            r.events.map(|e| e.1).into(),
            r.counts.as_str().into(),
        ],
    )
    .await?;
    Ok(())
}

/// The largest unit operation id in use.
pub async fn max_operation_id(conn: &mut dyn Conn) -> R<i64> {
    let sql: Sql = "SELECT COALESCE(MAX(id), 0) AS id FROM unit_operations".into();
    let rows = conn.query(&sql, vec![]).await?;
    rows.first().ok_or_else(|| DbError::Other("no row".into()))?.i64("id")
}

/// How many members the register holds (every record, gone ones included).
pub async fn member_count(conn: &mut dyn Conn) -> R<i64> {
    let sql: Sql = "SELECT COUNT(*) AS n FROM members".into();
    let rows = conn.query(&sql, vec![]).await?;
    rows.first().ok_or_else(|| DbError::Other("no row".into()))?.i64("n")
}

/// An import's row as the list of recent imports shows it.
pub struct ImportListRow {
    pub id: i64,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub file_name: String,
    pub root: Option<i64>,
    pub counts: String,
}

/// The latest imports, newest first.
pub async fn recent_imports(conn: &mut dyn Conn, limit: i64) -> R<Vec<ImportListRow>> {
    let sql: Sql = "SELECT id, recorded_at, recorded_by, file_name, root_unit_id, counts FROM imports ORDER BY id DESC LIMIT $1".into();
    let mut out = Vec::new();
    for r in conn.query(&sql, vec![limit.into()]).await?.iter() {
        out.push(ImportListRow {
            id: r.i64("id")?,
            recorded_at: r.time("recorded_at")?,
            recorded_by: r.str("recorded_by")?,
            file_name: r.str("file_name")?,
            root: r.opt_i64("root_unit_id")?,
            counts: r.str("counts")?,
        });
    }
    Ok(out)
}

/// A saved column mapping as stored (`mapping`: JSON).
pub struct MappingRow {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub mapping: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

fn mapping_from_row(r: &crate::db::Row) -> R<MappingRow> {
    Ok(MappingRow {
        id: r.i64("id")?,
        version: r.i64("version")?,
        name: r.str("name")?,
        mapping: r.str("mapping")?,
        updated_at: r.time("updated_at")?,
        updated_by: r.str("updated_by")?,
    })
}

/// Every saved mapping, by name.
pub async fn mappings(conn: &mut dyn Conn) -> R<Vec<MappingRow>> {
    let sql: Sql = "SELECT id, version, name, mapping, updated_at, updated_by FROM import_mappings ORDER BY name, id".into();
    conn.query(&sql, vec![]).await?.iter().map(mapping_from_row).collect()
}

pub async fn mapping_named(conn: &mut dyn Conn, name: &str) -> R<Option<MappingRow>> {
    let sql: Sql = "SELECT id, version, name, mapping, updated_at, updated_by FROM import_mappings WHERE name = $1".into();
    conn.query(&sql, vec![name.into()]).await?.first().map(mapping_from_row).transpose()
}

pub async fn mapping(conn: &mut dyn Conn, id: i64) -> R<Option<MappingRow>> {
    let sql: Sql = "SELECT id, version, name, mapping, updated_at, updated_by FROM import_mappings WHERE id = $1".into();
    conn.query(&sql, vec![id.into()]).await?.first().map(mapping_from_row).transpose()
}

pub async fn insert_mapping(tx: &mut dyn Conn, name: &str, mapping: &str, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let sql: Sql =
        "INSERT INTO import_mappings (version, name, mapping, updated_at, updated_by) VALUES (1, $1, $2, $3, $4) RETURNING id".into();
    let rows = tx.query(&sql, vec![name.into(), mapping.into(), now.into(), actor.into()]).await?;
    rows.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

/// Replaces a mapping if its version is still `expected`; false when it is not.
pub async fn update_mapping(tx: &mut dyn Conn, id: i64, expected: i64, mapping: &str, now: DateTime<Utc>, actor: &str) -> R<bool> {
    let sql: Sql = "UPDATE import_mappings SET version = version + 1, mapping = $2, updated_at = $3, updated_by = $4 \
                    WHERE id = $1 AND version = $5"
        .into();
    Ok(tx.execute(&sql, vec![id.into(), mapping.into(), now.into(), actor.into(), expected.into()]).await? == 1)
}

/// Removes a mapping if its version is still `expected`.
pub async fn delete_mapping(tx: &mut dyn Conn, id: i64, expected: i64) -> R<bool> {
    let sql: Sql = "DELETE FROM import_mappings WHERE id = $1 AND version = $2".into();
    Ok(tx.execute(&sql, vec![id.into(), expected.into()]).await? == 1)
}
