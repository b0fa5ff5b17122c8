//! The register export as files (docs/formats/register.md), written a batch of rows at a time:
//! a workbook (`.xlsx`, sheets "Đảng viên", "Tổ chức", "Ghi chú"; the member sheet in
//! rust_xlsxwriter's constant-memory mode, so 500.000 rows never sit in memory as cells) and
//! CSV (`crate::csv`'s rules: UTF-8 with a byte-order mark, one header row, CRLF; dates
//! `dd/mm/yyyy` as the importer's readers and people expect them in this file).
//!
//! The cells are those of `domain::interchange::export`: dates as real date cells in the
//! workbook, identifiers as text (a CCCD keeps its leading zeros), lists as their labels.

use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use domain::interchange::export::{CARRIED, Cell, MEMBER_SHEET, NOT_CARRIED, NOTE_SHEET, UNIT_SHEET, member_cells, unit_cells};
use domain::interchange::record::{MemberRecord, UnitRecord};
use domain::interchange::{Column, UnitColumn};

use axum::http::header;
use axum::response::{IntoResponse, Response};
use storage::access::Access;
use storage::export::{ExportRequest, batches};

use crate::csv::{Csv, Value};
use crate::error::AppError;
use crate::format;
use crate::query::export::{CsvSheet, ExportQuery};

/// The file formats of the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Xlsx,
    Csv,
}

impl FileFormat {
    pub fn parse(s: &str) -> Option<FileFormat> {
        match s.trim() {
            "" | "xlsx" => Some(FileFormat::Xlsx),
            "csv" => Some(FileFormat::Csv),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            FileFormat::Xlsx => "xlsx",
            FileFormat::Csv => "csv",
        }
    }
}

/// What the note sheet says about the file.
#[derive(Debug, Clone)]
pub struct About {
    /// The subtree's root: its name and code.
    pub unit_name: String,
    pub unit_code: String,
    pub units: usize,
    pub on: NaiveDate,
    pub active: usize,
    /// Members who left, when they were asked for.
    pub departed: Option<usize>,
    pub outside_scope: usize,
    pub made_at: DateTime<Utc>,
    pub made_by: String,
}

impl About {
    /// The note of `plan`, made by `made_by` at `made_at`.
    pub fn of(plan: &storage::export::ExportPlan, made_by: &str, made_at: DateTime<Utc>) -> About {
        let root = plan.root();
        About {
            unit_name: root.map(|r| r.name.clone()).unwrap_or_default(),
            unit_code: root.map(|r| r.code.as_str().to_owned()).unwrap_or_default(),
            units: plan.units.len(),
            on: plan.request.on,
            active: plan.active(),
            departed: plan.request.departed.then(|| plan.members.len() - plan.active()),
            outside_scope: plan.outside_scope,
            made_at,
            made_by: made_by.to_owned(),
        }
    }

    /// The note's lines, in Vietnamese.
    pub fn lines(&self) -> Vec<String> {
        let made = self.made_at + chrono::Duration::hours(7);
        let mut lines = vec![
            "SỔ ĐẢNG VIÊN — TỆP XUẤT TỪ DANGVU".to_owned(),
            format!("Phạm vi: {} (mã {}) và các tổ chức trực thuộc: {} tổ chức.", self.unit_name, self.unit_code, self.units),
            format!("Tính đến ngày: {}.", format::date(self.on)),
            format!("Đảng viên đang sinh hoạt (dự bị, chính thức, miễn sinh hoạt): {}.", self.active),
        ];
        if let Some(n) = self.departed {
            lines.push(format!(
                "Đảng viên đã rời chi bộ cuối cùng của họ trong phạm vi trước ngày trên (chuyển đi, từ trần, ra khỏi Đảng, xóa tên, khai trừ): {n}."
            ));
        }
        if self.outside_scope > 0 {
            lines.push(format!(
                "{} đảng viên có tên trong danh sách ngày đó nhưng hồ sơ nay thuộc tổ chức ngoài phạm vi của người lập: không xuất.",
                self.outside_scope
            ));
        }
        lines.push(format!("Lập lúc: {} (giờ Việt Nam), người lập: {}.", made.format("%d/%m/%Y %H:%M"), self.made_by));
        lines.push(String::new());
        lines.push(CARRIED.to_owned());
        lines.push(String::new());
        lines.push("Không có trong tệp:".to_owned());
        lines.extend(NOT_CARRIED.iter().map(|l| format!("– {l}")));
        lines.push(String::new());
        lines.push("Bố cục các cột và giá trị: tài liệu docs/formats/register.md của dangvu.".to_owned());
        lines
    }
}

/// The file name of an export (ASCII: the unit's code and the day).
pub fn file_stem(unit_code: &str, on: NaiveDate) -> String {
    let code: String = unit_code.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    format!("so-dang-vien-{code}-{}", on.format("%Y-%m-%d"))
}

/// The workbook being written: rows go straight to the member sheet's temporary file.
pub struct XlsxExport {
    book: Workbook,
    next_row: u32,
    number: u64,
    date: Format,
}

/// The formats of a register workbook.
fn header_format() -> Format {
    Format::new().set_bold().set_background_color(Color::RGB(0xE8_EE_F4)).set_border(FormatBorder::Thin).set_text_wrap()
}

fn date_format() -> Format {
    Format::new().set_num_format("dd/mm/yyyy")
}

impl XlsxExport {
    pub fn new() -> Result<XlsxExport, XlsxError> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet_with_constant_memory()?;
        sheet.set_name(MEMBER_SHEET)?;
        let headers: Vec<&str> = Column::ALL.iter().map(|c| c.header()).collect();
        start_sheet(sheet, &headers)?;
        Ok(XlsxExport { book, next_row: 1, number: 0, date: date_format() })
    }

    /// Appends member rows (register order, numbered on).
    pub fn members(&mut self, rows: &[MemberRecord]) -> Result<(), XlsxError> {
        let sheet = self.book.worksheet_from_index(0)?;
        for r in rows {
            self.number += 1;
            write_row(sheet, self.next_row, member_cells(self.number, r), &self.date)?;
            self.next_row += 1;
        }
        Ok(())
    }

    /// Adds the unit and note sheets and returns the workbook's bytes.
    pub fn finish(mut self, units: &[UnitRecord], about: &About) -> Result<Vec<u8>, XlsxError> {
        let sheet = self.book.add_worksheet_with_constant_memory()?;
        sheet.set_name(UNIT_SHEET)?;
        let headers: Vec<&str> = UnitColumn::ALL.iter().map(|c| c.header()).collect();
        start_sheet(sheet, &headers)?;
        for (i, u) in units.iter().enumerate() {
            write_row(sheet, i as u32 + 1, unit_cells(u), &self.date)?;
        }
        let note = self.book.add_worksheet();
        note.set_name(NOTE_SHEET)?;
        note.set_column_width(0, 120)?;
        let bold = Format::new().set_bold();
        for (i, line) in about.lines().iter().enumerate() {
            if i == 0 {
                note.write_string_with_format(0, 0, line, &bold)?;
            } else {
                note.write_string(i as u32, 0, line)?;
            }
        }
        self.book.save_to_buffer()
    }
}

/// The header row (row 1, frozen) and the column widths.
fn start_sheet(sheet: &mut Worksheet, headers: &[&str]) -> Result<(), XlsxError> {
    let head = header_format();
    for (c, h) in headers.iter().enumerate() {
        sheet.set_column_width(c as u16, if c == 0 { 6 } else { 18 })?;
        sheet.write_string_with_format(0, c as u16, *h, &head)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_row(sheet: &mut Worksheet, row: u32, cells: Vec<Cell>, date: &Format) -> Result<(), XlsxError> {
    for (c, cell) in cells.into_iter().enumerate() {
        let c = c as u16;
        match cell {
            Cell::Empty => {}
            Cell::Text(t) => {
                sheet.write_string(row, c, t)?;
            }
            Cell::Number(n) => {
                sheet.write_number(row, c, n as f64)?;
            }
            Cell::Date(d) => {
                sheet.write_datetime_with_format(row, c, excel_date(d)?, date)?;
            }
        }
    }
    Ok(())
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    let year = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(format::date(d)))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8)
}

/// The member sheet as CSV, written to `out` a batch at a time.
pub struct CsvExport<W: Write> {
    out: W,
    csv: Csv,
    number: u64,
}

impl<W: Write> CsvExport<W> {
    pub fn new(out: W) -> std::io::Result<CsvExport<W>> {
        let headers: Vec<&str> = Column::ALL.iter().map(|c| c.header()).collect();
        let mut export = CsvExport { out, csv: Csv::new(&headers), number: 0 };
        export.flush()?;
        Ok(export)
    }

    pub fn members(&mut self, rows: &[MemberRecord]) -> std::io::Result<()> {
        for r in rows {
            self.number += 1;
            let cells = member_cells(self.number, r);
            let texts: Vec<String> = cells.iter().map(csv_text).collect();
            self.csv.row(cells.iter().zip(&texts).map(|(c, t)| csv_value(c, t)));
        }
        self.flush()
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.write_all(self.csv.take().as_bytes())
    }

    pub fn finish(mut self) -> std::io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// The unit sheet as CSV.
pub fn units_csv(units: &[UnitRecord]) -> String {
    let headers: Vec<&str> = UnitColumn::ALL.iter().map(|c| c.header()).collect();
    let mut csv = Csv::new(&headers);
    for u in units {
        let cells = unit_cells(u);
        let texts: Vec<String> = cells.iter().map(csv_text).collect();
        csv.row(cells.iter().zip(&texts).map(|(c, t)| csv_value(c, t)));
    }
    csv.into_string()
}

/// A date's text in this file (`dd/mm/yyyy`); other cells need none.
fn csv_text(cell: &Cell) -> String {
    match cell {
        Cell::Date(d) => format::date(*d),
        _ => String::new(),
    }
}

fn csv_value<'a>(cell: &'a Cell, text: &'a str) -> Value<'a> {
    match cell {
        Cell::Empty => Value::Empty,
        Cell::Text(t) => Value::Text(t),
        Cell::Number(n) => Value::Count(*n),
        Cell::Date(_) => Value::Raw(text),
    }
}

/// The export asked for by `q`, as a download: the plan is read through the caller's scope
/// (a unit outside it: 404) and audited, then the rows a batch at a time into the file.
pub async fn download(access: &Access, q: &ExportQuery) -> Result<Response, AppError> {
    let exporter = access.exporter()?;
    let format = match (q.format, q.sheet) {
        (FileFormat::Xlsx, _) => "xlsx",
        (FileFormat::Csv, CsvSheet::Members) => "csv",
        (FileFormat::Csv, CsvSheet::Units) => "csv-units",
    };
    let request = ExportRequest { root: q.unit, on: q.on, departed: q.departed };
    let plan = exporter.plan(request, format).await?;
    let code = plan.root().map(|r| r.code.as_str().to_owned()).unwrap_or_default();
    let stem = file_stem(&code, q.on);
    let internal = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "cannot write the register export");
        AppError::internal()
    };
    match (q.format, q.sheet) {
        (FileFormat::Xlsx, _) => {
            let mut book = XlsxExport::new().map_err(|e| internal(&e))?;
            for batch in batches(&plan) {
                book.members(&exporter.rows(&plan, batch).await?).map_err(|e| internal(&e))?;
            }
            let about = About::of(&plan, &access.principal().username, access.now());
            let bytes = book.finish(&plan.units, &about).map_err(|e| internal(&e))?;
            Ok(attachment("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &format!("{stem}.xlsx"), bytes))
        }
        (FileFormat::Csv, CsvSheet::Members) => {
            let mut csv = CsvExport::new(Vec::new()).map_err(|e| internal(&e))?;
            for batch in batches(&plan) {
                csv.members(&exporter.rows(&plan, batch).await?).map_err(|e| internal(&e))?;
            }
            let bytes = csv.finish().map_err(|e| internal(&e))?;
            Ok(attachment("text/csv; charset=utf-8", &format!("{stem}.csv"), bytes))
        }
        (FileFormat::Csv, CsvSheet::Units) => {
            Ok(attachment("text/csv; charset=utf-8", &format!("{stem}-to-chuc.csv"), units_csv(&plan.units).into_bytes()))
        }
    }
}

fn attachment(content_type: &str, file_name: &str, bytes: Vec<u8>) -> Response {
    (
        [(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\""))],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_ascii() {
        let on = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        assert_eq!(file_stem("TP-01", on), "so-dang-vien-TP-01-2025-12-31");
        assert_eq!(file_stem("Đ 1", on), "so-dang-vien-__1-2025-12-31");
    }

    #[test]
    fn formats_parse() {
        assert_eq!(FileFormat::parse(""), Some(FileFormat::Xlsx));
        assert_eq!(FileFormat::parse("csv"), Some(FileFormat::Csv));
        assert_eq!(FileFormat::parse("ods"), None);
    }
}
