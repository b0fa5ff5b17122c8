//! The workbook given back after a dry run: the rows as they were read, an error column
//! added, the cells in error highlighted, the header bold and frozen.

use chrono::{Datelike, NaiveDateTime, Timelike};
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet};

use crate::WriteError;

/// Excel's own limits on a worksheet.
const MAX_ROWS: usize = 1_048_576;
const MAX_COLUMNS: usize = 16_384;
const MAX_NAME: usize = 31;
/// Columns are fitted to their content on sheets up to this many rows (fitting reads every
/// cell again; on bigger sheets the default width is kept).
const AUTOFIT_ROWS: usize = 20_000;

/// One sheet to write.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetOut {
    /// Made valid for Excel (31 characters, no `[]:*?/\`, unique) when it is not.
    pub name: String,
    /// Rows from the top of the sheet: `rows[0]` is row 1.
    pub rows: Vec<Vec<CellOut>>,
    /// 0-based index in `rows` of the header row: written bold, and the rows down to it frozen.
    pub header_row: Option<usize>,
    /// Cells to highlight (0-based, as in `rows`).
    pub highlight: Vec<Position>,
}

/// A 0-based cell position in [`SheetOut::rows`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub row: usize,
    pub column: usize,
}

/// One value to write.
#[derive(Debug, Clone, PartialEq)]
pub enum CellOut {
    Empty,
    Text(String),
    Number(f64),
    /// Shown as dd/mm/yyyy (with hh:mm when the time is not midnight).
    Date(NaiveDateTime),
}

/// Writes the sheets as one xlsx workbook.
pub fn write_xlsx(sheets: &[SheetOut]) -> Result<Vec<u8>, WriteError> {
    let mut workbook = Workbook::new();
    let formats = Formats::new();
    let mut used_names: Vec<String> = Vec::new();
    for (index, sheet) in sheets.iter().enumerate() {
        check_size(sheet)?;
        let name = sheet_name(&sheet.name, index, &used_names);
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(&name)?;
        used_names.push(name);
        write_sheet(worksheet, sheet, &formats)?;
    }
    if sheets.is_empty() {
        workbook.add_worksheet();
    }
    Ok(workbook.save_to_buffer()?)
}

struct Formats {
    header: Format,
    highlight: Format,
    highlight_header: Format,
    date: Format,
    date_time: Format,
    highlight_date: Format,
    highlight_date_time: Format,
}

impl Formats {
    fn new() -> Self {
        // Excel's "Bad" cell style: dark red on light red.
        let highlight = Format::new()
            .set_background_color(Color::RGB(0xFFC7CE))
            .set_font_color(Color::RGB(0x9C0006))
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0x9C0006));
        let date = "dd/mm/yyyy";
        let date_time = "dd/mm/yyyy hh:mm";
        Self {
            header: Format::new().set_bold(),
            highlight_header: highlight.clone().set_bold(),
            date: Format::new().set_num_format(date),
            date_time: Format::new().set_num_format(date_time),
            highlight_date: highlight.clone().set_num_format(date),
            highlight_date_time: highlight.clone().set_num_format(date_time),
            highlight,
        }
    }

    fn pick(&self, header: bool, highlighted: bool, cell: &CellOut) -> Option<&Format> {
        let timed = matches!(cell, CellOut::Date(at) if at.time() != chrono::NaiveTime::MIN);
        let dated = matches!(cell, CellOut::Date(_));
        match (highlighted, header, dated, timed) {
            (true, _, true, true) => Some(&self.highlight_date_time),
            (true, _, true, false) => Some(&self.highlight_date),
            (true, true, false, _) => Some(&self.highlight_header),
            (true, false, false, _) => Some(&self.highlight),
            (false, _, true, true) => Some(&self.date_time),
            (false, _, true, false) => Some(&self.date),
            (false, true, false, _) => Some(&self.header),
            (false, false, false, _) => None,
        }
    }
}

fn check_size(sheet: &SheetOut) -> Result<(), WriteError> {
    if sheet.rows.len() > MAX_ROWS {
        return Err(WriteError::TooManyRows { sheet: sheet.name.clone(), rows: sheet.rows.len(), limit: MAX_ROWS });
    }
    let columns = sheet.rows.iter().map(Vec::len).max().unwrap_or(0);
    if columns > MAX_COLUMNS {
        return Err(WriteError::TooManyColumns { sheet: sheet.name.clone(), columns, limit: MAX_COLUMNS });
    }
    Ok(())
}

fn write_sheet(worksheet: &mut Worksheet, sheet: &SheetOut, formats: &Formats) -> Result<(), WriteError> {
    let mut highlight = sheet.highlight.clone();
    highlight.sort_unstable();
    // Both bounds were checked against Excel's limits, which fit u32 rows and u16 columns.
    for (row_index, row) in sheet.rows.iter().enumerate() {
        let header = sheet.header_row == Some(row_index);
        let row_number = u32::try_from(row_index).unwrap_or(u32::MAX);
        for (column_index, cell) in row.iter().enumerate() {
            let column = u16::try_from(column_index).unwrap_or(u16::MAX);
            let at = Position { row: row_index, column: column_index };
            let highlighted = highlight.binary_search(&at).is_ok();
            let format = formats.pick(header, highlighted, cell);
            write_cell(worksheet, row_number, column, cell, format)?;
        }
    }
    // Highlighted positions past a row's last value (an error on a missing cell) still show.
    for at in &highlight {
        let present = sheet.rows.get(at.row).is_some_and(|row| at.column < row.len());
        if !present && at.row < MAX_ROWS && at.column < MAX_COLUMNS {
            let header = sheet.header_row == Some(at.row);
            let format = formats.pick(header, true, &CellOut::Empty);
            let row = u32::try_from(at.row).unwrap_or(u32::MAX);
            let column = u16::try_from(at.column).unwrap_or(u16::MAX);
            write_cell(worksheet, row, column, &CellOut::Empty, format)?;
        }
    }
    if let Some(header) = sheet.header_row
        && header < sheet.rows.len()
    {
        let below = u32::try_from(header + 1).unwrap_or(u32::MAX);
        worksheet.set_freeze_panes(below, 0)?;
    }
    if sheet.rows.len() <= AUTOFIT_ROWS {
        worksheet.set_autofit_max_width(400);
        worksheet.autofit();
    }
    Ok(())
}

fn write_cell(worksheet: &mut Worksheet, row: u32, column: u16, cell: &CellOut, format: Option<&Format>) -> Result<(), WriteError> {
    match (cell, format) {
        (CellOut::Empty, None) => {}
        (CellOut::Empty, Some(format)) => {
            worksheet.write_blank(row, column, format)?;
        }
        (CellOut::Text(text), None) => {
            worksheet.write_string(row, column, text)?;
        }
        (CellOut::Text(text), Some(format)) => {
            worksheet.write_string_with_format(row, column, text, format)?;
        }
        (CellOut::Number(number), None) => {
            worksheet.write_number(row, column, *number)?;
        }
        (CellOut::Number(number), Some(format)) => {
            worksheet.write_number_with_format(row, column, *number, format)?;
        }
        (CellOut::Date(at), format) => match excel_date(at) {
            Some(date) => {
                let format = format.cloned().unwrap_or_default();
                worksheet.write_datetime_with_format(row, column, date, &format)?;
            }
            // Excel shows no date before 1900 or after 9999: written as text instead.
            None => {
                let text = at.format("%d/%m/%Y").to_string();
                match format {
                    Some(format) => worksheet.write_string_with_format(row, column, text, format)?,
                    None => worksheet.write_string(row, column, text)?,
                };
            }
        },
    }
    Ok(())
}

fn excel_date(at: &NaiveDateTime) -> Option<ExcelDateTime> {
    let year = u16::try_from(at.year()).ok().filter(|y| (1900..=9999).contains(y))?;
    let month = u8::try_from(at.month()).ok()?;
    let day = u8::try_from(at.day()).ok()?;
    let hour = u16::try_from(at.hour()).ok()?;
    let minute = u8::try_from(at.minute()).ok()?;
    let second = f64::from(at.second());
    ExcelDateTime::from_ymd(year, month, day).and_then(|date| date.and_hms(hour, minute, second)).ok()
}

/// A valid, unique worksheet name for `wanted`.
fn sheet_name(wanted: &str, index: usize, used: &[String]) -> String {
    let cleaned: String = wanted.chars().map(|c| if "[]:*?/\\".contains(c) || c.is_control() { '_' } else { c }).collect();
    let cleaned = cleaned.trim().trim_matches('\'').trim();
    let base = if cleaned.is_empty() { format!("Trang {}", index + 1) } else { cleaned.to_owned() };
    let taken = |name: &str| used.iter().any(|u| u.to_lowercase() == name.to_lowercase());
    let mut attempt = 1usize;
    loop {
        let suffix = if attempt == 1 { String::new() } else { format!(" ({attempt})") };
        let room = MAX_NAME.saturating_sub(suffix.chars().count());
        let candidate: String = base.chars().take(room).collect::<String>() + &suffix;
        if !taken(&candidate) {
            return candidate;
        }
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_made_valid_and_unique() {
        let used = vec!["Đảng viên".to_owned()];
        assert_eq!(sheet_name("Đảng viên", 1, &used), "Đảng viên (2)");
        assert_eq!(sheet_name("a/b:c", 0, &[]), "a_b_c");
        assert_eq!(sheet_name("  ", 2, &[]), "Trang 3");
        let long = "Danh sách đảng viên của Đảng bộ xã Tân Phú";
        assert_eq!(sheet_name(long, 0, &[]).chars().count(), MAX_NAME);
    }
}
