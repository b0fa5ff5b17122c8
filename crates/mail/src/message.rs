//! A plain-text message as the bytes sent after SMTP `DATA`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};

/// A sender or recipient: a display name (any Unicode) and an address. The address must already
/// be checked (`domain::notifications::EmailAddress`): it is written as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: String,
    pub address: String,
}

/// A plain-text e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub from: Mailbox,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub date: DateTime<Utc>,
    /// Unique per message: `<local@domain>` without the angle brackets.
    pub message_id: String,
}

impl Message {
    /// The message with CRLF line ends, headers encoded for 7-bit transport, the body in base64
    /// lines of 76 characters. Carriage returns and line feeds inside header values are replaced
    /// by spaces, so no value can add a header.
    pub fn to_wire(&self) -> String {
        let mut out = String::new();
        let mut header = |name: &str, value: &str| {
            out.push_str(name);
            out.push_str(": ");
            out.push_str(value);
            out.push_str("\r\n");
        };
        header("Date", &self.date.to_rfc2822());
        header("From", &format!("{} <{}>", encode_word(&self.from.name), one_line(&self.from.address)));
        header("To", &format!("<{}>", one_line(&self.to)));
        header("Subject", &encode_word(&self.subject));
        header("Message-ID", &format!("<{}>", one_line(&self.message_id)));
        header("MIME-Version", "1.0");
        header("Content-Type", "text/plain; charset=utf-8");
        header("Content-Transfer-Encoding", "base64");
        header("Auto-Submitted", "auto-generated");
        out.push_str("\r\n");
        let body = self.body.replace("\r\n", "\n").replace('\n', "\r\n");
        let encoded = STANDARD.encode(body.as_bytes());
        for chunk in encoded.as_bytes().chunks(76) {
            out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
            out.push_str("\r\n");
        }
        out
    }
}

fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

/// A header value: as it is when plain printable ASCII, otherwise RFC 2047 encoded words
/// (`=?UTF-8?B?…?=`) of at most 45 bytes of text each, cut between characters, folded.
fn encode_word(s: &str) -> String {
    let s = one_line(s);
    if s.chars().all(|c| c.is_ascii_graphic() || c == ' ') && !s.contains("=?") {
        return s;
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in s.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", STANDARD.encode(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", STANDARD.encode(chunk.as_bytes())));
    }
    words.join("\r\n ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(subject: &str, body: &str) -> Message {
        Message {
            from: Mailbox { name: "Đảng vụ".into(), address: "dangvu@tinhuy.vn".into() },
            to: "bithu@xa.vn".into(),
            subject: subject.into(),
            body: body.into(),
            date: "2026-12-03T08:00:00Z".parse().unwrap(),
            message_id: "n42.1764748800@dangvu".into(),
        }
    }

    fn decode_words(v: &str) -> String {
        v.split("\r\n ")
            .map(|w| {
                let b64 = w.strip_prefix("=?UTF-8?B?").and_then(|w| w.strip_suffix("?=")).unwrap();
                String::from_utf8(STANDARD.decode(b64).unwrap()).unwrap()
            })
            .collect()
    }

    #[test]
    fn vietnamese_subjects_are_encoded_words_that_decode_back() {
        let subject = "Kế hoạch số 12-KH/TU: Kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên năm 2026";
        let wire = message(subject, "x").to_wire();
        let line = wire.split("\r\nSubject: ").nth(1).unwrap();
        let value = &line[..line.find("\r\nMessage-ID").unwrap()];
        for word in value.split("\r\n ") {
            assert!(word.len() <= 75, "an encoded word is at most 75 characters: {word}");
        }
        assert_eq!(decode_words(value), subject);
    }

    #[test]
    fn plain_ascii_stays_readable_and_line_breaks_cannot_add_headers() {
        let wire = message("Hello\r\nBcc: victim@x.vn", "x").to_wire();
        assert!(wire.contains("\r\nSubject: Hello  Bcc: victim@x.vn\r\n"));
        assert!(!wire.contains("\r\nBcc:"));
        assert!(wire.starts_with("Date: Thu, 3 Dec 2026 08:00:00 +0000\r\n"));
        assert!(wire.contains("\r\nFrom: =?UTF-8?B?"));
        assert!(wire.contains(" <dangvu@tinhuy.vn>\r\n"));
    }

    #[test]
    fn the_body_is_base64_in_short_lines_with_crlf() {
        let body = "Chi bộ thôn Tân Phú sinh hoạt thường kỳ.\nNội dung: kiểm điểm.\n".repeat(10);
        let wire = message("x", &body).to_wire();
        let (_, encoded) = wire.split_once("\r\n\r\n").unwrap();
        assert!(encoded.lines().all(|l| l.trim_end().len() <= 76));
        let joined: String = encoded.split("\r\n").collect();
        let decoded = String::from_utf8(STANDARD.decode(joined).unwrap()).unwrap();
        assert_eq!(decoded, body.replace('\n', "\r\n"));
    }
}
