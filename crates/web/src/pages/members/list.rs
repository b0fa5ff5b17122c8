//! `/members`: the member list and search with its filters (as of a date, by unit, status,
//! gender, age band, a cell of the statistics or a movement of a period).

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use domain::dates::AgeBand;
use domain::history::Status;
use domain::member::Gender;
use domain::stats::Facet;
use storage::{MemberPage, StoreError};

use super::{MemberRow, Pager};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::Query;
use crate::format;
use crate::forms::{self, Field, Section};
use crate::pages::Link;
use crate::query::MemberFilterParams;
use crate::respond::{page, render};
use crate::session::Caller;

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
    /// The movements or admissions behind the report's number, when some member counts more
    /// than once (moved in twice, admitted and readmitted, in the period).
    events: Option<String>,
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
        Field::unit("unit", "Tổ chức", &p.unit).hint("Gồm cả các tổ chức trực thuộc."),
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

/// "Kết nạp từ 01/01/2025 đến 31/12/2025": what an admission drill-down lists.
fn admitted_note(a: &storage::AdmittedFilter) -> String {
    use storage::{Credit, OriginFilter};
    let on_day = |which: Option<(u32, u32)>| which.map_or_else(|| "một dịp lễ, kỷ niệm".to_owned(), |(d, m)| format!("dịp {d}/{m}"));
    let what = match (a.credit, a.origin) {
        (Some(Credit::All), _) => "Kết nạp (gồm kết nạp lại), tính cho tổ chức như trang chỉ tiêu".to_owned(),
        (Some(Credit::Occasion(which)), _) => format!("Kết nạp có lễ kết nạp vào {}, tính như trang chỉ tiêu", on_day(which)),
        (Some(Credit::Group(g)), _) => format!("Kết nạp thuộc nhóm chỉ tiêu “{}”", g.label()),
        (None, Some(OriginFilter::Source(Some(s)))) => format!("Kết nạp do {} giới thiệu", s.label()),
        (None, Some(OriginFilter::Source(None))) => "Kết nạp không rõ nguồn giới thiệu".to_owned(),
        (None, Some(OriginFilter::Group(Some(g)))) => format!("Kết nạp thuộc nhóm chỉ tiêu “{}”", g.label()),
        (None, Some(OriginFilter::Group(None))) => "Kết nạp không thuộc nhóm chỉ tiêu nào".to_owned(),
        (None, Some(OriginFilter::Occasion(which))) => format!("Kết nạp có lễ kết nạp trong kỳ vào {}", on_day(which)),
        (None, None) if a.readmitted_only => "Kết nạp lại".to_owned(),
        (None, None) => "Kết nạp (gồm kết nạp lại)".to_owned(),
    };
    format!("{what} từ {} đến {}; các tiêu chí khác tính tại ngày quyết định kết nạp.", format::date(a.first), format::date(a.last))
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
pub(super) async fn list(s: Caller, chrome: Chrome, Query(p): Query<MemberFilterParams>) -> Result<Response, AppError> {
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
                events: None,
            };
            return render(StatusCode::BAD_REQUEST, &view);
        }
    };
    let mut errors = Vec::new();
    let unit_day = query.flow.as_ref().map_or(query.as_of, |f| f.last);
    let unit = match query.unit {
        // The unit as of the list's day, or the movement period's last day (a predecessor is read
        // only before its end).
        Some(id) => match s.reader()?.unit(id, unit_day).await {
            Ok(d) => {
                let date = if unit_day == s.today() { String::new() } else { format::date(unit_day) };
                Some(Link {
                    href: format!("/units/{id}{}", format::query_string(&[("as_of", &date)])),
                    label: d.as_of.unwrap_or(d.latest).name,
                })
            }
            Err(StoreError::NotFound) => {
                let message = "Không tìm thấy tổ chức này trong phạm vi được xem.".to_owned();
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
        MemberPage { total: 0, events: None, page: 1, per_page: 1, items: vec![] }
    };
    let pager = Pager::new(&result, |n| format!("/members{}", p.to_query_string(Some(n))));
    let view = ListPage {
        chrome: chrome.titled("Đảng viên"),
        filters,
        errors,
        unit,
        as_of_label: format::date(query.as_of),
        flow_note: query.flow.as_ref().map(flow_note).or(query.admitted.as_ref().map(admitted_note)),
        // The report's number the list gives, kept through the form.
        hidden: [
            ("flow", &p.flow),
            ("admitted", &p.admitted),
            ("from", &p.from),
            ("to", &p.to),
            ("row", &p.row),
            ("structure", &p.structure),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty() && (query.flow.is_some() || query.admitted.is_some() || query.cell.is_some()))
        .map(|(k, v)| (k, v.clone()))
        .collect(),
        rows: MemberRow::list(&s, &result.items, query.as_of, today).await,
        events: result.events.filter(|e| *e != result.total).map(format::count),
        pager,
    };
    page(&view)
}
