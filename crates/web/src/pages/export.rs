//! `/export`: "Xuất sổ đảng viên" — the register of a subtree as of a day, as `.xlsx` or CSV in
//! the columns the importer reads (docs/formats/register.md); `/export/file` is the download
//! (`crate::register_file`), which answers the form again with its errors when it cannot.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use domain::access::Capability;
use domain::interchange::export::NOT_CARRIED;

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::Query;
use crate::format;
use crate::forms;
use crate::policy::{Policy, Route};
use crate::query::export::ExportParams;
use crate::respond::render;
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/export", Policy::Needs(Capability::ReadRegister), export_page),
        Route::get("/export/file", Policy::Needs(Capability::ReadRegister), export_file),
    ]
}

#[derive(Template)]
#[template(path = "export.html")]
struct ExportPage {
    chrome: Chrome,
    unit: String,
    date: String,
    /// `xlsx` or `csv`.
    format: String,
    /// `members` or `units` (CSV).
    sheet: String,
    departed: bool,
    errors: Vec<String>,
    not_carried: &'static [&'static str],
}

impl ExportPage {
    /// The form as typed (the first unit of this person's tree and today when not given).
    async fn new(s: &Caller, chrome: Chrome, p: &ExportParams) -> Result<ExportPage, AppError> {
        let today = s.today();
        let mut unit = p.unit.clone();
        if unit.trim().is_empty()
            && let Some(first) = s.reader()?.children(None, today).await?.first()
        {
            unit = first.unit.id.to_string();
        }
        Ok(ExportPage {
            chrome: chrome.titled("Xuất sổ đảng viên"),
            unit,
            date: if p.date.trim().is_empty() { format::date(today) } else { p.date.clone() },
            format: if p.format.trim().is_empty() { "xlsx".into() } else { p.format.trim().to_owned() },
            sheet: if p.sheet.trim().is_empty() { "members".into() } else { p.sheet.trim().to_owned() },
            departed: crate::query::parse_flag(&p.departed),
            errors: Vec::new(),
            not_carried: &NOT_CARRIED,
        })
    }
}

async fn export_page(s: Caller, chrome: Chrome, Query(p): Query<ExportParams>) -> Result<Response, AppError> {
    render(StatusCode::OK, &ExportPage::new(&s, chrome, &p).await?)
}

async fn export_file(s: Caller, chrome: Chrome, Query(p): Query<ExportParams>) -> Result<Response, AppError> {
    let q = match p.parse(s.today()) {
        Ok(q) => q,
        Err(e) => {
            let mut page = ExportPage::new(&s, chrome, &p).await?;
            page.errors = forms::messages(e);
            return render(StatusCode::BAD_REQUEST, &page);
        }
    };
    match crate::register_file::download(&s, &q).await {
        // A refusal (the unit did not stand on the day): the form again, with the reason.
        Err(e) if e.0.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let mut page = ExportPage::new(&s, chrome, &p).await?;
            page.errors = e.0.fields.iter().map(|f| f.message.clone()).collect();
            if page.errors.is_empty() {
                page.errors.push(e.0.message.clone());
            }
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        other => other,
    }
}
