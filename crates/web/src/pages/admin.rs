//! Administration: accounts and their grants, and the audit trail (list, CSV export, chain check).
//! Every route needs [`Capability::Administer`].

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use domain::ValidationErrors;
use domain::access::{Capability, Grant, Role};
use domain::ids::MemberId;
use serde::Deserialize;
use storage::access::Access;
use storage::{Account, AccountChange, AuditEntry, AuditQuery, NewAccount, StoreError};

use super::account::{RoleView, hash_password};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, PathIds, Query};
use crate::format;
use crate::forms::{self, Field, Refusal, Section, SummaryItem};
use crate::policy::{Policy, Route};
use crate::respond::{page, render, see_other};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let admin = Policy::Needs(Capability::Administer);
    vec![
        Route::get("/admin/accounts", admin, accounts),
        Route::get("/admin/accounts/new", admin, new_form),
        Route::post("/admin/accounts/new", admin, create),
        Route::get("/admin/accounts/{id}", admin, detail),
        Route::post("/admin/accounts/{id}/grants", admin, add_grant),
        Route::post("/admin/accounts/{id}/grants/{grant}/revoke", admin, revoke_grant),
        Route::post("/admin/accounts/{id}/reset-password", admin, reset_password),
        Route::post("/admin/accounts/{id}/disable", admin, disable),
        Route::post("/admin/accounts/{id}/enable", admin, enable),
        Route::post("/admin/accounts/{id}/reset-2fa", admin, reset_totp),
        Route::get("/admin/audit", admin, audit),
        Route::get("/admin/audit/verify", admin, verify),
        Route::get("/admin/audit.csv", admin, audit_csv),
    ]
}

/// Most accounts the list shows.
const LIST_LIMIT: usize = 200;
/// Audit entries per page.
const AUDIT_PAGE: usize = 100;
/// Most rows of a CSV export.
const CSV_MAX_ROWS: usize = 100_000;
/// Entries fetched at a time for the export.
const CSV_BATCH: usize = 5_000;

const CONFLICT_MESSAGE: &str = "Tài khoản vừa được người khác thay đổi nên thao tác chưa được thực hiện. Trang đã hiển thị thông tin mới nhất; hãy kiểm tra rồi làm lại.";

fn role_options() -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.code(), r.label())).collect()
}

const UNIT_HINT: &str = "Mã số tổ chức (gõ tên để được gợi ý). Để trống với vai trò Quản trị hệ thống và Đảng viên.";

/// Parses a role and its unit from a form (`role`, `unit`).
fn parse_grant(role: &str, unit: &str, errors: &mut ValidationErrors) -> Option<Grant> {
    let role = if role.trim().is_empty() {
        errors.push("role", "required", "Chọn vai trò.");
        None
    } else {
        errors.take("role", Role::parse(role.trim()))
    };
    let unit = errors.take("unit", crate::query::parse_optional_unit(unit));
    Some(Grant { role: role?, unit: unit? })
}

// --- account list ------------------------------------------------------------------------------------

struct AccountRow {
    href: String,
    username: String,
    display_name: String,
    roles: String,
    totp: bool,
    disabled: bool,
    must_change: bool,
}

#[derive(Template)]
#[template(path = "admin_accounts.html")]
struct AccountsPage {
    chrome: Chrome,
    q: String,
    rows: Vec<AccountRow>,
    truncated: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Search {
    q: String,
}

/// `GET /admin/accounts?q=`: accounts by user name or name.
async fn accounts(s: Caller, chrome: Chrome, Query(p): Query<Search>) -> Result<Response, AppError> {
    let admin = s.admin()?;
    let q = p.q.trim();
    if q.chars().count() > 100 {
        return Err(AppError::bad_query(ValidationErrors::single("q", "too_long", "Từ khóa tìm kiếm quá dài (tối đa 100 ký tự).")));
    }
    let found = admin.accounts(&q.to_lowercase(), LIST_LIMIT + 1).await?;
    let truncated = found.len() > LIST_LIMIT;
    let mut rows = Vec::with_capacity(found.len().min(LIST_LIMIT));
    let ids: Vec<i64> = found.iter().take(LIST_LIMIT).map(|a| a.id).collect();
    let grants = admin.grants_of(&ids).await?;
    for a in found.into_iter().take(LIST_LIMIT) {
        let roles = grants.iter().filter(|g| g.account_id == a.id).map(|g| RoleView::of(g).text()).collect::<Vec<_>>().join("; ");
        rows.push(AccountRow {
            href: format!("/admin/accounts/{}", a.id),
            username: a.username,
            display_name: a.display_name,
            roles,
            totp: a.totp_enrolled,
            disabled: a.disabled,
            must_change: a.must_change_password,
        });
    }
    page(&AccountsPage { chrome: chrome.titled("Tài khoản"), q: q.to_owned(), rows, truncated })
}

// --- new account -------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NewAccountForm {
    username: String,
    display_name: String,
    member: String,
    role: String,
    unit: String,
}

#[derive(Template)]
#[template(path = "admin_account_new.html")]
struct NewAccountPage {
    chrome: Chrome,
    sections: Vec<Section>,
    summary: Vec<SummaryItem>,
}

fn new_account_page(chrome: Chrome, f: &NewAccountForm, errors: &ValidationErrors) -> Result<Response, AppError> {
    let mut sections = vec![
        Section::new(
            "Tài khoản",
            vec![
                Field::text("username", "Tên đăng nhập", &f.username)
                    .required()
                    .hint("3–64 ký tự: chữ cái không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang; ví dụ nguyen.van.an."),
                Field::text("display_name", "Họ và tên", &f.display_name).required(),
                Field::text("member", "Mã số hồ sơ đảng viên", &f.member)
                    .hint("Không bắt buộc; số cuối địa chỉ trang hồ sơ (/members/…). Cần cho vai trò Đảng viên."),
            ],
        ),
        Section::new(
            "Vai trò đầu tiên",
            vec![
                Field::select("role", "Vai trò", &f.role, Some("— Chọn —"), role_options()).required(),
                Field::unit("unit", "Tổ chức phụ trách", &f.unit).hint(UNIT_HINT),
            ],
        )
        .note("Có thể thêm vai trò khác sau khi tạo tài khoản."),
    ];
    let summary = forms::attach_errors(&mut sections, errors);
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(status, &NewAccountPage { chrome: chrome.titled("Thêm tài khoản"), sections, summary })
}

/// `GET /admin/accounts/new`.
async fn new_form(s: Caller, chrome: Chrome) -> Result<Response, AppError> {
    s.admin()?;
    new_account_page(chrome, &NewAccountForm::default(), &ValidationErrors::default())
}

#[derive(Template)]
#[template(path = "admin_password.html")]
struct PasswordShownPage {
    chrome: Chrome,
    created: bool,
    username: String,
    display_name: String,
    password: String,
    account_href: String,
}

/// `POST /admin/accounts/new`: the account with its first grant and a generated password (shown
/// once; to be changed at the first login).
async fn create(s: Caller, chrome: Chrome, Form(f): Form<NewAccountForm>) -> Result<Response, AppError> {
    let admin = s.admin()?;
    let mut errors = ValidationErrors::default();
    if f.username.trim().is_empty() {
        errors.push("username", "required", "Nhập tên đăng nhập.");
    }
    if f.display_name.trim().is_empty() {
        errors.push("display_name", "required", "Nhập họ và tên người dùng.");
    }
    let member = if f.member.trim().is_empty() {
        None
    } else {
        match f.member.trim().parse::<i64>() {
            Ok(m) if m > 0 => Some(MemberId(m)),
            _ => {
                errors.push("member", "invalid_format", "Mã số hồ sơ đảng viên phải là số nguyên dương.");
                None
            }
        }
    };
    let grant = parse_grant(&f.role, &f.unit, &mut errors);
    let Some(grant) = grant.filter(|_| errors.is_empty()) else { return new_account_page(chrome, &f, &errors) };
    let password = auth::password::generate().map_err(|_| AppError::internal())?;
    let new = NewAccount {
        username: f.username.trim().to_owned(),
        display_name: f.display_name.trim().to_owned(),
        password_hash: hash_password(&password).await?,
        member,
        must_change_password: true,
        grants: vec![grant],
    };
    match admin.create_account(new).await {
        Ok(id) => {
            let account = admin.account(id).await?;
            let view = PasswordShownPage {
                chrome: chrome.titled("Đã tạo tài khoản"),
                created: true,
                username: account.username,
                display_name: account.display_name,
                password,
                account_href: format!("/admin/accounts/{id}"),
            };
            page(&view)
        }
        Err(e) => new_account_page(chrome, &f, &forms::invalid(e)?),
    }
}

// --- one account -------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin_account.html")]
struct AccountPage {
    chrome: Chrome,
    id: i64,
    username: String,
    display_name: String,
    member_href: Option<String>,
    member_id: Option<i64>,
    totp: bool,
    disabled: bool,
    must_change: bool,
    created: String,
    updated: String,
    version: i64,
    is_self: bool,
    grants: Vec<RoleView>,
    grant_fields: Vec<Field>,
    /// Problems of an action other than adding a grant (conflict, refusals).
    problems: Vec<String>,
    /// Problems of the add-grant form.
    grant_summary: Vec<SummaryItem>,
    notice: Option<&'static str>,
    audit_about_href: String,
    audit_by_href: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct GrantForm {
    role: String,
    unit: String,
}

/// What happened, shown after a redirect (`?done=`).
fn notice_for(code: &str) -> Option<&'static str> {
    match code {
        "grant_added" => Some("Đã cấp vai trò."),
        "grant_revoked" => Some("Đã thu hồi vai trò."),
        "disabled" => Some("Đã khóa tài khoản. Mọi phiên đăng nhập và mã truy cập của tài khoản không còn dùng được."),
        "enabled" => Some("Đã mở khóa tài khoản."),
        "totp_reset" => Some("Đã xóa xác thực hai lớp. Người dùng có thể đăng nhập bằng mật khẩu và cài đặt lại ứng dụng xác thực."),
        _ => None,
    }
}

#[derive(Default)]
struct DetailExtras {
    status: StatusCode,
    grant_form: GrantForm,
    grant_errors: ValidationErrors,
    problems: Vec<String>,
    notice: Option<&'static str>,
}

async fn detail_page(s: &Access, chrome: Chrome, id: i64, extras: DetailExtras) -> Result<Response, AppError> {
    let admin = s.admin()?;
    let a: Account = admin.account(id).await?;
    let grants = admin.grants(id).await?.iter().map(RoleView::of).collect();
    let grant_fields = vec![
        Field::select("role", "Vai trò", &extras.grant_form.role, Some("— Chọn —"), role_options()).required(),
        Field::unit("unit", "Tổ chức phụ trách", &extras.grant_form.unit).hint(UNIT_HINT),
    ];
    let mut sections = vec![Section::new("", grant_fields)];
    let grant_summary = forms::attach_errors(&mut sections, &extras.grant_errors);
    let grant_fields = sections.into_iter().flat_map(|s| s.fields).collect();
    let view = AccountPage {
        chrome: chrome.titled(format!("Tài khoản {}", a.username)),
        id: a.id,
        member_href: a.member.map(|m| format!("/members/{}", m.0)),
        member_id: a.member.map(|m| m.0),
        totp: a.totp_enrolled,
        disabled: a.disabled,
        must_change: a.must_change_password,
        created: format::instant(a.created_at),
        updated: format::instant(a.updated_at),
        version: a.version,
        is_self: a.id == s.principal().account_id,
        audit_about_href: format!("/admin/audit{}", format::query_string(&[("object_kind", "account"), ("object_id", &a.id.to_string())])),
        audit_by_href: format!("/admin/audit{}", format::query_string(&[("actor", &a.username)])),
        username: a.username,
        display_name: a.display_name,
        grants,
        grant_fields,
        problems: extras.problems,
        grant_summary,
        notice: extras.notice,
    };
    render(extras.status, &view)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Done {
    done: String,
}

/// `GET /admin/accounts/{id}`.
async fn detail(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Query(d): Query<Done>) -> Result<Response, AppError> {
    detail_page(&s, chrome, id, DetailExtras { notice: notice_for(&d.done), ..DetailExtras::default() }).await
}

/// The detail page again with the problem of an action (409 on a conflict, 422 when refused).
async fn action_failed(s: &Access, chrome: Chrome, id: i64, e: StoreError) -> Result<Response, AppError> {
    let refused = forms::refusal(e)?;
    let status = refused.status();
    let problems = match refused {
        Refusal::Conflict { .. } => vec![CONFLICT_MESSAGE.to_owned()],
        Refusal::Invalid(v) => forms::messages(v),
    };
    detail_page(s, chrome, id, DetailExtras { status, problems, ..DetailExtras::default() }).await
}

/// `POST /admin/accounts/{id}/grants` (`role`, `unit`).
async fn add_grant(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(f): Form<GrantForm>) -> Result<Response, AppError> {
    let admin = s.admin()?;
    admin.account(id).await?;
    let mut errors = ValidationErrors::default();
    let grant = parse_grant(&f.role, &f.unit, &mut errors);
    let errors = match grant.filter(|_| errors.is_empty()) {
        Some(g) => match admin.add_grant(id, g).await {
            Ok(_) => return Ok(see_other(&format!("/admin/accounts/{id}?done=grant_added"))),
            Err(e) => forms::invalid(e)?,
        },
        None => errors,
    };
    // "member" errors concern the account, not a field of this form: they go to the summary.
    let extras = DetailExtras { status: StatusCode::UNPROCESSABLE_ENTITY, grant_form: f, grant_errors: errors, ..DetailExtras::default() };
    detail_page(&s, chrome, id, extras).await
}

/// `POST /admin/accounts/{id}/grants/{grant}/revoke`.
async fn revoke_grant(s: Caller, chrome: Chrome, PathIds(id, grant): PathIds<i64, i64>) -> Result<Response, AppError> {
    match s.admin()?.revoke_grant(id, grant).await {
        Ok(()) => Ok(see_other(&format!("/admin/accounts/{id}?done=grant_revoked"))),
        Err(e) => action_failed(&s, chrome, id, e).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct VersionForm {
    version: String,
}

impl VersionForm {
    fn version(&self) -> Result<i64, AppError> {
        self.version.trim().parse::<i64>().map_err(|_| AppError::bad_request(crate::forms::VERSION_REQUIRED))
    }
}

/// Applies a change to an account at the version the page showed; then redirects with `done`.
async fn apply(s: &Access, chrome: Chrome, id: i64, change: AccountChange, done: &str) -> Result<Response, AppError> {
    match s.admin()?.change_account(id, change).await {
        Ok(()) => Ok(see_other(&format!("/admin/accounts/{id}?done={done}"))),
        Err(e) => action_failed(s, chrome, id, e).await,
    }
}

/// `POST /admin/accounts/{id}/reset-password`: a generated password, shown once, to be changed at
/// the next login; every session of the account ends.
async fn reset_password(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(f): Form<VersionForm>) -> Result<Response, AppError> {
    let version = f.version()?;
    let admin = s.admin()?;
    let account = admin.account(id).await?;
    let password = auth::password::generate().map_err(|_| AppError::internal())?;
    let hash = hash_password(&password).await?;
    match admin
        .change_account(id, AccountChange { expected_version: version, password: Some((hash, true)), ..AccountChange::default() })
        .await
    {
        Ok(()) => {
            let view = PasswordShownPage {
                chrome: chrome.titled("Đã cấp lại mật khẩu"),
                created: false,
                username: account.username,
                display_name: account.display_name,
                password,
                account_href: format!("/admin/accounts/{id}"),
            };
            page(&view)
        }
        Err(e) => action_failed(&s, chrome, id, e).await,
    }
}

/// `POST /admin/accounts/{id}/disable`.
async fn disable(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(f): Form<VersionForm>) -> Result<Response, AppError> {
    let change = AccountChange { expected_version: f.version()?, disabled: Some(true), ..AccountChange::default() };
    apply(&s, chrome, id, change, "disabled").await
}

/// `POST /admin/accounts/{id}/enable`.
async fn enable(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(f): Form<VersionForm>) -> Result<Response, AppError> {
    let change = AccountChange { expected_version: f.version()?, disabled: Some(false), ..AccountChange::default() };
    apply(&s, chrome, id, change, "enabled").await
}

/// `POST /admin/accounts/{id}/reset-2fa`: removes the second factor (a lost phone).
async fn reset_totp(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(f): Form<VersionForm>) -> Result<Response, AppError> {
    let change = AccountChange { expected_version: f.version()?, totp_secret: Some(None), ..AccountChange::default() };
    apply(&s, chrome, id, change, "totp_reset").await
}

// --- audit trail -------------------------------------------------------------------------------------

/// The filters of the audit page and export, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct AuditParams {
    actor: String,
    action: String,
    object_kind: String,
    object_id: String,
    from: String,
    to: String,
    before: String,
}

/// The action filters offered: prefixes (ending in '.') and a few single actions.
const ACTION_CHOICES: &[(&str, &str)] = &[
    ("read.", "Đọc hồ sơ"),
    ("member.", "Hồ sơ đảng viên"),
    ("event.", "Sự kiện"),
    ("unit.", "Tổ chức"),
    ("login.", "Đăng nhập"),
    ("logout", "Đăng xuất"),
    ("account.", "Tài khoản"),
    ("grant.", "Quyền"),
    ("token.", "Mã truy cập"),
];

const KIND_CHOICES: &[(&str, &str)] = &[("member", "Đảng viên"), ("unit", "Tổ chức"), ("account", "Tài khoản")];

/// A known action in words.
fn action_label(action: &str) -> Option<&'static str> {
    Some(match action {
        "read.member" => "Xem hồ sơ đảng viên",
        "read.members" => "Tra cứu danh sách đảng viên",
        "member.create" => "Thêm đảng viên",
        "member.update" => "Sửa hồ sơ đảng viên",
        "event.record" => "Ghi sự kiện",
        "event.correct" => "Đính chính sự kiện",
        "unit.create" => "Thành lập tổ chức",
        "unit.rename" => "Đổi tên tổ chức",
        "unit.move" => "Chuyển tổ chức trực thuộc",
        "unit.merge" => "Hợp nhất tổ chức",
        "unit.split" => "Chia tách tổ chức",
        "unit.dissolve" => "Giải thể tổ chức",
        "login.success" => "Đăng nhập thành công",
        "login.failure" => "Đăng nhập sai",
        "login.refused" => "Đăng nhập bị chặn",
        "login.password_ok" => "Đúng mật khẩu, chờ bước tiếp theo",
        "logout" => "Đăng xuất",
        "account.create" => "Tạo tài khoản",
        "account.update" => "Sửa tài khoản",
        "account.self_update" => "Tự sửa tài khoản",
        "grant.add" => "Cấp vai trò",
        "grant.revoke" => "Thu hồi vai trò",
        "token.create" => "Tạo mã truy cập",
        "token.revoke" => "Thu hồi mã truy cập",
        "data.generate" => "Sinh dữ liệu mẫu",
        _ => return None,
    })
}

fn plain_code(s: &str, max: usize, allow: impl Fn(char) -> bool) -> bool {
    !s.is_empty() && s.len() <= max && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || allow(c))
}

/// Start of a day in Vietnam (UTC+7) as an instant.
fn vietnam_midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc() - chrono::Duration::hours(7)
}

/// An instant as Vietnam time with seconds: `25/11/2026 10:00:05`.
fn vietnam_time(rfc3339: &str) -> String {
    match DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => (t.with_timezone(&Utc) + chrono::Duration::hours(7)).format("%d/%m/%Y %H:%M:%S").to_string(),
        Err(_) => rfc3339.to_owned(),
    }
}

impl AuditParams {
    /// The query (`before` = the page of older entries), or every problem with its field.
    fn parse(&self) -> Result<AuditQuery, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let text = |s: &str| Some(s.trim().to_owned()).filter(|v| !v.is_empty());
        let actor = text(&self.actor);
        if actor.as_ref().is_some_and(|a| a.chars().count() > 100) {
            e.push("actor", "too_long", "Người thực hiện: tối đa 100 ký tự.");
        }
        let action = text(&self.action);
        if action.as_ref().is_some_and(|a| !plain_code(a, 64, |c| matches!(c, '.' | '_'))) {
            e.push("action", "invalid", "Hành động không hợp lệ.");
        }
        let object_kind = text(&self.object_kind);
        if object_kind.as_ref().is_some_and(|k| !plain_code(k, 32, |c| c == '_')) {
            e.push("object_kind", "invalid", "Loại đối tượng không hợp lệ.");
        }
        let object_id = text(&self.object_id);
        if object_id.as_ref().is_some_and(|i| i.chars().count() > 100) {
            e.push("object_id", "too_long", "Mã đối tượng: tối đa 100 ký tự.");
        }
        let from = if self.from.trim().is_empty() { None } else { e.take("from", domain::dates::parse_date(&self.from)) };
        let to = if self.to.trim().is_empty() { None } else { e.take("to", domain::dates::parse_date(&self.to)) };
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            e.push("to", "before_from", "“Đến ngày” phải từ “Từ ngày” trở về sau.");
        }
        let before = self.before.trim();
        let before_seq = match before.parse::<i64>() {
            _ if before.is_empty() => None,
            Ok(n) if n > 0 => Some(n),
            _ => {
                e.push("before", "invalid_format", "Vị trí trang không hợp lệ.");
                None
            }
        };
        e.into_result()?;
        Ok(AuditQuery {
            actor,
            action,
            object_kind,
            object_id,
            from: from.map(vietnam_midnight),
            // The whole last day counts.
            to: to.map(|d| vietnam_midnight(d) + chrono::Duration::days(1)),
            before_seq,
            limit: AUDIT_PAGE,
        })
    }

    /// The query string of these filters, with `before` when given.
    fn query_string(&self, before: Option<i64>) -> String {
        let before = before.map(|b| b.to_string()).unwrap_or_default();
        format::query_string(&[
            ("actor", &self.actor),
            ("action", &self.action),
            ("object_kind", &self.object_kind),
            ("object_id", &self.object_id),
            ("from", &self.from),
            ("to", &self.to),
            ("before", &before),
        ])
    }

    fn fields(&self) -> Vec<Field> {
        let mut actions: Vec<(&str, &str)> = ACTION_CHOICES.to_vec();
        let action = self.action.trim();
        if !action.is_empty() && !actions.iter().any(|(v, _)| *v == action) {
            actions.push((action, action_label(action).unwrap_or(action)));
        }
        let mut kinds: Vec<(&str, &str)> = KIND_CHOICES.to_vec();
        let kind = self.object_kind.trim();
        if !kind.is_empty() && !kinds.iter().any(|(v, _)| *v == kind) {
            kinds.push((kind, kind));
        }
        vec![
            Field::text("actor", "Người thực hiện", &self.actor).hint("Tên đăng nhập, đúng chính xác."),
            Field::select("action", "Hành động", action, Some("Tất cả"), actions),
            Field::select("object_kind", "Loại đối tượng", kind, Some("Tất cả"), kinds),
            Field::text("object_id", "Mã đối tượng", &self.object_id).hint("Ví dụ mã số hồ sơ hoặc tổ chức."),
            Field::date("from", "Từ ngày", &self.from),
            Field::date("to", "Đến ngày", &self.to),
        ]
    }
}

struct AuditRow {
    seq: i64,
    at: String,
    actor: String,
    actor_href: Option<String>,
    client: String,
    action: String,
    action_label: Option<&'static str>,
    object: String,
    object_href: Option<String>,
    details_short: String,
    details_full: String,
    long: bool,
}

/// Characters of the details shown in the table before the rest is folded away.
const DETAILS_SHORT: usize = 80;

fn audit_row(e: &AuditEntry) -> AuditRow {
    let kind = e.object_kind.as_deref().unwrap_or("");
    let id = e.object_id.as_deref().unwrap_or("");
    let numeric = id.parse::<i64>().is_ok_and(|n| n > 0);
    let object_href = match kind {
        "member" if numeric => Some(format!("/members/{id}")),
        "unit" if numeric => Some(format!("/units/{id}")),
        "account" if numeric => Some(format!("/admin/accounts/{id}")),
        _ => None,
    };
    let kind_label = KIND_CHOICES.iter().find(|(k, _)| *k == kind).map_or(kind, |(_, l)| l);
    let object = match (kind_label.is_empty(), id.is_empty()) {
        (true, true) => String::new(),
        (false, true) => kind_label.to_owned(),
        (true, false) => id.to_owned(),
        (false, false) => format!("{kind_label} {id}"),
    };
    let compact = e.details.clone();
    let long = compact.chars().count() > DETAILS_SHORT;
    let details_short = if long { format!("{}…", compact.chars().take(DETAILS_SHORT).collect::<String>()) } else { compact.clone() };
    let details_full =
        serde_json::from_str::<serde_json::Value>(&e.details).ok().and_then(|v| serde_json::to_string_pretty(&v).ok()).unwrap_or(compact);
    AuditRow {
        seq: e.seq,
        at: vietnam_time(&e.at),
        actor: e.actor.clone(),
        actor_href: e.account_id.map(|a| format!("/admin/accounts/{a}")),
        client: e.client.clone().unwrap_or_default(),
        action: e.action.clone(),
        action_label: action_label(&e.action),
        object,
        object_href,
        details_short,
        details_full,
        long,
    }
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    chrome: Chrome,
    filters: Vec<Field>,
    summary: Vec<SummaryItem>,
    rows: Vec<AuditRow>,
    newest_href: Option<String>,
    older_href: Option<String>,
    csv_href: String,
}

/// `GET /admin/audit?actor=&action=&object_kind=&object_id=&from=&to=&before=`: newest first,
/// 100 per page.
async fn audit(s: Caller, chrome: Chrome, Query(p): Query<AuditParams>) -> Result<Response, AppError> {
    let admin = s.admin()?;
    let mut query = match p.parse() {
        Ok(v) => v,
        Err(errors) => {
            let mut sections = vec![Section::new("", p.fields())];
            let summary = forms::attach_errors(&mut sections, &errors);
            let view = AuditPage {
                chrome: chrome.titled("Nhật ký kiểm toán"),
                filters: sections.into_iter().flat_map(|s| s.fields).collect(),
                summary,
                rows: Vec::new(),
                newest_href: None,
                older_href: None,
                csv_href: String::new(),
            };
            return render(StatusCode::BAD_REQUEST, &view);
        }
    };
    let before = query.before_seq;
    query.limit = AUDIT_PAGE + 1;
    let mut entries = admin.audit_entries(&query).await?;
    let more = entries.len() > AUDIT_PAGE;
    entries.truncate(AUDIT_PAGE);
    let older_href = if more { entries.last().map(|e| format!("/admin/audit{}", p.query_string(Some(e.seq)))) } else { None };
    let view = AuditPage {
        chrome: chrome.titled("Nhật ký kiểm toán"),
        filters: p.fields(),
        summary: Vec::new(),
        rows: entries.iter().map(audit_row).collect(),
        newest_href: before.map(|_| format!("/admin/audit{}", p.query_string(None))),
        older_href,
        csv_href: format!("/admin/audit.csv{}", p.query_string(None)),
    };
    page(&view)
}

#[derive(Template)]
#[template(path = "admin_audit_verify.html")]
struct VerifyPage {
    chrome: Chrome,
    entries: String,
    last_seq: i64,
    problems: Vec<String>,
}

/// `GET /admin/audit/verify`: recomputes the hash chain.
async fn verify(s: Caller, chrome: Chrome) -> Result<Response, AppError> {
    let report = s.admin()?.verify_audit().await?;
    let view = VerifyPage {
        chrome: chrome.titled("Kiểm tra tính toàn vẹn nhật ký"),
        entries: format::number(u64::try_from(report.entries).unwrap_or(0)),
        last_seq: report.last_seq,
        problems: report.problems,
    };
    page(&view)
}

/// One CSV field (RFC 4180): quoted when needed, inner quotes doubled. A text starting like a
/// spreadsheet formula gets a leading apostrophe so Excel shows it instead of running it.
fn csv_field(out: &mut String, value: &str, text: bool) {
    let guarded = text && value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let needs_quotes = guarded || value.contains([',', '"', '\n', '\r']);
    if needs_quotes {
        out.push('"');
    }
    if guarded {
        out.push('\'');
    }
    for c in value.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if needs_quotes {
        out.push('"');
    }
}

fn csv_row(out: &mut String, fields: &[(&str, bool)]) {
    for (i, (v, text)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, v, *text);
    }
    out.push_str("\r\n");
}

/// `GET /admin/audit.csv` with the filters of the page: at most 100 000 entries, newest first,
/// UTF-8 with a byte order mark (so Excel reads the Vietnamese letters).
async fn audit_csv(s: Caller, Query(p): Query<AuditParams>) -> Result<Response, AppError> {
    let admin = s.admin()?;
    let mut query = p.parse().map_err(AppError::bad_query)?;
    // Exporting the trail is itself recorded, with the filters used.
    s.record("audit.export", "", "", serde_json::json!({ "filters": p.query_string(None) })).await?;
    let mut out = String::from("\u{feff}");
    csv_row(
        &mut out,
        &[
            ("Số thứ tự", true),
            ("Thời điểm (giờ Việt Nam)", true),
            ("Thời điểm (UTC)", true),
            ("Người thực hiện", true),
            ("Mã tài khoản", true),
            ("Địa chỉ máy", true),
            ("Mã yêu cầu", true),
            ("Hành động", true),
            ("Diễn giải", true),
            ("Loại đối tượng", true),
            ("Mã đối tượng", true),
            ("Chi tiết", true),
            ("Mã băm mục trước", true),
            ("Mã băm", true),
        ],
    );
    let mut written = 0;
    while written < CSV_MAX_ROWS {
        query.limit = CSV_BATCH.min(CSV_MAX_ROWS - written);
        let batch = admin.audit_entries(&query).await?;
        for e in &batch {
            let seq = e.seq.to_string();
            let account = e.account_id.map(|a| a.to_string()).unwrap_or_default();
            csv_row(
                &mut out,
                &[
                    (&seq, false),
                    (&vietnam_time(&e.at), false),
                    (&e.at, false),
                    (&e.actor, true),
                    (&account, false),
                    (e.client.as_deref().unwrap_or(""), true),
                    (e.request_id.as_deref().unwrap_or(""), true),
                    (&e.action, true),
                    (action_label(&e.action).unwrap_or(""), true),
                    (e.object_kind.as_deref().unwrap_or(""), true),
                    (e.object_id.as_deref().unwrap_or(""), true),
                    (&e.details, true),
                    (&e.prev_hash, false),
                    (&e.hash, false),
                ],
            );
        }
        written += batch.len();
        match batch.last() {
            Some(last) if batch.len() == query.limit => query.before_seq = Some(last.seq),
            _ => break,
        }
    }
    let mut res = out.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"nhat-ky-kiem-toan.csv\""));
    Ok(res)
}
