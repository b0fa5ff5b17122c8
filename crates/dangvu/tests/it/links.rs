//! A page offers only what will work (ui.md "Offer only what will work"): for accounts like the
//! demo's — the administrator, province staff, commune staff, a chi bộ secretary and a member —
//! the main pages and the pages their links lead to (depth 2, bounded) carry no link and no form
//! that answers 403 or 404 to that person; the member sees none of the staff's buttons; each role
//! lands on its own home.

use std::collections::{HashMap, HashSet, VecDeque};

use domain::access::{Grant, Role};
use domain::ids::{MemberId, UnitId};
use domain::unit::UnitKind;
use storage::MemberQuery;
use storage::prelude::*;
use web::policy::Policy;

use crate::http_on_both_engines;
use crate::support::{self, App};

http_on_both_engines!(300; every_link_answers_for_every_role);

/// Units and a member like the demo's: the province, a commune, one of its chi bộ and a member
/// of it.
struct Picks {
    province: UnitId,
    commune: UnitId,
    cell: UnitId,
    member: MemberId,
}

async fn picks(store: &dyn Store) -> Picks {
    let today = support::today();
    let roots = store.children(None, today).await.unwrap();
    let province = roots.iter().find(|n| n.unit.kind == UnitKind::Province).expect("a province").unit.id;
    for commune in store.subtree(province, today).await.unwrap().into_iter().filter(|u| u.kind == UnitKind::Commune) {
        for cell in store.subtree(commune.id, today).await.unwrap().into_iter().filter(|u| u.kind.holds_members()) {
            let page = store.find_members(&MemberQuery { unit: Some(cell.id), per_page: 1, ..MemberQuery::new(today) }).await.unwrap();
            if let Some(m) = page.items.first() {
                return Picks { province, commune: commune.id, cell: cell.id, member: m.id };
            }
        }
    }
    panic!("no commune with a chi bộ holding members");
}

/// One person of the crawl.
struct Person {
    username: &'static str,
    role: Role,
    /// Where the logo must lead.
    home: String,
    /// The pages the crawl starts from.
    starts: Vec<String>,
}

/// The pages the crawl does not fetch: logging out, the text-size switch, assets, the API.
fn skipped(path: &str) -> bool {
    ["/logout", "/prefs/", "/static/", "/api/", "/favicon"].iter().any(|p| path.starts_with(p)) || !path.starts_with('/')
}

/// `&#38;` and `&amp;` back to `&` (askama escapes attribute values).
fn unescape(s: &str) -> String {
    s.replace("&#38;", "&").replace("&amp;", "&").replace("&#x2F;", "/").replace("&#47;", "/")
}

/// The value of attribute `name` in a tag's text.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    Some(unescape(tag[start..].split('"').next()?))
}

/// Every link (`href`) of a page, and every form as (method, action).
fn links_and_forms(html: &str) -> (Vec<String>, Vec<(String, String)>) {
    let mut links = Vec::new();
    let mut forms = Vec::new();
    for tag in html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        if tag.starts_with("a ") {
            if let Some(h) = attribute(tag, "href") {
                links.push(h);
            }
        } else if tag.starts_with("form ") {
            let method = attribute(tag, "method").unwrap_or_else(|| "get".into()).to_lowercase();
            forms.push((method, attribute(tag, "action").unwrap_or_default()));
        }
    }
    (links, forms)
}

/// The shape of a link (numbers and query values left out): the crawl fetches a few of each.
fn shape(url: &str) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let path: String =
        path.split('/').map(|s| if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() { "N" } else { s }).collect::<Vec<_>>().join("/");
    let mut keys: Vec<&str> = query.split('&').filter_map(|kv| kv.split('=').next()).filter(|k| *k != "page").collect();
    keys.sort_unstable();
    format!("{path}?{}", keys.join("&"))
}

/// Whether `path` matches a route pattern of the table (`{…}` is any one segment).
fn matches(pattern: &str, path: &str) -> bool {
    let (p, a): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == a.len() && p.iter().zip(&a).all(|(p, a)| p.starts_with('{') || p == a)
}

/// The policy the route table gives a posted form: `None` when no route takes it.
fn post_policy(path: &str) -> Option<Policy> {
    let table = web::route_table();
    // An exact route before one with a placeholder (`/units/new` before `/units/{id}/{op}`).
    let posts: Vec<_> = table.iter().filter(|(m, _, _)| m.as_str() == "POST").collect();
    posts.iter().find(|(_, p, _)| *p == path).or_else(|| posts.iter().find(|(_, p, _)| matches(p, path))).map(|(_, _, policy)| *policy)
}

struct Crawl<'a> {
    app: &'a App,
    client: reqwest::Client,
    person: &'a Person,
    seen: HashSet<String>,
    shapes: HashMap<String, usize>,
    failures: Vec<String>,
    pages: usize,
}

/// The most pages one person's crawl fetches, and the most of one shape.
const MAX_PAGES: usize = 160;
const PER_SHAPE: usize = 3;

impl Crawl<'_> {
    /// Fetches `url` (following one redirect): its status and body.
    async fn fetch(&mut self, url: &str) -> (u16, String, String) {
        self.pages += 1;
        let r = self.client.get(self.app.url(url)).send().await.expect("GET");
        let mut status = r.status().as_u16();
        let mut at = url.to_owned();
        let mut body = String::new();
        if status == 303 || status == 302 {
            let to = r.headers()["location"].to_str().unwrap().to_owned();
            let r = self.client.get(self.app.url(&to)).send().await.expect("GET");
            status = r.status().as_u16();
            body = r.text().await.unwrap_or_default();
            at = to;
        } else {
            body.push_str(&r.text().await.unwrap_or_default());
        }
        (status, at, body)
    }

    fn check(&mut self, status: u16, what: &str, from: &str) {
        if status == 403 || status == 404 || status >= 500 {
            self.failures.push(format!("{}: {what} (on {from}) answers {status}", self.person.username));
        }
    }

    /// Whether this link is to be fetched (new, not skipped, its shape not fetched enough yet).
    fn wanted(&mut self, url: &str) -> bool {
        if skipped(url) || self.pages >= MAX_PAGES || !self.seen.insert(url.to_owned()) {
            return false;
        }
        let n = self.shapes.entry(shape(url)).or_default();
        *n += 1;
        *n <= PER_SHAPE
    }

    async fn run(&mut self) {
        let mut queue: VecDeque<(String, String, usize)> = self.person.starts.iter().map(|s| (s.clone(), "start".to_owned(), 0)).collect();
        for s in &self.person.starts {
            self.seen.insert(s.clone());
        }
        while let Some((url, from, depth)) = queue.pop_front() {
            let (status, at, body) = self.fetch(&url).await;
            self.check(status, &url, &from);
            if depth == 0 && status != 200 {
                self.failures.push(format!("{}: start page {url} answers {status}", self.person.username));
            }
            // Pages only (downloads have no links).
            if status != 200 || depth >= 2 || !body.starts_with("<!DOCTYPE html>") {
                continue;
            }
            if self.person.role == Role::Member {
                for staff in
                    ["Ghi nhận sự kiện", "Sửa lý lịch", "Đính chính", "Thành lập", "Thêm đảng viên", "Mã truy cập API", "Tạo mã truy cập"]
                {
                    if body.contains(staff) {
                        self.failures.push(format!("member: {at} offers “{staff}”"));
                    }
                }
            }
            let brand = body.split("class=\"brand\"").nth(1).and_then(|t| attribute(t.split('>').next().unwrap_or_default(), "href"));
            if brand.as_deref() != Some(self.person.home.as_str()) {
                self.failures.push(format!("{}: the logo on {at} leads to {brand:?}, not {}", self.person.username, self.person.home));
            }
            let (links, forms) = links_and_forms(&body);
            for link in links {
                let link = link.split('#').next().unwrap_or_default().to_owned();
                if self.wanted(&link) {
                    queue.push_back((link, at.clone(), depth + 1));
                }
            }
            for (method, action) in forms {
                let action = if action.is_empty() { at.split('?').next().unwrap_or_default().to_owned() } else { action };
                if skipped(&action) {
                    continue;
                }
                if method == "get" || web::route_table().iter().any(|(m, p, _)| m.as_str() == "GET" && matches(p, &action)) {
                    // The form's page (or the list it filters) opens for this person.
                    if self.seen.insert(format!("form {action}")) {
                        let (status, _, _) = self.fetch(&action).await;
                        self.check(status, &format!("the page of form {action}"), &at);
                    }
                    continue;
                }
                // A form with no page of its own: the route's policy lets this person post it.
                let allowed = match post_policy(&action) {
                    None => false,
                    Some(Policy::Public | Policy::LoggedIn) => true,
                    Some(Policy::Staff) => self.person.role != Role::Member,
                    Some(Policy::Needs(c)) => self.person.role.allows(c),
                };
                if !allowed {
                    self.failures.push(format!("{}: form {action} on {at} is not theirs to post", self.person.username));
                }
            }
        }
    }
}

async fn every_link_answers_for_every_role(app: &App) {
    let p = picks(app.store.as_ref()).await;
    let store = app.store.as_ref();
    let (province, commune, cell, member) = (p.province, p.commune, p.cell, p.member.0);
    support::account(store, "l.admin", vec![Grant { role: Role::Admin, unit: None }], None).await;
    support::account(store, "l.tinh", vec![Grant { role: Role::OrgBoardStaff, unit: Some(province) }], None).await;
    support::account(store, "l.xa", vec![Grant { role: Role::OrgBoardStaff, unit: Some(commune) }], None).await;
    support::account(store, "l.bithu", vec![Grant { role: Role::CellSecretary, unit: Some(cell) }], None).await;
    support::account(store, "l.dangvien", vec![Grant { role: Role::Member, unit: None }], Some(p.member)).await;
    let staff_pages = |top: UnitId| -> Vec<String> {
        vec![
            "/".into(),
            "/units".into(),
            format!("/units/{top}"),
            format!("/units/{commune}"),
            format!("/units/{cell}"),
            "/members".into(),
            format!("/members/{member}"),
            "/reports/counts".into(),
            "/reports/movements".into(),
            "/reports/admissions".into(),
            "/admission".into(),
            "/admission/worklist".into(),
            "/admission/targets".into(),
            format!("/units/{cell}/admission"),
            "/account".into(),
        ]
    };
    let people = vec![
        Person { username: "l.admin", role: Role::Admin, home: "/".into(), starts: staff_pages(province) },
        Person { username: "l.tinh", role: Role::OrgBoardStaff, home: "/".into(), starts: staff_pages(province) },
        Person { username: "l.xa", role: Role::OrgBoardStaff, home: "/".into(), starts: staff_pages(commune) },
        Person {
            username: "l.bithu",
            role: Role::CellSecretary,
            home: format!("/units/{cell}/admission"),
            starts: vec![
                "/".into(),
                format!("/units/{cell}"),
                format!("/units/{cell}/admission"),
                "/members".into(),
                format!("/members/{member}"),
                "/reports/counts".into(),
                "/admission".into(),
                "/account".into(),
            ],
        },
        Person {
            username: "l.dangvien",
            role: Role::Member,
            // A member lands on their handbook.
            home: "/handbook".into(),
            starts: vec!["/".into(), "/handbook".into(), format!("/members/{member}"), "/account".into()],
        },
    ];
    let mut failures = Vec::new();
    for person in &people {
        let client = support::browser();
        let res = support::login(&app.base, &client, person.username, support::PASSWORD).await;
        assert_eq!(res.status().as_u16(), 303, "login of {}", person.username);
        let mut crawl = Crawl { app, client, person, seen: HashSet::new(), shapes: HashMap::new(), failures: Vec::new(), pages: 0 };
        crawl.run().await;
        assert!(crawl.pages > person.starts.len(), "{} crawled {} pages", person.username, crawl.pages);
        failures.append(&mut crawl.failures);
    }
    assert!(failures.is_empty(), "{} broken offers:\n{}", failures.len(), failures.join("\n"));

    // The staff home: what is due (red, amber) and the key counts of the scope, each a link.
    let client = support::browser();
    support::login(&app.base, &client, "l.xa", support::PASSWORD).await;
    let home = client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("count overdue") && home.contains("count soon"), "the due work by urgency");
    assert!(home.contains(&format!("/members?unit={commune}&#38;status=du-bi")), "probationary members link to their list");
    // API tokens are the staff's: the member's account page has no such section, and the routes refuse.
    let member = support::browser();
    support::login(&app.base, &member, "l.dangvien", support::PASSWORD).await;
    let csrf = support::session_csrf(&app.base, &member).await;
    let made = member.post(app.url("/account/tokens")).form(&[("_csrf", csrf.as_str()), ("name", "thử")]).send().await.unwrap();
    assert_eq!(made.status().as_u16(), 403);
    let account = client.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    assert!(account.contains("Mã truy cập API"), "staff keep their tokens");
}
