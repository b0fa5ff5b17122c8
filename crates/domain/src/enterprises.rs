//! Party organizations in private enterprises (docs/design/enterprises.md): a committee's
//! register of the enterprises in its area — name, tax code, workers, whether a trade union and a
//! Youth Union exist, the party organization once founded (its unit of the register, the day and
//! the decision) — and the yearly targets for founding party organizations there. Admissions in
//! enterprises keep using the admission targets' private-enterprise sub-target
//! (`pipeline::TargetGroup::PrivateEnterprise`): one source for that figure.
//!
//! Pure: the caller resolves the units and hands in the day.

use chrono::NaiveDate;

use crate::code_list;
use crate::dates::parse_date;
use crate::error::{FieldError, ValidationErrors};
use crate::ids::UnitId;
use crate::text::{Lines, optional_text_in, required_text};

#[cfg(test)]
mod tests;

/// The most workers an enterprise is recorded with (a typing slip guard).
pub const MAX_WORKERS: u32 = 1_000_000;

code_list!(
    /// The enterprise's kind of ownership (the rows of 5-BTCTW "organizations by type of base").
    Ownership, "Loại hình doanh nghiệp", {
        Private = ("tu-nhan", "Doanh nghiệp tư nhân, công ty ngoài nhà nước"),
        ForeignInvested = ("von-nuoc-ngoai", "Doanh nghiệp có vốn đầu tư nước ngoài"),
    }
);

/// A tax code (mã số thuế): 10 digits, or 10 digits, a hyphen and 3 digits for a branch. Our
/// sources give no check digit rule; the shape is checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaxCode(String);

impl TaxCode {
    pub fn parse(input: &str) -> Result<TaxCode, FieldError> {
        let s: String = input.trim().chars().filter(|c| !c.is_whitespace()).collect();
        let (head, branch) = match s.split_once('-') {
            Some((h, b)) => (h, Some(b)),
            None => (s.as_str(), None),
        };
        let digits = |x: &str, n: usize| x.len() == n && x.chars().all(|c| c.is_ascii_digit());
        if digits(head, 10) && branch.is_none_or(|b| digits(b, 3)) {
            Ok(TaxCode(s))
        } else {
            Err(FieldError::new("tax_code", "invalid_format", "Mã số thuế gồm 10 chữ số (chi nhánh: 10 chữ số, gạch ngang, 3 chữ số)."))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The party organization of an enterprise, once founded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyOrganization {
    /// Its unit of the register.
    pub unit: UnitId,
    pub founded_on: NaiveDate,
    /// The founding decision's number.
    pub decision: String,
}

/// An enterprise as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enterprise {
    pub name: String,
    pub tax_code: TaxCode,
    pub ownership: Ownership,
    pub address: Option<String>,
    pub workers: u32,
    pub trade_union: bool,
    pub youth_union: bool,
    /// Party members working there while it has no party organization of its own.
    pub members_without_organization: u32,
    pub party: Option<PartyOrganization>,
}

/// An enterprise's fields as typed.
#[derive(Debug, Clone, Default)]
pub struct EnterpriseFields<'a> {
    pub name: &'a str,
    pub tax_code: &'a str,
    pub ownership: &'a str,
    pub address: &'a str,
    pub workers: &'a str,
    pub trade_union: bool,
    pub youth_union: bool,
    pub members_without_organization: &'a str,
    /// The party organization's unit, resolved by the caller (`None`: not founded).
    pub party_unit: Option<UnitId>,
    pub founded_on: &'a str,
    pub decision: &'a str,
}

fn count(e: &mut ValidationErrors, field: &str, typed: &str, label: &str) -> Option<u32> {
    let t = typed.trim().replace(['.', ' '], "");
    if t.is_empty() {
        return Some(0);
    }
    match t.parse::<u32>() {
        Ok(n) if n <= MAX_WORKERS => Some(n),
        _ => {
            e.push(field, "invalid", format!("{label}: ghi một số."));
            None
        }
    }
}

impl Enterprise {
    /// Checks the typed enterprise on `today`: a name, a tax code, a kind; the founding day and
    /// decision when a party organization is named, not in the future.
    pub fn parse(f: &EnterpriseFields<'_>, today: NaiveDate) -> Result<Enterprise, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let name = e.take("name", required_text(f.name, 300, "Tên doanh nghiệp"));
        let tax_code = e.take("tax_code", TaxCode::parse(f.tax_code));
        let ownership = e.take("ownership", Ownership::parse(f.ownership));
        let address = e.take("address", optional_text_in(f.address, Lines::Single, 300, "Địa chỉ")).flatten();
        let workers = count(&mut e, "workers", f.workers, "Số lao động");
        let members = count(&mut e, "members_without_organization", f.members_without_organization, "Số đảng viên");
        let party = match f.party_unit {
            None => {
                if !f.founded_on.trim().is_empty() || !f.decision.trim().is_empty() {
                    e.push("party_unit", "required", "Chọn tổ chức đảng của doanh nghiệp (đã thành lập trong hệ thống).");
                }
                None
            }
            Some(unit) => {
                let on = e.take("founded_on", parse_date(f.founded_on));
                if on.is_some_and(|d| d > today) {
                    e.push("founded_on", "future", "Ngày thành lập không được sau hôm nay.");
                }
                let decision = e.take("decision", required_text(f.decision, 100, "Số quyết định thành lập"));
                match (on, decision) {
                    (Some(founded_on), Some(decision)) => Some(PartyOrganization { unit, founded_on, decision }),
                    _ => None,
                }
            }
        };
        e.into_result()?;
        match (name, tax_code, ownership, workers, members) {
            (Some(name), Some(tax_code), Some(ownership), Some(workers), Some(members_without_organization)) => Ok(Enterprise {
                name,
                tax_code,
                ownership,
                address,
                workers,
                trade_union: f.trade_union,
                youth_union: f.youth_union,
                members_without_organization,
                party,
            }),
            _ => Err(ValidationErrors::single("name", "required", "Ghi tên doanh nghiệp.")),
        }
    }

    /// Whether its party organization was founded within `[first, last]`.
    pub fn founded_within(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.party.as_ref().is_some_and(|p| first <= p.founded_on && p.founded_on <= last)
    }
}

/// The year's founding progress as committees report it: "thành lập 3 / 8 tổ chức đảng".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u32,
    /// `None`: no target set for the year.
    pub target: Option<u32>,
}

impl Progress {
    /// "3 / 8", or "3 (chưa giao chỉ tiêu)".
    pub fn words(&self) -> String {
        match self.target {
            Some(t) => format!("{} / {t}", self.done),
            None => format!("{} (chưa giao chỉ tiêu)", self.done),
        }
    }
}

/// The sentence committees write: "kết nạp 12 / chỉ tiêu 40 đảng viên trong doanh nghiệp tư
/// nhân; thành lập 3 / 8 tổ chức đảng".
pub fn sentence(admitted: Progress, founded: Progress) -> String {
    let admissions = match admitted.target {
        Some(t) => format!("kết nạp {} / chỉ tiêu {t} đảng viên trong doanh nghiệp tư nhân", admitted.done),
        None => format!("kết nạp {} đảng viên trong doanh nghiệp tư nhân (chưa giao chỉ tiêu)", admitted.done),
    };
    let founding = match founded.target {
        Some(t) => format!("thành lập {} / {t} tổ chức đảng", founded.done),
        None => format!("thành lập {} tổ chức đảng (chưa giao chỉ tiêu)", founded.done),
    };
    format!("{admissions}; {founding}")
}

/// Checks a founding target: 0–10 000.
pub fn check_target(typed: &str) -> Result<u32, FieldError> {
    match typed.trim().parse::<u32>() {
        Ok(n) if n <= 10_000 => Ok(n),
        _ => Err(FieldError::new("target", "invalid", "Chỉ tiêu là một số từ 0 đến 10.000.")),
    }
}
