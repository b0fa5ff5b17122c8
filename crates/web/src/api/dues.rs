//! `/api/v1/units/{id}/dues…` and `/api/v1/members/{id}/dues…`: party dues (docs/design/dues.md).
//! Reading needs the read scope on the unit or member; recording needs `write` or `meetings` on
//! the member or unit, checked before the body is read. Months are `YYYY-MM`, amounts whole đồng.

use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use domain::dates::Month;
use domain::dues::{Basis, LedgerMonth, MonthAccount, PaymentInput, Relief};
use domain::ids::{MemberId, UnitId};

use super::directives::YearParams;
use super::units::created;
use super::{Created, ErrorEnvelope};
use crate::error::AppError;
use crate::extract::{Json, PathId, PathIds, Query, typed};
use crate::policy::{Policy, Route};
use crate::query::{param, parse_year};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(domain::access::Capability::ReadRegister);
    vec![
        Route::get("/api/v1/units/{id}/dues", read, sheet),
        Route::get("/api/v1/units/{id}/dues/ledger", read, ledger),
        Route::get("/api/v1/units/{id}/dues/arrears", read, arrears),
        Route::post("/api/v1/units/{id}/dues/remittances", read, remit),
        Route::get("/api/v1/members/{id}/dues", read, member),
        Route::post("/api/v1/members/{id}/dues/payments", read, pay),
        Route::post("/api/v1/members/{id}/dues/payments/{payment}/cancel", read, cancel),
        Route::post("/api/v1/members/{id}/dues/bases", read, basis),
        Route::post("/api/v1/members/{id}/dues/bases/{basis}/confirm", read, confirm),
        Route::post("/api/v1/members/{id}/dues/reliefs", read, relief),
    ]
}

/// The month of a sheet.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct MonthParams {
    /// `YYYY-MM` (default: this month).
    pub month: String,
}

/// One month of a member's dues.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthBody {
    /// `YYYY-MM`.
    pub month: String,
    /// The regulation of the month (`342-qd-tw`, `01-qd-tw`); absent without a basis.
    pub regulation: Option<&'static str>,
    /// The basis kind the amount comes from.
    pub basis: Option<&'static str>,
    /// The amount the rate applies to (salary, benefit, pension, income).
    pub base: Option<u64>,
    /// The rate in words with its source.
    pub rule: Option<&'static str>,
    /// Before any relief.
    pub full: Option<u64>,
    pub relief: Option<&'static str>,
    /// Why nothing is due (`tuoi-dang-50`, `tro-cap-huu-tri-xa-hoi`, `duoc-mien`).
    pub exemption: Option<&'static str>,
    pub due: u64,
    pub paid: u64,
    pub owed: u64,
    /// `mien`, `da-dong`, `chua-den-han`, `cham-dong`, `dong-thieu`, `chua-dong`, `chua-co-can-cu`.
    pub standing: &'static str,
}

impl From<&MonthAccount> for MonthBody {
    fn from(a: &MonthAccount) -> Self {
        let x = a.assessment.as_ref();
        MonthBody {
            month: a.month.code(),
            regulation: x.map(|x| x.regulation.code()),
            basis: x.map(|x| x.basis.code()),
            base: x.and_then(|x| x.base),
            rule: x.map(|x| x.rule),
            full: x.map(|x| x.full),
            relief: x.and_then(|x| x.relief).map(|r| r.code()),
            exemption: x.and_then(|x| x.exemption).map(|e| e.code()),
            due: a.due(),
            paid: a.paid,
            owed: a.owed(),
            standing: a.standing.code(),
        }
    }
}

/// A member on a chi bộ's sheet.
#[derive(Debug, Serialize, ToSchema)]
pub struct SheetLineBody {
    pub member: i64,
    pub full_name: String,
    pub account: MonthBody,
    /// Declarations waiting for the chi bộ: their ids.
    pub waiting: Vec<i64>,
    pub unpaid_in_year: usize,
}

/// A chi bộ's dues for a month.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuesSheetBody {
    pub unit: i64,
    pub unit_name: String,
    pub month: String,
    pub due: u64,
    pub paid: u64,
    pub owed: u64,
    pub lines: Vec<SheetLineBody>,
}

/// One month of a ledger: `collected + received = retained + to_remit`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerMonthBody {
    pub month: String,
    pub collected: u64,
    pub received: u64,
    pub retained: u64,
    pub to_remit: u64,
    pub remitted: u64,
    pub outstanding: u64,
}

impl From<&LedgerMonth> for LedgerMonthBody {
    fn from(m: &LedgerMonth) -> Self {
        LedgerMonthBody {
            month: m.month.code(),
            collected: m.collected,
            received: m.received,
            retained: m.retained,
            to_remit: m.to_remit,
            remitted: m.remitted,
            outstanding: m.outstanding(),
        }
    }
}

/// A unit below on the ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChildBody {
    pub unit: i64,
    pub name: String,
    pub income: u64,
    pub remitted: u64,
    pub outstanding: u64,
}

/// A unit's ledger for a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerBody {
    pub unit: i64,
    pub unit_name: String,
    pub year: i32,
    /// The share kept, in percent.
    pub share: u32,
    pub parent: Option<i64>,
    pub months: Vec<LedgerMonthBody>,
    pub children: Vec<ChildBody>,
    /// What the members under the unit owe for the year's ended months.
    pub owed: u64,
    /// Members with three or more months unpaid.
    pub members_flagged: usize,
}

/// A member with months unpaid.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArrearsBody {
    pub member: i64,
    pub full_name: String,
    pub unit: i64,
    pub unit_name: String,
    /// `YYYY-MM`, the months with nothing paid.
    pub unpaid: Vec<String>,
    pub owed: u64,
    /// Three months or more: the chi bộ considers proposing to strike the name off.
    pub proposes_strike_off: bool,
}

/// A basis as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct BasisBody {
    pub id: i64,
    pub from: String,
    pub kind: &'static str,
    pub amount: Option<u64>,
    /// `member` (declared in the handbook) or `chi-bo`.
    pub source: &'static str,
    pub confirmed: bool,
}

/// A payment as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentBody {
    pub id: i64,
    pub month: String,
    pub amount: u64,
    pub paid_on: NaiveDate,
    pub method: &'static str,
    /// The chi bộ credited.
    pub unit: i64,
}

/// A relief as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReliefBody {
    pub id: i64,
    pub kind: &'static str,
    pub from: String,
    pub to: String,
    pub decision: String,
}

/// A member's year.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberDuesBody {
    pub member: i64,
    pub full_name: String,
    pub year: i32,
    pub months: Vec<MonthBody>,
    pub bases: Vec<BasisBody>,
    pub reliefs: Vec<ReliefBody>,
    pub payments: Vec<PaymentBody>,
    pub unpaid: Vec<String>,
    pub owed: u64,
    pub proposes_strike_off: bool,
}

/// A payment to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInputBody {
    /// The month paid for, `YYYY-MM`; at most 12 months ahead.
    pub month: String,
    /// Whole đồng, more than 0.
    pub amount: u64,
    /// Default today; not in the future.
    #[serde(default)]
    pub paid_on: Option<NaiveDate>,
    /// `tien-mat` (default) or `cong-dich-vu-cong`.
    #[serde(default)]
    pub method: Option<String>,
}

/// A basis to record, from a month on.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BasisInputBody {
    /// `YYYY-MM`.
    pub from: String,
    /// `bhxh`, `om-dau-thai-san`, `luong-huu`, `tro-cap-huu-tri-xa-hoi`, `hoc-sinh-sinh-vien`, `khac`, `khac-het-tuoi-lao-dong`, `ngoai-nuoc`.
    pub kind: String,
    /// Required for `bhxh`, `om-dau-thai-san`, `luong-huu`, `ngoai-nuoc`.
    #[serde(default)]
    pub amount: Option<u64>,
}

/// A relief to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReliefInputBody {
    /// `mien`, `giam-30`, `giam-50`, `giam-70`, `cham-dong`.
    pub kind: String,
    pub from: String,
    /// An exemption or reduction at most 12 months.
    pub to: String,
    /// The decision: number, date, who decided.
    pub decision: String,
}

/// A month to remit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemitBody {
    pub month: String,
}

/// What was remitted.
#[derive(Debug, Serialize, ToSchema)]
pub struct Remitted {
    pub amount: u64,
}

/// Why a payment is cancelled.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    pub reason: String,
}

/// Done.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuesDone {
    pub ok: bool,
}

fn month_param(typed: &str, today: NaiveDate) -> Result<Month, AppError> {
    if typed.trim().is_empty() {
        return Ok(Month::of(today));
    }
    Month::parse(typed).map_err(|e| AppError::validation(domain::ValidationErrors::single("month", e.code, e.message)))
}

fn field_error(field: &str, e: domain::FieldError) -> AppError {
    AppError::validation(domain::ValidationErrors::single(field, e.code, e.message))
}

#[utoipa::path(get, path = "/api/v1/units/{id}/dues", tag = "dues", params(("id" = i64, Path, description = "A chi bộ"), MonthParams),
    responses((status = 200, description = "The chi bộ's members on the month's list with what each owes and paid", body = DuesSheetBody),
              (status = 422, description = "Not a chi bộ (`not_a_cell`), not a month (`invalid_month`)", body = ErrorEnvelope)))]
async fn sheet(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<MonthParams>) -> Result<Response, AppError> {
    let month = month_param(&p.month, s.today())?;
    let sheet = s.dues()?.sheet(unit, month).await?;
    let body = DuesSheetBody {
        unit: unit.0,
        unit_name: sheet.unit_name.clone(),
        month: month.code(),
        due: sheet.due(),
        paid: sheet.paid(),
        owed: sheet.owed(),
        lines: sheet
            .lines
            .iter()
            .map(|l| SheetLineBody {
                member: l.member.0,
                full_name: l.full_name.clone(),
                account: MonthBody::from(&l.account),
                waiting: l.waiting.iter().map(|b| b.id).collect(),
                unpaid_in_year: l.unpaid_in_year,
            })
            .collect(),
    };
    Ok(axum::Json(body).into_response())
}

#[utoipa::path(get, path = "/api/v1/units/{id}/dues/ledger", tag = "dues", params(("id" = i64, Path, description = "Unit id"), YearParams),
    responses((status = 200, description = "The unit's ledger month by month, its units below, what its members owe", body = LedgerBody)))]
async fn ledger(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<YearParams>) -> Result<Response, AppError> {
    let year = param("year", parse_year(&p.year, s.today()))?;
    let l = s.dues()?.ledger(unit, year).await?;
    let body = LedgerBody {
        unit: unit.0,
        unit_name: l.unit_name.clone(),
        year,
        share: l.share,
        parent: l.parent.as_ref().map(|(p, _)| p.0),
        months: l.months.iter().map(LedgerMonthBody::from).collect(),
        children: l
            .children
            .iter()
            .map(|c| ChildBody { unit: c.unit.0, name: c.name.clone(), income: c.income, remitted: c.remitted, outstanding: c.outstanding })
            .collect(),
        owed: l.owed,
        members_flagged: l.members_flagged,
    };
    Ok(axum::Json(body).into_response())
}

#[utoipa::path(get, path = "/api/v1/units/{id}/dues/arrears", tag = "dues", params(("id" = i64, Path, description = "Unit id"), YearParams),
    responses((status = 200, description = "Members on the lists under the unit with months unpaid, most first", body = [ArrearsBody])))]
async fn arrears(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<YearParams>) -> Result<Response, AppError> {
    let year = param("year", parse_year(&p.year, s.today()))?;
    let lines = s.dues()?.arrears(unit, year).await?;
    let body: Vec<ArrearsBody> = lines
        .iter()
        .map(|l| ArrearsBody {
            member: l.member.0,
            full_name: l.full_name.clone(),
            unit: l.unit.0,
            unit_name: l.unit_name.clone(),
            unpaid: l.arrears.unpaid.iter().map(|m| m.code()).collect(),
            owed: l.arrears.owed,
            proposes_strike_off: l.arrears.proposes_strike_off(),
        })
        .collect();
    Ok(axum::Json(body).into_response())
}

#[utoipa::path(post, path = "/api/v1/units/{id}/dues/remittances", tag = "dues", params(("id" = i64, Path, description = "Unit id")),
    request_body = RemitBody,
    responses((status = 200, description = "Remitted what the month still owed up", body = Remitted),
              (status = 403, description = "You do not keep dues anywhere", body = ErrorEnvelope),
              (status = 409, description = "The month was remitted meanwhile", body = ErrorEnvelope),
              (status = 422, description = "Nothing to remit (`nothing_to_remit`), a month not begun (`future`)", body = ErrorEnvelope)))]
async fn remit(s: Caller, PathId(unit): PathId<UnitId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.dues()?;
    desk.keep_unit(unit).await?;
    let b: RemitBody = typed(body)?;
    let month = Month::parse(&b.month).map_err(|e| field_error("month", e))?;
    let amount = desk.remit(unit, month).await?;
    Ok(axum::Json(Remitted { amount }).into_response())
}

#[utoipa::path(get, path = "/api/v1/members/{id}/dues", tag = "dues", params(("id" = i64, Path, description = "Member id"), YearParams),
    responses((status = 200, description = "The member's year: each month, bases, reliefs, payments, arrears", body = MemberDuesBody)))]
async fn member(s: Caller, PathId(member): PathId<MemberId>, Query(p): Query<YearParams>) -> Result<Response, AppError> {
    let year = param("year", parse_year(&p.year, s.today()))?;
    let d = s.dues()?.member(member, year).await?;
    let body = MemberDuesBody {
        member: member.0,
        full_name: d.full_name.clone(),
        year,
        months: d.months.iter().map(MonthBody::from).collect(),
        bases: d
            .bases
            .iter()
            .map(|b| BasisBody {
                id: b.id,
                from: b.from.code(),
                kind: b.basis.kind().code(),
                amount: b.basis.amount(),
                source: if b.source == storage::BasisSource::Member { "member" } else { "chi-bo" },
                confirmed: b.confirmed_by.is_some(),
            })
            .collect(),
        reliefs: d
            .reliefs
            .iter()
            .map(|r| ReliefBody {
                id: r.id,
                kind: r.relief.kind().code(),
                from: r.relief.from().code(),
                to: r.relief.to().code(),
                decision: r.decision.clone(),
            })
            .collect(),
        payments: d
            .payments
            .iter()
            .map(|p| PaymentBody {
                id: p.id,
                month: p.month.code(),
                amount: p.amount,
                paid_on: p.paid_on,
                method: p.method.code(),
                unit: p.unit.0,
            })
            .collect(),
        unpaid: d.arrears.unpaid.iter().map(|m| m.code()).collect(),
        owed: d.arrears.owed,
        proposes_strike_off: d.arrears.proposes_strike_off(),
    };
    Ok(axum::Json(body).into_response())
}

#[utoipa::path(post, path = "/api/v1/members/{id}/dues/payments", tag = "dues", params(("id" = i64, Path, description = "Member id")),
    request_body = PaymentInputBody,
    responses((status = 201, description = "Recorded, credited to the chi bộ whose list held the member on the day paid", body = Created),
              (status = 403, description = "You do not keep dues anywhere", body = ErrorEnvelope),
              (status = 422, description = "A month too early (`too_early`) or too far ahead (`too_far_ahead`), before the admission (`before_admission`), no amount (`zero`), a day in the future (`future`) or when the member was on no list (`not_on_list`)", body = ErrorEnvelope)))]
async fn pay(s: Caller, PathId(member): PathId<MemberId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    s.dues()?.keep_member(member).await?;
    let b: PaymentInputBody = typed(body)?;
    let paid_on = b.paid_on.map(|d| d.to_string()).unwrap_or_default();
    let p = PaymentInput::parse(&b.month, &b.amount.to_string(), &paid_on, b.method.as_deref().unwrap_or(""), s.today())
        .map_err(AppError::validation)?;
    Ok(created(s.dues()?.record_payment(member, p).await?))
}

#[utoipa::path(post, path = "/api/v1/members/{id}/dues/payments/{payment}/cancel", tag = "dues",
    params(("id" = i64, Path, description = "Member id"), ("payment" = i64, Path, description = "The member's payment")),
    request_body = CancelBody,
    responses((status = 200, description = "Cancelled", body = DuesDone),
              (status = 404, description = "No such payment of this member", body = ErrorEnvelope),
              (status = 409, description = "Cancelled meanwhile", body = ErrorEnvelope)))]
async fn cancel(
    s: Caller,
    PathIds(member, payment): PathIds<MemberId, i64>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
    s.dues()?.keep_member(member).await?;
    let b: CancelBody = typed(body)?;
    s.dues()?.cancel_payment(member, payment, &b.reason).await?;
    Ok(axum::Json(DuesDone { ok: true }).into_response())
}

#[utoipa::path(post, path = "/api/v1/members/{id}/dues/bases", tag = "dues", params(("id" = i64, Path, description = "Member id")),
    request_body = BasisInputBody,
    responses((status = 201, description = "Recorded and confirmed", body = Created),
              (status = 422, description = "An amount missing or given where the kind has none, a month not parsed", body = ErrorEnvelope)))]
async fn basis(s: Caller, PathId(member): PathId<MemberId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    s.dues()?.keep_member(member).await?;
    let b: BasisInputBody = typed(body)?;
    let from = Month::parse(&b.from).map_err(|e| field_error("from", e))?;
    let kind = domain::dues::BasisKind::parse(&b.kind).map_err(|e| field_error("kind", e))?;
    let basis = Basis::new(kind, b.amount).map_err(|e| field_error("amount", e))?;
    Ok(created(s.dues()?.record_basis(member, from, basis).await?))
}

#[utoipa::path(post, path = "/api/v1/members/{id}/dues/bases/{basis}/confirm", tag = "dues",
    params(("id" = i64, Path, description = "Member id"), ("basis" = i64, Path, description = "The member's declaration")),
    responses((status = 200, description = "Confirmed", body = DuesDone),
              (status = 404, description = "No such declaration of this member", body = ErrorEnvelope),
              (status = 409, description = "Confirmed already", body = ErrorEnvelope)))]
async fn confirm(s: Caller, PathIds(member, basis): PathIds<MemberId, i64>) -> Result<Response, AppError> {
    s.dues()?.keep_member(member).await?;
    s.dues()?.confirm_basis(member, basis).await?;
    Ok(axum::Json(DuesDone { ok: true }).into_response())
}

#[utoipa::path(post, path = "/api/v1/members/{id}/dues/reliefs", tag = "dues", params(("id" = i64, Path, description = "Member id")),
    request_body = ReliefInputBody,
    responses((status = 201, description = "Recorded", body = Created),
              (status = 422, description = "Longer than 12 months (`too_long`), ending before it begins (`before_from`), no decision (`required`)", body = ErrorEnvelope)))]
async fn relief(s: Caller, PathId(member): PathId<MemberId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    s.dues()?.keep_member(member).await?;
    let b: ReliefInputBody = typed(body)?;
    let r = Relief::parse(&b.kind, &b.from, &b.to).map_err(AppError::validation)?;
    Ok(created(s.dues()?.record_relief(member, r, &b.decision).await?))
}
