//! Extractors whose rejections become our own errors (so axum's plain-text rejections never
//! reach a client): [`Query`], [`Form`] and [`Json`] behave like axum's but reject with
//! [`AppError`] (`bad_request`, or `payload_too_large` when the body limit is hit); [`PathId`] and
//! [`PathIds`] read typed ids from the path (404 when a segment names nothing).

use axum::extract::rejection::{FormRejection, JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// Largest request body accepted (forms and JSON): 1 MiB.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// The limit of a register file uploaded to `POST /import` (the spreadsheet readers' own).
pub const UPLOAD_LIMIT: usize = 200 * 1024 * 1024;

/// The limit of an attachment upload: the largest attachment (`domain::documents::MAX_ATTACHMENT`)
/// and room for the form around it.
pub const ATTACHMENT_LIMIT: usize = domain::documents::MAX_ATTACHMENT + 64 * 1024;

/// The body limit of a request to `path`: [`UPLOAD_LIMIT`] for the import upload,
/// [`ATTACHMENT_LIMIT`] for an attachment's (a document's or a directive's file), else
/// [`BODY_LIMIT`].
pub fn body_limit(path: &str) -> usize {
    if path == "/import" {
        UPLOAD_LIMIT
    } else if (path.ends_with("/attachments") && (path.starts_with("/documents/") || path.starts_with("/api/v1/documents/")))
        || (path.ends_with("/files") && (path.starts_with("/directives/") || path.starts_with("/api/v1/directives/")))
        || (path.ends_with("/documents") && (path.starts_with("/meetings/") || path.starts_with("/api/v1/meetings/")))
        || (path.ends_with("/requests/new") && path.starts_with("/members/"))
    {
        ATTACHMENT_LIMIT
    } else if path.ends_with("/change-requests") && path.starts_with("/api/v1/members/") {
        // The attachment in base64 inside the JSON body: a third larger.
        ATTACHMENT_LIMIT / 3 * 4 + 64 * 1024
    } else {
        BODY_LIMIT
    }
}

/// Query-string parameters.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let bad = || AppError::bad_request("Tham số truy vấn không đúng định dạng.");
        match axum::extract::Query::<Vec<(String, String)>>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(pairs)) => typed_pairs(crate::picker::resolve(pairs).await).map(Query).ok_or_else(bad),
            Err(e @ QueryRejection::FailedToDeserializeQueryString(_)) => {
                tracing::debug!(error = %e, "bad query string");
                Err(bad())
            }
            Err(_) => Err(bad()),
        }
    }
}

/// An `application/x-www-form-urlencoded` body.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<Vec<(String, String)>>::from_request(req, state).await {
            Ok(axum::Form(pairs)) => typed_pairs(crate::picker::resolve(pairs).await)
                .map(Form)
                .ok_or_else(|| AppError::bad_request("Dữ liệu biểu mẫu không đúng định dạng.")),
            Err(e) => Err(form_rejection(e)),
        }
    }
}

/// Reads name–value pairs (after the organization picker has put ids for the names typed) into
/// the typed form.
fn typed_pairs<T: DeserializeOwned>(pairs: Vec<(String, String)>) -> Option<T> {
    let encoded = serde_urlencoded::to_string(&pairs).ok()?;
    serde_urlencoded::from_str(&encoded).map_err(|e| tracing::debug!(error = %e, "bad form values")).ok()
}

fn form_rejection(e: FormRejection) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return AppError::for_status(StatusCode::PAYLOAD_TOO_LARGE);
    }
    tracing::debug!(error = %e, "bad form body");
    AppError::bad_request("Dữ liệu biểu mẫu không đúng định dạng.")
}

/// A JSON body.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(v)) => typed(v).map(Json),
            Err(e) => Err(json_rejection(e)),
        }
    }
}

/// JSON Schema counts `7.0` as an integer: such numbers become integers before the typed read.
fn integral_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            // 2^63: every integral f64 below it in magnitude is an i64 (the larger ones stay
            // numbers, and a field that wants an integer refuses them).
            const I64_LIMIT: f64 = 9_223_372_036_854_775_808.0;
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && (-I64_LIMIT..I64_LIMIT).contains(&f)
            {
                // An integral f64 in the i64 range converts exactly.
                #[allow(clippy::cast_possible_truncation)]
                let i = f as i64;
                *value = Value::from(i);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

fn json_rejection(e: JsonRejection) -> AppError {
    match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::for_status(StatusCode::PAYLOAD_TOO_LARGE),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::for_status(StatusCode::UNSUPPORTED_MEDIA_TYPE),
        _ => {
            // serde's message names the field and the expected type; it reveals nothing internal.
            let detail = match &e {
                JsonRejection::JsonDataError(d) => d.body_text(),
                JsonRejection::JsonSyntaxError(_) => "JSON không đúng cú pháp.".to_owned(),
                _ => String::new(),
            };
            AppError::bad_request(format!("Nội dung JSON không hợp lệ. {detail}").trim_end().to_owned())
        }
    }
}

/// Reads a JSON value already received into its typed body, with the same 400 as [`Json`]
/// (for handlers that must check the record's scope before they judge the body).
pub fn typed<T: DeserializeOwned>(mut value: serde_json::Value) -> Result<T, AppError> {
    integral_numbers(&mut value);
    // The error names the field (`identity.gender: …`) and what was expected; nothing internal.
    serde_path_to_error::deserialize(value)
        .map_err(|e| AppError::bad_request(format!("Nội dung JSON không hợp lệ. {}: {}", e.path(), e.inner())))
}

/// A value one segment of a path names: a row id (`/members/{id}`, `/admission/cases/{id}`), a
/// year, or any text (`{op}`). `None` when the segment names nothing of the kind: the route then
/// answers 404, as for a record that does not exist.
pub trait FromPathSegment: Sized {
    fn from_segment(segment: &str) -> Option<Self>;
}

/// A positive number (white space around it allowed).
fn positive_id(segment: &str) -> Option<i64> {
    segment.trim().parse::<i64>().ok().filter(|v| *v > 0)
}

impl FromPathSegment for i64 {
    fn from_segment(segment: &str) -> Option<Self> {
        positive_id(segment)
    }
}

impl FromPathSegment for domain::ids::MemberId {
    fn from_segment(segment: &str) -> Option<Self> {
        positive_id(segment).map(domain::ids::MemberId)
    }
}

impl FromPathSegment for domain::ids::UnitId {
    fn from_segment(segment: &str) -> Option<Self> {
        positive_id(segment).map(domain::ids::UnitId)
    }
}

impl FromPathSegment for domain::ids::EventId {
    fn from_segment(segment: &str) -> Option<Self> {
        positive_id(segment).map(domain::ids::EventId)
    }
}

impl FromPathSegment for String {
    fn from_segment(segment: &str) -> Option<Self> {
        Some(segment.to_owned())
    }
}

/// A year of the working-day calendar in a path (`/api/v1/calendar/{year}`): 1900–2100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathYear(pub i32);

impl FromPathSegment for PathYear {
    fn from_segment(segment: &str) -> Option<Self> {
        segment.trim().parse::<i32>().ok().filter(|y| (1900..=2100).contains(y)).map(PathYear)
    }
}

/// What a whole path names: one segment ([`FromPathSegment`]) or two, in the route's order.
pub trait FromPath: Sized {
    fn from_path(segments: &[&str]) -> Option<Self>;
}

impl<T: FromPathSegment> FromPath for PathId<T> {
    fn from_path(segments: &[&str]) -> Option<Self> {
        match segments {
            [one] => T::from_segment(one).map(PathId),
            _ => None,
        }
    }
}

/// The typed value of a route's one path parameter: `PathId<MemberId>` for `/members/{id}`,
/// `PathId<i64>` for a case or an account. A segment that does not parse is a 404 (the record it
/// would name does not exist); a path that cannot be decoded is a 400.
pub struct PathId<T>(pub T);

/// Two path parameters, typed in the route's order (`PathIds<MemberId, EventId>` for
/// `/members/{id}/events/{event_id}`), with the same rejections as [`PathId`].
pub struct PathIds<A, B>(pub A, pub B);

impl<A: FromPathSegment, B: FromPathSegment> FromPath for PathIds<A, B> {
    fn from_path(segments: &[&str]) -> Option<Self> {
        match segments {
            [a, b] => Some(PathIds(A::from_segment(a)?, B::from_segment(b)?)),
            _ => None,
        }
    }
}

/// Reads the path's parameters (percent-decoded) into `T`.
async fn from_path<T: FromPath, S: Send + Sync>(parts: &mut Parts, state: &S) -> Result<T, AppError> {
    let params = match axum::extract::RawPathParams::from_request_parts(parts, state).await {
        Ok(p) => p,
        Err(e) => return Err(AppError::for_status(e.status())),
    };
    let segments: Vec<&str> = params.iter().map(|(_, v)| v).collect();
    T::from_path(&segments).ok_or_else(AppError::not_found)
}

impl<T: FromPathSegment + Send, S: Send + Sync> FromRequestParts<S> for PathId<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        from_path(parts, state).await
    }
}

impl<A: FromPathSegment + Send, B: FromPathSegment + Send, S: Send + Sync> FromRequestParts<S> for PathIds<A, B> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        from_path(parts, state).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::ids::{MemberId, UnitId};

    #[test]
    fn path_segments_name_positive_ids_or_nothing() {
        assert_eq!(MemberId::from_segment("12"), Some(MemberId(12)));
        assert_eq!(UnitId::from_segment(" 5 "), Some(UnitId(5)));
        for bad in ["0", "-3", "abc", "", "1.5", "99999999999999999999"] {
            assert_eq!(i64::from_segment(bad), None, "{bad}");
        }
        assert_eq!(PathYear::from_segment("2026"), Some(PathYear(2026)));
        assert_eq!(PathYear::from_segment("1899"), None);
        assert!(PathIds::<MemberId, i64>::from_path(&["3", "4"]).is_some_and(|PathIds(m, e)| m == MemberId(3) && e == 4));
        assert!(PathIds::<MemberId, i64>::from_path(&["3", "x"]).is_none());
        assert!(PathId::<i64>::from_path(&["3", "4"]).is_none());
    }
}
