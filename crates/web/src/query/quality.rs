//! The parameters of the data-quality worklist, shared by `/quality` and `/api/v1/quality`.

use domain::ValidationErrors;
use domain::quality::ProblemKind;
use serde::Deserialize;
use storage::access::QualityAsk;

use super::{check_offset, parse_optional_unit, parse_page};
use crate::error::AppError;

/// Lines on one page of the worklist (the page and the API alike).
pub const PER_PAGE: usize = 50;

/// Query parameters of the worklist.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct QualityParams {
    /// Unit id: what belongs to its subtree today; the whole scope when absent.
    #[param(value_type = Option<i64>, minimum = 1)]
    pub unit: String,
    /// Only lines of this kind; the counts cover every kind.
    #[param(value_type = Option<ProblemKind>)]
    pub kind: String,
    /// Page of lines, from 1 to 100 000 (50 lines a page).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100000)]
    pub page: String,
}

impl QualityParams {
    /// The worklist asked for: a page of lines, or every line when `all` (a download).
    pub fn ask(&self, all: bool) -> Result<QualityAsk, AppError> {
        let mut e = ValidationErrors::default();
        let unit = e.take("unit", parse_optional_unit(&self.unit));
        let kind = e.take("kind", parse_kind(&self.kind));
        let page = e.take("page", parse_page(&self.page).and_then(|p| check_offset(p, PER_PAGE).map(|()| p)));
        e.into_result().map_err(AppError::bad_query)?;
        Ok(QualityAsk {
            unit: unit.flatten(),
            kind: kind.flatten(),
            page: if all { 1 } else { page.unwrap_or(1) },
            per_page: (!all).then_some(PER_PAGE),
        })
    }
}

/// A problem kind's code: empty is none.
fn parse_kind(raw: &str) -> Result<Option<ProblemKind>, domain::FieldError> {
    if raw.trim().is_empty() { Ok(None) } else { ProblemKind::parse(raw).map(Some) }
}
