//! Member pages: the list and search, the member record with its event timeline, adding a
//! member and editing identity data.

use std::collections::HashMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use domain::ValidationErrors;
use domain::dates::AgeBand;
use domain::event::{Entry, EventData, EventInput, EventKind, UnitRef};
use domain::history::Status;
use domain::ids::{EventId, MemberId};
use domain::member::{Gender, IdentityInput, ProfileInput};
use domain::stats::Facet;
use serde::Deserialize;
use storage::{MemberDetail, MemberListItem, MemberPage, StoreError};

use super::Link;
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, Query};
use crate::format;
use crate::forms::{self, Field, Refusal, Section, SummaryItem};
use crate::policy::{Policy, Route};
use crate::query::MemberFilterParams;
use crate::respond::{page, render, see_other};
use crate::session::Caller;
use domain::access::Capability;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/members", Policy::Needs(Capability::ReadRegister), list),
        Route::post("/members", Policy::Needs(Capability::WriteRegister), create),
        Route::get("/members/new", Policy::Needs(Capability::WriteRegister), new_form),
        Route::get("/members/{id}", Policy::Needs(Capability::ReadRegister), detail),
        Route::get("/members/{id}/edit", Policy::Needs(Capability::WriteRegister), edit_form),
        Route::post("/members/{id}/edit", Policy::Needs(Capability::WriteRegister), edit),
    ]
}

/// One line of a member table.
#[derive(Debug, Clone)]
pub struct MemberRow {
    pub href: String,
    pub full_name: String,
    pub gender: &'static str,
    pub birth_date: String,
    pub status: &'static str,
    pub unit: Option<Link>,
    pub card: String,
}

impl MemberRow {
    /// Rows for a list on `as_of` (unit links keep the date when it is not today).
    pub fn list(items: &[MemberListItem], as_of: NaiveDate, today: NaiveDate) -> Vec<MemberRow> {
        let suffix = if as_of == today { String::new() } else { format::query_string(&[("as_of", &format::date(as_of))]) };
        items
            .iter()
            .map(|m| MemberRow {
                href: format!("/members/{}", m.id.0),
                full_name: m.full_name.clone(),
                gender: m.gender.label(),
                birth_date: format::date(m.birth_date),
                status: m.status.label(),
                unit: m.unit_id.map(|u| Link {
                    href: format!("/units/{u}{suffix}"),
                    label: m.unit_name.clone().unwrap_or_else(|| format!("Tổ chức {u}")),
                }),
                card: m.party_card_number.clone().unwrap_or_default(),
            })
            .collect()
    }
}

/// "Trang x/y" with previous and next links.
#[derive(Debug, Clone)]
pub struct Pager {
    pub label: String,
    pub total: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn new(page: &MemberPage, href: impl Fn(usize) -> String) -> Pager {
        let count = page.page_count();
        Pager {
            label: format!("Trang {}/{}", format::count(page.page), format::count(count)),
            total: format::count(page.total),
            prev: (page.page > 1).then(|| href(page.page.min(count + 1) - 1)),
            next: (page.page < count).then(|| href(page.page + 1)),
        }
    }

    pub fn empty() -> Pager {
        Pager { label: String::new(), total: "0".to_owned(), prev: None, next: None }
    }
}

// --- list ------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "members_list.html")]
struct ListPage {
    chrome: Chrome,
    filters: Vec<Field>,
    errors: Vec<String>,
    unit: Option<Link>,
    as_of_label: String,
    /// The movement the list shows, when it was opened from a movement report.
    flow_note: Option<String>,
    /// The movement filter, kept through the form.
    hidden: Vec<(&'static str, String)>,
    rows: Vec<MemberRow>,
    pager: Pager,
}

fn filter_fields(p: &MemberFilterParams) -> Vec<Field> {
    let statuses: Vec<(&str, &str)> = [("active", "Đang sinh hoạt (dự bị, chính thức, miễn)"), ("all", "Tất cả")]
        .into_iter()
        .chain(Status::ALL.iter().map(|s| (s.code(), s.label())))
        .collect();
    let ages: Vec<(String, String)> =
        AgeBand::DEFAULT.iter().map(|b| (b.max.map_or_else(|| format!("{}+", b.min), |m| format!("{}-{}", b.min, m)), b.label())).collect();
    let status = if p.status.trim().is_empty() { "active" } else { p.status.as_str() };
    let facets: Vec<(String, String)> = all_facets().into_iter().map(|f| (f.code(), f.label())).collect();
    vec![
        Field::text("q", "Họ tên, CCCD hoặc số thẻ", &p.q),
        Field::unit("unit", "Tổ chức (mã số)", &p.unit).hint("Gồm cả các tổ chức trực thuộc."),
        Field::select("status", "Tình trạng", status, None, statuses),
        Field::select("gender", "Giới tính", &p.gender, Some("Tất cả"), Gender::ALL.iter().map(|g| (g.code(), g.label()))),
        Field::select("age", "Độ tuổi", &p.age, Some("Tất cả"), ages.iter().map(|(v, l)| (v.as_str(), l.as_str()))),
        Field::select("facet", "Tiêu chí thống kê", &p.facet, Some("Tất cả"), facets.iter().map(|(v, l)| (v.as_str(), l.as_str()))),
        Field::date("as_of", "Tính đến ngày", &p.as_of).hint("dd/mm/yyyy; để trống là hôm nay."),
    ]
}

/// "Đảng viên chuyển đi (…) từ 01/01/2025 đến 31/12/2025": what a movement drill-down lists.
fn flow_note(f: &storage::FlowFilter) -> String {
    let direction = if f.inflow { "Tăng" } else { "Giảm" };
    let kinds: Vec<&str> = f.kinds.iter().map(|k| k.label()).collect();
    let kinds = if kinds.is_empty() { String::new() } else { format!(" ({})", kinds.join(", ")) };
    format!("{direction}{kinds} từ {} đến {}; các tiêu chí khác tính tại ngày biến động.", format::date(f.first), format::date(f.last))
}

/// Every cell of the statistics' breakdowns the list can filter on.
fn all_facets() -> Vec<Facet> {
    use domain::member::{GeneralEducation, OccupationGroup, PoliticalTheory, Professional, Religion};
    let mut out = vec![Facet::EthnicMinority, Facet::Religious, Facet::YouthUnion, Facet::NoProfile];
    out.extend(domain::stats::PARTY_AGE_THRESHOLDS.iter().map(|y| Facet::PartyAgeAtLeast(*y)));
    out.extend(GeneralEducation::ALL.iter().map(|v| Facet::GeneralEducation(*v)));
    out.extend(Professional::ALL.iter().map(|v| Facet::Professional(*v)));
    out.extend(PoliticalTheory::ALL.iter().map(|v| Facet::PoliticalTheory(*v)));
    out.extend(OccupationGroup::ALL.iter().map(|v| Facet::Occupation(*v)));
    out.extend(Religion::ALL.iter().map(|v| Facet::Religion(*v)));
    out
}

/// `GET /members?q=&unit=&status=&gender=&age=&as_of=&page=`: search and list.
async fn list(s: Caller, chrome: Chrome, Query(p): Query<MemberFilterParams>) -> Result<Response, AppError> {
    let today = s.today();
    let mut filters = filter_fields(&p);
    let query = match p.parse(today) {
        Ok(q) => q,
        Err(errors) => {
            let mut sections = vec![Section::new("", filters)];
            let summary = forms::attach_errors(&mut sections, &errors);
            let view = ListPage {
                chrome: chrome.titled("Đảng viên"),
                filters: sections.into_iter().flat_map(|s| s.fields).collect(),
                errors: summary.into_iter().map(|i| format!("{}: {}", i.label, i.message)).collect(),
                unit: None,
                as_of_label: String::new(),
                flow_note: None,
                hidden: Vec::new(),
                rows: Vec::new(),
                pager: Pager::empty(),
            };
            return render(StatusCode::BAD_REQUEST, &view);
        }
    };
    let mut errors = Vec::new();
    let unit = match query.unit {
        Some(id) => match s.reader()?.unit(id, query.as_of).await {
            Ok(d) => Some(Link { href: format!("/units/{id}"), label: d.as_of.unwrap_or(d.latest).name }),
            Err(StoreError::NotFound) => {
                let message = format!("Không có tổ chức đảng mã số {id}.");
                if let Some(f) = filters.iter_mut().find(|f| f.name == "unit") {
                    f.error = Some(message.clone());
                }
                errors.push(message);
                None
            }
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let result = if errors.is_empty() {
        s.reader()?.find_members(&query).await?
    } else {
        MemberPage { total: 0, page: 1, per_page: 1, items: vec![] }
    };
    let pager = Pager::new(&result, |n| format!("/members{}", p.to_query_string(Some(n))));
    let view = ListPage {
        chrome: chrome.titled("Đảng viên"),
        filters,
        errors,
        unit,
        as_of_label: format::date(query.as_of),
        flow_note: query.flow.as_ref().map(flow_note),
        hidden: if query.flow.is_some() {
            vec![("flow", p.flow.clone()), ("from", p.from.clone()), ("to", p.to.clone())]
        } else {
            Vec::new()
        },
        rows: MemberRow::list(&result.items, query.as_of, today),
        pager,
    };
    page(&view)
}

// --- the member record -----------------------------------------------------------------------

/// One correction shown under the event it corrects.
struct CorrectionView {
    void: bool,
    summary: String,
    reason: String,
    recorded: String,
}

/// One event of the timeline, with its corrections.
struct TimelineItem {
    id: i64,
    date: String,
    kind: &'static str,
    details: String,
    basis: String,
    note: String,
    recorded: String,
    /// `""`, `"corrected"` or `"void"`.
    state: &'static str,
    corrections: Vec<CorrectionView>,
    correct_href: String,
}

/// What this caller may do on the record, so that the page offers only what would succeed.
#[derive(Default)]
struct MemberActions {
    /// Edit the identity, record events, correct them.
    edit: bool,
    /// The member is in transit: the receiving side (or the sender, for a return from outside
    /// the register) records the acceptance.
    accept: bool,
    /// The sender cancels the pending transfer: the correction form of the transfer out.
    cancel_href: Option<String>,
    /// Where the member is bound while in transit.
    bound_for: Option<String>,
}

async fn member_actions(s: &Caller, d: &MemberDetail) -> MemberActions {
    let reach = match s.register_writer() {
        Ok(w) => w.reach(d.id).await.ok(),
        Err(_) => None,
    };
    let bound_for = d.history.in_transit_to.as_ref().map(|r| unit_ref_name(r, d));
    let Some(reach) = reach else { return MemberActions { bound_for, ..Default::default() } };
    if !reach.in_transit {
        return MemberActions { edit: reach.home, bound_for, ..Default::default() };
    }
    let to_outside = matches!(d.history.in_transit_to, Some(UnitRef::External(_)));
    let pending = d
        .history
        .effective
        .iter()
        .rev()
        .find(|(_, e)| matches!(e.kind, EventKind::TransferredOut { mode: domain::event::TransferMode::Official, .. }))
        .map(|(id, _)| *id);
    MemberActions {
        edit: false,
        accept: reach.arriving || (reach.home && to_outside),
        cancel_href: pending.filter(|_| reach.home).map(|e| format!("/members/{}/events/{}/correct?action=void", d.id.0, e.0)),
        bound_for,
    }
}

struct ProfileRow {
    from: String,
    education: String,
    theory: &'static str,
    occupation: &'static str,
    youth_union: &'static str,
    residence: String,
}

#[derive(Template)]
#[template(path = "member.html")]
struct MemberView {
    chrome: Chrome,
    id: i64,
    name: String,
    identity: Vec<(&'static str, String)>,
    profile: Vec<(&'static str, String)>,
    profile_from: String,
    profiles: Vec<ProfileRow>,
    status: String,
    unit: Option<Link>,
    party_age: String,
    ceremony: String,
    actions: MemberActions,
    admitted: String,
    official: String,
    problems: Vec<String>,
    timeline: Vec<TimelineItem>,
    temporary: Vec<String>,
    updated: String,
}

fn unit_ref_name(r: &UnitRef, d: &MemberDetail) -> String {
    match r {
        UnitRef::Internal(id) => d.unit_name(*id),
        UnitRef::External(name) => format!("{name} (ngoài hệ thống)"),
    }
}

/// The units and particulars of an event, in words.
fn event_details(kind: &EventKind, d: &MemberDetail) -> String {
    match kind {
        EventKind::Admitted { unit } => format!("Tại {}", unit_ref_name(unit, d)),
        EventKind::TransferredOut { mode, from, to } => {
            format!("{}: từ {} đến {}", mode.label(), d.unit_name(*from), unit_ref_name(to, d))
        }
        EventKind::TransferredIn { mode, unit } => format!("{}: vào {}", mode.label(), d.unit_name(*unit)),
        EventKind::Reassigned { to } => format!("Đến {}", d.unit_name(*to)),
        EventKind::StruckOff { reason } => format!("Lý do: {}", reason.label()),
        EventKind::Exited { difficult_family: true } => "Vì hoàn cảnh gia đình khó khăn".to_owned(),
        EventKind::Readmitted { unit } => format!("Tại {}", d.unit_name(*unit)),
        _ => String::new(),
    }
}

fn basis_text(data: &EventData) -> String {
    data.basis
        .as_ref()
        .map_or_else(|| "Không có văn bản".to_owned(), |b| format!("Số {}, ngày {}, {}", b.number, format::date(b.date), b.issuer))
}

/// The timeline: original events in effective order, each with its corrections.
fn timeline(d: &MemberDetail) -> Vec<TimelineItem> {
    let by_id: HashMap<EventId, &domain::event::RecordedEvent> = d.events.iter().map(|e| (e.id, e)).collect();
    // A correction may correct a correction: attach it to the original at the root of the chain.
    let root = |mut id: EventId| {
        for _ in 0..d.events.len() {
            match by_id.get(&id).and_then(|e| e.corrects) {
                Some(t) => id = t,
                None => break,
            }
        }
        id
    };
    let mut items: Vec<(NaiveDate, i64, TimelineItem)> = Vec::new();
    for e in d.events.iter().filter(|e| e.corrects.is_none()) {
        let Entry::Event(data) = &e.entry else { continue };
        let corrections: Vec<&domain::event::RecordedEvent> =
            d.events.iter().filter(|c| c.corrects.is_some_and(|t| root(t) == e.id)).collect();
        let state = match corrections.last().map(|c| &c.entry) {
            Some(Entry::Void) => "void",
            Some(Entry::Event(_)) => "corrected",
            None => "",
        };
        let sort_date = match corrections.last().map(|c| &c.entry) {
            Some(Entry::Event(latest)) => latest.effective,
            _ => data.effective,
        };
        let item = TimelineItem {
            id: e.id.0,
            date: format::date(data.effective),
            kind: data.kind.code().label(),
            details: event_details(&data.kind, d),
            basis: basis_text(data),
            note: data.note.clone().unwrap_or_default(),
            recorded: format!("{}, {}", e.recorded_by, format::instant(e.recorded_at)),
            state,
            corrections: corrections
                .iter()
                .map(|c| CorrectionView {
                    void: matches!(c.entry, Entry::Void),
                    summary: match &c.entry {
                        Entry::Void => "Hủy sự kiện".to_owned(),
                        Entry::Event(n) => {
                            let details = event_details(&n.kind, d);
                            let sep = if details.is_empty() { "" } else { " — " };
                            format!("{} ngày {}{sep}{details}. Căn cứ: {}", n.kind.code().label(), format::date(n.effective), basis_text(n))
                        }
                    },
                    reason: c.correction_reason.clone().unwrap_or_default(),
                    recorded: format!("{}, {}", c.recorded_by, format::instant(c.recorded_at)),
                })
                .collect(),
            correct_href: format!("/members/{}/events/{}/correct", d.id.0, e.id.0),
        };
        items.push((sort_date, e.id.0, item));
    }
    items.sort_by_key(|(date, id, _)| (*date, *id));
    items.into_iter().map(|(_, _, i)| i).collect()
}

fn opt(s: Option<&str>) -> String {
    s.unwrap_or("").to_owned()
}

/// `GET /members/{id}`: the record, status, party age and the event timeline.
async fn detail(s: Caller, chrome: Chrome, PathId(id): PathId<MemberId>) -> Result<Response, AppError> {
    let d = s.reader()?.member(id).await?;
    let today = s.today();
    let i = &d.identity;
    let identity = vec![
        ("Họ và tên", i.full_name.to_string()),
        ("Tên gọi khác", opt(i.other_names.as_deref())),
        ("Giới tính", i.gender.label().to_owned()),
        ("Ngày sinh", format::date(i.birth_date)),
        ("Nơi sinh", opt(i.birthplace.as_deref())),
        ("Quê quán", opt(i.hometown.as_deref())),
        ("Dân tộc", i.ethnicity.label().to_owned()),
        ("Tôn giáo", i.religion.label().to_owned()),
        ("Số CCCD", i.citizen_id.to_string()),
        ("Số điện thoại", i.phone.as_ref().map(|p| p.to_string()).unwrap_or_default()),
        ("Số thẻ đảng viên", i.party_card_number.as_ref().map(|p| p.to_string()).unwrap_or_default()),
        ("Số lý lịch", i.ly_lich_number.as_ref().map(|p| p.to_string()).unwrap_or_default()),
    ];
    let yes_no = |b: bool| if b { "Có" } else { "Không" };
    let current = d.profiles.last();
    let profile = current
        .map(|p| {
            let p = &p.profile;
            vec![
                ("Giáo dục phổ thông", p.general_education.label().to_owned()),
                ("Chuyên môn nghiệp vụ", p.professional.label().to_owned()),
                ("Học hàm", p.academic_title.label().to_owned()),
                ("Lý luận chính trị", p.political_theory.label().to_owned()),
                ("Ngoại ngữ", p.foreign_language.label().to_owned()),
                ("Tin học", p.it_level.label().to_owned()),
                ("Nghề nghiệp", p.occupation.label().to_owned()),
                ("Đoàn viên", yes_no(p.youth_union).to_owned()),
                ("Nơi ở hiện nay", opt(p.residence.as_deref())),
            ]
        })
        .unwrap_or_default();
    let from_text = |f: Option<NaiveDate>| f.map_or_else(|| "Từ đầu".to_owned(), format::date);
    let span = d.history.span_on(today);
    let view = MemberView {
        chrome: chrome.titled(i.full_name.to_string()),
        id: id.0,
        name: i.full_name.to_string(),
        identity,
        profile,
        profile_from: current.map(|p| from_text(p.valid_from)).unwrap_or_default(),
        profiles: d
            .profiles
            .iter()
            .map(|p| ProfileRow {
                from: from_text(p.valid_from),
                education: format!("{}; {}", p.profile.general_education.label(), p.profile.professional.label()),
                theory: p.profile.political_theory.label(),
                occupation: p.profile.occupation.label(),
                youth_union: yes_no(p.profile.youth_union),
                residence: opt(p.profile.residence.as_deref()),
            })
            .collect(),
        status: span
            .map_or_else(|| "Chưa có trong danh sách".to_owned(), |s| format!("{} (từ {})", s.status.label(), format::date(s.from))),
        unit: span.map(|s| match &s.unit {
            UnitRef::Internal(u) => Link { href: format!("/units/{u}"), label: d.unit_name(*u) },
            UnitRef::External(name) => Link { href: String::new(), label: name.clone() },
        }),
        party_age: d.history.party_age_months(today).map(format::years_months).unwrap_or_default(),
        admitted: format::opt_date(d.history.first_admission()),
        ceremony: ceremony_text(&d.history, today),
        actions: member_actions(&s, &d).await,
        official: match d.history.probation_on(today) {
            // Probation runs 12 months from the ceremony (Charter art. 5 §1 — rules.md §3).
            Some(p) => match p.official_due() {
                Some(due) => format!("Dự kiến {} (hết 12 tháng dự bị)", format::date(due)),
                None => "Chưa xác định: chưa tổ chức lễ kết nạp".to_owned(),
            },
            None => format::opt_date(d.history.official_since()),
        },
        problems: d.history.problems.iter().map(|p| p.message.clone()).collect(),
        timeline: timeline(&d),
        temporary: d
            .history
            .temporary
            .iter()
            .map(|t| {
                let to = t.to.map_or_else(|| "nay".to_owned(), format::date);
                format!("{}: {} – {}", unit_ref_name(&t.at, &d), format::date(t.from), to)
            })
            .collect(),
        updated: format!("{}, {}", d.updated_by, format::instant(d.updated_at)),
    };
    page(&view)
}

// --- add and edit ----------------------------------------------------------------------------

/// A field saved in the database next to the value just typed (shown on a conflict).
pub struct CompareRow {
    label: &'static str,
    saved: String,
    typed: String,
    differs: bool,
}

#[derive(Template)]
#[template(path = "member_form.html")]
struct MemberFormPage {
    chrome: Chrome,
    heading: String,
    action: String,
    cancel_href: String,
    version: Option<i64>,
    sections: Vec<Section>,
    summary: Vec<SummaryItem>,
    conflict: Option<Vec<CompareRow>>,
    submit: &'static str,
}

/// The add-member form as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewMemberForm {
    #[serde(flatten)]
    identity: IdentityInput,
    #[serde(flatten)]
    profile: ProfileInput,
    profile_from: String,
    /// `here`: admitted in a chi bộ of this register; `transfer`: came from elsewhere.
    origin: String,
    adm_unit_id: String,
    adm_external_unit: String,
    adm_decision_number: String,
    adm_decision_date: String,
    adm_issuer: String,
    /// Ngày chi bộ tổ chức lễ kết nạp: the 12 months of probation run from it.
    cer_effective_date: String,
    off_effective_date: String,
    off_decision_number: String,
    off_decision_date: String,
    off_issuer: String,
    in_unit_id: String,
    in_effective_date: String,
    in_decision_number: String,
    in_decision_date: String,
    in_issuer: String,
}

impl NewMemberForm {
    fn transferred(&self) -> bool {
        self.origin == "transfer"
    }

    fn admission(&self) -> EventInput {
        EventInput {
            kind: "ket-nap".into(),
            unit_id: if self.transferred() { String::new() } else { self.adm_unit_id.clone() },
            external_unit: if self.transferred() { self.adm_external_unit.clone() } else { String::new() },
            decision_number: self.adm_decision_number.clone(),
            decision_date: self.adm_decision_date.clone(),
            issuer: self.adm_issuer.clone(),
            ..Default::default()
        }
    }

    fn ceremony(&self) -> EventInput {
        EventInput { kind: "le-ket-nap".into(), effective_date: self.cer_effective_date.clone(), ..Default::default() }
    }

    fn official(&self) -> EventInput {
        EventInput {
            kind: "cong-nhan-chinh-thuc".into(),
            effective_date: self.off_effective_date.clone(),
            decision_number: self.off_decision_number.clone(),
            decision_date: self.off_decision_date.clone(),
            issuer: self.off_issuer.clone(),
            ..Default::default()
        }
    }

    fn has_official(&self) -> bool {
        [&self.off_effective_date, &self.off_decision_number, &self.off_decision_date, &self.off_issuer]
            .iter()
            .any(|v| !v.trim().is_empty())
    }

    fn transfer_in(&self) -> EventInput {
        EventInput {
            kind: "chuyen-den".into(),
            mode: "chinh-thuc".into(),
            unit_id: self.in_unit_id.clone(),
            effective_date: self.in_effective_date.clone(),
            decision_number: self.in_decision_number.clone(),
            decision_date: self.in_decision_date.clone(),
            issuer: self.in_issuer.clone(),
            ..Default::default()
        }
    }

    /// The events of the new member's history, each with the prefix of its form fields.
    fn events(&self) -> Vec<(String, EventInput)> {
        let mut events = vec![("adm_".to_owned(), self.admission())];
        if !self.cer_effective_date.trim().is_empty() {
            events.push(("cer_".to_owned(), self.ceremony()));
        }
        if self.has_official() {
            events.push(("off_".to_owned(), self.official()));
        }
        if self.transferred() {
            events.push(("in_".to_owned(), self.transfer_in()));
        }
        events
    }

    fn sections(&self) -> Vec<Section> {
        let adm = self.admission();
        let mut admission = vec![
            Field::select(
                "origin",
                "Đảng viên này",
                if self.origin.is_empty() { "here" } else { &self.origin },
                None,
                [("here", "Kết nạp tại chi bộ trong hệ thống"), ("transfer", "Chuyển đến từ nơi khác")],
            )
            .required(),
            Field::unit("adm_unit_id", "Chi bộ kết nạp (trong hệ thống)", &self.adm_unit_id),
            Field::text("adm_external_unit", "Nơi kết nạp (nếu chuyển đến từ nơi khác)", &self.adm_external_unit)
                .hint("Ví dụ: Chi bộ Trường THPT Chu Văn An, Đảng bộ tỉnh Lào Cai."),
        ];
        admission.extend(forms::decision_fields("adm_", &adm));
        admission.push(
            Field::date("cer_effective_date", "Ngày tổ chức lễ kết nạp", &self.cer_effective_date)
                .hint("Thời kỳ dự bị 12 tháng tính từ ngày chi bộ tổ chức lễ kết nạp (Điều lệ Đảng, Điều 5)."),
        );
        let mut official = vec![Field::date("off_effective_date", "Ngày công nhận chính thức", &self.off_effective_date)];
        official.extend(forms::decision_fields("off_", &self.official()));
        let mut transfer = vec![
            Field::unit("in_unit_id", "Chi bộ tiếp nhận", &self.in_unit_id),
            Field::date("in_effective_date", "Ngày tiếp nhận sinh hoạt", &self.in_effective_date),
        ];
        transfer.extend(forms::decision_fields("in_", &self.transfer_in()));
        vec![
            Section::new("Lý lịch", forms::identity_fields(&self.identity)),
            Section::new("Thông tin hồ sơ", forms::profile_fields(&self.profile, &self.profile_from)),
            Section::new("Kết nạp", admission).note("Ngày kết nạp là ngày ký quyết định kết nạp; tuổi đảng tính từ ngày này."),
            Section::new("Công nhận đảng viên chính thức (nếu đã có)", official),
            Section::new("Chuyển sinh hoạt đến (chỉ khi chuyển đến từ nơi khác)", transfer)
                .note("Giấy giới thiệu sinh hoạt đảng: số, ngày, cơ quan cấp."),
        ]
    }

    fn check(&self) -> ValidationErrors {
        let mut e = ValidationErrors::default();
        if !matches!(self.origin.as_str(), "" | "here" | "transfer") {
            e.push("origin", "unknown_value", "Chọn đảng viên kết nạp tại chỗ hay chuyển đến.");
        }
        if self.transferred() && self.adm_external_unit.trim().is_empty() {
            e.push("adm_external_unit", "required", "Nhập nơi kết nạp.");
        }
        e
    }
}

fn new_member_page(chrome: Chrome, form: &NewMemberForm, errors: &ValidationErrors) -> MemberFormPage {
    let mut sections = form.sections();
    let summary = forms::attach_errors(&mut sections, errors);
    MemberFormPage {
        chrome: chrome.titled("Thêm đảng viên"),
        heading: "Thêm đảng viên".to_owned(),
        action: "/members".to_owned(),
        cancel_href: "/members".to_owned(),
        version: None,
        sections,
        summary,
        conflict: None,
        submit: "Lưu đảng viên",
    }
}

/// `GET /members/new`.
async fn new_form(chrome: Chrome) -> Result<Response, AppError> {
    let form = NewMemberForm { origin: "here".into(), ..Default::default() };
    page(&new_member_page(chrome, &form, &ValidationErrors::default()))
}

/// `POST /members`: adds a member, or shows the form again with the problems.
async fn create(s: Caller, chrome: Chrome, Form(form): Form<NewMemberForm>) -> Result<Response, AppError> {
    let today = s.today();
    let mut errors = form.check();
    let parsed = forms::new_member(&form.identity, &form.profile, &form.profile_from, &form.events(), today);
    let new = match parsed {
        Ok(new) if errors.is_empty() => new,
        Ok(_) => return render(StatusCode::UNPROCESSABLE_ENTITY, &new_member_page(chrome, &form, &errors)),
        Err(e) => {
            errors.errors.extend(e.errors);
            return render(StatusCode::UNPROCESSABLE_ENTITY, &new_member_page(chrome, &form, &errors));
        }
    };
    match s.register_writer()?.create_member(new).await {
        Ok(id) => Ok(see_other(&format!("/members/{}", id.0))),
        Err(e) => render(StatusCode::UNPROCESSABLE_ENTITY, &new_member_page(chrome, &form, &forms::invalid(e)?)),
    }
}

/// The edit form as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EditForm {
    version: String,
    #[serde(flatten)]
    identity: IdentityInput,
    /// Ticked: record the profile below as a new profile from `profile_from`.
    new_profile: String,
    #[serde(flatten)]
    profile: ProfileInput,
    profile_from: String,
}

impl EditForm {
    fn from_detail(d: &MemberDetail) -> EditForm {
        EditForm {
            version: d.version.to_string(),
            identity: IdentityInput::from_identity(&d.identity),
            new_profile: String::new(),
            profile: d.current_profile().map(ProfileInput::from_profile).unwrap_or_default(),
            profile_from: String::new(),
        }
    }

    fn wants_new_profile(&self) -> bool {
        domain::member::parse_yes_no(&self.new_profile).unwrap_or(false)
    }
}

fn edit_page(
    chrome: Chrome,
    id: MemberId,
    form: &EditForm,
    version: i64,
    errors: &ValidationErrors,
    conflict: Option<Vec<CompareRow>>,
) -> MemberFormPage {
    let mut sections = vec![
        Section::new("Lý lịch", forms::identity_fields(&form.identity)),
        Section::new(
            "Thông tin hồ sơ mới (không bắt buộc)",
            std::iter::once(Field::checkbox("new_profile", "Ghi nhận thông tin hồ sơ mới từ ngày dưới đây", &form.new_profile))
                .chain(forms::profile_fields(&form.profile, &form.profile_from))
                .collect(),
        )
        .note(
            "Khi trình độ, nghề nghiệp hay nơi ở thay đổi: đánh dấu ô trên và nhập ngày áp dụng; thông tin cũ vẫn được giữ trong lịch sử.",
        ),
    ];
    let summary = forms::attach_errors(&mut sections, errors);
    MemberFormPage {
        chrome: chrome.titled("Sửa lý lịch đảng viên"),
        heading: format!("Sửa lý lịch: {}", form.identity.full_name),
        action: format!("/members/{}/edit", id.0),
        cancel_href: format!("/members/{}", id.0),
        version: Some(version),
        sections,
        summary,
        conflict,
        submit: "Lưu thay đổi",
    }
}

/// `GET /members/{id}/edit`.
async fn edit_form(s: Caller, chrome: Chrome, PathId(id): PathId<MemberId>) -> Result<Response, AppError> {
    let d = s.reader()?.member(id).await?;
    page(&edit_page(chrome, id, &EditForm::from_detail(&d), d.version, &ValidationErrors::default(), None))
}

/// The identity fields side by side: saved vs typed.
fn compare(saved: &IdentityInput, typed: &IdentityInput) -> Vec<CompareRow> {
    let display = |f: &Field| match f.kind {
        "select" => f.options.iter().find(|o| o.selected && !o.value.is_empty()).map(|o| o.label.clone()).unwrap_or_default(),
        _ => f.value.trim().to_owned(),
    };
    forms::identity_fields(saved)
        .iter()
        .zip(forms::identity_fields(typed).iter())
        .map(|(a, b)| {
            let (saved, typed) = (display(a), display(b));
            CompareRow { label: a.label, differs: saved != typed, saved, typed }
        })
        .collect()
}

/// `POST /members/{id}/edit`: saves identity data (and a new profile), or explains a conflict.
async fn edit(s: Caller, chrome: Chrome, PathId(id): PathId<MemberId>, Form(form): Form<EditForm>) -> Result<Response, AppError> {
    let version: i64 = form.version.trim().parse().map_err(|_| AppError::bad_request("Thiếu phiên bản của bản ghi."))?;
    let today = s.today();
    let new_profile = form.wants_new_profile().then_some((&form.profile, form.profile_from.as_str()));
    let update = match forms::member_update(version, &form.identity, new_profile, today) {
        Ok(u) => u,
        Err(e) => return render(StatusCode::UNPROCESSABLE_ENTITY, &edit_page(chrome, id, &form, version, &e, None)),
    };
    let refused = match s.register_writer()?.update_member(id, update).await {
        Ok(()) => return Ok(see_other(&format!("/members/{}", id.0))),
        Err(e) => forms::refusal(e)?,
    };
    match refused {
        Refusal::Invalid(e) => render(StatusCode::UNPROCESSABLE_ENTITY, &edit_page(chrome, id, &form, version, &e, None)),
        Refusal::Conflict { current } => {
            let d = s.reader()?.member(id).await?;
            let rows = compare(&IdentityInput::from_identity(&d.identity), &form.identity);
            let version = current.max(d.version);
            render(StatusCode::CONFLICT, &edit_page(chrome, id, &form, version, &ValidationErrors::default(), Some(rows)))
        }
    }
}

/// The admission ceremony of the latest probation: its date, or that it has not been held yet
/// while the member is probationary.
fn ceremony_text(h: &domain::history::History, today: chrono::NaiveDate) -> String {
    match (h.probations.last(), h.probation_on(today)) {
        (_, Some(p)) if p.ceremony.is_none() => "Chưa tổ chức lễ kết nạp".to_owned(),
        (Some(p), _) => format::opt_date(p.ceremony),
        (None, _) => String::new(),
    }
}
