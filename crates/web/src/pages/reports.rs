//! `/reports/counts`: members on a unit's list on a date in the breakdowns of the official forms
//! (reports.md §5), for the unit and the units directly under it; every count links to the
//! members behind it where the member list has the filter; a server-rendered SVG chart; CSV.

use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use domain::access::Capability;
use domain::history::Status;
use domain::ids::UnitId;
use domain::member::{GeneralEducation, OccupationGroup, PoliticalTheory, Professional, Religion};
use domain::stats::{AgeBands, Breakdown, PARTY_AGE_THRESHOLDS};
use storage::CountsReport;

use super::Chrome;
use crate::api::reports::{CountsParams, counts_query};
use crate::error::AppError;
use crate::extract::Query;
use crate::format;
use crate::policy::{Policy, Route};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![Route::get("/reports/counts", Policy::Needs(Capability::ReadRegister), counts_page)]
}

/// The page's query: the report's parameters and the output format.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PageParams {
    unit: String,
    date: String,
    age_bands: String,
    /// `csv` for a download.
    format: String,
}

/// One line of a table: what, how many, the share of the total, the members behind it.
struct Line {
    label: String,
    count: String,
    share: String,
    href: Option<String>,
}

struct Table {
    title: &'static str,
    lines: Vec<Line>,
}

struct ChildRow {
    name: String,
    report_href: String,
    members_href: String,
    total: String,
    women: String,
    minority: String,
    youth_union: String,
    probationary: String,
}

#[derive(Template)]
#[template(path = "report_counts.html")]
struct CountsPage {
    chrome: Chrome,
    unit: String,
    date: String,
    age_bands: String,
    errors: Vec<String>,
    title: String,
    summary: Vec<Line>,
    tables: Vec<Table>,
    children: Vec<ChildRow>,
    chart: String,
    csv_href: String,
    has_report: bool,
}

async fn counts_page(s: Caller, chrome: Chrome, Query(p): Query<PageParams>) -> Result<Response, AppError> {
    let today = s.today();
    let reader = s.reader()?;
    let mut params = CountsParams { unit: p.unit.clone(), date: p.date.clone(), age_bands: p.age_bands.clone() };
    if params.unit.trim().is_empty()
        && let Some(first) = reader.children(None, today).await?.first()
    {
        params.unit = first.unit.id.to_string();
    }
    let mut page = CountsPage {
        chrome: chrome.titled("Thống kê đảng viên"),
        unit: params.unit.clone(),
        date: if p.date.trim().is_empty() { format::date(today) } else { p.date.clone() },
        age_bands: if p.age_bands.trim().is_empty() { "30,35,40,45,50,55,60".into() } else { p.age_bands.clone() },
        errors: Vec::new(),
        title: String::new(),
        summary: Vec::new(),
        tables: Vec::new(),
        children: Vec::new(),
        chart: String::new(),
        csv_href: String::new(),
        has_report: false,
    };
    let (unit, on, bands) = match counts_query(&params, today) {
        Ok(q) => q,
        Err(e) => {
            page.errors = e.errors.into_iter().map(|e| e.message).collect();
            return render(page, axum::http::StatusCode::BAD_REQUEST);
        }
    };
    let report = match reader.counts_report(unit, on, &bands).await {
        Ok(r) => r,
        Err(storage::StoreError::Invalid(v)) => {
            page.errors = v.errors.into_iter().map(|e| e.message).collect();
            return render(page, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        }
        Err(e) => return Err(e.into()),
    };
    let links = Links { unit, on: format::date(on) };
    let (summary, tables) = tables(&report.total, &bands, &links);
    if p.format == "csv" {
        return Ok(csv(&report, &summary, &tables));
    }
    page.title = format!("{} — ngày {}", report.unit.name, format::date(on));
    page.chart = age_chart(&report.age_bands, &report.total.age);
    page.children = report
        .children
        .iter()
        .map(|(u, b)| ChildRow {
            name: u.name.clone(),
            report_href: format!(
                "/reports/counts{}",
                format::query_string(&[("unit", &u.id.to_string()), ("date", &links.on), ("age_bands", &p.age_bands)])
            ),
            members_href: Links { unit: u.id, on: links.on.clone() }.members(&[]),
            total: format::number(b.total),
            women: format::percent(b.women as usize, b.total as usize),
            minority: format::percent(b.ethnic_minority as usize, b.total as usize),
            youth_union: format::percent(b.youth_union as usize, b.total as usize),
            probationary: format::number(b.probationary),
        })
        .collect();
    page.csv_href = format!(
        "/reports/counts{}",
        format::query_string(&[("unit", &unit.to_string()), ("date", &links.on), ("age_bands", &p.age_bands), ("format", "csv")])
    );
    page.summary = summary;
    page.tables = tables;
    page.has_report = true;
    render(page, axum::http::StatusCode::OK)
}

fn render(page: CountsPage, status: axum::http::StatusCode) -> Result<Response, AppError> {
    super::render(status, &page)
}

/// Links to the member list with the report's unit and date.
struct Links {
    unit: UnitId,
    on: String,
}

impl Links {
    fn members(&self, extra: &[(&str, &str)]) -> String {
        let mut pairs = vec![("unit", self.unit.to_string()), ("as_of", self.on.clone())];
        pairs.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        format!("/members{}", format::query_string(&refs))
    }
}

fn line(label: impl Into<String>, n: u64, total: u64, href: Option<String>) -> Line {
    Line { label: label.into(), count: format::number(n), share: format::percent(n as usize, total as usize), href }
}

/// The member-list filter of each age band (`18-30`, …, `61+`).
fn age_filters(bands: &AgeBands) -> Vec<String> {
    bands
        .labels()
        .iter()
        .map(|l| match l.strip_prefix("Trên ") {
            Some(n) => format!("{}+", n.parse::<u32>().unwrap_or(60) + 1),
            None => l.replace('–', "-"),
        })
        .collect()
}

fn tables(b: &Breakdown, bands: &AgeBands, links: &Links) -> (Vec<Line>, Vec<Table>) {
    let t = b.total;
    let summary = vec![
        line("Tổng số đảng viên", t, t, Some(links.members(&[]))),
        line(Status::Official.label(), b.official, t, Some(links.members(&[("status", Status::Official.code())]))),
        line(Status::Probationary.label(), b.probationary, t, Some(links.members(&[("status", Status::Probationary.code())]))),
        line(Status::Exempt.label(), b.exempt, t, Some(links.members(&[("status", Status::Exempt.code())]))),
        line("Đảng viên nữ", b.women, t, Some(links.members(&[("gender", "nu")]))),
        line("Dân tộc thiểu số", b.ethnic_minority, t, None),
        line("Có tôn giáo", b.religious, t, None),
        line("Đoàn viên Đoàn TNCS Hồ Chí Minh", b.youth_union, t, None),
    ];
    let filters = age_filters(bands);
    let age = Table {
        title: "Độ tuổi (tính theo tháng đến ngày báo cáo)",
        lines: bands
            .labels()
            .into_iter()
            .zip(&b.age)
            .zip(&filters)
            .map(|((label, n), f)| line(label, *n, t, Some(links.members(&[("age", f)]))))
            .collect(),
    };
    let coded = |title: &'static str, labels: Vec<&'static str>, counts: &[u64]| Table {
        title,
        lines: labels.into_iter().zip(counts).map(|(l, n)| line(l, *n, t, None)).collect(),
    };
    let party_age = Table {
        title: "Tuổi đảng",
        lines: PARTY_AGE_THRESHOLDS.iter().zip(&b.party_age).map(|(y, n)| line(format!("Từ {y} năm trở lên"), *n, t, None)).collect(),
    };
    let tables = vec![
        age,
        party_age,
        coded("Trình độ giáo dục phổ thông", GeneralEducation::ALL.iter().map(|v| v.label()).collect(), &b.general_education),
        coded("Trình độ chuyên môn", Professional::ALL.iter().map(|v| v.label()).collect(), &b.professional),
        coded("Trình độ lý luận chính trị", PoliticalTheory::ALL.iter().map(|v| v.label()).collect(), &b.political_theory),
        coded("Nghề nghiệp", OccupationGroup::ALL.iter().map(|v| v.label()).collect(), &b.occupation),
        coded("Tôn giáo", Religion::ALL.iter().map(|v| v.label()).collect(), &b.religion),
    ];
    (summary, tables)
}

/// A horizontal bar chart of the age bands, as inline SVG (only our own labels and numbers).
fn age_chart(labels: &[String], counts: &[u64]) -> String {
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let row = 28;
    let height = row * counts.len() + 8;
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 640 {height}" role="img" aria-label="Biểu đồ số đảng viên theo độ tuổi" xmlns="http://www.w3.org/2000/svg">"#
    );
    for (i, (label, n)) in labels.iter().zip(counts).enumerate() {
        let y = 4 + i * row;
        let width = (*n as f64 / max as f64 * 440.0).round() as u64;
        svg.push_str(&format!(
            r#"<text x="0" y="{}" font-size="14">{}</text><rect x="100" y="{}" width="{width}" height="20" rx="2"></rect><text x="{}" y="{}" font-size="14">{}</text>"#,
            y + 15,
            label,
            y,
            106 + width,
            y + 15,
            format::number(*n)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// The report as CSV (UTF-8 with BOM so spreadsheets read the diacritics).
fn csv(report: &CountsReport, summary: &[Line], tables: &[Table]) -> Response {
    let mut out = String::from("\u{feff}Chỉ tiêu,Số lượng,Tỷ lệ\n");
    out.push_str(&format!("\"{} — ngày {}\",,\n", report.unit.name.replace('"', "\"\""), format::date(report.on)));
    let mut push = |l: &Line| out.push_str(&format!("\"{}\",\"{}\",\"{}\"\n", l.label.replace('"', "\"\""), l.count, l.share));
    for l in summary {
        push(l);
    }
    for t in tables {
        push(&Line { label: t.title.to_owned(), count: String::new(), share: String::new(), href: None });
        for l in &t.lines {
            push(l);
        }
    }
    let name = format!("attachment; filename=\"thong-ke-{}-{}.csv\"", report.unit.id.0, report.on);
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, name)], out).into_response()
}
