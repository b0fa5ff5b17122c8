//! Member pages: the list and search (`list`), the member record with its event timeline
//! (`record`), adding a member and editing identity data (`form`); the member table rows and the
//! pager, which the unit pages show too, are here.

mod form;
mod list;
mod record;

use chrono::NaiveDate;
use storage::{MemberListItem, MemberPage};

use crate::format;
use crate::pages::Link;
use crate::policy::{Policy, Route};
use domain::access::Capability;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/members", Policy::Needs(Capability::ReadRegister), list::list),
        Route::post("/members", Policy::Needs(Capability::WriteRegister), form::create),
        Route::get("/members/new", Policy::Needs(Capability::WriteRegister), form::new_form),
        Route::get("/members/{id}", Policy::Needs(Capability::ReadRegister), record::detail),
        Route::get("/members/{id}/edit", Policy::Needs(Capability::WriteRegister), form::edit_form),
        Route::post("/members/{id}/edit", Policy::Needs(Capability::WriteRegister), form::edit),
    ]
}

/// One line of a member table.
#[derive(Debug, Clone)]
pub struct MemberRow {
    /// The record's page; `None` for a member listed on a predecessor's list whose record now
    /// belongs outside the reader's scope (it would answer as missing).
    pub href: Option<String>,
    pub full_name: String,
    pub gender: &'static str,
    pub birth_date: String,
    pub status: &'static str,
    pub unit: Option<Link>,
    pub card: String,
    /// In temporary activity elsewhere that day: where.
    pub temporarily_at: Option<String>,
}

impl MemberRow {
    /// Rows for a list on `as_of` (unit links keep the date when it is not today; a unit this
    /// person may not open is named without a link).
    pub async fn list(access: &storage::access::Access, items: &[MemberListItem], as_of: NaiveDate, today: NaiveDate) -> Vec<MemberRow> {
        let suffix = if as_of == today { String::new() } else { format::query_string(&[("as_of", &format::date(as_of))]) };
        let names = crate::picker::distinct_names(items.iter().map(|m| (m.unit_id, m.unit_name.as_deref().unwrap_or_default())));
        let mut opens: std::collections::HashMap<domain::ids::UnitId, bool> = std::collections::HashMap::new();
        let mut rows = Vec::new();
        for (m, name) in items.iter().zip(names) {
            let unit = match m.unit_id {
                Some(u) => {
                    let label = if name.is_empty() { format!("Tổ chức {u}") } else { name };
                    let open = match opens.get(&u) {
                        Some(o) => *o,
                        None => {
                            let o = !Link::unit(access, u, "", String::new()).await.href.is_empty();
                            opens.insert(u, o);
                            o
                        }
                    };
                    Some(Link { href: if open { format!("/units/{u}{suffix}") } else { String::new() }, label })
                }
                None => None,
            };
            rows.push(MemberRow {
                href: m.readable.then(|| format!("/members/{}", m.id.0)),
                full_name: m.full_name.clone(),
                gender: m.gender.label(),
                birth_date: format::date(m.birth_date),
                status: m.status.label(),
                unit,
                card: m.party_card_number.clone().unwrap_or_default(),
                temporarily_at: m.temporarily_at.clone(),
            });
        }
        rows
    }
}

/// "Trang x/y" with previous and next links.
#[derive(Debug, Clone)]
pub struct Pager {
    pub label: String,
    pub total: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn new(page: &MemberPage, href: impl Fn(usize) -> String) -> Pager {
        Pager::of(page.page, page.page_count(), page.total, href)
    }

    /// Page `page` of `count` pages holding `total` rows in all.
    pub fn of(page: usize, count: usize, total: usize, href: impl Fn(usize) -> String) -> Pager {
        Pager {
            label: format!("Trang {}/{}", format::count(page), format::count(count)),
            total: format::count(total),
            prev: (page > 1).then(|| href(page.min(count + 1) - 1)),
            next: (page < count).then(|| href(page + 1)),
        }
    }

    pub fn empty() -> Pager {
        Pager { label: String::new(), total: "0".to_owned(), prev: None, next: None }
    }
}
