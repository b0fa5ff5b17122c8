//! The JSON API under `/api/v1`, documented by [`openapi`].

pub mod members;
pub mod openapi;
pub mod units;

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().merge(units::routes()).merge(members::routes())
}
