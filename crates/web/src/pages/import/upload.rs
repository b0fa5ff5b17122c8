//! `GET /import` (the upload form and the recent imports) and `POST /import` (the upload).

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use sha2::{Digest, Sha256};

use super::{MeaningView, job_href, meanings, parse_meaning};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::UPLOAD_LIMIT;
use crate::format;
use crate::forms::{Field, Opt};
use crate::import_jobs::{ImportJob, JobOptions};
use crate::pages::Link;
use crate::respond::{render, see_other};
use crate::session::{AppState, Caller};

/// Imports listed under the form.
const RECENT: usize = 20;

struct RecentView {
    id: String,
    when: String,
    who: String,
    file: String,
    root: Link,
    counts: String,
}

#[derive(Template)]
#[template(path = "import_upload.html")]
struct UploadPage {
    chrome: Chrome,
    root: Vec<Field>,
    meanings: Vec<MeaningView>,
    mappings: Vec<Opt>,
    recent: Vec<RecentView>,
    errors: Vec<String>,
    limit: String,
}

/// What the upload form sent.
#[derive(Default)]
struct Sent {
    file_name: String,
    bytes: Vec<u8>,
    root: String,
    root_text: String,
    meaning: String,
    mapping: String,
}

async fn page(s: &Caller, chrome: Chrome, sent: &Sent, errors: Vec<String>, status: StatusCode) -> Result<Response, AppError> {
    let desk = s.importer()?;
    let picker = s.picker(storage::access::Offer::Write)?;
    let mut recent = Vec::new();
    for i in desk.recent(RECENT).await? {
        let root = match i.root {
            Some(u) => {
                let name = picker.peek(u).map(|c| crate::picker::label(&c)).unwrap_or_else(|| format!("Tổ chức số {u}"));
                Link::unit(s, u, "", name).await
            }
            None => Link { href: String::new(), label: "Cả đảng bộ (sổ trống)".to_owned() },
        };
        let c = i.counts;
        recent.push(RecentView {
            id: i.id.to_string(),
            when: format::instant(i.recorded_at),
            who: i.recorded_by,
            file: i.file_name,
            root,
            counts: format!(
                "{} đảng viên tạo mới, {} cập nhật, {} không đổi, {} bị từ chối; {} tổ chức tạo mới",
                format::count(c.created),
                format::count(c.updated),
                format::count(c.unchanged),
                format::count(c.refused),
                format::count(c.units_created)
            ),
        });
    }
    let mut root = Field::unit("root", "Nạp vào dưới tổ chức", &sent.root)
        .required()
        .hint("Tổ chức đảng trong phạm vi bạn được giao ghi sổ; các tổ chức cao nhất trong tệp là tổ chức này hoặc trực thuộc nó.");
    root.error = crate::picker::error("root");
    let mappings: Vec<Opt> = desk
        .mappings()
        .await?
        .into_iter()
        .map(|m| Opt { value: m.id.to_string(), label: m.name, selected: m.id.to_string() == sent.mapping })
        .collect();
    let view = UploadPage {
        chrome: chrome.titled("Nạp sổ đảng viên từ tệp"),
        root: vec![root],
        meanings: meanings(parse_meaning(&sent.meaning)),
        mappings,
        recent,
        errors,
        limit: format::count(UPLOAD_LIMIT / (1024 * 1024)),
    };
    render(status, &view)
}

/// `GET /import`: the upload form and the recent imports.
pub(super) async fn form(s: Caller, chrome: Chrome) -> Result<Response, AppError> {
    page(&s, chrome, &Sent::default(), Vec::new(), StatusCode::OK).await
}

async fn read_form(mut multipart: Multipart) -> Result<Sent, AppError> {
    let bad = |_| AppError::bad_request("Không đọc được biểu mẫu tải tệp lên; chọn tệp và gửi lại.");
    let mut sent = Sent::default();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                sent.file_name = field.file_name().unwrap_or_default().to_owned();
                sent.bytes = field.bytes().await.map_err(bad)?.to_vec();
            }
            "root" => sent.root = field.text().await.map_err(bad)?,
            "root__text" => sent.root_text = field.text().await.map_err(bad)?,
            "meaning" => sent.meaning = field.text().await.map_err(bad)?,
            "mapping" => sent.mapping = field.text().await.map_err(bad)?,
            _ => {}
        }
    }
    Ok(sent)
}

/// `POST /import` (multipart: file, root, meaning, mapping): keeps the file for its owner,
/// starts the dry run and shows its page.
pub(super) async fn upload(s: Caller, State(state): State<AppState>, chrome: Chrome, multipart: Multipart) -> Result<Response, AppError> {
    let desk = s.importer()?;
    let mut sent = read_form(multipart).await?;
    // The picker's typed text, resolved as the form extractors do for other forms.
    if !sent.root_text.trim().is_empty() {
        let pairs = vec![("root".to_owned(), sent.root.clone()), ("root__text".to_owned(), sent.root_text.clone())];
        sent.root = crate::picker::resolve(pairs).await.into_iter().find(|(k, _)| k == "root").map(|(_, v)| v).unwrap_or_default();
    }
    let mut errors = Vec::new();
    let root = match domain::event::parse_unit_id(&sent.root) {
        Ok(u) => Some(u),
        Err(_) => {
            errors.push(crate::picker::error("root").unwrap_or_else(|| "Chọn tổ chức đảng để nạp tệp vào.".to_owned()));
            None
        }
    };
    if sent.bytes.is_empty() {
        errors.push("Chọn tệp sổ đảng viên (.xlsx, .xls, .ods hoặc .csv) để tải lên.".to_owned());
    }
    let saved = match sent.mapping.trim() {
        "" => None,
        id => match id.parse::<i64>() {
            Ok(id) => Some(desk.mapping(id).await?),
            Err(_) => return Err(AppError::bad_request("Cách ghép cột không hợp lệ.")),
        },
    };
    let (Some(root), true) = (root, errors.is_empty()) else {
        return page(&s, chrome, &sent, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    desk.require_root(root).await?;
    let digest = Sha256::digest(&sent.bytes).iter().map(|b| format!("{b:02x}")).collect::<String>();
    let meaning = match &saved {
        Some(m) if sent.meaning.trim().is_empty() => m.mapping.meaning,
        _ => parse_meaning(&sent.meaning),
    };
    let options = JobOptions {
        root: Some(root),
        meaning,
        defaults: saved.as_ref().map(|m| m.mapping.default_values()).unwrap_or_default(),
        mappings: Vec::new(),
        saved: saved.map(|m| m.mapping),
    };
    let id = auth::token::random_token("").map_err(|_| AppError::internal())?;
    let name = if sent.file_name.trim().is_empty() { "tep-tai-len".to_owned() } else { sent.file_name.clone() };
    state.imports.insert(ImportJob::new(id.clone(), s.principal().account_id, name, std::mem::take(&mut sent.bytes), digest, options));
    super::run::check(&state, s.0.clone(), &id);
    Ok(see_other(&job_href(&id)))
}
