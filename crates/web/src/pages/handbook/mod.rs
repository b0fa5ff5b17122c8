//! `/handbook`: the member's handbook (Sổ tay đảng viên, docs/design/handbook.md), where a member
//! lands — phone first, light, readable offline once opened: their record in plain words, the
//! next meeting of their chi bộ with its agenda and documents and their answer to the
//! invitation, unread notices, documents for them not read yet, and reminders (probation ending,
//! answered correction requests). `meetings` the chi bộ's meetings, `documents` the library for
//! the member with search, bookmarks and offline reading.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::Duration;

use domain::event::UnitRef;
use storage::MeetingSummary;

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::format;
use crate::policy::{Policy, Route};
use crate::respond::page;
use crate::session::{AppState, Caller};

pub mod documents;
pub mod meetings;
pub mod study;

pub fn routes() -> Vec<Route> {
    let mut routes = vec![Route::get("/handbook", Policy::LoggedIn, home), Route::get("/offline", Policy::Public, offline)];
    routes.extend(meetings::routes());
    routes.extend(documents::routes());
    routes.extend(study::routes());
    routes
}

/// The member's record in plain words.
pub(crate) struct Summary {
    pub name: String,
    pub status: String,
    pub chi_bo: String,
    pub party_age: String,
    pub card: String,
    pub record_href: String,
}

/// A line of the home page that leads somewhere.
pub(crate) struct Line {
    pub text: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "handbook_home.html")]
struct HomePage {
    chrome: Chrome,
    home: std::sync::Arc<HomeData>,
}

/// What the home page shows, kept a moment per account (`crate::page_cache`).
pub(crate) struct HomeData {
    member: domain::ids::MemberId,
    summary: Summary,
    next: Option<meetings::MeetingCard>,
    unread_notices: i64,
    notices: Vec<Line>,
    unread_documents: usize,
    documents: Vec<Line>,
    reminders: Vec<Line>,
    /// Study material read, of all (none: the committee sent none).
    study: Option<(usize, usize)>,
    /// The member is in probation with a recognition file (its read is audited on every view).
    recognition_file: bool,
    /// Tasks the chi bộ assigned the member, not reported done yet (late ones first).
    open_tasks: usize,
    tasks: Vec<Line>,
    /// This month's dues in words (its standing and amount).
    dues: String,
}

/// `GET /handbook`: the member's home, from the data kept a moment when there is some (each
/// request audited: the reads behind it when it is read, one entry naming what it shows when it
/// is kept).
async fn home(State(state): State<AppState>, s: Caller, chrome: Chrome) -> Result<Response, AppError> {
    let account = s.principal().account_id;
    let home = match state.pages.get::<HomeData>(account) {
        Some(home) => {
            s.handbook()?;
            // One entry for what the kept page shows of the member: their record, and with it
            // the meeting and the recognition file it names.
            let details = serde_json::json!({
                "page": "handbook",
                "meeting": home.next.as_ref().map(|m| m.id),
                "recognition_file": home.recognition_file,
                "open_tasks": home.open_tasks,
            });
            s.record_all(vec![storage::AuditRecord::new("read.member", "member", home.member, details)]).await?;
            home
        }
        None => {
            let home = std::sync::Arc::new(home_data(&s).await?);
            state.pages.put(account, home.clone());
            home
        }
    };
    page(&HomePage { chrome: chrome.titled("Sổ tay đảng viên"), home })
}

/// Reads what the home page shows.
async fn home_data(s: &Caller) -> Result<HomeData, AppError> {
    let desk = s.handbook()?;
    let member = desk.member();
    let today = s.today();
    let d = s.reader()?.member(member).await?;
    let span = d.history.span_on(today);
    let status = span.map_or_else(
        || "Không có trong danh sách chi bộ nào hôm nay".to_owned(),
        |sp| format!("{} từ {}", sp.status.label(), format::date(d.history.status_since(today).unwrap_or(sp.from))),
    );
    let chi_bo = match span.map(|sp| &sp.unit) {
        Some(UnitRef::Internal(u)) => d.unit_name(*u),
        Some(UnitRef::External(name)) => name.clone(),
        None => String::new(),
    };
    let summary = Summary {
        name: d.identity.full_name.to_string(),
        status,
        chi_bo,
        party_age: d.history.party_age_months(today).map(format::years_months).unwrap_or_default(),
        card: d.identity.party_card_number.as_ref().map(|c| c.to_string()).unwrap_or_default(),
        record_href: format!("/members/{member}"),
    };
    // The next meeting: the first from today in the coming three months.
    let coming: Vec<MeetingSummary> = desk.meetings(today, today + Duration::days(92)).await?;
    let next = match coming.iter().min_by_key(|m| (m.held_on, m.starts_at.clone())) {
        Some(m) => Some(meetings::card(&desk, m.id, today).await?),
        None => None,
    };
    let inbox = s.inbox().page(None, true, 3).await?;
    let notices = inbox.items.iter().map(|n| Line { text: n.title.clone(), href: format!("/inbox/{}", n.id) }).collect();
    let docs = desk.documents("").await?;
    let unread: Vec<_> = docs.iter().filter(|d| !d.read).collect();
    let studied: Vec<_> = docs.iter().filter(|d| d.document.kind == domain::documents::DocumentKind::Study).collect();
    let study = (!studied.is_empty()).then(|| (studied.iter().filter(|d| d.read).count(), studied.len()));
    let documents =
        unread.iter().take(3).map(|d| Line { text: d.document.title.clone(), href: format!("/documents/{}", d.document.id) }).collect();
    let mut reminders = Vec::new();
    if let Some(p) = d.history.probation_on(today) {
        // Probation runs 12 months from the ceremony (Charter art. 5 §1 — rules.md §3).
        let text = match p.official_due() {
            Some(due) => format!("Hết 12 tháng dự bị ngày {}: chi bộ xét công nhận đảng viên chính thức.", format::date(due)),
            None => "Chưa tổ chức lễ kết nạp: thời gian dự bị tính từ ngày lễ kết nạp.".to_owned(),
        };
        reminders.push(Line { text, href: summary.record_href.clone() });
    }
    let mut open: Vec<_> = desk.tasks().await?.into_iter().filter(|t| !t.progress.is_done()).collect();
    open.sort_by_key(|t| (t.progress != domain::member_tasks::TaskProgress::Late, t.task.due.is_none(), t.task.due));
    let tasks = open
        .iter()
        .take(3)
        .map(|t| Line {
            text: match (t.task.due, t.progress) {
                (Some(due), domain::member_tasks::TaskProgress::Late) => format!("{} — quá hạn từ {}", t.task.title, format::date(due)),
                (Some(due), _) => format!("{} — hạn {}", t.task.title, format::date(due)),
                (None, _) => t.task.title.clone(),
            },
            href: format!("/handbook/tasks#task-{}", t.task.id),
        })
        .collect();
    let dues = desk.dues(chrono::Datelike::year(&today)).await?;
    let this_month = dues.months.iter().find(|a| a.month == domain::dates::Month::of(today));
    let dues_line = match this_month {
        Some(a) if a.assessment.is_some() => format!(
            "Tháng {}: phải đóng {}, đã đóng {} — {}.",
            a.month.short(),
            crate::pages::dues::money(a.due()),
            crate::pages::dues::money(a.paid),
            a.standing.label().to_lowercase()
        ),
        Some(_) => "Chi bộ chưa có căn cứ tính đảng phí của đồng chí: kê khai thu nhập để chi bộ xác nhận.".to_owned(),
        None => String::new(),
    };
    if !dues.arrears.unpaid.is_empty() || dues.arrears.owed > 0 {
        let months: Vec<String> = dues.arrears.unpaid.iter().map(|m| m.short()).collect();
        let text = if months.is_empty() {
            format!("Đảng phí năm {} còn thiếu {}.", dues.year, crate::pages::dues::money(dues.arrears.owed))
        } else {
            format!("Đảng phí chưa đóng: tháng {} (còn thiếu {}).", months.join(", "), crate::pages::dues::money(dues.arrears.owed))
        };
        reminders.push(Line { text, href: "/handbook/dues".into() });
    }
    let recognition = desk.recognition_file().await?;
    if let Some(f) = &recognition {
        let missing = f.missing().count();
        let text = if missing == 0 {
            "Hồ sơ công nhận đảng viên chính thức đã đủ giấy tờ.".to_owned()
        } else {
            format!("Hồ sơ công nhận đảng viên chính thức còn thiếu {missing} giấy tờ.")
        };
        reminders.push(Line { text, href: "/handbook/study#recognition".into() });
    }
    if let Ok(requests) = s.change_requests()
        && let Ok(list) = requests.of_member(member).await
    {
        for r in &list {
            let (on, words) = match &r.answer {
                Some(domain::change_requests::Answer::Accepted { on, .. }) => (*on, "đã được chấp nhận"),
                Some(domain::change_requests::Answer::Refused { on, .. }) => (*on, "không được chấp nhận"),
                None => continue,
            };
            if on + Duration::days(30) >= today {
                reminders.push(Line {
                    text: format!("Đề nghị điều chỉnh {} {} ngày {}.", r.field_label.to_lowercase(), words, format::date(on)),
                    href: format!("{}#requests", summary.record_href),
                });
            }
        }
    }
    Ok(HomeData {
        member,
        summary,
        next,
        unread_notices: inbox.unread,
        notices,
        unread_documents: unread.len(),
        documents,
        reminders,
        study,
        recognition_file: recognition.is_some(),
        open_tasks: open.len(),
        tasks,
        dues: dues_line,
    })
}

/// The account changed something its handbook home shows (its data is read again).
pub(crate) fn changed(state: &AppState, s: &Caller) {
    state.pages.forget(s.principal().account_id);
}

#[derive(Template)]
#[template(path = "offline.html")]
struct OfflinePage {
    chrome: Chrome,
}

/// `GET /offline`: what the service worker shows for a page never opened while online.
async fn offline(chrome: Chrome) -> Result<Response, AppError> {
    page(&OfflinePage { chrome: chrome.titled("Không có kết nối") })
}
