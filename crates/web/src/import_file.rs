//! A register file read into the importer's lines (`storage::import`): every sheet's header row
//! found, every row below it read by `domain::interchange`. Shared by the import page and
//! `dangvu import`.

use chrono::NaiveDate;

use domain::interchange::columns::{HeaderMatch, find_header};
use domain::interchange::record::{Row, parse_member, parse_unit};
use domain::interchange::{AdmissionDateMeaning, Column, Mapping, SavedMapping, SheetKind, Value};
use storage::import::{LineError, MemberLine, UnitLine};

/// How the rows are read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub meaning: AdmissionDateMeaning,
    /// Values for fields the file lacks ("Tôn giáo" = "Không").
    pub defaults: Vec<(Column, String)>,
    /// The import's day (bounds dates).
    pub today: Option<NaiveDate>,
    /// The person's column choices per sheet, used instead of the recognised mapping.
    pub mappings: Vec<SheetMapping>,
    /// A saved mapping applied to every sheet without a choice of its own.
    pub saved: Option<SavedMapping>,
}

/// The column choices made for one sheet (by its name).
#[derive(Debug, Clone)]
pub struct SheetMapping {
    pub sheet: String,
    pub mapping: Mapping,
}

/// One sheet as the importer understood it.
#[derive(Debug, Clone)]
pub struct SheetSummary {
    pub name: String,
    /// `None`: no header row found (the sheet is left out).
    pub kind: Option<SheetKind>,
    /// The header's row number as the spreadsheet shows it.
    pub header_row: Option<usize>,
    pub headers: Vec<String>,
    pub mapping: Mapping,
    pub rows: usize,
}

/// The file read.
#[derive(Debug, Clone)]
pub struct RegisterFile {
    pub format: sheets::Format,
    pub encoding: Option<sheets::Encoding>,
    pub sheets: Vec<SheetSummary>,
    pub units: std::sync::Arc<[UnitLine]>,
    pub members: std::sync::Arc<[MemberLine]>,
    pub warnings: Vec<String>,
}

/// A spreadsheet cell as the interchange rules read it.
pub fn cell_value(c: sheets::Cell) -> Value {
    match c {
        sheets::Cell::Empty => Value::Empty,
        sheets::Cell::Text(t) => Value::Text(t),
        sheets::Cell::Number(n) => Value::Number(n),
        sheets::Cell::Date(d) => Value::Date(d.date()),
        sheets::Cell::Bool(b) => Value::Bool(b),
        sheets::Cell::Formula(f) => Value::Formula(f),
        sheets::Cell::Error(e) => Value::Error(e),
        sheets::Cell::BadDate(_) => Value::BadDate,
    }
}

/// Rows handed from the thread unpacking the file to the one reading them, this many at a time.
const ROWS_PER_BATCH: usize = 256;

/// Reads `bytes` (named `file_name`) as a register: unit sheets and member sheets, each found by
/// its header row. The rows are read as the file is: only the records are kept, never the grid.
/// One thread unpacks the file while this one reads its rows into records.
pub fn read_register(bytes: &[u8], file_name: &str, options: &ReadOptions, today: NaiveDate) -> Result<RegisterFile, sheets::ReadError> {
    let mut reader =
        RegisterReader { options, today: options.today.unwrap_or(today), sheets: Vec::new(), lines: Lines::default(), sheet: None };
    let (tx, rx) = std::sync::mpsc::sync_channel::<Piece>(16);
    let summary = std::thread::scope(|scope| {
        let unpacking = scope.spawn(move || {
            let mut relay = Relay { tx, rows: Vec::with_capacity(ROWS_PER_BATCH) };
            let summary = sheets::read_into(bytes, file_name, &sheets::Limits::default(), &mut relay);
            relay.flush();
            summary
        });
        for piece in rx {
            match piece {
                Piece::Sheet(name) => sheets::RowSink::sheet(&mut reader, &name),
                Piece::Rows(rows) => rows.into_iter().for_each(|row| sheets::RowSink::row(&mut reader, row)),
            }
        }
        unpacking.join().unwrap_or_else(|_| Err(sheets::ReadError::Corrupt { detail: "the unpacking thread panicked".into() }))
    })?;
    reader.close_sheet();
    Ok(RegisterFile {
        format: summary.format,
        encoding: summary.encoding,
        sheets: reader.sheets,
        units: reader.lines.units.into(),
        members: reader.lines.members.into(),
        warnings: summary.warnings.into_iter().map(|w| w.message).collect(),
    })
}

/// What the unpacking thread hands on.
enum Piece {
    Sheet(String),
    Rows(Vec<sheets::Row>),
}

/// The unpacking thread's sink: rows sent on in batches.
struct Relay {
    tx: std::sync::mpsc::SyncSender<Piece>,
    rows: Vec<sheets::Row>,
}

impl Relay {
    fn flush(&mut self) {
        if !self.rows.is_empty() {
            // A closed channel means the reading side is gone; the result says why.
            let _ = self.tx.send(Piece::Rows(std::mem::replace(&mut self.rows, Vec::with_capacity(ROWS_PER_BATCH))));
        }
    }
}

impl sheets::RowSink for Relay {
    fn sheet(&mut self, name: &str) {
        self.flush();
        let _ = self.tx.send(Piece::Sheet(name.to_owned()));
    }

    fn row(&mut self, row: sheets::Row) {
        self.rows.push(row);
        if self.rows.len() >= ROWS_PER_BATCH {
            self.flush();
        }
    }
}

/// The rows of a file turned into the importer's lines as they come.
struct RegisterReader<'a> {
    options: &'a ReadOptions,
    today: NaiveDate,
    sheets: Vec<SheetSummary>,
    lines: Lines,
    sheet: Option<SheetState>,
}

/// The unit and member lines read.
#[derive(Default)]
struct Lines {
    units: Vec<UnitLine>,
    members: Vec<MemberLine>,
}

/// The sheet being read.
struct SheetState {
    name: String,
    stage: Stage,
    /// Rows holding a value (a sheet without a header reports them all).
    seen: usize,
    /// Unit or member rows read below the header.
    read: usize,
}

enum Stage {
    /// The first rows, kept until the header is found among them.
    Looking(Vec<sheets::Row>),
    Reading {
        header: HeaderMatch,
        header_number: usize,
    },
    NoHeader,
}

impl sheets::RowSink for RegisterReader<'_> {
    fn sheet(&mut self, name: &str) {
        self.close_sheet();
        self.sheet = Some(SheetState { name: name.to_owned(), stage: Stage::Looking(Vec::new()), seen: 0, read: 0 });
    }

    fn row(&mut self, row: sheets::Row) {
        let Some(state) = self.sheet.as_mut() else { return };
        state.seen += 1;
        match &mut state.stage {
            Stage::Looking(first) => {
                first.push(row);
                if first.len() >= domain::interchange::columns::HEADER_SEARCH_ROWS {
                    self.settle_header();
                }
            }
            Stage::Reading { header, .. } => {
                if read_row(self.options, self.today, header, &mut self.lines, row) {
                    state.read += 1;
                }
            }
            Stage::NoHeader => {}
        }
    }
}

impl RegisterReader<'_> {
    /// Finds the header among the first rows and reads the rows below it.
    fn settle_header(&mut self) {
        let Some(state) = self.sheet.as_mut() else { return };
        let Stage::Looking(first) = std::mem::replace(&mut state.stage, Stage::NoHeader) else { return };
        let texts: Vec<Vec<String>> = first.iter().map(|r| r.cells.iter().map(|c| cell_value(c.clone()).display()).collect()).collect();
        let Some(mut header) = find_header(&texts) else { return };
        if let Some(chosen) = self.options.mappings.iter().find(|m| m.sheet == state.name) {
            header.mapping = fitted(&chosen.mapping, header.kind, header.headers.len());
        } else if let Some(saved) = &self.options.saved {
            header.mapping = saved.apply(header.kind, &header.headers, &header.mapping);
        }
        let header_number = first.get(header.row).map_or(header.row + 1, |r| r.number);
        let below: Vec<sheets::Row> = first.into_iter().skip(header.row + 1).collect();
        for row in below {
            if read_row(self.options, self.today, &header, &mut self.lines, row) {
                state.read += 1;
            }
        }
        state.stage = Stage::Reading { header, header_number };
    }

    /// The sheet read so far is done: its summary.
    fn close_sheet(&mut self) {
        if matches!(self.sheet.as_ref().map(|s| &s.stage), Some(Stage::Looking(_))) {
            self.settle_header();
        }
        let Some(state) = self.sheet.take() else { return };
        self.sheets.push(match state.stage {
            Stage::Reading { header, header_number } => SheetSummary {
                name: state.name,
                kind: Some(header.kind),
                header_row: Some(header_number),
                headers: header.headers,
                mapping: header.mapping,
                rows: state.read,
            },
            Stage::Looking(_) | Stage::NoHeader => SheetSummary {
                name: state.name,
                kind: None,
                header_row: None,
                headers: Vec::new(),
                mapping: Mapping::default(),
                rows: state.seen,
            },
        });
    }
}

/// One row below a header: a unit or member line, unless it is blank (`false`).
fn read_row(options: &ReadOptions, today: NaiveDate, header: &HeaderMatch, lines: &mut Lines, row: sheets::Row) -> bool {
    let number = row.number;
    let cells: Vec<Value> = row.cells.into_iter().map(cell_value).collect();
    match header.kind {
        SheetKind::Members => {
            let row = Row { cells: &cells, mapping: &header.mapping, defaults: &options.defaults };
            if row.is_blank() {
                return false;
            }
            let domain::interchange::record::MemberRead { record: read, warnings } = parse_member(&row, options.meaning, today);
            lines.members.push(MemberLine { row: number, read: read.map(Box::new), warnings });
        }
        SheetKind::Units => {
            if cells.iter().all(Value::is_empty) {
                return false;
            }
            let read = parse_unit(&cells, &header.mapping).map_err(|errors| {
                errors
                    .into_iter()
                    .map(|(column, e)| LineError {
                        column: column.map(|c| c.code().to_owned()),
                        code: e.code.to_owned(),
                        message: e.message,
                    })
                    .collect()
            });
            lines.units.push(UnitLine { row: number, read });
        }
    }
    true
}

/// A mapping chosen for a sheet, cut or padded to its columns.
fn fitted(chosen: &Mapping, kind: SheetKind, columns: usize) -> Mapping {
    match kind {
        SheetKind::Members => {
            let mut members: Vec<Option<Column>> = chosen.members.iter().copied().take(columns).collect();
            members.resize(columns, None);
            Mapping { members, units: Vec::new() }
        }
        SheetKind::Units => {
            let mut units = chosen.units.iter().copied().take(columns).collect::<Vec<_>>();
            units.resize(columns, None);
            Mapping { members: Vec::new(), units }
        }
    }
}
