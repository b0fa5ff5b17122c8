//! Transfers of party activity (chuyển sinh hoạt đảng) as the two-sided procedure committees run
//! (rules.md §4, docs/design/transfers.md): the sending committee issues the introduction letter
//! (giấy giới thiệu sinh hoạt đảng) with its number and validity, the member is in transit, and
//! the receiving side accepts or refuses; an organization outside the register answers with a
//! return slip instead. A temporary transfer keeps the member at home and ends with the return.
//!
//! Pure: the caller hands in the calendar, the settings, and what the tree says about the units.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ValidationErrors;
use crate::code_list;
use crate::dates::{add_months, format_vn, full_months_between};
use crate::error::FieldError;
use crate::event::{TransferMode, UnitRef};
use crate::ids::{DecisionNumber, UnitId};
use crate::text::{required_lines, required_text};
use crate::workdays::WorkCalendar;

code_list!(
    /// Where a transfer goes (or, for one arriving from outside the register, where it comes
    /// from): rules.md §4 "Other transfer types".
    Route, "Phạm vi chuyển sinh hoạt", {
        /// Between chi bộ of one grassroots organization: the grassroots committee introduces.
        WithinGrassroots = ("trong-co-so", "Trong đảng bộ cơ sở"),
        /// Between grassroots organizations of the register: the direct superior committee introduces.
        WithinRegister = ("trong-tinh", "Trong đảng bộ tỉnh"),
        OtherProvince = ("ngoai-tinh", "Tỉnh, thành phố khác"),
        Abroad = ("nuoc-ngoai", "Nước ngoài"),
        /// A party organization this register does not hold (the army, central bodies…).
        OutsideSystem = ("ngoai-he-thong", "Tổ chức đảng ngoài hệ thống"),
    }
);

impl Route {
    /// Whether the other side is outside the register (it answers with a return slip).
    pub fn is_outside(self) -> bool {
        !matches!(self, Route::WithinGrassroots | Route::WithinRegister)
    }
}

code_list!(
    /// Why a temporary transfer (rules.md §4 "Temporary transfer"): the length allowed differs.
    TemporaryReason, "Lý do sinh hoạt tạm thời", {
        /// Change of residence or workplace: 3 months to under 1 year.
        WorkOrResidence = ("cong-tac", "Thay đổi nơi cư trú hoặc nơi làm việc"),
        /// Full-time domestic study: 3 months to 2 years, then back to the old unit.
        Study = ("hoc-tap", "Đi học tập trung trong nước"),
    }
);

/// A temporary transfer lasts at least three months (rules.md §4).
pub const TEMPORARY_MIN_MONTHS: u32 = 3;
/// A temporary transfer for work or residence lasts under one year (rules.md §4).
pub const TEMPORARY_WORK_MONTHS_UNDER: u32 = 12;
/// A temporary transfer for study lasts at most two years (rules.md §4).
pub const TEMPORARY_STUDY_MAX_MONTHS: u32 = 24;
/// The member presents the letter within 30 working days of its date (294-QĐ/TW point 6.3.1 —
/// rules.md §4 "Reporting deadline"): the letter's validity.
pub const PRESENT_WORKING_DAYS: u32 = 30;
/// The official transfer is started within 60 working days of the decision or the change of
/// residence taking effect (294-QĐ/TW point 6.3.1 — rules.md §4 "Official transfer").
pub const START_WORKING_DAYS: u32 = 60;
/// The longest letter number, issuer, reason or return-slip text kept.
pub const MAX_SHORT: usize = 200;
pub const MAX_REASON: usize = 1000;

/// The operator's numbers: how long the receiving side has to accept or refuse once the
/// member presented the letter. Our sources do not fix it (rules.md §4); 30 working days, the
/// member's own time, is the default (docs/design/transfers.md "Deadlines").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferSettings {
    pub receiver_working_days: u32,
}

impl Default for TransferSettings {
    fn default() -> Self {
        TransferSettings { receiver_working_days: 30 }
    }
}

impl TransferSettings {
    /// Refuses a setting that would make every transfer overdue at once or never.
    pub fn check(&self) -> Result<(), String> {
        if (1..=250).contains(&self.receiver_working_days) {
            Ok(())
        } else {
            Err("receiver_working_days must lie between 1 and 250".into())
        }
    }
}

/// The introduction letter: its number in the committee's letter register (số GTSHĐ), its date,
/// and the committee that signs it (rules.md §4 "Introduction letter").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Letter {
    pub number: String,
    pub date: NaiveDate,
    /// The committee that issues it, e.g. "Đảng ủy xã Thanh Hà".
    pub issuer: String,
}

/// A transfer as the sending side issues it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferPlan {
    pub mode: TransferMode,
    /// Required for a temporary transfer, absent for an official one.
    pub temporary_reason: Option<TemporaryReason>,
    /// The unit the member leaves (their chi bộ that day), or, for a member arriving from outside
    /// the register, the organization that introduced them.
    pub from: UnitRef,
    /// The unit the letter names (a chi bộ or a committee above it that places the member), or an
    /// organization outside the register.
    pub to: UnitRef,
    pub route: Route,
    pub letter: Letter,
    /// The last day of a temporary transfer.
    pub until: Option<NaiveDate>,
    /// Why: the decision moving the member, retirement, a change of residence… (lý do, căn cứ).
    pub cause: String,
    /// The day that decision or change took effect: the official transfer starts within
    /// [`START_WORKING_DAYS`] of it.
    pub cause_on: Option<NaiveDate>,
}

/// How a transfer ended. One at most: a transfer is accepted, refused, cancelled or closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Outcome {
    /// The receiving side accepted the member into `unit` on `on` (tiếp nhận).
    Accepted { on: NaiveDate, unit: UnitId },
    /// The receiving side refused on `on`: the member is back on the sender's list as if the
    /// letter had not been issued.
    Refused { on: NaiveDate, reason: String },
    /// The sender withdrew the letter before any answer.
    Cancelled { on: NaiveDate, reason: String },
    /// The organization outside the register sent the return slip (phiếu báo đã tiếp nhận).
    Closed { on: NaiveDate, slip: String },
}

impl Outcome {
    pub fn on(&self) -> NaiveDate {
        match self {
            Outcome::Accepted { on, .. } | Outcome::Refused { on, .. } | Outcome::Cancelled { on, .. } | Outcome::Closed { on, .. } => *on,
        }
    }
}

/// A transfer with what happened to it so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transfer {
    #[serde(flatten)]
    pub plan: TransferPlan,
    /// The day the member presented the letter at the destination (the receiving side's clock
    /// starts then).
    pub presented_on: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    /// A temporary transfer: the day the member was back at home.
    pub returned_on: Option<NaiveDate>,
}

code_list!(
    /// Where a transfer stands on a day.
    TransferStage, "Tình trạng chuyển sinh hoạt", {
        /// The letter is issued; the member has not presented it yet (đang chuyển).
        Issued = ("da-cap-giay", "Đã cấp giấy giới thiệu, chưa đến nơi nhận"),
        /// The member presented the letter; the receiving side has not answered.
        Presented = ("da-nop-giay", "Đã nộp giấy, chờ nơi nhận tiếp nhận"),
        /// Official: the member is on the receiving side's list.
        Accepted = ("da-tiep-nhan", "Đã tiếp nhận"),
        /// Temporary: the member takes part in the host's activities.
        Hosted = ("dang-sinh-hoat-tam-thoi", "Đang sinh hoạt tạm thời"),
        /// Temporary: back at home.
        Returned = ("da-tro-ve", "Đã trở về sinh hoạt ở nơi cũ"),
        Refused = ("bi-tu-choi", "Nơi nhận từ chối"),
        Cancelled = ("da-huy", "Nơi chuyển đã hủy giấy giới thiệu"),
        /// The return slip from outside the register came back.
        Closed = ("da-co-phieu-bao", "Đã nhận phiếu báo của nơi nhận"),
    }
);

impl TransferStage {
    /// Whether the member is still on the way (the letter issued, no answer yet).
    pub fn pending(self) -> bool {
        matches!(self, TransferStage::Issued | TransferStage::Presented)
    }
}

code_list!(
    /// What is late about a transfer, for the worklists of both sides.
    Lateness, "Việc quá hạn", {
        /// The letter's validity ran out and the member has not presented it.
        NotPresented = ("chua-den", "Quá hạn xuất trình giấy giới thiệu, đảng viên chưa đến nơi nhận"),
        /// The member presented the letter; the receiving side has not answered in time.
        NotAnswered = ("noi-nhan-cham", "Nơi nhận chưa tiếp nhận hoặc trả lời đúng hạn"),
        /// An organization outside the register has not sent the return slip in time.
        NoReturnSlip = ("chua-co-phieu-bao", "Chưa nhận phiếu báo của nơi nhận ngoài hệ thống"),
        /// A temporary transfer ended and the member's return is not recorded.
        NotReturned = ("qua-han-tam-thoi", "Hết thời hạn sinh hoạt tạm thời, chưa ghi trở về"),
    }
);

/// A late transfer: what is late and the last day it was due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Late {
    pub kind: Lateness,
    pub due: NaiveDate,
}

/// The days a transfer is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deadlines {
    /// The letter's validity: the last day the member may present it.
    pub present_by: NaiveDate,
    /// The last day for the receiving side to answer once the letter is presented (for a
    /// transfer out of the register, for the return slip to come back after the letter's
    /// validity).
    pub answer_by: Option<NaiveDate>,
    /// The last day the official transfer should have been started, from the decision's day.
    pub start_by: Option<NaiveDate>,
}

impl TransferPlan {
    /// Whether the other side is outside the register.
    pub fn to_outside(&self) -> bool {
        matches!(self.to, UnitRef::External(_))
    }

    /// Whether the member arrives from outside the register (recorded by the receiving side).
    pub fn from_outside(&self) -> bool {
        matches!(self.from, UnitRef::External(_))
    }

    /// Checks a transfer as typed; `same_grassroots` says whether both units of the register
    /// belong to one grassroots organization (the route between two units of the register is
    /// read from the tree, not typed).
    pub fn check(&self, same_grassroots: Option<bool>) -> Result<TransferPlan, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let mut plan = self.clone();
        match (&self.from, &self.to, same_grassroots) {
            (UnitRef::Internal(_), UnitRef::Internal(_), same) => {
                plan.route = if same == Some(true) { Route::WithinGrassroots } else { Route::WithinRegister };
            }
            (UnitRef::External(_), UnitRef::External(_), _) => {
                e.push("to", "outside_both", "Ít nhất một bên phải là tổ chức đảng trong hệ thống.");
            }
            _ if !self.route.is_outside() => {
                e.push("route", "route_outside", "Chọn tổ chức ngoài hệ thống thuộc tỉnh khác, nước ngoài hay hệ thống khác.");
            }
            _ => {}
        }
        if self.from == self.to {
            e.push("to", "same_unit", "Nơi chuyển đến trùng nơi chuyển đi.");
        }
        for (field, side) in [("from", &self.from), ("to", &self.to)] {
            if let UnitRef::External(name) = side {
                match required_text(name, MAX_SHORT, "Tổ chức đảng ngoài hệ thống") {
                    Ok(n) => {
                        let n = UnitRef::External(n);
                        if field == "from" { plan.from = n } else { plan.to = n }
                    }
                    Err(err) => e.errors.push(FieldError { field: field.into(), ..err }),
                }
            }
        }
        match DecisionNumber::parse(&self.letter.number) {
            Ok(n) => plan.letter.number = n.as_str().to_owned(),
            Err(err) => e.errors.push(FieldError { field: "letter_number".into(), ..err }),
        }
        match required_text(&self.letter.issuer, MAX_SHORT, "Cấp ủy cấp giấy") {
            Ok(n) => plan.letter.issuer = n,
            Err(err) => e.errors.push(FieldError { field: "letter_issuer".into(), ..err }),
        }
        match required_lines(&self.cause, MAX_REASON, "Lý do chuyển sinh hoạt") {
            Ok(c) => plan.cause = c,
            Err(err) => e.errors.push(FieldError { field: "cause".into(), ..err }),
        }
        if self.cause_on.is_some_and(|c| c > self.letter.date) {
            e.push("cause_on", "cause_after_letter", "Ngày quyết định (hoặc thay đổi nơi ở) không thể sau ngày cấp giấy giới thiệu.");
        }
        match self.mode {
            TransferMode::Official => {
                if self.until.is_some() {
                    e.push("until", "official_until", "Chuyển sinh hoạt chính thức không có thời hạn.");
                }
                if self.temporary_reason.is_some() {
                    e.push("temporary_reason", "official_reason", "Lý do sinh hoạt tạm thời chỉ ghi cho chuyển tạm thời.");
                }
            }
            TransferMode::Temporary => check_temporary(self, &mut e),
        }
        e.into_result().map(|()| plan)
    }

    /// The days this transfer is measured against.
    pub fn deadlines(&self, presented_on: Option<NaiveDate>, calendar: &WorkCalendar, settings: TransferSettings) -> Deadlines {
        let present_by = calendar.add_working_days(self.letter.date, PRESENT_WORKING_DAYS);
        let answer_by = if self.to_outside() {
            Some(calendar.add_working_days(present_by, settings.receiver_working_days))
        } else {
            presented_on.map(|p| calendar.add_working_days(p, settings.receiver_working_days))
        };
        let start_by = match self.mode {
            TransferMode::Official => self.cause_on.map(|c| calendar.add_working_days(c, START_WORKING_DAYS)),
            TransferMode::Temporary => None,
        };
        Deadlines { present_by, answer_by, start_by }
    }

    /// Whether the letter came later than 60 working days after the decision (the member or the
    /// organization at fault reports the reason — rules.md §4).
    pub fn started_late(&self, calendar: &WorkCalendar) -> bool {
        self.deadlines(None, calendar, TransferSettings::default()).start_by.is_some_and(|s| self.letter.date > s)
    }
}

/// A temporary transfer's reason and length (rules.md §4 "Temporary transfer").
fn check_temporary(p: &TransferPlan, e: &mut ValidationErrors) {
    let Some(reason) = p.temporary_reason else {
        e.push("temporary_reason", "required", "Chọn lý do sinh hoạt tạm thời.");
        return;
    };
    let Some(until) = p.until else {
        e.push("until", "required", "Ghi ngày kết thúc sinh hoạt tạm thời.");
        return;
    };
    let start = p.letter.date;
    if until <= start || full_months_between(start, until) < TEMPORARY_MIN_MONTHS {
        e.push(
            "until",
            "too_short",
            format!("Sinh hoạt tạm thời từ 3 tháng trở lên: kết thúc từ ngày {}.", format_vn(add_months(start, TEMPORARY_MIN_MONTHS))),
        );
        return;
    }
    match reason {
        TemporaryReason::WorkOrResidence if until >= add_months(start, TEMPORARY_WORK_MONTHS_UNDER) => e.push(
            "until",
            "too_long",
            format!(
                "Thay đổi nơi ở, nơi làm việc dưới 1 năm mới sinh hoạt tạm thời: kết thúc trước ngày {}; từ 1 năm trở lên thì chuyển chính thức.",
                format_vn(add_months(start, TEMPORARY_WORK_MONTHS_UNDER))
            ),
        ),
        TemporaryReason::Study if until > add_months(start, TEMPORARY_STUDY_MAX_MONTHS) => e.push(
            "until",
            "too_long",
            format!(
                "Đi học tập trung sinh hoạt tạm thời không quá 2 năm: kết thúc chậm nhất ngày {}.",
                format_vn(add_months(start, TEMPORARY_STUDY_MAX_MONTHS))
            ),
        ),
        _ => {}
    }
}

/// What the tree says about the units of a transfer, from the caller's read model.
pub trait Tree {
    /// Whether the unit exists on the day.
    fn stands(&self, unit: UnitId, on: NaiveDate) -> bool;
    /// `unit` is `ancestor` or under it on the day.
    fn is_within(&self, unit: UnitId, ancestor: UnitId, on: NaiveDate) -> bool;
    /// The unit an ended unit became by a merge (or, for a split, the first successor).
    fn heir(&self, unit: UnitId) -> Option<UnitId>;
}

/// The unit that answers for the letter's destination on a day: the destination, or when it was
/// merged or split while the member was on the way, the unit it became (model.md "every figure as
/// of any date"; docs/design/transfers.md "A destination that merged").
pub fn answering_unit(dest: UnitId, on: NaiveDate, tree: &dyn Tree) -> Option<UnitId> {
    std::iter::successors(Some(dest), |&u| tree.heir(u)).take(32).find(|&u| tree.stands(u, on))
}

fn refusal(field: &str, code: &'static str, message: impl Into<String>) -> ValidationErrors {
    ValidationErrors::single(field, code, message)
}

impl Transfer {
    /// Where the transfer stands at the end of `on`.
    pub fn stage(&self, on: NaiveDate) -> TransferStage {
        if let Some(o) = self.outcome.as_ref().filter(|o| o.on() <= on) {
            return match o {
                Outcome::Accepted { .. } if self.plan.mode == TransferMode::Temporary => match self.returned_on {
                    Some(r) if r <= on => TransferStage::Returned,
                    _ => TransferStage::Hosted,
                },
                Outcome::Accepted { .. } => TransferStage::Accepted,
                Outcome::Refused { .. } => TransferStage::Refused,
                Outcome::Cancelled { .. } => TransferStage::Cancelled,
                Outcome::Closed { .. } => match self.returned_on {
                    Some(r) if r <= on && self.plan.mode == TransferMode::Temporary => TransferStage::Returned,
                    _ => TransferStage::Closed,
                },
            };
        }
        match self.presented_on {
            Some(p) if p <= on => TransferStage::Presented,
            _ => TransferStage::Issued,
        }
    }

    /// What is late on `today`, if anything.
    pub fn late(&self, calendar: &WorkCalendar, settings: TransferSettings, today: NaiveDate) -> Option<Late> {
        let d = self.plan.deadlines(self.presented_on, calendar, settings);
        let late = |kind, due: NaiveDate| (today > due).then_some(Late { kind, due });
        match self.stage(today) {
            TransferStage::Issued if self.plan.to_outside() => late(Lateness::NoReturnSlip, d.answer_by?),
            TransferStage::Issued => late(Lateness::NotPresented, d.present_by),
            TransferStage::Presented => late(Lateness::NotAnswered, d.answer_by?),
            TransferStage::Hosted | TransferStage::Closed if self.plan.mode == TransferMode::Temporary => {
                late(Lateness::NotReturned, self.plan.until?)
            }
            _ => None,
        }
    }

    fn pending_check(&self, field: &str) -> Result<(), ValidationErrors> {
        match &self.outcome {
            None => Ok(()),
            Some(o) => Err(refusal(field, "answered", format!("Giấy giới thiệu này đã được xử lý ngày {}.", format_vn(o.on())))),
        }
    }

    fn after_letter(&self, on: NaiveDate, field: &str) -> Result<(), ValidationErrors> {
        let earliest = self.presented_on.unwrap_or(self.plan.letter.date);
        if on < earliest {
            return Err(refusal(field, "before_letter", format!("Ngày này không thể trước ngày {}.", format_vn(earliest))));
        }
        Ok(())
    }

    /// The member presented the letter at the destination on `on`.
    pub fn check_present(&self, on: NaiveDate) -> Result<(), ValidationErrors> {
        self.pending_check("presented_on")?;
        if self.plan.to_outside() {
            return Err(refusal("presented_on", "outside", "Nơi nhận ngoài hệ thống: ghi phiếu báo khi nhận được."));
        }
        if self.presented_on.is_some() {
            return Err(refusal("presented_on", "presented", "Đã ghi ngày đảng viên nộp giấy giới thiệu."));
        }
        self.after_letter(on, "presented_on")
    }

    /// The receiving side accepts the member into `unit` on `on`: a unit within the letter's
    /// destination, or within the unit the destination became ([`answering_unit`]).
    pub fn check_accept(&self, unit: UnitId, on: NaiveDate, tree: &dyn Tree) -> Result<(), ValidationErrors> {
        self.pending_check("on")?;
        self.after_letter(on, "on")?;
        let UnitRef::Internal(dest) = self.plan.to else {
            return Err(refusal("on", "outside", "Nơi nhận ngoài hệ thống: ghi phiếu báo khi nhận được."));
        };
        if !tree.stands(unit, on) {
            return Err(refusal("unit", "unit_not_standing", "Chi bộ tiếp nhận không tồn tại vào ngày này."));
        }
        let answering = answering_unit(dest, on, tree);
        if !answering.is_some_and(|a| tree.is_within(unit, a, on)) {
            return Err(refusal(
                "unit",
                "wrong_destination",
                "Chi bộ tiếp nhận không thuộc tổ chức ghi trong giấy giới thiệu (hoặc tổ chức kế tiếp sau sắp xếp).",
            ));
        }
        Ok(())
    }

    /// The receiving side refuses on `on`, with a reason.
    pub fn check_refuse(&self, on: NaiveDate, reason: &str) -> Result<String, ValidationErrors> {
        self.pending_check("on")?;
        if self.plan.to_outside() {
            return Err(refusal("on", "outside", "Nơi nhận ngoài hệ thống: nơi chuyển hủy giấy nếu đảng viên không đến."));
        }
        self.after_letter(on, "on")?;
        required_lines(reason, MAX_REASON, "Lý do từ chối")
            .map_err(|e| ValidationErrors { errors: vec![FieldError { field: "reason".into(), ..e }] })
    }

    /// The sender withdraws the letter on `on`, with a reason, before any answer.
    pub fn check_cancel(&self, on: NaiveDate, reason: &str) -> Result<String, ValidationErrors> {
        self.pending_check("on")?;
        if on < self.plan.letter.date {
            return Err(refusal("on", "before_letter", format!("Ngày này không thể trước ngày {}.", format_vn(self.plan.letter.date))));
        }
        required_lines(reason, MAX_REASON, "Lý do hủy")
            .map_err(|e| ValidationErrors { errors: vec![FieldError { field: "reason".into(), ..e }] })
    }

    /// The return slip of an organization outside the register came back on `on`.
    pub fn check_close(&self, on: NaiveDate, slip: &str) -> Result<String, ValidationErrors> {
        self.pending_check("on")?;
        if !self.plan.to_outside() {
            return Err(refusal("on", "inside", "Nơi nhận trong hệ thống tự ghi tiếp nhận."));
        }
        self.after_letter(on, "on")?;
        required_text(slip, MAX_SHORT, "Phiếu báo").map_err(|e| ValidationErrors { errors: vec![FieldError { field: "slip".into(), ..e }] })
    }

    /// A temporary transfer's member is back at home on `on`.
    pub fn check_return(&self, on: NaiveDate) -> Result<(), ValidationErrors> {
        if self.plan.mode != TransferMode::Temporary {
            return Err(refusal("on", "official", "Chỉ chuyển sinh hoạt tạm thời mới có ngày trở về."));
        }
        match &self.outcome {
            Some(Outcome::Accepted { on: a, .. } | Outcome::Closed { on: a, .. }) if self.returned_on.is_none() => {
                if on < *a {
                    return Err(refusal("on", "before_accepted", format!("Ngày trở về không thể trước ngày {}.", format_vn(*a))));
                }
                Ok(())
            }
            _ if self.returned_on.is_some() => Err(refusal("on", "returned", "Đã ghi ngày trở về.")),
            _ => Err(refusal("on", "not_hosted", "Nơi nhận chưa tiếp nhận sinh hoạt tạm thời.")),
        }
    }
}

/// The counts of a unit's transfer book (sổ theo dõi chuyển sinh hoạt) over a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookCounts {
    /// Letters the unit's side issued in the period.
    pub sent: u64,
    /// Members the unit's side accepted in the period (arrivals from outside included).
    pub received: u64,
    /// Letters of either side still pending at the period's end.
    pub in_transit: u64,
    /// Refusals in the period, by either side.
    pub refused: u64,
    /// Letters cancelled in the period.
    pub cancelled: u64,
    /// Temporary transfers whose member is hosted at the period's end (here or elsewhere).
    pub temporary: u64,
}

code_list!(
    /// A line of the transfer book, each drillable to the transfers behind it.
    BookLine, "Dòng sổ chuyển sinh hoạt", {
        Sent = ("chuyen-di", "Chuyển đi"),
        Received = ("tiep-nhan", "Tiếp nhận"),
        InTransit = ("dang-chuyen", "Đang chuyển (cuối kỳ)"),
        Refused = ("tu-choi", "Bị từ chối"),
        Cancelled = ("huy", "Đã hủy"),
        Temporary = ("tam-thoi", "Sinh hoạt tạm thời (cuối kỳ)"),
    }
);

/// Which side of a transfer a unit's book reads it from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sides {
    pub sending: bool,
    pub receiving: bool,
}

impl Transfer {
    /// Whether the transfer falls on `line` of a book over `[first, last]` kept by a unit on the
    /// `sides` given. Sent and refused count the sender's letters; received counts acceptances
    /// on the receiving side; in transit and temporary are read at the period's end.
    pub fn on_line(&self, line: BookLine, sides: Sides, first: NaiveDate, last: NaiveDate) -> bool {
        let within = |d: NaiveDate| first <= d && d <= last;
        let outcome_in = |pred: fn(&Outcome) -> bool| self.outcome.as_ref().is_some_and(|o| pred(o) && within(o.on()));
        match line {
            BookLine::Sent => sides.sending && !self.plan.from_outside() && within(self.plan.letter.date),
            BookLine::Received => sides.receiving && outcome_in(|o| matches!(o, Outcome::Accepted { .. })),
            BookLine::InTransit => self.plan.letter.date <= last && self.stage(last).pending(),
            BookLine::Refused => outcome_in(|o| matches!(o, Outcome::Refused { .. })),
            BookLine::Cancelled => outcome_in(|o| matches!(o, Outcome::Cancelled { .. })),
            BookLine::Temporary => {
                self.plan.mode == TransferMode::Temporary && matches!(self.stage(last), TransferStage::Hosted | TransferStage::Closed)
            }
        }
    }
}

impl BookCounts {
    pub fn add(&mut self, t: &Transfer, sides: Sides, first: NaiveDate, last: NaiveDate) {
        for line in BookLine::ALL {
            if t.on_line(*line, sides, first, last) {
                *self.line_mut(*line) += 1;
            }
        }
    }

    pub fn line(&self, line: BookLine) -> u64 {
        match line {
            BookLine::Sent => self.sent,
            BookLine::Received => self.received,
            BookLine::InTransit => self.in_transit,
            BookLine::Refused => self.refused,
            BookLine::Cancelled => self.cancelled,
            BookLine::Temporary => self.temporary,
        }
    }

    fn line_mut(&mut self, line: BookLine) -> &mut u64 {
        match line {
            BookLine::Sent => &mut self.sent,
            BookLine::Received => &mut self.received,
            BookLine::InTransit => &mut self.in_transit,
            BookLine::Refused => &mut self.refused,
            BookLine::Cancelled => &mut self.cancelled,
            BookLine::Temporary => &mut self.temporary,
        }
    }
}

#[cfg(test)]
mod tests;
