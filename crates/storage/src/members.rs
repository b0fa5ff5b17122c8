//! Member use cases: each loads what the rules need, asks `domain::history::derive`, and writes
//! the event and the re-derived spans in one transaction, or nothing.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::NaiveDate;

use domain::ValidationErrors;
use domain::event::{Entry, EventData, RecordedEvent};
use domain::history::{self, History, LoadedUnits};
use domain::ids::{EventId, MemberId, UnitId};
use domain::member::Identity;

use serde_json::{Value, json};

use crate::audit::{diff, json};
use crate::context::WriteContext;
use crate::db::Conn;
use crate::error::{Result, StoreError};
use crate::index::Sight;
use crate::model::{AuditRecord, MemberDetail, MemberListItem, MemberPage, MemberQuery, MemberUpdate, NewMember, ScopeFilter};
use crate::sql::{self, UniqueColumn};
use crate::store::SqlStore;

/// The register: member records, their events and corrections, and lists and searches of
/// members.
#[async_trait]
pub trait RegisterStore: Send + Sync {
    async fn create_member(&self, ctx: &WriteContext, new: NewMember) -> Result<MemberId>;
    /// Replaces the identity data and, when given, records a new profile from its date.
    async fn update_member(&self, ctx: &WriteContext, member: MemberId, update: MemberUpdate) -> Result<()>;
    async fn record_event(&self, ctx: &WriteContext, member: MemberId, expected_version: i64, event: EventData) -> Result<EventId>;
    /// Records a correction of `target` (a replacement or a void) with its reason.
    async fn correct_event(
        &self,
        ctx: &WriteContext,
        member: MemberId,
        expected_version: i64,
        target: EventId,
        entry: Entry,
        reason: String,
    ) -> Result<EventId>;
    async fn member(&self, member: MemberId) -> Result<MemberDetail>;
    /// Lists or searches members: subtree, status, gender and age filters, register order, pages.
    async fn find_members(&self, query: &MemberQuery) -> Result<MemberPage>;
    /// Members in transit to a unit within `root`'s subtree and the scope (đang chuyển đến).
    async fn arriving(&self, scope: &ScopeFilter, root: UnitId, today: NaiveDate) -> Result<Vec<MemberListItem>>;
    /// Members of other units in temporary activity under `root` on `on` (the host's list).
    async fn hosted(&self, scope: &ScopeFilter, root: UnitId, on: NaiveDate) -> Result<Vec<MemberListItem>>;
}

#[async_trait]
impl RegisterStore for SqlStore {
    async fn create_member(&self, ctx: &WriteContext, new: NewMember) -> Result<MemberId> {
        let sight = self.sight(ctx).await?;
        let (mut tx, seq) = self.begin_write().await?;
        let (id, record) = insert_member_tx(tx.as_mut(), ctx, new, &sight).await?;
        self.commit_write(tx, seq, ctx, &[record], "member", &[id.0]).await?;
        Ok(id)
    }

    async fn update_member(&self, ctx: &WriteContext, member: MemberId, update: MemberUpdate) -> Result<()> {
        let sight = self.sight(ctx).await?;
        let (mut tx, seq) = self.begin_write().await?;
        let record = update_member_tx(tx.as_mut(), ctx, member, &update, &sight).await?;
        self.commit_write(tx, seq, ctx, &[record], "member", &[member.0]).await
    }

    async fn record_event(&self, ctx: &WriteContext, member: MemberId, expected_version: i64, event: EventData) -> Result<EventId> {
        self.append_event(ctx, member, Some(expected_version), Entry::Event(event), None).await
    }

    async fn correct_event(
        &self,
        ctx: &WriteContext,
        member: MemberId,
        expected_version: i64,
        target: EventId,
        entry: Entry,
        reason: String,
    ) -> Result<EventId> {
        let reason = domain::text::required_lines(&reason, 500, "Lý do đính chính").map_err(|mut e| {
            e.field = "reason".into();
            StoreError::Invalid(ValidationErrors { errors: vec![e] })
        })?;
        self.append_event(ctx, member, Some(expected_version), entry, Some((target, reason))).await
    }

    async fn member(&self, member: MemberId) -> Result<MemberDetail> {
        let mut conn = self.db.reader().await?;
        let (version, identity, updated_at, updated_by) = sql::member_row(conn.as_mut(), member).await?.ok_or(StoreError::NotFound)?;
        let profiles = sql::profiles(conn.as_mut(), member).await?;
        let events = sql::events(conn.as_mut(), member).await?;
        let units = load_units(conn.as_mut(), &events).await?;
        let history = history::derive(&events, &units);
        let unit_names =
            units.versions.iter().filter_map(|(id, vs)| vs.last().map(|v| (*id, v.name.clone()))).collect::<HashMap<UnitId, String>>();
        Ok(MemberDetail { id: member, version, identity, profiles, events, history, unit_names, updated_at, updated_by })
    }

    async fn find_members(&self, query: &MemberQuery) -> Result<MemberPage> {
        self.refresh_index().await?;
        // The targets' credit and the origin lines read the cases behind the admissions (where
        // the record does not say their group, source or ceremony) and the unit's occasions.
        let (cases, plans) = match &query.admitted {
            Some(a) if a.credit.is_some() || a.origin.is_some() => {
                let mut conn = self.db.reader().await?;
                let cases =
                    crate::admission::targets::case_facts(self, conn.as_mut(), a.first, a.last.succ_opt().unwrap_or(a.last)).await?;
                (cases, Some(crate::plans::Plans::load(conn.as_mut()).await?))
            }
            _ => Default::default(),
        };
        let index = self.index.read();
        let occasions = match (&plans, query.unit) {
            (Some(p), Some(unit)) => p.occasions_for(&index, unit),
            _ => Default::default(),
        };
        Ok(index.find_members(query, &cases, &occasions))
    }

    async fn arriving(&self, scope: &ScopeFilter, root: UnitId, today: NaiveDate) -> Result<Vec<MemberListItem>> {
        self.refresh_index().await?;
        Ok(self.index.read().arriving(scope, root, today))
    }

    async fn hosted(&self, scope: &ScopeFilter, root: UnitId, on: NaiveDate) -> Result<Vec<MemberListItem>> {
        self.refresh_index().await?;
        Ok(self.index.read().hosted(scope, root, on))
    }
}

impl SqlStore {
    /// Appends `entry` (an event, or a correction when `corrects` is set) after re-deriving the
    /// whole history with it.
    async fn append_event(
        &self,
        ctx: &WriteContext,
        member: MemberId,
        expected_version: Option<i64>,
        entry: Entry,
        corrects: Option<(EventId, String)>,
    ) -> Result<EventId> {
        let (mut tx, seq) = self.begin_write().await?;
        let (id, record) = append_event_tx(tx.as_mut(), ctx, member, expected_version, entry, corrects).await?;
        self.commit_write(tx, seq, ctx, &[record], "member", &[member.0]).await?;
        Ok(id)
    }
}

/// Replaces a member's identity (and adds a dated profile when given) inside the caller's
/// transaction, at the version expected; returns the audit record with the changes (the caller
/// logs the change).
pub(crate) async fn update_member_tx(
    tx: &mut dyn Conn,
    ctx: &WriteContext,
    member: MemberId,
    update: &MemberUpdate,
    sight: &Sight<'_>,
) -> Result<AuditRecord> {
    let current = sql::member_row(tx, member).await?.ok_or(StoreError::NotFound)?;
    if current.0 != update.expected_version {
        return Err(StoreError::Conflict { current: current.0 });
    }
    check_unique(tx, &update.identity, Some(member), sight).await?;
    if !sql::update_member(tx, member, update.expected_version, &update.identity, ctx.now, &ctx.actor).await? {
        return Err(StoreError::Conflict { current: current.0 });
    }
    if let Some(p) = &update.new_profile {
        sql::insert_profile(tx, member, p, ctx.now, &ctx.actor).await?;
    }
    let mut changes = diff(&json(&current.1), &json(&update.identity));
    if let (Some(p), Value::Array(list)) = (&update.new_profile, &mut changes) {
        let before = sql::profiles(tx, member).await?.into_iter().rev().nth(1).map(|p| json(&p)).unwrap_or(Value::Null);
        if let Value::Array(more) = diff(&before, &json(p)) {
            list.extend(more.into_iter().map(|mut c| {
                if let Some(f) = c.get_mut("field") {
                    *f = Value::String(format!("profile.{}", f.as_str().unwrap_or_default()));
                }
                c
            }));
        }
    }
    Ok(AuditRecord::new("member.update", "member", member.0, changes))
}

/// Inserts a member with its first events inside the caller's transaction (the caller logs the
/// change and appends the returned audit record).
pub(crate) async fn insert_member_tx(
    tx: &mut dyn Conn,
    ctx: &WriteContext,
    new: NewMember,
    sight: &Sight<'_>,
) -> Result<(MemberId, AuditRecord)> {
    if new.events.is_empty() {
        return Err(StoreError::invalid("kind", "required", "Ghi ít nhất một sự kiện (kết nạp hoặc tiếp nhận)."));
    }
    check_unique(tx, &new.identity, None, sight).await?;
    let id = sql::insert_member(tx, &new.identity, ctx.now, &ctx.actor).await?;
    sql::insert_profile(tx, id, &new.profile, ctx.now, &ctx.actor).await?;
    let record = AuditRecord::new("member.create", "member", id.0, diff(&Value::Null, &json(&new)));
    let events: Vec<RecordedEvent> =
        new.events.into_iter().enumerate().map(|(i, data)| recorded(EventId(i as i64 + 1), Entry::Event(data), None, None, ctx)).collect();
    let history = derive_checked(tx, &events).await?;
    let ids: Vec<EventId> = events.iter().map(|e| e.id).collect();
    refuse(history::new_entry_problems(&history, &ids))?;
    for e in &events {
        sql::insert_event(tx, id, e).await?;
    }
    sql::replace_spans(tx, id, &history).await?;
    Ok((id, record))
}

/// Appends an event (or a correction) inside the caller's transaction after re-deriving the whole
/// history with it.
pub(crate) async fn append_event_tx(
    tx: &mut dyn Conn,
    ctx: &WriteContext,
    member: MemberId,
    expected_version: Option<i64>,
    entry: Entry,
    corrects: Option<(EventId, String)>,
) -> Result<(EventId, AuditRecord)> {
    let current = sql::member_row(tx, member).await?.ok_or(StoreError::NotFound)?;
    if expected_version.is_some_and(|v| v != current.0) {
        return Err(StoreError::Conflict { current: current.0 });
    }
    let mut events = sql::events(tx, member).await?;
    if let Some((target, _)) = &corrects {
        match events.iter().find(|e| e.id == *target) {
            None => return Err(StoreError::invalid("target", "not_found", "Không có sự kiện cần đính chính.")),
            Some(t) if t.corrects.is_some() => {
                return Err(StoreError::invalid("target", "is_correction", "Đính chính sự kiện gốc, không đính chính một lần đính chính."));
            }
            Some(_) => {}
        }
    }
    let provisional = EventId(events.iter().map(|e| e.id.0).max().unwrap_or(0) + 1);
    let (target, reason) = corrects.map_or((None, None), |(t, r)| (Some(t), Some(r)));
    events.push(recorded(provisional, entry, target, reason, ctx));
    let history = derive_checked(tx, &events).await?;
    if target.is_none() {
        refuse(history::new_entry_problems(&history, &[provisional]))?;
    }
    let last = events.last().ok_or(StoreError::NotFound)?;
    let id = sql::insert_event(tx, member, last).await?;
    sql::replace_spans(tx, member, &history).await?;
    if !sql::touch_member(tx, member, expected_version, ctx.now, &ctx.actor).await? {
        return Err(StoreError::Conflict { current: current.0 });
    }
    let record = match &last.corrects {
        None => AuditRecord::new("event.record", "member", member.0, json!({ "event": id.0, "entry": json(&last.entry) })),
        Some(target) => AuditRecord::new(
            "event.correct",
            "member",
            member.0,
            json!({ "event": id.0, "corrects": target.0, "reason": last.correction_reason, "entry": json(&last.entry) }),
        ),
    };
    Ok((id, record))
}

pub(crate) fn recorded(id: EventId, entry: Entry, corrects: Option<EventId>, reason: Option<String>, ctx: &WriteContext) -> RecordedEvent {
    RecordedEvent { id, entry, corrects, correction_reason: reason, recorded_at: ctx.now, recorded_by: ctx.actor.clone() }
}

/// Versions and ancestry of every unit the events name.
pub(crate) async fn load_units(conn: &mut dyn Conn, events: &[RecordedEvent]) -> Result<LoadedUnits> {
    let ids: Vec<UnitId> = events
        .iter()
        .filter_map(|e| match &e.entry {
            Entry::Event(d) => Some(d.kind.units()),
            Entry::Void => None,
        })
        .flatten()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let versions = sql::unit_versions(conn, &ids).await?;
    Ok(LoadedUnits::new(
        versions.into_iter().map(|(k, v)| (k, v.into_iter().map(|(_, v)| v).collect())).collect(),
        sql::closure_of(conn, &ids).await?,
    ))
}

/// Derives the history and turns any problem into a refusal.
pub(crate) async fn derive_checked(conn: &mut dyn Conn, events: &[RecordedEvent]) -> Result<History> {
    let units = load_units(conn, events).await?;
    let history = history::derive(events, &units);
    refuse(history.problems.clone())?;
    Ok(history)
}

/// Problems of a history as a refusal (nothing is written).
fn refuse(problems: Vec<history::Problem>) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    let mut errors = ValidationErrors::default();
    for p in &problems {
        errors.push("event", p.code, p.message.clone());
    }
    Err(StoreError::Invalid(errors))
}

/// CCCD, card number and lý lịch number belong to one member each. The member who holds one is
/// named only to a writer who may read them: anyone else learns only that the number is taken
/// elsewhere, not by whom (a clerk must not test whether a citizen is a Party member).
async fn check_unique(conn: &mut dyn Conn, i: &Identity, except: Option<MemberId>, sight: &Sight<'_>) -> Result<()> {
    let mut errors = ValidationErrors::default();
    let checks = [
        (UniqueColumn::CitizenId, "citizen_id", "Số CCCD", Some(i.citizen_id.as_str())),
        (UniqueColumn::CardNumber, "party_card_number", "Số thẻ đảng viên", i.party_card_number.as_ref().map(|c| c.as_str())),
        (UniqueColumn::LyLich, "ly_lich_number", "Số lý lịch", i.ly_lich_number.as_ref().map(|c| c.as_str())),
    ];
    for (column, field, label, value) in checks {
        if let Some(v) = value
            && let Some((other, name)) = sql::member_with(conn, column, v, except).await?
        {
            let message = if sight.member(other) {
                format!("{label} {v} đã thuộc về đảng viên {name} (mã số {other}).")
            } else {
                taken_elsewhere(label)
            };
            errors.push(field, "duplicate", message);
        }
    }
    errors.into_result().map_err(StoreError::Invalid)
}

/// A number held by a member the writer may not read: where to turn, and nothing more.
pub(crate) fn taken_elsewhere(label: &str) -> String {
    format!("{label} này đã có trong sổ đảng viên của một tổ chức khác; liên hệ ban tổ chức cấp trên.")
}

/// Re-derives the members whose spans were written before spans kept their causes (migration
/// 0004), a batch per transaction, logging each member so every process reloads it. Returns how
/// many were re-derived (none once done).
pub(crate) async fn backfill_span_causes(db: &dyn crate::db::Database) -> Result<usize> {
    let mut done = 0;
    loop {
        let mut tx = db.begin().await?;
        let ids = sql::members_without_span_causes(tx.as_mut(), 500).await?;
        if ids.is_empty() {
            tx.commit().await?;
            return Ok(done);
        }
        let seq = sql::next_seq(tx.as_mut()).await?;
        for &m in &ids {
            let events = sql::events(tx.as_mut(), m).await?;
            let units = load_units(tx.as_mut(), &events).await?;
            sql::replace_spans(tx.as_mut(), m, &history::derive(&events, &units)).await?;
        }
        let logged: Vec<i64> = ids.iter().map(|m| m.0).collect();
        sql::log_changes(tx.as_mut(), seq, "member", &logged, db.max_params()).await?;
        tx.commit().await?;
        done += ids.len();
    }
}
