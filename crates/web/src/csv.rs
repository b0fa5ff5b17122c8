//! CSV for machines and spreadsheets' import (RFC 4180): one header row and then the data — no
//! title or blank rows inside — comma-separated, CRLF line ends, UTF-8 with a byte-order mark (so
//! spreadsheets read the diacritics), numbers as plain digits with `.` for decimals, dates ISO
//! (`2026-12-02`). People who read the figures get the `.xlsx`, which keeps the Vietnamese formats.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A CSV document being written row by row.
#[derive(Debug)]
pub struct Csv {
    out: String,
    columns: usize,
}

/// One field of a row.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    /// Text as people wrote it; a text starting like a spreadsheet formula gets a leading
    /// apostrophe so a spreadsheet shows it instead of running it.
    Text(&'a str),
    /// A count.
    Count(u64),
    /// A number with one decimal (a percentage, say).
    Decimal(f64),
    /// A date, as `yyyy-mm-dd`.
    Date(chrono::NaiveDate),
    /// Machine text (codes, hashes, instants) written as is, quoted only when RFC 4180 needs it.
    Raw(&'a str),
    /// Nothing (an empty field).
    Empty,
}

impl Csv {
    /// A document with this header row.
    pub fn new(header: &[&str]) -> Csv {
        let mut csv = Csv { out: String::from("\u{feff}"), columns: header.len() };
        csv.row(header.iter().map(|h| Value::Text(h)));
        csv
    }

    /// Appends a row; it must have as many fields as the header.
    pub fn row<'a>(&mut self, fields: impl IntoIterator<Item = Value<'a>>) {
        let mut n = 0;
        for (i, v) in fields.into_iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.field(v);
            n += 1;
        }
        debug_assert_eq!(n, self.columns, "a CSV row has as many fields as the header");
        self.out.push_str("\r\n");
    }

    fn field(&mut self, v: Value<'_>) {
        match v {
            Value::Text(s) => self.quoted(s, s.starts_with(['=', '+', '-', '@', '\t', '\r'])),
            Value::Raw(s) => self.quoted(s, false),
            Value::Count(n) => self.out.push_str(&n.to_string()),
            Value::Decimal(x) => self.out.push_str(&format!("{x:.1}")),
            Value::Date(d) => self.out.push_str(&d.format("%Y-%m-%d").to_string()),
            Value::Empty => {}
        }
    }

    /// A field between quotes when it holds a comma, a quote or a line break (quotes doubled),
    /// or when `guard` asks for the leading apostrophe.
    fn quoted(&mut self, s: &str, guard: bool) {
        let needs_quotes = guard || s.contains([',', '"', '\n', '\r']);
        if needs_quotes {
            self.out.push('"');
        }
        if guard {
            self.out.push('\'');
        }
        for c in s.chars() {
            if c == '"' {
                self.out.push('"');
            }
            self.out.push(c);
        }
        if needs_quotes {
            self.out.push('"');
        }
    }

    /// What was written since the last call, taken out (to stream a long document).
    pub fn take(&mut self) -> String {
        std::mem::take(&mut self.out)
    }

    /// The document so far.
    pub fn into_string(self) -> String {
        self.out
    }

    /// The document as a download named `{name}.csv`.
    pub fn download(self, name: &str) -> Response {
        let disposition = format!("attachment; filename=\"{name}.csv\"");
        ([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)], self.out)
            .into_response()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn one_header_then_rfc_4180_rows() {
        let mut csv = Csv::new(&["Tổ chức", "Số lượng", "Tỷ lệ (%)", "Ngày"]);
        csv.row([
            Value::Text("Chi bộ \"Thôn 3\", xã A"),
            Value::Count(12345),
            Value::Decimal(83.333),
            Value::Date(chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()),
        ]);
        csv.row([Value::Text("=SUM(A1)"), Value::Count(0), Value::Empty, Value::Raw("a-b")]);
        assert_eq!(
            csv.into_string(),
            "\u{feff}Tổ chức,Số lượng,Tỷ lệ (%),Ngày\r\n\"Chi bộ \"\"Thôn 3\"\", xã A\",12345,83.3,2026-12-02\r\n\"'=SUM(A1)\",0,,a-b\r\n"
        );
    }
}
