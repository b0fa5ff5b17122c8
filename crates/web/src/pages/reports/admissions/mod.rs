//! `/reports/admissions`: the members admitted in any period in the published breakdown, against
//! the targets of the years the period touches and the congress terms in force, by who introduced
//! them, by sub-target group and by occasion, per unit under it, and the grassroots organizations
//! that admitted nobody (docs/design/admission.md "Admission report over any period"). Every
//! number links to the members behind it.

mod export;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use storage::{AdmissionReport, AdmissionRow};

use super::chart::bar_chart;
use super::{Drill, PeriodForm, PeriodPageParams, period_report};
use crate::admission_words as words;
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::Query;
use crate::format;
use crate::query::admitted as codes;
use crate::query::reports::MovementQuery;
use crate::respond::render;
use crate::session::Caller;

/// A line with its count, share of the admitted and the members behind it.
struct Line {
    label: String,
    count: String,
    share: String,
    href: String,
}

/// A line by sub-target group: with the group's target over the period.
struct GroupView {
    line: Line,
    target: String,
    progress: String,
}

struct TermView {
    text: String,
    /// The members admitted in the term's days of the period.
    href: String,
    /// The report over the whole term (as far as today), when the period covers part of it.
    whole_term: Option<String>,
}

struct UnitRow {
    name: String,
    href: Option<String>,
    target: String,
    progress: String,
    terms: Vec<TermView>,
    admitted: String,
    /// The members admitted in the row.
    admitted_href: String,
    women: String,
    youth_union: String,
    up_to_30: String,
    college: String,
    postgraduate: String,
    /// By source, group and occasion: counts with their lists, in the header's order.
    origins: Vec<(String, String)>,
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
    /// As committees publish it.
    sentence: String,
    target: String,
    terms: Vec<TermView>,
    /// The members admitted (by the structure of each day).
    admitted_href: Option<String>,
    lines: Vec<Line>,
    sources: Vec<Line>,
    groups: Vec<GroupView>,
    occasion_list: String,
    occasions: Vec<Line>,
    on_occasions: Option<Line>,
    rows: Vec<UnitRow>,
    /// The heads of the columns by source, group and occasion of the rows' second table.
    origin_heads: Vec<String>,
    zero: Vec<(String, String)>,
}

pub(super) async fn admissions_page(s: Caller, chrome: Chrome, Query(p): Query<PeriodPageParams>) -> Result<Response, AppError> {
    let chrome = chrome.titled("Kết nạp đảng viên");
    let (mut form, q) = PeriodForm::start(&s, &p, "/reports/admissions").await?;
    let reader = s.reader()?;
    let report = match period_report(
        &mut form,
        q.as_ref(),
        async |q: &MovementQuery| reader.admission_report(q.request(s.today())).await,
        |form| AdmissionsPage { chrome: chrome.clone(), form, body: AdmissionsBody::default() },
    )
    .await?
    {
        Ok(r) => r,
        Err(page) => return Ok(page),
    };
    match p.format.as_str() {
        "csv" => return Ok(export::admissions_csv(&report)),
        "xlsx" => return Ok(export::admissions_xlsx(&report)),
        _ => {}
    }
    let Some(q) = q else { return Err(AppError::not_found()) };
    let q = super::effective(&q, report.first, report.last, report.structure);
    form.finish(&report.unit.name, &q, report.adjusted.as_ref());
    let body = body(&report, &q, &form, s.today());
    render(StatusCode::OK, &AdmissionsPage { chrome, form, body })
}

fn body(report: &AdmissionReport, q: &MovementQuery, form: &PeriodForm, today: chrono::NaiveDate) -> AdmissionsBody {
    let t = &report.total;
    let total = Drill::total(q.unit, q.structure);
    let list = |drill: &Drill, code: &str| admitted_list(drill, form, code, None);
    let line = |drill: &Drill, label: &str, n: u64, of: u64, code: &str| Line {
        label: label.to_owned(),
        count: format::number(n),
        share: format::percent(n as usize, of as usize),
        href: list(drill, code),
    };
    let mut bars = vec![("Kết nạp", t.admitted)];
    bars.extend(t.lines());
    AdmissionsBody {
        chart: bar_chart("Biểu đồ đảng viên được kết nạp theo đặc điểm", &bars),
        headline: headline(report),
        sentence: words::sentence(report),
        target: report.target.label.clone(),
        terms: term_views(&report.terms, &total, Some((form, q, today))),
        admitted_href: Some(list(&total, "ket-nap")),
        lines: t
            .lines_with_filters()
            .into_iter()
            .map(|(label, n, filter)| {
                let href = match &filter {
                    None => list(&total, "ket-nap-lai"),
                    Some((k, v)) => admitted_list(&total, form, "ket-nap", Some((k, v.as_str()))),
                };
                Line { label: label.to_owned(), count: format::number(n), share: format::percent(n as usize, t.admitted as usize), href }
            })
            .collect(),
        sources: report.sources.iter().map(|l| line(&total, &l.label, l.admitted, t.admitted, &codes::source_code(l.source))).collect(),
        groups: report
            .groups
            .iter()
            .map(|g| GroupView {
                line: line(&total, &g.label, g.admitted, t.admitted, &codes::group_code(g.group)),
                target: words::target_cell(g.target.as_ref()),
                progress: words::progress_cell(g.target.as_ref()),
            })
            .collect(),
        occasion_list: report.occasions.list.clone(),
        occasions: report
            .occasions
            .lines
            .iter()
            .map(|o| line(&total, &occasion_label(o), o.admitted, t.admitted, &codes::occasion_code(Some(&o.code))))
            .collect(),
        on_occasions: Some(line(
            &total,
            "Nhân các dịp lễ, kỷ niệm",
            report.occasions.on_occasions,
            t.admitted,
            &codes::occasion_code(None),
        )),
        origin_heads: origin_heads(report),
        rows: report
            .rows
            .iter()
            .zip(crate::picker::distinct_names(report.rows.iter().map(|r| (r.head.unit.as_ref().map(|u| u.id), r.head.label.as_str()))))
            .map(|(r, name)| unit_row(r, name, report, q, form))
            .collect(),
        zero: report.zero_admission.iter().map(|u| (u.name.clone(), format!("/units/{}", u.id))).collect(),
    }
}

fn unit_row(r: &AdmissionRow, name: String, report: &AdmissionReport, q: &MovementQuery, form: &PeriodForm) -> UnitRow {
    let pct = |n: u64| format::percent(n as usize, r.tally.admitted as usize);
    let drill = Drill::row(q.unit, q.structure, &r.head);
    let cell = |n: u64, code: &str| (format::number(n), admitted_list(&drill, form, code, None));
    let mut origins: Vec<(String, String)> = r.sources.iter().map(|l| cell(l.admitted, &codes::source_code(l.source))).collect();
    origins.extend(r.groups.iter().map(|g| cell(g.admitted, &codes::group_code(g.group))));
    origins.push(cell(r.on_occasions, &codes::occasion_code(None)));
    origins.extend(report.occasions.lines.iter().zip(&r.occasions).map(|(o, n)| cell(*n, &codes::occasion_code(Some(&o.code)))));
    UnitRow {
        name,
        href: r.head.unit.as_ref().map(|u| form.href(u.id, q.structure, "")),
        target: words::target_cell(r.target.as_ref()),
        progress: words::progress_cell(r.target.as_ref()),
        terms: term_views(&r.terms, &drill, None),
        admitted: format::number(r.tally.admitted),
        admitted_href: admitted_list(&drill, form, "ket-nap", None),
        women: pct(r.tally.women),
        youth_union: pct(r.tally.youth_union),
        up_to_30: pct(r.tally.up_to_30),
        college: pct(r.tally.college_or_higher),
        postgraduate: pct(r.tally.postgraduate),
        origins,
    }
}

/// The heads of the rows' columns by origin and occasion, in the order of [`UnitRow::origins`].
fn origin_heads(report: &AdmissionReport) -> Vec<String> {
    let mut heads: Vec<String> = report.sources.iter().map(|l| l.label.clone()).collect();
    heads.extend(report.groups.iter().map(|g| g.label.clone()));
    heads.push("Nhân dịp lễ, kỷ niệm".to_owned());
    heads.extend(report.occasions.lines.iter().map(|o| format!("Dịp {}", o.day_month)));
    heads
}

/// The terms in force, each with the members admitted in its days of the period and, for the
/// report's own unit, the report over the whole term.
fn term_views(
    terms: &[storage::TermProgress],
    drill: &Drill,
    whole: Option<(&PeriodForm, &MovementQuery, chrono::NaiveDate)>,
) -> Vec<TermView> {
    terms
        .iter()
        .map(|t| {
            let (from, to) = (format::date(t.counted_from), format::date(t.counted_to));
            let whole_term = whole.filter(|_| !t.whole_term).map(|(form, q, today)| {
                let end = t.cut_on.and_then(|c| c.pred_opt()).map_or(t.last, |c| c.min(t.last)).min(today);
                let (first, last) = (format::date(t.first), format::date(end));
                format::href(
                    form.path,
                    &[("unit", &q.unit.to_string()), ("from", &first), ("to", &last), ("structure", q.structure.code())],
                )
            });
            TermView { text: words::term_line(t), href: drill.href(&[("admitted", "ket-nap"), ("from", &from), ("to", &to)]), whole_term }
        })
        .collect()
}

/// "Ngày Quốc tế Phụ nữ (8/3)": an occasion with its day (the default names carry it already).
fn occasion_label(o: &storage::OccasionLine) -> String {
    crate::pages::admission::occasion_label(o)
}

/// The members of the report's total or of a row admitted in the period (`admitted`: one of the
/// `admitted` codes), with a filter of a line of the breakdown.
fn admitted_list(drill: &Drill, form: &PeriodForm, admitted: &str, filter: Option<(&str, &str)>) -> String {
    let mut pairs = vec![("admitted", admitted), ("from", form.from.as_str()), ("to", form.to.as_str())];
    pairs.extend(filter);
    drill.href(&pairs)
}

/// "Kết nạp 97 đảng viên, đạt 64% chỉ tiêu năm 2026 (150)", as committees write it.
fn headline(r: &AdmissionReport) -> String {
    let n = r.total.admitted;
    match (r.target.target, r.target.percent) {
        (Some(target), Some(_)) if target > 0 => format!(
            "Kết nạp {} đảng viên, đạt {} {} ({}).",
            format::number(n),
            format::percent(n as usize, target as usize),
            r.target.label,
            format::number(u64::from(target))
        ),
        _ => format!("Kết nạp {} đảng viên ({}).", format::number(n), r.target.label),
    }
}
