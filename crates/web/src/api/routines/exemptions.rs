//! Exemptions through the API: the chi bộ's resolution (with the register's event), renewals,
//! the member's return; a unit's list, ending soonest first.

use super::*;

/// Where an exemption stands today.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExemptionStandingBody {
    /// `khong-thoi-han`, `dang-mien`, `sap-het-han` (within 30 days), `qua-han` (past its end,
    /// neither renewed nor ended), `da-thoi-mien`.
    pub code: &'static str,
    pub until: Option<NaiveDate>,
}

pub(crate) fn exemption_standing(s: Option<domain::exemptions::Standing>) -> ExemptionStandingBody {
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
pub(crate) async fn record_exemption(
    s: Caller,
    PathId(member): PathId<MemberId>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
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

#[utoipa::path(post, path = "/api/v1/members/{id}/exemptions/{item}/renew", tag = "party-work",
    params(("id" = i64, Path, description = "Member id"), ("item" = i64, Path, description = "The member's exemption")),
    request_body = RenewalInput,
    responses((status = 200, description = "Renewed", body = RoutineDone), (status = 422, description = "Not later than the current end (`not_later`), open-ended (`open_ended`)", body = ErrorEnvelope)))]
pub(crate) async fn renew(
    s: Caller,
    PathIds(member, id): PathIds<MemberId, i64>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
    s.exemptions()?.require_write_on(member, id).await?;
    let b: RenewalInput = typed(body)?;
    let r = Renewal { resolution: b.resolution, resolved_on: date("resolved_on", &b.resolved_on)?, until: opt_date("until", &b.until)? };
    s.exemptions()?.renew(member, id, b.version, r).await?;
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
pub(crate) async fn end_exemption(
    s: Caller,
    PathIds(member, id): PathIds<MemberId, i64>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
    s.exemptions()?.require_write_on(member, id).await?;
    let b: ExemptionEndInput = typed(body)?;
    s.exemptions()?.end(member, id, b.version, date("on", &b.on)?, decision("resolution", &b.resolution)?).await?;
    Ok(done())
}

#[utoipa::path(get, path = "/api/v1/units/{id}/exemptions", tag = "party-work", params(("id" = i64, Path, description = "Unit id"), SinceParams),
    responses((status = 200, description = "Members exempt today (ending soonest first) and those who returned since", body = Vec<ExemptionBody>)))]
pub(crate) async fn exemptions(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<SinceParams>) -> Result<Response, AppError> {
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
