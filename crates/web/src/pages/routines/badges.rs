//! Party badges (rules.md §6, docs/design/badges.md). `/units/{id}/badges[?award_on=]` shows who
//! under a unit is due at an award day (3/2, 19/5, 2/9, 7/11; the next by default), who a
//! discipline holds back and by which rule, who is due only within an early window, the unit's
//! proposal lists and the form that opens one; `/units/{id}/badges/{list}` a list — its members,
//! those the page offers to add (the seriously ill, posthumously), sending it up and recording
//! the decision, which puts each badge on the member's record.

use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use domain::ValidationErrors;
use domain::access::Capability;
use domain::badges::{AwardDay, Circumstance, HoldRule, Verdict};
use domain::ids::{DecisionNumber, MemberId, UnitId};
use storage::{Candidate, ListStatus};

use super::{Cell, Fact, FormBlock, RegisterPage, Table, date_in, get, version_in};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, PathIds};
use crate::format;
use crate::forms::{self, Field, Section};
use crate::pages::directives::unit_label;
use crate::policy::{Policy, Route, may_open};
use crate::query::{param, parse_query_date};
use crate::respond::{page, render, see_other};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![
        Route::get("/units/{id}/badges", read, due),
        Route::post("/units/{id}/badges", read, open),
        Route::get("/units/{id}/badges/{list}", read, list),
        Route::post("/units/{id}/badges/{list}/lines", read, add_line),
        Route::post("/units/{id}/badges/{list}/remove", read, remove_line),
        Route::post("/units/{id}/badges/{list}/send", read, send),
        Route::post("/units/{id}/badges/{list}/decision", read, decide),
    ]
}

#[derive(Debug, Default, Deserialize)]
pub struct DueQuery {
    pub award_on: Option<String>,
}

/// The award days of the coming year, from `today`.
pub(crate) fn coming_days(today: NaiveDate) -> Vec<(AwardDay, NaiveDate)> {
    let mut days: Vec<(AwardDay, NaiveDate)> = [today.year(), today.year() + 1]
        .iter()
        .flat_map(|y| AwardDay::ALL.iter().map(move |d| (*d, d.on(*y))))
        .filter(|(_, on)| *on >= today)
        .collect();
    days.sort_by_key(|(_, on)| *on);
    days.truncate(4);
    days
}

fn age(months: u32) -> String {
    format!("{} năm {} tháng", months / 12, months % 12)
}

pub(crate) fn hold_words(v: &Verdict) -> String {
    match v {
        Verdict::Held { hold, .. } => {
            let rule = match hold.rule {
                HoldRule::InForce => "kỷ luật còn hiệu lực (Quy định 69-QĐ/TW, Điều 2.13)".to_string(),
                HoldRule::Wait(w) => format!("thời gian chờ theo {}", w.label()),
            };
            let until = hold.until.map_or_else(|| "đến khi có quyết định mới".to_string(), |d| format!("đến {}", format::date(d)));
            format!("Kỷ luật {}: {rule}, {until}", hold.form.label().to_lowercase())
        }
        other => storage::verdict_words(other),
    }
}

async fn member_cell(s: &Caller, c: &Candidate) -> Cell {
    let href = may_open(s, "/members/{id}/party-work", Some(storage::ScopeTarget::Member(c.member)))
        .await
        .then(|| format!("/members/{}/party-work#huy-hieu", c.member));
    Cell::link(c.member_name.clone(), href).meta(c.unit_name.clone())
}

async fn due_page(
    s: &Caller,
    chrome: Chrome,
    unit: UnitId,
    award_on: NaiveDate,
    refused: Option<&ValidationErrors>,
    typed: &[(String, String)],
) -> Result<RegisterPage, AppError> {
    let desk = s.badges()?;
    let candidates = desk.candidates(unit, award_on).await?;
    let early = desk.early(unit, award_on).await?;
    let lists = desk.lists(unit).await?;
    let mut due_rows = Vec::new();
    let mut held_rows = Vec::new();
    for c in &candidates {
        match c.verdict {
            Verdict::Due { milestone, .. } => {
                due_rows.push(vec![member_cell(s, c).await, Cell::text(format!("{milestone} năm")), Cell::text(age(c.party_age_months))])
            }
            Verdict::Held { milestone, .. } => {
                held_rows.push(vec![member_cell(s, c).await, Cell::text(format!("{milestone} năm")), Cell::text(hold_words(&c.verdict))])
            }
            _ => {}
        }
    }
    let mut early_rows = Vec::new();
    for c in &early {
        if let Verdict::Due { milestone, early_months } = c.verdict {
            early_rows.push(vec![
                member_cell(s, c).await,
                Cell::text(format!("{milestone} năm")),
                Cell::text(format!("{} (sớm {early_months} tháng)", c.circumstance.label())),
            ]);
        }
    }
    let mut list_rows = Vec::new();
    for (row, name) in &lists {
        list_rows.push(vec![
            Cell::link(format!("Dịp {}", format::date(row.award_on)), Some(format!("/units/{}/badges/{}", row.unit, row.id)))
                .meta(name.clone()),
            Cell::badge(row.status.label(), if row.status == ListStatus::Decided { "ok" } else { "soon" }),
            Cell::text(
                row.decision
                    .clone()
                    .map(|d| format!("{d} ngày {}", row.decided_on.map(format::date).unwrap_or_default()))
                    .unwrap_or_default(),
            ),
        ]);
    }
    let mut forms = Vec::new();
    let has_list = lists.iter().any(|(r, _)| r.unit == unit && r.award_on == award_on);
    if desk.may_keep_unit(unit).await && !has_list {
        let value = if typed.is_empty() { format::date(award_on) } else { get(typed, "award_on").to_owned() };
        let mut block = FormBlock::new(
            format!("Lập danh sách đề nghị dịp {}", format::date(award_on)),
            format!("/units/{unit}/badges"),
            "Lập danh sách",
            vec![Section::new("", vec![Field::date("award_on", "Dịp trao tặng", &value).required()])
                .note("Danh sách gồm mọi đảng viên đủ tuổi Đảng vào ngày trao tặng và không bị kỷ luật giữ lại; xem lại, bổ sung trường hợp xét sớm rồi gửi lên cấp trên.")],
        );
        block.open = refused.is_some();
        if let Some(e) = refused {
            block.refused(e);
        }
        forms.push(block);
    }
    let label = unit_label(s, unit, "");
    let days = coming_days(s.today());
    Ok(RegisterPage {
        chrome: chrome.titled(format!("Huy hiệu Đảng dịp {}: {label}", format::date(award_on))),
        unit,
        unit_label: label,
        crumb: "Huy hiệu Đảng",
        heading: format!("Huy hiệu Đảng dịp {}", format::date(award_on)),
        notes: vec![format!(
            "Tuổi Đảng tính đến ngày trao tặng, trừ thời gian không sinh hoạt đảng. Thời gian chờ sau kỷ luật: {}.",
            s.badges()?.wait_rule().label()
        )],
        facts: vec![
            Fact { label: "Đủ điều kiện".into(), value: format::number(due_rows.len() as u64), href: None },
            Fact { label: "Chưa xét do kỷ luật".into(), value: format::number(held_rows.len() as u64), href: None },
            Fact {
                label: "Xét sớm nếu ốm nặng hoặc truy tặng".into(), value: format::number(early_rows.len() as u64), href: None
            },
        ],
        filter_action: format!("/units/{unit}/badges"),
        filters: vec![super::Filter { name: "award_on", label: "Dịp trao tặng", value: format::date(award_on) }],
        links: days
            .iter()
            .map(|(d, on)| {
                (format!("/units/{unit}/badges?award_on={}", format::date(*on)), format!("{} ({})", d.label(), format::date(*on)))
            })
            .collect(),
        tables: vec![
            Table {
                caption: format!("Đủ điều kiện ({})", due_rows.len()),
                columns: vec!["Đảng viên", "Huy hiệu", "Tuổi Đảng"],
                rows: due_rows,
                empty: "Không có đảng viên nào đến mốc vào dịp này.",
            },
            Table {
                caption: format!("Chưa xét do kỷ luật ({})", held_rows.len()),
                columns: vec!["Đảng viên", "Huy hiệu", "Lý do"],
                rows: held_rows,
                empty: "Không có.",
            },
            Table {
                caption: format!("Có thể xét sớm ({})", early_rows.len()),
                columns: vec!["Đảng viên", "Huy hiệu", "Trường hợp"],
                rows: early_rows,
                empty: "Không có.",
            },
            Table {
                caption: format!("Danh sách đề nghị ({})", list_rows.len()),
                columns: vec!["Danh sách", "Tình trạng", "Quyết định"],
                rows: list_rows,
                empty: "Chưa lập danh sách nào.",
            },
        ],
        forms,
    })
}

/// `GET /units/{id}/badges[?award_on=]`.
async fn due(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>, Query(q): Query<DueQuery>) -> Result<Response, AppError> {
    let award_on =
        param("award_on", parse_query_date(q.award_on.as_deref().unwrap_or_default()))?.unwrap_or_else(|| AwardDay::next(s.today()).1);
    page(&due_page(&s, chrome, unit, award_on, None, &[]).await?)
}

/// `POST /units/{id}/badges`: opens the unit's list for an award day.
async fn open(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>, Form(f): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let desk = s.badges()?;
    desk.require_keep_unit(unit).await?;
    let mut e = ValidationErrors::default();
    let award_on = date_in(&mut e, &f, "award_on", true);
    let result = match award_on {
        Some(on) => desk.open(unit, on).await.map_err(forms::invalid),
        None => Err(Ok(e)),
    };
    match result {
        Ok(id) => Ok(see_other(&format!("/units/{unit}/badges/{id}"))),
        Err(e) => {
            let errors = e?;
            let on = award_on.unwrap_or_else(|| AwardDay::next(s.today()).1);
            render(StatusCode::UNPROCESSABLE_ENTITY, &due_page(&s, chrome, unit, on, Some(&errors), &f).await?)
        }
    }
}

struct LineView {
    member: MemberId,
    name: Cell,
    milestone: String,
    circumstance: String,
    age: String,
}

#[derive(Template)]
#[template(path = "badge_list.html")]
struct ListPage {
    chrome: Chrome,
    unit: UnitId,
    unit_label: String,
    id: i64,
    version: i64,
    heading: String,
    status: String,
    decision: String,
    editable: bool,
    lines: Vec<LineView>,
    addable: Vec<(MemberId, Cell, String, &'static str, String)>,
    held: Vec<(Cell, String)>,
    send: bool,
    decision_form: Option<FormBlock>,
    errors: Vec<String>,
}

async fn list_page(
    s: &Caller,
    chrome: Chrome,
    unit: UnitId,
    id: i64,
    errors: Vec<String>,
    refused: Option<(&ValidationErrors, &[(String, String)])>,
) -> Result<ListPage, AppError> {
    let desk = s.badges()?;
    let list = desk.list(unit, id).await?;
    let keeps = desk.may_keep_unit(unit).await;
    let editable = keeps && list.row.status == ListStatus::Draft;
    let mut lines = Vec::new();
    for l in &list.lines {
        let href = may_open(s, "/members/{id}/party-work", Some(storage::ScopeTarget::Member(l.line.member)))
            .await
            .then(|| format!("/members/{}/party-work#huy-hieu", l.line.member));
        lines.push(LineView {
            member: l.line.member,
            name: Cell::link(l.member_name.clone(), href).meta(l.unit_name.clone()),
            milestone: format!("{} năm", l.line.milestone),
            circumstance: if l.line.early_months > 0 {
                format!("{} (sớm {} tháng)", l.line.circumstance.label(), l.line.early_months)
            } else {
                l.line.circumstance.label().to_string()
            },
            age: age(l.party_age_months),
        });
    }
    let mut addable = Vec::new();
    if editable {
        for c in desk.early(unit, list.row.award_on).await? {
            if list.lines.iter().any(|l| l.line.member == c.member) {
                continue;
            }
            if let Verdict::Due { milestone, early_months } = c.verdict {
                addable.push((
                    c.member,
                    member_cell(s, &c).await,
                    format!("{milestone} năm"),
                    c.circumstance.code(),
                    format!("{} (sớm {early_months} tháng)", c.circumstance.label()),
                ));
            }
        }
    }
    let mut held = Vec::new();
    for c in &list.held {
        held.push((member_cell(s, c).await, hold_words(&c.verdict)));
    }
    let decision_form = (list.row.status == ListStatus::Sent && desk.may_decide(unit).await).then(|| {
        let typed = |name: &str| refused.map(|(_, f)| get(f, name).to_owned()).unwrap_or_default();
        let mut block = FormBlock::new(
            "Ghi quyết định tặng Huy hiệu",
            format!("/units/{unit}/badges/{id}/decision"),
            "Ghi quyết định",
            vec![
                Section::new(
                    "",
                    vec![
                        Field::text("decision", "Số quyết định", &typed("decision")).required(),
                        Field::date("decided_on", "Ngày quyết định", &typed("decided_on")).required(),
                        Field::text("issuer", "Cấp quyết định", &typed("issuer")).required().hint("Ví dụ: Ban Thường vụ Tỉnh ủy."),
                    ],
                )
                .note("Mỗi đảng viên trong danh sách được ghi Huy hiệu vào hồ sơ, trao tặng vào dịp của danh sách."),
            ],
        )
        .at(list.row.version);
        block.open = true;
        if let Some((e, _)) = refused {
            block.refused(e);
        }
        block
    });
    let label = unit_label(s, unit, &list.unit_name);
    Ok(ListPage {
        chrome: chrome.titled(format!("Danh sách đề nghị tặng Huy hiệu Đảng dịp {}: {label}", format::date(list.row.award_on))),
        unit,
        unit_label: label,
        id,
        version: list.row.version,
        heading: format!("Danh sách đề nghị tặng Huy hiệu Đảng dịp {}", format::date(list.row.award_on)),
        status: list.row.status.label().to_string(),
        decision: match (&list.row.decision, list.row.decided_on, &list.row.issuer) {
            (Some(d), Some(on), Some(issuer)) => format!("Quyết định số {d} ngày {} của {issuer}", format::date(on)),
            _ => list.row.sent_on.map(|on| format!("Gửi lên cấp trên ngày {}", format::date(on))).unwrap_or_default(),
        },
        editable,
        send: editable && !list.lines.is_empty(),
        lines,
        addable,
        held,
        decision_form,
        errors,
    })
}

/// `GET /units/{id}/badges/{list}`.
async fn list(s: Caller, chrome: Chrome, PathIds(unit, id): PathIds<UnitId, i64>) -> Result<Response, AppError> {
    page(&list_page(&s, chrome, unit, id, Vec::new(), None).await?)
}

async fn list_answer(
    s: Caller,
    chrome: Chrome,
    unit: UnitId,
    id: i64,
    result: Result<(), storage::StoreError>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(see_other(&format!("/units/{unit}/badges/{id}"))),
        Err(e) => {
            let (status, messages) = forms::refusal_messages(e, "Danh sách vừa được người khác cập nhật; xem lại rồi làm lại.")?;
            render(status, &list_page(&s, chrome, unit, id, messages, None).await?)
        }
    }
}

fn member_in(f: &[(String, String)]) -> Result<MemberId, AppError> {
    get(f, "member").trim().parse::<i64>().map(MemberId).map_err(|_| AppError::bad_request("Thiếu đảng viên."))
}

/// `POST /units/{id}/badges/{list}/lines`: adds a member within an early window.
async fn add_line(
    s: Caller,
    chrome: Chrome,
    PathIds(unit, id): PathIds<UnitId, i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    s.badges()?.require_keep_unit(unit).await?;
    let version = version_in(&f)?;
    let member = member_in(&f)?;
    let circumstance = Circumstance::parse(get(&f, "circumstance")).map_err(|e| AppError::bad_request(&e.message))?;
    let result = s.badges()?.add(unit, id, version, member, circumstance).await;
    list_answer(s, chrome, unit, id, result).await
}

/// `POST /units/{id}/badges/{list}/remove`.
async fn remove_line(
    s: Caller,
    chrome: Chrome,
    PathIds(unit, id): PathIds<UnitId, i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    s.badges()?.require_keep_unit(unit).await?;
    let version = version_in(&f)?;
    let member = member_in(&f)?;
    let result = s.badges()?.remove(unit, id, version, member).await;
    list_answer(s, chrome, unit, id, result).await
}

/// `POST /units/{id}/badges/{list}/send`.
async fn send(
    s: Caller,
    chrome: Chrome,
    PathIds(unit, id): PathIds<UnitId, i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    s.badges()?.require_keep_unit(unit).await?;
    let version = version_in(&f)?;
    let result = s.badges()?.send(unit, id, version).await;
    list_answer(s, chrome, unit, id, result).await
}

/// `POST /units/{id}/badges/{list}/decision`.
async fn decide(
    s: Caller,
    chrome: Chrome,
    PathIds(unit, id): PathIds<UnitId, i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.badges()?;
    if !desk.may_decide(unit).await {
        desk.require_read_unit(unit).await?;
        return Err(storage::StoreError::Forbidden.into());
    }
    let version = version_in(&f)?;
    let mut e = ValidationErrors::default();
    let decision = DecisionNumber::parse(get(&f, "decision")).map_err(|x| e.push("decision", x.code, x.message)).ok();
    let decided_on = date_in(&mut e, &f, "decided_on", true);
    let result = match (decision, decided_on, e.errors.is_empty()) {
        (Some(decision), Some(on), true) => {
            desk.decide(unit, id, version, decision, on, get(&f, "issuer").to_owned()).await.map_err(forms::refusal)
        }
        _ => Err(Ok(forms::Refusal::Invalid(e))),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/units/{unit}/badges/{id}"))),
        Err(r) => {
            let r = r?;
            let status = r.status();
            if r.is_conflict() {
                let messages = vec!["Danh sách vừa được người khác cập nhật; xem lại rồi làm lại.".to_owned()];
                return render(status, &list_page(&s, chrome, unit, id, messages, None).await?);
            }
            let errors = r.errors();
            render(status, &list_page(&s, chrome, unit, id, Vec::new(), Some((&errors, &f))).await?)
        }
    }
}
