//! A member's requests to correct their own record (docs/design/change-requests.md):
//! - `/members/{id}/requests/new`: the member asks (which particular, what it should say, why,
//!   an optional attachment);
//! - the requests on the member's record (`requests_section`), with the staff's forms to accept
//!   (the change written to the record) or refuse (with the reason);
//! - `/change-requests`: the staff's worklist of requests waiting under a unit;
//! - `/change-requests/{id}/file`: the attachment.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use domain::access::Capability;
use domain::change_requests::{Answer, RequestField, RequestInput};
use domain::ids::{MemberId, UnitId};
use domain::{FieldError, ValidationErrors};
use storage::access::Access;
use storage::{ChangeRequestView, RequestFile, StoreError};

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, Query};
use crate::format;
use crate::forms::{self, Field, Section, SummaryItem};
use crate::policy::{Policy, Route};
use crate::respond::{page, render, see_other};
use crate::session::{AppState, Caller};

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![
        Route::get("/members/{id}/requests/new", read, form),
        Route::post("/members/{id}/requests/new", read, send),
        Route::get("/change-requests", Policy::Needs(Capability::WriteRegister), worklist),
        Route::post("/change-requests/{id}/accept", read, accept),
        Route::post("/change-requests/{id}/refuse", read, refuse),
        Route::get("/change-requests/{id}/file", read, file),
    ]
}

fn record_href(member: MemberId) -> String {
    format!("/members/{member}#requests")
}

/// A request as the record page and the worklist show it.
pub struct RequestRow {
    pub id: i64,
    pub version: i64,
    pub member_href: String,
    pub member: String,
    pub unit: String,
    pub field: String,
    pub current: String,
    pub value: String,
    pub note: String,
    pub sent: String,
    pub file: Option<(String, String)>,
    /// The answer in words (none while waiting).
    pub answer: Option<String>,
    /// The caller answers it now.
    pub answerable: bool,
    /// Another particular: the staff say what they changed by hand.
    pub by_hand: bool,
}

pub(crate) fn row(r: &ChangeRequestView, answerable: bool) -> RequestRow {
    let answer = r.answer.as_ref().map(|a| match a {
        Answer::Accepted { on, applied, .. } => format!("Đã điều chỉnh ngày {}: {applied}", format::date(*on)),
        Answer::Refused { on, reason, .. } => format!("Không chấp nhận ngày {}: {reason}", format::date(*on)),
    });
    RequestRow {
        id: r.id,
        version: r.version,
        member_href: format!("/members/{}", r.member),
        member: r.full_name.clone(),
        unit: r.unit_name.clone(),
        field: r.field_label.clone(),
        current: r.current.clone(),
        value: r.value.clone(),
        note: r.note.clone(),
        sent: format::date(storage::vietnam_today(r.created_at)),
        file: r.attachment.as_ref().map(|a| (format!("/change-requests/{}/file", r.id), a.name.clone())),
        answerable: answerable && r.answer.is_none(),
        by_hand: r.field == RequestField::Other,
        answer,
    }
}

/// The requests of a member's record and what the caller may do with them.
pub struct RequestsSection {
    pub rows: Vec<RequestRow>,
    /// The member's own record: they may send one.
    pub new_href: Option<String>,
}

/// The section of the member's record (empty when the caller reads no request).
pub(crate) async fn requests_section(s: &Access, member: MemberId) -> RequestsSection {
    let Ok(desk) = s.change_requests() else { return RequestsSection { rows: Vec::new(), new_href: None } };
    let answerable = desk.may_answer(member).await;
    let rows = desk.of_member(member).await.unwrap_or_default().iter().map(|r| row(r, answerable)).collect();
    let new_href = desk.is_own(member).then(|| format!("/members/{member}/requests/new"));
    RequestsSection { rows, new_href }
}

#[derive(Template)]
#[template(path = "change_request_form.html")]
struct RequestForm {
    chrome: Chrome,
    member: MemberId,
    summary: Vec<SummaryItem>,
    sections: Vec<Section>,
}

fn sections(f: &[(String, String)]) -> Vec<Section> {
    let v = |n: &str| f.iter().find(|(k, _)| k == n).map_or(String::new(), |(_, v)| v.clone());
    let fields = forms::codes(RequestField::ALL, RequestField::code, RequestField::label);
    vec![Section::new(
        "",
        vec![
            Field::select("field", "Thông tin cần điều chỉnh", &v("field"), None, fields).required(),
            Field::text("value", "Thông tin đúng", &v("value")).hint("Ghi đúng như giấy tờ: ngày tháng năm, tên địa danh, số thẻ…"),
            Field::textarea("note", "Lý do, giấy tờ chứng minh", &v("note")),
        ],
    )]
}

fn form_page(chrome: Chrome, member: MemberId, typed: &[(String, String)], errors: &ValidationErrors) -> Result<RequestForm, AppError> {
    let mut sections = sections(typed);
    let summary = forms::attach_errors(&mut sections, errors);
    Ok(RequestForm { chrome: chrome.titled("Đề nghị điều chỉnh thông tin"), member, summary, sections })
}

/// `GET /members/{id}/requests/new`: the member's own record only.
async fn form(s: Caller, chrome: Chrome, PathId(member): PathId<MemberId>) -> Result<Response, AppError> {
    s.change_requests()?.require_send(member).await?;
    page(&form_page(chrome, member, &[], &ValidationErrors::default())?)
}

/// `POST /members/{id}/requests/new` (multipart: field, value, note, an optional file).
async fn send(
    s: Caller,
    State(state): State<AppState>,
    chrome: Chrome,
    PathId(member): PathId<MemberId>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let desk = s.change_requests()?;
    desk.require_send(member).await?;
    let upload = crate::upload::read(multipart).await?;
    let typed = upload.fields.clone();
    let input = RequestInput { field: RequestField::Other, value: upload.field("value").to_owned(), note: upload.field("note").to_owned() };
    let result: Result<(), ValidationErrors> = match RequestField::parse(upload.field("field")) {
        Err(e) => Err(ValidationErrors { errors: vec![FieldError { field: "field".into(), ..e }] }),
        Ok(field) => {
            let file = if upload.bytes.is_empty() && upload.name.is_empty() {
                Ok(None)
            } else {
                crate::upload::check(state.auth.scan_command.as_deref(), &upload.name, upload.bytes)
                    .await
                    .map(|f| Some(RequestFile { name: f.name, media_type: f.media_type.to_owned(), bytes: f.bytes }))
                    .map_err(|e| ValidationErrors { errors: vec![FieldError { field: "file".into(), ..e }] })
            };
            match file {
                Ok(file) => match desk.send(member, RequestInput { field, ..input }, file).await {
                    Ok(_) => return Ok(see_other(&record_href(member))),
                    Err(e) => Err(forms::invalid(e)?),
                },
                Err(e) => Err(e),
            }
        }
    };
    let errors = result.err().unwrap_or_default();
    render(StatusCode::UNPROCESSABLE_ENTITY, &form_page(chrome, member, &typed, &errors)?)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WorklistParams {
    unit: String,
}

#[derive(Template)]
#[template(path = "change_requests.html")]
struct WorklistPage {
    chrome: Chrome,
    rows: Vec<RequestRow>,
    errors: Vec<String>,
}

async fn worklist_page(s: &Access, chrome: Chrome, unit: Option<UnitId>, errors: Vec<String>) -> Result<WorklistPage, AppError> {
    let desk = s.change_requests()?;
    let mut rows = Vec::new();
    for r in desk.pending(unit).await? {
        let answerable = desk.may_answer(r.member).await;
        rows.push(row(&r, answerable));
    }
    Ok(WorklistPage { chrome: chrome.titled("Đề nghị điều chỉnh thông tin"), rows, errors })
}

/// `GET /change-requests?unit=`: the requests waiting for an answer.
async fn worklist(s: Caller, chrome: Chrome, Query(p): Query<WorklistParams>) -> Result<Response, AppError> {
    let unit = match p.unit.trim() {
        "" => None,
        u => Some(UnitId(u.parse().map_err(|_| AppError::bad_request("Tổ chức không hợp lệ."))?)),
    };
    page(&worklist_page(&s, chrome, unit, Vec::new()).await?)
}

fn version(f: &[(String, String)]) -> Result<i64, AppError> {
    f.iter()
        .find(|(k, _)| k == "version")
        .and_then(|(_, v)| v.trim().parse().ok())
        .ok_or_else(|| AppError::bad_request(forms::VERSION_REQUIRED))
}

fn get<'a>(f: &'a [(String, String)], name: &str) -> &'a str {
    f.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// After an answer: back where it was given (the worklist, or the record).
fn back(f: &[(String, String)], member: MemberId) -> String {
    match get(f, "back") {
        "worklist" => "/change-requests".to_owned(),
        _ => record_href(member),
    }
}

async fn answered(
    s: Caller,
    chrome: Chrome,
    member: MemberId,
    f: &[(String, String)],
    result: Result<(), StoreError>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(see_other(&back(f, member))),
        Err(e) => {
            let refusal = forms::refusal(e)?;
            let status = refusal.status();
            let errors = if refusal.is_conflict() {
                vec!["Đề nghị vừa được người khác xử lý; xem lại rồi làm lại.".to_owned()]
            } else {
                forms::messages(refusal.errors())
            };
            render(status, &worklist_page(&s, chrome, None, errors).await?)
        }
    }
}

/// `POST /change-requests/{id}/accept` (version, value: as the staff corrected it).
async fn accept(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(f): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let desk = s.change_requests()?;
    let r = desk.require_answer(id).await?;
    let value = Some(get(&f, "value").to_owned());
    let result = desk.accept(id, version(&f)?, value).await;
    answered(s, chrome, r.member, &f, result).await
}

/// `POST /change-requests/{id}/refuse` (version, reason).
async fn refuse(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(f): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let desk = s.change_requests()?;
    let r = desk.require_answer(id).await?;
    let result = desk.refuse(id, version(&f)?, get(&f, "reason").to_owned()).await;
    answered(s, chrome, r.member, &f, result).await
}

/// `GET /change-requests/{id}/file`: the attachment, to save.
async fn file(s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    let f = s.change_requests()?.file(id).await?;
    Ok(crate::upload::download(&f.name, f.bytes))
}
