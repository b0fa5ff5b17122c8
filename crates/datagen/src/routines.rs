//! Member routines (docs/design/member-routines.md) for the generated province:
//! - the badges every member had earned by the last award day, recorded as awarded on the award
//!   day after each milestone (so the next award day shows only those crossing a milestone since);
//! - in the commune the demo's accounts work in: a 2003-series card for every official member at recognition, renewed
//!   in the 2025 series (Chỉ thị 51-CT/TW) before 2/9/2025 — a few left without a card, one
//!   renewal typed with the wrong number (a mismatch), one card with another member's number;
//! - disciplines in its chi bộ: one ended by itself, one ending within the month, one running,
//!   one held by a complaint, an expulsion whose card is not yet recovered;
//! - exemptions of elderly members: one ending within the month, one past its end, one open-ended;
//! - its badge list for the next award day, opened and waiting to be sent.
//!
//! Everything goes through the store's use cases; deterministic for a seed.

use chrono::{Datelike, Days, NaiveDate, TimeZone, Utc};
use domain::badges::{AwardDay, Circumstance, Verdict};
use domain::cards::{CardNumber, CardSettings, Issue, IssueKind, Series};
use domain::discipline::{Form, Interruption};
use domain::exemptions::{Exemption, Ground};
use domain::history::Status;
use domain::ids::{DecisionNumber, MemberId};
use domain::unit::UnitKind;
use storage::prelude::*;
use storage::{BadgeRow, DisciplineInput, StoreError, WriteContext};

fn on(day: NaiveDate, who: &str) -> WriteContext {
    WriteContext::new(who, Utc.from_utc_datetime(&day.and_hms_opt(3, 0, 0).unwrap_or_default()))
}

fn number(n: &str) -> Result<DecisionNumber, StoreError> {
    DecisionNumber::parse(n).map_err(crate::field_error("decision"))
}

/// The last award day before `today`.
fn last_award_day(today: NaiveDate) -> NaiveDate {
    let mut days: Vec<NaiveDate> =
        [today.year() - 1, today.year()].iter().flat_map(|y| AwardDay::ALL.iter().map(move |d| d.on(*y))).collect();
    days.retain(|d| *d < today);
    days.into_iter().max().unwrap_or(today)
}

/// What was generated.
#[derive(Debug, Default, Clone, Copy)]
pub struct Routines {
    pub badges: usize,
    pub cards: usize,
    pub disciplines: usize,
    pub exemptions: usize,
}

/// Generates the routines; `place` is the commune and chi bộ the demo's accounts work in (else
/// the first commune and its first chi bộ).
pub async fn generate_routines(
    store: &dyn Store,
    seed: u64,
    today: NaiveDate,
    place: Option<(domain::ids::UnitId, domain::ids::UnitId)>,
) -> Result<Routines, StoreError> {
    let mut made = Routines::default();
    let Some(root) = store.children(None, today).await?.into_iter().find(|n| n.unit.kind == UnitKind::Province) else {
        return Ok(made);
    };
    let province = root.unit.id;

    // Badges already held: the highest milestone each member had reached by the last award day.
    let last = last_award_day(today);
    let mut badges = Vec::new();
    for c in store.badge_candidates(province, last, today).await? {
        if let Verdict::Due { milestone, .. } = c.verdict {
            // Reached `party age − milestone` months before the last award day; awarded on the
            // award day on or after that.
            let over = c.party_age_months.saturating_sub(milestone * 12);
            let reached = domain::dates::sub_months(last, over);
            let awarded_on = AwardDay::next(reached).1.min(last);
            badges.push(BadgeRow {
                id: 0,
                member: c.member,
                milestone,
                awarded_on,
                decision: format!("{}-QĐ/TU", 100 + (awarded_on.ordinal() % 800)),
                issuer: "Ban Thường vụ Tỉnh ủy".into(),
                circumstance: Circumstance::Ordinary,
                list: None,
            });
        }
    }
    made.badges = store.record_badges(&on(last, "ban tổ chức (dữ liệu mẫu)"), badges).await?;

    let communes: Vec<_> = store.children(Some(province), today).await?.into_iter().filter(|n| n.unit.kind == UnitKind::Commune).collect();
    let Some(commune) = place.map(|p| p.0).or_else(|| communes.first().map(|c| c.unit.id)) else { return Ok(made) };
    let roster = store.card_register(commune, today).await?;

    // Cards: the 2003 card at recognition (the number on the record when there is one), then the
    // 2025 renewal; every fortieth official member left without, to show on the card check.
    let settings = CardSettings::default();
    let board = "ban tổ chức (dữ liệu mẫu)";
    let renewal_day = NaiveDate::from_ymd_opt(2025, 8, 20).unwrap_or(today);
    let official: Vec<_> = roster.iter().filter(|l| matches!(l.status, Status::Official | Status::Exempt)).collect();
    let mut numbered = 0u64;
    // The record numbers of the members left without a card (one is given to another member: a
    // duplicate on the card check).
    let mut spare_numbers = Vec::new();
    for (i, l) in official.iter().enumerate() {
        let detail = store.member(l.member).await?;
        if i % 40 == 7 {
            spare_numbers.extend(detail.identity.party_card_number.as_ref().map(|n| n.as_str().to_owned()));
            continue;
        }
        let Some(recognized) = detail.history.official_since() else { continue };
        let issued_on = recognized + Days::new(30);
        if issued_on > today {
            continue;
        }
        numbered += 1;
        let generated = || format!("{:08}", 70_000_000 + seed % 1_000 * 10_000 + numbered);
        // One card typed with another number than the record's (a mismatch), one with the
        // number of a member left without a card (a duplicate): both kept in the 2003 series.
        let (old, keep_2003) = match i {
            3 => (generated(), true),
            9 if !spare_numbers.is_empty() => (spare_numbers.remove(0), true),
            _ => (detail.identity.party_card_number.as_ref().map(|n| n.as_str().to_owned()).unwrap_or_else(generated), false),
        };
        let decision = format!("{}-QĐ/ĐU", 10 + issued_on.ordinal() % 300);
        let first = Issue {
            series: Series::S2003,
            number: CardNumber::parse(Series::S2003, &old, settings).map_err(crate::field_error("number"))?,
            kind: IssueKind::New,
            issued_on,
            decision: decision.clone(),
            round: String::new(),
        };
        // A member not official that day (away, out and back) is refused by the rules: skipped.
        match store.issue_card(&on(issued_on.min(today), board), l.member, first).await {
            Ok(_) => made.cards += 1,
            Err(StoreError::Invalid(_)) => continue,
            Err(e) => return Err(e),
        }
        if issued_on < renewal_day && !keep_2003 {
            let renewed = Issue {
                series: Series::S2025,
                number: CardNumber::parse(Series::S2025, &format!("{:012}", 100_000_000_000 + l.member.0 as u64), settings)
                    .map_err(crate::field_error("number"))?,
                kind: IssueKind::Renewal,
                issued_on: renewal_day,
                decision: "51-QĐ/ĐU".into(),
                round: "Đổi thẻ theo Chỉ thị 51-CT/TW".into(),
            };
            match store.issue_card(&on(renewal_day, board), l.member, renewed).await {
                Ok(_) => made.cards += 1,
                Err(StoreError::Invalid(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }

    // Disciplines and exemptions among the first chi bộ's official members.
    let Some(cell) = place.map(|p| p.1).or_else(|| roster.first().map(|l| l.unit)) else { return Ok(made) };
    // Members official for at least three years (each case below must find them official).
    let long_ago = domain::dates::sub_months(today, 36);
    let mut cell_official: Vec<MemberId> = Vec::new();
    for l in roster.iter().filter(|l| l.unit == cell && l.status == Status::Official) {
        if store.member(l.member).await?.history.official_since().is_some_and(|d| d <= long_ago) {
            cell_official.push(l.member);
        }
    }
    // Each case a different member, from the end of the list (a small chi bộ gets fewer cases).
    let pick = |i: usize| cell_official.len().checked_sub(1 + i).and_then(|k| cell_official.get(k)).copied();
    let cases: [(Form, u64, bool); 5] = [
        (Form::Reprimand, 430, false), // announced 14 months ago: ended by itself
        (Form::Warning, 350, false),   // ends within the month
        (Form::Reprimand, 120, false), // running
        (Form::Warning, 200, true),    // a complaint keeps it in force
        (Form::Expulsion, 60, false),  // out of the Party; the card still to recover
    ];
    for (i, (form, days_ago, complaint)) in cases.iter().enumerate() {
        let Some(member) = pick(i) else { break };
        let Some(announced) = today.checked_sub_days(Days::new(*days_ago)) else { continue };
        let decided = announced.checked_sub_days(Days::new(3)).unwrap_or(announced);
        let body = if *form == Form::Expulsion { "Ban Thường vụ Đảng ủy xã" } else { "Chi bộ" };
        let input = DisciplineInput {
            form: *form,
            body: body.into(),
            decision: number(&format!("{}-QĐ/{}", 2 + i, if *form == Form::Expulsion { "ĐU" } else { "CB" }))?,
            decided_on: decided,
            announced_on: announced,
            reason: "Vi phạm quy định về sinh hoạt đảng và nhiệm vụ đảng viên".into(),
            post: None,
        };
        let id = store.record_discipline(&on(announced, board), member, input).await?;
        made.disciplines += 1;
        if *complaint {
            let day = announced + Days::new(20);
            store
                .record_interruption(&on(day, board), id, 1, Interruption::Complaint, day, "Đảng viên khiếu nại quyết định kỷ luật".into())
                .await?;
        }
    }
    let exemptions: [(u64, Option<u64>); 3] = [(340, Some(365)), (400, Some(390)), (800, None)];
    for (i, (from_days, length)) in exemptions.iter().enumerate() {
        let Some(member) = pick(cases.len() + i) else { break };
        let Some(from) = today.checked_sub_days(Days::new(*from_days)) else { continue };
        let x = Exemption {
            ground: if i == 2 { Ground::LongTreatment } else { Ground::Elderly },
            resolved_on: from,
            resolution: format!("{}-NQ/CB", 3 + i),
            from,
            until: length.map(|l| from + Days::new(l)),
        };
        store.record_exemption(&on(from, "chi bộ (dữ liệu mẫu)"), member, x).await?;
        made.exemptions += 1;
    }

    // The commune's list for the next award day, opened and not yet sent.
    let (_, next) = AwardDay::next(today);
    store.open_badge_list(&on(today, board), commune, next).await?;
    Ok(made)
}
