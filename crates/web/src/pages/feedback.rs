//! `/feedback`: questions, proposals and recommendations sent up the tree ("Ý kiến, kiến nghị",
//! docs/design/operations.md): what was sent to the units a person answers for (the unanswered
//! first, overdue marked), what the person and their units sent with the answers, the form that
//! sends, and an item's page with its answer form.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use domain::feedback::{FeedbackInput, FeedbackKind, parse_answer};
use domain::ids::{MemberId, UnitId};
use storage::access::Access;
use storage::{FeedbackView, Sender, StoreError};

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, Query};
use crate::format;
use crate::forms::{self, Refusal};
use crate::pages::directives::unit_label;
use crate::policy::{Policy, Route};
use crate::respond::{page, render, see_other};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/feedback", Policy::LoggedIn, list),
        Route::get("/feedback/new", Policy::LoggedIn, new_form),
        Route::post("/feedback/new", Policy::LoggedIn, send),
        Route::get("/feedback/{id}", Policy::LoggedIn, show),
        Route::post("/feedback/{id}/answer", Policy::LoggedIn, answer),
    ]
}

fn get<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// A sender as a form value: `m-12` (a member) or `u-7` (a unit).
fn sender_code(s: Sender) -> String {
    match s {
        Sender::Member(m) => format!("m-{m}"),
        Sender::Unit(u) => format!("u-{u}"),
    }
}

fn parse_sender(code: &str) -> Option<Sender> {
    let (kind, id) = code.split_once('-')?;
    let id: i64 = id.parse().ok()?;
    match kind {
        "m" => Some(Sender::Member(MemberId(id))),
        "u" => Some(Sender::Unit(UnitId(id))),
        _ => None,
    }
}

fn sender_label(s: &Access, from: Sender) -> String {
    match from {
        Sender::Member(_) => "Bản thân tôi".to_owned(),
        Sender::Unit(u) => unit_label(s, u, ""),
    }
}

struct Row {
    href: String,
    subject: String,
    kind: String,
    from: String,
    to: String,
    sent_on: String,
    state: String,
    class: &'static str,
}

fn row(f: &FeedbackView) -> Row {
    let (state, class) = match (&f.answered_on, f.overdue) {
        (Some(d), _) => (format!("Đã trả lời {}", format::date(*d)), "ok"),
        (None, true) => (format!("Quá hạn trả lời ({})", format::date(f.answer_due)), "overdue"),
        (None, false) => (format!("Chờ trả lời, hạn {}", format::date(f.answer_due)), "soon"),
    };
    Row {
        href: format!("/feedback/{}", f.id),
        subject: f.subject.clone(),
        kind: f.kind_label.clone(),
        from: f.from_name.clone(),
        to: f.to_name.clone(),
        sent_on: format::date(f.sent_on),
        state,
        class,
    }
}

#[derive(Template)]
#[template(path = "feedback.html")]
struct ListPage {
    chrome: Chrome,
    received: Vec<(String, Vec<Row>)>,
    sent: Vec<Row>,
    may_send: bool,
}

/// `GET /feedback`.
async fn list(s: Caller, chrome: Chrome) -> Result<Response, AppError> {
    let desk = s.feedback();
    let mut received = Vec::new();
    for unit in desk.acts_for() {
        let mut items = desk.to_unit(*unit).await?;
        items.sort_by_key(|f| (f.answered_on.is_some(), std::cmp::Reverse(f.sent_on)));
        received.push((unit_label(&s, *unit, ""), items.iter().map(row).collect()));
    }
    let sent = desk.sent().await?.iter().map(row).collect();
    page(&ListPage { chrome: chrome.titled("Ý kiến, kiến nghị"), received, sent, may_send: !desk.senders().is_empty() })
}

#[derive(Template)]
#[template(path = "feedback_form.html")]
struct FormPage {
    chrome: Chrome,
    from: String,
    from_label: String,
    senders: Vec<(String, String)>,
    addressees: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    typed: Vec<(String, String)>,
    errors: Vec<String>,
}

impl FormPage {
    fn typed(&self, name: &str) -> &str {
        get(&self.typed, name)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NewParams {
    from: String,
}

async fn form_page(
    s: &Access,
    chrome: Chrome,
    from: Sender,
    typed: Vec<(String, String)>,
    errors: Vec<String>,
) -> Result<FormPage, AppError> {
    let desk = s.feedback();
    let addressees = desk.addressees(from).await?.into_iter().map(|a| (a.unit.to_string(), unit_label(s, a.unit, &a.name))).collect();
    Ok(FormPage {
        chrome: chrome.titled("Gửi ý kiến, kiến nghị"),
        from: sender_code(from),
        from_label: sender_label(s, from),
        senders: desk.senders().into_iter().map(|f| (sender_code(f), sender_label(s, f))).collect(),
        addressees,
        kinds: FeedbackKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        typed,
        errors,
    })
}

/// `GET /feedback/new?from=`: the form, for one of the person's senders (the first by default).
async fn new_form(s: Caller, chrome: Chrome, Query(p): Query<NewParams>) -> Result<Response, AppError> {
    let desk = s.feedback();
    let from = match parse_sender(&p.from) {
        Some(f) => f,
        None => *desk.senders().first().ok_or_else(AppError::forbidden)?,
    };
    page(&form_page(&s, chrome, from, Vec::new(), Vec::new()).await?)
}

/// `POST /feedback/new` (from, to, kind, subject, body).
async fn send(s: Caller, chrome: Chrome, Form(fields): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let desk = s.feedback();
    let from = parse_sender(get(&fields, "from")).ok_or_else(|| AppError::bad_request("Người gửi không hợp lệ."))?;
    // The sender is checked before anything typed is read.
    desk.addressees(from).await?;
    let to = domain::event::parse_unit_id(get(&fields, "to")).ok();
    let result = match (FeedbackInput::parse(get(&fields, "kind"), get(&fields, "subject"), get(&fields, "body")), to) {
        (Ok(input), Some(to)) => desk.send(from, to, input).await,
        (Ok(_), None) => Err(StoreError::invalid("to", "required", "Chọn nơi nhận.")),
        (Err(e), _) => Err(StoreError::Invalid(e)),
    };
    match result {
        Ok(id) => Ok(see_other(&format!("/feedback/{id}"))),
        Err(e) => {
            let errors = forms::messages(forms::invalid(e)?);
            render(StatusCode::UNPROCESSABLE_ENTITY, &form_page(&s, chrome, from, fields, errors).await?)
        }
    }
}

#[derive(Template)]
#[template(path = "feedback_item.html")]
struct ItemPage {
    chrome: Chrome,
    item: FeedbackView,
    state: Row,
    may_answer: bool,
    typed_answer: String,
    errors: Vec<String>,
}

impl ItemPage {
    fn date(&self, d: &chrono::NaiveDate) -> String {
        format::date(*d)
    }
}

async fn item_page(s: &Access, chrome: Chrome, id: i64, typed_answer: String, errors: Vec<String>) -> Result<ItemPage, AppError> {
    let (item, may_answer) = s.feedback().item(id).await?;
    Ok(ItemPage { chrome: chrome.titled(item.subject.clone()), state: row(&item), item, may_answer, typed_answer, errors })
}

/// `GET /feedback/{id}`.
async fn show(s: Caller, chrome: Chrome, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    page(&item_page(&s, chrome, id, String::new(), Vec::new()).await?)
}

/// `POST /feedback/{id}/answer` (version, answer).
async fn answer(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.feedback();
    let (_, may_answer) = desk.item(id).await?;
    if !may_answer {
        return Err(AppError::forbidden());
    }
    let version: i64 = get(&fields, "version").trim().parse().map_err(|_| AppError::bad_request(forms::VERSION_REQUIRED))?;
    let result = match parse_answer(get(&fields, "answer")) {
        Ok(text) => desk.answer(id, version, text).await,
        Err(e) => Err(StoreError::Invalid(e)),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/feedback/{id}"))),
        Err(e) => {
            let refusal = forms::refusal(e)?;
            let status = refusal.status();
            let errors = match refusal {
                Refusal::Conflict { .. } => vec!["Ý kiến vừa được người khác trả lời hoặc cập nhật.".to_owned()],
                Refusal::Invalid(e) => forms::messages(e),
            };
            render(status, &item_page(&s, chrome, id, get(&fields, "answer").to_owned(), errors).await?)
        }
    }
}
