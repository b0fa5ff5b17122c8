//! Transfers of party activity (chuyển sinh hoạt đảng, docs/design/transfers.md):
//! - `/members/{id}/transfer`: the sending side issues the letter (official or temporary, to a
//!   unit of the register picked by name with its path, or to an organization outside it);
//! - `/transfers/{id}`: the transfer with its deadlines and what is late, and the steps this
//!   person may take on their side (presented, accepted into a chi bộ, refused; cancelled, the
//!   return slip from outside; the return of a temporary transfer);
//! - `/members/{id}/transfer/receive`: a member back from outside the register;
//! - `print`: the letter and the return slip to print; `book`: the unit's transfer book.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;

use domain::access::Capability;
use domain::dates::parse_date;
use domain::event::{EventKindCode, TransferMode, UnitRef};
use domain::ids::{MemberId, UnitId};
use domain::transfers::{Letter, Outcome, Route, TemporaryReason, TransferPlan};
use domain::{ValidationErrors, error::FieldError};
use storage::access::{Access, Acting, TransferActions, TransferDesk};
use storage::{ScopeTarget, StoreError, TransferView};

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId};
use crate::format;
use crate::forms::{self, Field, Section, SummaryItem};
use crate::pages::Link;
use crate::pages::directives::unit_label;
use crate::policy::{Policy, Route as PageRoute};
use crate::respond::{page, render, see_other};
use crate::session::Caller;

mod book;
mod print;

pub use book::csv_of;

pub fn routes() -> Vec<PageRoute> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![
        PageRoute::get("/members/{id}/transfer", Policy::Needs(Capability::WriteRegister), issue_form),
        PageRoute::post("/members/{id}/transfer", Policy::Needs(Capability::WriteRegister), issue),
        PageRoute::get("/members/{id}/transfer/receive", Policy::Needs(Capability::WriteRegister), receive_form),
        PageRoute::post("/members/{id}/transfer/receive", Policy::Needs(Capability::WriteRegister), receive),
        PageRoute::get("/transfers/{id}", read, show),
        PageRoute::get("/transfers/{id}/letter", read, print::letter),
        PageRoute::get("/transfers/{id}/slip", read, print::slip),
        PageRoute::post("/transfers/{id}/present", read, present),
        PageRoute::post("/transfers/{id}/accept", read, accept),
        PageRoute::post("/transfers/{id}/refuse", read, refuse),
        PageRoute::post("/transfers/{id}/cancel", read, cancel),
        PageRoute::post("/transfers/{id}/close", read, close),
        PageRoute::post("/transfers/{id}/return", read, return_home),
        PageRoute::get("/units/{id}/transfers", read, book::book),
    ]
}

fn get<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

pub(super) fn transfer_href(id: i64) -> String {
    format!("/transfers/{id}")
}

/// A date typed in a form, its error under `field`.
fn typed_date(e: &mut ValidationErrors, field: &str, label: &str, typed: &str, required: bool) -> Option<NaiveDate> {
    if typed.trim().is_empty() {
        if required {
            e.push(field, "required", format!("{label}: chưa ghi."));
        }
        return None;
    }
    match parse_date(typed) {
        Ok(d) => Some(d),
        Err(err) => {
            e.errors.push(FieldError { field: field.into(), message: format!("{label}: {}", err.message), ..err });
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The letter's form.

#[derive(Template)]
#[template(path = "transfer_form.html")]
struct IssueForm {
    chrome: Chrome,
    member: MemberId,
    member_name: String,
    unit: String,
    summary: Vec<SummaryItem>,
    sections: Vec<Section>,
    /// The picker offers any unit of the tree as the destination of a transfer out.
    kind: &'static str,
}

fn issue_sections(f: &[(String, String)]) -> Vec<Section> {
    let v = |n: &str| get(f, n).to_owned();
    let modes = forms::codes(TransferMode::ALL, TransferMode::code, TransferMode::label);
    let reasons = forms::codes(TemporaryReason::ALL, TemporaryReason::code, TemporaryReason::label);
    let outside: Vec<(&str, &str)> = Route::ALL.iter().filter(|r| r.is_outside()).map(|r| (r.code(), r.label())).collect();
    vec![
        Section::new(
            "Hình thức",
            vec![
                Field::select("mode", "Hình thức chuyển", &v("mode"), None, modes).required(),
                Field::select("temporary_reason", "Lý do sinh hoạt tạm thời", &v("temporary_reason"), Some("—"), reasons)
                    .hint("Chỉ ghi khi chuyển tạm thời: thay đổi nơi ở, nơi làm việc từ 3 tháng đến dưới 1 năm; đi học tập trung từ 3 tháng đến 2 năm."),
                Field::date("until", "Sinh hoạt tạm thời đến ngày", &v("until")),
            ],
        ),
        Section::new(
            "Nơi đến",
            vec![
                Field::unit("to_unit_id", "Tổ chức đảng trong hệ thống", &v("to_unit_id"))
                    .hint("Chi bộ, hoặc đảng bộ sẽ phân công về chi bộ. Gõ tên hoặc mã rồi chọn trong danh sách gợi ý."),
                Field::text("to_outside", "Hoặc tổ chức đảng ngoài hệ thống", &v("to_outside"))
                    .hint("Ghi tên khi nơi đến không có trong hệ thống (tỉnh khác, nước ngoài, hệ thống khác)."),
                Field::select("route", "Nơi đến ngoài hệ thống thuộc", &v("route"), Some("—"), outside),
            ],
        ),
        Section::new(
            "Giấy giới thiệu",
            vec![
                Field::text("letter_number", "Số giấy giới thiệu", &v("letter_number")).required().hint("Số trong sổ cấp giấy giới thiệu (số GTSHĐ), ví dụ 15/GTSHĐ."),
                Field::date("letter_date", "Ngày cấp", &v("letter_date")).required(),
                Field::text("letter_issuer", "Cấp ủy cấp giấy", &v("letter_issuer")).required(),
                Field::textarea("cause", "Lý do, căn cứ", &v("cause")).required().hint("Quyết định điều động, nghỉ hưu, thay đổi nơi cư trú…"),
                Field::date("cause_on", "Ngày quyết định (hoặc thay đổi nơi ở) có hiệu lực", &v("cause_on"))
                    .hint("Chuyển chính thức phải làm trong 60 ngày làm việc kể từ ngày này."),
            ],
        ),
    ]
}

/// What the letter's form says, as the rules read it.
fn typed_plan(f: &[(String, String)]) -> Result<TransferPlan, ValidationErrors> {
    let mut e = ValidationErrors::default();
    let mode = e.take("mode", TransferMode::parse(get(f, "mode")));
    let temporary_reason = match get(f, "temporary_reason").trim() {
        "" => None,
        code => e.take("temporary_reason", TemporaryReason::parse(code)),
    };
    let to = match (get(f, "to_unit_id").trim().parse::<i64>().ok(), get(f, "to_outside").trim()) {
        (Some(u), "") => Some(UnitRef::Internal(UnitId(u))),
        (None, name) if !name.is_empty() => Some(UnitRef::External(name.to_owned())),
        (None, _) if !get(f, &format!("to_unit_id{}", crate::picker::TEXT_SUFFIX)).trim().is_empty() => {
            e.push("to_unit_id", "not_found", "Không tìm thấy tổ chức đã gõ.");
            None
        }
        _ => {
            e.push(
                "to_unit_id",
                "one_destination",
                "Chọn một tổ chức trong hệ thống, hoặc ghi tên tổ chức ngoài hệ thống (không ghi cả hai).",
            );
            None
        }
    };
    let route = match get(f, "route").trim() {
        "" => Some(Route::WithinRegister),
        code => e.take("route", Route::parse(code)),
    };
    let letter_date = typed_date(&mut e, "letter_date", "Ngày cấp", get(f, "letter_date"), true);
    let until = typed_date(&mut e, "until", "Sinh hoạt tạm thời đến ngày", get(f, "until"), false);
    let cause_on = typed_date(&mut e, "cause_on", "Ngày quyết định có hiệu lực", get(f, "cause_on"), false);
    match (mode, to, route, letter_date) {
        (Some(mode), Some(to), Some(route), Some(date)) if e.is_empty() => Ok(TransferPlan {
            mode,
            temporary_reason,
            from: UnitRef::Internal(UnitId(0)),
            to,
            route,
            letter: Letter { number: get(f, "letter_number").to_owned(), date, issuer: get(f, "letter_issuer").to_owned() },
            until,
            cause: get(f, "cause").to_owned(),
            cause_on,
        }),
        _ => Err(e),
    }
}

async fn issue_page(
    s: &Access,
    chrome: Chrome,
    member: MemberId,
    typed: &[(String, String)],
    errors: &ValidationErrors,
) -> Result<IssueForm, AppError> {
    let d = s.reader()?.member(member).await?;
    let home = d.history.spans.last().and_then(|sp| sp.unit.internal());
    let unit = home.map(|u| unit_label(s, u, &d.unit_name(u))).unwrap_or_default();
    let mut sections = issue_sections(typed);
    let summary = forms::attach_errors(&mut sections, errors);
    Ok(IssueForm {
        chrome: chrome.titled(format!("Chuyển sinh hoạt đảng: {}", d.identity.full_name)),
        member,
        member_name: d.identity.full_name.to_string(),
        unit,
        summary,
        sections,
        kind: EventKindCode::TransferredOut.code(),
    })
}

/// `GET /members/{id}/transfer`: the form, the letter's day today and its issuer the committee
/// above the member's chi bộ.
async fn issue_form(s: Caller, chrome: Chrome, PathId(member): PathId<MemberId>) -> Result<Response, AppError> {
    let desk = s.transfers()?;
    if !desk.may_issue(member).await {
        return Err(StoreError::Forbidden.into());
    }
    let d = s.reader()?.member(member).await?;
    // The committee directly above the member's chi bộ, to be corrected when another signs.
    let issuer = match d.history.spans.last().and_then(|sp| sp.unit.internal()) {
        Some(u) => s.reader()?.unit(u, s.today()).await.ok().and_then(|v| v.path.last().map(|a| a.name.clone())).unwrap_or_default(),
        None => String::new(),
    };
    let typed = vec![
        ("mode".to_owned(), TransferMode::Official.code().to_owned()),
        ("letter_date".to_owned(), format::date(s.today())),
        ("letter_issuer".to_owned(), issuer),
    ];
    page(&issue_page(&s, chrome, member, &typed, &ValidationErrors::default()).await?)
}

/// `POST /members/{id}/transfer`.
async fn issue(
    s: Caller,
    chrome: Chrome,
    PathId(member): PathId<MemberId>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.transfers()?;
    let result = match typed_plan(&fields) {
        Ok(plan) => desk.issue(member, plan).await.map_err(forms::invalid),
        Err(e) => Err(Ok(e)),
    };
    match result {
        Ok(id) => Ok(see_other(&transfer_href(id))),
        Err(e) => {
            let errors = e?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &issue_page(&s, chrome, member, &fields, &errors).await?)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Back from outside the register (abroad, another province).

#[derive(Template)]
#[template(path = "transfer_receive.html")]
struct ReceiveForm {
    chrome: Chrome,
    member: MemberId,
    member_name: String,
    summary: Vec<SummaryItem>,
    sections: Vec<Section>,
}

fn receive_sections(f: &[(String, String)]) -> Vec<Section> {
    let v = |n: &str| get(f, n).to_owned();
    let outside: Vec<(&str, &str)> = Route::ALL.iter().filter(|r| r.is_outside()).map(|r| (r.code(), r.label())).collect();
    vec![
        Section::new(
            "Nơi giới thiệu",
            vec![
                Field::text("from_outside", "Tổ chức đảng giới thiệu", &v("from_outside")).required(),
                Field::select("route", "Thuộc", &v("route"), None, outside).required(),
                Field::text("letter_number", "Số giấy giới thiệu", &v("letter_number")).required(),
                Field::date("letter_date", "Ngày cấp", &v("letter_date")).required(),
                Field::text("letter_issuer", "Cấp ủy cấp giấy", &v("letter_issuer")).required(),
                Field::textarea("cause", "Lý do", &v("cause")).required(),
            ],
        ),
        Section::new(
            "Tiếp nhận",
            vec![
                Field::unit("unit_id", "Chi bộ tiếp nhận", &v("unit_id")).required(),
                Field::date("on", "Ngày tiếp nhận", &v("on")).required(),
            ],
        ),
    ]
}

async fn receive_page(
    s: &Access,
    chrome: Chrome,
    member: MemberId,
    typed: &[(String, String)],
    errors: &ValidationErrors,
) -> Result<ReceiveForm, AppError> {
    let d = s.reader()?.member(member).await?;
    let mut sections = receive_sections(typed);
    let summary = forms::attach_errors(&mut sections, errors);
    Ok(ReceiveForm {
        chrome: chrome.titled(format!("Tiếp nhận trở lại: {}", d.identity.full_name)),
        member,
        member_name: d.identity.full_name.to_string(),
        summary,
        sections,
    })
}

/// `GET /members/{id}/transfer/receive`: a member gone outside the register comes back.
async fn receive_form(s: Caller, chrome: Chrome, PathId(member): PathId<MemberId>) -> Result<Response, AppError> {
    // Offered on the record only once the member has gone outside the register; opened
    // otherwise, its answer says why nothing can be received.
    s.transfers()?.require_issue(member).await?;
    let typed = vec![("on".to_owned(), format::date(s.today())), ("route".to_owned(), Route::Abroad.code().to_owned())];
    page(&receive_page(&s, chrome, member, &typed, &ValidationErrors::default()).await?)
}

/// `POST /members/{id}/transfer/receive`.
async fn receive(
    s: Caller,
    chrome: Chrome,
    PathId(member): PathId<MemberId>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.transfers()?;
    desk.require_issue(member).await?;
    let mut e = ValidationErrors::default();
    let route = e.take("route", Route::parse(get(&f, "route")));
    let letter_date = typed_date(&mut e, "letter_date", "Ngày cấp", get(&f, "letter_date"), true);
    let on = typed_date(&mut e, "on", "Ngày tiếp nhận", get(&f, "on"), true);
    let unit = get(&f, "unit_id").trim().parse::<i64>().ok().map(UnitId);
    if unit.is_none() {
        e.push("unit_id", "required", "Chọn chi bộ tiếp nhận.");
    }
    let result = match (route, letter_date, on, unit) {
        (Some(route), Some(date), Some(on), Some(unit)) if e.is_empty() => {
            let plan = TransferPlan {
                mode: TransferMode::Official,
                temporary_reason: None,
                from: UnitRef::External(get(&f, "from_outside").to_owned()),
                to: UnitRef::Internal(unit),
                route,
                letter: Letter { number: get(&f, "letter_number").to_owned(), date, issuer: get(&f, "letter_issuer").to_owned() },
                until: None,
                cause: get(&f, "cause").to_owned(),
                cause_on: None,
            };
            desk.receive(member, plan, unit, on).await.map_err(forms::invalid)
        }
        _ => Err(Ok(e)),
    };
    match result {
        Ok(id) => Ok(see_other(&transfer_href(id))),
        Err(e) => render(StatusCode::UNPROCESSABLE_ENTITY, &receive_page(&s, chrome, member, &f, &e?).await?),
    }
}

// ---------------------------------------------------------------------------------------------
// The transfer's page.

/// A line of facts.
struct Fact {
    label: &'static str,
    value: String,
    href: String,
}

async fn side_link(s: &Access, side: &storage::SideView) -> (String, String) {
    match side.unit {
        Some(u) => {
            let l = Link::unit(s, u, "", unit_label(s, u, &side.name)).await;
            (l.label, l.href)
        }
        None => (format!("{} (ngoài hệ thống)", side.name), String::new()),
    }
}

async fn facts(s: &Access, t: &TransferView) -> Vec<Fact> {
    let mut out = Vec::new();
    let mut push = |label, value: String, href: String| out.push(Fact { label, value, href });
    let member =
        Link::if_allowed(s, "/members/{id}", Some(ScopeTarget::Member(t.member)), format!("/members/{}", t.member), t.full_name.clone())
            .await;
    push("Đảng viên", member.label, member.href);
    push("Hình thức", t.mode_label.clone(), String::new());
    if let Some(r) = t.temporary_reason {
        push("Lý do sinh hoạt tạm thời", r.label().to_owned(), String::new());
    }
    push("Phạm vi", t.route_label.clone(), String::new());
    let (from, from_href) = side_link(s, &t.from).await;
    push("Nơi chuyển đi", from, from_href);
    let (to, to_href) = side_link(s, &t.to).await;
    push("Nơi chuyển đến", to, to_href);
    if let Some(a) = &t.answering {
        let (name, href) = side_link(s, a).await;
        push("Nay thuộc (sau sắp xếp tổ chức)", name, href);
    }
    push("Giấy giới thiệu", format!("Số {} ngày {} — {}", t.letter_number, format::date(t.letter_date), t.letter_issuer), String::new());
    push("Giá trị đến hết ngày", format::date(t.deadlines.present_by), String::new());
    if let Some(u) = t.until {
        push("Sinh hoạt tạm thời đến ngày", format::date(u), String::new());
    }
    push("Lý do, căn cứ", t.cause.clone(), String::new());
    if let Some(c) = t.cause_on {
        let late = if t.started_late { " — chậm quá 60 ngày làm việc" } else { "" };
        push("Quyết định có hiệu lực", format!("{}{late}", format::date(c)), String::new());
    }
    if let Some(p) = t.presented_on {
        push("Đảng viên nộp giấy", format::date(p), String::new());
    }
    if let Some(a) = t.deadlines.answer_by.filter(|_| t.stage.pending()) {
        let label = if t.to.unit.is_some() { "Hạn nơi nhận trả lời" } else { "Hạn nhận phiếu báo" };
        push(label, format::date(a), String::new());
    }
    match &t.outcome {
        Some(Outcome::Accepted { on, .. }) => {
            let into = match &t.accepted_into {
                Some(a) => side_link(s, a).await.0,
                None => String::new(),
            };
            push("Tiếp nhận", format!("{} vào {into}", format::date(*on)), String::new());
        }
        Some(Outcome::Refused { on, reason }) => push("Từ chối", format!("{}: {reason}", format::date(*on)), String::new()),
        Some(Outcome::Cancelled { on, reason }) => push("Hủy giấy", format!("{}: {reason}", format::date(*on)), String::new()),
        Some(Outcome::Closed { on, slip }) => push("Phiếu báo", format!("{}: {slip}", format::date(*on)), String::new()),
        None => {}
    }
    if let Some(r) = t.returned_on {
        push("Trở về sinh hoạt", format::date(r), String::new());
    }
    out
}

#[derive(Template)]
#[template(path = "transfer.html")]
struct TransferPage {
    chrome: Chrome,
    t: TransferView,
    facts: Vec<Fact>,
    late: Option<String>,
    actions: TransferActions,
    accept: Option<Section>,
    errors: Vec<String>,
    today: String,
    letter_href: Option<String>,
    /// The book of a side this person reads (the sender's, else the receiver's).
    book_href: Option<String>,
    slip_href: Option<String>,
    /// A discipline in force that the receiving chi bộ carries on (69-QĐ/TW art. 2.5).
    discipline: Option<String>,
}

impl TransferPage {
    fn any_action(&self) -> bool {
        let a = &self.actions;
        a.present || a.accept || a.refuse || a.cancel || a.close || a.return_home
    }
}

async fn transfer_page(
    s: &Access,
    chrome: Chrome,
    id: i64,
    typed: &[(String, String)],
    errors: Vec<String>,
) -> Result<TransferPage, AppError> {
    let desk = s.transfers()?;
    let t = desk.transfer(id).await?;
    let actions = desk.actions(&t).await;
    let accept = actions.accept.then(|| {
        // The letter's unit when it is a chi bộ (or the one it became); else the receiver picks.
        let answering = t.answering.as_ref().unwrap_or(&t.to);
        let default = answering.unit.filter(|_| answering.cell).map(|u| u.to_string()).unwrap_or_default();
        let value = if get(typed, "unit_id").is_empty() { default } else { get(typed, "unit_id").to_owned() };
        Section::new("", vec![Field::unit("unit_id", "Chi bộ tiếp nhận", &value).required()])
    });
    let late = t.late.map(|l| format!("{} (hạn {})", l.kind.label(), format::date(l.due)));
    let letter_href = (t.from.unit.is_some()).then(|| format!("/transfers/{id}/letter"));
    let mut book_href = None;
    let receiving = t.accepted_into.as_ref().or(t.answering.as_ref()).unwrap_or(&t.to);
    for u in [t.from.unit, receiving.unit].into_iter().flatten() {
        if crate::policy::may_open(s, "/units/{id}/transfers", Some(ScopeTarget::Unit(u))).await {
            book_href = Some(format!("/units/{u}/transfers"));
            break;
        }
    }
    let slip_href = matches!(t.outcome, Some(Outcome::Accepted { .. })).then(|| format!("/transfers/{id}/slip"));
    // A discipline in force goes with the member (read only by those who read the member).
    let discipline = match s.discipline() {
        Ok(desk) if s.may_on_member(domain::access::Capability::ReadRegister, t.member).await => {
            desk.member(t.member).await.unwrap_or_default().into_iter().find(|d| d.standing.in_force()).map(|d| {
                let until = match d.standing {
                    domain::discipline::Standing::Running { ends_on } => format!(", tự chấm dứt hiệu lực từ {}", format::date(ends_on)),
                    domain::discipline::Standing::Held => ", giữ hiệu lực đến khi có quyết định mới".to_string(),
                    _ => String::new(),
                };
                format!(
                    "Đảng viên đang chấp hành kỷ luật {} (công bố {}{until}); chi bộ nơi đến tiếp tục theo dõi thời hạn.",
                    d.row.form.label().to_lowercase(),
                    format::date(d.row.announced_on)
                )
            })
        }
        _ => None,
    };
    Ok(TransferPage {
        discipline,
        chrome: chrome.titled(format!("Chuyển sinh hoạt: {}", t.full_name)),
        facts: facts(s, &t).await,
        late,
        actions,
        accept,
        errors,
        today: format::date(s.today()),
        letter_href,
        book_href,
        slip_href,
        t,
    })
}

/// `GET /transfers/{id}`.
async fn show(s: Caller, chrome: Chrome, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    page(&transfer_page(&s, chrome, id, &[], Vec::new()).await?)
}

/// What a step's form sent: the version and the day.
fn version_and_day(f: &[(String, String)]) -> Result<(i64, NaiveDate), ValidationErrors> {
    let mut e = ValidationErrors::default();
    let version = get(f, "version").trim().parse::<i64>().ok();
    if version.is_none() {
        e.push("version", "required", "Thiếu phiên bản của bản ghi; tải lại trang rồi làm lại.");
    }
    let on = typed_date(&mut e, "on", "Ngày", get(f, "on"), true);
    match (version, on) {
        (Some(v), Some(d)) if e.is_empty() => Ok((v, d)),
        _ => Err(e),
    }
}

/// A step on a transfer, as a form posts it.
enum Step {
    Present,
    Accept(Option<UnitId>),
    Refuse(String),
    Cancel(String),
    Close(String),
    Return,
}

impl Step {
    fn side(&self) -> Acting {
        match self {
            Step::Present | Step::Accept(_) | Step::Refuse(_) => Acting::Receiving,
            Step::Cancel(_) | Step::Close(_) => Acting::Sending,
            Step::Return => Acting::Either,
        }
    }

    async fn run(self, desk: &TransferDesk<'_>, id: i64, version: i64, on: NaiveDate) -> Result<(), StoreError> {
        match self {
            Step::Present => desk.present(id, version, on).await,
            Step::Accept(Some(unit)) => desk.accept(id, version, unit, on).await,
            Step::Accept(None) => Err(StoreError::invalid("unit_id", "required", "Chọn chi bộ tiếp nhận.")),
            Step::Refuse(reason) => desk.refuse(id, version, on, reason).await,
            Step::Cancel(reason) => desk.cancel(id, version, on, reason).await,
            Step::Close(slip) => desk.close(id, version, on, slip).await,
            Step::Return => desk.return_home(id, version, on).await,
        }
    }
}

/// Runs a step for the side that takes it (403 for the other side, 404 outside, before the form
/// is read); a refusal shows the transfer's page again with the problems.
async fn step(s: Caller, chrome: Chrome, id: i64, fields: Vec<(String, String)>, step: Step) -> Result<Response, AppError> {
    let desk = s.transfers()?;
    desk.require_acting(id, step.side()).await?;
    let result = match version_and_day(&fields) {
        Ok((version, on)) => step.run(&desk, id, version, on).await.map_err(forms::refusal),
        Err(e) => Err(Ok(forms::Refusal::Invalid(e))),
    };
    match result {
        Ok(()) => Ok(see_other(&transfer_href(id))),
        Err(refusal) => {
            let refusal = refusal?;
            let status = refusal.status();
            let errors = if refusal.is_conflict() {
                vec!["Người khác đã cập nhật việc chuyển sinh hoạt này trước bạn; xem lại rồi làm lại.".to_owned()]
            } else {
                forms::messages(refusal.errors())
            };
            render(status, &transfer_page(&s, chrome, id, &fields, errors).await?)
        }
    }
}

async fn present(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(f): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    step(s, chrome, id, f, Step::Present).await
}

async fn accept(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(f): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let unit = get(&f, "unit_id").trim().parse::<i64>().ok().map(UnitId);
    step(s, chrome, id, f, Step::Accept(unit)).await
}

async fn refuse(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(f): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let reason = get(&f, "reason").to_owned();
    step(s, chrome, id, f, Step::Refuse(reason)).await
}

async fn cancel(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(f): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let reason = get(&f, "reason").to_owned();
    step(s, chrome, id, f, Step::Cancel(reason)).await
}

async fn close(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(f): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let slip = get(&f, "slip").to_owned();
    step(s, chrome, id, f, Step::Close(slip)).await
}

async fn return_home(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    step(s, chrome, id, f, Step::Return).await
}

/// The link to the letter's form on a member's page, when this person may issue one.
pub(crate) async fn issue_href(s: &Access, member: MemberId) -> Option<String> {
    match s.transfers() {
        Ok(desk) if desk.may_issue(member).await => Some(format!("/members/{member}/transfer")),
        _ => None,
    }
}
