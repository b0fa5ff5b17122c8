//! Strike-off proposals (docs/design/strike-off.md): of the members the generated meetings show
//! absent without reason in three months of the year, the first one's chi bộ has resolved to
//! propose striking the name off, waiting for the committee; the second one's proposal was
//! decided against (the reason accepted). Nobody is struck off.
//!
//! Everything goes through the store's use cases.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use domain::strike_off::{Decision, ProposalInput, Resolution, Trigger};
use domain::unit::UnitKind;
use storage::prelude::*;
use storage::{StoreError, WriteContext};

fn at(day: NaiveDate, who: &str) -> WriteContext {
    WriteContext::new(who, Utc.from_utc_datetime(&day.and_hms_opt(2, 0, 0).unwrap_or_default()))
}

/// Generates the proposals; returns how many were recorded.
pub async fn generate_proposals(store: &dyn Store, today: NaiveDate) -> Result<usize, StoreError> {
    let Some(root) = store.children(None, today).await?.into_iter().find(|n| n.unit.kind == UnitKind::Province) else {
        return Ok(0);
    };
    let list = store.strike_off_list(root.unit.id, today).await?;
    let mut made = 0;
    for (i, flag) in list.flags.iter().filter(|f| f.trigger == Trigger::Absent).take(2).enumerate() {
        let on = today - Duration::days(6);
        let input = ProposalInput {
            reason: Trigger::Absent.reason(),
            evidence: format!("{} Chi ủy đã gặp, nhắc nhở ba lần nhưng đồng chí không tham gia sinh hoạt.", flag.evidence),
            resolution: Resolution {
                on, text: format!("Nghị quyết số {}-NQ/CB đề nghị xóa tên", 10 + i), votes_for: 6, votes_counted: 7
            },
        };
        let id = store.propose_strike_off(&at(on, "bí thư chi bộ (dữ liệu mẫu)"), flag.member, input).await?;
        made += 1;
        if i == 1 {
            let decided = today - Duration::days(2);
            let reason = "Đồng chí điều trị bệnh dài ngày, có xác nhận của bệnh viện; chi bộ tiếp tục theo dõi.".to_owned();
            store.decide_strike_off(&at(decided, "đảng ủy (dữ liệu mẫu)"), id, 1, Decision::Kept { on: decided, reason }).await?;
        }
    }
    Ok(made)
}
