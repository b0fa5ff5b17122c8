//! Files at and past the limits, generated in the test.

use std::time::{Duration, Instant};

use rust_xlsxwriter::{Format, Workbook};
use sheets::{Cell, Limits, ReadError};

use super::make::{minimal_xlsx, zip};

/// A sheet formatted down to row 1 000 005 (a fill colour on every row) with values in its
/// first five rows only: read in bounded time into five rows.
#[test]
fn a_million_formatted_empty_rows() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let filled = Format::new().set_background_color(rust_xlsxwriter::Color::RGB(0xFFFFCC));
    for row in 0..5u32 {
        sheet.write_string(row, 0, format!("Đảng viên {row}")).unwrap();
        sheet.write_number(row, 1, f64::from(row)).unwrap();
    }
    for row in 0..1_000_005u32 {
        sheet.set_row_format(row, &filled).unwrap();
    }
    let bytes = workbook.save_to_buffer().unwrap();

    let started = Instant::now();
    let read = sheets::read(&bytes, "lon.xlsx", &Limits::default()).unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
    let rows = &read.sheets[0].rows;
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[4].cells, vec![Cell::Text("Đảng viên 4".to_owned()), Cell::Number(4.0)]);
    assert_eq!(read.warnings.len(), 1);
    assert_eq!(read.warnings[0].code, "sheets.empty_rows_skipped");
    assert_eq!(read.warnings[0].message, "Trang “Sheet1”: đã bỏ qua 1000000 dòng trống.");
}

#[test]
fn too_many_rows_and_columns() {
    let limits = Limits { max_rows: 3, max_columns: 2, ..Limits::default() };
    let csv = "a,b\n1,2\n3,4\n5,6\n";
    let error = sheets::read(csv.as_bytes(), "ds.csv", &limits).unwrap_err();
    assert_eq!(error, ReadError::TooManyRows { sheet: "ds".to_owned(), row: 4, limit: 3 });
    assert_eq!(error.code(), "sheets.too_many_rows");
    assert_eq!(error.to_string(), "Trang “ds” có dữ liệu đến dòng 4, quá giới hạn 3 dòng.");

    let error = sheets::read(b"a,b,c\n", "ds.csv", &limits).unwrap_err();
    assert_eq!(error, ReadError::TooManyColumns { sheet: "ds".to_owned(), column: 3, limit: 2 });
    assert_eq!(error.code(), "sheets.too_many_columns");

    // Empty fields past the limit are no values.
    assert!(sheets::read(b"a,b,,,,\n", "ds.csv", &limits).is_ok());

    let xlsx = minimal_xlsx(false, r#"<sheetData><row r="7"><c r="A7"><v>1</v></c></row></sheetData>"#);
    let error = sheets::read(&xlsx, "ds.xlsx", &limits).unwrap_err();
    assert_eq!(error, ReadError::TooManyRows { sheet: "Trang1".to_owned(), row: 7, limit: 3 });
}

#[test]
fn too_large_a_file() {
    let limits = Limits { max_bytes: 10, ..Limits::default() };
    let error = sheets::read(b"a,b\n1,2\n3,4\n", "ds.csv", &limits).unwrap_err();
    assert_eq!(error, ReadError::TooLarge { bytes: 12, limit: 10 });
    assert_eq!(error.code(), "sheets.too_large");
}

/// 20 MB of spaces deflate to a few kilobytes: past the ratio, refused before unpacking.
#[test]
fn compression_ratio_bomb() {
    let spaces = " ".repeat(20 * 1024 * 1024);
    let bytes = zip(&[("xl/workbook.xml", "<workbook/>"), ("xl/worksheets/sheet1.xml", &spaces)]);
    let error = sheets::read(&bytes, "bom.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(error, ReadError::ZipBomb { ratio, .. } if ratio > 200), "{error:?}");
}

#[test]
fn a_workbook_without_worksheets() {
    let xlsx = super::make::minimal_xlsx(false, "<sheetData/>");
    // The one sheet is empty: nothing to read.
    assert_eq!(sheets::read(&xlsx, "x.xlsx", &Limits::default()).unwrap_err(), ReadError::Empty);
    let no_sheets = zip(&[("xl/workbook.xml", "<workbook><sheets/></workbook>")]);
    let error = sheets::read(&no_sheets, "x.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(error, ReadError::NoSheet | ReadError::Corrupt { .. }), "{error:?}");
}

#[test]
fn binary_excel_workbooks_are_named() {
    let xlsb = zip(&[("xl/workbook.bin", "\0\0"), ("[Content_Types].xml", "<Types/>")]);
    let error = sheets::read(&xlsb, "x.xlsb", &Limits::default()).unwrap_err();
    assert_eq!(error.code(), "sheets.wrong_type");
    assert!(error.to_string().contains(".xlsb"), "{error}");
}

/// Two bytes changed in the LibreOffice .xls move a cell to column 9 731: it is refused from the
/// cell records, before calamine would lay out a grid of that width (gigabytes, tens of seconds).
#[test]
fn a_damaged_xls_cell_far_away_is_refused_before_the_grid_is_built() {
    let mut bytes = std::fs::read(super::make::fixtures_dir().join("register-libreoffice.xls")).unwrap();
    let n = bytes.len();
    for (at, mask) in [(0.7736413069771201f64, 37u8), (0.7135013412923146, 38)] {
        bytes[((n as f64) * at) as usize % n] ^= mask;
    }
    let limits = Limits { max_rows: 10_000, max_columns: 100, ..Limits::default() };
    match sheets::read(&bytes, "x.xls", &limits) {
        Err(ReadError::TooManyColumns { column, limit: 100, .. }) => assert!(column > 100),
        Err(ReadError::TooManyRows { limit: 10_000, .. }) => {}
        other => panic!("expected a refusal of the far cell, got {:?}", other.map(|_| "a workbook")),
    }
    // The undamaged file still reads whole.
    let fine = std::fs::read(super::make::fixtures_dir().join("register-libreoffice.xls")).unwrap();
    assert!(sheets::read(&fine, "x.xls", &Limits::default()).is_ok());
}
