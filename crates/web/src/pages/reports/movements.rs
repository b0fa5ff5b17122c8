//! `/reports/movements`: the movements of a unit's list over a period (form 1-BTCTW), per unit
//! under it, with the members behind each line.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use domain::history::Status;
use storage::MovementReport;

use super::chart::bar_chart;
use super::{Drill, PeriodForm, PeriodPageParams, export, period_report};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::Query;
use crate::format;
use crate::query::reports::MovementQuery;
use crate::respond::render;
use crate::session::Caller;

/// One line of form 1-BTCTW.
struct FormLine {
    row: &'static str,
    label: &'static str,
    value: String,
    /// The members behind the number.
    href: Option<String>,
    /// A sub-row (indented).
    sub: bool,
}

/// A number with the members behind it.
struct Count {
    /// The column's heading (labels the number when the table becomes cards on a phone).
    label: &'static str,
    value: String,
    href: String,
}

struct MovementRow {
    name: String,
    href: Option<String>,
    /// Start, inflow, admitted, transferred in, reorganized in, outflow, died, struck off,
    /// transferred out, reorganized out, end: the columns of the table.
    counts: Vec<Count>,
}

#[derive(Template)]
#[template(path = "report_movements.html")]
struct MovementsPage {
    chrome: Chrome,
    form: PeriodForm,
    body: MovementsBody,
}

#[derive(Default)]
struct MovementsBody {
    /// Inflows and outflows by kind, as an SVG bar chart.
    chart: String,
    lines: Vec<FormLine>,
    balanced: bool,
    rows: Vec<MovementRow>,
}

pub(super) async fn movements_page(s: Caller, chrome: Chrome, Query(p): Query<PeriodPageParams>) -> Result<Response, AppError> {
    let chrome = chrome.titled("Tăng, giảm đảng viên");
    let (mut form, q) = PeriodForm::start(&s, &p, "/reports/movements").await?;
    let reader = s.reader()?;
    let report = match period_report(
        &mut form,
        q.as_ref(),
        async |q: &MovementQuery| reader.movement_report(q.request(s.today())).await,
        |form| MovementsPage { chrome: chrome.clone(), form, body: MovementsBody::default() },
    )
    .await?
    {
        Ok(r) => r,
        Err(page) => return Ok(page),
    };
    match p.format.as_str() {
        "csv" => return Ok(export::movements_csv(&report)),
        "xlsx" => return Ok(export::movements_xlsx(&report)),
        _ => {}
    }
    let Some(q) = q else { return Err(AppError::not_found()) };
    let q = super::effective(&q, report.first, report.last, report.structure);
    form.finish(&report.unit.name, &q, report.adjusted.as_ref());
    use domain::stats::FlowKind as K;
    let mut bars: Vec<(String, u64)> = Vec::new();
    for k in K::ALL {
        if report.total.inflow(k) > 0 {
            bars.push((format!("+ {}", k.label()), report.total.inflow(k)));
        }
    }
    for k in K::ALL {
        if report.total.outflow(k) > 0 {
            bars.push((format!("− {}", k.label()), report.total.outflow(k)));
        }
    }
    let bars: Vec<(&str, u64)> = bars.iter().map(|(l, n)| (l.as_str(), *n)).collect();
    let body = MovementsBody {
        chart: bar_chart("Biểu đồ tăng, giảm đảng viên theo loại biến động", &bars),
        balanced: report.total.balances() && report.rows.iter().all(|(_, m)| m.balances()),
        lines: report
            .total
            .form_lines()
            .into_iter()
            .map(|(row, label, v)| FormLine {
                row,
                label,
                value: format::number(v),
                sub: row.is_empty() || row.len() > 2,
                href: movement_members(&report, row, label),
            })
            .collect(),
        rows: report
            .rows
            .iter()
            .zip(crate::picker::distinct_names(report.rows.iter().map(|(h, _)| (h.unit.as_ref().map(|u| u.id), h.label.as_str()))))
            .map(|((head, m), name)| MovementRow {
                name,
                href: head.unit.as_ref().map(|u| form.href(u.id, q.structure, "")),
                counts: row_counts(&report, &Drill::row(report.unit.id, q.structure, head), m),
            })
            .collect(),
    };
    render(StatusCode::OK, &MovementsPage { chrome, form, body })
}

/// The member list behind a line of form 1-BTCTW: the lists on the day before the period (A)
/// and on its last day (D), or the members with that flow.
fn movement_members(r: &MovementReport, row: &str, label: &str) -> Option<String> {
    let mut status = "";
    let flow = match row {
        "" if label == "trong đó: kết nạp lại" => "vao:ket-nap-lai",
        "" if label == "trong đó: đảng viên dự bị" => {
            status = Status::Probationary.code();
            "ra:xoa-ten"
        }
        "A" | "D" => "",
        "B" => "vao",
        "B1" => "vao:ket-nap,ket-nap-lai",
        "B2" => "vao:den-ngoai-tinh,den-trong-tinh",
        "B2a" => "vao:den-ngoai-tinh",
        "B2b" => "vao:den-trong-tinh",
        "B3" => "vao:sap-xep",
        "C" => "ra",
        "C1" => "ra:tu-tran",
        "C2" => "ra:khai-tru",
        "C3" => "ra:xoa-ten",
        "C4" => "ra:ra-khoi-dang",
        "C5" => "ra:di-ngoai-tinh,di-trong-tinh",
        "C5a" => "ra:di-ngoai-tinh",
        "C5b" => "ra:di-trong-tinh",
        "C6" => "ra:sap-xep",
        _ => return None,
    };
    let drill = Drill::total(r.unit.id, r.structure);
    match row {
        "A" => r.first.pred_opt().map(|d| list_on(&drill, d)),
        "D" => Some(list_on(&drill, r.last)),
        _ => Some(flow_list(r, &drill, flow, status)),
    }
}

/// The list of a row (or the total) on a day.
fn list_on(drill: &Drill, day: chrono::NaiveDate) -> String {
    drill.href(&[("as_of", &format::date(day))])
}

/// The members of a row (or the total) with a flow in the period.
fn flow_list(r: &MovementReport, drill: &Drill, flow: &str, status: &str) -> String {
    drill.href(&[("flow", flow), ("from", &format::date(r.first)), ("to", &format::date(r.last)), ("status", status)])
}

/// The numbers of a row of the table by unit, each with the members behind it.
fn row_counts(r: &MovementReport, drill: &Drill, m: &domain::stats::Movement) -> Vec<Count> {
    use domain::stats::FlowKind as K;
    let flows = |label, n: u64, flow: &str| Count { label, value: format::number(n), href: flow_list(r, drill, flow, "") };
    let start = r.first.pred_opt().map(|d| list_on(drill, d)).unwrap_or_default();
    vec![
        Count { label: "Đầu kỳ", value: format::number(m.start), href: start },
        flows("Tăng", m.inflow_total(), "vao"),
        flows("Kết nạp", m.inflow(K::Admitted) + m.inflow(K::Readmitted), "vao:ket-nap,ket-nap-lai"),
        flows("Chuyển đến", m.inflow(K::TransferredInFromOutside) + m.inflow(K::TransferredInWithin), "vao:den-ngoai-tinh,den-trong-tinh"),
        flows("Sắp xếp (+)", m.inflow(K::Reorganization), "vao:sap-xep"),
        flows("Giảm", m.outflow_total(), "ra"),
        flows("Từ trần", m.outflow(K::Died), "ra:tu-tran"),
        flows("Xóa tên", m.outflow(K::StruckOff), "ra:xoa-ten"),
        flows("Chuyển đi", m.outflow(K::TransferredOutToOutside) + m.outflow(K::TransferredOutWithin), "ra:di-ngoai-tinh,di-trong-tinh"),
        flows("Sắp xếp (−)", m.outflow(K::Reorganization), "ra:sap-xep"),
        Count { label: "Cuối kỳ", value: format::number(m.end), href: list_on(drill, r.last) },
    ]
}
