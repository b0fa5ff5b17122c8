//! Party cards through the API: issuing one, how one ended; a unit's register and card check.

use super::*;

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

pub(crate) fn card_body(c: &storage::CardRow) -> CardBody {
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
pub(crate) async fn issue_card(
    s: Caller,
    PathId(member): PathId<MemberId>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
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
pub(crate) async fn end_card(
    s: Caller,
    PathIds(member, id): PathIds<MemberId, i64>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, AppError> {
    s.cards()?.require_write_on(member, id).await?;
    let b: CardEndInput = typed(body)?;
    s.cards()?.end(member, id, b.version, date("on", &b.on)?, b.how, b.note).await?;
    Ok(done())
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
pub(crate) async fn cards(s: Caller, PathId(unit): PathId<UnitId>) -> Result<Response, AppError> {
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
pub(crate) async fn card_check(s: Caller, PathId(unit): PathId<UnitId>) -> Result<Response, AppError> {
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
