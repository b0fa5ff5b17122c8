//! `/api/v1/documents…` and `/api/v1/units/{id}/documents`: the document library
//! (docs/design/operations.md "Documents"). Every id goes through `storage::access::DocumentDesk`;
//! an attachment is sent as the raw body, its type told from the content and scanned when the
//! site has a scanner.

use axum::body::Bytes;
use axum::extract::State;

use axum::response::{IntoResponse, Response};
use domain::documents::{DocumentFields, DocumentInput};
use domain::ids::UnitId;
use serde::{Deserialize, Serialize};
use storage::{DocumentView, ReadStats};
use utoipa::ToSchema;

use super::bodies::DateText;
use super::units::created;
use super::{Created, ErrorEnvelope};
use crate::error::AppError;
use crate::extract::{Json, PathId, Query, typed};
use crate::policy::{Policy, Route};
use crate::session::{AppState, Caller};

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(domain::access::Capability::ReadRegister);
    vec![
        Route::get("/api/v1/documents", Policy::LoggedIn, mine),
        Route::get("/api/v1/units/{id}/documents", read, library),
        Route::post("/api/v1/units/{id}/documents", read, create),
        Route::get("/api/v1/documents/{id}", Policy::LoggedIn, detail),
        Route::post("/api/v1/documents/{id}/attachments", Policy::Staff, attach),
        Route::get("/api/v1/documents/attachments/{id}", Policy::LoggedIn, download),
    ]
}

/// A search.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words of the title, number, issuer, summary or attachment names, with or without
    /// diacritics (a word typed with them must match them).
    pub q: String,
}

/// A document as recorded.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentBody {
    /// nghi-quyet, quy-dinh, huong-dan, ket-luan, tai-lieu-hoc-tap, khac.
    pub kind: String,
    #[serde(default)]
    pub number: Option<String>,
    pub issued_on: DateText,
    pub issuer: String,
    pub title: String,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub valid_until: Option<DateText>,
    #[serde(default)]
    pub reach_kinds: Vec<domain::unit::UnitKind>,
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10)]
    pub reach_depth: Option<u32>,
    #[serde(default)]
    pub roles: Vec<domain::access::Role>,
}

/// A document as the caller reads it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentRead {
    pub document: DocumentView,
    /// Who opened it (for the readers of the committee's library).
    pub reads: Option<ReadStats>,
    /// The caller may add attachments.
    pub publishes: bool,
}

/// An attachment's name and the document's version.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AttachParams {
    /// The file's name, as it will be downloaded.
    pub name: String,
    #[param(value_type = i64)]
    pub version: String,
}

#[utoipa::path(get, path = "/api/v1/documents", tag = "documents", params(SearchParams),
    responses((status = 200, description = "The documents in force for the caller's units and roles, newest first", body = Vec<DocumentView>)))]
async fn mine(s: Caller, Query(p): Query<SearchParams>) -> Result<Response, AppError> {
    Ok(axum::Json(s.documents().mine(&p.q).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/units/{id}/documents", tag = "documents", params(("id" = i64, Path, description = "The committee"), SearchParams),
    responses((status = 200, description = "The committee's library, newest first (those no longer in force included)", body = Vec<DocumentView>)))]
async fn library(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<SearchParams>) -> Result<Response, AppError> {
    Ok(axum::Json(s.documents().library(unit, &p.q, false).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/units/{id}/documents", tag = "documents", params(("id" = i64, Path, description = "The committee")),
    request_body = DocumentBody,
    responses((status = 201, description = "Recorded", body = Created),
              (status = 403, description = "You may not publish in this library", body = ErrorEnvelope),
              (status = 422, description = "A field refused", body = ErrorEnvelope)))]
async fn create(s: Caller, PathId(unit): PathId<UnitId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.documents();
    desk.require_publishing(unit).await?;
    let b: DocumentBody = typed(body)?;
    let kinds: Vec<String> = b.reach_kinds.iter().map(|k| k.code().to_owned()).collect();
    let roles: Vec<String> = b.roles.iter().map(|r| r.code().to_owned()).collect();
    let (issued, until, depth) = (
        b.issued_on.to_string(),
        b.valid_until.map(|d| d.to_string()).unwrap_or_default(),
        b.reach_depth.map(|d| d.to_string()).unwrap_or_default(),
    );
    let fields = DocumentFields {
        kind: &b.kind,
        number: b.number.as_deref().unwrap_or(""),
        issued_on: &issued,
        issuer: &b.issuer,
        title: &b.title,
        summary: b.summary.as_deref().unwrap_or(""),
        valid_until: &until,
        reach_kinds: &kinds,
        reach_depth: &depth,
        roles: &roles,
    };
    let input = DocumentInput::parse(&fields).map_err(AppError::validation)?;
    Ok(created(desk.create(unit, input).await?))
}

#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "documents", params(("id" = i64, Path, description = "Document id")),
    responses((status = 200, description = "The document; reading it as one it is for records the read", body = DocumentRead),
              (status = 404, description = "Not in a library the caller reads, nor for the caller", body = ErrorEnvelope)))]
async fn detail(s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    let desk = s.documents();
    let sight = desk.open(id).await?;
    let reads = if sight.manages { Some(desk.reads_of(id).await?) } else { None };
    Ok(axum::Json(DocumentRead { document: sight.document, reads, publishes: sight.publishes }).into_response())
}

#[utoipa::path(post, path = "/api/v1/documents/{id}/attachments", tag = "documents", params(("id" = i64, Path, description = "Document id"), AttachParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file, at most 20 MB"),
    responses((status = 201, description = "Stored", body = Created),
              (status = 403, description = "You may not publish in this library", body = ErrorEnvelope),
              (status = 409, description = "The document changed since the version sent", body = ErrorEnvelope),
              (status = 422, description = "An empty, too large or refused file (`type`: told from its content), a missing name, a scanner that refused it (`infected`, `scan_failed`)", body = ErrorEnvelope)))]
async fn attach(
    s: Caller,
    State(state): State<AppState>,
    PathId(id): PathId<i64>,
    Query(p): Query<AttachParams>,
    body: Bytes,
) -> Result<Response, AppError> {
    let desk = s.documents();
    let sight = desk.open(id).await?;
    // The document is readable here: not publishing in its library is a refusal, not a 404.
    if !sight.publishes {
        return Err(AppError::forbidden());
    }
    let version = super::version_or_error(p.version.trim().parse().ok())?;
    let file = crate::upload::check(state.auth.scan_command.as_deref(), &p.name, body.to_vec())
        .await
        .map_err(|e| AppError::validation(domain::ValidationErrors { errors: vec![e] }))?;
    Ok(created(desk.attach(id, version, &file.name, file.media_type, &file.bytes).await?))
}

#[utoipa::path(get, path = "/api/v1/documents/attachments/{id}", tag = "documents", params(("id" = i64, Path, description = "Attachment id")),
    responses((status = 200, description = "The file as uploaded", body = Vec<u8>, content_type = "application/octet-stream"),
              (status = 404, description = "Not an attachment of a document the caller may open", body = ErrorEnvelope)))]
async fn download(s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    let (view, bytes) = s.documents().attachment(id).await?;
    Ok(crate::upload::download(&view.name, bytes))
}
