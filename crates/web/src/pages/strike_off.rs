//! `/units/{id}/strike-off`: proposals to strike a member's name off (đề nghị xóa tên,
//! docs/design/strike-off.md) — the members under a unit the data shows with the evidence (the
//! months absent without reason; probationary members not qualified or left unexamined, who are
//! decided on their admission case), the chi bộ's resolution proposing it (its secretary or the
//! organization board), the committee's decision, which writes the register's event.

use askama::Template;
use axum::response::Response;

use domain::access::Capability;
use domain::dates::parse_date;
use domain::event::StrikeOffReason;
use domain::ids::{DecisionNumber, MemberId, UnitId};
use domain::strike_off::{Decision, ProposalInput, Resolution};
use domain::unit::LegalBasis;
use domain::{FieldError, ValidationErrors};
use storage::access::Access;
use storage::{ScopeTarget, StoreError, StrikeOffProposalView};

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId};
use crate::format;
use crate::forms;
use crate::pages::Link;
use crate::pages::directives::unit_label;
use crate::policy::{Policy, Route};
use crate::respond::{page, render, see_other};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![
        Route::get("/units/{id}/strike-off", read, show),
        Route::post("/units/{id}/strike-off", read, propose),
        Route::post("/strike-off/{id}/decide", read, decide),
    ]
}

fn get<'a>(f: &'a [(String, String)], name: &str) -> &'a str {
    f.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

struct FlagRow {
    member: Link,
    member_id: MemberId,
    unit: String,
    trigger: String,
    /// The reason a proposal on this flag gives (its code).
    reason: &'static str,
    evidence: String,
    /// The admission case (a probationary member), when this person may open it.
    case_href: Option<String>,
    /// The chi bộ's resolution may be recorded here by this person.
    proposable: bool,
    pending: bool,
}

struct ProposalRow {
    id: i64,
    version: i64,
    member: Link,
    unit: String,
    reason: String,
    evidence: String,
    resolution: String,
    decision: Option<String>,
    decidable: bool,
}

async fn proposal_row(s: &Access, p: &StrikeOffProposalView, decidable: bool) -> ProposalRow {
    let member =
        Link::if_allowed(s, "/members/{id}", Some(ScopeTarget::Member(p.member)), format!("/members/{}", p.member), p.full_name.clone())
            .await;
    let r = &p.input.resolution;
    let decision = p.decision.as_ref().map(|d| match d {
        Decision::StruckOff { basis } => {
            format!("Đã xóa tên: Quyết định số {} ngày {} của {}", basis.number, format::date(basis.date), basis.issuer)
        }
        Decision::Kept { on, reason } => format!("Không xóa tên ({}): {reason}", format::date(*on)),
    });
    ProposalRow {
        id: p.id,
        version: p.version,
        member,
        unit: p.unit_name.clone(),
        reason: p.reason_label.clone(),
        evidence: p.input.evidence.clone(),
        resolution: format!("{} ngày {} — {}/{} đảng viên chính thức tán thành", r.text, format::date(r.on), r.votes_for, r.votes_counted),
        decidable: decidable && p.decision.is_none(),
        decision,
    }
}

#[derive(Template)]
#[template(path = "strike_off.html")]
struct StrikeOffPage {
    chrome: Chrome,
    unit: UnitId,
    unit_label: String,
    as_of: String,
    flags: Vec<FlagRow>,
    pending: Vec<ProposalRow>,
    decided: Vec<ProposalRow>,
    errors: Vec<String>,
    today: String,
}

async fn strike_off_page(s: &Access, chrome: Chrome, unit: UnitId, errors: Vec<String>) -> Result<StrikeOffPage, AppError> {
    let desk = s.strike_off()?;
    let list = desk.list(unit).await?;
    let mut flags = Vec::new();
    for f in &list.flags {
        let member = Link::if_allowed(
            s,
            "/members/{id}",
            Some(ScopeTarget::Member(f.member)),
            format!("/members/{}", f.member),
            f.full_name.clone(),
        )
        .await;
        let case_href = match f.case {
            Some(c) if crate::policy::may_open(s, "/admission/cases/{id}", None).await => Some(format!("/admission/cases/{c}")),
            _ => None,
        };
        let proposable = !f.trigger.on_the_case() && f.pending_proposal.is_none() && desk.may_propose(f.member).await;
        flags.push(FlagRow {
            member,
            member_id: f.member,
            unit: f.unit_name.clone(),
            trigger: f.trigger_label.clone(),
            reason: f.trigger.reason().code(),
            evidence: f.evidence.clone(),
            case_href,
            proposable,
            pending: f.pending_proposal.is_some(),
        });
    }
    let mut pending = Vec::new();
    for p in &list.pending {
        pending.push(proposal_row(s, p, desk.may_decide(p.member).await).await);
    }
    let mut decided = Vec::new();
    for p in &list.decided {
        decided.push(proposal_row(s, p, false).await);
    }
    Ok(StrikeOffPage {
        chrome: chrome.titled(format!("Đề nghị xóa tên: {}", list.unit_name)),
        unit,
        unit_label: unit_label(s, unit, &list.unit_name),
        as_of: format::date(list.as_of),
        flags,
        pending,
        decided,
        errors,
        today: format::date(s.today()),
    })
}

/// `GET /units/{id}/strike-off`.
async fn show(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>) -> Result<Response, AppError> {
    page(&strike_off_page(&s, chrome, unit, Vec::new()).await?)
}

fn field_error(field: &str, e: FieldError) -> ValidationErrors {
    ValidationErrors { errors: vec![FieldError { field: field.into(), ..e }] }
}

fn count(f: &[(String, String)], name: &str, label: &str) -> Result<u32, ValidationErrors> {
    get(f, name).trim().parse().map_err(|_| ValidationErrors::single(name, "not_a_number", format!("{label}: ghi một số.")))
}

/// What the resolution's form says.
fn typed_proposal(f: &[(String, String)]) -> Result<ProposalInput, ValidationErrors> {
    let on = parse_date(get(f, "resolution_on")).map_err(|e| field_error("resolution_on", e))?;
    Ok(ProposalInput {
        reason: match get(f, "reason").trim() {
            "" => StrikeOffReason::AbandonedActivities,
            code => StrikeOffReason::parse(code).map_err(|e| field_error("reason", e))?,
        },
        evidence: get(f, "evidence").to_owned(),
        resolution: Resolution {
            on,
            text: get(f, "resolution_text").to_owned(),
            votes_for: count(f, "votes_for", "Số tán thành")?,
            votes_counted: count(f, "votes_counted", "Số đảng viên chính thức tính biểu quyết")?,
        },
    })
}

async fn refused(s: Caller, chrome: Chrome, unit: UnitId, e: StoreError) -> Result<Response, AppError> {
    let refusal = forms::refusal(e)?;
    let status = refusal.status();
    let errors = if refusal.is_conflict() {
        vec!["Đề nghị vừa được người khác cập nhật; xem lại rồi làm lại.".to_owned()]
    } else {
        forms::messages(refusal.errors())
    };
    render(status, &strike_off_page(&s, chrome, unit, errors).await?)
}

/// `POST /units/{id}/strike-off` (member_id, evidence, resolution_on, resolution_text,
/// votes_for, votes_counted): the chi bộ's resolution on a member the data shows.
async fn propose(
    s: Caller,
    chrome: Chrome,
    PathId(unit): PathId<UnitId>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.strike_off()?;
    desk.require_propose_under(unit).await?;
    let member = MemberId(get(&f, "member_id").trim().parse().map_err(|_| AppError::bad_request("Thiếu đảng viên được đề nghị."))?);
    desk.require_propose(member).await?;
    let result = match typed_proposal(&f) {
        Ok(input) => desk.propose(member, input).await.map(|_| ()),
        Err(e) => Err(StoreError::Invalid(e)),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/units/{unit}/strike-off"))),
        Err(e) => refused(s, chrome, unit, e).await,
    }
}

/// What the decision's form says: `decision` = `xoa-ten` (number, date, issuer) or `giu-lai`
/// (date, reason).
fn typed_decision(f: &[(String, String)]) -> Result<Decision, ValidationErrors> {
    let on = parse_date(get(f, "decision_date")).map_err(|e| field_error("decision_date", e))?;
    match get(f, "decision") {
        "xoa-ten" => {
            let number = DecisionNumber::parse(get(f, "decision_number")).map_err(|e| field_error("decision_number", e))?;
            Ok(Decision::StruckOff { basis: LegalBasis { number, date: on, issuer: get(f, "issuer").to_owned() } })
        }
        "giu-lai" => Ok(Decision::Kept { on, reason: get(f, "reason").to_owned() }),
        _ => Err(ValidationErrors::single("decision", "required", "Chọn xóa tên hoặc không xóa tên.")),
    }
}

/// `POST /strike-off/{id}/decide` (version, decision, …): the committee's decision.
async fn decide(s: Caller, chrome: Chrome, PathId(id): PathId<i64>, Form(f): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let desk = s.strike_off()?;
    let p = desk.require_decide(id).await?;
    let back = get(&f, "unit").trim().parse::<i64>().map(UnitId).unwrap_or(p.unit);
    let version: i64 = get(&f, "version").trim().parse().map_err(|_| AppError::bad_request(forms::VERSION_REQUIRED))?;
    let result = match typed_decision(&f) {
        Ok(d) => desk.decide(id, version, d).await,
        Err(e) => Err(StoreError::Invalid(e)),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/units/{back}/strike-off"))),
        Err(e) => refused(s, chrome, back, e).await,
    }
}

/// The link to a unit's strike-off list (on its page), for those who read it.
pub(crate) fn href(unit: UnitId) -> String {
    format!("/units/{unit}/strike-off")
}
