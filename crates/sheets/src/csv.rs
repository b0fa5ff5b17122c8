//! CSV files (RFC 4180 as spreadsheet programs write it): one sheet named after the file, every
//! value text. The delimiter (`,` `;` or tab) is the one that splits the first records most
//! consistently; quoted fields may hold delimiters, doubled quotes and line breaks.

use crate::grid::{self, SheetBuilder};
use crate::{Format, Limits, ReadError, ReadSummary, RowSink, Warning, encoding};

const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];
/// Records looked at to choose the delimiter.
const SAMPLE_RECORDS: usize = 50;

pub(crate) fn read(bytes: &[u8], sheet_name: &str, limits: &Limits, sink: &mut dyn RowSink) -> Result<ReadSummary, ReadError> {
    let (text, encoding) = encoding::decode(bytes)?;
    let delimiter = delimiter(&text);
    let mut builder = SheetBuilder::new(sheet_name, limits, sink);
    let mut records = Records::new(&text, delimiter);
    for (index, fields) in records.by_ref().enumerate() {
        for (column, field) in fields.into_iter().enumerate() {
            builder.put(index, column, grid::text(&field))?;
        }
    }
    let (_, skipped) = builder.finish(None);
    let mut warnings = Vec::new();
    if let Some(row) = records.unclosed_quote_row {
        warnings.push(Warning {
            code: "sheets.csv_unclosed_quote",
            message: format!("Dấu ngoặc kép mở ở dòng {row} không được đóng lại; phần còn lại của tệp đã được đọc vào một ô."),
        });
    }
    warnings.extend(skipped);
    Ok(ReadSummary { format: Format::Csv, encoding: Some(encoding), warnings })
}

/// The delimiter splitting the first records into the same number (≥ 2) of fields most often.
fn delimiter(text: &str) -> u8 {
    let mut best = (0usize, b',');
    for candidate in DELIMITERS {
        let mut counts: Vec<usize> =
            Records::new(text, candidate).take(SAMPLE_RECORDS).map(|fields| fields.len()).filter(|&count| count >= 2).collect();
        counts.sort_unstable();
        let consistent = counts.chunk_by(|a, b| a == b).map(<[usize]>::len).max().unwrap_or(0);
        if consistent > best.0 {
            best = (consistent, candidate);
        }
    }
    best.1
}

/// The records of a CSV text, each a list of fields.
struct Records<'a> {
    text: &'a str,
    position: usize,
    delimiter: u8,
    /// 1-based record where a quoted field was opened and never closed.
    unclosed_quote_row: Option<usize>,
    record: usize,
}

impl<'a> Records<'a> {
    fn new(text: &'a str, delimiter: u8) -> Self {
        Self { text, position: 0, delimiter, unclosed_quote_row: None, record: 0 }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    /// The text between two byte positions; both are next to ASCII bytes, so on char
    /// boundaries.
    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.text.get(from..to).unwrap_or_default()
    }

    /// One field from the current position, which is left on the delimiter, line break or end.
    fn field(&mut self) -> String {
        if self.byte(self.position) != Some(b'"') {
            let start = self.position;
            while let Some(b) = self.byte(self.position) {
                if b == self.delimiter || b == b'\n' || b == b'\r' {
                    break;
                }
                self.position += 1;
            }
            return self.slice(start, self.position).to_owned();
        }
        let mut value = String::new();
        self.position += 1;
        let mut start = self.position;
        loop {
            match self.byte(self.position) {
                None => {
                    value.push_str(self.slice(start, self.position));
                    self.unclosed_quote_row = Some(self.record);
                    return value;
                }
                Some(b'"') if self.byte(self.position + 1) == Some(b'"') => {
                    value.push_str(self.slice(start, self.position + 1));
                    self.position += 2;
                    start = self.position;
                }
                Some(b'"') => {
                    value.push_str(self.slice(start, self.position));
                    self.position += 1;
                    break;
                }
                Some(_) => self.position += 1,
            }
        }
        // Text after the closing quote (`"a"b`) is kept, as spreadsheet programs do.
        let start = self.position;
        while let Some(b) = self.byte(self.position) {
            if b == self.delimiter || b == b'\n' || b == b'\r' {
                break;
            }
            self.position += 1;
        }
        value.push_str(self.slice(start, self.position));
        value
    }
}

impl Iterator for Records<'_> {
    type Item = Vec<String>;

    fn next(&mut self) -> Option<Vec<String>> {
        if self.position >= self.text.len() {
            return None;
        }
        self.record += 1;
        let mut fields = Vec::new();
        loop {
            fields.push(self.field());
            match self.byte(self.position) {
                Some(b) if b == self.delimiter => self.position += 1,
                Some(b'\r') => {
                    self.position += 1;
                    if self.byte(self.position) == Some(b'\n') {
                        self.position += 1;
                    }
                    return Some(fields);
                }
                Some(b'\n') => {
                    self.position += 1;
                    return Some(fields);
                }
                _ => return Some(fields),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str, delimiter: u8) -> Vec<Vec<String>> {
        Records::new(text, delimiter).collect()
    }

    #[test]
    fn quoted_fields_hold_delimiters_quotes_and_line_breaks() {
        let got = records("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",x\n", b',');
        assert_eq!(
            got,
            vec![vec!["a".to_owned(), "b,c".to_owned(), "say \"hi\"".to_owned()], vec!["two\nlines".to_owned(), "x".to_owned()],]
        );
    }

    #[test]
    fn blank_lines_are_records_and_no_record_follows_the_last_break() {
        assert_eq!(records("a\n\nb\n", b',').len(), 3);
        assert_eq!(records("a\rb", b',').len(), 2);
    }

    #[test]
    fn unclosed_quote_takes_the_rest() {
        let mut parsed = Records::new("a\n\"b,c\nd", b',');
        assert_eq!(parsed.next(), Some(vec!["a".to_owned()]));
        assert_eq!(parsed.next(), Some(vec!["b,c\nd".to_owned()]));
        assert_eq!(parsed.next(), None);
        assert_eq!(parsed.unclosed_quote_row, Some(2));
    }

    #[test]
    fn delimiter_is_detected() {
        assert_eq!(delimiter("a;b;c\n1;2,5;3\n"), b';');
        assert_eq!(delimiter("a\tb\n1\t2\n"), b'\t');
        assert_eq!(delimiter("\"x;y\",b,c\n1,2,3\n"), b',');
        assert_eq!(delimiter("one column\n"), b',');
    }
}
