//! The [`MeetingDesk`] handle: chi bộ meetings within the caller's scope. Reading needs the read
//! scope on the chi bộ; scheduling and recording (attendance, resolutions, minutes) need
//! `meetings` (the chi bộ secretary) or `write` (the organization board) on it. Reads that name
//! members (a meeting's list, the alerts) are audited.

use super::*;
use crate::meetings::{AttendanceInput, MeetingAlerts, MeetingReport, MeetingSummary, MeetingView, MinutesChange};
use domain::meetings::{MeetingInput, ResolutionInput};

impl Access {
    pub fn meetings(&self) -> Result<MeetingDesk<'_>> {
        let scope = self.principal.scope(Capability::RecordMeetings).union(&self.principal.scope(Capability::WriteRegister));
        Ok(MeetingDesk {
            access: self,
            read: self.filter(Capability::ReadRegister)?,
            record: (!scope.is_empty()).then_some(ScopeFilter { scope, today: self.today() }),
        })
    }
}

/// Meetings within the caller's scopes (see [`Access::meetings`]).
pub struct MeetingDesk<'a> {
    pub(super) access: &'a Access,
    read: ScopeFilter,
    record: Option<ScopeFilter>,
}

impl MeetingDesk<'_> {
    pub(super) fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    pub async fn require_read(&self, unit: UnitId) -> Result<()> {
        require(self.store(), &self.read, ScopeTarget::Unit(unit)).await
    }

    /// Whether the caller may record this unit's meetings (for showing or hiding actions).
    pub async fn may_record(&self, unit: UnitId) -> bool {
        match &self.record {
            Some(s) => self.store().in_scope(s, ScopeTarget::Unit(unit)).await.unwrap_or(false),
            None => false,
        }
    }

    /// The caller may record the unit's meetings (403 when only readable, 404 outside).
    pub async fn require_recording(&self, unit: UnitId) -> Result<()> {
        match &self.record {
            Some(s) => require_write(self.store(), s, &self.read, ScopeTarget::Unit(unit)).await,
            None => self.require_read(unit).await.and(Err(StoreError::Forbidden)),
        }
    }

    /// The meeting's unit, once the caller may read it (404 otherwise).
    pub async fn readable(&self, id: i64) -> Result<UnitId> {
        let unit = self.store().meeting_unit(id).await?;
        self.require_read(unit).await?;
        Ok(unit)
    }

    /// The meeting's unit, once the caller may record it.
    pub async fn writable(&self, id: i64) -> Result<UnitId> {
        let unit = self.store().meeting_unit(id).await?;
        self.require_recording(unit).await?;
        Ok(unit)
    }

    pub async fn create(&self, unit: UnitId, input: MeetingInput) -> Result<i64> {
        self.require_recording(unit).await?;
        self.store().create_meeting(&self.access.write_context(), unit, input).await
    }

    pub async fn update(&self, id: i64, version: i64, input: MeetingInput) -> Result<()> {
        self.writable(id).await?;
        self.store().update_meeting(&self.access.write_context(), id, version, input).await
    }

    pub async fn record_attendance(&self, id: i64, version: i64, rows: Vec<AttendanceInput>) -> Result<()> {
        self.writable(id).await?;
        self.store().record_attendance(&self.access.write_context(), id, version, rows).await
    }

    pub async fn add_resolution(&self, id: i64, version: i64, input: ResolutionInput) -> Result<()> {
        self.writable(id).await?;
        self.store().add_resolution(&self.access.write_context(), id, version, input).await
    }

    pub async fn change_minutes(&self, id: i64, version: i64, change: MinutesChange) -> Result<()> {
        self.writable(id).await?;
        self.store().change_minutes(&self.access.write_context(), id, version, change).await
    }

    /// A meeting with its list (audited: the list names members).
    /// Posts a document for a meeting (those who record the chi bộ's meetings; 403 when only
    /// read); checked by the caller (name, type from the content, the site's scanner).
    pub async fn add_document(&self, id: i64, name: &str, media_type: &str, bytes: &[u8]) -> Result<i64> {
        self.writable(id).await?;
        self.store().add_meeting_document(&self.access.write_context(), id, name, media_type, bytes).await
    }

    /// A meeting's document and its bytes, for whoever reads the meeting (404 otherwise).
    pub async fn document(&self, document: i64) -> Result<(crate::meetings::MeetingDocumentView, Vec<u8>)> {
        let meeting = self.store().meeting_document_meeting(document).await?;
        self.readable(meeting).await?;
        self.store().meeting_document(document).await
    }

    pub async fn meeting(&self, id: i64) -> Result<MeetingView> {
        self.readable(id).await?;
        let view = self.store().meeting(id).await?;
        self.access.record("read.meeting", "meeting", id, json!({ "unit": view.unit.0, "members": view.attendance.len() })).await?;
        Ok(view)
    }

    pub async fn unit_meetings(&self, unit: UnitId, first: NaiveDate, last: NaiveDate) -> Result<Vec<MeetingSummary>> {
        self.require_read(unit).await?;
        self.store().unit_meetings(unit, first, last).await
    }

    /// The alerts under a readable unit (audited when they name members).
    pub async fn alerts(&self, root: UnitId, year: i32) -> Result<MeetingAlerts> {
        self.require_read(root).await?;
        let alerts = self.store().meeting_alerts(root, year, self.access.today()).await?;
        if !alerts.absent.is_empty() {
            let members: Vec<i64> = alerts.absent.iter().map(|a| a.member.0).collect();
            self.access.record("read.meeting_alerts", "unit", root.0, json!({ "year": year, "members": members })).await?;
        }
        Ok(alerts)
    }

    pub async fn report(&self, root: UnitId, first: NaiveDate, last: NaiveDate) -> Result<MeetingReport> {
        self.require_read(root).await?;
        self.store().meeting_report(root, first, last).await
    }
}
