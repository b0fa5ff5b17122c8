//! `/quality`: the data-quality worklist ("Chất lượng dữ liệu"): how many problems of each kind
//! and under each unit, and the lines themselves, each opening the member's record or the chi
//! bộ's page; filtered by unit and kind, paginated, and downloadable as CSV (every line).

use askama::Template;
use axum::response::Response;
use serde::Deserialize;

use domain::ids::UnitId;
use domain::quality::ProblemKind;
use storage::{QualityLine, QualityReport, QualityUnit, ScopeTarget};

use crate::chrome::Chrome;
use crate::csv::{Csv, Value};
use crate::error::AppError;
use crate::extract::Query;
use crate::format;
use crate::pages::Link;
use crate::pages::members::Pager;
use crate::picker::PATH_SEPARATOR;
use crate::policy::{Policy, Route};
use crate::query::quality::{PER_PAGE, QualityParams};
use crate::respond::page;
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![Route::get("/quality", Policy::Needs(domain::access::Capability::ReadRegister), quality)]
}

/// The page's query: the worklist's parameters and the output format.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct PageParams {
    unit: String,
    kind: String,
    page: String,
    /// `csv` for a download of every line.
    format: String,
}

/// How many problems of one kind, linking to its lines.
struct KindLink {
    label: &'static str,
    count: String,
    href: String,
    current: bool,
}

/// A unit of the breakdown: its page, where it sits, its counts and its lines.
struct UnitRow {
    unit: Link,
    path: String,
    total: String,
    kinds: String,
    lines_href: String,
}

/// One line: the problem, the record or chi bộ, where it belongs, what to do.
struct LineRow {
    kind: &'static str,
    subject: Link,
    birth: String,
    unit: Option<Link>,
    path: String,
    detail: String,
    related: Vec<Link>,
    action: &'static str,
    deadline: String,
}

#[derive(Template)]
#[template(path = "quality.html")]
struct QualityPage {
    chrome: Chrome,
    today: String,
    unit_value: String,
    unit: Option<Link>,
    kinds: Vec<(&'static str, &'static str, bool)>,
    filtered: Option<&'static str>,
    all_href: String,
    csv_href: String,
    total: String,
    counts: Vec<KindLink>,
    units: Vec<UnitRow>,
    lines: Vec<LineRow>,
    pager: Pager,
}

/// `GET /quality?unit=&kind=&page=&format=`: the worklist of the reader's scope.
pub(super) async fn quality(s: Caller, chrome: Chrome, Query(p): Query<PageParams>) -> Result<Response, AppError> {
    let params = QualityParams { unit: p.unit.clone(), kind: p.kind.clone(), page: p.page.clone() };
    let csv = p.format == "csv";
    if !csv && !p.format.trim().is_empty() {
        return Err(AppError::bad_request("Định dạng tải về chỉ có csv."));
    }
    let ask = params.ask(csv)?;
    let report = s.quality()?.report(ask).await?;
    if csv {
        return Ok(csv_of(&report).download("chat-luong-du-lieu"));
    }
    let unit = ask.unit.map(|u| u.to_string()).unwrap_or_default();
    let kind_code = ask.kind.map_or("", ProblemKind::code);
    let href = |unit: &str, kind: &str, page: usize| {
        let page = if page > 1 { page.to_string() } else { String::new() };
        format::href("/quality", &[("unit", unit), ("kind", kind), ("page", &page)])
    };
    let counts = report
        .totals
        .iter()
        .map(|c| KindLink {
            label: c.kind.label(),
            count: format::count(c.count),
            href: href(&unit, c.kind.code(), 1),
            current: ask.kind == Some(c.kind),
        })
        .collect();
    let mut units = Vec::new();
    for u in &report.per_unit {
        let kinds: Vec<String> =
            u.counts.iter().filter(|c| c.count > 0).map(|c| format!("{}: {}", c.kind.label(), format::count(c.count))).collect();
        units.push(UnitRow {
            unit: Link::unit(&s, u.unit.id, "", u.unit.name.clone()).await,
            path: u.unit.path.join(PATH_SEPARATOR),
            total: format::count(u.total),
            kinds: kinds.join(" · "),
            lines_href: href(&u.unit.id.to_string(), kind_code, 1),
        });
    }
    let mut lines = Vec::new();
    for l in &report.lines {
        lines.push(line_row(&s, l).await);
    }
    let page_count = report.total_lines.div_ceil(PER_PAGE).max(1);
    let pager = Pager::of(report.page, page_count, report.total_lines, |n| href(&unit, kind_code, n));
    let view = QualityPage {
        chrome: chrome.titled("Chất lượng dữ liệu"),
        today: format::date(report.as_of),
        unit_value: unit.clone(),
        unit: match &report.unit {
            Some(u) => Some(Link::unit(&s, u.id, "", unit_label(u)).await),
            None => None,
        },
        kinds: ProblemKind::ALL.iter().map(|k| (k.code(), k.label(), ask.kind == Some(*k))).collect(),
        filtered: ask.kind.map(ProblemKind::label),
        all_href: href(&unit, "", 1),
        csv_href: format::href("/quality", &[("unit", &unit), ("kind", kind_code), ("format", "csv")]),
        total: format::count(report.totals.iter().map(|c| c.count).sum()),
        counts,
        units,
        lines,
        pager,
    };
    page(&view)
}

/// A unit's name with the names above it.
fn unit_label(u: &QualityUnit) -> String {
    std::iter::once(u.name.as_str()).chain(u.path.iter().map(String::as_str)).collect::<Vec<_>>().join(PATH_SEPARATOR)
}

/// A member's record, linked when this person may open it.
async fn member_link(s: &Caller, id: domain::ids::MemberId, name: &str) -> Link {
    Link::if_allowed(s, "/members/{id}", Some(ScopeTarget::Member(id)), format!("/members/{id}"), name.to_owned()).await
}

async fn line_row(s: &Caller, l: &QualityLine) -> LineRow {
    let unit_link = |u: &QualityUnit| Link::unit(s, u.id, "", u.name.clone());
    let subject = match (&l.member, &l.unit) {
        (Some(m), _) => member_link(s, m.id, &m.full_name).await,
        (None, Some(u)) => unit_link(u).await,
        (None, None) => Link { href: String::new(), label: String::new() },
    };
    // A member's line names the unit the record belongs to; a chi bộ's line is about the unit.
    let unit = match (&l.member, &l.unit) {
        (Some(_), Some(u)) => Some(unit_link(u).await),
        _ => None,
    };
    let mut related = Vec::new();
    for r in &l.related {
        related.push(member_link(s, r.id, &format!("{} ({})", r.full_name, format::date(r.birth_date))).await);
    }
    LineRow {
        kind: l.kind.label(),
        subject,
        birth: l.member.as_ref().map(|m| format::date(m.birth_date)).unwrap_or_default(),
        unit,
        path: l.unit.as_ref().map(|u| u.path.join(PATH_SEPARATOR)).unwrap_or_default(),
        detail: l.detail.clone(),
        related,
        action: l.kind.action(),
        deadline: l.deadline.map(format::date).unwrap_or_default(),
    }
}

/// Every line of the report as CSV (`crate::csv`): codes and ids for machines, the words for
/// people, ISO dates; related records as their ids separated by spaces.
pub fn csv_of(report: &QualityReport) -> Csv {
    let mut csv = Csv::new(&[
        "Mã vấn đề",
        "Vấn đề",
        "Mã đảng viên",
        "Họ và tên",
        "Ngày sinh",
        "Mã số tổ chức",
        "Mã tổ chức",
        "Tổ chức",
        "Trực thuộc",
        "Chi tiết",
        "Ngày liên quan",
        "Hạn",
        "Hồ sơ liên quan",
        "Cách xử lý",
    ]);
    for l in &report.lines {
        let member_id = l.member.as_ref().map(|m| m.id.0.to_string()).unwrap_or_default();
        let unit_id = l.unit.as_ref().map(|u| u.id.0.to_string()).unwrap_or_default();
        let path = l.unit.as_ref().map(|u| u.path.join(PATH_SEPARATOR)).unwrap_or_default();
        let related: Vec<String> = l.related.iter().map(|r| r.id.0.to_string()).collect();
        let related = related.join(" ");
        let date = |d: Option<chrono::NaiveDate>| d.map_or(Value::Empty, Value::Date);
        csv.row([
            Value::Raw(l.kind.code()),
            Value::Text(l.kind.label()),
            Value::Raw(&member_id),
            l.member.as_ref().map_or(Value::Empty, |m| Value::Text(&m.full_name)),
            date(l.member.as_ref().map(|m| m.birth_date)),
            Value::Raw(&unit_id),
            l.unit.as_ref().map_or(Value::Empty, |u| Value::Raw(&u.code)),
            l.unit.as_ref().map_or(Value::Empty, |u| Value::Text(&u.name)),
            Value::Text(&path),
            Value::Text(&l.detail),
            date(l.date),
            date(l.deadline),
            Value::Raw(&related),
            Value::Text(l.kind.action()),
        ]);
    }
    csv
}

/// The worklist's page for a unit (`/quality?unit=`), for links from other pages.
pub fn href_for(unit: Option<UnitId>) -> String {
    let unit = unit.map(|u| u.to_string()).unwrap_or_default();
    format::href("/quality", &[("unit", &unit)])
}
