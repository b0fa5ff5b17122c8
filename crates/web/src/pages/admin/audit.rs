//! The audit trail: the list with its filters, the CSV export and the check of the hash chain.

use std::collections::HashMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use domain::ValidationErrors;
use serde::Deserialize;
use storage::{AuditEntry, AuditQuery};

use crate::chrome::Chrome;
use crate::csv::{Csv, Value};
use crate::error::AppError;
use crate::extract::Query;
use crate::format;
use crate::forms::{self, Field, Section, SummaryItem};
use crate::respond::{page, render};
use crate::session::Caller;

mod describe;
use describe::{Detail, action_label};

/// Audit entries per page.
const AUDIT_PAGE: usize = 100;
/// Most rows of a CSV export.
const CSV_MAX_ROWS: usize = 100_000;
/// Entries fetched at a time for the export.
const CSV_BATCH: usize = 5_000;

/// The filters of the audit page and export, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct AuditParams {
    actor: String,
    action: String,
    object_kind: String,
    object_id: String,
    from: String,
    to: String,
    before: String,
}

/// The action filters offered: prefixes (ending in '.') and a few single actions.
const ACTION_CHOICES: &[(&str, &str)] = &[
    ("read.", "Đọc hồ sơ"),
    ("member.", "Hồ sơ đảng viên"),
    ("event.", "Sự kiện"),
    ("unit.", "Tổ chức"),
    ("login.", "Đăng nhập"),
    ("logout", "Đăng xuất"),
    ("account.", "Tài khoản"),
    ("grant.", "Quyền"),
    ("token.", "Mã truy cập"),
];

const KIND_CHOICES: &[(&str, &str)] = &[
    ("member", "Đảng viên"),
    ("unit", "Tổ chức"),
    ("account", "Tài khoản"),
    ("candidate", "Người xin vào Đảng"),
    ("calendar", "Lịch làm việc"),
];

fn plain_code(s: &str, max: usize, allow: impl Fn(char) -> bool) -> bool {
    !s.is_empty() && s.len() <= max && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || allow(c))
}

/// Start of a day in Vietnam (UTC+7) as an instant.
fn vietnam_midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc() - chrono::Duration::hours(7)
}

/// An instant as Vietnam time (UTC+7) in `format`: `%d/%m/%Y %H:%M:%S` for pages, ISO for the CSV.
fn vietnam_time(rfc3339: &str, format: &str) -> String {
    match DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => (t.with_timezone(&Utc) + chrono::Duration::hours(7)).format(format).to_string(),
        Err(_) => rfc3339.to_owned(),
    }
}

impl AuditParams {
    /// The query (`before` = the page of older entries), or every problem with its field.
    fn parse(&self) -> Result<AuditQuery, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let text = |s: &str| Some(s.trim().to_owned()).filter(|v| !v.is_empty());
        let actor = text(&self.actor);
        if actor.as_ref().is_some_and(|a| a.chars().count() > 100) {
            e.push("actor", "too_long", "Người thực hiện: tối đa 100 ký tự.");
        }
        let action = text(&self.action);
        if action.as_ref().is_some_and(|a| !plain_code(a, 64, |c| matches!(c, '.' | '_'))) {
            e.push("action", "invalid", "Hành động không hợp lệ.");
        }
        let object_kind = text(&self.object_kind);
        if object_kind.as_ref().is_some_and(|k| !plain_code(k, 32, |c| c == '_')) {
            e.push("object_kind", "invalid", "Loại đối tượng không hợp lệ.");
        }
        let object_id = text(&self.object_id);
        if object_id.as_ref().is_some_and(|i| i.chars().count() > 100) {
            e.push("object_id", "too_long", "Mã đối tượng: tối đa 100 ký tự.");
        }
        let from = if self.from.trim().is_empty() { None } else { e.take("from", domain::dates::parse_date(&self.from)) };
        let to = if self.to.trim().is_empty() { None } else { e.take("to", domain::dates::parse_date(&self.to)) };
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            e.push("to", "before_from", "“Đến ngày” phải từ “Từ ngày” trở về sau.");
        }
        let before = self.before.trim();
        let before_seq = match before.parse::<i64>() {
            _ if before.is_empty() => None,
            Ok(n) if n > 0 => Some(n),
            _ => {
                e.push("before", "invalid_format", "Vị trí trang không hợp lệ.");
                None
            }
        };
        e.into_result()?;
        Ok(AuditQuery {
            actor,
            action,
            object_kind,
            object_id,
            from: from.map(vietnam_midnight),
            // The whole last day counts.
            to: to.map(|d| vietnam_midnight(d) + chrono::Duration::days(1)),
            before_seq,
            limit: AUDIT_PAGE,
        })
    }

    /// The query string of these filters, with `before` when given.
    fn query_string(&self, before: Option<i64>) -> String {
        let before = before.map(|b| b.to_string()).unwrap_or_default();
        format::query_string(&[
            ("actor", &self.actor),
            ("action", &self.action),
            ("object_kind", &self.object_kind),
            ("object_id", &self.object_id),
            ("from", &self.from),
            ("to", &self.to),
            ("before", &before),
        ])
    }

    fn fields(&self) -> Vec<Field> {
        let mut actions: Vec<(&str, &str)> = ACTION_CHOICES.to_vec();
        let action = self.action.trim();
        if !action.is_empty() && !actions.iter().any(|(v, _)| *v == action) {
            actions.push((action, action_label(action).unwrap_or(action)));
        }
        let mut kinds: Vec<(&str, &str)> = KIND_CHOICES.to_vec();
        let kind = self.object_kind.trim();
        if !kind.is_empty() && !kinds.iter().any(|(v, _)| *v == kind) {
            kinds.push((kind, kind));
        }
        vec![
            Field::text("actor", "Người thực hiện", &self.actor).hint("Tên đăng nhập, đúng chính xác."),
            Field::select("action", "Hành động", action, Some("Tất cả"), actions),
            Field::select("object_kind", "Loại đối tượng", kind, Some("Tất cả"), kinds),
            Field::text("object_id", "Mã đối tượng", &self.object_id).hint("Ví dụ mã số hồ sơ hoặc tổ chức."),
            Field::date("from", "Từ ngày", &self.from),
            Field::date("to", "Đến ngày", &self.to),
        ]
    }
}

struct AuditRow {
    seq: i64,
    at: String,
    actor: String,
    actor_href: Option<String>,
    client: String,
    /// The action in words (its code when it has none).
    action: String,
    object: String,
    object_href: Option<String>,
    details: Vec<Detail>,
}

/// Lines of details shown before the rest is folded away.
const DETAILS_SHOWN: usize = 4;

impl AuditRow {
    /// Many lines of details: folded behind a summary.
    fn folded(&self) -> bool {
        self.details.len() > DETAILS_SHOWN
    }
}

/// The object an entry names, as (kind, number) when it is a record with a page.
fn object_ref(e: &AuditEntry) -> Option<(String, i64)> {
    let kind = e.object_kind.as_deref()?;
    let id = e.object_id.as_deref()?.parse::<i64>().ok().filter(|n| *n > 0)?;
    matches!(kind, "member" | "unit" | "account" | "candidate").then(|| (kind.to_owned(), id))
}

fn audit_row(e: &AuditEntry, names: &HashMap<(String, i64), String>) -> AuditRow {
    let kind = e.object_kind.as_deref().unwrap_or("");
    let id = e.object_id.as_deref().unwrap_or("");
    let object_ref = object_ref(e);
    let object_href = object_ref.as_ref().map(|(kind, id)| match kind.as_str() {
        "member" => format!("/members/{id}"),
        "unit" => format!("/units/{id}"),
        "candidate" => format!("/admission/cases/{id}"),
        _ => format!("/admin/accounts/{id}"),
    });
    let kind_label = KIND_CHOICES.iter().find(|(k, _)| *k == kind).map_or(kind, |(_, l)| l);
    let name = object_ref.as_ref().and_then(|r| names.get(r));
    let object = match (kind_label.is_empty(), id.is_empty(), name) {
        (_, _, Some(name)) => format!("{kind_label}: {name}"),
        (true, true, None) => String::new(),
        (false, true, None) => kind_label.to_owned(),
        (true, false, None) => id.to_owned(),
        (false, false, None) => format!("{kind_label} (mã số {id})"),
    };
    AuditRow {
        seq: e.seq,
        at: vietnam_time(&e.at, "%d/%m/%Y %H:%M:%S"),
        actor: describe::actor(&e.actor),
        actor_href: e.account_id.map(|a| format!("/admin/accounts/{a}")),
        client: e.client.clone().unwrap_or_default(),
        action: action_label(&e.action).map_or_else(|| e.action.clone(), str::to_owned),
        object,
        object_href,
        details: describe::details(&e.details),
    }
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    chrome: Chrome,
    filters: Vec<Field>,
    summary: Vec<SummaryItem>,
    rows: Vec<AuditRow>,
    newest_href: Option<String>,
    older_href: Option<String>,
    csv_href: String,
}

/// `GET /admin/audit?actor=&action=&object_kind=&object_id=&from=&to=&before=`: newest first,
/// 100 per page.
pub(super) async fn audit(s: Caller, chrome: Chrome, Query(p): Query<AuditParams>) -> Result<Response, AppError> {
    let admin = s.admin()?;
    let mut query = match p.parse() {
        Ok(v) => v,
        Err(errors) => {
            let mut sections = vec![Section::new("", p.fields())];
            let summary = forms::attach_errors(&mut sections, &errors);
            let view = AuditPage {
                chrome: chrome.titled("Nhật ký kiểm toán"),
                filters: sections.into_iter().flat_map(|s| s.fields).collect(),
                summary,
                rows: Vec::new(),
                newest_href: None,
                older_href: None,
                csv_href: String::new(),
            };
            return render(StatusCode::BAD_REQUEST, &view);
        }
    };
    let before = query.before_seq;
    query.limit = AUDIT_PAGE + 1;
    let mut entries = admin.audit_entries(&query).await?;
    let more = entries.len() > AUDIT_PAGE;
    entries.truncate(AUDIT_PAGE);
    let older_href = if more { entries.last().map(|e| format!("/admin/audit{}", p.query_string(Some(e.seq)))) } else { None };
    let objects: Vec<(String, i64)> = entries.iter().filter_map(object_ref).collect();
    let names = admin.object_names(&objects).await?;
    let view = AuditPage {
        chrome: chrome.titled("Nhật ký kiểm toán"),
        filters: p.fields(),
        summary: Vec::new(),
        rows: entries.iter().map(|e| audit_row(e, &names)).collect(),
        newest_href: before.map(|_| format!("/admin/audit{}", p.query_string(None))),
        older_href,
        csv_href: format!("/admin/audit.csv{}", p.query_string(None)),
    };
    page(&view)
}

#[derive(Template)]
#[template(path = "admin_audit_verify.html")]
struct VerifyPage {
    chrome: Chrome,
    entries: String,
    last_seq: i64,
    problems: Vec<String>,
}

/// `GET /admin/audit/verify`: recomputes the hash chain.
pub(super) async fn verify(s: Caller, chrome: Chrome) -> Result<Response, AppError> {
    let report = s.admin()?.verify_audit().await?;
    let view = VerifyPage {
        chrome: chrome.titled("Kiểm tra tính toàn vẹn nhật ký"),
        entries: format::number(u64::try_from(report.entries).unwrap_or(0)),
        last_seq: report.last_seq,
        problems: report.problems,
    };
    page(&view)
}

/// `GET /admin/audit.csv` with the filters of the page: at most 100 000 entries, newest first,
/// UTF-8 with a byte order mark (so Excel reads the Vietnamese letters).
pub(super) async fn audit_csv(s: Caller, Query(p): Query<AuditParams>) -> Result<Response, AppError> {
    let admin = s.admin()?;
    let mut query = p.parse().map_err(AppError::bad_query)?;
    // Exporting the trail is itself recorded, with the filters used.
    s.record("audit.export", "", "", serde_json::json!({ "filters": p.query_string(None) })).await?;
    let mut csv = Csv::new(&[
        "Số thứ tự",
        "Thời điểm (giờ Việt Nam)",
        "Thời điểm (UTC)",
        "Người thực hiện",
        "Mã tài khoản",
        "Địa chỉ máy",
        "Mã yêu cầu",
        "Hành động",
        "Diễn giải",
        "Loại đối tượng",
        "Mã đối tượng",
        "Chi tiết",
        "Mã băm mục trước",
        "Mã băm",
    ]);
    let mut written = 0;
    while written < CSV_MAX_ROWS {
        query.limit = CSV_BATCH.min(CSV_MAX_ROWS - written);
        let batch = admin.audit_entries(&query).await?;
        for e in &batch {
            let local = vietnam_time(&e.at, "%Y-%m-%d %H:%M:%S");
            csv.row([
                Value::Count(u64::try_from(e.seq).unwrap_or(0)),
                Value::Raw(&local),
                Value::Raw(&e.at),
                Value::Text(&e.actor),
                e.account_id.and_then(|a| u64::try_from(a).ok()).map_or(Value::Empty, Value::Count),
                Value::Text(e.client.as_deref().unwrap_or("")),
                Value::Text(e.request_id.as_deref().unwrap_or("")),
                Value::Text(&e.action),
                Value::Text(action_label(&e.action).unwrap_or("")),
                Value::Text(e.object_kind.as_deref().unwrap_or("")),
                Value::Text(e.object_id.as_deref().unwrap_or("")),
                Value::Text(&e.details),
                Value::Raw(&e.prev_hash),
                Value::Raw(&e.hash),
            ]);
        }
        written += batch.len();
        match batch.last() {
            Some(last) if batch.len() == query.limit => query.before_seq = Some(last.seq),
            _ => break,
        }
    }
    Ok(csv.download("nhat-ky-kiem-toan"))
}
