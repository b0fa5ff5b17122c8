//! Deterministic, realistic generated data for dangvu: one invented province's organization tree
//! on the 2025 model (districts abolished and communes merged on 1 July 2025 — rules.md §1) and
//! members with valid, dated histories (rules.md §2–§5, §12).
//!
//! [`generate`] writes into an empty store through [`storage::Store::bulk_load`]: the units in a
//! first call, then the members in chunks, so memory stays flat however many members are asked
//! for. The same seed and `today` always give the same data.
//!
//! Modules: [`names`] (name tables and frequencies), [`tree`] (the organization tree and its
//! history), [`people`] (identities, profiles and histories).

pub mod admission;
pub mod change_requests;
pub mod committees;
pub mod directives;
pub mod documents;
pub mod dues;
pub mod enterprises;
pub mod evaluation;
pub mod meetings;
mod names;
mod origin;
mod people;
mod plans;
pub mod residence;
pub mod routines;
pub mod strike_off;
pub mod transfers;
mod tree;
pub mod weak;

use chrono::{NaiveDate, NaiveTime};
use domain::error::FieldError;
use domain::ids::{DecisionNumber, MemberId};
use domain::unit::LegalBasis;
use rand::SeedableRng;
use rand::rngs::StdRng;
use storage::prelude::*;
use storage::{BulkData, StoreError};

/// Who the generated rows are recorded by.
pub(crate) const RECORDED_BY: &str = "dữ liệu mẫu";
/// Members per `bulk_load` call.
const CHUNK: usize = 100_000;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Number of members (20,000 for the demo; up to the whole Party's ~5.6 million).
    pub members: usize,
    /// The random seed: the same seed and `today` give the same data.
    pub seed: u64,
    /// No event is dated after this day; the 2025 reorganization happens only if it is on or
    /// after 1 July 2025.
    pub today: NaiveDate,
}

/// What was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub units: usize,
    pub members: usize,
    pub events: usize,
}

/// Generates the tree and `options.members` members into an empty store. Refuses (nothing
/// written) if the store already holds units or members: generated ids, including those of
/// operations, which the store does not report, start from scratch.
pub async fn generate(store: &dyn Store, options: &Options) -> Result<Report, StoreError> {
    let (max_unit, max_member, max_event) = store.max_ids().await?;
    if max_unit > 0 || max_member > 0 {
        return Err(StoreError::invalid(
            "members",
            "not_empty",
            "Cơ sở dữ liệu đã có dữ liệu; chỉ tạo dữ liệu mẫu vào cơ sở dữ liệu trống.",
        ));
    }
    let mut rng = StdRng::seed_from_u64(options.seed);
    // 17:00 in Vietnam (UTC+7) on `today`: a fixed instant, so runs are reproducible.
    let recorded_at = options.today.and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap_or(NaiveTime::MIN)).and_utc();
    let tree = tree::build(&mut rng, options.members, options.today, max_unit, 0)?;
    let units = tree.unit_count;
    store
        .bulk_load(BulkData {
            operations: tree.operations.clone(),
            unit_versions: tree.versions.clone(),
            unit_links: tree.links.clone(),
            members: Vec::new(),
            recorded_by: RECORDED_BY.into(),
            recorded_at,
        })
        .await?;

    let mut people = people::People::new(&tree, options.today, recorded_at, max_event);
    let mut events = 0;
    let mut done = 0;
    store.bulk_begin().await?;
    while done < options.members {
        let n = CHUNK.min(options.members - done);
        let mut members = Vec::with_capacity(n);
        for index in done..done + n {
            let id = MemberId(max_member + 1 + index as i64);
            let m = people.member(&mut rng, index, id)?;
            events += m.events.len();
            members.push(m);
        }
        store.bulk_load(BulkData { members, recorded_by: RECORDED_BY.into(), recorded_at, ..BulkData::default() }).await?;
        done += n;
    }
    store.bulk_finish().await?;
    Ok(Report { units, members: options.members, events })
}

/// A legal basis; the number must be well formed (it always is for generated numbers).
pub(crate) fn basis(number: &str, date: NaiveDate, issuer: &str) -> Result<LegalBasis, StoreError> {
    let number = DecisionNumber::parse(number).map_err(field_error("decision_number"))?;
    Ok(LegalBasis { number, date, issuer: issuer.to_string() })
}

/// Turns a parse error of a generated value into a store error naming the field.
pub(crate) fn field_error(field: &'static str) -> impl Fn(FieldError) -> StoreError {
    move |e| StoreError::invalid(field, "generated_value", e.message)
}

/// A calendar date that is known to exist (day 1–28).
pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// `cargo test -p datagen --release --lib -- --ignored --nocapture`: drawing alone, no storage.
    #[test]
    #[ignore]
    fn drawing_half_a_million_members() {
        let started = std::time::Instant::now();
        let today = date(2026, 3, 15);
        let mut rng = StdRng::seed_from_u64(1);
        let tree = tree::build(&mut rng, 500_000, today, 0, 0).unwrap();
        let mut people = people::People::new(&tree, today, today.and_hms_opt(10, 0, 0).unwrap().and_utc(), 0);
        let mut events = 0;
        for i in 0..500_000 {
            events += people.member(&mut rng, i, MemberId(i as i64 + 1)).unwrap().events.len();
        }
        println!("drew {} units, 500000 members, {events} events in {:.1} s", tree.unit_count, started.elapsed().as_secs_f64());
    }
}
