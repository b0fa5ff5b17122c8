//! `dangvu export`: the register (or a subtree) as of a day, as `.xlsx` or CSV, in the columns
//! the importer reads (docs/formats/register.md). The rows are read and written a batch at a
//! time; the read is written to the audit trail (`read.export`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use chrono::{NaiveDate, Utc};
use clap::ValueEnum;

use domain::dates::{format_vn, parse_date};
use domain::ids::UnitId;
use storage::export::{ExportRequest, batches};
use storage::prelude::*;
use storage::{StoreError, WriteContext};
use web::register_file::{About, CsvExport, XlsxExport};

#[derive(clap::Args)]
pub struct ExportArgs {
    /// `postgres://…` for PostgreSQL, otherwise a SQLite file path or `sqlite:` URL.
    #[arg(long, env = "DANGVU_DATABASE")]
    pub database: Option<String>,
    /// The code of the subtree's root (default: the whole register).
    #[arg(long)]
    unit: Option<String>,
    /// The day, dd/mm/yyyy or yyyy-mm-dd (default: today).
    #[arg(long)]
    date: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Xlsx)]
    format: Format,
    /// Also the members who left their last chi bộ in the subtree before the day.
    #[arg(long)]
    departed: bool,
    /// The file to write (for CSV, the units go next to it, in `…-to-chuc.csv`).
    #[arg(long)]
    output: PathBuf,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Xlsx,
    Csv,
}

pub async fn run(store: &dyn Store, args: ExportArgs) -> Result<()> {
    let now = Utc::now();
    let today = storage::vietnam_today(now);
    let on = match args.date.as_deref() {
        None => today,
        Some(d) => parse_date(d).map_err(|e| anyhow!("--date: {}", e.message))?,
    };
    if on > today {
        bail!("--date: ngày {} sau hôm nay", format_vn(on));
    }
    let root = root(store, args.unit.as_deref(), on).await?;
    let request = ExportRequest { root, on, departed: args.departed };
    let plan = store.export_plan(request, None).await.map_err(|e| match e {
        StoreError::Invalid(v) => anyhow!("{}", v.summary()),
        other => anyhow!(other),
    })?;
    let format = match args.format {
        Format::Xlsx => "xlsx",
        Format::Csv => "csv",
    };
    let ctx = WriteContext::new(crate::users::cli_actor(), now);
    store.audit(&ctx.audit_actor(), now, vec![plan.audit_record(format)]).await?;
    let about = About::of(&plan, &ctx.actor, now);
    match args.format {
        Format::Xlsx => {
            let mut book = XlsxExport::new()?;
            for batch in batches(&plan) {
                book.members(&store.export_rows(on, batch).await?)?;
            }
            let bytes = book.finish(&plan.units, &about)?;
            std::fs::write(&args.output, bytes).with_context(|| format!("cannot write {}", args.output.display()))?;
            println!("Đã ghi {} ({} đảng viên, {} tổ chức).", args.output.display(), plan.members.len(), plan.units.len());
        }
        Format::Csv => {
            let file = std::fs::File::create(&args.output).with_context(|| format!("cannot write {}", args.output.display()))?;
            let mut csv = CsvExport::new(std::io::BufWriter::new(file))?;
            for batch in batches(&plan) {
                csv.members(&store.export_rows(on, batch).await?)?;
            }
            csv.finish()?;
            let units = units_path(&args.output);
            std::fs::write(&units, web::register_file::units_csv(&plan.units))
                .with_context(|| format!("cannot write {}", units.display()))?;
            println!(
                "Đã ghi {} ({} đảng viên) và {} ({} tổ chức).",
                args.output.display(),
                plan.members.len(),
                units.display(),
                plan.units.len()
            );
        }
    }
    Ok(())
}

/// The unit named by its code (standing on the day), or the register's single top unit.
async fn root(store: &dyn Store, code: Option<&str>, on: NaiveDate) -> Result<UnitId> {
    match code {
        Some(code) => {
            let found = store.find_units(code, on, false, 50, None).await?;
            found
                .into_iter()
                .find(|u| u.code.eq_ignore_ascii_case(code.trim()))
                .map(|u| u.id)
                .ok_or_else(|| anyhow!("--unit: không có tổ chức mã {code} vào ngày {}", format_vn(on)))
        }
        None => {
            let roots = store.children(None, on).await?;
            match roots.as_slice() {
                [one] => Ok(one.unit.id),
                [] => bail!("sổ đảng viên chưa có tổ chức nào vào ngày {}", format_vn(on)),
                many => {
                    let codes: Vec<&str> = many.iter().map(|n| n.unit.code.as_str()).collect();
                    bail!("--unit: sổ có nhiều tổ chức cấp cao nhất ({}); chọn một", codes.join(", "))
                }
            }
        }
    }
}

/// Where the unit sheet of a CSV export goes: next to the member file.
fn units_path(members: &Path) -> PathBuf {
    let stem = members.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "so-dang-vien".into());
    members.with_file_name(format!("{stem}-to-chuc.csv"))
}
