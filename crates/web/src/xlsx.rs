//! Report downloads as `.xlsx`: one workbook of titled sheets, a bold header row with
//! Vietnamese column names, numbers stored as numbers (so sums work in the spreadsheet) with a
//! thousands format, shares as percentages, frozen headers and sized columns.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// One cell of a sheet.
pub enum Cell {
    Text(String),
    Count(u64),
    /// A share between 0 and 1, shown as a percentage with one decimal.
    Share(Option<f64>),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn share(part: u64, whole: u64) -> Cell {
        Cell::Share((whole > 0).then(|| part as f64 / whole as f64))
    }
}

/// One sheet: a title line, the header row, the rows.
pub struct Sheet {
    /// At most 31 characters (the format's limit), no `[]:*?/\`.
    pub name: String,
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Rows (by index) shown in bold: section titles and totals.
    pub bold_rows: Vec<usize>,
}

/// A header row from its column names.
pub fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// The workbook's bytes.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let title = Format::new().set_bold().set_font_size(13);
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xE8_EE_F4))
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let count = Format::new().set_num_format("#,##0").set_border(FormatBorder::Thin);
    let share = Format::new().set_num_format("0.0%").set_border(FormatBorder::Thin);
    let text = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let bold = |f: &Format| f.clone().set_bold();
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(&sheet.name)?;
        ws.write_string_with_format(0, 0, &sheet.title, &title)?;
        for (c, h) in sheet.header.iter().enumerate() {
            ws.write_string_with_format(2, c as u16, h.as_str(), &head)?;
            ws.set_column_width(c as u16, if c == 0 { 48 } else { 14 })?;
        }
        ws.set_row_height(2, 32)?;
        ws.set_freeze_panes(3, 1)?;
        for (i, row) in sheet.rows.iter().enumerate() {
            let r = (i + 3) as u32;
            let strong = sheet.bold_rows.contains(&i);
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                let pick = |f: &Format| if strong { bold(f) } else { f.clone() };
                match cell {
                    Cell::Text(s) => ws.write_string_with_format(r, c, s, &pick(&text))?,
                    Cell::Count(n) => ws.write_number_with_format(r, c, *n as f64, &pick(&count))?,
                    Cell::Share(Some(x)) => ws.write_number_with_format(r, c, *x, &pick(&share))?,
                    Cell::Share(None) | Cell::Empty => ws.write_blank(r, c, &pick(&text))?,
                };
            }
        }
    }
    book.save_to_buffer()
}

/// The download response of a workbook, or a plain 500 when it could not be written.
pub fn download(sheets: &[Sheet], file_stem: &str) -> Response {
    match workbook(sheets) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_stem}.xlsx\"")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot write the workbook");
            (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "Không tạo được tệp Excel.").into_response()
        }
    }
}
