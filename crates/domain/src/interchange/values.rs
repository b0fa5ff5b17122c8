//! What a cell holds and how it is read as a date, an identifier, a closed-list value or text.
//!
//! Spreadsheets store the same fact many ways: a date as a date cell, as text in five shapes or as
//! a bare serial number; a CCCD as a number that lost its leading zero. Each reader here accepts
//! every shape people produce and says, as a [`Warning`], when it repaired something.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::error::FieldError;
use crate::text::{clean, fold};

/// One cell as a spreadsheet reader hands it in.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
    /// A formula saved without its computed value.
    Formula(String),
    /// An error value (`#N/A`, `#REF!`…).
    Error(String),
    /// A date cell naming no day (Excel's 29/02/1900).
    BadDate,
}

impl Value {
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text people would read (numbers without a needless ".0", dates dd/mm/yyyy).
    pub fn display(&self) -> String {
        match self {
            Value::Empty | Value::BadDate => String::new(),
            Value::Text(t) => clean(t),
            Value::Number(n) => number_text(*n),
            Value::Date(d) => crate::dates::format_vn(*d),
            Value::Bool(true) => "Có".into(),
            Value::Bool(false) => "Không".into(),
            Value::Formula(f) => format!("={f}"),
            Value::Error(e) => e.clone(),
        }
    }
}

/// Something a reader repaired, said to the person importing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Warning {
    pub code: &'static str,
    pub message: String,
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n}") }
}

/// The problem with a cell that cannot hold a value at all, whatever the column.
fn unusable(value: &Value) -> Option<FieldError> {
    match value {
        Value::Formula(f) => Some(FieldError::new(
            "",
            "formula",
            format!("Ô chứa công thức ={f} chưa có giá trị; mở tệp bằng Excel, lưu lại rồi nạp (hoặc dán giá trị thay cho công thức)."),
        )),
        Value::Error(e) => Some(FieldError::new("", "cell_error", format!("Ô chứa lỗi {e} của bảng tính."))),
        Value::BadDate => {
            Some(FieldError::new("", "invalid_date", "Ô ngày 29/02/1900 không có trong lịch (lỗi năm nhuận 1900 của Excel)."))
        }
        _ => None,
    }
}

/// Free text (`None` when empty).
pub fn text(value: &Value) -> Result<Option<String>, FieldError> {
    if let Some(e) = unusable(value) {
        return Err(e);
    }
    let t = value.display();
    Ok(if t.is_empty() { None } else { Some(t) })
}

/// Excel's day 1 is 1900-01-01 and it counts a 29/02/1900 that never was (serial 60), so serials
/// from 61 on are one day ahead of a plain count from 1899-12-31.
fn excel_serial(serial: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.trunc() as u64;
    let base = NaiveDate::from_ymd_opt(1899, 12, 31)?;
    match days {
        60 => None,
        d if d < 60 => base.checked_add_days(Days::new(d)),
        d => base.checked_add_days(Days::new(d - 1)),
    }
}

/// A date: a date cell; text as `d/m/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`, `yyyy-mm-dd` or "ngày 5
/// tháng 3 năm 1985"; a bare number read as an Excel serial (with a warning).
pub fn date(value: &Value, warnings: &mut Vec<Warning>) -> Result<Option<NaiveDate>, FieldError> {
    if let Some(e) = unusable(value) {
        return Err(e);
    }
    match value {
        Value::Empty => Ok(None),
        Value::Date(d) => Ok(Some(*d)),
        Value::Number(n) => match excel_serial(*n) {
            Some(d) => {
                warnings.push(Warning {
                    code: "date_serial",
                    message: format!("Ô ngày lưu dạng số {}; đã đọc là {}.", number_text(*n), crate::dates::format_vn(d)),
                });
                Ok(Some(d))
            }
            None => Err(FieldError::new("", "invalid_date", format!("Số {} không phải là một ngày.", number_text(*n)))),
        },
        Value::Bool(_) => Err(FieldError::new("", "invalid_date", "Ô này cần một ngày.")),
        Value::Text(t) => {
            let t = clean(t);
            if t.is_empty() {
                return Ok(None);
            }
            if let Some(d) = worded_date(&t) {
                return Ok(Some(d));
            }
            crate::dates::parse_date(&t).map(Some)
        }
        Value::Formula(_) | Value::Error(_) | Value::BadDate => Ok(None),
    }
}

/// "ngày 05 tháng 3 năm 1985" (also folded and without "ngày").
fn worded_date(t: &str) -> Option<NaiveDate> {
    let f = fold(t);
    let words: Vec<&str> = f.split(' ').collect();
    let at = |w: &str| words.iter().position(|x| *x == w);
    let (m, y) = (at("thang")?, at("nam")?);
    let day = words.get(m.checked_sub(1)?)?.parse().ok()?;
    let month = words.get(m + 1)?.parse().ok()?;
    let year = words.get(y + 1)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// An identifier made of digits (CCCD, card number) as text: a number cell is written without
/// decimals, separators people type (spaces, dots, commas) are left to the identifier's own
/// parser. Excel drops the leading zeros of a number (a CCCD begins with its province's code,
/// 001–096), and a CSV saved from it keeps them dropped: a number, or text of digits only, one or
/// two digits short of `width` gets its zeros back, with a warning. Three short is another
/// identifier (the old 9-digit CMND) and is left for the parser to refuse.
pub fn digits(value: &Value, width: usize, label: &str, warnings: &mut Vec<Warning>) -> Result<Option<String>, FieldError> {
    if let Some(e) = unusable(value) {
        return Err(e);
    }
    let raw = match value {
        Value::Number(n) if n.fract() == 0.0 && *n >= 0.0 => number_text(*n),
        other => match text(other)? {
            Some(t) => t,
            None => return Ok(None),
        },
    };
    let all_digits = !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit());
    if all_digits && raw.len() < width && raw.len() + 2 >= width {
        let restored = format!("{raw:0>width$}");
        warnings.push(Warning {
            code: "leading_zero_restored",
            message: format!("{label} {raw} đã mất số 0 ở đầu (ô lưu dạng số); đã khôi phục thành {restored}."),
        });
        return Ok(Some(restored));
    }
    Ok(Some(raw))
}

/// Yes or no ("x", "có", "1", "đoàn viên"… / empty, "không", "0").
pub fn yes_no(value: &Value) -> Result<Option<bool>, FieldError> {
    if let Some(e) = unusable(value) {
        return Err(e);
    }
    match value {
        Value::Empty => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        Value::Number(n) => Ok(Some(*n != 0.0)),
        other => {
            let f = fold(&other.display());
            match f.as_str() {
                "" => Ok(None),
                "x" | "co" | "1" | "true" | "yes" | "doan vien" | "dv" | "phai" => Ok(Some(true)),
                "khong" | "0" | "false" | "no" | "-" => Ok(Some(false)),
                _ => Err(FieldError::new("", "invalid_format", format!("“{}” không phải là có/không.", other.display()))),
            }
        }
    }
}

/// One value of a closed list typed by a person: its code, its label or a known synonym,
/// compared folded.
pub struct ListReader<T: 'static> {
    pub what: &'static str,
    pub all: &'static [T],
    pub code: fn(T) -> &'static str,
    pub label: fn(T) -> &'static str,
    /// Other words for a value, folded.
    pub synonyms: &'static [(&'static str, T)],
}

impl<T: Copy + 'static> ListReader<T> {
    pub fn read(&self, value: &Value) -> Result<Option<T>, FieldError> {
        let Some(t) = text(value)? else { return Ok(None) };
        // Most files write the label itself: found without folding every label of the list.
        if let Some(v) = self.all.iter().copied().find(|v| (self.label)(*v) == t || (self.code)(*v) == t) {
            return Ok(Some(v));
        }
        let f = fold(&t);
        let found = self
            .all
            .iter()
            .copied()
            .find(|v| fold(&(self.code)(*v).replace('-', " ")) == f || fold((self.label)(*v)) == f)
            .or_else(|| self.synonyms.iter().find(|(s, _)| *s == f).map(|(_, v)| *v));
        match found {
            Some(v) => Ok(Some(v)),
            None => {
                let known: Vec<&str> = self.all.iter().map(|v| (self.label)(*v)).take(8).collect();
                let more = if self.all.len() > 8 { ", …" } else { "" };
                Err(FieldError::new(
                    "",
                    "unknown_value",
                    format!("{} “{}” không có trong danh mục (ví dụ: {}{}).", self.what, t, known.join(", "), more),
                ))
            }
        }
    }
}
