//! The register of one commune that every fixture holds: the data the generator writes and the
//! tests expect back.

use chrono::NaiveDate;
use sheets::Cell;

/// A value as the member register holds it.
#[derive(Debug, Clone, Copy)]
pub enum Value {
    /// Text typed in the cell.
    Text(&'static str),
    /// A number cell (a CCCD that lost its leading zero).
    Number(f64),
    /// A real date cell in workbooks; "dd/mm/yyyy" in CSV files.
    Date(i32, u32, u32),
    Empty,
}

pub const TITLE: &str = "ĐẢNG BỘ XÃ TÂN PHÚ";
pub const SUBTITLE: &str = "DANH SÁCH ĐẢNG VIÊN";
pub const MEMBERS_SHEET: &str = "Đảng viên";
pub const UNITS_SHEET: &str = "Tổ chức";
/// 1-based row of the members' header.
pub const HEADER_ROW: usize = 4;

pub const HEADER: [&str; 15] = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Tôn giáo",
    "Số CCCD",
    "Số thẻ đảng viên",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Chi bộ",
    "Trạng thái",
    "Trình độ GDPT",
    "Nghề nghiệp",
    "Nơi ở hiện nay",
];

pub const UNITS_HEADER: [&str; 4] = ["Mã tổ chức", "Tên tổ chức", "Loại", "Mã tổ chức cấp trên"];
pub const UNITS: [[&str; 4]; 4] = [
    ["TP", "Đảng bộ xã Tân Phú", "Đảng bộ cơ sở", ""],
    ["TP-01", "Chi bộ thôn Đông", "Chi bộ", "TP"],
    ["TP-02", "Chi bộ thôn Tây", "Chi bộ", "TP"],
    ["TP-03", "Chi bộ Trường Tiểu học Tân Phú", "Chi bộ", "TP"],
];

/// One member's row, in the order of [`HEADER`] after STT.
pub struct Member {
    pub name: &'static str,
    pub born: Value,
    pub sex: &'static str,
    pub ethnicity: &'static str,
    pub religion: &'static str,
    pub cccd: Value,
    pub card: &'static str,
    pub admitted: Value,
    pub official: Value,
    pub cell: &'static str,
    pub status: &'static str,
    pub schooling: &'static str,
    pub occupation: &'static str,
    pub residence: &'static str,
}

use Value::{Date as D, Empty as E, Number as N, Text as T};

const EAST: &str = "Thôn Đông, xã Tân Phú";
const WEST: &str = "Thôn Tây, xã Tân Phú";

#[rustfmt::skip]
pub const MEMBERS: [Member; 20] = [
    Member { name: "Nguyễn Văn An", born: D(1970, 5, 12), sex: "Nam", ethnicity: "Kinh", religion: "Không", cccd: T("040070001234"), card: "40001234", admitted: D(1995, 2, 3), official: D(1996, 2, 3), cell: "TP-01", status: "Chính thức", schooling: "12/12", occupation: "Nông nghiệp", residence: EAST },
    Member { name: "Trần Thị Bình", born: D(1975, 8, 20), sex: "Nữ", ethnicity: "Kinh", religion: "Không", cccd: T("040175002345"), card: "40002345", admitted: D(2000, 5, 19), official: D(2001, 5, 19), cell: "Chi bộ thôn Đông", status: "Chính thức", schooling: "12/12", occupation: "Giáo viên", residence: EAST },
    // CCCD 001090001234 typed as a number: the leading zeros are lost.
    Member { name: "Lê Văn Cường", born: D(1990, 11, 2), sex: "Nam", ethnicity: "Kinh", religion: "Phật giáo", cccd: N(1_090_001_234.0), card: "40003456", admitted: D(2015, 9, 2), official: D(2016, 9, 2), cell: "TP-02", status: "Chính thức", schooling: "12/12", occupation: "Nông nghiệp", residence: WEST },
    Member { name: "Phạm Thị Dung", born: T("5/3/1985"), sex: "Nữ", ethnicity: "Kinh", religion: "Không", cccd: T("040185003456"), card: "40004567", admitted: D(2008, 3, 26), official: D(2009, 3, 26), cell: "Chi bộ thôn Tây", status: "Chính thức", schooling: "12/12", occupation: "Kinh doanh", residence: WEST },
    Member { name: "Hoàng Văn Em", born: D(1960, 1, 15), sex: "Nam", ethnicity: "Tày", religion: "Không", cccd: T("040060004567"), card: "40005678", admitted: T("1985-03-05"), official: D(1986, 3, 5), cell: "TP-01", status: "Chính thức", schooling: "10/10", occupation: "Hưu trí", residence: EAST },
    Member { name: "Vũ Thị Giang", born: D(1962, 7, 7), sex: "Nữ", ethnicity: "Kinh", religion: "Công giáo", cccd: T("040162005678"), card: "40006789", admitted: D(1984, 3, 5), official: T("05.03.1985"), cell: "TP-02", status: "Chính thức", schooling: "10/10", occupation: "Hưu trí", residence: WEST },
    Member { name: "Đặng Văn Hùng", born: D(1948, 4, 30), sex: "Nam", ethnicity: "Kinh", religion: "Không", cccd: T("040048006789"), card: "40007890", admitted: D(1968, 12, 22), official: D(1969, 12, 22), cell: "TP-01", status: "Từ trần", schooling: "7/10", occupation: "Hưu trí", residence: EAST },
    Member { name: "Bùi Thị Hoa", born: D(1955, 10, 10), sex: "Nữ", ethnicity: "Kinh", religion: "Phật giáo", cccd: T("040155007890"), card: "40008901", admitted: D(1980, 2, 3), official: D(1981, 2, 3), cell: "TP-02", status: "Miễn sinh hoạt", schooling: "10/10", occupation: "Hưu trí", residence: WEST },
    // Refused on purpose: born in 2030.
    Member { name: "Đỗ Văn Khánh", born: D(2030, 6, 15), sex: "Nam", ethnicity: "Kinh", religion: "Không", cccd: T("040230008901"), card: "40009012", admitted: D(2020, 5, 19), official: D(2021, 5, 19), cell: "TP-03", status: "Chính thức", schooling: "12/12", occupation: "Giáo viên", residence: EAST },
    // A chi bộ the file's units do not have.
    Member { name: "Hồ Thị Lan", born: D(1988, 9, 2), sex: "Nữ", ethnicity: "Mường", religion: "Không", cccd: T("040188009012"), card: "40010123", admitted: D(2012, 1, 6), official: D(2013, 1, 6), cell: "Chi bộ thôn Bắc", status: "Chính thức", schooling: "12/12", occupation: "Nông nghiệp", residence: "Thôn Bắc, xã Tân Phú" },
    Member { name: "Ngô Văn Minh", born: D(2000, 3, 3), sex: "Nam", ethnicity: "Kinh", religion: "Không", cccd: T("040200010123"), card: "40011234", admitted: D(2025, 6, 12), official: E, cell: "TP-03", status: "Dự bị", schooling: "12/12", occupation: "Giáo viên", residence: WEST },
    Member { name: "Dương Thị Ngọc", born: D(1992, 12, 12), sex: "Nữ", ethnicity: "Kinh", religion: "Không", cccd: T("040192011234"), card: "40012345", admitted: D(2017, 3, 3), official: D(2018, 3, 3), cell: "Chi bộ Trường Tiểu học Tân Phú", status: "Chính thức", schooling: "12/12", occupation: "Giáo viên", residence: EAST },
    Member { name: "Lý Văn Phúc", born: D(1983, 6, 19), sex: "Nam", ethnicity: "Kinh", religion: "Không", cccd: T("040083012345"), card: "40013456", admitted: D(2006, 2, 3), official: D(2007, 2, 3), cell: "TP-01", status: "Chính thức", schooling: "12/12", occupation: "Công chức", residence: EAST },
    Member { name: "Phan Thị Quỳnh", born: D(1979, 2, 14), sex: "Nữ", ethnicity: "Kinh", religion: "Không", cccd: T("040179013456"), card: "40014567", admitted: D(2003, 5, 19), official: D(2004, 5, 19), cell: "TP-02", status: "Chính thức", schooling: "12/12", occupation: "Nông nghiệp", residence: WEST },
    Member { name: "Trịnh Văn Sơn", born: D(1968, 8, 19), sex: "Nam", ethnicity: "Kinh", religion: "Không", cccd: T("040068014567"), card: "40015678", admitted: D(1990, 9, 2), official: D(1991, 9, 2), cell: "TP-01", status: "Chính thức", schooling: "10/10", occupation: "Nông nghiệp", residence: EAST },
    Member { name: "Mai Thị Thu", born: D(1995, 10, 20), sex: "Nữ", ethnicity: "Kinh", religion: "Không", cccd: T("040195015678"), card: "40016789", admitted: D(2021, 3, 26), official: D(2022, 3, 26), cell: "TP-03", status: "Chính thức", schooling: "12/12", occupation: "Giáo viên", residence: WEST },
    Member { name: "Cao Văn Tuấn", born: D(1987, 1, 1), sex: "Nam", ethnicity: "Kinh", religion: "Không", cccd: T("040087016789"), card: "40017890", admitted: D(2010, 12, 22), official: D(2011, 12, 22), cell: "Chi bộ thôn Tây", status: "Chính thức", schooling: "12/12", occupation: "Nông nghiệp", residence: WEST },
    Member { name: "Đinh Thị Uyên", born: D(1999, 4, 8), sex: "Nữ", ethnicity: "Kinh", religion: "Không", cccd: T("040199017890"), card: "40018901", admitted: D(2024, 11, 7), official: E, cell: "TP-02", status: "Dự bị", schooling: "12/12", occupation: "Kinh doanh", residence: WEST },
    Member { name: "Tạ Văn Việt", born: D(1972, 3, 3), sex: "Nam", ethnicity: "Kinh", religion: "Không", cccd: T("040072018901"), card: "40019012", admitted: D(1998, 2, 3), official: D(1999, 2, 3), cell: "TP-01", status: "Chính thức", schooling: "12/12", occupation: "Nông nghiệp", residence: EAST },
    Member { name: "Lương Thị Xuân", born: D(1984, 5, 5), sex: "Nữ", ethnicity: "Thái", religion: "Không", cccd: T("040184019012"), card: "40020123", admitted: D(2009, 5, 19), official: D(2010, 5, 19), cell: "TP-03", status: "Chính thức", schooling: "12/12", occupation: "Giáo viên", residence: EAST },
];

impl Member {
    /// The row's 15 values, STT first (`number` is 1-based).
    pub fn values(&self, number: usize) -> [Value; 15] {
        [
            Value::Number(number as f64),
            T(self.name),
            self.born,
            T(self.sex),
            T(self.ethnicity),
            T(self.religion),
            self.cccd,
            T(self.card),
            self.admitted,
            self.official,
            T(self.cell),
            T(self.status),
            T(self.schooling),
            T(self.occupation),
            T(self.residence),
        ]
    }
}

impl Value {
    /// The text a CSV file holds for the value.
    pub fn csv_text(self) -> String {
        match self {
            Value::Text(text) => text.to_owned(),
            Value::Number(number) => format!("{number}"),
            Value::Date(y, m, d) => format!("{d:02}/{m:02}/{y}"),
            Value::Empty => String::new(),
        }
    }

    /// The cell a workbook is read back as.
    pub fn workbook_cell(self) -> Cell {
        match self {
            Value::Text(text) => Cell::Text(text.to_owned()),
            Value::Number(number) => Cell::Number(number),
            Value::Date(y, m, d) => Cell::Date(date(y, m, d)),
            Value::Empty => Cell::Empty,
        }
    }

    /// The cell a CSV file is read back as: text, or nothing.
    pub fn csv_cell(self) -> Cell {
        match self {
            Value::Empty => Cell::Empty,
            other => Cell::Text(other.csv_text()),
        }
    }
}

pub fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(0, 0, 0).unwrap()
}

/// The members' sheet as a grid of values, row 1 first (titles, an empty row, the header,
/// the members).
pub fn members_grid() -> Vec<Vec<Value>> {
    let mut grid = vec![vec![T(TITLE)], vec![T(SUBTITLE)], Vec::new()];
    grid.push(HEADER.iter().map(|h| T(h)).collect());
    for (index, member) in MEMBERS.iter().enumerate() {
        grid.push(member.values(index + 1).to_vec());
    }
    grid
}
