//! Party dues (domain::dues, docs/design/dues.md). `/units/{id}/dues` is a chi bộ's sheet for a
//! month: each member's basis, what is due under the regulation of that month, what was paid,
//! with the payment recorded from the row and the members' declarations confirmed;
//! `/units/{id}/dues/ledger` a unit's ledger for a year (collected, received, retained, to remit,
//! remitted, with the remittance of a month and its `.xlsx`); `/units/{id}/dues/arrears` the
//! members with months unpaid; `/members/{id}/dues` a member's year with the forms of the basis,
//! reliefs, payments and their cancellation; `/handbook/dues` the member's own year and their
//! declaration.

use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use domain::ValidationErrors;
use domain::access::Capability;
use domain::dates::Month;
use domain::dues::{Basis, BasisKind, Dong, MonthAccount, PayMethod, PaymentInput, ReliefKind, Standing};
use domain::ids::{MemberId, UnitId};

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId};
use crate::format;
use crate::forms;
use crate::pages::directives::unit_label;
use crate::policy::{Policy, Route};
use crate::respond::{page, render, see_other};
use crate::session::Caller;

mod ledger;
mod member;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![
        Route::get("/units/{id}/dues", read, sheet),
        Route::post("/units/{id}/dues/payments", read, pay_from_sheet),
        Route::post("/units/{id}/dues/confirm", read, confirm),
        Route::get("/units/{id}/dues/ledger", read, ledger::ledger),
        Route::get("/units/{id}/dues/ledger.xlsx", read, ledger::ledger_xlsx),
        Route::post("/units/{id}/dues/remit", read, ledger::remit),
        Route::get("/units/{id}/dues/arrears", read, ledger::arrears),
        Route::get("/members/{id}/dues", read, member::member),
        Route::post("/members/{id}/dues/payments", read, member::pay),
        Route::post("/members/{id}/dues/bases", read, member::basis),
        Route::post("/members/{id}/dues/reliefs", read, member::relief),
        Route::post("/members/{id}/dues/payments/cancel", read, member::cancel),
        Route::get("/handbook/dues", Policy::LoggedIn, member::mine),
        Route::post("/handbook/dues", Policy::LoggedIn, member::declare),
    ]
}

/// The link on a unit's page: a chi bộ's sheet of this month, another unit's ledger.
pub(crate) fn href(unit: UnitId, holds_members: bool) -> String {
    if holds_members { format!("/units/{unit}/dues") } else { format!("/units/{unit}/dues/ledger") }
}

/// "150.000 đ".
pub fn money(d: Dong) -> String {
    format!("{} đ", format::number(d))
}

/// A standing's badge class (the worklists' colours).
pub(crate) fn standing_class(s: Standing) -> &'static str {
    match s {
        Standing::Paid | Standing::Exempt => "ok",
        Standing::Open | Standing::Deferred => "soon",
        Standing::Partial => "warn",
        Standing::Unpaid | Standing::NoBasis => "overdue",
    }
}

/// A basis in words: "Hưởng lương hưu: 6.000.000 đ".
pub(crate) fn basis_words(b: Option<Basis>) -> String {
    match b {
        None => "Chưa có căn cứ".to_owned(),
        Some(b) => match b.amount() {
            Some(a) => format!("{}: {}", b.kind().label(), money(a)),
            None => b.kind().label().to_owned(),
        },
    }
}

/// What is due for a month in words, with the rule and relief.
pub(crate) fn due_words(a: &MonthAccount) -> (String, String) {
    match &a.assessment {
        None => ("—".to_owned(), "Chưa có căn cứ tính: chi bộ ghi căn cứ hoặc xác nhận kê khai của đảng viên.".to_owned()),
        Some(x) => {
            let mut why = x.rule.to_owned();
            if let Some(e) = x.exemption {
                why = format!("{} ({}).", e.label(), x.regulation.label());
            } else if let Some(r) = x.relief {
                why = format!("{why}; {}", r.label().to_lowercase());
            }
            (money(x.due), why)
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MonthQuery {
    month: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct YearQuery {
    pub(crate) year: String,
}

/// The month asked for (this month by default; 400 for one that is not a month).
fn month_of(typed: &str, today: NaiveDate) -> Result<Month, AppError> {
    if typed.trim().is_empty() {
        return Ok(Month::of(today));
    }
    Month::parse(typed)
        .ok()
        .filter(|m| *m >= domain::dues::FIRST_MONTH_342 && *m <= Month::of(today).next())
        .ok_or_else(|| AppError::bad_request("Tháng không hợp lệ."))
}

/// The year asked for (this year by default; 400 for one that is not a year of dues).
pub(crate) fn year_of(q: &YearQuery, today: NaiveDate) -> Result<i32, AppError> {
    match q.year.trim() {
        "" => Ok(today.year()),
        y => y
            .parse::<i32>()
            .ok()
            .filter(|y| (2011..=today.year() + 1).contains(y))
            .ok_or_else(|| AppError::bad_request("Năm không hợp lệ.")),
    }
}

fn get<'a>(f: &'a [(String, String)], name: &str) -> &'a str {
    f.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// The methods of payment, for a select.
pub(crate) fn methods() -> Vec<(&'static str, &'static str)> {
    forms::codes(PayMethod::ALL, PayMethod::code, PayMethod::label)
}

struct WaitingRow {
    id: i64,
    words: String,
}

struct SheetRow {
    member: MemberId,
    name: String,
    basis: String,
    due: String,
    why: String,
    paid: String,
    standing: &'static str,
    class: &'static str,
    unpaid_in_year: usize,
    /// The amount the payment form offers (what is owed), when the caller records payments.
    offer: Option<String>,
    waiting: Vec<WaitingRow>,
    /// The typed payment that was refused, with its message.
    typed: Option<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "dues_sheet.html")]
struct SheetPage {
    chrome: Chrome,
    unit: UnitId,
    unit_label: String,
    month: String,
    month_label: String,
    /// The months offered: from January of last year to next month, newest first.
    months: Vec<(String, String)>,
    previous: String,
    next: Option<String>,
    today: String,
    due: String,
    paid: String,
    owed: String,
    rows: Vec<SheetRow>,
    keeps: bool,
    methods: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
}

async fn sheet_page(
    s: &Caller,
    chrome: Chrome,
    unit: UnitId,
    month: Month,
    failed: Option<(MemberId, &[(String, String)])>,
    errors: Vec<String>,
) -> Result<SheetPage, AppError> {
    let desk = s.dues()?;
    let sheet = desk.sheet(unit, month).await?;
    let keeps = desk.may_keep_unit(unit).await;
    let rows = sheet
        .lines
        .iter()
        .map(|l| {
            let (due, why) = due_words(&l.account);
            let typed = failed
                .filter(|(m, _)| *m == l.member)
                .map(|(_, f)| (get(f, "amount").to_owned(), get(f, "paid_on").to_owned(), get(f, "method").to_owned()));
            SheetRow {
                member: l.member,
                name: l.full_name.clone(),
                basis: basis_words(l.basis),
                due,
                why,
                paid: money(l.account.paid),
                standing: l.account.standing.label(),
                class: standing_class(l.account.standing),
                unpaid_in_year: l.unpaid_in_year,
                offer: (keeps && l.account.owed() > 0).then(|| format::number(l.account.owed())),
                waiting: l
                    .waiting
                    .iter()
                    .map(|b| WaitingRow {
                        id: b.id,
                        words: format!(
                            "Từ {}: {} (kê khai ngày {})",
                            b.from.short(),
                            basis_words(Some(b.basis)),
                            format::date(b.declared_on)
                        ),
                    })
                    .collect(),
                typed,
            }
        })
        .collect();
    let label = unit_label(s, unit, &sheet.unit_name);
    let this = Month::of(s.today());
    Ok(SheetPage {
        chrome: chrome.titled(format!("Thu đảng phí {}: {label}", month.label())),
        unit,
        unit_label: label,
        month: month.code(),
        month_label: month.label(),
        months: {
            let mut all = Vec::new();
            let mut m = this.next();
            let first = Month { year: this.year - 1, month: 1 }.min(month);
            while m >= first {
                all.push((m.code(), format!("Tháng {}", m.short())));
                m = m.previous();
            }
            all
        },
        previous: month.previous().code(),
        next: (month < this).then(|| month.next().code()),
        today: format::date(s.today()),
        due: money(sheet.due()),
        paid: money(sheet.paid()),
        owed: money(sheet.owed()),
        rows,
        keeps,
        methods: methods(),
        errors,
    })
}

/// `GET /units/{id}/dues[?month=]`.
async fn sheet(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>, Query(q): Query<MonthQuery>) -> Result<Response, AppError> {
    let month = month_of(&q.month, s.today())?;
    page(&sheet_page(&s, chrome, unit, month, None, Vec::new()).await?)
}

/// The typed payment of a form.
pub(crate) fn typed_payment(f: &[(String, String)], today: NaiveDate) -> Result<PaymentInput, ValidationErrors> {
    PaymentInput::parse(get(f, "month"), get(f, "amount"), get(f, "paid_on"), get(f, "method"), today)
}

/// `POST /units/{id}/dues/payments`: a payment recorded from the sheet's row.
async fn pay_from_sheet(
    s: Caller,
    chrome: Chrome,
    PathId(unit): PathId<UnitId>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.dues()?;
    // The chi bộ is checked before anything typed is read.
    desk.keep_unit(unit).await?;
    let member = get(&f, "member").trim().parse::<i64>().map(MemberId).map_err(|_| AppError::bad_request("Thiếu đảng viên."))?;
    let month = month_of(get(&f, "month"), s.today())?;
    let result = match typed_payment(&f, s.today()) {
        Ok(p) => desk.record_payment(member, p).await.map_err(forms::invalid),
        Err(e) => Err(Ok(e)),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/units/{unit}/dues?month={}", month.code()))),
        Err(e) => {
            let errors = forms::messages(e?);
            render(StatusCode::UNPROCESSABLE_ENTITY, &sheet_page(&s, chrome, unit, month, Some((member, &f)), errors).await?)
        }
    }
}

/// `POST /units/{id}/dues/confirm`: the chi bộ confirms a member's declaration from the sheet.
async fn confirm(
    s: Caller,
    chrome: Chrome,
    PathId(unit): PathId<UnitId>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.dues()?;
    desk.keep_unit(unit).await?;
    let id = get(&f, "basis").trim().parse::<i64>().map_err(|_| AppError::bad_request("Thiếu bản kê khai."))?;
    let member = get(&f, "member").trim().parse::<i64>().map(MemberId).map_err(|_| AppError::bad_request("Thiếu đảng viên."))?;
    let month = month_of(get(&f, "month"), s.today())?;
    match desk.confirm_basis(member, id).await {
        Ok(_) => Ok(see_other(&format!("/units/{unit}/dues?month={}", month.code()))),
        Err(e) => {
            let (status, errors) = forms::refusal_messages(e, "Bản kê khai vừa được người khác xác nhận.")?;
            render(status, &sheet_page(&s, chrome, unit, month, None, errors).await?)
        }
    }
}

/// The kinds of basis, for a select.
pub(crate) fn basis_kinds() -> Vec<(&'static str, &'static str)> {
    forms::codes(BasisKind::ALL, BasisKind::code, BasisKind::label)
}

/// The kinds of relief, for a select.
pub(crate) fn relief_kinds() -> Vec<(&'static str, &'static str)> {
    forms::codes(ReliefKind::ALL, ReliefKind::code, ReliefKind::label)
}
