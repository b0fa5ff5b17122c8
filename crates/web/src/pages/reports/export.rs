//! The reports as downloads: CSV (UTF-8 with a byte-order mark, so spreadsheets read the
//! diacritics) and `.xlsx` workbooks (`crate::xlsx`), with the columns both formats share.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use storage::{AdmissionReport, CountsReport, MovementReport};

use super::admissions::admission_headline;
use super::counts::{Line, Table};
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

/// The columns of the per-unit admission table (spreadsheet and CSV), after the unit's name.
const ADMISSION_COLUMNS: [&str; 11] = [
    "Chỉ tiêu",
    "Kết nạp",
    "Kết nạp lại",
    "Nữ",
    "Dân tộc thiểu số",
    "Có tôn giáo",
    "Đoàn viên",
    "Từ 18 đến 30 tuổi",
    "Cao đẳng trở lên",
    "Sau đại học",
    "Chưa có thông tin trình độ",
];
fn admission_values(t: &domain::stats::AdmissionTally) -> [u64; 10] {
    [
        t.admitted,
        t.readmitted,
        t.women,
        t.ethnic_minority,
        t.religious,
        t.youth_union,
        t.up_to_30,
        t.college_or_higher,
        t.postgraduate,
        t.no_profile,
    ]
}

fn admission_heading(r: &AdmissionReport) -> String {
    format!("Kết nạp đảng viên: {} — từ {} đến {} ({})", r.unit.name, format::date(r.first), format::date(r.last), r.structure.label())
}

// --- CSV -----------------------------------------------------------------------------------------

/// A CSV field between double quotes (a quote inside is doubled).
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A CSV file to download as `{name}.csv`.
fn csv_download(name: &str, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{name}.csv\"");
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)], body).into_response()
}

/// The counts as CSV: the unit's breakdowns, one table after the other.
pub(super) fn counts_csv(report: &CountsReport, summary: &[Line], tables: &[Table]) -> Response {
    let mut out = String::from("\u{feff}Chỉ tiêu,Số lượng,Tỷ lệ\n");
    out.push_str(&format!("{},,\n", quote(&format!("{} — ngày {}", report.unit.name, format::date(report.on)))));
    let mut push = |label: &str, count: &str, share: &str| out.push_str(&format!("{},{},{}\n", quote(label), quote(count), quote(share)));
    for l in summary {
        push(&l.label, &l.count, &l.share);
    }
    for t in tables {
        push(t.title, "", "");
        for l in &t.lines {
            push(&l.label, &l.count, &l.share);
        }
    }
    csv_download(&format!("thong-ke-{}-{}", report.unit.id.0, report.on), out)
}

/// The movements as CSV: form 1-BTCTW, then one row per unit.
pub(super) fn movements_csv(r: &MovementReport) -> Response {
    let mut out = String::from("\u{feff}");
    out.push_str(&quote(&movement_heading(r)));
    out.push('\n');
    out.push_str("Mã,Chỉ tiêu,Số lượng\n");
    for (row, label, v) in r.total.form_lines() {
        out.push_str(&format!("{},{},{}\n", quote(row), quote(label), v));
    }
    out.push('\n');
    out.push_str(&quote("Tổ chức"));
    for c in MOVEMENT_COLUMNS {
        out.push(',');
        out.push_str(&quote(c));
    }
    out.push('\n');
    for (label, m) in r.rows.iter().map(|(h, m)| (h.label.as_str(), m)).chain(std::iter::once(("Tổng cộng", &r.total))) {
        out.push_str(&quote(label));
        for v in movement_values(m) {
            out.push_str(&format!(",{v}"));
        }
        out.push('\n');
    }
    csv_download(&format!("tang-giam-{}-{}-{}", r.unit.id.0, r.first, r.last), out)
}

/// The admissions as CSV: one row per unit with the targets, then the units that admitted nobody.
pub(super) fn admissions_csv(r: &AdmissionReport) -> Response {
    let mut out = format!("\u{feff}{}\n{}\n\n", quote(&admission_heading(r)), quote(&admission_headline(r)));
    out.push_str(&quote("Tổ chức"));
    for c in ADMISSION_COLUMNS {
        out.push(',');
        out.push_str(&quote(c));
    }
    out.push('\n');
    let rows = r.rows.iter().map(|row| (row.head.label.as_str(), row.target, &row.tally));
    for (label, target, tally) in rows.chain(std::iter::once(("Tổng cộng", r.total_target, &r.total))) {
        out.push_str(&quote(label));
        out.push(',');
        out.push_str(&target.map(|t| t.to_string()).unwrap_or_default());
        for v in admission_values(tally) {
            out.push_str(&format!(",{v}"));
        }
        out.push('\n');
    }
    out.push_str(&format!("\n{}\n", quote("Tổ chức cơ sở đảng chưa kết nạp đảng viên")));
    for u in &r.zero_admission {
        out.push_str(&format!("{},{}\n", quote(&u.name), quote(&u.code.to_string())));
    }
    csv_download(&format!("ket-nap-{}-{}-{}", r.unit.id.0, r.first, r.last), out)
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
    let overview =
        Sheet {
            name: "Tổng hợp".into(), title: heading.clone(), header: vec!["Chỉ tiêu", "Số lượng", "Tỷ lệ"], rows, bold_rows
        };
    let units = Sheet {
        name: "Tổ chức trực thuộc".into(),
        title: heading,
        header: vec!["Tổ chức", "Đảng viên", "Chính thức", "Dự bị", "Miễn sinh hoạt", "Nữ", "Dân tộc thiểu số", "Có tôn giáo", "Đoàn viên"],
        rows: report
            .children
            .iter()
            .map(|(head, b)| {
                vec![
                    Cell::text(&head.label),
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
    xlsx::download(&[overview, units], &format!("thong-ke-{}-{}", report.unit.id.0, report.on))
}

/// The movements as a workbook: form 1-BTCTW, then one row per unit.
pub(super) fn movements_xlsx(r: &MovementReport) -> Response {
    let heading = movement_heading(r);
    let lines = r.total.form_lines();
    let form = Sheet {
        name: "Biểu 1-BTCTW".into(),
        title: heading.clone(),
        header: vec!["Chỉ tiêu", "Mã", "Số lượng"],
        bold_rows: lines.iter().enumerate().filter(|(_, (row, _, _))| row.len() == 1).map(|(i, _)| i).collect(),
        rows: lines.iter().map(|(row, label, v)| vec![Cell::text(*label), Cell::text(*row), Cell::Count(*v)]).collect(),
    };
    let mut header = vec!["Tổ chức"];
    header.extend(MOVEMENT_COLUMNS);
    let mut rows: Vec<Vec<Cell>> = r
        .rows
        .iter()
        .map(|(head, m)| std::iter::once(Cell::text(&head.label)).chain(movement_values(m).into_iter().map(Cell::Count)).collect())
        .collect();
    rows.push(std::iter::once(Cell::text("Tổng cộng")).chain(movement_values(&r.total).into_iter().map(Cell::Count)).collect());
    let bold_rows = vec![rows.len() - 1];
    let units = Sheet { name: "Theo tổ chức".into(), title: heading, header, rows, bold_rows };
    xlsx::download(&[form, units], &format!("tang-giam-{}-{}-{}", r.unit.id.0, r.first, r.last))
}

/// The admissions as a workbook: the breakdown, one row per unit, the units that admitted nobody.
pub(super) fn admissions_xlsx(r: &AdmissionReport) -> Response {
    let heading = admission_heading(r);
    let t = &r.total;
    let mut rows = vec![vec![Cell::text("Kết nạp"), Cell::Count(t.admitted), Cell::Empty]];
    rows.extend(t.lines().into_iter().map(|(label, n)| vec![Cell::text(label), Cell::Count(n), Cell::share(n, t.admitted)]));
    if let Some(target) = r.total_target {
        rows.push(vec![Cell::text("Chỉ tiêu năm"), Cell::Count(u64::from(target)), Cell::share(t.admitted, u64::from(target))]);
    }
    let summary =
        Sheet {
            name: "Tổng hợp".into(), title: heading.clone(), header: vec!["Chỉ tiêu", "Số lượng", "Tỷ lệ"], rows, bold_rows: vec![0]
        };
    let mut header = vec!["Tổ chức"];
    header.extend(ADMISSION_COLUMNS);
    let unit_row = |label: &str, target: Option<u32>, tally: &domain::stats::AdmissionTally| -> Vec<Cell> {
        let mut row = vec![Cell::text(label), target.map_or(Cell::Empty, |t| Cell::Count(u64::from(t)))];
        row.extend(admission_values(tally).into_iter().map(Cell::Count));
        row
    };
    let mut unit_rows: Vec<Vec<Cell>> = r.rows.iter().map(|row| unit_row(&row.head.label, row.target, &row.tally)).collect();
    unit_rows.push(unit_row("Tổng cộng", r.total_target, t));
    let units =
        Sheet { name: "Theo tổ chức".into(), title: heading.clone(), header, bold_rows: vec![unit_rows.len() - 1], rows: unit_rows };
    let zero = Sheet {
        name: "Chưa kết nạp".into(),
        title: format!("Tổ chức cơ sở đảng chưa kết nạp đảng viên — {heading}"),
        header: vec!["Tổ chức cơ sở đảng", "Mã"],
        rows: r.zero_admission.iter().map(|u| vec![Cell::text(&u.name), Cell::text(u.code.to_string())]).collect(),
        bold_rows: Vec::new(),
    };
    xlsx::download(&[summary, units, zero], &format!("ket-nap-{}-{}-{}", r.unit.id.0, r.first, r.last))
}
