//! The spreadsheet readers against committed files: the register fixtures (as a library that
//! writes as Excel does, as LibreOffice saves it, as CSV in UTF-8 and Windows-1258), the corpus
//! of bad files, generated extremes, and fuzzing of byte inputs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod corpus;
mod fixtures;
mod fuzz;
mod limits;
mod make;
mod register;
mod write;
