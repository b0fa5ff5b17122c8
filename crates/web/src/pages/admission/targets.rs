//! `/admission/targets`: the year's targets and admissions of a unit and the units under it, and
//! the forms that set them.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use domain::ids::UnitId;
use domain::pipeline::TargetGroup;
use serde::Deserialize;
use storage::access::Access;
use storage::{TargetCell, TargetRow};

use super::{overview_href, query_unit, targets_href, unit_chooser, worklist_href};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, Query};
use crate::format;
use crate::forms::{self, Field};
use crate::pages::Link;
use crate::query;
use crate::respond::{page, render, see_other};
use crate::session::Caller;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct TargetParams {
    unit: String,
    year: String,
    saved: String,
}

struct CellView {
    target: String,
    admitted: String,
    percent: String,
}

struct TargetRowView {
    admitted_href: String,
    is_root: bool,
    name: String,
    href: String,
    kind: &'static str,
    total: CellView,
    groups: Vec<GroupView>,
    anniversary: String,
    anniversary_href: String,
}

/// A sub-target group's cell with the members behind its count.
struct GroupView {
    cell: CellView,
    href: String,
}

struct TargetInputView {
    id: String,
    name: String,
    label: &'static str,
    value: String,
}

/// A year of the year selector.
struct YearOption {
    year: i32,
    selected: bool,
}

/// The form that sets one unit's targets.
struct TargetFormView {
    unit_id: i64,
    name: String,
    inputs: Vec<TargetInputView>,
}

#[derive(Template)]
#[template(path = "admission_targets.html")]
struct TargetsPage {
    chrome: Chrome,
    unit_id: i64,
    name: String,
    year: i32,
    filters: Vec<Field>,
    years: Vec<YearOption>,
    shape_on: String,
    up: Option<Link>,
    group_labels: Vec<&'static str>,
    rows: Vec<TargetRowView>,
    zero: Vec<Link>,
    /// Each occasion's admissions with the members behind the count.
    /// Which occasion list the page counts by.
    occasion_list: String,
    anniversaries: Vec<(String, Link)>,
    readmissions: String,
    by_source: Vec<(&'static str, String)>,
    forms: Vec<TargetFormView>,
    notice: Option<String>,
    errors: Vec<String>,
    overview: String,
    worklist: String,
    plans: String,
}

fn parse_year(raw: &str, today: NaiveDate) -> Result<i32, AppError> {
    query::param("year", query::parse_year(raw, today))
}

fn cell_view(c: &TargetCell) -> CellView {
    CellView {
        target: c.target.map_or_else(|| "—".to_owned(), |t| format::number(u64::from(t))),
        admitted: format::number(u64::from(c.admitted)),
        percent: c.target.map(|t| format::percent(c.admitted as usize, t as usize)).unwrap_or_default(),
    }
}

fn row_view(r: &TargetRow, year: i32, is_root: bool) -> TargetRowView {
    TargetRowView {
        is_root,
        name: r.unit.name.clone(),
        href: targets_href(r.unit.id, Some(year)),
        // The members behind the count: admitted in the year to the unit's list, as the
        // admission report counts them.
        admitted_href: credited_href(r.unit.id, year, query::CREDIT),
        kind: r.unit.kind.label(),
        total: cell_view(&r.total),
        groups: TargetGroup::ALL
            .iter()
            .map(|g| {
                let cell = r.groups.iter().find(|(x, _)| x == g).map_or(cell_view(&TargetCell::new(None, 0)), |(_, c)| cell_view(c));
                GroupView { cell, href: credited_href(r.unit.id, year, &format!("{}:{}", query::CREDIT, g.code())) }
            })
            .collect(),
        anniversary: format::number(u64::from(r.anniversary)),
        anniversary_href: credited_href(r.unit.id, year, query::CREDIT_ANNIVERSARY),
    }
}

/// "Ngày Quốc tế Phụ nữ (8/3)": an occasion with its day (the default names carry it already).
pub(crate) fn occasion_label(o: &storage::OccasionLine) -> String {
    let day = format!("({})", o.day_month);
    if o.name.contains(&day) { o.name.clone() } else { format!("{} {day}", o.name) }
}

/// The members behind a number of the page: admitted in the year and credited to the unit as
/// the page counts them (its chi bộ and every unit above on the decision day).
fn credited_href(unit: UnitId, year: i32, admitted: &str) -> String {
    format::href(
        "/members",
        &[("unit", &unit.to_string()), ("admitted", admitted), ("from", &format!("01/01/{year}")), ("to", &format!("31/12/{year}"))],
    )
}

fn target_field(group: Option<TargetGroup>) -> String {
    group.map_or_else(|| "target".to_owned(), |g| format!("target_{}", g.code()))
}

fn target_form(r: &TargetRow, typed: Option<&[(String, String)]>) -> TargetFormView {
    let value = |group: Option<TargetGroup>, cell: Option<&TargetCell>| {
        let name = target_field(group);
        match typed {
            Some(t) => t.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()).unwrap_or_default(),
            None => cell.and_then(|c| c.target).map(|t| t.to_string()).unwrap_or_default(),
        }
    };
    let mut inputs = vec![TargetInputView {
        id: format!("t-{}-total", r.unit.id),
        name: target_field(None),
        label: "Tổng số",
        value: value(None, Some(&r.total)),
    }];
    inputs.extend(TargetGroup::ALL.iter().map(|g| TargetInputView {
        id: format!("t-{}-{}", r.unit.id, g.code()),
        name: target_field(Some(*g)),
        label: g.label(),
        value: value(Some(*g), r.groups.iter().find(|(x, _)| x == g).map(|(_, c)| c)),
    }));
    TargetFormView { unit_id: r.unit.id.0, name: r.unit.name.clone(), inputs }
}

/// The targets page of `root` for `year`; `typed` keeps what was posted for one unit's form.
#[allow(clippy::too_many_arguments)]
async fn targets_view(
    s: &Access,
    chrome: Chrome,
    root: UnitId,
    year: i32,
    notice: Option<String>,
    errors: Vec<String>,
    typed: Option<(UnitId, &[(String, String)])>,
) -> Result<TargetsPage, AppError> {
    let today = s.today();
    let desk = s.admission()?;
    let report = desk.targets(root, year).await?;
    let roots = s.reader()?.children(None, today).await?;
    let may_decide = desk.may_decide(root).await;
    let up = match report.root.unit.parent_id {
        Some(p) if s.may_read_unit(p).await => {
            Some(Link { href: targets_href(p, Some(year)), label: "Lên tổ chức cấp trên".to_owned() })
        }
        _ => None,
    };
    let typed_for = |u: UnitId| typed.filter(|(t, _)| *t == u).map(|(_, v)| v);
    let forms = if may_decide {
        std::iter::once(&report.root).chain(report.children.iter()).map(|r| target_form(r, typed_for(r.unit.id))).collect()
    } else {
        Vec::new()
    };
    let this_year = today.year();
    Ok(TargetsPage {
        chrome: chrome.titled(format!("Chỉ tiêu kết nạp năm {year}: {}", report.root.unit.name)),
        unit_id: root.0,
        name: report.root.unit.name.clone(),
        year,
        filters: vec![unit_chooser(&roots, Some((root, report.root.unit.name.as_str())), None)],
        years: ((this_year - 5).min(year)..=(this_year + 1).max(year)).rev().map(|y| YearOption { year: y, selected: y == year }).collect(),
        shape_on: format::date(report.shape_on),
        up,
        group_labels: TargetGroup::ALL.iter().map(|g| g.label()).collect(),
        rows: std::iter::once(row_view(&report.root, year, true)).chain(report.children.iter().map(|r| row_view(r, year, false))).collect(),
        zero: report.zero_admission.iter().map(|u| Link { href: targets_href(u.id, Some(year)), label: u.name.clone() }).collect(),
        occasion_list: report.occasions.list.clone(),
        anniversaries: report
            .occasions
            .lines
            .iter()
            .map(|o| {
                let href = credited_href(report.root.unit.id, report.year, &query::credit_occasion_code(&o.code));
                (occasion_label(o), Link { href, label: format::number(o.admitted) })
            })
            .collect(),
        readmissions: format::number(u64::from(report.readmissions)),
        by_source: report.open_candidates_by_source.iter().map(|(src, n)| (src.label(), format::count(*n))).collect(),
        forms,
        notice,
        errors,
        overview: overview_href(Some(root)),
        worklist: worklist_href(Some(root), None),
        plans: format::href("/admission/plans", &[("unit", &root.to_string())]),
    })
}

/// `GET /admission/targets?unit=&year=`: targets and admissions of a unit and the units under it.
pub(super) async fn targets(s: Caller, chrome: Chrome, Query(p): Query<TargetParams>) -> Result<Response, AppError> {
    let today = s.today();
    let year = parse_year(&p.year, today)?;
    let root = match query_unit(&p.unit)? {
        Some(u) => u,
        None => match s.reader()?.children(None, today).await?.first() {
            Some(r) => r.unit.id,
            // Nothing to show: the overview explains what the person may see.
            None => return Ok(see_other("/admission")),
        },
    };
    let notice = match crate::query::parse_optional_unit(&p.saved) {
        Ok(Some(_)) => Some("Đã lưu chỉ tiêu.".to_owned()),
        _ => None,
    };
    page(&targets_view(&s, chrome, root, year, notice, Vec::new(), None).await?)
}

/// A target as typed: empty removes it.
fn parse_target(raw: &str) -> Result<Option<u32>, ()> {
    let cleaned: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    cleaned.parse::<u32>().ok().filter(|v| *v <= 100_000).map(Some).ok_or(())
}

/// `POST /admission/targets` (unit, year, target, target_<group>, back): sets a unit's targets
/// for a year; an empty box removes the target. Only what changed is written.
pub(super) async fn set_targets(s: Caller, chrome: Chrome, Form(fields): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str());
    // Authorized before the form is read: who sets targets nowhere is refused outright, and for
    // the unit named before any target typed is checked.
    let desk = s.admission()?;
    if !desk.decides_anywhere() {
        return Err(AppError::forbidden());
    }
    let unit = domain::event::parse_unit_id(get("unit")).map_err(|_| AppError::bad_request("Thiếu tổ chức cần đặt chỉ tiêu."))?;
    desk.require_deciding_in(unit).await?;
    if get("year").trim().is_empty() {
        return Err(AppError::bad_request("Thiếu năm của chỉ tiêu."));
    }
    let year = parse_year(get("year"), s.today())?;
    let back = crate::query::parse_optional_unit(get("back")).ok().flatten().unwrap_or(unit);
    let groups: Vec<Option<TargetGroup>> = std::iter::once(None).chain(TargetGroup::ALL.iter().map(|g| Some(*g))).collect();
    let mut wanted = Vec::new();
    let mut errors = Vec::new();
    for g in &groups {
        match parse_target(get(&target_field(*g))) {
            Ok(t) => wanted.push((*g, t)),
            Err(()) => errors
                .push(format!("{}: chỉ tiêu phải là số nguyên không âm (để trống để bỏ chỉ tiêu).", g.map_or("Tổng số", |g| g.label()))),
        }
    }
    let current = desk.targets(unit, year).await?;
    if errors.is_empty() {
        for (group, target) in wanted {
            let now = match group {
                None => current.root.total.target,
                Some(g) => current.root.groups.iter().find(|(x, _)| *x == g).and_then(|(_, c)| c.target),
            };
            if now == target {
                continue;
            }
            if let Err(e) = desk.set_target(unit, year, group, target).await {
                errors.extend(forms::messages(forms::invalid(e)?));
            }
        }
    }
    if errors.is_empty() {
        let to =
            format::href("/admission/targets", &[("unit", &back.to_string()), ("year", &year.to_string()), ("saved", &unit.to_string())]);
        return Ok(see_other(&to));
    }
    let errors = errors.into_iter().map(|e| format!("{}: {e}", current.root.unit.name)).collect();
    let view = targets_view(&s, chrome, back, year, None, errors, Some((unit, fields.as_slice()))).await?;
    render(StatusCode::UNPROCESSABLE_ENTITY, &view)
}
