//! The OpenAPI 3 document of the API, generated from the handlers' `#[utoipa::path]` attributes.

use axum::Json;
use utoipa::OpenApi;

use super::{
    admission, change_requests, committees, directives, documents, dues, enterprises, evaluation, export, feedback, inbox, meetings,
    members, plans, quality, reports, residence, routines, strike_off, tokens, transfers, units, weak, worklist,
};

#[derive(OpenApi)]
#[openapi(
    info(title = "Đảng vụ API", description = "Sổ đảng viên và hệ thống tổ chức đảng. Lỗi: `{\"error\": {code, message, fields, request_id}}`."),
    paths(
        units::list, units::search, units::detail, units::subtree, units::successors, units::create, units::rename,
        units::move_unit, units::merge, units::split, units::dissolve,
        members::list, members::create, members::detail, members::update, members::events, members::record_event,
        members::correct_event,
        transfers::arriving, transfers::hosted, transfers::book, transfers::of_member, transfers::issue, transfers::receive, transfers::detail, transfers::present,
        transfers::accept, transfers::refuse, transfers::cancel, transfers::close, transfers::return_home,
        change_requests::of_member, change_requests::send, change_requests::pending, change_requests::detail,
        change_requests::accept, change_requests::refuse, change_requests::file,
        strike_off::list, strike_off::propose, strike_off::decide,
        tokens::list, tokens::revoke,
        admission::list, admission::create, admission::detail, admission::update, admission::record_step, admission::void_step,
        admission::worklist, admission::targets, admission::set_target, admission::calendar, admission::set_calendar,
        plans::terms, plans::create_term, plans::update_term, plans::delete_term, plans::occasions, plans::add_occasion,
        plans::remove_occasion,
        directives::to_do, directives::received, directives::sent, directives::send, directives::detail, directives::record,
        directives::pass_on, directives::remind, directives::attach_sender, directives::attach_report, directives::download,
        meetings::list, meetings::create, meetings::alerts, meetings::report, meetings::detail, meetings::update, meetings::attendance,
        meetings::resolution, meetings::minutes, meetings::add_document, meetings::download_document,
        committees::show, committees::add, committees::end, committees::remove,
        dues::sheet, dues::ledger, dues::arrears, dues::remit, dues::member, dues::pay, dues::cancel, dues::basis, dues::confirm,
        dues::relief,
        enterprises::list, enterprises::add, enterprises::update, enterprises::target,
        routines::member, routines::record_discipline, routines::interruption, routines::lift, routines::record_exemption, routines::renew,
        routines::end_exemption, routines::issue_card, routines::end_card, routines::record_badge, routines::disciplines,
        routines::exemptions, routines::cards, routines::card_check, routines::badges_due, routines::open_list, routines::badge_list,
        routines::add_line, routines::remove_line, routines::send_list, routines::decide_list, routines::member_work,
        evaluation::rounds, evaluation::open, evaluation::sheet, evaluation::step, evaluation::close, worklist::yearly,
        residence::member, residence::set_tie, residence::contact, residence::comment, residence::report, residence::comment_from_unit,
        weak::report, weak::create, weak::detail, weak::add_measure, weak::measure_done, weak::close,
        feedback::list, feedback::send, feedback::detail, feedback::answer,
        inbox::list, inbox::open, inbox::mark_read, inbox::set_email,
        documents::mine, documents::library, documents::create, documents::detail, documents::attach, documents::download,
        reports::counts,
        reports::movements,
        reports::admissions,
        quality::quality,
        export::export,
    ),
    components(schemas(
        crate::error::ErrorEnvelope,
        crate::query::QueryDate,
        crate::query::StatusFilterCode,
        crate::query::AgeBandText,
        crate::query::FacetCode,
        crate::query::FlowCode,
        crate::query::AdmittedCode,
        crate::query::RowCode,
        crate::query::AgeBandsText,
    )),
    modifiers(&BearerToken, &StandardErrors, &BlankIsAbsent),
    security(("bearer" = [])),
    tags((name = "units", description = "Tổ chức đảng"), (name = "members", description = "Đảng viên"), (name = "tokens", description = "Mã truy cập của chính mình"),
        (name = "admission", description = "Phát triển đảng viên: hồ sơ, các bước, việc cần làm, chỉ tiêu"), (name = "calendar", description = "Lịch ngày làm việc"),
        (name = "reports", description = "Thống kê đảng viên"), (name = "quality", description = "Chất lượng dữ liệu"),
        (name = "export", description = "Xuất sổ đảng viên"), (name = "directives", description = "Văn bản chỉ đạo, nhiệm vụ và tình hình thực hiện"),
        (name = "meetings", description = "Sinh hoạt chi bộ: buổi họp, danh sách dự họp, biểu quyết, biên bản"),
        (name = "transfers", description = "Chuyển sinh hoạt đảng: giấy giới thiệu, tiếp nhận, từ chối, hủy, phiếu báo, sinh hoạt tạm thời, sổ theo dõi"),
        (name = "strike-off", description = "Xem xét, đề nghị và quyết định xóa tên đảng viên"),
        (name = "change-requests", description = "Đề nghị điều chỉnh thông tin của đảng viên và trả lời"),
        (name = "committees", description = "Cấp ủy: người giữ chức vụ theo thời gian, thành phần hội nghị cấp ủy và ban thường vụ"),
        (name = "dues", description = "Đảng phí: mức đóng theo quy định từng tháng, thu, nộp cấp trên, chậm đóng"),
        (name = "enterprises", description = "Doanh nghiệp tư nhân, tổ chức đảng trong doanh nghiệp, chỉ tiêu thành lập"),
        (name = "party-work", description = "Kỷ luật, miễn công tác và sinh hoạt, thẻ đảng viên, Huy hiệu Đảng, báo cáo nghiệp vụ công tác đảng viên (7-BTCTW)"),
        (name = "evaluation", description = "Kiểm điểm, đánh giá, xếp loại chất lượng đảng viên và tổ chức đảng"),
        (name = "residence", description = "Đảng viên đang công tác giữ mối liên hệ với nơi cư trú (Quy định 213-QĐ/TW)"),
        (name = "weak", description = "Tổ chức cơ sở đảng yếu kém và kế hoạch củng cố"),
        (name = "feedback", description = "Ý kiến, kiến nghị gửi cấp trên và trả lời"),
        (name = "documents", description = "Thư viện tài liệu, tệp đính kèm, theo dõi đã xem"),
        (name = "inbox", description = "Thông báo của chính mình và địa chỉ thư điện tử nhận thông báo"))
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

/// The error answers every operation can give, added to those its handler documents (a handler's
/// own description of a status wins): the body is always [`ErrorEnvelope`](crate::error::ErrorEnvelope).
/// - every operation: 400 (a query parameter of the wrong type or format, a body that is not the
///   documented JSON), 401 (no valid bearer token), 403 (no grant allows it), 404 (no such record,
///   or one outside the caller's scope), 422 (a well-formed request that a rule refuses: a date not
///   in the calendar, a body's content, with the fields concerned);
/// - with a request body: 413 (over 1 MiB), 415 (not `application/json`);
/// - writes (`POST`, `PUT`, `DELETE`): 409 (the record changed since the version sent).
struct StandardErrors;

impl utoipa::Modify for StandardErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Ref, RefOr, ResponseBuilder};
        let error = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content("application/json", utoipa::openapi::content::Content::new(Some(Ref::from_schema_name("ErrorEnvelope"))))
                    .build(),
            )
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [(&mut item.get, false), (&mut item.put, true), (&mut item.post, true), (&mut item.delete, true)];
            for (operation, write) in operations {
                let Some(operation) = operation else { continue };
                let has_body = operation.request_body.is_some();
                let mut wanted = vec![
                    (
                        "400",
                        "Malformed request: a query parameter or body field of the wrong type or format, an unknown field, invalid JSON",
                    ),
                    ("401", "Missing, unknown, expired or revoked bearer token"),
                    ("403", "No grant of the caller allows this here"),
                    ("404", "No such record, or one outside the caller's scope"),
                    (
                        "422",
                        "A rule refuses the request: a date of the right shape that is not in the calendar, or (with a body) content a rule refuses; `fields` names each problem",
                    ),
                ];
                if has_body {
                    wanted.push(("413", "Body over 1 MiB"));
                    wanted.push(("415", "Body not sent as `application/json`"));
                }
                if write {
                    wanted.push(("409", "The record changed since the version sent (`current_version`)"));
                }
                for (status, description) in wanted {
                    operation.responses.responses.entry(status.to_owned()).or_insert_with(|| error(description));
                }
            }
        }
    }
}

/// An optional query parameter sent blank (empty, or only white space) is read as absent, as a
/// form sends an empty field: its schema is "the documented value, or blank"
/// ([`crate::query::blank_pattern`]). Lists are left as they are: a blank list is empty.
struct BlankIsAbsent;

impl utoipa::Modify for BlankIsAbsent {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::ParameterIn;
        use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Type};
        use utoipa::openapi::{RefOr, Required};
        let blank = || {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(crate::query::blank_pattern()))
                .description(Some("Để trống: như không gửi"))
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete];
            for operation in operations.into_iter().flatten() {
                for parameter in operation.parameters.iter_mut().flatten() {
                    let RefOr::T(parameter) = parameter else { continue };
                    if parameter.parameter_in != ParameterIn::Query || parameter.required == Required::True {
                        continue;
                    }
                    // A list (`a,b,c`) sent blank is the empty list: it is blank already.
                    if matches!(parameter.schema, Some(RefOr::T(utoipa::openapi::schema::Schema::Array(_)))) {
                        continue;
                    }
                    if let Some(schema) = parameter.schema.take() {
                        let either = AnyOfBuilder::new().item(schema).item(blank()).build();
                        parameter.schema = Some(RefOr::T(utoipa::openapi::schema::Schema::AnyOf(either)));
                    }
                }
            }
        }
    }
}

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    /// utoipa names a component after its Rust type and keeps only the last of two types with one
    /// name, so a response would be documented with another type's schema. Every type deriving
    /// `ToSchema` in the crates the API shows must have its own name (or its own `schema(as = …)`).
    #[test]
    fn schema_names_are_unique() {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for krate in ["domain", "storage", "web"] {
            for file in rust_files(&crates.join(krate).join("src")) {
                let text = std::fs::read_to_string(&file).expect("source file");
                for name in derived_schema_names(&text) {
                    seen.entry(name).or_default().push(file.display().to_string());
                }
            }
        }
        let twice: Vec<_> = seen.iter().filter(|(_, files)| files.len() > 1).collect();
        assert!(seen.len() > 100, "the scan found only {} schemas", seen.len());
        assert!(twice.is_empty(), "schema names used by more than one type: {twice:?}");
    }

    #[test]
    fn the_scan_reads_renames_and_items() {
        let text = "#[derive(Debug, utoipa::ToSchema)]\n#[serde(rename_all = \"snake_case\")]\npub struct A {}\n\
                    #[derive(ToSchema)]\n#[schema(as = Other)]\npub(crate) enum B {}\n#[derive(Debug)]\nstruct C;\n\
                    #[derive(ToSchema)]\npub struct $name(String);\n";
        assert_eq!(derived_schema_names(text), vec!["A".to_string(), "Other".to_string()]);
    }

    fn rust_files(dir: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).expect("source directory") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                files.extend(rust_files(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
        files
    }

    /// The names of the types whose attributes derive `ToSchema`, as utoipa would name them.
    fn derived_schema_names(text: &str) -> Vec<String> {
        let mut names = Vec::new();
        let mut deriving = false;
        let mut renamed: Option<String> = None;
        for line in text.lines().map(str::trim) {
            if line.starts_with("#[") || line.starts_with("#![") {
                if line.contains("derive(") && line.contains("ToSchema") {
                    deriving = true;
                }
                if let Some(rest) = line.strip_prefix("#[schema(as = ") {
                    renamed = Some(rest.trim_end_matches(")]").trim().to_string());
                }
                continue;
            }
            if deriving {
                let item = line.trim_start_matches("pub(crate) ").trim_start_matches("pub ");
                if let Some(rest) = item.strip_prefix("struct ").or_else(|| item.strip_prefix("enum ")) {
                    // A macro's `$name` is named where the macro is used, not here.
                    let own: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    if !own.is_empty() {
                        names.push(renamed.take().unwrap_or(own));
                    }
                }
            }
            if !line.starts_with("///") && !line.is_empty() {
                deriving = false;
                renamed = None;
            }
        }
        names
    }
}
