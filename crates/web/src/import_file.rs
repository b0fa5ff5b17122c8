//! A register file read into the importer's lines (`storage::import`): every sheet's header row
//! found, every row below it read by `domain::interchange`. Shared by the import page and
//! `dangvu import`.

use chrono::NaiveDate;

use domain::interchange::columns::find_header;
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
    pub units: Vec<UnitLine>,
    pub members: Vec<MemberLine>,
    pub warnings: Vec<String>,
}

/// A spreadsheet cell as the interchange rules read it.
pub fn cell_value(c: &sheets::Cell) -> Value {
    match c {
        sheets::Cell::Empty => Value::Empty,
        sheets::Cell::Text(t) => Value::Text(t.clone()),
        sheets::Cell::Number(n) => Value::Number(*n),
        sheets::Cell::Date(d) => Value::Date(d.date()),
        sheets::Cell::Bool(b) => Value::Bool(*b),
        sheets::Cell::Formula(f) => Value::Formula(f.clone()),
        sheets::Cell::Error(e) => Value::Error(e.clone()),
        sheets::Cell::BadDate(_) => Value::BadDate,
    }
}

/// Reads `bytes` (named `file_name`) as a register: unit sheets and member sheets, each found by
/// its header row.
pub fn read_register(bytes: &[u8], file_name: &str, options: &ReadOptions, today: NaiveDate) -> Result<RegisterFile, sheets::ReadError> {
    let book = sheets::read(bytes, file_name, &sheets::Limits::default())?;
    let today = options.today.unwrap_or(today);
    let mut out = RegisterFile {
        format: book.format,
        encoding: book.encoding,
        sheets: Vec::new(),
        units: Vec::new(),
        members: Vec::new(),
        warnings: book.warnings.iter().map(|w| w.message.clone()).collect(),
    };
    // Each row is dropped once read: the grid and the records are never both whole in memory.
    for sheet in book.sheets {
        let texts: Vec<Vec<String>> = sheet
            .rows
            .iter()
            .take(domain::interchange::columns::HEADER_SEARCH_ROWS)
            .map(|r| r.cells.iter().map(|c| cell_value(c).display()).collect())
            .collect();
        let name = sheet.name.clone();
        let Some(mut header) = find_header(&texts) else {
            out.sheets.push(SheetSummary {
                name: sheet.name.clone(),
                kind: None,
                header_row: None,
                headers: Vec::new(),
                mapping: Mapping::default(),
                rows: sheet.rows.len(),
            });
            continue;
        };
        if let Some(chosen) = options.mappings.iter().find(|m| m.sheet == sheet.name) {
            header.mapping = fitted(&chosen.mapping, header.kind, header.headers.len());
        } else if let Some(saved) = &options.saved {
            header.mapping = saved.apply(header.kind, &header.headers, &header.mapping);
        }
        let mut rows = 0;
        let header_number = sheet.rows.get(header.row).map_or(header.row + 1, |r| r.number);
        for r in sheet.rows.into_iter().skip(header.row + 1) {
            let cells: Vec<Value> = r.cells.iter().map(cell_value).collect();
            match header.kind {
                SheetKind::Members => {
                    let row = Row { cells: &cells, mapping: &header.mapping, defaults: &options.defaults };
                    if row.is_blank() {
                        continue;
                    }
                    rows += 1;
                    let domain::interchange::record::MemberRead { record: read, warnings } = parse_member(&row, options.meaning, today);
                    out.members.push(MemberLine { row: r.number, read, warnings });
                }
                SheetKind::Units => {
                    if cells.iter().all(Value::is_empty) {
                        continue;
                    }
                    rows += 1;
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
                    out.units.push(UnitLine { row: r.number, read });
                }
            }
        }
        out.sheets.push(SheetSummary {
            name,
            kind: Some(header.kind),
            header_row: Some(header_number),
            headers: header.headers.clone(),
            mapping: header.mapping.clone(),
            rows,
        });
    }
    Ok(out)
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
