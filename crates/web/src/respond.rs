//! The answers of page handlers: a template rendered as a page (with a status), or a redirect
//! after a successful post.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::error::AppError;

/// Renders a template as a page with a status.
pub fn render(status: StatusCode, template: &impl Template) -> Result<Response, AppError> {
    Ok((status, Html(template.render()?)).into_response())
}

/// Renders a template as a 200 page.
pub fn page(template: &impl Template) -> Result<Response, AppError> {
    render(StatusCode::OK, template)
}

/// A 303 redirect after a successful form post.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}
