//! Random bearer tokens (session ids, API tokens) and the digests stored in their place.
//!
//! Only [`digest`] of a token is stored, so a leaked database does not hand out valid tokens.
//! Tokens carry 256 random bits, so a fast unsalted hash is enough.

use ctutils::CtEq as _;
use sha2::{Digest as _, Sha256};

use crate::AuthError;
use crate::encoding::{base32_lower, hex_lower};

/// Number of random bytes in a token.
pub const TOKEN_BYTES: usize = 32;

/// `prefix` followed by [`TOKEN_BYTES`] random bytes as lowercase base32 without padding
/// (52 characters). Session ids use the prefix `""`, API tokens `"dv_"`.
///
/// # Errors
/// [`AuthError::Random`] when the OS random number generator fails.
pub fn random_token(prefix: &str) -> Result<String, AuthError> {
    let mut bytes = [0u8; TOKEN_BYTES];
    crate::fill_random(&mut bytes)?;
    Ok(format!("{prefix}{}", base32_lower(&bytes)))
}

/// `N` random bytes from the operating system (the material of activation codes).
///
/// # Errors
/// [`AuthError::Random`] when the OS random number generator fails.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], AuthError> {
    let mut bytes = [0u8; N];
    crate::fill_random(&mut bytes)?;
    Ok(bytes)
}

/// Lowercase hexadecimal SHA-256 of `token` (64 characters): what the database stores.
#[must_use]
pub fn digest(token: &str) -> String {
    hex_lower(&Sha256::digest(token.as_bytes()))
}

/// Whether `a` and `b` are equal, in time that depends only on their lengths, not their contents.
#[must_use]
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// `token` hidden under a fresh random pad, for a page: `hex(pad) + hex(pad XOR token)`.
/// Each response then carries different bytes for the same session token, so compressing the
/// page (whose size an eavesdropper sees) reveals nothing about the token (the BREACH attack).
/// [`unmask`] gives the token back.
///
/// # Errors
/// [`AuthError::Random`] when the OS random number generator fails.
pub fn mask(token: &str) -> Result<String, AuthError> {
    let mut pad = vec![0u8; token.len()];
    fill_pad(&mut pad)?;
    let hidden: Vec<u8> = pad.iter().zip(token.as_bytes()).map(|(p, t)| p ^ t).collect();
    Ok(format!("{}{}", hex_lower(&pad), hex_lower(&hidden)))
}

/// Pads drawn from one seed before the thread's generator is seeded again from the OS.
const PADS_PER_SEED: u32 = 4096;

thread_local! {
    /// The thread's pad generator and how many pads it drew since it was seeded.
    static PADS: std::cell::RefCell<Option<(rand::rngs::StdRng, u32)>> = const { std::cell::RefCell::new(None) };
}

/// Fills `pad` from a cryptographically secure generator (ChaCha12) seeded from the operating
/// system and seeded again every [`PADS_PER_SEED`] pads: every page carries a pad, and asking the
/// kernel for each one was a system call per page view. Tokens and codes still come from the
/// operating system directly ([`random_token`], [`random_bytes`]).
fn fill_pad(pad: &mut [u8]) -> Result<(), AuthError> {
    use rand::{RngCore as _, SeedableRng as _};
    PADS.with(|cell| {
        let mut kept = cell.borrow_mut();
        let (generator, drawn) = match kept.take() {
            Some((generator, drawn)) if drawn < PADS_PER_SEED => (generator, drawn),
            _ => {
                let mut seed = [0u8; 32];
                crate::fill_random(&mut seed)?;
                (rand::rngs::StdRng::from_seed(seed), 0)
            }
        };
        let (mut generator, drawn) = (generator, drawn + 1);
        generator.fill_bytes(pad);
        *kept = Some((generator, drawn));
        Ok(())
    })
}

/// The token a [`mask`] hid, or `None` when `masked` is not one.
#[must_use]
pub fn unmask(masked: &str) -> Option<String> {
    let bytes = crate::encoding::from_hex(masked)?;
    let (pad, hidden) = bytes.split_at(bytes.len() / 2);
    if pad.len() != hidden.len() {
        return None;
    }
    String::from_utf8(pad.iter().zip(hidden).map(|(p, h)| p ^ h).collect()).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_prefix_length_and_alphabet() {
        let mut seen = std::collections::HashSet::new();
        for prefix in ["", "dv_"] {
            for _ in 0..100 {
                let token = random_token(prefix).unwrap();
                let body = token.strip_prefix(prefix).unwrap();
                assert_eq!(body.len(), 52);
                assert!(body.bytes().all(|b| matches!(b, b'a'..=b'z' | b'2'..=b'7')), "{token}");
                assert!(seen.insert(body.to_owned()));
            }
        }
    }

    #[test]
    fn digest_is_sha256_hex() {
        assert_eq!(digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let token = random_token("dv_").unwrap();
        assert_eq!(digest(&token), digest(&token));
        assert_ne!(digest(&token), digest(&random_token("dv_").unwrap()));
    }

    #[test]
    fn pads_stay_fresh_across_the_generators_new_seed() {
        let token = random_token("").unwrap();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..PADS_PER_SEED + 3 {
            let masked = mask(&token).unwrap();
            assert_eq!(unmask(&masked).as_deref(), Some(token.as_str()));
            assert!(seen.insert(masked[..token.len() * 2].to_owned()), "a pad came twice");
        }
    }

    #[test]
    fn masked_tokens_differ_each_time_and_unmask_to_the_token() {
        let token = random_token("").unwrap();
        let (a, b) = (mask(&token).unwrap(), mask(&token).unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), token.len() * 4);
        assert_eq!(unmask(&a).as_deref(), Some(token.as_str()));
        assert_eq!(unmask(&b).as_deref(), Some(token.as_str()));
        assert_eq!(unmask(&token), None, "not hex");
        assert_eq!(unmask("abc"), None, "odd length");
        assert_eq!(unmask("00ff"), None, "not text");
    }

    #[test]
    fn constant_time_equality() {
        assert!(constant_time_eq("", ""));
        assert!(constant_time_eq("dv_abc", "dv_abc"));
        assert!(!constant_time_eq("dv_abc", "dv_abd"));
        assert!(!constant_time_eq("dv_abc", "dv_ab"));
        assert!(!constant_time_eq("", "a"));
        assert!(constant_time_eq("mật khẩu", "mật khẩu"));
    }
}
