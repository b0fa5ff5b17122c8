//! `/units/{id}/cards`: the card register of a unit's members — each member with the card in use
//! (series, number, issued when and why) or none; `/units/{id}/cards/check` the card check:
//! official members without a card, numbers held twice, a record's number unlike the card in
//! use, a probationary member with a card, cards not recovered after an exit — each count
//! opening its members (`?finding=`).

use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;

use domain::access::Capability;
use domain::cards::Finding;
use domain::history::Status;
use domain::ids::UnitId;

use super::{Cell, Fact, RegisterPage, Table};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::PathId;
use crate::format;
use crate::pages::directives::unit_label;
use crate::policy::{Policy, Route, may_open};
use crate::respond::page;
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![Route::get("/units/{id}/cards", read, register), Route::get("/units/{id}/cards/check", read, check)]
}

#[derive(Debug, Default, Deserialize)]
pub struct CheckQuery {
    pub finding: Option<String>,
}

async fn member_href(s: &Caller, member: domain::ids::MemberId) -> Option<String> {
    may_open(s, "/members/{id}/party-work", Some(storage::ScopeTarget::Member(member)))
        .await
        .then(|| format!("/members/{member}/party-work#the-dang-vien"))
}

/// `GET /units/{id}/cards`.
async fn register(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>) -> Result<Response, AppError> {
    let lines = s.cards()?.register(unit).await?;
    let official = lines.iter().filter(|l| matches!(l.status, Status::Official | Status::Exempt)).count();
    let with_card = lines.iter().filter(|l| l.card.is_some()).count();
    let mut rows = Vec::new();
    for l in &lines {
        let card = match &l.card {
            Some(c) => Cell::text(c.number.as_str()).meta(format!(
                "{} · {} {} · QĐ {}",
                c.series.label(),
                c.kind.label().to_lowercase(),
                format::date(c.issued_on),
                c.decision
            )),
            None => Cell::text("Chưa có thẻ"),
        };
        rows.push(vec![
            Cell::link(l.member_name.clone(), member_href(&s, l.member).await).meta(l.unit_name.clone()),
            Cell::text(l.status.label()),
            card,
        ]);
    }
    let label = unit_label(&s, unit, "");
    page(&RegisterPage {
        chrome: chrome.titled(format!("Sổ cấp thẻ đảng viên: {label}")),
        unit,
        unit_label: label,
        crumb: "Thẻ đảng viên",
        heading: "Sổ cấp thẻ đảng viên".into(),
        notes: vec!["Thẻ chỉ cấp cho đảng viên chính thức; chi bộ trao thẻ tại buổi sinh hoạt gần nhất sau khi có quyết định (Quy định 24-QĐ/TW, điểm 6.1).".into()],
        facts: vec![
            Fact { label: "Đảng viên trong danh sách".into(), value: format::number(lines.len() as u64), href: None },
            Fact { label: "Đảng viên chính thức".into(), value: format::number(official as u64), href: None },
            Fact { label: "Có thẻ đang sử dụng".into(), value: format::number(with_card as u64), href: None },
        ],
        filter_action: String::new(),
        filters: Vec::new(),
        links: vec![(format!("/units/{unit}/cards/check"), "Kiểm tra thẻ đảng viên".into())],
        tables: vec![Table { caption: "Danh sách".into(), columns: vec!["Đảng viên", "Tình trạng", "Thẻ đang sử dụng"], rows, empty: "Không có đảng viên nào." }],
        forms: Vec::new(),
    })
}

/// `GET /units/{id}/cards/check[?finding=]`.
async fn check(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>, Query(q): Query<CheckQuery>) -> Result<Response, AppError> {
    let wanted = match q.finding.as_deref().filter(|f| !f.is_empty()) {
        Some(code) => Some(Finding::parse(code).map_err(|e| AppError::bad_request(&e.message))?),
        None => None,
    };
    let check = s.cards()?.check(unit).await?;
    let facts = Finding::ALL
        .iter()
        .map(|f| Fact {
            label: f.label().into(),
            value: format::number(check.count(*f) as u64),
            href: Some(format!("/units/{unit}/cards/check?finding={}", f.code())),
        })
        .collect();
    let mut rows = Vec::new();
    for l in check.findings.iter().filter(|l| wanted.is_none_or(|w| w == l.finding)) {
        rows.push(vec![
            Cell::link(l.member_name.clone(), member_href(&s, l.member).await).meta(l.unit_name.clone()),
            Cell::badge(l.finding.label(), if l.finding == Finding::Missing { "soon" } else { "overdue" }),
            Cell::text(l.detail.clone()),
        ]);
    }
    let label = unit_label(&s, unit, "");
    page(&RegisterPage {
        chrome: chrome.titled(format!("Kiểm tra thẻ đảng viên: {label}")),
        unit,
        unit_label: label,
        crumb: "Kiểm tra thẻ",
        heading: format!("Kiểm tra thẻ đảng viên ngày {}", format::date(check.on)),
        notes: vec![format!(
            "Đã kiểm tra {} người, {} có thẻ đang sử dụng. Người đã bị khai trừ, xóa tên, ra khỏi Đảng mà thẻ chưa thu hồi cũng được kiểm tra.",
            format::number(u64::from(check.checked)),
            format::number(u64::from(check.with_card))
        )],
        facts,
        filter_action: String::new(),
        filters: Vec::new(),
        links: vec![(format!("/units/{unit}/cards"), "Sổ cấp thẻ".into())],
        tables: vec![Table {
            caption: match wanted {
                Some(w) => format!("{} ({})", w.label(), rows.len()),
                None => format!("Các trường hợp cần xử lý ({})", rows.len()),
            },
            columns: vec!["Đảng viên", "Kết quả", "Số thẻ"],
            rows,
            empty: "Không có trường hợp nào.",
        }],
        forms: Vec::new(),
    })
}
