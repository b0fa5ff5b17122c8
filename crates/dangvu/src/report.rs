//! `dangvu report …`: the register's statistics from the command line, as JSON for scripts or as
//! text for people.

use anyhow::{Result, anyhow};
use chrono::{NaiveDate, Utc};
use clap::{Subcommand, ValueEnum};

use domain::dates::{format_vn, parse_date};
use domain::ids::UnitId;
use domain::stats::AgeBands;
use storage::{Store, StoreError};

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Members on a unit's list on a date, in every breakdown, for it and the units directly under it.
    Counts {
        #[arg(long)]
        unit: i64,
        /// dd/mm/yyyy or yyyy-mm-dd; today when omitted.
        #[arg(long)]
        date: Option<String>,
        /// Upper bounds of the age bands (default 30,35,40,45,50,55,60).
        #[arg(long)]
        age_bands: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Text,
}

pub async fn run(store: &dyn Store, command: ReportCommand) -> Result<()> {
    let today = storage::vietnam_today(Utc::now());
    match command {
        ReportCommand::Counts { unit, date, age_bands, format } => {
            let on: NaiveDate = match date.as_deref() {
                None => today,
                Some(d) => parse_date(d).map_err(|e| anyhow!("--date: {}", e.message))?,
            };
            let bands = match age_bands.as_deref() {
                None => AgeBands::default(),
                Some(b) => AgeBands::parse(b).map_err(|e| anyhow!("--age-bands: {}", e.message))?,
            };
            let r = store.counts_report(UnitId(unit), on, today, &bands).await.map_err(|e| match e {
                StoreError::Invalid(v) => anyhow!("{}", v.summary()),
                StoreError::NotFound => anyhow!("không có tổ chức mã số {unit}"),
                other => anyhow!(other),
            })?;
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
                    for (u, c) in &r.children {
                        println!("  {} [{}]: {}", u.name, u.id.0, c.total);
                    }
                }
            }
            Ok(())
        }
    }
}
