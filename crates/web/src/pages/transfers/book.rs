//! `/units/{id}/transfers`: a unit's transfer book over a period, each line drillable, the late
//! ones of today on either side, and its CSV.

use askama::Template;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;

use domain::event::TransferMode;
use domain::ids::UnitId;
use domain::transfers::Outcome;
use storage::{BookLineCount, TransferView};

use super::transfer_href;
use crate::api::transfers::book_period;
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{PathId, Query};
use crate::format;
use crate::pages::directives::unit_label;
use crate::respond::page;
use crate::session::Caller;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct BookParams {
    from: String,
    to: String,
    line: String,
    /// `csv`: the transfers of the line asked (every one the book counts when none) and the late.
    format: String,
}

/// The transfers of a book as CSV for spreadsheets: one row per transfer (those of the line
/// asked, then those late today not already listed), with their deadlines and lateness.
pub fn csv_of(book: &storage::TransferBook) -> crate::csv::Csv {
    use crate::csv::{Csv, Value};
    let mut csv = Csv::new(&[
        "Mã",
        "Mã đảng viên",
        "Họ và tên",
        "Hình thức",
        "Phạm vi",
        "Số giấy giới thiệu",
        "Ngày cấp",
        "Cấp ủy cấp giấy",
        "Nơi đi",
        "Nơi đến",
        "Nay thuộc",
        "Hạn xuất trình",
        "Ngày nộp giấy",
        "Hạn trả lời",
        "Tình trạng",
        "Ngày xử lý",
        "Đến chi bộ",
        "Lý do từ chối, hủy; phiếu báo",
        "Tạm thời đến ngày",
        "Ngày trở về",
        "Quá hạn",
        "Hạn đã qua",
    ]);
    let listed: std::collections::HashSet<i64> = book.rows.iter().map(|t| t.id).collect();
    let late = book.late.iter().filter(|t| !listed.contains(&t.id));
    for t in book.rows.iter().chain(late) {
        let date = |d: Option<NaiveDate>| d.map_or(Value::Empty, Value::Date);
        let (outcome_on, note) = match &t.outcome {
            Some(Outcome::Refused { on, reason }) | Some(Outcome::Cancelled { on, reason }) => (Some(*on), reason.as_str()),
            Some(Outcome::Closed { on, slip }) => (Some(*on), slip.as_str()),
            Some(Outcome::Accepted { on, .. }) => (Some(*on), ""),
            None => (None, ""),
        };
        let id = t.id.to_string();
        let member = t.member.0.to_string();
        csv.row([
            Value::Raw(&id),
            Value::Raw(&member),
            Value::Text(&t.full_name),
            Value::Raw(t.mode.code()),
            Value::Raw(t.route.code()),
            Value::Text(&t.letter_number),
            Value::Date(t.letter_date),
            Value::Text(&t.letter_issuer),
            Value::Text(&t.from.name),
            Value::Text(&t.to.name),
            t.answering.as_ref().map_or(Value::Empty, |a| Value::Text(&a.name)),
            Value::Date(t.deadlines.present_by),
            date(t.presented_on),
            date(t.deadlines.answer_by),
            Value::Raw(t.stage.code()),
            date(outcome_on),
            t.accepted_into.as_ref().map_or(Value::Empty, |a| Value::Text(&a.name)),
            Value::Text(note),
            date(t.until),
            date(t.returned_on),
            t.late.map_or(Value::Empty, |l| Value::Raw(l.kind.code())),
            date(t.late.map(|l| l.due)),
        ]);
    }
    csv
}

/// A transfer as a row of the book.
struct BookRow {
    href: String,
    member: String,
    letter: String,
    from: String,
    to: String,
    stage: String,
    late: Option<String>,
}

fn book_row(t: &TransferView) -> BookRow {
    let to = match &t.answering {
        Some(a) => format!("{} (nay {})", t.to.name, a.name),
        None => t.to.name.clone(),
    };
    BookRow {
        href: transfer_href(t.id),
        member: t.full_name.clone(),
        letter: format!("{} · {}", t.letter_number, format::date(t.letter_date)),
        from: t.from.name.clone(),
        to,
        stage: if t.mode == TransferMode::Temporary { format!("{} (tạm thời)", t.stage_label) } else { t.stage_label.clone() },
        late: t.late.map(|l| format!("{} — hạn {}", l.kind.label(), format::date(l.due))),
    }
}

#[derive(Template)]
#[template(path = "transfer_book.html")]
struct BookPage {
    chrome: Chrome,
    unit: UnitId,
    unit_label: String,
    from: String,
    to: String,
    lines: Vec<(BookLineCount, String)>,
    line_label: Option<String>,
    rows: Vec<BookRow>,
    late: Vec<BookRow>,
    csv_href: String,
}

/// `GET /units/{id}/transfers?from=&to=&line=`.
pub(super) async fn book(
    s: Caller,
    chrome: Chrome,
    PathId(unit): PathId<UnitId>,
    Query(p): Query<BookParams>,
) -> Result<Response, AppError> {
    let (first, last, line) = book_period(s.today(), &p.from, &p.to, &p.line)?;
    let csv = p.format == "csv";
    if !csv && !p.format.trim().is_empty() {
        return Err(AppError::bad_request("Định dạng tải về chỉ có csv."));
    }
    let b = s.transfers()?.book(unit, first, last, line).await?;
    if csv {
        return Ok(csv_of(&b).download("so-chuyen-sinh-hoat"));
    }
    let (from, to) = (format::date(first), format::date(last));
    let lines = b
        .lines
        .iter()
        .map(|l| {
            let href = format::href(&format!("/units/{unit}/transfers"), &[("from", &from), ("to", &to), ("line", l.line.code())]);
            (l.clone(), href)
        })
        .collect();
    page(&BookPage {
        chrome: chrome.titled(format!("Sổ chuyển sinh hoạt: {}", b.unit_name)),
        unit,
        unit_label: unit_label(&s, unit, &b.unit_name),
        lines,
        line_label: line.map(|l| l.label().to_owned()),
        rows: b.rows.iter().map(book_row).collect(),
        late: b.late.iter().map(book_row).collect(),
        csv_href: format::href(
            &format!("/units/{unit}/transfers"),
            &[("from", &from), ("to", &to), ("line", line.map_or("", |l| l.code())), ("format", "csv")],
        ),
        from,
        to,
    })
}
