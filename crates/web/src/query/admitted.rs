//! The `admitted` filter of the member list: which admissions of a period a count of the
//! admission report or of the targets page stands for, counted as that page counts them.
//!
//! - `ket-nap` (admissions, readmissions included) and `ket-nap-lai` (readmissions only): the
//!   admission report's counts, in the report's rows (`row`, `structure`);
//! - `ket-nap:nguon:<nguồn>` / `ket-nap:nguon:khong-ro`: one source line (or the unknown);
//!   `ket-nap:nhom:<nhóm>` / `ket-nap:nhom:khong`: one sub-target group line (or none);
//!   `ket-nap:dip` / `ket-nap:dip:<ngày-tháng>`: ceremonies on any occasion of the unit's list, or
//!   on one (`26-3`);
//! - `chi-tieu`, `chi-tieu:<nhóm>`, `chi-tieu:ky-niem[:<ngày-tháng>]`: as the targets page credits
//!   them to the unit ([`storage::Credit`]).

use chrono::NaiveDate;
use domain::FieldError;
use domain::pipeline::{CandidateSource, TargetGroup};
use domain::targets::occasions::{defaults, parse_day_month};
use storage::{AdmittedFilter, Credit, OriginFilter};

/// The prefix of the `admitted` codes that count as the targets page does ([`storage::Credit`]).
pub const CREDIT: &str = "chi-tieu";
/// The `admitted` code of the admissions whose ceremony fell on an occasion (targets page).
pub const CREDIT_ANNIVERSARY: &str = "chi-tieu:ky-niem";
/// The admission report's lines by source, group and occasion: `ket-nap:nguon:…`.
const SOURCE: &str = "ket-nap:nguon";
const GROUP: &str = "ket-nap:nhom";
const OCCASION: &str = "ket-nap:dip";
/// The "unknown source" and "no group" lines.
const UNKNOWN: &str = "khong-ro";
const NO_GROUP: &str = "khong";

/// The `admitted` codes the document lists (occasions: the default ones; those a committee
/// added are accepted the same way).
pub fn admitted_codes() -> Vec<String> {
    let mut codes = vec!["ket-nap".to_owned(), "ket-nap-lai".to_owned(), CREDIT.to_owned(), CREDIT_ANNIVERSARY.to_owned()];
    codes.extend(TargetGroup::ALL.iter().map(|g| format!("{CREDIT}:{}", g.code())));
    codes.extend(defaults().iter().map(|o| credit_occasion_code(&o.code())));
    codes.extend(CandidateSource::ALL.iter().map(|s| source_code(Some(*s))));
    codes.push(source_code(None));
    codes.extend(TargetGroup::ALL.iter().map(|g| group_code(Some(*g))));
    codes.push(group_code(None));
    codes.push(OCCASION.to_owned());
    codes.extend(defaults().iter().map(|o| occasion_code(Some(&o.code()))));
    codes
}

/// The code of the targets page's admissions on the occasion `code` (`chi-tieu:ky-niem:19-5`).
pub fn credit_occasion_code(code: &str) -> String {
    format!("{CREDIT_ANNIVERSARY}:{code}")
}

/// The code of a source line (`None`: unknown).
pub fn source_code(source: Option<CandidateSource>) -> String {
    format!("{SOURCE}:{}", source.map_or(UNKNOWN, |s| s.code()))
}

/// The code of a sub-target group line (`None`: no group).
pub fn group_code(group: Option<TargetGroup>) -> String {
    format!("{GROUP}:{}", group.map_or(NO_GROUP, |g| g.code()))
}

/// The code of the ceremonies on an occasion (`None`: on any).
pub fn occasion_code(occasion: Option<&str>) -> String {
    occasion.map_or_else(|| OCCASION.to_owned(), |c| format!("{OCCASION}:{c}"))
}

/// An `admitted` code over a period.
pub fn parse_admitted(raw: &str, first: NaiveDate, last: NaiveDate) -> Result<AdmittedFilter, FieldError> {
    let raw = raw.trim();
    let invalid = |message: &str| FieldError::new("", "invalid", message);
    let day = |code: &str| parse_day_month(code).ok_or_else(|| invalid("Ngày lễ, kỷ niệm phải có dạng ngày-tháng, ví dụ 19-5."));
    let (mut readmitted_only, mut credit, mut origin) = (false, None, None);
    match raw {
        "ket-nap" => {}
        "ket-nap-lai" => readmitted_only = true,
        CREDIT => credit = Some(Credit::All),
        CREDIT_ANNIVERSARY => credit = Some(Credit::Occasion(None)),
        OCCASION => origin = Some(OriginFilter::Occasion(None)),
        _ => {
            if let Some(code) = raw.strip_prefix(CREDIT_ANNIVERSARY).and_then(|c| c.strip_prefix(':')) {
                credit = Some(Credit::Occasion(Some(day(code)?)));
            } else if let Some(code) = raw.strip_prefix(OCCASION).and_then(|c| c.strip_prefix(':')) {
                origin = Some(OriginFilter::Occasion(Some(day(code)?)));
            } else if let Some(code) = raw.strip_prefix(SOURCE).and_then(|c| c.strip_prefix(':')) {
                let source = if code == UNKNOWN { None } else { Some(CandidateSource::parse(code).map_err(|e| invalid(&e.message))?) };
                origin = Some(OriginFilter::Source(source));
            } else if let Some(code) = raw.strip_prefix(GROUP).and_then(|c| c.strip_prefix(':')) {
                let group = if code == NO_GROUP { None } else { Some(TargetGroup::parse(code).map_err(|e| invalid(&e.message))?) };
                origin = Some(OriginFilter::Group(group));
            } else if let Some(Ok(g)) = raw.strip_prefix(CREDIT).and_then(|g| g.strip_prefix(':')).map(TargetGroup::parse) {
                credit = Some(Credit::Group(g));
            } else {
                return Err(invalid(
                    "Phải là ket-nap (kết nạp, gồm kết nạp lại), ket-nap-lai (chỉ kết nạp lại), ket-nap:nguon:<nguồn>, ket-nap:nhom:<nhóm>, ket-nap:dip[:<ngày-tháng>] hoặc chi-tieu, chi-tieu:<nhóm>, chi-tieu:ky-niem (như trang chỉ tiêu tính).",
                ));
            }
        }
    }
    if last < first {
        return Err(FieldError::new("", "period_reversed", "Ngày cuối kỳ phải sau hoặc trùng ngày đầu kỳ."));
    }
    Ok(AdmittedFilter { readmitted_only, first, last, credit, origin })
}

/// The document's type of the `admitted` filter ([`parse_admitted`]).
pub struct AdmittedCode;

impl utoipa::PartialSchema for AdmittedCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        super::codes_schema(
            admitted_codes(),
            "ket-nap: kết nạp (gồm kết nạp lại); ket-nap-lai: chỉ kết nạp lại; ket-nap:nguon:<nguồn> (khong-ro: không rõ nguồn), ket-nap:nhom:<nhóm> (khong: không thuộc nhóm nào), ket-nap:dip[:<ngày-tháng>]: các dòng theo nguồn, nhóm chỉ tiêu và dịp lễ, kỷ niệm của báo cáo kết nạp (dịp do cấp ủy bổ sung cũng được nhận, ví dụ ket-nap:dip:26-3); chi-tieu: như trang chỉ tiêu tính cho tổ chức (chi bộ và các cấp trên vào ngày quyết định); chi-tieu:<nhóm>: của một nhóm chỉ tiêu; chi-tieu:ky-niem[:<ngày-tháng>]: lễ kết nạp vào dịp lễ, kỷ niệm",
        )
    }
}

impl utoipa::ToSchema for AdmittedCode {}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, 1).unwrap()
    }

    #[test]
    fn the_targets_credit_codes() {
        let credit = |raw: &str| parse_admitted(raw, d(1), d(12)).map(|a| a.credit);
        assert_eq!(credit("ket-nap"), Ok(None));
        assert_eq!(credit("chi-tieu"), Ok(Some(Credit::All)));
        assert_eq!(credit("chi-tieu:ky-niem"), Ok(Some(Credit::Occasion(None))));
        assert_eq!(credit("chi-tieu:ky-niem:19-5"), Ok(Some(Credit::Occasion(Some((19, 5))))));
        assert_eq!(credit("chi-tieu:ky-niem:26-3"), Ok(Some(Credit::Occasion(Some((26, 3))))), "an occasion a committee added");
        assert_eq!(credit("chi-tieu:ky-niem:31-2").unwrap_err().code, "invalid");
        assert_eq!(credit("chi-tieu:hoc-sinh-sinh-vien"), Ok(Some(Credit::Group(TargetGroup::Student))));
        assert_eq!(credit("chi-tieu:khac").unwrap_err().code, "invalid");
        assert_eq!(credit("chi-tieu-x").unwrap_err().code, "invalid");
    }

    #[test]
    fn the_admission_report_lines() {
        let origin = |raw: &str| parse_admitted(raw, d(1), d(12)).map(|a| a.origin);
        assert_eq!(origin("ket-nap:nguon:doan-thanh-nien"), Ok(Some(OriginFilter::Source(Some(CandidateSource::YouthUnion)))));
        assert_eq!(origin("ket-nap:nguon:khong-ro"), Ok(Some(OriginFilter::Source(None))));
        assert_eq!(origin("ket-nap:nhom:khu-dan-cu"), Ok(Some(OriginFilter::Group(Some(TargetGroup::Residential)))));
        assert_eq!(origin("ket-nap:nhom:khong"), Ok(Some(OriginFilter::Group(None))));
        assert_eq!(origin("ket-nap:dip"), Ok(Some(OriginFilter::Occasion(None))));
        assert_eq!(origin("ket-nap:dip:2-9"), Ok(Some(OriginFilter::Occasion(Some((2, 9))))));
        assert_eq!(origin("ket-nap:nguon:x").unwrap_err().code, "invalid");
        assert_eq!(origin("ket-nap:dip:x").unwrap_err().code, "invalid");
        // Every code the document lists is accepted.
        for code in admitted_codes() {
            assert!(parse_admitted(&code, d(1), d(12)).is_ok(), "{code}");
        }
        assert_eq!(admitted_codes().len(), 4 + 2 * TargetGroup::ALL.len() + 2 * defaults().len() + CandidateSource::ALL.len() + 3);
    }
}
