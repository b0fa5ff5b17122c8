//! A party committee's elected body (cấp ủy): who sits on a unit's executive committee (ban chấp
//! hành, or the chi ủy of a chi bộ) and its standing committee (ban thường vụ), in which post,
//! from which day to which — so that the body's own meetings have a roll (rules.md §9,
//! docs/design/operations.md "Committees").
//!
//! Pure: the caller hands in the seats already held and the member's status on the day.

use chrono::NaiveDate;

use crate::ValidationErrors;
use crate::code_list;
use crate::dates::format_vn;
use crate::error::FieldError;
use crate::history::Status;
use crate::ids::MemberId;
use crate::text::required_text;
use crate::unit::UnitKind;

code_list!(
    /// Chức vụ trong cấp ủy.
    SeatRole, "Chức vụ cấp ủy", {
        /// Bí thư: one at a time per committee.
        Secretary = ("bi-thu", "Bí thư"),
        DeputySecretary = ("pho-bi-thu", "Phó Bí thư"),
        /// Ủy viên ban thường vụ: a committee above a chi bộ only.
        StandingMember = ("uy-vien-thuong-vu", "Ủy viên Ban Thường vụ"),
        /// Ủy viên ban chấp hành (chi ủy viên in a chi bộ).
        Member = ("cap-uy-vien", "Cấp ủy viên"),
    }
);

/// The longest text kept for the decision a seat rests on.
pub const MAX_BASIS: usize = 300;

impl SeatRole {
    /// Whether the seat is on the standing committee: the secretary, the deputies and the
    /// standing members (ban thường vụ).
    pub fn is_standing(self) -> bool {
        !matches!(self, SeatRole::Member)
    }

    /// Whether a unit of `kind` has seats of this role: a chi bộ elects a secretary, a deputy and,
    /// with nine official members or more, a chi ủy (rules.md §1.1); a party group (tổ đảng)
    /// elects a group leader, no committee; a standing committee exists in the committees that
    /// elect one ([`has_standing_committee`]).
    pub fn exists_in(self, kind: UnitKind) -> bool {
        match self {
            _ if !has_committee(kind) => false,
            SeatRole::StandingMember => has_standing_committee(kind),
            _ => true,
        }
    }

    /// The roles a unit of `kind` has.
    pub fn for_unit(kind: UnitKind) -> Vec<SeatRole> {
        SeatRole::ALL.iter().copied().filter(|r| r.exists_in(kind)).collect()
    }

    /// The post's name in a unit of `kind`: a chi bộ's committee member is a chi ủy viên.
    pub fn label_in(self, kind: UnitKind) -> &'static str {
        match self {
            SeatRole::Member if kind.holds_members() => "Chi ủy viên",
            _ => self.label(),
        }
    }
}

/// A chi bộ elects a chi ủy only with this many official members or more; below, a secretary
/// and, if needed, a deputy (rules.md §1.1).
pub const CHI_UY_FROM_OFFICIAL_MEMBERS: usize = 9;

/// Whether a unit of `kind` elects a committee (cấp ủy, chi ủy, or the secretary of a small
/// chi bộ): every unit but a party group (rules.md §1.1).
pub fn has_committee(kind: UnitKind) -> bool {
    kind != UnitKind::Group
}

/// Whether a unit of `kind` elects a standing committee (ban thường vụ): the province, the
/// upper-grassroots committees and a grassroots party committee; not a chi bộ nor a đảng bộ bộ
/// phận, whose committee meets as a whole (our reading of the Charter's structure, rules.md §1).
pub fn has_standing_committee(kind: UnitKind) -> bool {
    matches!(kind, UnitKind::Province | UnitKind::UnderProvince | UnitKind::Commune | UnitKind::District | UnitKind::GrassrootsCommittee)
}

/// One seat as held: its holder, its post and the days it runs, `until` the first day it no
/// longer does (`None`: held today).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seat {
    pub member: MemberId,
    pub role: SeatRole,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl Seat {
    /// Held on `day`.
    pub fn held_on(&self, day: NaiveDate) -> bool {
        self.from <= day && self.until.is_none_or(|u| day < u)
    }

    /// Whether the two seats run on a common day.
    fn overlaps(&self, other: &Seat) -> bool {
        self.from < other.until.unwrap_or(NaiveDate::MAX) && other.from < self.until.unwrap_or(NaiveDate::MAX)
    }
}

/// A new seat, checked: its post, its first day and the decision it rests on (the election
/// result or the superior committee's approval, quyết định chuẩn y); `until` when a past seat is
/// entered already ended (the first day it was no longer held).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatInput {
    pub member: MemberId,
    pub role: SeatRole,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub basis: String,
}

impl SeatInput {
    pub fn parse(
        member: MemberId,
        role: &str,
        from: NaiveDate,
        until: Option<NaiveDate>,
        basis: &str,
    ) -> Result<SeatInput, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let role = e.take("role", SeatRole::parse(role.trim()));
        if let Some(u) = until
            && u <= from
        {
            e.push("until", "before_start", format!("Ngày thôi giữ chức phải sau ngày bắt đầu {}.", format_vn(from)));
        }
        let basis = e.take("basis", required_text(basis, MAX_BASIS, "Căn cứ (quyết định, kết quả bầu)"));
        match (role, basis) {
            (Some(role), Some(basis)) if e.is_empty() => Ok(SeatInput { member, role, from, until, basis }),
            _ => Err(e),
        }
    }

    pub fn seat(&self) -> Seat {
        Seat { member: self.member, role: self.role, from: self.from, until: self.until }
    }
}

/// What a new seat is checked against: the unit's kind, the member's status on the seat's first
/// day (`None`: not under the unit then), the unit's official members that day (for a chi bộ's
/// chi ủy), and the committee's seats past and present.
#[derive(Debug, Clone, Copy)]
pub struct SeatContext<'a> {
    pub kind: UnitKind,
    pub status: Option<Status>,
    pub official_members: usize,
    pub held: &'a [Seat],
}

/// Whether `new` may be added (see [`SeatContext`]):
/// - the post exists in the unit (`role`, `not_in_unit`);
/// - a chi bộ has a chi ủy member only with nine official members or more (`role`, `no_chi_uy`;
///   rules.md §1.1);
/// - the member is an official member that day — a probationary member may not stand for a
///   leading body (Charter art. 3.2; rules.md §1.1) (`member`, `not_official`);
/// - the member holds no other seat of the committee on any of its days (`member`, `seated`);
/// - no other secretary sits on any of its days (`role`, `secretary_taken`).
pub fn check_new_seat(new: &Seat, c: SeatContext<'_>) -> Result<(), FieldError> {
    let (kind, status, held) = (c.kind, c.status, c.held);
    if !new.role.exists_in(kind) {
        let message =
            if has_committee(kind) { "Tổ chức này không có ban thường vụ." } else { "Tổ đảng không bầu cấp ủy." };
        return Err(FieldError::new("role", "not_in_unit", message));
    }
    if kind.holds_members() && new.role == SeatRole::Member && c.official_members < CHI_UY_FROM_OFFICIAL_MEMBERS {
        let message = format!(
            "Ngày {} chi bộ có {} đảng viên chính thức: dưới {CHI_UY_FROM_OFFICIAL_MEMBERS} đảng viên chính thức, chi bộ bầu bí thư và phó bí thư, không bầu chi ủy.",
            format_vn(new.from),
            c.official_members
        );
        return Err(FieldError::new("role", "no_chi_uy", message));
    }
    if status != Some(Status::Official) {
        let message = format!("Ngày {} người này không phải đảng viên chính thức của tổ chức.", format_vn(new.from));
        return Err(FieldError::new("member", "not_official", message));
    }
    if let Some(s) = held.iter().find(|s| s.member == new.member && s.overlaps(new)) {
        let message = format!("Người này đã giữ chức {} từ {}.", s.role.label_in(kind), format_vn(s.from));
        return Err(FieldError::new("member", "seated", message));
    }
    if new.role == SeatRole::Secretary && held.iter().any(|s| s.role == SeatRole::Secretary && s.overlaps(new)) {
        return Err(FieldError::new("role", "secretary_taken", "Trong thời gian này cấp ủy đã có bí thư."));
    }
    Ok(())
}

/// Whether a seat may end on `until`: after its first day (`before_start`), once (`ended`).
pub fn check_end(seat: &Seat, until: NaiveDate) -> Result<(), FieldError> {
    if seat.until.is_some() {
        return Err(FieldError::new("until", "ended", "Chức vụ này đã thôi."));
    }
    if until <= seat.from {
        let message = format!("Ngày thôi phải sau ngày bắt đầu {}.", format_vn(seat.from));
        return Err(FieldError::new("until", "before_start", message));
    }
    Ok(())
}

/// Who a body's meeting summons on `day`: every seat held that day, or only the standing ones,
/// each member once, in post order (secretary first).
pub fn summoned(held: &[Seat], day: NaiveDate, standing_only: bool) -> Vec<Seat> {
    let mut out: Vec<Seat> = held.iter().copied().filter(|s| s.held_on(day) && (!standing_only || s.role.is_standing())).collect();
    out.sort_by_key(|s| (s.role, s.from));
    let mut seen = Vec::new();
    out.retain(|s| {
        let first = !seen.contains(&s.member);
        seen.push(s.member);
        first
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::d;

    fn seat(member: i64, role: SeatRole, from: NaiveDate, until: Option<NaiveDate>) -> Seat {
        Seat { member: MemberId(member), role, from, until }
    }

    /// A unit of `kind` with twenty official members.
    fn ctx(kind: UnitKind, status: Option<Status>, held: &[Seat]) -> SeatContext<'_> {
        SeatContext { kind, status, official_members: 20, held }
    }

    #[test]
    fn a_chi_bo_has_no_standing_committee() {
        assert_eq!(SeatRole::for_unit(UnitKind::Cell).len(), 3);
        assert!(!SeatRole::StandingMember.exists_in(UnitKind::GrassrootsCell));
        assert!(SeatRole::StandingMember.exists_in(UnitKind::GrassrootsCommittee));
        let new = seat(1, SeatRole::StandingMember, d(2025, 7, 1), None);
        let e = check_new_seat(&new, ctx(UnitKind::Cell, Some(Status::Official), &[])).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("role", "not_in_unit"));
        assert!(SeatRole::Secretary.is_standing() && !SeatRole::Member.is_standing());
        assert!(!SeatRole::StandingMember.exists_in(UnitKind::SubCommittee));
        assert!(SeatRole::for_unit(UnitKind::Group).is_empty());
        assert_eq!(SeatRole::for_unit(UnitKind::Commune), SeatRole::ALL.to_vec());
    }

    #[test]
    fn only_an_official_member_takes_a_seat() {
        let new = seat(1, SeatRole::Member, d(2025, 7, 1), None);
        for status in [None, Some(Status::Probationary), Some(Status::Exempt), Some(Status::TransferredOut)] {
            let e = check_new_seat(&new, ctx(UnitKind::GrassrootsCommittee, status, &[])).unwrap_err();
            assert_eq!(e.code, "not_official", "{status:?}");
        }
        assert!(check_new_seat(&new, ctx(UnitKind::GrassrootsCommittee, Some(Status::Official), &[])).is_ok());
    }

    #[test]
    fn a_member_holds_one_seat_at_a_time_and_a_committee_one_secretary() {
        let held = [seat(1, SeatRole::Secretary, d(2020, 9, 1), Some(d(2025, 7, 1))), seat(2, SeatRole::Member, d(2020, 9, 1), None)];
        let official = Some(Status::Official);
        let kind = UnitKind::GrassrootsCommittee;
        // The member already on the committee cannot take a second seat over the same days…
        let e = check_new_seat(&seat(2, SeatRole::DeputySecretary, d(2024, 1, 1), None), ctx(kind, official, &held)).unwrap_err();
        assert_eq!(e.code, "seated");
        // …but may once the first has ended.
        let held_ended = [seat(2, SeatRole::Member, d(2020, 9, 1), Some(d(2024, 1, 1)))];
        assert!(check_new_seat(&seat(2, SeatRole::DeputySecretary, d(2024, 1, 1), None), ctx(kind, official, &held_ended)).is_ok());
        // A second secretary while the first still sits is refused; from the day the first left, not.
        let e = check_new_seat(&seat(3, SeatRole::Secretary, d(2025, 6, 30), None), ctx(kind, official, &held)).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("role", "secretary_taken"));
        assert!(check_new_seat(&seat(3, SeatRole::Secretary, d(2025, 7, 1), None), ctx(kind, official, &held)).is_ok());
        // A seat of the past that ended before another began does not clash.
        let past = SeatInput::parse(MemberId(1), "cap-uy-vien", d(2015, 9, 1), Some(d(2020, 9, 1)), "Đại hội 2015").unwrap();
        assert!(check_new_seat(&past.seat(), ctx(kind, official, &held)).is_ok());
    }

    #[test]
    fn a_chi_bo_elects_a_chi_uy_from_nine_official_members() {
        let new = seat(1, SeatRole::Member, d(2025, 7, 1), None);
        let small = SeatContext { kind: UnitKind::Cell, status: Some(Status::Official), official_members: 8, held: &[] };
        let e = check_new_seat(&new, small).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("role", "no_chi_uy"));
        // A secretary and a deputy it has at any size.
        assert!(check_new_seat(&seat(1, SeatRole::Secretary, d(2025, 7, 1), None), small).is_ok());
        assert!(check_new_seat(&new, SeatContext { official_members: 9, ..small }).is_ok());
        // A committee above the chi bộ is not measured so.
        assert!(check_new_seat(&new, SeatContext { kind: UnitKind::Commune, ..small }).is_ok());
        assert_eq!(SeatRole::Member.label_in(UnitKind::Cell), "Chi ủy viên");
        assert_eq!(SeatRole::Member.label_in(UnitKind::Commune), "Cấp ủy viên");
    }

    #[test]
    fn a_past_seat_is_entered_with_its_end() {
        // The current secretary sits from 1/7/2025; the one before, entered afterwards, ended then.
        let held = [seat(2, SeatRole::Secretary, d(2025, 7, 1), None)];
        let past = SeatInput::parse(MemberId(1), "bi-thu", d(2020, 7, 1), Some(d(2025, 7, 1)), "Đại hội nhiệm kỳ 2020–2025").unwrap();
        assert!(check_new_seat(&past.seat(), ctx(UnitKind::Commune, Some(Status::Official), &held)).is_ok());
        // One day too long, and it clashes.
        let long = SeatInput::parse(MemberId(1), "bi-thu", d(2020, 7, 1), Some(d(2025, 7, 2)), "x").unwrap();
        assert_eq!(
            check_new_seat(&long.seat(), ctx(UnitKind::Commune, Some(Status::Official), &held)).unwrap_err().code,
            "secretary_taken"
        );
        let e = SeatInput::parse(MemberId(1), "bi-thu", d(2020, 7, 1), Some(d(2020, 7, 1)), "x").unwrap_err();
        assert_eq!(e.errors[0].code, "before_start");
    }

    #[test]
    fn a_seat_ends_once_and_after_it_began() {
        let s = seat(1, SeatRole::Member, d(2025, 7, 1), None);
        assert_eq!(check_end(&s, d(2025, 7, 1)).unwrap_err().code, "before_start");
        assert!(check_end(&s, d(2025, 7, 2)).is_ok());
        let ended = Seat { until: Some(d(2026, 1, 1)), ..s };
        assert_eq!(check_end(&ended, d(2026, 2, 1)).unwrap_err().code, "ended");
        assert!(ended.held_on(d(2025, 12, 31)) && !ended.held_on(d(2026, 1, 1)) && !ended.held_on(d(2025, 6, 30)));
    }

    #[test]
    fn a_meeting_summons_the_seats_held_that_day() {
        let held = [
            seat(4, SeatRole::Member, d(2025, 7, 1), None),
            seat(1, SeatRole::Secretary, d(2025, 7, 1), None),
            seat(3, SeatRole::StandingMember, d(2025, 7, 1), None),
            seat(2, SeatRole::DeputySecretary, d(2025, 7, 1), Some(d(2026, 3, 1))),
            seat(5, SeatRole::Member, d(2026, 3, 1), None),
        ];
        let ids = |v: Vec<Seat>| v.iter().map(|s| s.member.0).collect::<Vec<_>>();
        assert_eq!(ids(summoned(&held, d(2026, 1, 5), false)), vec![1, 2, 3, 4]);
        assert_eq!(ids(summoned(&held, d(2026, 1, 5), true)), vec![1, 2, 3]);
        assert_eq!(ids(summoned(&held, d(2026, 3, 1), false)), vec![1, 3, 4, 5]);
        assert!(summoned(&held, d(2025, 6, 30), false).is_empty());
    }

    #[test]
    fn a_seat_needs_its_post_and_basis() {
        let e = SeatInput::parse(MemberId(1), "chu-tich", d(2025, 7, 1), None, " ").unwrap_err();
        assert_eq!(e.errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), vec!["role", "basis"]);
        let ok = SeatInput::parse(MemberId(1), "bi-thu", d(2025, 7, 1), None, "Quyết định 12-QĐ/TU ngày 30/6/2025").unwrap();
        assert_eq!(ok.seat().role, SeatRole::Secretary);
    }
}
