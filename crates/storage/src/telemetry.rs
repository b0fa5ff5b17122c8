//! What the store tells the operator's metrics (`/metrics`): the use of its connection pools, the
//! register index (its size, how far it is behind the change log, the time its refreshes take)
//! and the audit trail (the entries in the database, this process's group commits).

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use crate::db::PoolUse;

/// The store's figures at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceStats {
    pub pools: Vec<PoolUse>,
    pub index: IndexStats,
    pub audit: AuditStats,
}

/// The in-memory register index.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexStats {
    /// Member records it holds (every status).
    pub members: usize,
    /// Units it holds.
    pub units: usize,
    /// Changes the database has logged that the index has not applied yet: its lag, read before
    /// anything refreshes it (writes of other app servers wait here until the next read).
    pub behind: i64,
    /// Refreshes that applied changes, since the start.
    pub refreshes: u64,
    /// Of those, the ones that rebuilt the whole index (the first load, a bulk load).
    pub rebuilds: u64,
    /// Change-log entries applied, in total.
    pub changes_applied: u64,
    /// Time spent in those refreshes, in total.
    pub refresh_time: Duration,
}

/// The audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditStats {
    /// Entries in the trail: the chain head's number, every app server's appends.
    pub entries: i64,
    /// Entries that accompany no write (reads of personal data, logins), as this process
    /// group-commits them: the transactions, the entries they carried, the batches that failed,
    /// and the entries queued now.
    pub group_commits: u64,
    pub group_entries: u64,
    pub group_failures: u64,
    pub group_waiting: usize,
}

/// The index's refreshes, counted as they finish.
#[derive(Debug, Default)]
pub(crate) struct RefreshMeter {
    refreshes: AtomicU64,
    rebuilds: AtomicU64,
    changes: AtomicU64,
    nanos: AtomicU64,
}

impl RefreshMeter {
    /// A refresh begun at `started` applied `changes` change-log entries (`rebuilt`: the whole
    /// index was loaded again).
    pub(crate) fn refreshed(&self, started: Instant, changes: u64, rebuilt: bool) {
        self.refreshes.fetch_add(1, Relaxed);
        if rebuilt {
            self.rebuilds.fetch_add(1, Relaxed);
        }
        self.changes.fetch_add(changes, Relaxed);
        self.nanos.fetch_add(u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX), Relaxed);
    }

    /// The counts so far, with the index's size and lag filled in by the caller.
    pub(crate) fn stats(&self, members: usize, units: usize, behind: i64) -> IndexStats {
        IndexStats {
            members,
            units,
            behind,
            refreshes: self.refreshes.load(Relaxed),
            rebuilds: self.rebuilds.load(Relaxed),
            changes_applied: self.changes.load(Relaxed),
            refresh_time: Duration::from_nanos(self.nanos.load(Relaxed)),
        }
    }
}

/// The group commits of audit entries, counted once each batch's outcome is known.
#[derive(Debug, Default)]
pub(crate) struct GroupMeter {
    commits: AtomicU64,
    entries: AtomicU64,
    failures: AtomicU64,
}

impl GroupMeter {
    /// A batch of `entries` committed, or failed (nothing of it written).
    pub(crate) fn batch(&self, entries: usize, committed: bool) {
        if committed {
            self.commits.fetch_add(1, Relaxed);
            self.entries.fetch_add(u64::try_from(entries).unwrap_or(u64::MAX), Relaxed);
        } else {
            self.failures.fetch_add(1, Relaxed);
        }
    }

    pub(crate) fn stats(&self, entries_in_trail: i64, waiting: usize) -> AuditStats {
        AuditStats {
            entries: entries_in_trail,
            group_commits: self.commits.load(Relaxed),
            group_entries: self.entries.load(Relaxed),
            group_failures: self.failures.load(Relaxed),
            group_waiting: waiting,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refreshes_add_up() {
        let meter = RefreshMeter::default();
        meter.refreshed(Instant::now(), 0, true);
        meter.refreshed(Instant::now(), 3, false);
        let s = meter.stats(10, 2, 4);
        assert_eq!((s.members, s.units, s.behind), (10, 2, 4));
        assert_eq!((s.refreshes, s.rebuilds, s.changes_applied), (2, 1, 3));
    }

    #[test]
    fn a_failed_batch_counts_no_entry() {
        let meter = GroupMeter::default();
        meter.batch(5, true);
        meter.batch(7, false);
        meter.batch(1, true);
        assert_eq!(meter.stats(40, 2), AuditStats { entries: 40, group_commits: 2, group_entries: 6, group_failures: 1, group_waiting: 2 });
    }
}
