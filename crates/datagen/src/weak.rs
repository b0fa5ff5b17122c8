//! Consolidation plans for a few of the generated province's weak organizations (docs/design/
//! operations.md "Weak organizations"): the three with the most reasons this year get a plan;
//! the first is already consolidated, the second half done, the third just made.

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use domain::unit::UnitKind;
use domain::weak::plan::{Measure, PlanOutcome};
use storage::prelude::*;
use storage::{StoreError, WriteContext};

/// Makes the plans; returns how many.
pub async fn generate_plans(store: &dyn Store, today: NaiveDate) -> Result<usize, StoreError> {
    let Some(root) = store.children(None, today).await?.into_iter().find(|n| n.unit.kind == UnitKind::Province) else {
        return Ok(0);
    };
    let ctx = WriteContext::new("dữ liệu mẫu", Utc.from_utc_datetime(&today.and_hms_opt(2, 0, 0).unwrap_or_default()));
    let report = store.weak_organizations(root.unit.id, today.year(), today).await?;
    let mut made = 0;
    for (i, row) in report.rows.iter().filter(|r| !r.findings.is_empty() && r.plan.is_none()).take(3).enumerate() {
        let measure = |text: &str, responsible: &str, days: i64| Measure {
            text: text.into(),
            responsible: responsible.into(),
            due: today + Duration::days(days),
            done: None,
            note: None,
        };
        let measures = vec![
            measure("Kiện toàn cấp ủy, phân công lại nhiệm vụ cấp ủy viên", "Bí thư đảng ủy xã", 20),
            measure("Duy trì sinh hoạt chi bộ thường kỳ hằng tháng, chuyên đề hằng quý", "Bí thư chi bộ", 30),
            measure("Rà soát, tạo nguồn phát triển đảng viên", "Phó Bí thư chi bộ", 60),
        ];
        let id = store.create_plan(&ctx, row.unit, today.year(), measures).await?;
        made += 1;
        let done = match i {
            0 => 3,
            1 => 1,
            _ => 0,
        };
        for seq in 1..=done {
            let version = store.plan(id, today).await?.version;
            store.complete_measure(&ctx, id, version, seq, "Đã thực hiện theo kế hoạch").await?;
        }
        if i == 0 {
            let version = store.plan(id, today).await?.version;
            store
                .close_plan(&ctx, id, version, PlanOutcome::Consolidated, Some("Chi bộ đã sinh hoạt đều, kiện toàn cấp ủy".into()))
                .await?;
        }
    }
    Ok(made)
}
