//! `/admission/plans`: the congress terms (nhiệm kỳ) of a unit with their term targets, those it
//! inherits through mergers, and the occasions (ngày lễ, kỷ niệm) admissions are held on; the
//! forms that record them (docs/design/admission.md "Terms and occasions").
//!
//! Reading needs the unit within the read scope; the forms are shown, and accepted, only for
//! those who may set the unit's yearly targets (`storage::access::PlanDesk`).

use askama::Template;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use domain::ValidationErrors;
use domain::ids::UnitId;
use domain::targets::occasions::parse_day_month;
use serde::Deserialize;
use storage::access::Access;
use storage::{TermInForceView, TermInput, TermRecord};

use super::{query_unit, targets_href};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, Query};
use crate::format;
use crate::forms::{self, Field, Refusal};
use crate::respond::{page, render, see_other};
use crate::session::Caller;

/// The days a unit's terms are listed over: every term recorded.
const ALL_FIRST: NaiveDate = NaiveDate::MIN;
const ALL_LAST: NaiveDate = NaiveDate::MAX;

/// The message of a form sent from a page older than the term it changes.
const STALE: &str = "Nhiệm kỳ này đã được người khác sửa hoặc xóa sau khi bạn mở trang. Số liệu dưới đây là số liệu mới nhất; \
                     xem lại rồi lưu (hoặc xóa) lại nếu vẫn muốn thay đổi.";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct PlanParams {
    unit: String,
}

/// One text box of the page's forms (several forms share field names: each box has its own id).
struct InputView {
    id: String,
    name: &'static str,
    label: &'static str,
    value: String,
    hint: &'static str,
    error: Option<String>,
}

impl InputView {
    fn new(form: &str, name: &'static str, label: &'static str, value: String, hint: &'static str) -> InputView {
        InputView { id: format!("{form}-{name}"), name, label, value, hint, error: None }
    }
}

/// A form for a term: adding one (`version` empty) or changing one.
struct TermFormView {
    legend: String,
    action: String,
    version: String,
    inputs: Vec<InputView>,
    /// Where the delete button posts (a recorded term only).
    delete_action: Option<String>,
}

struct TermRowView {
    label: String,
    first: String,
    last: String,
    target: String,
    /// "Của tổ chức", or "Kế thừa từ …".
    origin: String,
    note: String,
}

struct OccasionRowView {
    day_month: String,
    name: String,
    origin: String,
    /// The unit's own: the code its remove button posts.
    remove: Option<String>,
}

#[derive(Template)]
#[template(path = "admission_plans.html")]
struct PlansPage {
    chrome: Chrome,
    unit_id: i64,
    name: String,
    filters: Vec<Field>,
    terms: Vec<TermRowView>,
    term_forms: Vec<TermFormView>,
    new_term: Option<TermFormView>,
    occasions: Vec<OccasionRowView>,
    new_occasion: Vec<InputView>,
    may_write: bool,
    errors: Vec<String>,
    targets: String,
}

/// What a refused form sent, shown again in its form.
enum Typed<'a> {
    None,
    NewTerm(&'a [(String, String)]),
    Term(i64, &'a [(String, String)]),
    Occasion(&'a [(String, String)]),
}

fn get<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

fn target_text(t: Option<u32>) -> String {
    t.map_or_else(|| "—".to_owned(), |t| format::number(u64::from(t)))
}

fn term_inputs(form: &str, first: String, last: String, target: String) -> Vec<InputView> {
    vec![
        InputView::new(form, "first_day", "Từ ngày (đại hội)", first, "Ngày/tháng/năm, ví dụ 15/10/2020."),
        InputView::new(form, "last_day", "Đến ngày", last, "Ngày cuối của nhiệm kỳ (thường trước ngày đại hội nhiệm kỳ sau)."),
        InputView::new(form, "target", "Chỉ tiêu kết nạp cả nhiệm kỳ", target, "Số đảng viên; để trống nếu chưa giao."),
    ]
}

fn typed_inputs(form: &str, fields: &[(String, String)]) -> Vec<InputView> {
    term_inputs(form, get(fields, "first_day").to_owned(), get(fields, "last_day").to_owned(), get(fields, "target").to_owned())
}

/// Puts each error under its box; returns every message, for the summary above the forms.
fn attach(inputs: &mut [InputView], errors: &ValidationErrors) -> Vec<String> {
    for e in &errors.errors {
        if let Some(i) = inputs.iter_mut().find(|i| i.name == e.field && i.error.is_none()) {
            i.error = Some(e.message.clone());
        }
    }
    errors.errors.iter().map(|e| e.message.clone()).collect()
}

fn term_row(t: &TermInForceView) -> TermRowView {
    let origin = if t.own.is_some() {
        "Của tổ chức".to_owned()
    } else {
        let names: Vec<&str> = t.inherited_from.iter().map(|p| p.name.as_str()).collect();
        format!("Kế thừa từ {} (tổng chỉ tiêu: {})", names.join(", "), target_text(t.target))
    };
    let mut note = Vec::new();
    let missing: Vec<&str> = t.inherited_from.iter().filter(|p| p.target.is_none()).map(|p| p.name.as_str()).collect();
    if t.own.is_none() && !missing.is_empty() {
        note.push(format!("Chưa có chỉ tiêu của: {}.", missing.join(", ")));
    }
    if let Some(cut) = t.cut_on {
        note.push(format!("Tổ chức kết thúc hoạt động ngày {}.", format::date(cut)));
    }
    TermRowView {
        label: t.label.clone(),
        first: format::date(t.first_day),
        last: format::date(t.last_day),
        target: target_text(t.target),
        origin,
        note: note.join(" "),
    }
}

fn term_form(t: &TermRecord) -> TermFormView {
    let target = t.target.map(|v| v.to_string()).unwrap_or_default();
    TermFormView {
        legend: format!("{} ({} – {})", t.label, format::date(t.first_day), format::date(t.last_day)),
        action: format!("/admission/plans/terms/{}", t.id),
        version: t.version.to_string(),
        inputs: term_inputs(&format!("term-{}", t.id), format::date(t.first_day), format::date(t.last_day), target),
        delete_action: Some(format!("/admission/plans/terms/{}/delete", t.id)),
    }
}

/// Whether the caller may record the unit's terms and occasions: the route's policy and the
/// desk's decide scope (the same as for the yearly targets).
async fn may_write(s: &Access, unit: UnitId) -> Result<bool, AppError> {
    Ok(crate::policy::may(s, Method::POST, "/admission/plans/terms", None).await && s.plans()?.may_decide(unit).await)
}

async fn plans_view(s: &Access, chrome: Chrome, unit: UnitId, typed: Typed<'_>, errors: &ValidationErrors) -> Result<PlansPage, AppError> {
    let desk = s.plans()?;
    let in_force = desk.terms_in_force(unit, ALL_FIRST, ALL_LAST).await?;
    let own = desk.unit_terms(unit).await?;
    let occasions = desk.occasions(unit).await?;
    let name = desk.unit_name(unit).await?;
    let may_write = may_write(s, unit).await?;
    let mut summary = Vec::new();
    let mut term_forms: Vec<TermFormView> = Vec::new();
    let mut new_term = None;
    let mut new_occasion = vec![
        InputView::new("occasion", "day", "Ngày/tháng", String::new(), "Ví dụ 26/3."),
        InputView::new("occasion", "name", "Tên ngày lễ, kỷ niệm", String::new(), ""),
    ];
    if may_write {
        for t in &own {
            let mut form = term_form(t);
            if let Typed::Term(id, fields) = typed
                && id == t.id
            {
                form.inputs = typed_inputs(&format!("term-{}", t.id), fields);
                summary.extend(attach(&mut form.inputs, errors));
            }
            term_forms.push(form);
        }
        let mut form = TermFormView {
            legend: "Thêm nhiệm kỳ".to_owned(),
            action: "/admission/plans/terms".to_owned(),
            version: String::new(),
            inputs: term_inputs("term-new", String::new(), String::new(), String::new()),
            delete_action: None,
        };
        if let Typed::NewTerm(fields) = typed {
            form.inputs = typed_inputs("term-new", fields);
            summary.extend(attach(&mut form.inputs, errors));
        }
        new_term = Some(form);
        if let Typed::Occasion(fields) = typed {
            for i in &mut new_occasion {
                i.value = get(fields, i.name).to_owned();
            }
            summary.extend(attach(&mut new_occasion, errors));
        }
    }
    if matches!(typed, Typed::None) {
        summary.extend(forms::messages(errors.clone()));
    }
    Ok(PlansPage {
        chrome: chrome.titled(format!("Nhiệm kỳ và ngày lễ, kỷ niệm: {name}")),
        unit_id: unit.0,
        filters: vec![Field::unit("unit", "Tổ chức đảng", &unit.to_string()).required()],
        terms: in_force.iter().map(term_row).collect(),
        term_forms,
        new_term,
        occasions: occasions
            .iter()
            .map(|o| OccasionRowView {
                day_month: format!("{}/{}", o.day, o.month),
                name: o.name.clone(),
                origin: match (&o.added_by, &o.added_by_name) {
                    (None, _) => "Mặc định".to_owned(),
                    (Some(_), Some(n)) => format!("Bổ sung: {n}"),
                    (Some(_), None) => "Bổ sung".to_owned(),
                },
                remove: (may_write && o.added_by == Some(unit)).then(|| o.code.clone()),
            })
            .collect(),
        new_occasion,
        may_write,
        errors: summary,
        targets: targets_href(unit, None),
        name,
    })
}

fn plans_href(unit: UnitId) -> String {
    format::href("/admission/plans", &[("unit", &unit.to_string())])
}

/// `GET /admission/plans?unit=`: the unit's terms and occasions.
pub(super) async fn plans(s: Caller, chrome: Chrome, Query(p): Query<PlanParams>) -> Result<Response, AppError> {
    let unit = match query_unit(&p.unit)? {
        Some(u) => u,
        None => match s.reader()?.children(None, s.today()).await?.first() {
            Some(r) => r.unit.id,
            None => return Ok(see_other("/admission")),
        },
    };
    page(&plans_view(&s, chrome, unit, Typed::None, &ValidationErrors::default()).await?)
}

/// The page again with what was sent and why it was refused (422, or 409 for a stale version).
async fn refused(s: &Access, chrome: Chrome, unit: UnitId, typed: Typed<'_>, refusal: Refusal) -> Result<Response, AppError> {
    let status = refusal.status();
    let errors = if refusal.is_conflict() { ValidationErrors::single("", "conflict", STALE) } else { refusal.errors() };
    // After a conflict the forms show the term as it now stands (with its new version).
    let typed = if status == StatusCode::CONFLICT { Typed::None } else { typed };
    render(status, &plans_view(s, chrome, unit, typed, &errors).await?)
}

/// The unit a form names, once the caller may record its plans (before anything else is read).
async fn form_unit(s: &Access, fields: &[(String, String)]) -> Result<UnitId, AppError> {
    let desk = s.plans()?;
    if !desk.decides_anywhere() {
        return Err(AppError::forbidden());
    }
    let unit = domain::event::parse_unit_id(get(fields, "unit")).map_err(|_| AppError::bad_request("Thiếu tổ chức."))?;
    desk.require_deciding_in(unit).await?;
    Ok(unit)
}

/// The version a form was read at.
fn form_version(fields: &[(String, String)]) -> Result<i64, AppError> {
    get(fields, "version").trim().parse().map_err(|_| AppError::bad_request(forms::VERSION_REQUIRED))
}

/// `POST /admission/plans/terms` (unit, first_day, last_day, target): records a term.
pub(super) async fn create_term(s: Caller, chrome: Chrome, Form(fields): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let unit = form_unit(&s, &fields).await?;
    let result = match TermInput::parse(get(&fields, "first_day"), get(&fields, "last_day"), get(&fields, "target")) {
        Ok(input) => s.plans()?.create_term(unit, input).await.map(|_| ()),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(see_other(&plans_href(unit))),
        Err(e) => refused(&s, chrome, unit, Typed::NewTerm(&fields), forms::refusal(e)?).await,
    }
}

/// `POST /admission/plans/terms/{id}` (version, first_day, last_day, target): changes a term.
pub(super) async fn update_term(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let unit = s.plans()?.require_term_write(id).await?;
    let version = form_version(&fields)?;
    let result = match TermInput::parse(get(&fields, "first_day"), get(&fields, "last_day"), get(&fields, "target")) {
        Ok(input) => s.plans()?.update_term(id, version, input).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(see_other(&plans_href(unit))),
        Err(e) => refused(&s, chrome, unit, Typed::Term(id, &fields), forms::refusal(e)?).await,
    }
}

/// `POST /admission/plans/terms/{id}/delete` (version): deletes a term.
pub(super) async fn delete_term(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let unit = s.plans()?.require_term_write(id).await?;
    let version = form_version(&fields)?;
    match s.plans()?.delete_term(id, version).await {
        Ok(()) => Ok(see_other(&plans_href(unit))),
        Err(e) => refused(&s, chrome, unit, Typed::None, forms::refusal(e)?).await,
    }
}

/// `POST /admission/plans/occasions` (unit, day, name): adds an occasion for the unit's subtree.
pub(super) async fn add_occasion(s: Caller, chrome: Chrome, Form(fields): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let unit = form_unit(&s, &fields).await?;
    match s.plans()?.add_occasion(unit, get(&fields, "day"), get(&fields, "name")).await {
        Ok(()) => Ok(see_other(&plans_href(unit))),
        Err(e) => refused(&s, chrome, unit, Typed::Occasion(&fields), forms::refusal(e)?).await,
    }
}

/// `POST /admission/plans/occasions/remove` (unit, day): removes an occasion the unit added.
pub(super) async fn remove_occasion(s: Caller, Form(fields): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let unit = form_unit(&s, &fields).await?;
    let (day, month) = parse_day_month(get(&fields, "day")).ok_or_else(|| AppError::bad_request("Thiếu ngày cần bỏ."))?;
    s.plans()?.remove_occasion(unit, day, month).await?;
    Ok(see_other(&plans_href(unit)))
}
