//! `/admission/cases/{id}`: a candidate's case — the facts, what stops the file, what is due,
//! the steps in words — and voiding the last step.

use askama::Template;
use axum::response::Response;
use domain::admission::Together;
use domain::ids::MemberId;
use domain::pipeline::{Stage, StepData, StepKind};
use serde::Deserialize;
use storage::CaseDetail;
use storage::access::AdmissionDesk;

use super::{Badge, actor_label, badge, board_href, case_href, member_href, yes_no};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, PathIds};
use crate::format;
use crate::forms;
use crate::pages::Link;
use crate::respond::{page, render, see_other};
use crate::session::Caller;

struct Fact {
    label: &'static str,
    value: String,
    href: Option<String>,
}

impl Fact {
    fn new(label: &'static str, value: impl Into<String>) -> Fact {
        Fact { label, value: value.into(), href: None }
    }

    fn link(label: &'static str, value: impl Into<String>, href: String) -> Fact {
        Fact { label, value: value.into(), href: Some(href) }
    }
}

struct BlockerView {
    message: String,
    source: &'static str,
}

struct DueView {
    label: &'static str,
    due: String,
    actor: &'static str,
    badge: Badge,
    source: &'static str,
}

struct StepView {
    id: i64,
    kind: &'static str,
    date: String,
    details: Vec<String>,
    recorded: String,
    voided: Option<Voided>,
}

/// Why a step was voided, by whom and when.
struct Voided {
    reason: String,
    by: String,
}

struct NextLink {
    href: String,
    label: &'static str,
    decision: bool,
    closing: bool,
}

/// The form that voids the last step in force.
struct VoidForm {
    action: String,
    kind: &'static str,
    date: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "admission_case.html")]
struct CasePage {
    chrome: Chrome,
    name: String,
    stage: &'static str,
    open: bool,
    unit: Link,
    birth: String,
    facts: Vec<Fact>,
    member: Option<String>,
    official: Option<String>,
    blockers: Vec<BlockerView>,
    due: Vec<DueView>,
    steps: Vec<StepView>,
    next: Vec<NextLink>,
    void: Option<VoidForm>,
    version: i64,
    edit_href: Option<String>,
    problems: Vec<String>,
    conflict: bool,
    updated: String,
}

/// A member the case names: their name and a link to the record.
fn named_member(d: &CaseDetail, m: MemberId) -> String {
    match d.member_name(m) {
        Some(name) => format!("{name} (mã số {})", m.0),
        None => format!("Đảng viên mã số {}", m.0),
    }
}

/// An introducer as the case names them: a member by the name the register holds (when the
/// caller may read it), one of another organization by the name and card number typed.
fn named_introducer(d: &CaseDetail, who: &domain::pipeline::IntroducerId) -> String {
    match who {
        domain::pipeline::IntroducerId::Member { member } => named_member(d, *member),
        domain::pipeline::IntroducerId::Card { .. } => format!("{} — tổ chức khác", who.described()),
    }
}

fn vote_details(v: &domain::admission::ChiBoVote) -> String {
    format!(
        "Đảng viên chính thức: {}; có mặt: {}; tán thành: {} ({} số đảng viên chính thức); không tán thành: {}",
        format::number(u64::from(v.official_members)),
        format::number(u64::from(v.present)),
        format::number(u64::from(v.in_favour)),
        format::percent(v.in_favour as usize, v.official_members as usize),
        format::number(u64::from(v.against)),
    )
}

fn basis_details(basis: &domain::unit::LegalBasis, signer: &str) -> String {
    format!("Quyết định số {}, ngày {}, {}; người ký: {}", basis.number, format::date(basis.date), basis.issuer, signer)
}

/// What a step records, in words.
fn step_details(data: &StepData, d: &CaseDetail) -> Vec<String> {
    match data {
        StepData::VerificationRequest { to, .. } => vec![format!("Gửi đến: {to}")],
        StepData::VerificationResult { clear, summary, .. } => {
            vec![format!("Kết quả: {}", if *clear { "lý lịch rõ ràng" } else { "có vấn đề cần làm rõ" }), format!("Kết luận: {summary}")]
        }
        StepData::Introduction { mode, resolution_on, introducers } => {
            let mut out = vec![format!("Hình thức: {}", mode.label())];
            if let Some(r) = resolution_on {
                out.push(format!("Nghị quyết giới thiệu của Ban Chấp hành ngày {}", format::date(*r)));
            }
            out.extend(introducers.iter().map(|i| {
                format!(
                    "Người giới thiệu: {}; giấy giới thiệu ngày {}; {} từ {}",
                    named_introducer(d, &i.who),
                    format::date(i.introduced_on),
                    together_label(i.together),
                    format::date(i.together_since)
                )
            }));
            out
        }
        StepData::ChiBoVote { vote } => vec![vote_details(vote)],
        StepData::GrassrootsResolution { number, .. } | StepData::RecognitionResolution { number, .. } => {
            vec![format!("Số nghị quyết: {number}")]
        }
        StepData::Extension { note, .. } => vec![format!("Lý do gia hạn: {note}")],
        StepData::Decision { basis, signer }
        | StepData::RecognitionDecision { basis, signer }
        | StepData::StrikeOffDecision { basis, signer } => vec![basis_details(basis, signer)],
        StepData::Ceremony { on } => domain::pipeline::anniversary(*on).map(|a| vec![format!("Nhân dịp {a}")]).unwrap_or_default(),
        StepData::NewMemberClass { number, .. } => vec![format!("Số giấy chứng nhận: {number}")],
        StepData::RecognitionVote { vote, proposal } => vec![format!("Đề nghị: {}", proposal.label()), vote_details(vote)],
        StepData::Closed { reason, .. } => vec![format!("Lý do: {reason}")],
        StepData::Application { .. }
        | StepData::Autobiography { .. }
        | StepData::Opinions { .. }
        | StepData::DocumentsRenewed { .. }
        | StepData::DecisionReceived { .. }
        | StepData::SelfReview { .. }
        | StepData::HelperComment { .. }
        | StepData::ProbationOpinions { .. } => Vec::new(),
    }
}

fn facts(d: &CaseDetail) -> Vec<Fact> {
    let c = &d.candidate;
    let i = &c.identity;
    let p = &c.profile;
    let mut out = vec![
        Fact::link("Chi bộ theo dõi", d.unit_name.clone(), board_href(c.unit)),
        Fact::new("Ngày sinh", format::date(i.birth_date)),
        Fact::new("Giới tính", i.gender.label()),
        Fact::new("Dân tộc, tôn giáo", format!("{}; {}", i.ethnicity.label(), i.religion.label())),
        Fact::new("Số CCCD", i.citizen_id.to_string()),
    ];
    if let Some(phone) = &i.phone {
        out.push(Fact::new("Số điện thoại", phone.to_string()));
    }
    if let Some(h) = &i.hometown {
        out.push(Fact::new("Quê quán", h.clone()));
    }
    if let Some(r) = &p.residence {
        out.push(Fact::new("Nơi ở hiện nay", r.clone()));
    }
    out.extend([
        Fact::new("Nghề nghiệp", p.occupation.label()),
        Fact::new("Giáo dục phổ thông", p.general_education.label()),
        Fact::new("Đoàn viên", yes_no(p.youth_union)),
        Fact::new("Nguồn quần chúng", c.source.label()),
        Fact::new("Nhóm chỉ tiêu", c.target_group.map_or("Không thuộc nhóm nào", |g| g.label())),
    ]);
    if let Some(h) = c.helper {
        out.push(Fact::link("Đảng viên giúp đỡ", named_member(d, h), member_href(h)));
    }
    if let Some(t) = &c.tasks {
        out.push(Fact::new("Nhiệm vụ được giao", t.clone()));
    }
    match (&c.certificate, d.certificate_valid_until) {
        (Some(cert), until) => out.push(Fact::new(
            "Giấy chứng nhận lớp nhận thức về Đảng",
            format!(
                "Số {}, cấp ngày {}, {}{}",
                cert.number,
                format::date(cert.issued_on),
                cert.issuer,
                until.map(|u| format!("; còn giá trị đến {}", format::date(u))).unwrap_or_default()
            ),
        )),
        (None, _) => out.push(Fact::new("Giấy chứng nhận lớp nhận thức về Đảng", "Chưa có")),
    }
    if let Some(e) = c.education_exception {
        out.push(Fact::new(
            "Ngoại lệ về trình độ",
            match e {
                domain::admission::EducationException::DisadvantagedArea => {
                    "Miền núi, hải đảo, vùng đồng bào dân tộc thiểu số, vùng đặc biệt khó khăn"
                }
                domain::admission::EducationException::VillageElder => "Già làng, trưởng bản ở vùng đặc biệt khó khăn",
            },
        ));
    }
    if let Some(on) = c.province_consent_on {
        out.push(Fact::new("Tỉnh ủy đồng ý bằng văn bản", format!("Ngày {}", format::date(on))));
    }
    if let Some(m) = c.former_member {
        out.push(Fact::link("Kết nạp lại: hồ sơ đảng viên cũ", named_member(d, m), member_href(m)));
    }
    if let Some(on) = c.record_expunged_on {
        out.push(Fact::new("Ngày được xóa án tích", format::date(on)));
    }
    if c.readmission_barred {
        out.push(Fact::new("Lý do ra khỏi Đảng", "Thuộc trường hợp không được kết nạp lại"));
    }
    if let Some(n) = &c.note {
        out.push(Fact::new("Ghi chú", n.clone()));
    }
    out
}

/// The case page; `problems` and `conflict` come from a refused void, `reason` keeps what was typed.
async fn case_view(
    desk: &AdmissionDesk<'_>,
    chrome: Chrome,
    d: &CaseDetail,
    problems: Vec<String>,
    conflict: bool,
    reason: &str,
) -> CasePage {
    let unit = d.candidate.unit;
    let may_file = desk.may_file(unit).await;
    let may_decide = desk.may_decide(unit).await;
    let next = d
        .next_steps
        .iter()
        .filter(|k| if k.is_decision() { may_decide } else { may_file })
        .map(|k| NextLink {
            href: format!("/admission/cases/{}/steps/new?kind={}", d.id, k.code()),
            label: k.label(),
            decision: k.is_decision(),
            closing: *k == StepKind::Closed,
        })
        .collect();
    let last = d.steps.iter().rev().find(|s| s.voided.is_none());
    let void = last.filter(|s| may_file && !s.data.kind().writes_register()).map(|s| VoidForm {
        action: format!("/admission/cases/{}/steps/{}/void", d.id, s.id),
        kind: s.data.kind().label(),
        date: format::date(s.data.on()),
        reason: reason.to_owned(),
    });
    let probation = matches!(d.stage, Stage::AwaitingCeremony | Stage::Probation | Stage::AwaitingRecognition);
    CasePage {
        chrome: chrome.titled(d.candidate.identity.full_name.to_string()),
        name: d.candidate.identity.full_name.to_string(),
        stage: d.stage.label(),
        open: d.stage.is_open(),
        unit: Link { href: board_href(unit), label: d.unit_name.clone() },
        birth: format!("{}, sinh ngày {}", d.candidate.identity.gender.label(), format::date(d.candidate.identity.birth_date)),
        facts: facts(d),
        member: d.member.map(member_href),
        official: d.official_date.filter(|_| probation).map(format::date),
        blockers: d.blockers.iter().map(|b| BlockerView { message: b.message.clone(), source: b.source }).collect(),
        due: d
            .due
            .iter()
            .map(|(item, u)| DueView {
                label: item.label,
                due: format::date(item.due),
                actor: actor_label(item.actor),
                badge: badge(*u),
                source: item.source,
            })
            .collect(),
        steps: d
            .steps
            .iter()
            .map(|s| StepView {
                id: s.id,
                kind: s.data.kind().label(),
                date: format::date(s.data.on()),
                details: step_details(&s.data, d),
                recorded: format!("{}, {}", s.recorded_by, format::instant(s.recorded_at)),
                voided: s
                    .voided
                    .as_ref()
                    .map(|(at, by, reason)| Voided { reason: reason.clone(), by: format!("{by}, {}", format::instant(*at)) }),
            })
            .collect(),
        next,
        void,
        version: d.version,
        edit_href: may_file.then(|| format!("/admission/cases/{}/edit", d.id)),
        problems,
        conflict,
        updated: format!("{}, {}", d.updated_by, format::instant(d.updated_at)),
    }
}

/// `GET /admission/cases/{id}`: the candidate, what stops the file, what is due, the steps.
pub(super) async fn case_page(s: Caller, chrome: Chrome, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    let desk = s.admission()?;
    let d = desk.case(id).await?;
    page(&case_view(&desk, chrome, &d, Vec::new(), false, "").await)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct VoidPost {
    version: String,
    reason: String,
}

/// `POST /admission/cases/{id}/steps/{step}/void`: voids the last step (a typing mistake).
pub(super) async fn void_step(
    s: Caller,
    chrome: Chrome,
    PathIds(id, step): PathIds<i64, i64>,
    Form(form): Form<VoidPost>,
) -> Result<Response, AppError> {
    let desk = s.admission()?;
    desk.require_filing(id).await?;
    let d = desk.case(id).await?;
    let version: i64 = form.version.trim().parse().map_err(|_| AppError::bad_request("Thiếu phiên bản của hồ sơ."))?;
    let refused = match desk.void_step(d.id, version, step, form.reason.clone()).await {
        Ok(()) => return Ok(see_other(&format!("{}#buoc", case_href(d.id)))),
        Err(e) => forms::refusal(e)?,
    };
    let (status, conflict) = (refused.status(), refused.is_conflict());
    let fresh = desk.case(d.id).await?;
    render(status, &case_view(&desk, chrome, &fresh, forms::messages(refused.errors()), conflict, &form.reason).await)
}

fn together_label(t: Together) -> &'static str {
    match t {
        Together::Work => "cùng công tác",
        Together::Study => "cùng học tập",
        Together::Residence => "cùng cư trú",
    }
}
