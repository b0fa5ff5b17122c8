//! Query-string parameters shared by pages and the API: the "as of" date, page numbers, units,
//! years, the member filters and the reports' parameters ([`reports`]). Every parameter arrives
//! as text (so a wrong value never becomes axum's plain text rejection) and is parsed here with
//! Vietnamese messages, all problems collected.

pub mod admitted;
pub mod export;
pub mod quality;
pub mod reports;

pub use admitted::{AdmittedCode, CREDIT, CREDIT_ANNIVERSARY, admitted_codes, credit_occasion_code, parse_admitted};

use chrono::{Datelike, NaiveDate};
use domain::dates::{AgeBand, parse_date};
use domain::history::Status;
use domain::ids::UnitId;
use domain::member::Gender;
use domain::stats::{Facet, Structure};
use domain::{FieldError, ValidationErrors};
use serde::Deserialize;
use storage::{MemberQuery, StatusFilter};

use crate::error::AppError;
use crate::format;

/// The pattern of a date as pages and the API accept it: `YYYY-MM-DD`, or the Vietnamese
/// `dd/mm/yyyy` (`-` or `.` may stand for `/`). A date of that shape that is not in the calendar,
/// or that a rule refuses, is a 422 on its field.
pub const DATE_PATTERN: &str = r"^([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4})$";

/// Whether `s` has the shape of [`DATE_PATTERN`].
pub fn has_date_shape(s: &str) -> bool {
    let digits = |p: &str, min: usize, max: usize| (min..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    if let [y, m, d] = s.split('-').collect::<Vec<_>>().as_slice()
        && digits(y, 4, 4)
        && digits(m, 2, 2)
        && digits(d, 2, 2)
    {
        return true;
    }
    matches!(s.split(['/', '.', '-']).collect::<Vec<_>>().as_slice(), [d, m, y] if digits(d, 1, 2) && digits(m, 1, 2) && digits(y, 4, 4))
}

/// One parameter's problem as the answer to the request, under the parameter's name (a 400, or a
/// 422 for a rule: [`AppError::bad_query`]).
pub fn param<T>(field: &str, parsed: Result<T, FieldError>) -> Result<T, AppError> {
    parsed.map_err(|e| AppError::bad_query(ValidationErrors::single(field, e.code, e.message)))
}

/// Members per page when the request does not say.
pub const DEFAULT_PER_PAGE: usize = 50;
/// The most members one page may ask for.
pub const MAX_PER_PAGE: usize = 500;
/// The most members a page may skip, `(page − 1) × per_page`: well above any register (the Party
/// has about 5,7 million members), far below where the arithmetic could overflow.
pub const MAX_OFFSET: usize = 100_000_000;
/// The highest page number a list may ask for (documented in the OpenAPI document); with
/// [`MAX_PER_PAGE`] the offset stays within [`MAX_OFFSET`], which [`check_offset`] enforces for
/// every page size.
pub const MAX_PAGE: usize = 100_000;

/// A date in a query string: blank (empty, or only white space) means the parameter's default;
/// otherwise the documented shape ([`QueryDate`]) is checked (`invalid_format`, a 400) and the
/// calendar read by `parse_date` (`invalid_date`, a 422).
pub fn parse_query_date(raw: &str) -> Result<Option<NaiveDate>, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        Ok(None)
    } else if !has_date_shape(s) {
        Err(FieldError::new(
            "",
            "invalid_format",
            "Ngày phải có dạng ngày/tháng/năm, ví dụ 02/09/2025 (cũng nhận 2/9/2025, 02.09.2025, 02-09-2025).",
        ))
    } else {
        parse_date(s).map(Some)
    }
}

/// The `as_of` date: blank means today.
pub fn parse_as_of(raw: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    parse_query_date(raw).map(|d| d.unwrap_or(today))
}

/// A 1-based page number: empty means 1; at most [`MAX_PAGE`].
pub fn parse_page(raw: &str) -> Result<usize, FieldError> {
    positive(raw, 1, MAX_PAGE, "Số trang")
}

/// A page number and page size whose offset stays within [`MAX_OFFSET`] (checked, so a huge
/// page number is refused instead of wrapping around to some other page).
pub fn check_offset(page: usize, per_page: usize) -> Result<(), FieldError> {
    match page.checked_sub(1).and_then(|p| p.checked_mul(per_page)) {
        Some(offset) if offset <= MAX_OFFSET => Ok(()),
        _ => Err(FieldError::new(
            "",
            "out_of_range",
            format!("Số trang quá lớn: (số trang − 1) × số dòng mỗi trang không được vượt quá {}.", format::count(MAX_OFFSET)),
        )),
    }
}

fn positive(raw: &str, default: usize, max: usize, label: &str) -> Result<usize, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(default);
    }
    match s.parse::<usize>() {
        Ok(n) if n >= 1 && n <= max => Ok(n),
        _ => Err(FieldError::new("", "invalid_format", format!("{label} phải là số nguyên từ 1 đến {}.", format::count(max)))),
    }
}

/// A unit id in a query string: empty means none.
pub fn parse_optional_unit(raw: &str) -> Result<Option<UnitId>, FieldError> {
    if raw.trim().is_empty() { Ok(None) } else { domain::event::parse_unit_id(raw).map(Some) }
}

/// A year in a query string: this year when empty, otherwise 2000–2100.
pub fn parse_year(raw: &str, today: NaiveDate) -> Result<i32, FieldError> {
    if raw.trim().is_empty() {
        return Ok(today.year());
    }
    raw.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| FieldError::new("", "out_of_range", "Năm phải là số trong khoảng 2000–2100."))
}

/// `active` (default: on the register), `all`, or a [`Status`] code.
pub fn parse_status_filter(raw: &str) -> Result<StatusFilter, FieldError> {
    match raw.trim() {
        "" | "active" => Ok(StatusFilter::Active),
        "all" => Ok(StatusFilter::All),
        code => Status::parse(code).map(StatusFilter::Only),
    }
}

/// The code of a status filter (the inverse of [`parse_status_filter`]).
pub fn status_filter_code(f: StatusFilter) -> &'static str {
    match f {
        StatusFilter::Active => "active",
        StatusFilter::All => "all",
        StatusFilter::Only(s) => s.code(),
    }
}

/// A yes/no flag in a query string (`1`, `true`, `on`).
pub fn parse_flag(raw: &str) -> bool {
    matches!(raw.trim(), "1" | "true" | "on" | "yes")
}

/// The white space `str::trim` removes (`char::is_whitespace`), as ranges: a query parameter
/// made only of these is blank, and a value may be surrounded by them.
const BLANK: &[(char, char)] = &[
    ('\t', '\r'),
    (' ', ' '),
    ('\u{85}', '\u{85}'),
    ('\u{a0}', '\u{a0}'),
    ('\u{1680}', '\u{1680}'),
    ('\u{2000}', '\u{200a}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{202f}', '\u{202f}'),
    ('\u{205f}', '\u{205f}'),
    ('\u{3000}', '\u{3000}'),
];

/// [`BLANK`] as a regular-expression class (`\uXXXX` escapes, read alike by ECMA-262 and Python).
fn blank_class() -> String {
    let escape = |c: char| format!("\\u{:04X}", u32::from(c));
    let ranges: String = BLANK.iter().map(|&(a, b)| if a == b { escape(a) } else { format!("{}-{}", escape(a), escape(b)) }).collect();
    format!("[{ranges}]")
}

/// A string parameter of the document with a pattern and a description.
fn text_schema(pattern: String, description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .pattern(Some(pattern))
        .description(Some(description))
        .into()
}

/// A string parameter of the document that is one of `codes`.
pub(crate) fn codes_schema(codes: Vec<String>, description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(codes))
        .description(Some(description))
        .into()
}

/// The pattern of a blank query parameter (empty, or only white space): every optional query
/// parameter may be sent blank, the same as leaving it out (as a form sends an empty field); the
/// document says so on each (`api::openapi`).
pub fn blank_pattern() -> String {
    format!("^{}*$", blank_class())
}

/// The document's type of a date in a query string ([`parse_query_date`]): `YYYY-MM-DD` or
/// `dd/mm/yyyy`, white space around it allowed.
pub struct QueryDate;

impl QueryDate {
    pub fn pattern() -> String {
        let blank = blank_class();
        let date = DATE_PATTERN.trim_start_matches('^').trim_end_matches('$');
        format!("^{blank}*({date}){blank}*$")
    }
}

impl utoipa::PartialSchema for QueryDate {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        text_schema(QueryDate::pattern(), "Ngày: YYYY-MM-DD hoặc dd/mm/yyyy")
    }
}

impl utoipa::ToSchema for QueryDate {}

/// The document's type of the `status` filter ([`parse_status_filter`]).
pub struct StatusFilterCode;

impl utoipa::PartialSchema for StatusFilterCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let codes = ["active", "all"].into_iter().chain(Status::ALL.iter().map(|s| s.code())).map(str::to_owned).collect();
        codes_schema(codes, "active: đang sinh hoạt (mặc định); all: tất cả; hoặc một tình trạng")
    }
}

impl utoipa::ToSchema for StatusFilterCode {}

/// A whole number from 0 to `MAX_AGE` (130; leading zeros allowed, as `u32` reads them).
const AGE_PATTERN: &str = "0*(130|1[0-2][0-9]|[1-9]?[0-9])";

/// The document's type of the `age` filter (`AgeBand::parse`): `18-30` or `61+`, ages up to 130.
pub struct AgeBandText;

impl AgeBandText {
    pub fn pattern() -> String {
        format!("^{AGE_PATTERN}(-{AGE_PATTERN}|\\+)$")
    }
}

impl utoipa::PartialSchema for AgeBandText {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        text_schema(AgeBandText::pattern(), "Nhóm tuổi: 18-30 hoặc 61+ (tuổi đầu lớn hơn tuổi cuối: 422)")
    }
}

impl utoipa::ToSchema for AgeBandText {}

/// The document's type of the `facet` filter: every code `Facet::parse` reads.
pub struct FacetCode;

impl utoipa::PartialSchema for FacetCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        codes_schema(Facet::all().into_iter().map(Facet::code).collect(), "Một ô của thống kê (xem danh sách từ đảng viên)")
    }
}

impl utoipa::ToSchema for FacetCode {}

/// The document's type of the `flow` filter (`FlowFilter::parse`): `vao` or `ra`, then
/// optionally `:` and kind codes separated by commas (empty items are skipped).
pub struct FlowCode;

impl FlowCode {
    pub fn pattern() -> String {
        let kinds: Vec<&str> = domain::stats::FlowKind::ALL.iter().map(|k| k.code()).collect();
        let kind = format!("({})", kinds.join("|"));
        format!("^(vao|ra)(:{kind}?(,{kind}?)*)?$")
    }
}

impl utoipa::PartialSchema for FlowCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        text_schema(FlowCode::pattern(), "Biến động: vao hoặc ra, có thể kèm :loại,loại")
    }
}

impl utoipa::ToSchema for FlowCode {}

/// A row of a report: a unit id, or `giai-the`; blank is none (the report's total).
pub fn parse_row(raw: &str) -> Result<Option<storage::CellRow>, FieldError> {
    match raw.trim() {
        "" => Ok(None),
        ROW_DISSOLVED => Ok(Some(storage::CellRow::Dissolved)),
        id => domain::event::parse_unit_id(id).map(|u| Some(storage::CellRow::Unit(u))),
    }
}

/// The `row` of the units dissolved with no successor (today's structure).
pub const ROW_DISSOLVED: &str = "giai-the";

/// The document's type of the `row` filter ([`parse_row`]).
pub struct RowCode;

impl utoipa::PartialSchema for RowCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        text_schema(format!("^([1-9][0-9]{{0,17}}|{ROW_DISSOLVED})$"), "Mã số tổ chức của dòng, hoặc giai-the")
    }
}

impl utoipa::ToSchema for RowCode {}

/// A whole number in `AGE_BAND_BOUNDS` (18–100; leading zeros allowed).
const AGE_BOUND_PATTERN: &str = "0*(1[89]|[2-9][0-9]|100)";

/// The document's type of `age_bands` (`AgeBands::parse`): 1 to 20 upper bounds from 18 to
/// 100, separated by commas (bounds not increasing: 422).
pub struct AgeBandsText;

impl AgeBandsText {
    pub fn pattern() -> String {
        format!("^{AGE_BOUND_PATTERN}(,{AGE_BOUND_PATTERN}){{0,19}}$")
    }
}

impl utoipa::PartialSchema for AgeBandsText {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        text_schema(AgeBandsText::pattern(), "Các mốc tuổi tăng dần, ví dụ 30,35,40,45,50,55,60 (mặc định)")
    }
}

impl utoipa::ToSchema for AgeBandsText {}

/// `?as_of=` alone (unit pages, the tree, the API).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AsOfParams {
    /// Date (dd/mm/yyyy or yyyy-mm-dd); today when empty.
    #[param(value_type = Option<QueryDate>)]
    pub as_of: String,
    /// Page of the member list (unit page).
    pub page: String,
}

/// The member list filters, as typed (page and API share them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct MemberFilterParams {
    /// Name (with or without diacritics), CCCD or party card number.
    pub q: String,
    /// Unit id: members of its whole subtree.
    #[param(value_type = Option<i64>, minimum = 1)]
    pub unit: String,
    /// `active` (default), `all`, or a status code (`du-bi`, `chinh-thuc`, …).
    #[param(value_type = Option<StatusFilterCode>)]
    pub status: String,
    /// `nam` or `nu`.
    #[param(value_type = Option<Gender>)]
    pub gender: String,
    /// Age band: `18-30`, `31-35`, …, `61+` (ages up to 130; a band that ends before it starts
    /// is a 422).
    #[param(value_type = Option<AgeBandText>)]
    pub age: String,
    /// One cell of the statistics (drill-down): `dan-toc-thieu-so`, `ton-giao`, `doan-vien`,
    /// `chua-co-thong-tin`, `ton-giao:<code>`, `gdpt:<code>`, `chuyen-mon:<code>`, `llct:<code>`,
    /// `nghe-nghiep:<code>`, `tuoi-dang:<years>`.
    #[param(value_type = Option<FacetCode>)]
    pub facet: String,
    /// The members behind a movement of `unit`'s list from `from` to `to`: `vao`, `ra`, or with
    /// kinds, e.g. `vao:ket-nap,ket-nap-lai`, `ra:tu-tran` (codes of the movement report's
    /// `kinds`). Requires `unit` and `from` (a 422 names the one missing); status, gender, age
    /// and facet are read on the flow's day.
    #[param(value_type = Option<FlowCode>)]
    pub flow: String,
    /// First day of the movement period (`flow`), dd/mm/yyyy or yyyy-mm-dd.
    #[param(value_type = Option<QueryDate>)]
    pub from: String,
    /// Last day of the movement period (`flow`); `as_of` when empty.
    #[param(value_type = Option<QueryDate>)]
    pub to: String,
    /// The members behind the admission report's counts: admitted to `unit`'s list from `from`
    /// to `to`, as the report counts them: `ket-nap` (readmissions included) or `ket-nap-lai`
    /// (readmissions only); or as the targets page credits them to `unit` (its chi bộ and every
    /// unit above on the decision day): `chi-tieu`, `chi-tieu:<group>`, `chi-tieu:ky-niem`. Requires `unit` and `from`; not with `flow`. Status, gender, age and
    /// facet are read on the decision's day.
    #[param(value_type = Option<AdmittedCode>)]
    pub admitted: String,
    /// One row of `unit`'s report instead of its total: the id of `unit` itself (its own chi bộ
    /// members) or of a unit directly under it, or `giai-the` (by today's structure: units
    /// dissolved with no successor). Requires `unit`.
    #[param(value_type = Option<RowCode>)]
    pub row: String,
    /// The report's structure: `of_date` (default: the tree of each day) or `current` (today's
    /// tree, dissolved units regrouped into their successors).
    #[param(value_type = Option<Structure>)]
    pub structure: String,
    /// Date the statuses and units are taken on (today when empty).
    #[param(value_type = Option<QueryDate>)]
    pub as_of: String,
    /// 1-based page (at most 100 000).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100000)]
    pub page: String,
    /// Members per page (default 50, at most 500).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 500)]
    pub per_page: String,
}

impl MemberFilterParams {
    /// Parses every filter; errors are reported under the parameter's name.
    pub fn parse(&self, today: NaiveDate) -> Result<MemberQuery, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let as_of = e.take("as_of", parse_as_of(&self.as_of, today));
        let unit = e.take("unit", parse_optional_unit(&self.unit));
        let status = e.take("status", parse_status_filter(&self.status));
        let gender = e.take("gender", if self.gender.trim().is_empty() { Ok(None) } else { Gender::parse(&self.gender).map(Some) });
        let age = e.take("age", if self.age.trim().is_empty() { Ok(None) } else { AgeBand::parse(&self.age).map(Some) });
        let facet = e.take("facet", if self.facet.trim().is_empty() { Ok(None) } else { Facet::parse(&self.facet).map(Some) });
        // The period's dates are read (and refused when malformed) even without `flow`.
        let from = e.take("from", parse_query_date(&self.from));
        let to = e.take("to", parse_query_date(&self.to));
        // A flow or the admissions of a period need a unit and a first day: rules across
        // parameters (`required_with`, a 422), which the document can only describe. The period
        // is `(first, last)` when both are known.
        let period = |e: &mut ValidationErrors, what: &str| {
            if unit.is_some_and(|u| u.is_none()) {
                e.push("unit", "required_with", format!("Chọn tổ chức khi xem đảng viên {what}."));
            }
            if from.is_some_and(|d| d.is_none()) {
                e.push("from", "required_with", format!("Nhập ngày đầu kỳ khi xem đảng viên {what}."));
            }
            match (from.flatten(), to.map(|d| d.or(as_of))) {
                (Some(first), Some(Some(last))) => Some((first, last)),
                _ => None,
            }
        };
        let flow = if self.flow.trim().is_empty() {
            Some(None)
        } else {
            period(&mut e, "theo biến động")
                .and_then(|(first, last)| e.take("flow", storage::FlowFilter::parse(&self.flow, first, last).map(Some)))
        };
        let admitted = if self.admitted.trim().is_empty() {
            Some(None)
        } else {
            if !self.flow.trim().is_empty() {
                e.push("admitted", "excluded_by", "Chỉ chọn một trong hai: biến động hoặc kết nạp.");
            }
            period(&mut e, "được kết nạp")
                .and_then(|(first, last)| e.take("admitted", parse_admitted(&self.admitted, first, last).map(Some)))
        };
        let structure = e.take("structure", Structure::parse(&self.structure));
        let row = e.take("row", parse_row(&self.row));
        if (row.is_some_and(|r| r.is_some()) || structure == Some(Structure::Current)) && unit.is_some_and(|u| u.is_none()) {
            e.push("unit", "required_with", "Chọn tổ chức khi xem một dòng của báo cáo.");
        }
        let cell = match (row, structure) {
            (Some(None), Some(Structure::OfDate)) => Some(None),
            (Some(row), Some(structure)) => Some(Some(storage::ReportCell { row, structure, today })),
            _ => None,
        };
        let page = e.take("page", parse_page(&self.page));
        let per_page = e.take("per_page", positive(&self.per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE, "Số dòng mỗi trang"));
        if let (Some(page), Some(per_page)) = (page, per_page) {
            e.take("page", check_offset(page, per_page));
        }
        let q = self.q.trim();
        if q.chars().count() > 100 {
            e.push("q", "too_long", "Từ khóa tìm kiếm tối đa 100 ký tự.");
        }
        match (as_of, unit, status, gender, age, facet, flow, admitted, cell, page, per_page) {
            (
                Some(as_of),
                Some(unit),
                Some(status),
                Some(gender),
                Some(age),
                Some(facet),
                Some(flow),
                Some(admitted),
                Some(cell),
                Some(page),
                Some(per_page),
            ) if e.is_empty() => {
                // The rows show each member as on the period's last day.
                let as_of = flow.as_ref().map(|f: &storage::FlowFilter| f.last).or(admitted.as_ref().map(|a| a.last)).unwrap_or(as_of);
                Ok(MemberQuery {
                    q: q.to_owned(),
                    unit,
                    as_of,
                    status,
                    gender,
                    age,
                    facet,
                    flow,
                    admitted,
                    cell,
                    page,
                    per_page,
                    scope: None,
                })
            }
            _ => Err(e),
        }
    }

    /// The query string of these filters on another page (`None` keeps no page parameter).
    pub fn to_query_string(&self, page: Option<usize>) -> String {
        let page = page.map(|p| p.to_string()).unwrap_or_default();
        format::query_string(&[
            ("q", &self.q),
            ("unit", &self.unit),
            ("status", &self.status),
            ("gender", &self.gender),
            ("age", &self.age),
            ("facet", &self.facet),
            ("flow", &self.flow),
            ("from", &self.from),
            ("to", &self.to),
            ("admitted", &self.admitted),
            ("row", &self.row),
            ("structure", &self.structure),
            ("as_of", &self.as_of),
            ("per_page", &self.per_page),
            ("page", &page),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn empty_filters_mean_active_members_today() {
        let q = MemberFilterParams::default().parse(today()).unwrap();
        assert_eq!(q, MemberQuery::new(today()));
    }

    #[test]
    fn every_filter_is_parsed() {
        let p = MemberFilterParams {
            q: " an ".into(),
            unit: "12".into(),
            status: "du-bi".into(),
            gender: "nu".into(),
            age: "31-35".into(),
            facet: "llct:trung-cap".into(),
            as_of: "1/7/2025".into(),
            page: "3".into(),
            per_page: "20".into(),
            ..Default::default()
        };
        let q = p.parse(today()).unwrap();
        assert_eq!(q.q, "an");
        assert_eq!(q.unit, Some(UnitId(12)));
        assert_eq!(q.status, StatusFilter::Only(Status::Probationary));
        assert_eq!(q.gender, Some(Gender::Female));
        assert_eq!(q.age, Some(AgeBand { min: 31, max: Some(35) }));
        assert_eq!(q.as_of, NaiveDate::from_ymd_opt(2025, 7, 1).unwrap());
        assert_eq!((q.page, q.per_page), (3, 20));
        assert_eq!(parse_status_filter("all").unwrap(), StatusFilter::All);
        assert_eq!(status_filter_code(StatusFilter::Only(Status::Official)), "chinh-thuc");
    }

    #[test]
    fn bad_filters_are_all_reported_by_name() {
        let p = MemberFilterParams {
            unit: "abc".into(),
            status: "x".into(),
            gender: "m".into(),
            age: "5".into(),
            facet: "gdpt:khong-ro".into(),
            as_of: "32/13/2025".into(),
            page: "0".into(),
            per_page: "100000".into(),
            ..Default::default()
        };
        let errs = p.parse(today()).unwrap_err();
        let fields: Vec<&str> = errs.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["as_of", "unit", "status", "gender", "age", "facet", "page", "per_page"]);
    }

    #[test]
    fn movement_filters_need_a_unit_and_a_period() {
        let p = MemberFilterParams {
            unit: "5".into(),
            flow: "vao:ket-nap,ket-nap-lai".into(),
            from: "01/01/2025".into(),
            ..Default::default()
        };
        let q = p.parse(today()).unwrap();
        let f = q.flow.unwrap();
        assert!(f.inflow && f.kinds.len() == 2 && f.last == today() && q.as_of == today());
        assert_eq!(f.code(), "vao:ket-nap,ket-nap-lai");
        let no_unit = MemberFilterParams { flow: "ra".into(), from: "01/01/2025".into(), ..Default::default() };
        assert_eq!(no_unit.parse(today()).unwrap_err().errors[0].field, "unit");
        let bad = MemberFilterParams { unit: "5".into(), flow: "ra:khac".into(), from: "x".into(), ..Default::default() };
        let fields: Vec<String> = bad.parse(today()).unwrap_err().errors.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["from"]);
        let reversed = MemberFilterParams {
            unit: "5".into(),
            flow: "ra".into(),
            from: "02/01/2025".into(),
            to: "01/01/2025".into(),
            ..Default::default()
        };
        assert_eq!(reversed.parse(today()).unwrap_err().errors[0].code, "period_reversed");
    }

    #[test]
    fn report_cells_and_admissions() {
        let p = MemberFilterParams {
            unit: "5".into(),
            row: "7".into(),
            structure: "current".into(),
            admitted: "ket-nap-lai".into(),
            from: "01/01/2025".into(),
            to: "31/12/2025".into(),
            ..Default::default()
        };
        let q = p.parse(today()).unwrap();
        let cell = q.cell.unwrap();
        assert_eq!((cell.row, cell.structure, cell.today), (Some(storage::CellRow::Unit(UnitId(7))), Structure::Current, today()));
        let a = q.admitted.unwrap();
        assert!(a.readmitted_only && q.as_of == a.last && a.last == NaiveDate::from_ymd_opt(2025, 12, 31).unwrap());
        assert!(p.to_query_string(None).contains("&from=01%2F01%2F2025&to=31%2F12%2F2025&admitted=ket-nap-lai&row=7&structure=current"));
        // The total by the structure of the date is the plain list of the unit.
        assert_eq!(MemberFilterParams { unit: "5".into(), ..Default::default() }.parse(today()).unwrap().cell, None);
        let dissolved = MemberFilterParams { unit: "5".into(), row: ROW_DISSOLVED.into(), ..Default::default() };
        assert_eq!(dissolved.parse(today()).unwrap().cell.unwrap().row, Some(storage::CellRow::Dissolved));
        let bad = MemberFilterParams { row: "x".into(), admitted: "ket-nap".into(), flow: "vao".into(), ..Default::default() };
        let fields: Vec<String> = bad.parse(today()).unwrap_err().errors.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["unit", "from", "admitted", "unit", "from", "row"]);
    }

    #[test]
    fn as_of_and_pages() {
        assert_eq!(parse_as_of("", today()).unwrap(), today());
        assert_eq!(parse_as_of("2025-07-01", today()).unwrap(), NaiveDate::from_ymd_opt(2025, 7, 1).unwrap());
        assert!(parse_as_of("hôm qua", today()).is_err());
        assert_eq!(parse_page("").unwrap(), 1);
        assert!(parse_page("-1").is_err());
        // Pages past any register are refused, never wrapped around (page 36893488147419105 of 500
        // used to land on offset 2^64 + 384, that is 384).
        assert_eq!(parse_page("36893488147419105").unwrap_err().code, "invalid_format");
        assert!(parse_page(&MAX_PAGE.to_string()).is_ok());
        // The largest page at the largest size stays within the offset limit, which holds for any size.
        assert!(check_offset(MAX_PAGE, MAX_PER_PAGE).is_ok());
        assert!(check_offset(MAX_OFFSET + 1, 1).is_ok());
        assert_eq!(check_offset(MAX_OFFSET + 2, 1).unwrap_err().code, "out_of_range");
        assert_eq!(check_offset(usize::MAX, MAX_PER_PAGE).unwrap_err().code, "out_of_range");
        let p = MemberFilterParams { page: MAX_PAGE.to_string(), per_page: MAX_PER_PAGE.to_string(), ..Default::default() };
        assert!(p.parse(today()).is_ok());
        let p = MemberFilterParams { page: (MAX_PAGE + 1).to_string(), per_page: "50".into(), ..Default::default() };
        assert_eq!(p.parse(today()).unwrap_err().errors[0].field, "page");
        assert!(parse_flag("1") && !parse_flag(""));
    }

    #[test]
    fn blank_is_what_trim_removes() {
        let in_blank = |c: char| BLANK.iter().any(|&(a, b)| (a..=b).contains(&c));
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(in_blank(c), c.is_whitespace(), "{:04X}", u32::from(c));
        }
        assert!(blank_pattern().starts_with("^[\\u0009-\\u000D\\u0020"));
    }

    #[test]
    fn query_dates_have_the_documented_shape() {
        assert_eq!(parse_query_date(" \u{a0}").unwrap(), None);
        assert_eq!(parse_query_date(" 1/7/2025 ").unwrap(), NaiveDate::from_ymd_opt(2025, 7, 1));
        assert_eq!(parse_query_date("2025-1-5").unwrap_err().code, "invalid_format");
        assert_eq!(parse_query_date("2025-02-30").unwrap_err().code, "invalid_date");
    }

    #[test]
    fn links_keep_the_filters() {
        let p = MemberFilterParams { q: "Nguyễn".into(), status: "all".into(), page: "4".into(), ..Default::default() };
        assert_eq!(p.to_query_string(Some(2)), "?q=Nguy%E1%BB%85n&status=all&page=2");
        assert_eq!(p.to_query_string(None), "?q=Nguy%E1%BB%85n&status=all");
    }
}
