//! Makes the committed fixtures and corpus files (run by `scripts/make-import-fixtures`, which
//! then converts `register.xlsx` with LibreOffice). Ignored in the suite: it writes files.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook};
use unicode_normalization::UnicodeNormalization;

use super::register::{self, HEADER_ROW, MEMBERS_SHEET, SUBTITLE, TITLE, UNITS, UNITS_HEADER, UNITS_SHEET, Value};

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

#[test]
#[ignore = "writes the committed fixtures; run by scripts/make-import-fixtures"]
fn make_fixtures() {
    let fixtures = fixtures_dir();
    std::fs::create_dir_all(&fixtures).unwrap();
    let xlsx = register_xlsx();
    std::fs::write(fixtures.join("register.xlsx"), &xlsx).unwrap();
    std::fs::write(fixtures.join("register-utf8-bom.csv"), [b"\xEF\xBB\xBF".as_slice(), register_csv(',').as_bytes()].concat()).unwrap();
    std::fs::write(fixtures.join("register-windows-1258.csv"), windows_1258(&register_csv(';'))).unwrap();

    let corpus = corpus_dir();
    std::fs::create_dir_all(&corpus).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(corpus.join(name), bytes).unwrap();
    write("empty.csv", b"");
    write("random.xlsx", &random_bytes(4096));
    write("truncated.xlsx", xlsx.get(..xlsx.len() / 2).unwrap());
    write("encrypted.xlsx", &encrypted_stub());
    write("zip-bomb.xlsx", &zip_bomb_stub());
    write("formulas-only.xlsx", &minimal_xlsx(false, FORMULAS_SHEET));
    write("dates-1900.xlsx", &minimal_xlsx(false, DATES_1900_SHEET));
    write("dates-1904.xlsx", &minimal_xlsx(true, DATES_1904_SHEET));
    write("not-a-sheet.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n");
    write(
        "web-page.xls",
        "<html><head><meta charset=\"utf-8\"></head><body><table><tr><td>Họ và tên</td></tr></table></body></html>".as_bytes(),
    );
    write(
        "spreadsheet-2003.xml",
        br#"<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>"#,
    );
    write("letter.docx", &zip(&[("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")]));
    write("unicode-text.txt", &utf16le_with_bom("STT\tHọ và tên\r\n1\tNguyễn Văn An\r\n"));
    write("unclosed-quote.csv", "Họ và tên,Ghi chú\nNguyễn Văn An,\"chưa đóng\nTrần Thị Bình,x\n".as_bytes());
}

/// The register as a library that writes as Excel does would save it: two sheets, merged
/// titles above the header, dates as date cells.
pub fn register_xlsx() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_align(FormatAlign::Center);
    let date = Format::new().set_num_format("dd/mm/yyyy");

    let units = workbook.add_worksheet();
    units.set_name(UNITS_SHEET).unwrap();
    for (column, header) in UNITS_HEADER.iter().enumerate() {
        units.write_string_with_format(0, column as u16, *header, &bold).unwrap();
    }
    for (row, unit) in UNITS.iter().enumerate() {
        for (column, value) in unit.iter().enumerate() {
            if !value.is_empty() {
                units.write_string(row as u32 + 1, column as u16, *value).unwrap();
            }
        }
    }

    let members = workbook.add_worksheet();
    members.set_name(MEMBERS_SHEET).unwrap();
    let last = (register::HEADER.len() - 1) as u16;
    members.merge_range(0, 0, 0, last, TITLE, &title).unwrap();
    members.merge_range(1, 0, 1, last, SUBTITLE, &title).unwrap();
    for (row, values) in register::members_grid().iter().enumerate().skip(HEADER_ROW - 1) {
        let header = row == HEADER_ROW - 1;
        for (column, value) in values.iter().enumerate() {
            let (row, column) = (row as u32, column as u16);
            match *value {
                Value::Text(text) if header => {
                    members.write_string_with_format(row, column, text, &bold).unwrap();
                }
                Value::Text(text) => {
                    members.write_string(row, column, text).unwrap();
                }
                Value::Number(number) => {
                    members.write_number(row, column, number).unwrap();
                }
                Value::Date(y, m, d) => {
                    let at = ExcelDateTime::from_ymd(y as u16, m as u8, d as u8).unwrap();
                    members.write_datetime_with_format(row, column, at, &date).unwrap();
                }
                Value::Empty => {}
            }
        }
    }
    members.set_freeze_panes(HEADER_ROW as u32, 0).unwrap();
    members.autofit();
    workbook.save_to_buffer().unwrap()
}

/// The members' sheet as Excel exports it to CSV: merged titles as a value then empty fields,
/// dates as dd/mm/yyyy, CRLF line ends.
pub fn register_csv(delimiter: char) -> String {
    let width = register::HEADER.len();
    let mut out = String::new();
    for values in register::members_grid() {
        let mut fields: Vec<String> = values.iter().map(|v| quote(&v.csv_text(), delimiter)).collect();
        fields.resize(width, String::new());
        out.push_str(&fields.join(&delimiter.to_string()));
        out.push_str("\r\n");
    }
    out
}

fn quote(field: &str, delimiter: char) -> String {
    if field.contains([delimiter, '"', '\n', '\r']) { format!("\"{}\"", field.replace('"', "\"\"")) } else { field.to_owned() }
}

/// Code page 1258 as old Vietnamese files hold it: letters with a shape mark (â ă ê ô ơ ư)
/// precomposed, the five tone marks as combining characters after them.
pub fn windows_1258(text: &str) -> Vec<u8> {
    const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    let mut out = String::new();
    let mut tone = None;
    for c in text.nfd() {
        if TONES.contains(&c) {
            tone = Some(c);
            continue;
        }
        if unicode_normalization::char::is_combining_mark(c) {
            // A shape mark: compose it with its letter (the tone, if any, comes after).
            let base = out.pop().unwrap();
            out.push(unicode_normalization::char::compose(base, c).unwrap());
            continue;
        }
        out.extend(tone.take());
        out.push(c);
    }
    out.extend(tone);
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&out);
    assert!(!unmappable);
    bytes.into_owned()
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

/// Deterministic noise (xorshift), starting with no known signature.
pub fn random_bytes(len: usize) -> Vec<u8> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

pub fn zip(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(content.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A tiny xlsx whose sheet entry declares an uncompressed size of almost 4 GiB in the central
/// directory.
fn zip_bomb_stub() -> Vec<u8> {
    let mut bytes = minimal_xlsx(false, "<sheetData/>");
    let declared = 0xFFFF_0000u32.to_le_bytes();
    let target = b"xl/worksheets/sheet1.xml";
    let mut at = 0;
    while let Some(found) = find(&bytes[at..], b"PK\x01\x02") {
        let header = at + found;
        let name_len = u16::from_le_bytes([bytes[header + 28], bytes[header + 29]]) as usize;
        if bytes.get(header + 46..header + 46 + name_len) == Some(target.as_slice()) {
            bytes[header + 24..header + 28].copy_from_slice(&declared);
        }
        at = header + 4;
    }
    bytes
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// An encrypted Office document as Excel saves it with a password: an OLE compound file (one
/// FAT sector, one directory sector) holding an `EncryptedPackage` stream (here noise).
fn encrypted_stub() -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    const FAT: u32 = 0xFFFF_FFFD;
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let put16 = |buf: &mut [u8], at: usize, v: u16| buf[at..at + 2].copy_from_slice(&v.to_le_bytes());
    let put32 = |buf: &mut [u8], at: usize, v: u32| buf[at..at + 4].copy_from_slice(&v.to_le_bytes());
    put16(&mut header, 24, 0x003E);
    put16(&mut header, 26, 0x0003);
    put16(&mut header, 28, 0xFFFE);
    put16(&mut header, 30, 0x0009);
    put16(&mut header, 32, 0x0006);
    put32(&mut header, 44, 1); // FAT sectors
    put32(&mut header, 48, 1); // first directory sector
    put32(&mut header, 56, 4096); // mini stream cutoff
    put32(&mut header, 60, END); // no mini FAT
    put32(&mut header, 68, END); // no DIFAT sectors
    put32(&mut header, 76, 0); // the FAT is sector 0
    for slot in 1..109 {
        put32(&mut header, 76 + slot * 4, FREE);
    }
    // FAT: sector 0 is the FAT, 1 the directory, 2–9 the stream.
    let mut fat = vec![0xFFu8; 512];
    put32(&mut fat, 0, FAT);
    put32(&mut fat, 4, END);
    for sector in 2..10u32 {
        let next = if sector == 9 { END } else { sector + 1 };
        put32(&mut fat, sector as usize * 4, next);
    }
    let mut directory = vec![0u8; 512];
    let entry = |buf: &mut Vec<u8>, index: usize, name: &str, kind: u8, child: u32, start: u32, size: u32| {
        let at = index * 128;
        let name: Vec<u8> = name.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect();
        buf[at..at + name.len()].copy_from_slice(&name);
        buf[at + 64..at + 66].copy_from_slice(&(name.len() as u16).to_le_bytes());
        buf[at + 66] = kind;
        buf[at + 67] = 1; // black
        buf[at + 68..at + 72].copy_from_slice(&FREE.to_le_bytes());
        buf[at + 72..at + 76].copy_from_slice(&FREE.to_le_bytes());
        buf[at + 76..at + 80].copy_from_slice(&child.to_le_bytes());
        buf[at + 116..at + 120].copy_from_slice(&start.to_le_bytes());
        buf[at + 120..at + 124].copy_from_slice(&size.to_le_bytes());
    };
    entry(&mut directory, 0, "Root Entry", 5, 1, END, 0);
    entry(&mut directory, 1, "EncryptedPackage", 2, FREE, 2, 4096);
    [header, fat, directory, random_bytes(4096)].concat()
}

/// The smallest workbook calamine and Excel open: one sheet, a date style (`s="1"`).
pub fn minimal_xlsx(date1904: bool, sheet_data: &str) -> Vec<u8> {
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr{}/><sheets><sheet name="Trang1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        if date1904 { r#" date1904="1""# } else { "" }
    );
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sheet_data}</worksheet>"#
    );
    zip(&[
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        ("xl/workbook.xml", &workbook),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#,
        ),
        (
            "xl/styles.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"#,
        ),
        ("xl/worksheets/sheet1.xml", &sheet),
    ])
}

/// Formulas saved without computed values (as libraries that do not calculate write them),
/// next to one with its value and one showing an error.
pub const FORMULAS_SHEET: &str = r#"<sheetData><row r="1"><c r="A1"><v>2</v></c><c r="B1"><v>3</v></c><c r="C1"><f>A1+B1</f></c></row><row r="2"><c r="A2"><f>SUM(A1:B1)</f><v>5</v></c><c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C2" t="str"><f>CONCATENATE("Chi bộ ","thôn Đông")</f></c></row></sheetData>"#;

/// Serials around Excel's 29/02/1900 and a date of the register, all in a date format.
pub const DATES_1900_SHEET: &str = r#"<sheetData><row r="1"><c r="A1" s="1"><v>59</v></c><c r="B1" s="1"><v>60</v></c><c r="C1" s="1"><v>61</v></c><c r="D1" s="1"><v>31111</v></c><c r="E1" s="1"><v>1</v></c></row></sheetData>"#;

/// 05/03/1985 in the 1904 date system, and the system's first day.
pub const DATES_1904_SHEET: &str =
    r#"<sheetData><row r="1"><c r="A1" s="1"><v>29649</v></c><c r="B1" s="1"><v>0</v></c></row></sheetData>"#;
