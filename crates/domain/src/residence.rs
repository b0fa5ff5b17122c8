//! Working members and their place of residence (Quy định 213-QĐ/TW, rules.md §11;
//! docs/design/residence.md): who must keep contact with the party organization where they live,
//! the tie (the residence chi bộ, the workplace's introduction letter, the residence side's
//! confirmation, the category with its reason when exempt), the contacts kept, the residence chi
//! ủy's yearly comment that feeds the year's evaluation, and when a contact is overdue.
//!
//! Pure: the caller hands in the member's occupation, tie, contacts, comments and the day.

use chrono::NaiveDate;

use crate::code_list;
use crate::dates::{add_months, parse_date};
use crate::error::ValidationErrors;
use crate::member::OccupationGroup;
use crate::text::{Lines, optional_text_in, required_text};

#[cfg(test)]
mod tests;

pub const MAX_TEXT: usize = 1_000;

/// Quy định 213-QĐ/TW binds members working in agencies, enterprises, public service units and
/// the armed forces ("đảng viên đang công tác", rules.md §11); read from the occupation of the
/// member's record.
pub fn is_working_member(occupation: OccupationGroup) -> bool {
    use OccupationGroup::*;
    matches!(
        occupation,
        StateCivilServant
            | PartyFrontCivilServant
            | CommuneCadre
            | PublicServiceEmployee
            | NonPublicServiceWorker
            | EnterpriseManager
            | EnterpriseStaff
            | EnterpriseWorker
            | ArmedForces
    )
}

code_list!(
    /// How a working member stands towards the residence (Hướng dẫn 33-HD/BTCTW, rules.md §11).
    Category, "Diện giới thiệu về nơi cư trú", {
        /// Introduced; takes part in the residence's activities; commented on every year.
        Introduced = ("gioi-thieu", "Giới thiệu về nơi cư trú"),
        /// Introduced but exempt from the residence's activities (barracks, mobile or far-away
        /// work, rotation in duty housing, full-time study, students studying away): no periodic
        /// yearly comment, comments only when needed.
        IntroducedExempt = ("mien-sinh-hoat", "Giới thiệu nhưng miễn sinh hoạt nơi cư trú"),
        /// Not introduced (special missions with protected identity, standing combat-ready units).
        NotIntroduced = ("khong-gioi-thieu", "Không giới thiệu về nơi cư trú"),
    }
);

impl Category {
    /// Whether the residence chi ủy comments on the member every year.
    pub fn yearly_comment(self) -> bool {
        self == Category::Introduced
    }

    /// Whether the category needs its reason written.
    pub fn needs_reason(self) -> bool {
        self != Category::Introduced
    }
}

/// Where the member lives: a chi bộ of the register, or one outside it (another province).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResidenceCell {
    Internal(crate::ids::UnitId),
    External(String),
}

/// A member's tie to the residence, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tie {
    pub category: Category,
    /// Why exempt (required for the exempt categories).
    pub reason: Option<String>,
    /// The residence address.
    pub address: String,
    /// The residence chi bộ (`None` for a member not introduced).
    pub cell: Option<ResidenceCell>,
    /// The workplace committee's introduction letter: number and day.
    pub letter: Option<(String, NaiveDate)>,
    /// The day the residence side confirmed the member on its list.
    pub confirmed_on: Option<NaiveDate>,
    /// How to reach a member working far away or abroad (phone, e-mail, where they are).
    pub reach: Option<String>,
}

/// A tie's fields as typed.
#[derive(Debug, Clone, Default)]
pub struct TieFields<'a> {
    pub category: &'a str,
    pub reason: &'a str,
    pub address: &'a str,
    /// The residence chi bộ of the register, resolved by the caller (`None`: none picked).
    pub cell: Option<crate::ids::UnitId>,
    /// A residence chi bộ outside the register, by name.
    pub cell_outside: &'a str,
    pub letter_number: &'a str,
    pub letter_on: &'a str,
    pub confirmed_on: &'a str,
    pub reach: &'a str,
}

impl Tie {
    /// Checks the typed tie on `today`: an address; the residence chi bộ and the introduction
    /// letter for an introduced member; a reason for an exempt one; no day in the future, the
    /// confirmation not before the letter.
    pub fn parse(f: &TieFields<'_>, today: NaiveDate) -> Result<Tie, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let category = e.take("category", Category::parse(f.category));
        let address = e.take("address", required_text(f.address, 300, "Địa chỉ nơi cư trú"));
        let reason = e.take("reason", optional_text_in(f.reason, Lines::Single, 300, "Lý do")).flatten();
        let reach = e.take("reach", optional_text_in(f.reach, Lines::Single, 300, "Cách liên hệ")).flatten();
        let outside = e.take("cell_outside", optional_text_in(f.cell_outside, Lines::Single, 200, "Chi bộ nơi cư trú")).flatten();
        let day = |e: &mut ValidationErrors, field: &str, typed: &str| -> Option<NaiveDate> {
            if typed.trim().is_empty() {
                return None;
            }
            let d = e.take(field, parse_date(typed))?;
            if d > today {
                e.push(field, "future", "Ngày không được sau hôm nay.");
            }
            Some(d)
        };
        let letter_on = day(&mut e, "letter_on", f.letter_on);
        let confirmed_on = day(&mut e, "confirmed_on", f.confirmed_on);
        let number = e.take("letter_number", optional_text_in(f.letter_number, Lines::Single, 50, "Số giấy giới thiệu")).flatten();
        let cell = match (f.cell, outside) {
            (Some(u), _) => Some(ResidenceCell::Internal(u)),
            (None, Some(name)) => Some(ResidenceCell::External(name)),
            (None, None) => None,
        };
        if let Some(c) = category {
            if c.needs_reason() && reason.is_none() {
                e.push("reason", "required", "Ghi lý do miễn sinh hoạt hoặc không giới thiệu về nơi cư trú.");
            }
            if c != Category::NotIntroduced {
                if cell.is_none() {
                    e.push("cell", "required", "Chọn chi bộ nơi đảng viên cư trú (hoặc ghi tên chi bộ ngoài hệ thống).");
                }
                if number.is_none() || letter_on.is_none() {
                    e.push("letter_number", "required", "Ghi số và ngày giấy giới thiệu của đảng ủy nơi công tác.");
                }
            }
        }
        if let (Some(letter), Some(confirmed)) = (letter_on, confirmed_on)
            && confirmed < letter
        {
            e.push("confirmed_on", "before_letter", "Ngày nơi cư trú xác nhận phải từ ngày giấy giới thiệu trở đi.");
        }
        e.into_result()?;
        let (Some(category), Some(address)) = (category, address) else {
            return Err(ValidationErrors::single("category", "required", "Chọn diện giới thiệu."));
        };
        let letter = match (number, letter_on) {
            (Some(n), Some(d)) => Some((n, d)),
            _ => None,
        };
        let cell = if category == Category::NotIntroduced { None } else { cell };
        Ok(Tie { category, reason, address, cell, letter, confirmed_on, reach })
    }
}

code_list!(
    /// A contact with the residence.
    ContactKind, "Hình thức liên hệ", {
        /// The meeting the commune has the residence chi bộ hold with working members, every six
        /// months or when needed (213-QĐ/TW art. 4).
        Meeting = ("hop-dinh-ky", "Dự họp với chi bộ nơi cư trú"),
        /// Another contact: a visit, a call, taking part in a local activity.
        Other = ("lien-he-khac", "Liên hệ khác"),
    }
);

/// Contacts a working member keeps each year at least: one every six months ("every 6 months or
/// when needed", 213-QĐ/TW art. 4, rules.md §11).
pub const CONTACTS_PER_YEAR: usize = 2;

/// When the next contact is due: `interval_months` after the last one, or after the tie's
/// letter when there was none (`None`: not introduced, nothing to keep).
pub fn contact_due(tie: &Tie, last_contact: Option<NaiveDate>, interval_months: u32) -> Option<NaiveDate> {
    if tie.category == Category::NotIntroduced {
        return None;
    }
    let from = last_contact.or(tie.letter.as_ref().map(|l| l.1)).or(tie.confirmed_on)?;
    Some(add_months(from, interval_months))
}

/// Whether the contact is overdue on `today`.
pub fn contact_overdue(tie: &Tie, last_contact: Option<NaiveDate>, interval_months: u32, today: NaiveDate) -> bool {
    contact_due(tie, last_contact, interval_months).is_some_and(|due| due < today)
}

code_list!(
    /// The residence chi ủy's rating in its yearly comment (Phiếu nhận xét đảng viên nơi cư trú).
    CommentRating, "Nhận xét của nơi cư trú", {
        Good = ("tot", "Thực hiện tốt nhiệm vụ ở nơi cư trú"),
        NotGood = ("chua-tot", "Chưa thực hiện tốt nhiệm vụ ở nơi cư trú"),
    }
);

/// The yearly comment of the residence chi ủy together with the residential Front work
/// committee, sent back to the workplace for the year-end evaluation (rules.md §11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub year: i32,
    pub rating: CommentRating,
    pub text: String,
    /// Who signed (the chi bộ's secretary, the Front committee's head).
    pub signer: String,
    pub on: NaiveDate,
}

impl Comment {
    /// Checks a typed comment on `today`: a year not after the comment's day, a rating, a text,
    /// a signer, a day not in the future.
    pub fn parse(year: &str, rating: &str, text: &str, signer: &str, on: &str, today: NaiveDate) -> Result<Comment, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let rating = e.take("rating", CommentRating::parse(rating));
        let text = e.take("text", crate::text::required_lines(text, MAX_TEXT, "Nội dung nhận xét"));
        let signer = e.take("signer", required_text(signer, 200, "Người ký"));
        let on = if on.trim().is_empty() { Some(today) } else { e.take("on", parse_date(on)) };
        let year: Option<i32> = match year.trim().parse() {
            Ok(y) => Some(y),
            Err(_) => {
                e.push("year", "invalid", "Ghi năm nhận xét.");
                None
            }
        };
        if let Some(d) = on {
            if d > today {
                e.push("on", "future", "Ngày nhận xét không được sau hôm nay.");
            }
            if let Some(y) = year
                && (y > chrono::Datelike::year(&d) || y < chrono::Datelike::year(&d) - 1)
            {
                e.push("year", "year_mismatch", "Năm được nhận xét là năm của ngày nhận xét hoặc năm trước.");
            }
        }
        e.into_result()?;
        match (year, rating, text, signer, on) {
            (Some(year), Some(rating), Some(text), Some(signer), Some(on)) => Ok(Comment { year, rating, text, signer, on }),
            _ => Err(ValidationErrors::single("text", "required", "Ghi nhận xét.")),
        }
    }
}

/// Where a working member's ties stand for a year (the report's columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TieStanding {
    /// Introduced (or exempt with a tie recorded).
    pub registered: bool,
    /// The residence side confirmed it.
    pub confirmed: bool,
    pub contacts_in_year: usize,
    pub contact_overdue: bool,
    /// A comment is expected for the year (introduced, not exempt).
    pub comment_expected: bool,
    pub comment_received: bool,
}

/// What a unit's working members still owe under Quy định 213-QĐ/TW (rules.md §11), for the
/// worklist: members not introduced to where they live, introductions the residence has not
/// confirmed, contacts overdue, and the year's comments still missing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResidenceDue {
    pub working: usize,
    pub not_registered: usize,
    pub unconfirmed: usize,
    pub contact_overdue: usize,
    pub comments_missing: usize,
}

impl ResidenceDue {
    /// Counts the standings of a unit's working members.
    pub fn of<'a>(standings: impl IntoIterator<Item = &'a TieStanding>) -> ResidenceDue {
        let mut due = ResidenceDue::default();
        for s in standings {
            due.working += 1;
            due.not_registered += usize::from(!s.registered);
            due.unconfirmed += usize::from(s.registered && !s.confirmed);
            due.contact_overdue += usize::from(s.contact_overdue);
            due.comments_missing += usize::from(s.comment_expected && !s.comment_received);
        }
        due
    }

    /// Nothing to do.
    pub fn is_clear(&self) -> bool {
        self.not_registered + self.unconfirmed + self.contact_overdue + self.comments_missing == 0
    }
}

impl TieStanding {
    /// The standing of a tie (or none) for `year` on `today`.
    pub fn of(
        tie: Option<&Tie>,
        contacts: &[NaiveDate],
        comment_years: &[i32],
        year: i32,
        interval_months: u32,
        today: NaiveDate,
    ) -> TieStanding {
        let last = contacts.iter().max().copied();
        match tie {
            None => TieStanding {
                registered: false,
                confirmed: false,
                contacts_in_year: 0,
                contact_overdue: false,
                comment_expected: false,
                comment_received: false,
            },
            Some(t) => TieStanding {
                registered: true,
                confirmed: t.confirmed_on.is_some() || t.category == Category::NotIntroduced,
                contacts_in_year: contacts.iter().filter(|d| chrono::Datelike::year(*d) == year).count(),
                contact_overdue: contact_overdue(t, last, interval_months, today),
                comment_expected: t.category.yearly_comment(),
                comment_received: comment_years.contains(&year),
            },
        }
    }
}

/// The operator's setting: months between two contacts before one is overdue (default 6: "every
/// 6 months or when needed", 213-QĐ/TW art. 4; for members working far away or abroad too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResidenceSettings {
    pub contact_interval_months: u32,
}

impl Default for ResidenceSettings {
    fn default() -> Self {
        ResidenceSettings { contact_interval_months: 6 }
    }
}

impl ResidenceSettings {
    /// Refuses an interval outside 1–24 months.
    pub fn check(&self) -> Result<(), String> {
        if (1..=24).contains(&self.contact_interval_months) { Ok(()) } else { Err("contact_interval_months must be within 1–24".into()) }
    }
}
