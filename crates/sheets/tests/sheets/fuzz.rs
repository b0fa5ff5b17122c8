//! Fuzzing in the suite: arbitrary bytes and damaged copies of every fixture are answered (a
//! workbook or a refusal), never a panic, and quickly. Cases are few to keep the suite short;
//! `crates/sheets/fuzz` runs the same entry point for as long as one likes.

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use proptest::collection::vec;
use proptest::prelude::*;
use sheets::{Cell, CellOut, Limits, SheetOut};

use super::make::{corpus_dir, fixtures_dir};

/// Small limits, so that damaged size fields cannot make a case slow.
fn limits() -> Limits {
    Limits { max_rows: 10_000, max_columns: 100, ..Limits::default() }
}

static SEEDS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let mut seeds = Vec::new();
    for dir in [fixtures_dir(), corpus_dir()] {
        let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        for path in paths {
            seeds.push(std::fs::read(path).unwrap());
        }
    }
    seeds
});

fn answered_quickly(bytes: &[u8], name: &str) {
    let started = Instant::now();
    let _ = sheets::read(bytes, name, &limits());
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
}

/// A damage to a file: bytes changed at relative positions, then maybe cut short.
#[derive(Debug, Clone)]
struct Damage {
    flips: Vec<(f64, u8)>,
    cut: Option<f64>,
}

fn damage() -> impl Strategy<Value = Damage> {
    (vec((0.0..1.0f64, 1..=255u8), 0..8), proptest::option::of(0.0..1.0f64)).prop_map(|(flips, cut)| Damage { flips, cut })
}

fn apply(seed: &[u8], damage: &Damage) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    if bytes.is_empty() {
        return bytes;
    }
    for (at, mask) in &damage.flips {
        let index = ((bytes.len() as f64) * at) as usize % bytes.len();
        bytes[index] ^= mask;
    }
    if let Some(cut) = damage.cut {
        bytes.truncate(((bytes.len() as f64) * cut) as usize);
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in vec(any::<u8>(), 0..4096), name in "[a-z]{1,8}\\.(xlsx|ods|csv|xls)") {
        answered_quickly(&bytes, &name);
    }

    /// Arbitrary bytes behind each container's signature reach the workbook readers.
    #[test]
    fn arbitrary_bytes_behind_a_signature(kind in 0..3usize, tail in vec(any::<u8>(), 0..4096)) {
        let magic: &[u8] = match kind {
            0 => b"PK\x03\x04",
            1 => b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            _ => b"\xEF\xBB\xBF",
        };
        answered_quickly(&[magic, &tail].concat(), "x.xlsx");
    }

    #[test]
    fn damaged_fixtures(seed in 0..SEEDS.len(), damage in damage()) {
        answered_quickly(&apply(&SEEDS[seed], &damage), "x.xlsx");
    }

    /// CSV made of the characters that matter to the parser.
    #[test]
    fn csv_texts(text in "[a,;\t\"\r\n ễĐ]{0,200}") {
        if let Ok(workbook) = sheets::read(text.as_bytes(), "x.csv", &limits()) {
            let numbers: Vec<usize> = workbook.sheets[0].rows.iter().map(|r| r.number).collect();
            prop_assert!(numbers.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(workbook.sheets[0].rows.iter().all(|r| r.cells.last() != Some(&Cell::Empty)));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    /// What `write_xlsx` writes, `read` gives back.
    #[test]
    fn written_workbooks_read_back(grid in vec(vec(cell_out(), 0..6), 1..12)) {
        let sheet = SheetOut { name: "Trang".to_owned(), rows: grid.clone(), header_row: Some(0), highlight: Vec::new() };
        let bytes = sheets::write_xlsx(&[sheet]).unwrap();
        let read = sheets::read(&bytes, "x.xlsx", &Limits::default());
        let expected: Vec<(usize, Vec<Cell>)> = grid
            .iter()
            .enumerate()
            .filter_map(|(index, row)| {
                let mut cells: Vec<Cell> = row.iter().map(as_read).collect();
                while cells.last() == Some(&Cell::Empty) {
                    cells.pop();
                }
                (!cells.is_empty()).then_some((index + 1, cells))
            })
            .collect();
        match read {
            Ok(workbook) => {
                let got: Vec<(usize, Vec<Cell>)> =
                    workbook.sheets[0].rows.iter().map(|r| (r.number, r.cells.clone())).collect();
                prop_assert_eq!(got, expected);
            }
            Err(error) => {
                prop_assert_eq!(error, sheets::ReadError::Empty);
                prop_assert!(expected.is_empty());
            }
        }
    }
}

fn cell_out() -> impl Strategy<Value = CellOut> {
    prop_oneof![
        Just(CellOut::Empty),
        "[A-Za-zàễĐươ0-9 /]{0,12}".prop_map(CellOut::Text),
        (-1.0e9..1.0e9f64).prop_map(|n| CellOut::Number((n * 100.0).round() / 100.0)),
        (1901i32..2100, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| CellOut::Date(super::register::date(y, m, d))),
    ]
}

fn as_read(cell: &CellOut) -> Cell {
    match cell {
        CellOut::Empty => Cell::Empty,
        CellOut::Text(text) if text.trim().is_empty() => Cell::Empty,
        CellOut::Text(text) => Cell::Text(text.clone()),
        CellOut::Number(number) => Cell::Number(*number),
        CellOut::Date(at) => Cell::Date(*at),
    }
}
