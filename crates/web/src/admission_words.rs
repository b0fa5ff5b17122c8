//! The admission report in the committees' words: the sentence they publish ("Trong 3 năm
//! (2020–2022) kết nạp được N đảng viên trên tổng số M chỉ tiêu, vượt chỉ tiêu; trong đó …") and
//! the lines of the targets and terms, for the page, the downloads and the CLI.

use domain::pipeline::CandidateSource;
use storage::{AdmissionReport, PeriodTargetView, TermProgress};

use crate::format;

/// The sources that are mass organizations: their members are "đoàn viên, hội viên ưu tú do các
/// đoàn thể giới thiệu".
const MASS_ORGANIZATIONS: [CandidateSource; 5] = [
    CandidateSource::YouthUnion,
    CandidateSource::TradeUnion,
    CandidateSource::WomenUnion,
    CandidateSource::Veterans,
    CandidateSource::OtherMassOrganization,
];

/// "vượt chỉ tiêu", "đạt 64% chỉ tiêu" or nothing without a complete target.
fn progress_words(admitted: u64, target: &PeriodTargetView) -> Option<String> {
    let t = u64::from(target.target?);
    if !target.missing_years.is_empty() || t == 0 {
        return None;
    }
    Some(match admitted.cmp(&t) {
        std::cmp::Ordering::Greater => format!("đạt {}, vượt chỉ tiêu", format::percent(admitted as usize, t as usize)),
        std::cmp::Ordering::Equal => "đạt 100% chỉ tiêu".to_owned(),
        std::cmp::Ordering::Less => format!("đạt {} chỉ tiêu", format::percent(admitted as usize, t as usize)),
    })
}

/// The sentence a committee publishes, from the report's figures.
pub fn sentence(r: &AdmissionReport) -> String {
    let n = r.total.admitted;
    let when = format!("Từ {} đến {}", format::date(r.first), format::date(r.last));
    let mut out = format!("{when} kết nạp được {} đảng viên", format::number(n));
    if let Some(t) = r.target.target {
        out.push_str(&format!(" trên tổng số {} chỉ tiêu ({})", format::number(u64::from(t)), r.target.label));
        if let Some(p) = progress_words(n, &r.target) {
            out.push_str(", ");
            out.push_str(&p);
        }
    } else {
        out.push_str(&format!(" ({})", r.target.label));
    }
    let introduced: u64 = r.sources.iter().filter(|l| l.source.is_some_and(|s| MASS_ORGANIZATIONS.contains(&s))).map(|l| l.admitted).sum();
    out.push_str(&format!(
        "; trong đó {} nữ, {} đoàn viên; {} đồng chí được xem xét kết nạp từ danh sách đoàn viên, hội viên ưu tú do các đoàn thể giới thiệu; {} trường hợp kết nạp nhân các ngày lễ, kỷ niệm.",
        format::number(r.total.women),
        format::number(r.total.youth_union),
        format::number(introduced),
        format::number(r.occasions.on_occasions),
    ));
    out
}

/// A period target in a cell: "120", "75 (thiếu năm 2021)", or "–".
pub fn target_cell(t: Option<&PeriodTargetView>) -> String {
    let Some(t) = t else { return "–".to_owned() };
    match (t.target, t.missing_years.as_slice()) {
        (None, _) => "–".to_owned(),
        (Some(n), []) => format::number(u64::from(n)),
        (Some(n), missing) => {
            let years: Vec<String> = missing.iter().map(i32::to_string).collect();
            format!("{} (thiếu năm {})", format::number(u64::from(n)), years.join(", "))
        }
    }
}

/// Progress against a period target: "64%", or "–" when the target is missing or incomplete.
pub fn progress_cell(t: Option<&PeriodTargetView>) -> String {
    t.and_then(|t| t.percent).map_or_else(|| "–".to_owned(), |p| format!("{}%", format::decimal(p)))
}

/// A term as a line: "Nhiệm kỳ 2020–2025 (15/10/2020 – 14/10/2025): chỉ tiêu 500 (kế thừa …);
/// từ 01/01/2021 đến 31/12/2022 kết nạp 320, đạt 64%".
pub fn term_line(t: &TermProgress) -> String {
    let mut out = format!("{} ({} – {})", t.label, format::date(t.first), format::date(t.last));
    match t.target {
        Some(n) => out.push_str(&format!(": chỉ tiêu nhiệm kỳ {}", format::number(u64::from(n)))),
        None => out.push_str(": chưa đặt chỉ tiêu nhiệm kỳ"),
    }
    if !t.inherited_from.is_empty() {
        let from: Vec<String> = t
            .inherited_from
            .iter()
            .map(|i| match i.target {
                Some(n) => format!("{} ({})", i.unit.name, format::number(u64::from(n))),
                None => format!("{} (chưa đặt)", i.unit.name),
            })
            .collect();
        out.push_str(&format!(", kế thừa từ {}", from.join(", ")));
    }
    if let Some(cut) = t.cut_on {
        out.push_str(&format!(", theo dõi đến ngày {} (sắp xếp tổ chức)", format::date(cut.pred_opt().unwrap_or(cut))));
    }
    let span = if t.whole_term {
        "cả nhiệm kỳ".to_owned()
    } else {
        format!("từ {} đến {}", format::date(t.counted_from), format::date(t.counted_to))
    };
    out.push_str(&format!("; {span} kết nạp {}", format::number(t.admitted)));
    if let Some(p) = t.percent {
        out.push_str(&format!(", đạt {}%", format::decimal(p)));
    }
    out
}
