//! Member routines on both engines (rules.md §5.2, §5.4, §6, §7): the discipline register with
//! its automatic end, what keeps it in force and the expulsion's register event; exemptions with
//! their events, renewals and return; the card register with its series checks, re-issues and
//! the card check; badge lists for an award day — generated, held back by a discipline, the early
//! window added by hand, sent, decided onto the records — and the yearly report of member work.
//! Each desk keeps to its scope.

use conformance::{TestStore, on_both_engines};
use domain::access::Role;
use domain::badges::{Circumstance, Verdict};
use domain::cards::{CardEnd, CardNumber, CardSettings, Finding, Issue, IssueKind, Series};
use domain::discipline::{Form, Interruption, Standing};
use domain::exemptions::{Exemption, Ground, Renewal};
use domain::history::Status;
use domain::ids::DecisionNumber;
use domain::member_work::{ExemptionLine, Line};
use domain::unit::UnitKind::*;
use storage::prelude::*;
use storage::{DisciplineInput, StoreError};

use crate::fixtures::*;

on_both_engines!(discipline_exemptions_cards_badges_and_the_yearly_report);

fn number(n: &str) -> DecisionNumber {
    DecisionNumber::parse(n).unwrap()
}

fn discipline(form: Form, announced: chrono::NaiveDate, post: Option<&str>) -> DisciplineInput {
    DisciplineInput {
        form,
        body: "Chi bộ 1".into(),
        decision: number("01-QĐ/CB"),
        decided_on: announced,
        announced_on: announced,
        reason: "Vi phạm quy định về sinh hoạt đảng".into(),
        post: post.map(str::to_string),
    }
}

fn card(kind: IssueKind, series: Series, n: &str, on: chrono::NaiveDate) -> Issue {
    Issue {
        series,
        number: CardNumber::parse(series, n, CardSettings::default()).unwrap(),
        kind,
        issued_on: on,
        decision: "15-QĐ/ĐU".into(),
        round: "Đợt 7/11/2026".into(),
    }
}

async fn status(s: &dyn Store, m: domain::ids::MemberId) -> Status {
    s.member(m).await.unwrap().history.spans.last().unwrap().status
}

async fn discipline_exemptions_cards_badges_and_the_yearly_report(t: &TestStore) {
    let s = t.store.as_ref();
    let today = ctx().today; // 25/11/2026
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(1990, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã Xuân", Some(province), d(1990, 1, 1)).await;
    let other = unit(s, Commune, "Y", "Đảng bộ xã Yên", Some(province), d(1990, 1, 1)).await;
    let cell = unit(s, GrassrootsCell, "X1", "Chi bộ 1", Some(commune), d(1990, 1, 1)).await;
    // Admitted 15/1/1997: 30 years on 15/1/2027, before the award day 3/2/2027.
    let an = member(s, "Nguyễn Văn An", "nam", "01/01/1960", &cccd(1), cell, d(1997, 1, 15), true).await;
    let binh = member(s, "Trần Thị Bình", "nu", "01/01/1962", &cccd(2), cell, d(1997, 1, 10), true).await;
    // 29 years and 8 months on 3/2/2027: due only within the early window of the seriously ill.
    let cuong = member(s, "Lê Văn Cường", "nam", "01/01/1958", &cccd(3), cell, d(1997, 6, 1), true).await;
    let dung = member(s, "Phạm Văn Dũng", "nam", "01/01/1990", &cccd(4), cell, d(2026, 3, 1), false).await;
    let em = member(s, "Hoàng Văn Em", "nam", "01/01/1985", &cccd(5), cell, d(2010, 5, 1), true).await;

    // ── Discipline (69-QĐ/TW art. 2.5, 7) ──
    // A probationary member is only reprimanded or warned; removal from post needs a post.
    let refused = s.record_discipline(&ctx(), dung, discipline(Form::RemovalFromPost, d(2026, 6, 1), None)).await.unwrap_err();
    assert_eq!(codes(refused), ["probationary", "no_post"]);
    let warning = s.record_discipline(&ctx(), binh, discipline(Form::Warning, d(2026, 6, 1), None)).await.unwrap();
    let v = s.discipline(warning, today).await.unwrap();
    assert_eq!(v.standing, Standing::Running { ends_on: d(2027, 6, 1) });
    assert!(matches!(s.discipline(warning, d(2027, 6, 1)).await.unwrap().standing, Standing::Ended { .. }), "ends on the exact day");
    // A complaint within the 12 months keeps it in force until a later decision.
    s.record_interruption(&ctx(), warning, 1, Interruption::Complaint, d(2026, 7, 1), "Đảng viên khiếu nại".into()).await.unwrap();
    assert!(matches!(
        s.record_interruption(&ctx(), warning, 1, Interruption::Complaint, d(2026, 7, 2), "x".into()).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(s.discipline(warning, d(2027, 7, 1)).await.unwrap().standing, Standing::Held);
    // Expulsion writes the register's event: the member is out of the Party from the announcement.
    let expelled = s.record_discipline(&ctx(), em, discipline(Form::Expulsion, d(2026, 9, 1), None)).await.unwrap();
    assert_eq!(status(s, em).await, Status::Expelled);
    assert!(s.discipline(expelled, today).await.unwrap().row.event.is_some());
    assert_eq!(s.discipline(expelled, d(2030, 1, 1)).await.unwrap().standing, Standing::Permanent);
    let register = s.disciplines_under(commune, d(2026, 1, 1), today).await.unwrap();
    assert_eq!(register.len(), 2);
    assert!(register.iter().all(|v| v.unit_name.starts_with("Chi bộ 1")), "the expelled member's chi bộ is kept");
    assert!(s.disciplines_under(other, d(2026, 1, 1), today).await.unwrap().is_empty());

    // ── Exemption (24-QĐ/TW point 7.1) ──
    let x = Exemption {
        ground: Ground::Elderly,
        resolved_on: d(2026, 1, 10),
        resolution: "05-NQ/CB".into(),
        from: d(2026, 1, 10),
        until: Some(d(2026, 12, 20)),
    };
    let exemption = s.record_exemption(&ctx(), cuong, x.clone()).await.unwrap();
    assert_eq!(status(s, cuong).await, Status::Exempt);
    let lines = s.exemptions_under(commune, d(2026, 1, 1), today).await.unwrap();
    assert_eq!(lines.len(), 1);
    assert!(matches!(lines[0].standing, Some(domain::exemptions::Standing::EndingSoon { days_left: 25, .. })));
    let renewal = Renewal { resolved_on: d(2026, 11, 20), resolution: "09-NQ/CB".into(), until: Some(d(2027, 12, 20)) };
    s.renew_exemption(&ctx(), exemption, 1, renewal.clone()).await.unwrap();
    assert_eq!(codes(s.renew_exemption(&ctx(), exemption, 2, renewal).await.unwrap_err()), ["not_later"]);
    let mine = s.member_exemptions(cuong, today).await.unwrap();
    assert_eq!((mine[0].row.until, mine[0].renewals.len()), (Some(d(2027, 12, 20)), 1));
    // A probationary member is not exempted (rules.md §5.2: official members).
    assert!(s.record_exemption(&ctx(), dung, Exemption { resolved_on: d(2026, 4, 1), from: d(2026, 4, 1), ..x }).await.is_err());

    // ── Cards (rules.md §7; 24-QĐ/TW point 6.1) ──
    let an_card = s.issue_card(&ctx(), an, card(IssueKind::New, Series::S2003, "12345678", d(2000, 3, 1))).await.unwrap();
    assert_eq!(
        codes(s.issue_card(&ctx(), an, card(IssueKind::New, Series::S2003, "12345679", d(2001, 3, 1))).await.unwrap_err()),
        ["has_card"]
    );
    assert_eq!(
        codes(s.issue_card(&ctx(), binh, card(IssueKind::New, Series::S2003, "12345678", d(2000, 3, 1))).await.unwrap_err()),
        ["duplicate"]
    );
    assert_eq!(
        codes(s.issue_card(&ctx(), dung, card(IssueKind::New, Series::S2003, "22222222", d(2026, 5, 1))).await.unwrap_err()),
        ["not_official"]
    );
    // A re-issue after a loss ends the card in use as lost; the 2025 renewal replaces it.
    s.issue_card(&ctx(), an, card(IssueKind::AfterLoss, Series::S2003, "12345680", d(2020, 3, 1))).await.unwrap();
    s.issue_card(&ctx(), an, card(IssueKind::Renewal, Series::S2025, "001060000001", d(2025, 8, 20))).await.unwrap();
    let an_cards = s.member_cards(an).await.unwrap();
    assert_eq!(an_cards.len(), 3);
    assert_eq!(an_cards.iter().find(|c| c.id == an_card).unwrap().end, Some(CardEnd::Lost));
    assert_eq!(an_cards.iter().filter(|c| c.ended_on.is_none()).count(), 1);
    // The expelled member's card is still in use: the card check asks for it back.
    let em_card = s.issue_card(&ctx(), em, card(IssueKind::New, Series::S2003, "33333333", d(2012, 5, 1))).await.unwrap();
    let check = s.card_check(commune, today).await.unwrap();
    assert_eq!(check.count(Finding::NotReturned), 1);
    assert_eq!(check.count(Finding::Missing), 2, "Bình and Cường, official without a card");
    assert_eq!(codes(s.end_card(&ctx(), em_card, 1, today, CardEnd::KeptByFamily, String::new()).await.unwrap_err()), ["not_deceased"]);
    s.end_card(&ctx(), em_card, 1, today, CardEnd::Returned, "Chi bộ đã thu hồi".into()).await.unwrap();
    assert_eq!(s.card_check(commune, today).await.unwrap().count(Finding::NotReturned), 0);
    assert_eq!(s.card_register(commune, today).await.unwrap().iter().filter(|l| l.card.is_some()).count(), 1);

    // ── Badges (rules.md §6) ──
    let award = d(2027, 2, 3);
    let candidates = s.badge_candidates(commune, award, today).await.unwrap();
    let verdict_of = |m| candidates.iter().find(|c| c.member == m).map(|c| c.verdict);
    assert_eq!(verdict_of(an), Some(Verdict::Due { milestone: 30, early_months: 0 }));
    assert!(matches!(verdict_of(binh), Some(Verdict::Held { milestone: 30, .. })), "the warning holds Bình's badge back");
    assert_eq!(verdict_of(cuong), None);
    assert_eq!(codes(s.open_badge_list(&ctx(), commune, d(2027, 2, 4)).await.unwrap_err()), ["not_award_day"]);
    let list = s.open_badge_list(&ctx(), commune, award).await.unwrap();
    assert_eq!(codes(s.open_badge_list(&ctx(), commune, award).await.unwrap_err()), ["duplicate"]);
    let view = s.badge_list(list, today).await.unwrap();
    assert_eq!((view.lines.len(), view.held.len()), (1, 1));
    // Cường, seriously ill, within 12 months of 30 years; not when read as ordinary.
    // Vũ died at 29 years and 7 months: posthumously, within 12 months (01-HD/TW 2021 §18).
    let vu = member(s, "Vũ Văn Giang", "nam", "01/01/1950", &cccd(6), cell, d(1997, 3, 1), true).await;
    let version = s.member(vu).await.unwrap().version;
    s.record_event(&ctx(), vu, version, domain::event::EventData { basis: None, ..event(domain::event::EventKind::Died, d(2026, 10, 1)) })
        .await
        .unwrap();
    let early = s.badge_early(commune, award, today).await.unwrap();
    let found: Vec<_> = early.iter().map(|c| (c.member, c.circumstance, c.verdict)).collect();
    assert_eq!(
        found,
        [
            (cuong, Circumstance::SeriouslyIll, Verdict::Due { milestone: 30, early_months: 4 }),
            (vu, Circumstance::Posthumous, Verdict::Due { milestone: 30, early_months: 5 })
        ]
    );
    assert_eq!(codes(s.add_badge_line(&ctx(), list, 1, vu, Circumstance::SeriouslyIll).await.unwrap_err()), ["posthumous"]);
    assert_eq!(codes(s.add_badge_line(&ctx(), list, 1, cuong, Circumstance::Ordinary).await.unwrap_err()), ["not_due"]);
    s.add_badge_line(&ctx(), list, 1, cuong, Circumstance::SeriouslyIll).await.unwrap();
    assert_eq!(
        codes(s.decide_badge_list(&ctx(), list, 2, number("88-QĐ/TU"), today, "Ban Thường vụ Tỉnh ủy".into()).await.unwrap_err()),
        ["not_sent"]
    );
    s.send_badge_list(&ctx(), list, 2).await.unwrap();
    assert_eq!(codes(s.remove_badge_line(&ctx(), list, 3, cuong).await.unwrap_err()), ["not_draft"]);
    s.decide_badge_list(&ctx(), list, 3, number("88-QĐ/TU"), today, "Ban Thường vụ Tỉnh ủy".into()).await.unwrap();
    let held = s.member_badges(cuong).await.unwrap();
    assert_eq!((held[0].milestone, held[0].circumstance, held[0].awarded_on), (30, Circumstance::SeriouslyIll, award));
    // Held now: the next list leaves them out.
    assert!(s.badge_candidates(commune, d(2027, 5, 19), today).await.unwrap().iter().all(|c| c.member != an && c.member != cuong));

    // ── The yearly report of member work (7-BTCTW) ──
    let report = s.member_work_report(commune, d(2025, 1, 1), d(2027, 12, 31), today).await.unwrap();
    let count = |l: Line| report.line(l).map_or(0, |w| w.members.len());
    assert_eq!(count(Line::Discipline(Form::Warning)), 1);
    assert_eq!(count(Line::Discipline(Form::Expulsion)), 1);
    assert_eq!(count(Line::Card(IssueKind::Renewal)), 1);
    assert_eq!(count(Line::Badge(30)), 2);
    assert_eq!(count(Line::Exemption(ExemptionLine::Began)), 1);
    assert_eq!(count(Line::Exemption(ExemptionLine::Running)), 1, "a period ending in the future is read as of today");
    let this_year = s.member_work_report(commune, d(2026, 1, 1), today, today).await.unwrap();
    assert_eq!(this_year.line(Line::Exemption(ExemptionLine::Running)).unwrap().members, vec![cuong]);
    assert_eq!(this_year.line(Line::Badge(30)).unwrap().members.len(), 0);

    // ── Scope ──
    let stranger = access(&t.store, &[(Role::OrgBoardStaff, Some(other))]);
    assert!(matches!(stranger.discipline().unwrap().member(binh).await, Err(StoreError::NotFound)));
    assert!(matches!(
        stranger.discipline().unwrap().record(binh, discipline(Form::Reprimand, today, None)).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(stranger.cards().unwrap().end(an, an_card, 1, today, CardEnd::Lost, String::new()).await, Err(StoreError::NotFound)));
    assert!(matches!(stranger.badges().unwrap().list(commune, list).await, Err(StoreError::NotFound)));
    // A list named under another unit than its own is not found, even by one who keeps both.
    let province_staff = access(&t.store, &[(Role::OrgBoardStaff, Some(province))]);
    let desk = province_staff.badges().unwrap();
    assert_eq!(desk.list(commune, list).await.unwrap().row.unit, commune);
    assert!(matches!(desk.list(other, list).await, Err(StoreError::NotFound)));
    assert!(matches!(desk.send(other, list, 1).await, Err(StoreError::NotFound)));
    assert!(matches!(stranger.exemptions().unwrap().end(cuong, exemption, 2, today, number("1-NQ/CB")).await, Err(StoreError::NotFound)));
    let inspector = access(&t.store, &[(Role::Inspector, Some(commune))]);
    assert_eq!(inspector.discipline().unwrap().member(binh).await.unwrap().len(), 1);
    assert!(matches!(
        inspector.discipline().unwrap().record(binh, discipline(Form::Reprimand, today, None)).await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(inspector.badges().unwrap().open(commune, d(2027, 5, 19)).await, Err(StoreError::Forbidden)));
    // The exemption ends by the chi bộ's resolution: the register's status follows.
    let staff = access(&t.store, &[(Role::OrgBoardStaff, Some(commune))]);
    // Named with another member than its own, it is not found.
    assert!(matches!(staff.exemptions().unwrap().end(an, exemption, 2, today, number("12-NQ/CB")).await, Err(StoreError::NotFound)));
    staff.exemptions().unwrap().end(cuong, exemption, 2, today, number("12-NQ/CB")).await.unwrap();
    assert_eq!(status(s, cuong).await, Status::Official);
}
