//! `/admission/worklist`: what is due, soonest first ("Việc cần làm").

use askama::Template;
use axum::response::Response;
use domain::ValidationErrors;
use domain::pipeline::Urgency;
use serde::Deserialize;
use storage::CaseQuery;

use super::{
    Badge, UrgencyCount, actor_label, badge, board_href, case_href, overview_href, query_unit, urgency_code, urgency_counts, worklist_href,
};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::Query;
use crate::format;
use crate::pages::Link;
use crate::pages::members::Pager;
use crate::query::parse_page;
use crate::respond::page;
use crate::session::Caller;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WorklistParams {
    unit: String,
    urgency: String,
    page: String,
}

/// Rows of the worklist on one page: a province's list runs to thousands of items.
const PER_PAGE: usize = 50;

struct WorkRow {
    case_href: String,
    name: String,
    unit: Link,
    stage: &'static str,
    what: &'static str,
    due: String,
    actor: &'static str,
    badge: Badge,
    source: &'static str,
}

#[derive(Template)]
#[template(path = "admission_worklist.html")]
struct WorklistPage {
    chrome: Chrome,
    unit: Option<Link>,
    today: String,
    open_cases: String,
    counts: Vec<UrgencyCount>,
    all_href: String,
    filtered: Option<&'static str>,
    rows: Vec<WorkRow>,
    pager: Pager,
    overview: String,
}

/// `GET /admission/worklist?unit=&urgency=`: what is due, soonest first ("Việc cần làm").
pub(super) async fn worklist(s: Caller, chrome: Chrome, Query(p): Query<WorklistParams>) -> Result<Response, AppError> {
    let today = s.today();
    let unit = query_unit(&p.unit)?;
    let urgency = parse_urgency(&p.urgency)?;
    let mut e = ValidationErrors::default();
    let page_no = e.take("page", parse_page(&p.page));
    e.into_result().map_err(AppError::bad_query)?;
    let page_no = page_no.unwrap_or(1);
    let unit_link = match unit {
        Some(u) => {
            let d = s.reader()?.unit(u, today).await?;
            Some(Link { href: board_href(u), label: d.as_of.unwrap_or(d.latest).name })
        }
        None => None,
    };
    let list = s.admission()?.worklist(&CaseQuery { unit, ..CaseQuery::new(today) }).await?;
    let matching: Vec<_> = list.items.iter().filter(|i| urgency.is_none_or(|u| i.urgency == u)).collect();
    let page_count = matching.len().div_ceil(PER_PAGE).max(1);
    let pager = Pager::of(page_no, page_count, matching.len(), |n| {
        let unit = unit.map(|u| u.to_string()).unwrap_or_default();
        format::href("/admission/worklist", &[("unit", &unit), ("urgency", urgency.map_or("", urgency_code)), ("page", &n.to_string())])
    });
    let rows = matching
        .into_iter()
        .skip((page_no - 1).saturating_mul(PER_PAGE))
        .take(PER_PAGE)
        .map(|i| WorkRow {
            case_href: case_href(i.case),
            name: i.full_name.clone(),
            unit: Link { href: board_href(i.unit), label: i.unit_name.clone() },
            stage: i.stage.label(),
            what: i.item.label,
            due: format::date(i.item.due),
            actor: actor_label(i.item.actor),
            badge: badge(i.urgency),
            source: i.item.source,
        })
        .collect();
    let view = WorklistPage {
        chrome: chrome.titled("Việc cần làm: phát triển đảng viên"),
        unit: unit_link,
        today: format::date(today),
        open_cases: format::count(list.open_cases),
        counts: urgency_counts(unit, list.overdue, list.soon, list.later, urgency),
        all_href: worklist_href(unit, None),
        filtered: urgency.map(Urgency::label),
        rows,
        pager,
        overview: overview_href(unit),
    };
    page(&view)
}

fn parse_urgency(raw: &str) -> Result<Option<Urgency>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        "overdue" => Ok(Some(Urgency::Overdue)),
        "soon" => Ok(Some(Urgency::Soon)),
        "later" => Ok(Some(Urgency::Later)),
        _ => Err(AppError::bad_query(ValidationErrors::single(
            "urgency",
            "unknown_value",
            "Mức độ phải là overdue (quá hạn), soon (đến hạn trong 7 ngày) hoặc later (chưa đến hạn).",
        ))),
    }
}
