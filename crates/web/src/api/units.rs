//! `/api/v1/units`: the organization tree (read and change, with decisions).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::ValidationErrors;
use domain::dates::parse_date;
use domain::ids::{DecisionNumber, MemberId, UnitCode, UnitId};
use domain::unit::{LegalBasis, UnitKind, parse_unit_name};
use serde::{Deserialize, Serialize};
use serde_json::json;
use storage::{MergeUnits, MoveUnit, NewUnit, OrgDecision, RenameUnit, SplitUnit, Successor, UnitSpec};
use utoipa::ToSchema;

use crate::AppState;
use crate::actor::Actor;
use crate::error::AppError;
use crate::extract::{Json, Query};
use crate::query::{parse_as_of, parse_flag, parse_optional_unit};

/// Most units a search returns.
const SEARCH_LIMIT: usize = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/units", get(list).post(create))
        .route("/api/v1/units/search", get(search))
        .route("/api/v1/units/merge", post(merge))
        .route("/api/v1/units/{id}", get(detail))
        .route("/api/v1/units/{id}/subtree", get(subtree))
        .route("/api/v1/units/{id}/successors", get(successors))
        .route("/api/v1/units/{id}/rename", post(rename))
        .route("/api/v1/units/{id}/move", post(move_unit))
        .route("/api/v1/units/{id}/split", post(split))
        .route("/api/v1/units/{id}/dissolve", post(dissolve))
}

/// A unit id from the path; anything else is a 404.
fn unit_path(raw: &str) -> Result<UnitId, AppError> {
    domain::event::parse_unit_id(raw).map_err(|_| AppError::not_found())
}

/// `201 Created` with the new id.
pub fn created(id: i64) -> Response {
    (StatusCode::CREATED, axum::Json(json!({ "id": id }))).into_response()
}

/// Query parameters of the unit listing and search.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct UnitListParams {
    /// Parent unit id; the roots when empty (ignored when `q` is given).
    pub parent: String,
    /// Search text (name or code, with or without diacritics).
    pub q: String,
    /// `1`: only units that hold members (chi bộ).
    pub members_only: String,
    /// Date (dd/mm/yyyy or yyyy-mm-dd); today when empty.
    pub as_of: String,
}

#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(UnitListParams),
    responses((status = 200, description = "Children of `parent` (or roots) with member and child counts; or, with `q`, matching units", body = serde_json::Value),
              (status = 400, description = "Bad parameter", body = serde_json::Value)))]
async fn list(State(s): State<AppState>, Query(p): Query<UnitListParams>) -> Result<Response, AppError> {
    if !p.q.trim().is_empty() {
        return search(State(s), Query(p)).await;
    }
    let mut e = ValidationErrors::default();
    let as_of = e.take("as_of", parse_as_of(&p.as_of, s.today()));
    let parent = e.take("parent", parse_optional_unit(&p.parent));
    match (as_of, parent) {
        (Some(as_of), Some(parent)) => Ok(axum::Json(s.store.children(parent, as_of).await?).into_response()),
        _ => Err(AppError::bad_query(e)),
    }
}

#[utoipa::path(get, path = "/api/v1/units/search", tag = "units", params(UnitListParams),
    responses((status = 200, description = "Units whose name or code matches `q`", body = serde_json::Value)))]
async fn search(State(s): State<AppState>, Query(p): Query<UnitListParams>) -> Result<Response, AppError> {
    let as_of = parse_as_of(&p.as_of, s.today()).map_err(|e| AppError::bad_query(ValidationErrors::single("as_of", e.code, e.message)))?;
    let q = p.q.trim();
    let found = if q.is_empty() { Vec::new() } else { s.store.find_units(q, as_of, parse_flag(&p.members_only), SEARCH_LIMIT).await? };
    Ok(axum::Json(found).into_response())
}

/// `?as_of=` alone.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// Date (dd/mm/yyyy or yyyy-mm-dd); today when empty.
    pub as_of: String,
}

fn as_of_of(s: &AppState, raw: &str) -> Result<chrono::NaiveDate, AppError> {
    parse_as_of(raw, s.today()).map_err(|e| AppError::bad_query(ValidationErrors::single("as_of", e.code, e.message)))
}

#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units", params(("id" = i64, Path, description = "Unit id"), AsOfQuery),
    responses((status = 200, description = "The unit on the date, its versions, operations, links, path, children and member count", body = serde_json::Value),
              (status = 404, description = "No such unit", body = serde_json::Value)))]
async fn detail(State(s): State<AppState>, Path(id): Path<String>, Query(p): Query<AsOfQuery>) -> Result<Response, AppError> {
    let id = unit_path(&id)?;
    let as_of = as_of_of(&s, &p.as_of)?;
    Ok(axum::Json(s.store.unit(id, as_of).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/units/{id}/subtree", tag = "units", params(("id" = i64, Path, description = "Unit id"), AsOfQuery),
    responses((status = 200, description = "Every unit of the subtree on the date, the root first", body = serde_json::Value)))]
async fn subtree(State(s): State<AppState>, Path(id): Path<String>, Query(p): Query<AsOfQuery>) -> Result<Response, AppError> {
    let id = unit_path(&id)?;
    let as_of = as_of_of(&s, &p.as_of)?;
    Ok(axum::Json(s.store.subtree(id, as_of).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/units/{id}/successors", tag = "units", params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "Units valid today that the unit lives on in", body = serde_json::Value)))]
async fn successors(State(s): State<AppState>, Path(id): Path<String>) -> Result<Response, AppError> {
    let id = unit_path(&id)?;
    Ok(axum::Json(s.store.current_successors(id, s.today()).await?).into_response())
}

/// The decision behind an operation on units.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct DecisionInput {
    /// Ngày có hiệu lực (dd/mm/yyyy or yyyy-mm-dd).
    pub effective_date: String,
    /// Số quyết định, e.g. `123-QĐ/TU`.
    pub decision_number: String,
    /// Ngày ký.
    pub decision_date: String,
    /// Cơ quan ban hành.
    pub issuer: String,
    pub note: String,
}

impl DecisionInput {
    /// Parses the decision, recording problems in `e`.
    pub fn parse(&self, e: &mut ValidationErrors) -> Option<OrgDecision> {
        let effective = e.take("effective_date", parse_date(&self.effective_date));
        let number = e.take("decision_number", DecisionNumber::parse(&self.decision_number));
        let date = e.take("decision_date", parse_date(&self.decision_date));
        let issuer = e.take("issuer", domain::text::required_text(&self.issuer, 200, "Cơ quan ban hành"));
        let note = e.take("note", domain::text::optional_text(&self.note, 1000, "Ghi chú")).flatten();
        Some(OrgDecision { effective: effective?, basis: LegalBasis { number: number?, date: date?, issuer: issuer? }, note })
    }
}

/// A unit to create (alone, or as the result of a merge or split).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct UnitSpecInput {
    /// A unit kind code (`chi-bo`, `dang-bo-co-so`, `xa-phuong`, …).
    pub kind: String,
    pub code: String,
    pub name: String,
    pub parent_id: Option<i64>,
}

impl UnitSpecInput {
    fn parse(&self, e: &mut ValidationErrors, prefix: &str) -> Option<UnitSpec> {
        let kind = e.take(&format!("{prefix}kind"), UnitKind::parse(&self.kind));
        let code = e.take(&format!("{prefix}code"), UnitCode::parse(&self.code));
        let name = e.take(&format!("{prefix}name"), parse_unit_name(&self.name));
        let parent = match self.parent_id {
            Some(p) if p <= 0 => {
                e.push(&format!("{prefix}parent_id"), "invalid_format", "Mã số tổ chức cấp trên không hợp lệ.");
                None
            }
            p => Some(p.map(UnitId)),
        };
        Some(UnitSpec { kind: kind?, code: code?, name: name?, parent: parent? })
    }
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
        e.push("version", "required", "Thiếu phiên bản của bản ghi (version).");
    }
    v
}

#[utoipa::path(post, path = "/api/v1/units", tag = "units", request_body = CreateUnitBody,
    responses((status = 201, description = "Created: `{\"id\": …}`", body = serde_json::Value),
              (status = 422, description = "Invalid fields", body = serde_json::Value)))]
async fn create(State(s): State<AppState>, actor: Actor, Json(b): Json<CreateUnitBody>) -> Result<Response, AppError> {
    let mut e = ValidationErrors::default();
    let spec = b.spec.parse(&mut e, "");
    let decision = b.decision.parse(&mut e);
    let new = done(e, spec.zip(decision).map(|(spec, decision)| NewUnit { spec, decision }))?;
    let id = s.store.create_unit(&s.write_context(&actor), new).await?;
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
    responses((status = 204, description = "Renamed"), (status = 409, description = "Version conflict", body = serde_json::Value),
              (status = 422, description = "Invalid fields", body = serde_json::Value)))]
async fn rename(State(s): State<AppState>, actor: Actor, Path(id): Path<String>, Json(b): Json<RenameBody>) -> Result<Response, AppError> {
    let id = unit_path(&id)?;
    let mut e = ValidationErrors::default();
    let version = required_version(&mut e, b.version);
    let name = b.name.as_deref().filter(|n| !n.trim().is_empty()).and_then(|n| e.take("name", parse_unit_name(n)));
    let code = b.code.as_deref().filter(|c| !c.trim().is_empty()).and_then(|c| e.take("code", UnitCode::parse(c)));
    let kind = b.kind.as_deref().filter(|k| !k.trim().is_empty()).and_then(|k| e.take("kind", UnitKind::parse(k)));
    if b.name.is_none() && b.code.is_none() && b.kind.is_none() {
        e.push("name", "required", "Nhập tên, mã hoặc loại tổ chức mới.");
    }
    let decision = b.decision.parse(&mut e);
    let change =
        done(e, version.zip(decision).map(|(expected_version, decision)| RenameUnit { expected_version, name, code, kind, decision }))?;
    s.store.rename_unit(&s.write_context(&actor), id, change).await?;
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
    responses((status = 204, description = "Moved"), (status = 409, description = "Version conflict", body = serde_json::Value),
              (status = 422, description = "Invalid fields", body = serde_json::Value)))]
async fn move_unit(State(s): State<AppState>, actor: Actor, Path(id): Path<String>, Json(b): Json<MoveBody>) -> Result<Response, AppError> {
    let id = unit_path(&id)?;
    let mut e = ValidationErrors::default();
    let version = required_version(&mut e, b.version);
    let parent = match b.parent_id {
        Some(p) if p > 0 => Some(UnitId(p)),
        _ => {
            e.push("parent_id", "required", "Chọn tổ chức cấp trên mới.");
            None
        }
    };
    let decision = b.decision.parse(&mut e);
    let change = done(
        e,
        version.zip(parent).zip(decision).map(|((expected_version, parent), decision)| MoveUnit { expected_version, parent, decision }),
    )?;
    s.store.move_unit(&s.write_context(&actor), id, change).await?;
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
    responses((status = 201, description = "Merged: `{\"id\": target}`", body = serde_json::Value),
              (status = 422, description = "Invalid fields", body = serde_json::Value)))]
async fn merge(State(s): State<AppState>, actor: Actor, Json(b): Json<MergeBody>) -> Result<Response, AppError> {
    let mut e = ValidationErrors::default();
    if b.source_ids.is_empty() || b.source_ids.iter().any(|id| *id <= 0) {
        e.push("source_ids", "required", "Chọn các tổ chức được hợp nhất.");
    }
    let target = match (&b.target_id, &b.target) {
        (Some(id), None) if *id > 0 => Some(Successor::Existing(UnitId(*id))),
        (None, Some(spec)) => spec.parse(&mut e, "target.").map(Successor::New),
        _ => {
            e.push("target_id", "required", "Chọn tổ chức nhận (target_id) hoặc mô tả tổ chức mới (target), không cả hai.");
            None
        }
    };
    let decision = b.decision.parse(&mut e);
    let sources = b.source_ids.iter().map(|id| UnitId(*id)).collect();
    let merge = done(e, target.zip(decision).map(|(target, decision)| MergeUnits { sources, target, decision }))?;
    let id = s.store.merge_units(&s.write_context(&actor), merge).await?;
    Ok(created(id.0))
}

/// A child unit or member sent to successor number `successor` (0-based) of a split.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Assignment {
    pub id: i64,
    pub successor: usize,
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
    responses((status = 201, description = "Split: `{\"ids\": [successor ids]}`", body = serde_json::Value),
              (status = 409, description = "Version conflict", body = serde_json::Value),
              (status = 422, description = "Invalid fields", body = serde_json::Value)))]
async fn split(State(s): State<AppState>, actor: Actor, Path(id): Path<String>, Json(b): Json<SplitBody>) -> Result<Response, AppError> {
    let id = unit_path(&id)?;
    let mut e = ValidationErrors::default();
    let version = required_version(&mut e, b.version);
    if b.successors.len() < 2 {
        e.push("successors", "required", "Chia tách cần ít nhất hai tổ chức tiếp nối.");
    }
    let successors: Vec<Option<Successor>> =
        b.successors.iter().enumerate().map(|(i, x)| x.parse(&mut e, &format!("successors[{i}]."))).collect();
    let out_of_range = |a: &Assignment| a.successor >= b.successors.len();
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
            children: b.children.iter().map(|a| (UnitId(a.id), a.successor)).collect(),
            members: b.members.iter().map(|a| (MemberId(a.id), a.successor)).collect(),
            decision,
        }),
    )?;
    let ids = s.store.split_unit(&s.write_context(&actor), id, change).await?;
    Ok((StatusCode::CREATED, axum::Json(json!({ "ids": ids }))).into_response())
}

#[utoipa::path(post, path = "/api/v1/units/{id}/dissolve", tag = "units", request_body = DecisionInput, params(("id" = i64, Path, description = "Unit id")),
    responses((status = 204, description = "Dissolved"), (status = 422, description = "Invalid fields or unit not empty", body = serde_json::Value)))]
async fn dissolve(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Json(b): Json<DecisionInput>,
) -> Result<Response, AppError> {
    let id = unit_path(&id)?;
    let mut e = ValidationErrors::default();
    let decision = b.parse(&mut e);
    let decision = done(e, decision)?;
    s.store.dissolve_unit(&s.write_context(&actor), id, decision).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
