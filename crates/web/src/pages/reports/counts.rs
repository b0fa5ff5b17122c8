//! `/reports/counts`: members on a unit's list on a date in the breakdowns of the official forms
//! (reports.md §5), for the unit and the units directly under it; every count links to the
//! members behind it where the member list has the filter; a chart of the age bands.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use storage::ReportRequest;

use domain::history::Status;
use domain::ids::UnitId;
use domain::member::{GeneralEducation, OccupationGroup, PoliticalTheory, Professional, Religion};
use domain::stats::{AgeBands, Breakdown, Facet, PARTY_AGE_THRESHOLDS, Structure};

use super::chart::bar_chart;
use super::{Drill, export, structure_options};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::Query;
use crate::format;
use crate::forms;
use crate::query::reports::{CountsParams, CountsQuery};
use crate::respond::render;
use crate::session::Caller;

/// The page's query: the report's parameters and the output format.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct PageParams {
    unit: String,
    date: String,
    age_bands: String,
    structure: String,
    /// `csv` for a download.
    format: String,
}

/// One line of a table: what, how many, the share of the total, the members behind it.
pub(super) struct Line {
    pub(super) label: String,
    pub(super) count: String,
    pub(super) share: String,
    href: Option<String>,
    /// The count and the whole it is a share of (for the spreadsheet).
    pub(super) n: u64,
    pub(super) of: u64,
}

/// A titled table of lines (a breakdown).
pub(super) struct Table {
    pub(super) title: &'static str,
    pub(super) lines: Vec<Line>,
}

struct ChildRow {
    name: String,
    report_href: Option<String>,
    members_href: Option<String>,
    probationary_href: Option<String>,
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
    /// (code, label, selected) of the two structures.
    structures: Vec<(&'static str, &'static str, bool)>,
    structure_note: &'static str,
    errors: Vec<String>,
    title: String,
    summary: Vec<Line>,
    tables: Vec<Table>,
    children: Vec<ChildRow>,
    chart: String,
    csv_href: String,
    xlsx_href: String,
    has_report: bool,
    /// For a day before the unit stood: this report for each of its predecessors that stood
    /// then and that this person reads (historical reach).
    predecessors: Vec<crate::pages::Link>,
}

pub(super) async fn counts_page(s: Caller, chrome: Chrome, Query(p): Query<PageParams>) -> Result<Response, AppError> {
    let today = s.today();
    let reader = s.reader()?;
    let mut params =
        CountsParams { unit: p.unit.clone(), date: p.date.clone(), age_bands: p.age_bands.clone(), structure: p.structure.clone() };
    if params.unit.trim().is_empty()
        && let Some(first) = reader.children(None, today).await?.first()
    {
        params.unit = first.unit.id.to_string();
    }
    let mut page = CountsPage {
        chrome: chrome.titled("Thống kê đảng viên"),
        unit: params.unit.clone(),
        date: if p.date.trim().is_empty() { format::date(today) } else { p.date.clone() },
        age_bands: if p.age_bands.trim().is_empty() { AgeBands::default().to_string() } else { p.age_bands.clone() },
        structures: structure_options(&p.structure),
        structure_note: "",
        errors: Vec::new(),
        title: String::new(),
        summary: Vec::new(),
        tables: Vec::new(),
        children: Vec::new(),
        chart: String::new(),
        csv_href: String::new(),
        xlsx_href: String::new(),
        has_report: false,
        predecessors: Vec::new(),
    };
    let CountsQuery { unit, on, bands, structure } = match params.parse(today) {
        Ok(q) => q,
        Err(e) => {
            page.errors = forms::messages(e);
            return render(StatusCode::BAD_REQUEST, &page);
        }
    };
    let report = match reader.counts_report(ReportRequest { unit, when: on, structure, today }, &bands).await {
        Ok(r) => r,
        Err(e) => {
            page.errors = forms::messages(forms::invalid(e)?);
            if structure == Structure::OfDate {
                let date = format::date(on);
                let pairs = |u: &storage::UnitSummary| {
                    let unit = u.id.to_string();
                    format::href("/reports/counts", &[("unit", unit.as_str()), ("date", &date), ("age_bands", &p.age_bands)])
                };
                let found = reader.predecessors_on(unit, on).await.unwrap_or_default();
                page.predecessors = found.iter().map(|u| crate::pages::Link { href: pairs(u), label: u.name.clone() }).collect();
            }
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    // Every count links to the members behind it, counted as the report counts them (by its
    // structure, row by row).
    let links = Links { drill: Drill::total(unit, structure), on: format::date(on) };
    let (summary, tables) = tables(&report.total, &bands, &links);
    if p.format == "csv" {
        return Ok(export::counts_csv(&report, &summary, &tables));
    }
    if p.format == "xlsx" {
        return Ok(export::counts_xlsx(&report, &summary, &tables));
    }
    // This report for another unit (`format` empty) or as a download.
    let report_href = |unit: UnitId, fmt: &str| {
        let unit = unit.to_string();
        let pairs =
            [("unit", unit.as_str()), ("date", &links.on), ("age_bands", &p.age_bands), ("structure", structure.code()), ("format", fmt)];
        format::href("/reports/counts", &pairs)
    };
    page.title = format!("{} — ngày {}", report.unit.name, format::date(on));
    page.chart = age_chart(&report.age_bands, &report.total.age);
    page.structure_note = structure.label();
    let names = crate::picker::distinct_names(report.children.iter().map(|(h, _)| (h.unit.as_ref().map(|u| u.id), h.label.as_str())));
    page.children = report
        .children
        .iter()
        .zip(names)
        .map(|((head, b), name)| ChildRow {
            name,
            report_href: head.unit.as_ref().map(|u| report_href(u.id, "")),
            members_href: Links { drill: Drill::row(unit, structure, head), on: links.on.clone() }.members(&[]),
            probationary_href: Links { drill: Drill::row(unit, structure, head), on: links.on.clone() }
                .members(&[("status", Status::Probationary.code())]),
            total: format::number(b.total),
            women: format::percent(b.women as usize, b.total as usize),
            minority: format::percent(b.ethnic_minority as usize, b.total as usize),
            youth_union: format::percent(b.youth_union as usize, b.total as usize),
            probationary: format::number(b.probationary),
        })
        .collect();
    page.xlsx_href = report_href(unit, "xlsx");
    page.csv_href = report_href(unit, "csv");
    page.summary = summary;
    page.tables = tables;
    page.has_report = true;
    render(StatusCode::OK, &page)
}

/// Links to the member list with the report's unit (or row) and date.
struct Links {
    drill: Drill,
    on: String,
}

impl Links {
    fn members(&self, extra: &[(&str, &str)]) -> Option<String> {
        let mut pairs = vec![("as_of", self.on.as_str())];
        pairs.extend_from_slice(extra);
        Some(self.drill.href(&pairs))
    }

    fn facet(&self, f: Facet) -> Option<String> {
        self.members(&[("facet", &f.code())])
    }
}

fn line(label: impl Into<String>, n: u64, total: u64, href: Option<String>) -> Line {
    Line { label: label.into(), count: format::number(n), share: format::percent(n as usize, total as usize), href, n, of: total }
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
        line("Tổng số đảng viên", t, t, links.members(&[])),
        line(Status::Official.label(), b.official, t, links.members(&[("status", Status::Official.code())])),
        line(Status::Probationary.label(), b.probationary, t, links.members(&[("status", Status::Probationary.code())])),
        line(Status::Exempt.label(), b.exempt, t, links.members(&[("status", Status::Exempt.code())])),
        line("Đảng viên nữ", b.women, t, links.members(&[("gender", "nu")])),
        line("Dân tộc thiểu số", b.ethnic_minority, t, links.facet(Facet::EthnicMinority)),
        line("Có tôn giáo", b.religious, t, links.facet(Facet::Religious)),
        line("Đoàn viên Đoàn TNCS Hồ Chí Minh", b.youth_union, t, links.facet(Facet::YouthUnion)),
        line(
            "Chưa có thông tin trình độ (không tính trong các bảng trình độ, nghề nghiệp)",
            b.no_profile,
            t,
            links.facet(Facet::NoProfile),
        ),
    ];
    let filters = age_filters(bands);
    let age = Table {
        title: "Độ tuổi (tính theo tháng đến ngày báo cáo)",
        lines: bands
            .labels()
            .into_iter()
            .zip(&b.age)
            .zip(&filters)
            .map(|((label, n), f)| line(label, *n, t, links.members(&[("age", f)])))
            .collect(),
    };
    let coded = |title: &'static str, cells: Vec<(&'static str, Facet)>, counts: &[u64]| Table {
        title,
        lines: cells.into_iter().zip(counts).map(|((l, f), n)| line(l, *n, t, links.facet(f))).collect(),
    };
    let party_age = Table {
        title: "Tuổi đảng",
        lines: PARTY_AGE_THRESHOLDS
            .iter()
            .zip(&b.party_age)
            .map(|(y, n)| line(format!("Từ {y} năm trở lên"), *n, t, links.facet(Facet::PartyAgeAtLeast(*y))))
            .collect(),
    };
    let tables = vec![
        age,
        party_age,
        coded(
            "Trình độ giáo dục phổ thông",
            GeneralEducation::ALL.iter().map(|v| (v.label(), Facet::GeneralEducation(*v))).collect(),
            &b.general_education,
        ),
        coded("Trình độ chuyên môn", Professional::ALL.iter().map(|v| (v.label(), Facet::Professional(*v))).collect(), &b.professional),
        coded(
            "Trình độ lý luận chính trị",
            PoliticalTheory::ALL.iter().map(|v| (v.label(), Facet::PoliticalTheory(*v))).collect(),
            &b.political_theory,
        ),
        coded("Nghề nghiệp", OccupationGroup::ALL.iter().map(|v| (v.label(), Facet::Occupation(*v))).collect(), &b.occupation),
        coded("Tôn giáo", Religion::ALL.iter().map(|v| (v.label(), Facet::Religion(*v))).collect(), &b.religion),
    ];
    (summary, tables)
}

/// A horizontal bar chart of the age bands, as inline SVG.
fn age_chart(labels: &[String], counts: &[u64]) -> String {
    let bars: Vec<(&str, u64)> = labels.iter().map(String::as_str).zip(counts.iter().copied()).collect();
    bar_chart("Biểu đồ số đảng viên theo độ tuổi", &bars)
}
