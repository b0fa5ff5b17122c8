//! Party organizations in private enterprises (domain::enterprises, docs/design/enterprises.md).
//! `/units/{id}/enterprises` is the register of enterprises at or under a unit with the year's
//! progress in the committees' words ("kết nạp 12 / chỉ tiêu 40 …; thành lập 3 / 8 tổ chức
//! đảng"), the forms that register one and set the founding target for whoever keeps the
//! register; `/units/{id}/enterprises/{enterprise}` edits one (its party organization once founded).

use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;

use domain::ValidationErrors;
use domain::access::Capability;
use domain::enterprises::{Enterprise, EnterpriseFields, Ownership};
use domain::ids::UnitId;

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, PathIds};
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
        Route::get("/units/{id}/enterprises", read, register),
        Route::post("/units/{id}/enterprises", read, add),
        Route::post("/units/{id}/enterprises/target", read, target),
        Route::get("/units/{id}/enterprises/{enterprise}", read, edit),
        Route::post("/units/{id}/enterprises/{enterprise}", read, save),
    ]
}

fn get<'a>(f: &'a [(String, String)], name: &str) -> &'a str {
    f.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

fn yes(f: &[(String, String)], name: &str) -> bool {
    matches!(get(f, name), "1" | "on" | "co")
}

/// The typed enterprise (the party organization resolved by the picker into `party_unit`).
fn typed(f: &[(String, String)], today: chrono::NaiveDate) -> Result<Enterprise, ValidationErrors> {
    let party_unit = match get(f, "party_unit").trim() {
        "" => None,
        id => Some(
            id.parse::<i64>()
                .map(UnitId)
                .map_err(|_| ValidationErrors::single("party_unit", "invalid", "Chọn tổ chức đảng trong danh sách."))?,
        ),
    };
    let fields = EnterpriseFields {
        name: get(f, "name"),
        tax_code: get(f, "tax_code"),
        ownership: get(f, "ownership"),
        address: get(f, "address"),
        workers: get(f, "workers"),
        trade_union: yes(f, "trade_union"),
        youth_union: yes(f, "youth_union"),
        members_without_organization: get(f, "members_without_organization"),
        party_unit,
        founded_on: get(f, "founded_on"),
        decision: get(f, "decision"),
    };
    Enterprise::parse(&fields, today)
}

/// The form's sections, from what was typed or what is recorded.
fn sections(f: &[(String, String)], recorded: Option<&Enterprise>) -> Vec<Section> {
    let has = |name: &str| f.iter().any(|(k, _)| k == name);
    let value = |name: &str, rec: String| if has(name) || recorded.is_none() { get(f, name).to_owned() } else { rec };
    let flag = |name: &str, rec: bool| {
        if has("name") {
            if yes(f, name) { "1" } else { "" }
        } else if rec {
            "1"
        } else {
            ""
        }
    };
    let r = recorded;
    let party = r.and_then(|e| e.party.as_ref());
    vec![
        Section::new(
            "Doanh nghiệp",
            vec![
                Field::text("name", "Tên doanh nghiệp", &value("name", r.map(|e| e.name.clone()).unwrap_or_default())).required(),
                Field::text("tax_code", "Mã số thuế", &value("tax_code", r.map(|e| e.tax_code.as_str().to_owned()).unwrap_or_default()))
                    .required(),
                Field::select(
                    "ownership",
                    "Loại hình",
                    &value("ownership", r.map(|e| e.ownership.code().to_owned()).unwrap_or_default()),
                    Some("— Chọn —"),
                    forms::codes(Ownership::ALL, Ownership::code, Ownership::label),
                )
                .required(),
                Field::text("address", "Địa chỉ", &value("address", r.and_then(|e| e.address.clone()).unwrap_or_default())),
                Field::text("workers", "Số lao động", &value("workers", r.map(|e| e.workers.to_string()).unwrap_or_default())),
                Field::checkbox("trade_union", "Có tổ chức công đoàn", flag("trade_union", r.is_some_and(|e| e.trade_union))),
                Field::checkbox("youth_union", "Có tổ chức đoàn thanh niên", flag("youth_union", r.is_some_and(|e| e.youth_union))),
                Field::text(
                    "members_without_organization",
                    "Số đảng viên làm việc tại doanh nghiệp (khi chưa có tổ chức đảng)",
                    &value("members_without_organization", r.map(|e| e.members_without_organization.to_string()).unwrap_or_default()),
                ),
            ],
        ),
        Section::new(
            "Tổ chức đảng trong doanh nghiệp (khi đã thành lập)",
            vec![
                Field::unit("party_unit", "Tổ chức đảng", &value("party_unit", party.map(|p| p.unit.to_string()).unwrap_or_default())),
                Field::date(
                    "founded_on",
                    "Ngày thành lập",
                    &value("founded_on", party.map(|p| format::date(p.founded_on)).unwrap_or_default()),
                ),
                Field::text(
                    "decision",
                    "Số quyết định thành lập",
                    &value("decision", party.map(|p| p.decision.clone()).unwrap_or_default()),
                ),
            ],
        ),
    ]
}

struct Line {
    href: Option<String>,
    name: String,
    meta: String,
    party: String,
    members: u32,
}

#[derive(Template)]
#[template(path = "enterprises.html")]
struct RegisterPage {
    chrome: Chrome,
    unit: UnitId,
    unit_label: String,
    year: i32,
    years: Vec<i32>,
    sentence: String,
    facts: Vec<(&'static str, String)>,
    lines: Vec<Line>,
    form: Option<Vec<Section>>,
    summary: Vec<SummaryItem>,
    target: String,
    errors: Vec<String>,
}

async fn register_page(
    s: &Caller,
    chrome: Chrome,
    unit: UnitId,
    year: i32,
    f: &[(String, String)],
    errors: &ValidationErrors,
    messages: Vec<String>,
) -> Result<RegisterPage, AppError> {
    let desk = s.enterprises()?;
    let report = desk.report(unit, year).await?;
    let keeps = desk.may_keep(unit).await;
    let lines = desk
        .list(unit)
        .await?
        .into_iter()
        .map(|l| {
            let e = &l.row.enterprise;
            let mut meta = vec![format!("MST {}", e.tax_code.as_str()), format!("{} lao động", format::number(u64::from(e.workers)))];
            if e.trade_union {
                meta.push("có công đoàn".into());
            }
            if e.youth_union {
                meta.push("có đoàn thanh niên".into());
            }
            meta.push(l.area_name.clone());
            Line {
                href: keeps.then(|| format!("/units/{unit}/enterprises/{}", l.row.id)),
                name: e.name.clone(),
                meta: meta.join(" · "),
                party: match (&l.party_name, &e.party) {
                    (Some(n), Some(p)) => format!("{n} (thành lập {}, QĐ {})", format::date(p.founded_on), p.decision),
                    _ => "Chưa có tổ chức đảng".into(),
                },
                members: l.members,
            }
        })
        .collect();
    let mut form = None;
    let mut summary = Vec::new();
    if keeps {
        let mut secs = sections(f, None);
        summary = forms::attach_errors(&mut secs, errors);
        form = Some(secs);
    }
    let this_year = s.today().year();
    let label = unit_label(s, unit, &report.unit_name);
    Ok(RegisterPage {
        chrome: chrome.titled(format!("Doanh nghiệp và tổ chức đảng năm {year}: {label}")),
        unit,
        unit_label: label,
        year,
        years: (this_year - 4..=this_year).rev().collect(),
        sentence: report.sentence(),
        facts: vec![
            ("Doanh nghiệp trong sổ", report.enterprises.to_string()),
            ("Đã có tổ chức đảng", report.with_party.to_string()),
            ("Người lao động", format::number(report.workers)),
            ("Đảng viên làm việc tại doanh nghiệp", report.members.to_string()),
        ],
        lines,
        form,
        summary,
        target: if keeps { report.founded.target.map(|t| t.to_string()).unwrap_or_default() } else { String::new() },
        errors: messages,
    })
}

/// `GET /units/{id}/enterprises[?year=]`.
async fn register(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    let year = year_of(&q, s.today())?;
    page(&register_page(&s, chrome, unit, year, &[], &ValidationErrors::default(), Vec::new()).await?)
}

/// `POST /units/{id}/enterprises`: registers an enterprise.
async fn add(s: Caller, chrome: Chrome, PathId(unit): PathId<UnitId>, Form(f): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    s.enterprises()?.keep_unit(unit).await?;
    let result = match typed(&f, s.today()) {
        Ok(e) => s.enterprises()?.add(unit, e).await.map(|_| ()).map_err(forms::invalid),
        Err(e) => Err(Ok(e)),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/units/{unit}/enterprises"))),
        Err(e) => {
            let errors = e?;
            let year = s.today().year();
            render(StatusCode::UNPROCESSABLE_ENTITY, &register_page(&s, chrome, unit, year, &f, &errors, Vec::new()).await?)
        }
    }
}

/// `POST /units/{id}/enterprises/target`: the year's founding target.
async fn target(
    s: Caller,
    chrome: Chrome,
    PathId(unit): PathId<UnitId>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    s.enterprises()?.keep_unit(unit).await?;
    let year = s.today().year();
    let result = match domain::enterprises::check_target(get(&f, "target")) {
        Ok(t) => s.enterprises()?.set_target(unit, year, t).await.map_err(forms::invalid),
        Err(e) => Err(Ok(ValidationErrors { errors: vec![e] })),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/units/{unit}/enterprises"))),
        Err(e) => {
            let messages = forms::messages(e?);
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &register_page(&s, chrome, unit, year, &[], &ValidationErrors::default(), messages).await?,
            )
        }
    }
}

#[derive(Template)]
#[template(path = "enterprise_form.html")]
struct EditPage {
    chrome: Chrome,
    unit: UnitId,
    id: i64,
    version: i64,
    name: String,
    sections: Vec<Section>,
    summary: Vec<SummaryItem>,
}

async fn edit_page(
    s: &Caller,
    chrome: Chrome,
    unit: UnitId,
    id: i64,
    f: &[(String, String)],
    errors: &ValidationErrors,
) -> Result<EditPage, AppError> {
    let row = s.enterprises()?.one(unit, id).await?;
    let mut secs = sections(f, Some(&row.enterprise));
    let summary = forms::attach_errors(&mut secs, errors);
    Ok(EditPage {
        chrome: chrome.titled(format!("Sửa thông tin: {}", row.enterprise.name)),
        unit,
        id,
        version: row.version,
        name: row.enterprise.name.clone(),
        sections: secs,
        summary,
    })
}

/// `GET /units/{id}/enterprises/{enterprise}`: the edit form, for whoever keeps the register.
async fn edit(s: Caller, chrome: Chrome, PathIds(unit, id): PathIds<UnitId, i64>) -> Result<Response, AppError> {
    s.enterprises()?.keep_unit(unit).await?;
    page(&edit_page(&s, chrome, unit, id, &[], &ValidationErrors::default()).await?)
}

/// `POST /units/{id}/enterprises/{enterprise}`: saves it at the version shown.
async fn save(
    s: Caller,
    chrome: Chrome,
    PathIds(unit, id): PathIds<UnitId, i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    s.enterprises()?.keep_unit(unit).await?;
    let version = get(&f, "version").trim().parse::<i64>().map_err(|_| AppError::bad_request("Thiếu phiên bản."))?;
    let result = match typed(&f, s.today()) {
        Ok(e) => match s.enterprises()?.update(unit, id, version, e).await {
            Ok(()) => Ok(()),
            Err(storage::StoreError::Conflict { .. }) => {
                Err(Ok(ValidationErrors::single("name", "conflict", "Thông tin vừa được người khác cập nhật; xem lại rồi lưu lại.")))
            }
            Err(e) => Err(forms::invalid(e)),
        },
        Err(e) => Err(Ok(e)),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/units/{unit}/enterprises"))),
        Err(e) => {
            let errors = e?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &edit_page(&s, chrome, unit, id, &f, &errors).await?)
        }
    }
}
