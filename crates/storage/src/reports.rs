//! Statistics of the register (docs/design/statistics.md): the counts of a day, the movements and
//! the admissions of a period, read from the in-memory index (`index::reports`).

use async_trait::async_trait;
use chrono::NaiveDate;

use domain::ids::{MemberId, UnitId};
use domain::stats::{AgeBands, Structure};

use crate::admission::targets::case_facts;
use crate::error::{Result, StoreError};
use crate::index::{AdmissionContext, Index};
use crate::model::{
    AdmissionReport, AdmissionRow, CountsReport, MovementReport, OccasionLines, PeriodAdjustment, ReportRowHead, UnitSummary,
};
use crate::plans::Plans;
use crate::sql;
use crate::store::SqlStore;

mod plan;

use plan::{PlanReader, YearTargets};

/// A period of days, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// What a report is asked for: the unit, the day (a counts report) or the period (a movement or
/// an admission report) it covers, the structure its rows follow, and today in Vietnam, which
/// refuses later days and is the day of today's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportRequest<When = Period> {
    pub unit: UnitId,
    pub when: When,
    pub structure: Structure,
    pub today: NaiveDate,
}

/// The reports of the register's statistics.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// The members on the list of the unit on the day asked in every breakdown, for it and the
    /// units directly under it that day (errors: `in_future`, `unit_not_on_date`, NotFound).
    async fn counts_report(&self, request: ReportRequest<NaiveDate>, bands: &AgeBands) -> Result<CountsReport>;

    /// The movements of the unit's list over the period, both ends included (errors:
    /// `period_reversed`, `in_future`, `unit_not_on_date`, NotFound).
    async fn movement_report(&self, request: ReportRequest) -> Result<MovementReport>;

    /// The members admitted to the unit's list over the period (errors as
    /// [`movement_report`](Self::movement_report)).
    async fn admission_report(&self, request: ReportRequest) -> Result<AdmissionReport>;
}

#[async_trait]
impl ReportStore for SqlStore {
    async fn counts_report(&self, request: ReportRequest<NaiveDate>, bands: &AgeBands) -> Result<CountsReport> {
        let ReportRequest { unit, when: on, structure, today } = request;
        if on > today {
            return Err(StoreError::invalid("date", "in_future", "Ngày báo cáo không được sau hôm nay."));
        }
        self.refresh_index().await?;
        let index = self.index.read();
        let latest = index.unit_latest(unit).ok_or(StoreError::NotFound)?;
        let Some((total, rows)) = index.breakdown(unit, on, structure, today, bands) else {
            return Err(not_on_date(&latest.name, structure, on, today));
        };
        let shown_on = if structure == Structure::Current { today } else { on };
        let shown = index.unit_version_on(unit, shown_on).map(UnitSummary::from).ok_or(StoreError::NotFound)?;
        Ok(CountsReport {
            unit: shown,
            on,
            structure,
            age_bands: bands.labels(),
            total,
            children: rows.into_iter().map(|(r, b)| (ReportRowHead::from_row(r), b)).collect(),
        })
    }

    async fn movement_report(&self, request: ReportRequest) -> Result<MovementReport> {
        Self::check_period(request)?;
        self.refresh_index().await?;
        let index = self.index.read();
        let (request, adjusted) = Self::adjust_period(&index, request)?;
        let ReportRequest { unit, when: Period { first, last }, structure, today } = request;
        let shown = Self::period_unit(&index, request)?;
        let (total, rows) = index.movements(unit, first, last, structure, today).ok_or(StoreError::NotFound)?;
        Ok(MovementReport {
            unit: shown,
            first,
            last,
            structure,
            total,
            rows: rows.into_iter().map(|(r, m)| (ReportRowHead::from_row(r), m)).collect(),
            adjusted,
        })
    }

    async fn admission_report(&self, request: ReportRequest) -> Result<AdmissionReport> {
        Self::check_period(request)?;
        self.refresh_index().await?;
        let (request, adjusted) = Self::adjust_period(&self.index.read(), request)?;
        let ReportRequest { unit, when: Period { first, last }, structure, today } = request;
        let mut conn = self.db.reader().await?;
        let (first_year, last_year) = plan::years(first, last);
        let targets = YearTargets::new(sql::admission::targets_between(conn.as_mut(), first_year, last_year).await?);
        let plans = Plans::load(conn.as_mut()).await?;
        let cases = case_facts(self, conn.as_mut(), first, last.succ_opt().unwrap_or(last)).await?;
        drop(conn);
        let index = self.index.read();
        let shown = Self::period_unit(&index, request)?;
        let occasions = plans.occasions_for(&index, unit);
        let case_of = |m: MemberId| cases.get(&m).copied().unwrap_or_default();
        let context = AdmissionContext { case_of: &case_of, occasions: &occasions };
        let counted = index.admissions(unit, first, last, structure, today, &context).ok_or(StoreError::NotFound)?;
        let plan = PlanReader { targets: &targets, plans: &plans, index: &index, first, last };
        let every_day: Vec<NaiveDate> = counted.rows.iter().flat_map(|r| r.days.iter().copied()).collect();
        let rows = counted
            .rows
            .into_iter()
            .map(|r| {
                let head = ReportRowHead::from_row(r.row);
                let u = head.unit.as_ref().map(|u| u.id);
                AdmissionRow {
                    target: u.map(|u| plan.period_target(u, None, r.tally.admitted)),
                    terms: u.map(|u| plan.terms(u, &r.days)).unwrap_or_default(),
                    sources: plan::source_lines(&r.origins),
                    groups: plan.group_lines(u, &r.origins),
                    on_occasions: r.origins.on_occasion,
                    occasions: (0..occasions.items().len()).map(|i| r.origins.occasion(i)).collect(),
                    head,
                    tally: r.tally,
                }
            })
            .collect();
        Ok(AdmissionReport {
            unit: shown,
            first,
            last,
            structure,
            target: plan.period_target(unit, None, counted.total.admitted),
            terms: plan.terms(unit, &every_day),
            sources: plan::source_lines(&counted.origins),
            groups: plan.group_lines(Some(unit), &counted.origins),
            occasions: OccasionLines::of(&occasions, |i| counted.origins.occasion(i)),
            total: counted.total,
            rows,
            zero_admission: counted.zero.iter().map(UnitSummary::from).collect(),
            adjusted,
        })
    }
}

impl SqlStore {
    /// The checks every period report makes before reading the index.
    fn check_period(request: ReportRequest) -> Result<()> {
        let ReportRequest { when: Period { first, last }, today, .. } = request;
        if last < first {
            return Err(StoreError::invalid("to", "period_reversed", "Ngày cuối kỳ phải sau hoặc trùng ngày đầu kỳ."));
        }
        if last > today {
            return Err(StoreError::invalid("to", "in_future", "Ngày cuối kỳ không được sau hôm nay."));
        }
        Ok(())
    }

    /// A period report over a unit that did not stand for the whole period (by today's structure:
    /// that does not stand today) is not refused (docs/design/statistics.md, "A unit that did not
    /// stand for the whole period"): a unit standing today is reported by today's structure over
    /// the whole period; one that no longer stands, over the part of the period it stood, by the
    /// structure of each day. A unit that stood on none of the period's days is still refused
    /// (`unit_not_on_date`, from [`Self::period_unit`]).
    fn adjust_period(index: &Index, request: ReportRequest) -> Result<(ReportRequest, Option<PeriodAdjustment>)> {
        let ReportRequest { unit, when: Period { first, last }, structure, today } = request;
        if index.period_root(unit, first, last, structure, today).is_some() {
            return Ok((request, None));
        }
        let Some((unit_from, unit_to)) = index.unit_span(unit) else { return Err(StoreError::NotFound) };
        let adjusted = Some(PeriodAdjustment { asked_first: first, asked_last: last, asked_structure: structure, unit_from, unit_to });
        if unit_to.is_none() {
            return Ok((ReportRequest { structure: Structure::Current, ..request }, adjusted));
        }
        let stood_last = unit_to.and_then(|t| t.pred_opt()).unwrap_or(last);
        let clipped = Period { first: first.max(unit_from), last: last.min(stood_last) };
        if clipped.first > clipped.last {
            return Ok((request, None));
        }
        Ok((ReportRequest { when: clipped, structure: Structure::OfDate, ..request }, adjusted))
    }

    /// The unit as a period report shows it, or the error naming the day it did not stand.
    fn period_unit(index: &Index, request: ReportRequest) -> Result<UnitSummary> {
        let ReportRequest { unit, when: Period { first, last }, structure, today } = request;
        let latest = index.unit_latest(unit).ok_or(StoreError::NotFound)?;
        match index.period_root(unit, first, last, structure, today) {
            Some((_, shown_on)) => index.unit_version_on(unit, shown_on).map(UnitSummary::from).ok_or(StoreError::NotFound),
            None => {
                let missing = match structure {
                    Structure::OfDate if index.unit_version_on(unit, first).is_none() => first,
                    Structure::OfDate => last,
                    Structure::Current => today,
                };
                Err(not_on_date(&latest.name, structure, missing, today))
            }
        }
    }
}

/// The error of a report on a unit that did not stand on the day asked (by today's structure:
/// that no longer stands).
fn not_on_date(name: &str, structure: Structure, on: NaiveDate, today: NaiveDate) -> StoreError {
    let msg = match structure {
        Structure::OfDate => format!("{name} không tồn tại vào ngày {}.", domain::dates::format_vn(on)),
        Structure::Current => format!(
            "{name} không còn tồn tại vào ngày {} nên không thể nhóm theo cơ cấu hiện nay; hãy chọn cơ cấu tại thời điểm báo cáo.",
            domain::dates::format_vn(today)
        ),
    };
    StoreError::invalid("date", "unit_not_on_date", msg)
}
