//! Membership events: dated facts with a legal basis (model.md "Members and their history").
//!
//! Events are append-only. A wrong event is never edited: a *correction* is recorded that points
//! at it, with a reason, and either replaces its content or voids it; the original stays visible.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::code_list;
use crate::dates::parse_date;
use crate::error::{FieldError, ValidationErrors};
use crate::ids::{DecisionNumber, EventId, UnitId};
use crate::member::parse_yes_no;
use crate::pipeline::{CandidateSource, TargetGroup};
use crate::text;
use crate::unit::LegalBasis;

/// A unit inside this register, or an organization outside it named in words (a member's history
/// before arriving from another province, or the destination of a transfer out of the province).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UnitRef {
    Internal(UnitId),
    External(String),
}

impl UnitRef {
    pub fn internal(&self) -> Option<UnitId> {
        match self {
            UnitRef::Internal(id) => Some(*id),
            UnitRef::External(_) => None,
        }
    }
}

/// Who introduced an admitted member (nguồn giới thiệu) and which sub-target the admission counts
/// towards: a case's admission takes both from the case; an admission typed in a record or
/// imported carries them itself, so the admission report's breakdowns leave nobody out. Either may
/// be unknown (docs/design/admission.md "Admission report over any period").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdmissionOrigin {
    #[serde(default)]
    pub source: Option<CandidateSource>,
    #[serde(default)]
    pub target_group: Option<TargetGroup>,
}

impl AdmissionOrigin {
    /// Fills what this origin leaves unknown from `other`.
    pub fn or(self, other: AdmissionOrigin) -> AdmissionOrigin {
        AdmissionOrigin { source: self.source.or(other.source), target_group: self.target_group.or(other.target_group) }
    }
}

code_list!(
    /// Hình thức chuyển sinh hoạt đảng (rules.md §4).
    TransferMode, "Hình thức chuyển sinh hoạt", {
        Official = ("chinh-thuc", "Chính thức"),
        Temporary = ("tam-thoi", "Tạm thời"),
    }
);

code_list!(
    /// Lý do xóa tên (24-QĐ/TW point 8.1, kept by 232 and 294 — rules.md §5.1; and §3 for a
    /// probationary member who does not qualify for recognition).
    StrikeOffReason, "Lý do xóa tên", {
        AbandonedActivities = ("bo-sinh-hoat", "Bỏ sinh hoạt đảng ba tháng trong năm không có lý do chính đáng"),
        UnpaidDues = ("khong-dong-dang-phi", "Không đóng đảng phí ba tháng trong năm không có lý do chính đáng"),
        ReturnedCard = ("tra-the", "Tự trả thẻ đảng viên hoặc tự hủy thẻ đảng viên"),
        DecliningWill = ("giam-sut-y-chi", "Giảm sút ý chí phấn đấu, đã giáo dục 12 tháng không tiến bộ"),
        ViolatedTwoYears = ("vi-pham-tu-cach", "Hai năm liền vi phạm tư cách đảng viên"),
        PoliticalStandard = ("tieu-chuan-chinh-tri", "Không bảo đảm tiêu chuẩn chính trị"),
        ProbationNotQualified = ("du-bi-khong-du-tu-cach", "Đảng viên dự bị không đủ tư cách công nhận chính thức"),
        Other = ("khac", "Lý do khác"),
    }
);

code_list!(
    /// The kind of an event, as stored and sent by the API.
    EventKindCode, "Loại sự kiện", {
        Admitted = ("ket-nap", "Kết nạp"),
        Ceremony = ("le-ket-nap", "Lễ kết nạp"),
        RecognizedOfficial = ("cong-nhan-chinh-thuc", "Công nhận đảng viên chính thức"),
        TransferredOut = ("chuyen-di", "Chuyển sinh hoạt đi"),
        TransferredIn = ("chuyen-den", "Tiếp nhận sinh hoạt"),
        Reassigned = ("dieu-chuyen", "Điều chuyển nội bộ, sắp xếp tổ chức"),
        Exempted = ("mien-sinh-hoat", "Miễn công tác và sinh hoạt đảng"),
        ExemptionEnded = ("thoi-mien", "Thôi miễn công tác và sinh hoạt đảng"),
        StruckOff = ("xoa-ten", "Xóa tên"),
        Exited = ("ra-khoi-dang", "Ra khỏi Đảng"),
        Expelled = ("khai-tru", "Khai trừ"),
        Died = ("tu-tran", "Từ trần"),
        Readmitted = ("ket-nap-lai", "Kết nạp lại"),
    }
);

/// What happened. Units named by an event must exist on its effective date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EventKind {
    /// Kết nạp: the decision date starts party age (rules.md §3 "Party age").
    Admitted {
        unit: UnitRef,
        #[serde(default)]
        origin: AdmissionOrigin,
    },
    /// Lễ kết nạp: the chi bộ holds the admission ceremony, usually weeks after the decision.
    /// Probation runs 12 months from this day (Charter art. 5 §1: "tính từ ngày chi bộ tổ chức lễ
    /// kết nạp" — rules.md §3); the basis is the chi bộ's record of the ceremony.
    Ceremony,
    /// Công nhận chính thức, effective the day the 12 months of probation end (rules.md §3).
    RecognizedOfficial,
    /// Chuyển sinh hoạt đi: `from` must be the member's unit that day.
    TransferredOut {
        mode: TransferMode,
        from: UnitId,
        to: UnitRef,
    },
    /// Tiếp nhận sinh hoạt (into `unit`; for a temporary transfer back into the home chi bộ, the return).
    TransferredIn {
        mode: TransferMode,
        unit: UnitId,
    },
    /// Moved to another chi bộ by a decision of the committee or by a reorganization of units.
    Reassigned {
        to: UnitId,
    },
    Exempted,
    ExemptionEnded,
    StruckOff {
        reason: StrikeOffReason,
    },
    /// Xin ra khỏi Đảng; `difficult_family` records the one case where readmission stays possible
    /// (294-QĐ/TW point 3.5).
    Exited {
        difficult_family: bool,
    },
    Expelled,
    Died,
    /// Kết nạp lại, by a unit of the register or one outside it (another province, before the
    /// register was kept): then the member arrives by a transfer in.
    Readmitted {
        unit: UnitRef,
        #[serde(default)]
        origin: AdmissionOrigin,
    },
}

impl EventKind {
    pub fn code(&self) -> EventKindCode {
        match self {
            EventKind::Admitted { .. } => EventKindCode::Admitted,
            EventKind::Ceremony => EventKindCode::Ceremony,
            EventKind::RecognizedOfficial => EventKindCode::RecognizedOfficial,
            EventKind::TransferredOut { .. } => EventKindCode::TransferredOut,
            EventKind::TransferredIn { .. } => EventKindCode::TransferredIn,
            EventKind::Reassigned { .. } => EventKindCode::Reassigned,
            EventKind::Exempted => EventKindCode::Exempted,
            EventKind::ExemptionEnded => EventKindCode::ExemptionEnded,
            EventKind::StruckOff { .. } => EventKindCode::StruckOff,
            EventKind::Exited { .. } => EventKindCode::Exited,
            EventKind::Expelled => EventKindCode::Expelled,
            EventKind::Died => EventKindCode::Died,
            EventKind::Readmitted { .. } => EventKindCode::Readmitted,
        }
    }

    /// Who introduced the member and which sub-target counts the admission, for an admission or
    /// a readmission (`None` for any other event).
    pub fn origin(&self) -> Option<AdmissionOrigin> {
        match self {
            EventKind::Admitted { origin, .. } | EventKind::Readmitted { origin, .. } => Some(*origin),
            _ => None,
        }
    }

    /// Every internal unit the event names.
    pub fn units(&self) -> Vec<UnitId> {
        match self {
            EventKind::TransferredOut { from, to, .. } => std::iter::once(*from).chain(to.internal()).collect(),
            EventKind::Admitted { unit, .. } | EventKind::Readmitted { unit, .. } => unit.internal().into_iter().collect(),
            EventKind::TransferredIn { unit, .. } => vec![*unit],
            EventKind::Reassigned { to } => vec![*to],
            _ => Vec::new(),
        }
    }

    /// The internal units the event places the member in or takes them from, with the input
    /// field naming each: whoever records the event must have them in their scope. The
    /// destination of a transfer out is not one of them: it never places the member there (the
    /// member is in transit until the receiving side records the acceptance).
    pub fn units_acted_on(&self) -> Vec<NamedUnit> {
        let named = |field: &'static str, unit: UnitId| NamedUnit { field, unit };
        match self {
            EventKind::Admitted { unit, .. } => unit.internal().map(|u| named("unit_id", u)).into_iter().collect(),
            EventKind::TransferredOut { from, .. } => vec![named("unit_id", *from)],
            EventKind::Readmitted { unit, .. } => unit.internal().map(|u| named("unit_id", u)).into_iter().collect(),
            EventKind::TransferredIn { unit, .. } => vec![named("unit_id", *unit)],
            EventKind::Reassigned { to } => vec![named("to_unit_id", *to)],
            _ => Vec::new(),
        }
    }
}

/// A unit an input names, with the field that names it (for field errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NamedUnit {
    pub field: &'static str,
    pub unit: UnitId,
}

/// The content of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventData {
    #[serde(flatten)]
    pub kind: EventKind,
    /// Ngày có hiệu lực.
    pub effective: NaiveDate,
    /// Căn cứ: required for every kind but a death.
    pub basis: Option<LegalBasis>,
    pub note: Option<String>,
}

/// What a stored row says: an event, or (for a correction) the voiding of its target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Entry {
    Event(EventData),
    Void,
}

/// An event as stored: its content, whether it corrects an earlier one, and who recorded it when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordedEvent {
    pub id: EventId,
    pub entry: Entry,
    /// Set on a correction: the original event it replaces or voids.
    pub corrects: Option<EventId>,
    pub correction_reason: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

/// An event as typed into the form or sent to the API; parsed with every problem collected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventInput {
    /// One of the [`EventKindCode`] codes.
    pub kind: String,
    /// dd/mm/yyyy or yyyy-mm-dd; for an admission it defaults to the decision date.
    pub effective_date: String,
    /// The unit of an admission, transfer in, readmission, or the origin of a transfer out.
    pub unit_id: String,
    /// Destination of a transfer out (inside the register) or of a reassignment.
    pub to_unit_id: String,
    /// An organization outside the register: where the member was admitted or readmitted, or where a transfer out goes.
    pub external_unit: String,
    pub mode: String,
    pub reason: String,
    pub difficult_family: String,
    /// Of an admission or readmission: who introduced the member ([`CandidateSource`] code; empty: unknown).
    pub source: String,
    /// Of an admission or readmission: the sub-target group ([`TargetGroup`] code; empty: none known).
    pub target_group: String,
    pub decision_number: String,
    pub decision_date: String,
    pub issuer: String,
    pub note: String,
}

/// The Party was founded on 3 February 1930: no membership event is older.
pub fn party_founding() -> NaiveDate {
    NaiveDate::from_ymd_opt(1930, 2, 3).unwrap_or(NaiveDate::MIN)
}

impl EventInput {
    /// Parses the input; `today` refuses events dated in the future (events are recorded after
    /// they happen).
    pub fn parse(&self, today: NaiveDate) -> Result<EventData, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let Some(code) = e.take("kind", EventKindCode::parse(&self.kind)) else {
            return Err(e);
        };
        let decision_date = opt_date(&mut e, "decision_date", &self.decision_date);
        let mut effective = opt_date(&mut e, "effective_date", &self.effective_date);
        if matches!(code, EventKindCode::Admitted | EventKindCode::Readmitted) {
            // The admission takes effect on the day the decision is signed (rules.md §3 "Party age").
            match (effective, decision_date) {
                (None, Some(dd)) => effective = Some(dd),
                (Some(ef), Some(dd)) if ef != dd => {
                    e.push("effective_date", "mismatch", "Ngày kết nạp là ngày ký quyết định kết nạp (tuổi đảng tính từ ngày này).")
                }
                _ => {}
            }
        }
        if effective.is_none() && !e.errors.iter().any(|x| x.field == "effective_date") {
            e.push("effective_date", "required", "Nhập ngày có hiệu lực.");
        }
        if let Some(ef) = effective {
            if ef < party_founding() {
                e.push("effective_date", "out_of_range", "Ngày trước ngày thành lập Đảng (03/02/1930).");
            } else if ef > today {
                e.push("effective_date", "in_future", "Ngày có hiệu lực không được sau hôm nay.");
            }
        }
        let basis = self.parse_basis(&mut e, code, decision_date, today);
        let note = e.take("note", text::optional_lines(&self.note, 1000, "Ghi chú")).flatten();
        let kind = self.parse_kind(&mut e, code);
        match (kind, effective) {
            (Some(kind), Some(effective)) if e.is_empty() => Ok(EventData { kind, effective, basis, note }),
            _ => Err(e),
        }
    }

    fn parse_basis(
        &self,
        e: &mut ValidationErrors,
        code: EventKindCode,
        decision_date: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Option<LegalBasis> {
        let any = !(self.decision_number.trim().is_empty() && self.decision_date.trim().is_empty() && self.issuer.trim().is_empty());
        // A death needs no document; the ceremony's record (biên bản) often carries no number.
        if !any && matches!(code, EventKindCode::Died | EventKindCode::Ceremony) {
            return None;
        }
        let number = e.take("decision_number", DecisionNumber::parse(&self.decision_number));
        if decision_date.is_none() && self.decision_date.trim().is_empty() {
            e.push("decision_date", "required", "Nhập ngày của văn bản.");
        }
        if let Some(dd) = decision_date
            && dd > today
        {
            e.push("decision_date", "in_future", "Ngày văn bản không được sau hôm nay.");
        }
        let issuer = e.take("issuer", text::required_text(&self.issuer, 200, "Cơ quan ban hành"));
        Some(LegalBasis { number: number?, date: decision_date?, issuer: issuer? })
    }

    fn parse_kind(&self, e: &mut ValidationErrors, code: EventKindCode) -> Option<EventKind> {
        let unit = |e: &mut ValidationErrors, field: &str, raw: &str| -> Option<UnitId> {
            if raw.trim().is_empty() {
                e.push(field, "required", "Chọn tổ chức đảng.");
                return None;
            }
            e.take(field, parse_unit_id(raw))
        };
        // `None`: a name was typed and refused (its own error is reported, nothing else is asked
        // of that field); `Some(None)`: no name.
        let external = e.take("external_unit", text::optional_text(&self.external_unit, 300, "Tên tổ chức ngoài hệ thống"));
        let origin = |e: &mut ValidationErrors| -> Option<AdmissionOrigin> {
            let source = optional_code(e, "source", &self.source, CandidateSource::parse);
            let target_group = optional_code(e, "target_group", &self.target_group, TargetGroup::parse);
            Some(AdmissionOrigin { source: source?, target_group: target_group? })
        };
        Some(match code {
            EventKindCode::Admitted => {
                let origin = origin(e);
                let unit = match external {
                    Some(Some(name)) if self.unit_id.trim().is_empty() => UnitRef::External(name),
                    None if self.unit_id.trim().is_empty() => return None,
                    _ => UnitRef::Internal(unit(e, "unit_id", &self.unit_id)?),
                };
                EventKind::Admitted { unit, origin: origin? }
            }
            EventKindCode::RecognizedOfficial => EventKind::RecognizedOfficial,
            EventKindCode::Ceremony => EventKind::Ceremony,
            EventKindCode::TransferredOut => {
                let mode = e.take("mode", TransferMode::parse(&self.mode));
                let from = unit(e, "unit_id", &self.unit_id);
                let to = match external {
                    Some(Some(name)) if self.to_unit_id.trim().is_empty() => Some(UnitRef::External(name)),
                    None if self.to_unit_id.trim().is_empty() => None,
                    _ => unit(e, "to_unit_id", &self.to_unit_id).map(UnitRef::Internal),
                };
                EventKind::TransferredOut { mode: mode?, from: from?, to: to? }
            }
            EventKindCode::TransferredIn => {
                let mode = e.take("mode", TransferMode::parse(&self.mode));
                let u = unit(e, "unit_id", &self.unit_id);
                EventKind::TransferredIn { mode: mode?, unit: u? }
            }
            EventKindCode::Reassigned => EventKind::Reassigned { to: unit(e, "to_unit_id", &self.to_unit_id)? },
            EventKindCode::Exempted => EventKind::Exempted,
            EventKindCode::ExemptionEnded => EventKind::ExemptionEnded,
            EventKindCode::StruckOff => EventKind::StruckOff { reason: e.take("reason", StrikeOffReason::parse(&self.reason))? },
            EventKindCode::Exited => {
                EventKind::Exited { difficult_family: e.take("difficult_family", parse_yes_no(&self.difficult_family))? }
            }
            EventKindCode::Expelled => EventKind::Expelled,
            EventKindCode::Died => EventKind::Died,
            EventKindCode::Readmitted => {
                let origin = origin(e);
                let unit = match external {
                    Some(Some(name)) if self.unit_id.trim().is_empty() => UnitRef::External(name),
                    None if self.unit_id.trim().is_empty() => return None,
                    _ => UnitRef::Internal(unit(e, "unit_id", &self.unit_id)?),
                };
                EventKind::Readmitted { unit, origin: origin? }
            }
        })
    }
}

/// A code of a closed list that may be left empty: `Some(None)` when empty, `None` when refused.
fn optional_code<T>(e: &mut ValidationErrors, field: &str, raw: &str, parse: fn(&str) -> Result<T, FieldError>) -> Option<Option<T>> {
    if raw.trim().is_empty() {
        return Some(None);
    }
    e.take(field, parse(raw)).map(Some)
}

fn opt_date(e: &mut ValidationErrors, field: &str, raw: &str) -> Option<NaiveDate> {
    if raw.trim().is_empty() {
        return None;
    }
    e.take(field, parse_date(raw))
}

/// Parses a unit id typed or selected in a form.
pub fn parse_unit_id(raw: &str) -> Result<UnitId, FieldError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .map(UnitId)
        .ok_or_else(|| FieldError::new("", "invalid_format", "Mã số tổ chức không hợp lệ."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn basis() -> EventInput {
        EventInput {
            decision_number: "12-QĐ/ĐU".into(),
            decision_date: "10/03/2020".into(),
            issuer: "Đảng ủy phường".into(),
            ..Default::default()
        }
    }

    #[test]
    fn admission_takes_the_decision_date() {
        let ev = EventInput { kind: "ket-nap".into(), unit_id: "7".into(), ..basis() }.parse(today()).unwrap();
        assert_eq!(ev.effective, NaiveDate::from_ymd_opt(2020, 3, 10).unwrap());
        assert_eq!(ev.kind, EventKind::Admitted { unit: UnitRef::Internal(UnitId(7)), origin: Default::default() });
        let bad = EventInput { kind: "ket-nap".into(), unit_id: "7".into(), effective_date: "11/03/2020".into(), ..basis() };
        assert_eq!(bad.parse(today()).unwrap_err().errors[0].code, "mismatch");
    }

    #[test]
    fn basis_is_required_except_for_death() {
        let e =
            EventInput { kind: "xoa-ten".into(), reason: "bo-sinh-hoat".into(), effective_date: "1/1/2024".into(), ..Default::default() }
                .parse(today())
                .unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, vec!["decision_number", "decision_date", "issuer"]);
        let died = EventInput { kind: "tu-tran".into(), effective_date: "1/1/2024".into(), ..Default::default() }.parse(today()).unwrap();
        assert_eq!(died.basis, None);
    }

    #[test]
    fn future_and_prehistoric_dates_are_refused() {
        let f = EventInput { kind: "tu-tran".into(), effective_date: "26/11/2026".into(), ..Default::default() };
        assert_eq!(f.parse(today()).unwrap_err().errors[0].code, "in_future");
        let p = EventInput { kind: "tu-tran".into(), effective_date: "1/1/1929".into(), ..Default::default() };
        assert_eq!(p.parse(today()).unwrap_err().errors[0].code, "out_of_range");
    }

    #[test]
    fn transfer_out_to_outside_the_register() {
        let ev = EventInput {
            kind: "chuyen-di".into(),
            mode: "chinh-thuc".into(),
            unit_id: "5".into(),
            external_unit: "Đảng bộ tỉnh Lào Cai".into(),
            effective_date: "15/03/2020".into(),
            ..basis()
        }
        .parse(today())
        .unwrap();
        assert_eq!(
            ev.kind,
            EventKind::TransferredOut {
                mode: TransferMode::Official,
                from: UnitId(5),
                to: UnitRef::External("Đảng bộ tỉnh Lào Cai".into())
            }
        );
        let missing = EventInput { kind: "chuyen-di".into(), effective_date: "15/03/2020".into(), ..basis() };
        let fields: Vec<String> = missing.parse(today()).unwrap_err().errors.into_iter().map(|x| x.field).collect();
        assert_eq!(fields, vec!["mode", "unit_id", "to_unit_id"]);
    }

    #[test]
    fn an_invalid_external_name_reports_only_its_own_error() {
        let long = "Đ".repeat(301);
        let admitted = EventInput { kind: "ket-nap".into(), external_unit: long.clone(), ..basis() };
        let errors = admitted.parse(today()).unwrap_err().errors;
        let found: Vec<(&str, &str)> = errors.iter().map(|x| (x.field.as_str(), x.code)).collect();
        assert_eq!(found, vec![("external_unit", "too_long")]);
        let out = EventInput {
            kind: "chuyen-di".into(),
            mode: "chinh-thuc".into(),
            unit_id: "5".into(),
            external_unit: long,
            effective_date: "15/03/2020".into(),
            ..basis()
        };
        let errors = out.parse(today()).unwrap_err().errors;
        let found: Vec<(&str, &str)> = errors.iter().map(|x| (x.field.as_str(), x.code)).collect();
        assert_eq!(found, vec![("external_unit", "too_long")]);
        // A unit chosen in the list still counts alongside a refused name: only the name's error.
        let both = EventInput { kind: "ket-nap".into(), unit_id: "7".into(), external_unit: "Đ".repeat(301), ..basis() };
        let fields: Vec<String> = both.parse(today()).unwrap_err().errors.into_iter().map(|x| x.field).collect();
        assert_eq!(fields, vec!["external_unit"]);
    }

    #[test]
    fn unknown_kind() {
        assert_eq!(EventInput { kind: "bay".into(), ..Default::default() }.parse(today()).unwrap_err().errors[0].field, "kind");
    }
}
