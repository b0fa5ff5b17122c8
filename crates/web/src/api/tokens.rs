//! `/api/v1/tokens`: the caller's own API tokens (list and revoke). New tokens are made in the
//! account page or the command line only: a token cannot mint tokens.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use storage::ApiToken;

use super::ErrorEnvelope;
use crate::error::AppError;
use crate::extract::PathId;
use crate::policy::{Policy, Route};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![Route::get("/api/v1/tokens", Policy::Staff, list), Route::delete("/api/v1/tokens/{id}", Policy::Staff, revoke)]
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens",
    responses((status = 200, description = "The caller's tokens, newest first: id, account_id, name, created_at, last_used_at, revoked_at (never the token itself)", body = Vec<ApiToken>),
              (status = 401, description = "Missing, unknown or revoked token", body = ErrorEnvelope)))]
async fn list(s: Caller) -> Result<Response, AppError> {
    Ok(axum::Json(s.own_account().tokens().await?).into_response())
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", params(("id" = i64, Path, description = "Token id")),
    responses((status = 204, description = "Revoked (also when it already was)"),
              (status = 404, description = "No such token of the caller", body = ErrorEnvelope)))]
async fn revoke(s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    crate::session::revoke_own_token(&s, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
