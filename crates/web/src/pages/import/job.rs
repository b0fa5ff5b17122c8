//! `GET /import/{id}`: a job's page — the progress of its check or apply, then what the file
//! holds and what would happen to every row, the column mapping as a form, the rows to confirm
//! and the apply form; after the apply, what was written. And the forms it posts.

use std::time::Instant;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use domain::interchange::{Column, Mapping, SavedMapping, SheetKind, UnitColumn};
use storage::import::{ImportCounts, ImportPlan, MemberAction, UnitAction};

use super::{MeaningView, job_href, meanings, parse_meaning};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId};
use crate::format;
use crate::forms::{self, Opt};
use crate::import_file::{RegisterFile, SheetMapping};
use crate::import_jobs::{ImportJob, JobState};
use crate::pages::Link;
use crate::respond::{render, see_other};
use crate::session::{AppState, Caller};

/// Rows listed per kind (refused, changes, warnings) before "and N more".
const SHOWN: usize = 200;

struct RunningView {
    phase: &'static str,
    done: String,
    total: String,
    /// For the `<progress>` element.
    value: usize,
    max: usize,
    rate: String,
    left: String,
}

struct SheetView {
    name: String,
    kind: &'static str,
    header_row: String,
    rows: String,
}

struct ColumnChoice {
    /// The select's name: `m{sheet}_{column}`.
    name: String,
    header: String,
    options: Vec<Opt>,
}

struct MappingSheet {
    name: String,
    kind: &'static str,
    columns: Vec<ColumnChoice>,
}

struct DefaultView {
    name: String,
    label: &'static str,
    value: String,
}

struct CountView {
    label: &'static str,
    value: String,
}

/// A refused row's reason, or a row's warning.
struct ReasonView {
    row: usize,
    column: String,
    reason: String,
}

struct ChangeView {
    row: usize,
    label: String,
    register: String,
    file: String,
}

struct ConfirmView {
    row: usize,
    name: String,
}

struct PlanView {
    format: String,
    took: String,
    sheets: Vec<SheetView>,
    file_warnings: Vec<String>,
    mapping: Vec<MappingSheet>,
    defaults: Vec<DefaultView>,
    meanings: Vec<MeaningView>,
    counts: Vec<CountView>,
    refused: Vec<ReasonView>,
    refused_more: usize,
    changes: Vec<ChangeView>,
    kept: Vec<ChangeView>,
    changes_more: usize,
    confirms: Vec<ConfirmView>,
    warnings: Vec<ReasonView>,
    warnings_more: usize,
    may_apply: bool,
    has_proposals: bool,
}

struct AppliedView {
    import: String,
    counts: Vec<CountView>,
    units: Vec<Link>,
}

#[derive(Template)]
#[template(path = "import_job.html")]
struct JobPage {
    chrome: Chrome,
    id: String,
    file_name: String,
    running: Option<RunningView>,
    failed: Option<String>,
    planned: Option<PlanView>,
    applied: Option<AppliedView>,
    errors: Vec<String>,
    mapping_name: String,
}

/// The job, when the caller owns it (404 otherwise, as for one that does not exist).
fn owned(state: &AppState, s: &Caller, id: &str) -> Result<ImportJob, AppError> {
    state.imports.get(id, s.principal().account_id).ok_or_else(AppError::not_found)
}

fn running_view(applying: bool, started: Instant, progress: Option<storage::import::ImportProgress>) -> RunningView {
    let (done, total) = progress.map_or((0, 0), |p| (p.done.min(p.total), p.total));
    let elapsed = started.elapsed().as_secs_f64().max(0.001);
    let rate = done as f64 / elapsed;
    let left = if rate > 0.0 && total > done { ((total - done) as f64 / rate).ceil() as u64 } else { 0 };
    let phase = match (applying, progress.map(|p| p.phase)) {
        (true, Some(storage::import::ImportPhase::Writing)) => "Đang ghi vào sổ",
        (true, _) => "Đang kiểm tra lại trước khi ghi",
        (false, None) => "Đang đọc tệp",
        (false, Some(_)) => "Đang chạy thử (kiểm tra từng dòng, chưa ghi gì)",
    };
    RunningView {
        phase,
        done: format::count(done),
        total: format::count(total),
        value: done,
        max: total.max(1),
        rate: format::count(rate.round() as usize),
        left: if left >= 60 { format!("{} phút {} giây", left / 60, left % 60) } else { format!("{left} giây") },
    }
}

fn member_counts(c: &ImportCounts, applied: bool) -> Vec<CountView> {
    let n = |v: usize| format::count(v);
    vec![
        CountView { label: if applied { "Đã tạo (đảng viên)" } else { "Sẽ tạo (đảng viên)" }, value: n(c.created) },
        CountView { label: if applied { "Đã cập nhật" } else { "Sẽ cập nhật" }, value: n(c.updated) },
        CountView { label: "Không đổi", value: n(c.unchanged) },
        CountView { label: "Có thay đổi đề xuất", value: n(c.proposed) },
        CountView { label: "Chờ xác nhận", value: n(c.to_confirm) },
        CountView { label: "Bị từ chối", value: n(c.refused) },
        CountView { label: "Lưu ý", value: n(c.warnings) },
        CountView { label: if applied { "Tổ chức đã tạo" } else { "Tổ chức sẽ tạo" }, value: n(c.units_created) },
        CountView { label: "Tổ chức đã có", value: n(c.units_existing) },
        CountView { label: "Tổ chức bị từ chối", value: n(c.units_refused) },
    ]
}

/// The file header of a column code on the sheets of `kind` (the code's own header otherwise).
fn header_of(file: &RegisterFile, code: Option<&str>) -> String {
    let Some(code) = code else { return String::new() };
    for sheet in &file.sheets {
        if let Some(c) = Column::parse(code)
            && let Some(i) = sheet.mapping.member_column(c)
            && let Some(h) = sheet.headers.get(i)
        {
            return h.clone();
        }
        if let Some(c) = UnitColumn::parse(code)
            && let Some(i) = sheet.mapping.units.iter().position(|u| *u == Some(c))
            && let Some(h) = sheet.headers.get(i)
        {
            return h.clone();
        }
    }
    Column::parse(code)
        .map(|c| c.header().to_owned())
        .or_else(|| UnitColumn::parse(code).map(|c| c.header().to_owned()))
        .unwrap_or_default()
}

fn kind_label(kind: Option<SheetKind>) -> &'static str {
    match kind {
        Some(SheetKind::Members) => "Danh sách đảng viên",
        Some(SheetKind::Units) => "Danh sách tổ chức",
        None => "Không nhận ra dòng tiêu đề (bỏ qua)",
    }
}

fn mapping_view(file: &RegisterFile) -> Vec<MappingSheet> {
    let mut out = Vec::new();
    for (index, sheet) in file.sheets.iter().enumerate() {
        let Some(kind) = sheet.kind else { continue };
        let columns = sheet
            .headers
            .iter()
            .enumerate()
            .map(|(c, header)| {
                let blank = |selected: bool| Opt { value: String::new(), label: "không nạp".to_owned(), selected };
                let options = match kind {
                    SheetKind::Members => {
                        let current = sheet.mapping.members.get(c).copied().flatten();
                        std::iter::once(blank(current.is_none()))
                            .chain(Column::ALL.iter().map(|col| Opt {
                                value: col.code().to_owned(),
                                label: col.header().to_owned(),
                                selected: current == Some(*col),
                            }))
                            .collect()
                    }
                    SheetKind::Units => {
                        let current = sheet.mapping.units.get(c).copied().flatten();
                        std::iter::once(blank(current.is_none()))
                            .chain(UnitColumn::ALL.iter().map(|col| Opt {
                                value: col.code().to_owned(),
                                label: col.header().to_owned(),
                                selected: current == Some(*col),
                            }))
                            .collect()
                    }
                };
                let header = if header.trim().is_empty() { format!("(cột {} không có tiêu đề)", c + 1) } else { header.clone() };
                ColumnChoice { name: format!("m{index}_{c}"), header, options }
            })
            .collect();
        out.push(MappingSheet { name: sheet.name.clone(), kind: kind_label(Some(kind)), columns });
    }
    out
}

/// Fields no member sheet reads, each with the value given for every row (if any).
fn defaults_view(file: &RegisterFile, job: &ImportJob) -> Vec<DefaultView> {
    if !file.sheets.iter().any(|s| s.kind == Some(SheetKind::Members)) {
        return Vec::new();
    }
    let read: Vec<Column> = file.sheets.iter().flat_map(|s| s.mapping.members.iter().flatten().copied()).collect();
    Column::ALL
        .iter()
        .filter(|c| !read.contains(c) && !matches!(c, Column::Number | Column::FullName | Column::Note))
        .map(|c| DefaultView {
            name: format!("d_{}", c.code()),
            label: c.header(),
            value: job.options.defaults.iter().find(|(d, _)| d == c).map(|(_, v)| v.clone()).unwrap_or_default(),
        })
        .collect()
}

fn plan_view(job: &ImportJob, file: &RegisterFile, plan: &ImportPlan, took: std::time::Duration) -> PlanView {
    let mut refused = Vec::new();
    let mut changes = Vec::new();
    let mut kept = Vec::new();
    let mut confirms = Vec::new();
    let mut warnings = Vec::new();
    let mut has_proposals = false;
    for u in &plan.units {
        if let UnitAction::Refused { errors } = &u.outcome {
            for e in errors {
                refused.push(ReasonView { row: u.row, column: header_of(file, e.column.as_deref()), reason: e.message.clone() });
            }
        }
    }
    for m in &plan.members {
        match &m.outcome {
            MemberAction::Refused { errors } => {
                for e in errors {
                    refused.push(ReasonView { row: m.row, column: header_of(file, e.column.as_deref()), reason: e.message.clone() });
                }
            }
            MemberAction::Update { changes: proposed, differences, .. } => {
                has_proposals |= !proposed.is_empty();
                for c in proposed {
                    changes.push(ChangeView { row: m.row, label: c.label.clone(), register: c.register.clone(), file: c.file.clone() });
                }
                for d in differences {
                    kept.push(ChangeView { row: m.row, label: d.label.clone(), register: d.register.clone(), file: d.file.clone() });
                }
            }
            MemberAction::Confirm { name, .. } => confirms.push(ConfirmView { row: m.row, name: name.clone() }),
            MemberAction::Create { .. } | MemberAction::Unchanged { .. } => {}
        }
        for w in &m.warnings {
            warnings.push(ReasonView { row: m.row, column: String::new(), reason: w.message.clone() });
        }
    }
    let refused_more = more(&mut refused);
    let changes_more = more(&mut changes) + more(&mut kept);
    let warnings_more = more(&mut warnings);
    let c = &plan.counts;
    PlanView {
        format: format!("{}{}", file.format.label(), file.encoding.map(|e| format!(", bảng mã {}", e.label())).unwrap_or_default()),
        took: format!("{} giây", format::decimal(took.as_secs_f64())),
        sheets: file
            .sheets
            .iter()
            .map(|s| SheetView {
                name: s.name.clone(),
                kind: kind_label(s.kind),
                header_row: s.header_row.map(|r| r.to_string()).unwrap_or_else(|| "—".to_owned()),
                rows: format::count(s.rows),
            })
            .collect(),
        file_warnings: file.warnings.clone(),
        mapping: mapping_view(file),
        defaults: defaults_view(file, job),
        meanings: meanings(job.options.meaning),
        counts: member_counts(c, false),
        refused,
        refused_more,
        changes,
        kept,
        changes_more,
        confirms,
        warnings,
        warnings_more,
        may_apply: c.created + c.updated + c.proposed + c.to_confirm + c.units_created > 0,
        has_proposals,
    }
}

/// Keeps the first [`SHOWN`] items; answers how many were left out.
fn more<T>(v: &mut Vec<T>) -> usize {
    let n = v.len().saturating_sub(SHOWN);
    v.truncate(SHOWN);
    n
}

async fn applied_view(s: &Caller, plan: &ImportPlan) -> Result<AppliedView, AppError> {
    let picker = s.picker(storage::access::Offer::Register)?;
    let mut units = Vec::new();
    for u in &plan.units {
        if let UnitAction::Create { code, name, .. } = &u.outcome {
            let found = match picker.resolve(code, storage::PickFilter::default(), 2).await {
                Ok(storage::access::Resolved::One(c)) if c.unit.code == *code => Some(c.unit.id),
                _ => None,
            };
            units.push(match found {
                Some(id) => Link::unit(s, id, "", name.clone()).await,
                None => Link { href: String::new(), label: name.clone() },
            });
        }
    }
    Ok(AppliedView { import: plan.import.map(|i| i.to_string()).unwrap_or_default(), counts: member_counts(&plan.counts, true), units })
}

async fn job_page(s: &Caller, chrome: Chrome, job: &ImportJob, errors: Vec<String>, status: StatusCode) -> Result<Response, AppError> {
    let mut view = JobPage {
        chrome: chrome.titled(format!("Nạp tệp {}", job.file_name)),
        id: job.id.clone(),
        file_name: job.file_name.clone(),
        running: None,
        failed: None,
        planned: None,
        applied: None,
        errors,
        mapping_name: String::new(),
    };
    match &job.state {
        JobState::Running { applying, started, progress } => view.running = Some(running_view(*applying, *started, *progress)),
        JobState::Failed { message } => view.failed = Some(message.clone()),
        JobState::Planned { file, plan, took } => view.planned = Some(plan_view(job, file, plan, *took)),
        JobState::Applied { plan, .. } => view.applied = Some(applied_view(s, plan).await?),
    }
    render(status, &view)
}

/// `GET /import/{id}`.
pub(super) async fn show(
    s: Caller,
    State(state): State<AppState>,
    chrome: Chrome,
    PathId(id): PathId<String>,
) -> Result<Response, AppError> {
    s.importer()?;
    let job = owned(&state, &s, &id)?;
    job_page(&s, chrome, &job, Vec::new(), StatusCode::OK).await
}

fn get<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The mappings the form sent, for the sheets of the file (a sheet without fields keeps its own).
fn sent_mappings(file: &RegisterFile, fields: &[(String, String)]) -> Result<Vec<SheetMapping>, String> {
    let mut out = Vec::new();
    for (index, sheet) in file.sheets.iter().enumerate() {
        let Some(kind) = sheet.kind else { continue };
        let mut mapping = Mapping::default();
        let mut any = false;
        for c in 0..sheet.headers.len() {
            let code = get(fields, &format!("m{index}_{c}"));
            any |= code.is_some();
            let code = code.unwrap_or_default().trim();
            match kind {
                SheetKind::Members => mapping.members.push(if code.is_empty() { None } else { Column::parse(code) }),
                SheetKind::Units => mapping.units.push(if code.is_empty() { None } else { UnitColumn::parse(code) }),
            }
        }
        if !any {
            out.push(SheetMapping { sheet: sheet.name.clone(), mapping: sheet.mapping.clone() });
            continue;
        }
        let twice: Vec<&str> = match kind {
            SheetKind::Members => mapping.duplicated().iter().map(|c| c.header()).collect(),
            SheetKind::Units => {
                let chosen: Vec<UnitColumn> = mapping.units.iter().flatten().copied().collect();
                UnitColumn::ALL.iter().filter(|u| chosen.iter().filter(|c| c == u).count() > 1).map(|u| u.header()).collect()
            }
        };
        if !twice.is_empty() {
            return Err(format!(
                "Trang “{}”: mỗi trường chỉ ghép với một cột; “{}” đang ghép với nhiều cột.",
                sheet.name,
                twice.join("”, “")
            ));
        }
        out.push(SheetMapping { sheet: sheet.name.clone(), mapping });
    }
    Ok(out)
}

/// The caller's job and its file, once planned (a job still running or applied takes no forms:
/// 409).
fn planned(state: &AppState, s: &Caller, id: &str) -> Result<(ImportJob, std::sync::Arc<RegisterFile>), AppError> {
    let job = owned(state, s, id)?;
    match &job.state {
        JobState::Planned { file, .. } => {
            let file = file.clone();
            Ok((job, file))
        }
        _ => Err(AppError::for_status(StatusCode::CONFLICT)),
    }
}

/// Whether a checkbox was ticked.
fn ticked(fields: &[(String, String)], name: &str) -> bool {
    get(fields, name).is_some_and(|v| domain::member::parse_yes_no(v).unwrap_or(false))
}

/// `POST /import/{id}/mapping` (m{sheet}_{column}, d_{field}, meaning): reads and checks the
/// file again with the person's choices.
pub(super) async fn remap(
    s: Caller,
    State(state): State<AppState>,
    chrome: Chrome,
    PathId(id): PathId<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    s.importer()?;
    let job = owned(&state, &s, &id)?;
    if let JobState::Failed { .. } = job.state {
        super::run::check(&state, s.0.clone(), &id);
        return Ok(see_other(&job_href(&id)));
    }
    let (job, file) = planned(&state, &s, &id)?;
    let mappings = match sent_mappings(&file, &fields) {
        Ok(m) => m,
        Err(message) => return job_page(&s, chrome, &job, vec![message], StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let defaults: Vec<(Column, String)> = Column::ALL
        .iter()
        .filter_map(|c| get(&fields, &format!("d_{}", c.code())).map(str::trim).filter(|v| !v.is_empty()).map(|v| (*c, v.to_owned())))
        .collect();
    let meaning = get(&fields, "meaning").map_or(job.options.meaning, parse_meaning);
    state.imports.update(&id, |j| {
        j.options.mappings = mappings;
        j.options.defaults = defaults;
        j.options.meaning = meaning;
    });
    super::run::check(&state, s.0.clone(), &id);
    Ok(see_other(&job_href(&id)))
}

/// `POST /import/{id}/mappings` (name, replace): saves the job's column mapping under a name.
pub(super) async fn save_mapping(
    s: Caller,
    State(state): State<AppState>,
    chrome: Chrome,
    PathId(id): PathId<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.importer()?;
    let (job, file) = planned(&state, &s, &id)?;
    let mut saved = SavedMapping {
        meaning: job.options.meaning,
        defaults: job.options.defaults.iter().map(|(c, v)| domain::interchange::SavedDefault { column: *c, value: v.clone() }).collect(),
        ..SavedMapping::default()
    };
    for sheet in &file.sheets {
        if let Some(kind) = sheet.kind {
            saved.record(kind, &sheet.headers, &sheet.mapping);
        }
    }
    let name = get(&fields, "name").unwrap_or_default();
    let existing =
        if ticked(&fields, "replace") { desk.mappings().await?.into_iter().find(|m| m.name == domain::text::clean(name)) } else { None };
    let result = match existing {
        Some(m) => desk.save_mapping(name, Some(m.version), &saved).await,
        None => desk.save_mapping(name, None, &saved).await,
    };
    match result {
        Ok(_) => Ok(see_other(&job_href(&id))),
        Err(e) => {
            let refusal = forms::refusal(e)?;
            let status = refusal.status();
            job_page(&s, chrome, &job, forms::messages(refusal.errors()), status).await
        }
    }
}

/// `POST /import/{id}/apply` (accept_changes, confirm…): writes the file in one transaction on a
/// background task. Refused while another import runs on an overlapping part of the tree.
pub(super) async fn apply(
    s: Caller,
    State(state): State<AppState>,
    chrome: Chrome,
    PathId(id): PathId<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.importer()?;
    let (job, file) = planned(&state, &s, &id)?;
    let accept_changes = ticked(&fields, "accept_changes");
    let confirmed: Vec<usize> = fields.iter().filter(|(k, _)| k == "confirm").filter_map(|(_, v)| v.trim().parse().ok()).collect();
    {
        let _gate = state.imports.apply_gate.lock().await;
        for other in state.imports.applying_roots(&id) {
            if desk.overlap(other, job.options.root).await? {
                let message = "Đang có một lần nạp khác ghi vào cùng tổ chức (hoặc tổ chức cấp trên, trực thuộc). \
                               Chờ lần nạp đó xong rồi bấm nạp lại; chưa có gì của tệp này được ghi."
                    .to_owned();
                return job_page(&s, chrome, &job, vec![message], StatusCode::CONFLICT).await;
            }
        }
        state.imports.update(&id, |j| j.state = JobState::Running { applying: true, started: Instant::now(), progress: None });
    }
    super::run::apply(&state, s.0.clone(), job, file, accept_changes, confirmed);
    Ok(see_other(&job_href(&id)))
}
