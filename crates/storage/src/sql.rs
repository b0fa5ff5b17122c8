//! Every SQL statement of dangvu, and the mapping between rows and domain values. The text is the
//! same for SQLite and PostgreSQL; the engines' migrations give both the same tables
//! (`crates/conformance/tests/conformance/parity.rs`).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use domain::event::{Entry, EventData, EventKind, EventKindCode, RecordedEvent, StrikeOffReason, TransferMode, UnitRef};
use domain::history::{History, Status};
use domain::ids::{CitizenId, DecisionNumber, EventId, LyLichNumber, MemberId, PartyCardNumber, PhoneNumber, UnitCode, UnitId};
use domain::member::{
    AcademicTitle, DatedProfile, Ethnicity, ForeignLanguageLevel, Gender, GeneralEducation, Identity, ItLevel, OccupationGroup,
    PoliticalTheory, Professional, Profile, Religion,
};
use domain::text::{PersonName, fold, sort_key};
use domain::unit::{ClosureRow, LegalBasis, UnitKind, UnitVersion};

use crate::db::{Conn, DbError, Row, Sql, Value};
use crate::model::OrgDecision;

pub mod access;
pub mod admission;

type R<T> = Result<T, DbError>;

fn decode<T, E: std::fmt::Display>(r: Result<T, E>) -> R<T> {
    r.map_err(|e| DbError::Decode(e.to_string()))
}

/// Runs `prefix ($1..), ($..)` for `rows`, chunked so no statement exceeds `max_params`.
pub async fn insert_rows(conn: &mut dyn Conn, prefix: &'static str, columns: usize, rows: Vec<Vec<Value>>, max_params: usize) -> R<()> {
    let per = (max_params / columns).clamp(1, 500);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Value>> = rows.by_ref().take(per).collect();
        let sql = Sql::values_rows(prefix, columns, chunk.len(), conn.anonymous_placeholders());
        conn.execute(&sql, chunk.into_iter().flatten().collect()).await?;
    }
    Ok(())
}

fn in_list(prefix: &'static str, n: usize, suffix: &'static str, first: usize) -> Sql {
    Sql::in_list(prefix, n, suffix, first)
}

// --- change log --------------------------------------------------------------------------------

/// The first statement of every write: takes the change-counter row lock, which serializes
/// writers (PostgreSQL) and orders the change log by commit.
pub async fn next_seq(tx: &mut dyn Conn) -> R<i64> {
    let rows = tx.query(&"UPDATE change_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq".into(), vec![]).await?;
    rows.first().ok_or_else(|| DbError::Other("change_counter row missing".into()))?.i64("seq")
}

pub async fn log_changes(tx: &mut dyn Conn, seq: i64, entity: &'static str, ids: &[i64], max_params: usize) -> R<()> {
    let rows = ids.iter().map(|id| vec![Value::from(seq), entity.into(), Value::from(*id)]).collect();
    insert_rows(tx, "INSERT INTO changes (seq, entity, entity_id) VALUES", 3, rows, max_params).await
}

pub async fn current_seq(conn: &mut dyn Conn) -> R<i64> {
    let rows = conn.query(&"SELECT seq FROM change_counter WHERE id = 1".into(), vec![]).await?;
    rows.first().ok_or_else(|| DbError::Other("change_counter row missing".into()))?.i64("seq")
}

/// (entity, id) changed after `seq`, up to `upto`.
pub async fn changes_between(conn: &mut dyn Conn, after: i64, upto: i64) -> R<Vec<(String, i64)>> {
    let rows =
        conn.query(&"SELECT entity, entity_id FROM changes WHERE seq > $1 AND seq <= $2".into(), vec![after.into(), upto.into()]).await?;
    rows.iter().map(|r| Ok((r.str("entity")?, r.i64("entity_id")?))).collect()
}

// --- units -------------------------------------------------------------------------------------

fn version_from_row(r: &Row) -> R<(i64, UnitVersion)> {
    Ok((
        r.i64("id")?,
        UnitVersion {
            unit_id: UnitId(r.i64("unit_id")?),
            valid_from: r.date("valid_from")?,
            valid_to: r.opt_date("valid_to")?,
            kind: decode(UnitKind::parse(&r.str("kind")?).map_err(|e| e.message))?,
            code: decode(UnitCode::parse(&r.str("code")?).map_err(|e| e.message))?,
            name: r.str("name")?,
            parent_id: r.opt_i64("parent_id")?.map(UnitId),
        },
    ))
}

pub async fn insert_unit(tx: &mut dyn Conn, now: DateTime<Utc>) -> R<UnitId> {
    let rows = tx.query(&"INSERT INTO units (version, created_at) VALUES (1, $1) RETURNING id".into(), vec![now.into()]).await?;
    Ok(UnitId(rows.first().ok_or_else(|| DbError::Other("no id returned".into()))?.i64("id")?))
}

pub async fn unit_row_version(conn: &mut dyn Conn, unit: UnitId) -> R<Option<i64>> {
    let rows = conn.query(&"SELECT version FROM units WHERE id = $1".into(), vec![unit.0.into()]).await?;
    rows.first().map(|r| r.i64("version")).transpose()
}

/// Bumps the unit's version when it is still `expected`; false when someone saved first.
pub async fn bump_unit_version(tx: &mut dyn Conn, unit: UnitId, expected: Option<i64>) -> R<bool> {
    let n = match expected {
        Some(v) => {
            tx.execute(&"UPDATE units SET version = version + 1 WHERE id = $1 AND version = $2".into(), vec![unit.0.into(), v.into()])
                .await?
        }
        None => tx.execute(&"UPDATE units SET version = version + 1 WHERE id = $1".into(), vec![unit.0.into()]).await?,
    };
    Ok(n == 1)
}

pub async fn insert_operation(tx: &mut dyn Conn, kind: &str, d: &OrgDecision, by: &str, at: DateTime<Utc>) -> R<i64> {
    let rows = tx
        .query(
            &"INSERT INTO unit_operations (kind, effective_date, decision_number, decision_date, issuer, note, recorded_at, recorded_by) \
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
                .into(),
            operation_values(kind, d, by, at),
        )
        .await?;
    rows.first().ok_or_else(|| DbError::Other("no id returned".into()))?.i64("id")
}

pub fn operation_values(kind: &str, d: &OrgDecision, by: &str, at: DateTime<Utc>) -> Vec<Value> {
    vec![
        kind.into(),
        d.effective.into(),
        d.basis.number.as_str().into(),
        d.basis.date.into(),
        d.basis.issuer.as_str().into(),
        d.note.clone().into(),
        at.into(),
        by.into(),
    ]
}

pub fn unit_version_values(v: &UnitVersion, operation: i64) -> Vec<Value> {
    vec![
        v.unit_id.0.into(),
        v.valid_from.into(),
        v.valid_to.into(),
        v.kind.code().into(),
        v.code.as_str().into(),
        v.name.as_str().into(),
        fold(&v.name).into(),
        v.parent_id.map(|p| p.0).into(),
        operation.into(),
    ]
}

pub const INSERT_UNIT_VERSIONS: &str =
    "INSERT INTO unit_versions (unit_id, valid_from, valid_to, kind, code, name, name_fold, parent_id, operation_id) VALUES";

pub async fn insert_unit_version(tx: &mut dyn Conn, v: &UnitVersion, operation: i64) -> R<()> {
    insert_rows(tx, INSERT_UNIT_VERSIONS, 9, vec![unit_version_values(v, operation)], 1000).await
}

pub async fn close_unit_version(tx: &mut dyn Conn, row_id: i64, to: NaiveDate, operation: i64) -> R<()> {
    tx.execute(
        &"UPDATE unit_versions SET valid_to = $2, ended_by = $3 WHERE id = $1".into(),
        vec![row_id.into(), to.into(), operation.into()],
    )
    .await?;
    Ok(())
}

pub async fn delete_unit_version(tx: &mut dyn Conn, row_id: i64) -> R<()> {
    tx.execute(&"DELETE FROM unit_versions WHERE id = $1".into(), vec![row_id.into()]).await?;
    Ok(())
}

/// Versions (with their row ids) of the given units, sorted by start.
pub async fn unit_versions(conn: &mut dyn Conn, units: &[UnitId]) -> R<HashMap<UnitId, Vec<(i64, UnitVersion)>>> {
    let mut out: HashMap<UnitId, Vec<(i64, UnitVersion)>> = HashMap::new();
    for chunk in units.chunks(500) {
        let sql = in_list(
            "SELECT id, unit_id, valid_from, valid_to, kind, code, name, parent_id FROM unit_versions WHERE unit_id IN",
            chunk.len(),
            " ORDER BY unit_id, valid_from",
            1,
        );
        for r in conn.query(&sql, chunk.iter().map(|u| Value::from(u.0)).collect()).await? {
            let (id, v) = version_from_row(&r)?;
            out.entry(v.unit_id).or_default().push((id, v));
        }
    }
    Ok(out)
}

/// Every version of every unit (for the in-memory index).
pub async fn all_unit_versions(conn: &mut dyn Conn) -> R<Vec<UnitVersion>> {
    let sql: Sql =
        "SELECT id, unit_id, valid_from, valid_to, kind, code, name, parent_id FROM unit_versions ORDER BY unit_id, valid_from".into();
    conn.query(&sql, vec![]).await?.iter().map(|r| version_from_row(r).map(|(_, v)| v)).collect()
}

/// Every successor link of merges and splits: (predecessor, successor).
pub async fn all_unit_links(conn: &mut dyn Conn) -> R<Vec<(UnitId, UnitId)>> {
    let sql: Sql = "SELECT predecessor_id, successor_id FROM unit_links ORDER BY predecessor_id, successor_id".into();
    conn.query(&sql, vec![]).await?.iter().map(|r| Ok((UnitId(r.i64("predecessor_id")?), UnitId(r.i64("successor_id")?)))).collect()
}

/// Versions of children of `parent` valid on `on`.
pub async fn children_on(conn: &mut dyn Conn, parent: UnitId, on: NaiveDate) -> R<Vec<UnitVersion>> {
    let sql: Sql = "SELECT id, unit_id, valid_from, valid_to, kind, code, name, parent_id FROM unit_versions \
                    WHERE parent_id = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2)"
        .into();
    conn.query(&sql, vec![parent.0.into(), on.into()]).await?.iter().map(|r| version_from_row(r).map(|(_, v)| v)).collect()
}

/// Children of `parent` whose versions naming it as parent end after `on` (or never): those an
/// operation at `on` must take care of.
pub async fn children_from(conn: &mut dyn Conn, parent: UnitId, on: NaiveDate) -> R<Vec<UnitId>> {
    let sql: Sql = "SELECT DISTINCT unit_id FROM unit_versions WHERE parent_id = $1 AND (valid_to IS NULL OR valid_to > $2)".into();
    conn.query(&sql, vec![parent.0.into(), on.into()]).await?.iter().map(|r| r.i64("unit_id").map(UnitId)).collect()
}

/// Units with `code` valid on or after `from`, other than `except`.
pub async fn units_with_code(conn: &mut dyn Conn, code: &UnitCode, from: NaiveDate, except: Option<UnitId>) -> R<Vec<UnitId>> {
    let sql: Sql =
        "SELECT DISTINCT unit_id FROM unit_versions WHERE code = $1 AND (valid_to IS NULL OR valid_to > $2) AND unit_id <> $3".into();
    let rows = conn.query(&sql, vec![code.as_str().into(), from.into(), except.map_or(0, |u| u.0).into()]).await?;
    rows.iter().map(|r| r.i64("unit_id").map(UnitId)).collect()
}

pub fn closure_values(r: &ClosureRow) -> Vec<Value> {
    vec![r.ancestor.0.into(), r.descendant.0.into(), i64::from(r.depth).into(), r.valid_from.into(), r.valid_to.into()]
}

pub const INSERT_CLOSURE: &str = "INSERT INTO unit_closure (ancestor_id, descendant_id, depth, valid_from, valid_to) VALUES";

pub async fn replace_closure(tx: &mut dyn Conn, units: &[UnitId], rows: Vec<ClosureRow>, max_params: usize) -> R<()> {
    for chunk in units.chunks(500) {
        let sql = in_list("DELETE FROM unit_closure WHERE descendant_id IN", chunk.len(), "", 1);
        tx.execute(&sql, chunk.iter().map(|u| Value::from(u.0)).collect()).await?;
    }
    insert_rows(tx, INSERT_CLOSURE, 5, rows.iter().map(closure_values).collect(), max_params).await
}

/// Every unit that was ever below one of `ancestors` (themselves included).
pub async fn descendants_ever(conn: &mut dyn Conn, ancestors: &[UnitId]) -> R<Vec<UnitId>> {
    let mut out = Vec::new();
    for chunk in ancestors.chunks(500) {
        let sql = in_list("SELECT DISTINCT descendant_id FROM unit_closure WHERE ancestor_id IN", chunk.len(), "", 1);
        for r in conn.query(&sql, chunk.iter().map(|u| Value::from(u.0)).collect()).await? {
            out.push(UnitId(r.i64("descendant_id")?));
        }
    }
    Ok(out)
}

/// Closure rows whose descendant is one of `units`.
pub async fn closure_of(conn: &mut dyn Conn, units: &[UnitId]) -> R<Vec<ClosureRow>> {
    let mut out = Vec::new();
    for chunk in units.chunks(500) {
        let sql = in_list(
            "SELECT ancestor_id, descendant_id, depth, valid_from, valid_to FROM unit_closure WHERE descendant_id IN",
            chunk.len(),
            "",
            1,
        );
        for r in conn.query(&sql, chunk.iter().map(|u| Value::from(u.0)).collect()).await? {
            out.push(ClosureRow {
                ancestor: UnitId(r.i64("ancestor_id")?),
                descendant: UnitId(r.i64("descendant_id")?),
                depth: r.i64("depth")? as u32,
                valid_from: r.date("valid_from")?,
                valid_to: r.opt_date("valid_to")?,
            });
        }
    }
    Ok(out)
}

/// The units in the subtree of `root` on `on`, nearest first (the time-sliced closure table).
pub async fn subtree_on(conn: &mut dyn Conn, root: UnitId, on: NaiveDate) -> R<Vec<UnitVersion>> {
    let sql: Sql = "SELECT v.id, v.unit_id, v.valid_from, v.valid_to, v.kind, v.code, v.name, v.parent_id \
                    FROM unit_closure c JOIN unit_versions v ON v.unit_id = c.descendant_id \
                    WHERE c.ancestor_id = $1 AND c.valid_from <= $2 AND (c.valid_to IS NULL OR c.valid_to > $2) \
                    AND v.valid_from <= $2 AND (v.valid_to IS NULL OR v.valid_to > $2) \
                    ORDER BY c.depth, v.name"
        .into();
    conn.query(&sql, vec![root.0.into(), on.into()]).await?.iter().map(|r| version_from_row(r).map(|(_, v)| v)).collect()
}

pub async fn is_within(conn: &mut dyn Conn, unit: UnitId, ancestor: UnitId, on: NaiveDate) -> R<bool> {
    let sql: Sql = "SELECT 1 FROM unit_closure WHERE descendant_id = $1 AND ancestor_id = $2 \
                    AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3)"
        .into();
    Ok(!conn.query(&sql, vec![unit.0.into(), ancestor.0.into(), on.into()]).await?.is_empty())
}

pub async fn insert_link(tx: &mut dyn Conn, from: UnitId, to: UnitId, operation: i64, on: NaiveDate) -> R<()> {
    insert_rows(tx, INSERT_LINKS, 4, vec![vec![from.0.into(), to.0.into(), operation.into(), on.into()]], 1000).await
}

pub const INSERT_LINKS: &str = "INSERT INTO unit_links (predecessor_id, successor_id, operation_id, effective_date) VALUES";

/// (other unit, date, operation) for links of `unit`; `successors` picks the direction.
pub async fn links(conn: &mut dyn Conn, unit: UnitId, successors: bool) -> R<Vec<(UnitId, NaiveDate, i64)>> {
    let sql: Sql = if successors {
        "SELECT successor_id AS other_id, effective_date, operation_id FROM unit_links WHERE predecessor_id = $1".into()
    } else {
        "SELECT predecessor_id AS other_id, effective_date, operation_id FROM unit_links WHERE successor_id = $1".into()
    };
    let rows = conn.query(&sql, vec![unit.0.into()]).await?;
    rows.iter().map(|r| Ok((UnitId(r.i64("other_id")?), r.date("effective_date")?, r.i64("operation_id")?))).collect()
}

pub async fn operations_of(conn: &mut dyn Conn, unit: UnitId) -> R<Vec<crate::OperationInfo>> {
    let sql: Sql = "SELECT id, kind, effective_date, decision_number, decision_date, issuer, note, recorded_at, recorded_by \
                    FROM unit_operations WHERE id IN (SELECT operation_id FROM unit_versions WHERE unit_id = $1 \
                    UNION SELECT ended_by FROM unit_versions WHERE unit_id = $1 \
                    UNION SELECT operation_id FROM unit_links WHERE predecessor_id = $1 OR successor_id = $1) \
                    ORDER BY effective_date, id"
        .into();
    let rows = conn.query(&sql, vec![unit.0.into()]).await?;
    rows.iter()
        .map(|r| {
            Ok(crate::OperationInfo {
                id: r.i64("id")?,
                kind: r.str("kind")?,
                effective: r.date("effective_date")?,
                basis: LegalBasis {
                    number: decode(DecisionNumber::parse(&r.str("decision_number")?).map_err(|e| e.message))?,
                    date: r.date("decision_date")?,
                    issuer: r.str("issuer")?,
                },
                note: r.opt_str("note")?,
                recorded_at: r.time("recorded_at")?,
                recorded_by: r.str("recorded_by")?,
            })
        })
        .collect()
}

// --- members -----------------------------------------------------------------------------------

pub const INSERT_MEMBERS: &str = "INSERT INTO members (id, version, full_name, name_fold, sort_key, other_names, gender, birth_date, \
    birthplace, hometown, ethnicity, religion, citizen_id, phone, party_card_number, ly_lich_number, created_at, updated_at, updated_by) VALUES";

pub fn member_values(id: Option<MemberId>, i: &Identity, at: DateTime<Utc>, by: &str) -> Vec<Value> {
    vec![
        id.map(|m| m.0).into(),
        1i64.into(),
        i.full_name.as_str().into(),
        fold(i.full_name.as_str()).into(),
        sort_key(&i.full_name).into(),
        i.other_names.clone().into(),
        i.gender.code().into(),
        i.birth_date.into(),
        i.birthplace.clone().into(),
        i.hometown.clone().into(),
        i.ethnicity.code().into(),
        i.religion.code().into(),
        i.citizen_id.as_str().into(),
        i.phone.as_ref().map(|p| p.as_str()).into(),
        i.party_card_number.as_ref().map(|p| p.as_str()).into(),
        i.ly_lich_number.as_ref().map(|p| p.as_str()).into(),
        at.into(),
        at.into(),
        by.into(),
    ]
}

pub async fn insert_member(tx: &mut dyn Conn, i: &Identity, at: DateTime<Utc>, by: &str) -> R<MemberId> {
    let sql: Sql = "INSERT INTO members (version, full_name, name_fold, sort_key, other_names, gender, birth_date, birthplace, hometown, \
                    ethnicity, religion, citizen_id, phone, party_card_number, ly_lich_number, created_at, updated_at, updated_by) \
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id"
        .into();
    let mut values = member_values(None, i, at, by);
    values.remove(0);
    let rows = tx.query(&sql, values).await?;
    Ok(MemberId(rows.first().ok_or_else(|| DbError::Other("no id returned".into()))?.i64("id")?))
}

/// Replaces identity data when the version is still `expected`; false when someone saved first.
pub async fn update_member(tx: &mut dyn Conn, id: MemberId, expected: i64, i: &Identity, at: DateTime<Utc>, by: &str) -> R<bool> {
    let sql: Sql = "UPDATE members SET version = version + 1, full_name = $3, name_fold = $4, sort_key = $5, other_names = $6, \
                    gender = $7, birth_date = $8, birthplace = $9, hometown = $10, ethnicity = $11, religion = $12, citizen_id = $13, \
                    phone = $14, party_card_number = $15, ly_lich_number = $16, updated_at = $17, updated_by = $18 \
                    WHERE id = $1 AND version = $2"
        .into();
    let mut values = member_values(Some(id), i, at, by);
    values[1] = expected.into();
    values.remove(17); // created_at
    Ok(tx.execute(&sql, values).await? == 1)
}

/// Bumps the member's version when it is still `expected`; false when someone saved first.
pub async fn touch_member(tx: &mut dyn Conn, id: MemberId, expected: Option<i64>, at: DateTime<Utc>, by: &str) -> R<bool> {
    let n = match expected {
        Some(v) => {
            let sql: Sql =
                "UPDATE members SET version = version + 1, updated_at = $3, updated_by = $4 WHERE id = $1 AND version = $2".into();
            tx.execute(&sql, vec![id.0.into(), v.into(), at.into(), by.into()]).await?
        }
        None => {
            let sql: Sql = "UPDATE members SET version = version + 1, updated_at = $2, updated_by = $3 WHERE id = $1".into();
            tx.execute(&sql, vec![id.0.into(), at.into(), by.into()]).await?
        }
    };
    Ok(n == 1)
}

/// (version, identity, updated_at, updated_by).
pub async fn member_row(conn: &mut dyn Conn, id: MemberId) -> R<Option<(i64, Identity, DateTime<Utc>, String)>> {
    let sql: Sql = "SELECT id, version, full_name, other_names, gender, birth_date, birthplace, hometown, ethnicity, religion, \
                    citizen_id, phone, party_card_number, ly_lich_number, updated_at, updated_by FROM members WHERE id = $1"
        .into();
    let rows = conn.query(&sql, vec![id.0.into()]).await?;
    let Some(r) = rows.first() else { return Ok(None) };
    Ok(Some((r.i64("version")?, identity_from_row(r)?, r.time("updated_at")?, r.str("updated_by")?)))
}

fn field<T>(r: Result<T, domain::FieldError>) -> R<T> {
    r.map_err(|e| DbError::Decode(e.message))
}

fn opt_field<T>(v: Option<String>, parse: fn(&str) -> Result<T, domain::FieldError>) -> R<Option<T>> {
    v.map(|s| field(parse(&s))).transpose()
}

/// Identity from the columns of `members` that hold it (full_name …).
fn identity_from_row(r: &Row) -> R<Identity> {
    Ok(Identity {
        // As stored: checked when written; a rule added since must not make the record unreadable.
        full_name: PersonName::from_stored(r.str("full_name")?),
        other_names: r.opt_str("other_names")?,
        gender: field(Gender::parse(&r.str("gender")?))?,
        birth_date: r.date("birth_date")?,
        birthplace: r.opt_str("birthplace")?,
        hometown: r.opt_str("hometown")?,
        ethnicity: field(Ethnicity::parse(&r.str("ethnicity")?))?,
        religion: field(Religion::parse(&r.str("religion")?))?,
        citizen_id: field(CitizenId::parse(&r.str("citizen_id")?))?,
        phone: opt_field(r.opt_str("phone")?, PhoneNumber::parse)?,
        party_card_number: opt_field(r.opt_str("party_card_number")?, PartyCardNumber::parse)?,
        ly_lich_number: opt_field(r.opt_str("ly_lich_number")?, LyLichNumber::parse)?,
    })
}

/// The member (id, full name) holding a unique identifier, other than `except`.
pub async fn member_with(
    conn: &mut dyn Conn,
    column: UniqueColumn,
    value: &str,
    except: Option<MemberId>,
) -> R<Option<(MemberId, String)>> {
    let sql: Sql = match column {
        UniqueColumn::CitizenId => "SELECT id, full_name FROM members WHERE citizen_id = $1 AND id <> $2".into(),
        UniqueColumn::CardNumber => "SELECT id, full_name FROM members WHERE party_card_number = $1 AND id <> $2".into(),
        UniqueColumn::LyLich => "SELECT id, full_name FROM members WHERE ly_lich_number = $1 AND id <> $2".into(),
    };
    let rows = conn.query(&sql, vec![value.into(), except.map_or(0, |m| m.0).into()]).await?;
    rows.first().map(|r| Ok((MemberId(r.i64("id")?), r.str("full_name")?))).transpose()
}

#[derive(Debug, Clone, Copy)]
pub enum UniqueColumn {
    CitizenId,
    CardNumber,
    LyLich,
}

pub const INSERT_PROFILES: &str = "INSERT INTO member_profiles (member_id, valid_from, general_education, professional, academic_title, \
    political_theory, foreign_language, it_level, occupation, youth_union, residence, recorded_at, recorded_by) VALUES";

pub fn profile_values(member: MemberId, p: &DatedProfile, at: DateTime<Utc>, by: &str) -> Vec<Value> {
    let q = &p.profile;
    vec![
        member.0.into(),
        p.valid_from.into(),
        q.general_education.code().into(),
        q.professional.code().into(),
        q.academic_title.code().into(),
        q.political_theory.code().into(),
        q.foreign_language.code().into(),
        q.it_level.code().into(),
        q.occupation.code().into(),
        q.youth_union.into(),
        q.residence.clone().into(),
        at.into(),
        by.into(),
    ]
}

pub async fn insert_profile(tx: &mut dyn Conn, member: MemberId, p: &DatedProfile, at: DateTime<Utc>, by: &str) -> R<()> {
    insert_rows(tx, INSERT_PROFILES, 13, vec![profile_values(member, p, at, by)], 1000).await
}

/// Profiles of a member sorted by start (an unknown start first; same start: the later record wins).
pub async fn profiles(conn: &mut dyn Conn, member: MemberId) -> R<Vec<DatedProfile>> {
    let sql: Sql = "SELECT valid_from, general_education, professional, academic_title, political_theory, foreign_language, it_level, \
                    occupation, youth_union, residence FROM member_profiles WHERE member_id = $1 ORDER BY valid_from, id"
        .into();
    let rows = conn.query(&sql, vec![member.0.into()]).await?;
    let mut out: Vec<DatedProfile> = Vec::new();
    for r in rows {
        let p = DatedProfile {
            valid_from: r.opt_date("valid_from")?,
            profile: Profile {
                general_education: field(GeneralEducation::parse(&r.str("general_education")?))?,
                professional: field(Professional::parse(&r.str("professional")?))?,
                academic_title: field(AcademicTitle::parse(&r.str("academic_title")?))?,
                political_theory: field(PoliticalTheory::parse(&r.str("political_theory")?))?,
                foreign_language: field(ForeignLanguageLevel::parse(&r.str("foreign_language")?))?,
                it_level: field(ItLevel::parse(&r.str("it_level")?))?,
                occupation: field(OccupationGroup::parse(&r.str("occupation")?))?,
                youth_union: r.i64("youth_union")? != 0,
                residence: r.opt_str("residence")?,
            },
        };
        match out.last_mut() {
            Some(last) if last.valid_from == p.valid_from => *last = p,
            _ => out.push(p),
        }
    }
    // SQL sorts NULL first in SQLite and last in PostgreSQL: put "since always" first on both.
    out.sort_by_key(|p| p.valid_from);
    Ok(out)
}

pub const INSERT_EVENTS: &str = "INSERT INTO membership_events (id, member_id, kind, effective_date, unit_id, to_unit_id, external_unit, \
    mode, reason, difficult_family, decision_number, decision_date, issuer, note, corrects_event_id, correction_reason, recorded_at, recorded_by) VALUES";

pub fn event_values(id: Option<EventId>, member: MemberId, e: &RecordedEvent) -> Vec<Value> {
    let mut unit: Option<i64> = None;
    let mut to_unit: Option<i64> = None;
    let mut external: Option<String> = None;
    let mut mode: Option<&str> = None;
    let mut reason: Option<&str> = None;
    let mut difficult: Option<i64> = None;
    let (kind, effective, basis, note) = match &e.entry {
        Entry::Void => ("huy", None, None, None),
        Entry::Event(d) => {
            match &d.kind {
                EventKind::Admitted { unit: u } => match u {
                    UnitRef::Internal(id) => unit = Some(id.0),
                    UnitRef::External(n) => external = Some(n.clone()),
                },
                EventKind::TransferredOut { mode: m, from, to } => {
                    unit = Some(from.0);
                    mode = Some(m.code());
                    match to {
                        UnitRef::Internal(id) => to_unit = Some(id.0),
                        UnitRef::External(n) => external = Some(n.clone()),
                    }
                }
                EventKind::TransferredIn { mode: m, unit: u } => {
                    unit = Some(u.0);
                    mode = Some(m.code());
                }
                EventKind::Reassigned { to } => to_unit = Some(to.0),
                EventKind::StruckOff { reason: r } => reason = Some(r.code()),
                EventKind::Exited { difficult_family } => difficult = Some(i64::from(*difficult_family)),
                EventKind::Readmitted { unit: u } => unit = Some(u.0),
                EventKind::Ceremony
                | EventKind::RecognizedOfficial
                | EventKind::Exempted
                | EventKind::ExemptionEnded
                | EventKind::Expelled
                | EventKind::Died => {}
            }
            (d.kind.code().code(), Some(d.effective), d.basis.as_ref(), d.note.clone())
        }
    };
    vec![
        id.map(|i| i.0).into(),
        member.0.into(),
        kind.into(),
        effective.into(),
        unit.into(),
        to_unit.into(),
        external.into(),
        mode.into(),
        reason.into(),
        difficult.into(),
        basis.map(|b| b.number.as_str()).into(),
        basis.map(|b| b.date).into(),
        basis.map(|b| b.issuer.as_str()).into(),
        note.into(),
        e.corrects.map(|c| c.0).into(),
        e.correction_reason.clone().into(),
        e.recorded_at.into(),
        e.recorded_by.as_str().into(),
    ]
}

pub async fn insert_event(tx: &mut dyn Conn, member: MemberId, e: &RecordedEvent) -> R<EventId> {
    let sql: Sql = "INSERT INTO membership_events (member_id, kind, effective_date, unit_id, to_unit_id, external_unit, mode, reason, \
                    difficult_family, decision_number, decision_date, issuer, note, corrects_event_id, correction_reason, recorded_at, recorded_by) \
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id"
        .into();
    let mut values = event_values(None, member, e);
    values.remove(0);
    let rows = tx.query(&sql, values).await?;
    Ok(EventId(rows.first().ok_or_else(|| DbError::Other("no id returned".into()))?.i64("id")?))
}

pub async fn events(conn: &mut dyn Conn, member: MemberId) -> R<Vec<RecordedEvent>> {
    let sql: Sql = "SELECT id, member_id, kind, effective_date, unit_id, to_unit_id, external_unit, mode, reason, difficult_family, \
                    decision_number, decision_date, issuer, note, corrects_event_id, correction_reason, recorded_at, recorded_by \
                    FROM membership_events WHERE member_id = $1 ORDER BY id"
        .into();
    conn.query(&sql, vec![member.0.into()]).await?.iter().map(event_from_row).collect()
}

fn event_from_row(r: &Row) -> R<RecordedEvent> {
    let kind = r.str("kind")?;
    let entry = if kind == "huy" {
        Entry::Void
    } else {
        let code = field(EventKindCode::parse(&kind))?;
        let unit = r.opt_i64("unit_id")?.map(UnitId);
        let to_unit = r.opt_i64("to_unit_id")?.map(UnitId);
        let external = r.opt_str("external_unit")?;
        let need = |u: Option<UnitId>| u.ok_or_else(|| DbError::Decode(format!("event {} lacks its unit", kind)));
        let target = |u: Option<UnitId>, ext: Option<String>| match (u, ext) {
            (Some(u), _) => Ok(UnitRef::Internal(u)),
            (None, Some(n)) => Ok(UnitRef::External(n)),
            (None, None) => Err(DbError::Decode("event lacks its unit".into())),
        };
        let mode = || r.opt_str("mode").and_then(|m| field(TransferMode::parse(&m.unwrap_or_default())));
        let event_kind = match code {
            EventKindCode::Admitted => EventKind::Admitted { unit: target(unit, external)? },
            EventKindCode::RecognizedOfficial => EventKind::RecognizedOfficial,
            EventKindCode::Ceremony => EventKind::Ceremony,
            EventKindCode::TransferredOut => EventKind::TransferredOut { mode: mode()?, from: need(unit)?, to: target(to_unit, external)? },
            EventKindCode::TransferredIn => EventKind::TransferredIn { mode: mode()?, unit: need(unit)? },
            EventKindCode::Reassigned => EventKind::Reassigned { to: need(to_unit)? },
            EventKindCode::Exempted => EventKind::Exempted,
            EventKindCode::ExemptionEnded => EventKind::ExemptionEnded,
            EventKindCode::StruckOff => EventKind::StruckOff { reason: field(StrikeOffReason::parse(&r.str("reason")?))? },
            EventKindCode::Exited => EventKind::Exited { difficult_family: r.opt_i64("difficult_family")?.unwrap_or(0) != 0 },
            EventKindCode::Expelled => EventKind::Expelled,
            EventKindCode::Died => EventKind::Died,
            EventKindCode::Readmitted => EventKind::Readmitted { unit: need(unit)? },
        };
        let basis = match (r.opt_str("decision_number")?, r.opt_date("decision_date")?, r.opt_str("issuer")?) {
            (Some(n), Some(d), Some(i)) => Some(LegalBasis { number: field(DecisionNumber::parse(&n))?, date: d, issuer: i }),
            _ => None,
        };
        Entry::Event(EventData { kind: event_kind, effective: r.date("effective_date")?, basis, note: r.opt_str("note")? })
    };
    Ok(RecordedEvent {
        id: EventId(r.i64("id")?),
        entry,
        corrects: r.opt_i64("corrects_event_id")?.map(EventId),
        correction_reason: r.opt_str("correction_reason")?,
        recorded_at: r.time("recorded_at")?,
        recorded_by: r.str("recorded_by")?,
    })
}

pub const INSERT_SPANS: &str =
    "INSERT INTO membership_spans (member_id, unit_id, external_unit, status, valid_from, valid_to, entered, left_by, transit_to) VALUES";
pub const SPAN_COLUMNS: usize = 9;
pub const INSERT_TEMPORARY_SPANS: &str = "INSERT INTO temporary_spans (member_id, unit_id, external_unit, valid_from, valid_to) VALUES";
pub const TEMPORARY_SPAN_COLUMNS: usize = 5;

fn unit_columns(u: &UnitRef) -> (Option<i64>, Option<String>) {
    match u {
        UnitRef::Internal(u) => (Some(u.0), None),
        UnitRef::External(n) => (None, Some(n.clone())),
    }
}

/// The rows of a derived history: its spans, each with why it began and ended, and its periods
/// of temporary activity.
pub fn history_rows(member: MemberId, h: &History) -> (Vec<Vec<Value>>, Vec<Vec<Value>>) {
    let spans = h
        .spans
        .iter()
        .map(|s| {
            let (unit, external) = unit_columns(&s.unit);
            vec![
                member.0.into(),
                unit.into(),
                external.into(),
                s.status.code().into(),
                s.from.into(),
                s.to.into(),
                s.cause.entered.code().into(),
                s.cause.left.map(|k| k.code()).into(),
                // The destination of a transfer not accepted yet: the open span of the transit.
                h.in_transit_to
                    .as_ref()
                    .and_then(UnitRef::internal)
                    .filter(|_| s.to.is_none() && s.status == Status::TransferredOut)
                    .map(|u| u.0)
                    .into(),
            ]
        })
        .collect();
    let temporary = h
        .temporary
        .iter()
        .map(|t| {
            let (unit, external) = unit_columns(&t.at);
            vec![member.0.into(), unit.into(), external.into(), t.from.into(), t.to.into()]
        })
        .collect();
    (spans, temporary)
}

/// Replaces the member's derived rows (spans and temporary activity) with those of `h`.
pub async fn replace_spans(tx: &mut dyn Conn, member: MemberId, h: &History) -> R<()> {
    tx.execute(&"DELETE FROM membership_spans WHERE member_id = $1".into(), vec![member.0.into()]).await?;
    tx.execute(&"DELETE FROM temporary_spans WHERE member_id = $1".into(), vec![member.0.into()]).await?;
    let (spans, temporary) = history_rows(member, h);
    insert_rows(tx, INSERT_SPANS, SPAN_COLUMNS, spans, 1000).await?;
    insert_rows(tx, INSERT_TEMPORARY_SPANS, TEMPORARY_SPAN_COLUMNS, temporary, 1000).await
}

/// Members whose spans were written before spans kept their causes (migration 0004).
pub async fn members_without_span_causes(conn: &mut dyn Conn, limit: i64) -> R<Vec<MemberId>> {
    let sql: Sql = "SELECT DISTINCT member_id FROM membership_spans WHERE entered IS NULL ORDER BY member_id LIMIT $1".into();
    conn.query(&sql, vec![limit.into()]).await?.iter().map(|r| Ok(MemberId(r.i64("member_id")?))).collect()
}

/// Members with an active span in one of `units` on or after `on`.
pub async fn members_in_units_from(conn: &mut dyn Conn, units: &[UnitId], on: NaiveDate) -> R<Vec<MemberId>> {
    let mut out = Vec::new();
    for chunk in units.chunks(500) {
        let sql = in_list(
            "SELECT DISTINCT member_id FROM membership_spans WHERE status IN ('du-bi', 'chinh-thuc', 'mien-sinh-hoat') \
             AND (valid_to IS NULL OR valid_to > $1) AND unit_id IN",
            chunk.len(),
            " ORDER BY member_id",
            2,
        );
        let mut args = vec![Value::from(on)];
        args.extend(chunk.iter().map(|u| Value::from(u.0)));
        for r in conn.query(&sql, args).await? {
            out.push(MemberId(r.i64("member_id")?));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

// --- bulk loads ----------------------------------------------------------------------------

/// The secondary indexes of the member tables, as the migrations create them. A bulk load drops
/// them first and builds them once at the end (a sort, instead of millions of random inserts);
/// `SqlStore::open` creates any that are missing, so an interrupted load heals on the next start.
pub const MEMBER_INDEXES: [(&str, &str); 7] = [
    ("members_citizen_id", "CREATE UNIQUE INDEX IF NOT EXISTS members_citizen_id ON members (citizen_id)"),
    ("members_party_card_number", "CREATE UNIQUE INDEX IF NOT EXISTS members_party_card_number ON members (party_card_number)"),
    ("members_ly_lich_number", "CREATE UNIQUE INDEX IF NOT EXISTS members_ly_lich_number ON members (ly_lich_number)"),
    ("member_profiles_member", "CREATE INDEX IF NOT EXISTS member_profiles_member ON member_profiles (member_id)"),
    ("membership_events_member", "CREATE INDEX IF NOT EXISTS membership_events_member ON membership_events (member_id)"),
    ("membership_spans_member", "CREATE INDEX IF NOT EXISTS membership_spans_member ON membership_spans (member_id)"),
    ("membership_spans_unit", "CREATE INDEX IF NOT EXISTS membership_spans_unit ON membership_spans (unit_id, valid_from)"),
];

const DROP_MEMBER_INDEXES: [&str; 7] = [
    "DROP INDEX IF EXISTS members_citizen_id",
    "DROP INDEX IF EXISTS members_party_card_number",
    "DROP INDEX IF EXISTS members_ly_lich_number",
    "DROP INDEX IF EXISTS member_profiles_member",
    "DROP INDEX IF EXISTS membership_events_member",
    "DROP INDEX IF EXISTS membership_spans_member",
    "DROP INDEX IF EXISTS membership_spans_unit",
];

pub async fn drop_member_indexes(conn: &mut dyn Conn) -> R<()> {
    for stmt in DROP_MEMBER_INDEXES {
        conn.execute(&stmt.into(), vec![]).await?;
    }
    Ok(())
}

pub async fn create_member_indexes(conn: &mut dyn Conn) -> R<()> {
    for (_, stmt) in MEMBER_INDEXES {
        conn.execute(&stmt.into(), vec![]).await?;
    }
    Ok(())
}

// --- index feed --------------------------------------------------------------------------------

/// What the in-memory index keeps of a member.
#[derive(Debug, Clone)]
pub struct IndexMemberRow {
    pub id: MemberId,
    pub full_name: String,
    pub name_fold: String,
    pub sort_key: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub citizen_id: String,
    pub party_card_number: Option<String>,
    pub ethnicity: Ethnicity,
    pub religion: Religion,
    pub spans: Vec<IndexSpanRow>,
    /// The dated attributes the statistics read, oldest first (`None`: since always).
    pub profiles: Vec<(Option<NaiveDate>, domain::stats::ProfileFacts)>,
    /// Periods of temporary activity: (host unit, `None` outside the register; from; to).
    pub temporary: Vec<(Option<UnitId>, NaiveDate, Option<NaiveDate>)>,
    /// While a transfer out waits for the receiving side: the unit the letter names.
    pub transit_to: Option<UnitId>,
}

/// One membership span as the index reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexSpanRow {
    /// The chi bộ (`None`: outside the register, or no unit).
    pub unit: Option<UnitId>,
    pub status: Status,
    pub from: NaiveDate,
    /// The first day the span no longer holds (`None`: open).
    pub to: Option<NaiveDate>,
    /// Why it began and ended.
    pub cause: domain::stats::SpanCause,
}

/// Members with `after < id <= upto` (a page of at most `limit`), with their spans.
pub async fn index_members(conn: &mut dyn Conn, after: i64, limit: i64) -> R<Vec<IndexMemberRow>> {
    let sql: Sql = "SELECT id, full_name, name_fold, sort_key, gender, birth_date, citizen_id, party_card_number, ethnicity, religion \
                    FROM members WHERE id > $1 ORDER BY id LIMIT $2"
        .into();
    let rows = conn.query(&sql, vec![after.into(), limit.into()]).await?;
    let mut members = rows.iter().map(index_member_from_row).collect::<R<Vec<_>>>()?;
    let (Some(first), Some(last)) = (members.first(), members.last()) else { return Ok(members) };
    let range = vec![Value::from(first.id.0), Value::from(last.id.0)];
    let sql: Sql = "SELECT member_id, unit_id, status, valid_from, valid_to, entered, left_by, transit_to FROM membership_spans \
                    WHERE member_id >= $1 AND member_id <= $2 ORDER BY member_id, valid_from"
        .into();
    let spans = conn.query(&sql, range.clone()).await?;
    attach_spans(&mut members, &spans)?;
    let sql: Sql = "SELECT member_id, unit_id, valid_from, valid_to FROM temporary_spans \
                    WHERE member_id >= $1 AND member_id <= $2 ORDER BY member_id, valid_from"
        .into();
    let temporary = conn.query(&sql, range.clone()).await?;
    attach_temporary(&mut members, &temporary)?;
    let sql: Sql = "SELECT member_id, valid_from, general_education, professional, political_theory, occupation, youth_union, id \
                    FROM member_profiles WHERE member_id >= $1 AND member_id <= $2 ORDER BY member_id, id"
        .into();
    let profiles = conn.query(&sql, range).await?;
    attach_profiles(&mut members, &profiles)?;
    Ok(members)
}

/// The given members with their spans (ids that do not exist are skipped).
pub async fn index_members_by_id(conn: &mut dyn Conn, ids: &[MemberId]) -> R<Vec<IndexMemberRow>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(400) {
        let args: Vec<Value> = chunk.iter().map(|m| Value::from(m.0)).collect();
        let sql = in_list(
            "SELECT id, full_name, name_fold, sort_key, gender, birth_date, citizen_id, party_card_number, ethnicity, religion \
             FROM members WHERE id IN",
            chunk.len(),
            " ORDER BY id",
            1,
        );
        let mut members = conn.query(&sql, args.clone()).await?.iter().map(index_member_from_row).collect::<R<Vec<_>>>()?;
        let sql = in_list(
            "SELECT member_id, unit_id, status, valid_from, valid_to, entered, left_by, transit_to FROM membership_spans WHERE member_id IN",
            chunk.len(),
            " ORDER BY member_id, valid_from",
            1,
        );
        let spans = conn.query(&sql, args.clone()).await?;
        attach_spans(&mut members, &spans)?;
        let sql = in_list(
            "SELECT member_id, unit_id, valid_from, valid_to FROM temporary_spans WHERE member_id IN",
            chunk.len(),
            " ORDER BY member_id, valid_from",
            1,
        );
        let temporary = conn.query(&sql, args.clone()).await?;
        attach_temporary(&mut members, &temporary)?;
        let sql = in_list(
            "SELECT member_id, valid_from, general_education, professional, political_theory, occupation, youth_union, id \
             FROM member_profiles WHERE member_id IN",
            chunk.len(),
            " ORDER BY member_id, id",
            1,
        );
        let profiles = conn.query(&sql, args).await?;
        attach_profiles(&mut members, &profiles)?;
        out.extend(members);
    }
    Ok(out)
}

fn index_member_from_row(r: &Row) -> R<IndexMemberRow> {
    Ok(IndexMemberRow {
        id: MemberId(r.i64("id")?),
        full_name: r.str("full_name")?,
        name_fold: r.str("name_fold")?,
        sort_key: r.str("sort_key")?,
        gender: field(Gender::parse(&r.str("gender")?))?,
        birth_date: r.date("birth_date")?,
        citizen_id: r.str("citizen_id")?,
        party_card_number: r.opt_str("party_card_number")?,
        ethnicity: field(Ethnicity::parse(&r.str("ethnicity")?))?,
        religion: field(Religion::parse(&r.str("religion")?))?,
        spans: Vec::new(),
        profiles: Vec::new(),
        temporary: Vec::new(),
        transit_to: None,
    })
}

/// Distributes profile rows (sorted by member, then as recorded) onto members (sorted by id),
/// each member's list in the order `domain::member::profile_on` reads (since always first, then
/// by date; on one date the later record wins).
fn attach_profiles(members: &mut [IndexMemberRow], rows: &[Row]) -> R<()> {
    attach(members, rows, |m, r| {
        let facts = domain::stats::ProfileFacts {
            general_education: field(GeneralEducation::parse(&r.str("general_education")?))?,
            professional: field(Professional::parse(&r.str("professional")?))?,
            political_theory: field(PoliticalTheory::parse(&r.str("political_theory")?))?,
            occupation: field(OccupationGroup::parse(&r.str("occupation")?))?,
            youth_union: r.i64("youth_union")? != 0,
        };
        m.profiles.push((r.opt_date("valid_from")?, facts));
        Ok(())
    })?;
    for m in members.iter_mut() {
        // Stable: records on the same date keep their recorded order.
        m.profiles.sort_by_key(|(from, _)| *from);
    }
    Ok(())
}

/// Distributes span rows (sorted by member id) onto members (sorted by id).
fn attach_spans(members: &mut [IndexMemberRow], spans: &[Row]) -> R<()> {
    attach(members, spans, |m, r| {
        // NULL only until the store's first opening after migration 0004 re-derives the member.
        let kind = |v: Option<String>| v.as_deref().and_then(domain::stats::FlowKind::parse);
        let cause = domain::stats::SpanCause {
            entered: kind(r.opt_str("entered")?).unwrap_or(domain::stats::FlowKind::Reorganization),
            left: kind(r.opt_str("left_by")?),
        };
        m.spans.push(IndexSpanRow {
            unit: r.opt_i64("unit_id")?.map(UnitId),
            status: field(Status::parse(&r.str("status")?))?,
            from: r.date("valid_from")?,
            to: r.opt_date("valid_to")?,
            cause,
        });
        if let Some(to) = r.opt_i64("transit_to")? {
            m.transit_to = Some(UnitId(to));
        }
        Ok(())
    })
}

/// Distributes temporary-activity rows (sorted by member id) onto members (sorted by id).
fn attach_temporary(members: &mut [IndexMemberRow], rows: &[Row]) -> R<()> {
    attach(members, rows, |m, r| {
        m.temporary.push((r.opt_i64("unit_id")?.map(UnitId), r.date("valid_from")?, r.opt_date("valid_to")?));
        Ok(())
    })
}

/// Walks rows sorted by member id (column `member_id`) alongside members sorted by id, handing
/// each row to its member (rows of members not in the list are skipped).
fn attach(members: &mut [IndexMemberRow], rows: &[Row], mut add: impl FnMut(&mut IndexMemberRow, &Row) -> R<()>) -> R<()> {
    let mut i = 0;
    for r in rows {
        let member = MemberId(r.i64("member_id")?);
        while i < members.len() && members[i].id < member {
            i += 1;
        }
        if let Some(m) = members.get_mut(i).filter(|m| m.id == member) {
            add(m, r)?;
        }
    }
    Ok(())
}

pub async fn max_ids(conn: &mut dyn Conn) -> R<(i64, i64, i64)> {
    let sql: Sql = "SELECT (SELECT COALESCE(MAX(id), 0) FROM units) AS units, (SELECT COALESCE(MAX(id), 0) FROM members) AS members, \
                    (SELECT COALESCE(MAX(id), 0) FROM membership_events) AS events"
        .into();
    let rows = conn.query(&sql, vec![]).await?;
    let r = rows.first().ok_or_else(|| DbError::Other("no row".into()))?;
    Ok((r.i64("units")?, r.i64("members")?, r.i64("events")?))
}
