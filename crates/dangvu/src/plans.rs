//! `dangvu admission terms|set-term|delete-term|occasions|add-occasion|remove-occasion`: the
//! congress terms and occasions of a unit from the command line (an operator acts for the whole
//! register, like `set-target`).

use anyhow::{Result, anyhow};
use chrono::NaiveDate;

use domain::dates::format_vn;
use domain::ids::UnitId;
use domain::targets::occasions::parse_day_month;
use storage::TermInput;
use storage::prelude::*;

use crate::admission::{AdmissionCommand, context, explain};

fn target_text(t: Option<u32>) -> String {
    t.map_or_else(|| "chưa giao".to_owned(), |t| t.to_string())
}

pub async fn run_plans(store: &dyn Store, command: AdmissionCommand) -> Result<()> {
    match command {
        AdmissionCommand::Terms { unit } => {
            let unit = UnitId(unit);
            let name = store.plan_unit_name(unit).await.map_err(explain)?;
            println!("Nhiệm kỳ đại hội của {name} [{}]", unit.0);
            for t in store.terms_in_force(unit, NaiveDate::MIN, NaiveDate::MAX).await.map_err(explain)? {
                let head =
                    format!("{}: {} – {}, chỉ tiêu {}", t.label, format_vn(t.first_day), format_vn(t.last_day), target_text(t.target));
                match &t.own {
                    Some(own) => println!("  {head} (mã {}, phiên bản {})", own.id, own.version),
                    None => {
                        let from: Vec<String> = t.inherited_from.iter().map(|p| format!("{} [{}]", p.name, p.unit.0)).collect();
                        println!("  {head} (kế thừa từ {})", from.join(", "));
                    }
                }
            }
            Ok(())
        }
        AdmissionCommand::SetTerm { unit, from, to, target, term, version } => {
            let input =
                TermInput::parse(&from, &to, &target.map(|t| t.to_string()).unwrap_or_default()).map_err(|e| anyhow!("{}", e.summary()))?;
            match (term, version) {
                (Some(id), Some(version)) => {
                    let stored = store.term(id).await.map_err(explain)?;
                    if stored.unit != UnitId(unit) {
                        return Err(anyhow!("nhiệm kỳ {id} không thuộc tổ chức {unit}"));
                    }
                    store.update_term(&context(), id, version, input).await.map_err(explain)?;
                    println!("Đã sửa nhiệm kỳ {id} của tổ chức {unit}.");
                }
                _ => {
                    let id = store.create_term(&context(), UnitId(unit), input).await.map_err(explain)?;
                    println!("Đã ghi nhiệm kỳ {id} cho tổ chức {unit}.");
                }
            }
            Ok(())
        }
        AdmissionCommand::DeleteTerm { term, version } => {
            store.delete_term(&context(), term, version).await.map_err(explain)?;
            println!("Đã xóa nhiệm kỳ {term}.");
            Ok(())
        }
        AdmissionCommand::Occasions { unit } => {
            for o in store.occasions(UnitId(unit)).await.map_err(explain)? {
                let origin = o.added_by_name.map_or_else(|| "mặc định".to_owned(), |n| format!("bổ sung: {n}"));
                println!("{}/{}  {} ({origin})", o.day, o.month, o.name);
            }
            Ok(())
        }
        AdmissionCommand::AddOccasion { unit, day, name } => {
            store.add_occasion(&context(), UnitId(unit), &day, &name).await.map_err(explain)?;
            println!("Đã thêm ngày {day} cho tổ chức {unit}.");
            Ok(())
        }
        AdmissionCommand::RemoveOccasion { unit, day } => {
            let (d, m) = parse_day_month(&day).ok_or_else(|| anyhow!("“{day}”: nhập ngày và tháng dạng 26/3"))?;
            store.remove_occasion(&context(), UnitId(unit), d, m).await.map_err(explain)?;
            println!("Đã bỏ ngày {d}/{m} của tổ chức {unit}.");
            Ok(())
        }
        _ => Err(anyhow!("lệnh này không thuộc nhiệm kỳ, ngày lễ")),
    }
}
