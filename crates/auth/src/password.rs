//! Password hashing (Argon2id), verification, policy and generation.
//!
//! Hashes are stored as PHC strings, e.g. `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`, so the
//! parameters travel with each hash and can be raised later without invalidating old ones.

use std::sync::OnceLock;

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher as _, PasswordVerifier as _, Version};

use crate::{AuthError, fill_random};

/// Argon2 memory cost in KiB (OWASP minimum for Argon2id).
const M_COST_KIB: u32 = 19_456;
/// Argon2 number of passes.
const T_COST: u32 = 2;
/// Argon2 degree of parallelism.
const P_COST: u32 = 1;
/// Salt length in bytes.
const SALT_LEN: usize = 16;

/// Fewest characters a password may have.
pub const MIN_CHARS: usize = 10;
/// Most characters a password may have (bounds the hashing work an attacker can request).
pub const MAX_CHARS: usize = 128;

/// Obviously weak passwords refused by [`check_policy`] (compared case-insensitively).
/// Only entries of at least [`MIN_CHARS`] characters matter; shorter ones are refused anyway.
const COMMON: &[&str] = &[
    "0123456789",
    "1234567890",
    "12345678910",
    "123456789a",
    "0987654321",
    "1234512345",
    "1122334455",
    "1234567890a",
    "a123456789",
    "abcd123456",
    "abc1234567",
    "abcdefghij",
    "abcdef1234",
    "qwertyuiop",
    "qwerty1234",
    "qwerty123456",
    "asdfghjkl1",
    "1q2w3e4r5t",
    "password12",
    "password123",
    "password1234",
    "passw0rd123",
    "matkhau123",
    "matkhau1234",
    "matkhau12345",
    "matkhaumoi",
    "dangvu1234",
    "dangvu12345",
    "dangvien123",
    "dangcongsan",
    "vietnam123",
    "vietnam1234",
    "iloveyou123",
    "admin12345",
    "administrator",
];

/// Alphabet of generated passwords: lowercase letters and digits without the easily confused
/// `0`, `1`, `i`, `l` and `o` (so also no `O`, `I`).
const GENERATED_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Number of random characters in a generated password.
const GENERATED_CHARS: usize = 16;
/// Generated passwords are shown in groups of this many characters separated by `-`.
const GENERATED_GROUP: usize = 4;

fn hasher() -> Result<Argon2<'static>, AuthError> {
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None).map_err(|e| AuthError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_with_salt(password: &str, salt: &[u8]) -> Result<String, AuthError> {
    let hash = hasher()?.hash_password_with_salt(password.as_bytes(), salt).map_err(|e| AuthError::Hash(e.to_string()))?;
    Ok(hash.to_string())
}

/// Hashes `password` with Argon2id (version 0x13, m = 19456 KiB, t = 2, p = 1) and a fresh random
/// 16-byte salt; returns the PHC string `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
///
/// # Errors
/// [`AuthError::Random`] when the OS random number generator fails, [`AuthError::Hash`] when
/// Argon2 fails.
pub fn hash(password: &str) -> Result<String, AuthError> {
    let mut salt = [0u8; SALT_LEN];
    fill_random(&mut salt)?;
    hash_with_salt(password, &salt)
}

/// Whether `password` matches the PHC string `phc`. False on a mismatch and on a hash that cannot
/// be parsed or uses unsupported parameters; never panics. The comparison is constant-time.
///
/// The parameters are taken from `phc`, so hashes made with other Argon2 parameters still verify.
#[must_use]
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    // The algorithm, version and parameters recorded in `parsed` override these defaults.
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
}

/// Does the same work as [`verify`] against a real hash, and discards the result.
///
/// Call it when the user name is unknown, so the response time does not reveal whether an account
/// exists. The fixed hash it verifies against is computed once, on first use.
pub fn dummy_verify(password: &str) {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_with_salt("dangvu-dummy-password", b"dangvu-dummy-salt").ok());
    if let Some(phc) = dummy {
        std::hint::black_box(verify(password, phc));
    }
}

/// Why a password is refused by [`check_policy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    /// Fewer than [`MIN_CHARS`] characters.
    #[error("Mật khẩu phải có ít nhất 10 ký tự.")]
    TooShort,
    /// More than [`MAX_CHARS`] characters.
    #[error("Mật khẩu không được dài quá 128 ký tự.")]
    TooLong,
    /// Equal to the user name, ignoring case.
    #[error("Mật khẩu không được trùng với tên đăng nhập.")]
    SameAsUsername,
    /// One character repeated.
    #[error("Mật khẩu không được chỉ gồm một ký tự lặp lại.")]
    Repetitive,
    /// In the list of commonly used passwords.
    #[error("Mật khẩu này quá phổ biến, dễ bị đoán; hãy chọn mật khẩu khác.")]
    Common,
}

/// Checks `password` against the password policy for the account `username`.
///
/// Lengths are counted in characters (Unicode scalar values), not bytes.
///
/// # Errors
/// The first [`PasswordProblem`] found, checked in the order of the enum's variants.
pub fn check_policy(password: &str, username: &str) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let lowered = password.to_lowercase();
    if lowered == username.to_lowercase() {
        return Err(PasswordProblem::SameAsUsername);
    }
    let mut rest = password.chars();
    if let Some(first) = rest.next()
        && rest.all(|c| c == first)
    {
        return Err(PasswordProblem::Repetitive);
    }
    if COMMON.contains(&lowered.as_str()) {
        return Err(PasswordProblem::Common);
    }
    Ok(())
}

/// Generates a random password of 16 characters from an unambiguous alphabet (lowercase letters and
/// digits without `0`, `1`, `i`, `l`, `o`), about 79 bits of entropy, shown in groups of four:
/// `abcd-efgh-jkmn-pqrs` (19 characters with the dashes). It always passes [`check_policy`].
///
/// # Errors
/// [`AuthError::Random`] when the OS random number generator fails.
pub fn generate() -> Result<String, AuthError> {
    // Rejection sampling keeps every character equally likely: bytes at or above the largest
    // multiple of the alphabet size are drawn again.
    let alphabet_len = GENERATED_ALPHABET.len();
    let limit = 256 - 256 % alphabet_len;
    let mut picked = Vec::with_capacity(GENERATED_CHARS);
    let mut pool = [0u8; 32];
    while picked.len() < GENERATED_CHARS {
        fill_random(&mut pool)?;
        for &byte in &pool {
            let byte = usize::from(byte);
            if byte < limit && picked.len() < GENERATED_CHARS {
                picked.push(GENERATED_ALPHABET[byte % alphabet_len]);
            }
        }
    }
    let mut out = String::with_capacity(GENERATED_CHARS + GENERATED_CHARS / GENERATED_GROUP);
    for (i, group) in picked.chunks(GENERATED_GROUP).enumerate() {
        if i > 0 {
            out.push('-');
        }
        out.extend(group.iter().map(|&b| char::from(b)));
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn hash_verify_round_trip() {
        let phc = hash("một mật khẩu đủ dài").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("một mật khẩu đủ dài", &phc));
        assert!(!verify("một mật khẩu đủ dàI", &phc));
        assert!(!verify("", &phc));
    }

    #[test]
    fn salts_differ() {
        let a = hash("cùng một mật khẩu").unwrap();
        let b = hash("cùng một mật khẩu").unwrap();
        assert_ne!(a, b);
        // PHC fields: "", "argon2id", "v=19", params, salt, hash.
        let salt = a.split('$').nth(4).unwrap();
        // 16 bytes in unpadded standard base64 are 22 characters.
        assert_eq!(salt.len(), 22);
    }

    #[test]
    fn garbage_hash_is_false() {
        for phc in [
            "",
            "$",
            "not a hash",
            "$argon2id$",
            "$argon2id$v=19$m=19456,t=2,p=1$",
            "$argon2id$v=19$m=19456,t=2,p=1$abc$def",
            "$bcrypt$xyz",
        ] {
            assert!(!verify("password", phc), "{phc:?}");
        }
        // Unsupported parameters (memory cost below the Argon2 minimum).
        let phc = hash_with_salt("mật khẩu thử", b"0123456789abcdef").unwrap();
        let broken = phc.replace("m=19456", "m=1");
        assert!(!verify("mật khẩu thử", &broken));
        // A truncated digest.
        assert!(!verify("mật khẩu thử", &phc[..phc.len() - 4]));
        assert!(verify("mật khẩu thử", &phc));
    }

    #[test]
    fn dummy_verify_does_not_panic() {
        dummy_verify("bất kỳ");
        dummy_verify("");
    }

    #[test]
    fn policy_lengths_count_characters() {
        assert_eq!(check_policy("abcdefghi", "u"), Err(PasswordProblem::TooShort));
        assert_eq!(check_policy("", "u"), Err(PasswordProblem::TooShort));
        // 9 characters but 18+ bytes.
        assert_eq!(check_policy("đđđđđđđđx", "u"), Err(PasswordProblem::TooShort));
        assert_eq!(check_policy("đảngviênx1", "u"), Ok(()));
        let max: String = "ab".repeat(64);
        assert_eq!(check_policy(&max, "u"), Ok(()));
        assert_eq!(check_policy(&format!("{max}c"), "u"), Err(PasswordProblem::TooLong));
        assert_eq!(check_policy(&"ệa".repeat(64), "u"), Ok(()));
    }

    #[test]
    fn policy_username_repetition_common() {
        assert_eq!(check_policy("NguyenVanAn", "nguyenvanan"), Err(PasswordProblem::SameAsUsername));
        assert_eq!(check_policy("nguyenvanan", "NGUYENVANAN"), Err(PasswordProblem::SameAsUsername));
        assert_eq!(check_policy("nguyenvanan1", "nguyenvanan"), Ok(()));
        assert_eq!(check_policy("aaaaaaaaaa", "u"), Err(PasswordProblem::Repetitive));
        assert_eq!(check_policy("ưưưưưưưưưưưư", "u"), Err(PasswordProblem::Repetitive));
        assert_eq!(check_policy("aaaaaaaaab", "u"), Ok(()));
        for weak in ["1234567890", "matkhau123", "password123", "dangvu12345", "qwertyuiop", "0123456789", "MatKhau123", "QWERTYUIOP"] {
            assert_eq!(check_policy(weak, "u"), Err(PasswordProblem::Common), "{weak}");
        }
        assert_eq!(check_policy("cây đa giếng nước sân đình", "u"), Ok(()));
    }

    #[test]
    fn common_list_is_lowercase_and_long_enough() {
        assert!(COMMON.len() >= 30);
        for entry in COMMON {
            assert_eq!(*entry, entry.to_lowercase());
            assert!(entry.chars().count() >= MIN_CHARS, "{entry}");
        }
    }

    #[test]
    fn messages_are_vietnamese() {
        assert_eq!(PasswordProblem::TooShort.to_string(), "Mật khẩu phải có ít nhất 10 ký tự.");
        assert!(PasswordProblem::Common.to_string().starts_with("Mật khẩu"));
    }

    #[test]
    fn generated_passwords_have_the_expected_shape_and_pass_policy() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..500 {
            let password = generate().unwrap();
            assert_eq!(password.len(), 19, "{password}");
            let groups: Vec<&str> = password.split('-').collect();
            assert_eq!(groups.len(), 4);
            for group in groups {
                assert_eq!(group.len(), 4);
                assert!(group.bytes().all(|b| GENERATED_ALPHABET.contains(&b)), "{password}");
            }
            assert!(!password.contains(['0', 'O', '1', 'l', 'I', 'i', 'o']));
            assert_eq!(check_policy(&password, "admin"), Ok(()));
            assert!(seen.insert(password));
        }
        // Every character of the alphabet shows up over 500 × 16 draws.
        let all: String = seen.iter().flat_map(|p| p.chars()).collect();
        assert!(GENERATED_ALPHABET.iter().all(|&b| all.contains(char::from(b))));
    }
}
