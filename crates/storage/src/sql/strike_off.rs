//! Proposals to strike a member's name off (`strike_off_proposals`).

use chrono::{DateTime, Utc};

use domain::event::StrikeOffReason;
use domain::ids::{DecisionNumber, MemberId, UnitId};
use domain::strike_off::{Decision, ProposalInput, Resolution};
use domain::unit::LegalBasis;

use crate::db::{Conn, DbError, Row, Sql};

type R<T> = Result<T, DbError>;

/// One proposal as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProposal {
    pub id: i64,
    pub version: i64,
    pub member: MemberId,
    /// The chi bộ that resolved it.
    pub unit: UnitId,
    pub input: ProposalInput,
    pub decision: Option<Decision>,
    pub created_by: String,
}

macro_rules! columns {
    () => {
        "id, version, member_id, unit_id, reason, evidence, resolution_on, resolution_text, votes_for, votes_counted, decision, \
         decided_on, decision_number, decision_issuer, decision_note, created_by"
    };
}

fn bad(what: &str) -> DbError {
    DbError::Decode(format!("strike_off_proposals: {what}"))
}

fn from_row(r: &Row) -> R<StoredProposal> {
    let decision = match (r.opt_str("decision")?.as_deref(), r.opt_date("decided_on")?) {
        (None, _) => None,
        (Some("struck"), Some(on)) => {
            let number = DecisionNumber::parse(&r.opt_str("decision_number")?.unwrap_or_default()).map_err(|_| bad("decision_number"))?;
            Some(Decision::StruckOff { basis: LegalBasis { number, date: on, issuer: r.opt_str("decision_issuer")?.unwrap_or_default() } })
        }
        (Some("kept"), Some(on)) => Some(Decision::Kept { on, reason: r.opt_str("decision_note")?.unwrap_or_default() }),
        _ => return Err(bad("decision")),
    };
    let count = |c: &str| -> R<u32> { u32::try_from(r.i64(c)?).map_err(|_| bad(c)) };
    Ok(StoredProposal {
        id: r.i64("id")?,
        version: r.i64("version")?,
        member: MemberId(r.i64("member_id")?),
        unit: UnitId(r.i64("unit_id")?),
        input: ProposalInput {
            reason: StrikeOffReason::parse(&r.str("reason")?).map_err(|_| bad("reason"))?,
            evidence: r.str("evidence")?,
            resolution: Resolution {
                on: r.date("resolution_on")?,
                text: r.str("resolution_text")?,
                votes_for: count("votes_for")?,
                votes_counted: count("votes_counted")?,
            },
        },
        decision,
        created_by: r.str("created_by")?,
    })
}

pub async fn insert(tx: &mut dyn Conn, member: MemberId, unit: UnitId, input: &ProposalInput, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let sql: Sql = "INSERT INTO strike_off_proposals (version, member_id, unit_id, reason, evidence, resolution_on, resolution_text, \
                    votes_for, votes_counted, created_by, created_at, updated_at) \
                    VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id"
        .into();
    let r = &input.resolution;
    let args = vec![
        member.0.into(),
        unit.0.into(),
        input.reason.code().into(),
        input.evidence.as_str().into(),
        r.on.into(),
        r.text.as_str().into(),
        i64::from(r.votes_for).into(),
        i64::from(r.votes_counted).into(),
        actor.into(),
        now.into(),
    ];
    tx.query(&sql, args).await?.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

pub async fn get(conn: &mut dyn Conn, id: i64) -> R<Option<StoredProposal>> {
    let sql: Sql = concat!("SELECT ", columns!(), " FROM strike_off_proposals WHERE id = $1").into();
    conn.query(&sql, vec![id.into()]).await?.first().map(from_row).transpose()
}

/// Every proposal, newest resolution first (the caller keeps those under a unit).
pub async fn all(conn: &mut dyn Conn) -> R<Vec<StoredProposal>> {
    let sql: Sql = concat!("SELECT ", columns!(), " FROM strike_off_proposals ORDER BY resolution_on DESC, id DESC").into();
    conn.query(&sql, vec![]).await?.iter().map(from_row).collect()
}

/// A member's proposals, oldest first.
pub async fn of_member(conn: &mut dyn Conn, member: MemberId) -> R<Vec<StoredProposal>> {
    let sql: Sql = concat!("SELECT ", columns!(), " FROM strike_off_proposals WHERE member_id = $1 ORDER BY id").into();
    conn.query(&sql, vec![member.0.into()]).await?.iter().map(from_row).collect()
}

/// Writes the decision (only while there is none and at this version).
pub async fn decide(tx: &mut dyn Conn, id: i64, version: i64, decision: &Decision, event: Option<i64>, now: DateTime<Utc>) -> R<bool> {
    let (kind, number, issuer, note): (&str, Option<&str>, Option<&str>, Option<&str>) = match decision {
        Decision::StruckOff { basis } => ("struck", Some(basis.number.as_str()), Some(basis.issuer.as_str()), None),
        Decision::Kept { reason, .. } => ("kept", None, None, Some(reason.as_str())),
    };
    let sql: Sql = "UPDATE strike_off_proposals SET decision = $3, decided_on = $4, decision_number = $5, decision_issuer = $6, \
                    decision_note = $7, event_id = $8, version = version + 1, updated_at = $9 \
                    WHERE id = $1 AND version = $2 AND decision IS NULL"
        .into();
    let args = vec![
        id.into(),
        version.into(),
        kind.into(),
        decision.on().into(),
        number.into(),
        issuer.into(),
        note.into(),
        event.into(),
        now.into(),
    ];
    Ok(tx.execute(&sql, args).await? == 1)
}
