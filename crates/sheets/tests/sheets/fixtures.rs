//! Every register fixture reads into the same grid.

use sheets::{Cell, Encoding, Format, Limits, Sheet, Workbook};

use super::make::fixtures_dir;
use super::register::{self, HEADER_ROW, MEMBERS, MEMBERS_SHEET, UNITS, UNITS_HEADER, UNITS_SHEET};

fn read(name: &str) -> Workbook {
    let bytes = std::fs::read(fixtures_dir().join(name)).unwrap();
    sheets::read(&bytes, name, &Limits::default()).unwrap()
}

fn sheet<'a>(workbook: &'a Workbook, name: &str) -> &'a Sheet {
    workbook.sheets.iter().find(|sheet| sheet.name == name).unwrap_or_else(|| panic!("no sheet {name}"))
}

/// The members' sheet: titles in rows 1–2 (merged: the value in column A only), row 3 skipped,
/// the header on row 4, then the 20 members with each value as `expected` gives it.
fn check_members(sheet: &Sheet, expected: impl Fn(register::Value) -> Cell) {
    let numbers: Vec<usize> = sheet.rows.iter().map(|row| row.number).collect();
    let mut wanted = vec![1, 2];
    wanted.extend(HEADER_ROW..HEADER_ROW + MEMBERS.len() + 1);
    assert_eq!(numbers, wanted);
    let titles: Vec<&[Cell]> = sheet.rows.iter().take(2).map(|row| row.cells.as_slice()).collect();
    assert_eq!(titles, vec![[Cell::Text(register::TITLE.to_owned())].as_slice(), [Cell::Text(register::SUBTITLE.to_owned())].as_slice(),]);
    let header = &sheet.rows[2];
    assert_eq!(header.number, HEADER_ROW);
    let header_texts: Vec<Cell> = register::HEADER.iter().map(|h| Cell::Text((*h).to_owned())).collect();
    assert_eq!(header.cells, header_texts);
    let data = &sheet.rows[3..];
    assert_eq!(data.len(), 20);
    for (index, (row, member)) in data.iter().zip(MEMBERS.iter()).enumerate() {
        let mut cells: Vec<Cell> = member.values(index + 1).iter().map(|v| expected(*v)).collect();
        while cells.last() == Some(&Cell::Empty) {
            cells.pop();
        }
        assert_eq!(row.cells, cells, "row {}", row.number);
    }
}

fn check_units(sheet: &Sheet) {
    assert_eq!(sheet.rows.len(), 5);
    let header: Vec<Cell> = UNITS_HEADER.iter().map(|h| Cell::Text((*h).to_owned())).collect();
    assert_eq!(sheet.rows[0].cells, header);
    for (row, unit) in sheet.rows[1..].iter().zip(UNITS.iter()) {
        let mut cells: Vec<Cell> = unit.iter().map(|v| if v.is_empty() { Cell::Empty } else { Cell::Text((*v).to_owned()) }).collect();
        while cells.last() == Some(&Cell::Empty) {
            cells.pop();
        }
        assert_eq!(row.cells, cells);
    }
}

fn check_workbook(workbook: &Workbook, format: Format) {
    assert_eq!(workbook.format, format);
    assert_eq!(workbook.encoding, None);
    let names: Vec<&str> = workbook.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec![UNITS_SHEET, MEMBERS_SHEET]);
    check_units(sheet(workbook, UNITS_SHEET));
    check_members(sheet(workbook, MEMBERS_SHEET), register::Value::workbook_cell);
    let codes: Vec<&str> = workbook.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, vec!["sheets.empty_rows_skipped"]);
    assert_eq!(workbook.warnings[0].message, "Trang “Đảng viên”: đã bỏ qua 1 dòng trống.");
}

#[test]
fn xlsx_written_as_excel_does() {
    check_workbook(&read("register.xlsx"), Format::Xlsx);
}

#[test]
fn xlsx_saved_by_libreoffice() {
    check_workbook(&read("register-libreoffice.xlsx"), Format::Xlsx);
}

#[test]
fn ods_saved_by_libreoffice() {
    check_workbook(&read("register-libreoffice.ods"), Format::Ods);
}

#[test]
fn xls_saved_by_libreoffice() {
    check_workbook(&read("register-libreoffice.xls"), Format::Xls);
}

fn check_csv(name: &str, encoding: Encoding) {
    let workbook = read(name);
    assert_eq!(workbook.format, Format::Csv);
    assert_eq!(workbook.encoding, Some(encoding));
    assert_eq!(workbook.sheets.len(), 1);
    let sheet = &workbook.sheets[0];
    assert_eq!(sheet.name, name.trim_end_matches(".csv"));
    check_members(sheet, register::Value::csv_cell);
}

#[test]
fn csv_in_utf8_with_bom() {
    check_csv("register-utf8-bom.csv", Encoding::Utf8Bom);
}

#[test]
fn csv_in_windows_1258_with_combining_tone_marks() {
    let bytes = std::fs::read(fixtures_dir().join("register-windows-1258.csv")).unwrap();
    // "Nguyễn": ê (0xEA) then the combining tilde (0xDE), as code page 1258 stores it.
    assert!(bytes.windows(4).any(|w| w == b"Nguy".as_slice()));
    assert!(bytes.windows(3).any(|w| w == [b'y', 0xEA, 0xDE]));
    check_csv("register-windows-1258.csv", Encoding::Windows1258);
}

#[test]
fn the_file_name_is_only_a_hint() {
    let bytes = std::fs::read(fixtures_dir().join("register.xlsx")).unwrap();
    let workbook = sheets::read(&bytes, "danh-sach.csv", &Limits::default()).unwrap();
    assert_eq!(workbook.format, Format::Xlsx);
    assert_eq!(workbook.warnings[0].code, "sheets.name_mismatch");
    assert_eq!(workbook.warnings[0].message, "Tên tệp có đuôi .csv nhưng nội dung là .xlsx (Excel); tệp đã được đọc theo nội dung.");
}
