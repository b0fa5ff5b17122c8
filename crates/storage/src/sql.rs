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
use domain::pipeline::{CandidateSource, TargetGroup};
use domain::text::{PersonName, fold, sort_key};
use domain::unit::{ClosureRow, LegalBasis, UnitKind, UnitVersion};

use crate::db::{Conn, DbError, Row, Sql, Value};
use crate::model::OrgDecision;

pub mod access;
pub mod activation;
pub mod admission;
pub mod backup;
pub mod badges;
pub mod cards;
pub mod change_requests;
pub mod committees;
pub mod directives;
pub mod discipline;
pub mod documents;
pub mod dues;
pub mod enterprises;
pub mod evaluation;
pub mod exemptions;
pub mod export;
pub mod feedback;
pub mod handbook;
pub mod import;
mod index_feed;
pub mod meetings;
pub mod member_tasks;
mod members;
pub mod notifications;
pub mod plans;
pub mod quality;
pub mod residence;
pub mod strike_off;
pub mod transfers;
mod units;
pub mod weak;

pub use index_feed::*;
pub use members::*;
pub use units::*;

type R<T> = Result<T, DbError>;

fn decode<T, E: std::fmt::Display>(r: Result<T, E>) -> R<T> {
    r.map_err(|e| DbError::Decode(e.to_string()))
}

/// Ids per `IN` list when reading the rows of many members or units at once.
const IN_CHUNK: usize = 400;

/// Runs `prefix ($k, …) suffix` over `ids` in chunks of at most 400, after the `leading`
/// arguments (`$1`… of `prefix`), and decodes every row.
pub async fn select_in<T>(
    conn: &mut dyn Conn,
    prefix: &'static str,
    suffix: &'static str,
    leading: &[Value],
    ids: &[i64],
    row: fn(&Row) -> R<T>,
) -> R<Vec<T>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(IN_CHUNK) {
        let sql = in_list(prefix, chunk.len(), suffix, leading.len() + 1);
        let mut args = leading.to_vec();
        args.extend(chunk.iter().map(|id| Value::from(*id)));
        for r in &conn.query(&sql, args).await? {
            out.push(row(r)?);
        }
    }
    Ok(out)
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

// --- decoding rows ---------------------------------------------------------------------------

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

// --- bulk loads ----------------------------------------------------------------------------

/// The secondary indexes of the member tables, as the migrations create them. A bulk load drops
/// them first and builds them once at the end (a sort, instead of millions of random inserts);
/// `SqlStore::open` creates any that are missing, so an interrupted load heals on the next start.
pub const MEMBER_INDEXES: [(&str, &str); 10] = [
    ("members_citizen_id", "CREATE UNIQUE INDEX IF NOT EXISTS members_citizen_id ON members (citizen_id)"),
    ("members_party_card_number", "CREATE UNIQUE INDEX IF NOT EXISTS members_party_card_number ON members (party_card_number)"),
    ("members_ly_lich_number", "CREATE UNIQUE INDEX IF NOT EXISTS members_ly_lich_number ON members (ly_lich_number)"),
    ("member_profiles_member", "CREATE INDEX IF NOT EXISTS member_profiles_member ON member_profiles (member_id)"),
    ("membership_events_member", "CREATE INDEX IF NOT EXISTS membership_events_member ON membership_events (member_id)"),
    ("membership_spans_member", "CREATE INDEX IF NOT EXISTS membership_spans_member ON membership_spans (member_id)"),
    ("membership_spans_unit", "CREATE INDEX IF NOT EXISTS membership_spans_unit ON membership_spans (unit_id, valid_from)"),
    ("membership_events_kind_date", "CREATE INDEX IF NOT EXISTS membership_events_kind_date ON membership_events (kind, effective_date)"),
    ("membership_events_corrects", "CREATE INDEX IF NOT EXISTS membership_events_corrects ON membership_events (corrects_event_id)"),
    ("temporary_spans_member", "CREATE INDEX IF NOT EXISTS temporary_spans_member ON temporary_spans (member_id)"),
];

const DROP_MEMBER_INDEXES: [&str; 10] = [
    "DROP INDEX IF EXISTS members_citizen_id",
    "DROP INDEX IF EXISTS members_party_card_number",
    "DROP INDEX IF EXISTS members_ly_lich_number",
    "DROP INDEX IF EXISTS member_profiles_member",
    "DROP INDEX IF EXISTS membership_events_member",
    "DROP INDEX IF EXISTS membership_spans_member",
    "DROP INDEX IF EXISTS membership_spans_unit",
    "DROP INDEX IF EXISTS membership_events_kind_date",
    "DROP INDEX IF EXISTS membership_events_corrects",
    "DROP INDEX IF EXISTS temporary_spans_member",
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

pub async fn max_ids(conn: &mut dyn Conn) -> R<(i64, i64, i64)> {
    let sql: Sql = "SELECT (SELECT COALESCE(MAX(id), 0) FROM units) AS units, (SELECT COALESCE(MAX(id), 0) FROM members) AS members, \
                    (SELECT COALESCE(MAX(id), 0) FROM membership_events) AS events"
        .into();
    let rows = conn.query(&sql, vec![]).await?;
    let r = rows.first().ok_or_else(|| DbError::Other("no row".into()))?;
    Ok((r.i64("units")?, r.i64("members")?, r.i64("events")?))
}
