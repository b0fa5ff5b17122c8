//! The corpus of bad and odd files, each with the precise answer it must get.

use sheets::{Cell, Format, Limits, ReadError, Workbook};

use super::make::corpus_dir;
use super::register::date;

fn read(name: &str) -> Result<Workbook, ReadError> {
    let bytes = std::fs::read(corpus_dir().join(name)).unwrap();
    sheets::read(&bytes, name, &Limits::default())
}

fn error(name: &str) -> ReadError {
    read(name).expect_err(name)
}

fn cells(name: &str) -> Vec<Vec<Cell>> {
    let workbook = read(name).unwrap();
    assert_eq!(workbook.format, Format::Xlsx);
    workbook.sheets[0].rows.iter().map(|row| row.cells.clone()).collect()
}

#[test]
fn empty_file() {
    let error = error("empty.csv");
    assert_eq!(error, ReadError::Empty);
    assert_eq!(error.code(), "sheets.empty");
    assert_eq!(error.to_string(), "Tệp trống: không có dữ liệu nào để đọc.");
}

#[test]
fn random_bytes_named_xlsx() {
    assert_eq!(error("random.xlsx"), ReadError::WrongType { found: "tệp nhị phân không rõ loại" });
}

#[test]
fn truncated_xlsx() {
    let error = error("truncated.xlsx");
    assert_eq!(error.code(), "sheets.corrupt", "{error:?}");
    assert!(error.to_string().starts_with("Tệp bị hỏng hoặc chưa tải lên hết"));
}

#[test]
fn truncated_ods() {
    assert_eq!(error("truncated.ods").code(), "sheets.corrupt");
}

#[test]
fn encrypted_workbook() {
    let stub = error("encrypted.xlsx");
    assert_eq!(stub, ReadError::Encrypted);
    assert_eq!(stub.code(), "sheets.encrypted");
    // The register itself, saved with a password.
    assert_eq!(error("encrypted-password.xlsx"), ReadError::Encrypted);
}

#[test]
fn zip_bomb_declaring_a_huge_size() {
    let error = error("zip-bomb.xlsx");
    assert!(matches!(error, ReadError::ZipBomb { uncompressed, .. } if uncompressed >= 0xFFFF_0000), "{error:?}");
    assert_eq!(error.code(), "sheets.zip_bomb");
}

#[test]
fn formulas_without_values() {
    assert_eq!(
        cells("formulas-only.xlsx"),
        vec![
            vec![Cell::Number(2.0), Cell::Number(3.0), Cell::Formula("=A1+B1".to_owned())],
            vec![Cell::Number(5.0), Cell::Error("#DIV/0!".to_owned()), Cell::Formula("=CONCATENATE(\"Chi bộ \",\"thôn Đông\")".to_owned()),],
        ]
    );
}

#[test]
fn excel_1900_leap_year_bug() {
    assert_eq!(
        cells("dates-1900.xlsx"),
        vec![vec![
            Cell::Date(date(1900, 2, 28)),
            Cell::BadDate(60.0),
            Cell::Date(date(1900, 3, 1)),
            Cell::Date(date(1985, 3, 5)),
            Cell::Date(date(1900, 1, 1)),
        ]]
    );
}

#[test]
fn the_1904_date_system() {
    assert_eq!(cells("dates-1904.xlsx"), vec![vec![Cell::Date(date(1985, 3, 5)), Cell::Date(date(1904, 1, 1))]]);
}

#[test]
fn pdf_and_word_files() {
    assert_eq!(error("not-a-sheet.pdf"), ReadError::WrongType { found: "tệp PDF" });
    let word = error("letter.docx");
    assert_eq!(word, ReadError::WrongType { found: "tài liệu Word" });
    assert_eq!(word.to_string(), "Tệp không phải bảng tính (tài liệu Word). Hãy chọn tệp .xlsx, .xls, .ods hoặc .csv.");
}

#[test]
fn web_pages_and_xml_saved_as_spreadsheets() {
    assert_eq!(error("web-page.xls"), ReadError::WrongType { found: "trang web HTML; hãy mở bằng Excel rồi lưu lại dạng .xlsx" });
    assert_eq!(
        error("spreadsheet-2003.xml"),
        ReadError::WrongType { found: "bảng tính XML của Excel 2003; hãy mở bằng Excel rồi lưu lại dạng .xlsx" }
    );
}

#[test]
fn excel_unicode_text_is_not_csv() {
    let error = error("unicode-text.txt");
    assert_eq!(error.code(), "sheets.csv_undecodable");
    assert!(error.to_string().contains("UTF-16"));
}

#[test]
fn unclosed_quote_reads_the_rest_into_one_cell() {
    let workbook = read("unclosed-quote.csv").unwrap();
    assert_eq!(workbook.warnings[0].code, "sheets.csv_unclosed_quote");
    let rows = &workbook.sheets[0].rows;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].cells, vec![Cell::Text("Nguyễn Văn An".to_owned()), Cell::Text("chưa đóng\nTrần Thị Bình,x\n".to_owned()),]);
}

/// Every file in the corpus is answered above; a new file needs its expectation.
#[test]
fn every_corpus_file_has_its_test() {
    let mut names: Vec<String> =
        std::fs::read_dir(corpus_dir()).unwrap().map(|entry| entry.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "dates-1900.xlsx",
            "dates-1904.xlsx",
            "empty.csv",
            "encrypted-password.xlsx",
            "encrypted.xlsx",
            "formulas-only.xlsx",
            "letter.docx",
            "not-a-sheet.pdf",
            "random.xlsx",
            "spreadsheet-2003.xml",
            "truncated.ods",
            "truncated.xlsx",
            "unclosed-quote.csv",
            "unicode-text.txt",
            "web-page.xls",
            "zip-bomb.xlsx",
        ]
    );
}
