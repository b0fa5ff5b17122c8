//! The admission pipeline's pages (phát triển đảng viên): the overview of a unit, the pipeline
//! board of a chi bộ (the secretary's main screen), a candidate's case with its steps, the forms
//! to add and edit a candidate and to record or void a step, the worklist ("Việc cần làm") and the
//! targets ("Chỉ tiêu kết nạp"), the congress terms and occasions ("Nhiệm kỳ và ngày lễ, kỷ niệm").
//!
//! One module per screen (`overview`, `board`, `candidate`, `case`, `steps`, `worklist`,
//! `targets`, `plans`), each with its view structs; the links and labels they share are here.
//!
//! Every route needs the register's read scope; the admission desk (`storage::access::AdmissionDesk`) decides who may record the
//! chi bộ's steps and the committee's decisions and refuses the rest (403, or 404 outside the read
//! scope). A case is read — and so checked against the scope — before anything posted is looked at.

mod board;
mod candidate;
mod case;
mod overview;
mod plans;
mod steps;
mod targets;
mod worklist;

pub(crate) use targets::occasion_label;

use domain::access::Capability;
use domain::ids::{MemberId, UnitId};
use domain::pipeline::{Actor, Urgency};

use crate::error::AppError;
use crate::format;
use crate::forms::Field;
use crate::policy::{Policy, Route};
use crate::query;
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![
        Route::get("/admission", read, overview::overview),
        Route::get("/admission/worklist", read, worklist::worklist),
        Route::get("/admission/targets", read, targets::targets),
        Route::post("/admission/targets", read, targets::set_targets),
        Route::get("/admission/plans", read, plans::plans),
        Route::post("/admission/plans/terms", read, plans::create_term),
        Route::post("/admission/plans/terms/{id}", read, plans::update_term),
        Route::post("/admission/plans/terms/{id}/delete", read, plans::delete_term),
        Route::post("/admission/plans/occasions", read, plans::add_occasion),
        Route::post("/admission/plans/occasions/remove", read, plans::remove_occasion),
        Route::get("/admission/cases/{id}", read, case::case_page),
        Route::get("/admission/cases/{id}/edit", read, candidate::edit_form),
        Route::post("/admission/cases/{id}/edit", read, candidate::edit),
        Route::get("/admission/cases/{id}/steps/new", read, steps::step_form),
        Route::post("/admission/cases/{id}/steps/new", read, steps::record_step),
        Route::post("/admission/cases/{id}/steps/{step}/void", read, case::void_step),
        Route::get("/units/{id}/admission", read, board::board),
        Route::get("/units/{id}/admission/new", read, candidate::new_form),
        Route::post("/units/{id}/admission/new", read, candidate::create),
    ]
}

/// `?unit=`: empty is none, anything but a unit id is a bad request.
fn query_unit(raw: &str) -> Result<Option<UnitId>, AppError> {
    query::param("unit", query::parse_optional_unit(raw))
}

fn case_href(id: i64) -> String {
    format!("/admission/cases/{id}")
}

fn board_href(unit: UnitId) -> String {
    format!("/units/{unit}/admission")
}

fn member_href(m: MemberId) -> String {
    format!("/members/{}", m.0)
}

/// `/admission/worklist?unit=&urgency=`.
fn worklist_href(unit: Option<UnitId>, urgency: Option<Urgency>) -> String {
    let unit = unit.map(|u| u.to_string()).unwrap_or_default();
    format::href("/admission/worklist", &[("unit", &unit), ("urgency", urgency.map_or("", urgency_code))])
}

fn targets_href(unit: UnitId, year: Option<i32>) -> String {
    let year = year.map(|y| y.to_string()).unwrap_or_default();
    format::href("/admission/targets", &[("unit", &unit.to_string()), ("year", &year)])
}

fn overview_href(unit: Option<UnitId>) -> String {
    let unit = unit.map(|u| u.to_string()).unwrap_or_default();
    format::href("/admission", &[("unit", &unit)])
}

fn urgency_code(u: Urgency) -> &'static str {
    match u {
        Urgency::Overdue => "overdue",
        Urgency::Soon => "soon",
        Urgency::Later => "later",
    }
}

/// An urgency as a coloured label.
#[derive(Debug, Clone, Copy)]
struct Badge {
    label: &'static str,
    class: &'static str,
}

fn badge(u: Urgency) -> Badge {
    Badge { label: u.label(), class: urgency_code(u) }
}

fn actor_label(a: Actor) -> &'static str {
    match a {
        Actor::ChiBo => "Chi bộ",
        Actor::Committee => "Cấp ủy có thẩm quyền",
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "Có" } else { "Không" }
}

/// One of the three counts of the worklist, as a link to the worklist filtered.
pub(crate) struct UrgencyCount {
    pub label: &'static str,
    pub class: &'static str,
    pub count: String,
    pub href: String,
    pub current: bool,
}

pub(crate) fn urgency_counts(
    unit: Option<UnitId>,
    overdue: usize,
    soon: usize,
    later: usize,
    current: Option<Urgency>,
) -> Vec<UrgencyCount> {
    [(Urgency::Overdue, overdue), (Urgency::Soon, soon), (Urgency::Later, later)]
        .into_iter()
        .map(|(u, n)| UrgencyCount {
            label: u.label(),
            class: urgency_code(u),
            count: format::count(n),
            href: worklist_href(unit, Some(u)),
            current: current == Some(u),
        })
        .collect()
}

/// The starting units of the caller's tree and, when one is chosen, that unit: the options of a
/// unit chooser (`unit` select).
fn unit_chooser(roots: &[storage::UnitNode], chosen: Option<(UnitId, &str)>, blank: Option<&str>) -> Field {
    let mut items: Vec<(String, String)> = roots.iter().map(|n| (n.unit.id.to_string(), n.unit.name.clone())).collect();
    if let Some((id, name)) = chosen
        && !roots.iter().any(|n| n.unit.id == id)
    {
        items.push((id.to_string(), name.to_owned()));
    }
    let value = chosen.map(|(id, _)| id.to_string()).unwrap_or_default();
    Field::select("unit", "Tổ chức đảng", &value, blank, items.iter().map(|(v, l)| (v.as_str(), l.as_str())))
}

fn codes<T: Copy>(all: &'static [T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|v| (code(*v), label(*v))).collect()
}

/// The admission block of a unit page: open cases, the worklist counts, the board.
pub(crate) struct UnitAdmission {
    pub open_cases: String,
    pub board_href: String,
    pub counts: Vec<UrgencyCount>,
}

/// The unit's admission block, for those who may read the unit (today's view only).
pub(crate) async fn unit_admission(s: &Caller, unit: UnitId) -> Result<UnitAdmission, AppError> {
    let mut q = storage::CaseQuery::new(s.today());
    q.unit = Some(unit);
    let list = s.admission()?.worklist(&q).await?;
    Ok(UnitAdmission {
        open_cases: format::count(list.open_cases),
        board_href: format!("/units/{}/admission", unit.0),
        counts: urgency_counts(Some(unit), list.overdue, list.soon, list.later, None),
    })
}
