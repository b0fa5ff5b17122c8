//! `/directives/new`: the form a committee's staff send a directive with — from which of their
//! committees, what it is, which units under it receive it, and the task with its deadline.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use domain::ValidationErrors;
use domain::directives::{DirectiveKind, Draft, DraftFields, MAX_DEPTH};
use domain::unit::UnitKind;
use storage::access::Access;

use super::{all, get, unit_label};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::Form;
use crate::forms::{self, Field, Section, SummaryItem};
use crate::respond::{page, render, see_other};
use crate::session::Caller;

/// The kinds of unit a directive may be sent to: every kind that stands under a committee today
/// (the province is the top; district committees ended on 01/7/2025; a tổ đảng is reached
/// through its chi bộ).
pub(super) const RECEIVING_KINDS: &[UnitKind] = &[
    UnitKind::UnderProvince,
    UnitKind::Commune,
    UnitKind::GrassrootsCommittee,
    UnitKind::GrassrootsCell,
    UnitKind::SubCommittee,
    UnitKind::Cell,
];

#[derive(Template)]
#[template(path = "directive_form.html")]
struct FormPage {
    chrome: Chrome,
    summary: Vec<SummaryItem>,
    sections: Vec<Section>,
}

/// The depth choices: any, directly under, down to N levels.
pub(super) fn depth_options() -> Vec<(String, String)> {
    let mut out = vec![(String::new(), "Mọi cấp".to_owned()), ("1".to_owned(), "Chỉ tổ chức trực thuộc".to_owned())];
    out.extend((2..=4.min(MAX_DEPTH)).map(|n| (n.to_string(), format!("Đến {n} cấp dưới"))));
    out
}

/// The reach's fields (kinds and depth), shared with passing a task on.
pub(crate) fn reach_fields(kinds: &[String], depth: &str) -> Vec<Field> {
    let depths = depth_options();
    vec![
        Field::checks("reach_kinds", "Loại tổ chức nhận", kinds, RECEIVING_KINDS.iter().map(|k| (k.code(), k.label())))
            .hint("Không chọn loại nào: mọi tổ chức dưới tổ chức gửi."),
        Field::select("reach_depth", "Cấp nhận", depth, None, depths.iter().map(|(v, l)| (v.as_str(), l.as_str()))),
    ]
}

fn sections(s: &Access, fields: &[(String, String)]) -> Vec<Section> {
    let senders: Vec<(String, String)> = s
        .directives()
        .map(|d| d.sends_for().to_vec())
        .unwrap_or_default()
        .into_iter()
        .map(|u| (u.to_string(), unit_label(s, u, "")))
        .collect();
    let kinds = forms::codes(DirectiveKind::ALL, DirectiveKind::code, DirectiveKind::label);
    vec![
        Section::new(
            "Văn bản",
            vec![
                Field::select("sender", "Tổ chức gửi", get(fields, "sender"), None, senders.iter().map(|(v, l)| (v.as_str(), l.as_str())))
                    .required(),
                Field::select("kind", "Loại văn bản", get(fields, "kind"), None, kinds).required(),
                Field::text("number", "Số, ký hiệu", get(fields, "number")).required().hint("Ví dụ 15-KH/TU."),
                Field::text("title", "Trích yếu", get(fields, "title")).required(),
                Field::textarea("body", "Nội dung", get(fields, "body")).required(),
            ],
        ),
        Section::new("Nơi nhận", reach_fields(&all(fields, "reach_kinds"), get(fields, "reach_depth"))),
        Section::new(
            "Nhiệm vụ và thời hạn báo cáo",
            vec![
                Field::textarea("task", "Nhiệm vụ, nội dung cần báo cáo", get(fields, "task")),
                Field::text("deadline_days", "Thời hạn (số ngày làm việc)", get(fields, "deadline_days"))
                    .hint("Tính từ ngày sau ngày gửi, trừ ngày nghỉ, ngày lễ."),
                Field::date("deadline_date", "Hoặc hạn đến ngày", get(fields, "deadline_date")),
            ],
        )
        .note("Để trống nếu văn bản chỉ để biết, không yêu cầu báo cáo. Có nhiệm vụ thì nhập một trong hai: số ngày làm việc hoặc ngày hết hạn."),
    ]
}

fn form_page(s: &Access, chrome: Chrome, fields: &[(String, String)], errors: &ValidationErrors) -> FormPage {
    let mut sections = sections(s, fields);
    let summary = forms::attach_errors(&mut sections, errors);
    FormPage { chrome: chrome.titled("Gửi văn bản chỉ đạo"), summary, sections }
}

/// `GET /directives/new`: the empty form (403 for someone who sends for no committee).
pub(super) async fn form(s: Caller, chrome: Chrome) -> Result<Response, AppError> {
    if s.directives()?.sends_for().is_empty() {
        return Err(AppError::forbidden());
    }
    page(&form_page(&s, chrome, &[], &ValidationErrors::default()))
}

/// `POST /directives/new`: sends the directive and opens its page; the form again with every
/// problem otherwise.
pub(super) async fn send(s: Caller, chrome: Chrome, Form(fields): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let desk = s.directives()?;
    if desk.sends_for().is_empty() {
        return Err(AppError::forbidden());
    }
    let sender = match domain::event::parse_unit_id(get(&fields, "sender")) {
        Ok(u) => u,
        Err(_) => {
            let errors = ValidationErrors::single("sender", "required", "Chọn tổ chức gửi.");
            return render(StatusCode::UNPROCESSABLE_ENTITY, &form_page(&s, chrome, &fields, &errors));
        }
    };
    // The sender is checked before anything typed is read.
    desk.require_sending(sender).await?;
    let kinds = all(&fields, "reach_kinds");
    let typed = DraftFields {
        kind: get(&fields, "kind"),
        number: get(&fields, "number"),
        title: get(&fields, "title"),
        body: get(&fields, "body"),
        reach_kinds: &kinds,
        reach_depth: get(&fields, "reach_depth"),
        task: get(&fields, "task"),
        deadline_days: get(&fields, "deadline_days"),
        deadline_date: get(&fields, "deadline_date"),
    };
    let result = match Draft::parse(&typed, s.today()) {
        Ok(draft) => desk.send(sender, draft).await.map_err(forms::invalid),
        Err(e) => Err(Ok(e)),
    };
    match result {
        Ok(id) => Ok(see_other(&format!("/directives/{id}"))),
        Err(errors) => render(StatusCode::UNPROCESSABLE_ENTITY, &form_page(&s, chrome, &fields, &errors?)),
    }
}
