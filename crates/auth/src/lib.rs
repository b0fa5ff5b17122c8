//! Authentication primitives of dangvu.
//!
//! Pure functions with no I/O except the operating system's random number generator, no async
//! and no clock reads (callers pass the current time in):
//!
//! - [`password`]: Argon2id hashing and verification of passwords, the password policy and
//!   generation of random initial passwords.
//! - [`totp`]: time-based one-time passwords (RFC 6238, HMAC-SHA1, 6 digits, 30-second step)
//!   for second-factor authentication with any authenticator app.
//! - [`token`]: random session ids and API tokens, and the SHA-256 digest stored in their place.
//! - [`chain`]: the SHA-256 hash chain linking the records of the audit trail.
//! - [`checksum`]: SHA-256 over streamed bytes, the checksums of backups.

pub mod chain;
pub mod checksum;
mod encoding;
pub mod password;
pub mod token;
pub mod totp;

/// Failures of the primitives in this crate that are not the user's fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The operating system's random number generator failed.
    #[error("Bộ sinh số ngẫu nhiên của hệ điều hành gặp lỗi: {0}")]
    Random(String),
    /// Argon2 failed to hash a password.
    #[error("Lỗi khi băm mật khẩu: {0}")]
    Hash(String),
    /// A TOTP secret is not valid base32.
    #[error("Khóa bí mật không đúng định dạng base32.")]
    Base32,
}

/// Fills `buf` from the operating system's random number generator.
pub(crate) fn fill_random(buf: &mut [u8]) -> Result<(), AuthError> {
    getrandom::fill(buf).map_err(|e| AuthError::Random(e.to_string()))
}
