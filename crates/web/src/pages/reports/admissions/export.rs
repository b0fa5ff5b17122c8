//! The admission report as downloads: CSV (one header row, one row per unit and the total) and a
//! workbook (the breakdowns, the rows, the terms, the organizations that admitted nobody). Both
//! write the same columns: the published breakdown, the period's target, the lines by source,
//! sub-target group and occasion, and the term in force at the end of the period.

use axum::response::Response;
use chrono::NaiveDate;
use storage::{AdmissionReport, GroupLine, PeriodTargetView, SourceLine, TermProgress};

use super::super::export::row_unit;
use crate::admission_words as words;
use crate::csv::{Csv, Value};
use crate::format;
use crate::xlsx::{self, Cell, Sheet};

/// One figure, as both formats write it.
enum Figure {
    Count(u64),
    /// A percentage (64.0 is 64 %).
    Percent(Option<f64>),
    Text(String),
    Date(Option<NaiveDate>),
}

impl Figure {
    fn count(n: Option<u32>) -> Figure {
        n.map_or(Figure::Text(String::new()), |n| Figure::Count(u64::from(n)))
    }

    fn csv(&self) -> Value<'_> {
        match self {
            Figure::Count(n) => Value::Count(*n),
            Figure::Percent(p) => p.map_or(Value::Empty, Value::Decimal),
            Figure::Text(t) if t.is_empty() => Value::Empty,
            Figure::Text(t) => Value::Text(t),
            Figure::Date(d) => d.map_or(Value::Empty, Value::Date),
        }
    }

    fn cell(&self) -> Cell {
        match self {
            Figure::Count(n) => Cell::Count(*n),
            Figure::Percent(p) => Cell::Share(p.map(|p| p / 100.0)),
            Figure::Text(t) if t.is_empty() => Cell::Empty,
            Figure::Text(t) => Cell::text(t),
            Figure::Date(d) => d.map_or(Cell::Empty, |d| Cell::text(format::date(d))),
        }
    }
}

/// What a row (or the total) holds.
struct RowFigures<'a> {
    target: Option<&'a PeriodTargetView>,
    tally: &'a domain::stats::AdmissionTally,
    sources: &'a [SourceLine],
    groups: &'a [GroupLine],
    on_occasions: u64,
    occasions: Vec<u64>,
    terms: &'a [TermProgress],
}

/// The column names after the unit's code and name.
fn columns(r: &AdmissionReport) -> Vec<String> {
    let mut out: Vec<String> = ["Chỉ tiêu kỳ báo cáo", "Năm chưa có chỉ tiêu", "Đạt chỉ tiêu (%)"].map(String::from).to_vec();
    out.extend(
        [
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
        ]
        .map(String::from),
    );
    out.extend(r.sources.iter().map(|l| format!("Nguồn: {}", l.label)));
    for g in &r.groups {
        out.push(format!("Nhóm: {}", g.label));
        if g.group.is_some() {
            out.push(format!("Chỉ tiêu nhóm: {}", g.label));
        }
    }
    out.push("Nhân dịp lễ, kỷ niệm".into());
    out.extend(r.occasions.lines.iter().map(|o| format!("Dịp {} ({})", o.day_month, o.name)));
    out.extend(
        [
            "Nhiệm kỳ",
            "Nhiệm kỳ từ ngày",
            "Nhiệm kỳ đến ngày",
            "Chỉ tiêu nhiệm kỳ",
            "Kết nạp trong nhiệm kỳ (trong kỳ báo cáo)",
            "Đạt chỉ tiêu nhiệm kỳ (%)",
        ]
        .map(String::from),
    );
    out
}

fn figures(f: &RowFigures<'_>) -> Vec<Figure> {
    let t = f.tally;
    let years: Vec<String> = f.target.map(|t| t.missing_years.iter().map(i32::to_string).collect()).unwrap_or_default();
    let mut out = vec![
        Figure::count(f.target.and_then(|t| t.target)),
        Figure::Text(years.join(" ")),
        Figure::Percent(f.target.and_then(|t| t.percent)),
    ];
    out.extend(
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
        .map(Figure::Count),
    );
    out.extend(f.sources.iter().map(|l| Figure::Count(l.admitted)));
    for g in f.groups {
        out.push(Figure::Count(g.admitted));
        if g.group.is_some() {
            out.push(Figure::count(g.target.as_ref().and_then(|t| t.target)));
        }
    }
    out.push(Figure::Count(f.on_occasions));
    out.extend(f.occasions.iter().map(|n| Figure::Count(*n)));
    // The term in force at the end of the period (the latest of those it touches).
    match f.terms.last() {
        Some(term) => out.extend([
            Figure::Text(term.label.clone()),
            Figure::Date(Some(term.first)),
            Figure::Date(Some(term.last)),
            Figure::count(term.target),
            Figure::Count(term.admitted),
            Figure::Percent(term.percent),
        ]),
        None => out.extend([
            Figure::Text(String::new()),
            Figure::Date(None),
            Figure::Date(None),
            Figure::count(None),
            Figure::Text(String::new()),
            Figure::Percent(None),
        ]),
    }
    out
}

/// The rows then the total: (code, name, figures).
fn table(r: &AdmissionReport) -> Vec<(String, &str, Vec<Figure>)> {
    let mut rows: Vec<(String, &str, Vec<Figure>)> = r
        .rows
        .iter()
        .map(|row| {
            let (code, label) = row_unit(&row.head);
            let f = RowFigures {
                target: row.target.as_ref(),
                tally: &row.tally,
                sources: &row.sources,
                groups: &row.groups,
                on_occasions: row.on_occasions,
                occasions: row.occasions.clone(),
                terms: &row.terms,
            };
            (code, label, figures(&f))
        })
        .collect();
    let total = RowFigures {
        target: Some(&r.target),
        tally: &r.total,
        sources: &r.sources,
        groups: &r.groups,
        on_occasions: r.occasions.on_occasions,
        occasions: r.occasions.lines.iter().map(|o| o.admitted).collect(),
        terms: &r.terms,
    };
    rows.push((r.unit.code.to_string(), "Tổng cộng", figures(&total)));
    rows
}

fn heading(r: &AdmissionReport) -> String {
    format!("Kết nạp đảng viên: {} — từ {} đến {} ({})", r.unit.name, format::date(r.first), format::date(r.last), r.structure.label())
}

/// The admissions as CSV: one row per unit under the report's unit, then the total (with the
/// report's unit's code).
pub(super) fn admissions_csv(r: &AdmissionReport) -> Response {
    let names = columns(r);
    let mut header = vec!["Mã tổ chức", "Tổ chức", "Từ ngày", "Đến ngày"];
    header.extend(names.iter().map(String::as_str));
    let mut csv = Csv::new(&header);
    for (code, label, figures) in table(r) {
        let head = [Value::Raw(&code), Value::Text(label), Value::Date(r.first), Value::Date(r.last)];
        csv.row(head.into_iter().chain(figures.iter().map(Figure::csv)));
    }
    csv.download(&format!("ket-nap-{}-{}-{}", r.unit.code, r.first, r.last))
}

/// The admissions as a workbook: the breakdowns with the sentence committees publish, one row
/// per unit, the terms, the units that admitted nobody.
pub(super) fn admissions_xlsx(r: &AdmissionReport) -> Response {
    let heading = heading(r);
    let t = &r.total;
    let mut rows = vec![vec![Cell::text(words::sentence(r)), Cell::Empty, Cell::Empty]];
    let mut bold_rows = vec![];
    let mut section = |title: &str, lines: Vec<(String, u64)>, rows: &mut Vec<Vec<Cell>>| {
        bold_rows.push(rows.len());
        rows.push(vec![Cell::text(title), Cell::Empty, Cell::Empty]);
        rows.extend(lines.into_iter().map(|(label, n)| vec![Cell::text(label), Cell::Count(n), Cell::share(n, t.admitted)]));
    };
    let mut published = vec![("Kết nạp".to_owned(), t.admitted)];
    published.extend(t.lines().into_iter().map(|(l, n)| (l.to_owned(), n)));
    section("Kết nạp trong kỳ", published, &mut rows);
    section("Theo nguồn giới thiệu", r.sources.iter().map(|l| (l.label.clone(), l.admitted)).collect(), &mut rows);
    section("Theo nhóm chỉ tiêu", r.groups.iter().map(|g| (g.label.clone(), g.admitted)).collect(), &mut rows);
    let mut occasions = vec![("Nhân các dịp lễ, kỷ niệm".to_owned(), r.occasions.on_occasions)];
    occasions.extend(r.occasions.lines.iter().map(|o| (format!("{} ({})", o.name, o.day_month), o.admitted)));
    section(&format!("Nhân dịp lễ, kỷ niệm — danh sách: {}", r.occasions.list), occasions, &mut rows);
    rows.push(vec![
        Cell::text(format!("Chỉ tiêu: {}", r.target.label)),
        Figure::count(r.target.target).cell(),
        Figure::Percent(r.target.percent).cell(),
    ]);
    let summary = Sheet {
        name: "Tổng hợp".into(),
        title: heading.clone(),
        header: xlsx::header(&["Chỉ tiêu", "Số lượng", "Tỷ lệ"]),
        rows,
        bold_rows,
    };
    let mut header = xlsx::header(&["Mã tổ chức", "Tổ chức"]);
    header.extend(columns(r));
    let unit_rows: Vec<Vec<Cell>> = table(r)
        .into_iter()
        .map(|(code, label, figures)| [Cell::text(code), Cell::text(label)].into_iter().chain(figures.iter().map(Figure::cell)).collect())
        .collect();
    let units =
        Sheet { name: "Theo tổ chức".into(), title: heading.clone(), header, bold_rows: vec![unit_rows.len() - 1], rows: unit_rows };
    let term_row = |code: String, name: &str, term: &TermProgress| -> Vec<Cell> {
        vec![
            Cell::text(code),
            Cell::text(name),
            Cell::text(words::term_line(term)),
            Figure::count(term.target).cell(),
            Cell::Count(term.admitted),
            Figure::Percent(term.percent).cell(),
        ]
    };
    let mut term_rows: Vec<Vec<Cell>> = r.terms.iter().map(|term| term_row(r.unit.code.to_string(), &r.unit.name, term)).collect();
    for row in &r.rows {
        let (code, label) = row_unit(&row.head);
        term_rows.extend(row.terms.iter().map(|term| term_row(code.clone(), label, term)));
    }
    let terms = Sheet {
        name: "Nhiệm kỳ".into(),
        title: format!("Tiến độ so với chỉ tiêu nhiệm kỳ — {heading}"),
        header: xlsx::header(&[
            "Mã tổ chức",
            "Tổ chức",
            "Nhiệm kỳ",
            "Chỉ tiêu nhiệm kỳ",
            "Kết nạp trong nhiệm kỳ (trong kỳ báo cáo)",
            "Đạt",
        ]),
        bold_rows: if r.terms.is_empty() { Vec::new() } else { (0..r.terms.len()).collect() },
        rows: term_rows,
    };
    let zero = Sheet {
        name: "Chưa kết nạp".into(),
        title: format!("Tổ chức cơ sở đảng chưa kết nạp đảng viên — {heading}"),
        header: xlsx::header(&["Mã tổ chức", "Tổ chức cơ sở đảng"]),
        rows: r.zero_admission.iter().map(|u| vec![Cell::text(u.code.to_string()), Cell::text(&u.name)]).collect(),
        bold_rows: Vec::new(),
    };
    xlsx::download(&[summary, units, terms, zero], &format!("ket-nap-{}-{}-{}", r.unit.code, r.first, r.last))
}
