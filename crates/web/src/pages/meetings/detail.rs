//! `/meetings/{id}`: a meeting — its details, the attendance of the roll (recorded on or after
//! the day), the resolutions with their count, the minutes with the chair's and the secretary's
//! signatures and, once signed, dated amendments. Forms only for those who record the chi bộ's
//! meetings.

use askama::Template;
use axum::response::Response;

use domain::ValidationErrors;
use domain::ids::MemberId;
use domain::meetings::{Presence, Signer, Threshold, parse_resolution};
use storage::access::Access;
use storage::{AttendanceInput, MeetingView, MinutesChange, StoreError};

use super::{get, meeting_href};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId};
use crate::format;
use crate::forms::{self, Refusal};
use crate::pages::Link;
use crate::pages::directives::unit_label;
use crate::respond::{page, render, see_other};
use crate::session::Caller;

/// One member's line: the choice shown (the recorded one, or what was typed).
struct RollRow {
    member: i64,
    name: Link,
    notes: String,
    guest: bool,
    presence: String,
    presence_label: String,
    reason: String,
    /// The member's answer to the invitation (for those who record the meeting).
    reply: String,
}

struct ResolutionRow {
    text: String,
    threshold: String,
    votes: String,
    outcome: &'static str,
    passed: bool,
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct DetailPage {
    chrome: Chrome,
    id: i64,
    version: i64,
    unit: Link,
    kind: String,
    held_on: String,
    place: String,
    length: String,
    too_short: Option<String>,
    agenda: Vec<String>,
    recorded: bool,
    may_record: bool,
    may_record_attendance: bool,
    counts: String,
    roll: Vec<RollRow>,
    presences: Vec<(&'static str, &'static str)>,
    resolutions: Vec<ResolutionRow>,
    thresholds: Vec<(&'static str, &'static str)>,
    typed: Vec<(String, String)>,
    minutes: String,
    chair: String,
    secretary: String,
    locked: bool,
    amendments: Vec<(String, String, String)>,
    errors: Vec<String>,
    edit_href: String,
    documents: Vec<DocumentRow>,
    /// For those who record the meeting, once the minutes are signed: whether the members may
    /// read them in their handbook.
    minutes_shared: Option<bool>,
}

/// A document posted for the meeting.
struct DocumentRow {
    name: String,
    href: String,
    size: String,
    posted: String,
    in_time: bool,
}

impl DetailPage {
    fn typed(&self, name: &str) -> &str {
        self.typed.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }
}

async fn view(
    s: &Access,
    chrome: Chrome,
    m: MeetingView,
    errors: Vec<String>,
    typed: Vec<(String, String)>,
) -> Result<DetailPage, AppError> {
    let desk = s.meetings()?;
    let may_record = desk.may_record(m.unit).await;
    let typed_value = |name: String| typed.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
    let replies = if may_record { desk.replies(m.id).await? } else { Vec::new() };
    let mut roll = Vec::new();
    for a in &m.attendance {
        let reply = match replies.iter().find(|r| r.member == a.member).map(|r| &r.reply) {
            Some(domain::handbook::Reply::Attend) => "Báo sẽ dự".to_owned(),
            Some(domain::handbook::Reply::Absent { reason }) => format!("Xin vắng: {reason}"),
            None => String::new(),
        };
        let mut notes = Vec::new();
        if a.exempt {
            notes.push("miễn sinh hoạt");
        }
        if a.away_temporarily {
            notes.push("đang sinh hoạt tạm thời nơi khác");
        }
        if a.guest {
            notes.push("sinh hoạt tạm thời tại chi bộ");
        }
        let presence =
            typed_value(format!("presence_{}", a.member)).unwrap_or_else(|| a.presence.map(|p| p.code().to_owned()).unwrap_or_default());
        roll.push(RollRow {
            member: a.member.0,
            name: Link::if_allowed(
                s,
                "/members/{id}",
                Some(storage::ScopeTarget::Member(a.member)),
                format!("/members/{}", a.member),
                a.full_name.clone(),
            )
            .await,
            notes: notes.join(", "),
            guest: a.guest,
            presence,
            presence_label: a.presence_label.clone(),
            reason: typed_value(format!("reason_{}", a.member)).unwrap_or_else(|| a.reason.clone().unwrap_or_default()),
            reply,
        });
    }
    let c = &m.counts;
    let counts = if m.attendance_recorded {
        format!(
            "Triệu tập {}: có mặt {}, vắng có lý do {}, vắng không lý do {}{}; số đảng viên tính biểu quyết {}.",
            c.summoned,
            c.present,
            c.excused,
            c.absent,
            if c.guests_present > 0 {
                format!("; {} đảng viên sinh hoạt tạm thời dự họp", c.guests_present)
            } else {
                String::new()
            },
            c.counting
        )
    } else {
        String::new()
    };
    let sig =
        |s: &Option<storage::SignatureView>| s.as_ref().map(|s| format!("{} (ký ngày {})", s.by, format::date(s.on))).unwrap_or_default();
    Ok(DetailPage {
        chrome: chrome.titled(format!("{} ngày {}", m.kind_label, format::date(m.held_on))),
        id: m.id,
        version: m.version,
        unit: Link::unit(s, m.unit, "", unit_label(s, m.unit, &m.unit_name)).await,
        kind: m.kind_label.clone(),
        held_on: format!("{} lúc {}", format::date(m.held_on), m.starts_at),
        place: m.place.clone(),
        length: m.length_minutes.map(|n| format!("{n} phút")).unwrap_or_else(|| "chưa ghi".into()),
        too_short: m
            .too_short
            .then(|| format!("Ngắn hơn thời lượng tối thiểu {} phút (Hướng dẫn 42-HD/BTCTW).", m.minimum_minutes.unwrap_or(0))),
        agenda: m.agenda.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect(),
        recorded: m.attendance_recorded,
        may_record,
        may_record_attendance: may_record && m.held_on <= s.today(),
        counts,
        roll,
        presences: Presence::ALL.iter().map(|p| (p.code(), p.label())).collect(),
        resolutions: m
            .resolutions
            .iter()
            .map(|r| ResolutionRow {
                text: r.text.clone(),
                threshold: r.threshold_label.clone(),
                votes: format!(
                    "Tán thành {}, không tán thành {}, không biểu quyết {} — trên {} đảng viên tính biểu quyết",
                    r.votes_for, r.votes_against, r.votes_abstain, r.counted
                ),
                outcome: if r.passed { "Thông qua" } else { "Không thông qua" },
                passed: r.passed,
            })
            .collect(),
        thresholds: Threshold::ALL.iter().map(|t| (t.code(), t.label())).collect(),
        typed,
        minutes: m.minutes.text.clone(),
        chair: sig(&m.minutes.chair),
        secretary: sig(&m.minutes.secretary),
        locked: m.minutes.locked,
        amendments: m.minutes.amendments.iter().map(|a| (format::date(a.on), a.text.clone(), a.by.clone())).collect(),
        errors,
        edit_href: format!("/meetings/{}/edit", m.id),
        minutes_shared: if may_record && m.minutes.locked { Some(desk.minutes_shared(m.id).await?) } else { None },
        documents: m
            .documents
            .iter()
            .map(|d| DocumentRow {
                name: d.name.clone(),
                href: format!("/meetings/documents/{}", d.id),
                size: format::file_size(d.size),
                posted: format::instant(d.posted_at),
                in_time: d.in_time,
            })
            .collect(),
    })
}

/// `GET /meetings/{id}`.
pub(super) async fn show(s: Caller, chrome: Chrome, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    let m = s.meetings()?.meeting(id).await?;
    page(&view(&s, chrome, m, Vec::new(), Vec::new()).await?)
}

/// The page again with why the write was refused, what was typed kept (a conflict shows the
/// meeting as it now stands).
async fn refused(s: &Access, chrome: Chrome, id: i64, e: StoreError, fields: Vec<(String, String)>) -> Result<Response, AppError> {
    let refusal = forms::refusal(e)?;
    let status = refusal.status();
    let (errors, typed) = match refusal {
        Refusal::Conflict { .. } => (
            vec!["Người khác vừa cập nhật buổi sinh hoạt này; trang đã hiện nội dung mới. Hãy kiểm tra và ghi lại nếu vẫn cần.".to_owned()],
            Vec::new(),
        ),
        Refusal::Invalid(e) => (forms::messages(e), fields),
    };
    let m = s.meetings()?.meeting(id).await?;
    render(status, &view(s, chrome, m, errors, typed).await?)
}

/// `POST /meetings/{id}/documents` (multipart: file): a document for the members.
pub(super) async fn add_document(
    s: Caller,
    axum::extract::State(state): axum::extract::State<crate::session::AppState>,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let desk = s.meetings()?;
    // Who may post is checked before the upload is read.
    desk.writable(id).await?;
    let form = crate::upload::read(multipart).await?;
    let file = match crate::upload::check(state.auth.scan_command.as_deref(), &form.name, form.bytes).await {
        Ok(f) => f,
        Err(e) => return refused(&s, chrome, id, StoreError::Invalid(domain::ValidationErrors { errors: vec![e] }), Vec::new()).await,
    };
    match desk.add_document(id, &file.name, file.media_type, &file.bytes).await {
        Ok(_) => Ok(see_other(&format!("/meetings/{id}#documents"))),
        Err(e) => refused(&s, chrome, id, e, Vec::new()).await,
    }
}

/// `GET /meetings/documents/{id}`: the file, to save.
pub(super) async fn download_document(s: Caller, PathId(document): PathId<i64>) -> Result<Response, AppError> {
    let (view, bytes) = s.meetings()?.document(document).await?;
    Ok(crate::upload::download(&view.name, bytes))
}

fn version_of(fields: &[(String, String)]) -> Result<i64, AppError> {
    get(fields, "version").trim().parse().map_err(|_| AppError::bad_request(forms::VERSION_REQUIRED))
}

/// `POST /meetings/{id}/attendance` (version, presence_{member}, reason_{member} for each member
/// of the roll; a guest left blank did not come).
pub(super) async fn attendance(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.meetings()?;
    desk.writable(id).await?;
    let version = version_of(&fields)?;
    let mut rows = Vec::new();
    let mut errors = ValidationErrors::default();
    for (key, value) in &fields {
        let Some(member) = key.strip_prefix("presence_").and_then(|m| m.parse::<i64>().ok()) else { continue };
        if value.trim().is_empty() {
            continue;
        }
        match Presence::parse(value) {
            Ok(presence) => {
                let reason = get(&fields, &format!("reason_{member}")).to_owned();
                rows.push(AttendanceInput { member: MemberId(member), presence, reason: (!reason.trim().is_empty()).then_some(reason) });
            }
            Err(e) => errors.push(key, e.code, e.message),
        }
    }
    let result = if errors.is_empty() { desk.record_attendance(id, version, rows).await } else { Err(StoreError::Invalid(errors)) };
    match result {
        Ok(()) => Ok(see_other(&meeting_href(id))),
        Err(e) => refused(&s, chrome, id, e, fields).await,
    }
}

/// `POST /meetings/{id}/resolutions` (version, text, threshold, votes_for, votes_against, votes_abstain).
pub(super) async fn resolution(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.meetings()?;
    desk.writable(id).await?;
    let version = version_of(&fields)?;
    let parsed = parse_resolution(
        get(&fields, "text"),
        get(&fields, "threshold"),
        get(&fields, "votes_for"),
        get(&fields, "votes_against"),
        get(&fields, "votes_abstain"),
    );
    let result = match parsed {
        Ok(input) => desk.add_resolution(id, version, input).await,
        Err(e) => Err(StoreError::Invalid(e)),
    };
    match result {
        Ok(()) => Ok(see_other(&meeting_href(id))),
        Err(e) => refused(&s, chrome, id, e, fields).await,
    }
}

/// `POST /meetings/{id}/minutes` (version, action = edit | sign-chair | sign-secretary | amend,
/// minutes, signer_name, amendment).
pub(super) async fn minutes(
    s: Caller,
    chrome: Chrome,
    PathId(id): PathId<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.meetings()?;
    desk.writable(id).await?;
    let version = version_of(&fields)?;
    let change = match get(&fields, "action") {
        "edit" => MinutesChange::Edit(get(&fields, "minutes").to_owned()),
        "sign-chair" => MinutesChange::Sign(Signer::Chair, get(&fields, "chair_name").to_owned()),
        "sign-secretary" => MinutesChange::Sign(Signer::Secretary, get(&fields, "secretary_name").to_owned()),
        "amend" => MinutesChange::Amend(get(&fields, "amendment").to_owned()),
        _ => return Err(AppError::bad_request("Thao tác không hợp lệ.")),
    };
    match desk.change_minutes(id, version, change).await {
        Ok(()) => Ok(see_other(&(meeting_href(id) + "#minutes"))),
        Err(e) => refused(&s, chrome, id, e, fields).await,
    }
}

/// `POST /meetings/{id}/share-minutes`: the chi bộ shares the signed minutes with its members
/// (their handbook shows them).
pub(super) async fn share_minutes(s: Caller, PathId(id): PathId<i64>) -> Result<Response, AppError> {
    s.meetings()?.share_minutes(id).await?;
    Ok(crate::respond::see_other(&format!("/meetings/{id}#minutes")))
}
