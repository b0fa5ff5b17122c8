//! The logged-in person's own account: roles, password, second factor (TOTP) and API tokens.
//!
//! Changing the password or the second factor ends every session of the account (the store does
//! it, the current session included), so those forms finish on [`relogin`], which explains why
//! and leads back to the login page.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::Response;
use domain::ValidationErrors;
use serde::Deserialize;
use storage::access::Access;
use storage::{AccountChange, GrantRecord, StoreError};

use crate::chrome::{Chrome, Nav};
use crate::error::AppError;
use crate::extract::{Form, PathId, Query};
use crate::format;
use crate::forms::{self, Refusal, SummaryItem};
use crate::policy::{Policy, Route};
use crate::respond::{page, render, see_other};
use crate::session::{AppState, Caller, SESSION_COOKIE, SessionInfo};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/account", Policy::LoggedIn, overview),
        Route::get("/account/password", Policy::LoggedIn, password_form),
        Route::post("/account/password", Policy::LoggedIn, change_password),
        Route::post("/account/email", Policy::LoggedIn, set_email),
        Route::get("/account/totp", Policy::LoggedIn, totp_form),
        Route::post("/account/totp", Policy::LoggedIn, enrol_totp),
        Route::post("/account/totp/remove", Policy::LoggedIn, remove_totp),
        Route::post("/account/tokens", Policy::Staff, create_token),
        Route::post("/account/tokens/{id}/revoke", Policy::Staff, revoke_token),
        // Reached after the sessions were ended, so nobody is logged in any more.
        Route::get("/account/relogin", Policy::Public, relogin),
    ]
}

// --- shared helpers ------------------------------------------------------------------------------

/// Argon2 hashing off the async threads.
pub(crate) async fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    match tokio::task::spawn_blocking(move || auth::password::hash(&password)).await {
        Ok(Ok(hash)) => Ok(hash),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "password hashing failed");
            Err(AppError::internal())
        }
        Err(_) => Err(AppError::internal()),
    }
}

/// The summary at the top of a form: each error with the label of its field and a link to it.
pub(crate) fn summary_of(errors: &ValidationErrors, labels: &[(&str, &str)]) -> Vec<SummaryItem> {
    errors
        .errors
        .iter()
        .map(|e| match labels.iter().find(|(field, _)| *field == e.field) {
            Some((field, label)) => {
                SummaryItem { label: (*label).to_owned(), message: e.message.clone(), anchor: Some(format!("f-{field}")) }
            }
            None => SummaryItem { label: String::new(), message: e.message.clone(), anchor: None },
        })
        .collect()
}

/// A role as a line of text: "Cán bộ tổ chức — Đảng bộ X (mã số 12)".
pub(crate) struct RoleView {
    pub role: &'static str,
    pub unit: Option<String>,
    pub unit_href: Option<String>,
    /// The unit has ended: the grant covers nothing.
    pub ended: bool,
    pub granted: String,
    pub id: i64,
}

impl RoleView {
    pub(crate) fn of(g: &GrantRecord) -> RoleView {
        RoleView {
            role: g.role.label(),
            unit: g.unit.map(|u| match &g.unit_name {
                Some(name) => format!("{name} (mã số {u})"),
                None => format!("Tổ chức mã số {u}"),
            }),
            unit_href: g.unit.filter(|_| g.unit_current).map(|u| format!("/units/{u}")),
            ended: !g.unit_current,
            granted: format!("{}, {}", format::instant(g.granted_at), g.granted_by),
            id: g.id,
        }
    }

    /// The one-line summary used in the account list.
    pub(crate) fn text(&self) -> String {
        let mut s = self.role.to_owned();
        if let Some(u) = &self.unit {
            s.push_str(" — ");
            s.push_str(u);
        }
        if self.ended {
            s.push_str(" (đơn vị đã kết thúc)");
        }
        s
    }
}

fn cleared_session(state: &AppState, to: &str) -> Response {
    let mut res = see_other(to);
    res.headers_mut().append(header::SET_COOKIE, crate::session::set_cookie(&state.auth, SESSION_COOKIE, "", Some(0)));
    res
}

// --- overview --------------------------------------------------------------------------------------

struct TokenView {
    id: i64,
    name: String,
    created: String,
    last_used: String,
    revoked: Option<String>,
}

#[derive(Template)]
#[template(path = "account.html")]
struct OverviewPage {
    chrome: Chrome,
    username: String,
    display_name: String,
    member_href: Option<String>,
    totp: bool,
    roles: Vec<RoleView>,
    /// The API token section, for those whose policy lets them make tokens (staff roles).
    offers_tokens: bool,
    tokens: Vec<TokenView>,
    token_name: String,
    token_error: Option<String>,
    /// The address notices are mailed to, as stored or as just typed.
    email: String,
    email_error: Option<String>,
    version: i64,
    /// The server has a mail relay (otherwise notices stay in the inbox).
    mail_on: bool,
    notice: Option<&'static str>,
}

/// What a form on the account page just sent back, refused.
enum Typed {
    Nothing,
    Token { name: String, error: String },
    Email { value: String, error: String },
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Done {
    done: String,
}

fn notice_for(code: &str) -> Option<&'static str> {
    match code {
        "token_revoked" => Some("Đã thu hồi mã truy cập. Mọi chương trình dùng mã này sẽ không truy cập được nữa."),
        "email" => Some("Đã lưu địa chỉ thư điện tử nhận thông báo."),
        "email_removed" => Some("Đã bỏ địa chỉ thư điện tử: thông báo chỉ còn trong mục Thông báo."),
        _ => None,
    }
}

async fn overview_page(
    s: &Access,
    chrome: Chrome,
    status: StatusCode,
    notice: Option<&'static str>,
    typed: Typed,
    mail_on: bool,
) -> Result<Response, AppError> {
    let own = s.own_account();
    let account = own.account().await?;
    let roles = own.grants().await?.iter().map(RoleView::of).collect();
    let offers_tokens = crate::policy::may(s, axum::http::Method::POST, "/account/tokens", None).await;
    let tokens = if offers_tokens { own.tokens().await? } else { Vec::new() };
    let tokens = tokens
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            name: t.name,
            created: format::instant(t.created_at),
            last_used: t.last_used_at.map_or_else(|| "Chưa dùng".to_owned(), format::instant),
            revoked: t.revoked_at.map(format::instant),
        })
        .collect();
    let (token_name, token_error, email, email_error) = match typed {
        Typed::Nothing => (String::new(), None, account.email.clone().unwrap_or_default(), None),
        Typed::Token { name, error } => (name, Some(error), account.email.clone().unwrap_or_default(), None),
        Typed::Email { value, error } => (String::new(), None, value, Some(error)),
    };
    let view = OverviewPage {
        chrome: chrome.titled("Tài khoản của tôi"),
        username: account.username,
        display_name: account.display_name,
        member_href: account.member.map(|m| format!("/members/{}", m.0)),
        totp: account.totp_enrolled,
        roles,
        offers_tokens,
        tokens,
        token_name,
        token_error,
        email,
        email_error,
        version: account.version,
        mail_on,
        notice,
    };
    render(status, &view)
}

/// `GET /account`: who I am, my roles, the second factor and my API tokens.
async fn overview(State(state): State<AppState>, s: Caller, chrome: Chrome, Query(d): Query<Done>) -> Result<Response, AppError> {
    overview_page(&s, chrome, StatusCode::OK, notice_for(&d.done), Typed::Nothing, state.auth.mail.is_some()).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EmailForm {
    email: String,
    version: String,
}

/// `POST /account/email`: the address notices are also mailed to (empty: none).
async fn set_email(State(state): State<AppState>, s: Caller, chrome: Chrome, Form(f): Form<EmailForm>) -> Result<Response, AppError> {
    let version = f.version.trim().parse::<i64>().map_err(|_| AppError::bad_request("Thiếu phiên bản của tài khoản."))?;
    let email = if f.email.trim().is_empty() {
        None
    } else {
        match domain::notifications::EmailAddress::parse(&f.email) {
            Ok(e) => Some(e),
            Err(e) => {
                let typed = Typed::Email { value: f.email.clone(), error: e.message };
                return overview_page(&s, chrome, StatusCode::UNPROCESSABLE_ENTITY, None, typed, state.auth.mail.is_some()).await;
            }
        }
    };
    let removed = email.is_none();
    s.inbox().set_email(version, email).await?;
    Ok(see_other(if removed { "/account?done=email_removed#email" } else { "/account?done=email#email" }))
}

// --- password --------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account_password.html")]
struct PasswordPage {
    chrome: Chrome,
    username: String,
    must_change: bool,
    errors: ValidationErrors,
    summary: Vec<SummaryItem>,
}

impl PasswordPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.message_for(field)
    }
}

const PASSWORD_LABELS: &[(&str, &str)] =
    &[("current_password", "Mật khẩu hiện tại"), ("new_password", "Mật khẩu mới"), ("repeat_password", "Nhập lại mật khẩu mới")];

fn password_page(chrome: Chrome, username: String, must_change: bool, errors: ValidationErrors) -> Result<Response, AppError> {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let summary = summary_of(&errors, PASSWORD_LABELS);
    render(status, &PasswordPage { chrome: chrome.titled("Đổi mật khẩu"), username, must_change, errors, summary })
}

/// `GET /account/password`.
async fn password_form(s: Caller, session: Option<axum::Extension<SessionInfo>>, chrome: Chrome) -> Result<Response, AppError> {
    let must_change = session.is_some_and(|x| x.must_change_password);
    password_page(chrome, s.principal().username.clone(), must_change, ValidationErrors::default())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    repeat_password: String,
}

/// `POST /account/password`: checks the current password and the policy, then stores the new
/// hash; every session ends, so the person logs in again with the new password.
async fn change_password(
    State(state): State<AppState>,
    s: Caller,
    session: Option<axum::Extension<SessionInfo>>,
    chrome: Chrome,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let must_change = session.is_some_and(|x| x.must_change_password);
    let own = s.own_account();
    let account = own.account().await?;
    let mut errors = ValidationErrors::default();
    if f.current_password.is_empty() {
        errors.push("current_password", "required", "Nhập mật khẩu hiện tại.");
    } else if f.current_password.chars().count() > auth::password::MAX_CHARS {
        errors.push("current_password", "wrong", "Mật khẩu hiện tại không đúng.");
    } else {
        match own.check_password(&f.current_password, &state.auth.login).await {
            Ok(true) => {}
            Ok(false) => errors.push("current_password", "wrong", "Mật khẩu hiện tại không đúng."),
            Err(e) => errors.errors.extend(forms::invalid(e)?.errors),
        }
    }
    if f.new_password.is_empty() {
        errors.push("new_password", "required", "Nhập mật khẩu mới.");
    } else if let Err(problem) = auth::password::check_policy(&f.new_password, &account.username) {
        errors.push("new_password", "policy", problem.to_string());
    } else if f.new_password == f.current_password {
        errors.push("new_password", "unchanged", "Mật khẩu mới phải khác mật khẩu hiện tại.");
    }
    if f.repeat_password != f.new_password {
        errors.push("repeat_password", "mismatch", "Mật khẩu nhập lại không khớp với mật khẩu mới.");
    }
    if !errors.is_empty() {
        return password_page(chrome, account.username, must_change, errors);
    }
    let hash = hash_password(&f.new_password).await?;
    let change = AccountChange { expected_version: account.version, password: Some((hash, false)), ..AccountChange::default() };
    let refused = match own.change(change).await {
        Ok(()) => return Ok(cleared_session(&state, "/account/relogin?reason=password")),
        Err(e) => forms::refusal(e)?,
    };
    let errors = match refused {
        Refusal::Conflict { .. } => {
            let message = "Tài khoản vừa được thay đổi ở nơi khác (ví dụ quản trị viên vừa cấp lại mật khẩu). Hãy thử lại.";
            ValidationErrors::single("", "conflict", message)
        }
        Refusal::Invalid(e) => e,
    };
    password_page(chrome, account.username, must_change, errors)
}

// --- second factor ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account_totp.html")]
struct TotpPage {
    chrome: Chrome,
    enrolled: bool,
    /// Staff must keep a second factor (configuration): removing it is not offered.
    required: bool,
    secret_grouped: String,
    uri: String,
    /// At enrolment, the problem with the code; when enrolled, why removal failed.
    error: Option<String>,
    /// At enrolment, the problem with the current password.
    password_error: Option<String>,
}

impl TotpPage {
    fn qr(&self) -> String {
        crate::format::qr_svg(&self.uri)
    }
}

/// What went wrong with an enrolment form: the password, the code, or both.
#[derive(Default)]
struct EnrolProblems {
    password: Option<String>,
    code: Option<String>,
}

fn totp_enrol_page(chrome: Chrome, username: &str, secret: &auth::totp::Secret, problems: EnrolProblems) -> Result<Response, AppError> {
    let e = crate::session::login::Enrolment::new(secret, username);
    let status = if problems.password.is_some() || problems.code.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let view = TotpPage {
        chrome: chrome.titled("Cài đặt xác thực hai lớp"),
        enrolled: false,
        required: false,
        uri: e.uri,
        secret_grouped: e.grouped,
        error: problems.code,
        password_error: problems.password,
    };
    render(status, &view)
}

fn totp_status_page(chrome: Chrome, required: bool, error: Option<String>) -> Result<Response, AppError> {
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let view = TotpPage {
        chrome: chrome.titled("Xác thực hai lớp"),
        enrolled: true,
        required,
        secret_grouped: String::new(),
        uri: String::new(),
        error,
        password_error: None,
    };
    render(status, &view)
}

/// Whether the configuration obliges this person to keep a second factor.
fn totp_required(state: &AppState, s: &Access) -> bool {
    state.auth.require_totp_for_staff && s.principal().has_staff_role()
}

/// The page's own session (every page request has one; only a page reaches these routes).
fn own_session(session: Option<axum::Extension<SessionInfo>>) -> Result<SessionInfo, AppError> {
    session.map(|s| s.0).ok_or_else(AppError::unauthorized)
}

/// `GET /account/totp`: the enrolment (the secret offered to this session) or, when enrolled,
/// the way to remove it.
async fn totp_form(
    State(state): State<AppState>,
    s: Caller,
    session: Option<axum::Extension<SessionInfo>>,
    chrome: Chrome,
) -> Result<Response, AppError> {
    let account = s.own_account().account().await?;
    if account.totp_enrolled {
        return totp_status_page(chrome, totp_required(&state, &s), None);
    }
    let secret = crate::session::offered_totp_secret(&state, &own_session(session)?).await?;
    totp_enrol_page(chrome, &account.username, &secret, EnrolProblems::default())
}

/// The enrolment form: the current password and the first code. The secret is not a field: the
/// server generated it and kept it with the session.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EnrolForm {
    current_password: String,
    code: String,
}

/// `POST /account/totp`: with the current password (checked and throttled as for removal), the
/// first code proves the app holds the secret offered to this session; then it is stored.
async fn enrol_totp(
    State(state): State<AppState>,
    s: Caller,
    session: Option<axum::Extension<SessionInfo>>,
    chrome: Chrome,
    Form(f): Form<EnrolForm>,
) -> Result<Response, AppError> {
    let session = own_session(session)?;
    let own = s.own_account();
    let account = own.account().await?;
    if account.totp_enrolled {
        return Ok(see_other("/account/totp"));
    }
    let Some(secret) = session.pending_totp_secret() else {
        let fresh = crate::session::fresh_totp_secret(&state, &session).await?;
        let problems = EnrolProblems {
            code: Some("Chưa có khóa bí mật cho lần cài đặt này; đây là khóa mới, hãy thêm vào ứng dụng.".to_owned()),
            ..EnrolProblems::default()
        };
        return totp_enrol_page(chrome, &account.username, &fresh, problems);
    };
    let verified = if f.current_password.is_empty() {
        Err("Nhập mật khẩu hiện tại để bật xác thực hai lớp.".to_owned())
    } else if f.current_password.chars().count() > auth::password::MAX_CHARS {
        Err("Mật khẩu hiện tại không đúng.".to_owned())
    } else {
        match own.check_password(&f.current_password, &state.auth.login).await {
            Ok(true) => Ok(()),
            Ok(false) => Err("Mật khẩu hiện tại không đúng.".to_owned()),
            Err(e) => Err(forms::invalid(e)?.summary()),
        }
    };
    if let Err(message) = verified {
        return totp_enrol_page(chrome, &account.username, &secret, EnrolProblems { password: Some(message), code: None });
    }
    let step = match auth::totp::check(&secret, &f.code, s.now().timestamp(), None) {
        Ok(step) => step,
        Err(e) => return totp_enrol_page(chrome, &account.username, &secret, EnrolProblems { password: None, code: Some(e.to_string()) }),
    };
    let change =
        AccountChange { expected_version: account.version, totp_secret: Some(Some(secret.to_base32())), ..AccountChange::default() };
    match own.change(change).await {
        Ok(()) => {}
        Err(StoreError::Conflict { .. }) => {
            let message = "Tài khoản vừa được thay đổi ở nơi khác. Hãy nhập mã mới hiện trong ứng dụng và xác nhận lại.".to_owned();
            return totp_enrol_page(chrome, &account.username, &secret, EnrolProblems { password: None, code: Some(message) });
        }
        Err(e) => return Err(e.into()),
    }
    // The code just used may not open a login.
    own.use_totp_step(step).await?;
    Ok(cleared_session(&state, "/account/relogin?reason=totp"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RemoveForm {
    current_password: String,
}

/// `POST /account/totp/remove`: with the current password.
async fn remove_totp(State(state): State<AppState>, s: Caller, chrome: Chrome, Form(f): Form<RemoveForm>) -> Result<Response, AppError> {
    let own = s.own_account();
    let account = own.account().await?;
    if !account.totp_enrolled {
        return Ok(see_other("/account/totp"));
    }
    let required = totp_required(&state, &s);
    if required {
        return totp_status_page(chrome, required, Some("Tài khoản cán bộ bắt buộc dùng xác thực hai lớp nên không thể tắt.".to_owned()));
    }
    if f.current_password.is_empty() {
        return totp_status_page(chrome, required, Some("Nhập mật khẩu hiện tại để tắt xác thực hai lớp.".to_owned()));
    }
    let verified = match f.current_password.chars().count() > auth::password::MAX_CHARS {
        true => Ok(false),
        false => own.check_password(&f.current_password, &state.auth.login).await,
    };
    match verified {
        Ok(true) => {}
        Ok(false) => return totp_status_page(chrome, required, Some("Mật khẩu hiện tại không đúng.".to_owned())),
        Err(e) => return totp_status_page(chrome, required, Some(forms::invalid(e)?.summary())),
    }
    match own.change(AccountChange { expected_version: account.version, totp_secret: Some(None), ..AccountChange::default() }).await {
        Ok(()) => Ok(cleared_session(&state, "/account/relogin?reason=totp_removed")),
        Err(StoreError::Conflict { .. }) => {
            totp_status_page(chrome, required, Some("Tài khoản vừa được thay đổi ở nơi khác. Hãy thử lại.".to_owned()))
        }
        Err(e) => Err(e.into()),
    }
}

// --- after the sessions ended ----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account_relogin.html")]
struct ReloginPage {
    chrome: Chrome,
    message: &'static str,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Reason {
    reason: String,
}

/// `GET /account/relogin?reason=`: explains why the person must log in again.
async fn relogin(mut chrome: Chrome, Query(r): Query<Reason>) -> Result<Response, AppError> {
    let message = match r.reason.as_str() {
        "password" => "Đã đổi mật khẩu. Để bảo đảm an toàn, mọi phiên đăng nhập của tài khoản (trên mọi thiết bị) đã kết thúc.",
        "totp" => {
            "Đã bật xác thực hai lớp. Từ nay mỗi lần đăng nhập cần thêm mã trong ứng dụng xác thực; mọi phiên đăng nhập cũ đã kết thúc."
        }
        "totp_removed" => "Đã tắt xác thực hai lớp. Mọi phiên đăng nhập của tài khoản đã kết thúc.",
        _ => "Phiên đăng nhập đã kết thúc.",
    };
    // The session is gone: the layout shows nobody logged in.
    chrome.user = None;
    chrome.nav = Nav::default();
    page(&ReloginPage { chrome: chrome.titled("Đăng nhập lại"), message })
}

// --- API tokens --------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account_token.html")]
struct TokenCreatedPage {
    chrome: Chrome,
    name: String,
    token: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TokenForm {
    name: String,
}

/// `POST /account/tokens`: a new token, shown once (only its digest is stored).
async fn create_token(State(state): State<AppState>, s: Caller, chrome: Chrome, Form(f): Form<TokenForm>) -> Result<Response, AppError> {
    let token = auth::token::random_token("dv_").map_err(|_| AppError::internal())?;
    match s.own_account().create_token(&f.name, &auth::token::digest(&token)).await {
        Ok(_) => {
            let view = TokenCreatedPage { chrome: chrome.titled("Mã truy cập mới"), name: f.name.trim().to_owned(), token };
            page(&view)
        }
        Err(e) => {
            let e = forms::invalid(e)?;
            let message = e.message_for("name").map(str::to_owned).unwrap_or_else(|| e.summary());
            let typed = Typed::Token { name: f.name, error: message };
            overview_page(&s, chrome, StatusCode::UNPROCESSABLE_ENTITY, None, typed, state.auth.mail.is_some()).await
        }
    }
}

/// `POST /account/tokens/{id}/revoke`.
async fn revoke_token(s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    crate::session::revoke_own_token(&s, id).await?;
    Ok(see_other("/account?done=token_revoked"))
}
