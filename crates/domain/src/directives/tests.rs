use super::*;
use crate::testing::d;

#[test]
fn deadlines_read_from_the_form() {
    let sent = d(2026, 4, 27);
    assert_eq!(Deadline::parse("10", "", sent), Ok(Deadline::WorkingDays(10)));
    assert_eq!(Deadline::parse("", "15/05/2026", sent), Ok(Deadline::Date(d(2026, 5, 15))));
    let code = |r: Result<Deadline, FieldError>| r.unwrap_err().code;
    assert_eq!(code(Deadline::parse("", "", sent)), "required");
    assert_eq!(code(Deadline::parse("10", "15/05/2026", sent)), "both");
    assert_eq!(code(Deadline::parse("0", "", sent)), "invalid");
    assert_eq!(code(Deadline::parse("501", "", sent)), "invalid");
    assert_eq!(code(Deadline::parse("mười", "", sent)), "invalid");
    assert_eq!(code(Deadline::parse("", "20/04/2026", sent)), "before_sending");
}

#[test]
fn working_days_skip_the_holidays() {
    let calendar = WorkCalendar::default();
    // Sent on Monday 27/04/2026: 30/04 and 01/05 are holidays, 02–03/05 a weekend.
    let due = Deadline::WorkingDays(3).due(d(2026, 4, 27), &calendar);
    assert_eq!(due, d(2026, 5, 4));
    assert_eq!(Deadline::Date(d(2026, 6, 1)).due(d(2026, 4, 27), &calendar), d(2026, 6, 1));
}

#[test]
fn a_receivers_status_on_a_day() {
    let due = Some(d(2026, 5, 4));
    let mut r = Receipt::default();
    assert_eq!(r.status(due, d(2026, 4, 28)), TaskStatus::NotOpened);
    r.record(Step::Open, d(2026, 4, 28), d(2026, 4, 27)).unwrap();
    assert_eq!(r.status(due, d(2026, 4, 28)), TaskStatus::Opened);
    r.record(Step::Start, d(2026, 4, 29), d(2026, 4, 27)).unwrap();
    assert_eq!(r.status(due, d(2026, 5, 4)), TaskStatus::InProgress, "the last day is still in time");
    assert_eq!(r.status(due, d(2026, 5, 5)), TaskStatus::Late);
    assert_eq!(r.status(None, d(2027, 1, 1)), TaskStatus::InProgress, "no deadline, never late");
    r.record(Step::Done, d(2026, 5, 6), d(2026, 4, 27)).unwrap();
    assert_eq!(r.status(due, d(2026, 5, 6)), TaskStatus::DoneLate);
    let mut on_time = Receipt::default();
    on_time.record(Step::Done, d(2026, 5, 4), d(2026, 4, 27)).unwrap();
    assert_eq!(on_time.status(due, d(2026, 6, 1)), TaskStatus::Done);
    assert_eq!((on_time.opened, on_time.started), (Some(d(2026, 5, 4)), Some(d(2026, 5, 4))), "reporting implies the earlier steps");
}

#[test]
fn steps_keep_their_order() {
    let sent = d(2026, 4, 27);
    let mut r = Receipt::default();
    assert_eq!(r.record(Step::Open, d(2026, 4, 26), sent).unwrap_err().code, "before_sending");
    r.record(Step::Start, d(2026, 4, 29), sent).unwrap();
    assert_eq!(r.record(Step::Start, d(2026, 4, 30), sent).unwrap_err().code, "already");
    assert_eq!(r.record(Step::Done, d(2026, 4, 28), sent).unwrap_err().code, "before_previous");
}

#[test]
fn who_a_directive_reaches() {
    let all = Reach::default();
    assert!(all.reaches(UnitKind::Cell, 3));
    assert!(!all.reaches(UnitKind::Commune, 0), "never the sender itself");
    let communes = Reach { kinds: vec![UnitKind::Commune], depth: Some(1) };
    assert!(communes.reaches(UnitKind::Commune, 1));
    assert!(!communes.reaches(UnitKind::Commune, 2));
    assert!(!communes.reaches(UnitKind::GrassrootsCell, 1));
    let cells = Reach { kinds: vec![UnitKind::GrassrootsCell, UnitKind::Cell], depth: None };
    assert!(cells.reaches(UnitKind::Cell, 3) && !cells.reaches(UnitKind::GrassrootsCommittee, 2));
}

#[test]
fn the_senders_tally() {
    let t = tally([TaskStatus::Done, TaskStatus::DoneLate, TaskStatus::Late, TaskStatus::NotOpened]);
    assert_eq!((t.receivers, t.done), (4, 2));
    assert_eq!(t.counts.iter().find(|(s, _)| *s == TaskStatus::Late).map(|c| c.1), Some(1));
    assert_eq!(t.counts.len(), TaskStatus::ALL.len(), "every status listed, zeros included");
}

fn fields<'a>(kinds: &'a [String]) -> DraftFields<'a> {
    DraftFields {
        kind: "ke-hoach",
        number: "15-KH/TU",
        title: "Kế hoạch kiểm tra công tác phát triển đảng viên",
        body: "Các đảng ủy xã rà soát\nvà báo cáo.",
        reach_kinds: kinds,
        reach_depth: "",
        task: "Báo cáo kết quả rà soát",
        deadline_days: "10",
        deadline_date: "",
    }
}

#[test]
fn a_draft_is_read_with_its_reach_and_task() {
    let kinds = vec!["xa-phuong".to_owned(), "xa-phuong".to_owned()];
    let draft = Draft::parse(&fields(&kinds), d(2026, 4, 27)).unwrap();
    assert_eq!(draft.kind, DirectiveKind::Plan);
    assert_eq!(draft.reach, Reach { kinds: vec![UnitKind::Commune], depth: None });
    assert_eq!(draft.task.unwrap().deadline, Deadline::WorkingDays(10));
    let info = DraftFields { task: "", deadline_days: "", reach_depth: "1", ..fields(&[]) };
    let draft = Draft::parse(&info, d(2026, 4, 27)).unwrap();
    assert_eq!(draft.task, None);
    assert_eq!(draft.reach.depth, Some(1));
}

#[test]
fn a_draft_reports_every_problem() {
    let kinds = vec!["khong-co".to_owned()];
    let bad = DraftFields { kind: "nghi-quyet", number: "", title: "", reach_depth: "11", task: "", ..fields(&kinds) };
    let errors = Draft::parse(&bad, d(2026, 4, 27)).unwrap_err();
    let got: Vec<(&str, &str)> = errors.errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
    for field in ["kind", "number", "title", "reach_kinds", "reach_depth", "task"] {
        assert!(got.iter().any(|(f, _)| *f == field), "{field} in {got:?}");
    }
    let both = DraftFields { deadline_date: "15/05/2026", ..fields(&[]) };
    let errors = Draft::parse(&both, d(2026, 4, 27)).unwrap_err();
    assert_eq!(errors.errors[0].field, "deadline");
    assert_eq!(errors.errors[0].code, "both");
    let late = DraftFields { deadline_days: "", deadline_date: "01/04/2026", ..fields(&[]) };
    assert_eq!(Draft::parse(&late, d(2026, 4, 27)).unwrap_err().errors[0].field, "deadline_date");
}
