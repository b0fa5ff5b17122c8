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

mod typed;
pub use typed::{TypedWord, typed_words};

/// Trims, collapses inner white space and normalises to NFC.
pub fn clean(input: &str) -> String {
    let nfc = is_nfc(input);
    // Most text is already clean: single spaces between words, in NFC.
    let mut previous_space = true;
    let tidy = input.chars().all(|c| {
        let ok = if c == ' ' { !previous_space } else { !c.is_whitespace() };
        previous_space = c == ' ';
        ok
    }) && !previous_space;
    if nfc && tidy {
        return input.to_owned();
    }
    let normalised: String = if nfc { input.to_owned() } else { input.nfc().collect() };
    normalised.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a text is certainly in NFC already (a quick check; "maybe" counts as no).
fn is_nfc(input: &str) -> bool {
    unicode_normalization::is_nfc_quick(input.chars()) == unicode_normalization::IsNormalized::Yes
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
            // A modifier-letter apostrophe is a letter to Unicode but an apostrophe to people.
            '\u{02BC}' => ' ',
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
///
/// Typed input goes through [`PersonName::parse`]; what was stored (a database column, a
/// serialized record) is read back as written ([`PersonName::from_stored`], `Deserialize`): it was
/// checked when it was written, and a rule added since must never make a record unreadable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonName(String);

impl<'de> Deserialize<'de> for PersonName {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(PersonName::from_stored)
    }
}

impl PersonName {
    pub const MAX_CHARS: usize = 100;

    /// A name as stored, read back without the input rules (see the type's documentation).
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }

    /// Parses a name: the rules of every free text ([`check_text`]), then letters, spaces,
    /// hyphens and apostrophes only, all from one script and none fullwidth. The apostrophes
    /// phone keyboards type (’ ‘ ʼ, as in "Ksor H’Bơ Khắp") are stored as `'`, so a search and the
    /// duplicate checks find the name however it was typed.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let typed: String = input.chars().map(|c| if is_apostrophe(c) { '\'' } else { c }).collect();
        let s = check_text(&typed, Lines::Single, "Họ và tên")?;
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
        if let Some(wide) = s.chars().find(|c| matches!(*c as u32, 0xFF00..=0xFFEF)) {
            return Err(FieldError::new(
                "",
                "fullwidth_character",
                format!("Họ và tên chứa chữ toàn độ rộng (“{wide}”); hãy gõ lại bằng bàn phím tiếng Việt."),
            ));
        }
        let mut scripts = s.chars().filter(|c| c.is_alphabetic()).map(Script::of);
        if let Some(first) = scripts.next()
            && scripts.any(|other| other != first)
        {
            return Err(FieldError::new(
                "",
                "mixed_scripts",
                "Họ và tên trộn chữ của nhiều bảng chữ (ví dụ chữ “а” Kirin trông giống chữ “a” Latinh); hãy gõ lại bằng bàn phím tiếng Việt.",
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

/// The apostrophes people type in names: ASCII `'`, and the curly ones phone keyboards put in
/// their place (U+2019, U+2018) and the modifier letter apostrophe (U+02BC).
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

/// The script a letter belongs to, as far as look-alikes matter: Latin (Vietnamese), Greek and
/// Cyrillic (whose а, е, о, р, с, х, ο, ν look like Latin letters), and every other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Greek,
    Cyrillic,
    Other,
}

impl Script {
    fn of(c: char) -> Script {
        match c as u32 {
            0x41..=0x5A
            | 0x61..=0x7A
            | 0xAA
            | 0xBA
            | 0xC0..=0x24F
            | 0x250..=0x2AF
            | 0x1D00..=0x1DBF
            | 0x1E00..=0x1EFF
            | 0x2C60..=0x2C7F
            | 0xA720..=0xA7FF
            | 0xAB30..=0xAB6F => Script::Latin,
            0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
            0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
            _ => Script::Other,
        }
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

// --- free text -------------------------------------------------------------------------------

/// Whether a free-text field may hold line breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// One line (names, places, issuers, numbers): a line break is refused like any control
    /// character.
    Single,
    /// Several lines (notes, minutes, reasons, conclusions): line breaks are kept, as `\n`.
    Multi,
}

/// The most combining marks one letter may carry, counted after NFD: Vietnamese needs two
/// (ệ = e + dot below + circumflex; ở = o + horn + hook above), so a third is never a letter.
pub const MAX_MARKS_PER_LETTER: usize = 2;

/// Why a character is refused in free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// C0/C1 controls (NUL, ESC, DEL…), line and paragraph separators, and line breaks in a
    /// one-line field.
    Control,
    /// Characters that reorder what is displayed (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F,
    /// U+061C): "Trojan Source" tricks that make a record read differently from what is stored.
    Bidi,
    /// Characters that show nothing: zero-width ones (U+200B–U+200D, U+2060, U+FEFF), other
    /// format characters (soft hyphen, invisible operators, tags), variation selectors, and
    /// letters that print as blanks (Hangul fillers U+3164, U+115F, U+1160, U+FFA0, the blank
    /// Braille pattern U+2800, the combining grapheme joiner U+034F).
    Invisible,
    /// Private-use and unassigned code points: no font shows them the same way.
    Unassigned,
}

fn refusal(c: char, lines: Lines) -> Option<Refusal> {
    use unicode_properties::{GeneralCategory as G, UnicodeGeneralCategory as _};
    // Printable ASCII needs no table (most of every text).
    if (' '..='~').contains(&c) {
        return None;
    }
    match c {
        '\n' | '\r' if lines == Lines::Multi => return None,
        // A tab pasted from a spreadsheet is white space like any other (collapsed to one space).
        '\t' => return None,
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => return Some(Refusal::Bidi),
        '\u{3164}' | '\u{115F}' | '\u{1160}' | '\u{FFA0}' | '\u{2800}' | '\u{034F}' | '\u{17B4}' | '\u{17B5}' => {
            return Some(Refusal::Invisible);
        }
        '\u{180B}'..='\u{180F}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' => return Some(Refusal::Invisible),
        _ => {}
    }
    match c.general_category() {
        G::Control | G::LineSeparator | G::ParagraphSeparator => Some(Refusal::Control),
        G::Format => Some(Refusal::Invisible),
        G::PrivateUse | G::Unassigned | G::Surrogate => Some(Refusal::Unassigned),
        _ => None,
    }
}

/// The character as people can name it in a message: `U+202E`.
fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// Normalises and checks free text typed into a form or sent to the API; this is the one
/// validator every free-text field goes through (notes, places, issuers, reasons, names of units,
/// accounts and people, which add their own rules on top).
///
/// NFC; refuses control characters (a line break only in a [`Lines::Single`] field), bidi
/// controls, invisible characters, private-use and unassigned code points, and more than
/// [`MAX_MARKS_PER_LETTER`] combining marks on one letter; then trims, collapses runs of white
/// space to one space (in [`Lines::Multi`], within each line: lines are kept, `\r\n` becomes `\n`,
/// and at most one empty line separates paragraphs). The result may be empty. Error codes:
/// `control_character`, `bidi_control`, `invisible_character`, `invalid_character`,
/// `too_many_marks`.
pub fn check_text(input: &str, lines: Lines, field_label: &str) -> Result<String, FieldError> {
    // Text already in NFC (nearly all of it) is not normalised again.
    let nfc: String = if is_nfc(input) { input.to_owned() } else { input.nfc().collect() };
    for c in nfc.chars() {
        let Some(why) = refusal(c, lines) else { continue };
        let (code, message) = match why {
            Refusal::Control if matches!(c, '\n' | '\r') => {
                ("control_character", format!("{field_label} chỉ được viết trên một dòng; hãy bỏ các dấu xuống dòng."))
            }
            Refusal::Control => {
                ("control_character", format!("{field_label} chứa ký tự điều khiển ({}); hãy gõ lại nội dung.", code_point(c)))
            }
            Refusal::Bidi => (
                "bidi_control",
                format!("{field_label} chứa ký tự đảo chiều hiển thị ({}), làm chữ hiện khác với nội dung lưu; hãy gõ lại.", code_point(c)),
            ),
            Refusal::Invisible => {
                ("invisible_character", format!("{field_label} chứa ký tự vô hình ({}); hãy gõ lại nội dung.", code_point(c)))
            }
            Refusal::Unassigned => {
                ("invalid_character", format!("{field_label} chứa ký tự không hiển thị được ({}); hãy gõ lại nội dung.", code_point(c)))
            }
        };
        return Err(FieldError::new("", code, message));
    }
    let mut marks = 0;
    for c in nfc.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            marks += 1;
            if marks > MAX_MARKS_PER_LETTER {
                return Err(FieldError::new(
                    "",
                    "too_many_marks",
                    format!(
                        "{field_label} có chữ mang quá {MAX_MARKS_PER_LETTER} dấu; chữ tiếng Việt có nhiều nhất một dấu mũ và một dấu thanh."
                    ),
                ));
            }
        } else {
            marks = 0;
        }
    }
    Ok(match lines {
        Lines::Single => nfc.split_whitespace().collect::<Vec<_>>().join(" "),
        Lines::Multi => {
            let mut out = String::new();
            let mut blank_lines = 0;
            for line in nfc.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
                let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
                if line.is_empty() {
                    blank_lines += 1;
                    continue;
                }
                if !out.is_empty() {
                    out.push_str(if blank_lines > 0 { "\n\n" } else { "\n" });
                }
                blank_lines = 0;
                out.push_str(&line);
            }
            out
        }
    })
}

/// [`check_text`] with a length limit; `None` when empty.
pub fn optional_text_in(input: &str, lines: Lines, max_chars: usize, field_label: &str) -> Result<Option<String>, FieldError> {
    let s = check_text(input, lines, field_label)?;
    if s.is_empty() {
        return Ok(None);
    }
    if s.chars().count() > max_chars {
        return Err(FieldError::new("", "too_long", format!("{field_label} dài quá {max_chars} ký tự.")));
    }
    Ok(Some(s))
}

/// Like [`optional_text_in`] but the text is required.
pub fn required_text_in(input: &str, lines: Lines, max_chars: usize, field_label: &str) -> Result<String, FieldError> {
    optional_text_in(input, lines, max_chars, field_label)?
        .ok_or_else(|| FieldError::new("", "required", format!("{field_label} không được để trống.")))
}

/// A one-line free-text field (see [`check_text`]); `None` when empty.
pub fn optional_text(input: &str, max_chars: usize, field_label: &str) -> Result<Option<String>, FieldError> {
    optional_text_in(input, Lines::Single, max_chars, field_label)
}

/// A required one-line free-text field (see [`check_text`]).
pub fn required_text(input: &str, max_chars: usize, field_label: &str) -> Result<String, FieldError> {
    required_text_in(input, Lines::Single, max_chars, field_label)
}

/// A multi-line free-text field: notes, minutes, reasons (see [`check_text`]); `None` when empty.
pub fn optional_lines(input: &str, max_chars: usize, field_label: &str) -> Result<Option<String>, FieldError> {
    optional_text_in(input, Lines::Multi, max_chars, field_label)
}

/// A required multi-line free-text field (see [`check_text`]).
pub fn required_lines(input: &str, max_chars: usize, field_label: &str) -> Result<String, FieldError> {
    required_text_in(input, Lines::Multi, max_chars, field_label)
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

    /// Every kind of character a free-text field refuses, with the code the caller receives.
    #[test]
    fn free_text_refuses_what_would_hide_or_garble_a_record() {
        let stacked = format!("e{}", "\u{0301}".repeat(50));
        let cases: &[(&str, &str, Lines)] = &[
            ("Hà\u{0}Nội", "control_character", Lines::Single),
            ("Hà\u{0}Nội", "control_character", Lines::Multi),
            ("Hà\u{1B}[31mNội", "control_character", Lines::Single),
            ("Hà\u{7F}Nội", "control_character", Lines::Single),
            ("Hà\u{85}Nội", "control_character", Lines::Single),
            ("Hà Nội\nHải Phòng", "control_character", Lines::Single),
            ("Hà Nội\r\nHải Phòng", "control_character", Lines::Single),
            ("đoạn một\u{2028}đoạn hai", "control_character", Lines::Multi),
            ("đoạn một\u{2029}đoạn hai", "control_character", Lines::Multi),
            ("Hà Nội \u{202E}gnạH", "bidi_control", Lines::Single),
            ("\u{202A}Hà Nội", "bidi_control", Lines::Single),
            ("\u{202B}Hà Nội", "bidi_control", Lines::Multi),
            ("\u{202C}Hà Nội", "bidi_control", Lines::Single),
            ("\u{202D}Hà Nội", "bidi_control", Lines::Single),
            ("\u{2066}Hà Nội\u{2069}", "bidi_control", Lines::Single),
            ("\u{2067}Hà Nội", "bidi_control", Lines::Single),
            ("\u{2068}Hà Nội", "bidi_control", Lines::Single),
            ("Hà Nội\u{200E}", "bidi_control", Lines::Single),
            ("Hà Nội\u{200F}", "bidi_control", Lines::Single),
            ("Hà\u{200B}Nội", "invisible_character", Lines::Single),
            ("Hà\u{200C}Nội", "invisible_character", Lines::Single),
            ("Hà\u{200D}Nội", "invisible_character", Lines::Multi),
            ("Hà\u{2060}Nội", "invisible_character", Lines::Single),
            ("\u{FEFF}Hà Nội", "invisible_character", Lines::Single),
            ("Hà\u{AD}Nội", "invisible_character", Lines::Single),
            ("Hà\u{3164}Nội", "invisible_character", Lines::Single),
            ("Hà\u{FFA0}Nội", "invisible_character", Lines::Single),
            ("Hà\u{2800}Nội", "invisible_character", Lines::Single),
            ("Hà\u{FE0F}Nội", "invisible_character", Lines::Single),
            ("Hà\u{E0041}Nội", "invisible_character", Lines::Single),
            ("Hà\u{E000}Nội", "invalid_character", Lines::Single),
            ("Hà\u{FFFF}Nội", "invalid_character", Lines::Single),
            (&stacked, "too_many_marks", Lines::Single),
            ("e\u{0323}\u{0302}\u{0301}", "too_many_marks", Lines::Multi),
            ("Z\u{0351}\u{0352}\u{0353}algo", "too_many_marks", Lines::Single),
        ];
        for (input, code, lines) in cases {
            let err = check_text(input, *lines, "Nơi sinh").expect_err(input);
            assert_eq!(err.code, *code, "{input:?}");
            assert!(err.message.starts_with("Nơi sinh"), "{}", err.message);
        }
    }

    #[test]
    fn free_text_keeps_what_vietnamese_needs() {
        let cases: &[(&str, Lines, &str)] = &[
            ("  Thôn   Ệ,  xã Ngọc Sơn ", Lines::Single, "Thôn Ệ, xã Ngọc Sơn"),
            // NFD as some keyboards send it: two marks on ệ and on ở are allowed, and stored NFC.
            ("nghe\u{0323}\u{0302} thuo\u{031B}\u{0309}", Lines::Single, "nghệ thuở"),
            ("Số 5\tngõ 12", Lines::Single, "Số 5 ngõ 12"),
            ("Tiếng Ê Đê: Ksor H’Bơ; ơ̆", Lines::Single, "Tiếng Ê Đê: Ksor H’Bơ; ơ̆"),
            (
                "Kết luận:\r\n  - đủ điều kiện  \r\n\r\n\r\n\r\nĐề nghị kết nạp.\n",
                Lines::Multi,
                "Kết luận:\n- đủ điều kiện\n\nĐề nghị kết nạp.",
            ),
            ("", Lines::Multi, ""),
        ];
        for (input, lines, stored) in cases {
            assert_eq!(check_text(input, *lines, "Ghi chú").as_deref(), Ok(*stored), "{input:?}");
        }
        assert_eq!(optional_lines("   \n  ", 10, "Ghi chú"), Ok(None));
        assert_eq!(optional_text(&"a".repeat(11), 10, "Ghi chú").unwrap_err().code, "too_long");
        assert_eq!(required_lines(" ", 10, "Lý do").unwrap_err().code, "required");
    }

    #[test]
    fn names_refuse_look_alikes_and_keep_the_apostrophe() {
        let refused: &[(&str, &str)] = &[
            // Cyrillic а and о among Latin letters.
            ("Nguyễn Văn \u{0430}n", "mixed_scripts"),
            ("Trần Thị H\u{043E}a", "mixed_scripts"),
            // Greek ο and ν.
            ("Lê Vă\u{03BD} Tοàn", "mixed_scripts"),
            ("Nguyễn 阮 Văn", "mixed_scripts"),
            ("Ｎguyễn Văn An", "fullwidth_character"),
            ("Nguyễn\u{3164}Văn An", "invisible_character"),
            ("\u{3164}", "invisible_character"),
            ("Nguyễn Văn\u{200B}An", "invisible_character"),
            ("Nguyễn \u{202E}nĂ", "bidi_control"),
            ("Nguyễn\u{0}Văn", "control_character"),
            ("Nguyễn\nVăn", "control_character"),
            ("Nguyễn Văn A\u{0301}\u{0301}\u{0301}", "too_many_marks"),
            ("Nguyễn Văn 3", "invalid_character"),
        ];
        for (input, code) in refused {
            assert_eq!(PersonName::parse(input).unwrap_err().code, *code, "{input:?}");
        }
        for typed in ["Ksor H’Bơ Khắp", "Ksor H‘Bơ Khắp", "Ksor HʼBơ Khắp", "Ksor H'Bơ Khắp"] {
            assert_eq!(PersonName::parse(typed).unwrap().as_str(), "Ksor H'Bơ Khắp", "{typed:?}");
            assert_eq!(fold(typed), "ksor h bo khap", "{typed:?}");
        }
        // A name stored before a rule existed is read back as it was written.
        let stored: PersonName = serde_json::from_str("\"Nguyễn Văn \u{0430}n\"").unwrap();
        assert_eq!(stored.as_str(), "Nguyễn Văn \u{0430}n");
        // One script other than Latin is not mixing; Vietnamese letters of every tone are Latin.
        assert!(PersonName::parse("Иван Петров").is_ok());
        assert!(PersonName::parse("Đặng Thị Ưng Ỷ Nguyệt").is_ok());
        assert!(PersonName::parse("Y Ngông Niê Kđăm").is_ok());
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
        fn clean_takes_its_shortcut_only_when_nothing_changes(s in "[ \t\na-zàáảãạđĐ\u{0300}\u{0301}\u{00A0}]{0,20}") {
            let nfc: String = s.nfc().collect();
            let slow = nfc.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert_eq!(clean(&s), slow);
        }

        #[test]
        fn fold_same_for_nfc_and_nfd(s in "\\PC{0,30}") {
            let nfd: String = s.nfd().collect();
            let nfc: String = s.nfc().collect();
            prop_assert_eq!(fold(&nfd), fold(&nfc));
        }
    }
}
