//! The reports as downloads: CSV for machines and spreadsheets' import (`crate::csv`: one header
//! row, plain numbers, ISO dates) and `.xlsx` workbooks for people (`crate::xlsx`, Vietnamese
//! formats), with the columns both formats share; both carry each unit's code. The admission
//! report's are in `admissions::export`.

use axum::response::Response;
use storage::{CountsReport, MovementReport, ReportRowHead};

use super::counts::{Line, Table};
use crate::csv::{Csv, Value};
use crate::format;
use crate::xlsx::{self, Cell, Sheet};

// --- the columns of the period reports ------------------------------------------------------------

/// The columns of the per-unit movement table (spreadsheet and CSV), after the unit's name.
const MOVEMENT_COLUMNS: [&str; 17] = [
    "Đầu kỳ",
    "Tăng",
    "Kết nạp",
    "Kết nạp lại",
    "Chuyển đến từ tỉnh khác",
    "Chuyển đến trong tỉnh",
    "Tăng do sắp xếp tổ chức",
    "Giảm",
    "Từ trần",
    "Khai trừ",
    "Xóa tên",
    "Xin ra khỏi Đảng",
    "Chuyển đi tỉnh khác",
    "Chuyển đi trong tỉnh",
    "Giảm do sắp xếp tổ chức",
    "Cuối kỳ",
    "Công nhận chính thức",
];
fn movement_values(m: &domain::stats::Movement) -> [u64; 17] {
    use domain::stats::FlowKind as K;
    [
        m.start,
        m.inflow_total(),
        m.inflow(K::Admitted),
        m.inflow(K::Readmitted),
        m.inflow(K::TransferredInFromOutside),
        m.inflow(K::TransferredInWithin),
        m.inflow(K::Reorganization),
        m.outflow_total(),
        m.outflow(K::Died),
        m.outflow(K::Expelled),
        m.outflow(K::StruckOff),
        m.outflow(K::Exited),
        m.outflow(K::TransferredOutToOutside),
        m.outflow(K::TransferredOutWithin),
        m.outflow(K::Reorganization),
        m.end,
        m.recognized,
    ]
}

fn movement_heading(r: &MovementReport) -> String {
    format!("Tăng, giảm đảng viên: {} — từ {} đến {} ({})", r.unit.name, format::date(r.first), format::date(r.last), r.structure.label())
}

// --- CSV ------------------------------------------------------------------------------------------

/// The code and name of a report row's unit (empty code for the groups and the total).
pub(super) fn row_unit(head: &ReportRowHead) -> (String, &str) {
    (head.unit.as_ref().map(|u| u.code.to_string()).unwrap_or_default(), head.label.as_str())
}

/// A share as a percentage with one decimal (`None` when the whole is zero).
fn percent(n: u64, of: u64) -> Value<'static> {
    if of == 0 { Value::Empty } else { Value::Decimal(n as f64 * 100.0 / of as f64) }
}

/// The counts as CSV: one row per figure of the unit's breakdowns, the breakdown named in the
/// first column.
pub(super) fn counts_csv(report: &CountsReport, summary: &[Line], tables: &[Table]) -> Response {
    let mut csv = Csv::new(&["Mã tổ chức", "Tổ chức", "Ngày", "Nhóm", "Chỉ tiêu", "Số lượng", "Tỷ lệ (%)"]);
    let code = report.unit.code.to_string();
    let groups = std::iter::once(("Tổng hợp", summary)).chain(tables.iter().map(|t| (t.title, t.lines.as_slice())));
    for (group, lines) in groups {
        for l in lines {
            csv.row([
                Value::Raw(&code),
                Value::Text(&report.unit.name),
                Value::Date(report.on),
                Value::Text(group),
                Value::Text(&l.label),
                Value::Count(l.n),
                percent(l.n, l.of),
            ]);
        }
    }
    csv.download(&format!("thong-ke-{}-{}", report.unit.code, report.on))
}

/// The movements as CSV: one row per unit under the report's unit, then the total (whose code is
/// empty); the columns of form 1-BTCTW.
pub(super) fn movements_csv(r: &MovementReport) -> Response {
    let mut header = vec!["Mã tổ chức", "Tổ chức", "Từ ngày", "Đến ngày"];
    header.extend(MOVEMENT_COLUMNS);
    let mut csv = Csv::new(&header);
    let rows = r.rows.iter().map(|(h, m)| (row_unit(h), m)).chain(std::iter::once(((String::new(), "Tổng cộng"), &r.total)));
    for ((code, label), m) in rows {
        let head = [Value::Raw(&code), Value::Text(label), Value::Date(r.first), Value::Date(r.last)];
        csv.row(head.into_iter().chain(movement_values(m).into_iter().map(Value::Count)));
    }
    csv.download(&format!("tang-giam-{}-{}-{}", r.unit.code, r.first, r.last))
}

// --- XLSX ----------------------------------------------------------------------------------------

/// The report as a workbook: the breakdowns of the unit, then one row per unit under it.
pub(super) fn counts_xlsx(report: &CountsReport, summary: &[Line], tables: &[Table]) -> Response {
    let heading = format!("{} — tính đến ngày {} ({})", report.unit.name, format::date(report.on), report.structure.label());
    let mut rows = Vec::new();
    let mut bold_rows = Vec::new();
    let mut section = |title: &str, lines: &[Line], rows: &mut Vec<Vec<Cell>>| {
        bold_rows.push(rows.len());
        rows.push(vec![Cell::text(title), Cell::Empty, Cell::Empty]);
        rows.extend(lines.iter().map(|l| vec![Cell::text(&l.label), Cell::Count(l.n), Cell::share(l.n, l.of)]));
    };
    section("Tổng hợp", summary, &mut rows);
    for t in tables {
        section(t.title, &t.lines, &mut rows);
    }
    let overview = Sheet {
        name: "Tổng hợp".into(),
        title: heading.clone(),
        header: xlsx::header(&["Chỉ tiêu", "Số lượng", "Tỷ lệ"]),
        rows,
        bold_rows,
    };
    let units = Sheet {
        name: "Tổ chức trực thuộc".into(),
        title: heading,
        header: xlsx::header(&[
            "Mã tổ chức",
            "Tổ chức",
            "Đảng viên",
            "Chính thức",
            "Dự bị",
            "Miễn sinh hoạt",
            "Nữ",
            "Dân tộc thiểu số",
            "Có tôn giáo",
            "Đoàn viên",
        ]),
        rows: report
            .children
            .iter()
            .map(|(head, b)| {
                let (code, label) = row_unit(head);
                vec![
                    Cell::text(code),
                    Cell::text(label),
                    Cell::Count(b.total),
                    Cell::Count(b.official),
                    Cell::Count(b.probationary),
                    Cell::Count(b.exempt),
                    Cell::Count(b.women),
                    Cell::Count(b.ethnic_minority),
                    Cell::Count(b.religious),
                    Cell::Count(b.youth_union),
                ]
            })
            .collect(),
        bold_rows: Vec::new(),
    };
    xlsx::download(&[overview, units], &format!("thong-ke-{}-{}", report.unit.code, report.on))
}

/// The movements as a workbook: form 1-BTCTW, then one row per unit.
pub(super) fn movements_xlsx(r: &MovementReport) -> Response {
    let heading = movement_heading(r);
    let lines = r.total.form_lines();
    let form = Sheet {
        name: "Biểu 1-BTCTW".into(),
        title: heading.clone(),
        header: xlsx::header(&["Chỉ tiêu", "Mã", "Số lượng"]),
        bold_rows: lines.iter().enumerate().filter(|(_, (row, _, _))| row.len() == 1).map(|(i, _)| i).collect(),
        rows: lines.iter().map(|(row, label, v)| vec![Cell::text(*label), Cell::text(*row), Cell::Count(*v)]).collect(),
    };
    let mut header = vec!["Mã tổ chức", "Tổ chức"];
    header.extend(MOVEMENT_COLUMNS);
    let mut rows: Vec<Vec<Cell>> = r
        .rows
        .iter()
        .map(|(head, m)| {
            let (code, label) = row_unit(head);
            [Cell::text(code), Cell::text(label)].into_iter().chain(movement_values(m).into_iter().map(Cell::Count)).collect()
        })
        .collect();
    rows.push([Cell::Empty, Cell::text("Tổng cộng")].into_iter().chain(movement_values(&r.total).into_iter().map(Cell::Count)).collect());
    let bold_rows = vec![rows.len() - 1];
    let units = Sheet { name: "Theo tổ chức".into(), title: heading, header: xlsx::header(&header), rows, bold_rows };
    xlsx::download(&[form, units], &format!("tang-giam-{}-{}-{}", r.unit.code, r.first, r.last))
}
