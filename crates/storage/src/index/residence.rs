//! What the residence ties read of the register: a member's occupation on a day (Quy định
//! 213-QĐ/TW binds working members, `domain::residence::is_working_member`).

use chrono::NaiveDate;

use domain::ids::MemberId;
use domain::member::OccupationGroup;

use super::Index;

impl Index {
    /// The occupation the member's record gives on `on` (`None`: not in the register).
    pub fn occupation_on(&self, member: MemberId, on: NaiveDate) -> Option<OccupationGroup> {
        let m = self.member(member)?;
        m.profiles.iter().rev().find(|(from, _)| from.is_none_or(|f| f <= on)).map(|(_, p)| p.occupation)
    }
}
