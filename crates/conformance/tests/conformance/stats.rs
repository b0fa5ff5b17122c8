//! Counts on a date from the in-memory index, against the same counts worked out member by member
//! from each record (history, profiles) and the SQL closure of the tree, on generated data with
//! the 2025 reorganization.

use conformance::{TestStore, on_both_engines};
use domain::member::profile_on;
use domain::stats::{AgeBands, Breakdown, MemberFacts, Movement, ProfileFacts, Structure};
use storage::prelude::*;
use storage::{MemberQuery, Period, ReportRequest, StatusFilter, StoreError};

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use domain::history::UnitFacts;
use domain::ids::UnitId;

use crate::fixtures::*;

on_both_engines!(counts_match_the_records_member_by_member);
on_both_engines!(movements_match_the_histories_member_by_member);

/// The breakdown of `unit` on `on`, from each member's record.
async fn by_hand(s: &dyn Store, unit: domain::ids::UnitId, on: chrono::NaiveDate, bands: &AgeBands) -> Breakdown {
    let inside: Vec<domain::ids::UnitId> = s.subtree(unit, on).await.unwrap().iter().map(|u| u.id).collect();
    let mut out = Breakdown::new(bands);
    let mut q = MemberQuery { status: StatusFilter::All, per_page: 500, ..MemberQuery::new(on) };
    loop {
        let page = s.find_members(&q).await.unwrap();
        for m in &page.items {
            let d = s.member(m.id).await.unwrap();
            let Some(span) = d.history.span_on(on).filter(|sp| sp.status.is_active()) else { continue };
            let Some(u) = span.unit.internal() else { continue };
            if !inside.contains(&u) {
                continue;
            }
            let profile = profile_on(&d.profiles, on).map(ProfileFacts::from);
            let facts = MemberFacts {
                status: span.status,
                gender: d.identity.gender,
                birth_date: d.identity.birth_date,
                ethnicity: d.identity.ethnicity,
                religion: d.identity.religion,
                profile: profile.as_ref(),
                party_age_months: d.history.party_age_months(on),
            };
            out.add(&facts, on, bands);
        }
        if page.items.len() < q.per_page {
            break;
        }
        q.page += 1;
    }
    out
}

async fn counts_match_the_records_member_by_member(t: &TestStore) {
    let s = t.store.as_ref();
    let today = d(2026, 11, 25);
    datagen::generate(s, &datagen::Options { members: 400, seed: 5, today }).await.unwrap();
    let bands = AgeBands::default();
    let province = s.children(None, today).await.unwrap()[0].unit.id;
    let of_date = |when: NaiveDate| ReportRequest { unit: province, when, structure: Structure::OfDate, today };
    for on in [today, d(2025, 6, 30), d(2019, 12, 31)] {
        let report = s.counts_report(of_date(on), &bands).await.unwrap();
        let expected = by_hand(s, province, on, &bands).await;
        assert_eq!(report.total, expected, "province on {on}");
        assert!(report.total.total > 0 && report.total.women > 0 && report.total.youth_union > 0);
        // Each unit directly under the province, by the structure of that date.
        let mut sum = 0;
        for (head, b) in report.children.iter().filter(|(h, _)| h.unit.is_some()).take(4) {
            let unit = head.unit.as_ref().unwrap();
            assert_eq!(*b, by_hand(s, unit.id, on, &bands).await, "{} on {on}", unit.name);
        }
        for (_, b) in &report.children {
            sum += b.total;
        }
        assert_eq!(sum, report.total.total, "the rows (units and members directly in the province) add up");
        // By today's structure the same members are regrouped: the province's total is the same
        // unless units were dissolved with no successor (then they get a row of their own).
        let current = s.counts_report(ReportRequest { structure: Structure::Current, ..of_date(on) }, &bands).await.unwrap();
        assert_eq!(current.total.total, report.total.total, "province on {on}, today's structure");
        let today_children = s.children(Some(province), today).await.unwrap();
        for (head, _) in &current.children {
            if let Some(u) = &head.unit {
                assert!(today_children.iter().any(|c| c.unit.id == u.id), "{} stands under the province today", u.name);
            }
        }
    }
    // Bad input: a future date, a unit that did not exist yet, an unknown unit.
    let err = s.counts_report(of_date(d(2026, 11, 26)), &bands).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref v) if v.errors[0].code == "in_future"), "{err:?}");
    let err = s.counts_report(of_date(d(1900, 1, 1)), &bands).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref v) if v.errors[0].code == "unit_not_on_date"), "{err:?}");
    assert!(matches!(s.counts_report(ReportRequest { unit: UnitId(987_654), ..of_date(today) }, &bands).await, Err(StoreError::NotFound)));
}

/// Which units lie within which root on which day, read from the store's closure (the only
/// unit fact `domain::stats::flows` asks).
struct Within(HashMap<(UnitId, NaiveDate), HashSet<UnitId>>);

impl UnitFacts for Within {
    fn version_on(&self, _: UnitId, _: NaiveDate) -> Option<&domain::unit::UnitVersion> {
        None
    }
    fn end_of(&self, _: UnitId) -> Option<NaiveDate> {
        None
    }
    fn is_within(&self, unit: UnitId, root: UnitId, on: NaiveDate) -> bool {
        self.0.get(&(root, on)).is_some_and(|set| set.contains(&unit))
    }
}

/// A period across the 2025 reorganization: the index's movement report equals, for the province
/// and for each unit that stood directly under it throughout, the sum of `domain::stats::flows`
/// over every member's derived history, with every day of the period treated as a day the tree
/// may have changed. Every row balances, by either structure.
async fn movements_match_the_histories_member_by_member(t: &TestStore) {
    let s = t.store.as_ref();
    let today = d(2026, 11, 25);
    datagen::generate(s, &datagen::Options { members: 400, seed: 7, today }).await.unwrap();
    let province = s.children(None, today).await.unwrap()[0].unit.id;
    let (first, last) = (d(2025, 6, 1), d(2025, 7, 31));
    let over = |first: NaiveDate, last: NaiveDate| ReportRequest {
        unit: province,
        when: Period { first, last },
        structure: Structure::OfDate,
        today,
    };
    let before = first.pred_opt().unwrap();
    let report = s.movement_report(over(first, last)).await.unwrap();
    assert!(report.total.balances(), "{:?}", report.total);
    assert!(
        report.total.inflow(domain::stats::FlowKind::Reorganization) == 0,
        "a province-wide reorganization moves nobody out of the province"
    );
    // The units that stood directly under the province on the day before and on the last day.
    let at_start: HashSet<UnitId> = s.children(Some(province), before).await.unwrap().iter().map(|c| c.unit.id).collect();
    let mut roots = vec![province];
    for (head, m) in &report.rows {
        assert!(m.balances(), "{}: {m:?}", head.label);
        if let Some(u) = &head.unit
            && head.until.is_none()
            && at_start.contains(&u.id)
            && roots.len() < 5
        {
            roots.push(u.id);
        }
    }
    assert!(roots.len() > 1, "some unit stood under the province throughout");
    let days: Vec<NaiveDate> = before.iter_days().take_while(|x| *x <= last).collect();
    let mut within = HashMap::new();
    for &root in &roots {
        for &day in &days {
            let set: HashSet<UnitId> = s.subtree(root, day).await.map(|v| v.iter().map(|u| u.id).collect()).unwrap_or_default();
            within.insert((root, day), set);
        }
    }
    let within = Within(within);
    let mut expected: Vec<Movement> = roots.iter().map(|_| Movement::default()).collect();
    let mut q = MemberQuery { status: StatusFilter::All, per_page: 500, ..MemberQuery::new(today) };
    loop {
        let page = s.find_members(&q).await.unwrap();
        for m in &page.items {
            let h = s.member(m.id).await.unwrap().history;
            for (root, e) in roots.iter().zip(expected.iter_mut()) {
                e.start += u64::from(domain::stats::on_list(&h, &within, *root, before).is_some());
                e.end += u64::from(domain::stats::on_list(&h, &within, *root, last).is_some());
                for f in domain::stats::flows(&h, &within, *root, first, last, &days) {
                    e.add(&f);
                }
            }
        }
        if page.items.len() < q.per_page {
            break;
        }
        q.page += 1;
    }
    let got = |root: UnitId| {
        if root == province {
            return report.total.clone();
        }
        report.rows.iter().find(|(h, _)| h.unit.as_ref().is_some_and(|u| u.id == root)).map(|(_, m)| m.clone()).unwrap()
    };
    for (root, e) in roots.iter().zip(&expected) {
        let mut g = got(*root);
        // Recognition and temporary activity are not flows of the list.
        g.recognized = 0;
        g.temporary_in = 0;
        g.temporary_out = 0;
        assert_eq!(&g, e, "unit {root}");
    }
    assert!(expected[0].inflow_total() + expected[0].outflow_total() > 0, "the period has movements");
    // The admission report of a period counts the same admissions as the movement report, row by
    // row; organizations listed as admitting nobody have no admission in their rows.
    for (a, b) in [(d(2025, 1, 1), d(2025, 12, 31)), (first, last)] {
        let moves = s.movement_report(over(a, b)).await.unwrap();
        let adm = s.admission_report(over(a, b)).await.unwrap();
        let admitted = |m: &Movement| m.inflow(domain::stats::FlowKind::Admitted) + m.inflow(domain::stats::FlowKind::Readmitted);
        assert_eq!(adm.total.admitted, admitted(&moves.total));
        assert_eq!(adm.total.readmitted, moves.total.inflow(domain::stats::FlowKind::Readmitted));
        for row in &adm.rows {
            let Some(u) = &row.head.unit else { continue };
            let m = moves.rows.iter().find(|(h, _)| h.unit.as_ref().is_some_and(|x| x.id == u.id)).map(|(_, m)| m).unwrap();
            assert_eq!(row.tally.admitted, admitted(m), "{}", u.name);
            if row.tally.admitted > 0 {
                assert!(!adm.zero_admission.iter().any(|z| z.id == u.id));
            }
        }
        assert!(adm.total.women <= adm.total.admitted && adm.total.up_to_30 <= adm.total.admitted);
    }
    let year = s.admission_report(over(d(2025, 1, 1), d(2025, 12, 31))).await.unwrap();
    assert!(year.total.admitted > 0 && (year.target.first_year, year.target.last_year) == (2025, 2025));
    // Every breakdown by origin and occasion adds up, in total and row by row.
    for (total, sources, groups) in
        std::iter::once((&year.total, &year.sources, &year.groups)).chain(year.rows.iter().map(|r| (&r.tally, &r.sources, &r.groups)))
    {
        assert_eq!(sources.iter().map(|l| l.admitted).sum::<u64>(), total.admitted);
        assert_eq!(groups.iter().map(|l| l.admitted).sum::<u64>(), total.admitted);
    }
    for (i, line) in year.occasions.lines.iter().enumerate() {
        assert_eq!(year.rows.iter().map(|r| r.occasions[i]).sum::<u64>(), line.admitted, "{}", line.name);
    }
    assert!(!year.zero_admission.is_empty(), "a small province has grassroots organizations that admitted nobody");
    for y in [2025, 2026] {
        targets_count_like_the_admission_report(s, province, y, today).await;
    }
    // By today's structure every row balances too, and the province's ends are the same lists.
    let current = s.movement_report(ReportRequest { structure: Structure::Current, ..over(first, last) }).await.unwrap();
    assert!(current.rows.iter().all(|(_, m)| m.balances()) && current.total.balances());
    assert_eq!((current.total.start, current.total.end), (report.total.start, report.total.end));
    // A second server on the same database sees a write of the first before its next report.
    let other = t.reopen().await;
    let this_year = (d(2026, 1, 1), today);
    let died_before = other.movement_report(over(this_year.0, this_year.1)).await.unwrap();
    let bands = AgeBands::default();
    let on_today = ReportRequest { unit: province, when: today, structure: Structure::OfDate, today };
    let count_before = other.counts_report(on_today, &bands).await.unwrap().total.total;
    let mut q = MemberQuery::new(today);
    q.unit = Some(province);
    q.per_page = 1;
    let someone = s.find_members(&q).await.unwrap().items.remove(0).id;
    let version = s.member(someone).await.unwrap().version;
    let died = domain::event::EventData { kind: domain::event::EventKind::Died, effective: today, basis: None, note: None };
    s.record_event(&ctx(), someone, version, died).await.unwrap();
    let died_after = other.movement_report(over(this_year.0, this_year.1)).await.unwrap();
    let kind = domain::stats::FlowKind::Died;
    assert_eq!(died_after.total.outflow(kind), died_before.total.outflow(kind) + 1);
    assert_eq!(died_after.total.end + 1, died_before.total.end);
    let count_after = other.counts_report(on_today, &bands).await.unwrap().total.total;
    assert_eq!(count_after + 1, count_before);
    let report = s.movement_report(over(first, last)).await.unwrap();
    // Spans written before they kept their causes (migration 0004) are re-derived when a store
    // opens, and give the same report.
    let db = t.database().await;
    let mut tx = db.begin().await.unwrap();
    tx.execute(&"UPDATE membership_spans SET entered = NULL, left_by = NULL".into(), vec![]).await.unwrap();
    tx.execute(&"DELETE FROM temporary_spans".into(), vec![]).await.unwrap();
    tx.commit().await.unwrap();
    let reopened = t.reopen().await;
    let again = reopened.movement_report(over(first, last)).await.unwrap();
    assert_eq!(again.total, report.total);
    assert_eq!(again.rows.len(), report.rows.len());
    // Bad input.
    let err = s.movement_report(over(last, first)).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref v) if v.errors[0].code == "period_reversed"), "{err:?}");
    let err = s.movement_report(over(first, d(2026, 12, 1))).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref v) if v.errors[0].code == "in_future"), "{err:?}");
    // A period reaching before the unit stood is reported by today's structure, and says so
    // (docs/design/statistics.md, "A unit that did not stand for the whole period").
    let early = s.movement_report(over(d(1900, 1, 1), last)).await.unwrap();
    assert_eq!(early.structure, Structure::Current);
    assert!(early.adjusted.is_some_and(|a| a.asked_first == d(1900, 1, 1) && a.unit_to.is_none()), "{:?}", early.adjusted);
    assert!(early.total.balances(), "{:?}", early.total);
    // A unit that ended inside the period is reported over the days it stood, by the structure of
    // each day; over a period after its end it is refused.
    let mut ended = None;
    for (head, _) in &report.rows {
        if let Some(u) = head.unit.as_ref().filter(|_| head.until.is_some())
            && s.unit(u.id, today).await.unwrap().as_of.is_none()
        {
            ended = Some(u.id);
            break;
        }
    }
    let ended = ended.expect("a commune merged on 01/07/2025");
    let part = s.movement_report(ReportRequest { unit: ended, ..over(first, last) }).await.unwrap();
    assert_eq!((part.first, part.last, part.structure), (first, d(2025, 6, 30), Structure::OfDate));
    assert!(part.adjusted.is_some_and(|a| a.unit_to == Some(d(2025, 7, 1))), "{:?}", part.adjusted);
    assert!(part.total.balances(), "{:?}", part.total);
    let err = s.movement_report(ReportRequest { unit: ended, ..over(d(2026, 1, 1), d(2026, 2, 1)) }).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref v) if v.errors[0].code == "unit_not_on_date"), "{err:?}");
}

/// The targets page and the admission report of one year read the same admissions: the same
/// total and readmissions, the same count for every unit that stood under the province all
/// year, and the same organizations that admitted nobody.
async fn targets_count_like_the_admission_report(s: &dyn Store, province: UnitId, year: i32, today: NaiveDate) {
    let first = d(year, 1, 1);
    let last = d(year, 12, 31).min(today);
    let targets = s.targets(province, year, today, None).await.unwrap();
    let report = s
        .admission_report(ReportRequest { unit: province, when: Period { first, last }, structure: Structure::OfDate, today })
        .await
        .unwrap();
    assert!(report.total.admitted > 0, "{year}: admissions to compare");
    assert_eq!(u64::from(targets.root.total.admitted), report.total.admitted, "{year}: the province");
    assert_eq!(u64::from(targets.readmissions), report.total.readmitted, "{year}: readmissions");
    let all_year: HashSet<UnitId> = s.children(Some(province), first).await.unwrap().iter().map(|c| c.unit.id).collect();
    let mut compared = 0;
    for row in targets.children.iter().filter(|r| all_year.contains(&r.unit.id)) {
        let in_report = report.rows.iter().find(|r| r.head.unit.as_ref().is_some_and(|u| u.id == row.unit.id)).unwrap();
        assert_eq!(u64::from(row.total.admitted), in_report.tally.admitted, "{year}: {}", row.unit.name);
        // The unit's own report counts the same as its row.
        let own = s
            .admission_report(ReportRequest { unit: row.unit.id, when: Period { first, last }, structure: Structure::OfDate, today })
            .await
            .unwrap();
        assert_eq!(u64::from(row.total.admitted), own.total.admitted, "{year}: {}'s own report", row.unit.name);
        compared += 1;
    }
    assert!(compared > 0, "{year}: some unit stood under the province all year");
    let ids = |list: &[storage::UnitSummary]| list.iter().map(|u| u.id).collect::<Vec<_>>();
    assert_eq!(ids(&targets.zero_admission), ids(&report.zero_admission), "{year}: organizations that admitted nobody");
}
