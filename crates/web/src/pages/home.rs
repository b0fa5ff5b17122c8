//! `GET /`: where each role lands. Staff (the organization board, the committee, inspectors, the
//! administrator) see what is due in their scope and its key counts, each a link to the people
//! behind it; a chi bộ secretary lands on their chi bộ's admission board; a member on their own
//! record (ui.md: "Worklist first").

use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use domain::history::Status;
use storage::{MemberQuery, StatusFilter};

use super::admission::{UnitAdmission, unit_admission};
use crate::chrome::{Chrome, Home};
use crate::error::AppError;
use crate::format;
use crate::respond::page;
use crate::session::Caller;

/// One number of the home page and the list that gives it.
struct KeyCount {
    label: &'static str,
    count: String,
    href: String,
}

/// One unit the person looks after: its due work and key counts.
struct UnitHome {
    name: String,
    href: String,
    admission: UnitAdmission,
    counts: Vec<KeyCount>,
    /// The data-quality worklist of the unit, when this person may open it.
    quality: Option<String>,
    /// The transfer book: letters waiting for an answer, and those late on either side.
    transfers: Option<(String, storage::access::TransferDue)>,
    /// Members' requests to correct their record waiting for this person's answer.
    requests: Option<(String, usize)>,
    /// The yearly cycle: evaluation rounds, residence ties, dues.
    cycle: Vec<super::cycle_due::DueLine>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    today: String,
    units: Vec<UnitHome>,
    /// The import of a register file, when this person may import.
    import: bool,
}

/// `GET /`: the staff home page, or a redirect to the role's own home.
pub(super) async fn home(s: Caller, chrome: Chrome) -> Result<Response, AppError> {
    let home = Home::of(s.principal());
    if home != Home::Staff {
        return Ok(Redirect::to(&home.href()).into_response());
    }
    let today = s.today();
    let reader = s.reader()?;
    let mut units = Vec::new();
    let quality = crate::policy::may_open(&s, "/quality", None).await;
    let import = crate::policy::may_open(&s, "/import", None).await;
    // The tops of the person's tree: the units of their grants (every province for the administrator).
    for node in reader.children(None, today).await? {
        let id = node.unit.id;
        let unit = id.to_string();
        let members = |status: &str| format::href("/members", &[("unit", &unit), ("status", status)]);
        let probationary = reader
            .find_members(&MemberQuery {
                unit: Some(id),
                status: StatusFilter::Only(Status::Probationary),
                per_page: 1,
                ..MemberQuery::new(today)
            })
            .await?;
        let admission = unit_admission(&s, id).await?;
        let counts = vec![
            KeyCount { label: "Đảng viên đang sinh hoạt", count: format::count(node.member_count), href: members("") },
            KeyCount {
                label: "Đảng viên dự bị", count: format::count(probationary.total), href: members(Status::Probationary.code())
            },
            KeyCount {
                label: "Hồ sơ phát triển đảng viên đang theo dõi",
                count: admission.open_cases.clone(),
                href: admission.board_href.clone(),
            },
        ];
        let quality = quality.then(|| super::quality::href_for(Some(id)));
        let transfers = match s.transfers() {
            Ok(desk) => desk.due(id).await.ok().map(|due| (format!("/units/{id}/transfers"), due)),
            Err(_) => None,
        };
        let requests = match s.change_requests() {
            Ok(desk) => desk.waiting(id).await.ok().filter(|n| *n > 0).map(|n| (format::href("/change-requests", &[("unit", &unit)]), n)),
            Err(_) => None,
        };
        units.push(UnitHome {
            name: node.unit.name.clone(),
            href: format!("/units/{id}"),
            admission,
            counts,
            quality,
            transfers,
            requests,
            cycle: super::cycle_due::lines(&s, id).await,
        });
    }
    page(&HomePage { chrome: chrome.titled("Trang chính"), today: format::date(today), units, import })
}
