//! Writing an import's plan inside the write transaction the plan was made under.

use std::collections::HashMap;

use domain::event::{Entry, RecordedEvent};
use domain::ids::{DecisionNumber, EventId, MemberId};
use domain::interchange::history::implied_events;
use domain::member::DatedProfile;
use domain::unit::LegalBasis;

use super::plan::Work;
use super::{IdRange, ImportInput, ImportPhase, ImportPlan, ImportProgress};
use crate::context::WriteContext;
use crate::db::Conn;
use crate::error::{Result, StoreError};
use crate::model::{BulkData, BulkMember, BulkOperation, OrgDecision};
use crate::sql;
use crate::sql::import::{ImportRanges, ImportRow};
use crate::store::SqlStore;

/// Members written per bulk round (the progress moves between rounds).
const ROUND: usize = 20_000;

pub(super) async fn write(
    store: &SqlStore,
    conn: &mut dyn Conn,
    ctx: &WriteContext,
    input: &ImportInput,
    work: Work,
) -> Result<ImportPlan> {
    let rebuild =
        work.new_members.len() >= input.rebuild_indexes_from && work.new_members.len() as i64 > sql::import::member_count(conn).await?;
    for stmt in store.db.before_bulk_write(rebuild) {
        conn.execute(&(*stmt).into(), vec![]).await?;
    }
    let written = write_all(store, conn, ctx, input, work, rebuild).await;
    for stmt in store.db.after_bulk_write() {
        let restored = conn.execute(&(*stmt).into(), vec![]).await;
        // A failed import reports its own error, not the restoring's.
        if written.is_ok() {
            restored?;
        }
    }
    written
}

async fn write_all(
    store: &SqlStore,
    conn: &mut dyn Conn,
    ctx: &WriteContext,
    input: &ImportInput,
    work: Work,
    rebuild: bool,
) -> Result<ImportPlan> {
    let Work { mut plan, new_units, new_members, updates } = work;
    let counts = serde_json::to_string(&plan.counts).map_err(|e| StoreError::Database(crate::db::DbError::Other(e.to_string())))?;
    let import = sql::import::insert_import(
        conn,
        &ImportRow {
            recorded_at: ctx.now,
            recorded_by: &ctx.actor,
            file_name: &input.file_name,
            file_digest: &input.file_digest,
            root: input.root.map(|u| u.0),
            counts: counts.clone(),
        },
    )
    .await?;
    plan.import = Some(import);
    let (_, max_member, max_event) = sql::max_ids(conn).await?;
    let report = |done: usize, total: usize| {
        if let Some(p) = &input.progress {
            p(ImportProgress { phase: ImportPhase::Writing, done, total });
        }
    };
    let total = new_members.len() + updates.len();
    report(0, total);
    if rebuild {
        sql::drop_member_indexes(conn).await?;
    }

    // New units: one operation "created by import N".
    let mut unit_versions = Vec::new();
    let mut operations = Vec::new();
    if !new_units.is_empty() {
        let op = sql::import::max_operation_id(conn).await? + 1;
        let number = DecisionNumber::parse(&format!("NAP-{import}")).map_err(|e| StoreError::invalid("file", e.code, e.message))?;
        operations.push(BulkOperation {
            id: op,
            kind: "create",
            decision: OrgDecision {
                effective: ctx.today,
                basis: LegalBasis { number, date: ctx.today, issuer: format!("Nạp từ tệp {}", input.file_name) },
                note: Some(format!("Tổ chức tạo khi nạp tệp (lần nạp số {import}).")),
            },
        });
        unit_versions = new_units.into_iter().map(|v| (v, op)).collect();
    }

    // New members, in rounds; the first round also carries the units.
    let mut next_member = max_member + 1;
    let mut next_event = max_event + 1;
    let first_event = next_event;
    let first_member = next_member;
    let mut members = new_members.into_iter().peekable();
    let mut done = 0;
    let mut first_round = true;
    while first_round || members.peek().is_some() {
        let mut batch = Vec::new();
        for m in members.by_ref().take(ROUND) {
            let Some(Ok(record)) = input.members.get(m.line).map(|l| &l.read) else { continue };
            let id = MemberId(next_member);
            next_member += 1;
            let events: Vec<RecordedEvent> = implied_events(record, m.placement, import)
                .into_iter()
                .map(|data| {
                    let e = RecordedEvent {
                        id: EventId(next_event),
                        entry: Entry::Event(data),
                        corrects: None,
                        correction_reason: None,
                        recorded_at: ctx.now,
                        recorded_by: ctx.actor.clone(),
                    };
                    next_event += 1;
                    e
                })
                .collect();
            let profiles = record.profile.iter().map(|p| DatedProfile { valid_from: None, profile: p.clone() }).collect();
            batch.push(BulkMember { id, identity: record.identity.clone(), profiles, events });
        }
        done += batch.len();
        let data = BulkData {
            operations: std::mem::take(&mut operations),
            unit_versions: std::mem::take(&mut unit_versions),
            unit_links: Vec::new(),
            members: batch,
            recorded_by: ctx.actor.clone(),
            recorded_at: ctx.now,
        };
        if first_round || !data.members.is_empty() {
            store.load_bulk(conn, data).await.map_err(|e| match e {
                StoreError::Database(e) => duplicate_in_register(e),
                other => other,
            })?;
        }
        first_round = false;
        report(done, total);
    }

    if rebuild {
        sql::create_member_indexes(conn).await.map_err(duplicate_in_register)?;
    }

    // Changes to members already in the register (accepted proposals).
    let mut by_member: HashMap<MemberId, usize> = HashMap::new();
    for u in updates {
        if let Some(identity) = &u.identity
            && !sql::update_member(conn, u.member, u.version, identity, ctx.now, &ctx.actor).await?
        {
            return Err(StoreError::Conflict { current: u.version });
        }
        if let Some(p) = &u.profile {
            sql::insert_profile(conn, u.member, &DatedProfile { valid_from: Some(ctx.today), profile: p.clone() }, ctx.now, &ctx.actor)
                .await?;
        }
        for e in u.events {
            crate::members::append_event_tx(conn, ctx, u.member, None, Entry::Event(e), None).await?;
        }
        if u.identity.is_none() {
            sql::touch_member(conn, u.member, None, ctx.now, &ctx.actor).await?;
        }
        *by_member.entry(u.member).or_default() += 1;
        done += 1;
        report(done, total);
    }
    let (_, _, last_event) = sql::max_ids(conn).await?;
    plan.members_written = (next_member > first_member).then_some(IdRange { first: first_member, last: next_member - 1 });
    plan.events_written = (last_event >= first_event).then_some(IdRange { first: first_event, last: last_event });
    let ranges = ImportRanges {
        members: plan.members_written.map(|r| (r.first, r.last)),
        events: plan.events_written.map(|r| (r.first, r.last)),
        counts,
    };
    sql::import::finish_import(conn, import, &ranges).await?;
    Ok(plan)
}

/// A unique identifier the file repeats from the register (found by an insert, or by the
/// rebuilt index): the whole file is refused.
fn duplicate_in_register(e: crate::db::DbError) -> StoreError {
    match e {
        crate::db::DbError::Unique(_) => {
            StoreError::invalid("file", "duplicate", "Tệp có số CCCD, số thẻ đảng viên hoặc số lý lịch trùng với đảng viên đã có trong sổ.")
        }
        other => StoreError::Database(other),
    }
}
