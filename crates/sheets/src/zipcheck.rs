//! The zip archive's central directory, looked at before anything is decompressed: which
//! workbook it holds, and whether it declares more than may be unpacked.
//!
//! The declared sizes are binding: the zip reader refuses to produce more bytes for an entry
//! than its declared uncompressed size, so checking the declarations bounds the whole read.

use std::io::Cursor;

use crate::{Limits, ReadError};

/// Below this many declared bytes the compression ratio is not looked at: a small archive
/// cannot flood memory whatever its ratio.
const RATIO_FLOOR: u64 = 16 * 1024 * 1024;

/// What a zip archive holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Package {
    Xlsx,
    Ods,
}

pub(crate) fn check(bytes: &[u8], limits: &Limits) -> Result<Package, ReadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(ReadError::corrupt)?;
    let mut uncompressed = 0u64;
    let mut compressed = 0u64;
    let mut has_workbook = false;
    let mut binary_workbook = false;
    let mut has_content = false;
    let mut has_mimetype = false;
    let mut word = false;
    let mut presentation = false;
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(ReadError::corrupt)?;
        uncompressed = uncompressed.saturating_add(entry.size());
        compressed = compressed.saturating_add(entry.compressed_size());
        let name = entry.name().map_err(ReadError::corrupt)?;
        has_workbook |= name.starts_with("xl/");
        binary_workbook |= name == "xl/workbook.bin";
        has_content |= name == "content.xml";
        has_mimetype |= name == "mimetype";
        word |= name.starts_with("word/");
        presentation |= name.starts_with("ppt/");
    }
    let ratio = uncompressed / compressed.max(1);
    if uncompressed > limits.max_uncompressed || (uncompressed > RATIO_FLOOR && ratio > limits.max_ratio) {
        return Err(ReadError::ZipBomb { uncompressed, ratio });
    }
    if binary_workbook {
        Err(ReadError::WrongType { found: "bảng tính .xlsb (Excel nhị phân); hãy mở bằng Excel rồi lưu lại dạng .xlsx" })
    } else if has_workbook {
        Ok(Package::Xlsx)
    } else if has_content && has_mimetype {
        Ok(Package::Ods)
    } else if word {
        Err(ReadError::WrongType { found: "tài liệu Word" })
    } else if presentation {
        Err(ReadError::WrongType { found: "bản trình chiếu PowerPoint" })
    } else {
        Err(ReadError::WrongType { found: "tệp nén zip" })
    }
}
