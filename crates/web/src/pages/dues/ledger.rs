//! A unit's dues ledger for a year (sổ thu, nộp đảng phí): month by month what it collected from
//! its members and received from the units below, the share it keeps, what it remits and has
//! remitted, with the remittance of a month; the units below; the members who owe; its `.xlsx`.

use super::*;
use crate::pages::Link;
use crate::xlsx::{self, Cell, Sheet};
use domain::dues::LedgerMonth;
use storage::{ArrearsLine, DuesLedger};

struct MonthRow {
    code: String,
    label: String,
    collected: String,
    received: String,
    retained: String,
    to_remit: String,
    remitted: String,
    outstanding: String,
    /// The month may be remitted now by this person.
    remit: bool,
}

struct ChildRow {
    link: Link,
    income: String,
    remitted: String,
    outstanding: String,
}

#[derive(Template)]
#[template(path = "dues_ledger.html")]
struct LedgerPage {
    chrome: Chrome,
    unit: UnitId,
    unit_label: String,
    year: i32,
    years: Vec<i32>,
    share: u32,
    parent: String,
    holds_members: bool,
    months: Vec<MonthRow>,
    totals: MonthRow,
    children: Vec<ChildRow>,
    owed: String,
    flagged: usize,
    errors: Vec<String>,
}

fn month_row(m: &LedgerMonth, remit: bool) -> MonthRow {
    MonthRow {
        code: m.month.code(),
        label: m.month.short(),
        collected: money(m.collected),
        received: money(m.received),
        retained: money(m.retained),
        to_remit: money(m.to_remit),
        remitted: money(m.remitted),
        outstanding: money(m.outstanding()),
        remit,
    }
}

fn totals(l: &DuesLedger) -> LedgerMonth {
    LedgerMonth {
        month: Month { year: l.year, month: 12 },
        collected: l.total(|m| m.collected),
        received: l.total(|m| m.received),
        retained: l.total(|m| m.retained),
        to_remit: l.total(|m| m.to_remit),
        remitted: l.total(|m| m.remitted),
    }
}

async fn ledger_page(s: &Caller, chrome: Chrome, unit: UnitId, year: i32, errors: Vec<String>) -> Result<LedgerPage, AppError> {
    let desk = s.dues()?;
    let l = desk.ledger(unit, year).await?;
    let keeps = desk.may_keep_unit(unit).await;
    let this = Month::of(s.today());
    let months = l.months.iter().map(|m| month_row(m, keeps && m.outstanding() > 0 && m.month <= this)).collect();
    let mut children = Vec::new();
    for c in &l.children {
        children.push(ChildRow {
            link: Link::unit(s, c.unit, "/dues/ledger", c.name.clone()).await,
            income: money(c.income),
            remitted: money(c.remitted),
            outstanding: money(c.outstanding),
        });
    }
    let label = unit_label(s, unit, &l.unit_name);
    let this_year = s.today().year();
    Ok(LedgerPage {
        chrome: chrome.titled(format!("Sổ thu, nộp đảng phí năm {year}: {label}")),
        unit,
        unit_label: label,
        year,
        years: (this_year - 4..=this_year).rev().collect(),
        share: l.share,
        parent: l.parent.as_ref().map_or_else(|| "cấp trên".to_owned(), |(_, n)| n.clone()),
        holds_members: l.kind.holds_members(),
        totals: month_row(&totals(&l), false),
        months,
        children,
        owed: money(l.owed),
        flagged: l.members_flagged,
        errors,
    })
}

/// `GET /units/{id}/dues/ledger[?year=]`.
pub(super) async fn ledger(
    s: Caller,
    chrome: Chrome,
    PathId(unit): PathId<UnitId>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let year = year_of(&q, s.today())?;
    page(&ledger_page(&s, chrome, unit, year, Vec::new()).await?)
}

/// `POST /units/{id}/dues/remit`: remits what the month still owes up.
pub(super) async fn remit(
    s: Caller,
    chrome: Chrome,
    PathId(unit): PathId<UnitId>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.dues()?;
    desk.keep_unit(unit).await?;
    let month = Month::parse(get(&f, "month")).map_err(|_| AppError::bad_request("Tháng không hợp lệ."))?;
    match desk.remit(unit, month).await {
        Ok(_) => Ok(see_other(&format!("/units/{unit}/dues/ledger?year={}", month.year))),
        Err(e) => {
            let (status, errors) = forms::refusal_messages(e, "Tháng này vừa được người khác nộp lên; xem lại sổ.")?;
            render(status, &ledger_page(&s, chrome, unit, month.year, errors).await?)
        }
    }
}

const LEDGER_COLUMNS: [&str; 7] =
    ["Tháng", "Thu của đảng viên", "Nhận của cấp dưới", "Được giữ lại", "Phải nộp cấp trên", "Đã nộp cấp trên", "Còn phải nộp"];

fn ledger_cells(label: String, m: &LedgerMonth) -> Vec<Cell> {
    vec![
        Cell::text(label),
        Cell::Count(m.collected),
        Cell::Count(m.received),
        Cell::Count(m.retained),
        Cell::Count(m.to_remit),
        Cell::Count(m.remitted),
        Cell::Count(m.outstanding()),
    ]
}

fn arrears_sheet(lines: &[ArrearsLine], year: i32) -> Sheet {
    Sheet {
        name: "Đảng viên chậm đóng".into(),
        title: format!("Đảng viên chưa đóng đảng phí năm {year}"),
        header: xlsx::header(&["Đảng viên", "Chi bộ", "Số tháng chưa đóng", "Các tháng", "Còn nợ (đồng)", "Xem xét xóa tên"]),
        rows: lines
            .iter()
            .map(|l| {
                vec![
                    Cell::text(l.full_name.clone()),
                    Cell::text(l.unit_name.clone()),
                    Cell::Count(l.arrears.unpaid.len() as u64),
                    Cell::text(l.arrears.unpaid.iter().map(|m| m.short()).collect::<Vec<_>>().join(", ")),
                    Cell::Count(l.arrears.owed),
                    Cell::text(if l.arrears.proposes_strike_off() { "Có" } else { "" }),
                ]
            })
            .collect(),
        bold_rows: Vec::new(),
    }
}

/// `GET /units/{id}/dues/ledger.xlsx[?year=]`: the ledger, the units below and the members who
/// owe, as a workbook.
pub(super) async fn ledger_xlsx(s: Caller, PathId(unit): PathId<UnitId>, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    let year = year_of(&q, s.today())?;
    let desk = s.dues()?;
    let l = desk.ledger(unit, year).await?;
    let arrears = desk.arrears(unit, year).await?;
    let mut rows: Vec<Vec<Cell>> = l.months.iter().map(|m| ledger_cells(m.month.short(), m)).collect();
    rows.push(ledger_cells("Cả năm".into(), &totals(&l)));
    let ledger = Sheet {
        name: "Sổ thu nộp".into(),
        title: format!("Sổ thu, nộp đảng phí năm {year} – {} (giữ lại {} %)", l.unit_name, l.share),
        header: xlsx::header(&LEDGER_COLUMNS),
        bold_rows: vec![rows.len() - 1],
        rows,
    };
    let children = Sheet {
        name: "Tổ chức trực thuộc".into(),
        title: format!("Đảng phí của các tổ chức trực thuộc năm {year}"),
        header: xlsx::header(&["Tổ chức", "Thu và nhận (đồng)", "Đã nộp lên (đồng)", "Còn phải nộp (đồng)"]),
        rows: l
            .children
            .iter()
            .map(|c| vec![Cell::text(c.name.clone()), Cell::Count(c.income), Cell::Count(c.remitted), Cell::Count(c.outstanding)])
            .collect(),
        bold_rows: Vec::new(),
    };
    Ok(xlsx::download(&[ledger, children, arrears_sheet(&arrears, year)], &format!("dang-phi-{unit}-{year}")))
}

struct ArrearsRow {
    member: Link,
    unit: String,
    months: String,
    count: usize,
    owed: String,
    flagged: bool,
}

#[derive(Template)]
#[template(path = "dues_arrears.html")]
struct ArrearsPage {
    chrome: Chrome,
    unit: UnitId,
    unit_label: String,
    year: i32,
    years: Vec<i32>,
    rows: Vec<ArrearsRow>,
    flagged: usize,
    strike_off_href: Option<String>,
}

/// `GET /units/{id}/dues/arrears[?year=]`: members with months unpaid, most first.
pub(super) async fn arrears(
    s: Caller,
    chrome: Chrome,
    PathId(unit): PathId<UnitId>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let year = year_of(&q, s.today())?;
    let lines = s.dues()?.arrears(unit, year).await?;
    let mut rows = Vec::new();
    for l in &lines {
        rows.push(ArrearsRow {
            member: Link::if_allowed(
                &s,
                "/members/{id}/dues",
                Some(storage::ScopeTarget::Member(l.member)),
                format!("/members/{}/dues?year={year}", l.member),
                l.full_name.clone(),
            )
            .await,
            unit: l.unit_name.clone(),
            months: l.arrears.unpaid.iter().map(|m| m.short()).collect::<Vec<_>>().join(", "),
            count: l.arrears.unpaid.len(),
            owed: money(l.arrears.owed),
            flagged: l.arrears.proposes_strike_off(),
        });
    }
    let label = unit_label(&s, unit, "");
    let this_year = s.today().year();
    let strike_off = crate::policy::may_open(&s, "/units/{id}/strike-off", Some(storage::ScopeTarget::Unit(unit))).await;
    page(&ArrearsPage {
        chrome: chrome.titled(format!("Đảng viên chậm đóng đảng phí năm {year}: {label}")),
        unit,
        unit_label: label,
        year,
        years: (this_year - 4..=this_year).rev().collect(),
        flagged: rows.iter().filter(|r| r.flagged).count(),
        rows,
        strike_off_href: strike_off.then(|| crate::pages::strike_off::href(unit)),
    })
}
