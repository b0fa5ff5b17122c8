//! What a file is, from its first bytes; the name is only a hint.

use crate::{Format, ReadError, Warning};

/// The container a file's content shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A zip archive: xlsx or ods (or something else, told apart inside).
    Zip,
    /// An OLE compound file: xls, or an encrypted xlsx.
    Ole,
    /// Anything else that looks like text: CSV.
    Text,
}

const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Formats people upload by mistake, recognised by their first bytes.
const OTHER_MAGIC: &[(&[u8], &str)] = &[
    (b"%PDF", "tệp PDF"),
    (b"\x89PNG", "ảnh PNG"),
    (b"\xFF\xD8\xFF", "ảnh JPEG"),
    (b"GIF8", "ảnh GIF"),
    (b"Rar!", "tệp nén RAR"),
    (b"7z\xBC\xAF\x27\x1C", "tệp nén 7z"),
    (b"\x1F\x8B", "tệp nén gzip"),
    (b"\x7FELF", "chương trình"),
    (b"MZ", "chương trình Windows"),
    (b"{\\rtf", "văn bản RTF"),
];

/// How much of the start of a text file is looked at to tell text from binary.
const SNIFF_LEN: usize = 8192;

pub(crate) fn kind(bytes: &[u8]) -> Result<Kind, ReadError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") || bytes.starts_with(b"PK\x07\x08") {
        return Ok(Kind::Zip);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Ok(Kind::Ole);
    }
    if let Some((_, found)) = OTHER_MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Err(ReadError::WrongType { found });
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ReadError::CsvUndecodable { hint: Some("UTF-16, dạng “Unicode Text” của Excel") });
    }
    let head = bytes.get(..SNIFF_LEN).unwrap_or(bytes);
    let markup = markup_kind(head);
    if let Some(found) = markup {
        return Err(ReadError::WrongType { found });
    }
    let controls = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A)).count();
    // Text files hold no NUL and next to no control characters; binary files are full of them.
    if head.contains(&0) || controls * 100 > head.len() {
        return Err(ReadError::WrongType { found: "tệp nhị phân không rõ loại" });
    }
    Ok(Kind::Text)
}

/// HTML and XML files that spreadsheet programs save under spreadsheet names.
fn markup_kind(head: &[u8]) -> Option<&'static str> {
    let start = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head).trim_ascii_start();
    let lower: Vec<u8> = start.iter().take(200).map(u8::to_ascii_lowercase).collect();
    let contains = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    if lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html") {
        return Some("trang web HTML; hãy mở bằng Excel rồi lưu lại dạng .xlsx");
    }
    if lower.starts_with(b"<?xml") {
        if contains(b"progid=\"excel.sheet\"") || contains(b"urn:schemas-microsoft-com:office:spreadsheet") {
            return Some("bảng tính XML của Excel 2003; hãy mở bằng Excel rồi lưu lại dạng .xlsx");
        }
        return Some("tệp XML");
    }
    None
}

/// The file name without folders and extension: a CSV's one sheet is named after it.
pub(crate) fn stem(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name).trim();
    let stem = match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => base,
    };
    if stem.is_empty() { "Trang 1".to_owned() } else { crate::grid::nfc(stem) }
}

/// A warning when the file's extension names another format than its content.
pub(crate) fn name_mismatch(file_name: &str, format: Format) -> Option<Warning> {
    let (_, extension) = file_name.rsplit_once('.')?;
    let extension = extension.trim().to_ascii_lowercase();
    let named = match extension.as_str() {
        "xlsx" | "xlsm" => Format::Xlsx,
        "xls" => Format::Xls,
        "ods" => Format::Ods,
        "csv" | "txt" | "tsv" => Format::Csv,
        _ => return None,
    };
    (named != format).then(|| Warning {
        code: "sheets.name_mismatch",
        message: format!("Tên tệp có đuôi .{extension} nhưng nội dung là {}; tệp đã được đọc theo nội dung.", format.label()),
    })
}
