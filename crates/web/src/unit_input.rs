//! What an operation on units is made of, as typed into a form or sent to the API: the decision
//! behind it, a unit to create, the changes of a rename and the target of a merge. One parser for
//! the pages ([`crate::pages::unit_ops`]) and the API ([`crate::api::units`]); the error fields
//! are the same in both (`decision_number`, `target.kind`, `successors[0].name`, …).

use domain::ValidationErrors;
use domain::dates::parse_date;
use domain::ids::{DecisionNumber, UnitCode, UnitId};
use domain::unit::{LegalBasis, UnitKind, parse_unit_name};
use serde::{Deserialize, Serialize};
use storage::{OrgDecision, Successor, UnitSpec};
use utoipa::ToSchema;

/// The decision behind an operation on units.
#[derive(Debug, Default, Clone, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct DecisionInput {
    /// Ngày có hiệu lực (dd/mm/yyyy or yyyy-mm-dd).
    pub effective_date: String,
    /// Số quyết định, e.g. `123-QĐ/TU`.
    pub decision_number: String,
    /// Ngày ký.
    pub decision_date: String,
    /// Cơ quan ban hành.
    pub issuer: String,
    pub note: String,
}

impl DecisionInput {
    /// Parses the decision, recording problems in `e`.
    pub fn parse(&self, e: &mut ValidationErrors) -> Option<OrgDecision> {
        let effective = e.take("effective_date", parse_date(&self.effective_date));
        let number = e.take("decision_number", DecisionNumber::parse(&self.decision_number));
        let date = e.take("decision_date", parse_date(&self.decision_date));
        let issuer = e.take("issuer", domain::text::required_text(&self.issuer, 200, "Cơ quan ban hành"));
        let note = e.take("note", domain::text::optional_lines(&self.note, 1000, "Ghi chú")).flatten();
        Some(OrgDecision { effective: effective?, basis: LegalBasis { number: number?, date: date?, issuer: issuer? }, note })
    }
}

/// A unit to create (alone, or as the result of a merge or split).
#[derive(Debug, Default, Clone, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct UnitSpecInput {
    /// A unit kind code (`chi-bo`, `dang-bo-co-so`, `xa-phuong`, …).
    pub kind: String,
    pub code: String,
    pub name: String,
    pub parent_id: Option<i64>,
}

impl UnitSpecInput {
    /// Parses the unit; its errors come under `{prefix}kind`, `{prefix}code`, ….
    pub fn parse(&self, e: &mut ValidationErrors, prefix: &str) -> Option<UnitSpec> {
        let kind = e.take(&format!("{prefix}kind"), UnitKind::parse(&self.kind));
        let code = e.take(&format!("{prefix}code"), UnitCode::parse(&self.code));
        let name = e.take(&format!("{prefix}name"), parse_unit_name(&self.name));
        let parent = match self.parent_id {
            Some(p) if p <= 0 => {
                e.push(&format!("{prefix}parent_id"), "invalid_format", "Mã số tổ chức cấp trên không hợp lệ.");
                None
            }
            p => Some(p.map(UnitId)),
        };
        Some(UnitSpec { kind: kind?, code: code?, name: name?, parent: parent? })
    }

    /// Nothing that describes the unit (kind, code, name) was given: an optional unit left empty.
    pub fn is_blank(&self) -> bool {
        self.kind.trim().is_empty() && self.code.trim().is_empty() && self.name.trim().is_empty()
    }
}

/// The new name, code and kind of a rename (`None`: unchanged). At least one must be given.
pub type RenameChanges = (Option<String>, Option<UnitCode>, Option<UnitKind>);

/// Parses the changed parts of a rename (each `Some` is parsed; an empty one is an error).
pub fn rename_changes(e: &mut ValidationErrors, name: Option<&str>, code: Option<&str>, kind: Option<&str>) -> RenameChanges {
    if name.is_none() && code.is_none() && kind.is_none() {
        e.push("name", "required", "Nhập tên, mã hoặc loại tổ chức mới.");
    }
    (
        name.and_then(|n| e.take("name", parse_unit_name(n))),
        code.and_then(|c| e.take("code", UnitCode::parse(c))),
        kind.and_then(|k| e.take("kind", UnitKind::parse(k))),
    )
}

/// The new parent of a move (required).
pub fn new_parent(e: &mut ValidationErrors, parent_id: Option<i64>) -> Option<UnitId> {
    match parent_id {
        Some(p) if p > 0 => Some(UnitId(p)),
        _ => {
            e.push("parent_id", "required", "Chọn tổ chức cấp trên mới.");
            None
        }
    }
}

/// The target of a merge: an existing unit (`target_id`) or a new one (`target`), not both.
/// A new unit's errors come under `target.`.
pub fn merge_target(e: &mut ValidationErrors, target_id: Option<i64>, target: Option<&UnitSpecInput>) -> Option<Successor> {
    match (target_id, target) {
        (Some(id), None) if id > 0 => Some(Successor::Existing(UnitId(id))),
        (None, Some(spec)) => spec.parse(e, "target.").map(Successor::New),
        _ => {
            e.push("target_id", "required", "Chọn tổ chức nhận (đã có) hoặc mô tả tổ chức mới được thành lập, không cả hai.");
            None
        }
    }
}

/// The sources of a merge: at least one, every id valid.
pub fn merge_sources(e: &mut ValidationErrors, ids: &[i64]) -> Vec<UnitId> {
    if ids.is_empty() || ids.iter().any(|id| *id <= 0) {
        e.push("source_ids", "required", "Chọn các tổ chức được sáp nhập, hợp nhất.");
    }
    ids.iter().map(|id| UnitId(*id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_reports_every_bad_field() {
        let mut e = ValidationErrors::default();
        let d = DecisionInput { effective_date: "31/02/2025".into(), decision_date: "01/02/2025".into(), ..Default::default() };
        assert!(d.parse(&mut e).is_none());
        let fields: Vec<&str> = e.errors.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, vec!["effective_date", "decision_number", "issuer"]);
    }

    #[test]
    fn spec_errors_carry_the_prefix() {
        let mut e = ValidationErrors::default();
        let spec = UnitSpecInput { kind: "x".into(), parent_id: Some(0), ..Default::default() };
        assert!(spec.parse(&mut e, "target.").is_none());
        assert!(e.message_for("target.kind").is_some() && e.message_for("target.parent_id").is_some());
        assert!(UnitSpecInput::default().is_blank());
    }

    #[test]
    fn a_merge_target_is_one_or_the_other() {
        let mut e = ValidationErrors::default();
        assert_eq!(merge_target(&mut e, Some(5), None), Some(Successor::Existing(UnitId(5))));
        assert!(merge_target(&mut e, Some(5), Some(&UnitSpecInput::default())).is_none());
        assert!(e.message_for("target_id").is_some());
    }
}
