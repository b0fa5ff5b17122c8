//! Member routines on a calendar (rules.md §5.2, §5.4, §6, §7; docs/design/member-routines.md):
//! `member` a member's discipline, exemptions, cards and badges with the forms of whoever keeps
//! them; `discipline`, `exemptions`, `cards` a unit's registers (the card check with them);
//! `badges` who is due at the next award day and a unit's proposal lists; `report` the yearly
//! report of member work (7-BTCTW) over any period, drillable, as `.xlsx`.

use chrono::NaiveDate;

use domain::ValidationErrors;

use crate::forms::{Section, SummaryItem};
use crate::policy::Route;

pub mod badges;
pub mod cards;
pub mod discipline;
pub mod exemptions;
pub mod member;
pub mod report;

pub fn routes() -> Vec<Route> {
    let mut r = member::routes();
    r.extend(discipline::routes());
    r.extend(exemptions::routes());
    r.extend(cards::routes());
    r.extend(badges::routes());
    r.extend(report::routes());
    r
}

/// A value of a posted form.
pub(crate) fn get<'a>(f: &'a [(String, String)], name: &str) -> &'a str {
    f.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// A date typed in a form, or the field's error.
pub(crate) fn date_in(e: &mut ValidationErrors, f: &[(String, String)], name: &str, required: bool) -> Option<NaiveDate> {
    let raw = get(f, name).trim();
    if raw.is_empty() {
        if required {
            e.push(name, "required", "Nhập ngày.");
        }
        return None;
    }
    match domain::dates::parse_date(raw) {
        Ok(d) => Some(d),
        Err(err) => {
            e.push(name, err.code, err.message);
            None
        }
    }
}

/// The version a form was read at.
pub(crate) fn version_in(f: &[(String, String)]) -> Result<i64, crate::error::AppError> {
    get(f, "version").trim().parse::<i64>().map_err(|_| crate::error::AppError::bad_request("Thiếu phiên bản."))
}

/// One form of a page with several: where it posts, its sections and problems, whether it is
/// shown unfolded (after a refusal).
pub(crate) struct FormBlock {
    pub title: String,
    pub action: String,
    pub version: Option<i64>,
    pub sections: Vec<Section>,
    pub summary: Vec<SummaryItem>,
    pub submit: &'static str,
    pub open: bool,
}

impl FormBlock {
    pub fn new(title: impl Into<String>, action: impl Into<String>, submit: &'static str, sections: Vec<Section>) -> FormBlock {
        FormBlock { title: title.into(), action: action.into(), version: None, sections, summary: Vec::new(), submit, open: false }
    }

    pub fn at(mut self, version: i64) -> FormBlock {
        self.version = Some(version);
        self
    }

    /// Shows the problems of a refused post in this form, unfolded.
    pub fn refused(&mut self, errors: &ValidationErrors) {
        self.summary = crate::forms::attach_errors(&mut self.sections, errors);
        self.open = true;
    }
}

/// Which form of a page was posted and what it said, for showing it again after a refusal.
pub(crate) struct Posted<'a> {
    /// The form's prefix (`kl_`, `the_`…).
    pub prefix: &'a str,
    pub fields: &'a [(String, String)],
    pub errors: ValidationErrors,
}

impl Posted<'_> {
    /// The value typed in `name` of the form with `prefix`, else `default`.
    pub fn value(posted: Option<&Posted<'_>>, prefix: &str, name: &str, default: &str) -> String {
        match posted {
            Some(p) if p.prefix == prefix => get(p.fields, &format!("{prefix}{name}")).to_owned(),
            _ => default.to_owned(),
        }
    }
}

/// A period typed as `from`/`to` in a query (the current year by default).
pub(crate) fn period(
    from: &Option<String>,
    to: &Option<String>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), crate::error::AppError> {
    use chrono::Datelike;
    let first = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let last = NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
    let from = crate::query::param("from", crate::query::parse_query_date(from.as_deref().unwrap_or_default()))?.unwrap_or(first);
    let to = crate::query::param("to", crate::query::parse_query_date(to.as_deref().unwrap_or_default()))?.unwrap_or(last);
    if to < from {
        // A well-formed period that cannot be: the rule's refusal (422), like the store's.
        return Err(crate::error::AppError::validation(ValidationErrors::single(
            "to",
            "before_from",
            "Ngày cuối kỳ phải sau ngày đầu kỳ.",
        )));
    }
    Ok((from, to))
}

/// A cell of a register's table: text, a link, a badge's class, a line below.
pub(crate) struct Cell {
    pub text: String,
    pub href: Option<String>,
    pub class: Option<&'static str>,
    pub meta: String,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), href: None, class: None, meta: String::new() }
    }

    pub fn link(text: impl Into<String>, href: Option<String>) -> Cell {
        Cell { href, ..Cell::text(text) }
    }

    pub fn badge(text: impl Into<String>, class: &'static str) -> Cell {
        Cell { class: Some(class), ..Cell::text(text) }
    }

    pub fn meta(mut self, meta: impl Into<String>) -> Cell {
        self.meta = meta.into();
        self
    }
}

/// A table of a register page.
pub(crate) struct Table {
    pub caption: String,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    pub empty: &'static str,
}

/// A count on a register page, opening the rows behind it when `href` is set.
pub(crate) struct Fact {
    pub label: String,
    pub value: String,
    pub href: Option<String>,
}

/// A filter of a register page's query (a text input).
pub(crate) struct Filter {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
}

/// A unit's register page: counts, filters, tables, links and forms.
#[derive(askama::Template)]
#[template(path = "routine_register.html")]
pub(crate) struct RegisterPage {
    pub chrome: crate::chrome::Chrome,
    pub unit: domain::ids::UnitId,
    pub unit_label: String,
    pub crumb: &'static str,
    pub heading: String,
    pub notes: Vec<String>,
    pub facts: Vec<Fact>,
    pub filter_action: String,
    pub filters: Vec<Filter>,
    pub links: Vec<(String, String)>,
    pub tables: Vec<Table>,
    pub forms: Vec<FormBlock>,
}
