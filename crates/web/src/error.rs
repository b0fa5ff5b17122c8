//! Errors as the user sees them: a Vietnamese page for the site, a JSON body with a stable code
//! for the API. Handlers return [`AppError`]; the [`render_errors`] middleware turns it (and
//! anything else that failed — a panic, an unknown route, a too large body) into the final
//! response with the request id, so no internal detail ever reaches the client.

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use domain::{FieldError, ValidationErrors};
use serde::Serialize;
use storage::StoreError;

use crate::chrome::Chrome;

/// What went wrong, before it is rendered as a page or as JSON.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub status: StatusCode,
    /// Stable machine code: `bad_request`, `not_found`, `conflict`, `validation_failed`, …
    pub code: &'static str,
    /// In Vietnamese, safe to show.
    pub message: String,
    pub fields: Vec<FieldError>,
    /// On a conflict: the version now stored.
    pub current_version: Option<i64>,
}

/// The error type of every handler.
#[derive(Debug, Clone)]
pub struct AppError(pub Box<ErrorInfo>);

/// The codes of query-parameter problems that a rule finds in values of the documented shape
/// (a 422, not a 400; see [`AppError::bad_query`]).
pub const QUERY_RULE_CODES: &[&str] = &["invalid_date", "period_reversed", "out_of_order", "required_with", "excluded_by", "in_future"];

impl AppError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> AppError {
        AppError(Box::new(ErrorInfo { status, code, message: message.into(), fields: Vec::new(), current_version: None }))
    }

    pub fn not_found() -> AppError {
        AppError::new(StatusCode::NOT_FOUND, "not_found", "Không tìm thấy trang hoặc bản ghi được yêu cầu.")
    }

    pub fn bad_request(message: impl Into<String>) -> AppError {
        AppError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// A query string whose parameters do not parse (400, with the fields).
    /// Parameters that match the document but break a rule it can only describe are a 422, like
    /// the same values in a body ([`QUERY_RULE_CODES`]): a date of the documented shape that is
    /// not in the calendar (`31/02/2025`), a day after today where the day may not be, a period
    /// or age band that ends before it starts, a
    /// parameter another one requires or excludes.
    pub fn bad_query(errors: ValidationErrors) -> AppError {
        if !errors.errors.is_empty() && errors.errors.iter().all(|f| QUERY_RULE_CODES.contains(&f.code)) {
            let mut e = AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "Tham số truy vấn không hợp lệ.");
            e.0.fields = errors.errors;
            return e;
        }
        let mut e = AppError::bad_request("Tham số truy vấn không hợp lệ.");
        e.0.fields = errors.errors;
        e
    }

    /// A well-formed body whose content is refused (422, with the fields).
    pub fn validation(errors: ValidationErrors) -> AppError {
        let mut e = AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "Dữ liệu không hợp lệ.");
        e.0.fields = errors.errors;
        e
    }

    pub fn conflict(current: i64) -> AppError {
        let mut e = AppError::new(
            StatusCode::CONFLICT,
            "conflict",
            "Bản ghi đã được người khác cập nhật trước; hãy tải lại và thử lại với phiên bản mới.",
        );
        e.0.current_version = Some(current);
        e
    }

    /// Not logged in (or a token that is unknown, revoked or malformed).
    pub fn unauthorized() -> AppError {
        AppError::new(StatusCode::UNAUTHORIZED, "unauthorized", "Cần đăng nhập (hoặc mã truy cập không hợp lệ, đã thu hồi hay hết hạn).")
    }

    /// Logged in, but no grant allows this.
    pub fn forbidden() -> AppError {
        AppError::new(StatusCode::FORBIDDEN, "forbidden", "Bạn không có quyền thực hiện thao tác này.")
    }

    /// A state-changing request without a valid anti-forgery token or from another site.
    pub fn csrf() -> AppError {
        AppError::new(
            StatusCode::FORBIDDEN,
            "csrf_rejected",
            "Yêu cầu bị từ chối vì không xác minh được nguồn gửi (phiên làm việc đã đổi hoặc biểu mẫu đã cũ). Hãy tải lại trang và thử lại.",
        )
    }

    pub fn too_many_requests(message: impl Into<String>) -> AppError {
        AppError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message)
    }

    pub fn internal() -> AppError {
        AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Đã có lỗi trong hệ thống. Vui lòng thử lại sau.")
    }

    /// The error a bare status stands for (a rejection, a panic, an unknown route).
    pub fn for_status(status: StatusCode) -> AppError {
        match status {
            StatusCode::NOT_FOUND => AppError::not_found(),
            StatusCode::PAYLOAD_TOO_LARGE => AppError::new(status, "payload_too_large", "Dữ liệu gửi lên quá lớn (tối đa 1 MiB)."),
            StatusCode::METHOD_NOT_ALLOWED => {
                AppError::new(status, "method_not_allowed", "Thao tác này không được hỗ trợ tại địa chỉ này.")
            }
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                AppError::new(status, "unsupported_media_type", "Kiểu dữ liệu gửi lên không được hỗ trợ (cần application/json).")
            }
            s if s.is_server_error() => AppError::internal(),
            _ => AppError::bad_request("Yêu cầu không hợp lệ."),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::NotFound => AppError::not_found(),
            StoreError::Invalid(errors) => AppError::validation(errors),
            StoreError::Conflict { current } => AppError::conflict(current),
            StoreError::Forbidden => AppError::forbidden(),
            StoreError::Database(db) => {
                tracing::error!(error = %db, "database error");
                AppError::internal()
            }
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> AppError {
        tracing::error!(error = %e, "template error");
        AppError::internal()
    }
}

impl IntoResponse for AppError {
    /// An empty response carrying the [`ErrorInfo`]; [`render_errors`] writes the body.
    fn into_response(self) -> Response {
        let mut res = self.0.status.into_response();
        res.extensions_mut().insert(*self.0);
        res
    }
}

/// `GET` of a path that does not exist.
pub async fn not_found() -> AppError {
    AppError::not_found()
}

/// Every error the API answers: `{"error": {…}}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorEnvelope<'a> {
    pub error: ErrorBody<'a>,
}

/// The JSON error body of the API.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody<'a> {
    /// Stable machine code: `bad_request`, `unauthorized`, `forbidden`, `not_found`, `conflict`,
    /// `payload_too_large`, `unsupported_media_type`, `validation_failed`, `too_many_requests`, …
    pub code: &'a str,
    /// What went wrong, in Vietnamese.
    pub message: &'a str,
    /// The fields concerned (query parameters on a 400, body fields on a 422), each with its own code.
    #[schema(value_type = Vec<FieldError>)]
    pub fields: &'a [FieldError],
    /// On a 409: the version now stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    pub request_id: &'a str,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    status: u16,
    message: &'a str,
    request_id: &'a str,
    show_request_id: bool,
}

fn title_for(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "Không tìm thấy",
        StatusCode::PAYLOAD_TOO_LARGE => "Dữ liệu quá lớn",
        StatusCode::CONFLICT => "Xung đột dữ liệu",
        StatusCode::UNAUTHORIZED => "Cần đăng nhập",
        StatusCode::FORBIDDEN => "Không có quyền",
        StatusCode::TOO_MANY_REQUESTS => "Tạm thời bị chặn",
        s if s.is_server_error() => "Đã có lỗi xảy ra",
        _ => "Yêu cầu không hợp lệ",
    }
}

/// Middleware: renders every error response (from handlers, rejections, panics, limits) as a
/// Vietnamese page or, under `/api`, as the JSON error body, with the request id.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let request_id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let chrome = Chrome::from_parts(req.headers(), req.uri());
    let mut res = next.run(req).await;
    let info = match res.extensions_mut().remove::<ErrorInfo>() {
        Some(info) => info,
        None => {
            let plain = res.headers().get(header::CONTENT_TYPE).is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
            if res.status().as_u16() < 400 || path == "/healthz" || path == "/readyz" || !plain {
                return res;
            }
            *AppError::for_status(res.status()).0
        }
    };
    if path.starts_with("/api") {
        let body = ErrorEnvelope {
            error: ErrorBody {
                code: info.code,
                message: &info.message,
                fields: &info.fields,
                current_version: info.current_version,
                request_id: &request_id,
            },
        };
        let mut res = (info.status, axum::Json(body)).into_response();
        if info.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"dangvu\""));
        }
        return res;
    }
    let page = ErrorPage {
        chrome: chrome.titled(title_for(info.status)),
        status: info.status.as_u16(),
        message: &info.message,
        request_id: &request_id,
        show_request_id: info.status.is_server_error(),
    };
    match page.render() {
        Ok(html) => (info.status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page template failed");
            let mut r = (info.status, info.message).into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
            r
        }
    }
}
