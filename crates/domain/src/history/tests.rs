use chrono::{TimeZone, Utc};

use super::*;
use crate::event::{Entry, EventData, EventKind, RecordedEvent, StrikeOffReason, TransferMode, UnitRef};
use crate::testing::{self, admitted, d, unit_version};
use crate::unit::{LegalBasis, UnitKind};

/// Units 1 (province), 10 and 11 (cells since 2000), 12 (a cell merged away on 01/7/2025),
/// 20 (a commune committee, not a cell) with cell 21 under it.
fn units() -> LoadedUnits {
    let mut u = LoadedUnits::default();
    let mut add = |id: i64, kind: UnitKind, parent: Option<i64>, from: NaiveDate, to: Option<NaiveDate>| {
        u.versions.insert(UnitId(id), vec![unit_version(id, kind, parent, from, to)]);
    };
    add(1, UnitKind::Province, None, d(1950, 1, 1), None);
    add(10, UnitKind::GrassrootsCell, Some(1), d(1950, 1, 1), None);
    add(11, UnitKind::GrassrootsCell, Some(1), d(1950, 1, 1), None);
    add(12, UnitKind::GrassrootsCell, Some(1), d(1950, 1, 1), Some(d(2025, 7, 1)));
    add(20, UnitKind::Commune, Some(1), d(1950, 1, 1), None);
    add(21, UnitKind::GrassrootsCell, Some(20), d(1950, 1, 1), None);
    let closure = crate::unit::closure_rows(UnitId(21), &u.versions);
    LoadedUnits::new(u.versions, closure)
}

fn basis() -> Option<LegalBasis> {
    Some(testing::basis(d(2000, 1, 1)))
}

struct Builder {
    events: Vec<RecordedEvent>,
}

impl Builder {
    fn new() -> Self {
        Builder { events: Vec::new() }
    }

    fn add(mut self, kind: EventKind, date: NaiveDate) -> Self {
        let id = self.events.len() as i64 + 1;
        self.events.push(testing::recorded(id, Entry::Event(EventData { kind, effective: date, basis: basis(), note: None })));
        self
    }

    fn correct(mut self, target: i64, entry: Entry) -> Self {
        let id = self.events.len() as i64 + 1;
        self.events.push(RecordedEvent {
            corrects: Some(EventId(target)),
            correction_reason: Some("nhập sai".into()),
            recorded_at: Utc.with_ymd_and_hms(2026, 1, 2, 0, 0, 0).unwrap(),
            ..testing::recorded(id, entry)
        });
        self
    }

    fn derive(&self) -> History {
        derive(&self.events, &units())
    }
}

fn codes(h: &History) -> Vec<&'static str> {
    h.problems.iter().map(|p| p.code).collect()
}

#[test]
fn admission_probation_recognition() {
    let h = Builder::new().add(admitted(10), d(2020, 2, 29)).add(EventKind::RecognizedOfficial, d(2021, 2, 28)).derive();
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    assert_eq!(h.spans.len(), 2);
    assert_eq!(h.spans[0].status, Status::Probationary);
    assert_eq!(h.spans[0].to, Some(d(2021, 2, 28)));
    assert_eq!(h.span_on(d(2026, 1, 1)).unwrap().status, Status::Official);
    // 29/02 plus whole months lands on the month's last day when the day does not exist.
    assert_eq!(h.party_age_months(d(2026, 2, 27)), Some(71));
    assert_eq!(h.party_age_months(d(2026, 2, 28)), Some(72));
    assert_eq!(h.party_age_months(d(2026, 3, 28)), Some(72));
    assert_eq!(h.party_age_months(d(2026, 3, 29)), Some(73));
}

#[test]
fn recognition_before_admission_is_refused() {
    let h = Builder::new().add(EventKind::RecognizedOfficial, d(2020, 1, 1)).add(admitted(10), d(2020, 6, 1)).derive();
    assert_eq!(codes(&h), vec!["recognition_before_admission"]);
}

#[test]
fn recognition_must_fall_on_the_end_of_probation() {
    let h = Builder::new().add(admitted(10), d(2020, 3, 10)).add(EventKind::RecognizedOfficial, d(2021, 3, 11)).derive();
    assert_eq!(codes(&h), vec!["recognition_date"]);
    assert!(h.problems[0].message.contains("10/03/2021"));
    // Before the 2011 Charter, older probation lengths are accepted.
    let old = Builder::new().add(admitted(10), d(1970, 3, 10)).add(EventKind::RecognizedOfficial, d(1970, 9, 10)).derive();
    assert!(old.problems.is_empty());
}

#[test]
fn probation_runs_twelve_months_from_the_ceremony() {
    // Decision 10/03/2020, ceremony 05/04/2020: official exactly on 05/04/2021 (Charter art. 5 §1);
    // party age still from the decision (art. 5 §4).
    let base = || Builder::new().add(admitted(10), d(2020, 3, 10)).add(EventKind::Ceremony, d(2020, 4, 5));
    let h = base().add(EventKind::RecognizedOfficial, d(2021, 4, 5)).derive();
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    assert_eq!(h.first_admission(), Some(d(2020, 3, 10)));
    assert_eq!(h.party_age_months(d(2021, 4, 10)), Some(13));
    // The ceremony changes neither status nor unit: still two spans.
    assert_eq!(h.spans.len(), 2);
    assert_eq!(
        h.probations,
        vec![Probation {
            decided: d(2020, 3, 10),
            ceremony: Some(d(2020, 4, 5)),
            recognized: Some(Recognition { event: EventId(3), on: d(2021, 4, 5) })
        }]
    );
    // Twelve months from the decision is now too early, and so is any other day.
    for wrong in [d(2021, 3, 10), d(2021, 4, 4), d(2021, 4, 6)] {
        let h = base().add(EventKind::RecognizedOfficial, wrong).derive();
        assert_eq!(codes(&h), vec!["recognition_date"], "{wrong}");
        assert!(h.problems[0].message.contains("05/04/2021"), "{}", h.problems[0].message);
    }
}

#[test]
fn ceremony_rules() {
    let before = Builder::new().add(admitted(10), d(2020, 3, 10)).add(EventKind::Ceremony, d(2020, 3, 9)).derive();
    assert_eq!(codes(&before), vec!["not_a_member"]);
    let same_day = Builder::new().add(admitted(10), d(2020, 3, 10)).add(EventKind::Ceremony, d(2020, 3, 10)).derive();
    assert!(same_day.problems.is_empty(), "{:?}", same_day.problems);
    let twice = Builder::new()
        .add(admitted(10), d(2020, 3, 10))
        .add(EventKind::Ceremony, d(2020, 4, 1))
        .add(EventKind::Ceremony, d(2020, 4, 2))
        .derive();
    assert_eq!(codes(&twice), vec!["ceremony_twice"]);
    let official = Builder::new()
        .add(admitted(10), d(1990, 1, 1))
        .add(EventKind::RecognizedOfficial, d(1991, 1, 1))
        .add(EventKind::Ceremony, d(1992, 1, 1));
    assert_eq!(codes(&official.derive()), vec!["already_official"]);
    let none = Builder::new().add(EventKind::Ceremony, d(2020, 3, 10)).derive();
    assert_eq!(codes(&none), vec!["not_a_member"]);
}

#[test]
fn until_the_ceremony_no_official_date_is_known() {
    let h = Builder::new().add(admitted(10), d(2026, 3, 10)).derive();
    let p = h.probation_on(d(2026, 6, 1)).unwrap();
    assert_eq!((p.ceremony, p.official_due()), (None, None));
    let h = Builder::new().add(admitted(10), d(2026, 3, 10)).add(EventKind::Ceremony, d(2026, 3, 31)).derive();
    // 31/03 plus 12 months.
    assert_eq!(h.probation_on(d(2026, 6, 1)).unwrap().official_due(), Some(d(2027, 3, 31)));
    assert_eq!(h.probation_on(d(2026, 3, 1)), None, "before the admission");
    // A readmission opens a new probation with its own ceremony.
    let again = Builder::new()
        .add(admitted(10), d(2000, 1, 10))
        .add(EventKind::Ceremony, d(2000, 2, 1))
        .add(EventKind::RecognizedOfficial, d(2001, 2, 1))
        .add(EventKind::StruckOff { reason: StrikeOffReason::UnpaidDues }, d(2010, 1, 1))
        .add(EventKind::Readmitted { unit: UnitRef::Internal(UnitId(11)), origin: Default::default() }, d(2015, 1, 1))
        .derive();
    assert!(again.problems.is_empty(), "{:?}", again.problems);
    assert_eq!(again.probations.len(), 2);
    assert_eq!(again.probation_on(d(2015, 6, 1)).unwrap().ceremony, None);
}

#[test]
fn a_new_recognition_needs_the_ceremony_but_kept_records_stand() {
    // Kept before ceremonies were recorded: 12 months from the decision, as checked then.
    let kept = Builder::new().add(admitted(10), d(2020, 3, 10)).add(EventKind::RecognizedOfficial, d(2021, 3, 10)).derive();
    assert!(kept.problems.is_empty(), "{:?}", kept.problems);
    assert!(new_entry_problems(&kept, &[EventId(1)]).is_empty(), "the admission alone is not refused");
    // Recorded now, the same recognition is refused: the ceremony is missing.
    let refused = new_entry_problems(&kept, &[EventId(2)]);
    assert_eq!(refused.iter().map(|p| p.code).collect::<Vec<_>>(), vec!["no_ceremony"]);
    assert!(refused[0].message.contains("Điều 5"));
    // With the ceremony on the record, nothing is refused.
    let with = Builder::new()
        .add(admitted(10), d(2020, 3, 10))
        .add(EventKind::Ceremony, d(2020, 3, 20))
        .add(EventKind::RecognizedOfficial, d(2021, 3, 20))
        .derive();
    assert!(new_entry_problems(&with, &[EventId(1), EventId(2), EventId(3)]).is_empty());
    // Before the 2011 Charter the exact-date rule (and so this one) does not apply.
    let old = Builder::new().add(admitted(10), d(1970, 3, 10)).add(EventKind::RecognizedOfficial, d(1970, 9, 10)).derive();
    assert!(new_entry_problems(&old, &[EventId(2)]).is_empty());
}

#[test]
fn voiding_the_only_event_is_refused() {
    let h = Builder::new().add(admitted(10), d(2020, 3, 10)).correct(1, Entry::Void).derive();
    assert_eq!(codes(&h), vec!["record_emptied"]);
    // Replacing it instead is fine.
    let fixed = Builder::new()
        .add(admitted(10), d(2020, 3, 10))
        .correct(1, Entry::Event(EventData { kind: admitted(11), effective: d(2020, 3, 10), basis: basis(), note: None }))
        .derive();
    assert!(fixed.problems.is_empty());
}

#[test]
fn nothing_after_death() {
    let h = Builder::new()
        .add(admitted(10), d(1990, 1, 1))
        .add(EventKind::Died, d(2024, 5, 1))
        .add(EventKind::Exempted, d(2024, 6, 1))
        .derive();
    assert_eq!(codes(&h), vec!["after_death"]);
    assert_eq!(h.span_on(d(2025, 1, 1)).unwrap().status, Status::Deceased);
    assert_eq!(h.party_age_months(d(2026, 1, 1)), Some(412));
}

#[test]
fn transfer_out_of_a_unit_the_member_is_not_in() {
    let h = Builder::new()
        .add(admitted(10), d(1990, 1, 1))
        .add(
            EventKind::TransferredOut { mode: TransferMode::Official, from: UnitId(11), to: UnitRef::External("Tỉnh khác".into()) },
            d(2000, 1, 1),
        )
        .derive();
    assert_eq!(codes(&h), vec!["not_in_unit"]);
}

#[test]
fn event_in_a_unit_that_did_not_exist_that_day() {
    let h = Builder::new().add(admitted(12), d(2025, 7, 1)).derive();
    assert!(codes(&h).contains(&"unit_not_valid"));
    let early = Builder::new().add(admitted(10), d(1949, 12, 31)).derive();
    assert!(codes(&early).contains(&"unit_not_valid"));
}

#[test]
fn members_cannot_stay_in_a_unit_that_ended() {
    let stays = Builder::new().add(admitted(12), d(2020, 1, 1)).derive();
    assert_eq!(codes(&stays), vec!["unit_ended"]);
    let moved = Builder::new().add(admitted(12), d(2020, 1, 1)).add(EventKind::Reassigned { to: UnitId(10) }, d(2025, 7, 1)).derive();
    assert!(moved.problems.is_empty(), "{:?}", moved.problems);
}

#[test]
fn only_cells_hold_members() {
    let h = Builder::new().add(admitted(20), d(2020, 1, 1)).derive();
    assert_eq!(codes(&h), vec!["unit_not_a_cell"]);
}

#[test]
fn official_transfer_in_transit_then_received() {
    let h = Builder::new()
        .add(admitted(10), d(1990, 1, 1))
        .add(EventKind::TransferredOut { mode: TransferMode::Official, from: UnitId(10), to: UnitRef::Internal(UnitId(20)) }, d(2024, 3, 1))
        .add(EventKind::TransferredIn { mode: TransferMode::Official, unit: UnitId(21) }, d(2024, 3, 20))
        .derive();
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    assert_eq!(h.in_transit_to, None, "received");
    let waiting = Builder::new()
        .add(admitted(10), d(1990, 1, 1))
        .add(EventKind::TransferredOut { mode: TransferMode::Official, from: UnitId(10), to: UnitRef::Internal(UnitId(20)) }, d(2024, 3, 1))
        .derive();
    assert_eq!(waiting.in_transit_to, Some(UnitRef::Internal(UnitId(20))));
    let transit = h.span_on(d(2024, 3, 10)).unwrap();
    assert_eq!((transit.status, &transit.unit), (Status::TransferredOut, &UnitRef::Internal(UnitId(10))));
    assert_eq!(h.span_on(d(2024, 3, 20)).unwrap().unit, UnitRef::Internal(UnitId(21)));
}

#[test]
fn transfer_in_must_be_inside_the_destination() {
    let h = Builder::new()
        .add(admitted(10), d(1990, 1, 1))
        .add(EventKind::TransferredOut { mode: TransferMode::Official, from: UnitId(10), to: UnitRef::Internal(UnitId(20)) }, d(2024, 3, 1))
        .add(EventKind::TransferredIn { mode: TransferMode::Official, unit: UnitId(11) }, d(2024, 3, 20))
        .derive();
    assert_eq!(codes(&h), vec!["wrong_destination"]);
}

#[test]
fn arrival_from_another_province() {
    let h = Builder::new()
        .add(
            EventKind::Admitted { unit: UnitRef::External("Chi bộ thôn 3, tỉnh Nghệ An".into()), origin: Default::default() },
            d(2010, 5, 19),
        )
        .add(EventKind::RecognizedOfficial, d(2011, 5, 19))
        .add(EventKind::TransferredIn { mode: TransferMode::Official, unit: UnitId(10) }, d(2023, 1, 5))
        .derive();
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    assert_eq!(h.span_on(d(2020, 1, 1)).unwrap().unit, UnitRef::External("Chi bộ thôn 3, tỉnh Nghệ An".into()));
    assert_eq!(h.span_on(d(2024, 1, 1)).unwrap().status, Status::Official);
    assert_eq!(h.first_admission(), Some(d(2010, 5, 19)));
}

#[test]
fn temporary_transfer_keeps_the_home_unit() {
    let h = Builder::new()
        .add(admitted(10), d(1990, 1, 1))
        .add(
            EventKind::TransferredOut { mode: TransferMode::Temporary, from: UnitId(10), to: UnitRef::Internal(UnitId(21)) },
            d(2024, 1, 1),
        )
        .add(EventKind::TransferredIn { mode: TransferMode::Temporary, unit: UnitId(10) }, d(2024, 9, 1))
        .derive();
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    assert_eq!(h.spans.len(), 1);
    assert_eq!(h.temporary, vec![TemporarySpan { at: UnitRef::Internal(UnitId(21)), from: d(2024, 1, 1), to: Some(d(2024, 9, 1)) }]);
}

#[test]
fn exemption_only_for_official_members() {
    let h = Builder::new().add(admitted(10), d(2024, 1, 1)).add(EventKind::Exempted, d(2024, 6, 1)).derive();
    assert_eq!(codes(&h), vec!["probationary"]);
    let ok = Builder::new()
        .add(admitted(10), d(1980, 1, 1))
        .add(EventKind::RecognizedOfficial, d(1981, 1, 1))
        .add(EventKind::Exempted, d(2024, 6, 1))
        .add(EventKind::ExemptionEnded, d(2025, 6, 1))
        .derive();
    assert!(ok.problems.is_empty());
    assert_eq!(ok.span_on(d(2024, 12, 1)).unwrap().status, Status::Exempt);
    assert_eq!(ok.span_on(d(2025, 12, 1)).unwrap().status, Status::Official);
}

#[test]
fn readmission_rules() {
    let base = || {
        Builder::new()
            .add(admitted(10), d(2000, 1, 1))
            .add(EventKind::RecognizedOfficial, d(2001, 1, 1))
            .add(EventKind::StruckOff { reason: StrikeOffReason::UnpaidDues }, d(2018, 1, 1))
    };
    let soon =
        base().add(EventKind::Readmitted { unit: UnitRef::Internal(UnitId(10)), origin: Default::default() }, d(2020, 12, 31)).derive();
    assert_eq!(codes(&soon), vec!["readmission_too_soon"]);
    let ok = base().add(EventKind::Readmitted { unit: UnitRef::Internal(UnitId(10)), origin: Default::default() }, d(2021, 1, 1)).derive();
    assert!(ok.problems.is_empty(), "{:?}", ok.problems);
    assert_eq!(ok.span_on(d(2021, 1, 1)).unwrap().status, Status::Probationary);
    // Party age: 18 years in, 3 years out, then back: first admission minus the time out.
    assert_eq!(ok.party_age_months(d(2022, 1, 1)), Some(22 * 12 - 36));
    let twice = base()
        .add(EventKind::Readmitted { unit: UnitRef::Internal(UnitId(10)), origin: Default::default() }, d(2021, 1, 1))
        .add(EventKind::StruckOff { reason: StrikeOffReason::UnpaidDues }, d(2021, 6, 1))
        .add(EventKind::Readmitted { unit: UnitRef::Internal(UnitId(10)), origin: Default::default() }, d(2025, 6, 1))
        .derive();
    assert_eq!(codes(&twice), vec!["readmitted_twice"]);
    let abandoned = Builder::new()
        .add(admitted(10), d(2000, 1, 1))
        .add(EventKind::StruckOff { reason: StrikeOffReason::AbandonedActivities }, d(2001, 1, 1))
        .add(EventKind::Readmitted { unit: UnitRef::Internal(UnitId(10)), origin: Default::default() }, d(2010, 1, 1))
        .derive();
    assert_eq!(codes(&abandoned), vec!["not_readmittable"]);
    let exited = Builder::new()
        .add(admitted(10), d(2000, 1, 1))
        .add(EventKind::Exited { difficult_family: true }, d(2001, 1, 1))
        .add(EventKind::Readmitted { unit: UnitRef::Internal(UnitId(10)), origin: Default::default() }, d(2010, 1, 1))
        .derive();
    assert!(exited.problems.is_empty());
    let new_admission =
        Builder::new().add(admitted(10), d(2000, 1, 1)).add(EventKind::Expelled, d(2001, 1, 1)).add(admitted(10), d(2010, 1, 1)).derive();
    assert_eq!(codes(&new_admission), vec!["use_readmission"]);
}

#[test]
fn corrections_replace_or_void_and_keep_the_original() {
    let wrong_date = Builder::new()
        .add(admitted(10), d(2020, 3, 10))
        .add(EventKind::RecognizedOfficial, d(2021, 3, 11))
        .correct(2, Entry::Event(EventData { kind: EventKind::RecognizedOfficial, effective: d(2021, 3, 10), basis: basis(), note: None }));
    let h = wrong_date.derive();
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    assert_eq!(h.official_since(), Some(d(2021, 3, 10)));
    assert_eq!(wrong_date.events.len(), 3);
    let voided = Builder::new().add(admitted(10), d(2020, 3, 10)).add(EventKind::Died, d(2022, 1, 1)).correct(2, Entry::Void).derive();
    assert_eq!(voided.span_on(d(2026, 1, 1)).unwrap().status, Status::Probationary);
}

#[test]
fn same_day_events_apply_in_recorded_order() {
    let h = Builder::new().add(admitted(10), d(2020, 3, 10)).add(EventKind::Reassigned { to: UnitId(11) }, d(2020, 3, 10)).derive();
    assert!(h.problems.is_empty());
    assert_eq!(h.spans.len(), 1);
    assert_eq!(h.spans[0].unit, UnitRef::Internal(UnitId(11)));
}

#[test]
fn a_move_keeps_the_start_of_the_status() {
    let h = Builder::new()
        .add(admitted(10), d(2026, 3, 10))
        .add(EventKind::Reassigned { to: UnitId(11) }, d(2026, 11, 1))
        .add(EventKind::Reassigned { to: UnitId(10) }, d(2026, 11, 20))
        .derive();
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    assert_eq!(h.span_on(d(2026, 11, 25)).unwrap().from, d(2026, 11, 20));
    assert_eq!(h.status_since(d(2026, 11, 25)), Some(d(2026, 3, 10)));
    assert_eq!(h.status_since(d(2026, 3, 9)), None);
    // A new status starts anew, and a move after it keeps that start.
    let official = Builder::new()
        .add(admitted(10), d(2020, 2, 29))
        .add(EventKind::RecognizedOfficial, d(2021, 2, 28))
        .add(EventKind::Reassigned { to: UnitId(11) }, d(2023, 5, 1))
        .derive();
    assert!(official.problems.is_empty(), "{:?}", official.problems);
    assert_eq!(official.status_since(d(2026, 1, 1)), Some(d(2021, 2, 28)));
    assert_eq!(official.status_since(d(2021, 1, 1)), Some(d(2020, 2, 29)));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn kind(i: usize) -> EventKind {
        match i % 12 {
            0 => admitted(10),
            1 => EventKind::RecognizedOfficial,
            2 => EventKind::TransferredOut { mode: TransferMode::Official, from: UnitId(10), to: UnitRef::Internal(UnitId(20)) },
            3 => EventKind::TransferredIn { mode: TransferMode::Official, unit: UnitId(21) },
            4 => EventKind::Reassigned { to: UnitId(11) },
            5 => EventKind::Exempted,
            6 => EventKind::ExemptionEnded,
            7 => EventKind::StruckOff { reason: StrikeOffReason::UnpaidDues },
            8 => EventKind::Readmitted { unit: UnitRef::Internal(UnitId(10)), origin: Default::default() },
            9 => EventKind::Died,
            10 => EventKind::Reassigned { to: UnitId(10) },
            _ => EventKind::Expelled,
        }
    }

    proptest! {
        /// Whatever the events, spans come out ordered, non-overlapping and contiguous, and a
        /// history without problems never has a status change that is not an event.
        #[test]
        fn spans_never_overlap(steps in prop::collection::vec((0usize..12, 0i64..4000), 0..12)) {
            let mut b = Builder::new();
            for (k, days) in &steps {
                b = b.add(kind(*k), d(1990, 1, 1) + chrono::Duration::days(*days));
            }
            let h = b.derive();
            for pair in h.spans.windows(2) {
                prop_assert_eq!(pair[0].to, Some(pair[1].from));
                prop_assert!(pair[0].from < pair[1].from);
            }
            if let Some(last) = h.spans.last() {
                prop_assert_eq!(last.to, None);
            }
            prop_assert!(h.spans.len() <= h.effective.len());
            if h.spans.iter().any(|s| s.status == Status::Deceased) {
                prop_assert_eq!(h.spans.last().map(|s| s.status), Some(Status::Deceased));
            }
        }
    }
}

#[test]
fn spans_carry_their_causes_and_flow_codes_round_trip() {
    let h = Builder::new()
        .add(admitted(10), d(2018, 1, 1))
        .add(EventKind::TransferredOut { mode: TransferMode::Official, from: UnitId(10), to: UnitRef::Internal(UnitId(11)) }, d(2019, 1, 1))
        .add(EventKind::TransferredIn { mode: TransferMode::Official, unit: UnitId(11) }, d(2019, 2, 1))
        .add(EventKind::Died, d(2023, 5, 1))
        .derive();
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    let causes: Vec<SpanCause> = h.spans.iter().map(|s| s.cause).collect();
    assert_eq!(causes[0], SpanCause { entered: FlowKind::Admitted, left: Some(FlowKind::TransferredOutWithin) });
    let received = h.spans.iter().position(|s| s.from == d(2019, 2, 1)).unwrap();
    assert_eq!(causes[received].entered, FlowKind::TransferredInWithin);
    assert!(causes.last().unwrap().left.is_none());
    assert_eq!(causes[causes.len() - 2].left, Some(FlowKind::Died));
    for k in FlowKind::ALL {
        assert_eq!(FlowKind::parse(k.code()), Some(k));
    }
    assert_eq!(FlowKind::parse("khac"), None);
}

#[test]
fn next_kinds_follow_the_status() {
    use crate::event::EventKindCode as K;
    let admitted_only = Builder::new().add(admitted(10), d(2024, 1, 1)).derive();
    assert_eq!(
        admitted_only.next_kinds(d(2024, 2, 1)),
        vec![K::Ceremony, K::TransferredOut, K::Reassigned, K::StruckOff, K::Exited, K::Expelled, K::Died]
    );
    assert!(admitted_only.next_kinds(d(2023, 2, 1)).is_empty());
    let ceremony = Builder::new().add(admitted(10), d(2024, 1, 1)).add(EventKind::Ceremony, d(2024, 2, 1)).derive();
    assert_eq!(ceremony.next_kinds(d(2024, 3, 1))[0], K::RecognizedOfficial);
    let official = Builder::new().add(admitted(10), d(1980, 1, 1)).add(EventKind::RecognizedOfficial, d(1981, 1, 1)).derive();
    assert!(official.next_kinds(d(2024, 1, 1)).contains(&K::Exempted));
    assert!(!official.next_kinds(d(2024, 1, 1)).contains(&K::TransferredIn));
    let away = Builder::new()
        .add(admitted(10), d(1980, 1, 1))
        .add(EventKind::RecognizedOfficial, d(1981, 1, 1))
        .add(
            EventKind::TransferredOut { mode: TransferMode::Temporary, from: UnitId(10), to: UnitRef::Internal(UnitId(11)) },
            d(2024, 1, 1),
        )
        .derive();
    assert!(away.problems.is_empty(), "{:?}", away.problems);
    assert!(away.next_kinds(d(2024, 6, 1)).contains(&K::TransferredIn));
    let transit = Builder::new()
        .add(admitted(10), d(1980, 1, 1))
        .add(EventKind::TransferredOut { mode: TransferMode::Official, from: UnitId(10), to: UnitRef::Internal(UnitId(21)) }, d(2024, 1, 1))
        .derive();
    assert_eq!(transit.next_kinds(d(2024, 6, 1)), vec![K::TransferredIn]);
    let died = Builder::new().add(admitted(10), d(1980, 1, 1)).add(EventKind::Died, d(2024, 1, 1)).derive();
    assert!(died.next_kinds(d(2024, 6, 1)).is_empty());
    let struck = Builder::new()
        .add(admitted(10), d(1980, 1, 1))
        .add(EventKind::StruckOff { reason: StrikeOffReason::UnpaidDues }, d(2024, 1, 1))
        .derive();
    assert_eq!(struck.next_kinds(d(2024, 6, 1)), vec![K::Readmitted]);
}

#[test]
fn the_span_an_admission_opened_keeps_its_ceremony_and_origin() {
    use crate::event::AdmissionOrigin;
    use crate::pipeline::{CandidateSource, TargetGroup};
    let youth = AdmissionOrigin { source: Some(CandidateSource::YouthUnion), target_group: Some(TargetGroup::Student) };
    let h = Builder::new()
        .add(EventKind::Admitted { unit: UnitRef::Internal(UnitId(10)), origin: youth }, d(2020, 3, 10))
        .add(EventKind::Ceremony, d(2020, 4, 1))
        .add(EventKind::RecognizedOfficial, d(2021, 4, 1))
        .derive();
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    let opened = h.span_on(d(2020, 3, 10)).unwrap();
    assert_eq!(h.admission_facts(opened), Some(AdmissionFacts { ceremony: Some(d(2020, 4, 1)), origin: youth }));
    // The official span that follows was opened by the recognition, not by an admission.
    assert_eq!(h.admission_facts(h.span_on(d(2022, 1, 1)).unwrap()), None);

    // A span opened by a transfer in has no admission facts, even when the admission (elsewhere)
    // carried an origin.
    let arrived = Builder::new()
        .add(EventKind::Admitted { unit: UnitRef::External("Chi bộ thôn 3, tỉnh Nghệ An".into()), origin: youth }, d(2010, 5, 19))
        .add(EventKind::RecognizedOfficial, d(2011, 5, 19))
        .add(EventKind::TransferredIn { mode: TransferMode::Official, unit: UnitId(10) }, d(2023, 1, 5))
        .derive();
    assert!(arrived.problems.is_empty(), "{:?}", arrived.problems);
    let here = arrived.span_on(d(2024, 1, 1)).unwrap();
    assert_eq!(here.cause.entered, FlowKind::TransferredInFromOutside);
    assert_eq!(arrived.admission_facts(here), None);

    // A correction of the admission event: the corrected origin is read, the ceremony stays.
    let union = AdmissionOrigin { source: Some(CandidateSource::TradeUnion), target_group: Some(TargetGroup::PrivateEnterprise) };
    let corrected = Builder::new()
        .add(EventKind::Admitted { unit: UnitRef::Internal(UnitId(10)), origin: youth }, d(2020, 3, 10))
        .add(EventKind::Ceremony, d(2020, 4, 1))
        .correct(
            1,
            Entry::Event(EventData {
                kind: EventKind::Admitted { unit: UnitRef::Internal(UnitId(10)), origin: union },
                effective: d(2020, 3, 10),
                basis: basis(),
                note: None,
            }),
        )
        .derive();
    assert!(corrected.problems.is_empty(), "{:?}", corrected.problems);
    let opened = corrected.span_on(d(2020, 3, 10)).unwrap();
    assert_eq!(corrected.admission_facts(opened), Some(AdmissionFacts { ceremony: Some(d(2020, 4, 1)), origin: union }));

    // A readmission opens a span with the readmission's own origin.
    let other = AdmissionOrigin { source: Some(CandidateSource::Other), target_group: None };
    let again = Builder::new()
        .add(admitted(10), d(2000, 1, 1))
        .add(EventKind::RecognizedOfficial, d(2001, 1, 1))
        .add(EventKind::StruckOff { reason: StrikeOffReason::UnpaidDues }, d(2018, 1, 1))
        .add(EventKind::Readmitted { unit: UnitRef::Internal(UnitId(10)), origin: other }, d(2021, 1, 1))
        .derive();
    assert!(again.problems.is_empty(), "{:?}", again.problems);
    let back = again.span_on(d(2021, 1, 1)).unwrap();
    assert_eq!(again.admission_facts(back), Some(AdmissionFacts { ceremony: None, origin: other }));
}
