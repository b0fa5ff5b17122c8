//! The party card register (thẻ đảng viên, rules.md §7): the two card series and how each
//! number is checked, what happens to a card (issued, lost, damaged, returned, kept by the
//! family), who may be issued one, and the card check — members with a missing, duplicate or
//! mismatched card.
//!
//! The 2003 series numbers are 8 digits (the phiếu đảng viên's eight boxes). The number format
//! of the cards renewed in 2025 (Chỉ thị 51-CT/TW) is unconfirmed in our sources, so it is a
//! setting ([`NumberFormat`]), 8 to 12 digits by default.

use chrono::NaiveDate;

use crate::code_list;
use crate::error::{FieldError, ValidationErrors};

#[cfg(test)]
mod tests;

code_list!(
    /// A card series.
    Series, "Loại thẻ đảng viên", {
        /// The card issued since 2003: 8-digit numbers.
        S2003 = ("2003", "Thẻ mẫu 2003"),
        /// The card renewed Party-wide in 2025 (Chỉ thị 51-CT/TW, 8/8/2025).
        S2025 = ("2025", "Thẻ mẫu 2025"),
    }
);

code_list!(
    /// Why a card was issued (the card rows of 7-BTCTW, reports.md §2.8).
    IssueKind, "Lý do cấp thẻ", {
        /// First card after recognition as an official member (24-QĐ/TW point 6.1).
        New = ("cap-moi", "Cấp mới"),
        /// Re-issued after the card was lost.
        AfterLoss = ("cap-lai", "Cấp lại do mất thẻ"),
        /// Exchanged after the card was damaged.
        AfterDamage = ("doi-the-hong", "Đổi do hỏng thẻ"),
        /// The nationwide renewal of 2025 (Chỉ thị 51-CT/TW).
        Renewal = ("doi-the", "Đổi thẻ theo đợt"),
    }
);

code_list!(
    /// How a card stopped being the member's card in use.
    CardEnd, "Thẻ thôi sử dụng", {
        Lost = ("mat", "Mất thẻ"),
        Damaged = ("hong", "Hỏng thẻ"),
        /// Replaced by a card of a new series.
        Replaced = ("thay-the", "Đã đổi thẻ mới"),
        /// Recovered by the chi bộ after expulsion, strike-off or exit (rules.md §7).
        Returned = ("thu-hoi", "Đã thu hồi"),
        /// The member died: the family keeps the card (rules.md §7).
        KeptByFamily = ("gia-dinh-giu", "Gia đình giữ (đảng viên từ trần)"),
    }
);

/// The digits a series' numbers have, inclusive: the 2003 series 8; the 2025 series a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberFormat {
    pub min_digits: u8,
    pub max_digits: u8,
}

impl NumberFormat {
    /// The 2003 series: exactly 8 digits (the phiếu đảng viên's boxes, rules.md §7).
    pub const S2003: NumberFormat = NumberFormat { min_digits: 8, max_digits: 8 };
    /// The 2025 series until a source fixes it: 8 to 12 digits (the old number or the 12-digit
    /// personal number, the two forms rules.md §7 leaves open).
    pub const S2025_DEFAULT: NumberFormat = NumberFormat { min_digits: 8, max_digits: 12 };

    /// Parses a setting: `"12"` or `"8-12"`, between 4 and 20 digits.
    pub fn parse(s: &str) -> Result<NumberFormat, String> {
        let s = s.trim();
        let (min, max) = s.split_once('-').unwrap_or((s, s));
        let min: u8 = min.trim().parse().map_err(|_| format!("“{s}” is not a digit count like 12 or 8-12"))?;
        let max: u8 = max.trim().parse().map_err(|_| format!("“{s}” is not a digit count like 12 or 8-12"))?;
        if !(4..=20).contains(&min) || !(4..=20).contains(&max) || min > max {
            return Err(format!("“{s}”: digit counts go from 4 to 20, the smaller first"));
        }
        Ok(NumberFormat { min_digits: min, max_digits: max })
    }

    /// How the format reads in a message: "8 chữ số", "8–12 chữ số".
    pub fn describe(self) -> String {
        if self.min_digits == self.max_digits {
            format!("{} chữ số", self.min_digits)
        } else {
            format!("{}–{} chữ số", self.min_digits, self.max_digits)
        }
    }
}

/// The number formats of both series as the site sets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardSettings {
    pub s2025: NumberFormat,
}

impl Default for CardSettings {
    fn default() -> Self {
        CardSettings { s2025: NumberFormat::S2025_DEFAULT }
    }
}

impl CardSettings {
    pub fn format(self, series: Series) -> NumberFormat {
        match series {
            Series::S2003 => NumberFormat::S2003,
            Series::S2025 => self.s2025,
        }
    }
}

/// A card number, checked against its series: digits only (spaces and dots people type between
/// groups are dropped), as many as the series has.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CardNumber(String);

impl CardNumber {
    pub fn parse(series: Series, input: &str, settings: CardSettings) -> Result<CardNumber, FieldError> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
        let format = settings.format(series);
        let n = digits.chars().count();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new("number", "not_digits", "Số thẻ chỉ gồm chữ số."));
        }
        if n < usize::from(format.min_digits) || n > usize::from(format.max_digits) {
            return Err(FieldError::new(
                "number",
                "length",
                format!("Số thẻ {} có {} (đã nhập {n}).", series.label().to_lowercase(), format.describe()),
            ));
        }
        Ok(CardNumber(digits))
    }

    /// As stored (the setting may have changed since: read back without a check).
    pub fn stored(s: String) -> CardNumber {
        CardNumber(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A card to issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub series: Series,
    pub number: CardNumber,
    pub kind: IssueKind,
    pub issued_on: NaiveDate,
    /// The decision (its number) of the committee that issues it.
    pub decision: String,
    /// The round, as the committee names it ("Đợt 2/9/2025"); may be empty.
    pub round: String,
}

/// What the register shows of the member the card is for, on the issue day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    /// An official member then (cards go to official members only, 24-QĐ/TW point 6.1).
    pub official: bool,
    /// Holds a card in use already.
    pub has_card: bool,
    /// The card in use was issued on this day (a new one cannot be dated before it).
    pub card_issued_on: Option<NaiveDate>,
}

/// Checks a card to issue: for an official member, not in the future; a first card only for a
/// member without one, a replacement only in place of a card in use; a 2025 renewal in the 2025
/// series.
pub fn check_issue(issue: &Issue, holder: Holder, today: NaiveDate) -> Result<(), ValidationErrors> {
    let mut e = ValidationErrors::default();
    if !holder.official {
        e.push("member", "not_official", "Thẻ đảng viên chỉ cấp cho đảng viên chính thức (Quy định 24-QĐ/TW, điểm 6.1).");
    }
    if issue.issued_on > today {
        e.push("issued_on", "future", "Chưa đến ngày này.");
    }
    match issue.kind {
        IssueKind::New if holder.has_card => {
            e.push("kind", "has_card", "Đảng viên đang có thẻ: chọn cấp lại, đổi thẻ hỏng hoặc đổi thẻ theo đợt.");
        }
        IssueKind::AfterDamage | IssueKind::Renewal if !holder.has_card => {
            e.push("kind", "no_card", "Đảng viên chưa có thẻ đang dùng để đổi: chọn cấp mới hoặc cấp lại.");
        }
        IssueKind::Renewal if issue.series != Series::S2025 => {
            e.push("series", "renewal_series", "Đổi thẻ theo đợt năm 2025 cấp thẻ mẫu 2025 (Chỉ thị 51-CT/TW).");
        }
        _ => {}
    }
    if holder.card_issued_on.is_some_and(|d| issue.issued_on < d) {
        e.push("issued_on", "before_card", "Ngày cấp không được trước ngày cấp của thẻ đang dùng.");
    }
    if issue.decision.trim().is_empty() {
        e.push("decision", "required", "Ghi số quyết định cấp thẻ.");
    }
    e.into_result()
}

/// How the card in use ends when a new one is issued for `kind`: lost before a re-issue,
/// damaged before an exchange, replaced at the renewal (`None` for a first card).
pub fn replaced_as(kind: IssueKind) -> Option<CardEnd> {
    match kind {
        IssueKind::New => None,
        IssueKind::AfterLoss => Some(CardEnd::Lost),
        IssueKind::AfterDamage => Some(CardEnd::Damaged),
        IssueKind::Renewal => Some(CardEnd::Replaced),
    }
}

code_list!(
    /// What a card check finds on a member (rules.md §7).
    Finding, "Kết quả kiểm tra thẻ", {
        /// An official member with no card in use.
        Missing = ("chua-co-the", "Đảng viên chính thức chưa có thẻ"),
        /// A card number also held by another member.
        Duplicate = ("trung-so", "Số thẻ trùng với đảng viên khác"),
        /// The number on the member's record differs from the card in use of the 2003 series.
        Mismatch = ("lech-so", "Số thẻ trên hồ sơ khác số thẻ đang dùng"),
        /// A probationary member holding a card.
        Probationary = ("du-bi-co-the", "Đảng viên dự bị đã có thẻ"),
        /// Out of the Party (expelled, struck off, exited) with the card still in use: to recover.
        NotReturned = ("chua-thu-hoi", "Đã ra khỏi Đảng nhưng chưa thu hồi thẻ"),
    }
);

/// A member's card facts for the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardFacts<'a> {
    pub official: bool,
    pub probationary: bool,
    /// Out of the Party by expulsion, strike-off or exit (not death: the family keeps the card).
    pub out: bool,
    /// The card in use, if any.
    pub card: Option<(Series, &'a str)>,
    /// The 2003-series number written on the member's record (`members.party_card_number`).
    pub record_number: Option<&'a str>,
}

/// What the check finds on one member (duplicates are found across members by
/// [`duplicates`]).
pub fn check_member(f: &CardFacts<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    if f.official && f.card.is_none() {
        out.push(Finding::Missing);
    }
    if let (Some((Series::S2003, number)), Some(record)) = (f.card, f.record_number)
        && number != record
    {
        out.push(Finding::Mismatch);
    }
    if f.probationary && f.card.is_some() {
        out.push(Finding::Probationary);
    }
    if f.out && f.card.is_some() {
        out.push(Finding::NotReturned);
    }
    out
}

/// A card number held by more than one member: the number and the holders, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared<M> {
    pub number: String,
    pub holders: Vec<M>,
}

/// The numbers held by more than one member, across the cards in use and the numbers written on
/// records (a record's number and the member's own 2003 card are one holding, not two).
pub fn duplicates<M: Copy + Ord>(holdings: &[(M, &str)]) -> Vec<Shared<M>> {
    let mut sorted: Vec<(&str, M)> = holdings.iter().map(|(m, n)| (*n, *m)).collect();
    sorted.sort();
    sorted.dedup();
    let mut out: Vec<Shared<M>> = Vec::new();
    for (number, member) in sorted {
        match out.last_mut() {
            Some(last) if last.number == number => last.holders.push(member),
            _ => out.push(Shared { number: number.to_string(), holders: vec![member] }),
        }
    }
    out.retain(|s| s.holders.len() > 1);
    out
}
