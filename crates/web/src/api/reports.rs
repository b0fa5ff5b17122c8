//! `/api/v1/reports`: statistics of the register (docs/design/statistics.md).

use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use domain::ValidationErrors;
use domain::access::Capability;
use domain::ids::UnitId;
use domain::stats::{AgeBands, FlowKind, Structure};

use storage::{AdmissionReport, CountsReport, Period, ReportRequest};
use utoipa::ToSchema;

use super::ErrorEnvelope;
use crate::error::AppError;
use crate::extract::Query;
use crate::policy::{Policy, Route};
use crate::query::parse_query_date;
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/reports/counts", Policy::Needs(Capability::ReadRegister), counts),
        Route::get("/api/v1/reports/movements", Policy::Needs(Capability::ReadRegister), movements),
        Route::get("/api/v1/reports/admissions", Policy::Needs(Capability::ReadRegister), admissions),
    ]
}

/// Query parameters of the counts report.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CountsParams {
    /// Unit id (required).
    #[param(required = true, value_type = i64, minimum = 1)]
    pub unit: String,
    /// The report date; today when absent.
    #[param(value_type = Option<crate::query::QueryDate>)]
    pub date: String,
    /// Upper bounds of the age bands, e.g. `30,35,40,45,50,55,60` (the default): 1 to 20
    /// numbers from 18 to 100, increasing (bounds not increasing are a 422).
    #[param(value_type = Option<crate::query::AgeBandsText>)]
    pub age_bands: String,
    /// `of_date` (the tree as it stood on the date, the default) or `current` (today's tree,
    /// dissolved units regrouped into their successors).
    #[param(value_type = Option<Structure>)]
    pub structure: String,
}

/// The parsed counts parameters.
pub struct CountsQuery {
    pub unit: UnitId,
    pub on: NaiveDate,
    pub bands: AgeBands,
    pub structure: Structure,
}

impl CountsQuery {
    /// The report asked for, read on `today`.
    pub fn request(&self, today: NaiveDate) -> ReportRequest<NaiveDate> {
        ReportRequest { unit: self.unit, when: self.on, structure: self.structure, today }
    }
}

fn unit_param(e: &mut ValidationErrors, unit: &str) -> Option<UnitId> {
    if unit.trim().is_empty() {
        e.push("unit", "required", "Chọn tổ chức (unit).");
        None
    } else {
        e.take("unit", domain::event::parse_unit_id(unit))
    }
}

fn date_param(e: &mut ValidationErrors, field: &'static str, value: &str, default: NaiveDate) -> Option<NaiveDate> {
    e.take(field, parse_query_date(value)).map(|d| d.unwrap_or(default))
}

/// The parsed parameters; every problem at once.
pub fn counts_query(p: &CountsParams, today: NaiveDate) -> Result<CountsQuery, ValidationErrors> {
    let mut e = ValidationErrors::default();
    let unit = unit_param(&mut e, &p.unit);
    let on = date_param(&mut e, "date", &p.date, today);
    let bands = if p.age_bands.trim().is_empty() { Some(AgeBands::default()) } else { e.take("age_bands", AgeBands::parse(&p.age_bands)) };
    let structure = e.take("structure", Structure::parse(&p.structure));
    match (unit, on, bands, structure) {
        (Some(unit), Some(on), Some(bands), Some(structure)) if e.is_empty() => Ok(CountsQuery { unit, on, bands, structure }),
        _ => Err(e),
    }
}

/// Query parameters of the movement report.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct MovementParams {
    /// Unit id (required).
    #[param(required = true, value_type = i64, minimum = 1)]
    pub unit: String,
    /// First day of the period; 1 January of this year when absent.
    #[param(value_type = Option<crate::query::QueryDate>)]
    pub from: String,
    /// Last day of the period (included); today when absent.
    #[param(value_type = Option<crate::query::QueryDate>)]
    pub to: String,
    /// `of_date` (the tree as it stood on each day, the default) or `current` (today's tree).
    #[param(value_type = Option<Structure>)]
    pub structure: String,
}

/// The parsed movement parameters.
pub struct MovementQuery {
    pub unit: UnitId,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub structure: Structure,
}

impl MovementQuery {
    /// The report asked for, read on `today`.
    pub fn request(&self, today: NaiveDate) -> ReportRequest {
        ReportRequest { unit: self.unit, when: Period { first: self.first, last: self.last }, structure: self.structure, today }
    }
}

pub fn movement_query(p: &MovementParams, today: NaiveDate) -> Result<MovementQuery, ValidationErrors> {
    let mut e = ValidationErrors::default();
    let unit = unit_param(&mut e, &p.unit);
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let first = date_param(&mut e, "from", &p.from, year_start);
    let last = date_param(&mut e, "to", &p.to, today);
    let structure = e.take("structure", Structure::parse(&p.structure));
    match (unit, first, last, structure) {
        (Some(unit), Some(first), Some(last), Some(structure)) if e.is_empty() => Ok(MovementQuery { unit, first, last, structure }),
        _ => Err(e),
    }
}

#[utoipa::path(get, path = "/api/v1/reports/counts", tag = "reports", params(CountsParams),
    responses((status = 200, description = "Members on the unit's list on the date in every breakdown (status, women, ethnic minority, religion, Youth Union, age bands, party age, education, professional level, political theory, occupation), in total and per row: the units directly under it (by the structure of the date, or today's), members directly in it, and by today's structure units dissolved with no successor", body = CountsReport),
              (status = 400, description = "Bad parameters", body = ErrorEnvelope),
              (status = 422, description = "A date after today, or a unit that did not exist on the date (or no longer exists, by today's structure)", body = ErrorEnvelope)))]
async fn counts(s: Caller, Query(p): Query<CountsParams>) -> Result<Response, AppError> {
    let q = counts_query(&p, s.today()).map_err(AppError::bad_query)?;
    Ok(axum::Json(s.reader()?.counts_report(q.request(s.today()), &q.bands).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/reports/movements", tag = "reports", params(MovementParams),
    responses((status = 200, description = "Movements of the unit's list over the period (form 1-BTCTW): start (the day before `from`), inflows and outflows by kind in the order of `kinds`, struck off of which probationary, recognized official, temporary activity begun, end; in total and per row. Every row balances start + inflows − outflows = end", body = MovementBody),
              (status = 400, description = "Bad parameters", body = ErrorEnvelope),
              (status = 422, description = "`to` before `from`, a date after today, or a unit that did not exist on the period's first or last day", body = ErrorEnvelope)))]
async fn movements(s: Caller, Query(p): Query<MovementParams>) -> Result<Response, AppError> {
    let q = movement_query(&p, s.today()).map_err(AppError::bad_query)?;
    let report = s.reader()?.movement_report(q.request(s.today())).await?;
    let kinds = FlowKind::ALL.iter().map(|k| KindInfo { code: k.code(), label: k.label() }).collect();
    Ok(axum::Json(MovementBody { report, kinds }).into_response())
}

#[utoipa::path(get, path = "/api/v1/reports/admissions", tag = "reports", params(MovementParams),
    responses((status = 200, description = "Members admitted (or readmitted) to the unit's list in the period, in the published breakdown (women, ethnic minority, religious, Youth Union, aged 18–30, college or higher, postgraduate, each read on the admission date), in total and per row, with the year's targets when the period lies within one year, and the grassroots organizations that admitted nobody", body = AdmissionReport),
              (status = 400, description = "Bad parameters", body = ErrorEnvelope),
              (status = 422, description = "`to` before `from`, a date after today, or a unit that did not exist on the period's first or last day", body = ErrorEnvelope)))]
async fn admissions(s: Caller, Query(p): Query<MovementParams>) -> Result<Response, AppError> {
    let q = movement_query(&p, s.today()).map_err(AppError::bad_query)?;
    Ok(axum::Json(s.reader()?.admission_report(q.request(s.today())).await?).into_response())
}

/// The movement report with the legend of its flow arrays.
#[derive(serde::Serialize, ToSchema)]
pub struct MovementBody {
    #[serde(flatten)]
    pub report: storage::MovementReport,
    /// The kinds, in the order of the `inflows` and `outflows` arrays.
    pub kinds: Vec<KindInfo>,
}

/// One kind of movement: its code and its label.
#[derive(serde::Serialize, ToSchema)]
pub struct KindInfo {
    pub code: &'static str,
    pub label: &'static str,
}
