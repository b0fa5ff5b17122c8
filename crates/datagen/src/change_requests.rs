//! Members' requests to correct their record (docs/design/change-requests.md): the first member
//! (register order) of each of the five chi bộ with the most open admission cases — the chi bộ
//! the demo's accounts are picked from, so the demo's member has one — asks for a correction;
//! one of them is accepted and one refused by the organization staff, the others wait.
//!
//! Everything goes through the store's use cases.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use domain::change_requests::{RequestField, RequestInput};
use domain::ids::UnitId;
use storage::prelude::*;
use storage::{CaseQuery, MemberQuery, StoreError, WriteContext};

fn at(day: NaiveDate, who: &str) -> WriteContext {
    WriteContext::new(who, Utc.from_utc_datetime(&day.and_hms_opt(2, 0, 0).unwrap_or_default()))
}

/// Generates the requests; returns how many were sent.
pub async fn generate_change_requests(store: &dyn Store, today: NaiveDate) -> Result<usize, StoreError> {
    let mut per_cell: Vec<(UnitId, usize)> = Vec::new();
    for c in store.cases(&CaseQuery::new(today)).await? {
        match per_cell.iter_mut().find(|(u, _)| *u == c.unit) {
            Some(e) => e.1 += 1,
            None => per_cell.push((c.unit, 1)),
        }
    }
    per_cell.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let asks = [
        RequestInput {
            field: RequestField::Hometown,
            value: "xã Thanh Hà, tỉnh Lâm Giang".into(),
            note: "Theo giấy khai sinh bản chính".into(),
        },
        RequestInput { field: RequestField::Phone, value: "0912345678".into(), note: "Đổi số điện thoại".into() },
        RequestInput {
            field: RequestField::Other,
            value: String::new(),
            note: "Bổ sung bằng thạc sĩ Quản lý công, cấp tháng 6/2025 (bản sao kèm theo).".into(),
        },
        RequestInput { field: RequestField::Birthplace, value: "Trạm y tế xã An Phú".into(), note: String::new() },
        RequestInput { field: RequestField::OtherNames, value: "Tư".into(), note: "Tên thường gọi ở địa phương".into() },
    ];
    let mut sent = 0;
    for (i, (cell, _)) in per_cell.into_iter().take(asks.len()).enumerate() {
        let page = store.find_members(&MemberQuery { unit: Some(cell), per_page: 1, ..MemberQuery::new(today) }).await?;
        let Some(member) = page.items.first() else { continue };
        let day = today - Duration::days(12 - 2 * i as i64);
        let id = store.send_change_request(&at(day, "đảng viên (dữ liệu mẫu)"), member.id, asks[i].clone(), None).await?;
        sent += 1;
        let staff = at(day + Duration::days(2), "cán bộ tổ chức (dữ liệu mẫu)");
        match i {
            1 => store.accept_change_request(&staff, id, 1, None, day + Duration::days(2)).await?,
            3 => {
                let reason = "Lý lịch gốc ghi nơi sinh khác; đề nghị đồng chí mang giấy khai sinh đến chi bộ để đối chiếu.".to_owned();
                store.refuse_change_request(&staff, id, 1, reason, day + Duration::days(2)).await?
            }
            _ => {}
        }
    }
    Ok(sent)
}
