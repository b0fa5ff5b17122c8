//! Form fields shared by the member, edit, event and correction forms: how each field is shown
//! (label, control, kept value, inline error) and how form values become domain inputs; and how a
//! use case's refusal comes back to the form ([`refusal`]).

use axum::http::StatusCode;
use domain::ValidationErrors;
use domain::event::{EventData, EventInput, EventKind, UnitRef};
use domain::member::{
    AcademicTitle, Ethnicity, ForeignLanguageLevel, Gender, GeneralEducation, IdentityInput, ItLevel, OccupationGroup, PoliticalTheory,
    Professional, ProfileInput, Religion,
};
use storage::StoreError;

use crate::error::AppError;

/// The message for a write sent without the version it was read at (optimistic concurrency).
pub const VERSION_REQUIRED: &str = "Thiếu phiên bản của bản ghi (version).";

/// One option of a select.
#[derive(Debug, Clone)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One labelled form control with its typed value and its error.
#[derive(Debug, Clone)]
pub struct Field {
    /// The form field name (and the `ValidationErrors` field its error comes under).
    pub name: String,
    pub label: &'static str,
    /// `text`, `date`, `select`, `checkbox`, `checks` (several of one name), `textarea` or `unit`
    /// (the organization picker).
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<Opt>,
    pub error: Option<String>,
    pub hint: Option<&'static str>,
    pub required: bool,
}

impl Field {
    pub fn text(name: impl Into<String>, label: &'static str, value: &str) -> Field {
        Field {
            name: name.into(),
            label,
            kind: "text",
            value: value.to_owned(),
            options: Vec::new(),
            error: None,
            hint: None,
            required: false,
        }
    }

    pub fn date(name: impl Into<String>, label: &'static str, value: &str) -> Field {
        Field {
            kind: "date",
            hint: Some("Ngày/tháng/năm, ví dụ 02/09/2025; cũng nhận 2/9/2025, 02.09.2025, 02-09-2025."),
            ..Field::text(name, label, value)
        }
    }

    pub fn textarea(name: impl Into<String>, label: &'static str, value: &str) -> Field {
        Field { kind: "textarea", ..Field::text(name, label, value) }
    }

    pub fn checkbox(name: impl Into<String>, label: &'static str, value: &str) -> Field {
        Field { kind: "checkbox", ..Field::text(name, label, value) }
    }

    /// A select over `(code, label)` pairs; `blank` adds an empty first option with that text.
    pub fn select<'a>(
        name: impl Into<String>,
        label: &'static str,
        value: &str,
        blank: Option<&str>,
        items: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Field {
        let current = value.trim();
        let mut options: Vec<Opt> =
            blank.map(|b| Opt { value: String::new(), label: b.to_owned(), selected: current.is_empty() }).into_iter().collect();
        options.extend(items.into_iter().map(|(v, l)| Opt { value: v.to_owned(), label: l.to_owned(), selected: v == current }));
        Field { kind: "select", options, ..Field::text(name, label, value) }
    }

    /// Several checkboxes of one name over `(code, label)` pairs, `ticked` those checked.
    pub fn checks<'a>(
        name: impl Into<String>,
        label: &'static str,
        ticked: &[String],
        items: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Field {
        let options = items
            .into_iter()
            .map(|(v, l)| Opt { value: v.to_owned(), label: l.to_owned(), selected: ticked.iter().any(|t| t == v) })
            .collect();
        Field { kind: "checks", options, ..Field::text(name, label, "") }
    }

    /// A unit: the organization picker ([`crate::picker`]); `value` is the chosen unit's id.
    pub fn unit(name: impl Into<String>, label: &'static str, value: &str) -> Field {
        Field {
            kind: "unit",
            hint: Some("Gõ tên (có dấu hoặc không) hoặc mã tổ chức, rồi chọn trong danh sách gợi ý."),
            ..Field::text(name, label, value)
        }
    }

    /// How a unit field is drawn: the chosen unit in words, its id, the candidates after an
    /// ambiguous text.
    pub fn picker(&self) -> crate::picker::PickerView {
        crate::picker::view(&self.name, &self.value)
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn hint(mut self, hint: &'static str) -> Field {
        self.hint = Some(hint);
        self
    }

    /// The HTML id of the control.
    pub fn id(&self) -> String {
        format!("f-{}", self.name)
    }

    /// Whether a checkbox is ticked.
    pub fn checked(&self) -> bool {
        domain::member::parse_yes_no(&self.value).unwrap_or(false)
    }
}

/// A group of fields under a legend.
#[derive(Debug, Clone)]
pub struct Section {
    pub legend: &'static str,
    pub note: Option<&'static str>,
    pub fields: Vec<Field>,
}

impl Section {
    pub fn new(legend: &'static str, fields: Vec<Field>) -> Section {
        Section { legend, note: None, fields }
    }

    pub fn note(mut self, note: &'static str) -> Section {
        self.note = Some(note);
        self
    }
}

/// One line of the error summary at the top of a form: the message, and the field to jump to.
#[derive(Debug, Clone)]
pub struct SummaryItem {
    pub label: String,
    pub message: String,
    pub anchor: Option<String>,
}

/// Puts each error under its field and returns the summary (every error, in order).
pub fn attach_errors(sections: &mut [Section], errors: &ValidationErrors) -> Vec<SummaryItem> {
    let mut summary = Vec::new();
    for e in &errors.errors {
        let field = sections.iter_mut().flat_map(|s| s.fields.iter_mut()).find(|f| f.name == e.field);
        // A unit field whose typed text named no single unit says why, rather than the parser.
        let message = crate::picker::error(&e.field).unwrap_or_else(|| e.message.clone());
        match field {
            Some(f) => {
                if f.error.is_none() {
                    f.error = Some(message.clone());
                }
                summary.push(SummaryItem { label: f.label.to_owned(), message, anchor: Some(f.id()) });
            }
            None => summary.push(SummaryItem { label: String::new(), message, anchor: None }),
        }
    }
    summary
}

/// Why a use case refused what a form sent, as the form shows it again (the typed values kept).
#[derive(Debug)]
pub enum Refusal {
    /// The rules' problems, by field: 422.
    Invalid(ValidationErrors),
    /// Someone changed the record since the form was read: 409, with the version now stored.
    Conflict { current: i64 },
}

impl Refusal {
    /// 422 for problems, 409 for a conflict.
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::Conflict { .. } => StatusCode::CONFLICT,
        }
    }

    pub fn is_conflict(&self) -> bool {
        matches!(self, Refusal::Conflict { .. })
    }

    /// The problems by field (none on a conflict: the form says so as a whole).
    pub fn errors(self) -> ValidationErrors {
        match self {
            Refusal::Invalid(errors) => errors,
            Refusal::Conflict { .. } => ValidationErrors::default(),
        }
    }
}

/// A use case's error as the form answers it: the field problems or the conflict, shown in the
/// form again; anything else (a record gone or out of reach, a refusal of access, the database)
/// is the error page.
pub fn refusal(e: StoreError) -> Result<Refusal, AppError> {
    match e {
        StoreError::Invalid(errors) => Ok(Refusal::Invalid(errors)),
        StoreError::Conflict { current } => Ok(Refusal::Conflict { current }),
        other => Err(other.into()),
    }
}

/// [`refusal`] for a form that shows only field problems: a conflict is the error page too.
pub fn invalid(e: StoreError) -> Result<ValidationErrors, AppError> {
    match refusal(e)? {
        Refusal::Invalid(errors) => Ok(errors),
        Refusal::Conflict { current } => Err(AppError::conflict(current)),
    }
}

/// The problems as sentences, for pages that list them above the form.
pub fn messages(errors: ValidationErrors) -> Vec<String> {
    errors.errors.into_iter().map(|e| crate::picker::error(&e.field).unwrap_or(e.message)).collect()
}

/// A use case's refusal as the messages a page shows above its forms, with the status to answer:
/// a conflict in the page's own words (`conflict`), field errors in theirs.
pub fn refusal_messages(e: StoreError, conflict: &str) -> Result<(StatusCode, Vec<String>), AppError> {
    let refusal = refusal(e)?;
    let status = refusal.status();
    let messages = if refusal.is_conflict() { vec![conflict.to_owned()] } else { messages(refusal.errors()) };
    Ok((status, messages))
}

/// Renames the fields of `errors` with a prefix (the same event fields appear several times in
/// one form: `adm_unit_id`, `in_unit_id`, …).
pub fn prefixed(errors: ValidationErrors, prefix: &str) -> ValidationErrors {
    ValidationErrors {
        errors: errors
            .errors
            .into_iter()
            .map(|mut e| {
                e.field = format!("{prefix}{}", e.field);
                e
            })
            .collect(),
    }
}

/// `(code, label)` pairs of a closed list, for a select.
pub fn codes<T: Copy>(all: &'static [T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|v| (code(*v), label(*v))).collect()
}

/// The identity part of the member record.
pub fn identity_fields(i: &IdentityInput) -> Vec<Field> {
    vec![
        Field::text("full_name", "Họ và tên", &i.full_name).required().hint("Ghi đúng như trên căn cước, có dấu."),
        Field::text("other_names", "Tên gọi khác, bí danh", &i.other_names),
        Field::select("gender", "Giới tính", &i.gender, Some("— Chọn —"), codes(Gender::ALL, Gender::code, Gender::label)).required(),
        Field::date("birth_date", "Ngày sinh", &i.birth_date).required(),
        Field::text("birthplace", "Nơi sinh", &i.birthplace),
        Field::text("hometown", "Quê quán", &i.hometown),
        Field::select("ethnicity", "Dân tộc", &i.ethnicity, Some("— Chọn —"), codes(Ethnicity::ALL, Ethnicity::code, Ethnicity::label))
            .required(),
        Field::select("religion", "Tôn giáo", &i.religion, Some("— Chọn —"), codes(Religion::ALL, Religion::code, Religion::label))
            .required(),
        Field::text("citizen_id", "Số căn cước (CCCD)", &i.citizen_id).required().hint("12 chữ số."),
        Field::text("phone", "Số điện thoại", &i.phone),
        Field::text("party_card_number", "Số thẻ đảng viên", &i.party_card_number).hint("8 chữ số; để trống nếu chưa có thẻ."),
        Field::text("ly_lich_number", "Số lý lịch đảng viên", &i.ly_lich_number).hint("6 chữ số và mã tỉnh, ví dụ 012345HN."),
    ]
}

/// The dated profile part of the member record, with the date it applies from.
pub fn profile_fields(p: &ProfileInput, profile_from: &str) -> Vec<Field> {
    vec![
        Field::select(
            "general_education",
            "Giáo dục phổ thông",
            &p.general_education,
            Some("— Chọn —"),
            codes(GeneralEducation::ALL, GeneralEducation::code, GeneralEducation::label),
        )
        .required(),
        Field::select(
            "professional",
            "Chuyên môn nghiệp vụ",
            &p.professional,
            None,
            codes(Professional::ALL, Professional::code, Professional::label),
        ),
        Field::select(
            "academic_title",
            "Học hàm",
            &p.academic_title,
            None,
            codes(AcademicTitle::ALL, AcademicTitle::code, AcademicTitle::label),
        ),
        Field::select(
            "political_theory",
            "Lý luận chính trị",
            &p.political_theory,
            None,
            codes(PoliticalTheory::ALL, PoliticalTheory::code, PoliticalTheory::label),
        ),
        Field::select(
            "foreign_language",
            "Ngoại ngữ",
            &p.foreign_language,
            None,
            codes(ForeignLanguageLevel::ALL, ForeignLanguageLevel::code, ForeignLanguageLevel::label),
        ),
        Field::select("it_level", "Tin học", &p.it_level, None, codes(ItLevel::ALL, ItLevel::code, ItLevel::label)),
        Field::select(
            "occupation",
            "Nghề nghiệp",
            &p.occupation,
            Some("— Chọn —"),
            codes(OccupationGroup::ALL, OccupationGroup::code, OccupationGroup::label),
        )
        .required(),
        Field::checkbox("youth_union", "Đoàn viên Đoàn TNCS Hồ Chí Minh", &p.youth_union),
        Field::text("residence", "Nơi ở hiện nay", &p.residence),
        Field::date("profile_from", "Thông tin trên áp dụng từ ngày", profile_from)
            .hint("dd/mm/yyyy; để trống nếu áp dụng từ trước đến nay."),
    ]
}

/// The decision (legal basis) fields of an event, named with `prefix`.
pub fn decision_fields(prefix: &str, e: &EventInput) -> Vec<Field> {
    vec![
        Field::text(format!("{prefix}decision_number"), "Số văn bản, quyết định", &e.decision_number).hint("Ví dụ 123-QĐ/ĐU."),
        Field::date(format!("{prefix}decision_date"), "Ngày ký văn bản", &e.decision_date),
        Field::text(format!("{prefix}issuer"), "Cơ quan ban hành", &e.issuer).hint("Ví dụ Đảng ủy phường Ba Đình."),
    ]
}

/// Who introduced an admitted member and the sub-target group of the admission, named with
/// `prefix`: both may stay unknown; the admission report breaks admissions down by them.
pub fn origin_fields(prefix: &str, e: &EventInput) -> Vec<Field> {
    use domain::pipeline::{CandidateSource, TargetGroup};
    vec![
        Field::select(
            format!("{prefix}source"),
            "Nguồn giới thiệu",
            &e.source,
            Some("Không rõ"),
            codes(CandidateSource::ALL, CandidateSource::code, CandidateSource::label),
        )
        .hint("Dùng cho báo cáo kết nạp theo nguồn và theo nhóm chỉ tiêu."),
        Field::select(
            format!("{prefix}target_group"),
            "Nhóm chỉ tiêu",
            &e.target_group,
            Some("Không thuộc nhóm nào"),
            codes(TargetGroup::ALL, TargetGroup::code, TargetGroup::label),
        ),
    ]
}

/// An admission's origin as the form's fields.
fn origin_input(origin: &domain::event::AdmissionOrigin, input: &mut EventInput) {
    input.source = origin.source.map(|c| c.code().to_owned()).unwrap_or_default();
    input.target_group = origin.target_group.map(|c| c.code().to_owned()).unwrap_or_default();
}

/// The form representation of a stored event (to prefill a correction).
pub fn event_input_from(data: &EventData) -> EventInput {
    let mut input = EventInput {
        kind: data.kind.code().code().to_owned(),
        effective_date: crate::format::date(data.effective),
        note: data.note.clone().unwrap_or_default(),
        ..Default::default()
    };
    if let Some(b) = &data.basis {
        input.decision_number = b.number.to_string();
        input.decision_date = crate::format::date(b.date);
        input.issuer = b.issuer.clone();
    }
    let internal_or_external = |r: &UnitRef, input: &mut EventInput, to: bool| match r {
        UnitRef::Internal(id) if to => input.to_unit_id = id.to_string(),
        UnitRef::Internal(id) => input.unit_id = id.to_string(),
        UnitRef::External(name) => input.external_unit = name.clone(),
    };
    match &data.kind {
        EventKind::Admitted { unit, origin } => {
            internal_or_external(unit, &mut input, false);
            origin_input(origin, &mut input);
        }
        EventKind::TransferredOut { mode, from, to } => {
            input.mode = mode.code().to_owned();
            input.unit_id = from.to_string();
            internal_or_external(to, &mut input, true);
        }
        EventKind::TransferredIn { mode, unit } => {
            input.mode = mode.code().to_owned();
            input.unit_id = unit.to_string();
        }
        EventKind::Reassigned { to } => input.to_unit_id = to.to_string(),
        EventKind::StruckOff { reason } => input.reason = reason.code().to_owned(),
        EventKind::Exited { difficult_family } => input.difficult_family = difficult_family.to_string(),
        EventKind::Readmitted { unit, origin } => {
            match unit {
                UnitRef::Internal(u) => input.unit_id = u.to_string(),
                UnitRef::External(name) => input.external_unit = name.clone(),
            }
            origin_input(origin, &mut input);
        }
        EventKind::Ceremony
        | EventKind::RecognizedOfficial
        | EventKind::Exempted
        | EventKind::ExemptionEnded
        | EventKind::Expelled
        | EventKind::Died => {}
    }
    input
}

/// An optional date field (`profile_from`): empty is `None`.
pub fn optional_date(e: &mut ValidationErrors, field: &str, raw: &str) -> Option<chrono::NaiveDate> {
    if raw.trim().is_empty() {
        return None;
    }
    e.take(field, domain::dates::parse_date(raw))
}

/// Assembles a new member from its typed parts; each event's errors come under its prefix.
pub fn new_member(
    identity: &IdentityInput,
    profile: &ProfileInput,
    profile_from: &str,
    events: &[(String, EventInput)],
    today: chrono::NaiveDate,
) -> Result<storage::NewMember, ValidationErrors> {
    let mut e = ValidationErrors::default();
    let identity = identity.parse(today).map_err(|x| e.errors.extend(x.errors)).ok();
    let profile = profile.parse().map_err(|x| e.errors.extend(x.errors)).ok();
    let valid_from = optional_date(&mut e, "profile_from", profile_from);
    let mut parsed = Vec::with_capacity(events.len());
    for (prefix, input) in events {
        match input.parse(today) {
            Ok(ev) => parsed.push(ev),
            Err(x) => e.errors.extend(prefixed(x, prefix).errors),
        }
    }
    if events.is_empty() {
        e.push("events", "required", "Cần ít nhất một sự kiện (kết nạp).");
    }
    match (identity, profile) {
        (Some(identity), Some(profile)) if e.is_empty() => {
            Ok(storage::NewMember { identity, profile: domain::member::DatedProfile { valid_from, profile }, events: parsed })
        }
        _ => Err(e),
    }
}

/// Assembles an identity update, with a new profile from a date when one is given.
pub fn member_update(
    version: i64,
    identity: &IdentityInput,
    new_profile: Option<(&ProfileInput, &str)>,
    today: chrono::NaiveDate,
) -> Result<storage::MemberUpdate, ValidationErrors> {
    let mut e = ValidationErrors::default();
    let identity = identity.parse(today).map_err(|x| e.errors.extend(x.errors)).ok();
    let mut profile = None;
    if let Some((p, from)) = new_profile {
        let parsed = p.parse().map_err(|x| e.errors.extend(x.errors)).ok();
        if from.trim().is_empty() {
            e.push("profile_from", "required", "Nhập ngày thông tin hồ sơ mới bắt đầu áp dụng.");
        }
        let valid_from = optional_date(&mut e, "profile_from", from);
        if valid_from.is_some_and(|d| d > today) {
            e.push("profile_from", "in_future", "Ngày áp dụng không được sau hôm nay.");
        }
        if let (Some(p), Some(d)) = (parsed, valid_from) {
            profile = Some(domain::member::DatedProfile { valid_from: Some(d), profile: p });
        }
    }
    match identity {
        Some(identity) if e.is_empty() => Ok(storage::MemberUpdate { expected_version: version, identity, new_profile: profile }),
        _ => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn errors_go_under_their_fields_and_into_the_summary() {
        let mut sections = vec![Section::new("A", identity_fields(&IdentityInput::default()))];
        let mut errs = ValidationErrors::single("citizen_id", "invalid_format", "CCCD sai.");
        errs.push("event", "rule", "Không thể kết nạp.");
        let summary = attach_errors(&mut sections, &errs);
        let f = sections[0].fields.iter().find(|f| f.name == "citizen_id").unwrap();
        assert_eq!(f.error.as_deref(), Some("CCCD sai."));
        assert_eq!(summary.len(), 2);
        assert_eq!(summary[0].anchor.as_deref(), Some("f-citizen_id"));
        assert_eq!(summary[1].anchor, None);
    }

    #[test]
    fn refusals_come_back_to_the_form_and_the_rest_is_the_error_page() {
        let problems = refusal(StoreError::Invalid(ValidationErrors::single("name", "required", "Nhập tên."))).unwrap();
        assert_eq!(problems.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(messages(problems.errors()), vec!["Nhập tên.".to_owned()]);
        let conflict = refusal(StoreError::Conflict { current: 7 }).unwrap();
        assert!(conflict.is_conflict() && conflict.status() == StatusCode::CONFLICT && conflict.errors().is_empty());
        assert_eq!(refusal(StoreError::NotFound).unwrap_err().0.status, StatusCode::NOT_FOUND);
        assert_eq!(refusal(StoreError::Forbidden).unwrap_err().0.status, StatusCode::FORBIDDEN);
        // A form without a version shows no conflict: that is the error page with the version.
        let e = invalid(StoreError::Conflict { current: 7 }).unwrap_err();
        assert_eq!((e.0.status, e.0.current_version), (StatusCode::CONFLICT, Some(7)));
    }

    #[test]
    fn selects_mark_the_typed_value() {
        let f = Field::select("gender", "Giới tính", "nu", Some("—"), codes(Gender::ALL, Gender::code, Gender::label));
        let selected: Vec<&str> = f.options.iter().filter(|o| o.selected).map(|o| o.value.as_str()).collect();
        assert_eq!(selected, vec!["nu"]);
    }

    #[test]
    fn stored_events_round_trip_through_the_form() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let input = EventInput {
            kind: "chuyen-di".into(),
            effective_date: "01/03/2024".into(),
            unit_id: "4".into(),
            external_unit: "Đảng bộ tỉnh Lào Cai".into(),
            mode: "chinh-thuc".into(),
            decision_number: "12-QĐ/ĐU".into(),
            decision_date: "28/02/2024".into(),
            issuer: "Đảng ủy phường".into(),
            ..Default::default()
        };
        let data = input.parse(today).unwrap();
        assert_eq!(event_input_from(&data).parse(today).unwrap(), data);
        let errs = prefixed(ValidationErrors::single("unit_id", "required", "x"), "adm_");
        assert_eq!(errs.errors[0].field, "adm_unit_id");
    }
}
