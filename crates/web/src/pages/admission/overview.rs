//! `/admission`: what is open and what is due in a unit's subtree (or the whole scope), by stage,
//! with links to the board, the worklist and the targets.

use askama::Template;
use axum::response::Response;
use domain::pipeline::Stage;
use serde::Deserialize;
use storage::{CaseQuery, ScopeTarget};

use super::{UrgencyCount, board_href, overview_href, query_unit, targets_href, unit_chooser, urgency_counts, worklist_href};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::Query;
use crate::format;
use crate::forms::Field;
use crate::pages::Link;
use crate::respond::page;
use crate::session::Caller;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct UnitParams {
    unit: String,
}

struct StageCount {
    label: &'static str,
    count: String,
    href: Option<String>,
}

/// A unit under the one shown, with its own pages.
struct ChildLinks {
    name: String,
    kind: &'static str,
    overview_href: String,
    board_href: String,
}

#[derive(Template)]
#[template(path = "admission_overview.html")]
struct OverviewPage {
    chrome: Chrome,
    filters: Vec<Field>,
    unit: Option<Link>,
    path: Vec<Link>,
    counts: Vec<UrgencyCount>,
    open_cases: String,
    stages: Vec<StageCount>,
    board: Option<String>,
    targets: Option<String>,
    worklist: String,
    children: Vec<ChildLinks>,
}

fn child_links(nodes: &[storage::UnitNode]) -> Vec<ChildLinks> {
    nodes
        .iter()
        .map(|n| ChildLinks {
            name: n.unit.name.clone(),
            kind: n.unit.kind.label(),
            overview_href: overview_href(Some(n.unit.id)),
            board_href: board_href(n.unit.id),
        })
        .collect()
}

/// `GET /admission?unit=`: what is open and what is due in a unit's subtree (or the whole scope).
pub(super) async fn overview(s: Caller, chrome: Chrome, Query(p): Query<UnitParams>) -> Result<Response, AppError> {
    let today = s.today();
    let desk = s.admission()?;
    let reader = s.reader()?;
    let roots = reader.children(None, today).await?;
    let chosen = match (query_unit(&p.unit)?, roots.as_slice()) {
        (Some(u), _) => Some(u),
        (None, [only]) => Some(only.unit.id),
        (None, _) => None,
    };
    let detail = match chosen {
        Some(u) => Some(reader.unit(u, today).await?),
        None => None,
    };
    let list = desk.worklist(&CaseQuery { unit: chosen, ..CaseQuery::new(today) }).await?;
    let name = detail.as_ref().map(|d| d.as_of.as_ref().unwrap_or(&d.latest).name.clone());
    let stages = Stage::BOARD
        .iter()
        .map(|stage| {
            let n = list.by_stage.iter().find(|(s, _)| s == stage).map_or(0, |(_, n)| *n);
            StageCount {
                label: stage.label(),
                count: format::count(n),
                href: chosen.map(|u| format!("{}#stage-{}", board_href(u), stage.code())),
            }
        })
        .collect();
    // The overview of an ancestor outside the scope would not open: its name alone.
    let mut path = Vec::new();
    for u in detail.as_ref().map(|d| d.path.as_slice()).unwrap_or_default() {
        path.push(Link::if_allowed(&s, "/units/{id}", Some(ScopeTarget::Unit(u.id)), overview_href(Some(u.id)), u.name.clone()).await);
    }
    let view = OverviewPage {
        chrome: chrome.titled("Phát triển đảng viên"),
        filters: vec![unit_chooser(&roots, chosen.zip(name.as_deref()), Some("— Toàn bộ phạm vi được giao —"))],
        unit: chosen.zip(name).map(|(u, label)| Link { href: format!("/units/{u}"), label }),
        path,
        counts: urgency_counts(chosen, list.overdue, list.soon, list.later, None),
        open_cases: format::count(list.open_cases),
        stages,
        board: chosen.map(board_href),
        targets: chosen.or(roots.first().map(|r| r.unit.id)).map(|u| targets_href(u, None)),
        worklist: worklist_href(chosen, None),
        children: match &detail {
            Some(d) => child_links(&d.children),
            None => child_links(&roots),
        },
    };
    page(&view)
}
