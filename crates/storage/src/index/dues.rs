//! What the dues read of the register: a member's party age on a day (01-QĐ/TW exempts 50 years).

use chrono::NaiveDate;

use domain::ids::MemberId;

use super::Index;

impl Index {
    /// Party age in full months on `on` (`None`: not admitted by then, or not in the register) —
    /// rules.md §3, as the statistics count it.
    pub fn party_age_months(&self, member: MemberId, on: NaiveDate) -> Option<u32> {
        let m = self.member(member)?;
        domain::history::party_age_months(m.first_admission?, m.spans.iter().map(|s| (s.span.status, s.span.from, s.span.to)), on)
    }
}
