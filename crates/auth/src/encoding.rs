//! Small encoders shared by the modules: base32 (RFC 4648), hexadecimal and percent-encoding.

use std::fmt::Write as _;

const BASE32_UPPER: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE32_LOWER: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// RFC 4648 base32 without padding, uppercase.
pub(crate) fn base32_upper(bytes: &[u8]) -> String {
    base32_with(bytes, BASE32_UPPER)
}

/// RFC 4648 base32 without padding, lowercase.
pub(crate) fn base32_lower(bytes: &[u8]) -> String {
    base32_with(bytes, BASE32_LOWER)
}

fn base32_with(bytes: &[u8], alphabet: &[u8; 32]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u16 = 0;
    let mut bits: u32 = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u16::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(alphabet[usize::from((buffer >> bits) & 0x1f)]));
        }
        // Keep only the bits not yet emitted (at most 4) so the buffer never overflows.
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(alphabet[usize::from((buffer << (5 - bits)) & 0x1f)]));
    }
    out
}

/// Decodes RFC 4648 base32: case-insensitive, whitespace ignored, trailing `=` padding optional.
///
/// Returns `None` on a character outside the alphabet, on padding followed by data, on a length
/// that no byte string encodes to, or when the unused trailing bits are not zero (so every byte
/// string has exactly one accepted spelling, up to case, spaces and padding).
pub(crate) fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let mut buffer: u16 = 0;
    let mut bits: u32 = 0;
    let mut symbols: usize = 0;
    let mut padding = false;
    for c in text.chars() {
        if c.is_whitespace() {
            continue;
        }
        if c == '=' {
            padding = true;
            continue;
        }
        if padding {
            return None;
        }
        let value = match c.to_ascii_uppercase() {
            upper @ 'A'..='Z' => u8::try_from(u32::from(upper) - u32::from('A')).ok()?,
            digit @ '2'..='7' => u8::try_from(u32::from(digit) - u32::from('2') + 26).ok()?,
            _ => return None,
        };
        symbols += 1;
        buffer = (buffer << 5) | u16::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
        }
        buffer &= (1 << bits) - 1;
    }
    // Valid unpadded lengths modulo 8 are 0, 2, 4, 5 and 7 symbols.
    if matches!(symbols % 8, 1 | 3 | 6) || buffer != 0 {
        return None;
    }
    Some(out)
}

/// Lowercase hexadecimal.
/// The bytes of a hexadecimal text (either case), or `None` when it is not one.
pub(crate) fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| {
            let digit = |b: u8| char::from(b).to_digit(16);
            u8::try_from(digit(*pair.first()?)? * 16 + digit(*pair.get(1)?)?).ok()
        })
        .collect()
}

pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        // Every page request digests its session cookie: a table, not the formatter.
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// Percent-encodes UTF-8 text, leaving only the RFC 3986 unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`) as they are.
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn base32_rfc4648_vectors() {
        let vectors: [(&[u8], &str); 7] = [
            (b"", ""),
            (b"f", "MY"),
            (b"fo", "MZXQ"),
            (b"foo", "MZXW6"),
            (b"foob", "MZXW6YQ"),
            (b"fooba", "MZXW6YTB"),
            (b"foobar", "MZXW6YTBOI"),
        ];
        for (raw, encoded) in vectors {
            assert_eq!(base32_upper(raw), encoded);
            assert_eq!(base32_lower(raw), encoded.to_lowercase());
            assert_eq!(base32_decode(encoded).unwrap(), raw);
        }
        assert_eq!(base32_decode("MZXW6YTBOI======").unwrap(), b"foobar");
        assert_eq!(base32_decode("mzxw 6ytb oi").unwrap(), b"foobar");
    }

    #[test]
    fn base32_rejects_invalid_input() {
        for bad in ["M", "MZX", "MZXW6Y", "MZ0Q", "MZ1Q", "MZ8Q", "MY=Q", "MZ-XQ", "MÝ", "MZ"] {
            assert_eq!(base32_decode(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn hex_and_percent() {
        assert_eq!(hex_lower(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
        assert_eq!(percent_encode("Đảng viên a-b.c_d~e f:g@h"), "%C4%90%E1%BA%A3ng%20vi%C3%AAn%20a-b.c_d~e%20f%3Ag%40h");
    }
}
