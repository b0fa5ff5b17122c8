//! `/transfers/{id}/letter` and `/transfers/{id}/slip`: the introduction letter and the return
//! slip as pages to print on A4, with the sender's (or the receiving committee's) heading block.

use askama::Template;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};

use domain::transfers::Outcome;
use storage::access::Access;
use storage::{StoreError, TransferView};

use super::transfer_href;
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::PathId;
use crate::format;
use crate::respond::page;
use crate::session::Caller;

/// "ngày 5 tháng 3 năm 2026", as official papers write a date.
fn long_date(d: NaiveDate) -> String {
    format!("ngày {} tháng {} năm {}", d.day(), d.month(), d.year())
}

#[derive(Template)]
#[template(path = "transfer_print.html")]
struct PrintPage {
    chrome: Chrome,
    back: String,
    /// `letter` or `slip`.
    kind: &'static str,
    issuer: String,
    number: String,
    dated: String,
    title: String,
    lines: Vec<String>,
    signer: String,
}

async fn print_view(s: &Access, id: i64) -> Result<(TransferView, storage::MemberDetail), AppError> {
    Ok(s.transfers()?.paper(id).await?)
}

/// `GET /transfers/{id}/letter`: giấy giới thiệu sinh hoạt đảng.
pub(super) async fn letter(s: Caller, chrome: Chrome, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    let (t, d) = print_view(&s, id).await?;
    if t.from.unit.is_none() {
        return Err(StoreError::NotFound.into());
    }
    // The member's status the day before the letter (from its day they are in transit).
    let before = t.letter_date.pred_opt().unwrap_or(t.letter_date);
    let status = d.history.spans.iter().find(|sp| sp.covers(before)).map(|sp| sp.status.label()).unwrap_or_default();
    let i = &d.identity;
    let mut lines = vec![
        format!("Giới thiệu đồng chí: {}", i.full_name.to_string().to_uppercase()),
        format!("Sinh ngày: {}", format::date(i.birth_date)),
        format!("Là: {}", status.to_lowercase()),
        format!(
            "Số thẻ đảng viên: {} · Số lý lịch: {}",
            i.party_card_number.as_ref().map(|c| c.as_str().to_owned()).unwrap_or_else(|| "…".into()),
            i.ly_lich_number.as_ref().map(|c| c.as_str().to_owned()).unwrap_or_else(|| "…".into())
        ),
        format!("Hiện sinh hoạt tại: {}", t.from.name),
        format!("Được chuyển sinh hoạt đảng {} đến: {}", t.mode_label.to_lowercase(), t.to.name),
        format!("Lý do: {}", t.cause),
    ];
    if let Some(u) = t.until {
        lines.push(format!("Thời gian sinh hoạt tạm thời: từ {} đến hết {}.", format::date(t.letter_date), format::date(u)));
    }
    lines.push(format!("Đề nghị {} tiếp nhận và tổ chức cho đồng chí sinh hoạt đảng.", t.to.name));
    lines.push(format!(
        "Giấy có giá trị đến hết {} (đảng viên xuất trình trong 30 ngày làm việc kể từ ngày cấp).",
        long_date(t.deadlines.present_by)
    ));
    page(&PrintPage {
        chrome: chrome.titled(format!("Giấy giới thiệu sinh hoạt đảng số {}", t.letter_number)),
        back: transfer_href(id),
        kind: "letter",
        issuer: t.letter_issuer.clone(),
        number: t.letter_number.clone(),
        dated: long_date(t.letter_date),
        title: format!("GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG {}", t.mode_label.to_uppercase()),
        lines,
        signer: format!("T/M {}", t.letter_issuer.to_uppercase()),
    })
}

/// `GET /transfers/{id}/slip`: phiếu báo đã tiếp nhận sinh hoạt đảng, sent back to the sender.
pub(super) async fn slip(s: Caller, chrome: Chrome, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    let (t, _) = print_view(&s, id).await?;
    let (Some(Outcome::Accepted { on, .. }), Some(into)) = (&t.outcome, &t.accepted_into) else {
        return Err(StoreError::NotFound.into());
    };
    let receiver = match into.unit {
        Some(u) => s.reader()?.unit(u, *on).await.ok().and_then(|v| v.path.last().map(|a| a.name.clone())),
        None => None,
    };
    let receiver = receiver.unwrap_or_else(|| into.name.clone());
    let lines = vec![
        format!("Kính gửi: {}", t.letter_issuer),
        format!(
            "{receiver} đã tiếp nhận đồng chí {} theo giấy giới thiệu sinh hoạt đảng số {} {} của {}.",
            t.full_name,
            t.letter_number,
            long_date(t.letter_date),
            t.letter_issuer
        ),
        format!("Đồng chí đã vào sinh hoạt tại {} từ {}.", into.name, long_date(*on)),
    ];
    page(&PrintPage {
        chrome: chrome.titled(format!("Phiếu báo tiếp nhận: {}", t.full_name)),
        back: transfer_href(id),
        kind: "slip",
        issuer: receiver.clone(),
        number: String::new(),
        dated: long_date(*on),
        title: "PHIẾU BÁO ĐÃ TIẾP NHẬN SINH HOẠT ĐẢNG".into(),
        lines,
        signer: format!("T/M {}", receiver.to_uppercase()),
    })
}
