//! The background work of an import job: the dry run after an upload or a new mapping, and the
//! apply. Each runs on its own task and reports its progress into the job table.

use std::sync::Arc;
use std::time::Instant;

use storage::StoreError;
use storage::access::Access;
use storage::import::{ImportInput, ImportPlan, ImportProgress};

use crate::import_file::{ReadOptions, RegisterFile, read_register};
use crate::import_jobs::{ImportJob, JobState};
use crate::session::AppState;

/// The message of a failed check or apply, in Vietnamese.
fn failure(e: StoreError) -> String {
    match e {
        StoreError::Invalid(errors) => errors.errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join(" "),
        StoreError::Forbidden => "Bạn không có quyền ghi sổ ở tổ chức đã chọn.".to_owned(),
        StoreError::NotFound => "Không tìm thấy tổ chức đã chọn trong phạm vi của bạn.".to_owned(),
        StoreError::Conflict { .. } => "Sổ vừa được người khác cập nhật; kiểm tra lại tệp.".to_owned(),
        StoreError::Database(e) => {
            tracing::error!(error = %e, "import failed");
            "Lỗi hệ thống khi kiểm tra hoặc ghi tệp; chưa có gì được ghi. Thử lại sau hoặc báo quản trị viên.".to_owned()
        }
    }
}

/// The store's input for a job whose file was read.
pub(super) fn input_of(job: &ImportJob, file: &RegisterFile, accept_changes: bool, confirmed: Vec<usize>, state: &AppState) -> ImportInput {
    let (jobs, id) = (state.imports.clone(), job.id.clone());
    ImportInput {
        file_name: job.file_name.clone(),
        file_digest: job.digest.clone(),
        units: file.units.clone(),
        members: file.members.clone(),
        root: job.options.root,
        accept_changes,
        confirmed,
        scope: None,
        progress: Some(Arc::new(move |p: ImportProgress| jobs.progress(&id, p))),
        rebuild_indexes_from: storage::import::REBUILD_INDEXES_FROM,
    }
}

/// Starts the dry run of the job `id` (read the file with the job's options, then plan).
pub(super) fn check(state: &AppState, access: Access, id: &str) {
    let Some(job) = state.imports.get(id, access.principal().account_id) else { return };
    state.imports.update(id, |j| j.state = JobState::Running { applying: false, started: Instant::now(), progress: None });
    let state = state.clone();
    tokio::spawn(async move {
        let started = Instant::now();
        let today = access.today();
        let options = ReadOptions {
            meaning: job.options.meaning,
            defaults: job.options.defaults.clone(),
            today: None,
            mappings: job.options.mappings.clone(),
            saved: job.options.saved.clone(),
        };
        let (bytes, name) = (job.bytes.clone(), job.file_name.clone());
        let read = tokio::task::spawn_blocking(move || read_register(&bytes, &name, &options, today)).await;
        let outcome = match read {
            Ok(Ok(file)) => {
                let input = input_of(&job, &file, false, Vec::new(), &state);
                match plan(&access, input).await {
                    Ok(plan) => JobState::Planned { file: Arc::new(file), plan: Arc::new(plan), took: started.elapsed() },
                    Err(message) => JobState::Failed { message },
                }
            }
            Ok(Err(e)) => JobState::Failed { message: e.to_string() },
            Err(e) => {
                tracing::error!(error = %e, "reading an uploaded file failed");
                JobState::Failed { message: "Không đọc được tệp.".to_owned() }
            }
        };
        state.imports.finish(&job.id, outcome);
    });
}

async fn plan(access: &Access, input: ImportInput) -> Result<ImportPlan, String> {
    access.importer().map_err(failure)?.plan(input).await.map_err(failure)
}

/// Starts the apply of a planned job (already marked as applying).
pub(super) fn apply(
    state: &AppState,
    access: Access,
    job: ImportJob,
    file: Arc<RegisterFile>,
    accept_changes: bool,
    confirmed: Vec<usize>,
) {
    let state = state.clone();
    tokio::spawn(async move {
        let input = input_of(&job, &file, accept_changes, confirmed, &state);
        let result = match access.importer() {
            Ok(desk) => desk.apply(input).await.map_err(failure),
            Err(e) => Err(failure(e)),
        };
        let outcome = match result {
            Ok(plan) => JobState::Applied { file, plan: Arc::new(plan) },
            Err(message) => JobState::Failed { message },
        };
        state.imports.finish(&job.id, outcome);
    });
}
