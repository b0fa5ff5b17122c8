//! Meetings of a chi bộ or a committee (sinh hoạt chi bộ, đảng bộ): their kinds and minimum
//! length, who counts when a resolution is voted, whether it passes, whether the documents went
//! out in time, minutes that lock once signed, and the alerts the worklists show — rules.md §9
//! (and §5.1 for absences, which the strike-off proposals read).
//!
//! Pure: the caller hands in the meetings held and the attendance recorded; nothing here knows
//! the clock.

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};

use crate::code_list;
pub use crate::dates::Month;
use crate::dates::format_vn;
use crate::error::FieldError;
use crate::unit::UnitKind;

pub mod input;
pub use input::{MeetingFields, MeetingInput, ResolutionInput, check_attendance, parse_resolution, parse_time};

code_list!(
    /// Loại buổi sinh hoạt.
    MeetingKind, "Loại buổi sinh hoạt", {
        /// Monthly (Charter art. 24.2: a chi bộ meets once a month).
        Regular = ("thuong-ky", "Sinh hoạt thường kỳ"),
        /// At least once a quarter, never instead of the monthly meeting (rules.md §9).
        Thematic = ("chuyen-de", "Sinh hoạt chuyên đề"),
        /// The monthly meeting and a thematic one in the same session.
        Combined = ("thuong-ky-ket-hop-chuyen-de", "Sinh hoạt thường kỳ kết hợp chuyên đề"),
        Extraordinary = ("bat-thuong", "Sinh hoạt bất thường"),
        /// A grassroots party committee's meeting of all its members (hội nghị đảng bộ): twice a
        /// year, the mid-year and the year-end review (rules.md §9).
        Plenary = ("hoi-nghi-dang-bo", "Hội nghị đảng bộ"),
        /// The meeting of a unit's executive committee (hội nghị ban chấp hành, họp chi ủy): its
        /// seat holders on the day (crate::committees).
        Committee = ("hoi-nghi-cap-uy", "Hội nghị cấp ủy"),
        /// The meeting of a committee's standing committee (ban thường vụ): the secretary, the
        /// deputies and the standing members on the day.
        Standing = ("hop-ban-thuong-vu", "Họp Ban Thường vụ"),
    }
);

/// Whom a meeting summons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Summons {
    /// The members of the unit (a chi bộ's own, or every chi bộ's under a grassroots committee),
    /// with members elsewhere in temporary activity here as guests.
    Members,
    /// The seats of the unit's committee held on the day; `standing_only`: its standing committee.
    Seats { standing_only: bool },
}

/// How many plenary meetings a grassroots party committee holds in a year (rules.md §9).
pub const PLENARIES_PER_YEAR: usize = 2;

/// The day Hướng dẫn 42-HD/BTCTW set the minimum lengths (28/10/2025).
fn minimum_length_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 10, 28).unwrap_or(NaiveDate::MIN)
}

impl MeetingKind {
    /// Whether it is the month's regular meeting.
    pub fn is_regular(self) -> bool {
        matches!(self, MeetingKind::Regular | MeetingKind::Combined)
    }

    /// Whether it is the quarter's thematic meeting.
    pub fn is_thematic(self) -> bool {
        matches!(self, MeetingKind::Thematic | MeetingKind::Combined)
    }

    /// The shortest a meeting held on `on` may be, in minutes: 90, or 120 when the regular and
    /// thematic meetings are combined (Hướng dẫn 42-HD/BTCTW, 28/10/2025 — rules.md §9); no
    /// minimum before that guidance, nor for an extraordinary meeting.
    pub fn minimum_minutes(self, on: NaiveDate) -> Option<u32> {
        if on < minimum_length_from() {
            return None;
        }
        match self {
            MeetingKind::Regular | MeetingKind::Thematic => Some(90),
            MeetingKind::Combined => Some(120),
            MeetingKind::Extraordinary | MeetingKind::Plenary | MeetingKind::Committee | MeetingKind::Standing => None,
        }
    }

    /// Whom it summons. Only meetings of the members count for a member's attendance at their
    /// chi bộ (the absences of §5.1) and for the chi bộ's meeting figures.
    pub fn summons(self) -> Summons {
        match self {
            MeetingKind::Committee => Summons::Seats { standing_only: false },
            MeetingKind::Standing => Summons::Seats { standing_only: true },
            _ => Summons::Members,
        }
    }

    /// Whether a unit of `kind` holds meetings of this kind: a chi bộ its monthly, thematic and
    /// extraordinary meetings; a grassroots party committee (đảng bộ cơ sở) its plenary and
    /// extraordinary meetings of all its members (rules.md §9). Every unit's executive committee
    /// meets (a chi bộ's chi ủy included), and a standing committee where one is elected
    /// (`crate::committees`).
    pub fn held_by(self, kind: UnitKind) -> bool {
        match self {
            MeetingKind::Regular | MeetingKind::Thematic | MeetingKind::Combined => kind.holds_members(),
            MeetingKind::Extraordinary => kind.holds_members() || kind == UnitKind::GrassrootsCommittee,
            MeetingKind::Plenary => kind == UnitKind::GrassrootsCommittee,
            MeetingKind::Committee => crate::committees::has_committee(kind),
            MeetingKind::Standing => crate::committees::has_standing_committee(kind),
        }
    }

    /// The kinds a unit of `kind` holds (none: it records no meetings).
    pub fn held_by_unit(kind: UnitKind) -> Vec<MeetingKind> {
        MeetingKind::ALL.iter().copied().filter(|k| k.held_by(kind)).collect()
    }
}

code_list!(
    /// Tình hình dự họp of one member at one meeting.
    Presence, "Tình hình dự họp", {
        Present = ("co-mat", "Có mặt"),
        /// Excused by the chi bộ for the whole session.
        Excused = ("vang-co-ly-do", "Vắng có lý do"),
        Absent = ("vang-khong-ly-do", "Vắng không lý do"),
    }
);

/// One member of the chi bộ on a meeting's attendance list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attendee {
    pub presence: Presence,
    /// Miễn công tác và sinh hoạt đảng.
    pub exempt: bool,
    /// Sinh hoạt tạm thời at another organization on the day.
    pub away_temporarily: bool,
    /// Suspended from activity, or under prosecution, indictment or detention.
    pub suspended: bool,
}

impl Attendee {
    /// Whether the member counts in the number a resolution is measured against: everyone
    /// summoned, less those attending temporarily elsewhere, exempt members who stay away (an
    /// exempt member who attends counts), suspended members and those excused for the whole
    /// session (24-QĐ/TW point 9.3 — rules.md §9). Members of other chi bộ attending here
    /// temporarily are not on this list: they count once, at home.
    pub fn counts(&self) -> bool {
        !(self.away_temporarily
            || self.suspended
            || self.presence == Presence::Excused
            || (self.exempt && self.presence != Presence::Present))
    }
}

/// The number a resolution is measured against.
pub fn vote_denominator(attendees: &[Attendee]) -> u32 {
    attendees.iter().filter(|a| a.counts()).count() as u32
}

code_list!(
    /// Đa số cần có for a resolution.
    Threshold, "Đa số biểu quyết", {
        /// Ordinary resolutions (24-QĐ/TW point 9.3).
        MoreThanHalf = ("qua-nua", "Quá một nửa"),
        /// Admission and recognition as official: at least two-thirds of the chi bộ's official
        /// members (Charter art. 4.3 — rules.md §2).
        AtLeastTwoThirds = ("it-nhat-hai-phan-ba", "Ít nhất hai phần ba"),
        /// Removal from post and expulsion (secondary source — rules.md §5.4).
        MoreThanTwoThirds = ("tren-hai-phan-ba", "Trên hai phần ba"),
    }
);

/// A vote's count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Vote {
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
}

impl Vote {
    /// Whether the resolution passes: `yes` against the `denominator` (everyone who counts,
    /// not only those present). A count with more votes than members present and counting is
    /// refused.
    pub fn passes(&self, threshold: Threshold, attendees: &[Attendee]) -> Result<bool, FieldError> {
        let voters = attendees.iter().filter(|a| a.counts() && a.presence == Presence::Present).count() as u32;
        let cast = self.yes + self.no + self.abstain;
        if cast > voters {
            return Err(FieldError::new(
                "vote",
                "too_many_votes",
                format!("Có {cast} phiếu biểu quyết nhưng chỉ {voters} đảng viên có mặt được biểu quyết."),
            ));
        }
        Ok(threshold.reached(self.yes, vote_denominator(attendees)))
    }
}

impl Threshold {
    /// Whether `yes` votes of `of` members reach the threshold (never with nobody to count).
    /// The one place each threshold is computed; the admission vote uses it too.
    pub fn reached(self, yes: u32, of: u32) -> bool {
        of > 0
            && match self {
                Threshold::MoreThanHalf => yes * 2 > of,
                Threshold::AtLeastTwoThirds => yes * 3 >= of * 2,
                Threshold::MoreThanTwoThirds => yes * 3 > of * 2,
            }
    }
}

/// Whether a document reached the members in time: posted at least one day before the meeting
/// begins (Hướng dẫn 42-HD/BTCTW — rules.md §9).
pub fn documents_in_time(posted: NaiveDateTime, meeting_starts: NaiveDateTime) -> bool {
    posted + TimeDelta::days(1) <= meeting_starts
}

/// A calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1–4.
    pub quarter: u32,
}

impl Quarter {
    pub fn of(day: NaiveDate) -> Quarter {
        Quarter { year: day.year(), quarter: (day.month() - 1) / 3 + 1 }
    }

    fn next(self) -> Quarter {
        if self.quarter == 4 { Quarter { year: self.year + 1, quarter: 1 } } else { Quarter { year: self.year, quarter: self.quarter + 1 } }
    }

    /// "quý II/2026".
    pub fn label(self) -> String {
        let roman = ["I", "II", "III", "IV"].get(self.quarter.saturating_sub(1) as usize).copied().unwrap_or("?");
        format!("quý {roman}/{}", self.year)
    }
}

/// A meeting held: its day and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub on: NaiveDate,
    pub kind: MeetingKind,
}

/// A month or a quarter: a period a meeting is due in.
trait Period: Copy + Ord {
    fn of(day: NaiveDate) -> Self;
    fn next(self) -> Self;
}

impl Period for Month {
    fn of(day: NaiveDate) -> Self {
        Month::of(day)
    }
    fn next(self) -> Self {
        Month::next(self)
    }
}

impl Period for Quarter {
    fn of(day: NaiveDate) -> Self {
        Quarter::of(day)
    }
    fn next(self) -> Self {
        Quarter::next(self)
    }
}

/// The periods from `since`'s that ended before `today`'s without a meeting of a wanted kind
/// (the period under way is not judged until it ends).
fn periods_without<P: Period>(held: &[Held], since: NaiveDate, today: NaiveDate, wanted: fn(MeetingKind) -> bool) -> Vec<P> {
    let mut missing = Vec::new();
    let (mut at, now) = (P::of(since), P::of(today));
    while at < now {
        if !held.iter().any(|h| wanted(h.kind) && P::of(h.on) == at) {
            missing.push(at);
        }
        at = at.next();
    }
    missing
}

/// The months from `since` (the chi bộ's first day, or the start of the period looked at) that
/// ended before `today` without a regular meeting (Charter art. 24.2).
pub fn months_without_regular(held: &[Held], since: NaiveDate, today: NaiveDate) -> Vec<Month> {
    periods_without(held, since, today, MeetingKind::is_regular)
}

/// The quarters from `since` that ended before `today` without a thematic meeting (at least one
/// a quarter — rules.md §9).
pub fn quarters_without_thematic(held: &[Held], since: NaiveDate, today: NaiveDate) -> Vec<Quarter> {
    periods_without(held, since, today, MeetingKind::is_thematic)
}

/// The halves of `year` that ended before `today` (from `since`, the committee's first day)
/// without a plenary meeting of the grassroots party committee — one for the mid-year review,
/// one for the year-end (rules.md §9): "6 tháng đầu năm 2026", "6 tháng cuối năm 2026".
pub fn halves_without_plenary(held: &[Held], year: i32, since: NaiveDate, today: NaiveDate) -> Vec<String> {
    let halves = [
        (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 6, 30), "6 tháng đầu năm"),
        (NaiveDate::from_ymd_opt(year, 7, 1), NaiveDate::from_ymd_opt(year, 12, 31), "6 tháng cuối năm"),
    ];
    halves
        .into_iter()
        .filter_map(|(first, last, label)| Some((first?, last?, label)))
        // A half is judged once it is over, and only when the committee stood for all of it.
        .filter(|(first, last, _)| *last < today && since <= *first)
        .filter(|(first, last, _)| !held.iter().any(|h| h.kind == MeetingKind::Plenary && *first <= h.on && h.on <= *last))
        .map(|(_, _, label)| format!("{label} {year}"))
        .collect()
}

/// Months in a calendar year in which a member missed a meeting without reason: three of them
/// are the first ground for striking the name off (24-QĐ/TW point 8.1; "three months in a
/// year" read as a calendar year, not necessarily in a row — rules.md §5.1).
pub fn months_absent_without_reason(attendance: &[(NaiveDate, Presence)], year: i32) -> Vec<Month> {
    let mut months: Vec<Month> =
        attendance.iter().filter(|(on, p)| on.year() == year && *p == Presence::Absent).map(|(on, _)| Month::of(*on)).collect();
    months.sort();
    months.dedup();
    months
}

/// How many months of unexcused absence in a year make the strike-off ground (rules.md §5.1).
pub const ABSENT_MONTHS_FOR_STRIKE_OFF: usize = 3;

/// Who signs the minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signer {
    /// Chủ trì.
    Chair,
    /// Thư ký.
    Secretary,
}

/// A signature on the minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub by: String,
    pub on: NaiveDate,
}

/// A correction to signed minutes: dated, its text, who wrote it. The signed text never changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amendment {
    pub on: NaiveDate,
    pub text: String,
    pub by: String,
}

/// The minutes (biên bản) of a meeting: editable until both the chair and the secretary have
/// signed, then locked; later corrections are dated amendments.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Minutes {
    pub text: String,
    pub chair: Option<Signature>,
    pub secretary: Option<Signature>,
    pub amendments: Vec<Amendment>,
}

impl Minutes {
    /// Signed by both: locked.
    pub fn is_locked(&self) -> bool {
        self.chair.is_some() && self.secretary.is_some()
    }

    /// Replaces the text; a signature given to an earlier text is withdrawn (the signer reads the
    /// new one). Refused once locked.
    pub fn edit(&mut self, text: &str) -> Result<(), FieldError> {
        if self.is_locked() {
            return Err(locked());
        }
        if text.trim().is_empty() {
            return Err(FieldError::new("text", "required", "Biên bản chưa có nội dung."));
        }
        self.text = text.to_owned();
        self.chair = None;
        self.secretary = None;
        Ok(())
    }

    /// Signs as `signer`. Refused on empty minutes, twice for the same role, or once locked.
    pub fn sign(&mut self, signer: Signer, by: &str, on: NaiveDate) -> Result<(), FieldError> {
        if self.is_locked() {
            return Err(locked());
        }
        if self.text.trim().is_empty() {
            return Err(FieldError::new("text", "required", "Biên bản chưa có nội dung để ký."));
        }
        let slot = match signer {
            Signer::Chair => &mut self.chair,
            Signer::Secretary => &mut self.secretary,
        };
        if slot.is_some() {
            return Err(FieldError::new("signer", "already_signed", "Biên bản đã được ký ở vai trò này."));
        }
        *slot = Some(Signature { by: by.to_owned(), on });
        Ok(())
    }

    /// Adds a dated correction to locked minutes (before both signatures the text is edited).
    pub fn amend(&mut self, text: &str, by: &str, on: NaiveDate) -> Result<(), FieldError> {
        if !self.is_locked() {
            return Err(FieldError::new("text", "not_locked", "Biên bản chưa ký xong: sửa trực tiếp nội dung biên bản."));
        }
        if text.trim().is_empty() {
            return Err(FieldError::new("text", "required", "Nội dung đính chính trống."));
        }
        let signed = self.chair.iter().chain(self.secretary.iter()).map(|s| s.on).max().unwrap_or(on);
        if on < signed {
            return Err(FieldError::new(
                "on",
                "before_sign_off",
                format!("Ngày đính chính phải từ ngày ký biên bản ({}) trở đi.", format_vn(signed)),
            ));
        }
        self.amendments.push(Amendment { on, text: text.to_owned(), by: by.to_owned() });
        Ok(())
    }
}

fn locked() -> FieldError {
    FieldError::new("text", "locked", "Biên bản đã được chủ trì và thư ký ký; chỉ thêm được đính chính có ghi ngày.")
}

#[cfg(test)]
mod tests;
