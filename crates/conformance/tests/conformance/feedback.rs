//! Feedback up the tree on both engines: a member writes to their chi bộ or a committee above it,
//! a unit to a committee above it (never sideways or down); the addressee's staff answer once;
//! overdue after ten working days; who reads what through the scoped handle.

use conformance::{TestStore, on_both_engines};
use domain::access::Role;
use domain::feedback::FeedbackInput;
use domain::ids::UnitId;
use domain::unit::UnitKind::*;
use storage::prelude::*;
use storage::{Sender, StoreError};

use crate::fixtures::*;

on_both_engines!(feedback_goes_up_and_is_answered);

async fn feedback_goes_up_and_is_answered(t: &TestStore) {
    let s = t.store.as_ref();
    let province = unit(s, Province, "T", "Tỉnh ủy", None, d(2000, 1, 1)).await;
    let commune = unit(s, Commune, "X", "Đảng bộ xã Xuân", Some(province), d(2000, 1, 1)).await;
    let other = unit(s, Commune, "Y", "Đảng bộ xã Yên", Some(province), d(2000, 1, 1)).await;
    let cell = unit(s, GrassrootsCell, "X1", "Chi bộ thôn Một", Some(commune), d(2000, 1, 1)).await;
    let m = member(s, "Nguyễn Văn An", "nam", "01/01/1970", &cccd(500), cell, d(2010, 1, 5), true).await;
    let input = || FeedbackInput::parse("kien-nghi", "Sửa nhà văn hóa", "Đề nghị hỗ trợ.").unwrap();

    // Where each may write: the member to the chi bộ and up; the chi bộ up; never sideways.
    let to: Vec<UnitId> = s.feedback_addressees(Sender::Member(m), d(2026, 11, 25)).await.unwrap().iter().map(|a| a.unit).collect();
    assert_eq!(to, vec![cell, commune, province]);
    let to: Vec<UnitId> = s.feedback_addressees(Sender::Unit(cell), d(2026, 11, 25)).await.unwrap().iter().map(|a| a.unit).collect();
    assert_eq!(to, vec![commune, province]);
    assert_eq!(codes(s.send_feedback(&ctx(), Sender::Unit(cell), other, input()).await.unwrap_err()), vec!["not_above"]);
    assert_eq!(codes(s.send_feedback(&ctx(), Sender::Unit(commune), cell, input()).await.unwrap_err()), vec!["not_above"]);

    let from_member = s.send_feedback(&ctx(), Sender::Member(m), commune, input()).await.unwrap();
    let from_cell = s.send_feedback(&ctx(), Sender::Unit(cell), commune, input()).await.unwrap();
    let view = s.feedback(from_member, d(2026, 12, 10)).await.unwrap();
    assert_eq!((view.answer_due, view.overdue, view.from_name.as_str()), (d(2026, 12, 9), true, "Nguyễn Văn An"));
    assert_eq!(s.feedback_to(commune, d(2026, 11, 25)).await.unwrap().len(), 2);

    // Answered by the commune's staff, once; the chi bộ's secretary may not answer for the commune.
    let staff = access(&t.store, &[(Role::OrgBoardStaff, Some(commune))]);
    let secretary = access(&t.store, &[(Role::CellSecretary, Some(cell))]);
    let stranger = access(&t.store, &[(Role::OrgBoardStaff, Some(other))]);
    assert!(matches!(secretary.feedback().answer(from_cell, 1, "Đã nhận.".into()).await, Err(StoreError::Forbidden)));
    assert!(matches!(stranger.feedback().item(from_cell).await, Err(StoreError::NotFound)));
    assert!(secretary.feedback().item(from_cell).await.is_ok(), "the sending chi bộ reads what it sent");
    assert!(matches!(staff.feedback().answer(from_cell, 2, "Đã nhận.".into()).await, Err(StoreError::Conflict { current: 1 })));
    staff.feedback().answer(from_cell, 1, "Xã sẽ hỗ trợ trong quý I.".into()).await.unwrap();
    assert_eq!(codes(staff.feedback().answer(from_cell, 2, "Lần hai".into()).await.unwrap_err()), vec!["already"]);
    let (view, may_answer) = secretary.feedback().item(from_cell).await.unwrap();
    assert_eq!((view.answer.as_deref(), may_answer), (Some("Xã sẽ hỗ trợ trong quý I."), false));
    assert!(matches!(secretary.feedback().send(Sender::Unit(commune), province, input()).await, Err(StoreError::Forbidden)));
    let sent: Vec<i64> = secretary.feedback().sent().await.unwrap().iter().map(|f| f.id).collect();
    assert_eq!(sent, vec![from_cell]);
}
