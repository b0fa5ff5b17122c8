//! `dangvu quality`: the data-quality worklist from the command line — what needs fixing in the
//! register (probable duplicates, impossible or missing dates, records without a profile, chi bộ
//! without members or without a secretary's account, transfers overdue), as text for people or
//! as the page's CSV for spreadsheets. The read is written to the audit trail.

use anyhow::{Result, anyhow};
use chrono::Utc;
use clap::ValueEnum;
use serde_json::json;

use domain::dates::format_vn;
use domain::ids::UnitId;
use domain::quality::ProblemKind;
use storage::prelude::*;
use storage::{AuditActor, AuditRecord, QualityQuery, QualityReport, StoreError};

use crate::users::cli_actor;

#[derive(clap::Args)]
pub struct QualityArgs {
    /// A unit's code: only what belongs to its subtree today.
    #[arg(long)]
    unit: Option<String>,
    /// Only lines of this kind (a code, e.g. chua-ghi-le-ket-nap).
    #[arg(long)]
    kind: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Csv,
}

pub async fn run(store: &dyn Store, args: QualityArgs) -> Result<()> {
    let today = storage::vietnam_today(Utc::now());
    let unit = match args.unit.as_deref() {
        Some(code) => Some(unit_by_code(store, code, today).await?),
        None => None,
    };
    let kind = args.kind.as_deref().map(ProblemKind::parse).transpose().map_err(|e| anyhow!("--kind: {}", e.message))?;
    let query = QualityQuery { unit, kind, ..QualityQuery::new(None, today) };
    let report = store.quality(&query).await.map_err(|e| match e {
        StoreError::NotFound => anyhow!("tổ chức không còn tồn tại hôm nay"),
        other => anyhow!(other),
    })?;
    let mut members: Vec<i64> = report.lines.iter().filter_map(|l| l.member.as_ref()).map(|m| m.id.0).collect();
    members.sort_unstable();
    members.dedup();
    let details = json!({ "unit": unit, "kind": kind.map(ProblemKind::code), "total": report.total_lines, "members": members });
    let actor = AuditActor { name: cli_actor(), ..Default::default() };
    store.audit(&actor, Utc::now(), vec![AuditRecord { action: "read.quality", object_kind: "", object_id: None, details }]).await?;
    match args.format {
        Format::Csv => print!("{}", web::pages::quality::csv_of(&report).into_string()),
        Format::Text => print!("{}", text(&report)),
    }
    Ok(())
}

/// The unit whose code is `code` (letters in any case), standing on `today`.
pub async fn unit_by_code(store: &dyn Store, code: &str, today: chrono::NaiveDate) -> Result<UnitId> {
    let found = store.find_units(code, today, false, 10_000, None).await?;
    found
        .iter()
        .find(|u| u.code.eq_ignore_ascii_case(code.trim()))
        .map(|u| u.id)
        .ok_or_else(|| anyhow!("không có tổ chức mang mã {code} hôm nay"))
}

/// The report for people: counts by kind, by unit, then every line.
fn text(r: &QualityReport) -> String {
    let mut out = String::new();
    let scope = r.unit.as_ref().map(|u| format!(": {}", u.name)).unwrap_or_default();
    out.push_str(&format!("Chất lượng dữ liệu{scope} — tính đến ngày {}\n", format_vn(r.as_of)));
    out.push_str("Theo loại vấn đề:\n");
    for c in &r.totals {
        out.push_str(&format!("  {:>6}  {}\n", c.count, c.kind.label()));
    }
    if !r.per_unit.is_empty() {
        out.push_str("Theo tổ chức:\n");
        for u in &r.per_unit {
            let kinds: Vec<String> = u.counts.iter().filter(|c| c.count > 0).map(|c| format!("{} {}", c.kind.label(), c.count)).collect();
            out.push_str(&format!("  {:>6}  {} [{}]: {}\n", u.total, u.unit.name, u.unit.code, kinds.join("; ")));
        }
    }
    out.push_str(&format!("Danh sách ({} dòng):\n", r.total_lines));
    for l in &r.lines {
        let who = match (&l.member, &l.unit) {
            (Some(m), Some(u)) => format!("{} (mã {}, sinh {}) — {}", m.full_name, m.id, format_vn(m.birth_date), u.name),
            (Some(m), None) => format!("{} (mã {}, sinh {})", m.full_name, m.id, format_vn(m.birth_date)),
            (None, Some(u)) => format!("{} [{}]", u.name, u.code),
            (None, None) => String::new(),
        };
        out.push_str(&format!("- {}: {who}\n    {}", l.kind.label(), l.detail));
        if !l.related.is_empty() {
            let related: Vec<String> = l.related.iter().map(|m| format!("{} (mã {})", m.full_name, m.id)).collect();
            out.push_str(&format!(" Hồ sơ liên quan: {}.", related.join(", ")));
        }
        out.push('\n');
    }
    out
}
