//! A year of chi bộ meetings for the generated province (docs/design/operations.md "Meetings"):
//! each chi bộ meets around the fifth of every month that has come, a thematic meeting each
//! quarter (mostly combined with the monthly one), the attendance recorded against the roll of
//! the day, a resolution voted and the minutes signed; a few chi bộ skip months and a few members
//! stay away without reason, so the alerts and the weak-organization indicators have something to
//! show.
//!
//! Everything goes through the store's use cases on the days it happens; deterministic for a seed.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use domain::ids::{MemberId, UnitId};
use domain::meetings::{MeetingInput, MeetingKind, Presence, ResolutionInput, Signer, Threshold, Vote};
use domain::unit::UnitKind;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use storage::prelude::*;
use storage::{AttendanceInput, MinutesChange, StoreError, WriteContext};

/// The most chi bộ given meetings (a city's first ones; enough for every screen).
const MAX_CELLS: usize = 200;

fn on(day: NaiveDate) -> WriteContext {
    WriteContext::new("dữ liệu mẫu", Utc.from_utc_datetime(&day.and_hms_opt(13, 0, 0).unwrap_or_default()))
}

/// How a chi bộ behaves over the year.
struct Habits {
    /// Chance of holding the month's regular meeting.
    regular: f64,
    /// A member who stays away without reason from August on (`None`: none).
    truant: Option<usize>,
}

/// Holds and records one meeting; returns its id.
pub(crate) async fn hold(
    store: &dyn Store,
    rng: &mut StdRng,
    cell: UnitId,
    day: NaiveDate,
    kind: MeetingKind,
    truant: Option<MemberId>,
    today: NaiveDate,
) -> Result<i64, StoreError> {
    let thematic = kind.is_thematic();
    let body_meets = kind.summons() != domain::meetings::Summons::Members;
    let input = MeetingInput {
        kind,
        held_on: day,
        starts_at: NaiveTime::from_hms_opt(if body_meets { 8 } else { 19 }, if body_meets { 0 } else { 30 }, 0).unwrap_or_default(),
        length_minutes: Some(if kind == MeetingKind::Combined { 120 } else { 90 + rng.random_range(0..4) * 10 }),
        place: if body_meets { "Phòng họp trụ sở đảng ủy" } else { "Nhà văn hóa" }.into(),
        agenda: if body_meets {
            "Lãnh đạo thực hiện nhiệm vụ chính trị trong tháng; công tác xây dựng Đảng, công tác cán bộ.".into()
        } else if kind == MeetingKind::Plenary {
            "Sơ kết công tác xây dựng Đảng 6 tháng đầu năm, nhiệm vụ 6 tháng cuối năm.".into()
        } else if thematic {
            "Đánh giá kết quả tháng, nhiệm vụ tháng tới.\nChuyên đề: nâng cao chất lượng sinh hoạt chi bộ.".into()
        } else {
            "Đánh giá kết quả tháng, nhiệm vụ tháng tới.".into()
        },
    };
    let ctx = on(day);
    let id = store.create_meeting(&ctx, cell, input).await?;
    let view = store.meeting(id).await?;
    let mut rows = Vec::new();
    for a in &view.attendance {
        let presence = if a.guest {
            Presence::Present
        } else if Some(a.member) == truant || (a.exempt && rng.random_bool(0.7)) {
            Presence::Absent
        } else {
            match rng.random_range(0..100) {
                0..=85 => Presence::Present,
                86..=94 => Presence::Excused,
                _ => Presence::Absent,
            }
        };
        let reason = (presence == Presence::Excused).then(|| if rng.random_bool(0.5) { "Đi công tác" } else { "Ốm" }.to_owned());
        rows.push(AttendanceInput { member: a.member, presence, reason });
    }
    if rows.is_empty() {
        return Ok(id);
    }
    store.record_attendance(&ctx, id, view.version, rows).await?;
    let view = store.meeting(id).await?;
    let yes = view.counts.present.min(view.counts.counting);
    let vote = ResolutionInput {
        text: format!("Thông qua nghị quyết tháng {}/{}", day.month(), day.year()),
        threshold: Threshold::MoreThanHalf,
        vote: Vote { yes, no: 0, abstain: 0 },
    };
    store.add_resolution(&ctx, id, view.version, vote).await?;
    // Minutes signed for every month but the one under way.
    if day.month() != today.month() || day.year() != today.year() {
        let body = match kind {
            MeetingKind::Committee => "Cấp ủy",
            MeetingKind::Standing => "Ban Thường vụ",
            MeetingKind::Plenary => "Đảng bộ",
            _ => "Chi bộ",
        };
        let text = format!(
            "{body} họp lúc {} ngày {}. Có mặt {}/{} đồng chí. {body} đánh giá kết quả tháng, thống nhất nhiệm vụ tháng tới.",
            input_time(body_meets),
            day.format("%d/%m/%Y"),
            view.counts.present,
            view.counts.summoned
        );
        let mut v = view.version + 1;
        store.change_minutes(&ctx, id, v, MinutesChange::Edit(text)).await?;
        v += 1;
        let chair = if body == "Chi bộ" { "Bí thư chi bộ" } else { "Bí thư đảng ủy" };
        store.change_minutes(&ctx, id, v, MinutesChange::Sign(Signer::Chair, chair.into())).await?;
        v += 1;
        store.change_minutes(&ctx, id, v, MinutesChange::Sign(Signer::Secretary, "Thư ký buổi họp".into())).await?;
    }
    Ok(id)
}

/// The chi bộ's coming regular meeting early next month with its draft resolution posted, a
/// few members' answers to the invitation, and the last signed minutes shared with the members
/// (what the handbook shows them).
async fn schedule_next(
    store: &dyn Store,
    rng: &mut StdRng,
    cell: UnitId,
    today: NaiveDate,
    calendar: &domain::workdays::WorkCalendar,
    last_signed: Option<i64>,
) -> Result<(), StoreError> {
    let ctx = on(today);
    if let Some(id) = last_signed {
        store.share_minutes(&ctx, id).await?;
    }
    let next_month = domain::dates::add_months(today.with_day(1).unwrap_or(today), 1);
    let day = calendar.next_working_day(next_month + Duration::days(3));
    let input = MeetingInput {
        kind: MeetingKind::Regular,
        held_on: day,
        starts_at: NaiveTime::from_hms_opt(19, 30, 0).unwrap_or_default(),
        length_minutes: None,
        place: "Nhà văn hóa".into(),
        agenda: "Đánh giá kết quả tháng, nhiệm vụ tháng tới.\nGóp ý dự thảo nghị quyết của chi bộ.".into(),
    };
    let roll = store.meeting_roll(cell, MeetingKind::Regular, day).await?;
    if roll.is_empty() {
        return Ok(());
    }
    let id = store.create_meeting(&ctx, cell, input).await?;
    store
        .add_meeting_document(&ctx, id, "Du-thao-nghi-quyet-chi-bo.pdf", "application/pdf", &crate::documents::pdf("Du thao nghi quyet"))
        .await?;
    for member in roll.iter().skip(1).take(3) {
        let reply = if rng.random_bool(0.8) {
            domain::handbook::Reply::Attend
        } else {
            domain::handbook::Reply::Absent { reason: "Đi công tác xa".into() }
        };
        store.reply_to_meeting(&ctx, id, *member, reply).await?;
    }
    assign_tasks(store, cell, today).await
}

/// Tasks the chi bộ assigned its first members at its last meetings: one running (one member
/// already reported it done), one past its last day.
async fn assign_tasks(store: &dyn Store, cell: UnitId, today: NaiveDate) -> Result<(), StoreError> {
    use domain::member_tasks::{TaskFields, TaskInput};
    let tasks = [
        (
            20,
            Some(15),
            "Vận động nhân dân tham gia vệ sinh môi trường, xây dựng nông thôn mới",
            "Mỗi đồng chí phụ trách các hộ gia đình trong tổ dân cư nơi mình ở.",
            3,
        ),
        (40, Some(-3), "Tham gia tổ hòa giải ở cơ sở của thôn", "", 1),
    ];
    for (ago, due_in, title, details, how_many) in tasks {
        let assigned_on = today - Duration::days(ago);
        let members: Vec<MemberId> = store.chi_bo_members(cell, assigned_on).await?.into_iter().map(|m| m.member).take(how_many).collect();
        if members.is_empty() {
            continue;
        }
        let assigned = assigned_on.format("%d/%m/%Y").to_string();
        let due = due_in.map(|d| (today + Duration::days(d)).format("%d/%m/%Y").to_string()).unwrap_or_default();
        let fields = TaskFields { title, details, assigned_on: &assigned, due: &due, assignees: &members };
        let task = match TaskInput::parse(&fields, today) {
            Ok(task) => task,
            Err(e) => return Err(StoreError::Invalid(e)),
        };
        let id = store.assign_task(&on(assigned_on), cell, task).await?;
        if let Some(second) = members.get(1) {
            store.report_task(&on(today - Duration::days(2)), id, *second, "Đã vận động 12 hộ gia đình trong tổ tham gia.").await?;
        }
    }
    Ok(())
}

fn input_time(body_meets: bool) -> &'static str {
    if body_meets { "8 giờ" } else { "19 giờ 30" }
}

/// Generates this year's meetings; returns how many were recorded.
pub async fn generate_meetings(store: &dyn Store, seed: u64, today: NaiveDate) -> Result<usize, StoreError> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5E55);
    let calendar = store.work_calendar().await?;
    let Some(root) = store.children(None, today).await?.into_iter().find(|n| n.unit.kind == UnitKind::Province) else {
        return Ok(0);
    };
    let mut cells: Vec<UnitId> =
        store.subtree(root.unit.id, today).await?.into_iter().filter(|u| u.kind.holds_members()).map(|u| u.id).collect();
    cells.sort();
    cells.truncate(MAX_CELLS);
    let mut held = 0;
    // The grassroots party committees' mid-year plenary (hội nghị đảng bộ), most of them held.
    let committees: Vec<UnitId> =
        store.subtree(root.unit.id, today).await?.into_iter().filter(|u| u.kind == UnitKind::GrassrootsCommittee).map(|u| u.id).collect();
    for committee in committees.into_iter().take(MAX_CELLS) {
        let Some(june) = NaiveDate::from_ymd_opt(today.year(), 6, 20) else { continue };
        let day = calendar.next_working_day(june);
        if day <= today && rng.random_bool(0.85) && !store.meeting_roll(committee, MeetingKind::Plenary, day).await?.is_empty() {
            hold(store, &mut rng, committee, day, MeetingKind::Plenary, None, today).await?;
            held += 1;
        }
    }
    for cell in cells {
        let habits = Habits {
            regular: if rng.random_bool(0.15) { 0.55 } else { 0.97 },
            truant: rng.random_bool(0.15).then(|| rng.random_range(0..4)),
        };
        for month in 1..=today.month() {
            let Some(first) = NaiveDate::from_ymd_opt(today.year(), month, 1) else { continue };
            let day = calendar.next_working_day(first + Duration::days(3));
            if day > today {
                break;
            }
            if !rng.random_bool(habits.regular) {
                continue;
            }
            let quarter_end = month % 3 == 0;
            let kind = if quarter_end && rng.random_bool(0.75) { MeetingKind::Combined } else { MeetingKind::Regular };
            let roll = store.meeting_roll(cell, kind, day).await?;
            if roll.is_empty() {
                continue;
            }
            let truant = habits.truant.filter(|_| month >= 8).and_then(|i| roll.get(i % roll.len()).copied());
            hold(store, &mut rng, cell, day, kind, truant, today).await?;
            held += 1;
            if quarter_end && kind == MeetingKind::Regular {
                let day = calendar.next_working_day(day + Duration::days(10));
                if day <= today {
                    hold(store, &mut rng, cell, day, MeetingKind::Thematic, None, today).await?;
                    held += 1;
                }
            }
        }
        let last_signed = store.unit_meetings(cell, today - Duration::days(62), today).await?.into_iter().rev().find(|m| m.minutes_locked);
        // Its own random numbers: the year's meetings above stay as they were.
        let mut answers = StdRng::seed_from_u64(seed ^ cell.0 as u64);
        schedule_next(store, &mut answers, cell, today, &calendar, last_signed.map(|m| m.id)).await?;
    }
    Ok(held)
}
