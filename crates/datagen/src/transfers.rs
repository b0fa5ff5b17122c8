//! Transfers of party activity in every state (docs/design/transfers.md): the communes and
//! grassroots committees standing today in a ring, each sending official members to the next — accepted, on the way, presented
//! and waiting, late, refused, cancelled, temporary (hosted, back, overdue), and to another
//! province (waiting for the return slip, or closed by it).
//!
//! Everything goes through the store's use cases; deterministic for a seed.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use domain::event::{TransferMode, UnitRef};
use domain::history::Status;
use domain::ids::{MemberId, UnitId};
use domain::transfers::{Letter, Route, TemporaryReason, TransferPlan};
use domain::unit::UnitKind;
use storage::prelude::*;
use storage::{MemberQuery, StatusFilter, StoreError, WriteContext};

/// The most committees in the ring, and the transfers each sends.
const MAX_COMMUNES: usize = 40;
const PER_COMMUNE: usize = 3;

fn on(day: NaiveDate) -> WriteContext {
    WriteContext::new("dữ liệu mẫu", Utc.from_utc_datetime(&day.and_hms_opt(14, 0, 0).unwrap_or_default()))
}

/// The states drawn in turn, by the transfer's number.
#[derive(Debug, Clone, Copy)]
enum Plot {
    Accepted,
    OnTheWay,
    Presented,
    NeverArrived,
    Refused,
    Cancelled,
    Hosted,
    Returned,
    NotBack,
    ToAnotherProvince { closed: bool },
}

const PLOTS: [Plot; 11] = [
    Plot::Accepted,
    Plot::OnTheWay,
    Plot::Presented,
    Plot::NeverArrived,
    Plot::Refused,
    Plot::Cancelled,
    Plot::Hosted,
    Plot::Returned,
    Plot::NotBack,
    Plot::ToAnotherProvince { closed: false },
    Plot::ToAnotherProvince { closed: true },
];

/// The first chi bộ of a commune standing on a day.
async fn first_cell(store: &dyn Store, commune: UnitId, day: NaiveDate) -> Result<Option<UnitId>, StoreError> {
    let mut cells: Vec<_> = store.subtree(commune, day).await?.into_iter().filter(|u| u.kind.holds_members()).collect();
    cells.sort_by_key(|u| u.id);
    Ok(cells.first().map(|u| u.id))
}

/// Generates the transfers; returns how many letters were issued.
pub async fn generate_transfers(store: &dyn Store, seed: u64, today: NaiveDate) -> Result<usize, StoreError> {
    let Some(root) = store.children(None, today).await?.into_iter().find(|n| n.unit.kind == UnitKind::Province) else {
        return Ok(0);
    };
    let mut communes: Vec<_> = store
        .subtree(root.unit.id, today)
        .await?
        .into_iter()
        .filter(|u| matches!(u.kind, UnitKind::Commune | UnitKind::GrassrootsCommittee))
        .collect();
    communes.sort_by_key(|u| (u.kind != UnitKind::Commune, u.id));
    communes.truncate(MAX_COMMUNES);
    if communes.len() < 2 {
        return Ok(0);
    }
    let days = |n: i64| today - Duration::days(n);
    let mut issued = 0;
    // Every state once before any twice; the seed only shifts which committee gets which.
    let ring = communes.len();
    communes.rotate_left((seed as usize) % ring);
    let mut turn = 0;
    for (i, sender) in communes.iter().enumerate() {
        let receiver = &communes[(i + 1) % communes.len()];
        let Some(into) = first_cell(store, receiver.id, today).await? else { continue };
        let mut q = MemberQuery::new(days(250));
        q.unit = Some(sender.id);
        q.status = StatusFilter::Only(Status::Official);
        q.per_page = PER_COMMUNE * 4;
        let candidates: Vec<MemberId> = store.find_members(&q).await?.items.into_iter().map(|m| m.id).collect();
        let mut sent = 0;
        for member in candidates.into_iter().rev() {
            if sent == PER_COMMUNE {
                break;
            }
            let plot = PLOTS[turn % PLOTS.len()];
            match write(store, member, sender, receiver, into, plot, days, issued + 1).await {
                Ok(()) => {
                    sent += 1;
                    issued += 1;
                    turn += 1;
                }
                // A member the register does not let go that day (exempt, in a committee's
                // inspection…): the next one.
                Err(StoreError::Invalid(_)) => continue,
                Err(e) => return Err(e),
            }
        }
    }
    Ok(issued)
}

#[allow(clippy::too_many_arguments)]
async fn write(
    store: &dyn Store,
    member: MemberId,
    sender: &storage::UnitSummary,
    receiver: &storage::UnitSummary,
    into: UnitId,
    plot: Plot,
    days: impl Fn(i64) -> NaiveDate,
    number: usize,
) -> Result<(), StoreError> {
    let (letter_day, temporary) = match plot {
        Plot::Accepted => (days(45), None),
        Plot::OnTheWay => (days(3), None),
        Plot::Presented => (days(12), None),
        Plot::NeverArrived => (days(75), None),
        Plot::Refused => (days(25), None),
        Plot::Cancelled => (days(18), None),
        Plot::Hosted => (days(40), Some((TemporaryReason::Study, days(-150)))),
        Plot::Returned => (days(220), Some((TemporaryReason::WorkOrResidence, days(20)))),
        Plot::NotBack => (days(220), Some((TemporaryReason::WorkOrResidence, days(30)))),
        Plot::ToAnotherProvince { .. } => (days(80), None),
    };
    let outside = matches!(plot, Plot::ToAnotherProvince { .. });
    let plan = TransferPlan {
        mode: if temporary.is_some() { TransferMode::Temporary } else { TransferMode::Official },
        temporary_reason: temporary.map(|t| t.0),
        from: UnitRef::Internal(UnitId(0)),
        to: if outside {
            UnitRef::External("Đảng bộ phường Bến Thành, Thành phố Hồ Chí Minh".into())
        } else {
            UnitRef::Internal(receiver.id)
        },
        route: if outside { Route::OtherProvince } else { Route::WithinRegister },
        letter: Letter { number: format!("{number}/GTSHĐ"), date: letter_day, issuer: format!("Đảng ủy {}", short(&sender.name)) },
        until: temporary.map(|t| t.1),
        cause: match temporary {
            Some((TemporaryReason::Study, _)) => "Đi học tập trung lớp cao cấp lý luận chính trị".into(),
            Some(_) => "Đi làm việc có thời hạn tại địa phương khác".into(),
            None if outside => "Chuyển nơi cư trú về Thành phố Hồ Chí Minh".into(),
            None => "Thay đổi nơi cư trú lâu dài".into(),
        },
        cause_on: temporary.is_none().then(|| letter_day - Duration::days(14)),
    };
    let id = store.issue_transfer(&on(letter_day), member, plan).await?;
    let step = |d: i64| letter_day + Duration::days(d);
    match plot {
        Plot::Accepted => {
            store.present_transfer(&on(step(6)), id, 1, step(6)).await?;
            store.accept_transfer(&on(step(8)), id, 2, into, step(8)).await?;
        }
        Plot::Presented => store.present_transfer(&on(step(7)), id, 1, step(7)).await?,
        Plot::Refused => {
            store.present_transfer(&on(step(5)), id, 1, step(5)).await?;
            let reason = "Đảng viên không cư trú, không làm việc tại địa bàn; đề nghị giới thiệu đúng nơi cư trú".to_owned();
            store.refuse_transfer(&on(step(10)), id, 2, step(10), reason).await?;
        }
        Plot::Cancelled => {
            store.cancel_transfer(&on(step(3)), id, 1, step(3), "Đảng viên không chuyển nơi cư trú nữa".into()).await?;
        }
        Plot::Hosted | Plot::NotBack => store.accept_transfer(&on(step(6)), id, 1, into, step(6)).await?,
        Plot::Returned => {
            store.accept_transfer(&on(step(6)), id, 1, into, step(6)).await?;
            let back = days(18);
            store.return_transfer(&on(back), id, 2, back).await?;
        }
        Plot::ToAnotherProvince { closed: true } => {
            store.close_transfer(&on(step(40)), id, 1, step(40), format!("Phiếu báo số {number}/PB của Đảng ủy phường Bến Thành")).await?;
        }
        Plot::OnTheWay | Plot::NeverArrived | Plot::ToAnotherProvince { closed: false } => {}
    }
    Ok(())
}

/// A unit's name without its kind ("Đảng bộ xã Thanh Hà" → "xã Thanh Hà").
fn short(name: &str) -> &str {
    name.strip_prefix("Đảng bộ ").unwrap_or(name)
}
