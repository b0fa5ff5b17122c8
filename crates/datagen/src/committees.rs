//! The committees of the generated province (docs/design/operations.md "Committees"): the seats
//! of the communes' and grassroots committees' executive committees for the 2025–2030 term, a
//! secretary and a deputy in every chi bộ given meetings, one deputy moved away and replaced in
//! the spring by a newly elected one; and this year's monthly meetings of the communes' committees and standing
//! committees, recorded against their seats.
//!
//! Everything goes through the store's use cases; deterministic for a seed.

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use domain::committees::{SeatInput, SeatRole};
use domain::history::Status;
use domain::ids::UnitId;
use domain::meetings::MeetingKind;
use domain::unit::UnitKind;
use rand::SeedableRng;
use rand::rngs::StdRng;
use storage::prelude::*;
use storage::{MemberQuery, StatusFilter, StoreError, WriteContext};

use crate::meetings::hold;

/// The most committees given seats, of them given a year of meetings (communes first), and chi
/// bộ given a secretary (enough for every screen).
const MAX_COMMITTEES: usize = 400;
const MAX_MEETING_COMMITTEES: usize = 40;
const MAX_CELLS: usize = 200;

/// The posts of a commune's or grassroots committee's executive committee, in order.
const COMMITTEE: [SeatRole; 11] = [
    SeatRole::Secretary,
    SeatRole::DeputySecretary,
    SeatRole::DeputySecretary,
    SeatRole::StandingMember,
    SeatRole::StandingMember,
    SeatRole::StandingMember,
    SeatRole::Member,
    SeatRole::Member,
    SeatRole::Member,
    SeatRole::Member,
    SeatRole::Member,
];

fn on(day: NaiveDate) -> WriteContext {
    WriteContext::new("dữ liệu mẫu", Utc.from_utc_datetime(&day.and_hms_opt(13, 0, 0).unwrap_or_default()))
}

/// The first day of the 2025–2030 term (the congresses after the 2025 reorganization).
fn term_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 10, 1).unwrap_or(NaiveDate::MIN)
}

/// Seats `roles` on the unit's committee from its official members on `from`; returns how many.
async fn seat(store: &dyn Store, unit: UnitId, roles: &[SeatRole], from: NaiveDate, basis: &str) -> Result<usize, StoreError> {
    let mut q = MemberQuery::new(from);
    q.unit = Some(unit);
    q.status = StatusFilter::Only(Status::Official);
    q.per_page = roles.len();
    let found = store.find_members(&q).await?;
    let ctx = on(from);
    for (member, role) in found.items.iter().zip(roles) {
        store.add_seat(&ctx, unit, SeatInput { member: member.id, role: *role, from, until: None, basis: basis.into() }).await?;
    }
    Ok(found.items.len().min(roles.len()))
}

/// Generates the seats and this year's committee meetings; returns the seats given.
pub async fn generate_committees(store: &dyn Store, seed: u64, today: NaiveDate) -> Result<usize, StoreError> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0xC0_11);
    let calendar = store.work_calendar().await?;
    let Some(root) = store.children(None, today).await?.into_iter().find(|n| n.unit.kind == UnitKind::Province) else {
        return Ok(0);
    };
    let units = store.subtree(root.unit.id, today).await?;
    let mut seated = 0;
    let mut committees: Vec<UnitId> = Vec::new();
    let mut bodies: Vec<&storage::UnitSummary> =
        units.iter().filter(|u| matches!(u.kind, UnitKind::Commune | UnitKind::GrassrootsCommittee)).collect();
    bodies.sort_by_key(|u| (u.kind != UnitKind::Commune, u.id));
    for u in bodies.into_iter().take(MAX_COMMITTEES) {
        let from = term_start().max(u.valid_from);
        if from > today {
            continue;
        }
        let basis = format!("Kết quả bầu cử tại Đại hội {} lần thứ nhất, nhiệm kỳ 2025–2030", u.name);
        let n = seat(store, u.id, &COMMITTEE, from, &basis).await?;
        seated += n;
        if n >= 3 {
            committees.push(u.id);
        }
    }
    let mut cells: Vec<&storage::UnitSummary> = units.iter().filter(|u| u.kind.holds_members()).collect();
    cells.sort_by_key(|u| u.id);
    for u in cells.into_iter().take(MAX_CELLS) {
        let from = term_start().max(u.valid_from);
        if from <= today {
            let basis = format!("Kết quả bầu cử tại Đại hội {}, nhiệm kỳ 2025–2027", u.name);
            seated += seat(store, u.id, &[SeatRole::Secretary, SeatRole::DeputySecretary], from, &basis).await?;
        }
    }
    // The first commune's second deputy is moved away in March; an official member not yet on
    // the committee is elected in their place.
    let spring = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or(today);
    if let Some(&first) = committees.first()
        && spring <= today
    {
        let view = store.committee(first, spring).await?;
        let leaving = view.seated.iter().filter(|s| s.role == SeatRole::DeputySecretary).nth(1);
        let mut q = MemberQuery::new(spring);
        q.unit = Some(first);
        q.status = StatusFilter::Only(Status::Official);
        q.per_page = COMMITTEE.len() + 1;
        let found = store.find_members(&q).await?;
        let newcomer = found.items.iter().find(|m| view.seated.iter().all(|s| s.member != m.id));
        if let (Some(leaving), Some(newcomer)) = (leaving, newcomer) {
            store
                .end_seat(&on(spring), leaving.id, leaving.version, spring, "Quyết định điều động, phân công công tác số 35-QĐ/TU".into())
                .await?;
            let input = SeatInput {
                member: newcomer.id,
                role: SeatRole::DeputySecretary,
                from: spring,
                until: None,
                basis: "Nghị quyết hội nghị cấp ủy bầu bổ sung Phó Bí thư; Quyết định chuẩn y số 41-QĐ/TU".into(),
            };
            store.add_seat(&on(spring), first, input).await?;
        }
    }
    // This year's meetings of the communes' committees (around the 10th) and standing
    // committees (around the 20th).
    for unit in committees.into_iter().take(MAX_MEETING_COMMITTEES) {
        for month in 1..=today.month() {
            for (day, kind) in [(10, MeetingKind::Committee), (20, MeetingKind::Standing)] {
                let Some(first) = NaiveDate::from_ymd_opt(today.year(), month, day) else { continue };
                let held = calendar.next_working_day(first);
                if held <= today && held >= term_start() && !store.meeting_roll(unit, kind, held).await?.is_empty() {
                    hold(store, &mut rng, unit, held, kind, None, today).await?;
                }
            }
        }
    }
    Ok(seated)
}
