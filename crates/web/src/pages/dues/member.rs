//! A member's dues over a year: for the staff who read the member (`/members/{id}/dues`, with
//! the forms of whoever keeps the chi bộ's dues) and for the member in the handbook
//! (`/handbook/dues`, with their declaration of the basis).

use super::*;
use crate::forms::{Field, Section, SummaryItem};
use domain::dues::Relief;
use storage::{BasisSource, MemberDues};

struct MonthLine {
    label: String,
    basis: String,
    due: String,
    why: String,
    paid: String,
    standing: &'static str,
    class: &'static str,
}

struct BasisLine {
    from: String,
    words: String,
    source: &'static str,
    confirmed: bool,
}

struct ReliefLine {
    kind: &'static str,
    months: String,
    decision: String,
}

struct PaymentLine {
    id: i64,
    month: String,
    amount: String,
    paid_on: String,
    method: &'static str,
    by: String,
}

/// What both pages show of a member's year.
struct YearView {
    months: Vec<MonthLine>,
    bases: Vec<BasisLine>,
    reliefs: Vec<ReliefLine>,
    payments: Vec<PaymentLine>,
    unpaid: String,
    owed: String,
    flagged: bool,
}

fn year_view(d: &MemberDues) -> YearView {
    let confirmed: Vec<domain::dues::DatedBasis> =
        d.bases.iter().filter(|b| b.confirmed_by.is_some()).map(|b| domain::dues::DatedBasis { from: b.from, basis: b.basis }).collect();
    YearView {
        months: d
            .months
            .iter()
            .map(|a| {
                let (due, why) = due_words(a);
                MonthLine {
                    label: a.month.short(),
                    basis: basis_words(domain::dues::basis_in(&confirmed, a.month)),
                    due,
                    why,
                    paid: money(a.paid),
                    standing: a.standing.label(),
                    class: standing_class(a.standing),
                }
            })
            .collect(),
        bases: d
            .bases
            .iter()
            .rev()
            .map(|b| BasisLine {
                from: b.from.short(),
                words: basis_words(Some(b.basis)),
                source: match b.source {
                    BasisSource::Member => "Đảng viên kê khai",
                    BasisSource::Staff => "Chi bộ ghi",
                },
                confirmed: b.confirmed_by.is_some(),
            })
            .collect(),
        reliefs: d
            .reliefs
            .iter()
            .map(|r| ReliefLine {
                kind: r.relief.kind().label(),
                months: format!("{} – {}", r.relief.from().short(), r.relief.to().short()),
                decision: r.decision.clone(),
            })
            .collect(),
        payments: d
            .payments
            .iter()
            .map(|p| PaymentLine {
                id: p.id,
                month: p.month.short(),
                amount: money(p.amount),
                paid_on: format::date(p.paid_on),
                method: p.method.label(),
                by: p.created_by.clone(),
            })
            .collect(),
        unpaid: d.arrears.unpaid.iter().map(|m| m.short()).collect::<Vec<_>>().join(", "),
        owed: money(d.arrears.owed),
        flagged: d.arrears.proposes_strike_off(),
    }
}

/// The basis form's sections (`basis_from`, `basis_kind`, `basis_amount`).
fn basis_form(f: &[(String, String)], legend: &'static str, today: NaiveDate) -> Vec<Section> {
    let from = match get(f, "basis_from") {
        "" => Month::of(today).code(),
        typed => typed.to_owned(),
    };
    vec![Section::new(
        legend,
        vec![
            Field::text("basis_from", "Áp dụng từ tháng", &from).required().hint("Tháng/năm, ví dụ 03/2026."),
            Field::select("basis_kind", "Căn cứ", get(f, "basis_kind"), Some("— Chọn —"), basis_kinds()).required(),
            Field::text("basis_amount", "Số tiền làm căn cứ (đồng)", get(f, "basis_amount")).hint(
                "Tiền lương làm căn cứ đóng BHXH, trợ cấp, lương hưu hoặc thu nhập; để trống với học sinh, sinh viên và đảng viên khác.",
            ),
        ],
    )]
}

fn typed_basis(f: &[(String, String)]) -> Result<(Month, Basis), ValidationErrors> {
    let mut e = ValidationErrors::default();
    let from = e.take("basis_from", Month::parse(get(f, "basis_from")));
    let basis = Basis::parse(get(f, "basis_kind"), get(f, "basis_amount")).map_err(|x| forms::prefixed(x, "basis_"));
    match (from, basis) {
        (Some(from), Ok(basis)) if e.is_empty() => Ok((from, basis)),
        (_, Err(mut x)) => {
            x.errors.extend(e.errors);
            Err(x)
        }
        _ => Err(e),
    }
}

#[derive(Template)]
#[template(path = "dues_member.html")]
struct MemberPage {
    chrome: Chrome,
    member: MemberId,
    name: String,
    year: i32,
    years: Vec<i32>,
    view: YearView,
    /// The forms, for whoever keeps this member's dues.
    pay_form: Vec<Section>,
    basis_form: Vec<Section>,
    relief_form: Vec<Section>,
    keeps: bool,
    summary: Vec<SummaryItem>,
    errors: Vec<String>,
}

async fn member_page(
    s: &Caller,
    chrome: Chrome,
    member: MemberId,
    year: i32,
    f: &[(String, String)],
    errors: &ValidationErrors,
    messages: Vec<String>,
) -> Result<MemberPage, AppError> {
    let desk = s.dues()?;
    let dues = desk.member(member, year).await?;
    let keeps = desk.may_keep_member(member).await;
    let today = s.today();
    let (mut pay_form, mut basis_sections, mut relief_form) = (Vec::new(), Vec::new(), Vec::new());
    let mut summary = Vec::new();
    if keeps {
        let month = match get(f, "month") {
            "" => Month::of(today).code(),
            typed => typed.to_owned(),
        };
        let paid_on = match get(f, "paid_on") {
            "" => format::date(today),
            typed => typed.to_owned(),
        };
        pay_form = vec![Section::new(
            "Ghi nhận đóng đảng phí",
            vec![
                Field::text("month", "Đóng cho tháng", &month).required().hint("Tháng/năm; đóng trước tối đa 12 tháng."),
                Field::text("amount", "Số tiền (đồng)", get(f, "amount")).required(),
                Field::date("paid_on", "Ngày đóng", &paid_on),
                Field::select("method", "Hình thức", get(f, "method"), None, methods()),
            ],
        )];
        basis_sections = basis_form(f, "Căn cứ đóng đảng phí", today);
        relief_form = vec![Section::new(
            "Miễn, giảm, chậm đóng",
            vec![
                Field::select("relief_kind", "Hình thức", get(f, "relief_kind"), Some("— Chọn —"), relief_kinds()).required(),
                Field::text("relief_from", "Từ tháng", get(f, "relief_from")).required(),
                Field::text("relief_to", "Đến tháng", get(f, "relief_to")).required().hint("Miễn hoặc giảm mỗi lần tối đa 12 tháng."),
                Field::text("relief_decision", "Quyết định (số, ngày, cấp quyết định)", get(f, "relief_decision")).required(),
            ],
        )];
        summary.extend(forms::attach_errors(&mut pay_form, errors));
        summary.extend(forms::attach_errors(&mut basis_sections, errors));
        summary.extend(forms::attach_errors(&mut relief_form, errors));
    }
    let this_year = today.year();
    Ok(MemberPage {
        chrome: chrome.titled(format!("Đảng phí năm {year}: {}", dues.full_name)),
        member,
        name: dues.full_name.clone(),
        year,
        years: (this_year - 4..=this_year).rev().collect(),
        view: year_view(&dues),
        pay_form,
        basis_form: basis_sections,
        relief_form,
        keeps,
        summary,
        errors: messages,
    })
}

/// `GET /members/{id}/dues[?year=]`.
pub(super) async fn member(
    s: Caller,
    chrome: Chrome,
    PathId(member): PathId<MemberId>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let year = year_of(&q, s.today())?;
    page(&member_page(&s, chrome, member, year, &[], &ValidationErrors::default(), Vec::new()).await?)
}

/// After a member's form: back to the page, or the page again with the problems.
async fn answer(
    s: Caller,
    chrome: Chrome,
    member: MemberId,
    f: &[(String, String)],
    result: Result<(), Result<ValidationErrors, AppError>>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(see_other(&format!("/members/{member}/dues"))),
        Err(e) => {
            let errors = e?;
            let year = s.today().year();
            render(StatusCode::UNPROCESSABLE_ENTITY, &member_page(&s, chrome, member, year, f, &errors, Vec::new()).await?)
        }
    }
}

/// `POST /members/{id}/dues/payments`.
pub(super) async fn pay(
    s: Caller,
    chrome: Chrome,
    PathId(member): PathId<MemberId>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    s.dues()?.keep_member(member).await?;
    let result = match typed_payment(&f, s.today()) {
        Ok(p) => s.dues()?.record_payment(member, p).await.map(|_| ()).map_err(forms::invalid),
        Err(e) => Err(Ok(e)),
    };
    answer(s, chrome, member, &f, result).await
}

/// `POST /members/{id}/dues/bases`.
pub(super) async fn basis(
    s: Caller,
    chrome: Chrome,
    PathId(member): PathId<MemberId>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    s.dues()?.keep_member(member).await?;
    let result = match typed_basis(&f) {
        Ok((from, basis)) => s
            .dues()?
            .record_basis(member, from, basis)
            .await
            .map(|_| ())
            .map_err(|e| forms::invalid(e).map(|x| forms::prefixed(x, "basis_"))),
        Err(e) => Err(Ok(e)),
    };
    answer(s, chrome, member, &f, result).await
}

/// `POST /members/{id}/dues/reliefs`.
pub(super) async fn relief(
    s: Caller,
    chrome: Chrome,
    PathId(member): PathId<MemberId>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    s.dues()?.keep_member(member).await?;
    let result = match Relief::parse(get(&f, "relief_kind"), get(&f, "relief_from"), get(&f, "relief_to")) {
        Ok(r) => s
            .dues()?
            .record_relief(member, r, get(&f, "relief_decision"))
            .await
            .map(|_| ())
            .map_err(|e| forms::invalid(e).map(|x| forms::prefixed(x, "relief_"))),
        Err(e) => Err(Ok(forms::prefixed(e, "relief_"))),
    };
    answer(s, chrome, member, &f, result).await
}

/// `POST /members/{id}/dues/payments/cancel`: a payment recorded by mistake, with the reason.
pub(super) async fn cancel(
    s: Caller,
    chrome: Chrome,
    PathId(member): PathId<MemberId>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    s.dues()?.keep_member(member).await?;
    let id = get(&f, "payment").trim().parse::<i64>().map_err(|_| AppError::bad_request("Thiếu khoản đóng."))?;
    match s.dues()?.cancel_payment(member, id, get(&f, "reason")).await {
        Ok(()) => Ok(see_other(&format!("/members/{member}/dues"))),
        Err(e) => {
            let (status, messages) = forms::refusal_messages(e, "Khoản này vừa được người khác hủy.")?;
            let year = s.today().year();
            render(status, &member_page(&s, chrome, member, year, &[], &ValidationErrors::default(), messages).await?)
        }
    }
}

#[derive(Template)]
#[template(path = "handbook_dues.html")]
struct MinePage {
    chrome: Chrome,
    year: i32,
    years: Vec<i32>,
    view: YearView,
    form: Vec<Section>,
    summary: Vec<SummaryItem>,
}

async fn mine_page(s: &Caller, chrome: Chrome, year: i32, f: &[(String, String)], errors: &ValidationErrors) -> Result<MinePage, AppError> {
    let dues = s.handbook()?.dues(year).await?;
    let mut form = basis_form(f, "Kê khai thu nhập làm căn cứ đóng đảng phí", s.today());
    let summary = forms::attach_errors(&mut form, errors);
    let this_year = s.today().year();
    Ok(MinePage {
        chrome: chrome.titled(format!("Đảng phí năm {year}")),
        year,
        years: (this_year - 4..=this_year).rev().collect(),
        view: year_view(&dues),
        form,
        summary,
    })
}

/// `GET /handbook/dues[?year=]`: the member's own dues.
pub(super) async fn mine(s: Caller, chrome: Chrome, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    let year = year_of(&q, s.today())?;
    page(&mine_page(&s, chrome, year, &[], &ValidationErrors::default()).await?)
}

/// `POST /handbook/dues`: the member declares their basis; the chi bộ confirms it.
pub(super) async fn declare(
    axum::extract::State(state): axum::extract::State<crate::session::AppState>,
    s: Caller,
    chrome: Chrome,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let result = match typed_basis(&f) {
        Ok((from, basis)) => s
            .handbook()?
            .declare_dues_basis(from, basis)
            .await
            .map(|_| ())
            .map_err(|e| forms::invalid(e).map(|x| forms::prefixed(x, "basis_"))),
        Err(e) => Err(Ok(e)),
    };
    match result {
        Ok(()) => {
            crate::pages::handbook::changed(&state, &s);
            Ok(see_other("/handbook/dues"))
        }
        Err(e) => {
            let errors = e?;
            let year = s.today().year();
            render(StatusCode::UNPROCESSABLE_ENTITY, &mine_page(&s, chrome, year, &f, &errors).await?)
        }
    }
}
