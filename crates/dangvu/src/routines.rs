//! `dangvu badges`, `dangvu cards-check`, `dangvu member-work`: member routines from the command
//! line (docs/design/member-routines.md) — who under a unit is due a badge at an award day and
//! who a discipline holds back, by which rule; the card check's findings; the 7-BTCTW report
//! over a period — as text for people or CSV for spreadsheets. Each read is audited.

use anyhow::{Result, anyhow};
use chrono::{Datelike, NaiveDate, Utc};
use serde_json::json;

use domain::badges::{AwardDay, HoldRule, Verdict};
use domain::member_work::Block;
use storage::prelude::*;
use storage::{AuditActor, AuditRecord, Candidate};
use web::csv::{Csv, Value};

use crate::quality::{Format, unit_by_code};
use crate::users::cli_actor;

fn date_arg(name: &str, raw: &Option<String>) -> Result<Option<NaiveDate>> {
    raw.as_deref().map(|r| domain::dates::parse_date(r).map_err(|e| anyhow!("--{name}: {}", e.message))).transpose()
}

async fn audit(store: &dyn Store, action: &'static str, unit: domain::ids::UnitId, details: serde_json::Value) -> Result<()> {
    let actor = AuditActor { name: cli_actor(), ..Default::default() };
    let record = AuditRecord { action, object_kind: "unit", object_id: Some(unit.0.to_string()), details };
    store.audit(&actor, Utc::now(), vec![record]).await?;
    Ok(())
}

#[derive(clap::Args)]
pub struct BadgesArgs {
    /// The unit's code.
    #[arg(long)]
    unit: String,
    /// The award day (3/2, 19/5, 2/9 or 7/11 of a year; default: the next).
    #[arg(long)]
    award_on: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

fn verdict_columns(c: &Candidate) -> (u32, &'static str, String) {
    match c.verdict {
        Verdict::Due { milestone, early_months } if early_months > 0 => {
            (milestone, "xét sớm", format!("{} ({early_months} tháng)", c.circumstance.label()))
        }
        Verdict::Due { milestone, .. } => (milestone, "đủ điều kiện", String::new()),
        Verdict::Held { milestone, hold } => {
            let rule = match hold.rule {
                HoldRule::InForce => "kỷ luật còn hiệu lực (69-QĐ/TW, Điều 2.13)".to_string(),
                HoldRule::Wait(w) => w.label().to_string(),
            };
            let until = hold.until.map_or_else(|| "đến khi có quyết định mới".into(), |d| format!("đến {}", d.format("%d/%m/%Y")));
            (milestone, "chưa xét", format!("kỷ luật {}: {rule}, {until}", hold.form.label().to_lowercase()))
        }
        _ => (0, "", String::new()),
    }
}

pub async fn badges(store: &dyn Store, args: BadgesArgs) -> Result<()> {
    let today = storage::vietnam_today(Utc::now());
    let unit = unit_by_code(store, &args.unit, today).await?;
    let award_on = date_arg("award-on", &args.award_on)?.unwrap_or_else(|| AwardDay::next(today).1);
    let mut all = store.badge_candidates(unit, award_on, today).await?;
    all.extend(store.badge_early(unit, award_on, today).await?);
    audit(store, "read.badge", unit, json!({ "award_on": award_on, "candidates": all.len() })).await?;
    match args.format {
        Format::Csv => {
            let mut csv = Csv::new(&["Họ và tên", "Tổ chức đảng", "Tuổi Đảng (tháng)", "Huy hiệu (năm)", "Kết quả", "Ghi chú"]);
            for c in &all {
                let (milestone, verdict, note) = verdict_columns(c);
                csv.row([
                    Value::Text(&c.member_name),
                    Value::Text(&c.unit_name),
                    Value::Count(u64::from(c.party_age_months)),
                    Value::Count(u64::from(milestone)),
                    Value::Text(verdict),
                    Value::Text(&note),
                ]);
            }
            print!("{}", csv.into_string());
        }
        Format::Text => {
            println!(
                "Huy hiệu Đảng dịp {} — thời gian chờ sau kỷ luật: {}",
                award_on.format("%d/%m/%Y"),
                store.routine_settings().wait_rule.label()
            );
            if all.is_empty() {
                println!("Không có đảng viên nào đến mốc.");
            }
            for c in &all {
                let (milestone, verdict, note) = verdict_columns(c);
                println!(
                    "- {} ({}): {milestone} năm, {verdict}{}",
                    c.member_name,
                    c.unit_name,
                    if note.is_empty() { String::new() } else { format!(" — {note}") }
                );
            }
        }
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct CardsCheckArgs {
    /// The unit's code.
    #[arg(long)]
    unit: String,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub async fn cards_check(store: &dyn Store, args: CardsCheckArgs) -> Result<()> {
    let today = storage::vietnam_today(Utc::now());
    let unit = unit_by_code(store, &args.unit, today).await?;
    let check = store.card_check(unit, today).await?;
    audit(store, "read.card_check", unit, json!({ "checked": check.checked, "findings": check.findings.len() })).await?;
    match args.format {
        Format::Csv => {
            let mut csv = Csv::new(&["Họ và tên", "Tổ chức đảng", "Mã kết quả", "Kết quả", "Số thẻ"]);
            for f in &check.findings {
                csv.row([
                    Value::Text(&f.member_name),
                    Value::Text(&f.unit_name),
                    Value::Text(f.finding.code()),
                    Value::Text(f.finding.label()),
                    Value::Text(&f.detail),
                ]);
            }
            print!("{}", csv.into_string());
        }
        Format::Text => {
            println!(
                "Kiểm tra thẻ đảng viên — {} — ngày {}: {} người, {} có thẻ đang sử dụng",
                check.unit_name,
                today.format("%d/%m/%Y"),
                check.checked,
                check.with_card
            );
            for finding in domain::cards::Finding::ALL {
                println!("{}: {}", finding.label(), check.count(*finding));
            }
            for f in &check.findings {
                println!(
                    "- {} ({}): {}{}",
                    f.member_name,
                    f.unit_name,
                    f.finding.label(),
                    if f.detail.is_empty() { String::new() } else { format!(" — {}", f.detail) }
                );
            }
        }
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct MemberWorkArgs {
    /// The unit's code.
    #[arg(long)]
    unit: String,
    /// First day (default: 1 January of this year).
    #[arg(long)]
    from: Option<String>,
    /// Last day (default: 31 December of this year).
    #[arg(long)]
    to: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub async fn member_work(store: &dyn Store, args: MemberWorkArgs) -> Result<()> {
    let today = storage::vietnam_today(Utc::now());
    let unit = unit_by_code(store, &args.unit, today).await?;
    let from = date_arg("from", &args.from)?.or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1)).unwrap_or(today);
    let to = date_arg("to", &args.to)?.or_else(|| NaiveDate::from_ymd_opt(today.year(), 12, 31)).unwrap_or(today);
    let r = store.member_work_report(unit, from, to, today).await?;
    audit(store, "read.member_work", unit, json!({ "from": from, "to": to })).await?;
    match args.format {
        Format::Csv => {
            let mut csv = Csv::new(&["Mã dòng", "Mục", "Chỉ tiêu", "Số lượng"]);
            for l in &r.lines {
                let (code, label) = (l.line.code(), l.line.label());
                csv.row([
                    Value::Text(&code),
                    Value::Text(l.line.block().label()),
                    Value::Text(&label),
                    Value::Count(l.members.len() as u64),
                ]);
            }
            print!("{}", csv.into_string());
        }
        Format::Text => {
            println!(
                "Báo cáo nghiệp vụ công tác đảng viên (7-BTCTW) — {} — từ {} đến {}",
                r.unit_name,
                from.format("%d/%m/%Y"),
                to.format("%d/%m/%Y")
            );
            for b in Block::ALL {
                println!("{}:", b.label());
                for l in r.lines.iter().filter(|l| l.line.block() == b) {
                    println!("  {}: {}", l.line.label(), l.members.len());
                }
            }
        }
    }
    Ok(())
}
