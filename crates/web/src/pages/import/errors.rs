//! `GET /import/{id}/errors.xlsx`: the file given back as read — every sheet, a column "Lỗi"
//! after the header's last column holding each refused row's reasons, the faulty cells
//! highlighted — to correct and upload again.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use domain::interchange::{Column, SheetKind, UnitColumn};
use sheets::{CellOut, Position, SheetOut};
use storage::import::{ImportPlan, LineError, MemberAction, UnitAction};

use crate::error::AppError;
use crate::extract::PathId;
use crate::import_file::{RegisterFile, SheetSummary};
use crate::import_jobs::JobState;
use crate::session::{AppState, Caller};

/// The header of the added column.
pub const ERROR_HEADER: &str = "Lỗi";

fn cell_out(c: &sheets::Cell) -> CellOut {
    match c {
        sheets::Cell::Empty => CellOut::Empty,
        sheets::Cell::Text(t) => CellOut::Text(t.clone()),
        sheets::Cell::Number(n) => CellOut::Number(*n),
        sheets::Cell::Date(d) => CellOut::Date(*d),
        sheets::Cell::Bool(b) => CellOut::Text(if *b { "TRUE" } else { "FALSE" }.to_owned()),
        sheets::Cell::Formula(f) => CellOut::Text(f.clone()),
        sheets::Cell::Error(e) => CellOut::Text(e.clone()),
        sheets::Cell::BadDate(n) => CellOut::Number(*n),
    }
}

/// The reasons of each refused row of one sheet, by row number.
type Reasons = HashMap<usize, Vec<LineError>>;

/// The refused rows' reasons, sheet by sheet: the importer's lines follow the sheets in order,
/// each sheet giving as many lines as it has rows read.
fn reasons_by_sheet(file: &RegisterFile, plan: &ImportPlan) -> Vec<Reasons> {
    let mut members = plan.members.iter();
    let mut units = plan.units.iter();
    file.sheets
        .iter()
        .map(|sheet| {
            let mut out = Reasons::new();
            match sheet.kind {
                Some(SheetKind::Members) => {
                    for m in members.by_ref().take(sheet.rows) {
                        if let MemberAction::Refused { errors } = &m.outcome {
                            out.entry(m.row).or_default().extend(errors.iter().cloned());
                        }
                    }
                }
                Some(SheetKind::Units) => {
                    for u in units.by_ref().take(sheet.rows) {
                        if let UnitAction::Refused { errors } = &u.outcome {
                            out.entry(u.row).or_default().extend(errors.iter().cloned());
                        }
                    }
                }
                None => {}
            }
            out
        })
        .collect()
}

/// The file column (0-based) a column code is read from on this sheet.
fn column_of(sheet: &SheetSummary, code: &str) -> Option<usize> {
    match sheet.kind? {
        SheetKind::Members => sheet.mapping.member_column(Column::parse(code)?),
        SheetKind::Units => {
            let c = UnitColumn::parse(code)?;
            sheet.mapping.units.iter().position(|u| *u == Some(c))
        }
    }
}

/// The workbook: `book` as read, with the reasons of `plan` added.
pub fn workbook(book: &sheets::Workbook, file: &RegisterFile, plan: &ImportPlan) -> Result<Vec<u8>, sheets::WriteError> {
    let reasons = reasons_by_sheet(file, plan);
    let mut out = Vec::new();
    for (index, sheet) in book.sheets.iter().enumerate() {
        let summary = file.sheets.get(index).filter(|s| s.name == sheet.name);
        let empty = Reasons::new();
        let reasons = reasons.get(index).filter(|_| summary.is_some()).unwrap_or(&empty);
        let header_row = summary.and_then(|s| s.header_row);
        let error_column = summary.map_or(0, |s| s.headers.len());
        let mut rows: Vec<Vec<CellOut>> = Vec::new();
        let mut highlight = Vec::new();
        let mut header_index = None;
        for row in &sheet.rows {
            let at = row.number.saturating_sub(1);
            while rows.len() < at {
                rows.push(Vec::new());
            }
            let mut cells: Vec<CellOut> = row.cells.iter().map(cell_out).collect();
            if Some(row.number) == header_row {
                header_index = Some(at);
                cells.resize(cells.len().max(error_column), CellOut::Empty);
                cells.insert(error_column, CellOut::Text(ERROR_HEADER.to_owned()));
            } else if let Some(errors) = reasons.get(&row.number) {
                cells.resize(cells.len().max(error_column), CellOut::Empty);
                let text = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ");
                cells.insert(error_column, CellOut::Text(text));
                highlight.push(Position { row: at, column: error_column });
                for e in errors {
                    if let Some(c) = e.column.as_deref().and_then(|code| summary.and_then(|s| column_of(s, code))) {
                        highlight.push(Position { row: at, column: c });
                    }
                }
            } else if summary.is_some_and(|s| s.kind.is_some()) && header_row.is_some_and(|h| row.number > h) {
                // Keep the added column's place on rows without errors.
                cells.resize(cells.len().max(error_column), CellOut::Empty);
                cells.insert(error_column, CellOut::Empty);
            }
            rows.push(cells);
        }
        highlight.sort();
        highlight.dedup();
        out.push(SheetOut { name: sheet.name.clone(), rows, header_row: header_index, highlight });
    }
    sheets::write_xlsx(&out)
}

/// `GET /import/{id}/errors.xlsx`.
pub(super) async fn download(s: Caller, State(state): State<AppState>, PathId(id): PathId<String>) -> Result<Response, AppError> {
    s.importer()?;
    let job = state.imports.get(&id, s.principal().account_id).ok_or_else(AppError::not_found)?;
    let (file, plan) = match &job.state {
        JobState::Planned { file, plan, .. } | JobState::Applied { file, plan } => (file.clone(), plan.clone()),
        _ => return Err(AppError::not_found()),
    };
    let bytes = job.bytes.clone();
    let name = job.file_name.clone();
    let built = tokio::task::spawn_blocking(move || {
        let book = sheets::read(&bytes, &name, &sheets::Limits::default()).map_err(|e| e.to_string())?;
        workbook(&book, &file, &plan).map_err(|e| e.to_string())
    })
    .await
    .map_err(|_| AppError::internal())?;
    let body = built.map_err(|e| {
        tracing::error!(error = %e, "errors workbook failed");
        AppError::internal()
    })?;
    let stem = job.file_name.rsplit_once('.').map_or(job.file_name.as_str(), |(s, _)| s);
    let download = format!("{}-loi.xlsx", stem.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect::<String>());
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{download}\"")),
        ],
        body,
    )
        .into_response())
}
