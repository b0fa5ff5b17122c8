//! `/units/{id}/admission`: the pipeline board of a chi bộ (the secretary's main screen), one
//! column per stage, and the cases that ended.

use askama::Template;
use axum::response::Response;
use domain::ids::UnitId;
use domain::pipeline::{Stage, Urgency};
use serde::Deserialize;
use storage::{CaseQuery, CaseSummary, ScopeTarget};

use super::{Badge, badge, board_href, case_href, member_href, overview_href, targets_href, worklist_href};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{PathId, Query};
use crate::format;
use crate::pages::Link;
use crate::respond::page;
use crate::session::Caller;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct BoardParams {
    closed: String,
}

/// A case on the board.
struct Card {
    href: String,
    name: String,
    birth_date: String,
    unit: Link,
    next_step: String,
    due: String,
    due_label: String,
    badge: Option<Badge>,
}

struct Column {
    code: &'static str,
    label: &'static str,
    count: String,
    cards: Vec<Card>,
}

/// A case that ended (admitted and recognized, struck off, or closed).
struct ClosedRow {
    href: String,
    name: String,
    birth_date: String,
    stage: &'static str,
    unit: Link,
    member_href: Option<String>,
}

#[derive(Template)]
#[template(path = "admission_board.html")]
struct BoardPage {
    chrome: Chrome,
    name: String,
    kind: &'static str,
    path: Vec<Link>,
    is_cell: bool,
    may_file: bool,
    new_href: String,
    columns: Vec<Column>,
    total: String,
    closed: Option<Vec<ClosedRow>>,
    closed_href: String,
    worklist: String,
    targets: String,
    overview: String,
    /// The chi bộ's yearly cycle (evaluation, residence ties, dues): the secretary lands here.
    cycle: Vec<crate::pages::cycle_due::DueLine>,
}

fn card(c: &CaseSummary) -> Card {
    Card {
        href: case_href(c.id),
        name: c.full_name.clone(),
        birth_date: format::date(c.birth_date),
        unit: Link { href: board_href(c.unit), label: c.unit_name.clone() },
        next_step: c.next_step.map(|k| k.label().to_owned()).unwrap_or_default(),
        due: c.next_due.as_ref().map(|d| format::date(d.due)).unwrap_or_default(),
        due_label: c.next_due.as_ref().map(|d| d.label.to_owned()).unwrap_or_default(),
        badge: c.urgency.filter(|u| *u != Urgency::Later).map(badge),
    }
}

/// `GET /units/{id}/admission`: the open cases of a chi bộ in one column per stage (for a larger
/// unit, the cases of its subtree grouped by stage); `?closed=1` adds the cases that ended.
pub(super) async fn board(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<UnitId>,
    Query(p): Query<BoardParams>,
) -> Result<Response, AppError> {
    let today = s.today();
    let detail = s.reader()?.unit(id, today).await?;
    let shown = detail.as_of.clone().unwrap_or_else(|| detail.latest.clone());
    let desk = s.admission()?;
    let cases = desk.cases(&CaseQuery { unit: Some(id), ..CaseQuery::new(today) }).await?;
    let columns = Stage::BOARD
        .iter()
        .map(|stage| {
            let cards: Vec<Card> = cases.iter().filter(|c| c.stage == *stage).map(card).collect();
            Column { code: stage.code(), label: stage.label(), count: format::count(cards.len()), cards }
        })
        .collect();
    let show_closed = crate::query::parse_flag(&p.closed);
    let closed = if show_closed {
        let query = CaseQuery { unit: Some(id), stages: vec![Stage::Official, Stage::StruckOff, Stage::Closed], ..CaseQuery::new(today) };
        let list = desk.cases(&query).await?;
        Some(
            list.iter()
                .map(|c| ClosedRow {
                    href: case_href(c.id),
                    name: c.full_name.clone(),
                    birth_date: format::date(c.birth_date),
                    stage: c.stage.label(),
                    unit: Link { href: board_href(c.unit), label: c.unit_name.clone() },
                    member_href: c.member.map(member_href),
                })
                .collect(),
        )
    } else {
        None
    };
    let is_cell = shown.kind.holds_members();
    let mut path = Vec::new();
    for u in &detail.path {
        path.push(Link::if_allowed(&s, "/units/{id}/admission", Some(ScopeTarget::Unit(u.id)), board_href(u.id), u.name.clone()).await);
    }
    let view = BoardPage {
        chrome: chrome.titled(format!("Phát triển đảng viên: {}", shown.name)),
        kind: shown.kind.label(),
        path,
        is_cell,
        may_file: is_cell && detail.as_of.is_some() && desk.may_file(id).await,
        new_href: format!("/units/{id}/admission/new"),
        columns,
        total: format::count(cases.len()),
        closed,
        closed_href: if show_closed { board_href(id) } else { format!("{}?closed=1", board_href(id)) },
        worklist: worklist_href(Some(id), None),
        targets: targets_href(id, None),
        overview: overview_href(Some(id)),
        cycle: if is_cell { crate::pages::cycle_due::lines(&s, id).await } else { Vec::new() },
        name: shown.name,
    };
    page(&view)
}
