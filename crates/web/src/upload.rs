//! Files uploaded as attachments (of documents and of directives): the page's multipart form read
//! into its fields and its file, and every file checked the same way before it is stored — a
//! name, a type told from the content (`domain::documents::attachment_type`, never the name),
//! and the site's virus scanner ([`crate::scan`]).

use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use domain::FieldError;
use domain::documents::{attachment_type, file_name};

use crate::error::AppError;

/// A multipart form as sent: its text fields and its one file (`file`).
pub struct Uploaded {
    pub fields: Vec<(String, String)>,
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Uploaded {
    pub fn field(&self, name: &str) -> &str {
        self.fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }
}

/// Reads the form (400 when it cannot be read). Handlers call it after the scope checks, so a
/// body is never read for someone who may not send it.
pub async fn read(multipart: Result<Multipart, MultipartRejection>) -> Result<Uploaded, AppError> {
    let unreadable = || AppError::bad_request("Không đọc được tệp tải lên; chọn tệp và gửi lại.");
    let mut multipart = multipart.map_err(|_| unreadable())?;
    let mut form = Uploaded { fields: Vec::new(), name: String::new(), bytes: Vec::new() };
    while let Some(field) = multipart.next_field().await.map_err(|_| unreadable())? {
        let key = field.name().unwrap_or_default().to_owned();
        if key == "file" {
            form.name = field.file_name().unwrap_or_default().to_owned();
            form.bytes = field.bytes().await.map_err(|_| unreadable())?.to_vec();
        } else {
            let value = field.text().await.map_err(|_| unreadable())?;
            form.fields.push((key, value));
        }
    }
    Ok(form)
}

/// A file fit to store.
pub struct Checked {
    pub name: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Checks a file: its name (field `name`), its type from the content (`file`: `type`, `empty`,
/// `too_large`), the scanner (`file`: `infected`, `scan_failed`).
pub async fn check(scan_command: Option<&str>, name: &str, bytes: Vec<u8>) -> Result<Checked, FieldError> {
    let name = file_name(name).map_err(|mut e| {
        e.field = "name".into();
        e
    })?;
    let kind = attachment_type(&bytes)?;
    let bytes = crate::scan::check(scan_command, bytes).await.map_err(|r| {
        let code = if r == crate::scan::ScanRefusal::Infected { "infected" } else { "scan_failed" };
        FieldError::new("file", code, r.message())
    })?;
    Ok(Checked { name, media_type: kind.media_type, bytes })
}

/// The download of a stored file: always bytes to save, never shown by the browser as a page.
pub fn download(name: &str, bytes: Vec<u8>) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let disposition = format!("attachment; filename*=UTF-8''{}", crate::format::encode(name));
    ([(header::CONTENT_TYPE, "application/octet-stream".to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}
