//! Statistics of the register (docs/design/statistics.md): the counts of a date (`counts`), the
//! movements of a period (`movements`, form 1-BTCTW) and the admissions of a period
//! (`admissions`), each a page with links to the members behind its numbers, a chart (`chart`) and
//! downloads (`export`: CSV and `.xlsx`). The two period reports share their form and parameters
//! (here). Every link is built by `format::href`.

mod admissions;
mod chart;
mod counts;
mod export;
mod movements;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use chrono::NaiveDate;
use domain::access::Capability;
use domain::ids::UnitId;
use domain::stats::Structure;
use storage::PeriodAdjustment;

use crate::error::AppError;
use crate::format;
use crate::forms;
use crate::policy::{Policy, Route};
use crate::query::reports::{MovementParams, MovementQuery};
use crate::respond::render;
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/reports/counts", Policy::Needs(Capability::ReadRegister), counts::counts_page),
        Route::get("/reports/movements", Policy::Needs(Capability::ReadRegister), movements::movements_page),
        Route::get("/reports/admissions", Policy::Needs(Capability::ReadRegister), admissions::admissions_page),
    ]
}

/// The member list behind the numbers of one report of `unit` (its total, or one of its rows),
/// by the report's structure: the list's `row` and `structure` filters count exactly as the
/// report does (`storage::ReportCell`).
struct Drill {
    unit: String,
    /// Empty for the report's total.
    row: String,
    structure: Structure,
}

impl Drill {
    /// The report's total.
    fn total(unit: UnitId, structure: Structure) -> Drill {
        Drill { unit: unit.to_string(), row: String::new(), structure }
    }

    /// One row of the report (`head` as the report gives it).
    fn row(unit: UnitId, structure: Structure, head: &storage::ReportRowHead) -> Drill {
        let row = match (head.group, &head.unit) {
            ("dissolved", _) => crate::query::ROW_DISSOLVED.to_owned(),
            (_, Some(u)) => u.id.to_string(),
            // The report's unit itself: its own members.
            _ => unit.to_string(),
        };
        Drill { unit: unit.to_string(), row, structure }
    }

    /// The member list with these filters added.
    fn href(&self, filters: &[(&str, &str)]) -> String {
        let structure = if self.structure == Structure::OfDate { "" } else { self.structure.code() };
        let mut pairs = vec![("unit", self.unit.as_str()), ("row", self.row.as_str()), ("structure", structure)];
        pairs.extend_from_slice(filters);
        format::href("/members", &pairs)
    }
}

/// The structure choices of the report forms: (code, label, selected).
fn structure_options(current: &str) -> Vec<(&'static str, &'static str, bool)> {
    let chosen = Structure::parse(current).unwrap_or_default();
    [(Structure::OfDate, "Cơ cấu tại thời điểm báo cáo"), (Structure::Current, "Cơ cấu hiện nay")]
        .into_iter()
        .map(|(s, label)| (s.code(), label, s == chosen))
        .collect()
}

/// The query of a period report's page: the report's parameters and the output format.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct PeriodPageParams {
    unit: String,
    from: String,
    to: String,
    structure: String,
    /// `csv` or `xlsx` for a download.
    format: String,
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
    /// Why the report differs from what was asked (a unit that did not stand for the whole
    /// period), in Vietnamese.
    adjusted_note: Option<String>,
    errors: Vec<String>,
    title: String,
    csv_href: String,
    xlsx_href: String,
    has_report: bool,
}

impl PeriodForm {
    /// The form as typed (the first unit of the tree when none is given) and the parsed query,
    /// or the errors to show.
    async fn start(s: &Caller, p: &PeriodPageParams, path: &'static str) -> Result<(PeriodForm, Option<MovementQuery>), AppError> {
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
        let unit = unit.to_string();
        format::href(
            self.path,
            &[("unit", &unit), ("from", &self.from), ("to", &self.to), ("structure", structure.code()), ("format", fmt)],
        )
    }

    /// Fills the title and links once the report is read: `q` is what the report covers (see
    /// [`effective`]), `adjusted` why it differs from what was asked.
    fn finish(&mut self, unit_name: &str, q: &MovementQuery, adjusted: Option<&PeriodAdjustment>) {
        if let Some(a) = adjusted {
            self.adjusted_note = Some(adjusted_note(unit_name, q, a));
            self.from = format::date(q.first);
            self.to = format::date(q.last);
            self.structures = structure_options(q.structure.code());
        }
        self.title = format!("{unit_name} — từ {} đến {}", self.from, self.to);
        self.structure_note = q.structure.label();
        self.csv_href = self.href(q.unit, q.structure, "csv");
        self.xlsx_href = self.href(q.unit, q.structure, "xlsx");
        self.has_report = true;
    }
}

/// What a period report covers: the query, with the period and structure the store used (they
/// differ for a unit that did not stand for the whole period).
fn effective(q: &MovementQuery, first: NaiveDate, last: NaiveDate, structure: Structure) -> MovementQuery {
    MovementQuery { unit: q.unit, first, last, structure }
}

/// The note of a report over a unit that did not stand for the whole period asked
/// (docs/design/statistics.md, "A unit that did not stand for the whole period").
fn adjusted_note(unit_name: &str, q: &MovementQuery, a: &PeriodAdjustment) -> String {
    let asked = format!("từ {} đến {}", format::date(a.asked_first), format::date(a.asked_last));
    match a.unit_to {
        None => format!(
            "{unit_name} được thành lập ngày {}, không tồn tại trong toàn bộ kỳ {asked}. Báo cáo lập theo cơ cấu tổ chức hiện nay cho cả kỳ:              đảng viên của các tổ chức tiền thân (hợp nhất, chia tách) được tính vào tổ chức hiện nay tiếp nối tổ chức của họ;              tổ chức đã chuyển sang nơi khác được tính ở nơi đó.",
            format::date(a.unit_from)
        ),
        Some(end) => {
            let current = if a.asked_structure == Structure::Current {
                " Tổ chức không còn tồn tại nên không thể nhóm theo cơ cấu hiện nay; báo cáo nhóm theo cơ cấu tại thời điểm báo cáo."
            } else {
                ""
            };
            format!(
                "{unit_name} chỉ tồn tại từ ngày {} đến hết ngày {}, không trong toàn bộ kỳ {asked}. Báo cáo chỉ tính phần kỳ tổ chức còn tồn tại: từ {} đến {}.{current}",
                format::date(a.unit_from),
                format::date(end.pred_opt().unwrap_or(end)),
                format::date(q.first),
                format::date(q.last),
            )
        }
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
        return Ok(Err(render(StatusCode::BAD_REQUEST, &page(std::mem::take(form)))?));
    };
    match read(q).await {
        Ok(r) => Ok(Ok(r)),
        Err(e) => {
            form.fail(forms::invalid(e)?);
            Ok(Err(render(StatusCode::UNPROCESSABLE_ENTITY, &page(std::mem::take(form)))?))
        }
    }
}
