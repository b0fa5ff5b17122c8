//! `dangvu evaluation`: a unit's evaluation report from the command line
//! (docs/design/evaluation.md) — the round of a period covering the unit, members and
//! organizations by level with the shares committees write, each unit below — or, with `--due`,
//! the open rounds with work under the unit, their deadlines and what waits; as text for people
//! or CSV for spreadsheets. The read is written to the audit trail.

use anyhow::{Result, anyhow};
use chrono::{Datelike, NaiveDate, Utc};
use serde_json::json;

use domain::evaluation::{Level, Period, percent};
use domain::ids::UnitId;
use storage::prelude::*;
use storage::{AuditActor, AuditRecord, LevelCounts, RoundDue, RoundSheet};
use web::csv::{Csv, Value};

use crate::quality::{Format, unit_by_code};
use crate::users::cli_actor;

#[derive(clap::Args)]
pub struct EvaluationArgs {
    /// The unit's code.
    #[arg(long)]
    unit: String,
    /// The period: a year (default: this year), a quarter `2026-Q3` or a term `2021-2026`.
    #[arg(long)]
    period: Option<String>,
    /// The open rounds with work under the unit, their deadlines and what waits, instead of a report.
    #[arg(long)]
    due: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub async fn run(store: &dyn Store, args: EvaluationArgs) -> Result<()> {
    let today = storage::vietnam_today(Utc::now());
    let unit = unit_by_code(store, &args.unit, today).await?;
    let actor = AuditActor { name: cli_actor(), ..Default::default() };
    if args.due {
        let due = store.rounds_due(unit, today).await?;
        match args.format {
            Format::Csv => print!("{}", due_csv(&due)),
            Format::Text => print!("{}", due_text(&due, today)),
        }
        return Ok(());
    }
    let period = match &args.period {
        Some(p) => Period::parse(p).map_err(|e| anyhow!("--period: {}", e.message))?,
        None => Period::Year(today.year()),
    };
    let sheet = report(store, unit, period, today).await?;
    let details = json!({ "round": sheet.round.id, "members": sheet.members.len(), "units": sheet.units.len() });
    let record = AuditRecord { action: "read.evaluation", object_kind: "unit", object_id: Some(unit.0.to_string()), details };
    store.audit(&actor, Utc::now(), vec![record]).await?;
    match args.format {
        Format::Csv => print!("{}", report_csv(&sheet)),
        Format::Text => print!("{}", report_text(&sheet)),
    }
    Ok(())
}

/// The sheet of the round of `period` covering the unit (the latest opened when several do).
async fn report(store: &dyn Store, unit: UnitId, period: Period, today: NaiveDate) -> Result<RoundSheet> {
    let round = store
        .evaluation_rounds(unit, today)
        .await?
        .into_iter()
        .filter(|r| r.period == period)
        .max_by_key(|r| r.opened_on)
        .ok_or_else(|| anyhow!("--period: không có đợt đánh giá {} nào bao gồm tổ chức này", period.label()))?;
    Ok(store.round_sheet(round.id, unit, today).await?)
}

fn counts_row(c: &LevelCounts) -> [u64; 5] {
    let [x, g, d, n] = c.levels;
    [x, g, d, n, c.undecided].map(u64::from)
}

fn report_csv(sh: &RoundSheet) -> String {
    let mut header = vec!["Đơn vị"];
    header.extend(Level::ALL.iter().map(|l| l.label()));
    header.push("Chưa xếp loại");
    let mut csv = Csv::new(&header);
    for (_, name, c) in &sh.by_child {
        let mut row = vec![Value::Text(name)];
        row.extend(counts_row(c).map(Value::Count));
        csv.row(row);
    }
    let mut total = vec![Value::Text(&sh.unit_name)];
    total.extend(counts_row(&sh.member_counts).map(Value::Count));
    csv.row(total);
    csv.into_string()
}

/// "Hoàn thành tốt nhiệm vụ: 12 (37,5%)" for each level.
fn levels_text(c: &LevelCounts) -> String {
    let decided = c.decided();
    Level::ALL.iter().zip(c.levels).map(|(l, n)| format!("  {}: {n} ({})\n", l.label(), percent(n, decided))).collect::<String>()
        + &format!("  Chưa xếp loại: {}\n", c.undecided)
}

fn report_text(sh: &RoundSheet) -> String {
    let r = &sh.round;
    let mut out = format!("Kết quả xếp loại chất lượng {} — {} ({})\n", r.period.label(), sh.unit_name, r.regulation.label());
    if let Some(due) = r.due_on {
        out.push_str(&format!("Hạn hoàn thành: {}{}\n", due.format("%d/%m/%Y"), if r.closed_on.is_some() { "; đã kết thúc" } else { "" }));
    }
    out.push_str(&format!("Đảng viên ({}):\n", sh.member_counts.decided() + sh.member_counts.undecided));
    out.push_str(&levels_text(&sh.member_counts));
    out.push_str(&format!("Tổ chức đảng ({}):\n", sh.unit_counts.decided() + sh.unit_counts.undecided));
    out.push_str(&levels_text(&sh.unit_counts));
    if !sh.by_child.is_empty() {
        out.push_str("Theo đơn vị trực thuộc (xuất sắc / tốt / hoàn thành / không hoàn thành / chưa xếp loại):\n");
        for (_, name, c) in &sh.by_child {
            let [x, g, d, n, u] = counts_row(c);
            out.push_str(&format!("- {name}: {x} / {g} / {d} / {n} / {u}\n"));
        }
    }
    out
}

fn due_csv(due: &[RoundDue]) -> String {
    let mut csv = Csv::new(&[
        "Đợt",
        "Cấp mở đợt",
        "Hạn hoàn thành",
        "Đảng viên",
        "Chưa tự đánh giá",
        "Chờ chi bộ đề xuất",
        "Chờ quyết định",
        "Tổ chức đảng chờ quyết định",
    ]);
    for d in due {
        let (period, due_on) = (d.round.period.code(), d.round.due_on.map(|x| x.to_string()).unwrap_or_default());
        let m = d.members;
        csv.row([
            Value::Text(&period),
            Value::Text(&d.opened_by),
            Value::Text(&due_on),
            Value::Count(u64::from(m.total)),
            Value::Count(u64::from(m.awaiting_self())),
            Value::Count(u64::from(m.awaiting_proposal())),
            Value::Count(u64::from(m.awaiting_decision())),
            Value::Count(u64::from(d.units.awaiting_decision())),
        ]);
    }
    csv.into_string()
}

fn due_text(due: &[RoundDue], today: NaiveDate) -> String {
    let mut out = format!("Đợt đánh giá đang mở: {}\n", due.len());
    for d in due {
        let deadline = match d.round.due_on {
            Some(x) if x < today => format!("QUÁ HẠN {}", x.format("%d/%m/%Y")),
            Some(x) => format!("hạn {}", x.format("%d/%m/%Y")),
            None => "chưa đặt hạn".into(),
        };
        let m = d.members;
        out.push_str(&format!(
            "- {} ({}), {deadline}: {} đảng viên — {} chưa tự đánh giá, {} chờ chi bộ đề xuất, {} chờ quyết định; {} tổ chức đảng chờ quyết định\n",
            d.round.period.label(),
            d.opened_by,
            m.total,
            m.awaiting_self(),
            m.awaiting_proposal(),
            m.awaiting_decision(),
            d.units.awaiting_decision()
        ));
    }
    out
}
