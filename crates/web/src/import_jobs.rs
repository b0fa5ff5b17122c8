//! The imports in progress on this server (`/import`): each uploaded file kept in memory with
//! its owner, the options chosen, and where its dry run or apply stands. Process-local: a restart
//! forgets them (nothing is written before an apply, and an apply is one transaction). Jobs are
//! dropped a few hours after their last use.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use domain::ids::UnitId;
use domain::interchange::{AdmissionDateMeaning, Column, SavedMapping};
use storage::import::{ImportPhase, ImportPlan, ImportProgress};

use crate::import_file::{RegisterFile, SheetMapping};

/// How long a job is kept after it was last looked at.
pub const JOB_LIFETIME: Duration = Duration::from_secs(4 * 3600);

/// The options an upload and the mapping form chose.
#[derive(Debug, Clone, Default)]
pub struct JobOptions {
    pub root: Option<UnitId>,
    pub meaning: AdmissionDateMeaning,
    pub defaults: Vec<(Column, String)>,
    pub mappings: Vec<SheetMapping>,
    pub saved: Option<SavedMapping>,
}

/// Where a job stands.
#[derive(Debug, Clone)]
pub enum JobState {
    /// The dry run (or an apply) is running.
    Running { applying: bool, started: Instant, progress: Option<ImportProgress> },
    /// The dry run's answer, waiting for the person.
    Planned { file: Arc<RegisterFile>, plan: Arc<ImportPlan>, took: Duration },
    /// Written: the import's plan as applied.
    Applied { file: Arc<RegisterFile>, plan: Arc<ImportPlan> },
    /// The file could not be read or checked (the message in Vietnamese).
    Failed { message: String },
}

/// One uploaded file and its work.
#[derive(Debug, Clone)]
pub struct ImportJob {
    pub id: String,
    /// The account that uploaded it: nobody else sees it.
    pub owner: i64,
    pub file_name: String,
    pub bytes: Arc<Vec<u8>>,
    /// SHA-256 of the bytes, hex.
    pub digest: String,
    pub options: JobOptions,
    pub state: JobState,
    touched: Instant,
}

impl ImportJob {
    pub fn new(id: String, owner: i64, file_name: String, bytes: Vec<u8>, digest: String, options: JobOptions) -> ImportJob {
        ImportJob {
            id,
            owner,
            file_name,
            bytes: Arc::new(bytes),
            digest,
            options,
            state: JobState::Running { applying: false, started: Instant::now(), progress: None },
            touched: Instant::now(),
        }
    }

    pub fn is_applying(&self) -> bool {
        matches!(self.state, JobState::Running { applying: true, .. })
    }
}

/// What the metrics show of the imports on this server.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct JobsSummary {
    /// Dry runs running now.
    pub checking: usize,
    /// Applies running now.
    pub applying: usize,
    /// Dry runs done, their plans waiting for the person.
    pub waiting: usize,
    /// Rows done and rows in all of the running jobs, by the phase each reported last.
    pub rows: Vec<PhaseRows>,
    /// Jobs finished since the start: dry runs planned or failed, applies written or failed.
    pub finished: FinishedImports,
}

/// Rows of the running jobs in one phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhaseRows {
    pub phase: ImportPhase,
    pub done: usize,
    pub total: usize,
}

/// Jobs finished, by stage and outcome.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FinishedImports {
    pub planned: u64,
    pub plan_failed: u64,
    pub applied: u64,
    pub apply_failed: u64,
}

/// The table of jobs ([`crate::AppState`] holds one).
#[derive(Debug, Default)]
pub struct ImportJobs {
    jobs: Mutex<HashMap<String, ImportJob>>,
    finished: Mutex<FinishedImports>,
    /// Held while an apply checks that no other apply runs on an overlapping part of the tree
    /// and marks itself running.
    pub apply_gate: tokio::sync::Mutex<()>,
}

impl ImportJobs {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, ImportJob>> {
        // A poisoned lock only means a holder panicked between two plain assignments.
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Drops the jobs nobody looked at for [`JOB_LIFETIME`] (a running one is kept).
    fn expire(map: &mut HashMap<String, ImportJob>) {
        map.retain(|_, j| matches!(j.state, JobState::Running { .. }) || j.touched.elapsed() < JOB_LIFETIME);
    }

    pub fn insert(&self, job: ImportJob) {
        let mut map = self.lock();
        Self::expire(&mut map);
        map.insert(job.id.clone(), job);
    }

    /// The job, when `account` owns it (`None` for anyone else, as for a missing one).
    pub fn get(&self, id: &str, account: i64) -> Option<ImportJob> {
        let mut map = self.lock();
        Self::expire(&mut map);
        let job = map.get_mut(id).filter(|j| j.owner == account)?;
        job.touched = Instant::now();
        Some(job.clone())
    }

    /// Changes a job in place (nothing when it is gone).
    pub fn update(&self, id: &str, change: impl FnOnce(&mut ImportJob)) {
        if let Some(job) = self.lock().get_mut(id) {
            change(job);
            job.touched = Instant::now();
        }
    }

    /// A running job's outcome: its new state, counted for the metrics.
    pub fn finish(&self, id: &str, outcome: JobState) {
        let applying = self.lock().get(id).is_some_and(ImportJob::is_applying);
        {
            let mut f = self.finished.lock().unwrap_or_else(|e| e.into_inner());
            let failed = matches!(outcome, JobState::Failed { .. });
            *match (applying, failed) {
                (false, false) => &mut f.planned,
                (false, true) => &mut f.plan_failed,
                (true, false) => &mut f.applied,
                (true, true) => &mut f.apply_failed,
            } += 1;
        }
        self.update(id, |j| j.state = outcome);
    }

    /// The jobs as the metrics show them.
    pub fn summary(&self) -> JobsSummary {
        let mut s = JobsSummary { finished: *self.finished.lock().unwrap_or_else(|e| e.into_inner()), ..JobsSummary::default() };
        for phase in [ImportPhase::Checking, ImportPhase::Writing] {
            s.rows.push(PhaseRows { phase, done: 0, total: 0 });
        }
        for job in self.lock().values() {
            match &job.state {
                JobState::Running { applying, progress, .. } => {
                    *if *applying { &mut s.applying } else { &mut s.checking } += 1;
                    if let Some(p) = progress
                        && let Some(rows) = s.rows.iter_mut().find(|r| r.phase == p.phase)
                    {
                        rows.done += p.done;
                        rows.total += p.total;
                    }
                }
                JobState::Planned { .. } => s.waiting += 1,
                JobState::Applied { .. } | JobState::Failed { .. } => {}
            }
        }
        s
    }

    /// The progress of a running job.
    pub fn progress(&self, id: &str, progress: ImportProgress) {
        self.update(id, |j| {
            if let JobState::Running { progress: p, .. } = &mut j.state {
                *p = Some(progress);
            }
        });
    }

    /// The roots of the jobs being applied, but `except`.
    pub fn applying_roots(&self, except: &str) -> Vec<Option<UnitId>> {
        self.lock().values().filter(|j| j.id != except && j.is_applying()).map(|j| j.options.root).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: &str, owner: i64) -> ImportJob {
        ImportJob::new(id.into(), owner, "a.xlsx".into(), vec![1, 2], "00".into(), JobOptions::default())
    }

    #[test]
    fn only_the_owner_sees_a_job() {
        let jobs = ImportJobs::default();
        jobs.insert(job("a", 1));
        assert!(jobs.get("a", 1).is_some());
        assert!(jobs.get("a", 2).is_none());
        assert!(jobs.get("b", 1).is_none());
    }

    #[test]
    fn applying_roots_leave_out_the_asker_and_jobs_not_applying() {
        let jobs = ImportJobs::default();
        let mut a = job("a", 1);
        a.options.root = Some(UnitId(5));
        a.state = JobState::Running { applying: true, started: Instant::now(), progress: None };
        jobs.insert(a);
        jobs.insert(job("b", 1));
        assert_eq!(jobs.applying_roots("b"), vec![Some(UnitId(5))]);
        assert!(jobs.applying_roots("a").is_empty());
    }

    #[test]
    fn the_summary_counts_running_jobs_their_rows_and_outcomes() {
        let jobs = ImportJobs::default();
        jobs.insert(job("a", 1));
        jobs.insert(job("b", 2));
        jobs.progress("a", ImportProgress { phase: ImportPhase::Checking, done: 40, total: 100 });
        jobs.progress("b", ImportProgress { phase: ImportPhase::Checking, done: 5, total: 10 });
        let s = jobs.summary();
        assert_eq!((s.checking, s.applying, s.waiting), (2, 0, 0));
        assert_eq!(s.rows[0], PhaseRows { phase: ImportPhase::Checking, done: 45, total: 110 });
        assert_eq!(s.rows[1], PhaseRows { phase: ImportPhase::Writing, done: 0, total: 0 });
        jobs.finish("b", JobState::Failed { message: "x".into() });
        jobs.update("a", |j| j.state = JobState::Running { applying: true, started: Instant::now(), progress: None });
        jobs.progress("a", ImportProgress { phase: ImportPhase::Writing, done: 7, total: 100 });
        let s = jobs.summary();
        assert_eq!((s.checking, s.applying), (0, 1));
        assert_eq!(s.rows[1], PhaseRows { phase: ImportPhase::Writing, done: 7, total: 100 });
        jobs.finish("a", JobState::Failed { message: "y".into() });
        assert_eq!(jobs.summary().finished, FinishedImports { planned: 0, plan_failed: 1, applied: 0, apply_failed: 1 });
    }
}
