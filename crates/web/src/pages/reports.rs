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
use domain::stats::{AgeBands, Breakdown, Facet, PARTY_AGE_THRESHOLDS, Structure};
use storage::{AdmissionReport, CountsReport, MovementReport};

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::Query;
use crate::format;
use crate::forms;
use crate::policy::{Policy, Route};
use crate::query::reports::{CountsParams, CountsQuery, MovementParams, MovementQuery};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/reports/counts", Policy::Needs(Capability::ReadRegister), counts_page),
        Route::get("/reports/movements", Policy::Needs(Capability::ReadRegister), movements_page),
        Route::get("/reports/admissions", Policy::Needs(Capability::ReadRegister), admissions_page),
    ]
}

/// The page's query: the report's parameters and the output format.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PageParams {
    unit: String,
    date: String,
    age_bands: String,
    structure: String,
    /// `csv` for a download.
    format: String,
}

/// One line of a table: what, how many, the share of the total, the members behind it.
struct Line {
    label: String,
    count: String,
    share: String,
    href: Option<String>,
    /// The count and the whole it is a share of (for the spreadsheet).
    n: u64,
    of: u64,
}

struct Table {
    title: &'static str,
    lines: Vec<Line>,
}

struct ChildRow {
    name: String,
    report_href: Option<String>,
    members_href: Option<String>,
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
}

async fn counts_page(s: Caller, chrome: Chrome, Query(p): Query<PageParams>) -> Result<Response, AppError> {
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
        age_bands: if p.age_bands.trim().is_empty() { "30,35,40,45,50,55,60".into() } else { p.age_bands.clone() },
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
    };
    let CountsQuery { unit, on, bands, structure } = match params.parse(today) {
        Ok(q) => q,
        Err(e) => {
            page.errors = forms::messages(e);
            return render(page, axum::http::StatusCode::BAD_REQUEST);
        }
    };
    let report = match reader.counts_report(unit, on, structure, &bands).await {
        Ok(r) => r,
        Err(e) => {
            page.errors = forms::messages(forms::invalid(e)?);
            return render(page, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    // The member list selects by the structure of the date: by today's structure, the counts
    // link to the rows' own reports instead.
    let links = Links { unit, on: format::date(on), enabled: structure == Structure::OfDate };
    let (summary, tables) = tables(&report.total, &bands, &links);
    if p.format == "csv" {
        return Ok(csv(&report, &summary, &tables));
    }
    if p.format == "xlsx" {
        return Ok(counts_xlsx(&report, &summary, &tables));
    }
    page.title = format!("{} — ngày {}", report.unit.name, format::date(on));
    page.chart = age_chart(&report.age_bands, &report.total.age);
    page.structure_note = structure.label();
    page.children = report
        .children
        .iter()
        .map(|(head, b)| ChildRow {
            name: head.label.clone(),
            report_href: head.unit.as_ref().map(|u| {
                format!(
                    "/reports/counts{}",
                    format::query_string(&[
                        ("unit", &u.id.to_string()),
                        ("date", &links.on),
                        ("age_bands", &p.age_bands),
                        ("structure", structure.code())
                    ])
                )
            }),
            members_href: head.unit.as_ref().and_then(|u| Links { unit: u.id, on: links.on.clone(), enabled: links.enabled }.members(&[])),
            total: format::number(b.total),
            women: format::percent(b.women as usize, b.total as usize),
            minority: format::percent(b.ethnic_minority as usize, b.total as usize),
            youth_union: format::percent(b.youth_union as usize, b.total as usize),
            probationary: format::number(b.probationary),
        })
        .collect();
    page.xlsx_href = page_href(
        "/reports/counts",
        &[
            ("unit", &unit.to_string()),
            ("date", &links.on),
            ("age_bands", &p.age_bands),
            ("structure", structure.code()),
            ("format", "xlsx"),
        ],
    );
    page.csv_href = format!(
        "/reports/counts{}",
        format::query_string(&[
            ("unit", &unit.to_string()),
            ("date", &links.on),
            ("age_bands", &p.age_bands),
            ("structure", structure.code()),
            ("format", "csv")
        ])
    );
    page.summary = summary;
    page.tables = tables;
    page.has_report = true;
    render(page, axum::http::StatusCode::OK)
}

fn page_href(path: &str, pairs: &[(&str, &str)]) -> String {
    format!("{path}{}", format::query_string(pairs))
}

fn render(page: CountsPage, status: axum::http::StatusCode) -> Result<Response, AppError> {
    crate::respond::render(status, &page)
}

/// Links to the member list with the report's unit and date.
struct Links {
    unit: UnitId,
    on: String,
    enabled: bool,
}

impl Links {
    fn members(&self, extra: &[(&str, &str)]) -> Option<String> {
        if !self.enabled {
            return None;
        }
        let mut pairs = vec![("unit", self.unit.to_string()), ("as_of", self.on.clone())];
        pairs.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Some(format!("/members{}", format::query_string(&refs)))
    }

    fn facet(&self, f: Facet) -> Option<String> {
        self.members(&[("facet", &f.code())])
    }
}

/// The structure choices of the report forms: (code, label, selected).
pub(crate) fn structure_options(current: &str) -> Vec<(&'static str, &'static str, bool)> {
    let chosen = Structure::parse(current).unwrap_or_default();
    [(Structure::OfDate, "Cơ cấu tại thời điểm báo cáo"), (Structure::Current, "Cơ cấu hiện nay")]
        .into_iter()
        .map(|(s, label)| (s.code(), label, s == chosen))
        .collect()
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
    bar_chart("Biểu đồ số đảng viên theo độ tuổi", 100, &bars)
}

/// A horizontal bar chart as inline SVG, rendered here so no chart script is needed. Labels are
/// our own (escaped all the same); `label_width` is the room the labels take, in the chart's units.
fn bar_chart(title: &str, label_width: usize, bars: &[(&str, u64)]) -> String {
    let escape = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let max = bars.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let row = 28;
    let height = row * bars.len() + 8;
    let room = (640 - label_width - 90) as f64;
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 640 {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(title)
    );
    for (i, (label, n)) in bars.iter().enumerate() {
        let y = 4 + i * row;
        let width = (*n as f64 / max as f64 * room).round() as usize;
        svg.push_str(&format!(
            r#"<text x="0" y="{}" font-size="14">{}</text><rect x="{label_width}" y="{y}" width="{width}" height="20" rx="2"></rect><text x="{}" y="{}" font-size="14">{}</text>"#,
            y + 15,
            escape(label),
            label_width + width + 6,
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
        push(&Line { label: t.title.to_owned(), count: String::new(), share: String::new(), href: None, n: 0, of: 0 });
        for l in &t.lines {
            push(l);
        }
    }
    let name = format!("attachment; filename=\"thong-ke-{}-{}.csv\"", report.unit.id.0, report.on);
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, name)], out).into_response()
}

/// The report as a workbook: the breakdowns of the unit, then one row per unit under it.
fn counts_xlsx(report: &CountsReport, summary: &[Line], tables: &[Table]) -> Response {
    use crate::xlsx::{Cell, Sheet};
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
    crate::xlsx::download(&[overview, units], &format!("thong-ke-{}-{}", report.unit.id.0, report.on))
}

// --- movements ----------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MovementPageParams {
    unit: String,
    from: String,
    to: String,
    structure: String,
    /// `csv` or `xlsx` for a download.
    format: String,
}

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

/// The period form shared by the movement and admission pages, and the report's links.
#[derive(Default)]
struct PeriodForm {
    path: &'static str,
    unit: String,
    from: String,
    to: String,
    structures: Vec<(&'static str, &'static str, bool)>,
    structure_note: &'static str,
    errors: Vec<String>,
    title: String,
    csv_href: String,
    xlsx_href: String,
    has_report: bool,
}

impl PeriodForm {
    /// The form as typed (the first unit of the tree when none is given) and the parsed query,
    /// or the errors to show.
    async fn start(s: &Caller, p: &MovementPageParams, path: &'static str) -> Result<(PeriodForm, Option<MovementQuery>), AppError> {
        let today = s.today();
        let mut params = MovementParams { unit: p.unit.clone(), from: p.from.clone(), to: p.to.clone(), structure: p.structure.clone() };
        if params.unit.trim().is_empty()
            && let Some(first) = s.reader()?.children(None, today).await?.first()
        {
            params.unit = first.unit.id.to_string();
        }
        let mut form = PeriodForm {
            path,
            unit: params.unit.clone(),
            from: p.from.clone(),
            to: p.to.clone(),
            structures: structure_options(&p.structure),
            ..PeriodForm::default()
        };
        match params.parse(today) {
            Ok(q) => {
                form.from = format::date(q.first);
                form.to = format::date(q.last);
                Ok((form, Some(q)))
            }
            Err(e) => {
                form.fail(e);
                Ok((form, None))
            }
        }
    }

    fn fail(&mut self, e: domain::ValidationErrors) {
        self.errors = forms::messages(e);
    }

    /// This page for another unit (`format` empty) or as a download.
    fn href(&self, unit: UnitId, structure: Structure, fmt: &str) -> String {
        let pairs = [
            ("unit", unit.to_string()),
            ("from", self.from.clone()),
            ("to", self.to.clone()),
            ("structure", structure.code().to_owned()),
            ("format", fmt.to_owned()),
        ];
        let refs: Vec<(&str, &str)> = pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (*k, v.as_str())).collect();
        page_href(self.path, &refs)
    }

    /// Fills the title and links once the report is read.
    fn finish(&mut self, unit_name: &str, q: &MovementQuery) {
        self.title = format!("{unit_name} — từ {} đến {}", self.from, self.to);
        self.structure_note = q.structure.label();
        self.csv_href = self.href(q.unit, q.structure, "csv");
        self.xlsx_href = self.href(q.unit, q.structure, "xlsx");
        self.has_report = true;
    }
}

/// Reads a period report for a page: the report, or the page to show instead (the form with
/// its errors: 400 for a query that does not parse, 422 for one the store refuses).
async fn period_report<T, R: Template>(
    form: &mut PeriodForm,
    query: Option<&MovementQuery>,
    read: impl AsyncFnOnce(&MovementQuery) -> storage::Result<T>,
    page: impl FnOnce(PeriodForm) -> R,
) -> Result<Result<T, Response>, AppError> {
    let Some(q) = query else {
        return Ok(Err(crate::respond::render(axum::http::StatusCode::BAD_REQUEST, &page(std::mem::take(form)))?));
    };
    match read(q).await {
        Ok(r) => Ok(Ok(r)),
        Err(e) => {
            form.fail(forms::invalid(e)?);
            Ok(Err(crate::respond::render(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page(std::mem::take(form)))?))
        }
    }
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

async fn movements_page(s: Caller, chrome: Chrome, Query(p): Query<MovementPageParams>) -> Result<Response, AppError> {
    let chrome = chrome.titled("Tăng, giảm đảng viên");
    let (mut form, q) = PeriodForm::start(&s, &p, "/reports/movements").await?;
    let reader = s.reader()?;
    let report = match period_report(
        &mut form,
        q.as_ref(),
        async |q: &MovementQuery| reader.movement_report(q.unit, q.first, q.last, q.structure).await,
        |form| MovementsPage { chrome: chrome.clone(), form, body: MovementsBody::default() },
    )
    .await?
    {
        Ok(r) => r,
        Err(page) => return Ok(page),
    };
    match p.format.as_str() {
        "csv" => return Ok(movements_csv(&report)),
        "xlsx" => return Ok(movements_xlsx(&report)),
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
            .map(|(head, m)| MovementRow {
                name: head.label.clone(),
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
    crate::respond::render(axum::http::StatusCode::OK, &MovementsPage { chrome, form, body })
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
    let list_on = |d: chrono::NaiveDate| page_href("/members", &[("unit", &unit), ("as_of", &format::date(d))]);
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
    let mut pairs = vec![("unit", unit.as_str()), ("flow", flow), ("from", &from), ("to", &to)];
    if !status.is_empty() {
        pairs.push(("status", status));
    }
    Some(page_href("/members", &pairs))
}

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

fn movements_xlsx(r: &MovementReport) -> Response {
    use crate::xlsx::{Cell, Sheet};
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
    crate::xlsx::download(&[form, units], &format!("tang-giam-{}-{}-{}", r.unit.id.0, r.first, r.last))
}

fn movements_csv(r: &MovementReport) -> Response {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
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
    let name = format!("attachment; filename=\"tang-giam-{}-{}-{}.csv\"", r.unit.id.0, r.first, r.last);
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, name)], out).into_response()
}

// --- admissions -------------------------------------------------------------------------------

struct AdmissionLine {
    label: &'static str,
    count: String,
    share: String,
    /// The admitted members behind the line.
    href: Option<String>,
}

struct AdmissionUnitRow {
    name: String,
    href: Option<String>,
    target: String,
    admitted: String,
    progress: String,
    women: String,
    youth_union: String,
    up_to_30: String,
    college: String,
    postgraduate: String,
}

#[derive(Template)]
#[template(path = "report_admissions.html")]
struct AdmissionsPage {
    chrome: Chrome,
    form: PeriodForm,
    body: AdmissionsBody,
}

#[derive(Default)]
struct AdmissionsBody {
    /// The breakdown of the admitted, as an SVG bar chart.
    chart: String,
    headline: String,
    /// The members admitted (by the structure of each day).
    admitted_href: Option<String>,
    lines: Vec<AdmissionLine>,
    rows: Vec<AdmissionUnitRow>,
    has_targets: bool,
    zero: Vec<(String, String)>,
}

/// `64%` of the target, or a dash without one.
fn progress(admitted: u64, target: Option<u32>) -> String {
    target.filter(|t| *t > 0).map_or_else(|| "–".to_owned(), |t| format::percent(admitted as usize, t as usize))
}

async fn admissions_page(s: Caller, chrome: Chrome, Query(p): Query<MovementPageParams>) -> Result<Response, AppError> {
    let chrome = chrome.titled("Kết nạp đảng viên");
    let (mut form, q) = PeriodForm::start(&s, &p, "/reports/admissions").await?;
    let reader = s.reader()?;
    let report = match period_report(
        &mut form,
        q.as_ref(),
        async |q: &MovementQuery| reader.admission_report(q.unit, q.first, q.last, q.structure).await,
        |form| AdmissionsPage { chrome: chrome.clone(), form, body: AdmissionsBody::default() },
    )
    .await?
    {
        Ok(r) => r,
        Err(page) => return Ok(page),
    };
    match p.format.as_str() {
        "csv" => return Ok(admissions_csv(&report)),
        "xlsx" => return Ok(admissions_xlsx(&report)),
        _ => {}
    }
    let Some(q) = q else { return Err(AppError::not_found()) };
    form.finish(&report.unit.name, &q);
    let t = &report.total;
    let mut bars = vec![("Kết nạp", t.admitted)];
    bars.extend(t.lines());
    let body = AdmissionsBody {
        chart: bar_chart("Biểu đồ đảng viên được kết nạp theo đặc điểm", 230, &bars),
        headline: admission_headline(&report),
        admitted_href: (q.structure == Structure::OfDate).then(|| {
            page_href(
                "/members",
                &[("unit", &q.unit.to_string()), ("flow", "vao:ket-nap,ket-nap-lai"), ("from", &form.from), ("to", &form.to)],
            )
        }),
        lines: t
            .lines_with_filters()
            .into_iter()
            .map(|(label, n, filter)| {
                let (flow, extra) = match &filter {
                    None => ("vao:ket-nap-lai", None),
                    Some((k, v)) => ("vao:ket-nap,ket-nap-lai", Some((*k, v.as_str()))),
                };
                let unit = q.unit.to_string();
                let mut pairs = vec![("unit", unit.as_str()), ("flow", flow), ("from", form.from.as_str()), ("to", form.to.as_str())];
                pairs.extend(extra);
                AdmissionLine {
                    label,
                    count: format::number(n),
                    share: format::percent(n as usize, t.admitted as usize),
                    href: (q.structure == Structure::OfDate).then(|| page_href("/members", &pairs)),
                }
            })
            .collect(),
        has_targets: report.target_year.is_some(),
        rows: report
            .rows
            .iter()
            .map(|r| {
                let pct = |n: u64| format::percent(n as usize, r.tally.admitted as usize);
                AdmissionUnitRow {
                    name: r.head.label.clone(),
                    href: r.head.unit.as_ref().map(|u| form.href(u.id, q.structure, "")),
                    target: r.target.map_or_else(|| "–".to_owned(), |t| format::number(u64::from(t))),
                    admitted: format::number(r.tally.admitted),
                    progress: progress(r.tally.admitted, r.target),
                    women: pct(r.tally.women),
                    youth_union: pct(r.tally.youth_union),
                    up_to_30: pct(r.tally.up_to_30),
                    college: pct(r.tally.college_or_higher),
                    postgraduate: pct(r.tally.postgraduate),
                }
            })
            .collect(),
        zero: report.zero_admission.iter().map(|u| (u.name.clone(), format!("/units/{}", u.id))).collect(),
    };
    crate::respond::render(axum::http::StatusCode::OK, &AdmissionsPage { chrome, form, body })
}

/// "Kết nạp 97 đảng viên, đạt 64% chỉ tiêu năm 2026 (150)", as committees write it.
fn admission_headline(r: &AdmissionReport) -> String {
    let n = r.total.admitted;
    match (r.target_year, r.total_target) {
        (Some(year), Some(target)) if target > 0 => format!(
            "Kết nạp {} đảng viên, đạt {} chỉ tiêu năm {year} ({}).",
            format::number(n),
            format::percent(n as usize, target as usize),
            format::number(u64::from(target))
        ),
        (Some(year), _) => format!("Kết nạp {} đảng viên (chưa giao chỉ tiêu năm {year}).", format::number(n)),
        _ => format!("Kết nạp {} đảng viên.", format::number(n)),
    }
}

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

fn admissions_xlsx(r: &AdmissionReport) -> Response {
    use crate::xlsx::{Cell, Sheet};
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
    crate::xlsx::download(&[summary, units, zero], &format!("ket-nap-{}-{}-{}", r.unit.id.0, r.first, r.last))
}

fn admissions_csv(r: &AdmissionReport) -> Response {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
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
    let name = format!("attachment; filename=\"ket-nap-{}-{}-{}.csv\"", r.unit.id.0, r.first, r.last);
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, name)], out).into_response()
}
