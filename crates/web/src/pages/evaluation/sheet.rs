//! `/units/{id}/evaluation/{round}`: a round under a unit — the counts by level with their
//! shares, each opening the people behind it (`?level=`), the units below, the members with the
//! inputs beside them and each step, the organizations, the forms of whoever takes a step, and
//! the close.

use askama::Template;
use axum::response::Response;

use domain::evaluation::{Level, Step, percent};
use domain::ids::UnitId;
use storage::{EvaluationRow, LevelCounts, RoundSheet, StepInput};

use super::{CriterionField, all, criterion_fields, get, levels, points_words, rating_words, round_words};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathIds, Query};
use crate::forms;
use crate::pages::directives::unit_label;
use crate::respond::{page, render, see_other};
use crate::session::Caller;

/// A level's count and its share of those decided.
struct Share {
    label: &'static str,
    count: u32,
    percent: String,
    /// The sheet listing the people behind the count (`?level=`), where it drills down.
    href: String,
}

/// The counts by level with their shares.
fn shares(c: &LevelCounts) -> Vec<Share> {
    let decided = c.decided();
    Level::ALL
        .iter()
        .zip(c.levels)
        .map(|(l, n)| Share { label: l.label(), count: n, percent: percent(n, decided), href: String::new() })
        .collect()
}

/// The same, each count a link to the sheet's rows of that level at `anchor`.
fn drill_shares(c: &LevelCounts, base: &str, anchor: &str) -> Vec<Share> {
    let mut out = shares(c);
    for (share, level) in out.iter_mut().zip(Level::ALL) {
        share.href = format!("{base}?level={}#{anchor}", level.code());
    }
    out
}

/// The rows a sheet shows: those of one decided level, or those not decided yet (`?level=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LevelFilter {
    Decided(Level),
    Undecided,
}

/// The code of "not decided yet" in `?level=`.
const UNDECIDED: &str = "chua-xep-loai";

impl LevelFilter {
    fn parse(code: &str) -> Result<Option<LevelFilter>, AppError> {
        match code.trim() {
            "" => Ok(None),
            UNDECIDED => Ok(Some(LevelFilter::Undecided)),
            c => Level::parse(c).map(|l| Some(LevelFilter::Decided(l))).map_err(|_| AppError::bad_request("Mức xếp loại không hợp lệ.")),
        }
    }

    fn keeps(self, e: &EvaluationRow) -> bool {
        match self {
            LevelFilter::Decided(l) => e.decided.map(|d| d.level) == Some(l),
            LevelFilter::Undecided => e.decided.is_none(),
        }
    }

    fn label(self) -> &'static str {
        match self {
            LevelFilter::Decided(l) => l.label(),
            LevelFilter::Undecided => "Chưa xếp loại",
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct SheetParams {
    level: String,
}

/// The form a row offers: the step, its fields (score only when scored).
struct RowForm {
    step: &'static str,
    label: &'static str,
    proposal: bool,
}

struct EvalRow {
    id: i64,
    version: i64,
    name: String,
    unit: String,
    inputs: String,
    /// Each step's points per criterion, in words (rounds with a criteria list).
    points: String,
    self_rating: String,
    proposed: String,
    decided: String,
    forms: Vec<RowForm>,
}

struct ChildRow {
    href: String,
    name: String,
    counts: Vec<Share>,
    undecided: u32,
}

#[derive(Template)]
#[template(path = "evaluation_sheet.html")]
struct SheetPage {
    chrome: Chrome,
    unit: UnitId,
    unit_label: String,
    round: i64,
    words: String,
    scored: bool,
    /// The round's own criteria list: the forms take each criterion's points instead of a total.
    criteria: Vec<CriterionField>,
    open: bool,
    member_counts: Vec<Share>,
    /// The same unit's members in the round of the period before (year over year), if any.
    previous: Option<(String, Vec<Share>)>,
    member_total: u32,
    member_undecided: u32,
    unit_counts: Vec<Share>,
    children: Vec<ChildRow>,
    /// Members, then organizations: (anchor, heading, rows).
    sections: Vec<(&'static str, &'static str, Vec<EvalRow>)>,
    /// The sheet's own address (the counts link to it with `?level=`).
    base: String,
    undecided_href: String,
    /// The level the rows are filtered to, if any.
    filter: Option<&'static str>,
    levels: Vec<(&'static str, &'static str)>,
    may_close: bool,
    errors: Vec<String>,
}

/// Whether the caller may take a step for a unit, asked once per step and unit of a sheet (a
/// chi bộ's members share their group).
type Reach = std::collections::HashMap<(Step, UnitId), bool>;

async fn may(desk: &storage::access::EvaluationDesk<'_>, reach: &mut Reach, step: Step, unit: UnitId) -> bool {
    if let Some(ok) = reach.get(&(step, unit)) {
        return *ok;
    }
    let ok = desk.may_take(step, unit).await;
    reach.insert((step, unit), ok);
    ok
}

async fn forms_for(desk: &storage::access::EvaluationDesk<'_>, reach: &mut Reach, e: &EvaluationRow, open: bool) -> Vec<RowForm> {
    if !open || e.decided.is_some() {
        return Vec::new();
    }
    let mut out = Vec::new();
    // An organization's self-assessment (Mẫu 01), by its own staff, before the proposal.
    let own = storage::access::EvaluationDesk::acting_unit(e, Step::SelfAssessment);
    if matches!(e.subject, storage::EvaluationSubject::Unit(_)) && e.proposed.is_none() && may(desk, reach, Step::SelfAssessment, own).await
    {
        out.push(RowForm { step: Step::SelfAssessment.code(), label: "Tự đánh giá, xếp loại", proposal: false });
    }
    if may(desk, reach, Step::Proposal, e.group).await {
        out.push(RowForm { step: Step::Proposal.code(), label: "Chi bộ, cấp ủy đề xuất", proposal: true });
    }
    if e.proposed.is_some() && may(desk, reach, Step::Decision, e.group).await {
        out.push(RowForm { step: Step::Decision.code(), label: "Quyết định xếp loại", proposal: false });
    }
    out
}

async fn sheet_page(
    s: &Caller,
    chrome: Chrome,
    unit: UnitId,
    round: i64,
    filter: Option<LevelFilter>,
    errors: Vec<String>,
) -> Result<SheetPage, AppError> {
    let desk = s.evaluation()?;
    let sh: RoundSheet = desk.sheet(round, unit).await?;
    let open = sh.round.closed_on.is_none();
    let shown = |e: &EvaluationRow| filter.is_none_or(|f| f.keeps(e));
    let mut reach = Reach::new();
    let mut members = Vec::new();
    for m in sh.members.iter().filter(|m| shown(&m.row)) {
        let mut inputs = Vec::new();
        if m.months_absent > 0 {
            inputs.push(format!("Vắng sinh hoạt không lý do {} tháng", m.months_absent));
        }
        if let Some(c) = &m.residence {
            inputs.push(format!("Nơi cư trú: {}", c.rating.label().to_lowercase()));
        }
        if m.row.disciplined {
            inputs.push("Bị kỷ luật trong kỳ".into());
        }
        members.push(EvalRow {
            id: m.row.id,
            version: m.row.version,
            name: m.full_name.clone(),
            unit: m.unit_name.clone(),
            inputs: inputs.join(" · "),
            points: points_words(&m.points),
            self_rating: rating_words(m.row.self_rating),
            proposed: rating_words(m.row.proposed),
            decided: rating_words(m.row.decided),
            forms: forms_for(&desk, &mut reach, &m.row, open).await,
        });
    }
    let mut units = Vec::new();
    for u in sh.units.iter().filter(|u| shown(&u.row)) {
        let [x, g, c, n] = u.members;
        units.push(EvalRow {
            id: u.row.id,
            version: u.row.version,
            name: u.name.clone(),
            unit: String::new(),
            inputs: if x + g + c + n > 0 {
                format!("Đảng viên: {x} xuất sắc, {g} tốt, {c} hoàn thành, {n} không hoàn thành")
            } else {
                String::new()
            },
            points: points_words(&u.points),
            self_rating: rating_words(u.row.self_rating),
            proposed: rating_words(u.row.proposed),
            decided: rating_words(u.row.decided),
            forms: forms_for(&desk, &mut reach, &u.row, open).await,
        });
    }
    let children = sh
        .by_child
        .iter()
        .filter(|(_, _, c)| c.decided() + c.undecided > 0)
        .map(|(u, n, c)| ChildRow {
            href: format!("/units/{u}/evaluation/{round}"),
            name: n.clone(),
            counts: shares(c),
            undecided: c.undecided,
        })
        .collect();
    // Year over year: the round of the period before that covers the unit.
    let before = sh.round.period.previous();
    let previous = match desk.rounds(unit).await?.into_iter().find(|r| r.period == before) {
        Some(r) => {
            let p = desk.sheet(r.id, unit).await?;
            Some((p.round.period.label(), shares(&p.member_counts)))
        }
        None => None,
    };
    let label = unit_label(s, unit, &sh.unit_name);
    let base = format!("/units/{unit}/evaluation/{round}");
    Ok(SheetPage {
        previous,
        chrome: chrome.titled(format!("Đánh giá, xếp loại {}: {label}", sh.round.period.label())),
        unit,
        unit_label: label,
        round,
        words: round_words(&sh.round),
        scored: sh.round.regulation.scored(),
        criteria: criterion_fields(sh.criteria.as_ref()),
        open,
        member_counts: drill_shares(&sh.member_counts, &base, "dang-vien"),
        member_total: sh.member_counts.decided() + sh.member_counts.undecided,
        member_undecided: sh.member_counts.undecided,
        unit_counts: drill_shares(&sh.unit_counts, &base, "to-chuc"),
        undecided_href: format!("{base}?level={UNDECIDED}#dang-vien"),
        filter: filter.map(LevelFilter::label),
        base,
        children,
        sections: vec![("dang-vien", "Xếp loại đảng viên", members), ("to-chuc", "Xếp loại tổ chức đảng", units)],
        levels: levels(),
        may_close: open && sh.round.unit == unit && desk.may_open(unit).await,
        errors,
    })
}

/// `GET /units/{id}/evaluation/{round}`.
pub(super) async fn sheet(
    s: Caller,
    chrome: Chrome,
    PathIds(unit, round): PathIds<UnitId, i64>,
    Query(p): Query<SheetParams>,
) -> Result<Response, AppError> {
    let filter = LevelFilter::parse(&p.level)?;
    page(&sheet_page(&s, chrome, unit, round, filter, Vec::new()).await?)
}

/// `POST /units/{id}/evaluation/{round}/steps`: a proposal or a decision from the sheet's row.
pub(super) async fn step(
    s: Caller,
    chrome: Chrome,
    PathIds(unit, round): PathIds<UnitId, i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.evaluation()?;
    let step = Step::parse(get(&f, "step")).map_err(|_| AppError::bad_request("Bước không hợp lệ."))?;
    if !desk.takes(step) {
        return Err(AppError::forbidden());
    }
    desk.round(round, unit).await?;
    let id = get(&f, "evaluation").trim().parse::<i64>().map_err(|_| AppError::bad_request("Thiếu đánh giá."))?;
    let version = get(&f, "version").trim().parse::<i64>().map_err(|_| AppError::bad_request("Thiếu phiên bản."))?;
    let input = StepInput {
        level: get(&f, "level").to_owned(),
        score: get(&f, "score").to_owned(),
        note: get(&f, "note").to_owned(),
        disciplined: get(&f, "disciplined") == "1",
        points: all(&f, "points"),
    };
    match desk.step(round, id, version, step, input).await {
        Ok(()) => Ok(see_other(&format!("/units/{unit}/evaluation/{round}#e{id}"))),
        Err(e) => {
            let (status, errors) = forms::refusal_messages(e, "Đánh giá này vừa được người khác cập nhật; xem lại rồi làm lại.")?;
            render(status, &sheet_page(&s, chrome, unit, round, None, errors).await?)
        }
    }
}

/// `POST /units/{id}/evaluation/{round}/close`.
pub(super) async fn close(s: Caller, chrome: Chrome, PathIds(unit, round): PathIds<UnitId, i64>) -> Result<Response, AppError> {
    let desk = s.evaluation()?;
    if !desk.may_open(unit).await {
        return Err(if desk.takes(Step::Decision) { AppError::not_found() } else { AppError::forbidden() });
    }
    let r = desk.round(round, unit).await?;
    if r.unit != unit {
        return Err(AppError::not_found());
    }
    match desk.close(round).await {
        Ok(()) => Ok(see_other(&format!("/units/{unit}/evaluation/{round}"))),
        Err(e) => {
            let (status, errors) = forms::refusal_messages(e, "Đợt đánh giá đã kết thúc.")?;
            render(status, &sheet_page(&s, chrome, unit, round, None, errors).await?)
        }
    }
}
