//! Any bytes given to `sheets::read` are answered with a workbook or a refusal, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small row and column limits keep each run short whatever sizes the input declares.
    let limits = sheets::Limits {
        max_rows: 10_000,
        max_columns: 100,
        ..sheets::Limits::default()
    };
    let _ = sheets::read(data, "fuzz.xlsx", &limits);
});
