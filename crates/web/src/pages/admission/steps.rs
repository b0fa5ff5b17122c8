//! Recording a step of a case: the form of each kind of step, with only the fields it records.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use domain::ValidationErrors;
use domain::pipeline::{IntroductionMode, RecognitionProposal, StepInput, StepKind};
use serde::Deserialize;
use storage::CaseDetail;
use storage::access::AdmissionDesk;

use super::{case_href, codes};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, Query};
use crate::forms::{self, Field, Refusal, Section, SummaryItem};
use crate::respond::{page, render, see_other};
use crate::session::Caller;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct KindParam {
    kind: String,
}

/// The step form as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct StepForm {
    version: String,
    #[serde(flatten)]
    input: StepInput,
}

#[derive(Template)]
#[template(path = "admission_step_form.html")]
struct StepFormPage {
    chrome: Chrome,
    heading: &'static str,
    case_name: String,
    case_href: String,
    stage: &'static str,
    action: String,
    version: i64,
    kind: &'static str,
    sections: Vec<Section>,
    summary: Vec<SummaryItem>,
    conflict: bool,
    allowed: bool,
    decision: bool,
    in_order: bool,
}

fn parse_kind(raw: &str) -> Result<StepKind, AppError> {
    if raw.trim().is_empty() {
        return Err(AppError::bad_request("Chọn bước hồ sơ cần ghi (tham số kind)."));
    }
    StepKind::parse(raw).map_err(|e| AppError::bad_query(ValidationErrors::single("kind", e.code, e.message)))
}

/// The label of a step's document date.
fn on_label(kind: StepKind) -> &'static str {
    use StepKind::*;
    match kind {
        Application => "Ngày đơn xin vào Đảng",
        Autobiography => "Ngày hoàn thành lý lịch",
        VerificationRequest => "Ngày gửi công văn thẩm tra",
        VerificationResult => "Ngày có kết quả thẩm tra",
        Opinions => "Ngày tổng hợp ý kiến nhận xét",
        DocumentsRenewed => "Ngày làm lại hồ sơ",
        ChiBoVote | RecognitionVote => "Ngày chi bộ họp xét (ngày nghị quyết)",
        GrassrootsResolution | RecognitionResolution => "Ngày nghị quyết",
        Extension => "Ngày quyết định gia hạn",
        DecisionReceived => "Ngày chi bộ nhận quyết định",
        Ceremony => "Ngày tổ chức lễ kết nạp",
        NewMemberClass => "Ngày cấp giấy chứng nhận",
        SelfReview => "Ngày bản tự kiểm điểm",
        HelperComment => "Ngày nhận xét",
        ProbationOpinions => "Ngày tổng hợp ý kiến",
        Closed => "Ngày ngừng xem xét",
        Introduction | Decision | RecognitionDecision | StrikeOffDecision => "Ngày",
    }
}

fn vote_fields(kind: StepKind, i: &StepInput) -> Vec<Field> {
    vec![
        Field::date("on", on_label(kind), &i.on).required(),
        Field::text("official_members", "Số đảng viên chính thức của chi bộ", &i.official_members)
            .required()
            .hint("Đảng viên dự bị không biểu quyết."),
        Field::text("present", "Số đảng viên chính thức có mặt", &i.present).required(),
        Field::text("in_favour", "Số tán thành", &i.in_favour).required(),
        Field::text("against", "Số không tán thành", &i.against).required(),
    ]
}

const INTRODUCER_LABELS: [[&str; 4]; 2] = [
    [
        "Mã số đảng viên giới thiệu thứ nhất",
        "Ngày giấy giới thiệu của người thứ nhất",
        "Người thứ nhất cùng công tác, học tập hoặc cư trú từ ngày",
        "Quan hệ của người thứ nhất với người vào Đảng",
    ],
    [
        "Mã số đảng viên giới thiệu thứ hai",
        "Ngày giấy giới thiệu của người thứ hai",
        "Người thứ hai cùng công tác, học tập hoặc cư trú từ ngày",
        "Quan hệ của người thứ hai với người vào Đảng",
    ],
];

fn introducer_fields(n: usize, [id, on, since, together]: [&'static str; 4], values: [&str; 6]) -> Vec<Field> {
    let name = |f: &str| format!("introducer{n}_{f}");
    vec![
        Field::text(name("member_id"), id, values[0])
            .hint("Đảng viên chính thức trong phạm vi bạn quản lý; mã số là số cuối địa chỉ trang hồ sơ (/members/…)."),
        Field::text(name("name"), "Hoặc: họ và tên (đảng viên ở tổ chức khác)", values[4]),
        Field::text(name("card"), "và số thẻ đảng viên của người đó", values[5])
            .hint("Người giới thiệu ở tổ chức khác: nhập cả họ tên và số thẻ (8 chữ số), để trống mã số."),
        Field::date(name("on"), on, values[1]),
        Field::date(name("since"), since, values[2]),
        Field::select(
            name("together"),
            together,
            values[3],
            Some("— Chọn —"),
            [("cong-tac", "Cùng công tác"), ("hoc-tap", "Cùng học tập"), ("cu-tru", "Cùng cư trú")],
        ),
    ]
}

fn decision_fields(i: &StepInput) -> Vec<Field> {
    vec![
        Field::text("decision_number", "Số quyết định", &i.decision_number).required().hint("Ví dụ 123-QĐ/ĐU."),
        Field::date("decision_date", "Ngày ký quyết định", &i.decision_date).required(),
        Field::text("issuer", "Cơ quan ban hành", &i.issuer).required().hint("Ví dụ Ban Thường vụ Đảng ủy xã An Phú."),
        Field::text("signer", "Người ký", &i.signer).required(),
    ]
}

/// Only the fields the kind of step records.
fn step_sections(kind: StepKind, i: &StepInput) -> Vec<Section> {
    use StepKind::*;
    let on = || Field::date("on", on_label(kind), &i.on).required();
    let text = |label: &'static str| Field::textarea("text", label, &i.text).required();
    let number = |label: &'static str| Field::text("number", label, &i.number).required();
    let fields = match kind {
        Application | Autobiography | Opinions | DocumentsRenewed | DecisionReceived | Ceremony | SelfReview | HelperComment
        | ProbationOpinions => vec![on()],
        VerificationRequest => vec![on(), text("Nơi gửi thẩm tra")],
        VerificationResult => vec![
            on(),
            Field::select(
                "clear",
                "Kết quả",
                &i.clear,
                Some("— Chọn —"),
                [("co", "Lý lịch rõ ràng, đủ điều kiện"), ("khong", "Có vấn đề cần làm rõ")],
            )
            .required(),
            text("Kết luận thẩm tra"),
        ],
        Extension => vec![on(), text("Lý do gia hạn")],
        Closed => vec![on(), text("Lý do ngừng xem xét")],
        GrassrootsResolution | RecognitionResolution => vec![on(), number("Số nghị quyết")],
        NewMemberClass => vec![on(), number("Số giấy chứng nhận")],
        ChiBoVote => vote_fields(kind, i),
        RecognitionVote => {
            let mut f = vec![
                Field::select(
                    "proposal",
                    "Chi bộ đề nghị",
                    &i.proposal,
                    Some("— Chọn —"),
                    codes(RecognitionProposal::ALL, RecognitionProposal::code, RecognitionProposal::label),
                )
                .required(),
            ];
            f.extend(vote_fields(kind, i));
            f
        }
        Decision | RecognitionDecision | StrikeOffDecision => decision_fields(i),
        Introduction => {
            return vec![
                Section::new(
                    "Hình thức giới thiệu",
                    vec![
                        Field::select(
                            "mode",
                            "Hình thức giới thiệu",
                            &i.mode,
                            Some("— Chọn —"),
                            codes(IntroductionMode::ALL, IntroductionMode::code, IntroductionMode::label),
                        )
                        .required(),
                        Field::date("resolution_on", "Ngày nghị quyết giới thiệu của Ban Chấp hành", &i.resolution_on)
                            .hint("Chỉ khi Đoàn hoặc Công đoàn cơ sở giới thiệu (dd/mm/yyyy)."),
                    ],
                ),
                Section::new(
                    "Đảng viên giới thiệu thứ nhất",
                    introducer_fields(
                        1,
                        INTRODUCER_LABELS[0],
                        [
                            &i.introducer1_member_id,
                            &i.introducer1_on,
                            &i.introducer1_since,
                            &i.introducer1_together,
                            &i.introducer1_name,
                            &i.introducer1_card,
                        ],
                    ),
                ),
                Section::new(
                    "Đảng viên giới thiệu thứ hai (chỉ khi hai đảng viên giới thiệu)",
                    introducer_fields(
                        2,
                        INTRODUCER_LABELS[1],
                        [
                            &i.introducer2_member_id,
                            &i.introducer2_on,
                            &i.introducer2_since,
                            &i.introducer2_together,
                            &i.introducer2_name,
                            &i.introducer2_card,
                        ],
                    ),
                ),
            ];
        }
    };
    vec![Section::new(kind.label(), fields)]
}

#[allow(clippy::too_many_arguments)]
fn step_page(
    chrome: Chrome,
    d: &CaseDetail,
    kind: StepKind,
    input: &StepInput,
    version: i64,
    errors: &ValidationErrors,
    conflict: bool,
    allowed: bool,
) -> StepFormPage {
    let mut sections = step_sections(kind, input);
    let summary = forms::attach_errors(&mut sections, errors);
    StepFormPage {
        chrome: chrome.titled(format!("{}: {}", kind.label(), d.candidate.identity.full_name)),
        heading: kind.label(),
        case_name: d.candidate.identity.full_name.to_string(),
        case_href: case_href(d.id),
        stage: d.stage.label(),
        action: format!("/admission/cases/{}/steps/new?kind={}", d.id, kind.code()),
        version,
        kind: kind.code(),
        sections,
        summary,
        conflict,
        allowed,
        decision: kind.is_decision(),
        in_order: d.next_steps.contains(&kind),
    }
}

async fn may_record(desk: &AdmissionDesk<'_>, d: &CaseDetail, kind: StepKind) -> bool {
    if kind.is_decision() { desk.may_decide(d.candidate.unit).await } else { desk.may_file(d.candidate.unit).await }
}

/// `GET /admission/cases/{id}/steps/new?kind=`.
pub(super) async fn step_form(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Query(q): Query<KindParam>,
) -> Result<Response, AppError> {
    let desk = s.admission()?;
    let d = desk.case(id).await?;
    let kind = parse_kind(&q.kind)?;
    let allowed = may_record(&desk, &d, kind).await;
    let input = StepInput { kind: kind.code().to_owned(), ..Default::default() };
    page(&step_page(chrome, &d, kind, &input, d.version, &ValidationErrors::default(), false, allowed))
}

/// `POST /admission/cases/{id}/steps/new`: records the step after every check of the rules.
pub(super) async fn record_step(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Query(q): Query<KindParam>,
    Form(mut form): Form<StepForm>,
) -> Result<Response, AppError> {
    let desk = s.admission()?;
    if form.input.kind.trim().is_empty() {
        form.input.kind = q.kind.clone();
    }
    // Authorized before the form is read: someone who may not record this step gets 403 (404
    // outside the read scope), never the form's field errors.
    desk.require_step(id, StepKind::parse(&form.input.kind).ok()).await?;
    let d = desk.case(id).await?;
    let kind = parse_kind(&form.input.kind)?;
    let version: i64 = form.version.trim().parse().map_err(|_| AppError::bad_request("Thiếu phiên bản của hồ sơ."))?;
    let refused = match form.input.parse() {
        Ok(data) => match desk.record_step(d.id, version, data).await {
            Ok(_) => return Ok(see_other(&format!("{}#buoc", case_href(d.id)))),
            Err(e) => forms::refusal(e)?,
        },
        Err(e) => Refusal::Invalid(e),
    };
    let allowed = may_record(&desk, &d, kind).await;
    if refused.is_conflict() {
        let fresh = desk.case(d.id).await?;
        let view = step_page(chrome, &fresh, kind, &form.input, fresh.version, &refused.errors(), true, allowed);
        return render(StatusCode::CONFLICT, &view);
    }
    render(StatusCode::UNPROCESSABLE_ENTITY, &step_page(chrome, &d, kind, &form.input, version, &refused.errors(), false, allowed))
}
