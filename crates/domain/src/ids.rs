//! Identifiers that can only hold valid values ("parse, don't validate").
//!
//! Formats (rules.md §12, README "Identifiers"): citizen ID (CCCD) 12 digits; party card number of
//! the 2003 series 8 digits; lý lịch number 6 digits followed by a 1–3 letter provincial code
//! (BTCTW forms, mẫu 2-HSĐV). Input may carry spaces or dots, which are removed; nothing is guessed.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

fn strip_separators(input: &str) -> String {
    input.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '\u{a0}')).collect()
}

macro_rules! digits_id {
    ($(#[$doc:meta])* $name:ident, $len:expr, $label:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub struct $name(String);

        impl $name {
            pub fn parse(input: &str) -> Result<Self, FieldError> {
                let s = strip_separators(input);
                if s.is_empty() {
                    return Err(FieldError::new("", "required", format!("{} không được để trống.", $label)));
                }
                if s.len() != $len || !s.chars().all(|c| c.is_ascii_digit()) {
                    return Err(FieldError::new(
                        "",
                        "invalid_format",
                        format!("{} phải gồm đúng {} chữ số.", $label, $len),
                    ));
                }
                Ok(Self(s))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value).map_err(|e| e.message)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

digits_id!(
    /// Số căn cước công dân: 12 digits.
    CitizenId, 12, "Số CCCD"
);
digits_id!(
    /// Số thẻ đảng viên (2003 series): 8 digits.
    PartyCardNumber, 8, "Số thẻ đảng viên"
);

/// Số lý lịch đảng viên: 6 digits then a 1–3 letter provincial code, stored upper case (e.g. `012345HN`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LyLichNumber(String);

impl LyLichNumber {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = strip_separators(input).to_ascii_uppercase();
        if s.is_empty() {
            return Err(FieldError::new("", "required", "Số lý lịch không được để trống."));
        }
        let digits = s.chars().take_while(|c| c.is_ascii_digit()).count();
        let letters = &s[digits..];
        let letters_ok = (1..=3).contains(&letters.len()) && letters.chars().all(|c| c.is_ascii_uppercase());
        if digits != 6 || !letters_ok {
            return Err(FieldError::new("", "invalid_format", "Số lý lịch gồm 6 chữ số và 1–3 chữ cái mã tỉnh (ví dụ 012345HN)."));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LyLichNumber {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).map_err(|e| e.message)
    }
}

impl From<LyLichNumber> for String {
    fn from(value: LyLichNumber) -> Self {
        value.0
    }
}

impl std::fmt::Display for LyLichNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A Vietnamese phone number: 10 digits starting with 0, or +84 followed by 9 digits (stored as 0…).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s: String = strip_separators(input).chars().filter(|c| !matches!(c, '(' | ')')).collect();
        let national = if let Some(rest) = s.strip_prefix("+84") { format!("0{rest}") } else { s };
        if national.len() != 10 || !national.starts_with('0') || !national.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new("", "invalid_format", "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0 (hoặc +84)."));
        }
        Ok(Self(national))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).map_err(|e| e.message)
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

impl std::fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A unit's code (mã tổ chức): 1–32 characters of A–Z, 0–9, `.`, `-`, `_`; stored upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim().to_ascii_uppercase();
        if s.is_empty() {
            return Err(FieldError::new("", "required", "Mã tổ chức không được để trống."));
        }
        if s.len() > 32 || !s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')) {
            return Err(FieldError::new(
                "",
                "invalid_format",
                "Mã tổ chức gồm tối đa 32 ký tự: chữ cái không dấu, chữ số, dấu chấm, gạch nối.",
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UnitCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).map_err(|e| e.message)
    }
}

impl From<UnitCode> for String {
    fn from(value: UnitCode) -> Self {
        value.0
    }
}

impl std::fmt::Display for UnitCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Số văn bản of a decision, resolution or letter (e.g. `123-QĐ/ĐU`, `05-NQ/CB`, `45/GGT`): 1–40
/// characters of letters, digits, `-`, `/`, `.`, containing at least one digit. Kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionNumber(String);

impl DecisionNumber {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = crate::text::clean(input);
        if s.is_empty() {
            return Err(FieldError::new("", "required", "Số văn bản không được để trống."));
        }
        let ok_chars = s.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '/' | '.' | ' '));
        if s.chars().count() > 40 || !ok_chars || !s.chars().any(|c| c.is_ascii_digit()) {
            return Err(FieldError::new(
                "",
                "invalid_format",
                "Số văn bản gồm chữ số, chữ cái và các dấu - / . (ví dụ 123-QĐ/ĐU), tối đa 40 ký tự.",
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DecisionNumber {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).map_err(|e| e.message)
    }
}

impl From<DecisionNumber> for String {
    fn from(value: DecisionNumber) -> Self {
        value.0
    }
}

impl std::fmt::Display for DecisionNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! row_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

row_id!(
    /// Identity of a party organization (stable across renames, moves and reclassifications).
    UnitId
);
row_id!(
    /// Identity of a member (person).
    MemberId
);
row_id!(
    /// Identity of one recorded membership event.
    EventId
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn citizen_id() {
        assert_eq!(CitizenId::parse("001 090 012345").unwrap().as_str(), "001090012345");
        assert_eq!(CitizenId::parse("00109001234").unwrap_err().code, "invalid_format");
        assert_eq!(CitizenId::parse("0010900123456").unwrap_err().code, "invalid_format");
        assert_eq!(CitizenId::parse("00109001234a").unwrap_err().code, "invalid_format");
        assert_eq!(CitizenId::parse("").unwrap_err().code, "required");
    }

    #[test]
    fn card_number() {
        assert!(PartyCardNumber::parse("12345678").is_ok());
        assert!(PartyCardNumber::parse("1234567").is_err());
        assert!(PartyCardNumber::parse("123456789").is_err());
    }

    #[test]
    fn ly_lich_number() {
        assert_eq!(LyLichNumber::parse("012345hn").unwrap().as_str(), "012345HN");
        assert!(LyLichNumber::parse("012345H").is_ok());
        assert!(LyLichNumber::parse("012345HNM").is_ok());
        assert!(LyLichNumber::parse("012345").is_err());
        assert!(LyLichNumber::parse("012345HNMX").is_err());
        assert!(LyLichNumber::parse("01234HN").is_err());
        assert!(LyLichNumber::parse("0123456HN").is_err());
        assert!(LyLichNumber::parse("012345Đ").is_err());
    }

    #[test]
    fn decision_number() {
        assert_eq!(DecisionNumber::parse(" 123-QĐ/ĐU ").unwrap().as_str(), "123-QĐ/ĐU");
        assert_eq!(DecisionNumber::parse("QĐ/ĐU").unwrap_err().code, "invalid_format");
        assert_eq!(DecisionNumber::parse("").unwrap_err().code, "required");
        assert!(DecisionNumber::parse("12<script>").is_err());
    }

    #[test]
    fn phone() {
        assert_eq!(PhoneNumber::parse("+84 912 345 678").unwrap().as_str(), "0912345678");
        assert!(PhoneNumber::parse("0912.345.678").is_ok());
        assert!(PhoneNumber::parse("912345678").is_err());
    }

    #[test]
    fn unit_code() {
        assert_eq!(UnitCode::parse(" xa-an-phu ").unwrap().as_str(), "XA-AN-PHU");
        assert!(UnitCode::parse("Xã An Phú").is_err());
    }

    proptest! {
        #[test]
        fn any_twelve_digits_is_a_citizen_id(s in "[0-9]{12}") {
            let id = CitizenId::parse(&s).unwrap();
            prop_assert_eq!(id.as_str(), s.as_str());
        }

        #[test]
        fn other_lengths_are_not(s in "[0-9]{0,11}|[0-9]{13,20}") {
            prop_assert!(CitizenId::parse(&s).is_err());
        }
    }
}
