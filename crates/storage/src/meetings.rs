//! [`MeetingStore`]: the meetings of a chi bộ or a committee (rules.md §9; docs/design/operations.md
//! "Meetings") — scheduled, then recorded: attendance against the roll of the day
//! (`SqlStore::roll_of`), resolutions with their count measured by `domain::meetings`, minutes that
//! lock when the chair and the secretary have signed (then dated amendments). The alerts are in
//! `alerts`, the report of meetings held and attendance in `report`, who is told in `notices`.

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;

use domain::history::Status;
use domain::ids::{MemberId, UnitId};
use domain::meetings::{
    Attendee, MeetingInput, MeetingKind, Minutes, Presence, ResolutionInput, Signer, Summons, Threshold, documents_in_time,
    vote_denominator,
};
use domain::unit::UnitKind;

use crate::context::{WriteContext, vietnam_today};
use crate::error::{Result, StoreError};
use crate::model::AuditRecord;
use crate::sql::meetings::{self as q, StoredAttendance, StoredMeeting};
use crate::store::SqlStore;

mod alerts;
mod notices;
mod report;

pub use alerts::{AbsentMember, MeetingAlerts, MissedMeetings, MissedPlenaries};
pub use report::{AttendanceTally, BodyReportRow, MeetingReport, MeetingReportRow};

/// One member on a meeting's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceView {
    pub member: MemberId,
    pub full_name: String,
    pub birth_date: NaiveDate,
    /// `null` until the attendance is recorded.
    pub presence: Option<Presence>,
    pub presence_label: String,
    pub reason: Option<String>,
    /// Miễn công tác và sinh hoạt đảng.
    pub exempt: bool,
    /// In temporary activity elsewhere that day.
    pub away_temporarily: bool,
    /// A member of another chi bộ in temporary activity here (listed apart, counted at home).
    pub guest: bool,
}

/// A resolution and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolutionView {
    pub text: String,
    pub threshold: Threshold,
    pub threshold_label: String,
    pub votes_for: u32,
    pub votes_against: u32,
    pub votes_abstain: u32,
    /// The members it was measured against (24-QĐ/TW point 9.3).
    pub counted: u32,
    pub passed: bool,
}

/// A signature on the minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignatureView {
    pub by: String,
    pub on: NaiveDate,
}

/// A dated correction to signed minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AmendmentView {
    pub on: NaiveDate,
    pub text: String,
    pub by: String,
}

/// The minutes and their signatures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MinutesView {
    pub text: String,
    pub chair: Option<SignatureView>,
    pub secretary: Option<SignatureView>,
    /// Signed by both: only dated amendments from now on.
    pub locked: bool,
    pub amendments: Vec<AmendmentView>,
}

/// The counts of a meeting's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceCounts {
    /// Members of the chi bộ on the list (guests apart).
    pub summoned: u32,
    pub present: u32,
    pub excused: u32,
    pub absent: u32,
    pub guests_present: u32,
    /// Those a resolution is measured against.
    pub counting: u32,
}

/// A meeting with its list, resolutions and minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingView {
    pub id: i64,
    pub unit: UnitId,
    pub unit_name: String,
    /// Send it back with every change.
    pub version: i64,
    pub kind: MeetingKind,
    pub kind_label: String,
    pub held_on: NaiveDate,
    /// "19:30".
    pub starts_at: String,
    pub length_minutes: Option<u32>,
    /// The minimum length for its kind and day (`null`: none).
    pub minimum_minutes: Option<u32>,
    /// Shorter than the minimum (shown, never refused).
    pub too_short: bool,
    pub place: String,
    pub agenda: String,
    /// The attendance was recorded: the meeting took place.
    pub attendance_recorded: bool,
    pub attendance: Vec<AttendanceView>,
    pub counts: AttendanceCounts,
    pub resolutions: Vec<ResolutionView>,
    pub minutes: MinutesView,
    pub recorded_by: String,
    /// The documents posted for it.
    pub documents: Vec<MeetingDocumentView>,
}

/// A document posted for a meeting (downloaded apart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingDocumentView {
    pub id: i64,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub posted_at: DateTime<Utc>,
    pub posted_by: String,
    /// Posted at least a day before the meeting began (rules.md §9); `false`: late.
    pub in_time: bool,
}

/// Documents a meeting may carry.
pub const MAX_MEETING_DOCUMENTS: usize = 20;

fn document_view(d: q::StoredMeetingDocument, m: &StoredMeeting) -> MeetingDocumentView {
    let posted = (d.posted_at + chrono::Duration::hours(7)).naive_utc();
    MeetingDocumentView {
        in_time: documents_in_time(posted, m.input.held_on.and_time(m.input.starts_at)),
        id: d.id,
        name: d.name,
        media_type: d.media_type,
        size: d.size,
        sha256: d.sha256,
        posted_at: d.posted_at,
        posted_by: d.posted_by,
    }
}

/// A meeting in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingSummary {
    pub id: i64,
    pub unit: UnitId,
    pub kind: MeetingKind,
    pub kind_label: String,
    pub held_on: NaiveDate,
    pub starts_at: String,
    pub place: String,
    pub attendance_recorded: bool,
    pub minutes_locked: bool,
}

/// One member's attendance as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceInput {
    pub member: MemberId,
    pub presence: Presence,
    pub reason: Option<String>,
}

/// A change to the minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MinutesChange {
    /// The text, before both have signed (withdraws a signature given to the old text).
    Edit(String),
    /// A signature as chair or secretary, with the signer's name.
    Sign(Signer, String),
    /// A dated correction, once signed.
    Amend(String),
}

/// Chi bộ meetings (docs/design/operations.md "Meetings").
#[async_trait]
pub trait MeetingStore: Send + Sync {
    /// Schedules a meeting of a chi bộ (a unit that holds members, standing that day).
    async fn create_meeting(&self, ctx: &WriteContext, unit: UnitId, input: MeetingInput) -> Result<i64>;
    async fn update_meeting(&self, ctx: &WriteContext, id: i64, version: i64, input: MeetingInput) -> Result<()>;
    /// Records the attendance: every member on the roll of the day exactly once (guests
    /// included), none else; not before the day of the meeting.
    async fn record_attendance(&self, ctx: &WriteContext, id: i64, version: i64, rows: Vec<AttendanceInput>) -> Result<()>;
    /// Adds a resolution with its count, once the attendance is recorded.
    async fn add_resolution(&self, ctx: &WriteContext, id: i64, version: i64, input: ResolutionInput) -> Result<()>;
    async fn change_minutes(&self, ctx: &WriteContext, id: i64, version: i64, change: MinutesChange) -> Result<()>;
    async fn meeting(&self, id: i64) -> Result<MeetingView>;
    /// The members a meeting of `kind` of the unit summons on `on` (its own, not the guests; the
    /// seats held that day for a committee's meetings).
    async fn meeting_roll(&self, unit: UnitId, kind: MeetingKind, on: NaiveDate) -> Result<Vec<MemberId>>;
    /// The unit a meeting belongs to (for the scope checks).
    async fn meeting_unit(&self, id: i64) -> Result<UnitId>;
    /// A member's recorded presence at the meetings held in `[first, last]`, by meeting (one
    /// query, for the member's own list).
    async fn member_presence(
        &self,
        member: MemberId,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<std::collections::HashMap<i64, Presence>>;
    /// A unit's meetings in `[first, last]`, in order.
    async fn unit_meetings(&self, unit: UnitId, first: NaiveDate, last: NaiveDate) -> Result<Vec<MeetingSummary>>;
    /// The alerts of the chi bộ under `root` (itself included) in `year`, as of `today`.
    async fn meeting_alerts(&self, root: UnitId, year: i32, today: NaiveDate) -> Result<MeetingAlerts>;
    /// Meetings held and attendance per chi bộ under `root` in `[first, last]`.
    async fn meeting_report(&self, root: UnitId, first: NaiveDate, last: NaiveDate) -> Result<MeetingReport>;
    /// Posts a document for a meeting (the type is the caller's, told from the content); at most
    /// [`MAX_MEETING_DOCUMENTS`]; the members on the roll are told when the meeting is to come.
    async fn add_meeting_document(&self, ctx: &WriteContext, id: i64, name: &str, media_type: &str, bytes: &[u8]) -> Result<i64>;
    /// The meeting a document belongs to (for the scope check before its content is read).
    async fn meeting_document_meeting(&self, document: i64) -> Result<i64>;
    /// A document and its bytes.
    async fn meeting_document(&self, document: i64) -> Result<(MeetingDocumentView, Vec<u8>)>;
}

fn invalid(e: domain::error::FieldError) -> StoreError {
    StoreError::Invalid(domain::ValidationErrors { errors: vec![e] })
}

fn attendee(a: &StoredAttendance) -> Attendee {
    Attendee { presence: a.presence, exempt: a.exempt, away_temporarily: a.away_temporarily, suspended: false }
}

fn counts_of(rows: &[StoredAttendance]) -> AttendanceCounts {
    let own: Vec<&StoredAttendance> = rows.iter().filter(|a| !a.guest).collect();
    let count = |p: Presence| own.iter().filter(|a| a.presence == p).count() as u32;
    AttendanceCounts {
        summoned: own.len() as u32,
        present: count(Presence::Present),
        excused: count(Presence::Excused),
        absent: count(Presence::Absent),
        guests_present: rows.iter().filter(|a| a.guest && a.presence == Presence::Present).count() as u32,
        counting: vote_denominator(&own.iter().map(|a| attendee(a)).collect::<Vec<_>>()),
    }
}

fn summary(m: &StoredMeeting) -> MeetingSummary {
    MeetingSummary {
        id: m.id,
        unit: m.unit,
        kind: m.input.kind,
        kind_label: m.input.kind.label().to_owned(),
        held_on: m.input.held_on,
        starts_at: m.input.starts_at.format("%H:%M").to_string(),
        place: m.input.place.clone(),
        attendance_recorded: m.attendance_recorded,
        minutes_locked: m.minutes.is_locked(),
    }
}

impl SqlStore {
    /// The chi bộ under `root` (itself included) standing on `on`, with their names.
    async fn cells_under(&self, root: UnitId, on: NaiveDate) -> Result<(String, Vec<(UnitId, String)>)> {
        let (root_name, mut cells) = self.units_under(root, on, UnitKind::holds_members).await?;
        cells.sort_by_cached_key(|(_, name)| domain::text::collation_key(name));
        Ok((root_name, cells))
    }

    /// The root's name, and the units of the kinds `which` accepts among the root and the units
    /// under it on `on`, in the order of a walk down the tree.
    async fn units_under(&self, root: UnitId, on: NaiveDate, which: fn(UnitKind) -> bool) -> Result<(String, Vec<(UnitId, String)>)> {
        self.refresh_index().await?;
        let index = self.index.read();
        let root_version = index.unit_version_on(root, on).or_else(|| index.unit_latest(root)).ok_or(StoreError::NotFound)?;
        let root_name = root_version.name.clone();
        let mut units: Vec<(UnitId, String)> = Vec::new();
        if which(root_version.kind) {
            units.push((root, root_name.clone()));
        }
        for d in index.descendants(root, on) {
            if which(d.kind)
                && let Some(v) = index.unit_version_on(d.unit, on)
            {
                units.push((d.unit, v.name.clone()));
            }
        }
        Ok((root_name, units))
    }

    /// Loads a meeting for a write and checks the version sent.
    async fn meeting_for_write(tx: &mut dyn crate::db::Conn, id: i64, version: i64) -> Result<StoredMeeting> {
        let m = q::meeting(tx, id).await?.ok_or(StoreError::NotFound)?;
        if m.version != version {
            return Err(StoreError::Conflict { current: m.version });
        }
        Ok(m)
    }
}

/// The unit stands on the meeting's day and holds meetings of its kind: a chi bộ its own, a
/// grassroots party committee its plenaries, a committee its executive and standing committees'
/// (`MeetingKind::held_by`).
fn check_body(index: &crate::index::Index, unit: UnitId, input: &MeetingInput) -> Result<()> {
    let Some(v) = index.unit_version_on(unit, input.held_on) else {
        return Err(StoreError::invalid("held_on", "unit_not_standing", "Tổ chức không tồn tại vào ngày họp."));
    };
    if MeetingKind::held_by_unit(v.kind).is_empty() {
        return Err(StoreError::invalid("unit", "not_a_cell", "Tổ đảng không ghi buổi họp riêng: ghi ở chi bộ."));
    }
    if !input.kind.held_by(v.kind) {
        let allowed: Vec<String> = MeetingKind::held_by_unit(v.kind).iter().map(|k| k.label().to_lowercase()).collect();
        let message = format!("{} ghi {}.", v.kind.label(), allowed.join(", "));
        return Err(StoreError::invalid("kind", "not_for_unit", message));
    }
    Ok(())
}

impl SqlStore {
    /// A meeting of a committee's body needs someone seated on its day.
    async fn check_roll(&self, conn: &mut dyn crate::db::Conn, unit: UnitId, input: &MeetingInput) -> Result<()> {
        if matches!(input.kind.summons(), Summons::Seats { .. }) && self.roll_of(conn, unit, input.kind, input.held_on).await?.is_empty() {
            let message = if input.kind == MeetingKind::Standing {
                "Vào ngày họp chưa ghi ai là bí thư, phó bí thư hay ủy viên ban thường vụ: ghi cấp ủy trước."
            } else {
                "Vào ngày họp cấp ủy chưa có ai giữ chức: ghi cấp ủy trước."
            };
            return Err(StoreError::invalid("kind", "no_seats", message));
        }
        Ok(())
    }
}

#[async_trait]
impl MeetingStore for SqlStore {
    async fn create_meeting(&self, ctx: &WriteContext, unit: UnitId, input: MeetingInput) -> Result<i64> {
        self.refresh_index().await?;
        check_body(&self.index.read(), unit, &input)?;
        let (mut tx, seq) = self.begin_write().await?;
        self.check_roll(tx.as_mut(), unit, &input).await?;
        let id = q::insert_meeting(tx.as_mut(), unit, &input, ctx.now, &ctx.actor).await?;
        self.call_members(tx.as_mut(), ctx, id, unit, &input, false).await?;
        let details = json!({ "unit": unit.0, "kind": input.kind.code(), "held_on": input.held_on, "place": input.place });
        let record = AuditRecord::new("meeting.create", "meeting", id, details);
        self.commit_write(tx, seq, ctx, &[record], "meeting", &[id]).await?;
        Ok(id)
    }

    async fn update_meeting(&self, ctx: &WriteContext, id: i64, version: i64, input: MeetingInput) -> Result<()> {
        self.refresh_index().await?;
        let (mut tx, seq) = self.begin_write().await?;
        let before = Self::meeting_for_write(tx.as_mut(), id, version).await?;
        check_body(&self.index.read(), before.unit, &input)?;
        if before.attendance_recorded && input.held_on != before.input.held_on {
            return Err(StoreError::invalid("held_on", "attendance_recorded", "Đã ghi danh sách dự họp: không đổi được ngày họp."));
        }
        if before.attendance_recorded && input.kind.summons() != before.input.kind.summons() {
            return Err(StoreError::invalid("kind", "attendance_recorded", "Đã ghi danh sách dự họp: không đổi được thành phần dự họp."));
        }
        self.check_roll(tx.as_mut(), before.unit, &input).await?;
        if !q::update_meeting(tx.as_mut(), id, version, &input, ctx.now, &ctx.actor).await? {
            return Err(StoreError::Conflict { current: before.version });
        }
        let moved = (before.input.held_on, before.input.starts_at, &before.input.place) != (input.held_on, input.starts_at, &input.place);
        if moved {
            self.call_members(tx.as_mut(), ctx, id, before.unit, &input, true).await?;
        }
        let details = json!({ "unit": before.unit.0, "kind": input.kind.code(), "held_on": input.held_on, "place": input.place });
        let record = AuditRecord::new("meeting.update", "meeting", id, details);
        self.commit_write(tx, seq, ctx, &[record], "meeting", &[id]).await
    }

    async fn record_attendance(&self, ctx: &WriteContext, id: i64, version: i64, rows: Vec<AttendanceInput>) -> Result<()> {
        self.refresh_index().await?;
        let (mut tx, seq) = self.begin_write().await?;
        let m = Self::meeting_for_write(tx.as_mut(), id, version).await?;
        if m.input.held_on > vietnam_today(ctx.now) {
            return Err(StoreError::invalid("attendance", "not_yet_held", "Chưa đến ngày họp: chưa ghi được danh sách dự họp."));
        }
        let roll = self.roll_of(tx.as_mut(), m.unit, m.input.kind, m.input.held_on).await?;
        let mut seen = HashSet::new();
        let mut stored = Vec::with_capacity(roll.len());
        for r in &rows {
            let Some(entry) = roll.iter().find(|e| e.member == r.member) else {
                return Err(StoreError::invalid(
                    "attendance",
                    "not_on_roll",
                    "Có người không thuộc danh sách triệu tập của buổi họp vào ngày họp.",
                ));
            };
            if !seen.insert(r.member) {
                return Err(StoreError::invalid("attendance", "duplicate", "Một đảng viên được ghi hai lần."));
            }
            let reason = domain::meetings::check_attendance(r.presence, r.reason.as_deref().unwrap_or("")).map_err(|mut e| {
                e.field = format!("reason_{}", r.member.0);
                invalid(e)
            })?;
            stored.push(StoredAttendance {
                member: r.member,
                presence: r.presence,
                reason,
                exempt: entry.status == Status::Exempt,
                away_temporarily: entry.away_temporarily,
                guest: entry.guest,
            });
        }
        // Guests who did not come are not listed; every member of the chi bộ is.
        if let Some(missing) = roll.iter().find(|e| !e.guest && !seen.contains(&e.member)) {
            return Err(StoreError::invalid("attendance", "incomplete", format!("Chưa ghi tình hình dự họp của {}.", missing.full_name)));
        }
        q::replace_attendance(tx.as_mut(), id, &stored).await?;
        if !q::touch_meeting(tx.as_mut(), id, version, true, ctx.now, &ctx.actor).await? {
            return Err(StoreError::Conflict { current: m.version });
        }
        let c = counts_of(&stored);
        let details =
            json!({ "unit": m.unit.0, "held_on": m.input.held_on, "present": c.present, "excused": c.excused, "absent": c.absent });
        let record = AuditRecord::new("meeting.attendance", "meeting", id, details);
        self.commit_write(tx, seq, ctx, &[record], "meeting", &[id]).await
    }

    async fn add_resolution(&self, ctx: &WriteContext, id: i64, version: i64, input: ResolutionInput) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let m = Self::meeting_for_write(tx.as_mut(), id, version).await?;
        if !m.attendance_recorded {
            return Err(StoreError::invalid("text", "attendance_first", "Ghi danh sách dự họp trước khi ghi biểu quyết."));
        }
        let attendance = q::attendance_of(tx.as_mut(), id).await?;
        // Guests count at home (24-QĐ/TW point 9.3).
        let attendees: Vec<Attendee> = attendance.iter().filter(|a| !a.guest).map(attendee).collect();
        let passed = input.vote.passes(input.threshold, &attendees).map_err(invalid)?;
        let counted = vote_denominator(&attendees);
        let seq_no = q::resolutions_of(tx.as_mut(), id).await?.len() as i64 + 1;
        q::insert_resolution(tx.as_mut(), id, seq_no, &input, counted, passed).await?;
        if !q::touch_meeting(tx.as_mut(), id, version, false, ctx.now, &ctx.actor).await? {
            return Err(StoreError::Conflict { current: m.version });
        }
        let details = json!({ "unit": m.unit.0, "text": input.text, "for": input.vote.yes, "against": input.vote.no,
            "abstain": input.vote.abstain, "counted": counted, "passed": passed });
        let record = AuditRecord::new("meeting.resolution", "meeting", id, details);
        self.commit_write(tx, seq, ctx, &[record], "meeting", &[id]).await
    }

    async fn change_minutes(&self, ctx: &WriteContext, id: i64, version: i64, change: MinutesChange) -> Result<()> {
        let today = vietnam_today(ctx.now);
        let (mut tx, seq) = self.begin_write().await?;
        let m = Self::meeting_for_write(tx.as_mut(), id, version).await?;
        let mut minutes: Minutes = m.minutes.clone();
        minutes.amendments = q::amendments_of(tx.as_mut(), id).await?;
        let (action, details) = match &change {
            MinutesChange::Edit(text) => {
                let text = domain::text::required_lines(text, 50_000, "Biên bản").map_err(invalid)?;
                minutes.edit(&text).map_err(invalid)?;
                ("meeting.minutes", json!({ "unit": m.unit.0 }))
            }
            MinutesChange::Sign(signer, by) => {
                let by = domain::text::required_text(by, 200, "Người ký").map_err(|mut e| {
                    e.field = "signer_name".into();
                    invalid(e)
                })?;
                if today < m.input.held_on {
                    return Err(StoreError::invalid("signer", "not_yet_held", "Chưa đến ngày họp: chưa ký được biên bản."));
                }
                minutes.sign(*signer, &by, today).map_err(invalid)?;
                let role = match signer {
                    Signer::Chair => "chu-tri",
                    Signer::Secretary => "thu-ky",
                };
                ("meeting.sign", json!({ "unit": m.unit.0, "signer": role, "name": by }))
            }
            MinutesChange::Amend(text) => {
                let text = domain::text::required_lines(text, 10_000, "Nội dung đính chính").map_err(invalid)?;
                minutes.amend(&text, &ctx.actor, today).map_err(invalid)?;
                let amendment = minutes.amendments.last().cloned().ok_or(StoreError::NotFound)?;
                q::insert_amendment(tx.as_mut(), id, minutes.amendments.len() as i64, &amendment).await?;
                ("meeting.amend", json!({ "unit": m.unit.0, "text": text }))
            }
        };
        if !q::update_minutes(tx.as_mut(), id, version, &minutes, ctx.now, &ctx.actor).await? {
            return Err(StoreError::Conflict { current: m.version });
        }
        let record = AuditRecord::new(action, "meeting", id, details);
        self.commit_write(tx, seq, ctx, &[record], "meeting", &[id]).await
    }

    async fn member_presence(
        &self,
        member: MemberId,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<std::collections::HashMap<i64, Presence>> {
        let mut conn = self.db.reader().await?;
        Ok(q::presence_of_member(conn.as_mut(), member, first, last).await?.into_iter().collect())
    }

    async fn meeting(&self, id: i64) -> Result<MeetingView> {
        // Before taking a connection: the refresh takes one of its own, and a request holding
        // one while waiting for another starves the pool under load.
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let m = q::meeting(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        let stored = q::attendance_of(conn.as_mut(), id).await?;
        let resolutions = q::resolutions_of(conn.as_mut(), id).await?;
        let amendments = q::amendments_of(conn.as_mut(), id).await?;
        let documents: Vec<MeetingDocumentView> =
            q::documents_of(conn.as_mut(), id).await?.into_iter().map(|d| document_view(d, &m)).collect();
        let roll =
            if m.attendance_recorded { Vec::new() } else { self.roll_of(conn.as_mut(), m.unit, m.input.kind, m.input.held_on).await? };
        drop(conn);
        let index = self.index.read();
        let unit_name = index
            .unit_version_on(m.unit, m.input.held_on)
            .or_else(|| index.unit_latest(m.unit))
            .map(|v| v.name.clone())
            .unwrap_or_default();
        let attendance: Vec<AttendanceView> = if m.attendance_recorded {
            let mut rows: Vec<AttendanceView> = stored
                .iter()
                .map(|a| {
                    let (full_name, birth_date) = index.member_name(a.member).unwrap_or_default();
                    AttendanceView {
                        member: a.member,
                        full_name,
                        birth_date,
                        presence: Some(a.presence),
                        presence_label: a.presence.label().to_owned(),
                        reason: a.reason.clone(),
                        exempt: a.exempt,
                        away_temporarily: a.away_temporarily,
                        guest: a.guest,
                    }
                })
                .collect();
            rows.sort_by_cached_key(|r| (r.guest, domain::text::collation_key(&r.full_name)));
            rows
        } else {
            roll.into_iter()
                .map(|e| AttendanceView {
                    member: e.member,
                    full_name: e.full_name,
                    birth_date: e.birth,
                    presence: None,
                    presence_label: String::new(),
                    reason: None,
                    exempt: e.status == Status::Exempt,
                    away_temporarily: e.away_temporarily,
                    guest: e.guest,
                })
                .collect()
        };
        let sig = |s: &Option<domain::meetings::Signature>| s.as_ref().map(|s| SignatureView { by: s.by.clone(), on: s.on });
        Ok(MeetingView {
            id: m.id,
            unit: m.unit,
            unit_name,
            version: m.version,
            kind: m.input.kind,
            kind_label: m.input.kind.label().to_owned(),
            held_on: m.input.held_on,
            starts_at: m.input.starts_at.format("%H:%M").to_string(),
            length_minutes: m.input.length_minutes,
            minimum_minutes: m.input.kind.minimum_minutes(m.input.held_on),
            too_short: m.input.too_short(),
            place: m.input.place.clone(),
            agenda: m.input.agenda.clone(),
            attendance_recorded: m.attendance_recorded,
            counts: if m.attendance_recorded { counts_of(&stored) } else { AttendanceCounts::default() },
            attendance,
            resolutions: resolutions
                .iter()
                .map(|r| ResolutionView {
                    text: r.input.text.clone(),
                    threshold: r.input.threshold,
                    threshold_label: r.input.threshold.label().to_owned(),
                    votes_for: r.input.vote.yes,
                    votes_against: r.input.vote.no,
                    votes_abstain: r.input.vote.abstain,
                    counted: r.counted,
                    passed: r.passed,
                })
                .collect(),
            minutes: MinutesView {
                text: m.minutes.text.clone(),
                chair: sig(&m.minutes.chair),
                secretary: sig(&m.minutes.secretary),
                locked: m.minutes.is_locked(),
                amendments: amendments.iter().map(|a| AmendmentView { on: a.on, text: a.text.clone(), by: a.by.clone() }).collect(),
            },
            recorded_by: m.created_by.clone(),
            documents,
        })
    }

    async fn meeting_roll(&self, unit: UnitId, kind: MeetingKind, on: NaiveDate) -> Result<Vec<MemberId>> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        Ok(self.roll_of(conn.as_mut(), unit, kind, on).await?.into_iter().filter(|e| !e.guest).map(|e| e.member).collect())
    }

    async fn meeting_unit(&self, id: i64) -> Result<UnitId> {
        let mut conn = self.db.reader().await?;
        Ok(q::meeting(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?.unit)
    }

    async fn unit_meetings(&self, unit: UnitId, first: NaiveDate, last: NaiveDate) -> Result<Vec<MeetingSummary>> {
        let mut conn = self.db.reader().await?;
        Ok(q::meetings_of(conn.as_mut(), unit, first, last).await?.iter().map(summary).collect())
    }

    async fn meeting_alerts(&self, root: UnitId, year: i32, today: NaiveDate) -> Result<MeetingAlerts> {
        self.alerts(root, year, today).await
    }

    async fn meeting_report(&self, root: UnitId, first: NaiveDate, last: NaiveDate) -> Result<MeetingReport> {
        self.report(root, first, last).await
    }

    async fn add_meeting_document(&self, ctx: &WriteContext, id: i64, name: &str, media_type: &str, bytes: &[u8]) -> Result<i64> {
        self.refresh_index().await?;
        let (mut tx, seq) = self.begin_write().await?;
        let m = q::meeting(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if q::documents_of(tx.as_mut(), id).await?.len() >= MAX_MEETING_DOCUMENTS {
            return Err(StoreError::invalid("file", "too_many", format!("Mỗi buổi sinh hoạt có tối đa {MAX_MEETING_DOCUMENTS} tài liệu.")));
        }
        let encoded = crate::files::encode(bytes);
        let new =
            q::NewMeetingDocument { meeting: id, name, media_type, size: encoded.size, sha256: &encoded.sha256, content: &encoded.content };
        let document = q::insert_document(tx.as_mut(), &new, ctx.now, &ctx.actor).await?;
        self.tell_of_document(tx.as_mut(), ctx, &m, name).await?;
        let details = json!({ "unit": m.unit.0, "name": name, "media_type": media_type, "size": encoded.size, "sha256": encoded.sha256 });
        let record = AuditRecord::new("meeting.document", "meeting", id, details);
        self.commit_write(tx, seq, ctx, &[record], "meeting", &[id]).await?;
        Ok(document)
    }

    async fn meeting_document_meeting(&self, document: i64) -> Result<i64> {
        let mut conn = self.db.reader().await?;
        q::document_meeting(conn.as_mut(), document).await?.ok_or(StoreError::NotFound)
    }

    async fn meeting_document(&self, document: i64) -> Result<(MeetingDocumentView, Vec<u8>)> {
        let mut conn = self.db.reader().await?;
        let (d, content) = q::document(conn.as_mut(), document).await?.ok_or(StoreError::NotFound)?;
        let m = q::meeting(conn.as_mut(), d.meeting).await?.ok_or(StoreError::NotFound)?;
        Ok((document_view(d, &m), crate::files::decode(&content)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(presence: Presence, exempt: bool, away: bool, guest: bool) -> StoredAttendance {
        StoredAttendance { member: MemberId(1), presence, reason: None, exempt, away_temporarily: away, guest }
    }

    #[test]
    fn the_counts_leave_guests_apart_and_measure_votes_as_the_rule_says() {
        let rows = vec![
            row(Presence::Present, false, false, false),
            row(Presence::Present, false, false, false),
            row(Presence::Excused, false, false, false),
            row(Presence::Absent, false, false, false),
            row(Presence::Absent, true, false, false),
            row(Presence::Absent, false, true, false),
            row(Presence::Present, false, false, true),
        ];
        let c = counts_of(&rows);
        assert_eq!((c.summoned, c.present, c.excused, c.absent, c.guests_present), (6, 2, 1, 3, 1));
        // Two present and one absent without reason count; the excused, the exempt who stayed
        // away and the member away in temporary activity do not; the guest counts at home.
        assert_eq!(c.counting, 3);
    }
}
