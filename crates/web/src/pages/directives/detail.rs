//! `/directives/{id}`: a directive as one person reads it. For the units the person acts for:
//! their status and the actions (start, report done, pass the task on inside the unit). For
//! whoever reads more receipts (the sender's staff, a unit that passed the task on): the table of
//! receivers with the count of each status (each count filtering the table), reminders to the
//! late, and the table as CSV or a workbook.

use askama::Template;
use axum::response::Response;
use serde::Deserialize;

use domain::ValidationErrors;
use domain::dates::parse_date;
use domain::directives::{Reach, TaskStatus};
use domain::ids::UnitId;
use storage::access::{Access, DirectiveSight};
use storage::{ReceiptStep, ReceiptView, StoreError};

use super::new::reach_fields;
use super::{all, directive_href, get, heading, status_class, unit_label};
use crate::chrome::Chrome;
use crate::csv::{Csv, Value};
use crate::error::AppError;
use crate::extract::{Form, PathId, Query};
use crate::format;
use crate::forms::{self, Field, Refusal};
use crate::pages::Link;
use crate::respond::{page, render, see_other};
use crate::session::Caller;
use crate::xlsx::{self, Cell, Sheet};

/// The page's query: a status to filter the table by.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct DetailParams {
    status: String,
}

/// A file of the directive with its download link.
struct FileLink {
    name: String,
    href: String,
    size: String,
}

/// The files of the sender (`unit` none) or of a unit's report.
fn files_of(detail: &storage::DirectiveDetail, unit: Option<UnitId>) -> Vec<FileLink> {
    detail
        .files
        .iter()
        .filter(|f| f.unit == unit)
        .map(|f| FileLink { name: f.name.clone(), href: format!("/directives/files/{}", f.id), size: format::file_size(f.size) })
        .collect()
}

/// A unit the person acts for, with what it may do next.
struct OwnReceipt {
    unit: UnitId,
    name: String,
    status: &'static str,
    class: &'static str,
    steps: String,
    report: Option<String>,
    reminded: String,
    version: i64,
    may_start: bool,
    may_report: bool,
    report_value: String,
    passed_on: String,
    pass_on: Vec<Field>,
    /// The files attached to its report.
    files: Vec<FileLink>,
}

/// One receiver in the table.
struct ReceiptRow {
    unit: UnitId,
    name: Link,
    passed_from: bool,
    status: &'static str,
    class: &'static str,
    opened: String,
    done: String,
    due: String,
    report: Option<String>,
    passed_on: String,
    reminded: String,
    remindable: bool,
    files: Vec<FileLink>,
}

/// A status's count, filtering the table.
struct CountLink {
    label: &'static str,
    count: u32,
    href: String,
    class: &'static str,
    current: bool,
}

#[derive(Template)]
#[template(path = "directive.html")]
struct DetailPage {
    chrome: Chrome,
    id: i64,
    heading: String,
    title: String,
    sender: Link,
    sent_on: String,
    sent_by: String,
    reach: String,
    paragraphs: Vec<String>,
    task: Option<String>,
    due: String,
    deadline: String,
    errors: Vec<String>,
    /// The sender's files, and whether this person may add some.
    files: Vec<FileLink>,
    may_attach: bool,
    own: Vec<OwnReceipt>,
    sees_all: bool,
    /// The table: for the sender's readers, or when units other than the person's own are read
    /// (those the person's unit passed the task on to).
    show_table: bool,
    counts: Vec<CountLink>,
    done_text: String,
    filtered: Option<&'static str>,
    all_href: String,
    rows: Vec<ReceiptRow>,
    may_remind: bool,
    late_remindable: usize,
    csv_href: String,
    xlsx_href: String,
    as_of: String,
}

fn steps_text(r: &ReceiptView) -> String {
    let mut parts = Vec::new();
    if let Some(d) = r.opened_on {
        parts.push(format!("xem {}", format::date(d)));
    }
    if let Some(d) = r.started_on {
        parts.push(format!("bắt đầu {}", format::date(d)));
    }
    if let Some(d) = r.done_on {
        parts.push(format!("báo cáo {}", format::date(d)));
    }
    parts.join(" · ")
}

fn passed_on_text(r: &ReceiptView) -> String {
    if r.passed_on == 0 {
        String::new()
    } else {
        format!("Đã giao {} đơn vị trực thuộc, {} hoàn thành", r.passed_on, r.passed_on_done)
    }
}

fn reminded_text(r: &ReceiptView) -> String {
    match (r.reminded_on, r.reminders) {
        (Some(d), 1) => format!("Đã nhắc ngày {}", format::date(d)),
        (Some(d), n) => format!("Đã nhắc {n} lần, lần cuối ngày {}", format::date(d)),
        (None, _) => String::new(),
    }
}

/// What the page shows, from what the person reads; `typed` keeps a report typed before a
/// refusal.
async fn view(
    s: &Access,
    chrome: Chrome,
    sight: DirectiveSight,
    status: Option<TaskStatus>,
    errors: Vec<String>,
    typed: &[(String, String)],
) -> DetailPage {
    let detail = &sight.detail;
    let d = &detail.directive;
    let has_task = d.task.is_some();
    let typed_value = |name: &str| typed.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str()).to_owned();
    let own = sight
        .acts_for
        .iter()
        .filter_map(|u| detail.receipts.iter().find(|r| r.unit == *u))
        .map(|r| OwnReceipt {
            unit: r.unit,
            name: unit_label(s, r.unit, &r.unit_name),
            status: r.status.label(),
            class: status_class(r.status),
            steps: steps_text(r),
            report: r.report.clone(),
            reminded: reminded_text(r).replace("Đã nhắc", "Cấp trên đã nhắc"),
            version: r.version,
            may_start: has_task && r.started_on.is_none() && r.done_on.is_none(),
            may_report: has_task && r.done_on.is_none(),
            report_value: typed_value("report"),
            passed_on: passed_on_text(r),
            pass_on: {
                let mut f = reach_fields(&[], "");
                f.push(Field::date("due_on", "Hạn báo cáo lên đơn vị (không bắt buộc)", &typed_value("due_on")));
                f
            },
            files: files_of(detail, Some(r.unit)),
        })
        .collect();
    let href = directive_href(d.id);
    let counts = detail
        .tally
        .counts
        .iter()
        .map(|c| CountLink {
            label: c.status.label(),
            count: c.count,
            href: format::href(&href, &[("status", c.status.code())]) + "#receivers",
            class: status_class(c.status),
            current: status == Some(c.status),
        })
        .collect();
    let mut rows = Vec::new();
    for r in detail.receipts.iter().filter(|r| status.is_none_or(|st| r.status == st)) {
        rows.push(ReceiptRow {
            unit: r.unit,
            name: Link::unit(s, r.unit, "", unit_label(s, r.unit, &r.unit_name)).await,
            passed_from: r.via.is_some(),
            status: r.status.label(),
            class: status_class(r.status),
            opened: r.opened_on.map(format::date).unwrap_or_default(),
            done: r.done_on.map(format::date).unwrap_or_default(),
            due: r.due_on.map(format::date).unwrap_or_default(),
            report: r.report.clone(),
            passed_on: passed_on_text(r),
            reminded: reminded_text(r),
            remindable: sight.may_remind.contains(&r.unit),
            files: files_of(detail, Some(r.unit)),
        });
    }
    let late_remindable = detail.receipts.iter().filter(|r| r.status == TaskStatus::Late && sight.may_remind.contains(&r.unit)).count();
    let task = d.task.as_ref();
    DetailPage {
        chrome: chrome.titled(d.title.clone()),
        id: d.id,
        heading: heading(d),
        title: d.title.clone(),
        sender: Link::unit(s, d.sender, "", unit_label(s, d.sender, &d.sender_name)).await,
        sent_on: format::date(d.sent_on),
        sent_by: d.sent_by.clone(),
        reach: d.reach.label.clone(),
        paragraphs: d.body.lines().map(str::to_owned).filter(|l| !l.trim().is_empty()).collect(),
        task: task.map(|t| t.asks.clone()),
        due: task.map(|t| format::date(t.due_on)).unwrap_or_default(),
        deadline: task
            .map(|t| match (t.deadline_days, t.deadline_date) {
                (Some(n), _) => format!("{n} ngày làm việc kể từ ngày gửi"),
                _ => "theo ngày ghi trong văn bản".to_owned(),
            })
            .unwrap_or_default(),
        errors,
        files: files_of(detail, None),
        may_attach: sight.sender_staff,
        own,
        sees_all: sight.sees_all,
        show_table: sight.sees_all || detail.receipts.iter().any(|r| !sight.acts_for.contains(&r.unit)),
        counts,
        done_text: if has_task {
            format!("Hoàn thành {}/{} đơn vị", detail.tally.done, detail.tally.receivers)
        } else {
            format!("{} đơn vị nhận", detail.tally.receivers)
        },
        filtered: status.map(TaskStatus::label),
        all_href: href.clone() + "#receivers",
        rows,
        may_remind: has_task && !sight.may_remind.is_empty(),
        late_remindable,
        csv_href: format!("{href}/receipts.csv"),
        xlsx_href: format!("{href}/receipts.xlsx"),
        as_of: format::date(detail.as_of),
    }
}

fn parse_status(raw: &str) -> Result<Option<TaskStatus>, AppError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    crate::query::param("status", TaskStatus::parse(raw.trim())).map(Some)
}

/// `GET /directives/{id}?status=`: the directive; opening it records the opening for the units
/// the person acts for.
pub(super) async fn show(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Query(p): Query<DetailParams>) -> Result<Response, AppError> {
    let status = parse_status(&p.status)?;
    let sight = s.directives()?.open(id).await?;
    page(&view(&s, chrome, sight, status, Vec::new(), &[]).await)
}

/// The page again with why the action was refused (422, or 409 when someone recorded a step
/// first), what was typed kept.
pub(super) async fn refused(s: &Access, chrome: Chrome, id: i64, e: StoreError, typed: &[(String, String)]) -> Result<Response, AppError> {
    let refusal = forms::refusal(e)?;
    let code = refusal.status();
    let errors = match refusal {
        Refusal::Conflict { .. } => vec!["Đơn vị vừa được người khác cập nhật; trang dưới đây đã cập nhật theo tình hình mới. Hãy kiểm tra và thực hiện lại nếu vẫn cần.".to_owned()],
        Refusal::Invalid(e) => forms::messages(e),
    };
    let sight = s.directives()?.open(id).await?;
    render(code, &view(s, chrome, sight, None, errors, typed).await)
}

fn form_unit(fields: &[(String, String)], name: &str) -> Result<UnitId, AppError> {
    domain::event::parse_unit_id(get(fields, name)).map_err(|_| AppError::bad_request("Thiếu đơn vị."))
}

/// `POST /directives/{id}/receipt` (unit, step = start | done, report, version).
pub(super) async fn record(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.directives()?;
    // The directive is checked before anything sent is read.
    desk.require_visible(id).await?;
    let unit = form_unit(&fields, "unit")?;
    desk.require_acting(id, unit).await?;
    let version = get(&fields, "version").trim().parse::<i64>().ok();
    let step = match get(&fields, "step") {
        "start" => Ok(ReceiptStep::Start),
        "done" => {
            domain::directives::parse_report(get(&fields, "report")).map(|report| ReceiptStep::Done { report }).map_err(StoreError::Invalid)
        }
        _ => return Err(AppError::bad_request("Bước không hợp lệ.")),
    };
    match step {
        Ok(step) => match desk.record(id, unit, step, version).await {
            Ok(()) => Ok(see_other(&directive_href(id))),
            Err(e) => refused(&s, chrome, id, e, &fields).await,
        },
        Err(e) => refused(&s, chrome, id, e, &fields).await,
    }
}

/// `POST /directives/{id}/pass-on` (unit, reach_kinds…, reach_depth, due_on).
pub(super) async fn pass_on(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.directives()?;
    desk.require_visible(id).await?;
    let unit = form_unit(&fields, "unit")?;
    desk.require_acting(id, unit).await?;
    let kinds = all(&fields, "reach_kinds");
    let mut errors = ValidationErrors::default();
    let reach = Reach::parse(&kinds, get(&fields, "reach_depth")).map_err(|e| errors.errors.extend(e.errors)).ok();
    let due = get(&fields, "due_on");
    let due = if due.trim().is_empty() { None } else { errors.take("due_on", parse_date(due)) };
    let result = match reach {
        Some(reach) if errors.is_empty() => desk.pass_on(id, unit, reach, due).await.map(|_| ()),
        _ => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(see_other(&directive_href(id))),
        Err(e) => refused(&s, chrome, id, e, &fields).await,
    }
}

/// `POST /directives/{id}/remind` (units…, or late=1 for every late receiver the person may remind).
pub(super) async fn remind(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.directives()?;
    desk.require_visible(id).await?;
    let units: Vec<UnitId> = if get(&fields, "late") == "1" {
        let sight = desk.open(id).await?;
        sight
            .detail
            .receipts
            .iter()
            .filter(|r| r.status == TaskStatus::Late && sight.may_remind.contains(&r.unit))
            .map(|r| r.unit)
            .collect()
    } else {
        fields
            .iter()
            .filter(|(k, _)| k == "units")
            .map(|(_, v)| domain::event::parse_unit_id(v).map_err(|_| AppError::bad_request("Đơn vị không hợp lệ.")))
            .collect::<Result<_, _>>()?
    };
    match desk.remind(id, &units).await {
        Ok(_) => Ok(see_other(&(directive_href(id) + "#receivers"))),
        Err(e) => refused(&s, chrome, id, e, &[]).await,
    }
}

const COLUMNS: [&str; 10] =
    ["Đơn vị", "Mã đơn vị", "Nhận qua", "Tình trạng", "Hạn", "Ngày xem", "Ngày bắt đầu", "Ngày báo cáo", "Báo cáo", "Số lần nhắc"];

/// The receivers the person reads, as the table shows them (every status).
async fn table(s: &Access, id: i64) -> Result<(DirectiveSight, Vec<ReceiptView>), AppError> {
    let sight = s.directives()?.open(id).await?;
    let rows = sight.detail.receipts.clone();
    Ok((sight, rows))
}

fn via_name(rows: &[ReceiptView], r: &ReceiptView) -> String {
    r.via.and_then(|v| rows.iter().find(|o| o.unit == v)).map(|o| o.unit_name.clone()).unwrap_or_default()
}

/// `GET /directives/{id}/receipts.csv`: the receivers' table for machines (ISO dates, codes).
pub(super) async fn csv(s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    let (_, rows) = table(&s, id).await?;
    let mut out = Csv::new(&[
        "unit_id",
        "unit_name",
        "unit_code",
        "via_unit_id",
        "status",
        "due_on",
        "opened_on",
        "started_on",
        "done_on",
        "report",
        "reminders",
    ]);
    for r in &rows {
        let via = r.via.map(|v| v.to_string()).unwrap_or_default();
        let id = r.unit.to_string();
        out.row([
            Value::Raw(&id),
            Value::Text(&r.unit_name),
            Value::Text(&r.unit_code),
            Value::Raw(&via),
            Value::Raw(r.status.code()),
            r.due_on.map_or(Value::Empty, Value::Date),
            r.opened_on.map_or(Value::Empty, Value::Date),
            r.started_on.map_or(Value::Empty, Value::Date),
            r.done_on.map_or(Value::Empty, Value::Date),
            Value::Text(r.report.as_deref().unwrap_or("")),
            Value::Count(u64::try_from(r.reminders).unwrap_or(0)),
        ]);
    }
    Ok(out.download(&format!("van-ban-{id}-tinh-hinh.csv")))
}

/// `GET /directives/{id}/receipts.xlsx`: the same table for people.
pub(super) async fn xlsx(s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    let (sight, rows) = table(&s, id).await?;
    let d = &sight.detail.directive;
    let date = |d: Option<chrono::NaiveDate>| Cell::text(d.map(format::date).unwrap_or_default());
    let sheet = Sheet {
        name: "Tình hình thực hiện".into(),
        title: format!("{} – {} (tính đến ngày {})", heading(d), d.title, format::date(sight.detail.as_of)),
        header: xlsx::header(&COLUMNS),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::text(r.unit_name.clone()),
                    Cell::text(r.unit_code.clone()),
                    Cell::text(via_name(&rows, r)),
                    Cell::text(r.status.label()),
                    date(r.due_on),
                    date(r.opened_on),
                    date(r.started_on),
                    date(r.done_on),
                    Cell::text(r.report.clone().unwrap_or_default()),
                    Cell::Count(u64::try_from(r.reminders).unwrap_or(0)),
                ]
            })
            .collect(),
        bold_rows: Vec::new(),
    };
    Ok(xlsx::download(&[sheet], &format!("van-ban-{id}-tinh-hinh")))
}
