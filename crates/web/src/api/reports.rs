//! `/api/v1/reports`: statistics of the register (docs/design/statistics.md).

use axum::response::{IntoResponse, Response};

use domain::access::Capability;
use domain::stats::FlowKind;

use storage::{AdmissionReport, CountsReport};
use utoipa::ToSchema;

use super::ErrorEnvelope;
use crate::error::AppError;
use crate::extract::Query;
use crate::policy::{Policy, Route};
use crate::query::reports::{CountsParams, MovementParams};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/reports/counts", Policy::Needs(Capability::ReadRegister), counts),
        Route::get("/api/v1/reports/movements", Policy::Needs(Capability::ReadRegister), movements),
        Route::get("/api/v1/reports/admissions", Policy::Needs(Capability::ReadRegister), admissions),
    ]
}

#[utoipa::path(get, path = "/api/v1/reports/counts", tag = "reports", params(CountsParams),
    responses((status = 200, description = "Members on the unit's list on the date in every breakdown (status, women, ethnic minority, religion, Youth Union, age bands, party age, education, professional level, political theory, occupation), in total and per row: the units directly under it (by the structure of the date, or today's), members directly in it, and by today's structure units dissolved with no successor", body = CountsReport),
              (status = 400, description = "Bad parameters", body = ErrorEnvelope),
              (status = 422, description = "A date after today, or a unit that did not exist on the date (or no longer exists, by today's structure)", body = ErrorEnvelope)))]
async fn counts(s: Caller, Query(p): Query<CountsParams>) -> Result<Response, AppError> {
    let q = p.parse(s.today()).map_err(AppError::bad_query)?;
    Ok(axum::Json(s.reader()?.counts_report(q.request(s.today()), &q.bands).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/reports/movements", tag = "reports", params(MovementParams),
    responses((status = 200, description = "Movements of the unit's list over the period (form 1-BTCTW): start (the day before `from`), inflows and outflows by kind in the order of `kinds`, struck off of which probationary, recognized official, temporary activity begun, end; in total and per row. Every row balances start + inflows − outflows = end", body = MovementBody),
              (status = 400, description = "Bad parameters", body = ErrorEnvelope),
              (status = 422, description = "`to` before `from`, a date after today, or a unit that did not exist on the period's first or last day", body = ErrorEnvelope)))]
async fn movements(s: Caller, Query(p): Query<MovementParams>) -> Result<Response, AppError> {
    let q = p.parse(s.today()).map_err(AppError::bad_query)?;
    let report = s.reader()?.movement_report(q.request(s.today())).await?;
    let kinds = FlowKind::ALL.iter().map(|k| KindInfo { code: k.code(), label: k.label() }).collect();
    Ok(axum::Json(MovementBody { report, kinds }).into_response())
}

#[utoipa::path(get, path = "/api/v1/reports/admissions", tag = "reports", params(MovementParams),
    responses((status = 200, description = "Members admitted (or readmitted) to the unit's list in the period, in the published breakdown (women, ethnic minority, religious, Youth Union, aged 18–30, college or higher, postgraduate, each read on the admission date), in total and per row, with the year's targets when the period lies within one year, and the grassroots organizations that admitted nobody", body = AdmissionReport),
              (status = 400, description = "Bad parameters", body = ErrorEnvelope),
              (status = 422, description = "`to` before `from`, a date after today, or a unit that did not exist on the period's first or last day", body = ErrorEnvelope)))]
async fn admissions(s: Caller, Query(p): Query<MovementParams>) -> Result<Response, AppError> {
    let q = p.parse(s.today()).map_err(AppError::bad_query)?;
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
