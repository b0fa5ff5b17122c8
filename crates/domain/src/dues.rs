//! Party dues (đảng phí, rules.md §10): what a member owes for a month under the regulation in
//! force that month, the reliefs a chi bộ grants, where each month stands once payments are
//! counted, the months unpaid that lead the chi bộ to consider striking the name off, and a
//! unit's ledger (collected and received = retained + to remit, month by month).
//!
//! Two regulations: Quyết định 342-QĐ/TW (28/12/2010, applied from 1/4/2011, rules.md §10.2) and
//! Quy định 01-QĐ/TW (Politburo, signed 3/2/2026, rules.md §10.1). Our sources give the signing
//! date of 01-QĐ/TW, not the first month it governs: that month is a setting
//! ([`DuesSettings::rule_01_from`]). Rates our sources leave unconfirmed are settings too, each
//! with its documented default (docs/design/dues.md). Amounts are whole đồng, a percentage
//! rounded half up to the đồng.
//!
//! Pure: the caller hands in the member's declared bases, reliefs, party age and payments.

use chrono::NaiveDate;

use crate::code_list;
use crate::dates::Month;
use crate::error::{FieldError, ValidationErrors};
use crate::unit::UnitKind;

#[cfg(test)]
mod tests;

/// An amount in Vietnamese đồng.
pub type Dong = u64;

/// The most one payment or one declared income may be (a typing slip guard: 1 billion đồng).
pub const MAX_AMOUNT: Dong = 1_000_000_000;

/// Months a chi bộ may record a payment ahead (advance payment, 01-QĐ/TW art. 5.2).
pub const MAX_ADVANCE_MONTHS: u32 = 12;

/// An exemption or reduction lasts at most 12 months (01-QĐ/TW, rules.md §10.1).
pub const MAX_RELIEF_MONTHS: u32 = 12;

/// Months without any payment in a calendar year that lead the chi bộ to consider striking the
/// name off: "không đóng đảng phí ba tháng trong năm mà không có lý do chính đáng" (Charter art.
/// 8.2 as 24-QĐ/TW point 8.1 (a) applies it, restated by 01-QĐ/TW art. 2 — rules.md §5.1, §10.1).
pub const STRIKE_OFF_MONTHS: usize = 3;

/// Party age from which a member is exempt under 01-QĐ/TW: 50 years (rules.md §10.1).
pub const EXEMPT_PARTY_AGE_MONTHS: u32 = 50 * 12;

/// The first month of 342-QĐ/TW: it applied from 1/4/2011 (rules.md §10.2).
pub const FIRST_MONTH_342: Month = Month { year: 2011, month: 4 };

code_list!(
    /// The dues regulation a month falls under.
    Regulation, "Quy định về đảng phí", {
        /// Quyết định 342-QĐ/TW (28/12/2010), applied from 1/4/2011.
        Qd342 = ("342-qd-tw", "Quyết định 342-QĐ/TW"),
        /// Quy định 01-QĐ/TW (3/2/2026).
        Qd01 = ("01-qd-tw", "Quy định 01-QĐ/TW"),
    }
);

code_list!(
    /// What a member's dues are computed from (the member declares, the chi bộ confirms).
    BasisKind, "Căn cứ đóng đảng phí", {
        /// In compulsory social insurance: the salary that is the contribution base.
        SocialInsurance = ("bhxh", "Tham gia BHXH bắt buộc (tiền lương làm căn cứ đóng BHXH)"),
        /// On sick or maternity leave paid by social insurance: the benefit.
        SicknessBenefit = ("om-dau-thai-san", "Nghỉ ốm đau, thai sản hưởng trợ cấp BHXH"),
        /// Not in compulsory social insurance, receiving a pension.
        Pension = ("luong-huu", "Hưởng lương hưu"),
        /// Receiving the state social pension allowance (trợ cấp hưu trí xã hội).
        SocialPension = ("tro-cap-huu-tri-xa-hoi", "Hưởng trợ cấp hưu trí xã hội"),
        /// Pupils and students.
        Student = ("hoc-sinh-sinh-vien", "Học sinh, sinh viên"),
        /// Other members in the country, of working age (farmers, free workers…).
        Other = ("khac", "Đảng viên khác ở trong nước"),
        /// Other members in the country beyond working age.
        OtherRetired = ("khac-het-tuoi-lao-dong", "Đảng viên khác ở trong nước, hết tuổi lao động"),
        /// Members abroad: from their declared income.
        Abroad = ("ngoai-nuoc", "Đảng viên ở ngoài nước"),
    }
);

impl BasisKind {
    /// Whether the basis names an amount (salary, benefit, pension, income).
    pub fn has_amount(self) -> bool {
        matches!(self, BasisKind::SocialInsurance | BasisKind::SicknessBenefit | BasisKind::Pension | BasisKind::Abroad)
    }
}

/// What a member's dues are computed from, with its amount where it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Basis {
    kind: BasisKind,
    /// The monthly salary, benefit, pension or income (only for kinds that have one).
    amount: Option<Dong>,
}

impl Basis {
    /// A basis of `kind`; an amount is required exactly for kinds that have one.
    pub fn new(kind: BasisKind, amount: Option<Dong>) -> Result<Basis, FieldError> {
        match (kind.has_amount(), amount) {
            (true, None) | (true, Some(0)) => {
                Err(FieldError::new("amount", "required", "Nhập số tiền làm căn cứ (tiền lương, trợ cấp, lương hưu hoặc thu nhập)."))
            }
            (true, Some(a)) if a > MAX_AMOUNT => Err(FieldError::new("amount", "too_large", "Số tiền quá lớn.")),
            (true, Some(a)) => Ok(Basis { kind, amount: Some(a) }),
            (false, _) => Ok(Basis { kind, amount: None }),
        }
    }

    /// Parses the typed kind and amount.
    pub fn parse(kind: &str, amount: &str) -> Result<Basis, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let kind = e.take("kind", BasisKind::parse(kind));
        let amount = if amount.trim().is_empty() { None } else { e.take("amount", parse_dong(amount)) };
        e.into_result()?;
        let kind = kind.ok_or_else(|| ValidationErrors::single("kind", "required", "Chọn căn cứ đóng đảng phí."))?;
        Basis::new(kind, amount).map_err(|e| ValidationErrors { errors: vec![e] })
    }

    pub fn kind(self) -> BasisKind {
        self.kind
    }

    pub fn amount(self) -> Option<Dong> {
        self.amount
    }
}

/// A basis declared from a month on (until a later one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatedBasis {
    pub from: Month,
    pub basis: Basis,
}

/// The basis in force in `month`: the latest one from that month or before (`bases` in any order;
/// of two from the same month, the later in the slice).
pub fn basis_in(bases: &[DatedBasis], month: Month) -> Option<Basis> {
    let mut best: Option<&DatedBasis> = None;
    for b in bases.iter().filter(|b| b.from <= month) {
        if best.is_none_or(|x| b.from >= x.from) {
            best = Some(b);
        }
    }
    best.map(|b| b.basis)
}

code_list!(
    /// A relief the chi bộ (or the committee above an attached chi bộ) decides on application.
    ReliefKind, "Miễn, giảm, chậm đóng đảng phí", {
        /// Exempt: especially difficult situations (poor or near-poor household, grave illness).
        Exempt = ("mien", "Miễn đóng đảng phí"),
        /// Reductions of 30, 50 or 70 % for other hardship.
        Reduce30 = ("giam-30", "Giảm 30% mức đóng"),
        Reduce50 = ("giam-50", "Giảm 50% mức đóng"),
        Reduce70 = ("giam-70", "Giảm 70% mức đóng"),
        /// Allowed to pay later (01-QĐ/TW art. 5.2: members exempt from activities while working
        /// far away…): the months are owed but not counted as unpaid until the relief ends.
        Defer = ("cham-dong", "Được chậm đóng đảng phí"),
    }
);

impl ReliefKind {
    /// The share of the full amount still due, in percent.
    pub fn percent_due(self) -> u64 {
        match self {
            ReliefKind::Exempt => 0,
            ReliefKind::Reduce30 => 70,
            ReliefKind::Reduce50 => 50,
            ReliefKind::Reduce70 => 30,
            ReliefKind::Defer => 100,
        }
    }

    /// Exemptions and reductions last at most [`MAX_RELIEF_MONTHS`] (01-QĐ/TW, rules.md §10.1);
    /// our sources fix no length for a deferral.
    pub fn is_limited(self) -> bool {
        !matches!(self, ReliefKind::Defer)
    }
}

/// A relief over a run of months, both counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relief {
    kind: ReliefKind,
    from: Month,
    to: Month,
}

impl Relief {
    /// Checks the run: `to` not before `from`; an exemption or reduction at most 12 months.
    pub fn new(kind: ReliefKind, from: Month, to: Month) -> Result<Relief, FieldError> {
        if to < from {
            return Err(FieldError::new("to", "before_from", "Tháng kết thúc phải từ tháng bắt đầu trở đi."));
        }
        if kind.is_limited() && from.count_to(to) > MAX_RELIEF_MONTHS {
            return Err(FieldError::new(
                "to",
                "too_long",
                format!("Miễn hoặc giảm đảng phí mỗi lần tối đa {MAX_RELIEF_MONTHS} tháng (Quy định 01-QĐ/TW)."),
            ));
        }
        Ok(Relief { kind, from, to })
    }

    /// Parses the typed kind and months.
    pub fn parse(kind: &str, from: &str, to: &str) -> Result<Relief, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let kind = e.take("kind", ReliefKind::parse(kind));
        let from = e.take("from", Month::parse(from));
        let to = e.take("to", Month::parse(to));
        e.into_result()?;
        match (kind, from, to) {
            (Some(kind), Some(from), Some(to)) => Relief::new(kind, from, to).map_err(|e| ValidationErrors { errors: vec![e] }),
            _ => Err(ValidationErrors::single("kind", "required", "Chọn hình thức và thời gian.")),
        }
    }

    pub fn kind(self) -> ReliefKind {
        self.kind
    }
    pub fn from(self) -> Month {
        self.from
    }
    pub fn to(self) -> Month {
        self.to
    }
    pub fn covers(self, month: Month) -> bool {
        self.from <= month && month <= self.to
    }
}

/// The share a level keeps of what it collects and receives, in percent; the rest goes up.
/// Our sources give no figures (rules.md §10.1: "principles of allocation" only): every share is
/// a setting, 0 by default (everything is remitted until the committee sets its figures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RetainedShares {
    /// Chi bộ trực thuộc.
    pub cell: u32,
    /// Grassroots organizations: đảng bộ cơ sở, chi bộ cơ sở.
    pub grassroots: u32,
    /// Đảng bộ bộ phận.
    pub sub_committee: u32,
    /// Communes and wards, committees under the province, the former districts.
    pub upper: u32,
    /// Tỉnh ủy, thành ủy.
    pub province: u32,
}

impl RetainedShares {
    /// The share a unit of `kind` keeps, in percent.
    pub fn of(&self, kind: UnitKind) -> u32 {
        match kind {
            UnitKind::Cell | UnitKind::Group => self.cell,
            UnitKind::GrassrootsCommittee | UnitKind::GrassrootsCell => self.grassroots,
            UnitKind::SubCommittee => self.sub_committee,
            UnitKind::Commune | UnitKind::District | UnitKind::UnderProvince => self.upper,
            UnitKind::Province => self.province,
        }
    }
}

/// The rates and dates our sources leave to the committee (docs/design/dues.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuesSettings {
    /// The first month under 01-QĐ/TW. Default March 2026, the first whole month after its
    /// signing on 3/2/2026 (its effective date is not in our sources).
    pub rule_01_from: Month,
    /// Under 01-QĐ/TW, other members in the country outside compulsory social insurance (the
    /// figure is not in our sources): default 10.000 đ a month.
    pub other_01: Dong,
    /// Under 01-QĐ/TW, members abroad, in thousandths of their declared income (not in our
    /// sources): default 10 (1 %, as for a salary).
    pub abroad_per_mille_01: u64,
    /// Under 342-QĐ/TW, other members in the country: the province's figure within
    /// 2.000–30.000 đ (rules.md §10.2); default 10.000 đ. Those beyond working age pay half.
    pub other_342: Dong,
    /// Under 342-QĐ/TW, members abroad "by job and income": default 1 % of the declared income.
    pub abroad_per_mille_342: u64,
    /// Each level's retained share.
    pub retained: RetainedShares,
}

impl Default for DuesSettings {
    fn default() -> Self {
        DuesSettings {
            rule_01_from: Month { year: 2026, month: 3 },
            other_01: 10_000,
            abroad_per_mille_01: 10,
            other_342: 10_000,
            abroad_per_mille_342: 10,
            retained: RetainedShares::default(),
        }
    }
}

impl DuesSettings {
    /// Refuses settings that cannot be right: 342-QĐ/TW's range, shares above 100 %, 01-QĐ/TW
    /// governing before it was signed.
    pub fn check(&self) -> Result<(), String> {
        if !(2_000..=30_000).contains(&self.other_342) {
            return Err("other_342 must be within 2000–30000 đồng (Quyết định 342-QĐ/TW)".into());
        }
        if self.rule_01_from < (Month { year: 2026, month: 2 }) {
            return Err("rule_01_from cannot be before February 2026 (Quy định 01-QĐ/TW was signed on 3/2/2026)".into());
        }
        if self.other_01 > MAX_AMOUNT || self.abroad_per_mille_01 > 1000 || self.abroad_per_mille_342 > 1000 {
            return Err("a dues rate is out of range".into());
        }
        let r = self.retained;
        if [r.cell, r.grassroots, r.sub_committee, r.upper, r.province].iter().any(|p| *p > 100) {
            return Err("a retained share is above 100 %".into());
        }
        Ok(())
    }

    /// The regulation a month falls under (`None` before 342-QĐ/TW applied).
    pub fn regulation(&self, month: Month) -> Option<Regulation> {
        if month >= self.rule_01_from {
            Some(Regulation::Qd01)
        } else if month >= FIRST_MONTH_342 {
            Some(Regulation::Qd342)
        } else {
            None
        }
    }
}

/// `per_mille` thousandths of `base`, rounded half up to the đồng.
pub fn per_mille(base: Dong, per_mille: u64) -> Dong {
    (base.saturating_mul(per_mille) + 500) / 1000
}

code_list!(
    /// Why nothing is due for a month.
    Exemption, "Lý do không phải đóng", {
        /// Party age of 50 years or more (01-QĐ/TW).
        PartyAge50 = ("tuoi-dang-50", "Tuổi đảng từ 50 năm trở lên"),
        /// Receiving the state social pension allowance (01-QĐ/TW).
        SocialPension = ("tro-cap-huu-tri-xa-hoi", "Hưởng trợ cấp hưu trí xã hội"),
        /// Exempt by the chi bộ's (or the committee's) decision.
        Decided = ("duoc-mien", "Được miễn theo quyết định"),
    }
);

/// What a member owes for one month and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub month: Month,
    pub regulation: Regulation,
    pub basis: BasisKind,
    /// The amount the rate applies to (salary, benefit, pension, income), where there is one.
    pub base: Option<Dong>,
    /// The rate in words, with its source.
    pub rule: &'static str,
    /// The amount before any relief.
    pub full: Dong,
    /// The relief granted for the month, if any.
    pub relief: Option<ReliefKind>,
    /// Why nothing is due, if so.
    pub exemption: Option<Exemption>,
    /// What is due.
    pub due: Dong,
}

/// What the assessment of one month reads.
#[derive(Debug, Clone, Copy)]
pub struct MonthFacts<'a> {
    pub month: Month,
    /// The member's bases, each from a month on.
    pub bases: &'a [DatedBasis],
    pub reliefs: &'a [Relief],
    /// Party age in full months on the month's last day (`None` before the admission).
    pub party_age_months: Option<u32>,
}

/// Why a month cannot be assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unassessed {
    /// Before 342-QĐ/TW applied (1/4/2011).
    BeforeRegulations,
    /// No basis declared and confirmed for the month (or, for a salary under 01-QĐ/TW, for the
    /// month before).
    NoBasis,
}

/// The amount due for a month under the regulation in force that month.
pub fn assess(facts: &MonthFacts<'_>, s: &DuesSettings) -> Result<Assessment, Unassessed> {
    let month = facts.month;
    let regulation = s.regulation(month).ok_or(Unassessed::BeforeRegulations)?;
    let basis = basis_in(facts.bases, month).ok_or(Unassessed::NoBasis)?;
    // 01-QĐ/TW: "1 % tiền lương làm căn cứ đóng BHXH bắt buộc của tháng trước liền kề" — the
    // salary base in force in the month before (rules.md §10.1).
    let base = match (regulation, basis.kind) {
        (Regulation::Qd01, BasisKind::SocialInsurance) => match basis_in(facts.bases, month.previous()) {
            Some(prev) if prev.kind == BasisKind::SocialInsurance => prev.amount,
            _ => basis.amount,
        },
        _ => basis.amount,
    };
    let amount = base.unwrap_or(0);
    let (rule, full): (&'static str, Dong) = match (regulation, basis.kind) {
        (Regulation::Qd01, BasisKind::SocialInsurance) => {
            ("1% tiền lương làm căn cứ đóng BHXH bắt buộc của tháng trước liền kề (Quy định 01-QĐ/TW)", per_mille(amount, 10))
        }
        (Regulation::Qd01, BasisKind::SicknessBenefit) => {
            ("1% mức trợ cấp ốm đau, thai sản do BHXH chi trả (Quy định 01-QĐ/TW)", per_mille(amount, 10))
        }
        (Regulation::Qd01, BasisKind::Pension) => ("0,5% mức lương hưu (Quy định 01-QĐ/TW)", per_mille(amount, 5)),
        (Regulation::Qd01, BasisKind::SocialPension) => ("Miễn: hưởng trợ cấp hưu trí xã hội (Quy định 01-QĐ/TW)", 0),
        (Regulation::Qd01, BasisKind::Student) => ("5.000 đồng/tháng cho học sinh, sinh viên (Quy định 01-QĐ/TW)", 5_000),
        (Regulation::Qd01, BasisKind::Other | BasisKind::OtherRetired) => {
            ("Mức của đảng viên khác không tham gia BHXH bắt buộc (cài đặt; Quy định 01-QĐ/TW)", s.other_01)
        }
        (Regulation::Qd01, BasisKind::Abroad) => {
            ("Theo thu nhập của đảng viên ở ngoài nước (cài đặt; Quy định 01-QĐ/TW)", per_mille(amount, s.abroad_per_mille_01))
        }
        (Regulation::Qd342, BasisKind::SocialInsurance | BasisKind::SicknessBenefit) => {
            ("1% tiền lương, phụ cấp, tiền công hằng tháng (Quyết định 342-QĐ/TW)", per_mille(amount, 10))
        }
        (Regulation::Qd342, BasisKind::Pension) => ("0,5% mức lương hưu (Quyết định 342-QĐ/TW)", per_mille(amount, 5)),
        (Regulation::Qd342, BasisKind::Student | BasisKind::Other) => {
            ("Mức của đảng viên khác ở trong nước, 2.000–30.000 đồng (cài đặt; Quyết định 342-QĐ/TW)", s.other_342)
        }
        // 342-QĐ/TW: members beyond working age pay 50 % of the working-age amount; it knew no
        // social pension exemption, whose recipients are beyond working age.
        (Regulation::Qd342, BasisKind::OtherRetired | BasisKind::SocialPension) => {
            ("50% mức của đảng viên khác trong độ tuổi lao động (Quyết định 342-QĐ/TW)", s.other_342 / 2)
        }
        (Regulation::Qd342, BasisKind::Abroad) => {
            ("Theo thu nhập của đảng viên ở ngoài nước (cài đặt; Quyết định 342-QĐ/TW)", per_mille(amount, s.abroad_per_mille_342))
        }
    };
    let relief = facts.reliefs.iter().rev().find(|r| r.covers(month)).map(|r| r.kind);
    // 01-QĐ/TW exempts party age ≥ 50 and social pension recipients: the month in which the
    // member reaches 50 years is exempt (our reading: the month is counted by its last day).
    let exemption = if regulation == Regulation::Qd01 && facts.party_age_months.is_some_and(|m| m >= EXEMPT_PARTY_AGE_MONTHS) {
        Some(Exemption::PartyAge50)
    } else if regulation == Regulation::Qd01 && basis.kind == BasisKind::SocialPension {
        Some(Exemption::SocialPension)
    } else if relief == Some(ReliefKind::Exempt) {
        Some(Exemption::Decided)
    } else {
        None
    };
    let due = match (exemption, relief) {
        (Some(_), _) => 0,
        (None, Some(r)) => (full * r.percent_due() + 50) / 100,
        (None, None) => full,
    };
    Ok(Assessment { month, regulation, basis: basis.kind, base, rule, full, relief, exemption, due })
}

code_list!(
    /// Where a member's month stands.
    Standing, "Tình trạng đóng đảng phí", {
        /// Nothing due.
        Exempt = ("mien", "Không phải đóng"),
        /// Paid in full (or more, voluntarily).
        Paid = ("da-dong", "Đã đóng đủ"),
        /// The month has not ended and is not paid in full yet.
        Open = ("chua-den-han", "Trong tháng"),
        /// Deferred by a relief: owed, not counted as unpaid.
        Deferred = ("cham-dong", "Được chậm đóng"),
        /// Part paid, the month over.
        Partial = ("dong-thieu", "Đóng chưa đủ"),
        /// Nothing paid, the month over.
        Unpaid = ("chua-dong", "Chưa đóng"),
        /// No basis confirmed: the chi bộ cannot tell what is due.
        NoBasis = ("chua-co-can-cu", "Chưa có căn cứ tính"),
    }
);

impl Standing {
    /// Whether the month counts towards the three months unpaid (nothing paid, no good reason).
    pub fn counts_as_unpaid(self) -> bool {
        self == Standing::Unpaid
    }
}

/// One month of a member's dues: what was due and what was paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthAccount {
    pub month: Month,
    /// `None`: no basis, nothing can be assessed.
    pub assessment: Option<Assessment>,
    pub paid: Dong,
    pub standing: Standing,
}

impl MonthAccount {
    /// The month of `assessment` (or `month` when unassessed) with `paid` counted on `today`.
    pub fn new(month: Month, assessment: Option<Assessment>, paid: Dong, deferred: bool, today: NaiveDate) -> MonthAccount {
        let standing = match &assessment {
            None if paid > 0 => Standing::Paid,
            None => Standing::NoBasis,
            Some(a) if a.due == 0 => Standing::Exempt,
            Some(a) if paid >= a.due => Standing::Paid,
            Some(_) if today <= month.last_day() => Standing::Open,
            Some(_) if deferred => Standing::Deferred,
            Some(_) if paid > 0 => Standing::Partial,
            Some(_) => Standing::Unpaid,
        };
        MonthAccount { month, assessment, paid, standing }
    }

    pub fn due(&self) -> Dong {
        self.assessment.as_ref().map_or(0, |a| a.due)
    }

    /// What is still owed for the month (0 once paid, exempt or unassessed).
    pub fn owed(&self) -> Dong {
        self.due().saturating_sub(self.paid)
    }
}

/// The months of a year with nothing paid and no good reason, and whether they reach three.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrears {
    pub year: i32,
    pub unpaid: Vec<Month>,
    /// Owed over the year's ended months (unpaid, part paid and deferred).
    pub owed: Dong,
}

impl Arrears {
    /// The arrears of `year` from its month accounts.
    pub fn of(year: i32, accounts: &[MonthAccount]) -> Arrears {
        let in_year = accounts.iter().filter(|a| a.month.year == year);
        let unpaid = in_year.clone().filter(|a| a.standing.counts_as_unpaid()).map(|a| a.month).collect();
        let owed = in_year
            .filter(|a| matches!(a.standing, Standing::Unpaid | Standing::Partial | Standing::Deferred))
            .map(MonthAccount::owed)
            .sum();
        Arrears { year, unpaid, owed }
    }

    /// Three months of the year unpaid: the chi bộ considers proposing to strike the name off.
    pub fn proposes_strike_off(&self) -> bool {
        self.unpaid.len() >= STRIKE_OFF_MONTHS
    }
}

code_list!(
    /// How a payment was made (01-QĐ/TW: the National Public Service Portal or cash to the chi bộ).
    PayMethod, "Hình thức đóng", {
        Cash = ("tien-mat", "Tiền mặt cho chi bộ"),
        Portal = ("cong-dich-vu-cong", "Qua Cổng Dịch vụ công Quốc gia"),
    }
);

/// A payment as the chi bộ records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentInput {
    /// The month paid for.
    pub month: Month,
    pub amount: Dong,
    pub paid_on: NaiveDate,
    pub method: PayMethod,
}

impl PaymentInput {
    /// Checks the typed payment on `today`: a month from 342-QĐ/TW on and at most 12 months
    /// ahead of the day paid (advance payment), an amount, a day not in the future.
    pub fn parse(month: &str, amount: &str, paid_on: &str, method: &str, today: NaiveDate) -> Result<PaymentInput, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let month = e.take("month", Month::parse(month));
        let amount = e.take("amount", parse_dong(amount));
        let paid_on = if paid_on.trim().is_empty() { Some(today) } else { e.take("paid_on", crate::dates::parse_date(paid_on)) };
        let method = if method.trim().is_empty() { Some(PayMethod::Cash) } else { e.take("method", PayMethod::parse(method)) };
        if amount == Some(0) {
            e.push("amount", "zero", "Số tiền phải lớn hơn 0.");
        }
        if let Some(on) = paid_on
            && on > today
        {
            e.push("paid_on", "future", "Ngày đóng không được sau hôm nay.");
        }
        if let Some(m) = month {
            if m < FIRST_MONTH_342 {
                e.push("month", "too_early", "Tháng đóng phải từ tháng 4/2011 (Quyết định 342-QĐ/TW) trở đi.");
            }
            if let Some(on) = paid_on
                && Month::of(on).count_to(m) > MAX_ADVANCE_MONTHS + 1
            {
                e.push("month", "too_far_ahead", format!("Đóng trước tối đa {MAX_ADVANCE_MONTHS} tháng."));
            }
        }
        e.into_result()?;
        match (month, amount, paid_on, method) {
            (Some(month), Some(amount), Some(paid_on), Some(method)) => Ok(PaymentInput { month, amount, paid_on, method }),
            _ => Err(ValidationErrors::single("amount", "required", "Nhập số tiền.")),
        }
    }
}

/// Parses an amount as typed: "150.000", "150 000", "150000" (đồng; no fractions).
pub fn parse_dong(input: &str) -> Result<Dong, FieldError> {
    let s: String = input
        .trim()
        .trim_end_matches('đ')
        .trim_end_matches("đồng")
        .trim()
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}'))
        .collect();
    if s.is_empty() {
        return Err(FieldError::new("", "required", "Nhập số tiền."));
    }
    let n: Dong = s
        .parse()
        .map_err(|_| FieldError::new("", "invalid_amount", format!("“{}” không phải là số tiền (ví dụ 150.000).", input.trim())))?;
    if n > MAX_AMOUNT {
        return Err(FieldError::new("", "too_large", "Số tiền quá lớn."));
    }
    Ok(n)
}

/// How what a unit takes in during a month divides: its retained share, the rest to remit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    pub retained: Dong,
    pub to_remit: Dong,
}

/// Divides `income` with `retain_percent` kept (rounded down; the remainder goes up, so the two
/// always add up to the income).
pub fn split(income: Dong, retain_percent: u32) -> Split {
    let retained = income.saturating_mul(u64::from(retain_percent.min(100))) / 100;
    Split { retained, to_remit: income - retained }
}

/// One month of a unit's ledger (sổ thu, nộp đảng phí).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerMonth {
    pub month: Month,
    /// Collected from members (a chi bộ; any unit whose list holds members).
    pub collected: Dong,
    /// Received from the units below for this month.
    pub received: Dong,
    pub retained: Dong,
    pub to_remit: Dong,
    /// Remitted up for this month so far.
    pub remitted: Dong,
}

impl LedgerMonth {
    pub fn new(month: Month, collected: Dong, received: Dong, retain_percent: u32, remitted: Dong) -> LedgerMonth {
        let Split { retained, to_remit } = split(collected + received, retain_percent);
        LedgerMonth { month, collected, received, retained, to_remit, remitted }
    }

    /// Still to remit (0 when remitted in full).
    pub fn outstanding(&self) -> Dong {
        self.to_remit.saturating_sub(self.remitted)
    }

    /// Collected and received equal retained and to remit (always, by construction of [`split`]).
    pub fn balances(&self) -> bool {
        self.collected + self.received == self.retained + self.to_remit
    }
}
