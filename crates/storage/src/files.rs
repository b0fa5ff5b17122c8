//! Files kept in the database (document and directive attachments): base64 text, one
//! representation on both engines and in backups, with the SHA-256 of the bytes.

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::db::DbError;
use crate::error::{Result, StoreError};

/// A file as stored.
pub(crate) struct Encoded {
    pub sha256: String,
    pub content: String,
    pub size: i64,
}

pub(crate) fn encode(bytes: &[u8]) -> Encoded {
    Encoded {
        sha256: Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect(),
        content: base64::engine::general_purpose::STANDARD.encode(bytes),
        size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
    }
}

pub(crate) fn decode(content: &str) -> Result<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(content.as_bytes())
        .map_err(|_| StoreError::Database(DbError::Decode("attachment content".into())))
}
