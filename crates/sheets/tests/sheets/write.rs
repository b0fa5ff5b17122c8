//! The corrected workbook: written, then read back.

use std::io::{Cursor, Read};

use sheets::{Cell, CellOut, Limits, Position, SheetOut};

use super::register::date;

fn sheet_xml(bytes: &[u8], path: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    archive.by_name(path).unwrap().read_to_string(&mut xml).unwrap();
    xml
}

#[test]
fn the_workbook_with_an_error_column_reads_back() {
    let rows = vec![
        vec![CellOut::Text("DANH SÁCH ĐẢNG VIÊN".to_owned())],
        vec![
            CellOut::Text("Họ và tên".to_owned()),
            CellOut::Text("Ngày sinh".to_owned()),
            CellOut::Text("Số CCCD".to_owned()),
            CellOut::Text("Lỗi".to_owned()),
        ],
        vec![
            CellOut::Text("Đỗ Văn Khánh".to_owned()),
            CellOut::Date(date(2030, 6, 15)),
            CellOut::Number(40_230_008_901.0),
            CellOut::Text("Ngày sinh: sau ngày hôm nay".to_owned()),
        ],
        vec![CellOut::Text("Hồ Thị Lan".to_owned()), CellOut::Empty, CellOut::Empty],
    ];
    let out = SheetOut {
        name: "Đảng viên".to_owned(),
        rows,
        header_row: Some(1),
        highlight: vec![Position { row: 2, column: 1 }, Position { row: 3, column: 1 }],
    };
    let bytes = sheets::write_xlsx(&[out]).unwrap();

    let read = sheets::read(&bytes, "loi.xlsx", &Limits::default()).unwrap();
    assert_eq!(read.sheets[0].name, "Đảng viên");
    let cells: Vec<Vec<Cell>> = read.sheets[0].rows.iter().map(|r| r.cells.clone()).collect();
    assert_eq!(
        cells,
        vec![
            vec![Cell::Text("DANH SÁCH ĐẢNG VIÊN".to_owned())],
            vec![
                Cell::Text("Họ và tên".to_owned()),
                Cell::Text("Ngày sinh".to_owned()),
                Cell::Text("Số CCCD".to_owned()),
                Cell::Text("Lỗi".to_owned()),
            ],
            vec![
                Cell::Text("Đỗ Văn Khánh".to_owned()),
                Cell::Date(date(2030, 6, 15)),
                Cell::Number(40_230_008_901.0),
                Cell::Text("Ngày sinh: sau ngày hôm nay".to_owned()),
            ],
            vec![Cell::Text("Hồ Thị Lan".to_owned())],
        ]
    );

    let xml = sheet_xml(&bytes, "xl/worksheets/sheet1.xml");
    // Frozen below the header (row 2), the empty highlighted cell B4 still written with a style.
    assert!(xml.contains(r#"topLeftCell="A3""#), "{xml}");
    assert!(xml.contains(r#"<c r="B4" s="#), "{xml}");
    let styles = sheet_xml(&bytes, "xl/styles.xml");
    assert!(styles.contains("FFFFC7CE"), "the highlight fill");
    assert!(styles.contains("<b/>"), "the bold header");
}

#[test]
fn sheet_names_excel_refuses_are_made_valid() {
    let sheet = |name: &str| SheetOut {
        name: name.to_owned(),
        rows: vec![vec![CellOut::Text("x".to_owned())]],
        header_row: None,
        highlight: Vec::new(),
    };
    let bytes = sheets::write_xlsx(&[sheet("Tổ chức/2025"), sheet("Tổ chức_2025")]).unwrap();
    let read = sheets::read(&bytes, "x.xlsx", &Limits::default()).unwrap();
    let names: Vec<&str> = read.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["Tổ chức_2025", "Tổ chức_2025 (2)"]);
}
