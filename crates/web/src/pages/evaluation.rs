//! Quality evaluation rounds (domain::evaluation, docs/design/evaluation.md).
//! `/units/{id}/evaluation` lists the rounds covering a unit, with the form that opens one for
//! whoever decides for it; `/units/{id}/evaluation/{round}` is a round under the unit: the counts
//! by level with the shares committees report, the units below (each opening its own sheet), the
//! members with the inputs beside them (months absent, the residence's comment) and each step,
//! the organizations, the forms of whoever takes a step, the close, and the `.xlsx`;
//! `/handbook/evaluation` the member's own evaluations and self-assessment.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;

use domain::access::Capability;
use domain::evaluation::{Criteria, Level, Period, Rating, RoundPlan, Step, percent};
use domain::ids::UnitId;
use storage::{EvaluationRow, LevelCounts, RoundRow, RoundSheet, StepInput};

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, PathIds, Query};
use crate::forms;
use crate::pages::directives::unit_label;
use crate::policy::{Policy, Route};
use crate::respond::{page, render, see_other};
use crate::session::Caller;
use crate::xlsx::{self, Cell, Sheet};

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![
        Route::get("/units/{id}/evaluation", read, rounds),
        Route::post("/units/{id}/evaluation", read, open),
        Route::get("/units/{id}/evaluation/{round}", read, sheet),
        Route::get("/units/{id}/evaluation/{round}/report.xlsx", read, workbook),
        Route::post("/units/{id}/evaluation/{round}/steps", read, step),
        Route::post("/units/{id}/evaluation/{round}/close", read, close),
        Route::get("/handbook/evaluation", Policy::LoggedIn, mine),
        Route::post("/handbook/evaluation", Policy::LoggedIn, self_assess),
    ]
}

fn get<'a>(f: &'a [(String, String)], name: &str) -> &'a str {
    f.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// Every value of a repeated field, in the form's order.
fn all(f: &[(String, String)], name: &str) -> Vec<String> {
    f.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
}

fn levels() -> Vec<(&'static str, &'static str)> {
    forms::codes(Level::ALL, Level::code, Level::label)
}

fn rating_words(r: Option<Rating>) -> String {
    match r {
        None => String::new(),
        Some(Rating { level, score: Some(s) }) => format!("{} ({s} điểm)", level.label()),
        Some(Rating { level, score: None }) => level.label().to_owned(),
    }
}

fn round_words(r: &RoundRow) -> String {
    format!(
        "Đợt {} · {} · mở ngày {}{}{}",
        r.period.label(),
        r.regulation.label(),
        crate::format::date(r.opened_on),
        r.due_on.map(|d| format!(" · hạn hoàn thành {}", crate::format::date(d))).unwrap_or_default(),
        r.closed_on.map(|d| format!(" · kết thúc ngày {}", crate::format::date(d))).unwrap_or_default()
    )
}

/// The opening form's values: as typed after a refusal, else the defaults (this year, 20 %,
/// the year's last day).
struct OpenTyped {
    period: String,
    quota_percent: String,
    due_on: String,
    /// The committee's own criteria list, "name | points" a line (none: the total only).
    criteria: String,
}

impl OpenTyped {
    fn defaults(today: chrono::NaiveDate) -> OpenTyped {
        let last = chrono::NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
        OpenTyped {
            period: today.year().to_string(),
            quota_percent: domain::evaluation::DEFAULT_QUOTA_PERCENT.to_string(),
            due_on: crate::format::date(last),
            criteria: String::new(),
        }
    }

    fn from_form(f: &[(String, String)]) -> OpenTyped {
        OpenTyped {
            period: get(f, "period").to_owned(),
            quota_percent: get(f, "quota_percent").to_owned(),
            due_on: get(f, "due_on").to_owned(),
            criteria: get(f, "criteria").to_owned(),
        }
    }
}

struct RoundLine {
    href: String,
    words: String,
    open: bool,
}

#[derive(Template)]
#[template(path = "evaluation_rounds.html")]
struct RoundsPage {
    chrome: Chrome,
    unit: UnitId,
    unit_label: String,
    rounds: Vec<RoundLine>,
    /// Open rounds the units below opened, with what they wait for.
    below: Vec<crate::pages::cycle_due::DueLine>,
    /// The opening form, for whoever decides for the unit.
    may_open: bool,
    this_year: i32,
    typed: OpenTyped,
    errors: Vec<String>,
}

async fn rounds_page(s: &Caller, chrome: Chrome, unit: UnitId, typed: OpenTyped, errors: Vec<String>) -> Result<RoundsPage, AppError> {
    let desk = s.evaluation()?;
    let rounds = desk
        .rounds(unit)
        .await?
        .iter()
        .map(|r| RoundLine { href: format!("/units/{unit}/evaluation/{}", r.id), words: round_words(r), open: r.closed_on.is_none() })
        .collect();
    let below = crate::pages::cycle_due::rounds_below(s, unit, desk.due(unit).await?);
    let label = unit_label(s, unit, "");
    Ok(RoundsPage {
        chrome: chrome.titled(format!("Kiểm điểm, đánh giá, xếp loại: {label}")),
        unit,
        unit_label: label,
        rounds,
        below,
        may_open: desk.may_open(unit).await,
        this_year: s.today().year(),
        typed,
        errors,
    })
}

/// `GET /units/{id}/evaluation`.
async fn rounds(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>) -> Result<Response, AppError> {
    page(&rounds_page(&s, chrome, unit, OpenTyped::defaults(s.today()), Vec::new()).await?)
}

/// `POST /units/{id}/evaluation`: opens a round for the unit's subtree.
async fn open(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>, Form(f): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let desk = s.evaluation()?;
    if !desk.may_open(unit).await {
        return Err(if desk.takes(Step::Decision) { AppError::not_found() } else { AppError::forbidden() });
    }
    let mut e = domain::ValidationErrors::default();
    let period = e.take("period", Period::parse(get(&f, "period")));
    let quota = match get(&f, "quota_percent").trim() {
        "" => Some(domain::evaluation::DEFAULT_QUOTA_PERCENT),
        q => {
            let q = q.parse::<u32>().ok();
            if q.is_none() {
                e.push("quota_percent", "invalid", "Tỷ lệ xuất sắc là một số từ 1 đến 100.");
            }
            q
        }
    };
    let due_on = e.take("due_on", domain::dates::parse_date(get(&f, "due_on")));
    let criteria = match Criteria::parse_lines(get(&f, "criteria")) {
        Ok(c) => c,
        Err(list) => {
            e.errors.extend(list.errors);
            None
        }
    };
    let result = match (period, quota, due_on) {
        (Some(period), Some(quota_percent), Some(due_on)) if e.errors.is_empty() => {
            desk.open(unit, &RoundPlan { period, quota_percent, due_on, criteria }).await.map_err(forms::invalid)
        }
        _ => Err(Ok(e)),
    };
    match result {
        Ok(id) => Ok(see_other(&format!("/units/{unit}/evaluation/{id}"))),
        Err(e) => {
            let errors = forms::messages(e?);
            render(StatusCode::UNPROCESSABLE_ENTITY, &rounds_page(&s, chrome, unit, OpenTyped::from_form(&f), errors).await?)
        }
    }
}

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
struct SheetParams {
    level: String,
}

/// The form a row offers: the step, its fields (score only when scored).
struct RowForm {
    step: &'static str,
    label: &'static str,
    proposal: bool,
}

/// A criterion of the round's own list, as a form shows it.
struct CriterionField {
    /// Its place in the list (the form's inputs keep the order).
    index: usize,
    name: String,
    max_points: u8,
}

fn criterion_fields(criteria: Option<&Criteria>) -> Vec<CriterionField> {
    criteria
        .map(|c| {
            c.items()
                .iter()
                .enumerate()
                .map(|(index, c)| CriterionField { index, name: c.name.clone(), max_points: c.max_points })
                .collect()
        })
        .unwrap_or_default()
}

/// "Đề xuất: 18 · 17 · 50" for each step that gave points.
fn points_words(points: &[storage::StepPoints]) -> String {
    points
        .iter()
        .map(|p| {
            let each: Vec<String> = p.points.iter().map(u8::to_string).collect();
            format!("{}: {}", p.step.label(), each.join(" · "))
        })
        .collect::<Vec<_>>()
        .join("; ")
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
async fn sheet(
    s: Caller,
    chrome: Chrome,
    PathIds(unit, round): PathIds<UnitId, i64>,
    Query(p): Query<SheetParams>,
) -> Result<Response, AppError> {
    let filter = LevelFilter::parse(&p.level)?;
    page(&sheet_page(&s, chrome, unit, round, filter, Vec::new()).await?)
}

/// `POST /units/{id}/evaluation/{round}/steps`: a proposal or a decision from the sheet's row.
async fn step(
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
async fn close(s: Caller, chrome: Chrome, PathIds(unit, round): PathIds<UnitId, i64>) -> Result<Response, AppError> {
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

/// `GET /units/{id}/evaluation/{round}/report.xlsx`: the counts by level under the unit and
/// below it, the members and the organizations with each step.
async fn workbook(s: Caller, PathIds(unit, round): PathIds<UnitId, i64>) -> Result<Response, AppError> {
    let sh = s.evaluation()?.sheet(round, unit).await?;
    let header = ["Đơn vị", "Xuất sắc", "%", "Tốt", "%", "Hoàn thành", "%", "Không hoàn thành", "%", "Chưa xếp loại"];
    let counts_row = |name: String, c: &LevelCounts| {
        let d = u64::from(c.decided());
        let mut row = vec![Cell::text(name)];
        for n in c.levels {
            row.push(Cell::Count(u64::from(n)));
            row.push(Cell::share(u64::from(n), d));
        }
        row.push(Cell::Count(u64::from(c.undecided)));
        row
    };
    let mut rows: Vec<Vec<Cell>> = sh.by_child.iter().map(|(_, n, c)| counts_row(n.clone(), c)).collect();
    rows.push(counts_row("Tổng số".into(), &sh.member_counts));
    let summary = Sheet {
        name: "Đảng viên theo mức".into(),
        title: format!(
            "Kết quả xếp loại chất lượng đảng viên {} – {} ({})",
            sh.round.period.label(),
            sh.unit_name,
            sh.round.regulation.label()
        ),
        header: xlsx::header(&header),
        bold_rows: vec![rows.len() - 1],
        rows,
    };
    // With a criteria list, each criterion's points of the last step that gave them.
    let criteria: Vec<String> =
        sh.criteria.as_ref().map(|c| c.items().iter().map(|c| format!("{} ({})", c.name, c.max_points)).collect()).unwrap_or_default();
    let mut member_header = xlsx::header(&[
        "Họ và tên",
        "Chi bộ",
        "Tự xếp loại",
        "Chi bộ đề xuất",
        "Quyết định",
        "Điểm",
        "Vắng sinh hoạt (tháng)",
        "Nhận xét nơi cư trú",
    ]);
    member_header.extend(criteria.iter().cloned());
    let members = Sheet {
        name: "Đảng viên".into(),
        title: format!("Đánh giá, xếp loại đảng viên {}", sh.round.period.label()),
        header: member_header,
        rows: sh
            .members
            .iter()
            .map(|m| {
                let mut row = vec![
                    Cell::text(m.full_name.clone()),
                    Cell::text(m.unit_name.clone()),
                    Cell::text(m.row.self_rating.map(|r| r.level.label()).unwrap_or("")),
                    Cell::text(m.row.proposed.map(|r| r.level.label()).unwrap_or("")),
                    Cell::text(m.row.decided.map(|r| r.level.label()).unwrap_or("")),
                    m.row.decided.and_then(|r| r.score).map_or(Cell::Empty, |x| Cell::Count(u64::from(x))),
                    Cell::Count(m.months_absent as u64),
                    Cell::text(m.residence.as_ref().map(|c| c.rating.label()).unwrap_or("")),
                ];
                let last = m.points.last().map(|p| p.points.as_slice()).unwrap_or_default();
                row.extend((0..criteria.len()).map(|i| last.get(i).map_or(Cell::Empty, |x| Cell::Count(u64::from(*x)))));
                row
            })
            .collect(),
        bold_rows: Vec::new(),
    };
    let units = Sheet {
        name: "Tổ chức đảng".into(),
        title: format!("Đánh giá, xếp loại tổ chức đảng {}", sh.round.period.label()),
        header: xlsx::header(&["Tổ chức", "Tự xếp loại", "Đề xuất", "Quyết định"]),
        rows: sh
            .units
            .iter()
            .map(|u| {
                vec![
                    Cell::text(u.name.clone()),
                    Cell::text(u.row.self_rating.map(|r| r.level.label()).unwrap_or("")),
                    Cell::text(u.row.proposed.map(|r| r.level.label()).unwrap_or("")),
                    Cell::text(u.row.decided.map(|r| r.level.label()).unwrap_or("")),
                ]
            })
            .collect(),
        bold_rows: Vec::new(),
    };
    Ok(xlsx::download(&[summary, members, units], &format!("xep-loai-{}-{unit}", sh.round.period.code())))
}

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
async fn mine(s: Caller, chrome: Chrome) -> Result<Response, AppError> {
    page(&mine_page(&s, chrome, Vec::new()).await?)
}

/// `POST /handbook/evaluation`: the member's self-assessment.
async fn self_assess(s: Caller, chrome: Chrome, Form(f): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
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
