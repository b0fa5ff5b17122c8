//! The positions of a .xls file's cells, read from its BIFF records before calamine opens it:
//! calamine lays each sheet out as one grid from its first to its last cell, so a damaged or
//! crafted cell far away (row 60 000, column 9 000) would make it fill gigabytes before our
//! limits are ever asked. Here every cell record of the `Workbook` stream is checked against
//! `Limits` first; a file whose container cannot be read is left for calamine to refuse.

use std::io::{Cursor, Read};

use crate::{Limits, ReadError};

/// BIFF8 records holding a value calamine reads: row (u16) then column (u16) first. (Blank cells,
/// formatting only, are skipped by calamine and so here.)
const CELL_RECORDS: [u16; 6] = [
    0x0006, // FORMULA
    0x0203, // NUMBER
    0x0204, // LABEL
    0x0205, // BOOLERR
    0x027E, // RK
    0x00FD, // LABELSST
];
/// MULRK: row, first column, …, last column in the record's last two bytes.
const MULTI_RECORDS: [u16; 1] = [0x00BD];
const BOF: u16 = 0x0809;
const BOUNDSHEET: u16 = 0x0085;

/// Refuses a .xls whose cells lie beyond the limits (as `SheetBuilder` would, but before the grid
/// is built). Rows and columns are counted from 1, as people read them.
pub(crate) fn check(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let Ok(mut file) = cfb::CompoundFile::open(Cursor::new(bytes)) else { return Ok(()) };
    let name = if file.is_stream("/Workbook") { "/Workbook" } else { "/Book" };
    let Ok(mut stream) = file.open_stream(name) else { return Ok(()) };
    let mut data = Vec::new();
    if stream.read_to_end(&mut data).is_err() {
        return Ok(());
    }
    let mut names: Vec<String> = Vec::new();
    // The globals come first (substream 0); sheet k is the substream after k BOF records.
    let mut substream: usize = 0;
    let mut at = 0;
    while let (Some(kind), Some(len)) = (u16_of(&data, at), u16_of(&data, at + 2)) {
        let body = data.get(at + 4..).unwrap_or_default();
        let body = body.get(..len).unwrap_or(body);
        at += 4 + len;
        let sheet = || names.get(substream.saturating_sub(1)).cloned().unwrap_or_default();
        match u16::try_from(kind).unwrap_or_default() {
            BOF => substream += 1,
            BOUNDSHEET => names.push(sheet_name(body)),
            k if CELL_RECORDS.contains(&k) || MULTI_RECORDS.contains(&k) => {
                let (Some(row), Some(first)) = (u16_of(body, 0), u16_of(body, 2)) else { continue };
                let last = if MULTI_RECORDS.contains(&k) {
                    body.len().checked_sub(2).and_then(|i| u16_of(body, i)).unwrap_or(first)
                } else {
                    first
                };
                let (row, column) = (row + 1, first.max(last) + 1);
                if row > limits.max_rows {
                    return Err(ReadError::TooManyRows { sheet: sheet(), row, limit: limits.max_rows });
                }
                if column > limits.max_columns {
                    return Err(ReadError::TooManyColumns { sheet: sheet(), column, limit: limits.max_columns });
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The little-endian u16 at `i`, if the bytes are there.
fn u16_of(bytes: &[u8], i: usize) -> Option<usize> {
    let pair: [u8; 2] = bytes.get(i..i + 2)?.try_into().ok()?;
    Some(usize::from(u16::from_le_bytes(pair)))
}

/// BOUNDSHEET8's name: after lbPlyPos (4), hsState (1), dt (1), a ShortXLUnicodeString (cch,
/// fHighByte, then Latin-1 bytes or UTF-16LE units).
fn sheet_name(body: &[u8]) -> String {
    let (Some(&count), Some(&high)) = (body.get(6), body.get(7)) else { return String::new() };
    let chars = body.get(8..).unwrap_or_default();
    if high & 1 == 0 {
        chars.iter().take(usize::from(count)).map(|b| char::from(*b)).collect()
    } else {
        let units: Vec<u16> =
            chars.chunks_exact(2).take(usize::from(count)).filter_map(|c| <[u8; 2]>::try_from(c).ok().map(u16::from_le_bytes)).collect();
        String::from_utf16_lossy(&units)
    }
}
