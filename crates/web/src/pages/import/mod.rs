//! `/import`: bringing an existing register in from a spreadsheet (docs/design/register-io.md
//! "Import"). The file is uploaded, kept in memory for its owner (`crate::import_jobs`) and
//! checked by a dry run on a background task; the person then sees what the file holds and what
//! would happen to every row, changes the column mapping if need be, and applies it in one
//! transaction. Only the account that uploaded a file sees it (404 for anyone else).

mod errors;
mod job;
mod run;
mod upload;

use domain::access::Capability;
use domain::interchange::AdmissionDateMeaning;

use crate::policy::{Policy, Route};

/// The page routes of importing.
pub fn routes() -> Vec<Route> {
    let p = Policy::Needs(Capability::WriteRegister);
    vec![
        Route::get("/import", p, upload::form),
        Route::post("/import", p, upload::upload),
        Route::get("/import/{id}", p, job::show),
        Route::post("/import/{id}/mapping", p, job::remap),
        Route::post("/import/{id}/mappings", p, job::save_mapping),
        Route::post("/import/{id}/apply", p, job::apply),
        Route::get("/import/{id}/errors.xlsx", p, errors::download),
    ]
}

/// One choice of the "Ngày vào Đảng trong tệp là" radio.
pub(super) struct MeaningView {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

pub(super) fn meaning_code(m: AdmissionDateMeaning) -> &'static str {
    match m {
        AdmissionDateMeaning::Ceremony => "ceremony",
        AdmissionDateMeaning::Decision => "decision",
    }
}

pub(super) fn parse_meaning(code: &str) -> AdmissionDateMeaning {
    if code.trim() == "decision" { AdmissionDateMeaning::Decision } else { AdmissionDateMeaning::Ceremony }
}

pub(super) fn meanings(current: AdmissionDateMeaning) -> Vec<MeaningView> {
    [AdmissionDateMeaning::Ceremony, AdmissionDateMeaning::Decision]
        .into_iter()
        .map(|m| MeaningView { value: meaning_code(m), label: m.label(), checked: m == current })
        .collect()
}

fn job_href(id: &str) -> String {
    format!("/import/{id}")
}
