//! `/meetings/new` and `/meetings/{id}/edit`: a meeting's kind, day, time, length, place and
//! agenda.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use domain::ValidationErrors;
use domain::ids::UnitId;
use domain::meetings::{MeetingFields, MeetingInput, MeetingKind};
use storage::access::Access;

use super::{get, meeting_href};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, Query};
use crate::forms::{self, Field, Refusal, Section, SummaryItem};
use crate::pages::directives::unit_label;
use crate::query::{param, parse_optional_unit};
use crate::respond::{page, render, see_other};
use crate::session::Caller;

#[derive(Template)]
#[template(path = "meeting_form.html")]
struct FormPage {
    chrome: Chrome,
    heading: String,
    unit_name: String,
    action: String,
    cancel_href: String,
    version: Option<i64>,
    unit_value: String,
    conflict: bool,
    summary: Vec<SummaryItem>,
    sections: Vec<Section>,
}

fn sections(fields: &[(String, String)], kinds: &[MeetingKind]) -> Vec<Section> {
    let kinds: Vec<(&'static str, &'static str)> = kinds.iter().map(|k| (k.code(), k.label())).collect();
    vec![Section::new(
        "Buổi sinh hoạt",
        vec![
            Field::select("kind", "Loại buổi sinh hoạt", get(fields, "kind"), None, kinds).required(),
            Field::date("held_on", "Ngày họp", get(fields, "held_on")).required(),
            Field::text("starts_at", "Giờ bắt đầu", get(fields, "starts_at")).required().hint("Giờ:phút, ví dụ 19:30."),
            Field::text("length_minutes", "Thời lượng (phút)", get(fields, "length_minutes"))
                .hint("Ghi sau khi họp. Từ 28/10/2025: ít nhất 90 phút, 120 phút khi kết hợp chuyên đề (Hướng dẫn 42-HD/BTCTW)."),
            Field::text("place", "Địa điểm", get(fields, "place")).required(),
            Field::textarea("agenda", "Nội dung, chương trình", get(fields, "agenda")).required(),
        ],
    )]
}

fn parse(fields: &[(String, String)], today: chrono::NaiveDate) -> Result<MeetingInput, ValidationErrors> {
    let f = MeetingFields {
        kind: get(fields, "kind"),
        held_on: get(fields, "held_on"),
        starts_at: get(fields, "starts_at"),
        length_minutes: get(fields, "length_minutes"),
        place: get(fields, "place"),
        agenda: get(fields, "agenda"),
    };
    MeetingInput::parse(&f, today)
}

struct Target {
    unit: UnitId,
    heading: &'static str,
    action: String,
    cancel_href: String,
    version: Option<i64>,
}

/// The kinds of meeting `unit` holds (a chi bộ its own, a grassroots party committee its
/// plenaries: `MeetingKind::held_by`).
async fn kinds_of(s: &Access, unit: UnitId) -> Result<Vec<MeetingKind>, AppError> {
    let kind = s.reader()?.unit(unit, s.today()).await?.as_of.map(|v| v.kind);
    Ok(kind.map(MeetingKind::held_by_unit).unwrap_or_default())
}

async fn form_page(
    s: &Access,
    chrome: Chrome,
    t: &Target,
    fields: &[(String, String)],
    errors: &ValidationErrors,
    conflict: bool,
) -> Result<FormPage, AppError> {
    let kinds = kinds_of(s, t.unit).await?;
    let mut sections = sections(fields, &kinds);
    let summary = forms::attach_errors(&mut sections, errors);
    Ok(FormPage {
        chrome: chrome.titled(t.heading),
        heading: t.heading.to_owned(),
        unit_name: unit_label(s, t.unit, ""),
        action: t.action.clone(),
        cancel_href: t.cancel_href.clone(),
        version: t.version,
        unit_value: t.unit.to_string(),
        conflict,
        summary,
        sections,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct NewParams {
    unit: String,
}

/// `GET /meetings/new?unit=`: the form for a chi bộ the person records meetings of.
pub(super) async fn new_form(s: Caller, chrome: Chrome, Query(p): Query<NewParams>) -> Result<Response, AppError> {
    let desk = s.meetings()?;
    let unit = super::unit_or_own(&s, &p.unit)?.ok_or_else(|| AppError::bad_request("Chọn chi bộ."))?;
    desk.require_recording(unit).await?;
    let target = new_target(unit);
    let kinds = kinds_of(&s, unit).await?;
    let kind = if kinds.contains(&MeetingKind::Regular) { MeetingKind::Regular } else { MeetingKind::Plenary };
    let defaults = [("kind".to_owned(), kind.code().to_owned()), ("starts_at".to_owned(), "19:30".to_owned())];
    page(&form_page(&s, chrome, &target, &defaults, &ValidationErrors::default(), false).await?)
}

fn new_target(unit: UnitId) -> Target {
    Target {
        unit,
        heading: "Ghi buổi sinh hoạt mới",
        action: "/meetings/new".into(),
        cancel_href: crate::format::href("/meetings", &[("unit", &unit.to_string())]),
        version: None,
    }
}

/// `POST /meetings/new` (unit and the fields): schedules the meeting and opens its page.
pub(super) async fn create(s: Caller, chrome: Chrome, Form(fields): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let desk = s.meetings()?;
    let unit = param("unit", parse_optional_unit(get(&fields, "unit")))?.ok_or_else(|| AppError::bad_request("Chọn chi bộ."))?;
    desk.require_recording(unit).await?;
    let result = match parse(&fields, s.today()) {
        Ok(input) => desk.create(unit, input).await.map_err(forms::invalid),
        Err(e) => Err(Ok(e)),
    };
    match result {
        Ok(id) => Ok(see_other(&meeting_href(id))),
        Err(errors) => render(StatusCode::UNPROCESSABLE_ENTITY, &form_page(&s, chrome, &new_target(unit), &fields, &errors?, false).await?),
    }
}

/// The meeting's fields as the form shows them.
fn typed_of(m: &storage::MeetingView) -> Vec<(String, String)> {
    [
        ("kind", m.kind.code().to_owned()),
        ("held_on", crate::format::date(m.held_on)),
        ("starts_at", m.starts_at.clone()),
        ("length_minutes", m.length_minutes.map(|n| n.to_string()).unwrap_or_default()),
        ("place", m.place.clone()),
        ("agenda", m.agenda.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn edit_target(unit: UnitId, id: i64, version: i64) -> Target {
    Target {
        unit,
        heading: "Sửa buổi sinh hoạt",
        action: format!("/meetings/{id}/edit"),
        cancel_href: meeting_href(id),
        version: Some(version),
    }
}

/// `GET /meetings/{id}/edit`.
pub(super) async fn edit_form(s: Caller, chrome: Chrome, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    let desk = s.meetings()?;
    let unit = desk.writable(id).await?;
    let m = desk.meeting(id).await?;
    page(&form_page(&s, chrome, &edit_target(unit, id, m.version), &typed_of(&m), &ValidationErrors::default(), false).await?)
}

/// `POST /meetings/{id}/edit` (version and the fields).
pub(super) async fn update(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.meetings()?;
    let unit = desk.writable(id).await?;
    let version: i64 = get(&fields, "version").trim().parse().map_err(|_| AppError::bad_request(forms::VERSION_REQUIRED))?;
    let result = match parse(&fields, s.today()) {
        Ok(input) => desk.update(id, version, input).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(see_other(&meeting_href(id))),
        Err(e) => {
            let refusal = forms::refusal(e)?;
            let status = refusal.status();
            let (conflict, version, errors) = match refusal {
                Refusal::Conflict { current } => (true, current, ValidationErrors::default()),
                Refusal::Invalid(errors) => (false, version, errors),
            };
            render(status, &form_page(&s, chrome, &edit_target(unit, id, version), &fields, &errors, conflict).await?)
        }
    }
}
