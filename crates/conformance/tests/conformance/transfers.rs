//! Transfers of party activity as the two-sided procedure: the letter puts the member in transit
//! and off every list, the acceptance puts them on the receiving side's from its day, a refusal
//! or a cancellation puts them back as if no letter had been issued, a destination merged on the
//! way is answered for by the unit it became, a temporary transfer keeps the member counted at
//! home, a transfer out of the register closes with the return slip; each side acts only for
//! itself.

use chrono::NaiveDate;
use conformance::{TestStore, on_both_engines};
use domain::access::Role;
use domain::event::{TransferMode, UnitRef};
use domain::ids::{MemberId, UnitId};
use domain::transfers::{BookLine, Letter, Outcome, Route, TemporaryReason, TransferPlan, TransferStage};
use domain::unit::UnitKind::*;
use storage::prelude::*;
use storage::{MemberQuery, MergeUnits, StoreError, Successor};

use crate::fixtures::*;

on_both_engines!(
    a_member_moves_from_one_commune_to_another,
    a_refusal_or_a_cancellation_puts_the_member_back,
    a_destination_merged_on_the_way_is_answered_by_its_heir,
    a_temporary_transfer_keeps_the_member_at_home,
    a_transfer_out_of_the_register_closes_with_the_return_slip,
    each_side_acts_for_itself
);

struct World {
    commune_x: UnitId,
    cell_x: UnitId,
    commune_y: UnitId,
    cell_y: UnitId,
    cell_y2: UnitId,
    member: MemberId,
}

async fn world(s: &dyn Store) -> World {
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let commune_x = unit(s, Commune, "X", "Đảng bộ xã Xuân", Some(province), d(2000, 1, 1)).await;
    let cell_x = unit(s, GrassrootsCell, "XA", "Chi bộ thôn An", Some(commune_x), d(2000, 1, 1)).await;
    let commune_y = unit(s, Commune, "Y", "Đảng bộ xã Yên", Some(province), d(2000, 1, 1)).await;
    let cell_y = unit(s, GrassrootsCell, "YA", "Chi bộ thôn Yên", Some(commune_y), d(2000, 1, 1)).await;
    let cell_y2 = unit(s, GrassrootsCell, "YB", "Chi bộ thôn Bình", Some(commune_y), d(2000, 1, 1)).await;
    member(s, "Trần Thị Bình", "nu", "01/01/1972", &cccd(501), cell_x, d(2010, 1, 5), true).await;
    let member = member(s, "Nguyễn Văn An", "nam", "01/01/1970", &cccd(500), cell_x, d(2010, 1, 5), true).await;
    World { commune_x, cell_x, commune_y, cell_y, cell_y2, member }
}

fn official(to: UnitRef, on: NaiveDate) -> TransferPlan {
    TransferPlan {
        mode: TransferMode::Official,
        temporary_reason: None,
        from: UnitRef::Internal(UnitId(0)),
        to,
        route: Route::WithinRegister,
        letter: Letter { number: "15/GTSHĐ".into(), date: on, issuer: "Đảng ủy xã Xuân".into() },
        until: None,
        cause: "Quyết định điều động công tác".into(),
        cause_on: Some(on),
    }
}

/// Active members of a unit's subtree on a day.
async fn count(s: &dyn Store, unit: UnitId, on: NaiveDate) -> u64 {
    let mut q = MemberQuery::new(on);
    q.unit = Some(unit);
    s.find_members(&q).await.unwrap().total as u64
}

async fn a_member_moves_from_one_commune_to_another(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let (letter, arrival, today) = (d(2026, 3, 2), d(2026, 3, 16), d(2026, 11, 25));
    assert_eq!((count(s, w.commune_x, letter).await, count(s, w.commune_y, letter).await), (2, 0));
    let id = s.issue_transfer(&at(letter), w.member, official(UnitRef::Internal(w.commune_y), letter)).await.unwrap();
    let issued = s.transfer(id, letter).await.unwrap();
    assert_eq!((issued.stage, issued.route), (TransferStage::Issued, Route::WithinRegister));
    assert_eq!(issued.from.unit, Some(w.cell_x), "the sender is the member's chi bộ that day");
    assert_eq!(issued.deadlines.present_by, d(2026, 4, 13));
    // In transit: off every list, counted nowhere.
    assert_eq!((count(s, w.commune_x, d(2026, 3, 10)).await, count(s, w.commune_y, d(2026, 3, 10)).await), (1, 0));
    // A second letter while the first waits is refused by the register.
    let again = s.issue_transfer(&at(letter), w.member, official(UnitRef::Internal(w.commune_y), d(2026, 3, 3))).await;
    assert_eq!(codes(again.unwrap_err()), vec!["not_active"]);

    s.present_transfer(&at(d(2026, 3, 9)), id, issued.version, d(2026, 3, 9)).await.unwrap();
    let presented = s.transfer(id, d(2026, 3, 9)).await.unwrap();
    assert_eq!(presented.deadlines.answer_by, Some(d(2026, 4, 20)), "30 working days from the presentation");
    let v = presented.version;
    let accept = |unit, on| async move { s.accept_transfer(&at(arrival), id, v, unit, on).await };
    assert_eq!(codes(accept(w.cell_x, arrival).await.unwrap_err()), vec!["wrong_destination"]);
    assert_eq!(codes(accept(w.commune_y, arrival).await.unwrap_err()), vec!["not_a_cell"]);
    assert_eq!(codes(accept(w.cell_y, d(2026, 3, 8)).await.unwrap_err()), vec!["before_letter"]);
    assert!(matches!(s.accept_transfer(&at(arrival), id, v - 1, w.cell_y, arrival).await, Err(StoreError::Conflict { .. })));
    accept(w.cell_y, arrival).await.unwrap();
    assert_eq!(codes(s.accept_transfer(&at(arrival), id, v + 1, w.cell_y, arrival).await.unwrap_err()), vec!["answered"]);

    let done = s.transfer(id, today).await.unwrap();
    assert_eq!(done.stage, TransferStage::Accepted);
    assert_eq!(done.late, None);
    assert_eq!(count(s, w.commune_y, arrival.pred_opt().unwrap()).await, 0);
    assert_eq!(
        (count(s, w.commune_x, arrival).await, count(s, w.commune_y, arrival).await),
        (1, 1),
        "on the list from the acceptance's day"
    );

    // Each side's book over the year.
    let (first, last) = (d(2026, 1, 1), today);
    let sent = s.transfer_book(w.commune_x, first, last, None, today).await.unwrap();
    assert_eq!((sent.counts.sent, sent.counts.received, sent.counts.in_transit), (1, 0, 0));
    let received = s.transfer_book(w.commune_y, first, last, Some(BookLine::Received), today).await.unwrap();
    assert_eq!((received.counts.sent, received.counts.received), (0, 1));
    assert_eq!(received.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![id], "the line drills to the transfer");
    let in_march = s.transfer_book(w.commune_x, d(2026, 3, 1), d(2026, 3, 10), None, today).await.unwrap();
    assert_eq!(in_march.counts.in_transit, 1, "in transit at the end of that period");
    assert_eq!(s.member_transfers(w.member, today).await.unwrap().len(), 1);
}

async fn a_refusal_or_a_cancellation_puts_the_member_back(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let letter = d(2026, 3, 2);
    let id = s.issue_transfer(&at(letter), w.member, official(UnitRef::Internal(w.cell_y), letter)).await.unwrap();
    let v = s.transfer(id, letter).await.unwrap().version;
    assert_eq!(codes(s.refuse_transfer(&at(letter), id, v, d(2026, 3, 5), " ".into()).await.unwrap_err()), vec!["required"]);
    s.refuse_transfer(&at(d(2026, 3, 5)), id, v, d(2026, 3, 5), "Đảng viên không cư trú trên địa bàn".into()).await.unwrap();
    let refused = s.transfer(id, d(2026, 3, 5)).await.unwrap();
    assert_eq!(refused.stage, TransferStage::Refused);
    assert!(matches!(refused.outcome, Some(Outcome::Refused { .. })));
    // Back on the sender's list as if the letter had not been issued: the transfer out is voided.
    assert_eq!(count(s, w.commune_x, d(2026, 3, 3)).await, 2);
    let detail = s.member(w.member).await.unwrap();
    assert!(detail.events.iter().any(|e| e.corrects.is_some() && e.correction_reason.as_deref().unwrap_or("").contains("từ chối")));
    let book = s.transfer_book(w.commune_y, d(2026, 1, 1), d(2026, 11, 25), None, d(2026, 11, 25)).await.unwrap();
    assert_eq!((book.counts.refused, book.counts.received, book.counts.in_transit), (1, 0, 0));

    // A new letter, cancelled by the sender.
    let second = s.issue_transfer(&at(d(2026, 4, 1)), w.member, official(UnitRef::Internal(w.cell_y), d(2026, 4, 1))).await.unwrap();
    let v = s.transfer(second, d(2026, 4, 1)).await.unwrap().version;
    s.cancel_transfer(&at(d(2026, 4, 2)), second, v, d(2026, 4, 2), "Đảng viên ở lại công tác".into()).await.unwrap();
    assert_eq!(s.transfer(second, d(2026, 4, 2)).await.unwrap().stage, TransferStage::Cancelled);
    assert_eq!(count(s, w.commune_x, d(2026, 4, 10)).await, 2);
    assert_eq!(codes(s.cancel_transfer(&at(d(2026, 4, 3)), second, v + 1, d(2026, 4, 3), "x".into()).await.unwrap_err()), vec!["answered"]);
    let book = s.transfer_book(w.commune_x, d(2026, 1, 1), d(2026, 11, 25), None, d(2026, 11, 25)).await.unwrap();
    assert_eq!((book.counts.sent, book.counts.refused, book.counts.cancelled), (2, 1, 1));
}

async fn a_destination_merged_on_the_way_is_answered_by_its_heir(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    // Letter on 30/6/2025 to thôn Yên; on 1/7/2025 thôn Yên merges into thôn Bình.
    let letter = d(2025, 6, 30);
    let id = s.issue_transfer(&at(letter), w.member, official(UnitRef::Internal(w.cell_y), letter)).await.unwrap();
    s.merge_units(
        &ctx(),
        MergeUnits { sources: vec![w.cell_y], target: Successor::Existing(w.cell_y2), decision: decision(d(2025, 7, 1)) },
    )
    .await
    .unwrap();
    let t = s.transfer(id, d(2025, 7, 10)).await.unwrap();
    assert_eq!(t.answering.as_ref().and_then(|a| a.unit), Some(w.cell_y2), "the unit the destination became answers");
    let v = t.version;
    assert_eq!(
        codes(s.accept_transfer(&at(d(2025, 7, 10)), id, v, w.cell_y, d(2025, 7, 10)).await.unwrap_err()),
        vec!["unit_not_standing"]
    );
    s.accept_transfer(&at(d(2025, 7, 10)), id, v, w.cell_y2, d(2025, 7, 10)).await.unwrap();
    assert_eq!(count(s, w.cell_y2, d(2025, 7, 10)).await, 1);
    let book = s.transfer_book(w.commune_y, d(2025, 1, 1), d(2025, 12, 31), None, d(2025, 12, 31)).await.unwrap();
    assert_eq!(book.counts.received, 1);
}

async fn a_temporary_transfer_keeps_the_member_at_home(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let letter = d(2026, 3, 2);
    let mut plan = official(UnitRef::Internal(w.cell_y), letter);
    plan.mode = TransferMode::Temporary;
    plan.cause_on = None;
    plan.temporary_reason = Some(TemporaryReason::Study);
    plan.until = Some(d(2026, 9, 30));
    let id = s.issue_transfer(&at(letter), w.member, plan.clone()).await.unwrap();
    assert_eq!((count(s, w.commune_x, d(2026, 3, 10)).await, count(s, w.commune_y, d(2026, 3, 10)).await), (2, 0), "counted once, at home");
    let v = s.transfer(id, letter).await.unwrap().version;
    s.accept_transfer(&at(d(2026, 3, 9)), id, v, w.cell_y, d(2026, 3, 9)).await.unwrap();
    let hosted = s.transfer(id, d(2026, 6, 1)).await.unwrap();
    assert_eq!(hosted.stage, TransferStage::Hosted);
    // Both lists say it: at home, where the member is; at the host, who is there.
    let mut q = MemberQuery::new(d(2026, 6, 1));
    q.unit = Some(w.commune_x);
    let home = s.find_members(&q).await.unwrap();
    let item = home.items.iter().find(|m| m.id == w.member).unwrap();
    assert_eq!(item.temporarily_at.as_deref(), Some("Chi bộ thôn Yên"));
    assert!(home.items.iter().filter(|m| m.id != w.member).all(|m| m.temporarily_at.is_none()));
    let everyone = storage::ScopeFilter { scope: domain::access::Scope { everything: true, ..Default::default() }, today: d(2026, 6, 1) };
    let guests = s.hosted(&everyone, w.commune_y, d(2026, 6, 1)).await.unwrap();
    assert_eq!(guests.iter().map(|m| (m.id, m.unit_id)).collect::<Vec<_>>(), vec![(w.member, Some(w.cell_x))]);
    assert!(s.hosted(&everyone, w.commune_x, d(2026, 6, 1)).await.unwrap().is_empty(), "not a guest at home");
    assert_eq!(count(s, w.commune_x, d(2026, 6, 1)).await, 2);
    let book = s.transfer_book(w.commune_y, d(2026, 1, 1), d(2026, 6, 30), Some(BookLine::Temporary), d(2026, 11, 25)).await.unwrap();
    assert_eq!(book.counts.temporary, 1);
    // Past its end without the return: late on both sides' books.
    let late = s.transfer_book(w.commune_x, d(2026, 1, 1), d(2026, 11, 25), None, d(2026, 11, 25)).await.unwrap();
    assert_eq!(late.late.iter().map(|t| t.id).collect::<Vec<_>>(), vec![id]);
    s.return_transfer(&at(d(2026, 10, 1)), id, hosted.version, d(2026, 10, 1)).await.unwrap();
    let back = s.transfer(id, d(2026, 11, 25)).await.unwrap();
    assert_eq!((back.stage, back.late), (TransferStage::Returned, None));
    assert!(s.member(w.member).await.unwrap().history.temporary.iter().all(|t| t.to.is_some()));
    // Too long for study: refused with the rule.
    plan.until = Some(d(2028, 12, 31));
    plan.letter.date = d(2026, 11, 2);
    assert_eq!(codes(s.issue_transfer(&at(d(2026, 11, 2)), w.member, plan).await.unwrap_err()), vec!["too_long"]);
}

async fn a_transfer_out_of_the_register_closes_with_the_return_slip(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let letter = d(2026, 3, 2);
    let mut plan = official(UnitRef::External("Đảng bộ phường Bến Nghé, TP. Hồ Chí Minh".into()), letter);
    assert_eq!(codes(s.issue_transfer(&at(letter), w.member, plan.clone()).await.unwrap_err()), vec!["route_outside"]);
    plan.route = Route::OtherProvince;
    let id = s.issue_transfer(&at(letter), w.member, plan).await.unwrap();
    let t = s.transfer(id, d(2026, 6, 1)).await.unwrap();
    assert_eq!(t.late.map(|l| l.kind), Some(domain::transfers::Lateness::NoReturnSlip));
    assert_eq!(codes(s.accept_transfer(&at(letter), id, t.version, w.cell_y, d(2026, 3, 9)).await.unwrap_err()), vec!["outside"]);
    s.close_transfer(&at(d(2026, 6, 1)), id, t.version, d(2026, 6, 1), "Phiếu báo số 12/PB ngày 20/5/2026".into()).await.unwrap();
    let closed = s.transfer(id, d(2026, 6, 1)).await.unwrap();
    assert_eq!((closed.stage, closed.late), (TransferStage::Closed, None));
    assert_eq!(count(s, w.commune_x, d(2026, 6, 1)).await, 1, "gone from the register");
}

async fn each_side_acts_for_itself(t: &TestStore) {
    let s = t.store.as_ref();
    let w = world(s).await;
    let letter = d(2026, 11, 2);
    let other = unit(s, Province, "P2", "Tỉnh ủy khác", None, d(2000, 1, 1)).await;
    let elsewhere = unit(s, Commune, "Z", "Đảng bộ xã Zơ", Some(other), d(2000, 1, 1)).await;
    let sender = access(&t.store, &[(Role::OrgBoardStaff, Some(w.commune_x))]);
    let receiver = access(&t.store, &[(Role::OrgBoardStaff, Some(w.commune_y))]);
    let stranger = access(&t.store, &[(Role::OrgBoardStaff, Some(elsewhere))]);
    let reader = access(&t.store, &[(Role::CommitteeLeader, Some(w.commune_y))]);
    // The receiver cannot issue a letter for a member it does not hold.
    assert!(matches!(
        receiver.transfers().unwrap().issue(w.member, official(UnitRef::Internal(w.cell_y), letter)).await,
        Err(StoreError::NotFound)
    ));
    let id = sender.transfers().unwrap().issue(w.member, official(UnitRef::Internal(w.cell_y), letter)).await.unwrap();
    let v = sender.transfers().unwrap().transfer(id).await.unwrap().version;
    assert!(matches!(stranger.transfers().unwrap().transfer(id).await, Err(StoreError::NotFound)));
    assert!(matches!(sender.transfers().unwrap().accept(id, v, w.cell_y, letter).await, Err(StoreError::Forbidden)));
    assert!(matches!(receiver.transfers().unwrap().cancel(id, v, letter, "x".into()).await, Err(StoreError::Forbidden)));
    assert!(matches!(reader.transfers().unwrap().accept(id, v, w.cell_y, letter).await, Err(StoreError::Forbidden)));
    let desk = receiver.transfers().unwrap();
    let seen = desk.transfer(id).await.unwrap();
    let actions = desk.actions(&seen).await;
    assert!(actions.accept && actions.refuse && actions.present && !actions.cancel && !actions.close);
    assert_eq!(codes(desk.accept(id, v, w.cell_x, letter).await.unwrap_err()), vec!["out_of_scope"], "a chi bộ outside its scope");
    desk.accept(id, v, w.cell_y, letter).await.unwrap();
    // The register's own event form no longer accepts or cancels a letter's transfer.
    assert!(sender.transfers().unwrap().member_transfers(w.member).await.is_err(), "the member has left the sender's scope");
    assert_eq!(receiver.transfers().unwrap().member_transfers(w.member).await.unwrap().len(), 1);
}
