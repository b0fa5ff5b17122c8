//! `dangvu dues`: a unit's dues ledger for a year from the command line (docs/design/dues.md) —
//! month by month what it collected, received, keeps, sends up and still owes, its units below,
//! and the members with months unpaid — as text for people or CSV for spreadsheets. The read is
//! written to the audit trail.

use anyhow::{Result, anyhow};
use chrono::{Datelike, Utc};
use serde_json::json;

use domain::dues::LedgerMonth;
use storage::prelude::*;
use storage::{ArrearsLine, AuditActor, AuditRecord, DuesLedger};
use web::csv::{Csv, Value};

use crate::quality::{Format, unit_by_code};
use crate::users::cli_actor;

#[derive(clap::Args)]
pub struct DuesArgs {
    /// The unit's code.
    #[arg(long)]
    unit: String,
    /// The year (default: this year).
    #[arg(long)]
    year: Option<i32>,
    /// The members with months unpaid instead of the ledger.
    #[arg(long)]
    arrears: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub async fn run(store: &dyn Store, args: DuesArgs) -> Result<()> {
    let today = storage::vietnam_today(Utc::now());
    let year = args.year.unwrap_or(today.year());
    if !(2011..=today.year() + 1).contains(&year) {
        return Err(anyhow!("--year: năm đóng đảng phí từ 2011 đến {}", today.year() + 1));
    }
    let unit = unit_by_code(store, &args.unit, today).await?;
    let actor = AuditActor { name: cli_actor(), ..Default::default() };
    let details = json!({ "year": year, "arrears": args.arrears });
    let record = AuditRecord { action: "read.dues", object_kind: "unit", object_id: Some(unit.0.to_string()), details };
    if args.arrears {
        let lines = store.dues_arrears(unit, year, today).await?;
        store.audit(&actor, Utc::now(), vec![record]).await?;
        match args.format {
            Format::Csv => print!("{}", arrears_csv(&lines)),
            Format::Text => print!("{}", arrears_text(&lines, year)),
        }
    } else {
        let ledger = store.dues_ledger(unit, year, today).await?;
        store.audit(&actor, Utc::now(), vec![record]).await?;
        match args.format {
            Format::Csv => print!("{}", ledger_csv(&ledger)),
            Format::Text => print!("{}", ledger_text(&ledger)),
        }
    }
    Ok(())
}

fn cells(m: &LedgerMonth) -> [u64; 6] {
    [m.collected, m.received, m.retained, m.to_remit, m.remitted, m.outstanding()]
}

fn ledger_csv(l: &DuesLedger) -> String {
    let mut csv = Csv::new(&["Tháng", "Thu của đảng viên", "Nhận của cấp dưới", "Giữ lại", "Phải nộp", "Đã nộp", "Còn phải nộp"]);
    for m in &l.months {
        let code = m.month.code();
        let mut row = vec![Value::Text(&code)];
        row.extend(cells(m).map(Value::Count));
        csv.row(row);
    }
    csv.into_string()
}

fn money(d: u64) -> String {
    web::pages::dues::money(d)
}

fn ledger_text(l: &DuesLedger) -> String {
    let mut out = format!("Sổ thu, nộp đảng phí năm {} — {} (giữ lại {} %)\n", l.year, l.unit_name, l.share);
    out.push_str("Tháng    | Thu          | Nhận         | Giữ lại      | Phải nộp     | Đã nộp       | Còn phải nộp\n");
    for m in &l.months {
        let c = cells(m).map(money);
        out.push_str(&format!(
            "{:<8} | {:>12} | {:>12} | {:>12} | {:>12} | {:>12} | {:>12}\n",
            m.month.short(),
            c[0],
            c[1],
            c[2],
            c[3],
            c[4],
            c[5]
        ));
    }
    if !l.children.is_empty() {
        out.push_str("\nTổ chức trực thuộc (thu và nhận / đã nộp lên / còn phải nộp):\n");
        for c in &l.children {
            out.push_str(&format!("- {}: {} / {} / {}\n", c.name, money(c.income), money(c.remitted), money(c.outstanding)));
        }
    }
    out.push_str(&format!("\nĐảng viên còn nợ: {}; chưa đóng từ ba tháng trở lên: {} đảng viên.\n", money(l.owed), l.members_flagged));
    out
}

fn arrears_csv(lines: &[ArrearsLine]) -> String {
    let mut csv = Csv::new(&["Mã đảng viên", "Họ và tên", "Chi bộ", "Số tháng chưa đóng", "Các tháng", "Còn nợ", "Xem xét xóa tên"]);
    for l in lines {
        let months: Vec<String> = l.arrears.unpaid.iter().map(|m| m.code()).collect();
        let (id, months) = (l.member.0.to_string(), months.join(" "));
        csv.row([
            Value::Text(&id),
            Value::Text(&l.full_name),
            Value::Text(&l.unit_name),
            Value::Count(l.arrears.unpaid.len() as u64),
            Value::Text(&months),
            Value::Count(l.arrears.owed),
            Value::Text(if l.arrears.proposes_strike_off() { "có" } else { "" }),
        ]);
    }
    csv.into_string()
}

fn arrears_text(lines: &[ArrearsLine], year: i32) -> String {
    let mut out = format!("Đảng viên chưa đóng đảng phí năm {year}: {}\n", lines.len());
    for l in lines {
        let months: Vec<String> = l.arrears.unpaid.iter().map(|m| m.short()).collect();
        let flag = if l.arrears.proposes_strike_off() { " — XEM XÉT XÓA TÊN" } else { "" };
        out.push_str(&format!(
            "- {} (mã {}), {}: tháng {} — còn nợ {}{flag}\n",
            l.full_name,
            l.member,
            l.unit_name,
            months.join(", "),
            money(l.arrears.owed)
        ));
    }
    out
}
