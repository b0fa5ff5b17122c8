//! `/reports/admissions`: the members admitted in a period in the published breakdown, per unit
//! under it, against the year's targets, and the grassroots organizations that admitted nobody.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use storage::AdmissionReport;

use super::chart::bar_chart;
use super::{Drill, PeriodForm, PeriodPageParams, export, period_report};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::Query;
use crate::format;
use crate::query::reports::MovementQuery;
use crate::respond::render;
use crate::session::Caller;

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
    /// The members admitted in the row.
    admitted_href: String,
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
    let t = &report.total;
    let total = Drill::total(q.unit, q.structure);
    let mut bars = vec![("Kết nạp", t.admitted)];
    bars.extend(t.lines());
    let body = AdmissionsBody {
        chart: bar_chart("Biểu đồ đảng viên được kết nạp theo đặc điểm", &bars),
        headline: admission_headline(&report),
        admitted_href: Some(admitted_list(&total, &form, "ket-nap", None)),
        lines: t
            .lines_with_filters()
            .into_iter()
            .map(|(label, n, filter)| {
                let href = match &filter {
                    None => admitted_list(&total, &form, "ket-nap-lai", None),
                    Some((k, v)) => admitted_list(&total, &form, "ket-nap", Some((k, v.as_str()))),
                };
                AdmissionLine { label, count: format::number(n), share: format::percent(n as usize, t.admitted as usize), href: Some(href) }
            })
            .collect(),
        has_targets: report.target_year.is_some(),
        rows: report
            .rows
            .iter()
            .zip(crate::picker::distinct_names(report.rows.iter().map(|r| (r.head.unit.as_ref().map(|u| u.id), r.head.label.as_str()))))
            .map(|(r, name)| {
                let pct = |n: u64| format::percent(n as usize, r.tally.admitted as usize);
                AdmissionUnitRow {
                    name,
                    href: r.head.unit.as_ref().map(|u| form.href(u.id, q.structure, "")),
                    target: r.target.map_or_else(|| "–".to_owned(), |t| format::number(u64::from(t))),
                    admitted: format::number(r.tally.admitted),
                    admitted_href: admitted_list(&Drill::row(q.unit, q.structure, &r.head), &form, "ket-nap", None),
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
    render(StatusCode::OK, &AdmissionsPage { chrome, form, body })
}

/// The members of the report's total or of a row admitted in the period (`admitted`: `ket-nap`
/// or `ket-nap-lai`), with a filter of a line of the breakdown.
fn admitted_list(drill: &Drill, form: &PeriodForm, admitted: &str, filter: Option<(&str, &str)>) -> String {
    let mut pairs = vec![("admitted", admitted), ("from", form.from.as_str()), ("to", form.to.as_str())];
    pairs.extend(filter);
    drill.href(&pairs)
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
