//! Party badges through the API: a badge held from before; who is due at an award day; a unit's
//! proposal lists, opened, completed, sent and decided.

use super::*;

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

pub(crate) fn badge_body(b: &BadgeRow) -> BadgeBody {
    BadgeBody {
        milestone: b.milestone,
        awarded_on: b.awarded_on,
        decision: b.decision.clone(),
        issuer: b.issuer.clone(),
        circumstance: b.circumstance,
        list: b.list,
    }
}

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
pub(crate) async fn record_badge(
    s: Caller,
    PathId(member): PathId<MemberId>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
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

pub(crate) fn candidate_body(c: &Candidate) -> Option<BadgeCandidateBody> {
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

pub(crate) fn list_summary(r: &storage::ListRow, name: &str) -> BadgeListSummary {
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
pub(crate) async fn badges_due(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<AwardParams>) -> Result<Response, AppError> {
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
pub(crate) async fn open_list(s: Caller, PathId(unit): PathId<UnitId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
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

#[utoipa::path(get, path = "/api/v1/units/{id}/badge-lists/{list}", tag = "party-work",
    params(("id" = i64, Path, description = "Unit id"), ("list" = i64, Path, description = "The unit's list")),
    responses((status = 200, description = "The list", body = BadgeListBody)))]
pub(crate) async fn badge_list(s: Caller, PathIds(unit, id): PathIds<UnitId, i64>) -> Result<Response, AppError> {
    let list = s.badges()?.list(unit, id).await?;
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
pub(crate) async fn add_line(
    s: Caller,
    PathIds(unit, id): PathIds<UnitId, i64>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
    s.badges()?.require_keep_unit(unit).await?;
    let b: LineInput = typed(body)?;
    s.badges()?.add(unit, id, b.version, MemberId(b.member), b.circumstance).await?;
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
pub(crate) async fn remove_line(
    s: Caller,
    PathIds(unit, id): PathIds<UnitId, i64>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
    s.badges()?.require_keep_unit(unit).await?;
    let b: RemoveLineInput = typed(body)?;
    s.badges()?.remove(unit, id, b.version, MemberId(b.member)).await?;
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
pub(crate) async fn send_list(
    s: Caller,
    PathIds(unit, id): PathIds<UnitId, i64>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
    s.badges()?.require_keep_unit(unit).await?;
    let b: ListVersion = typed(body)?;
    s.badges()?.send(unit, id, b.version).await?;
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
pub(crate) async fn decide_list(
    s: Caller,
    PathIds(unit, id): PathIds<UnitId, i64>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
    let desk = s.badges()?;
    if !desk.may_decide(unit).await {
        desk.require_read_unit(unit).await?;
        return Err(storage::StoreError::Forbidden.into());
    }
    let b: ListDecisionInput = typed(body)?;
    desk.decide(unit, id, b.version, decision("decision", &b.decision)?, date("decided_on", &b.decided_on)?, b.issuer).await?;
    Ok(done())
}
