//! `/reports/movements`: the movements of a unit's list over a period (form 1-BTCTW), per unit
//! under it, with the members behind each line.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use domain::history::Status;
use domain::stats::Structure;
use storage::MovementReport;

use super::chart::bar_chart;
use super::{PeriodForm, PeriodPageParams, export, period_report};
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

struct MovementRow {
    name: String,
    href: Option<String>,
    start: String,
    inflow: String,
    outflow: String,
    end: String,
    admitted: String,
    transferred_in: String,
    reorganized_in: String,
    died: String,
    struck_off: String,
    transferred_out: String,
    reorganized_out: String,
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
    form.finish(&report.unit.name, &q);
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
        chart: bar_chart("Biểu đồ tăng, giảm đảng viên theo loại biến động", 290, &bars),
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
                start: format::number(m.start),
                inflow: format::number(m.inflow_total()),
                outflow: format::number(m.outflow_total()),
                end: format::number(m.end),
                admitted: format::number(m.inflow(K::Admitted) + m.inflow(K::Readmitted)),
                transferred_in: format::number(m.inflow(K::TransferredInFromOutside) + m.inflow(K::TransferredInWithin)),
                reorganized_in: format::number(m.inflow(K::Reorganization)),
                died: format::number(m.outflow(K::Died)),
                struck_off: format::number(m.outflow(K::StruckOff)),
                transferred_out: format::number(m.outflow(K::TransferredOutToOutside) + m.outflow(K::TransferredOutWithin)),
                reorganized_out: format::number(m.outflow(K::Reorganization)),
            })
            .collect(),
    };
    render(StatusCode::OK, &MovementsPage { chrome, form, body })
}

/// The member list behind a line of form 1-BTCTW: the lists on the day before the period (A)
/// and on its last day (D), or the members with that flow.
fn movement_members(r: &MovementReport, row: &str, label: &str) -> Option<String> {
    // The member list selects by the structure of each day.
    if r.structure != Structure::OfDate {
        return None;
    }
    let unit = r.unit.id.to_string();
    let (from, to) = (format::date(r.first), format::date(r.last));
    let list_on = |d: chrono::NaiveDate| format::href("/members", &[("unit", &unit), ("as_of", &format::date(d))]);
    let mut status = "";
    let flow = match row {
        "" if label == "trong đó: kết nạp lại" => "vao:ket-nap-lai",
        "" if label == "trong đó: đảng viên dự bị" => {
            status = Status::Probationary.code();
            "ra:xoa-ten"
        }
        "A" => return r.first.pred_opt().map(list_on),
        "D" => return Some(list_on(r.last)),
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
    Some(format::href("/members", &[("unit", &unit), ("flow", flow), ("from", &from), ("to", &to), ("status", status)]))
}
