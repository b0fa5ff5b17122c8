//! The files of a directive: the sender's (annexes, forms to fill) and those a receiving unit
//! attaches to its report; uploaded from the directive's page, checked as every attachment is
//! (`crate::upload`), downloaded as bytes.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::response::Response;
use domain::ids::UnitId;
use storage::StoreError;

use super::detail::refused;
use super::directive_href;
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{PathId, PathIds};
use crate::session::{AppState, Caller};

async fn attach(
    s: &Caller,
    state: &AppState,
    chrome: Chrome,
    id: i64,
    unit: Option<UnitId>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let desk = s.directives()?;
    // Who may add here is checked before the upload is read.
    desk.require_attaching(id, unit).await?;
    let form = crate::upload::read(multipart).await?;
    let file = match crate::upload::check(state.auth.scan_command.as_deref(), &form.name, form.bytes).await {
        Ok(f) => f,
        Err(e) => return refused(s, chrome, id, StoreError::Invalid(domain::ValidationErrors { errors: vec![e] }), &[]).await,
    };
    match desk.attach(id, unit, &file.name, file.media_type, &file.bytes).await {
        Ok(_) => Ok(crate::respond::see_other(&directive_href(id))),
        Err(e) => refused(s, chrome, id, e, &[]).await,
    }
}

/// `POST /directives/{id}/files` (multipart: file): a file of the sender's.
pub(super) async fn attach_sender(
    s: Caller,
    State(state): State<AppState>,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    attach(&s, &state, chrome, id, None, multipart).await
}

/// `POST /directives/{id}/receipts/{unit}/files` (multipart: file): a file of the unit's report.
pub(super) async fn attach_report(
    s: Caller,
    State(state): State<AppState>,
    chrome: Chrome,
    PathIds(id, unit): PathIds<i64, UnitId>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    attach(&s, &state, chrome, id, Some(unit), multipart).await
}

/// `GET /directives/files/{id}`: the file, to save.
pub(super) async fn download(s: Caller, PathId(file): PathId<i64>) -> Result<Response, AppError> {
    let (view, bytes) = s.directives()?.file(file).await?;
    Ok(crate::upload::download(&view.name, bytes))
}
