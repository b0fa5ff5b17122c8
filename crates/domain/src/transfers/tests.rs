use std::collections::HashMap;

use super::*;
use crate::testing::d;

fn plan(mode: TransferMode, letter: NaiveDate) -> TransferPlan {
    TransferPlan {
        mode,
        temporary_reason: None,
        from: UnitRef::Internal(UnitId(1)),
        to: UnitRef::Internal(UnitId(10)),
        route: Route::WithinRegister,
        letter: Letter { number: " 12/GTSHĐ ".into(), date: letter, issuer: "Đảng ủy xã Thanh Hà".into() },
        until: None,
        cause: "Quyết định điều động công tác".into(),
        cause_on: None,
    }
}

fn transfer(p: TransferPlan) -> Transfer {
    Transfer { plan: p, presented_on: None, outcome: None, returned_on: None }
}

fn codes(r: Result<impl std::fmt::Debug, ValidationErrors>) -> Vec<&'static str> {
    r.err().map(|e| e.errors.iter().map(|e| e.code).collect()).unwrap_or_default()
}

/// Units 1 (the sender), 10 (a chi bộ ended on 1/7/2025 and merged into 20), 20 (standing from
/// that day) with 21 under it, and 30 elsewhere.
struct FakeTree {
    ended: HashMap<i64, NaiveDate>,
    started: HashMap<i64, NaiveDate>,
    parent: HashMap<i64, i64>,
    heirs: HashMap<i64, i64>,
}

fn reorganized() -> FakeTree {
    FakeTree {
        ended: HashMap::from([(10, d(2025, 7, 1))]),
        started: HashMap::from([(20, d(2025, 7, 1)), (21, d(2025, 7, 1))]),
        parent: HashMap::from([(21, 20), (11, 10)]),
        heirs: HashMap::from([(10, 20)]),
    }
}

impl Tree for FakeTree {
    fn stands(&self, unit: UnitId, on: NaiveDate) -> bool {
        self.started.get(&unit.0).is_none_or(|s| *s <= on) && self.ended.get(&unit.0).is_none_or(|e| on < *e)
    }
    fn is_within(&self, unit: UnitId, ancestor: UnitId, on: NaiveDate) -> bool {
        std::iter::successors(Some(unit.0), |u| self.parent.get(u).copied()).any(|u| u == ancestor.0 && self.stands(UnitId(u), on))
    }
    fn heir(&self, unit: UnitId) -> Option<UnitId> {
        self.heirs.get(&unit.0).map(|u| UnitId(*u))
    }
}

#[test]
fn a_letter_is_checked_and_tidied() {
    let p = plan(TransferMode::Official, d(2026, 3, 2)).check(Some(true)).unwrap();
    assert_eq!(p.letter.number, "12/GTSHĐ");
    assert_eq!(p.route, Route::WithinGrassroots, "the route between two units of the register is read from the tree");
    assert_eq!(plan(TransferMode::Official, d(2026, 3, 2)).check(Some(false)).unwrap().route, Route::WithinRegister);

    let mut bad = plan(TransferMode::Official, d(2026, 3, 2));
    bad.letter.number = " ".into();
    bad.letter.issuer = String::new();
    bad.cause = String::new();
    bad.until = Some(d(2026, 9, 1));
    bad.cause_on = Some(d(2026, 3, 3));
    assert_eq!(codes(bad.check(Some(true))), ["required", "required", "required", "cause_after_letter", "official_until"]);

    let mut same = plan(TransferMode::Official, d(2026, 3, 2));
    same.to = same.from.clone();
    assert_eq!(codes(same.check(Some(true))), ["same_unit"]);
}

#[test]
fn outside_the_register_the_route_is_typed() {
    let mut p = plan(TransferMode::Official, d(2026, 3, 2));
    p.to = UnitRef::External("Đảng bộ phường Bến Nghé, TP. Hồ Chí Minh".into());
    assert_eq!(codes(p.check(None)), ["route_outside"]);
    p.route = Route::OtherProvince;
    assert!(p.check(None).is_ok());
    p.from = UnitRef::External("Chi bộ Đại sứ quán".into());
    assert_eq!(codes(p.check(None)), ["outside_both"]);
    p.from = UnitRef::Internal(UnitId(1));
    p.to = UnitRef::External("  ".into());
    assert_eq!(codes(p.check(None)), ["required"]);
}

#[test]
fn a_temporary_transfer_lasts_as_long_as_its_reason_allows() {
    let letter = d(2026, 3, 2);
    let temp = |reason, until| TransferPlan {
        temporary_reason: reason,
        until: Some(until),
        route: Route::WithinRegister,
        ..plan(TransferMode::Temporary, letter)
    };
    let work = Some(TemporaryReason::WorkOrResidence);
    let study = Some(TemporaryReason::Study);
    assert!(temp(work, d(2026, 6, 2)).check(None).is_ok(), "three months is enough");
    assert_eq!(codes(temp(work, d(2026, 6, 1)).check(None)), ["too_short"]);
    assert!(temp(work, d(2027, 3, 1)).check(None).is_ok(), "under a year");
    assert_eq!(codes(temp(work, d(2027, 3, 2)).check(None)), ["too_long"], "a year or more is an official transfer");
    assert!(temp(study, d(2028, 3, 2)).check(None).is_ok(), "study: two years");
    assert_eq!(codes(temp(study, d(2028, 3, 3)).check(None)), ["too_long"]);
    assert_eq!(codes(temp(None, d(2026, 9, 1)).check(None)), ["required"]);
    let no_end = TransferPlan { temporary_reason: work, ..plan(TransferMode::Temporary, letter) };
    assert_eq!(codes(no_end.check(None)), ["required"]);
}

#[test]
fn the_letter_is_valid_thirty_working_days_across_tet() {
    let calendar = WorkCalendar::default();
    // Letter on Mon 2/2/2026; Tết Bính Ngọ closes 16–20/2 (holidays.md): 23/3, not 16/3.
    let p = plan(TransferMode::Official, d(2026, 2, 2));
    let deadlines = p.deadlines(None, &calendar, TransferSettings::default());
    assert_eq!(deadlines.present_by, d(2026, 3, 23));
    assert_eq!(deadlines.answer_by, None, "the receiving side's clock starts when the letter is presented");
    let t = transfer(p.clone());
    assert_eq!(t.late(&calendar, TransferSettings::default(), d(2026, 3, 23)), None);
    assert_eq!(
        t.late(&calendar, TransferSettings::default(), d(2026, 3, 24)),
        Some(Late { kind: Lateness::NotPresented, due: d(2026, 3, 23) })
    );

    // Presented on Fri 13/2, the day before Tết; the receiving side's 30 working days (the
    // default) run to 3/4, five working days lost to Tết; a setting of 10 to 6/3.
    let presented = Transfer { presented_on: Some(d(2026, 2, 13)), ..transfer(p.clone()) };
    assert_eq!(presented.stage(d(2026, 2, 13)), TransferStage::Presented);
    assert_eq!(presented.stage(d(2026, 2, 12)), TransferStage::Issued);
    assert_eq!(p.deadlines(Some(d(2026, 2, 13)), &calendar, TransferSettings::default()).answer_by, Some(d(2026, 4, 3)));
    let ten = TransferSettings { receiver_working_days: 10 };
    assert_eq!(presented.late(&calendar, ten, d(2026, 3, 9)), Some(Late { kind: Lateness::NotAnswered, due: d(2026, 3, 6) }));
    assert_eq!(presented.late(&calendar, ten, d(2026, 3, 6)), None);
}

#[test]
fn the_official_transfer_starts_within_sixty_working_days() {
    let calendar = WorkCalendar::default();
    // Decision effective Thu 1/1/2026: New Year 1–2/1 off, Sat 10/1 worked, Tết 16–20/2 off.
    let mut p = plan(TransferMode::Official, d(2026, 4, 2));
    p.cause_on = Some(d(2026, 1, 1));
    let start_by = p.deadlines(None, &calendar, TransferSettings::default()).start_by.unwrap();
    assert_eq!(calendar.working_days_between(d(2026, 1, 1), start_by), 60);
    assert_eq!(start_by, d(2026, 4, 2));
    assert!(!p.started_late(&calendar));
    p.letter.date = d(2026, 4, 3);
    assert!(p.started_late(&calendar));
    p.mode = TransferMode::Temporary;
    assert!(!p.started_late(&calendar), "the 60 days are the official transfer's");
}

#[test]
fn a_transfer_across_the_2025_reorganization_is_answered_by_the_merged_unit() {
    let calendar = WorkCalendar::default();
    let tree = reorganized();
    // Letter on Mon 30/6/2025 to chi bộ 10, merged into 20 on 1/7/2025 while the member is on the way.
    let t = transfer(plan(TransferMode::Official, d(2025, 6, 30)));
    assert_eq!(t.plan.deadlines(None, &calendar, TransferSettings::default()).present_by, d(2025, 8, 11));
    assert_eq!(answering_unit(UnitId(10), d(2025, 6, 30), &tree), Some(UnitId(10)));
    assert_eq!(answering_unit(UnitId(10), d(2025, 7, 15), &tree), Some(UnitId(20)));
    assert!(t.check_accept(UnitId(10), d(2025, 6, 30), &tree).is_ok(), "before the merger, the letter's own unit");
    assert!(t.check_accept(UnitId(21), d(2025, 7, 15), &tree).is_ok(), "after it, a chi bộ of the unit it became");
    assert_eq!(codes(t.check_accept(UnitId(10), d(2025, 7, 15), &tree)), ["unit_not_standing"]);
    assert_eq!(codes(t.check_accept(UnitId(30), d(2025, 7, 15), &tree)), ["wrong_destination"]);
    assert_eq!(codes(t.check_accept(UnitId(21), d(2025, 6, 29), &tree)), ["before_letter"]);
}

#[test]
fn each_answer_comes_once_and_in_order() {
    let tree = reorganized();
    let p = plan(TransferMode::Official, d(2026, 3, 2));
    let t = transfer(p.clone());
    assert!(t.check_present(d(2026, 3, 2)).is_ok());
    assert_eq!(codes(t.check_present(d(2026, 3, 1))), ["before_letter"]);
    let presented = Transfer { presented_on: Some(d(2026, 3, 10)), ..t.clone() };
    assert_eq!(codes(presented.check_present(d(2026, 3, 11))), ["presented"]);
    assert_eq!(codes(presented.check_refuse(d(2026, 3, 9), "Không đúng đối tượng")), ["before_letter"]);
    assert_eq!(codes(presented.check_refuse(d(2026, 3, 12), " ")), ["required"]);
    assert_eq!(presented.check_refuse(d(2026, 3, 12), " Sai nơi nhận ").unwrap(), "Sai nơi nhận");

    let accepted = Transfer { outcome: Some(Outcome::Accepted { on: d(2026, 3, 12), unit: UnitId(10) }), ..presented.clone() };
    assert_eq!(accepted.stage(d(2026, 3, 11)), TransferStage::Presented);
    assert_eq!(accepted.stage(d(2026, 3, 12)), TransferStage::Accepted);
    assert_eq!(codes(accepted.check_accept(UnitId(10), d(2026, 3, 13), &tree)), ["answered"]);
    assert_eq!(codes(accepted.check_cancel(d(2026, 3, 13), "Đổi ý")), ["answered"]);
    assert_eq!(codes(accepted.check_refuse(d(2026, 3, 13), "Đổi ý")), ["answered"]);
    assert_eq!(codes(accepted.check_return(d(2026, 3, 13))), ["official"]);
    assert_eq!(accepted.late(&WorkCalendar::default(), TransferSettings::default(), d(2027, 1, 1)), None);

    assert_eq!(t.check_cancel(d(2026, 3, 2), "Đảng viên không chuyển nữa").unwrap(), "Đảng viên không chuyển nữa");
    assert_eq!(codes(t.check_cancel(d(2026, 3, 1), "x")), ["before_letter"]);
    let cancelled = Transfer { outcome: Some(Outcome::Cancelled { on: d(2026, 3, 5), reason: "x".into() }), ..t.clone() };
    assert_eq!(cancelled.stage(d(2026, 3, 5)), TransferStage::Cancelled);
    assert_eq!(cancelled.late(&WorkCalendar::default(), TransferSettings::default(), d(2027, 1, 1)), None);
    assert_eq!(codes(t.check_close(d(2026, 3, 5), "Phiếu báo số 3")), ["inside"]);
}

#[test]
fn outside_the_register_a_return_slip_closes_the_transfer() {
    let calendar = WorkCalendar::default();
    let mut p = plan(TransferMode::Official, d(2026, 3, 2));
    p.to = UnitRef::External("Đảng bộ phường Bến Nghé".into());
    p.route = Route::OtherProvince;
    let t = transfer(p.clone());
    assert_eq!(codes(t.check_present(d(2026, 3, 3))), ["outside"]);
    assert_eq!(codes(t.check_refuse(d(2026, 3, 3), "x")), ["outside"]);
    assert_eq!(codes(t.check_accept(UnitId(10), d(2026, 3, 3), &reorganized())), ["outside"]);
    // The slip is due once the letter's validity and the receiving side's time have passed
    // (Hùng Kings 27/4 and 30/4–1/5 are off).
    let d30 = p.deadlines(None, &calendar, TransferSettings::default());
    assert_eq!(d30.present_by, d(2026, 4, 13));
    assert_eq!(d30.answer_by, Some(d(2026, 5, 28)));
    assert_eq!(
        t.late(&calendar, TransferSettings::default(), d(2026, 5, 29)),
        Some(Late { kind: Lateness::NoReturnSlip, due: d(2026, 5, 28) })
    );
    assert_eq!(t.check_close(d(2026, 4, 1), " Phiếu báo số 15/PB ").unwrap(), "Phiếu báo số 15/PB");
    let closed = Transfer { outcome: Some(Outcome::Closed { on: d(2026, 4, 1), slip: "15/PB".into() }), ..t };
    assert_eq!(closed.stage(d(2026, 4, 1)), TransferStage::Closed);
    assert_eq!(closed.late(&calendar, TransferSettings::default(), d(2026, 6, 1)), None);
}

#[test]
fn a_temporary_transfer_ends_with_the_return() {
    let calendar = WorkCalendar::default();
    let mut p = plan(TransferMode::Temporary, d(2026, 3, 2));
    p.temporary_reason = Some(TemporaryReason::Study);
    p.until = Some(d(2026, 12, 31));
    let t = transfer(p);
    assert_eq!(codes(t.check_return(d(2026, 12, 31))), ["not_hosted"]);
    let hosted = Transfer { outcome: Some(Outcome::Accepted { on: d(2026, 3, 9), unit: UnitId(10) }), ..t };
    assert_eq!(hosted.stage(d(2026, 6, 1)), TransferStage::Hosted);
    assert_eq!(codes(hosted.check_return(d(2026, 3, 8))), ["before_accepted"]);
    assert!(hosted.check_return(d(2026, 12, 31)).is_ok());
    assert_eq!(hosted.late(&calendar, TransferSettings::default(), d(2026, 12, 31)), None);
    assert_eq!(
        hosted.late(&calendar, TransferSettings::default(), d(2027, 1, 4)),
        Some(Late { kind: Lateness::NotReturned, due: d(2026, 12, 31) })
    );
    let back = Transfer { returned_on: Some(d(2027, 1, 4)), ..hosted };
    assert_eq!(back.stage(d(2027, 1, 4)), TransferStage::Returned);
    assert_eq!(back.stage(d(2027, 1, 3)), TransferStage::Hosted);
    assert_eq!(codes(back.check_return(d(2027, 1, 5))), ["returned"]);
    assert_eq!(back.late(&calendar, TransferSettings::default(), d(2027, 2, 1)), None);
}

#[test]
fn the_book_counts_each_line_from_its_side() {
    let first = d(2026, 1, 1);
    let last = d(2026, 6, 30);
    let sender = Sides { sending: true, receiving: false };
    let receiver = Sides { sending: false, receiving: true };
    let base = transfer(plan(TransferMode::Official, d(2026, 3, 2)));
    let accepted = Transfer { outcome: Some(Outcome::Accepted { on: d(2026, 3, 20), unit: UnitId(10) }), ..base.clone() };
    let refused = Transfer { outcome: Some(Outcome::Refused { on: d(2026, 7, 2), reason: "x".into() }), ..base.clone() };
    let mut s = BookCounts::default();
    let mut r = BookCounts::default();
    for t in [&base, &accepted, &refused] {
        s.add(t, sender, first, last);
        r.add(t, receiver, first, last);
    }
    assert_eq!(s, BookCounts { sent: 3, in_transit: 2, ..Default::default() }, "refused after the period: in transit at its end");
    assert_eq!(r, BookCounts { received: 1, in_transit: 2, ..Default::default() });
    let mut later = BookCounts::default();
    later.add(&refused, sender, d(2026, 7, 1), d(2026, 7, 31));
    assert_eq!(later, BookCounts { refused: 1, ..Default::default() });
    assert_eq!(later.line(BookLine::Refused), 1);
}
