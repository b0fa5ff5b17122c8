//! The index kept in step with the database: the change log's entries applied in order (or the
//! whole index loaded again), and what the operator's metrics read of it.

use domain::ids::MemberId;

use super::{Index, LOAD_BATCH, SharedIndex, UnitTable};
use crate::db::Database;
use crate::error::Result;
use crate::sql;

impl SharedIndex {
    pub async fn refresh(&self, db: &dyn Database) -> Result<()> {
        let _one_at_a_time = self.refreshing.lock().await;
        let started = std::time::Instant::now();
        let mut conn = db.reader().await?;
        let seq = sql::current_seq(conn.as_mut()).await?;
        let (known, loaded) = {
            let index = self.read();
            (index.seq, index.loaded)
        };
        if loaded && seq == known {
            return Ok(());
        }
        let changes = if loaded { sql::changes_between(conn.as_mut(), known, seq).await? } else { Vec::new() };
        let full = !loaded || changes.iter().any(|(e, _)| e == "all");
        if full {
            let units = sql::all_unit_versions(conn.as_mut()).await?;
            let links = sql::all_unit_links(conn.as_mut()).await?;
            let mut members = Vec::new();
            let mut after = 0;
            loop {
                let batch = sql::index_members(conn.as_mut(), after, LOAD_BATCH).await?;
                let Some(last) = batch.last() else { break };
                after = last.id.0;
                members.extend(batch);
            }
            let fresh = Index::build(units, links, members, seq);
            *self.write() = fresh;
            self.meter.refreshed(started, u64::try_from(changes.len()).unwrap_or(0), true);
            return Ok(());
        }
        let units_changed = changes.iter().any(|(e, _)| e == "unit");
        let mut member_ids: Vec<MemberId> = changes.iter().filter(|(e, _)| e == "member").map(|(_, id)| MemberId(*id)).collect();
        member_ids.sort();
        member_ids.dedup();
        let units = if units_changed {
            Some((sql::all_unit_versions(conn.as_mut()).await?, sql::all_unit_links(conn.as_mut()).await?))
        } else {
            None
        };
        let members = sql::index_members_by_id(conn.as_mut(), &member_ids).await?;
        let mut index = self.write();
        if let Some((units, links)) = units {
            index.units = UnitTable::build(units, links);
        }
        for m in members {
            index.upsert(m);
        }
        index.seq = seq;
        index.clear_caches();
        drop(index);
        self.meter.refreshed(started, u64::try_from(changes.len()).unwrap_or(0), false);
        Ok(())
    }

    /// The index's size, its lag behind the change log (read without refreshing it) and its
    /// refreshes so far.
    pub(crate) async fn stats(&self, db: &dyn Database) -> Result<crate::telemetry::IndexStats> {
        let mut conn = db.reader().await?;
        let seq = sql::current_seq(conn.as_mut()).await?;
        let index = self.read();
        let behind = if index.loaded { seq - index.seq } else { seq };
        Ok(self.meter.stats(index.member_total(), index.units.unit_count(), behind.max(0)))
    }
}
