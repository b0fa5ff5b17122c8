//! `/api/v1/units`: the organization tree (read and change, with decisions).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::ValidationErrors;
use domain::ids::{MemberId, UnitId};
use serde::{Deserialize, Serialize};
use storage::{MergeUnits, MoveUnit, NewUnit, RenameUnit, SplitUnit, Successor};
use storage::{UnitDetail, UnitSummary};
use utoipa::ToSchema;

use super::{Created, ErrorEnvelope, SplitDone};
use crate::error::AppError;
use crate::extract::{Json, PathId, Query};
use crate::policy::{Policy, Route};
use crate::query::{parse_as_of, parse_flag, parse_optional_unit};
use crate::session::Caller;
pub use crate::unit_input::{DecisionInput, UnitSpecInput};
use crate::unit_input::{merge_sources, merge_target, new_parent, rename_changes};
use domain::access::Capability;
use storage::access::Access;

/// Most units a search returns.
const SEARCH_LIMIT: usize = 50;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/units", Policy::Needs(Capability::ReadRegister), list),
        Route::post("/api/v1/units", Policy::Needs(Capability::ManageUnits), create),
        Route::get("/api/v1/units/search", Policy::Needs(Capability::ReadRegister), search),
        Route::post("/api/v1/units/merge", Policy::Needs(Capability::ManageUnits), merge),
        Route::get("/api/v1/units/{id}", Policy::Needs(Capability::ReadRegister), detail),
        Route::get("/api/v1/units/{id}/subtree", Policy::Needs(Capability::ReadRegister), subtree),
        Route::get("/api/v1/units/{id}/successors", Policy::Needs(Capability::ReadRegister), successors),
        Route::post("/api/v1/units/{id}/rename", Policy::Needs(Capability::ManageUnits), rename),
        Route::post("/api/v1/units/{id}/move", Policy::Needs(Capability::ManageUnits), move_unit),
        Route::post("/api/v1/units/{id}/split", Policy::Needs(Capability::ManageUnits), split),
        Route::post("/api/v1/units/{id}/dissolve", Policy::Needs(Capability::ManageUnits), dissolve),
    ]
}

/// `201 Created` with the new id.
pub fn created(id: i64) -> Response {
    (StatusCode::CREATED, axum::Json(super::Created { id })).into_response()
}

/// Query parameters of the unit search.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct UnitSearchParams {
    /// Search text (name or code, with or without diacritics).
    pub q: String,
    /// `1`: only units that hold members (chi bộ).
    pub members_only: String,
    /// Date (dd/mm/yyyy or yyyy-mm-dd); today when empty.
    #[param(value_type = Option<crate::query::QueryDate>)]
    pub as_of: String,
}

/// Query parameters of the unit listing: the search's, and the parent.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct UnitParentParams {
    /// Parent unit id; the roots when absent (with `q`, checked but not used).
    #[param(value_type = Option<i64>, minimum = 1)]
    pub parent: String,
}

#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(UnitSearchParams, UnitParentParams),
    responses((status = 200, description = "Children of `parent` (or roots) with member and child counts; or, with `q`, matching units; without `q` each unit also carries `member_count` and `child_count` (a `UnitNode`)", body = Vec<UnitSummary>),
              (status = 400, description = "Bad parameter", body = ErrorEnvelope)))]
async fn list(s: Caller, Query(p): Query<UnitSearchParams>, Query(parent): Query<UnitParentParams>) -> Result<Response, AppError> {
    let mut e = ValidationErrors::default();
    let as_of = e.take("as_of", parse_as_of(&p.as_of, s.today()));
    let parent = e.take("parent", parse_optional_unit(&parent.parent));
    match (as_of, parent) {
        (Some(_), Some(_)) if !p.q.trim().is_empty() => search(s, Query(p)).await,
        (Some(as_of), Some(parent)) => Ok(axum::Json(s.reader()?.children(parent, as_of).await?).into_response()),
        _ => Err(AppError::bad_query(e)),
    }
}

#[utoipa::path(get, path = "/api/v1/units/search", tag = "units", params(UnitSearchParams),
    responses((status = 200, description = "Units whose name or code matches `q`", body = Vec<UnitSummary>)))]
async fn search(s: Caller, Query(p): Query<UnitSearchParams>) -> Result<Response, AppError> {
    let as_of = parse_as_of(&p.as_of, s.today()).map_err(|e| AppError::bad_query(ValidationErrors::single("as_of", e.code, e.message)))?;
    let q = p.q.trim();
    let found = if q.is_empty() { Vec::new() } else { s.reader()?.find_units(q, as_of, parse_flag(&p.members_only), SEARCH_LIMIT).await? };
    Ok(axum::Json(found).into_response())
}

/// `?as_of=` alone.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// Date (dd/mm/yyyy or yyyy-mm-dd); today when empty.
    #[param(value_type = Option<crate::query::QueryDate>)]
    pub as_of: String,
}

fn as_of_of(s: &Access, raw: &str) -> Result<chrono::NaiveDate, AppError> {
    parse_as_of(raw, s.today()).map_err(|e| AppError::bad_query(ValidationErrors::single("as_of", e.code, e.message)))
}

#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units", params(("id" = i64, Path, description = "Unit id"), AsOfQuery),
    responses((status = 200, description = "The unit on the date, its versions, operations, links, path, children and member count", body = UnitDetail),
              (status = 404, description = "No such unit", body = ErrorEnvelope)))]
async fn detail(s: Caller, PathId(id): PathId<UnitId>, Query(p): Query<AsOfQuery>) -> Result<Response, AppError> {
    let as_of = as_of_of(&s, &p.as_of)?;
    Ok(axum::Json(s.reader()?.unit(id, as_of).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/units/{id}/subtree", tag = "units", params(("id" = i64, Path, description = "Unit id"), AsOfQuery),
    responses((status = 200, description = "Every unit of the subtree on the date, the root first", body = Vec<UnitSummary>)))]
async fn subtree(s: Caller, PathId(id): PathId<UnitId>, Query(p): Query<AsOfQuery>) -> Result<Response, AppError> {
    let as_of = as_of_of(&s, &p.as_of)?;
    Ok(axum::Json(s.reader()?.subtree(id, as_of).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/units/{id}/successors", tag = "units", params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "Units valid today that the unit lives on in", body = Vec<UnitSummary>)))]
async fn successors(s: Caller, PathId(id): PathId<UnitId>) -> Result<Response, AppError> {
    Ok(axum::Json(s.reader()?.current_successors(id).await?).into_response())
}

/// `POST /api/v1/units`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct CreateUnitBody {
    #[serde(flatten)]
    pub spec: UnitSpecInput,
    #[serde(flatten)]
    pub decision: DecisionInput,
}

fn done<T>(e: ValidationErrors, v: Option<T>) -> Result<T, AppError> {
    match v {
        Some(v) if e.is_empty() => Ok(v),
        _ => Err(AppError::validation(e)),
    }
}

fn required_version(e: &mut ValidationErrors, v: Option<i64>) -> Option<i64> {
    if v.is_none() {
        e.push("version", "required", crate::forms::VERSION_REQUIRED);
    }
    v
}

#[utoipa::path(post, path = "/api/v1/units", tag = "units", request_body = CreateUnitBody,
    responses((status = 201, description = "Created", body = Created),
              (status = 422, description = "Invalid fields", body = ErrorEnvelope)))]
async fn create(s: Caller, Json(b): Json<CreateUnitBody>) -> Result<Response, AppError> {
    let mut e = ValidationErrors::default();
    let spec = b.spec.parse(&mut e, "");
    let decision = b.decision.parse(&mut e);
    let new = done(e, spec.zip(decision).map(|(spec, decision)| NewUnit { spec, decision }))?;
    let id = s.unit_manager()?.create_unit(new).await?;
    Ok(created(id.0))
}

/// `POST /api/v1/units/{id}/rename`: new name, code and/or kind from the decision's date.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct RenameBody {
    pub version: Option<i64>,
    pub name: Option<String>,
    pub code: Option<String>,
    pub kind: Option<String>,
    #[serde(flatten)]
    pub decision: DecisionInput,
}

#[utoipa::path(post, path = "/api/v1/units/{id}/rename", tag = "units", request_body = RenameBody, params(("id" = i64, Path, description = "Unit id")),
    responses((status = 204, description = "Renamed"), (status = 409, description = "Version conflict", body = ErrorEnvelope),
              (status = 422, description = "Invalid fields", body = ErrorEnvelope)))]
async fn rename(s: Caller, PathId(id): PathId<UnitId>, Json(b): Json<RenameBody>) -> Result<Response, AppError> {
    let mut e = ValidationErrors::default();
    let version = required_version(&mut e, b.version);
    fn given(v: &Option<String>) -> Option<&str> {
        v.as_deref().filter(|x| !x.trim().is_empty())
    }
    let (name, code, kind) = rename_changes(&mut e, given(&b.name), given(&b.code), given(&b.kind));
    let decision = b.decision.parse(&mut e);
    let change =
        done(e, version.zip(decision).map(|(expected_version, decision)| RenameUnit { expected_version, name, code, kind, decision }))?;
    s.unit_manager()?.rename_unit(id, change).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/v1/units/{id}/move`: a new parent from the decision's date.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct MoveBody {
    pub version: Option<i64>,
    pub parent_id: Option<i64>,
    #[serde(flatten)]
    pub decision: DecisionInput,
}

#[utoipa::path(post, path = "/api/v1/units/{id}/move", tag = "units", request_body = MoveBody, params(("id" = i64, Path, description = "Unit id")),
    responses((status = 204, description = "Moved"), (status = 409, description = "Version conflict", body = ErrorEnvelope),
              (status = 422, description = "Invalid fields", body = ErrorEnvelope)))]
async fn move_unit(s: Caller, PathId(id): PathId<UnitId>, Json(b): Json<MoveBody>) -> Result<Response, AppError> {
    let mut e = ValidationErrors::default();
    let version = required_version(&mut e, b.version);
    let parent = new_parent(&mut e, b.parent_id);
    let decision = b.decision.parse(&mut e);
    let change = done(
        e,
        version.zip(parent).zip(decision).map(|((expected_version, parent), decision)| MoveUnit { expected_version, parent, decision }),
    )?;
    s.unit_manager()?.move_unit(id, change).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Where a merge or split sends things: an existing unit (`id`) or a new one (the other fields).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct SuccessorInput {
    pub id: Option<i64>,
    #[serde(flatten)]
    pub spec: UnitSpecInput,
}

impl SuccessorInput {
    fn parse(&self, e: &mut ValidationErrors, prefix: &str) -> Option<Successor> {
        match self.id {
            Some(id) if id > 0 => Some(Successor::Existing(UnitId(id))),
            Some(_) => {
                e.push(&format!("{prefix}id"), "invalid_format", "Mã số tổ chức không hợp lệ.");
                None
            }
            None => self.spec.parse(e, prefix).map(Successor::New),
        }
    }
}

/// `POST /api/v1/units/merge`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct MergeBody {
    pub source_ids: Vec<i64>,
    /// An existing target unit…
    pub target_id: Option<i64>,
    /// …or a new unit the merge creates.
    pub target: Option<UnitSpecInput>,
    #[serde(flatten)]
    pub decision: DecisionInput,
}

#[utoipa::path(post, path = "/api/v1/units/merge", tag = "units", request_body = MergeBody,
    responses((status = 201, description = "Merged: the target's id", body = Created),
              (status = 422, description = "Invalid fields", body = ErrorEnvelope)))]
async fn merge(s: Caller, Json(b): Json<MergeBody>) -> Result<Response, AppError> {
    let mut e = ValidationErrors::default();
    let sources = merge_sources(&mut e, &b.source_ids);
    let target = merge_target(&mut e, b.target_id, b.target.as_ref());
    let decision = b.decision.parse(&mut e);
    let merge = done(e, target.zip(decision).map(|(target, decision)| MergeUnits { sources, target, decision }))?;
    let id = s.unit_manager()?.merge_units(merge).await?;
    Ok(created(id.0))
}

/// A child unit or member sent to successor number `successor` (0-based) of a split.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Assignment {
    pub id: i64,
    /// 0-based position in `successors` (one past the list is a 422).
    #[schema(minimum = 0, maximum = 4294967295_u64)]
    pub successor: u32,
}

/// `POST /api/v1/units/{id}/split`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct SplitBody {
    pub version: Option<i64>,
    pub successors: Vec<SuccessorInput>,
    /// Child units and where they go (unlisted ones go to the first successor).
    pub children: Vec<Assignment>,
    /// Members and where they go (unlisted ones go to the first successor).
    pub members: Vec<Assignment>,
    #[serde(flatten)]
    pub decision: DecisionInput,
}

#[utoipa::path(post, path = "/api/v1/units/{id}/split", tag = "units", request_body = SplitBody, params(("id" = i64, Path, description = "Unit id")),
    responses((status = 201, description = "Split: the successors' ids", body = SplitDone),
              (status = 409, description = "Version conflict", body = ErrorEnvelope),
              (status = 422, description = "Invalid fields", body = ErrorEnvelope)))]
async fn split(s: Caller, PathId(id): PathId<UnitId>, Json(b): Json<SplitBody>) -> Result<Response, AppError> {
    let mut e = ValidationErrors::default();
    let version = required_version(&mut e, b.version);
    if b.successors.len() < 2 {
        e.push("successors", "required", "Chia tách cần ít nhất hai tổ chức tiếp nối.");
    }
    let successors: Vec<Option<Successor>> =
        b.successors.iter().enumerate().map(|(i, x)| x.parse(&mut e, &format!("successors[{i}]."))).collect();
    let out_of_range = |a: &Assignment| a.successor as usize >= b.successors.len();
    if b.children.iter().chain(&b.members).any(out_of_range) {
        e.push("successors", "out_of_range", "Số thứ tự tổ chức tiếp nối không có trong danh sách.");
    }
    let decision = b.decision.parse(&mut e);
    let successors: Option<Vec<Successor>> = successors.into_iter().collect();
    let change = done(
        e,
        version.zip(successors).zip(decision).map(|((expected_version, successors), decision)| SplitUnit {
            expected_version,
            successors,
            children: b.children.iter().map(|a| (UnitId(a.id), a.successor as usize)).collect(),
            members: b.members.iter().map(|a| (MemberId(a.id), a.successor as usize)).collect(),
            decision,
        }),
    )?;
    let ids = s.unit_manager()?.split_unit(id, change).await?;
    Ok((StatusCode::CREATED, axum::Json(super::SplitDone { ids })).into_response())
}

#[utoipa::path(post, path = "/api/v1/units/{id}/dissolve", tag = "units", request_body = DecisionInput, params(("id" = i64, Path, description = "Unit id")),
    responses((status = 204, description = "Dissolved"), (status = 422, description = "Invalid fields or unit not empty", body = ErrorEnvelope)))]
async fn dissolve(s: Caller, PathId(id): PathId<UnitId>, Json(b): Json<DecisionInput>) -> Result<Response, AppError> {
    let mut e = ValidationErrors::default();
    let decision = b.parse(&mut e);
    let decision = done(e, decision)?;
    s.unit_manager()?.dissolve_unit(id, decision).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
