//! The OpenAPI 3 document of the API, generated from the handlers' `#[utoipa::path]` attributes.

use axum::Json;
use utoipa::OpenApi;

use super::{admission, members, reports, tokens, transfers, units};

#[derive(OpenApi)]
#[openapi(
    info(title = "Đảng vụ API", description = "Sổ đảng viên và hệ thống tổ chức đảng. Lỗi: `{\"error\": {code, message, fields, request_id}}`."),
    paths(
        units::list, units::search, units::detail, units::subtree, units::successors, units::create, units::rename,
        units::move_unit, units::merge, units::split, units::dissolve,
        members::list, members::create, members::detail, members::update, members::events, members::record_event,
        members::correct_event, transfers::arriving,
        tokens::list, tokens::revoke,
        admission::list, admission::create, admission::detail, admission::update, admission::record_step, admission::void_step,
        admission::worklist, admission::targets, admission::set_target, admission::calendar, admission::set_calendar,
        reports::counts,
        reports::movements,
        reports::admissions,
    ),
    components(schemas(crate::error::ErrorBody, admission::VoidBody, admission::TargetBody, admission::CalendarBody, admission::NamedDay)),
    modifiers(&BearerToken),
    security(("bearer" = [])),
    tags((name = "units", description = "Tổ chức đảng"), (name = "members", description = "Đảng viên"), (name = "tokens", description = "Mã truy cập của chính mình"),
        (name = "admission", description = "Phát triển đảng viên: hồ sơ, các bước, việc cần làm, chỉ tiêu"), (name = "calendar", description = "Lịch ngày làm việc"),
        (name = "reports", description = "Thống kê đảng viên"))
)]
pub struct ApiDoc;

/// Every API call carries `Authorization: Bearer <token>` (tokens are made on the account page
/// or with `dangvu token create`); a missing, unknown or revoked token answers 401.
struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
