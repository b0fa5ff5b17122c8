//! `/units/{id}/member-work?from=&to=[&line=]`: the yearly report of party-member work (form
//! 7-BTCTW, reports.md §2.8) over any period — transfers, badges awarded by level, cards issued
//! by reason, members disciplined by form, exemptions — each count opening the members behind it
//! (`line=`); `/units/{id}/member-work.xlsx` the same as a workbook (the report and the people).

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;

use domain::access::Capability;
use domain::ids::UnitId;
use domain::member_work::{Block, Line};

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::PathId;
use crate::format;
use crate::pages::directives::unit_label;
use crate::policy::{Policy, Route, may_open};
use crate::respond::page;
use crate::session::Caller;
use crate::xlsx::{self, Cell as XCell, Sheet};

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![Route::get("/units/{id}/member-work", read, report), Route::get("/units/{id}/member-work.xlsx", read, workbook)]
}

#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub line: Option<String>,
}

struct LineRow {
    label: String,
    count: String,
    href: String,
}

struct BlockView {
    label: &'static str,
    lines: Vec<LineRow>,
}

struct Person {
    name: String,
    href: Option<String>,
    unit: String,
}

#[derive(Template)]
#[template(path = "member_work.html")]
struct ReportPage {
    chrome: Chrome,
    unit: UnitId,
    unit_label: String,
    from: String,
    to: String,
    query: String,
    blocks: Vec<BlockView>,
    line: Option<String>,
    people: Vec<Person>,
}

/// `GET /units/{id}/member-work`.
async fn report(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>, Query(q): Query<ReportQuery>) -> Result<Response, AppError> {
    let (from, to) = super::period(&q.from, &q.to, s.today())?;
    let wanted = match q.line.as_deref().filter(|l| !l.is_empty()) {
        Some(code) => Some(Line::parse(code).map_err(|e| AppError::bad_request(e.message))?),
        None => None,
    };
    let desk = s.badges()?;
    let r = desk.work_report(unit, from, to).await?;
    let query = format!("from={}&to={}", format::date(from), format::date(to));
    let blocks = Block::ALL
        .iter()
        .map(|b| BlockView {
            label: b.label(),
            lines: r
                .lines
                .iter()
                .filter(|l| l.line.block() == *b)
                .map(|l| LineRow {
                    label: l.line.label(),
                    count: format::number(l.members.len() as u64),
                    href: format!("/units/{unit}/member-work?{query}&line={}", l.line.code()),
                })
                .collect(),
        })
        .collect();
    let mut people = Vec::new();
    if let Some(line) = wanted {
        let members: Vec<_> = r.line(line).map(|l| l.members.clone()).unwrap_or_default();
        for p in desk.work_people(unit, &members, to.min(s.today())).await? {
            let href =
                may_open(&s, "/members/{id}", Some(storage::ScopeTarget::Member(p.member))).await.then(|| format!("/members/{}", p.member));
            people.push(Person { name: p.full_name, href, unit: p.unit_name });
        }
    }
    let label = unit_label(&s, unit, &r.unit_name);
    page(&ReportPage {
        chrome: chrome.titled(format!("Báo cáo nghiệp vụ công tác đảng viên: {label}")),
        unit,
        unit_label: label,
        from: format::date(from),
        to: format::date(to),
        query,
        blocks,
        line: wanted.map(|l| l.label()),
        people,
    })
}

/// `GET /units/{id}/member-work.xlsx?from=&to=`.
async fn workbook(s: Caller, PathId(unit): PathId<UnitId>, Query(q): Query<ReportQuery>) -> Result<Response, AppError> {
    let (from, to) = super::period(&q.from, &q.to, s.today())?;
    let desk = s.badges()?;
    let r = desk.work_report(unit, from, to).await?;
    let mut rows = Vec::new();
    let mut bold = Vec::new();
    for b in Block::ALL {
        bold.push(rows.len());
        rows.push(vec![XCell::text(b.label()), XCell::Empty]);
        for l in r.lines.iter().filter(|l| l.line.block() == b) {
            rows.push(vec![XCell::text(l.line.label()), XCell::Count(l.members.len() as u64)]);
        }
    }
    let title = format!(
        "Báo cáo nghiệp vụ công tác đảng viên (mẫu 7-BTCTW) – {} – từ {} đến {}",
        r.unit_name,
        format::date(from),
        format::date(to)
    );
    let report =
        Sheet {
            name: "Báo cáo".into(), title: title.clone(), header: xlsx::header(&["Chỉ tiêu", "Số lượng"]), rows, bold_rows: bold
        };
    let all: Vec<_> = r.lines.iter().flat_map(|l| l.members.iter().map(move |m| (l.line, *m))).collect();
    let ids: Vec<_> = all.iter().map(|(_, m)| *m).collect();
    let people = desk.work_people(unit, &ids, to.min(s.today())).await?;
    let people_rows = all
        .iter()
        .zip(people)
        .map(|((line, _), p)| {
            vec![XCell::text(line.block().label()), XCell::text(line.label()), XCell::text(p.full_name), XCell::text(p.unit_name)]
        })
        .collect();
    let people = Sheet {
        name: "Danh sách".into(),
        title,
        header: xlsx::header(&["Mục", "Chỉ tiêu", "Họ và tên", "Tổ chức đảng"]),
        rows: people_rows,
        bold_rows: Vec::new(),
    };
    Ok(xlsx::download(&[report, people], &format!("nghiep-vu-dang-vien-{unit}-{}-{}", from.format("%Y%m%d"), to.format("%Y%m%d"))))
}
