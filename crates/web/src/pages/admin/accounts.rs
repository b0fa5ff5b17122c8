//! Accounts and their grants: the list, a new account (with a password shown once), one account
//! with its roles, and the actions on it (reset the password or the second factor, disable,
//! enable), each at the version the page showed.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use domain::ValidationErrors;
use domain::access::{Grant, Role};
use domain::ids::MemberId;
use serde::Deserialize;
use storage::access::Access;
use storage::{Account, AccountChange, NewAccount, StoreError};

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, PathIds, Query};
use crate::format;
use crate::forms::{self, Field, Refusal, Section, SummaryItem};
use crate::pages::account::{RoleView, hash_password};
use crate::respond::{page, render, see_other};
use crate::session::Caller;

/// Most accounts the list shows.
const LIST_LIMIT: usize = 200;

const CONFLICT_MESSAGE: &str = "Tài khoản vừa được người khác thay đổi nên thao tác chưa được thực hiện. Trang đã hiển thị thông tin mới nhất; hãy kiểm tra rồi làm lại.";

fn role_options() -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.code(), r.label())).collect()
}

const UNIT_HINT: &str = "Gõ tên hoặc mã tổ chức rồi chọn trong danh sách gợi ý. Để trống với vai trò Quản trị hệ thống và Đảng viên.";

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
pub(super) struct Search {
    q: String,
}

/// `GET /admin/accounts?q=`: accounts by user name or name.
pub(super) async fn accounts(s: Caller, chrome: Chrome, Query(p): Query<Search>) -> Result<Response, AppError> {
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
pub(super) struct NewAccountForm {
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
pub(super) async fn new_form(s: Caller, chrome: Chrome) -> Result<Response, AppError> {
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
pub(super) async fn create(s: Caller, chrome: Chrome, Form(f): Form<NewAccountForm>) -> Result<Response, AppError> {
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
    /// Where the account's notices are also mailed (empty: none).
    email: String,
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
pub(super) struct GrantForm {
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
        "email" => Some("Đã lưu địa chỉ thư điện tử nhận thông báo."),
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
        email: a.email.clone().unwrap_or_default(),
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
pub(super) struct Done {
    done: String,
}

/// `GET /admin/accounts/{id}`.
pub(super) async fn detail(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Query(d): Query<Done>) -> Result<Response, AppError> {
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
pub(super) async fn add_grant(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(f): Form<GrantForm>) -> Result<Response, AppError> {
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
pub(super) async fn revoke_grant(s: Caller, chrome: Chrome, PathIds(id, grant): PathIds<i64, i64>) -> Result<Response, AppError> {
    match s.admin()?.revoke_grant(id, grant).await {
        Ok(()) => Ok(see_other(&format!("/admin/accounts/{id}?done=grant_revoked"))),
        Err(e) => action_failed(&s, chrome, id, e).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct VersionForm {
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
pub(super) async fn reset_password(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Form(f): Form<VersionForm>,
) -> Result<Response, AppError> {
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
pub(super) async fn disable(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(f): Form<VersionForm>) -> Result<Response, AppError> {
    let change = AccountChange { expected_version: f.version()?, disabled: Some(true), ..AccountChange::default() };
    apply(&s, chrome, id, change, "disabled").await
}

/// `POST /admin/accounts/{id}/enable`.
pub(super) async fn enable(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(f): Form<VersionForm>) -> Result<Response, AppError> {
    let change = AccountChange { expected_version: f.version()?, disabled: Some(false), ..AccountChange::default() };
    apply(&s, chrome, id, change, "enabled").await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct EmailForm {
    version: String,
    email: String,
}

/// `POST /admin/accounts/{id}/email` (`email`, empty to remove; `version`): the address the
/// account's notices are also mailed to, for people who cannot set it themselves.
pub(super) async fn set_email(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(f): Form<EmailForm>) -> Result<Response, AppError> {
    let admin = s.admin()?;
    admin.account(id).await?;
    let version = VersionForm { version: f.version }.version()?;
    let email = match f.email.trim() {
        "" => Ok(None),
        typed => domain::notifications::EmailAddress::parse(typed)
            .map(Some)
            .map_err(|e| StoreError::Invalid(ValidationErrors { errors: vec![e] })),
    };
    match email {
        Ok(email) => match admin.set_email(id, version, email).await {
            Ok(()) => Ok(see_other(&format!("/admin/accounts/{id}?done=email"))),
            Err(e) => action_failed(&s, chrome, id, e).await,
        },
        Err(e) => action_failed(&s, chrome, id, e).await,
    }
}

/// `POST /admin/accounts/{id}/reset-2fa`: removes the second factor (a lost phone).
pub(super) async fn reset_totp(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Form(f): Form<VersionForm>,
) -> Result<Response, AppError> {
    let change = AccountChange { expected_version: f.version()?, totp_secret: Some(None), ..AccountChange::default() };
    apply(&s, chrome, id, change, "totp_reset").await
}
