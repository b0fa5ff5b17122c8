//! Builders for the scenarios: dates, decisions, units, members.

use chrono::{NaiveDate, TimeZone, Utc};
use domain::event::{EventData, EventKind, UnitRef};
use domain::ids::{CitizenId, DecisionNumber, MemberId, UnitCode, UnitId};
use domain::member::{DatedProfile, Identity, IdentityInput, ProfileInput};
use domain::unit::{LegalBasis, UnitKind};
use storage::prelude::*;
use storage::{NewMember, NewUnit, OrgDecision, StoreError, UnitSpec, WriteContext};

pub use domain::testing::d;

pub fn ctx() -> WriteContext {
    WriteContext::new("tester", Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap())
}

/// A write made at 10:00 in Vietnam on `day`.
pub fn at(day: NaiveDate) -> WriteContext {
    WriteContext::new("tester", Utc.from_utc_datetime(&day.and_hms_opt(3, 0, 0).unwrap()))
}

/// The codes of a refusal (any other error fails the test).
pub fn codes(e: StoreError) -> Vec<&'static str> {
    match e {
        StoreError::Invalid(v) => v.errors.iter().map(|e| e.code).collect(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

pub fn basis(on: NaiveDate) -> LegalBasis {
    LegalBasis { number: DecisionNumber::parse("12-QĐ/TU").unwrap(), date: on, issuer: "Ban Thường vụ Tỉnh ủy".into() }
}

pub fn decision(on: NaiveDate) -> OrgDecision {
    OrgDecision { effective: on, basis: basis(on), note: None }
}

pub fn spec(kind: UnitKind, code: &str, name: &str, parent: Option<UnitId>) -> UnitSpec {
    UnitSpec { kind, code: UnitCode::parse(code).unwrap(), name: name.into(), parent }
}

pub async fn unit(store: &dyn Store, kind: UnitKind, code: &str, name: &str, parent: Option<UnitId>, on: NaiveDate) -> UnitId {
    store.create_unit(&ctx(), NewUnit { spec: spec(kind, code, name, parent), decision: decision(on) }).await.unwrap()
}

pub fn event(kind: EventKind, on: NaiveDate) -> EventData {
    EventData { kind, effective: on, basis: Some(basis(on)), note: None }
}

pub fn admitted(unit: UnitId, on: NaiveDate) -> EventData {
    event(EventKind::Admitted { unit: UnitRef::Internal(unit), origin: Default::default() }, on)
}

/// A valid identity (Kinh, no religion) for the scenarios.
pub fn identity(name: &str, gender: &str, birth: &str, cccd: &str) -> Identity {
    IdentityInput {
        full_name: name.into(),
        gender: gender.into(),
        birth_date: birth.into(),
        ethnicity: "kinh".into(),
        religion: "khong".into(),
        citizen_id: cccd.into(),
        ..Default::default()
    }
    .parse(d(2026, 11, 25))
    .unwrap()
}

/// A first profile valid since always.
pub fn profile() -> DatedProfile {
    let profile = ProfileInput { general_education: "thpt".into(), occupation: "vien-chuc".into(), ..Default::default() }.parse().unwrap();
    DatedProfile { valid_from: None, profile }
}

/// A member admitted to `unit` on `admitted_on` (with the ceremony that day and the recognition
/// 12 months later when `official`).
#[allow(clippy::too_many_arguments)]
pub async fn member(
    store: &dyn Store,
    name: &str,
    gender: &str,
    birth: &str,
    cccd: &str,
    unit: UnitId,
    admitted_on: NaiveDate,
    official: bool,
) -> MemberId {
    let mut events = vec![admitted(unit, admitted_on)];
    if official {
        // The ceremony the same day: probation runs 12 months from it (rules.md §3).
        events.push(event(EventKind::Ceremony, admitted_on));
        events.push(event(EventKind::RecognizedOfficial, domain::dates::add_months(admitted_on, 12)));
    }
    store.create_member(&ctx(), NewMember { identity: identity(name, gender, birth, cccd), profile: profile(), events }).await.unwrap()
}

pub fn cccd(n: u32) -> String {
    let id = format!("0010{:08}", n);
    CitizenId::parse(&id).unwrap();
    id
}

/// The store as a person with these grants may use it (`storage::access`).
pub fn access(s: &std::sync::Arc<storage::SqlStore>, grants: &[(domain::access::Role, Option<UnitId>)]) -> storage::access::Access {
    let principal = domain::access::Principal {
        account_id: 1,
        username: "tester".into(),
        display_name: "Tester".into(),
        member: None,
        grants: grants.iter().map(|(role, unit)| domain::access::Grant { role: *role, unit: *unit }).collect(),
    };
    let store: std::sync::Arc<dyn Store> = s.clone();
    storage::access::Access::new(store, principal, storage::access::RequestInfo { now: ctx().now, client: None, request_id: None })
}
