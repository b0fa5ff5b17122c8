//! Bulk writes for the generator and imports: large multi-row statements, ids chosen by the
//! caller, every member's history still derived and checked by `domain`.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use async_trait::async_trait;

use domain::ValidationErrors;
use domain::history::{self, LoadedUnits};
use domain::ids::UnitId;
use domain::unit::{UnitVersion, closure_rows};

use chrono::{DateTime, Utc};

use crate::db::{Conn, DbError, Value};
use crate::error::{Result, StoreError};
use crate::model::{BulkData, BulkMember};
use crate::sql;
use crate::store::SqlStore;

/// Members derived and written per round of statements.
const MEMBERS_PER_GROUP: usize = 500;

/// Writing generated or imported data in large batches.
#[async_trait]
pub trait BulkStore: Send + Sync {
    /// Writes generated or imported data in large batches (ids given by the caller).
    async fn bulk_load(&self, data: BulkData) -> Result<()>;
    /// Before many [`bulk_load`](Self::bulk_load)s of members: drops the member tables' secondary
    /// indexes, so the loads append instead of inserting at random places in every index.
    async fn bulk_begin(&self) -> Result<()>;
    /// After them: builds those indexes (refusing duplicate identifiers) and refreshes the
    /// planner's statistics.
    async fn bulk_finish(&self) -> Result<()>;
    /// The largest unit, member and event ids in use (for callers of [`bulk_load`](Self::bulk_load)).
    async fn max_ids(&self) -> Result<(i64, i64, i64)>;
}

#[async_trait]
impl BulkStore for SqlStore {
    async fn bulk_begin(&self) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        sql::drop_member_indexes(tx.as_mut()).await?;
        self.commit_unaudited(tx, seq, "all", &[0]).await
    }

    async fn bulk_finish(&self) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        for stmt in self.db.before_bulk_write(false) {
            tx.execute(&(*stmt).into(), vec![]).await?;
        }
        let built = self.build_member_indexes(tx.as_mut()).await;
        for stmt in self.db.after_bulk_write() {
            let restored = tx.execute(&(*stmt).into(), vec![]).await;
            if built.is_ok() {
                restored?;
            }
        }
        built?;
        self.commit_unaudited(tx, seq, "all", &[0]).await
    }

    async fn bulk_load(&self, data: BulkData) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        self.load_bulk(tx.as_mut(), data).await?;
        self.commit_unaudited(tx, seq, "all", &[0]).await
    }

    async fn max_ids(&self) -> Result<(i64, i64, i64)> {
        let mut conn = self.db.reader().await?;
        Ok(sql::max_ids(conn.as_mut()).await?)
    }
}

impl SqlStore {
    /// Builds the member indexes (refusing duplicate identifiers) and refreshes the planner's
    /// statistics.
    async fn build_member_indexes(&self, tx: &mut dyn Conn) -> Result<()> {
        sql::create_member_indexes(tx).await.map_err(|e| match e {
            DbError::Unique(_) => StoreError::invalid(
                "members",
                "duplicate",
                "Dữ liệu nạp có số CCCD, số thẻ đảng viên hoặc số lý lịch trùng nhau; không tạo được chỉ mục duy nhất.",
            ),
            other => StoreError::Database(other),
        })?;
        for stmt in self.db.refresh_statistics() {
            tx.execute(&(*stmt).into(), vec![]).await?;
        }
        Ok(())
    }

    /// Writes `data` inside the caller's write transaction: units with their closure rows, then
    /// the members, each history derived and checked (the first problem refuses the whole load).
    pub(crate) async fn load_bulk(&self, conn: &mut dyn Conn, data: BulkData) -> Result<()> {
        let max = self.db.max_params();
        let at = data.recorded_at;
        let by = data.recorded_by.as_str();

        let ops = data
            .operations
            .iter()
            .map(|o| {
                let mut v = vec![Value::from(o.id)];
                v.extend(sql::operation_values(o.kind, &o.decision, by, at));
                v
            })
            .collect();
        sql::insert_rows(
            conn,
            "INSERT INTO unit_operations (id, kind, effective_date, decision_number, decision_date, issuer, note, recorded_at, recorded_by) VALUES",
            9,
            ops,
            max,
        )
        .await?;
        let new_units: BTreeSet<i64> = data.unit_versions.iter().map(|(v, _)| v.unit_id.0).collect();
        let unit_rows = new_units.iter().map(|id| vec![Value::from(*id), Value::from(1i64), Value::from(at)]).collect();
        sql::insert_rows(conn, "INSERT INTO units (id, version, created_at) VALUES", 3, unit_rows, max).await?;
        let version_rows = data.unit_versions.iter().map(|(v, op)| sql::unit_version_values(v, *op)).collect();
        sql::insert_rows(conn, sql::INSERT_UNIT_VERSIONS, 9, version_rows, max).await?;
        let link_rows = data
            .unit_links
            .iter()
            .map(|(a, b, op, on)| vec![Value::from(a.0), Value::from(b.0), Value::from(*op), Value::from(*on)])
            .collect();
        sql::insert_rows(conn, sql::INSERT_LINKS, 4, link_rows, max).await?;

        let mut versions: HashMap<UnitId, Vec<UnitVersion>> = HashMap::new();
        for v in sql::all_unit_versions(conn).await? {
            versions.entry(v.unit_id).or_default().push(v);
        }
        if !new_units.is_empty() {
            let rows: Vec<_> = new_units.iter().flat_map(|u| closure_rows(UnitId(*u), &versions)).collect();
            sql::insert_rows(conn, sql::INSERT_CLOSURE, 5, rows.iter().map(sql::closure_values).collect(), max).await?;
        }
        if !data.members.is_empty() {
            let closure = versions.keys().flat_map(|u| closure_rows(*u, &versions)).collect();
            let units = LoadedUnits::new(versions, closure);
            // Small groups keep the rows being built hot in cache and the allocator's memory reused;
            // the next group is derived on another thread while the database writes this one.
            let units = Arc::new(units);
            let mut rest = data.members.into_iter();
            let mut pending = Some(spawn_build(&mut rest, &units, at, by));
            while let Some(task) = pending.take() {
                let rows = task.await.map_err(|e| StoreError::Database(DbError::Other(e.to_string())))??;
                if rest.len() > 0 {
                    pending = Some(spawn_build(&mut rest, &units, at, by));
                }
                rows.write(conn, max).await?;
            }
        }
        for stmt in self.db.after_bulk_load() {
            conn.execute(&(*stmt).into(), vec![]).await?;
        }
        Ok(())
    }
}

/// Takes the next group off `rest` and builds its rows on a blocking thread.
fn spawn_build(
    rest: &mut std::vec::IntoIter<BulkMember>,
    units: &Arc<LoadedUnits>,
    at: DateTime<Utc>,
    by: &str,
) -> tokio::task::JoinHandle<Result<GroupRows>> {
    let group: Vec<BulkMember> = rest.by_ref().take(MEMBERS_PER_GROUP).collect();
    let (units, by) = (units.clone(), by.to_owned());
    tokio::task::spawn_blocking(move || GroupRows::build(&group, &units, at, &by))
}

/// The rows of one group of members, ready to insert.
struct GroupRows {
    members: Vec<Vec<Value>>,
    profiles: Vec<Vec<Value>>,
    events: Vec<Vec<Value>>,
    spans: Vec<Vec<Value>>,
    temporary: Vec<Vec<Value>>,
}

impl GroupRows {
    /// Derives every member's history (refusing the batch on the first problem) and turns the
    /// group into rows.
    fn build(group: &[BulkMember], units: &LoadedUnits, at: DateTime<Utc>, by: &str) -> Result<GroupRows> {
        let mut rows = GroupRows {
            members: Vec::with_capacity(group.len()),
            profiles: Vec::new(),
            events: Vec::new(),
            spans: Vec::new(),
            temporary: Vec::new(),
        };
        for m in group {
            let h = history::derive(&m.events, units);
            if let Some(p) = h.problems.first() {
                return Err(StoreError::Invalid(ValidationErrors::single(
                    "members",
                    p.code,
                    format!("{} (mã số {}): {}", m.identity.full_name, m.id, p.message),
                )));
            }
            rows.members.push(sql::member_values(Some(m.id), &m.identity, at, by));
            rows.profiles.extend(m.profiles.iter().map(|p| sql::profile_values(m.id, p, at, by)));
            rows.events.extend(m.events.iter().map(|e| sql::event_values(Some(e.id), m.id, e)));
            let (spans, temporary) = sql::history_rows(m.id, &h);
            rows.spans.extend(spans);
            rows.temporary.extend(temporary);
        }
        Ok(rows)
    }

    async fn write(self, conn: &mut dyn Conn, max: usize) -> Result<()> {
        sql::insert_rows(conn, sql::INSERT_MEMBERS, 19, self.members, max).await?;
        sql::insert_rows(conn, sql::INSERT_PROFILES, 13, self.profiles, max).await?;
        sql::insert_rows(conn, sql::INSERT_EVENTS, 20, self.events, max).await?;
        sql::insert_rows(conn, sql::INSERT_SPANS, sql::SPAN_COLUMNS, self.spans, max).await?;
        sql::insert_rows(conn, sql::INSERT_TEMPORARY_SPANS, sql::TEMPORARY_SPAN_COLUMNS, self.temporary, max).await?;
        Ok(())
    }
}
