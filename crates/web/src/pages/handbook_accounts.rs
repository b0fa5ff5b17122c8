//! `/units/{id}/handbook-accounts`: handbook accounts of the members of a subtree
//! (docs/design/handbook.md) — who has one, who activated it, whose code waits or expired; the
//! button that creates the missing ones; the activation slips to print, one per member, grouped
//! by chi bộ. Codes are shown once, on the slips the POST answers (never on a page that can be
//! opened again), and a new code voids the one before.

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use domain::access::Capability;
use domain::ids::{MemberId, UnitId};
use storage::{AccountState, IssuedCode};

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId};
use crate::format;
use crate::pages::directives::unit_label;
use crate::policy::{Policy, Route};
use crate::respond::page;
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![
        Route::get("/units/{id}/handbook-accounts", read, show),
        Route::post("/units/{id}/handbook-accounts", read, create),
        Route::post("/units/{id}/handbook-accounts/codes", read, codes),
        Route::post("/members/{id}/handbook-account/reset", read, reset),
    ]
}

/// A state in words and its badge class.
pub(crate) fn state_words(state: &AccountState) -> (String, &'static str) {
    match state {
        AccountState::None => ("Chưa có tài khoản".to_owned(), "later"),
        AccountState::Waiting { expires_at } => {
            (format!("Chờ kích hoạt (mã hết hạn {})", format::date(storage::vietnam_today(*expires_at))), "soon")
        }
        AccountState::CodeExpired => ("Mã kích hoạt đã hết hạn: cấp mã mới".to_owned(), "overdue"),
        AccountState::Active => ("Đã kích hoạt".to_owned(), "ok"),
        AccountState::Disabled => ("Tài khoản bị khóa".to_owned(), "later"),
    }
}

struct MemberRow {
    name: String,
    href: String,
    status: &'static str,
    username: String,
    state: String,
    class: &'static str,
}

struct ChiBoRow {
    name: String,
    members: usize,
    with_account: usize,
    active: usize,
    waiting: usize,
    rows: Vec<MemberRow>,
}

#[derive(Template)]
#[template(path = "handbook_accounts.html")]
struct AccountsPage {
    chrome: Chrome,
    unit: UnitId,
    unit_label: String,
    total: usize,
    without: usize,
    exempt_without: usize,
    not_active: usize,
    cells: Vec<ChiBoRow>,
}

/// `GET /units/{id}/handbook-accounts`.
async fn show(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>) -> Result<Response, AppError> {
    let desk = s.handbook_accounts()?;
    let roster = desk.roster(unit).await?;
    let label = unit_label(&s, unit, "");
    let mut cells = Vec::new();
    let (mut total, mut without, mut exempt_without, mut not_active) = (0, 0, 0, 0);
    for c in roster {
        let none = |st: &AccountState| matches!(st, AccountState::None);
        total += c.members.len();
        without += c.members.iter().filter(|m| none(&m.state) && m.status != domain::history::Status::Exempt).count();
        exempt_without += c.members.iter().filter(|m| none(&m.state) && m.status == domain::history::Status::Exempt).count();
        let waiting = c.count(|st| matches!(st, AccountState::Waiting { .. } | AccountState::CodeExpired));
        not_active += waiting;
        let rows = c
            .members
            .iter()
            .map(|m| {
                let (state, class) = state_words(&m.state);
                MemberRow {
                    name: m.full_name.clone(),
                    href: format!("/members/{}", m.member),
                    status: m.status.label(),
                    username: m.username.clone().unwrap_or_default(),
                    state,
                    class,
                }
            })
            .collect();
        cells.push(ChiBoRow {
            with_account: c.count(|st| !none(st)),
            active: c.count(|st| matches!(st, AccountState::Active)),
            waiting,
            members: c.members.len(),
            name: c.name,
            rows,
        });
    }
    page(&AccountsPage {
        chrome: chrome.titled(format!("Tài khoản Sổ tay đảng viên: {label}")),
        unit,
        unit_label: label,
        total,
        without,
        exempt_without,
        not_active,
        cells,
    })
}

struct Slip {
    name: String,
    unit_name: String,
    username: String,
    code: String,
    expires: String,
    /// The first slip of a chi bộ starts a new printed page.
    first_of_unit: bool,
}

#[derive(Template)]
#[template(path = "activation_slips.html")]
struct SlipsPage {
    chrome: Chrome,
    back: String,
    heading: String,
    slips: Vec<Slip>,
    site: String,
}

/// The slips of codes just issued: printed, never cached.
fn slips(chrome: Chrome, headers: &HeaderMap, back: String, heading: String, issued: Vec<IssuedCode>) -> Result<Response, AppError> {
    // Where the member goes: this site's address as the browser reached it.
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let site = format!("{host}/activate");
    let mut last = None;
    let slips = issued
        .into_iter()
        .map(|i| {
            let first_of_unit = last != Some(i.unit);
            last = Some(i.unit);
            Slip {
                name: i.full_name,
                unit_name: i.unit_name,
                username: i.username,
                code: i.code.grouped(),
                expires: format::date(storage::vietnam_today(i.expires_at)),
                first_of_unit,
            }
        })
        .collect();
    let mut res = page(&SlipsPage { chrome: chrome.titled("Phiếu kích hoạt Sổ tay đảng viên"), back, heading, slips, site })?;
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res.into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CreateForm {
    include_exempt: String,
}

/// `POST /units/{id}/handbook-accounts` (include_exempt): creates the missing accounts of the
/// subtree and answers their slips.
async fn create(
    s: Caller,
    chrome: Chrome,
    headers: HeaderMap,
    PathId(unit): PathId<UnitId>,
    Form(f): Form<CreateForm>,
) -> Result<Response, AppError> {
    let desk = s.handbook_accounts()?;
    desk.require_unit(unit).await?;
    let created = desk.create(unit, !f.include_exempt.is_empty()).await?;
    let mut heading = format!("Đã tạo {} tài khoản.", format::count(created.issued.len()));
    if created.existing > 0 {
        heading.push_str(&format!(" {} đảng viên đã có tài khoản từ trước (giữ nguyên).", format::count(created.existing)));
    }
    if created.exempt_left > 0 {
        heading.push_str(&format!(" {} đảng viên miễn sinh hoạt chưa được tạo (không chọn).", format::count(created.exempt_left)));
    }
    slips(chrome, &headers, format!("/units/{unit}/handbook-accounts"), heading, created.issued)
}

/// `POST /units/{id}/handbook-accounts/codes`: new codes for every account of the subtree not
/// activated yet (the slips before stop working).
async fn codes(s: Caller, chrome: Chrome, headers: HeaderMap, PathId(unit): PathId<UnitId>) -> Result<Response, AppError> {
    let desk = s.handbook_accounts()?;
    let issued = desk.codes_for_unit(unit).await?;
    let heading =
        format!("Đã cấp {} mã kích hoạt mới; các mã cấp trước của những tài khoản này không còn dùng được.", format::count(issued.len()));
    slips(chrome, &headers, format!("/units/{unit}/handbook-accounts"), heading, issued)
}

/// `POST /members/{id}/handbook-account/reset`: a new code for one member (their password, if
/// set, no longer works: a forgotten password).
async fn reset(s: Caller, chrome: Chrome, headers: HeaderMap, PathId(member): PathId<MemberId>) -> Result<Response, AppError> {
    let desk = s.handbook_accounts()?;
    let issued = desk.reset(member).await?;
    let heading = "Đã cấp mã kích hoạt mới. Mật khẩu cũ (nếu có) không còn dùng được; đảng viên đặt mật khẩu mới bằng mã này.".to_owned();
    slips(chrome, &headers, format!("/members/{member}"), heading, vec![issued])
}

/// The overview of a unit's handbook accounts, when this person creates them there.
pub(crate) async fn href(s: &Caller, unit: UnitId) -> Option<String> {
    let desk = s.handbook_accounts().ok()?;
    desk.require_unit(unit).await.ok().map(|()| format!("/units/{unit}/handbook-accounts"))
}

/// A member's handbook account on their record, for those who issue its codes.
pub(crate) struct AccountSection {
    pub state: String,
    pub class: &'static str,
    pub username: String,
    /// The button that issues a new code (none without an account).
    pub button: Option<&'static str>,
}

pub(crate) async fn account_section(s: &Caller, member: MemberId) -> Option<AccountSection> {
    let desk = s.handbook_accounts().ok()?;
    let state = desk.state(member).await.ok()?;
    let (words, class) = state_words(&state);
    let button = match state {
        AccountState::None | AccountState::Disabled => None,
        AccountState::Active => Some("Cấp lại mật khẩu (mã kích hoạt mới)"),
        AccountState::Waiting { .. } | AccountState::CodeExpired => Some("Cấp mã kích hoạt mới"),
    };
    let username = desk.username(member).await.ok().flatten().unwrap_or_default();
    Some(AccountSection { state: words, class, username, button })
}
