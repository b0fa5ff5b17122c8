//! The hash chain of the audit trail: every record stores the hash of its predecessor's hash and
//! its own fields, so altering, inserting, removing or reordering records breaks the chain.

use sha2::{Digest as _, Sha256};

use crate::encoding::hex_lower;

/// The "previous hash" of the first record of a chain: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of a record following the record whose hash is `prev_hash`.
///
/// Returns the lowercase hexadecimal SHA-256 of the byte string
///
/// ```text
/// prev_hash ‖ for each field, in order: len(field) ‖ ":" ‖ field ‖ "\n"
/// ```
///
/// where `prev_hash` is taken as given (its UTF-8 bytes, normally 64 lowercase hex characters, or
/// [`GENESIS`] for the first record), `len(field)` is the field's length in UTF-8 bytes written in
/// decimal ASCII without leading zeros or sign, and `‖` is concatenation. For example
/// `link(GENESIS, &["a:b", ""])` hashes `"000…000" + "3:a:b\n" + "0:\n"`.
///
/// The length prefix makes the encoding unambiguous: fields containing `:` or `\n` cannot be
/// confused with a different split into fields. This format is part of the contract of the stored
/// audit data (`dangvu audit verify` recomputes it) and must never change.
#[must_use]
pub fn link(prev_hash: &str, fields: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    for field in fields {
        hasher.update(field.len().to_string().as_bytes());
        hasher.update(b":");
        hasher.update(field.as_bytes());
        hasher.update(b"\n");
    }
    hex_lower(&hasher.finalize())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn genesis_is_64_zeros() {
        assert_eq!(GENESIS.len(), 64);
        assert!(GENESIS.bytes().all(|b| b == b'0'));
    }

    #[test]
    fn matches_the_documented_encoding() {
        let expected = hex_lower(&Sha256::digest(format!("{GENESIS}3:a:b\n0:\n").as_bytes()));
        assert_eq!(link(GENESIS, &["a:b", ""]), expected);
        assert_eq!(expected, "c4d48ae2ee3f71a80d698b40f68811dc40d25902b42b43ced40a929515edb702");
        let vietnamese = hex_lower(&Sha256::digest(format!("{GENESIS}7:Đảng\n").as_bytes()));
        assert_eq!(link(GENESIS, &["Đảng"]), vietnamese);
    }

    #[test]
    fn known_values() {
        assert_eq!(link(GENESIS, &[]), hex_lower(&Sha256::digest(GENESIS.as_bytes())));
        assert_eq!(link(GENESIS, &["2025-01-01T00:00:00Z", "admin", "member.create", "42"]), KNOWN_1);
        assert_eq!(link(KNOWN_1, &["2025-01-01T00:00:01Z", "admin", "member.update", "42"]), KNOWN_2);
    }

    // Computed independently (Python hashlib) from the documented encoding.
    const KNOWN_1: &str = "dc6c4ffc78336240dbda6bab6f222f1c18cf6b083765c6ed65e76e5173890be6";
    const KNOWN_2: &str = "9ab89fb91ddbcd940764658db0449ef558b44dfc8450a4e74569dbf694f45b3a";

    #[test]
    fn any_change_changes_the_hash() {
        let fields = ["2025-01-01T00:00:00Z", "admin", "member.create", "42"];
        let base = link(GENESIS, &fields);
        assert_eq!(base.len(), 64);
        assert!(base.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
        for i in 0..fields.len() {
            let mut changed = fields;
            let altered = format!("{}x", fields[i]);
            changed[i] = &altered;
            assert_ne!(link(GENESIS, &changed), base, "field {i}");
        }
        let mut swapped = fields;
        swapped.swap(1, 2);
        assert_ne!(link(GENESIS, &swapped), base);
        assert_ne!(link(&base, &fields), base);
        assert_ne!(link(&"1".repeat(64), &fields), base);
        assert_ne!(link(GENESIS, &fields[..3]), base);
    }

    #[test]
    fn splits_cannot_collide() {
        let cases: [(&[&str], &[&str]); 6] = [
            (&["a:b"], &["a", "b"]),
            (&["a\nb"], &["a", "b"]),
            (&["a\n1:b"], &["a", "b"]),
            (&["ab", ""], &["a", "b"]),
            (&[""], &[]),
            (&["", ""], &[""]),
        ];
        for (a, b) in cases {
            assert_ne!(link(GENESIS, a), link(GENESIS, b), "{a:?} vs {b:?}");
        }
        // A field that mimics the encoding of two fields.
        assert_ne!(link(GENESIS, &["1:a\n1:b"]), link(GENESIS, &["a", "b"]));
    }
}
