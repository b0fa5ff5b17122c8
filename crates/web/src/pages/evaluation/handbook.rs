//! `/handbook/evaluation`: the member's own evaluations and self-assessment (per criterion where
//! the round has a list).

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use storage::StepInput;

use super::{CriterionField, all, criterion_fields, get, levels, points_words, rating_words, round_words};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::Form;
use crate::forms;
use crate::respond::{page, render, see_other};
use crate::session::Caller;

struct MineRow {
    id: i64,
    version: i64,
    words: String,
    self_rating: String,
    proposed: String,
    decided: String,
    scored: bool,
    /// The round's own criteria list, if any: the form takes each criterion's points.
    criteria: Vec<CriterionField>,
    /// The points given per criterion, in words.
    points: String,
    /// The self-assessment may be given (round open, nothing decided).
    open: bool,
}

#[derive(Template)]
#[template(path = "handbook_evaluation.html")]
struct MinePage {
    chrome: Chrome,
    rows: Vec<MineRow>,
    levels: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
}

async fn mine_page(s: &Caller, chrome: Chrome, errors: Vec<String>) -> Result<MinePage, AppError> {
    let desk = s.handbook()?;
    let mut rows = Vec::new();
    for (r, e) in desk.evaluations().await? {
        let own = desk.evaluation_criteria(e.id).await?;
        rows.push(MineRow {
            id: e.id,
            version: e.version,
            words: round_words(&r),
            self_rating: rating_words(e.self_rating),
            proposed: rating_words(e.proposed),
            decided: rating_words(e.decided),
            scored: r.regulation.scored(),
            criteria: criterion_fields(own.criteria.as_ref()),
            points: points_words(&own.points),
            open: r.closed_on.is_none() && e.decided.is_none(),
        });
    }
    Ok(MinePage { chrome: chrome.titled("Kiểm điểm, đánh giá, xếp loại của tôi"), rows, levels: levels(), errors })
}

/// `GET /handbook/evaluation`.
pub(super) async fn mine(s: Caller, chrome: Chrome) -> Result<Response, AppError> {
    page(&mine_page(&s, chrome, Vec::new()).await?)
}

/// `POST /handbook/evaluation`: the member's self-assessment.
pub(super) async fn self_assess(s: Caller, chrome: Chrome, Form(f): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let desk = s.handbook()?;
    let id = get(&f, "evaluation").trim().parse::<i64>().map_err(|_| AppError::bad_request("Thiếu đánh giá."))?;
    let version = get(&f, "version").trim().parse::<i64>().map_err(|_| AppError::bad_request("Thiếu phiên bản."))?;
    let input = StepInput {
        level: get(&f, "level").to_owned(),
        score: get(&f, "score").to_owned(),
        note: get(&f, "note").to_owned(),
        disciplined: false,
        points: all(&f, "points"),
    };
    match desk.self_assess(id, version, input).await {
        Ok(()) => Ok(see_other("/handbook/evaluation")),
        Err(e) => {
            let (_, errors) = forms::refusal_messages(e, "Đã được cập nhật; xem lại rồi gửi lại.")?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &mine_page(&s, chrome, errors).await?)
        }
    }
}
