//! The candidate form: adding a candidate to a chi bộ (which opens the case) and editing one,
//! with both versions shown side by side on a conflict.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use domain::ValidationErrors;
use domain::ids::UnitId;
use domain::pipeline::{CandidateInput, CandidateSource, TargetGroup};
use serde::Deserialize;
use storage::CaseDetail;
use storage::access::Access;

use super::{board_href, case_href, codes, yes_no};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId};
use crate::forms::{self, Field, Refusal, Section, SummaryItem};
use crate::pages::Link;
use crate::respond::{page, render, see_other};
use crate::session::Caller;

/// The candidate form as posted (add and edit).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct CandidateForm {
    version: String,
    #[serde(flatten)]
    input: CandidateInput,
}

/// A field saved in the database next to the value just typed (shown on a conflict).
struct CompareRow {
    label: &'static str,
    saved: String,
    typed: String,
}

#[derive(Template)]
#[template(path = "admission_form.html")]
struct CandidateFormPage {
    chrome: Chrome,
    heading: String,
    context: Link,
    action: String,
    cancel_href: String,
    version: Option<i64>,
    sections: Vec<Section>,
    summary: Vec<SummaryItem>,
    conflict: Option<Vec<CompareRow>>,
    submit: &'static str,
    allowed: bool,
}

/// Every field of a candidate; `with_unit` adds the chi bộ (the edit form may move the case).
fn candidate_sections(i: &CandidateInput, with_unit: bool) -> Vec<Section> {
    let profile: Vec<Field> = forms::profile_fields(&i.profile, "").into_iter().filter(|f| f.name != "profile_from").collect();
    let mut follow = Vec::new();
    if with_unit {
        follow.push(Field::unit("unit_id", "Chi bộ theo dõi", &i.unit_id).required());
    }
    follow.extend([
        Field::select(
            "source",
            "Nguồn quần chúng",
            &i.source,
            Some("— Chọn —"),
            codes(CandidateSource::ALL, CandidateSource::code, CandidateSource::label),
        )
        .required(),
        Field::select(
            "target_group",
            "Nhóm chỉ tiêu",
            &i.target_group,
            Some("Không thuộc nhóm nào"),
            codes(TargetGroup::ALL, TargetGroup::code, TargetGroup::label),
        )
        .hint("Học sinh, sinh viên được tính theo nghề nghiệp nếu để trống."),
        Field::text("helper_member_id", "Đảng viên được phân công giúp đỡ (mã số)", &i.helper_member_id)
            .hint("Đảng viên chính thức; mã số là số cuối địa chỉ trang hồ sơ đảng viên (/members/…)."),
        Field::textarea("tasks", "Nhiệm vụ chi bộ giao", &i.tasks),
    ]);
    // A candidate has no party card nor member's file number yet (kept when some client set them).
    let identity = forms::identity_fields(&i.identity)
        .into_iter()
        .filter(|f| !matches!(f.name.as_str(), "party_card_number" | "ly_lich_number") || !f.value.trim().is_empty())
        .collect();
    vec![
        Section::new("Lý lịch", identity),
        Section::new("Trình độ, nghề nghiệp", profile),
        Section::new("Theo dõi, bồi dưỡng", follow),
        Section::new(
            "Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng",
            vec![
                Field::text("certificate_number", "Số giấy chứng nhận", &i.certificate_number),
                Field::date("certificate_date", "Ngày cấp", &i.certificate_date),
                Field::text("certificate_issuer", "Nơi cấp", &i.certificate_issuer).hint("Ví dụ Trung tâm Chính trị huyện An Phú."),
            ],
        )
        .note("Để trống cả ba ô nếu quần chúng chưa học lớp. Giấy chứng nhận có giá trị 60 tháng kể từ ngày cấp."),
        Section::new(
            "Trường hợp đặc biệt",
            vec![
                Field::select(
                    "education_exception",
                    "Ngoại lệ về trình độ học vấn",
                    &i.education_exception,
                    Some("Không"),
                    [
                        ("vung-kho-khan", "Miền núi, hải đảo, vùng đồng bào dân tộc thiểu số, vùng đặc biệt khó khăn"),
                        ("gia-lang", "Già làng, trưởng bản ở vùng đặc biệt khó khăn"),
                    ],
                ),
                Field::date("province_consent_on", "Ngày tỉnh ủy đồng ý bằng văn bản", &i.province_consent_on)
                    .hint("Cần khi người vào Đảng trên 60 tuổi và khi kết nạp lại (dd/mm/yyyy)."),
            ],
        ),
        Section::new(
            "Kết nạp lại (chỉ với người từng là đảng viên)",
            vec![
                Field::text("former_member_id", "Mã số hồ sơ đảng viên cũ", &i.former_member_id),
                Field::date("record_expunged_on", "Ngày được xóa án tích (nếu có)", &i.record_expunged_on),
                Field::checkbox(
                    "readmission_barred",
                    "Đã ra khỏi Đảng vì lý do không được kết nạp lại (gây mất đoàn kết nghiêm trọng, tham nhũng, vi phạm pháp luật nghiêm trọng…)",
                    &i.readmission_barred,
                ),
            ],
        ),
        Section::new("Ghi chú", vec![Field::textarea("note", "Ghi chú", &i.note)]),
    ]
}

#[allow(clippy::too_many_arguments)]
fn candidate_page(
    chrome: Chrome,
    heading: String,
    context: Link,
    action: String,
    input: &CandidateInput,
    with_unit: bool,
    version: Option<i64>,
    errors: &ValidationErrors,
    allowed: bool,
) -> CandidateFormPage {
    let mut sections = candidate_sections(input, with_unit);
    let summary = forms::attach_errors(&mut sections, errors);
    CandidateFormPage {
        chrome: chrome.titled(heading.clone()),
        heading,
        cancel_href: context.href.clone(),
        context,
        action,
        version,
        sections,
        summary,
        conflict: None,
        submit: if version.is_some() { "Lưu thay đổi" } else { "Lưu quần chúng" },
        allowed,
    }
}

/// The chi bộ of the add form, named.
async fn cell_link(s: &Access, unit: UnitId) -> Result<Link, AppError> {
    let d = s.reader()?.unit(unit, s.today()).await?;
    Ok(Link { href: board_href(unit), label: d.as_of.unwrap_or(d.latest).name })
}

fn new_page(
    chrome: Chrome,
    unit: UnitId,
    cell: Link,
    input: &CandidateInput,
    errors: &ValidationErrors,
    allowed: bool,
) -> CandidateFormPage {
    let heading = format!("Thêm quần chúng: {}", cell.label);
    candidate_page(chrome, heading, cell, format!("/units/{unit}/admission/new"), input, false, None, errors, allowed)
}

/// `GET /units/{id}/admission/new`.
pub(super) async fn new_form(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>) -> Result<Response, AppError> {
    let cell = cell_link(&s, unit).await?;
    let allowed = s.admission()?.may_file(unit).await;
    let input = CandidateInput { unit_id: unit.to_string(), ..Default::default() };
    page(&new_page(chrome, unit, cell, &input, &ValidationErrors::default(), allowed))
}

/// `POST /units/{id}/admission/new`: adds the candidate and opens the case.
pub(super) async fn create(
    s: Caller,
    chrome: Chrome,
    PathId(unit): PathId<UnitId>,
    Form(mut form): Form<CandidateForm>,
) -> Result<Response, AppError> {
    form.input.unit_id = unit.to_string();
    let desk = s.admission()?;
    // Authorized before the form is read (403, or 404 outside the read scope).
    desk.require_filing_in(unit).await?;
    let errors = match form.input.parse(s.today()) {
        Ok(candidate) => match desk.create_candidate(candidate).await {
            Ok(case) => return Ok(see_other(&case_href(case))),
            Err(e) => forms::invalid(e)?,
        },
        Err(e) => e,
    };
    let cell = cell_link(&s, unit).await?;
    let allowed = desk.may_file(unit).await;
    render(StatusCode::UNPROCESSABLE_ENTITY, &new_page(chrome, unit, cell, &form.input, &errors, allowed))
}

fn edit_page(
    chrome: Chrome,
    d: &CaseDetail,
    input: &CandidateInput,
    version: i64,
    errors: &ValidationErrors,
    allowed: bool,
) -> CandidateFormPage {
    let context = Link { href: case_href(d.id), label: d.candidate.identity.full_name.to_string() };
    let heading = format!("Sửa thông tin quần chúng: {}", context.label);
    candidate_page(chrome, heading, context, format!("/admission/cases/{}/edit", d.id), input, true, Some(version), errors, allowed)
}

/// `GET /admission/cases/{id}/edit`.
pub(super) async fn edit_form(s: Caller, chrome: Chrome, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    let desk = s.admission()?;
    let d = desk.case(id).await?;
    let allowed = desk.may_file(d.candidate.unit).await;
    page(&edit_page(chrome, &d, &CandidateInput::from_candidate(&d.candidate), d.version, &ValidationErrors::default(), allowed))
}

/// How a field reads (the option's label for a select, Có/Không for a checkbox).
fn shown(f: &Field) -> String {
    match f.kind {
        "select" => f.options.iter().find(|o| o.selected && !o.value.is_empty()).map(|o| o.label.clone()).unwrap_or_default(),
        "checkbox" => yes_no(f.checked()).to_owned(),
        _ => f.value.trim().to_owned(),
    }
}

/// The fields that differ between what is saved and what was typed.
fn compare(saved: &CandidateInput, typed: &CandidateInput) -> Vec<CompareRow> {
    let fields = |i: &CandidateInput| candidate_sections(i, true).into_iter().flat_map(|s| s.fields).collect::<Vec<_>>();
    fields(saved)
        .iter()
        .zip(fields(typed).iter())
        .map(|(a, b)| CompareRow { label: a.label, saved: shown(a), typed: shown(b) })
        .filter(|r| r.saved != r.typed)
        .collect()
}

/// `POST /admission/cases/{id}/edit`: saves the candidate, or shows both versions on a conflict.
pub(super) async fn edit(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Form(form): Form<CandidateForm>,
) -> Result<Response, AppError> {
    let desk = s.admission()?;
    desk.require_filing(id).await?;
    let d = desk.case(id).await?;
    let version: i64 = form.version.trim().parse().map_err(|_| AppError::bad_request("Thiếu phiên bản của hồ sơ."))?;
    let allowed = desk.may_file(d.candidate.unit).await;
    let errors = match form.input.parse(s.today()) {
        Ok(candidate) => match desk.update_candidate(d.id, version, candidate).await {
            Ok(()) => return Ok(see_other(&case_href(d.id))),
            Err(e) => match forms::refusal(e)? {
                Refusal::Invalid(e) => e,
                Refusal::Conflict { current } => {
                    let fresh = desk.case(d.id).await?;
                    let rows = compare(&CandidateInput::from_candidate(&fresh.candidate), &form.input);
                    let mut view =
                        edit_page(chrome, &fresh, &form.input, current.max(fresh.version), &ValidationErrors::default(), allowed);
                    view.conflict = Some(rows);
                    return render(StatusCode::CONFLICT, &view);
                }
            },
        },
        Err(e) => e,
    };
    render(StatusCode::UNPROCESSABLE_ENTITY, &edit_page(chrome, &d, &form.input, version, &errors, allowed))
}
