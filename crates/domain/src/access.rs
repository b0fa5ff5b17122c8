//! Who may do what: roles granted on a unit of the organization tree, the capabilities each role
//! carries, how far a grant reaches, and the rules that throttle logins and end sessions.
//!
//! A grant on a unit covers that unit's subtree **as of today** (docs/design/access.md). A grant
//! never follows a unit into its successors: when a unit is merged, split or dissolved, grants on
//! it cover nothing from the date it ends, and an administrator grants again on the successor.
//! This way a reorganization can only narrow what somebody sees, never silently widen it. The
//! other way round, the staff of a successor read the history of its predecessors, up to the day
//! they ended (`past`, historical reach): reading only.

use chrono::{DateTime, Duration, Utc};

use crate::code_list;
use crate::error::FieldError;
use crate::ids::{MemberId, UnitId};
use crate::unit::UnitKind;

mod reach;
pub use reach::{MemberReach, Tree, counting_roots, home, in_transit, judged_on, unit_within};
mod past;
pub use past::{Lineage, PastUnit, predecessors_reached, reads_past, roots_on};
#[cfg(test)]
mod test_tree;

code_list!(
    /// Vai trò: what a person does in the system.
    Role, "Vai trò", {
        /// Quản trị hệ thống: accounts, grants and the audit trail, everywhere.
        Admin = ("admin", "Quản trị hệ thống"),
        /// Cán bộ ban tổ chức: reads and writes the register, records decisions on units.
        OrgBoardStaff = ("org-staff", "Cán bộ tổ chức"),
        /// Lãnh đạo cấp ủy: reads everything in scope and decides.
        CommitteeLeader = ("leader", "Lãnh đạo cấp ủy"),
        /// Bí thư chi bộ: reads their own chi bộ, records meetings and proposals.
        CellSecretary = ("cell-secretary", "Bí thư chi bộ"),
        /// Đảng viên: their own record and the handbook.
        Member = ("member", "Đảng viên"),
        /// Kiểm tra, giám sát: reads everything in scope, writes nothing.
        Inspector = ("inspector", "Kiểm tra (chỉ xem)"),
    }
);

code_list!(
    /// Quyền: one thing a role allows.
    Capability, "Quyền", {
        /// Units, member lists and member records in scope.
        ReadRegister = ("read", "Xem sổ đảng viên"),
        /// Add and edit members, record and correct membership events.
        WriteRegister = ("write", "Cập nhật sổ đảng viên"),
        /// Create, rename, move, merge, split and dissolve units.
        ManageUnits = ("units", "Cập nhật tổ chức"),
        /// Decide on proposals (admission, recognition) as the committee.
        Decide = ("decide", "Quyết định"),
        /// Record chi bộ meetings and proposals.
        RecordMeetings = ("meetings", "Ghi sinh hoạt chi bộ"),
        /// Accounts, grants and the audit trail.
        Administer = ("admin", "Quản trị"),
    }
);

impl Role {
    /// What the role allows (within its scope).
    pub fn capabilities(self) -> &'static [Capability] {
        use Capability::*;
        match self {
            Role::Admin => Capability::ALL,
            Role::OrgBoardStaff => &[ReadRegister, WriteRegister, ManageUnits],
            Role::CommitteeLeader => &[ReadRegister, Decide],
            Role::CellSecretary => &[ReadRegister, RecordMeetings],
            // A member reads their own record only; see `Principal::scope`.
            Role::Member => &[ReadRegister],
            Role::Inspector => &[ReadRegister],
        }
    }

    pub fn allows(self, capability: Capability) -> bool {
        self.capabilities().contains(&capability)
    }

    /// Staff roles are the ones the configuration can oblige to use a second factor.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Member)
    }

    /// Checks where the role may be granted: the administrator and the member role on no unit,
    /// a chi bộ secretary on a chi bộ, the others on any unit. `unit_kind` is the kind of the
    /// unit today (`None` when no unit was given, or when it no longer exists today).
    pub fn check_grant(self, unit: Option<UnitId>, unit_kind: Option<UnitKind>, linked_member: bool) -> Result<(), FieldError> {
        match (self, unit) {
            (Role::Admin, Some(_)) => {
                Err(FieldError::new("unit", "not_allowed", "Quyền quản trị hệ thống áp dụng cho toàn hệ thống, không gắn với tổ chức."))
            }
            (Role::Admin, None) => Ok(()),
            (Role::Member, Some(_)) => Err(FieldError::new(
                "unit",
                "not_allowed",
                "Vai trò đảng viên không gắn với tổ chức; tài khoản phải gắn với một đảng viên.",
            )),
            (Role::Member, None) if !linked_member => {
                Err(FieldError::new("member", "required", "Vai trò đảng viên cần tài khoản gắn với hồ sơ một đảng viên."))
            }
            (Role::Member, None) => Ok(()),
            (_, None) => Err(FieldError::new("unit", "required", "Chọn tổ chức mà vai trò này phụ trách.")),
            (_, Some(_)) if unit_kind.is_none() => {
                Err(FieldError::new("unit", "not_current", "Tổ chức này không còn tồn tại hôm nay; hãy cấp quyền trên tổ chức kế tục."))
            }
            (Role::CellSecretary, Some(_)) if !unit_kind.is_some_and(UnitKind::holds_members) => {
                Err(FieldError::new("unit", "not_a_cell", "Bí thư chi bộ chỉ được cấp quyền trên một chi bộ."))
            }
            (_, Some(_)) => Ok(()),
        }
    }
}

/// One role on one unit (or, for the administrator and the member role, on none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Grant {
    pub role: Role,
    pub unit: Option<UnitId>,
}

/// How far a capability reaches for one person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Scope {
    /// Everything (an administrator).
    pub everything: bool,
    /// The subtrees (as of today) of these units.
    pub units: Vec<UnitId>,
    /// This member's own record (the member role).
    pub own_member: Option<MemberId>,
}

impl Scope {
    pub fn is_empty(&self) -> bool {
        !self.everything && self.units.is_empty() && self.own_member.is_none()
    }

    /// Where either scope reaches: everything if either does, the granted units of both (sorted,
    /// once each), and an own member record if either has one.
    pub fn union(&self, other: &Scope) -> Scope {
        let mut units: Vec<UnitId> = self.units.iter().chain(&other.units).copied().collect();
        units.sort();
        units.dedup();
        Scope { everything: self.everything || other.everything, units, own_member: self.own_member.or(other.own_member) }
    }
}

/// The person behind a request: their grants and, when the account belongs to a member, who.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub account_id: i64,
    pub username: String,
    pub display_name: String,
    pub member: Option<MemberId>,
    pub grants: Vec<Grant>,
}

impl Principal {
    /// Whether any grant allows `capability` somewhere.
    pub fn can(&self, capability: Capability) -> bool {
        !self.scope(capability).is_empty()
    }

    pub fn is_admin(&self) -> bool {
        self.grants.iter().any(|g| g.role == Role::Admin)
    }

    /// Where `capability` reaches: the union of the grants that carry it. The member role reaches
    /// only the account's own member; a grant without a unit reaches nothing unless it is the
    /// administrator's.
    pub fn scope(&self, capability: Capability) -> Scope {
        let mut scope = Scope::default();
        for g in self.grants.iter().filter(|g| g.role.allows(capability)) {
            match (g.role, g.unit) {
                (Role::Admin, _) => scope.everything = true,
                (Role::Member, _) => scope.own_member = scope.own_member.or(self.member),
                (_, Some(u)) => {
                    if !scope.units.contains(&u) {
                        scope.units.push(u);
                    }
                }
                (_, None) => {}
            }
        }
        scope.units.sort();
        scope
    }

    /// Whether a staff role is held (for the second-factor requirement).
    pub fn has_staff_role(&self) -> bool {
        self.grants.iter().any(|g| g.role.is_staff())
    }
}

/// Limits on failed logins (configurable; the defaults follow OWASP's authentication guidance).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    /// Failures of one account within `window` that lock it.
    pub account_failures: u32,
    /// Failures from one client address within `window` that block the address.
    pub client_failures: u32,
    pub window: Duration,
    /// How long a lock or block lasts after the failure that caused it.
    pub lock: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits { account_failures: 5, client_failures: 20, window: Duration::minutes(15), lock: Duration::minutes(15) }
    }
}

/// Failed logins counted since `since` (the start of the window, or the last success if later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FailureCount {
    pub count: u32,
    pub latest: Option<DateTime<Utc>>,
}

/// Whether a login may be attempted now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginGate {
    Open,
    AccountLocked { until: DateTime<Utc> },
    ClientBlocked { until: DateTime<Utc> },
}

impl LoginLimits {
    /// Decides from the failures of the account and of the client address within the window.
    pub fn gate(&self, account: FailureCount, client: FailureCount, now: DateTime<Utc>) -> LoginGate {
        if client.count >= self.client_failures
            && let Some(latest) = client.latest
            && now < latest + self.lock
        {
            return LoginGate::ClientBlocked { until: latest + self.lock };
        }
        if account.count >= self.account_failures
            && let Some(latest) = account.latest
            && now < latest + self.lock
        {
            return LoginGate::AccountLocked { until: latest + self.lock };
        }
        LoginGate::Open
    }

    /// The lock or block a failure at `now` starts, given the failures counted before it (an
    /// attempt is only made through an open gate): `Open` when it starts none. Operators count
    /// these as lockouts.
    pub fn after_failure(&self, account: FailureCount, client: FailureCount, now: DateTime<Utc>) -> LoginGate {
        let one_more = |f: FailureCount| FailureCount { count: f.count.saturating_add(1), latest: Some(now) };
        self.gate(one_more(account), one_more(client), now)
    }
}

/// Session lifetimes (configurable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    /// A session unused this long ends.
    pub idle: Duration,
    /// A session ends this long after login, however busy.
    pub absolute: Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        SessionLimits { idle: Duration::minutes(30), absolute: Duration::hours(12) }
    }
}

impl SessionLimits {
    pub fn is_live(&self, created: DateTime<Utc>, last_seen: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        now < last_seen + self.idle && now < created + self.absolute
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap() + Duration::minutes(min)
    }

    fn principal(grants: &[(Role, Option<i64>)], member: Option<i64>) -> Principal {
        Principal {
            account_id: 1,
            username: "u".into(),
            display_name: "U".into(),
            member: member.map(MemberId),
            grants: grants.iter().map(|(r, u)| Grant { role: *r, unit: u.map(UnitId) }).collect(),
        }
    }

    #[test]
    fn roles_carry_exactly_their_capabilities() {
        use Capability::*;
        let table = [
            (Role::Admin, vec![ReadRegister, WriteRegister, ManageUnits, Decide, RecordMeetings, Administer]),
            (Role::OrgBoardStaff, vec![ReadRegister, WriteRegister, ManageUnits]),
            (Role::CommitteeLeader, vec![ReadRegister, Decide]),
            (Role::CellSecretary, vec![ReadRegister, RecordMeetings]),
            (Role::Member, vec![ReadRegister]),
            (Role::Inspector, vec![ReadRegister]),
        ];
        for (role, caps) in table {
            for c in Capability::ALL {
                assert_eq!(role.allows(*c), caps.contains(c), "{role:?} {c:?}");
            }
        }
    }

    #[test]
    fn scope_is_the_union_of_the_grants_that_carry_the_capability() {
        let p = principal(&[(Role::Inspector, Some(7)), (Role::OrgBoardStaff, Some(3)), (Role::Inspector, Some(3))], None);
        assert_eq!(p.scope(Capability::ReadRegister).units, vec![UnitId(3), UnitId(7)]);
        assert_eq!(p.scope(Capability::WriteRegister).units, vec![UnitId(3)]);
        assert!(p.scope(Capability::Administer).is_empty());
        assert!(!p.can(Capability::Decide));
        assert!(p.can(Capability::ManageUnits));
    }

    #[test]
    fn union_of_scopes() {
        let units = |u: &[i64]| Scope { units: u.iter().map(|u| UnitId(*u)).collect(), ..Scope::default() };
        assert_eq!(units(&[3, 7]).union(&units(&[5, 3])), units(&[3, 5, 7]));
        assert_eq!(units(&[3]).union(&Scope::default()), units(&[3]));
        assert!(Scope::default().union(&Scope::default()).is_empty());
        let all = Scope { everything: true, ..Scope::default() };
        assert_eq!(units(&[3]).union(&all), Scope { everything: true, units: vec![UnitId(3)], own_member: None });
        let own = Scope { own_member: Some(MemberId(42)), ..Scope::default() };
        assert_eq!(own.union(&units(&[3])).own_member, Some(MemberId(42)));
        assert_eq!(units(&[3]).union(&own).own_member, Some(MemberId(42)));
        // The admission desk's scopes: a secretary's meetings and a leader's decisions together.
        let p = principal(&[(Role::CellSecretary, Some(21)), (Role::CommitteeLeader, Some(2)), (Role::OrgBoardStaff, Some(21))], None);
        let file = p.scope(Capability::WriteRegister).union(&p.scope(Capability::RecordMeetings));
        assert_eq!(file, units(&[21]));
        let decide = p.scope(Capability::WriteRegister).union(&p.scope(Capability::Decide));
        assert_eq!(decide, units(&[2, 21]));
    }

    #[test]
    fn member_role_reaches_only_the_own_record() {
        let p = principal(&[(Role::Member, None)], Some(42));
        let s = p.scope(Capability::ReadRegister);
        assert_eq!(s, Scope { everything: false, units: vec![], own_member: Some(MemberId(42)) });
        assert!(!p.can(Capability::WriteRegister));
        // Without a linked member the role reaches nothing.
        assert!(principal(&[(Role::Member, None)], None).scope(Capability::ReadRegister).is_empty());
    }

    #[test]
    fn admin_reaches_everything_and_nobody_else_does() {
        let admin = principal(&[(Role::Admin, None)], None);
        for c in Capability::ALL {
            assert!(admin.scope(*c).everything);
        }
        let staff = principal(&[(Role::OrgBoardStaff, Some(1))], None);
        assert!(!staff.scope(Capability::ReadRegister).everything);
        assert!(!staff.is_admin());
        // No grants: nothing.
        assert!(!principal(&[], None).can(Capability::ReadRegister));
    }

    #[test]
    fn where_roles_may_be_granted() {
        let cell = Some(UnitKind::Cell);
        let committee = Some(UnitKind::ALL[0]);
        assert!(Role::Admin.check_grant(None, None, false).is_ok());
        assert!(Role::Admin.check_grant(Some(UnitId(1)), cell, false).is_err());
        assert!(Role::Member.check_grant(None, None, true).is_ok());
        assert!(Role::Member.check_grant(None, None, false).is_err());
        assert!(Role::Member.check_grant(Some(UnitId(1)), cell, true).is_err());
        assert!(Role::OrgBoardStaff.check_grant(None, None, false).is_err());
        assert!(Role::OrgBoardStaff.check_grant(Some(UnitId(1)), committee, false).is_ok());
        assert_eq!(Role::Inspector.check_grant(Some(UnitId(1)), None, false).unwrap_err().code, "not_current");
        assert!(Role::CellSecretary.check_grant(Some(UnitId(1)), cell, false).is_ok());
        assert!(Role::CellSecretary.check_grant(Some(UnitId(1)), Some(UnitKind::GrassrootsCell), false).is_ok());
        if !UnitKind::ALL[0].holds_members() {
            assert_eq!(Role::CellSecretary.check_grant(Some(UnitId(1)), committee, false).unwrap_err().code, "not_a_cell");
        }
    }

    #[test]
    fn account_locks_at_the_limit_and_opens_after_the_lock() {
        let l = LoginLimits::default();
        let none = FailureCount::default();
        let four = FailureCount { count: 4, latest: Some(t(0)) };
        let five = FailureCount { count: 5, latest: Some(t(0)) };
        assert_eq!(l.gate(four, none, t(1)), LoginGate::Open);
        assert_eq!(l.gate(five, none, t(1)), LoginGate::AccountLocked { until: t(15) });
        assert_eq!(l.gate(five, none, t(14)), LoginGate::AccountLocked { until: t(15) });
        assert_eq!(l.gate(five, none, t(15)), LoginGate::Open);
    }

    #[test]
    fn the_failure_that_reaches_a_limit_starts_a_lock() {
        let l = LoginLimits::default();
        let none = FailureCount::default();
        let three = FailureCount { count: 3, latest: Some(t(0)) };
        let four = FailureCount { count: 4, latest: Some(t(0)) };
        assert_eq!(l.after_failure(three, none, t(1)), LoginGate::Open);
        assert_eq!(l.after_failure(four, none, t(1)), LoginGate::AccountLocked { until: t(16) });
        // Failures still in the window but past their lock: the next one locks again.
        let six_old = FailureCount { count: 6, latest: Some(t(0)) };
        assert_eq!(l.gate(six_old, none, t(15)), LoginGate::Open);
        assert_eq!(l.after_failure(six_old, none, t(15)), LoginGate::AccountLocked { until: t(30) });
        // The address's limit is its own.
        let nineteen = FailureCount { count: 19, latest: Some(t(0)) };
        assert_eq!(l.after_failure(none, nineteen, t(2)), LoginGate::ClientBlocked { until: t(17) });
    }

    #[test]
    fn client_blocks_at_its_own_limit_first() {
        let l = LoginLimits::default();
        let client = FailureCount { count: 20, latest: Some(t(2)) };
        let five = FailureCount { count: 5, latest: Some(t(0)) };
        assert_eq!(l.gate(five, client, t(3)), LoginGate::ClientBlocked { until: t(17) });
        let nineteen = FailureCount { count: 19, latest: Some(t(2)) };
        assert_eq!(l.gate(FailureCount::default(), nineteen, t(3)), LoginGate::Open);
    }

    #[test]
    fn sessions_end_when_idle_or_too_old() {
        let s = SessionLimits::default();
        assert!(s.is_live(t(0), t(0), t(29)));
        assert!(!s.is_live(t(0), t(0), t(30)));
        assert!(s.is_live(t(0), t(700), t(710)));
        assert!(!s.is_live(t(0), t(715), t(720)));
    }
}
