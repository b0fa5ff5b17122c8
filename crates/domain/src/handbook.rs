//! The member's handbook (Sổ tay đảng viên, rules.md §14): who is given an account, the one-time
//! activation code a chi bộ hands out, and how long it lasts (docs/design/handbook.md).
//!
//! Accounts are created for a whole subtree from the register. An account starts without a
//! password: the member opens it once with the code printed on their slip and sets their own.
//! A code carries 60 random bits, so (like API tokens) it is stored as its SHA-256 digest, not
//! under Argon2: half a million accounts are created in seconds. Guessing is further bounded by
//! the throttle on activation attempts and by the code's expiry.

use chrono::{DateTime, Duration, Utc};

use crate::error::FieldError;
use crate::history::Status;

/// Characters of a code: Crockford's base32 (no I, L, O, U), read aloud and typed without
/// confusion.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters in a code: 12 × 5 = 60 random bits (the issue asks for at least 50).
pub const CODE_LEN: usize = 12;

/// A one-time activation code (mã kích hoạt), normalized: 12 characters of [`ALPHABET`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivationCode(String);

impl ActivationCode {
    /// The code made of the first 60 bits of `random` (8 bytes from the operating system).
    pub fn from_random(random: [u8; 8]) -> ActivationCode {
        let bits = u64::from_be_bytes(random);
        let text = (0..CODE_LEN)
            .map(|i| {
                // Character i takes bits 63-5i down to 59-5i (the top 60 bits).
                let shift = 59 - 5 * i;
                let index = usize::try_from((bits >> shift) & 0x1f).unwrap_or(0);
                char::from(ALPHABET[index])
            })
            .collect();
        ActivationCode(text)
    }

    /// A code as typed: any case, with spaces or dashes between groups; the letters read as
    /// digits (O as 0, I and L as 1) are taken as those digits.
    pub fn parse(typed: &str) -> Result<ActivationCode, FieldError> {
        let mut out = String::with_capacity(CODE_LEN);
        for c in typed.chars() {
            let c = match c.to_ascii_uppercase() {
                ' ' | '-' | '\u{a0}' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
                return Err(invalid_code());
            }
            out.push(c);
        }
        if out.len() == CODE_LEN { Ok(ActivationCode(out)) } else { Err(invalid_code()) }
    }

    /// The normalized text (what the stored digest covers).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code in three groups of four, as printed on the slip: `ABCD-EFGH-JKMN`.
    pub fn grouped(&self) -> String {
        let b = self.0.as_bytes();
        b.chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
    }
}

fn invalid_code() -> FieldError {
    FieldError::new("code", "invalid_code", "Mã kích hoạt gồm 12 ký tự (chữ và số) như in trên phiếu.")
}

/// How long a code may be used (configuration file, `[handbook]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivationSettings {
    /// Days from issue; the chi bộ issues a new code after that.
    pub valid_days: u32,
}

impl Default for ActivationSettings {
    fn default() -> Self {
        ActivationSettings { valid_days: 30 }
    }
}

impl ActivationSettings {
    /// Between one day and a year.
    pub fn check(&self) -> Result<(), FieldError> {
        if (1..=365).contains(&self.valid_days) {
            Ok(())
        } else {
            Err(FieldError::new("valid_days", "out_of_range", "Thời hạn của mã kích hoạt là từ 1 đến 365 ngày."))
        }
    }

    /// The instant a code issued at `issued` stops working.
    pub fn expires(&self, issued: DateTime<Utc>) -> DateTime<Utc> {
        issued + Duration::days(i64::from(self.valid_days))
    }
}

/// Whether a member is given a handbook account when accounts are created for a subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// Official and probationary members use the handbook (Quy định 339-QĐ/TW, rules.md §14).
    Always,
    /// Members exempt from work and activities are not among its users; the chi bộ may still
    /// give them one (the choice, left to the person creating accounts).
    IfChosen,
    /// Not on a list: no account.
    Never,
}

/// The offer for a member with `status` on the day accounts are created.
pub fn offer(status: Status) -> Offer {
    match status {
        Status::Official | Status::Probationary => Offer::Always,
        Status::Exempt => Offer::IfChosen,
        _ => Offer::Never,
    }
}

/// The user name of a member's handbook account: their citizen identity number, which the
/// member knows and which the register keeps unique (`hb-` and the record's number when the
/// name is already someone else's).
pub fn username_for(citizen_id: &str, member: i64, taken: impl Fn(&str) -> bool) -> String {
    let id = citizen_id.trim().to_ascii_lowercase();
    if id.len() >= 3 && id.chars().all(|c| c.is_ascii_alphanumeric()) && !taken(&id) { id } else { format!("hb-{member}") }
}

/// A member's answer to their chi bộ's invitation (the handbook's "I will attend / I can't,
/// because…"): the secretary sees the answers while preparing the meeting. It records an
/// intention; attendance itself is what the secretary records at the meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Attend,
    /// Cannot attend, and why: the chi bộ judges whether the reason excuses the absence
    /// (rules.md §9: absence with a reason is reported to the chi bộ beforehand).
    Absent {
        reason: String,
    },
}

impl Reply {
    /// The reply as the form sends it: `attend`, or `absent` with a reason (required).
    pub fn parse(answer: &str, reason: &str) -> Result<Reply, FieldError> {
        match answer {
            "attend" => Ok(Reply::Attend),
            "absent" => crate::text::required_text_in(reason, crate::text::Lines::Multi, 500, "Lý do vắng mặt")
                .map(|reason| Reply::Absent { reason })
                .map_err(|e| FieldError { field: "reason".into(), ..e }),
            _ => Err(FieldError::new("answer", "invalid", "Chọn sẽ dự họp hoặc xin vắng mặt.")),
        }
    }

    pub fn attending(&self) -> bool {
        matches!(self, Reply::Attend)
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            Reply::Attend => None,
            Reply::Absent { reason } => Some(reason),
        }
    }
}

/// Whether a member may still answer on `today` a meeting held on `held_on`: until the day of
/// the meeting, and not once its attendance is recorded (then the record is what counts).
pub fn check_reply(today: chrono::NaiveDate, held_on: chrono::NaiveDate, attendance_recorded: bool) -> Result<(), FieldError> {
    if attendance_recorded || today > held_on {
        Err(FieldError::new("answer", "meeting_past", "Cuộc họp đã diễn ra: không còn báo dự họp hay xin vắng được nữa."))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
