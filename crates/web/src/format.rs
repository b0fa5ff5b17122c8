//! Formatting the Vietnamese way: `1.234.567`, `83,3%`, `dd/mm/yyyy`, "X năm Y tháng"; and the
//! percent-encoding used to build links with query strings.

use chrono::{DateTime, NaiveDate, Utc};

/// Groups digits by thousands with dots: `1234567` → `1.234.567`.
pub fn number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// [`number`] for counts.
pub fn count(n: usize) -> String {
    number(n as u64)
}

/// A share with one decimal and a comma: `5 / 6` → `83,3%`; `–` when the whole is zero.
pub fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "–".to_owned();
    }
    let tenths = (part as u128 * 1000 + whole as u128 / 2) / whole as u128;
    // As committees publish them: `64%`, `81,4%`.
    match tenths % 10 {
        0 => format!("{}%", number((tenths / 10) as u64)),
        d => format!("{},{d}%", number((tenths / 10) as u64)),
    }
}

/// `dd/mm/yyyy`.
/// A file's size: "12 KB", "3,4 MB".
pub fn file_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0).replace('.', ",")
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

pub fn date(d: NaiveDate) -> String {
    domain::dates::format_vn(d)
}

/// The day of the week and the date, as a meeting's invitation gives it: `thứ Năm, 10/12/2026`.
pub fn weekday_date(d: NaiveDate) -> String {
    use chrono::Datelike as _;
    let day = match d.weekday() {
        chrono::Weekday::Mon => "thứ Hai",
        chrono::Weekday::Tue => "thứ Ba",
        chrono::Weekday::Wed => "thứ Tư",
        chrono::Weekday::Thu => "thứ Năm",
        chrono::Weekday::Fri => "thứ Sáu",
        chrono::Weekday::Sat => "thứ Bảy",
        chrono::Weekday::Sun => "Chủ nhật",
    };
    format!("{day}, {}", date(d))
}

/// `dd/mm/yyyy`, or an empty string.
pub fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(date).unwrap_or_default()
}

/// A validity interval: `từ 01/01/2020` or `01/01/2020 – 30/06/2025`.
pub fn validity(from: NaiveDate, to: Option<NaiveDate>) -> String {
    match to {
        None => format!("từ {}", date(from)),
        // `to` is exclusive: the last day of validity is the day before.
        Some(t) => format!("{} – {}", date(from), date(t.pred_opt().unwrap_or(t))),
    }
}

/// An instant in Vietnam time: `25/11/2026 10:00`.
pub fn instant(t: DateTime<Utc>) -> String {
    (t + chrono::Duration::hours(7)).format("%d/%m/%Y %H:%M").to_string()
}

/// A duration in months as "X năm Y tháng" (omitting a zero part, "0 tháng" for nothing).
pub fn years_months(months: u32) -> String {
    let (y, m) = (months / 12, months % 12);
    match (y, m) {
        (0, m) => format!("{m} tháng"),
        (y, 0) => format!("{y} năm"),
        (y, m) => format!("{y} năm {m} tháng"),
    }
}

/// Percent-encodes a query-string component (RFC 3986 unreserved characters are kept).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Builds `?a=1&b=x` from the non-empty pairs (empty string when none).
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> =
        pairs.iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| format!("{}={}", encode(k), encode(v.trim()))).collect();
    if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
}

/// A link: `path` and the query string of the non-empty pairs ([`query_string`]).
pub fn href(path: &str, pairs: &[(&str, &str)]) -> String {
    format!("{path}{}", query_string(pairs))
}

/// A QR code of `text` as inline SVG markup (for the second-factor enrolment: phones scan the
/// `otpauth://` address instead of typing the secret). Empty when the text cannot be encoded.
pub fn qr_svg(text: &str) -> String {
    let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else { return String::new() };
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).build();
    // Inline in HTML: drop the XML declaration and label the image for screen readers.
    match svg.find("<svg") {
        Some(start) => svg[start..].replacen("<svg", r#"<svg role="img" aria-label="Mã QR để thêm tài khoản vào ứng dụng xác thực""#, 1),
        None => String::new(),
    }
}

/// A number with at most one decimal and a comma: `64`, `81,4`.
pub fn decimal(x: f64) -> String {
    let tenths = (x * 10.0).round() as i64;
    let (whole, tenth) = (tenths / 10, (tenths % 10).abs());
    let whole = if whole < 0 { format!("-{}", number(whole.unsigned_abs())) } else { number(whole as u64) };
    if tenth == 0 { whole } else { format!("{whole},{tenth}") }
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimals_the_vietnamese_way() {
        assert_eq!((super::decimal(64.0), super::decimal(81.44), super::decimal(1234.5)), ("64".into(), "81,4".into(), "1.234,5".into()));
    }

    #[test]
    fn qr_codes_are_inline_svg() {
        let svg = super::qr_svg("otpauth://totp/%C4%90%E1%BA%A3ng%20v%E1%BB%A5:an?secret=JBSWY3DPEHPK3PXP&issuer=x");
        assert!(svg.starts_with(r#"<svg role="img""#) && svg.contains("<path") && svg.ends_with("</svg>"), "{svg}");
        assert!(!svg.contains("<?xml"));
    }

    use super::*;

    #[test]
    fn groups_thousands_with_dots() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(1000), "1.000");
        assert_eq!(number(12345), "12.345");
        assert_eq!(number(1234567), "1.234.567");
        assert_eq!(number(100000000), "100.000.000");
        assert_eq!(count(5_200_000), "5.200.000");
    }

    #[test]
    fn percents_use_a_decimal_comma() {
        assert_eq!(percent(5, 6), "83,3%");
        assert_eq!(percent(1, 1), "100%");
        assert_eq!(percent(0, 7), "0%");
        assert_eq!(percent(64, 100), "64%");
        assert_eq!(percent(814, 1000), "81,4%");
        assert_eq!(percent(1, 0), "–");
    }

    #[test]
    fn dates_and_durations() {
        let d = NaiveDate::from_ymd_opt(2025, 9, 2).unwrap();
        assert_eq!(date(d), "02/09/2025");
        assert_eq!(opt_date(None), "");
        assert_eq!(validity(d, None), "từ 02/09/2025");
        assert_eq!(validity(d, NaiveDate::from_ymd_opt(2026, 1, 1)), "02/09/2025 – 31/12/2025");
        assert_eq!(years_months(0), "0 tháng");
        assert_eq!(years_months(11), "11 tháng");
        assert_eq!(years_months(24), "2 năm");
        assert_eq!(years_months(151), "12 năm 7 tháng");
        let t = DateTime::parse_from_rfc3339("2026-11-25T03:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(instant(t), "25/11/2026 10:00");
    }

    #[test]
    fn encodes_query_strings() {
        assert_eq!(encode("Nguyễn An"), "Nguy%E1%BB%85n%20An");
        assert_eq!(encode("a&b=c/d"), "a%26b%3Dc%2Fd");
        assert_eq!(query_string(&[("q", "an"), ("unit", ""), ("page", "2")]), "?q=an&page=2");
        assert_eq!(query_string(&[("q", " ")]), "");
        assert_eq!(href("/members", &[("unit", "5"), ("as_of", "")]), "/members?unit=5");
        assert_eq!(href("/reports/counts", &[]), "/reports/counts");
    }
}
