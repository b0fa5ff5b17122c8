//! The admission pipeline's pages (phát triển đảng viên): the overview of a unit, the pipeline
//! board of a chi bộ (the secretary's main screen), a candidate's case with its steps, the forms
//! to add and edit a candidate and to record or void a step, the worklist ("Việc cần làm") and the
//! targets ("Chỉ tiêu kết nạp").
//!
//! Every route needs the register's read scope; the [`AdmissionDesk`] decides who may record the
//! chi bộ's steps and the committee's decisions and refuses the rest (403, or 404 outside the read
//! scope). A case is read — and so checked against the scope — before anything posted is looked at.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use domain::ValidationErrors;
use domain::access::Capability;
use domain::admission::Together;
use domain::ids::{MemberId, UnitId};
use domain::pipeline::{
    Actor, CandidateInput, CandidateSource, IntroductionMode, RecognitionProposal, Stage, StepData, StepInput, StepKind, TargetGroup,
    Urgency,
};
use serde::Deserialize;
use storage::access::{Access, AdmissionDesk};
use storage::{CaseDetail, CaseQuery, CaseSummary, TargetCell, TargetRow};

use super::units::Link;
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, PathIds, Query};
use crate::format;
use crate::forms::{self, Field, Refusal, Section, SummaryItem};
use crate::policy::{Policy, Route};
use crate::query;
use crate::respond::{page, render, see_other};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![
        Route::get("/admission", read, overview),
        Route::get("/admission/worklist", read, worklist),
        Route::get("/admission/targets", read, targets),
        Route::post("/admission/targets", read, set_targets),
        Route::get("/admission/cases/{id}", read, case_page),
        Route::get("/admission/cases/{id}/edit", read, edit_form),
        Route::post("/admission/cases/{id}/edit", read, edit),
        Route::get("/admission/cases/{id}/steps/new", read, step_form),
        Route::post("/admission/cases/{id}/steps/new", read, record_step),
        Route::post("/admission/cases/{id}/steps/{step}/void", read, void_step),
        Route::get("/units/{id}/admission", read, board),
        Route::get("/units/{id}/admission/new", read, new_form),
        Route::post("/units/{id}/admission/new", read, create),
    ]
}

// --- shared pieces -----------------------------------------------------------------------------

/// `?unit=`: empty is none, anything but a unit id is a bad request.
fn query_unit(raw: &str) -> Result<Option<UnitId>, AppError> {
    query::param("unit", query::parse_optional_unit(raw))
}

fn case_href(id: i64) -> String {
    format!("/admission/cases/{id}")
}

fn board_href(unit: UnitId) -> String {
    format!("/units/{unit}/admission")
}

fn member_href(m: MemberId) -> String {
    format!("/members/{}", m.0)
}

/// `/admission/worklist?unit=&urgency=`.
fn worklist_href(unit: Option<UnitId>, urgency: Option<Urgency>) -> String {
    let unit = unit.map(|u| u.to_string()).unwrap_or_default();
    format!("/admission/worklist{}", format::query_string(&[("unit", &unit), ("urgency", urgency.map_or("", urgency_code))]))
}

fn targets_href(unit: UnitId, year: Option<i32>) -> String {
    let year = year.map(|y| y.to_string()).unwrap_or_default();
    format!("/admission/targets{}", format::query_string(&[("unit", &unit.to_string()), ("year", &year)]))
}

fn overview_href(unit: Option<UnitId>) -> String {
    let unit = unit.map(|u| u.to_string()).unwrap_or_default();
    format!("/admission{}", format::query_string(&[("unit", &unit)]))
}

fn urgency_code(u: Urgency) -> &'static str {
    match u {
        Urgency::Overdue => "overdue",
        Urgency::Soon => "soon",
        Urgency::Later => "later",
    }
}

fn parse_urgency(raw: &str) -> Result<Option<Urgency>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        "overdue" => Ok(Some(Urgency::Overdue)),
        "soon" => Ok(Some(Urgency::Soon)),
        "later" => Ok(Some(Urgency::Later)),
        _ => Err(AppError::bad_query(ValidationErrors::single(
            "urgency",
            "unknown_value",
            "Mức độ phải là overdue (quá hạn), soon (đến hạn trong 7 ngày) hoặc later (chưa đến hạn).",
        ))),
    }
}

/// An urgency as a coloured label.
#[derive(Debug, Clone, Copy)]
struct Badge {
    label: &'static str,
    class: &'static str,
}

fn badge(u: Urgency) -> Badge {
    Badge { label: u.label(), class: urgency_code(u) }
}

fn actor_label(a: Actor) -> &'static str {
    match a {
        Actor::ChiBo => "Chi bộ",
        Actor::Committee => "Cấp ủy có thẩm quyền",
    }
}

fn together_label(t: Together) -> &'static str {
    match t {
        Together::Work => "cùng công tác",
        Together::Study => "cùng học tập",
        Together::Residence => "cùng cư trú",
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "Có" } else { "Không" }
}

/// One of the three counts of the worklist, as a link to the worklist filtered.
pub(crate) struct UrgencyCount {
    pub label: &'static str,
    pub class: &'static str,
    pub count: String,
    pub href: String,
    pub current: bool,
}

pub(crate) fn urgency_counts(
    unit: Option<UnitId>,
    overdue: usize,
    soon: usize,
    later: usize,
    current: Option<Urgency>,
) -> Vec<UrgencyCount> {
    [(Urgency::Overdue, overdue), (Urgency::Soon, soon), (Urgency::Later, later)]
        .into_iter()
        .map(|(u, n)| UrgencyCount {
            label: u.label(),
            class: urgency_code(u),
            count: format::count(n),
            href: worklist_href(unit, Some(u)),
            current: current == Some(u),
        })
        .collect()
}

/// The starting units of the caller's tree and, when one is chosen, that unit: the options of a
/// unit chooser (`unit` select).
fn unit_chooser(roots: &[storage::UnitNode], chosen: Option<(UnitId, &str)>, blank: Option<&str>) -> Field {
    let mut items: Vec<(String, String)> = roots.iter().map(|n| (n.unit.id.to_string(), n.unit.name.clone())).collect();
    if let Some((id, name)) = chosen
        && !roots.iter().any(|n| n.unit.id == id)
    {
        items.push((id.to_string(), name.to_owned()));
    }
    let value = chosen.map(|(id, _)| id.to_string()).unwrap_or_default();
    Field::select("unit", "Tổ chức đảng", &value, blank, items.iter().map(|(v, l)| (v.as_str(), l.as_str())))
}

// --- overview ----------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct UnitParams {
    unit: String,
}

struct StageCount {
    label: &'static str,
    count: String,
    href: Option<String>,
}

/// A unit under the one shown, with its own pages.
struct ChildLinks {
    name: String,
    kind: &'static str,
    overview_href: String,
    board_href: String,
}

#[derive(Template)]
#[template(path = "admission_overview.html")]
struct OverviewPage {
    chrome: Chrome,
    filters: Vec<Field>,
    unit: Option<Link>,
    path: Vec<Link>,
    counts: Vec<UrgencyCount>,
    open_cases: String,
    stages: Vec<StageCount>,
    board: Option<String>,
    targets: Option<String>,
    worklist: String,
    children: Vec<ChildLinks>,
}

fn child_links(nodes: &[storage::UnitNode]) -> Vec<ChildLinks> {
    nodes
        .iter()
        .map(|n| ChildLinks {
            name: n.unit.name.clone(),
            kind: n.unit.kind.label(),
            overview_href: overview_href(Some(n.unit.id)),
            board_href: board_href(n.unit.id),
        })
        .collect()
}

/// `GET /admission?unit=`: what is open and what is due in a unit's subtree (or the whole scope).
async fn overview(s: Caller, chrome: Chrome, Query(p): Query<UnitParams>) -> Result<Response, AppError> {
    let today = s.today();
    let desk = s.admission()?;
    let reader = s.reader()?;
    let roots = reader.children(None, today).await?;
    let chosen = match (query_unit(&p.unit)?, roots.as_slice()) {
        (Some(u), _) => Some(u),
        (None, [only]) => Some(only.unit.id),
        (None, _) => None,
    };
    let detail = match chosen {
        Some(u) => Some(reader.unit(u, today).await?),
        None => None,
    };
    let list = desk.worklist(&CaseQuery { unit: chosen, ..CaseQuery::new(today) }).await?;
    let name = detail.as_ref().map(|d| d.as_of.as_ref().unwrap_or(&d.latest).name.clone());
    let stages = Stage::BOARD
        .iter()
        .map(|stage| {
            let n = list.by_stage.iter().find(|(s, _)| s == stage).map_or(0, |(_, n)| *n);
            StageCount {
                label: stage.label(),
                count: format::count(n),
                href: chosen.map(|u| format!("{}#stage-{}", board_href(u), stage.code())),
            }
        })
        .collect();
    let view = OverviewPage {
        chrome: chrome.titled("Phát triển đảng viên"),
        filters: vec![unit_chooser(&roots, chosen.zip(name.as_deref()), Some("— Toàn bộ phạm vi được giao —"))],
        unit: chosen.zip(name).map(|(u, label)| Link { href: format!("/units/{u}"), label }),
        path: detail
            .as_ref()
            .map(|d| d.path.iter().map(|u| Link { href: overview_href(Some(u.id)), label: u.name.clone() }).collect())
            .unwrap_or_default(),
        counts: urgency_counts(chosen, list.overdue, list.soon, list.later, None),
        open_cases: format::count(list.open_cases),
        stages,
        board: chosen.map(board_href),
        targets: chosen.or(roots.first().map(|r| r.unit.id)).map(|u| targets_href(u, None)),
        worklist: worklist_href(chosen, None),
        children: match &detail {
            Some(d) => child_links(&d.children),
            None => child_links(&roots),
        },
    };
    page(&view)
}

// --- the pipeline board ------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BoardParams {
    closed: String,
}

/// A case on the board.
struct Card {
    href: String,
    name: String,
    birth_date: String,
    unit: Link,
    next_step: String,
    due: String,
    due_label: String,
    badge: Option<Badge>,
}

struct Column {
    code: &'static str,
    label: &'static str,
    count: String,
    cards: Vec<Card>,
}

/// A case that ended (admitted and recognized, struck off, or closed).
struct ClosedRow {
    href: String,
    name: String,
    birth_date: String,
    stage: &'static str,
    unit: Link,
    member_href: Option<String>,
}

#[derive(Template)]
#[template(path = "admission_board.html")]
struct BoardPage {
    chrome: Chrome,
    name: String,
    kind: &'static str,
    path: Vec<Link>,
    is_cell: bool,
    may_file: bool,
    new_href: String,
    columns: Vec<Column>,
    total: String,
    closed: Option<Vec<ClosedRow>>,
    closed_href: String,
    worklist: String,
    targets: String,
    overview: String,
}

fn card(c: &CaseSummary) -> Card {
    Card {
        href: case_href(c.id),
        name: c.full_name.clone(),
        birth_date: format::date(c.birth_date),
        unit: Link { href: board_href(c.unit), label: c.unit_name.clone() },
        next_step: c.next_step.map(|k| k.label().to_owned()).unwrap_or_default(),
        due: c.next_due.as_ref().map(|d| format::date(d.due)).unwrap_or_default(),
        due_label: c.next_due.as_ref().map(|d| d.label.to_owned()).unwrap_or_default(),
        badge: c.urgency.filter(|u| *u != Urgency::Later).map(badge),
    }
}

/// `GET /units/{id}/admission`: the open cases of a chi bộ in one column per stage (for a larger
/// unit, the cases of its subtree grouped by stage); `?closed=1` adds the cases that ended.
async fn board(s: Caller, chrome: Chrome, PathId(id): PathId<UnitId>, Query(p): Query<BoardParams>) -> Result<Response, AppError> {
    let today = s.today();
    let detail = s.reader()?.unit(id, today).await?;
    let shown = detail.as_of.clone().unwrap_or_else(|| detail.latest.clone());
    let desk = s.admission()?;
    let cases = desk.cases(&CaseQuery { unit: Some(id), ..CaseQuery::new(today) }).await?;
    let columns = Stage::BOARD
        .iter()
        .map(|stage| {
            let cards: Vec<Card> = cases.iter().filter(|c| c.stage == *stage).map(card).collect();
            Column { code: stage.code(), label: stage.label(), count: format::count(cards.len()), cards }
        })
        .collect();
    let show_closed = crate::query::parse_flag(&p.closed);
    let closed = if show_closed {
        let query = CaseQuery { unit: Some(id), stages: vec![Stage::Official, Stage::StruckOff, Stage::Closed], ..CaseQuery::new(today) };
        let list = desk.cases(&query).await?;
        Some(
            list.iter()
                .map(|c| ClosedRow {
                    href: case_href(c.id),
                    name: c.full_name.clone(),
                    birth_date: format::date(c.birth_date),
                    stage: c.stage.label(),
                    unit: Link { href: board_href(c.unit), label: c.unit_name.clone() },
                    member_href: c.member.map(member_href),
                })
                .collect(),
        )
    } else {
        None
    };
    let is_cell = shown.kind.holds_members();
    let view = BoardPage {
        chrome: chrome.titled(format!("Phát triển đảng viên: {}", shown.name)),
        kind: shown.kind.label(),
        path: detail.path.iter().map(|u| Link { href: board_href(u.id), label: u.name.clone() }).collect(),
        is_cell,
        may_file: is_cell && detail.as_of.is_some() && desk.may_file(id).await,
        new_href: format!("/units/{id}/admission/new"),
        columns,
        total: format::count(cases.len()),
        closed,
        closed_href: if show_closed { board_href(id) } else { format!("{}?closed=1", board_href(id)) },
        worklist: worklist_href(Some(id), None),
        targets: targets_href(id, None),
        overview: overview_href(Some(id)),
        name: shown.name,
    };
    page(&view)
}

// --- the candidate form ------------------------------------------------------------------------

/// The candidate form as posted (add and edit).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CandidateForm {
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

fn codes<T: Copy>(all: &'static [T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|v| (code(*v), label(*v))).collect()
}

/// Every field of a candidate; `with_unit` adds the chi bộ (the edit form may move the case).
fn candidate_sections(i: &CandidateInput, with_unit: bool) -> Vec<Section> {
    let profile: Vec<Field> = forms::profile_fields(&i.profile, "").into_iter().filter(|f| f.name != "profile_from").collect();
    let mut follow = Vec::new();
    if with_unit {
        follow.push(Field::unit("unit_id", "Chi bộ theo dõi (mã số)", &i.unit_id).required());
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
async fn new_form(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>) -> Result<Response, AppError> {
    let cell = cell_link(&s, unit).await?;
    let allowed = s.admission()?.may_file(unit).await;
    let input = CandidateInput { unit_id: unit.to_string(), ..Default::default() };
    page(&new_page(chrome, unit, cell, &input, &ValidationErrors::default(), allowed))
}

/// `POST /units/{id}/admission/new`: adds the candidate and opens the case.
async fn create(
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
async fn edit_form(s: Caller, chrome: Chrome, PathId(id): PathId<i64>) -> Result<Response, AppError> {
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
async fn edit(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(form): Form<CandidateForm>) -> Result<Response, AppError> {
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

// --- the case ----------------------------------------------------------------------------------

struct Fact {
    label: &'static str,
    value: String,
    href: Option<String>,
}

impl Fact {
    fn new(label: &'static str, value: impl Into<String>) -> Fact {
        Fact { label, value: value.into(), href: None }
    }

    fn link(label: &'static str, value: impl Into<String>, href: String) -> Fact {
        Fact { label, value: value.into(), href: Some(href) }
    }
}

struct BlockerView {
    message: String,
    source: &'static str,
}

struct DueView {
    label: &'static str,
    due: String,
    actor: &'static str,
    badge: Badge,
    source: &'static str,
}

struct StepView {
    id: i64,
    kind: &'static str,
    date: String,
    details: Vec<String>,
    recorded: String,
    voided: Option<Voided>,
}

/// Why a step was voided, by whom and when.
struct Voided {
    reason: String,
    by: String,
}

struct NextLink {
    href: String,
    label: &'static str,
    decision: bool,
    closing: bool,
}

/// The form that voids the last step in force.
struct VoidForm {
    action: String,
    kind: &'static str,
    date: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "admission_case.html")]
struct CasePage {
    chrome: Chrome,
    name: String,
    stage: &'static str,
    open: bool,
    unit: Link,
    birth: String,
    facts: Vec<Fact>,
    member: Option<String>,
    official: Option<String>,
    blockers: Vec<BlockerView>,
    due: Vec<DueView>,
    steps: Vec<StepView>,
    next: Vec<NextLink>,
    void: Option<VoidForm>,
    version: i64,
    edit_href: Option<String>,
    problems: Vec<String>,
    conflict: bool,
    updated: String,
}

/// A member the case names: their name and a link to the record.
fn named_member(d: &CaseDetail, m: MemberId) -> String {
    match d.member_name(m) {
        Some(name) => format!("{name} (mã số {})", m.0),
        None => format!("Đảng viên mã số {}", m.0),
    }
}

/// An introducer as the case names them: a member by the name the register holds (when the
/// caller may read it), one of another organization by the name and card number typed.
fn named_introducer(d: &CaseDetail, who: &domain::pipeline::IntroducerId) -> String {
    match who {
        domain::pipeline::IntroducerId::Member { member } => named_member(d, *member),
        domain::pipeline::IntroducerId::Card { .. } => format!("{} — tổ chức khác", who.described()),
    }
}

fn vote_details(v: &domain::admission::ChiBoVote) -> String {
    format!(
        "Đảng viên chính thức: {}; có mặt: {}; tán thành: {} ({} số đảng viên chính thức); không tán thành: {}",
        format::number(u64::from(v.official_members)),
        format::number(u64::from(v.present)),
        format::number(u64::from(v.in_favour)),
        format::percent(v.in_favour as usize, v.official_members as usize),
        format::number(u64::from(v.against)),
    )
}

fn basis_details(basis: &domain::unit::LegalBasis, signer: &str) -> String {
    format!("Quyết định số {}, ngày {}, {}; người ký: {}", basis.number, format::date(basis.date), basis.issuer, signer)
}

/// What a step records, in words.
fn step_details(data: &StepData, d: &CaseDetail) -> Vec<String> {
    match data {
        StepData::VerificationRequest { to, .. } => vec![format!("Gửi đến: {to}")],
        StepData::VerificationResult { clear, summary, .. } => {
            vec![format!("Kết quả: {}", if *clear { "lý lịch rõ ràng" } else { "có vấn đề cần làm rõ" }), format!("Kết luận: {summary}")]
        }
        StepData::Introduction { mode, resolution_on, introducers } => {
            let mut out = vec![format!("Hình thức: {}", mode.label())];
            if let Some(r) = resolution_on {
                out.push(format!("Nghị quyết giới thiệu của Ban Chấp hành ngày {}", format::date(*r)));
            }
            out.extend(introducers.iter().map(|i| {
                format!(
                    "Người giới thiệu: {}; giấy giới thiệu ngày {}; {} từ {}",
                    named_introducer(d, &i.who),
                    format::date(i.introduced_on),
                    together_label(i.together),
                    format::date(i.together_since)
                )
            }));
            out
        }
        StepData::ChiBoVote { vote } => vec![vote_details(vote)],
        StepData::GrassrootsResolution { number, .. } | StepData::RecognitionResolution { number, .. } => {
            vec![format!("Số nghị quyết: {number}")]
        }
        StepData::Extension { note, .. } => vec![format!("Lý do gia hạn: {note}")],
        StepData::Decision { basis, signer }
        | StepData::RecognitionDecision { basis, signer }
        | StepData::StrikeOffDecision { basis, signer } => vec![basis_details(basis, signer)],
        StepData::Ceremony { on } => domain::pipeline::anniversary(*on).map(|a| vec![format!("Nhân dịp {a}")]).unwrap_or_default(),
        StepData::NewMemberClass { number, .. } => vec![format!("Số giấy chứng nhận: {number}")],
        StepData::RecognitionVote { vote, proposal } => vec![format!("Đề nghị: {}", proposal.label()), vote_details(vote)],
        StepData::Closed { reason, .. } => vec![format!("Lý do: {reason}")],
        StepData::Application { .. }
        | StepData::Autobiography { .. }
        | StepData::Opinions { .. }
        | StepData::DocumentsRenewed { .. }
        | StepData::DecisionReceived { .. }
        | StepData::SelfReview { .. }
        | StepData::HelperComment { .. }
        | StepData::ProbationOpinions { .. } => Vec::new(),
    }
}

fn facts(d: &CaseDetail) -> Vec<Fact> {
    let c = &d.candidate;
    let i = &c.identity;
    let p = &c.profile;
    let mut out = vec![
        Fact::link("Chi bộ theo dõi", d.unit_name.clone(), board_href(c.unit)),
        Fact::new("Ngày sinh", format::date(i.birth_date)),
        Fact::new("Giới tính", i.gender.label()),
        Fact::new("Dân tộc, tôn giáo", format!("{}; {}", i.ethnicity.label(), i.religion.label())),
        Fact::new("Số CCCD", i.citizen_id.to_string()),
    ];
    if let Some(phone) = &i.phone {
        out.push(Fact::new("Số điện thoại", phone.to_string()));
    }
    if let Some(h) = &i.hometown {
        out.push(Fact::new("Quê quán", h.clone()));
    }
    if let Some(r) = &p.residence {
        out.push(Fact::new("Nơi ở hiện nay", r.clone()));
    }
    out.extend([
        Fact::new("Nghề nghiệp", p.occupation.label()),
        Fact::new("Giáo dục phổ thông", p.general_education.label()),
        Fact::new("Đoàn viên", yes_no(p.youth_union)),
        Fact::new("Nguồn quần chúng", c.source.label()),
        Fact::new("Nhóm chỉ tiêu", c.target_group.map_or("Không thuộc nhóm nào", |g| g.label())),
    ]);
    if let Some(h) = c.helper {
        out.push(Fact::link("Đảng viên giúp đỡ", named_member(d, h), member_href(h)));
    }
    if let Some(t) = &c.tasks {
        out.push(Fact::new("Nhiệm vụ được giao", t.clone()));
    }
    match (&c.certificate, d.certificate_valid_until) {
        (Some(cert), until) => out.push(Fact::new(
            "Giấy chứng nhận lớp nhận thức về Đảng",
            format!(
                "Số {}, cấp ngày {}, {}{}",
                cert.number,
                format::date(cert.issued_on),
                cert.issuer,
                until.map(|u| format!("; còn giá trị đến {}", format::date(u))).unwrap_or_default()
            ),
        )),
        (None, _) => out.push(Fact::new("Giấy chứng nhận lớp nhận thức về Đảng", "Chưa có")),
    }
    if let Some(e) = c.education_exception {
        out.push(Fact::new(
            "Ngoại lệ về trình độ",
            match e {
                domain::admission::EducationException::DisadvantagedArea => {
                    "Miền núi, hải đảo, vùng đồng bào dân tộc thiểu số, vùng đặc biệt khó khăn"
                }
                domain::admission::EducationException::VillageElder => "Già làng, trưởng bản ở vùng đặc biệt khó khăn",
            },
        ));
    }
    if let Some(on) = c.province_consent_on {
        out.push(Fact::new("Tỉnh ủy đồng ý bằng văn bản", format!("Ngày {}", format::date(on))));
    }
    if let Some(m) = c.former_member {
        out.push(Fact::link("Kết nạp lại: hồ sơ đảng viên cũ", named_member(d, m), member_href(m)));
    }
    if let Some(on) = c.record_expunged_on {
        out.push(Fact::new("Ngày được xóa án tích", format::date(on)));
    }
    if c.readmission_barred {
        out.push(Fact::new("Lý do ra khỏi Đảng", "Thuộc trường hợp không được kết nạp lại"));
    }
    if let Some(n) = &c.note {
        out.push(Fact::new("Ghi chú", n.clone()));
    }
    out
}

/// The case page; `problems` and `conflict` come from a refused void, `reason` keeps what was typed.
async fn case_view(
    desk: &AdmissionDesk<'_>,
    chrome: Chrome,
    d: &CaseDetail,
    problems: Vec<String>,
    conflict: bool,
    reason: &str,
) -> CasePage {
    let unit = d.candidate.unit;
    let may_file = desk.may_file(unit).await;
    let may_decide = desk.may_decide(unit).await;
    let next = d
        .next_steps
        .iter()
        .filter(|k| if k.is_decision() { may_decide } else { may_file })
        .map(|k| NextLink {
            href: format!("/admission/cases/{}/steps/new?kind={}", d.id, k.code()),
            label: k.label(),
            decision: k.is_decision(),
            closing: *k == StepKind::Closed,
        })
        .collect();
    let last = d.steps.iter().rev().find(|s| s.voided.is_none());
    let void = last.filter(|s| may_file && !s.data.kind().writes_register()).map(|s| VoidForm {
        action: format!("/admission/cases/{}/steps/{}/void", d.id, s.id),
        kind: s.data.kind().label(),
        date: format::date(s.data.on()),
        reason: reason.to_owned(),
    });
    let probation = matches!(d.stage, Stage::AwaitingCeremony | Stage::Probation | Stage::AwaitingRecognition);
    CasePage {
        chrome: chrome.titled(d.candidate.identity.full_name.to_string()),
        name: d.candidate.identity.full_name.to_string(),
        stage: d.stage.label(),
        open: d.stage.is_open(),
        unit: Link { href: board_href(unit), label: d.unit_name.clone() },
        birth: format!("{}, sinh ngày {}", d.candidate.identity.gender.label(), format::date(d.candidate.identity.birth_date)),
        facts: facts(d),
        member: d.member.map(member_href),
        official: d.official_date.filter(|_| probation).map(format::date),
        blockers: d.blockers.iter().map(|b| BlockerView { message: b.message.clone(), source: b.source }).collect(),
        due: d
            .due
            .iter()
            .map(|(item, u)| DueView {
                label: item.label,
                due: format::date(item.due),
                actor: actor_label(item.actor),
                badge: badge(*u),
                source: item.source,
            })
            .collect(),
        steps: d
            .steps
            .iter()
            .map(|s| StepView {
                id: s.id,
                kind: s.data.kind().label(),
                date: format::date(s.data.on()),
                details: step_details(&s.data, d),
                recorded: format!("{}, {}", s.recorded_by, format::instant(s.recorded_at)),
                voided: s
                    .voided
                    .as_ref()
                    .map(|(at, by, reason)| Voided { reason: reason.clone(), by: format!("{by}, {}", format::instant(*at)) }),
            })
            .collect(),
        next,
        void,
        version: d.version,
        edit_href: may_file.then(|| format!("/admission/cases/{}/edit", d.id)),
        problems,
        conflict,
        updated: format!("{}, {}", d.updated_by, format::instant(d.updated_at)),
    }
}

/// `GET /admission/cases/{id}`: the candidate, what stops the file, what is due, the steps.
async fn case_page(s: Caller, chrome: Chrome, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    let desk = s.admission()?;
    let d = desk.case(id).await?;
    page(&case_view(&desk, chrome, &d, Vec::new(), false, "").await)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct VoidPost {
    version: String,
    reason: String,
}

/// `POST /admission/cases/{id}/steps/{step}/void`: voids the last step (a typing mistake).
async fn void_step(
    s: Caller,
    chrome: Chrome,
    PathIds(id, step): PathIds<i64, i64>,
    Form(form): Form<VoidPost>,
) -> Result<Response, AppError> {
    let desk = s.admission()?;
    desk.require_filing(id).await?;
    let d = desk.case(id).await?;
    let version: i64 = form.version.trim().parse().map_err(|_| AppError::bad_request("Thiếu phiên bản của hồ sơ."))?;
    let refused = match desk.void_step(d.id, version, step, form.reason.clone()).await {
        Ok(()) => return Ok(see_other(&format!("{}#buoc", case_href(d.id)))),
        Err(e) => forms::refusal(e)?,
    };
    let (status, conflict) = (refused.status(), refused.is_conflict());
    let fresh = desk.case(d.id).await?;
    render(status, &case_view(&desk, chrome, &fresh, forms::messages(refused.errors()), conflict, &form.reason).await)
}

// --- recording a step --------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct KindParam {
    kind: String,
}

/// The step form as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StepForm {
    version: String,
    #[serde(flatten)]
    input: StepInput,
}

#[derive(Template)]
#[template(path = "admission_step_form.html")]
struct StepFormPage {
    chrome: Chrome,
    heading: &'static str,
    case_name: String,
    case_href: String,
    stage: &'static str,
    action: String,
    version: i64,
    kind: &'static str,
    sections: Vec<Section>,
    summary: Vec<SummaryItem>,
    conflict: bool,
    allowed: bool,
    decision: bool,
    in_order: bool,
}

fn parse_kind(raw: &str) -> Result<StepKind, AppError> {
    if raw.trim().is_empty() {
        return Err(AppError::bad_request("Chọn bước hồ sơ cần ghi (tham số kind)."));
    }
    StepKind::parse(raw).map_err(|e| AppError::bad_query(ValidationErrors::single("kind", e.code, e.message)))
}

/// The label of a step's document date.
fn on_label(kind: StepKind) -> &'static str {
    use StepKind::*;
    match kind {
        Application => "Ngày đơn xin vào Đảng",
        Autobiography => "Ngày hoàn thành lý lịch",
        VerificationRequest => "Ngày gửi công văn thẩm tra",
        VerificationResult => "Ngày có kết quả thẩm tra",
        Opinions => "Ngày tổng hợp ý kiến nhận xét",
        DocumentsRenewed => "Ngày làm lại hồ sơ",
        ChiBoVote | RecognitionVote => "Ngày chi bộ họp xét (ngày nghị quyết)",
        GrassrootsResolution | RecognitionResolution => "Ngày nghị quyết",
        Extension => "Ngày quyết định gia hạn",
        DecisionReceived => "Ngày chi bộ nhận quyết định",
        Ceremony => "Ngày tổ chức lễ kết nạp",
        NewMemberClass => "Ngày cấp giấy chứng nhận",
        SelfReview => "Ngày bản tự kiểm điểm",
        HelperComment => "Ngày nhận xét",
        ProbationOpinions => "Ngày tổng hợp ý kiến",
        Closed => "Ngày ngừng xem xét",
        Introduction | Decision | RecognitionDecision | StrikeOffDecision => "Ngày",
    }
}

fn vote_fields(kind: StepKind, i: &StepInput) -> Vec<Field> {
    vec![
        Field::date("on", on_label(kind), &i.on).required(),
        Field::text("official_members", "Số đảng viên chính thức của chi bộ", &i.official_members)
            .required()
            .hint("Đảng viên dự bị không biểu quyết."),
        Field::text("present", "Số đảng viên chính thức có mặt", &i.present).required(),
        Field::text("in_favour", "Số tán thành", &i.in_favour).required(),
        Field::text("against", "Số không tán thành", &i.against).required(),
    ]
}

const INTRODUCER_LABELS: [[&str; 4]; 2] = [
    [
        "Mã số đảng viên giới thiệu thứ nhất",
        "Ngày giấy giới thiệu của người thứ nhất",
        "Người thứ nhất cùng công tác, học tập hoặc cư trú từ ngày",
        "Quan hệ của người thứ nhất với người vào Đảng",
    ],
    [
        "Mã số đảng viên giới thiệu thứ hai",
        "Ngày giấy giới thiệu của người thứ hai",
        "Người thứ hai cùng công tác, học tập hoặc cư trú từ ngày",
        "Quan hệ của người thứ hai với người vào Đảng",
    ],
];

fn introducer_fields(n: usize, [id, on, since, together]: [&'static str; 4], values: [&str; 6]) -> Vec<Field> {
    let name = |f: &str| format!("introducer{n}_{f}");
    vec![
        Field::text(name("member_id"), id, values[0])
            .hint("Đảng viên chính thức trong phạm vi bạn quản lý; mã số là số cuối địa chỉ trang hồ sơ (/members/…)."),
        Field::text(name("name"), "Hoặc: họ và tên (đảng viên ở tổ chức khác)", values[4]),
        Field::text(name("card"), "và số thẻ đảng viên của người đó", values[5])
            .hint("Người giới thiệu ở tổ chức khác: nhập cả họ tên và số thẻ (8 chữ số), để trống mã số."),
        Field::date(name("on"), on, values[1]),
        Field::date(name("since"), since, values[2]),
        Field::select(
            name("together"),
            together,
            values[3],
            Some("— Chọn —"),
            [("cong-tac", "Cùng công tác"), ("hoc-tap", "Cùng học tập"), ("cu-tru", "Cùng cư trú")],
        ),
    ]
}

fn decision_fields(i: &StepInput) -> Vec<Field> {
    vec![
        Field::text("decision_number", "Số quyết định", &i.decision_number).required().hint("Ví dụ 123-QĐ/ĐU."),
        Field::date("decision_date", "Ngày ký quyết định", &i.decision_date).required(),
        Field::text("issuer", "Cơ quan ban hành", &i.issuer).required().hint("Ví dụ Ban Thường vụ Đảng ủy xã An Phú."),
        Field::text("signer", "Người ký", &i.signer).required(),
    ]
}

/// Only the fields the kind of step records.
fn step_sections(kind: StepKind, i: &StepInput) -> Vec<Section> {
    use StepKind::*;
    let on = || Field::date("on", on_label(kind), &i.on).required();
    let text = |label: &'static str| Field::textarea("text", label, &i.text).required();
    let number = |label: &'static str| Field::text("number", label, &i.number).required();
    let fields = match kind {
        Application | Autobiography | Opinions | DocumentsRenewed | DecisionReceived | Ceremony | SelfReview | HelperComment
        | ProbationOpinions => vec![on()],
        VerificationRequest => vec![on(), text("Nơi gửi thẩm tra")],
        VerificationResult => vec![
            on(),
            Field::select(
                "clear",
                "Kết quả",
                &i.clear,
                Some("— Chọn —"),
                [("co", "Lý lịch rõ ràng, đủ điều kiện"), ("khong", "Có vấn đề cần làm rõ")],
            )
            .required(),
            text("Kết luận thẩm tra"),
        ],
        Extension => vec![on(), text("Lý do gia hạn")],
        Closed => vec![on(), text("Lý do ngừng xem xét")],
        GrassrootsResolution | RecognitionResolution => vec![on(), number("Số nghị quyết")],
        NewMemberClass => vec![on(), number("Số giấy chứng nhận")],
        ChiBoVote => vote_fields(kind, i),
        RecognitionVote => {
            let mut f = vec![
                Field::select(
                    "proposal",
                    "Chi bộ đề nghị",
                    &i.proposal,
                    Some("— Chọn —"),
                    codes(RecognitionProposal::ALL, RecognitionProposal::code, RecognitionProposal::label),
                )
                .required(),
            ];
            f.extend(vote_fields(kind, i));
            f
        }
        Decision | RecognitionDecision | StrikeOffDecision => decision_fields(i),
        Introduction => {
            return vec![
                Section::new(
                    "Hình thức giới thiệu",
                    vec![
                        Field::select(
                            "mode",
                            "Hình thức giới thiệu",
                            &i.mode,
                            Some("— Chọn —"),
                            codes(IntroductionMode::ALL, IntroductionMode::code, IntroductionMode::label),
                        )
                        .required(),
                        Field::date("resolution_on", "Ngày nghị quyết giới thiệu của Ban Chấp hành", &i.resolution_on)
                            .hint("Chỉ khi Đoàn hoặc Công đoàn cơ sở giới thiệu (dd/mm/yyyy)."),
                    ],
                ),
                Section::new(
                    "Đảng viên giới thiệu thứ nhất",
                    introducer_fields(
                        1,
                        INTRODUCER_LABELS[0],
                        [
                            &i.introducer1_member_id,
                            &i.introducer1_on,
                            &i.introducer1_since,
                            &i.introducer1_together,
                            &i.introducer1_name,
                            &i.introducer1_card,
                        ],
                    ),
                ),
                Section::new(
                    "Đảng viên giới thiệu thứ hai (chỉ khi hai đảng viên giới thiệu)",
                    introducer_fields(
                        2,
                        INTRODUCER_LABELS[1],
                        [
                            &i.introducer2_member_id,
                            &i.introducer2_on,
                            &i.introducer2_since,
                            &i.introducer2_together,
                            &i.introducer2_name,
                            &i.introducer2_card,
                        ],
                    ),
                ),
            ];
        }
    };
    vec![Section::new(kind.label(), fields)]
}

#[allow(clippy::too_many_arguments)]
fn step_page(
    chrome: Chrome,
    d: &CaseDetail,
    kind: StepKind,
    input: &StepInput,
    version: i64,
    errors: &ValidationErrors,
    conflict: bool,
    allowed: bool,
) -> StepFormPage {
    let mut sections = step_sections(kind, input);
    let summary = forms::attach_errors(&mut sections, errors);
    StepFormPage {
        chrome: chrome.titled(format!("{}: {}", kind.label(), d.candidate.identity.full_name)),
        heading: kind.label(),
        case_name: d.candidate.identity.full_name.to_string(),
        case_href: case_href(d.id),
        stage: d.stage.label(),
        action: format!("/admission/cases/{}/steps/new?kind={}", d.id, kind.code()),
        version,
        kind: kind.code(),
        sections,
        summary,
        conflict,
        allowed,
        decision: kind.is_decision(),
        in_order: d.next_steps.contains(&kind),
    }
}

async fn may_record(desk: &AdmissionDesk<'_>, d: &CaseDetail, kind: StepKind) -> bool {
    if kind.is_decision() { desk.may_decide(d.candidate.unit).await } else { desk.may_file(d.candidate.unit).await }
}

/// `GET /admission/cases/{id}/steps/new?kind=`.
async fn step_form(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Query(q): Query<KindParam>) -> Result<Response, AppError> {
    let desk = s.admission()?;
    let d = desk.case(id).await?;
    let kind = parse_kind(&q.kind)?;
    let allowed = may_record(&desk, &d, kind).await;
    let input = StepInput { kind: kind.code().to_owned(), ..Default::default() };
    page(&step_page(chrome, &d, kind, &input, d.version, &ValidationErrors::default(), false, allowed))
}

/// `POST /admission/cases/{id}/steps/new`: records the step after every check of the rules.
async fn record_step(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Query(q): Query<KindParam>,
    Form(mut form): Form<StepForm>,
) -> Result<Response, AppError> {
    let desk = s.admission()?;
    if form.input.kind.trim().is_empty() {
        form.input.kind = q.kind.clone();
    }
    // Authorized before the form is read: someone who may not record this step gets 403 (404
    // outside the read scope), never the form's field errors.
    desk.require_step(id, StepKind::parse(&form.input.kind).ok()).await?;
    let d = desk.case(id).await?;
    let kind = parse_kind(&form.input.kind)?;
    let version: i64 = form.version.trim().parse().map_err(|_| AppError::bad_request("Thiếu phiên bản của hồ sơ."))?;
    let refused = match form.input.parse() {
        Ok(data) => match desk.record_step(d.id, version, data).await {
            Ok(_) => return Ok(see_other(&format!("{}#buoc", case_href(d.id)))),
            Err(e) => forms::refusal(e)?,
        },
        Err(e) => Refusal::Invalid(e),
    };
    let allowed = may_record(&desk, &d, kind).await;
    if refused.is_conflict() {
        let fresh = desk.case(d.id).await?;
        let view = step_page(chrome, &fresh, kind, &form.input, fresh.version, &refused.errors(), true, allowed);
        return render(StatusCode::CONFLICT, &view);
    }
    render(StatusCode::UNPROCESSABLE_ENTITY, &step_page(chrome, &d, kind, &form.input, version, &refused.errors(), false, allowed))
}

// --- the worklist ------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WorklistParams {
    unit: String,
    urgency: String,
}

struct WorkRow {
    case_href: String,
    name: String,
    unit: Link,
    stage: &'static str,
    what: &'static str,
    due: String,
    actor: &'static str,
    badge: Badge,
    source: &'static str,
}

#[derive(Template)]
#[template(path = "admission_worklist.html")]
struct WorklistPage {
    chrome: Chrome,
    unit: Option<Link>,
    today: String,
    open_cases: String,
    counts: Vec<UrgencyCount>,
    all_href: String,
    filtered: Option<&'static str>,
    rows: Vec<WorkRow>,
    overview: String,
}

/// `GET /admission/worklist?unit=&urgency=`: what is due, soonest first ("Việc cần làm").
async fn worklist(s: Caller, chrome: Chrome, Query(p): Query<WorklistParams>) -> Result<Response, AppError> {
    let today = s.today();
    let unit = query_unit(&p.unit)?;
    let urgency = parse_urgency(&p.urgency)?;
    let unit_link = match unit {
        Some(u) => {
            let d = s.reader()?.unit(u, today).await?;
            Some(Link { href: board_href(u), label: d.as_of.unwrap_or(d.latest).name })
        }
        None => None,
    };
    let list = s.admission()?.worklist(&CaseQuery { unit, ..CaseQuery::new(today) }).await?;
    let rows = list
        .items
        .iter()
        .filter(|i| urgency.is_none_or(|u| i.urgency == u))
        .map(|i| WorkRow {
            case_href: case_href(i.case),
            name: i.full_name.clone(),
            unit: Link { href: board_href(i.unit), label: i.unit_name.clone() },
            stage: i.stage.label(),
            what: i.item.label,
            due: format::date(i.item.due),
            actor: actor_label(i.item.actor),
            badge: badge(i.urgency),
            source: i.item.source,
        })
        .collect();
    let view = WorklistPage {
        chrome: chrome.titled("Việc cần làm: phát triển đảng viên"),
        unit: unit_link,
        today: format::date(today),
        open_cases: format::count(list.open_cases),
        counts: urgency_counts(unit, list.overdue, list.soon, list.later, urgency),
        all_href: worklist_href(unit, None),
        filtered: urgency.map(Urgency::label),
        rows,
        overview: overview_href(unit),
    };
    page(&view)
}

// --- targets -----------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TargetParams {
    unit: String,
    year: String,
    saved: String,
}

struct CellView {
    target: String,
    admitted: String,
    percent: String,
}

struct TargetRowView {
    is_root: bool,
    name: String,
    href: String,
    kind: &'static str,
    total: CellView,
    groups: Vec<CellView>,
    anniversary: String,
}

struct TargetInputView {
    id: String,
    name: String,
    label: &'static str,
    value: String,
}

/// A year of the year selector.
struct YearOption {
    year: i32,
    selected: bool,
}

/// The form that sets one unit's targets.
struct TargetFormView {
    unit_id: i64,
    name: String,
    inputs: Vec<TargetInputView>,
}

#[derive(Template)]
#[template(path = "admission_targets.html")]
struct TargetsPage {
    chrome: Chrome,
    unit_id: i64,
    name: String,
    year: i32,
    filters: Vec<Field>,
    years: Vec<YearOption>,
    shape_on: String,
    up: Option<Link>,
    group_labels: Vec<&'static str>,
    rows: Vec<TargetRowView>,
    zero: Vec<Link>,
    anniversaries: Vec<(String, String)>,
    readmissions: String,
    by_source: Vec<(&'static str, String)>,
    forms: Vec<TargetFormView>,
    notice: Option<String>,
    errors: Vec<String>,
    overview: String,
    worklist: String,
}

fn parse_year(raw: &str, today: NaiveDate) -> Result<i32, AppError> {
    query::param("year", query::parse_year(raw, today))
}

fn cell_view(c: &TargetCell) -> CellView {
    CellView {
        target: c.target.map_or_else(|| "—".to_owned(), |t| format::number(u64::from(t))),
        admitted: format::number(u64::from(c.admitted)),
        percent: c.target.map(|t| format::percent(c.admitted as usize, t as usize)).unwrap_or_default(),
    }
}

fn row_view(r: &TargetRow, year: i32, is_root: bool) -> TargetRowView {
    TargetRowView {
        is_root,
        name: r.unit.name.clone(),
        href: targets_href(r.unit.id, Some(year)),
        kind: r.unit.kind.label(),
        total: cell_view(&r.total),
        groups: TargetGroup::ALL
            .iter()
            .map(|g| r.groups.iter().find(|(x, _)| x == g).map_or(cell_view(&TargetCell::new(None, 0)), |(_, c)| cell_view(c)))
            .collect(),
        anniversary: format::number(u64::from(r.anniversary)),
    }
}

fn target_field(group: Option<TargetGroup>) -> String {
    group.map_or_else(|| "target".to_owned(), |g| format!("target_{}", g.code()))
}

fn target_form(r: &TargetRow, typed: Option<&[(String, String)]>) -> TargetFormView {
    let value = |group: Option<TargetGroup>, cell: Option<&TargetCell>| {
        let name = target_field(group);
        match typed {
            Some(t) => t.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()).unwrap_or_default(),
            None => cell.and_then(|c| c.target).map(|t| t.to_string()).unwrap_or_default(),
        }
    };
    let mut inputs = vec![TargetInputView {
        id: format!("t-{}-total", r.unit.id),
        name: target_field(None),
        label: "Tổng số",
        value: value(None, Some(&r.total)),
    }];
    inputs.extend(TargetGroup::ALL.iter().map(|g| TargetInputView {
        id: format!("t-{}-{}", r.unit.id, g.code()),
        name: target_field(Some(*g)),
        label: g.label(),
        value: value(Some(*g), r.groups.iter().find(|(x, _)| x == g).map(|(_, c)| c)),
    }));
    TargetFormView { unit_id: r.unit.id.0, name: r.unit.name.clone(), inputs }
}

/// The targets page of `root` for `year`; `typed` keeps what was posted for one unit's form.
#[allow(clippy::too_many_arguments)]
async fn targets_view(
    s: &Access,
    chrome: Chrome,
    root: UnitId,
    year: i32,
    notice: Option<String>,
    errors: Vec<String>,
    typed: Option<(UnitId, &[(String, String)])>,
) -> Result<TargetsPage, AppError> {
    let today = s.today();
    let desk = s.admission()?;
    let report = desk.targets(root, year).await?;
    let roots = s.reader()?.children(None, today).await?;
    let may_decide = desk.may_decide(root).await;
    let up = match report.root.unit.parent_id {
        Some(p) if s.may_read_unit(p).await => {
            Some(Link { href: targets_href(p, Some(year)), label: "Lên tổ chức cấp trên".to_owned() })
        }
        _ => None,
    };
    let typed_for = |u: UnitId| typed.filter(|(t, _)| *t == u).map(|(_, v)| v);
    let forms = if may_decide {
        std::iter::once(&report.root).chain(report.children.iter()).map(|r| target_form(r, typed_for(r.unit.id))).collect()
    } else {
        Vec::new()
    };
    let this_year = today.year();
    Ok(TargetsPage {
        chrome: chrome.titled(format!("Chỉ tiêu kết nạp năm {year}: {}", report.root.unit.name)),
        unit_id: root.0,
        name: report.root.unit.name.clone(),
        year,
        filters: vec![unit_chooser(&roots, Some((root, report.root.unit.name.as_str())), None)],
        years: ((this_year - 5).min(year)..=(this_year + 1).max(year)).rev().map(|y| YearOption { year: y, selected: y == year }).collect(),
        shape_on: format::date(report.shape_on),
        up,
        group_labels: TargetGroup::ALL.iter().map(|g| g.label()).collect(),
        rows: std::iter::once(row_view(&report.root, year, true)).chain(report.children.iter().map(|r| row_view(r, year, false))).collect(),
        zero: report.zero_admission.iter().map(|u| Link { href: targets_href(u.id, Some(year)), label: u.name.clone() }).collect(),
        anniversaries: report.anniversaries.iter().map(|(l, n)| (l.clone(), format::number(u64::from(*n)))).collect(),
        readmissions: format::number(u64::from(report.readmissions)),
        by_source: report.open_candidates_by_source.iter().map(|(src, n)| (src.label(), format::count(*n))).collect(),
        forms,
        notice,
        errors,
        overview: overview_href(Some(root)),
        worklist: worklist_href(Some(root), None),
    })
}

/// `GET /admission/targets?unit=&year=`: targets and admissions of a unit and the units under it.
async fn targets(s: Caller, chrome: Chrome, Query(p): Query<TargetParams>) -> Result<Response, AppError> {
    let today = s.today();
    let year = parse_year(&p.year, today)?;
    let root = match query_unit(&p.unit)? {
        Some(u) => u,
        None => match s.reader()?.children(None, today).await?.first() {
            Some(r) => r.unit.id,
            // Nothing to show: the overview explains what the person may see.
            None => return Ok(see_other("/admission")),
        },
    };
    let notice = match crate::query::parse_optional_unit(&p.saved) {
        Ok(Some(_)) => Some("Đã lưu chỉ tiêu.".to_owned()),
        _ => None,
    };
    page(&targets_view(&s, chrome, root, year, notice, Vec::new(), None).await?)
}

/// A target as typed: empty removes it.
fn parse_target(raw: &str) -> Result<Option<u32>, ()> {
    let cleaned: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    cleaned.parse::<u32>().ok().filter(|v| *v <= 100_000).map(Some).ok_or(())
}

/// `POST /admission/targets` (unit, year, target, target_<group>, back): sets a unit's targets
/// for a year; an empty box removes the target. Only what changed is written.
async fn set_targets(s: Caller, chrome: Chrome, Form(fields): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str());
    // Authorized before the form is read: who sets targets nowhere is refused outright, and for
    // the unit named before any target typed is checked.
    let desk = s.admission()?;
    if !desk.decides_anywhere() {
        return Err(AppError::forbidden());
    }
    let unit = domain::event::parse_unit_id(get("unit")).map_err(|_| AppError::bad_request("Thiếu tổ chức cần đặt chỉ tiêu."))?;
    desk.require_deciding_in(unit).await?;
    if get("year").trim().is_empty() {
        return Err(AppError::bad_request("Thiếu năm của chỉ tiêu."));
    }
    let year = parse_year(get("year"), s.today())?;
    let back = crate::query::parse_optional_unit(get("back")).ok().flatten().unwrap_or(unit);
    let groups: Vec<Option<TargetGroup>> = std::iter::once(None).chain(TargetGroup::ALL.iter().map(|g| Some(*g))).collect();
    let mut wanted = Vec::new();
    let mut errors = Vec::new();
    for g in &groups {
        match parse_target(get(&target_field(*g))) {
            Ok(t) => wanted.push((*g, t)),
            Err(()) => errors
                .push(format!("{}: chỉ tiêu phải là số nguyên không âm (để trống để bỏ chỉ tiêu).", g.map_or("Tổng số", |g| g.label()))),
        }
    }
    let current = desk.targets(unit, year).await?;
    if errors.is_empty() {
        for (group, target) in wanted {
            let now = match group {
                None => current.root.total.target,
                Some(g) => current.root.groups.iter().find(|(x, _)| *x == g).and_then(|(_, c)| c.target),
            };
            if now == target {
                continue;
            }
            if let Err(e) = desk.set_target(unit, year, group, target).await {
                errors.extend(forms::messages(forms::invalid(e)?));
            }
        }
    }
    if errors.is_empty() {
        let to = format!(
            "/admission/targets{}",
            format::query_string(&[("unit", &back.to_string()), ("year", &year.to_string()), ("saved", &unit.to_string())])
        );
        return Ok(see_other(&to));
    }
    let errors = errors.into_iter().map(|e| format!("{}: {e}", current.root.unit.name)).collect();
    let view = targets_view(&s, chrome, back, year, None, errors, Some((unit, fields.as_slice()))).await?;
    render(StatusCode::UNPROCESSABLE_ENTITY, &view)
}

/// The admission block of a unit page: open cases, the worklist counts, the board.
pub(crate) struct UnitAdmission {
    pub open_cases: String,
    pub board_href: String,
    pub counts: Vec<UrgencyCount>,
}

/// The unit's admission block, for those who may read the unit (today's view only).
pub(crate) async fn unit_admission(s: &Caller, unit: UnitId) -> Result<UnitAdmission, AppError> {
    let mut q = storage::CaseQuery::new(s.today());
    q.unit = Some(unit);
    let list = s.admission()?.worklist(&q).await?;
    Ok(UnitAdmission {
        open_cases: format::count(list.open_cases),
        board_href: format!("/units/{}/admission", unit.0),
        counts: urgency_counts(Some(unit), list.overdue, list.soon, list.later, None),
    })
}
