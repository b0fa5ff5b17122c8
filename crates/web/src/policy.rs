//! The access every route requires ([`Policy`]), the declaration of a route with its policy
//! ([`Route`]), and the check made before each handler (`enforce`). The route table itself is
//! `crate::routes`, from which the router is built (each handler behind its check): a route
//! cannot exist without a policy. The authorization test walks the same table
//! (`crate::route_table`, in `crates/dangvu/tests/it/authz.rs`).
//!
//! A policy says which capability a route needs *somewhere*; whether the particular record is
//! within reach is decided by the scoped handles of [`storage::access`] (outside the scope: 404).

use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::MethodRouter;
use domain::access::Capability;
use domain::ids::{MemberId, UnitId};
use storage::access::Access;
use storage::{ScopeTarget, SessionStage};

use crate::error::AppError;
use crate::format;
use crate::session::{AppState, SessionInfo};

/// What a route requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Anyone, logged in or not (login, assets, health, the API description).
    Public,
    /// Any logged-in person (logout, their own account, the handbook).
    LoggedIn,
    /// A logged-in person holding a staff role, the administrator's included: anything but the
    /// member role alone (API tokens are tools of the staff's work).
    Staff,
    /// A logged-in person with a grant carrying this capability.
    Needs(Capability),
}

/// One method on one path, its handler and its policy.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub policy: Policy,
    handler: MethodRouter<AppState>,
}

impl Route {
    fn new(method: Method, path: &'static str, policy: Policy, handler: MethodRouter<AppState>) -> Route {
        Route { method, path, policy, handler }
    }

    pub fn get<H, T>(path: &'static str, policy: Policy, h: H) -> Route
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        Route::new(Method::GET, path, policy, axum::routing::get(h))
    }

    pub fn post<H, T>(path: &'static str, policy: Policy, h: H) -> Route
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        Route::new(Method::POST, path, policy, axum::routing::post(h))
    }

    pub fn put<H, T>(path: &'static str, policy: Policy, h: H) -> Route
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        Route::new(Method::PUT, path, policy, axum::routing::put(h))
    }

    pub fn delete<H, T>(path: &'static str, policy: Policy, h: H) -> Route
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        Route::new(Method::DELETE, path, policy, axum::routing::delete(h))
    }

    /// The path and the handler behind its policy check (`enforce`), for the router.
    pub fn guarded(self) -> (&'static str, MethodRouter<AppState>) {
        let (policy, pattern) = (self.policy, self.path);
        let handler = self.handler.layer(axum::middleware::from_fn(move |req: Request, next: Next| enforce(policy, pattern, req, next)));
        (self.path, handler)
    }
}

/// Where a page request without a full login goes: the pending login step, or the login page.
fn to_login(req: &Request) -> Response {
    if let Some(s) = req.extensions().get::<SessionInfo>() {
        match s.stage {
            SessionStage::Totp => return Redirect::to("/login/totp").into_response(),
            SessionStage::Enroll => return Redirect::to("/login/enroll").into_response(),
            SessionStage::Full => {}
        }
    }
    let here = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
    if *req.method() == Method::GET {
        Redirect::to(&format!("/login{}", format::query_string(&[("next", here)]))).into_response()
    } else {
        AppError::unauthorized().into_response()
    }
}

/// The member or unit a path names (`/members/{id}…`, `/api/v1/units/{id}…`): `Some(None)` when
/// the id is not a number.
fn path_target(pattern: &str, path: &str) -> Option<Option<ScopeTarget>> {
    let mut previous = "";
    for (p, actual) in pattern.split('/').zip(path.split('/')) {
        if p == "{id}" {
            let id = actual.parse::<i64>().ok().filter(|v| *v > 0);
            return match previous {
                "members" => Some(id.map(|v| ScopeTarget::Member(MemberId(v)))),
                "units" => Some(id.map(|v| ScopeTarget::Unit(UnitId(v)))),
                _ => None,
            };
        }
        previous = p;
    }
    None
}

/// Whether `capability` reaches the record: outside the read scope it does not exist (404);
/// readable but not reachable with this capability is forbidden (403).
async fn check_target(access: &Access, capability: Capability, target: Option<ScopeTarget>) -> Result<(), AppError> {
    let Some(target) = target else { return Err(AppError::not_found()) };
    let reaches = |c| async move {
        match target {
            ScopeTarget::Member(m) => access.may_on_member(c, m).await,
            // A predecessor read by historical reach passes here; the handler's scoped handle
            // checks the day asked (docs/design/access.md, "Historical reach").
            ScopeTarget::Unit(u) if c == Capability::ReadRegister => access.may_read_unit_history(u).await,
            ScopeTarget::Unit(u) => access.may_on_unit(c, u).await,
            ScopeTarget::UnitOn(u, on) => c == Capability::ReadRegister && access.may_read_unit_on(u, on).await,
        }
    };
    if reaches(capability).await {
        Ok(())
    } else if capability != Capability::ReadRegister && reaches(Capability::ReadRegister).await {
        Err(AppError::forbidden())
    } else {
        Err(AppError::not_found())
    }
}

/// Whether `policy` lets this caller through on `target` (the member or unit the path names,
/// `Some(None)` for an id that is not one): the check made before every handler, and the one
/// pages ask before they offer a link ([`may`]).
async fn admits(access: &Access, policy: Policy, target: Option<Option<ScopeTarget>>) -> Result<(), AppError> {
    match policy {
        Policy::Public | Policy::LoggedIn => Ok(()),
        Policy::Staff if access.principal().has_staff_role() => Ok(()),
        Policy::Staff => Err(AppError::forbidden()),
        Policy::Needs(capability) if !access.can(capability) => Err(AppError::forbidden()),
        // A route that names a member or a unit is checked against the scope before its handler
        // reads any input (the scoped handles check again: defence in depth).
        Policy::Needs(capability) => match target {
            Some(target) => check_target(access, capability, target).await,
            None => Ok(()),
        },
    }
}

/// The policy of each route of the table, by method and path pattern.
fn policy_of(method: &Method, pattern: &str) -> Option<Policy> {
    static TABLE: std::sync::OnceLock<Vec<(Method, &'static str, Policy)>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(crate::route_table);
    table.iter().find(|(m, p, _)| m == method && *p == pattern).map(|(_, _, policy)| *policy)
}

/// Whether this caller may follow `method pattern` (a path of the route table, `{id}` and all)
/// for `target`, the member or unit its `{id}` names: the route's own policy and scope check,
/// asked before a page offers a link or a button (a route missing from the table: no).
/// Handlers that authorize further inside (the admission desk's file and decide scopes, the
/// unit manager's top level) add their own question next to this one.
pub async fn may(access: &Access, method: Method, pattern: &str, target: Option<ScopeTarget>) -> bool {
    let Some(policy) = policy_of(&method, pattern) else {
        debug_assert!(false, "no route {method} {pattern}");
        return false;
    };
    // Only member and unit paths are checked against the scope (`path_target`).
    let target = path_target(pattern, pattern).map(|_| target);
    admits(access, policy, target).await.is_ok()
}

/// [`may`] for a `GET` of a page.
pub async fn may_open(access: &Access, pattern: &str, target: Option<ScopeTarget>) -> bool {
    may(access, Method::GET, pattern, target).await
}

async fn enforce(policy: Policy, pattern: &'static str, req: Request, next: Next) -> Response {
    if policy == Policy::Public {
        return next.run(req).await;
    }
    let api = req.uri().path().starts_with("/api/");
    let Some(access) = req.extensions().get::<Access>() else {
        return if api { AppError::unauthorized().into_response() } else { to_login(&req) };
    };
    // A password set by an administrator must be replaced before anything else.
    if !api
        && req.extensions().get::<SessionInfo>().is_some_and(|s| s.must_change_password)
        && !matches!(req.uri().path(), "/account/password" | "/logout")
    {
        return Redirect::to("/account/password").into_response();
    }
    if let Err(e) = admits(access, policy, path_target(pattern, req.uri().path())).await {
        return e.into_response();
    }
    next.run(req).await
}
