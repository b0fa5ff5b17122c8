//! `dangvu transfers`: a unit's transfer book from the command line (sổ theo dõi chuyển sinh
//! hoạt đảng, docs/design/transfers.md) — each line's count over a period, the transfers of a
//! line, what is late today on either side — as text for people or as the page's CSV. The read
//! is written to the audit trail.

use anyhow::{Result, anyhow};
use chrono::{Datelike, Utc};
use serde_json::json;

use domain::dates::{format_vn, parse_date};
use domain::transfers::BookLine;
use storage::prelude::*;
use storage::{AuditActor, AuditRecord, TransferBook, TransferView};

use crate::quality::{Format, unit_by_code};
use crate::users::cli_actor;

#[derive(clap::Args)]
pub struct TransferArgs {
    /// The unit's code: the transfers its subtree sent or received.
    #[arg(long)]
    unit: String,
    /// First day of the period (default: 1 January of this year).
    #[arg(long)]
    from: Option<String>,
    /// Last day of the period (default: today).
    #[arg(long)]
    to: Option<String>,
    /// Only the transfers of this line (chuyen-di, tiep-nhan, dang-chuyen, tu-choi, huy, tam-thoi).
    #[arg(long)]
    line: Option<String>,
    /// Only the transfers late today.
    #[arg(long)]
    late: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub async fn run(store: &dyn Store, args: TransferArgs) -> Result<()> {
    let today = storage::vietnam_today(Utc::now());
    let unit = unit_by_code(store, &args.unit, today).await?;
    let day =
        |flag: &str, typed: &Option<String>| typed.as_deref().map(parse_date).transpose().map_err(|e| anyhow!("--{flag}: {}", e.message));
    let first = day("from", &args.from)?.unwrap_or_else(|| today.with_ordinal(1).unwrap_or(today));
    let last = day("to", &args.to)?.unwrap_or(today);
    if last < first {
        return Err(anyhow!("--to: ngày cuối kỳ phải từ ngày đầu kỳ trở đi"));
    }
    let line = args.line.as_deref().map(BookLine::parse).transpose().map_err(|e| anyhow!("--line: {}", e.message))?;
    let mut book = store.transfer_book(unit, first, last, line, today).await?;
    if args.late {
        book.rows.clear();
    }
    let mut members: Vec<i64> = book.rows.iter().chain(&book.late).map(|t| t.member.0).collect();
    members.sort_unstable();
    members.dedup();
    let details = json!({ "unit": unit, "first": first, "last": last, "members": members });
    let actor = AuditActor { name: cli_actor(), ..Default::default() };
    store
        .audit(
            &actor,
            Utc::now(),
            vec![AuditRecord { action: "read.transfers", object_kind: "unit", object_id: Some(unit.0.to_string()), details }],
        )
        .await?;
    match args.format {
        Format::Csv => print!("{}", web::pages::transfers::csv_of(&book).into_string()),
        Format::Text => print!("{}", text(&book, args.late)),
    }
    Ok(())
}

fn line_of(t: &TransferView) -> String {
    let late = t.late.map(|l| format!(" — QUÁ HẠN: {} (hạn {})", l.kind.label(), format_vn(l.due))).unwrap_or_default();
    format!(
        "- {} (mã {}): {} số {} ngày {}, {} → {}: {}{late}\n",
        t.full_name,
        t.member,
        t.mode_label,
        t.letter_number,
        format_vn(t.letter_date),
        t.from.name,
        t.to.name,
        t.stage_label
    )
}

/// The book for people: each line's count, then the transfers.
fn text(b: &TransferBook, late_only: bool) -> String {
    let mut out = format!("Sổ chuyển sinh hoạt đảng: {} — từ {} đến {}\n", b.unit_name, format_vn(b.first), format_vn(b.last));
    for l in &b.lines {
        out.push_str(&format!("  {:>6}  {}\n", l.count, l.label));
    }
    out.push_str(&format!("Quá hạn hôm nay ({}):\n", b.late.len()));
    for t in &b.late {
        out.push_str(&line_of(t));
    }
    if !late_only {
        let title = b.line.map_or("Các lượt chuyển trong kỳ", |l| l.label());
        out.push_str(&format!("{title} ({}):\n", b.rows.len()));
        for t in &b.rows {
            out.push_str(&line_of(t));
        }
    }
    out
}
