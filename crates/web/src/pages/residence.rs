//! Working members and their residence (Quy định 213-QĐ/TW, docs/design/residence.md).
//! `/members/{id}/residence` is a member's tie with its contacts and yearly comments and the
//! forms of whoever keeps them; `/units/{id}/residence` a unit's report for a year — its working
//! members (registered, confirmed, contacts, overdue, comments) and the members of other places
//! living in its area, with the residence side's comment form.

use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};

use domain::ValidationErrors;
use domain::access::Capability;
use domain::ids::{MemberId, UnitId};
use domain::residence::{Category, Comment, CommentRating, ContactKind, ResidenceCell, Tie, TieFields};
use storage::{ResidenceLine, ResidenceReport};

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId};
use crate::format;
use crate::forms::{self, Field, Section, SummaryItem};
use crate::pages::directives::unit_label;
use crate::pages::dues::{YearQuery, year_of};
use crate::policy::{Policy, Route};
use crate::respond::{page, render, see_other};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![
        Route::get("/members/{id}/residence", read, member),
        Route::post("/members/{id}/residence", read, set_tie),
        Route::post("/members/{id}/residence/contacts", read, add_contact),
        Route::post("/members/{id}/residence/comments", read, add_comment),
        Route::get("/units/{id}/residence", read, report),
        Route::post("/units/{id}/residence/comments", read, comment_from_unit),
    ]
}

/// The report's query: the year, and whether every member is listed (else those needing action).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ReportQuery {
    year: String,
    all: String,
}

/// A working member the workplace has something to do for: not introduced, not confirmed by the
/// residence, a contact overdue, the year's comment missing.
fn needs_action(l: &ResidenceLine) -> bool {
    let st = l.standing;
    !st.registered || !st.confirmed || st.contact_overdue || (st.comment_expected && !st.comment_received)
}

/// A member living here whose year's comment the residence side still owes.
fn comment_owed(l: &ResidenceLine) -> bool {
    l.standing.comment_expected && !l.standing.comment_received
}

fn get<'a>(f: &'a [(String, String)], name: &str) -> &'a str {
    f.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

fn categories() -> Vec<(&'static str, &'static str)> {
    forms::codes(Category::ALL, Category::code, Category::label)
}

fn ratings() -> Vec<(&'static str, &'static str)> {
    forms::codes(CommentRating::ALL, CommentRating::code, CommentRating::label)
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    forms::codes(ContactKind::ALL, ContactKind::code, ContactKind::label)
}

/// The fields of the comment form (`year`, `rating`, `text`, `signer`, `on`).
fn comment_fields(f: &[(String, String)], year: i32) -> Vec<Field> {
    let y = match get(f, "year") {
        "" => year.to_string(),
        typed => typed.to_owned(),
    };
    vec![
        Field::text("year", "Năm được nhận xét", &y).required(),
        Field::select("rating", "Nhận xét chung", get(f, "rating"), Some("— Chọn —"), ratings()).required(),
        Field::textarea("text", "Nội dung nhận xét", get(f, "text")).required(),
        Field::text("signer", "Người ký (chi ủy, ban công tác Mặt trận)", get(f, "signer")).required(),
        Field::date("on", "Ngày nhận xét", get(f, "on")).hint("Để trống: hôm nay."),
    ]
}

fn typed_comment(f: &[(String, String)], today: NaiveDate) -> Result<Comment, ValidationErrors> {
    Comment::parse(get(f, "year"), get(f, "rating"), get(f, "text"), get(f, "signer"), get(f, "on"), today)
}

struct ContactLine {
    on: String,
    kind: &'static str,
    note: String,
}

struct CommentLine {
    year: i32,
    rating: &'static str,
    text: String,
    meta: String,
}

#[derive(Template)]
#[template(path = "residence_member.html")]
struct MemberPage {
    chrome: Chrome,
    member: MemberId,
    name: String,
    year: i32,
    working: bool,
    /// The tie in words: (label, value) rows.
    tie: Vec<(&'static str, String)>,
    version: Option<i64>,
    standing: String,
    contacts: Vec<ContactLine>,
    comments: Vec<CommentLine>,
    tie_form: Vec<Section>,
    contact_form: Vec<Section>,
    comment_form: Vec<Section>,
    keeps: bool,
    summary: Vec<SummaryItem>,
}

fn tie_rows(t: &Tie, cell_name: Option<&str>) -> Vec<(&'static str, String)> {
    let mut rows = vec![("Diện", t.category.label().to_owned()), ("Địa chỉ nơi cư trú", t.address.clone())];
    if let Some(r) = &t.reason {
        rows.push(("Lý do", r.clone()));
    }
    match &t.cell {
        Some(ResidenceCell::Internal(_)) => rows.push(("Chi bộ nơi cư trú", cell_name.unwrap_or_default().to_owned())),
        Some(ResidenceCell::External(n)) => rows.push(("Chi bộ nơi cư trú", format!("{n} (ngoài hệ thống)"))),
        None => {}
    }
    if let Some((n, d)) = &t.letter {
        rows.push(("Giấy giới thiệu", format!("Số {n} ngày {}", format::date(*d))));
    }
    rows.push(("Nơi cư trú xác nhận", t.confirmed_on.map_or_else(|| "Chưa xác nhận".to_owned(), format::date)));
    if let Some(r) = &t.reach {
        rows.push(("Cách liên hệ", r.clone()));
    }
    rows
}

async fn member_page(
    s: &Caller,
    chrome: Chrome,
    member: MemberId,
    year: i32,
    f: &[(String, String)],
    errors: &ValidationErrors,
) -> Result<MemberPage, AppError> {
    let desk = s.residence()?;
    let r = desk.member(member, year).await?;
    let keeps = desk.may_keep_member(member).await;
    let today = s.today();
    let tie = r.tie.as_ref().map(|t| tie_rows(&t.tie, r.cell_name.as_deref())).unwrap_or_default();
    let st = r.standing;
    let standing = if r.tie.is_none() {
        if r.working {
            "Đảng viên đang công tác: chưa giới thiệu về nơi cư trú.".to_owned()
        } else {
            "Chưa ghi giới thiệu về nơi cư trú.".to_owned()
        }
    } else {
        let mut parts = vec![format!("{} lần liên hệ năm {year}", st.contacts_in_year)];
        if let Some(due) = r.contact_due {
            parts.push(if st.contact_overdue {
                format!("quá hạn liên hệ từ {}", format::date(due))
            } else {
                format!("liên hệ tiếp trước {}", format::date(due))
            });
        }
        if st.comment_expected {
            parts.push(if st.comment_received {
                format!("đã có nhận xét năm {year}")
            } else {
                format!("chưa có nhận xét năm {year}")
            });
        }
        parts.join(" · ")
    };
    let (mut tie_form, mut contact_form, mut comment_form) = (Vec::new(), Vec::new(), Vec::new());
    let mut summary = Vec::new();
    if keeps {
        // The form starts from what is recorded, or what was typed.
        let current = r.tie.as_ref().map(|t| &t.tie);
        let typed_or = |name: &str, recorded: String| if f.iter().any(|(k, _)| k == name) { get(f, name).to_owned() } else { recorded };
        let outside = match current.and_then(|t| t.cell.as_ref()) {
            Some(ResidenceCell::External(n)) => n.clone(),
            _ => String::new(),
        };
        let cell_id = match current.and_then(|t| t.cell.as_ref()) {
            Some(ResidenceCell::Internal(u)) => u.to_string(),
            _ => String::new(),
        };
        let cell = Field::unit("residence_cell", "Chi bộ nơi cư trú", &typed_or("residence_cell", cell_id))
            .hint("Gõ tên thôn, tổ dân phố hoặc mã chi bộ, rồi chọn trong danh sách gợi ý.");
        tie_form = vec![Section::new(
            "Giới thiệu về nơi cư trú",
            vec![
                Field::select(
                    "category",
                    "Diện",
                    &typed_or("category", current.map(|t| t.category.code().to_owned()).unwrap_or_default()),
                    Some("— Chọn —"),
                    categories(),
                )
                .required(),
                Field::text("reason", "Lý do (diện miễn)", &typed_or("reason", current.and_then(|t| t.reason.clone()).unwrap_or_default())),
                Field::text("address", "Địa chỉ nơi cư trú", &typed_or("address", current.map(|t| t.address.clone()).unwrap_or_default()))
                    .required(),
                cell,
                Field::text("cell_outside", "Hoặc chi bộ nơi cư trú ngoài hệ thống", &typed_or("cell_outside", outside)),
                Field::text(
                    "letter_number",
                    "Số giấy giới thiệu",
                    &typed_or("letter_number", current.and_then(|t| t.letter.as_ref()).map(|l| l.0.clone()).unwrap_or_default()),
                ),
                Field::date(
                    "letter_on",
                    "Ngày giấy giới thiệu",
                    &typed_or("letter_on", current.and_then(|t| t.letter.as_ref()).map(|l| format::date(l.1)).unwrap_or_default()),
                ),
                Field::date(
                    "confirmed_on",
                    "Ngày nơi cư trú xác nhận",
                    &typed_or("confirmed_on", current.and_then(|t| t.confirmed_on).map(format::date).unwrap_or_default()),
                ),
                Field::text(
                    "reach",
                    "Cách liên hệ (làm việc xa, ở nước ngoài)",
                    &typed_or("reach", current.and_then(|t| t.reach.clone()).unwrap_or_default()),
                ),
            ],
        )];
        if r.tie.is_some() {
            contact_form = vec![Section::new(
                "Ghi lần liên hệ với nơi cư trú",
                vec![
                    Field::date("contact_on", "Ngày", get(f, "contact_on")).required(),
                    Field::select("contact_kind", "Hình thức", get(f, "contact_kind"), None, kinds()),
                    Field::text("contact_note", "Nội dung", get(f, "contact_note")),
                ],
            )];
            comment_form = vec![Section::new("Nhận xét của nơi cư trú", comment_fields(f, today.year()))];
        }
        summary.extend(forms::attach_errors(&mut tie_form, errors));
        summary.extend(forms::attach_errors(&mut contact_form, errors));
        summary.extend(forms::attach_errors(&mut comment_form, errors));
    }
    Ok(MemberPage {
        chrome: chrome.titled(format!("Nơi cư trú: {}", r.full_name)),
        member,
        name: r.full_name.clone(),
        year,
        working: r.working,
        tie,
        version: r.tie.as_ref().map(|t| t.version),
        standing,
        contacts: r
            .contacts
            .iter()
            .rev()
            .map(|c| ContactLine { on: format::date(c.on), kind: c.kind.label(), note: c.note.clone().unwrap_or_default() })
            .collect(),
        comments: r
            .comments
            .iter()
            .rev()
            .map(|c| CommentLine {
                year: c.comment.year,
                rating: c.comment.rating.label(),
                text: c.comment.text.clone(),
                meta: format!("{} ký ngày {}", c.comment.signer, format::date(c.comment.on)),
            })
            .collect(),
        tie_form,
        contact_form,
        comment_form,
        keeps,
        summary,
    })
}

/// `GET /members/{id}/residence[?year=]`.
async fn member(s: Caller, chrome: Chrome, PathId(member): PathId<MemberId>, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    let year = year_of(&q, s.today())?;
    page(&member_page(&s, chrome, member, year, &[], &ValidationErrors::default()).await?)
}

async fn answer(
    s: Caller,
    chrome: Chrome,
    member: MemberId,
    f: &[(String, String)],
    result: Result<(), Result<ValidationErrors, AppError>>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(see_other(&format!("/members/{member}/residence"))),
        Err(e) => {
            let errors = e?;
            let year = s.today().year();
            render(StatusCode::UNPROCESSABLE_ENTITY, &member_page(&s, chrome, member, year, f, &errors).await?)
        }
    }
}

/// The tie as typed (the residence chi bộ resolved by the picker into `cell`).
fn typed_tie(f: &[(String, String)], today: NaiveDate) -> Result<Tie, ValidationErrors> {
    let cell = match get(f, "residence_cell").trim() {
        "" => None,
        id => Some(
            id.parse::<i64>()
                .map(UnitId)
                .map_err(|_| ValidationErrors::single("residence_cell", "invalid", "Chọn chi bộ trong danh sách."))?,
        ),
    };
    let fields = TieFields {
        category: get(f, "category"),
        reason: get(f, "reason"),
        address: get(f, "address"),
        cell,
        cell_outside: get(f, "cell_outside"),
        letter_number: get(f, "letter_number"),
        letter_on: get(f, "letter_on"),
        confirmed_on: get(f, "confirmed_on"),
        reach: get(f, "reach"),
    };
    Tie::parse(&fields, today)
}

/// `POST /members/{id}/residence`: records or replaces the tie (`version` the one shown).
async fn set_tie(
    s: Caller,
    chrome: Chrome,
    PathId(member): PathId<MemberId>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    s.residence()?.keep_member(member).await?;
    let version = get(&f, "version").trim().parse::<i64>().ok();
    let result = match typed_tie(&f, s.today()) {
        Ok(tie) => match s.residence()?.set_tie(member, tie, version).await {
            Ok(()) => Ok(()),
            Err(storage::StoreError::Conflict { .. }) => Err(Ok(ValidationErrors::single(
                "category",
                "conflict",
                "Thông tin nơi cư trú vừa được người khác cập nhật; xem lại rồi lưu lại.",
            ))),
            Err(e) => Err(forms::invalid(e)),
        },
        Err(e) => Err(Ok(e)),
    };
    let result = result.map_err(|e| e.map(cell_field));
    answer(s, chrome, member, &f, result).await
}

/// The domain names the residence chi bộ `cell`; the form's field is `residence_cell`.
fn cell_field(mut e: ValidationErrors) -> ValidationErrors {
    for x in &mut e.errors {
        if x.field == "cell" {
            x.field = "residence_cell".into();
        }
    }
    e
}

/// `POST /members/{id}/residence/contacts`.
async fn add_contact(
    s: Caller,
    chrome: Chrome,
    PathId(member): PathId<MemberId>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    s.residence()?.keep_member(member).await?;
    let mut e = ValidationErrors::default();
    let on = e.take("contact_on", domain::dates::parse_date(get(&f, "contact_on")));
    let kind = match get(&f, "contact_kind") {
        "" => Some(ContactKind::Meeting),
        k => e.take("contact_kind", ContactKind::parse(k)),
    };
    let result = match (on, kind) {
        (Some(on), Some(kind)) if e.is_empty() => s
            .residence()?
            .add_contact(member, on, kind, get(&f, "contact_note"))
            .await
            .map(|_| ())
            .map_err(|x| forms::invalid(x).map(|v| forms::prefixed(v, "contact_"))),
        _ => Err(Ok(e)),
    };
    answer(s, chrome, member, &f, result).await
}

/// `POST /members/{id}/residence/comments`: the comment recorded by the member's keepers.
async fn add_comment(
    s: Caller,
    chrome: Chrome,
    PathId(member): PathId<MemberId>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    s.residence()?.keep_member(member).await?;
    let result = match typed_comment(&f, s.today()) {
        Ok(c) => s.residence()?.add_comment(None, member, c).await.map(|_| ()).map_err(forms::invalid),
        Err(e) => Err(Ok(e)),
    };
    answer(s, chrome, member, &f, result).await
}

struct ReportRow {
    id: MemberId,
    member: crate::pages::Link,
    unit: String,
    residence: String,
    category: String,
    contacts: String,
    comment: String,
    class: &'static str,
    /// The comment form may be shown for this member (living here, no comment yet).
    commentable: bool,
    /// What was typed in a refused comment (rating, text, signer, day).
    typed: Option<[String; 4]>,
    /// The ratings offered, the typed one selected.
    options: Vec<(&'static str, &'static str, bool)>,
}

/// A unit directly below on the report.
struct ChildRow {
    href: String,
    name: String,
    working: usize,
    not_registered: usize,
    unconfirmed: usize,
    contact_overdue: usize,
    comments: usize,
    comments_missing: usize,
}

#[derive(Template)]
#[template(path = "residence_report.html")]
struct ReportPage {
    chrome: Chrome,
    unit: UnitId,
    unit_label: String,
    year: i32,
    years: Vec<i32>,
    totals: Vec<(String, String)>,
    /// The units directly below with their counts (each opening its own report).
    children: Vec<ChildRow>,
    /// The heading of the comments column: by the deadline, when there is one.
    comments_heading: String,
    working: Vec<ReportRow>,
    living: Vec<ReportRow>,
    today: String,
    errors: Vec<String>,
    /// Every member listed (else only those needing action), and how many each list holds in all.
    all: bool,
    working_total: usize,
    living_total: usize,
}

async fn rows(s: &Caller, lines: &[ResidenceLine], year: i32, deadline: Option<chrono::NaiveDate>, commentable: bool) -> Vec<ReportRow> {
    let mut out = Vec::new();
    for l in lines {
        let st = l.standing;
        let comment = match (&l.comment, st.comment_expected) {
            (Some(c), _) => {
                let late = deadline.is_some_and(|due| !domain::evaluation::comment_in_time(c.on, due));
                format!("{} ({}{})", c.rating.label(), format::date(c.on), if late { ", sau hạn đánh giá" } else { "" })
            }
            (None, true) => format!("Chưa có nhận xét năm {year}"),
            (None, false) if st.registered => "Không nhận xét định kỳ".to_owned(),
            (None, false) => String::new(),
        };
        let contacts = if !st.registered {
            "Chưa giới thiệu".to_owned()
        } else {
            let last = l.last_contact.map(|d| format!(", gần nhất {}", format::date(d))).unwrap_or_default();
            let overdue = if st.contact_overdue { " — quá hạn liên hệ" } else { "" };
            format!("{} lần năm {year}{last}{overdue}", st.contacts_in_year)
        };
        out.push(ReportRow {
            id: l.member,
            member: crate::pages::Link::if_allowed(
                s,
                "/members/{id}/residence",
                Some(storage::ScopeTarget::Member(l.member)),
                format!("/members/{}/residence", l.member),
                l.full_name.clone(),
            )
            .await,
            unit: l.unit_name.clone(),
            residence: l.residence.clone(),
            category: l.category.map(|c| c.label().to_owned()).unwrap_or_default(),
            contacts,
            class: if !st.registered || st.contact_overdue || (st.comment_expected && !st.comment_received) { "warn" } else { "ok" },
            comment,
            commentable: commentable && l.comment.is_none() && st.registered,
            typed: None,
            options: ratings().into_iter().map(|(v, l)| (v, l, false)).collect(),
        });
    }
    out
}

async fn report_page(
    s: &Caller,
    chrome: Chrome,
    unit: UnitId,
    year: i32,
    all: bool,
    f: &[(String, String)],
    errors: Vec<String>,
) -> Result<ReportPage, AppError> {
    let desk = s.residence()?;
    let r: ResidenceReport = desk.report(unit, year).await?;
    let may_comment = desk.may_comment_in(unit).await;
    let w = &r.working;
    let count = |f: &dyn Fn(&ResidenceLine) -> bool| ResidenceReport::count(w, f).to_string();
    let totals = vec![
        ("Đảng viên đang công tác", w.len().to_string()),
        ("Đã giới thiệu về nơi cư trú", count(&|l| l.standing.registered)),
        ("Nơi cư trú đã xác nhận", count(&|l| l.standing.confirmed)),
        (
            "Có nhận xét của nơi cư trú",
            format!("{} / {}", count(&|l| l.standing.comment_received), count(&|l| l.standing.comment_expected)),
        ),
        ("Quá hạn liên hệ", count(&|l| l.standing.contact_overdue)),
        ("Cư trú tại đây, công tác nơi khác", r.living_here.len().to_string()),
    ];
    // The comments feed the year's evaluation: those in by the round's deadline (213-QĐ/TW).
    let mut totals: Vec<(String, String)> = totals.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    if let Some(due) = r.deadline {
        let in_time = count(&|l| l.comment.as_ref().is_some_and(|c| domain::evaluation::comment_in_time(c.on, due)));
        totals.insert(4, (format!("Có nhận xét trước hạn đánh giá {}", format::date(due)), in_time));
    }
    let this_year = s.today().year();
    let label = unit_label(s, unit, &r.unit_name);
    Ok(ReportPage {
        chrome: chrome.titled(format!("Đảng viên và nơi cư trú năm {year}: {label}")),
        unit,
        unit_label: label,
        year,
        years: (this_year - 4..=this_year).rev().collect(),
        totals,
        children: r
            .by_child
            .iter()
            .map(|c| ChildRow {
                href: format::href(&format!("/units/{}/residence", c.unit), &[("year", &year.to_string())]),
                name: c.name.clone(),
                working: c.due.working,
                not_registered: c.due.not_registered,
                unconfirmed: c.due.unconfirmed,
                contact_overdue: c.due.contact_overdue,
                comments: c.comments_in_time,
                comments_missing: c.due.comments_missing,
            })
            .collect(),
        comments_heading: match r.deadline {
            Some(due) => format!("Có nhận xét trước {}", format::date(due)),
            None => "Có nhận xét".into(),
        },
        working: {
            let shown: Vec<ResidenceLine> = r.working.iter().filter(|l| all || needs_action(l)).cloned().collect();
            rows(s, &shown, year, r.deadline, false).await
        },
        living: {
            let shown: Vec<ResidenceLine> = r.living_here.iter().filter(|l| all || comment_owed(l)).cloned().collect();
            let mut living = rows(s, &shown, year, r.deadline, may_comment && year == this_year).await;
            let failed = get(f, "member").parse::<i64>().ok().map(MemberId).filter(|_| !errors.is_empty());
            if let Some(row) = living.iter_mut().find(|r| Some(r.id) == failed) {
                for o in &mut row.options {
                    o.2 = o.0 == get(f, "rating");
                }
                row.typed =
                    Some([get(f, "rating").to_owned(), get(f, "text").to_owned(), get(f, "signer").to_owned(), get(f, "on").to_owned()]);
            }
            living
        },
        today: format::date(s.today()),
        errors,
        all,
        working_total: r.working.len(),
        living_total: r.living_here.len(),
    })
}

/// `GET /units/{id}/residence[?year=][&all=1]`: those needing action, or everyone with `all`.
async fn report(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>, Query(q): Query<ReportQuery>) -> Result<Response, AppError> {
    let year = year_of(&YearQuery { year: q.year.clone() }, s.today())?;
    page(&report_page(&s, chrome, unit, year, q.all == "1", &[], Vec::new()).await?)
}

/// `POST /units/{id}/residence/comments`: the residence side's comment on a member living under
/// the unit (the member in the body, checked by the desk).
async fn comment_from_unit(
    s: Caller,
    chrome: Chrome,
    PathId(unit): PathId<UnitId>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.residence()?;
    desk.comment_from(unit).await?;
    let member = get(&f, "member").trim().parse::<i64>().map(MemberId).map_err(|_| AppError::bad_request("Thiếu đảng viên."))?;
    let result = match typed_comment(&f, s.today()) {
        Ok(c) => desk.add_comment(Some(unit), member, c).await.map(|_| ()).map_err(forms::invalid),
        Err(e) => Err(Ok(e)),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/units/{unit}/residence"))),
        Err(e) => {
            let messages = forms::messages(e?);
            let year = s.today().year();
            render(StatusCode::UNPROCESSABLE_ENTITY, &report_page(&s, chrome, unit, year, false, &f, messages).await?)
        }
    }
}
