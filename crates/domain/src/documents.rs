//! A committee's document library (tài liệu: nghị quyết, quy định, hướng dẫn, tài liệu học tập):
//! what a document is, whom it is for (units of the chosen kinds and levels under the committee,
//! and roles), whether it is in force on a day, which attachments are accepted (type told from
//! the content, never the name), and the search: Vietnamese with or without diacritics, decided
//! here so both engines answer the same (docs/design/operations.md "Documents").

use chrono::NaiveDate;

use crate::ValidationErrors;
use crate::access::Role;
use crate::code_list;
use crate::dates::{format_vn, parse_date};
use crate::directives::Reach;
use crate::error::FieldError;
use crate::text::typed_words;
use crate::text::{fold, optional_lines, required_text};

code_list!(
    /// Loại tài liệu.
    DocumentKind, "Loại tài liệu", {
        Resolution = ("nghi-quyet", "Nghị quyết"),
        Regulation = ("quy-dinh", "Quy định"),
        Guidance = ("huong-dan", "Hướng dẫn"),
        Conclusion = ("ket-luan", "Kết luận"),
        Study = ("tai-lieu-hoc-tap", "Tài liệu học tập"),
        Other = ("khac", "Tài liệu khác"),
    }
);

pub const MAX_NUMBER: usize = 50;
pub const MAX_TITLE: usize = 500;
pub const MAX_ISSUER: usize = 200;
pub const MAX_SUMMARY: usize = 20_000;
/// The largest attachment accepted (20 MB).
pub const MAX_ATTACHMENT: usize = 20 * 1024 * 1024;
pub const MAX_FILE_NAME: usize = 200;

/// A document as its committee records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentInput {
    pub kind: DocumentKind,
    /// Số, ký hiệu ("05-NQ/TU"); empty for study materials without one.
    pub number: Option<String>,
    pub issued_on: NaiveDate,
    pub issuer: String,
    pub title: String,
    pub summary: Option<String>,
    /// The last day in force (`None`: until replaced).
    pub valid_until: Option<NaiveDate>,
    /// Which units under the committee it is for (none chosen: all), the committee's own staff
    /// always.
    pub reach: Reach,
    /// Which roles it is for (none chosen: everyone).
    pub roles: Vec<Role>,
}

/// A document's fields as typed.
#[derive(Debug, Clone, Default)]
pub struct DocumentFields<'a> {
    pub kind: &'a str,
    pub number: &'a str,
    pub issued_on: &'a str,
    pub issuer: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub valid_until: &'a str,
    pub reach_kinds: &'a [String],
    pub reach_depth: &'a str,
    pub roles: &'a [String],
}

impl DocumentInput {
    pub fn parse(f: &DocumentFields<'_>) -> Result<DocumentInput, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let kind = e.take("kind", DocumentKind::parse(f.kind.trim()));
        let number = e.take("number", crate::text::optional_text(f.number, MAX_NUMBER, "Số, ký hiệu")).flatten();
        let issued_on = e.take("issued_on", parse_date(f.issued_on));
        let issuer = e.take("issuer", required_text(f.issuer, MAX_ISSUER, "Cơ quan ban hành"));
        let title = e.take("title", required_text(f.title, MAX_TITLE, "Tên tài liệu, trích yếu"));
        let summary = e.take("summary", optional_lines(f.summary, MAX_SUMMARY, "Tóm tắt nội dung")).flatten();
        let valid_until = match f.valid_until.trim() {
            "" => None,
            d => e.take("valid_until", parse_date(d)),
        };
        if let (Some(from), Some(until)) = (issued_on, valid_until)
            && until < from
        {
            e.push("valid_until", "before_issued", format!("Ngày hết hiệu lực phải từ ngày ban hành ({}) trở đi.", format_vn(from)));
        }
        let reach = Reach::parse(f.reach_kinds, f.reach_depth).map_err(|r| e.errors.extend(r.errors)).ok();
        let mut roles = Vec::new();
        for code in f.roles.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
            if let Some(r) = e.take("roles", Role::parse(code))
                && !roles.contains(&r)
            {
                roles.push(r);
            }
        }
        match (kind, issued_on, issuer, title, reach) {
            (Some(kind), Some(issued_on), Some(issuer), Some(title), Some(reach)) if e.is_empty() => {
                Ok(DocumentInput { kind, number, issued_on, issuer, title, summary, valid_until, reach, roles })
            }
            _ => Err(e),
        }
    }

    /// In force on `day` (from its issue to its last day).
    pub fn in_force(&self, day: NaiveDate) -> bool {
        self.issued_on <= day && self.valid_until.is_none_or(|u| day <= u)
    }

    /// The text the search reads, folded (no marks, đ → d, lower case, single spaces).
    pub fn search_text(&self, attachment_names: &[String]) -> String {
        let mut parts: Vec<&str> = vec![self.title.as_str(), self.issuer.as_str()];
        parts.extend(self.number.as_deref());
        parts.extend(self.summary.as_deref());
        parts.extend(attachment_names.iter().map(String::as_str));
        fold(&parts.join(" "))
    }
}

/// The folded words of a search, for the storage to narrow candidates with (each must occur in
/// the folded text); [`matches`] then decides.
pub fn search_words(query: &str) -> Vec<String> {
    typed_words(query).into_iter().map(|w| w.folded).filter(|w| !w.is_empty()).collect()
}

/// Whether a document matches a search: every word occurs in its folded text, and a word typed
/// with diacritics occurs with them in the text as written ("typed with diacritics means with
/// diacritics", docs/ui.md). `written` is the text before folding.
pub fn matches(query: &str, folded: &str, written: &str) -> bool {
    typed_words(query).iter().all(|w| folded.contains(&w.folded) && (!w.is_marked() || w.occurs_in(written)))
}

/// The kinds of file accepted as attachments, told from their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    pub media_type: &'static str,
    pub label: &'static str,
}

/// What an attachment is, from its content; refused when empty, too large, or of a kind not
/// accepted (programs, scripts, web pages, archives, unknown binaries).
pub fn attachment_type(bytes: &[u8]) -> Result<FileType, FieldError> {
    let refuse = |what: &str| {
        FieldError::new(
            "file",
            "type",
            format!("Không nhận {what}: chỉ nhận PDF, Word, Excel, PowerPoint, OpenDocument, ảnh PNG/JPEG hoặc văn bản thuần."),
        )
    };
    if bytes.is_empty() {
        return Err(FieldError::new("file", "empty", "Tệp rỗng."));
    }
    if bytes.len() > MAX_ATTACHMENT {
        return Err(FieldError::new("file", "too_large", "Tệp lớn hơn 20 MB."));
    }
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    let t = |media_type, label| Ok(FileType { media_type, label });
    if bytes.starts_with(b"%PDF-") {
        return t("application/pdf", "PDF");
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return t("image/png", "Ảnh PNG");
    }
    if bytes.starts_with(b"\xFF\xD8\xFF") {
        return t("image/jpeg", "Ảnh JPEG");
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return t("application/x-ole-storage", "Tài liệu Office (Word, Excel cũ)");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // A zip is accepted only as an Office or OpenDocument file (its entries say which).
        if has(b"word/") {
            return t("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word");
        }
        if has(b"xl/") {
            return t("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel");
        }
        if has(b"ppt/") {
            return t("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint");
        }
        if has(b"mimetypeapplication/vnd.oasis.opendocument") {
            return t("application/vnd.oasis.opendocument", "OpenDocument");
        }
        return Err(refuse("tệp nén"));
    }
    if bytes.starts_with(b"MZ") || bytes.starts_with(b"\x7FELF") || bytes.starts_with(b"#!") {
        return Err(refuse("chương trình"));
    }
    let head = bytes.get(..8192).unwrap_or(bytes);
    let start: Vec<u8> = head.trim_ascii_start().iter().take(64).map(u8::to_ascii_lowercase).collect();
    if start.starts_with(b"<!doctype")
        || start.starts_with(b"<html")
        || start.starts_with(b"<script")
        || start.starts_with(b"<?xml")
        || start.starts_with(b"<svg")
    {
        return Err(refuse("trang web, XML hay SVG"));
    }
    if std::str::from_utf8(head).is_ok() || std::str::from_utf8(bytes).is_ok() {
        let controls = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')).count();
        if controls == 0 {
            return t("text/plain; charset=utf-8", "Văn bản");
        }
    }
    Err(refuse("tệp không rõ loại"))
}

/// A file name kept for the download: its last path part, checked as one line of text.
pub fn file_name(typed: &str) -> Result<String, FieldError> {
    let base = typed.rsplit(['/', '\\']).next().unwrap_or(typed);
    required_text(base, MAX_FILE_NAME, "Tên tệp").map_err(|mut e| {
        e.field = "file".into();
        e
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::d;

    fn fields<'a>(kinds: &'a [String], roles: &'a [String]) -> DocumentFields<'a> {
        DocumentFields {
            kind: "nghi-quyet",
            number: "05-NQ/TU",
            issued_on: "15/03/2026",
            issuer: "Ban Chấp hành Đảng bộ tỉnh",
            title: "Nghị quyết về nâng cao chất lượng sinh hoạt chi bộ",
            summary: "Đổi mới nội dung, hình thức sinh hoạt.",
            valid_until: "",
            reach_kinds: kinds,
            reach_depth: "",
            roles,
        }
    }

    #[test]
    fn a_document_is_read_checked_and_in_force() {
        let roles = vec!["cell-secretary".to_owned()];
        let doc = DocumentInput::parse(&fields(&[], &roles)).unwrap();
        assert_eq!(
            (doc.kind, doc.roles.clone(), doc.number.as_deref()),
            (DocumentKind::Resolution, vec![Role::CellSecretary], Some("05-NQ/TU"))
        );
        assert!(doc.in_force(d(2026, 12, 3)) && !doc.in_force(d(2026, 3, 14)));
        let bad = DocumentFields { valid_until: "01/01/2026", roles: &[], kind: "cong-van", issuer: "", ..fields(&[], &[]) };
        let got: Vec<String> = DocumentInput::parse(&bad).unwrap_err().errors.into_iter().map(|e| e.field).collect();
        assert_eq!(got, vec!["kind", "issuer", "valid_until"]);
    }

    #[test]
    fn search_with_and_without_diacritics() {
        let doc = DocumentInput::parse(&fields(&[], &[])).unwrap();
        let written = format!("{} {}", doc.title, doc.summary.clone().unwrap_or_default());
        let folded = doc.search_text(&["Phu luc 1.pdf".into()]);
        assert!(matches("sinh hoat chi bo", &folded, &written), "without marks finds the marked text");
        assert!(matches("sinh hoạt", &folded, &written));
        assert!(!matches("sinh hoát", &folded, &written), "marks typed must be the text's");
        assert!(matches("05-nq", &folded, &written) && matches("phu luc", &folded, &written));
        assert!(!matches("kết nạp", &folded, &written));
        assert_eq!(search_words("Sinh  hoạt Chi"), vec!["sinh", "hoat", "chi"]);
    }

    #[test]
    fn attachments_are_told_by_their_content() {
        assert_eq!(attachment_type(b"%PDF-1.7 ...").unwrap().label, "PDF");
        assert_eq!(attachment_type(b"PK\x03\x04....word/document.xml").unwrap().label, "Word");
        assert_eq!(attachment_type("Nội dung văn bản\n".as_bytes()).unwrap().label, "Văn bản");
        for bad in [&b"MZ\x90\x00"[..], b"<html><body>", b"PK\x03\x04....evil.exe", b"\x00\x01\x02\x03", b""] {
            assert!(attachment_type(bad).is_err(), "{bad:?}");
        }
        assert_eq!(attachment_type(&vec![b'a'; MAX_ATTACHMENT + 1]).unwrap_err().code, "too_large");
        assert_eq!(file_name("C:\\Users\\x\\Phụ lục.pdf").unwrap(), "Phụ lục.pdf");
    }
}
