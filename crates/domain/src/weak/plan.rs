//! A consolidation plan (kế hoạch củng cố) for a weak grassroots organization: its measures,
//! each with who is responsible and by when, marked done as they are; closed as consolidated
//! (every measure done) or not yet. Our sources fix no procedure (docs/design/operations.md).

use chrono::NaiveDate;

use crate::ValidationErrors;
use crate::code_list;
use crate::dates::{format_vn, parse_date};
use crate::error::FieldError;
use crate::text::{optional_lines, required_lines, required_text};

code_list!(
    /// Kết quả củng cố.
    PlanOutcome, "Kết quả củng cố", {
        Consolidated = ("da-cung-co", "Đã củng cố, ra khỏi diện yếu kém"),
        NotYet = ("chua-dat", "Chưa đạt, tiếp tục củng cố"),
    }
);

pub const MAX_MEASURE: usize = 2_000;
pub const MAX_RESPONSIBLE: usize = 200;
pub const MAX_NOTE: usize = 2_000;
/// The most measures one plan holds.
pub const MAX_MEASURES: usize = 30;

/// One measure as planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    pub text: String,
    pub responsible: String,
    pub due: NaiveDate,
    pub done: Option<NaiveDate>,
    pub note: Option<String>,
}

/// Reads one measure typed on day `today` (its deadline not in the past).
pub fn parse_measure(text: &str, responsible: &str, due: &str, today: NaiveDate, at: usize) -> Result<Measure, ValidationErrors> {
    let mut e = ValidationErrors::default();
    let field = |name: &str| format!("{name}_{at}");
    let text = e.take(&field("measure"), required_lines(text, MAX_MEASURE, "Biện pháp"));
    let responsible = e.take(&field("responsible"), required_text(responsible, MAX_RESPONSIBLE, "Người chịu trách nhiệm"));
    let due = e.take(&field("due"), parse_date(due));
    if let Some(d) = due
        && d < today
    {
        e.push(&field("due"), "past", format!("Thời hạn phải từ hôm nay ({}) trở đi.", format_vn(today)));
    }
    match (text, responsible, due) {
        (Some(text), Some(responsible), Some(due)) if e.is_empty() => Ok(Measure { text, responsible, due, done: None, note: None }),
        _ => Err(e),
    }
}

/// Marks a measure done on `on` with an optional note; refused twice or before the plan opened.
pub fn complete(measure: &mut Measure, on: NaiveDate, opened: NaiveDate, note: &str) -> Result<(), ValidationErrors> {
    if measure.done.is_some() {
        return Err(ValidationErrors::single("measure", "already", "Biện pháp này đã ghi hoàn thành."));
    }
    if on < opened {
        return Err(ValidationErrors::single(
            "on",
            "before_plan",
            format!("Ngày hoàn thành phải từ ngày lập kế hoạch ({}) trở đi.", format_vn(opened)),
        ));
    }
    let note = optional_lines(note, MAX_NOTE, "Kết quả")
        .map_err(|e| ValidationErrors { errors: vec![FieldError { field: "note".into(), ..e }] })?;
    measure.done = Some(on);
    measure.note = note;
    Ok(())
}

/// Whether the plan may close with `outcome`: consolidated only once every measure is done.
pub fn check_close(measures: &[Measure], outcome: PlanOutcome) -> Result<(), ValidationErrors> {
    if outcome == PlanOutcome::Consolidated && measures.iter().any(|m| m.done.is_none()) {
        return Err(ValidationErrors::single("outcome", "measures_open", "Còn biện pháp chưa hoàn thành: chưa thể kết luận đã củng cố."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::d;

    #[test]
    fn measures_are_read_done_once_and_close_the_plan() {
        let mut m = parse_measure("Kiện toàn cấp ủy", "Đồng chí Bí thư", "31/12/2026", d(2026, 12, 3), 1).unwrap();
        let e = parse_measure("", "", "01/12/2026", d(2026, 12, 3), 2).unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["measure_2", "responsible_2", "due_2"]);
        assert_eq!(check_close(std::slice::from_ref(&m), PlanOutcome::Consolidated).unwrap_err().errors[0].code, "measures_open");
        assert!(check_close(std::slice::from_ref(&m), PlanOutcome::NotYet).is_ok());
        assert_eq!(complete(&mut m, d(2026, 11, 1), d(2026, 12, 1), "").unwrap_err().errors[0].code, "before_plan");
        complete(&mut m, d(2026, 12, 10), d(2026, 12, 1), "Đã bầu bổ sung").unwrap();
        assert_eq!(complete(&mut m, d(2026, 12, 11), d(2026, 12, 1), "").unwrap_err().errors[0].code, "already");
        assert!(check_close(&[m], PlanOutcome::Consolidated).is_ok());
    }
}
