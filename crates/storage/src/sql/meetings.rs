//! Meetings (`meetings`), their attendance, resolutions and the amendments of signed minutes.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use domain::ids::{MemberId, UnitId};
use domain::meetings::{Amendment, MeetingInput, MeetingKind, Minutes, Presence, ResolutionInput, Signature, Threshold, Vote};

use crate::db::{Conn, DbError, Row, Sql};

type R<T> = Result<T, DbError>;

/// A meeting as stored (its amendments apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMeeting {
    pub id: i64,
    pub unit: UnitId,
    pub version: i64,
    pub input: MeetingInput,
    pub attendance_recorded: bool,
    pub minutes: Minutes,
    pub created_by: String,
}

/// One member's attendance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAttendance {
    pub member: MemberId,
    pub presence: Presence,
    pub reason: Option<String>,
    pub exempt: bool,
    pub away_temporarily: bool,
    pub guest: bool,
}

/// A resolution with its count and outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResolution {
    pub seq: i64,
    pub input: ResolutionInput,
    /// The members it was measured against.
    pub counted: u32,
    pub passed: bool,
}

fn decode(what: &str) -> DbError {
    DbError::Decode(format!("meetings: {what}"))
}

fn count(r: &Row, c: &str) -> R<u32> {
    u32::try_from(r.i64(c)?).map_err(|_| decode(c))
}

macro_rules! meeting_columns {
    () => {
        "id, unit_id, version, kind, held_on, start_time, length_minutes, place, agenda, attendance_recorded, minutes, chair_name, \
         chair_signed_on, secretary_name, secretary_signed_on, created_by"
    };
}

fn meeting_from_row(r: &Row) -> R<StoredMeeting> {
    let signature = |name: &str, on: &str| -> R<Option<Signature>> {
        Ok(match (r.opt_str(name)?, r.opt_date(on)?) {
            (Some(by), Some(on)) => Some(Signature { by, on }),
            _ => None,
        })
    };
    let starts_at = NaiveTime::parse_from_str(&r.str("start_time")?, "%H:%M").map_err(|_| decode("start_time"))?;
    Ok(StoredMeeting {
        id: r.i64("id")?,
        unit: UnitId(r.i64("unit_id")?),
        version: r.i64("version")?,
        input: MeetingInput {
            kind: MeetingKind::parse(&r.str("kind")?).map_err(|_| decode("kind"))?,
            held_on: r.date("held_on")?,
            starts_at,
            length_minutes: r.opt_i64("length_minutes")?.map(|n| u32::try_from(n).map_err(|_| decode("length_minutes"))).transpose()?,
            place: r.str("place")?,
            agenda: r.str("agenda")?,
        },
        attendance_recorded: r.i64("attendance_recorded")? != 0,
        minutes: Minutes {
            text: r.str("minutes")?,
            chair: signature("chair_name", "chair_signed_on")?,
            secretary: signature("secretary_name", "secretary_signed_on")?,
            amendments: Vec::new(),
        },
        created_by: r.str("created_by")?,
    })
}

pub async fn insert_meeting(tx: &mut dyn Conn, unit: UnitId, m: &MeetingInput, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let sql: Sql =
        "INSERT INTO meetings (unit_id, version, kind, held_on, start_time, length_minutes, place, agenda, attendance_recorded, \
                    minutes, created_at, created_by, updated_at, updated_by) \
                    VALUES ($1, 1, $2, $3, $4, $5, $6, $7, 0, '', $8, $9, $8, $9) RETURNING id"
            .into();
    let args = vec![
        unit.0.into(),
        m.kind.code().into(),
        m.held_on.into(),
        m.starts_at.format("%H:%M").to_string().into(),
        m.length_minutes.map(i64::from).into(),
        m.place.as_str().into(),
        m.agenda.as_str().into(),
        now.into(),
        actor.into(),
    ];
    tx.query(&sql, args).await?.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

pub async fn meeting(conn: &mut dyn Conn, id: i64) -> R<Option<StoredMeeting>> {
    let sql: Sql = concat!("SELECT ", meeting_columns!(), " FROM meetings WHERE id = $1").into();
    conn.query(&sql, vec![id.into()]).await?.first().map(meeting_from_row).transpose()
}

/// The meetings of a unit held in `[first, last]`, in order.
pub async fn meetings_of(conn: &mut dyn Conn, unit: UnitId, first: NaiveDate, last: NaiveDate) -> R<Vec<StoredMeeting>> {
    let sql: Sql =
        concat!("SELECT ", meeting_columns!(), " FROM meetings WHERE unit_id = $1 AND held_on BETWEEN $2 AND $3 ORDER BY held_on, id")
            .into();
    conn.query(&sql, vec![unit.0.into(), first.into(), last.into()]).await?.iter().map(meeting_from_row).collect()
}

/// Changes a meeting's details if its version is still `expected`.
pub async fn update_meeting(tx: &mut dyn Conn, id: i64, expected: i64, m: &MeetingInput, now: DateTime<Utc>, actor: &str) -> R<bool> {
    let sql: Sql = "UPDATE meetings SET version = version + 1, kind = $2, held_on = $3, start_time = $4, length_minutes = $5, place = $6, \
                    agenda = $7, updated_at = $8, updated_by = $9 WHERE id = $1 AND version = $10"
        .into();
    let args = vec![
        id.into(),
        m.kind.code().into(),
        m.held_on.into(),
        m.starts_at.format("%H:%M").to_string().into(),
        m.length_minutes.map(i64::from).into(),
        m.place.as_str().into(),
        m.agenda.as_str().into(),
        now.into(),
        actor.into(),
        expected.into(),
    ];
    Ok(tx.execute(&sql, args).await? == 1)
}

/// Moves the version on (a write of the attendance or a resolution) and marks the attendance
/// recorded, if the version is still `expected`.
pub async fn touch_meeting(tx: &mut dyn Conn, id: i64, expected: i64, attendance: bool, now: DateTime<Utc>, actor: &str) -> R<bool> {
    let sql: Sql =
        "UPDATE meetings SET version = version + 1, attendance_recorded = CASE WHEN $2 = 1 THEN 1 ELSE attendance_recorded END, \
                    updated_at = $3, updated_by = $4 WHERE id = $1 AND version = $5"
            .into();
    Ok(tx.execute(&sql, vec![id.into(), attendance.into(), now.into(), actor.into(), expected.into()]).await? == 1)
}

/// Writes the minutes' text and signatures if the version is still `expected`.
pub async fn update_minutes(tx: &mut dyn Conn, id: i64, expected: i64, m: &Minutes, now: DateTime<Utc>, actor: &str) -> R<bool> {
    let sql: Sql = "UPDATE meetings SET version = version + 1, minutes = $2, chair_name = $3, chair_signed_on = $4, secretary_name = $5, \
                    secretary_signed_on = $6, updated_at = $7, updated_by = $8 WHERE id = $1 AND version = $9"
        .into();
    let args = vec![
        id.into(),
        m.text.as_str().into(),
        m.chair.as_ref().map(|s| s.by.clone()).into(),
        m.chair.as_ref().map(|s| s.on).into(),
        m.secretary.as_ref().map(|s| s.by.clone()).into(),
        m.secretary.as_ref().map(|s| s.on).into(),
        now.into(),
        actor.into(),
        expected.into(),
    ];
    Ok(tx.execute(&sql, args).await? == 1)
}

fn attendance_from_row(r: &Row) -> R<StoredAttendance> {
    Ok(StoredAttendance {
        member: MemberId(r.i64("member_id")?),
        presence: Presence::parse(&r.str("presence")?).map_err(|_| decode("presence"))?,
        reason: r.opt_str("reason")?,
        exempt: r.i64("exempt")? != 0,
        away_temporarily: r.i64("away_temporarily")? != 0,
        guest: r.i64("guest")? != 0,
    })
}

pub async fn attendance_of(conn: &mut dyn Conn, id: i64) -> R<Vec<StoredAttendance>> {
    let sql: Sql =
        "SELECT member_id, presence, reason, exempt, away_temporarily, guest FROM meeting_attendance WHERE meeting_id = $1".into();
    conn.query(&sql, vec![id.into()]).await?.iter().map(attendance_from_row).collect()
}

/// Replaces a meeting's attendance.
pub async fn replace_attendance(tx: &mut dyn Conn, id: i64, rows: &[StoredAttendance]) -> R<()> {
    tx.execute(&"DELETE FROM meeting_attendance WHERE meeting_id = $1".into(), vec![id.into()]).await?;
    let sql: Sql = "INSERT INTO meeting_attendance (meeting_id, member_id, presence, reason, exempt, away_temporarily, guest) \
                    VALUES ($1, $2, $3, $4, $5, $6, $7)"
        .into();
    for a in rows {
        let args = vec![
            id.into(),
            a.member.0.into(),
            a.presence.code().into(),
            a.reason.clone().into(),
            a.exempt.into(),
            a.away_temporarily.into(),
            a.guest.into(),
        ];
        tx.execute(&sql, args).await?;
    }
    Ok(())
}

pub async fn resolutions_of(conn: &mut dyn Conn, id: i64) -> R<Vec<StoredResolution>> {
    let sql: Sql = "SELECT seq, text, threshold, votes_for, votes_against, votes_abstain, counted, passed FROM meeting_resolutions \
                    WHERE meeting_id = $1 ORDER BY seq"
        .into();
    conn.query(&sql, vec![id.into()])
        .await?
        .iter()
        .map(|r| {
            Ok(StoredResolution {
                seq: r.i64("seq")?,
                input: ResolutionInput {
                    text: r.str("text")?,
                    threshold: Threshold::parse(&r.str("threshold")?).map_err(|_| decode("threshold"))?,
                    vote: Vote { yes: count(r, "votes_for")?, no: count(r, "votes_against")?, abstain: count(r, "votes_abstain")? },
                },
                counted: count(r, "counted")?,
                passed: r.i64("passed")? != 0,
            })
        })
        .collect()
}

pub async fn insert_resolution(tx: &mut dyn Conn, id: i64, seq: i64, r: &ResolutionInput, counted: u32, passed: bool) -> R<()> {
    let sql: Sql =
        "INSERT INTO meeting_resolutions (meeting_id, seq, text, threshold, votes_for, votes_against, votes_abstain, counted, passed) \
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            .into();
    let args = vec![
        id.into(),
        seq.into(),
        r.text.as_str().into(),
        r.threshold.code().into(),
        i64::from(r.vote.yes).into(),
        i64::from(r.vote.no).into(),
        i64::from(r.vote.abstain).into(),
        i64::from(counted).into(),
        passed.into(),
    ];
    tx.execute(&sql, args).await?;
    Ok(())
}

pub async fn amendments_of(conn: &mut dyn Conn, id: i64) -> R<Vec<Amendment>> {
    let sql: Sql = "SELECT amended_on, text, amended_by FROM meeting_amendments WHERE meeting_id = $1 ORDER BY seq".into();
    conn.query(&sql, vec![id.into()])
        .await?
        .iter()
        .map(|r| Ok(Amendment { on: r.date("amended_on")?, text: r.str("text")?, by: r.str("amended_by")? }))
        .collect()
}

pub async fn insert_amendment(tx: &mut dyn Conn, id: i64, seq: i64, a: &Amendment) -> R<()> {
    let sql: Sql = "INSERT INTO meeting_amendments (meeting_id, seq, amended_on, text, amended_by) VALUES ($1, $2, $3, $4, $5)".into();
    tx.execute(&sql, vec![id.into(), seq.into(), a.on.into(), a.text.as_str().into(), a.by.as_str().into()]).await?;
    Ok(())
}

/// A meeting held (its attendance recorded) in a period: what the alerts and reports count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldRow {
    pub id: i64,
    pub unit: UnitId,
    pub held_on: NaiveDate,
    pub kind: MeetingKind,
}

/// Every meeting held in `[first, last]`.
pub async fn held_between(conn: &mut dyn Conn, first: NaiveDate, last: NaiveDate) -> R<Vec<HeldRow>> {
    let sql: Sql =
        "SELECT id, unit_id, held_on, kind FROM meetings WHERE held_on BETWEEN $1 AND $2 AND attendance_recorded = 1 ORDER BY held_on, id"
            .into();
    conn.query(&sql, vec![first.into(), last.into()])
        .await?
        .iter()
        .map(|r| {
            Ok(HeldRow {
                id: r.i64("id")?,
                unit: UnitId(r.i64("unit_id")?),
                held_on: r.date("held_on")?,
                kind: MeetingKind::parse(&r.str("kind")?).map_err(|_| decode("kind"))?,
            })
        })
        .collect()
}

/// One attendance of a meeting held in a period: the member, the meeting's unit and day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceRow {
    pub member: MemberId,
    pub unit: UnitId,
    pub held_on: NaiveDate,
    pub kind: MeetingKind,
    pub presence: Presence,
    pub exempt: bool,
    pub away_temporarily: bool,
    pub guest: bool,
}

/// A member's recorded presence at the meetings held in `[first, last]`, by meeting.
pub async fn presence_of_member(conn: &mut dyn Conn, member: MemberId, first: NaiveDate, last: NaiveDate) -> R<Vec<(i64, Presence)>> {
    let sql: Sql = "SELECT a.meeting_id, a.presence FROM meeting_attendance a JOIN meetings m ON m.id = a.meeting_id \
                    WHERE a.member_id = $1 AND m.held_on BETWEEN $2 AND $3 AND m.attendance_recorded = 1"
        .into();
    conn.query(&sql, vec![member.0.into(), first.into(), last.into()])
        .await?
        .iter()
        .map(|r| Ok((r.i64("meeting_id")?, Presence::parse(&r.str("presence")?).map_err(|_| decode("presence"))?)))
        .collect()
}

/// Every attendance of the meetings held in `[first, last]`.
pub async fn presence_between(conn: &mut dyn Conn, first: NaiveDate, last: NaiveDate) -> R<Vec<PresenceRow>> {
    let sql: Sql = "SELECT a.member_id, m.unit_id, m.held_on, m.kind, a.presence, a.exempt, a.away_temporarily, a.guest \
                    FROM meeting_attendance a JOIN meetings m ON m.id = a.meeting_id \
                    WHERE m.held_on BETWEEN $1 AND $2 AND m.attendance_recorded = 1"
        .into();
    conn.query(&sql, vec![first.into(), last.into()])
        .await?
        .iter()
        .map(|r| {
            Ok(PresenceRow {
                member: MemberId(r.i64("member_id")?),
                unit: UnitId(r.i64("unit_id")?),
                held_on: r.date("held_on")?,
                kind: MeetingKind::parse(&r.str("kind")?).map_err(|_| decode("kind"))?,
                presence: Presence::parse(&r.str("presence")?).map_err(|_| decode("presence"))?,
                exempt: r.i64("exempt")? != 0,
                away_temporarily: r.i64("away_temporarily")? != 0,
                guest: r.i64("guest")? != 0,
            })
        })
        .collect()
}

/// A meeting's document, its content apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMeetingDocument {
    pub id: i64,
    pub meeting: i64,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub posted_at: DateTime<Utc>,
    pub posted_by: String,
}

fn meeting_document_from_row(r: &Row) -> R<StoredMeetingDocument> {
    Ok(StoredMeetingDocument {
        id: r.i64("id")?,
        meeting: r.i64("meeting_id")?,
        name: r.str("name")?,
        media_type: r.str("media_type")?,
        size: r.i64("size")?,
        sha256: r.str("sha256")?,
        posted_at: r.time("posted_at")?,
        posted_by: r.str("posted_by")?,
    })
}

/// A meeting's documents, in the order they were posted.
pub async fn documents_of(conn: &mut dyn Conn, meeting: i64) -> R<Vec<StoredMeetingDocument>> {
    let sql: Sql = "SELECT id, meeting_id, name, media_type, size, sha256, posted_at, posted_by FROM meeting_documents \
                    WHERE meeting_id = $1 ORDER BY id"
        .into();
    conn.query(&sql, vec![meeting.into()]).await?.iter().map(meeting_document_from_row).collect()
}

/// A document with its content (base64 as stored).
pub async fn document(conn: &mut dyn Conn, id: i64) -> R<Option<(StoredMeetingDocument, String)>> {
    let sql: Sql =
        "SELECT id, meeting_id, name, media_type, size, sha256, posted_at, posted_by, content FROM meeting_documents WHERE id = $1".into();
    conn.query(&sql, vec![id.into()]).await?.first().map(|r| Ok((meeting_document_from_row(r)?, r.str("content")?))).transpose()
}

/// The meeting a document belongs to (for the scope check before its content is read).
pub async fn document_meeting(conn: &mut dyn Conn, id: i64) -> R<Option<i64>> {
    let sql: Sql = "SELECT meeting_id FROM meeting_documents WHERE id = $1".into();
    conn.query(&sql, vec![id.into()]).await?.first().map(|r| r.i64("meeting_id")).transpose()
}

/// A new document of a meeting: its name and type, and its bytes as stored.
pub struct NewMeetingDocument<'a> {
    pub meeting: i64,
    pub name: &'a str,
    pub media_type: &'a str,
    pub size: i64,
    pub sha256: &'a str,
    pub content: &'a str,
}

pub async fn insert_document(tx: &mut dyn Conn, d: &NewMeetingDocument<'_>, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let sql: Sql = "INSERT INTO meeting_documents (meeting_id, name, media_type, size, sha256, content, posted_at, posted_by) \
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
        .into();
    let args = vec![
        d.meeting.into(),
        d.name.into(),
        d.media_type.into(),
        d.size.into(),
        d.sha256.into(),
        d.content.into(),
        now.into(),
        actor.into(),
    ];
    tx.query(&sql, args).await?.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}
