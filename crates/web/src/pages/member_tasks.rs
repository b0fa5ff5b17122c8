//! Tasks a chi bộ assigns to its members (domain::member_tasks). `/units/{id}/member-tasks` is
//! the chi bộ's list for a year, member by member, with the form that assigns a new one for
//! whoever assigns them (the secretary, the register's keepers); `/handbook/tasks` is the
//! member's own list, where each open task takes the report that it is done.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use domain::ValidationErrors;
use domain::access::Capability;
use domain::ids::{MemberId, UnitId};
use domain::member_tasks::{TaskFields, TaskInput, TaskProgress};

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId};
use crate::format;
use crate::forms::{self, Field, Section, SummaryItem};
use crate::pages::directives::unit_label;
use crate::policy::{Policy, Route};
use crate::respond::{page, render, see_other};
use crate::session::{AppState, Caller};

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![
        Route::get("/units/{id}/member-tasks", read, unit_tasks),
        Route::post("/units/{id}/member-tasks", read, assign),
        Route::get("/handbook/tasks", Policy::LoggedIn, mine),
        Route::post("/handbook/tasks/{id}/report", Policy::LoggedIn, report),
    ]
}

/// The link on a unit's page: for a unit that holds members, whose tasks the caller reads.
pub(crate) fn href(unit: UnitId) -> String {
    format!("/units/{unit}/member-tasks")
}

/// A progress's badge class.
fn class(p: TaskProgress) -> &'static str {
    match p {
        TaskProgress::Open => "soon",
        TaskProgress::Late => "overdue",
        TaskProgress::Done => "ok",
        TaskProgress::DoneLate => "warn",
    }
}

/// "Hạn 31/12/2026" or "Không có thời hạn".
fn due_words(due: Option<NaiveDate>) -> String {
    due.map_or_else(|| "Không có thời hạn".to_owned(), |d| format!("Hạn {}", format::date(d)))
}

struct AssigneeRow {
    name: String,
    href: String,
    progress: &'static str,
    class: &'static str,
    report: String,
}

struct TaskRow {
    title: String,
    details: String,
    meta: String,
    done: usize,
    rows: Vec<AssigneeRow>,
}

#[derive(Template)]
#[template(path = "member_tasks.html")]
struct UnitPage {
    chrome: Chrome,
    unit: UnitId,
    unit_label: String,
    year: i32,
    years: Vec<i32>,
    tasks: Vec<TaskRow>,
    /// The form, for whoever assigns tasks here.
    form: Option<Vec<Section>>,
    summary: Vec<SummaryItem>,
}

#[derive(Deserialize)]
struct YearQuery {
    #[serde(default)]
    year: Option<String>,
}

/// The year asked for (this year by default; 400 for one that is not a year).
fn year_of(q: &YearQuery, today: NaiveDate) -> Result<i32, AppError> {
    match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => Ok(today.year()),
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (1930..=today.year() + 1).contains(y))
            .ok_or_else(|| AppError::bad_request("Năm không hợp lệ.")),
    }
}

fn form_sections(members: &[storage::ListedMember], fields: &[(String, String)]) -> Vec<Section> {
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str());
    let ticked: Vec<String> = fields.iter().filter(|(k, _)| k == "assignees").map(|(_, v)| v.clone()).collect();
    let labels: Vec<(String, String)> =
        members.iter().map(|m| (m.member.to_string(), format!("{} (sinh năm {})", m.full_name, m.birth.year()))).collect();
    vec![Section::new(
        "Giao nhiệm vụ mới",
        vec![
            Field::text("title", "Nội dung nhiệm vụ", get("title")).required(),
            Field::textarea("details", "Yêu cầu cụ thể", get("details")),
            Field::date("assigned_on", "Ngày giao", get("assigned_on")).hint("Để trống: hôm nay. Thường là ngày chi bộ họp phân công."),
            Field::date("due", "Thời hạn hoàn thành", get("due")).hint("Để trống nếu không có thời hạn."),
            Field::checks("assignees", "Đảng viên được giao", &ticked, labels.iter().map(|(v, l)| (v.as_str(), l.as_str()))).required(),
        ],
    )]
}

async fn unit_page(
    s: &Caller,
    chrome: Chrome,
    unit: UnitId,
    year: i32,
    fields: &[(String, String)],
    errors: &ValidationErrors,
) -> Result<UnitPage, AppError> {
    let desk = s.member_tasks()?;
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| AppError::bad_request("Năm không hợp lệ."))?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| AppError::bad_request("Năm không hợp lệ."))?;
    let tasks = desk
        .of_unit(unit, first, last)
        .await?
        .into_iter()
        .map(|t| TaskRow {
            meta: format!("Giao ngày {} · {} · {} giao", format::date(t.task.assigned_on), due_words(t.task.due), t.task.created_by),
            done: t.done(),
            rows: t
                .assignees
                .iter()
                .map(|a| AssigneeRow {
                    name: a.full_name.clone(),
                    href: format!("/members/{}", a.member),
                    progress: a.progress.label(),
                    class: class(a.progress),
                    report: match (a.done_on, &a.report) {
                        (Some(on), Some(r)) => format!("{}: {r}", format::date(on)),
                        _ => String::new(),
                    },
                })
                .collect(),
            title: t.task.title,
            details: t.task.details.unwrap_or_default(),
        })
        .collect();
    // The form, for whoever assigns here, on this year's page of a unit with members on its list.
    let members = if desk.may_assign(unit).await && year == s.today().year() { desk.members(unit).await? } else { Vec::new() };
    let (form, summary) = if members.is_empty() && errors.errors.is_empty() {
        (None, Vec::new())
    } else {
        let mut sections = form_sections(&members, fields);
        let summary = forms::attach_errors(&mut sections, errors);
        (Some(sections), summary)
    };
    let label = unit_label(s, unit, "");
    let this_year = s.today().year();
    Ok(UnitPage {
        chrome: chrome.titled(format!("Nhiệm vụ phân công đảng viên: {label}")),
        unit,
        unit_label: label,
        year,
        years: (this_year - 4..=this_year).rev().collect(),
        tasks,
        form,
        summary,
    })
}

/// `GET /units/{id}/member-tasks[?year=]`.
async fn unit_tasks(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    let year = year_of(&q, s.today())?;
    page(&unit_page(&s, chrome, unit, year, &[], &ValidationErrors::default()).await?)
}

/// `POST /units/{id}/member-tasks`: assigns the task and shows the list; the form again with
/// every problem otherwise.
async fn assign(
    s: Caller,
    chrome: Chrome,
    PathId(unit): PathId<UnitId>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.member_tasks()?;
    // The chi bộ is checked before anything typed is read.
    if !desk.assigns() {
        return Err(AppError::forbidden());
    }
    if !desk.may_assign(unit).await {
        return Err(AppError::not_found());
    }
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str());
    let mut errors = ValidationErrors::default();
    let mut assignees = Vec::new();
    for (_, v) in fields.iter().filter(|(k, _)| k == "assignees") {
        match v.trim().parse::<i64>() {
            Ok(id) => assignees.push(MemberId(id)),
            Err(_) => errors.push("assignees", "invalid", "Chọn đảng viên trong danh sách."),
        }
    }
    let typed = TaskFields {
        title: get("title"),
        details: get("details"),
        assigned_on: get("assigned_on"),
        due: get("due"),
        assignees: &assignees,
    };
    let result = match (errors.errors.is_empty(), TaskInput::parse(&typed, s.today())) {
        (true, Ok(task)) => desk.assign(unit, task).await.map_err(forms::invalid),
        (_, Err(mut e)) => {
            e.errors.extend(errors.errors);
            Err(Ok(e))
        }
        (false, Ok(_)) => Err(Ok(errors)),
    };
    match result {
        Ok(_) => Ok(see_other(&href(unit))),
        Err(errors) => {
            let errors = errors?;
            let year = s.today().year();
            render(StatusCode::UNPROCESSABLE_ENTITY, &unit_page(&s, chrome, unit, year, &fields, &errors).await?)
        }
    }
}

struct MineRow {
    id: i64,
    title: String,
    details: String,
    meta: String,
    progress: &'static str,
    class: &'static str,
    open: bool,
    report: String,
    error: Option<String>,
    typed: String,
}

#[derive(Template)]
#[template(path = "handbook_tasks.html")]
struct MinePage {
    chrome: Chrome,
    open: usize,
    rows: Vec<MineRow>,
}

async fn mine_page(s: &Caller, chrome: Chrome, failed: Option<(i64, String, String)>) -> Result<MinePage, AppError> {
    let tasks = s.handbook()?.tasks().await?;
    let open = tasks.iter().filter(|t| !t.progress.is_done()).count();
    let rows = tasks
        .into_iter()
        .map(|t| {
            let error = failed.as_ref().filter(|(id, _, _)| *id == t.task.id);
            MineRow {
                id: t.task.id,
                meta: format!("Chi bộ giao ngày {} · {}", format::date(t.task.assigned_on), due_words(t.task.due)),
                progress: t.progress.label(),
                class: class(t.progress),
                open: !t.progress.is_done(),
                report: match (t.done_on, &t.report) {
                    (Some(on), Some(r)) => format!("Đã báo cáo ngày {}: {r}", format::date(on)),
                    _ => String::new(),
                },
                error: error.map(|(_, m, _)| m.clone()),
                typed: error.map(|(_, _, typed)| typed.clone()).unwrap_or_default(),
                title: t.task.title,
                details: t.task.details.unwrap_or_default(),
            }
        })
        .collect();
    Ok(MinePage { chrome: chrome.titled("Nhiệm vụ được giao"), open, rows })
}

/// `GET /handbook/tasks`: the tasks the member's chi bộ assigned them.
async fn mine(s: Caller, chrome: Chrome) -> Result<Response, AppError> {
    page(&mine_page(&s, chrome, None).await?)
}

#[derive(Deserialize)]
struct ReportForm {
    #[serde(default)]
    report: String,
}

/// `POST /handbook/tasks/{id}/report`: the member reports the task done.
async fn report(
    State(state): State<AppState>,
    s: Caller,
    chrome: Chrome,
    PathId(task): PathId<i64>,
    Form(f): Form<ReportForm>,
) -> Result<Response, AppError> {
    match s.handbook()?.report_task(task, &f.report).await {
        Ok(()) => {
            super::handbook::changed(&state, &s);
            Ok(see_other("/handbook/tasks"))
        }
        Err(e) => {
            let errors = forms::invalid(e)?;
            let message = forms::messages(errors).join(" ");
            render(StatusCode::UNPROCESSABLE_ENTITY, &mine_page(&s, chrome, Some((task, message, f.report))).await?)
        }
    }
}
