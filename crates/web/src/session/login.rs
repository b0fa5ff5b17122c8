//! Login, the second factor, and logout; their routes are declared with the others in
//! `crate::routes`. Every attempt is throttled (per account and per client address,
//! `domain::access::LoginLimits`), recorded, and written to the audit trail. A new session id is
//! issued at every step up (password, then code), so an id seen before login is never the id of
//! a logged-in session.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::{FailureCount, LoginGate, Role};
use serde::Deserialize;
use serde_json::json;
use storage::{AccountChange, AuditActor, AuditRecord, LoginOutcome, SessionStage};

use super::{AppState, Caller, SESSION_COOKIE, SessionExpired, SessionInfo, client_address, set_cookie};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, Query};
use crate::metrics::{self, FailureReason, LoginEvent, Refusal};
use crate::respond::render;

const GENERIC_FAILURE: &str = "Tên đăng nhập hoặc mật khẩu không đúng.";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    username: String,
    next: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    chrome: Chrome,
    enroll: bool,
    secret_grouped: String,
    uri: String,
    error: Option<String>,
}

impl CodePage {
    fn qr(&self) -> String {
        crate::format::qr_svg(&self.uri)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Next {
    next: String,
}

/// Only a path on this site (never `//host` or a full address).
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') && !next.starts_with("/login") {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

pub(crate) async fn login_form(
    session: Option<axum::Extension<SessionInfo>>,
    expired: Option<axum::Extension<SessionExpired>>,
    chrome: Chrome,
    Query(n): Query<Next>,
) -> Result<Response, AppError> {
    if session.is_some_and(|s| s.stage == SessionStage::Full) {
        return Ok(Redirect::to(&safe_next(&n.next)).into_response());
    }
    let notice = expired.map(|_| "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.".to_owned());
    render(StatusCode::OK, &LoginPage { chrome: chrome.titled("Đăng nhập"), username: String::new(), next: n.next, error: None, notice })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LoginForm {
    username: String,
    password: String,
    next: String,
}

fn actor_for(username: &str, account: Option<i64>, client: &str, request_id: Option<String>) -> AuditActor {
    AuditActor { account_id: account, name: username.to_owned(), client: Some(client.to_owned()), request_id }
}

/// Starts a session at `stage` (replacing any session the browser had) and returns its cookie.
pub(super) async fn start_session(
    state: &AppState,
    old: Option<&SessionInfo>,
    account: i64,
    stage: SessionStage,
    client: &str,
) -> Result<HeaderValue, AppError> {
    if let Some(old) = old {
        state.store.delete_session(&old.id_hash).await?;
    }
    let id = auth::token::random_token("").map_err(|_| AppError::internal())?;
    let csrf = auth::token::random_token("").map_err(|_| AppError::internal())?;
    state.store.create_session(&auth::token::digest(&id), account, stage, &csrf, Some(client), state.clock.now()).await?;
    Ok(set_cookie(&state.auth, SESSION_COOKIE, &id, None))
}

pub(super) fn with_cookie(mut res: Response, cookie: HeaderValue) -> Response {
    res.headers_mut().append(header::SET_COOKIE, cookie);
    res
}

pub(crate) async fn login(
    State(state): State<AppState>,
    session: Option<axum::Extension<SessionInfo>>,
    chrome: Chrome,
    req_id: RequestId,
    client: Client,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let username = f.username.trim().to_lowercase();
    let fail = |status: StatusCode, message: String| {
        let page = LoginPage {
            chrome: chrome.clone().titled("Đăng nhập"),
            username: f.username.trim().to_owned(),
            next: f.next.clone(),
            error: Some(message),
            notice: None,
        };
        render(status, &page)
    };
    if username.is_empty() || f.password.is_empty() || username.len() > 64 || f.password.len() > 1024 {
        return fail(StatusCode::UNPROCESSABLE_ENTITY, "Nhập tên đăng nhập và mật khẩu.".to_owned());
    }
    let limits = state.auth.login;
    let (by_account, by_client) = state.store.login_failures(&username, &client.0, now - limits.window).await?;
    let actor = actor_for(&username, None, &client.0, req_id.0.clone());
    match limits.gate(by_account, by_client, now) {
        LoginGate::Open => {}
        gate => {
            state.store.record_login_attempt(&username, &client.0, LoginOutcome::Refused, now).await?;
            if let Some(refused) = LoginEvent::refused(gate) {
                metrics::login(refused);
            }
            state
                .store
                .audit(&actor, now, vec![AuditRecord::new("login.refused", "account", &username, json!({ "gate": format!("{gate:?}") }))])
                .await?;
            let until = match gate {
                LoginGate::AccountLocked { until } | LoginGate::ClientBlocked { until } => until,
                LoginGate::Open => now,
            };
            let local = (until + chrono::Duration::hours(7)).format("%H:%M");
            let message = match gate {
                LoginGate::ClientBlocked { .. } => format!("Có quá nhiều lần đăng nhập sai từ máy này. Vui lòng thử lại sau {local}."),
                _ => format!("Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau {local} hoặc liên hệ quản trị."),
            };
            return fail(StatusCode::TOO_MANY_REQUESTS, message);
        }
    }
    let found = state.store.account_for_login(&username).await?;
    let password = f.password.clone();
    let (account, secrets) = match found {
        Some((a, s)) => {
            let hash = s.password_hash.clone();
            let ok = tokio::task::spawn_blocking(move || auth::password::verify(&password, &hash)).await.unwrap_or(false);
            if !ok {
                record_failure(&state, &username, &client.0, (by_account, by_client), FailureReason::Password, now).await?;
                state
                    .store
                    .audit(&actor, now, vec![AuditRecord::new("login.failure", "account", a.id, json!({ "reason": "password" }))])
                    .await?;
                return fail(StatusCode::UNAUTHORIZED, GENERIC_FAILURE.to_owned());
            }
            (a, s)
        }
        None => {
            let _ = tokio::task::spawn_blocking(move || auth::password::dummy_verify(&password)).await;
            record_failure(&state, &username, &client.0, (by_account, by_client), FailureReason::UnknownUser, now).await?;
            state
                .store
                .audit(&actor, now, vec![AuditRecord::new("login.failure", "account", &username, json!({ "reason": "unknown user" }))])
                .await?;
            return fail(StatusCode::UNAUTHORIZED, GENERIC_FAILURE.to_owned());
        }
    };
    if account.disabled {
        metrics::login(LoginEvent::Refused(Refusal::Disabled));
        state
            .store
            .audit(&actor, now, vec![AuditRecord::new("login.refused", "account", account.id, json!({ "reason": "disabled" }))])
            .await?;
        return fail(StatusCode::FORBIDDEN, "Tài khoản đã bị khóa. Vui lòng liên hệ quản trị hệ thống.".to_owned());
    }
    let principal = state.store.principal(account.id).await?;
    let staff = principal.as_ref().is_some_and(|p| p.grants.iter().any(|g| g.role != Role::Member));
    let stage = if secrets.totp_secret.is_some() {
        SessionStage::Totp
    } else if state.auth.require_totp_for_staff && staff {
        SessionStage::Enroll
    } else {
        SessionStage::Full
    };
    let actor = actor_for(&account.username, Some(account.id), &client.0, req_id.0.clone());
    // Housekeeping: sessions past their limits and attempts older than a day are of no use.
    let limits_s = state.auth.session;
    state.store.prune_logins(now - limits_s.idle, now - limits_s.absolute, now - chrono::Duration::days(1).max(limits.window)).await?;
    if stage == SessionStage::Full {
        state.store.record_login_attempt(&username, &client.0, LoginOutcome::Success, now).await?;
        metrics::login(LoginEvent::Success);
        state.store.audit(&actor, now, vec![AuditRecord::new("login.success", "account", account.id, json!({}))]).await?;
    } else {
        state
            .store
            .audit(&actor, now, vec![AuditRecord::new("login.password_ok", "account", account.id, json!({ "next": stage.code() }))])
            .await?;
    }
    let cookie = start_session(&state, session.as_deref(), account.id, stage, &client.0).await?;
    let to = match stage {
        SessionStage::Totp => "/login/totp".to_owned(),
        SessionStage::Enroll => "/login/enroll".to_owned(),
        SessionStage::Full if account.must_change_password => "/account/password".to_owned(),
        SessionStage::Full => safe_next(&f.next),
    };
    Ok(with_cookie(Redirect::to(&to).into_response(), cookie))
}

/// A failed attempt under the throttle's `key`: recorded (the throttle counts it), and counted
/// for the metrics with the lock it starts when it is the failure that reaches a limit (`before`:
/// the failures of the key and of the address the attempt found).
pub(super) async fn record_failure(
    state: &AppState,
    key: &str,
    client: &str,
    before: (FailureCount, FailureCount),
    reason: FailureReason,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    state.store.record_login_attempt(key, client, LoginOutcome::Failure, now).await?;
    metrics::login(LoginEvent::Failure(reason));
    if let Some(lockout) = LoginEvent::lockout(state.auth.login.after_failure(before.0, before.1, now)) {
        metrics::login(lockout);
    }
    Ok(())
}

fn pending(session: &Option<axum::Extension<SessionInfo>>, stage: SessionStage) -> Option<SessionInfo> {
    session.as_ref().filter(|s| s.stage == stage).map(|s| s.0.clone())
}

pub(crate) async fn totp_form(session: Option<axum::Extension<SessionInfo>>, chrome: Chrome) -> Result<Response, AppError> {
    if pending(&session, SessionStage::Totp).is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    let page =
        CodePage {
            chrome: chrome.titled("Mã xác thực"), enroll: false, secret_grouped: String::new(), uri: String::new(), error: None
        };
    render(StatusCode::OK, &page)
}

/// A code typed at login or at enrolment. Enrolment takes no secret from the form: the server
/// generated it and kept it with the session (`SessionInfo::pending_totp_secret`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CodeForm {
    code: String,
}

pub(crate) async fn totp(
    State(state): State<AppState>,
    session: Option<axum::Extension<SessionInfo>>,
    chrome: Chrome,
    req_id: RequestId,
    client: Client,
    Form(f): Form<CodeForm>,
) -> Result<Response, AppError> {
    let Some(s) = pending(&session, SessionStage::Totp) else { return Ok(Redirect::to("/login").into_response()) };
    let now = state.clock.now();
    let account = state.store.account(s.account_id).await?;
    let limits = state.auth.login;
    let (by_account, by_client) = state.store.login_failures(&account.username, &client.0, now - limits.window).await?;
    let actor = actor_for(&account.username, Some(account.id), &client.0, req_id.0.clone());
    let fail = |status: StatusCode, message: String| {
        let page = CodePage {
            chrome: chrome.clone().titled("Mã xác thực"),
            enroll: false,
            secret_grouped: String::new(),
            uri: String::new(),
            error: Some(message),
        };
        render(status, &page)
    };
    if let Some(refused) = LoginEvent::refused(limits.gate(by_account, by_client, now)) {
        state.store.record_login_attempt(&account.username, &client.0, LoginOutcome::Refused, now).await?;
        metrics::login(refused);
        // Too many wrong codes: the half-finished login ends.
        state.store.delete_session(&s.id_hash).await?;
        return fail(StatusCode::TOO_MANY_REQUESTS, "Nhập sai quá nhiều lần; tài khoản tạm khóa. Vui lòng thử lại sau.".to_owned());
    }
    let secrets = state.store.account_for_login(&account.username).await?.map(|(_, s)| s);
    let Some(secret) = secrets.as_ref().and_then(|s| s.totp_secret.as_deref()).and_then(|b| auth::totp::Secret::from_base32(b).ok()) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let last = secrets.and_then(|s| s.totp_last_step);
    let checked = auth::totp::check(&secret, &f.code, now.timestamp(), last);
    match checked {
        Ok(step) if state.store.use_totp_step(account.id, step).await? => {
            state.store.record_login_attempt(&account.username, &client.0, LoginOutcome::Success, now).await?;
            metrics::login(LoginEvent::Success);
            state
                .store
                .audit(&actor, now, vec![AuditRecord::new("login.success", "account", account.id, json!({ "second_factor": "totp" }))])
                .await?;
            let cookie = start_session(&state, Some(&s), account.id, SessionStage::Full, &client.0).await?;
            let to = if account.must_change_password { "/account/password" } else { "/" };
            Ok(with_cookie(Redirect::to(to).into_response(), cookie))
        }
        Ok(_) => fail(StatusCode::UNAUTHORIZED, auth::totp::TotpError::Reused.to_string()),
        Err(e) => {
            if matches!(e, auth::totp::TotpError::Malformed) {
                metrics::login(LoginEvent::Failure(FailureReason::SecondFactor));
            } else {
                record_failure(&state, &account.username, &client.0, (by_account, by_client), FailureReason::SecondFactor, now).await?;
            }
            state
                .store
                .audit(&actor, now, vec![AuditRecord::new("login.failure", "account", account.id, json!({ "reason": "totp" }))])
                .await?;
            fail(
                if matches!(e, auth::totp::TotpError::Malformed) { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::UNAUTHORIZED },
                e.to_string(),
            )
        }
    }
}

/// What an enrolment page shows of the secret offered: its base32 text in groups of four (to
/// type) and the `otpauth://` address (the link and the QR code). Used by the login step and by
/// the account page.
pub(crate) struct Enrolment {
    pub grouped: String,
    pub uri: String,
}

impl Enrolment {
    pub(crate) fn new(secret: &auth::totp::Secret, account: &str) -> Enrolment {
        let b32 = secret.to_base32();
        let grouped = b32.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ");
        Enrolment { uri: auth::totp::provisioning_uri(secret, "Đảng vụ", account), grouped }
    }
}

/// The enrolment page for the secret offered to this session (kept with the session until the
/// first code proves the app has it; the form carries only the code).
pub(crate) fn enrol_page(chrome: Chrome, account: &str, secret: &auth::totp::Secret, error: Option<String>) -> Result<Response, AppError> {
    let e = Enrolment::new(secret, account);
    let page =
        CodePage { chrome: chrome.titled("Cài đặt xác thực hai lớp"), enroll: true, uri: e.uri, secret_grouped: e.grouped, error };
    render(if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK }, &page)
}

pub(crate) async fn enroll_form(
    State(state): State<AppState>,
    session: Option<axum::Extension<SessionInfo>>,
    chrome: Chrome,
) -> Result<Response, AppError> {
    let Some(s) = pending(&session, SessionStage::Enroll) else { return Ok(Redirect::to("/login").into_response()) };
    let account = state.store.account(s.account_id).await?;
    let secret = super::offered_totp_secret(&state, &s).await?;
    enrol_page(chrome, &account.username, &secret, None)
}

pub(crate) async fn enroll(
    State(state): State<AppState>,
    session: Option<axum::Extension<SessionInfo>>,
    chrome: Chrome,
    req_id: RequestId,
    client: Client,
    Form(f): Form<CodeForm>,
) -> Result<Response, AppError> {
    let Some(s) = pending(&session, SessionStage::Enroll) else { return Ok(Redirect::to("/login").into_response()) };
    let now = state.clock.now();
    let account = state.store.account(s.account_id).await?;
    let Some(secret) = s.pending_totp_secret() else {
        let fresh = super::fresh_totp_secret(&state, &s).await?;
        return enrol_page(chrome, &account.username, &fresh, Some("Chưa có khóa bí mật cho lần cài đặt này; đây là khóa mới.".to_owned()));
    };
    match auth::totp::check(&secret, &f.code, now.timestamp(), None) {
        Ok(step) => {
            let mut ctx = storage::WriteContext::new(account.username.clone(), now);
            ctx.account_id = Some(account.id);
            ctx.client = Some(client.0.clone());
            ctx.request_id = req_id.0.clone();
            let change = AccountChange {
                expected_version: account.version,
                totp_secret: Some(Some(secret.to_base32())),
                ..AccountChange::default()
            };
            state.store.change_account(&ctx, account.id, change).await?;
            state.store.use_totp_step(account.id, step).await?;
            state.store.record_login_attempt(&account.username, &client.0, LoginOutcome::Success, now).await?;
            let actor = actor_for(&account.username, Some(account.id), &client.0, req_id.0.clone());
            state
                .store
                .audit(&actor, now, vec![AuditRecord::new("login.success", "account", account.id, json!({ "second_factor": "enrolled" }))])
                .await?;
            // change_account ended every session of the account (the pending one too): start afresh.
            let cookie = start_session(&state, None, account.id, SessionStage::Full, &client.0).await?;
            let to = if account.must_change_password { "/account/password" } else { "/" };
            Ok(with_cookie(Redirect::to(to).into_response(), cookie))
        }
        Err(e) => enrol_page(chrome, &account.username, &secret, Some(e.to_string())),
    }
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    session: Option<axum::Extension<SessionInfo>>,
    access: Caller,
) -> Result<Response, AppError> {
    if let Some(s) = session {
        state.store.delete_session(&s.id_hash).await?;
    }
    let mut ctx_actor = access.write_context().audit_actor();
    ctx_actor.name = access.principal().username.clone();
    state
        .store
        .audit(&ctx_actor, state.clock.now(), vec![AuditRecord::new("logout", "account", access.principal().account_id, json!({}))])
        .await?;
    let res = Redirect::to("/login").into_response();
    Ok(with_cookie(res, set_cookie(&state.auth, SESSION_COOKIE, "", Some(0))))
}

/// The request id (for the audit trail).
pub struct RequestId(pub Option<String>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for RequestId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestId(parts.headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned)))
    }
}

/// The client's address (see [`client_address`]).
pub struct Client(pub String);

impl axum::extract::FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Client(client_address(&state.auth, &parts.headers, &parts.extensions)))
    }
}
