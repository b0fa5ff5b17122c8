//! `/activate`: a member opens their handbook account with the one-time code of their slip and
//! a password of their own (docs/design/handbook.md). Throttled like login (per user name and
//! per client address, `domain::access::LoginLimits`, counted under `activate:` + user name so
//! the two never lock each other), every attempt recorded and audited; on success the member is
//! logged in.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ValidationErrors;
use domain::access::LoginGate;
use domain::handbook::ActivationCode;
use serde::Deserialize;
use serde_json::json;
use storage::{AuditActor, AuditRecord, LoginOutcome, SessionStage, StoreError};

use super::login::{Client, RequestId, record_failure, start_session, with_cookie};
use super::{AppState, SessionInfo};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::Form;
use crate::metrics::{self, FailureReason, LoginEvent};
use crate::respond::render;

/// What a wrong, used, voided or expired code, or a user name it is not for, is told: the same
/// words for each, so that trying reveals nothing.
const WRONG: &str = "Tên đăng nhập hoặc mã kích hoạt không đúng, hoặc mã đã dùng, đã hết hạn. Nếu cần, đề nghị chi bộ cấp mã mới.";

#[derive(Template)]
#[template(path = "activate.html")]
struct ActivatePage {
    chrome: Chrome,
    username: String,
    code: String,
    errors: Vec<(String, String)>,
}

impl ActivatePage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

pub(crate) async fn activate_form(chrome: Chrome) -> Result<Response, AppError> {
    render(
        StatusCode::OK,
        &ActivatePage { chrome: chrome.titled("Kích hoạt tài khoản"), username: String::new(), code: String::new(), errors: vec![] },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ActivateForm {
    username: String,
    code: String,
    new_password: String,
    repeat_password: String,
}

/// The key the throttle counts activation attempts under.
fn throttle_key(username: &str) -> String {
    format!("activate:{username}")
}

pub(crate) async fn activate(
    State(state): State<AppState>,
    session: Option<axum::Extension<SessionInfo>>,
    chrome: Chrome,
    req_id: RequestId,
    client: Client,
    Form(f): Form<ActivateForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let username = f.username.trim().to_lowercase();
    let answer = |status: StatusCode, errors: ValidationErrors| {
        let page = ActivatePage {
            chrome: chrome.clone().titled("Kích hoạt tài khoản"),
            username: f.username.trim().to_owned(),
            code: f.code.trim().to_owned(),
            errors: errors.errors.into_iter().map(|e| (e.field, e.message)).collect(),
        };
        render(status, &page)
    };
    let mut errors = ValidationErrors::default();
    if username.is_empty() || username.len() > 64 {
        errors.push("username", "required", "Nhập tên đăng nhập in trên phiếu.");
    }
    let code = match ActivationCode::parse(&f.code) {
        Ok(c) => Some(c),
        Err(e) => {
            errors.errors.push(e);
            None
        }
    };
    if let Err(problem) = auth::password::check_policy(&f.new_password, &username) {
        errors.push("new_password", "policy", problem.to_string());
    }
    if f.repeat_password != f.new_password {
        errors.push("repeat_password", "mismatch", "Mật khẩu nhập lại không khớp.");
    }
    let Some(code) = code.filter(|_| errors.is_empty()) else {
        return answer(StatusCode::UNPROCESSABLE_ENTITY, errors);
    };
    let key = throttle_key(&username);
    let limits = state.auth.login;
    let (by_account, by_client) = state.store.login_failures(&key, &client.0, now - limits.window).await?;
    let actor = AuditActor { account_id: None, name: username.clone(), client: Some(client.0.clone()), request_id: req_id.0.clone() };
    if let gate @ (LoginGate::AccountLocked { until } | LoginGate::ClientBlocked { until }) = limits.gate(by_account, by_client, now) {
        state.store.record_login_attempt(&key, &client.0, LoginOutcome::Refused, now).await?;
        if let Some(refused) = LoginEvent::refused(gate) {
            metrics::login(refused);
        }
        state
            .store
            .audit(&actor, now, vec![AuditRecord::new("activation.refused", "account", &username, json!({ "gate": format!("{gate:?}") }))])
            .await?;
        let local = (until + chrono::Duration::hours(7)).format("%H:%M");
        let message = format!("Đã nhập sai nhiều lần. Vui lòng thử lại sau {local}.");
        return answer(StatusCode::TOO_MANY_REQUESTS, ValidationErrors::single("code", "throttled", message));
    }
    let password = f.new_password.clone();
    let hash = tokio::task::spawn_blocking(move || auth::password::hash(&password))
        .await
        .map_err(|_| AppError::internal())?
        .map_err(|_| AppError::internal())?;
    match state.store.activate(&actor, now, &username, &code, &hash).await {
        Ok(account) => {
            state.store.record_login_attempt(&key, &client.0, LoginOutcome::Success, now).await?;
            metrics::login(LoginEvent::Success);
            let cookie = start_session(&state, session.as_deref(), account, SessionStage::Full, &client.0).await?;
            Ok(with_cookie(Redirect::to("/").into_response(), cookie))
        }
        Err(StoreError::NotFound) => {
            record_failure(&state, &key, &client.0, (by_account, by_client), FailureReason::ActivationCode, now).await?;
            state.store.audit(&actor, now, vec![AuditRecord::new("activation.failure", "account", &username, json!({}))]).await?;
            answer(StatusCode::UNAUTHORIZED, ValidationErrors::single("code", "wrong", WRONG))
        }
        Err(e) => Err(e.into()),
    }
}
