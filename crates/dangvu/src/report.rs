//! `dangvu report …`: the register's statistics from the command line, as JSON for scripts or as
//! text for people.

use anyhow::{Result, anyhow};
use chrono::{Datelike, NaiveDate, Utc};
use clap::{Subcommand, ValueEnum};

use domain::dates::{format_vn, parse_date};
use domain::ids::UnitId;
use domain::stats::{AgeBands, Structure};
use storage::prelude::*;
use storage::{Period, ReportRequest, StoreError};

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Members on a unit's list on a date, in every breakdown, for it and the units directly under it.
    Counts {
        /// The unit's code (or its number).
        #[arg(long)]
        unit: String,
        /// dd/mm/yyyy or yyyy-mm-dd; today when omitted.
        #[arg(long)]
        date: Option<String>,
        /// Upper bounds of the age bands (default 30,35,40,45,50,55,60).
        #[arg(long)]
        age_bands: Option<String>,
        /// of_date (the tree as it stood on the date) or current (today's tree, dissolved units
        /// regrouped into their successors).
        #[arg(long, default_value = "of_date")]
        structure: String,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// Movements of a unit's list over a period (form 1-BTCTW), in total and per unit under it.
    Movements(PeriodArgs),
    /// Members admitted in a period, in the published breakdown, with the year's targets and the
    /// grassroots organizations that admitted nobody.
    Admissions(PeriodArgs),
}

/// The arguments of the period reports.
#[derive(clap::Args)]
pub struct PeriodArgs {
    /// The unit's code (or its number).
    #[arg(long)]
    unit: String,
    /// First day, dd/mm/yyyy or yyyy-mm-dd (default: 1 January of this year).
    #[arg(long)]
    from: Option<String>,
    /// Last day, included (default: today).
    #[arg(long)]
    to: Option<String>,
    /// of_date (the tree as it stood on each day) or current (today's tree).
    #[arg(long, default_value = "of_date")]
    structure: String,
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
}

impl PeriodArgs {
    /// The report asked for, checked.
    fn request(&self, unit: UnitId, today: NaiveDate) -> Result<ReportRequest> {
        let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
        let first = date_arg("from", self.from.as_deref(), year_start)?;
        let last = date_arg("to", self.to.as_deref(), today)?;
        let structure = Structure::parse(&self.structure).map_err(|e| anyhow!("--structure: {}", e.message))?;
        Ok(ReportRequest { unit, when: Period { first, last }, structure, today })
    }
}

fn date_arg(name: &str, value: Option<&str>, default: NaiveDate) -> Result<NaiveDate> {
    match value {
        None => Ok(default),
        Some(d) => parse_date(d).map_err(|e| anyhow!("--{name}: {}", e.message)),
    }
}

/// The unit `--unit` names: its code (any case), or its number.
async fn unit_arg(store: &dyn Store, unit: &str, today: NaiveDate) -> Result<UnitId> {
    match unit.trim().parse::<i64>() {
        Ok(id) => Ok(UnitId(id)),
        Err(_) => Ok(crate::users::unit_by_code(store, unit, today).await?.id),
    }
}

fn store_error(unit: String) -> impl Fn(StoreError) -> anyhow::Error {
    move |e| match e {
        StoreError::Invalid(v) => anyhow!("{}", v.summary()),
        StoreError::NotFound => anyhow!("không có tổ chức {unit}"),
        other => anyhow!(other),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Text,
}

pub async fn run(store: &dyn Store, command: ReportCommand) -> Result<()> {
    let today = storage::vietnam_today(Utc::now());
    match command {
        ReportCommand::Counts { unit, date, age_bands, structure, format } => {
            let on = date_arg("date", date.as_deref(), today)?;
            let structure = Structure::parse(&structure).map_err(|e| anyhow!("--structure: {}", e.message))?;
            let bands = match age_bands.as_deref() {
                None => AgeBands::default(),
                Some(b) => AgeBands::parse(b).map_err(|e| anyhow!("--age-bands: {}", e.message))?,
            };
            let id = unit_arg(store, &unit, today).await?;
            let request = ReportRequest { unit: id, when: on, structure, today };
            let r = store.counts_report(request, &bands).await.map_err(store_error(unit))?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&r)?),
                Format::Text => {
                    println!("{} — tính đến ngày {}", r.unit.name, format_vn(r.on));
                    let b = &r.total;
                    println!(
                        "Tổng số {} (chính thức {}, dự bị {}, miễn sinh hoạt {}); nữ {}; dân tộc thiểu số {}; đoàn viên {}",
                        b.total, b.official, b.probationary, b.exempt, b.women, b.ethnic_minority, b.youth_union
                    );
                    for (label, n) in r.age_bands.iter().zip(&b.age) {
                        println!("  {label:<10} {n}");
                    }
                    for (head, c) in &r.children {
                        println!("  {}: {}", head.label, c.total);
                    }
                }
            }
            Ok(())
        }
        ReportCommand::Movements(args) => {
            let request = args.request(unit_arg(store, &args.unit, today).await?, today)?;
            let (unit, format) = (args.unit, args.format);
            let r = store.movement_report(request).await.map_err(store_error(unit))?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&r)?),
                Format::Text => {
                    println!("{} — từ {} đến {}", r.unit.name, format_vn(r.first), format_vn(r.last));
                    adjusted_line(r.adjusted.as_ref(), r.structure);
                    for (row, label, v) in r.total.form_lines() {
                        println!("  {row:<4} {label:<60} {v}");
                    }
                    for (head, m) in &r.rows {
                        println!("  {}: {} + {} − {} = {}", head.label, m.start, m.inflow_total(), m.outflow_total(), m.end);
                    }
                }
            }
            Ok(())
        }
        ReportCommand::Admissions(args) => {
            let request = args.request(unit_arg(store, &args.unit, today).await?, today)?;
            let (unit, format) = (args.unit, args.format);
            let r = store.admission_report(request).await.map_err(store_error(unit))?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&r)?),
                Format::Text => {
                    println!("{} — từ {} đến {}", r.unit.name, format_vn(r.first), format_vn(r.last));
                    adjusted_line(r.adjusted.as_ref(), r.structure);
                    println!("  {}", web::admission_words::sentence(&r));
                    println!("  Chỉ tiêu: {}", r.target.label);
                    for term in &r.terms {
                        println!("  {}", web::admission_words::term_line(term));
                    }
                    println!("  Kết nạp {}", r.total.admitted);
                    for (label, n) in r.total.lines() {
                        println!("  {label:<40} {n}");
                    }
                    println!("  Theo nguồn giới thiệu:");
                    for l in &r.sources {
                        println!("    {:<40} {}", l.label, l.admitted);
                    }
                    println!("  Theo nhóm chỉ tiêu:");
                    for g in &r.groups {
                        let target = web::admission_words::target_cell(g.target.as_ref());
                        let target = if target == "–" { String::new() } else { format!(" / chỉ tiêu {target}") };
                        println!("    {:<40} {}{target}", g.label, g.admitted);
                    }
                    println!("  Nhân dịp lễ, kỷ niệm ({}): {}", r.occasions.list, r.occasions.on_occasions);
                    for o in &r.occasions.lines {
                        println!("    {:<6} {:<40} {}", o.day_month, o.name, o.admitted);
                    }
                    for row in &r.rows {
                        let target = web::admission_words::target_cell(row.target.as_ref());
                        println!("  {}: {} / chỉ tiêu kỳ {target}", row.head.label, row.tally.admitted);
                    }
                    println!("  Tổ chức cơ sở đảng chưa kết nạp: {}", r.zero_admission.len());
                }
            }
            Ok(())
        }
    }
}

/// The note of a period report over a unit that did not stand for the whole period asked
/// (docs/design/statistics.md, "A unit that did not stand for the whole period").
fn adjusted_line(adjusted: Option<&storage::PeriodAdjustment>, structure: Structure) {
    if let Some(a) = adjusted {
        let asked = format!("{} – {}", format_vn(a.asked_first), format_vn(a.asked_last));
        match a.unit_to {
            None => println!(
                "  (Tổ chức thành lập ngày {}, không tồn tại trong toàn bộ kỳ {asked}: {})",
                format_vn(a.unit_from),
                structure.label()
            ),
            Some(_) => println!("  (Tổ chức không tồn tại trong toàn bộ kỳ {asked}: chỉ tính phần kỳ tổ chức còn tồn tại)"),
        }
    }
}
