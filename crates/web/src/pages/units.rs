//! The organization tree as of a date, unit pages, and the unit search used by the forms.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use domain::ids::UnitId;
use serde::Deserialize;
use storage::access::Offer;
use storage::{MemberQuery, PickFilter, StoreError, UnitLink, UnitNode};

use super::Link;
use super::members::{MemberRow, Pager};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{PathId, Query};
use crate::format;
use crate::policy::{Policy, Route};
use crate::query::{AsOfParams, check_offset, parse_as_of, parse_flag, parse_page};
use crate::respond::{page, render};
use crate::session::Caller;
use domain::access::Capability;

/// Members shown on a unit page (the full list is one link away).
const UNIT_PAGE_MEMBERS: usize = 20;
/// Suggestions returned by the unit search.
const SEARCH_LIMIT: usize = 20;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/units", Policy::Needs(Capability::ReadRegister), tree),
        Route::get("/units/search", Policy::Needs(Capability::ReadRegister), search),
        Route::get("/units/{id}", Policy::Needs(Capability::ReadRegister), unit_page),
    ]
}

/// A unit in a list of children or roots.
#[derive(Debug, Clone)]
pub struct NodeRow {
    pub href: String,
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub code: String,
    pub members: String,
    pub members_href: String,
    pub children: String,
}

/// `?as_of=` for links that keep the date, or nothing when it is today.
fn as_of_suffix(as_of: NaiveDate, today: NaiveDate) -> String {
    if as_of == today { String::new() } else { format::query_string(&[("as_of", &format::date(as_of))]) }
}

fn node_rows(nodes: &[UnitNode], as_of: NaiveDate, today: NaiveDate) -> Vec<NodeRow> {
    let suffix = as_of_suffix(as_of, today);
    let date = if as_of == today { String::new() } else { format::date(as_of) };
    nodes
        .iter()
        .map(|n| NodeRow {
            href: format!("/units/{}{}", n.unit.id, suffix),
            id: n.unit.id.0,
            name: n.unit.name.clone(),
            kind: n.unit.kind.label(),
            code: n.unit.code.clone(),
            members: format::count(n.member_count),
            members_href: format!("/members{}", format::query_string(&[("unit", &n.unit.id.to_string()), ("as_of", &date)])),
            children: format::count(n.child_count),
        })
        .collect()
}

/// The date form shared by the tree and unit pages: the typed value, and its error.
struct AsOf {
    input: String,
    error: Option<String>,
    date: NaiveDate,
}

fn as_of(raw: &str, today: NaiveDate) -> AsOf {
    match parse_as_of(raw, today) {
        Ok(d) => AsOf { input: format::date(d), error: None, date: d },
        Err(e) => AsOf { input: raw.to_owned(), error: Some(e.message), date: today },
    }
}

#[derive(Template)]
#[template(path = "units_tree.html")]
struct TreePage {
    chrome: Chrome,
    as_of_input: String,
    as_of_error: Option<String>,
    as_of_label: String,
    roots: Vec<NodeRow>,
    total_members: String,
    as_of_action: &'static str,
    /// Offer to establish a province or city committee (top-level units: administrators only).
    may_create_root: bool,
    /// Offer to import a register file (`/import`).
    may_import: bool,
}

/// `GET /units?as_of=`: the top of the tree on a date.
async fn tree(s: Caller, chrome: Chrome, Query(p): Query<AsOfParams>) -> Result<Response, AppError> {
    let today = s.today();
    let a = as_of(&p.as_of, today);
    let roots = if a.error.is_none() { s.reader()?.children(None, a.date).await? } else { Vec::new() };
    let status = if a.error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let view = TreePage {
        chrome: chrome.titled("Cây tổ chức"),
        total_members: format::count(roots.iter().map(|r| r.member_count).sum()),
        roots: node_rows(&roots, a.date, today),
        as_of_label: format::date(a.date),
        as_of_input: a.input,
        as_of_error: a.error,
        as_of_action: "/units",
        may_create_root: super::unit_ops::may_create_root(&s).await,
        may_import: crate::policy::may_open(&s, "/import", None).await,
    };
    render(status, &view)
}

/// One row of the operations table.
struct OperationRow {
    kind: &'static str,
    effective: String,
    number: String,
    date: String,
    issuer: String,
    note: String,
    recorded: String,
}

/// A predecessor or successor with its date, linked when this person may open it.
struct LinkRow {
    label: String,
    href: Option<String>,
    date: String,
}

/// A step of the breadcrumb, linked when this person may open it.
struct Crumb {
    label: String,
    href: Option<String>,
}

struct VersionRow {
    validity: String,
    name: String,
    code: String,
    kind: &'static str,
    parent: Option<Crumb>,
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    chrome: Chrome,
    id: i64,
    as_of_input: String,
    as_of_error: Option<String>,
    as_of_label: String,
    existed: bool,
    name: String,
    kind: &'static str,
    code: String,
    validity: String,
    path: Vec<Crumb>,
    children: Vec<NodeRow>,
    versions: Vec<VersionRow>,
    operations: Vec<OperationRow>,
    predecessors: Vec<LinkRow>,
    successors: Vec<LinkRow>,
    current_successors: Vec<Link>,
    member_count: String,
    rows: Vec<MemberRow>,
    /// Members of other units in temporary activity here that day (not on the count above).
    hosted: Vec<MemberRow>,
    pager: Pager,
    as_of_action: String,
    members_href: String,
    /// The register export of this unit on the date shown, for those who may download it.
    export_href: Option<String>,
    /// The operation forms ("Thao tác"), when the unit exists on the date shown.
    actions: Vec<Link>,
    /// The unit's committee page (every unit but a party group).
    committee_href: Option<String>,
    /// The unit's transfer book (sổ theo dõi chuyển sinh hoạt).
    transfers_href: Option<String>,
    /// Members the data shows for striking off, and the proposals.
    strike_off_href: Option<String>,
    /// Handbook accounts of the unit's members, for those who create them.
    handbook_href: Option<String>,
    /// A chi bộ's study progress.
    study_href: Option<String>,
    tasks_href: Option<String>,
    /// The dues: a chi bộ's sheet of this month, another unit's ledger.
    dues_href: Option<String>,
    /// Working members and their residence; members of other places living here.
    residence_href: Option<String>,
    /// The evaluation rounds covering the unit.
    evaluation_href: Option<String>,
    /// Enterprises in the unit's area and their party organizations.
    enterprises_href: Option<String>,
    /// The member routines' registers: discipline, exemptions, cards, badges, the 7-BTCTW report.
    routines: bool,
    /// Admission cases and what is due (today's view of a unit that exists).
    admission: Option<super::admission::UnitAdmission>,
    /// Members in transit to this unit or one under it (đang chuyển đến), for those who may
    /// record the acceptance.
    arriving: Vec<ArrivingRow>,
}

/// A member whose transfer letter names this unit (or one under it), waiting for the acceptance.
struct ArrivingRow {
    href: String,
    name: String,
    birth: String,
    destination: String,
    accept_href: String,
}

/// Vietnamese name of an operation on units.
pub fn operation_label(kind: &str) -> &'static str {
    match kind {
        "create" => "Thành lập",
        "rename" => "Đổi tên, đổi mã hoặc loại",
        "move" => "Chuyển trực thuộc",
        "merge" => "Hợp nhất, sáp nhập",
        "split" => "Chia tách",
        "dissolve" => "Giải thể",
        _ => "Thao tác khác",
    }
}

/// The units a unit was formed from, each linked as of its last day (the day before the link's
/// date), when this person reads it then (historical reach: docs/design/access.md).
async fn predecessor_rows(s: &Caller, links: &[UnitLink], today: NaiveDate) -> Result<Vec<LinkRow>, AppError> {
    let reader = s.reader()?;
    let mut rows = Vec::with_capacity(links.len());
    for l in links {
        let day = l.effective.pred_opt().unwrap_or(l.effective);
        let href = reader.reads_unit_on(l.unit.id, day).await.then(|| format!("/units/{}{}", l.unit.id, as_of_suffix(day, today)));
        rows.push(LinkRow { label: l.unit.name.clone(), href, date: format::date(l.effective) });
    }
    Ok(rows)
}

/// The units a unit became, each linked as of the link's date when this person reads it then.
async fn successor_rows(s: &Caller, links: &[UnitLink], today: NaiveDate) -> Result<Vec<LinkRow>, AppError> {
    let reader = s.reader()?;
    let mut rows = Vec::with_capacity(links.len());
    for l in links {
        let day = l.effective.min(today);
        let href = reader.reads_unit_on(l.unit.id, day).await.then(|| format!("/units/{}{}", l.unit.id, as_of_suffix(day, today)));
        rows.push(LinkRow { label: l.unit.name.clone(), href, date: format::date(l.effective) });
    }
    Ok(rows)
}

/// `GET /units/{id}?as_of=&page=`: a unit on a date, its history and its members.
async fn unit_page(s: Caller, chrome: Chrome, PathId(id): PathId<UnitId>, Query(p): Query<AsOfParams>) -> Result<Response, AppError> {
    let today = s.today();
    let a = as_of(&p.as_of, today);
    let page_no = parse_page(&p.page)
        .and_then(|n| check_offset(n, UNIT_PAGE_MEMBERS).map(|()| n))
        .map_err(|e| AppError::bad_query(domain::ValidationErrors::single("page", e.code, e.message)))?;
    let detail = match s.reader()?.unit(id, a.date).await {
        Ok(detail) => detail,
        // A predecessor read by historical reach, asked for a day from its end on (or for today):
        // its history as of its last day (docs/design/access.md, "Historical reach").
        Err(StoreError::NotFound) => match s.reader()?.history_end(id).await? {
            Some(end) if a.error.is_none() && a.date >= end => {
                let last = end.pred_opt().unwrap_or(end);
                return Ok(Redirect::to(&format!("/units/{id}{}", as_of_suffix(last, today))).into_response());
            }
            _ => return Err(StoreError::NotFound.into()),
        },
        Err(e) => return Err(e.into()),
    };
    let suffix = as_of_suffix(a.date, today);
    let shown = detail.as_of.clone().unwrap_or_else(|| detail.latest.clone());
    let existed = detail.as_of.is_some();
    let current_successors = if existed {
        Vec::new()
    } else {
        match s.reader()?.current_successors(id).await {
            Ok(list) => {
                let others = list.iter().filter(|u| u.id != id).map(|u| (u.id, String::new(), u.name.clone())).collect();
                Link::units(&s, others).await
            }
            Err(StoreError::NotFound) => Vec::new(),
            Err(e) => return Err(e.into()),
        }
    };
    let date_param = if a.date == today { String::new() } else { format::date(a.date) };
    let filters = crate::query::MemberFilterParams { unit: id.to_string(), as_of: date_param.clone(), ..Default::default() };
    let (members, pager) = if existed {
        let query = MemberQuery { unit: Some(id), page: page_no, per_page: UNIT_PAGE_MEMBERS, ..MemberQuery::new(a.date) };
        let result = s.reader()?.find_members(&query).await?;
        let base = format!("/units/{id}");
        let pager = Pager::new(&result, |n| format!("{base}{}", format::query_string(&[("as_of", &date_param), ("page", &n.to_string())])));
        (MemberRow::list(&s, &result.items, a.date, today).await, pager)
    } else {
        (Vec::new(), Pager::empty())
    };
    let admission = if existed && a.date == today { Some(super::admission::unit_admission(&s, id).await?) } else { None };
    let arriving = match s.register_writer() {
        Ok(w) if existed && a.date == today => w.arriving(id).await.unwrap_or_default(),
        _ => Vec::new(),
    };
    let hosted = match s.reader() {
        Ok(r) if existed => MemberRow::list(&s, &r.hosted(id, a.date).await.unwrap_or_default(), a.date, today).await,
        _ => Vec::new(),
    };
    let mut rows = Vec::new();
    for m in arriving {
        // The letter's page when the transfer has one; a transfer out recorded as a bare event
        // (a past register's) is accepted by the event form.
        let letter = match s.transfers() {
            Ok(desk) => desk.member_transfers(m.id).await.unwrap_or_default().into_iter().find(|t| t.stage.pending()),
            Err(_) => None,
        };
        rows.push(ArrivingRow {
            href: format!("/members/{}", m.id.0),
            name: m.full_name,
            birth: format::date(m.birth_date),
            destination: m.unit_name.unwrap_or_default(),
            accept_href: match letter {
                Some(t) => format!("/transfers/{}", t.id),
                None => format!("/members/{}/events/new?kind=chuyen-den", m.id.0),
            },
        });
    }
    let arriving = rows;
    let mut path = Vec::with_capacity(detail.path.len());
    for u in &detail.path {
        let href = s.reader()?.reads_unit_on(u.id, a.date).await.then(|| format!("/units/{}{suffix}", u.id));
        path.push(Crumb { label: u.name.clone(), href });
    }
    let mut versions = Vec::with_capacity(detail.versions.len());
    for v in &detail.versions {
        let parent = match v.parent_id {
            Some(p) => {
                let href = s.may_read_unit_history(p).await.then(|| format!("/units/{p}"));
                Some(Crumb { label: format!("Tổ chức số {p}"), href })
            }
            None => None,
        };
        versions.push(VersionRow {
            validity: format::validity(v.valid_from, v.valid_to),
            name: v.name.clone(),
            code: v.code.clone(),
            kind: v.kind.label(),
            parent,
        });
    }
    // A predecessor read by historical reach is read-only: no operation forms.
    let may_manage = s.may_on_unit(Capability::ManageUnits, id).await;
    let predecessors = predecessor_rows(&s, &detail.predecessors, today).await?;
    let successors = successor_rows(&s, &detail.successors, today).await?;
    let view = UnitPage {
        admission,
        arriving,
        chrome: chrome.titled(shown.name.clone()),
        id: id.0,
        as_of_label: format::date(a.date),
        as_of_input: a.input,
        as_of_error: a.error,
        existed,
        name: shown.name.clone(),
        kind: shown.kind.label(),
        code: shown.code.clone(),
        validity: format::validity(shown.valid_from, shown.valid_to),
        path,
        children: node_rows(&detail.children, a.date, today),
        versions,
        operations: detail
            .operations
            .iter()
            .map(|o| OperationRow {
                kind: operation_label(&o.kind),
                effective: format::date(o.effective),
                number: o.basis.number.to_string(),
                date: format::date(o.basis.date),
                issuer: o.basis.issuer.clone(),
                note: o.note.clone().unwrap_or_default(),
                recorded: format!("{} ({})", o.recorded_by, format::instant(o.recorded_at)),
            })
            .collect(),
        predecessors,
        successors,
        current_successors,
        member_count: format::count(detail.member_count),
        rows: members,
        hosted,
        pager,
        as_of_action: format!("/units/{id}"),
        members_href: format!("/members{}", filters.to_query_string(None)),
        export_href: if existed && crate::policy::may_open(&s, "/export/file", None).await {
            Some(format::href("/export", &[("unit", &id.to_string()), ("date", &format::date(a.date))]))
        } else {
            None
        },
        actions: if existed && may_manage { super::unit_ops::links(&s, id, &suffix).await } else { Vec::new() },
        committee_href: (existed && domain::committees::has_committee(shown.kind))
            .then(|| format::href(&format!("/units/{id}/committee"), &[("on", &format::date(a.date))])),
        transfers_href: (existed && a.date == today).then(|| format!("/units/{id}/transfers")),
        strike_off_href: (existed && a.date == today).then(|| super::strike_off::href(id)),
        handbook_href: super::handbook_accounts::href(&s, id).await.filter(|_| existed && a.date == today),
        study_href: (existed && a.date == today && shown.kind.holds_members()).then(|| super::handbook::study::href(id)),
        tasks_href: (existed && a.date == today && shown.kind.holds_members()).then(|| super::member_tasks::href(id)),
        dues_href: (existed && a.date == today).then(|| super::dues::href(id, shown.kind.holds_members())),
        residence_href: (existed && a.date == today).then(|| format!("/units/{id}/residence")),
        evaluation_href: (existed && a.date == today).then(|| format!("/units/{id}/evaluation")),
        enterprises_href: (existed && a.date == today && !shown.kind.holds_members()).then(|| format!("/units/{id}/enterprises")),
        routines: existed && a.date == today,
    };
    page(&view)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SearchParams {
    q: String,
    members_only: String,
    /// `register` (the read scope, the default), `transfer` (a transfer destination: the whole
    /// tree, for those who may record one) or `write` (the write scope: where an import goes).
    offer: String,
    /// The field of the form to go back to with the choice, and that form's path (a GET form).
    field: String,
    back: String,
}

/// One unit found: its name, the names above it and its code, the way back to the form.
struct SearchRow {
    id: i64,
    name: String,
    path: String,
    label: String,
    kind: &'static str,
    code: String,
    /// The unit's page, when this user may open it.
    href: Option<String>,
    /// The form again with this unit chosen.
    choose_href: Option<String>,
}

#[derive(Template)]
#[template(path = "unit_search.html")]
struct SearchPage {
    chrome: Chrome,
    q: String,
    members_only: bool,
    transfer: bool,
    field: String,
    back: String,
    results: Vec<SearchRow>,
    searched: bool,
}

/// A path on this site to go back to (never another host).
fn local_path(back: &str) -> Option<&str> {
    let ok = back.starts_with('/') && !back.starts_with("//") && !back.contains('\\') && !back.contains(['\r', '\n']);
    ok.then_some(back)
}

/// `GET /units/search?q=&members_only=1&offer=&field=&back=`: units by name or code, best first,
/// each with the units above it and its code (the organization picker's suggestions, and its
/// page for those without scripts).
async fn search(s: Caller, chrome: Chrome, Query(p): Query<SearchParams>) -> Result<Response, AppError> {
    let offer = crate::picker::parse_offer(p.offer.trim());
    let transfer = offer == Offer::TransferDestination;
    let members_only = parse_flag(&p.members_only) && !transfer;
    let q = p.q.trim().to_owned();
    let found = if q.is_empty() { Vec::new() } else { s.picker(offer)?.search(&q, PickFilter { members_only }, SEARCH_LIMIT).await? };
    let readable = s.picker(Offer::Register)?;
    let field = p.field.trim();
    let back = local_path(p.back.trim()).filter(|_| !field.is_empty());
    let results = found
        .iter()
        .map(|c| SearchRow {
            id: c.unit.id.0,
            name: c.unit.name.clone(),
            path: c.path.join(crate::picker::PATH_SEPARATOR),
            label: crate::picker::label(c),
            kind: c.unit.kind.label(),
            code: c.unit.code.clone(),
            href: readable.peek(c.unit.id).map(|_| format!("/units/{}", c.unit.id)),
            choose_href: back.map(|b| {
                let sep = if b.contains('?') { '&' } else { '?' };
                format!("{b}{sep}{}={}", format::encode(field), c.unit.id)
            }),
        })
        .collect();
    let view = SearchPage {
        chrome: chrome.titled("Tìm tổ chức đảng"),
        searched: !q.is_empty(),
        q,
        members_only,
        transfer,
        field: field.to_owned(),
        back: back.unwrap_or_default().to_owned(),
        results,
    };
    page(&view)
}
