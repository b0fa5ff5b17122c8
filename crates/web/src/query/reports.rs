//! The parameters of the reports, shared by the report pages and `/api/v1/reports`: the counts
//! of a date and the reports of a period (movements, admissions).

use chrono::{Datelike, NaiveDate};
use domain::ValidationErrors;
use domain::ids::UnitId;
use domain::stats::{AgeBands, Structure};
use serde::Deserialize;
use storage::{Period, ReportRequest};

use super::parse_query_date;

/// Query parameters of the counts report.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CountsParams {
    /// Unit id (required).
    #[param(required = true, value_type = i64, minimum = 1)]
    pub unit: String,
    /// The report date; today when absent.
    #[param(value_type = Option<super::QueryDate>)]
    pub date: String,
    /// Upper bounds of the age bands, e.g. `30,35,40,45,50,55,60` (the default): 1 to 20
    /// numbers from 18 to 100, increasing (bounds not increasing are a 422).
    #[param(value_type = Option<super::AgeBandsText>)]
    pub age_bands: String,
    /// `of_date` (the tree as it stood on the date, the default) or `current` (today's tree,
    /// dissolved units regrouped into their successors).
    #[param(value_type = Option<Structure>)]
    pub structure: String,
}

/// The parsed counts parameters.
pub struct CountsQuery {
    pub unit: UnitId,
    pub on: NaiveDate,
    pub bands: AgeBands,
    pub structure: Structure,
}

fn unit_param(e: &mut ValidationErrors, unit: &str) -> Option<UnitId> {
    if unit.trim().is_empty() {
        e.push("unit", "required", "Chọn tổ chức.");
        None
    } else {
        e.take("unit", domain::event::parse_unit_id(unit))
    }
}

fn date_param(e: &mut ValidationErrors, field: &'static str, value: &str, default: NaiveDate) -> Option<NaiveDate> {
    e.take(field, parse_query_date(value)).map(|d| d.unwrap_or(default))
}

impl CountsQuery {
    /// The report asked for, read on `today`.
    pub fn request(&self, today: NaiveDate) -> ReportRequest<NaiveDate> {
        ReportRequest { unit: self.unit, when: self.on, structure: self.structure, today }
    }
}

impl CountsParams {
    /// The parsed parameters; every problem at once.
    pub fn parse(&self, today: NaiveDate) -> Result<CountsQuery, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let unit = unit_param(&mut e, &self.unit);
        let on = date_param(&mut e, "date", &self.date, today);
        let bands = if self.age_bands.trim().is_empty() {
            Some(AgeBands::default())
        } else {
            e.take("age_bands", AgeBands::parse(&self.age_bands))
        };
        let structure = e.take("structure", Structure::parse(&self.structure));
        match (unit, on, bands, structure) {
            (Some(unit), Some(on), Some(bands), Some(structure)) if e.is_empty() => Ok(CountsQuery { unit, on, bands, structure }),
            _ => Err(e),
        }
    }
}

/// Query parameters of the reports of a period (movements, admissions).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct MovementParams {
    /// Unit id (required).
    #[param(required = true, value_type = i64, minimum = 1)]
    pub unit: String,
    /// First day of the period; 1 January of this year when absent.
    #[param(value_type = Option<super::QueryDate>)]
    pub from: String,
    /// Last day of the period (included); today when absent.
    #[param(value_type = Option<super::QueryDate>)]
    pub to: String,
    /// `of_date` (the tree as it stood on each day, the default) or `current` (today's tree).
    #[param(value_type = Option<Structure>)]
    pub structure: String,
}

/// The parsed parameters of a period report.
pub struct MovementQuery {
    pub unit: UnitId,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub structure: Structure,
}

impl MovementQuery {
    /// The report asked for, read on `today`.
    pub fn request(&self, today: NaiveDate) -> ReportRequest {
        ReportRequest { unit: self.unit, when: Period { first: self.first, last: self.last }, structure: self.structure, today }
    }
}

impl MovementParams {
    /// The parsed parameters; every problem at once.
    pub fn parse(&self, today: NaiveDate) -> Result<MovementQuery, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let unit = unit_param(&mut e, &self.unit);
        let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
        let first = date_param(&mut e, "from", &self.from, year_start);
        let last = date_param(&mut e, "to", &self.to, today);
        let structure = e.take("structure", Structure::parse(&self.structure));
        match (unit, first, last, structure) {
            (Some(unit), Some(first), Some(last), Some(structure)) if e.is_empty() => Ok(MovementQuery { unit, first, last, structure }),
            _ => Err(e),
        }
    }
}
