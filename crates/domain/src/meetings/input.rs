//! A meeting, a resolution and a member's attendance as typed in a form, a body or on the command
//! line, checked.

use chrono::{NaiveDate, NaiveTime, TimeDelta};

use super::{MeetingKind, Presence, Threshold, Vote};
use crate::ValidationErrors;
use crate::dates::{format_vn, parse_date};
use crate::error::FieldError;
use crate::text::{optional_text, required_lines, required_text};

/// The longest a meeting may last, in minutes (a whole day).
pub const MAX_LENGTH: u32 = 24 * 60;
/// How far ahead a meeting may be scheduled.
pub const MAX_DAYS_AHEAD: i64 = 366;
pub const MAX_PLACE: usize = 300;
pub const MAX_AGENDA: usize = 5_000;
pub const MAX_REASON: usize = 300;
pub const MAX_RESOLUTION: usize = 5_000;
/// The most members a count of votes may hold (far above any chi bộ).
pub const MAX_VOTES: u32 = 100_000;

/// A meeting as scheduled or recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingInput {
    pub kind: MeetingKind,
    pub held_on: NaiveDate,
    pub starts_at: NaiveTime,
    /// How long it lasted (`None`: not yet held, or not written down).
    pub length_minutes: Option<u32>,
    pub place: String,
    pub agenda: String,
}

/// A meeting's fields as typed.
#[derive(Debug, Clone, Default)]
pub struct MeetingFields<'a> {
    pub kind: &'a str,
    pub held_on: &'a str,
    /// "19:30" (also "19h30", "19.30").
    pub starts_at: &'a str,
    pub length_minutes: &'a str,
    pub place: &'a str,
    pub agenda: &'a str,
}

/// Reads a time of day: "19:30", "19h30", "19.30", "7:05".
pub fn parse_time(typed: &str) -> Result<NaiveTime, FieldError> {
    let t = typed.trim().to_lowercase().replace(['h', '.'], ":");
    let t = t.trim_end_matches(':');
    let parsed = match t.split_once(':') {
        Some((h, m)) => h.parse::<u32>().ok().zip(m.parse::<u32>().ok()),
        None => t.parse::<u32>().ok().map(|h| (h, 0)),
    };
    parsed
        .and_then(|(h, m)| NaiveTime::from_hms_opt(h, m, 0))
        .ok_or_else(|| FieldError::new("starts_at", "invalid", "Giờ bắt đầu viết theo dạng giờ:phút, ví dụ 19:30."))
}

impl MeetingInput {
    /// Checks every field, reporting every problem at once; a meeting more than a year ahead is
    /// refused (a typing slip).
    pub fn parse(f: &MeetingFields<'_>, today: NaiveDate) -> Result<MeetingInput, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let kind = e.take("kind", MeetingKind::parse(f.kind.trim()));
        let held_on = e.take("held_on", parse_date(f.held_on));
        if let Some(day) = held_on
            && day > today + TimeDelta::days(MAX_DAYS_AHEAD)
        {
            e.push("held_on", "too_far", format!("Ngày họp không được sau {}.", format_vn(today + TimeDelta::days(MAX_DAYS_AHEAD))));
        }
        let starts_at = e.take("starts_at", parse_time(f.starts_at));
        let length_minutes = match f.length_minutes.trim() {
            "" => None,
            n => match n.parse::<u32>() {
                Ok(n) if (1..=MAX_LENGTH).contains(&n) => Some(n),
                _ => {
                    e.push("length_minutes", "invalid", format!("Thời lượng là số phút, từ 1 đến {MAX_LENGTH}."));
                    None
                }
            },
        };
        let place = e.take("place", required_text(f.place, MAX_PLACE, "Địa điểm"));
        let agenda = e.take("agenda", required_lines(f.agenda, MAX_AGENDA, "Nội dung, chương trình"));
        match (kind, held_on, starts_at, place, agenda) {
            (Some(kind), Some(held_on), Some(starts_at), Some(place), Some(agenda)) if e.is_empty() => {
                Ok(MeetingInput { kind, held_on, starts_at, length_minutes, place, agenda })
            }
            _ => Err(e),
        }
    }

    /// Shorter than Hướng dẫn 42-HD/BTCTW asks (rules.md §9): shown, never refused — the
    /// record says what happened.
    pub fn too_short(&self) -> bool {
        match (self.length_minutes, self.kind.minimum_minutes(self.held_on)) {
            (Some(len), Some(min)) => len < min,
            _ => false,
        }
    }
}

/// A resolution put to the vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolutionInput {
    pub text: String,
    pub threshold: Threshold,
    pub vote: Vote,
}

/// Reads a resolution: its text, the majority it needs, and the count (for, against, abstain).
pub fn parse_resolution(text: &str, threshold: &str, yes: &str, no: &str, abstain: &str) -> Result<ResolutionInput, ValidationErrors> {
    let mut e = ValidationErrors::default();
    let text = e.take("text", required_lines(text, MAX_RESOLUTION, "Nội dung nghị quyết"));
    let threshold = e.take("threshold", Threshold::parse(threshold.trim()));
    let mut count = |field: &str, typed: &str| -> u32 {
        match typed.trim() {
            "" => 0,
            t => match t.parse::<u32>() {
                Ok(n) if n <= MAX_VOTES => n,
                _ => {
                    e.push(field, "invalid", "Số phiếu là số nguyên không âm.");
                    0
                }
            },
        }
    };
    let vote = Vote { yes: count("yes", yes), no: count("no", no), abstain: count("abstain", abstain) };
    match (text, threshold) {
        (Some(text), Some(threshold)) if e.is_empty() => Ok(ResolutionInput { text, threshold, vote }),
        _ => Err(e),
    }
}

/// One member's attendance as recorded: excused needs its reason.
pub fn check_attendance(presence: Presence, reason: &str) -> Result<Option<String>, FieldError> {
    let reason = optional_text(reason, MAX_REASON, "Lý do vắng")?;
    match (presence, reason) {
        (Presence::Excused, None) => Err(FieldError::new("reason", "required", "Vắng có lý do: ghi lý do.")),
        (Presence::Present, Some(_)) => Ok(None),
        (_, reason) => Ok(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::d;

    fn fields<'a>() -> MeetingFields<'a> {
        MeetingFields {
            kind: "thuong-ky",
            held_on: "05/12/2026",
            starts_at: "19h30",
            length_minutes: "95",
            place: "Nhà văn hóa thôn Đông",
            agenda: "Đánh giá tháng 11, nhiệm vụ tháng 12.",
        }
    }

    #[test]
    fn a_meeting_is_read_with_its_time_and_length() {
        let m = MeetingInput::parse(&fields(), d(2026, 12, 3)).unwrap();
        assert_eq!(
            (m.kind, m.held_on, m.starts_at, m.length_minutes),
            (MeetingKind::Regular, d(2026, 12, 5), NaiveTime::from_hms_opt(19, 30, 0).unwrap(), Some(95))
        );
        assert!(!m.too_short());
        let short = MeetingInput::parse(&MeetingFields { length_minutes: "60", ..fields() }, d(2026, 12, 3)).unwrap();
        assert!(short.too_short(), "90 minutes since 28/10/2025");
        let before =
            MeetingInput::parse(&MeetingFields { held_on: "05/12/2024", length_minutes: "60", ..fields() }, d(2026, 12, 3)).unwrap();
        assert!(!before.too_short(), "no minimum before the guidance");
    }

    #[test]
    fn every_problem_of_a_meeting_is_reported() {
        let bad = MeetingFields { kind: "hop", held_on: "05/12/2028", starts_at: "25:00", length_minutes: "0", place: "", agenda: "" };
        let got: Vec<(String, &str)> =
            MeetingInput::parse(&bad, d(2026, 12, 3)).unwrap_err().errors.into_iter().map(|e| (e.field, e.code)).collect();
        for field in ["kind", "held_on", "starts_at", "length_minutes", "place", "agenda"] {
            assert!(got.iter().any(|(f, _)| f == field), "{field} in {got:?}");
        }
        for (typed, ok) in [("7:05", true), ("19.30", true), ("19", true), ("19:60", false), ("bảy giờ", false)] {
            assert_eq!(parse_time(typed).is_ok(), ok, "{typed}");
        }
    }

    #[test]
    fn resolutions_and_attendance_are_checked() {
        let r = parse_resolution("Thông qua nghị quyết tháng 12", "qua-nua", "10", "1", "").unwrap();
        assert_eq!(r.vote, Vote { yes: 10, no: 1, abstain: 0 });
        let e = parse_resolution("", "ba-phan-tu", "-1", "x", "1").unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["text", "threshold", "yes", "no"]);
        assert_eq!(check_attendance(Presence::Excused, " ").unwrap_err().code, "required");
        assert_eq!(check_attendance(Presence::Excused, "Ốm").unwrap(), Some("Ốm".into()));
        assert_eq!(check_attendance(Presence::Present, "Ốm").unwrap(), None);
    }
}
