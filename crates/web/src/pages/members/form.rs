//! Adding a member (identity, profile and the events of the record so far) and editing the
//! identity data, with both versions side by side on a conflict.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use domain::ValidationErrors;
use domain::event::EventInput;
use domain::ids::MemberId;
use domain::member::{IdentityInput, ProfileInput};
use serde::Deserialize;
use storage::MemberDetail;

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId};
use crate::forms::{self, Field, Refusal, Section, SummaryItem};
use crate::respond::{page, render, see_other};
use crate::session::Caller;

/// A field saved in the database next to the value just typed (shown on a conflict).
pub struct CompareRow {
    label: &'static str,
    saved: String,
    typed: String,
    differs: bool,
}

#[derive(Template)]
#[template(path = "member_form.html")]
struct MemberFormPage {
    chrome: Chrome,
    heading: String,
    action: String,
    cancel_href: String,
    version: Option<i64>,
    sections: Vec<Section>,
    summary: Vec<SummaryItem>,
    conflict: Option<Vec<CompareRow>>,
    submit: &'static str,
}

/// The add-member form as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewMemberForm {
    #[serde(flatten)]
    identity: IdentityInput,
    #[serde(flatten)]
    profile: ProfileInput,
    profile_from: String,
    /// `here`: admitted in a chi bộ of this register; `transfer`: came from elsewhere.
    origin: String,
    adm_unit_id: String,
    adm_external_unit: String,
    adm_decision_number: String,
    adm_decision_date: String,
    adm_issuer: String,
    /// Who introduced the member ([`domain::pipeline::CandidateSource`] code; empty: unknown).
    adm_source: String,
    /// The sub-target group of the admission ([`domain::pipeline::TargetGroup`] code; empty: none).
    adm_target_group: String,
    /// Ngày chi bộ tổ chức lễ kết nạp: the 12 months of probation run from it.
    cer_effective_date: String,
    off_effective_date: String,
    off_decision_number: String,
    off_decision_date: String,
    off_issuer: String,
    in_unit_id: String,
    in_effective_date: String,
    in_decision_number: String,
    in_decision_date: String,
    in_issuer: String,
}

impl NewMemberForm {
    fn transferred(&self) -> bool {
        self.origin == "transfer"
    }

    fn admission(&self) -> EventInput {
        EventInput {
            kind: "ket-nap".into(),
            unit_id: if self.transferred() { String::new() } else { self.adm_unit_id.clone() },
            external_unit: if self.transferred() { self.adm_external_unit.clone() } else { String::new() },
            decision_number: self.adm_decision_number.clone(),
            decision_date: self.adm_decision_date.clone(),
            issuer: self.adm_issuer.clone(),
            source: self.adm_source.clone(),
            target_group: self.adm_target_group.clone(),
            ..Default::default()
        }
    }

    fn ceremony(&self) -> EventInput {
        EventInput { kind: "le-ket-nap".into(), effective_date: self.cer_effective_date.clone(), ..Default::default() }
    }

    fn official(&self) -> EventInput {
        EventInput {
            kind: "cong-nhan-chinh-thuc".into(),
            effective_date: self.off_effective_date.clone(),
            decision_number: self.off_decision_number.clone(),
            decision_date: self.off_decision_date.clone(),
            issuer: self.off_issuer.clone(),
            ..Default::default()
        }
    }

    fn has_official(&self) -> bool {
        [&self.off_effective_date, &self.off_decision_number, &self.off_decision_date, &self.off_issuer]
            .iter()
            .any(|v| !v.trim().is_empty())
    }

    fn transfer_in(&self) -> EventInput {
        EventInput {
            kind: "chuyen-den".into(),
            mode: "chinh-thuc".into(),
            unit_id: self.in_unit_id.clone(),
            effective_date: self.in_effective_date.clone(),
            decision_number: self.in_decision_number.clone(),
            decision_date: self.in_decision_date.clone(),
            issuer: self.in_issuer.clone(),
            ..Default::default()
        }
    }

    /// The events of the new member's history, each with the prefix of its form fields.
    fn events(&self) -> Vec<(String, EventInput)> {
        let mut events = vec![("adm_".to_owned(), self.admission())];
        if !self.cer_effective_date.trim().is_empty() {
            events.push(("cer_".to_owned(), self.ceremony()));
        }
        if self.has_official() {
            events.push(("off_".to_owned(), self.official()));
        }
        if self.transferred() {
            events.push(("in_".to_owned(), self.transfer_in()));
        }
        events
    }

    fn sections(&self) -> Vec<Section> {
        let adm = self.admission();
        let mut admission = vec![
            Field::select(
                "origin",
                "Đảng viên này",
                if self.origin.is_empty() { "here" } else { &self.origin },
                None,
                [("here", "Kết nạp tại chi bộ trong hệ thống"), ("transfer", "Chuyển đến từ nơi khác")],
            )
            .required(),
            Field::unit("adm_unit_id", "Chi bộ kết nạp (trong hệ thống)", &self.adm_unit_id),
            Field::text("adm_external_unit", "Nơi kết nạp (nếu chuyển đến từ nơi khác)", &self.adm_external_unit)
                .hint("Ví dụ: Chi bộ Trường THPT Chu Văn An, Đảng bộ tỉnh Lào Cai."),
        ];
        admission.extend(forms::decision_fields("adm_", &adm));
        admission.extend(forms::origin_fields("adm_", &adm));
        admission.push(
            Field::date("cer_effective_date", "Ngày tổ chức lễ kết nạp", &self.cer_effective_date)
                .hint("Thời kỳ dự bị 12 tháng tính từ ngày chi bộ tổ chức lễ kết nạp (Điều lệ Đảng, Điều 5)."),
        );
        let mut official = vec![Field::date("off_effective_date", "Ngày công nhận chính thức", &self.off_effective_date)];
        official.extend(forms::decision_fields("off_", &self.official()));
        let mut transfer = vec![
            Field::unit("in_unit_id", "Chi bộ tiếp nhận", &self.in_unit_id),
            Field::date("in_effective_date", "Ngày tiếp nhận sinh hoạt", &self.in_effective_date),
        ];
        transfer.extend(forms::decision_fields("in_", &self.transfer_in()));
        vec![
            Section::new("Lý lịch", forms::identity_fields(&self.identity)),
            Section::new("Thông tin hồ sơ", forms::profile_fields(&self.profile, &self.profile_from)),
            Section::new("Kết nạp", admission).note("Ngày kết nạp là ngày ký quyết định kết nạp; tuổi đảng tính từ ngày này."),
            Section::new("Công nhận đảng viên chính thức (nếu đã có)", official),
            Section::new("Chuyển sinh hoạt đến (chỉ khi chuyển đến từ nơi khác)", transfer)
                .note("Giấy giới thiệu sinh hoạt đảng: số, ngày, cơ quan cấp."),
        ]
    }

    fn check(&self) -> ValidationErrors {
        let mut e = ValidationErrors::default();
        if !matches!(self.origin.as_str(), "" | "here" | "transfer") {
            e.push("origin", "unknown_value", "Chọn đảng viên kết nạp tại chỗ hay chuyển đến.");
        }
        if self.transferred() && self.adm_external_unit.trim().is_empty() {
            e.push("adm_external_unit", "required", "Nhập nơi kết nạp.");
        }
        e
    }
}

fn new_member_page(chrome: Chrome, form: &NewMemberForm, errors: &ValidationErrors) -> MemberFormPage {
    let mut sections = form.sections();
    let summary = forms::attach_errors(&mut sections, errors);
    MemberFormPage {
        chrome: chrome.titled("Thêm đảng viên"),
        heading: "Thêm đảng viên".to_owned(),
        action: "/members".to_owned(),
        cancel_href: "/members".to_owned(),
        version: None,
        sections,
        summary,
        conflict: None,
        submit: "Lưu đảng viên",
    }
}

/// `GET /members/new`.
pub(super) async fn new_form(chrome: Chrome) -> Result<Response, AppError> {
    let form = NewMemberForm { origin: "here".into(), ..Default::default() };
    page(&new_member_page(chrome, &form, &ValidationErrors::default()))
}

/// `POST /members`: adds a member, or shows the form again with the problems.
pub(super) async fn create(s: Caller, chrome: Chrome, Form(form): Form<NewMemberForm>) -> Result<Response, AppError> {
    let today = s.today();
    let mut errors = form.check();
    let parsed = forms::new_member(&form.identity, &form.profile, &form.profile_from, &form.events(), today);
    let new = match parsed {
        Ok(new) if errors.is_empty() => new,
        Ok(_) => return render(StatusCode::UNPROCESSABLE_ENTITY, &new_member_page(chrome, &form, &errors)),
        Err(e) => {
            errors.errors.extend(e.errors);
            return render(StatusCode::UNPROCESSABLE_ENTITY, &new_member_page(chrome, &form, &errors));
        }
    };
    match s.register_writer()?.create_member(new).await {
        Ok(id) => Ok(see_other(&format!("/members/{}", id.0))),
        Err(e) => render(StatusCode::UNPROCESSABLE_ENTITY, &new_member_page(chrome, &form, &forms::invalid(e)?)),
    }
}

/// The edit form as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EditForm {
    version: String,
    #[serde(flatten)]
    identity: IdentityInput,
    /// Ticked: record the profile below as a new profile from `profile_from`.
    new_profile: String,
    #[serde(flatten)]
    profile: ProfileInput,
    profile_from: String,
}

impl EditForm {
    fn from_detail(d: &MemberDetail) -> EditForm {
        EditForm {
            version: d.version.to_string(),
            identity: IdentityInput::from_identity(&d.identity),
            new_profile: String::new(),
            profile: d.current_profile().map(ProfileInput::from_profile).unwrap_or_default(),
            profile_from: String::new(),
        }
    }

    fn wants_new_profile(&self) -> bool {
        domain::member::parse_yes_no(&self.new_profile).unwrap_or(false)
    }
}

fn edit_page(
    chrome: Chrome,
    id: MemberId,
    form: &EditForm,
    version: i64,
    errors: &ValidationErrors,
    conflict: Option<Vec<CompareRow>>,
) -> MemberFormPage {
    let mut sections = vec![
        Section::new("Lý lịch", forms::identity_fields(&form.identity)),
        Section::new(
            "Thông tin hồ sơ mới (không bắt buộc)",
            std::iter::once(Field::checkbox("new_profile", "Ghi nhận thông tin hồ sơ mới từ ngày dưới đây", &form.new_profile))
                .chain(forms::profile_fields(&form.profile, &form.profile_from))
                .collect(),
        )
        .note(
            "Khi trình độ, nghề nghiệp hay nơi ở thay đổi: đánh dấu ô trên và nhập ngày áp dụng; thông tin cũ vẫn được giữ trong lịch sử.",
        ),
    ];
    let summary = forms::attach_errors(&mut sections, errors);
    MemberFormPage {
        chrome: chrome.titled("Sửa lý lịch đảng viên"),
        heading: format!("Sửa lý lịch: {}", form.identity.full_name),
        action: format!("/members/{}/edit", id.0),
        cancel_href: format!("/members/{}", id.0),
        version: Some(version),
        sections,
        summary,
        conflict,
        submit: "Lưu thay đổi",
    }
}

/// `GET /members/{id}/edit`.
pub(super) async fn edit_form(s: Caller, chrome: Chrome, PathId(id): PathId<MemberId>) -> Result<Response, AppError> {
    let d = s.reader()?.member(id).await?;
    page(&edit_page(chrome, id, &EditForm::from_detail(&d), d.version, &ValidationErrors::default(), None))
}

/// The identity fields side by side: saved vs typed.
fn compare(saved: &IdentityInput, typed: &IdentityInput) -> Vec<CompareRow> {
    let display = |f: &Field| match f.kind {
        "select" => f.options.iter().find(|o| o.selected && !o.value.is_empty()).map(|o| o.label.clone()).unwrap_or_default(),
        _ => f.value.trim().to_owned(),
    };
    forms::identity_fields(saved)
        .iter()
        .zip(forms::identity_fields(typed).iter())
        .map(|(a, b)| {
            let (saved, typed) = (display(a), display(b));
            CompareRow { label: a.label, differs: saved != typed, saved, typed }
        })
        .collect()
}

/// `POST /members/{id}/edit`: saves identity data (and a new profile), or explains a conflict.
pub(super) async fn edit(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<MemberId>,
    Form(form): Form<EditForm>,
) -> Result<Response, AppError> {
    let version: i64 = form.version.trim().parse().map_err(|_| AppError::bad_request("Thiếu phiên bản của bản ghi."))?;
    let today = s.today();
    let new_profile = form.wants_new_profile().then_some((&form.profile, form.profile_from.as_str()));
    let update = match forms::member_update(version, &form.identity, new_profile, today) {
        Ok(u) => u,
        Err(e) => return render(StatusCode::UNPROCESSABLE_ENTITY, &edit_page(chrome, id, &form, version, &e, None)),
    };
    let refused = match s.register_writer()?.update_member(id, update).await {
        Ok(()) => return Ok(see_other(&format!("/members/{}", id.0))),
        Err(e) => forms::refusal(e)?,
    };
    match refused {
        Refusal::Invalid(e) => render(StatusCode::UNPROCESSABLE_ENTITY, &edit_page(chrome, id, &form, version, &e, None)),
        Refusal::Conflict { current } => {
            let d = s.reader()?.member(id).await?;
            let rows = compare(&IdentityInput::from_identity(&d.identity), &form.identity);
            let version = current.max(d.version);
            render(StatusCode::CONFLICT, &edit_page(chrome, id, &form, version, &ValidationErrors::default(), Some(rows)))
        }
    }
}
