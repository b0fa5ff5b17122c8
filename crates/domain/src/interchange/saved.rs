//! A column mapping saved under a name (docs/design/register-io.md "Import"): for each file
//! header, folded, the field the person assigned it (or none: the column is not read), so the next
//! file with the same headers is read the same way.

use serde::{Deserialize, Serialize};

use super::columns::{Column, Mapping, SheetKind, UnitColumn};
use super::record::AdmissionDateMeaning;
use crate::text::fold;

/// One file header and the field it was assigned (`None`: left unread).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub sheet: SheetKind,
    /// The header as `crate::text::fold` folds it.
    pub header: String,
    /// The field's code (`Column::code` or `UnitColumn::code`).
    pub column: Option<String>,
}

/// A value for a field the file lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedDefault {
    pub column: Column,
    pub value: String,
}

/// The person's column choices, kept as JSON (`import_mappings.mapping`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedMapping {
    pub assignments: Vec<Assignment>,
    #[serde(default)]
    pub meaning: AdmissionDateMeaning,
    #[serde(default)]
    pub defaults: Vec<SavedDefault>,
}

impl SavedMapping {
    /// Records the choices made for one sheet (its headers and their mapping), replacing what
    /// was saved for the same headers of the same kind of sheet.
    pub fn record(&mut self, kind: SheetKind, headers: &[String], mapping: &Mapping) {
        for (index, header) in headers.iter().enumerate() {
            let folded = fold(header);
            if folded.is_empty() {
                continue;
            }
            let column = match kind {
                SheetKind::Members => mapping.members.get(index).copied().flatten().map(|c| c.code().to_owned()),
                SheetKind::Units => mapping.units.get(index).copied().flatten().map(|c| c.code().to_owned()),
            };
            self.assignments.retain(|a| !(a.sheet == kind && a.header == folded));
            self.assignments.push(Assignment { sheet: kind, header: folded, column });
        }
    }

    /// The mapping of a sheet with these headers: a header saved takes its saved field (or
    /// stays unread), any other keeps what was `recognised`. A field assigned twice is read from
    /// its first column only.
    pub fn apply(&self, kind: SheetKind, headers: &[String], recognised: &Mapping) -> Mapping {
        let saved = |header: &String| {
            let folded = fold(header);
            self.assignments.iter().find(|a| a.sheet == kind && !folded.is_empty() && a.header == folded)
        };
        match kind {
            SheetKind::Members => {
                let mut out: Vec<Option<Column>> = Vec::with_capacity(headers.len());
                for (index, header) in headers.iter().enumerate() {
                    let column = match saved(header) {
                        Some(a) => a.column.as_deref().and_then(Column::parse),
                        None => recognised.members.get(index).copied().flatten(),
                    };
                    out.push(column.filter(|c| !out.contains(&Some(*c))));
                }
                Mapping { members: out, units: Vec::new() }
            }
            SheetKind::Units => {
                let mut out: Vec<Option<UnitColumn>> = Vec::with_capacity(headers.len());
                for (index, header) in headers.iter().enumerate() {
                    let column = match saved(header) {
                        Some(a) => a.column.as_deref().and_then(UnitColumn::parse),
                        None => recognised.units.get(index).copied().flatten(),
                    };
                    out.push(column.filter(|c| !out.contains(&Some(*c))));
                }
                Mapping { members: Vec::new(), units: out }
            }
        }
    }

    /// The defaults as the reader takes them.
    pub fn default_values(&self) -> Vec<(Column, String)> {
        self.defaults.iter().map(|d| (d.column, d.value.clone())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_saved_choice_wins_over_recognition_and_unread_stays_unread() {
        let file = headers(&["Họ và tên", "Ngày sinh", "Mã CB", "Ghi chú"]);
        let recognised =
            Mapping { members: vec![Some(Column::FullName), Some(Column::BirthDate), None, Some(Column::Note)], units: vec![] };
        let chosen = Mapping { members: vec![Some(Column::FullName), Some(Column::BirthDate), Some(Column::Unit), None], units: vec![] };
        let mut saved = SavedMapping::default();
        saved.record(SheetKind::Members, &file, &chosen);
        // The next file: same headers typed differently, in another order, one more column.
        let next = headers(&["GHI CHÚ", "mã cb", "Họ và tên", "Quê quán"]);
        let recognised_next =
            Mapping { members: vec![Some(Column::Note), None, Some(Column::FullName), Some(Column::Hometown)], units: vec![] };
        let applied = saved.apply(SheetKind::Members, &next, &recognised_next);
        assert_eq!(applied.members, vec![None, Some(Column::Unit), Some(Column::FullName), Some(Column::Hometown)]);
        assert_eq!(saved.apply(SheetKind::Members, &file, &recognised), chosen);
        // Unit sheets are kept apart.
        assert_eq!(saved.apply(SheetKind::Units, &file, &Mapping::default()).units, vec![None, None, None, None]);
    }

    #[test]
    fn a_field_is_read_from_one_column_only() {
        let mut saved = SavedMapping::default();
        saved.assignments.push(Assignment { sheet: SheetKind::Members, header: "ngay sinh 2".into(), column: Some("birth_date".into()) });
        let file = headers(&["Ngày sinh", "Ngày sinh 2"]);
        let recognised = Mapping { members: vec![Some(Column::BirthDate), None], units: vec![] };
        assert_eq!(saved.apply(SheetKind::Members, &file, &recognised).members, vec![Some(Column::BirthDate), None]);
    }

    #[test]
    fn it_round_trips_as_json() {
        let mut saved = SavedMapping { meaning: AdmissionDateMeaning::Decision, ..Default::default() };
        saved.defaults.push(SavedDefault { column: Column::Religion, value: "Không".into() });
        saved.record(SheetKind::Units, &headers(&["Mã", "Tên"]), &Mapping { members: vec![], units: vec![Some(UnitColumn::Code), None] });
        let json = serde_json::to_string(&saved).unwrap();
        assert_eq!(serde_json::from_str::<SavedMapping>(&json).unwrap(), saved);
    }
}
