//! `/api/v1/export`: the register of a subtree as of a day, as the file itself (`.xlsx` or CSV,
//! docs/formats/register.md).

use axum::response::Response;
use domain::access::Capability;
use utoipa::ToSchema;

use super::ErrorEnvelope;
use crate::error::AppError;
use crate::extract::Query;
use crate::policy::{Policy, Route};
use crate::query::export::ExportParams;
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![Route::get("/api/v1/export", Policy::Needs(Capability::ReadRegister), export)]
}

/// A file's bytes (the workbook).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct FileBytes(pub Vec<u8>);

#[utoipa::path(get, path = "/api/v1/export", tag = "export", params(ExportParams),
    responses((status = 200, description = "The file: `xlsx` (sheets \"Đảng viên\", \"Tổ chức\", \"Ghi chú\") or `csv` (UTF-8 with a byte-order mark, one sheet: the members, or the units with `sheet=units`), in the columns of docs/formats/register.md. Members in register order: those on the lists of the subtree on the day (probationary, official, exempt), and with `departed` those who left their last chi bộ in it before. The read is audited (`read.export`)",
               content((FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (String = "text/csv"))),
              (status = 400, description = "Bad parameters", body = ErrorEnvelope),
              (status = 404, description = "A unit outside the caller's read scope (or none)", body = ErrorEnvelope),
              (status = 422, description = "A day after today, or a unit that did not stand on the day", body = ErrorEnvelope)))]
async fn export(s: Caller, Query(p): Query<ExportParams>) -> Result<Response, AppError> {
    let q = p.parse(s.today()).map_err(AppError::bad_query)?;
    crate::register_file::download(&s, &q).await
}
