//! `/units/{id}/exemptions`: the members of a unit exempt from work and activities — each with
//! the chi bộ's resolution, the period and where it stands (ending within 30 days or past its end
//! first: the chi bộ renews or ends it) — and those who returned since a day (`?since=`).

use axum::extract::Query;
use axum::response::Response;
use chrono::Datelike;
use serde::Deserialize;

use domain::access::Capability;
use domain::exemptions::Standing;
use domain::ids::UnitId;

use super::{Cell, Fact, Filter, RegisterPage, Table};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::PathId;
use crate::format;
use crate::pages::directives::unit_label;
use crate::policy::{Policy, Route, may_open};
use crate::query::{param, parse_query_date};
use crate::respond::page;
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![Route::get("/units/{id}/exemptions", Policy::Needs(Capability::ReadRegister), register)]
}

#[derive(Debug, Default, Deserialize)]
pub struct RegisterQuery {
    pub since: Option<String>,
}

pub(crate) fn standing_cell(s: Option<Standing>, ended: Option<chrono::NaiveDate>) -> Cell {
    match s {
        Some(Standing::OpenEnded) => Cell::badge("Đang miễn, không thời hạn", "later"),
        Some(Standing::Running { until }) => Cell::badge(format!("Đang miễn đến {}", format::date(until)), "ok"),
        Some(Standing::EndingSoon { until, days_left }) => {
            Cell::badge(format!("Hết thời hạn {} (còn {days_left} ngày)", format::date(until)), "soon")
        }
        Some(Standing::Overdue { until }) => {
            Cell::badge(format!("Đã hết thời hạn {}: gia hạn hoặc thôi miễn", format::date(until)), "overdue")
        }
        None => Cell::text(ended.map(|e| format!("Thôi miễn từ {}", format::date(e))).unwrap_or_else(|| "Đã thôi miễn".into())),
    }
}

/// `GET /units/{id}/exemptions`.
async fn register(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>, Query(q): Query<RegisterQuery>) -> Result<Response, AppError> {
    let today = s.today();
    let default_since = chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let since = param("since", parse_query_date(q.since.as_deref().unwrap_or_default()))?.unwrap_or(default_since);
    let lines = s.exemptions()?.register(unit, since).await?;
    let running = lines.iter().filter(|l| l.standing.is_some()).count();
    let due = lines.iter().filter(|l| l.standing.is_some_and(Standing::due)).count();
    let mut rows = Vec::new();
    for l in &lines {
        let href = may_open(&s, "/members/{id}/party-work", Some(storage::ScopeTarget::Member(l.member)))
            .await
            .then(|| format!("/members/{}/party-work#mien-sinh-hoat", l.member));
        let (ground, resolution, period) = match &l.row {
            Some(r) => (
                r.ground.label().to_string(),
                format!("{} ngày {}", r.resolution, format::date(r.resolved_on)),
                format!("{} – {}", format::date(r.from), r.until.map(format::date).unwrap_or_else(|| "không thời hạn".into())),
            ),
            None => ("—".into(), "Ghi trên sổ, chưa ghi nghị quyết và thời hạn".into(), "—".into()),
        };
        rows.push(vec![
            Cell::link(l.member_name.clone(), href).meta(l.unit_name.clone()),
            Cell::text(ground),
            Cell::text(resolution),
            Cell::text(period),
            standing_cell(l.standing, l.row.as_ref().and_then(|r| r.ended_on)),
        ]);
    }
    let label = unit_label(&s, unit, "");
    page(&RegisterPage {
        chrome: chrome.titled(format!("Miễn công tác và sinh hoạt đảng: {label}")),
        unit,
        unit_label: label,
        crumb: "Miễn sinh hoạt",
        heading: "Đảng viên miễn công tác và sinh hoạt đảng".into(),
        notes: vec![
            "Chi bộ xét, quyết định bằng nghị quyết; muốn sinh hoạt trở lại, đảng viên làm đơn và chi bộ quyết định (Quy định 24-QĐ/TW, điểm 7.1). Đảng viên được miễn vẫn được xét tặng Huy hiệu Đảng; vắng mặt không tính vào số đảng viên triệu tập khi biểu quyết.".into(),
        ],
        facts: vec![
            Fact { label: "Đang miễn".into(), value: format::number(running as u64), href: None },
            Fact { label: "Sắp hết hoặc đã hết thời hạn".into(), value: format::number(due as u64), href: None },
        ],
        filter_action: format!("/units/{unit}/exemptions"),
        filters: vec![Filter { name: "since", label: "Gồm cả người thôi miễn từ ngày", value: format::date(since) }],
        links: Vec::new(),
        tables: vec![Table {
            caption: format!("Danh sách ({})", rows.len()),
            columns: vec!["Đảng viên", "Lý do", "Nghị quyết", "Thời hạn", "Tình trạng"],
            rows,
            empty: "Không có đảng viên nào được miễn.",
        }],
        forms: Vec::new(),
    })
}
