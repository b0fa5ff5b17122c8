//! The encoding of a CSV file: UTF-8 (with or without BOM), else the legacy Vietnamese code
//! page that reads as the more plausible Vietnamese — Windows-1258 or TCVN3 (ABC).

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::decompose_canonical;

use crate::{Encoding, ReadError};

/// TCVN 5712:1993 bytes 0x80–0xFF as Unicode code points.
///
/// Source: the TCVN5712-1 character map published with the GNU C Library
/// (`localedata/charmaps/TCVN5712-1`, "TCVN5712-1:1993", shipped by Debian in
/// `/usr/share/i18n/charmaps/TCVN5712-1.gz`), which is VN1, the fullest of the three code
/// tables of the standard. TCVN3 (VN3, the "ABC" encoding of the `.VnTime` fonts) is its
/// subset: ASCII unchanged, no control code reassigned, and at 0xA0–0xFF the no-break space,
/// the 67 lowercase Vietnamese letters and Ă Â Ê Ô Ơ Ư Đ at the same positions (see the
/// article "VSCII" of the English Wikipedia for the three tables side by side). A byte VN3
/// leaves unassigned is read as VN1 assigns it (an uppercase letter with a tone, or one of the
/// five combining tone marks at 0xB0–0xB4) rather than refused; the C0 letters of VN1 are not
/// used, since VN3 keeps those bytes as control codes.
const TCVN_HIGH: [u16; 128] = [
    0x00C0, 0x1EA2, 0x00C3, 0x00C1, 0x1EA0, 0x1EB6, 0x1EAC, 0x00C8, // 0x80
    0x1EBA, 0x1EBC, 0x00C9, 0x1EB8, 0x1EC6, 0x00CC, 0x1EC8, 0x0128, // 0x88
    0x00CD, 0x1ECA, 0x00D2, 0x1ECE, 0x00D5, 0x00D3, 0x1ECC, 0x1ED8, // 0x90
    0x1EDC, 0x1EDE, 0x1EE0, 0x1EDA, 0x1EE2, 0x00D9, 0x1EE6, 0x0168, // 0x98
    0x00A0, 0x0102, 0x00C2, 0x00CA, 0x00D4, 0x01A0, 0x01AF, 0x0110, // 0xA0
    0x0103, 0x00E2, 0x00EA, 0x00F4, 0x01A1, 0x01B0, 0x0111, 0x1EB0, // 0xA8
    0x0300, 0x0309, 0x0303, 0x0301, 0x0323, 0x00E0, 0x1EA3, 0x00E3, // 0xB0
    0x00E1, 0x1EA1, 0x1EB2, 0x1EB1, 0x1EB3, 0x1EB5, 0x1EAF, 0x1EB4, // 0xB8
    0x1EAE, 0x1EA6, 0x1EA8, 0x1EAA, 0x1EA4, 0x1EC0, 0x1EB7, 0x1EA7, // 0xC0
    0x1EA9, 0x1EAB, 0x1EA5, 0x1EAD, 0x00E8, 0x1EC2, 0x1EBB, 0x1EBD, // 0xC8
    0x00E9, 0x1EB9, 0x1EC1, 0x1EC3, 0x1EC5, 0x1EBF, 0x1EC7, 0x00EC, // 0xD0
    0x1EC9, 0x1EC4, 0x1EBE, 0x1ED2, 0x0129, 0x00ED, 0x1ECB, 0x00F2, // 0xD8
    0x1ED4, 0x1ECF, 0x00F5, 0x00F3, 0x1ECD, 0x1ED3, 0x1ED5, 0x1ED7, // 0xE0
    0x1ED1, 0x1ED9, 0x1EDD, 0x1EDF, 0x1EE1, 0x1EDB, 0x1EE3, 0x00F9, // 0xE8
    0x1ED6, 0x1EE7, 0x0169, 0x00FA, 0x1EE5, 0x1EEB, 0x1EED, 0x1EEF, // 0xF0
    0x1EE9, 0x1EF1, 0x1EF3, 0x1EF7, 0x1EF9, 0x00FD, 0x1EF5, 0x1ED0, // 0xF8
];

/// One byte of TCVN3 as a character.
pub(crate) fn tcvn3_char(byte: u8) -> char {
    match byte.checked_sub(0x80) {
        None => char::from(byte),
        Some(high) => {
            TCVN_HIGH.get(usize::from(high)).and_then(|&code| char::from_u32(u32::from(code))).unwrap_or(char::REPLACEMENT_CHARACTER)
        }
    }
}

/// The byte TCVN3 stores a character as, if it has one (the inverse of [`tcvn3_char`]).
#[cfg(test)]
fn tcvn3_byte(c: char) -> Option<u8> {
    if c.is_ascii() {
        return u8::try_from(c).ok();
    }
    let code = u16::try_from(u32::from(c)).ok()?;
    let index = TCVN_HIGH.iter().position(|&entry| entry == code)?;
    u8::try_from(index + 0x80).ok()
}

/// The file's text in NFC and the encoding it was read in.
pub(crate) fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Encoding), ReadError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = std::str::from_utf8(rest).map_err(|_| ReadError::CsvUndecodable { hint: None })?;
        return Ok((Cow::Borrowed(text), Encoding::Utf8Bom));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(text), Encoding::Utf8));
    }
    // The choice is made on the start of the file; only the chosen decoding reads it all.
    let sample = bytes.get(..SCORE_SAMPLE).unwrap_or(bytes);
    let windows = plausibility(&decode_windows_1258(sample));
    let tcvn = plausibility(&decode_tcvn3(sample));
    let (score, encoding) = if tcvn.value() > windows.value() { (tcvn, Encoding::Tcvn3) } else { (windows, Encoding::Windows1258) };
    if score.value() < 0 || (score.good == 0 && score.bad > 0) {
        return Err(ReadError::CsvUndecodable { hint: None });
    }
    let text = match encoding {
        Encoding::Tcvn3 => decode_tcvn3(bytes),
        _ => decode_windows_1258(bytes),
    };
    Ok((Cow::Owned(text), encoding))
}

/// How many bytes of a legacy-encoded file are scored to choose its code page.
const SCORE_SAMPLE: usize = 1 << 20;

fn decode_windows_1258(bytes: &[u8]) -> String {
    let (text, _) = encoding_rs::WINDOWS_1258.decode_without_bom_handling(bytes);
    text.nfc().collect()
}

fn decode_tcvn3(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| tcvn3_char(b)).nfc().collect()
}

/// How Vietnamese a decoded text looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Plausibility {
    /// Words with one tone mark, as Vietnamese syllables have.
    good: i64,
    /// Words with two tone marks, letters foreign to Vietnamese, tone marks that did not
    /// combine, an uppercase letter with marks inside a lowercase word, control characters.
    bad: i64,
}

impl Plausibility {
    fn value(self) -> i64 {
        self.good - 2 * self.bad
    }
}

const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
const SHAPES: [char; 3] = ['\u{302}', '\u{306}', '\u{31B}'];

/// The Vietnamese shape of a letter: its base, whether it carries a tone, or `None` when the
/// character is not a letter of the Vietnamese alphabet with marks.
fn vietnamese(c: char) -> Option<bool> {
    if matches!(c, 'đ' | 'Đ') {
        return Some(false);
    }
    let mut parts = Vec::with_capacity(3);
    decompose_canonical(c, |part| parts.push(part));
    let (base, marks) = parts.split_first()?;
    if marks.is_empty() || !"aeiouyAEIOUY".contains(*base) {
        return None;
    }
    let tones = marks.iter().filter(|m| TONES.contains(m)).count();
    let shapes = marks.iter().filter(|m| SHAPES.contains(m)).count();
    (tones + shapes == marks.len() && tones <= 1 && shapes <= 1).then_some(tones == 1)
}

pub(crate) fn plausibility(text: &str) -> Plausibility {
    let mut score = Plausibility::default();
    let mut tones_in_word = 0;
    let mut previous_lower = false;
    let end_word = |tones: &mut i64, score: &mut Plausibility| {
        match *tones {
            0 => {}
            1 => score.good += 1,
            _ => score.bad += 1,
        }
        *tones = 0;
    };
    for c in text.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphabetic() {
                previous_lower = c.is_ascii_lowercase();
            } else {
                end_word(&mut tones_in_word, &mut score);
                previous_lower = false;
            }
            continue;
        }
        if c == '\u{A0}' {
            end_word(&mut tones_in_word, &mut score);
            previous_lower = false;
            continue;
        }
        match vietnamese(c) {
            Some(toned) => {
                tones_in_word += i64::from(toned);
                if c.is_uppercase() && previous_lower {
                    score.bad += 1;
                }
                previous_lower = c.is_lowercase();
            }
            None => {
                // Combining marks left over, C1 controls, symbols and foreign letters.
                score.bad += 1;
                end_word(&mut tones_in_word, &mut score);
                previous_lower = false;
            }
        }
    }
    end_word(&mut tones_in_word, &mut score);
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "Nguyễn Văn Đông, Chi bộ thôn Tây, Đảng bộ xã Tân Phú, Trường Tiểu học, Hưu trí, Giáo viên, Nông nghiệp";

    fn tcvn3(text: &str) -> Vec<u8> {
        text.chars().map(|c| tcvn3_byte(c).unwrap()).collect()
    }

    #[test]
    fn table_round_trips_vn3() {
        for byte in 0u8..=255 {
            let c = tcvn3_char(byte);
            assert_eq!(tcvn3_byte(c), Some(byte), "{byte:#x}");
        }
        // Known bytes: ễ is 0xD4, đ 0xAE, Đ 0xA7 (glibc's TCVN5712-1 gives the same).
        assert_eq!(tcvn3("Nguyễn Đ đ"), b"Nguy\xD4n \xA7 \xAE");
    }

    #[test]
    fn tcvn3_is_recognised() {
        let bytes = tcvn3(SAMPLE);
        let (text, encoding) = decode(&bytes).unwrap();
        assert_eq!(encoding, Encoding::Tcvn3);
        assert_eq!(text, SAMPLE);
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let (text, encoding) = decode(SAMPLE.as_bytes()).unwrap();
        assert_eq!((text.as_ref(), encoding), (SAMPLE, Encoding::Utf8));
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), SAMPLE.as_bytes()].concat();
        let (text, encoding) = decode(&with_bom).unwrap();
        assert_eq!((text.as_ref(), encoding), (SAMPLE, Encoding::Utf8Bom));
    }

    #[test]
    fn other_encodings_are_refused() {
        // "日本語のテキスト" in Shift_JIS.
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode("日本語のテキスト、日本語のテキスト");
        assert_eq!(decode(&bytes).unwrap_err(), ReadError::CsvUndecodable { hint: None });
    }
}
