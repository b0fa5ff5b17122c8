//! The parameters of the register export, shared by the page's download and `/api/v1/export`.

use chrono::NaiveDate;
use domain::ValidationErrors;
use domain::ids::UnitId;
use serde::Deserialize;

use super::{parse_flag, parse_query_date};
use crate::register_file::FileFormat;

/// Query parameters of an export.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// The subtree's root: a unit id (required).
    #[param(required = true, value_type = i64, minimum = 1)]
    pub unit: String,
    /// The day the register is taken as of; today when absent (a day after today is a 422).
    #[param(value_type = Option<super::QueryDate>)]
    pub date: String,
    /// `xlsx` (the default: sheets "Đảng viên", "Tổ chức", "Ghi chú") or `csv` (one sheet, see `sheet`).
    #[param(value_type = Option<String>, pattern = "^(xlsx|csv)$")]
    pub format: String,
    /// For `csv`: `members` (the default) or `units`.
    #[param(value_type = Option<String>, pattern = "^(members|units)$")]
    pub sheet: String,
    /// `1`, `true` or `on`: also the members who left their last chi bộ in the subtree before the day.
    #[param(value_type = Option<bool>)]
    pub departed: String,
}

/// Which sheet a CSV holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvSheet {
    Members,
    Units,
}

/// The parsed export parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportQuery {
    pub unit: UnitId,
    pub on: NaiveDate,
    pub format: FileFormat,
    pub sheet: CsvSheet,
    pub departed: bool,
}

impl ExportParams {
    /// The parsed parameters; every problem at once.
    pub fn parse(&self, today: NaiveDate) -> Result<ExportQuery, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let unit = if self.unit.trim().is_empty() {
            e.push("unit", "required", "Chọn tổ chức.");
            None
        } else {
            e.take("unit", domain::event::parse_unit_id(&self.unit))
        };
        let on = e.take("date", parse_query_date(&self.date)).map(|d| d.unwrap_or(today));
        if on.is_some_and(|d| d > today) {
            e.push("date", "in_future", "Ngày xuất sổ không được sau hôm nay.");
        }
        let format = FileFormat::parse(&self.format);
        if format.is_none() {
            e.push("format", "invalid_format", "Định dạng tệp là xlsx hoặc csv.");
        }
        let sheet = match self.sheet.trim() {
            "" | "members" => Some(CsvSheet::Members),
            "units" => Some(CsvSheet::Units),
            _ => {
                e.push("sheet", "invalid_format", "Bảng CSV là members (đảng viên) hoặc units (tổ chức).");
                None
            }
        };
        match (unit, on, format, sheet) {
            (Some(unit), Some(on), Some(format), Some(sheet)) if e.is_empty() => {
                Ok(ExportQuery { unit, on, format, sheet, departed: parse_flag(&self.departed) })
            }
            _ => Err(e),
        }
    }
}
