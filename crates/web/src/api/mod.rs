//! The JSON API under `/api/v1`, documented by [`openapi`].

pub mod admission;
pub mod bodies;
pub mod change_requests;
pub mod committees;
pub mod directives;
pub mod documents;
pub mod dues;
pub mod enterprises;
pub mod evaluation;
pub mod export;
pub mod feedback;
pub mod inbox;
pub mod meetings;
pub mod members;
pub mod openapi;
pub mod plans;
pub mod quality;
pub mod reports;
pub mod residence;
pub mod routines;
pub mod strike_off;
pub mod tokens;
pub mod transfers;
pub mod units;
pub mod weak;
pub mod worklist;

use serde::Serialize;
use utoipa::ToSchema;

pub use crate::error::ErrorEnvelope;
use crate::policy::Route;

pub fn routes() -> Vec<Route> {
    let mut routes = units::routes();
    routes.extend(members::routes());
    routes.extend(tokens::routes());
    routes.extend(admission::routes());
    routes.extend(plans::routes());
    routes.extend(directives::routes());
    routes.extend(meetings::routes());
    routes.extend(committees::routes());
    routes.extend(weak::routes());
    routes.extend(dues::routes());
    routes.extend(residence::routes());
    routes.extend(evaluation::routes());
    routes.extend(worklist::routes());
    routes.extend(enterprises::routes());
    routes.extend(routines::routes());
    routes.extend(feedback::routes());
    routes.extend(inbox::routes());
    routes.extend(documents::routes());
    routes.extend(reports::routes());
    routes.extend(transfers::routes());
    routes.extend(change_requests::routes());
    routes.extend(strike_off::routes());
    routes.extend(quality::routes());
    routes.extend(export::routes());
    routes
}

/// The version a write was read at, or a 422 on field `version`.
pub(crate) fn version_or_error(version: Option<i64>) -> Result<i64, crate::error::AppError> {
    version.ok_or_else(|| {
        crate::error::AppError::validation(domain::ValidationErrors::single("version", "required", crate::forms::VERSION_REQUIRED))
    })
}

/// `201 Created`: the id of what was created or recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// `201 Created` of a split: the ids of the successors, in the order they were given.
#[derive(Debug, Serialize, ToSchema)]
pub struct SplitDone {
    pub ids: Vec<domain::ids::UnitId>,
}
