//! `/units/{id}/discipline[?since=]`: the discipline register of a unit's members — each
//! discipline with its form, decision, announcement and where it stands (running until its
//! automatic end, held by a complaint or a new violation, ended, expulsion), counts that open
//! the rows behind them (`?standing=`).

use axum::extract::Query;
use axum::response::Response;
use chrono::Datelike;
use serde::Deserialize;

use domain::access::Capability;
use domain::discipline::Standing;
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
    vec![Route::get("/units/{id}/discipline", Policy::Needs(Capability::ReadRegister), register)]
}

#[derive(Debug, Default, Deserialize)]
pub struct RegisterQuery {
    pub since: Option<String>,
    /// `con-hieu-luc`, `giu-hieu-luc`, `het-hieu-luc`, `khai-tru`.
    pub standing: Option<String>,
}

fn standing_code(s: Standing) -> &'static str {
    match s {
        Standing::Running { .. } | Standing::NotYetInForce => "con-hieu-luc",
        Standing::Held => "giu-hieu-luc",
        Standing::Ended { .. } => "het-hieu-luc",
        Standing::Permanent => "khai-tru",
    }
}

pub(crate) fn standing_cell(s: Standing) -> Cell {
    match s {
        Standing::NotYetInForce => Cell::badge("Chưa công bố", "later"),
        Standing::Running { ends_on } => {
            Cell::badge(format!("Còn hiệu lực đến hết {}", format::date(ends_on.pred_opt().unwrap_or(ends_on))), "soon")
        }
        Standing::Held => Cell::badge("Giữ hiệu lực: có khiếu nại hoặc vi phạm mới", "overdue"),
        Standing::Permanent => Cell::badge("Khai trừ", "void"),
        Standing::Ended { on } => Cell::badge(format!("Hết hiệu lực từ {}", format::date(on)), "ok"),
    }
}

/// `GET /units/{id}/discipline`.
async fn register(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>, Query(q): Query<RegisterQuery>) -> Result<Response, AppError> {
    let today = s.today();
    let default_since = chrono::NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today);
    let since = param("since", parse_query_date(q.since.as_deref().unwrap_or_default()))?.unwrap_or(default_since);
    let wanted = q.standing.as_deref().filter(|w| !w.is_empty());
    if wanted.is_some_and(|w| !["con-hieu-luc", "giu-hieu-luc", "het-hieu-luc", "khai-tru"].contains(&w)) {
        return Err(AppError::bad_request("Tình trạng kỷ luật không có trong danh mục."));
    }
    let list = s.discipline()?.register(unit, since).await?;
    let base = format!("/units/{unit}/discipline?since={}", format::date(since));
    let count = |code: &str| list.iter().filter(|d| standing_code(d.standing) == code).count();
    let facts = [
        ("Còn hiệu lực", "con-hieu-luc"),
        ("Giữ hiệu lực (khiếu nại, vi phạm mới)", "giu-hieu-luc"),
        ("Đã hết hiệu lực", "het-hieu-luc"),
        ("Khai trừ", "khai-tru"),
    ]
    .into_iter()
    .map(|(label, code)| Fact {
        label: label.into(),
        value: format::number(count(code) as u64),
        href: Some(format!("{base}&standing={code}")),
    })
    .collect();
    let mut rows = Vec::new();
    for d in list.iter().filter(|d| wanted.is_none_or(|w| standing_code(d.standing) == w)) {
        let href = may_open(&s, "/members/{id}/party-work", Some(storage::ScopeTarget::Member(d.row.member)))
            .await
            .then(|| format!("/members/{}/party-work#ky-luat", d.row.member));
        rows.push(vec![
            Cell::link(d.member_name.clone(), href).meta(d.unit_name.clone()),
            Cell::text(d.row.form.label()).meta(d.row.reason.clone()),
            Cell::text(format!("{} ngày {}", d.row.decision, format::date(d.row.decided_on))).meta(d.row.body.clone()),
            Cell::text(format::date(d.row.announced_on)),
            standing_cell(d.standing),
        ]);
    }
    let label = unit_label(&s, unit, "");
    page(&RegisterPage {
        chrome: chrome.titled(format!("Sổ kỷ luật đảng viên: {label}")),
        unit,
        unit_label: label,
        crumb: "Kỷ luật",
        heading: "Sổ kỷ luật đảng viên".into(),
        notes: vec![
            "Kỷ luật (trừ khai trừ) tự chấm dứt hiệu lực sau 12 tháng kể từ ngày công bố nếu đảng viên không khiếu nại, không tái phạm hoặc không có vi phạm mới đến mức phải xử lý kỷ luật (Quy định 69-QĐ/TW, Điều 2.5).".into(),
        ],
        facts,
        filter_action: format!("/units/{unit}/discipline"),
        filters: vec![Filter { name: "since", label: "Công bố từ ngày", value: format::date(since) }],
        links: Vec::new(),
        tables: vec![Table {
            caption: format!("Kỷ luật công bố từ {} ({})", format::date(since), rows.len()),
            columns: vec!["Đảng viên", "Hình thức", "Quyết định", "Ngày công bố", "Hiệu lực"],
            rows,
            empty: "Không có kỷ luật nào.",
        }],
        forms: Vec::new(),
    })
}
