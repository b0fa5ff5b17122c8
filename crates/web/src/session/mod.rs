//! Who is asking: sessions for the pages, bearer tokens for the API, and the [`Access`] handle
//! every handler receives instead of the store.
//!
//! [`AppState`] keeps the store in a private field: only this module (login, sessions, tokens)
//! touches it. [`authenticate`] runs before routing: it resolves the session cookie (pages) or
//! the `Authorization: Bearer` token (API, which never accepts the cookie), checks the
//! anti-forgery token of every state-changing page request, and puts the caller's [`Access`] into
//! the request. Routes then declare what they need ([`crate::policy`]).

pub mod activate;
pub mod login;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::access::{LoginLimits, SessionLimits};
use storage::SessionStage;
use storage::StoreError;
use storage::access::{Access, RequestInfo};
use storage::prelude::*;

use crate::chrome::{CSRF_FIELD, Chrome, Nav};
use crate::clock::Clock;
use crate::error::AppError;
use crate::extract::body_limit;

/// Name of the session cookie (an opaque random id; the database keeps only its digest).
pub const SESSION_COOKIE: &str = "dangvu_session";
/// Name of the anti-forgery cookie used before login (double-submit).
pub const PRELOGIN_COOKIE: &str = "dangvu_csrf";

/// Settings of authentication (from the configuration).
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Mark cookies `Secure` (HTTPS only). Turn off only on a plain-HTTP local network.
    pub cookie_secure: bool,
    /// Staff roles must use a second factor (TOTP).
    pub require_totp_for_staff: bool,
    pub session: SessionLimits,
    pub login: LoginLimits,
    /// Take the client address from `X-Forwarded-For` (behind a reverse proxy only).
    pub trust_forwarded_for: bool,
    /// How many reverse proxies in front of the server append to `X-Forwarded-For`: the client
    /// address is the entry that many from the right (1: the right-most, the one the only proxy
    /// appended). Entries further left were sent by the client and are never believed.
    pub trusted_proxy_hops: usize,
    /// The server's other settings: the virus scanner run on every uploaded attachment (program
    /// and arguments, the file's path appended; `crate::scan`).
    pub scan_command: Option<String>,
    /// The mail relay notices are also sent through (`crate::mail`); none: the inbox only.
    pub mail: Option<crate::mail::MailConfig>,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            cookie_secure: true,
            require_totp_for_staff: false,
            session: SessionLimits::default(),
            login: LoginLimits::default(),
            trust_forwarded_for: false,
            trusted_proxy_hops: 1,
            scan_command: None,
            mail: None,
        }
    }
}

/// What every handler's state holds, shared: every middleware layer and handler takes a copy per
/// request, which is then one reference count, not one per field.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The state itself. The store is private to this module.
pub struct Shared {
    store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub auth: Arc<AuthConfig>,
    /// The imports in progress (`/import`).
    pub imports: Arc<crate::import_jobs::ImportJobs>,
    /// Pages' data kept a moment per account (the handbook home).
    pub pages: Arc<crate::page_cache::PageCache>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, auth: AuthConfig) -> Self {
        AppState(Arc::new(Shared { store, clock, auth: Arc::new(auth), imports: Arc::default(), pages: Arc::default() }))
    }

    /// Today in Vietnam.
    pub fn today(&self) -> NaiveDate {
        storage::vietnam_today(self.clock.now())
    }

    /// The store's pools, index and audit trail for `/metrics`, within 5 s.
    pub async fn service_stats(&self) -> Result<storage::ServiceStats, String> {
        within_5s(self.store.service_stats()).await
    }

    /// Whether this server may take requests (for `/readyz`), within 5 s.
    pub async fn readiness(&self) -> Result<storage::Readiness, String> {
        within_5s(self.store.readiness()).await
    }
}

/// The store's answer to an operator's check (`/readyz`, `/metrics`), or why there is none: an
/// error, or no answer within 5 s.
async fn within_5s<T>(answer: impl std::future::Future<Output = storage::Result<T>>) -> Result<T, String> {
    match tokio::time::timeout(Duration::from_secs(5), answer).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("no answer within 5 s".into()),
    }
}

/// The session behind a page request, as the layout and the forms need it.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub id_hash: String,
    pub stage: SessionStage,
    pub csrf: String,
    pub display_name: String,
    pub must_change_password: bool,
    pub account_id: i64,
    /// The second-factor secret this session was offered at enrolment (base32), if any.
    totp_pending: Option<String>,
}

impl SessionInfo {
    /// The second-factor secret this session was offered and has not yet confirmed.
    pub(crate) fn pending_totp_secret(&self) -> Option<auth::totp::Secret> {
        self.totp_pending.as_deref().and_then(|b| auth::totp::Secret::from_base32(b).ok())
    }
}

/// The secret to offer at enrolment: the one this session was already offered (so reloading the
/// page shows the same QR code), or a new one generated here and kept with the session. The
/// server alone chooses it: the enrolment form never carries it back.
pub(crate) async fn offered_totp_secret(state: &AppState, session: &SessionInfo) -> Result<auth::totp::Secret, AppError> {
    match session.pending_totp_secret() {
        Some(secret) => Ok(secret),
        None => fresh_totp_secret(state, session).await,
    }
}

/// A new secret for this session's enrolment, replacing any it was offered before.
pub(crate) async fn fresh_totp_secret(state: &AppState, session: &SessionInfo) -> Result<auth::totp::Secret, AppError> {
    let secret = auth::totp::Secret::generate().map_err(|_| AppError::internal())?;
    state.store.set_session_totp_pending(&session.id_hash, Some(&secret.to_base32())).await?;
    Ok(secret)
}

/// Revokes one of the caller's own tokens (the account page and `DELETE /api/v1/tokens/{id}`); a
/// token already revoked counts as done (so revoking is idempotent), another person's token or an
/// unknown id is [`StoreError::NotFound`].
pub(crate) async fn revoke_own_token(s: &Access, id: i64) -> Result<(), StoreError> {
    let own = s.own_account();
    match own.revoke_token(id).await {
        Err(StoreError::NotFound) if own.tokens().await?.iter().any(|t| t.id == id && t.revoked_at.is_some()) => Ok(()),
        other => other,
    }
}

/// The anti-forgery token of a visitor who is not logged in (from [`PRELOGIN_COOKIE`]).
#[derive(Debug, Clone)]
pub struct PreloginToken(pub String);

/// A session cookie that named an expired session (the login page says so).
#[derive(Debug, Clone, Copy)]
pub struct SessionExpired;

/// The extractor of the caller's [`Access`] (401 when nobody is logged in). Handlers receive this,
/// never the store.
#[derive(Clone)]
pub struct Caller(pub Access);

impl std::ops::Deref for Caller {
    type Target = Access;

    fn deref(&self) -> &Access {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Access>().cloned().map(Caller).ok_or_else(AppError::unauthorized)
    }
}

/// The unread notices of an account, for the inbox badge.
struct UnreadNotices(i64);

/// The layout of a page as the session knows it: the anti-forgery token, who is logged in and
/// the menu they may use (a visitor before login gets the pre-login token).
impl FromRequestParts<AppState> for Chrome {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let mut chrome = Chrome::from_parts(&parts.headers, &parts.uri);
        // Pages carry the token masked afresh (see `auth::token::mask`), since they are compressed.
        let masked = |token: &str| auth::token::mask(token).unwrap_or_default();
        if let Some(s) = parts.extensions.get::<SessionInfo>() {
            chrome.csrf = masked(&s.csrf);
            chrome.user = Some(s.display_name.clone());
        } else if let Some(t) = parts.extensions.get::<PreloginToken>() {
            chrome.csrf = masked(&t.0);
        }
        if let Some(a) = parts.extensions.get::<Access>() {
            chrome.nav = Nav::of(a);
            // The badge's count: for a member (the handbook, the most read pages), kept a moment
            // (`page_cache`; dropped when the inbox is opened); staff see it exact.
            let account = a.principal().account_id;
            let kept = if a.principal().has_staff_role() { None } else { state.pages.get::<UnreadNotices>(account) };
            chrome.nav.unread = match kept {
                Some(n) => n.0,
                None => {
                    let n = a.inbox().unread().await.unwrap_or(0);
                    state.pages.put(account, Arc::new(UnreadNotices(n)));
                    n
                }
            };
            // The badge: only for someone who acts for a unit (nothing is read otherwise).
            if let Ok(desk) = a.directives()
                && !desk.acts_for().is_empty()
            {
                chrome.nav.to_do = desk.to_do().await.map(|items| items.len()).unwrap_or(0);
            }
        }
        Ok(chrome)
    }
}

pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty() && v.len() <= 200)
}

/// `Set-Cookie` for `name=value` with the security attributes (`max_age` 0 deletes it).
pub(crate) fn set_cookie(config: &AuthConfig, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if config.cookie_secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// The client's address: the socket peer or, when the server is configured to trust its reverse
/// proxies, the address they appended to `X-Forwarded-For` (see [`forwarded_client`]).
pub(crate) fn client_address(config: &AuthConfig, headers: &HeaderMap, extensions: &axum::http::Extensions) -> String {
    if config.trust_forwarded_for
        && let Some(ip) = forwarded_client(headers, config.trusted_proxy_hops)
    {
        return ip.to_string();
    }
    extensions.get::<ConnectInfo<SocketAddr>>().map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

/// The address the trusted proxies saw the request come from: with `hops` proxies, each appends
/// the address it received the request from, so the client's address is the `hops`-th entry from
/// the right of every `X-Forwarded-For` line taken in order. Whatever lies further left the client
/// wrote itself (the first entry is anyone's to forge). `None` — and so the socket peer — when the
/// header has fewer entries, or that entry is not an address (`203.0.113.9`, `2001:db8::1`, or
/// either with a port).
pub(crate) fn forwarded_client(headers: &HeaderMap, hops: usize) -> Option<std::net::IpAddr> {
    let mut entries: Vec<&str> = Vec::new();
    for line in headers.get_all("x-forwarded-for") {
        entries.extend(line.to_str().ok()?.split(',').map(str::trim));
    }
    let index = entries.len().checked_sub(hops.max(1))?;
    let entry = *entries.get(index)?;
    entry.parse::<std::net::IpAddr>().ok().or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

fn request_info(state: &AppState, req: &Request) -> RequestInfo {
    RequestInfo {
        now: state.clock.now(),
        client: Some(client_address(&state.auth, req.headers(), req.extensions())),
        request_id: req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned),
    }
}

/// Middleware: identifies the caller, checks anti-forgery tokens, and adds [`Access`] (and for
/// pages [`SessionInfo`] or [`PreloginToken`]) to the request.
pub async fn authenticate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match identify(&state, req).await {
        Ok((req, set_cookie)) => {
            let actor = req.extensions().get::<Access>().map(|a| a.principal().account_id);
            let mut res = next.run(req).await;
            if let Some(id) = actor {
                res.extensions_mut().insert(crate::access_log::Actor(id));
            }
            if let Some(c) = set_cookie {
                res.headers_mut().append(header::SET_COOKIE, c);
            }
            res
        }
        Err(e) => e.into_response(),
    }
}

async fn identify(state: &AppState, mut req: Request) -> Result<(Request, Option<HeaderValue>), AppError> {
    let path = req.uri().path().to_owned();
    if path.starts_with("/static/") || matches!(path.as_str(), "/healthz" | "/readyz" | "/favicon.ico" | "/sw.js" | "/manifest.webmanifest")
    {
        return Ok((req, None));
    }
    let info = request_info(state, &req);
    if is_api(&path) {
        // The API authenticates only with bearer tokens (so cross-site forms cannot use a cookie).
        if let Some(value) = req.headers().get(header::AUTHORIZATION) {
            let token = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).map(str::trim).unwrap_or("");
            if token.is_empty() || token.len() > 200 {
                return Err(AppError::unauthorized());
            }
            let found = state.store.token(&auth::token::digest(token), info.now).await?;
            let Some(found) = found else { return Err(AppError::unauthorized()) };
            let Some(principal) = state.store.principal(found.account_id).await? else { return Err(AppError::unauthorized()) };
            req.extensions_mut().insert(Access::new(state.store.clone(), principal, info));
        }
        return Ok((req, None));
    }
    let mut set = None;
    let mut expected_csrf = None;
    if let Some(raw) = cookie(req.headers(), SESSION_COOKIE) {
        let id_hash = auth::token::digest(raw);
        match state.store.session_view(&id_hash).await? {
            Some(v) if state.auth.session.is_live(v.session.created_at, v.session.last_seen_at, info.now) => {
                let s = &v.session;
                let principal = if s.stage == SessionStage::Full { v.principal.clone() } else { None };
                match Some(&v.account).filter(|a| !a.disabled) {
                    Some(account) if s.stage != SessionStage::Full || principal.is_some() => {
                        if info.now - s.last_seen_at > chrono::Duration::seconds(60) {
                            state.store.touch_session(&id_hash, info.now).await?;
                        }
                        expected_csrf = Some(s.csrf_token.clone());
                        req.extensions_mut().insert(SessionInfo {
                            id_hash,
                            stage: s.stage,
                            csrf: s.csrf_token.clone(),
                            display_name: account.display_name.clone(),
                            must_change_password: account.must_change_password,
                            account_id: account.id,
                            totp_pending: s.totp_pending.clone(),
                        });
                        if let Some(p) = principal {
                            req.extensions_mut().insert(Access::new(state.store.clone(), p, info.clone()));
                        }
                    }
                    _ => {
                        state.store.delete_session(&id_hash).await?;
                        set = Some(set_cookie(&state.auth, SESSION_COOKIE, "", Some(0)));
                    }
                }
            }
            Some(_) => {
                state.store.delete_session(&id_hash).await?;
                req.extensions_mut().insert(SessionExpired);
                set = Some(set_cookie(&state.auth, SESSION_COOKIE, "", Some(0)));
            }
            None => {
                req.extensions_mut().insert(SessionExpired);
                set = Some(set_cookie(&state.auth, SESSION_COOKIE, "", Some(0)));
            }
        }
    }
    if expected_csrf.is_none() {
        match cookie(req.headers(), PRELOGIN_COOKIE).map(str::to_owned) {
            Some(t) => {
                expected_csrf = Some(t.clone());
                req.extensions_mut().insert(PreloginToken(t));
            }
            None => {
                let t = auth::token::random_token("").map_err(|_| AppError::internal())?;
                req.extensions_mut().insert(PreloginToken(t.clone()));
                set = Some(set_cookie(&state.auth, PRELOGIN_COOKIE, &t, None));
            }
        }
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        req = check_forgery(req, expected_csrf.as_deref()).await?;
    }
    Ok((req, set))
}

/// Refuses a state-changing page request from another site (`Origin`, `Sec-Fetch-Site`) or
/// without the anti-forgery token of its session (form field `_csrf` or header `X-CSRF-Token`).
async fn check_forgery(req: Request, expected: Option<&str>) -> Result<Request, AppError> {
    let headers = req.headers();
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()).is_some_and(|v| v == "cross-site" || v == "same-site") {
        return Err(AppError::csrf());
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        let origin_host = origin.split_once("://").map_or("", |(_, rest)| rest);
        if origin == "null" || origin_host != host {
            return Err(AppError::csrf());
        }
    }
    let Some(expected) = expected else { return Err(AppError::csrf()) };
    if let Some(h) = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        return if csrf_matches(h, expected) { Ok(req) } else { Err(AppError::csrf()) };
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, body_limit(parts.uri.path()))
        .await
        .map_err(|_| AppError::for_status(axum::http::StatusCode::PAYLOAD_TOO_LARGE))?;
    let multipart = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).and_then(|v| multer::parse_boundary(v).ok());
    let sent = match multipart {
        Some(boundary) => multipart_value(bytes.clone(), boundary, CSRF_FIELD).await,
        None => form_urlencoded_value(&bytes, CSRF_FIELD),
    };
    if !sent.is_some_and(|s| csrf_matches(&s, expected)) {
        return Err(AppError::csrf());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// Whether a sent anti-forgery token is the session's: as a page carries it (masked) or as is.
fn csrf_matches(sent: &str, expected: &str) -> bool {
    auth::token::constant_time_eq(sent, expected) || auth::token::unmask(sent).is_some_and(|t| auth::token::constant_time_eq(&t, expected))
}

/// The first value of `name` in an `application/x-www-form-urlencoded` body.
fn form_urlencoded_value(body: &[u8], name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// The first text value of `name` in a `multipart/form-data` body (an upload form).
async fn multipart_value(body: axum::body::Bytes, boundary: String, name: &str) -> Option<String> {
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut parts = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = parts.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

/// Middleware: security headers on every response.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let secure_static = req.uri().path().starts_with("/static/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    set(
        h,
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'",
    );
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    set(h, "referrer-policy", "same-origin");
    set(h, "permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()");
    set(h, "cross-origin-opener-policy", "same-origin");
    if !secure_static {
        // Pages and API answers carry personal data: never cache them.
        set(h, "cache-control", "no-store");
    }
    res
}

fn set(h: &mut HeaderMap, name: &'static str, value: &'static str) {
    if !h.contains_key(name) {
        h.insert(name, HeaderValue::from_static(value));
    }
}

/// Adds `Strict-Transport-Security` when cookies are HTTPS-only (the site is served over HTTPS).
pub async fn hsts(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if state.auth.cookie_secure {
        res.headers_mut().insert("strict-transport-security", HeaderValue::from_static("max-age=31536000"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(lines: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for l in lines {
            h.append("x-forwarded-for", HeaderValue::from_str(l).unwrap());
        }
        h
    }

    #[test]
    fn the_forwarded_client_is_what_the_trusted_proxies_appended() {
        let ip = |s: &str| Some(s.parse::<std::net::IpAddr>().unwrap());
        // (header lines, trusted hops, address believed)
        let cases: &[(&[&str], usize, Option<std::net::IpAddr>)] = &[
            (&["198.51.100.7"], 1, ip("198.51.100.7")),
            // The client wrote the first entry; the proxy appended the last.
            (&["203.0.113.9, 198.51.100.7"], 1, ip("198.51.100.7")),
            (&["203.0.113.9, 198.51.100.7"], 2, ip("203.0.113.9")),
            (&["1.1.1.1, 203.0.113.9, 198.51.100.7, 10.0.0.2"], 2, ip("198.51.100.7")),
            // Several header lines read as one list, in order.
            (&["1.1.1.1, 203.0.113.9", "198.51.100.7"], 1, ip("198.51.100.7")),
            (&["1.1.1.1", "203.0.113.9, 198.51.100.7"], 2, ip("203.0.113.9")),
            (&["2001:db8::1"], 1, ip("2001:db8::1")),
            (&["[2001:db8::1]:4711"], 1, ip("2001:db8::1")),
            (&["198.51.100.7:4711"], 1, ip("198.51.100.7")),
            // Zero hops make no sense: read as one.
            (&["203.0.113.9, 198.51.100.7"], 0, ip("198.51.100.7")),
            // Malformed or missing: the socket peer.
            (&["203.0.113.9, nonsense"], 1, None),
            (&["203.0.113.9, "], 1, None),
            (&["unknown"], 1, None),
            (&["198.51.100.7"], 2, None),
            (&[], 1, None),
        ];
        for (lines, hops, want) in cases {
            assert_eq!(forwarded_client(&headers(lines), *hops), *want, "{lines:?} with {hops} hops");
        }
    }
}
