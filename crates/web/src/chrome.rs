//! What the layout (`templates/base.html`) needs on every page, error pages included: the title,
//! the large-text preference, the current address, who is logged in with the menu they may use,
//! the anti-forgery token, and the addresses of the stylesheet and the script. The session fills
//! in the person and the count of what their units have to do (`session`'s extractor for
//! [`Chrome`]); nothing here reads the store.

use axum::http::{HeaderMap, Uri, header};
use storage::access::Access;

use crate::format;

/// The stylesheet's URL (served by `assets`; bump the number when the file changes, so
/// browsers may cache it forever).
pub const CSS_PATH: &str = "/static/app-15.css";
/// The script's URL (the same rule).
pub const JS_PATH: &str = "/static/app-3.js";
/// The hidden field carrying the anti-forgery token in every form that posts.
pub const CSRF_FIELD: &str = "_csrf";

/// What the layout needs on every page: the title, the large-text preference, the current
/// address (for the text-size toggle to come back to), who is logged in with what they may open,
/// and the anti-forgery token every form carries.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    pub title: String,
    pub large_text: bool,
    /// Path and query of the current page.
    pub here: String,
    /// The anti-forgery token (hidden field `_csrf` of every form that posts).
    pub csrf: String,
    /// The logged-in person's name (none on the login pages).
    pub user: Option<String>,
    pub nav: Nav,
    /// What the form just posted saved, shown once (`notice`).
    pub notice: Option<&'static str>,
}

/// Which menu entries the person may use.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    /// Where the logo leads: the person's home ([`Home`]).
    pub home: String,
    pub register: bool,
    pub write: bool,
    pub admin: bool,
    /// The member's own record (the handbook).
    pub own_member: Option<i64>,
    /// Directives (any staff role).
    pub directives: bool,
    /// What the units the person acts for still have to do (directives not opened, tasks not
    /// done): the badge beside the menu, on every page.
    pub to_do: usize,
    /// Unread notices (`/inbox`): the other badge, for everyone logged in.
    pub unread: i64,
}

impl Nav {
    pub fn of(access: &Access) -> Nav {
        use domain::access::{Capability, Role};
        let p = access.principal();
        Nav {
            home: Home::of(p).href(),
            register: p.grants.iter().any(|g| g.role != Role::Member),
            write: access.can(Capability::WriteRegister),
            admin: access.can(Capability::Administer),
            own_member: p.member.map(|m| m.0),
            directives: p.grants.iter().any(|g| g.role != Role::Member),
            to_do: 0,
            unread: 0,
        }
    }
}

/// Where a person lands and where the logo leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Home {
    /// The staff home page (`/`).
    Staff,
    /// A chi bộ secretary's board of their chi bộ.
    Board(domain::ids::UnitId),
    /// A member's own record.
    OwnRecord(i64),
    /// An account with no role yet: its own page.
    Account,
}

impl Home {
    pub fn of(p: &domain::access::Principal) -> Home {
        let staff: Vec<_> = p.grants.iter().filter(|g| g.role != domain::access::Role::Member).collect();
        match staff.as_slice() {
            [] => p.member.map_or(Home::Account, |m| Home::OwnRecord(m.0)),
            [g] if g.role == domain::access::Role::CellSecretary => g.unit.map_or(Home::Account, Home::Board),
            _ => Home::Staff,
        }
    }

    pub fn href(&self) -> String {
        match self {
            Home::Staff => "/".to_owned(),
            Home::Board(u) => format!("/units/{u}/admission"),
            Home::OwnRecord(_) => "/handbook".to_owned(),
            Home::Account => "/account".to_owned(),
        }
    }
}

impl Chrome {
    /// Reads the preference cookie and the address from a request.
    pub fn from_parts(headers: &HeaderMap, uri: &Uri) -> Chrome {
        let large_text = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .any(|c| c.trim() == "text=large");
        let here = uri.path_and_query().map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned());
        Chrome { large_text, here, notice: crate::notice::message(headers), ..Chrome::default() }
    }

    /// The hidden anti-forgery field, for templates: `{{ chrome.csrf_field()|safe }}`.
    pub fn csrf_field(&self) -> String {
        format!(r#"<input type="hidden" name="{}" value="{}">"#, CSRF_FIELD, self.csrf)
    }

    pub fn titled(mut self, title: impl Into<String>) -> Chrome {
        self.title = title.into();
        self
    }

    /// The link that switches the text size and comes back here.
    pub fn toggle_href(&self) -> String {
        let size = if self.large_text { "normal" } else { "large" };
        format!("/prefs/text{}", format::query_string(&[("size", size), ("back", &self.here)]))
    }

    pub fn css(&self) -> &'static str {
        CSS_PATH
    }

    pub fn js(&self) -> &'static str {
        JS_PATH
    }
}
