//! The audit trail: entries appended in the transaction of the write they describe (or alone,
//! for reads and logins), each hash-linked to the one before (`auth::chain::link`), and the
//! check that recomputes the chain.
//!
//! Entries that accompany no write are group-committed ([`GroupCommit`]): many requests' entries
//! chained and written in one transaction, each request answered once its entry is durable.
//!
//! Appending takes the `audit_head` row lock first, so entries get consecutive sequence numbers
//! in commit order on PostgreSQL too; the head also remembers the newest hash, so removing the
//! newest entries is detected as well as changing or removing older ones.

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};

use std::sync::Arc;

use crate::db::{Conn, Database, DbError};
use crate::error::{Result, StoreError};
use crate::model::{AuditActor, AuditEntry, AuditQuery, AuditRecord, ChainReport};
use crate::sql;
use crate::store::SqlStore;

/// The audit trail: entries that accompany no write, the trail read back, and its check.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends entries that accompany no write (reads of personal data, logins).
    async fn audit(&self, actor: &AuditActor, now: DateTime<Utc>, records: Vec<AuditRecord>) -> Result<()>;
    /// Entries matching the filters, newest first.
    async fn audit_entries(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>>;
    /// Recomputes the whole chain.
    async fn verify_audit(&self) -> Result<ChainReport>;
}

/// The text the hash covers for an instant: RFC 3339 in UTC with microseconds.
pub fn canonical_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The fields of an entry in the order the hash covers them.
fn hashed_fields(e: &AuditEntry) -> [String; 9] {
    [
        e.seq.to_string(),
        e.at.clone(),
        e.account_id.map(|a| a.to_string()).unwrap_or_default(),
        e.actor.clone(),
        e.client.clone().unwrap_or_default(),
        e.request_id.clone().unwrap_or_default(),
        e.action.clone(),
        format!("{}/{}", e.object_kind.clone().unwrap_or_default(), e.object_id.clone().unwrap_or_default()),
        e.details.clone(),
    ]
}

pub fn entry_hash(e: &AuditEntry) -> String {
    let fields = hashed_fields(e);
    let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
    auth::chain::link(&e.prev_hash, &refs)
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Appends `records` (in order) inside the caller's transaction.
pub(crate) async fn append(tx: &mut dyn Conn, actor: &AuditActor, now: DateTime<Utc>, records: &[AuditRecord]) -> Result<()> {
    append_all(tx, &[Appended { actor, now, records }]).await.map(drop)
}

/// One caller's entries in a batch: who, when, what.
pub(crate) struct Appended<'a> {
    pub actor: &'a AuditActor,
    pub now: DateTime<Utc>,
    pub records: &'a [AuditRecord],
}

/// The last entry of the chain: its number and hash (what the next entry links to).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Head {
    pub seq: i64,
    pub hash: String,
}

/// Appends several callers' entries (in order) inside one transaction: the head is locked and
/// moved once, the entries are inserted together.
pub(crate) async fn append_all(tx: &mut dyn Conn, batch: &[Appended<'_>]) -> Result<Option<Head>> {
    if batch.iter().all(|a| a.records.is_empty()) {
        return Ok(None);
    }
    let (seq, hash) = sql::access::lock_audit_head(tx).await?;
    let (entries, head) = chain(Head { seq, hash }, batch);
    sql::access::insert_audits(tx, entries).await?;
    sql::access::set_audit_head(tx, head.seq, &head.hash).await?;
    Ok(Some(head))
}

/// The callers' entries numbered and hash-linked after `head`, and the head they lead to.
fn chain(head: Head, batch: &[Appended<'_>]) -> (Vec<AuditEntry>, Head) {
    let Head { mut seq, hash: mut prev } = head;
    let mut entries = Vec::with_capacity(batch.iter().map(|a| a.records.len()).sum());
    for a in batch {
        let at = canonical_time(a.now);
        for r in a.records {
            seq += 1;
            let mut e = AuditEntry {
                seq,
                at: at.clone(),
                account_id: a.actor.account_id,
                actor: a.actor.name.clone(),
                client: non_empty(&a.actor.client),
                request_id: non_empty(&a.actor.request_id),
                action: r.action.to_owned(),
                object_kind: Some(r.object_kind.to_owned()).filter(|k| !k.is_empty()),
                object_id: non_empty(&r.object_id),
                details: r.details.to_string(),
                prev_hash: prev,
                hash: String::new(),
            };
            e.hash = entry_hash(&e);
            prev = e.hash.clone();
            entries.push(e);
        }
    }
    (entries, Head { seq, hash: prev })
}

/// Group commit of the entries that accompany no write (reads of personal data, logins): each
/// caller queues its entries and waits until they are durable; whoever finds the writer free
/// takes every entry queued so far and writes them in one transaction, so that under load one
/// commit carries many requests' entries instead of one each. The order of the chain is the
/// order the database commits the batches in (the head's row lock across app servers).
///
/// Where the schema enforces the head ([`Database::audit_head_enforced`], SQLite), a batch is
/// chained from the head the previous batch left and written in one statement; when the head
/// has moved since (a write's own entries), the statement is refused and the batch is written
/// the long way, reading the head in its transaction.
#[derive(Default)]
pub(crate) struct GroupCommit {
    queue: std::sync::Mutex<Vec<Queued>>,
    writer: Arc<tokio::sync::Mutex<()>>,
    /// The head the last batch left, while no one is known to have moved it since.
    head: std::sync::Mutex<Option<Head>>,
    /// Batches committed or failed (metrics).
    meter: crate::telemetry::GroupMeter,
}

struct Queued {
    actor: AuditActor,
    now: DateTime<Utc>,
    records: Vec<AuditRecord>,
    done: tokio::sync::oneshot::Sender<std::result::Result<(), String>>,
}

impl GroupCommit {
    /// Queues the entries and answers once they are committed (or the batch failed). The batch is
    /// written by a task of its own, so a request dropped while it leads (its client gone) never
    /// stops the others' entries from being written and answered.
    pub(crate) async fn append(
        self: &Arc<Self>,
        db: Arc<dyn Database>,
        actor: &AuditActor,
        now: DateTime<Utc>,
        records: Vec<AuditRecord>,
    ) -> Result<()> {
        let (done, mut written) = tokio::sync::oneshot::channel();
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).push(Queued { actor: actor.clone(), now, records, done });
        // Our entries are written either by a writer before us, which took them along with its
        // own (then we are told, without waiting for the writer's lock), or by us.
        let writer = tokio::select! {
            biased;
            outcome = &mut written => return answer(outcome.ok()),
            writer = self.writer.clone().lock_owned() => writer,
        };
        if let Ok(outcome) = written.try_recv() {
            return answer(Some(outcome));
        }
        // Let the requests already running on this thread queue their entries first: one
        // transaction then carries them too, instead of each waiting for the next (under load
        // the batches grow; alone, this costs one turn of the scheduler).
        tokio::task::yield_now().await;
        let batch = std::mem::take(&mut *self.queue.lock().unwrap_or_else(|e| e.into_inner()));
        let this = self.clone();
        let task = tokio::spawn(async move {
            let outcome = this.write(db.as_ref(), &batch).await.map_err(|e| e.to_string());
            this.meter.batch(batch.iter().map(|q| q.records.len()).sum(), outcome.is_ok());
            for q in batch {
                let _ = q.done.send(outcome.clone());
            }
            drop(writer);
        });
        let _ = task.await;
        answer(written.await.ok())
    }

    /// This process's batches so far, and the entries queued now; `entries`: the trail's length.
    pub(crate) fn stats(&self, entries: i64) -> crate::telemetry::AuditStats {
        let waiting = self.queue.lock().unwrap_or_else(|e| e.into_inner()).iter().map(|q| q.records.len()).sum();
        self.meter.stats(entries, waiting)
    }

    async fn write(&self, db: &dyn Database, batch: &[Queued]) -> Result<()> {
        let appended: Vec<Appended<'_>> = batch.iter().map(|q| Appended { actor: &q.actor, now: q.now, records: &q.records }).collect();
        let count: usize = appended.iter().map(|a| a.records.len()).sum();
        let known = self.head.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(head) = known.filter(|_| db.audit_head_enforced() && count <= sql::access::AUDITS_PER_STATEMENT) {
            let (entries, next) = chain(head, &appended);
            // Refused when the head moved since: then read it below, in a transaction.
            if sql::access::insert_audits_alone(db, entries).await.is_ok() {
                *self.head.lock().unwrap_or_else(|e| e.into_inner()) = Some(next);
                return Ok(());
            }
        }
        let mut tx = db.begin().await?;
        let head = append_all(tx.as_mut(), &appended).await?;
        tx.commit().await?;
        // Kept only where the next batch may chain from it without reading it.
        if db.audit_head_enforced() {
            *self.head.lock().unwrap_or_else(|e| e.into_inner()) = head;
        }
        Ok(())
    }
}

/// A caller's answer: its batch's outcome (`None`: the batch's writer failed before answering).
fn answer(outcome: Option<std::result::Result<(), String>>) -> Result<()> {
    match outcome {
        Some(Ok(())) => Ok(()),
        Some(Err(e)) => Err(StoreError::Database(DbError::Other(e))),
        None => Err(StoreError::Database(DbError::Other("the audit batch was not written".into()))),
    }
}

/// Field-by-field differences between two JSON documents (objects are walked; anything else is
/// compared whole): `[{"field": "a.b", "before": …, "after": …}]`.
pub fn diff(before: &serde_json::Value, after: &serde_json::Value) -> serde_json::Value {
    let mut out = Vec::new();
    walk("", before, after, &mut out);
    serde_json::Value::Array(out)
}

fn walk(path: &str, before: &serde_json::Value, after: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
    use serde_json::Value;
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                walk(&p, b.get(k).unwrap_or(&Value::Null), a.get(k).unwrap_or(&Value::Null), out);
            }
        }
        (Value::Null, Value::Object(a)) => {
            for (k, v) in a {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                walk(&p, &Value::Null, v, out);
            }
        }
        (b, a) if b != a => out.push(serde_json::json!({ "field": path, "before": b, "after": a })),
        _ => {}
    }
}

/// The JSON form of anything serializable (`null` if it cannot be serialized).
pub fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

#[async_trait]
impl AuditStore for SqlStore {
    async fn audit(&self, actor: &AuditActor, now: DateTime<Utc>, records: Vec<AuditRecord>) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        self.audit_queue.append(self.db.clone(), actor, now, records).await
    }

    async fn audit_entries(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let mut conn = self.db.reader().await?;
        Ok(sql::access::audit_entries(conn.as_mut(), q).await?)
    }

    async fn verify_audit(&self) -> Result<ChainReport> {
        let mut conn = self.db.reader().await?;
        let (head_seq, head_hash) = sql::access::audit_head(conn.as_mut()).await?;
        let mut problems = Vec::new();
        let mut prev_hash = auth::chain::GENESIS.to_owned();
        let mut expected_seq = 1;
        let mut entries = 0;
        let mut after = 0;
        loop {
            let batch = sql::access::audit_batch(conn.as_mut(), after, 5000).await?;
            if batch.is_empty() {
                break;
            }
            for e in &batch {
                entries += 1;
                if e.seq != expected_seq {
                    problems.push(format!("thiếu các mục {expected_seq}–{} (đã bị xóa)", e.seq - 1));
                }
                if e.prev_hash != prev_hash {
                    problems.push(format!("mục {}: không nối với mục liền trước (chuỗi băm bị cắt)", e.seq));
                }
                if entry_hash(e) != e.hash {
                    problems.push(format!("mục {}: nội dung đã bị sửa sau khi ghi", e.seq));
                }
                prev_hash = e.hash.clone();
                expected_seq = e.seq + 1;
                after = e.seq;
            }
            if problems.len() > 100 {
                break;
            }
        }
        if after != head_seq {
            problems.push(format!("nhật ký dừng ở mục {after} nhưng đã ghi đến mục {head_seq} (các mục cuối đã bị xóa)"));
        } else if prev_hash != head_hash {
            problems.push(format!("mục {after}: không khớp mã băm đã lưu khi ghi"));
        }
        Ok(ChainReport { entries, last_seq: after, last_hash: prev_hash, problems })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_lists_changed_fields_only() {
        let before = json!({"name": "A", "phone": "1", "nested": {"x": 1, "y": 2}});
        let after = json!({"name": "B", "phone": "1", "nested": {"x": 1, "y": 3}, "email": "e"});
        assert_eq!(
            diff(&before, &after),
            json!([
                {"field": "email", "before": null, "after": "e"},
                {"field": "name", "before": "A", "after": "B"},
                {"field": "nested.y", "before": 2, "after": 3},
            ])
        );
    }

    #[test]
    fn diff_of_a_creation_lists_every_field() {
        let d = diff(&serde_json::Value::Null, &json!({"a": 1, "b": {"c": "x"}}));
        assert_eq!(d, json!([{"field": "a", "before": null, "after": 1}, {"field": "b.c", "before": null, "after": "x"}]));
    }

    #[test]
    fn canonical_time_has_microseconds_and_z() {
        let t = DateTime::parse_from_rfc3339("2026-11-25T01:02:03.123456789Z").unwrap().with_timezone(&Utc);
        assert_eq!(canonical_time(t), "2026-11-25T01:02:03.123456Z");
    }
}
