//! `dangvu import FILE`: a register from a spreadsheet, dry run by default (docs/design/register-io.md).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, ValueEnum};
use sha2::{Digest, Sha256};

use domain::interchange::{AdmissionDateMeaning, Column};
use storage::import::{ImportInput, ImportPhase, ImportPlan, ImportProgress, MemberAction, UnitAction};
use storage::{Store, WriteContext};
use web::import_file::{ReadOptions, read_register};

#[derive(Args)]
pub struct ImportArgs {
    /// The file: .xlsx, .xls, .ods or .csv.
    file: PathBuf,
    /// The unit (code) the file's top units go under; without it the file's top unit must be a
    /// province committee in an empty register.
    #[arg(long)]
    under: Option<String>,
    /// Write (without it: a dry run that writes nothing).
    #[arg(long)]
    apply: bool,
    /// Also write the proposed changes to members already in the register.
    #[arg(long)]
    accept_changes: bool,
    /// Rows matched by name and birth date only, confirmed as the same member (repeatable).
    #[arg(long = "confirm", value_delimiter = ',')]
    confirm: Vec<usize>,
    /// What a single "Ngày vào Đảng" column is.
    #[arg(long, value_enum, default_value_t = DateMeaning::Ceremony)]
    admission_date_is: DateMeaning,
    /// A value for a column the file lacks, e.g. `--default religion=Không` (repeatable).
    #[arg(long = "default")]
    defaults: Vec<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum DateMeaning {
    Ceremony,
    Decision,
}

pub async fn run(store: &dyn Store, args: ImportArgs) -> Result<()> {
    let bytes = std::fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let name = args.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut defaults = Vec::new();
    for d in &args.defaults {
        let (column, value) = d.split_once('=').ok_or_else(|| anyhow!("--default takes COLUMN=VALUE, got {d}"))?;
        let column = Column::parse(column).ok_or_else(|| anyhow!("unknown column code {column} (see docs/formats/register.md)"))?;
        defaults.push((column, value.to_owned()));
    }
    let meaning = match args.admission_date_is {
        DateMeaning::Ceremony => AdmissionDateMeaning::Ceremony,
        DateMeaning::Decision => AdmissionDateMeaning::Decision,
    };
    let ctx = WriteContext::new(crate::users::cli_actor(), chrono::Utc::now());
    let options = ReadOptions { meaning, defaults, ..ReadOptions::default() };
    let started = Instant::now();
    let file = read_register(&bytes, &name, &options, ctx.today).map_err(|e| anyhow!("{} ({})", e, e.code()))?;
    println!(
        "Tệp {name}: {}{}; {} dòng tổ chức, {} dòng đảng viên (đọc trong {:.1} s).",
        file.format.label(),
        file.encoding.map(|e| format!(", mã {}", e.label())).unwrap_or_default(),
        file.units.len(),
        file.members.len(),
        started.elapsed().as_secs_f64()
    );
    println!("Ngày vào Đảng được hiểu là: {}.", meaning.label());
    for w in &file.warnings {
        println!("Lưu ý: {w}");
    }
    let root = match &args.under {
        None => None,
        Some(code) => Some(crate::users::unit_by_code(store, code, ctx.today).await?.id),
    };
    let phase_started = std::sync::Mutex::new((ImportPhase::Checking, Instant::now()));
    let progress: Arc<dyn Fn(ImportProgress) + Send + Sync> = Arc::new(move |p: ImportProgress| {
        if p.total > 0 {
            // Rates count from the start of the phase.
            let elapsed = match phase_started.lock() {
                Ok(mut at) => {
                    if at.0 != p.phase {
                        *at = (p.phase, Instant::now());
                    }
                    at.1.elapsed().as_secs_f64()
                }
                Err(_) => started.elapsed().as_secs_f64(),
            };
            let rate = p.done as f64 / elapsed.max(0.001);
            let left = if rate > 0.0 { (p.total - p.done.min(p.total)) as f64 / rate } else { 0.0 };
            let filled = p.done * 30 / p.total.max(1);
            let phase = match p.phase {
                ImportPhase::Checking => "Kiểm tra",
                ImportPhase::Writing => "Ghi",
            };
            eprint!(
                "\r{phase} [{}{}] {}/{} dòng, {:.0} dòng/s, còn khoảng {:.0} s   ",
                "#".repeat(filled.min(30)),
                " ".repeat(30 - filled.min(30)),
                p.done,
                p.total,
                rate,
                left
            );
            let _ = std::io::stderr().flush();
        }
    });
    let digest = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect::<String>();
    let input = ImportInput {
        file_name: name,
        file_digest: digest,
        units: file.units,
        members: file.members,
        root,
        accept_changes: args.accept_changes,
        confirmed: args.confirm.clone(),
        scope: None,
        progress: Some(progress),
        rebuild_indexes_from: storage::import::REBUILD_INDEXES_FROM,
    };
    let plan = if args.apply { store.apply_import(&ctx, &input).await? } else { store.plan_import(&ctx, &input).await? };
    eprintln!();
    print_plan(&plan, args.apply);
    println!("Thời gian: {:.1} s.", started.elapsed().as_secs_f64());
    if !args.apply {
        println!("Chạy thử: chưa ghi gì. Thêm --apply để nạp.");
    }
    if plan.counts.refused > 0 && args.apply {
        bail!("{} dòng bị từ chối không được nạp; sửa tệp và nạp lại (các dòng đã nạp không đổi).", plan.counts.refused);
    }
    Ok(())
}

fn print_plan(plan: &ImportPlan, applied: bool) {
    let c = &plan.counts;
    let verb = if applied { "Đã" } else { "Sẽ" };
    println!(
        "{verb} tạo {} tổ chức ({} đã có, {} bị từ chối); {verb} tạo {} đảng viên, cập nhật {}, {} không đổi, {} có thay đổi đề xuất, {} chờ xác nhận, {} bị từ chối; {} lưu ý.",
        c.units_created,
        c.units_existing,
        c.units_refused,
        c.created,
        c.updated,
        c.unchanged,
        c.proposed,
        c.to_confirm,
        c.refused,
        c.warnings
    );
    if let Some(i) = plan.import {
        let events = plan.events_written.map_or(0, |r| r.last - r.first + 1);
        println!("Lần nạp số {i}: đã ghi {events} sự kiện.");
    }
    for u in &plan.units {
        if let UnitAction::Refused { errors } = &u.outcome {
            for e in errors {
                println!("  Tổ chức, dòng {}{}: {}", u.row, column(&e.column), e.message);
            }
        }
    }
    for m in &plan.members {
        match &m.outcome {
            MemberAction::Refused { errors } => {
                for e in errors {
                    println!("  Dòng {}{}: {}", m.row, column(&e.column), e.message);
                }
            }
            MemberAction::Confirm { name, .. } => {
                println!("  Dòng {}: trùng họ tên và ngày sinh với {name} trong sổ; xác nhận bằng --confirm {}.", m.row, m.row)
            }
            MemberAction::Update { changes, differences, accepted, .. } => {
                for ch in changes {
                    let state = if *accepted { "đã cập nhật" } else { "đề xuất" };
                    println!("  Dòng {} ({state}) {}: “{}” → “{}”", m.row, ch.label, ch.register, ch.file);
                }
                for d in differences {
                    println!("  Dòng {} (giữ theo sổ; sửa bằng đính chính) {}: sổ “{}”, tệp “{}”", m.row, d.label, d.register, d.file);
                }
            }
            _ => {}
        }
        for w in &m.warnings {
            println!("  Dòng {} (lưu ý): {}", m.row, w.message);
        }
    }
}

fn column(c: &Option<String>) -> String {
    c.as_deref().and_then(Column::parse).map(|c| format!(", cột “{}”", c.header())).unwrap_or_default()
}
