//! What the store keeps as JSON — a candidate, a step of an admission case, a year's calendar
//! corrections — as transfer types of its own, one per version, whose field names are frozen
//! here. The domain types may then change freely: only the conversions to and from them follow.
//!
//! Versions: data without a `"v"` field is version 1 (everything written before versions were
//! named); a later version writes `"v": n` beside its fields. Adding one means adding its types
//! next to the older ones, writing it, and keeping every older version readable. Closed lists
//! (`code_list!`) are kept by their codes, which never change (the register's columns hold the
//! same codes).

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::db::DbError;

pub mod calendar;
pub mod candidate;
pub mod step;

type R<T> = Result<T, DbError>;

/// The version a stored document declares: its `"v"` field, or 1 when it has none.
fn version(json: &str) -> R<u32> {
    #[derive(serde::Deserialize)]
    struct Declared {
        v: Option<u32>,
    }
    let declared: Declared = serde_json::from_str(json).map_err(decode_error)?;
    Ok(declared.v.unwrap_or(1))
}

fn read<T: DeserializeOwned>(json: &str) -> R<T> {
    serde_json::from_str(json).map_err(decode_error)
}

fn write<T: Serialize>(value: &T) -> R<String> {
    serde_json::to_string(value).map_err(decode_error)
}

fn decode_error(e: impl std::fmt::Display) -> DbError {
    DbError::Decode(e.to_string())
}

fn unknown_version(what: &str, v: u32) -> DbError {
    DbError::Decode(format!("stored {what} of version {v}, which this version of dangvu does not know"))
}

/// A stored text that must parse into a checked domain value (an identifier, a decision number).
fn checked<T>(stored: &str, parse: fn(&str) -> Result<T, domain::FieldError>) -> R<T> {
    parse(stored).map_err(|e| DbError::Decode(e.message))
}
