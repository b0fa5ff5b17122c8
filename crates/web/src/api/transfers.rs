//! `/api/v1/units/{id}/arriving`: members in transit to a unit (đang chuyển đến), for the
//! receiving side to record the acceptance (`chuyen-den` through the member's events).

use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::extract::PathId;
use crate::policy::{Policy, Route};
use crate::session::Caller;
use domain::access::Capability;
use domain::ids::UnitId;

pub fn routes() -> Vec<Route> {
    vec![Route::get("/api/v1/units/{id}/arriving", Policy::Needs(Capability::WriteRegister), arriving)]
}

#[utoipa::path(get, path = "/api/v1/units/{id}/arriving", tag = "members", params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "Members whose transfer letter names this unit or one under it, not accepted yet \
        (`unit_id`: the unit the letter names), in register order", body = Vec<storage::MemberListItem>)))]
pub(crate) async fn arriving(s: Caller, PathId(id): PathId<UnitId>) -> Result<Response, AppError> {
    Ok(axum::Json(s.register_writer()?.arriving(id).await?).into_response())
}
