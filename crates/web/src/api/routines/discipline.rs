//! A member's disciplines through the API: recording one (an expulsion writes the register's
//! event), a complaint or new violation within its 12 months, the decision that lifts it; a unit's
//! register.

use super::*;

/// Where a discipline stands today.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisciplineStandingBody {
    /// `chua-cong-bo`, `con-hieu-luc`, `giu-hieu-luc` (a complaint or new violation: until a
    /// decision), `khai-tru`, `het-hieu-luc`.
    pub code: &'static str,
    /// Running: the day it stops having effect; ended: the day it did.
    pub on: Option<NaiveDate>,
}

pub(crate) fn standing_body(s: Standing) -> DisciplineStandingBody {
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

pub(crate) fn discipline_body(d: &DisciplineView) -> DisciplineBody {
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
pub(crate) async fn record_discipline(
    s: Caller,
    PathId(member): PathId<MemberId>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
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

#[utoipa::path(post, path = "/api/v1/members/{id}/disciplines/{item}/interruptions", tag = "party-work",
    params(("id" = i64, Path, description = "Member id"), ("item" = i64, Path, description = "The member's discipline")),
    request_body = InterruptionInput,
    responses((status = 200, description = "Recorded: the discipline stays in force until a later decision", body = RoutineDone),
              (status = 409, description = "Changed meanwhile", body = ErrorEnvelope),
              (status = 422, description = "Outside its 12 months (`outside`), an expulsion (`expulsion`)", body = ErrorEnvelope)))]
pub(crate) async fn interruption(
    s: Caller,
    PathIds(member, id): PathIds<MemberId, i64>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
    s.discipline()?.require_write_on(member, id).await?;
    let b: InterruptionInput = typed(body)?;
    s.discipline()?.interruption(member, id, b.version, b.kind, date("on", &b.on)?, b.note).await?;
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
pub(crate) async fn lift(
    s: Caller,
    PathIds(member, id): PathIds<MemberId, i64>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
    s.discipline()?.require_write_on(member, id).await?;
    let b: LiftInput = typed(body)?;
    s.discipline()?.lift(member, id, b.version, date("on", &b.on)?, decision("decision", &b.decision)?).await?;
    Ok(done())
}

#[utoipa::path(get, path = "/api/v1/units/{id}/disciplines", tag = "party-work", params(("id" = i64, Path, description = "Unit id"), SinceParams),
    responses((status = 200, description = "The disciplines of the unit's members", body = Vec<DisciplineBody>)))]
pub(crate) async fn disciplines(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<SinceParams>) -> Result<Response, AppError> {
    use chrono::Datelike;
    let today = s.today();
    let since = since(&p, NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today))?;
    let list = s.discipline()?.register(unit, since).await?;
    Ok(axum::Json(list.iter().map(discipline_body).collect::<Vec<_>>()).into_response())
}
