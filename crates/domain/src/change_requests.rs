//! A member's request to correct their own record (đề nghị điều chỉnh thông tin đảng viên,
//! the supplementary record of rules.md §12.3): which particular is wrong, what it should say,
//! why, with an optional attachment; the organization staff accept it — the change is written
//! with the request as its basis — or refuse it with the reason (docs/design/change-requests.md).
//!
//! Pure: the caller hands in the record's particulars and the day.

use chrono::NaiveDate;

use crate::ValidationErrors;
use crate::code_list;
use crate::error::FieldError;
use crate::member::{Identity, IdentityInput};
use crate::text::{optional_lines, required_lines};

code_list!(
    /// The particular a request is about: one of the record's identity fields, or another (the
    /// staff then change the record by hand, the request named as the reason).
    RequestField, "Thông tin đề nghị điều chỉnh", {
        FullName = ("full_name", "Họ và tên"),
        OtherNames = ("other_names", "Tên gọi khác"),
        Gender = ("gender", "Giới tính"),
        BirthDate = ("birth_date", "Ngày sinh"),
        Birthplace = ("birthplace", "Nơi sinh"),
        Hometown = ("hometown", "Quê quán"),
        Ethnicity = ("ethnicity", "Dân tộc"),
        Religion = ("religion", "Tôn giáo"),
        CitizenId = ("citizen_id", "Số CCCD"),
        Phone = ("phone", "Số điện thoại"),
        PartyCard = ("party_card_number", "Số thẻ đảng viên"),
        LyLich = ("ly_lich_number", "Số lý lịch"),
        Other = ("khac", "Thông tin khác (ghi trong phần lý do)"),
    }
);

/// The longest proposed value and note kept.
pub const MAX_VALUE: usize = 200;
pub const MAX_NOTE: usize = 1000;

/// A request as the member sends it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestInput {
    pub field: RequestField,
    /// What the particular should say (for another particular, optional: the note says it).
    #[serde(default)]
    pub value: String,
    /// Why, and where it is proven (papers held, the attachment).
    #[serde(default)]
    pub note: String,
}

impl RequestInput {
    /// Checks the request: a value for a named particular, a note for another.
    pub fn check(&self) -> Result<RequestInput, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let value = match self.field {
            RequestField::Other => optional_lines(&self.value, MAX_VALUE, "Nội dung đề nghị").map(Option::unwrap_or_default),
            _ => required_lines(&self.value, MAX_VALUE, "Thông tin đúng"),
        };
        let value = e.take("value", value);
        let note = match self.field {
            RequestField::Other => required_lines(&self.note, MAX_NOTE, "Lý do, nội dung cần điều chỉnh"),
            _ => optional_lines(&self.note, MAX_NOTE, "Lý do").map(Option::unwrap_or_default),
        };
        let note = e.take("note", note);
        match (value, note) {
            (Some(value), Some(note)) if e.is_empty() => Ok(RequestInput { field: self.field, value, note }),
            _ => Err(e),
        }
    }
}

/// What became of a request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Answer {
    /// Accepted on `on`: `applied` is what the record now says (for another particular, what the
    /// staff wrote of the change they made).
    Accepted {
        on: NaiveDate,
        by: String,
        applied: String,
    },
    Refused {
        on: NaiveDate,
        by: String,
        reason: String,
    },
}

/// A value typed for a closed list (gender, ethnicity, religion): its code, or its label in any
/// case, with or without diacritics as typed.
fn code_of<T: Copy>(typed: &str, all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> String {
    let t = typed.trim();
    all.iter()
        .find(|v| code(**v).eq_ignore_ascii_case(t) || label(**v).to_lowercase() == t.to_lowercase())
        .map_or_else(|| t.to_owned(), |v| code(*v).to_owned())
}

/// The record's identity with the particular changed to `value`, checked as the edit form checks
/// it (errors under `value`). Another particular changes nothing here.
pub fn apply(identity: &Identity, field: RequestField, value: &str, today: NaiveDate) -> Result<Identity, ValidationErrors> {
    use crate::member::{Ethnicity, Gender, Religion};
    let mut input = IdentityInput::from_identity(identity);
    let v = value.trim().to_owned();
    match field {
        RequestField::FullName => input.full_name = v,
        RequestField::OtherNames => input.other_names = v,
        RequestField::Gender => input.gender = code_of(&v, Gender::ALL, Gender::code, Gender::label),
        RequestField::BirthDate => input.birth_date = v,
        RequestField::Birthplace => input.birthplace = v,
        RequestField::Hometown => input.hometown = v,
        RequestField::Ethnicity => input.ethnicity = code_of(&v, Ethnicity::ALL, Ethnicity::code, Ethnicity::label),
        RequestField::Religion => input.religion = code_of(&v, Religion::ALL, Religion::code, Religion::label),
        RequestField::CitizenId => input.citizen_id = v,
        RequestField::Phone => input.phone = v,
        RequestField::PartyCard => input.party_card_number = v,
        RequestField::LyLich => input.ly_lich_number = v,
        RequestField::Other => return Ok(identity.clone()),
    }
    input
        .parse(today)
        .map_err(|e| ValidationErrors { errors: e.errors.into_iter().map(|x| FieldError { field: "value".into(), ..x }).collect() })
}

/// What the record says today for the particular, in words (for the staff to compare).
pub fn current(identity: &Identity, field: RequestField) -> String {
    let input = IdentityInput::from_identity(identity);
    let text = match field {
        RequestField::FullName => input.full_name,
        RequestField::OtherNames => input.other_names,
        RequestField::Gender => identity.gender.label().to_owned(),
        RequestField::BirthDate => crate::dates::format_vn(identity.birth_date),
        RequestField::Birthplace => input.birthplace,
        RequestField::Hometown => input.hometown,
        RequestField::Ethnicity => identity.ethnicity.label().to_owned(),
        RequestField::Religion => identity.religion.label().to_owned(),
        RequestField::CitizenId => input.citizen_id,
        RequestField::Phone => input.phone,
        RequestField::PartyCard => input.party_card_number,
        RequestField::LyLich => input.ly_lich_number,
        RequestField::Other => String::new(),
    };
    if text.is_empty() { "(chưa ghi)".to_owned() } else { text }
}

/// A refusal's reason, required.
pub fn check_reason(reason: &str) -> Result<String, ValidationErrors> {
    required_lines(reason, MAX_NOTE, "Lý do không chấp nhận")
        .map_err(|e| ValidationErrors { errors: vec![FieldError { field: "reason".into(), ..e }] })
}

#[cfg(test)]
mod tests;
