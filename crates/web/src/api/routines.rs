//! Member routines in the API (rules.md §5.2, §5.4, §6, §7; docs/design/member-routines.md):
//! `/api/v1/members/{id}/party-work` a member's discipline, exemptions, cards and badges, and the
//! posts that record each; `/api/v1/units/{id}/disciplines|exemptions|cards|cards/check` a unit's
//! registers; `/api/v1/units/{id}/badges` who is due at an award day, `/api/v1/units/{id}/badge-lists…`
//! the proposal lists; `/api/v1/units/{id}/member-work` the 7-BTCTW report with the members behind
//! each line. Every member, unit, discipline, exemption, card and list named is checked against
//! the caller's scope before the body is read; outside it the answer is 404.

use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use domain::badges::{Circumstance, HoldRule, Verdict};
use domain::cards::{CardEnd, CardNumber, Finding, Issue, IssueKind, Series};
use domain::discipline::{Form, Interruption, Standing};
use domain::exemptions::{Exemption, Ground, Renewal};
use domain::ids::{DecisionNumber, MemberId, UnitId};
use storage::{BadgeRow, Candidate, DisciplineInput, DisciplineView};

use super::bodies::DateText;
use super::units::created;
use super::{Created, ErrorEnvelope};
use crate::error::AppError;
use crate::extract::{Json, PathId, PathIds, Query, typed};
use crate::policy::{Policy, Route};
use crate::query::{param, parse_query_date};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(domain::access::Capability::ReadRegister);
    vec![
        Route::get("/api/v1/members/{id}/party-work", read, member),
        Route::post("/api/v1/members/{id}/disciplines", read, record_discipline),
        Route::post("/api/v1/members/{id}/disciplines/{item}/interruptions", read, interruption),
        Route::post("/api/v1/members/{id}/disciplines/{item}/lift", read, lift),
        Route::post("/api/v1/members/{id}/exemptions", read, record_exemption),
        Route::post("/api/v1/members/{id}/exemptions/{item}/renew", read, renew),
        Route::post("/api/v1/members/{id}/exemptions/{item}/end", read, end_exemption),
        Route::post("/api/v1/members/{id}/cards", read, issue_card),
        Route::post("/api/v1/members/{id}/cards/{item}/end", read, end_card),
        Route::post("/api/v1/members/{id}/badges", read, record_badge),
        Route::get("/api/v1/units/{id}/disciplines", read, disciplines),
        Route::get("/api/v1/units/{id}/exemptions", read, exemptions),
        Route::get("/api/v1/units/{id}/cards", read, cards),
        Route::get("/api/v1/units/{id}/cards/check", read, card_check),
        Route::get("/api/v1/units/{id}/badges", read, badges_due),
        Route::post("/api/v1/units/{id}/badge-lists", read, open_list),
        Route::get("/api/v1/units/{id}/badge-lists/{list}", read, badge_list),
        Route::post("/api/v1/units/{id}/badge-lists/{list}/lines", read, add_line),
        Route::post("/api/v1/units/{id}/badge-lists/{list}/remove", read, remove_line),
        Route::post("/api/v1/units/{id}/badge-lists/{list}/send", read, send_list),
        Route::post("/api/v1/units/{id}/badge-lists/{list}/decision", read, decide_list),
        Route::get("/api/v1/units/{id}/member-work", read, member_work),
    ]
}

fn date(field: &str, d: &DateText) -> Result<NaiveDate, AppError> {
    domain::dates::parse_date(&d.to_string()).map_err(|mut e| {
        e.field = field.to_owned();
        AppError::validation(domain::ValidationErrors { errors: vec![e] })
    })
}

fn opt_date(field: &str, d: &Option<DateText>) -> Result<Option<NaiveDate>, AppError> {
    d.as_ref().map(|d| date(field, d)).transpose()
}

fn decision(field: &str, s: &str) -> Result<DecisionNumber, AppError> {
    DecisionNumber::parse(s).map_err(|mut e| {
        e.field = field.to_owned();
        AppError::validation(domain::ValidationErrors { errors: vec![e] })
    })
}

/// Done.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoutineDone {
    pub ok: bool,
}

fn done() -> Response {
    axum::Json(RoutineDone { ok: true }).into_response()
}

// ── Bodies of what is read ──

/// Where a discipline stands today.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisciplineStandingBody {
    /// `chua-cong-bo`, `con-hieu-luc`, `giu-hieu-luc` (a complaint or new violation: until a
    /// decision), `khai-tru`, `het-hieu-luc`.
    pub code: &'static str,
    /// Running: the day it stops having effect; ended: the day it did.
    pub on: Option<NaiveDate>,
}

fn standing_body(s: Standing) -> DisciplineStandingBody {
    match s {
        Standing::NotYetInForce => DisciplineStandingBody { code: "chua-cong-bo", on: None },
        Standing::Running { ends_on } => DisciplineStandingBody { code: "con-hieu-luc", on: Some(ends_on) },
        Standing::Held => DisciplineStandingBody { code: "giu-hieu-luc", on: None },
        Standing::Permanent => DisciplineStandingBody { code: "khai-tru", on: None },
        Standing::Ended { on } => DisciplineStandingBody { code: "het-hieu-luc", on: Some(on) },
    }
}

/// Something recorded within a discipline's 12 months.
#[derive(Debug, Serialize, ToSchema)]
pub struct InterruptionBody {
    pub kind: Interruption,
    pub on: NaiveDate,
    pub note: String,
}

/// A discipline on the register.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisciplineBody {
    pub id: i64,
    pub version: i64,
    pub member: i64,
    pub member_name: String,
    pub unit_name: String,
    pub form: Form,
    pub body: String,
    pub decision: String,
    pub decided_on: NaiveDate,
    pub announced_on: NaiveDate,
    pub reason: String,
    pub post: Option<String>,
    pub lifted_on: Option<NaiveDate>,
    pub lift_decision: Option<String>,
    /// The register's expulsion event.
    pub event: Option<i64>,
    pub interruptions: Vec<InterruptionBody>,
    pub standing: DisciplineStandingBody,
}

fn discipline_body(d: &DisciplineView) -> DisciplineBody {
    DisciplineBody {
        id: d.row.id,
        version: d.row.version,
        member: d.row.member.0,
        member_name: d.member_name.clone(),
        unit_name: d.unit_name.clone(),
        form: d.row.form,
        body: d.row.body.clone(),
        decision: d.row.decision.clone(),
        decided_on: d.row.decided_on,
        announced_on: d.row.announced_on,
        reason: d.row.reason.clone(),
        post: d.row.post.clone(),
        lifted_on: d.row.lifted_on,
        lift_decision: d.row.lift_decision.clone(),
        event: d.row.event,
        interruptions: d.interruptions.iter().map(|i| InterruptionBody { kind: i.kind, on: i.on, note: i.note.clone() }).collect(),
        standing: standing_body(d.standing),
    }
}

/// Where an exemption stands today.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExemptionStandingBody {
    /// `khong-thoi-han`, `dang-mien`, `sap-het-han` (within 30 days), `qua-han` (past its end,
    /// neither renewed nor ended), `da-thoi-mien`.
    pub code: &'static str,
    pub until: Option<NaiveDate>,
}

fn exemption_standing(s: Option<domain::exemptions::Standing>) -> ExemptionStandingBody {
    use domain::exemptions::Standing as S;
    match s {
        Some(S::OpenEnded) => ExemptionStandingBody { code: "khong-thoi-han", until: None },
        Some(S::Running { until }) => ExemptionStandingBody { code: "dang-mien", until: Some(until) },
        Some(S::EndingSoon { until, .. }) => ExemptionStandingBody { code: "sap-het-han", until: Some(until) },
        Some(S::Overdue { until }) => ExemptionStandingBody { code: "qua-han", until: Some(until) },
        None => ExemptionStandingBody { code: "da-thoi-mien", until: None },
    }
}

/// A renewal of an exemption.
#[derive(Debug, Serialize, ToSchema)]
pub struct RenewalBody {
    pub resolution: String,
    pub resolved_on: NaiveDate,
    pub until_before: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

/// An exemption (absent `id`: the register shows the member exempt from an event recorded
/// without the period).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExemptionBody {
    pub id: Option<i64>,
    pub version: Option<i64>,
    pub member: i64,
    pub member_name: String,
    pub ground: Option<Ground>,
    pub resolution: Option<String>,
    pub resolved_on: Option<NaiveDate>,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub renewals: Vec<RenewalBody>,
    pub standing: ExemptionStandingBody,
}

/// A party card.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardBody {
    pub id: i64,
    pub version: i64,
    pub member: i64,
    pub series: Series,
    pub number: String,
    pub kind: IssueKind,
    pub issued_on: NaiveDate,
    pub decision: String,
    pub round: String,
    pub ended_on: Option<NaiveDate>,
    pub end: Option<CardEnd>,
    pub end_note: Option<String>,
}

fn card_body(c: &storage::CardRow) -> CardBody {
    CardBody {
        id: c.id,
        version: c.version,
        member: c.member.0,
        series: c.series,
        number: c.number.as_str().to_owned(),
        kind: c.kind,
        issued_on: c.issued_on,
        decision: c.decision.clone(),
        round: c.round.clone(),
        ended_on: c.ended_on,
        end: c.end,
        end_note: c.end_note.clone(),
    }
}

/// A badge a member holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct BadgeBody {
    pub milestone: u32,
    pub awarded_on: NaiveDate,
    pub decision: String,
    pub issuer: String,
    pub circumstance: Circumstance,
    /// The proposal list it was decided on.
    pub list: Option<i64>,
}

fn badge_body(b: &BadgeRow) -> BadgeBody {
    BadgeBody {
        milestone: b.milestone,
        awarded_on: b.awarded_on,
        decision: b.decision.clone(),
        issuer: b.issuer.clone(),
        circumstance: b.circumstance,
        list: b.list,
    }
}

/// A member's discipline, exemptions, cards and badges.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartyWorkBody {
    pub member: i64,
    pub disciplines: Vec<DisciplineBody>,
    pub exemptions: Vec<ExemptionBody>,
    pub cards: Vec<CardBody>,
    pub badges: Vec<BadgeBody>,
}

#[utoipa::path(get, path = "/api/v1/members/{id}/party-work", tag = "party-work", params(("id" = i64, Path, description = "Member id")),
    responses((status = 200, description = "The member's discipline, exemptions, cards and badges", body = PartyWorkBody)))]
async fn member(s: Caller, PathId(member): PathId<MemberId>) -> Result<Response, AppError> {
    let disciplines = s.discipline()?.member(member).await?;
    let name = disciplines.first().map(|d| d.member_name.clone()).unwrap_or_default();
    let exemptions = s.exemptions()?.member(member).await?;
    let cards = s.cards()?.member(member).await?;
    let badges = s.badges()?.member(member).await?;
    Ok(axum::Json(PartyWorkBody {
        member: member.0,
        disciplines: disciplines.iter().map(discipline_body).collect(),
        exemptions: exemptions
            .iter()
            .map(|x| ExemptionBody {
                id: Some(x.row.id),
                version: Some(x.row.version),
                member: member.0,
                member_name: name.clone(),
                ground: Some(x.row.ground),
                resolution: Some(x.row.resolution.clone()),
                resolved_on: Some(x.row.resolved_on),
                from: Some(x.row.from),
                until: x.row.until,
                ended_on: x.row.ended_on,
                renewals: x
                    .renewals
                    .iter()
                    .map(|r| RenewalBody {
                        resolution: r.resolution.clone(),
                        resolved_on: r.resolved_on,
                        until_before: r.until_before,
                        until: r.until,
                    })
                    .collect(),
                standing: exemption_standing(x.standing.filter(|_| x.row.ended_on.is_none())),
            })
            .collect(),
        cards: cards.iter().map(card_body).collect(),
        badges: badges.iter().map(badge_body).collect(),
    })
    .into_response())
}

// ── Discipline ──

/// A discipline to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisciplineInputBody {
    pub form: Form,
    /// The deciding body ("Chi bộ 1", "Ban Thường vụ Đảng ủy xã").
    pub body: String,
    pub decision: String,
    pub decided_on: DateText,
    pub announced_on: DateText,
    pub reason: String,
    /// The post removed from (cách chức).
    #[serde(default)]
    pub post: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/disciplines", tag = "party-work", params(("id" = i64, Path, description = "Member id")),
    request_body = DisciplineInputBody,
    responses((status = 201, description = "Recorded (an expulsion also writes the register's event)", body = Created),
              (status = 422, description = "A form the member cannot be given (`probationary`, `no_post`), dates out of order (`before_decision`, `future`), not a member then (`not_member`)", body = ErrorEnvelope)))]
async fn record_discipline(s: Caller, PathId(member): PathId<MemberId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.discipline()?;
    desk.require_record(member).await?;
    let b: DisciplineInputBody = typed(body)?;
    let input = DisciplineInput {
        form: b.form,
        body: b.body,
        decision: decision("decision", &b.decision)?,
        decided_on: date("decided_on", &b.decided_on)?,
        announced_on: date("announced_on", &b.announced_on)?,
        reason: b.reason,
        post: b.post.filter(|p| !p.trim().is_empty()),
    };
    Ok(created(desk.record(member, input).await?))
}

/// A complaint or new violation within a discipline's 12 months.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterruptionInput {
    pub kind: Interruption,
    pub on: DateText,
    pub note: String,
    pub version: i64,
}

async fn discipline_of(s: &Caller, member: MemberId, id: i64) -> Result<(), AppError> {
    let view = s.discipline()?.require_write_on(id).await?;
    if view.row.member != member {
        return Err(storage::StoreError::NotFound.into());
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/members/{id}/disciplines/{item}/interruptions", tag = "party-work",
    params(("id" = i64, Path, description = "Member id"), ("item" = i64, Path, description = "The member's discipline")),
    request_body = InterruptionInput,
    responses((status = 200, description = "Recorded: the discipline stays in force until a later decision", body = RoutineDone),
              (status = 409, description = "Changed meanwhile", body = ErrorEnvelope),
              (status = 422, description = "Outside its 12 months (`outside`), an expulsion (`expulsion`)", body = ErrorEnvelope)))]
async fn interruption(
    s: Caller,
    PathIds(member, id): PathIds<MemberId, i64>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
    discipline_of(&s, member, id).await?;
    let b: InterruptionInput = typed(body)?;
    s.discipline()?.interruption(id, b.version, b.kind, date("on", &b.on)?, b.note).await?;
    Ok(done())
}

/// The later decision that ends a discipline.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LiftInput {
    pub decision: String,
    pub on: DateText,
    pub version: i64,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/disciplines/{item}/lift", tag = "party-work",
    params(("id" = i64, Path, description = "Member id"), ("item" = i64, Path, description = "The member's discipline")),
    request_body = LiftInput,
    responses((status = 200, description = "Recorded", body = RoutineDone), (status = 409, description = "Changed meanwhile", body = ErrorEnvelope)))]
async fn lift(s: Caller, PathIds(member, id): PathIds<MemberId, i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    discipline_of(&s, member, id).await?;
    let b: LiftInput = typed(body)?;
    s.discipline()?.lift(id, b.version, date("on", &b.on)?, decision("decision", &b.decision)?).await?;
    Ok(done())
}

// ── Exemptions ──

/// The chi bộ's resolution exempting a member.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExemptionInput {
    pub ground: Ground,
    /// The resolution's number (the register event's basis).
    pub resolution: String,
    pub resolved_on: DateText,
    pub from: DateText,
    /// Absent: until the member asks to return.
    #[serde(default)]
    pub until: Option<DateText>,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/exemptions", tag = "party-work", params(("id" = i64, Path, description = "Member id")),
    request_body = ExemptionInput,
    responses((status = 201, description = "Recorded with the register's `mien-sinh-hoat` event", body = Created),
              (status = 422, description = "Not an official member, dates out of order (`before_resolution`, `before_start`, `future`)", body = ErrorEnvelope)))]
async fn record_exemption(s: Caller, PathId(member): PathId<MemberId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.exemptions()?;
    desk.require_keep(member).await?;
    let b: ExemptionInput = typed(body)?;
    let x = Exemption {
        ground: b.ground,
        resolution: b.resolution,
        resolved_on: date("resolved_on", &b.resolved_on)?,
        from: date("from", &b.from)?,
        until: opt_date("until", &b.until)?,
    };
    Ok(created(desk.record(member, x).await?))
}

/// A renewal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewalInput {
    pub resolution: String,
    pub resolved_on: DateText,
    #[serde(default)]
    pub until: Option<DateText>,
    pub version: i64,
}

async fn exemption_of(s: &Caller, member: MemberId, id: i64) -> Result<(), AppError> {
    if s.exemptions()?.require_write_on(id).await?.member != member {
        return Err(storage::StoreError::NotFound.into());
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/members/{id}/exemptions/{item}/renew", tag = "party-work",
    params(("id" = i64, Path, description = "Member id"), ("item" = i64, Path, description = "The member's exemption")),
    request_body = RenewalInput,
    responses((status = 200, description = "Renewed", body = RoutineDone), (status = 422, description = "Not later than the current end (`not_later`), open-ended (`open_ended`)", body = ErrorEnvelope)))]
async fn renew(s: Caller, PathIds(member, id): PathIds<MemberId, i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    exemption_of(&s, member, id).await?;
    let b: RenewalInput = typed(body)?;
    let r = Renewal { resolution: b.resolution, resolved_on: date("resolved_on", &b.resolved_on)?, until: opt_date("until", &b.until)? };
    s.exemptions()?.renew(id, b.version, r).await?;
    Ok(done())
}

/// The member's return.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExemptionEndInput {
    pub resolution: String,
    pub on: DateText,
    pub version: i64,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/exemptions/{item}/end", tag = "party-work",
    params(("id" = i64, Path, description = "Member id"), ("item" = i64, Path, description = "The member's exemption")),
    request_body = ExemptionEndInput,
    responses((status = 200, description = "Ended with the register's `thoi-mien` event", body = RoutineDone)))]
async fn end_exemption(
    s: Caller,
    PathIds(member, id): PathIds<MemberId, i64>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
    exemption_of(&s, member, id).await?;
    let b: ExemptionEndInput = typed(body)?;
    s.exemptions()?.end(id, b.version, date("on", &b.on)?, decision("resolution", &b.resolution)?).await?;
    Ok(done())
}

// ── Cards ──

/// A card to issue.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CardInput {
    pub series: Series,
    /// The 2003 series: 8 digits; the 2025 series: as the site sets it (8–12 digits by default).
    pub number: String,
    pub kind: IssueKind,
    pub issued_on: DateText,
    pub decision: String,
    #[serde(default)]
    pub round: String,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/cards", tag = "party-work", params(("id" = i64, Path, description = "Member id")),
    request_body = CardInput,
    responses((status = 201, description = "Issued; the card in use ends as the kind says", body = Created),
              (status = 422, description = "A number of the wrong shape (`length`, `not_digits`) or held already (`duplicate`), not an official member (`not_official`), a kind that does not fit (`has_card`, `no_card`, `renewal_series`)", body = ErrorEnvelope)))]
async fn issue_card(s: Caller, PathId(member): PathId<MemberId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.cards()?;
    desk.require_keep(member).await?;
    let b: CardInput = typed(body)?;
    let number = CardNumber::parse(b.series, &b.number, desk.settings())
        .map_err(|e| AppError::validation(domain::ValidationErrors { errors: vec![e] }))?;
    let issue =
        Issue { series: b.series, number, kind: b.kind, issued_on: date("issued_on", &b.issued_on)?, decision: b.decision, round: b.round };
    Ok(created(desk.issue(member, issue).await?))
}

/// How a card in use ended.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CardEndInput {
    pub how: CardEnd,
    pub on: DateText,
    #[serde(default)]
    pub note: String,
    pub version: i64,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/cards/{item}/end", tag = "party-work",
    params(("id" = i64, Path, description = "Member id"), ("item" = i64, Path, description = "The member's card")),
    request_body = CardEndInput,
    responses((status = 200, description = "Recorded", body = RoutineDone),
              (status = 422, description = "Recovered from a member still in the Party (`still_member`), kept by the family of a living member (`not_deceased`)", body = ErrorEnvelope)))]
async fn end_card(
    s: Caller,
    PathIds(member, id): PathIds<MemberId, i64>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
    if s.cards()?.require_write_on(id).await?.member != member {
        return Err(storage::StoreError::NotFound.into());
    }
    let b: CardEndInput = typed(body)?;
    s.cards()?.end(id, b.version, date("on", &b.on)?, b.how, b.note).await?;
    Ok(done())
}

// ── Badges ──

/// A badge held from before the register kept them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BadgeInput {
    /// 30, 40, 45, 50, …, 90.
    #[schema(minimum = 30, maximum = 90)]
    pub milestone: u32,
    pub awarded_on: DateText,
    pub decision: String,
    pub issuer: String,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/badges", tag = "party-work", params(("id" = i64, Path, description = "Member id")),
    request_body = BadgeInput,
    responses((status = 201, description = "Recorded", body = Created), (status = 422, description = "Not a milestone (`unknown`), held already (`duplicate`)", body = ErrorEnvelope)))]
async fn record_badge(s: Caller, PathId(member): PathId<MemberId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.badges()?;
    desk.require_keep_member(member).await?;
    let b: BadgeInput = typed(body)?;
    let badge = BadgeRow {
        id: 0,
        member,
        milestone: b.milestone,
        awarded_on: date("awarded_on", &b.awarded_on)?,
        decision: decision("decision", &b.decision)?.as_str().to_owned(),
        issuer: b.issuer,
        circumstance: Circumstance::Ordinary,
        list: None,
    };
    Ok(created(desk.record(member, badge).await?))
}

// ── Registers of a unit ──

/// The registers' query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct SinceParams {
    /// Disciplines announced, exemptions ended on or after this day (default: 1 January of last year for disciplines, of this year for exemptions).
    #[param(value_type = Option<crate::query::QueryDate>)]
    pub since: String,
}

fn since(p: &SinceParams, default: NaiveDate) -> Result<NaiveDate, AppError> {
    Ok(param("since", parse_query_date(&p.since))?.unwrap_or(default))
}

#[utoipa::path(get, path = "/api/v1/units/{id}/disciplines", tag = "party-work", params(("id" = i64, Path, description = "Unit id"), SinceParams),
    responses((status = 200, description = "The disciplines of the unit's members", body = Vec<DisciplineBody>)))]
async fn disciplines(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<SinceParams>) -> Result<Response, AppError> {
    use chrono::Datelike;
    let today = s.today();
    let since = since(&p, NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today))?;
    let list = s.discipline()?.register(unit, since).await?;
    Ok(axum::Json(list.iter().map(discipline_body).collect::<Vec<_>>()).into_response())
}

#[utoipa::path(get, path = "/api/v1/units/{id}/exemptions", tag = "party-work", params(("id" = i64, Path, description = "Unit id"), SinceParams),
    responses((status = 200, description = "Members exempt today (ending soonest first) and those who returned since", body = Vec<ExemptionBody>)))]
async fn exemptions(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<SinceParams>) -> Result<Response, AppError> {
    use chrono::Datelike;
    let today = s.today();
    let since = since(&p, NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today))?;
    let lines = s.exemptions()?.register(unit, since).await?;
    let body: Vec<ExemptionBody> = lines
        .iter()
        .map(|l| ExemptionBody {
            id: l.row.as_ref().map(|r| r.id),
            version: l.row.as_ref().map(|r| r.version),
            member: l.member.0,
            member_name: l.member_name.clone(),
            ground: l.row.as_ref().map(|r| r.ground),
            resolution: l.row.as_ref().map(|r| r.resolution.clone()),
            resolved_on: l.row.as_ref().map(|r| r.resolved_on),
            from: l.row.as_ref().map(|r| r.from),
            until: l.row.as_ref().and_then(|r| r.until),
            ended_on: l.row.as_ref().and_then(|r| r.ended_on),
            renewals: Vec::new(),
            standing: exemption_standing(l.standing),
        })
        .collect();
    Ok(axum::Json(body).into_response())
}

/// A member on the card register.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardLineBody {
    pub member: i64,
    pub member_name: String,
    pub unit: i64,
    pub unit_name: String,
    pub status: domain::history::Status,
    pub card: Option<CardBody>,
}

#[utoipa::path(get, path = "/api/v1/units/{id}/cards", tag = "party-work", params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "The unit's members with their card in use", body = Vec<CardLineBody>)))]
async fn cards(s: Caller, PathId(unit): PathId<UnitId>) -> Result<Response, AppError> {
    let lines = s.cards()?.register(unit).await?;
    let body: Vec<CardLineBody> = lines
        .iter()
        .map(|l| CardLineBody {
            member: l.member.0,
            member_name: l.member_name.clone(),
            unit: l.unit.0,
            unit_name: l.unit_name.clone(),
            status: l.status,
            card: l.card.as_ref().map(card_body),
        })
        .collect();
    Ok(axum::Json(body).into_response())
}

/// A finding of the card check.
#[derive(Debug, Serialize, ToSchema)]
pub struct FindingBody {
    pub member: i64,
    pub member_name: String,
    pub unit_name: String,
    pub finding: Finding,
    pub detail: String,
}

/// The card check.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardCheckBody {
    pub unit: i64,
    pub on: NaiveDate,
    pub checked: u32,
    pub with_card: u32,
    pub findings: Vec<FindingBody>,
}

#[utoipa::path(get, path = "/api/v1/units/{id}/cards/check", tag = "party-work", params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "Members with a missing, duplicate or mismatched card, a probationary member's card, cards not recovered", body = CardCheckBody)))]
async fn card_check(s: Caller, PathId(unit): PathId<UnitId>) -> Result<Response, AppError> {
    let c = s.cards()?.check(unit).await?;
    Ok(axum::Json(CardCheckBody {
        unit: unit.0,
        on: c.on,
        checked: c.checked,
        with_card: c.with_card,
        findings: c
            .findings
            .iter()
            .map(|f| FindingBody {
                member: f.member.0,
                member_name: f.member_name.clone(),
                unit_name: f.unit_name.clone(),
                finding: f.finding,
                detail: f.detail.clone(),
            })
            .collect(),
    })
    .into_response())
}

/// What holds a badge back.
#[derive(Debug, Serialize, ToSchema)]
pub struct HoldBody {
    pub form: Form,
    /// `hieu-luc` (the discipline in force, 69-QĐ/TW art. 2.13) or the wait rule's code.
    pub rule: String,
    pub until: Option<NaiveDate>,
}

/// A member's standing for an award day.
#[derive(Debug, Serialize, ToSchema)]
pub struct BadgeCandidateBody {
    pub member: i64,
    pub member_name: String,
    pub unit_name: String,
    pub party_age_months: u32,
    pub held_badge: Option<u32>,
    pub circumstance: Circumstance,
    /// `du-dieu-kien` or `chua-xet`.
    pub verdict: &'static str,
    pub milestone: u32,
    pub early_months: u32,
    pub hold: Option<HoldBody>,
}

fn candidate_body(c: &Candidate) -> Option<BadgeCandidateBody> {
    let (verdict, milestone, early_months, hold) = match c.verdict {
        Verdict::Due { milestone, early_months } => ("du-dieu-kien", milestone, early_months, None),
        Verdict::Held { milestone, hold } => {
            let rule = match hold.rule {
                HoldRule::InForce => "hieu-luc".to_owned(),
                HoldRule::Wait(w) => w.code().to_owned(),
            };
            ("chua-xet", milestone, 0, Some(HoldBody { form: hold.form, rule, until: hold.until }))
        }
        _ => return None,
    };
    Some(BadgeCandidateBody {
        member: c.member.0,
        member_name: c.member_name.clone(),
        unit_name: c.unit_name.clone(),
        party_age_months: c.party_age_months,
        held_badge: c.held,
        circumstance: c.circumstance,
        verdict,
        milestone,
        early_months,
        hold,
    })
}

/// A proposal list.
#[derive(Debug, Serialize, ToSchema)]
pub struct BadgeListSummary {
    pub id: i64,
    pub version: i64,
    pub unit: i64,
    pub unit_name: String,
    pub award_on: NaiveDate,
    /// `du-thao`, `da-gui`, `da-quyet-dinh`.
    pub status: &'static str,
    pub wait_rule: domain::badges::WaitRule,
    pub sent_on: Option<NaiveDate>,
    pub decision: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub issuer: Option<String>,
}

fn list_summary(r: &storage::ListRow, name: &str) -> BadgeListSummary {
    BadgeListSummary {
        id: r.id,
        version: r.version,
        unit: r.unit.0,
        unit_name: name.to_owned(),
        award_on: r.award_on,
        status: r.status.code(),
        wait_rule: r.wait_rule,
        sent_on: r.sent_on,
        decision: r.decision.clone(),
        decided_on: r.decided_on,
        issuer: r.issuer.clone(),
    }
}

/// Who is due at an award day.
#[derive(Debug, Serialize, ToSchema)]
pub struct BadgesDueBody {
    pub unit: i64,
    pub award_on: NaiveDate,
    pub wait_rule: domain::badges::WaitRule,
    /// Due, and held back by a discipline.
    pub candidates: Vec<BadgeCandidateBody>,
    /// Due only within an early window (the seriously ill, posthumously).
    pub early: Vec<BadgeCandidateBody>,
    pub lists: Vec<BadgeListSummary>,
}

/// The award day asked.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AwardParams {
    /// 3/2, 19/5, 2/9 or 7/11 of a year (default: the next).
    #[param(value_type = Option<crate::query::QueryDate>)]
    pub award_on: String,
}

#[utoipa::path(get, path = "/api/v1/units/{id}/badges", tag = "party-work", params(("id" = i64, Path, description = "Unit id"), AwardParams),
    responses((status = 200, description = "Who is due at the award day, who is held back and why, the unit's lists", body = BadgesDueBody)))]
async fn badges_due(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<AwardParams>) -> Result<Response, AppError> {
    let award_on = param("award_on", parse_query_date(&p.award_on))?.unwrap_or_else(|| domain::badges::AwardDay::next(s.today()).1);
    let desk = s.badges()?;
    let candidates = desk.candidates(unit, award_on).await?;
    let early = desk.early(unit, award_on).await?;
    let lists = desk.lists(unit).await?;
    Ok(axum::Json(BadgesDueBody {
        unit: unit.0,
        award_on,
        wait_rule: desk.wait_rule(),
        candidates: candidates.iter().filter_map(candidate_body).collect(),
        early: early.iter().filter_map(candidate_body).collect(),
        lists: lists.iter().map(|(r, n)| list_summary(r, n)).collect(),
    })
    .into_response())
}

/// A list to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenListInput {
    pub award_on: DateText,
}

#[utoipa::path(post, path = "/api/v1/units/{id}/badge-lists", tag = "party-work", params(("id" = i64, Path, description = "Unit id")),
    request_body = OpenListInput,
    responses((status = 201, description = "Opened with every member due", body = Created),
              (status = 422, description = "Not an award day (`not_award_day`), past (`past`), a list already (`duplicate`)", body = ErrorEnvelope)))]
async fn open_list(s: Caller, PathId(unit): PathId<UnitId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.badges()?;
    desk.require_keep_unit(unit).await?;
    let b: OpenListInput = typed(body)?;
    Ok(created(desk.open(unit, date("award_on", &b.award_on)?).await?))
}

/// A member on a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct BadgeLineBody {
    pub member: i64,
    pub member_name: String,
    pub unit_name: String,
    pub milestone: u32,
    pub circumstance: Circumstance,
    pub early_months: u32,
    pub party_age_months: u32,
}

/// A list with its members.
#[derive(Debug, Serialize, ToSchema)]
pub struct BadgeListBody {
    pub list: BadgeListSummary,
    pub lines: Vec<BadgeLineBody>,
    /// Members a discipline holds back (a draft list only).
    pub held: Vec<BadgeCandidateBody>,
}

async fn list_of(s: &Caller, unit: UnitId, id: i64) -> Result<storage::BadgeList, AppError> {
    let list = s.badges()?.list(id).await?;
    if list.row.unit != unit {
        return Err(storage::StoreError::NotFound.into());
    }
    Ok(list)
}

#[utoipa::path(get, path = "/api/v1/units/{id}/badge-lists/{list}", tag = "party-work",
    params(("id" = i64, Path, description = "Unit id"), ("list" = i64, Path, description = "The unit's list")),
    responses((status = 200, description = "The list", body = BadgeListBody)))]
async fn badge_list(s: Caller, PathIds(unit, id): PathIds<UnitId, i64>) -> Result<Response, AppError> {
    let list = list_of(&s, unit, id).await?;
    Ok(axum::Json(BadgeListBody {
        list: list_summary(&list.row, &list.unit_name),
        lines: list
            .lines
            .iter()
            .map(|l| BadgeLineBody {
                member: l.line.member.0,
                member_name: l.member_name.clone(),
                unit_name: l.unit_name.clone(),
                milestone: l.line.milestone,
                circumstance: l.line.circumstance,
                early_months: l.line.early_months,
                party_age_months: l.party_age_months,
            })
            .collect(),
        held: list.held.iter().filter_map(candidate_body).collect(),
    })
    .into_response())
}

/// A member to add to a draft list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    pub member: i64,
    pub circumstance: Circumstance,
    pub version: i64,
}

#[utoipa::path(post, path = "/api/v1/units/{id}/badge-lists/{list}/lines", tag = "party-work",
    params(("id" = i64, Path, description = "Unit id"), ("list" = i64, Path, description = "The unit's list")),
    request_body = LineInput,
    responses((status = 200, description = "Added", body = RoutineDone),
              (status = 422, description = "Not due even early (`not_due`), posthumous for the living or the reverse (`posthumous`), not of the unit (`not_in_unit`), sent already (`not_draft`)", body = ErrorEnvelope)))]
async fn add_line(s: Caller, PathIds(unit, id): PathIds<UnitId, i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    s.badges()?.require_keep_unit(unit).await?;
    list_of(&s, unit, id).await?;
    let b: LineInput = typed(body)?;
    s.badges()?.add(id, b.version, MemberId(b.member), b.circumstance).await?;
    Ok(done())
}

/// A member to take off a draft list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveLineInput {
    pub member: i64,
    pub version: i64,
}

#[utoipa::path(post, path = "/api/v1/units/{id}/badge-lists/{list}/remove", tag = "party-work",
    params(("id" = i64, Path, description = "Unit id"), ("list" = i64, Path, description = "The unit's list")),
    request_body = RemoveLineInput,
    responses((status = 200, description = "Taken off", body = RoutineDone)))]
async fn remove_line(
    s: Caller,
    PathIds(unit, id): PathIds<UnitId, i64>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
    s.badges()?.require_keep_unit(unit).await?;
    list_of(&s, unit, id).await?;
    let b: RemoveLineInput = typed(body)?;
    s.badges()?.remove(id, b.version, MemberId(b.member)).await?;
    Ok(done())
}

/// The version read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListVersion {
    pub version: i64,
}

#[utoipa::path(post, path = "/api/v1/units/{id}/badge-lists/{list}/send", tag = "party-work",
    params(("id" = i64, Path, description = "Unit id"), ("list" = i64, Path, description = "The unit's list")),
    request_body = ListVersion,
    responses((status = 200, description = "Sent up", body = RoutineDone), (status = 422, description = "Empty (`empty`), sent already (`not_draft`)", body = ErrorEnvelope)))]
async fn send_list(s: Caller, PathIds(unit, id): PathIds<UnitId, i64>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    s.badges()?.require_keep_unit(unit).await?;
    list_of(&s, unit, id).await?;
    let b: ListVersion = typed(body)?;
    s.badges()?.send(id, b.version).await?;
    Ok(done())
}

/// The decision on a sent list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListDecisionInput {
    pub decision: String,
    pub decided_on: DateText,
    pub issuer: String,
    pub version: i64,
}

#[utoipa::path(post, path = "/api/v1/units/{id}/badge-lists/{list}/decision", tag = "party-work",
    params(("id" = i64, Path, description = "Unit id"), ("list" = i64, Path, description = "The unit's list")),
    request_body = ListDecisionInput,
    responses((status = 200, description = "Recorded: each member on the list holds the badge from the award day", body = RoutineDone),
              (status = 422, description = "Not sent (`not_sent`), dated before it was sent or in the future (`out_of_order`)", body = ErrorEnvelope)))]
async fn decide_list(
    s: Caller,
    PathIds(unit, id): PathIds<UnitId, i64>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
    let desk = s.badges()?;
    if !desk.may_decide(unit).await {
        desk.require_read_unit(unit).await?;
        return Err(storage::StoreError::Forbidden.into());
    }
    list_of(&s, unit, id).await?;
    let b: ListDecisionInput = typed(body)?;
    desk.decide(id, b.version, decision("decision", &b.decision)?, date("decided_on", &b.decided_on)?, b.issuer).await?;
    Ok(done())
}

// ── The 7-BTCTW report ──

/// The report's period.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    /// First day (default: 1 January of this year).
    #[param(value_type = Option<crate::query::QueryDate>)]
    pub from: String,
    /// Last day (default: 31 December of this year).
    #[param(value_type = Option<crate::query::QueryDate>)]
    pub to: String,
}

/// A line of the report.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkLineBody {
    /// `chuyen-sinh-hoat.chinh-thuc-di`, `huy-hieu.45`, `the.cap-lai`, `ky-luat.canh-cao`, `mien-sinh-hoat.dang-mien`…
    pub code: String,
    pub label: String,
    pub count: u64,
    /// The members behind the count.
    pub members: Vec<i64>,
}

/// The report of member work over a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberWorkBody {
    pub unit: i64,
    pub unit_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub lines: Vec<WorkLineBody>,
}

#[utoipa::path(get, path = "/api/v1/units/{id}/member-work", tag = "party-work", params(("id" = i64, Path, description = "Unit id"), PeriodParams),
    responses((status = 200, description = "Transfers, badges awarded, cards issued, disciplines and exemptions over the period (7-BTCTW)", body = MemberWorkBody)))]
async fn member_work(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<PeriodParams>) -> Result<Response, AppError> {
    let from = Some(p.from).filter(|x| !x.is_empty());
    let to = Some(p.to).filter(|x| !x.is_empty());
    let (from, to) = crate::pages::routines::period(&from, &to, s.today())?;
    let r = s.badges()?.work_report(unit, from, to).await?;
    let ids: Vec<i64> = r.lines.iter().flat_map(|l| l.members.iter().map(|m| m.0)).collect();
    s.record("read.member_work", "unit", unit, serde_json::json!({ "members": ids })).await?;
    Ok(axum::Json(MemberWorkBody {
        unit: unit.0,
        unit_name: r.unit_name.clone(),
        from,
        to,
        lines: r
            .lines
            .iter()
            .map(|l| WorkLineBody {
                code: l.line.code(),
                label: l.line.label(),
                count: l.members.len() as u64,
                members: l.members.iter().map(|m| m.0).collect(),
            })
            .collect(),
    })
    .into_response())
}
