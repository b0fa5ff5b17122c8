//! Why a file was refused, in Vietnamese for users, with a stable code for the API and CLI.

/// A file that cannot be read. Nothing of it is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("Tệp trống: không có dữ liệu nào để đọc.")]
    Empty,
    #[error("Tệp không phải bảng tính ({found}). Hãy chọn tệp .xlsx, .xls, .ods hoặc .csv.")]
    WrongType {
        /// What the content looks like, in Vietnamese ("tệp PDF", "tài liệu Word"…).
        found: &'static str,
    },
    #[error("Tệp được bảo vệ bằng mật khẩu nên không đọc được. Hãy mở tệp, bỏ mật khẩu rồi lưu lại.")]
    Encrypted,
    #[error("Tệp bị hỏng hoặc chưa tải lên hết nên không đọc được. Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi tải lên lần nữa.")]
    Corrupt {
        /// What the reader found wrong, for the logs (English, not for users).
        detail: String,
    },
    #[error("Tệp quá lớn ({} MB); giới hạn là {} MB.", megabytes(*bytes as u64), megabytes(*limit as u64))]
    TooLarge { bytes: usize, limit: usize },
    #[error(
        "Nội dung tệp sau khi giải nén quá lớn ({} MB, tỷ lệ nén {ratio}:1): có thể là tệp độc hại nên không được đọc.",
        megabytes(*uncompressed)
    )]
    ZipBomb { uncompressed: u64, ratio: u64 },
    #[error("Trang “{sheet}” có dữ liệu đến dòng {row}, quá giới hạn {limit} dòng.")]
    TooManyRows { sheet: String, row: usize, limit: usize },
    #[error("Trang “{sheet}” có dữ liệu đến cột thứ {column}, quá giới hạn {limit} cột.")]
    TooManyColumns { sheet: String, column: usize, limit: usize },
    #[error("Bảng tính không có trang tính nào.")]
    NoSheet,
    #[error(
        "Không nhận ra bảng mã của tệp CSV{}. Hãy lưu lại tệp dưới dạng “CSV UTF-8”.",
        hint.map(|h| format!(" ({h})")).unwrap_or_default()
    )]
    CsvUndecodable {
        /// What was recognised instead, when something was ("UTF-16").
        hint: Option<&'static str>,
    },
}

impl ReadError {
    /// A stable code for the API and the CLI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "sheets.empty",
            Self::WrongType { .. } => "sheets.wrong_type",
            Self::Encrypted => "sheets.encrypted",
            Self::Corrupt { .. } => "sheets.corrupt",
            Self::TooLarge { .. } => "sheets.too_large",
            Self::ZipBomb { .. } => "sheets.zip_bomb",
            Self::TooManyRows { .. } => "sheets.too_many_rows",
            Self::TooManyColumns { .. } => "sheets.too_many_columns",
            Self::NoSheet => "sheets.no_sheet",
            Self::CsvUndecodable { .. } => "sheets.csv_undecodable",
        }
    }

    pub(crate) fn corrupt(detail: impl std::fmt::Display) -> Self {
        Self::Corrupt { detail: detail.to_string() }
    }
}

/// Whole megabytes, rounded up, for messages.
fn megabytes(bytes: u64) -> u64 {
    bytes.div_ceil(1024 * 1024)
}

/// A workbook that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("Trang “{sheet}” có {rows} dòng, quá giới hạn {limit} dòng của Excel.")]
    TooManyRows { sheet: String, rows: usize, limit: usize },
    #[error("Trang “{sheet}” có {columns} cột, quá giới hạn {limit} cột của Excel.")]
    TooManyColumns { sheet: String, columns: usize, limit: usize },
    #[error("Không tạo được tệp Excel: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

impl WriteError {
    /// A stable code for the API and the CLI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooManyRows { .. } => "sheets.write_too_many_rows",
            Self::TooManyColumns { .. } => "sheets.write_too_many_columns",
            Self::Xlsx(_) => "sheets.write_failed",
        }
    }
}
