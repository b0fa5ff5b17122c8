//! Time-based one-time passwords (RFC 6238) with the parameters every authenticator app uses by
//! default: HMAC-SHA1, 6 digits, 30-second time step, Unix epoch as time zero.

use ctutils::CtEq as _;
use hmac::{Hmac, KeyInit as _, Mac as _};
use sha1::{Digest as _, Sha1};

use crate::AuthError;
use crate::encoding::{base32_decode, base32_upper, percent_encode};

/// Length of the time step in seconds.
pub const STEP_SECONDS: i64 = 30;
/// Number of digits of a code.
pub const DIGITS: usize = 6;
/// Length in bytes of generated secrets (160 bits, the HMAC-SHA1 output size recommended by RFC 4226).
pub const SECRET_LEN: usize = 20;
/// SHA-1 block size in bytes (HMAC key block).
const SHA1_BLOCK: usize = 64;

/// A shared TOTP secret (the key of the HMAC).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key itself, e.g. in logs.
        write!(f, "Secret(<{} bytes>)", self.0.len())
    }
}

impl Secret {
    /// A new random secret of [`SECRET_LEN`] bytes.
    ///
    /// # Errors
    /// [`AuthError::Random`] when the OS random number generator fails.
    pub fn generate() -> Result<Secret, AuthError> {
        let mut bytes = vec![0u8; SECRET_LEN];
        crate::fill_random(&mut bytes)?;
        Ok(Secret(bytes))
    }

    /// Parses RFC 4648 base32, as shown by [`Secret::to_base32`] or typed by a person:
    /// case-insensitive, whitespace ignored, trailing `=` padding optional.
    ///
    /// # Errors
    /// [`AuthError::Base32`] on invalid base32 or an empty secret.
    pub fn from_base32(text: &str) -> Result<Secret, AuthError> {
        match base32_decode(text) {
            Some(bytes) if !bytes.is_empty() => Ok(Secret(bytes)),
            _ => Err(AuthError::Base32),
        }
    }

    /// The secret as uppercase RFC 4648 base32 without padding (what authenticator apps expect).
    #[must_use]
    pub fn to_base32(&self) -> String {
        base32_upper(&self.0)
    }

    /// The raw key bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Why a code is refused by [`check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TotpError {
    /// Not exactly six ASCII digits (after removing whitespace).
    #[error("Mã xác thực gồm đúng 6 chữ số.")]
    Malformed,
    /// Matches none of the accepted time steps.
    #[error("Mã xác thực không đúng hoặc đã hết hạn.")]
    Wrong,
    /// Matches only a time step at or before the last one already used (replay).
    #[error("Mã xác thực này đã được dùng; hãy chờ mã mới.")]
    Reused,
}

/// The time step containing `unix_seconds`: `floor(unix_seconds / 30)`.
#[must_use]
pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// HMAC-SHA1 of `message` under `key`.
///
/// The key is brought to the SHA-1 block size first exactly as HMAC specifies (RFC 2104: hashed if
/// longer than a block, then zero-padded), which makes the keyed constructor infallible.
fn hmac_sha1(key: &[u8], message: &[u8]) -> [u8; 20] {
    let mut block = [0u8; SHA1_BLOCK];
    if key.len() > SHA1_BLOCK {
        let digest = Sha1::digest(key);
        block[..digest.len()].copy_from_slice(&digest);
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut mac = <Hmac<Sha1>>::new(&block.into());
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The code of time step `step` (RFC 4226 HOTP with the step as counter).
fn code_of_step(secret: &Secret, step: i64) -> [u8; DIGITS] {
    // Steps before 1970 are negative; their two's complement bit pattern is used as the counter.
    let counter = step.cast_unsigned().to_be_bytes();
    let mac = hmac_sha1(&secret.0, &counter);
    // Dynamic truncation (RFC 4226 section 5.3).
    let offset = usize::from(mac[19] & 0x0f);
    let binary = u32::from_be_bytes([mac[offset] & 0x7f, mac[offset + 1], mac[offset + 2], mac[offset + 3]]);
    let mut value = binary % 1_000_000;
    let mut digits = [b'0'; DIGITS];
    for digit in digits.iter_mut().rev() {
        // `value % 10` is below 10, so the conversion never fails.
        *digit = b'0' + u8::try_from(value % 10).unwrap_or(0);
        value /= 10;
    }
    digits
}

/// The 6-digit code (zero-padded) for the time `unix_seconds`.
#[must_use]
pub fn code_at(secret: &Secret, unix_seconds: i64) -> String {
    code_of_step(secret, step_of(unix_seconds)).iter().map(|&b| char::from(b)).collect()
}

/// Checks a code typed by the user at time `unix_seconds`.
///
/// Whitespace anywhere in `code` is ignored (`"123 456"` and `" 12 34 56 "` are fine). The code of
/// the current time step and of one step either side (clock drift) is accepted; the comparison is
/// constant-time. A step at or before `last_used_step` (the step returned by the last successful
/// check for this secret) is refused so that an intercepted code cannot be replayed.
///
/// Returns the matched step, which the caller stores as the new `last_used_step`.
///
/// # Errors
/// [`TotpError::Malformed`] when the code is not exactly six ASCII digits, [`TotpError::Reused`]
/// when it only matches already used steps, [`TotpError::Wrong`] otherwise.
pub fn check(secret: &Secret, code: &str, unix_seconds: i64, last_used_step: Option<i64>) -> Result<i64, TotpError> {
    let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    // All ASCII, so the byte length is the number of digits.
    if typed.len() != DIGITS || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TotpError::Malformed);
    }
    let current = step_of(unix_seconds);
    let mut matched_fresh: Option<i64> = None;
    let mut matched_used = false;
    // Compute and compare all candidate steps, without stopping at the first match.
    for step in [current.saturating_sub(1), current, current.saturating_add(1)] {
        let expected = code_of_step(secret, step);
        if expected.as_slice().ct_eq(typed.as_bytes()).into() {
            if last_used_step.is_some_and(|last| step <= last) {
                matched_used = true;
            } else if matched_fresh.is_none() {
                matched_fresh = Some(step);
            }
        }
    }
    match (matched_fresh, matched_used) {
        (Some(step), _) => Ok(step),
        (None, true) => Err(TotpError::Reused),
        (None, false) => Err(TotpError::Wrong),
    }
}

/// The `otpauth://` URI that authenticator apps import (usually from a QR code):
/// `otpauth://totp/{issuer}:{account}?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30`.
///
/// `issuer` and `account` are percent-encoded as UTF-8 (everything except the RFC 3986 unreserved
/// characters `A-Z a-z 0-9 - . _ ~` is encoded).
#[must_use]
pub fn provisioning_uri(secret: &Secret, issuer: &str, account: &str) -> String {
    let issuer = percent_encode(issuer);
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        account = percent_encode(account),
        secret = secret.to_base32(),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn rfc_secret() -> Secret {
        Secret(b"12345678901234567890".to_vec())
    }

    #[test]
    fn rfc6238_appendix_b_sha1_vectors() {
        let vectors = [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ];
        for (time, code) in vectors {
            assert_eq!(code_at(&rfc_secret(), time), code, "t = {time}");
        }
    }

    #[test]
    fn rfc4226_appendix_d_hotp_vectors() {
        let codes = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
        for (counter, code) in codes.iter().enumerate() {
            let counter = i64::try_from(counter).unwrap();
            assert_eq!(code_at(&rfc_secret(), counter * STEP_SECONDS), *code);
            assert_eq!(code_at(&rfc_secret(), counter * STEP_SECONDS + 29), *code);
        }
    }

    #[test]
    fn hmac_key_preparation_matches_the_hmac_crate() {
        for len in [0usize, 1, 19, 20, 63, 64, 65, 100, 200] {
            let key: Vec<u8> = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
            let mut reference = <Hmac<Sha1>>::new_from_slice(&key).unwrap();
            reference.update(b"message");
            let reference: [u8; 20] = reference.finalize().into_bytes().into();
            assert_eq!(hmac_sha1(&key, b"message"), reference, "key length {len}");
        }
    }

    #[test]
    fn step_of_floors() {
        assert_eq!(step_of(0), 0);
        assert_eq!(step_of(29), 0);
        assert_eq!(step_of(30), 1);
        assert_eq!(step_of(59), 1);
        assert_eq!(step_of(-1), -1);
        assert_eq!(step_of(-30), -1);
        assert_eq!(step_of(-31), -2);
        assert_eq!(step_of(1_111_111_109), 37_037_036);
    }

    #[test]
    fn codes_are_six_zero_padded_digits_even_at_extremes() {
        let secret = rfc_secret();
        for time in [i64::MIN, -1, 0, i64::MAX] {
            let code = code_at(&secret, time);
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
            assert_eq!(check(&secret, &code, time, None).unwrap(), step_of(time));
        }
    }

    #[test]
    fn drift_of_one_step_is_accepted_two_refused() {
        let secret = Secret::generate().unwrap();
        let now = 1_700_000_015;
        let step = step_of(now);
        for delta in [-1i64, 0, 1] {
            let code = code_at(&secret, now + delta * STEP_SECONDS);
            assert_eq!(check(&secret, &code, now, None), Ok(step + delta), "delta {delta}");
        }
        for delta in [-2i64, 2, -3, 3] {
            let code = code_at(&secret, now + delta * STEP_SECONDS);
            // A random collision with a neighbouring step is possible in principle; skip it.
            let collides = [-1i64, 0, 1].iter().any(|d| code_at(&secret, now + d * STEP_SECONDS) == code);
            if !collides {
                assert_eq!(check(&secret, &code, now, None), Err(TotpError::Wrong), "delta {delta}");
            }
        }
    }

    #[test]
    fn replay_is_refused() {
        let secret = rfc_secret();
        let now = 1_111_111_111;
        let step = step_of(now);
        let code = code_at(&secret, now);
        assert_eq!(check(&secret, &code, now, Some(step - 1)), Ok(step));
        assert_eq!(check(&secret, &code, now, Some(step)), Err(TotpError::Reused));
        assert_eq!(check(&secret, &code, now + STEP_SECONDS, Some(step)), Err(TotpError::Reused));
        assert_eq!(check(&secret, &code, now, Some(step + 1)), Err(TotpError::Reused));
        // The next step's code is still fine after this one was used.
        let next = code_at(&secret, now + STEP_SECONDS);
        assert_eq!(check(&secret, &next, now, Some(step)), Ok(step + 1));
        // An unrelated wrong code stays Wrong, not Reused.
        let wrong = if code == "000000" { "111111" } else { "000000" };
        assert_eq!(check(&secret, wrong, now, Some(step)), Err(TotpError::Wrong));
    }

    #[test]
    fn whitespace_is_ignored_and_malformed_codes_refused() {
        let secret = rfc_secret();
        assert_eq!(check(&secret, "050471", 1_111_111_111, None), Ok(37_037_037));
        assert_eq!(check(&secret, " 050 471 ", 1_111_111_111, None), Ok(37_037_037));
        assert_eq!(check(&secret, "05 04 71", 1_111_111_111, None), Ok(37_037_037));
        assert_eq!(check(&secret, "05\t04\n71", 1_111_111_111, None), Ok(37_037_037));
        for bad in ["", "   ", "12345", "1234567", "12345a", "abcdef", "12-456", "١٢٣٤٥٦", "１２３４５６", "+12345", "05047１"]
        {
            assert_eq!(check(&secret, bad, 1_111_111_111, None), Err(TotpError::Malformed), "{bad:?}");
        }
        assert_eq!(check(&secret, "000000", 1_111_111_111, None), Err(TotpError::Wrong));
    }

    #[test]
    fn error_messages() {
        assert_eq!(TotpError::Malformed.to_string(), "Mã xác thực gồm đúng 6 chữ số.");
        assert_eq!(TotpError::Wrong.to_string(), "Mã xác thực không đúng hoặc đã hết hạn.");
        assert_eq!(TotpError::Reused.to_string(), "Mã xác thực này đã được dùng; hãy chờ mã mới.");
        assert_eq!(AuthError::Base32.to_string(), "Khóa bí mật không đúng định dạng base32.");
    }

    #[test]
    fn base32_round_trip_over_many_lengths() {
        for len in 1..=100 {
            for _ in 0..5 {
                let mut bytes = vec![0u8; len];
                crate::fill_random(&mut bytes).unwrap();
                let secret = Secret(bytes.clone());
                let text = secret.to_base32();
                assert!(!text.contains('='));
                assert_eq!(text, text.to_uppercase());
                assert_eq!(Secret::from_base32(&text).unwrap().as_bytes(), bytes.as_slice());
                assert_eq!(Secret::from_base32(&text.to_lowercase()).unwrap(), secret);
                let padded = format!("{text}{}", "=".repeat((8 - text.len() % 8) % 8));
                assert_eq!(Secret::from_base32(&padded).unwrap(), secret);
                let spaced: String = text.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(" ");
                assert_eq!(Secret::from_base32(&spaced).unwrap(), secret);
            }
        }
    }

    #[test]
    fn generated_secrets() {
        let a = Secret::generate().unwrap();
        let b = Secret::generate().unwrap();
        assert_eq!(a.as_bytes().len(), SECRET_LEN);
        assert_eq!(a.to_base32().len(), 32);
        assert_ne!(a, b);
        assert!(!format!("{a:?}").contains(&a.to_base32()));
    }

    #[test]
    fn from_base32_rejects_garbage() {
        for bad in ["", "   ", "====", "GEZDGNBV0", "GEZDGNBV1", "GEZ!DGNBV", "GE=ZDGNBV", "G"] {
            assert_eq!(Secret::from_base32(bad), Err(AuthError::Base32), "{bad:?}");
        }
        assert_eq!(Secret::from_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").unwrap(), rfc_secret());
    }

    #[test]
    fn provisioning_uri_format() {
        let uri = provisioning_uri(&rfc_secret(), "Đảng bộ Xã A", "nguyen.van-an@example.vn");
        assert_eq!(
            uri,
            "otpauth://totp/%C4%90%E1%BA%A3ng%20b%E1%BB%99%20X%C3%A3%20A:nguyen.van-an%40example.vn\
             ?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=%C4%90%E1%BA%A3ng%20b%E1%BB%99%20X%C3%A3%20A\
             &algorithm=SHA1&digits=6&period=30"
        );
        let plain = provisioning_uri(&rfc_secret(), "dangvu", "admin");
        assert!(plain.starts_with("otpauth://totp/dangvu:admin?secret=GEZDGNBV"));
        assert!(provisioning_uri(&rfc_secret(), "a:b&c=d", "x/y?z").starts_with("otpauth://totp/a%3Ab%26c%3Dd:x%2Fy%3Fz?"));
    }
}
