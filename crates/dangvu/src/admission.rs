//! `dangvu admission …` and `dangvu calendar …`: the worklist, targets and the working-day
//! calendar from the command line (an operator acts for the whole register, like `dangvu user`).

use anyhow::{Context, Result, bail};
use chrono::{Datelike, NaiveDate, Utc};
use clap::{Args, Subcommand, ValueEnum};

use domain::dates::{format_vn, parse_date};
use domain::ids::UnitId;
use domain::pipeline::{TargetGroup, Urgency};
use domain::workdays::YearOverride;
use storage::prelude::*;
use storage::{CaseQuery, StoreError, WriteContext};

use crate::users::cli_actor;

#[derive(Subcommand)]
pub enum AdmissionCommand {
    /// What is due across the open admission cases ("Việc cần làm"), soonest first.
    Worklist(WorklistArgs),
    /// Targets and progress of a unit and the units directly under it.
    Targets {
        #[arg(long)]
        unit: i64,
        /// This year when omitted.
        #[arg(long)]
        year: Option<i32>,
    },
    /// Sets (or with --remove removes) a unit's admission target for a year.
    SetTarget {
        #[arg(long)]
        unit: i64,
        #[arg(long)]
        year: i32,
        /// A sub-target group: doanh-nghiep-tu-nhan, hoc-sinh-sinh-vien, khu-dan-cu (the total when omitted).
        #[arg(long)]
        group: Option<String>,
        #[arg(long, conflicts_with = "remove", required_unless_present = "remove")]
        target: Option<u32>,
        #[arg(long)]
        remove: bool,
    },
    /// A unit's congress terms (its own and those inherited through mergers) with their targets.
    Terms {
        #[arg(long)]
        unit: i64,
    },
    /// Records a congress term, or with --term and --version changes one.
    SetTerm {
        #[arg(long)]
        unit: i64,
        /// First day (the congress): dd/mm/yyyy or yyyy-mm-dd.
        #[arg(long)]
        from: String,
        /// Last day.
        #[arg(long)]
        to: String,
        /// The admission target of the whole term.
        #[arg(long)]
        target: Option<u32>,
        /// The term to change (see `dangvu admission terms`).
        #[arg(long, requires = "version")]
        term: Option<i64>,
        #[arg(long, requires = "term")]
        version: Option<i64>,
    },
    /// Deletes a congress term.
    DeleteTerm {
        #[arg(long)]
        term: i64,
        #[arg(long)]
        version: i64,
    },
    /// The occasions (ngày lễ, kỷ niệm) in force for a unit.
    Occasions {
        #[arg(long)]
        unit: i64,
    },
    /// Adds an occasion for a unit and the units under it.
    AddOccasion {
        #[arg(long)]
        unit: i64,
        /// Day and month: 26/3.
        #[arg(long)]
        day: String,
        #[arg(long)]
        name: String,
    },
    /// Removes an occasion the unit added.
    RemoveOccasion {
        #[arg(long)]
        unit: i64,
        #[arg(long)]
        day: String,
    },
}

#[derive(Args)]
pub struct WorklistArgs {
    /// Only cases of this unit's subtree.
    #[arg(long)]
    unit: Option<i64>,
    #[arg(long, value_enum)]
    urgency: Option<UrgencyArg>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UrgencyArg {
    Overdue,
    Soon,
    Later,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Csv,
}

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// The year's weekdays off and working weekend days, and the operator's corrections.
    Show {
        /// This year when omitted.
        year: Option<i32>,
    },
    /// Replaces a year's corrections: `--off "dd/mm/yyyy=Tên ngày"` and `--work "dd/mm/yyyy=Lý do"`, repeatable.
    Set {
        year: i32,
        #[arg(long = "off")]
        days_off: Vec<String>,
        #[arg(long = "work")]
        working_days: Vec<String>,
    },
    /// Removes a year's corrections (back to the built-in calendar).
    Clear { year: i32 },
}

pub(crate) fn context() -> WriteContext {
    WriteContext::new(cli_actor(), Utc::now())
}

pub(crate) fn today() -> NaiveDate {
    storage::vietnam_today(Utc::now())
}

/// CSV field quoting (RFC 4180).
fn csv(field: &str) -> String {
    if field.contains([',', '"', '\n']) { format!("\"{}\"", field.replace('"', "\"\"")) } else { field.to_owned() }
}

pub async fn run_admission(store: &dyn Store, command: AdmissionCommand) -> Result<()> {
    match command {
        AdmissionCommand::Worklist(a) => {
            let mut q = CaseQuery::new(today());
            q.unit = a.unit.map(UnitId);
            let list = store.worklist(&q).await.map_err(explain)?;
            let wanted = a.urgency.map(|u| match u {
                UrgencyArg::Overdue => Urgency::Overdue,
                UrgencyArg::Soon => Urgency::Soon,
                UrgencyArg::Later => Urgency::Later,
            });
            let items: Vec<_> = list.items.iter().filter(|i| wanted.is_none_or(|w| i.urgency == w)).collect();
            match a.format {
                Format::Text => {
                    println!(
                        "Hồ sơ đang theo dõi: {} · quá hạn: {} · đến hạn trong 7 ngày: {} · chưa đến hạn: {}",
                        list.open_cases, list.overdue, list.soon, list.later
                    );
                    for i in items {
                        println!(
                            "{}  {:<22} {:<28} {} (hồ sơ {}, {})",
                            format_vn(i.item.due),
                            i.urgency.label(),
                            i.full_name,
                            i.item.label,
                            i.case,
                            i.unit_name
                        );
                    }
                }
                Format::Csv => {
                    println!("han,muc_do,ho_so,ho_ten,chi_bo,viec,can_cu");
                    for i in items {
                        let row = [
                            i.item.due.to_string(),
                            i.urgency.label().to_owned(),
                            i.case.to_string(),
                            i.full_name.clone(),
                            i.unit_name.clone(),
                            i.item.label.to_owned(),
                            i.item.source.to_owned(),
                        ];
                        println!("{}", row.iter().map(|f| csv(f)).collect::<Vec<_>>().join(","));
                    }
                }
            }
            Ok(())
        }
        AdmissionCommand::Targets { unit, year } => {
            let year = year.unwrap_or(today().year());
            let r = store.targets(UnitId(unit), year, today(), None).await.map_err(explain)?;
            println!("Chỉ tiêu kết nạp năm {year} (cây tổ chức ngày {})", format_vn(r.shape_on));
            for (i, row) in std::iter::once(&r.root).chain(r.children.iter()).enumerate() {
                let indent = if i == 0 { "" } else { "  " };
                let target = row.total.target.map_or("—".to_owned(), |t| t.to_string());
                let pct = row
                    .total
                    .target
                    .map_or(String::new(), |t| format!(" ({})", web::format::percent(row.total.admitted as usize, t as usize)));
                println!("{indent}{} [{}]: kết nạp {} / chỉ tiêu {target}{pct}", row.unit.name, row.unit.id.0, row.total.admitted);
            }
            println!(
                "Kết nạp nhân dịp lễ, kỷ niệm ({}): {}",
                r.occasions.list,
                r.occasions.lines.iter().map(|o| format!("{}: {}", o.day_month, o.admitted)).collect::<Vec<_>>().join("; ")
            );
            println!("Kết nạp lại: {}", r.readmissions);
            println!("Tổ chức chưa kết nạp được đảng viên: {}", r.zero_admission.len());
            for u in &r.zero_admission {
                println!("  {} [{}]", u.name, u.id.0);
            }
            Ok(())
        }
        AdmissionCommand::SetTarget { unit, year, group, target, remove } => {
            let group = match group.as_deref() {
                None | Some("") => None,
                Some(g) => Some(TargetGroup::parse(g).map_err(|e| anyhow::anyhow!(e.message))?),
            };
            let value = if remove { None } else { target };
            store.set_target(&context(), UnitId(unit), year, group, value).await.map_err(explain)?;
            match value {
                Some(t) => println!("Đã đặt chỉ tiêu {t} cho tổ chức {unit}, năm {year}."),
                None => println!("Đã xóa chỉ tiêu của tổ chức {unit}, năm {year}."),
            }
            Ok(())
        }
        command => crate::plans::run_plans(store, command).await,
    }
}

fn parse_named(raw: &str, year: i32) -> Result<(NaiveDate, String)> {
    let (date, name) = raw.split_once('=').with_context(|| format!("“{raw}”: viết dạng dd/mm/yyyy=Tên ngày"))?;
    let date = parse_date(date).map_err(|e| anyhow::anyhow!("“{raw}”: {}", e.message))?;
    if date.year() != year {
        bail!("“{raw}”: ngày không thuộc năm {year}");
    }
    let name = name.trim();
    if name.is_empty() {
        bail!("“{raw}”: thiếu tên ngày hoặc căn cứ");
    }
    Ok((date, name.to_owned()))
}

pub async fn run_calendar(store: &dyn Store, command: CalendarCommand) -> Result<()> {
    match command {
        CalendarCommand::Show { year } => {
            let year = year.unwrap_or(today().year());
            let cal = store.work_calendar().await.map_err(explain)?;
            println!("Ngày nghỉ trong tuần làm việc, năm {year}:");
            for (d, name) in cal.non_working_weekdays(year) {
                println!("  {}  {name}", format_vn(d));
            }
            println!("Thứ Bảy, Chủ nhật đi làm:");
            for (d, name) in cal.working_weekend_days(year) {
                println!("  {}  {name}", format_vn(d));
            }
            match store.calendar_overrides().await.map_err(explain)?.into_iter().find(|o| o.year == year) {
                Some(o) => {
                    println!("Điều chỉnh của quản trị: {} ngày nghỉ, {} ngày làm việc.", o.days_off.len(), o.extra_working_days.len())
                }
                None => println!("Không có điều chỉnh của quản trị cho năm {year}."),
            }
            Ok(())
        }
        CalendarCommand::Set { year, days_off, working_days } => {
            let days_off = days_off.iter().map(|d| parse_named(d, year)).collect::<Result<Vec<_>>>()?;
            let extra_working_days = working_days.iter().map(|d| parse_named(d, year)).collect::<Result<Vec<_>>>()?;
            let (n_off, n_work) = (days_off.len(), extra_working_days.len());
            store.set_calendar_override(&context(), YearOverride { year, days_off, extra_working_days }).await.map_err(explain)?;
            println!("Đã lưu điều chỉnh lịch năm {year}: {n_off} ngày nghỉ, {n_work} ngày làm việc.");
            Ok(())
        }
        CalendarCommand::Clear { year } => {
            store.set_calendar_override(&context(), YearOverride { year, ..Default::default() }).await.map_err(explain)?;
            println!("Đã xóa điều chỉnh lịch năm {year}.");
            Ok(())
        }
    }
}

/// A store error as the operator reads it (validation messages in full).
pub(crate) fn explain(e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Invalid(v) => anyhow::anyhow!("{}", v.summary()),
        StoreError::NotFound => anyhow::anyhow!("không tìm thấy tổ chức hoặc hồ sơ"),
        other => anyhow::anyhow!(other),
    }
}
