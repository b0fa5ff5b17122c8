//! Recording an event on a member and correcting a recorded event (replace or void, with a reason).

use askama::Template;
use axum::response::Response;
use domain::ValidationErrors;
use domain::event::{Entry, EventInput, EventKindCode, TransferMode, UnitRef};
use domain::ids::{EventId, MemberId};
use serde::Deserialize;
use storage::MemberDetail;

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, PathIds, Query};
use crate::forms::{self, Field, Refusal, Section, SummaryItem};
use crate::policy::{Policy, Route};
use crate::respond::{page, render, see_other};
use crate::session::Caller;
use domain::access::Capability;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/members/{id}/events/new", Policy::Needs(Capability::WriteRegister), new_form),
        Route::post("/members/{id}/events", Policy::Needs(Capability::WriteRegister), record),
        Route::get("/members/{id}/events/{event_id}/correct", Policy::Needs(Capability::WriteRegister), correct_form),
        Route::post("/members/{id}/events/{event_id}/correct", Policy::Needs(Capability::WriteRegister), correct),
    ]
}

#[derive(Template)]
#[template(path = "event_form.html")]
struct EventFormPage {
    chrome: Chrome,
    heading: String,
    member_name: String,
    member_href: String,
    action: String,
    version: i64,
    sections: Vec<Section>,
    summary: Vec<SummaryItem>,
    conflict: bool,
    submit: &'static str,
}

/// The event form as posted (also the correction form: `action` and `reason` are then used).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EventForm {
    version: String,
    #[serde(flatten)]
    event: EventInput,
    /// Correction only: `replace` or `void`.
    action: String,
    /// Correction only.
    correction_reason: String,
}

impl EventForm {
    fn version(&self) -> Result<i64, AppError> {
        self.version.trim().parse().map_err(|_| AppError::bad_request("Thiếu phiên bản của bản ghi."))
    }
}

fn timeline_href(id: MemberId) -> String {
    format!("/members/{}#timeline", id.0)
}

fn record_page(chrome: Chrome, d: &MemberDetail, form: &EventForm, errors: &ValidationErrors, conflict: bool) -> EventFormPage {
    let mut sections = vec![
        Section::new("Sự kiện", forms::event_fields(&form.event))
            .note("Chỉ điền các ô phù hợp với loại sự kiện. Từ trần không bắt buộc có văn bản."),
    ];
    let summary = forms::attach_errors(&mut sections, errors);
    EventFormPage {
        chrome: chrome.titled("Ghi nhận sự kiện"),
        heading: "Ghi nhận sự kiện".to_owned(),
        member_name: d.identity.full_name.to_string(),
        member_href: format!("/members/{}", d.id.0),
        action: format!("/members/{}/events", d.id.0),
        version: d.version,
        sections,
        summary,
        conflict,
        submit: "Ghi nhận",
    }
}

/// What the new-event form may start with (`?kind=chuyen-den` from "Tiếp nhận sinh hoạt").
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Prefill {
    kind: String,
}

/// `GET /members/{id}/events/new`. An acceptance starts as an official transfer in, into the
/// unit the letter names when it is a chi bộ.
async fn new_form(s: Caller, chrome: Chrome, PathId(id): PathId<MemberId>, Query(prefill): Query<Prefill>) -> Result<Response, AppError> {
    let d = s.reader()?.member(id).await?;
    let mut form = EventForm::default();
    if prefill.kind == EventKindCode::TransferredIn.code() {
        form.event.kind = prefill.kind;
        form.event.mode = TransferMode::Official.code().to_owned();
        if let Some(UnitRef::Internal(u)) = &d.history.in_transit_to {
            form.event.unit_id = u.to_string();
        }
    }
    page(&record_page(chrome, &d, &form, &ValidationErrors::default(), false))
}

/// `POST /members/{id}/events`: records the event and goes back to the timeline.
async fn record(s: Caller, chrome: Chrome, PathId(id): PathId<MemberId>, Form(form): Form<EventForm>) -> Result<Response, AppError> {
    let version = form.version()?;
    let refused = match form.event.parse(s.today()) {
        Ok(data) => match s.register_writer()?.record_event(id, version, data).await {
            Ok(_) => return Ok(see_other(&timeline_href(id))),
            Err(e) => forms::refusal(e)?,
        },
        Err(errors) => Refusal::Invalid(errors),
    };
    let d = s.reader()?.member(id).await?;
    let (status, conflict) = (refused.status(), refused.is_conflict());
    render(status, &record_page(chrome, &d, &form, &refused.errors(), conflict))
}

fn correct_page(
    chrome: Chrome,
    d: &MemberDetail,
    target: EventId,
    form: &EventForm,
    errors: &ValidationErrors,
    conflict: bool,
) -> EventFormPage {
    let action = if form.action.is_empty() { "replace" } else { form.action.as_str() };
    let mut sections = vec![
        Section::new(
            "Đính chính",
            vec![
                Field::select(
                    "action",
                    "Cách đính chính",
                    action,
                    None,
                    [("replace", "Thay bằng nội dung mới (sửa các ô bên dưới)"), ("void", "Hủy sự kiện này (ghi sai, không có thật)")],
                )
                .required(),
                Field::textarea("correction_reason", "Lý do đính chính", &form.correction_reason).required(),
            ],
        )
        .note("Sự kiện gốc vẫn được giữ và hiển thị, kèm dấu “đã đính chính” hoặc “đã hủy” và lý do."),
        Section::new("Nội dung mới của sự kiện", forms::event_fields(&form.event)),
    ];
    let summary = forms::attach_errors(&mut sections, errors);
    EventFormPage {
        chrome: chrome.titled("Đính chính sự kiện"),
        heading: format!("Đính chính sự kiện số {}", target.0),
        member_name: d.identity.full_name.to_string(),
        member_href: format!("/members/{}", d.id.0),
        action: format!("/members/{}/events/{}/correct", d.id.0, target.0),
        version: d.version,
        sections,
        summary,
        conflict,
        submit: "Ghi nhận đính chính",
    }
}

/// `GET /members/{id}/events/{event_id}/correct`: the form prefilled from the event as it stands.
async fn correct_form(
    s: Caller,
    chrome: Chrome,
    PathIds(id, target): PathIds<MemberId, EventId>,
    Query(prefill): Query<CorrectPrefill>,
) -> Result<Response, AppError> {
    let d = s.reader()?.member(id).await?;
    let original = d.events.iter().find(|e| e.id == target).ok_or_else(AppError::not_found)?;
    // Prefill with the latest content: the last replacement of this event, or the event itself.
    let latest = d
        .events
        .iter()
        .rev()
        .filter(|e| e.corrects == Some(target))
        .find_map(|e| match &e.entry {
            Entry::Event(data) => Some(data),
            Entry::Void => None,
        })
        .or(match &original.entry {
            Entry::Event(data) => Some(data),
            Entry::Void => None,
        });
    let action = if prefill.action == "void" { "void" } else { "replace" };
    let form = EventForm { event: latest.map(forms::event_input_from).unwrap_or_default(), action: action.into(), ..Default::default() };
    page(&correct_page(chrome, &d, target, &form, &ValidationErrors::default(), false))
}

/// What the correction form may start with (`?action=void` from "Hủy chuyển sinh hoạt").
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CorrectPrefill {
    action: String,
}

/// `POST /members/{id}/events/{event_id}/correct`.
async fn correct(
    s: Caller,
    chrome: Chrome,
    PathIds(id, target): PathIds<MemberId, EventId>,
    Form(form): Form<EventForm>,
) -> Result<Response, AppError> {
    let version = form.version()?;
    let entry = if form.action == "void" { Ok(Entry::Void) } else { form.event.parse(s.today()).map(Entry::Event) };
    let refused = match entry {
        Ok(entry) => {
            match s.register_writer()?.correct_event(id, version, target, entry, form.correction_reason.clone()).await {
                Ok(_) => return Ok(see_other(&timeline_href(id))),
                Err(e) => match forms::refusal(e)? {
                    // The store names the correction's reason `reason`; the form calls it
                    // `correction_reason` (`reason` is the strike-off reason of the event).
                    Refusal::Invalid(mut errors) => {
                        for e in &mut errors.errors {
                            if e.field == "reason" {
                                e.field = "correction_reason".into();
                            }
                        }
                        Refusal::Invalid(errors)
                    }
                    conflict => conflict,
                },
            }
        }
        Err(mut errors) => {
            if form.correction_reason.trim().is_empty() {
                errors.push("correction_reason", "required", "Nhập lý do đính chính.");
            }
            Refusal::Invalid(errors)
        }
    };
    let d = s.reader()?.member(id).await?;
    let (status, conflict) = (refused.status(), refused.is_conflict());
    render(status, &correct_page(chrome, &d, target, &form, &refused.errors(), conflict))
}
