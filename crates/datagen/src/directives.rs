//! Directives of the generated province (docs/design/operations.md "Directives and tasks down
//! the tree"), so every screen of them has something real on it: over the last months the
//! province sends a notice for information, a plan whose deadline has passed (most communes
//! reported in time, some late, some never), a directive due in a few weeks (communes at every
//! step, each passing it on to the units under it, a few of which reported) and a letter sent
//! this week; each commune sends its own plan to its chi bộ.
//!
//! Everything goes through the store's use cases on the days it happens (every check applies),
//! deterministic for a seed.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use domain::directives::{Deadline, DirectiveKind, Draft, Reach, Task};
use domain::ids::UnitId;
use domain::unit::UnitKind;
use domain::workdays::WorkCalendar;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use storage::prelude::*;
use storage::{ReceiptStep, StoreError, WriteContext};

/// The most chi bộ under one commune whose steps are recorded (the rest stay unopened).
const CELLS_ACTING: usize = 12;

/// A write on `day` at 10:00 in Hà Nội.
fn on(day: NaiveDate) -> WriteContext {
    let now = Utc.from_utc_datetime(&day.and_hms_opt(3, 0, 0).unwrap_or_default());
    WriteContext::new("dữ liệu mẫu", now)
}

/// The working day on or after `today − days`.
fn working_day_before(calendar: &WorkCalendar, today: NaiveDate, days: i64) -> NaiveDate {
    calendar.next_working_day(today - Duration::days(days)).min(today)
}

fn draft(kind: DirectiveKind, number: &str, title: &str, body: &str, kinds: Vec<UnitKind>, task: Option<(&str, Deadline)>) -> Draft {
    Draft {
        kind,
        number: number.into(),
        title: title.into(),
        body: body.into(),
        reach: Reach { kinds, depth: None },
        task: task.map(|(asks, deadline)| Task { asks: asks.into(), deadline }),
    }
}

/// A day between `from` and `to` (both included, `to` not after `today`).
fn day_between(rng: &mut StdRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    from + Duration::days(rng.random_range(0..=span))
}

/// A day after `due` (late) if one has come by `today`, else a day in time.
fn report_day(rng: &mut StdRng, from: NaiveDate, due: NaiveDate, today: NaiveDate, late: bool) -> NaiveDate {
    if late && due < today {
        day_between(rng, due + Duration::days(1), (due + Duration::days(20)).min(today))
    } else {
        day_between(rng, from, due.min(today))
    }
}

/// What one receiver does with a task: nothing, open it, start it, or report it on a day.
enum Fate {
    Nothing,
    Opened(NaiveDate),
    Started(NaiveDate, NaiveDate),
    Done(NaiveDate, NaiveDate),
}

/// The receipt's version now.
async fn version(store: &dyn Store, id: i64, unit: UnitId, on_day: NaiveDate) -> Result<i64, StoreError> {
    let detail = store.directive(id, on_day).await?;
    Ok(detail.receipts.iter().find(|r| r.unit == unit).map_or(1, |r| r.version))
}

async fn act(store: &dyn Store, id: i64, unit: UnitId, fate: Fate, report: &str) -> Result<(), StoreError> {
    match fate {
        Fate::Nothing => Ok(()),
        Fate::Opened(day) => store.record_receipt(&on(day), id, unit, ReceiptStep::Open, None).await,
        Fate::Started(opened, started) => {
            store.record_receipt(&on(opened), id, unit, ReceiptStep::Open, None).await?;
            let v = version(store, id, unit, started).await?;
            store.record_receipt(&on(started), id, unit, ReceiptStep::Start, Some(v)).await
        }
        Fate::Done(opened, done) => {
            store.record_receipt(&on(opened), id, unit, ReceiptStep::Open, None).await?;
            let v = version(store, id, unit, done).await?;
            store.record_receipt(&on(done), id, unit, ReceiptStep::Done { report: report.into() }, Some(v)).await
        }
    }
}

/// Sends the directives and records what the receivers did; returns how many were sent.
pub async fn generate_directives(store: &dyn Store, seed: u64, today: NaiveDate) -> Result<usize, StoreError> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0xD1EC);
    let calendar = store.work_calendar().await?;
    let Some(province) = store.children(None, today).await?.into_iter().find(|n| n.unit.kind == UnitKind::Province) else {
        return Ok(0);
    };
    let province = province.unit.id;
    let mut communes: Vec<UnitId> =
        store.subtree(province, today).await?.into_iter().filter(|u| u.kind == UnitKind::Commune).map(|u| u.id).collect();
    communes.sort();
    if communes.is_empty() {
        return Ok(0);
    }
    let mut sent = 0;

    // A notice, two months ago: most communes opened it.
    let day = working_day_before(&calendar, today, 60);
    let notice = draft(
        DirectiveKind::Notice,
        "112-TB/TU",
        "Thông báo kết luận của Ban Thường vụ Tỉnh ủy về công tác tổ chức xây dựng Đảng quý III",
        "Ban Thường vụ Tỉnh ủy thông báo kết luận về công tác tổ chức xây dựng Đảng quý III.\nCác cấp ủy nghiên cứu, quán triệt trong cấp ủy và chi bộ.",
        vec![UnitKind::Commune, UnitKind::UnderProvince],
        None,
    );
    let id = store.send_directive(&on(day), province, notice).await?;
    sent += 1;
    for unit in store.directive(id, today).await?.receipts.iter().map(|r| r.unit).collect::<Vec<_>>() {
        if rng.random_bool(0.75) {
            act(store, id, unit, Fate::Opened(day_between(&mut rng, day, (day + Duration::days(10)).min(today))), "").await?;
        }
    }

    // A plan whose deadline passed: in time, late, or never reported.
    let day = working_day_before(&calendar, today, 90);
    let plan = draft(
        DirectiveKind::Plan,
        "45-KH/TU",
        "Kế hoạch rà soát, sàng lọc đảng viên và nâng cao chất lượng sinh hoạt chi bộ",
        "Các đảng ủy xã, phường, đặc khu rà soát đảng viên, chất lượng sinh hoạt chi bộ năm nay.\nBáo cáo kết quả về Ban Tổ chức Tỉnh ủy.",
        vec![UnitKind::Commune],
        Some(("Báo cáo kết quả rà soát (theo đề cương kèm theo)", Deadline::WorkingDays(15))),
    );
    let id = store.send_directive(&on(day), province, plan).await?;
    sent += 1;
    let due = calendar.add_working_days(day, 15);
    for unit in &communes {
        let opened = day_between(&mut rng, day, (day + Duration::days(3)).min(today));
        let fate = match rng.random_range(0..10) {
            0 => Fate::Started(opened, opened.min(today)),
            1 => Fate::Done(opened, report_day(&mut rng, opened, due, today, true)),
            _ => Fate::Done(opened, report_day(&mut rng, opened, due, today, false)),
        };
        act(store, id, *unit, fate, "Đã rà soát toàn bộ chi bộ trực thuộc; kết quả theo biểu kèm theo.").await?;
    }
    // The outline the report follows, and the tables the communes that reported sent with it.
    let outline =
        "ĐỀ CƯƠNG BÁO CÁO KẾT QUẢ RÀ SOÁT\n1. Số chi bộ, số đảng viên đã rà soát.\n2. Chất lượng sinh hoạt chi bộ.\n3. Kiến nghị.\n";
    let text = "text/plain; charset=utf-8";
    store.attach_directive_file(&on(day), id, None, "Đề cương báo cáo.txt", text, outline.as_bytes()).await?;
    for r in store.directive(id, today).await?.receipts.iter().filter(|r| r.done_on.is_some()) {
        let table = format!("BIỂU KẾT QUẢ RÀ SOÁT — {}\nSố chi bộ đã rà soát: {}\n", r.unit_name, rng.random_range(5..30));
        let when = on(r.done_on.unwrap_or(today));
        store.attach_directive_file(&when, id, Some(r.unit), "Biểu kết quả rà soát.txt", text, table.as_bytes()).await?;
    }

    // A directive due in three weeks: every step; each commune passes it on to its chi bộ.
    let day = working_day_before(&calendar, today, 10);
    let directive = draft(
        DirectiveKind::Directive,
        "18-CT/TU",
        "Chỉ thị về tăng cường công tác phát triển đảng viên trong tình hình mới",
        "Các cấp ủy chỉ đạo chi bộ rà soát quần chúng ưu tú, bồi dưỡng và đề nghị kết nạp.\nBáo cáo kết quả triển khai.",
        vec![UnitKind::Commune],
        Some(("Báo cáo kết quả triển khai chỉ thị", Deadline::Date(today + Duration::days(21)))),
    );
    let id = store.send_directive(&on(day), province, directive).await?;
    sent += 1;
    for unit in &communes {
        let opened = day_between(&mut rng, day, today);
        match rng.random_range(0..5) {
            0 => {}
            1 => act(store, id, *unit, Fate::Opened(opened), "").await?,
            4 => {
                act(store, id, *unit, Fate::Done(opened, day_between(&mut rng, opened, today)), "Đã triển khai đến toàn bộ chi bộ.").await?
            }
            _ => {
                act(store, id, *unit, Fate::Opened(opened), "").await?;
                let passed = store.pass_on(&on(opened), id, *unit, Reach { kinds: vec![], depth: None }, None).await;
                // A commune with nothing under it has no one to pass it on to.
                if passed.is_ok() {
                    let cells: Vec<UnitId> = store
                        .directive(id, today)
                        .await?
                        .receipts
                        .iter()
                        .filter(|r| r.via == Some(*unit))
                        .map(|r| r.unit)
                        .take(CELLS_ACTING)
                        .collect();
                    for cell in cells {
                        let seen = day_between(&mut rng, opened, today);
                        let fate = match rng.random_range(0..3) {
                            0 => Fate::Nothing,
                            1 => Fate::Opened(seen),
                            _ => Fate::Done(seen, day_between(&mut rng, seen, today)),
                        };
                        act(store, id, cell, fate, "Chi bộ đã họp, lập danh sách quần chúng ưu tú.").await?;
                    }
                }
            }
        }
    }

    // A letter this week to the grassroots organizations, nobody has opened yet.
    let day = working_day_before(&calendar, today, 2);
    let letter = draft(
        DirectiveKind::Letter,
        "1250-CV/BTCTU",
        "Về việc cập nhật thông tin đảng viên trên hệ thống",
        "Đề nghị các tổ chức cơ sở đảng rà soát, cập nhật đầy đủ thông tin đảng viên.",
        vec![UnitKind::GrassrootsCommittee, UnitKind::GrassrootsCell],
        Some(("Hoàn thành cập nhật và báo cáo số đảng viên đã cập nhật", Deadline::WorkingDays(10))),
    );
    if store.send_directive(&on(day), province, letter).await.is_ok() {
        sent += 1;
    }

    // Each commune's own plan to its chi bộ, a month ago.
    let day = working_day_before(&calendar, today, 30);
    for unit in &communes {
        let plan = draft(
            DirectiveKind::Plan,
            "12-KH/ĐU",
            "Kế hoạch sinh hoạt chuyên đề quý IV",
            "Các chi bộ tổ chức sinh hoạt chuyên đề quý IV theo hướng dẫn.",
            vec![],
            Some(("Báo cáo kết quả sinh hoạt chuyên đề", Deadline::WorkingDays(10))),
        );
        let Ok(id) = store.send_directive(&on(day), *unit, plan).await else { continue };
        sent += 1;
        let due = calendar.add_working_days(day, 10);
        let cells: Vec<UnitId> = store.directive(id, today).await?.receipts.iter().map(|r| r.unit).take(CELLS_ACTING).collect();
        for cell in cells {
            let opened = day_between(&mut rng, day, (day + Duration::days(5)).min(today));
            let fate = match rng.random_range(0..6) {
                0 => Fate::Nothing,
                1 => Fate::Started(opened, opened),
                2 => Fate::Done(opened, report_day(&mut rng, opened, due, today, true)),
                _ => Fate::Done(opened, report_day(&mut rng, opened, due, today, false)),
            };
            act(store, id, cell, fate, "Chi bộ đã sinh hoạt chuyên đề, có biên bản kèm theo.").await?;
        }
    }
    Ok(sent)
}
