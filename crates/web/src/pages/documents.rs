//! `/documents`: the document library ("Tài liệu", docs/design/operations.md): what is for the
//! person (their units, their role), searched with or without diacritics; a committee's library
//! with the form that adds a document; a document's page with its attachments (uploaded here,
//! type told from the content, scanned when the site has a scanner) and, for the committee's
//! readers, who opened it per unit.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use domain::ValidationErrors;
use domain::access::Role;
use domain::documents::{DocumentFields, DocumentInput, DocumentKind};
use domain::ids::UnitId;
use storage::access::{Access, DocumentSight};
use storage::{DocumentView, ReadStats};

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, Query};
use crate::format;
use crate::forms::{self, Field, Section, SummaryItem};
use crate::pages::directives::unit_label;
use crate::policy::{Policy, Route};
use crate::query::{param, parse_optional_unit};
use crate::respond::{page, render, see_other};
use crate::session::{AppState, Caller};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/documents", Policy::LoggedIn, list),
        Route::get("/documents/new", Policy::Staff, new_form),
        Route::post("/documents/new", Policy::Staff, create),
        Route::get("/documents/{id}", Policy::LoggedIn, show),
        Route::post("/documents/{id}/attachments", Policy::Staff, attach),
        Route::get("/documents/attachments/{id}", Policy::LoggedIn, download),
    ]
}

fn get<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

fn all(fields: &[(String, String)], name: &str) -> Vec<String> {
    fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
}

struct Row {
    href: String,
    title: String,
    meta: String,
    in_force: bool,
    attachments: usize,
}

fn row(d: &DocumentView) -> Row {
    let number = d.number.as_deref().map(|n| format!("{n} · ")).unwrap_or_default();
    Row {
        href: format!("/documents/{}", d.id),
        title: d.title.clone(),
        meta: format!("{number}{} · {} ban hành ngày {}", d.kind_label, d.issuer, format::date(d.issued_on)),
        in_force: d.in_force,
        attachments: d.attachments.len(),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListParams {
    q: String,
    unit: String,
}

#[derive(Template)]
#[template(path = "documents.html")]
struct ListPage {
    chrome: Chrome,
    q: String,
    mine: Vec<Row>,
    unit_value: String,
    library_name: String,
    library: Vec<Row>,
    new_href: Option<String>,
}

/// `GET /documents?q=&unit=`.
async fn list(s: Caller, chrome: Chrome, Query(p): Query<ListParams>) -> Result<Response, AppError> {
    let desk = s.documents();
    let mine = desk.mine(&p.q).await?.iter().map(row).collect();
    let staff_unit = s.principal().grants.iter().find(|g| g.role != Role::Member).and_then(|g| g.unit);
    let unit = param("unit", parse_optional_unit(&p.unit))?.or(staff_unit);
    let (mut library, mut library_name, mut new_href) = (Vec::new(), String::new(), None);
    if let Some(u) = unit {
        library = desk.library(u, &p.q, false).await?.iter().map(row).collect();
        library_name = unit_label(&s, u, "");
        if desk.may_publish(u).await {
            new_href = Some(format::href("/documents/new", &[("unit", &u.to_string())]));
        }
    }
    page(&ListPage {
        chrome: chrome.titled("Tài liệu"),
        q: p.q,
        mine,
        unit_value: unit.map(|u| u.to_string()).unwrap_or_default(),
        library_name,
        library,
        new_href,
    })
}

#[derive(Template)]
#[template(path = "document_form.html")]
struct FormPage {
    chrome: Chrome,
    unit_value: String,
    unit_name: String,
    summary: Vec<SummaryItem>,
    sections: Vec<Section>,
}

fn sections(fields: &[(String, String)]) -> Vec<Section> {
    let kinds = forms::codes(DocumentKind::ALL, DocumentKind::code, DocumentKind::label);
    let roles = [Role::OrgBoardStaff, Role::CommitteeLeader, Role::CellSecretary, Role::Inspector, Role::Member];
    let mut reach = crate::pages::directives::reach_fields(&all(fields, "reach_kinds"), get(fields, "reach_depth"));
    reach.push(
        Field::checks("roles", "Dành cho vai trò", &all(fields, "roles"), roles.iter().map(|r| (r.code(), r.label())))
            .hint("Không chọn vai trò nào: mọi người thuộc các tổ chức trên."),
    );
    vec![
        Section::new(
            "Tài liệu",
            vec![
                Field::select("kind", "Loại tài liệu", get(fields, "kind"), None, kinds).required(),
                Field::text("number", "Số, ký hiệu", get(fields, "number")).hint("Ví dụ 05-NQ/TU; để trống nếu không có."),
                Field::date("issued_on", "Ngày ban hành", get(fields, "issued_on")).required(),
                Field::text("issuer", "Cơ quan ban hành", get(fields, "issuer")).required(),
                Field::text("title", "Tên tài liệu, trích yếu", get(fields, "title")).required(),
                Field::textarea("summary", "Tóm tắt nội dung", get(fields, "summary")),
                Field::date("valid_until", "Hết hiệu lực từ sau ngày", get(fields, "valid_until"))
                    .hint("Để trống nếu còn hiệu lực đến khi được thay thế."),
            ],
        ),
        Section::new("Dành cho", reach)
            .note("Tài liệu luôn hiện trong thư viện của tổ chức ban hành; các tổ chức dưới được chọn thấy trong mục “Dành cho bạn”."),
    ]
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NewParams {
    unit: String,
}

fn form_page(s: &Access, chrome: Chrome, unit: UnitId, fields: &[(String, String)], errors: &ValidationErrors) -> FormPage {
    let mut sections = sections(fields);
    let summary = forms::attach_errors(&mut sections, errors);
    FormPage {
        chrome: chrome.titled("Thêm tài liệu"), unit_value: unit.to_string(), unit_name: unit_label(s, unit, ""), summary, sections
    }
}

/// `GET /documents/new?unit=`.
async fn new_form(s: Caller, chrome: Chrome, Query(p): Query<NewParams>) -> Result<Response, AppError> {
    let unit = param("unit", parse_optional_unit(&p.unit))?.ok_or_else(|| AppError::bad_request("Chọn tổ chức."))?;
    s.documents().require_publishing(unit).await?;
    page(&form_page(&s, chrome, unit, &[("kind".into(), "nghi-quyet".into())], &ValidationErrors::default()))
}

/// `POST /documents/new` (unit and the fields).
async fn create(s: Caller, chrome: Chrome, Form(fields): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let unit = param("unit", parse_optional_unit(get(&fields, "unit")))?.ok_or_else(|| AppError::bad_request("Chọn tổ chức."))?;
    let desk = s.documents();
    desk.require_publishing(unit).await?;
    let (kinds, roles) = (all(&fields, "reach_kinds"), all(&fields, "roles"));
    let typed = DocumentFields {
        kind: get(&fields, "kind"),
        number: get(&fields, "number"),
        issued_on: get(&fields, "issued_on"),
        issuer: get(&fields, "issuer"),
        title: get(&fields, "title"),
        summary: get(&fields, "summary"),
        valid_until: get(&fields, "valid_until"),
        reach_kinds: &kinds,
        reach_depth: get(&fields, "reach_depth"),
        roles: &roles,
    };
    let result = match DocumentInput::parse(&typed) {
        Ok(input) => desk.create(unit, input).await.map_err(forms::invalid),
        Err(e) => Err(Ok(e)),
    };
    match result {
        Ok(id) => Ok(see_other(&format!("/documents/{id}"))),
        Err(e) => render(StatusCode::UNPROCESSABLE_ENTITY, &form_page(&s, chrome, unit, &fields, &e?)),
    }
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    chrome: Chrome,
    sight: DocumentSight,
    reads: Option<ReadStats>,
    errors: Vec<String>,
}

impl DocumentPage {
    fn date(&self, d: &chrono::NaiveDate) -> String {
        format::date(*d)
    }

    fn size(&self, bytes: &i64) -> String {
        format::file_size(*bytes)
    }

    fn instant(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        format::instant(*t)
    }

    fn roles(&self) -> String {
        self.sight.document.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ")
    }
}

async fn document_page(s: &Access, chrome: Chrome, id: i64, errors: Vec<String>) -> Result<DocumentPage, AppError> {
    let desk = s.documents();
    let sight = desk.open(id).await?;
    let reads = if sight.manages { Some(desk.reads_of(id).await?) } else { None };
    Ok(DocumentPage { chrome: chrome.titled(sight.document.title.clone()), sight, reads, errors })
}

/// `GET /documents/{id}`: the document; opening it as one it is for records the read.
async fn show(State(state): State<AppState>, s: Caller, chrome: Chrome, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    // Opening it may mark it read: the handbook home shows what is unread.
    state.pages.forget(s.principal().account_id);
    page(&document_page(&s, chrome, id, Vec::new()).await?)
}

/// `POST /documents/{id}/attachments` (multipart: version, file).
async fn attach(
    s: Caller,
    State(state): State<AppState>,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let desk = s.documents();
    // The document and the right to publish are checked before the upload is read.
    let sight = desk.open(id).await?;
    // The document is readable here: not publishing in its library is a refusal, not a 404.
    if !sight.publishes {
        return Err(AppError::forbidden());
    }
    let form = crate::upload::read(multipart).await?;
    let version: i64 = form.field("version").trim().parse().map_err(|_| AppError::bad_request(forms::VERSION_REQUIRED))?;
    let file = match crate::upload::check(state.auth.scan_command.as_deref(), &form.name, form.bytes).await {
        Ok(f) => f,
        Err(e) => return render(StatusCode::UNPROCESSABLE_ENTITY, &document_page(&s, chrome, id, vec![e.message]).await?),
    };
    match desk.attach(id, version, &file.name, file.media_type, &file.bytes).await {
        Ok(_) => Ok(see_other(&format!("/documents/{id}"))),
        Err(e) => {
            let refusal = forms::refusal(e)?;
            let status = refusal.status();
            let errors = match refusal {
                forms::Refusal::Conflict { .. } => vec!["Tài liệu vừa được người khác cập nhật; hãy tải tệp lên lại.".to_owned()],
                forms::Refusal::Invalid(e) => forms::messages(e),
            };
            render(status, &document_page(&s, chrome, id, errors).await?)
        }
    }
}

/// `GET /documents/attachments/{id}`: the file, as uploaded, to save (never shown inline).
async fn download(s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    let (view, bytes) = s.documents().attachment(id).await?;
    Ok(crate::upload::download(&view.name, bytes))
}
