//! Cells gathered into rows, with the limits checked as they come.

use unicode_normalization::UnicodeNormalization;

use crate::{Cell, Limits, ReadError, Row, RowSink, Warning};

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

/// Builds one sheet's rows from cells given with 0-based positions, row by row, and hands each
/// finished row to the sink (nothing of the sheet is kept here).
pub(crate) struct SheetBuilder<'s> {
    name: String,
    sink: &'s mut dyn RowSink,
    current: Option<Row>,
    /// The last row handed on (1-based), and the empty rows skipped before it.
    previous: usize,
    skipped: usize,
    pub(crate) rows: usize,
    max_rows: usize,
    max_columns: usize,
}

impl<'s> SheetBuilder<'s> {
    pub(crate) fn new(name: &str, limits: &Limits, sink: &'s mut dyn RowSink) -> Self {
        let name = nfc(name);
        sink.sheet(&name);
        Self { name, sink, current: None, previous: 0, skipped: 0, rows: 0, max_rows: limits.max_rows, max_columns: limits.max_columns }
    }

    /// Puts a cell at a 0-based (row, column); empty cells are not kept. Rows come in order (a
    /// cell of a row already handed on is refused as a damaged file); cells within a row in
    /// any order.
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
        let current = match &mut self.current {
            Some(current) if current.number == number => current,
            Some(current) if current.number > number => {
                return Err(ReadError::corrupt(format!("sheet {}: a cell of row {number} after row {}", self.name, current.number)));
            }
            _ => {
                self.hand_on();
                self.current.insert(Row { number, cells: Vec::new() })
            }
        };
        if column >= current.cells.len() {
            current.cells.resize(column, Cell::Empty);
            current.cells.push(cell);
        } else if let Some(slot) = current.cells.get_mut(column) {
            *slot = cell;
        }
        Ok(())
    }

    fn hand_on(&mut self) {
        if let Some(row) = self.current.take() {
            self.skipped += row.number.saturating_sub(self.previous).saturating_sub(1);
            self.previous = row.number;
            self.rows += 1;
            self.sink.row(row);
        }
    }

    /// Hands on the last row; the number of rows, and a warning when rows without values were
    /// skipped: between the values, and after them up to `declared_last_row` (the 1-based last
    /// row a workbook declares, formatted but empty rows included).
    pub(crate) fn finish(mut self, declared_last_row: Option<usize>) -> (usize, Option<Warning>) {
        self.hand_on();
        let mut skipped = self.skipped;
        if self.rows > 0
            && let Some(declared) = declared_last_row
        {
            skipped += declared.saturating_sub(self.previous);
        }
        let warning = (skipped > 0).then(|| Warning {
            code: "sheets.empty_rows_skipped",
            message: format!("Trang “{}”: đã bỏ qua {skipped} dòng trống.", self.name),
        });
        (self.rows, warning)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Sheet;

    #[derive(Default)]
    struct Rows(Vec<Sheet>);

    impl RowSink for Rows {
        fn sheet(&mut self, name: &str) {
            self.0.push(Sheet { name: name.to_owned(), rows: Vec::new() });
        }
        fn row(&mut self, row: Row) {
            self.0.last_mut().unwrap().rows.push(row);
        }
    }

    fn text(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }

    #[test]
    fn rows_are_handed_on_in_order_with_the_empty_ones_counted() {
        let mut sink = Rows::default();
        let mut b = SheetBuilder::new("Đảng viên", &Limits::default(), &mut sink);
        b.put(0, 1, text("B1")).unwrap();
        b.put(0, 0, text("A1")).unwrap();
        b.put(3, 2, text("C4")).unwrap();
        b.put(3, 0, Cell::Empty).unwrap();
        let (rows, warning) = b.finish(Some(10));
        assert_eq!(rows, 2);
        assert_eq!(warning.unwrap().message, "Trang “Đảng viên”: đã bỏ qua 8 dòng trống.", "rows 2, 3 and 5 to 10");
        let rows = sink.0.first().map(|sheet| sheet.rows.clone()).unwrap_or_default();
        assert_eq!(
            rows,
            vec![
                Row { number: 1, cells: vec![text("A1"), text("B1")] },
                Row { number: 4, cells: vec![Cell::Empty, Cell::Empty, text("C4")] }
            ]
        );
    }

    #[test]
    fn a_cell_of_a_row_already_handed_on_is_a_damaged_file() {
        let mut sink = Rows::default();
        let mut b = SheetBuilder::new("S", &Limits::default(), &mut sink);
        b.put(4, 0, text("x")).unwrap();
        assert!(matches!(b.put(2, 0, text("y")), Err(ReadError::Corrupt { .. })));
    }
}
