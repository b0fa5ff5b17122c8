//! `/units/{id}/committee`: a unit's elected committee ("Cấp ủy", docs/design/operations.md
//! "Committees") as of a day — who holds which post since when and on which decision, the seats
//! ended or to come — with, for the organization board, the form that seats a member (picked by
//! name, party card or citizen ID among the unit's official members, each shown with their chi
//! bộ and the path above it) and the form that ends a seat.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;

use domain::committees::{MAX_BASIS, SeatInput};
use domain::dates::parse_date;
use domain::history::Status;
use domain::ids::{MemberId, UnitId};
use domain::text::required_text;
use storage::access::Access;
use storage::{MemberQuery, ScopeTarget, SeatView, StatusFilter, StoreError};

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, Query};
use crate::format;
use crate::forms::{self, Refusal};
use crate::pages::Link;
use crate::pages::directives::unit_label;
use crate::policy::{Policy, Route};
use crate::query::{param, parse_query_date};
use crate::respond::{page, render, see_other};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(domain::access::Capability::ReadRegister);
    vec![
        Route::get("/units/{id}/committee", read, show),
        Route::post("/units/{id}/committee", read, add),
        Route::post("/committee/seats/{id}/end", read, end),
        Route::post("/committee/seats/{id}/remove", read, remove),
    ]
}

/// The most candidates listed when a typed name matches several members.
const CANDIDATES: usize = 12;

fn get<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

fn committee_href(unit: UnitId) -> String {
    format!("/units/{unit}/committee")
}

/// A seat as a row.
struct SeatRow {
    id: i64,
    version: i64,
    member: Link,
    role: String,
    period: String,
    basis: String,
    /// Held (not ended): the board may end it.
    open: bool,
}

async fn seat_row(s: &Access, v: &SeatView) -> SeatRow {
    let member =
        Link::if_allowed(s, "/members/{id}", Some(ScopeTarget::Member(v.member)), format!("/members/{}", v.member), v.full_name.clone())
            .await;
    let period = match v.until {
        Some(u) => format!("{} – {}", format::date(v.from), format::date(u.pred_opt().unwrap_or(u))),
        None => format!("Từ {}", format::date(v.from)),
    };
    let basis = match &v.end_basis {
        Some(e) => format!("{}; thôi: {e}", v.basis),
        None => v.basis.clone(),
    };
    SeatRow { id: v.id, version: v.version, member, role: v.role_label.clone(), period, basis, open: v.until.is_none() }
}

/// A member offered when the typed text matched several.
struct Candidate {
    id: MemberId,
    label: String,
}

#[derive(Template)]
#[template(path = "committee.html")]
struct CommitteePage {
    chrome: Chrome,
    unit: UnitId,
    unit_label: String,
    on: String,
    seated: Vec<SeatRow>,
    others: Vec<SeatRow>,
    /// The posts the unit has (none: a party group).
    roles: Vec<(&'static str, &'static str)>,
    may_change: bool,
    meetings_href: Option<String>,
    typed: Vec<(String, String)>,
    candidates: Vec<Candidate>,
    errors: Vec<String>,
    today: String,
}

impl CommitteePage {
    fn typed(&self, name: &str) -> &str {
        get(&self.typed, name)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OnParams {
    on: String,
}

async fn committee_page(
    s: &Access,
    chrome: Chrome,
    unit: UnitId,
    on: NaiveDate,
    typed: Vec<(String, String)>,
    candidates: Vec<Candidate>,
    errors: Vec<String>,
) -> Result<CommitteePage, AppError> {
    let desk = s.committees()?;
    let view = desk.committee(unit, on).await?;
    let may_change = desk.may_change(unit).await && !view.roles.is_empty();
    let mut seated = Vec::new();
    for v in &view.seated {
        seated.push(seat_row(s, v).await);
    }
    let mut others = Vec::new();
    for v in &view.others {
        others.push(seat_row(s, v).await);
    }
    let meetings_href =
        crate::policy::may_open(s, "/meetings", None).await.then(|| format::href("/meetings", &[("unit", &unit.to_string())]));
    Ok(CommitteePage {
        chrome: chrome.titled(format!("Cấp ủy: {}", view.unit_name)),
        unit,
        unit_label: unit_label(s, unit, &view.unit_name),
        on: format::date(on),
        seated,
        others,
        roles: view.roles.iter().map(|r| (r.code(), r.label_in(view.kind))).collect(),
        may_change,
        meetings_href,
        typed,
        candidates,
        errors,
        today: format::date(s.today()),
    })
}

/// `GET /units/{id}/committee?on=`.
async fn show(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>, Query(p): Query<OnParams>) -> Result<Response, AppError> {
    let on = param("on", parse_query_date(&p.on))?.unwrap_or_else(|| s.today());
    page(&committee_page(&s, chrome, unit, on, Vec::new(), Vec::new(), Vec::new()).await?)
}

/// What the typed member text names among the unit's official members on `on`: one member, or
/// the candidates to choose from, or nothing (with the reason).
enum Picked {
    One(MemberId),
    Several(Vec<Candidate>),
    None(String),
}

async fn pick_member(s: &Access, unit: UnitId, typed: &str, on: NaiveDate) -> Result<Picked, AppError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(Picked::None("Nhập họ tên, số thẻ đảng viên hoặc số CCCD của người được bầu, chỉ định.".to_owned()));
    }
    let mut q = MemberQuery::new(on);
    q.q = typed.to_owned();
    q.unit = Some(unit);
    q.status = StatusFilter::Only(Status::Official);
    q.per_page = CANDIDATES;
    let found = s.reader()?.find_members(&q).await?;
    match found.items.as_slice() {
        [] => Ok(Picked::None(format!("Không có đảng viên chính thức nào của tổ chức vào ngày {} khớp với “{typed}”.", format::date(on)))),
        [one] => Ok(Picked::One(one.id)),
        many => {
            let mut out = Vec::new();
            for m in many {
                let place = m.unit_id.map(|u| unit_label(s, u, m.unit_name.as_deref().unwrap_or_default())).unwrap_or_default();
                out.push(Candidate { id: m.id, label: format!("{} (sinh {}) — {place}", m.full_name, format::date(m.birth_date)) });
            }
            Ok(Picked::Several(out))
        }
    }
}

/// `POST /units/{id}/committee` (member text or member_id, role, from, basis).
async fn add(
    s: Caller,
    chrome: Chrome,
    PathId(unit): PathId<UnitId>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.committees()?;
    desk.require_change(unit).await?;
    let today = s.today();
    let from = parse_date(get(&fields, "from"));
    let chosen = get(&fields, "member_id").trim().parse::<i64>().ok().map(MemberId);
    let picked = match (chosen, &from) {
        (Some(m), _) => Picked::One(m),
        (None, Ok(day)) => pick_member(&s, unit, get(&fields, "member"), *day).await?,
        (None, Err(_)) => pick_member(&s, unit, get(&fields, "member"), today).await?,
    };
    let result = match (picked, from) {
        (Picked::Several(candidates), _) => {
            let errors = vec![format!("Có {} người khớp: chọn một người trong danh sách.", candidates.len())];
            let view = committee_page(&s, chrome, unit, today, fields, candidates, errors).await?;
            return render(StatusCode::UNPROCESSABLE_ENTITY, &view);
        }
        (Picked::None(why), _) => Err(StoreError::invalid("member", "required", why)),
        (Picked::One(_), Err(mut e)) => {
            e.field = "from".into();
            e.message = format!("Ngày bắt đầu giữ chức: {}", e.message);
            Err(StoreError::Invalid(domain::ValidationErrors { errors: vec![e] }))
        }
        (Picked::One(member), Ok(day)) => match optional_date(get(&fields, "until"), "until", "Ngày thôi giữ chức") {
            Err(e) => Err(e),
            Ok(until) => match SeatInput::parse(member, get(&fields, "role"), day, until, get(&fields, "basis")) {
                Ok(input) => desk.add(unit, input).await,
                Err(e) => Err(StoreError::Invalid(e)),
            },
        },
    };
    match result {
        Ok(_) => Ok(see_other(&committee_href(unit))),
        Err(e) => {
            let errors = forms::messages(forms::invalid(e)?);
            render(StatusCode::UNPROCESSABLE_ENTITY, &committee_page(&s, chrome, unit, today, fields, Vec::new(), errors).await?)
        }
    }
}

/// An optional date typed in a form (blank: none), its error on `field`.
fn optional_date(typed: &str, field: &str, label: &str) -> Result<Option<NaiveDate>, StoreError> {
    if typed.trim().is_empty() {
        return Ok(None);
    }
    parse_date(typed).map(Some).map_err(|mut e| {
        e.field = field.into();
        e.message = format!("{label}: {}", e.message);
        StoreError::Invalid(domain::ValidationErrors { errors: vec![e] })
    })
}

/// After a seat was ended or removed: back to the committee, or the committee with why not.
async fn after_seat_change(s: &Access, chrome: Chrome, unit: UnitId, result: Result<(), StoreError>) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(see_other(&committee_href(unit))),
        Err(e) => {
            let refusal = forms::refusal(e)?;
            let status = refusal.status();
            let errors = match refusal {
                Refusal::Conflict { .. } => vec!["Chức vụ này vừa được người khác cập nhật: xem lại rồi ghi lại.".to_owned()],
                Refusal::Invalid(e) => forms::messages(e),
            };
            render(status, &committee_page(s, chrome, unit, s.today(), Vec::new(), Vec::new(), errors).await?)
        }
    }
}

/// `POST /committee/seats/{id}/end` (version, until, basis).
async fn end(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(fields): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let desk = s.committees()?;
    let unit = desk.seat_unit(id).await?;
    desk.require_change(unit).await?;
    let version: i64 = get(&fields, "version").trim().parse().map_err(|_| AppError::bad_request(forms::VERSION_REQUIRED))?;
    let until = parse_date(get(&fields, "until")).map_err(|mut e| {
        e.field = "until".into();
        e.message = format!("Ngày thôi giữ chức: {}", e.message);
        e
    });
    let basis = required_text(get(&fields, "end_basis"), MAX_BASIS, "Căn cứ thôi giữ chức");
    let result = match (until, basis) {
        (Ok(until), Ok(basis)) => desk.end(id, version, until, basis).await,
        (Err(e), _) | (_, Err(e)) => Err(StoreError::Invalid(domain::ValidationErrors { errors: vec![e] })),
    };
    after_seat_change(&s, chrome, unit, result).await
}

/// `POST /committee/seats/{id}/remove` (version, reason): a seat entered by mistake.
async fn remove(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.committees()?;
    let unit = desk.seat_unit(id).await?;
    desk.require_change(unit).await?;
    let version: i64 = get(&fields, "version").trim().parse().map_err(|_| AppError::bad_request(forms::VERSION_REQUIRED))?;
    let result = match required_text(get(&fields, "reason"), MAX_BASIS, "Lý do xóa") {
        Ok(reason) => desk.remove(id, version, reason).await,
        Err(mut e) => {
            e.field = "reason".into();
            Err(StoreError::Invalid(domain::ValidationErrors { errors: vec![e] }))
        }
    };
    after_seat_change(&s, chrome, unit, result).await
}
