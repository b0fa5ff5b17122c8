//! `/api/v1/members/{id}/residence…` and `/api/v1/units/{id}/residence…`: working members' ties
//! to their residence (Quy định 213-QĐ/TW, docs/design/residence.md). Reading needs the read
//! scope; the tie and contacts `write` or `meetings` on the member; the residence side's comment
//! the same on the unit it comes from (the member in the body must live under it).

use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use domain::ids::{MemberId, UnitId};
use domain::residence::{Comment, ContactKind, ResidenceCell, Tie, TieFields};
use storage::{ResidenceLine, TieRow};

use super::bodies::DateText;
use super::directives::YearParams;
use super::units::created;
use super::{Created, ErrorEnvelope};
use crate::error::AppError;
use crate::extract::{Json, PathId, Query, typed};
use crate::policy::{Policy, Route};
use crate::query::{param, parse_year};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(domain::access::Capability::ReadRegister);
    vec![
        Route::get("/api/v1/members/{id}/residence", read, member),
        Route::put("/api/v1/members/{id}/residence", read, set_tie),
        Route::post("/api/v1/members/{id}/residence/contacts", read, contact),
        Route::post("/api/v1/members/{id}/residence/comments", read, comment),
        Route::get("/api/v1/units/{id}/residence", read, report),
        Route::post("/api/v1/units/{id}/residence/comments", read, comment_from_unit),
    ]
}

/// A tie as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct TieBody {
    /// `gioi-thieu`, `mien-sinh-hoat`, `khong-gioi-thieu`.
    pub category: &'static str,
    pub reason: Option<String>,
    pub address: String,
    /// The residence chi bộ of the register.
    pub cell: Option<i64>,
    /// A residence chi bộ outside the register, by name.
    pub cell_outside: Option<String>,
    pub letter_number: Option<String>,
    pub letter_on: Option<NaiveDate>,
    pub confirmed_on: Option<NaiveDate>,
    pub reach: Option<String>,
    /// Send it back with a change (409 when it changed meanwhile).
    pub version: i64,
}

impl From<&TieRow> for TieBody {
    fn from(t: &TieRow) -> Self {
        let (cell, outside) = match &t.tie.cell {
            Some(ResidenceCell::Internal(u)) => (Some(u.0), None),
            Some(ResidenceCell::External(n)) => (None, Some(n.clone())),
            None => (None, None),
        };
        TieBody {
            category: t.tie.category.code(),
            reason: t.tie.reason.clone(),
            address: t.tie.address.clone(),
            cell,
            cell_outside: outside,
            letter_number: t.tie.letter.as_ref().map(|l| l.0.clone()),
            letter_on: t.tie.letter.as_ref().map(|l| l.1),
            confirmed_on: t.tie.confirmed_on,
            reach: t.tie.reach.clone(),
            version: t.version,
        }
    }
}

/// A year's comment.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentBody {
    pub year: i32,
    /// `tot`, `chua-tot`.
    pub rating: &'static str,
    pub text: String,
    pub signer: String,
    pub on: NaiveDate,
}

impl From<&Comment> for CommentBody {
    fn from(c: &Comment) -> Self {
        CommentBody { year: c.year, rating: c.rating.code(), text: c.text.clone(), signer: c.signer.clone(), on: c.on }
    }
}

/// Where a member's ties stand for a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct StandingBody {
    pub registered: bool,
    pub confirmed: bool,
    pub contacts_in_year: usize,
    pub contact_overdue: bool,
    pub comment_expected: bool,
    pub comment_received: bool,
}

impl From<domain::residence::TieStanding> for StandingBody {
    fn from(s: domain::residence::TieStanding) -> Self {
        StandingBody {
            registered: s.registered,
            confirmed: s.confirmed,
            contacts_in_year: s.contacts_in_year,
            contact_overdue: s.contact_overdue,
            comment_expected: s.comment_expected,
            comment_received: s.comment_received,
        }
    }
}

/// A contact kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactBody {
    pub on: NaiveDate,
    /// `hop-dinh-ky`, `lien-he-khac`.
    pub kind: &'static str,
    pub note: Option<String>,
}

/// A member's residence for a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberResidenceBody {
    pub member: i64,
    pub full_name: String,
    /// The record's occupation makes them a working member (213-QĐ/TW).
    pub working: bool,
    pub tie: Option<TieBody>,
    pub contacts: Vec<ContactBody>,
    pub comments: Vec<CommentBody>,
    pub standing: StandingBody,
    pub contact_due: Option<NaiveDate>,
}

/// A tie to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TieInput {
    pub category: String,
    #[serde(default)]
    pub reason: Option<String>,
    pub address: String,
    #[serde(default)]
    pub cell: Option<i64>,
    #[serde(default)]
    pub cell_outside: Option<String>,
    #[serde(default)]
    pub letter_number: Option<String>,
    #[serde(default)]
    pub letter_on: Option<DateText>,
    #[serde(default)]
    pub confirmed_on: Option<DateText>,
    #[serde(default)]
    pub reach: Option<String>,
    /// The version read (absent for the first tie).
    #[serde(default)]
    pub version: Option<i64>,
}

/// A contact to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub on: DateText,
    /// `hop-dinh-ky` (default) or `lien-he-khac`.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A comment to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    pub year: i32,
    pub rating: String,
    pub text: String,
    pub signer: String,
    /// Default today.
    #[serde(default)]
    pub on: Option<DateText>,
}

/// The residence side's comment on a member living under the unit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitCommentInput {
    pub member: i64,
    pub year: i32,
    pub rating: String,
    pub text: String,
    pub signer: String,
    #[serde(default)]
    pub on: Option<DateText>,
}

/// A member on a unit's report.
#[derive(Debug, Serialize, ToSchema)]
pub struct LineBody {
    pub member: i64,
    pub full_name: String,
    pub unit_name: String,
    pub residence: String,
    pub category: Option<&'static str>,
    pub standing: StandingBody,
    pub last_contact: Option<NaiveDate>,
    pub comment: Option<CommentBody>,
}

impl From<&ResidenceLine> for LineBody {
    fn from(l: &ResidenceLine) -> Self {
        LineBody {
            member: l.member.0,
            full_name: l.full_name.clone(),
            unit_name: l.unit_name.clone(),
            residence: l.residence.clone(),
            category: l.category.map(|c| c.code()),
            standing: l.standing.into(),
            last_contact: l.last_contact,
            comment: l.comment.as_ref().map(CommentBody::from),
        }
    }
}

/// A unit's report for a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportBody {
    pub unit: i64,
    pub year: i32,
    /// The working members on the lists under the unit.
    pub working: Vec<LineBody>,
    /// Members of other places whose residence chi bộ is under the unit.
    pub living_here: Vec<LineBody>,
    /// The earliest deadline of the year's evaluation rounds covering the unit (the comments are due by it).
    pub deadline: Option<NaiveDate>,
    /// The working members counted per unit directly below.
    pub by_child: Vec<ResidenceChildBody>,
}

/// A unit directly below with what its working members still owe.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResidenceChildBody {
    pub unit: i64,
    pub name: String,
    pub due: super::worklist::ResidenceDueBody,
    /// Comments in by the deadline (all received when there is none).
    pub comments_in_time: usize,
}

/// Done.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResidenceDone {
    pub ok: bool,
}

fn date_text(d: &Option<DateText>) -> String {
    d.as_ref().map(|d| d.to_string()).unwrap_or_default()
}

#[utoipa::path(get, path = "/api/v1/members/{id}/residence", tag = "residence", params(("id" = i64, Path, description = "Member id"), YearParams),
    responses((status = 200, description = "The member's tie, contacts, comments and where they stand for the year", body = MemberResidenceBody)))]
async fn member(s: Caller, PathId(member): PathId<MemberId>, Query(p): Query<YearParams>) -> Result<Response, AppError> {
    let year = param("year", parse_year(&p.year, s.today()))?;
    let r = s.residence()?.member(member, year).await?;
    let body = MemberResidenceBody {
        member: member.0,
        full_name: r.full_name.clone(),
        working: r.working,
        tie: r.tie.as_ref().map(TieBody::from),
        contacts: r.contacts.iter().map(|c| ContactBody { on: c.on, kind: c.kind.code(), note: c.note.clone() }).collect(),
        comments: r.comments.iter().map(|c| CommentBody::from(&c.comment)).collect(),
        standing: r.standing.into(),
        contact_due: r.contact_due,
    };
    Ok(axum::Json(body).into_response())
}

#[utoipa::path(put, path = "/api/v1/members/{id}/residence", tag = "residence", params(("id" = i64, Path, description = "Member id")),
    request_body = TieInput,
    responses((status = 200, description = "Recorded", body = ResidenceDone),
              (status = 409, description = "Changed meanwhile (send the version read)", body = ErrorEnvelope),
              (status = 422, description = "A field refused: no residence chi bộ or letter for an introduced member (`required`), no reason for an exempt one, a unit that is not a chi bộ (`not_a_cell`), a day in the future", body = ErrorEnvelope)))]
async fn set_tie(s: Caller, PathId(member): PathId<MemberId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    s.residence()?.keep_member(member).await?;
    let b: TieInput = typed(body)?;
    let (letter_on, confirmed_on) = (date_text(&b.letter_on), date_text(&b.confirmed_on));
    let fields = TieFields {
        category: &b.category,
        reason: b.reason.as_deref().unwrap_or(""),
        address: &b.address,
        cell: b.cell.map(UnitId),
        cell_outside: b.cell_outside.as_deref().unwrap_or(""),
        letter_number: b.letter_number.as_deref().unwrap_or(""),
        letter_on: &letter_on,
        confirmed_on: &confirmed_on,
        reach: b.reach.as_deref().unwrap_or(""),
    };
    let tie = Tie::parse(&fields, s.today()).map_err(AppError::validation)?;
    s.residence()?.set_tie(member, tie, b.version).await?;
    Ok(axum::Json(ResidenceDone { ok: true }).into_response())
}

#[utoipa::path(post, path = "/api/v1/members/{id}/residence/contacts", tag = "residence", params(("id" = i64, Path, description = "Member id")),
    request_body = ContactInput,
    responses((status = 201, description = "Recorded", body = Created),
              (status = 422, description = "No tie recorded yet (`no_tie`), a day in the future (`future`)", body = ErrorEnvelope)))]
async fn contact(s: Caller, PathId(member): PathId<MemberId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    s.residence()?.keep_member(member).await?;
    let b: ContactInput = typed(body)?;
    let on = domain::dates::parse_date(&b.on.to_string())
        .map_err(|e| AppError::validation(domain::ValidationErrors::single("on", e.code, e.message)))?;
    let kind = match b.kind.as_deref() {
        None | Some("") => ContactKind::Meeting,
        Some(k) => ContactKind::parse(k).map_err(|e| AppError::validation(domain::ValidationErrors::single("kind", e.code, e.message)))?,
    };
    Ok(created(s.residence()?.add_contact(member, on, kind, b.note.as_deref().unwrap_or("")).await?))
}

#[utoipa::path(post, path = "/api/v1/members/{id}/residence/comments", tag = "residence", params(("id" = i64, Path, description = "Member id")),
    request_body = CommentInput,
    responses((status = 201, description = "Recorded", body = Created),
              (status = 422, description = "A second comment for the year (`duplicate`), no tie (`no_tie`), a field refused", body = ErrorEnvelope)))]
async fn comment(s: Caller, PathId(member): PathId<MemberId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    s.residence()?.keep_member(member).await?;
    let b: CommentInput = typed(body)?;
    let c =
        Comment::parse(&b.year.to_string(), &b.rating, &b.text, &b.signer, &date_text(&b.on), s.today()).map_err(AppError::validation)?;
    Ok(created(s.residence()?.add_comment(None, member, c).await?))
}

#[utoipa::path(get, path = "/api/v1/units/{id}/residence", tag = "residence", params(("id" = i64, Path, description = "Unit id"), YearParams),
    responses((status = 200, description = "The unit's working members and the members living in its area, for the year", body = ReportBody)))]
async fn report(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<YearParams>) -> Result<Response, AppError> {
    let year = param("year", parse_year(&p.year, s.today()))?;
    let r = s.residence()?.report(unit, year).await?;
    let body = ReportBody {
        unit: unit.0,
        year,
        working: r.working.iter().map(LineBody::from).collect(),
        living_here: r.living_here.iter().map(LineBody::from).collect(),
        deadline: r.deadline,
        by_child: r
            .by_child
            .iter()
            .map(|c| ResidenceChildBody { unit: c.unit.0, name: c.name.clone(), due: c.due.into(), comments_in_time: c.comments_in_time })
            .collect(),
    };
    Ok(axum::Json(body).into_response())
}

#[utoipa::path(post, path = "/api/v1/units/{id}/residence/comments", tag = "residence", params(("id" = i64, Path, description = "The residence side's unit")),
    request_body = UnitCommentInput,
    responses((status = 201, description = "Recorded", body = Created),
              (status = 404, description = "The member does not live under the unit", body = ErrorEnvelope),
              (status = 422, description = "A second comment for the year (`duplicate`), a field refused", body = ErrorEnvelope)))]
async fn comment_from_unit(s: Caller, PathId(unit): PathId<UnitId>, Json(body): Json<serde_json::Value>) -> Result<Response, AppError> {
    let desk = s.residence()?;
    desk.comment_from(unit).await?;
    let b: UnitCommentInput = typed(body)?;
    let c =
        Comment::parse(&b.year.to_string(), &b.rating, &b.text, &b.signer, &date_text(&b.on), s.today()).map_err(AppError::validation)?;
    Ok(created(desk.add_comment(Some(unit), MemberId(b.member), c).await?))
}
