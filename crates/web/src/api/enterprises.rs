//! `/api/v1/units/{id}/enterprises…`: the register of enterprises and the founding targets
//! (docs/design/enterprises.md). Reading needs the read scope on the unit; registering, editing
//! and setting targets `write` on it, checked before the body is read; the party organization a
//! body names must be a unit the caller reads.

use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use domain::enterprises::{Enterprise, EnterpriseFields};
use domain::ids::UnitId;

use super::bodies::DateText;
use super::directives::YearParams;
use super::units::created;
use super::{Created, ErrorEnvelope};
use crate::error::AppError;
use crate::extract::{Json, PathId, PathIds, PathYear, Query, typed};
use crate::policy::{Policy, Route};
use crate::query::{param, parse_year};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(domain::access::Capability::ReadRegister);
    vec![
        Route::get("/api/v1/units/{id}/enterprises", read, list),
        Route::post("/api/v1/units/{id}/enterprises", read, add),
        Route::put("/api/v1/units/{id}/enterprises/{enterprise}", read, update),
        Route::put("/api/v1/units/{id}/enterprise-targets/{year}", read, target),
    ]
}

/// An enterprise on the register.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseBody {
    pub id: i64,
    pub version: i64,
    /// The unit it is registered under.
    pub area: i64,
    pub name: String,
    pub tax_code: String,
    /// `tu-nhan`, `von-nuoc-ngoai`.
    pub ownership: &'static str,
    pub address: Option<String>,
    pub workers: u32,
    pub trade_union: bool,
    pub youth_union: bool,
    pub party_unit: Option<i64>,
    pub founded_on: Option<NaiveDate>,
    pub decision: Option<String>,
    /// Members on its party organization's lists today, or those recorded without one.
    pub members: u32,
}

/// A year's progress and the register.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisterBody {
    pub unit: i64,
    pub year: i32,
    /// "kết nạp 12 / chỉ tiêu 40 đảng viên trong doanh nghiệp tư nhân; thành lập 3 / 8 tổ chức đảng".
    pub sentence: String,
    pub founded: u32,
    pub founding_target: Option<u32>,
    /// Admitted in private enterprises (the admission targets' sub-target group).
    pub admitted: u32,
    pub admission_target: Option<u32>,
    pub enterprises: Vec<EnterpriseBody>,
}

/// An enterprise as sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseInput {
    pub name: String,
    /// 10 digits, or 10 digits, a hyphen and 3 digits for a branch.
    pub tax_code: String,
    pub ownership: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub workers: u32,
    #[serde(default)]
    pub trade_union: bool,
    #[serde(default)]
    pub youth_union: bool,
    #[serde(default)]
    pub members_without_organization: u32,
    /// Its party organization, once founded (with `founded_on` and `decision`).
    #[serde(default)]
    pub party_unit: Option<i64>,
    #[serde(default)]
    pub founded_on: Option<DateText>,
    #[serde(default)]
    pub decision: Option<String>,
    /// With a change: the version read.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A founding target.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    pub target: u32,
}

/// Done.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseDone {
    pub ok: bool,
}

fn parse(b: &EnterpriseInput, today: NaiveDate) -> Result<Enterprise, AppError> {
    let (workers, members, founded) = (
        b.workers.to_string(),
        b.members_without_organization.to_string(),
        b.founded_on.as_ref().map(|d| d.to_string()).unwrap_or_default(),
    );
    let fields = EnterpriseFields {
        name: &b.name,
        tax_code: &b.tax_code,
        ownership: &b.ownership,
        address: b.address.as_deref().unwrap_or(""),
        workers: &workers,
        trade_union: b.trade_union,
        youth_union: b.youth_union,
        members_without_organization: &members,
        party_unit: b.party_unit.map(UnitId),
        founded_on: &founded,
        decision: b.decision.as_deref().unwrap_or(""),
    };
    Enterprise::parse(&fields, today).map_err(AppError::validation)
}

#[utoipa::path(get, path = "/api/v1/units/{id}/enterprises", tag = "enterprises", params(("id" = i64, Path, description = "Unit id"), YearParams),
    responses((status = 200, description = "The year's progress and the enterprises registered at or under the unit", body = RegisterBody)))]
async fn list(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<YearParams>) -> Result<Response, AppError> {
    let year = param("year", parse_year(&p.year, s.today()))?;
    let desk = s.enterprises()?;
    let report = desk.report(unit, year).await?;
    let lines = desk.list(unit).await?;
    let body = RegisterBody {
        unit: unit.0,
        year,
        sentence: report.sentence(),
        founded: report.founded.done,
        founding_target: report.founded.target,
        admitted: report.admitted.done,
        admission_target: report.admitted.target,
        enterprises: lines
            .iter()
            .map(|l| {
                let e = &l.row.enterprise;
                EnterpriseBody {
                    id: l.row.id,
                    version: l.row.version,
                    area: l.row.area.0,
                    name: e.name.clone(),
                    tax_code: e.tax_code.as_str().to_owned(),
                    ownership: e.ownership.code(),
                    address: e.address.clone(),
                    workers: e.workers,
                    trade_union: e.trade_union,
                    youth_union: e.youth_union,
                    party_unit: e.party.as_ref().map(|p| p.unit.0),
                    founded_on: e.party.as_ref().map(|p| p.founded_on),
                    decision: e.party.as_ref().map(|p| p.decision.clone()),
                    members: l.members,
                }
            })
            .collect(),
    };
    Ok(axum::Json(body).into_response())
}

#[utoipa::path(post, path = "/api/v1/units/{id}/enterprises", tag = "enterprises", params(("id" = i64, Path, description = "Unit id")),
    request_body = EnterpriseInput,
    responses((status = 201, description = "Registered", body = Created),
              (status = 422, description = "A tax code registered already (`duplicate`) or of the wrong shape (`invalid_format`), a party organization without its day or decision", body = ErrorEnvelope)))]
async fn add(s: Caller, PathId(unit): PathId<UnitId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    s.enterprises()?.keep_unit(unit).await?;
    let b: EnterpriseInput = typed(body)?;
    let e = parse(&b, s.today())?;
    Ok(created(s.enterprises()?.add(unit, e).await?))
}

#[utoipa::path(put, path = "/api/v1/units/{id}/enterprises/{enterprise}", tag = "enterprises",
    params(("id" = i64, Path, description = "Unit id"), ("enterprise" = i64, Path, description = "An enterprise registered at or under the unit")),
    request_body = EnterpriseInput,
    responses((status = 200, description = "Saved", body = EnterpriseDone),
              (status = 409, description = "Changed meanwhile (send the version read)", body = ErrorEnvelope)))]
async fn update(s: Caller, PathIds(unit, id): PathIds<UnitId, i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    s.enterprises()?.keep_unit(unit).await?;
    let b: EnterpriseInput = typed(body)?;
    let e = parse(&b, s.today())?;
    let version = b
        .version
        .ok_or_else(|| AppError::validation(domain::ValidationErrors::single("version", "required", "Gửi kèm phiên bản đã đọc.")))?;
    s.enterprises()?.update(unit, id, version, e).await?;
    Ok(axum::Json(EnterpriseDone { ok: true }).into_response())
}

#[utoipa::path(put, path = "/api/v1/units/{id}/enterprise-targets/{year}", tag = "enterprises",
    params(("id" = i64, Path, description = "Unit id"), ("year" = i32, Path, description = "The year")),
    request_body = TargetInput,
    responses((status = 200, description = "Saved", body = EnterpriseDone)))]
async fn target(
    s: Caller,
    PathIds(unit, PathYear(year)): PathIds<UnitId, PathYear>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
    s.enterprises()?.keep_unit(unit).await?;
    let b: TargetInput = typed(body)?;
    let t = domain::enterprises::check_target(&b.target.to_string())
        .map_err(|e| AppError::validation(domain::ValidationErrors { errors: vec![e] }))?;
    s.enterprises()?.set_target(unit, year, t).await?;
    Ok(axum::Json(EnterpriseDone { ok: true }).into_response())
}
