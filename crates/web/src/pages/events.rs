//! Recording an event on a member (first the kinds that can follow the member's status, then
//! the form of the kind chosen) and correcting a recorded event (replace or void, with a reason).

mod kinds;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use domain::ValidationErrors;
use domain::event::{Entry, EventInput, EventKindCode, TransferMode, UnitRef};
use domain::ids::{EventId, MemberId, UnitId};
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
use kinds::{Fact, Origin};

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
    /// The kind, sent with the form (each kind has its own form).
    kind: String,
    /// What the register already knows, shown as text.
    facts: Vec<Fact>,
    /// Back to the list of kinds (recording only).
    choose_href: Option<String>,
    sections: Vec<Section>,
    summary: Vec<SummaryItem>,
    conflict: bool,
    submit: &'static str,
}

/// One kind on the list of kinds.
struct KindChoice {
    href: String,
    label: &'static str,
    explanation: &'static str,
}

#[derive(Template)]
#[template(path = "event_kinds.html")]
struct EventKindsPage {
    chrome: Chrome,
    member_name: String,
    member_href: String,
    status: String,
    kinds: Vec<KindChoice>,
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

/// The unit the member belongs to today, when the register has it.
fn current_unit(d: &MemberDetail, today: chrono::NaiveDate) -> Option<UnitId> {
    d.history.span_on(today).and_then(|s| s.unit.internal())
}

/// The kinds that can follow this member's status today (`History::next_kinds`).
fn kinds_page(chrome: Chrome, d: &MemberDetail, today: chrono::NaiveDate) -> EventKindsPage {
    let status = d.history.span_on(today).map_or_else(|| "Chưa có trong danh sách".to_owned(), |s| s.status.label().to_owned());
    EventKindsPage {
        chrome: chrome.titled("Ghi nhận sự kiện"),
        member_name: d.identity.full_name.to_string(),
        member_href: format!("/members/{}", d.id.0),
        status,
        kinds: d
            .history
            .next_kinds(today)
            .into_iter()
            .map(|k| KindChoice {
                // A transfer out is the letter's procedure (docs/design/transfers.md).
                href: if k == EventKindCode::TransferredOut {
                    format!("/members/{}/transfer", d.id.0)
                } else {
                    format!("/members/{}/events/new?kind={}", d.id.0, k.code())
                },
                label: k.label(),
                explanation: kinds::explanation(k),
            })
            .collect(),
    }
}

fn record_page(
    chrome: Chrome,
    d: &MemberDetail,
    kind: EventKindCode,
    form: &EventForm,
    errors: &ValidationErrors,
    conflict: bool,
    today: chrono::NaiveDate,
) -> EventFormPage {
    let mut sections = kinds::sections(kind, &form.event, Origin::Known);
    let summary = forms::attach_errors(&mut sections, errors);
    EventFormPage {
        chrome: chrome.titled(format!("Ghi nhận: {}", kind.label())),
        heading: format!("Ghi nhận: {}", kind.label()),
        member_name: d.identity.full_name.to_string(),
        member_href: format!("/members/{}", d.id.0),
        action: format!("/members/{}/events", d.id.0),
        version: d.version,
        kind: kind.code().to_owned(),
        facts: kinds::facts(kind, current_unit(d, today).map(|u| d.unit_name(u))),
        choose_href: Some(format!("/members/{}/events/new", d.id.0)),
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

/// `GET /members/{id}/events/new`: the kinds that can follow the member's status; with
/// `?kind=<code>` (one of them), that kind's form. An acceptance starts as an official transfer
/// in, into the unit the letter names when it is a chi bộ.
async fn new_form(s: Caller, chrome: Chrome, PathId(id): PathId<MemberId>, Query(prefill): Query<Prefill>) -> Result<Response, AppError> {
    let d = s.reader()?.member(id).await?;
    let today = s.today();
    let Some(kind) = EventKindCode::parse(&prefill.kind).ok().filter(|k| d.history.next_kinds(today).contains(k)) else {
        return page(&kinds_page(chrome, &d, today));
    };
    let mut form = EventForm::default();
    if kind == EventKindCode::TransferredIn {
        form.event.mode = TransferMode::Official.code().to_owned();
        if let Some(UnitRef::Internal(u)) = &d.history.in_transit_to {
            form.event.unit_id = u.to_string();
        }
    }
    page(&record_page(chrome, &d, kind, &form, &ValidationErrors::default(), false, today))
}

/// `POST /members/{id}/events`: records the event and goes back to the timeline. The unit a
/// transfer out leaves is the member's unit today unless the request names one (the register
/// knows it; the form does not ask).
async fn record(s: Caller, chrome: Chrome, PathId(id): PathId<MemberId>, Form(mut form): Form<EventForm>) -> Result<Response, AppError> {
    let version = form.version()?;
    let today = s.today();
    let d = s.reader()?.member(id).await?;
    let Ok(kind) = EventKindCode::parse(&form.event.kind) else {
        return render(StatusCode::UNPROCESSABLE_ENTITY, &kinds_page(chrome, &d, today));
    };
    if kind == EventKindCode::TransferredOut
        && form.event.unit_id.trim().is_empty()
        && let Some(u) = current_unit(&d, today)
    {
        form.event.unit_id = u.to_string();
    }
    let refused = match form.event.parse(today) {
        Ok(data) => match s.register_writer()?.record_event(id, version, data).await {
            Ok(_) => return Ok(see_other(&timeline_href(id))),
            Err(e) => forms::refusal(e)?,
        },
        Err(errors) => Refusal::Invalid(errors),
    };
    let d = s.reader()?.member(id).await?;
    let (status, conflict) = (refused.status(), refused.is_conflict());
    render(status, &record_page(chrome, &d, kind, &form, &refused.errors(), conflict, today))
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
    ];
    // The new content, in the form of the event's own kind.
    let kind = EventKindCode::parse(&form.event.kind).ok();
    sections.extend(kind.map(|k| kinds::sections(k, &form.event, Origin::Typed)).unwrap_or_default());
    let summary = forms::attach_errors(&mut sections, errors);
    EventFormPage {
        chrome: chrome.titled("Đính chính sự kiện"),
        heading: format!("Đính chính sự kiện: {}", kind.map_or("sự kiện đã ghi", |k| k.label())),
        member_name: d.identity.full_name.to_string(),
        member_href: format!("/members/{}", d.id.0),
        action: format!("/members/{}/events/{}/correct", d.id.0, target.0),
        version: d.version,
        kind: form.event.kind.clone(),
        facts: Vec::new(),
        choose_href: None,
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
