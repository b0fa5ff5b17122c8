//! Vietnamese text: NFC normalisation, person names, search folding and register order.
//!
//! * Input is normalised to Unicode NFC (what a Vietnamese keyboard may send as NFD is stored as NFC).
//! * Search works on a *folded* form: diacritics removed, `đ`/`Đ` mapped to `d` (Unicode gives đ no
//!   decomposition, so database tokenisers miss it), lower case, single spaces. Folding happens here,
//!   in Rust, so SQLite and PostgreSQL return the same results.
//! * Registers list members by given name first, then family and middle names, in Vietnamese
//!   alphabetical order (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y; tones ordered
//!   level, huyền, hỏi, ngã, sắc, nặng as in dictionaries). [`sort_key`] encodes that order as a
//!   string that sorts correctly byte-by-byte, so both databases order identically (`COLLATE "C"`).

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::error::FieldError;

/// Trims, collapses inner white space and normalises to NFC.
pub fn clean(input: &str) -> String {
    let nfc: String = input.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The search form of a text: no diacritics, đ→d, lower case, words separated by single spaces.
///
/// ```
/// assert_eq!(domain::text::fold("  Đỗ  Đình DŨNG "), "do dinh dung");
/// ```
pub fn fold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F)
}

/// A person's full name as written on the ID card, split the Vietnamese way:
/// family name (first word), middle names, given name (last word).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = clean(input);
        if s.is_empty() {
            return Err(FieldError::new("", "required", "Họ và tên không được để trống."));
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::new("", "too_long", format!("Họ và tên dài quá {} ký tự.", Self::MAX_CHARS)));
        }
        if let Some(bad) = s.chars().find(|c| !(c.is_alphabetic() || matches!(c, ' ' | '-' | '\''))) {
            return Err(FieldError::new(
                "",
                "invalid_character",
                format!("Họ và tên chỉ gồm chữ cái, dấu cách, dấu gạch nối; không chứa “{bad}”."),
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn words(&self) -> Vec<&str> {
        self.0.split(' ').collect()
    }

    /// The given name (tên): the last word.
    pub fn given(&self) -> &str {
        self.0.rsplit(' ').next().unwrap_or(&self.0)
    }

    /// Family and middle names (họ và tên đệm): everything before the given name.
    pub fn family_and_middle(&self) -> &str {
        match self.0.rfind(' ') {
            Some(i) => &self.0[..i],
            None => "",
        }
    }

    /// The family name (họ): the first word, when the name has more than one word.
    pub fn family(&self) -> Option<&str> {
        let w = self.words();
        if w.len() > 1 { w.first().copied() } else { None }
    }
}

impl TryFrom<String> for PersonName {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        PersonName::parse(&value).map_err(|e| e.message)
    }
}

impl From<PersonName> for String {
    fn from(value: PersonName) -> Self {
        value.0
    }
}

impl std::fmt::Display for PersonName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The Vietnamese alphabet, with the four letters that occur only in foreign words (f, j, w, z)
/// placed where the Latin alphabet puts them.
const ALPHABET: [char; 33] = [
    'a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'ô', 'ơ', 'p', 'q', 'r', 's', 't', 'u',
    'ư', 'v', 'w', 'x', 'y', 'z',
];

/// Splits a lower-case NFC letter into (base letter with its vowel mark, tone 0..=5).
fn letter_and_tone(c: char) -> (char, u8) {
    let mut base = None;
    let mut tone = 0u8;
    let mut vowel_mark = None;
    for d in std::iter::once(c).nfd() {
        match d {
            '\u{0300}' => tone = 1, // huyền
            '\u{0309}' => tone = 2, // hỏi
            '\u{0303}' => tone = 3, // ngã
            '\u{0301}' => tone = 4, // sắc
            '\u{0323}' => tone = 5, // nặng
            '\u{0306}' | '\u{0302}' | '\u{031B}' => vowel_mark = Some(d),
            other => base = Some(other),
        }
    }
    let base = base.unwrap_or(c);
    let letter = match (base, vowel_mark) {
        ('a', Some('\u{0306}')) => 'ă',
        ('a', Some('\u{0302}')) => 'â',
        ('e', Some('\u{0302}')) => 'ê',
        ('o', Some('\u{0302}')) => 'ô',
        ('o', Some('\u{031B}')) => 'ơ',
        ('u', Some('\u{031B}')) => 'ư',
        (b, _) => b,
    };
    (letter, tone)
}

/// Appends the collation form of one part of a name: primary weights to `primary`, tones to `tones`.
fn push_weights(part: &str, primary: &mut String, tones: &mut String) {
    for c in part.chars().flat_map(char::to_lowercase) {
        if c == ' ' {
            primary.push(' ');
            continue;
        }
        let (letter, tone) = letter_and_tone(c);
        if let Some(i) = ALPHABET.iter().position(|&a| a == letter) {
            primary.push(char::from(b'0' + i as u8));
            tones.push(char::from(b'0' + tone));
        } else if let Some(d) = letter.to_digit(10) {
            primary.push(char::from(b'!' + d as u8));
        }
    }
}

/// A key whose byte order is the register order of names: the given name (letters, then tones),
/// then family and middle names (letters, then tones).
pub fn sort_key(name: &PersonName) -> String {
    let mut key = String::new();
    for part in [name.given(), name.family_and_middle()] {
        let mut primary = String::new();
        let mut tones = String::new();
        push_weights(part, &mut primary, &mut tones);
        key.push_str(&primary);
        key.push('\u{1}');
        key.push_str(&tones);
        key.push('\u{1}');
    }
    key
}

/// A key whose byte order is the Vietnamese alphabetical order of any text (unit names, places):
/// letters first, tones only to break ties.
pub fn collation_key(text: &str) -> String {
    let mut primary = String::new();
    let mut tones = String::new();
    push_weights(&clean(text), &mut primary, &mut tones);
    primary.push('\u{1}');
    primary.push_str(&tones);
    primary
}

/// Normalises free text typed into a form: NFC, trimmed, inner space collapsed; `None` when empty.
pub fn optional_text(input: &str, max_chars: usize, field_label: &str) -> Result<Option<String>, FieldError> {
    let s = clean(input);
    if s.is_empty() {
        return Ok(None);
    }
    if s.chars().count() > max_chars {
        return Err(FieldError::new("", "too_long", format!("{field_label} dài quá {max_chars} ký tự.")));
    }
    Ok(Some(s))
}

/// Like [`optional_text`] but the text is required.
pub fn required_text(input: &str, max_chars: usize, field_label: &str) -> Result<String, FieldError> {
    optional_text(input, max_chars, field_label)?
        .ok_or_else(|| FieldError::new("", "required", format!("{field_label} không được để trống.")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(s: &str) -> String {
        sort_key(&PersonName::parse(s).unwrap())
    }

    #[test]
    fn fold_handles_d_bar_tones_and_spaces() {
        assert_eq!(fold("Nguyễn Văn Đức"), "nguyen van duc");
        assert_eq!(fold("NGUYỄN  THỊ   ĐÀO"), "nguyen thi dao");
        assert_eq!(fold("Hồ Ngọc Ưng Ỷ"), "ho ngoc ung y");
        assert_eq!(fold("Phượng"), "phuong");
        assert_eq!(fold("  "), "");
        assert_eq!(fold("Lê-Thị"), "le thi");
    }

    #[test]
    fn nfd_and_nfc_fold_alike() {
        let nfc = "Đặng Thị Huyền";
        let nfd: String = nfc.nfd().collect();
        assert_ne!(nfc, nfd);
        assert_eq!(fold(nfc), fold(&nfd));
        assert_eq!(clean(&nfd), nfc);
    }

    #[test]
    fn name_parts() {
        let n = PersonName::parse("  nguyễn   thị minh khai ").unwrap();
        assert_eq!(n.as_str(), "nguyễn thị minh khai");
        assert_eq!(n.given(), "khai");
        assert_eq!(n.family_and_middle(), "nguyễn thị minh");
        assert_eq!(n.family(), Some("nguyễn"));
        let single = PersonName::parse("Y Ngông").unwrap();
        assert_eq!(single.given(), "Ngông");
        let one = PersonName::parse("Mai").unwrap();
        assert_eq!(one.given(), "Mai");
        assert_eq!(one.family(), None);
    }

    #[test]
    fn bad_names_are_refused() {
        assert_eq!(PersonName::parse("   ").unwrap_err().code, "required");
        assert_eq!(PersonName::parse("Nguyễn Văn 3").unwrap_err().code, "invalid_character");
        assert_eq!(PersonName::parse(&"a".repeat(101)).unwrap_err().code, "too_long");
    }

    #[test]
    fn register_order_is_given_name_first_in_vietnamese_alphabet() {
        let mut names = vec![
            "Trần Văn Đức",
            "Nguyễn Thị Dung",
            "Lê Văn An",
            "Phạm Thị Ánh",
            "Hoàng Văn Ân",
            "Bùi Thị Ăn",
            "Nguyễn Văn Anh",
            "Đỗ Văn Ơn",
            "Vũ Văn Ôn",
            "Ngô Văn On",
            "Hồ Văn Bình",
            "Lý Văn An",
        ];
        names.sort_by_key(|n| key(n));
        assert_eq!(
            names,
            vec![
                "Lê Văn An",
                "Lý Văn An",
                "Nguyễn Văn Anh",
                "Phạm Thị Ánh",
                "Bùi Thị Ăn",
                "Hoàng Văn Ân",
                "Hồ Văn Bình",
                "Nguyễn Thị Dung",
                "Trần Văn Đức",
                "Ngô Văn On",
                "Vũ Văn Ôn",
                "Đỗ Văn Ơn",
            ]
        );
    }

    #[test]
    fn any_text_sorts_in_vietnamese_order() {
        let mut names = vec!["Huyện ủy Tân Lập", "Đảng bộ xã An Phú", "Chi bộ thôn 2", "Chi bộ thôn 10", "Dân vận"];
        names.sort_by_key(|n| collation_key(n));
        assert_eq!(names, vec!["Chi bộ thôn 10", "Chi bộ thôn 2", "Dân vận", "Đảng bộ xã An Phú", "Huyện ủy Tân Lập"]);
    }

    #[test]
    fn tones_order_after_letters() {
        let mut names = vec!["A Ạ", "A Á", "A Ã", "A Ả", "A À", "A A"];
        names.sort_by_key(|n| key(n));
        assert_eq!(names, vec!["A A", "A À", "A Ả", "A Ã", "A Á", "A Ạ"]);
        // Letters decide before tones: "Ạn" < "Ba".
        assert!(key("X Ạn") < key("X Ba"));
    }

    proptest! {
        #[test]
        fn fold_is_idempotent_and_ascii_for_vietnamese(s in "[a-zA-ZàáảãạăắằẳẵặâấầẩẫậđĐèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ ]{0,40}") {
            let f = fold(&s);
            prop_assert_eq!(fold(&f), f.clone());
            prop_assert!(f.is_ascii());
            prop_assert!(!f.starts_with(' ') && !f.ends_with(' ') && !f.contains("  "));
        }

        #[test]
        fn fold_same_for_nfc_and_nfd(s in "\\PC{0,30}") {
            let nfd: String = s.nfd().collect();
            let nfc: String = s.nfc().collect();
            prop_assert_eq!(fold(&nfd), fold(&nfc));
        }
    }
}
