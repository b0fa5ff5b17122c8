//! `/api/v1/reports`: statistics of the register (docs/design/statistics.md).

use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use domain::ValidationErrors;
use domain::access::Capability;
use domain::dates::parse_date;
use domain::ids::UnitId;
use domain::stats::AgeBands;

use crate::error::AppError;
use crate::extract::Query;
use crate::policy::{Policy, Route};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![Route::get("/api/v1/reports/counts", Policy::Needs(Capability::ReadRegister), counts)]
}

/// Query parameters of the counts report.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CountsParams {
    /// Unit id (required).
    pub unit: String,
    /// The report date, dd/mm/yyyy or yyyy-mm-dd; today when empty.
    pub date: String,
    /// Upper bounds of the age bands, e.g. `30,35,40,45,50,55,60` (the default).
    pub age_bands: String,
}

/// The parsed parameters: unit, date, age bands; every problem at once.
pub fn counts_query(p: &CountsParams, today: NaiveDate) -> Result<(UnitId, NaiveDate, AgeBands), ValidationErrors> {
    let mut e = ValidationErrors::default();
    let unit = if p.unit.trim().is_empty() {
        e.push("unit", "required", "Chọn tổ chức (unit).");
        None
    } else {
        e.take("unit", domain::event::parse_unit_id(&p.unit))
    };
    let on = if p.date.trim().is_empty() { Some(today) } else { e.take("date", parse_date(&p.date)) };
    let bands = if p.age_bands.trim().is_empty() { Some(AgeBands::default()) } else { e.take("age_bands", AgeBands::parse(&p.age_bands)) };
    match (unit, on, bands) {
        (Some(u), Some(on), Some(b)) if e.is_empty() => Ok((u, on, b)),
        _ => Err(e),
    }
}

#[utoipa::path(get, path = "/api/v1/reports/counts", tag = "reports", params(CountsParams),
    responses((status = 200, description = "Members on the unit's list on the date in every breakdown (status, women, ethnic minority, religion, Youth Union, age bands, party age, education, professional level, political theory, occupation), for the unit and each unit directly under it that day", body = serde_json::Value),
              (status = 400, description = "Bad parameters", body = serde_json::Value),
              (status = 422, description = "A date after today, or before the unit existed", body = serde_json::Value)))]
async fn counts(s: Caller, Query(p): Query<CountsParams>) -> Result<Response, AppError> {
    let (unit, on, bands) = counts_query(&p, s.today()).map_err(AppError::bad_query)?;
    Ok(axum::Json(s.reader()?.counts_report(unit, on, &bands).await?).into_response())
}
