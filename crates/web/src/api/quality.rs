//! `/api/v1/quality`: the data-quality worklist (docs/design/quality.md).

use axum::response::{IntoResponse, Response};

use domain::access::Capability;
use storage::QualityReport;

use super::ErrorEnvelope;
use crate::error::AppError;
use crate::extract::Query;
use crate::policy::{Policy, Route};
use crate::query::quality::QualityParams;
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![Route::get("/api/v1/quality", Policy::Needs(Capability::ReadRegister), quality)]
}

#[utoipa::path(get, path = "/api/v1/quality", tag = "quality", params(QualityParams),
    responses((status = 200, description = "What needs fixing in the register within the caller's scope (or the unit's subtree) today: counts by kind and by unit of the breakdown level (the units directly under the unit asked for, or under the scope's top unit), and a page of 50 lines (members' records in register order within each kind, then chi bộ); probable duplicates name the other records within the scope", body = QualityReport),
              (status = 400, description = "Bad parameters (an unknown kind, a page that is not a number)", body = ErrorEnvelope),
              (status = 404, description = "A unit that does not exist today or lies outside the caller's scope", body = ErrorEnvelope)))]
async fn quality(s: Caller, Query(p): Query<QualityParams>) -> Result<Response, AppError> {
    let ask = p.ask(false)?;
    Ok(axum::Json(s.quality()?.report(ask).await?).into_response())
}
