//! Spreadsheet readers for imports: file bytes in, a grid of cells out.
//!
//! [`read`] recognises the format from the content (the file name is only a hint), refuses what
//! cannot be read with a precise [`ReadError`] (encrypted, truncated, zip bombs, too large…) and
//! gives every worksheet as rows of [`Cell`]s, numbered as the spreadsheet shows them;
//! [`read_into`] hands the rows to a [`RowSink`] as they are read instead of keeping them. Nothing
//! is interpreted here beyond the cell's own type: a number stays a number (the mapping layer
//! decides that a CCCD lost its leading zero), a date typed as text stays text. [`write_xlsx`]
//! writes the workbook given back to the user with an error column added.
//!
//! No I/O but the bytes the caller hands in, no clock, no async.
#![deny(clippy::indexing_slicing)]

mod csv;
mod dates;
mod encoding;
mod error;
mod excel;
mod grid;
mod sniff;
mod write;
mod xls_cells;
mod zipcheck;

pub use error::{ReadError, WriteError};
pub use write::{CellOut, Position, SheetOut, write_xlsx};

/// How much a file may hold before it is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Size of the file itself.
    pub max_bytes: usize,
    /// Sum of the uncompressed sizes the archive declares (xlsx, ods).
    pub max_uncompressed: u64,
    /// Declared uncompressed size over compressed size, for archives past a few megabytes.
    pub max_ratio: u64,
    /// Highest row number holding a value.
    pub max_rows: usize,
    /// Highest column holding a value (1 = column A).
    pub max_columns: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 200 * 1024 * 1024,
            max_uncompressed: 2 * 1024 * 1024 * 1024,
            max_ratio: 200,
            max_rows: 2_000_000,
            max_columns: 500,
        }
    }
}

/// The kind of file that was read, recognised from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Ods,
    Csv,
}

impl Format {
    /// The format as shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Self::Xlsx => ".xlsx (Excel)",
            Self::Xls => ".xls (Excel 97–2003)",
            Self::Ods => ".ods (LibreOffice, OpenOffice)",
            Self::Csv => ".csv (văn bản)",
        }
    }
}

/// The character encoding a CSV file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    /// Code page 1258: tone marks usually stored as combining characters.
    Windows1258,
    /// TCVN 5712:1993 VN3, the "ABC" encoding of the .Vn fonts.
    Tcvn3,
}

impl Encoding {
    /// The encoding as shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Self::Utf8 => "UTF-8",
            Self::Utf8Bom => "UTF-8 có BOM",
            Self::Windows1258 => "Windows-1258",
            Self::Tcvn3 => "TCVN3 (ABC)",
        }
    }
}

/// A file read into a grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Workbook {
    pub format: Format,
    /// The encoding a CSV file was read in; `None` for workbooks.
    pub encoding: Option<Encoding>,
    pub sheets: Vec<Sheet>,
    pub warnings: Vec<Warning>,
}

/// One worksheet. Rows without any value are left out (their numbers are skipped); cells after
/// a row's last value are dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Row>,
}

/// One row holding at least one value.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based, as the spreadsheet shows it.
    pub number: usize,
    /// From column A on: `cells[0]` is column A, empty cells before a value are [`Cell::Empty`].
    pub cells: Vec<Cell>,
}

impl Row {
    /// The cell in a 0-based column, `Empty` past the row's last value.
    pub fn cell(&self, column: usize) -> &Cell {
        self.cells.get(column).unwrap_or(&Cell::Empty)
    }
}

/// One cell's value, as the file stores it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value (also text made only of spaces). Merged cells other than the top-left one.
    Empty,
    /// Text, in Unicode NFC.
    Text(String),
    Number(f64),
    /// A date cell (a number with a date format in Excel, a date value in ODS).
    Date(chrono::NaiveDateTime),
    Bool(bool),
    /// A formula the file holds no computed value for, as written (`=SUM(A1:A3)`).
    Formula(String),
    /// A cell showing an error: `#N/A`, `#REF!`, `#DIV/0!`…
    Error(String),
    /// A date cell whose serial number is no real day: 60 is Excel's 29/02/1900, below 1 is a
    /// time of day alone, negative or past 9999 is out of range.
    BadDate(f64),
}

/// Something the reader did that the user should know about; the file was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Stable code, e.g. `sheets.empty_rows_skipped`.
    pub code: &'static str,
    /// Vietnamese, for users.
    pub message: String,
}

/// Receives a file's rows as they are read: each worksheet announced, then its rows holding a
/// value, in ascending order. A reader that keeps only what it needs of each row never holds the
/// whole grid.
pub trait RowSink {
    /// A worksheet begins (its name in NFC).
    fn sheet(&mut self, name: &str);
    /// The sheet's next row holding a value.
    fn row(&mut self, row: Row);
}

/// What a file is besides its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadSummary {
    pub format: Format,
    /// The encoding a CSV file was read in; `None` for workbooks.
    pub encoding: Option<Encoding>,
    pub warnings: Vec<Warning>,
}

/// Reads a spreadsheet or CSV file into a grid (see [`read_into`]).
pub fn read(bytes: &[u8], file_name: &str, limits: &Limits) -> Result<Workbook, ReadError> {
    let mut grid = Grid::default();
    let summary = read_into(bytes, file_name, limits, &mut grid)?;
    Ok(Workbook { format: summary.format, encoding: summary.encoding, sheets: grid.sheets, warnings: summary.warnings })
}

/// Reads a spreadsheet or CSV file, handing its rows to `sink` as they come.
///
/// The format comes from the content (zip with `xl/` → xlsx, zip with an OpenDocument
/// `mimetype` → ods, OLE compound file → xls, or refused as encrypted, else text → CSV);
/// `file_name` only names a CSV's sheet and, when it disagrees with the content, adds a warning.
/// On an error the sink may have received part of the file; it is to be thrown away.
pub fn read_into(bytes: &[u8], file_name: &str, limits: &Limits, sink: &mut dyn RowSink) -> Result<ReadSummary, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(ReadError::TooLarge { bytes: bytes.len(), limit: limits.max_bytes });
    }
    let kind = sniff::kind(bytes)?;
    let mut counting = Counting { inner: sink, rows: 0 };
    let mut summary = match kind {
        sniff::Kind::Zip => excel::read_zip(bytes, limits, &mut counting)?,
        sniff::Kind::Ole => excel::read_ole(bytes, limits, &mut counting)?,
        sniff::Kind::Text => csv::read(bytes, &sniff::stem(file_name), limits, &mut counting)?,
    };
    if counting.rows == 0 {
        return Err(ReadError::Empty);
    }
    if let Some(warning) = sniff::name_mismatch(file_name, summary.format) {
        summary.warnings.insert(0, warning);
    }
    Ok(summary)
}

/// The sink [`read`] collects the grid with.
#[derive(Default)]
struct Grid {
    sheets: Vec<Sheet>,
}

impl RowSink for Grid {
    fn sheet(&mut self, name: &str) {
        self.sheets.push(Sheet { name: name.to_owned(), rows: Vec::new() });
    }

    fn row(&mut self, row: Row) {
        if let Some(sheet) = self.sheets.last_mut() {
            sheet.rows.push(row);
        }
    }
}

/// Counts the rows on their way to the caller's sink.
struct Counting<'a> {
    inner: &'a mut dyn RowSink,
    rows: usize,
}

impl RowSink for Counting<'_> {
    fn sheet(&mut self, name: &str) {
        self.inner.sheet(name);
    }

    fn row(&mut self, row: Row) {
        self.rows += 1;
        self.inner.row(row);
    }
}
