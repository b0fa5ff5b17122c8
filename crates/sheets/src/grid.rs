//! Cells gathered into rows, with the limits checked as they come.

use unicode_normalization::UnicodeNormalization;

use crate::{Cell, Limits, ReadError, Row, Sheet, Warning};

/// Text in NFC (old Vietnamese files store tone marks as combining characters).
pub(crate) fn nfc(text: &str) -> String {
    if unicode_normalization::is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes {
        text.to_owned()
    } else {
        text.nfc().collect()
    }
}

/// A text cell: `Empty` when it holds only spaces, else the text in NFC.
pub(crate) fn text(text: &str) -> Cell {
    if text.trim().is_empty() { Cell::Empty } else { Cell::Text(nfc(text)) }
}

/// Builds one sheet from cells given with 0-based positions, in any order (fastest row by row).
pub(crate) struct SheetBuilder {
    name: String,
    rows: Vec<Row>,
    max_rows: usize,
    max_columns: usize,
}

impl SheetBuilder {
    pub(crate) fn new(name: &str, limits: &Limits) -> Self {
        Self { name: nfc(name), rows: Vec::new(), max_rows: limits.max_rows, max_columns: limits.max_columns }
    }

    /// Puts a cell at a 0-based (row, column); empty cells are not kept.
    pub(crate) fn put(&mut self, row: usize, column: usize, cell: Cell) -> Result<(), ReadError> {
        if cell == Cell::Empty {
            return Ok(());
        }
        let number = row.saturating_add(1);
        if number > self.max_rows {
            return Err(ReadError::TooManyRows { sheet: self.name.clone(), row: number, limit: self.max_rows });
        }
        if column >= self.max_columns {
            return Err(ReadError::TooManyColumns { sheet: self.name.clone(), column: column.saturating_add(1), limit: self.max_columns });
        }
        let index = match self.rows.last() {
            Some(last) if last.number == number => self.rows.len() - 1,
            Some(last) if last.number > number => match self.rows.binary_search_by_key(&number, |r| r.number) {
                Ok(index) => index,
                Err(index) => {
                    self.rows.insert(index, Row { number, cells: Vec::new() });
                    index
                }
            },
            _ => {
                self.rows.push(Row { number, cells: Vec::new() });
                self.rows.len() - 1
            }
        };
        let Some(target) = self.rows.get_mut(index) else {
            return Ok(());
        };
        if column >= target.cells.len() {
            target.cells.resize(column, Cell::Empty);
            target.cells.push(cell);
        } else if let Some(slot) = target.cells.get_mut(column) {
            *slot = cell;
        }
        Ok(())
    }

    /// The finished sheet, and a warning when rows without values were skipped: between the
    /// values, and after them up to `declared_last_row` (the 1-based last row a workbook
    /// declares, formatted but empty rows included).
    pub(crate) fn finish(self, declared_last_row: Option<usize>) -> (Sheet, Option<Warning>) {
        let mut skipped = 0usize;
        let mut previous = 0usize;
        for row in &self.rows {
            skipped += row.number.saturating_sub(previous).saturating_sub(1);
            previous = row.number;
        }
        if !self.rows.is_empty()
            && let Some(declared) = declared_last_row
        {
            skipped += declared.saturating_sub(previous);
        }
        let warning = (skipped > 0).then(|| Warning {
            code: "sheets.empty_rows_skipped",
            message: format!("Trang “{}”: đã bỏ qua {skipped} dòng trống.", self.name),
        });
        (Sheet { name: self.name, rows: self.rows }, warning)
    }
}
