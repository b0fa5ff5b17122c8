//! Workbooks (xlsx, xls, ods) through calamine, into the grid.
//!
//! xlsx sheets are streamed cell by cell, so formatted rows without values (a sheet
//! "formatted down to row 1 048 576") cost parsing time but no memory. xls and ods are read
//! by calamine into ranges of the cells that hold values.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{Data, DataType, Ods, OdsError, Range, Reader, Xls, XlsError, Xlsx, XlsxError};

use crate::grid::{self, SheetBuilder};
use crate::zipcheck::{self, Package};
use crate::{Cell, Format, Limits, ReadError, ReadSummary, RowSink, Warning, dates};

/// An xlsx or ods file (a zip archive), after its central directory passed the checks.
pub(crate) fn read_zip(bytes: &[u8], limits: &Limits, sink: &mut dyn RowSink) -> Result<ReadSummary, ReadError> {
    let package = zipcheck::check(bytes, limits)?;
    guarded(|| match package {
        Package::Xlsx => read_xlsx(bytes, limits, sink),
        Package::Ods => read_ods(bytes, limits, sink),
    })
}

/// An OLE compound file: an xls workbook, or an encrypted one (an encrypted xlsx is an OLE
/// file holding an `EncryptedPackage` stream; an encrypted xls has a `FILEPASS` record).
pub(crate) fn read_ole(bytes: &[u8], limits: &Limits, sink: &mut dyn RowSink) -> Result<ReadSummary, ReadError> {
    guarded(|| {
        if let Err(XlsxError::Password) = Xlsx::new(Cursor::new(bytes)) {
            return Err(ReadError::Encrypted);
        }
        read_xls(bytes, limits, sink)
    })
}

/// A library panic on a malformed file becomes a refusal of that file, never a crash.
fn guarded(read: impl FnOnce() -> Result<ReadSummary, ReadError>) -> Result<ReadSummary, ReadError> {
    catch_unwind(AssertUnwindSafe(read)).unwrap_or_else(|_| Err(ReadError::corrupt("the workbook reader panicked")))
}

fn read_xlsx(bytes: &[u8], limits: &Limits, sink: &mut dyn RowSink) -> Result<ReadSummary, ReadError> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    let is_1904 = book.has_1904_epoch();
    let mut sheets = 0;
    let mut warnings = Vec::new();
    for name in book.sheet_names() {
        let mut reader = match book.worksheet_cells_reader(&name) {
            Ok(reader) => reader,
            // Chart sheets and dialog sheets hold no cells.
            Err(XlsxError::NotAWorksheet(_)) => continue,
            Err(error) => return Err(xlsx_error(error)),
        };
        let declared_last_row = usize::try_from(reader.dimensions().end.0).ok().map(|row| row.saturating_add(1));
        let mut builder = SheetBuilder::new(&name, limits, sink);
        while let Some(record) = reader.next_cell_with_formula().map_err(xlsx_error)? {
            let cell = match (&record.value, record.formula) {
                // A formula saved without its computed value (written by a program that does
                // not calculate, or with calculation turned off).
                (calamine::DataRef::Empty, Some(formula)) if !formula.trim().is_empty() => Cell::Formula(format!("={formula}")),
                (value, _) => convert(value, is_1904),
            };
            let (row, column) = record.pos;
            builder.put(row as usize, column as usize, cell)?;
        }
        sheets += 1;
        warnings.extend(builder.finish(declared_last_row).1);
    }
    finish(Format::Xlsx, sheets, warnings)
}

fn read_ods(bytes: &[u8], limits: &Limits, sink: &mut dyn RowSink) -> Result<ReadSummary, ReadError> {
    let mut book: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|error| match error {
        OdsError::Password => ReadError::Encrypted,
        OdsError::InvalidMime(_) => ReadError::WrongType { found: "tài liệu OpenDocument không phải bảng tính" },
        other => ReadError::corrupt(other),
    })?;
    let mut sheets = 0;
    let mut warnings = Vec::new();
    for name in book.sheet_names() {
        let values = book.worksheet_range(&name).map_err(ReadError::corrupt)?;
        let formulas = book.worksheet_formula(&name).map_err(ReadError::corrupt)?;
        sheets += 1;
        warnings.extend(from_range(&name, &values, Some(&formulas), false, limits, sink)?);
    }
    finish(Format::Ods, sheets, warnings)
}

fn read_xls(bytes: &[u8], limits: &Limits, sink: &mut dyn RowSink) -> Result<ReadSummary, ReadError> {
    // Before calamine lays every sheet out as one grid (`xls_cells`).
    crate::xls_cells::check(bytes, limits)?;
    let mut book = Xls::new(Cursor::new(bytes)).map_err(|error| match error {
        XlsError::Password => ReadError::Encrypted,
        other => match other_ole_document(bytes) {
            Some(found) => ReadError::WrongType { found },
            None => ReadError::corrupt(other),
        },
    })?;
    let is_1904 = book.has_1904_epoch();
    let mut sheets = 0;
    let mut warnings = Vec::new();
    for name in book.sheet_names() {
        let values = book.worksheet_range(&name).map_err(ReadError::corrupt)?;
        // xls stores every formula's last computed value, so formulas need no reading.
        sheets += 1;
        warnings.extend(from_range(&name, &values, None, is_1904, limits, sink)?);
    }
    finish(Format::Xls, sheets, warnings)
}

/// Word and PowerPoint files are OLE files too: named by their main stream.
fn other_ole_document(bytes: &[u8]) -> Option<&'static str> {
    let utf16 = |name: &str| -> Vec<u8> { name.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let holds = |name: &str| {
        let needle = utf16(name);
        bytes.windows(needle.len()).any(|window| window == needle)
    };
    if holds("WordDocument") {
        Some("tài liệu Word")
    } else if holds("PowerPoint Document") {
        Some("bản trình chiếu PowerPoint")
    } else {
        None
    }
}

/// A sheet from a range of values (and, for ods, the formulas behind them), in row order.
fn from_range(
    name: &str,
    values: &Range<Data>,
    formulas: Option<&Range<String>>,
    is_1904: bool,
    limits: &Limits,
    sink: &mut dyn RowSink,
) -> Result<Option<Warning>, ReadError> {
    let mut cells: Vec<(usize, usize, Cell)> = Vec::new();
    let (top, left) = values.start().unwrap_or((0, 0));
    for (row, column, value) in values.used_cells() {
        let (row, column) = (top as usize + row, left as usize + column);
        let mut cell = convert(value, is_1904);
        if let (Cell::Text(text), Some(formulas)) = (&cell, formulas)
            && is_error_literal(text)
            && has_formula(formulas, row, column)
        {
            // LibreOffice stores a formula's error as the text shown in the cell.
            cell = Cell::Error(text.clone());
        }
        cells.push((row, column, cell));
    }
    if let Some(formulas) = formulas {
        let (top, left) = formulas.start().unwrap_or((0, 0));
        for (row, column, formula) in formulas.used_cells() {
            let (row, column) = (top as usize + row, left as usize + column);
            let absolute = (row as u32, column as u32);
            let empty = values.get_value(absolute).is_none_or(|value| value.is_empty());
            if empty && !formula.trim().is_empty() {
                cells.push((row, column, Cell::Formula(ods_formula(formula))));
            }
        }
        cells.sort_by_key(|(row, column, _)| (*row, *column));
    }
    let mut builder = SheetBuilder::new(name, limits, sink);
    for (row, column, cell) in cells {
        builder.put(row, column, cell)?;
    }
    Ok(builder.finish(None).1)
}

fn has_formula(formulas: &Range<String>, row: usize, column: usize) -> bool {
    formulas.get_value((row as u32, column as u32)).is_some_and(|formula| !formula.is_empty())
}

/// The error values spreadsheets show (Excel's, and LibreOffice's `Err:5xx`).
fn is_error_literal(text: &str) -> bool {
    matches!(text, "#NULL!" | "#DIV/0!" | "#VALUE!" | "#REF!" | "#NAME?" | "#NUM!" | "#N/A" | "#DATA!")
        || text.strip_prefix("Err:").is_some_and(|code| !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()))
}

/// An OpenFormula (`of:=SUM([.A1:.A3])`) as a user would type it (`=SUM([.A1:.A3])`).
fn ods_formula(formula: &str) -> String {
    let formula = formula.strip_prefix("of:").unwrap_or(formula);
    if formula.starts_with('=') { formula.to_owned() } else { format!("={formula}") }
}

/// One calamine value as a cell.
fn convert<T: DataType>(value: &T, is_1904: bool) -> Cell {
    if let Some(text) = value.get_string() {
        return grid::text(text);
    }
    if let Some(date) = value.get_datetime() {
        if date.is_duration() {
            return Cell::Number(date.as_f64());
        }
        return dates::from_serial(date.as_f64(), is_1904);
    }
    if let Some(number) = value.get_float() {
        return Cell::Number(number);
    }
    if let Some(number) = value.get_int() {
        return Cell::Number(number as f64);
    }
    if let Some(flag) = value.get_bool() {
        return Cell::Bool(flag);
    }
    if let Some(error) = value.get_error() {
        return Cell::Error(error.to_string());
    }
    if let Some(iso) = value.get_datetime_iso() {
        return dates::from_iso(iso).map_or_else(|| grid::text(iso), Cell::Date);
    }
    if let Some(iso) = value.get_duration_iso() {
        return grid::text(iso);
    }
    Cell::Empty
}

fn xlsx_error(error: XlsxError) -> ReadError {
    match error {
        XlsxError::Password => ReadError::Encrypted,
        other => ReadError::corrupt(other),
    }
}

fn finish(format: Format, sheets: usize, warnings: Vec<Warning>) -> Result<ReadSummary, ReadError> {
    if sheets == 0 {
        return Err(ReadError::NoSheet);
    }
    Ok(ReadSummary { format, encoding: None, warnings })
}
